/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel through failures (dp_push_fixture.h):
 *  - a control plane that dies mid-replay removes nothing; the next one
 *    replays everything under a new generation and the stale entry alone
 *    goes; a data plane that restarts gets a full replay after back-off;
 *    a second control plane is refused;
 *  - a full ring: the backlog keeps order and loses nothing; an
 *    overflowing backlog turns into a resync that converges.
 */
#include "dp_push_fixture.h"

START_TEST(cp_crash_mid_replay_then_restart)
{
	static const char *const r[] = { "192.0.2.1/1/100" };
	struct dp_push_params p;
	char eid[64];

	setup();
	for (unsigned int i = 0; i < 10; i++) {
		snprintf(eid, sizeof(eid), "[1]10.0.%u.0/24", i);
		cache_put(eid, 60, 0, r, 1);
	}
	/* Generation 1: all ten. */
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 10);
	/* The control plane dies (no resync-end ever comes from it). */
	dp_push_free(push);
	push = NULL;
	dp_channel_server_poll(srv, 256);
	ck_assert(!dp_channel_server_attached(srv));
	ck_assert_uint_eq(ntable, 10);	/* forwarding keeps every mapping */

	/* Its successor replays one entry a turn, and dies after a few:
	 * its partial replay is applied, nothing is removed. */
	{
		struct lisp_prefix gone;

		ck_assert_int_eq(lisp_prefix_parse("[1]10.0.3.0/24", &gone, NULL), 0);
		ck_assert_int_eq(mapcache_delete(mc, &gone), 0);	/* while nobody listened */
	}
	cache_put("[1]10.0.3.0/25", 60, 0, r, 1);	/* and a new one */
	dp_push_params_default(&p);
	p.reconnect_min_ms = 5;
	p.replay_batch = 1;
	push = push_start_with(&p);
	RUN_UNTIL(dp_push_attached(push), 1000);
	step();
	step();
	dp_push_free(push);
	push = NULL;
	dp_channel_server_poll(srv, 256);
	ck_assert(!dp_channel_server_attached(srv));
	ck_assert_uint_eq(dp_channel_server_counters_get(srv)->resyncs_abandoned, 1);
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_ge(ntable, 10);

	/* The third one replays it all under generation 3: the deleted entry
	 * alone is stale; the new one is there. */
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(dp_push_generation(push), 3);
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_STALE], 1);
	{
		struct dp_msg_key gone = key_of("[1]10.0.3.0/24", DP_MSG_TABLE_MAPCACHE);

		ck_assert_mem_eq(&last_removed, &gone, sizeof(gone));
	}
	ck_assert_ptr_nonnull(dp_get("[1]10.0.3.0/25", DP_MSG_TABLE_MAPCACHE));
	ck_assert_uint_eq(ntable, 10);
	ck_assert_uint_eq(dp_push_last_resync(push)->entries, 10);
	ck_assert_uint_eq(dp_push_last_resync(push)->stale, 1);
	teardown();
}
END_TEST

START_TEST(dp_restart_and_second_cp)
{
	static const char *const r[] = { "192.0.2.1/1/100" };
	struct dp_push *other;

	setup();
	cache_put("[1]10.0.0.0/24", 60, 0, r, 1);
	cache_put("[1]10.0.1.0/24", 60, 0, r, 1);
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	/* A second control plane on the same data plane: refused, retried. */
	other = push_start();
	RUN_UNTIL(dp_push_counters(other)->refused_busy >= 2, 2000);
	ck_assert(!dp_push_attached(other));
	dp_push_free(other);
	/* The data plane restarts (a new process: an empty table, generations
	 * from 1 again): the control plane notices, reconnects with back-off
	 * and replays everything. */
	dp_channel_server_free(srv);
	srv = NULL;
	ntable = 0;
	RUN_UNTIL(!dp_push_attached(push), 1000);
	ck_assert_uint_eq(dp_push_counters(push)->disconnects, 1);
	run_for(30);	/* a few failed attempts: nobody listens */
	ck_assert_uint_gt(dp_push_counters(push)->connect_failures, 0);
	server_start(1024);
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(dp_push_counters(push)->connects, 2);
	ck_assert_uint_eq(ntable, 2);
	ck_assert_uint_eq(dp_push_generation(push), 1);
	teardown();
}
END_TEST

START_TEST(full_ring_backlog_keeps_order)
{
	static const char *const r1[] = { "192.0.2.1/1/100" };
	static const char *const r2[] = { "192.0.2.1/1/100", "192.0.2.2/2/100" };
	char eid[64];

	setup();
	dp_channel_server_free(srv);
	server_start(64);	/* 64 slots: a handful of messages */
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	/* 300 inserts, 300 updates, 100 deletes while the data plane does not
	 * poll: the ring fills, the rest waits in order. */
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		cache_put(eid, 60, 0, r1, 1);
	}
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		cache_put(eid, 60, 0, r2, 2);
	}
	for (unsigned int i = 0; i < 100; i++) {
		struct lisp_prefix p;

		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		ck_assert_int_eq(lisp_prefix_parse(eid, &p, NULL), 0);
		ck_assert_int_eq(mapcache_delete(mc, &p), 0);
	}
	ck_assert_uint_gt(dp_push_backlog_bytes(push), 0);
	ck_assert_uint_gt(dp_push_counters(push)->backlogged, 600);
	RUN_UNTIL(dp_push_backlog_bytes(push) == 0 && n_removed[DP_CHANNEL_RM_DELETE] == 100, 5000);
	run_for(10);
	ck_assert_uint_eq(ntable, 200);
	for (unsigned int i = 100; i < 300; i++) {
		const struct dp_entry *e;

		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		e = dp_get(eid, DP_MSG_TABLE_MAPCACHE);
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(e->m.rloc_count, 2);
		ck_assert_uint_eq(e->upserts, 2);
	}
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_DELETE], 100);
	ck_assert_uint_eq(dp_push_counters(push)->backlog_overflows, 0);
	teardown();
}
END_TEST

START_TEST(backlog_overflow_resyncs)
{
	static const char *const r1[] = { "192.0.2.1/1/100" };
	static const char *const r2[] = { "192.0.2.9/1/100" };
	struct dp_push_params p;
	char eid[64];

	setup();
	dp_channel_server_free(srv);
	server_start(64);
	dp_push_params_default(&p);
	p.retry_ms = 5;
	p.backlog_max = 4096;
	push = push_start_with(&p);
	RUN_UNTIL(synced(push), 2000);
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		cache_put(eid, 60, 0, r1, 1);
	}
	for (unsigned int i = 0; i < 50; i++) {
		struct lisp_prefix pf;

		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		ck_assert_int_eq(lisp_prefix_parse(eid, &pf, NULL), 0);
		ck_assert_int_eq(mapcache_delete(mc, &pf), 0);
	}
	cache_put("[3]10.1.0.0/24", 60, 0, r2, 1);	/* i = 256, changed */
	ck_assert_uint_ge(dp_push_counters(push)->backlog_overflows, 1);
	/* The resync converges to exactly the map-cache. */
	RUN_UNTIL(synced(push) && dp_push_counters(push)->resyncs_done >= 2, 5000);
	ck_assert_uint_eq(ntable, 250);
	ck_assert_uint_eq(ntable, mapcache_count(mc));
	ck_assert_ptr_null(dp_get("[3]10.0.0.0/24", DP_MSG_TABLE_MAPCACHE));
	check_rloc(&dp_get("[3]10.1.0.0/24", DP_MSG_TABLE_MAPCACHE)->m.rlocs[0], "192.0.2.9", 1,
		   100,
		   DP_MSG_LOC_F_UP);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_push_recovery");
	TCase *tc = tcase_create("dp_push_recovery");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cp_crash_mid_replay_then_restart);
	tcase_add_test(tc, dp_restart_and_second_cp);
	tcase_add_test(tc, full_ring_backlog_keeps_order);
	tcase_add_test(tc, backlog_overflow_resyncs);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
