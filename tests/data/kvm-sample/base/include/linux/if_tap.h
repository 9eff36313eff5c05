/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_IF_TAP_H_
#define _LINUX_IF_TAP_H_

#include <net/sock.h>
#include <linux/skb_array.h>

struct file;
struct socket;

struct tap_dev {
	struct net_device       *dev;
	u16                     flags;
	/* This array tracks active taps. */
	struct tap_queue    __rcu *taps[MAX_TAP_QUEUES];
	/* This list tracks all taps (both enabled and disabled) */
	struct list_head        queue_list;
	int                     numvtaps;
	int                     numqueues;
	netdev_features_t       tap_features;
	int                     minor;

	void (*update_features)(struct tap_dev *tap, netdev_features_t features);
	void (*count_tx_dropped)(struct tap_dev *tap);
	void (*count_rx_dropped)(struct tap_dev *tap);
};

#endif /*_LINUX_IF_TAP_H_*/
