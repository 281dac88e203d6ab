/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/flows.h: instance affinity.  Flows keep their RLOC when the
 * weights re-rank the set, new flows follow the new weights, flows of an
 * RLOC that went down move, idle flows start afresh, a full bucket evicts
 * (and counts) its least recently seen flow.
 */
#include <errno.h>

#include "counters.h"
#include "dp_test.h"
#include "flows.h"
#include "lisp_msg.h"
#include "tables.h"

#define NFLOWS	256

static struct dp_tables *t;
static struct dp_counters ctr;

static struct dp_ip ip4(const char *s)
{
	struct dp_ip a = { .af = 4 };

	inet_pton(AF_INET, s, a.a);
	return a;
}

/* [100]10.2.0.0/16 -> A (weight wa, up ua) and B (weight wb, up ub). */
static const struct dp_mapping *put(uint8_t wa, bool ua, uint8_t wb, bool ub)
{
	struct dp_rloc_spec r[2] = {
		{ .addr = ip4("192.0.2.1"), .priority = 1, .weight = wa, .up = ua },
		{ .addr = ip4("192.0.2.2"), .priority = 1, .weight = wb, .up = ub },
	};
	struct dp_mapping_spec s = { .iid = 100, .eid = ip4("10.2.0.0"), .plen = 16,
				     .action = LISP_ACT_NO_ACTION, .rloc_count = 2, .rlocs = r };

	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	return dp_tables_mapping_get(t, 100, &s.eid, 16);
}

static void setup(void)
{
	struct dp_underlay u = { .n_local4 = 1 };

	u.v4 = (struct dp_underlay_if){ .valid = true, .mac_static = true, .port_id = 1,
					 .mtu = 1500 };
	inet_pton(AF_INET, "192.0.2.100", u.v4.src);
	t = dp_tables_create(&(struct dp_tables_params){
		.socket_id = SOCKET_ID_ANY, .max_vrfs = 4, .max_mappings = 64, .ipv4_tbl8s = 16,
		.ipv6_tbl8s = 16, .max_readers = 1, .writer_tid = 0 });
	ck_assert_ptr_nonnull(t);
	dp_tables_underlay_set(t, &u);
	ck_assert_int_eq(dp_tables_vrf_add(t, 100, DP_ENCAP_LISP, NULL), 0);
	memset(&ctr, 0, sizeof(ctr));
}

static void teardown(void)
{
	dp_tables_free(t);
}

static bool is_a(const struct dp_rloc *r)
{
	return r->addr.a[3] == 1;
}

START_TEST(flows_keep_their_rloc_new_ones_follow)
{
	struct dp_flows *f = dp_flows_create(4096, 1000, SOCKET_ID_ANY);
	const struct dp_mapping *m = put(50, true, 50, true);
	bool on_a[NFLOWS];
	unsigned int n_a = 0, n_b = 0;

	ck_assert_ptr_nonnull(f);
	for (uint32_t h = 0; h < NFLOWS; h++) {
		on_a[h] = is_a(dp_flows_rloc(f, m, 100, h * 2654435761u, 10, &ctr));
		n_a += on_a[h];
		n_b += !on_a[h];
	}
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_NEW], NFLOWS);
	ck_assert_uint_gt(n_a, NFLOWS / 4);
	ck_assert_uint_gt(n_b, NFLOWS / 4);
	ck_assert_uint_eq(dp_flows_count(f, 10), NFLOWS);
	/* Metrics re-rank: all new traffic to A.  Started flows stay. */
	m = put(100, true, 0, true);
	for (uint32_t h = 0; h < NFLOWS; h++)
		ck_assert_int_eq(is_a(dp_flows_rloc(f, m, 100, h * 2654435761u, 20, &ctr)),
				 on_a[h]);
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_HIT], NFLOWS);
	for (uint32_t h = NFLOWS; h < 2 * NFLOWS; h++)
		ck_assert(is_a(dp_flows_rloc(f, m, 100, h * 2654435761u, 20, &ctr)));
	/* The same hash in another Instance-ID is another flow. */
	ck_assert(is_a(dp_flows_rloc(f, m, 101, 1 * 2654435761u, 20, &ctr)));
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_NEW], 2 * NFLOWS + 1);
	/* B goes down: its flows move to A, and stay there. */
	m = put(100, true, 0, false);
	for (uint32_t h = 0; h < NFLOWS; h++)
		ck_assert(is_a(dp_flows_rloc(f, m, 100, h * 2654435761u, 30, &ctr)));
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_MOVED], n_b);
	m = put(50, true, 50, true);
	for (uint32_t h = 0; h < NFLOWS; h++)
		ck_assert(is_a(dp_flows_rloc(f, m, 100, h * 2654435761u, 40, &ctr)));
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_MOVED], n_b);
	/* Idle past 1 s: forgotten; they start afresh on the 50/50 split. */
	n_b = 0;
	for (uint32_t h = 0; h < NFLOWS; h++)
		n_b += !is_a(dp_flows_rloc(f, m, 100, h * 2654435761u, 1100, &ctr));
	ck_assert_uint_gt(n_b, NFLOWS / 4);
	ck_assert_uint_eq(dp_flows_count(f, 1100), NFLOWS);
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_EVICTED], 0);
	dp_flows_free(f);
}
END_TEST

START_TEST(full_bucket_evicts_the_least_recent)
{
	struct dp_flows *f = dp_flows_create(1, 1000, SOCKET_ID_ANY);	/* one bucket */
	const struct dp_mapping *m = put(50, true, 50, true);

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->mask, 0);
	for (uint32_t h = 1; h <= DP_FLOWS_WAYS; h++)
		dp_flows_rloc(f, m, 100, h, 100 + h, &ctr);
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_EVICTED], 0);
	dp_flows_rloc(f, m, 100, 1, 200, &ctr);		/* flow 1 seen again */
	dp_flows_rloc(f, m, 100, 99, 201, &ctr);	/* evicts flow 2, the oldest */
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_EVICTED], 1);
	dp_flows_rloc(f, m, 100, 1, 202, &ctr);
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_HIT], 2);
	dp_flows_rloc(f, m, 100, 2, 203, &ctr);		/* flow 2 is new again */
	ck_assert_uint_eq(ctr.c[DP_CTR_FLOW_NEW], DP_FLOWS_WAYS + 2);
	ck_assert_uint_eq(dp_flows_count(f, 203), DP_FLOWS_WAYS);
	/* Nothing for 0 entries. */
	ck_assert_ptr_null(dp_flows_create(0, 1000, SOCKET_ID_ANY));
	dp_flows_free(f);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_flows");
	TCase *tc = tcase_create("flows");

	(void)argc;
	dp_test_eal_init(argv[0]);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, flows_keep_their_rloc_new_ones_follow);
	tcase_add_test(tc, full_bucket_evicts_the_least_recent);
	suite_add_tcase(s, tc);
	return dp_test_run(s);
}
