// SPDX-License-Identifier: MIT
/*
 * End-to-end jobs through the real driver in the co-simulation VM: BOs are
 * created and mmapped through the dnpu uapi, a command stream (LOAD with
 * padding, BARRIER, STORE, END) is submitted, the device model executes it
 * with its DMA landing in the BOs' guest pages, and the job's syncobj and
 * result record come back through the interrupt path. Also: a job that
 * reads past its region must fault (only that job), invalid submissions are
 * refused, and several processes submit concurrently. With --faults, the
 * device's fault injection (driver debugfs "inject") is exercised too: an
 * injected DMA fault, a dropped completion interrupt, a hung engine and a
 * firmware crash must each end only the affected job, the next job must
 * succeed, and the driver's object counters (debugfs "leaks") must return
 * to where they started.
 *   dnpu_jobs [--procs N] [--jobs M] [--faults] [--skip CASE]...
 * --skip reports a fault case as skipped (KTAP "# SKIP") instead of running
 * it, for a device where it is known not to hold yet.
 * Prints KTAP; exit status 0 when every case passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dnpu_drm.h"
#include "dnpu_hw.h"
#include "guest_util.h"

#define BO_SIZE		4096u
#define WAIT_NS		(10ull * 1000000000ull)
/* copy geometry: ROWS rows of LEN bytes, padded by PAD bytes each side
 * and one pad row above and below, stored back as one tile */
#define ROWS		5u
#define LEN		24u
#define PAD		3u
#define PITCH		(LEN + 2 * PAD)
#define TILE_ROWS	(ROWS + 2)
#define PAD_VALUE	0x7f

enum { B_CMD, B_SRC, B_DST, B_RES, B_COUNT };

struct ctx {
	int fd;
	uint32_t handle[B_COUNT];
	uint8_t *map[B_COUNT];
	uint32_t syncobj;
};

static const char *skipped[8];
static int nskipped;

/* Report @name as skipped when it was given with --skip. */
static int skip_case(const char *name)
{
	int i;

	for (i = 0; i < nskipped; i++) {
		if (strcmp(skipped[i], name) == 0) {
			case_no++;
			printf("ok %d %s # SKIP --skip\n", case_no, name);
			fflush(stdout);
			return 1;
		}
	}
	return 0;
}

static uint64_t deadline_ns(uint64_t from_now)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
	       from_now;
}

static int ctx_init(struct ctx *c)
{
	struct drm_syncobj_create sc = { 0 };
	int i;

	memset(c, 0, sizeof(*c));
	c->fd = open_node();
	if (c->fd < 0)
		return -ENODEV;
	for (i = 0; i < B_COUNT; i++) {
		struct drm_dnpu_bo_create bc = { .size = BO_SIZE };
		struct drm_dnpu_bo_mmap_offset mo = { 0 };
		void *p;

		if (ioctl(c->fd, DRM_IOCTL_DNPU_BO_CREATE, &bc))
			return -errno;
		c->handle[i] = bc.handle;
		mo.handle = bc.handle;
		if (ioctl(c->fd, DRM_IOCTL_DNPU_BO_MMAP_OFFSET, &mo))
			return -errno;
		p = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 c->fd, (off_t)mo.offset);
		if (p == MAP_FAILED)
			return -errno;
		c->map[i] = p;
	}
	if (ioctl(c->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc))
		return -errno;
	c->syncobj = sc.handle;
	return 0;
}

static void ctx_fini(struct ctx *c)
{
	int i;

	for (i = 0; i < B_COUNT; i++)
		if (c->map[i])
			munmap(c->map[i], BO_SIZE);
	if (c->fd >= 0)
		close(c->fd);	/* releases BOs and the syncobj */
}

/* LOAD src (padded) -> IN; BARRIER; STORE IN -> dst; END. */
static void build_copy(struct ctx *c, uint32_t src_offset)
{
	struct dnpu_cmd_dma *ld = (void *)c->map[B_CMD];
	struct dnpu_cmd_dma *st = (void *)(c->map[B_CMD] + 2 * DNPU_CMD_BYTES);
	uint32_t *bar = (void *)(c->map[B_CMD] + DNPU_CMD_BYTES);
	uint32_t *end = (void *)(c->map[B_CMD] + 3 * DNPU_CMD_BYTES);

	memset(c->map[B_CMD], 0, 4 * DNPU_CMD_BYTES);
	ld->w0 = DNPU_CMD_W0(DNPU_OP_LOAD, 0, 0);
	ld->region = DNPU_DMA_REGION(B_SRC, DNPU_SPAD_IN, PAD_VALUE);
	ld->offset = src_offset;
	ld->spad_addr = 0;
	ld->len0 = LEN;
	ld->count1 = ROWS;
	ld->src_stride1 = LEN + 8;	/* rows are 8 bytes apart in the BO */
	ld->dst_stride1 = PITCH;
	ld->count2 = 1;
	ld->pad0 = DNPU_PAIR(PAD, PAD);
	ld->pad1 = DNPU_PAIR(1, 1);
	bar[0] = DNPU_CMD_W0(DNPU_OP_BARRIER, 0, 0);
	st->w0 = DNPU_CMD_W0(DNPU_OP_STORE, 0, 0);
	st->region = DNPU_DMA_REGION(B_DST, DNPU_SPAD_IN, 0);
	st->offset = 0;
	st->spad_addr = 0;
	st->len0 = PITCH * TILE_ROWS;
	st->count1 = 1;
	st->src_stride1 = 0;
	st->dst_stride1 = 0;
	st->count2 = 1;
	end[0] = DNPU_CMD_W0(DNPU_OP_END, 0, 0);
}

static void expected_tile(const uint8_t *src, uint8_t *out)
{
	unsigned int r, i;

	memset(out, PAD_VALUE, PITCH * TILE_ROWS);
	for (r = 0; r < ROWS; r++)
		for (i = 0; i < LEN; i++)
			out[(r + 1) * PITCH + PAD + i] = src[r * (LEN + 8) + i];
}

static int submit(struct ctx *c, uint64_t *seqno)
{
	struct drm_dnpu_submit_bo bos[B_COUNT] = {
		[B_CMD] = { c->handle[B_CMD], DRM_DNPU_BO_READ },
		[B_SRC] = { c->handle[B_SRC], DRM_DNPU_BO_READ },
		[B_DST] = { c->handle[B_DST], DRM_DNPU_BO_WRITE },
		[B_RES] = { c->handle[B_RES], DRM_DNPU_BO_WRITE },
	};
	struct drm_dnpu_submit s = {
		.bos = (uintptr_t)bos, .bo_count = B_COUNT,
		.cmd_bo = B_CMD, .cmd_offset = 0, .cmd_count = 4,
		.out_syncobj = c->syncobj, .result_bo = B_RES,
		.result_offset = 0, .priority = DRM_DNPU_PRIO_NORMAL,
	};

	if (ioctl(c->fd, DRM_IOCTL_DNPU_SUBMIT, &s))
		return -errno;
	*seqno = s.seqno;
	return 0;
}

static int wait_job(struct ctx *c)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&c->syncobj, .count_handles = 1,
		.timeout_nsec = (int64_t)deadline_ns(WAIT_NS),
	};

	return ioctl(c->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w) ? -errno : 0;
}

/*
 * Submit one copy job with a pattern from @seed and wait for it. Returns 0
 * once its fence signalled (ok or not; *status = the result record's
 * status, ~0u if the record was never written), -errno otherwise.
 */
static int copy_job(struct ctx *c, unsigned int seed, uint64_t *seqno,
		    uint32_t *status, char *why, size_t len)
{
	struct dnpu_job_completion *res = (void *)c->map[B_RES];
	unsigned int i;
	int ret;

	for (i = 0; i < BO_SIZE; i++)
		c->map[B_SRC][i] = (uint8_t)(i * 31u + seed * 17u + 5u);
	memset(c->map[B_DST], 0xee, BO_SIZE);
	memset(res, 0xff, sizeof(*res));
	build_copy(c, 0);
	ret = submit(c, seqno);
	if (ret) {
		snprintf(why, len, "submit: %s", strerror(-ret));
		return ret;
	}
	ret = wait_job(c);
	if (ret) {
		snprintf(why, len, "syncobj wait: %s", strerror(-ret));
		return ret;
	}
	*status = res->status;
	return 0;
}

/* One copy job that must succeed; 0 when the tile is right. */
static int run_copy(struct ctx *c, unsigned int seed, char *why, size_t len)
{
	struct dnpu_job_completion *res = (void *)c->map[B_RES];
	uint8_t want[PITCH * TILE_ROWS];
	uint64_t seqno = 0;
	uint32_t status = ~0u;
	unsigned int i;

	if (copy_job(c, seed, &seqno, &status, why, len))
		return -1;
	expected_tile(c->map[B_SRC], want);
	if (res->status != DNPU_JOB_OK || res->seqno != (uint32_t)seqno) {
		snprintf(why, len, "result status %u seqno %u (job %llu)",
			 res->status, res->seqno, (unsigned long long)seqno);
		return -1;
	}
	if (memcmp(c->map[B_DST], want, sizeof(want))) {
		snprintf(why, len, "tile differs from the expected copy");
		return -1;
	}
	for (i = sizeof(want); i < BO_SIZE; i++)
		if (c->map[B_DST][i] != 0xee) {
			snprintf(why, len, "byte %u past the tile written", i);
			return -1;
		}
	snprintf(why, len, "seqno %llu, %llu cycles",
		 (unsigned long long)seqno, (unsigned long long)res->cycles);
	return 0;
}

struct leaks {
	long bos, jobs, fences;
};

static char debugfs_dir[PATH_MAX];

/* The device's debugfs directory: the one with an "inject" file. */
static int find_debugfs(void)
{
	static const char *const roots[] = {
		"/sys/kernel/debug/accel", "/sys/kernel/debug/dri",
	};
	char path[PATH_MAX + 300];
	struct dirent *e;
	size_t i;
	DIR *d;

	for (i = 0; i < 2; i++) {
		d = opendir(roots[i]);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/inject", roots[i],
				 e->d_name);
			if (access(path, W_OK) == 0) {
				snprintf(debugfs_dir, sizeof(debugfs_dir),
					 "%s/%s", roots[i], e->d_name);
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	return -1;
}

static int debugfs_write(const char *file, const char *val)
{
	char path[PATH_MAX + 32];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", debugfs_dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -EIO;
}

static int read_leaks(struct leaks *l)
{
	char path[PATH_MAX + 32], line[128];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/leaks", debugfs_dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += sscanf(line, "bos: %ld", &l->bos) +
		     sscanf(line, "jobs: %ld", &l->jobs) +
		     sscanf(line, "fences: %ld", &l->fences);
	fclose(f);
	return n == 3 ? 0 : -1;
}

static uint64_t now_ms(void)
{
	return deadline_ns(0) / 1000000u;
}

/*
 * Inject @bits, run one job (which must not succeed unless @may_succeed),
 * then one that must. Reports the first job's status and how long it took.
 */
static void fault_case(const char *name, const char *bits, uint32_t want,
		       int may_succeed)
{
	char why[128] = "", why2[128] = "";
	uint64_t seqno = 0, t0, t1;
	uint32_t status = ~0u;
	struct ctx c;
	int ret, ok;

	if (skip_case(name))
		return;
	if (ctx_init(&c)) {
		result(0, name, "no device");
		return;
	}
	ret = debugfs_write("inject", bits);
	t0 = now_ms();
	if (!ret)
		ret = copy_job(&c, 7, &seqno, &status, why, sizeof(why));
	t1 = now_ms();
	if (ret == 0 && may_succeed)
		ok = status == DNPU_JOB_OK || status == want;
	else
		ok = ret == 0 && status == want;
	/* the device must be usable again */
	ok = ok && run_copy(&c, 8, why2, sizeof(why2)) == 0;
	result(ok, name, "first job: %s status %d after %llu ms; next job: %s",
	       ret ? why : "done,", (int)status,
	       (unsigned long long)(t1 - t0), why2);
	ctx_fini(&c);
}

static void fault_matrix(const struct leaks *before)
{
	struct leaks after = { 0 };
	int i, ok = 0;

	/* the engine reports the injected fault in the record */
	fault_case("inject_dma_fault", "2", DNPU_FAULT_INJECTED, 0);
	/* the completion is done, only its interrupt is lost: the driver's
	 * timeout handler must notice the progress and complete it */
	fault_case("inject_drop_irq", "8", DNPU_JOB_OK, 1);
	/* no completion record at all: the fence ends with an error */
	fault_case("inject_hang", "1", ~0u, 0);
	/* the firmware traps as soon as it sees the bit, possibly while idle
	 * and before the job arrives: that job may fail or run after the
	 * recovery, but the one after it must succeed */
	fault_case("inject_fw_crash", "4", ~0u, 1);

	/* fences of closed files are released asynchronously */
	for (i = 0; i < 50 && !ok; i++) {
		ok = read_leaks(&after) == 0 && after.bos == before->bos &&
		     after.jobs == before->jobs &&
		     after.fences == before->fences;
		if (!ok)
			usleep(100000);
	}
	result(ok, "no_leaks", "bos %ld->%ld jobs %ld->%ld fences %ld->%ld",
	       before->bos, after.bos, before->jobs, after.jobs,
	       before->fences, after.fences);
}

static int child(int jobs, int id)
{
	char why[128];
	struct ctx c;
	int j;

	if (ctx_init(&c))
		return 2;
	for (j = 0; j < jobs; j++)
		if (run_copy(&c, (unsigned int)(id * 100 + j), why, sizeof(why))) {
			printf("# process %d job %d: %s\n", id, j, why);
			ctx_fini(&c);
			return 1;
		}
	ctx_fini(&c);
	return 0;
}

int main(int argc, char **argv)
{
	struct dnpu_job_completion *res;
	struct drm_dnpu_device_info info;
	struct drm_dnpu_query q = { .type = DRM_DNPU_QUERY_DEVICE_INFO };
	struct drm_dnpu_submit bad;
	struct drm_dnpu_bo_wait bw;
	int procs = 3, jobs = 4, faults = 0, i, ok, ret, st, bad_children = 0;
	struct leaks baseline = { 0 };
	uint64_t seqno = 0;
	char why[128] = "";
	struct ctx c;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc)
			procs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
			jobs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--faults") == 0)
			faults = 1;
		else if (strcmp(argv[i], "--skip") == 0 && i + 1 < argc &&
			 nskipped < (int)(sizeof(skipped) / sizeof(skipped[0])))
			skipped[nskipped++] = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--procs N] [--jobs M] [--faults] [--skip CASE]...\n",
				argv[0]);
			return 2;
		}
	}
	printf("KTAP version 1\n1..%d\n", faults ? 12 : 7);
	if (faults && (find_debugfs() || read_leaks(&baseline))) {
		printf("# no dnpu debugfs inject/leaks files\n");
		return 1;
	}

	ret = ctx_init(&c);
	result(ret == 0, "bo_create_mmap", ret ? strerror(-ret) : NULL);
	if (ret)
		return 1;
	memset(&info, 0, sizeof(info));
	q.size = sizeof(info);
	q.ptr = (uintptr_t)&info;
	ok = ioctl(c.fd, DRM_IOCTL_DNPU_QUERY, &q) == 0;
	result(ok && info.array_rows && info.spad_bytes[DNPU_SPAD_IN] >= PITCH * TILE_ROWS,
	       "query_device_info", "%ux%u array, IN %u bytes, fw 0x%x",
	       info.array_rows, info.array_cols, info.spad_bytes[DNPU_SPAD_IN],
	       info.fw_version);

	ok = run_copy(&c, 1, why, sizeof(why)) == 0;
	result(ok, "copy_job", "%s", why);
	memset(&bw, 0, sizeof(bw));
	bw.handle = c.handle[B_DST];
	bw.timeout_ns = (int64_t)deadline_ns(WAIT_NS);
	ret = ioctl(c.fd, DRM_IOCTL_DNPU_BO_WAIT, &bw) ? -errno : 0;
	result(ret == 0, "bo_wait_idle", ret ? strerror(-ret) : NULL);

	/* 5 rows from 4096 - 64: the last rows are past the 4 KiB region */
	res = (void *)c.map[B_RES];
	memset(res, 0xff, sizeof(*res));
	memset(c.map[B_DST], 0xee, BO_SIZE);
	build_copy(&c, BO_SIZE - 64);
	ret = submit(&c, &seqno);
	if (!ret)
		ret = wait_job(&c);
	ok = ret == 0 && res->status == DNPU_FAULT_OUT_OF_BOUNDS &&
	     res->fault_region == B_SRC && c.map[B_DST][0] == 0xee;
	result(ok, "fault_out_of_bounds", "%s status %u region %u offset 0x%x",
	       ret ? strerror(-ret) : "", res->status, res->fault_region,
	       res->fault_offset);
	ok = run_copy(&c, 2, why, sizeof(why)) == 0;
	result(ok, "job_after_fault", "%s", why);

	/* refused before reaching the device */
	ok = 1;
	memset(&bad, 0, sizeof(bad));
	ok &= ioctl(c.fd, DRM_IOCTL_DNPU_SUBMIT, &bad) == -1 && errno == EINVAL;
	bad.bo_count = 1;
	bad.cmd_count = 1;
	bad.cmd_offset = 4;		/* not 64 B aligned */
	bad.result_bo = ~0u;
	ok &= ioctl(c.fd, DRM_IOCTL_DNPU_SUBMIT, &bad) == -1;
	ctx_fini(&c);

	/* several clients at once, each with its own fd, BOs and syncobj */
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(child(jobs, i + 1));
		if (pid < 0)
			bad_children++;
	}
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad_children++;
	result(ok && bad_children == 0, "concurrent_clients",
	       "%d processes x %d jobs, %d failed; invalid submits %s",
	       procs, jobs, bad_children, ok ? "refused" : "ACCEPTED");
	if (faults)
		fault_matrix(&baseline);
	return failures ? 1 : 0;
}
