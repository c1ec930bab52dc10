// SPDX-License-Identifier: MIT
#include <string.h>

#include "hal.h"
#include "mock_hal.h"

#ifdef DNPU_FW_SOFT
#include "soft_seq.h"
/* firmware/soft_seq.c is the engine-control HAL; this is the hardware */
#define hal_eng_read	hal_hw_eng_read
#define hal_eng_write	hal_hw_eng_write
#endif

struct mock mock;

void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
	mock.job_cycles = 1000;
	mock.job_macs = 4096;
	mock.job_rd = 512;
	mock.job_wr = 256;
}

static int reg_index(uint32_t off, size_t words)
{
	if (off % 4 || off / 4 >= words) {
		mock.bad_reg_access++;
		mock.last_bad_off = off;
		return -1;
	}
	return (int)(off / 4);
}

void mock_host_write(uint32_t off, uint32_t val)
{
	int i = reg_index(off, DNPU_MMIO_SIZE / 4);

	if (i < 0)
		return;
	switch (off) {
	case DNPU_REG_IRQ_STATUS:
		mock.reg[i] &= ~val;
		break;
	case DNPU_REG_DOORBELL:
		mock.eng[DNPU_ENG_IRQ_PENDING / 4] |= DNPU_CORE_IRQ_DOORBELL;
		break;
	default:
		mock.reg[i] = val;
	}
}

uint32_t mock_host_read(uint32_t off)
{
	int i = reg_index(off, DNPU_MMIO_SIZE / 4);

	return i < 0 ? 0 : mock.reg[i];
}

void *mock_mem(uint64_t addr, size_t len)
{
	if (addr < MOCK_HOSTMEM_BASE || len > MOCK_HOSTMEM_SIZE ||
	    addr - MOCK_HOSTMEM_BASE > MOCK_HOSTMEM_SIZE - len)
		return NULL;
	return mock.mem + (addr - MOCK_HOSTMEM_BASE);
}

uint32_t hal_reg_read(uint32_t off)
{
	int i = reg_index(off, DNPU_MMIO_SIZE / 4);

	return i < 0 ? 0 : mock.reg[i];
}

void hal_reg_write(uint32_t off, uint32_t val)
{
	int i = reg_index(off, DNPU_MMIO_SIZE / 4);

	if (i < 0)
		return;
	switch (off) {
	case DNPU_REG_STATUS:
	case DNPU_REG_FW_VERSION:
	case DNPU_REG_HEARTBEAT:
	case DNPU_REG_RING_HEAD:
	case DNPU_REG_DONE_SEQNO:
	case DNPU_REG_FAULT_SEQNO:
	case DNPU_REG_FAULT_CAUSE:
	case DNPU_REG_FAULT_REGION:
	case DNPU_REG_FAULT_OFFSET:
	case DNPU_REG_FAULT_CMD:
	case DNPU_REG_FW_ERROR:
		mock.reg[i] = val;
		break;
	case DNPU_REG_IRQ_RAISE:
		mock.reg[DNPU_REG_IRQ_STATUS / 4] |= val;
		for (int b = 0; b < 4; b++)
			if (val & (1u << b))
				mock.irq_raises[b]++;
		if (val & ~DNPU_IRQ_ALL) {
			mock.bad_reg_access++;
			mock.last_bad_off = off;
		}
		break;
	case DNPU_REG_DEBUG_INJECT:	/* the firmware clears consumed bits */
		mock.reg[i] &= ~val;
		break;
	default:			/* host-owned or read-only */
		mock.bad_reg_access++;
		mock.last_bad_off = off;
	}
}

uint32_t hal_eng_read(uint32_t off)
{
	int i = reg_index(off, 0x400);

	if (i < 0)
		return 0;
	if (off >= DNPU_ENG_PERF_LO(0) && off < DNPU_ENG_PERF_LO(DNPU_PERF_COUNT)) {
		uint32_t n = (off - DNPU_ENG_PERF_LO(0)) / 8;

		return off % 8 ? (uint32_t)(mock.perf[n] >> 32) : (uint32_t)mock.perf[n];
	}
	if (off >= DNPU_ENG_MAC_ACC(0) && off < DNPU_ENG_MAC_ACC(4))
		return mock.mac_acc[(off - DNPU_ENG_MAC_ACC(0)) / 4];
	return mock.eng[i];
}

/* STEP {w1, w0, a1, a0}: ACC(2p + n) += a_p * w_n, modulo 2^32 */
static void mac_step(uint32_t v)
{
	mock.mac_steps++;
	mock.time += MOCK_MAC_STEP_CYCLES;
	for (unsigned p = 0; p < DNPU_MAC_ROWS; p++)
		for (unsigned n = 0; n < DNPU_MAC_COLS; n++)
			mock.mac_acc[2 * p + n] += (uint32_t)((int8_t)(v >> (8 * p)) *
							     (int8_t)(v >> (16 + 8 * n)));
}

static void engine_start(void)
{
	struct mock_job *j = &mock.last_job;

	mock.starts++;
	if (mock.clock_gated) {
		mock.bad_reg_access++;	/* started with the clock off */
		mock.last_bad_off = 0x10000 | DNPU_ENG_CTRL;
	}
	j->cmd_region = mock.eng[DNPU_ENG_CMD_REGION / 4];
	j->cmd_offset = mock.eng[DNPU_ENG_CMD_OFFSET / 4];
	j->cmd_count = mock.eng[DNPU_ENG_CMD_COUNT / 4];
	j->region_count = mock.eng[DNPU_ENG_REGION_COUNT / 4];
	j->watchdog = mock.eng[DNPU_ENG_WATCHDOG / 4];
	for (uint32_t r = 0; r < DNPU_MAX_REGIONS; r++)
		for (uint32_t k = 0; k < 4; k++)
			j->region[r][k] = mock.eng[DNPU_ENG_REGION_ADDR_LO(r) / 4 + k];

	mock.eng[DNPU_ENG_STATUS / 4] = DNPU_ENG_STATUS_BUSY;
	if (mock.mode == MOCK_ENG_HANG)
		return;
	mock.perf[DNPU_PERF_CYCLES] += mock.job_cycles;
	mock.perf[DNPU_PERF_MACS] += mock.job_macs;
	mock.perf[DNPU_PERF_DRAM_RD_BYTES] += mock.job_rd;
	mock.perf[DNPU_PERF_DRAM_WR_BYTES] += mock.job_wr;
	mock.perf[DNPU_PERF_JOBS]++;
	if (mock.mode == MOCK_ENG_FAULT) {
		mock.eng[DNPU_ENG_STATUS / 4] = DNPU_ENG_STATUS_FAULT;
		mock.eng[DNPU_ENG_FAULT_CAUSE / 4] = mock.fault_cause;
		mock.eng[DNPU_ENG_FAULT_REGION / 4] = mock.fault_region;
		mock.eng[DNPU_ENG_FAULT_OFFSET / 4] = mock.fault_offset;
		mock.eng[DNPU_ENG_FAULT_CMD / 4] = mock.fault_cmd;
		mock.eng[DNPU_ENG_IRQ_PENDING / 4] |= DNPU_CORE_IRQ_ENG_FAULT;
	} else {
		mock.eng[DNPU_ENG_STATUS / 4] = DNPU_ENG_STATUS_DONE;
		mock.eng[DNPU_ENG_IRQ_PENDING / 4] |= DNPU_CORE_IRQ_ENG_DONE;
	}
}

void hal_eng_write(uint32_t off, uint32_t val)
{
	int i = reg_index(off, 0x400);

	if (i < 0)
		return;
	switch (off) {
	case DNPU_ENG_CTRL:
		if (val & DNPU_ENG_CTRL_ABORT) {
			mock.aborts++;
			mock.eng[DNPU_ENG_STATUS / 4] = 0;
		}
		if (val & DNPU_ENG_CTRL_START)
			engine_start();
		break;
	case DNPU_ENG_IRQ_PENDING:
		mock.eng[i] &= ~val;
		break;
	case DNPU_ENG_CLOCK_GATE:
		mock.clock_gated = (int)(val & 1);
		mock.eng[i] = val;
		break;
	case DNPU_ENG_MAC_CTRL:
		if (val & DNPU_MAC_CTRL_CLEAR)
			memset(mock.mac_acc, 0, sizeof(mock.mac_acc));
		break;
	case DNPU_ENG_MAC_STEP:
		mac_step(val);
		break;
	case DNPU_ENG_STATUS:
	case DNPU_ENG_FAULT_CAUSE:
	case DNPU_ENG_FAULT_REGION:
	case DNPU_ENG_FAULT_OFFSET:
	case DNPU_ENG_FAULT_CMD:
	case DNPU_ENG_MBOX_STATUS:
		mock.bad_reg_access++;
		mock.last_bad_off = 0x10000 | off;
		break;
	default:
		mock.eng[i] = val;
	}
}

static int mbox_check(uint32_t len)
{
	if (len < 4 || len > 64 || len % 4) {
		mock.bad_mbox_len++;
		return -1;
	}
	return 0;
}

int hal_mbox_read(uint64_t addr, void *buf, uint32_t len)
{
	void *src;

	mock.mbox_reads++;
	if (mbox_check(len))
		return -1;
	src = mock_mem(addr, len);
	if (!src) {
		mock.mbox_errors++;
		return -1;
	}
	memcpy(buf, src, len);
	return 0;
}

int hal_mbox_write(uint64_t addr, const void *buf, uint32_t len)
{
	void *dst;

	mock.mbox_writes++;
	if (mbox_check(len))
		return -1;
	dst = mock_mem(addr, len);
	if (!dst) {
		mock.mbox_errors++;
		return -1;
	}
	memcpy(dst, buf, len);
	return 0;
}

uint64_t hal_time(void)
{
	mock.time += 10;
	return mock.time;
}

#ifdef DNPU_FW_SOFT
#undef hal_eng_read
#undef hal_eng_write
#endif

uint32_t hal_wait_event(uint64_t wake_at)
{
	uint32_t pend;

	if (++mock.waits > MOCK_MAX_WAITS) {
		mock.wait_overrun++;
		/* force progress so a broken firmware still terminates */
		mock.time += 1ull << 40;
	}
#ifdef DNPU_FW_SOFT
	/* the soft sequencer's ENG_DONE / ENG_FAULT too */
	pend = hal_eng_read(DNPU_ENG_IRQ_PENDING);
#else
	pend = mock.eng[DNPU_ENG_IRQ_PENDING / 4];
#endif
	if (!pend && wake_at > mock.time)
		mock.time = wake_at;
#ifdef DNPU_FW_SOFT
	hal_eng_write(DNPU_ENG_IRQ_PENDING, pend);
#else
	mock.eng[DNPU_ENG_IRQ_PENDING / 4] = 0;
#endif
	return pend;
}

void hal_crash(void)
{
	mock.crashed++;
	longjmp(mock.crash_jmp, 1);
}
