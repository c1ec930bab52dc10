/* SPDX-License-Identifier: MIT */
/*
 * bench-sim: golden models on libaccel's sim backend. Per layer: device
 * cycles, MACs, array utilization, DRAM bytes against the compulsory
 * minimum, arithmetic intensity; per model: totals, simulator speed, and
 * whether the output is bit-exact with the golden reference. Writes
 * sim.json, sim.md and sim_roofline.svg into the output directory.
 * Cycles are deterministic (device model), wall times are not.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel.h"

struct layer {
	int op;
	const char *name, *backend, *unit;
	struct accel_device_stats st;
};

struct model_run {
	const char *model, *kase;
	int n_layers, ok, exact;
	struct layer *layers;
	double wall_s;
	uint64_t cycles, macs, dram, compulsory;
	uint32_t pe;
};

static void *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*n = (size_t)len;
	}
	fclose(f);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run_model(const char *shared, struct model_run *r)
{
	char path[4096], inp[4096], outp[4096];
	accel_context *ctx = NULL;
	accel_network *net = NULL;
	size_t in_n = 0, exp_n = 0;
	void *in, *exp, *out = NULL;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/golden/models/%s.tflite", shared, r->model);
	snprintf(inp, sizeof(inp), "%s/golden/%s/%s/input_0.bin", shared, r->model, r->kase);
	snprintf(outp, sizeof(outp), "%s/golden/%s/%s/output_0.bin", shared, r->model, r->kase);
	in = slurp(inp, &in_n);
	exp = slurp(outp, &exp_n);
	if (!in || !exp) {
		fprintf(stderr, "bench-sim: %s: golden data missing (%s)\n", r->model, inp);
		goto out;
	}
	if (accel_open(&ctx, ACCEL_BACKEND_SIM) != ACCEL_OK) {
		fprintf(stderr, "bench-sim: cannot open the sim backend\n");
		goto out;
	}
	if (accel_load_file(ctx, path, &net) != ACCEL_OK ||
	    accel_set_input(net, 0, in, in_n) != ACCEL_OK) {
		fprintf(stderr, "bench-sim: %s: %s\n", r->model, accel_last_error(ctx));
		goto out;
	}
	fprintf(stderr, "bench-sim: %s (%s)...\n", r->model, r->kase);
	double t0 = now_s();
	if (accel_invoke(net) != ACCEL_OK) {
		fprintf(stderr, "bench-sim: %s: %s\n", r->model, accel_last_error(ctx));
		goto out;
	}
	r->wall_s = now_s() - t0;
	out = malloc(exp_n);
	if (!out || accel_get_output(net, 0, out, exp_n) != ACCEL_OK)
		goto out;
	r->exact = !memcmp(out, exp, exp_n);
	r->n_layers = accel_profile_count(net);
	r->layers = calloc((size_t)r->n_layers, sizeof(*r->layers));
	if (!r->layers)
		goto out;
	for (int i = 0; i < r->n_layers; i++) {
		struct accel_op_profile p;
		struct layer *l = &r->layers[i];

		accel_profile_get(net, i, &p);
		accel_device_stats_get(net, i, &l->st);
		l->op = i;
		l->name = strdup(p.op_name);
		l->backend = strdup(p.backend);
		l->unit = l->st.unit;
		r->cycles += l->st.cycles;
		r->macs += l->st.macs;
		r->dram += l->st.dram_read_bytes + l->st.dram_write_bytes;
		r->compulsory += l->st.compulsory_bytes;
		if (l->st.array_rows)
			r->pe = l->st.array_rows * l->st.array_cols;
	}
	r->ok = 1;
	rc = 0;
out:
	free(in);
	free(exp);
	free(out);
	accel_network_free(net);
	accel_close(ctx);
	return rc;
}

static double util(uint64_t macs, uint64_t cycles, uint32_t pe)
{
	return cycles && pe ? (double)macs / ((double)cycles * pe) : 0.0;
}

static double intensity(const struct accel_device_stats *s)
{
	uint64_t b = s->dram_read_bytes + s->dram_write_bytes;

	return b ? (double)s->macs / (double)b : 0.0;
}

static void write_json(FILE *f, const char *commit, struct model_run *r, int n)
{
	fprintf(f, "{\n  \"commit\": \"%s\",\n  \"backend\": \"sim\",\n  \"models\": [\n", commit);
	for (int m = 0; m < n; m++) {
		fprintf(f, "    {\"model\": \"%s\", \"case\": \"%s\", \"bit_exact\": %s, "
			"\"cycles\": %llu, \"macs\": %llu, \"utilization\": %.4f, "
			"\"dram_bytes\": %llu, \"compulsory_bytes\": %llu, "
			"\"wall_s\": %.4f, \"sim_cycles_per_s\": %.0f,\n      \"layers\": [\n",
			r[m].model, r[m].kase, r[m].exact ? "true" : "false",
			(unsigned long long)r[m].cycles, (unsigned long long)r[m].macs,
			util(r[m].macs, r[m].cycles, r[m].pe),
			(unsigned long long)r[m].dram, (unsigned long long)r[m].compulsory,
			r[m].wall_s, r[m].wall_s > 0 ? r[m].cycles / r[m].wall_s : 0.0);
		for (int i = 0; i < r[m].n_layers; i++) {
			const struct layer *l = &r[m].layers[i];

			fprintf(f, "        {\"op\": %d, \"name\": \"%s\", \"backend\": \"%s\", "
				"\"unit\": \"%s\", \"cycles\": %llu, \"macs\": %llu, "
				"\"dram_bytes\": %llu, \"compulsory_bytes\": %llu}%s\n",
				l->op, l->name, l->backend, l->unit ? l->unit : "",
				(unsigned long long)l->st.cycles, (unsigned long long)l->st.macs,
				(unsigned long long)(l->st.dram_read_bytes + l->st.dram_write_bytes),
				(unsigned long long)l->st.compulsory_bytes,
				i + 1 < r[m].n_layers ? "," : "");
		}
		fprintf(f, "      ]}%s\n", m + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

static void write_md(FILE *f, const char *commit, struct model_run *r, int n)
{
	fprintf(f, "# sim backend benchmark (commit %s)\n\n", commit);
	fprintf(f, "Device: the C functional model's cycle estimate (deterministic), "
		"default 16x16 configuration. Utilization = MACs / (cycles x %u). "
		"DRAM bytes are everything the jobs moved; compulsory = each op's "
		"weights, inputs and outputs once (every op is one job today, so "
		"activations go through DRAM between ops).\n\n", r[0].pe);
	fprintf(f, "| model | bit-exact | cycles | MACs | utilization | DRAM bytes | "
		"compulsory | ratio | sim speed (cycles/s) |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int m = 0; m < n; m++)
		fprintf(f, "| %s | %s | %llu | %llu | %.1f%% | %llu | %llu | %.2fx | %.0f |\n",
			r[m].model, r[m].exact ? "yes" : "NO",
			(unsigned long long)r[m].cycles, (unsigned long long)r[m].macs,
			100 * util(r[m].macs, r[m].cycles, r[m].pe),
			(unsigned long long)r[m].dram, (unsigned long long)r[m].compulsory,
			r[m].compulsory ? (double)r[m].dram / r[m].compulsory : 0,
			r[m].wall_s > 0 ? r[m].cycles / r[m].wall_s : 0.0);
	for (int m = 0; m < n; m++) {
		fprintf(f, "\n## %s per layer\n\n| op | name | backend | unit | cycles | MACs | "
			"util | DRAM bytes | compulsory | MAC/byte |\n"
			"|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n", r[m].model);
		for (int i = 0; i < r[m].n_layers; i++) {
			const struct layer *l = &r[m].layers[i];

			fprintf(f, "| %d | %s | %s | %s | %llu | %llu | %.1f%% | %llu | %llu | %.1f |\n",
				l->op, l->name, l->backend, l->unit ? l->unit : "-",
				(unsigned long long)l->st.cycles, (unsigned long long)l->st.macs,
				100 * util(l->st.macs, l->st.cycles, r[m].pe),
				(unsigned long long)(l->st.dram_read_bytes + l->st.dram_write_bytes),
				(unsigned long long)l->st.compulsory_bytes, intensity(&l->st));
		}
	}
	fprintf(f, "\n![roofline](sim_roofline.svg)\n");
}

/* Utilization vs arithmetic intensity (log x), one dot per device layer. */
static void write_svg(FILE *f, struct model_run *r, int n)
{
	const double W = 640, H = 400, L = 60, B = 340, R = 620, T = 30;
	const double xmin = 0.1, xmax = 1000;
	const char *colors[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd" };
#define XPOS(v) (L + (R - L) * (log10((v) < xmin ? xmin : (v)) - log10(xmin)) / (log10(xmax) - log10(xmin)))
#define YPOS(u) (B - (B - T) * (u))

	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"font-family=\"sans-serif\" font-size=\"11\">\n", W, H);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", L, B, R, B);
	fprintf(f, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", L, B, L, T);
	for (double v = xmin; v <= xmax * 1.01; v *= 10)
		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%g</text>\n",
			XPOS(v), B + 15, v);
	for (int p = 0; p <= 100; p += 25)
		fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>\n",
			L - 5, YPOS(p / 100.0) + 4, p);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">arithmetic intensity "
		"(MACs per DRAM byte)</text>\n", (L + R) / 2, H - 20);
	fprintf(f, "<text x=\"15\" y=\"%.0f\" transform=\"rotate(-90 15 %.0f)\" "
		"text-anchor=\"middle\">array utilization</text>\n", (B + T) / 2, (B + T) / 2);
	/* roof: the DMA moves 16 B per cycle, the array does pe MACs per cycle */
	double knee = r[0].pe ? r[0].pe / 16.0 : 16.0;
	fprintf(f, "<polyline fill=\"none\" stroke=\"gray\" stroke-dasharray=\"4\" points=\"");
	for (double v = xmin; v <= xmax; v *= 1.2)
		fprintf(f, "%.1f,%.1f ", XPOS(v), YPOS(v >= knee ? 1.0 : v / knee));
	fprintf(f, "\"/>\n");
	for (int m = 0; m < n; m++) {
		for (int i = 0; i < r[m].n_layers; i++) {
			const struct accel_device_stats *s = &r[m].layers[i].st;

			if (!s->unit || !s->macs)
				continue;
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
				"fill-opacity=\"%s\"><title>%s op %d %s</title></circle>\n",
				XPOS(intensity(s)), YPOS(util(s->macs, s->cycles, r[m].pe)),
				colors[m % 4], strcmp(s->unit, "array") ? "0.35" : "0.9",
				r[m].model, i, s->unit);
		}
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">%s (solid: array, faint: NMC)</text>\n",
			L + 10, T + 14.0 * m, colors[m % 4], r[m].model);
	}
	fprintf(f, "</svg>\n");
#undef XPOS
#undef YPOS
}

static void usage(FILE *f)
{
	fprintf(f, "usage: bench-sim [--shared DIR] [--out DIR] [--commit ID]\n"
		"  Runs person_detect and MobileNetV2 from DIR/golden (default ../shared)\n"
		"  on the sim backend; writes sim.json, sim.md, sim_roofline.svg to --out\n"
		"  (default bench/results).\n");
}

int main(int argc, char **argv)
{
	const char *shared = "../shared", *outdir = "bench/results", *commit = "unknown";
	static const struct option opts[] = {
		{ "shared", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "commit", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': shared = optarg; break;
		case 'o': outdir = optarg; break;
		case 'c': commit = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	struct model_run runs[] = {
		{ .model = "person_detect", .kase = "person" },
		{ .model = "mobilenet_v2_quantized_1x3x224x224", .kase = "chelsea" },
	};
	int n = (int)(sizeof(runs) / sizeof(runs[0])), ok = 1;

	for (int m = 0; m < n; m++)
		if (run_model(shared, &runs[m]))
			ok = 0;
	if (!ok) {
		fprintf(stderr, "bench-sim: some models could not run (is %s/golden there?)\n", shared);
		return 1;
	}
	char path[4096];
	FILE *f;
	const char *names[] = { "sim.json", "sim.md", "sim_roofline.svg" };

	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, names[k]);
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "bench-sim: %s: %s\n", path, strerror(errno));
			return 1;
		}
		if (k == 0)
			write_json(f, commit, runs, n);
		else if (k == 1)
			write_md(f, commit, runs, n);
		else
			write_svg(f, runs, n);
		fclose(f);
	}
	for (int m = 0; m < n; m++)
		printf("%-36s %s  %10llu cycles  util %5.1f%%  DRAM %.2fx compulsory  %.2f Mcycles/s\n",
		       runs[m].model, runs[m].exact ? "bit-exact" : "MISMATCH ",
		       (unsigned long long)runs[m].cycles,
		       100 * util(runs[m].macs, runs[m].cycles, runs[m].pe),
		       runs[m].compulsory ? (double)runs[m].dram / runs[m].compulsory : 0,
		       runs[m].wall_s > 0 ? runs[m].cycles / runs[m].wall_s / 1e6 : 0);
	printf("bench-sim: wrote %s/sim.{json,md} and sim_roofline.svg\n", outdir);
	return 0;
}
