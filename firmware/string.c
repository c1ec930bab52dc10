// SPDX-License-Identifier: MIT
/* The two libc routines the compiler may call in a freestanding build. */
#include <stddef.h>
#include <stdint.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

#ifdef DNPU_FW_SOFT
/*
 * The soft sequencer clears its 56 KiB of scratchpads at boot and copies
 * every mailbox piece: words where the alignment allows.
 */
typedef uint32_t __attribute__((may_alias)) word_t;
#endif

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

#ifdef DNPU_FW_SOFT
	uint32_t b = (unsigned char)c, w = b | b << 8 | b << 16 | b << 24;

	while (n && (uintptr_t)p % 4) {
		*p++ = (unsigned char)c;
		n--;
	}
	for (; n >= 4; n -= 4, p += 4)
		*(word_t *)p = w;
#endif
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

#ifdef DNPU_FW_SOFT
	if ((uintptr_t)d % 4 == (uintptr_t)s % 4) {
		while (n && (uintptr_t)d % 4) {
			*d++ = *s++;
			n--;
		}
		for (; n >= 4; n -= 4, d += 4, s += 4)
			*(word_t *)d = *(const word_t *)s;
	}
#endif
	while (n--)
		*d++ = *s++;
	return dst;
}
