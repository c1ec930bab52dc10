// SPDX-License-Identifier: MIT
/*
 * BlazeFace tooling on hand-made data: the PNG decoder (every colour
 * type, bit depths 1..16, all five row filters, and malformed files),
 * bilinear resize + normalisation, anchors, box decoding, weighted NMS,
 * and the .npy image reader.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "blazeface.h"
#include "png.h"

/* ---- a tiny PNG encoder for the tests ---- */

struct buf {
	uint8_t d[1 << 16];
	size_t n;
};

static void put32(struct buf *b, uint32_t v)
{
	b->d[b->n++] = (uint8_t)(v >> 24);
	b->d[b->n++] = (uint8_t)(v >> 16);
	b->d[b->n++] = (uint8_t)(v >> 8);
	b->d[b->n++] = (uint8_t)v;
}

static void chunk(struct buf *b, const char *type, const void *data,
		  uint32_t len)
{
	put32(b, len);
	size_t start = b->n;
	memcpy(b->d + b->n, type, 4);
	b->n += 4;
	if (len)
		memcpy(b->d + b->n, data, len);
	b->n += len;
	put32(b, (uint32_t)crc32(0, b->d + start, len + 4));
}

static int paeth_ref(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Filter unfiltered rows @px (h rows of @rowbytes) with filter
 * filters[y % nf] and append the compressed IDAT. */
static void idat(struct buf *b, const uint8_t *px, int h, size_t rowbytes,
		 size_t bpp, const int *filters, int nf)
{
	static uint8_t raw[1 << 15], z[1 << 15];
	size_t n = 0;
	for (int y = 0; y < h; y++) {
		const uint8_t *cur = px + (size_t)y * rowbytes;
		const uint8_t *prev = y ? cur - rowbytes : NULL;
		int f = filters[y % nf];
		raw[n++] = (uint8_t)f;
		for (size_t i = 0; i < rowbytes; i++) {
			int a = i >= bpp ? cur[i - bpp] : 0, up = prev ? prev[i] : 0;
			int c = prev && i >= bpp ? prev[i - bpp] : 0;
			int pred = f == 1 ? a : f == 2 ? up : f == 3 ? (a + up) / 2 :
				   f == 4 ? paeth_ref(a, up, c) : 0;
			raw[n++] = (uint8_t)(cur[i] - pred);
		}
	}
	uLongf zn = sizeof(z);
	assert_int_equal(compress2(z, &zn, raw, n, 9), Z_OK);
	chunk(b, "IDAT", z, (uint32_t)zn);
}

static void header(struct buf *b, uint32_t w, uint32_t h, int depth,
		   int color, int interlace)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	uint8_t ih[13] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8),
			   (uint8_t)w, (uint8_t)(h >> 24), (uint8_t)(h >> 16),
			   (uint8_t)(h >> 8), (uint8_t)h, (uint8_t)depth,
			   (uint8_t)color, 0, 0, (uint8_t)interlace };
	b->n = 0;
	memcpy(b->d, sig, 8);
	b->n = 8;
	chunk(b, "IHDR", ih, 13);
}

static struct buf B;
static char err[256];

static int decode(struct rgb_image *img)
{
	return png_decode(B.d, B.n, img, err, sizeof(err));
}

static void expect_fail(const char *what)
{
	struct rgb_image img;
	assert_int_equal(decode(&img), -1);
	assert_null(img.rgb);
	if (!strstr(err, what))
		fail_msg("error '%s' does not mention '%s'", err, what);
}

/* ---- decoding ---- */

static void test_png_rgb8_all_filters(void **state)
{
	(void)state;
	enum { W = 5, H = 6 };
	uint8_t px[H][W * 3];
	for (int y = 0; y < H; y++)
		for (int i = 0; i < W * 3; i++)
			px[y][i] = (uint8_t)(y * 41 + i * 17 + (i * y) % 7);
	static const int f[] = { 0, 1, 2, 3, 4 };
	header(&B, W, H, 8, 2, 0);
	idat(&B, &px[0][0], H, W * 3, 3, f, 5);
	chunk(&B, "IEND", NULL, 0);
	struct rgb_image img;
	assert_int_equal(decode(&img), 0);
	assert_int_equal(img.w, W);
	assert_int_equal(img.h, H);
	assert_memory_equal(img.rgb, px, sizeof(px));
	rgb_image_free(&img);
}

static void test_png_grey_and_alpha(void **state)
{
	(void)state;
	/* grey 8-bit, Paeth rows */
	uint8_t g[2][3] = { { 0, 100, 255 }, { 7, 8, 9 } };
	static const int paeth[] = { 4 };
	header(&B, 3, 2, 8, 0, 0);
	idat(&B, &g[0][0], 2, 3, 1, paeth, 1);
	chunk(&B, "IEND", NULL, 0);
	struct rgb_image img;
	assert_int_equal(decode(&img), 0);
	for (int i = 0; i < 6; i++)
		for (int c = 0; c < 3; c++)
			assert_int_equal(img.rgb[3 * i + c], (&g[0][0])[i]);
	rgb_image_free(&img);

	/* grey + alpha 8-bit: alpha dropped */
	uint8_t ga[1][4] = { { 30, 255, 200, 0 } };
	static const int sub[] = { 1 };
	header(&B, 2, 1, 8, 4, 0);
	idat(&B, &ga[0][0], 1, 4, 2, sub, 1);
	chunk(&B, "IEND", NULL, 0);
	assert_int_equal(decode(&img), 0);
	assert_int_equal(img.rgb[0], 30);
	assert_int_equal(img.rgb[3], 200);
	rgb_image_free(&img);

	/* RGBA 16-bit: high bytes kept, alpha dropped */
	uint8_t rgba[1][8] = { { 0x12, 0x34, 0xab, 0xcd, 0xff, 0x00, 0x01, 0x02 } };
	static const int avg[] = { 3 };
	header(&B, 1, 1, 16, 6, 0);
	idat(&B, &rgba[0][0], 1, 8, 8, avg, 1);
	chunk(&B, "IEND", NULL, 0);
	assert_int_equal(decode(&img), 0);
	assert_int_equal(img.rgb[0], 0x12);
	assert_int_equal(img.rgb[1], 0xab);
	assert_int_equal(img.rgb[2], 0xff);
	rgb_image_free(&img);
}

static void test_png_low_depths(void **state)
{
	(void)state;
	static const int none[] = { 0 };
	struct rgb_image img;
	/* grey 1-bit, 10 pixels: 1011000011 */
	uint8_t bits[2] = { 0xb0, 0xc0 };
	header(&B, 10, 1, 1, 0, 0);
	idat(&B, bits, 1, 2, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	assert_int_equal(decode(&img), 0);
	static const int want[10] = { 1, 0, 1, 1, 0, 0, 0, 0, 1, 1 };
	for (int i = 0; i < 10; i++)
		assert_int_equal(img.rgb[3 * i], want[i] * 255);
	rgb_image_free(&img);

	/* grey 2-bit: 0..3 -> 0, 85, 170, 255 */
	uint8_t two[1] = { 0x1b };
	header(&B, 4, 1, 2, 0, 0);
	idat(&B, two, 1, 1, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	assert_int_equal(decode(&img), 0);
	assert_int_equal(img.rgb[3], 85);
	assert_int_equal(img.rgb[9], 255);
	rgb_image_free(&img);

	/* palette 4-bit, 3 pixels: indices 2, 0, 1 */
	uint8_t pal[9] = { 10, 20, 30, 40, 50, 60, 70, 80, 90 };
	uint8_t idx[2] = { 0x20, 0x10 };
	header(&B, 3, 1, 4, 3, 0);
	chunk(&B, "PLTE", pal, 9);
	idat(&B, idx, 1, 2, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	assert_int_equal(decode(&img), 0);
	static const uint8_t wp[9] = { 70, 80, 90, 10, 20, 30, 40, 50, 60 };
	assert_memory_equal(img.rgb, wp, 9);
	rgb_image_free(&img);
}

/* ---- malformed files ---- */

static void valid_grey(int w, int h)
{
	static uint8_t px[64 * 64];
	static const int up[] = { 2 };
	for (int i = 0; i < w * h; i++)
		px[i] = (uint8_t)(i * 3);
	header(&B, (uint32_t)w, (uint32_t)h, 8, 0, 0);
	idat(&B, px, h, (size_t)w, 1, up, 1);
	chunk(&B, "IEND", NULL, 0);
}

static void test_png_truncated_everywhere(void **state)
{
	(void)state;
	valid_grey(8, 8);
	size_t full = B.n;
	struct rgb_image img;
	for (size_t n = 0; n < full; n++) {
		assert_int_equal(png_decode(B.d, n, &img, err, sizeof(err)), -1);
		assert_null(img.rgb);
	}
	assert_int_equal(png_decode(B.d, full, &img, err, sizeof(err)), 0);
	rgb_image_free(&img);
}

static void test_png_malformed(void **state)
{
	(void)state;
	valid_grey(4, 4);
	B.d[0] = 'X';
	expect_fail("signature");

	valid_grey(4, 4);
	B.d[8 + 8 + 5] ^= 1;            /* IHDR payload byte: CRC breaks */
	expect_fail("CRC");

	header(&B, 4, 4, 4, 2, 0);      /* RGB at 4 bits */
	expect_fail("bit depth");
	header(&B, 4, 4, 8, 5, 0);      /* colour type 5 */
	expect_fail("colour type");
	header(&B, 4, 4, 8, 0, 1);
	expect_fail("interlaced");
	header(&B, 0, 4, 8, 0, 0);
	expect_fail("size");
	header(&B, 70000, 4, 8, 0, 0);
	expect_fail("size");
	header(&B, 60000, 60000, 8, 0, 0);
	expect_fail("size");

	/* first chunk not IHDR */
	B.n = 8;
	chunk(&B, "IEND", NULL, 0);
	expect_fail("IHDR");

	/* chunk length beyond the file */
	valid_grey(4, 4);
	B.d[8] = 0x10;
	expect_fail("overruns");

	/* no IDAT */
	header(&B, 4, 4, 8, 0, 0);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("no image data");

	/* unknown critical chunk */
	header(&B, 1, 1, 8, 0, 0);
	chunk(&B, "ABCD", "x", 1);
	expect_fail("critical");

	/* ancillary chunks are skipped */
	static const int none[] = { 0 };
	uint8_t one = 42;
	header(&B, 1, 1, 8, 0, 0);
	chunk(&B, "tEXt", "a\0b", 3);
	idat(&B, &one, 1, 1, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	struct rgb_image img;
	assert_int_equal(decode(&img), 0);
	assert_int_equal(img.rgb[0], 42);
	rgb_image_free(&img);

	/* palette: missing PLTE, index past its end, bad PLTE length */
	uint8_t idx = 3;
	header(&B, 1, 1, 8, 3, 0);
	idat(&B, &idx, 1, 1, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("PLTE");
	uint8_t pal[6] = { 1, 2, 3, 4, 5, 6 };
	header(&B, 1, 1, 8, 3, 0);
	chunk(&B, "PLTE", pal, 6);
	idat(&B, &idx, 1, 1, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("palette index");
	header(&B, 1, 1, 8, 3, 0);
	chunk(&B, "PLTE", pal, 5);
	expect_fail("PLTE");

	/* image data: too short, too long, bad filter, not zlib */
	uint8_t px[8] = { 0 };
	header(&B, 2, 2, 8, 0, 0);      /* needs 2 rows, gets 1 */
	idat(&B, px, 1, 2, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("image data");
	header(&B, 2, 1, 8, 0, 0);      /* needs 1 row, gets 2 */
	idat(&B, px, 2, 2, 1, none, 1);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("image data");
	static const int bad[] = { 5 };
	header(&B, 2, 1, 8, 0, 0);
	idat(&B, px, 1, 2, 1, bad, 1);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("filter");
	header(&B, 2, 1, 8, 0, 0);
	chunk(&B, "IDAT", "garbage", 7);
	chunk(&B, "IEND", NULL, 0);
	expect_fail("image data");

	/* a missing file */
	assert_int_equal(png_load_file("/nonexistent/x.png", &img, err,
				       sizeof(err)), -1);
}

/* Random byte changes inside chunks, CRCs fixed up so that the damage
 * reaches the header/palette/zlib/filter checks: never a crash or an
 * out-of-bounds access (run under ASan), and any success is consistent. */
static void test_png_mutations(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	for (int iter = 0; iter < 3000; iter++) {
		static const int f[] = { 0, 1, 2, 3, 4 };
		uint8_t px[6 * 24];
		uint8_t pal[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
		for (size_t i = 0; i < sizeof(px); i++)
			px[i] = (uint8_t)(i * 7);
		int kind = iter % 3;
		if (kind == 0) {
			header(&B, 8, 6, 8, 2, 0);
			idat(&B, px, 6, 24, 3, f, 5);
		} else if (kind == 1) {
			for (size_t i = 0; i < sizeof(px); i++)
				px[i] = (uint8_t)(px[i] % 4 * 0x11);
			header(&B, 8, 6, 4, 3, 0);
			chunk(&B, "PLTE", pal, 12);
			idat(&B, px, 6, 4, 1, f, 5);
		} else {
			header(&B, 3, 6, 16, 6, 0);
			idat(&B, px, 6, 24, 8, f, 5);
		}
		chunk(&B, "IEND", NULL, 0);
		/* walk to a random chunk, damage 1-3 payload bytes, redo CRC */
		size_t p = 8, chunks[8];
		int nc = 0;
		while (p + 12 <= B.n && nc < 8) {
			uint32_t len = (uint32_t)B.d[p] << 24 | (uint32_t)B.d[p + 1] << 16 |
				       (uint32_t)B.d[p + 2] << 8 | B.d[p + 3];
			chunks[nc++] = p;
			p += 12 + len;
		}
		seed = seed * 1103515245u + 12345u;
		size_t c = chunks[(seed >> 16) % (uint32_t)nc];
		uint32_t len = (uint32_t)B.d[c] << 24 | (uint32_t)B.d[c + 1] << 16 |
			       (uint32_t)B.d[c + 2] << 8 | B.d[c + 3];
		if (!len)
			continue;
		for (int k = 0; k <= iter % 3; k++) {
			seed = seed * 1103515245u + 12345u;
			B.d[c + 8 + (seed >> 8) % len] ^= (uint8_t)(1u << ((seed >> 4) % 8));
		}
		uint32_t crc = (uint32_t)crc32(0, B.d + c + 4, len + 4);
		B.d[c + 8 + len] = (uint8_t)(crc >> 24);
		B.d[c + 9 + len] = (uint8_t)(crc >> 16);
		B.d[c + 10 + len] = (uint8_t)(crc >> 8);
		B.d[c + 11 + len] = (uint8_t)crc;
		struct rgb_image img;
		if (decode(&img) == 0) {
			assert_non_null(img.rgb);
			assert_true(img.w > 0 && img.h > 0);
			/* touch every byte: ASan checks the allocation size */
			unsigned sum = 0;
			for (size_t i = 0; i < (size_t)img.w * img.h * 3; i++)
				sum += img.rgb[i];
			(void)sum;
			rgb_image_free(&img);
		} else {
			assert_null(img.rgb);
		}
	}
}

/* ---- resize + normalisation ---- */

static void test_resize(void **state)
{
	(void)state;
	uint8_t px[2 * 3] = { 0, 0, 0, 255, 255, 255 };
	struct rgb_image img = { .w = 2, .h = 1, .rgb = px };
	float out[4 * 2 * 3];
	/* 2x1 -> 4x2, half-pixel centres: source x = -0.25 (clamped to 0),
	 * 0.25, 0.75, 1.25 (clamped to pixel 1) */
	bf_resize_normalize(&img, 4, 2, out);
	static const float want[4] = { 0.0f, 63.75f, 191.25f, 255.0f };
	for (int y = 0; y < 2; y++)
		for (int x = 0; x < 4; x++)
			for (int c = 0; c < 3; c++)
				assert_float_equal(out[(y * 4 + x) * 3 + c],
						   want[x] / 127.5f - 1.0f, 1e-6);

	/* same size: pixels unchanged, 0 -> -1, 255 -> +1 */
	uint8_t q[2 * 2 * 3] = { 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
	struct rgb_image im2 = { .w = 2, .h = 2, .rgb = q };
	float o2[12];
	bf_resize_normalize(&im2, 2, 2, o2);
	for (int i = 0; i < 12; i++)
		assert_float_equal(o2[i], q[i] / 127.5f - 1.0f, 1e-6);
	assert_float_equal(o2[0], -1.0f, 0);
	assert_float_equal(o2[1], 1.0f, 1e-6);

	/* downscale of a constant image stays constant */
	static uint8_t big[300 * 200 * 3];
	memset(big, 200, sizeof(big));
	struct rgb_image im3 = { .w = 300, .h = 200, .rgb = big };
	static float o3[BF_INPUT * BF_INPUT * 3];
	bf_resize_normalize(&im3, BF_INPUT, BF_INPUT, o3);
	for (size_t i = 0; i < sizeof(o3) / sizeof(o3[0]); i++)
		assert_float_equal(o3[i], 200.0f / 127.5f - 1.0f, 1e-5);
}

/* ---- anchors, decoding, NMS ---- */

static void test_anchors(void **state)
{
	(void)state;
	struct bf_anchor a[BF_ANCHORS];
	bf_anchors(a);
	/* 16x16 cells x 2, then 8x8 cells x 6 */
	assert_float_equal(a[0].x, 0.5f / 16, 1e-7);
	assert_float_equal(a[0].y, 0.5f / 16, 1e-7);
	assert_float_equal(a[1].x, a[0].x, 0);
	assert_float_equal(a[2].x, 1.5f / 16, 1e-7);
	assert_float_equal(a[32].y, 1.5f / 16, 1e-7);
	assert_float_equal(a[511].x, 15.5f / 16, 1e-7);
	assert_float_equal(a[511].y, 15.5f / 16, 1e-7);
	for (int i = 512; i < 518; i++) {
		assert_float_equal(a[i].x, 0.5f / 8, 1e-7);
		assert_float_equal(a[i].y, 0.5f / 8, 1e-7);
	}
	assert_float_equal(a[518].x, 1.5f / 8, 1e-7);
	assert_float_equal(a[512 + 6 * 8].y, 1.5f / 8, 1e-7);
	assert_float_equal(a[895].x, 7.5f / 8, 1e-7);
	assert_float_equal(a[895].y, 7.5f / 8, 1e-7);
}

static void test_decode_box(void **state)
{
	(void)state;
	struct bf_anchor a = { 0.5f, 0.5f };
	float reg[16] = { 12.8f, -6.4f, 25.6f, 51.2f };
	struct bf_box b = bf_decode_box(reg, &a, 0.0f);
	assert_float_equal(b.xmin, 0.5f, 1e-6);
	assert_float_equal(b.ymin, 0.25f, 1e-6);
	assert_float_equal(b.xmax, 0.7f, 1e-6);
	assert_float_equal(b.ymax, 0.65f, 1e-6);
	assert_float_equal(b.score, 0.5f, 1e-7);
	b = bf_decode_box(reg, &a, 1e30f);      /* clipped to 100 */
	assert_float_equal(b.score, 1.0f, 1e-7);
	b = bf_decode_box(reg, &a, -1e30f);
	assert_true(b.score >= 0.0f && b.score < 1e-40f + 4e-44f);

	struct bf_box p = { 0, 0, 2, 2, 1 }, q = { 1, 0, 3, 2, 1 },
		      r = { 5, 5, 6, 6, 1 };
	assert_float_equal(bf_iou(&p, &q), 2.0f / 6.0f, 1e-6);
	assert_float_equal(bf_iou(&p, &p), 1.0f, 1e-6);
	assert_float_equal(bf_iou(&p, &r), 0.0f, 0);
}

static void test_detect_weighted_nms(void **state)
{
	(void)state;
	static float reg[BF_ANCHORS * BF_COORDS], logit[BF_ANCHORS];
	memset(reg, 0, sizeof(reg));
	for (int i = 0; i < BF_ANCHORS; i++)
		logit[i] = -10.0f;
	/* anchors 0 and 1 share the cell centred (1/32, 1/32): two 0.25-wide
	 * boxes 1.28 px apart (IoU ~0.92), scores 0.9 and 0.6 */
	float *r0 = reg, *r1 = reg + BF_COORDS;
	r0[2] = r0[3] = r1[2] = r1[3] = 32.0f;
	r1[0] = 1.28f;
	logit[0] = logf(9.0f);
	logit[1] = logf(1.5f);
	/* a separate face in the last 8x8 cell, score 0.7 */
	float *r2 = reg + (size_t)895 * BF_COORDS;
	r2[2] = r2[3] = 16.0f;
	logit[895] = logf(7.0f / 3.0f);
	/* below the threshold: ignored */
	reg[(size_t)300 * BF_COORDS + 2] = reg[(size_t)300 * BF_COORDS + 3] = 16.0f;
	logit[300] = logf(0.9f);
	struct bf_box out[8];
	int n = bf_detect(reg, logit, BF_MIN_SCORE, BF_NMS_IOU, out, 8);
	assert_int_equal(n, 2);
	assert_float_equal(out[0].score, 0.9f, 1e-5);
	float c = 1.0f / 32;
	float xoff = (0.6f * 0.01f) / 1.5f;     /* score-weighted shift */
	assert_float_equal(out[0].xmin, c - 0.125f + xoff, 1e-5);
	assert_float_equal(out[0].xmax, c + 0.125f + xoff, 1e-5);
	assert_float_equal(out[0].ymin, c - 0.125f, 1e-5);
	assert_float_equal(out[1].score, 0.7f, 1e-5);
	assert_float_equal(out[1].xmin, 7.5f / 8 - 0.0625f, 1e-5);
	/* @max caps the count */
	assert_int_equal(bf_detect(reg, logit, BF_MIN_SCORE, BF_NMS_IOU, out, 1), 1);
	/* a strict IoU keeps both overlapping boxes */
	assert_int_equal(bf_detect(reg, logit, BF_MIN_SCORE, 0.95f, out, 8), 3);
}

/* ---- .npy ---- */

static void write_npy(const char *path, const char *hdr_dict, const double *v,
		      size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	char hdr[128];
	size_t hl = (size_t)snprintf(hdr, sizeof(hdr), "%s", hdr_dict);
	while ((10 + hl + 1) % 16)
		hdr[hl++] = ' ';
	hdr[hl++] = '\n';
	uint8_t pre[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
			    (uint8_t)hl, (uint8_t)(hl >> 8) };
	assert_int_equal(fwrite(pre, 1, 10, f), 10);
	assert_int_equal(fwrite(hdr, 1, hl, f), hl);
	assert_int_equal(fwrite(v, sizeof(double), n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_npy(void **state)
{
	(void)state;
	char path[] = "/tmp/bf_npy_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	double v[2 * 2 * 3] = { 0, 0.5, 1, 2, -1, 0.25, 1, 1, 1, 1, 1, 0 };
	write_npy(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 3), }",
		  v, 12);
	struct rgb_image imgs[4];
	assert_int_equal(npy_load_grey_images(path, imgs, 4, err, sizeof(err)), 2);
	assert_int_equal(imgs[0].w, 3);
	assert_int_equal(imgs[0].h, 2);
	static const uint8_t want[6] = { 0, 128, 255, 255, 0, 64 };
	for (int i = 0; i < 6; i++)
		assert_int_equal(imgs[0].rgb[3 * i + 1], want[i]);
	assert_int_equal(imgs[1].rgb[15], 0);
	rgb_image_free(&imgs[0]);
	rgb_image_free(&imgs[1]);
	assert_int_equal(npy_load_grey_images(path, imgs, 1, err, sizeof(err)), 1);
	rgb_image_free(&imgs[0]);
	/* truncated data, other dtype, wrong rank */
	write_npy(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2, 3), }",
		  v, 12);
	assert_int_equal(npy_load_grey_images(path, imgs, 4, err, sizeof(err)), -1);
	write_npy(path, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2, 3), }",
		  v, 12);
	assert_int_equal(npy_load_grey_images(path, imgs, 4, err, sizeof(err)), -1);
	write_npy(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (12,), }",
		  v, 12);
	assert_int_equal(npy_load_grey_images(path, imgs, 4, err, sizeof(err)), -1);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png_rgb8_all_filters),
		cmocka_unit_test(test_png_grey_and_alpha),
		cmocka_unit_test(test_png_low_depths),
		cmocka_unit_test(test_png_truncated_everywhere),
		cmocka_unit_test(test_png_malformed),
		cmocka_unit_test(test_png_mutations),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_decode_box),
		cmocka_unit_test(test_detect_weighted_nms),
		cmocka_unit_test(test_npy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
