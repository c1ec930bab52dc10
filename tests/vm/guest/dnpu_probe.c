// SPDX-License-Identifier: MIT
/*
 * Guest check after `insmod dnpu.ko` in the co-simulation VM: the driver is
 * bound to the ivshmem-doorbell device, exposes a DRM render or accel node,
 * and GET_PARAM returns what the simulated device reports (so every value
 * below travelled guest ioctl -> driver -> mailbox -> dnpu-cosim -> device
 * model and back). Prints KTAP; exit status 0 when every case passed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "dnpu_drm.h"
#include "dnpu_hw.h"
#include "guest_util.h"



/* /dev node of the device's DRM render (6.1) or accel (>= 6.2) minor. */
static int find_node(const char *dir, char *node, size_t len)
{
	static const struct { const char *sub, *prefix, *dev; } kinds[] = {
		{ "accel", "accel", "/dev/accel/" },
		{ "drm", "renderD", "/dev/dri/" },
	};
	char path[PATH_MAX + 16];
	struct dirent *e;
	size_t i;
	DIR *d;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, kinds[i].sub);
		d = opendir(path);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			if (strncmp(e->d_name, kinds[i].prefix,
				    strlen(kinds[i].prefix)) == 0) {
				snprintf(node, len, "%s%s", kinds[i].dev,
					 e->d_name);
				closedir(d);
				return 0;
			}
		}
		closedir(d);
	}
	return -1;
}

static int get_param(int fd, uint32_t param, uint64_t *value)
{
	struct drm_dnpu_get_param p = { .param = param };

	if (ioctl(fd, DRM_IOCTL_DNPU_GET_PARAM, &p))
		return -errno;
	*value = p.value;
	return 0;
}

int main(void)
{
	char dir[PATH_MAX], link[PATH_MAX], path[PATH_MAX + 16], node[PATH_MAX];
	char name[32] = "";
	struct drm_version ver = { .name = name, .name_len = sizeof(name) - 1 };
	uint64_t id = 0, hwver = 0, uapi = 0, caps = 0, fwver = 0;
	ssize_t n;
	int fd, ok;

	printf("KTAP version 1\n1..4\n");
	if (find_ivshmem(dir, sizeof(dir))) {
		result(0, "driver_bound", "no ivshmem device");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/driver", dir);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	ok = n > 0 && strcmp(strrchr(link, '/') + 1, "dnpu") == 0;
	result(ok, "driver_bound", "%s -> %s", strrchr(dir, '/') + 1,
	       n > 0 ? link : "(no driver: probe failed, see dmesg)");
	if (!ok)
		return 1;

	ok = find_node(dir, node, sizeof(node)) == 0;
	fd = ok ? open(node, O_RDWR | O_CLOEXEC) : -1;
	result(fd >= 0, "open_node", "%s", ok ? node : "no render/accel node");
	if (fd < 0)
		return 1;

	ok = ioctl(fd, DRM_IOCTL_VERSION, &ver) == 0 &&
	     strcmp(name, "dnpu") == 0;
	result(ok, "drm_version", "driver '%s'", name);

	ok = get_param(fd, DRM_DNPU_PARAM_DEVICE_ID, &id) == 0 &&
	     get_param(fd, DRM_DNPU_PARAM_HW_VERSION, &hwver) == 0 &&
	     get_param(fd, DRM_DNPU_PARAM_UAPI_VERSION, &uapi) == 0 &&
	     get_param(fd, DRM_DNPU_PARAM_CAPS, &caps) == 0 &&
	     get_param(fd, DRM_DNPU_PARAM_FW_VERSION, &fwver) == 0;
	result(ok && id == DNPU_ID_MAGIC && hwver >> 16 == DNPU_HW_VERSION_MAJOR &&
	       uapi == DRM_DNPU_UAPI_VERSION, "get_param",
	       "id 0x%llx version 0x%llx uapi %llu caps 0x%llx (%llux%llu) fw 0x%llx",
	       (unsigned long long)id, (unsigned long long)hwver,
	       (unsigned long long)uapi, (unsigned long long)caps,
	       (unsigned long long)DNPU_CAPS_ARRAY_ROWS(caps),
	       (unsigned long long)DNPU_CAPS_ARRAY_COLS(caps),
	       (unsigned long long)fwver);
	close(fd);
	return failures ? 1 : 0;
}
