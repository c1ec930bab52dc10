// SPDX-License-Identifier: MIT
/* BlazeFace pre/post-processing (see blazeface.h). */
#include "blazeface.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void bf_anchors(struct bf_anchor a[BF_ANCHORS])
{
	/* layers sharing a stride share a grid: stride 8 -> 2 anchors per
	 * cell (one layer: aspect 1 + interpolated scale), stride 16 ->
	 * three layers -> 6; with fixed_anchor_size only centres matter */
	static const struct { int stride, per_cell; } g[2] = { { 8, 2 }, { 16, 6 } };
	int n = 0;
	for (int k = 0; k < 2; k++) {
		int cells = BF_INPUT / g[k].stride;
		for (int y = 0; y < cells; y++)
			for (int x = 0; x < cells; x++)
				for (int i = 0; i < g[k].per_cell; i++) {
					a[n].x = ((float)x + 0.5f) / (float)cells;
					a[n].y = ((float)y + 0.5f) / (float)cells;
					n++;
				}
	}
}

void bf_resize_normalize(const struct rgb_image *img, int w, int h,
			 float *out)
{
	float sx = (float)img->w / (float)w, sy = (float)img->h / (float)h;
	for (int y = 0; y < h; y++) {
		float fy = ((float)y + 0.5f) * sy - 0.5f;
		fy = fy < 0.0f ? 0.0f : fy;
		int y0 = (int)fy;
		y0 = y0 > img->h - 1 ? img->h - 1 : y0;
		int y1 = y0 + 1 < img->h ? y0 + 1 : img->h - 1;
		float wy = fy - (float)y0;
		wy = wy > 1.0f ? 1.0f : wy;
		for (int x = 0; x < w; x++) {
			float fx = ((float)x + 0.5f) * sx - 0.5f;
			fx = fx < 0.0f ? 0.0f : fx;
			int x0 = (int)fx;
			x0 = x0 > img->w - 1 ? img->w - 1 : x0;
			int x1 = x0 + 1 < img->w ? x0 + 1 : img->w - 1;
			float wx = fx - (float)x0;
			wx = wx > 1.0f ? 1.0f : wx;
			const uint8_t *p00 = img->rgb + ((size_t)y0 * img->w + x0) * 3;
			const uint8_t *p01 = img->rgb + ((size_t)y0 * img->w + x1) * 3;
			const uint8_t *p10 = img->rgb + ((size_t)y1 * img->w + x0) * 3;
			const uint8_t *p11 = img->rgb + ((size_t)y1 * img->w + x1) * 3;
			for (int c = 0; c < 3; c++) {
				float top = p00[c] + (p01[c] - p00[c]) * wx;
				float bot = p10[c] + (p11[c] - p10[c]) * wx;
				float v = top + (bot - top) * wy;
				out[((size_t)y * w + x) * 3 + c] = v / 127.5f - 1.0f;
			}
		}
	}
}

struct bf_box bf_decode_box(const float *reg, const struct bf_anchor *a,
			    float logit)
{
	/* regressors: x centre, y centre, w, h in input pixels, relative
	 * to the anchor centre (anchor size fixed to 1) */
	float xc = reg[0] / BF_INPUT + a->x, yc = reg[1] / BF_INPUT + a->y;
	float w = reg[2] / BF_INPUT, h = reg[3] / BF_INPUT;
	/* MediaPipe clips logits to +-100 before the sigmoid */
	logit = logit < -100.0f ? -100.0f : logit > 100.0f ? 100.0f : logit;
	struct bf_box b = { xc - w / 2, yc - h / 2, xc + w / 2, yc + h / 2,
			    1.0f / (1.0f + expf(-logit)) };
	return b;
}

float bf_iou(const struct bf_box *a, const struct bf_box *b)
{
	float ix = fminf(a->xmax, b->xmax) - fmaxf(a->xmin, b->xmin);
	float iy = fminf(a->ymax, b->ymax) - fmaxf(a->ymin, b->ymin);
	if (ix <= 0.0f || iy <= 0.0f)
		return 0.0f;
	float inter = ix * iy;
	float ua = (a->xmax - a->xmin) * (a->ymax - a->ymin) +
		   (b->xmax - b->xmin) * (b->ymax - b->ymin) - inter;
	return ua > 0.0f ? inter / ua : 0.0f;
}

static int by_score(const void *pa, const void *pb)
{
	const struct bf_box *a = pa, *b = pb;
	return (a->score < b->score) - (a->score > b->score);
}

int bf_detect(const float *regressors, const float *logits, float min_score,
	      float iou, struct bf_box *out, int max)
{
	struct bf_anchor anchors[BF_ANCHORS];
	struct bf_box cand[BF_ANCHORS];
	bool used[BF_ANCHORS] = { false };
	int n = 0, k = 0;
	bf_anchors(anchors);
	for (int i = 0; i < BF_ANCHORS; i++) {
		struct bf_box b = bf_decode_box(regressors + (size_t)i * BF_COORDS,
						&anchors[i], logits[i]);
		if (b.score >= min_score)
			cand[n++] = b;
	}
	qsort(cand, (size_t)n, sizeof(cand[0]), by_score);
	for (int i = 0; i < n && k < max; i++) {
		if (used[i])
			continue;
		struct bf_box m = { 0 };
		float wsum = 0.0f;
		for (int j = i; j < n; j++) {
			if (used[j] || (j != i && bf_iou(&cand[i], &cand[j]) <= iou))
				continue;
			used[j] = true;
			float s = cand[j].score;
			m.xmin += cand[j].xmin * s;
			m.ymin += cand[j].ymin * s;
			m.xmax += cand[j].xmax * s;
			m.ymax += cand[j].ymax * s;
			wsum += s;
		}
		if (wsum > 0.0f) {
			m.xmin /= wsum;
			m.ymin /= wsum;
			m.xmax /= wsum;
			m.ymax /= wsum;
		} else {        /* all scores 0 (a min_score of 0) */
			m = cand[i];
		}
		m.score = cand[i].score;
		out[k++] = m;
	}
	return k;
}

/* "N, H, W)" (the tuple of a .npy header's 'shape' after its "(") into
 * d[0..2]; -1 if it is anything else. */
static int npy_shape3(const char *s, long d[3])
{
	char *end;

	for (int i = 0; i < 3; i++) {
		errno = 0;
		d[i] = strtol(s, &end, 10);
		if (errno || end == s || *end != (i < 2 ? ',' : ')'))
			return -1;
		s = end + 1;
	}
	return 0;
}

int npy_load_grey_images(const char *path, struct rgb_image *imgs, int max,
			 char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, "%s: cannot open", path);
	uint8_t pre[10];
	char hdr[1024];
	int ret = -1, n = 0;
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) ||
	    pre[6] != 1) {
		fail(err, errlen, "%s: not a version 1 .npy file", path);
		goto out;
	}
	size_t hl = (size_t)pre[8] | (size_t)pre[9] << 8;
	if (hl >= sizeof(hdr) || fread(hdr, 1, hl, f) != hl) {
		fail(err, errlen, "%s: bad header", path);
		goto out;
	}
	hdr[hl] = 0;
	int esize = strstr(hdr, "'<f8'") ? 8 : strstr(hdr, "'<f4'") ? 4 : 0;
	const char *sh = strstr(hdr, "'shape': (");
	long d[3] = { 0, 0, 0 };
	if (!esize || strstr(hdr, "'fortran_order': True") || !sh ||
	    npy_shape3(sh + strlen("'shape': ("), d) ||
	    d[0] < 1 || d[1] < 1 || d[2] < 1 || d[1] > 4096 || d[2] > 4096) {
		fail(err, errlen, "%s: want little-endian float (N, H, W), C order", path);
		goto out;
	}
	long cnt = d[0], ih = d[1], iw = d[2];
	size_t px = (size_t)ih * (size_t)iw;
	uint8_t *buf = malloc(px * (size_t)esize);
	if (!buf) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	for (; n < max && n < cnt; n++) {
		if (fread(buf, (size_t)esize, px, f) != px) {
			fail(err, errlen, "%s: truncated at image %d", path, n);
			break;
		}
		imgs[n].w = (int)iw;
		imgs[n].h = (int)ih;
		imgs[n].rgb = malloc(px * 3);
		if (!imgs[n].rgb) {
			fail(err, errlen, "out of memory");
			break;
		}
		for (size_t i = 0; i < px; i++) {
			double v;
			if (esize == 8) {
				memcpy(&v, buf + 8 * i, 8);
			} else {
				float fv;
				memcpy(&fv, buf + 4 * i, 4);
				v = fv;
			}
			v = isnan(v) ? 0.0 : v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
			uint8_t g = (uint8_t)lrint(v * 255.0);
			imgs[n].rgb[3 * i] = imgs[n].rgb[3 * i + 1] = imgs[n].rgb[3 * i + 2] = g;
		}
	}
	free(buf);
	if (n == max || n == cnt)
		ret = n;
	else
		for (int i = 0; i < n; i++)
			rgb_image_free(&imgs[i]);
out:
	fclose(f);
	return ret;
}
