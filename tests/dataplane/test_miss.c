/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/miss.h: the worker's miss events and their per-EID rate limit,
 * with the TSC given by the test: one event per EID and interval, the
 * Instance-ID part of the key, the fields of an event (IPv4 and IPv6),
 * the misses coalesced into it, a full ring that loses the event but not
 * the next try, and the bound under a destination scan.
 */
#include <errno.h>

#include "counters.h"
#include "dp_test.h"
#include "miss.h"

#define IVL 1000	/* TSC ticks */

static struct dp_counters ctr;
static uint8_t pkt[128];

/* ip of a packet from src to dst (IPv4 or IPv6). */
static const uint8_t *ip_of(const char *src, const char *dst)
{
	if (strchr(dst, ':'))
		t_ip6_udp(pkt, src, dst, 1000, 80, 64, 0, 8);
	else
		t_ip4_udp(pkt, src, dst, 1000, 80, 64, 0, 8);
	return pkt;
}

static void note(struct dp_miss *m, uint32_t iid, const char *dst, uint64_t now)
{
	bool v6 = strchr(dst, ':') != NULL;

	if (v6)
		dp_miss_note(m, &ctr, iid, ip_of("2001:db8:1::5", dst), 0, now);
	else
		dp_miss_note(m, &ctr, iid, ip_of("10.1.0.5", dst), 1, now);
}

static uint64_t c(enum dp_ctr i)
{
	return ctr.c[i];
}

START_TEST(one_event_per_eid_and_interval)
{
	struct dp_miss *m = dp_miss_create(0, SOCKET_ID_ANY, IVL);
	struct dp_miss_ev ev[8];
	static const uint8_t d4[4] = { 10, 9, 0, 1 }, s4[4] = { 10, 1, 0, 5 };
	static const uint8_t d6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 9, [15] = 1 };
	static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 5 };

	ck_assert_ptr_nonnull(m);
	memset(&ctr, 0, sizeof(ctr));
	note(m, 1, "10.9.0.1", 5000);
	for (uint64_t t = 5001; t < 5000 + IVL; t += 100)
		note(m, 1, "10.9.0.1", t);		/* 10 within the interval */
	note(m, 2, "10.9.0.1", 5500);			/* another IID: another EID */
	note(m, 1, "2001:db8:9::1", 5500);
	ck_assert_uint_eq(c(DP_CTR_MISS_EVENTS), 3);
	ck_assert_uint_eq(c(DP_CTR_MISS_SUPPRESSED), 10);
	note(m, 1, "10.9.0.1", 5000 + IVL);		/* the interval is over */
	ck_assert_uint_eq(c(DP_CTR_MISS_EVENTS), 4);

	ck_assert_uint_eq(dp_miss_dequeue(m, ev, 8), 4);
	ck_assert_uint_eq(ev[0].iid, 1);
	ck_assert_uint_eq(ev[0].af, 4);
	ck_assert_uint_eq(ev[0].src_af, 4);
	ck_assert_mem_eq(ev[0].dst, d4, 4);
	ck_assert_mem_eq(ev[0].src, s4, 4);
	ck_assert_uint_eq(ev[0].packets, 1);
	ck_assert_uint_eq(ev[1].iid, 2);
	ck_assert_mem_eq(ev[1].dst, d4, 4);
	ck_assert_uint_eq(ev[2].af, 6);
	ck_assert_mem_eq(ev[2].dst, d6, 16);
	ck_assert_mem_eq(ev[2].src, s6, 16);
	/* The 10 suppressed misses and this one. */
	ck_assert_uint_eq(ev[3].packets, 11);
	ck_assert_uint_eq(dp_miss_dequeue(m, ev, 8), 0);
	dp_miss_free(m);
}
END_TEST

START_TEST(interval_zero_lets_every_miss_through)
{
	struct dp_miss *m = dp_miss_create(1, SOCKET_ID_ANY, 0);
	struct dp_miss_ev ev[8];

	ck_assert_ptr_nonnull(m);

	memset(&ctr, 0, sizeof(ctr));
	for (int i = 0; i < 5; i++)
		note(m, 1, "10.9.0.1", 7);
	ck_assert_uint_eq(c(DP_CTR_MISS_EVENTS), 5);
	ck_assert_uint_eq(dp_miss_dequeue(m, ev, 8), 5);
	dp_miss_free(m);
}
END_TEST

START_TEST(full_ring_loses_the_event_not_the_next_try)
{
	struct dp_miss *m = dp_miss_create(2, SOCKET_ID_ANY, IVL);
	struct dp_miss_ev ev[1];
	unsigned int cap;

	ck_assert_ptr_nonnull(m);
	cap = rte_ring_get_capacity(m->ring);

	memset(&ctr, 0, sizeof(ctr));
	/* One EID, an interval apart: every miss is an event until the
	 * ring is full. */
	for (unsigned int i = 1; i <= cap; i++)
		note(m, 1, "10.9.0.1", (uint64_t)i * IVL);
	ck_assert_uint_eq(c(DP_CTR_MISS_EVENTS), cap);
	note(m, 1, "10.9.0.1", (uint64_t)(cap + 1) * IVL);
	ck_assert_uint_eq(c(DP_CTR_MISS_RING_FULL), 1);
	ck_assert_uint_eq(dp_miss_dequeue(m, ev, 1), 1);
	/* The lost event did not count as one: the next miss is not
	 * suppressed. */
	note(m, 1, "10.9.0.1", (uint64_t)(cap + 1) * IVL + 1);
	ck_assert_uint_eq(c(DP_CTR_MISS_RING_FULL), 1);
	ck_assert_uint_eq(c(DP_CTR_MISS_EVENTS), cap + 1);
	dp_miss_free(m);
}
END_TEST

START_TEST(scan_is_bounded_by_the_table)
{
	struct dp_miss *m = dp_miss_create(3, SOCKET_ID_ANY, IVL);
	struct dp_miss_ev ev[64];
	char dst[32];
	uint64_t events = 0;

	ck_assert_ptr_nonnull(m);

	memset(&ctr, 0, sizeof(ctr));
	for (unsigned int i = 0; i < 100000; i++) {
		snprintf(dst, sizeof(dst), "10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
		note(m, 1, dst, 100 + i / 1000);	/* all within one interval */
		while (dp_miss_dequeue(m, ev, 64))
			;
	}
	events = c(DP_CTR_MISS_EVENTS);
	ck_assert_uint_le(events, 2 * DP_MISS_RL_BUCKETS);
	ck_assert_uint_gt(events, DP_MISS_RL_BUCKETS);
	ck_assert_uint_eq(events + c(DP_CTR_MISS_SUPPRESSED), 100000);
	ck_assert_uint_eq(c(DP_CTR_MISS_RING_FULL), 0);
	dp_miss_free(m);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_miss");
	TCase *tc = tcase_create("miss");

	(void)argc;
	dp_test_eal_init(argv[0]);
	tcase_add_test(tc, one_event_per_eid_and_interval);
	tcase_add_test(tc, interval_zero_lets_every_miss_through);
	tcase_add_test(tc, full_ring_loses_the_event_not_the_next_try);
	tcase_add_test(tc, scan_is_bounded_by_the_table);
	suite_add_tcase(s, tc);
	return dp_test_run(s);
}
