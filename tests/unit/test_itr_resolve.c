/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ITR resolution (itr_fixture.h): proxy and ETR-answered replies, negative
 * replies, dual stack and non-IP EIDs, retransmission, fail-over and giving
 * up, new Map-Resolvers on reconfiguration, unsolicited and off-topic
 * replies, coalesced misses.
 */
#include "itr_fixture.h"

/* ---- resolution ------------------------------------------------------------------ */

START_TEST(resolves_through_proxy_reply)
{
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	struct lisp_prefix want = pfx("[5]10.5.1.9/32");

	world(true);
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	/* The ECM: inner header from our RLOC to the EID, from the port we
	 * receive on to 4342; inside, our RLOC as ITR-RLOC, no source EID, a
	 * random nonce, the EID with its Instance-ID. */
	ck_assert_uint_eq(nitr_sent, 1);
	ck_assert(lisp_addr_equal(&itr_sent[0].dst, &ms_addr));
	sent_request(0, &ecm, &req);
	ck_assert(lisp_addr_equal(&ecm.inner_src, &xtr_addr));
	ck_assert(ecm.inner_dst.afi == LISP_AFI_IPV4 && ecm.inner_dst.v4[3] == 9);
	ck_assert_uint_eq(ecm.inner_sport, 4342);
	ck_assert_uint_eq(ecm.inner_dport, 4342);
	ck_assert_uint_eq(req.itr_rloc_count, 1);
	ck_assert(lisp_addr_equal(&req.itr_rlocs[0].plain, &xtr_addr));
	ck_assert_uint_eq(req.source_eid.afi, LISP_AFI_NONE);
	ck_assert_uint_ne(req.nonce, 0);
	ck_assert(!req.xtr_id_present && !req.smr && !req.smr_invoked && !req.probe);
	ck_assert_uint_eq(req.record_count, 1);
	{
		struct lisp_prefix got;

		ck_assert_int_eq(lisp_waddr_to_prefix(&req.records[0].eid, req.records[0].mask_len,
						      &got, NULL), 0);
		ck_assert(lisp_prefix_equal(&got, &want));
	}
	run_for(5);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->eid.iid, 5);
	ck_assert_uint_eq(e->eid.plen, 24);
	ck_assert_uint_eq(e->ttl_min, 1440);
	ck_assert_uint_eq(e->expires_ms - e->updated_ms, 1440ull * 60000);
	ck_assert_int_eq(e->source, MAPCACHE_SRC_MAP_REPLY);
	ck_assert_uint_eq(e->rloc_count, 1);
	ck_assert(lisp_addr_equal(&e->rlocs[0].addr, &etr_addr));
	ck_assert_uint_eq(e->rlocs[0].priority, 1);
	ck_assert_uint_eq(e->rlocs[0].weight, 100);
	ck_assert(e->rlocs[0].up);
	ck_assert_uint_eq(itr_pending_count(itr), 0);
	ck_assert_uint_eq(ITR_C(replies_accepted), 1);
	ck_assert_uint_eq(ITR_C(records_installed), 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_proxy, 1);
	teardown();
}
END_TEST

START_TEST(non_proxy_the_etr_answers)
{
	struct mapcache_entry *e;
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");

	world(false);
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_forwarded, 1);
	ck_assert_uint_eq(etr_counters(etr)->requests_answered, 1);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert(e->authoritative);
	ck_assert(lisp_addr_equal(&e->rlocs[0].addr, &etr_addr));
	/* The ETR remembers who asked, for SMR. */
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), 1);
	teardown();
}
END_TEST

START_TEST(negative_replies)
{
	struct lisp_prefix want = pfx("[5]10.7.0.1/32");
	struct mapcache_entry *e;
	struct itr_params p;

	world(true);
	itr_start();
	/* Not an EID at all: natively forward, 15 minutes. */
	resolve("[5]10.7.0.1/32", 0);
	/* Inside the site, not registered: ask again, 1 minute. */
	resolve("[5]10.5.77.1/32", 0);
	run_for(5);
	e = cached("[5]10.7.0.1/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->loc_count, 0);
	ck_assert_uint_eq(e->action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(e->ttl_min, 15);
	ck_assert(lisp_prefix_covers(&e->eid, &want));
	e = cached("[5]10.5.77.1/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->action, LISP_ACT_SEND_MAP_REQUEST);
	ck_assert_uint_eq(e->ttl_min, 1);
	ck_assert_uint_eq(ITR_C(negative_installed), 2);
	itr_free(itr);
	/* Told not to keep negative entries. */
	itr_params_test(&p);
	p.cache_negative = false;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.7.0.1/32", 0);
	run_for(5);
	ck_assert_ptr_null(cached("[5]10.7.0.1/32"));
	ck_assert_uint_eq(ITR_C(negative_skipped), 1);
	teardown();
}
END_TEST

START_TEST(retransmits_and_fails_over)
{
	struct lisp_addr mrs[2];
	struct itr_params p;

	world(true);
	mrs[0] = silent_addr[0];
	mrs[1] = ms_addr;
	itr_params_test(&p);
	itr_start_with(&p, mrs, 2);
	resolve("[5]10.5.1.9/32", 0);
	/* 20 ms, then 40 more: two tries to the silent one, then the next. */
	run_for(30);
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	run_for(50);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_uint_eq(ITR_C(request_retransmits), 1);
	ck_assert_uint_eq(ITR_C(request_failovers), 1);
	ck_assert_uint_eq(ITR_C(requests_sent), 3);
	/* Later resolutions go to the one that answered. */
	ck_assert_uint_eq(itr_current_map_resolver(itr), 1);
	resolve("[5]10.5.2.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_uint_eq(ITR_C(requests_sent), 4);
	teardown();
}
END_TEST

/* A configuration reload (itr_reconfigure): the new Map-Resolver list takes
 * the next resolution, and one in flight at a Map-Resolver that is gone
 * retries at the new list's first; negative entries follow the flag. */
START_TEST(reconfigure_takes_new_map_resolvers)
{
	struct itr_map_resolver to_ms;
	struct itr_params p;

	world(true);
	to_ms = (struct itr_map_resolver){ ms_addr, LISP_CONTROL_PORT };
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 2);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(silent_rx[0], 1);
	p.cache_negative = false;
	ck_assert_int_eq(itr_reconfigure(itr, &p, &to_ms, 0), -EINVAL);
	ck_assert_int_eq(itr_reconfigure(itr, &p, &to_ms, 1), 0);
	ck_assert_uint_eq(itr_current_map_resolver(itr), 0);
	/* The pending one retransmits to the Map-Server now (its own index,
	 * 0, is the new list's only entry) and is answered. */
	run_for(60);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(silent_rx[0], 1);
	ck_assert_uint_eq(silent_rx[1], 0);
	resolve("[5]10.7.0.1/32", 0);
	run_for(5);
	ck_assert_ptr_null(cached("[5]10.7.0.1/32"));	/* negative, not kept now */
	ck_assert_uint_eq(ITR_C(negative_skipped), 1);
	ck_assert_uint_eq(silent_rx[0], 1);
	teardown();
}
END_TEST

START_TEST(gives_up_after_every_map_resolver)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 2);
	resolve("[5]10.5.1.9/32", 0);
	run_for(100);
	ck_assert_uint_eq(ITR_C(resolves_gave_up), 0);
	run_for(60);
	/* 2 tries each (20 + 40 ms), then nothing: no negative entry is made
	 * up, the next miss asks again. */
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_uint_eq(silent_rx[1], 2);
	ck_assert_uint_eq(ITR_C(resolves_gave_up), 1);
	ck_assert_uint_eq(itr_pending_count(itr), 0);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 0);
	resolve("[5]10.5.1.9/32", 0);
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	teardown();
}
END_TEST

START_TEST(dual_stack_and_non_ip_eids)
{
	struct lisp_addr src = addr("10.5.3.3"), v6 = addr("2001:db8::7");
	struct lisp_prefix eid6 = pfx("[5]2001:db8:5::1/128"), got;
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.rlocs[1] = v6;
	p.rloc_count = 2;
	itr_start_with(&p, silent_addr, 1);
	/* An IPv6 EID: the inner header is IPv6, from our IPv6 RLOC; both
	 * RLOCs are ITR-RLOCs; the source EID is the host that missed, in
	 * the EID's Instance-ID. */
	ck_assert_int_eq(itr_resolve_from(itr, &eid6, &v6), 0);
	sent_request(0, &ecm, &req);
	ck_assert_uint_eq(ecm.ip_version, 6);
	ck_assert(lisp_addr_equal(&ecm.inner_src, &v6));
	ck_assert(lisp_addr_equal(&ecm.inner_dst, &eid6.addr));
	ck_assert_uint_eq(req.itr_rloc_count, 2);
	ck_assert(lisp_addr_equal(&req.itr_rlocs[1].plain, &v6));
	ck_assert_int_eq(lisp_waddr_to_prefix(&req.source_eid, 128, &got, NULL), 0);
	ck_assert_uint_eq(got.iid, 5);
	/* A MAC EID cannot be a destination: the Map-Resolver stands in. */
	ck_assert_int_eq(itr_resolve_from(itr, &(struct lisp_prefix){ 0 }, &src), -EINVAL);
	{
		struct lisp_prefix mac = pfx("[5]mac:00:11:22:33:44:55/48");

		ck_assert_int_eq(itr_resolve(itr, &mac), 0);
	}
	sent_request(1, &ecm, &req);
	ck_assert_uint_eq(ecm.ip_version, 4);
	ck_assert(lisp_addr_equal(&ecm.inner_src, &xtr_addr));
	ck_assert(lisp_addr_equal(&ecm.inner_dst, &silent_addr[0]));
	teardown();
}
END_TEST

/* A Map-Reply for eid with one RLOC, nonce given. */
static void forge_reply(uint64_t nonce, const char *eid1, const char *eid2)
{
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_record recs[2] = { { .ttl = 60, .loc_count = 1, .locs = &loc },
				       { .ttl = 60, .loc_count = 1, .locs = &loc } };
	struct lisp_map_reply r = { .nonce = nonce, .record_count = eid2 ? 2 : 1, .records = recs };
	struct lisp_waddr in1, in2;
	struct lisp_prefix p1 = pfx(eid1), p2 = pfx(eid2 ? eid2 : eid1);
	struct lisp_addr evil = addr("203.0.113.66");
	uint8_t buf[512];
	ssize_t n;

	lisp_waddr_from_addr(&loc.addr, &evil);
	lisp_waddr_from_prefix(&recs[0].eid, &in1, &p1);
	recs[0].mask_len = p1.plen;
	lisp_waddr_from_prefix(&recs[1].eid, &in2, &p2);
	recs[1].mask_len = p2.plen;
	n = lisp_map_reply_encode(&r, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	enqueue(&silent_addr[0], &xtr_addr, 4342, buf, (size_t)n);
}

START_TEST(unsolicited_replies_are_never_installed)
{
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 1);
	forge_reply(0x1234, "[5]10.5.1.0/24", NULL);
	run_for(2);
	ck_assert_uint_eq(ITR_C(replies_unsolicited), 1);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 0);
	/* With the pending nonce, only the record that answers the question is
	 * taken: another EID in the same reply would poison the cache. */
	resolve("[5]10.5.1.9/32", 0);
	sent_request(0, &ecm, &req);
	forge_reply(req.nonce, "[5]10.5.1.0/24", "[5]10.9.0.0/16");
	run_for(2);
	ck_assert_uint_eq(ITR_C(replies_accepted), 1);
	ck_assert_uint_eq(ITR_C(reply_records_refused), 1);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(cached("[5]10.9.1.1/32"));
	/* The same reply again: the request is answered, the nonce spent. */
	forge_reply(req.nonce, "[5]10.5.1.0/24", NULL);
	run_for(2);
	ck_assert_uint_eq(ITR_C(replies_unsolicited), 2);
	teardown();
}
END_TEST

START_TEST(duplicate_misses_coalesce)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 1);
	resolve("[5]10.5.1.9/32", 0);
	resolve("[5]10.5.1.9/32", -EALREADY);
	resolve("[5]10.5.1.9/32", -EALREADY);
	resolve("[6]10.5.1.9/32", 0);	/* another Instance-ID: another EID */
	ck_assert_uint_eq(ITR_C(requests_sent), 2);
	ck_assert_uint_eq(ITR_C(resolves_coalesced), 2);
	ck_assert_uint_eq(itr_pending_count(itr), 2);
	/* Unkeyable EIDs are refused. */
	{
		struct lisp_prefix none = { 0 };

		ck_assert_int_eq(itr_resolve(itr, &none), -EINVAL);
	}
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("itr_resolve");
	TCase *tc = tcase_create("itr_resolve");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, resolves_through_proxy_reply);
	tcase_add_test(tc, non_proxy_the_etr_answers);
	tcase_add_test(tc, negative_replies);
	tcase_add_test(tc, dual_stack_and_non_ip_eids);
	tcase_add_test(tc, retransmits_and_fails_over);
	tcase_add_test(tc, gives_up_after_every_map_resolver);
	tcase_add_test(tc, reconfigure_takes_new_map_resolvers);
	tcase_add_test(tc, unsolicited_replies_are_never_installed);
	tcase_add_test(tc, duplicate_misses_coalesce);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
