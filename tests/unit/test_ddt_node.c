/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT node (controlplane/ddt/ddt_node.c, RFC 8111 sections 6, 7.1 and
 * 8.3) on the test clock with its sends captured: D-bit ECMs built with
 * the codec, answers compared with golden Map-Referral bytes written from
 * RFC 8111's layout and decoded with lisp_map_referral_decode (every
 * action the node sends, IPv4 and IPv6, two Instance-IDs); the request's
 * nonce, the sender's address and port; non-DDT ECMs; the per-source and
 * global limits; extra records; the local Map-Server; a reload's swap.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "ddt_node.h"
#include "lcaf.h"
#include "lisp_msg.h"

#define SENT_MAX 64
#define NONCE 0x0102030405060708ull

static struct {
	struct lisp_addr dst;
	uint16_t port;
	uint8_t msg[1500];
	size_t len;
} sent[SENT_MAX];
static unsigned int nsent;
static struct evloop *loop;
static struct ddt_node *node;
static struct lisp_addr client;		/* the DDT Map-Resolver */
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	ck_assert_uint_lt(nsent, SENT_MAX);
	ck_assert_uint_le(len, sizeof(sent[0].msg));
	sent[nsent].dst = *dst;
	sent[nsent].port = port;
	memcpy(sent[nsent].msg, msg, len);
	sent[nsent++].len = len;
}

static struct lisp_prefix P(const char *s)
{
	struct lisp_prefix p;

	ck_assert_msg(lisp_prefix_parse(s, &p, NULL) == 0, "prefix %s", s);
	return p;
}

static void deleg(struct ddt_tree *t, const char *eid, uint8_t type, const char *r1,
		  const char *r2)
{
	struct ddt_delegation d = { .eid = P(eid), .type = type, .ref_count = r2 ? 2 : 1 };

	lisp_addr_parse(r1, &d.refs[0].addr, NULL);
	d.refs[0] = (struct ddt_referral){ d.refs[0].addr, 1, 50 };
	if (r2) {
		lisp_addr_parse(r2, &d.refs[1].addr, NULL);
		d.refs[1].priority = 2;
		d.refs[1].weight = 100;
	}
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), 0);
}

static struct ddt_tree *tree(void)
{
	struct ddt_tree *t = ddt_tree_new();
	struct lisp_prefix a[] = { P("[0]10.0.0.0/8"), P("[7]10.0.0.0/8"),
				   P("[7]2001:db8::/32") };

	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(ddt_tree_add_auth(t, &a[i]), 0);
	deleg(t, "[0]10.1.0.0/16", DDT_DELEG_NODE, "192.0.2.1", "192.0.2.2");
	deleg(t, "[0]10.2.0.0/16", DDT_DELEG_MAP_SERVER, "192.0.2.3", NULL);
	deleg(t, "[7]10.1.0.0/16", DDT_DELEG_MAP_SERVER, "192.0.2.7", NULL);
	deleg(t, "[7]2001:db8:1::/48", DDT_DELEG_NODE, "2001:db8:ffff::1", NULL);
	return t;
}

static void setup_params(const struct ddt_node_params *p)
{
	nsent = 0;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	loop = t_loop_new();
	node = ddt_node_new(loop, p, tree(), capture, NULL);
	ck_assert_ptr_nonnull(node);
	lisp_addr_parse("198.51.100.9", &client, NULL);
}

static void setup(void)
{
	struct ddt_node_params p;

	ddt_node_params_default(&p);
	setup_params(&p);
}

static void teardown(void)
{
	ddt_node_free(node);
	evloop_free(loop);
}

/* An ECM around a Map-Request for eid ([iid]addr), D bit as asked, with
 * extra copies of the record. */
static size_t build(const char *eid, bool ddt, unsigned int records, uint8_t *buf, size_t cap)
{
	struct lisp_request_record recs[4] = { 0 };
	struct lisp_map_request req = { .nonce = NONCE, .itr_rloc_count = 1,
					.record_count = (uint8_t)records, .records = recs };
	struct lisp_ecm ecm = { .ddt = ddt, .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct lisp_waddr itr, inner;
	struct lisp_prefix p = P(eid);
	uint8_t mreq[512];
	ssize_t len;

	for (unsigned int i = 0; i < records; i++) {
		lisp_waddr_from_prefix(&recs[i].eid, &inner, &p);
		recs[i].mask_len = p.plen;
	}
	lisp_addr_parse("192.0.2.200", &ecm.inner_src, NULL);	/* the ITR */
	lisp_waddr_from_addr(&itr, &ecm.inner_src);
	req.itr_rlocs = &itr;
	len = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	ck_assert_int_gt(len, 0);
	lisp_addr_parse("10.1.2.3", &ecm.inner_dst, NULL);
	ecm.payload = mreq;
	ecm.payload_len = (size_t)len;
	len = lisp_ecm_encode(&ecm, buf, cap, NULL);
	ck_assert_int_gt(len, 0);
	return (size_t)len;
}

static bool send_req(const char *eid, bool ddt)
{
	uint8_t buf[600];
	size_t len = build(eid, ddt, 1, buf, sizeof(buf));

	return ddt_node_input(node, buf, len, &client, 40001);
}

/* The last Map-Referral sent, decoded; checks where it went and its nonce. */
static const struct lisp_referral_record *last(struct lisp_map_referral *m)
{
	struct lisp_err err;

	ck_assert_uint_gt(nsent, 0);
	ck_assert(lisp_addr_equal(&sent[nsent - 1].dst, &client));
	ck_assert_uint_eq(sent[nsent - 1].port, 40001);
	lisp_arena_reset(&arena);
	ck_assert_msg(lisp_map_referral_decode(sent[nsent - 1].msg, sent[nsent - 1].len, &arena,
					       m, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(m->nonce, NONCE);
	ck_assert_uint_eq(m->record_count, 1);
	ck_assert_int_eq(lisp_referral_record_check(&m->records[0], &err), 0);
	return &m->records[0];
}

static void expect_prefix(const struct lisp_referral_record *r, const char *want)
{
	struct lisp_prefix p;
	char got[80];

	ck_assert_int_eq(lisp_waddr_to_prefix(&r->eid, r->mask_len, &p, NULL), 0);
	lisp_prefix_format(&p, got, sizeof(got));
	ck_assert_msg(strcmp(got, want) == 0, "prefix %s, expected %s", got, want);
}

/* RFC 8111 section 6's layout, by hand: header (type 6, count 1, nonce),
 * then Record TTL, Referral Count, EID mask-len, ACT|A|I|Reserved,
 * SigCnt|Map Version, EID-AFI, EID, and the referral set as locators. */
#define HDR 0x60, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08

START_TEST(golden_node_referral)
{
	static const uint8_t want[] = {
		HDR,
		0x00, 0x00, 0x05, 0xa0,		/* TTL 1440 minutes */
		0x02, 0x10, 0x10, 0x00,		/* 2 referrals, /16, NODE-REFERRAL, A */
		0x00, 0x00, 0x00, 0x01,		/* SigCnt 0, version 0, AFI IPv4 */
		0x0a, 0x01, 0x00, 0x00,		/* 10.1.0.0 */
		0x01, 0x32, 0xff, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
		0x02, 0x64, 0xff, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x02,
	};
	struct lisp_map_referral m;
	const struct lisp_referral_record *r;

	ck_assert(send_req("[0]10.1.77.1", true));
	ck_assert_uint_eq(nsent, 1);
	ck_assert_bytes_eq(sent[0].msg, sent[0].len, want, sizeof(want));
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_NODE_REFERRAL);
	ck_assert(r->authoritative && !r->incomplete);
	ck_assert_uint_eq(r->ref_count, 2);
	ck_assert_uint_eq(ddt_node_counters(node)->node_referrals, 1);
	ck_assert_uint_eq(ddt_tree_delegation_at(ddt_node_tree(node), 0)->referrals_sent, 1);
}
END_TEST

START_TEST(golden_ms_referral)
{
	static const uint8_t want[] = {
		HDR,
		0x00, 0x00, 0x05, 0xa0, 0x01, 0x10, 0x30, 0x00,	/* MS-REFERRAL, A */
		0x00, 0x00, 0x00, 0x01, 0x0a, 0x02, 0x00, 0x00,
		0x01, 0x32, 0xff, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x03,
	};

	ck_assert(send_req("[0]10.2.0.9", true));
	ck_assert_bytes_eq(sent[0].msg, sent[0].len, want, sizeof(want));
	ck_assert_uint_eq(ddt_node_counters(node)->ms_referrals, 1);
}
END_TEST

START_TEST(golden_delegation_hole)
{
	/* [0]10/8 delegates 10.1/16 and 10.2/16: around 10.200.0.1 the
	 * largest prefix with neither is 10.128/9. */
	static const uint8_t want[] = {
		HDR,
		0x00, 0x00, 0x00, 0x0f, 0x00, 0x09, 0x90, 0x00,	/* TTL 15, /9, HOLE, A */
		0x00, 0x00, 0x00, 0x01, 0x0a, 0x80, 0x00, 0x00,
	};
	struct lisp_map_referral m;

	ck_assert(send_req("[0]10.200.0.1", true));
	ck_assert_bytes_eq(sent[0].msg, sent[0].len, want, sizeof(want));
	ck_assert_uint_eq(last(&m)->action, LISP_REF_DELEGATION_HOLE);
	ck_assert(send_req("[0]10.3.0.1", true));
	expect_prefix(last(&m), "[0]10.3.0.0/16");
	ck_assert(send_req("[0]10.0.0.1", true));
	expect_prefix(last(&m), "[0]10.0.0.0/16");	/* 10.0/15 holds 10.1/16 */
	ck_assert_uint_eq(ddt_node_counters(node)->delegation_holes, 3);
}
END_TEST

START_TEST(golden_not_authoritative)
{
	/* RFC 8111, section 6: the original requested EID, TTL 0. */
	static const uint8_t want[] = {
		HDR,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0xa8, 0x00,	/* TTL 0, /32, NOT-AUTH, I */
		0x00, 0x00, 0x00, 0x01, 0x0b, 0x09, 0x09, 0x09,
	};
	struct lisp_map_referral m;
	const struct lisp_referral_record *r;

	ck_assert(send_req("[0]11.9.9.9", true));
	ck_assert_bytes_eq(sent[0].msg, sent[0].len, want, sizeof(want));
	r = last(&m);
	ck_assert(r->incomplete && !r->authoritative && r->ttl == 0 && r->ref_count == 0);
	ck_assert(send_req("[3]10.1.2.3", true));	/* an IID without authority */
	expect_prefix(last(&m), "[3]10.1.2.3/32");
	ck_assert(send_req("[7]2001:db9::1", true));
	expect_prefix(last(&m), "[7]2001:db9::1/128");
	ck_assert(send_req("[0]192.168.0.0/16", true));	/* a prefix comes back as asked */
	expect_prefix(last(&m), "[0]192.168.0.0/16");
	ck_assert_uint_eq(ddt_node_counters(node)->not_authoritative, 4);
}
END_TEST

/* The same answers in IID 7 (an IID LCAF around the EID) and IPv6. */
START_TEST(second_iid_and_ipv6)
{
	struct lisp_map_referral m;
	const struct lisp_referral_record *r;
	char a[64];

	ck_assert(send_req("[7]10.1.2.3", true));
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_MS_REFERRAL);
	expect_prefix(r, "[7]10.1.0.0/16");
	lisp_addr_format(lisp_waddr_rloc(&r->refs[0].addr), a, sizeof(a));
	ck_assert_str_eq(a, "192.0.2.7");
	ck_assert(send_req("[7]10.9.0.1", true));
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_DELEGATION_HOLE);
	/* [7]10/8 delegates 10.1/16: 10.0/12 would hold it, 10.8/13 does not. */
	expect_prefix(r, "[7]10.8.0.0/13");
}
END_TEST

START_TEST(ipv6_answers)
{
	struct lisp_map_referral m;
	const struct lisp_referral_record *r;
	char a[64];

	ck_assert(send_req("[7]2001:db8:1:2::3", true));
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_NODE_REFERRAL);
	expect_prefix(r, "[7]2001:db8:1::/48");
	lisp_addr_format(lisp_waddr_rloc(&r->refs[0].addr), a, sizeof(a));
	ck_assert_str_eq(a, "2001:db8:ffff::1");
	ck_assert(send_req("[7]2001:db8:8000::1", true));
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_DELEGATION_HOLE);
	expect_prefix(r, "[7]2001:db8:8000::/33");
	ck_assert_uint_eq(r->ttl, 15);
}
END_TEST

START_TEST(not_ddt_ecm)
{
	struct ddt_node_local local = { 0 };

	/* Alone in the process: dropped here and counted (RFC 8111, 5.2). */
	ck_assert(send_req("[0]10.1.2.3", false));
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(ddt_node_counters(node)->requests_not_ddt, 1);
	ck_assert_uint_eq(ddt_node_counters(node)->requests_received, 0);
	/* With a Map-Resolver or ETR beside it: theirs, not counted here. */
	local.others_take_ecms = true;
	ddt_node_set_local(node, &local);
	ck_assert(!send_req("[0]10.1.2.3", false));
	ck_assert(!ddt_node_input(node, (const uint8_t *)"\x80", 1, &client, 1));
	ck_assert_uint_eq(ddt_node_counters(node)->requests_not_ddt, 1);
	ck_assert_uint_eq(ddt_node_counters(node)->request_decode_errors, 0);
	local.others_take_ecms = false;
	ddt_node_set_local(node, &local);
	ck_assert(ddt_node_input(node, (const uint8_t *)"\x80", 1, &client, 1));
	ck_assert_uint_eq(ddt_node_counters(node)->request_decode_errors, 1);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

static bool ms_has_10_3(void *arg, const struct lisp_prefix *xeid)
{
	struct lisp_prefix site = P("[0]10.3.0.0/16");

	(void)arg;
	return lisp_prefix_covers(&site, xeid);
}

START_TEST(local_map_server_answers_its_sites)
{
	struct ddt_node_local local = { .ms_serves = ms_has_10_3 };

	ddt_node_set_local(node, &local);
	ck_assert(!send_req("[0]10.3.4.5", true));	/* the Map-Server's to answer */
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(ddt_node_counters(node)->requests_to_map_server, 1);
	ck_assert(send_req("[0]10.1.4.5", true));	/* a delegation stays the node's */
	ck_assert_uint_eq(nsent, 1);
}
END_TEST

START_TEST(one_record_answered)
{
	uint8_t buf[600];
	size_t len = build("[0]10.1.2.3", true, 4, buf, sizeof(buf));
	struct lisp_map_referral m;

	ck_assert(ddt_node_input(node, buf, len, &client, 40001));
	ck_assert_uint_eq(nsent, 1);
	last(&m);	/* one record */
	ck_assert_uint_eq(ddt_node_counters(node)->request_records_ignored, 3);
}
END_TEST

START_TEST(per_source_limit)
{
	struct ddt_node_params p;
	struct lisp_addr other;

	teardown();
	ddt_node_params_default(&p);
	p.rate = 5;
	p.burst = 5;
	setup_params(&p);
	for (int i = 0; i < 20; i++)
		ck_assert(send_req("[0]10.1.2.3", true));
	ck_assert_uint_eq(nsent, 5);
	ck_assert_uint_eq(ddt_node_counters(node)->requests_rate_limited, 15);
	/* Another source has its own bucket. */
	lisp_addr_parse("198.51.100.10", &other, NULL);
	client = other;
	ck_assert(send_req("[0]10.1.2.3", true));
	ck_assert_uint_eq(nsent, 6);
	/* One second refills the first. */
	t_clock_advance_us(1000000);
	evloop_now_update(loop);
	lisp_addr_parse("198.51.100.9", &client, NULL);
	ck_assert(send_req("[0]10.1.2.3", true));
	ck_assert_uint_eq(nsent, 7);
}
END_TEST

START_TEST(global_limit)
{
	struct ddt_node_params p;
	char a[32];

	teardown();
	ddt_node_params_default(&p);
	p.rate = 0;		/* per source: unlimited */
	p.global_rate = 10;
	p.global_burst = 10;
	setup_params(&p);
	/* 100 spoofed sources: no more than the global bucket gets out. */
	for (int i = 0; i < 100; i++) {
		snprintf(a, sizeof(a), "203.0.113.%d", i);
		lisp_addr_parse(a, &client, NULL);
		ck_assert(send_req("[0]10.1.2.3", true));
	}
	ck_assert_uint_eq(nsent, 10);
	ck_assert_uint_eq(ddt_node_counters(node)->referrals_global_limited, 90);
	ck_assert_uint_eq(ddt_node_counters(node)->referrals_sent, 10);
}
END_TEST

START_TEST(garbage_counted)
{
	uint8_t buf[600];
	size_t len = build("[0]10.1.2.3", true, 1, buf, sizeof(buf));

	/* The inner Map-Request cut short (its UDP length kept): refused. */
	for (size_t cut = 1; cut < len - 36; cut++)
		ck_assert(ddt_node_input(node, buf, len - cut, &client, 40001));
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_gt(ddt_node_counters(node)->request_decode_errors, 0);
	/* A Distinguished-Name EID is no XEID of this table. */
	len = build("[0]dn:planner", true, 1, buf, sizeof(buf));
	ck_assert(ddt_node_input(node, buf, len, &client, 40001));
	ck_assert_uint_eq(ddt_node_counters(node)->requests_unanswerable, 1);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

/* Random corruptions of a valid request: every input is answered with one
 * valid Map-Referral or counted, never more (and never a crash). */
START_TEST(mutations_bounded)
{
	struct ddt_node_params p;
	uint8_t good[600], buf[600];
	size_t len = build("[7]2001:db8:1:2::3", true, 1, good, sizeof(good));
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	const struct ddt_node_counters *c;

	teardown();
	ddt_node_params_default(&p);
	p.rate = 0;
	p.global_rate = 0;
	setup_params(&p);
	for (int i = 0; i < 20000; i++) {
		struct lisp_map_referral m;
		struct lisp_err err;
		unsigned int before = nsent;

		memcpy(buf, good, len);
		for (int k = 0; k < 1 + i % 4; k++) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			buf[seed % len] ^= (uint8_t)(seed >> 32) | 1;
		}
		ck_assert(ddt_node_input(node, buf, len - (i % 7 == 0 ? seed % 16 : 0), &client,
					 40001));
		ck_assert_uint_le(nsent, before + 1);
		if (nsent > before) {
			lisp_arena_reset(&arena);
			ck_assert(lisp_map_referral_decode(sent[before].msg, sent[before].len,
							   &arena, &m, &err) == 0);
			ck_assert_int_eq(lisp_referral_record_check(&m.records[0], &err), 0);
		}
		nsent = 0;
	}
	c = ddt_node_counters(node);
	ck_assert_uint_eq(c->referrals_sent + c->request_decode_errors + c->requests_not_ddt +
				  c->requests_unanswerable,
			  20000);
	ck_assert_uint_gt(c->referrals_sent, 0);
	ck_assert_uint_gt(c->request_decode_errors, 0);
}
END_TEST

START_TEST(reconfigure_swaps_whole)
{
	struct ddt_tree *t = ddt_tree_new();
	struct lisp_prefix a = P("[0]10.0.0.0/8");
	struct ddt_node_params p;
	struct lisp_map_referral m;
	const struct lisp_referral_record *r;

	ck_assert_int_eq(ddt_tree_add_auth(t, &a), 0);
	deleg(t, "[0]10.1.0.0/17", DDT_DELEG_MAP_SERVER, "192.0.2.99", NULL);
	ddt_node_params_default(&p);
	p.referral_ttl_min = 60;
	p.hole_ttl_min = 5;
	ddt_node_reconfigure(node, &p, t);
	ck_assert(send_req("[0]10.1.2.3", true));
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_MS_REFERRAL);
	ck_assert_uint_eq(r->ttl, 60);
	expect_prefix(r, "[0]10.1.0.0/17");
	ck_assert(send_req("[0]10.2.0.1", true));	/* delegated before: a hole now */
	r = last(&m);
	ck_assert_uint_eq(r->action, LISP_REF_DELEGATION_HOLE);
	ck_assert_uint_eq(r->ttl, 5);
	ck_assert(send_req("[7]10.1.2.3", true));	/* IID 7 gone */
	ck_assert_uint_eq(last(&m)->action, LISP_REF_NOT_AUTHORITATIVE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ddt_node");
	TCase *tc = tcase_create("ddt_node");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, golden_node_referral);
	tcase_add_test(tc, golden_ms_referral);
	tcase_add_test(tc, golden_delegation_hole);
	tcase_add_test(tc, golden_not_authoritative);
	tcase_add_test(tc, second_iid_and_ipv6);
	tcase_add_test(tc, ipv6_answers);
	tcase_add_test(tc, not_ddt_ecm);
	tcase_add_test(tc, local_map_server_answers_its_sites);
	tcase_add_test(tc, one_record_answered);
	tcase_add_test(tc, per_source_limit);
	tcase_add_test(tc, global_limit);
	tcase_add_test(tc, garbage_counted);
	tcase_add_test(tc, mutations_bounded);
	tcase_add_test(tc, reconfigure_swaps_whole);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
