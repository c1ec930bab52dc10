/* SPDX-License-Identifier: MIT */
/*
 * Small PNG decoder (zlib inflate): non-interlaced images of every colour
 * type (grey, RGB, palette, grey+alpha, RGBA) and bit depth the PNG spec
 * allows, decoded to 8-bit RGB. Alpha is dropped (the detector sees
 * colour only), 16-bit samples keep their high byte. Every length, index
 * and CRC is checked; malformed files are refused with a message.
 */
#ifndef BF_PNG_H
#define BF_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Refused above this many pixels (a 8192x8192 photo). */
#define PNG_MAX_PIXELS ((size_t)1 << 26)

struct rgb_image {
	int w, h;
	uint8_t *rgb;   /* w * h * 3, row-major, malloc'ed */
};

/* 0, or -1 with @err set; @img is zeroed on failure. */
int png_decode(const uint8_t *data, size_t size, struct rgb_image *img,
	       char *err, size_t errlen);
int png_load_file(const char *path, struct rgb_image *img, char *err,
		  size_t errlen);
void rgb_image_free(struct rgb_image *img);

#endif /* BF_PNG_H */
