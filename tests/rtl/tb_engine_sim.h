// Verilator harness of dnpu_engine: clock, a host memory on the 128-bit
// bus port (configurable latency, up to max_out reads and write responses
// outstanding, answered in order, random ready/valid stalls, beat-granular
// bus errors outside the memory), and the control-core register port.
#ifndef DNPU_TB_ENGINE_SIM_H
#define DNPU_TB_ENGINE_SIM_H

#include <functional>
#include <vector>

#include "Vdnpu_engine.h"
#ifdef TB_DEBUG_PUBLIC
#include "Vdnpu_engine___024root.h"
#endif
#include "dnpu_hw.h"
#include "dram_inflight.h"
#include "tb_util.h"

struct JobResult {
	uint32_t status; // DNPU_JOB_OK or a fault cause
	uint32_t region, offset, cmd;
	uint64_t cycles;
	bool timed_out; // the testbench gave up (no interrupt)
};

class EngineSim {
public:
	EngineSim(VerilatedContext *ctx, bool trace, uint64_t seed, uint8_t *mem, uint64_t base,
		  size_t size)
		: m(new Vdnpu_engine(ctx)), clk(ctx, m, trace, "tb_engine"), rng(seed), mem_(mem),
		  base_(base), size_(size)
	{
		m->rst = 1;
		m->reg_req = 0;
		m->doorbell = 0;
		m->timer_irq = 0;
		set_bus_inputs();
		for (int i = 0; i < 5; i++)
			clk.tick();
		m->rst = 0;
	}
	~EngineSim()
	{
		m->final();
		delete m;
	}

	// bus timing: first-beat latency and stall probabilities (percent)
	unsigned latency = 8, stall_pct = 20;
	// bursts the memory accepts before answering the oldest (1: one at a time)
	unsigned max_out = 8;
	bool debug = false; // per-cycle state dump (debug builds)
	// called for every data beat on the bus: address, byte strobes, write
	std::function<void(uint64_t, uint16_t, bool)> on_beat;

	void tick()
	{
		set_bus_inputs();
		m->clk = 0;
		m->eval();
		sample_bus();
		clk.tick();
	}

	void reg_write(uint32_t addr, uint32_t val)
	{
		m->reg_req = 1;
		m->reg_we = 1;
		m->reg_addr = addr;
		m->reg_wdata = val;
		m->reg_wstrb = 0xf;
		wait_ack();
	}

	uint32_t reg_read(uint32_t addr)
	{
		m->reg_req = 1;
		m->reg_we = 0;
		m->reg_addr = addr;
		return wait_ack();
	}

	// Load the region table, run (cmd_region, cmd_offset, cmd_count).
	JobResult run(const struct dnpu_region *reg, uint32_t nreg, uint32_t cmd_region,
		      uint32_t cmd_offset, uint32_t cmd_count, uint64_t max_cycles,
		      uint32_t watchdog_kcycles = 0)
	{
		for (uint32_t i = 0; i < DNPU_MAX_REGIONS; i++) {
			struct dnpu_region r = {};
			if (i < nreg)
				r = reg[i];
			reg_write(DNPU_ENG_REGION_ADDR_LO(i), (uint32_t)r.addr);
			reg_write(DNPU_ENG_REGION_ADDR_HI(i), (uint32_t)(r.addr >> 32));
			reg_write(DNPU_ENG_REGION_SIZE(i), r.size);
			reg_write(DNPU_ENG_REGION_FLAGS(i), r.flags);
		}
		reg_write(DNPU_ENG_REGION_COUNT, nreg);
		reg_write(DNPU_ENG_CMD_REGION, cmd_region);
		reg_write(DNPU_ENG_CMD_OFFSET, cmd_offset);
		reg_write(DNPU_ENG_CMD_COUNT, cmd_count);
		reg_write(DNPU_ENG_WATCHDOG, watchdog_kcycles);
		reg_write(DNPU_ENG_IRQ_ENABLE, DNPU_CORE_IRQ_ENG_DONE | DNPU_CORE_IRQ_ENG_FAULT);
		uint64_t t0 = clk.cycles;
		reg_write(DNPU_ENG_CTRL, DNPU_ENG_CTRL_START);
		JobResult r = {};
		while (!m->irq) {
			tick();
#ifdef TB_DEBUG_PUBLIC
			if (debug) {
				auto *rp = m->rootp;
				fprintf(stderr, "cyc %llu d %u idx %u po2 %u tk2 %u flt %u/%u busy %u\n",
					(unsigned long long)clk.cycles, rp->dnpu_engine__DOT__dstate,
					rp->dnpu_engine__DOT__d_idx, rp->dnpu_engine__DOT__po_cnt[2],
					rp->dnpu_engine__DOT__tk[2], rp->dnpu_engine__DOT__flt_valid,
					rp->dnpu_engine__DOT__flt_idx, rp->dnpu_engine__DOT__stat_busy);
			}
#endif
			if (clk.cycles - t0 > max_cycles) {
				r.timed_out = true;
				reg_write(DNPU_ENG_CTRL, DNPU_ENG_CTRL_ABORT);
				for (int i = 0; i < 64; i++)
					tick();
				return r;
			}
		}
		r.cycles = clk.cycles - t0;
		uint32_t st = reg_read(DNPU_ENG_STATUS);
		r.status = (st & DNPU_ENG_STATUS_FAULT) ? reg_read(DNPU_ENG_FAULT_CAUSE) : DNPU_JOB_OK;
		r.region = reg_read(DNPU_ENG_FAULT_REGION);
		r.offset = reg_read(DNPU_ENG_FAULT_OFFSET);
		r.cmd = reg_read(DNPU_ENG_FAULT_CMD);
		reg_write(DNPU_ENG_IRQ_PENDING, 0xf);
		return r;
	}

	uint64_t perf(unsigned n)
	{
		uint64_t lo = reg_read(DNPU_ENG_PERF_LO(n));
		return lo | (uint64_t)reg_read(DNPU_ENG_PERF_HI(n)) << 32;
	}

	Vdnpu_engine *m;
	TbClock<Vdnpu_engine> clk;

private:
	TbRng rng;
	uint8_t *mem_;
	uint64_t base_;
	size_t size_;
	dram_inflight bus_;
	uint64_t now_ = 0;
	bool rvalid_ = false, bvalid_ = false, req_ready_ = false, wready_ = false;

	bool in_mem(uint64_t a) const { return a >= base_ && a + 16 <= base_ + size_; }

	uint32_t wait_ack()
	{
		for (int i = 0; i < 100; i++) {
			tick();
			if (m->reg_ack) {
				uint32_t v = m->reg_rdata;
				m->reg_req = 0;
				return v;
			}
		}
		fprintf(stderr, "register port: no ack\n");
		exit(2);
	}

	void set_bus_inputs()
	{
		// m_req_write comes from a register: the request waiting now
		req_ready_ = (m->m_req_write ?
				!bus_.wactive && bus_.resps.size() < max_out :
				bus_.reads.size() < max_out) &&
			     !rng.chance(stall_pct);
		wready_ = bus_.wactive && !rng.chance(stall_pct);
		rvalid_ = !bus_.reads.empty() && now_ >= bus_.reads.front().first &&
			  !rng.chance(stall_pct);
		bvalid_ = !bus_.resps.empty() && now_ >= bus_.resps.front().at;
		m->m_req_ready = req_ready_;
		m->m_wready = wready_;
		m->m_rvalid = rvalid_;
		uint64_t a = 0;
		if (rvalid_) {
			a = bus_.read_addr();
			m->m_rlast = bus_.read_last();
		} else {
			m->m_rlast = 0;
		}
		bool ok = in_mem(a);
		m->m_rerr = rvalid_ && !ok;
		uint32_t *rd = (uint32_t *)&m->m_rdata;
		for (int i = 0; i < 4; i++) {
			uint32_t v = 0xdeadbeef;
			if (rvalid_ && ok)
				memcpy(&v, mem_ + (a - base_) + 4 * i, 4);
			rd[i] = v;
		}
		m->m_bvalid = bvalid_;
		m->m_berr = bvalid_ && bus_.resps.front().err;
	}

	void sample_bus()
	{
		if (bvalid_ && m->m_bready)
			bus_.resps.pop_front();
		if (rvalid_ && m->m_rready) {
			if (on_beat)
				on_beat(bus_.read_addr(), 0xffff, false);
			bus_.read_done();
		}
		if (wready_ && m->m_wvalid) {
			uint64_t a = bus_.write_addr();
			const uint8_t *wd = (const uint8_t *)&m->m_wdata;
			if (on_beat)
				on_beat(a, (uint16_t)m->m_wstrb, true);
			if (!in_mem(a))
				bus_.werr = true;
			else
				for (int i = 0; i < 16; i++)
					if (m->m_wstrb >> i & 1)
						mem_[a - base_ + i] = wd[i];
			bool last = bus_.write_done();
			if (last != (bool)m->m_wlast) {
				fprintf(stderr, "bus: wlast mismatch\n");
				exit(2);
			}
			if (last)
				bus_.write_end(now_ + latency);
		}
		if (m->m_req_valid && req_ready_) {
			uint64_t addr = m->m_req_addr;
			unsigned beats = m->m_req_len + 1u;
			if (addr & 15) {
				fprintf(stderr, "bus: unaligned request %llx\n",
					(unsigned long long)addr);
				exit(2);
			}
			bus_.accept(addr, beats, m->m_req_write, now_ + latency);
		}
		now_++;
	}
};

#endif
