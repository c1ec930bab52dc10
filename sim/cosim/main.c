// SPDX-License-Identifier: MIT
/* dnpu-cosim: the co-simulation daemon with the device models built in. */
#include <stddef.h>

#include "cosim.h"
#include "devices.h"

int main(int argc, char **argv)
{
	static const struct cosim_device_ops *const devices[] = {
#ifdef DNPU_COSIM_HAVE_CMODEL
		&cosim_device_cmodel,
#endif
#ifdef DNPU_COSIM_HAVE_RTL
		&cosim_device_rtl,
#endif
		NULL,
	};

	return cosim_main(argc, argv, devices);
}
