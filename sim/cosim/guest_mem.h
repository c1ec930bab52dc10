/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM as seen from the host: QEMU's shared memory-backend-file,
 * mapped into the daemon, so device DMA lands directly in guest physical
 * memory. Every access is bounds-checked against the file; an address that
 * is not RAM is refused, never clamped.
 */
#ifndef DNPU_COSIM_GUEST_MEM_H
#define DNPU_COSIM_GUEST_MEM_H

#include <stddef.h>
#include <stdint.h>

struct guest_mem {
	uint8_t *base;		/* mapping of the whole file */
	uint64_t size;		/* file size == guest RAM size */
	uint64_t lowmem;	/* RAM bytes below the 4 GiB PCI hole */
};

/*
 * Map @path read/write, shared. @lowmem: guest RAM below 4 GiB, 0 = derive
 * it the way QEMU's q35 machine does (all of it below 2.75 GiB, else 2 GiB;
 * the rest sits at 4 GiB and above). Returns 0 or -errno.
 */
int guest_mem_open(struct guest_mem *gm, const char *path, uint64_t lowmem);
/* Same over an existing mapping (tests). */
int guest_mem_init(struct guest_mem *gm, void *base, uint64_t size,
		   uint64_t lowmem);
void guest_mem_close(struct guest_mem *gm);

/*
 * Host pointer for guest physical [gpa, gpa + len), or NULL when any byte of
 * it is outside RAM (len 0 is refused too). A range never spans the hole.
 */
void *guest_mem_ptr(const struct guest_mem *gm, uint64_t gpa, size_t len);

/* struct cosim_bus callbacks; ctx is a struct guest_mem. 0 or -1. */
int guest_mem_read(void *ctx, uint64_t gpa, void *dst, size_t len);
int guest_mem_write(void *ctx, uint64_t gpa, const void *src, size_t len);

#endif /* DNPU_COSIM_GUEST_MEM_H */
