/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LCAF wire addresses (RFC 8060) against golden bytes laid out from the RFC
 * diagrams: decode every field, re-encode byte for byte, refuse every
 * truncation and every length lie, and bound the nesting depth.
 */
#include <errno.h>

#include "check_util.h"
#include "golden_msgs.h"
#include "lcaf.h"

static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;

static void setup(void)
{
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
}

static void decode_ok(const uint8_t *g, size_t len, struct lisp_waddr *w)
{
	struct lisp_err err;
	struct wire_rd r;

	wire_rd_init(&r, g, len);
	ck_assert_msg(lisp_waddr_decode(&r, &arena, w, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(wire_rd_left(&r), 0);
}

/* Decode, re-encode, compare; then every truncation must fail. */
static void roundtrip_and_truncate(const uint8_t *g, size_t len)
{
	struct lisp_waddr w;
	struct lisp_err err;
	struct wire_rd r;
	struct wire_wr out;
	uint8_t buf[512];

	decode_ok(g, len, &w);
	wire_wr_init(&out, buf, sizeof(buf));
	ck_assert_msg(lisp_waddr_encode(&out, &w, &err) == 0, "%s", err.msg);
	ck_assert_bytes_eq(buf, wire_wr_len(&out), g, len);
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = exact_copy(g, n);

		wire_rd_init(&r, copy, n);
		ck_assert_msg(lisp_waddr_decode(&r, &arena, &w, &err) < 0,
			      "truncation to %zu of %zu decoded", n, len);
		free(copy);
	}
}

static const char *rloc_text(const struct lisp_addr *a)
{
	static char buf[LISP_ADDR_STR_MAX];

	ck_assert_ptr_nonnull(a);
	lisp_addr_format(a, buf, sizeof(buf));
	return buf;
}

START_TEST(afi_list)
{
	struct lisp_waddr w;

	decode_ok(golden_lcaf_afi_list, sizeof(golden_lcaf_afi_list), &w);
	ck_assert_uint_eq(w.lcaf.type, LCAF_TYPE_AFI_LIST);
	ck_assert_uint_eq(w.lcaf.list.count, 2);
	ck_assert_str_eq(rloc_text(&w.lcaf.list.items[1].plain), "2001:db8::1");
	ck_assert_str_eq(rloc_text(lisp_waddr_rloc(&w)), "192.0.2.1");
	roundtrip_and_truncate(golden_lcaf_afi_list, sizeof(golden_lcaf_afi_list));
}
END_TEST

START_TEST(geo)
{
	struct lisp_waddr w;

	decode_ok(golden_lcaf_geo, sizeof(golden_lcaf_geo), &w);
	ck_assert(w.lcaf.geo.north && !w.lcaf.geo.east);
	ck_assert_uint_eq(w.lcaf.geo.lat_deg, 37);
	ck_assert_uint_eq(w.lcaf.geo.lat_min, 25);
	ck_assert_uint_eq(w.lcaf.geo.lat_sec, 9);
	ck_assert_uint_eq(w.lcaf.geo.lon_deg, 122);
	ck_assert_int_eq(w.lcaf.geo.alt, 30);
	ck_assert_str_eq(rloc_text(lisp_waddr_rloc(&w)), "192.0.2.1");
	roundtrip_and_truncate(golden_lcaf_geo, sizeof(golden_lcaf_geo));
}
END_TEST

START_TEST(nat_traversal)
{
	struct lisp_waddr w;

	decode_ok(golden_lcaf_nat, sizeof(golden_lcaf_nat), &w);
	ck_assert_uint_eq(w.lcaf.nat.ms_port, 4342);
	ck_assert_uint_eq(w.lcaf.nat.etr_port, 16000);
	ck_assert_str_eq(rloc_text(&w.lcaf.nat.global_etr->plain), "198.51.100.7");
	ck_assert_str_eq(rloc_text(&w.lcaf.nat.ms->plain), "192.0.2.10");
	ck_assert_str_eq(rloc_text(&w.lcaf.nat.private_etr->plain), "10.0.0.7");
	ck_assert_uint_eq(w.lcaf.nat.rtr_count, 2);
	ck_assert_str_eq(rloc_text(&w.lcaf.nat.rtrs[1].plain), "2001:db8:ffff::1");
	roundtrip_and_truncate(golden_lcaf_nat, sizeof(golden_lcaf_nat));
}
END_TEST

START_TEST(iid_source_dest)
{
	struct lisp_prefix p;
	struct lisp_waddr w;
	const struct lisp_lcaf *sd;

	decode_ok(golden_lcaf_iid_srcdst, sizeof(golden_lcaf_iid_srcdst), &w);
	ck_assert_uint_eq(w.lcaf.type, LCAF_TYPE_IID);
	ck_assert_uint_eq(w.lcaf.iid.iid, 7);
	sd = &w.lcaf.iid.addr->lcaf;
	ck_assert_uint_eq(sd->type, LCAF_TYPE_SRCDST);
	ck_assert_uint_eq(sd->srcdst.src_ml, 8);
	ck_assert_uint_eq(sd->srcdst.dst_ml, 12);
	ck_assert_str_eq(rloc_text(&sd->srcdst.dst->plain), "172.16.0.0");
	/* Not a plain prefix: the caller is told, not handed half of it. */
	ck_assert_int_eq(lisp_waddr_to_prefix(&w, 32, &p, NULL), -ENOTSUP);
	roundtrip_and_truncate(golden_lcaf_iid_srcdst, sizeof(golden_lcaf_iid_srcdst));
}
END_TEST

START_TEST(json_rloc)
{
	static const char js[] = "{\"gpu\":\"H100\",\"gpus\":8,\"load\":0.42,\"state\":\"ready\"}";
	const struct lisp_lcaf *j;
	struct lisp_waddr w;

	decode_ok(golden_lcaf_json_rloc, sizeof(golden_lcaf_json_rloc), &w);
	j = lisp_waddr_json(&w);
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(j->json.len, strlen(js));
	ck_assert(memcmp(j->json.text, js, j->json.len) == 0);
	ck_assert_uint_eq(j->rsvd2 & 1, 0);
	ck_assert_str_eq(rloc_text(lisp_waddr_rloc(&w)), "192.0.2.1");
	roundtrip_and_truncate(golden_lcaf_json_rloc, sizeof(golden_lcaf_json_rloc));

	decode_ok(golden_lcaf_json_noaddr, sizeof(golden_lcaf_json_noaddr), &w);
	ck_assert_uint_eq(w.lcaf.rsvd2 & 1, 1);
	ck_assert_uint_eq(w.lcaf.json.addr->afi, LISP_AFI_NONE);
	ck_assert_ptr_null(lisp_waddr_rloc(&w));
	roundtrip_and_truncate(golden_lcaf_json_noaddr, sizeof(golden_lcaf_json_noaddr));
}
END_TEST

START_TEST(key_value_and_dn)
{
	char buf[LISP_ADDR_STR_MAX];
	struct lisp_prefix p;
	struct lisp_waddr w;

	decode_ok(golden_lcaf_kv, sizeof(golden_lcaf_kv), &w);
	ck_assert_uint_eq(w.lcaf.kv.key->afi, LISP_AFI_DN);
	ck_assert_str_eq(rloc_text(&w.lcaf.kv.key->plain), "dn:agent-planner-7");
	ck_assert_str_eq(rloc_text(&w.lcaf.kv.value->plain), "192.0.2.1");
	roundtrip_and_truncate(golden_lcaf_kv, sizeof(golden_lcaf_kv));

	decode_ok(golden_lcaf_iid_dn, sizeof(golden_lcaf_iid_dn), &w);
	ck_assert_int_eq(lisp_waddr_to_prefix(&w, 0, &p, NULL), 0);
	lisp_prefix_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[1000]dn:agent-planner-7");
	roundtrip_and_truncate(golden_lcaf_iid_dn, sizeof(golden_lcaf_iid_dn));
}
END_TEST

START_TEST(unknown_type_kept_opaque)
{
	struct lisp_waddr w;

	decode_ok(golden_lcaf_unknown, sizeof(golden_lcaf_unknown), &w);
	ck_assert_uint_eq(w.lcaf.type, 200);
	ck_assert_uint_eq(w.lcaf.opaque.len, 3);
	ck_assert_uint_eq(w.lcaf.opaque.bytes[2], 3);
	roundtrip_and_truncate(golden_lcaf_unknown, sizeof(golden_lcaf_unknown));
}
END_TEST

START_TEST(length_lies_refused)
{
	uint8_t buf[64];
	struct lisp_waddr w;
	struct lisp_err err;
	struct wire_rd r;

	/* Length one byte longer than the IID body: leaves bytes unparsed. */
	memcpy(buf, golden_lcaf_iid_dn, sizeof(golden_lcaf_iid_dn));
	buf[7]++;
	buf[sizeof(golden_lcaf_iid_dn)] = 0;
	wire_rd_init(&r, buf, sizeof(golden_lcaf_iid_dn) + 1);
	ck_assert_int_eq(lisp_waddr_decode(&r, &arena, &w, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "unparsed"));

	/* Length past the end of the buffer. */
	memcpy(buf, golden_lcaf_afi_list, sizeof(golden_lcaf_afi_list));
	buf[7] = 0xff;
	wire_rd_init(&r, buf, sizeof(golden_lcaf_afi_list));
	ck_assert_int_eq(lisp_waddr_decode(&r, &arena, &w, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "exceeds remaining"));

	/* A DN without its terminating NUL. */
	memcpy(buf, golden_lcaf_iid_dn, sizeof(golden_lcaf_iid_dn));
	buf[sizeof(golden_lcaf_iid_dn) - 1] = 'x';
	wire_rd_init(&r, buf, sizeof(golden_lcaf_iid_dn));
	ck_assert_int_eq(lisp_waddr_decode(&r, &arena, &w, &err), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
}
END_TEST

START_TEST(nesting_depth_bounded)
{
	/* IID LCAFs nested 20 deep around an IPv4 address. */
	uint8_t buf[20 * 12 + 6];
	size_t depth = 20, inner = 6, off;
	struct lisp_waddr w;
	struct lisp_err err;
	struct wire_rd r;

	off = depth * 12;
	buf[off] = 0, buf[off + 1] = 1;
	memset(buf + off + 2, 9, 4);
	for (size_t i = depth; i-- > 0;) {
		size_t body = 4 + inner + (depth - 1 - i) * 12;
		uint8_t *h = buf + i * 12;

		h[0] = 0x40, h[1] = 0x03, h[2] = 0, h[3] = 0, h[4] = LCAF_TYPE_IID, h[5] = 0;
		h[6] = (uint8_t)(body >> 8), h[7] = (uint8_t)body;
		memset(h + 8, 0, 4);
	}
	wire_rd_init(&r, buf, sizeof(buf));
	ck_assert_int_eq(lisp_waddr_decode(&r, &arena, &w, &err), -ELOOP);
	ck_assert_msg(strstr(err.msg, "nested deeper") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(arena_exhaustion_reported)
{
	uint8_t small[64];
	struct lisp_arena tiny;
	struct lisp_waddr w;
	struct lisp_err err;
	struct wire_rd r;

	lisp_arena_init(&tiny, small, sizeof(small));
	wire_rd_init(&r, golden_lcaf_nat, sizeof(golden_lcaf_nat));
	ck_assert_int_eq(lisp_waddr_decode(&r, &tiny, &w, &err), -ENOMEM);
	ck_assert_ptr_nonnull(strstr(err.msg, "arena exhausted"));
}
END_TEST

START_TEST(prefix_wire_form)
{
	struct lisp_waddr w, inner;
	struct lisp_prefix p, q;
	struct wire_wr out;
	uint8_t buf[64];

	/* IID 0: the plain address; IID 1000: the IID LCAF, as in the golden. */
	ck_assert_int_eq(lisp_prefix_parse("[0]10.0.0.0/8", &p, NULL), 0);
	lisp_waddr_from_prefix(&w, &inner, &p);
	ck_assert_uint_eq(w.afi, LISP_AFI_IPV4);
	ck_assert_int_eq(lisp_prefix_parse("[1000]dn:agent-planner-7", &p, NULL), 0);
	lisp_waddr_from_prefix(&w, &inner, &p);
	wire_wr_init(&out, buf, sizeof(buf));
	ck_assert_int_eq(lisp_waddr_encode(&out, &w, NULL), 0);
	ck_assert_bytes_eq(buf, wire_wr_len(&out), golden_lcaf_iid_dn, sizeof(golden_lcaf_iid_dn));
	ck_assert_int_eq(lisp_waddr_to_prefix(&w, 0, &q, NULL), 0);
	ck_assert(lisp_prefix_equal(&p, &q));
}
END_TEST

/* CATS constraints (lcaf.h, docs/cats.md): IID 1000 around a Key/Value
 * LCAF, key 10.1.0.5, value the DN {"gpu":"H100"} -- laid out by hand. */
static const uint8_t constrained_dn[] = {
	0x40, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x23,	/* LCAF IID, len 35 */
	0x00, 0x00, 0x03, 0xe8,				/* IID 1000 */
	0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x17,	/* LCAF KV, len 23 */
	0x00, 0x01, 10, 1, 0, 5,			/* key: IPv4 10.1.0.5 */
	0x00, 0x11, '{', '"', 'g', 'p', 'u', '"', ':', '"', 'H', '1', '0', '0', '"', '}', 0,
};

START_TEST(constraints_golden_roundtrip)
{
	static const char text[] = "{\"gpu\":\"H100\"}";
	struct lcaf_constraints_buf b;
	struct lisp_prefix p, got;
	struct lisp_waddr w;
	struct lisp_err err;
	struct wire_wr out;
	const char *t;
	uint8_t buf[128];
	size_t len;

	/* Encode from a prefix: the golden bytes. */
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.1.0.5/32", &p, NULL), 0);
	ck_assert_int_eq(lcaf_constraints_wrap(&w, &b, &p, text, strlen(text), &err), 0);
	wire_wr_init(&out, buf, sizeof(buf));
	ck_assert_int_eq(lisp_waddr_encode(&out, &w, &err), 0);
	ck_assert_bytes_eq(buf, wire_wr_len(&out), constrained_dn, sizeof(constrained_dn));
	/* Decode the golden bytes: the prefix and the text come back. */
	roundtrip_and_truncate(constrained_dn, sizeof(constrained_dn));
	decode_ok(constrained_dn, sizeof(constrained_dn), &w);
	ck_assert_int_eq(lcaf_constraints_decode(&w, 32, &got, &t, &len, &err), 1);
	ck_assert(lisp_prefix_equal(&got, &p));
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_int_eq(memcmp(t, text, len), 0);
	/* A plain IID prefix is not constrained, and says so. */
	lisp_waddr_from_prefix(&w, &b.key, &p);
	ck_assert_int_eq(lcaf_constraints_decode(&w, 32, &got, &t, &len, &err), 0);
	ck_assert_ptr_null(t);
	ck_assert(lisp_prefix_equal(&got, &p));
}
END_TEST

START_TEST(constraints_long_text_uses_json_lcaf)
{
	char text[600];
	struct lcaf_constraints_buf b;
	struct lisp_prefix p, got;
	struct lisp_waddr w, back;
	struct lisp_err err;
	struct wire_wr out;
	struct wire_rd rd;
	const char *t;
	uint8_t buf[1024];
	size_t len;

	/* Too long for a DN (255): a JSON LCAF (type 14); IID 0: no IID LCAF. */
	memset(text, 'x', sizeof(text));
	memcpy(text, "{\"k\":\"", 6);
	memcpy(text + sizeof(text) - 2, "\"}", 2);
	ck_assert_int_eq(lisp_prefix_parse("2001:db8::7/128", &p, NULL), 0);
	ck_assert_int_eq(lcaf_constraints_wrap(&w, &b, &p, text, sizeof(text), &err), 0);
	ck_assert_uint_eq(w.lcaf.type, LCAF_TYPE_KV);
	ck_assert_uint_eq(b.value.lcaf.type, LCAF_TYPE_JSON);
	wire_wr_init(&out, buf, sizeof(buf));
	ck_assert_int_eq(lisp_waddr_encode(&out, &w, &err), 0);
	wire_rd_init(&rd, buf, wire_wr_len(&out));
	ck_assert_int_eq(lisp_waddr_decode(&rd, &arena, &back, &err), 0);
	ck_assert_int_eq(lcaf_constraints_decode(&back, 128, &got, &t, &len, &err), 1);
	ck_assert(lisp_prefix_equal(&got, &p));
	ck_assert_uint_eq(len, sizeof(text));
	ck_assert_int_eq(memcmp(t, text, len), 0);
	/* Non-ASCII text is never put in a DN either. */
	text[10] = (char)0xc3;
	ck_assert_int_eq(lcaf_constraints_wrap(&w, &b, &p, text, 20, &err), 0);
	ck_assert_uint_eq(b.value.afi, LISP_AFI_LCAF);
	/* Empty and oversized text are refused. */
	ck_assert_int_eq(lcaf_constraints_wrap(&w, &b, &p, text, 0, &err), -EINVAL);
	ck_assert_int_eq(lcaf_constraints_wrap(&w, &b, &p, text, LCAF_CONSTRAINTS_MAX + 1, &err),
			 -EINVAL);
}
END_TEST

/* Well-formed LCAF, but not the shape of constraints: -EBADMSG each. */
START_TEST(constraints_malformed_refused)
{
	static const uint8_t key_is_lcaf[] = {	/* KV: key an IID LCAF */
		0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x17,
		0x40, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x0a, 0, 0, 0, 1, 0x00, 0x01, 10, 0, 0, 1,
		0x00, 0x11, '{', '}', 0,
	};
	static const uint8_t value_is_ipv4[] = {	/* KV: value an address */
		0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x0c,
		0x00, 0x01, 10, 0, 0, 1, 0x00, 0x01, 10, 0, 0, 2,
	};
	static const uint8_t key_afi0[] = {	/* KV: key AFI 0 */
		0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x07,
		0x00, 0x00, 0x00, 0x11, '{', '}', 0,
	};
	static const uint8_t json_empty[] = {	/* KV: value an empty JSON LCAF */
		0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x12,
		0x00, 0x01, 10, 0, 0, 1,
		0x40, 0x03, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t json_with_addr[] = {	/* KV: JSON value carries an RLOC */
		0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x18,
		0x00, 0x01, 10, 0, 0, 1,
		0x40, 0x03, 0x00, 0x00, 0x0e, 0x00, 0x00, 0x0a, 0x00, 0x02, '{', '}',
		0x00, 0x01, 10, 0, 0, 9,
	};
	static const uint8_t mask_too_long_key[] = {	/* fine bytes, mask-len 33 below */
		0x40, 0x03, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x0b,
		0x00, 0x01, 10, 0, 0, 1, 0x00, 0x11, '{', '}', 0,
	};
	static const struct {
		const uint8_t *b;
		size_t len;
		uint8_t mask_len;
	} bad[] = {
		{ key_is_lcaf, sizeof(key_is_lcaf), 32 },
		{ value_is_ipv4, sizeof(value_is_ipv4), 32 },
		{ key_afi0, sizeof(key_afi0), 32 },
		{ json_empty, sizeof(json_empty), 32 },
		{ json_with_addr, sizeof(json_with_addr), 32 },
		{ mask_too_long_key, sizeof(mask_too_long_key), 33 },
	};
	static const uint8_t srcdst[] = {	/* Source/Dest: not a prefix at all */
		0x40, 0x03, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x10, 0, 0, 8, 8,
		0x00, 0x01, 10, 0, 0, 0, 0x00, 0x01, 11, 0, 0, 0,
	};
	struct lisp_prefix p;
	struct lisp_waddr w;
	struct lisp_err err;
	const char *t;
	size_t len;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = "x";
		decode_ok(bad[i].b, bad[i].len, &w);
		ck_assert_msg(lcaf_constraints_decode(&w, bad[i].mask_len, &p, &t, &len, &err) ==
				      -EBADMSG,
			      "case %zu accepted", i);
		ck_assert_ptr_null(t);
	}
	decode_ok(srcdst, sizeof(srcdst), &w);
	ck_assert_int_eq(lcaf_constraints_decode(&w, 8, &p, &t, &len, NULL), -ENOTSUP);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lcaf");
	TCase *tc = tcase_create("golden");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, afi_list);
	tcase_add_test(tc, geo);
	tcase_add_test(tc, nat_traversal);
	tcase_add_test(tc, iid_source_dest);
	tcase_add_test(tc, json_rloc);
	tcase_add_test(tc, key_value_and_dn);
	tcase_add_test(tc, unknown_type_kept_opaque);
	tcase_add_test(tc, length_lies_refused);
	tcase_add_test(tc, nesting_depth_bounded);
	tcase_add_test(tc, arena_exhaustion_reported);
	tcase_add_test(tc, prefix_wire_form);
	tcase_add_test(tc, constraints_golden_roundtrip);
	tcase_add_test(tc, constraints_long_text_uses_json_lcaf);
	tcase_add_test(tc, constraints_malformed_refused);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
