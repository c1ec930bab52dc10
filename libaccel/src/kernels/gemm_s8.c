/* SPDX-License-Identifier: MIT */
/* int8 GEMM with fused requantization: packing, dispatch, portable C. */
#include <stdlib.h>
#include <string.h>

#include "kernels.h"

static enum accel_isa cur_isa = (enum accel_isa)-1;
int accel_kernels_ruy_rounding;

static enum accel_isa cpu_best_isa(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2") &&
	    __builtin_cpu_supports("avx512f") &&
	    __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512vl") &&
	    __builtin_cpu_supports("avx512vnni"))
		return ACCEL_ISA_AVX512VNNI;
	if (__builtin_cpu_supports("avx2"))
		return ACCEL_ISA_AVX2;
#endif
	return ACCEL_ISA_PORTABLE;
}

enum accel_isa accel_kernels_isa(void)
{
	if ((int)cur_isa < 0) {
		enum accel_isa best = cpu_best_isa();
		const char *env = getenv("ACCEL_CPU_ISA");
		cur_isa = best;
		if (env && !strcmp(env, "portable"))
			cur_isa = ACCEL_ISA_PORTABLE;
		else if (env && !strcmp(env, "avx2") && best >= ACCEL_ISA_AVX2)
			cur_isa = ACCEL_ISA_AVX2;
	}
	return cur_isa;
}

enum accel_isa accel_kernels_set_isa(enum accel_isa isa)
{
	enum accel_isa best = cpu_best_isa();
	cur_isa = isa > best ? best : isa;
	return cur_isa;
}

/* Split per-tensor or per-channel (mult, shift) into padded arrays. */
static int requant_alloc(struct accel_requant *rq, int n, int npad,
			 const int32_t *mult, const int32_t *shift, int nq,
			 int32_t out_zp, int32_t act_min, int32_t act_max)
{
	rq->bias = calloc((size_t)npad, sizeof(int32_t));
	rq->mult = calloc((size_t)npad, sizeof(int32_t));
	rq->lshift = calloc((size_t)npad, sizeof(int32_t));
	rq->rshift = calloc((size_t)npad, sizeof(int32_t));
	if (!rq->bias || !rq->mult || !rq->lshift || !rq->rshift)
		return -1;
	for (int c = 0; c < n; c++) {
		int q = nq > 1 ? c : 0;
		rq->mult[c] = mult[q];
		rq->lshift[c] = shift[q] > 0 ? shift[q] : 0;
		rq->rshift[c] = shift[q] > 0 ? 0 : -shift[q];
	}
	rq->out_zp = out_zp;
	rq->act_min = act_min;
	rq->act_max = act_max;
	return 0;
}

static void requant_free(struct accel_requant *rq)
{
	free(rq->bias);
	free(rq->mult);
	free(rq->lshift);
	free(rq->rshift);
	memset(rq, 0, sizeof(*rq));
}

int accel_gemm_s8_prepare(struct accel_gemm_s8 *g, const int8_t *w, int n,
			  int k, const int32_t *bias, int32_t in_zp,
			  const int32_t *mult, const int32_t *shift, int nq,
			  int32_t out_zp, int32_t act_min, int32_t act_max)
{
	memset(g, 0, sizeof(*g));
	g->n = n;
	g->k = k;
	g->kp = (k + 1) & ~1;
	g->n16 = (n + 15) & ~15;
	g->w = w;
	if (requant_alloc(&g->rq, n, g->n16, mult, shift, nq, out_zp, act_min,
			  act_max))
		goto fail;
	for (int c = 0; c < n; c++) {
		int32_t sum = 0;
		for (int i = 0; i < k; i++)
			sum += w[(size_t)c * k + i];
		/* the reference adds (x - zp) * w; fold -zp * sum(w) in */
		g->rq.bias[c] = (bias ? bias[c] : 0) - in_zp * sum;
	}
	/* only the layout the current ISA runs is packed (plus the portable
	 * one, the fallback whatever happens) */
	const enum accel_isa isa = accel_kernels_isa();
	size_t np = (size_t)g->n16 * g->kp;
	if (isa == ACCEL_ISA_AVX2) {
		g->wpack = aligned_alloc(32, ((np * 2) + 31) & ~(size_t)31);
		if (!g->wpack)
			goto fail;
		g->bytes += np * 2;
	}
	int kp2 = g->kp / 2;
	for (int nb = 0; g->wpack && nb < g->n16 / 16; nb++) {
		int16_t *blk = g->wpack + (size_t)nb * kp2 * 32;
		for (int kk = 0; kk < kp2; kk++) {
			for (int j = 0; j < 16; j++) {
				int c = nb * 16 + j;
				for (int t = 0; t < 2; t++) {
					int kx = 2 * kk + t;
					int16_t v = 0;
					if (c < n && kx < k)
						v = w[(size_t)c * k + kx];
					blk[kk * 32 + j * 2 + t] = v;
				}
			}
		}
	}
	/* transposed copy [k][n] for the portable kernel */
	g->wt = malloc((size_t)n * k + 1);
	if (!g->wt)
		goto fail;
	g->bytes += (size_t)n * k;
	for (int c = 0; c < n; c++)
		for (int i = 0; i < k; i++)
			g->wt[(size_t)i * n + c] = w[(size_t)c * k + i];
	/* VNNI layout: quads of k per channel, activations biased to u8 */
	g->k4 = (k + 3) & ~3;
	if (isa != ACCEL_ISA_AVX512VNNI)
		return 0;
	size_t n4 = (size_t)g->n16 * g->k4;
	g->wpack4 = aligned_alloc(64, (n4 + 63) & ~(size_t)63);
	g->bias_u8 = calloc((size_t)g->n16, sizeof(int32_t));
	if (!g->wpack4 || !g->bias_u8)
		goto fail;
	g->bytes += n4 + (size_t)g->n16 * 4;
	int k4q = g->k4 / 4;
	for (int nb = 0; nb < g->n16 / 16; nb++) {
		int8_t *blk = g->wpack4 + (size_t)nb * k4q * 64;
		for (int q = 0; q < k4q; q++)
			for (int j = 0; j < 16; j++)
				for (int t = 0; t < 4; t++) {
					int c = nb * 16 + j, kx = 4 * q + t;
					blk[q * 64 + j * 4 + t] = (int8_t)(c < n && kx < k ?
						w[(size_t)c * k + kx] : 0);
				}
	}
	for (int c = 0; c < n; c++) {
		int32_t sum = 0;
		for (int i = 0; i < k; i++)
			sum += w[(size_t)c * k + i];
		g->bias_u8[c] = g->rq.bias[c] - 128 * sum;
	}
	return 0;
fail:
	accel_gemm_s8_release(g);
	return -1;
}

void accel_gemm_s8_release(struct accel_gemm_s8 *g)
{
	requant_free(&g->rq);
	free(g->wpack);
	free(g->wpack4);
	free(g->bias_u8);
	free(g->wt);
	g->wt = NULL;
	g->wpack = NULL;
	g->wpack4 = NULL;
	g->bias_u8 = NULL;
}

/* Rows of A converted to int16 per block; see gemm_s8_avx2.c. */
#define GEMM_MC_BYTES (96 * 1024)

int accel_gemm_s8_block_rows(const struct accel_gemm_s8 *g, int m)
{
	size_t row = (size_t)g->kp * 2;
	size_t mc = GEMM_MC_BYTES / row;
	mc = mc < 4 ? 4 : (mc & ~(size_t)3);
	if ((size_t)m + 3 < mc)
		mc = ((size_t)m + 3) & ~(size_t)3;
	return (int)mc;
}

size_t accel_gemm_s8_scratch(const struct accel_gemm_s8 *g, int m)
{
	return (size_t)accel_gemm_s8_block_rows(g, m) * g->kp * 2 + 64;
}

/*
 * Portable GEMM: one activation row at a time, outer-product order over the
 * transposed weights so the innermost loop runs over contiguous output
 * channels (vectorizes without horizontal reductions on any target).
 */
ACCEL_OPTIMIZE_HOT
void accel_gemm_s8_run_c(const struct accel_gemm_s8 *g, int m,
			 const int8_t *a, size_t lda, int8_t *out, size_t ldo)
{
	const int n = g->n, k = g->k;
	int32_t *acc = malloc(sizeof(int32_t) * (size_t)n * 4);
	if (!acc)
		return;
	int32_t *acc0 = acc, *acc1 = acc + n, *acc2 = acc + 2 * n, *acc3 = acc + 3 * n;
	int r = 0;
	/* four rows share each weight row load */
	for (; r + 4 <= m; r += 4) {
		const int8_t *a0 = a + (size_t)r * lda, *a1 = a0 + lda;
		const int8_t *a2 = a1 + lda, *a3 = a2 + lda;
		for (int j = 0; j < 4; j++)
			memcpy(acc + (size_t)j * n, g->rq.bias, sizeof(int32_t) * (size_t)n);
		for (int i = 0; i < k; i++) {
			const int16_t x0 = a0[i], x1 = a1[i], x2 = a2[i], x3 = a3[i];
			const int8_t *wt = g->wt + (size_t)i * n;
			for (int c = 0; c < n; c++) {
				const int16_t wv = wt[c];
				acc0[c] += x0 * wv;
				acc1[c] += x1 * wv;
				acc2[c] += x2 * wv;
				acc3[c] += x3 * wv;
			}
		}
		for (int j = 0; j < 4; j++) {
			int8_t *o = out + (size_t)(r + j) * ldo;
			for (int c = 0; c < n; c++)
				o[c] = (int8_t)accel_requant_one(&g->rq, c,
								  acc[(size_t)j * n + c]);
		}
	}
	for (; r < m; r++) {
		const int8_t *ar = a + (size_t)r * lda;
		int8_t *o = out + (size_t)r * ldo;
		memcpy(acc0, g->rq.bias, sizeof(int32_t) * (size_t)n);
		for (int i = 0; i < k; i++) {
			const int16_t x = ar[i];
			const int8_t *wt = g->wt + (size_t)i * n;
			for (int c = 0; c < n; c++)
				acc0[c] += x * (int16_t)wt[c];
		}
		for (int c = 0; c < n; c++)
			o[c] = (int8_t)accel_requant_one(&g->rq, c, acc0[c]);
	}
	free(acc);
}

void accel_gemm_s8_run(const struct accel_gemm_s8 *g, int m, const int8_t *a,
		       size_t lda, int8_t *out, size_t ldo, void *scratch)
{
	if (m <= 0)
		return;
#if defined(__x86_64__)
	enum accel_isa isa = accel_kernels_isa();
	if (isa == ACCEL_ISA_AVX512VNNI && g->wpack4 && scratch &&
	    !accel_kernels_ruy_rounding) {
		accel_gemm_s8_run_vnni(g, m, a, lda, out, ldo, scratch);
		return;
	}
	/* the AVX2 GEMM needs its packing; its GEMV (m < 4) reads w */
	if (isa >= ACCEL_ISA_AVX2 && scratch && !accel_kernels_ruy_rounding &&
	    (g->wpack || m < 4)) {
		accel_gemm_s8_run_avx2(g, m, a, lda, out, ldo, scratch);
		return;
	}
#else
	(void)scratch;
#endif
	accel_gemm_s8_run_c(g, m, a, lda, out, ldo);
}

