/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the tools, benchmarks and tests (not part of
 * libaccel's API). */
#ifndef DNPU_TOOLUTIL_H
#define DNPU_TOOLUTIL_H

#include <stddef.h>

/*
 * The whole file at @path in a malloc'd buffer, NUL-terminated one byte
 * past the end (so text files can be used as strings); *@len = its size.
 * NULL (and *@len = 0) if it cannot be opened, sized or read, or on
 * allocation failure. An empty file gives a 1-byte buffer.
 */
void *tool_read_file(const char *path, size_t *len);

/*
 * @s as a decimal integer in [@min, @max] into *@out: 0, or -1 (and *@out
 * untouched) when @s is NULL, empty, has trailing characters or is out of
 * range. For command-line and environment values, where atoi() would turn
 * a typo into 0.
 */
int tool_parse_int(const char *s, long min, long max, long *out);

#endif
