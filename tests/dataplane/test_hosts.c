/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/tables_hosts.c: EID-side host ageing on a fake clock
 * (dp_tables_hosts_clock()): probes at 3/4 of the timeout and every 1/8
 * after, a refresh keeps a host, silence deletes it, VXLAN far ends never
 * age, timeout 0 never ages, and an aged host's key slot is reused only
 * after an RCU grace period (a worker may be comparing it).
 */
#include <errno.h>

#include <rte_rcu_qsbr.h>

#include "dp_ip_test.h"
#include "dp_test.h"
#include "tables.h"

#define TID		0	/* this thread is reader 0 and the writer */
#define MAX_HOSTS	64
#define IID		100

static struct dp_tables *t;
static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa };

struct probes {
	unsigned int n;
	struct dp_ip last;
	uint32_t last_iid;
};

static struct probes pr;

static void probe(void *ctx, uint32_t iid, const struct dp_ip *ip)
{
	struct probes *p = ctx;

	p->n++;
	p->last = *ip;
	p->last_iid = iid;
}

static struct dp_tables *make(uint32_t timeout_s)
{
	struct dp_tables *x = dp_tables_create(&(struct dp_tables_params){
		.socket_id = SOCKET_ID_ANY, .max_vrfs = 4, .max_mappings = 64, .ipv4_tbl8s = 16,
		.ipv6_tbl8s = 16, .max_readers = 1, .writer_tid = TID, .max_hosts = MAX_HOSTS,
		.host_timeout_s = timeout_s });

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(dp_tables_reader_register(x, TID), 0);
	return x;
}

static void teardown(void)
{
	if (!t)
		return;
	dp_tables_reader_unregister(t, TID);
	dp_tables_free(t);
	t = NULL;
}

static struct dp_ip ip(const char *s)
{
	return dp_test_ip(s);
}

static bool known(const char *s)
{
	struct dp_ip a = ip(s);

	return dp_tables_host_known(t, IID, &a);
}

static int learn(const char *s)
{
	struct dp_ip a = ip(s);

	return dp_tables_host_set(t, IID, &a, mac_a);
}

/* A whole sweep at now_ms (the budget covers every key). */
static unsigned int age_at(uint64_t now_ms)
{
	dp_tables_hosts_clock(t, now_ms);
	/* Twice: a sweep ends where the cursor wraps. */
	return dp_tables_hosts_age(t, 4 * MAX_HOSTS, probe, &pr) +
	       dp_tables_hosts_age(t, 4 * MAX_HOSTS, probe, &pr);
}

START_TEST(silent_host_ages_refreshed_one_stays)
{
	struct dp_ip peer = ip("10.9.0.1"), b = ip("2001:db8::b");
	uint8_t mac[6];

	t = make(10);
	memset(&pr, 0, sizeof(pr));
	dp_tables_hosts_clock(t, 1000);
	ck_assert_int_eq(learn("10.1.0.1"), 0);
	ck_assert_int_eq(learn("2001:db8::b"), 0);
	ck_assert_int_eq(dp_tables_peer_set(t, IID, &peer, mac_a), 0);
	/* 7 s of silence: under 3/4 of 10 s, nothing happens. */
	ck_assert_uint_eq(age_at(8000), 0);
	ck_assert_uint_eq(pr.n, 0);
	/* 7.6 s: both hosts are asked for, once. */
	ck_assert_uint_eq(age_at(8600), 0);
	ck_assert_uint_eq(pr.n, 2);
	ck_assert_uint_eq(pr.last_iid, IID);
	/* Host A answers (its ARP): refreshed.  B does not: probed again
	 * only 1/8 of the timeout after the last probe. */
	dp_tables_hosts_clock(t, 8600);
	ck_assert_int_eq(learn("10.1.0.1"), 0);
	ck_assert_uint_eq(age_at(9000), 0);
	ck_assert_uint_eq(pr.n, 2);
	ck_assert_uint_eq(age_at(9900), 0);
	ck_assert_uint_eq(pr.n, 3);
	ck_assert(dp_ip_equal(&pr.last, &b));
	/* 10 s after B was last seen: B goes, A (seen 1.4 s ago) stays. */
	ck_assert_uint_eq(age_at(11000), 1);
	ck_assert(!known("2001:db8::b"));
	ck_assert(known("10.1.0.1"));
	/* And A goes in turn; the VXLAN far end never does. */
	ck_assert_uint_eq(age_at(18600), 1);
	ck_assert(!known("10.1.0.1"));
	ck_assert(dp_tables_peer_mac(t, IID, 4, peer.a, mac));
	ck_assert_mem_eq(mac, mac_a, 6);
	/* Learned again, it is known again, with a fresh life. */
	ck_assert_int_eq(learn("10.1.0.1"), 0);
	ck_assert(known("10.1.0.1"));
	ck_assert_uint_eq(age_at(19000), 0);
	ck_assert(known("10.1.0.1"));
}
END_TEST

/* Sweeps are paced: one begins at most 1/32 of the timeout (312 ms of
 * 10 s) after the last ended, so that an empty table is not scanned every
 * millisecond; a host is aged within that much of its timeout. */
START_TEST(sweeps_paced)
{
	t = make(10);
	memset(&pr, 0, sizeof(pr));
	dp_tables_hosts_clock(t, 0);
	ck_assert_int_eq(learn("10.1.0.1"), 0);
	ck_assert_uint_eq(age_at(9990), 0);
	ck_assert_uint_eq(pr.n, 1);
	/* Due (10.1 s silent), but 110 ms after the last sweep. */
	ck_assert_uint_eq(age_at(10100), 0);
	ck_assert(known("10.1.0.1"));
	ck_assert_uint_eq(age_at(10302), 1);
	ck_assert(!known("10.1.0.1"));
}
END_TEST

START_TEST(timeout_zero_never_ages)
{
	t = make(0);
	memset(&pr, 0, sizeof(pr));
	dp_tables_hosts_clock(t, 1);
	ck_assert_int_eq(learn("10.1.0.1"), 0);
	ck_assert_uint_eq(age_at(UINT64_C(1) << 40), 0);
	ck_assert_uint_eq(pr.n, 0);
	ck_assert(known("10.1.0.1"));
}
END_TEST

START_TEST(aged_slots_reused_after_grace_period)
{
	char a[32];
	unsigned int n = 0;

	t = make(5);
	dp_tables_hosts_clock(t, 0);
	/* max_hosts is a promise (extendable table): all of them fit. */
	for (; n < 4 * MAX_HOSTS; n++) {
		snprintf(a, sizeof(a), "10.1.%u.%u", n / 200, n % 200 + 1);
		if (learn(a) < 0)
			break;
	}
	ck_assert_uint_ge(n, MAX_HOSTS);
	ck_assert_int_eq(learn("10.2.0.1"), -ENOSPC);
	ck_assert_uint_eq(age_at(5000), n);
	ck_assert(!known("10.1.0.1"));
	/* This thread, a reader, has not reported quiescence: a lookup of it
	 * may still be on an aged key, whose slot must not be reused yet. */
	ck_assert_int_eq(learn("10.2.0.1"), -ENOSPC);
	rte_rcu_qsbr_quiescent(t->qsbr, TID);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(a, sizeof(a), "10.2.%u.%u", i / 200, i % 200 + 1);
		ck_assert_int_eq(learn(a), 0);
	}
	ck_assert(known("10.2.0.1"));
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_hosts");
	TCase *tc = tcase_create("hosts");

	(void)argc;
	dp_test_eal_init(argv[0]);
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, silent_host_ages_refreshed_one_stays);
	tcase_add_test(tc, sweeps_paced);
	tcase_add_test(tc, timeout_zero_never_ages);
	tcase_add_test(tc, aged_slots_reused_after_grace_period);
	suite_add_tcase(s, tc);
	return dp_test_run(s);
}
