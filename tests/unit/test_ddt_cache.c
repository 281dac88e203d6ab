/* SPDX-License-Identifier: BSD-3-Clause */
/* The DDT Map-Resolver's referral cache (controlplane/ddt/ddt_cache.h). */
#include <errno.h>

#include "check_util.h"
#include "ddt_cache.h"

static struct ddt_cache_entry entry(const char *prefix, uint64_t expires_ms, bool negative)
{
	struct ddt_cache_entry e = { .negative = negative, .expires_ms = expires_ms,
				     .ttl_min = 1 };

	ck_assert_int_eq(lisp_prefix_parse(prefix, &e.prefix, NULL), 0);
	return e;
}

static struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

START_TEST(longest_match_per_iid)
{
	struct ddt_cache *c = ddt_cache_new(16);
	struct ddt_cache_entry e8 = entry("[1]10.0.0.0/8", 10000, false);
	struct ddt_cache_entry e16 = entry("[1]10.1.0.0/16", 10000, false);
	struct lisp_prefix q = pfx("[1]10.1.2.3/32"), q2 = pfx("[1]10.2.0.1/32");
	struct lisp_prefix q3 = pfx("[2]10.1.2.3/32");
	struct ddt_cache_entry *got;

	e16.ref_count = 1;
	ck_assert_int_eq(ddt_cache_put(c, &e8, 0), 0);
	ck_assert_int_eq(ddt_cache_put(c, &e16, 0), 0);
	got = ddt_cache_lookup(c, &q, 0);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->prefix.plen, 16);
	got = ddt_cache_lookup(c, &q2, 0);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->prefix.plen, 8);
	/* Another Instance-ID never matches. */
	ck_assert_ptr_null(ddt_cache_lookup(c, &q3, 0));
	ck_assert_uint_eq(ddt_cache_count(c), 2);
	ddt_cache_free(c);
}
END_TEST

START_TEST(expired_entries_never_returned)
{
	struct ddt_cache *c = ddt_cache_new(16);
	struct ddt_cache_entry e8 = entry("[1]10.0.0.0/8", 20000, false);
	struct ddt_cache_entry e16 = entry("[1]10.1.0.0/16", 10000, true);
	struct lisp_prefix q = pfx("[1]10.1.2.3/32");
	struct ddt_cache_entry *got;

	ck_assert_int_eq(ddt_cache_put(c, &e8, 0), 0);
	ck_assert_int_eq(ddt_cache_put(c, &e16, 0), 0);
	got = ddt_cache_lookup(c, &q, 9999);
	ck_assert_ptr_nonnull(got);
	ck_assert(got->negative);
	/* Past the /16's expiry the /8 answers, and the /16 is gone. */
	got = ddt_cache_lookup(c, &q, 10000);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->prefix.plen, 8);
	ck_assert_uint_eq(ddt_cache_count(c), 1);
	ck_assert_ptr_null(ddt_cache_lookup(c, &q, 20000));
	ck_assert_uint_eq(ddt_cache_count(c), 0);
	ddt_cache_free(c);
}
END_TEST

START_TEST(cap_refuses_then_expiry_makes_room)
{
	struct ddt_cache *c = ddt_cache_new(16);
	struct ddt_cache_entry e;
	char buf[64];

	for (int i = 0; i < 16; i++) {
		snprintf(buf, sizeof(buf), "[1]10.%d.0.0/16", i);
		e = entry(buf, i < 8 ? 1000 : 5000, false);
		ck_assert_int_eq(ddt_cache_put(c, &e, 0), 0);
	}
	e = entry("[1]10.200.0.0/16", 5000, false);
	ck_assert_int_eq(ddt_cache_put(c, &e, 0), -ENOSPC);
	/* Replacing an entry needs no room. */
	e = entry("[1]10.3.0.0/16", 5000, true);
	ck_assert_int_eq(ddt_cache_put(c, &e, 0), 0);
	ck_assert_uint_eq(ddt_cache_count(c), 16);
	/* At 1000 ms the first 8 (bar the replaced one) have expired: swept. */
	e = entry("[1]10.200.0.0/16", 5000, false);
	ck_assert_int_eq(ddt_cache_put(c, &e, 1000), 0);
	ck_assert_uint_eq(ddt_cache_count(c), 10);
	ck_assert_uint_eq(ddt_cache_expire(c, 5000), 10);
	ddt_cache_free(c);
}
END_TEST

START_TEST(expire_sweeps_more_than_a_batch)
{
	struct ddt_cache *c = ddt_cache_new(1000);
	struct ddt_cache_entry e;
	char buf[64];

	for (int i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "[7]10.%d.%d.0/24", i / 256, i % 256);
		e = entry(buf, 100, false);
		ck_assert_int_eq(ddt_cache_put(c, &e, 0), 0);
	}
	ck_assert_uint_eq(ddt_cache_expire(c, 99), 0);
	ck_assert_uint_eq(ddt_cache_expire(c, 100), 300);
	ck_assert_uint_eq(ddt_cache_count(c), 0);
	ddt_cache_free(c);
}
END_TEST

static int count_negative(const struct ddt_cache_entry *e, void *arg)
{
	*(int *)arg += e->negative;
	return 0;
}

START_TEST(remove_and_walk)
{
	struct ddt_cache *c = ddt_cache_new(16);
	struct ddt_cache_entry a = entry("[1]10.0.0.0/8", 100, true);
	struct ddt_cache_entry b = entry("[1]2001:db8::/32", 100, true);
	struct lisp_prefix p = pfx("[1]10.0.0.0/8");
	int neg = 0;

	ck_assert_int_eq(ddt_cache_put(c, &a, 0), 0);
	ck_assert_int_eq(ddt_cache_put(c, &b, 0), 0);
	ddt_cache_walk(c, count_negative, &neg);
	ck_assert_int_eq(neg, 2);
	ck_assert_int_eq(ddt_cache_remove(c, &p), 0);
	ck_assert_int_eq(ddt_cache_remove(c, &p), -ENOENT);
	ck_assert_uint_eq(ddt_cache_count(c), 1);
	ck_assert_uint_eq(ddt_cache_cap(c), 16);
	ddt_cache_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ddt_cache");
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, longest_match_per_iid);
	tcase_add_test(tc, expired_entries_never_returned);
	tcase_add_test(tc, cap_refuses_then_expiry_makes_room);
	tcase_add_test(tc, expire_sweeps_more_than_a_batch);
	tcase_add_test(tc, remove_and_walk);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
