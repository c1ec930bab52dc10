/* SPDX-License-Identifier: MIT */
/*
 * accel-run: run a TFLite model with libaccel and print its outputs and
 * per-op profile. See --help.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel.h"

#define MAX_IO 16

static void usage(FILE *f)
{
	fprintf(f,
"usage: accel-run MODEL [options]\n"
"Run a .tflite model with libaccel and print its outputs.\n"
"\n"
"  --input FILE     raw bytes of the next model input (repeat per input;\n"
"                   inputs without a file are all zeros)\n"
"  --output FILE    write the raw bytes of the next model output there\n"
"  --backend NAME   cpu, sim, drm or auto (default: auto, or $ACCEL_BACKEND)\n"
"  --profile        print per-op time, backend and reason\n"
"  --top K          print the K largest values of outputs with >= 5\n"
"                   elements (default 5; 0 prints every value)\n"
"  --repeat N       invoke N times (profile shows the last, plus averages)\n"
"  -h, --help       this text\n");
}

static const char *type_name(enum accel_type t)
{
	static const char *const n[] = { "float32", "int8", "uint8", "int16",
					 "int32", "int64", "float16", "bool" };
	return (unsigned)t < sizeof(n) / sizeof(n[0]) ? n[t] : "?";
}

static void print_shape(const struct accel_tensor_info *ti)
{
	printf("[");
	for (int d = 0; d < ti->rank; d++)
		printf("%s%d", d ? "," : "", ti->dims[d]);
	printf("]");
}

static size_t type_size(enum accel_type t)
{
	switch (t) {
	case ACCEL_TYPE_INT8: case ACCEL_TYPE_UINT8: case ACCEL_TYPE_BOOL:
		return 1;
	case ACCEL_TYPE_INT16: case ACCEL_TYPE_FLOAT16:
		return 2;
	case ACCEL_TYPE_INT64:
		return 8;
	default:
		return 4;
	}
}

/* Element @i as a double (raw integer value, or the float). */
static double raw_value(const struct accel_tensor_info *ti, const void *p,
			size_t i)
{
	switch (ti->type) {
	case ACCEL_TYPE_INT8: return ((const int8_t *)p)[i];
	case ACCEL_TYPE_UINT8:
	case ACCEL_TYPE_BOOL: return ((const uint8_t *)p)[i];
	case ACCEL_TYPE_INT16: return ((const int16_t *)p)[i];
	case ACCEL_TYPE_INT32: return ((const int32_t *)p)[i];
	case ACCEL_TYPE_INT64: return (double)((const int64_t *)p)[i];
	case ACCEL_TYPE_FLOAT32: return ((const float *)p)[i];
	default: return 0;
	}
}

static void print_value(const struct accel_tensor_info *ti, const void *p,
			size_t i)
{
	double v = raw_value(ti, p, i);
	if (ti->type == ACCEL_TYPE_FLOAT32)
		printf("%g", v);
	else
		printf("%.0f", v);
	if (ti->quantized)
		printf(" (%.6g)", ti->scale * (v - ti->zero_point));
}

static void print_output(int o, const struct accel_tensor_info *ti,
			 const void *data, int top)
{
	size_t n = ti->bytes / type_size(ti->type);
	printf("output %d '%s' %s ", o, ti->name, type_name(ti->type));
	print_shape(ti);
	if (ti->quantized)
		printf(" scale=%g zero_point=%d", (double)ti->scale,
		       (int)ti->zero_point);
	printf("\n");
	if (n >= 5 && top > 0) {
		/* top-K: larger value first, ties to the lower index */
		size_t k = (size_t)top < n ? (size_t)top : n;
		size_t *best = calloc(k, sizeof(*best));
		char *used = calloc(n, 1);
		if (!best || !used) {
			free(best);
			free(used);
			return;
		}
		for (size_t r = 0; r < k; r++) {
			size_t arg = n;
			for (size_t i = 0; i < n; i++)
				if (!used[i] && (arg == n || raw_value(ti, data, i) >
							  raw_value(ti, data, arg)))
					arg = i;
			used[arg] = 1;
			best[r] = arg;
			printf("  top%zu: [%zu] ", r + 1, arg);
			print_value(ti, data, arg);
			printf("\n");
		}
		free(best);
		free(used);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		printf("  [%zu] ", i);
		print_value(ti, data, i);
		printf("\n");
	}
}

static int set_inputs(accel_context *ctx, accel_network *net,
		      char **files, int n_files)
{
	int n = accel_num_inputs(net);
	if (n_files > n) {
		fprintf(stderr, "accel-run: %d --input files for a model with %d input(s)\n",
			n_files, n);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct accel_tensor_info ti;
		accel_input_info(net, i, &ti);
		uint8_t *buf = calloc(1, ti.bytes);
		if (!buf)
			return -1;
		if (i < n_files) {
			FILE *f = fopen(files[i], "rb");
			if (!f) {
				fprintf(stderr, "accel-run: cannot open '%s': %s\n",
					files[i], strerror(errno));
				free(buf);
				return -1;
			}
			size_t got = fread(buf, 1, ti.bytes, f);
			int extra = fgetc(f) != EOF;
			fclose(f);
			if (got != ti.bytes || extra) {
				fprintf(stderr, "accel-run: input %d '%s' takes %zu bytes (%s), '%s' has %s%zu\n",
					i, ti.name, ti.bytes, type_name(ti.type),
					files[i], extra ? "more than " : "", got);
				free(buf);
				return -1;
			}
		} else {
			fprintf(stderr, "accel-run: input %d '%s': no --input given, using zeros\n",
				i, ti.name);
		}
		int rc = accel_set_input(net, i, buf, ti.bytes);
		free(buf);
		if (rc) {
			fprintf(stderr, "accel-run: %s\n", accel_last_error(ctx));
			return -1;
		}
	}
	return 0;
}

static int write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n) {
		fprintf(stderr, "accel-run: cannot write '%s': %s\n", path,
			strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

/* What the device did in the last invoke: cycles, array use, traffic. */
static void print_device_summary(accel_network *net)
{
	uint64_t cycles = 0, macs = 0, dram = 0, compulsory = 0, pe = 0;
	int n = accel_profile_count(net);

	for (int i = 0; i < n; i++) {
		struct accel_device_stats st;

		if (accel_device_stats_get(net, i, &st) || !st.unit)
			continue;
		cycles += st.cycles;
		macs += st.macs;
		dram += st.dram_read_bytes + st.dram_write_bytes;
		compulsory += st.compulsory_bytes;
		pe = (uint64_t)st.array_rows * st.array_cols;
	}
	if (!cycles)
		return;
	printf("device: %llu cycles, %llu MACs, array utilization %.1f%%, "
	       "DRAM %llu bytes (%.2fx the compulsory %llu)\n",
	       (unsigned long long)cycles, (unsigned long long)macs,
	       pe ? 100.0 * (double)macs / ((double)cycles * (double)pe) : 0.0,
	       (unsigned long long)dram,
	       compulsory ? (double)dram / (double)compulsory : 0.0,
	       (unsigned long long)compulsory);
}

static void print_profile(accel_network *net, bool table)
{
	int n = accel_profile_count(net);
	uint64_t total = 0, last = 0;
	int cpu = 0, dev = 0, removed = 0;
	if (table)
		printf("\n%4s  %-20s %-4s %10s %10s  %s\n", "op", "operator",
		       "ran", "last us", "avg us", "why");
	for (int i = 0; i < n; i++) {
		struct accel_op_profile p;
		if (accel_profile_get(net, i, &p))
			continue;
		double avg = p.invokes ? (double)p.total_ns / (double)p.invokes : 0;
		if (!strcmp(p.backend, "-"))
			removed++;
		else if (!strcmp(p.backend, "cpu"))
			cpu++;
		else
			dev++;
		total += p.total_ns;
		last += p.time_ns;
		if (table)
			printf("%4d  %-20s %-4s %10.1f %10.1f  %s\n", i,
			       p.op_name, p.backend, (double)p.time_ns / 1e3,
			       avg / 1e3, p.reason);
	}
	printf("%sops: %d (cpu %d, device %d, folded/views %d); last invoke %.3f ms in ops\n",
	       table ? "\n" : "", n, cpu, dev, removed, (double)last / 1e6);
	(void)total;
	print_device_summary(net);
}

int main(int argc, char **argv)
{
	const char *model = NULL;
	char *inputs[MAX_IO], *outputs[MAX_IO];
	int n_in = 0, n_out = 0, top = 5, repeat = 1;
	bool profile = false;
	enum accel_backend backend = ACCEL_BACKEND_AUTO;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		bool needs = !strcmp(a, "--input") || !strcmp(a, "--output") ||
			     !strcmp(a, "--backend") || !strcmp(a, "--top") ||
			     !strcmp(a, "--repeat");
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (needs && !val) {
			fprintf(stderr, "accel-run: %s needs an argument\n", a);
			return 2;
		}
		if (!strcmp(a, "--input") || !strcmp(a, "--output")) {
			int *cnt = a[2] == 'i' ? &n_in : &n_out;
			if (*cnt == MAX_IO) {
				fprintf(stderr, "accel-run: too many %s\n", a);
				return 2;
			}
			(a[2] == 'i' ? inputs : outputs)[(*cnt)++] = argv[++i];
		} else if (!strcmp(a, "--backend")) {
			int b = accel_backend_parse(argv[++i]);
			if (b < 0) {
				fprintf(stderr, "accel-run: unknown backend '%s' (cpu, sim, drm, auto)\n",
					argv[i]);
				return 2;
			}
			backend = (enum accel_backend)b;
		} else if (!strcmp(a, "--top") || !strcmp(a, "--repeat")) {
			char *end;
			long v = strtol(argv[++i], &end, 10);
			if (*end || v < (a[2] == 't' ? 0 : 1) || v > 1000000) {
				fprintf(stderr, "accel-run: bad %s value '%s'\n", a,
					argv[i]);
				return 2;
			}
			*(a[2] == 't' ? &top : &repeat) = (int)v;
		} else if (!strcmp(a, "--profile")) {
			profile = true;
		} else if (a[0] == '-') {
			fprintf(stderr, "accel-run: unknown option '%s' (try --help)\n", a);
			return 2;
		} else if (!model) {
			model = a;
		} else {
			fprintf(stderr, "accel-run: more than one model given\n");
			return 2;
		}
	}
	if (!model) {
		usage(stderr);
		return 2;
	}

	accel_context *ctx = NULL;
	accel_network *net = NULL;
	int rc = 1;
	if (accel_open(&ctx, backend)) {
		fprintf(stderr, "accel-run: %s\n", accel_last_error(ctx));
		goto out;
	}
	if (accel_load_file(ctx, model, &net)) {
		fprintf(stderr, "accel-run: %s\n", accel_last_error(ctx));
		goto out;
	}
	printf("model %s: backend %s (%s), arena %zu bytes, state %zu bytes\n",
	       model, accel_backend_str(accel_context_backend(ctx)),
	       accel_context_why(ctx), accel_arena_bytes(net),
	       accel_persistent_bytes(net));
	if (n_out > accel_num_outputs(net)) {
		fprintf(stderr, "accel-run: %d --output files for a model with %d output(s)\n",
			n_out, accel_num_outputs(net));
		goto out;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < repeat; r++) {
		/* (re)set inputs each time: their memory may be reused */
		if (set_inputs(ctx, net, inputs, n_in) ||
		    accel_invoke(net)) {
			if (accel_last_error(ctx)[0])
				fprintf(stderr, "accel-run: %s\n", accel_last_error(ctx));
			goto out;
		}
		if (r == 0 && repeat > 1)
			fflush(stderr);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("%d invoke(s): %.3f ms average\n", repeat, ms / repeat);
	for (int o = 0; o < accel_num_outputs(net); o++) {
		struct accel_tensor_info ti;
		accel_output_info(net, o, &ti);
		void *buf = malloc(ti.bytes ? ti.bytes : 1);
		if (!buf || accel_get_output(net, o, buf, ti.bytes)) {
			free(buf);
			goto out;
		}
		print_output(o, &ti, buf, top);
		if (o < n_out && write_file(outputs[o], buf, ti.bytes)) {
			free(buf);
			goto out;
		}
		free(buf);
	}
	print_profile(net, profile);
	rc = 0;
out:
	accel_network_free(net);
	accel_close(ctx);
	return rc;
}
