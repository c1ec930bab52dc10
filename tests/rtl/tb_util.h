// Shared helpers of the Verilator testbenches: plusargs, RNG, tracing.
//   +seed=N     RNG seed (default 1)
//   +trace      write <test>.fst
//   +timeout=N  cycle limit (default per test)
#ifndef DNPU_TB_UTIL_H
#define DNPU_TB_UTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include <verilated.h>
#include <verilated_fst_c.h>

struct TbArgs {
	uint64_t seed = 1;
	bool trace = false;
	uint64_t timeout = 0;
};

static inline TbArgs tb_parse_args(int argc, char **argv, uint64_t default_timeout)
{
	TbArgs a;
	a.timeout = default_timeout;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "+seed=", 6))
			a.seed = strtoull(argv[i] + 6, nullptr, 0);
		else if (!strcmp(argv[i], "+trace"))
			a.trace = true;
		else if (!strncmp(argv[i], "+timeout=", 9))
			a.timeout = strtoull(argv[i] + 9, nullptr, 0);
	}
	return a;
}

// xorshift64*: deterministic across platforms, unlike rand().
struct TbRng {
	uint64_t s;
	explicit TbRng(uint64_t seed) : s(seed ? seed * 0x9E3779B97F4A7C15ull : 1) {}
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 2685821657736338717ull;
	}
	uint32_t u32() { return (uint32_t)(next() >> 32); }
	// uniform in [lo, hi]
	int64_t range(int64_t lo, int64_t hi)
	{
		return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
	}
	bool chance(unsigned pct) { return next() % 100 < pct; }
};

// Clocks a model with a 'clk' input, optionally tracing, counting cycles.
template <typename M> struct TbClock {
	M *m;
	VerilatedContext *ctx;
	std::unique_ptr<VerilatedFstC> fst;
	uint64_t cycles = 0;
	TbClock(VerilatedContext *c, M *model, bool trace, const char *name) : m(model), ctx(c)
	{
		if (trace) {
			fst.reset(new VerilatedFstC);
			m->trace(fst.get(), 99);
			fst->open((std::string(name) + ".fst").c_str());
		}
	}
	~TbClock()
	{
		if (fst)
			fst->close();
	}
	void tick()
	{
		m->clk = 0;
		m->eval();
		if (fst)
			fst->dump(ctx->time());
		ctx->timeInc(1);
		m->clk = 1;
		m->eval();
		if (fst)
			fst->dump(ctx->time());
		ctx->timeInc(1);
		cycles++;
	}
};

#endif
