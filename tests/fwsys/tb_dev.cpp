// The firmware on the RTL control core driving the real engine
// (tb_dev.sv): this harness is the driver and the host memory on the
// engine's 128-bit bus (fixed latency, error outside the memory). Jobs are
// real command streams (LOAD -> BARRIER -> STORE -> END copying a block
// between regions), so the data path, the mailbox, the region table, fault
// reporting and interrupts are all the real ones.
//   tb_dev <dnpu-fw.bin>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "Vtb_dev.h"
#include "dnpu_hw.h"
#include "verilated.h"

static const uint64_t HOST_BASE = 0x180000000ull;
static const size_t HOST_SIZE = 1u << 20;
static const uint64_t RING = HOST_BASE;
static const uint64_t TABLES = HOST_BASE + 0x1000;	// 512 B per seqno % 32
static const uint64_t COMPL = HOST_BASE + 0x8000;	// 64 B per seqno % 64
static const uint64_t CMDS = HOST_BASE + 0x10000;	// region 0: 256 B per seqno % 64
static const uint64_t SRC = HOST_BASE + 0x20000;	// region 1: read only
static const uint64_t DST = HOST_BASE + 0x40000;	// region 2: read/write
static const uint64_t RO = HOST_BASE + 0x60000;		// region 3: read only
static const uint32_t RING_SIZE = 4;
static const uint32_t BLOCK = 96;			// bytes per job copy

static std::vector<uint8_t> hostmem(HOST_SIZE);
static Vtb_dev *top;
static uint64_t cycles;
static int failures;

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
#define CHECK(c) CHECK_EQ(!!(c), 1)

static uint8_t *mem(uint64_t bus, size_t len)
{
	if (bus < HOST_BASE || bus - HOST_BASE + len > HOST_SIZE) {
		fprintf(stderr, "harness: bad host address\n");
		exit(2);
	}
	return &hostmem[bus - HOST_BASE];
}

// ---- host memory on the engine's bus: one transaction at a time ----
static struct {
	enum { IDLE, READ, WDATA, WRESP } st;
	uint64_t addr;
	unsigned beats, beat, wait;
	bool err;
} bus;
static const unsigned LATENCY = 6;

static bool bus_ok(uint64_t a)
{
	return a >= HOST_BASE && a + 16 <= HOST_BASE + HOST_SIZE;
}

static void bus_drive()
{
	top->m_req_ready = bus.st == bus.IDLE;
	top->m_wready = bus.st == bus.WDATA;
	bool rv = bus.st == bus.READ && bus.wait == 0;
	uint64_t a = bus.addr + 16ull * bus.beat;
	top->m_rvalid = rv;
	top->m_rlast = rv && bus.beat + 1 == bus.beats;
	top->m_rerr = rv && !bus_ok(a);
	for (int i = 0; i < 4; i++) {
		uint32_t v = 0;
		if (rv && bus_ok(a))
			memcpy(&v, &hostmem[a - HOST_BASE + 4 * i], 4);
		top->m_rdata[i] = v;
	}
	top->m_bvalid = bus.st == bus.WRESP && bus.wait == 0;
	top->m_berr = top->m_bvalid && bus.err;
}

static void bus_sample()
{
	if (bus.wait)
		bus.wait--;
	switch (bus.st) {
	case bus.IDLE:
		if (top->m_req_valid) {
			bus.addr = top->m_req_addr;
			bus.beats = top->m_req_len + 1u;
			bus.beat = 0;
			bus.err = false;
			bus.wait = LATENCY;
			bus.st = top->m_req_write ? bus.WDATA : bus.READ;
		}
		break;
	case bus.READ:
		if (top->m_rvalid && top->m_rready && ++bus.beat == bus.beats)
			bus.st = bus.IDLE;
		break;
	case bus.WDATA:
		if (top->m_wvalid) {
			uint64_t a = bus.addr + 16ull * bus.beat;
			if (!bus_ok(a)) {
				bus.err = true;
			} else {
				for (int i = 0; i < 16; i++)
					if (top->m_wstrb >> i & 1)
						hostmem[a - HOST_BASE + i] =
							(uint8_t)(top->m_wdata[i / 4] >> (8 * (i % 4)));
			}
			if (++bus.beat == bus.beats) {
				bus.st = bus.WRESP;
				bus.wait = LATENCY;
			}
		}
		break;
	case bus.WRESP:
		if (top->m_bvalid && top->m_bready)
			bus.st = bus.IDLE;
		break;
	}
}

static void tick()
{
	top->clk = 0;
	bus_drive();
	top->eval();
	bus_sample();
	top->clk = 1;
	top->eval();
	cycles++;
}

static uint32_t mmio(uint32_t off, bool we, uint32_t val)
{
	top->host_req = 1;
	top->host_we = we;
	top->host_addr = off;
	top->host_wdata = val;
	for (int i = 0; i < 1000; i++) {
		tick();
		if (top->host_ack) {
			uint32_t r = top->host_rdata;
			top->host_req = 0;
			tick();
			return r;
		}
	}
	fprintf(stderr, "harness: no ack for 0x%x\n", off);
	exit(2);
}

static uint32_t rd(uint32_t off) { return mmio(off, false, 0); }
static void wr(uint32_t off, uint32_t v) { mmio(off, true, v); }

template <typename P> static bool wait_for(uint32_t off, P pred, uint64_t max)
{
	for (uint64_t end = cycles + max; cycles < end;) {
		if (pred(rd(off)))
			return true;
		for (int i = 0; i < 100; i++)
			tick();
	}
	return false;
}

static uint32_t tail;

static void put_cmd(uint8_t *p, const void *cmd)
{
	memcpy(p, cmd, DNPU_CMD_BYTES);
}

// A job copying BLOCK bytes from SRC + src_off to region dst_region at
// dst_off through the IN scratchpad.
static void submit(uint32_t seqno, uint32_t src_off, uint32_t dst_region, uint32_t dst_off)
{
	uint64_t table = TABLES + 512ull * (seqno % 32);
	auto *r = (dnpu_region *)mem(table, 4 * sizeof(dnpu_region));
	uint64_t cmds = CMDS + 256ull * (seqno % 64);
	uint8_t *c = mem(cmds, 256);
	auto *d = (dnpu_job_desc *)mem(RING + 64ull * (tail % RING_SIZE), 64);
	dnpu_cmd_dma dma;
	uint32_t simple[DNPU_CMD_WORDS];

	memset(r, 0, 4 * sizeof(*r));
	r[0] = { CMDS, 0x4000, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } };
	r[1] = { SRC, 0x10000, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } };
	r[2] = { DST, 0x10000, DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE, { 0, 0 } };
	r[3] = { RO, 0x10000, DNPU_REGION_VALID | DNPU_REGION_READ, { 0, 0 } };

	memset(&dma, 0, sizeof(dma));
	dma.w0 = DNPU_CMD_W0(DNPU_OP_LOAD, 0, 0);
	dma.region = DNPU_DMA_REGION(1, DNPU_SPAD_IN, 0);
	dma.offset = src_off;
	dma.spad_addr = 0;
	dma.len0 = BLOCK;
	dma.count1 = 1;
	dma.count2 = 1;
	put_cmd(c, &dma);
	memset(simple, 0, sizeof(simple));
	simple[0] = DNPU_CMD_W0(DNPU_OP_BARRIER, 0, 0);
	put_cmd(c + 64, simple);
	dma.w0 = DNPU_CMD_W0(DNPU_OP_STORE, 0, 0);
	dma.region = DNPU_DMA_REGION(dst_region, DNPU_SPAD_IN, 0);
	dma.offset = dst_off;
	put_cmd(c + 128, &dma);
	simple[0] = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
	put_cmd(c + 192, simple);

	memset(d, 0, sizeof(*d));
	d->seqno = seqno;
	d->flags = DNPU_JOB_F_PERF;
	d->region_table = table;
	d->region_count = 4;
	d->cmd_region = 0;
	d->cmd_offset = (uint32_t)(cmds - CMDS);
	d->cmd_count = 4;
	d->completion = COMPL + 64ull * (seqno % 64);
	memset(mem(d->completion, 64), 0xee, 64);
	tail++;
	wr(DNPU_REG_RING_TAIL, tail);
	wr(DNPU_REG_DOORBELL, 1);
}

static dnpu_job_completion *completion(uint32_t seqno)
{
	return (dnpu_job_completion *)mem(COMPL + 64ull * (seqno % 64), 64);
}

static bool wait_done(uint32_t seqno)
{
	bool ok = wait_for(DNPU_REG_DONE_SEQNO, [&](uint32_t v) { return v == seqno; }, 500000) &&
		  wait_for(DNPU_REG_STATUS, [](uint32_t v) {
			  return DNPU_STATUS_FW_STATE(v) != DNPU_FW_STATE_RUNNING; }, 20000);
	if (!ok)
		fprintf(stderr, "timeout waiting for seqno %u (DONE_SEQNO %u, PC 0x%x)\n", seqno,
			rd(DNPU_REG_DONE_SEQNO), rd(DNPU_REG_CORE_PC));
	CHECK(ok);
	return ok;
}

static bool copied(uint32_t src_off, uint64_t dst)
{
	return !memcmp(mem(SRC + src_off, BLOCK), mem(dst, BLOCK), BLOCK);
}

int main(int argc, char **argv)
{
	Verilated::commandArgs(argc, argv);
	if (argc < 2) {
		fprintf(stderr, "usage: tb_dev dnpu-fw.bin\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	std::vector<uint8_t> fw(DNPU_CORE_IMEM_SIZE);
	size_t fwlen = (fread(fw.data(), 1, fw.size(), f) + 3) & ~(size_t)3;
	fclose(f);
	for (size_t i = 0; i < 0x10000; i++)
		hostmem[SRC - HOST_BASE + i] = (uint8_t)(i * 7 + (i >> 8) * 13 + 1);

	top = new Vtb_dev;
	top->rst = 1;
	for (int i = 0; i < 5; i++)
		tick();
	top->rst = 0;

	// the driver's boot sequence (driver/dnpu_hw.c)
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_RESET);
	CHECK(wait_for(DNPU_REG_CONTROL, [](uint32_t v) { return !(v & DNPU_CONTROL_RESET); }, 1000));
	wr(DNPU_REG_CONTROL, 0);
	wr(DNPU_REG_FW_ADDR, DNPU_CORE_IMEM_BASE);
	for (size_t i = 0; i < fwlen; i += 4) {
		uint32_t w;
		memcpy(&w, &fw[i], 4);
		wr(DNPU_REG_FW_DATA, w);
	}
	wr(DNPU_REG_RING_BASE_LO, (uint32_t)RING);
	wr(DNPU_REG_RING_BASE_HI, (uint32_t)(RING >> 32));
	wr(DNPU_REG_RING_SIZE, RING_SIZE);
	wr(DNPU_REG_RING_TAIL, 0);
	wr(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	wr(DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL);
	wr(DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN);
	CHECK(wait_for(DNPU_REG_STATUS, [](uint32_t v) { return v & DNPU_STATUS_FW_READY; },
		       100000));
	CHECK_EQ(rd(DNPU_REG_FW_ERROR), DNPU_FW_ERR_NONE);
	CHECK_EQ(DNPU_FW_VERSION_ABI(rd(DNPU_REG_FW_VERSION)), DNPU_FW_ABI_VERSION);
	CHECK_EQ(DNPU_CAPS_ARRAY_ROWS(rd(DNPU_REG_CAPS)), 4);
	CHECK(wait_for(DNPU_REG_IRQ_STATUS, [](uint32_t v) { return v & DNPU_IRQ_FW_READY; },
		       1000));
	CHECK(top->host_irq);
	wr(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	// ten copies through a 4-entry ring, two or three in flight at a time
	uint32_t seq = 0;
	uint64_t t0 = cycles;
	for (int batch = 0; batch < 4; batch++) {
		for (int k = 0; k < 2 + batch % 2; k++) {
			seq++;
			submit(seq, 256 * seq, 2, 256 * seq);
		}
		wait_done(seq);
	}
	printf("copies: %u jobs in %llu cycles\n", seq, (unsigned long long)(cycles - t0));
	for (uint32_t s = 1; s <= seq; s++) {
		CHECK_EQ(completion(s)->seqno, s);
		CHECK_EQ(completion(s)->status, DNPU_JOB_OK);
		CHECK(completion(s)->dram_wr_bytes >= BLOCK);
		CHECK(completion(s)->dram_rd_bytes >= BLOCK + 256);	// data + commands
		CHECK(completion(s)->cycles > 0);
		CHECK(copied(256 * s, DST + 256 * s));
	}
	CHECK(rd(DNPU_REG_IRQ_STATUS) & DNPU_IRQ_JOB_DONE);
	wr(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);

	// latency of one job: doorbell to interrupt, against the engine's time
	for (int i = 0; i < 2000; i++)
		tick();	// the firmware is asleep
	t0 = cycles;
	submit(++seq, 0x800, 2, 0x800);
	while (!top->host_irq && cycles - t0 < 200000)
		tick();
	uint64_t lat = cycles - t0;
	wait_done(seq);
	CHECK(copied(0x800, DST + 0x800));
	printf("latency: %llu cycles doorbell to interrupt, engine %llu cycles\n",
	       (unsigned long long)lat, (unsigned long long)completion(seq)->cycles);
	wr(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	CHECK_EQ(rd(DNPU_REG_PERF_LO(DNPU_PERF_JOBS)), seq);

	// a store into a read-only region faults with the engine's report
	memset(mem(RO, 0x400), 0x5a, 0x400);
	submit(++seq, 0, 3, 0x100);
	// an injected DMA fault, then jobs that still complete
	wait_done(seq);
	wr(DNPU_REG_DEBUG_INJECT, DNPU_INJECT_DMA_FAULT);
	submit(++seq, 0x1000, 2, 0x1000);
	submit(++seq, 0x1100, 2, 0x1100);
	submit(++seq, 0x1200, 2, 0x1200);
	wait_done(seq);
	dnpu_job_completion *c = completion(seq - 3);
	CHECK_EQ(c->status, DNPU_FAULT_PERMISSION);
	CHECK_EQ(c->fault_region, 3);
	CHECK_EQ(c->fault_offset, 0x100);
	CHECK_EQ(c->fault_cmd, 2);
	CHECK_EQ(mem(RO, 0x400)[0x100], 0x5a);	// nothing written
	CHECK_EQ(completion(seq - 2)->status, DNPU_FAULT_INJECTED);
	CHECK(!copied(0x1000, DST + 0x1000));
	CHECK_EQ(completion(seq - 1)->status, DNPU_JOB_OK);
	CHECK(copied(0x1100, DST + 0x1100));
	CHECK_EQ(completion(seq)->status, DNPU_JOB_OK);
	CHECK(copied(0x1200, DST + 0x1200));
	CHECK_EQ(rd(DNPU_REG_FAULT_SEQNO), seq - 2);
	CHECK_EQ(rd(DNPU_REG_DONE_SEQNO), seq);
	uint32_t irq = rd(DNPU_REG_IRQ_STATUS);
	CHECK(irq & DNPU_IRQ_JOB_FAULT);
	CHECK(irq & DNPU_IRQ_JOB_DONE);
	/* idle: the firmware gates the engine clock */
	CHECK(wait_for(DNPU_REG_STATUS, [](uint32_t v) { return v & DNPU_STATUS_CLOCK_GATED; },
		       20000));

	printf("tb_dev: %llu cycles, %s (%d failures)\n", (unsigned long long)cycles,
	       failures ? "FAILED" : "PASSED", failures);
	top->final();
	delete top;
	return failures ? 1 : 0;
}
