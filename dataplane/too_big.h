/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inner packets too big for their RLOC once encapsulated (RFC 9300
 * section 7.2, the stateful solution; docs/dataplane.md, "Too big"): an
 * IPv4 packet without DF is fragmented to fit and its fragments
 * encapsulated; anything else is dropped and its sender told the size
 * that fits, by ICMP "fragmentation needed" (RFC 1191) or ICMPv6 "Packet
 * Too Big" (RFC 8201), so that path MTU discovery works across the
 * tunnel.  The exceptional path: it allocates, and encap.c calls it only
 * for packets that do not fit.
 */
#ifndef LISPGW_DP_TOO_BIG_H
#define LISPGW_DP_TOO_BIG_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "tables.h"

/* Fragments carry at most this many (a 9000-byte frame over a 576 MTU). */
#define DP_TOO_BIG_FRAGS_MAX	18

/* Whether the inner packet at m (l2_len bytes of Ethernet first, its
 * headers checked by the caller) may be answered with an ICMP error at
 * all (RFC 1812 4.3.2.7, RFC 4443 2.4): not an ICMP error itself, not a
 * later fragment, from a unicast source; and v has an EID-side port. */
bool dp_too_big_icmp_eligible(const struct rte_mbuf *m, uint8_t l2_len, int is_ip4,
			      const struct dp_vrf *v);

/* The ICMP error for the eligible inner packet at m: at most mtu bytes
 * fit.  From our RLOC address of the family (IPv4 without one: 192.0.0.8,
 * RFC 7600; IPv6: the EID port's EUI-64 link-local), to the sender's MAC,
 * with v's EID-side source MAC and VLAN tag.  NULL when no mbuf is left.
 * m is untouched. */
struct rte_mbuf *dp_too_big_icmp(const struct rte_mbuf *m, uint8_t l2_len, int is_ip4,
				 uint16_t mtu, const struct dp_vrf *v,
				 const struct dp_underlay *u);

/* The IPv4 packet at m (DF clear) as fragments of at most mtu bytes of IP
 * each, with m's l2_len bytes of Ethernet in front: new mbufs from m's
 * pool in frags[].  Their count, or 0 (more than max would be needed, no
 * mbufs).  m is untouched. */
unsigned int dp_too_big_frag4(const struct rte_mbuf *m, uint8_t l2_len, uint16_t mtu,
			      struct rte_mbuf **frags, unsigned int max);

#endif
