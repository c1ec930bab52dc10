/* SPDX-License-Identifier: MIT */
/*
 * Minimal, bounds-checked FlatBuffers reader (read side only).
 *
 * Every accessor validates what it touches against the buffer size, so a
 * truncated or corrupted file yields an error return instead of an
 * out-of-bounds read. Multi-byte values are read with memcpy (little-endian
 * host assumed, as TFLite does): the buffer need not be aligned.
 *
 * Return convention of the field getters: 0 = present and valid,
 * 1 = absent (caller uses the schema default), -1 = malformed.
 */
#ifndef ACCEL_FLATBUF_H
#define ACCEL_FLATBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fb_buf {
	const uint8_t *p;
	size_t n;
};

struct fb_table {
	const struct fb_buf *b;
	size_t pos;             /* table start (its soffset to the vtable) */
	size_t vt;              /* vtable start */
	unsigned vt_len;        /* vtable size in bytes */
	unsigned tbl_len;       /* inline table size in bytes */
};

struct fb_vec {
	const struct fb_buf *b;
	size_t pos;             /* first element */
	uint32_t len;           /* element count */
	unsigned elem;          /* element size in bytes */
};

/* Root table of the buffer; -1 if the header or table is malformed. */
int fb_root(const struct fb_buf *b, struct fb_table *out);

/* Byte position of field @id's inline data, 0 if absent (or too short). */
size_t fb_field_pos(const struct fb_table *t, int id, unsigned size);

int fb_u8(const struct fb_table *t, int id, uint8_t def, uint8_t *out);
int fb_i8(const struct fb_table *t, int id, int8_t def, int8_t *out);
int fb_i32(const struct fb_table *t, int id, int32_t def, int32_t *out);
int fb_u32(const struct fb_table *t, int id, uint32_t def, uint32_t *out);
int fb_u64(const struct fb_table *t, int id, uint64_t def, uint64_t *out);
int fb_f32(const struct fb_table *t, int id, float def, float *out);
int fb_bool(const struct fb_table *t, int id, bool def, bool *out);

/* Sub-table, vector (of @elem-byte scalars or offsets) and string fields. */
int fb_table_field(const struct fb_table *t, int id, struct fb_table *out);
int fb_vec_field(const struct fb_table *t, int id, unsigned elem,
		 struct fb_vec *out);
int fb_str_field(const struct fb_table *t, int id, const char **s,
		 uint32_t *len);

/* Element @i of a vector of tables (i must be < v->len). */
int fb_vec_table(const struct fb_vec *v, uint32_t i, struct fb_table *out);

/* Scalar elements of a validated vector (i < v->len). */
int32_t fb_vec_i32(const struct fb_vec *v, uint32_t i);
int64_t fb_vec_i64(const struct fb_vec *v, uint32_t i);
float fb_vec_f32(const struct fb_vec *v, uint32_t i);
const uint8_t *fb_vec_data(const struct fb_vec *v);

#endif /* ACCEL_FLATBUF_H */
