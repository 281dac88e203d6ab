/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the data-plane unit suites: EAL once per binary (no hugepages,
 * no PCI, one lcore), packets built byte by byte from the RFC layouts (not
 * with the code under test), mbufs from bytes.
 */
#ifndef LISPGW_DP_TEST_H
#define LISPGW_DP_TEST_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "check_util.h"

/* Each binary runs alone (meson runs suites in parallel): no shared
 * config, no telemetry socket.  (22.11 refuses --in-memory with
 * --no-huge: no-huge implies legacy memory.) */
static inline void dp_test_eal_init(const char *prog)
{
	char *argv[] = { (char *)prog, "-l", "0", "--no-huge", "-m", "512", "--no-shconf",
			 "--no-pci", "--no-telemetry", "--log-level", "lib.eal:error", NULL };
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "%s: EAL: %s\n", prog, rte_strerror(rte_errno));
		exit(77);	/* no EAL here: skip, as meson understands it */
	}
}

/* Runs s in this process (CK_NOFORK): the EAL lives in this process. */
static inline int dp_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	rte_eal_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static inline uint16_t t_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void t_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t t_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t t_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* IPv4 + UDP + payload of n bytes 0xa5..; returns the length. */
static inline size_t t_ip4_udp(uint8_t *p, const char *src, const char *dst, uint16_t sport,
			       uint16_t dport, uint8_t ttl, uint8_t tos, size_t n)
{
	size_t len = 20 + 8 + n;

	memset(p, 0, 28);
	p[0] = 0x45;
	p[1] = tos;
	t_put16(p + 2, (uint16_t)len);
	t_put16(p + 4, 0x1234);
	p[8] = ttl;
	p[9] = 17;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	t_put16(p + 10, t_csum(p, 20, 0));
	t_put16(p + 20, sport);
	t_put16(p + 22, dport);
	t_put16(p + 24, (uint16_t)(8 + n));
	for (size_t i = 0; i < n; i++)
		p[28 + i] = (uint8_t)(0xa5 + i);
	return len;
}

/* IPv6 + UDP + payload (UDP checksum left 0: the inner packet is opaque). */
static inline size_t t_ip6_udp(uint8_t *p, const char *src, const char *dst, uint16_t sport,
			       uint16_t dport, uint8_t hlim, uint8_t tc, size_t n)
{
	size_t len = 40 + 8 + n;

	memset(p, 0, 48);
	p[0] = (uint8_t)(0x60 | tc >> 4);
	p[1] = (uint8_t)(tc << 4);
	t_put16(p + 4, (uint16_t)(8 + n));
	p[6] = 17;
	p[7] = hlim;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	t_put16(p + 40, sport);
	t_put16(p + 42, dport);
	t_put16(p + 44, (uint16_t)(8 + n));
	for (size_t i = 0; i < n; i++)
		p[48 + i] = (uint8_t)(0x5a + i);
	return len;
}

/* Ethernet header; vlan 0: untagged.  Returns 14 or 18. */
static inline size_t t_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src, uint16_t vlan,
			   uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (vlan) {
		t_put16(p + 12, 0x8100);
		t_put16(p + 14, vlan);
		t_put16(p + 16, type);
		return 18;
	}
	t_put16(p + 12, type);
	return 14;
}

static inline struct rte_mbuf *t_mbuf(struct rte_mempool *mp, const void *data, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	char *d;

	ck_assert_ptr_nonnull(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	ck_assert_ptr_nonnull(d);
	memcpy(d, data, len);
	return m;
}

#endif
