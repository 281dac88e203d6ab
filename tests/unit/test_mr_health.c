/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Several Map-Servers per delegation (mr_forward.h, mr_health.h): probes
 * are DDT Map-Requests for the delegation's prefix; a Map-Server that
 * leaves health-misses probes unanswered is marked down and passed over,
 * all down still goes to the first, an answer marks it up again; answers
 * with a wrong nonce or from another source are not taken; per-delegation
 * and per-Map-Server counters; a reload keeps what is known of the
 * Map-Servers that stay.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "lisp_auth.h"
#include "map_resolver.h"
#include "mapdb.h"
#include "ms_ddt.h"
#include "pubsub.h"

/* The fixture's Map-Server helpers are test_map_resolver.c's; here, its
 * capture, clock and ECM builder. */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "map_resolver_fixture.h"

#define MS_A	"198.51.100.1"
#define MS_B	"198.51.100.2"
#define SELF	"192.0.2.50"

static struct site_table *none;
static struct map_resolver *alone;

static struct map_resolver *alone_new(bool with_c)
{
	struct map_resolver *m;
	struct lisp_prefix p;
	struct lisp_addr a, b, c;
	struct mr_health_params hp = { .interval_ms = 1000, .misses = 2 };

	m = map_resolver_new(loop, &(struct mr_params){ .negative_ttl_min = 15 }, NULL, none,
			     capture, NULL);
	ck_assert_ptr_nonnull(m);
	lisp_addr_parse(MS_A, &a, NULL);
	lisp_addr_parse(MS_B, &b, NULL);
	lisp_addr_parse("198.51.100.3", &c, NULL);
	lisp_addr_parse(SELF, &hp.self4, NULL);
	/* [1]10.1/16: A then B; [1]10.2/16: A alone. */
	lisp_prefix_parse("[1]10.1.0.0/16", &p, NULL);
	ck_assert_int_eq(map_resolver_add_delegation(m, &p, &a, 4342), 0);
	ck_assert_int_eq(map_resolver_add_delegation(m, &p, &b, 4342), 0);
	if (with_c)
		ck_assert_int_eq(map_resolver_add_delegation(m, &p, &c, 4342), 0);
	lisp_prefix_parse("[1]10.2.0.0/16", &p, NULL);
	ck_assert_int_eq(map_resolver_add_delegation(m, &p, &a, 4342), 0);
	ck_assert_int_eq(map_resolver_set_health(m, &hp), 0);
	return m;
}

static void health_setup(void)
{
	setup();
	none = site_table_new();
	alone = alone_new(false);
	nsent = 0;
}

static void health_teardown(void)
{
	map_resolver_free(alone);
	site_table_free(none);
	teardown();
}

/* Where a request for eid went. */
static const char *forwarded_to(const char *eid)
{
	static char buf[LISP_ADDR_STR_MAX];
	struct lisp_addr src;
	uint8_t ecm[512];
	size_t n = build_ecm(eid, ecm, sizeof(ecm));

	lisp_addr_parse("192.0.2.99", &src, NULL);
	nsent = 0;
	map_resolver_input(alone, ecm, n, &src, 4342);
	ck_assert_uint_eq(nsent, 1);
	lisp_addr_format(&sent[0].dst, buf, sizeof(buf));
	return buf;
}

/* The nonce of the probe to ms for prefix among what was sent (each checked:
 * an ECM with the D bit, a Map-Request for the prefix from ITR-RLOC SELF). */
static uint64_t probe_nonce(const char *server, const char *prefix)
{
	for (unsigned int i = 0; i < nsent; i++) {
		struct lisp_map_request req;
		struct lisp_ecm ecm;
		struct lisp_prefix p, want;
		struct lisp_addr dst, self;

		lisp_addr_parse(server, &dst, NULL);
		if (!lisp_addr_equal(&sent[i].dst, &dst))
			continue;
		ck_assert_int_eq(lisp_ecm_decode(sent[i].msg, sent[i].len, &ecm, NULL), 0);
		ck_assert(ecm.ddt);
		ck_assert_int_eq(lisp_map_request_decode(ecm.payload, ecm.payload_len, &arena, &req,
							 NULL), 0);
		ck_assert_uint_eq(req.record_count, 1);
		ck_assert_int_eq(lisp_waddr_to_prefix(&req.records[0].eid, req.records[0].mask_len,
						      &p, NULL), 0);
		lisp_prefix_parse(prefix, &want, NULL);
		if (!lisp_prefix_equal(&p, &want))
			continue;
		lisp_addr_parse(SELF, &self, NULL);
		ck_assert(lisp_addr_equal(&req.itr_rlocs[0].plain, &self));
		return req.nonce;
	}
	ck_abort_msg("no probe to %s for %s", server, prefix);
	return 0;
}

/* A Map-Server's Map-Referral with nonce, from ms. */
static bool answer(const char *server, uint64_t nonce)
{
	static struct ms_ddt_referral r;
	struct lisp_prefix p;
	struct lisp_addr src;
	uint8_t buf[256];
	ssize_t n;

	ms_ddt_referral_init(&r, nonce);
	lisp_prefix_parse("[1]10.1.0.0/16", &p, NULL);
	ms_ddt_referral_add(&r, LISP_REF_MS_NOT_REGISTERED, &p);
	n = ms_ddt_referral_encode(&r, NULL, 0, buf, sizeof(buf), NULL, NULL);
	ck_assert_int_gt(n, 0);
	lisp_addr_parse(server, &src, NULL);
	return map_resolver_referral_input(alone, buf, (size_t)n, &src, 4342);
}

/* One probe round: the next health-interval. */
static void next_round(void)
{
	nsent = 0;
	t_run_for(loop, 1000, NULL);
	ck_assert_uint_eq(nsent, 3);	/* A and B for 10.1/16, A for 10.2/16 */
}

static struct mr_deleg *deleg_of(struct map_resolver *m, const char *prefix)
{
	struct lisp_prefix p;

	lisp_prefix_parse(prefix, &p, NULL);
	return mapdb_exact(mr_delegations_db(map_resolver_delegations(m)), &p);
}

START_TEST(fail_over_and_back)
{
	const struct mr_counters *c = map_resolver_counters(alone);
	struct mr_deleg *d1 = deleg_of(alone, "[1]10.1.0.0/16");
	struct mr_deleg *d2 = deleg_of(alone, "[1]10.2.0.0/16");
	uint64_t na;

	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_A);
	/* A falls silent; B answers every probe. */
	next_round();
	ck_assert(answer(MS_B, probe_nonce(MS_B, "[1]10.1.0.0/16")));
	next_round();	/* A: one miss, still up */
	ck_assert(answer(MS_B, probe_nonce(MS_B, "[1]10.1.0.0/16")));
	ck_assert(d1->ms[0].h.up);
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_A);
	next_round();	/* two misses: down, in both delegations */
	na = probe_nonce(MS_A, "[1]10.1.0.0/16");
	ck_assert(!d1->ms[0].h.up);
	ck_assert(!d2->ms[0].h.up);
	c = map_resolver_counters(alone);	/* counters are read, not pushed */
	ck_assert_uint_eq(c->health_went_down, 2);
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_B);
	/* 10.2/16 has no other: still the first, counted. */
	ck_assert_str_eq(forwarded_to("[1]10.2.0.1/32"), MS_A);
	ck_assert_uint_eq(d2->all_down, 1);
	/* A answers again: up, and first again. */
	ck_assert(answer(MS_A, na));
	ck_assert(d1->ms[0].h.up);
	ck_assert(!d2->ms[0].h.up);	/* its own probe is still unanswered */
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_A);
	c = map_resolver_counters(alone);
	ck_assert_uint_eq(c->health_went_up, 1);
	ck_assert_uint_eq(d1->ms[0].h.went_down, 1);
	ck_assert_uint_eq(d1->ms[0].h.went_up, 1);
	ck_assert_uint_eq(d1->forwarded, 4);
	ck_assert_uint_eq(d1->ms[0].h.forwarded, 3);
	ck_assert_uint_eq(d1->ms[1].h.forwarded, 1);
	ck_assert_uint_eq(d1->ms[1].h.probes_sent, 3);
	ck_assert_uint_eq(d1->ms[1].h.probes_answered, 2);
	ck_assert_uint_eq(c->health_probes_sent, 9);
	ck_assert_uint_eq(c->health_answers, 3);
}
END_TEST

/* Only the probed address with the probe's nonce counts. */
START_TEST(spoofed_answers_not_taken)
{
	const struct mr_counters *c;
	struct mr_deleg *d1 = deleg_of(alone, "[1]10.1.0.0/16");
	uint64_t nb;
	struct lisp_addr src;
	uint8_t junk[8] = { 0x60 };

	next_round();
	nb = probe_nonce(MS_B, "[1]10.1.0.0/16");
	ck_assert(!answer(MS_A, nb));		/* B's nonce from A */
	ck_assert(!answer(MS_B, nb + 1));	/* wrong nonce */
	lisp_addr_parse(MS_B, &src, NULL);
	ck_assert(!map_resolver_referral_input(alone, junk, sizeof(junk), &src, 4342));
	next_round();
	next_round();
	ck_assert(!d1->ms[1].h.up);
	c = map_resolver_counters(alone);
	ck_assert_uint_eq(c->health_answers_unmatched, 2);
	ck_assert_uint_eq(c->health_answers_malformed, 1);
	ck_assert_uint_eq(c->health_answers, 0);
	/* The real answer, late (to the current probe): up. */
	ck_assert(answer(MS_B, probe_nonce(MS_B, "[1]10.1.0.0/16")));
	ck_assert(d1->ms[1].h.up);
}
END_TEST

/* A reload: the Map-Servers that stay keep their state and counters, a
 * new one starts up. */
START_TEST(reload_keeps_health)
{
	struct map_resolver *next;
	struct mr_deleg *d1;
	uint64_t nb;

	next_round();
	next_round();
	next_round();	/* A and B silent: both down */
	nb = probe_nonce(MS_B, "[1]10.1.0.0/16");
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_A);
	next = alone_new(true);
	map_resolver_carry_health(next, alone);
	d1 = deleg_of(next, "[1]10.1.0.0/16");
	ck_assert(!d1->ms[0].h.up);
	ck_assert(!d1->ms[1].h.up);
	ck_assert(d1->ms[2].h.up);
	ck_assert_uint_eq(d1->ms[0].h.went_down, 1);
	ck_assert_uint_eq(d1->forwarded, 1);
	ck_assert_uint_eq(d1->all_down, 1);
	map_resolver_free(alone);
	alone = next;
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), "198.51.100.3");
	/* The answer to a probe the old one sent is taken by the new one. */
	ck_assert(answer(MS_B, nb));
	ck_assert(d1->ms[1].h.up);
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_B);
}
END_TEST

START_TEST(interval_zero_probes_nothing)
{
	struct mr_health_params off = { .interval_ms = 0, .misses = 3 };

	ck_assert_int_eq(map_resolver_set_health(alone, &off), 0);
	ck_assert_ptr_null(map_resolver_health_params(alone));
	nsent = 0;
	t_run_for(loop, 10000, NULL);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_str_eq(forwarded_to("[1]10.1.5.1/32"), MS_A);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mr_health");
	TCase *tc = tcase_create("health");

	tcase_add_checked_fixture(tc, health_setup, health_teardown);
	tcase_add_test(tc, fail_over_and_back);
	tcase_add_test(tc, spoofed_answers_not_taken);
	tcase_add_test(tc, reload_keeps_health);
	tcase_add_test(tc, interval_zero_probes_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
