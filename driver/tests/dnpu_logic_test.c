// SPDX-License-Identifier: GPL-2.0-only OR MIT
/* KUnit tests of the dnpu driver's pure logic (dnpu_logic.c). */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "dnpu_logic.h"

static void dnpu_test_ring_size(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, dnpu_ring_size_valid(0));
	KUNIT_EXPECT_FALSE(test, dnpu_ring_size_valid(1));
	KUNIT_EXPECT_TRUE(test, dnpu_ring_size_valid(2));
	KUNIT_EXPECT_FALSE(test, dnpu_ring_size_valid(3));
	KUNIT_EXPECT_TRUE(test, dnpu_ring_size_valid(64));
	KUNIT_EXPECT_TRUE(test, dnpu_ring_size_valid(DNPU_RING_MAX_ENTRIES));
	KUNIT_EXPECT_FALSE(test, dnpu_ring_size_valid(2 * DNPU_RING_MAX_ENTRIES));
}

static void dnpu_test_ring_wrap(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dnpu_ring_slot(0, 64), 0u);
	KUNIT_EXPECT_EQ(test, dnpu_ring_slot(65, 64), 1u);
	KUNIT_EXPECT_EQ(test, dnpu_ring_slot(0xffffffffu, 64), 63u);
	/* free-running counters across the 2^32 wrap */
	KUNIT_EXPECT_EQ(test, dnpu_ring_used(0xfffffffeu, 2), 4u);
	KUNIT_EXPECT_EQ(test, dnpu_ring_free(0xfffffffeu, 2, 8), 4u);
	KUNIT_EXPECT_EQ(test, dnpu_ring_free(10, 18, 8), 0u);
	KUNIT_EXPECT_EQ(test, dnpu_ring_free(5, 5, 8), 8u);
	/* a corrupt HEAD ahead of TAIL must not report free space */
	KUNIT_EXPECT_EQ(test, dnpu_ring_free(7, 5, 8), 0u);
}

static void dnpu_test_seqno(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, dnpu_seqno_passed(5, 5));
	KUNIT_EXPECT_TRUE(test, dnpu_seqno_passed(6, 5));
	KUNIT_EXPECT_FALSE(test, dnpu_seqno_passed(4, 5));
	KUNIT_EXPECT_TRUE(test, dnpu_seqno_passed(2, 0xfffffffeu));
	KUNIT_EXPECT_FALSE(test, dnpu_seqno_passed(0xfffffffeu, 2));
	/* after a reset DONE_SEQNO is 0: nothing has passed */
	KUNIT_EXPECT_FALSE(test, dnpu_seqno_passed(0, 1));
	KUNIT_EXPECT_EQ(test, dnpu_seqno_next(0), 1u);
	KUNIT_EXPECT_EQ(test, dnpu_seqno_next(41), 42u);
	KUNIT_EXPECT_EQ(test, dnpu_seqno_next(0xffffffffu), 1u);
}

static void dnpu_test_get_param(struct kunit *test)
{
	struct drm_dnpu_get_param p = { .param = DRM_DNPU_PARAM_UAPI_VERSION };
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, dnpu_check_get_param(&p, &why), 0);
	p.pad = 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_get_param(&p, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, why);
	p.pad = 0;
	p.param = DRM_DNPU_PARAM_UAPI_VERSION + 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_get_param(&p, &why), -EINVAL);
}

static void dnpu_test_bo_create(struct kunit *test)
{
	struct drm_dnpu_bo_create a = { .size = 4096 };
	struct drm_dnpu_bo_create b;
	const char *why;

	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&a, &why), 0);
	b = a;
	b.size = 0;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), -EINVAL);
	b = a;
	b.flags = 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), -EINVAL);
	b = a;
	b.pad = 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), -EINVAL);
	b = a;
	b.pad2 = 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), -EINVAL);
	b = a;
	b.size = DNPU_BO_MAX_SIZE;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), 0);
	b.size = DNPU_BO_MAX_SIZE + 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), -E2BIG);
	b.size = ~0ull;
	KUNIT_EXPECT_EQ(test, dnpu_check_bo_create(&b, &why), -E2BIG);
}

static struct drm_dnpu_submit dnpu_good_submit(void)
{
	struct drm_dnpu_submit s = {
		.bos = 0x1000,
		.bo_count = 3,
		.cmd_bo = 0,
		.cmd_offset = 128,
		.cmd_count = 4,
		.result_bo = 2,
		.result_offset = 8,
		.priority = DRM_DNPU_PRIO_NORMAL,
	};
	return s;
}

struct dnpu_submit_case {
	const char *name;
	void (*mutate)(struct drm_dnpu_submit *s);
	int expect;
};

#define DNPU_CASE(n, body, e) \
	static void dnpu_mut_##n(struct drm_dnpu_submit *s) { body; }
#include "dnpu_logic_test_cases.h"
#undef DNPU_CASE
#define DNPU_CASE(n, body, e) { #n, dnpu_mut_##n, e },
static const struct dnpu_submit_case dnpu_submit_cases[] = {
#include "dnpu_logic_test_cases.h"
};
#undef DNPU_CASE

static void dnpu_test_submit(struct kunit *test)
{
	struct drm_dnpu_submit s = dnpu_good_submit();
	const char *why = NULL;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, dnpu_check_submit(&s, DNPU_MAX_REGIONS, &why), 0);
	for (i = 0; i < ARRAY_SIZE(dnpu_submit_cases); i++) {
		const struct dnpu_submit_case *c = &dnpu_submit_cases[i];

		s = dnpu_good_submit();
		c->mutate(&s);
		why = NULL;
		KUNIT_EXPECT_EQ_MSG(test, dnpu_check_submit(&s, DNPU_MAX_REGIONS, &why),
				    c->expect, "case %s", c->name);
		if (c->expect)
			KUNIT_EXPECT_NOT_NULL_MSG(test, why, "case %s", c->name);
	}
	/* the device may have fewer regions than the uapi maximum */
	s = dnpu_good_submit();
	s.bo_count = 5;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit(&s, 4, &why), -E2BIG);
	KUNIT_EXPECT_EQ(test, dnpu_check_submit(&s, 5, &why), 0);
}

static void dnpu_test_submit_bos(struct kunit *test)
{
	struct drm_dnpu_submit_bo bos[3] = {
		{ .handle = 1, .flags = DRM_DNPU_BO_READ },
		{ .handle = 2, .flags = DRM_DNPU_BO_WRITE },
		{ .handle = 3, .flags = DRM_DNPU_BO_READ | DRM_DNPU_BO_WRITE },
	};
	const char *why;

	KUNIT_EXPECT_EQ(test, dnpu_check_submit_bos(bos, 3, &why), 0);
	bos[2].handle = 1;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_bos(bos, 3, &why), -EINVAL);
	/* only the first two are checked */
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_bos(bos, 2, &why), 0);
	bos[2].handle = 3;
	bos[1].flags = 0;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_bos(bos, 3, &why), -EINVAL);
	bos[1].flags = DRM_DNPU_BO_WRITE | 4;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_bos(bos, 3, &why), -EINVAL);
	bos[1].flags = DRM_DNPU_BO_WRITE;
	bos[0].handle = 0;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_bos(bos, 3, &why), -ENOENT);
}

static void dnpu_test_submit_layout(struct kunit *test)
{
	struct drm_dnpu_submit_bo bos[3] = {
		{ .handle = 1, .flags = DRM_DNPU_BO_READ },
		{ .handle = 2, .flags = DRM_DNPU_BO_READ },
		{ .handle = 3, .flags = DRM_DNPU_BO_WRITE },
	};
	/* cmd: 128 + 4 * 64 = 384 bytes; result: 8 + 64 = 72 bytes */
	u64 sizes[3] = { 384, 4096, 72 };
	struct drm_dnpu_submit s = dnpu_good_submit();
	const char *why;

	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), 0);
	sizes[0] = 383;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), -EINVAL);
	sizes[0] = 384;
	sizes[2] = 71;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), -EINVAL);
	sizes[2] = 72;
	s.result_bo = 1;	/* read-only */
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), -EINVAL);
	s.result_bo = ~0u;
	s.result_offset = 0;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), 0);
	s.cmd_bo = 2;		/* write-only */
	sizes[2] = 4096;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), -EINVAL);
	/* huge counts must not wrap around */
	s = dnpu_good_submit();
	s.cmd_offset = 0xffffffc0u;
	s.cmd_count = 0xffffffffu;
	sizes[2] = 72;
	KUNIT_EXPECT_EQ(test, dnpu_check_submit_layout(&s, bos, sizes, &why), -EINVAL);
}

static void dnpu_test_page_list(struct kunit *test)
{
	const struct dnpu_dma_seg segs[] = {
		{ .addr = 0x100000, .len = 3 * 4096 },
		{ .addr = 0x200000, .len = 2 * 4096 },
	};
	const struct dnpu_dma_seg bad[] = {
		{ .addr = 0x100800, .len = 4096 },
	};
	__le64 pages[6] = { 0 };

	KUNIT_EXPECT_EQ(test, dnpu_region_pages(1), 1u);
	KUNIT_EXPECT_EQ(test, dnpu_region_pages(4096), 1u);
	KUNIT_EXPECT_EQ(test, dnpu_region_pages(4097), 2u);

	KUNIT_ASSERT_EQ(test, dnpu_build_page_list(segs, 2, pages, 5), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[0]), 0x100000ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[2]), 0x102000ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[3]), 0x200000ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[4]), 0x201000ull);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pages[5]), 0ull);
	/* a mapping longer than the region (last segment padded) is fine */
	KUNIT_EXPECT_EQ(test, dnpu_build_page_list(segs, 2, pages, 4), 0);
	/* too short, or not page aligned */
	KUNIT_EXPECT_EQ(test, dnpu_build_page_list(segs, 2, pages, 6), -EINVAL);
	KUNIT_EXPECT_EQ(test, dnpu_build_page_list(bad, 1, pages, 1), -EINVAL);
}

static void dnpu_test_region_fill(struct kunit *test)
{
	struct dnpu_region r;

	memset(&r, 0xff, sizeof(r));
	dnpu_region_fill(&r, 0x12345000, 8192, DRM_DNPU_BO_READ, true);
	KUNIT_EXPECT_EQ(test, dnpu_from_le64(r.addr), 0x12345000ull);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(r.size), 8192u);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(r.flags),
			DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_PAGED);
	KUNIT_EXPECT_EQ(test, r.reserved[0], 0ull);
	KUNIT_EXPECT_EQ(test, r.reserved[1], 0ull);
	dnpu_region_fill(&r, 0x1000, 4096,
			 DRM_DNPU_BO_READ | DRM_DNPU_BO_WRITE, false);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(r.flags),
			DNPU_REGION_VALID | DNPU_REGION_READ | DNPU_REGION_WRITE);
}

static void dnpu_test_job_state(struct kunit *test)
{
	enum dnpu_job_state st = DNPU_JOB_QUEUED;

	KUNIT_EXPECT_FALSE(test, dnpu_job_state_final(st));
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_DONE), -EINVAL);
	KUNIT_EXPECT_EQ(test, st, DNPU_JOB_QUEUED);
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_RUNNING), 0);
	/* a reset resubmits a running job */
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_QUEUED), 0);
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_RUNNING), 0);
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_FAULTED), 0);
	KUNIT_EXPECT_TRUE(test, dnpu_job_state_final(st));
	/* final states stay final */
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_RUNNING), -EINVAL);
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_DONE), -EINVAL);
	KUNIT_EXPECT_STREQ(test, dnpu_job_state_name(st), "faulted");
	KUNIT_EXPECT_STREQ(test, dnpu_job_state_name(99), "invalid");
	st = DNPU_JOB_QUEUED;
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_TIMEDOUT), -EINVAL);
	KUNIT_EXPECT_EQ(test, dnpu_job_transition(&st, DNPU_JOB_CANCELLED), 0);
}

static void dnpu_test_completion(struct kunit *test)
{
	struct dnpu_job_completion rec = { 0 }, out;
	struct dnpu_fault_regs fault = { 0 };

	rec.seqno = dnpu_to_le32(7);
	rec.status = dnpu_to_le32(DNPU_JOB_OK);
	rec.cycles = dnpu_to_le64(1234);
	KUNIT_EXPECT_EQ(test, dnpu_resolve_completion(&rec, 7, &fault, &out), 0);
	KUNIT_EXPECT_EQ(test, dnpu_from_le64(out.cycles), 1234ull);

	rec.status = dnpu_to_le32(DNPU_FAULT_OUT_OF_BOUNDS);
	rec.fault_region = dnpu_to_le32(3);
	KUNIT_EXPECT_EQ(test, dnpu_resolve_completion(&rec, 7, &fault, &out), -EIO);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(out.fault_region), 3u);

	rec.status = dnpu_to_le32(DNPU_FAULT_TIMEOUT);
	KUNIT_EXPECT_EQ(test, dnpu_resolve_completion(&rec, 7, &fault, &out),
			-ETIMEDOUT);

	/* stale record: the fault registers name the job */
	fault.seqno = 8;
	fault.cause = DNPU_FAULT_INJECTED;
	fault.region = 1;
	fault.offset = 0x40;
	fault.cmd = 2;
	KUNIT_EXPECT_EQ(test, dnpu_resolve_completion(&rec, 8, &fault, &out), -EIO);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(out.seqno), 8u);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(out.status), DNPU_FAULT_INJECTED);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(out.fault_offset), 0x40u);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(out.fault_cmd), 2u);
	KUNIT_EXPECT_EQ(test, dnpu_from_le64(out.cycles), 0ull);

	/* stale record and nothing in the registers: never a false OK */
	KUNIT_EXPECT_EQ(test, dnpu_resolve_completion(&rec, 9, &fault, &out), -EIO);
	KUNIT_EXPECT_EQ(test, dnpu_from_le32(out.status), DNPU_FAULT_BAD_DESC);
}

static void dnpu_test_timeout(struct kunit *test)
{
	struct dnpu_progress prev = { .heartbeat = 10, .done_seqno = 4, .ring_head = 4 };
	struct dnpu_progress now = prev;

	/* nothing moved */
	KUNIT_EXPECT_EQ(test, dnpu_timeout_decide(&prev, &now, 5, 0, 3),
			DNPU_TIMEOUT_HANG);
	/* the job is done, only the interrupt was lost */
	now.done_seqno = 5;
	KUNIT_EXPECT_EQ(test, dnpu_timeout_decide(&prev, &now, 5, 0, 3),
			DNPU_TIMEOUT_COMPLETED);
	/* jobs ahead retire: keep waiting, however often */
	now.done_seqno = 4;
	now.ring_head = 5;
	KUNIT_EXPECT_EQ(test, dnpu_timeout_decide(&prev, &now, 6, 100, 3),
			DNPU_TIMEOUT_EXTEND);
	/* only the heartbeat moves: bounded */
	now = prev;
	now.heartbeat = 11;
	KUNIT_EXPECT_EQ(test, dnpu_timeout_decide(&prev, &now, 5, 2, 3),
			DNPU_TIMEOUT_EXTEND);
	KUNIT_EXPECT_EQ(test, dnpu_timeout_decide(&prev, &now, 5, 3, 3),
			DNPU_TIMEOUT_HANG);

	KUNIT_EXPECT_EQ(test, dnpu_timeout_kcycles(0, 100), 0u);
	KUNIT_EXPECT_EQ(test, dnpu_timeout_kcycles(20, 100), 2000u);
	KUNIT_EXPECT_EQ(test, dnpu_timeout_kcycles(0xffffffffu, 1000), 0xffffffffu);
}

static struct kunit_case dnpu_logic_cases[] = {
	KUNIT_CASE(dnpu_test_ring_size),
	KUNIT_CASE(dnpu_test_ring_wrap),
	KUNIT_CASE(dnpu_test_seqno),
	KUNIT_CASE(dnpu_test_get_param),
	KUNIT_CASE(dnpu_test_bo_create),
	KUNIT_CASE(dnpu_test_submit),
	KUNIT_CASE(dnpu_test_submit_bos),
	KUNIT_CASE(dnpu_test_submit_layout),
	KUNIT_CASE(dnpu_test_page_list),
	KUNIT_CASE(dnpu_test_region_fill),
	KUNIT_CASE(dnpu_test_job_state),
	KUNIT_CASE(dnpu_test_completion),
	KUNIT_CASE(dnpu_test_timeout),
	{}
};

static struct kunit_suite dnpu_logic_suite = {
	.name = "dnpu_logic",
	.test_cases = dnpu_logic_cases,
};
kunit_test_suite(dnpu_logic_suite);

MODULE_DESCRIPTION("KUnit tests of the dnpu driver logic");
MODULE_LICENSE("Dual MIT/GPL");
