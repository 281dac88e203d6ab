/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-source token buckets (ratelimit.h): each source its own rate; a
 * flood of spoofed sources larger than the table costs the table and no
 * more (each bucket RATELIMIT_BUCKET_BYTES, the pushed-out counted); a
 * source heard from all along keeps its bucket (and so its limit) through
 * such a flood; IPv4 and IPv6 sources with the same leading bytes are two
 * sources.  Time is an argument: nothing here reads a clock.
 */
#include "check_util.h"

#include "ratelimit.h"

static struct lisp_addr v4(uint32_t n)
{
	uint8_t b[4] = { n >> 24, n >> 16, n >> 8, n };
	struct lisp_addr a;

	lisp_addr_set_v4(&a, b);
	return a;
}

START_TEST(limits_each_source)
{
	struct ratelimit *rl = ratelimit_new(10, 5, 1024);
	struct lisp_addr a = v4(0xc0000201), b = v4(0xc0000202);
	unsigned int ok = 0;

	ck_assert_ptr_nonnull(rl);
	for (int i = 0; i < 20; i++)
		ok += ratelimit_allow(rl, &a, 1000);
	ck_assert_uint_eq(ok, 5);			/* the burst */
	ck_assert(ratelimit_allow(rl, &b, 1000));	/* another source: its own */
	ck_assert(!ratelimit_allow(rl, &a, 1050));
	ck_assert(ratelimit_allow(rl, &a, 1100));	/* 10/s: one per 100 ms */
	ck_assert_uint_eq(ratelimit_evictions(rl), 0);
	ratelimit_free(rl);
}
END_TEST

/* 200,000 spoofed sources through a 1,024-bucket table: all but the
 * table's worth pushed out and counted; a source that keeps sending all
 * along (the most recent in its set each time) keeps its bucket, so the
 * flood does not reset its limit. */
START_TEST(spoofed_flood_costs_the_table_only)
{
	struct ratelimit *rl = ratelimit_new(1, 1, 1024);
	struct lisp_addr busy = v4(0x0a000001);
	unsigned int busy_ok = 0;
	uint64_t now = 1000;

	ck_assert_uint_eq(RATELIMIT_BUCKET_BYTES, 24);
	for (uint32_t i = 0; i < 200000; i++) {
		struct lisp_addr spoofed = v4(0xc6120000 + i);

		ck_assert(ratelimit_allow(rl, &spoofed, now));	/* a first packet passes */
		if (i % 4 == 0) {
			busy_ok += ratelimit_allow(rl, &busy, now);
			now++;
		}
	}
	/* 50 s of test time at 1/s, burst 1: at most 51 allowed. */
	ck_assert_uint_le(busy_ok, 1 + (now - 1000) / 1000);
	ck_assert_uint_ge(ratelimit_evictions(rl), 200000 - 1024);
	ratelimit_free(rl);
}
END_TEST

START_TEST(ipv4_and_ipv6_are_distinct)
{
	struct ratelimit *rl = ratelimit_new(1, 1, 64);
	uint8_t b6[16] = { 10, 0, 0, 1 };
	struct lisp_addr a4 = v4(0x0a000001), a6;

	lisp_addr_set_v6(&a6, b6);
	ck_assert(ratelimit_allow(rl, &a4, 1000));
	ck_assert(!ratelimit_allow(rl, &a4, 1000));
	ck_assert(ratelimit_allow(rl, &a6, 1000));
	ck_assert(!ratelimit_allow(rl, &a6, 1000));
	ratelimit_free(rl);
}
END_TEST

START_TEST(unlimited_when_rate_is_zero)
{
	struct ratelimit *rl = ratelimit_new(0, 0, 8);
	struct lisp_addr a = v4(1);

	for (int i = 0; i < 1000; i++)
		ck_assert(ratelimit_allow(rl, &a, 1000));
	ratelimit_free(rl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("ratelimit");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, limits_each_source);
	tcase_add_test(tc, spoofed_flood_costs_the_table_only);
	tcase_add_test(tc, ipv4_and_ipv6_are_distinct);
	tcase_add_test(tc, unlimited_when_rate_is_zero);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
