// SPDX-License-Identifier: MIT
/* libFuzzer: the toolchain's TFLite reader, writer, float executor and
 * quantizer on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "float_exec.h"
#include "quantize.h"
#include "tflite_read.h"
#include "tflite_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tfl_model m;
	char err[256];
	if (!tfl_read(data, size, &m, err, sizeof(err))) {
		uint8_t *out;
		size_t n;
		if (!tfl_write(&m, &out, &n))
			free(out);
		struct fexec fx = { 0 };
		size_t biggest = 0;
		for (int t = 0; t < m.n_tensors; t++) {
			size_t e = tfl_tensor_elems(&m.tensors[t]);
			biggest = e > biggest ? e : biggest;
		}
		/* small graphs only, so each input runs in milliseconds */
		if (biggest <= 1 << 14 && m.n_ops <= 64 &&
		    !fexec_init(&fx, &m, err, sizeof(err))) {
			float *in = calloc(tfl_tensor_elems(&m.tensors[m.inputs[0]]) + 1,
					   sizeof(float));
			struct tfl_model qm;
			struct quant_options o = { .percentile = 99.0,
						   .report_samples = 1 };
			struct quant_report rep;
			if (in && !fexec_run(&fx, in, err, sizeof(err)) &&
			    !quantize_model(&m, in, 1, &o, &qm, &rep, err,
					    sizeof(err))) {
				uint8_t *q;
				if (!tfl_write(&qm, &q, &n))
					free(q);
				free(rep.layers);
				tfl_model_free(&qm);
			}
			free(in);
		}
		fexec_free(&fx);
	}
	tfl_model_free(&m);
	return 0;
}
