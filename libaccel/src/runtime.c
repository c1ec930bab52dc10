/* SPDX-License-Identifier: MIT */
/*
 * Public API: contexts, backend selection, loading (loader + planner +
 * placement + prepare + memory), invoke with per-op profiling.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel.h"
#include "loader.h"
#include "net.h"

_Static_assert((int)ACCEL_TYPE_INT8 == (int)ACCEL_DT_INT8 &&
	       (int)ACCEL_TYPE_BOOL == (int)ACCEL_DT_BOOL &&
	       (int)ACCEL_TYPE_INT32 == (int)ACCEL_DT_INT32,
	       "public and internal dtype enums must agree");
_Static_assert(ACCEL_MAX_RANK == ACCEL_MAX_DIMS, "rank limits must agree");

static _Thread_local char orphan_err[ACCEL_ERR_LEN];

static int set_err(accel_context *ctx, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record a failure message in @ctx (or the thread's orphan buffer). */
static int set_err(accel_context *ctx, int status, const char *fmt, ...)
{
	char *buf = ctx ? ctx->err : orphan_err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, ACCEL_ERR_LEN, fmt, ap);
	va_end(ap);
	return status;
}

const char *accel_status_str(int status)
{
	switch (status) {
	case ACCEL_OK: return "ok";
	case ACCEL_ERR_INVALID: return "invalid argument";
	case ACCEL_ERR_NOMEM: return "out of memory";
	case ACCEL_ERR_IO: return "I/O error";
	case ACCEL_ERR_MODEL: return "malformed model";
	case ACCEL_ERR_UNSUPPORTED: return "unsupported model feature";
	case ACCEL_ERR_BACKEND: return "backend error";
	case ACCEL_ERR_RUNTIME: return "runtime error";
	}
	return "unknown status";
}

const char *accel_backend_str(enum accel_backend b)
{
	switch (b) {
	case ACCEL_BACKEND_AUTO: return "auto";
	case ACCEL_BACKEND_CPU: return "cpu";
	case ACCEL_BACKEND_SIM: return "sim";
	case ACCEL_BACKEND_DRM: return "drm";
	}
	return "?";
}

int accel_backend_parse(const char *name)
{
	static const enum accel_backend all[] = {
		ACCEL_BACKEND_AUTO, ACCEL_BACKEND_CPU, ACCEL_BACKEND_SIM,
		ACCEL_BACKEND_DRM,
	};
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(name, accel_backend_str(all[i])) == 0)
			return (int)all[i];
	return -1;
}

/* Get, probe and open a backend for @ctx; -1 with the reason in @why. */
static int try_backend(accel_context *ctx, enum accel_backend kind, char *why,
		       size_t len)
{
	const struct accel_backend_ops *be = accel_backend_get(kind, why, len);
	if (!be || be->probe(why, len) || be->open(&ctx->be_priv, why, len))
		return -1;
	ctx->be = be;
	return 0;
}

static int select_backend(accel_context *ctx, enum accel_backend kind,
			  const char *forced_by)
{
	char why[160] = "";
	if (kind != ACCEL_BACKEND_AUTO) {
		if (try_backend(ctx, kind, why, sizeof(why)))
			return set_err(ctx, ACCEL_ERR_BACKEND,
				       "backend not available: %s (%s)",
				       accel_backend_str(kind), why);
		snprintf(ctx->why, sizeof(ctx->why), "%s forced by %s",
			 accel_backend_str(kind), forced_by);
		return ACCEL_OK;
	}
	/* automatic: the device, else the simulator, else the CPU; a backend
	 * that probes fine but fails to open is skipped too */
	static const enum accel_backend order[] = {
		ACCEL_BACKEND_DRM, ACCEL_BACKEND_SIM, ACCEL_BACKEND_CPU,
	};
	size_t n = 0;
	n += (size_t)snprintf(ctx->why, sizeof(ctx->why), "auto");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (try_backend(ctx, order[i], why, sizeof(why)) == 0) {
			if (n < sizeof(ctx->why))
				snprintf(ctx->why + n, sizeof(ctx->why) - n,
					 "; %s available", ctx->be->name);
			return ACCEL_OK;
		}
		if (n < sizeof(ctx->why))
			n += (size_t)snprintf(ctx->why + n, sizeof(ctx->why) - n,
					      "; %s: %s",
					      accel_backend_str(order[i]), why);
	}
	return set_err(ctx, ACCEL_ERR_BACKEND, "no backend available (%s)",
		       ctx->why);
}

int accel_open(accel_context **out, enum accel_backend kind)
{
	if (!out)
		return set_err(NULL, ACCEL_ERR_INVALID, "accel_open: ctx is NULL");
	*out = NULL;
	if (kind < ACCEL_BACKEND_AUTO || kind > ACCEL_BACKEND_DRM)
		return set_err(NULL, ACCEL_ERR_INVALID,
			       "accel_open: unknown backend %d", (int)kind);
	accel_context *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return set_err(NULL, ACCEL_ERR_NOMEM, "accel_open: out of memory");
	*out = ctx;
	const char *forced_by = "the caller";
	char env_desc[64];
	if (kind == ACCEL_BACKEND_AUTO) {
		const char *env = getenv("ACCEL_BACKEND");
		if (env && *env) {
			int k = accel_backend_parse(env);
			if (k < 0)
				return set_err(ctx, ACCEL_ERR_INVALID,
					       "ACCEL_BACKEND='%.32s' is not a backend (use cpu, sim, drm or auto)",
					       env);
			kind = (enum accel_backend)k;
			snprintf(env_desc, sizeof(env_desc),
				 "ACCEL_BACKEND=%s", env);
			forced_by = env_desc;
		}
	}
	int rc = select_backend(ctx, kind, forced_by);
	if (rc)
		return rc;
	ctx->kind = ctx->be->kind;
	return ACCEL_OK;
}

void accel_close(accel_context *ctx)
{
	if (!ctx)
		return;
	if (ctx->be)
		ctx->be->close(ctx->be_priv);
	free(ctx);
}

enum accel_backend accel_context_backend(const accel_context *ctx)
{
	return ctx && ctx->be ? ctx->be->kind : ACCEL_BACKEND_AUTO;
}

const char *accel_context_why(const accel_context *ctx)
{
	return ctx ? ctx->why : "";
}

const char *accel_last_error(const accel_context *ctx)
{
	return ctx ? ctx->err : orphan_err;
}

/* Choose a backend per op: the context's if it can and is not costlier
 * than the CPU, else the CPU. */
static int place_ops(accel_network *net)
{
	accel_context *ctx = net->ctx;
	struct accel_model *m = net->m;
	/* ACCEL_PLACEMENT=device: whatever the device can run, it runs */
	const char *placement = getenv("ACCEL_PLACEMENT");
	bool prefer_device = placement && !strcmp(placement, "device");
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_op *op = &m->ops[i];
		struct accel_net_op *no = &net->ops[i];
		char why[128] = "";
		no->est_cpu_ns = no->est_device_ns = -1;
		if (op->removed) {
			snprintf(no->reason, sizeof(no->reason), "%s",
				 accel_op_is_alias(m, op) ?
				 "view: output shares the input's memory" :
				 op->opcode == ACCEL_OP_PAD || op->opcode == 60 ?
				 "folded into the next conv as explicit padding" :
				 "fused into the producer's activation");
			continue;
		}
		int64_t cost = ctx->be->op_cost(ctx->be_priv, m, op, why,
						sizeof(why));
		if (cost >= 0 && ctx->be != &accel_backend_cpu) {
			char cwhy[128] = "";
			int64_t cpu = accel_backend_cpu.op_cost(NULL, m, op, cwhy,
								sizeof(cwhy));
			no->est_cpu_ns = cpu;
			no->est_device_ns = cost;
			if (cpu < 0 || cost <= cpu || prefer_device) {
				no->be = ctx->be;
				no->be_priv = ctx->be_priv;
				if (prefer_device)
					snprintf(no->reason, sizeof(no->reason),
						 "ACCEL_PLACEMENT=device");
				else if (cpu < 0)
					snprintf(no->reason, sizeof(no->reason),
						 "only %s can run it (cpu: %s)",
						 ctx->be->name, cwhy);
				else
					snprintf(no->reason, sizeof(no->reason),
						 "est. %.1f us on %s <= %.1f us on cpu",
						 (double)cost / 1e3, ctx->be->name,
						 (double)cpu / 1e3);
				continue;
			}
			snprintf(no->reason, sizeof(no->reason),
				 "fallback: est. %.1f us on cpu < %.1f us on %s",
				 (double)cpu / 1e3, (double)cost / 1e3,
				 ctx->be->name);
		} else if (ctx->be == &accel_backend_cpu) {
			snprintf(no->reason, sizeof(no->reason), "%s", ctx->why);
		} else {
			snprintf(no->reason, sizeof(no->reason),
				 "fallback: %s cannot: %s", ctx->be->name, why);
		}
		no->be = &accel_backend_cpu;
		no->be_priv = NULL;
		if (accel_backend_cpu.op_cost(NULL, m, op, why, sizeof(why)) < 0)
			return set_err(ctx, ACCEL_ERR_UNSUPPORTED,
				       "operator %d (%s): no backend can run it: %s",
				       i, op->name, why);
	}
	return ACCEL_OK;
}

static int prepare_ops(accel_network *net)
{
	struct accel_model *m = net->m;
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_net_op *no = &net->ops[i];
		char err[256] = "";
		if (!no->be)
			continue;
		no->prepared = true;
		if (no->be->prepare(no->be_priv, m, &m->ops[i], err, sizeof(err)))
			return set_err(net->ctx, ACCEL_ERR_UNSUPPORTED,
				       "operator %d (%s): %s", i, m->ops[i].name,
				       err);
		if (no->be->scratch_bytes)
			net->scratch_bytes += no->be->scratch_bytes(
				no->be_priv, m, &m->ops[i]);
	}
	return ACCEL_OK;
}

static void init_variables(accel_network *net)
{
	struct accel_model *m = net->m;
	for (int t = 0; t < m->n_tensors; t++) {
		struct accel_tensor *x = &m->tensors[t];
		if (!x->is_variable)
			continue;
		if (x->const_data) {
			memcpy(x->data, x->const_data, x->bytes);
		} else if (x->q.count >= 1 && accel_dtype_size(x->type) == 1) {
			/* quantized int8 state starts at real 0.0 */
			memset(x->data, (int)x->q.zero_point[0], x->bytes);
		} else if (x->q.count >= 1 && x->type == ACCEL_DT_INT16) {
			int16_t zp = (int16_t)x->q.zero_point[0];
			for (size_t i = 0; i < x->bytes / 2; i++)
				memcpy((uint8_t *)x->data + 2 * i, &zp, 2);
		} else {
			memset(x->data, 0, x->bytes);
		}
	}
}

static int alloc_memory(accel_network *net)
{
	struct accel_model *m = net->m;
	net->arena = calloc(1, m->arena_bytes ? m->arena_bytes : 1);
	net->persistent = calloc(1, m->persistent_bytes ? m->persistent_bytes : 1);
	if (!net->arena || !net->persistent)
		return set_err(net->ctx, ACCEL_ERR_NOMEM,
			       "out of memory for a %zu-byte arena",
			       m->arena_bytes + m->persistent_bytes);
	for (int t = 0; t < m->n_tensors; t++) {
		struct accel_tensor *x = &m->tensors[t];
		if (x->is_const)
			x->data = (void *)x->const_data;
		else if (x->is_variable)
			x->data = net->persistent + x->arena_offset;
		else if (x->first_use >= 0)
			x->data = net->arena + x->arena_offset;
		else
			x->data = NULL;
	}
	init_variables(net);
	return ACCEL_OK;
}

int accel_load_memory_opts(accel_context *ctx, const void *data, size_t size,
			   const struct accel_plan_opts *opts,
			   accel_network **out)
{
	char err[ACCEL_ERR_LEN - 64] = "";
	if (!out)
		return set_err(ctx, ACCEL_ERR_INVALID, "accel_load: net is NULL");
	*out = NULL;
	if (!ctx)
		return set_err(NULL, ACCEL_ERR_INVALID, "accel_load: ctx is NULL");
	if (!ctx->be)
		return set_err(ctx, ACCEL_ERR_BACKEND,
			       "accel_load: context has no backend (accel_open failed)");
	if (!data || !size)
		return set_err(ctx, ACCEL_ERR_INVALID, "accel_load: empty model");
	accel_network *net = calloc(1, sizeof(*net));
	if (!net)
		return set_err(ctx, ACCEL_ERR_NOMEM, "out of memory");
	net->ctx = ctx;
	int rc = accel_model_load(data, size, &net->m, err, sizeof(err));
	if (rc) {
		accel_network_free(net);
		return set_err(ctx, rc == ACCEL_LOAD_UNSUPPORTED ?
			       ACCEL_ERR_UNSUPPORTED : ACCEL_ERR_MODEL,
			       "%s", err);
	}
	if (accel_plan(net->m, opts, err, sizeof(err))) {
		accel_network_free(net);
		return set_err(ctx, ACCEL_ERR_MODEL, "%s", err);
	}
	net->ops = calloc((size_t)net->m->n_ops + 1, sizeof(*net->ops));
	if (!net->ops) {
		accel_network_free(net);
		return set_err(ctx, ACCEL_ERR_NOMEM, "out of memory");
	}
	rc = place_ops(net);
	if (!rc)
		rc = prepare_ops(net);
	if (!rc)
		rc = alloc_memory(net);
	if (rc) {
		accel_network_free(net);
		return rc;
	}
	ctx->err[0] = '\0';
	*out = net;
	return ACCEL_OK;
}

int accel_load_memory(accel_context *ctx, const void *data, size_t size,
		      accel_network **net)
{
	return accel_load_memory_opts(ctx, data, size, NULL, net);
}

int accel_load_file(accel_context *ctx, const char *path, accel_network **net)
{
	if (net)
		*net = NULL;
	if (!ctx)
		return set_err(NULL, ACCEL_ERR_INVALID, "accel_load_file: ctx is NULL");
	if (!path || !net)
		return set_err(ctx, ACCEL_ERR_INVALID,
			       "accel_load_file: %s is NULL", path ? "net" : "path");
	FILE *f = fopen(path, "rb");
	if (!f)
		return set_err(ctx, ACCEL_ERR_IO, "cannot open '%s': %s", path,
			       strerror(errno));
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 1 << 16;
			uint8_t *nb = ncap > cap ? realloc(buf, ncap) : NULL;
			if (!nb) {
				free(buf);
				fclose(f);
				return set_err(ctx, ACCEL_ERR_NOMEM,
					       "out of memory reading '%s'", path);
			}
			buf = nb;
			cap = ncap;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int io_err = ferror(f);
	fclose(f);
	if (io_err) {
		free(buf);
		return set_err(ctx, ACCEL_ERR_IO, "error reading '%s'", path);
	}
	int rc = accel_load_memory(ctx, buf, len, net);
	free(buf);
	if (rc && len == 0)
		return set_err(ctx, rc, "'%s' is empty", path);
	if (rc) {
		char msg[ACCEL_ERR_LEN];
		snprintf(msg, sizeof(msg), "%s", ctx->err);
		set_err(ctx, rc, "%s: %s", path, msg);
	}
	return rc;
}

void accel_network_free(accel_network *net)
{
	if (!net)
		return;
	if (net->ops && net->m)
		for (int i = 0; i < net->m->n_ops; i++)
			if (net->ops[i].prepared)
				net->ops[i].be->release(net->ops[i].be_priv,
							&net->m->ops[i]);
	free(net->ops);
	free(net->arena);
	free(net->persistent);
	accel_model_free(net->m);
	free(net);
}

int accel_num_inputs(const accel_network *net)
{
	return net ? net->m->n_inputs : 0;
}

int accel_num_outputs(const accel_network *net)
{
	return net ? net->m->n_outputs : 0;
}

static void fill_info(const struct accel_tensor *t,
		      struct accel_tensor_info *info)
{
	memset(info, 0, sizeof(*info));
	info->name = t->name;
	info->type = (enum accel_type)t->type;
	info->rank = t->rank;
	for (int i = 0; i < t->rank; i++)
		info->dims[i] = t->dims[i];
	info->bytes = t->bytes;
	if (t->q.count >= 1) {
		info->quantized = 1;
		info->scale = t->q.scale[0];
		info->zero_point = (int32_t)t->q.zero_point[0];
	}
}

/* Tensor index of graph input/output @index, or -1 with the error set. */
static int io_tensor(const accel_network *net, int index, bool output,
		     const char *fn)
{
	if (!net)
		return set_err(NULL, ACCEL_ERR_INVALID, "%s: net is NULL", fn);
	int n = output ? net->m->n_outputs : net->m->n_inputs;
	if (index < 0 || index >= n)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "%s: %s index %d out of range (model has %d)",
			       fn, output ? "output" : "input", index, n);
	return output ? net->m->outputs[index] : net->m->inputs[index];
}

int accel_input_info(const accel_network *net, int index,
		     struct accel_tensor_info *info)
{
	int t = io_tensor(net, index, false, "accel_input_info");
	if (t < 0)
		return t;
	if (!info)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_input_info: info is NULL");
	fill_info(&net->m->tensors[t], info);
	return ACCEL_OK;
}

int accel_output_info(const accel_network *net, int index,
		      struct accel_tensor_info *info)
{
	int t = io_tensor(net, index, true, "accel_output_info");
	if (t < 0)
		return t;
	if (!info)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_output_info: info is NULL");
	fill_info(&net->m->tensors[t], info);
	return ACCEL_OK;
}

int accel_set_input(accel_network *net, int index, const void *data,
		    size_t bytes)
{
	int t = io_tensor(net, index, false, "accel_set_input");
	if (t < 0)
		return t;
	const struct accel_tensor *x = &net->m->tensors[t];
	if (!data)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_set_input: data is NULL");
	if (bytes != x->bytes)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_set_input: input %d ('%s') takes %zu bytes, got %zu",
			       index, x->name, x->bytes, bytes);
	memcpy(x->data, data, bytes);
	return ACCEL_OK;
}

int accel_get_output(const accel_network *net, int index, void *data,
		     size_t bytes)
{
	int t = io_tensor(net, index, true, "accel_get_output");
	if (t < 0)
		return t;
	const struct accel_tensor *x = &net->m->tensors[t];
	if (!data)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_get_output: data is NULL");
	if (bytes != x->bytes)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_get_output: output %d ('%s') has %zu bytes, buffer is %zu",
			       index, x->name, x->bytes, bytes);
	memcpy(data, x->data, bytes);
	return ACCEL_OK;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int accel_invoke(accel_network *net)
{
	if (!net)
		return set_err(NULL, ACCEL_ERR_INVALID, "accel_invoke: net is NULL");
	struct accel_model *m = net->m;
	for (int i = 0; i < m->n_ops; i++) {
		struct accel_net_op *no = &net->ops[i];
		char err[256] = "";
		if (!no->be) {
			/* folded/aliased op: nothing runs, a view is valid */
			if (net->observer)
				net->observer(net->observer_user, net, i);
			continue;
		}
		uint64_t t0 = now_ns();
		int rc = no->be->run(no->be_priv, m, &m->ops[i], err, sizeof(err));
		uint64_t dt = now_ns() - t0;
		if (rc)
			return set_err(net->ctx, ACCEL_ERR_RUNTIME,
				       "operator %d (%s) failed on %s: %s", i,
				       m->ops[i].name, no->be->name, err);
		no->last_ns = dt;
		no->total_ns += dt;
		no->invokes++;
		if (net->observer)
			net->observer(net->observer_user, net, i);
	}
	return ACCEL_OK;
}

size_t accel_arena_bytes(const accel_network *net)
{
	return net ? net->m->arena_bytes : 0;
}

size_t accel_persistent_bytes(const accel_network *net)
{
	return net ? net->m->persistent_bytes : 0;
}

int accel_profile_count(const accel_network *net)
{
	return net ? net->m->n_ops : 0;
}

int accel_profile_get(const accel_network *net, int i,
		      struct accel_op_profile *p)
{
	if (!net || !p)
		return set_err(net ? net->ctx : NULL, ACCEL_ERR_INVALID,
			       "accel_profile_get: %s is NULL", net ? "p" : "net");
	if (i < 0 || i >= net->m->n_ops)
		return set_err(net->ctx, ACCEL_ERR_INVALID,
			       "accel_profile_get: op %d out of range (%d ops)",
			       i, net->m->n_ops);
	const struct accel_net_op *no = &net->ops[i];
	p->op_index = i;
	p->op_name = net->m->ops[i].name;
	p->backend = no->be ? no->be->name : "-";
	p->reason = no->reason;
	p->time_ns = no->last_ns;
	p->total_ns = no->total_ns;
	p->invokes = no->invokes;
	p->est_cpu_ns = no->est_cpu_ns;
	p->est_device_ns = no->est_device_ns;
	return ACCEL_OK;
}
