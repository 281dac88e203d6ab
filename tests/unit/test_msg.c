/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control messages against golden bytes laid out by hand from the RFC 9301
 * diagrams (golden_msgs.h, from gen_golden.py): decode them field by field,
 * encode the same values and compare byte for byte, and check that every
 * truncation fails cleanly.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "check_util.h"
#include "golden_msgs.h"
#include "lisp_auth.h"
#include "lisp_msg.h"

static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;

static void setup(void)
{
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
}

static void addr_v4(struct lisp_waddr *w, const char *s)
{
	memset(w, 0, sizeof(*w));
	w->afi = w->plain.afi = LISP_AFI_IPV4;
	ck_assert_int_eq(inet_pton(AF_INET, s, w->plain.v4), 1);
}

static void addr_v6(struct lisp_waddr *w, const char *s)
{
	memset(w, 0, sizeof(*w));
	w->afi = w->plain.afi = LISP_AFI_IPV6;
	ck_assert_int_eq(inet_pton(AF_INET6, s, w->plain.v6), 1);
}

static void ck_waddr_text(const struct lisp_waddr *w, uint8_t mask_len, const char *want)
{
	char buf[LISP_ADDR_STR_MAX];
	struct lisp_prefix p;
	struct lisp_err err;

	ck_assert_msg(lisp_waddr_to_prefix(w, mask_len, &p, &err) == 0, "%s", err.msg);
	ck_assert_int_gt(lisp_prefix_format(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
}

/* Every strict prefix of a valid message must fail, never over-read. */
static void ck_all_truncations_fail(const uint8_t *msg, size_t len)
{
	struct lisp_ctrl_msg m;
	struct lisp_err err;

	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = exact_copy(msg, n);

		lisp_arena_reset(&arena);
		ck_assert_msg(lisp_ctrl_decode(copy, n, &arena, &m, &err) < 0,
			      "truncation to %zu of %zu bytes decoded", n, len);
		ck_assert(err.msg[0] != '\0');
		free(copy);
	}
}

START_TEST(map_request_golden_decode)
{
	struct lisp_map_request m;
	struct lisp_err err;

	ck_assert_msg(lisp_map_request_decode(golden_map_request, sizeof(golden_map_request),
					      &arena, &m, &err) == 0, "%s", err.msg);
	ck_assert(!m.authoritative && !m.map_data && !m.probe && !m.smr && !m.xtr_id_present);
	ck_assert_uint_eq(m.nonce, 0x0102030405060708ull);
	ck_assert_uint_eq(m.itr_rloc_count, 1);
	ck_assert_uint_eq(m.record_count, 1);
	ck_waddr_text(&m.source_eid, 32, "[0]10.0.0.1/32");
	ck_waddr_text(&m.itr_rlocs[0], 32, "[0]192.0.2.1/32");
	ck_waddr_text(&m.records[0].eid, m.records[0].mask_len, "[0]10.1.2.0/24");
	ck_assert(!m.records[0].notify);
}
END_TEST

START_TEST(map_request_golden_encode)
{
	struct lisp_request_record rec = { .mask_len = 24 };
	struct lisp_map_request m = { .nonce = 0x0102030405060708ull, .itr_rloc_count = 1,
				      .record_count = 1, .records = &rec };
	struct lisp_waddr itr;
	uint8_t buf[256];
	ssize_t n;

	addr_v4(&m.source_eid, "10.0.0.1");
	addr_v4(&itr, "192.0.2.1");
	addr_v4(&rec.eid, "10.1.2.0");
	m.itr_rlocs = &itr;
	n = lisp_map_request_encode(&m, buf, sizeof(buf), NULL);
	ck_assert_bytes_eq(buf, (size_t)n, golden_map_request, sizeof(golden_map_request));
}
END_TEST

START_TEST(map_request_flags_iid_xtr_id)
{
	const uint8_t *g = golden_map_request_smr_probe_xtr;
	struct lisp_map_request m;
	struct lisp_err err;
	uint8_t buf[256];
	ssize_t n;

	ck_assert_msg(lisp_map_request_decode(g, sizeof(golden_map_request_smr_probe_xtr),
					      &arena, &m, &err) == 0, "%s", err.msg);
	ck_assert(m.probe && m.smr && m.xtr_id_present);
	ck_assert(!m.authoritative && !m.pitr && !m.smr_invoked && !m.map_data);
	ck_assert_uint_eq(m.source_eid.afi, LISP_AFI_NONE);
	ck_assert_uint_eq(m.itr_rloc_count, 2);
	ck_assert_uint_eq(m.itr_rlocs[1].afi, LISP_AFI_IPV6);
	ck_assert(m.records[0].notify);
	ck_waddr_text(&m.records[0].eid, m.records[0].mask_len, "[1000]240.1.1.1/32");
	ck_assert_uint_eq(m.xtr_id[15], 15);
	ck_assert_uint_eq(m.site_id, 7);
	/* Re-encoding what we decoded gives the same bytes. */
	n = lisp_map_request_encode(&m, buf, sizeof(buf), &err);
	ck_assert_msg(n > 0, "%s", err.msg);
	ck_assert_bytes_eq(buf, (size_t)n, g, sizeof(golden_map_request_smr_probe_xtr));
}
END_TEST

START_TEST(map_reply_golden)
{
	struct lisp_map_reply m;
	struct lisp_err err;
	uint8_t buf[256];
	ssize_t n;

	ck_assert_msg(lisp_map_reply_decode(golden_map_reply, sizeof(golden_map_reply), &arena,
					    &m, &err) == 0, "%s", err.msg);
	ck_assert(m.probe && !m.echo_nonce && !m.sec);
	ck_assert_uint_eq(m.record_count, 1);
	ck_assert_uint_eq(m.records[0].ttl, 1440);
	ck_assert(m.records[0].authoritative);
	ck_assert_uint_eq(m.records[0].action, LISP_ACT_NO_ACTION);
	ck_assert_uint_eq(m.records[0].loc_count, 1);
	ck_assert_uint_eq(m.records[0].locs[0].priority, 1);
	ck_assert_uint_eq(m.records[0].locs[0].weight, 100);
	ck_assert_uint_eq(m.records[0].locs[0].mpriority, 255);
	ck_assert_uint_eq(m.records[0].locs[0].flags, LISP_LOC_F_REACH);
	ck_waddr_text(&m.records[0].locs[0].addr, 32, "[0]192.0.2.1/32");
	n = lisp_map_reply_encode(&m, buf, sizeof(buf), &err);
	ck_assert_bytes_eq(buf, (size_t)n, golden_map_reply, sizeof(golden_map_reply));
}
END_TEST

START_TEST(negative_map_reply_golden)
{
	struct lisp_record rec = { .ttl = 15, .mask_len = 32, .action = LISP_ACT_NATIVE_FORWARD,
				   .map_version = 5 };
	struct lisp_map_reply m = { .nonce = 42, .record_count = 1, .records = &rec }, d;
	struct lisp_err err;
	uint8_t buf[256];
	ssize_t n;

	addr_v6(&rec.eid, "2001:db8::");
	n = lisp_map_reply_encode(&m, buf, sizeof(buf), &err);
	ck_assert_bytes_eq(buf, (size_t)n, golden_negative_map_reply,
			   sizeof(golden_negative_map_reply));
	ck_assert(lisp_map_reply_decode(buf, (size_t)n, &arena, &d, &err) == 0);
	ck_assert_uint_eq(d.records[0].loc_count, 0);
	ck_assert_uint_eq(d.records[0].action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(d.records[0].map_version, 5);
	ck_waddr_text(&d.records[0].eid, d.records[0].mask_len, "[0]2001:db8::/32");
}
END_TEST

static void build_register(struct lisp_map_register *m, struct lisp_record *rec,
			   struct lisp_locator *loc, struct lisp_waddr *inner, uint8_t alg)
{
	static const uint8_t xtr[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
					 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	struct lisp_prefix eid;

	ck_assert_int_eq(lisp_prefix_parse("[1000]240.1.1.1/32", &eid, NULL), 0);
	memset(rec, 0, sizeof(*rec));
	memset(loc, 0, sizeof(*loc));
	lisp_waddr_from_prefix(&rec->eid, inner, &eid);
	rec->ttl = 1440;
	rec->mask_len = 32;
	rec->authoritative = true;
	rec->loc_count = 1;
	rec->locs = loc;
	*loc = (struct lisp_locator){ .priority = 1, .weight = 100, .mpriority = 255,
				      .flags = LISP_LOC_F_LOCAL | LISP_LOC_F_REACH };
	addr_v6(&loc->addr, "2001:db8:1::1");
	*m = (struct lisp_map_register){ .type = LISP_MAP_REGISTER, .proxy_reply = true,
					 .xtr_id_present = true, .want_notify = true,
					 .nonce = 0x1122334455667788ull, .alg_id = alg,
					 .record_count = 1, .records = rec, .site_id = 0x1234 };
	memcpy(m->xtr_id, xtr, sizeof(xtr));
}

START_TEST(map_register_golden_sign_and_verify)
{
	static const char key[] = "lispgw-secret";
	struct lisp_waddr inner;
	struct lisp_map_register m, d;
	struct lisp_locator loc;
	struct lisp_record rec;
	struct lisp_err err;
	uint8_t buf[512];
	ssize_t n;

	build_register(&m, &rec, &loc, &inner, LISP_AUTH_HMAC_SHA1_96);
	n = lisp_map_register_encode(&m, buf, sizeof(buf), &err);
	ck_assert_msg(n > 0, "%s", err.msg);
	ck_assert_bytes_eq(buf, (size_t)n, golden_map_register_unsigned,
			   sizeof(golden_map_register_unsigned));
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, key, strlen(key), &err), 0);
	ck_assert_bytes_eq(buf, (size_t)n, golden_map_register_sha1,
			   sizeof(golden_map_register_sha1));
	ck_assert_int_eq(lisp_auth_verify(golden_map_register_sha1,
					  sizeof(golden_map_register_sha1), key, strlen(key), &err),
			 0);

	build_register(&m, &rec, &loc, &inner, LISP_AUTH_HMAC_SHA256_128);
	n = lisp_map_register_encode(&m, buf, sizeof(buf), &err);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, key, strlen(key), &err), 0);
	ck_assert_bytes_eq(buf, (size_t)n, golden_map_register_sha256,
			   sizeof(golden_map_register_sha256));

	ck_assert_msg(lisp_map_register_decode(golden_map_register_sha256,
					       sizeof(golden_map_register_sha256), &arena, &d,
					       &err) == 0, "%s", err.msg);
	ck_assert(d.proxy_reply && d.xtr_id_present && d.want_notify && !d.sec && !d.rtr);
	ck_assert_uint_eq(d.key_id, 0);
	ck_assert_uint_eq(d.alg_id, LISP_AUTH_HMAC_SHA256_128);
	ck_assert_uint_eq(d.auth_len, 32);
	ck_assert_uint_eq(d.auth_offset, LISP_AUTH_DATA_OFFSET);
	ck_assert_uint_eq(d.site_id, 0x1234);
	ck_assert_uint_eq(d.xtr_id[1], 0x11);
	ck_waddr_text(&d.records[0].eid, 32, "[1000]240.1.1.1/32");
	ck_assert_uint_eq(d.records[0].locs[0].flags, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
}
END_TEST

START_TEST(map_notify_golden)
{
	static const char key[] = "lispgw-secret";
	struct lisp_map_register d;
	struct lisp_err err;
	uint8_t buf[512];
	ssize_t n;

	ck_assert_msg(lisp_map_register_decode(golden_map_notify_sha1,
					       sizeof(golden_map_notify_sha1), &arena, &d,
					       &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(d.type, LISP_MAP_NOTIFY);
	ck_assert(d.xtr_id_present && !d.proxy_reply && !d.want_notify);
	ck_assert_int_eq(lisp_auth_verify(golden_map_notify_sha1, sizeof(golden_map_notify_sha1),
					  key, strlen(key), &err), 0);
	/* Re-encode: the auth field comes back zeroed, signing restores it. */
	d.auth_len = 0;
	n = lisp_map_register_encode(&d, buf, sizeof(buf), &err);
	ck_assert_msg(n > 0, "%s", err.msg);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, key, strlen(key), &err), 0);
	ck_assert_bytes_eq(buf, (size_t)n, golden_map_notify_sha1, sizeof(golden_map_notify_sha1));
}
END_TEST

START_TEST(ecm_golden_v4_v6)
{
	struct lisp_ecm e = { .ddt = true, .ip_version = 4, .ttl = 64, .inner_sport = 49152,
			      .inner_dport = LISP_CONTROL_PORT, .payload = golden_map_request,
			      .payload_len = sizeof(golden_map_request) };
	struct lisp_ctrl_msg m;
	struct lisp_err err;
	uint8_t buf[512];
	ssize_t n;

	ck_assert_int_eq(lisp_addr_parse("10.0.0.1", &e.inner_src, NULL), 0);
	ck_assert_int_eq(lisp_addr_parse("10.1.2.3", &e.inner_dst, NULL), 0);
	n = lisp_ecm_encode(&e, buf, sizeof(buf), &err);
	ck_assert_bytes_eq(buf, (size_t)n, golden_ecm_v4, sizeof(golden_ecm_v4));

	e.ddt = false;
	e.ip_version = 6;
	ck_assert_int_eq(lisp_addr_parse("2001:db8::1", &e.inner_src, NULL), 0);
	ck_assert_int_eq(lisp_addr_parse("2001:db8::2", &e.inner_dst, NULL), 0);
	n = lisp_ecm_encode(&e, buf, sizeof(buf), &err);
	ck_assert_bytes_eq(buf, (size_t)n, golden_ecm_v6, sizeof(golden_ecm_v6));

	ck_assert_msg(lisp_ctrl_decode(golden_ecm_v6, sizeof(golden_ecm_v6), &arena, &m, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(m.type, LISP_ECM);
	ck_assert_uint_eq(m.ecm.ip_version, 6);
	ck_assert_uint_eq(m.ecm.inner_dport, LISP_CONTROL_PORT);
	ck_assert_bytes_eq(m.ecm.payload, m.ecm.payload_len, golden_map_request,
			   sizeof(golden_map_request));
}
END_TEST

START_TEST(truncations_fail)
{
	ck_all_truncations_fail(golden_map_request, sizeof(golden_map_request));
	ck_all_truncations_fail(golden_map_request_smr_probe_xtr,
				sizeof(golden_map_request_smr_probe_xtr));
	ck_all_truncations_fail(golden_map_reply, sizeof(golden_map_reply));
	ck_all_truncations_fail(golden_negative_map_reply, sizeof(golden_negative_map_reply));
	ck_all_truncations_fail(golden_map_register_sha1, sizeof(golden_map_register_sha1));
	ck_all_truncations_fail(golden_map_notify_sha1, sizeof(golden_map_notify_sha1));
	ck_all_truncations_fail(golden_ecm_v4, sizeof(golden_ecm_v4));
	ck_all_truncations_fail(golden_ecm_v6, sizeof(golden_ecm_v6));
}
END_TEST

START_TEST(malformed_reasons)
{
	uint8_t buf[128];
	struct lisp_ctrl_msg m;
	struct lisp_err err;

	/* Locator count larger than what is left names both numbers. */
	memcpy(buf, golden_map_reply, sizeof(golden_map_reply));
	buf[16] = 7;
	ck_assert_int_eq(lisp_ctrl_decode(buf, sizeof(golden_map_reply), &arena, &m, &err),
			 -EBADMSG);
	ck_assert_str_eq(err.msg, "record 1: locator count 7 exceeds remaining 12 bytes");

	/* Trailing bytes are refused. */
	memcpy(buf, golden_map_request, sizeof(golden_map_request));
	buf[sizeof(golden_map_request)] = 0;
	ck_assert_int_eq(lisp_ctrl_decode(buf, sizeof(golden_map_request) + 1, &arena, &m, &err),
			 -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "1 trailing bytes"));

	/* IPv4 mask-len 33. */
	memcpy(buf, golden_map_request, sizeof(golden_map_request));
	buf[25] = 33;
	ck_assert_int_eq(lisp_ctrl_decode(buf, sizeof(golden_map_request), &arena, &m, &err),
			 -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "mask-len 33"));

	/* Unknown AFI in the source EID. */
	memcpy(buf, golden_map_request, sizeof(golden_map_request));
	buf[13] = 99;
	ck_assert_int_eq(lisp_ctrl_decode(buf, sizeof(golden_map_request), &arena, &m, &err),
			 -EAFNOSUPPORT);
	ck_assert_str_eq(err.msg, "source EID: unsupported AFI 99");

	/* Unknown message type. */
	buf[0] = 0xf0;
	ck_assert_int_eq(lisp_ctrl_decode(buf, 4, &arena, &m, &err), -EPROTONOSUPPORT);

	/* Auth data length past the maximum. */
	memcpy(buf, golden_map_register_sha1, 16);
	buf[15] = 200;
	ck_assert_int_eq(lisp_ctrl_decode(buf, 120, &arena, &m, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "authentication data length 200"));
}
END_TEST

START_TEST(encode_rejects_bad_input)
{
	struct lisp_map_request m = { .itr_rloc_count = 0, .record_count = 1 };
	struct lisp_record rec = { .action = 9 };
	struct lisp_map_reply r = { .record_count = 1, .records = &rec };
	struct lisp_err err;
	uint8_t buf[64];

	ck_assert_int_eq(lisp_map_request_encode(&m, buf, sizeof(buf), &err), -EINVAL);
	ck_assert_int_eq(lisp_map_reply_encode(&r, buf, sizeof(buf), &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "action 9"));
	/* A too-small buffer is an error, never an overflow. */
	rec.action = 0;
	addr_v4(&rec.eid, "10.0.0.0");
	ck_assert_int_eq(lisp_map_reply_encode(&r, buf, 20, &err), -ENOSPC);
}
END_TEST

static Suite *msg_suite(void)
{
	Suite *s = suite_create("msg");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, map_request_golden_decode);
	tcase_add_test(tc, map_request_golden_encode);
	tcase_add_test(tc, map_request_flags_iid_xtr_id);
	tcase_add_test(tc, map_reply_golden);
	tcase_add_test(tc, negative_map_reply_golden);
	tcase_add_test(tc, map_register_golden_sign_and_verify);
	tcase_add_test(tc, map_notify_golden);
	tcase_add_test(tc, ecm_golden_v4_v6);
	tcase_add_test(tc, truncations_fail);
	tcase_add_test(tc, malformed_reasons);
	tcase_add_test(tc, encode_rejects_bad_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(msg_suite());
}
