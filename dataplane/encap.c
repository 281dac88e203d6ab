/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ITR path.  A burst is split by inner address family first, so that each
 * family runs through its own copy of encap_af() with is_ip4 a constant
 * (VPP's encap nodes do the same): two tight loops without a family
 * branch.  Each runs in passes over the whole burst so that the memory
 * latency of a large table overlaps (encap_af()): parse and hash, look up,
 * load the entry, choose the RLOC, and only then copy the rewrite and
 * patch it.
 *
 * RFC 9300 section 5.3 for the outer header: TTL / Hop Limit copied from
 * the inner header, DSCP and ECN copied (RFC 6040 normal mode), UDP
 * checksum zero for LISP.  VXLAN and VXLAN-GPE over IPv6 carry a real UDP
 * checksum: Linux drops zero-checksum IPv6 VXLAN by default
 * (udp6zerocsumrx), and interoperating with it matters more than the cost.
 * IPv6 flow label: the inner flow hash (RFC 6438).
 *
 * Built four times, -DDP_FP_PART=0..3 (dataplane/meson.build, fastpath.h):
 * each build holds 16 of the 64 instances; part 0 also the functions
 * outside the template.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>
#include <rte_udp.h>

#include "counters.h"
#include "decap.h"
#include "dp_config.h"
#include "dp_hdr.h"
#include "encap.h"
#include "fastpath.h"
#include "flows.h"
#include "lisp_msg.h"
#include "miss.h"
#include "port.h"
#include "too_big.h"
#include "trace.h"
#include "worker.h"

#define ETH_LEN		14
#define VLAN_LEN	4
/* "LISP".  Fixed, so that a restart keeps flows on their RLOC. */
#define FLOW_SEED	0x4c495350u

#ifndef DP_FP_PART
#error "encap.c is built once per DP_FP_PART, 0 to 3 (dataplane/meson.build)"
#endif

/* --- control path: the rewrite ------------------------------------------------ */

#if DP_FP_PART == 0

static uint32_t csum_words(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	return sum;
}

void dp_encap_rewrite_build(struct dp_rloc *r, const struct dp_underlay_if *u,
			    const struct dp_ip *dst, enum dp_encap encap, uint32_t iid)
{
	uint8_t *p = r->hdr, *l4, *tun;
	struct rte_udp_hdr *udp;
	uint16_t dport;

	memset(r->hdr, 0, sizeof(r->hdr));
	memcpy(p, u->dst_mac, 6);
	memcpy(p + 6, u->src_mac, 6);
	if (dst->af == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + ETH_LEN);

		p[12] = 0x08;
		p[13] = 0x00;
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		/* Atomic datagram (RFC 6864): DF set, ID 0.  Larger packets
		 * are dropped and counted before they get here. */
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->next_proto_id = IPPROTO_UDP;
		memcpy(&ip->src_addr, u->src, 4);
		memcpy(&ip->dst_addr, dst->a, 4);
		/* tos, total_length, ttl and the checksum are per packet. */
		r->ip4_csum_base = csum_words((const uint8_t *)ip, sizeof(*ip));
		l4 = p + ETH_LEN + sizeof(*ip);
		r->is_ip6 = 0;
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + ETH_LEN);

		p[12] = 0x86;
		p[13] = 0xdd;
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->proto = IPPROTO_UDP;
		memcpy(ip6->src_addr, u->src, 16);
		memcpy(ip6->dst_addr, dst->a, 16);
		l4 = p + ETH_LEN + sizeof(*ip6);
		r->is_ip6 = 1;
	}
	udp = (struct rte_udp_hdr *)l4;
	dport = encap == DP_ENCAP_LISP ? DP_LISP_DATA_PORT :
		encap == DP_ENCAP_VXLAN ? VXLAN_PORT : VXLAN_GPE_PORT;
	udp->dst_port = rte_cpu_to_be_16(dport);
	tun = l4 + sizeof(*udp);
	switch (encap) {
	case DP_ENCAP_LISP: {
		/* N: a nonce in every packet (written per packet); I: the IID;
		 * L (itr.locator-status-bits): our RLOCs' status, 8 bits. */
		struct lisp_data_hdr h = { .flags = LISP_DF_N | LISP_DF_I, .iid = iid };

		if (u->lsb_on) {
			h.flags |= LISP_DF_L;
			h.lsb = u->lsb;
		}

		lisp_data_hdr_encode(&h, tun);
		break;
	}
	case DP_ENCAP_VXLAN: {
		struct vxlan_hdr h = { .flags = VXLAN_F_I, .vni = iid };

		vxlan_hdr_encode(&h, tun);
		break;
	}
	case DP_ENCAP_GPE: {
		struct vxlan_gpe_hdr h = { .flags = VXLAN_GPE_F_I | VXLAN_GPE_F_P,
					   .next_proto = VXLAN_GPE_NP_IPV4, .vni = iid };

		vxlan_gpe_hdr_encode(&h, tun);
		break;
	}
	}
	r->hdr_len = (uint8_t)(tun + LISP_DATA_HDR_LEN - p);
	r->port_id = u->port_id;
	r->mtu = u->mtu;
	r->ip4_cksum_offload = u->ip4_cksum_offload;
	r->udp_cksum_offload = u->udp_cksum_offload;
}
#endif

/* --- the inner flow hash ------------------------------------------------------- */

static __rte_always_inline bool l4_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_SCTP;
}

static __rte_always_inline uint32_t flow_hash4(const struct rte_ipv4_hdr *ip, uint32_t ihl,
					       uint32_t avail)
{
	uint64_t addrs;
	uint32_t h, ports;

	memcpy(&addrs, &ip->src_addr, 8);	/* src and dst, adjacent */
	h = rte_hash_crc_8byte(addrs, FLOW_SEED);
	h = rte_hash_crc_4byte(ip->next_proto_id, h);
	/* Ports only in a first (or only) fragment. */
	if (l4_has_ports(ip->next_proto_id) && avail >= ihl + 4 &&
	    !(ip->fragment_offset &
	      rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))) {
		memcpy(&ports, (const uint8_t *)ip + ihl, 4);
		h = rte_hash_crc_4byte(ports, h);
	}
	return h;
}

static __rte_always_inline uint32_t flow_hash6(const struct rte_ipv6_hdr *ip6, uint32_t avail)
{
	uint64_t a[4];
	uint32_t h, ports;

	/* src and dst; copied because the header is only 2-byte aligned */
	memcpy(a, ip6->src_addr, sizeof(a));
	h = rte_hash_crc_8byte(a[0], FLOW_SEED);
	h = rte_hash_crc_8byte(a[1], h);
	h = rte_hash_crc_8byte(a[2], h);
	h = rte_hash_crc_8byte(a[3], h);
	h = rte_hash_crc_4byte(ip6->proto, h);
	/* Extension headers: no ports, the flow still hashes consistently. */
	if (l4_has_ports(ip6->proto) && avail >= sizeof(*ip6) + 4) {
		memcpy(&ports, ip6 + 1, 4);
		h = rte_hash_crc_4byte(ports, h);
	}
	return h;
}

#if DP_FP_PART == 0
uint32_t dp_flow_hash4(const void *p, uint32_t avail)
{
	const struct rte_ipv4_hdr *ip = p;

	return flow_hash4(ip, (uint32_t)(ip->version_ihl & 0xf) * 4, avail);
}

uint32_t dp_flow_hash6(const void *p, uint32_t avail)
{
	return flow_hash6(p, avail);
}
#endif

/* --- the fast path ----------------------------------------------------------------- */

struct encap_in {
	struct rte_mbuf *m;
	const struct dp_vrf *vrf;
	uint8_t l2_len;
	uint8_t pos;		/* in the chunk: its trace record */
};

/* The trace record of a chunk position, in the DP_FP_TRACE instances only
 * (a constant NULL in the others, so the hooks compile to nothing). */
#define TRACE_REC(tc, i) ((fl & DP_FP_TRACE) ? (tc)->r[i] : NULL)

struct encap_st {
	struct rte_mbuf *m;
	const struct dp_rloc *r;
	const struct dp_vrf *vrf;
	uint32_t hash;
	uint16_t inner_len;
	uint8_t l2_len;
	uint8_t ttl;
	uint8_t tos;
	uint8_t encap;
};

static __rte_always_inline uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static __rte_always_inline enum dp_ctr neg_reason(uint8_t action)
{
	switch (action) {
	case LISP_ACT_NATIVE_FORWARD:
		return DP_CTR_DROP_NEG_NATIVE;
	case LISP_ACT_SEND_MAP_REQUEST:
		return DP_CTR_DROP_NEG_MAP_REQUEST;
	case DP_ACT_LOCAL:
		return DP_CTR_LOCAL;
	default:
		return DP_CTR_DROP_NEG_DROP;
	}
}

/* Pass 1: inner header checks and the flow hash into st; the destination
 * to look up (IPv4: host order in *dst4).  Returns 0 or the drop reason. */
static __rte_always_inline enum dp_ctr encap_parse(const struct encap_in *in,
						   struct encap_st *p, uint32_t *dst4,
						   const int is_ip4)
{
	struct rte_mbuf *m = in->m;
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, in->l2_len);
	uint32_t seg_avail = rte_pktmbuf_data_len(m) - in->l2_len;
	uint32_t pkt_avail = rte_pktmbuf_pkt_len(m) - in->l2_len;
	uint32_t inner_len;

	if (is_ip4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)l3;
		uint32_t ihl;

		/* A packet that fails is still looked up (0.0.0.0), without a
		 * test in each pass, and dropped by pass 4. */
		*dst4 = 0;
		if (unlikely(rte_pktmbuf_data_len(m) < in->l2_len + sizeof(*ip)))
			return DP_CTR_DROP_INNER_TRUNCATED;
		ihl = (uint32_t)(ip->version_ihl & 0xf) * 4;
		inner_len = rte_be_to_cpu_16(ip->total_length);
		if (unlikely((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
			     inner_len < ihl || inner_len > pkt_avail || ihl > seg_avail))
			return DP_CTR_DROP_INNER_TRUNCATED;
		p->hash = flow_hash4(ip, ihl, seg_avail);
		*dst4 = rte_be_to_cpu_32(ip->dst_addr);
		p->ttl = ip->time_to_live;
		p->tos = ip->type_of_service;
	} else {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)l3;
		uint32_t vtc;

		if (unlikely(rte_pktmbuf_data_len(m) < in->l2_len + sizeof(*ip6)))
			return DP_CTR_DROP_INNER_TRUNCATED;
		vtc = rte_be_to_cpu_32(ip6->vtc_flow);
		inner_len = sizeof(*ip6) + rte_be_to_cpu_16(ip6->payload_len);
		/* payload_len 0 would be a jumbogram: not on our links. */
		if (unlikely((vtc >> 28) != 6 || inner_len > pkt_avail ||
			     inner_len == sizeof(*ip6)))
			return DP_CTR_DROP_INNER_TRUNCATED;
		p->hash = flow_hash6(ip6, seg_avail);
		p->ttl = ip6->hop_limits;
		p->tos = (uint8_t)(vtc >> 20);
	}
	p->m = m;
	p->vrf = in->vrf;
	p->inner_len = (uint16_t)inner_len;
	p->l2_len = in->l2_len;
	return 0;
}

/* An ITR encapsulates for its own site (RFC 9300 section 4): the source
 * must be covered by a database entry; a PITR takes any (tables.h). */
static __rte_always_inline bool src_is_eid(const struct dp_mapping *m)
{
	return m != NULL && m->action == DP_ACT_LOCAL;
}

/* The source of a parsed packet is one of our EIDs (only asked where the
 * VRF checks sources: an xTR with a database, tables.h). */
static __rte_always_inline bool src_ok(const struct dp_tables *t, const struct encap_st *st,
				       const int is_ip4)
{
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(st->m, const uint8_t *, st->l2_len);

	if (is_ip4) {
		uint32_t src;

		memcpy(&src, l3 + 12, 4);
		return !(st->vrf->src_check & DP_SRC_CHECK_4) ||
		       src_is_eid(dp_tables_lookup4(t, st->vrf, rte_be_to_cpu_32(src)));
	}
	return !(st->vrf->src_check & DP_SRC_CHECK_6) ||
	       src_is_eid(dp_tables_lookup6(t, st->vrf, l3 + 8));
}

/* Pass 4: the source check, the mapping's verdict and the RLOC choice
 * (st->r, st->encap).  Returns 0 or the drop reason. */
static __rte_always_inline enum dp_ctr encap_lookup(struct dp_worker *w,
						    const struct dp_mapping *mp,
						    struct encap_st *st, const int is_ip4,
						    const unsigned int fl)
{
	const struct dp_tables *t = w->tables;

	/* Before the verdict: a spoofed source raises no miss either. */
	if ((fl & DP_FP_SRC_CHECK) && unlikely(st->vrf->src_check) && !src_ok(t, st, is_ip4))
		return DP_CTR_DROP_SRC_NOT_EID;
	if (unlikely(mp == NULL))
		return DP_CTR_DROP_MISS;
	if (unlikely(mp->action != LISP_ACT_NO_ACTION))
		return neg_reason(mp->action);
	if (unlikely(mp->n_usable == 0)) {
		/* A new entry whose RLOC's MAC is being asked: the entry it
		 * covers forwards meanwhile (tables.h, resolving). */
		const struct dp_mapping *c = mp->resolving && mp->fallback_slot != DP_SLOT_NONE ?
			__atomic_load_n(&t->slots[mp->fallback_slot], __ATOMIC_ACQUIRE) : NULL;

		if (c == NULL || c->action != LISP_ACT_NO_ACTION || c->n_usable == 0 ||
		    c->plen >= mp->plen)
			return DP_CTR_DROP_NO_RLOC;
		dp_ctr_inc(&w->ctr, DP_CTR_RESOLVING_FALLBACK);
		mp = c;
	}
	/* Instance affinity (itr.flow-table): started flows keep their RLOC. */
	st->r = !(fl & DP_FP_FLOWS) ? dp_mapping_rloc(mp, st->hash) :
		dp_flows_rloc(w->flows, mp, st->vrf->iid, st->hash, w->flow_now, &w->ctr);
	st->encap = mp->encap;
	if (unlikely(mp->n_rlocs != 1))
		rte_prefetch0(st->r);
	/* An IPv6 rewrite ends in the RLOC's second line. */
	if (fl & DP_FP_UNDERLAY)
		rte_prefetch0((const uint8_t *)st->r + RTE_CACHE_LINE_SIZE);
	return 0;
}

/* Stage 2: rewrite.  Returns 0 or the drop reason.  Without
 * DP_FP_UNDERLAY the outer header is IPv4 with a software checksum. */
static __rte_always_inline enum dp_ctr encap_write(struct dp_worker *w, const struct encap_st *st,
						   const int is_ip4, const unsigned int fl)
{
	struct rte_mbuf *m = st->m;
	const struct dp_rloc *r = st->r;
	const bool outer6 = (fl & DP_FP_UNDERLAY) && r->is_ip6;
	/* VXLAN carries the inner Ethernet frame: keep its (untagged) header. */
	const uint32_t keep = st->encap == DP_ENCAP_VXLAN ? ETH_LEN : 0;
	uint32_t olen = (uint32_t)r->hdr_len - ETH_LEN + keep + st->inner_len;
	uint32_t excess = rte_pktmbuf_pkt_len(m) - st->l2_len - st->inner_len;
	uint16_t sport = (uint16_t)(DP_UDP_SPORT_BASE | ((st->hash >> 16) & DP_UDP_SPORT_MASK));
	struct rte_udp_hdr *udp;
	uint8_t *h, *tun;

	if (unlikely(olen > r->mtu))
		return DP_CTR_DROP_MTU;
	if (excess)	/* Ethernet padding of short frames */
		rte_pktmbuf_trim(m, (uint16_t)excess);
	if (keep && st->l2_len > ETH_LEN) {
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

		memmove(d + VLAN_LEN, d, 2 * RTE_ETHER_ADDR_LEN);
	}
	h = (uint8_t *)rte_pktmbuf_prepend(m, (uint16_t)(r->hdr_len - (st->l2_len - keep)));
	if (unlikely(h == NULL))
		return DP_CTR_DROP_HEADROOM;
	/* Two constant sizes: the compiler emits straight vector moves. */
	if (outer6)
		rte_memcpy(h, r->hdr, DP_OUTER_HDR_IP6);
	else
		rte_memcpy(h, r->hdr, DP_OUTER_HDR_IP4);

	if (!outer6) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(h + ETH_LEN);

		ip->type_of_service = st->tos;
		ip->time_to_live = st->ttl;
		ip->total_length = rte_cpu_to_be_16((uint16_t)olen);
		if ((fl & DP_FP_UNDERLAY) && r->ip4_cksum_offload) {
			m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
			m->l2_len = ETH_LEN;
			m->l3_len = sizeof(*ip);
		} else {
			ip->hdr_checksum = rte_cpu_to_be_16(csum_fold(
				r->ip4_csum_base + olen + ((uint32_t)st->ttl << 8) + st->tos));
		}
		udp = (struct rte_udp_hdr *)(ip + 1);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(olen - sizeof(*ip)));
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(h + ETH_LEN);

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | (uint32_t)st->tos << 20 |
						 (st->hash & 0xfffff));
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(olen - sizeof(*ip6)));
		ip6->hop_limits = st->ttl;
		udp = (struct rte_udp_hdr *)(ip6 + 1);
		udp->dgram_len = ip6->payload_len;
	}
	udp->src_port = rte_cpu_to_be_16(sport);
	tun = (uint8_t *)(udp + 1);
	switch (st->encap) {
	case DP_ENCAP_LISP: {
		uint32_t nonce = dp_worker_rand(w);

		tun[1] = (uint8_t)(nonce >> 16);
		tun[2] = (uint8_t)(nonce >> 8);
		tun[3] = (uint8_t)nonce;
		break;
	}
	case DP_ENCAP_GPE:
		tun[3] = is_ip4 ? VXLAN_GPE_NP_IPV4 : VXLAN_GPE_NP_IPV6;
		break;
	default:
		break;
	}
	if (outer6 && st->encap != DP_ENCAP_LISP) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(h + ETH_LEN);

		if (r->udp_cksum_offload) {
			m->ol_flags |= RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
			m->l2_len = ETH_LEN;
			m->l3_len = sizeof(*ip6);
			udp->dgram_cksum = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
		} else if (m->nb_segs == 1) {
			udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
		} else {
			udp->dgram_cksum = rte_ipv6_udptcp_cksum_mbuf(m, ip6,
								       ETH_LEN + sizeof(*ip6));
		}
	}
	return 0;
}

/* An ICMP error allowed now: a token bucket per worker, itr.icmp-rate a
 * second, as routers limit theirs (RFC 1812 4.3.2.8, RFC 4443 2.4 (f)). */
static bool icmp_token(struct dp_worker *w)
{
	uint64_t now = rte_rdtsc();

	if (!w->icmp_rate)
		return false;
	if (w->icmp_tokens < w->icmp_rate) {
		uint64_t add = (now - w->icmp_last) * w->icmp_rate / rte_get_tsc_hz();

		if (add) {
			w->icmp_tokens = (uint32_t)RTE_MIN((uint64_t)w->icmp_rate,
							   w->icmp_tokens + add);
			w->icmp_last = now;
		}
	} else {
		w->icmp_last = now;
	}
	if (!w->icmp_tokens)
		return false;
	w->icmp_tokens--;
	return true;
}

/*
 * The packet of st does not fit its RLOC's MTU once encapsulated
 * (too_big.h).  Inner IPv4 without DF: fragmented, and the fragments
 * encapsulated and sent; otherwise the sender hears the size that fits.
 * Returns the counter of the original packet, which the caller drops.
 */
static __rte_noinline enum dp_ctr encap_too_big(struct dp_worker *w, const struct encap_st *st,
						const int is_ip4)
{
	const struct dp_rloc *r = st->r;
	const uint32_t keep = st->encap == DP_ENCAP_VXLAN ? ETH_LEN : 0;
	const uint32_t over = (uint32_t)r->hdr_len - ETH_LEN + keep;
	uint16_t mtu = (uint16_t)(r->mtu > over ? r->mtu - over : 0);
	const uint8_t *l3 = rte_pktmbuf_mtod_offset(st->m, const uint8_t *, st->l2_len);
	struct rte_mbuf *f[DP_TOO_BIG_FRAGS_MAX], *icmp;
	unsigned int n;

	if (w->too_big == DP_CONFIG_TOO_BIG_DROP)
		return DP_CTR_DROP_MTU;
	if (is_ip4 && !(l3[6] & 0x40) &&
	    (n = dp_too_big_frag4(st->m, st->l2_len, mtu, f, DP_TOO_BIG_FRAGS_MAX)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct encap_st fs = *st;
			enum dp_ctr why;

			fs.m = f[i];
			fs.inner_len = (uint16_t)(rte_pktmbuf_pkt_len(f[i]) - st->l2_len);
			why = encap_write(w, &fs, is_ip4, DP_FP_UNDERLAY);
			if (likely(why == 0)) {
				dp_ctr_inc(&w->ctr, (enum dp_ctr)(DP_CTR_ENCAP_LISP + st->encap));
				dp_worker_tx(w, r->port_id, f[i]);
			} else {
				dp_ctr_inc(&w->ctr, why);
				rte_pktmbuf_free(f[i]);
			}
		}
		dp_ctr_add(&w->ctr, DP_CTR_TOO_BIG_FRAGMENTS, n);
		return DP_CTR_TOO_BIG_FRAGMENTED;
	}
	/* Eligibility first: a packet that gets no error takes no token. */
	icmp = dp_too_big_icmp_eligible(st->m, st->l2_len, is_ip4, st->vrf) && icmp_token(w) ?
	       dp_too_big_icmp(st->m, st->l2_len, is_ip4, mtu, st->vrf, &w->tables->underlay) :
	       NULL;
	if (icmp) {
		dp_ctr_inc(&w->ctr, DP_CTR_TOO_BIG_ICMP);
		dp_worker_tx(w, st->vrf->eid_port, icmp);
	} else {
		dp_ctr_inc(&w->ctr, DP_CTR_TOO_BIG_ICMP_LIMITED);
	}
	return DP_CTR_DROP_MTU;
}

/* VXLAN to an L2 VTEP (inner-mac: resolve): the inner frame goes to the
 * far end's MAC, from ours.  Unknown: the control thread asks for it
 * through the tunnel (overlay.h) and the packet is not sent. */
static __rte_always_inline bool peer_macs(struct dp_worker *w, const struct encap_st *st,
					  const int is_ip4)
{
	uint8_t *d = rte_pktmbuf_mtod(st->m, uint8_t *);

	if (unlikely(!dp_tables_peer_mac(w->tables, st->vrf->iid, is_ip4 ? 4 : 6,
					 d + st->l2_len + (is_ip4 ? 16 : 24), d))) {
		DP_PUNT_IID(st->m) = st->vrf->iid;
		dp_punt(w, st->m, DP_CTR_PUNT_PEER_MAC);
		return false;
	}
	memcpy(d + 6, st->vrf->l2_hdr + 6, 6);
	return true;
}

/* A miss (no mapping, or a negative one saying send-map-request): the
 * packet is dropped, the control plane hears of its EID at most once an
 * interval (miss.h).  The header was checked by encap_lookup(). */
static __rte_always_inline void encap_miss(struct dp_worker *w, const struct encap_in *in,
					   const int is_ip4)
{
	if (w->miss)
		dp_miss_note(w->miss, &w->ctr, in->vrf->iid,
			     rte_pktmbuf_mtod_offset(in->m, const uint8_t *, in->l2_len), is_ip4,
			     rte_rdtsc());
}

/*
 * A packet for one of our own EIDs (an agent that moved here keeps its
 * address, a host of another subnet of the same site): out of the
 * Instance-ID's EID-side port with the host's MAC, as decapsulation would
 * deliver it.  Returns true to send, false when handed to the control
 * thread (MAC unknown) or dropped.
 */
static __rte_always_inline bool local_deliver(struct dp_worker *w, const struct encap_in *in,
					      const int is_ip4, const unsigned int fl)
{
	const struct dp_vrf *v = in->vrf;
	struct rte_mbuf *m = in->m;
	uint8_t *h;

	if (unlikely(v->eid_port == DP_PORT_NONE)) {
		dp_ctr_inc(&w->ctr, DP_CTR_DROP_NO_EID_PORT);
		rte_pktmbuf_free(m);
		return false;
	}
	dp_ctr_inc(&w->ctr, DP_CTR_LOCAL);
	if (in->l2_len != v->l2_len) {	/* a tag to add or remove */
		if (in->l2_len > v->l2_len)
			rte_pktmbuf_adj(m, (uint16_t)(in->l2_len - v->l2_len));
		else if (!rte_pktmbuf_prepend(m, (uint16_t)(v->l2_len - in->l2_len))) {
			dp_ctr_inc(&w->ctr, DP_CTR_DROP_HEADROOM);
			rte_pktmbuf_free(m);
			return false;
		}
	}
	h = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(h, v->l2_hdr, v->l2_len);
	h[v->l2_len - 2] = is_ip4 ? 0x08 : 0x86;
	h[v->l2_len - 1] = is_ip4 ? 0x00 : 0xdd;
	if ((fl & DP_FP_HOSTS) && !v->peer_static &&
	    unlikely(!dp_tables_host_mac(w->tables, v->iid, is_ip4 ? 4 : 6,
					 h + v->l2_len + (is_ip4 ? 16 : 24), h))) {
		m->port = v->eid_port;
		DP_PUNT_IID(m) = v->iid;
		dp_punt(w, m, DP_CTR_PUNT_UNRESOLVED);
		return false;
	}
	return true;
}

/*
 * One address family's share of a burst, as it goes through the passes of
 * encap_af(); indexed by packet.
 */
struct encap_fam {
	struct encap_in in[DP_BURST];
	struct encap_st st[DP_BURST];
	enum dp_ctr why[DP_BURST];	/* pass 1's verdict */
	uint32_t dst4[DP_BURST];
	uint16_t n;
};

/* Pass 1, from encap_chunk()'s loop: parse, hash, prefetch the tbl24
 * entry. */
static __rte_always_inline void encap_fam_add(struct encap_fam *f, struct rte_mbuf *m,
					      const struct dp_vrf *vrf, uint8_t l2, uint16_t pos,
					      struct dp_trace_rec *r, const int is_ip4,
					      const unsigned int fl)
{
	uint16_t i = f->n++;

	f->in[i].m = m;
	f->in[i].vrf = vrf;
	f->in[i].l2_len = l2;
	if (fl & DP_FP_TRACE)
		f->in[i].pos = (uint8_t)pos;
	f->why[i] = encap_parse(&f->in[i], &f->st[i], &f->dst4[i], is_ip4);
	if (f->why[i] == 0)
		dp_trace_stage(r, DP_TS_ENCAP_PARSE);
	if (is_ip4)
		dp_tables_nh4_prefetch(vrf, f->dst4[i]);
}

/*
 * One address family of a burst, software-pipelined: with a large
 * map-cache every packet's lookup is a chain of dependent loads that miss
 * the caches (tbl24 entry -> slots[nh] -> the mapping -> its RLOC's
 * rewrite), so each pass issues the next load of every packet of the
 * burst before the following pass uses it:
 *   1. parse, flow hash, prefetch the tbl24 entry (encap_fam_add())
 *   2. lookup, prefetch &slots[nh]            3. load the entry, prefetch it
 *   4. verdict, RLOC choice, prefetch its rewrite    5. write
 * Packets are delivered, dropped and counted in the order of a single
 * pass.
 */
static __rte_always_inline uint16_t encap_af(struct dp_worker *w, struct encap_fam *f,
					     struct rte_mbuf **out, uint16_t *out_port,
					     uint16_t nout, struct rte_mbuf **drop,
					     uint16_t *ndrop, struct dp_trace_chunk *tc,
					     const int is_ip4, const unsigned int fl)
{
	const struct dp_tables *t = w->tables;
	const struct encap_in *in = f->in;
	struct encap_st *st = f->st;
	const enum dp_ctr *why = f->why;
	const struct dp_mapping *mp[DP_BURST];
	uint32_t nh[DP_BURST];
	uint8_t ok[DP_BURST];	/* the ones to write, in order */
	uint16_t n = f->n, ns = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (is_ip4)
			nh[i] = dp_tables_nh4(in[i].vrf, f->dst4[i]);
		else if (likely(why[i] == 0))
			nh[i] = dp_tables_nh6(in[i].vrf, rte_pktmbuf_mtod_offset(in[i].m,
						const uint8_t *, in[i].l2_len + 24));
		else
			nh[i] = DP_NH_NONE;
		rte_prefetch0(&t->slots[nh[i]]);
	}
	for (uint16_t i = 0; i < n; i++) {
		mp[i] = dp_tables_slot(t, in[i].vrf, nh[i], is_ip4);
		if (likely(mp[i] != NULL)) {
			/* The entry, and its first RLOC's rewrite now rather
			 * than after pass 4 has read the entry: most mappings
			 * have one RLOC (and then sel[] is not read). */
			rte_prefetch0(mp[i]);
			rte_prefetch0(&mp[i]->rlocs[0]);
		}
	}
	for (uint16_t i = 0; i < n; i++) {
		struct dp_trace_rec *tr = TRACE_REC(tc, in[i].pos);
		enum dp_ctr r = why[i];

		if (likely(r == 0)) {
			r = encap_lookup(w, mp[i], &st[i], is_ip4, fl);
			dp_trace_stage(tr, DP_TS_ENCAP_LOOKUP);
		}
		if (likely(r == 0)) {
			dp_trace_stage(tr, DP_TS_ENCAP_RLOC);
			ok[ns++] = (uint8_t)i;
		} else if (r == DP_CTR_LOCAL) {
			dp_trace_stage(tr, DP_TS_ENCAP_LOCAL);
			if (local_deliver(w, &in[i], is_ip4, fl)) {
				out[nout] = in[i].m;
				out_port[nout++] = in[i].vrf->eid_port;
				dp_trace_verdict(tr, r, in[i].vrf->iid, in[i].vrf->eid_port);
			} else {
				dp_trace_verdict(tr, r, in[i].vrf->iid, UINT16_MAX);
			}
		} else {
			/* Multicast and broadcast (IGMP, mDNS, DHCP) are not
			 * EIDs to look up. */
			if (unlikely(r == DP_CTR_DROP_MISS) && is_ip4 &&
			    rte_pktmbuf_mtod_offset(in[i].m, const uint8_t *,
						    in[i].l2_len)[16] >= 224)
				r = DP_CTR_DROP_NOT_UNICAST;
			dp_ctr_inc(&w->ctr, r);
			dp_trace_verdict(tr, r, in[i].vrf->iid, UINT16_MAX);
			if (unlikely(r == DP_CTR_DROP_MISS || r == DP_CTR_DROP_NEG_MAP_REQUEST))
				encap_miss(w, &in[i], is_ip4);
			drop[(*ndrop)++] = in[i].m;
		}
	}
	for (uint16_t k = 0; k < ns; k++) {
		const struct encap_st *e = &st[ok[k]];
		struct dp_trace_rec *tr = TRACE_REC(tc, in[ok[k]].pos);
		enum dp_ctr r;

		if ((fl & DP_FP_MAC_RESOLVE) && unlikely(e->vrf->inner_mac_resolve) &&
		    e->encap == DP_ENCAP_VXLAN &&
		    !peer_macs(w, e, is_ip4)) {
			dp_trace_verdict(tr, DP_CTR_PUNT_PEER_MAC, e->vrf->iid, UINT16_MAX);
			continue;
		}
		r = encap_write(w, e, is_ip4, fl);
		if (likely(r == 0)) {
			out[nout] = e->m;
			out_port[nout++] = e->r->port_id;
			dp_ctr_inc(&w->ctr, (enum dp_ctr)(DP_CTR_ENCAP_LISP + e->encap));
			dp_trace_stage(tr, DP_TS_ENCAP_WRITE);
			dp_trace_verdict(tr, (enum dp_ctr)(DP_CTR_ENCAP_LISP + e->encap),
					 e->vrf->iid, e->r->port_id);
		} else {
			if (r == DP_CTR_DROP_MTU)
				r = encap_too_big(w, e, is_ip4);
			dp_ctr_inc(&w->ctr, r);
			dp_trace_verdict(tr, r, e->vrf->iid, UINT16_MAX);
			drop[(*ndrop)++] = e->m;
		}
	}
	return nout;
}

/* To a link-local or multicast address (the hosts' neighbor and router
 * discovery, MLD): never an EID, the control thread's (which answers
 * neighbor solicitations and ignores the rest). */
static __rte_always_inline bool to_link_scope(const struct rte_mbuf *m, uint8_t l2)
{
	const uint8_t *ip6 = rte_pktmbuf_mtod_offset(m, const uint8_t *, l2);

	if (rte_pktmbuf_data_len(m) < l2 + sizeof(struct rte_ipv6_hdr))
		return false;
	return ip6[24] == 0xff || (ip6[24] == 0xfe && (ip6[25] & 0xc0) == 0x80);
}

static __rte_always_inline uint16_t encap_chunk(struct dp_worker *w,
						const struct dp_port *in_port,
						struct rte_mbuf **pkts, uint16_t n,
						struct rte_mbuf **out, uint16_t *out_port,
						const unsigned int fl)
{
	struct encap_fam f4, f6;
	struct rte_mbuf *drop[DP_BURST];
	struct dp_trace_chunk tc;
	uint16_t nd = 0, nout;

	if (fl & DP_FP_TRACE)
		dp_trace_chunk_begin(w, &tc, pkts, n, false);
	f4.n = f6.n = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eth;
		const struct dp_vrf *vrf = in_port->untagged_vrf;
		uint16_t type;
		uint8_t l2 = ETH_LEN;

		if (i + DP_PREFETCH_OFFSET < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + DP_PREFETCH_OFFSET], void *));
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (unlikely(rte_pktmbuf_data_len(m) < ETH_LEN + VLAN_LEN)) {
			dp_ctr_inc(&w->ctr, DP_CTR_DROP_INNER_TRUNCATED);
			dp_trace_verdict(TRACE_REC(&tc, i), DP_CTR_DROP_INNER_TRUNCATED, UINT32_MAX,
					 UINT16_MAX);
			drop[nd++] = m;
			continue;
		}
		type = eth->ether_type;
		if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
			const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
			uint16_t vid = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;

			vrf = in_port->vlan_vrf ? in_port->vlan_vrf[vid] : NULL;
			type = vh->eth_proto;
			l2 += VLAN_LEN;
		}
		if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) && likely(vrf != NULL)) {
			encap_fam_add(&f4, m, vrf, l2, i, TRACE_REC(&tc, i), 1, fl);
		} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) && likely(vrf != NULL)) {
			if (unlikely(to_link_scope(m, l2))) {
				DP_PUNT_IID(m) = vrf->iid;
				dp_trace_verdict(TRACE_REC(&tc, i), DP_CTR_PUNT_ND, vrf->iid,
						 UINT16_MAX);
				dp_punt(w, m, DP_CTR_PUNT_ND);
				continue;
			}
			encap_fam_add(&f6, m, vrf, l2, i, TRACE_REC(&tc, i), 0, fl);
		} else if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP) && vrf != NULL) {
			/* Hosts asking for their gateway, announcing themselves. */
			DP_PUNT_IID(m) = vrf->iid;
			dp_trace_verdict(TRACE_REC(&tc, i), DP_CTR_PUNT_ARP, vrf->iid, UINT16_MAX);
			dp_punt(w, m, DP_CTR_PUNT_ARP);
		} else {
			bool ip = type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
				  type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
			enum dp_ctr why = ip ? DP_CTR_DROP_NO_IID : DP_CTR_DROP_NOT_IP;

			dp_ctr_inc(&w->ctr, why);
			dp_trace_verdict(TRACE_REC(&tc, i), why, UINT32_MAX, UINT16_MAX);
			drop[nd++] = m;
		}
	}
	nout = f4.n ? encap_af(w, &f4, out, out_port, 0, drop, &nd, &tc, 1, fl) : 0;
	if (f6.n)
		nout = encap_af(w, &f6, out, out_port, nout, drop, &nd, &tc, 0, fl);
	if (fl & DP_FP_TRACE)
		dp_trace_chunk_end(&tc);
	if (nd)
		rte_pktmbuf_free_bulk(drop, nd);
	return nout;
}

static __rte_always_inline uint16_t encap_burst(struct dp_worker *w, const struct dp_port *in,
						struct rte_mbuf **pkts, uint16_t n,
						struct rte_mbuf **out, uint16_t *out_port,
						const unsigned int fl)
{
	uint16_t nout = 0;

	if (fl & DP_FP_FLOWS)
		w->flow_now = dp_flows_now(w->flows, rte_rdtsc());
	for (uint16_t done = 0; done < n;) {
		uint16_t k = RTE_MIN((uint16_t)(n - done), (uint16_t)DP_BURST);

		nout += encap_chunk(w, in, pkts + done, k, out + nout, out_port + nout, fl);
		done += k;
	}
	return nout;
}

/* This part's 16 instances (fastpath.h, DP_FP_PART); part 0 also holds
 * dp_encap_fns[], one instance for each combination of the flags. */
DP_FP_PART_INSTANCES(encap_burst, encap_burst, DP_FP_PART)

#if DP_FP_PART == 0
DP_FP_TABLE(encap_burst, dp_encap_fns);

uint16_t dp_encap_burst(struct dp_worker *w, const struct dp_port *in, struct rte_mbuf **pkts,
			uint16_t n, struct rte_mbuf **out, uint16_t *out_port)
{
	return dp_encap_fns[dp_fp_flags(w)](w, in, pkts, n, out, out_port);
}
#endif
