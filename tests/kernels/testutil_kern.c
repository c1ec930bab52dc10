/* SPDX-License-Identifier: MIT */
/* Small helpers for the kernel tests. */
#include <stdint.h>

/* xorshift32 as in the golden MANIFEST: deterministic test data. */
uint32_t kern_rand(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}
