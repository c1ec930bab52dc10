/* SPDX-License-Identifier: MIT */
/*
 * Fast int8 CPU kernels used by the operator layer: a blocked GEMM with a
 * fused per-channel requantization epilogue (CONV_2D, FULLY_CONNECTED) and a
 * depthwise convolution. Portable C plus x86 AVX2 picked at run time; every
 * path is bit-exact with TFLite's reference kernels (int32 accumulation,
 * MultiplyByQuantizedMultiplier double rounding).
 */
#ifndef ACCEL_KERNELS_H
#define ACCEL_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The portable kernels are the fallback on every CPU; GCC vectorizes them
 * fully only at -O3. clang has no per-function optimize attribute.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define ACCEL_OPTIMIZE_HOT __attribute__((optimize("O3")))
#else
#define ACCEL_OPTIMIZE_HOT
#endif

enum accel_isa {
	ACCEL_ISA_PORTABLE = 0,
	ACCEL_ISA_AVX2 = 1,
	ACCEL_ISA_AVX512VNNI = 2,       /* AVX2 kernels + VNNI GEMM */
};

/* ISA in use: the best the CPU has, or $ACCEL_CPU_ISA=portable|avx2|vnni. */
enum accel_isa accel_kernels_isa(void);
/* Force an ISA (tests); returns the one actually set (capped by the CPU). */
enum accel_isa accel_kernels_set_isa(enum accel_isa isa);

/*
 * Test hook: round like the ruy version inside TFLite 2.9 (the final
 * right shift rounds half up instead of TFLite's reference half away from
 * zero). TFLite 2.9's
 * optimized CONV_2D/FULLY_CONNECTED run through ruy on x86, so the sweep
 * against that library uses this to prove everything before the rounding
 * is identical. Never set by libaccel itself; forces the portable GEMM.
 */
extern int accel_kernels_ruy_rounding;

/* Per-output-channel requantization, folded into the kernels' epilogue. */
struct accel_requant {
	int32_t *bias;          /* bias - input_zp * sum(weights), per channel */
	int32_t *mult;          /* Q31 multiplier */
	int32_t *lshift, *rshift; /* TFLite shift split into left/right */
	int32_t out_zp, act_min, act_max;
};

/*
 * Weights of a GEMM out[m][n] = requant(sum_k a[m][k] * w[n][k]) with
 * w[n][k] row-major (TFLite OHWI conv filters and FC weights as stored).
 */
struct accel_gemm_s8 {
	int n, k, kp, n16;      /* kp = k rounded to even, n16 = n rounded to 16 */
	const int8_t *w;        /* original weights (portable path) */
	int16_t *wpack;         /* [n16/16][kp/2][16 ch][2] for the SIMD path */
	struct accel_requant rq;/* arrays padded to n16 entries */
	int k4;                 /* k rounded to 4 (VNNI) */
	int8_t *wpack4;         /* [n16/16][k4/4][16 ch][4] for VNNI */
	int32_t *bias_u8;       /* rq.bias - 128 * sum(w): activations + 128 */
	int8_t *wt;             /* [k][n] transposed, portable kernel */
	size_t bytes;           /* memory held by the repacked weights */
};

/*
 * Pack @w (n x k) and the requantization: @bias may be NULL; mult/shift hold
 * @nq entries (1 = per-tensor, else n). Returns 0 or -1 (out of memory).
 */
int accel_gemm_s8_prepare(struct accel_gemm_s8 *g, const int8_t *w, int n,
			  int k, const int32_t *bias, int32_t in_zp,
			  const int32_t *mult, const int32_t *shift, int nq,
			  int32_t out_zp, int32_t act_min, int32_t act_max);
void accel_gemm_s8_release(struct accel_gemm_s8 *g);

/* Scratch bytes accel_gemm_s8_run needs for @m rows. */
size_t accel_gemm_s8_scratch(const struct accel_gemm_s8 *g, int m);

/*
 * out rows (stride @ldo bytes) = GEMM of @m activation rows @a (stride @lda)
 * with the packed weights.
 */
void accel_gemm_s8_run(const struct accel_gemm_s8 *g, int m, const int8_t *a,
		       size_t lda, int8_t *out, size_t ldo, void *scratch);

/* Depthwise convolution geometry (NHWC, filter [1][kh][kw][in_c*mult]). */
struct accel_dw_geom {
	int batches, in_h, in_w, in_c, out_h, out_w, k_h, k_w;
	int stride_h, stride_w, dil_h, dil_w, pad_top, pad_left, depth_mult;
	int32_t in_zp;
};

struct accel_dw_s8 {
	struct accel_dw_geom g;
	const int8_t *w;        /* original filter */
	int c16;                /* channels handled by the SIMD path */
	int16_t *wpack;         /* [c16/16][taps/2 pairs][32] interleaved */
	struct accel_requant rq;/* natural channel order, out_c entries */
	struct accel_requant rqp; /* permuted for the AVX2 lanes, c16 entries */
	int8_t *zp_row;         /* in_c bytes of input zero point */
	int16_t *wdup;          /* 8 output channels: weights for 2 pixels */
	struct accel_requant rqdup; /* lanes 8-15 repeat channels 0-7 */
	int c32;                /* channels in 32-blocks for VNNI (mult 1) */
	int8_t *wpack4;         /* [c32/32][quads][4 vec][8 lanes][4 taps] */
	struct accel_requant rq4; /* permuted for the VNNI lanes, bias - 128*sum */
};

int accel_dw_s8_prepare(struct accel_dw_s8 *d, const struct accel_dw_geom *g,
			const int8_t *w, const int32_t *bias,
			const int32_t *mult, const int32_t *shift, int nq,
			int32_t out_zp, int32_t act_min, int32_t act_max);
void accel_dw_s8_release(struct accel_dw_s8 *d);
void accel_dw_s8_run(const struct accel_dw_s8 *d, const int8_t *in,
		     int8_t *out);

/*
 * int8 ADD/SUB of two same-shape tensors with TFLite's rescaling: both
 * inputs (x + in_off) << left_shift, each multiplied by (m, s) into a common
 * scale, summed (or subtracted), multiplied by (mo, so), plus out_zp, clamped.
 */
struct accel_addsub_s8 {
	int32_t in1_off, in2_off, left_shift;
	int32_t m1, s1, m2, s2, mo, so;
	int32_t out_zp, act_min, act_max;
	int sub;
};
void accel_addsub_s8(const struct accel_addsub_s8 *p, const int8_t *a,
		     const int8_t *b, int8_t *out, size_t n);
void accel_addsub_s8_c(const struct accel_addsub_s8 *p, const int8_t *a,
		       const int8_t *b, int8_t *out, size_t n);
size_t accel_addsub_s8_avx2(const struct accel_addsub_s8 *p, const int8_t *a,
			    const int8_t *b, int8_t *out, size_t n);

/* Internal: rows of A per int16-converted block (multiple of 4). */
int accel_gemm_s8_block_rows(const struct accel_gemm_s8 *g, int m);

/* Internal: ISA-specific bodies. */
void accel_gemm_s8_run_c(const struct accel_gemm_s8 *g, int m,
			 const int8_t *a, size_t lda, int8_t *out, size_t ldo);
void accel_gemm_s8_run_avx2(const struct accel_gemm_s8 *g, int m,
			    const int8_t *a, size_t lda, int8_t *out,
			    size_t ldo, void *scratch);
void accel_gemm_s8_run_vnni(const struct accel_gemm_s8 *g, int m,
			    const int8_t *a, size_t lda, int8_t *out,
			    size_t ldo, void *scratch);
void accel_dw_s8_run_c(const struct accel_dw_s8 *d, const int8_t *in,
		       int8_t *out, int c_begin);
void accel_dw_s8_run_avx2(const struct accel_dw_s8 *d, const int8_t *in,
			  int8_t *out, int cb_begin);
int accel_dw_s8_run_vnni(const struct accel_dw_s8 *d, const int8_t *in,
			 int8_t *out);
void accel_dw_s8_run_pairs8_avx2(const struct accel_dw_s8 *d, const int8_t *in,
				 int8_t *out);

/* Scalar requantization of one accumulator for channel @c. */
static inline int32_t accel_requant_one(const struct accel_requant *rq, int c,
					int32_t acc)
{
	if (accel_kernels_ruy_rounding) {
		/* ruy (TFLite 2.9 x86): SRDHM, then round-half-up shift */
		int32_t x = (int32_t)((uint32_t)acc << rq->lshift[c]);
		int32_t h = (int32_t)(((int64_t)x * rq->mult[c] + (1LL << 30)) >> 31);
		int e = rq->rshift[c];
		int32_t v = (e ? (int32_t)(((int64_t)h + (1LL << (e - 1))) >> e) : h) +
			    rq->out_zp;
		return v < rq->act_min ? rq->act_min :
		       (v > rq->act_max ? rq->act_max : v);
	}
	int32_t x = (int32_t)((uint32_t)acc << rq->lshift[c]);
	int64_t ab = (int64_t)x * rq->mult[c];
	/* SRDHM with a positive multiplier: floor((ab + 2^30) / 2^31) */
	int32_t h = (int32_t)((ab + (1LL << 30)) >> 31);
	int e = rq->rshift[c];
	int32_t mask = (int32_t)((1LL << e) - 1);
	int32_t rem = h & mask;
	int32_t thr = (mask >> 1) + (h < 0);
	/* int32 wraps here in TFLite; say so instead of overflowing */
	int32_t v = (int32_t)((uint32_t)(h >> e) + (uint32_t)(rem > thr) +
			      (uint32_t)rq->out_zp);
	return v < rq->act_min ? rq->act_min : (v > rq->act_max ? rq->act_max : v);
}

#endif /* ACCEL_KERNELS_H */
