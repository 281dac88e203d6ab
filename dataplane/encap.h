/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR path: EID-side frames -> inner IPv4/IPv6 -> VRF -> LPM -> RLOC ->
 * outer header (docs/dataplane.md, "Encapsulation").
 */
#ifndef LISPGW_DP_ENCAP_H
#define LISPGW_DP_ENCAP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "tables.h"

struct dp_port;
struct dp_worker;

/* UDP source ports come from the inner flow hash, in the dynamic range
 * (RFC 7348 section 5, RFC 9300 section 5.3): 49152 + 14 hash bits. */
#define DP_UDP_SPORT_BASE	0xc000u
#define DP_UDP_SPORT_MASK	0x3fffu

/* Control path: writes r->hdr (everything of Ethernet / IP / UDP / LISP,
 * VXLAN or VXLAN-GPE that does not depend on the packet) for dst over u,
 * and the fields of r that describe it. */
void dp_encap_rewrite_build(struct dp_rloc *r, const struct dp_underlay_if *u,
			    const struct dp_ip *dst, enum dp_encap encap, uint32_t iid);

/*
 * Encapsulates n frames received on the EID-side port in (in place).  The
 * frames to send go to out[] with their port in out_port[]; the others are
 * freed and counted by reason in w->ctr.  Returns how many went to out[].
 * n may be anything; out[] and out_port[] hold n.
 */
uint16_t dp_encap_burst(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			uint16_t n, struct rte_mbuf **out, uint16_t *out_port);

/* The inner flow hash (exposed for tests): addresses, protocol, and the
 * ports of TCP/UDP/SCTP first fragments.  p points at the IP header,
 * avail bytes of it are readable. */
uint32_t dp_flow_hash4(const void *p, uint32_t avail);
uint32_t dp_flow_hash6(const void *p, uint32_t avail);

#endif
