/* SPDX-License-Identifier: MIT */
/* int8 ADD/SUB with TFLite rescaling: portable C and dispatch. */
#include "../quant.h"
#include "kernels.h"

void accel_addsub_s8_c(const struct accel_addsub_s8 *p, const int8_t *a,
		       const int8_t *b, int8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int32_t v1 = (a[i] + p->in1_off) * (1 << p->left_shift);
		int32_t v2 = (b[i] + p->in2_off) * (1 << p->left_shift);
		int32_t s1 = accel_mbqm(v1, p->m1, p->s1);
		int32_t s2 = accel_mbqm(v2, p->m2, p->s2);
		int32_t r = accel_add_wrap(accel_mbqm(p->sub ? accel_sub_wrap(s1, s2) :
						      accel_add_wrap(s1, s2), p->mo, p->so),
					   p->out_zp);
		out[i] = (int8_t)(r < p->act_min ? p->act_min :
				  (r > p->act_max ? p->act_max : r));
	}
}

void accel_addsub_s8(const struct accel_addsub_s8 *p, const int8_t *a,
		     const int8_t *b, int8_t *out, size_t n)
{
	size_t done = 0;
#if defined(__x86_64__)
	if (accel_kernels_isa() >= ACCEL_ISA_AVX2)
		done = accel_addsub_s8_avx2(p, a, b, out, n);
#endif
	accel_addsub_s8_c(p, a + done, b + done, out + done, n - done);
}
