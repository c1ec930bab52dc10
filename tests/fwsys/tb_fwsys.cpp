// System test of the control complex: the real firmware (dnpu-fw.bin) on the
// RTL core in rtl/dnpu_ctrl.v, a behavioural engine stub, host memory in this
// harness. Acts as the driver: loads the firmware through the FW window,
// waits for the boot handshake, runs rings of jobs and checks completion
// records, fences (DONE_SEQNO), fault registers and interrupts, including an
// injected DMA fault followed by jobs that still complete, engine faults, a
// bad descriptor, a dropped interrupt, hang and crash injection, a firmware
// trap record, a core restart that resumes the ring and a soft reset.
//   tb_fwsys <dnpu-fw.bin>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vtb_fwsys.h"
#include "dnpu_hw.h"
#include "verilated.h"

static const uint64_t HOST_BASE = 0x200000000ull;	// exercises ADDR_HI
static const size_t HOST_SIZE = 1u << 20;
static const uint64_t RING = HOST_BASE;
static const uint64_t TABLES = HOST_BASE + 0x1000;	// 512 B per seqno % 32
static const uint64_t COMPL = HOST_BASE + 0x8000;	// 64 B per seqno % 128
static const uint64_t CMDS = HOST_BASE + 0x10000;	// command region
static const uint32_t RING_SIZE = 8;

static std::vector<uint8_t> hostmem(HOST_SIZE);
static Vtb_fwsys *top;
static uint64_t cycles;
static unsigned irq_edges;
static bool irq_prev;
static int failures;

#define CHECK(c)                                                            \
	do {                                                                \
		if (!(c)) {                                                 \
			fprintf(stderr, "FAIL %s:%d: %s (cycle %llu)\n",    \
				__FILE__, __LINE__, #c,                     \
				(unsigned long long)cycles);                \
			failures++;                                         \
		}                                                           \
	} while (0)
#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		uint64_t _a = (a), _b = (b);                                \
		if (_a != _b) {                                             \
			fprintf(stderr, "FAIL %s:%d: %s = 0x%llx, want 0x%llx\n", \
				__FILE__, __LINE__, #a,                     \
				(unsigned long long)_a,                     \
				(unsigned long long)_b);                    \
			failures++;                                         \
		}                                                           \
	} while (0)

extern "C" int dpi_host_read(long long addr, int *data)
{
	uint64_t a = (uint64_t)addr;

	if (a < HOST_BASE || a - HOST_BASE > HOST_SIZE - 4 || a % 4)
		return 1;
	memcpy(data, &hostmem[a - HOST_BASE], 4);
	return 0;
}

extern "C" int dpi_host_write(long long addr, int data)
{
	uint64_t a = (uint64_t)addr;

	if (a < HOST_BASE || a - HOST_BASE > HOST_SIZE - 4 || a % 4)
		return 1;
	memcpy(&hostmem[a - HOST_BASE], &data, 4);
	return 0;
}

static void *mem(uint64_t bus, size_t len)
{
	if (bus < HOST_BASE || bus - HOST_BASE + len > HOST_SIZE) {
		fprintf(stderr, "harness: bad host address\n");
		exit(2);
	}
	return &hostmem[bus - HOST_BASE];
}

static void tick()
{
	top->clk = 0;
	top->eval();
	top->clk = 1;
	top->eval();
	cycles++;
	if (top->host_irq && !irq_prev)
		irq_edges++;
	irq_prev = top->host_irq;
}

static uint32_t mmio(uint32_t off, bool we, uint32_t val)
{
	uint32_t r = 0;

	top->host_req = 1;
	top->host_we = we;
	top->host_addr = off;
	top->host_wdata = val;
	for (int i = 0;; i++) {
		tick();
		if (top->host_ack) {
			r = top->host_rdata;
			break;
		}
		if (i > 1000) {
			fprintf(stderr, "harness: no ack for 0x%x\n", off);
			exit(2);
		}
	}
	top->host_req = 0;
	top->host_we = 0;
	tick();
	return r;
}

static uint32_t rd(uint32_t off) { return mmio(off, false, 0); }
static void wr(uint32_t off, uint32_t v) { mmio(off, true, v); }

static void run(uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		tick();
}

/* Poll a register (as a driver would) until pred holds; false on timeout. */
template <typename P> static bool wait_for(uint32_t off, P pred, uint64_t max)
{
	uint64_t end = cycles + max;

	while (cycles < end) {
		if (pred(rd(off)))
			return true;
		run(200);
	}
	return false;
}

/* Wait until all of want are pending (bounded), acknowledge what is. */
static uint32_t ack_irqs(uint32_t want = 0)
{
	uint32_t s;

	wait_for(DNPU_REG_IRQ_STATUS, [&](uint32_t v) { return (v & want) == want; },
		 20000);
	s = rd(DNPU_REG_IRQ_STATUS);
	wr(DNPU_REG_IRQ_STATUS, s);
	return s;
}

struct job_opts {
	uint32_t cmd_count = 4;
	uint32_t cmd_flags = DNPU_REGION_VALID | DNPU_REGION_READ;
	uint32_t region_count = 3;
	uint32_t timeout = 0;
};

static uint32_t tail;

static void submit(uint32_t seqno, const job_opts &o = job_opts())
{
	auto *d = (dnpu_job_desc *)mem(RING + 64ull * (tail % RING_SIZE), 64);
	uint64_t table = TABLES + 512ull * (seqno % 32);
	auto *r = (dnpu_region *)mem(table, 512);

	memset(r, 0, 512);
	for (uint32_t i = 0; i < 16; i++) {
		r[i].addr = i == 0 ? CMDS : HOST_BASE + 0x20000 + 0x1000ull * i;
		r[i].size = 0x1000;
		r[i].flags = i == 0 ? o.cmd_flags :
			DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE;
	}
	memset(d, 0, sizeof(*d));
	d->seqno = seqno;
	d->flags = DNPU_JOB_F_PERF;
	d->region_table = table;
	d->region_count = o.region_count;
	d->cmd_region = 0;
	d->cmd_offset = 64;
	d->cmd_count = o.cmd_count;
	d->completion = COMPL + 64ull * (seqno % 128);
	d->timeout_kcycles = o.timeout;
	memset(mem(d->completion, 64), 0xee, 64);
	tail++;
	wr(DNPU_REG_RING_TAIL, tail);
	wr(DNPU_REG_DOORBELL, 1);
}

static dnpu_job_completion *completion(uint32_t seqno)
{
	return (dnpu_job_completion *)mem(COMPL + 64ull * (seqno % 128), 64);
}

static bool wait_done(uint32_t seqno, uint64_t max = 400000)
{
	bool ok = wait_for(DNPU_REG_DONE_SEQNO,
			   [&](uint32_t v) { return v == seqno; }, max);
	if (!ok)
		fprintf(stderr, "timeout waiting for seqno %u (DONE_SEQNO %u, PC 0x%x)\n",
			seqno, rd(DNPU_REG_DONE_SEQNO), rd(DNPU_REG_CORE_PC));
	CHECK(ok);
	/* the firmware is idle again once it has raised the interrupt */
	ok = ok && wait_for(DNPU_REG_STATUS, [](uint32_t v) {
		return DNPU_STATUS_FW_STATE(v) != DNPU_FW_STATE_RUNNING; }, 20000);
	CHECK(ok);
	return ok;
}

static void setup_ring()
{
	tail = 0;
	wr(DNPU_REG_RING_BASE_LO, (uint32_t)RING);
	wr(DNPU_REG_RING_BASE_HI, (uint32_t)(RING >> 32));
	wr(DNPU_REG_RING_SIZE, RING_SIZE);
	wr(DNPU_REG_RING_TAIL, 0);
	wr(DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
}

static bool wait_ready()
{
	return wait_for(DNPU_REG_STATUS, [](uint32_t v) {
		return (v & DNPU_STATUS_FW_READY) &&
		       DNPU_STATUS_FW_STATE(v) == DNPU_FW_STATE_IDLE; }, 200000);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: tb_fwsys dnpu-fw.bin\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	std::vector<uint8_t> fwimg(DNPU_CORE_IMEM_SIZE);
	size_t fwlen = fread(fwimg.data(), 1, fwimg.size(), f);
	fclose(f);
	fwlen = (fwlen + 3) & ~(size_t)3;

	top = new Vtb_fwsys;
	top->rst = 1;
	run(5);
	top->rst = 0;
	run(2);

	/* identification */
	CHECK_EQ(rd(DNPU_REG_ID), DNPU_ID_MAGIC);
	CHECK_EQ(rd(DNPU_REG_VERSION), (DNPU_HW_VERSION_MAJOR << 16) | DNPU_HW_VERSION_MINOR);
	wr(DNPU_REG_SCRATCH, 0xa5a55a5a);
	CHECK_EQ(rd(DNPU_REG_SCRATCH), 0xa5a55a5a);

	/* firmware load through the window, then read back */
	wr(DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE);
	for (size_t i = 0; i < fwlen; i += 4) {
		uint32_t w;
		memcpy(&w, &fwimg[i], 4);
		wr(DNPU_REG_FW_DATA, w);
	}
	CHECK_EQ(rd(DNPU_REG_FW_ADDR), DNPU_CORE_IMEM_BASE + fwlen);
	wr(DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE);
	for (size_t i = 0; i < 64 && i < fwlen; i += 4) {
		uint32_t w;
		memcpy(&w, &fwimg[i], 4);
		CHECK_EQ(rd(DNPU_REG_FW_DATA), w);
	}

	/* the window runs from IMEM's last word on into DMEM */
	wr(DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE + DNPU_CORE_IMEM_SIZE - 4);
	wr(DNPU_REG_FW_DATA, 0x11111111);
	wr(DNPU_REG_FW_DATA, 0x22222222);
	CHECK_EQ(rd(DNPU_REG_FW_ADDR), DNPU_CORE_DMEM_BASE + 4);
	wr(DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE + DNPU_CORE_IMEM_SIZE - 4);
	CHECK_EQ(rd(DNPU_REG_FW_DATA), 0x11111111);
	CHECK_EQ(rd(DNPU_REG_FW_DATA), 0x22222222);
	/* outside the memories: dropped, reads 0 */
	wr(DNPU_REG_FW_ADDR, 0x00020000);
	wr(DNPU_REG_FW_DATA, 0x33333333);
	wr(DNPU_REG_FW_ADDR, 0x00020000);
	CHECK_EQ(rd(DNPU_REG_FW_DATA), 0);

	/* boot handshake */
	setup_ring();
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	uint64_t t0 = cycles;
	CHECK(wait_ready());
	printf("boot: FW_READY after %llu cycles\n", (unsigned long long)(cycles - t0));
	CHECK_EQ(DNPU_FW_VERSION_ABI(rd(DNPU_REG_FW_VERSION)), DNPU_FW_ABI_VERSION);
	CHECK(top->host_irq);
	CHECK(ack_irqs(DNPU_IRQ_FW_READY) & DNPU_IRQ_FW_READY);
	CHECK(!top->host_irq);
	CHECK(rd(DNPU_REG_STATUS) & DNPU_STATUS_CLOCK_GATED);
	CHECK_EQ(rd(DNPU_REG_FW_ERROR), DNPU_FW_ERR_NONE);

	/* a ring of jobs, more than the ring holds in total */
	uint32_t seq = 0;
	t0 = cycles;
	for (int batch = 0; batch < 3; batch++) {
		unsigned edges = irq_edges;
		for (int k = 0; k < 4; k++)
			submit(++seq);
		if (!wait_done(seq))
			break;
		CHECK(irq_edges > edges);
		CHECK(ack_irqs(DNPU_IRQ_JOB_DONE) & DNPU_IRQ_JOB_DONE);
	}
	printf("ring: %u jobs in %llu cycles\n", seq, (unsigned long long)(cycles - t0));
	for (uint32_t s = 1; s <= seq; s++) {
		dnpu_job_completion *c = completion(s);
		CHECK_EQ(c->seqno, s);
		CHECK_EQ(c->status, DNPU_JOB_OK);
		CHECK_EQ(c->macs, 4000u);
		CHECK_EQ(c->dram_rd_bytes, 256u);
		CHECK_EQ(c->dram_wr_bytes, 128u);
		CHECK(c->cycles >= 400u && c->cycles < 100000u);
		CHECK_EQ(c->reserved1, 0);
	}
	CHECK_EQ(rd(DNPU_REG_RING_HEAD), seq);
	CHECK(wait_for(DNPU_REG_STATUS, [](uint32_t v) {
		return (v & DNPU_STATUS_CLOCK_GATED) && !(v & DNPU_STATUS_BUSY); }, 20000));
	CHECK_EQ(top->start_while_gated, 0);
	/* host perf registers: LO latches HI */
	CHECK_EQ(rd(DNPU_REG_PERF_LO(DNPU_PERF_JOBS)), seq);
	CHECK_EQ(rd(DNPU_REG_PERF_HI(DNPU_PERF_JOBS)), 0);
	CHECK_EQ(rd(DNPU_REG_PERF_LO(DNPU_PERF_MACS)), 4000u * seq);

	/* injected DMA fault, then jobs that still complete */
	wr(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DMA_FAULT);
	submit(++seq);
	submit(++seq);
	submit(++seq);
	wait_done(seq);
	CHECK_EQ(completion(seq - 2)->status, DNPU_FAULT_INJECTED);
	CHECK_EQ(completion(seq - 1)->status, DNPU_JOB_OK);
	CHECK_EQ(completion(seq)->status, DNPU_JOB_OK);
	CHECK_EQ(rd(DNPU_REG_FAULT_SEQNO), seq - 2);
	CHECK_EQ(rd(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_INJECTED);
	CHECK_EQ(rd(DNPU_REG_DEBUG_INJECT), 0);
	{
		uint32_t s = ack_irqs(DNPU_IRQ_JOB_FAULT | DNPU_IRQ_JOB_DONE);
		CHECK(s & DNPU_IRQ_JOB_FAULT);
		CHECK(s & DNPU_IRQ_JOB_DONE);
	}

	/* engine faults: no read permission, out of bounds */
	job_opts noread;
	noread.cmd_flags = DNPU_REGION_VALID;
	submit(++seq, noread);
	job_opts oob;
	oob.cmd_count = 64;	/* 64 + 64 * 64 > 4096 */
	submit(++seq, oob);
	submit(++seq);
	wait_done(seq);
	CHECK_EQ(completion(seq - 2)->status, DNPU_FAULT_PERMISSION);
	CHECK_EQ(completion(seq - 1)->status, DNPU_FAULT_OUT_OF_BOUNDS);
	CHECK_EQ(completion(seq - 1)->fault_region, 0);
	CHECK_EQ(completion(seq - 1)->fault_offset, 64);
	CHECK_EQ(completion(seq)->status, DNPU_JOB_OK);
	CHECK_EQ(rd(DNPU_REG_FAULT_SEQNO), seq - 1);
	CHECK_EQ(rd(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_OUT_OF_BOUNDS);
	ack_irqs(DNPU_IRQ_JOB_FAULT | DNPU_IRQ_JOB_DONE);

	/* engine watchdog */
	job_opts hang;
	hang.cmd_count = 1000;
	hang.timeout = 5;
	submit(++seq, hang);
	submit(++seq);
	wait_done(seq);
	CHECK_EQ(completion(seq - 1)->status, DNPU_FAULT_TIMEOUT);
	CHECK_EQ(completion(seq)->status, DNPU_JOB_OK);
	ack_irqs(DNPU_IRQ_JOB_FAULT | DNPU_IRQ_JOB_DONE);

	/* bad descriptor */
	job_opts bad;
	bad.region_count = 0;
	submit(++seq, bad);
	submit(++seq);
	wait_done(seq);
	CHECK_EQ(completion(seq - 1)->status, DNPU_FAULT_BAD_DESC);
	CHECK_EQ(completion(seq)->status, DNPU_JOB_OK);
	CHECK_EQ(rd(DNPU_REG_FAULT_CAUSE), DNPU_FAULT_BAD_DESC);
	ack_irqs(DNPU_IRQ_JOB_FAULT | DNPU_IRQ_JOB_DONE);

	/* dropped interrupt: the fence moves, no IRQ; the next job raises */
	wr(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DROP_IRQ);
	submit(++seq);
	wait_done(seq);
	run(2000);
	CHECK(!top->host_irq);
	CHECK_EQ(rd(DNPU_REG_IRQ_STATUS), 0);
	submit(++seq);
	wait_done(seq);
	CHECK(ack_irqs(DNPU_IRQ_JOB_DONE) & DNPU_IRQ_JOB_DONE);
	printf("faults: %u jobs done, %u interrupts, %llu cycles\n", seq, irq_edges,
	       (unsigned long long)cycles);

	/* heartbeat advances while idle (timer wakeups) */
	uint32_t hb = rd(DNPU_REG_HEARTBEAT);
	CHECK(wait_for(DNPU_REG_HEARTBEAT, [&](uint32_t v) { return v != hb; },
		       3u << 20));

	/* hang: heartbeat stops and jobs wait */
	wr(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_HANG);
	run(5000);
	hb = rd(DNPU_REG_HEARTBEAT);
	submit(++seq);
	run(3u << 20);
	CHECK_EQ(rd(DNPU_REG_HEARTBEAT), hb);
	CHECK_EQ(rd(DNPU_REG_DONE_SEQNO), seq - 1);
	/* core restart (CORE_RUN off/on) resumes the ring from the registers */
	wr(DNPU_REG_CONTROL, 0);
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	CHECK(wait_ready());
	wait_done(seq);
	CHECK_EQ(completion(seq)->status, DNPU_JOB_OK);
	CHECK_EQ(rd(DNPU_REG_RING_HEAD), seq);
	ack_irqs(DNPU_IRQ_FW_READY | DNPU_IRQ_JOB_DONE);

	/* crash: trap report, error interrupt, trap record in DMEM */
	wr(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_FW_CRASH);
	CHECK(wait_for(DNPU_REG_FW_ERROR, [](uint32_t v) { return v == DNPU_FW_ERR_TRAP; },
		       100000));
	CHECK_EQ(DNPU_STATUS_FW_STATE(rd(DNPU_REG_STATUS)), DNPU_FW_STATE_ERROR);
	CHECK(!(rd(DNPU_REG_STATUS) & DNPU_STATUS_FW_READY));
	CHECK(ack_irqs(DNPU_IRQ_FW_ERROR) & DNPU_IRQ_FW_ERROR);
	wr(DNPU_REG_FW_ADDR, DNPU_CORE_DMEM_BASE);
	CHECK_EQ(rd(DNPU_REG_FW_DATA), 0x50415254u);	/* "TRAP" */
	CHECK_EQ(rd(DNPU_REG_FW_DATA), 2);		/* illegal instruction */

	/* debug halt */
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN | DNPU_CONTROL_CORE_HALT);
	CHECK(wait_for(DNPU_REG_STATUS, [](uint32_t v) {
		return (v & DNPU_STATUS_CORE_HALTED) != 0; }, 10000));

	/* soft reset: registers cleared, memories kept, firmware boots again */
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_RESET);
	run(10);
	CHECK_EQ(rd(DNPU_REG_RING_HEAD), 0);
	CHECK_EQ(rd(DNPU_REG_STATUS) & DNPU_STATUS_FW_READY, 0);
	setup_ring();
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	CHECK(wait_ready());
	CHECK(ack_irqs(DNPU_IRQ_FW_READY) & DNPU_IRQ_FW_READY);
	submit(100);
	submit(101);
	wait_done(101);
	CHECK_EQ(completion(100)->status, DNPU_JOB_OK);
	CHECK_EQ(completion(101)->status, DNPU_JOB_OK);
	CHECK(ack_irqs(DNPU_IRQ_JOB_DONE) & DNPU_IRQ_JOB_DONE);

	printf("tb_fwsys: %llu cycles, %s (%d failures)\n", (unsigned long long)cycles,
	       failures ? "FAILED" : "PASSED", failures);
	top->final();
	delete top;
	return failures ? 1 : 0;
}
