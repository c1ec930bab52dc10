/* SPDX-License-Identifier: MIT */
/* accel_device_stats_get(): the device counters backends keep per op. */
#include <string.h>

#include "backend.h"
#include "net.h"

int accel_device_stats_get(const accel_network *net, int i,
			   struct accel_device_stats *st)
{
	if (!net || !st || i < 0 || i >= net->m->n_ops)
		return ACCEL_ERR_INVALID;
	memset(st, 0, sizeof(*st));
	const struct accel_net_op *no = &net->ops[i];
	if (no->be && no->be->op_stats && net->m->ops[i].user_data)
		no->be->op_stats(no->be_priv, &net->m->ops[i], st);
	return ACCEL_OK;
}
