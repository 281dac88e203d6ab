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
 *
 * Built as encapsulation is (encap.c): in passes over the burst.  Pass 1
 * (outer IP, UDP, tunnel header) runs in a copy per outer family with
 * is_ip4 a constant, followed in the same loop by IID -> VRF; then the
 * inner header with TTL, ECN and the rewrite; one bulk lookup of the
 * hosts' MACs; the verdicts, in the burst's order.  The choices fixed by configuration are constants of the
 * instance (fastpath.h).
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
#include "fastpath.h"
#include "lisp_msg.h"
#include "port.h"
#include "punt.h"
#include "tables.h"
#include "trace.h"
#include "worker.h"

#define ETH_LEN		14
#define VLAN_LEN	4
#define TUN_LEN		8	/* LISP, VXLAN and VXLAN-GPE alike */
#define ECN_MASK	0x03
#define ECN_CE		0x03

_Static_assert(DP_CTR_DECAP_VXLAN == DP_CTR_DECAP_LISP + 1 &&
	       DP_CTR_DECAP_GPE == DP_CTR_DECAP_LISP + 2, "decap_chunk_static() counts by offset");

enum inner_kind { INNER_IP, INNER_ETH };

/* The trace record of position i, in the DP_FP_TRACE instances only (a
 * constant NULL in the others, so the hooks compile to nothing). */
#define TRACE_REC(tc, i) ((fl & DP_FP_TRACE) ? (tc)->r[i] : NULL)

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

/* A packet between the passes of decap_af(). */
struct decap_st {
	struct rte_mbuf *m;
	const struct dp_vrf *vrf;
	enum dp_ctr ok;		/* DP_CTR_DECAP_*: counted once delivered */
	uint32_t iid;
	uint16_t l2;		/* outer Ethernet (+ 802.1Q) */
	uint16_t off;		/* pass 1: after the tunnel header; then: the inner IP */
	uint16_t rem;		/* UDP payload left from off */
	uint16_t inner_len;
	uint8_t kind;		/* enum inner_kind */
	uint8_t ver;		/* inner IP version */
	uint8_t otos, ottl;
};

/* Where a burst's packets go: out (in order), drop (freed at the end). */
struct decap_out {
	struct rte_mbuf **out;
	uint16_t *out_port;
	uint16_t nout;
	uint16_t nd;
	struct rte_mbuf *drop[DP_BURST];
};

/*
 * Pass 1, one outer family (is_ip4 a constant): the outer IP header, UDP
 * and the 8-byte tunnel header; st->iid, kind, ok, off and rem.  Returns 0
 * or the reason (a drop or a punt).  The header checks of one packet are a
 * chain of dependent branches; the passes after it are what overlap.
 */
static __rte_always_inline enum dp_ctr decap_outer(const struct dp_tables *t,
						   const struct dp_exc *exc, struct decap_st *st,
						   const int is_ip4)
{
	struct rte_mbuf *m = st->m;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t seg = rte_pktmbuf_data_len(m), pkt = rte_pktmbuf_pkt_len(m);
	uint32_t l2 = st->l2, l3, ip_payload, ulen, off, rem;
	const struct rte_udp_hdr *udp;
	enum dp_hdr_err e;

	if (is_ip4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(d + l2);
		uint32_t tot;

		if (unlikely(seg < l2 + sizeof(*ip)))
			return DP_CTR_DROP_OUTER_TRUNCATED;
		tot = rte_be_to_cpu_16(ip->total_length);
		/* Options are rare: one compare for the usual header. */
		if (likely(ip->version_ihl == RTE_IPV4_VHL_DEF)) {
			l3 = sizeof(*ip);
		} else {
			l3 = (uint32_t)(ip->version_ihl & 0xf) * 4;
			if (unlikely((ip->version_ihl >> 4) != 4 || l3 < sizeof(*ip)))
				return DP_CTR_DROP_OUTER_TRUNCATED;
		}
		if (unlikely(tot < l3 || l2 + tot > pkt))
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
		st->otos = ip->type_of_service;
		st->ottl = ip->time_to_live;
	} else {
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
		st->otos = (uint8_t)(vtc >> 20);
		st->ottl = ip6->hop_limits;
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
	st->kind = INNER_IP;
	/* The decoders see no more than the first segment holds. */
	switch (rte_be_to_cpu_16(udp->dst_port)) {
	case DP_LISP_DATA_PORT: {
		struct lisp_data_hdr lh;

		e = lisp_data_hdr_decode(d + off, RTE_MIN(rem, seg - off), &lh);
		if (unlikely(e != DP_HDR_OK))
			return dp_ctr_hdr(e);
		/* RFC 9300 5.3: without I, the packet belongs to IID 0. */
		st->iid = (lh.flags & LISP_DF_I) ? lh.iid : 0;
		st->ok = DP_CTR_DECAP_LISP;
		break;
	}
	case VXLAN_PORT: {
		struct vxlan_hdr vh;

		e = vxlan_hdr_decode(d + off, RTE_MIN(rem, seg - off), &vh);
		if (unlikely(e != DP_HDR_OK))
			return dp_ctr_hdr(e);
		st->iid = vh.vni;
		st->kind = INNER_ETH;
		st->ok = DP_CTR_DECAP_VXLAN;
		break;
	}
	case VXLAN_GPE_PORT: {
		struct vxlan_gpe_hdr gh;

		e = vxlan_gpe_hdr_decode(d + off, RTE_MIN(rem, seg - off), &gh);
		if (unlikely(e != DP_HDR_OK))
			return dp_ctr_hdr(e);
		if (gh.next_proto == VXLAN_GPE_NP_ETHERNET)
			st->kind = INNER_ETH;
		else if (gh.next_proto != VXLAN_GPE_NP_IPV4 && gh.next_proto != VXLAN_GPE_NP_IPV6)
			return DP_CTR_DROP_INNER_NOT_IP;	/* NSH, MPLS */
		st->iid = gh.vni;
		st->ok = DP_CTR_DECAP_GPE;
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
	st->off = (uint16_t)(off + TUN_LEN);
	st->rem = (uint16_t)(rem - TUN_LEN);
	return 0;
}

/* Pass 2 (run in pass 1's loop, decap_add()): the Instance-ID's VRF.
 * Returns 0 or the reason. */
static __rte_always_inline enum dp_ctr decap_vrf(const struct dp_tables *t,
						 struct vrf_cache *vc, struct decap_st *st)
{
	const struct dp_vrf *vrf = vrf_get(t, vc, st->iid);

	if (unlikely(vrf == NULL))
		return DP_CTR_DROP_UNKNOWN_IID;
	if (unlikely(vrf->eid_port == DP_PORT_NONE))
		return DP_CTR_DROP_NO_EID_PORT;
	st->vrf = vrf;
	return 0;
}

/* Pass 3, first half: the inner header, the MTU, then TTL and ECN written
 * into the inner header.  st->off moves to the inner IP header.  Returns 0
 * or the reason. */
static __rte_always_inline enum dp_ctr decap_inner(struct decap_st *st, const unsigned int fl)
{
	uint8_t *d = rte_pktmbuf_mtod(st->m, uint8_t *);
	uint32_t seg = rte_pktmbuf_data_len(st->m), off = st->off, rem = st->rem, inner_len;
	const struct dp_vrf *vrf = st->vrf;
	uint8_t ver;

	if (st->kind == INNER_ETH) {
		uint16_t itype;

		if (unlikely(rem < ETH_LEN || seg < off + ETH_LEN))
			return DP_CTR_DROP_INNER_TRUNCATED;
		itype = rte_be_to_cpu_16(((const struct rte_ether_hdr *)(d + off))->ether_type);
		if ((fl & DP_FP_MAC_RESOLVE) && unlikely(itype == RTE_ETHER_TYPE_ARP) &&
		    vrf->inner_mac_resolve) {
			/* An L2 VTEP resolving through the tunnel (overlay.h). */
			DP_PUNT_IID(st->m) = st->iid;
			return DP_CTR_PUNT_ARP_TUNNEL;
		}
		if (itype != RTE_ETHER_TYPE_IPV4 && itype != RTE_ETHER_TYPE_IPV6)
			return DP_CTR_DROP_INNER_NOT_IP;
		off += ETH_LEN;
		rem -= ETH_LEN;
		ver = itype == RTE_ETHER_TYPE_IPV4 ? 4 : 6;
		if (unlikely(seg < off + 1 || (d[off] >> 4) != ver))
			return DP_CTR_DROP_INNER_TRUNCATED;
	} else if (likely(rem >= sizeof(struct rte_ipv4_hdr) &&
			  seg >= off + sizeof(struct rte_ipv4_hdr) && d[off] == RTE_IPV4_VHL_DEF)) {
		/* The usual inner header (IPv4, no options): one compare for
		 * the version and header length checks below. */
		inner_len = rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)(d + off))->total_length);
		if (unlikely(inner_len < sizeof(struct rte_ipv4_hdr) || inner_len > rem))
			return DP_CTR_DROP_INNER_TRUNCATED;
		ver = 4;
		goto checked;
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
		if (unlikely(inner_len < ihl || inner_len > rem))
			return DP_CTR_DROP_INNER_TRUNCATED;
		if (unlikely(ihl != sizeof(*ip)) && (ihl < sizeof(*ip) || seg < off + ihl))
			return DP_CTR_DROP_INNER_TRUNCATED;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(d + off);

		if (unlikely(rem < sizeof(*ip6) || seg < off + sizeof(*ip6)))
			return DP_CTR_DROP_INNER_TRUNCATED;
		inner_len = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		if (unlikely(inner_len > rem || inner_len == sizeof(*ip6)))
			return DP_CTR_DROP_INNER_TRUNCATED;
	}
checked:
	if (unlikely(inner_len > vrf->eid_mtu))
		return DP_CTR_DROP_MTU;
	if (unlikely(inner_fixup(d + off, st->otos, st->ottl) != 0))
		return DP_CTR_DROP_ECN;
	st->off = (uint16_t)off;
	st->inner_len = (uint16_t)inner_len;
	st->ver = ver;
	return 0;
}

/* Pass 3, second half: strip everything before the inner IP header, cut
 * what follows it (outer padding), put the EID side's MAC header in front.
 * Returns the header (its destination MAC still the VRF's). */
static __rte_always_inline uint8_t *decap_write(const struct decap_st *st)
{
	struct rte_mbuf *m = st->m;
	const struct dp_vrf *vrf = st->vrf;
	const uint16_t l2 = vrf->l2_len;
	uint8_t *h;

	if (likely(m->nb_segs == 1)) {
		/* The outer headers (>= 50 bytes) are longer than the MAC
		 * header (<= 18): one move of the start, no library checks. */
		m->data_off = (uint16_t)(m->data_off + st->off - l2);
		m->data_len = (uint16_t)(st->inner_len + l2);
		m->pkt_len = m->data_len;
	} else {
		rte_pktmbuf_adj(m, st->off);
		if (rte_pktmbuf_pkt_len(m) > st->inner_len)
			rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - st->inner_len));
		rte_pktmbuf_prepend(m, l2);
	}
	h = rte_pktmbuf_mtod(m, uint8_t *);
	/* Two constant sizes: straight moves, not a call to memcpy(). */
	if (l2 == ETH_LEN + VLAN_LEN)
		memcpy(h, vrf->l2_hdr, ETH_LEN + VLAN_LEN);
	else
		memcpy(h, vrf->l2_hdr, ETH_LEN);
	*(unaligned_uint16_t *)(h + l2 - 2) = st->ver == 4 ?
		rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) : rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
	return h;
}

/* The verdict of a packet not delivered (why != 0): a punt or a drop.
 * Unresolved packets count as decapsulated (ok) too.  Returns the counter
 * it went under. */
static enum dp_ctr decap_verdict(struct dp_worker *w, struct dp_exc *exc, struct decap_out *o,
				 struct rte_mbuf *m, enum dp_ctr why, enum dp_ctr ok)
{
	if (why == DP_CTR_PUNT_ARP || why == DP_CTR_PUNT_ND ||
		   why == DP_CTR_PUNT_UNRESOLVED || why == DP_CTR_PUNT_ARP_TUNNEL) {
		if (why == DP_CTR_PUNT_UNRESOLVED)
			dp_ctr_inc(&w->ctr, ok);
		else if (why != DP_CTR_PUNT_ARP_TUNNEL)
			DP_PUNT_IID(m) = DP_IID_NONE;
		dp_punt(w, m, why);
	} else if (why == DP_CTR_PUNT_EXCEPTION && dp_exc_admit(exc, rte_rdtsc())) {
		DP_PUNT_IID(m) = DP_IID_NONE;
		dp_punt(w, m, why);
	} else {
		if (why == DP_CTR_PUNT_EXCEPTION)
			why = DP_CTR_DROP_EXCEPTION_LIMITED;
		dp_ctr_inc(&w->ctr, why);
		o->drop[o->nd++] = m;
	}
	return why;
}

/* A traced packet's verdict: the counter, its IID once the tunnel header
 * gave one, and the port it left by (UINT16_MAX: none). */
static __rte_always_inline void decap_trace_end(struct dp_trace_rec *r, const struct decap_st *st,
						enum dp_ctr why, uint16_t port)
{
	if (r)
		dp_trace_verdict(r, why, (r->stages & (1u << DP_TS_DECAP_OUTER)) ? st->iid :
				 UINT32_MAX, port);
}

/* A burst (at most DP_BURST), indexed by position in it. */
struct decap_chunk {
	struct decap_st st[DP_BURST];
	enum dp_ctr why[DP_BURST];
	uint8_t *hdr[DP_BURST];		/* the rewritten MAC header */
	uint8_t live[DP_BURST];		/* positions that passed pass 1 */
	uint8_t usual[DP_BURST];	/* passed decap_usual4(): inner checked */
	uint16_t n_live;
	/* The host MACs to look up (VRFs without a static peer). */
	struct dp_host_key keys[DP_BURST];
	const void *kp[DP_BURST];
	uint8_t ki[DP_BURST];		/* position of each key */
	uint16_t nk;
};

/* Passes 1 and 2 for packet m: the outer Ethernet header, then by outer
 * family (is_ip4 a constant in each copy of decap_outer()) the outer IP,
 * UDP and tunnel headers, and the VRF of the Instance-ID; what is neither
 * family is decided here.  Fills *st; returns 0 or the reason. */
static __rte_always_inline enum dp_ctr decap_classify(const struct dp_tables *t,
						      struct dp_exc *exc, struct rte_mbuf *m,
						      struct decap_st *st, struct vrf_cache *vc,
						      struct dp_trace_rec *r)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t seg = rte_pktmbuf_data_len(m), l2 = ETH_LEN;
	enum dp_ctr why;
	uint16_t type;

	st->m = m;
	st->ok = DP_CTR_DECAP_LISP;	/* read by a verdict only once set */
	if (unlikely(seg < ETH_LEN + VLAN_LEN))
		return DP_CTR_DROP_OUTER_TRUNCATED;
	type = ((const struct rte_ether_hdr *)d)->ether_type;
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		type = ((const struct rte_vlan_hdr *)(d + ETH_LEN))->eth_proto;
		l2 += VLAN_LEN;
	}
	st->l2 = (uint16_t)l2;
	if (likely(type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)))
		why = decap_outer(t, exc, st, 1);
	else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		why = decap_outer(t, exc, st, 0);
	else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return !exc ? DP_CTR_PUNT_ARP :
		       arp_for_us(t, d, seg, l2) ? DP_CTR_PUNT_EXCEPTION : DP_CTR_DROP_NOT_OUR_RLOC;
	else
		return DP_CTR_DROP_OUTER_NOT_IP;
	if (unlikely(why != 0))
		return why;
	dp_trace_stage(r, DP_TS_DECAP_OUTER);
	/* Pass 2 in the same loop: the tenant of a burst is nearly always
	 * the previous packet's (vrf_cache), a compare, not a lookup. */
	why = decap_vrf(t, vc, st);
	if (likely(why == 0))
		dp_trace_stage(r, DP_TS_DECAP_VRF);
	return why;
}

/*
 * Pass 3 over the packets that passed passes 1 and 2, whatever their outer
 * family: inner header, MTU, TTL and ECN (decap_inner()), the rewrite
 * (decap_write()), and the host key of a VRF without a static peer;
 * decap_chunk_hosts() then looks the keys up at once (decap_hosts()).
 */
static __rte_always_inline void decap_live(struct decap_chunk *c, struct dp_trace_chunk *tc,
					   const unsigned int fl)
{
	const uint8_t *live = c->live;
	uint16_t n = c->n_live;

	for (uint16_t k = 0; k < n; k++) {
		uint16_t i = live[k];
		struct decap_st *st = &c->st[i];

		if (!c->usual[i] && unlikely((c->why[i] = decap_inner(st, fl)) != 0))
			continue;
		c->hdr[i] = decap_write(st);
		dp_trace_stage(TRACE_REC(tc, i), DP_TS_DECAP_INNER);
		dp_trace_stage(TRACE_REC(tc, i), DP_TS_DECAP_WRITE);
		if (!st->vrf->peer_static) {
			/* The host's own MAC (learned by the control thread). */
			struct dp_host_key *key = &c->keys[c->nk];

			memset(key, 0, sizeof(*key));
			key->iid = st->iid;
			key->af = st->ver;
			key->kind = DP_HOST_EID;
			memcpy(key->a, c->hdr[i] + st->vrf->l2_len + (st->ver == 4 ? 16 : 24),
			       st->ver == 4 ? 4 : 16);
			c->kp[c->nk] = key;
			c->ki[c->nk++] = (uint8_t)i;
		}
	}
}

/* One bulk lookup of the hosts' MACs (rte_hash_lookup_bulk_data(): the
 * buckets of all keys are fetched before any is compared).  Unknown: the
 * control thread resolves it and sends the packet. */
static __rte_always_inline void decap_hosts(const struct dp_tables *t, struct decap_chunk *c,
					    struct dp_trace_chunk *tc, const unsigned int fl)
{
	void *data[DP_BURST];
	uint64_t hits = 0;

	if (rte_hash_lookup_bulk_data(t->hosts, c->kp, c->nk, &hits, data) < 0)
		hits = 0;
	for (uint16_t k = 0; k < c->nk; k++) {
		uint16_t i = c->ki[k];

		dp_trace_stage(TRACE_REC(tc, i), DP_TS_DECAP_HOST);
		if (likely(hits & (1ULL << k))) {
			dp_tables_neigh_data_mac(data[k], c->hdr[i]);
		} else {
			c->st[i].m->port = c->st[i].vrf->eid_port;
			DP_PUNT_IID(c->st[i].m) = c->st[i].iid;
			c->why[i] = DP_CTR_PUNT_UNRESOLVED;
		}
	}
}

/* A packet's end, in the burst's order: delivered on its VRF's EID port
 * (counted by tunnel type in n_ok[], added once a burst), or its verdict.
 * The new count of o->out[], kept by the caller in a local: out_port may
 * alias o->nout as far as the compiler knows. */
static __rte_always_inline uint16_t decap_end(struct dp_worker *w, struct dp_exc *exc,
					      struct decap_out *o, uint16_t nout,
					      uint32_t n_ok[3], const struct decap_st *st,
					      enum dp_ctr why, struct dp_trace_rec *tr)
{
	if (likely(why == 0)) {
		o->out[nout] = st->m;
		o->out_port[nout++] = st->vrf->eid_port;
		n_ok[st->ok - DP_CTR_DECAP_LISP]++;
		decap_trace_end(tr, st, st->ok, st->vrf->eid_port);
	} else {
		why = decap_verdict(w, exc, o, st->m, why, st->ok);
		decap_trace_end(tr, st, why, UINT16_MAX);
	}
	return nout;
}

static __rte_always_inline void decap_count_ok(struct dp_worker *w, const uint32_t n_ok[3])
{
	for (unsigned int k = 0; k < 3; k++)
		dp_ctr_add(&w->ctr, (enum dp_ctr)(DP_CTR_DECAP_LISP + k), n_ok[k]);
}

/*
 * The usual packet, checked a word at a time: untagged outer IPv4 without
 * options and not a fragment, UDP to 4341, LISP flags that
 * lisp_data_hdr_decode() accepts, an inner IPv4 header without options,
 * all in the first segment, to one of our RLOCs, of a known Instance-ID
 * with an EID port, within its MTU.  True: *st is what decap_classify()
 * and decap_inner() make of such a packet, its TTL and ECN written.
 * False: the packet is untouched and goes the long way, which gives the
 * same verdict to every packet and names its drop (dp-decap
 * decap_usual_same_as_long_way).  A LISP packet: 146.7 instructions
 * instead of 215.7 (callgrind).
 */
static __rte_always_inline bool decap_usual4(const struct dp_tables *t, struct vrf_cache *vc,
					     struct rte_mbuf *m, struct decap_st *st)
{
	enum { IP = ETH_LEN, UDP = IP + 20, TUN = UDP + 8, IN = TUN + TUN_LEN };
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct dp_vrf *vrf;
	uint32_t tot, ulen, ilen, w1, dst;
	uint64_t a, b;
	uint16_t port;
	uint8_t f;

	if (unlikely(rte_pktmbuf_data_len(m) < IN + 20))
		return false;
	memcpy(&a, d + 12, 8);	/* ether type, version/IHL, TOS, length, ID */
	memcpy(&b, d + IP + 6, 8);	/* fragment, TTL, protocol, checksum, source */
	memcpy(&port, d + UDP + 2, 2);
	f = d[TUN];
	/* 0x0800, 0x45; MF and offset 0, UDP; 4341; the decoder's flags;
	 * inner 0x45. */
	if ((a & 0xffffff) != 0x450008 || (b & 0xff00ff3f) != (uint32_t)IPPROTO_UDP << 24 ||
	    port != rte_cpu_to_be_16(DP_LISP_DATA_PORT) ||
	    lisp_data_flags_check(f) != DP_HDR_OK || d[IN] != RTE_IPV4_VHL_DEF)
		return false;
	tot = rte_be_to_cpu_16((uint16_t)(a >> 32));
	ulen = (uint32_t)d[UDP + 4] << 8 | d[UDP + 5];
	ilen = (uint32_t)d[IN + 2] << 8 | d[IN + 3];
	if (tot < IN - IP + 20 || IP + tot > rte_pktmbuf_pkt_len(m) || ulen < IN - UDP + 20 ||
	    ulen > tot - 20 || ilen < 20 || ilen > ulen - (IN - UDP))
		return false;
	memcpy(&dst, d + IP + 16, 4);
	if (!dp_tables_is_local4(t, dst))
		return false;
	memcpy(&w1, d + TUN + 4, 4);
	st->iid = (f & LISP_DF_I) ? rte_be_to_cpu_32(w1) >> 8 : 0;
	vrf = vrf_get(t, vc, st->iid);
	if (unlikely(vrf == NULL || vrf->eid_port == DP_PORT_NONE || ilen > vrf->eid_mtu))
		return false;
	st->otos = (uint8_t)(a >> 24);
	st->ottl = (uint8_t)(b >> 16);
	if (unlikely(inner_fixup(rte_pktmbuf_mtod_offset(m, uint8_t *, IN), st->otos,
				 st->ottl) != 0))
		return false;	/* written nothing */
	st->m = m;
	st->vrf = vrf;
	st->ok = DP_CTR_DECAP_LISP;
	st->off = IN;
	st->inner_len = (uint16_t)ilen;
	st->ver = 4;
	return true;
}

/* A burst without host MACs to look up (every VRF has a static peer):
 * nothing waits on memory, so each packet goes through all the passes
 * in one loop, its state in registers rather than in the burst's arrays
 * (25 fewer instructions a packet than the two loops, callgrind). */
static __rte_always_inline void decap_chunk_static(struct dp_worker *w, struct dp_exc *exc,
						   struct rte_mbuf **pkts, uint16_t n,
						   struct decap_out *o, struct dp_trace_chunk *tc,
						   const unsigned int fl)
{
	const struct dp_tables *t = w->tables;
	struct vrf_cache vc = { .vrf = NULL };
	uint16_t nout = o->nout;
	uint32_t n_ok[3] = { 0 };

	for (uint16_t i = 0; i < n; i++) {
		struct dp_trace_rec *tr = TRACE_REC(tc, i);
		struct decap_st st;
		enum dp_ctr why;

		if (i + DP_PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH_OFFSET], void *));
		if (!(fl & DP_FP_TRACE) && likely(decap_usual4(t, &vc, pkts[i], &st))) {
			decap_write(&st);
			nout = decap_end(w, exc, o, nout, n_ok, &st, 0, tr);
			continue;
		}
		if (fl & DP_FP_TRACE)
			st.iid = 0;	/* read only once set; the compiler can't tell */
		why = decap_classify(t, exc, pkts[i], &st, &vc, tr);

		if (likely(why == 0) && likely((why = decap_inner(&st, fl)) == 0)) {
			decap_write(&st);
			dp_trace_stage(tr, DP_TS_DECAP_INNER);
			dp_trace_stage(tr, DP_TS_DECAP_WRITE);
		}
		nout = decap_end(w, exc, o, nout, n_ok, &st, why, tr);
	}
	o->nout = nout;
	decap_count_ok(w, n_ok);
}

/* A burst with host MACs to look up: passes 1 and 2 into the burst's
 * arrays, pass 3 over the packets that passed, one bulk lookup of the
 * hosts, then the verdicts in the burst's order. */
static __rte_always_inline void decap_chunk_hosts(struct dp_worker *w, struct dp_exc *exc,
						  struct rte_mbuf **pkts, uint16_t n,
						  struct decap_out *o, struct dp_trace_chunk *tc,
						  const unsigned int fl)
{
	const struct dp_tables *t = w->tables;
	struct vrf_cache vc = { .vrf = NULL };
	struct decap_chunk c;
	uint32_t n_ok[3] = { 0 };
	uint16_t nout;

	c.n_live = 0;
	c.nk = 0;
	for (uint16_t i = 0; i < n; i++) {
		if (i + DP_PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH_OFFSET], void *));
		c.usual[i] = !(fl & DP_FP_TRACE) && decap_usual4(t, &vc, pkts[i], &c.st[i]);
		c.why[i] = c.usual[i] ? 0 : decap_classify(t, exc, pkts[i], &c.st[i], &vc,
							   TRACE_REC(tc, i));
		if (likely(c.why[i] == 0))
			c.live[c.n_live++] = (uint8_t)i;
	}
	if (c.n_live)
		decap_live(&c, tc, fl);
	if (c.nk)
		decap_hosts(t, &c, tc, fl);
	nout = o->nout;
	for (uint16_t i = 0; i < n; i++)
		nout = decap_end(w, exc, o, nout, n_ok, &c.st[i], c.why[i], TRACE_REC(tc, i));
	o->nout = nout;
	decap_count_ok(w, n_ok);
}

static __rte_always_inline void decap_chunk(struct dp_worker *w, struct dp_exc *exc,
					    struct rte_mbuf **pkts, uint16_t n,
					    struct decap_out *o, const unsigned int fl)
{
	struct dp_trace_chunk tc;

	if (fl & DP_FP_TRACE)
		dp_trace_chunk_begin(w, &tc, pkts, n, true);
	if (fl & DP_FP_HOSTS)
		decap_chunk_hosts(w, exc, pkts, n, o, &tc, fl);
	else
		decap_chunk_static(w, exc, pkts, n, o, &tc, fl);
	if (fl & DP_FP_TRACE)
		dp_trace_chunk_end(&tc);
}

static __rte_always_inline uint16_t decap_burst(struct dp_worker *w, const struct dp_port *in,
						struct rte_mbuf **pkts, uint16_t n,
						struct rte_mbuf **out, uint16_t *out_port,
						const unsigned int fl)
{
	struct dp_exc *exc = in ? in->exc : NULL;	/* NULL: the unit tests' */
	struct decap_out o;	/* not o = {...}: drop[] needs no zeroing */

	o.out = out;
	o.out_port = out_port;
	o.nout = 0;

	for (uint16_t done = 0; done < n;) {
		uint16_t k = RTE_MIN((uint16_t)(n - done), (uint16_t)DP_BURST);

		o.nd = 0;
		decap_chunk(w, exc, pkts + done, k, &o, fl);
		if (o.nd)
			rte_pktmbuf_free_bulk(o.drop, o.nd);
		done += k;
	}
	return o.nout;
}

/* Decapsulation reads three of fastpath.h's flags: one instance for each
 * combination of them (8, not 64: less to compile). */
#define DECAP_FP	(DP_FP_MAC_RESOLVE | DP_FP_HOSTS | DP_FP_TRACE)
#define DECAP_FP_SHIFT	2
_Static_assert(DECAP_FP >> DECAP_FP_SHIFT == 7, "decap's flags: three adjacent bits");
DP_FP_INST1(decap_burst, decap_burst, 0x00) DP_FP_INST1(decap_burst, decap_burst, 0x04)
DP_FP_INST1(decap_burst, decap_burst, 0x08) DP_FP_INST1(decap_burst, decap_burst, 0x0c)
DP_FP_INST1(decap_burst, decap_burst, 0x10) DP_FP_INST1(decap_burst, decap_burst, 0x14)
DP_FP_INST1(decap_burst, decap_burst, 0x18) DP_FP_INST1(decap_burst, decap_burst, 0x1c)
static const dp_burst_fn decap_fns[8] = {
	decap_burst_0x00, decap_burst_0x04, decap_burst_0x08, decap_burst_0x0c,
	decap_burst_0x10, decap_burst_0x14, decap_burst_0x18, decap_burst_0x1c,
};

uint16_t dp_decap_burst(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			uint16_t n, struct rte_mbuf **out, uint16_t *out_port)
{
	return decap_fns[(dp_fp_flags(w) & DECAP_FP) >> DECAP_FP_SHIFT](w, in, pkts, n, out,
									 out_port);
}
