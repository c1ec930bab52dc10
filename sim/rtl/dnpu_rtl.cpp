// SPDX-License-Identifier: MIT
// dnpu_rtl: the Verilated device (rtl/dnpu_top.v) behind the C API of
// dnpu_rtl.h, with a DRAM timing model on the 128-bit bus master.
//
// Bus protocol of the engine (docs/RTL.md "Host bus"): m_req_* carries a
// 16-byte aligned address and len = beats - 1 (up to 16 beats); reads
// return beats on m_rdata/m_rvalid with m_rlast, writes take beats on
// m_wdata/m_wvalid with m_wstrb and m_wlast, then a response on m_bvalid.
// Several requests may be outstanding; read data and write responses come
// back in request order. An access the host memory refuses answers with
// m_rerr / m_berr.
//
// DRAM timing model: a read's first beat comes `latency` cycles after its
// request at the earliest, a write's response `latency` cycles after its
// last beat; read and write beats share one data path of
// `bytes_per_cycle` (a 16-byte beat occupies it ceil(16 / bpc) cycles).
// Up to kMaxReads reads and kMaxWrites write responses are outstanding;
// one write's data is taken at a time.
#include "dnpu_rtl.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <verilated.h>
#include <verilated_fst_c.h>

#include "Vdnpu_top.h"
#include "Vdnpu_top___024root.h"
#include "dnpu_rtl_members.h"
#include "dram_inflight.h"

namespace {

constexpr uint32_t kBeatBytes = dram_inflight::kBeatBytes;
constexpr uint32_t kDefaultLatency = 100;
constexpr uint32_t kDefaultBytesPerCycle = 8;
constexpr size_t kMaxReads = 8;
constexpr size_t kMaxWrites = 8;
// A register access that takes longer than this means the device hung.
constexpr int kMmioTimeout = 10000;
// Idle skip: try only in DRAM waits at least this long, and after a failed
// try wait this many cycles before the next. A full try copies and compares
// the model state but the memories (~50 KB, a few cycles' worth); after one
// failed, the next tries first watch only the kHintBytes that changed.
constexpr uint32_t kSkipMinWait = 4;
constexpr uint64_t kSkipRetry = 4;
constexpr size_t kHintBytes = 64;
// Memories this large, written only through Verilator's delayed-write
// shadows, are not compared: the shadows (flag, index, value) are.
constexpr size_t kMemBytes = 1024;
// dnpu_rv32.v S_WFI
constexpr unsigned kCoreWfi = 5;

}  // namespace

struct dnpu_rtl {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vdnpu_top> top;
	std::unique_ptr<VerilatedFstC> fst;
	dnpu_rtl_read_fn rd;
	dnpu_rtl_write_fn wr;
	void *host;
	uint32_t latency, beat_cycles;
	struct dnpu_rtl_counters cnt;

	dram_inflight bus;	/* what the DRAM model has in flight */
	uint64_t data_free = 0;	// first cycle the data path is free again
	uint8_t rbuf[kBeatBytes];
	bool rbuf_loaded = false, rbuf_ok = false;
	bool rvalid = false, wready = false, bvalid = false;

	/*
	 * Idle skip (docs/RTL.md "Simulation speed"): counters of the model
	 * state (byte ranges of the root class), the ranges compared between
	 * two cycles, and the members the skip bounds are read from.
	 */
	struct counter { size_t off, elem; unsigned width; };
	struct range { size_t off, len; };
	bool skip_on = false;
	std::vector<counter> counters;
	std::vector<range> cmp;
	std::vector<uint8_t> snap;	/* the compared ranges, packed */
	std::vector<uint64_t> cnt_was;
	range hint = {0, 0};	/* where the last full try saw a change */
	size_t off_mtime = 0, off_mtimecmp = 0, off_wd_cnt = 0, off_watchdog = 0,
	       off_core_state = 0;
	uint64_t next_try = 0;
	uint64_t skips = 0, skipped = 0, tries = 0;

	void tick();
	void drive_bus();
	void sample_bus();
	/*
	 * The memory side's part in the idle skip: bus_quiet() is how many
	 * coming cycles drive_bus() gives the device the same inputs as now
	 * and sample_bus() only counts down, whatever the device does (0:
	 * the memory side may act in the next cycle); bus_skip(n) does n
	 * such cycles at once. A DRAM model with more in flight must keep
	 * these exact (sim.rtl_idle_skip checks it).
	 */
	uint32_t bus_quiet() const
	{
		/* the first input that turns on by itself: a read beat, the
		 * write data path, a write response (all at absolute cycles) */
		uint64_t now = cnt.cycles, t = UINT64_MAX;

		if (!rvalid && !bus.reads.empty())
			t = std::min(t, std::max(bus.reads.front().first, data_free));
		if (!wready && bus.wactive)
			t = std::min(t, data_free);
		if (!bvalid && !bus.resps.empty())
			t = std::min(t, bus.resps.front().at);
		if (t == UINT64_MAX || t <= now)
			return 0;
		return (uint32_t)std::min<uint64_t>(t - now, UINT32_MAX);
	}
	void bus_skip(uint32_t n)
	{
		if (bus.busy())
			cnt.dram_busy_cycles += n;
	}
	void skip_setup();
	uint64_t try_skip(uint64_t budget);
};

void dnpu_rtl::drive_bus()
{
	Vdnpu_top *m = top.get();
	uint64_t now = cnt.cycles;

	rvalid = !bus.reads.empty() && now >= bus.reads.front().first &&
		 now >= data_free;
	if (rvalid && !rbuf_loaded) {
		rbuf_ok = rd(host, bus.read_addr(), rbuf, kBeatBytes) == 0;
		rbuf_loaded = true;
	}
	wready = bus.wactive && now >= data_free;
	bvalid = !bus.resps.empty() && now >= bus.resps.front().at;
	/* m_req_write comes from a register: the request waiting now */
	m->m_req_ready = m->m_req_write ?
		!bus.wactive && bus.resps.size() < kMaxWrites :
		bus.reads.size() < kMaxReads;
	m->m_wready = wready;
	m->m_rvalid = rvalid;
	m->m_rlast = rvalid && bus.read_last();
	m->m_rerr = rvalid && !rbuf_ok;
	memcpy(&m->m_rdata, rbuf, sizeof(rbuf));
	m->m_bvalid = bvalid;
	m->m_berr = bvalid && bus.resps.front().err;
}

/*
 * Between the edges: the device's outputs have settled against the inputs
 * drive_bus() gave it, so the handshakes seen here happen at the coming
 * rising edge. Advance the memory side accordingly.
 */
void dnpu_rtl::sample_bus()
{
	Vdnpu_top *m = top.get();
	uint64_t now = cnt.cycles;

	if (bus.busy())
		cnt.dram_busy_cycles++;
	if (bvalid && m->m_bready)
		bus.resps.pop_front();
	if (rvalid && m->m_rready) {
		if (rbuf_ok)
			cnt.dram_rd_bytes += kBeatBytes;
		rbuf_loaded = false;
		data_free = (data_free > now ? data_free : now) + beat_cycles;
		bus.read_done();
	}
	if (wready && m->m_wvalid) {
		uint64_t a = bus.write_addr();
		uint8_t data[kBeatBytes];
		uint16_t strb = m->m_wstrb;

		/* only the strobed bytes reach memory, run by run */
		memcpy(data, &m->m_wdata, sizeof(data));
		for (unsigned i = 0; i < kBeatBytes;) {
			unsigned n = 0;

			while (i + n < kBeatBytes && (strb >> (i + n) & 1))
				n++;
			if (n && !bus.werr) {
				if (wr(host, a + i, data + i, n))
					bus.werr = true;
				else
					cnt.dram_wr_bytes += n;
			}
			i += n ? n : 1;
		}
		data_free = (data_free > now ? data_free : now) + beat_cycles;
		if (bus.write_done() || m->m_wlast)
			bus.write_end(now + latency + 1);
	}
	if (m->m_req_valid && m->m_req_ready)
		bus.accept(m->m_req_addr, (unsigned)m->m_req_len + 1,
			   m->m_req_write, now + latency + 1);
}

void dnpu_rtl::tick()
{
	Vdnpu_top *m = top.get();

	drive_bus();
	m->clk = 0;
	m->eval();
	if (fst)
		fst->dump(ctx->time());
	ctx->timeInc(1);
	sample_bus();
	m->clk = 1;
	m->eval();
	if (fst)
		fst->dump(ctx->time());
	ctx->timeInc(1);
	cnt.cycles++;
}

/*
 * Skipping idle cycles exactly. While the DRAM model counts down a latency
 * (no beat, no response), the device's inputs do not change. If one cycle
 * of it leaves the whole model state as it was except free-running counters
 * (mtime, mcycle, watchdog count, perf counters), the core sits in WFI and
 * nothing else moved, then every following cycle of the wait does the same:
 * the model is deterministic and its inputs are the same. Those cycles are
 * skipped by advancing each counter by its per-cycle step times the cycles
 * skipped, bounded so that no counter crosses what it is compared with
 * (mtimecmp: the timer interrupt; the watchdog limit) and none wraps. The
 * core in WFI reads no counter. Cycle counts and results are those of
 * clocking every cycle; DNPU_RTL_IDLE_SKIP=0 clocks every cycle.
 */
static std::string base_name(const char *n)
{
	std::string s(n);

	/* Verilator's shadows of a signal: __Vdly__X, __Vdlyv*__X__vN */
	if (s.rfind("__Vdly__", 0) == 0)
		return s.substr(8);
	if (s.rfind("__Vdlyv", 0) == 0) {
		size_t a = s.find("__", 7), b = s.rfind("__v");
		if (a != std::string::npos && b != std::string::npos && b > a)
			return s.substr(a + 2, b - a - 2);
	}
	return s;
}

void dnpu_rtl::skip_setup()
{
	static const char *const kCounters[] = {
		"dnpu_top__DOT__u_ctrl__DOT__mtime",
		"dnpu_top__DOT__u_ctrl__DOT__core__DOT__mcycle",
		"dnpu_top__DOT__g_engine__DOT__u_engine__DOT__wd_cnt",
		"dnpu_top__DOT__g_engine__DOT__u_engine__DOT__pc",
		"dnpu_top__DOT__eng_perf",
	};
	const char *env = getenv("DNPU_RTL_IDLE_SKIP");
	std::vector<range> skip_ranges;
	std::set<std::string> shadowed;
	unsigned found = 0;

	if (env && !strcmp(env, "0"))
		return;
	/* memories written only through Verilator's delayed-write shadows */
	for (const dnpu_rtl_member *m = dnpu_rtl_members; m->name; m++)
		if (!strncmp(m->name, "__Vdlyvset__", 12))
			shadowed.insert(base_name(m->name));
	for (const dnpu_rtl_member *m = dnpu_rtl_members; m->name; m++) {
		std::string b = base_name(m->name);
		bool is_cnt = false;

		for (const char *c : kCounters)
			is_cnt |= b == c;
		if (is_cnt) {
			for (size_t o = 0; o < m->size; o += m->elem)
				counters.push_back({m->offset + o, m->elem, m->width});
			skip_ranges.push_back({m->offset, m->size});
		} else if (b == m->name && m->size >= kMemBytes && shadowed.count(b)) {
			skip_ranges.push_back({m->offset, m->size});
		}
		if (b != m->name)
			continue;
		if (b == "dnpu_top__DOT__u_ctrl__DOT__mtime")
			off_mtime = m->offset, found |= 1;
		else if (b == "dnpu_top__DOT__u_ctrl__DOT__mtimecmp")
			off_mtimecmp = m->offset, found |= 2;
		else if (b == "dnpu_top__DOT__g_engine__DOT__u_engine__DOT__wd_cnt")
			off_wd_cnt = m->offset, found |= 4;
		else if (b == "dnpu_top__DOT__g_engine__DOT__u_engine__DOT__watchdog")
			off_watchdog = m->offset, found |= 8;
		else if (b == "dnpu_top__DOT__u_ctrl__DOT__core__DOT__state")
			off_core_state = m->offset, found |= 16;
	}
	/* without the members the bounds come from, never skip */
	if (found != 31) {
		counters.clear();
		return;
	}
	std::sort(skip_ranges.begin(), skip_ranges.end(),
		  [](const range &a, const range &b) { return a.off < b.off; });
	size_t pos = 0;
	for (const range &r : skip_ranges) {
		if (r.off > pos)
			cmp.push_back({pos, r.off - pos});
		pos = std::max(pos, r.off + r.len);
	}
	if (pos < sizeof(Vdnpu_top___024root))
		cmp.push_back({pos, sizeof(Vdnpu_top___024root) - pos});
	size_t n = 0;
	for (const range &r : cmp)
		n += r.len;
	snap.resize(n);
	cnt_was.resize(counters.size());
	skip_on = true;
}

static uint64_t load(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n);	/* little-endian host */
	return v;
}

/*
 * In a DRAM wait: clock one cycle and, if it was idle, skip up to the rest
 * of the wait (at most @budget cycles in all). Returns the cycles run.
 */
uint64_t dnpu_rtl::try_skip(uint64_t budget)
{
	auto *now = reinterpret_cast<uint8_t *>(top->rootp);
	size_t pos = 0;

	/* a busy core or the bytes that moved last time: fail cheaply */
	if (now[off_core_state] != kCoreWfi) {
		tick();
		next_try = cnt.cycles + kSkipRetry;
		return 1;
	}
	if (hint.len) {
		uint8_t was[kHintBytes];

		memcpy(was, now + hint.off, hint.len);
		tick();
		if (memcmp(was, now + hint.off, hint.len))
			next_try = cnt.cycles + kSkipRetry;
		else
			hint.len = 0;
		return 1;
	}
	tries++;
	for (const range &r : cmp) {
		memcpy(&snap[pos], now + r.off, r.len);
		pos += r.len;
	}
	for (size_t i = 0; i < counters.size(); i++)
		cnt_was[i] = load(now + counters[i].off, counters[i].elem);
	uint64_t mt0 = load(now + off_mtime, 8), wd0 = load(now + off_wd_cnt, 8);
	tick();
	pos = 0;
	for (const range &r : cmp) {
		if (memcmp(&snap[pos], now + r.off, r.len)) {
			size_t i = 0;

			while (snap[pos + i] == now[r.off + i])
				i++;
			hint.off = r.off + i;
			hint.len = std::min<size_t>(kHintBytes, r.len - i);
			next_try = cnt.cycles + kSkipRetry;
			return 1;
		}
		pos += r.len;
	}
	if (now[off_core_state] != kCoreWfi) {
		next_try = cnt.cycles + kSkipRetry;
		return 1;
	}
	/* the following cycles of the wait see the same inputs */
	uint64_t n = std::min<uint64_t>(bus_quiet(), budget - 1);
	for (size_t i = 0; i < counters.size(); i++) {
		const counter &c = counters[i];
		uint64_t a = cnt_was[i], b = load(now + c.off, c.elem);
		uint64_t max = c.width >= 64 ? ~0ull : (1ull << c.width) - 1;

		if (b < a)
			return 1;	/* not a counter counting up */
		if (b > a)
			n = std::min(n, (max - b) / (b - a));
	}
	/* stay short of the timer interrupt and the watchdog */
	uint64_t mt = load(now + off_mtime, 8), mcmp = load(now + off_mtimecmp, 8);
	if (mt > mt0 && mt < mcmp)
		n = std::min(n, (mcmp - 1 - mt) / (mt - mt0));
	uint64_t wd = load(now + off_wd_cnt, 8);
	uint64_t lim = load(now + off_watchdog, 4) << 10;
	if (lim && wd > wd0 && wd < lim)
		n = std::min(n, (lim - 1 - wd) / (wd - wd0));
	if (n == 0)
		return 1;
	for (size_t i = 0; i < counters.size(); i++) {
		const counter &c = counters[i];
		uint64_t a = cnt_was[i], b = load(now + c.off, c.elem);
		uint64_t v = b + (b - a) * n;

		memcpy(now + c.off, &v, c.elem);
	}
	bus_skip((uint32_t)n);
	cnt.cycles += n;
	ctx->timeInc(2 * n);
	skips++;
	skipped += n;
	return 1 + n;
}

extern "C" {

int dnpu_rtl_api_version(void)
{
	return DNPU_RTL_API_VERSION;
}

struct dnpu_rtl *dnpu_rtl_create(const struct dnpu_rtl_config *cfg,
				 dnpu_rtl_read_fn rd, dnpu_rtl_write_fn wr,
				 void *host)
{
	if (!rd || !wr)
		return nullptr;
	auto *d = new (std::nothrow) dnpu_rtl();
	if (!d)
		return nullptr;
	uint32_t bpc = cfg && cfg->dram_bytes_per_cycle ? cfg->dram_bytes_per_cycle
							 : kDefaultBytesPerCycle;
	d->latency = cfg && cfg->dram_latency ? cfg->dram_latency : kDefaultLatency;
	d->beat_cycles = (kBeatBytes + bpc - 1) / bpc;
	d->rd = rd;
	d->wr = wr;
	d->host = host;
	memset(&d->cnt, 0, sizeof(d->cnt));
	if (!(cfg && cfg->trace_path))
		d->skip_setup();
	d->ctx.reset(new VerilatedContext);
	d->top.reset(new Vdnpu_top(d->ctx.get()));
	if (cfg && cfg->trace_path) {
		d->ctx->traceEverOn(true);
		d->fst.reset(new VerilatedFstC);
		d->top->trace(d->fst.get(), 99);
		d->fst->open(cfg->trace_path);
	}
	Vdnpu_top *m = d->top.get();
	m->rst = 1;
	m->host_req = 0;
	for (int i = 0; i < 8; i++)
		d->tick();
	m->rst = 0;
	d->tick();
	return d;
}

void dnpu_rtl_destroy(struct dnpu_rtl *d)
{
	if (!d)
		return;
	if (getenv("DNPU_RTL_SKIP_STATS"))
		fprintf(stderr, "dnpu_rtl: %llu cycles, %llu skipped in %llu of %llu tries\n",
			(unsigned long long)d->cnt.cycles,
			(unsigned long long)d->skipped,
			(unsigned long long)d->skips,
			(unsigned long long)d->tries);
	d->top->final();
	if (d->fst)
		d->fst->close();
	delete d;
}

static int mmio(struct dnpu_rtl *d, bool we, uint32_t off, uint32_t wdata,
		uint32_t *rdata)
{
	Vdnpu_top *m = d->top.get();

	m->host_req = 1;
	m->host_we = we;
	m->host_addr = off & 0xfffu;
	m->host_wdata = wdata;
	for (int i = 0; i < kMmioTimeout; i++) {
		d->tick();
		if (m->host_ack) {
			if (rdata)
				*rdata = m->host_rdata;
			m->host_req = 0;
			d->tick();
			return 0;
		}
	}
	m->host_req = 0;
	return -1;
}

int dnpu_rtl_mmio_read(struct dnpu_rtl *d, uint32_t offset, uint32_t *value)
{
	return mmio(d, false, offset, 0, value);
}

int dnpu_rtl_mmio_write(struct dnpu_rtl *d, uint32_t offset, uint32_t value)
{
	return mmio(d, true, offset, value, nullptr);
}

bool dnpu_rtl_irq(const struct dnpu_rtl *d)
{
	return d->top->host_irq;
}

uint64_t dnpu_rtl_run(struct dnpu_rtl *d, uint64_t max_cycles)
{
	uint64_t n = 0;

	while (n < max_cycles && !d->top->host_irq) {
		if (d->skip_on && d->bus_quiet() >= kSkipMinWait &&
		    d->cnt.cycles >= d->next_try && max_cycles - n >= 2) {
			n += d->try_skip(max_cycles - n);
			continue;
		}
		d->tick();
		n++;
	}
	return n;
}

void dnpu_rtl_get_counters(const struct dnpu_rtl *d, struct dnpu_rtl_counters *c)
{
	*c = d->cnt;
}

}  // extern "C"
