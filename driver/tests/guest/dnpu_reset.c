// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Guest check of the driver's hang recovery with several jobs in flight:
 * with the firmware hung (debugfs inject HANG) N copy jobs are queued; the
 * first must fail (no result record) after the reset, the N-1 innocent ones
 * must be resubmitted and complete with the right data; then the device
 * must run jobs again and the driver's live-object counters must return.
 * Build: gcc -static -I uapi -I uapi/drm; run in the co-sim VM
 * (tools/vm/run.sh --file). Prints KTAP, exit 0 when all passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dnpu_drm.h"
#include "dnpu_hw.h"

#define NJOBS	4
#define SZ	4096u
#define LEN	64u

enum { B_CMD, B_SRC, B_DST, B_RES, B_COUNT };

struct job {
	uint32_t h[B_COUNT];
	uint8_t *m[B_COUNT];
	uint32_t sync;
};

static int fd, ncase, nfail;
static char dbg[PATH_MAX];

static void result(int ok, const char *name, const char *detail)
{
	ncase++;
	nfail += !ok;
	printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", ncase, name,
	       detail ? " # " : "", detail ? detail : "");
	fflush(stdout);
}

static int open_dnpu(void)
{
	static const char *const paths[] = { "/dev/accel/accel0", "/dev/dri/renderD128" };
	char name[16];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int f = open(paths[i], O_RDWR | O_CLOEXEC);

		memset(name, 0, sizeof(name));
		if (f >= 0 && !ioctl(f, DRM_IOCTL_VERSION, &v) && !strcmp(name, "dnpu"))
			return f;
		if (f >= 0)
			close(f);
	}
	return -1;
}

static int find_debugfs(void)
{
	static const char *const roots[] = { "/sys/kernel/debug/accel", "/sys/kernel/debug/dri" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		DIR *d = opendir(roots[i]);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			snprintf(dbg, sizeof(dbg), "%s/%s/inject", roots[i], e->d_name);
			if (!access(dbg, W_OK)) {
				snprintf(dbg, sizeof(dbg), "%s/%s", roots[i], e->d_name);
				closedir(d);
				return 0;
			}
		}
		if (d)
			closedir(d);
	}
	return -1;
}

static int debugfs_write(const char *file, const char *val)
{
	char p[PATH_MAX + 16];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dbg, file);
	f = fopen(p, "w");
	if (!f)
		return -1;
	fputs(val, f);
	return fclose(f);
}

/* live "bos", "jobs" and "fences" summed */
static long live_objects(void)
{
	char p[PATH_MAX + 16], key[32];
	long v, sum = 0;
	FILE *f;

	snprintf(p, sizeof(p), "%s/leaks", dbg);
	f = fopen(p, "r");
	if (!f)
		return -1;
	while (fscanf(f, "%31[^:]: %ld\n", key, &v) == 2)
		sum += v;
	fclose(f);
	return sum;
}

static int job_init(struct job *j, unsigned int seed)
{
	struct drm_syncobj_create sc = { 0 };
	struct dnpu_cmd_dma *ld, *st;
	int i;

	for (i = 0; i < B_COUNT; i++) {
		struct drm_dnpu_bo_create bc = { .size = SZ };
		struct drm_dnpu_bo_mmap_offset mo = { 0 };

		if (ioctl(fd, DRM_IOCTL_DNPU_BO_CREATE, &bc))
			return -1;
		j->h[i] = mo.handle = bc.handle;
		if (ioctl(fd, DRM_IOCTL_DNPU_BO_MMAP_OFFSET, &mo))
			return -1;
		j->m[i] = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			       (off_t)mo.offset);
		if (j->m[i] == MAP_FAILED)
			return -1;
	}
	if (ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return -1;
	j->sync = sc.handle;
	for (i = 0; i < (int)LEN; i++)
		j->m[B_SRC][i] = (uint8_t)(seed * 37u + (unsigned int)i);
	memset(j->m[B_DST], 0xee, SZ);
	memset(j->m[B_RES], 0xff, sizeof(struct dnpu_job_completion));
	/* LOAD 64 B -> IN, BARRIER, STORE IN -> dst, END */
	memset(j->m[B_CMD], 0, 4 * DNPU_CMD_BYTES);
	ld = (void *)j->m[B_CMD];
	st = (void *)(j->m[B_CMD] + 2 * DNPU_CMD_BYTES);
	ld->w0 = DNPU_CMD_W0(DNPU_OP_LOAD, 0, 0);
	ld->region = DNPU_DMA_REGION(B_SRC, DNPU_SPAD_IN, 0);
	ld->len0 = LEN;
	ld->count1 = 1;
	ld->count2 = 1;
	*(uint32_t *)(j->m[B_CMD] + DNPU_CMD_BYTES) = DNPU_CMD_W0(DNPU_OP_BARRIER, 0, 0);
	st->w0 = DNPU_CMD_W0(DNPU_OP_STORE, 0, 0);
	st->region = DNPU_DMA_REGION(B_DST, DNPU_SPAD_IN, 0);
	st->len0 = LEN;
	st->count1 = 1;
	st->count2 = 1;
	*(uint32_t *)(j->m[B_CMD] + 3 * DNPU_CMD_BYTES) = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
	return 0;
}

static int job_submit(struct job *j, uint32_t prio)
{
	struct drm_dnpu_submit_bo bos[B_COUNT] = {
		{ j->h[B_CMD], DRM_DNPU_BO_READ }, { j->h[B_SRC], DRM_DNPU_BO_READ },
		{ j->h[B_DST], DRM_DNPU_BO_WRITE }, { j->h[B_RES], DRM_DNPU_BO_WRITE },
	};
	struct drm_dnpu_submit s = {
		.bos = (uintptr_t)bos, .bo_count = B_COUNT, .cmd_bo = B_CMD,
		.cmd_count = 4, .out_syncobj = j->sync, .result_bo = B_RES,
		.priority = prio,
	};

	return ioctl(fd, DRM_IOCTL_DNPU_SUBMIT, &s) ? -errno : 0;
}

static int job_ok(const struct job *j)
{
	const struct dnpu_job_completion *r = (const void *)j->m[B_RES];

	return r->status == DNPU_JOB_OK && !memcmp(j->m[B_DST], j->m[B_SRC], LEN) &&
	       j->m[B_DST][LEN] == 0xee;
}

static int wait_all(struct job *jobs, unsigned int n, unsigned int seconds)
{
	uint32_t h[NJOBS];
	struct timespec ts;
	unsigned int i;

	for (i = 0; i < n; i++)
		h[i] = jobs[i].sync;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)h, .count_handles = n,
		.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
		.timeout_nsec = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
				(int64_t)seconds * 1000000000,
	};
	return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ? -errno : 0;
}

int main(void)
{
	struct job jobs[NJOBS];
	char msg[160];
	long live0;
	unsigned int i, innocent_ok = 0;
	int ret;

	printf("KTAP version 1\n1..5\n");
	fd = open_dnpu();
	if (fd < 0 || find_debugfs()) {
		result(0, "setup", "no dnpu device or debugfs");
		return 1;
	}
	live0 = live_objects();
	for (i = 0; i < NJOBS; i++)
		if (job_init(&jobs[i], i + 1)) {
			result(0, "setup", strerror(errno));
			return 1;
		}
	/* every priority once: HIGH needs CAP_SYS_NICE (we are root) */
	ret = job_submit(&jobs[0], DRM_DNPU_PRIO_HIGH);
	ret = ret ?: wait_all(jobs, 1, 10);
	result(!ret && job_ok(&jobs[0]), "high_priority_job", ret ? strerror(-ret) : NULL);

	for (i = 0; i < NJOBS; i++) {
		memset(jobs[i].m[B_DST], 0xee, SZ);
		memset(jobs[i].m[B_RES], 0xff, sizeof(struct dnpu_job_completion));
	}
	ret = debugfs_write("inject", "1");
	for (i = 0; !ret && i < NJOBS; i++)
		ret = job_submit(&jobs[i], i % 2 ? DRM_DNPU_PRIO_NORMAL : DRM_DNPU_PRIO_LOW);
	ret = ret ?: wait_all(jobs, NJOBS, 60);
	result(!ret, "all_fences_signal_after_hang", ret ? strerror(-ret) : NULL);

	for (i = 0; i < NJOBS; i++)
		innocent_ok += job_ok(&jobs[i]);
	snprintf(msg, sizeof(msg), "%u of %u jobs completed", innocent_ok, NJOBS);
	/* exactly the guilty one (at the ring head) is lost */
	result(innocent_ok == NJOBS - 1, "innocent_jobs_resubmitted", msg);

	memset(jobs[1].m[B_DST], 0xee, SZ);
	ret = job_submit(&jobs[1], DRM_DNPU_PRIO_NORMAL);
	ret = ret ?: wait_all(&jobs[1], 1, 10);
	result(!ret && job_ok(&jobs[1]), "job_after_reset", ret ? strerror(-ret) : NULL);

	for (i = 0; i < NJOBS; i++) {
		int b;

		for (b = 0; b < B_COUNT; b++)
			munmap(jobs[i].m[b], SZ);
	}
	close(fd);
	for (i = 0; i < 50 && live_objects() != live0; i++)
		usleep(100000);
	snprintf(msg, sizeof(msg), "live objects %ld -> %ld", live0, live_objects());
	result(live_objects() == live0, "no_leaks", msg);
	return nfail ? 1 : 0;
}
