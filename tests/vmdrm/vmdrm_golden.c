// SPDX-License-Identifier: MIT
/*
 * Guest program of the drm-backend VM test: golden models through libaccel's
 * drm backend (forced), i.e. through dnpu.ko and the co-simulated device,
 * compared byte for byte with TFLite's outputs. Statically linked, run in
 * the initramfs that tools/vm/run.sh builds.
 *   vmdrm_golden [--cpu-ok] DIR MODEL...
 *   vmdrm_golden --inject BITS DIR MODEL
 * DIR holds the golden layout: DIR/models/MODEL.tflite and
 * DIR/MODEL/CASE/{input_0.bin,output_0.bin}. Prints KTAP (one line per
 * case, with the device ops count and the device cycles that the jobs'
 * completion records report); exit status 0 when every case matched and
 * ran at least one op on the device (--cpu-ok: models that the device
 * cannot run, e.g. SVDF, may run entirely on the CPU fallback).
 * --inject: the driver's fault injection (debugfs "inject", as in
 * tests/vm/guest/dnpu_jobs.c) during an invoke of MODEL's first case: that
 * invoke must fail with a clear error (BITS 2, a DMA fault: the fault named
 * from the completion record) and the next invoke must be bit-exact again.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include "accel.h"
#include "toolutil.h"

static int case_no, failures;
static int cpu_ok;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Ops the device ran in the last invoke, their cycles, fused adds. */
static void device_totals(const accel_network *net, int *ops, int *fused,
			  uint64_t *cycles)
{
	struct accel_op_profile p;
	struct accel_device_stats st;

	*ops = *fused = 0;
	*cycles = 0;
	for (int i = 0; i < accel_profile_count(net); i++) {
		if (accel_profile_get(net, i, &p) || strcmp(p.backend, "drm"))
			continue;
		if (accel_device_stats_get(net, i, &st))
			continue;
		if (st.unit && !strcmp(st.unit, "fused")) {
			(*fused)++;
			continue;
		}
		(*ops)++;
		*cycles += st.cycles;
	}
}

/* One case of @model: KTAP line, 0 when it matched. */
static void run_case(accel_context *ctx, const char *dir, const char *model,
		     const char *cname)
{
	char path[4096], name[512];
	size_t in_n = 0, exp_n = 0;
	void *in, *exp, *out = NULL;
	accel_network *net = NULL;
	struct accel_tensor_info oi;
	int ops, fused;
	uint64_t cycles;
	double t0, t1;
	const char *why = NULL;

	snprintf(name, sizeof(name), "%s/%s", model, cname);
	snprintf(path, sizeof(path), "%s/%s/%s/input_0.bin", dir, model, cname);
	in = tool_read_file(path, &in_n);
	snprintf(path, sizeof(path), "%s/%s/%s/output_0.bin", dir, model, cname);
	exp = tool_read_file(path, &exp_n);
	snprintf(path, sizeof(path), "%s/models/%s.tflite", dir, model);
	case_no++;
	/* a fresh network per case: variable state starts from reset */
	if (!in || !exp) {
		why = "missing input_0.bin or output_0.bin";
	} else if (accel_load_file(ctx, path, &net) ||
		   accel_output_info(net, 0, &oi) ||
		   accel_set_input(net, 0, in, in_n)) {
		why = accel_last_error(ctx);
	} else if (oi.bytes != exp_n || !(out = malloc(exp_n))) {
		why = "output size differs from the golden output";
	} else {
		t0 = now_ms();
		if (accel_invoke(net) || accel_get_output(net, 0, out, exp_n))
			why = accel_last_error(ctx);
		t1 = now_ms();
		if (!why) {
			device_totals(net, &ops, &fused, &cycles);
			if (memcmp(out, exp, exp_n))
				why = "output differs from the golden output";
			else if (ops == 0 && !cpu_ok)
				why = "no op ran on the device";
			else
				printf("ok %d %s # %zu bytes bit-exact, device ops %d (+%d residual adds fused), device cycles %llu, invoke %.1f ms\n",
				       case_no, name, exp_n, ops, fused,
				       (unsigned long long)cycles, t1 - t0);
		}
	}
	if (why) {
		printf("not ok %d %s # %s\n", case_no, name, why);
		failures++;
	}
	fflush(stdout);
	accel_network_free(net);
	free(in);
	free(exp);
	free(out);
}

/* The dnpu debugfs file @file ("inject"), "" if there is none. */
static void debugfs_file(const char *file, char *path, size_t len)
{
	static const char *const roots[] = {
		"/sys/kernel/debug/accel", "/sys/kernel/debug/dri",
	};
	struct dirent *e;
	DIR *d;

	path[0] = 0;
	for (int i = 0; i < 2 && !path[0]; i++) {
		d = opendir(roots[i]);
		while (d && !path[0] && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, len, "%s/%s/%s", roots[i], e->d_name, file);
			if (access(path, W_OK))
				path[0] = 0;
		}
		if (d)
			closedir(d);
	}
}

/* One invoke of @net that must match @exp; NULL or why not. */
static const char *invoke_matches(accel_context *ctx, accel_network *net,
				  const void *exp, size_t n, void *out)
{
	if (accel_invoke(net) || accel_get_output(net, 0, out, n))
		return accel_last_error(ctx);
	return memcmp(out, exp, n) ? "output differs from the golden output"
				   : NULL;
}

/* --inject: a faulting invoke fails clearly, the next one is right. */
static int inject_case(accel_context *ctx, const char *dir, const char *model,
		       const char *cname, const char *bits)
{
	char path[4096], msg[512] = "";
	size_t in_n = 0, exp_n = 0;
	void *in, *exp, *out;
	accel_network *net = NULL;
	const char *why = NULL;
	int rc = -1, fd;

	snprintf(path, sizeof(path), "%s/%s/%s/input_0.bin", dir, model, cname);
	in = tool_read_file(path, &in_n);
	snprintf(path, sizeof(path), "%s/%s/%s/output_0.bin", dir, model, cname);
	exp = tool_read_file(path, &exp_n);
	out = malloc(exp_n + 1);
	snprintf(path, sizeof(path), "%s/models/%s.tflite", dir, model);
	if (!in || !exp || !out) {
		why = "missing input_0.bin or output_0.bin";
	} else if (accel_load_file(ctx, path, &net) ||
		   accel_set_input(net, 0, in, in_n)) {
		why = accel_last_error(ctx);
	} else if (!(why = invoke_matches(ctx, net, exp, exp_n, out))) {
		/* it worked before the injection; now with a fault */
		debugfs_file("inject", path, sizeof(path));
		fd = path[0] ? open(path, O_WRONLY) : -1;
		if (fd < 0) {
			printf("ok 1 inject_%s # SKIP no dnpu debugfs inject file\n", bits);
			rc = 0;
			goto out;
		}
		if (write(fd, bits, strlen(bits)) != (ssize_t)strlen(bits))
			why = "cannot write the inject file";
		close(fd);
		if (!why) {
			int ret = accel_invoke(net);

			snprintf(msg, sizeof(msg), "%s", accel_last_error(ctx));
			if (ret != ACCEL_ERR_RUNTIME)
				why = "the invoke with a fault injected did not fail";
			else if (!strcmp(bits, "2") &&
				 !strstr(msg, "device fault INJECTED"))
				why = msg;
			else	/* the device must be usable again */
				why = invoke_matches(ctx, net, exp, exp_n, out);
		}
	}
	if (why) {
		printf("not ok 1 inject_%s # %s\n", bits, why);
	} else {
		printf("ok 1 inject_%s # faulting invoke: \"%s\"; next invoke bit-exact\n",
		       bits, msg);
		rc = 0;
	}
out:
	accel_network_free(net);
	free(in);
	free(exp);
	free(out);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	accel_context *ctx = NULL;
	char path[4096], *cases[64];
	struct dirent *e;
	int n;
	DIR *d;

	const char *inject = NULL;

	if (argc > 2 && !strcmp(argv[1], "--inject")) {
		inject = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc > 1 && !strcmp(argv[1], "--cpu-ok")) {
		cpu_ok = 1;
		argc--;
		argv++;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: vmdrm_golden [--cpu-ok] DIR MODEL...\n"
				"       vmdrm_golden --inject BITS DIR MODEL\n");
		return 2;
	}
	printf("KTAP version 1\n");
	if (accel_open(&ctx, ACCEL_BACKEND_DRM)) {
		printf("1..1\nnot ok 1 accel_open_drm # %s\n", accel_last_error(ctx));
		accel_close(ctx);
		return 1;
	}
	printf("# backend %s (%s)\n",
	       accel_backend_str(accel_context_backend(ctx)),
	       accel_context_why(ctx));
	for (int i = 2; i < argc; i++) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], argv[i]);
		d = opendir(path);
		n = 0;
		while (d && (e = readdir(d)) && n < 64)
			if (e->d_name[0] != '.')
				cases[n++] = strdup(e->d_name);
		if (d)
			closedir(d);
		if (n == 0) {
			printf("not ok %d %s # no cases in %s\n", ++case_no,
			       argv[i], path);
			failures++;
		}
		qsort(cases, (size_t)n, sizeof(cases[0]), cmp_str);
		if (inject && n) {
			printf("1..1\n");
			failures += inject_case(ctx, argv[1], argv[i], cases[0],
						inject) != 0;
			for (int k = 0; k < n; k++)
				free(cases[k]);
			accel_close(ctx);
			return failures ? 1 : 0;
		}
		for (int k = 0; k < n; k++) {
			run_case(ctx, argv[1], argv[i], cases[k]);
			free(cases[k]);
		}
	}
	printf("1..%d\n", case_no);
	accel_close(ctx);
	return failures ? 1 : 0;
}
