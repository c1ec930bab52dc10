/* SPDX-License-Identifier: MIT */
/*
 * XNNPACK speed anchor: runs a TFLite int8 model op by op with XNNPACK's
 * QC8/QS8 operators (convolutions per channel, FC, ADD, global average
 * pooling; PAD folded into the following convolution as the TFLite XNNPACK
 * delegate does). Ops XNNPACK lacks here (TRANSPOSE, SOFTMAX, RESHAPE, an
 * unfoldable PAD) run with libaccel's CPU op and are flagged. Not bit-exact
 * with TFLite (XNNPACK requantizes in fp32); it is a speed reference.
 */
#ifndef XNN_RUNNER_H
#define XNN_RUNNER_H

#include <stddef.h>
#include <stdint.h>

struct xnn_net;

struct xnn_net *xnn_net_create(const void *model, size_t size, char *err,
			       size_t errlen);
void xnn_net_free(struct xnn_net *n);
int xnn_net_set_input(struct xnn_net *n, const void *data, size_t bytes);
int xnn_net_invoke(struct xnn_net *n);
int xnn_net_get_output(struct xnn_net *n, void *data, size_t bytes);
int xnn_net_layers(const struct xnn_net *n);
/* Layer @i: model op index, name, last-invoke ns, 1 if not run by XNNPACK
 * (libaccel fallback), -1 if folded away. */
void xnn_net_layer(const struct xnn_net *n, int i, int *op_index,
		   const char **name, uint64_t *ns, int *fallback);

#endif
