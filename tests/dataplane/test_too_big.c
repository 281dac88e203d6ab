/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/too_big.c on mbufs built byte by byte: the ICMP errors field
 * by field (RFC 792/1191, RFC 4443/8201) with their checksums, who gets
 * none, and IPv4 fragments that reassemble to the original.
 */
#include <errno.h>

#include <rte_mbuf.h>

#include "dp_test.h"
#include "tables.h"
#include "too_big.h"

static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t host_mac[6] = { 2, 0, 0, 0, 0, 0xaa };

static struct rte_mempool *pool;
static struct dp_vrf vrf, vrf_tagged;
static struct dp_underlay under, under_none;

static void setup(void)
{
	memset(&vrf, 0, sizeof(vrf));
	vrf.iid = 100;
	vrf.eid_port = 0;
	vrf.l2_len = 14;
	memcpy(vrf.l2_hdr, host_mac, 6);
	memcpy(vrf.l2_hdr + 6, gw_mac, 6);
	vrf_tagged = vrf;
	vrf_tagged.l2_len = 18;
	vrf_tagged.l2_hdr[12] = 0x81;
	vrf_tagged.l2_hdr[13] = 0x00;
	vrf_tagged.l2_hdr[15] = 20;
	memset(&under, 0, sizeof(under));
	under.v4.valid = under.v6.valid = true;
	inet_pton(AF_INET, "192.0.2.1", under.v4.src);
	inet_pton(AF_INET6, "2001:db8::1", under.v6.src);
	memset(&under_none, 0, sizeof(under_none));
}

static struct rte_mbuf *frame4(const char *src, size_t payload, uint16_t frag, uint8_t proto)
{
	static uint8_t f[9100];
	size_t l2 = t_eth(f, gw_mac, host_mac, 0, 0x0800);
	size_t len = l2 + t_ip4_udp(f + l2, src, "10.2.0.5", 1000, 80, 33, 0, payload);

	t_put16(f + l2 + 6, frag);
	f[l2 + 9] = proto;
	f[l2 + 10] = f[l2 + 11] = 0;
	t_put16(f + l2 + 10, t_csum(f + l2, 20, 0));
	return t_mbuf(pool, f, len);
}

START_TEST(icmp4_frag_needed)
{
	struct rte_mbuf *m = frame4("10.1.0.1", 1600, 0x4000, 17), *n;
	const uint8_t *d, *ip, *ic, *in = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14);

	ck_assert(dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	n = dp_too_big_icmp(m, 14, 1, 1464, &vrf, &under);
	ck_assert_ptr_nonnull(n);
	d = rte_pktmbuf_mtod(n, const uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(n), 14 + 576);	/* RFC 1812: 576 at most */
	ck_assert_bytes_eq(d, 6, host_mac, 6);			/* back to the sender */
	ck_assert_bytes_eq(d + 6, 6, gw_mac, 6);
	ck_assert_uint_eq(t_get16(d + 12), 0x0800);
	ip = d + 14;
	ck_assert_uint_eq(ip[0], 0x45);
	ck_assert_uint_eq(t_get16(ip + 2), 576);
	ck_assert_uint_eq(ip[9], 1);
	ck_assert_uint_eq(t_csum(ip, 20, 0), 0);
	ck_assert_uint_eq(t_get32(ip + 12), 0xc0000201);	/* our RLOC */
	ck_assert_bytes_eq(ip + 16, 4, in + 12, 4);		/* the sender */
	ic = ip + 20;
	ck_assert_uint_eq(ic[0], 3);
	ck_assert_uint_eq(ic[1], 4);
	ck_assert_uint_eq(t_get16(ic + 6), 1464);
	ck_assert_uint_eq(t_csum(ic, 576 - 20, 0), 0);
	ck_assert_bytes_eq(ic + 8, 548, in, 548);		/* the quote */
	rte_pktmbuf_free(n);
	/* No IPv4 RLOC: 192.0.0.8 (RFC 7600); tagged attachment: tagged. */
	n = dp_too_big_icmp(m, 14, 1, 1464, &vrf_tagged, &under_none);
	ck_assert_ptr_nonnull(n);
	d = rte_pktmbuf_mtod(n, const uint8_t *);
	ck_assert_uint_eq(t_get16(d + 12), 0x8100);
	ck_assert_uint_eq(t_get16(d + 14), 20);
	ck_assert_uint_eq(t_get16(d + 16), 0x0800);
	ck_assert_uint_eq(t_get32(d + 18 + 12), 0xc0000008);
	rte_pktmbuf_free(n);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(icmp4_not_for_everyone)
{
	struct rte_mbuf *m;

	/* A later fragment, a multicast or zero source: no error. */
	m = frame4("10.1.0.1", 1600, 0x4000 | 185, 17);
	ck_assert(!dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	rte_pktmbuf_free(m);
	m = frame4("224.0.0.5", 1600, 0x4000, 17);
	ck_assert(!dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	rte_pktmbuf_free(m);
	m = frame4("0.0.0.0", 1600, 0x4000, 17);
	ck_assert(!dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	rte_pktmbuf_free(m);
	/* An ICMP error (the UDP header's first byte, 0x03, reads as type 3)
	 * gets none; an echo request (type 8) does. */
	m = frame4("10.1.0.1", 1600, 0x4000, 1);
	rte_pktmbuf_mtod_offset(m, uint8_t *, 34)[0] = 3;
	ck_assert(!dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	rte_pktmbuf_mtod_offset(m, uint8_t *, 34)[0] = 8;
	ck_assert(dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	{
		struct rte_mbuf *n = dp_too_big_icmp(m, 14, 1, 1464, &vrf, &under);

		ck_assert_ptr_nonnull(n);
		rte_pktmbuf_free(n);
	}
	rte_pktmbuf_free(m);
	/* No EID-side attachment: nowhere to send it. */
	m = frame4("10.1.0.1", 1600, 0x4000, 17);
	vrf.eid_port = DP_PORT_NONE;
	ck_assert(!dp_too_big_icmp_eligible(m, 14, 1, &vrf));
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(icmp6_packet_too_big)
{
	static uint8_t f[2048];
	size_t l2 = t_eth(f, gw_mac, host_mac, 0, 0x86dd);
	size_t len = l2 + t_ip6_udp(f + l2, "2001:db8:1::1", "2001:db8:2::5", 1000, 80, 44, 0, 1452);
	struct rte_mbuf *m = t_mbuf(pool, f, len), *n;
	const uint8_t *d, *ip6;
	uint32_t sum = 0;

	ck_assert(dp_too_big_icmp_eligible(m, 14, 0, &vrf));
	n = dp_too_big_icmp(m, 14, 0, 1444, &vrf, &under);
	ck_assert_ptr_nonnull(n);
	d = rte_pktmbuf_mtod(n, const uint8_t *);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(n), 14 + 1280);	/* RFC 4443: 1280 at most */
	ck_assert_uint_eq(t_get16(d + 12), 0x86dd);
	ip6 = d + 14;
	ck_assert_uint_eq(ip6[6], 58);
	ck_assert_uint_eq(t_get16(ip6 + 4), 1240);
	ck_assert_bytes_eq(ip6 + 24, 16, f + l2 + 8, 16);	/* to the sender */
	ck_assert_uint_eq(ip6[40], 2);
	ck_assert_uint_eq(ip6[41], 0);
	ck_assert_uint_eq(t_get32(ip6 + 44), 1444);
	ck_assert_bytes_eq(ip6 + 48, 1232, f + l2, 1232);
	for (int i = 8; i < 40; i += 2)
		sum += t_get16(ip6 + i);
	sum += 1240 + 58;
	ck_assert_uint_eq(t_csum(ip6 + 40, 1240, sum), 0);
	rte_pktmbuf_free(n);
	/* No IPv6 RLOC: the EID port's link-local address. */
	n = dp_too_big_icmp(m, 14, 0, 1444, &vrf, &under_none);
	ck_assert_ptr_nonnull(n);
	ip6 = rte_pktmbuf_mtod_offset(n, const uint8_t *, 14);
	ck_assert_uint_eq(t_get16(ip6 + 8), 0xfe80);
	ck_assert_uint_eq(ip6[16], 0x00);	/* 02 with the U/L bit flipped */
	ck_assert_uint_eq(ip6[19], 0xff);
	ck_assert_uint_eq(ip6[20], 0xfe);
	ck_assert_uint_eq(ip6[23], 0x01);
	rte_pktmbuf_free(n);
	/* An ICMPv6 error gets none. */
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14)[6] = 58;
	rte_pktmbuf_mtod_offset(m, uint8_t *, 14 + 40)[0] = 1;
	ck_assert(!dp_too_big_icmp_eligible(m, 14, 0, &vrf));
	rte_pktmbuf_free(m);
}
END_TEST

/* Fragments: offsets in eighths, MF on all but the last, checksums, and
 * the payloads end to end are the original's. */
static void check_frags(struct rte_mbuf *m, uint16_t mtu, unsigned int want, uint16_t off0,
			bool mf0)
{
	struct rte_mbuf *fr[DP_TOO_BIG_FRAGS_MAX];
	const uint8_t *in = rte_pktmbuf_mtod_offset(m, const uint8_t *, 14);
	uint32_t payload = t_get16(in + 2) - 20, at = 0;
	unsigned int n = dp_too_big_frag4(m, 14, mtu, fr, DP_TOO_BIG_FRAGS_MAX);

	ck_assert_uint_eq(n, want);
	for (unsigned int k = 0; k < n; k++) {
		const uint8_t *d = rte_pktmbuf_mtod(fr[k], const uint8_t *), *ip = d + 14;
		uint16_t tl = t_get16(ip + 2), fo = t_get16(ip + 6);

		ck_assert_bytes_eq(d, 14, rte_pktmbuf_mtod(m, const uint8_t *), 14);
		ck_assert_uint_le(tl, mtu);
		ck_assert_uint_eq(rte_pktmbuf_pkt_len(fr[k]), 14u + tl);
		ck_assert_uint_eq(t_csum(ip, 20, 0), 0);
		ck_assert_uint_eq(fo & 0x1fff, off0 + at / 8);
		ck_assert_uint_eq(!!(fo & 0x2000), k + 1 < n ? 1 : mf0);
		ck_assert_uint_eq(fo & 0x4000, 0);
		if (k + 1 < n)
			ck_assert_uint_eq((tl - 20) % 8, 0);
		ck_assert_bytes_eq(ip + 12, 8, in + 12, 8);
		ck_assert_bytes_eq(ip + 20, tl - 20, in + 20 + at, tl - 20);
		at += tl - 20u;
		rte_pktmbuf_free(fr[k]);
	}
	if (n)
		ck_assert_uint_eq(at, payload);
}

START_TEST(frag4_reassembles)
{
	struct rte_mbuf *m = frame4("10.1.0.1", 2972, 0, 17);	/* 3000 bytes of IP */

	check_frags(m, 1464, 3, 0, false);	/* 1440 + 1440 + 100 */
	check_frags(m, 576, 6, 0, false);
	check_frags(m, 1500, 3, 0, false);
	/* Too many, or not even 8 bytes of payload: none. */
	check_frags(m, 100, 0, 0, false);
	check_frags(m, 27, 0, 0, false);
	rte_pktmbuf_free(m);
	/* Already a middle fragment: offsets continue, MF stays. */
	m = frame4("10.1.0.1", 1572, 0x2000 | 100, 17);
	check_frags(m, 1000, 2, 100, true);
	rte_pktmbuf_free(m);
}
END_TEST

START_TEST(frag4_out_of_mbufs)
{
	struct rte_mbuf *m = frame4("10.1.0.1", 2972, 0, 17), *fr[DP_TOO_BIG_FRAGS_MAX];
	struct rte_mbuf *hold[2048];
	unsigned int held = 0;

	/* Leave two mbufs: three fragments cannot be made, none leak. */
	while (rte_mempool_avail_count(pool) > 2)
		hold[held++] = rte_pktmbuf_alloc(pool);
	ck_assert_uint_eq(dp_too_big_frag4(m, 14, 1464, fr, DP_TOO_BIG_FRAGS_MAX), 0);
	ck_assert_uint_eq(rte_mempool_avail_count(pool), 2);
	rte_pktmbuf_free_bulk(hold, held);
	rte_pktmbuf_free(m);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_too_big");
	TCase *tc = tcase_create("too_big");

	(void)argc;
	dp_test_eal_init(argv[0]);
	pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, 9216 + RTE_PKTMBUF_HEADROOM,
				       SOCKET_ID_ANY);
	if (!pool) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, icmp4_frag_needed);
	tcase_add_test(tc, icmp4_not_for_everyone);
	tcase_add_test(tc, icmp6_packet_too_big);
	tcase_add_test(tc, frag4_reassembles);
	tcase_add_test(tc, frag4_out_of_mbufs);
	suite_add_tcase(s, tc);
	return dp_test_run(s);
}
