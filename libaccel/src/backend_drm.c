/* SPDX-License-Identifier: MIT */
/*
 * The "drm" backend: the same compiled programs as the sim backend
 * (compiler/, devjob.h), run on the device behind the dnpu kernel driver
 * (uapi/drm/dnpu_drm.h). Each op is one job whose regions are GEM buffer
 * objects: the command stream and the constants go into BOs once, when the
 * op is prepared; activations are copied into per-context staging BOs (the
 * driver has no userptr, so the arena cannot be mapped in place), the job is
 * submitted with a result BO that receives the completion record, waited
 * for on a syncobj, and the output is copied back.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sync_file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

#ifdef ACCEL_HAVE_DRM

#include "compiler/compile.h"
#include "devjob.h"
#include "dnpu_drm.h"
#include "ops/ops_internal.h"
#ifdef ACCEL_HAVE_LIBDRM
#include <xf86drm.h>
#endif

/* How long a job may take before we give up on it: the driver's watchdog
 * (which ends a hung job with -ETIMEDOUT) is far shorter; this only bounds
 * a wait on a broken driver. Generous because emulated devices are slow. */
#define DRM_WAIT_NS		(120ull * 1000000000ull)
#define DRM_OP_MAGIC		0x44504f44u /* tags our per-op state */
/* Staging BOs of the activation regions, and the result record. */
enum { STAGE_IN0, STAGE_OUT, STAGE_IN1, STAGE_COUNT };

struct drm_bo {
	uint32_t handle;
	uint8_t *map;
	size_t size;
};

struct drm_dev {
	int fd;
	char node[PATH_MAX];
	struct dnpu_caps caps;
	uint32_t syncobj;
	struct drm_bo stage[STAGE_COUNT];
	struct drm_bo result;
};

/* A compiled program with its command stream and constants in BOs. */
struct drm_prog {
	struct dnpu_program prog;
	struct drm_bo cmd, consts;
};

struct drm_op {
	uint32_t magic;
	struct drm_prog plain;
	struct drm_prog fused;	/* conv + the residual add after it */
	const struct accel_op *fused_add;
	bool done_by_producer;	/* add: the conv before already computed it */
	bool ran_fused;		/* last run used the fused program / was fused */
	uint64_t seqno;
	struct dnpu_job_completion last;
};

/* ---- device discovery ---- */

/* Driver name of the DRM node @fd, "" if it is not a DRM node. */
static void driver_name(int fd, char *name, size_t len)
{
	struct drm_version v;

	memset(name, 0, len);
	memset(&v, 0, sizeof(v));
	v.name = name;
	v.name_len = len - 1;
	if (ioctl(fd, DRM_IOCTL_VERSION, &v))
		name[0] = 0;
}

/*
 * Open @path if it is a dnpu node: the fd, or -1 with what it is instead
 * appended to @why (the probe's error names every node it looked at).
 */
static int open_if_dnpu(const char *path, char *why, size_t len)
{
	char name[32];
	size_t n = strlen(why);
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(why + n, len - n, "%s%s: %s", n ? ", " : "", path,
			 strerror(errno));
		return -1;
	}
	driver_name(fd, name, sizeof(name));
	if (strcmp(name, "dnpu") == 0)
		return fd;
	snprintf(why + n, len - n, "%s%s: driver %s", n ? ", " : "", path,
		 name[0] ? name : "unknown");
	close(fd);
	return -1;
}

/* First dnpu node among the entries of @dir starting with @prefix. */
static int scan_dir(const char *dir, const char *prefix, char *node,
		    size_t node_len, char *why, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	int fd = -1;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while (fd < 0 && (e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fd = open_if_dnpu(path, why, len);
		if (fd >= 0)
			snprintf(node, node_len, "%s", path);
	}
	closedir(d);
	return fd;
}

#ifdef ACCEL_HAVE_LIBDRM
/* Render nodes as libdrm enumerates them (it does not list accel nodes). */
static int scan_libdrm(char *node, size_t node_len, char *why, size_t len)
{
	drmDevicePtr devs[16];
	int n = drmGetDevices2(0, devs, 16), fd = -1;

	for (int i = 0; i < n; i++) {
		if (fd < 0 && (devs[i]->available_nodes & (1 << DRM_NODE_RENDER))) {
			fd = open_if_dnpu(devs[i]->nodes[DRM_NODE_RENDER], why, len);
			if (fd >= 0)
				snprintf(node, node_len, "%s",
					 devs[i]->nodes[DRM_NODE_RENDER]);
		}
	}
	if (n > 0)
		drmFreeDevices(devs, n);
	return fd;
}
#endif

/*
 * Find and open the dnpu device: $ACCEL_DRM_DEVICE if set, else the accel
 * nodes (kernels >= 6.2), else the render nodes. -1 with the reason in @why.
 */
static int find_device(char *node, size_t node_len, char *why, size_t len)
{
	const char *forced = getenv("ACCEL_DRM_DEVICE");
	char seen[200] = "";
	int fd;

	if (forced && forced[0]) {
		fd = open_if_dnpu(forced, seen, sizeof(seen));
		if (fd >= 0) {
			snprintf(node, node_len, "%s", forced);
			return fd;
		}
		snprintf(why, len, "no dnpu device: ACCEL_DRM_DEVICE=%s", seen);
		return -1;
	}
	fd = scan_dir("/dev/accel", "accel", node, node_len, seen, sizeof(seen));
#ifdef ACCEL_HAVE_LIBDRM
	if (fd < 0)
		fd = scan_libdrm(node, node_len, seen, sizeof(seen));
#else
	if (fd < 0)
		fd = scan_dir("/dev/dri", "renderD", node, node_len, seen,
			      sizeof(seen));
#endif
	if (fd < 0)
		snprintf(why, len, "no dnpu device: %s",
			 seen[0] ? seen : "no /dev/accel/accel* or /dev/dri/renderD* node");
	return fd;
}

static int drm_probe(char *why, size_t len)
{
	char node[PATH_MAX];
	int fd = find_device(node, sizeof(node), why, len);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* ---- buffer objects ---- */

static int bo_create(struct drm_dev *d, size_t size, struct drm_bo *bo,
		     char *err, size_t len)
{
	struct drm_dnpu_bo_create bc = { .size = size ? size : 1 };
	struct drm_dnpu_bo_mmap_offset mo = { 0 };
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	memset(bo, 0, sizeof(*bo));
	if (ioctl(d->fd, DRM_IOCTL_DNPU_BO_CREATE, &bc)) {
		snprintf(err, len, "%s: BO_CREATE of %zu bytes: %s", d->node,
			 size, strerror(errno));
		return -1;
	}
	bo->handle = bc.handle;
	bo->size = (bc.size + (size_t)page - 1) & ~((size_t)page - 1);
	mo.handle = bc.handle;
	if (ioctl(d->fd, DRM_IOCTL_DNPU_BO_MMAP_OFFSET, &mo)) {
		snprintf(err, len, "%s: BO_MMAP_OFFSET: %s", d->node,
			 strerror(errno));
		return -1;
	}
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		 (off_t)mo.offset);
	if (p == MAP_FAILED) {
		snprintf(err, len, "%s: mmap of a %zu-byte BO: %s", d->node,
			 bo->size, strerror(errno));
		return -1;
	}
	bo->map = p;
	return 0;
}

static void bo_destroy(struct drm_dev *d, struct drm_bo *bo)
{
	struct drm_gem_close gc = { .handle = bo->handle };

	if (bo->map)
		munmap(bo->map, bo->size);
	if (bo->handle)
		ioctl(d->fd, DRM_IOCTL_GEM_CLOSE, &gc);
	memset(bo, 0, sizeof(*bo));
}

/* A staging BO of at least @size bytes (grown, never shrunk). */
static struct drm_bo *stage(struct drm_dev *d, unsigned i, size_t size,
			    char *err, size_t len)
{
	struct drm_bo *bo = &d->stage[i];

	if (bo->map && bo->size >= size)
		return bo;
	bo_destroy(d, bo);
	return bo_create(d, size, bo, err, len) ? NULL : bo;
}

/* ---- context ---- */

static int get_param(struct drm_dev *d, uint32_t param, uint64_t *value)
{
	struct drm_dnpu_get_param gp = { .param = param };

	if (ioctl(d->fd, DRM_IOCTL_DNPU_GET_PARAM, &gp))
		return -1;
	*value = gp.value;
	return 0;
}

/* What the compiler must tile to, as the device reports it. */
static int read_caps(struct drm_dev *d, char *err, size_t len)
{
	struct drm_dnpu_device_info info;
	struct drm_dnpu_query q = {
		.type = DRM_DNPU_QUERY_DEVICE_INFO,
		.size = sizeof(info),
		.ptr = (uintptr_t)&info,
	};
	uint64_t uapi = 0;

	if (get_param(d, DRM_DNPU_PARAM_UAPI_VERSION, &uapi)) {
		snprintf(err, len, "%s: GET_PARAM: %s", d->node, strerror(errno));
		return -1;
	}
	if (uapi != DRM_DNPU_UAPI_VERSION) {
		snprintf(err, len, "%s: driver uapi version %llu, libaccel knows %u",
			 d->node, (unsigned long long)uapi, DRM_DNPU_UAPI_VERSION);
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (ioctl(d->fd, DRM_IOCTL_DNPU_QUERY, &q)) {
		snprintf(err, len, "%s: QUERY device info: %s", d->node,
			 strerror(errno));
		return -1;
	}
	if (q.size < offsetof(struct drm_dnpu_device_info, pad)) {
		snprintf(err, len, "%s: device info of %u bytes is too short",
			 d->node, q.size);
		return -1;
	}
	memset(&d->caps, 0, sizeof(d->caps));
	d->caps.rows = info.array_rows;
	d->caps.cols = info.array_cols;
	d->caps.lanes = info.nmc_lanes;
	d->caps.features = info.features;
	for (unsigned i = 0; i < DNPU_SPAD_COUNT; i++)
		d->caps.spad[i] = info.spad_bytes[i];
	if (!d->caps.rows || !d->caps.cols) {
		snprintf(err, len, "%s: device reports an empty array", d->node);
		return -1;
	}
	if (info.max_regions < DNPU_RGN_MAX + 1) {
		snprintf(err, len, "%s: device takes %u regions per job, need %u",
			 d->node, info.max_regions, DNPU_RGN_MAX + 1);
		return -1;
	}
	return 0;
}

static void drm_close(void *priv)
{
	struct drm_dev *d = priv;

	if (!d)
		return;
	for (unsigned i = 0; i < STAGE_COUNT; i++)
		bo_destroy(d, &d->stage[i]);
	bo_destroy(d, &d->result);
	if (d->syncobj) {
		struct drm_syncobj_destroy sd = { .handle = d->syncobj };

		ioctl(d->fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd);
	}
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

static int drm_open(void **priv, char *err, size_t len)
{
	struct drm_dev *d = calloc(1, sizeof(*d));
	struct drm_syncobj_create sc = { 0 };

	if (!d) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	d->fd = find_device(d->node, sizeof(d->node), err, len);
	if (d->fd < 0)
		goto fail;
	if (read_caps(d, err, len))
		goto fail;
	if (ioctl(d->fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc)) {
		snprintf(err, len, "%s: SYNCOBJ_CREATE: %s", d->node,
			 strerror(errno));
		goto fail;
	}
	d->syncobj = sc.handle;
	if (bo_create(d, sizeof(struct dnpu_job_completion), &d->result, err, len))
		goto fail;
	*priv = d;
	return 0;
fail:
	drm_close(d);
	return -1;
}

/* ---- ops ---- */

static int64_t drm_op_cost(void *priv, const struct accel_model *m,
			   const struct accel_op *op, char *why, size_t len)
{
	struct drm_dev *d = priv;
	struct dnpu_program p;

	if (dnpu_compile_op(&d->caps, m, op, &p, why, len))
		return -1;
	int64_t ns = devjob_cost_ns(&d->caps, &p);
	dnpu_program_free(&p);
	/* free when the conv before it takes it into its epilogue */
	if (op->opcode == ACCEL_OP_ADD &&
	    devjob_add_fuses_into_prev(&d->caps, m, op))
		return 0;
	return ns;
}

/* Command stream and constants into their BOs, once. */
static int upload(struct drm_dev *d, struct drm_prog *dp, char *err, size_t len)
{
	size_t cmd_bytes = (size_t)dp->prog.n_cmds * DNPU_CMD_BYTES;

	if (bo_create(d, cmd_bytes, &dp->cmd, err, len) ||
	    bo_create(d, dp->prog.const_bytes, &dp->consts, err, len))
		return -1;
	memcpy(dp->cmd.map, dp->prog.cmds, cmd_bytes);
	if (dp->prog.const_bytes)
		memcpy(dp->consts.map, dp->prog.consts, dp->prog.const_bytes);
	return 0;
}

static void prog_free(struct drm_dev *d, struct drm_prog *dp)
{
	bo_destroy(d, &dp->cmd);
	bo_destroy(d, &dp->consts);
	dnpu_program_free(&dp->prog);
}

static void drm_release(void *priv, struct accel_op *op)
{
	struct drm_op *so = op->user_data;

	if (!so || so->magic != DRM_OP_MAGIC)
		return;
	prog_free(priv, &so->plain);
	prog_free(priv, &so->fused);
	so->magic = 0;
	free(so);
	op->user_data = NULL;
}

static int drm_prepare(void *priv, struct accel_model *m, struct accel_op *op,
		       char *err, size_t len)
{
	struct drm_dev *d = priv;
	struct drm_op *so = calloc(1, sizeof(*so));
	const struct accel_op *add;
	char why[128];

	if (!so) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	so->magic = DRM_OP_MAGIC;
	op->user_data = so;
	if (dnpu_compile_op(&d->caps, m, op, &so->plain.prog, err, len) ||
	    upload(d, &so->plain, err, len))
		goto fail;
	add = devjob_fusable_add(m, op);
	if (add && dnpu_compile_conv_add(&d->caps, m, op, add, &so->fused.prog,
					 why, sizeof(why)) == 0) {
		if (upload(d, &so->fused, err, len))
			goto fail;
		so->fused_add = add;
	}
	return 0;
fail:
	drm_release(d, op);
	return -1;
}

/* Our state of @op if this backend prepared it, else NULL. */
static struct drm_op *drm_state(const struct accel_op *op)
{
	struct drm_op *so = op->user_data;

	return so && so->magic == DRM_OP_MAGIC ? so : NULL;
}

static uint64_t deadline_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec +
	       DRM_WAIT_NS;
}

/*
 * The error the job's fence ended with (-ETIMEDOUT: the driver's watchdog
 * ended a hung job, -EIO: fault or firmware crash), 0 if it is fine or
 * cannot be read: exported as a sync_file, whose info has the status.
 */
static int fence_error(struct drm_dev *d)
{
	struct drm_syncobj_handle h = {
		.handle = d->syncobj,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
		.fd = -1,
	};
	struct sync_file_info info;
	int err = 0;

	if (ioctl(d->fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h))
		return 0;
	memset(&info, 0, sizeof(info));
	if (ioctl(h.fd, SYNC_IOC_FILE_INFO, &info) == 0 && info.status < 0)
		err = info.status;
	close(h.fd);
	return err;
}

/*
 * One job: inputs into the staging BOs, SUBMIT (BO i = region i, then the
 * result BO), wait on the syncobj, check the completion record, output
 * back into the arena.
 */
static int submit(struct drm_dev *d, struct drm_prog *dp,
		  struct accel_tensor *const t[DNPU_RGN_MAX], struct drm_op *so,
		  char *err, size_t len)
{
	static const unsigned stage_of[DNPU_RGN_MAX] = {
		[DNPU_RGN_IN0] = STAGE_IN0, [DNPU_RGN_OUT] = STAGE_OUT,
		[DNPU_RGN_IN1] = STAGE_IN1,
	};
	struct drm_dnpu_submit_bo bos[DNPU_RGN_MAX + 1];
	struct dnpu_job_completion *rec = (void *)d->result.map;
	const struct dnpu_program *p = &dp->prog;
	uint32_t n = p->n_regions;
	struct drm_bo *out = NULL;

	bos[DNPU_RGN_CMD] = (struct drm_dnpu_submit_bo){ dp->cmd.handle, DRM_DNPU_BO_READ };
	bos[DNPU_RGN_CONST] = (struct drm_dnpu_submit_bo){ dp->consts.handle, DRM_DNPU_BO_READ };
	if (devjob_check_regions(p, t, err, len))
		return -1;
	for (uint32_t r = DNPU_RGN_IN0; r < n; r++) {
		struct drm_bo *bo = stage(d, stage_of[r], t[r]->bytes, err, len);

		if (!bo)
			return -1;
		if (devjob_region_writable(r)) {
			out = bo;
			bos[r] = (struct drm_dnpu_submit_bo){ bo->handle, DRM_DNPU_BO_WRITE };
		} else {
			memcpy(bo->map, t[r]->data, t[r]->bytes);
			bos[r] = (struct drm_dnpu_submit_bo){ bo->handle, DRM_DNPU_BO_READ };
		}
	}
	bos[n] = (struct drm_dnpu_submit_bo){ d->result.handle, DRM_DNPU_BO_WRITE };
	memset(rec, 0xff, sizeof(*rec));	/* "never written" */

	struct drm_dnpu_submit s = {
		.bos = (uintptr_t)bos, .bo_count = n + 1,
		.cmd_bo = DNPU_RGN_CMD, .cmd_offset = 0, .cmd_count = p->n_cmds,
		.out_syncobj = d->syncobj, .result_bo = n, .result_offset = 0,
		.priority = DRM_DNPU_PRIO_NORMAL,
	};
	if (ioctl(d->fd, DRM_IOCTL_DNPU_SUBMIT, &s)) {
		snprintf(err, len, "%s: SUBMIT: %s", d->node, strerror(errno));
		return -1;
	}
	so->seqno = s.seqno;

	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&d->syncobj, .count_handles = 1,
		.timeout_nsec = (int64_t)deadline_ns(),
	};
	if (ioctl(d->fd, DRM_IOCTL_SYNCOBJ_WAIT, &w)) {
		snprintf(err, len, "%s: job %llu: wait: %s", d->node,
			 (unsigned long long)s.seqno, strerror(errno));
		return -1;
	}
	if (rec->seqno != (uint32_t)s.seqno) {
		/* the driver ended it without the firmware's record: reset,
		 * firmware crash or lost completion */
		int e = fence_error(d);

		if (e)
			snprintf(err, len, "%s: job %llu ended without a completion record (fence error %d: %s)",
				 d->node, (unsigned long long)s.seqno, e,
				 strerror(-e));
		else
			snprintf(err, len, "%s: job %llu ended without a completion record",
				 d->node, (unsigned long long)s.seqno);
		return -1;
	}
	if (rec->status != DNPU_JOB_OK) {
		size_t k = (size_t)snprintf(err, len, "%s: job %llu: ", d->node,
					    (unsigned long long)s.seqno);
		devjob_fault_str(rec, err + (k < len ? k : len),
				 k < len ? len - k : 0);
		return -1;
	}
	so->last = *rec;
	memcpy(t[DNPU_RGN_OUT]->data, out->map, t[DNPU_RGN_OUT]->bytes);
	return 0;
}

static int drm_run(void *priv, struct accel_model *m, struct accel_op *op,
		   char *err, size_t len)
{
	struct drm_dev *d = priv;
	struct drm_op *so = op->user_data, *add_so = NULL;
	struct drm_prog *dp = &so->plain;
	struct accel_tensor *t[DNPU_RGN_MAX];

	devjob_op_regions(m, op, &dp->prog, t);
	if (so->done_by_producer) {	/* computed in the conv's epilogue */
		so->done_by_producer = false;
		memset(&so->last, 0, sizeof(so->last));
		so->ran_fused = true;
		return 0;
	}
	so->ran_fused = false;
	/* fuse only when the add also runs here and its output is free */
	if (so->fused_add)
		add_so = drm_state(so->fused_add);
	if (add_so && devjob_fused_regions(m, so->fused_add, t)) {
		dp = &so->fused;
		add_so->done_by_producer = true;
		so->ran_fused = true;
	}
	if (submit(d, dp, t, so, err, len)) {
		if (add_so)
			add_so->done_by_producer = false;
		return -1;
	}
	return 0;
}

static size_t drm_scratch_bytes(void *priv, const struct accel_model *m,
				const struct accel_op *op)
{
	const struct drm_op *so = drm_state(op);

	(void)priv;
	(void)m;
	return so ? so->plain.cmd.size + so->plain.consts.size +
		    so->fused.cmd.size + so->fused.consts.size : 0;
}

static void drm_op_stats(void *priv, const struct accel_op *op,
			 struct accel_device_stats *st)
{
	const struct drm_dev *d = priv;
	const struct drm_op *so = drm_state(op);
	const struct dnpu_program *p;

	if (!so)
		return;
	p = !so->ran_fused ? &so->plain.prog :
	    so->fused.prog.cmds ? &so->fused.prog : NULL;
	/* the perf-counter events (array_macs, nmc_ops, spad_*) need
	 * register access the driver does not give per job: left 0 */
	devjob_op_stats(&d->caps, p, &so->last, st);
}

const struct accel_backend_ops accel_backend_drm = {
	.name = "drm",
	.kind = ACCEL_BACKEND_DRM,
	.probe = drm_probe,
	.open = drm_open,
	.close = drm_close,
	.op_cost = drm_op_cost,
	.prepare = drm_prepare,
	.run = drm_run,
	.release = drm_release,
	.scratch_bytes = drm_scratch_bytes,
	.op_stats = drm_op_stats,
};

#endif /* ACCEL_HAVE_DRM */
