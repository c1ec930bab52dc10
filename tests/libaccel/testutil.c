/* SPDX-License-Identifier: MIT */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

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
