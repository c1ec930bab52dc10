/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/* dnpu: device state shared by the driver's files. */
#ifndef DNPU_DRV_H
#define DNPU_DRV_H

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/gpu_scheduler.h>
#include <linux/dma-fence.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "dnpu_logic.h"

#define DNPU_DRIVER_NAME	"dnpu"
#define DNPU_FW_NAME		"dnpu/dnpu-fw.bin"
/* DNPU_FEAT_SOFT_SEQ devices: the firmware sequences the commands */
#define DNPU_FW_SOFT_NAME	"dnpu/dnpu-fw-soft.bin"
#define DNPU_RECENT_JOBS	32

struct dnpu_device;
struct dnpu_job;

/*
 * Register transport. MMIO for real hardware; the co-simulation mailbox for
 * the ivshmem device, which polls and may sleep, so register access is only
 * done from process context (the IRQ handler is threaded).
 */
struct dnpu_reg_ops {
	const char *name;
	u32 (*read)(struct dnpu_device *ndev, u32 reg);
	void (*write)(struct dnpu_device *ndev, u32 reg, u32 val);
};

/* Identification read at probe and after every firmware boot. */
struct dnpu_hw_info {
	u32 id;
	u32 version;
	u32 caps;
	u32 features;
	u32 dma_info;
	u32 fw_version;
	u32 spad_bytes[DNPU_SPAD_COUNT];
	u32 max_regions;
};

/*
 * Kernel-owned coherent memory shared with the firmware: per ring slot a
 * descriptor, a completion record and a region table.
 */
struct dnpu_ring {
	u32 entries;
	size_t bytes;
	void *cpu;
	dma_addr_t dma;
	struct dnpu_job_desc *desc;
	struct dnpu_job_completion *comp;
	struct dnpu_region *tables;	/* entries * DNPU_MAX_REGIONS */
	dma_addr_t desc_dma;
	dma_addr_t comp_dma;
	dma_addr_t tables_dma;
	u32 tail;			/* jobs written since the last boot */
	u32 seqno;			/* last hardware seqno handed out */
};

struct dnpu_job_stat {
	u64 seqno;
	u32 hw_seqno;
	u32 status;
	int error;
	u64 cycles;
	u64 macs;
	u64 dram_rd_bytes;
	u64 dram_wr_bytes;
	u64 latency_ns;
};

struct dnpu_counters {
	atomic_t live_bos;
	atomic_t live_jobs;
	atomic_t live_fences;
	atomic64_t submitted;
	atomic64_t completed;
	atomic64_t faulted;
	atomic64_t timedout;
	atomic64_t cancelled;
	atomic64_t resets;
	atomic64_t lost_irqs;
};

struct dnpu_device {
	struct drm_device ddev;
	struct device *dev;

	const struct dnpu_reg_ops *ops;
	void __iomem *mmio;		/* MMIO transport */
	void __iomem *cosim_regs;	/* ivshmem BAR0 */
	void __iomem *cosim_shm;	/* ivshmem BAR2: struct dnpu_cosim_mbox */
	struct mutex cosim_lock;	/* one mailbox request at a time */
	u32 cosim_peer;
	u32 cosim_seq;
	bool cosim_dead;
	int irq;

	struct dnpu_hw_info info;
	bool fw_running;		/* booted, not crashed, not rebooting */
	bool fw_failed;			/* the last boot failed: SUBMIT -ENODEV */
	u32 crash_seq;			/* FW_ERROR interrupts seen */
	u32 recovered_seq;		/* crash_seq the last good boot covers */
	struct mutex hw_lock;		/* boot/reset vs. debugfs pokes */

	struct dnpu_ring ring;
	spinlock_t job_lock;		/* active, recent */
	struct list_head active;	/* jobs on the ring, seqno order */
	u64 fence_context;
	spinlock_t fence_lock;

	struct drm_gpu_scheduler sched;
	struct work_struct recovery_work;	/* firmware error interrupt */
	bool force_reset;
	struct mutex submit_lock;	/* orders arm + push with submit_seqno */
	u64 submit_seqno;

	/* timeout handler state: progress seen when it last ran */
	struct dnpu_progress last_progress;
	u32 timeout_seqno;
	unsigned int timeout_extensions;

	struct dnpu_counters counters;
	struct dnpu_job_stat recent[DNPU_RECENT_JOBS];
	unsigned int recent_next;
};

struct dnpu_file {
	struct dnpu_device *ndev;
	/* one entity per uapi priority */
	struct drm_sched_entity entity[DRM_DNPU_PRIO_HIGH + 1];
};

static inline struct dnpu_device *to_dnpu(struct drm_device *ddev)
{
	return container_of(ddev, struct dnpu_device, ddev);
}

static inline u32 dnpu_read(struct dnpu_device *ndev, u32 reg)
{
	return ndev->ops->read(ndev, reg);
}

static inline void dnpu_write(struct dnpu_device *ndev, u32 reg, u32 val)
{
	ndev->ops->write(ndev, reg, val);
}

/* dnpu_drv.c: common probe/remove for the bus bindings */
int dnpu_device_init(struct dnpu_device *ndev);
void dnpu_device_fini(struct dnpu_device *ndev);
extern const struct drm_driver dnpu_drm_driver;

/* dnpu_hw.c */
extern const struct dnpu_reg_ops dnpu_mmio_ops;
int dnpu_hw_identify(struct dnpu_device *ndev);
int dnpu_ring_alloc(struct dnpu_device *ndev);
int dnpu_hw_boot(struct dnpu_device *ndev);
void dnpu_hw_stop(struct dnpu_device *ndev);
int dnpu_hw_request_irq(struct dnpu_device *ndev);
u64 dnpu_hw_perf(struct dnpu_device *ndev, unsigned int counter);
void dnpu_hw_progress(struct dnpu_device *ndev, struct dnpu_progress *p);

/* dnpu_gem.c */
struct drm_gem_object *dnpu_gem_create_object(struct drm_device *ddev,
					      size_t size);
int dnpu_ioctl_bo_create(struct drm_device *ddev, void *data,
			 struct drm_file *file);
int dnpu_ioctl_bo_mmap_offset(struct drm_device *ddev, void *data,
			      struct drm_file *file);
int dnpu_ioctl_bo_wait(struct drm_device *ddev, void *data,
		       struct drm_file *file);

/* dnpu_job.c */
int dnpu_sched_init(struct dnpu_device *ndev);
int dnpu_file_init_entities(struct dnpu_file *nfile);
void dnpu_file_fini_entities(struct dnpu_file *nfile);
int dnpu_ioctl_submit(struct drm_device *ddev, void *data,
		      struct drm_file *file);
void dnpu_job_complete(struct dnpu_device *ndev);
void dnpu_job_cancel_active(struct dnpu_device *ndev, int error);
void dnpu_job_trigger_recovery(struct dnpu_device *ndev);
int dnpu_live_fence_count(void);

/* dnpu_pci.c, dnpu_platform.c */
extern struct pci_driver dnpu_pci_driver;
extern struct platform_driver dnpu_platform_driver;

/* dnpu_debugfs.c */
void dnpu_debugfs_init(struct drm_minor *minor);
void dnpu_debugfs_create(struct dnpu_device *ndev, struct dentry *root);

#endif /* DNPU_DRV_H */
