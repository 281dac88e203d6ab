/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Server's answers to DDT-originated Map-Requests (ms_ddt.h, RFC
 * 8111 section 7.2): MS-ACK with the usual proxy reply or forward to the
 * ETR, MS-NOT-REGISTERED and NOT-AUTHORITATIVE without a Map-Reply, the
 * referral set and Incomplete bit from map-server.ddt-peers, the TTLs, the
 * Map-Referral to the ECM's sender; golden bytes; and the same request
 * without the D bit answered as before.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "lisp_auth.h"
#include "map_resolver.h"
#include "ms_ddt.h"
#include "pubsub.h"

#include "map_resolver_fixture.h"

#define DDT_MR		"198.51.100.5"	/* the DDT Map-Resolver that asks */
#define DDT_MR_PORT	40001

static void ddt_setup(void)
{
	setup();
	ecm_ddt = true;
}

/* Sends a DDT Map-Request of n records from DDT_MR. */
static void ddt_ask_records(const char *const *eids, unsigned int n)
{
	struct lisp_addr src;
	uint8_t buf[512];
	size_t len = build_ecm_records(eids, n, 0, buf, sizeof(buf));

	lisp_addr_parse(DDT_MR, &src, NULL);
	nsent = 0;
	map_resolver_input(mr, buf, len, &src, DDT_MR_PORT);
}

static void ddt_ask(const char *eid)
{
	ddt_ask_records(&eid, 1);
}

/* The one Map-Referral among what was sent: to DDT_MR:DDT_MR_PORT, the
 * request's nonce, every record as RFC 8111 section 6 asks of a sender. */
static struct lisp_map_referral *referral_sent(void)
{
	static struct lisp_map_referral ref;
	struct lisp_err err;
	struct lisp_addr want;
	int found = -1;

	for (unsigned int i = 0; i < nsent; i++)
		if (sent[i].msg[0] >> 4 == LISP_MAP_REFERRAL) {
			ck_assert_int_eq(found, -1);
			found = (int)i;
		}
	ck_assert_int_ge(found, 0);
	lisp_addr_parse(DDT_MR, &want, NULL);
	ck_assert(lisp_addr_equal(&sent[found].dst, &want));
	ck_assert_uint_eq(sent[found].port, DDT_MR_PORT);
	ck_assert_msg(lisp_map_referral_decode(sent[found].msg, sent[found].len, &arena, &ref,
					       &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(ref.nonce, 0xabcdef);
	for (unsigned int i = 0; i < ref.record_count; i++)
		ck_assert_msg(lisp_referral_record_check(&ref.records[i], &err) == 0, "%s",
			      err.msg);
	return &ref;
}

static const char *ref_eid(const struct lisp_referral_record *rec)
{
	static char buf[LISP_ADDR_STR_MAX];
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &p, NULL), 0);
	lisp_prefix_format(&p, buf, sizeof(buf));
	return buf;
}

static unsigned int count_type(uint8_t type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nsent; i++)
		n += sent[i].msg[0] >> 4 == type;
	return n;
}

START_TEST(ms_ack_with_proxy_reply)
{
	struct lisp_map_referral *ref;
	struct lisp_referral_record *rec;

	do_register("[1]10.1.2.0/24", "192.0.2.1", true);
	ddt_ask("[1]10.1.2.3/32");
	/* The ITR still gets its proxy Map-Reply (RFC 8111 7.2). */
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(count_type(LISP_MAP_REPLY), 1);
	ck_assert_uint_eq(sent[0].port, 61000);
	ref = referral_sent();
	ck_assert_uint_eq(ref->record_count, 1);
	rec = &ref->records[0];
	ck_assert_uint_eq(rec->action, LISP_REF_MS_ACK);
	ck_assert_uint_eq(rec->ttl, 1440);
	ck_assert(rec->authoritative);
	/* No peers configured: the set is not known whole. */
	ck_assert(rec->incomplete);
	ck_assert_uint_eq(rec->ref_count, 0);
	ck_assert_str_eq(ref_eid(rec), "[1]10.1.2.0/24");
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_requests, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_ms_ack, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_referrals_sent, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_proxy, 1);
}
END_TEST

START_TEST(ms_ack_forwards_to_etr_with_peers)
{
	struct lisp_addr peers[2], etr;
	struct lisp_map_referral *ref;
	struct lisp_referral_record *rec;
	struct lisp_ecm fwd;

	lisp_addr_parse("203.0.113.1", &peers[0], NULL);
	lisp_addr_parse("203.0.113.2", &peers[1], NULL);
	map_resolver_set_ddt_peers(mr, peers, 2);
	do_register("[1]10.1.2.0/24", "192.0.2.1", false);
	ddt_ask("[1]10.1.2.3/32");
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(count_type(LISP_ECM), 1);
	lisp_addr_parse("192.0.2.1", &etr, NULL);
	for (unsigned int i = 0; i < nsent; i++)
		if (sent[i].msg[0] >> 4 == LISP_ECM) {
			ck_assert(lisp_addr_equal(&sent[i].dst, &etr));
			ck_assert_int_eq(lisp_ecm_decode(sent[i].msg, sent[i].len, &fwd, NULL), 0);
		}
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_forwarded, 1);
	ref = referral_sent();
	rec = &ref->records[0];
	ck_assert_uint_eq(rec->action, LISP_REF_MS_ACK);
	/* The whole Map-Server set: Incomplete clear. */
	ck_assert(!rec->incomplete);
	ck_assert_uint_eq(rec->ref_count, 2);
	ck_assert(lisp_addr_equal(&rec->refs[0].addr.plain, &peers[0]));
	ck_assert(lisp_addr_equal(&rec->refs[1].addr.plain, &peers[1]));
}
END_TEST

/*
 * Golden: configured (site "zero", [0]10.0.0.0/8), nothing registered.
 * MS-NOT-REGISTERED for the site prefix, TTL 1, A and I, no referral set,
 * and no Map-Reply to the ITR.
 */
START_TEST(ms_not_registered_golden)
{
	static const uint8_t want[] = {
		0x60, 0x00, 0x00, 0x01,				/* type 6, 1 record */
		0x00, 0x00, 0x00, 0x00, 0x00, 0xab, 0xcd, 0xef,	/* nonce */
		0x00, 0x00, 0x00, 0x01,				/* TTL 1 minute */
		0x00, 0x08, 0x78, 0x00,	/* 0 referrals, /8, ACT 3, A, I */
		0x00, 0x00, 0x00, 0x01,	/* SigCnt 0, version 0, AFI IPv4 */
		0x0a, 0x00, 0x00, 0x00,
	};

	ddt_ask("[0]10.9.9.9/32");
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(sent[0].len, sizeof(want));
	ck_assert_mem_eq(sent[0].msg, want, sizeof(want));
	referral_sent();
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_ms_not_registered, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_negative, 0);
}
END_TEST

/* A registered more-specific elsewhere in the site stays out of the
 * MS-NOT-REGISTERED prefix (as a negative Map-Reply's, RFC 9301 8.1). */
START_TEST(ms_not_registered_spares_registered)
{
	struct lisp_map_referral *ref;

	do_register("[1]10.1.2.0/24", "192.0.2.1", true);
	ddt_ask("[1]10.1.200.1/32");
	ref = referral_sent();
	ck_assert_uint_eq(ref->records[0].action, LISP_REF_MS_NOT_REGISTERED);
	ck_assert_uint_eq(ref->records[0].ttl, 1);
	ck_assert_str_eq(ref_eid(&ref->records[0]), "[1]10.1.128.0/17");
	ck_assert_uint_eq(count_type(LISP_MAP_REPLY), 0);
}
END_TEST

START_TEST(not_authoritative_outside_sites)
{
	struct lisp_addr peers[1];
	struct lisp_map_referral *ref;
	struct lisp_referral_record *rec;

	/* Peers never go in a hole's record. */
	lisp_addr_parse("203.0.113.1", &peers[0], NULL);
	map_resolver_set_ddt_peers(mr, peers, 1);
	ddt_ask("[0]192.168.1.1/32");
	ck_assert_uint_eq(nsent, 1);
	ref = referral_sent();
	rec = &ref->records[0];
	ck_assert_uint_eq(rec->action, LISP_REF_NOT_AUTHORITATIVE);
	ck_assert_uint_eq(rec->ttl, 0);
	ck_assert(!rec->authoritative);
	ck_assert(rec->incomplete);
	ck_assert_uint_eq(rec->ref_count, 0);
	/* The requested EID itself. */
	ck_assert_str_eq(ref_eid(rec), "[0]192.168.1.1/32");
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_not_authoritative, 1);
}
END_TEST

START_TEST(records_in_request_order)
{
	static const char *const eids[] = { "[0]10.9.9.9/32", "[1]10.1.2.3/32",
					     "[2]192.168.0.1/32" };
	struct lisp_map_referral *ref;

	next_hops = 2;
	teardown();
	setup_with_rate(0);
	ecm_ddt = true;
	do_register("[1]10.1.2.0/24", "192.0.2.1", true);
	ddt_ask_records(eids, 3);
	ref = referral_sent();
	ck_assert_uint_eq(ref->record_count, 3);
	ck_assert_uint_eq(ref->records[0].action, LISP_REF_MS_NOT_REGISTERED);
	ck_assert_uint_eq(ref->records[1].action, LISP_REF_MS_ACK);
	ck_assert_uint_eq(ref->records[2].action, LISP_REF_NOT_AUTHORITATIVE);
	/* The one registration proxy-replied, nothing negative. */
	ck_assert_uint_eq(count_type(LISP_MAP_REPLY), 1);
}
END_TEST

/* Records cannot multiply a (spoofable) request: the first record whole,
 * the others within the request's size, the rest left out and counted. */
START_TEST(referral_no_larger_than_request)
{
	static const char *const eids[] = { "[1]10.1.1.1/32", "[1]10.1.2.1/32", "[1]10.1.3.1/32",
					    "[1]10.1.4.1/32", "[1]10.1.5.1/32", "[1]10.1.6.1/32",
					    "[1]10.1.7.1/32", "[1]10.1.8.1/32" };
	struct lisp_addr peers[MS_DDT_PEERS_MAX];
	struct lisp_map_referral *ref;
	uint8_t ecm[512];
	size_t ecm_len = build_ecm_records(eids, 8, 0, ecm, sizeof(ecm)), rec_size;
	char a[32];

	for (unsigned int i = 0; i < MS_DDT_PEERS_MAX; i++) {
		snprintf(a, sizeof(a), "203.0.113.%u", i + 1);
		lisp_addr_parse(a, &peers[i], NULL);
	}
	map_resolver_set_ddt_peers(mr, peers, MS_DDT_PEERS_MAX);
	ddt_ask_records(eids, 8);
	ref = referral_sent();
	ck_assert_uint_ge(ref->record_count, 1);
	ck_assert_uint_lt(ref->record_count, 8);
	ck_assert_uint_eq(ref->records[0].ref_count, MS_DDT_PEERS_MAX);
	/* Records of one size here (16 peers: over 200 bytes each): the first
	 * whole, then as many as fit in the request's size, not one more. */
	rec_size = (sent[0].len - 12) / ref->record_count;
	ck_assert_uint_eq(12 + rec_size * ref->record_count, sent[0].len);
	ck_assert_uint_gt(rec_size, 200);
	ck_assert_uint_le((ref->record_count - 1) * rec_size, ecm_len);
	ck_assert_uint_gt(ref->record_count * rec_size, ecm_len);
	ck_assert_uint_eq(map_resolver_counters(mr)->reply_records_over_size,
			  8 - ref->record_count);
}
END_TEST

/* The same requests without the D bit: answered as before, no referral. */
START_TEST(without_d_bit_unchanged)
{
	struct lisp_map_reply *r;

	ecm_ddt = false;
	r = ask("[0]10.9.9.9/32");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(r->records[0].action, LISP_ACT_SEND_MAP_REQUEST);
	ck_assert_str_eq(record_eid(&r->records[0]), "[0]10.0.0.0/8");
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_requests, 0);
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_referrals_sent, 0);
}
END_TEST

/* The referral is one more message under the global limit. */
START_TEST(referral_under_global_limit)
{
	global_rate = 1;
	teardown();
	setup_with_rate(0);
	ecm_ddt = true;
	do_register("[1]10.1.2.0/24", "192.0.2.1", true);
	ddt_ask("[1]10.1.2.3/32");	/* the bucket's one token: the Map-Reply */
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(count_type(LISP_MAP_REPLY), 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_global_limited, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->ddt_referrals_sent, 0);
}
END_TEST

START_TEST(builder_limits)
{
	static struct ms_ddt_referral r;
	struct lisp_prefix p;
	uint8_t buf[64];
	struct lisp_err err;

	lisp_prefix_parse("10.0.0.0/8", &p, NULL);
	ms_ddt_referral_init(&r, 1);
	ck_assert_int_eq(ms_ddt_referral_add(&r, LISP_REF_NODE_REFERRAL, &p), -EINVAL);
	ck_assert_int_eq(ms_ddt_referral_add(&r, LISP_REF_DELEGATION_HOLE, &p), -EINVAL);
	for (unsigned int i = 0; i < LISP_RECORDS_MAX; i++)
		ck_assert_int_eq(ms_ddt_referral_add(&r, LISP_REF_MS_ACK, &p), 0);
	ck_assert_int_eq(ms_ddt_referral_add(&r, LISP_REF_MS_ACK, &p), -ENOSPC);
	/* Too small a buffer: an error, never a short message. */
	ck_assert_int_lt(ms_ddt_referral_encode(&r, NULL, 0, buf, sizeof(buf), NULL, &err), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ms_ddt");
	TCase *tc = tcase_create("ddt");

	tcase_add_checked_fixture(tc, ddt_setup, teardown);
	tcase_add_test(tc, ms_ack_with_proxy_reply);
	tcase_add_test(tc, ms_ack_forwards_to_etr_with_peers);
	tcase_add_test(tc, ms_not_registered_golden);
	tcase_add_test(tc, ms_not_registered_spares_registered);
	tcase_add_test(tc, not_authoritative_outside_sites);
	tcase_add_test(tc, records_in_request_order);
	tcase_add_test(tc, without_d_bit_unchanged);
	tcase_add_test(tc, referral_no_larger_than_request);
	tcase_add_test(tc, referral_under_global_limit);
	tcase_add_test(tc, builder_limits);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
