/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture of the encapsulation and decapsulation suites (test_encap.c,
 * test_decap.c): one worker over tables of four Instance-IDs (LISP, VXLAN
 * on VLAN 20, VXLAN-GPE on VLAN 30, one without an EID port), an EID port
 * and the underlay, frames built byte by byte (dp_test.h), and the checks
 * every test makes (the drop counter, the punt ring, no mbuf leaked).
 */
#ifndef LISPGW_TEST_ENCAP_FIXTURE_H
#define LISPGW_TEST_ENCAP_FIXTURE_H

#include <errno.h>

#include <rte_mbuf.h>

#include "counters.h"
#include "decap.h"
#include "dp_config.h"
#include "dp_ip_test.h"
#include "dp_test.h"
#include "encap.h"
#include "fixture_tables.h"
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

static inline struct dp_ip ip(const char *s)
{
	return dp_test_ip(s);
}

static inline void put(uint32_t iid, const char *eid, uint8_t plen, const char *rloc,
		       uint8_t action, bool up)
{
	ck_assert_int_eq(fixture_put(t, iid, eid, plen, rloc, action, up, false), 0);
}

static inline void setup(void)
{
	t = fixture_tables_create(rloc_mac, nh_mac, 256);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(fixture_tables_fill(t, gw_mac, host_mac, true), 0);
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

static inline void teardown(void)
{
	dp_tables_reader_unregister(t, 0);
	dp_tables_free(t);
	t = NULL;
	/* Every test frees what it got: nothing may leak from the paths. */
	ck_assert_uint_eq(rte_mempool_in_use_count(pool), in_use0);
}

/* An EID-side frame: Ethernet [VLAN] + IPv4/IPv6 UDP; returns its length,
 * *l2 the Ethernet header's. */
static inline size_t eid_frame(uint8_t *f, uint16_t vlan, const char *src, const char *dst,
			       uint16_t sport, size_t payload, size_t *l2)
{
	bool v6 = strchr(dst, ':') != NULL;

	*l2 = t_eth(f, gw_mac, host_mac, vlan, v6 ? 0x86dd : 0x0800);
	if (v6)
		return *l2 + t_ip6_udp(f + *l2, src, dst, sport, 80, 44, 0xb8, payload);
	return *l2 + t_ip4_udp(f + *l2, src, dst, sport, 80, 33, 0xb9, payload);
}

static inline struct rte_mbuf *encap1(const uint8_t *f, size_t len, uint16_t *port)
{
	struct rte_mbuf *m = t_mbuf(pool, f, len), *out[1];
	uint16_t op[1];

	if (dp_encap_burst(&w, &eid_port, &m, 1, out, op) != 1)
		return NULL;
	*port = op[0];
	return out[0];
}

static inline struct rte_mbuf *decap1(const uint8_t *f, size_t len, uint16_t *port)
{
	struct rte_mbuf *m = t_mbuf(pool, f, len), *out[1];
	uint16_t op[1];

	if (dp_decap_burst(&w, NULL, &m, 1, out, op) != 1)
		return NULL;
	*port = op[0];
	return out[0];
}

static inline void expect_drop(const uint8_t *f, size_t len, bool decap, enum dp_ctr why)
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
static inline void expect_punt(const uint8_t *f, size_t len, bool decap, enum dp_ctr kind)
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

static inline bool udp6_csum_ok(const uint8_t *ip6)
{
	uint16_t plen = t_get16(ip6 + 4);
	uint32_t sum = 0;

	for (int i = 8; i < 40; i += 2)
		sum += t_get16(ip6 + i);
	sum += plen + 17;
	return t_csum(ip6 + 40, plen, sum) == 0;
}

/* EAL and the mbuf pool, once per binary: 0, or -1 (said on stderr). */
static inline int encap_fixture_init(const char *prog)
{
	dp_test_eal_init(prog);
	pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (!pool) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

#endif
