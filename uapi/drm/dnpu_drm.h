/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * dnpu DRM/accel uapi, version 1.
 *
 * A client creates GEM buffer objects (shmem backed), maps them, and submits
 * jobs. A job names up to DNPU_MAX_REGIONS BOs; BO i of the submission is
 * region i of the job's command stream (see uapi/dnpu_hw.h and docs/ISA.md):
 * userspace never sees a device address. The command stream itself is read
 * from one of those BOs.
 *
 * Conventions: every struct is 64-bit aligned; fields named pad or reserved
 * must be zero on input (the kernel returns -EINVAL otherwise); structs may
 * grow at the end in later versions — DRM zero-extends shorter structs from
 * older userspace, so a zero new field must mean "old behaviour".
 */
#ifndef DNPU_DRM_H_
#define DNPU_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_DNPU_GET_PARAM		0x00
#define DRM_DNPU_QUERY			0x01
#define DRM_DNPU_BO_CREATE		0x02
#define DRM_DNPU_BO_MMAP_OFFSET		0x03
#define DRM_DNPU_SUBMIT			0x04
#define DRM_DNPU_BO_WAIT		0x05

/* Parameters for DRM_IOCTL_DNPU_GET_PARAM */
enum drm_dnpu_param {
	DRM_DNPU_PARAM_DEVICE_ID = 0,	/* DNPU_REG_ID */
	DRM_DNPU_PARAM_HW_VERSION = 1,	/* DNPU_REG_VERSION */
	DRM_DNPU_PARAM_CAPS = 2,	/* DNPU_REG_CAPS */
	DRM_DNPU_PARAM_FEATURES = 3,	/* DNPU_REG_FEATURES */
	DRM_DNPU_PARAM_FW_VERSION = 4,	/* DNPU_REG_FW_VERSION */
	DRM_DNPU_PARAM_SPAD_IN_BYTES = 5,
	DRM_DNPU_PARAM_SPAD_WGT_BYTES = 6,
	DRM_DNPU_PARAM_SPAD_ACC_BYTES = 7,
	DRM_DNPU_PARAM_SPAD_OUT_BYTES = 8,
	DRM_DNPU_PARAM_SPAD_PARAM_BYTES = 9,
	DRM_DNPU_PARAM_MAX_REGIONS = 10,
	DRM_DNPU_PARAM_UAPI_VERSION = 11, /* DRM_DNPU_UAPI_VERSION */
};

#define DRM_DNPU_UAPI_VERSION		1

/**
 * struct drm_dnpu_get_param - read one device parameter
 * @param: Input: an enum drm_dnpu_param value.
 * @pad: Input: must be zero.
 * @value: Output: the parameter's value.
 */
struct drm_dnpu_get_param {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/* Query types for DRM_IOCTL_DNPU_QUERY */
#define DRM_DNPU_QUERY_DEVICE_INFO	0

/**
 * struct drm_dnpu_device_info - DRM_DNPU_QUERY_DEVICE_INFO payload
 * Output only; may grow at the end.
 */
struct drm_dnpu_device_info {
	__u32 hw_version;
	__u32 fw_version;
	__u32 array_rows;
	__u32 array_cols;
	__u32 nmc_lanes;
	__u32 max_regions;
	__u32 features;		/* DNPU_FEAT_* */
	__u32 dma_bus_bytes;
	__u32 spad_bytes[5];	/* indexed by DNPU_SPAD_* */
	__u32 pad;
};

/**
 * struct drm_dnpu_query - read a variable-sized, extensible info block
 * @type: Input: DRM_DNPU_QUERY_*.
 * @size: Input: size of the buffer at @ptr, or 0 to ask for the size.
 *        Output: the size of the full block for this kernel. The kernel
 *        copies min(input size, full size) bytes.
 * @ptr: Input: user pointer to the buffer (ignored when @size is 0).
 */
struct drm_dnpu_query {
	__u32 type;
	__u32 size;
	__u64 ptr;
};

/**
 * struct drm_dnpu_bo_create - create a shmem-backed buffer object
 * @size: Input: size in bytes, > 0; rounded up to the page size.
 * @flags: Input: must be zero (no flags defined in v1).
 * @handle: Output: GEM handle of the new BO.
 * @pad: Input: must be zero.
 */
struct drm_dnpu_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u32 pad2;
};

/**
 * struct drm_dnpu_bo_mmap_offset - get the fake offset to mmap() a BO
 * @handle: Input: GEM handle.
 * @pad: Input: must be zero.
 * @offset: Output: offset to pass to mmap() on the device fd.
 */
struct drm_dnpu_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/* drm_dnpu_submit_bo.flags */
#define DRM_DNPU_BO_READ		(1u << 0) /* device reads it */
#define DRM_DNPU_BO_WRITE		(1u << 1) /* device writes it */

/**
 * struct drm_dnpu_submit_bo - one region of a job
 * @handle: Input: GEM handle; the same BO may appear only once per job.
 * @flags: Input: DRM_DNPU_BO_READ and/or DRM_DNPU_BO_WRITE (at least one).
 *         Writes create implicit fences other users of the BO wait for.
 */
struct drm_dnpu_submit_bo {
	__u32 handle;
	__u32 flags;
};

/* drm_dnpu_submit.flags: none defined in v1 */

/* drm_dnpu_submit.priority */
#define DRM_DNPU_PRIO_LOW		0
#define DRM_DNPU_PRIO_NORMAL		1
#define DRM_DNPU_PRIO_HIGH		2 /* needs CAP_SYS_NICE */

/**
 * struct drm_dnpu_submit - queue a job on the device
 * @bos: Input: user pointer to @bo_count struct drm_dnpu_submit_bo; entry i
 *       is region i of the job.
 * @in_syncobjs: Input: user pointer to @in_syncobj_count __u32 syncobj
 *       handles the job waits for (their current fences).
 * @bo_count: Input: 1..DNPU_MAX_REGIONS.
 * @in_syncobj_count: Input: 0..64.
 * @cmd_bo: Input: index into @bos of the BO holding the command stream.
 * @cmd_offset: Input: byte offset of the first command, 64 B aligned.
 * @cmd_count: Input: number of 64-byte commands, >= 1, must fit in the BO.
 * @out_syncobj: Input: syncobj handle that receives the job's fence, or 0.
 * @result_bo: Input: index into @bos of a writable BO that receives a
 *       struct dnpu_job_completion (uapi/dnpu_hw.h) at @result_offset when
 *       the job ends, or ~0u for none.
 * @result_offset: Input: 8 B aligned, must fit in that BO.
 * @flags: Input: must be zero.
 * @priority: Input: DRM_DNPU_PRIO_*.
 * @timeout_ms: Input: engine watchdog for this job, 0 = driver default.
 * @pad: Input: must be zero.
 * @seqno: Output: the job's sequence number on this device.
 *
 * Return: 0, or -EINVAL (bad field, non-zero padding), -ENOENT (unknown BO
 * or syncobj handle), -E2BIG (too many BOs or syncobjs), -EFAULT, -ENOMEM,
 * -ENODEV (device gone or firmware not running).
 * A job that faults on the device completes with an error on its fence
 * (-EIO for a DMA/command fault, -ETIMEDOUT for a hang) and, when
 * @result_bo is set, the fault details in the result record.
 */
struct drm_dnpu_submit {
	__u64 bos;
	__u64 in_syncobjs;
	__u32 bo_count;
	__u32 in_syncobj_count;
	__u32 cmd_bo;
	__u32 cmd_offset;
	__u32 cmd_count;
	__u32 out_syncobj;
	__u32 result_bo;
	__u32 result_offset;
	__u32 flags;
	__u32 priority;
	__u32 timeout_ms;
	__u32 pad;
	__u64 seqno;
};

/**
 * struct drm_dnpu_bo_wait - wait until the device is done with a BO
 * @handle: Input: GEM handle.
 * @pad: Input: must be zero.
 * @timeout_ns: Input: absolute CLOCK_MONOTONIC deadline in ns; 0 = poll.
 *
 * Return: 0 when idle, -ETIME on timeout, -ENOENT for a bad handle.
 */
struct drm_dnpu_bo_wait {
	__u32 handle;
	__u32 pad;
	__s64 timeout_ns;
};

#define DRM_IOCTL_DNPU_GET_PARAM \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DNPU_GET_PARAM, struct drm_dnpu_get_param)
#define DRM_IOCTL_DNPU_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DNPU_QUERY, struct drm_dnpu_query)
#define DRM_IOCTL_DNPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DNPU_BO_CREATE, struct drm_dnpu_bo_create)
#define DRM_IOCTL_DNPU_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DNPU_BO_MMAP_OFFSET, struct drm_dnpu_bo_mmap_offset)
#define DRM_IOCTL_DNPU_SUBMIT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_DNPU_SUBMIT, struct drm_dnpu_submit)
#define DRM_IOCTL_DNPU_BO_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_DNPU_BO_WAIT, struct drm_dnpu_bo_wait)

#if defined(__cplusplus)
}
#endif

#endif /* DNPU_DRM_H_ */
