/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the static guest programs of the co-simulation VM
 * (tests/vm/guest/ *.c, each built on its own by tools/vm/run.sh, and
 * tests/vmfuzz/dnpu_fuzz.c): KTAP result lines, the ivshmem-doorbell PCI
 * device in sysfs, and the dnpu DRM node. Header-only because every guest
 * program is a single translation unit.
 */
#ifndef DNPU_GUEST_UTIL_H
#define DNPU_GUEST_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dnpu_drm.h"

#define IVSHMEM_VENDOR	0x1af4
#define IVSHMEM_DEVICE	0x1110

/* KTAP case counter and failure count of this program. */
static int case_no __attribute__((unused));
static int failures __attribute__((unused));

/* "ok N name # ..." or "not ok N name # ..." for the next case. */
static inline void __attribute__((format(printf, 3, 4)))
result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	case_no++;
	failures += !ok;
	printf("%s %d %s", ok ? "ok" : "not ok", case_no, name);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
}

/* The hex number in sysfs file @dir/@file. */
static inline int read_hex(const char *dir, const char *file, unsigned long *v)
{
	char path[PATH_MAX + 16], buf[32];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fgets(buf, sizeof(buf), f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	*v = strtoul(buf, NULL, 16);
	return 0;
}

/* sysfs directory of the ivshmem-doorbell PCI device into @dir. */
static inline int find_ivshmem(char *dir, size_t len)
{
	static const char root[] = "/sys/bus/pci/devices";
	unsigned long vendor, device;
	struct dirent *e;
	DIR *d = opendir(root);

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, len, "%s/%s", root, e->d_name);
		if (read_hex(dir, "vendor", &vendor) == 0 &&
		    read_hex(dir, "device", &device) == 0 &&
		    vendor == IVSHMEM_VENDOR && device == IVSHMEM_DEVICE) {
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -1;
}

/* An fd on the dnpu accel (>= 6.2) or render (6.1) node, or -1. */
static inline int open_node(void)
{
	static const char *const dirs[] = { "/dev/accel", "/dev/dri" };
	static const char *const prefixes[] = { "accel", "renderD" };
	char path[PATH_MAX], name[32];
	struct drm_version ver;
	struct dirent *e;
	size_t i;
	DIR *d;
	int fd;

	for (i = 0; i < 2; i++) {
		d = opendir(dirs[i]);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, prefixes[i], strlen(prefixes[i])) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[i], e->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			memset(&ver, 0, sizeof(ver));
			memset(name, 0, sizeof(name));
			ver.name = name;
			ver.name_len = sizeof(name) - 1;
			if (ioctl(fd, DRM_IOCTL_VERSION, &ver) == 0 &&
			    strcmp(name, "dnpu") == 0) {
				closedir(d);
				return fd;
			}
			close(fd);
		}
		closedir(d);
	}
	return -1;
}

#endif
