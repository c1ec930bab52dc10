// dnpu_array vs a C matrix-vector product: random weight tiles (including
// -128/127 extremes), random input streams with bubbles, per-element check.
// Tiles alternate between the two weight banks: the next tile's weights
// load into the idle bank while the current tile streams (as soon as the
// vectors of the tile before have left it), and the next tile's vectors
// follow the current one's without the array draining in between.
#include <deque>
#include <utility>
#include <vector>

#include "Vdnpu_array.h"
#include "tb_util.h"

#ifndef ROWS
#error "ROWS/COLS come from the build"
#endif

int main(int argc, char **argv)
{
	TbArgs args = tb_parse_args(argc, argv, 5000000);
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(args.trace);
	auto m = std::make_unique<Vdnpu_array>(ctx.get());
	TbClock<Vdnpu_array> clk(ctx.get(), m.get(), args.trace, "tb_array");
	TbRng rng(args.seed);
	auto rand_i8 = [&]() -> int8_t {
		switch (rng.range(0, 9)) {
		case 0: return -128;
		case 1: return 127;
		default: return (int8_t)rng.u32();
		}
	};

	m->rst = 1;
	m->in_valid = 0;
	m->w_load = 0;
	for (int i = 0; i < 4; i++)
		clk.tick();
	m->rst = 0;

	long checked = 0, errors = 0;
	static int8_t wt[2][ROWS][COLS];		// per bank
	std::deque<std::vector<int32_t>> expect;
	std::deque<std::pair<int, int>> inflight;	// (cycles in the array, bank)
	bool bad = false;

	auto gen_tile = [&](int bank) {
		for (int i = 0; i < ROWS; i++)
			for (int j = 0; j < COLS; j++)
				wt[bank][i][j] = rand_i8();
	};
	// weight row i of bank into the array this cycle
	auto load_row = [&](int bank, int i) {
		m->w_load = 1;
		m->w_row = i;
		m->w_bank = bank;
		// w_data may be a scalar or a VlWide depending on COLS
		uint8_t *bytes = (uint8_t *)&m->w_data;
		for (int j = 0; j < COLS; j++)
			bytes[j] = (uint8_t)wt[bank][i][j];
	};
	// the bank may be rewritten once its vectors passed every PE
	auto bank_free = [&](int bank) {
		for (auto &v : inflight)
			if (v.second == bank && v.first < ROWS + COLS)
				return false;
		return true;
	};
	// one clock; check the output vector it produced
	auto step = [&](bool sent, int bank) {
		clk.tick();
		for (auto &v : inflight)
			v.first++;
		if (sent)
			inflight.push_back({0, bank});
		while (!inflight.empty() && inflight.front().first > ROWS + COLS + 4)
			inflight.pop_front();
		if (m->out_valid) {
			if (expect.empty()) {
				fprintf(stderr, "unexpected output\n");
				bad = true;
				return;
			}
			const uint32_t *out = (const uint32_t *)&m->out_y;
			for (int j = 0; j < COLS; j++) {
				if ((int32_t)out[j] != expect.front()[j] && errors++ < 10)
					fprintf(stderr, "col %d: got %d want %d\n", j, (int32_t)out[j],
						expect.front()[j]);
				checked++;
			}
			expect.pop_front();
		}
		if (clk.cycles > args.timeout) {
			fprintf(stderr, "timeout\n");
			bad = true;
		}
	};

	gen_tile(0);
	for (int i = 0; i < ROWS; i++) {
		load_row(0, i);
		step(false, 0);
	}
	for (int tile = 0; tile < 200 && !bad; tile++) {
		int bank = tile & 1, next = !bank;
		int vectors = (int)rng.range(1, 64), sent = 0, nrow = 0;
		bool last = tile == 199;
		// stream this tile; meanwhile load the next one into the other bank
		while ((sent < vectors || (!last && nrow < ROWS)) && !bad) {
			m->w_load = 0;
			if (!last && nrow < ROWS && bank_free(next) && rng.chance(70)) {
				if (nrow == 0)
					gen_tile(next);
				load_row(next, nrow++);
			}
			bool send = sent < vectors && rng.chance(80);
			m->in_valid = send;
			m->in_sel = bank;
			if (send) {
				int8_t x[ROWS];
				uint8_t *bytes = (uint8_t *)&m->in_x;
				for (int i = 0; i < ROWS; i++) {
					x[i] = rand_i8();
					bytes[i] = (uint8_t)x[i];
				}
				std::vector<int32_t> y(COLS, 0);
				for (int j = 0; j < COLS; j++)
					for (int i = 0; i < ROWS; i++)
						y[j] += x[i] * wt[bank][i][j];
				expect.push_back(y);
				sent++;
			}
			step(send, bank);
		}
	}
	m->w_load = 0;
	m->in_valid = 0;
	while (!expect.empty() && !bad)
		step(false, 0);
	m->final();
	printf("tb_array %dx%d: seed %llu, %ld outputs, %ld mismatches\n", ROWS, COLS,
	       (unsigned long long)args.seed, checked, errors);
	return errors || bad ? 1 : 0;
}
