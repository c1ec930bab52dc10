/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libaccel tests. */
#ifndef ACCEL_TESTUTIL_H
#define ACCEL_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole file in a malloc'd buffer (NULL if unreadable); *len set. */
uint8_t *tu_read_file(const char *path, size_t *len);
bool tu_exists(const char *path);

/* "<DNPU_SHARED_DIR>/golden" or NULL when the reference data is absent. */
const char *tu_golden_dir(void);

/* Path to golden/models/<name>.tflite (static buffer). */
const char *tu_model_path(const char *name);

#endif
