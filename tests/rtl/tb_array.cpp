// dnpu_array vs a C matrix-vector product: random weight tiles (including
// -128/127 extremes), random input streams with bubbles, per-element check.
#include <deque>
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
	for (int tile = 0; tile < 200; tile++) {
		int8_t w[ROWS][COLS];
		for (int i = 0; i < ROWS; i++) {
			m->w_load = 1;
			m->w_row = i;
			for (int j = 0; j < COLS; j++)
				w[i][j] = rand_i8();
			// w_data may be a scalar or a VlWide depending on COLS
			for (int j = 0; j < COLS; j++) {
				uint8_t *bytes = (uint8_t *)&m->w_data;
				bytes[j] = (uint8_t)w[i][j];
			}
			clk.tick();
		}
		m->w_load = 0;
		std::deque<std::vector<int32_t>> expect;
		int vectors = (int)rng.range(1, 64), sent = 0;
		while (sent < vectors || !expect.empty()) {
			bool send = sent < vectors && rng.chance(80);
			m->in_valid = send;
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
						y[j] += x[i] * w[i][j];
				expect.push_back(y);
				sent++;
			}
			clk.tick();
			if (m->out_valid) {
				if (expect.empty()) {
					fprintf(stderr, "unexpected output\n");
					return 1;
				}
				const uint32_t *out = (const uint32_t *)&m->out_y;
				for (int j = 0; j < COLS; j++) {
					if ((int32_t)out[j] != expect.front()[j] && errors++ < 10)
						fprintf(stderr, "tile %d col %d: got %d want %d\n", tile, j,
							(int32_t)out[j], expect.front()[j]);
					checked++;
				}
				expect.pop_front();
			}
			if (clk.cycles > args.timeout) {
				fprintf(stderr, "timeout\n");
				return 1;
			}
		}
	}
	m->final();
	printf("tb_array %dx%d: seed %llu, %ld outputs, %ld mismatches\n", ROWS, COLS,
	       (unsigned long long)args.seed, checked, errors);
	return errors ? 1 : 0;
}
