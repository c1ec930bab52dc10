/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

uint8_t *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (!r)
			break;
	}
	fclose(f);
	*len = n;
	return buf;
}

bool tu_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

const char *tu_golden_dir(void)
{
	static char dir[4096];
	snprintf(dir, sizeof(dir), "%s/golden", DNPU_SHARED_DIR);
	char manifest[4200];
	snprintf(manifest, sizeof(manifest), "%s/MANIFEST.md", dir);
	return tu_exists(manifest) ? dir : NULL;
}

const char *tu_model_path(const char *name)
{
	static char path[4200];
	const char *g = tu_golden_dir();
	snprintf(path, sizeof(path), "%s/models/%s.tflite", g ? g : "/nonexistent",
		 name);
	return path;
}
