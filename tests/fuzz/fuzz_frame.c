/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane's packet paths on hostile frames (dataplane/decap.c,
 * encap.c): decapsulation of an RLOC-side frame or encapsulation of an
 * EID-side one, over tables of the unit fixture's shape (LISP, VXLAN on
 * VLAN 20, VXLAN-GPE on VLAN 30 (IPv6 EIDs only), an IID without an EID
 * port; mappings of both families, negative ones, a down RLOC).  Input: byte 0 bit 0, encap
 * (else decap); bit 1, the tables where hosts are learned, sources
 * checked and VXLAN resolves inner MACs (else static peers only); bits
 * 2..7 times 32, where a second segment starts (0: one segment).  The
 * rest is the frame.
 * Properties besides ASan/UBSan: each frame is decided alike by the
 * instance without the trace hooks and by the traced one, which never
 * takes decap's word-at-a-time check of the usual packet: the same
 * delivery, port, bytes, punt and counters; every mbuf goes back to the
 * pool.
 */
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "counters.h"
#include "decap.h"
#include "dp_config.h"
#include "encap.h"
#include "fastpath.h"
#include "fixture_tables.h"
#include "fuzz_common.h"
#include "lisp_msg.h"
#include "port.h"
#include "tables.h"
#include "worker.h"

#define OUT_MAX	4096

static struct rte_mempool *pool;
static struct rte_ring *punt_ring;
static struct dp_tables *tabs[2];	/* static peers; hosts learned */
static const struct dp_vrf *vlan_vrf[2][4096];
static struct dp_port eid_ports[2];

struct outcome {
	uint64_t ctr[DP_CTR_COUNT];
	uint8_t out[OUT_MAX];
	uint32_t out_len;
	int port;		/* -1: not sent */
	int punt;		/* its kind, -1: none */
};

/* The unit fixture's tables (fixture_tables.h), VXLAN-GPE with IPv6 EIDs
 * only; hosts: also a VRF that learns hosts (IID 500, 10.5.0.7 known),
 * sources checked (10.1/16 ours) and VXLAN resolving inner MACs. */
static struct dp_tables *tables(bool hosts)
{
	static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0, 1 }, peer_mac[6] = { 2, 0, 0, 0, 0, 0xaa };
	static const uint8_t rloc_mac[6] = { 2, 0, 0, 0, 0, 2 }, nh_mac[6] = { 2, 0, 0, 0, 0, 0xfe };
	static const uint8_t known_mac[6] = { 2, 0, 0, 0, 0, 0x55 };
	struct dp_tables *t = fixture_tables_create(rloc_mac, nh_mac, 64);

	FUZZ_ASSERT(t != NULL, "tables");
	FUZZ_ASSERT(fixture_tables_fill(t, gw_mac, peer_mac, false) == 0, "fill");
	if (hosts) {
		struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500 };
		struct dp_ip known = dp_test_ip("10.5.0.7");

		memcpy(att.src_mac, gw_mac, 6);
		FUZZ_ASSERT(dp_tables_vrf_add(t, 500, DP_ENCAP_LISP, &att) == 0, "vrf 500");
		FUZZ_ASSERT(dp_tables_host_set(t, 500, &known, known_mac) == 0, "host");
		FUZZ_ASSERT(dp_tables_vrf_inner_mac(t, 200, true) == 0, "inner mac");
		FUZZ_ASSERT(fixture_put(t, 100, "10.1.0.0", 16, NULL, LISP_ACT_NO_ACTION, true,
					true) == 0, "local");
	}
	return t;
}

static void init(void)
{
	char *argv[] = { "fuzz_frame", "-l", "0", "--no-huge", "-m", "1024", "--no-shconf",
			 "--no-pci", "--no-telemetry", "--log-level", "lib.eal:error", NULL };

	FUZZ_ASSERT(rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv) >= 0, "EAL");
	pool = rte_pktmbuf_pool_create("fuzz_mbufs", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	punt_ring = rte_ring_create("fuzz_punt", 64, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	FUZZ_ASSERT(pool != NULL && punt_ring != NULL, "pool, ring");
	for (int k = 0; k < 2; k++) {
		tabs[k] = tables(k == 1);
		vlan_vrf[k][20] = dp_tables_vrf(tabs[k], 200);
		vlan_vrf[k][30] = dp_tables_vrf(tabs[k], 300);
		eid_ports[k] = (struct dp_port){ .port_id = 0, .role = DP_PORT_ROLE_EID,
						 .mtu = 1500,
						 .untagged_vrf = dp_tables_vrf(tabs[k], 100),
						 .vlan_vrf = vlan_vrf[k] };
	}
}

/* The frame in one mbuf, or two with the second from split on. */
static struct rte_mbuf *frame(const uint8_t *p, size_t len, size_t split)
{
	size_t room = RTE_MBUF_DEFAULT_DATAROOM, first = split && split < len ? split : len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *m2;

	FUZZ_ASSERT(m != NULL, "mbuf");
	first = RTE_MIN(first, room);
	memcpy(rte_pktmbuf_append(m, (uint16_t)first), p, first);
	if (first < len) {
		m2 = rte_pktmbuf_alloc(pool);
		FUZZ_ASSERT(m2 != NULL, "mbuf");
		len = RTE_MIN(len - first, room);
		memcpy(rte_pktmbuf_append(m2, (uint16_t)len), p + first, len);
		FUZZ_ASSERT(rte_pktmbuf_chain(m, m2) == 0, "chain");
	}
	return m;
}

/* One frame through w as it stands; w is put back as it was. */
static void run(struct dp_worker *w, bool encap, const uint8_t *p, size_t len, size_t split,
		struct outcome *o)
{
	const struct dp_worker saved = *w;
	struct rte_mbuf *m = frame(p, len, split), *out[1], *pm;
	uint16_t port[1];
	uint16_t n;

	o->port = o->punt = -1;
	o->out_len = 0;
	n = encap ? dp_encap_burst(w, &eid_ports[w->tables == tabs[1]], &m, 1, out, port) :
		    dp_decap_burst(w, NULL, &m, 1, out, port);
	FUZZ_ASSERT(n <= 1, "%u frames out of one", n);
	if (n == 1) {
		const void *d;

		o->port = port[0];
		o->out_len = rte_pktmbuf_pkt_len(out[0]);
		FUZZ_ASSERT(o->out_len <= OUT_MAX, "%u bytes out", o->out_len);
		d = rte_pktmbuf_read(out[0], 0, o->out_len, o->out);
		FUZZ_ASSERT(d != NULL, "unreadable output");
		if (d != o->out)
			memcpy(o->out, d, o->out_len);
		rte_pktmbuf_free(out[0]);
	}
	if (rte_ring_dequeue(punt_ring, (void **)&pm) == 0) {
		o->punt = DP_PUNT_KIND(pm);
		rte_pktmbuf_free(pm);
	}
	FUZZ_ASSERT(rte_ring_count(punt_ring) == 0, "more than one punt");
	for (unsigned int k = 0; k < DP_CTR_COUNT; k++)
		o->ctr[k] = w->ctr.c[k] - saved.ctr.c[k];
	*w = saved;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct outcome plain, traced;
	static bool ready;
	struct dp_worker w;
	unsigned int in_use;
	bool encap;
	size_t split;

	if (size < 1)
		return 0;
	if (!ready) {
		init();
		ready = true;
	}
	encap = data[0] & 1;
	split = (size_t)(data[0] >> 2) * 32;
	memset(&w, 0, sizeof(w));
	w.tables = tabs[(data[0] >> 1) & 1];
	w.punt = punt_ring;
	w.prng = 0x12345;
	w.too_big = DP_CONFIG_TOO_BIG_DROP;
	in_use = rte_mempool_in_use_count(pool);
	run(&w, encap, data + 1, size - 1, split, &plain);
	w.fp = DP_FP_TRACE;	/* no trace buffer: the traced code, nothing recorded */
	run(&w, encap, data + 1, size - 1, split, &traced);
	FUZZ_ASSERT(plain.port == traced.port && plain.punt == traced.punt,
		    "sent to %d / %d, punted %d / %d", plain.port, traced.port, plain.punt,
		    traced.punt);
	if (plain.out_len != traced.out_len || memcmp(plain.out, traced.out, plain.out_len)) {
		fuzz_hexdump("sent by the plain instance", plain.out, plain.out_len);
		fuzz_hexdump("sent by the traced instance", traced.out, traced.out_len);
		FUZZ_ASSERT(0, "the two instances sent different frames");
	}
	for (unsigned int k = 0; k < DP_CTR_COUNT; k++)
		FUZZ_ASSERT(plain.ctr[k] == traced.ctr[k], "counter %s: %lu / %lu",
			    dp_ctr_name((enum dp_ctr)k), (unsigned long)plain.ctr[k],
			    (unsigned long)traced.ctr[k]);
	FUZZ_ASSERT(rte_mempool_in_use_count(pool) == in_use, "mbufs: %u in use, %u before",
		    rte_mempool_in_use_count(pool), in_use);
	return 0;
}
