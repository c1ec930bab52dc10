// SPDX-License-Identifier: MIT
/*
 * Guest program for the co-simulation VM (tools/vm/run.sh): stress the dnpu
 * driver's uapi from several processes at once.
 *
 *   dnpu_fuzz --fuzz [--procs N] [--calls M] [--seconds S] [--seed X]
 *     Each process runs up to M random ioctls (all dnpu ioctls, GEM close,
 *     syncobj create/destroy/wait, prime export/import, unknown driver
 *     ioctl numbers) with random or mutated arguments: stale and foreign
 *     handles, bad pointers, non-zero padding, huge sizes, command streams
 *     that are random bytes or a valid copy with one field corrupted, and
 *     now and then closes its fd with jobs in flight. It stops after S
 *     seconds. Afterwards the kernel log must hold no WARN/BUG/Oops/KASAN/
 *     refcount complaint and, where the driver has debugfs "leaks", the
 *     object counters must return to their values before the run.
 *
 *   dnpu_fuzz --load [--procs N] [--jobs M] [--seed X]
 *     Each process submits M copy jobs of mixed sizes (64 B .. 16 KiB),
 *     each waiting on the previous job's out-syncobj; up to SLOTS jobs are
 *     in flight per process. Every job's output bytes and result record are
 *     checked, and the signalled fences of a process must always be a
 *     prefix of its submission order. Prints jobs/s.
 *
 * Prints KTAP-ish lines; exit status 0 when everything held.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dnpu_drm.h"
#include "dnpu_hw.h"
#include "guest_util.h"
#include "toolutil.h"

/* ---- common ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic per seed, good enough for fuzzing */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* ---- debugfs leak counters (optional: not every driver build has them) */

struct leaks {
	long bos, jobs, fences;
};

/* 1 if @line is "NAME: VALUE" of the leaks file, with VALUE into *@v. */
static int leak_line(const char *line, const char *name, long *v)
{
	size_t n = strlen(name);
	const char *p = line + n + 1;
	char *end;

	if (strncmp(line, name, n) != 0 || line[n] != ':')
		return 0;
	*v = strtol(p, &end, 10);
	return end != p;
}

static int read_leaks(struct leaks *l)
{
	static const char *const roots[] = {
		"/sys/kernel/debug/accel", "/sys/kernel/debug/dri",
	};
	char path[PATH_MAX + 300], line[128];
	struct dirent *e;
	size_t i;
	int n = 0;
	FILE *f = NULL;
	DIR *d;

	for (i = 0; i < 2 && !f; i++) {
		d = opendir(roots[i]);
		if (!d)
			continue;
		while (!f && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/leaks", roots[i],
				 e->d_name);
			f = fopen(path, "r");
		}
		closedir(d);
	}
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += leak_line(line, "bos", &l->bos) +
		     leak_line(line, "jobs", &l->jobs) +
		     leak_line(line, "fences", &l->fences);
	fclose(f);
	return n == 3 ? 0 : -1;
}

/* Kernel log lines that mean the kernel noticed something wrong. */
static int kernel_log_clean(void)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "KASAN", "refcount_t",
		"general protection", "Call Trace", "list_del corruption",
		"UBSAN", "kernel BUG",
	};
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save = NULL;
	int n, clean = 1, context = 0;
	size_t i;

	if (len <= 0)
		len = 1 << 20;
	buf = calloc(1, (size_t)len + 1);
	if (!buf)
		return 0;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (n < 0) {
		printf("# klogctl: %s\n", strerror(errno));
		free(buf);
		return 0;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(line, bad[i])) {
				clean = 0;
				/* the trace after it names the culprit */
				context = 40;
				break;
			}
		if (context > 0) {
			printf("# kernel: %s\n", line);
			context--;
		}
	}
	free(buf);
	return clean;
}

/* ---- copy job (one LOAD row into IN, BARRIER, STORE it back, END) ---- */

static void put_copy(uint8_t *cmd, uint32_t src_region, uint32_t dst_region,
		     uint32_t len)
{
	struct dnpu_cmd_dma *ld = (void *)cmd;
	uint32_t *bar = (void *)(cmd + DNPU_CMD_BYTES);
	struct dnpu_cmd_dma *st = (void *)(cmd + 2 * DNPU_CMD_BYTES);
	uint32_t *end = (void *)(cmd + 3 * DNPU_CMD_BYTES);

	memset(cmd, 0, 4 * DNPU_CMD_BYTES);
	ld->w0 = DNPU_CMD_W0(DNPU_OP_LOAD, 0, 0);
	ld->region = DNPU_DMA_REGION(src_region, DNPU_SPAD_IN, 0);
	ld->len0 = len;
	ld->count1 = 1;
	ld->count2 = 1;
	bar[0] = DNPU_CMD_W0(DNPU_OP_BARRIER, 0, 0);
	st->w0 = DNPU_CMD_W0(DNPU_OP_STORE, 0, 0);
	st->region = DNPU_DMA_REGION(dst_region, DNPU_SPAD_IN, 0);
	st->len0 = len;
	st->count1 = 1;
	st->count2 = 1;
	end[0] = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
}

/* ---- fuzz ---- */

#define MAX_OBJ		32
#define FUZZ_BO_MAX	(64u * 1024u)

struct fuzz {
	int fd;
	uint32_t bo[MAX_OBJ];		/* 0 = empty; may be stale */
	uint8_t *map[MAX_OBJ];
	size_t map_len[MAX_OBJ];
	uint32_t sync[MAX_OBJ];
	int prime_fd[4];
	unsigned long calls, ok, submits, jobs_ok, reopen;
	unsigned long err[128];
};

static void fuzz_close(struct fuzz *f)
{
	int i;

	for (i = 0; i < MAX_OBJ; i++) {
		if (f->map[i])
			munmap(f->map[i], f->map_len[i]);
		f->map[i] = NULL;
		f->bo[i] = 0;
		f->sync[i] = 0;
	}
	for (i = 0; i < 4; i++) {
		if (f->prime_fd[i] >= 0)
			close(f->prime_fd[i]);
		f->prime_fd[i] = -1;
	}
	if (f->fd >= 0)
		close(f->fd);	/* releases BOs, syncobjs; jobs may be in flight */
	f->fd = -1;
}

/* A handle: mostly a known (maybe stale) one, sometimes garbage. */
static uint32_t pick_handle(const uint32_t *tab)
{
	switch (rn(8)) {
	case 0: return 0;
	case 1: return (uint32_t)rnd();
	case 2: return rn(64);
	default: return tab[rn(MAX_OBJ)];
	}
}

/* A user pointer: valid, NULL, unmapped, kernel, or misaligned. */
static uint64_t pick_ptr(void *valid)
{
	switch (rn(10)) {
	case 0: return 0;
	case 1: return 0x1000;
	case 2: return 0xffff888000000000ull;
	case 3: return (uintptr_t)valid + 1;
	case 4: return rnd();
	default: return (uintptr_t)valid;
	}
}

static uint32_t mutate32(uint32_t v)
{
	switch (rn(6)) {
	case 0: return v ^ (1u << rn(32));
	case 1: return (uint32_t)rnd();
	case 2: return v + 1;
	case 3: return v - 1;
	case 4: return ~0u;
	default: return 0;
	}
}

static void fill_stream(struct fuzz *f, int slot, uint32_t nregions)
{
	uint8_t *p = f->map[slot];
	size_t len = f->map_len[slot], i;
	uint32_t *w;

	if (!p || len < 4 * DNPU_CMD_BYTES)
		return;
	if (rn(4) == 0) {
		for (i = 0; i < len && i < 16 * DNPU_CMD_BYTES; i++)
			p[i] = (uint8_t)rnd();
		return;
	}
	put_copy(p, rn(nregions + 2), rn(nregions + 2), 1 + rn(8192));
	/* corrupt a few words of a valid stream: region, offsets, lengths */
	w = (uint32_t *)p;
	for (i = rn(4); i > 0; i--) {
		size_t k = rn(4 * DNPU_CMD_BYTES / 4);

		w[k] = mutate32(w[k]);
	}
}

static void fuzz_submit(struct fuzz *f)
{
	struct drm_dnpu_submit_bo bos[DNPU_MAX_REGIONS + 2];
	uint32_t ins[8];
	struct drm_dnpu_submit s;
	uint32_t n = 1 + rn(6), i, cmd_slot = rn(MAX_OBJ);

	if (rn(20) == 0)
		n = rn(DNPU_MAX_REGIONS + 3);
	for (i = 0; i < n && i < DNPU_MAX_REGIONS + 2; i++) {
		bos[i].handle = pick_handle(f->bo);
		bos[i].flags = rn(10) ? 1 + rn(3) : (uint32_t)rnd();
	}
	if (f->bo[cmd_slot] && n > 0) {
		bos[0].handle = f->bo[cmd_slot];
		bos[0].flags = DRM_DNPU_BO_READ | (rn(2) ? DRM_DNPU_BO_WRITE : 0);
		fill_stream(f, (int)cmd_slot, n);	/* cmd_slot < MAX_OBJ */
	}
	for (i = 0; i < 8; i++)
		ins[i] = pick_handle(f->sync);
	memset(&s, 0, sizeof(s));
	s.bos = pick_ptr(bos);
	s.bo_count = n;
	s.in_syncobjs = rn(3) ? (uintptr_t)ins : pick_ptr(ins);
	s.in_syncobj_count = rn(3) ? 0 : rn(10);
	if (rn(50) == 0)
		s.in_syncobj_count = (uint32_t)rnd();
	s.cmd_bo = rn(8) ? 0 : rn(n + 2);
	s.cmd_offset = rn(8) ? 0 : (rn(2) ? 64 * rn(64) : (uint32_t)rnd());
	s.cmd_count = rn(8) ? 4 : (rn(2) ? rn(64) : (uint32_t)rnd());
	s.out_syncobj = rn(2) ? pick_handle(f->sync) : 0;
	s.result_bo = rn(3) ? ~0u : rn(n + 1);
	s.result_offset = rn(4) ? 0 : (rn(2) ? 8 * rn(600) : (uint32_t)rnd());
	s.priority = rn(10) ? rn(2) : (uint32_t)rnd();
	s.timeout_ms = rn(4) ? 1 + rn(200) : (rn(2) ? 0 : (uint32_t)rnd());
	if (rn(30) == 0)
		s.flags = 1u << rn(32);
	if (rn(30) == 0)
		s.pad = 1;
	f->submits++;
	if (ioctl(f->fd, DRM_IOCTL_DNPU_SUBMIT, &s) == 0)
		f->jobs_ok++;
	else
		f->err[errno & 127]++;
}

static int fuzz_one(struct fuzz *f, void *scratch)
{
	uint32_t slot = rn(MAX_OBJ);
	int ret = 0, op = (int)rn(16);

	if (f->fd < 0) {
		f->fd = open_node();
		if (f->fd < 0)
			return -1;
		f->reopen++;
	}
	switch (op) {
	case 0: {
		struct drm_dnpu_get_param g = { .param = rn(16) };

		if (rn(10) == 0)
			g.pad = (uint32_t)rnd();
		if (rn(20) == 0)
			g.param = (uint32_t)rnd();
		ret = ioctl(f->fd, DRM_IOCTL_DNPU_GET_PARAM, &g);
		break;
	}
	case 1: {
		struct drm_dnpu_query q = {
			.type = rn(6) ? 0 : (uint32_t)rnd(),
			.size = rn(3) ? rn(128) : (uint32_t)rnd(),
			.ptr = pick_ptr(scratch),
		};

		ret = ioctl(f->fd, DRM_IOCTL_DNPU_QUERY, &q);
		break;
	}
	case 2:
	case 3: {
		struct drm_dnpu_bo_create c = { .size = 1 + rn(FUZZ_BO_MAX) };

		if (rn(20) == 0)
			c.size = rnd();
		if (rn(20) == 0)
			c.size = 0;
		if (rn(20) == 0)
			c.flags = 1u << rn(32);
		if (rn(20) == 0)
			c.pad2 = 1;
		ret = ioctl(f->fd, DRM_IOCTL_DNPU_BO_CREATE, &c);
		if (ret == 0) {
			if (f->map[slot])
				munmap(f->map[slot], f->map_len[slot]);
			f->map[slot] = NULL;
			f->bo[slot] = c.handle;
			f->map_len[slot] = (size_t)((c.size + 4095) & ~4095ull);
		}
		break;
	}
	case 4: {
		struct drm_dnpu_bo_mmap_offset m = { .handle = f->bo[slot] };
		void *p;

		if (rn(10) == 0)
			m.handle = pick_handle(f->bo);
		if (rn(20) == 0)
			m.pad = 1;
		ret = ioctl(f->fd, DRM_IOCTL_DNPU_BO_MMAP_OFFSET, &m);
		if (ret || m.handle != f->bo[slot] || f->map[slot] ||
		    !f->bo[slot])
			break;
		p = mmap(NULL, f->map_len[slot], PROT_READ | PROT_WRITE,
			 MAP_SHARED, f->fd, (off_t)m.offset);
		if (p != MAP_FAILED) {
			f->map[slot] = p;
			memset(p, (int)rn(256), f->map_len[slot]);
		}
		/* a mapping larger than the BO must be refused */
		p = mmap(NULL, f->map_len[slot] + 4096, PROT_READ, MAP_SHARED,
			 f->fd, (off_t)m.offset);
		if (p != MAP_FAILED) {
			volatile uint8_t *q = p;

			/* touching past the BO must not reach other memory */
			(void)q[0];
			munmap(p, f->map_len[slot] + 4096);
		}
		break;
	}
	case 5:
	case 6:
	case 7:
		fuzz_submit(f);
		f->calls++;
		return 0;
	case 8: {
		struct drm_dnpu_bo_wait w = {
			.handle = pick_handle(f->bo),
			.timeout_ns = rn(2) ? 0 : (int64_t)(now_ns() +
							    rn(20000000)),
		};

		if (rn(20) == 0)
			w.pad = 1;
		if (rn(20) == 0)
			w.timeout_ns = -(int64_t)rn(1000);
		ret = ioctl(f->fd, DRM_IOCTL_DNPU_BO_WAIT, &w);
		break;
	}
	case 9: {
		struct drm_gem_close c = { .handle = pick_handle(f->bo) };

		if (rn(20) == 0)
			c.pad = 1;
		ret = ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &c);
		if (ret == 0 && c.handle == f->bo[slot] && f->map[slot]) {
			/* mapping stays valid after close: touch it */
			f->map[slot][0] ^= 1;
		}
		break;
	}
	case 10: {
		struct drm_syncobj_create c = { 0 };

		if (rn(4) == 0)
			c.flags = rn(2) ? DRM_SYNCOBJ_CREATE_SIGNALED :
					  (uint32_t)rnd();
		ret = ioctl(f->fd, DRM_IOCTL_SYNCOBJ_CREATE, &c);
		if (ret == 0)
			f->sync[slot] = c.handle;
		break;
	}
	case 11: {
		struct drm_syncobj_destroy d = { .handle = pick_handle(f->sync) };

		ret = ioctl(f->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
		break;
	}
	case 12: {
		uint32_t h[4];
		struct drm_syncobj_wait w = { 0 };
		int i;

		for (i = 0; i < 4; i++)
			h[i] = pick_handle(f->sync);
		w.handles = rn(8) ? (uintptr_t)h : pick_ptr(h);
		/*
		 * Counts stay below 2^18: a larger one makes the DRM core's
		 * drm_syncobj_array_find() (not this driver) WARN in the page
		 * allocator on 6.1 (docs/SECURITY.md, "Findings").
		 */
		w.count_handles = rn(8) ? 1 + rn(4) : rn(1u << 18);
		w.flags = rn(4) ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL :
			  (rn(2) ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT :
				   (uint32_t)rnd());
		w.timeout_nsec = (int64_t)(now_ns() + rn(30000000));
		ret = ioctl(f->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		break;
	}
	case 13: {
		struct drm_prime_handle p = {
			.handle = pick_handle(f->bo),
			.flags = rn(4) ? DRM_CLOEXEC | DRM_RDWR : (uint32_t)rnd(),
		};
		int k = (int)rn(4);

		ret = ioctl(f->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &p);
		if (ret == 0) {
			if (f->prime_fd[k] >= 0)
				close(f->prime_fd[k]);
			f->prime_fd[k] = p.fd;
		}
		/* import one of ours back (same or another open of the node) */
		memset(&p, 0, sizeof(p));
		p.fd = rn(6) ? f->prime_fd[rn(4)] : (int)rn(64);
		if (ioctl(f->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p) == 0)
			f->bo[slot] = p.handle;
		break;
	}
	case 14: {
		/* unknown driver ioctl numbers and wrong sizes/directions */
		uint8_t arg[128];
		unsigned long nr = DRM_COMMAND_BASE + rn(16);
		unsigned long req;

		memset(arg, 0, sizeof(arg));
		if (rn(2))
			for (size_t i = 0; i < sizeof(arg); i++)
				arg[i] = (uint8_t)rnd();
		switch (rn(4)) {
		case 0: req = DRM_IO(nr); break;
		case 1: req = DRM_IOR(nr, uint64_t); break;
		case 2: req = DRM_IOW(nr, uint8_t[128]); break;
		default: req = DRM_IOWR(nr, uint8_t[16]); break;
		}
		ret = ioctl(f->fd, req, rn(10) ? (void *)arg :
				   (void *)(uintptr_t)pick_ptr(arg));
		break;
	}
	default:
		/* close everything now and then, jobs possibly in flight */
		if (rn(40) == 0) {
			fuzz_close(f);
			break;
		}
		if (f->map[slot] && rn(2)) {
			munmap(f->map[slot], f->map_len[slot]);
			f->map[slot] = NULL;
		}
		break;
	}
	f->calls++;
	if (ret == 0)
		f->ok++;
	else
		f->err[errno & 127]++;
	return 0;
}

static int fuzz_child(int id, unsigned long calls, uint64_t end_ns,
		      uint64_t seed)
{
	static uint8_t scratch[4096];
	struct fuzz f;
	int i;

	memset(&f, 0, sizeof(f));
	f.fd = -1;
	for (i = 0; i < 4; i++)
		f.prime_fd[i] = -1;
	rng_state = seed * 0x9e3779b97f4a7c15ull + (uint64_t)id + 1;
	while (f.calls < calls && now_ns() < end_ns)
		if (fuzz_one(&f, scratch))
			return 2;
	fuzz_close(&f);
	printf("# proc %d: %lu calls (%lu ok), %lu submits (%lu accepted), "
	       "%lu opens; EINVAL %lu ENOENT %lu EFAULT %lu E2BIG %lu "
	       "ETIME %lu\n", id, f.calls, f.ok, f.submits, f.jobs_ok,
	       f.reopen, f.err[EINVAL], f.err[ENOENT], f.err[EFAULT],
	       f.err[E2BIG], f.err[ETIME]);
	return 0;
}

/* ---- load ---- */

#define SLOTS		8
#define LOAD_MAX	(16u * 1024u)
#define WAIT_NS		(30ull * 1000000000ull)

enum { L_CMD, L_SRC, L_DST, L_RES, L_COUNT };

struct slot {
	uint32_t bo[L_COUNT];
	uint8_t *map[L_COUNT];
	uint32_t sync;
	uint32_t len;
	uint64_t seqno;
	unsigned long job;
	int busy;
};

static const uint32_t load_bo_size[L_COUNT] = {
	4096, LOAD_MAX, LOAD_MAX, 4096
};

static int syncobj_signalled(int fd, uint32_t h, uint64_t deadline)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&h, .count_handles = 1,
		.timeout_nsec = (int64_t)deadline,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) == 0;
}

static uint8_t pattern(int id, unsigned long job, uint32_t i)
{
	return (uint8_t)(i * 13u + job * 7u + (unsigned int)id * 101u + 1u);
}

static int check_slot(int id, struct slot *s)
{
	const struct dnpu_job_completion *r = (void *)s->map[L_RES];
	const uint8_t *dst = s->map[L_DST];
	uint32_t i;

	if (r->status != DNPU_JOB_OK || r->seqno != (uint32_t)s->seqno) {
		printf("# proc %d job %lu: status %u seqno %u (want %llu)\n",
		       id, s->job, r->status, r->seqno,
		       (unsigned long long)s->seqno);
		return -1;
	}
	for (i = 0; i < LOAD_MAX; i++) {
		uint8_t want = i < s->len ? pattern(id, s->job, i) : 0xee;

		if (dst[i] != want) {
			printf("# proc %d job %lu (len %u): byte %u is 0x%02x, "
			       "want 0x%02x\n", id, s->job, s->len, i, dst[i],
			       want);
			return -1;
		}
	}
	return 0;
}

static int load_child(int id, unsigned long jobs, uint64_t seed)
{
	struct slot sl[SLOTS];
	unsigned long j, done = 0, oldest = 0;
	int fd, i, k;

	memset(sl, 0, sizeof(sl));
	rng_state = seed * 0x9e3779b97f4a7c15ull + (uint64_t)id + 7;
	fd = open_node();
	if (fd < 0) {
		printf("# proc %d: no device\n", id);
		return 1;
	}
	for (i = 0; i < SLOTS; i++) {
		struct drm_syncobj_create sc = { 0 };

		for (k = 0; k < L_COUNT; k++) {
			struct drm_dnpu_bo_create bc = { .size = load_bo_size[k] };
			struct drm_dnpu_bo_mmap_offset mo = { 0 };
			void *p;

			if (ioctl(fd, DRM_IOCTL_DNPU_BO_CREATE, &bc))
				goto fail;
			mo.handle = sl[i].bo[k] = bc.handle;
			if (ioctl(fd, DRM_IOCTL_DNPU_BO_MMAP_OFFSET, &mo))
				goto fail;
			p = mmap(NULL, load_bo_size[k], PROT_READ | PROT_WRITE,
				 MAP_SHARED, fd, (off_t)mo.offset);
			if (p == MAP_FAILED)
				goto fail;
			sl[i].map[k] = p;
		}
		if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
			goto fail;
		sl[i].sync = sc.handle;
	}
	for (j = 0; j < jobs + SLOTS; j++) {
		struct slot *s = &sl[j % SLOTS];
		struct slot *prev = &sl[(j + SLOTS - 1) % SLOTS];
		struct drm_dnpu_submit_bo bos[L_COUNT];
		struct drm_dnpu_submit sub;
		uint32_t n;

		/* retire the job that last used this slot */
		if (s->busy) {
			if (!syncobj_signalled(fd, s->sync, now_ns() + WAIT_NS)) {
				printf("# proc %d job %lu: fence not signalled\n",
				       id, s->job);
				goto fail;
			}
			if (check_slot(id, s))
				goto fail;
			s->busy = 0;
			done++;
		}
		/*
		 * Signalled fences must be a prefix of submission order. Poll
		 * newest first: once a job was seen signalled, every older one
		 * polled after it must be signalled too (race-free, unlike
		 * polling oldest first).
		 */
		{
			int seen_signalled = 0;
			unsigned long m;

			for (m = j; m-- > oldest;) {
				struct slot *t = &sl[m % SLOTS];
				int sig;

				if (!t->busy || t->job != m)
					continue;
				sig = syncobj_signalled(fd, t->sync, 0);
				if (seen_signalled && !sig) {
					printf("# proc %d: job %lu unsignalled "
					       "after a later one signalled\n",
					       id, m);
					goto fail;
				}
				seen_signalled |= sig;
			}
			if (j >= SLOTS)
				oldest = j - SLOTS + 1;
		}
		if (j >= jobs)
			continue;
		/* mixed sizes: mostly small, some up to LOAD_MAX */
		n = rn(4) ? 64 + rn(1024) : 1 + rn(LOAD_MAX);
		s->len = n;
		s->job = j;
		for (i = 0; i < (int)n; i++)
			s->map[L_SRC][i] = pattern(id, j, (uint32_t)i);
		memset(s->map[L_DST], 0xee, LOAD_MAX);
		memset(s->map[L_RES], 0xff, sizeof(struct dnpu_job_completion));
		put_copy(s->map[L_CMD], L_SRC, L_DST, n);
		bos[L_CMD] = (struct drm_dnpu_submit_bo){ s->bo[L_CMD], DRM_DNPU_BO_READ };
		bos[L_SRC] = (struct drm_dnpu_submit_bo){ s->bo[L_SRC], DRM_DNPU_BO_READ };
		bos[L_DST] = (struct drm_dnpu_submit_bo){ s->bo[L_DST], DRM_DNPU_BO_WRITE };
		bos[L_RES] = (struct drm_dnpu_submit_bo){ s->bo[L_RES], DRM_DNPU_BO_WRITE };
		memset(&sub, 0, sizeof(sub));
		sub.bos = (uintptr_t)bos;
		sub.bo_count = L_COUNT;
		sub.cmd_bo = L_CMD;
		sub.cmd_count = 4;
		sub.out_syncobj = s->sync;
		sub.result_bo = L_RES;
		sub.priority = DRM_DNPU_PRIO_NORMAL;
		/* chain: wait for this process's previous job */
		if (j > 0) {
			sub.in_syncobjs = (uintptr_t)&prev->sync;
			sub.in_syncobj_count = 1;
		}
		if (ioctl(fd, DRM_IOCTL_DNPU_SUBMIT, &sub)) {
			printf("# proc %d job %lu: submit: %s\n", id, j,
			       strerror(errno));
			goto fail;
		}
		if (j > 0 && sub.seqno <= prev->seqno) {
			printf("# proc %d job %lu: seqno %llu not after %llu\n",
			       id, j, (unsigned long long)sub.seqno,
			       (unsigned long long)prev->seqno);
			goto fail;
		}
		s->seqno = sub.seqno;
		s->busy = 1;
	}
	close(fd);
	printf("# proc %d: %lu jobs completed and checked\n", id, done);
	return done == jobs ? 0 : 1;
fail:
	close(fd);
	return 1;
}

/* ---- main ---- */

static int run_procs(int procs, int (*fn)(int, void *), void *arg)
{
	pid_t pid[64];
	int i, st, failed = 0;

	for (i = 0; i < procs; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			int rc = fn(i, arg);

			fflush(stdout);
			_exit(rc);
		}
	}
	for (i = 0; i < procs; i++) {
		if (pid[i] < 0 || waitpid(pid[i], &st, 0) < 0) {
			failed++;
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("# proc %d: %s %d\n", i,
			       WIFEXITED(st) ? "exit" : "signal",
			       WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
			failed++;
		}
	}
	return failed;
}

struct args {
	unsigned long count;
	uint64_t end_ns;
	uint64_t seed;
};

static int fuzz_fn(int id, void *p)
{
	const struct args *a = p;

	return fuzz_child(id, a->count, a->end_ns, a->seed);
}

static int load_fn(int id, void *p)
{
	const struct args *a = p;

	return load_child(id, a->count, a->seed);
}

int main(int argc, char **argv)
{
	struct leaks before = { 0 }, after = { 0 };
	struct args a = { 0 };
	int procs = 4, fuzz = 0, load = 0, i, failed, have_leaks;
	unsigned long calls = 20000, jobs = 1000;
	double seconds = 50;
	char *end;
	long v;
	uint64_t t0;

	a.seed = 1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--fuzz"))
			fuzz = 1;
		else if (!strcmp(argv[i], "--load"))
			load = 1;
		else if (!strcmp(argv[i], "--procs") && i + 1 < argc)
			procs = tool_parse_int(argv[++i], 1, 64, &v) ? 0 : (int)v;
		else if (!strcmp(argv[i], "--calls") && i + 1 < argc)
			calls = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--jobs") && i + 1 < argc)
			jobs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			seconds = strtod(argv[++i], &end);
			if (*end || !(seconds > 0))
				break;
		}
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			a.seed = strtoull(argv[++i], NULL, 0);
		else
			break;
	}
	if (i < argc || fuzz == load || procs < 1 || procs > 64) {
		fprintf(stderr, "usage: %s --fuzz|--load [--procs N] "
			"[--calls M] [--jobs M] [--seconds S] [--seed X]\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* a child killed mid-run must not take the others with SIGPIPE etc. */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		perror("signal");
	have_leaks = read_leaks(&before) == 0;
	t0 = now_ns();
	if (fuzz) {
		a.count = calls;
		a.end_ns = t0 + (uint64_t)(seconds * 1e9);
		failed = run_procs(procs, fuzz_fn, &a);
		printf("%s 1 fuzz_procs # %d processes, seed %llu, %.1f s\n",
		       failed ? "not ok" : "ok", procs,
		       (unsigned long long)a.seed, (now_ns() - t0) / 1e9);
	} else {
		a.count = jobs;
		failed = run_procs(procs, load_fn, &a);
		printf("%s 1 load_chains # %d x %lu jobs in %.1f s: %.1f jobs/s\n",
		       failed ? "not ok" : "ok", procs, jobs,
		       (now_ns() - t0) / 1e9,
		       procs * (double)jobs / ((now_ns() - t0) / 1e9));
	}
	if (!kernel_log_clean()) {
		printf("not ok 2 kernel_log_clean\n");
		failed++;
	} else {
		printf("ok 2 kernel_log_clean\n");
	}
	if (have_leaks) {
		/* jobs cancelled by a close finish asynchronously: let them */
		for (i = 0; i < 100; i++) {
			if (read_leaks(&after) == 0 && after.bos == before.bos &&
			    after.jobs == before.jobs &&
			    after.fences == before.fences)
				break;
			usleep(100000);
		}
		if (after.bos != before.bos || after.jobs != before.jobs ||
		    after.fences != before.fences) {
			printf("not ok 3 no_leaks # bos %ld->%ld jobs %ld->%ld "
			       "fences %ld->%ld\n", before.bos, after.bos,
			       before.jobs, after.jobs, before.fences,
			       after.fences);
			failed++;
		} else {
			printf("ok 3 no_leaks # bos %ld jobs %ld fences %ld\n",
			       after.bos, after.jobs, after.fences);
		}
	} else {
		printf("ok 3 no_leaks # SKIP no debugfs leaks file\n");
	}
	return failed ? 1 : 0;
}
