/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/encap.c on mbufs built byte by byte: every outer field against
 * RFC 9300 / RFC 7348 / VXLAN-GPE, the inner packet byte-identical,
 * flow-stable UDP source ports and fresh nonces, the ITR's policies (drops,
 * too big, source EID, PETR, resolving entries, flow affinity, locator
 * status bits), mixed bursts, and the counter names.
 */
#include <errno.h>

#include "encap_fixture.h"

START_TEST(lisp_ip4_over_ip4)
{
	uint8_t f[256];
	size_t l2, len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	size_t ilen = len - l2;
	struct rte_mbuf *m;
	const uint8_t *d;
	uint16_t port, sport;

	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(port, 1);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 50 + ilen);
	ck_assert_bytes_eq(d, 6, nh_mac, 6);
	ck_assert_bytes_eq(d + 6, 6, rloc_mac, 6);
	ck_assert_uint_eq(t_get16(d + 12), 0x0800);
	ck_assert_uint_eq(d[14], 0x45);
	ck_assert_uint_eq(d[15], 0xb9);			/* DSCP and ECN copied */
	ck_assert_uint_eq(t_get16(d + 16), 36 + ilen);
	ck_assert_uint_eq(t_get16(d + 20), 0x4000);	/* DF */
	ck_assert_uint_eq(d[22], 33);			/* TTL copied */
	ck_assert_uint_eq(d[23], 17);
	ck_assert_uint_eq(t_csum(d + 14, 20, 0), 0);
	ck_assert_uint_eq(t_get32(d + 26), 0xc0000201);
	ck_assert_uint_eq(t_get32(d + 30), 0xc0000202);
	sport = t_get16(d + 34);
	ck_assert_uint_ge(sport, 49152);
	ck_assert_uint_eq(t_get16(d + 36), 4341);
	ck_assert_uint_eq(t_get16(d + 38), 16 + ilen);
	ck_assert_uint_eq(t_get16(d + 40), 0);		/* RFC 9300: zero */
	ck_assert_uint_eq(d[42], 0x88);			/* N|I */
	ck_assert_uint_eq(t_get32(d + 46), 100u << 8);
	ck_assert_bytes_eq(d + 50, ilen, f + l2, ilen);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_ENCAP_LISP], 1);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(flow_stable_source_ports_and_fresh_nonces)
{
	uint8_t f[256];
	size_t l2, len;
	uint16_t port, sports[32], first = 0;
	uint32_t nonce[2];
	unsigned int distinct = 0;

	for (int i = 0; i < 32; i++) {
		struct rte_mbuf *m;

		len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", (uint16_t)(1000 + i), 20, &l2);
		m = encap1(f, len, &port);
		ck_assert_ptr_nonnull(m);
		sports[i] = t_get16(rte_pktmbuf_mtod(m, const uint8_t *) + 34);
		rte_pktmbuf_free(m);
	}
	for (int i = 0; i < 32; i++) {
		bool seen = false;

		for (int j = 0; j < i; j++)
			seen |= sports[j] == sports[i];
		distinct += !seen;
	}
	ck_assert_uint_ge(distinct, 28);
	/* The same flow twice: the same port, another nonce. */
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 4242, 20, &l2);
	for (int k = 0; k < 2; k++) {
		struct rte_mbuf *m = encap1(f, len, &port);
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

		if (k == 0)
			first = t_get16(d + 34);
		else
			ck_assert_uint_eq(t_get16(d + 34), first);
		nonce[k] = t_get32(d + 42) & 0xffffff;
		rte_pktmbuf_free(m);
	}
	ck_assert_uint_ne(nonce[0], nonce[1]);
}
END_TEST

START_TEST(lisp_ip6_over_ip6_and_cross_families)
{
	uint8_t f[256];
	size_t l2, len, ilen;
	struct rte_mbuf *m;
	const uint8_t *d;
	uint16_t port;

	len = eid_frame(f, 0, "2001:db8:1::1", "2001:db8:2::5", 1000, 30, &l2);
	ilen = len - l2;
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 70 + ilen);
	ck_assert_uint_eq(t_get16(d + 12), 0x86dd);
	ck_assert_uint_eq(d[14] >> 4, 6);
	ck_assert_uint_eq((t_get32(d + 14) >> 20) & 0xff, 0xb8);	/* traffic class */
	ck_assert_uint_eq(t_get16(d + 18), 16 + ilen);
	ck_assert_uint_eq(d[20], 17);
	ck_assert_uint_eq(d[21], 44);					/* hop limit */
	ck_assert_uint_eq(t_get16(d + 56), 4341);
	ck_assert_uint_eq(t_get16(d + 60), 0);				/* LISP: zero */
	ck_assert_uint_eq(d[62], 0x88);
	ck_assert_bytes_eq(d + 70, ilen, f + l2, ilen);
	rte_pktmbuf_free(m);

	/* IPv4 EIDs over an IPv6 RLOC, IPv6 EIDs over an IPv4 RLOC. */
	len = eid_frame(f, 0, "10.1.0.1", "10.6.0.1", 1000, 10, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(t_get16(d + 12), 0x86dd);
	ck_assert_uint_eq(d[21], 33);
	ck_assert_bytes_eq(d + 70, len - l2, f + l2, len - l2);
	rte_pktmbuf_free(m);
	len = eid_frame(f, 0, "2001:db8:1::1", "2001:db8:4::1", 1000, 10, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(t_get16(d + 12), 0x0800);
	ck_assert_uint_eq(d[22], 44);
	ck_assert_uint_eq(t_csum(d + 14, 20, 0), 0);
	ck_assert_bytes_eq(d + 50, len - l2, f + l2, len - l2);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(vxlan_keeps_the_inner_frame_untagged)
{
	uint8_t f[256];
	size_t l2, len = eid_frame(f, 20, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	size_t ilen = len - l2;
	struct rte_mbuf *m;
	const uint8_t *d;
	uint16_t port;

	ck_assert_uint_eq(l2, 18);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 50 + 14 + ilen);
	ck_assert_uint_eq(t_get16(d + 16), 36 + 14 + ilen);
	ck_assert_uint_eq(t_csum(d + 14, 20, 0), 0);
	ck_assert_uint_eq(t_get16(d + 36), 4789);
	ck_assert_uint_eq(d[42], 0x08);
	ck_assert_uint_eq(t_get32(d + 46), 200u << 8);
	ck_assert_bytes_eq(d + 50, 12, f, 12);			/* MACs as received */
	ck_assert_uint_eq(t_get16(d + 62), 0x0800);		/* tag removed */
	ck_assert_bytes_eq(d + 64, ilen, f + l2, ilen);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_ENCAP_VXLAN], 1);
	rte_pktmbuf_free(m);

	/* Over IPv6 the UDP checksum is real (Linux wants one). */
	len = eid_frame(f, 20, "10.1.0.1", "10.6.0.5", 1000, 21, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_ne(t_get16(d + 60), 0);
	ck_assert(udp6_csum_ok(d + 14));
	ck_assert_bytes_eq(d + 84, len - l2, f + l2, len - l2);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(gpe_next_protocol)
{
	uint8_t f[256];
	size_t l2, len;
	struct rte_mbuf *m;
	const uint8_t *d;
	uint16_t port;

	len = eid_frame(f, 30, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(t_get16(d + 36), 4790);
	ck_assert_uint_eq(t_get32(d + 42), 0x0c000001);		/* I|P, IPv4 */
	ck_assert_uint_eq(t_get32(d + 46), 300u << 8);
	ck_assert_bytes_eq(d + 50, len - l2, f + l2, len - l2);
	rte_pktmbuf_free(m);
	len = eid_frame(f, 30, "2001:db8:1::1", "2001:db8:2::5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(t_get32(d + 62), 0x0c000002);		/* IPv6 */
	ck_assert(udp6_csum_ok(d + 14));
	ck_assert_bytes_eq(d + 70, len - l2, f + l2, len - l2);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(ethernet_padding_is_not_carried)
{
	uint8_t f[64] = { 0 };
	size_t l2, len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 0, &l2);
	struct rte_mbuf *m;
	uint16_t port;

	ck_assert_uint_eq(len, 42);
	m = encap1(f, 60, &port);	/* padded to the Ethernet minimum */
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), 50 + 28);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(encap_drops)
{
	uint8_t f[2048];
	size_t l2, len;

	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	f[12] = 0x08;
	f[13] = 0x06;	/* ARP: the control thread answers it */
	expect_punt(f, len, false, DP_CTR_PUNT_ARP);
	f[12] = 0x88;
	f[13] = 0xcc;	/* LLDP */
	expect_drop(f, len, false, DP_CTR_DROP_NOT_IP);
	/* ICMPv6 to a link-local or multicast address: neighbor discovery. */
	len = eid_frame(f, 0, "2001:db8:1::1", "ff02::1:ff00:1", 1000, 20, &l2);
	f[l2 + 6] = 58;
	expect_punt(f, len, false, DP_CTR_PUNT_ND);
	len = eid_frame(f, 0, "2001:db8:1::1", "fe80::1", 1000, 20, &l2);
	f[l2 + 6] = 58;
	expect_punt(f, len, false, DP_CTR_PUNT_ND);
	len = eid_frame(f, 0, "2001:db8:1::1", "ff02::16", 1000, 20, &l2);
	f[l2 + 6] = 0;	/* MLD: hop-by-hop options first */
	expect_punt(f, len, false, DP_CTR_PUNT_ND);
	/* ... but to a global address it is an EID's. */
	len = eid_frame(f, 0, "2001:db8:1::1", "2001:db8:9::1", 1000, 20, &l2);
	f[l2 + 6] = 58;
	expect_drop(f, len, false, DP_CTR_DROP_MISS);
	len = eid_frame(f, 99, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_NO_IID);
	len = eid_frame(f, 0, "10.1.0.1", "10.3.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_MISS);
	len = eid_frame(f, 0, "2001:db8:1::1", "2001:db8:9::5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_MISS);
	len = eid_frame(f, 0, "10.1.0.1", "10.7.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_NEG_DROP);
	len = eid_frame(f, 0, "10.1.0.1", "10.8.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_NEG_NATIVE);
	len = eid_frame(f, 0, "10.1.0.1", "10.9.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_NEG_MAP_REQUEST);
	len = eid_frame(f, 0, "10.1.0.1", "10.10.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_NO_RLOC);
	/* IP total length past the frame; version 5; IPv6 short. */
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	expect_drop(f, len - 1, false, DP_CTR_DROP_INNER_TRUNCATED);
	f[14] = 0x55;
	expect_drop(f, len, false, DP_CTR_DROP_INNER_TRUNCATED);
	len = eid_frame(f, 0, "2001:db8:1::1", "2001:db8:2::5", 1000, 20, &l2);
	expect_drop(f, 14 + 39, false, DP_CTR_DROP_INNER_TRUNCATED);
	/* 1464 + 36 = 1500 fits the RLOC MTU, 1465 does not. */
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 1464 - 28, &l2);
	{
		uint16_t port;
		struct rte_mbuf *m = encap1(f, len, &port);

		ck_assert_ptr_nonnull(m);
		rte_pktmbuf_free(m);
	}
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 1465 - 28, &l2);
	w.too_big = DP_CONFIG_TOO_BIG_DROP;
	expect_drop(f, len, false, DP_CTR_DROP_MTU);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_ICMP], 0);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_FRAGMENTED], 0);
}
END_TEST

/* itr.too-big icmp: DF clear is fragmented (two fragments, each
 * encapsulated and sent), DF set or IPv6 is dropped with an ICMP error
 * when the bucket has a token.  (No TX buffers here: what is sent is
 * freed; test_too_big.c checks the bytes, dp-too-big the wire.) */
START_TEST(too_big_policy)
{
	uint8_t f[2048];
	size_t l2, len;

	w.too_big = DP_CONFIG_TOO_BIG_ICMP;
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 1465 - 28, &l2);
	expect_drop(f, len, false, DP_CTR_TOO_BIG_FRAGMENTED);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_FRAGMENTS], 2);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_ENCAP_LISP], 2);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_MTU], 0);
	/* DF: no fragments; no token (icmp-rate 0): counted, no ICMP. */
	f[l2 + 6] = 0x40;
	expect_drop(f, len, false, DP_CTR_DROP_MTU);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_ICMP_LIMITED], 1);
	/* Two tokens: two ICMP errors, then the limit. */
	w.icmp_rate = 2;
	w.icmp_tokens = 2;
	w.icmp_last = rte_rdtsc();
	for (int i = 0; i < 3; i++)
		expect_drop(f, len, false, DP_CTR_DROP_MTU);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_ICMP], 2);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_ICMP_LIMITED], 2);
	/* IPv6 is never fragmented on the way: 1444 + 56 = 1500. */
	len = eid_frame(f, 0, "2001:db8:1::1", "2001:db8:2::5", 1000, 1445 - 48, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_MTU);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_TOO_BIG_FRAGMENTED], 1);
}
END_TEST

/* An xTR with a database encapsulates only for its own EIDs; a PITR for
 * any source. */
START_TEST(source_must_be_our_eid)
{
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.1.0.0"), .plen = 16, .local = true };
	uint8_t f[256];
	size_t l2, len;
	struct rte_mbuf *m;
	uint16_t port;

	/* No database entry yet: any source. */
	len = eid_frame(f, 0, "10.50.0.1", "10.2.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	rte_pktmbuf_free(m);
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	ck_assert_uint_eq(dp_tables_vrf(t, 100)->src_check, DP_SRC_CHECK_4);
	expect_drop(f, len, false, DP_CTR_DROP_SRC_NOT_EID);
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	rte_pktmbuf_free(m);
	/* IPv6 has no database entry: unchecked. */
	len = eid_frame(f, 0, "2001:db8:77::1", "2001:db8:2::5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	rte_pktmbuf_free(m);
	/* A spoofed source to a miss is no miss event either. */
	len = eid_frame(f, 0, "10.50.0.1", "10.3.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_SRC_NOT_EID);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_MISS], 0);
	/* The database entry gone: unchecked again. */
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &s.eid, 16), 0);
	ck_assert_uint_eq(dp_tables_vrf(t, 100)->src_check, 0);
	/* PITR: the entry changes nothing. */
	t->p.pitr = true;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	ck_assert_uint_eq(dp_tables_vrf(t, 100)->src_check, 0);
	len = eid_frame(f, 0, "10.50.0.1", "10.2.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	rte_pktmbuf_free(m);
}
END_TEST

/* native-forward with RLOCs: encapsulated to those Proxy-ETRs. */
START_TEST(native_forward_through_petr)
{
	uint8_t f[256];
	size_t l2, len;
	struct rte_mbuf *m;
	const struct dp_mapping *mp;
	const uint8_t *d;
	uint16_t port;

	put(100, "10.8.0.0", 16, "192.0.2.99", LISP_ACT_NATIVE_FORWARD, true);
	mp = dp_tables_mapping_get(t, 100, &(struct dp_ip){ .af = 4, .a = { 10, 8 } }, 16);
	ck_assert_ptr_nonnull(mp);
	ck_assert_uint_eq(mp->via_petr, 1);
	len = eid_frame(f, 0, "10.1.0.1", "10.8.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(t_get32(d + 30), 0xc0000263);	/* 192.0.2.99 */
	ck_assert_uint_eq(t_get16(d + 36), 4341);
	ck_assert_bytes_eq(d + 50, len - l2, f + l2, len - l2);
	rte_pktmbuf_free(m);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_NEG_NATIVE], 0);
	/* An RLOC status change keeps it a PETR entry. */
	ck_assert_int_eq(dp_tables_rloc_status(t, 100, &(struct dp_ip){ .af = 4, .a = { 10, 8 } },
					       16, 0, &(struct dp_ip){ .af = 4, .a = { 192, 0, 2, 99 } },
					       false), 0);
	mp = dp_tables_mapping_get(t, 100, &(struct dp_ip){ .af = 4, .a = { 10, 8 } }, 16);
	ck_assert_uint_eq(mp->via_petr, 1);
	expect_drop(f, len, false, DP_CTR_DROP_NO_RLOC);
	/* drop and send-map-request take no RLOCs. */
	{
		struct dp_rloc_spec r = { .addr = ip("192.0.2.99"), .priority = 1, .up = true };
		struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.7.0.0"), .plen = 16,
					     .action = LISP_ACT_DROP, .rloc_count = 1, .rlocs = &r };

		ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), -EINVAL);
	}
}
END_TEST

static bool resolved77;

/* Next hop 192.0.2.77 answers when resolved77, every other at once. */
static bool test_resolve(void *ctx, uint16_t port_id, const struct dp_ip *nh, uint8_t mac[6])
{
	(void)ctx;
	(void)port_id;
	memcpy(mac, nh_mac, 6);
	return nh->a[3] != 77 || resolved77;
}

/* A new more-specific whose RLOC's MAC is being asked: the covering entry
 * forwards meanwhile; once resolved, the new one. */
START_TEST(resolving_entry_falls_back_to_its_cover)
{
	uint8_t f[256];
	size_t l2, len = eid_frame(f, 0, "10.1.0.1", "10.2.0.77", 1000, 20, &l2);
	struct rte_mbuf *m;
	uint16_t port;

	resolved77 = false;
	dp_tables_resolver_set(t, test_resolve, NULL);
	put(100, "10.2.0.77", 32, "192.0.2.77", LISP_ACT_NO_ACTION, true);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(t_get32(rte_pktmbuf_mtod(m, const uint8_t *) + 30), 0xc0000202);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_RESOLVING_FALLBACK], 1);
	rte_pktmbuf_free(m);
	resolved77 = true;
	ck_assert_int_eq(dp_tables_nexthop_changed(t, &(struct dp_ip){ .af = 4,
								       .a = { 192, 0, 2, 77 } }), 1);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(t_get32(rte_pktmbuf_mtod(m, const uint8_t *) + 30), 0xc000024d);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_RESOLVING_FALLBACK], 1);
	rte_pktmbuf_free(m);
	/* No cover (10.3/16 has none): dropped as before. */
	resolved77 = false;
	put(100, "10.3.0.0", 16, "192.0.2.77", LISP_ACT_NO_ACTION, true);
	len = eid_frame(f, 0, "10.1.0.1", "10.3.0.5", 1000, 20, &l2);
	expect_drop(f, len, false, DP_CTR_DROP_NO_RLOC);
	dp_tables_resolver_set(t, NULL, NULL);
}
END_TEST

/* itr.flow-table: through the encapsulation, a flow keeps its RLOC when
 * the weights change; a new flow follows them. */
START_TEST(flow_affinity_through_encap)
{
	struct dp_rloc_spec r[2] = {
		{ .addr = ip("192.0.2.11"), .priority = 1, .weight = 50, .up = true },
		{ .addr = ip("192.0.2.12"), .priority = 1, .weight = 50, .up = true },
	};
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.11.0.0"), .plen = 16,
				     .action = LISP_ACT_NO_ACTION, .rloc_count = 2, .rlocs = r };
	uint32_t first[32];
	unsigned int on12 = 0;
	uint8_t f[256];
	size_t l2, len;
	uint16_t port;

	w.flows = dp_flows_create(1024, 60000, SOCKET_ID_ANY);
	ck_assert_ptr_nonnull(w.flows);
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	for (int i = 0; i < 32; i++) {
		struct rte_mbuf *m;

		len = eid_frame(f, 0, "10.1.0.1", "10.11.0.5", (uint16_t)(2000 + i), 20, &l2);
		m = encap1(f, len, &port);
		ck_assert_ptr_nonnull(m);
		first[i] = t_get32(rte_pktmbuf_mtod(m, const uint8_t *) + 30);
		on12 += first[i] == 0xc000020c;
		rte_pktmbuf_free(m);
	}
	ck_assert_uint_gt(on12, 0);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_FLOW_NEW], 32);
	r[0].weight = 100;
	r[1].weight = 0;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	for (int i = 0; i < 64; i++) {
		struct rte_mbuf *m;
		uint32_t dst;

		len = eid_frame(f, 0, "10.1.0.1", "10.11.0.5", (uint16_t)(2000 + i), 20, &l2);
		m = encap1(f, len, &port);
		ck_assert_ptr_nonnull(m);
		dst = t_get32(rte_pktmbuf_mtod(m, const uint8_t *) + 30);
		if (i < 32)
			ck_assert_uint_eq(dst, first[i]);	/* started: stays */
		else
			ck_assert_uint_eq(dst, 0xc000020b);	/* new: the weights */
		rte_pktmbuf_free(m);
	}
	ck_assert_uint_eq(w.ctr.c[DP_CTR_FLOW_HIT], 32);
	dp_flows_free(w.flows);
	w.flows = NULL;
}
END_TEST

/* itr.locator-status-bits: L set, the 8 bits after the IID: our two RLOCs. */
START_TEST(locator_status_bits)
{
	uint8_t f[256];
	size_t l2, len;
	struct rte_mbuf *m;
	const uint8_t *d;
	uint16_t port;

	t->p.lsb = true;
	dp_tables_underlay_set(t, &t->underlay);
	put(100, "10.2.0.0", 16, "192.0.2.2", LISP_ACT_NO_ACTION, true);
	len = eid_frame(f, 0, "10.1.0.1", "10.2.0.5", 1000, 20, &l2);
	m = encap1(f, len, &port);
	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_mtod(m, const uint8_t *);
	ck_assert_uint_eq(d[42], 0x88 | 0x40);		/* N|L|I */
	ck_assert_uint_eq(t_get32(d + 46), 100u << 8 | 0x03);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(burst_of_mixed_frames)
{
	struct rte_mbuf *in[40], *out[40];
	uint16_t op[40], n;
	uint8_t f[256];
	size_t l2, len;

	for (int i = 0; i < 40; i++) {
		const char *dst = i % 4 == 0 ? "2001:db8:2::5" : i % 4 == 1 ? "10.3.0.1" :
				  "10.2.0.9";

		len = eid_frame(f, i % 4 == 3 ? 30 : 0, i % 4 == 0 ? "2001:db8:1::1" : "10.1.0.1",
				dst, (uint16_t)i, 20, &l2);
		in[i] = t_mbuf(pool, f, len);
	}
	n = dp_encap_burst(&w, &eid_port, in, 40, out, op);
	ck_assert_uint_eq(n, 30);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_DROP_MISS], 10);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_ENCAP_LISP], 20);
	ck_assert_uint_eq(w.ctr.c[DP_CTR_ENCAP_GPE], 10);
	rte_pktmbuf_free_bulk(out, n);
}
END_TEST

/* --- decapsulation ------------------------------------------------------- */

START_TEST(counter_names)
{
	ck_assert_str_eq(dp_ctr_name(DP_CTR_RX_EID), "rx_eid");
	ck_assert_str_eq(dp_ctr_name(DP_CTR_HDR_LISP_RSVD_FLAG), "drop_hdr_lisp_rsvd_flag");
	ck_assert_int_eq(dp_ctr_by_name("drop_not_our_rloc"), DP_CTR_DROP_NOT_OUR_RLOC);
	ck_assert_int_eq(dp_ctr_hdr(DP_HDR_ERR_GPE_NEXT_PROTO), DP_CTR_HDR_GPE_NEXT_PROTO);
	ck_assert_int_eq(dp_ctr_hdr(DP_HDR_ERR_TRUNCATED), DP_CTR_HDR_TRUNCATED);
	ck_assert_int_eq(DP_CTR_HDR_GPE_NEXT_PROTO + 1, DP_CTR_COUNT);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_encap");
	TCase *te = tcase_create("encap");

	(void)argc;
	if (encap_fixture_init(argv[0]) < 0)
		return EXIT_FAILURE;
	tcase_add_checked_fixture(te, setup, teardown);
	tcase_add_test(te, lisp_ip4_over_ip4);
	tcase_add_test(te, flow_stable_source_ports_and_fresh_nonces);
	tcase_add_test(te, lisp_ip6_over_ip6_and_cross_families);
	tcase_add_test(te, vxlan_keeps_the_inner_frame_untagged);
	tcase_add_test(te, gpe_next_protocol);
	tcase_add_test(te, ethernet_padding_is_not_carried);
	tcase_add_test(te, encap_drops);
	tcase_add_test(te, too_big_policy);
	tcase_add_test(te, source_must_be_our_eid);
	tcase_add_test(te, native_forward_through_petr);
	tcase_add_test(te, locator_status_bits);
	tcase_add_test(te, flow_affinity_through_encap);
	tcase_add_test(te, resolving_entry_falls_back_to_its_cover);
	tcase_add_test(te, burst_of_mixed_frames);
	tcase_add_test(te, counter_names);
	suite_add_tcase(s, te);
	return dp_test_run(s);
}
