// SPDX-License-Identifier: MIT
/* dnpu-cosim-standin: the daemon with only the transport test device, for
 * the VM transport test (tests/vm) before a device model exists. */
#include <stddef.h>

#include "cosim.h"
#include "standin_device.h"

int main(int argc, char **argv)
{
	static const struct cosim_device_ops *const devices[] = {
		&cosim_device_standin, NULL,
	};

	return cosim_main(argc, argv, devices);
}
