/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (C) 2012 Red Hat, Inc.  All rights reserved.
 *     Author: Alex Williamson <alex.williamson@redhat.com>
 */

#ifndef VFIO_PCI_CORE_H
#define VFIO_PCI_CORE_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/vfio.h>

struct vfio_pci_core_device {
	struct vfio_device        vdev;
	struct pci_dev                *pdev;
	void __iomem                *barmap[PCI_STD_NUM_BARS];
	bool                        bar_mmap_supported[PCI_STD_NUM_BARS];
	u8                        *pci_config_map;
	u8                        *vconfig;
	struct perm_bits        *msi_perm;
	spinlock_t                irqlock;
	struct mutex                igate;
	struct eventfd_ctx        *err_trigger;
	struct eventfd_ctx        *req_trigger;
	struct list_head        ioeventfds_list;
	struct vfio_pci_vf_token        *vf_token;
	struct list_head                sriov_pfs_item;
	struct vfio_pci_core_device        *sriov_pf_core_dev;
	struct notifier_block        nb;
	struct rw_semaphore        memory_lock;
};

#endif /* VFIO_PCI_CORE_H */
