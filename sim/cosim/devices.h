/* SPDX-License-Identifier: MIT */
/* The device backends dnpu-cosim can be built with (see CMakeLists.txt). */
#ifndef DNPU_COSIM_DEVICES_H
#define DNPU_COSIM_DEVICES_H

#include "device.h"

/* C functional model + the firmware's ring behaviour (sim/cmodel/dnpu_cdev) */
extern const struct cosim_device_ops cosim_device_cmodel;
/* Verilator model of rtl/ with the RV32 control core running firmware/ */
extern const struct cosim_device_ops cosim_device_rtl;

#endif /* DNPU_COSIM_DEVICES_H */
