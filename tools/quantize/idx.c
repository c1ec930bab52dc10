// SPDX-License-Identifier: MIT
/* IDX reader on top of zlib's gz* API (which also reads plain files). */
#include "idx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int read_be32(gzFile f, uint32_t *v)
{
	uint8_t b[4];
	if (gzread(f, b, 4) != 4)
		return -1;
	*v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	     (uint32_t)b[2] << 8 | b[3];
	return 0;
}

/* Open @path, check the magic and read the item count. */
static gzFile open_idx(const char *path, uint32_t magic, uint32_t *count,
		       char *err, size_t errlen)
{
	gzFile f = gzopen(path, "rb");
	uint32_t m;
	if (!f) {
		fail(err, errlen, "%s: cannot open", path);
		return NULL;
	}
	if (read_be32(f, &m) || m != magic || read_be32(f, count)) {
		fail(err, errlen, "%s: not an IDX file of magic 0x%x", path,
		     magic);
		gzclose(f);
		return NULL;
	}
	return f;
}

int idx_load_images(const char *path, int limit, struct idx_images *out,
		    char *err, size_t errlen)
{
	uint32_t n, rows, cols;
	memset(out, 0, sizeof(*out));
	gzFile f = open_idx(path, 0x803, &n, err, errlen);
	if (!f)
		return -1;
	if (read_be32(f, &rows) || read_be32(f, &cols) || !rows || !cols ||
	    rows > 4096 || cols > 4096) {
		gzclose(f);
		return fail(err, errlen, "%s: bad image header", path);
	}
	if (limit > 0 && (uint32_t)limit < n)
		n = (uint32_t)limit;
	size_t bytes = (size_t)n * rows * cols;
	out->pixels = malloc(bytes ? bytes : 1);
	if (!out->pixels) {
		gzclose(f);
		return fail(err, errlen, "out of memory");
	}
	/* gzread takes unsigned lengths: read in chunks */
	for (size_t done = 0; done < bytes;) {
		unsigned chunk = bytes - done > (1u << 30) ? 1u << 30 :
				 (unsigned)(bytes - done);
		int got = gzread(f, out->pixels + done, chunk);
		if (got <= 0) {
			gzclose(f);
			idx_free_images(out);
			return fail(err, errlen, "%s: truncated", path);
		}
		done += (size_t)got;
	}
	gzclose(f);
	out->count = (int)n;
	out->rows = (int)rows;
	out->cols = (int)cols;
	return 0;
}

int idx_load_labels(const char *path, int limit, uint8_t **labels, int *count,
		    char *err, size_t errlen)
{
	uint32_t n;
	*labels = NULL;
	*count = 0;
	gzFile f = open_idx(path, 0x801, &n, err, errlen);
	if (!f)
		return -1;
	if (limit > 0 && (uint32_t)limit < n)
		n = (uint32_t)limit;
	uint8_t *l = malloc(n ? n : 1);
	if (!l || gzread(f, l, n) != (int)n) {
		free(l);
		gzclose(f);
		return fail(err, errlen, "%s: truncated", path);
	}
	gzclose(f);
	*labels = l;
	*count = (int)n;
	return 0;
}

void idx_free_images(struct idx_images *im)
{
	free(im->pixels);
	memset(im, 0, sizeof(*im));
}
