/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How the ITR's cached mappings follow the mapping system (itr_fixture.h):
 * expiry and refresh, SMR end to end (the ETR side included: bounded,
 * rate-limited, only on change), pub/sub end to end.
 */
#include "itr_fixture.h"

/* ---- lifetime ------------------------------------------------------------------------ */

START_TEST(expiry_removes_and_tells)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.cache.ttl_max_ms = 150;
	p.cache.refresh_ms = 0;
	itr_start_with(&p, &ms_addr, 1);
	nremoved = 0;
	ck_assert_int_eq(mapcache_observe(itr_cache(itr), watch, NULL), 0);
	resolve("[5]10.5.1.9/32", 0);
	run_for(40);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	run_for(130);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(nremoved, 1);
	ck_assert_int_eq(last_reason, MAPCACHE_RM_EXPIRED);
	ck_assert_uint_eq(ITR_C(requests_sent), 1);
	teardown();
}
END_TEST

START_TEST(refreshes_before_expiry)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.cache.ttl_max_ms = 150;
	p.cache.refresh_ms = 70;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.5.1.9/32", 0);
	run_for(330);
	/* Refreshed at 80, 160, 240...: never expired. */
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	ck_assert_uint_ge(ITR_C(refreshes), 3);
	ck_assert_uint_eq(ITR_C(requests_sent), 1 + ITR_C(refreshes));
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->expired, 0);
	ck_assert_uint_ge(mapcache_counters(itr_cache(itr))->refreshed, 3);
	teardown();
}
END_TEST

/* ---- SMR ----------------------------------------------------------------------------- */

START_TEST(smr_end_to_end)
{
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	unsigned int mark;

	world(false);	/* the ETR answers itself, so it knows who asked */
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	/* The ETR's mapping moves: it registers, and solicits the ITR, which
	 * asks the mapping system again (s bit) and caches the new RLOC. */
	mark = nitr_sent;
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.5");
	run_for(5);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 1);
	ck_assert_uint_eq(ITR_C(smr_received), 1);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 1);
	sent_request(mark, &ecm, &req);
	ck_assert(req.smr_invoked && !req.smr);
	ck_assert(lisp_addr_equal(&itr_sent[mark].dst, &ms_addr));
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->rlocs[0].addr.v4[0], 203);
	ck_assert_uint_eq(e->version, 2);
	/* Moves again at once: the ITR waits out its interval (200 ms here),
	 * then asks. */
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.6");
	run_for(5);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 2);
	ck_assert_uint_eq(ITR_C(smr_rate_limited), 1);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 1);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 5);
	run_for(250);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 2);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 6);
	/* Withdrawn: the ITR hears of that too; the mapping system then has
	 * only a negative answer. */
	ck_assert_int_eq(etr_db_del(etr, &db), 0);
	run_for(250);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 3);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->loc_count, 0);
	/* The /24 entry would shadow the negative answer around it: gone. */
	ck_assert_uint_eq(ITR_C(entries_superseded), 1);
	ck_assert_ptr_null(mapcache_exact(itr_cache(itr), &db));
	teardown();
}
END_TEST

/* A Map-Request with the S bit naming n EIDs, straight to the xTR, as
 * anyone on the Internet may send it. */
static void forge_smr_eids(const char *const *eids, unsigned int n)
{
	struct lisp_request_record recs[64] = { 0 };
	struct lisp_waddr itr_rloc, inner[64];
	struct lisp_map_request req = { .smr = true, .nonce = 9, .itr_rloc_count = 1,
					.record_count = (uint8_t)n, .records = recs };
	uint8_t buf[2048];
	ssize_t len;

	ck_assert_uint_le(n, 64);
	for (unsigned int i = 0; i < n; i++) {
		struct lisp_prefix p = pfx(eids[i]);

		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &p);
		recs[i].mask_len = p.plen;
	}
	lisp_waddr_from_addr(&itr_rloc, &etr_addr);
	req.itr_rlocs = &itr_rloc;
	len = lisp_map_request_encode(&req, buf, sizeof(buf), NULL);
	ck_assert_int_gt(len, 0);
	enqueue(&etr_addr, &xtr_addr, 4342, buf, (size_t)len);
}

static void forge_smr(const char *eid)
{
	forge_smr_eids(&eid, 1);
}

START_TEST(smr_for_what_we_do_not_cache)
{
	struct lisp_record rec = { .ttl = 10, .mask_len = 16 };
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_waddr inner;
	struct lisp_prefix sp = pfx("[5]10.8.0.0/16");
	struct lisp_addr sa = addr("192.0.2.8");

	world(true);
	itr_start();
	forge_smr("[5]10.5.1.0/24");
	run_for(2);
	ck_assert_uint_eq(ITR_C(smr_received), 1);
	ck_assert_uint_eq(ITR_C(smr_ignored), 1);
	ck_assert_uint_eq(ITR_C(requests_sent), 0);
	/* Nor for static entries: configuration is not the mapping system's. */
	lisp_waddr_from_prefix(&rec.eid, &inner, &sp);
	lisp_waddr_from_addr(&loc.addr, &sa);
	rec.loc_count = 1;
	rec.locs = &loc;
	ck_assert_int_eq(itr_add_static(itr, &rec, MAPCACHE_SRC_STATIC, NULL), 0);
	forge_smr("[5]10.8.0.0/16");
	run_for(2);
	ck_assert_uint_eq(ITR_C(smr_ignored), 2);
	ck_assert_uint_eq(ITR_C(requests_sent), 0);
	/* An SMR for a covering prefix reaches the entries under it. */
	resolve("[5]10.5.1.9/32", 0);
	run_for(2);
	forge_smr("[5]10.5.0.0/16");
	run_for(2);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 1);
	teardown();
}
END_TEST

/* An SMR naming n hosts [5]10.5.1.first.., more-specifics of what we cache. */
static void forge_smr_hosts(unsigned int first, unsigned int n)
{
	static char names[64][32];
	const char *eids[64];

	for (unsigned int i = 0; i < n && i < 64; i++) {
		snprintf(names[i], sizeof(names[i]), "[5]10.5.1.%u/32", first + i);
		eids[i] = names[i];
	}
	forge_smr_eids(eids, n);
}

/* Issue 13: 8 SMRs naming more-specifics made 2,037 Map-Requests.  Each
 * EID is asked once at a time, and all SMR-driven requests together at
 * most smr_rate a second: what is sent and kept pending is the bucket's. */
START_TEST(smr_storm_is_bounded)
{
	struct itr_params p;
	uint64_t sent;

	world(true);
	itr_params_test(&p);
	p.smr_rate = 20;
	p.smr_burst = 20;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	sent = ITR_C(requests_sent);
	for (unsigned int k = 0; k < 6; k++)
		forge_smr_hosts(10 + 40 * k, 40);
	pump();
	/* 240 more-specifics named: 20 asked, the rest dropped and counted. */
	ck_assert_uint_eq(ITR_C(smr_received), 6);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 20);
	ck_assert_uint_eq(ITR_C(requests_sent) - sent, 20);
	ck_assert_uint_eq(ITR_C(smr_global_limited), 220);
	ck_assert_uint_le(itr_pending_count(itr), 20);
	/* A second later the bucket has refilled: a genuine SMR is heard. */
	run_for(1000);
	forge_smr_hosts(5, 1);
	pump();
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 21);
	teardown();
}
END_TEST

/* A Map-Request from itr_rloc straight to ETR A (as an ITR would probe). */
static void ask_etr_from(const char *itr_rloc)
{
	struct lisp_request_record rec = { 0 };
	struct lisp_map_request req = { .probe = true, .nonce = 5, .itr_rloc_count = 1,
					.record_count = 1, .records = &rec };
	struct lisp_waddr w, inner;
	struct lisp_prefix p = pfx("[5]10.5.1.1/32");
	struct lisp_addr a = addr(itr_rloc);
	uint8_t buf[256];
	ssize_t n;

	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&w, &a);
	req.itr_rlocs = &w;
	n = lisp_map_request_encode(&req, buf, sizeof(buf), NULL);
	enqueue(&a, &etr_addr, 4342, buf, (size_t)n);
}

START_TEST(etr_smr_is_bounded_and_rate_limited)
{
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");
	char a[32];

	world(true);
	itr_start();
	/* 70 ITRs ask: the ETR remembers the last 64. */
	for (unsigned int i = 0; i < 70; i++) {
		snprintf(a, sizeof(a), "198.18.0.%u", i + 1);
		ask_etr_from(a);
		run_for(0);
	}
	ck_assert_uint_eq(etr_counters(etr)->probes_answered, 70);
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), 64);	/* etr.smr-requesters */
	ck_assert_uint_eq(etr_counters(etr)->smr_requesters_evicted, 6);
	/* The same ITR again is one requester, not two. */
	ask_etr_from("198.18.0.70");
	run_for(0);
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), 64);
	ck_assert_uint_eq(etr_counters(etr)->smr_requesters_evicted, 6);
	/* 100 SMRs a second, 100 at once: 64 go. */
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.5");
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 64);
	ck_assert_uint_eq(etr_counters(etr)->smr_rate_limited, 0);
	/* At once again: 36 tokens left. */
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.6");
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 100);
	ck_assert_uint_eq(etr_counters(etr)->smr_rate_limited, 28);
	run_for(0);
	teardown();
}
END_TEST

START_TEST(etr_smr_only_on_change)
{
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");

	world(true);
	itr_start();
	ask_etr_from("198.18.0.1");
	run_for(0);
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), 1);
	/* The same mapping set again is no change: nobody is solicited. */
	set_mapping_ttl(etr, "[5]10.5.1.0/24", "192.0.2.1", 1440);
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 0);	/* unchanged: nothing */
	set_mapping_ttl(etr, "[5]10.5.1.0/24", "203.0.113.7", 1440);
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 1);
	run_for(0);
	teardown();
}
END_TEST

/* ---- pub/sub ------------------------------------------------------------------------- */

/* The xTR under test registers an EID of its own (so it has a security
 * association with the Map-Server) and its ITR subscribes. */
static void pubsub_world(void)
{
	struct itr_params p;

	world(true);
	etr_b = etr_make(true, 0xbb, from_xtr);
	set_mapping(etr_b, "[5]10.5.9.0/24", "198.51.100.7");
	etr_start(etr_b);
	run_for(5);
	ck_assert(etr_registered(etr_b));
	itr_params_test(&p);
	p.subscribe = true;
	memset(p.xtr_id, 0xbb, sizeof(p.xtr_id));
	memcpy(p.ms_keys[0].key, key, strlen(key));
	p.ms_keys[0].key_len = strlen(key);
	p.ms_key_count = 1;
	itr_start_with(&p, &ms_addr, 1);
}

/* A Map-Notify for eid -> rloc signed with k. */
static void forge_notify(uint64_t nonce, const char *eid, const char *rloc, const char *k)
{
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 60, .loc_count = 1, .locs = &loc };
	struct lisp_map_register n = { .type = LISP_MAP_NOTIFY, .xtr_id_present = true,
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .nonce = nonce,
				       .record_count = 1, .records = &rec };
	struct lisp_waddr inner;
	struct lisp_prefix p = pfx(eid);
	struct lisp_addr a = addr(rloc);
	uint8_t buf[512];
	ssize_t len;

	memset(n.xtr_id, 0xbb, sizeof(n.xtr_id));
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&loc.addr, &a);
	len = lisp_map_register_encode(&n, buf, sizeof(buf), NULL);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)len, k, strlen(k), NULL), 0);
	enqueue(&ms_addr, &xtr_addr, 4342, buf, (size_t)len);
}

START_TEST(pubsub_end_to_end)
{
	struct lisp_map_request req;
	struct lisp_map_register n;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	uint64_t mr_requests, acks;
	struct packet confirm;

	pubsub_world();
	resolve("[5]10.5.1.9/32", 0);
	/* The request subscribes: I bit with our xTR-ID, N bit on the record. */
	sent_request(nitr_sent - 1, &ecm, &req);
	ck_assert(req.xtr_id_present && req.records[0].notify);
	ck_assert_uint_eq(req.xtr_id[0], 0xbb);
	run_for(5);
	ck_assert_uint_eq(pubsub_count(ps), 1);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	/* The Map-Server confirmed with a Map-Notify, which we acknowledged. */
	ck_assert_uint_eq(ITR_C(notifies_received), 1);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), 1);
	ck_assert_uint_eq(map_server_counters(ms)->notify_acks_received, 1);
	ck_assert_uint_ge(nnotifies, 1);
	confirm = notifies[nnotifies - 1];
	/* The EID moves: the cache follows without a Map-Request. */
	mr_requests = map_resolver_counters(mr)->requests_received;
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.5");
	run_for(5);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->rlocs[0].addr.v4[0], 203);
	ck_assert_int_eq(e->source, MAPCACHE_SRC_PUBSUB);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_received, mr_requests);
	ck_assert_uint_eq(ITR_C(requests_sent), 1);
	ck_assert_uint_eq(ITR_C(notify_records_installed), 2);
	ck_assert_uint_eq(map_server_counters(ms)->notify_acks_received, 2);
	ck_assert_uint_eq(map_server_counters(ms)->notify_retransmits, 0);
	/* A notify signed with another key is dropped, unacknowledged. */
	acks = ITR_C(notify_acks_sent);
	lisp_arena_reset(&arena);
	ck_assert_int_eq(lisp_map_register_decode(notifies[nnotifies - 1].msg,
						  notifies[nnotifies - 1].len, &arena, &n, NULL), 0);
	forge_notify(n.nonce + 1, "[5]10.5.1.0/24", "203.0.113.66", "not-the-key");
	run_for(2);
	ck_assert_uint_eq(ITR_C(notify_auth_failures), 1);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 5);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), acks);
	/* The right key, but a replay of the first notify: stale. */
	enqueue(&ms_addr, &xtr_addr, 4342, confirm.msg, confirm.len);
	run_for(2);
	ck_assert_uint_eq(ITR_C(notify_stale), 1);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[0], 203);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), acks);
	/* The right key and the next nonce: applied. */
	forge_notify(n.nonce + 1, "[5]10.5.1.0/24", "203.0.113.77", key);
	run_for(2);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 77);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), acks + 1);
	/* Notifies for what we did not subscribe to are the ETR's. */
	ck_assert_uint_eq(ITR_C(notifies_received), 5);
	ck_assert_uint_ge(etr_counters(etr_b)->notifies_received, 1);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("itr_updates");
	TCase *tc = tcase_create("itr_updates");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, expiry_removes_and_tells);
	tcase_add_test(tc, refreshes_before_expiry);
	tcase_add_test(tc, smr_end_to_end);
	tcase_add_test(tc, smr_for_what_we_do_not_cache);
	tcase_add_test(tc, smr_storm_is_bounded);
	tcase_add_test(tc, etr_smr_is_bounded_and_rate_limited);
	tcase_add_test(tc, etr_smr_only_on_change);
	tcase_add_test(tc, pubsub_end_to_end);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
