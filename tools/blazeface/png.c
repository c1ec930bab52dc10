// SPDX-License-Identifier: MIT
/* PNG decoder (see png.h). */
#include "png.h"

#include <stdarg.h>
#include <stdbool.h>
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

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

void rgb_image_free(struct rgb_image *img)
{
	free(img->rgb);
	memset(img, 0, sizeof(*img));
}

struct ihdr {
	uint32_t w, h;
	int depth, color, channels;
};

static bool depth_valid(int color, int depth)
{
	switch (color) {
	case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
		       depth == 16;
	case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
	case 2: case 4: case 6: return depth == 8 || depth == 16;
	}
	return false;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c;
	int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* Undo the per-row filters in place; rows are 1 + @rowbytes long. */
static int unfilter(uint8_t *d, const struct ihdr *h, size_t rowbytes,
		    char *err, size_t errlen)
{
	size_t bpp = ((size_t)h->channels * (size_t)h->depth + 7) / 8;
	uint8_t *prev = NULL;
	for (uint32_t y = 0; y < h->h; y++) {
		uint8_t *row = d + (size_t)y * (rowbytes + 1);
		int f = row[0];
		uint8_t *x = row + 1;
		for (size_t i = 0; i < rowbytes; i++) {
			int a = i >= bpp ? x[i - bpp] : 0;
			int b = prev ? prev[i] : 0;
			int c = prev && i >= bpp ? prev[i - bpp] : 0;
			switch (f) {
			case 0: break;
			case 1: x[i] = (uint8_t)(x[i] + a); break;
			case 2: x[i] = (uint8_t)(x[i] + b); break;
			case 3: x[i] = (uint8_t)(x[i] + ((a + b) >> 1)); break;
			case 4: x[i] = (uint8_t)(x[i] + paeth(a, b, c)); break;
			default:
				return fail(err, errlen, "row %u: bad filter type %d",
					    y, f);
			}
		}
		prev = x;
	}
	return 0;
}

/* Sample @i of a row at bit depth @depth, scaled to 0..255. */
static int sample8(const uint8_t *x, size_t i, int depth)
{
	switch (depth) {
	case 16: return x[2 * i];
	case 8: return x[i];
	default: {
		size_t bit = i * (size_t)depth;
		int v = (x[bit / 8] >> (8 - depth - (int)(bit % 8))) &
			((1 << depth) - 1);
		return v * 255 / ((1 << depth) - 1);
	}
	}
}

static int raw_index(const uint8_t *x, size_t i, int depth)
{
	size_t bit = i * (size_t)depth;
	if (depth == 8)
		return x[i];
	return (x[bit / 8] >> (8 - depth - (int)(bit % 8))) & ((1 << depth) - 1);
}

int png_decode(const uint8_t *data, size_t size, struct rgb_image *img,
	       char *err, size_t errlen)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct ihdr h = { 0 };
	uint8_t pal[256 * 3];
	int pal_n = 0;
	bool have_ihdr = false, have_iend = false;
	uint8_t *idat = NULL, *raw = NULL;
	size_t idat_n = 0;
	int ret = -1;
	memset(img, 0, sizeof(*img));
	if (size < 8 || memcmp(data, sig, 8))
		return fail(err, errlen, "not a PNG file (bad signature)");
	size_t p = 8;
	while (!have_iend) {
		if (size - p < 12) {
			fail(err, errlen, "truncated chunk at offset %zu", p);
			goto out;
		}
		uint32_t len = be32(data + p);
		const uint8_t *type = data + p + 4, *cd = data + p + 8;
		if (len > 0x7fffffffu || size - p - 12 < len) {
			fail(err, errlen, "chunk at offset %zu overruns the file", p);
			goto out;
		}
		uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), type, len + 4);
		if (crc != be32(cd + len)) {
			fail(err, errlen, "chunk %.4s: CRC mismatch", (const char *)type);
			goto out;
		}
		if (!have_ihdr && memcmp(type, "IHDR", 4)) {
			fail(err, errlen, "first chunk is not IHDR");
			goto out;
		}
		if (!memcmp(type, "IHDR", 4)) {
			if (have_ihdr || len != 13) {
				fail(err, errlen, "bad IHDR");
				goto out;
			}
			h.w = be32(cd);
			h.h = be32(cd + 4);
			h.depth = cd[8];
			h.color = cd[9];
			if (!h.w || !h.h || h.w > 1u << 16 || h.h > 1u << 16 ||
			    (size_t)h.w * h.h > PNG_MAX_PIXELS) {
				fail(err, errlen, "bad image size %ux%u", h.w, h.h);
				goto out;
			}
			if (!depth_valid(h.color, h.depth)) {
				fail(err, errlen, "bad colour type %d / bit depth %d",
				     h.color, h.depth);
				goto out;
			}
			if (cd[10] || cd[11]) {
				fail(err, errlen, "unknown compression or filter method");
				goto out;
			}
			if (cd[12]) {
				fail(err, errlen, "interlaced PNGs are not supported");
				goto out;
			}
			static const int ch[7] = { 1, 0, 3, 1, 2, 0, 4 };
			h.channels = ch[h.color];
			have_ihdr = true;
		} else if (!memcmp(type, "PLTE", 4)) {
			if (len % 3 || len == 0 || len > 768) {
				fail(err, errlen, "bad PLTE length %u", len);
				goto out;
			}
			memcpy(pal, cd, len);
			pal_n = (int)(len / 3);
		} else if (!memcmp(type, "IDAT", 4)) {
			uint8_t *n = realloc(idat, idat_n + len + 1);
			if (!n) {
				fail(err, errlen, "out of memory");
				goto out;
			}
			idat = n;
			memcpy(idat + idat_n, cd, len);
			idat_n += len;
		} else if (!memcmp(type, "IEND", 4)) {
			have_iend = true;
		} else if (!(type[0] & 0x20)) {
			fail(err, errlen, "unknown critical chunk %.4s",
			     (const char *)type);
			goto out;
		}
		p += 12 + (size_t)len;
	}
	if (h.color == 3 && !pal_n) {
		fail(err, errlen, "palette image without PLTE");
		goto out;
	}
	if (!have_ihdr) {	/* only ancillary chunks */
		fail(err, errlen, "no IHDR");
		goto out;
	}
	if (!idat_n || idat_n > UINT32_MAX / 2) {
		fail(err, errlen, idat_n ? "too much image data" : "no image data");
		goto out;
	}
	size_t rowbytes = ((size_t)h.w * (size_t)h.channels * (size_t)h.depth + 7) / 8;
	size_t want = (rowbytes + 1) * h.h;
	raw = malloc(want + 1);
	if (!raw) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	z_stream z = { 0 };
	if (inflateInit(&z) != Z_OK) {
		fail(err, errlen, "zlib init failed");
		goto out;
	}
	z.next_in = idat;
	z.avail_in = (uInt)idat_n;
	z.next_out = raw;
	z.avail_out = (uInt)want + 1;   /* one spare byte detects excess data */
	int zr = inflate(&z, Z_FINISH);
	size_t got = want + 1 - z.avail_out;
	inflateEnd(&z);
	if (zr != Z_STREAM_END || got != want) {
		fail(err, errlen, "image data: %s (%zu of %zu bytes)",
		     zr == Z_STREAM_END ? "wrong size" : "corrupt or truncated",
		     got, want);
		goto out;
	}
	if (unfilter(raw, &h, rowbytes, err, errlen))
		goto out;
	img->rgb = malloc((size_t)h.w * h.h * 3);
	if (!img->rgb) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	img->w = (int)h.w;
	img->h = (int)h.h;
	for (uint32_t y = 0; y < h.h; y++) {
		const uint8_t *x = raw + (size_t)y * (rowbytes + 1) + 1;
		uint8_t *o = img->rgb + (size_t)y * h.w * 3;
		for (uint32_t i = 0; i < h.w; i++, o += 3) {
			size_t s = (size_t)i * (size_t)h.channels;
			if (h.color == 3) {
				int k = raw_index(x, i, h.depth);
				if (k >= pal_n) {
					fail(err, errlen, "palette index %d out of range (%d entries)",
					     k, pal_n);
					rgb_image_free(img);
					goto out;
				}
				memcpy(o, pal + 3 * k, 3);
			} else if (h.channels <= 2) {   /* grey (+ alpha) */
				o[0] = o[1] = o[2] = (uint8_t)sample8(x, s, h.depth);
			} else {                        /* RGB (+ alpha) */
				for (int c = 0; c < 3; c++)
					o[c] = (uint8_t)sample8(x, s + (size_t)c, h.depth);
			}
		}
	}
	ret = 0;
out:
	free(idat);
	free(raw);
	return ret;
}

int png_load_file(const char *path, struct rgb_image *img, char *err,
		  size_t errlen)
{
	memset(img, 0, sizeof(*img));
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, "%s: cannot open", path);
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			uint8_t *b = cap <= ((size_t)1 << 30) ? realloc(buf, cap) : NULL;
			if (!b) {
				free(buf);
				fclose(f);
				return fail(err, errlen, "%s: too large", path);
			}
			buf = b;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return fail(err, errlen, "%s: read error", path);
	}
	char e2[200];
	int ret = png_decode(buf, n, img, e2, sizeof(e2));
	free(buf);
	if (ret)
		fail(err, errlen, "%s: %s", path, e2);
	return ret;
}
