/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/encap.c and decap.c on mbufs built byte by byte: every outer
 * field against RFC 9300 / RFC 7348 / VXLAN-GPE, the inner packet
 * byte-identical, flow-stable UDP source ports, one test per drop reason,
 * and decap(encap(x)) == x for every encapsulation and family.
 */
#include <errno.h>

#include <rte_mbuf.h>

#include "counters.h"
#include "decap.h"
#include "dp_config.h"
#include "dp_test.h"
#include "encap.h"
#include "flows.h"
#include "lisp_msg.h"
#include "port.h"
#include "tables.h"
#include "worker.h"

static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0, 1 };		/* our EID port */
static const uint8_t host_mac[6] = { 2, 0, 0, 0, 0, 0xaa };	/* its peer */
static const uint8_t rloc_mac[6] = { 2, 0, 0, 0, 0, 2 };	/* our RLOC port */
static const uint8_t nh_mac[6] = { 2, 0, 0, 0, 0, 0xfe };	/* underlay next hop */

static struct rte_mempool *pool;
static struct dp_tables *t;
static struct dp_worker w;
static struct dp_port eid_port;
static const struct dp_vrf *vlan_vrf[4096];
/* mbufs in use when the test started (a failed test may leave some). */
static unsigned int in_use0;
static struct rte_ring *punt_ring;

static struct dp_ip ip(const char *s)
{
	struct dp_ip a = { 0 };

	if (inet_pton(AF_INET, s, a.a) == 1)
		a.af = 4;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.af = 6;
	return a;
}

static void put(uint32_t iid, const char *eid, uint8_t plen, const char *rloc, uint8_t action,
		bool up)
{
	struct dp_rloc_spec r = { .addr = ip(rloc ? rloc : "0.0.0.0"), .priority = 1,
				  .weight = 100, .up = up };
	struct dp_mapping_spec s = { .iid = iid, .eid = ip(eid), .plen = plen, .action = action,
				     .rloc_count = rloc ? 1 : 0, .rlocs = rloc ? &r : NULL };

	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
}

static void setup(void)
{
	struct dp_underlay u = { .n_local4 = 1, .n_local6 = 1 };
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = true };

	u.v4 = (struct dp_underlay_if){ .valid = true, .port_id = 1, .mtu = 1500 };
	memcpy(u.v4.src_mac, rloc_mac, 6);
	memcpy(u.v4.dst_mac, nh_mac, 6);
	u.v6 = u.v4;
	inet_pton(AF_INET, "192.0.2.1", u.v4.src);
	inet_pton(AF_INET6, "2001:db8::1", u.v6.src);
	memcpy(&u.local4[0], u.v4.src, 4);
	memcpy(u.local6[0], u.v6.src, 16);
	t = dp_tables_create(&(struct dp_tables_params){
		.socket_id = SOCKET_ID_ANY, .max_vrfs = 8, .max_mappings = 64, .ipv4_tbl8s = 64,
		.ipv6_tbl8s = 256, .max_readers = 1, .writer_tid = 0 });
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(dp_tables_reader_register(t, 0), 0);
	dp_tables_underlay_set(t, &u);
	memcpy(att.src_mac, gw_mac, 6);
	memcpy(att.dst_mac, host_mac, 6);
	ck_assert_int_eq(dp_tables_vrf_add(t, 100, DP_ENCAP_LISP, &att), 0);
	att.vlan = 20;
	ck_assert_int_eq(dp_tables_vrf_add(t, 200, DP_ENCAP_VXLAN, &att), 0);
	att.vlan = 30;
	ck_assert_int_eq(dp_tables_vrf_add(t, 300, DP_ENCAP_GPE, &att), 0);
	ck_assert_int_eq(dp_tables_vrf_add(t, 400, DP_ENCAP_LISP, NULL), 0);

	for (uint32_t iid = 100; iid <= 300; iid += 100) {
		put(iid, "10.2.0.0", 16, "192.0.2.2", LISP_ACT_NO_ACTION, true);
		put(iid, "10.6.0.0", 16, "2001:db8::6", LISP_ACT_NO_ACTION, true);
		put(iid, "2001:db8:2::", 48, "2001:db8::2", LISP_ACT_NO_ACTION, true);
		put(iid, "2001:db8:4::", 48, "192.0.2.4", LISP_ACT_NO_ACTION, true);
	}
	put(100, "10.7.0.0", 16, NULL, LISP_ACT_DROP, true);
	put(100, "10.8.0.0", 16, NULL, LISP_ACT_NATIVE_FORWARD, true);
	put(100, "10.9.0.0", 16, NULL, LISP_ACT_SEND_MAP_REQUEST, true);
	put(100, "10.10.0.0", 16, "192.0.2.10", LISP_ACT_NO_ACTION, false);

	in_use0 = rte_mempool_in_use_count(pool);
	memset(&w, 0, sizeof(w));
	w.tables = t;
	if (!punt_ring)
		punt_ring = rte_ring_create("t_punt", 64, SOCKET_ID_ANY,
					    RING_F_SP_ENQ | RING_F_SC_DEQ);
	ck_assert_ptr_nonnull(punt_ring);
	w.punt = punt_ring;
	w.prng = 0x12345;
	memset(vlan_vrf, 0, sizeof(vlan_vrf));
	vlan_vrf[20] = dp_tables_vrf(t, 200);
	vlan_vrf[30] = dp_tables_vrf(t, 300);
	eid_port = (struct dp_port){ .port_id = 0, .role = DP_PORT_ROLE_EID, .mtu = 1500,
				     .untagged_vrf = dp_tables_vrf(t, 100), .vlan_vrf = vlan_vrf };
}

static void teardown(void)
{
	dp_tables_reader_unregister(t, 0);
	dp_tables_free(t);
	t = NULL;
	/* Every test frees what it got: nothing may leak from the paths. */
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), in_use0);
}

/* An EID-side frame: Ethernet [VLAN] + IPv4/IPv6 UDP; returns its length,
 * *l2 the Ethernet header's. */
static size_t eid_frame(uint8_t *f, uint16_t vlan, const char *src, const char *dst,
			uint16_t sport, size_t payload, size_t *l2)
{
	bool v6 = strchr(dst, ':') != NULL;

	*l2 = t_eth(f, gw_mac, host_mac, vlan, v6 ? 0x86dd : 0x0800);
	if (v6)
		return *l2 + t_ip6_udp(f + *l2, src, dst, sport, 80, 44, 0xb8, payload);
	return *l2 + t_ip4_udp(f + *l2, src, dst, sport, 80, 33, 0xb9, payload);
}

static struct rte_mbuf *encap1(const uint8_t *f, size_t len, uint16_t *port)
{
	struct rte_mbuf *m = t_mbuf(pool, f, len), *out[1];
	uint16_t op[1];

	if (dp_encap_burst(&w, &eid_port, &m, 1, out, op) != 1)
		return NULL;
	*port = op[0];
	return out[0];
}

static struct rte_mbuf *decap1(const uint8_t *f, size_t len, uint16_t *port)
{
	struct rte_mbuf *m = t_mbuf(pool, f, len), *out[1];
	uint16_t op[1];

	if (dp_decap_burst(&w, NULL, &m, 1, out, op) != 1)
		return NULL;
	*port = op[0];
	return out[0];
}

static void expect_drop(const uint8_t *f, size_t len, bool decap, enum dp_ctr why)
{
	uint64_t before = w.ctr.c[why];
	uint16_t port;

	ck_assert_ptr_null(decap ? decap1(f, len, &port) : encap1(f, len, &port));
	ck_assert_msg(w.ctr.c[why] == before + 1, "counter %s not incremented",
		      dp_ctr_name(why));
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), in_use0);
}

/* Handed to the control thread: nothing out, the frame on the punt ring
 * with its kind. */
static void expect_punt(const uint8_t *f, size_t len, bool decap, enum dp_ctr kind)
{
	uint64_t before = w.ctr.c[kind];
	struct rte_mbuf *m;
	uint16_t port;

	ck_assert_ptr_null(decap ? decap1(f, len, &port) : encap1(f, len, &port));
	ck_assert_msg(w.ctr.c[kind] == before + 1, "counter %s not incremented",
		      dp_ctr_name(kind));
	ck_assert_int_eq(rte_ring_dequeue(punt_ring, (void **)&m), 0);
	ck_assert_uint_eq(DP_PUNT_KIND(m), kind);
	ck_assert_uint_eq(rte_pktmbuf_pkt_len(m), len);
	rte_pktmbuf_free(m);
	ck_assert_uint_eq(rte_ring_count(punt_ring), 0);
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), in_use0);
}

static bool udp6_csum_ok(const uint8_t *ip6)
{
	uint16_t plen = t_get16(ip6 + 4);
	uint32_t sum = 0;

	for (int i = 8; i < 40; i += 2)
		sum += t_get16(ip6 + i);
	sum += plen + 17;
	return t_csum(ip6 + 40, plen, sum) == 0;
}

/* --- encapsulation ------------------------------------------------------- */

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
	Suite *s = suite_create("dp_encap_decap");
	TCase *te = tcase_create("encap"), *td = tcase_create("decap");

	(void)argc;
	dp_test_eal_init(argv[0]);
	pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (!pool) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
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
	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, decap_each_encapsulation);
	tcase_add_test(td, decap_ttl_and_ecn);
	tcase_add_test(td, decap_trims_outer_padding);
	tcase_add_test(td, decap_header_drops);
	tcase_add_test(td, decap_drops);
	tcase_add_test(td, round_trip);
	suite_add_tcase(s, td);
	return dp_test_run(s);
}
