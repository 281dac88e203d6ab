/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/decap.c on frames built byte by byte: each encapsulation
 * delivered to its Instance-ID's EID port (VLAN, Ethernet type), the TTL
 * (RFC 9300 5.3) and ECN (RFC 6040) rules, outer padding trimmed, one test
 * per header and policy drop reason, and decap(encap(x)) == x for the
 * three encapsulations and the four family pairs.
 */
#include <errno.h>

#include "encap_fixture.h"
#include "fastpath.h"

/* Outer Ethernet + IPv4 or IPv6 + UDP + 8-byte tunnel header + payload. */
static size_t rloc_frame(uint8_t *f, const char *src, const char *dst, uint16_t dport,
			 const uint8_t tun[8], const uint8_t *payload, size_t plen, uint8_t ttl,
			 uint8_t tos)
{
	bool v6 = strchr(dst, ':') != NULL;
	size_t l2 = t_eth(f, rloc_mac, nh_mac, 0, v6 ? 0x86dd : 0x0800), l3 = v6 ? 40 : 20;
	uint8_t *ip = f + l2, *udp = ip + l3;
	size_t ulen = 8 + 8 + plen;

	memset(ip, 0, l3 + 8);
	if (v6) {
		ip[0] = (uint8_t)(0x60 | tos >> 4);
		ip[1] = (uint8_t)(tos << 4);
		t_put16(ip + 4, (uint16_t)ulen);
		ip[6] = 17;
		ip[7] = ttl;
		inet_pton(AF_INET6, src, ip + 8);
		inet_pton(AF_INET6, dst, ip + 24);
	} else {
		ip[0] = 0x45;
		ip[1] = tos;
		t_put16(ip + 2, (uint16_t)(20 + ulen));
		ip[8] = ttl;
		ip[9] = 17;
		inet_pton(AF_INET, src, ip + 12);
		inet_pton(AF_INET, dst, ip + 16);
		t_put16(ip + 10, t_csum(ip, 20, 0));
	}
	t_put16(udp, 50000);
	t_put16(udp + 2, dport);
	t_put16(udp + 4, (uint16_t)ulen);
	memcpy(udp + 8, tun, 8);
	memcpy(udp + 16, payload, plen);
	return l2 + l3 + ulen;
}

static const uint8_t lisp100[8] = { 0x88, 0x12, 0x34, 0x56, 0, 0, 100, 0 };
static const uint8_t vxlan200[8] = { 0x08, 0, 0, 0, 0, 0, 200, 0 };
static const uint8_t gpe300_v6[8] = { 0x0c, 0, 0, 2, 0, 1, 0x2c, 0 };

static void expect_delivered(const struct rte_mbuf *m, uint16_t vlan, uint16_t type,
			     const uint8_t *inner, size_t ilen)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t l2 = vlan ? 18 : 14;

	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), l2 + ilen);
	ck_assert_bytes_eq(d, 6, host_mac, 6);
	ck_assert_bytes_eq(d + 6, 6, gw_mac, 6);
	if (vlan) {
		ck_assert_uint_eq(t_get16(d + 12), 0x8100);
		ck_assert_uint_eq(t_get16(d + 14), vlan);
	}
	ck_assert_uint_eq(t_get16(d + l2 - 2), type);
	ck_assert_bytes_eq(d + l2, ilen, inner, ilen);
}

START_TEST(decap_each_encapsulation)
{
	uint8_t f[512], inner[256], eth[256];
	size_t ilen, len;
	struct rte_mbuf *m;
	uint16_t port;

	/* LISP, IPv4 outer, IPv4 inner. */
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	m = decap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(port, 0);
	expect_delivered(m, 0, 0x0800, inner, ilen);
	rte_pktmbuf_free(m);
	/* LISP over IPv6, IPv6 inner. */
	ilen = t_ip6_udp(inner, "2001:db8:2::5", "2001:db8:1::1", 80, 1000, 30, 0, 20);
	len = rloc_frame(f, "2001:db8::2", "2001:db8::1", 4341, lisp100, inner, ilen, 64, 0);
	m = decap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	expect_delivered(m, 0, 0x86dd, inner, ilen);
	rte_pktmbuf_free(m);
	/* VXLAN: the inner Ethernet header is replaced by the VRF's, with its
	 * VLAN tag. */
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20);
	t_eth(eth, gw_mac, host_mac, 0, 0x0800);
	memcpy(eth + 14, inner, ilen);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4789, vxlan200, eth, 14 + ilen, 64, 0);
	m = decap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	expect_delivered(m, 20, 0x0800, inner, ilen);
	rte_pktmbuf_free(m);
	/* VXLAN-GPE, IPv6 inner. */
	ilen = t_ip6_udp(inner, "2001:db8:2::5", "2001:db8:1::1", 80, 1000, 30, 0, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4790, gpe300_v6, inner, ilen, 64, 0);
	m = decap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	expect_delivered(m, 30, 0x86dd, inner, ilen);
	rte_pktmbuf_free(m);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DECAP_LISP], 2);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DECAP_VXLAN], 1);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DECAP_GPE], 1);
}
END_TEST

START_TEST(decap_ttl_and_ecn)
{
	uint8_t f[512], inner[256];
	size_t ilen, len;
	struct rte_mbuf *m;
	const uint8_t *d;
	uint16_t port;

	/* RFC 9300 5.3: the smaller outer TTL wins; the checksum follows. */
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 64, 0x02, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 5, 0x03);
	m = decap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *) + 14;
	ck_assert_uint_eq(d[8], 5);
	ck_assert_uint_eq(d[1], 0x03);		/* RFC 6040: CE copied onto ECT */
	ck_assert_uint_eq(t_csum(d, 20, 0), 0);
	rte_pktmbuf_free(m);
	ilen = t_ip6_udp(inner, "2001:db8:2::5", "2001:db8:1::1", 80, 1000, 64, 0x01, 20);
	len = rloc_frame(f, "2001:db8::2", "2001:db8::1", 4341, lisp100, inner, ilen, 7, 0x03);
	m = decap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *) + 14;
	ck_assert_uint_eq(d[7], 7);
	ck_assert_uint_eq((t_get32(d) >> 20) & 3, 3);
	rte_pktmbuf_free(m);
	/* Outer CE on a Not-ECT inner packet: drop (RFC 6040 section 4.2). */
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 64, 0, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0x03);
	expect_drop(f, len, true, DP_CTR_DROP_ECN);
}
END_TEST

START_TEST(decap_trims_outer_padding)
{
	uint8_t f[512] = { 0 }, inner[64];
	size_t ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 0);
	size_t len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	struct rte_mbuf *m;
	uint16_t port;

	m = decap1(f, len + 7, &port);
	ck_assert_ptr_nonnull(m);
	expect_delivered(m, 0, 0x0800, inner, ilen);
	rte_pktmbuf_free(m);
}
END_TEST

/* Each tunnel-header reason of common/dp_hdr.h has its counter. */
START_TEST(decap_header_drops)
{
	static const struct {
		uint16_t port;
		uint8_t tun[8];
		enum dp_ctr why;
	} cases[] = {
		{ 4341, { 0x8c, 0, 0, 0, 0, 0, 100, 0 }, DP_CTR_HDR_LISP_RSVD_FLAG },
		{ 4341, { 0x89, 0, 0, 0, 0, 0, 100, 0 }, DP_CTR_HDR_LISP_KEY_ID },
		{ 4341, { 0x98, 0, 0, 0, 0, 0, 100, 0 }, DP_CTR_HDR_LISP_N_AND_V },
		{ 4341, { 0x28, 0, 0, 0, 0, 0, 100, 0 }, DP_CTR_HDR_LISP_E_WITHOUT_N },
		{ 4789, { 0x00, 0, 0, 0, 0, 0, 200, 0 }, DP_CTR_HDR_VXLAN_NO_I },
		{ 4789, { 0x0c, 0, 0, 0, 0, 0, 200, 0 }, DP_CTR_HDR_VXLAN_RSVD_FLAG },
		{ 4789, { 0x08, 0, 0, 0, 0, 0, 200, 1 }, DP_CTR_HDR_VXLAN_RSVD_FIELD },
		{ 4790, { 0x2c, 0, 0, 1, 0, 1, 0x2c, 0 }, DP_CTR_HDR_GPE_VERSION },
		{ 4790, { 0x08, 0, 0, 1, 0, 1, 0x2c, 0 }, DP_CTR_HDR_GPE_NO_P },
		{ 4790, { 0x0c, 0, 0, 9, 0, 1, 0x2c, 0 }, DP_CTR_HDR_GPE_NEXT_PROTO },
		/* NSH: not ours */
		{ 4790, { 0x0c, 0, 0, 4, 0, 1, 0x2c, 0 }, DP_CTR_DROP_INNER_NOT_IP },
	};
	uint8_t f[512], inner[256];
	size_t ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = rloc_frame(f, "192.0.2.2", "192.0.2.1", cases[i].port, cases[i].tun,
					inner, ilen, 64, 0);

		expect_drop(f, len, true, cases[i].why);
	}
	/* A UDP payload shorter than the tunnel header. */
	{
		size_t len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, 0, 64,
					0);

		t_put16(f + 14 + 2, 20 + 8 + 4);
		t_put16(f + 14 + 10, 0);
		t_put16(f + 14 + 10, t_csum(f + 14, 20, 0));
		t_put16(f + 14 + 20 + 4, 8 + 4);
		expect_drop(f, len - 4, true, DP_CTR_HDR_TRUNCATED);
	}
}
END_TEST

START_TEST(decap_drops)
{
	static const uint8_t lisp999[8] = { 0x88, 0, 0, 1, 0, 0x03, 0xe7, 0 };
	static const uint8_t lisp400[8] = { 0x88, 0, 0, 1, 0, 0x01, 0x90, 0 };
	uint8_t f[2048], inner[2048], eth[256];
	size_t ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20), len;

	len = rloc_frame(f, "192.0.2.2", "192.0.2.99", 4341, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_NOT_OUR_RLOC);
	len = rloc_frame(f, "2001:db8::2", "2001:db8::99", 4341, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_NOT_OUR_RLOC);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 53, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_NOT_TUNNEL);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	f[14 + 9] = 6;		/* TCP */
	expect_drop(f, len, true, DP_CTR_DROP_NOT_TUNNEL);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	f[14 + 6] = 0x20;	/* MF */
	expect_drop(f, len, true, DP_CTR_DROP_OUTER_FRAGMENT);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp999, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_UNKNOWN_IID);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp400, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_NO_EID_PORT);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len - 1, true, DP_CTR_DROP_OUTER_TRUNCATED);
	f[12] = 0x08;
	f[13] = 0x06;
	expect_punt(f, len, true, DP_CTR_PUNT_ARP);
	f[12] = 0x88;
	f[13] = 0xcc;
	expect_drop(f, len, true, DP_CTR_DROP_OUTER_NOT_IP);
	inner[0] = 0x55;	/* neither 4 nor 6 */
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_INNER_NOT_IP);
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20);
	t_put16(inner + 2, (uint16_t)(ilen + 1));	/* longer than what came */
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_INNER_TRUNCATED);
	/* VXLAN carrying ARP. */
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20);
	t_eth(eth, gw_mac, host_mac, 0, 0x0806);
	memcpy(eth + 14, inner, ilen);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4789, vxlan200, eth, 14 + ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_INNER_NOT_IP);
	/* Larger than the EID side's MTU (1500). */
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 1501 - 28);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	expect_drop(f, len, true, DP_CTR_DROP_MTU);
}
END_TEST

/* decap(encap(x)) == x, for the three encapsulations and four family
 * pairs, when the far RLOC is ours too. */
START_TEST(round_trip)
{
	static const struct {
		uint16_t vlan;
		const char *src, *dst;
	} cases[] = {
		{ 0, "10.1.0.1", "10.2.0.5" },		{ 0, "10.1.0.1", "10.6.0.5" },
		{ 0, "2001:db8:1::1", "2001:db8:2::5" }, { 0, "2001:db8:1::1", "2001:db8:4::5" },
		{ 20, "10.1.0.1", "10.2.0.5" },		{ 20, "10.1.0.1", "10.6.0.5" },
		{ 20, "2001:db8:1::1", "2001:db8:2::5" }, { 20, "2001:db8:1::1", "2001:db8:4::5" },
		{ 30, "10.1.0.1", "10.2.0.5" },		{ 30, "10.1.0.1", "10.6.0.5" },
		{ 30, "2001:db8:1::1", "2001:db8:2::5" }, { 30, "2001:db8:1::1", "2001:db8:4::5" },
	};
	struct dp_underlay u = t->underlay;

	inet_pton(AF_INET, "192.0.2.2", &u.local4[u.n_local4++]);
	inet_pton(AF_INET, "192.0.2.4", &u.local4[u.n_local4++]);
	inet_pton(AF_INET6, "2001:db8::2", u.local6[u.n_local6++]);
	inet_pton(AF_INET6, "2001:db8::6", u.local6[u.n_local6++]);
	t->underlay = u;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t f[256];
		size_t l2, len = eid_frame(f, cases[i].vlan, cases[i].src, cases[i].dst,
					   (uint16_t)i, 40, &l2);
		uint16_t port;
		struct rte_mbuf *m = encap1(f, len, &port), *out[1];

		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(dp_decap_burst(&w, NULL, &m, 1, out, &port), 1);
		expect_delivered(out[0], cases[i].vlan, t_get16(f + l2 - 2), f + l2, len - l2);
		rte_pktmbuf_free(out[0]);
	}
}
END_TEST

/*
 * A full burst through the pipeline: outer IPv4 and IPv6 interleaved,
 * drops between deliveries, and a VRF without a static peer whose hosts'
 * MACs come from one bulk lookup: a known host gets its own MAC, an
 * unknown one goes to the control thread (still counted decapsulated).
 * Packets leave in the burst's order, whatever their outer family.
 */
START_TEST(decap_burst_mixed)
{
	static const uint8_t lisp500[8] = { 0x88, 0, 0, 1, 0, 0x01, 0xf4, 0 };
	static const uint8_t known_mac[6] = { 2, 0, 0, 0, 0, 0x55 };
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = false };
	struct rte_mbuf *in[DP_BURST], *out[DP_BURST], *m;
	uint16_t port[DP_BURST], nout;
	struct dp_ip known = ip("10.5.0.7");
	uint64_t lisp0 = w.ctr.c[DP_CTR_DECAP_LISP];
	unsigned int punted = 0, dropped = 0, next = 0;
	uint8_t f[512], inner[256];

	memcpy(att.src_mac, gw_mac, 6);
	memcpy(att.dst_mac, host_mac, 6);
	ck_assert_int_eq(dp_tables_vrf_add(t, 500, DP_ENCAP_LISP, &att), 0);
	ck_assert_int_eq(dp_tables_host_set(t, 500, &known, known_mac), 0);
	for (unsigned int i = 0; i < DP_BURST; i++) {
		bool v6 = i % 2, drop = i % 7 == 3, dyn = i % 4 == 0, hit = i % 8 == 0;
		char dst[32];
		size_t ilen, len;

		/* The inner sport says which packet it was. */
		snprintf(dst, sizeof(dst), "10.%u.0.%u", dyn ? 5 : 1, hit ? 7 : 9);
		ilen = t_ip4_udp(inner, "10.2.0.5", dst, (uint16_t)(1000 + i), 80, 30, 0, 20);
		len = rloc_frame(f, v6 ? "2001:db8::2" : "192.0.2.2",
				 drop ? (v6 ? "2001:db8::99" : "192.0.2.99") :
					(v6 ? "2001:db8::1" : "192.0.2.1"),
				 4341, dyn ? lisp500 : lisp100, inner, ilen, 64, 0);
		in[i] = t_mbuf(pool, f, len);
		ck_assert_ptr_nonnull(in[i]);
		if (drop)
			dropped++;
		else if (dyn && !hit)
			punted++;
	}
	nout = dp_decap_burst(&w, NULL, in, DP_BURST, out, port);
	ck_assert_uint_eq(nout, DP_BURST - dropped - punted);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_NOT_OUR_RLOC], dropped);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_PUNT_UNRESOLVED], punted);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DECAP_LISP] - lisp0, DP_BURST - dropped);
	for (uint16_t k = 0; k < nout; k++) {
		const uint8_t *d = rte_pktmbuf_mtod(out[k], const uint8_t *);
		unsigned int i = t_get16(d + 14 + 20) - 1000u;

		/* In the burst's order, whatever the outer family. */
		ck_assert_uint_ge(i, next);
		next = i + 1;
		ck_assert_uint_eq(port[k], 0);
		ck_assert_bytes_eq(d, 6, i % 4 == 0 ? known_mac : host_mac, 6);
		ck_assert_bytes_eq(d + 6, 6, gw_mac, 6);
		rte_pktmbuf_free(out[k]);
	}
	for (unsigned int k = 0; k < punted; k++) {
		ck_assert_int_eq(rte_ring_dequeue(punt_ring, (void **)&m), 0);
		ck_assert_uint_eq(DP_PUNT_KIND(m), DP_CTR_PUNT_UNRESOLVED);
		ck_assert_uint_eq(DP_PUNT_IID(m), 500);
		rte_pktmbuf_free(m);
	}
	ck_assert_uint_eq(rte_ring_count(punt_ring), 0);
}
END_TEST

/* What decapsulating one frame did: delivered (its bytes and port) or
 * punted, and every counter's change. */
struct decap_outcome {
	uint64_t ctr[DP_CTR_COUNT];
	uint8_t out[512];
	uint32_t out_len;
	int port;		/* -1: not delivered */
	int punt;		/* the punt's kind, -1: none */
};

static void decap_once(const uint8_t *f, size_t len, struct decap_outcome *r)
{
	struct rte_mbuf *m = t_mbuf(pool, f, len), *out[1], *p;
	struct dp_counters before = w.ctr;
	uint16_t op[1];

	ck_assert_ptr_nonnull(m);
	r->port = -1;
	r->punt = -1;
	r->out_len = 0;
	if (dp_decap_burst(&w, NULL, &m, 1, out, op) == 1) {
		r->port = op[0];
		r->out_len = rte_pktmbuf_pkt_len(out[0]);
		ck_assert_uint_le(r->out_len, sizeof(r->out));
		memcpy(r->out, rte_pktmbuf_mtod(out[0], const void *), r->out_len);
		rte_pktmbuf_free(out[0]);
	}
	if (rte_ring_dequeue(punt_ring, (void **)&p) == 0) {
		r->punt = DP_PUNT_KIND(p);
		rte_pktmbuf_free(p);
	}
	for (unsigned int k = 0; k < DP_CTR_COUNT; k++)
		r->ctr[k] = w.ctr.c[k] - before.c[k];
}

/* Frame f decapsulated by the usual check and by the long way (the traced
 * instance never takes the first), then each byte of its outer and inner
 * headers changed five ways, each length it can be cut to, and padded:
 * every variant decided alike.  Counts the verdicts in *n (delivered,
 * punted, refused). */
static void usual_vs_long(const uint8_t *f, size_t len, unsigned int n[3])
{
	static const uint8_t flips[] = { 0x01, 0x08, 0x20, 0x80, 0xff };
	static struct decap_outcome fast, slow;
	const size_t nflip = 70 * sizeof(flips);
	uint8_t g[512];

	for (size_t v = 0; v < nflip + len + 2; v++) {
		size_t glen = len;

		memcpy(g, f, len);
		if (v < nflip)
			g[v / sizeof(flips)] ^= flips[v % sizeof(flips)];
		else if (v < nflip + len)
			glen = v - nflip;			/* cut short */
		else
			memset(g + len, 0, glen = len + 6);	/* padded */
		w.fp &= ~DP_FP_TRACE;
		decap_once(g, glen, &fast);
		w.fp |= DP_FP_TRACE;
		decap_once(g, glen, &slow);
		w.fp &= ~DP_FP_TRACE;
		ck_assert_msg(fast.port == slow.port && fast.punt == slow.punt &&
			      fast.out_len == slow.out_len &&
			      memcmp(fast.out, slow.out, fast.out_len) == 0 &&
			      memcmp(fast.ctr, slow.ctr, sizeof(fast.ctr)) == 0,
			      "variant %zu (length %zu): the usual check and the long way differ",
			      v, glen);
		n[fast.port >= 0 ? 0 : fast.punt >= 0 ? 1 : 2]++;
	}
}

/*
 * decap.c checks the usual packet (LISP, IPv4 in IPv4) a word at a time
 * and leaves everything else to the long way: both decide every packet
 * alike, in the instance of static peers and in the one that looks hosts
 * up (a known host, an unknown one: punted).
 */
START_TEST(decap_usual_same_as_long_way)
{
	static const uint8_t lisp500[8] = { 0x88, 0, 0, 1, 0, 0x01, 0xf4, 0 };
	static const uint8_t known_mac[6] = { 2, 0, 0, 0, 0, 0x55 };
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = false };
	struct dp_ip known = ip("10.5.0.7");
	unsigned int st[3] = { 0 }, ho[3] = { 0 };
	uint8_t f[512], inner[256];
	size_t ilen, len;

	ilen = t_ip4_udp(inner, "10.2.0.5", "10.1.0.1", 80, 1000, 30, 0, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp100, inner, ilen, 64, 0);
	usual_vs_long(f, len, st);
	/* Delivered (TTL 0x01, the nonce, padding) and refused both came up. */
	ck_assert_uint_gt(st[0], 50);
	ck_assert_uint_gt(st[2], 100);

	memcpy(att.src_mac, gw_mac, 6);
	memcpy(att.dst_mac, host_mac, 6);
	ck_assert_int_eq(dp_tables_vrf_add(t, 500, DP_ENCAP_LISP, &att), 0);
	ck_assert_int_eq(dp_tables_host_set(t, 500, &known, known_mac), 0);
	ck_assert_uint_ne(dp_fp_flags(&w) & DP_FP_HOSTS, 0);
	usual_vs_long(f, len, ho);
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.5.0.7", 80, 1000, 30, 0, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp500, inner, ilen, 64, 0);
	usual_vs_long(f, len, ho);
	ilen = t_ip4_udp(inner, "10.2.0.5", "10.5.0.9", 80, 1000, 30, 0, 20);
	len = rloc_frame(f, "192.0.2.2", "192.0.2.1", 4341, lisp500, inner, ilen, 64, 0);
	usual_vs_long(f, len, ho);
	ck_assert_uint_gt(ho[0], 100);
	ck_assert_uint_gt(ho[1], 50);
	ck_assert_uint_gt(ho[2], 300);
}
END_TEST

/* The instance follows what the tables need (fastpath.h): nothing in the
 * fixture but its IPv6 underlay (static peers, no database, no inner-MAC
 * resolution); each reason sets its flag; the worker's flow table and
 * trace add theirs.  An IPv4-only underlay without offloads gets the
 * instance whose outer header is IPv4 with a software checksum. */
START_TEST(fastpath_flags)
{
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.1.0.0"), .plen = 16, .local = true };
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = false };
	struct dp_underlay u = t->underlay;
	const unsigned int ul = DP_FP_UNDERLAY;
	uint8_t f[256];
	size_t l2, len;
	struct rte_mbuf *m;
	uint16_t port;

	ck_assert_uint_eq(dp_fp_flags(&w), ul);
	t->fp = 0;
	u.v6.valid = false;
	dp_tables_underlay_set(t, &u);
	ck_assert_uint_eq(dp_fp_flags(&w), 0);
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(t_get16(rte_pktmbuf_mtod(m, const uint8_t *) + 12), 0x0800);
	ck_assert_uint_eq(t_csum(rte_pktmbuf_mtod(m, const uint8_t *) + 14, 20, 0), 0);
	rte_pktmbuf_free(m);
	u.v4.ip4_cksum_offload = true;
	dp_tables_underlay_set(t, &u);
	ck_assert_uint_eq(dp_fp_flags(&w), ul);
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	ck_assert_uint_eq(dp_fp_flags(&w), ul | DP_FP_SRC_CHECK);
	ck_assert_int_eq(dp_tables_vrf_inner_mac(t, 200, true), 0);
	ck_assert_uint_eq(dp_fp_flags(&w), ul | DP_FP_SRC_CHECK | DP_FP_MAC_RESOLVE);
	ck_assert_int_eq(dp_tables_vrf_add(t, 500, DP_ENCAP_LISP, &att), 0);
	ck_assert_uint_eq(dp_fp_flags(&w), ul | DP_FP_SRC_CHECK | DP_FP_MAC_RESOLVE | DP_FP_HOSTS);
	w.flows = dp_flows_create(64, 1000, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(w.flows);
	ck_assert_uint_eq(dp_fp_flags(&w), DP_FP_ALL & ~DP_FP_TRACE);
	dp_flows_free(w.flows);
	w.flows = NULL;
	/* A PITR never checks sources: no flag from its database. */
	dp_tables_reader_unregister(t, 0);
	dp_tables_free(t);
	setup();
	t->p.pitr = true;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	ck_assert_uint_eq(dp_fp_flags(&w), ul);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_decap");
	TCase *td = tcase_create("decap");

	(void)argc;
	if (encap_fixture_init(argv[0]) < 0)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, decap_each_encapsulation);
	tcase_add_test(td, decap_ttl_and_ecn);
	tcase_add_test(td, decap_trims_outer_padding);
	tcase_add_test(td, decap_header_drops);
	tcase_add_test(td, decap_drops);
	tcase_add_test(td, round_trip);
	tcase_add_test(td, decap_burst_mixed);
	tcase_add_test(td, decap_usual_same_as_long_way);
	tcase_add_test(td, fastpath_flags);
	suite_add_tcase(s, td);
	return dp_test_run(s);
}
