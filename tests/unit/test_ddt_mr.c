/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT Map-Resolver (controlplane/ddt/ddt_mr.h, RFC 8111 section 7.3)
 * driven by Map-Referrals built with lisp_map_referral_encode, on the test
 * clock: each action, retries and fail-over, timeouts, loops, depth, wrong
 * nonce, wrong sender, caps; and the Map-Resolver handing it the EIDs it
 * does not serve.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "ddt_mr.h"
#include "map_resolver.h"

#define SENT_MAX 64
#define NONCE 0x1122334455667788ull

struct sent {
	struct lisp_addr dst;
	uint16_t port;
	uint8_t msg[2048];
	size_t len;
};

static struct sent sent[SENT_MAX];
static unsigned int nsent;
static struct evloop *loop;
static struct ddt_mr *d;
static struct ddt_mr_params params;
static uint8_t arena_buf[1 << 16];
static bool last_taken;		/* what the last ddt_mr_input returned */
static struct lisp_arena arena;

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	ck_assert_uint_lt(nsent, SENT_MAX);
	sent[nsent].dst = *dst;
	sent[nsent].port = port;
	memcpy(sent[nsent].msg, msg, len);
	sent[nsent++].len = len;
}

static struct lisp_addr addr(const char *s)
{
	struct lisp_addr a;

	ck_assert_int_eq(lisp_addr_parse(s, &a, NULL), 0);
	return a;
}

static struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

static void add_root(const char *a, uint8_t prio)
{
	params.roots[params.root_count].addr = addr(a);
	params.roots[params.root_count++].priority = prio;
}

static void start(void)
{
	d = ddt_mr_new(loop, &params, capture, NULL);
	ck_assert_ptr_nonnull(d);
}

static void setup(void)
{
	nsent = 0;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	loop = t_loop_new();
	ddt_mr_params_default(&params);
	params.request_timeout_ms = 500;
	params.retries = 1;
	d = NULL;
}

static void teardown(void)
{
	ddt_mr_free(d);
	evloop_free(loop);
}

#define C(name) (ddt_mr_counters(d)->name)

/* The ITR at 192.0.2.99:61000 asks for eid with nonce. */
static void ask_nonce(const char *eid, uint64_t nonce)
{
	struct lisp_request_record rec = { 0 };
	struct lisp_map_request req = { .nonce = nonce, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct lisp_prefix p = pfx(eid);
	struct lisp_addr itr = addr("192.0.2.99");
	struct lisp_waddr witr, inner;

	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&witr, &itr);
	req.itr_rlocs = &witr;
	ecm.inner_src = itr;
	ecm.inner_dst = p.addr;
	ddt_mr_resolve(d, &ecm, &req, 0, &p, &itr, 61000);
}

static void ask(const char *eid)
{
	ask_nonce(eid, NONCE);
}

/* A Map-Referral from `from` with one record; refs "a.b.c.d" or
 * "a.b.c.d@prio". */
static void referral_full(const char *from, uint64_t nonce, const char *prefix, uint8_t action,
			  uint32_t ttl, bool incomplete, const char *const *refs, unsigned int n)
{
	struct lisp_locator locs[32];
	struct lisp_referral_record rec = { .ttl = ttl, .action = action,
					    .incomplete = incomplete, .ref_count = (uint8_t)n,
					    .refs = locs };
	struct lisp_map_referral m = { .nonce = nonce, .record_count = 1, .records = &rec };
	struct lisp_prefix p = pfx(prefix);
	struct lisp_waddr inner;
	struct lisp_addr src = addr(from);
	uint8_t buf[2048];
	ssize_t len;

	memset(locs, 0, sizeof(locs));
	for (unsigned int i = 0; i < n; i++) {
		char a[64], *at;
		struct lisp_addr la;

		snprintf(a, sizeof(a), "%s", refs[i]);
		at = strchr(a, '@');
		locs[i].priority = 1;
		if (at) {
			*at = 0;
			locs[i].priority = (uint8_t)atoi(at + 1);
		}
		la = addr(a);
		lisp_waddr_from_addr(&locs[i].addr, &la);
		locs[i].flags = LISP_LOC_F_REACH;
	}
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	len = lisp_map_referral_encode(&m, buf, sizeof(buf), NULL);
	ck_assert_int_gt(len, 0);
	last_taken = ddt_mr_input(d, buf, (size_t)len, &src, LISP_CONTROL_PORT);
}

static void referral(const char *from, const char *prefix, uint8_t action, uint32_t ttl,
		     const char *const *refs, unsigned int n)
{
	referral_full(from, NONCE, prefix, action, ttl, action == LISP_REF_NOT_AUTHORITATIVE,
		      refs, n);
}

/* The last message sent: a DDT Map-Request (ECM, D bit) to dst:4342
 * carrying the ITR's Map-Request with its nonce. */
static void expect_ddt_request(const char *dst)
{
	struct lisp_addr want = addr(dst);
	struct lisp_map_request req;
	struct lisp_err err;
	struct lisp_ecm ecm;
	const struct sent *s;

	ck_assert_uint_gt(nsent, 0);
	s = &sent[nsent - 1];
	ck_assert_msg(lisp_addr_equal(&s->dst, &want), "sent to the wrong node");
	ck_assert_uint_eq(s->port, LISP_CONTROL_PORT);
	ck_assert_int_eq(lisp_ecm_decode(s->msg, s->len, &ecm, &err), 0);
	ck_assert(ecm.ddt);
	ck_assert_uint_eq(ecm.inner_sport, 61000);
	lisp_arena_reset(&arena);
	ck_assert_int_eq(lisp_map_request_decode(ecm.payload, ecm.payload_len, &arena, &req, &err),
			 0);
	ck_assert_uint_eq(req.record_count, 1);
}

/* The last message sent: a negative Map-Reply to the ITR. */
static void expect_negative(const char *prefix, uint8_t action, uint32_t ttl)
{
	struct lisp_prefix want = pfx(prefix), got;
	struct lisp_addr itr = addr("192.0.2.99");
	struct lisp_map_reply r;
	struct lisp_err err;
	const struct sent *s;

	ck_assert_uint_gt(nsent, 0);
	s = &sent[nsent - 1];
	ck_assert(lisp_addr_equal(&s->dst, &itr));
	ck_assert_uint_eq(s->port, 61000);
	lisp_arena_reset(&arena);
	ck_assert_int_eq(lisp_map_reply_decode(s->msg, s->len, &arena, &r, &err), 0);
	ck_assert_uint_eq(r.nonce, NONCE);
	ck_assert_uint_eq(r.record_count, 1);
	ck_assert_uint_eq(r.records[0].loc_count, 0);
	ck_assert_uint_eq(r.records[0].action, action);
	ck_assert_uint_eq(r.records[0].ttl, ttl);
	ck_assert_int_eq(lisp_waddr_to_prefix(&r.records[0].eid, r.records[0].mask_len, &got,
					      NULL), 0);
	ck_assert_msg(lisp_prefix_equal(&got, &want), "negative reply for the wrong prefix");
}

static const char *const root_set[] = { "10.0.0.1" };
static const char *const child_set[] = { "10.0.0.2" };
static const char *const ms_set[] = { "10.0.0.3" };

START_TEST(node_then_ms_referral_then_ms_ack)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	expect_ddt_request("10.0.0.1");
	referral("10.0.0.1", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, child_set, 1);
	expect_ddt_request("10.0.0.2");
	referral("10.0.0.2", "[1]10.1.0.0/16", LISP_REF_MS_REFERRAL, 1440, ms_set, 1);
	expect_ddt_request("10.0.0.3");
	nsent = 0;
	referral("10.0.0.3", "[1]10.1.2.3/32", LISP_REF_MS_ACK, 1440, ms_set, 1);
	/* The ETR answers the ITR: nothing from here. */
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(C(ms_acks), 1);
	ck_assert_uint_eq(C(requests_done), 1);
	ck_assert_uint_eq(C(node_referrals), 1);
	ck_assert_uint_eq(C(ms_referrals), 1);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
	ck_assert_uint_eq(ddt_cache_count(ddt_mr_cache(d)), 2);
	/* Warm cache: the next EID of the /16 goes straight to the MS. */
	ask("[1]10.1.9.9/32");
	ck_assert_uint_eq(nsent, 1);
	expect_ddt_request("10.0.0.3");
	ck_assert_uint_eq(C(cache_hits), 1);
	/* Another Instance-ID does not share the cache: from the roots. */
	ask_nonce("[2]10.1.9.9/32", 7);
	expect_ddt_request("10.0.0.1");
}
END_TEST

START_TEST(incomplete_referral_followed_not_cached)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	/* The I bit on a referral is against RFC 8111's table: refused. */
	referral_full("10.0.0.1", NONCE, "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, true,
		      child_set, 1);
	ck_assert_uint_eq(C(referral_invalid), 1);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
	/* A TTL of 0 is followed, never cached. */
	nsent = 0;
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 0, child_set, 1);
	expect_ddt_request("10.0.0.2");
	ck_assert_uint_eq(ddt_cache_count(ddt_mr_cache(d)), 0);
}
END_TEST

START_TEST(delegation_hole_negative_and_cached)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.200.2.3/32");
	referral("10.0.0.1", "[1]10.128.0.0/9", LISP_REF_DELEGATION_HOLE, 15, NULL, 0);
	expect_negative("[1]10.128.0.0/9", LISP_ACT_NATIVE_FORWARD, 15);
	ck_assert_uint_eq(C(delegation_holes), 1);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
	/* Within the TTL: answered from the negative entry, nothing sent on. */
	nsent = 0;
	t_run_for(loop, 60000, NULL);
	ask("[1]10.129.0.1/32");
	ck_assert_uint_eq(nsent, 1);
	expect_negative("[1]10.128.0.0/9", LISP_ACT_NATIVE_FORWARD, 14);
	ck_assert_uint_eq(C(cache_negative_hits), 1);
	/* After it, asked again. */
	t_run_for(loop, 14 * 60000, NULL);
	ask("[1]10.129.0.1/32");
	expect_ddt_request("10.0.0.1");
}
END_TEST

START_TEST(negative_ttl_bounds)
{
	params.negative_ttl_min_min = 2;
	params.negative_ttl_max_min = 10;
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.200.2.3/32");
	referral("10.0.0.1", "[1]10.128.0.0/9", LISP_REF_DELEGATION_HOLE, 100000, NULL, 0);
	expect_negative("[1]10.128.0.0/9", LISP_ACT_NATIVE_FORWARD, 10);
	ask_nonce("[2]10.200.2.3/32", NONCE);
	referral("10.0.0.1", "[2]10.128.0.0/9", LISP_REF_DELEGATION_HOLE, 1, NULL, 0);
	expect_negative("[2]10.128.0.0/9", LISP_ACT_NATIVE_FORWARD, 2);
}
END_TEST

START_TEST(ms_not_registered_asks_the_other_ms)
{
	static const char *const two_ms[] = { "10.0.0.4@2", "10.0.0.3@1" };

	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.1.0.0/16", LISP_REF_MS_REFERRAL, 1440, two_ms, 2);
	expect_ddt_request("10.0.0.3");		/* best priority first */
	referral("10.0.0.3", "[1]10.1.2.0/24", LISP_REF_MS_NOT_REGISTERED, 1, NULL, 0);
	expect_ddt_request("10.0.0.4");
	ck_assert_uint_eq(ddt_mr_pending_count(d), 1);
	referral("10.0.0.4", "[1]10.1.2.0/24", LISP_REF_MS_NOT_REGISTERED, 1, NULL, 0);
	expect_negative("[1]10.1.2.0/24", LISP_ACT_SEND_MAP_REQUEST, 1);
	ck_assert_uint_eq(C(ms_not_registered), 2);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
	/* The second Map-Server may hold it: MS-ACK ends it there. */
	nsent = 0;
	t_run_for(loop, 60000, NULL);	/* the negative entry's minute */
	ask_nonce("[1]10.1.2.3/32", 9);
	expect_ddt_request("10.0.0.3");
	referral_full("10.0.0.3", 9, "[1]10.1.2.0/24", LISP_REF_MS_NOT_REGISTERED, 1, false, NULL,
		      0);
	referral_full("10.0.0.4", 9, "[1]10.1.2.3/32", LISP_REF_MS_ACK, 1440, false, NULL, 0);
	ck_assert_uint_eq(C(ms_acks), 1);
}
END_TEST

START_TEST(negative_wider_than_the_referral_refused)
{
	static const char *const two_ms[] = { "10.0.0.3@1", "10.0.0.4@2" };

	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.1.0.0/16", LISP_REF_MS_REFERRAL, 1440, two_ms, 2);
	/* A Map-Server of the /16 claims a hole over the whole IID. */
	referral("10.0.0.3", "[1]0.0.0.0/0", LISP_REF_DELEGATION_HOLE, 15, NULL, 0);
	ck_assert_uint_eq(C(referral_outside), 1);
	ck_assert_uint_eq(C(delegation_holes), 0);
	expect_ddt_request("10.0.0.4");
	ck_assert_uint_eq(ddt_cache_count(ddt_mr_cache(d)), 1);
	referral("10.0.0.4", "[1]10.1.2.0/24", LISP_REF_MS_NOT_REGISTERED, 1, NULL, 0);
	expect_negative("[1]10.1.2.0/24", LISP_ACT_SEND_MAP_REQUEST, 1);
}
END_TEST

START_TEST(not_authoritative_drops_stale_entry)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, child_set, 1);
	referral("10.0.0.2", "[1]10.1.2.3/32", LISP_REF_MS_ACK, 1440, NULL, 0);
	ck_assert_uint_eq(ddt_cache_count(ddt_mr_cache(d)), 1);
	/* The child lost its delegation: the cached entry sends there, it
	 * says NOT-AUTHORITATIVE, the entry goes and the roots are asked. */
	ask_nonce("[1]10.1.2.3/32", NONCE);
	expect_ddt_request("10.0.0.2");
	referral("10.0.0.2", "[1]10.1.2.3/32", LISP_REF_NOT_AUTHORITATIVE, 0, NULL, 0);
	expect_ddt_request("10.0.0.1");
	ck_assert_uint_eq(ddt_cache_count(ddt_mr_cache(d)), 0);
	ck_assert_uint_eq(C(not_authoritative), 1);
	/* From a root: no other member, the request fails. */
	referral("10.0.0.1", "[1]10.1.2.3/32", LISP_REF_NOT_AUTHORITATIVE, 0, NULL, 0);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
	ck_assert_uint_eq(C(requests_failed), 1);
}
END_TEST

START_TEST(timeouts_fail_over_by_priority)
{
	add_root("10.0.0.9", 2);
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	expect_ddt_request("10.0.0.1");
	t_run_for(loop, 499, NULL);
	ck_assert_uint_eq(nsent, 1);
	t_run_for(loop, 1, NULL);
	expect_ddt_request("10.0.0.9");
	ck_assert_uint_eq(C(retransmits), 1);
	/* retries 1: the second timeout ends it. */
	t_run_for(loop, 500, NULL);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
	ck_assert_uint_eq(C(timeouts), 2);
	ck_assert_uint_eq(C(requests_failed), 1);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
}
END_TEST

/* A member that timed out is passed over by the next requests (one
 * timeout for a dead node, not one per request), until its hold ends or it
 * answers again (map-resolver.ddt.unresponsive-hold). */
START_TEST(unresponsive_member_held)
{
	static const char *const ack_set[] = { "10.0.0.9" };

	params.unresponsive_hold_ms = 2000;
	add_root("10.0.0.1", 1);
	add_root("10.0.0.9", 2);
	start();
	ask_nonce("[1]10.1.2.3/32", 1);
	expect_ddt_request("10.0.0.1");
	t_run_for(loop, 500, NULL);
	expect_ddt_request("10.0.0.9");
	referral_full("10.0.0.9", 1, "[1]10.1.2.3/32", LISP_REF_MS_ACK, 1440, false, ack_set, 1);
	ck_assert_uint_eq(C(requests_done), 1);
	/* The next request skips the silent root. */
	nsent = 0;
	ask_nonce("[2]10.1.2.3/32", 2);
	ck_assert_uint_eq(nsent, 1);
	expect_ddt_request("10.0.0.9");
	ck_assert_uint_eq(C(members_held), 1);
	referral_full("10.0.0.9", 2, "[2]10.1.2.3/32", LISP_REF_MS_ACK, 1440, false, ack_set, 1);
	/* Its hold over, it is asked first again. */
	t_run_for(loop, 2000, NULL);
	ask_nonce("[3]10.1.2.3/32", 3);
	expect_ddt_request("10.0.0.1");
	t_run_for(loop, 500, NULL);		/* silent again: held again */
	expect_ddt_request("10.0.0.9");
	referral_full("10.0.0.9", 3, "[3]10.1.2.3/32", LISP_REF_MS_ACK, 1440, false, ack_set, 1);
	/* Held, it is still asked when nobody else is left (the other answers
	 * with nothing for the EID), and its answer ends the hold. */
	ask_nonce("[4]10.1.2.3/32", 4);
	expect_ddt_request("10.0.0.9");
	referral_full("10.0.0.9", 4, "[9]10.0.0.0/8", LISP_REF_MS_ACK, 1440, false, ack_set, 1);
	expect_ddt_request("10.0.0.1");
	referral_full("10.0.0.1", 4, "[4]10.1.2.3/32", LISP_REF_MS_ACK, 1440, false, ack_set, 1);
	ask_nonce("[5]10.1.2.3/32", 5);
	expect_ddt_request("10.0.0.1");
	referral_full("10.0.0.1", 5, "[5]10.1.2.3/32", LISP_REF_MS_ACK, 1440, false, ack_set, 1);
	ck_assert_uint_eq(C(requests_done), 5);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
}
END_TEST

START_TEST(wrong_nonce_and_wrong_sender_dropped)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral_full("10.0.0.1", NONCE + 1, "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, false,
		      child_set, 1);
	ck_assert_uint_eq(C(referral_unknown_nonce), 1);
	ck_assert(!last_taken);		/* another part may own that nonce */
	/* The right nonce from an address not asked: an MS-ACK from a
	 * stranger does not end the request. */
	referral("10.0.0.66", "[1]10.1.2.3/32", LISP_REF_MS_ACK, 1440, NULL, 0);
	ck_assert_uint_eq(C(referral_wrong_sender), 1);
	ck_assert(last_taken);
	ck_assert_uint_eq(C(ms_acks), 0);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 1);
	ck_assert_uint_eq(nsent, 1);
	/* Garbage is counted. */
	ck_assert(ddt_mr_input(d, (const uint8_t *)"\x60\x00", 2, &(struct lisp_addr){ 0 },
			       4342));
	ck_assert_uint_eq(C(referral_decode_errors), 1);
	/* A record that does not cover the EID: the asked node is refused. */
	referral("10.0.0.1", "[1]192.168.0.0/16", LISP_REF_MS_ACK, 1440, NULL, 0);
	ck_assert_uint_eq(C(referral_bad_records), 1);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
}
END_TEST

START_TEST(loop_not_more_specific)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, child_set, 1);
	referral("10.0.0.2", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, ms_set, 1);
	ck_assert_uint_eq(C(referral_loops), 1);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
}
END_TEST

START_TEST(loop_back_to_a_node_asked)
{
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, child_set, 1);
	/* More specific, but back to the root. */
	referral("10.0.0.2", "[1]10.1.0.0/16", LISP_REF_NODE_REFERRAL, 1440, root_set, 1);
	ck_assert_uint_eq(C(referral_loops), 1);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
}
END_TEST

START_TEST(depth_limit)
{
	static const char *const n[] = { "10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.4" };
	const char *prefixes[] = { "[1]10.0.0.0/8", "[1]10.1.0.0/16", "[1]10.1.2.0/24" };
	const char *from = "10.0.0.1";

	params.max_depth = 2;
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	for (int i = 0; i < 3; i++) {
		referral(from, prefixes[i], LISP_REF_NODE_REFERRAL, 1440, &n[i], 1);
		from = n[i];
	}
	ck_assert_uint_eq(C(depth_exceeded), 1);
	ck_assert_uint_eq(C(node_referrals), 3);
	expect_negative("[1]10.1.2.3/32", LISP_ACT_SEND_MAP_REQUEST, 1);
}
END_TEST

START_TEST(referral_sets_past_the_limits)
{
	const char *big[20];
	char names[20][32];
	const struct ddt_cache_entry *e;
	struct lisp_prefix q = pfx("[1]10.1.2.3/32");

	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "10.9.0.%d@%d", i + 1, 20 - i);
		big[i] = names[i];
	}
	add_root("10.0.0.1", 1);
	start();
	ask("[1]10.1.2.3/32");
	referral("10.0.0.1", "[1]10.0.0.0/8", LISP_REF_NODE_REFERRAL, 1440, big, 20);
	ck_assert_uint_eq(C(referral_set_truncated), 1);
	/* The best priority of the 20 (the last, priority 1) is asked. */
	expect_ddt_request("10.9.0.20");
	e = ddt_cache_lookup((struct ddt_cache *)ddt_mr_cache(d), &q, evloop_now_ms(loop));
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->ref_count, DDT_REFS_MAX);
	ck_assert_uint_eq(e->refs[0].priority, 1);
	/* A set of nothing usable (priority 255 only) is refused. */
	nsent = 0;
	referral("10.9.0.20", "[1]10.1.0.0/16", LISP_REF_NODE_REFERRAL, 1440,
		 (const char *const[]){ "10.9.9.9@255" }, 1);
	ck_assert_uint_eq(C(referral_set_unusable), 1);
	expect_ddt_request("10.9.0.19");
	/* An empty set breaks RFC 8111's table: refused. */
	referral("10.9.0.19", "[1]10.1.0.0/16", LISP_REF_MS_REFERRAL, 1440, NULL, 0);
	ck_assert_uint_eq(C(referral_invalid), 1);
	expect_ddt_request("10.9.0.18");
}
END_TEST

START_TEST(pending_cap_and_duplicates)
{
	params.pending_max = 2;
	add_root("10.0.0.1", 1);
	start();
	ask_nonce("[1]10.1.2.3/32", 1);
	ask_nonce("[1]10.1.2.3/32", 1);	/* the ITR's retransmission */
	ck_assert_uint_eq(C(requests_duplicate), 1);
	ask_nonce("[1]10.1.2.4/32", 2);
	ask_nonce("[1]10.1.2.5/32", 3);
	ck_assert_uint_eq(C(requests_pending_full), 1);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 2);
	ck_assert_uint_eq(C(ddt_requests_sent), 2);
	/* A flood: still two pending, two sends, every one counted. */
	for (uint64_t i = 10; i < 1010; i++)
		ask_nonce("[1]10.1.2.6/32", i);
	ck_assert_uint_eq(C(requests_pending_full), 1001);
	ck_assert_uint_eq(nsent, 2);
	/* Once they time out, room again. */
	t_run_for(loop, 1000, NULL);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 0);
	ask_nonce("[1]10.1.2.5/32", 3);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 1);
}
END_TEST

START_TEST(cache_cap_counted)
{
	static const char *const kids[] = { "10.0.0.2" };
	char p[64];

	params.cache_max = 16;
	add_root("10.0.0.1", 1);
	start();
	for (int i = 0; i < 20; i++) {
		char eid[64];

		snprintf(eid, sizeof(eid), "[1]10.%d.0.1/32", i);
		snprintf(p, sizeof(p), "[1]10.%d.0.0/16", i);
		ask_nonce(eid, (uint64_t)i + 100);
		referral_full("10.0.0.1", (uint64_t)i + 100, p, LISP_REF_NODE_REFERRAL, 1440,
			      false, kids, 1);
	}
	ck_assert_uint_eq(ddt_cache_count(ddt_mr_cache(d)), 16);
	ck_assert_uint_eq(C(cache_full), 4);
	/* Not cached, still followed. */
	ck_assert_uint_eq(C(ddt_requests_sent), 40);
}
END_TEST

/* ---- the Map-Resolver hands it the EIDs it does not serve -------------- */

static void hook(void *arg, const struct lisp_ecm *ecm, const struct lisp_map_request *req,
		 uint8_t rec, const struct lisp_prefix *eid, const struct lisp_addr *itr,
		 uint16_t port)
{
	ddt_mr_resolve(arg, ecm, req, rec, eid, itr, port);
}

START_TEST(map_resolver_hands_over)
{
	struct site_table *sites = site_table_new();
	struct map_resolver *mr;
	struct mr_params mp;
	struct lisp_map_request req;
	struct lisp_request_record rec = { 0 };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct lisp_prefix p = pfx("[1]10.1.2.3/32");
	struct lisp_addr itr = addr("192.0.2.99");
	struct lisp_waddr witr, inner;
	uint8_t mreq[512], buf[1024];
	ssize_t n;

	add_root("10.0.0.1", 1);
	start();
	map_resolver_params_default(&mp);
	mr = map_resolver_new(loop, &mp, NULL, sites, capture, NULL);
	ck_assert_ptr_nonnull(mr);
	memset(&req, 0, sizeof(req));
	req.nonce = NONCE;
	req.itr_rloc_count = 1;
	req.record_count = 1;
	req.records = &rec;
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = 32;
	lisp_waddr_from_addr(&witr, &itr);
	req.itr_rlocs = &witr;
	n = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	ck_assert_int_gt(n, 0);
	ecm.inner_src = itr;
	ecm.inner_dst = p.addr;
	ecm.payload = mreq;
	ecm.payload_len = (size_t)n;
	n = lisp_ecm_encode(&ecm, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	/* A DDT-originated request is never resolved through DDT again. */
	ecm.ddt = true;
	n = lisp_ecm_encode(&ecm, buf, sizeof(buf), NULL);
	map_resolver_set_ddt(mr, hook, d);
	map_resolver_input(mr, buf, (size_t)n, &itr, 61000);
	expect_negative("[1]0.0.0.0/0", LISP_ACT_NATIVE_FORWARD, 15);
	ck_assert_uint_eq(C(requests), 0);
	map_resolver_set_ddt(mr, NULL, NULL);
	ecm.ddt = false;
	n = lisp_ecm_encode(&ecm, buf, sizeof(buf), NULL);
	/* Without DDT: the usual negative reply. */
	map_resolver_input(mr, buf, (size_t)n, &itr, 61000);
	expect_negative("[1]0.0.0.0/0", LISP_ACT_NATIVE_FORWARD, 15);
	map_resolver_set_ddt(mr, hook, d);
	map_resolver_input(mr, buf, (size_t)n, &itr, 61000);
	expect_ddt_request("10.0.0.1");
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_ddt, 1);
	ck_assert_uint_eq(C(requests), 1);
	/* The inner TTL goes down one per DDT hop; at 1 it is not sent on. */
	{
		struct lisp_ecm out;
		struct lisp_err err;

		ck_assert_int_eq(lisp_ecm_decode(sent[nsent - 1].msg, sent[nsent - 1].len, &out,
						 &err), 0);
		ck_assert_uint_eq(out.ttl, 63);
	}
	ecm.ttl = 1;
	n = lisp_ecm_encode(&ecm, buf, sizeof(buf), NULL);
	map_resolver_input(mr, buf, (size_t)n, &itr, 61000);
	ck_assert_uint_eq(C(requests_ttl_spent), 1);
	ck_assert_uint_eq(ddt_mr_pending_count(d), 1);
	map_resolver_free(mr);
	site_table_free(sites);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ddt_mr");
	TCase *tc = tcase_create("resolve");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, node_then_ms_referral_then_ms_ack);
	tcase_add_test(tc, incomplete_referral_followed_not_cached);
	tcase_add_test(tc, delegation_hole_negative_and_cached);
	tcase_add_test(tc, negative_ttl_bounds);
	tcase_add_test(tc, ms_not_registered_asks_the_other_ms);
	tcase_add_test(tc, negative_wider_than_the_referral_refused);
	tcase_add_test(tc, not_authoritative_drops_stale_entry);
	tcase_add_test(tc, timeouts_fail_over_by_priority);
	tcase_add_test(tc, unresponsive_member_held);
	tcase_add_test(tc, wrong_nonce_and_wrong_sender_dropped);
	tcase_add_test(tc, loop_not_more_specific);
	tcase_add_test(tc, loop_back_to_a_node_asked);
	tcase_add_test(tc, depth_limit);
	tcase_add_test(tc, referral_sets_past_the_limits);
	tcase_add_test(tc, pending_cap_and_duplicates);
	tcase_add_test(tc, cache_cap_counted);
	tcase_add_test(tc, map_resolver_hands_over);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
