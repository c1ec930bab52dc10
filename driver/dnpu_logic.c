// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Pure logic of the dnpu driver (see dnpu_logic.h). Kept free of hardware
 * and DRM state so it can be unit tested.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "dnpu_logic.h"

bool dnpu_ring_size_valid(u32 entries)
{
	return entries >= 2 && entries <= DNPU_RING_MAX_ENTRIES &&
	       is_power_of_2(entries);
}

u32 dnpu_ring_slot(u32 index, u32 entries)
{
	return index & (entries - 1);
}

/* head and tail run freely and wrap at 2^32; unsigned math handles it. */
u32 dnpu_ring_used(u32 head, u32 tail)
{
	return tail - head;
}

u32 dnpu_ring_free(u32 head, u32 tail, u32 entries)
{
	u32 used = dnpu_ring_used(head, tail);

	return used >= entries ? 0 : entries - used;
}

bool dnpu_seqno_passed(u32 done, u32 seqno)
{
	return (s32)(done - seqno) >= 0;
}

u32 dnpu_seqno_next(u32 seqno)
{
	seqno++;
	return seqno ? seqno : 1;
}

int dnpu_check_get_param(const struct drm_dnpu_get_param *args, const char **why)
{
	if (args->pad) {
		*why = "pad is not zero";
		return -EINVAL;
	}
	if (args->param > DRM_DNPU_PARAM_UAPI_VERSION) {
		*why = "unknown param";
		return -EINVAL;
	}
	return 0;
}

int dnpu_check_bo_create(const struct drm_dnpu_bo_create *args, const char **why)
{
	if (args->flags) {
		*why = "flags are not zero";
		return -EINVAL;
	}
	if (args->pad || args->pad2) {
		*why = "pad is not zero";
		return -EINVAL;
	}
	if (!args->size) {
		*why = "size is zero";
		return -EINVAL;
	}
	if (args->size > DNPU_BO_MAX_SIZE) {
		*why = "size exceeds the region size limit";
		return -E2BIG;
	}
	return 0;
}

int dnpu_check_submit(const struct drm_dnpu_submit *args, u32 max_regions,
		      const char **why)
{
	if (args->flags) {
		*why = "flags are not zero";
		return -EINVAL;
	}
	if (args->pad) {
		*why = "pad is not zero";
		return -EINVAL;
	}
	if (args->priority > DRM_DNPU_PRIO_HIGH) {
		*why = "unknown priority";
		return -EINVAL;
	}
	if (!args->bo_count) {
		*why = "bo_count is zero";
		return -EINVAL;
	}
	if (args->bo_count > max_regions) {
		*why = "bo_count exceeds the device's region count";
		return -E2BIG;
	}
	if (args->in_syncobj_count > DNPU_MAX_IN_SYNCOBJS) {
		*why = "too many in_syncobjs";
		return -E2BIG;
	}
	if (args->in_syncobj_count && !args->in_syncobjs) {
		*why = "in_syncobjs is NULL";
		return -EINVAL;
	}
	if (!args->bos) {
		*why = "bos is NULL";
		return -EINVAL;
	}
	if (args->cmd_bo >= args->bo_count) {
		*why = "cmd_bo is not an index into bos";
		return -EINVAL;
	}
	if (args->cmd_offset % DNPU_CMD_BYTES) {
		*why = "cmd_offset is not 64 B aligned";
		return -EINVAL;
	}
	if (!args->cmd_count) {
		*why = "cmd_count is zero";
		return -EINVAL;
	}
	if (args->result_bo != ~0u) {
		if (args->result_bo >= args->bo_count) {
			*why = "result_bo is not an index into bos";
			return -EINVAL;
		}
		if (args->result_offset % 8) {
			*why = "result_offset is not 8 B aligned";
			return -EINVAL;
		}
	} else if (args->result_offset) {
		*why = "result_offset set without result_bo";
		return -EINVAL;
	}
	return 0;
}

int dnpu_check_submit_bos(const struct drm_dnpu_submit_bo *bos, u32 count,
			  const char **why)
{
	const u32 rw = DRM_DNPU_BO_READ | DRM_DNPU_BO_WRITE;
	u32 i, j;

	for (i = 0; i < count; i++) {
		if (bos[i].flags & ~rw) {
			*why = "bo has unknown flags";
			return -EINVAL;
		}
		if (!(bos[i].flags & rw)) {
			*why = "bo is neither READ nor WRITE";
			return -EINVAL;
		}
		if (!bos[i].handle) {
			*why = "bo handle is zero";
			return -ENOENT;
		}
		/* count <= DNPU_MAX_REGIONS, so quadratic is fine */
		for (j = 0; j < i; j++) {
			if (bos[j].handle == bos[i].handle) {
				*why = "bo appears twice";
				return -EINVAL;
			}
		}
	}
	return 0;
}

int dnpu_check_submit_layout(const struct drm_dnpu_submit *args,
			     const struct drm_dnpu_submit_bo *bos,
			     const u64 *bo_sizes, const char **why)
{
	u64 cmd_end;

	if (!(bos[args->cmd_bo].flags & DRM_DNPU_BO_READ)) {
		*why = "cmd_bo is not readable";
		return -EINVAL;
	}
	cmd_end = (u64)args->cmd_offset + (u64)args->cmd_count * DNPU_CMD_BYTES;
	if (cmd_end > bo_sizes[args->cmd_bo]) {
		*why = "command stream does not fit in cmd_bo";
		return -EINVAL;
	}
	if (args->result_bo == ~0u)
		return 0;
	if (!(bos[args->result_bo].flags & DRM_DNPU_BO_WRITE)) {
		*why = "result_bo is not writable";
		return -EINVAL;
	}
	if ((u64)args->result_offset + sizeof(struct dnpu_job_completion) >
	    bo_sizes[args->result_bo]) {
		*why = "result record does not fit in result_bo";
		return -EINVAL;
	}
	return 0;
}

u32 dnpu_region_pages(u64 size)
{
	return (u32)DIV_ROUND_UP_ULL(size, DNPU_PAGE_SIZE);
}

int dnpu_build_page_list(const struct dnpu_dma_seg *segs, unsigned int nsegs,
			 __le64 *pages, u32 npages)
{
	unsigned int s;
	u32 n = 0;

	for (s = 0; s < nsegs && n < npages; s++) {
		u64 off;

		if ((segs[s].addr | segs[s].len) & (DNPU_PAGE_SIZE - 1))
			return -EINVAL;
		for (off = 0; off < segs[s].len && n < npages;
		     off += DNPU_PAGE_SIZE)
			pages[n++] = cpu_to_le64(segs[s].addr + off);
	}
	return n == npages ? 0 : -EINVAL;
}

u32 dnpu_region_access(u32 submit_bo_flags)
{
	u32 f = DNPU_REGION_VALID;

	if (submit_bo_flags & DRM_DNPU_BO_READ)
		f |= DNPU_REGION_READ;
	if (submit_bo_flags & DRM_DNPU_BO_WRITE)
		f |= DNPU_REGION_WRITE;
	return f;
}

void dnpu_region_fill(struct dnpu_region *r, u64 addr, u64 size,
		      u32 submit_bo_flags, bool paged)
{
	u32 flags = dnpu_region_access(submit_bo_flags);

	if (paged)
		flags |= DNPU_REGION_PAGED;
	memset(r, 0, sizeof(*r));
	r->addr = dnpu_to_le64(addr);
	r->size = dnpu_to_le32((u32)size);
	r->flags = dnpu_to_le32(flags);
}

/* Allowed transitions; RUNNING -> QUEUED is a resubmission after a reset. */
static const u8 dnpu_job_next[] = {
	[DNPU_JOB_QUEUED] = BIT(DNPU_JOB_RUNNING) | BIT(DNPU_JOB_CANCELLED),
	[DNPU_JOB_RUNNING] = BIT(DNPU_JOB_DONE) | BIT(DNPU_JOB_FAULTED) |
			     BIT(DNPU_JOB_TIMEDOUT) | BIT(DNPU_JOB_QUEUED) |
			     BIT(DNPU_JOB_CANCELLED),
};

int dnpu_job_transition(enum dnpu_job_state *state, enum dnpu_job_state to)
{
	if (*state >= ARRAY_SIZE(dnpu_job_next) ||
	    !(dnpu_job_next[*state] & BIT(to)))
		return -EINVAL;
	*state = to;
	return 0;
}

bool dnpu_job_state_final(enum dnpu_job_state state)
{
	return state >= DNPU_JOB_DONE;
}

const char *dnpu_job_state_name(enum dnpu_job_state state)
{
	static const char * const names[] = {
		[DNPU_JOB_QUEUED] = "queued",
		[DNPU_JOB_RUNNING] = "running",
		[DNPU_JOB_DONE] = "done",
		[DNPU_JOB_FAULTED] = "faulted",
		[DNPU_JOB_TIMEDOUT] = "timedout",
		[DNPU_JOB_CANCELLED] = "cancelled",
	};

	if ((unsigned int)state >= ARRAY_SIZE(names))
		return "invalid";
	return names[state];
}

int dnpu_status_to_errno(u32 status)
{
	switch (status) {
	case DNPU_JOB_OK:
		return 0;
	case DNPU_FAULT_TIMEOUT:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}

int dnpu_resolve_completion(const struct dnpu_job_completion *rec, u32 hw_seqno,
			    const struct dnpu_fault_regs *fault,
			    struct dnpu_job_completion *out)
{
	if (dnpu_from_le32(rec->seqno) == hw_seqno) {
		*out = *rec;
	} else {
		/*
		 * The firmware passed the job (DONE_SEQNO) without writing its
		 * record: take the fault registers if they name this job,
		 * else report a bad descriptor rather than a false success.
		 */
		memset(out, 0, sizeof(*out));
		if (fault->seqno == hw_seqno && fault->cause != DNPU_FAULT_NONE) {
			out->status = dnpu_to_le32(fault->cause);
			out->fault_region = dnpu_to_le32(fault->region);
			out->fault_offset = dnpu_to_le32(fault->offset);
			out->fault_cmd = dnpu_to_le32(fault->cmd);
		} else {
			out->status = dnpu_to_le32(DNPU_FAULT_BAD_DESC);
		}
	}
	out->seqno = dnpu_to_le32(hw_seqno);
	return dnpu_status_to_errno(dnpu_from_le32(out->status));
}

enum dnpu_timeout_verdict
dnpu_timeout_decide(const struct dnpu_progress *prev,
		    const struct dnpu_progress *now, u32 job_seqno,
		    unsigned int extensions, unsigned int max_extensions)
{
	if (dnpu_seqno_passed(now->done_seqno, job_seqno))
		return DNPU_TIMEOUT_COMPLETED;
	/* The ring moves: jobs retire, this one will get its turn. */
	if (now->done_seqno != prev->done_seqno ||
	    now->ring_head != prev->ring_head)
		return DNPU_TIMEOUT_EXTEND;
	/*
	 * Only the heartbeat moves: the firmware is alive and the engine
	 * watchdog should end the job; bound the wait in case it does not.
	 */
	if (now->heartbeat != prev->heartbeat)
		return extensions < max_extensions ? DNPU_TIMEOUT_EXTEND :
						     DNPU_TIMEOUT_HANG;
	/* Nothing moves: the firmware is dead or wedged. */
	return DNPU_TIMEOUT_HANG;
}

u32 dnpu_timeout_kcycles(u32 timeout_ms, u32 clock_mhz)
{
	u64 k = (u64)timeout_ms * clock_mhz;

	return k > U32_MAX ? U32_MAX : (u32)k;
}
