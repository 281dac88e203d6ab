/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel's neighbour table, for ports lispgw-dp shares with the kernel
 * (an AF_XDP port with our XDP program: ARP and ND go to the kernel, which
 * owns the RLOC address; docs/dataplane-afxdp.md, "Neighbours").
 *
 * One non-blocking NETLINK_ROUTE socket on the main lcore, subscribed to
 * RTNLGRP_NEIGH.  Asking for a next hop creates and "uses" the kernel's
 * entry (RTM_NEWNEIGH with NTF_USE, as `ip neigh replace ADDR dev IF use`),
 * so the kernel resolves it (or re-probes a stale one) exactly as if it
 * had a packet for it, and reads the entry back (RTM_GETNEIGH); every
 * change the kernel makes afterwards arrives as an event.  No ARP or ND of
 * ours goes on the wire.  If events were lost (ENOBUFS) the whole table is
 * dumped again.
 */
#ifndef LISPGW_DP_NEIGH_KERNEL_H
#define LISPGW_DP_NEIGH_KERNEL_H

#include <stdint.h>

#include "tables.h"

struct dp_kneigh;

enum dp_kneigh_state {
	DP_KNEIGH_VALID,	/* a link-layer address (reachable, stale, probing...) */
	DP_KNEIGH_FAILED,	/* the kernel's resolution failed */
	DP_KNEIGH_GONE,		/* the entry was deleted (flush, garbage collection) */
};

/* mac is set for DP_KNEIGH_VALID only. */
typedef void (*dp_kneigh_cb)(void *ctx, int ifindex, const struct dp_ip *ip,
			     enum dp_kneigh_state state, const uint8_t mac[6]);

/* NULL with errno set on failure. */
struct dp_kneigh *dp_kneigh_open(void);
void dp_kneigh_close(struct dp_kneigh *k);

/* Have the kernel resolve (or re-confirm) ip on ifindex; its answer comes
 * through dp_kneigh_poll().  0 or -errno. */
int dp_kneigh_solicit(struct dp_kneigh *k, int ifindex, const struct dp_ip *ip);

/* Reads what the kernel sent (a bounded number of messages), calls cb for
 * each neighbour of a family we know.  Never blocks. */
void dp_kneigh_poll(struct dp_kneigh *k, dp_kneigh_cb cb, void *ctx);

#endif
