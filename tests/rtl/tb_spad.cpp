// dnpu_spad_lanes vs a flat C array: random unaligned multi-lane reads and
// masked writes (simultaneous, different or equal addresses).
#include <vector>

#include "Vdnpu_spad_lanes.h"
#include "tb_util.h"

#ifndef LANES
#error "LANES/LANE_W/DEPTH come from the build"
#endif

static const unsigned kBytes = LANE_W / 8;
static const uint32_t kSize = LANES * DEPTH; // elements

template <typename T> static uint64_t get_lane(const T &sig, int lane)
{
	const uint8_t *b = (const uint8_t *)&sig;
	uint64_t v = 0;
	memcpy(&v, b + lane * kBytes, kBytes);
	return v;
}

template <typename T> static void set_lane(T &sig, int lane, uint64_t v)
{
	uint8_t *b = (uint8_t *)&sig;
	memcpy(b + lane * kBytes, &v, kBytes);
}

int main(int argc, char **argv)
{
	TbArgs args = tb_parse_args(argc, argv, 1000000);
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(args.trace);
	auto m = std::make_unique<Vdnpu_spad_lanes>(ctx.get());
	TbClock<Vdnpu_spad_lanes> clk(ctx.get(), m.get(), args.trace, "tb_spad");
	TbRng rng(args.seed);
	const uint64_t lane_mask = kBytes == 8 ? ~0ull : ((1ull << LANE_W) - 1);

	// fill every element with a known value first
	std::vector<uint64_t> ref(kSize);
	m->rd_en = 0;
	for (uint32_t a = 0; a < kSize; a += LANES) {
		m->wr_en = 1;
		m->wr_addr = a;
		m->wr_mask = (1u << LANES) - 1;
		for (int l = 0; l < LANES; l++) {
			ref[a + l] = rng.next() & lane_mask;
			set_lane(m->wr_data, l, ref[a + l]);
		}
		clk.tick();
	}
	long checked = 0, errors = 0;
	std::vector<uint64_t> pend_val(LANES);
	for (int it = 0; it < 20000; it++) {
		bool rd = rng.chance(70), wr = rng.chance(50);
		uint32_t ra = (uint32_t)rng.range(0, kSize - 1);
		uint32_t wa = rng.chance(10) ? ra : (uint32_t)rng.range(0, kSize - 1);
		uint32_t mask = (uint32_t)rng.range(0, (1 << LANES) - 1);
		m->rd_en = rd;
		m->rd_addr = ra;
		m->wr_en = wr;
		m->wr_addr = wa;
		m->wr_mask = mask;
		std::vector<uint64_t> wv(LANES);
		for (int l = 0; l < LANES; l++) {
			wv[l] = rng.next() & lane_mask;
			set_lane(m->wr_data, l, wv[l]);
		}
		if (rd)
			for (int l = 0; l < LANES; l++)
				pend_val[l] = ref[(ra + l) % kSize]; // read-before-write
		clk.tick();
		if (wr)
			for (int l = 0; l < LANES; l++)
				if (mask >> l & 1)
					ref[(wa + l) % kSize] = wv[l];
		if (rd) {
			for (int l = 0; l < LANES; l++) {
				uint64_t got = get_lane(m->rd_data, l);
				if (got != pend_val[l] && errors++ < 10)
					fprintf(stderr, "read @%u lane %d: got %llx want %llx\n", ra, l,
						(unsigned long long)got, (unsigned long long)pend_val[l]);
				checked++;
			}
		}
	}
	m->final();
	printf("tb_spad lanes %d x %d bit: seed %llu, %ld lanes read, %ld mismatches\n", LANES,
	       LANE_W, (unsigned long long)args.seed, checked, errors);
	return errors ? 1 : 0;
}
