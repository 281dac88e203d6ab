/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dp_encap_perf MODE ENTRIES [PASSES] [PATTERN]: dp_encap_burst() (MODE
 * lisp, vxlan, gpe) or dp_decap_burst() (MODE decap; decap-hosts: the VRF
 * without a static peer MAC, every inner destination a learned host, so
 * each packet's MAC comes from the host table) on bursts of 32
 * 64-byte frames over ENTRIES static /24 mappings in instance 100 (the
 * ones of scripts/bench/dp_gen.py), PASSES passes over the input.  The
 * tables are built with the library's own API, no config, no ports: the
 * forwarding code alone.  PATTERN (encap; as dp_gen.py):
 *   sample  4096 frames with random destinations (the default);
 *   walk    one frame per mapping, the /24s in order: ENTRIES destinations;
 *   random  the same, in a random order (a permutation: each once a pass);
 *   single  one flow.
 * walk and random write each burst's destinations into its frames before
 * the timed call (as a generator would), so 1M destinations need no 1M
 * frames in memory.
 *
 * Prints packets, forwarded, and TSC cycles per packet inside the burst
 * call.  Under valgrind --tool=callgrind --instr-atstart=no, only the
 * packet loop is instrumented (CALLGRIND_START_INSTRUMENTATION), so
 * callgrind_annotate --inclusive=yes gives dp_encap_burst's (or
 * dp_decap_burst's) instructions, to divide by the packets printed.
 * (scripts/bench/dp_callgrind.sh does that.)
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#endif

#include "decap.h"
#include "encap.h"
#include "lisp_msg.h"
#include "port.h"
#include "tables.h"
#include "worker.h"

#define FRAMES	4096
#define BURST	32

static const uint8_t gw_mac[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t host_mac[6] = { 2, 0, 0, 0, 0, 0xaa };
static const uint8_t rloc_mac[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t nh_mac[6] = { 2, 0, 0, 0, 0, 0xfe };

static uint64_t rnd_state = 1;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rnd_state >> 33);
}

static uint16_t csum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPv4/UDP with payload bytes of zeros at p; returns the length. */
static size_t ip4_udp(uint8_t *p, const uint8_t *src, const uint8_t *dst, uint16_t sport,
		      uint16_t dport, size_t payload)
{
	size_t len = 28 + payload;

	memset(p, 0, len);
	p[0] = 0x45;
	put16(p + 2, (uint16_t)len);
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, csum(p, 20));
	put16(p + 20, sport);
	put16(p + 22, dport);
	put16(p + 24, (uint16_t)(8 + payload));
	return len;
}

static size_t eth(uint8_t *p, const uint8_t *dst, const uint8_t *src)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16(p + 12, 0x0800);
	return 14;
}

int main(int argc, char **argv)
{
	char *eal[] = { argv[0], "-l", "0", "--no-huge", "-m", "3072", "--no-shconf", "--no-pci",
			"--no-telemetry", "--log-level", "lib.eal:error", NULL };
	static uint8_t frames[FRAMES][128];
	static uint16_t flen[FRAMES];
	static const struct dp_vrf *vlan_vrf[4096];
	struct dp_underlay u = { .n_local4 = 1, .n_local6 = 1 };
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = true };
	struct rte_malloc_socket_stats ms0, ms1;
	struct rte_mbuf *in[BURST], *out[BURST];
	uint16_t out_port[BURST];
	struct dp_tables *t;
	struct dp_worker w;
	struct dp_port eid_port;
	struct rte_mempool *pool;
	enum dp_encap enc;
	const char *mode;
	unsigned long entries, passes, pkts = 0, fwd = 0, per_pass;
	const char *pattern;
	uint32_t *order = NULL;
	uint64_t cycles = 0, t0, best = UINT64_MAX;
	bool decap, hosts;
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: dp_encap_perf lisp|vxlan|gpe|decap|decap-hosts ENTRIES [PASSES] "
				"[sample|walk|random|single]\n");
		return 2;
	}
	mode = argv[1];
	entries = strtoul(argv[2], NULL, 10);
	passes = argc > 3 ? strtoul(argv[3], NULL, 10) : 8;
	pattern = argc > 4 ? argv[4] : "sample";
	decap = strncmp(mode, "decap", 5) == 0;
	hosts = strcmp(mode, "decap-hosts") == 0;
	att.peer_static = !hosts;
	enc = strcmp(mode, "vxlan") == 0 ? DP_ENCAP_VXLAN :
	      strcmp(mode, "gpe") == 0 ? DP_ENCAP_GPE : DP_ENCAP_LISP;
	if (!entries || entries > (1ul << 20))
		return 2;
	if (strcmp(pattern, "sample") && strcmp(pattern, "walk") && strcmp(pattern, "random") &&
	    strcmp(pattern, "single"))
		return 2;
	if (decap && strcmp(pattern, "sample"))
		return 2;	/* decap reads no mapping: one input */
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	pool = rte_pktmbuf_pool_create("perf", 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (!pool)
		return 1;

	u.v4 = (struct dp_underlay_if){ .valid = true, .port_id = 1, .mtu = 1500 };
	memcpy(u.v4.src_mac, rloc_mac, 6);
	memcpy(u.v4.dst_mac, nh_mac, 6);
	u.v6 = u.v4;
	/* As dp_gen.py's lispgw-dp: an IPv4 underlay only (so the instance
	 * without DP_FP_UNDERLAY, fastpath.h); the RLOCs are IPv4. */
	u.v6.valid = false;
	inet_pton(AF_INET, "192.0.2.1", u.v4.src);
	inet_pton(AF_INET6, "2001:db8::1", u.v6.src);
	memcpy(&u.local4[0], u.v4.src, 4);
	memcpy(u.local6[0], u.v6.src, 16);
	rte_malloc_get_socket_stats(0, &ms0);
	t = dp_tables_create(&(struct dp_tables_params){
		.socket_id = SOCKET_ID_ANY, .max_vrfs = 8,
		.max_mappings = (uint32_t)(entries * 2 > 1024 ? entries * 2 : 1024),
		.ipv4_tbl8s = 256, .ipv6_tbl8s = 256, .max_readers = 1, .writer_tid = 0 });
	if (!t) {
		fprintf(stderr, "tables: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (dp_tables_reader_register(t, 0) != 0)
		return 1;
	dp_tables_underlay_set(t, &u);
	memcpy(att.src_mac, gw_mac, 6);
	memcpy(att.dst_mac, host_mac, 6);
	if (dp_tables_vrf_add(t, 100, enc, &att) != 0)
		return 1;
	t0 = rte_rdtsc();
	for (unsigned long i = 0; i < entries; i++) {
		unsigned int a = 10 + (unsigned int)(i >> 16), b = (i >> 8) & 0xff, c = i & 0xff;
		struct dp_rloc_spec r = { .addr = { .af = 4 }, .priority = 1, .weight = 100, .up = true };
		struct dp_mapping_spec s = { .iid = 100, .eid = { .af = 4 }, .plen = 24,
					     .action = LISP_ACT_NO_ACTION, .ttl_s = 86400,
					     .rloc_count = 1, .rlocs = &r };

		s.eid.a[0] = (uint8_t)a;
		s.eid.a[1] = (uint8_t)b;
		s.eid.a[2] = (uint8_t)c;
		r.addr.a[0] = 192;
		r.addr.a[2] = 2;
		r.addr.a[3] = (uint8_t)(2 + (b * 256 + c) % 200);
		rc = dp_tables_mapping_upsert(t, &s);
		if (rc != 0) {
			fprintf(stderr, "upsert %lu: %d\n", i, rc);
			return 1;
		}
	}
	rte_malloc_get_socket_stats(0, &ms1);
	printf("loaded %lu mappings in %.3f s; tables %zu bytes of rte_malloc heap (%.0f per mapping)\n",
	       entries, (double)(rte_rdtsc() - t0) / (double)rte_get_tsc_hz(),
	       ms1.heap_allocsz_bytes - ms0.heap_allocsz_bytes,
	       (double)(ms1.heap_allocsz_bytes - ms0.heap_allocsz_bytes) / (double)entries);

	memset(&w, 0, sizeof(w));
	w.tables = t;
	w.punt = rte_ring_create("perf_punt", 1024, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	w.prng = 0x12345;
	eid_port = (struct dp_port){ .port_id = 0, .role = DP_PORT_ROLE_EID, .mtu = 1500,
				     .untagged_vrf = dp_tables_vrf(t, 100), .vlan_vrf = vlan_vrf };

	for (unsigned int i = 0; i < FRAMES; i++) {
		uint8_t *f = frames[i], src[4] = { 10, 1, 0, 1 }, dst[4];
		unsigned long n = rnd() % entries;

		if (!decap) {
			dst[0] = (uint8_t)(10 + (n >> 16));
			dst[1] = (uint8_t)(n >> 8);
			dst[2] = (uint8_t)n;
			dst[3] = (uint8_t)(1 + rnd() % 254);
			size_t l = eth(f, gw_mac, host_mac);
			flen[i] = (uint16_t)(l + ip4_udp(f + l, src, dst, (uint16_t)(1024 + rnd() % 60000),
							80, 18));
		} else {
			uint8_t inner[46], osrc[4] = { 192, 0, 2, 2 }, odst[4] = { 192, 0, 2, 1 };
			uint8_t isrc[4] = { 10, 2, 0, 5 };
			size_t l = eth(f, rloc_mac, nh_mac), il;

			dst[0] = 10;
			dst[1] = 1;
			dst[2] = (uint8_t)rnd();
			dst[3] = (uint8_t)(1 + rnd() % 254);
			/* As dp_gen.py: the 64-byte frame's IP packet inside LISP
			 * (14 + 28 + 8 + 46 = 96 bytes on the wire). */
			il = ip4_udp(inner, isrc, dst, (uint16_t)(1024 + rnd() % 60000), 80, 18);
			uint8_t lisp[8 + 46] = { 0x88, 1, 2, 3, 0, 0, 100, 0 };
			memcpy(lisp + 8, inner, il);
			uint8_t tmp[128];
			size_t ol = ip4_udp(tmp, osrc, odst, (uint16_t)(50000 + i % 1000), 4341, 8 + il);
			memcpy(tmp + 28, lisp, 8 + il);
			if (l + ol > sizeof(frames[i]))
				return 1;
			memcpy(f + l, tmp, ol);
			flen[i] = (uint16_t)(l + ol);
			if (hosts) {
				struct dp_ip h = { .af = 4 };

				memcpy(h.a, dst, 4);
				if (dp_tables_host_set(t, 100, &h, host_mac) != 0)
					return 1;
			}
		}
	}

	/* walk / random: destination i of a pass is mapping order[i], host
	 * 1 + i % 254, source port varied: a new flow and a new /24 each. */
	per_pass = FRAMES;
	if (!strcmp(pattern, "walk") || !strcmp(pattern, "random")) {
		per_pass = (entries + BURST - 1) / BURST * BURST;
		order = malloc(per_pass * sizeof(*order));
		if (!order)
			return 1;
		for (unsigned long i = 0; i < per_pass; i++)
			order[i] = (uint32_t)(i % entries);
		for (unsigned long i = entries - 1; i > 0 && !strcmp(pattern, "random"); i--) {
			unsigned long j = (((uint64_t)rnd() << 31) ^ rnd()) % (i + 1);
			uint32_t x = order[i];

			order[i] = order[j];
			order[j] = x;
		}
	}

	CALLGRIND_START_INSTRUMENTATION;
	for (unsigned long p = 0; p < passes; p++) {
		uint64_t pass0 = cycles;

		for (unsigned long i = 0; i < per_pass; i += BURST) {
			uint16_t n;

			if (rte_pktmbuf_alloc_bulk(pool, in, BURST) != 0)
				return 1;
			for (unsigned int k = 0; k < BURST; k++) {
				unsigned int f = strcmp(pattern, "single") ? (unsigned int)((i + k) % FRAMES) : 0;
				uint8_t *d = rte_pktmbuf_mtod(in[k], uint8_t *);

				rte_memcpy(rte_pktmbuf_append(in[k], flen[f]), frames[f], flen[f]);
				in[k]->port = 0;
				if (order) {
					uint32_t n24 = order[i + k];

					d[14 + 16] = (uint8_t)(10 + (n24 >> 16));
					d[14 + 17] = (uint8_t)(n24 >> 8);
					d[14 + 18] = (uint8_t)n24;
					d[14 + 19] = (uint8_t)(1 + (i + k) % 254);
					put16(d + 14 + 20, (uint16_t)(1024 + (i + k) * 7919 % 60000));
					put16(d + 14 + 10, 0);
					put16(d + 14 + 10, csum(d + 14, 20));
				}
			}
			t0 = rte_rdtsc();
			if (decap)
				n = dp_decap_burst(&w, NULL, in, BURST, out, out_port);
			else
				n = dp_encap_burst(&w, &eid_port, in, BURST, out, out_port);
			cycles += rte_rdtsc() - t0;
			pkts += BURST;
			fwd += n;
			rte_pktmbuf_free_bulk(out, n);
		}
		best = RTE_MIN(best, cycles - pass0);
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	/* The best pass: on a shared machine the least disturbed one. */
	printf("mode %s entries %lu pattern %s packets %lu forwarded %lu cycles/packet %.1f "
	       "best-pass %.1f\n", mode, entries, pattern, pkts, fwd, (double)cycles / (double)pkts,
	       (double)best / (double)per_pass);
	free(order);
	dp_tables_reader_unregister(t, 0);
	dp_tables_free(t);
	rte_eal_cleanup();
	return fwd == pkts ? 0 : 1;
}
