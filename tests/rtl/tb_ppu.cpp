// dnpu_ppu vs libaccel/src/quant.h: random and edge vectors, with and
// without the fused residual ADD. Exit status 0 = all match.
#include <deque>
#include <vector>

#include "Vdnpu_ppu.h"
#include "quant.h"
#include "tb_util.h"

struct AddParam {
	int32_t in1_offset, in1_mult, in1_shift;
	int32_t in2_offset, in2_mult, in2_shift;
	int32_t left_shift;
	int32_t out_mult, out_shift, out_offset;
	int32_t act_min, act_max;
};

struct PpuCfg {
	int16_t zp;
	int8_t act_min, act_max;
	bool fuse;
	AddParam add;
};

struct PpuIn {
	int32_t acc, bias, mult, shift;
	int8_t res;
};

static int32_t wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }

// TFLite reference ADD with int32 wrap-around made explicit.
static int8_t ref_add(const AddParam &p, int8_t a, int8_t b)
{
	int32_t sa = (int32_t)((uint32_t)wrap_add(a, p.in1_offset) << p.left_shift);
	int32_t sb = (int32_t)((uint32_t)wrap_add(b, p.in2_offset) << p.left_shift);
	int32_t ra = accel_mbqm(sa, p.in1_mult, p.in1_shift);
	int32_t rb = accel_mbqm(sb, p.in2_mult, p.in2_shift);
	int32_t o = wrap_add(accel_mbqm(wrap_add(ra, rb), p.out_mult, p.out_shift), p.out_offset);
	if (o < p.act_min)
		o = p.act_min;
	if (o > p.act_max)
		o = p.act_max;
	return (int8_t)(o < -128 ? -128 : o > 127 ? 127 : o);
}

static int8_t ref_ppu(const PpuCfg &c, const PpuIn &in)
{
	int32_t v = wrap_add(accel_mbqm(wrap_add(in.acc, in.bias), in.mult, in.shift), c.zp);
	if (v < c.act_min)
		v = c.act_min;
	if (v > c.act_max)
		v = c.act_max;
	int8_t y = (int8_t)v;
	return c.fuse ? ref_add(c.add, y, in.res) : y;
}

static int32_t rand_mult(TbRng &r)
{
	switch (r.range(0, 9)) {
	case 0: return INT32_MIN;
	case 1: return INT32_MAX;
	case 2: return (int32_t)r.u32();
	case 3: return 0;
	default: return (int32_t)r.range(1 << 30, INT32_MAX); // QuantizeMultiplier range
	}
}

static int32_t rand_acc(TbRng &r)
{
	switch (r.range(0, 7)) {
	case 0: return INT32_MIN;
	case 1: return INT32_MAX;
	case 2: return (int32_t)r.range(-4, 4);
	case 3: return (int32_t)r.u32();
	default: return (int32_t)r.range(-(1 << 20), 1 << 20);
	}
}

static int32_t rand_shift(TbRng &r)
{
	if (r.chance(70))
		return (int32_t)r.range(-12, 2);
	return (int32_t)r.range(-31, 31);
}

static PpuCfg rand_cfg(TbRng &r)
{
	PpuCfg c;
	c.zp = r.chance(80) ? (int16_t)r.range(-128, 127) : (int16_t)r.u32();
	int a = (int)r.range(-128, 127), b = (int)r.range(-128, 127);
	if (r.chance(30)) {
		a = -128;
		b = 127;
	}
	c.act_min = (int8_t)(a < b ? a : b);
	c.act_max = (int8_t)(a < b ? b : a);
	c.fuse = r.chance(50);
	AddParam &p = c.add;
	p.in1_offset = (int32_t)r.range(-128, 127);
	p.in2_offset = (int32_t)r.range(-128, 127);
	p.left_shift = r.chance(80) ? 20 : (int32_t)r.range(0, 31);
	p.in1_mult = rand_mult(r);
	p.in2_mult = rand_mult(r);
	p.out_mult = rand_mult(r);
	p.in1_shift = (int32_t)r.range(-31, 0);
	p.in2_shift = (int32_t)r.range(-31, 0);
	p.out_shift = r.chance(80) ? (int32_t)r.range(-25, 0) : rand_shift(r);
	p.out_offset = r.chance(90) ? (int32_t)r.range(-128, 127) : (int32_t)r.u32();
	int m = (int)r.range(-128, 127), n = (int)r.range(-128, 127);
	if (r.chance(5)) {
		m = (int)r.range(-1000, 0);
		n = (int)r.range(0, 1000);
	}
	p.act_min = m < n ? m : n;
	p.act_max = m < n ? n : m;
	return c;
}

int main(int argc, char **argv)
{
	TbArgs args = tb_parse_args(argc, argv, 10000000);
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(args.trace);
	auto m = std::make_unique<Vdnpu_ppu>(ctx.get());
	TbClock<Vdnpu_ppu> clk(ctx.get(), m.get(), args.trace, "tb_ppu");
	TbRng rng(args.seed);

	m->rst = 1;
	m->in_valid = 0;
	for (int i = 0; i < 4; i++)
		clk.tick();
	m->rst = 0;

	const int batches = 400, per_batch = 256; // ~100k vectors
	long checked = 0, errors = 0;
	for (int b = 0; b < batches; b++) {
		PpuCfg c = rand_cfg(rng);
		m->cfg_out_zp = (uint16_t)c.zp;
		m->cfg_act_min = (uint8_t)c.act_min;
		m->cfg_act_max = (uint8_t)c.act_max;
		m->cfg_fuse_add = c.fuse;
		const int32_t *pw = (const int32_t *)&c.add;
		for (int w = 0; w < 12; w++)
			m->cfg_add_param[w] = (uint32_t)pw[w];
		std::deque<int8_t> expect;
		int sent = 0;
		while (sent < per_batch || !expect.empty()) {
			// random bubbles exercise the valid pipeline
			bool send = sent < per_batch && rng.chance(85);
			m->in_valid = send;
			if (send) {
				PpuIn in{rand_acc(rng), rand_acc(rng), rand_mult(rng), rand_shift(rng),
					 (int8_t)rng.u32()};
				if (rng.chance(2)) {
					// SRDHM's only overflow: INT32_MIN * INT32_MIN
					in.acc = INT32_MIN;
					in.bias = 0;
					in.mult = INT32_MIN;
					in.shift = (int32_t)rng.range(-31, 0);
				}
				m->in_acc = (uint32_t)in.acc;
				m->in_bias = (uint32_t)in.bias;
				m->in_mult = (uint32_t)in.mult;
				m->in_shift = (uint32_t)in.shift;
				m->in_res = (uint8_t)in.res;
				expect.push_back(ref_ppu(c, in));
				sent++;
			}
			clk.tick();
			if (m->out_valid) {
				if (expect.empty()) {
					fprintf(stderr, "unexpected output\n");
					return 1;
				}
				int8_t got = (int8_t)m->out_y;
				if (got != expect.front() && errors++ < 10)
					fprintf(stderr, "batch %d: got %d want %d\n", b, got, expect.front());
				expect.pop_front();
				checked++;
			}
			if (clk.cycles > args.timeout) {
				fprintf(stderr, "timeout\n");
				return 1;
			}
		}
	}
	m->final();
	printf("tb_ppu: seed %llu, %ld vectors, %ld mismatches\n",
	       (unsigned long long)args.seed, checked, errors);
	return errors ? 1 : 0;
}
