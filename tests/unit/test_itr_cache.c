/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR's map-cache entries themselves (itr_fixture.h): RLOC probing
 * marks locators down and up, Instance-IDs keep entries apart, the cache
 * bound evicts, static entries stay; unusable parameters are refused.
 */
#include "itr_fixture.h"

/* ---- probing --------------------------------------------------------------------------- */

START_TEST(probing_marks_rlocs_down_and_up)
{
	struct itr_params p;
	struct mapcache_entry *e;
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	unsigned int i;

	world(true);
	/* 300 us each way: the RTT is read on the loop's clock, so it is
	 * exactly the two link delays however busy the machine is. */
	link_delay_us = 300;
	itr_params_test(&p);
	p.probe = true;
	itr_start_with(&p, &ms_addr, 1);
	nrloc_events = 0;
	ck_assert_int_eq(mapcache_observe(itr_cache(itr), watch, NULL), 0);
	resolve("[5]10.5.1.9/32", 0);
	run_for(60);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_ge(ITR_C(probes_sent), 1);
	ck_assert_uint_ge(ITR_C(probe_replies), 1);
	ck_assert_uint_ge(etr_counters(etr)->probes_answered, 1);
	ck_assert(e->rlocs[0].up);
	ck_assert_uint_eq(e->rlocs[0].rtt_us, 600);
	/* The probe: P bit, straight to the RLOC on 4342. */
	for (i = 0; i < nitr_sent && itr_sent[i].msg[0] >> 4 != LISP_MAP_REQUEST; i++)
		;
	ck_assert_uint_lt(i, nitr_sent);
	ck_assert(lisp_addr_equal(&itr_sent[i].dst, &etr_addr));
	ck_assert_uint_eq(itr_sent[i].dport, 4342);
	sent_request(i, &ecm, &req);
	ck_assert(req.probe);
	/* The ETR goes quiet: two unanswered probes and the RLOC is down. */
	etr_down = true;
	run_for(150);
	ck_assert(!e->rlocs[0].up);
	ck_assert_uint_ge(ITR_C(probe_timeouts), 2);
	ck_assert_uint_eq(nrloc_events, 1);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->rlocs_down, 1);
	/* Back: up again at the next answered probe, with its RTT. */
	etr_down = false;
	e->rlocs[0].rtt_us = 0;
	run_for(100);
	ck_assert(e->rlocs[0].up);
	ck_assert_uint_eq(e->rlocs[0].rtt_us, 600);
	ck_assert_uint_eq(nrloc_events, 2);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->rlocs_up, 1);
	ck_assert_uint_eq(ITR_C(probes_unsolicited), 0);
	teardown();
}
END_TEST

/* ---- keys, bounds, static entries ---------------------------------------------------------- */

START_TEST(instance_ids_are_separate)
{
	world(true);
	set_mapping(etr, "[6]10.5.1.0/24", "192.0.2.66");
	run_for(5);
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	resolve("[6]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 2);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 1);
	ck_assert_uint_eq(must("[6]10.5.1.9/32")->rlocs[0].addr.v4[3], 66);
	ck_assert_ptr_null(cached("[7]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(cache_bound_evicts)
{
	struct itr_params p;

	world(true);
	set_mapping_ttl(etr, "[5]10.5.2.0/24", "192.0.2.1", 30);
	set_mapping_ttl(etr, "[5]10.5.3.0/24", "192.0.2.1", 10);
	set_mapping_ttl(etr, "[5]10.5.4.0/24", "192.0.2.1", 60);
	run_for(5);
	itr_params_test(&p);
	p.cache.max_entries = 2;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.5.2.1/32", 0);
	resolve("[5]10.5.3.1/32", 0);
	run_for(5);
	resolve("[5]10.5.4.1/32", 0);
	run_for(5);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 2);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->evicted, 1);
	ck_assert_ptr_null(cached("[5]10.5.3.1/32"));	/* closest to expiry */
	ck_assert_ptr_nonnull(cached("[5]10.5.2.1/32"));
	ck_assert_ptr_nonnull(cached("[5]10.5.4.1/32"));
	teardown();
}
END_TEST

START_TEST(static_entries_stay)
{
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1, .loc_count = 1, .locs = &loc };
	struct lisp_waddr inner;
	struct lisp_prefix sp = pfx("[5]10.5.1.0/24");
	struct lisp_addr sa = addr("192.0.2.50");
	struct mapcache_entry *e;
	struct itr_params p;
	struct lisp_err err;

	world(true);
	itr_params_test(&p);
	p.cache.ttl_max_ms = 150;
	itr_start_with(&p, &ms_addr, 1);
	lisp_waddr_from_prefix(&rec.eid, &inner, &sp);
	rec.mask_len = sp.plen;
	lisp_waddr_from_addr(&loc.addr, &sa);
	ck_assert_int_eq(itr_add_static(itr, &rec, MAPCACHE_SRC_MAP_REPLY, &err), -EINVAL);
	ck_assert_int_eq(itr_add_static(itr, &rec, MAPCACHE_SRC_STATIC, &err), 0);
	/* Only static entries are deleted as such. */
	resolve("[5]10.7.0.1/32", 0);
	run_for(5);
	e = cached("[5]10.7.0.1/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(itr_del_static(itr, &e->eid), -ENOENT);
	/* The mapping system answers for the same prefix: configuration wins,
	 * and outlives every TTL. */
	resolve("[5]10.5.1.9/32", 0);
	run_for(200);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 50);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->expires_ms, MAPCACHE_NEVER);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->static_kept, 1);
	ck_assert_ptr_null(cached("[5]10.7.0.1/32"));	/* expired meanwhile */
	ck_assert_int_eq(itr_del_static(itr, &sp), 0);
	ck_assert_int_eq(itr_del_static(itr, &sp), -ENOENT);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(refuses_unusable_params)
{
	struct itr_params p;
	struct itr_map_resolver r = { .port = 4342 };

	world(true);
	itr_params_test(&p);
	r.addr = ms_addr;
	ck_assert_ptr_null(itr_new(loop, &p, &r, 0, from_xtr, NULL));
	p.rloc_count = 0;
	ck_assert_ptr_null(itr_new(loop, &p, &r, 1, from_xtr, NULL));
	ck_assert_int_eq(errno, EINVAL);
	itr_start();
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("itr_cache");
	TCase *tc = tcase_create("itr_cache");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, probing_marks_rlocs_down_and_up);
	tcase_add_test(tc, instance_ids_are_separate);
	tcase_add_test(tc, cache_bound_evicts);
	tcase_add_test(tc, static_entries_stay);
	tcase_add_test(tc, refuses_unusable_params);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
