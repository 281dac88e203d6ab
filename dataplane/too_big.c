// SPDX-License-Identifier: BSD-3-Clause
/*
 * Too big for the tunnel: ICMP errors and inner IPv4 fragmentation
 * (too_big.h).  Copies through rte_pktmbuf_read(), so that a chained mbuf
 * is as good as a flat one.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "too_big.h"

#define ETH_LEN		14
#define IP4_QUOTE_MAX	(576 - 20 - 8)		/* RFC 1812 4.3.2.3 */
#define IP6_QUOTE_MAX	(1280 - 40 - 8)		/* RFC 4443 2.4 (c) */
#define ICMP6_PROTO	58
#define ICMP6_PTB	2

static void copy_out(const struct rte_mbuf *m, uint32_t off, uint32_t len, void *dst)
{
	const void *p = rte_pktmbuf_read(m, off, len, dst);

	if (p != dst)
		memcpy(dst, p, len);
}

static bool icmp4_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* Unicast, routable enough to answer: not 0/8, 127/8, multicast, broadcast. */
static bool src4_answerable(const uint8_t *a)
{
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

/* The L2 header of v's EID-side attachment, to the MAC that sent m. */
static uint8_t *l2_put(struct rte_mbuf *n, const struct rte_mbuf *m, const struct dp_vrf *v,
		       uint16_t ethertype, uint16_t len)
{
	uint8_t *h = (uint8_t *)rte_pktmbuf_append(n, (uint16_t)(v->l2_len + len));

	if (!h)
		return NULL;
	memcpy(h, v->l2_hdr, v->l2_len);
	copy_out(m, RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN, h);	/* its source */
	h[v->l2_len - 2] = (uint8_t)(ethertype >> 8);
	h[v->l2_len - 1] = (uint8_t)ethertype;
	return h + v->l2_len;
}

static bool icmp4_eligible(const struct rte_mbuf *m, uint8_t l2_len)
{
	uint32_t avail = rte_pktmbuf_pkt_len(m) - l2_len, ihl;
	struct rte_ipv4_hdr in;
	uint8_t type;

	copy_out(m, l2_len, sizeof(in), &in);
	ihl = (uint32_t)(in.version_ihl & 0xf) * 4;
	if (rte_be_to_cpu_16(in.fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK)
		return false;	/* only the first fragment says who sent it */
	if (!src4_answerable((const uint8_t *)&in.src_addr))
		return false;
	if (in.next_proto_id == IPPROTO_ICMP && avail > ihl) {
		copy_out(m, l2_len + ihl, 1, &type);
		if (icmp4_is_error(type))
			return false;
	}
	return true;
}

static bool icmp6_eligible(const struct rte_mbuf *m, uint8_t l2_len)
{
	static const uint8_t unspec[16];
	uint32_t avail = rte_pktmbuf_pkt_len(m) - l2_len;
	struct rte_ipv6_hdr in;
	uint8_t type;

	copy_out(m, l2_len, sizeof(in), &in);
	if (in.src_addr[0] == 0xff || memcmp(in.src_addr, unspec, 16) == 0)
		return false;
	if (in.proto == ICMP6_PROTO && avail > sizeof(in)) {
		copy_out(m, l2_len + (uint32_t)sizeof(in), 1, &type);
		if (type < 128)		/* an error message */
			return false;
	}
	return true;
}

bool dp_too_big_icmp_eligible(const struct rte_mbuf *m, uint8_t l2_len, int is_ip4,
			      const struct dp_vrf *v)
{
	if (v->eid_port == DP_PORT_NONE || !v->l2_len)
		return false;
	return is_ip4 ? icmp4_eligible(m, l2_len) : icmp6_eligible(m, l2_len);
}

static struct rte_mbuf *icmp4(const struct rte_mbuf *m, uint8_t l2_len, uint16_t mtu,
			      const struct dp_vrf *v, const struct dp_underlay *u)
{
	struct rte_ipv4_hdr in, *ip;
	struct rte_icmp_hdr *ic;
	uint32_t quote, avail = rte_pktmbuf_pkt_len(m) - l2_len;
	struct rte_mbuf *n;

	copy_out(m, l2_len, sizeof(in), &in);
	quote = RTE_MIN((uint32_t)rte_be_to_cpu_16(in.total_length), avail);
	quote = RTE_MIN(quote, (uint32_t)IP4_QUOTE_MAX);
	n = rte_pktmbuf_alloc(m->pool);
	if (!n)
		return NULL;
	ip = (struct rte_ipv4_hdr *)l2_put(n, m, v, RTE_ETHER_TYPE_IPV4,
					   (uint16_t)(sizeof(*ip) + sizeof(*ic) + quote));
	if (!ip) {
		rte_pktmbuf_free(n);
		return NULL;
	}
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0xc0;	/* internetwork control, as routers send it */
	ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*ic) + quote));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_ICMP;
	if (u->v4.valid)
		memcpy(&ip->src_addr, u->v4.src, 4);
	else
		/* 192.0.0.8 (RFC 7600); not RTE_IPV4(), whose 192 << 24 overflows an int. */
		ip->src_addr = rte_cpu_to_be_32(UINT32_C(0xc0000008));
	ip->dst_addr = in.src_addr;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	ic = (struct rte_icmp_hdr *)(ip + 1);
	ic->icmp_type = 3;	/* destination unreachable */
	ic->icmp_code = 4;	/* fragmentation needed and DF set */
	ic->icmp_cksum = 0;
	ic->icmp_ident = 0;	/* unused */
	ic->icmp_seq_nb = rte_cpu_to_be_16(mtu);	/* next-hop MTU, RFC 1191 */
	copy_out(m, l2_len, quote, ic + 1);
	ic->icmp_cksum = (uint16_t)~rte_raw_cksum(ic, sizeof(*ic) + quote);
	return n;
}

static struct rte_mbuf *icmp6(const struct rte_mbuf *m, uint8_t l2_len, uint16_t mtu,
			      const struct dp_vrf *v, const struct dp_underlay *u)
{
	struct rte_ipv6_hdr in, *ip6;
	uint32_t quote, avail = rte_pktmbuf_pkt_len(m) - l2_len;
	struct rte_mbuf *n;
	uint8_t *ic;

	copy_out(m, l2_len, sizeof(in), &in);
	quote = RTE_MIN((uint32_t)sizeof(in) + rte_be_to_cpu_16(in.payload_len), avail);
	quote = RTE_MIN(quote, (uint32_t)IP6_QUOTE_MAX);
	n = rte_pktmbuf_alloc(m->pool);
	if (!n)
		return NULL;
	ip6 = (struct rte_ipv6_hdr *)l2_put(n, m, v, RTE_ETHER_TYPE_IPV6,
					    (uint16_t)(sizeof(*ip6) + 8 + quote));
	if (!ip6) {
		rte_pktmbuf_free(n);
		return NULL;
	}
	ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip6->payload_len = rte_cpu_to_be_16((uint16_t)(8 + quote));
	ip6->proto = ICMP6_PROTO;
	ip6->hop_limits = 64;
	if (u->v6.valid) {
		memcpy(ip6->src_addr, u->v6.src, 16);
	} else {
		/* fe80::/64 with the EID port's modified EUI-64. */
		const uint8_t *mac = v->l2_hdr + RTE_ETHER_ADDR_LEN;

		memset(ip6->src_addr, 0, 16);
		ip6->src_addr[0] = 0xfe;
		ip6->src_addr[1] = 0x80;
		ip6->src_addr[8] = mac[0] ^ 0x02;
		ip6->src_addr[9] = mac[1];
		ip6->src_addr[10] = mac[2];
		ip6->src_addr[11] = 0xff;
		ip6->src_addr[12] = 0xfe;
		ip6->src_addr[13] = mac[3];
		ip6->src_addr[14] = mac[4];
		ip6->src_addr[15] = mac[5];
	}
	memcpy(ip6->dst_addr, in.src_addr, 16);
	ic = (uint8_t *)(ip6 + 1);
	ic[0] = ICMP6_PTB;
	ic[1] = 0;
	ic[2] = ic[3] = 0;
	ic[4] = ic[5] = 0;
	ic[6] = (uint8_t)(mtu >> 8);
	ic[7] = (uint8_t)mtu;
	copy_out(m, l2_len, quote, ic + 8);
	{
		uint16_t ck = rte_ipv6_udptcp_cksum(ip6, ic);	/* any L4: proto is 58 */

		memcpy(ic + 2, &ck, 2);
	}
	return n;
}

struct rte_mbuf *dp_too_big_icmp(const struct rte_mbuf *m, uint8_t l2_len, int is_ip4,
				 uint16_t mtu, const struct dp_vrf *v,
				 const struct dp_underlay *u)
{
	return is_ip4 ? icmp4(m, l2_len, mtu, v, u) : icmp6(m, l2_len, mtu, v, u);
}

unsigned int dp_too_big_frag4(const struct rte_mbuf *m, uint8_t l2_len, uint16_t mtu,
			      struct rte_mbuf **frags, unsigned int max)
{
	struct rte_ipv4_hdr in;
	uint32_t ihl, total, payload, chunk, room, nfrag;
	uint16_t off0, mf0;

	copy_out(m, l2_len, sizeof(in), &in);
	ihl = (uint32_t)(in.version_ihl & 0xf) * 4;
	total = rte_be_to_cpu_16(in.total_length);
	if (total <= ihl || total > rte_pktmbuf_pkt_len(m) - l2_len)
		return 0;
	payload = total - ihl;
	/* What fits the MTU and one mbuf, in eighths (RFC 791). */
	room = rte_pktmbuf_data_room_size(m->pool) - RTE_PKTMBUF_HEADROOM;
	chunk = RTE_MIN((uint32_t)mtu, room - l2_len);
	chunk = chunk > ihl ? (chunk - ihl) & ~7u : 0;
	if (chunk == 0)
		return 0;
	nfrag = (payload + chunk - 1) / chunk;
	if (nfrag > max)
		return 0;
	off0 = rte_be_to_cpu_16(in.fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK;
	mf0 = rte_be_to_cpu_16(in.fragment_offset) & RTE_IPV4_HDR_MF_FLAG;
	for (uint32_t k = 0; k < nfrag; k++) {
		uint32_t len = RTE_MIN(chunk, payload - k * chunk);
		struct rte_mbuf *f = rte_pktmbuf_alloc(m->pool);
		uint8_t *h = f ? (uint8_t *)rte_pktmbuf_append(f, (uint16_t)(l2_len + ihl + len))
			       : NULL;
		struct rte_ipv4_hdr *ip;
		bool last = k + 1 == nfrag;

		if (!h) {
			rte_pktmbuf_free(f);
			rte_pktmbuf_free_bulk(frags, k);
			return 0;
		}
		copy_out(m, 0, l2_len + ihl, h);
		copy_out(m, l2_len + ihl + k * chunk, len, h + l2_len + ihl);
		ip = (struct rte_ipv4_hdr *)(h + l2_len);
		ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl + len));
		ip->fragment_offset = rte_cpu_to_be_16(
			(uint16_t)((off0 + k * chunk / 8) | (last ? mf0 : RTE_IPV4_HDR_MF_FLAG)));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		f->port = m->port;
		frags[k] = f;
	}
	return nfrag;
}
