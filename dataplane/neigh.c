/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) and IPv6 neighbor discovery (RFC 4861) for lispgw-dp, on
 * the main lcore only (neigh.h says what and why).  Small tables scanned
 * linearly: a gateway has a handful of next hops, and hosts live in the
 * tables' lock-free hash that decapsulation reads.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_malloc.h>

#include "dp.h"
#include "neigh.h"
#include "neigh_kernel.h"
#include "overlay.h"
#include "punt.h"

#define NEIGH_MAX		256	/* RLOC-side next hops */
#define PENDING_MAX		64	/* EID-side hosts being resolved */
#define NEIGH_RETRY_MS		1000	/* between requests while unresolved */
#define NEIGH_TRIES		3	/* then failed (RLOCs unusable), retried slower */
#define NEIGH_FAILED_RETRY_MS	5000
#define NEIGH_REFRESH_MS	30000	/* re-confirm a resolved next hop */
#define POLL_BUDGET		256	/* punted frames per tick */
#define HOST_AGE_BUDGET		64	/* host keys visited per tick (~64k/s) */

#define ICMP6_NS	135
#define ICMP6_NA	136
#define ND_OPT_SLLA	1
#define ND_OPT_TLLA	2
#define NA_F_ROUTER	0x80
#define NA_F_SOLICITED	0x40
#define NA_F_OVERRIDE	0x20

enum neigh_state { N_INCOMPLETE, N_REACHABLE, N_REFRESH, N_FAILED };

struct neigh {
	struct dp_ip ip;
	uint16_t port_id;
	uint8_t state;		/* enum neigh_state */
	uint8_t tries;
	uint8_t mac[6];
	uint64_t next_tsc;	/* next request */
	uint64_t confirmed_tsc;
};

/* An EID-side host a decapsulated packet waits for. */
struct pending {
	bool used;
	uint8_t tries;
	uint32_t iid;
	struct dp_ip ip;
	struct rte_mbuf *held;
	uint64_t next_tsc;
};

struct neigh_stats {
	uint64_t arp_in, nd_in, bad, requests_sent, replies_sent, learned, changed,
		 hosts_learned, hosts_probed, held, held_sent, held_dropped, tx_full;
	uint64_t kernel_solicits, kernel_events, kernel_errors;	/* neighbours: kernel */
};

struct dp_neigh {
	struct dp_app *app;
	uint64_t ms;		/* TSC ticks per ms */
	unsigned int n;
	struct neigh tab[NEIGH_MAX];
	struct pending pend[PENDING_MAX];
	struct neigh_stats st;
	struct dp_kneigh *kn;	/* the kernel's table, for ports with neigh_kernel */
};

/* --- sending --------------------------------------------------------------- */

static void send_frame(struct dp_neigh *n, struct rte_mbuf *m, uint16_t port_id)
{
	if (!dp_worker_inject(n->app->workers[0], m, port_id))
		n->st.tx_full++;
}

static const struct dp_port *port_of(const struct dp_neigh *n, uint16_t port_id)
{
	return port_id < RTE_MAX_ETHPORTS ? n->app->by_id[port_id] : NULL;
}

/* The i-th of our addresses on an RLOC-side port, or false past the last. */
static bool port_addr_at(const struct dp_neigh *n, const struct dp_port *p, size_t i,
			 struct dp_ip *out)
{
	const struct dp_config_port *cp = &n->app->cfg->ports[p - n->app->ports];

	return i < cp->addr_count && dp_ip_from_lisp(out, &cp->addrs[i]) == 0;
}

/* Our first address of family af on an RLOC-side port, or false. */
static bool port_addr(const struct dp_neigh *n, const struct dp_port *p, uint8_t af,
		      uint8_t *out)
{
	struct dp_ip a;

	for (size_t i = 0; port_addr_at(n, p, i, &a); i++) {
		if (a.af == af) {
			memcpy(out, a.a, af == 4 ? 4 : 16);
			return true;
		}
	}
	return false;
}

static bool port_has_addr(const struct dp_neigh *n, const struct dp_port *p,
			  const struct dp_ip *ip)
{
	struct dp_ip a;

	for (size_t i = 0; port_addr_at(n, p, i, &a); i++)
		if (dp_ip_equal(&a, ip))
			return true;
	return false;
}

/* fe80::/64 with the modified EUI-64 of mac: our address on EID links. */
static void link_local(const uint8_t mac[6], uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

/* Ethernet header (with the VRF's tag on the EID side) into a new mbuf;
 * returns the L3 start or NULL. */
static uint8_t *frame_new(struct dp_neigh *n, struct rte_mbuf **mp, const struct dp_port *p,
			  uint32_t iid, const uint8_t dst[6], uint16_t type, uint16_t l3len)
{
	const struct dp_vrf *v = iid != DP_IID_NONE ? dp_tables_vrf(n->app->tables, iid) : NULL;
	uint8_t l2 = v ? v->l2_len : RTE_ETHER_HDR_LEN;
	struct rte_mbuf *m = rte_pktmbuf_alloc(n->app->pool);
	uint8_t *h;

	if (!m)
		return NULL;
	h = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)RTE_MAX(l2 + l3len, 60));
	if (!h) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(h, 0, rte_pktmbuf_data_len(m));
	if (v)
		memcpy(h, v->l2_hdr, l2);
	memcpy(h + 6, p->mac, 6);
	memcpy(h, dst, 6);
	h[l2 - 2] = (uint8_t)(type >> 8);
	h[l2 - 1] = (uint8_t)type;
	*mp = m;
	return h + l2;
}

static void arp_send(struct dp_neigh *n, const struct dp_port *p, uint32_t iid, uint16_t op,
		     const uint8_t dst_mac[6], uint32_t sip, const uint8_t tha[6], uint32_t tip)
{
	struct rte_mbuf *m;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)frame_new(n, &m, p, iid, dst_mac,
								 RTE_ETHER_TYPE_ARP, sizeof(*a));

	if (!a)
		return;
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	memcpy(a->arp_data.arp_sha.addr_bytes, p->mac, 6);
	a->arp_data.arp_sip = sip;
	memcpy(a->arp_data.arp_tha.addr_bytes, tha, 6);
	a->arp_data.arp_tip = tip;
	if (op == RTE_ARP_OP_REQUEST)
		n->st.requests_sent++;
	else
		n->st.replies_sent++;
	send_frame(n, m, p->port_id);
}

/* NS (type 135) or NA (136) with our link-layer address option. */
static void nd_send(struct dp_neigh *n, const struct dp_port *p, uint32_t iid, uint8_t type,
		    uint8_t na_flags, const uint8_t dst_mac[6], const uint8_t src[16],
		    const uint8_t dst[16], const uint8_t target[16])
{
	const uint16_t plen = 24 + 8;	/* ICMPv6 + target, one option */
	struct rte_mbuf *m;
	uint8_t *l3 = frame_new(n, &m, p, iid, dst_mac, RTE_ETHER_TYPE_IPV6,
				(uint16_t)(sizeof(struct rte_ipv6_hdr) + plen));
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;
	uint8_t *icmp;

	if (!l3)
		return;
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16(plen);
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = 255;
	memcpy(ip6->src_addr, src, 16);
	memcpy(ip6->dst_addr, dst, 16);
	icmp = (uint8_t *)(ip6 + 1);
	icmp[0] = type;
	icmp[4] = type == ICMP6_NA ? na_flags : 0;
	memcpy(icmp + 8, target, 16);
	icmp[24] = type == ICMP6_NA ? ND_OPT_TLLA : ND_OPT_SLLA;
	icmp[25] = 1;
	memcpy(icmp + 26, p->mac, 6);
	/* The pseudo-header sum is the same as UDP's with proto 58. */
	*(uint16_t *)(icmp + 2) = rte_ipv6_udptcp_cksum(ip6, icmp);
	if (type == ICMP6_NS)
		n->st.requests_sent++;
	else
		n->st.replies_sent++;
	send_frame(n, m, p->port_id);
}

static void solicited_node(const uint8_t ip[16], uint8_t dst[16], uint8_t mac[6])
{
	static const uint8_t pfx[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };

	memcpy(dst, pfx, 13);
	memcpy(dst + 13, ip + 13, 3);
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, dst + 12, 4);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero_mac[6];

/* A request for ip out of p: from our address there (RLOC side), or on
 * the EID side from 0.0.0.0 (an ARP probe) / our link-local address. */
static void request(struct dp_neigh *n, const struct dp_port *p, uint32_t iid,
		    const struct dp_ip *ip)
{
	uint8_t src[16] = { 0 }, dst[16], mac[6];

	/* A port the kernel shares: its ARP/ND replies reach the kernel, not
	 * us, so the kernel resolves (docs/dataplane-afxdp.md). */
	if (iid == DP_IID_NONE && p->neigh_kernel) {
		if (dp_kneigh_solicit(n->kn, p->ifindex, ip) < 0)
			n->st.kernel_errors++;
		else
			n->st.kernel_solicits++;
		return;
	}
	if (iid == DP_IID_NONE && !port_addr(n, p, ip->af, src))
		return;
	if (ip->af == 4) {
		uint32_t sip, tip;

		memcpy(&sip, src, 4);
		memcpy(&tip, ip->a, 4);
		arp_send(n, p, iid, RTE_ARP_OP_REQUEST, bcast, sip, zero_mac, tip);
		return;
	}
	if (iid != DP_IID_NONE)
		link_local(p->mac, src);
	solicited_node(ip->a, dst, mac);
	nd_send(n, p, iid, ICMP6_NS, 0, mac, src, dst, ip->a);
}

/* --- RLOC-side next hops ---------------------------------------------------- */

static struct neigh *neigh_find(struct dp_neigh *n, uint16_t port_id, const struct dp_ip *ip)
{
	for (unsigned int i = 0; i < n->n; i++)
		if (n->tab[i].port_id == port_id && dp_ip_equal(&n->tab[i].ip, ip))
			return &n->tab[i];
	return NULL;
}

/* The tables' resolver (tables.h): called while an entry is built. */
static bool resolve(void *ctx, uint16_t port_id, const struct dp_ip *nh, uint8_t mac[6])
{
	struct dp_neigh *n = ctx;
	struct neigh *e = neigh_find(n, port_id, nh);

	if (e && (e->state == N_REACHABLE || e->state == N_REFRESH)) {
		memcpy(mac, e->mac, 6);
		return true;
	}
	if (!e && n->n < NEIGH_MAX) {
		e = &n->tab[n->n++];
		memset(e, 0, sizeof(*e));
		e->ip = *nh;
		e->port_id = port_id;
		e->state = N_INCOMPLETE;
		e->next_tsc = 0;	/* ask at the next poll */
	}
	return false;
}

/* nh is at mac (a reply, or any ARP/ND that names it). */
static void neigh_confirm(struct dp_neigh *n, uint16_t port_id, const struct dp_ip *ip,
			  const uint8_t mac[6])
{
	struct neigh *e = neigh_find(n, port_id, ip);
	bool usable_before;

	if (!e)
		return;
	usable_before = e->state == N_REACHABLE || e->state == N_REFRESH;
	e->confirmed_tsc = rte_rdtsc();
	e->next_tsc = e->confirmed_tsc + NEIGH_REFRESH_MS * n->ms;
	e->tries = 0;
	e->state = N_REACHABLE;
	if (usable_before && memcmp(e->mac, mac, 6) == 0)
		return;
	memcpy(e->mac, mac, 6);
	if (usable_before)
		n->st.changed++;
	else
		n->st.learned++;
	dp_tables_nexthop_changed(n->app->tables, ip);
}

/* What the kernel's table says of a next hop of a neigh_kernel port. */
static void kernel_event(void *ctx, int ifindex, const struct dp_ip *ip,
			 enum dp_kneigh_state state, const uint8_t mac[6])
{
	struct dp_neigh *n = ctx;
	struct neigh *e = NULL;

	for (unsigned int i = 0; i < n->n && !e; i++) {
		const struct dp_port *p = port_of(n, n->tab[i].port_id);

		if (p && p->neigh_kernel && p->ifindex == ifindex && dp_ip_equal(&n->tab[i].ip, ip))
			e = &n->tab[i];
	}
	if (!e)
		return;
	n->st.kernel_events++;
	if (state == DP_KNEIGH_VALID) {
		neigh_confirm(n, e->port_id, ip, mac);
	} else if (state == DP_KNEIGH_FAILED) {
		/* The kernel gave up: its RLOCs are unusable now, asked again
		 * later. */
		bool was_usable = e->state == N_REACHABLE || e->state == N_REFRESH;

		e->state = N_FAILED;
		e->tries = 0;
		e->next_tsc = rte_rdtsc() + NEIGH_FAILED_RETRY_MS * n->ms;
		if (was_usable)
			dp_tables_nexthop_changed(n->app->tables, &e->ip);
	} else if (e->state == N_REACHABLE || e->state == N_REFRESH) {
		/* Deleted (flushed, collected): have it resolved again now; the
		 * MAC stays in use until the tries run out. */
		e->state = N_REFRESH;
		e->tries = 0;
		e->next_tsc = 0;
	}
}

static void neigh_timers(struct dp_neigh *n, uint64_t now)
{
	for (unsigned int i = 0; i < n->n; i++) {
		struct neigh *e = &n->tab[i];
		const struct dp_port *p = port_of(n, e->port_id);

		if (now < e->next_tsc || !p)
			continue;
		if (e->state != N_REACHABLE && e->tries >= NEIGH_TRIES) {
			bool was_usable = e->state == N_REFRESH;

			/* Gone quiet: its RLOCs stop being used until it answers. */
			e->state = N_FAILED;
			e->tries = 0;
			e->next_tsc = now + NEIGH_FAILED_RETRY_MS * n->ms;
			if (was_usable)
				dp_tables_nexthop_changed(n->app->tables, &e->ip);
			continue;
		}
		if (e->state == N_REACHABLE)
			e->state = N_REFRESH;
		request(n, p, DP_IID_NONE, &e->ip);
		e->tries++;
		e->next_tsc = now + NEIGH_RETRY_MS * n->ms;
	}
}

/* --- EID-side hosts ----------------------------------------------------------- */

static void host_learn(struct dp_neigh *n, uint32_t iid, const struct dp_ip *ip,
		       const uint8_t mac[6])
{
	struct dp_tables *t = n->app->tables;

	if (!dp_tables_host_known(t, iid, ip))
		n->st.hosts_learned++;
	if (dp_tables_host_set(t, iid, ip, mac) < 0)
		return;
	for (unsigned int i = 0; i < PENDING_MAX; i++) {
		struct pending *q = &n->pend[i];

		if (!q->used || q->iid != iid || !dp_ip_equal(&q->ip, ip))
			continue;
		if (q->held) {
			memcpy(rte_pktmbuf_mtod(q->held, uint8_t *), mac, 6);
			send_frame(n, q->held, q->held->port);
			n->st.held_sent++;
		}
		memset(q, 0, sizeof(*q));
	}
}

/* The tables' ageing found ip silent for 3/4 of its timeout: ask for it
 * on its Instance-ID's EID-side port (its answer refreshes it). */
static void host_probe(void *ctx, uint32_t iid, const struct dp_ip *ip)
{
	struct dp_neigh *n = ctx;
	const struct dp_vrf *v = dp_tables_vrf(n->app->tables, iid);
	const struct dp_port *p = v ? port_of(n, v->eid_port) : NULL;

	if (!p)
		return;
	n->st.hosts_probed++;
	request(n, p, iid, ip);
}

/* A decapsulated packet for a host of unknown MAC: hold it (replacing an
 * older one), ask. */
static void host_unresolved(struct dp_neigh *n, struct rte_mbuf *m)
{
	uint32_t iid = DP_PUNT_IID(m);
	const struct dp_vrf *v = dp_tables_vrf(n->app->tables, iid);
	const struct dp_port *p = port_of(n, m->port);
	struct pending *q = NULL, *free_q = NULL;
	const uint8_t *l3;
	struct dp_ip ip = { 0 };

	if (!v || !p || rte_pktmbuf_data_len(m) < v->l2_len + 40u) {
		n->st.bad++;
		rte_pktmbuf_free(m);
		return;
	}
	l3 = rte_pktmbuf_mtod_offset(m, const uint8_t *, v->l2_len);
	ip.af = (l3[0] >> 4) == 4 ? 4 : 6;
	memcpy(ip.a, l3 + (ip.af == 4 ? 16 : 24), ip.af == 4 ? 4 : 16);
	for (unsigned int i = 0; i < PENDING_MAX && !q; i++) {
		if (n->pend[i].used && n->pend[i].iid == iid && dp_ip_equal(&n->pend[i].ip, &ip))
			q = &n->pend[i];
		else if (!n->pend[i].used && !free_q)
			free_q = &n->pend[i];
	}
	if (!q) {
		if (!free_q) {
			n->st.held_dropped++;
			rte_pktmbuf_free(m);
			return;
		}
		q = free_q;
		*q = (struct pending){ .used = true, .iid = iid, .ip = ip, .next_tsc = 0 };
	}
	if (q->held) {
		n->st.held_dropped++;
		rte_pktmbuf_free(q->held);
	}
	q->held = m;
	n->st.held++;
}

static void pending_timers(struct dp_neigh *n, uint64_t now)
{
	for (unsigned int i = 0; i < PENDING_MAX; i++) {
		struct pending *q = &n->pend[i];
		const struct dp_vrf *v;
		const struct dp_port *p;

		if (!q->used || now < q->next_tsc)
			continue;
		v = dp_tables_vrf(n->app->tables, q->iid);
		p = v ? port_of(n, v->eid_port) : NULL;
		if (!p || q->tries >= NEIGH_TRIES) {
			if (q->held) {
				n->st.held_dropped++;
				rte_pktmbuf_free(q->held);
			}
			memset(q, 0, sizeof(*q));
			continue;
		}
		request(n, p, q->iid, &q->ip);
		q->tries++;
		q->next_tsc = now + NEIGH_RETRY_MS * n->ms;
	}
}

/* --- input ---------------------------------------------------------------------- */

static bool l2_of(const struct rte_mbuf *m, uint32_t *l2, uint16_t *type)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	if (rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + 4)
		return false;
	*l2 = RTE_ETHER_HDR_LEN;
	*type = (uint16_t)(d[12] << 8 | d[13]);
	if (*type == RTE_ETHER_TYPE_VLAN) {
		*type = (uint16_t)(d[16] << 8 | d[17]);
		*l2 += 4;
	}
	return true;
}

static void arp_input(struct dp_neigh *n, struct rte_mbuf *m, const struct dp_port *p)
{
	uint32_t l2, iid = DP_PUNT_IID(m);
	uint16_t type, op;
	const struct rte_arp_hdr *a;
	struct dp_ip sender = { .af = 4 }, target = { .af = 4 };
	bool eid_side = p->role == DP_PORT_ROLE_EID;

	n->st.arp_in++;
	if (!l2_of(m, &l2, &type) || rte_pktmbuf_data_len(m) < l2 + sizeof(*a))
		goto bad;
	a = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *, l2);
	op = rte_be_to_cpu_16(a->arp_opcode);
	if (a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != 6 || a->arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) ||
	    rte_is_multicast_ether_addr(&a->arp_data.arp_sha))
		goto bad;
	memcpy(sender.a, &a->arp_data.arp_sip, 4);
	memcpy(target.a, &a->arp_data.arp_tip, 4);
	if (eid_side) {
		bool probe = a->arp_data.arp_sip == 0;

		if (!probe)
			host_learn(n, iid, &sender, a->arp_data.arp_sha.addr_bytes);
		/* We are every host's gateway, but not the host itself, and a
		 * duplicate-address probe or an announcement gets no answer. */
		if (op == RTE_ARP_OP_REQUEST && !probe &&
		    a->arp_data.arp_sip != a->arp_data.arp_tip &&
		    !dp_tables_host_known(n->app->tables, iid, &target))
			arp_send(n, p, iid, RTE_ARP_OP_REPLY, a->arp_data.arp_sha.addr_bytes,
				 a->arp_data.arp_tip, a->arp_data.arp_sha.addr_bytes,
				 a->arp_data.arp_sip);
	} else {
		if (a->arp_data.arp_sip)
			neigh_confirm(n, p->port_id, &sender, a->arp_data.arp_sha.addr_bytes);
		if (op == RTE_ARP_OP_REQUEST && port_has_addr(n, p, &target))
			arp_send(n, p, DP_IID_NONE, RTE_ARP_OP_REPLY,
				 a->arp_data.arp_sha.addr_bytes, a->arp_data.arp_tip,
				 a->arp_data.arp_sha.addr_bytes, a->arp_data.arp_sip);
	}
	rte_pktmbuf_free(m);
	return;
bad:
	n->st.bad++;
	rte_pktmbuf_free(m);
}

/* The link-layer address option of type opt, or NULL. */
static const uint8_t *nd_lla(const uint8_t *opts, uint32_t len, uint8_t opt)
{
	while (len >= 8) {
		uint32_t olen = (uint32_t)opts[1] * 8;

		if (!olen || olen > len)
			return NULL;
		if (opts[0] == opt && olen == 8)
			return opts + 2;
		opts += olen;
		len -= olen;
	}
	return NULL;
}

static void nd_input(struct dp_neigh *n, struct rte_mbuf *m, const struct dp_port *p)
{
	uint32_t l2, iid = DP_PUNT_IID(m), plen;
	uint16_t type;
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *icmp, *lla;
	struct dp_ip src = { .af = 6 }, target = { .af = 6 };
	bool eid_side = p->role == DP_PORT_ROLE_EID, unspec;
	static const uint8_t unspecified[16];

	n->st.nd_in++;
	if (!l2_of(m, &l2, &type) || type != RTE_ETHER_TYPE_IPV6 ||
	    rte_pktmbuf_data_len(m) < l2 + sizeof(*ip6) + 24)
		goto drop;
	ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *, l2);
	plen = rte_be_to_cpu_16(ip6->payload_len);
	icmp = (const uint8_t *)(ip6 + 1);
	/* RFC 4861 7.1.1: hop limit 255 (not forwarded), no code. */
	if (ip6->proto != IPPROTO_ICMPV6 || ip6->hop_limits != 255 || plen < 24 ||
	    rte_pktmbuf_data_len(m) < l2 + sizeof(*ip6) + plen || icmp[1] != 0 ||
	    (icmp[0] != ICMP6_NS && icmp[0] != ICMP6_NA) ||
	    rte_ipv6_udptcp_cksum_verify(ip6, icmp) != 0)
		goto drop;
	memcpy(src.a, ip6->src_addr, 16);
	memcpy(target.a, icmp + 8, 16);
	unspec = memcmp(src.a, unspecified, 16) == 0;
	if (icmp[0] == ICMP6_NS) {
		lla = nd_lla(icmp + 24, plen - 24, ND_OPT_SLLA);
		if (!lla)
			lla = rte_pktmbuf_mtod_offset(m, const uint8_t *, 6);
		if (eid_side) {
			uint8_t ll[16];

			link_local(p->mac, ll);
			if (!unspec)
				host_learn(n, iid, &src, lla);
			if (!unspec && (memcmp(target.a, ll, 16) == 0 ||
					!dp_tables_host_known(n->app->tables, iid, &target)))
				nd_send(n, p, iid, ICMP6_NA,
					NA_F_ROUTER | NA_F_SOLICITED | NA_F_OVERRIDE, lla,
					target.a, src.a, target.a);
		} else {
			if (!unspec)
				neigh_confirm(n, p->port_id, &src, lla);
			if (!unspec && port_has_addr(n, p, &target))
				nd_send(n, p, DP_IID_NONE, ICMP6_NA,
					NA_F_SOLICITED | NA_F_OVERRIDE, lla, target.a, src.a,
					target.a);
		}
	} else {
		lla = nd_lla(icmp + 24, plen - 24, ND_OPT_TLLA);
		if (!lla)
			lla = rte_pktmbuf_mtod_offset(m, const uint8_t *, 6);
		if (eid_side)
			host_learn(n, iid, &target, lla);
		else
			neigh_confirm(n, p->port_id, &target, lla);
	}
	rte_pktmbuf_free(m);
	return;
drop:
	/* Not neighbor discovery (a ping to our RLOC, router discovery):
	 * not answered. */
	n->st.bad++;
	rte_pktmbuf_free(m);
}

void dp_neigh_poll(struct dp_neigh *n)
{
	struct rte_mbuf *m[32];
	unsigned int done = 0;
	uint64_t now = rte_rdtsc();

	/* Before learning: what a host is stamped with. */
	dp_tables_hosts_clock(n->app->tables, now / n->ms);
	for (unsigned int w = 0; w < n->app->n_workers; w++) {
		struct rte_ring *r = n->app->workers[w] ? n->app->workers[w]->punt : NULL;
		unsigned int k;

		while (r && done < POLL_BUDGET &&
		       (k = rte_ring_sc_dequeue_burst(r, (void **)m, RTE_DIM(m), NULL)) > 0) {
			done += k;
			for (unsigned int i = 0; i < k; i++) {
				const struct dp_port *p = port_of(n, m[i]->port);

				if (!p) {
					n->st.bad++;
					rte_pktmbuf_free(m[i]);
				} else if (DP_PUNT_KIND(m[i]) == DP_CTR_PUNT_ARP) {
					arp_input(n, m[i], p);
				} else if (DP_PUNT_KIND(m[i]) == DP_CTR_PUNT_ND) {
					nd_input(n, m[i], p);
				} else if (DP_PUNT_KIND(m[i]) == DP_CTR_PUNT_EXCEPTION) {
					dp_exc_input(n->app, p, m[i]);
				} else if (DP_PUNT_KIND(m[i]) == DP_CTR_PUNT_ARP_TUNNEL ||
					   DP_PUNT_KIND(m[i]) == DP_CTR_PUNT_PEER_MAC) {
					if (n->app->overlay)
						dp_overlay_input(n->app->overlay, m[i]);
					else
						rte_pktmbuf_free(m[i]);
				} else {
					host_unresolved(n, m[i]);
				}
			}
		}
	}
	if (n->kn)
		dp_kneigh_poll(n->kn, kernel_event, n);
	neigh_timers(n, now);
	pending_timers(n, now);
	/* Aged hosts are unknown again: their address is proxied (arp_input,
	 * nd_input) and a packet for one resolves it anew. */
	dp_ctr_add(&n->app->ctl_ctr, DP_CTR_HOSTS_AGED,
		   dp_tables_hosts_age(n->app->tables, HOST_AGE_BUDGET, host_probe, n));
}

struct dp_neigh *dp_neigh_create(struct dp_app *app)
{
	struct dp_neigh *n = rte_zmalloc("dp_neigh", sizeof(*n), RTE_CACHE_LINE_SIZE);

	if (!n) {
		errno = ENOMEM;
		return NULL;
	}
	n->app = app;
	n->ms = rte_get_tsc_hz() / 1000;
	for (unsigned int i = 0; i < app->n_ports && !n->kn; i++) {
		if (!app->ports[i].neigh_kernel)
			continue;
		n->kn = dp_kneigh_open();
		if (!n->kn) {
			int e = errno;

			DP_LOG(ERR, "port %s: the kernel's neighbour table (netlink): %s",
			       app->ports[i].name, strerror(e));
			rte_free(n);
			errno = e;
			return NULL;
		}
	}
	dp_tables_resolver_set(app->tables, resolve, n);
	return n;
}

void dp_neigh_free(struct dp_neigh *n)
{
	if (!n)
		return;
	dp_tables_resolver_set(n->app->tables, NULL, NULL);
	dp_kneigh_close(n->kn);
	for (unsigned int i = 0; i < PENDING_MAX; i++)
		rte_pktmbuf_free(n->pend[i].held);
	rte_free(n);
}

size_t dp_neigh_json(const struct dp_neigh *n, char *buf, size_t len)
{
	unsigned int resolved = 0;
	int k;

	for (unsigned int i = 0; i < n->n; i++)
		resolved += n->tab[i].state == N_REACHABLE || n->tab[i].state == N_REFRESH;
	k = snprintf(buf, len,
		     ",\"neigh\":{\"next_hops\":%u,\"resolved\":%u,\"learned\":%" PRIu64
		     ",\"changed\":%" PRIu64 ",\"requests_sent\":%" PRIu64
		     ",\"replies_sent\":%" PRIu64 ",\"arp_in\":%" PRIu64 ",\"nd_in\":%" PRIu64
		     ",\"ignored\":%" PRIu64 ",\"hosts_learned\":%" PRIu64
		     ",\"hosts_probed\":%" PRIu64 ",\"held\":%" PRIu64
		     ",\"held_sent\":%" PRIu64 ",\"held_dropped\":%" PRIu64
		     ",\"inject_full\":%" PRIu64 ",\"kernel_solicits\":%" PRIu64
		     ",\"kernel_events\":%" PRIu64 ",\"kernel_errors\":%" PRIu64 "}",
		     n->n, resolved, n->st.learned, n->st.changed, n->st.requests_sent,
		     n->st.replies_sent, n->st.arp_in, n->st.nd_in, n->st.bad, n->st.hosts_learned,
		     n->st.hosts_probed, n->st.held, n->st.held_sent, n->st.held_dropped, n->st.tx_full,
		     n->st.kernel_solicits, n->st.kernel_events, n->st.kernel_errors);
	return k < 0 ? 0 : RTE_MIN((size_t)k, len ? len - 1 : 0);
}
