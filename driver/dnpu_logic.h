/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Pure logic of the dnpu driver: uapi argument checks, region tables, ring
 * arithmetic, the job state machine and the timeout decision. Nothing here
 * touches hardware, DRM objects or locks, so KUnit can test it under UML.
 */
#ifndef DNPU_LOGIC_H
#define DNPU_LOGIC_H

#include <linux/types.h>
#include <asm/byteorder.h>

#include "dnpu_hw.h"
#include "dnpu_drm.h"

/*
 * The shared structs in dnpu_hw.h use plain __u32/__u64 fields holding
 * little-endian values; these keep sparse informed about the conversion.
 */
static inline __u32 dnpu_to_le32(u32 v)
{
	return (__force __u32)cpu_to_le32(v);
}

static inline __u64 dnpu_to_le64(u64 v)
{
	return (__force __u64)cpu_to_le64(v);
}

static inline u32 dnpu_from_le32(__u32 v)
{
	return le32_to_cpu((__force __le32)v);
}

static inline u64 dnpu_from_le64(__u64 v)
{
	return le64_to_cpu((__force __le64)v);
}

/* Ring sizes and in-flight limits */
#define DNPU_RING_DEFAULT_ENTRIES	64u
#define DNPU_MAX_IN_SYNCOBJS		64u
/* A region's size is a __u32, so a BO must stay below 4 GiB. */
#define DNPU_BO_MAX_SIZE		(0x100000000ull - DNPU_PAGE_SIZE)

bool dnpu_ring_size_valid(u32 entries);
u32 dnpu_ring_slot(u32 index, u32 entries);
u32 dnpu_ring_used(u32 head, u32 tail);
u32 dnpu_ring_free(u32 head, u32 tail, u32 entries);
/* True once the device reported @done and @seqno is not after it. */
bool dnpu_seqno_passed(u32 done, u32 seqno);
/* Next hardware seqno: increasing by one, never zero. */
u32 dnpu_seqno_next(u32 seqno);

/*
 * Argument checks. Each returns 0 or a negative errno and, on error, points
 * *why at a static string for the debug log.
 */
int dnpu_check_get_param(const struct drm_dnpu_get_param *args, const char **why);
int dnpu_check_bo_create(const struct drm_dnpu_bo_create *args, const char **why);
int dnpu_check_submit(const struct drm_dnpu_submit *args, u32 max_regions,
		      const char **why);
int dnpu_check_submit_bos(const struct drm_dnpu_submit_bo *bos, u32 count,
			  const char **why);
/* @bo_sizes[i]: size of the BO behind bos[i]; needs dnpu_check_submit_bos(). */
int dnpu_check_submit_layout(const struct drm_dnpu_submit *args,
			     const struct drm_dnpu_submit_bo *bos,
			     const u64 *bo_sizes, const char **why);

/* A DMA-mapped segment of a BO (one scatterlist entry). */
struct dnpu_dma_seg {
	u64 addr;
	u64 len;
};

/* Number of DNPU pages a region of @size bytes spans. */
u32 dnpu_region_pages(u64 size);
/*
 * Split @nsegs DMA segments covering a BO into @npages 4 KiB page bus
 * addresses. Segments must be page aligned and cover at least @npages pages.
 */
int dnpu_build_page_list(const struct dnpu_dma_seg *segs, unsigned int nsegs,
			 __le64 *pages, u32 npages);
u32 dnpu_region_access(u32 submit_bo_flags);
/* Fill a region table entry; @paged: @addr is a page list, else contiguous. */
void dnpu_region_fill(struct dnpu_region *r, u64 addr, u64 size,
		      u32 submit_bo_flags, bool paged);

/* Job state machine */
enum dnpu_job_state {
	DNPU_JOB_QUEUED,	/* accepted, waiting for dependencies/ring */
	DNPU_JOB_RUNNING,	/* written to the ring */
	DNPU_JOB_DONE,		/* completed OK */
	DNPU_JOB_FAULTED,	/* completed with a device fault */
	DNPU_JOB_TIMEDOUT,	/* declared hung and failed */
	DNPU_JOB_CANCELLED,	/* never ran (dependency error, device lost) */
};

int dnpu_job_transition(enum dnpu_job_state *state, enum dnpu_job_state to);
bool dnpu_job_state_final(enum dnpu_job_state state);
const char *dnpu_job_state_name(enum dnpu_job_state state);

/*
 * Completion: combine the completion record the firmware wrote with the
 * FAULT_* registers into the record given to userspace; returns the fence
 * error (0, -EIO or -ETIMEDOUT).
 */
struct dnpu_fault_regs {
	u32 seqno;
	u32 cause;
	u32 region;
	u32 offset;
	u32 cmd;
};

int dnpu_status_to_errno(u32 status);
int dnpu_resolve_completion(const struct dnpu_job_completion *rec, u32 hw_seqno,
			    const struct dnpu_fault_regs *fault,
			    struct dnpu_job_completion *out);

/* Timeout decision: a snapshot of what proves the device makes progress. */
struct dnpu_progress {
	u32 heartbeat;
	u32 done_seqno;
	u32 ring_head;
};

enum dnpu_timeout_verdict {
	DNPU_TIMEOUT_COMPLETED,	/* the job finished, the IRQ was lost */
	DNPU_TIMEOUT_EXTEND,	/* firmware alive and moving: wait longer */
	DNPU_TIMEOUT_HANG,	/* reset the device */
};

enum dnpu_timeout_verdict
dnpu_timeout_decide(const struct dnpu_progress *prev,
		    const struct dnpu_progress *now, u32 job_seqno,
		    unsigned int extensions, unsigned int max_extensions);

/* Convert a job watchdog from milliseconds to kcycles at @clock_mhz. */
u32 dnpu_timeout_kcycles(u32 timeout_ms, u32 clock_mhz);

#endif /* DNPU_LOGIC_H */
