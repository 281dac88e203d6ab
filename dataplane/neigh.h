/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbors, on the main lcore (docs/dataplane.md, "Neighbors").
 *
 * RLOC side: the MAC of every next hop (an RLOC on the port's subnet, or
 * the gateway) is resolved with ARP / IPv6 neighbor discovery, refreshed,
 * and when it changes the mapping entries that use it are rebuilt
 * (dp_tables_nexthop_changed()).  Requests for our RLOC addresses are
 * answered.
 *
 * EID side: lispgw-dp is the hosts' gateway.  It answers their ARP and
 * neighbor solicitations with the port's MAC (for any address but a known
 * host's own, so hosts may keep their address when they move), learns each
 * host's MAC from what it sends (dp_tables_host_set(): decapsulation reads
 * it), and resolves a host it has a packet for but no MAC, holding that
 * one packet until the answer (the kernel's unres_qlen of 1).
 *
 * Workers hand ARP / ICMPv6 / unresolved packets over per-worker punt
 * rings; what this module sends goes out through worker 0's inject ring.
 */
#ifndef LISPGW_DP_NEIGH_H
#define LISPGW_DP_NEIGH_H

#include <stddef.h>

struct dp_app;
struct dp_neigh;

/* Registers the tables' resolver: call before any mapping is built.
 * NULL with errno set on failure. */
struct dp_neigh *dp_neigh_create(struct dp_app *app);
void dp_neigh_free(struct dp_neigh *n);

/* The main lcore's duty: drains the punt rings, answers, learns, sends
 * due requests, ages.  Never blocks. */
void dp_neigh_poll(struct dp_neigh *n);

/* ,"neigh":{...} for the counters line; returns the length written. */
size_t dp_neigh_json(const struct dp_neigh *n, char *buf, size_t len);

#endif
