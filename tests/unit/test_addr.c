/* SPDX-License-Identifier: BSD-3-Clause */
/* Addresses and Instance-ID prefixes: text forms round-trip, errors name the
 * problem, covering and masking follow the bits. */
#include <errno.h>

#include "check_util.h"
#include "lisp_addr.h"

static void roundtrip(const char *text, const char *canonical)
{
	char buf[LISP_ADDR_STR_MAX];
	struct lisp_prefix p, q;
	struct lisp_err err;

	ck_assert_msg(lisp_prefix_parse(text, &p, &err) == 0, "%s: %s", text, err.msg);
	ck_assert_int_gt(lisp_prefix_format(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, canonical);
	ck_assert_int_eq(lisp_prefix_parse(buf, &q, &err), 0);
	ck_assert(lisp_prefix_equal(&p, &q));
}

START_TEST(prefix_text_roundtrip)
{
	roundtrip("[1000]240.1.1.1/32", "[1000]240.1.1.1/32");
	roundtrip("[7]2001:db8::/64", "[7]2001:db8::/64");
	roundtrip("[1000]dn:agent-planner-7", "[1000]dn:agent-planner-7");
	roundtrip("[3]mac:00:11:22:AA:bb:cc", "[3]mac:00:11:22:aa:bb:cc/48");
	roundtrip("10.0.0.0/8", "[0]10.0.0.0/8");
	roundtrip("192.0.2.7", "[0]192.0.2.7/32");
	roundtrip("[16777215]::/0", "[16777215]::/0");
	roundtrip("[4294967295]0.0.0.0/0", "[4294967295]0.0.0.0/0");
	/* A DN may hold '/': it is part of the name, not a length. */
	roundtrip("[5]dn:svc/inference/llama", "[5]dn:svc/inference/llama");
}
END_TEST

static void parse_fails(const char *text, const char *needle)
{
	struct lisp_prefix p;
	struct lisp_err err;

	ck_assert_msg(lisp_prefix_parse(text, &p, &err) == -EINVAL, "%s parsed", text);
	ck_assert_msg(strstr(err.msg, needle) != NULL, "'%s': '%s' lacks '%s'", text, err.msg,
		      needle);
}

START_TEST(prefix_errors)
{
	parse_fails("[1000]240.1.1.1/33", "prefix length must be 0..32");
	parse_fails("[x]10.0.0.0/8", "instance-id");
	parse_fails("[1000240.1.1.1/32", "instance-id");
	parse_fails("[4294967296]10.0.0.0/8", "instance-id");
	parse_fails("10.0.0.1/8", "bits set past the /8");
	parse_fails("2001:db8::1/32", "bits set past");
	parse_fails("[1]planner-7", "is not an address");
	parse_fails("[1]dn:", "empty");
	parse_fails("[1]dn:bad\tname", "not printable");
	parse_fails("10.0.0.0/", "prefix length");
	parse_fails("10.0.0.0/8x", "prefix length");
	parse_fails("mac:00:11:22:33:44", "not a MAC");
}
END_TEST

START_TEST(dn_length_limit)
{
	char name[LISP_DN_MAX + 8];
	struct lisp_addr a;

	memset(name, 'a', sizeof(name));
	name[LISP_DN_MAX] = '\0';
	ck_assert_int_eq(lisp_addr_set_dn(&a, name, NULL), 0);
	ck_assert_uint_eq(lisp_addr_wire_len(&a), LISP_DN_MAX + 1);
	name[LISP_DN_MAX] = 'a';
	name[LISP_DN_MAX + 1] = '\0';
	ck_assert_int_eq(lisp_addr_set_dn(&a, name, NULL), -EINVAL);
}
END_TEST

START_TEST(covers_and_mask)
{
	struct lisp_prefix a, b;

	lisp_prefix_parse("[7]10.0.0.0/8", &a, NULL);
	lisp_prefix_parse("[7]10.1.2.0/24", &b, NULL);
	ck_assert(lisp_prefix_covers(&a, &b));
	ck_assert(!lisp_prefix_covers(&b, &a));
	/* Same bits, other Instance-ID: never covered. */
	lisp_prefix_parse("[8]10.1.2.0/24", &b, NULL);
	ck_assert(!lisp_prefix_covers(&a, &b));
	lisp_prefix_parse("[7]10.128.0.0/9", &a, NULL);
	lisp_prefix_parse("[7]10.127.0.0/16", &b, NULL);
	ck_assert(!lisp_prefix_covers(&a, &b));
	lisp_prefix_parse("[0]2001:db8::/33", &a, NULL);
	lisp_prefix_parse("[0]2001:db8:7fff::/48", &b, NULL);
	ck_assert(lisp_prefix_covers(&a, &b));
	lisp_prefix_parse("[0]2001:db8:8000::/48", &b, NULL);
	ck_assert(!lisp_prefix_covers(&a, &b));

	lisp_prefix_parse("[0]10.255.255.255/32", &a, NULL);
	a.plen = 12;
	lisp_prefix_mask(&a);
	lisp_prefix_parse("[0]10.240.0.0/12", &b, NULL);
	ck_assert(lisp_prefix_equal(&a, &b));
}
END_TEST

START_TEST(addr_compare_and_format_bounds)
{
	struct lisp_addr a, b;
	char small[4];

	lisp_addr_parse("10.0.0.1", &a, NULL);
	lisp_addr_parse("10.0.0.2", &b, NULL);
	ck_assert_int_lt(lisp_addr_cmp(&a, &b), 0);
	lisp_addr_parse("2001:db8::1", &b, NULL);
	ck_assert_int_lt(lisp_addr_cmp(&a, &b), 0);	/* AFI order first */
	ck_assert_int_eq(lisp_addr_format(&b, small, sizeof(small)), -ENOSPC);
	ck_assert_str_eq(lisp_afi_name(LISP_AFI_LCAF), "lcaf");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, prefix_text_roundtrip);
	tcase_add_test(tc, prefix_errors);
	tcase_add_test(tc, dn_length_limit);
	tcase_add_test(tc, covers_and_mask);
	tcase_add_test(tc, addr_compare_and_format_bounds);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
