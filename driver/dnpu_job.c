// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dnpu: job submission, region tables, the drm_sched backend, completion,
 * timeout and reset.
 */
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <linux/capability.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/highmem.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dnpu_compat.h"
#include "dnpu_drv.h"

static unsigned int job_timeout_ms = 500;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms, "Scheduler timeout before the progress check");

static unsigned int max_timeout_extensions = 15;
module_param(max_timeout_extensions, uint, 0644);
MODULE_PARM_DESC(max_timeout_extensions,
		 "Timeouts a job may survive on heartbeat alone");

static unsigned int engine_clock_mhz = 100;
module_param(engine_clock_mhz, uint, 0644);
MODULE_PARM_DESC(engine_clock_mhz, "Engine clock, converts timeout_ms to kcycles");

/* Hardware fences may outlive the device (scheduler fences hold them). */
static atomic_t dnpu_live_fences = ATOMIC_INIT(0);

struct dnpu_job {
	struct drm_sched_job base;
	struct kref refcount;		/* scheduler + submit ioctl */
	struct dnpu_device *ndev;
	bool sched_inited;
	bool guilty;
	bool in_outage;			/* submitted between crash and reboot */
	enum dnpu_job_state state;

	u64 seqno;			/* uapi seqno */
	u32 hw_seqno;			/* of the current ring run */
	u32 slot;
	struct list_head node;		/* ndev->active while on the ring */
	struct dma_fence *hw_fence;	/* of the current ring run */
	ktime_t start;

	u32 bo_count;
	struct drm_gem_object *bos[DNPU_MAX_REGIONS];
	struct sg_table *sgts[DNPU_MAX_REGIONS];
	u32 bo_flags[DNPU_MAX_REGIONS];
	struct dnpu_region regions[DNPU_MAX_REGIONS];
	__le64 *pagelist;
	dma_addr_t pagelist_dma;
	size_t pagelist_bytes;

	u32 cmd_bo;
	u32 cmd_offset;
	u32 cmd_count;
	u32 result_bo;
	u32 result_offset;
	u32 timeout_kcycles;
	unsigned int max_extensions;
};

static struct dnpu_job *to_dnpu_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct dnpu_job, base);
}

/* ---- hardware fences ---- */

static const char *dnpu_fence_driver_name(struct dma_fence *fence)
{
	return DNPU_DRIVER_NAME;
}

static const char *dnpu_fence_timeline_name(struct dma_fence *fence)
{
	return "dnpu-ring";
}

static void dnpu_fence_release(struct dma_fence *fence)
{
	atomic_dec(&dnpu_live_fences);
	dma_fence_free(fence);
}

static const struct dma_fence_ops dnpu_fence_ops = {
	.get_driver_name = dnpu_fence_driver_name,
	.get_timeline_name = dnpu_fence_timeline_name,
	.release = dnpu_fence_release,
};

static struct dma_fence *dnpu_fence_create(struct dnpu_device *ndev, u32 seqno)
{
	struct dma_fence *fence = kzalloc(sizeof(*fence), GFP_KERNEL);

	if (!fence)
		return NULL;
	dma_fence_init(fence, &dnpu_fence_ops, &ndev->fence_lock,
		       ndev->fence_context, seqno);
	atomic_inc(&dnpu_live_fences);
	return fence;
}

int dnpu_live_fence_count(void)
{
	return atomic_read(&dnpu_live_fences);
}

/* ---- job lifetime ---- */

static void dnpu_job_release(struct kref *ref)
{
	struct dnpu_job *job = container_of(ref, struct dnpu_job, refcount);
	struct dnpu_device *ndev = job->ndev;
	u32 i;

	if (job->sched_inited)
		drm_sched_job_cleanup(&job->base);
	dma_fence_put(job->hw_fence);
	if (job->pagelist)
		dma_free_coherent(ndev->dev, job->pagelist_bytes, job->pagelist,
				  job->pagelist_dma);
	for (i = 0; i < job->bo_count; i++)
		drm_gem_object_put(job->bos[i]);
	atomic_dec(&ndev->counters.live_jobs);
	kfree(job);
}

static void dnpu_job_put(struct dnpu_job *job)
{
	kref_put(&job->refcount, dnpu_job_release);
}

/*
 * Describe every BO of the job as a region: CONTIG when it is one DMA
 * segment, else PAGED with a page list in kernel-owned coherent memory.
 */
static int dnpu_job_map(struct dnpu_job *job)
{
	struct dnpu_device *ndev = job->ndev;
	struct dnpu_dma_seg *segs = NULL;
	unsigned int max_nents = 0;
	u32 total = 0, at = 0, i;
	int ret = 0;

	for (i = 0; i < job->bo_count; i++) {
		struct drm_gem_object *obj = job->bos[i];
		struct sg_table *sgt;

		if (obj->import_attach)
			return -EINVAL;
		sgt = drm_gem_shmem_get_pages_sgt(to_drm_gem_shmem_obj(obj));
		if (IS_ERR(sgt))
			return PTR_ERR(sgt);
		job->sgts[i] = sgt;
		if (sgt->nents > 1)
			total += dnpu_region_pages(obj->size);
		max_nents = max(max_nents, sgt->nents);
	}

	if (total) {
		job->pagelist_bytes = (size_t)total * sizeof(__le64);
		job->pagelist = dma_alloc_coherent(ndev->dev, job->pagelist_bytes,
						   &job->pagelist_dma, GFP_KERNEL);
		if (!job->pagelist)
			return -ENOMEM;
		segs = kvmalloc_array(max_nents, sizeof(*segs), GFP_KERNEL);
		if (!segs)
			return -ENOMEM;
	}

	for (i = 0; i < job->bo_count; i++) {
		struct sg_table *sgt = job->sgts[i];
		u64 size = job->bos[i]->size;
		struct scatterlist *sg;
		u32 npages;
		int k;

		if (sgt->nents == 1) {
			dnpu_region_fill(&job->regions[i], sg_dma_address(sgt->sgl),
					 size, job->bo_flags[i], false);
			continue;
		}
		for_each_sgtable_dma_sg(sgt, sg, k) {
			segs[k].addr = sg_dma_address(sg);
			segs[k].len = sg_dma_len(sg);
		}
		npages = dnpu_region_pages(size);
		ret = dnpu_build_page_list(segs, sgt->nents, job->pagelist + at,
					   npages);
		if (ret)
			break;
		dnpu_region_fill(&job->regions[i],
				 job->pagelist_dma + (u64)at * sizeof(__le64),
				 size, job->bo_flags[i], true);
		at += npages;
	}
	kvfree(segs);
	return ret;
}

/* ---- submit ioctl ---- */

static const enum drm_sched_priority dnpu_prio_map[] = {
	[DRM_DNPU_PRIO_LOW] = DNPU_SCHED_PRIORITY_LOW,
	[DRM_DNPU_PRIO_NORMAL] = DRM_SCHED_PRIORITY_NORMAL,
	[DRM_DNPU_PRIO_HIGH] = DRM_SCHED_PRIORITY_HIGH,
};

int dnpu_file_init_entities(struct dnpu_file *nfile)
{
	struct drm_gpu_scheduler *sched = &nfile->ndev->sched;
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(nfile->entity); i++) {
		ret = drm_sched_entity_init(&nfile->entity[i], dnpu_prio_map[i],
					    &sched, 1, NULL);
		if (ret) {
			while (--i >= 0)
				drm_sched_entity_destroy(&nfile->entity[i]);
			return ret;
		}
	}
	return 0;
}

void dnpu_file_fini_entities(struct dnpu_file *nfile)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(nfile->entity); i++)
		drm_sched_entity_destroy(&nfile->entity[i]);
}

static int dnpu_job_add_in_syncobjs(struct dnpu_job *job, struct drm_file *file,
				    const struct drm_dnpu_submit *args,
				    const char **why)
{
	u32 *handles;
	u32 i;
	int ret = 0;

	if (!args->in_syncobj_count)
		return 0;
	handles = memdup_user(u64_to_user_ptr(args->in_syncobjs),
			      args->in_syncobj_count * sizeof(u32));
	if (IS_ERR(handles)) {
		*why = "cannot read in_syncobjs";
		return PTR_ERR(handles);
	}
	for (i = 0; i < args->in_syncobj_count; i++) {
		struct dma_fence *fence;

		ret = drm_syncobj_find_fence(file, handles[i], 0, 0, &fence);
		if (ret) {
			*why = "unknown in_syncobj handle";
			ret = -ENOENT;
			break;
		}
		/* consumes the fence reference, also on error */
		ret = drm_sched_job_add_dependency(&job->base, fence);
		if (ret) {
			*why = "cannot add dependency";
			break;
		}
	}
	kfree(handles);
	return ret;
}

int dnpu_ioctl_submit(struct drm_device *ddev, void *data,
		      struct drm_file *file)
{
	struct dnpu_device *ndev = to_dnpu(ddev);
	struct dnpu_file *nfile = file->driver_priv;
	struct drm_dnpu_submit *args = data;
	struct drm_dnpu_submit_bo bos[DNPU_MAX_REGIONS];
	u64 sizes[DNPU_MAX_REGIONS];
	struct drm_syncobj *out_sync = NULL;
	struct dma_fence *done;
	struct ww_acquire_ctx ctx;
	struct dnpu_job *job;
	const char *why = NULL;
	int ret, idx;
	u32 i;

	ret = dnpu_check_submit(args, ndev->info.max_regions, &why);
	if (ret)
		goto out_dbg;
	if (args->priority == DRM_DNPU_PRIO_HIGH && !capable(CAP_SYS_NICE)) {
		why = "high priority needs CAP_SYS_NICE";
		ret = -EACCES;
		goto out_dbg;
	}
	if (copy_from_user(bos, u64_to_user_ptr(args->bos),
			   args->bo_count * sizeof(bos[0]))) {
		why = "cannot read bos";
		ret = -EFAULT;
		goto out_dbg;
	}
	ret = dnpu_check_submit_bos(bos, args->bo_count, &why);
	if (ret)
		goto out_dbg;

	if (!drm_dev_enter(ddev, &idx))
		return -ENODEV;
	if (READ_ONCE(ndev->fw_failed)) {
		why = "firmware not running";
		ret = -ENODEV;
		goto out_exit;
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto out_exit;
	}
	kref_init(&job->refcount);
	atomic_inc(&ndev->counters.live_jobs);
	job->ndev = ndev;
	job->state = DNPU_JOB_QUEUED;
	job->in_outage = READ_ONCE(ndev->crash_seq) != READ_ONCE(ndev->recovered_seq);
	INIT_LIST_HEAD(&job->node);
	job->cmd_bo = args->cmd_bo;
	job->cmd_offset = args->cmd_offset;
	job->cmd_count = args->cmd_count;
	job->result_bo = args->result_bo;
	job->result_offset = args->result_offset;
	job->timeout_kcycles = dnpu_timeout_kcycles(args->timeout_ms,
						    engine_clock_mhz);
	job->max_extensions = max(max_timeout_extensions,
				  DIV_ROUND_UP(args->timeout_ms, job_timeout_ms) + 1);

	for (i = 0; i < args->bo_count; i++) {
		job->bos[i] = drm_gem_object_lookup(file, bos[i].handle);
		if (!job->bos[i]) {
			why = "unknown BO handle";
			ret = -ENOENT;
			goto out_put_job;
		}
		job->bo_count = i + 1;
		job->bo_flags[i] = bos[i].flags;
		sizes[i] = job->bos[i]->size;
	}
	ret = dnpu_check_submit_layout(args, bos, sizes, &why);
	if (ret)
		goto out_put_job;
	ret = dnpu_job_map(job);
	if (ret) {
		why = "cannot map BOs for the device";
		goto out_put_job;
	}

	ret = dnpu_sched_job_init(&job->base, &nfile->entity[args->priority],
				  nfile);
	if (ret) {
		why = "drm_sched_job_init failed";
		goto out_put_job;
	}
	job->sched_inited = true;

	ret = dnpu_job_add_in_syncobjs(job, file, args, &why);
	if (ret)
		goto out_put_job;
	if (args->out_syncobj) {
		out_sync = drm_syncobj_find(file, args->out_syncobj);
		if (!out_sync) {
			why = "unknown out_syncobj handle";
			ret = -ENOENT;
			goto out_put_job;
		}
	}

	ret = drm_gem_lock_reservations(job->bos, job->bo_count, &ctx);
	if (ret) {
		why = "cannot lock BOs";
		goto out_put_sync;
	}
	for (i = 0; i < job->bo_count; i++) {
		ret = dma_resv_reserve_fences(job->bos[i]->resv, 1);
		if (!ret)
			ret = drm_sched_job_add_implicit_dependencies(&job->base,
				job->bos[i], job->bo_flags[i] & DRM_DNPU_BO_WRITE);
		if (ret) {
			why = "cannot add implicit dependencies";
			goto out_unlock;
		}
	}

	mutex_lock(&ndev->submit_lock);
	drm_sched_job_arm(&job->base);
	done = dma_fence_get(&job->base.s_fence->finished);
	job->seqno = ++ndev->submit_seqno;
	args->seqno = job->seqno;
	for (i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->bos[i]->resv, done,
				   (job->bo_flags[i] & DRM_DNPU_BO_WRITE) ?
				   DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ);
	kref_get(&job->refcount);	/* the scheduler's, put in free_job */
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&ndev->submit_lock);
	drm_gem_unlock_reservations(job->bos, job->bo_count, &ctx);

	if (out_sync) {
		drm_syncobj_replace_fence(out_sync, done);
		drm_syncobj_put(out_sync);
	}
	dma_fence_put(done);
	atomic64_inc(&ndev->counters.submitted);
	dnpu_job_put(job);
	drm_dev_exit(idx);
	return 0;

out_unlock:
	drm_gem_unlock_reservations(job->bos, job->bo_count, &ctx);
out_put_sync:
	if (out_sync)
		drm_syncobj_put(out_sync);
out_put_job:
	dnpu_job_put(job);
out_exit:
	drm_dev_exit(idx);
out_dbg:
	if (why)
		drm_dbg(ddev, "submit: %s (%d)\n", why, ret);
	return ret;
}

/* ---- scheduler backend ---- */

static void dnpu_job_sync(struct dnpu_job *job, bool for_device)
{
	u32 i;

	for (i = 0; i < job->bo_count; i++) {
		if (for_device)
			dma_sync_sgtable_for_device(job->ndev->dev, job->sgts[i],
						    DMA_BIDIRECTIONAL);
		else
			dma_sync_sgtable_for_cpu(job->ndev->dev, job->sgts[i],
						 DMA_BIDIRECTIONAL);
	}
}

/* Write the job at the ring tail and ring the doorbell; hw_lock held. */
static void dnpu_ring_push(struct dnpu_device *ndev, struct dnpu_job *job,
			   struct dma_fence *fence, u32 hw_seqno)
{
	struct dnpu_ring *ring = &ndev->ring;
	u32 slot = dnpu_ring_slot(ring->tail, ring->entries);
	struct dnpu_region *table = &ring->tables[slot * DNPU_MAX_REGIONS];
	struct dnpu_job_desc *desc = &ring->desc[slot];
	unsigned long flags;

	memset(table, 0, DNPU_MAX_REGIONS * sizeof(*table));
	memcpy(table, job->regions, job->bo_count * sizeof(*table));
	memset(&ring->comp[slot], 0, sizeof(ring->comp[slot]));
	memset(desc, 0, sizeof(*desc));
	desc->seqno = dnpu_to_le32(hw_seqno);
	desc->flags = dnpu_to_le32(DNPU_JOB_F_PERF);
	desc->region_table = dnpu_to_le64(ring->tables_dma +
		(u64)slot * DNPU_MAX_REGIONS * sizeof(*table));
	desc->region_count = dnpu_to_le32(job->bo_count);
	desc->cmd_region = dnpu_to_le32(job->cmd_bo);
	desc->cmd_offset = dnpu_to_le32(job->cmd_offset);
	desc->cmd_count = dnpu_to_le32(job->cmd_count);
	desc->completion = dnpu_to_le64(ring->comp_dma +
		(u64)slot * sizeof(struct dnpu_job_completion));
	desc->timeout_kcycles = dnpu_to_le32(job->timeout_kcycles);

	dnpu_job_sync(job, true);
	job->hw_seqno = hw_seqno;
	job->slot = slot;
	job->hw_fence = dma_fence_get(fence);
	job->start = ktime_get();
	dnpu_job_transition(&job->state, DNPU_JOB_RUNNING);
	spin_lock_irqsave(&ndev->job_lock, flags);
	list_add_tail(&job->node, &ndev->active);
	spin_unlock_irqrestore(&ndev->job_lock, flags);

	/* descriptor, table and zeroed record before the tail moves */
	wmb();
	ring->tail++;
	dnpu_write(ndev, DNPU_REG_RING_TAIL, ring->tail);
	dnpu_write(ndev, DNPU_REG_DOORBELL, 1);
}

/* The firmware crashed and has not been rebooted since; hw_lock held. */
static bool dnpu_fw_outage(struct dnpu_device *ndev)
{
	return READ_ONCE(ndev->crash_seq) != ndev->recovered_seq &&
	       !ndev->fw_failed;
}

/* A job that will not run: give the scheduler an already failed fence. */
static struct dma_fence *dnpu_job_fail(struct dnpu_job *job, int error)
{
	struct dnpu_device *ndev = job->ndev;
	struct dma_fence *fence;

	if (!job->base.s_fence->finished.error)
		dma_fence_set_error(&job->base.s_fence->finished, error);
	if (job->state == DNPU_JOB_RUNNING || job->state == DNPU_JOB_QUEUED)
		dnpu_job_transition(&job->state, error == -ETIMEDOUT ?
				    DNPU_JOB_TIMEDOUT : DNPU_JOB_CANCELLED);
	if (error != -ETIMEDOUT)
		atomic64_inc(&ndev->counters.cancelled);
	fence = dnpu_fence_create(ndev, 0);
	if (!fence)
		return ERR_PTR(error);
	dma_fence_set_error(fence, error);
	dma_fence_signal(fence);
	return fence;
}

static struct dma_fence *dnpu_job_run(struct drm_sched_job *sched_job)
{
	struct dnpu_job *job = to_dnpu_job(sched_job);
	struct dnpu_device *ndev = job->ndev;
	struct dma_fence *fence;
	int error = sched_job->s_fence->finished.error;
	bool outage;
	u32 hw_seqno;
	int idx;

	if (job->guilty)
		return dnpu_job_fail(job, -ETIMEDOUT);
	if (error)
		return dnpu_job_fail(job, error);
	if (!drm_dev_enter(&ndev->ddev, &idx))
		return dnpu_job_fail(job, -ENODEV);

	mutex_lock(&ndev->hw_lock);
	outage = dnpu_fw_outage(ndev);
	/*
	 * The recovery work has not got here yet. With jobs on the ring the
	 * scheduler's reset path owns the reboot (it must cancel them).
	 */
	if (outage && list_empty(&ndev->active))
		dnpu_hw_boot(ndev);
	if (!ndev->fw_running) {
		mutex_unlock(&ndev->hw_lock);
		drm_dev_exit(idx);
		return dnpu_job_fail(job, ndev->fw_failed ? -ENODEV : -EIO);
	}
	/*
	 * Submitted or started while the firmware was down after a crash:
	 * report the lost work (-EIO); later submissions run normally.
	 */
	if (outage || job->in_outage) {
		mutex_unlock(&ndev->hw_lock);
		drm_dev_exit(idx);
		return dnpu_job_fail(job, -EIO);
	}
	if (job->state == DNPU_JOB_RUNNING)	/* resubmitted after a reset */
		dnpu_job_transition(&job->state, DNPU_JOB_QUEUED);
	hw_seqno = dnpu_seqno_next(ndev->ring.seqno);
	fence = dnpu_fence_create(ndev, hw_seqno);
	if (!fence) {
		mutex_unlock(&ndev->hw_lock);
		drm_dev_exit(idx);
		return dnpu_job_fail(job, -ENOMEM);
	}
	ndev->ring.seqno = hw_seqno;
	dma_fence_put(job->hw_fence);
	job->hw_fence = NULL;
	dnpu_ring_push(ndev, job, fence, hw_seqno);
	mutex_unlock(&ndev->hw_lock);
	drm_dev_exit(idx);
	return fence;
}

/* Copy the completion record into the result BO through the CPU. */
static void dnpu_job_write_result(struct dnpu_job *job,
				  const struct dnpu_job_completion *rec)
{
	struct drm_gem_shmem_object *shmem =
		to_drm_gem_shmem_obj(job->bos[job->result_bo]);
	const u8 *src = (const u8 *)rec;
	size_t left = sizeof(*rec);
	u64 off = job->result_offset;

	while (left) {
		size_t chunk = min_t(size_t, left, PAGE_SIZE - offset_in_page(off));
		u8 *dst = kmap_local_page(shmem->pages[off >> PAGE_SHIFT]);

		memcpy(dst + offset_in_page(off), src, chunk);
		kunmap_local(dst);
		src += chunk;
		off += chunk;
		left -= chunk;
	}
}

static void dnpu_job_record_stat(struct dnpu_device *ndev, struct dnpu_job *job,
				 const struct dnpu_job_completion *rec, int error)
{
	struct dnpu_job_stat *st;
	unsigned long flags;

	spin_lock_irqsave(&ndev->job_lock, flags);
	st = &ndev->recent[ndev->recent_next++ % DNPU_RECENT_JOBS];
	st->seqno = job->seqno;
	st->hw_seqno = job->hw_seqno;
	st->status = dnpu_from_le32(rec->status);
	st->error = error;
	st->cycles = dnpu_from_le64(rec->cycles);
	st->macs = dnpu_from_le64(rec->macs);
	st->dram_rd_bytes = dnpu_from_le64(rec->dram_rd_bytes);
	st->dram_wr_bytes = dnpu_from_le64(rec->dram_wr_bytes);
	st->latency_ns = ktime_to_ns(ktime_sub(ktime_get(), job->start));
	spin_unlock_irqrestore(&ndev->job_lock, flags);
}

/* The device passed the job: report it and signal its hardware fence. */
static void dnpu_job_retire(struct dnpu_device *ndev, struct dnpu_job *job)
{
	struct dnpu_job_completion rec, out;
	struct dnpu_fault_regs fault = { 0 };
	struct dma_fence *fence = job->hw_fence;
	int error;

	rmb();	/* DONE_SEQNO was read before the record */
	memcpy(&rec, &ndev->ring.comp[job->slot], sizeof(rec));
	if (dnpu_from_le32(rec.seqno) != job->hw_seqno) {
		fault.seqno = dnpu_read(ndev, DNPU_REG_FAULT_SEQNO);
		fault.cause = dnpu_read(ndev, DNPU_REG_FAULT_CAUSE);
		fault.region = dnpu_read(ndev, DNPU_REG_FAULT_REGION);
		fault.offset = dnpu_read(ndev, DNPU_REG_FAULT_OFFSET);
		fault.cmd = dnpu_read(ndev, DNPU_REG_FAULT_CMD);
	}
	error = dnpu_resolve_completion(&rec, job->hw_seqno, &fault, &out);
	/* userspace knows the job by its submit seqno */
	out.seqno = dnpu_to_le32(lower_32_bits(job->seqno));

	dnpu_job_sync(job, false);
	if (job->result_bo != ~0u)
		dnpu_job_write_result(job, &out);
	dnpu_job_record_stat(ndev, job, &out, error);

	if (error) {
		drm_dbg(&ndev->ddev,
			"job %llu faulted: status %u region %u offset 0x%x cmd %u\n",
			job->seqno, dnpu_from_le32(out.status),
			dnpu_from_le32(out.fault_region),
			dnpu_from_le32(out.fault_offset),
			dnpu_from_le32(out.fault_cmd));
		atomic64_inc(&ndev->counters.faulted);
		dnpu_job_transition(&job->state, DNPU_JOB_FAULTED);
		/* older schedulers do not copy the parent's error */
		dma_fence_set_error(&job->base.s_fence->finished, error);
		dma_fence_set_error(fence, error);
	} else {
		dnpu_job_transition(&job->state, DNPU_JOB_DONE);
	}
	atomic64_inc(&ndev->counters.completed);
	dma_fence_signal(fence);
}

/* Retire every job the device reports done (DONE_SEQNO), in ring order. */
void dnpu_job_complete(struct dnpu_device *ndev)
{
	struct dnpu_job *job, *tmp;
	unsigned long flags;
	LIST_HEAD(retired);
	u32 done;

	done = dnpu_read(ndev, DNPU_REG_DONE_SEQNO);
	spin_lock_irqsave(&ndev->job_lock, flags);
	list_for_each_entry_safe(job, tmp, &ndev->active, node) {
		if (!dnpu_seqno_passed(done, job->hw_seqno))
			break;
		list_move_tail(&job->node, &retired);
	}
	spin_unlock_irqrestore(&ndev->job_lock, flags);

	/* The scheduler frees a job only after its hardware fence signals. */
	list_for_each_entry_safe(job, tmp, &retired, node) {
		list_del_init(&job->node);
		dnpu_job_retire(ndev, job);
	}
}

/* Drop every job from the ring without running it (reset, removal). */
void dnpu_job_cancel_active(struct dnpu_device *ndev, int error)
{
	struct dnpu_job *job, *tmp;
	unsigned long flags;
	LIST_HEAD(cancelled);

	spin_lock_irqsave(&ndev->job_lock, flags);
	list_splice_init(&ndev->active, &cancelled);
	spin_unlock_irqrestore(&ndev->job_lock, flags);

	list_for_each_entry_safe(job, tmp, &cancelled, node) {
		list_del_init(&job->node);
		dma_fence_set_error(job->hw_fence, error);
		dma_fence_signal(job->hw_fence);
	}
}

/*
 * Reset the device and resubmit the jobs that were on the ring, @bad
 * (if any) failing with -ETIMEDOUT. Runs in the scheduler's timeout path.
 */
static void dnpu_recover(struct dnpu_device *ndev, struct dnpu_job *bad)
{
	int ret;

	/* No completion may race with taking the ring apart. */
	disable_irq(ndev->irq);
	/* Jobs the device finished before the hang must not run twice. */
	dnpu_job_complete(ndev);
	drm_sched_stop(&ndev->sched, bad ? &bad->base : NULL);
	if (bad) {
		bad->guilty = true;
		dma_fence_set_error(&bad->base.s_fence->finished, -ETIMEDOUT);
		atomic64_inc(&ndev->counters.timedout);
	}
	/* The scheduler no longer listens to these fences. */
	dnpu_job_cancel_active(ndev, -ECANCELED);

	mutex_lock(&ndev->hw_lock);
	ret = dnpu_hw_boot(ndev);
	ndev->timeout_seqno = 0;
	ndev->timeout_extensions = 0;
	memset(&ndev->last_progress, 0, sizeof(ndev->last_progress));
	mutex_unlock(&ndev->hw_lock);
	enable_irq(ndev->irq);
	atomic64_inc(&ndev->counters.resets);
	if (ret)
		drm_err(&ndev->ddev, "reset failed (%d): failing all jobs\n", ret);

	/* Innocent jobs get new ring slots; the guilty one fails in run_job. */
	drm_sched_resubmit_jobs(&ndev->sched);
	dnpu_sched_start(&ndev->sched);
}

static enum drm_gpu_sched_stat dnpu_job_timedout(struct drm_sched_job *sched_job)
{
	struct dnpu_job *job = to_dnpu_job(sched_job);
	struct dnpu_device *ndev = job->ndev;
	enum dnpu_timeout_verdict verdict = DNPU_TIMEOUT_HANG;
	enum drm_gpu_sched_stat status;
	struct dnpu_progress now;
	int idx;

	if (!drm_dev_enter(&ndev->ddev, &idx)) {
		/* unplugged: its fence was cancelled, let cleanup free it */
		dnpu_sched_timeout_no_hang(sched_job);
		return DRM_GPU_SCHED_STAT_ENODEV;
	}

	if (READ_ONCE(ndev->fw_running) && !READ_ONCE(ndev->force_reset)) {
		mutex_lock(&ndev->hw_lock);
		dnpu_hw_progress(ndev, &now);
		if (ndev->timeout_seqno != job->hw_seqno) {
			ndev->timeout_seqno = job->hw_seqno;
			ndev->timeout_extensions = 0;
		}
		verdict = dnpu_timeout_decide(&ndev->last_progress, &now,
					      job->hw_seqno,
					      ndev->timeout_extensions,
					      job->max_extensions);
		ndev->last_progress = now;
		if (verdict == DNPU_TIMEOUT_EXTEND)
			ndev->timeout_extensions++;
		mutex_unlock(&ndev->hw_lock);
	}

	switch (verdict) {
	case DNPU_TIMEOUT_COMPLETED:
		/*
		 * e.g. DNPU_INJECT_DROP_IRQ: the interrupt never came. Give
		 * the job back to the scheduler before signalling it so its
		 * cleanup sees it.
		 */
		atomic64_inc(&ndev->counters.lost_irqs);
		status = dnpu_sched_timeout_no_hang(sched_job);
		dnpu_job_complete(ndev);
		drm_dev_exit(idx);
		return status;
	case DNPU_TIMEOUT_EXTEND:
		drm_dev_exit(idx);
		return dnpu_sched_timeout_no_hang(sched_job);
	case DNPU_TIMEOUT_HANG:
		break;
	}

	drm_warn(&ndev->ddev, "job %llu (hw seqno %u) hung: resetting\n",
		 job->seqno, job->hw_seqno);
	WRITE_ONCE(ndev->force_reset, false);
	dnpu_recover(ndev, job);
	drm_dev_exit(idx);
	return DNPU_SCHED_STAT_RESET;
}

static void dnpu_job_free(struct drm_sched_job *sched_job)
{
	dnpu_job_put(to_dnpu_job(sched_job));
}

static const struct drm_sched_backend_ops dnpu_sched_ops = {
	.run_job = dnpu_job_run,
	.timedout_job = dnpu_job_timedout,
	.free_job = dnpu_job_free,
};

/*
 * Firmware error interrupt: with jobs on the ring let the scheduler's
 * timeout path reset at once; an idle device is rebooted right here.
 */
static void dnpu_recovery_work(struct work_struct *work)
{
	struct dnpu_device *ndev = container_of(work, struct dnpu_device,
						recovery_work);
	bool idle, outage;
	int idx;

	if (!drm_dev_enter(&ndev->ddev, &idx))
		return;
	mutex_lock(&ndev->hw_lock);
	/*
	 * dnpu_job_run() may have rebooted the firmware already (a job came
	 * before this work): then jobs on the ring now are innocent and
	 * running on the new firmware, and must not be reset.
	 */
	outage = dnpu_fw_outage(ndev);
	idle = list_empty(&ndev->active);
	if (outage && idle) {
		if (dnpu_hw_boot(ndev))
			drm_err(&ndev->ddev, "firmware reboot failed\n");
		atomic64_inc(&ndev->counters.resets);
	}
	mutex_unlock(&ndev->hw_lock);
	if (outage && !idle) {
		WRITE_ONCE(ndev->force_reset, true);
		drm_sched_fault(&ndev->sched);
	}
	drm_dev_exit(idx);
}

void dnpu_job_trigger_recovery(struct dnpu_device *ndev)
{
	schedule_work(&ndev->recovery_work);
}

static void dnpu_sched_fini(struct drm_device *ddev, void *arg)
{
	struct dnpu_device *ndev = arg;

	drm_sched_fini(&ndev->sched);
}

int dnpu_sched_init(struct dnpu_device *ndev)
{
	const struct drm_sched_init_args args = {
		.ops = &dnpu_sched_ops,
		DNPU_SCHED_ARGS_NUM_RQS
		.credit_limit = ndev->ring.entries,
		.hang_limit = 0,
		.timeout = msecs_to_jiffies(job_timeout_ms),
		.name = DNPU_DRIVER_NAME,
		.dev = ndev->dev,
	};
	int ret;

	INIT_WORK(&ndev->recovery_work, dnpu_recovery_work);
	ndev->fence_context = dma_fence_context_alloc(1);
	ret = drm_sched_init(&ndev->sched, &args);
	if (ret)
		return ret;
	/* Files may outlive the bus device; tear down with the DRM device. */
	return drmm_add_action_or_reset(&ndev->ddev, dnpu_sched_fini, ndev);
}
