/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ETR path: RLOC-side frames to one of our RLOCs on UDP 4341 (LISP),
 * 4789 (VXLAN) or 4790 (VXLAN-GPE) -> validated -> Instance-ID -> VRF ->
 * stripped -> delivered with the VRF's EID-side MAC header
 * (docs/dataplane.md, "Decapsulation").
 */
#ifndef LISPGW_DP_DECAP_H
#define LISPGW_DP_DECAP_H

#include <stdint.h>

#include <rte_mbuf.h>

struct dp_port;
struct dp_worker;

#define DP_LISP_DATA_PORT	4341

/* Same contract as dp_encap_burst(). */
uint16_t dp_decap_burst(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			uint16_t n, struct rte_mbuf **out, uint16_t *out_port);

#endif
