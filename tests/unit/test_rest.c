/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * POST /api/v1/mappings bodies (controlplane/api/rest_mapping_body.c), linked
 * alone: what a valid body becomes (the record the ETR or ITR takes, its
 * JSON LCAF attributes in the configuration's canonical text, and the same
 * record again after an encode/decode round trip), and for every rule the
 * field named and the sentence given when a body breaks it.
 */
#include <check.h>
#include <errno.h>

#include "check_util.h"
#include "rest_priv.h"

static struct rest_mapping m;
static struct lisp_err body_err;
static const char *const field = body_err.path, *const msg = body_err.msg;

static int parse(const char *body)
{
	memset(&body_err, 0, sizeof(body_err));
	return rest_mapping_parse(body, strlen(body), &m, &body_err);
}

START_TEST(test_etr_mapping)
{
	struct lisp_record rec;
	const struct lisp_lcaf *j;
	char eid[64];

	ck_assert_int_eq(parse("{\"eid\":\"[1]10.1.2.0/24\",\"ttl\":10,\"rlocs\":["
			       "{\"address\":\"192.0.2.1\",\"priority\":2,\"weight\":30,"
			       "\"attributes\":{\"load\":0.42,\"gpu\":\"H100\",\"n\":8}},"
			       "{\"address\":\"2001:db8::1\"}]}"), 0);
	ck_assert(!m.is_static && !m.replace);
	ck_assert_uint_eq(m.ttl_min, 10);
	lisp_prefix_format(&m.eid, eid, sizeof(eid));
	ck_assert_str_eq(eid, "[1]10.1.2.0/24");
	rest_mapping_record(&m, &rec);
	ck_assert_uint_eq(rec.loc_count, 2);
	ck_assert_uint_eq(rec.mask_len, 24);
	ck_assert_uint_eq(rec.ttl, 10);
	ck_assert_uint_eq(rec.action, LISP_ACT_NO_ACTION);
	ck_assert_uint_eq(rec.eid.afi, LISP_AFI_LCAF);	/* IID 1: IID LCAF */
	ck_assert_uint_eq(rec.locs[0].priority, 2);
	ck_assert_uint_eq(rec.locs[0].weight, 30);
	ck_assert_uint_eq(rec.locs[0].mpriority, 255);
	ck_assert_uint_eq(rec.locs[0].flags, LISP_LOC_F_LOCAL | LISP_LOC_F_REACH);
	j = lisp_waddr_json(&rec.locs[0].addr);
	ck_assert_ptr_nonnull(j);
	/* The configuration's canonical text: sorted keys, compact. */
	ck_assert_int_eq(j->json.len, strlen("{\"gpu\":\"H100\",\"load\":0.42,\"n\":8}"));
	ck_assert(memcmp(j->json.text, "{\"gpu\":\"H100\",\"load\":0.42,\"n\":8}", j->json.len) == 0);
	ck_assert_uint_eq(lisp_waddr_rloc(&rec.locs[0].addr)->afi, LISP_AFI_IPV4);
	/* Defaults, and a plain locator without attributes. */
	ck_assert_uint_eq(rec.locs[1].priority, 1);
	ck_assert_uint_eq(rec.locs[1].weight, 100);
	ck_assert_uint_eq(rec.locs[1].addr.afi, LISP_AFI_IPV6);
	rest_mapping_free(&m);
	rest_mapping_free(&m);	/* idempotent */
}
END_TEST

START_TEST(test_round_trip)
{
	static uint8_t buf[2048], arena_buf[16384];
	struct lisp_arena arena;
	struct lisp_record rec, back;
	struct lisp_prefix p;
	struct wire_wr w;
	struct wire_rd r;
	struct lisp_err err;

	ck_assert_int_eq(parse("{\"eid\":\"[7]2001:db8::/48\",\"rlocs\":[{\"address\":"
			       "\"198.51.100.1\",\"attributes\":{\"state\":\"ready\"}}]}"), 0);
	m.ttl_min = 1440;
	rest_mapping_record(&m, &rec);
	wire_wr_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(lisp_record_encode(&w, &rec, &err), 0);
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	wire_rd_init(&r, buf, (size_t)(w.p - w.base));
	ck_assert_int_eq(lisp_record_decode(&r, &arena, &back, &err), 0);
	ck_assert_int_eq(lisp_waddr_to_prefix(&back.eid, back.mask_len, &p, &err), 0);
	ck_assert(lisp_prefix_equal(&p, &m.eid));
	ck_assert_uint_eq(back.loc_count, 1);
	ck_assert_uint_eq(back.ttl, 1440);
	ck_assert_ptr_nonnull(lisp_waddr_json(&back.locs[0].addr));
	ck_assert(lisp_addr_equal(lisp_waddr_rloc(&back.locs[0].addr),
				  lisp_waddr_rloc(&rec.locs[0].addr)));
	rest_mapping_free(&m);
}
END_TEST

START_TEST(test_static_entries)
{
	struct lisp_record rec;

	ck_assert_int_eq(parse("{\"eid\":\"[7]10.66.0.0/16\",\"static\":true,\"action\":\"drop\","
			       "\"replace\":true}"), 0);
	ck_assert(m.is_static && m.replace);
	rest_mapping_record(&m, &rec);
	ck_assert_uint_eq(rec.action, LISP_ACT_DROP);
	ck_assert_uint_eq(rec.loc_count, 0);
	ck_assert_uint_eq(rec.ttl, 0);
	rest_mapping_free(&m);
	ck_assert_int_eq(parse("{\"eid\":\"[7]172.16.0.0/12\",\"static\":true,\"rlocs\":"
			       "[{\"address\":\"198.51.100.1\"}]}"), 0);
	/* A static entry points elsewhere: not a local locator. */
	ck_assert_uint_eq(m.locs[0].flags, LISP_LOC_F_REACH);
	rest_mapping_free(&m);
}
END_TEST

static const struct {
	const char *body;
	const char *field;
	const char *msg;	/* NULL: only the field is checked */
} bad[] = {
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\"},"
	  "{\"address\":\"192.0.2.2\",\"priority\":256}]}",
	  "rlocs[1].priority", "rlocs[1].priority: must be 0..255" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\",\"weight\":\"9\"}]}",
	  "rlocs[0].weight", "rlocs[0].weight: must be 0..255" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"dn:x\"}]}", "rlocs[0].address",
	  "rlocs[0].address: must be an IPv4 or IPv6 address" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\"},"
	  "{\"address\":\"192.0.2.1\"}]}",
	  "rlocs[1].address", "rlocs[1].address: '192.0.2.1' is listed twice (also rlocs[0])" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\",\"x\":1}]}",
	  "rlocs[0].x", "rlocs[0].x: unknown field" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[7]}", "rlocs[0]", NULL },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\","
	  "\"attributes\":\"gpu\"}]}", "rlocs[0].attributes", NULL },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[]}", "rlocs",
	  "rlocs: at least one RLOC is required" },
	{ "{\"eid\":\"[1]10.1.2.0/24\"}", "rlocs", NULL },
	{ "{\"rlocs\":[{\"address\":\"192.0.2.1\"}]}", "eid", "eid: required" },
	{ "{\"eid\":\"10.1.2.1/24\",\"rlocs\":[{\"address\":\"192.0.2.1\"}]}", "eid", NULL },
	{ "{\"eid\":\"[99999999]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\"}]}", "eid",
	  NULL },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"ttl\":0,\"rlocs\":[{\"address\":\"192.0.2.1\"}]}", "ttl",
	  "ttl: must be 1..43200" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"ttl\":true,\"rlocs\":[{\"address\":\"192.0.2.1\"}]}",
	  "ttl", NULL },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"static\":1,\"rlocs\":[{\"address\":\"192.0.2.1\"}]}",
	  "static", "static: must be true or false" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"action\":\"drop\"}", "action", NULL },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"static\":true,\"action\":\"drop\",\"rlocs\":"
	  "[{\"address\":\"192.0.2.1\"}]}", "rlocs", "rlocs: a drop entry takes no rlocs" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"static\":true,\"ttl\":5,\"rlocs\":"
	  "[{\"address\":\"192.0.2.1\"}]}", "ttl", NULL },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"zzz\":0}", "zzz", "zzz: unknown field" },
	{ "{\"eid\":\"[1]10.1.2.0/24\",\"eid\":\"[1]10.1.3.0/24\"}", "", NULL },
	{ "[]", "", "the body must be a JSON object" },
	{ "{", "", NULL },
	{ "", "", "a JSON body is required" },
};

START_TEST(test_bad_bodies)
{
	ck_assert_int_eq(parse(bad[_i].body), -EINVAL);
	ck_assert_msg(strcmp(field, bad[_i].field) == 0, "case %d: field '%s', expected '%s'", _i,
		      field, bad[_i].field);
	if (bad[_i].msg)
		ck_assert_str_eq(msg, bad[_i].msg);
	ck_assert(msg[0]);
	/* Nothing is left allocated on failure. */
	ck_assert_ptr_null(m.locs);
	ck_assert_ptr_null(m.attrs);
}
END_TEST

START_TEST(test_attributes_cap)
{
	char body[2048];

	/* 1024 bytes of canonical JSON fit; one more does not. */
	snprintf(body, sizeof(body),
		 "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\","
		 "\"attributes\":{\"k\":\"%0*d\"}}]}", 1024 - 8, 0);
	ck_assert_int_eq(parse(body), 0);
	rest_mapping_free(&m);
	snprintf(body, sizeof(body),
		 "{\"eid\":\"[1]10.1.2.0/24\",\"rlocs\":[{\"address\":\"192.0.2.1\","
		 "\"attributes\":{\"k\":\"%0*d\"}}]}", 1024 - 7, 0);
	ck_assert_int_eq(parse(body), -EINVAL);
	ck_assert_str_eq(field, "rlocs[0].attributes");
}
END_TEST

static Suite *rest_suite(void)
{
	Suite *s = suite_create("rest");
	TCase *tc = tcase_create("mapping-body");

	tcase_add_test(tc, test_etr_mapping);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_static_entries);
	tcase_add_loop_test(tc, test_bad_bodies, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_attributes_cap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(rest_suite());
}
