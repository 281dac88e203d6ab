/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ETR path.  Strict by design (as the kernel's vxlan_rcv()): what we do not
 * fully understand is counted under its reason and dropped, never forwarded
 * into a VRF.  The tunnel headers are validated by common/dp_hdr.h's
 * decoders, whose reasons are counters of their own.
 *
 * RFC 9300 section 5.3 on decapsulation: the inner TTL / Hop Limit is
 * lowered to the outer one when that is smaller (a loop through tunnels
 * must not reset the TTL).  RFC 6040 for ECN: outer CE is copied onto an
 * ECN-capable inner packet; on a Not-ECT inner packet it is a drop.  The
 * outer UDP checksum is not verified (RFC 6935/6936 allow zero, the inner
 * packet has its own).
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "counters.h"
#include "decap.h"
#include "dp_hdr.h"
#include "lisp_msg.h"
#include "port.h"
#include "punt.h"
#include "tables.h"
#include "worker.h"

#define ETH_LEN		14
#define VLAN_LEN	4
#define TUN_LEN		8	/* LISP, VXLAN and VXLAN-GPE alike */
#define ECN_MASK	0x03
#define ECN_CE		0x03

enum inner_kind { INNER_IP, INNER_ETH };

/* With an exception interface (punt.h), the ARP the kernel's RLOC needs:
 * asking for or answering one of our RLOCs, or announcing a neighbour's
 * own address (gratuitous).  Other ARP on the segment is not ours. */
static bool arp_for_us(const struct dp_tables *t, const uint8_t *d, uint32_t seg, uint32_t l2)
{
	const struct rte_arp_hdr *a = (const struct rte_arp_hdr *)(d + l2);

	if (seg < l2 + sizeof(*a) || a->arp_hlen != 6 || a->arp_plen != 4)
		return false;
	return dp_tables_is_local4(t, a->arp_data.arp_tip) ||
	       a->arp_data.arp_sip == a->arp_data.arp_tip;
}

/* With an exception interface, the ICMPv6 the kernel's RLOC needs: to
 * an RLOC of ours, to a link-local address (the TAP's own, ND answers),
 * to all-nodes or to a solicited-node group (ND asking, RFC 4861 7.2). */
static bool icmp6_for_us(const struct dp_tables *t, const uint8_t *dst)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t sol_node[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	return dp_tables_is_local6(t, dst) || (dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80) ||
	       memcmp(dst, all_nodes, 16) == 0 || memcmp(dst, sol_node, 13) == 0;
}

/* RFC 9300 5.3 TTL and RFC 6040 ECN on the inner header.  Returns 0 or a
 * drop reason. */
static __rte_always_inline enum dp_ctr inner_fixup(uint8_t *ip, uint8_t otos, uint8_t ottl)
{
	if ((ip[0] >> 4) == 4) {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)ip;
		bool changed = false;

		if ((otos & ECN_MASK) == ECN_CE) {
			if ((h->type_of_service & ECN_MASK) == 0)
				return DP_CTR_DROP_ECN;
			if ((h->type_of_service & ECN_MASK) != ECN_CE) {
				h->type_of_service |= ECN_CE;
				changed = true;
			}
		}
		if (ottl < h->time_to_live) {
			h->time_to_live = ottl;
			changed = true;
		}
		if (unlikely(changed)) {
			h->hdr_checksum = 0;
			h->hdr_checksum = rte_ipv4_cksum(h);
		}
	} else {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)ip;

		if ((otos & ECN_MASK) == ECN_CE) {
			uint32_t vtc = rte_be_to_cpu_32(h->vtc_flow);

			if (((vtc >> 20) & ECN_MASK) == 0)
				return DP_CTR_DROP_ECN;
			h->vtc_flow = rte_cpu_to_be_32(vtc | (uint32_t)ECN_CE << 20);
		}
		if (ottl < h->hop_limits)
			h->hop_limits = ottl;
	}
	return 0;
}

/* The VRF of the previous packet of this burst: bursts mostly carry one
 * tenant, and an rte_hash lookup costs more than the rest of the checks.
 * Kept for one burst only, so it never outlives the RCU read section. */
struct vrf_cache {
	uint32_t iid;
	const struct dp_vrf *vrf;
};

static __rte_always_inline const struct dp_vrf *vrf_get(const struct dp_tables *t,
							struct vrf_cache *vc, uint32_t iid)
{
	if (vc->vrf == NULL || vc->iid != iid) {
		vc->vrf = dp_tables_vrf(t, iid);
		vc->iid = iid;
	}
	return vc->vrf;
}

/* One frame.  Returns 0 with *port set, or the drop reason. */
static __rte_always_inline enum dp_ctr decap_one(struct dp_worker *w, const struct dp_exc *exc,
						 struct rte_mbuf *m, uint16_t *port,
						 enum dp_ctr *ok, struct vrf_cache *vc)
{
	const struct dp_tables *t = w->tables;
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t seg = rte_pktmbuf_data_len(m), pkt = rte_pktmbuf_pkt_len(m);
	uint32_t l2 = ETH_LEN, l3, ip_payload, ulen, off, rem, inner_len, iid;
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)d;
	const struct rte_udp_hdr *udp;
	const struct dp_vrf *vrf;
	enum inner_kind kind = INNER_IP;
	enum dp_hdr_err e;
	uint8_t otos, ottl, ver;
	uint16_t type;
	uint8_t *h;

	if (unlikely(seg < ETH_LEN + VLAN_LEN))
		return DP_CTR_DROP_OUTER_TRUNCATED;
	type = eth->ether_type;
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		type = ((const struct rte_vlan_hdr *)(eth + 1))->eth_proto;
		l2 += VLAN_LEN;
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(d + l2);
		uint32_t tot;

		if (unlikely(seg < l2 + sizeof(*ip)))
			return DP_CTR_DROP_OUTER_TRUNCATED;
		l3 = (uint32_t)(ip->version_ihl & 0xf) * 4;
		tot = rte_be_to_cpu_16(ip->total_length);
		if (unlikely((ip->version_ihl >> 4) != 4 || l3 < sizeof(*ip) || tot < l3 ||
			     l2 + tot > pkt))
			return DP_CTR_DROP_OUTER_TRUNCATED;
		if (unlikely(!dp_tables_is_local4(t, ip->dst_addr)))
			return DP_CTR_DROP_NOT_OUR_RLOC;
		if (unlikely(ip->fragment_offset &
			     rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
			return DP_CTR_DROP_OUTER_FRAGMENT;
		if (unlikely(ip->next_proto_id != IPPROTO_UDP))
			return exc && ip->next_proto_id == IPPROTO_ICMP ?
			       DP_CTR_PUNT_EXCEPTION : DP_CTR_DROP_NOT_TUNNEL;
		ip_payload = tot - l3;
		otos = ip->type_of_service;
		ottl = ip->time_to_live;
	} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(d + l2);
		uint32_t vtc;

		if (unlikely(seg < l2 + sizeof(*ip6)))
			return DP_CTR_DROP_OUTER_TRUNCATED;
		vtc = rte_be_to_cpu_32(ip6->vtc_flow);
		l3 = sizeof(*ip6);
		ip_payload = rte_be_to_cpu_16(ip6->payload_len);
		if (unlikely((vtc >> 28) != 6 || l2 + l3 + ip_payload > pkt))
			return DP_CTR_DROP_OUTER_TRUNCATED;
		/* Neighbor discovery (to a solicited-node address, to us),
		 * pings to our RLOCs: the control thread's, or the kernel's
		 * with an exception interface. */
		if (unlikely(ip6->proto == IPPROTO_ICMPV6)) {
			if (!exc)
				return DP_CTR_PUNT_ND;
			return icmp6_for_us(t, ip6->dst_addr) ? DP_CTR_PUNT_EXCEPTION :
								DP_CTR_DROP_NOT_OUR_RLOC;
		}
		if (unlikely(!dp_tables_is_local6(t, ip6->dst_addr)))
			return DP_CTR_DROP_NOT_OUR_RLOC;
		/* Extension headers: not from an ITR we know. */
		if (unlikely(ip6->proto != IPPROTO_UDP))
			return DP_CTR_DROP_NOT_TUNNEL;
		otos = (uint8_t)(vtc >> 20);
		ottl = ip6->hop_limits;
	} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP)) {
		if (!exc)
			return DP_CTR_PUNT_ARP;
		return arp_for_us(t, d, seg, l2) ? DP_CTR_PUNT_EXCEPTION : DP_CTR_DROP_NOT_OUR_RLOC;
	} else {
		return DP_CTR_DROP_OUTER_NOT_IP;
	}
	/* UDP header and the 8-byte tunnel header in the first segment. */
	if (unlikely(ip_payload < sizeof(*udp) || seg < l2 + l3 + sizeof(*udp)))
		return DP_CTR_DROP_OUTER_TRUNCATED;
	udp = (const struct rte_udp_hdr *)(d + l2 + l3);
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(ulen < sizeof(*udp) || ulen > ip_payload))
		return DP_CTR_DROP_OUTER_TRUNCATED;
	off = l2 + l3 + sizeof(*udp);
	rem = ulen - sizeof(*udp);
	/* The decoders see no more than the first segment holds. */
	switch (rte_be_to_cpu_16(udp->dst_port)) {
	case DP_LISP_DATA_PORT: {
		struct lisp_data_hdr lh;

		e = lisp_data_hdr_decode(d + off, RTE_MIN(rem, seg - off), &lh);
		if (unlikely(e != DP_HDR_OK))
			return dp_ctr_hdr(e);
		/* RFC 9300 5.3: without I, the packet belongs to IID 0. */
		iid = (lh.flags & LISP_DF_I) ? lh.iid : 0;
		*ok = DP_CTR_DECAP_LISP;
		break;
	}
	case VXLAN_PORT: {
		struct vxlan_hdr vh;

		e = vxlan_hdr_decode(d + off, RTE_MIN(rem, seg - off), &vh);
		if (unlikely(e != DP_HDR_OK))
			return dp_ctr_hdr(e);
		iid = vh.vni;
		kind = INNER_ETH;
		*ok = DP_CTR_DECAP_VXLAN;
		break;
	}
	case VXLAN_GPE_PORT: {
		struct vxlan_gpe_hdr gh;

		e = vxlan_gpe_hdr_decode(d + off, RTE_MIN(rem, seg - off), &gh);
		if (unlikely(e != DP_HDR_OK))
			return dp_ctr_hdr(e);
		if (gh.next_proto == VXLAN_GPE_NP_ETHERNET)
			kind = INNER_ETH;
		else if (gh.next_proto != VXLAN_GPE_NP_IPV4 && gh.next_proto != VXLAN_GPE_NP_IPV6)
			return DP_CTR_DROP_INNER_NOT_IP;	/* NSH, MPLS */
		iid = gh.vni;
		*ok = DP_CTR_DECAP_GPE;
		break;
	}
	default:
		/* LISP control both ways: requests, probes and notifies to
		 * 4342, replies to what was sent from 4342. */
		if (exc && (udp->dst_port == rte_cpu_to_be_16(LISP_CONTROL_PORT) ||
				udp->src_port == rte_cpu_to_be_16(LISP_CONTROL_PORT)))
			return DP_CTR_PUNT_EXCEPTION;
		return DP_CTR_DROP_NOT_TUNNEL;
	}
	off += TUN_LEN;
	rem -= TUN_LEN;
	vrf = vrf_get(t, vc, iid);
	if (unlikely(vrf == NULL))
		return DP_CTR_DROP_UNKNOWN_IID;
	if (unlikely(vrf->eid_port == DP_PORT_NONE))
		return DP_CTR_DROP_NO_EID_PORT;
	if (kind == INNER_ETH) {
		uint16_t itype;

		if (unlikely(rem < ETH_LEN || seg < off + ETH_LEN))
			return DP_CTR_DROP_INNER_TRUNCATED;
		itype = rte_be_to_cpu_16(((const struct rte_ether_hdr *)(d + off))->ether_type);
		if (unlikely(itype == RTE_ETHER_TYPE_ARP) && vrf->inner_mac_resolve) {
			/* An L2 VTEP resolving through the tunnel (overlay.h). */
			DP_PUNT_IID(m) = iid;
			return DP_CTR_PUNT_ARP_TUNNEL;
		}
		if (itype != RTE_ETHER_TYPE_IPV4 && itype != RTE_ETHER_TYPE_IPV6)
			return DP_CTR_DROP_INNER_NOT_IP;
		off += ETH_LEN;
		rem -= ETH_LEN;
		ver = itype == RTE_ETHER_TYPE_IPV4 ? 4 : 6;
		if (unlikely(seg < off + 1 || (d[off] >> 4) != ver))
			return DP_CTR_DROP_INNER_TRUNCATED;
	} else {
		if (unlikely(rem < 1 || seg < off + 1))
			return DP_CTR_DROP_INNER_TRUNCATED;
		ver = d[off] >> 4;
		if (ver != 4 && ver != 6)
			return DP_CTR_DROP_INNER_NOT_IP;
	}
	if (ver == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(d + off);
		uint32_t ihl;

		if (unlikely(rem < sizeof(*ip) || seg < off + sizeof(*ip)))
			return DP_CTR_DROP_INNER_TRUNCATED;
		ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
		inner_len = rte_be_to_cpu_16(ip->total_length);
		if (unlikely(ihl < sizeof(*ip) || inner_len < ihl || inner_len > rem ||
			     seg < off + ihl))
			return DP_CTR_DROP_INNER_TRUNCATED;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(d + off);

		if (unlikely(rem < sizeof(*ip6) || seg < off + sizeof(*ip6)))
			return DP_CTR_DROP_INNER_TRUNCATED;
		inner_len = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		if (unlikely(inner_len > rem || inner_len == sizeof(*ip6)))
			return DP_CTR_DROP_INNER_TRUNCATED;
	}
	if (unlikely(inner_len > vrf->eid_mtu))
		return DP_CTR_DROP_MTU;
	if (unlikely(inner_fixup(d + off, otos, ottl) != 0))
		return DP_CTR_DROP_ECN;

	/* Strip everything before the inner IP header, cut what follows it
	 * (outer padding), put the EID side's MAC header in front. */
	rte_pktmbuf_adj(m, (uint16_t)off);
	if (rte_pktmbuf_pkt_len(m) > inner_len)
		rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - inner_len));
	h = (uint8_t *)rte_pktmbuf_prepend(m, vrf->l2_len);
	memcpy(h, vrf->l2_hdr, vrf->l2_len);
	h[vrf->l2_len - 2] = ver == 4 ? 0x08 : 0x86;
	h[vrf->l2_len - 1] = ver == 4 ? 0x00 : 0xdd;
	m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
	*port = vrf->eid_port;
	/* Without a static peer, the host's own MAC (learned by the control
	 * thread); unknown: the control thread resolves it and sends. */
	if (!vrf->peer_static &&
	    unlikely(!dp_tables_host_mac(t, iid, ver, h + vrf->l2_len + (ver == 4 ? 16 : 24), h))) {
		m->port = vrf->eid_port;
		DP_PUNT_IID(m) = iid;
		return DP_CTR_PUNT_UNRESOLVED;
	}
	return 0;
}

uint16_t dp_decap_burst(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			uint16_t n, struct rte_mbuf **out, uint16_t *out_port)
{
	struct rte_mbuf *drop[DP_BURST];
	struct vrf_cache vc = { .vrf = NULL };
	struct dp_exc *exc = in ? in->exc : NULL;	/* NULL: the unit tests' */
	uint16_t nout = 0, nd = 0;

	for (uint16_t i = 0; i < n; i++) {
		enum dp_ctr ok = DP_CTR_DECAP_LISP, why;
		uint16_t port;

		if (i + DP_PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH_OFFSET], void *));
		why = decap_one(w, exc, pkts[i], &port, &ok, &vc);
		if (likely(why == 0)) {
			out[nout] = pkts[i];
			out_port[nout++] = port;
			dp_ctr_inc(&w->ctr, ok);
		} else if (why == DP_CTR_PUNT_ARP || why == DP_CTR_PUNT_ND ||
			   why == DP_CTR_PUNT_UNRESOLVED || why == DP_CTR_PUNT_ARP_TUNNEL) {
			if (why == DP_CTR_PUNT_UNRESOLVED)
				dp_ctr_inc(&w->ctr, ok);
			else if (why != DP_CTR_PUNT_ARP_TUNNEL)
				DP_PUNT_IID(pkts[i]) = DP_IID_NONE;
			dp_punt(w, pkts[i], why);
		} else if (why == DP_CTR_PUNT_EXCEPTION && dp_exc_admit(exc, rte_rdtsc())) {
			DP_PUNT_IID(pkts[i]) = DP_IID_NONE;
			dp_punt(w, pkts[i], why);
		} else {
			if (why == DP_CTR_PUNT_EXCEPTION)
				why = DP_CTR_DROP_EXCEPTION_LIMITED;
			dp_ctr_inc(&w->ctr, why);
			drop[nd++] = pkts[i];
			if (nd == DP_BURST) {
				rte_pktmbuf_free_bulk(drop, nd);
				nd = 0;
			}
		}
	}
	if (nd)
		rte_pktmbuf_free_bulk(drop, nd);
	return nout;
}
