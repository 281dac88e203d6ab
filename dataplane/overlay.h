/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP through VXLAN tunnels, on the main lcore (docs/dataplane.md, "VXLAN
 * towards L2 VTEPs").  The far end of a VXLAN instance may be an L2 VTEP
 * (a Linux vxlan device, a switch) that delivers an inner frame only to
 * its own MAC and resolves addresses by ARP inside the tunnel.  For such
 * instances (`inner-mac: resolve`) lispgw-dp is a router on the overlay:
 *
 *   - ARP requests that arrive inside VXLAN for an address we serve (one
 *     of our EIDs: a database entry or a known EID-side host) are answered
 *     with our MAC, through the tunnel they came by; every ARP inside
 *     VXLAN teaches the sender's MAC (a DP_HOST_PEER neighbour);
 *   - the encapsulation writes the far end's MAC as the inner destination
 *     (ours as the source); a packet whose far-end MAC is unknown comes
 *     here, and an ARP request goes through the tunnel to the mapping's
 *     RLOC (at most one per address and 200 ms), from the packet's source
 *     address with our MAC, so that the far end learns the way back too.
 *     That packet is dropped (counted); the following ones pass once the
 *     reply is in.
 *
 * IPv6 inner traffic to such peers (neighbor discovery inside the tunnel)
 * is not handled yet: counted and dropped.
 */
#ifndef LISPGW_DP_OVERLAY_H
#define LISPGW_DP_OVERLAY_H

#include <stddef.h>

#include <rte_mbuf.h>

struct dp_app;
struct dp_overlay;

struct dp_overlay *dp_overlay_create(struct dp_app *app);
void dp_overlay_free(struct dp_overlay *o);

/* A frame a worker punted as DP_CTR_PUNT_ARP_TUNNEL (the whole VXLAN
 * packet, as received) or DP_CTR_PUNT_PEER_MAC (an EID-side frame whose
 * far-end MAC is unknown); consumes m. */
void dp_overlay_input(struct dp_overlay *o, struct rte_mbuf *m);

/* ,"overlay":{...} for the counters line; returns the length written. */
size_t dp_overlay_json(const struct dp_overlay *o, char *buf, size_t len);

#endif
