// SPDX-License-Identifier: MIT
/* BlazeFace model plumbing (see bf_pipeline.h). */
#include "bf_pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tflite_read.h"
#include "tflite_simplify.h"

#define IN_ELEMS ((size_t)BF_INPUT * BF_INPUT * 3)

int bf_load_float(const char *path, struct tfl_model *m, char *err,
		  size_t errlen)
{
	if (tfl_read_file(path, m, err, errlen) ||
	    tfl_simplify(m, NULL, err, errlen)) {
		tfl_model_free(m);
		return -1;
	}
	return 0;
}

int bf_quantize(const struct tfl_model *fm, const struct rgb_image *imgs,
		int n, struct tfl_model *qm, struct quant_report *rep,
		char *err, size_t errlen)
{
	float *calib = malloc(sizeof(float) * IN_ELEMS * (size_t)(n > 0 ? n : 1));
	if (!calib) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++)
		bf_resize_normalize(&imgs[i], BF_INPUT, BF_INPUT,
				    calib + IN_ELEMS * (size_t)i);
	struct quant_options opt = { .percentile = 100.0,
				     .report_samples = rep ? 4 : 0 };
	int ret = quantize_model(fm, calib, n, &opt, qm, rep, err, errlen);
	free(calib);
	return ret;
}

int bf_regressor_output(const accel_network *net)
{
	struct accel_tensor_info a, b;
	if (accel_num_outputs(net) != 2 || accel_output_info(net, 0, &a) ||
	    accel_output_info(net, 1, &b))
		return -1;
	size_t reg = (size_t)BF_ANCHORS * BF_COORDS, cls = BF_ANCHORS;
	size_t ea = a.bytes, eb = b.bytes;  /* int8: bytes == elements */
	if (a.type != ACCEL_TYPE_INT8 || b.type != ACCEL_TYPE_INT8)
		return -1;
	if (ea == reg && eb == cls)
		return 0;
	if (ea == cls && eb == reg)
		return 1;
	return -1;
}

int bf_run_int8(accel_network *net, const float *input, int8_t *reg_q,
		int8_t *cls_q, float *reg, float *cls)
{
	struct accel_tensor_info in, oi[2];
	int r = bf_regressor_output(net);
	if (r < 0 || accel_input_info(net, 0, &in) || in.type != ACCEL_TYPE_INT8 ||
	    in.bytes != IN_ELEMS || accel_output_info(net, r, &oi[0]) ||
	    accel_output_info(net, 1 - r, &oi[1]))
		return ACCEL_ERR_INVALID;
	int8_t *q = malloc(IN_ELEMS);
	int8_t *rq = malloc((size_t)BF_ANCHORS * BF_COORDS);
	int8_t *cq = malloc(BF_ANCHORS);
	int ret = ACCEL_ERR_NOMEM;
	if (!q || !rq || !cq)
		goto out;
	for (size_t i = 0; i < IN_ELEMS; i++)
		q[i] = quant_int8(input[i], in.scale, in.zero_point);
	ret = accel_set_input(net, 0, q, IN_ELEMS);
	if (!ret)
		ret = accel_invoke(net);
	if (!ret)
		ret = accel_get_output(net, r, rq, (size_t)BF_ANCHORS * BF_COORDS);
	if (!ret)
		ret = accel_get_output(net, 1 - r, cq, BF_ANCHORS);
	if (ret)
		goto out;
	for (size_t i = 0; i < (size_t)BF_ANCHORS * BF_COORDS; i++)
		reg[i] = oi[0].scale * (float)(rq[i] - oi[0].zero_point);
	for (size_t i = 0; i < BF_ANCHORS; i++)
		cls[i] = oi[1].scale * (float)(cq[i] - oi[1].zero_point);
	if (reg_q)
		memcpy(reg_q, rq, (size_t)BF_ANCHORS * BF_COORDS);
	if (cls_q)
		memcpy(cls_q, cq, BF_ANCHORS);
out:
	free(q);
	free(rq);
	free(cq);
	return ret;
}
