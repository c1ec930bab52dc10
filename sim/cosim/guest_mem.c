// SPDX-License-Identifier: MIT
#include "guest_mem.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define GIB		(1ull << 30)
#define HIGHMEM_BASE	(4 * GIB)

/* QEMU q35 (pc_q35_init): RAM >= 2.75 GiB is split at 2 GiB. */
static uint64_t q35_lowmem(uint64_t size)
{
	return size >= 0xb0000000ull ? 2 * GIB : size;
}

int guest_mem_init(struct guest_mem *gm, void *base, uint64_t size,
		   uint64_t lowmem)
{
	if (!base || size == 0)
		return -EINVAL;
	if (lowmem == 0)
		lowmem = q35_lowmem(size);
	if (lowmem > size || lowmem > HIGHMEM_BASE)
		return -EINVAL;
	gm->base = base;
	gm->size = size;
	gm->lowmem = lowmem;
	return 0;
}

int guest_mem_open(struct guest_mem *gm, const char *path, uint64_t lowmem)
{
	struct stat st;
	void *p;
	int fd, ret;

	memset(gm, 0, sizeof(*gm));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return -EINVAL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	ret = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	ret = guest_mem_init(gm, p, (uint64_t)st.st_size, lowmem);
	if (ret)
		munmap(p, (size_t)st.st_size);
	return ret;
}

void guest_mem_close(struct guest_mem *gm)
{
	if (gm->base)
		munmap(gm->base, (size_t)gm->size);
	memset(gm, 0, sizeof(*gm));
}

void *guest_mem_ptr(const struct guest_mem *gm, uint64_t gpa, size_t len)
{
	uint64_t off;

	if (!gm->base || len == 0)
		return NULL;
	if (gpa < gm->lowmem) {
		if (len > gm->lowmem - gpa)
			return NULL;
		off = gpa;
	} else if (gpa >= HIGHMEM_BASE &&
		   gpa - HIGHMEM_BASE < gm->size - gm->lowmem) {
		if (len > gm->size - gm->lowmem - (gpa - HIGHMEM_BASE))
			return NULL;
		off = gm->lowmem + (gpa - HIGHMEM_BASE);
	} else {
		return NULL;
	}
	return gm->base + off;
}

int guest_mem_read(void *ctx, uint64_t gpa, void *dst, size_t len)
{
	const void *p = guest_mem_ptr(ctx, gpa, len);

	if (!p)
		return -1;
	memcpy(dst, p, len);
	return 0;
}

int guest_mem_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	void *p = guest_mem_ptr(ctx, gpa, len);

	if (!p)
		return -1;
	memcpy(p, src, len);
	return 0;
}
