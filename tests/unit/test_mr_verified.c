/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Resolver's budget for verified ITRs (map-resolver.verified-rate-limit,
 * .trusted-itrs; docs/security.md "Legitimate work under a flood"): a flood
 * of spoofed sources spends the global reply bucket, and an ITR that
 * registered with the site's key from its address, or that the operator
 * vouches for, is still answered from a bucket of its own.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "golden_msgs.h"
#include "lisp_auth.h"
#include "map_resolver.h"
#include "pubsub.h"

#include "map_resolver_fixture.h"

static struct lisp_addr addr(const char *s)
{
	struct lisp_addr a;

	ck_assert_int_eq(lisp_addr_parse(s, &a, NULL), 0);
	return a;
}

/* n spoofed sources (198.18.0.x) ask, their ITR-RLOC the fixture's. */
static void spoofed_flood(const uint8_t *ecm, size_t len, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		map_resolver_input(mr, ecm, len, &(struct lisp_addr){ .afi = LISP_AFI_IPV4,
				   .v4 = { 198, 18, (uint8_t)(i >> 8), (uint8_t)i } }, 4342);
}

/* One request from src with ITR-RLOC ecm_itr: answered? */
static bool answered_from(const char *src, const char *eid)
{
	struct lisp_addr from = addr(src);
	uint8_t buf[512];
	size_t n = build_ecm(eid, buf, sizeof(buf));

	nsent = 0;
	map_resolver_input(mr, buf, n, &from, 4342);
	return nsent == 1 && sent[0].msg[0] >> 4 == LISP_MAP_REPLY;
}

/* The MR again, with these verified-budget settings. */
static void remake_mr(uint32_t verified_rate, const char *trusted)
{
	struct lisp_prefix p;
	struct mr_params rp;

	map_resolver_free(mr);
	map_resolver_params_default(&rp);
	rp.global_rate = rp.global_burst = 10;
	rp.verified_rate = rp.verified_burst = verified_rate;
	if (trusted) {
		ck_assert_int_eq(lisp_prefix_parse(trusted, &p, NULL), 0);
		rp.trusted_itrs = &p;
		rp.trusted_itr_count = 1;
	}
	mr = map_resolver_new(loop, &rp, ms, sites, capture, NULL);
	ck_assert_ptr_nonnull(mr);
	map_resolver_set_pubsub(mr, ps);
}

/* The xTR at 192.0.2.99 registered (proxy reply): after 100 spoofed
 * requests spend the global bucket's 10, its own request is answered. */
START_TEST(registered_itr_served_under_flood)
{
	struct lisp_map_reply *r;
	uint8_t buf[512];
	size_t n;

	remake_mr(10000, NULL);
	do_register("[1]10.1.7.0/24", "192.0.2.99", true);
	n = build_ecm("[1]10.1.7.1/32", buf, sizeof(buf));
	spoofed_flood(buf, n, 100);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_global_limited, 90);
	r = ask("[1]10.1.7.1/32");	/* from 192.0.2.99 */
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(record_eid(&r->records[0]), "[1]10.1.7.0/24");
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_global_limited, 90);
}
END_TEST

/* Without the registration, the same request is one more of the flood. */
START_TEST(unregistered_itr_shares_the_global_bucket)
{
	uint8_t buf[512];
	size_t n;

	remake_mr(10000, NULL);
	do_register("[1]10.1.7.0/24", "192.0.2.50", true);
	n = build_ecm("[1]10.1.7.1/32", buf, sizeof(buf));
	spoofed_flood(buf, n, 100);
	ck_assert(!answered_from("192.0.2.99", "[1]10.1.7.1/32"));
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 0);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_global_limited, 91);
}
END_TEST

/* A spoofer that names the verified address as its ITR-RLOC, or sends
 * from it naming another ITR-RLOC, gets no verified budget. */
START_TEST(half_verified_is_not_verified)
{
	uint8_t buf[512];
	size_t n;

	remake_mr(10000, NULL);
	do_register("[1]10.1.7.0/24", "192.0.2.99", true);
	n = build_ecm("[1]10.1.7.1/32", buf, sizeof(buf));
	spoofed_flood(buf, n, 100);	/* ITR-RLOC 192.0.2.99, spoofed sources */
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 0);
	ecm_itr = "203.0.113.5";	/* from the verified address, elsewhere */
	ck_assert(!answered_from("192.0.2.99", "[1]10.1.7.1/32"));
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 0);
	/* Both verified (the ETR registered from each): answered. */
	do_register_from("[1]10.1.8.0/24", "203.0.113.5", NULL, true, 0, 2);
	ck_assert(answered_from("192.0.2.99", "[1]10.1.7.1/32"));
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 1);
}
END_TEST

/* Verified while the registration lives: 180 s without a refresh and the
 * address is one of the crowd again. */
START_TEST(verification_expires_with_the_registration)
{
	uint8_t buf[512];
	size_t n;

	remake_mr(10000, NULL);
	do_register("[1]10.1.7.0/24", "192.0.2.99", true);
	t_clock_advance_us(181ull * 1000000);
	evloop_now_update(loop);
	n = build_ecm("[1]10.1.9.1/32", buf, sizeof(buf));
	spoofed_flood(buf, n, 100);
	nsent = 0;
	ck_assert(!answered_from("192.0.2.99", "[1]10.1.9.1/32"));
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 0);
}
END_TEST

/* The verified bucket is a limit too: 3 a second, then counted. */
START_TEST(verified_budget_is_limited)
{
	remake_mr(3, NULL);
	do_register("[1]10.1.7.0/24", "192.0.2.99", true);
	for (unsigned int i = 0; i < 3; i++)
		ck_assert(answered_from("192.0.2.99", "[1]10.1.7.1/32"));
	ck_assert(!answered_from("192.0.2.99", "[1]10.1.7.1/32"));
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 4);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_verified_limited, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_global_limited, 0);
}
END_TEST

/* trusted-itrs: a PITR that registers nothing, inside the prefix, is
 * served under the flood; one outside is not. */
START_TEST(trusted_itrs_are_verified)
{
	uint8_t buf[512];
	size_t n;

	remake_mr(10000, "192.0.2.0/24");
	do_register("[1]10.1.7.0/24", "203.0.113.9", true);
	n = build_ecm("[1]10.1.7.1/32", buf, sizeof(buf));
	spoofed_flood(buf, n, 100);
	ck_assert(answered_from("192.0.2.99", "[1]10.1.7.1/32"));
	ecm_itr = "198.51.100.7";
	ck_assert(!answered_from("198.51.100.7", "[1]10.1.7.1/32"));
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_verified, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mr_verified");
	TCase *tc = tcase_create("verified");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, registered_itr_served_under_flood);
	tcase_add_test(tc, unregistered_itr_shares_the_global_bucket);
	tcase_add_test(tc, half_verified_is_not_verified);
	tcase_add_test(tc, verification_expires_with_the_registration);
	tcase_add_test(tc, verified_budget_is_limited);
	tcase_add_test(tc, trusted_itrs_are_verified);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
