/* SPDX-License-Identifier: MIT */
/*
 * bench-sim: golden models on libaccel's sim backend. Per layer: device
 * cycles, MACs, array utilization, DRAM bytes against the compulsory
 * minimum, arithmetic intensity, an energy estimate from the device's event
 * counts; per model: totals, DRAM against the whole-model compulsory
 * minimum, simulator speed, bit-exactness with the golden reference; and
 * the "NMC pays off" comparison (depthwise, residual ADD, pooling/MEAN on
 * the NMC vs on the array vs on the CPU). Writes sim.json, sim.md and
 * sim_roofline.svg into the output directory. Cycles are deterministic
 * (device model), wall times are not. Energy costs: docs/BENCH.md.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel.h"
#include "toolutil.h"

/*
 * Energy per event in pJ, Horowitz, "Computing's energy problem (and what
 * we can do about it)", ISSCC 2014, 45 nm, 0.9 V; used unscaled
 * (docs/BENCH.md says how and why).
 */
#define E_MAC_PJ	(0.2 + 0.1)	/* 8-bit multiply + 32-bit accumulate */
#define E_NMC_PJ	(0.2 + 0.1)	/* an NMC element op, counted as a MAC */
#define E_PPU_PJ	(3.1 + 3 * 0.1)	/* 32-bit multiply + 3 32-bit adds */
#define E_SRAM_PJ_B	(20.0 / 8)	/* 32 KB SRAM, 64-bit access: 20 pJ */
#define E_DRAM_PJ_B	(2000.0 / 8)	/* DRAM, 64-bit access: 1.3-2.6 nJ */
#define DEV_HZ		500e6		/* the cost model's device clock */

struct layer {
	int op;
	const char *name, *backend, *unit;
	struct accel_device_stats st;
	int64_t est_cpu_ns;
	uint64_t host_ns;	/* measured on the CPU backend (min of runs) */
};

struct energy {
	double mac, nmc, ppu, sram, dram;
};

struct model_run {
	const char *model, *kase;
	int n_layers, ok, exact;
	struct layer *layers;
	double wall_s, cpu_s;	/* of the last invoke: wall and this process's CPU */
	uint64_t cycles, macs, dram, compulsory, model_compulsory;
	uint32_t pe, spad_in;
	struct energy e;
	/*
	 * The same model run one job per op: in a segment (several ops in one
	 * job) the job's cycles and bytes are reported on its first op, so
	 * per-layer figures come from this run.
	 */
	const struct model_run *per_op;
};

/* The run whose per-layer numbers mean one op each. */
static const struct model_run *layer_run(const struct model_run *r)
{
	return r->per_op ? r->per_op : r;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/*
 * Simulator speed: device cycles per second of wall time, and per second of
 * this process's CPU time (what the simulator itself costs; on a shared
 * machine the wall figure also counts the time other jobs had the CPU).
 */
static double per_s(uint64_t cycles, double s)
{
	return s > 0 ? cycles / s : 0.0;
}

static double dram_of(const struct accel_device_stats *s)
{
	return (double)(s->dram_read_bytes + s->dram_write_bytes);
}

static struct energy energy_of(const struct accel_device_stats *s)
{
	struct energy e = {
		.mac = s->array_macs * E_MAC_PJ,
		.nmc = s->nmc_ops * E_NMC_PJ,
		.ppu = s->ppu_elems * E_PPU_PJ,
		.sram = (double)(s->spad_read_bytes + s->spad_write_bytes) * E_SRAM_PJ_B,
		.dram = dram_of(s) * E_DRAM_PJ_B,
	};
	return e;
}

static double e_total(const struct energy *e)
{
	return e->mac + e->nmc + e->ppu + e->sram + e->dram;
}

/*
 * The compulsory traffic for the device part of a model: every
 * weight once, the device's first input and last output once, and each
 * activation between device ops that does not fit on chip once each way
 * (written by its producer, read by its consumer). "Fits" = at most the
 * IN scratchpad, the buffer the array and the NMC read activations from.
 */
static uint64_t model_compulsory(const struct model_run *r, uint64_t onchip)
{
	int first = -1, last = -1;
	uint64_t sum = 0;

	for (int i = 0; i < r->n_layers; i++)
		if (r->layers[i].st.unit && r->layers[i].st.compulsory_bytes) {
			if (first < 0)
				first = i;
			last = i;
		}
	if (first < 0)
		return 0;
	const struct accel_device_stats *f = &r->layers[first].st;
	sum += f->compulsory_bytes - f->weight_bytes - f->output_bytes;
	for (int i = first; i <= last; i++) {
		const struct accel_device_stats *s = &r->layers[i].st;

		if (!s->unit || !s->compulsory_bytes)
			continue;
		sum += s->weight_bytes;
		if (i == last)
			sum += s->output_bytes;
		else if (s->output_bytes > onchip)
			sum += 2 * s->output_bytes;
	}
	return sum;
}

enum run_kind { RUN_DEFAULT, RUN_NMC, RUN_ARRAY, RUN_CPU, RUN_PER_OP };

static int run_model(const char *shared, struct model_run *r, enum run_kind kind)
{
	char path[4096], inp[4096], outp[4096];
	accel_context *ctx = NULL;
	accel_network *net = NULL;
	size_t in_n = 0, exp_n = 0;
	void *in, *exp, *out = NULL;
	int rc = -1, reps = kind == RUN_CPU ? 5 : 1;

	/* measurement-only lowerings (docs/COMPILER.md), read at open/load */
	unsetenv("ACCEL_SIM_LOWERING");
	unsetenv("ACCEL_PLACEMENT");
	if (kind == RUN_NMC || kind == RUN_ARRAY) {
		setenv("ACCEL_PLACEMENT", "device", 1);
		setenv("ACCEL_SIM_LOWERING",
		       kind == RUN_NMC ? "no-fused-add" : "nmc-on-array", 1);
	}
	if (kind == RUN_PER_OP)
		setenv("ACCEL_SIM_LOWERING", "no-segments", 1);
	snprintf(path, sizeof(path), "%s/golden/models/%s.tflite", shared, r->model);
	snprintf(inp, sizeof(inp), "%s/golden/%s/%s/input_0.bin", shared, r->model, r->kase);
	snprintf(outp, sizeof(outp), "%s/golden/%s/%s/output_0.bin", shared, r->model, r->kase);
	in = tool_read_file(inp, &in_n);
	exp = tool_read_file(outp, &exp_n);
	if (!in || !exp) {
		fprintf(stderr, "bench-sim: %s: golden data missing (%s)\n", r->model, inp);
		goto out;
	}
	if (accel_open(&ctx, kind == RUN_CPU ? ACCEL_BACKEND_CPU : ACCEL_BACKEND_SIM) != ACCEL_OK) {
		fprintf(stderr, "bench-sim: cannot open the %s backend\n",
			kind == RUN_CPU ? "cpu" : "sim");
		goto out;
	}
	if (accel_load_file(ctx, path, &net) != ACCEL_OK ||
	    accel_set_input(net, 0, in, in_n) != ACCEL_OK) {
		fprintf(stderr, "bench-sim: %s: %s\n", r->model, accel_last_error(ctx));
		goto out;
	}
	static const char *kinds[] = { "", ", NMC ops unfused", ", NMC ops on the array", ", CPU",
				       ", one job per op" };
	fprintf(stderr, "bench-sim: %s (%s%s)...\n", r->model, r->kase, kinds[kind]);
	r->n_layers = accel_profile_count(net);
	r->layers = calloc((size_t)r->n_layers, sizeof(*r->layers));
	if (!r->layers)
		goto out;
	for (int k = 0; k < reps; k++) {
		double t0 = now_s(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if (accel_invoke(net) != ACCEL_OK) {
			fprintf(stderr, "bench-sim: %s: %s\n", r->model, accel_last_error(ctx));
			goto out;
		}
		r->wall_s = now_s() - t0;
		r->cpu_s = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		for (int i = 0; i < r->n_layers; i++) {
			struct accel_op_profile p;

			accel_profile_get(net, i, &p);
			if (k == 0 || p.time_ns < r->layers[i].host_ns)
				r->layers[i].host_ns = p.time_ns;
		}
	}
	out = malloc(exp_n);
	if (!out || accel_get_output(net, 0, out, exp_n) != ACCEL_OK)
		goto out;
	r->exact = !memcmp(out, exp, exp_n);
	for (int i = 0; i < r->n_layers; i++) {
		struct accel_op_profile p;
		struct layer *l = &r->layers[i];

		accel_profile_get(net, i, &p);
		accel_device_stats_get(net, i, &l->st);
		l->op = i;
		l->name = strdup(p.op_name);
		l->backend = strdup(p.backend);
		l->unit = l->st.unit;
		l->est_cpu_ns = p.est_cpu_ns;
		r->cycles += l->st.cycles;
		r->macs += l->st.macs;
		r->dram += l->st.dram_read_bytes + l->st.dram_write_bytes;
		r->compulsory += l->st.compulsory_bytes;
		struct energy e = energy_of(&l->st);
		r->e.mac += e.mac;
		r->e.nmc += e.nmc;
		r->e.ppu += e.ppu;
		r->e.sram += e.sram;
		r->e.dram += e.dram;
		if (l->st.array_rows)
			r->pe = l->st.array_rows * l->st.array_cols;
		if (l->st.spad_in_bytes)
			r->spad_in = l->st.spad_in_bytes;
	}
	r->ok = 1;
	rc = 0;
out:
	free(in);
	free(exp);
	free(out);
	accel_network_free(net);
	accel_close(ctx);
	unsetenv("ACCEL_SIM_LOWERING");
	unsetenv("ACCEL_PLACEMENT");
	return rc;
}

static void free_run(struct model_run *r)
{
	for (int i = 0; r->layers && i < r->n_layers; i++) {
		free((char *)r->layers[i].name);
		free((char *)r->layers[i].backend);
	}
	free(r->layers);
	r->layers = NULL;
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

/* CONV_2D/FULLY_CONNECTED layers with K and N >= 64 (the 90% set). */
struct kn64 {
	int n, at90;
	double min, max, agg;	/* agg: their MACs / (their cycles x pe) */
};

static struct kn64 kn64_of(const struct model_run *run)
{
	const struct model_run *r = layer_run(run);
	struct kn64 k = { .min = 1.0 };
	uint64_t macs = 0, cyc = 0;

	for (int i = 0; i < r->n_layers; i++) {
		const struct accel_device_stats *s = &r->layers[i].st;

		if (!s->unit || strcmp(s->unit, "array") || s->gemm_k < 64 || s->gemm_n < 64)
			continue;
		double u = util(s->macs, s->cycles, r->pe);

		k.n++;
		k.at90 += u >= 0.9;
		k.min = u < k.min ? u : k.min;
		k.max = u > k.max ? u : k.max;
		macs += s->macs;
		cyc += s->cycles;
	}
	if (!k.n)
		k.min = 0;
	k.agg = util(macs, cyc, r->pe);
	return k;
}

/* ---- "NMC pays off": the same op on the NMC, the array and the CPU -------- */

static bool nmc_class(const char *name)
{
	return !strcmp(name, "DEPTHWISE_CONV_2D") || !strcmp(name, "ADD") ||
	       !strcmp(name, "AVERAGE_POOL_2D") || !strcmp(name, "MAX_POOL_2D") ||
	       !strcmp(name, "MEAN");
}

struct cmp_row {
	int op;
	const char *name;
	const char *nmc_unit, *alt_unit;
	double nmc_cyc, nmc_dram, alt_cyc, alt_dram, cpu_ref_ns, host_ns;
	double nmc_uj, alt_uj;
};

/* Rows for the NMC-class ops of one model; returns the count. */
static int compare_rows(const struct model_run *nmc, const struct model_run *arr,
			const struct model_run *cpu, const struct model_run *def,
			struct cmp_row *rows)
{
	int n = 0;

	for (int i = 0; i < nmc->n_layers && i < arr->n_layers; i++) {
		const struct layer *a = &nmc->layers[i], *b = &arr->layers[i];
		struct cmp_row *r = &rows[n];

		if (!nmc_class(a->name) || !a->unit)
			continue;
		memset(r, 0, sizeof(*r));
		r->op = i;
		r->name = a->name;
		r->nmc_unit = a->unit;
		r->nmc_cyc = (double)a->st.cycles;
		r->nmc_dram = dram_of(&a->st);
		struct energy ea = energy_of(&a->st);
		r->nmc_uj = e_total(&ea) * 1e-6;
		if (!strcmp(a->name, "ADD") && b->unit && !strcmp(b->unit, "fused") && i > 0) {
			/* fused: what the add costs is what it adds to the conv */
			const struct layer *cu = &nmc->layers[i - 1], *cf = &arr->layers[i - 1];
			struct energy e1 = energy_of(&cu->st), e2 = energy_of(&cf->st);

			r->alt_unit = "conv epilogue";
			r->alt_cyc = (double)cf->st.cycles - (double)cu->st.cycles;
			r->alt_dram = dram_of(&cf->st) - dram_of(&cu->st);
			r->alt_uj = (e_total(&e2) - e_total(&e1)) * 1e-6;
		} else if (b->unit) {
			struct energy eb = energy_of(&b->st);

			r->alt_unit = b->unit;
			r->alt_cyc = (double)b->st.cycles;
			r->alt_dram = dram_of(&b->st);
			r->alt_uj = e_total(&eb) * 1e-6;
		} else {
			r->alt_unit = "-";
			r->alt_cyc = r->alt_dram = NAN;
			r->alt_uj = NAN;
		}
		r->cpu_ref_ns = i < def->n_layers ? (double)def->layers[i].est_cpu_ns : -1;
		if (r->cpu_ref_ns < 0)
			r->cpu_ref_ns = (double)a->est_cpu_ns;
		r->host_ns = cpu && i < cpu->n_layers ? (double)cpu->layers[i].host_ns : NAN;
		n++;
	}
	return n;
}

static void write_cmp_md(FILE *f, const struct model_run *m, const struct cmp_row *rows, int n)
{
	double s_nmc = 0, s_alt = 0, s_nb = 0, s_ab = 0, s_cpu = 0, s_host = 0;

	fprintf(f, "\n### %s: NMC vs array vs CPU\n\n"
		"| op | name | NMC cycles | NMC DRAM B | NMC uJ | array unit | array cycles | "
		"array DRAM B | array uJ | CPU ref cycles | host us | cycles saved vs array | "
		"DRAM B saved vs array | cycles saved vs CPU ref |\n"
		"|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", m->model);
	for (int i = 0; i < n; i++) {
		const struct cmp_row *r = &rows[i];
		double cpu_cyc = r->cpu_ref_ns * DEV_HZ / 1e9;

		fprintf(f, "| %d | %s | %.0f | %.0f | %.2f | %s | %.0f | %.0f | %.2f | %.0f | %.1f | %.0f | %.0f | %.0f |\n",
			r->op, r->name, r->nmc_cyc, r->nmc_dram, r->nmc_uj, r->alt_unit,
			r->alt_cyc, r->alt_dram, r->alt_uj, cpu_cyc, r->host_ns / 1e3,
			r->alt_cyc - r->nmc_cyc, r->alt_dram - r->nmc_dram, cpu_cyc - r->nmc_cyc);
		s_nmc += r->nmc_cyc;
		s_nb += r->nmc_dram;
		if (!isnan(r->alt_cyc)) {
			s_alt += r->alt_cyc;
			s_ab += r->alt_dram;
		}
		s_cpu += cpu_cyc;
		if (!isnan(r->host_ns))
			s_host += r->host_ns;
	}
	fprintf(f, "| | **total** | %.0f | %.0f | | | %.0f | %.0f | | %.0f | %.1f | %.0f | %.0f | %.0f |\n",
		s_nmc, s_nb, s_alt, s_ab, s_cpu, s_host / 1e3, s_alt - s_nmc, s_ab - s_nb, s_cpu - s_nmc);

	/* per operator: where the NMC pays off and where it does not */
	fprintf(f, "\n| %s by operator | ops | NMC cycles | array cycles | CPU ref cycles | "
		"NMC DRAM B | array DRAM B | NMC uJ | array uJ |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|\n", m->model);
	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int k = 0; k < i; k++)
			seen |= !strcmp(rows[k].name, rows[i].name) &&
				!strcmp(rows[k].alt_unit, rows[i].alt_unit);
		if (seen)
			continue;
		double c[7] = { 0 };
		int cnt = 0;
		for (int k = i; k < n; k++) {
			const struct cmp_row *r = &rows[k];

			if (strcmp(r->name, rows[i].name) || strcmp(r->alt_unit, rows[i].alt_unit))
				continue;
			cnt++;
			c[0] += r->nmc_cyc;
			c[1] += r->alt_cyc;
			c[2] += r->cpu_ref_ns * DEV_HZ / 1e9;
			c[3] += r->nmc_dram;
			c[4] += r->alt_dram;
			c[5] += r->nmc_uj;
			c[6] += r->alt_uj;
		}
		fprintf(f, "| %s vs %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f |\n",
			rows[i].name, rows[i].alt_unit, cnt, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
	}
}

/* ---- output ------------------------------------------------------------ */

static void write_json(FILE *f, const char *commit, const char *device,
		       struct model_run *r, int n, struct cmp_row **cmp, const int *ncmp)
{
	fprintf(f, "{\n  \"commit\": \"%s\",\n  \"backend\": \"sim\",\n  \"device\": \"%s\",\n"
		"  \"energy_pj\": {\"mac\": %.2f, \"nmc_op\": %.2f, \"ppu_elem\": %.2f, "
		"\"sram_byte\": %.3f, \"dram_byte\": %.2f, \"source\": \"Horowitz ISSCC 2014, 45 nm, unscaled\"},\n"
		"  \"models\": [\n", commit, device, E_MAC_PJ, E_NMC_PJ, E_PPU_PJ, E_SRAM_PJ_B, E_DRAM_PJ_B);
	for (int m = 0; m < n; m++) {
		fprintf(f, "    {\"model\": \"%s\", \"case\": \"%s\", \"bit_exact\": %s, "
			"\"cycles\": %llu, \"macs\": %llu, \"utilization\": %.4f, "
			"\"dram_bytes\": %llu, \"compulsory_bytes\": %llu, "
			"\"model_compulsory_bytes\": %llu, \"energy_uj\": %.3f, "
			"\"energy_breakdown_uj\": {\"mac\": %.3f, \"nmc\": %.3f, \"ppu\": %.3f, "
			"\"sram\": %.3f, \"dram\": %.3f}, "
			"\"kn64_layers\": %d, \"kn64_at_90pct\": %d, \"kn64_min_util\": %.4f, "
			"\"kn64_max_util\": %.4f, \"kn64_util\": %.4f, "
			"\"wall_s\": %.4f, \"sim_cycles_per_s\": %.0f, \"cpu_s\": %.4f, "
			"\"sim_cycles_per_cpu_s\": %.0f,\n      \"layers_run\": \"%s\",\n      \"layers\": [\n",
			r[m].model, r[m].kase, r[m].exact ? "true" : "false",
			(unsigned long long)r[m].cycles, (unsigned long long)r[m].macs,
			util(r[m].macs, r[m].cycles, r[m].pe),
			(unsigned long long)r[m].dram, (unsigned long long)r[m].compulsory,
			(unsigned long long)r[m].model_compulsory, e_total(&r[m].e) * 1e-6,
			r[m].e.mac * 1e-6, r[m].e.nmc * 1e-6, r[m].e.ppu * 1e-6,
			r[m].e.sram * 1e-6, r[m].e.dram * 1e-6,
			kn64_of(&r[m]).n, kn64_of(&r[m]).at90, kn64_of(&r[m]).min,
			kn64_of(&r[m]).max, kn64_of(&r[m]).agg,
			r[m].wall_s, per_s(r[m].cycles, r[m].wall_s), r[m].cpu_s,
			per_s(r[m].cycles, r[m].cpu_s),
			r[m].per_op ? "one job per op" : "this run");
		const struct model_run *lr = layer_run(&r[m]);

		for (int i = 0; i < lr->n_layers; i++) {
			const struct layer *l = &lr->layers[i];
			struct energy e = energy_of(&l->st);

			fprintf(f, "        {\"op\": %d, \"name\": \"%s\", \"backend\": \"%s\", "
				"\"unit\": \"%s\", \"cycles\": %llu, \"macs\": %llu, "
				"\"array_macs\": %llu, \"nmc_ops\": %llu, \"ppu_elems\": %llu, "
				"\"gemm_k\": %u, \"gemm_n\": %u, \"spad_bytes\": %llu, "
				"\"dram_bytes\": %llu, \"compulsory_bytes\": %llu, \"energy_uj\": %.4f}%s\n",
				l->op, l->name, l->backend, l->unit ? l->unit : "",
				(unsigned long long)l->st.cycles, (unsigned long long)l->st.macs,
				(unsigned long long)l->st.array_macs,
				(unsigned long long)l->st.nmc_ops,
				(unsigned long long)l->st.ppu_elems,
				l->st.gemm_k, l->st.gemm_n,
				(unsigned long long)l->st.spad_read_bytes + l->st.spad_write_bytes,
				(unsigned long long)l->st.dram_read_bytes + l->st.dram_write_bytes,
				(unsigned long long)l->st.compulsory_bytes, e_total(&e) * 1e-6,
				i + 1 < lr->n_layers ? "," : "");
		}
		fprintf(f, "      ]");
		if (cmp && cmp[m]) {
			fprintf(f, ",\n      \"nmc_vs_array_vs_cpu\": [\n");
			for (int i = 0; i < ncmp[m]; i++) {
				const struct cmp_row *c = &cmp[m][i];

				fprintf(f, "        {\"op\": %d, \"name\": \"%s\", \"nmc_cycles\": %.0f, "
					"\"nmc_dram_bytes\": %.0f, \"nmc_energy_uj\": %.4f, "
					"\"array_unit\": \"%s\", \"array_cycles\": %.0f, "
					"\"array_dram_bytes\": %.0f, \"array_energy_uj\": %.4f, "
					"\"cpu_ref_ns\": %.0f, \"host_ns\": %.0f}%s\n",
					c->op, c->name, c->nmc_cyc, c->nmc_dram, c->nmc_uj,
					c->alt_unit, isnan(c->alt_cyc) ? -1 : c->alt_cyc,
					isnan(c->alt_dram) ? -1 : c->alt_dram,
					isnan(c->alt_uj) ? -1 : c->alt_uj, c->cpu_ref_ns,
					isnan(c->host_ns) ? -1 : c->host_ns,
					i + 1 < ncmp[m] ? "," : "");
			}
			fprintf(f, "      ]");
		}
		fprintf(f, "}%s\n", m + 1 < n ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

/* Per-model numbers of an earlier sim.json (this program's format). */
struct prev {
	char commit[64];
	int n;
	struct {
		char model[96];
		double cycles, util, dram, energy;
	} m[8];
};

static double json_num(const char *line, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\": ", key);
	p = strstr(line, k);
	return p ? strtod(p + strlen(k), NULL) : NAN;
}

static int read_prev(const char *path, struct prev *pv)
{
	size_t n;
	char *s = tool_read_file(path, &n), *line, *save = NULL;

	memset(pv, 0, sizeof(*pv));
	if (!s)
		return -1;
	const char *c = strstr(s, "\"commit\": \"");
	if (c && sscanf(c + 11, "%63[^\"]", pv->commit) != 1)
		pv->commit[0] = '\0';
	for (line = strtok_r(s, "\n", &save); line && pv->n < 8;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *mp = strstr(line, "{\"model\": \"");

		if (!mp)
			continue;
		if (sscanf(mp + 11, "%95[^\"]", pv->m[pv->n].model) != 1)
			continue;
		pv->m[pv->n].cycles = json_num(line, "cycles");
		pv->m[pv->n].util = json_num(line, "utilization");
		pv->m[pv->n].dram = json_num(line, "dram_bytes");
		pv->m[pv->n].energy = json_num(line, "energy_uj");
		pv->n++;
	}
	free(s);
	return pv->n ? 0 : -1;
}

static void write_compare(FILE *f, const char *title, const struct prev *pv,
			  const struct model_run *r, int n)
{
	fprintf(f, "\n## Compared with %s (commit %s)\n\n"
		"| model | cycles then | cycles now | change | utilization then | now | "
		"DRAM bytes then | now | energy uJ then | now |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n", title, pv->commit);
	for (int m = 0; m < n; m++)
		for (int k = 0; k < pv->n; k++) {
			if (strcmp(pv->m[k].model, r[m].model))
				continue;
			double e = e_total(&r[m].e) * 1e-6;

			fprintf(f, "| %s | %.0f | %llu | %+.1f%% | %.1f%% | %.1f%% | %.0f | %llu | ",
				r[m].model, pv->m[k].cycles, (unsigned long long)r[m].cycles,
				100.0 * ((double)r[m].cycles / pv->m[k].cycles - 1),
				100 * pv->m[k].util, 100 * util(r[m].macs, r[m].cycles, r[m].pe),
				pv->m[k].dram, (unsigned long long)r[m].dram);
			if (isnan(pv->m[k].energy))
				fprintf(f, "- | %.1f |\n", e);
			else
				fprintf(f, "%.1f | %.1f |\n", pv->m[k].energy, e);
		}
}

static void write_md(FILE *f, const char *commit, const char *device,
		     struct model_run *r, int n, struct cmp_row **cmp, const int *ncmp,
		     const struct prev *prev, const struct prev *base,
		     const char *base_path)
{
	fprintf(f, "# sim backend benchmark (commit %s)\n\n", commit);
	fprintf(f, "Device: %s, default 16x16 configuration. Utilization = MACs / "
		"(cycles x %u), MACs = the model's useful MACs (depthwise included). "
		"DRAM bytes are everything the jobs moved (data, commands). Two "
		"compulsory minimums: **per op** = each device op's weights, inputs and "
		"outputs once (every op is one job, so activations go through DRAM "
		"between ops); **model** = the issue's definition: each weight, the "
		"model's input and output once, plus activations larger than the "
		"IN scratchpad (%u KiB) once each way. Energy: event counts x "
		"Horowitz ISSCC 2014 45 nm costs (docs/BENCH.md): MAC %.2f pJ, NMC op "
		"%.2f pJ, PPU element %.2f pJ, scratchpad %.2f pJ/B, DRAM %.0f pJ/B.\n\n",
		device, r[0].pe, r[0].spad_in / 1024, E_MAC_PJ, E_NMC_PJ, E_PPU_PJ, E_SRAM_PJ_B, E_DRAM_PJ_B);
	fprintf(f, "| model | bit-exact | cycles | MACs | utilization | DRAM bytes | "
		"per-op compulsory | ratio | model compulsory | ratio | energy uJ | "
		"sim speed (cycles/s) | per CPU second |\n"
		"|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int m = 0; m < n; m++)
		fprintf(f, "| %s | %s | %llu | %llu | %.1f%% | %llu | %llu | %.2fx | %llu | %.2fx | %.1f | %.0f | %.0f |\n",
			r[m].model, r[m].exact ? "yes" : "NO",
			(unsigned long long)r[m].cycles, (unsigned long long)r[m].macs,
			100 * util(r[m].macs, r[m].cycles, r[m].pe),
			(unsigned long long)r[m].dram, (unsigned long long)r[m].compulsory,
			r[m].compulsory ? (double)r[m].dram / r[m].compulsory : 0,
			(unsigned long long)r[m].model_compulsory,
			r[m].model_compulsory ? (double)r[m].dram / r[m].model_compulsory : 0,
			e_total(&r[m].e) * 1e-6, per_s(r[m].cycles, r[m].wall_s),
			per_s(r[m].cycles, r[m].cpu_s));
	fprintf(f, "\nIssue targets:\n\n| model | end-to-end utilization | target | "
		"CONV/FC layers with K, N >= 64 (one job per op) | at >= 90%% | their min / max | their "
		"aggregate | DRAM / model compulsory | target |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int m = 0; m < n; m++) {
		struct kn64 k = kn64_of(&r[m]);
		bool mb = strstr(r[m].model, "mobilenet") != NULL;

		fprintf(f, "| %s | %.1f%% | %s | %d | %d | %.1f%% / %.1f%% | %.1f%% | %.2fx | 1.3x |\n",
			r[m].model, 100 * util(r[m].macs, r[m].cycles, r[m].pe),
			mb ? "65%" : "50%", k.n, k.at90, 100 * k.min, 100 * k.max,
			100 * k.agg,
			r[m].model_compulsory ? (double)r[m].dram / r[m].model_compulsory : 0);
	}
	fprintf(f, "\nEnergy per inference by event (uJ):\n\n| model | MAC | NMC | PPU | "
		"scratchpad | DRAM | total |\n|---|---:|---:|---:|---:|---:|---:|\n");
	for (int m = 0; m < n; m++)
		fprintf(f, "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |\n", r[m].model,
			r[m].e.mac * 1e-6, r[m].e.nmc * 1e-6, r[m].e.ppu * 1e-6,
			r[m].e.sram * 1e-6, r[m].e.dram * 1e-6, e_total(&r[m].e) * 1e-6);
	if (prev && prev->n)
		write_compare(f, "the previous run", prev, r, n);
	if (base && base->n) {
		char title[512];
		/* name it from the repository root when it is under it */
		const char *rel = base_path ? strstr(base_path, "bench/results/") : NULL;

		snprintf(title, sizeof(title), "the baseline %s",
			 rel ? rel : base_path ? base_path : "");
		write_compare(f, title, base, r, n);
	}
	if (cmp) {
		fprintf(f, "\n## NMC pays off?\n\nThe same ops measured three ways: on the NMC "
			"(residual ADD as its own NMC job), on the array (depthwise as "
			"block-diagonal convs in groups of the array width, MEAN as a "
			"ones-vector product with the input as weights, residual ADD in the "
			"conv's PPU epilogue: its cost is what it adds to the conv), and on "
			"the CPU (the cost model's reference AIoT CPU, in device cycles at "
			"500 MHz, and the measured time of libaccel's CPU backend on this "
			"host). Both device variants run with ACCEL_PLACEMENT=device and the "
			"bench-only ACCEL_SIM_LOWERING (docs/COMPILER.md); their outputs are "
			"checked bit-exact like the main run. Positive \"saved\" = the NMC "
			"is cheaper.\n");
		for (int m = 0; m < n; m++)
			if (cmp[m])
				write_cmp_md(f, &r[m], cmp[m], ncmp[m]);
	}
	for (int m = 0; m < n; m++) {
		const struct model_run *lr = layer_run(&r[m]);

		fprintf(f, "\n## %s per layer\n\n%s| op | name | backend | unit | cycles | MACs | "
			"util | DRAM bytes | compulsory | MAC/byte | energy uJ |\n"
			"|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n", r[m].model,
			r[m].per_op ? "From a second run with one job per op "
			"(ACCEL_SIM_LOWERING=no-segments): in a segment the job's cycles and "
			"bytes land on its first op, so only this run has per-op figures. "
			"The layer set above (K, N >= 64) is measured on it too.\n\n" : "");
		for (int i = 0; i < lr->n_layers; i++) {
			const struct layer *l = &lr->layers[i];
			struct energy e = energy_of(&l->st);

			fprintf(f, "| %d | %s | %s | %s | %llu | %llu | %.1f%% | %llu | %llu | %.1f | %.3f |\n",
				l->op, l->name, l->backend, l->unit ? l->unit : "-",
				(unsigned long long)l->st.cycles, (unsigned long long)l->st.macs,
				100 * util(l->st.macs, l->st.cycles, r[m].pe),
				(unsigned long long)l->st.dram_read_bytes + l->st.dram_write_bytes,
				(unsigned long long)l->st.compulsory_bytes, intensity(&l->st),
				e_total(&e) * 1e-6);
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
	for (int k = 0; xmin * pow(10, k) <= xmax * 1.01; k++) {
		double v = xmin * pow(10, k);

		fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%g</text>\n",
			XPOS(v), B + 15, v);
	}
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
	for (int k = 0; xmin * pow(1.2, k) <= xmax; k++) {
		double v = xmin * pow(1.2, k);

		fprintf(f, "%.1f,%.1f ", XPOS(v), YPOS(v >= knee ? 1.0 : v / knee));
	}
	fprintf(f, "\"/>\n");
	for (int m = 0; m < n; m++) {
		const struct model_run *lr = layer_run(&r[m]);

		for (int i = 0; i < lr->n_layers; i++) {
			const struct accel_device_stats *s = &lr->layers[i].st;

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
	fprintf(f, "usage: bench-sim [--shared DIR] [--out DIR] [--commit ID] [--device NAME]\n"
		"                 [--previous FILE] [--baseline FILE] [--no-compare]\n"
		"  Runs person_detect and MobileNetV2 from DIR/golden (default ../shared)\n"
		"  on the sim backend; writes sim.json, sim.md, sim_roofline.svg to --out\n"
		"  (default bench/results). --previous/--baseline: earlier sim.json files\n"
		"  to compare with. --no-compare skips the NMC vs array vs CPU runs.\n");
}

int main(int argc, char **argv)
{
	const char *shared = "../shared", *outdir = "bench/results", *commit = "unknown";
	const char *device = "the C functional model's cycle estimate (deterministic)";
	const char *prev_path = NULL, *base_path = NULL;
	bool compare = true;
	static const struct option opts[] = {
		{ "shared", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "commit", required_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "previous", required_argument, NULL, 'p' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "no-compare", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': shared = optarg; break;
		case 'o': outdir = optarg; break;
		case 'c': commit = optarg; break;
		case 'd': device = optarg; break;
		case 'p': prev_path = optarg; break;
		case 'b': base_path = optarg; break;
		case 'n': compare = false; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	struct model_run runs[] = {
		{ .model = "person_detect", .kase = "person" },
		{ .model = "mobilenet_v2_quantized_1x3x224x224", .kase = "chelsea" },
	};
	enum { N = sizeof(runs) / sizeof(runs[0]) };
	struct model_run alt[3][N], per_op[N];
	struct cmp_row *cmp[N] = { NULL };
	int ncmp[N] = { 0 }, n = N, ok = 1, rc = 0;
	struct prev prev, base;

	memset(alt, 0, sizeof(alt));
	memset(per_op, 0, sizeof(per_op));
	if (prev_path)
		read_prev(prev_path, &prev);
	else
		memset(&prev, 0, sizeof(prev));
	if (base_path)
		read_prev(base_path, &base);
	else
		memset(&base, 0, sizeof(base));
	for (int m = 0; m < n; m++) {
		if (run_model(shared, &runs[m], RUN_DEFAULT)) {
			ok = 0;
			continue;
		}
		runs[m].model_compulsory = model_compulsory(&runs[m], runs[m].spad_in);
		per_op[m] = (struct model_run){ .model = runs[m].model, .kase = runs[m].kase };
		if (run_model(shared, &per_op[m], RUN_PER_OP))
			ok = 0;
		else
			runs[m].per_op = &per_op[m];
		if (!compare)
			continue;
		for (int k = 0; k < 3; k++) {
			alt[k][m] = (struct model_run){ .model = runs[m].model, .kase = runs[m].kase };
			if (run_model(shared, &alt[k][m], (enum run_kind)(RUN_NMC + k)))
				ok = 0;
			else if (!alt[k][m].exact && k < 2)
				fprintf(stderr, "bench-sim: %s: the %s variant is not bit-exact\n",
					runs[m].model, k ? "array" : "NMC");
		}
		if (!ok)
			continue;
		cmp[m] = calloc((size_t)alt[0][m].n_layers, sizeof(*cmp[m]));
		if (cmp[m])
			ncmp[m] = compare_rows(&alt[0][m], &alt[1][m], &alt[2][m],
					       &runs[m], cmp[m]);
	}
	if (!ok) {
		fprintf(stderr, "bench-sim: some models could not run (is %s/golden there?)\n", shared);
		rc = 1;
		goto out;
	}
	char path[4096];
	FILE *f;
	const char *names[] = { "sim.json", "sim.md", "sim_roofline.svg" };

	for (int k = 0; k < 3; k++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, names[k]);
		f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "bench-sim: %s: %s\n", path, strerror(errno));
			rc = 1;
			goto out;
		}
		if (k == 0)
			write_json(f, commit, device, runs, n, compare ? cmp : NULL, ncmp);
		else if (k == 1)
			write_md(f, commit, device, runs, n, compare ? cmp : NULL, ncmp,
				 &prev, &base, base_path);
		else
			write_svg(f, runs, n);
		fclose(f);
	}
	for (int m = 0; m < n; m++)
		printf("%-36s %s  %10llu cycles  util %5.1f%%  DRAM %.2fx per-op / %.2fx model compulsory  %.1f uJ  %.2f Mcycles/s (%.2f per CPU s)\n",
		       runs[m].model, runs[m].exact ? "bit-exact" : "MISMATCH ",
		       (unsigned long long)runs[m].cycles,
		       100 * util(runs[m].macs, runs[m].cycles, runs[m].pe),
		       runs[m].compulsory ? (double)runs[m].dram / runs[m].compulsory : 0,
		       runs[m].model_compulsory ? (double)runs[m].dram / runs[m].model_compulsory : 0,
		       e_total(&runs[m].e) * 1e-6,
		       per_s(runs[m].cycles, runs[m].wall_s) / 1e6,
		       per_s(runs[m].cycles, runs[m].cpu_s) / 1e6);
	printf("bench-sim: wrote %s/sim.{json,md} and sim_roofline.svg\n", outdir);
	for (int m = 0; m < n; m++)
		if (!runs[m].exact || (runs[m].per_op && !runs[m].per_op->exact)) {
			if (runs[m].per_op && !runs[m].per_op->exact)
				fprintf(stderr, "bench-sim: %s: the one-job-per-op run is not bit-exact\n",
					runs[m].model);
			rc = 1;
		}
out:
	for (int m = 0; m < n; m++) {
		free_run(&runs[m]);
		free(cmp[m]);
		free_run(&per_op[m]);
		for (int k = 0; k < 3; k++)
			free_run(&alt[k][m]);
	}
	return rc;
}
