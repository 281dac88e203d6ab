/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the data plane reports back through the channel (dp_push_fixture.h):
 * misses become Map-Requests through itr_resolve (coalesced,
 * rate-limited); counter snapshots are kept.
 */
#include "dp_push_fixture.h"

START_TEST(misses_resolve)
{
	struct dp_msg_miss m = { .eid = key_of("[5]10.5.0.9/32", DP_MSG_TABLE_MAPCACHE),
				 .src_afi = DP_MSG_AFI_IPV4, .src = { 10, 6, 0, 1 }, .packets = 3 };
	struct dp_push_params p;

	setup();
	dp_push_params_default(&p);
	p.miss_rate = 1;
	p.miss_burst = 3;
	push = push_start_with(&p);
	RUN_UNTIL(synced(push), 2000);
	/* One miss: a Map-Request leaves through the ITR. */
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(requests_sent == 1, 1000);
	ck_assert_uint_eq(dp_push_counters(push)->misses_resolved, 1);
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	/* The same EID again while pending: coalesced by the ITR. */
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_coalesced == 1, 1000);
	/* Another EID resolves; then the bucket (burst 3) is empty. */
	m.eid = key_of("[5]10.5.0.10/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	m.eid = key_of("[5]10.5.0.11/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses == 4, 1000);
	ck_assert_uint_eq(requests_sent, 2);
	ck_assert_uint_eq(dp_push_counters(push)->misses_rate_limited, 1);
	/* Nonsense from the data plane is counted, not resolved. */
	m.eid.table = DP_MSG_TABLE_DATABASE;
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_invalid == 1, 1000);
	/* An EID the map-cache covers (the miss crossed the upsert): no
	 * Map-Request, counted before the rate limit; a negative entry whose
	 * action is send-map-request does ask. */
	{
		static const char *const r[] = { "203.0.113.7/1/100" };
		struct rec_buf b;
		struct lisp_err err;

		ck_assert_int_eq(itr_add_static(itr, make_rec(&b, "[5]10.7.0.0/16", 60, 0, r, 1),
						MAPCACHE_SRC_STATIC, &err), 0);
		ck_assert_int_eq(itr_add_static(itr, make_rec(&b, "[5]10.8.0.0/16", 60,
							      LISP_ACT_SEND_MAP_REQUEST, NULL, 0),
						MAPCACHE_SRC_STATIC, &err), 0);
	}
	m.eid = key_of("[5]10.7.0.1/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_cached == 1, 1000);
	m.eid = key_of("[5]10.8.0.1/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_rate_limited == 2, 1000);
	ck_assert_uint_eq(dp_push_counters(push)->misses_cached, 1);
	ck_assert_uint_eq(requests_sent, 2);
	teardown();
}
END_TEST

START_TEST(counter_snapshots)
{
	struct dp_msg_counter v[40];
	const struct dp_push_snapshot *s;

	setup();
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_ptr_null(dp_push_dp_counters(push));
	for (unsigned int i = 0; i < 40; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		snprintf(v[i].name, sizeof(v[i].name), "drop_reason_%u", i);
		v[i].value = 7 * i;
		v[i].iid = i % 3;
		v[i].flags = i % 2 ? DP_MSG_COUNTER_F_IID : 0;
	}
	ck_assert_int_eq(dp_channel_server_counters(srv, v, 40, 111), 0);
	RUN_UNTIL(dp_push_dp_counters(push), 1000);
	s = dp_push_dp_counters(push);
	ck_assert_uint_eq(s->count, 40);
	ck_assert_uint_eq(s->time_ns, 111);
	ck_assert_str_eq(s->v[39].name, "drop_reason_39");
	ck_assert_uint_eq(s->v[39].value, 273);
	ck_assert_uint_eq(s->v[39].flags, DP_MSG_COUNTER_F_IID);
	/* A newer one replaces it. */
	v[0].value = 99;
	ck_assert_int_eq(dp_channel_server_counters(srv, v, 1, 222), 0);
	RUN_UNTIL(dp_push_dp_counters(push)->time_ns == 222, 1000);
	s = dp_push_dp_counters(push);
	ck_assert_uint_eq(s->count, 1);
	ck_assert_uint_eq(s->v[0].value, 99);
	ck_assert_uint_eq(dp_push_counters(push)->counter_snapshots, 2);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_push_reports");
	TCase *tc = tcase_create("dp_push_reports");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, misses_resolve);
	tcase_add_test(tc, counter_snapshots);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
