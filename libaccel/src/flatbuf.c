/* SPDX-License-Identifier: MIT */
#include "flatbuf.h"

#include <string.h>

/* True when [pos, pos+len) lies inside the buffer (overflow-safe). */
static bool in_bounds(const struct fb_buf *b, uint64_t pos, uint64_t len)
{
	return pos <= b->n && len <= b->n - pos;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static int table_at(const struct fb_buf *b, uint64_t pos, struct fb_table *t)
{
	if (!in_bounds(b, pos, 4))
		return -1;
	int32_t soff = (int32_t)rd32(b->p + pos);
	int64_t vt = (int64_t)pos - soff;
	if (vt < 0 || !in_bounds(b, (uint64_t)vt, 4))
		return -1;
	unsigned vt_len = rd16(b->p + vt);
	unsigned tbl_len = rd16(b->p + vt + 2);
	if (vt_len < 4 || (vt_len & 1) || !in_bounds(b, (uint64_t)vt, vt_len))
		return -1;
	if (tbl_len < 4 || !in_bounds(b, pos, tbl_len))
		return -1;
	t->b = b;
	t->pos = (size_t)pos;
	t->vt = (size_t)vt;
	t->vt_len = vt_len;
	t->tbl_len = tbl_len;
	return 0;
}

int fb_root(const struct fb_buf *b, struct fb_table *out)
{
	if (!b->p || !in_bounds(b, 0, 8))
		return -1;
	return table_at(b, rd32(b->p), out);
}

size_t fb_field_pos(const struct fb_table *t, int id, unsigned size)
{
	unsigned slot = 4 + 2 * (unsigned)id;
	if (id < 0 || slot + 2 > t->vt_len)
		return 0;
	unsigned off = rd16(t->b->p + t->vt + slot);
	/* the field must lie inside the table's inline area */
	if (off < 4 || off + size > t->tbl_len)
		return 0;
	return t->pos + off;
}

/* Present-but-out-of-table fields read as absent; tables are bounds-checked
 * as a whole in table_at(), so an in-table field is always in the buffer. */
static int scalar(const struct fb_table *t, int id, unsigned size, void *out)
{
	size_t pos = fb_field_pos(t, id, size);
	if (!pos)
		return 1;
	memcpy(out, t->b->p + pos, size);
	return 0;
}

#define FB_SCALAR(fn, type)                                               \
	/* NOLINTNEXTLINE(bugprone-macro-parentheses): a type name */  \
	int fn(const struct fb_table *t, int id, type def, type *out)     \
	{                                                                 \
		*out = def;                                               \
		return scalar(t, id, sizeof(*out), out);                  \
	}

FB_SCALAR(fb_u8, uint8_t)
FB_SCALAR(fb_i8, int8_t)
FB_SCALAR(fb_i32, int32_t)
FB_SCALAR(fb_u32, uint32_t)
FB_SCALAR(fb_u64, uint64_t)
FB_SCALAR(fb_f32, float)

int fb_bool(const struct fb_table *t, int id, bool def, bool *out)
{
	uint8_t v = def;
	int r = fb_u8(t, id, def, &v);
	*out = v != 0;
	return r;
}

/* Follow the uoffset stored at field @id; returns its target or 0. */
static int deref(const struct fb_table *t, int id, uint64_t *target)
{
	size_t pos = fb_field_pos(t, id, 4);
	if (!pos)
		return 1;
	uint32_t off = rd32(t->b->p + pos);
	if (off == 0)
		return -1;
	*target = (uint64_t)pos + off;
	return in_bounds(t->b, *target, 4) ? 0 : -1;
}

int fb_table_field(const struct fb_table *t, int id, struct fb_table *out)
{
	uint64_t target;
	int r = deref(t, id, &target);
	if (r)
		return r;
	return table_at(t->b, target, out);
}

static int vec_at(const struct fb_buf *b, uint64_t pos, unsigned elem,
		  struct fb_vec *out)
{
	if (!in_bounds(b, pos, 4))
		return -1;
	uint32_t len = rd32(b->p + pos);
	if (!in_bounds(b, pos + 4, (uint64_t)len * elem))
		return -1;
	out->b = b;
	out->pos = (size_t)pos + 4;
	out->len = len;
	out->elem = elem;
	return 0;
}

int fb_vec_field(const struct fb_table *t, int id, unsigned elem,
		 struct fb_vec *out)
{
	uint64_t target;
	out->b = t->b;
	out->pos = 0;
	out->len = 0;
	out->elem = elem;
	int r = deref(t, id, &target);
	if (r)
		return r;
	return vec_at(t->b, target, elem, out);
}

int fb_str_field(const struct fb_table *t, int id, const char **s,
		 uint32_t *len)
{
	struct fb_vec v;
	*s = "";
	*len = 0;
	int r = fb_vec_field(t, id, 1, &v);
	if (r)
		return r;
	/* strings carry a NUL terminator right after the bytes */
	if (!in_bounds(t->b, v.pos, (uint64_t)v.len + 1) ||
	    t->b->p[v.pos + v.len] != 0)
		return -1;
	*s = (const char *)t->b->p + v.pos;
	*len = v.len;
	return 0;
}

int fb_vec_table(const struct fb_vec *v, uint32_t i, struct fb_table *out)
{
	if (i >= v->len || v->elem != 4)
		return -1;
	uint64_t pos = (uint64_t)v->pos + 4ull * i;
	uint32_t off = rd32(v->b->p + pos);
	if (off == 0)
		return -1;
	return table_at(v->b, pos + off, out);
}

int32_t fb_vec_i32(const struct fb_vec *v, uint32_t i)
{
	return (int32_t)rd32(v->b->p + v->pos + 4ull * i);
}

int64_t fb_vec_i64(const struct fb_vec *v, uint32_t i)
{
	int64_t x;
	memcpy(&x, v->b->p + v->pos + 8ull * i, sizeof(x));
	return x;
}

float fb_vec_f32(const struct fb_vec *v, uint32_t i)
{
	float x;
	memcpy(&x, v->b->p + v->pos + 4ull * i, sizeof(x));
	return x;
}

const uint8_t *fb_vec_data(const struct fb_vec *v)
{
	return v->b->p + v->pos;
}
