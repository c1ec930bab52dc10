// Milestone: CONV_2D layers of person_detect computed by the RTL engine
// alone. Each layer is lowered to a command stream by the C-model team's
// test lowering (tests/cmodel/lower_conv.c, lower_tflite.c) from the
// .tflite weights, run on dnpu_engine (4x4, DNPU_SMALL_*) with the layer's
// TFLM input tensor in host memory, and the output region must equal the
// TFLM intermediate tensor byte for byte.
//   tb_golden +shared=DIR [+layers=N (default 3)] [+seed=] [+trace]
// Exit 77 (ctest skip) when the golden data is absent.
#include <string>
#include <vector>

extern "C" {
#include "lower_tflite.h"
}
#include "tb_engine_sim.h"

static std::vector<uint8_t> read_file(const std::string &path)
{
	std::vector<uint8_t> b;
	FILE *f = fopen(path.c_str(), "rb");
	if (!f)
		return b;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n > 0) {
		b.resize((size_t)n);
		if (fread(b.data(), 1, (size_t)n, f) != (size_t)n)
			b.clear();
	}
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	TbArgs args = tb_parse_args(argc, argv, 50000000);
	std::string shared = "../shared";
	int max_layers = 3;
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "+shared=", 8))
			shared = argv[i] + 8;
		else if (!strncmp(argv[i], "+layers=", 8))
			max_layers = atoi(argv[i] + 8);
	}
	std::vector<uint8_t> model = read_file(shared + "/golden/models/person_detect.tflite");
	if (model.empty()) {
		printf("tb_golden: no golden data under %s, skipped\n", shared.c_str());
		return 77;
	}
	struct tfl_model m;
	if (tfl_open(&m, model.data(), model.size())) {
		fprintf(stderr, "bad model\n");
		return 1;
	}
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	ctx->traceEverOn(args.trace);

	int done = 0, failed = 0;
	for (int i = 0; i < tfl_op_count(&m) && done < max_layers; i++) {
		struct tfl_op op;
		if (tfl_get_op(&m, i, &op) || op.builtin != TFL_OP_CONV_2D)
			continue;
		struct tfl_layer t;
		const char *why = nullptr;
		if (tfl_layer_get(&m, &op, &t, &why)) {
			fprintf(stderr, "op %d: %s\n", i, why ? why : "?");
			return 1;
		}
		char name[64];
		snprintf(name, sizeof(name), "/t%03d.bin", op.inputs[0]);
		std::string dir = shared + "/golden/person_detect/person/intermediates";
		std::vector<uint8_t> in = read_file(dir + name);
		snprintf(name, sizeof(name), "/t%03d.bin", op.outputs[0]);
		std::vector<uint8_t> golden = read_file(dir + name);
		if (in.size() != t.in_bytes || golden.size() != t.out_bytes) {
			fprintf(stderr, "op %d: tensor files missing or wrong size\n", i);
			return 1;
		}
		struct env *e = env_new(1);
		if (lower_conv(e, &t.l, (const int8_t *)in.data())) {
			fprintf(stderr, "op %d: lowering failed\n", i);
			return 1;
		}
		memset(env_at(e, 2, 0), 0x5c, t.out_bytes);
		memcpy(e->mem + (e->reg[0].addr - ENV_BASE), e->cmd,
		       (size_t)e->ncmd * DNPU_CMD_BYTES);

		std::vector<uint8_t> mem(e->mem, e->mem + e->mem_size);
		JobResult r;
		{
			EngineSim sim(ctx.get(), args.trace, args.seed, mem.data(), ENV_BASE,
				      e->mem_size);
			r = sim.run(e->reg, e->nreg, 0, 0, e->ncmd, args.timeout);
			uint64_t macs = sim.perf(DNPU_PERF_MACS), arr = sim.perf(DNPU_PERF_ARRAY_CYCLES);
			const uint8_t *out = mem.data() + (e->reg[2].addr - ENV_BASE);
			size_t diff = 0;
			for (size_t k = 0; k < t.out_bytes; k++)
				diff += out[k] != golden[k];
			bool ok = !r.timed_out && r.status == DNPU_JOB_OK && diff == 0;
			printf("op %d CONV_2D %dx%dx%d -> %dx%dx%d k%dx%d s%d: %u cmds, %llu cycles, "
			       "%llu MACs (%.1f%% of 4x4 peak over array cycles), %zu/%zu bytes "
			       "differ: %s\n",
			       i, t.l.ih, t.l.iw, t.l.ic, t.l.oh, t.l.ow, t.l.oc, t.l.kh, t.l.kw,
			       t.l.sh, e->ncmd, (unsigned long long)r.cycles,
			       (unsigned long long)macs, arr ? 100.0 * (double)macs / (16.0 * (double)arr) : 0.0,
			       diff, t.out_bytes, ok ? "OK" : "FAIL");
			if (!ok) {
				failed++;
				if (r.timed_out || r.status != DNPU_JOB_OK)
					fprintf(stderr, "  status %s cmd %u timed_out %d\n",
						dnpu_fault_name(r.status), r.cmd, r.timed_out);
			}
		}
		env_free(e);
		tfl_layer_free(&t);
		done++;
	}
	printf("tb_golden: %d CONV_2D layers byte-exact on the RTL engine, %d failed\n",
	       done - failed, failed);
	return (failed || done == 0) ? 1 : 0;
}
