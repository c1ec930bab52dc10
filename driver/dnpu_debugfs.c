// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * dnpu debugfs: device status, ring state, recent job stats, perf
 * counters, leak counters, fault injection and a manual reset.
 */
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "dnpu_drv.h"

static const char * const dnpu_perf_names[DNPU_PERF_COUNT] = {
	[DNPU_PERF_CYCLES] = "cycles",
	[DNPU_PERF_BUSY_CYCLES] = "busy_cycles",
	[DNPU_PERF_MACS] = "macs",
	[DNPU_PERF_NMC_OPS] = "nmc_ops",
	[DNPU_PERF_DRAM_RD_BYTES] = "dram_rd_bytes",
	[DNPU_PERF_DRAM_WR_BYTES] = "dram_wr_bytes",
	[DNPU_PERF_SPAD_RD_BYTES] = "spad_rd_bytes",
	[DNPU_PERF_SPAD_WR_BYTES] = "spad_wr_bytes",
	[DNPU_PERF_ARRAY_CYCLES] = "array_cycles",
	[DNPU_PERF_JOBS] = "jobs",
};

/* Register reads need the device: skip them once it is unplugged. */
static bool dnpu_debugfs_enter(struct dnpu_device *ndev, int *idx)
{
	return drm_dev_enter(&ndev->ddev, idx);
}

static int dnpu_status_show(struct seq_file *m, void *unused)
{
	struct dnpu_device *ndev = m->private;
	const struct dnpu_hw_info *info = &ndev->info;
	u32 status;
	int idx;

	seq_printf(m, "transport: %s\n", ndev->ops->name);
	seq_printf(m, "hw_version: %u.%u\n", info->version >> 16,
		   info->version & 0xffff);
	seq_printf(m, "caps: rows %u cols %u nmc_lanes %u regions %u\n",
		   DNPU_CAPS_ARRAY_ROWS(info->caps),
		   DNPU_CAPS_ARRAY_COLS(info->caps),
		   DNPU_CAPS_NMC_LANES(info->caps), info->max_regions);
	seq_printf(m, "features: 0x%08x\n", info->features);
	seq_printf(m, "fw_running: %d\n", ndev->fw_running);
	seq_printf(m, "fw_failed: %d\n", ndev->fw_failed);
	seq_printf(m, "fw_version: 0x%08x\n", info->fw_version);
	if (!dnpu_debugfs_enter(ndev, &idx))
		return 0;
	status = dnpu_read(ndev, DNPU_REG_STATUS);
	seq_printf(m, "status: 0x%08x (fw_state %u)\n", status,
		   DNPU_STATUS_FW_STATE(status));
	seq_printf(m, "heartbeat: %u\n", dnpu_read(ndev, DNPU_REG_HEARTBEAT));
	seq_printf(m, "fw_error: %u\n", dnpu_read(ndev, DNPU_REG_FW_ERROR));
	seq_printf(m, "core_pc: 0x%08x\n", dnpu_read(ndev, DNPU_REG_CORE_PC));
	seq_printf(m, "irq_status: 0x%x irq_mask: 0x%x\n",
		   dnpu_read(ndev, DNPU_REG_IRQ_STATUS),
		   dnpu_read(ndev, DNPU_REG_IRQ_MASK));
	seq_printf(m, "fault: seqno %u cause %u region %u offset 0x%x cmd %u\n",
		   dnpu_read(ndev, DNPU_REG_FAULT_SEQNO),
		   dnpu_read(ndev, DNPU_REG_FAULT_CAUSE),
		   dnpu_read(ndev, DNPU_REG_FAULT_REGION),
		   dnpu_read(ndev, DNPU_REG_FAULT_OFFSET),
		   dnpu_read(ndev, DNPU_REG_FAULT_CMD));
	drm_dev_exit(idx);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dnpu_status);

static int dnpu_ring_show(struct seq_file *m, void *unused)
{
	struct dnpu_device *ndev = m->private;
	struct dnpu_ring *ring = &ndev->ring;
	u32 head, done;
	int idx;

	seq_printf(m, "entries: %u\n", ring->entries);
	seq_printf(m, "tail: %u\n", ring->tail);
	seq_printf(m, "last_seqno: %u\n", ring->seqno);
	seq_printf(m, "submit_seqno: %llu\n", ndev->submit_seqno);
	if (!dnpu_debugfs_enter(ndev, &idx))
		return 0;
	head = dnpu_read(ndev, DNPU_REG_RING_HEAD);
	done = dnpu_read(ndev, DNPU_REG_DONE_SEQNO);
	drm_dev_exit(idx);
	seq_printf(m, "head: %u\n", head);
	seq_printf(m, "done_seqno: %u\n", done);
	seq_printf(m, "in_flight: %u\n", dnpu_ring_used(head, ring->tail));
	seq_printf(m, "free: %u\n", dnpu_ring_free(head, ring->tail, ring->entries));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dnpu_ring);

static int dnpu_jobs_show(struct seq_file *m, void *unused)
{
	struct dnpu_device *ndev = m->private;
	struct dnpu_counters *c = &ndev->counters;
	struct dnpu_job_stat st;
	unsigned int i, n, first;

	seq_printf(m, "submitted: %lld\n", atomic64_read(&c->submitted));
	seq_printf(m, "completed: %lld\n", atomic64_read(&c->completed));
	seq_printf(m, "faulted: %lld\n", atomic64_read(&c->faulted));
	seq_printf(m, "timedout: %lld\n", atomic64_read(&c->timedout));
	seq_printf(m, "cancelled: %lld\n", atomic64_read(&c->cancelled));
	seq_printf(m, "resets: %lld\n", atomic64_read(&c->resets));
	seq_printf(m, "lost_irqs: %lld\n", atomic64_read(&c->lost_irqs));
	seq_puts(m, "seqno hw_seqno status error cycles macs dram_rd dram_wr latency_ns\n");

	spin_lock_irq(&ndev->job_lock);
	n = min_t(unsigned int, ndev->recent_next, DNPU_RECENT_JOBS);
	first = ndev->recent_next - n;
	spin_unlock_irq(&ndev->job_lock);
	for (i = 0; i < n; i++) {
		spin_lock_irq(&ndev->job_lock);
		st = ndev->recent[(first + i) % DNPU_RECENT_JOBS];
		spin_unlock_irq(&ndev->job_lock);
		seq_printf(m, "%llu %u %u %d %llu %llu %llu %llu %llu\n",
			   st.seqno, st.hw_seqno, st.status, st.error, st.cycles,
			   st.macs, st.dram_rd_bytes, st.dram_wr_bytes,
			   st.latency_ns);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dnpu_jobs);

static int dnpu_perf_show(struct seq_file *m, void *unused)
{
	struct dnpu_device *ndev = m->private;
	unsigned int i;
	int idx;

	if (!dnpu_debugfs_enter(ndev, &idx))
		return -ENODEV;
	for (i = 0; i < DNPU_PERF_COUNT; i++)
		seq_printf(m, "%s: %llu\n", dnpu_perf_names[i],
			   dnpu_hw_perf(ndev, i));
	drm_dev_exit(idx);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dnpu_perf);

static int dnpu_leaks_show(struct seq_file *m, void *unused)
{
	struct dnpu_device *ndev = m->private;

	seq_printf(m, "bos: %d\n", atomic_read(&ndev->counters.live_bos));
	seq_printf(m, "jobs: %d\n", atomic_read(&ndev->counters.live_jobs));
	seq_printf(m, "fences: %d\n", dnpu_live_fence_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dnpu_leaks);

static ssize_t dnpu_inject_write(struct file *f, const char __user *buf,
				 size_t len, loff_t *ppos)
{
	struct dnpu_device *ndev = file_inode(f)->i_private;
	u32 bits;
	int ret, idx;

	ret = kstrtou32_from_user(buf, len, 0, &bits);
	if (ret)
		return ret;
	if (bits & ~(DNPU_INJECT_HANG | DNPU_INJECT_DMA_FAULT |
		     DNPU_INJECT_FW_CRASH | DNPU_INJECT_DROP_IRQ))
		return -EINVAL;
	if (!drm_dev_enter(&ndev->ddev, &idx))
		return -ENODEV;
	drm_info(&ndev->ddev, "injecting 0x%x\n", bits);
	dnpu_write(ndev, DNPU_REG_DEBUG_INJECT, bits);
	drm_dev_exit(idx);
	return len;
}

static const struct file_operations dnpu_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = dnpu_inject_write,
	.llseek = noop_llseek,
};

static ssize_t dnpu_reset_write(struct file *f, const char __user *buf,
				size_t len, loff_t *ppos)
{
	struct dnpu_device *ndev = file_inode(f)->i_private;
	bool reset;
	int ret;

	ret = kstrtobool_from_user(buf, len, &reset);
	if (ret)
		return ret;
	if (reset)
		dnpu_job_trigger_recovery(ndev);
	return len;
}

static const struct file_operations dnpu_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = dnpu_reset_write,
	.llseek = noop_llseek,
};

void dnpu_debugfs_init(struct drm_minor *minor)
{
	dnpu_debugfs_create(to_dnpu(minor->dev), minor->debugfs_root);
}

void dnpu_debugfs_create(struct dnpu_device *ndev, struct dentry *root)
{
	debugfs_create_file("status", 0444, root, ndev, &dnpu_status_fops);
	debugfs_create_file("ring", 0444, root, ndev, &dnpu_ring_fops);
	debugfs_create_file("jobs", 0444, root, ndev, &dnpu_jobs_fops);
	debugfs_create_file("perf", 0444, root, ndev, &dnpu_perf_fops);
	debugfs_create_file("leaks", 0444, root, ndev, &dnpu_leaks_fops);
	debugfs_create_file("inject", 0200, root, ndev, &dnpu_inject_fops);
	debugfs_create_file("reset", 0200, root, ndev, &dnpu_reset_fops);
}
