/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC across the roles (mr_lispsec.c, etr_lispsec.c, itr_lispsec.c;
 * RFC 9303): an ITR that requires it resolves through our Map-Resolver and
 * Map-Server, proxy-replied (site lisp-sec proxy), answered by the ETR
 * (lisp-sec etr), negatively; and every way the chain breaks is refused
 * where it breaks, counted there, and leaves the ITR's map-cache empty:
 * a site with lisp-sec off, a Map-Resolver without a key or with another
 * one, an ETR with another key than its Map-Server's site; and an ETR in
 * the Map-Server's own process.
 */
#include "itr_fixture.h"
#include "lisp_sec.h"

#define MR_C(name) (map_resolver_counters(mr)->name)
#define ETR_C(name) (etr_counters(etr)->name)

static const uint8_t k_mr[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t k_site[16] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
				    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf };

/* The mapping system with the given site mode, ETR A registered (proxy or
 * not), and a required ITR whose wrapping key is itr_key. */
static void sec_world(uint8_t site_mode, bool proxy, const uint8_t *itr_key)
{
	struct itr_params p;

	world_site_sec = site_mode;
	world_mr_sec = true;
	world_etr_sec = true;
	memcpy(world_mr_key, k_mr, 16);
	memcpy(world_site_key, k_site, 16);
	memcpy(world_etr_key, k_site, 16);
	world(proxy);
	itr_params_test(&p);
	p.request_timeout_ms = 1000;
	p.lisp_sec = ITR_LISP_SEC_REQUIRED;
	p.lisp_sec_aes = true;
	memcpy(p.lisp_sec_key, itr_key, 16);
	itr_start_with(&p, &ms_addr, 1);
}

/* The last Map-Reply that reached the xTR's address, for a second look. */
static bool last_reply_signed(void)
{
	for (unsigned int i = qtail; i-- > 0 && qtail - i < QUEUE_MAX;) {
		const struct packet *p = &queue[i % QUEUE_MAX];

		if (lisp_addr_equal(&p->dst, &xtr_addr) && p->msg[0] >> 4 == LISP_MAP_REPLY)
			return p->msg[0] & 0x02;
	}
	ck_abort_msg("no Map-Reply reached the ITR");
	return false;
}

START_TEST(proxy_site_signed_by_the_map_server)
{
	/* The registration did not ask for proxy replies: lisp-sec proxy
	 * has the Map-Server answer (and sign) anyway. */
	sec_world(SITE_LISP_SEC_PROXY, false, k_mr);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_requests), 1);
	ck_assert_uint_eq(MR_C(lisp_sec_replies_signed), 1);
	ck_assert_uint_eq(MR_C(requests_forwarded), 0);
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	ck_assert(last_reply_signed());
	ck_assert(lisp_addr_equal(&must("[5]10.5.1.9/32")->rlocs[0].addr, &etr_addr));
	teardown();
}
END_TEST

START_TEST(etr_site_signed_by_the_etr)
{
	sec_world(SITE_LISP_SEC_ETR, false, k_mr);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_forwards_signed), 1);
	ck_assert_uint_eq(MR_C(lisp_sec_replies_signed), 0);
	ck_assert_uint_eq(ETR_C(lisp_sec_requests), 1);
	ck_assert_uint_eq(ETR_C(lisp_sec_replies_signed), 1);
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	ck_assert(must("[5]10.5.1.9/32")->authoritative);
	teardown();
}
END_TEST

START_TEST(etr_site_proxy_registration_signed_by_the_map_server)
{
	sec_world(SITE_LISP_SEC_ETR, true, k_mr);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_replies_signed), 1);
	ck_assert_uint_eq(ETR_C(lisp_sec_requests), 0);
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(negative_replies_are_signed)
{
	sec_world(SITE_LISP_SEC_PROXY, true, k_mr);
	resolve("[5]10.5.77.1/32", 0);	/* in the site, not registered */
	resolve("[5]10.7.0.1/32", 0);	/* not an EID */
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_replies_signed), 2);
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 2);
	ck_assert_uint_eq(must("[5]10.5.77.1/32")->loc_count, 0);
	ck_assert_uint_eq(must("[5]10.7.0.1/32")->action, LISP_ACT_NATIVE_FORWARD);
	teardown();
}
END_TEST

START_TEST(site_off_is_unsigned_and_refused)
{
	sec_world(SITE_LISP_SEC_OFF, true, k_mr);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_unprotected), 1);
	ck_assert(!last_reply_signed());
	ck_assert_uint_eq(ITR_C(lisp_sec_dropped_no_ad), 1);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(site_off_forward_is_stripped)
{
	sec_world(SITE_LISP_SEC_OFF, false, k_mr);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	/* The ETR got the request without the ITR's AD and answered
	 * unsigned. */
	ck_assert_uint_eq(MR_C(lisp_sec_unprotected), 1);
	ck_assert_uint_eq(ETR_C(lisp_sec_requests), 0);
	ck_assert_uint_eq(ETR_C(requests_answered), 1);
	ck_assert_uint_eq(ITR_C(lisp_sec_dropped_no_ad), 1);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(wrong_itr_key_refused_at_the_map_resolver)
{
	sec_world(SITE_LISP_SEC_PROXY, true, k_site);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_otk_refused), 1);
	ck_assert_uint_eq(MR_C(replies_proxy), 0);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(map_resolver_without_key_answers_unsigned)
{
	sec_world(SITE_LISP_SEC_PROXY, true, k_mr);
	map_resolver_free(mr);	/* again, without its key */
	{
		struct mr_params rp;

		map_resolver_params_default(&rp);
		rp.rate = 0;
		mr = map_resolver_new(loop, &rp, ms, sites, from_ms, NULL);
		map_resolver_set_pubsub(mr, ps);
	}
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_no_key), 1);
	ck_assert_uint_eq(ITR_C(lisp_sec_dropped_no_ad), 1);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(etr_with_another_key_refuses)
{
	sec_world(SITE_LISP_SEC_ETR, false, k_mr);
	etr_free(etr);
	memcpy(world_etr_key, k_mr, 16);	/* not the site's */
	etr = etr_make(false, 0xaa, from_etr);
	set_mapping(etr, "[5]10.5.1.0/24", "192.0.2.1");
	etr_start(etr);
	run_for(10);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(lisp_sec_forwards_signed), 1);
	ck_assert_uint_eq(ETR_C(lisp_sec_otk_refused), 1);
	ck_assert_uint_eq(ETR_C(requests_answered), 0);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

/* The Map-Server beside the ETR in one process (cp.c's mr_local): the
 * request is handed over without a source address, and the ETR finds the
 * key that unwraps the MS-OTK among its Map-Servers'. */
static bool is_etr_a(void *arg, const struct reg_who *who)
{
	(void)arg;
	return who->has_xtr_id && who->xtr_id[0] == 0xaa;
}

static void local_input(void *arg, const uint8_t *ecm, size_t len)
{
	struct lisp_addr none = { .afi = LISP_AFI_NONE };

	(void)arg;
	etr_input(etr, ecm, len, &none, 4342);
}

START_TEST(colocated_etr_signs)
{
	const struct mr_local local = { .is_self = is_etr_a, .etr_input = local_input };

	sec_world(SITE_LISP_SEC_ETR, false, k_mr);
	map_resolver_set_local(mr, &local);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(MR_C(requests_local_etr), 1);
	ck_assert_uint_eq(MR_C(lisp_sec_forwards_signed), 1);
	ck_assert_uint_eq(ETR_C(lisp_sec_replies_signed), 1);
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lispsec_roles");
	TCase *tc = tcase_create("lispsec_roles");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, proxy_site_signed_by_the_map_server);
	tcase_add_test(tc, etr_site_signed_by_the_etr);
	tcase_add_test(tc, etr_site_proxy_registration_signed_by_the_map_server);
	tcase_add_test(tc, negative_replies_are_signed);
	tcase_add_test(tc, site_off_is_unsigned_and_refused);
	tcase_add_test(tc, site_off_forward_is_stripped);
	tcase_add_test(tc, wrong_itr_key_refused_at_the_map_resolver);
	tcase_add_test(tc, map_resolver_without_key_answers_unsigned);
	tcase_add_test(tc, etr_with_another_key_refuses);
	tcase_add_test(tc, colocated_etr_signs);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
