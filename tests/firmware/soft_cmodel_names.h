/* SPDX-License-Identifier: MIT */
/*
 * Forced include (-include) of the soft sequencer's objects in
 * test_softseq: the C model built for the firmware (DNPU_CMODEL_MAC_ARRAY)
 * gets its own names so the plain model, the reference, links beside it.
 */
#ifndef SOFT_CMODEL_NAMES_H
#define SOFT_CMODEL_NAMES_H
#define cm_compute_check	soft_cm_compute_check
#define cm_compute_exec	soft_cm_compute_exec
#define cm_dma_width	soft_cm_dma_width
#define cm_fault	soft_cm_fault
#define cm_illegal	soft_cm_illegal
#define cm_spad_need	soft_cm_spad_need
#define dnpu_cmodel_config	soft_dnpu_cmodel_config
#define dnpu_cmodel_config_default	soft_dnpu_cmodel_config_default
#define dnpu_cmodel_config_small	soft_dnpu_cmodel_config_small
#define dnpu_cmodel_create	soft_dnpu_cmodel_create
#define dnpu_cmodel_create_in	soft_dnpu_cmodel_create_in
#define dnpu_cmodel_destroy	soft_dnpu_cmodel_destroy
#define dnpu_cmodel_host_read	soft_dnpu_cmodel_host_read
#define dnpu_cmodel_host_write	soft_dnpu_cmodel_host_write
#define dnpu_cmodel_inject_dma_fault	soft_dnpu_cmodel_inject_dma_fault
#define dnpu_cmodel_load_regions	soft_dnpu_cmodel_load_regions
#define dnpu_cmodel_mem_size	soft_dnpu_cmodel_mem_size
#define dnpu_cmodel_reset	soft_dnpu_cmodel_reset
#define dnpu_cmodel_run	soft_dnpu_cmodel_run
#define dnpu_cmodel_set_host	soft_dnpu_cmodel_set_host
#define dnpu_cmodel_set_host_flat	soft_dnpu_cmodel_set_host_flat
#define dnpu_cmodel_set_watchdog	soft_dnpu_cmodel_set_watchdog
#define dnpu_cmodel_spad	soft_dnpu_cmodel_spad
#define dnpu_cmodel_xfer_cycles	soft_dnpu_cmodel_xfer_cycles
#define dnpu_fault_name	soft_dnpu_fault_name
#endif
