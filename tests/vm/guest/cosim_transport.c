// SPDX-License-Identifier: MIT
/*
 * Guest side of the co-simulation transport test, run as root in the VM
 * without any dnpu driver: finds the ivshmem-doorbell device, maps its BAR0
 * (ivshmem registers) and BAR2 (struct dnpu_cosim_mbox) through sysfs, and
 * talks to dnpu-cosim exactly as the driver does: register reads/writes
 * through the mailbox, doorbell to the daemon's peer, and an interrupt
 * back. ivshmem-doorbell only signals through MSI-X, and an MSI-X message is
 * just a bus-master memory write: the test points vector 0 at a locked page
 * of its own and enables MSI-X and bus mastering in config space, so the
 * interrupt the daemon raises arrives as that write.
 *
 *   cosim_transport [--irq raise|boot|none] [--dma]
 *     --irq raise  trigger the interrupt with IRQ_RAISE (stand-in device)
 *     --irq boot   trigger FW_READY by releasing the control core (CORE_RUN)
 *     --dma        stand-in device only: DOORBELL copies the complement of 16
 *                  bytes at RING_BASE right after them, in guest RAM
 * Prints KTAP; exit status 0 when every case passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dnpu_hw.h"
#include "guest_util.h"

#define IVSHMEM_IVPOSITION	0x08
#define IVSHMEM_DOORBELL	0x0c
#define TIMEOUT_MS		5000
#define ROUND_TRIPS		200
#define MSIX_DATA		0x5a5a0001u

#define PCI_COMMAND		0x04
#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4
#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_CAPABILITY_LIST	0x34
#define PCI_CAP_ID_MSIX		0x11
#define PCI_MSIX_FLAGS		2
#define PCI_MSIX_FLAGS_ENABLE	0x8000u
#define PCI_MSIX_FLAGS_MASKALL	0x4000u
#define PCI_MSIX_TABLE		4

static volatile uint32_t *bar0;
static struct dnpu_cosim_mbox *mbox;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *map_bar(const char *dir, int bar, size_t len)
{
	char path[512];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource%d", dir, bar);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return NULL;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* One register access through the daemon; returns the mailbox status or
 * -1 on timeout. */
static int mbox_call(uint32_t op, uint32_t off, uint32_t *val)
{
	uint32_t seq = mbox->req_seq + 1;
	uint64_t t0 = now_us();

	mbox->op = op;
	mbox->offset = off;
	mbox->value = *val;
	__atomic_store_n(&mbox->req_seq, seq, __ATOMIC_RELEASE);
	bar0[IVSHMEM_DOORBELL / 4] = mbox->daemon_peer_id << 16 | 0u;
	while (__atomic_load_n(&mbox->resp_seq, __ATOMIC_ACQUIRE) != seq) {
		if (now_us() - t0 > TIMEOUT_MS * 1000u)
			return -1;
		usleep(20);
	}
	*val = mbox->value;
	return (int)mbox->status;
}

static int reg_read(uint32_t off, uint32_t *val)
{
	*val = 0;
	return mbox_call(DNPU_COSIM_OP_READ, off, val) == 0 ? 0 : -1;
}

static int reg_write(uint32_t off, uint32_t val)
{
	return mbox_call(DNPU_COSIM_OP_WRITE, off, &val) == 0 ? 0 : -1;
}

static uint64_t virt_to_phys(const void *p)
{
	uint64_t entry = 0;
	long page = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (off_t)((uintptr_t)p / (uintptr_t)page * 8u);

	if (fd < 0)
		return 0;
	if (pread(fd, &entry, sizeof(entry), off) != (ssize_t)sizeof(entry))
		entry = 0;
	close(fd);
	if (!(entry & (1ull << 63)))	/* not present */
		return 0;
	return (entry & ((1ull << 55) - 1)) * (uint64_t)page +
	       (uintptr_t)p % (uintptr_t)page;
}

static int cfg_rw(int fd, int write, unsigned int off, void *v, size_t len)
{
	ssize_t n = write ? pwrite(fd, v, len, off) : pread(fd, v, len, off);

	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Route MSI-X vector 0 to @phys (a RAM address) with MSIX_DATA. Returns the
 * config-space file descriptor for msix_off(), or -1.
 */
static int msix_to_ram(const char *dir, uint64_t phys, unsigned int *cap_out)
{
	char path[600];
	uint16_t status, cmd, flags;
	uint32_t table, *tab;
	uint8_t cap = 0, id = 0, next;
	volatile uint32_t *entry;
	int fd, guard;

	snprintf(path, sizeof(path), "%s/config", dir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (cfg_rw(fd, 0, PCI_STATUS, &status, 2) || !(status & PCI_STATUS_CAP_LIST) ||
	    cfg_rw(fd, 0, PCI_CAPABILITY_LIST, &cap, 1))
		goto fail;
	for (guard = 0; cap && guard < 48; guard++) {
		if (cfg_rw(fd, 0, cap, &id, 1) || cfg_rw(fd, 0, cap + 1u, &next, 1))
			goto fail;
		if (id == PCI_CAP_ID_MSIX)
			break;
		cap = next;
	}
	if (id != PCI_CAP_ID_MSIX ||
	    cfg_rw(fd, 0, cap + PCI_MSIX_TABLE, &table, 4))
		goto fail;
	/* the table lives in BAR (table & 7) at offset table & ~7 */
	tab = map_bar(dir, (int)(table & 7u), 4096);
	if (!tab)
		goto fail;
	entry = (volatile uint32_t *)((uint8_t *)tab + (table & ~7u));
	entry[0] = (uint32_t)phys;
	entry[1] = (uint32_t)(phys >> 32);
	entry[2] = MSIX_DATA;
	entry[3] = 0;			/* unmasked */
	if (cfg_rw(fd, 0, PCI_COMMAND, &cmd, 2))
		goto fail;
	/* MSI-X messages are bus-master writes (the driver's pci_set_master) */
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (cfg_rw(fd, 1, PCI_COMMAND, &cmd, 2) ||
	    cfg_rw(fd, 0, cap + PCI_MSIX_FLAGS, &flags, 2))
		goto fail;
	flags = (uint16_t)((flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	if (cfg_rw(fd, 1, cap + PCI_MSIX_FLAGS, &flags, 2))
		goto fail;
	*cap_out = cap;
	return fd;
fail:
	close(fd);
	return -1;
}

static void msix_off(int fd, unsigned int cap)
{
	uint16_t flags;

	if (cfg_rw(fd, 0, cap + PCI_MSIX_FLAGS, &flags, 2) == 0) {
		flags &= (uint16_t)~PCI_MSIX_FLAGS_ENABLE;
		cfg_rw(fd, 1, cap + PCI_MSIX_FLAGS, &flags, 2);
	}
	close(fd);
}

static void test_interrupt(const char *dir, const char *how)
{
	volatile uint32_t *slot = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
				       -1, 0);
	uint64_t phys, t0, t1 = 0;
	unsigned int cap = 0;
	uint32_t st = 0;
	int fd, ok, got = 0;

	if (slot == MAP_FAILED) {
		result(0, "interrupt", "mmap: %s", strerror(errno));
		return;
	}
	slot[0] = 0;
	phys = virt_to_phys((const void *)slot);
	fd = phys ? msix_to_ram(dir, phys, &cap) : -1;
	if (fd < 0) {
		result(0, "interrupt", "cannot route MSI-X to RAM");
		return;
	}
	t0 = now_us();
	ok = reg_write(DNPU_REG_IRQ_MASK, DNPU_IRQ_ALL) == 0;
	if (strcmp(how, "raise") == 0)
		ok = ok && reg_write(DNPU_REG_IRQ_RAISE, DNPU_IRQ_JOB_DONE) == 0;
	else
		ok = ok && reg_write(DNPU_REG_CONTROL, DNPU_CONTROL_CORE_RUN) == 0;
	while (ok && now_us() - t0 < TIMEOUT_MS * 1000u) {
		if (__atomic_load_n(&slot[0], __ATOMIC_ACQUIRE) == MSIX_DATA) {
			got = 1;
			t1 = now_us();
			break;
		}
		usleep(50);
	}
	reg_read(DNPU_REG_IRQ_STATUS, &st);
	result(ok && got && st != 0, "interrupt",
	       "via %s: MSI-X write to gpa 0x%llx %s, IRQ_STATUS 0x%x, %llu us",
	       how, (unsigned long long)phys, got ? "arrived" : "missing", st,
	       (unsigned long long)(got ? t1 - t0 : 0));
	/* acked and masked: no second message */
	slot[0] = 0;
	reg_write(DNPU_REG_IRQ_MASK, 0);
	reg_write(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	msix_off(fd, cap);
}

static void test_dma(void)
{
	uint8_t *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	uint64_t phys, t0;
	uint32_t st = 0;
	int i, bad = 0;

	if (buf == MAP_FAILED) {
		result(0, "dma_guest_ram", "mmap: %s", strerror(errno));
		return;
	}
	for (i = 0; i < 16; i++)
		buf[64 + i] = (uint8_t)(0x30 + i * 5);
	phys = virt_to_phys(buf + 64);
	if (!phys) {
		result(0, "dma_guest_ram", "no physical address");
		return;
	}
	reg_write(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	if (reg_write(DNPU_REG_RING_BASE_LO, (uint32_t)phys) ||
	    reg_write(DNPU_REG_RING_BASE_HI, (uint32_t)(phys >> 32)) ||
	    reg_write(DNPU_REG_DOORBELL, 1)) {
		result(0, "dma_guest_ram", "register write failed");
		return;
	}
	t0 = now_us();
	while (!(st & (DNPU_IRQ_JOB_DONE | DNPU_IRQ_JOB_FAULT)) &&
	       now_us() - t0 < TIMEOUT_MS * 1000u)
		reg_read(DNPU_REG_IRQ_STATUS, &st);
	for (i = 0; i < 16; i++)
		bad += __atomic_load_n(&buf[80 + i], __ATOMIC_ACQUIRE) !=
		       (uint8_t)~(0x30 + i * 5);
	result(st == DNPU_IRQ_JOB_DONE && !bad, "dma_guest_ram",
	       "gpa 0x%llx, IRQ_STATUS 0x%x, %d wrong bytes",
	       (unsigned long long)phys, st, bad);
	reg_write(DNPU_REG_IRQ_STATUS, DNPU_IRQ_ALL);
	munmap(buf, 4096);
}

int main(int argc, char **argv)
{
	const char *irq_mode = "none";
	char dir[512], path[600];
	uint32_t v = 0, pattern;
	uint64_t t0, t1;
	int i, dma = 0, ok, fd;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--irq") == 0 && i + 1 < argc)
			irq_mode = argv[++i];
		else if (strcmp(argv[i], "--dma") == 0)
			dma = 1;
		else {
			fprintf(stderr, "usage: %s [--irq raise|boot|none] [--dma]\n",
				argv[0]);
			return 2;
		}
	}
	printf("KTAP version 1\n1..%d\n",
	       6 + (strcmp(irq_mode, "none") != 0) + dma);

	if (find_ivshmem(dir, sizeof(dir))) {
		result(0, "find_ivshmem", "no 1af4:1110 device");
		return 1;
	}
	/* No driver binds it: enable memory decoding ourselves. */
	snprintf(path, sizeof(path), "%s/enable", dir);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			perror("enable");
		close(fd);
	}
	bar0 = map_bar(dir, 0, 4096);
	mbox = map_bar(dir, 2, DNPU_COSIM_SHM_SIZE);
	result(bar0 && mbox, "find_ivshmem", "%s", strrchr(dir, '/') + 1);
	if (!bar0 || !mbox)
		return 1;

	result(mbox->magic == DNPU_COSIM_MAGIC &&
	       mbox->version == DNPU_COSIM_VERSION, "mailbox_header",
	       "magic 0x%08x version %u daemon peer %u, our peer %u",
	       mbox->magic, mbox->version, mbox->daemon_peer_id,
	       bar0[IVSHMEM_IVPOSITION / 4]);

	ok = reg_read(DNPU_REG_ID, &v) == 0 && v == DNPU_ID_MAGIC;
	result(ok, "read_id", "ID 0x%08x", v);
	if (!ok)
		return 1;	/* nothing else can work */
	ok = reg_read(DNPU_REG_VERSION, &v) == 0 &&
	     v >> 16 == DNPU_HW_VERSION_MAJOR;
	result(ok, "read_version", "VERSION 0x%08x", v);

	t0 = now_us();
	ok = 1;
	for (i = 0; i < ROUND_TRIPS && ok; i++) {
		pattern = 0x9e3779b9u * (uint32_t)(i + 1);
		ok = reg_write(DNPU_REG_SCRATCH, pattern) == 0 &&
		     reg_read(DNPU_REG_SCRATCH, &v) == 0 && v == pattern;
	}
	t1 = now_us();
	result(ok, "scratch_round_trip", "%d write+read pairs, %llu us each",
	       i, (unsigned long long)((t1 - t0) / (uint64_t)(i ? i : 1)));

	v = 0;
	ok = mbox_call(DNPU_COSIM_OP_READ, DNPU_MMIO_SIZE, &v) ==
	     DNPU_COSIM_STATUS_BAD_OFFSET;
	result(ok, "bad_offset_refused", NULL);

	if (strcmp(irq_mode, "none") != 0)
		test_interrupt(dir, irq_mode);
	if (dma)
		test_dma();
	return failures ? 1 : 0;
}
