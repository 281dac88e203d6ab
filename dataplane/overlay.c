// SPDX-License-Identifier: BSD-3-Clause
/*
 * ARP through VXLAN tunnels (overlay.h).  The control thread's: frames
 * come over the workers' punt rings, what is sent leaves through worker
 * 0's inject ring, as neigh.c's frames do.
 */
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_udp.h>

#include "counters.h"
#include "dp.h"
#include "dp_hdr.h"
#include "encap.h"
#include "lisp_msg.h"
#include "overlay.h"

#define ETH_LEN		14
#define VLAN_LEN	4
#define TUN_LEN		8
#define ARP_LEN		28
#define ASK_SLOTS	256		/* recent requests, by (iid, address) hash */
#define ASK_INTERVAL_MS	200

struct ask {
	uint32_t iid;
	uint32_t ip;		/* network order */
	uint64_t tsc;
};

struct overlay_stats {
	uint64_t arp_in, learned, replies, requests, requests_limited, unresolved_dropped,
		 ipv6_dropped, no_mapping, not_ours, bad, tx_full;
};

struct dp_overlay {
	struct dp_app *app;
	uint64_t ms;		/* TSC ticks per ms */
	struct ask asks[ASK_SLOTS];
	struct overlay_stats st;
};

struct dp_overlay *dp_overlay_create(struct dp_app *app)
{
	struct dp_overlay *o = rte_zmalloc("dp_overlay", sizeof(*o), 0);

	if (!o)
		return NULL;
	o->app = app;
	o->ms = rte_get_tsc_hz() / 1000;
	return o;
}

void dp_overlay_free(struct dp_overlay *o)
{
	rte_free(o);
}

static void inject(struct dp_overlay *o, struct rte_mbuf *m, uint16_t port_id)
{
	if (!dp_worker_inject(o->app->workers[0], m, port_id))
		o->st.tx_full++;
}

/* A new frame of len bytes; NULL (counted) when no mbuf is left. */
static uint8_t *frame_alloc(struct dp_overlay *o, struct rte_mbuf **mp, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(o->app->pool);
	uint8_t *h = m ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len) : NULL;

	if (!h) {
		rte_pktmbuf_free(m);
		o->st.tx_full++;
		return NULL;
	}
	*mp = m;
	return h;
}

/* The inner Ethernet header and ARP body after the outer headers at h. */
static void arp_put(uint8_t *h, const uint8_t dst[6], const uint8_t src[6], uint16_t op,
		    uint32_t sip, const uint8_t tha[6], uint32_t tip)
{
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(h + ETH_LEN);

	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	h[12] = 0x08;
	h[13] = 0x06;
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(a->arp_data.arp_sha.addr_bytes, src, 6);
	a->arp_data.arp_sip = sip;
	memcpy(a->arp_data.arp_tha.addr_bytes, tha, 6);
	a->arp_data.arp_tip = tip;
}

/* Outer lengths, TTL and checksums of a frame whose outer IP header starts
 * at l2: total len bytes. */
static void outer_fix(uint8_t *d, uint32_t l2, uint32_t len, bool v6)
{
	struct rte_udp_hdr *udp;

	if (!v6) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + l2);

		ip->total_length = rte_cpu_to_be_16((uint16_t)(len - l2));
		ip->time_to_live = 64;
		ip->type_of_service = 0;
		ip->packet_id = 0;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp = (struct rte_udp_hdr *)((uint8_t *)ip + (ip->version_ihl & 0xf) * 4);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)((uint8_t *)d + len - (uint8_t *)udp));
		udp->dgram_cksum = 0;	/* RFC 7348 over IPv4 */
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(d + l2);

		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(len - l2 - sizeof(*ip6)));
		ip6->hop_limits = 64;
		udp = (struct rte_udp_hdr *)(ip6 + 1);
		udp->dgram_len = ip6->payload_len;
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6, udp);
	}
}

/* An address we answer for in iid: one of our EIDs (a database entry) or
 * a host seen on our EID side. */
static bool ours(const struct dp_tables *t, const struct dp_vrf *v, uint32_t tip)
{
	const struct dp_mapping *m = dp_tables_lookup4(t, v, rte_be_to_cpu_32(tip));
	struct dp_ip a = { .af = 4 };

	if (m && m->action == DP_ACT_LOCAL)
		return true;
	memcpy(a.a, &tip, 4);
	return dp_tables_host_known(t, v->iid, &a);
}

/* ARP inside VXLAN, the whole frame as received on an RLOC port; false
 * when it is malformed. */
static bool tunnel_arp(struct dp_overlay *o, const struct rte_mbuf *m)
{
	struct dp_tables *t = o->app->tables;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t seg = rte_pktmbuf_data_len(m), l2 = ETH_LEN, l3, hdr;
	const struct rte_arp_hdr *a;
	const struct dp_vrf *v;
	struct dp_ip sender = { .af = 4 };
	struct rte_mbuf *r;
	uint8_t *h;
	bool v6;

	o->st.arp_in++;
	if (seg < ETH_LEN + VLAN_LEN)
		return false;
	if (d[12] == 0x81 && d[13] == 0x00)
		l2 += VLAN_LEN;
	v6 = d[l2 - 2] == 0x86;
	l3 = v6 ? sizeof(struct rte_ipv6_hdr) : (uint32_t)(d[l2] & 0xf) * 4;
	hdr = l2 + l3 + sizeof(struct rte_udp_hdr) + TUN_LEN;
	if (seg < hdr + ETH_LEN + ARP_LEN)
		return false;
	a = (const struct rte_arp_hdr *)(d + hdr + ETH_LEN);
	v = dp_tables_vrf(t, DP_PUNT_IID(m));
	if (!v || a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || a->arp_hlen != 6 ||
	    a->arp_plen != 4 || rte_is_multicast_ether_addr(&a->arp_data.arp_sha))
		return false;
	if (a->arp_data.arp_sip) {
		memcpy(sender.a, &a->arp_data.arp_sip, 4);
		if (dp_tables_peer_set(t, v->iid, &sender, a->arp_data.arp_sha.addr_bytes) == 0)
			o->st.learned++;
	}
	if (a->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) || !a->arp_data.arp_sip ||
	    a->arp_data.arp_sip == a->arp_data.arp_tip)
		return true;	/* a reply (learned), a probe or an announcement */
	if (!ours(t, v, a->arp_data.arp_tip)) {
		o->st.not_ours++;
		return true;
	}
	/* The answer goes back the way the request came: the outer headers
	 * reflected, the inner ARP reply from our MAC. */
	h = frame_alloc(o, &r, hdr + ETH_LEN + ARP_LEN);
	if (!h)
		return true;
	memcpy(h, d, hdr);
	memcpy(h, d + 6, 6);
	memcpy(h + 6, d, 6);
	if (v6) {
		memcpy(h + l2 + 8, d + l2 + 24, 16);
		memcpy(h + l2 + 24, d + l2 + 8, 16);
	} else {
		memcpy(h + l2 + 12, d + l2 + 16, 4);
		memcpy(h + l2 + 16, d + l2 + 12, 4);
	}
	{
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(h + l2 + l3);

		udp->dst_port = rte_cpu_to_be_16(VXLAN_PORT);
		udp->src_port = ((const struct rte_udp_hdr *)(d + l2 + l3))->src_port;
	}
	arp_put(h + hdr, a->arp_data.arp_sha.addr_bytes, v->l2_hdr + 6, RTE_ARP_OP_REPLY,
		a->arp_data.arp_tip, a->arp_data.arp_sha.addr_bytes, a->arp_data.arp_sip);
	outer_fix(h, l2, hdr + ETH_LEN + ARP_LEN, v6);
	o->st.replies++;
	inject(o, r, m->port);
	return true;
}

/* At most one request per (iid, address) and interval. */
static bool ask_allowed(struct dp_overlay *o, uint32_t iid, uint32_t ip, uint64_t now)
{
	struct ask *s = &o->asks[(rte_be_to_cpu_32(ip) ^ iid * 2654435761u) % ASK_SLOTS];

	if (s->iid == iid && s->ip == ip && s->tsc && now - s->tsc < ASK_INTERVAL_MS * o->ms)
		return false;
	*s = (struct ask){ .iid = iid, .ip = ip, .tsc = now };
	return true;
}

/* An EID-side frame for a far end whose MAC is unknown: asked through the
 * tunnel of the mapping's RLOC (the caller drops the frame); false when
 * it is malformed. */
static bool peer_unknown(struct dp_overlay *o, const struct rte_mbuf *m)
{
	struct dp_tables *t = o->app->tables;
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t seg = rte_pktmbuf_data_len(m), l2 = ETH_LEN, sip, tip, len;
	const struct dp_vrf *v = dp_tables_vrf(t, DP_PUNT_IID(m));
	const struct dp_mapping *mp;
	const struct dp_rloc *r;
	struct rte_mbuf *q;
	uint8_t *h;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, zero[6];

	o->st.unresolved_dropped++;
	if (!v || seg < ETH_LEN + VLAN_LEN)
		return false;
	if (d[12] == 0x81 && d[13] == 0x00)
		l2 += VLAN_LEN;
	if (d[l2 - 2] == 0x86) {
		o->st.ipv6_dropped++;
		return true;
	}
	if (seg < l2 + sizeof(struct rte_ipv4_hdr))
		return false;
	memcpy(&sip, d + l2 + 12, 4);
	memcpy(&tip, d + l2 + 16, 4);
	if (!ask_allowed(o, v->iid, tip, rte_rdtsc())) {
		o->st.requests_limited++;
		return true;
	}
	mp = dp_tables_lookup4(t, v, rte_be_to_cpu_32(tip));
	if (!mp || mp->action != LISP_ACT_NO_ACTION || !mp->n_usable) {
		o->st.no_mapping++;
		return true;
	}
	r = dp_mapping_rloc(mp, dp_flow_hash4(d + l2, seg - l2));
	len = r->hdr_len + ETH_LEN + ARP_LEN;
	h = frame_alloc(o, &q, len);
	if (!h)
		return true;
	memcpy(h, r->hdr, r->hdr_len);
	((struct rte_udp_hdr *)(h + r->hdr_len - TUN_LEN - sizeof(struct rte_udp_hdr)))->src_port =
		rte_cpu_to_be_16((uint16_t)(DP_UDP_SPORT_BASE |
					    (rte_be_to_cpu_32(tip) & DP_UDP_SPORT_MASK)));
	/* From the host's address with our MAC: the far end learns its way
	 * back to that host as it answers. */
	arp_put(h + r->hdr_len, bcast, v->l2_hdr + 6, RTE_ARP_OP_REQUEST, sip, zero, tip);
	outer_fix(h, ETH_LEN, len, r->is_ip6);
	o->st.requests++;
	inject(o, q, r->port_id);
	return true;
}

void dp_overlay_input(struct dp_overlay *o, struct rte_mbuf *m)
{
	bool ok = DP_PUNT_KIND(m) == DP_CTR_PUNT_ARP_TUNNEL ? tunnel_arp(o, m) :
							     peer_unknown(o, m);

	if (!ok)
		o->st.bad++;
	rte_pktmbuf_free(m);
}

size_t dp_overlay_json(const struct dp_overlay *o, char *buf, size_t len)
{
	const struct overlay_stats *s = &o->st;
	int n = snprintf(buf, len,
			 ",\"overlay\":{\"arp_in\":%llu,\"learned\":%llu,\"replies\":%llu,"
			 "\"requests\":%llu,\"requests_limited\":%llu,"
			 "\"unresolved_dropped\":%llu,\"ipv6_dropped\":%llu,\"no_mapping\":%llu,"
			 "\"not_ours\":%llu,\"bad\":%llu,\"tx_full\":%llu}",
			 (unsigned long long)s->arp_in, (unsigned long long)s->learned,
			 (unsigned long long)s->replies, (unsigned long long)s->requests,
			 (unsigned long long)s->requests_limited,
			 (unsigned long long)s->unresolved_dropped,
			 (unsigned long long)s->ipv6_dropped, (unsigned long long)s->no_mapping,
			 (unsigned long long)s->not_ours, (unsigned long long)s->bad,
			 (unsigned long long)s->tx_full);

	return n < 0 ? 0 : RTE_MIN((size_t)n, len ? len - 1 : 0);
}
