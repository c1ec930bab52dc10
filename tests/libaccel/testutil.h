/* SPDX-License-Identifier: MIT */
/* Helpers shared by the libaccel tests. */
#ifndef ACCEL_TESTUTIL_H
#define ACCEL_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "toolutil.h"	/* tool_read_file */

bool tu_exists(const char *path);

/* "<DNPU_SHARED_DIR>/golden" or NULL when the reference data is absent. */
const char *tu_golden_dir(void);

/* Path to golden/models/<name>.tflite (static buffer). */
const char *tu_model_path(const char *name);

#endif
