// SPDX-License-Identifier: GPL-2.0-or-later
/*
 *  TUN - Universal TUN/TAP device driver.
 *  Copyright (C) 1999-2002 Maxim Krasnyansky <maxk@qualcomm.com>
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <linux/if_tun.h>
#include <net/sock.h>

#include "tun_vnet.h"

struct tun_struct {
	struct tun_file __rcu   *tfiles[MAX_TAP_QUEUES];
	unsigned int            numqueues;
	unsigned int            flags;
	kuid_t                  owner;
	kgid_t                  group;

	struct net_device       *dev;
	netdev_features_t       set_features;
	int                     align;
	int                     vnet_hdr_sz;
	int                     sndbuf;
	struct sock_fprog       fprog;
	/* protected by rtnl lock */
	bool                    filter_attached;
	u32                     msg_enable;
	spinlock_t lock;
};

static u16 tun_automq_select_queue(struct tun_struct *tun, struct sk_buff *skb)
{
	struct tun_flow_entry *e;
	u32 txq, numqueues;

	numqueues = READ_ONCE(tun->numqueues);

	txq = __skb_get_hash_symmetric(skb);
	e = tun_flow_find(&tun->flows[tun_hashfn(txq)], txq);
	if (e) {
		tun_flow_save_rps_rxhash(e, txq);
		txq = e->queue_index;
	} else {
		txq = reciprocal_scale(txq, numqueues);
	}

	return txq;
}
