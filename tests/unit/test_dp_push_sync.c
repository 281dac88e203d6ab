/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the pusher sends the data plane (dp_push_fixture.h):
 *  - attach and the first replay: every map-cache entry and database entry
 *    arrives with its IID, prefix, RLOCs, priorities, weights, up/down,
 *    TTL, action and flags, under the data plane's generation;
 *  - live changes: insert, update, RLOC down/up, withdraw, delete, static
 *    entries; native-forward entries carry the Proxy-ETRs; more RLOCs than
 *    the data plane takes; the database replaced (only what changed is
 *    sent); a node without ITR or database sends an empty resync; a big
 *    replay paced by the ring; unusable parameters refused.
 */
#include "dp_push_fixture.h"

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(attach_and_replay)
{
	static const char *const r1[] = { "192.0.2.1/1/70", "2001:db8::2/1/30", "192.0.2.3/5/100" };
	static const char *const r2[] = { "198.51.100.9/2/100" };
	const struct dp_entry *e;

	setup();
	cache_put("[1]10.1.0.0/16", 10, LISP_ACT_NO_ACTION, r1, 3);
	cache_put("[2]10.1.0.0/16", 60, LISP_ACT_NO_ACTION, r2, 1);	/* same prefix, IID 2 */
	cache_put("[1]2001:db8:aa::/48", 15, LISP_ACT_DROP, NULL, 0);	/* negative */
	cfg_map(0, "[1]10.9.0.0/24", 1440, "203.0.113.1", 1, 100);
	push = push_start();
	dp_push_db_load(push, cfg_maps, 1);
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(dp_push_generation(push), 1);
	ck_assert_uint_eq(dp_channel_server_generation(srv), 1);
	ck_assert_uint_eq(ntable, 4);
	ck_assert_uint_eq(dp_push_last_resync(push)->entries, 4);
	ck_assert_uint_eq(dp_push_last_resync(push)->stale, 0);
	ck_assert_uint_eq(dp_push_counters(push)->replayed, 4);

	e = dp_get("[1]10.1.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.key.iid, 1);
	ck_assert_uint_eq(e->m.ttl_s, 600);
	ck_assert_uint_eq(e->m.action, LISP_ACT_NO_ACTION);
	ck_assert_uint_eq(e->m.flags, 0);
	ck_assert_uint_eq(e->m.rloc_count, 3);
	check_rloc(&e->m.rlocs[0], "192.0.2.1", 1, 70, DP_MSG_LOC_F_UP);
	check_rloc(&e->m.rlocs[1], "2001:db8::2", 1, 30, DP_MSG_LOC_F_UP);
	check_rloc(&e->m.rlocs[2], "192.0.2.3", 5, 100, DP_MSG_LOC_F_UP);
	e = dp_get("[2]10.1.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.rloc_count, 1);
	check_rloc(&e->m.rlocs[0], "198.51.100.9", 2, 100, DP_MSG_LOC_F_UP);
	e = dp_get("[1]2001:db8:aa::/48", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.rloc_count, 0);
	ck_assert_uint_eq(e->m.action, LISP_ACT_DROP);
	ck_assert_uint_eq(e->m.flags, DP_MSG_MAP_F_NEGATIVE);
	ck_assert_uint_eq(e->m.ttl_s, 900);
	e = dp_get("[1]10.9.0.0/24", DP_MSG_TABLE_DATABASE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.flags, DP_MSG_MAP_F_AUTHORITATIVE);
	ck_assert_uint_eq(e->m.ttl_s, 1440 * 60);
	check_rloc(&e->m.rlocs[0], "203.0.113.1", 1, 100, DP_MSG_LOC_F_UP | DP_MSG_LOC_F_LOCAL);
	ck_assert_ptr_null(dp_get("[1]10.9.0.0/24", DP_MSG_TABLE_MAPCACHE));
	teardown();
}
END_TEST

/* itr.petrs: a negative native-forward entry reaches the data plane with
 * the Proxy-ETRs as its locators (replayed and live); other negative
 * entries stay without. */
START_TEST(native_forward_carries_the_petrs)
{
	struct cp_config_rloc petr[2] = { { .priority = 1, .weight = 60 },
					  { .priority = 1, .weight = 40 } };
	struct dp_push_params p;
	const struct dp_entry *e;

	setup();
	ck_assert_int_eq(lisp_addr_parse("198.51.100.1", &petr[0].addr, NULL), 0);
	ck_assert_int_eq(lisp_addr_parse("2001:db8:ff::1", &petr[1].addr, NULL), 0);
	cache_put("[1]10.8.0.0/16", 10, LISP_ACT_NATIVE_FORWARD, NULL, 0);
	cache_put("[1]10.7.0.0/16", 10, LISP_ACT_DROP, NULL, 0);
	dp_push_params_default(&p);
	p.reconnect_min_ms = 5;
	p.petrs = petr;
	p.petr_count = 2;
	push = push_start_with(&p);
	memset(petr, 0, sizeof(petr));	/* copied */
	RUN_UNTIL(synced(push), 2000);
	e = dp_get("[1]10.8.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(e->m.rloc_count, 2);
	check_rloc(&e->m.rlocs[0], "198.51.100.1", 1, 60, DP_MSG_LOC_F_UP);
	check_rloc(&e->m.rlocs[1], "2001:db8:ff::1", 1, 40, DP_MSG_LOC_F_UP);
	e = dp_get("[1]10.7.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.rloc_count, 0);
	cache_put("[1]10.6.0.0/16", 10, LISP_ACT_NATIVE_FORWARD, NULL, 0);
	RUN_UNTIL(dp_get("[1]10.6.0.0/16", DP_MSG_TABLE_MAPCACHE) != NULL, 2000);
	e = dp_get("[1]10.6.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, 2);
	check_rloc(&e->m.rlocs[0], "198.51.100.1", 1, 60, DP_MSG_LOC_F_UP);
	teardown();
}
END_TEST

START_TEST(live_changes)
{
	static const char *const a[] = { "192.0.2.1/1/50", "192.0.2.2/1/50" };
	static const char *const b[] = { "192.0.2.7/3/10" };
	struct mapcache_entry *me;
	const struct dp_entry *e;
	struct lisp_prefix p;
	struct lisp_err err;
	struct rec_buf rb;

	setup();
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 0);

	/* Insert. */
	me = cache_put("[7]10.2.0.0/16", 5, 0, a, 2);
	RUN_UNTIL(dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE), 1000);
	e = dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, 2);
	ck_assert_uint_eq(e->m.ttl_s, 300);
	/* RLOC 1 down (probing), then up again with its RTT. */
	mapcache_rloc_unanswered(mc, me, 1, 1);
	RUN_UNTIL(n_rloc == 1, 1000);
	ck_assert_uint_eq(last_rloc.index, 1);
	ck_assert_uint_eq(last_rloc.up, 0);
	ck_assert_uint_eq(dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE)->m.rlocs[1].flags, 0);
	mapcache_rloc_reachable(mc, me, 1, 1234, evloop_now_ms(loop));
	RUN_UNTIL(n_rloc == 2, 1000);
	ck_assert_uint_eq(last_rloc.up, 1);
	ck_assert_uint_eq(last_rloc.rtt_us, 1234);
	/* Update: a new RLOC set replaces the old one as a whole. */
	cache_put("[7]10.2.0.0/16", 5, 0, b, 1);
	RUN_UNTIL(dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE)->upserts == 2, 1000);
	e = dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, 1);
	check_rloc(&e->m.rlocs[0], "192.0.2.7", 3, 10, DP_MSG_LOC_F_UP);
	/* Withdraw (TTL 0) deletes. */
	ck_assert_int_eq(mapcache_update(mc, make_rec(&rb, "[7]10.2.0.0/16", 0, 0, b, 1),
					 MAPCACHE_SRC_MAP_REPLY, NULL, &err), 0);
	RUN_UNTIL(n_removed[DP_CHANNEL_RM_DELETE] == 1, 1000);
	ck_assert_uint_eq(ntable, 0);
	/* A static entry carries its flag; deleting it deletes it. */
	ck_assert_int_eq(itr_add_static(itr, make_rec(&rb, "[7]10.3.0.0/16", 60, 0, a, 2),
					MAPCACHE_SRC_STATIC, &err), 0);
	RUN_UNTIL(dp_get("[7]10.3.0.0/16", DP_MSG_TABLE_MAPCACHE), 1000);
	e = dp_get("[7]10.3.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.flags, DP_MSG_MAP_F_STATIC);
	ck_assert_int_eq(lisp_prefix_parse("[7]10.3.0.0/16", &p, NULL), 0);
	ck_assert_int_eq(itr_del_static(itr, &p), 0);
	RUN_UNTIL(n_removed[DP_CHANNEL_RM_DELETE] == 2, 1000);
	/* Expiry deletes too. */
	cache_put("[7]10.4.0.0/16", 1, 0, a, 2);
	RUN_UNTIL(ntable == 1, 1000);
	mapcache_flush(mc, false);
	RUN_UNTIL(ntable == 0, 1000);
	/* A DN EID is never pushed, and counted. */
	ck_assert_int_eq(mapcache_update(mc, make_rec(&rb, "[7]dn:agent-1", 5, 0, a, 1),
					 MAPCACHE_SRC_MAP_REPLY, NULL, &err), 0);
	run_for(20);
	ck_assert_uint_eq(ntable, 0);
	ck_assert_uint_ge(dp_push_counters(push)->eids_skipped, 1);
	teardown();
}
END_TEST

START_TEST(more_rlocs_than_the_dp_takes)
{
	static char names[40][32];
	const char *v[40];
	const struct dp_entry *e;

	setup();
	/* 40 RLOCs, priorities 40 down to 1: the 32 best reach the DP. */
	for (unsigned int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "192.0.2.%u/%u/1", i + 1, 40 - i);
		v[i] = names[i];
	}
	cache_put("[1]10.7.0.0/16", 5, 0, v, 40);
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	e = dp_get("[1]10.7.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, DP_MSG_RLOCS_MAX);
	ck_assert_uint_eq(e->m.rlocs[0].priority, 1);
	ck_assert_uint_eq(e->m.rlocs[DP_MSG_RLOCS_MAX - 1].priority, 32);
	ck_assert_uint_eq(dp_push_counters(push)->rlocs_truncated, 8);
	teardown();
}
END_TEST

START_TEST(database_reload)
{
	setup();
	cfg_map(0, "[1]10.9.0.0/24", 60, "203.0.113.1", 1, 100);
	cfg_map(1, "[1]10.9.1.0/24", 60, "203.0.113.1", 1, 100);
	cfg_map(2, "[2]2001:db8:9::/48", 60, "2001:db8::1", 1, 100);
	push = push_start();
	dp_push_db_load(push, cfg_maps, 3);
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 3);
	n_upserts = 0;
	/* Reload: #0 unchanged, #1 gone, #2 changed weight, #3 new. */
	cfg_map(1, "[2]2001:db8:9::/48", 60, "2001:db8::1", 1, 50);
	cfg_map(2, "[1]10.9.2.0/24", 60, "203.0.113.1", 1, 100);
	dp_push_db_load(push, cfg_maps, 3);
	RUN_UNTIL(n_upserts == 2 && n_removed[DP_CHANNEL_RM_DELETE] == 1, 1000);
	run_for(10);
	ck_assert_uint_eq(n_upserts, 2);
	ck_assert_uint_eq(ntable, 3);
	ck_assert_uint_eq(dp_get("[1]10.9.0.0/24", DP_MSG_TABLE_DATABASE)->upserts, 1);
	ck_assert_uint_eq(dp_get("[2]2001:db8:9::/48", DP_MSG_TABLE_DATABASE)->m.rlocs[0].weight,
			  50);
	ck_assert_ptr_null(dp_get("[1]10.9.1.0/24", DP_MSG_TABLE_DATABASE));
	/* Set/del of one entry (what the REST API does). */
	{
		static const char *const r[] = { "203.0.113.2/1/100" };
		struct rec_buf b;
		struct lisp_prefix p;

		ck_assert_int_eq(dp_push_db_set(push, make_rec(&b, "[4]10.4.0.0/16", 60, 0, r, 1)),
				 0);
		RUN_UNTIL(dp_get("[4]10.4.0.0/16", DP_MSG_TABLE_DATABASE), 1000);
		ck_assert_int_eq(lisp_prefix_parse("[4]10.4.0.0/16", &p, NULL), 0);
		ck_assert_int_eq(dp_push_db_del(push, &p), 0);
		ck_assert_int_eq(dp_push_db_del(push, &p), -ENOENT);
		RUN_UNTIL(!dp_get("[4]10.4.0.0/16", DP_MSG_TABLE_DATABASE), 1000);
	}
	ck_assert_uint_eq(dp_push_db_count(push), 3);
	teardown();
}
END_TEST

START_TEST(map_server_only_sends_nothing)
{
	static const char *const r[] = { "192.0.2.1/1/100" };
	struct dp_push_params p;
	struct dp_push *ms_only;
	struct dp_msg_miss m = { .eid = key_of("[5]10.5.0.9/32", DP_MSG_TABLE_MAPCACHE) };

	setup();
	cache_put("[1]10.0.0.0/24", 60, 0, r, 1);
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 1);
	dp_push_free(push);
	push = NULL;
	/* A node with neither ITR nor ETR: an empty resync, which leaves
	 * the data plane with exactly that. */
	dp_push_params_default(&p);
	p.socket_path = sock_path;
	p.reconnect_min_ms = 5;
	ms_only = dp_push_new(loop, &p, NULL);
	ck_assert_ptr_nonnull(ms_only);
	RUN_UNTIL(synced(ms_only), 2000);
	ck_assert_uint_eq(dp_push_counters(ms_only)->replayed, 0);
	ck_assert_uint_eq(dp_push_last_resync(ms_only)->entries, 0);
	ck_assert_uint_eq(ntable, 0);
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_STALE], 1);
	/* Misses have no ITR to go to. */
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(ms_only)->misses_invalid == 1, 1000);
	ck_assert_uint_eq(requests_sent, 0);
	dp_push_free(ms_only);
	teardown();
}
END_TEST

/* A big replay is paced by the ring (100k one-RLOC mappings take 200k
 * slots, the ring 64k): everything arrives, the loop never blocks long. */
START_TEST(replay_100k)
{
	static const char *const r[] = { "192.0.2.1/1/100", "2001:db8::1/1/100" };
	const unsigned int n = 100000;
	uint64_t t0, t1;
	char eid[64];

	setup();
	light = true;
	dp_channel_server_free(srv);
	server_start(DP_CHANNEL_CP_SLOTS_DEF);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(eid, sizeof(eid), "[%u]10.%u.%u.%u/32", 1 + i % 4, (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		cache_put(eid, 60, 0, r, 1 + i % 2);
	}
	t0 = t_wall_ms();
	push = push_start();
	RUN_UNTIL(synced(push), 60000);
	t1 = t_wall_ms();
	ck_assert_uint_eq(ntable, n);
	ck_assert_uint_eq(dp_channel_server_entries(srv), n);
	ck_assert_uint_eq(dp_push_last_resync(push)->entries, n);
	fprintf(stderr, "dp_push: replay of %u mappings to the reference data plane, one thread "
		"for both: %llu ms (%.0f mappings/s)\n", n, (unsigned long long)(t1 - t0),
		(double)n * 1000 / (double)(t1 - t0 ? t1 - t0 : 1));
	teardown();
}
END_TEST

START_TEST(bad_params)
{
	struct dp_push_params p;

	setup();
	dp_push_params_default(&p);
	ck_assert_ptr_null(dp_push_new(loop, &p, itr));
	ck_assert_int_eq(errno, EINVAL);
	/* Nothing listens on a path: it keeps trying, quietly. */
	p.socket_path = "/nonexistent/dp.sock";
	p.reconnect_min_ms = 1;
	p.reconnect_max_ms = 4;
	push = dp_push_new(loop, &p, itr);
	ck_assert_ptr_nonnull(push);
	run_for(30);
	ck_assert_uint_ge(dp_push_counters(push)->connect_failures, 5);
	ck_assert(!dp_push_attached(push));
	ck_assert_int_eq(dp_push_flush(push, DP_MSG_TABLES_ALL), -ENOTCONN);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_push_sync");
	TCase *tc = tcase_create("dp_push_sync");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, attach_and_replay);
	tcase_add_test(tc, live_changes);
	tcase_add_test(tc, native_forward_carries_the_petrs);
	tcase_add_test(tc, more_rlocs_than_the_dp_takes);
	tcase_add_test(tc, database_reload);
	tcase_add_test(tc, map_server_only_sends_nothing);
	tcase_add_test(tc, replay_100k);
	tcase_add_test(tc, bad_params);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
