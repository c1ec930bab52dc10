// SPDX-License-Identifier: MIT
// dnpu_rtl: the Verilated device (rtl/dnpu_top.v) behind the C API of
// dnpu_rtl.h, with a DRAM timing model on the 128-bit bus master.
//
// Bus protocol of the engine (docs/RTL.md): one transaction at a time;
// m_req_* carries a 16-byte aligned address and len = beats - 1 (up to 16
// beats); reads return beats on m_rdata/m_rvalid with m_rlast, writes take
// beats on m_wdata/m_wvalid with m_wstrb and m_wlast, then a response on
// m_bvalid. An access the host memory refuses answers with m_rerr / m_berr.
#include "dnpu_rtl.h"

#include <cstdio>
#include <cstring>
#include <memory>

#include <verilated.h>
#include <verilated_fst_c.h>

#include "Vdnpu_top.h"

namespace {

constexpr uint32_t kBeatBytes = 16;
constexpr uint32_t kDefaultLatency = 100;
constexpr uint32_t kDefaultBytesPerCycle = 8;
// A register access that takes longer than this means the device hung.
constexpr int kMmioTimeout = 10000;

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

	// bus transaction in progress
	enum { IDLE, READ, WRITE_DATA, WRITE_RESP } st = IDLE;
	uint64_t addr = 0;
	unsigned beats = 0, beat = 0;
	uint32_t wait = 0;	// cycles until the next beat / response
	bool err = false;
	uint8_t rbuf[kBeatBytes];
	bool rbuf_ok = false;

	void tick();
	void drive_bus();
	void sample_bus();
};

void dnpu_rtl::drive_bus()
{
	Vdnpu_top *m = top.get();
	bool rvalid = st == READ && wait == 0;

	m->m_req_ready = st == IDLE;
	m->m_wready = st == WRITE_DATA && wait == 0;
	m->m_rvalid = rvalid;
	m->m_rlast = rvalid && beat + 1 == beats;
	m->m_rerr = rvalid && !rbuf_ok;
	memcpy(&m->m_rdata, rbuf, sizeof(rbuf));
	m->m_bvalid = st == WRITE_RESP && wait == 0;
	m->m_berr = st == WRITE_RESP && wait == 0 && err;
}

/*
 * Between the edges: the device's outputs have settled against the inputs
 * drive_bus() gave it, so the handshakes seen here happen at the coming
 * rising edge. Advance the memory side accordingly.
 */
void dnpu_rtl::sample_bus()
{
	Vdnpu_top *m = top.get();

	if (st != IDLE)
		cnt.dram_busy_cycles++;
	switch (st) {
	case IDLE:
		if (m->m_req_valid) {
			addr = m->m_req_addr;
			beats = (unsigned)m->m_req_len + 1;
			beat = 0;
			err = false;
			if (m->m_req_write) {
				st = WRITE_DATA;
				wait = 0;
			} else {
				st = READ;
				wait = latency;
				rbuf_ok = rd(host, addr, rbuf, kBeatBytes) == 0;
				if (rbuf_ok)
					cnt.dram_rd_bytes += kBeatBytes;
			}
		}
		break;
	case READ:
		if (wait == 0 && m->m_rready) {
			if (++beat == beats) {
				st = IDLE;
				break;
			}
			wait = beat_cycles - 1;
			rbuf_ok = rd(host, addr + (uint64_t)kBeatBytes * beat, rbuf,
				     kBeatBytes) == 0;
			if (rbuf_ok)
				cnt.dram_rd_bytes += kBeatBytes;
		} else if (wait) {
			wait--;
		}
		break;
	case WRITE_DATA:
		if (wait == 0 && m->m_wvalid) {
			uint64_t a = addr + (uint64_t)kBeatBytes * beat;
			uint8_t data[kBeatBytes];
			uint16_t strb = m->m_wstrb;

			/* only the strobed bytes reach memory, run by run */
			memcpy(data, &m->m_wdata, sizeof(data));
			for (unsigned i = 0; i < kBeatBytes;) {
				unsigned n = 0;

				while (i + n < kBeatBytes && (strb >> (i + n) & 1))
					n++;
				if (n && !err) {
					if (wr(host, a + i, data + i, n))
						err = true;
					else
						cnt.dram_wr_bytes += n;
				}
				i += n ? n : 1;
			}
			wait = beat_cycles - 1;
			if (++beat == beats || m->m_wlast) {
				st = WRITE_RESP;
				wait = latency;
			}
		} else if (wait) {
			wait--;
		}
		break;
	case WRITE_RESP:
		if (wait == 0 && m->m_bready)
			st = IDLE;
		else if (wait)
			wait--;
		break;
	}
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
