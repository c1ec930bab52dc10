// SPDX-License-Identifier: GPL-2.0-only OR MIT
#include <linux/platform_device.h>
static void probe_remove(struct platform_device *pdev)
{
}

struct platform_driver probe = { .remove = probe_remove };
