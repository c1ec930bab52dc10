/* SPDX-License-Identifier: MIT */
/*
 * libaccel: run int8 TensorFlow Lite models on the dnpu accelerator, its
 * simulator or the CPU.
 *
 *	accel_context *ctx;
 *	accel_network *net;
 *	if (accel_open(&ctx, ACCEL_BACKEND_AUTO) ||
 *	    accel_load_file(ctx, "model.tflite", &net))
 *		fprintf(stderr, "%s\n", accel_last_error(ctx));
 *	accel_set_input(net, 0, pixels, sizeof(pixels));
 *	accel_invoke(net);
 *	accel_get_output(net, 0, scores, sizeof(scores));
 *	accel_network_free(net);
 *	accel_close(ctx);
 *
 * Functions returning int (other than the counts and accel_backend_parse)
 * return ACCEL_OK (0) or a negative enum accel_status; the reason is then in accel_last_error(ctx), where ctx
 * is the context the failing call (or its network) belongs to. A context
 * and its networks must be used from one thread at a time.
 */
#ifndef ACCEL_H
#define ACCEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ACCEL_VERSION_MAJOR 0
#define ACCEL_VERSION_MINOR 1

enum accel_status {
	ACCEL_OK = 0,
	ACCEL_ERR_INVALID = -1,     /* bad argument (NULL, index, size) */
	ACCEL_ERR_NOMEM = -2,
	ACCEL_ERR_IO = -3,          /* cannot read the model file */
	ACCEL_ERR_MODEL = -4,       /* malformed or inconsistent model */
	ACCEL_ERR_UNSUPPORTED = -5, /* valid model using what we lack */
	ACCEL_ERR_BACKEND = -6,     /* backend not available or failed */
	ACCEL_ERR_RUNTIME = -7,     /* an operator failed while running */
};

enum accel_backend {
	ACCEL_BACKEND_AUTO = 0, /* $ACCEL_BACKEND if set, else drm > sim > cpu */
	ACCEL_BACKEND_CPU,
	ACCEL_BACKEND_SIM,      /* cycle-level simulator of the accelerator */
	ACCEL_BACKEND_DRM,      /* the hardware, through the dnpu DRM driver */
};

enum accel_type {
	ACCEL_TYPE_FLOAT32 = 0,
	ACCEL_TYPE_INT8,
	ACCEL_TYPE_UINT8,
	ACCEL_TYPE_INT16,
	ACCEL_TYPE_INT32,
	ACCEL_TYPE_INT64,
	ACCEL_TYPE_FLOAT16,
	ACCEL_TYPE_BOOL,
};

#define ACCEL_MAX_RANK 6

struct accel_tensor_info {
	const char *name;       /* valid while the network lives */
	enum accel_type type;
	int rank;
	int dims[ACCEL_MAX_RANK];
	size_t bytes;           /* exact size accel_set_input/get_output want */
	/* real = scale * (q - zero_point); per-tensor values (for per-channel
	 * tensors those of channel 0). quantized == 0: plain float/int data. */
	int quantized;
	float scale;
	int32_t zero_point;
};

struct accel_op_profile {
	int op_index;           /* operator index in execution order (the
				 * file's order unless that was invalid) */
	const char *op_name;    /* "CONV_2D" */
	const char *backend;    /* "cpu", "sim", "drm" */
	const char *reason;     /* why this backend ran the op */
	uint64_t time_ns;       /* wall time of the last invoke */
	uint64_t total_ns;      /* summed over all invokes */
	uint64_t invokes;
	/* placement's estimates (ns) for this op: the reference AIoT CPU of
	 * the cost model and the context's device; -1 where not estimated */
	int64_t est_cpu_ns, est_device_ns;
};

typedef struct accel_context accel_context;
typedef struct accel_network accel_network;

/* "ok", "invalid argument", ... */
const char *accel_status_str(int status);
const char *accel_backend_str(enum accel_backend b);
/* Parse "cpu"/"sim"/"drm"/"auto"; -1 if unknown. */
int accel_backend_parse(const char *name);

/*
 * Open a context. ACCEL_BACKEND_AUTO honours the ACCEL_BACKEND environment
 * variable (cpu, sim, drm, auto) and otherwise takes the first available of
 * drm, sim, cpu. Forcing a backend that is not available fails with
 * ACCEL_ERR_BACKEND ("backend not available: ..."); *ctx is still set (so
 * the message can be read) and must be closed, unless it is NULL (no memory).
 */
int accel_open(accel_context **ctx, enum accel_backend backend);
void accel_close(accel_context *ctx);
enum accel_backend accel_context_backend(const accel_context *ctx);
/* Why that backend was chosen ("auto; drm: ...; sim available"). */
const char *accel_context_why(const accel_context *ctx);

/* Message of the last failure in @ctx ("" if none); with ctx == NULL, that
 * of the last failure without a context in this thread. */
const char *accel_last_error(const accel_context *ctx);

/* Load a .tflite model; memory is copied. The network is planned and ready
 * to accel_invoke(); inputs start as zeros. */
int accel_load_file(accel_context *ctx, const char *path, accel_network **net);
int accel_load_memory(accel_context *ctx, const void *data, size_t size,
		      accel_network **net);
void accel_network_free(accel_network *net);

int accel_num_inputs(const accel_network *net);
int accel_num_outputs(const accel_network *net);
int accel_input_info(const accel_network *net, int index,
		     struct accel_tensor_info *info);
int accel_output_info(const accel_network *net, int index,
		      struct accel_tensor_info *info);

/* Copy in/out exactly info.bytes bytes (another size is an error). */
int accel_set_input(accel_network *net, int index, const void *data,
		    size_t bytes);
int accel_invoke(accel_network *net);
int accel_get_output(const accel_network *net, int index, void *data,
		     size_t bytes);

/* Arena bytes of activations and of persistent state (variables). */
size_t accel_arena_bytes(const accel_network *net);
size_t accel_persistent_bytes(const accel_network *net);

/*
 * What the device did for op @i (same indexing as accel_profile_get) in the
 * last invoke. All zero for ops that ran on the CPU or were folded away.
 * Array utilization = macs / (cycles * array_rows * array_cols).
 */
struct accel_device_stats {
	uint64_t cycles;          /* device clock cycles of the op's job */
	uint64_t macs;            /* multiply-accumulates done for it */
	uint64_t dram_read_bytes; /* host memory read (data, commands) */
	uint64_t dram_write_bytes;
	uint64_t compulsory_bytes;/* weights, inputs and outputs moved once */
	uint32_t array_rows, array_cols;
	const char *unit;         /* "array", "nmc", or NULL on the CPU */
	/*
	 * Event counts for energy estimates. The first three are the device's
	 * perf counters over the job (zero where the backend cannot read
	 * them, e.g. drm); ppu_elems comes from the compiled program.
	 */
	uint64_t array_macs;      /* MACs the array executed (DNPU_PERF_MACS) */
	uint64_t nmc_ops;         /* NMC element operations (DNPU_PERF_NMC_OPS) */
	uint64_t spad_read_bytes; /* scratchpad traffic (DNPU_PERF_SPAD_*) */
	uint64_t spad_write_bytes;
	uint64_t ppu_elems;       /* outputs requantized by the PPU */
	uint64_t weight_bytes;    /* constants part of compulsory_bytes */
	uint64_t output_bytes;    /* output part of compulsory_bytes */
	uint32_t gemm_k, gemm_n;  /* CONV_2D/FC on the array: K = KH*KW*C, N */
	uint32_t spad_in_bytes;   /* capacity of the IN scratchpad */
};

int accel_device_stats_get(const accel_network *net, int i,
			   struct accel_device_stats *st);

/* Per-op profile of the executed operators, in execution order. Ops folded
 * into another by a graph pass are listed with backend "-" and the reason. */
int accel_profile_count(const accel_network *net);
int accel_profile_get(const accel_network *net, int i,
		      struct accel_op_profile *p);

#ifdef __cplusplus
}
#endif

#endif /* ACCEL_H */
