/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT node's delegation table (controlplane/ddt/ddt_tree.c, RFC 8111
 * sections 4 and 7.1): what is refused when it is built, the answer per
 * XEID (delegation by longest match, delegation hole, not authoritative)
 * with exact prefixes in IPv4 and IPv6 and two Instance-IDs, and the
 * answers against their definitions on random tables.
 */
#include <errno.h>

#include "check_util.h"
#include "ddt_tree.h"

static struct lisp_prefix P(const char *s)
{
	struct lisp_prefix p;

	ck_assert_msg(lisp_prefix_parse(s, &p, NULL) == 0, "prefix %s", s);
	return p;
}

static struct ddt_delegation D(const char *eid, uint8_t type, const char *ref)
{
	struct ddt_delegation d = { .eid = P(eid), .type = type, .ref_count = 1 };

	ck_assert_int_eq(lisp_addr_parse(ref, &d.refs[0].addr, NULL), 0);
	d.refs[0].priority = 1;
	d.refs[0].weight = 100;
	return d;
}

static void add_auth(struct ddt_tree *t, const char *s)
{
	struct lisp_prefix p = P(s);

	ck_assert_int_eq(ddt_tree_add_auth(t, &p), 0);
}

static void add_deleg(struct ddt_tree *t, const char *eid, uint8_t type, const char *ref)
{
	struct ddt_delegation d = D(eid, type, ref);

	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), 0);
}

/* lookup(xeid) gives kind and, as text, prefix. */
static void expect(struct ddt_tree *t, const char *xeid, enum ddt_answer_kind kind,
		   const char *prefix)
{
	struct lisp_prefix x = P(xeid);
	struct ddt_answer a;
	char got[80];

	ck_assert_int_eq(ddt_tree_lookup(t, &x, &a), 0);
	lisp_prefix_format(&a.prefix, got, sizeof(got));
	ck_assert_msg(a.kind == kind && strcmp(got, prefix) == 0,
		      "%s: got kind %d prefix %s, expected kind %d prefix %s", xeid, a.kind, got,
		      kind, prefix);
	ck_assert(kind == DDT_ANSWER_DELEGATION ? a.delegation != NULL : a.delegation == NULL);
}

static struct ddt_tree *two_iid_tree(void)
{
	struct ddt_tree *t = ddt_tree_new();

	add_auth(t, "[1]10.0.0.0/8");
	add_auth(t, "[2]10.0.0.0/8");
	add_auth(t, "[1]2001:db8::/32");
	add_deleg(t, "[1]10.1.0.0/16", DDT_DELEG_NODE, "192.0.2.1");
	add_deleg(t, "[1]10.1.2.0/24", DDT_DELEG_MAP_SERVER, "192.0.2.2");
	add_deleg(t, "[1]10.128.0.0/9", DDT_DELEG_MAP_SERVER, "192.0.2.3");
	add_deleg(t, "[2]10.0.0.0/9", DDT_DELEG_NODE, "2001:db8:ffff::1");
	add_deleg(t, "[1]2001:db8:1::/48", DDT_DELEG_MAP_SERVER, "2001:db8:ffff::2");
	return t;
}

START_TEST(build_refusals)
{
	struct ddt_tree *t = ddt_tree_new();
	struct lisp_prefix p;
	struct ddt_delegation d;

	add_auth(t, "[1]10.0.0.0/8");
	p = P("[1]10.1.0.0/16");	/* inside the authority: a delegation, not a second one */
	ck_assert_int_eq(ddt_tree_add_auth(t, &p), -EEXIST);
	p = P("[1]0.0.0.0/0");		/* covering it */
	ck_assert_int_eq(ddt_tree_add_auth(t, &p), -EEXIST);
	p = P("[2]10.1.0.0/16");	/* another IID is other space */
	ck_assert_int_eq(ddt_tree_add_auth(t, &p), 0);
	p = P("[1]dn:planner");
	ck_assert_int_eq(ddt_tree_add_auth(t, &p), -EINVAL);
	d = D("[1]11.0.0.0/16", DDT_DELEG_NODE, "192.0.2.1");	/* outside the authority */
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -ERANGE);
	d = D("[1]10.0.0.0/8", DDT_DELEG_NODE, "192.0.2.1");	/* the authority itself */
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -ERANGE);
	d = D("[3]10.1.0.0/16", DDT_DELEG_NODE, "192.0.2.1");	/* IID without authority */
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -ERANGE);
	d = D("[1]10.1.0.0/16", DDT_DELEG_NODE, "192.0.2.1");
	d.ref_count = 0;
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -EINVAL);
	d.ref_count = DDT_REFERRALS_MAX + 1;
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -EINVAL);
	d.ref_count = 1;
	d.type = 7;
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -EINVAL);
	d.type = DDT_DELEG_NODE;
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), 0);
	ck_assert_int_eq(ddt_tree_add_delegation(t, &d), -EEXIST);
	ck_assert_uint_eq(ddt_tree_auth_count(t), 2);
	ck_assert_uint_eq(ddt_tree_delegation_count(t), 1);
	p = P("[1]dn:planner");
	ck_assert_int_eq(ddt_tree_lookup(t, &p, &(struct ddt_answer){ 0 }), -EINVAL);
	ddt_tree_free(t);
}
END_TEST

START_TEST(delegations_longest_match)
{
	struct ddt_tree *t = two_iid_tree();

	expect(t, "[1]10.1.9.9", DDT_ANSWER_DELEGATION, "[1]10.1.0.0/16");
	expect(t, "[1]10.1.2.3", DDT_ANSWER_DELEGATION, "[1]10.1.2.0/24");
	expect(t, "[1]10.200.0.1", DDT_ANSWER_DELEGATION, "[1]10.128.0.0/9");
	expect(t, "[2]10.1.2.3", DDT_ANSWER_DELEGATION, "[2]10.0.0.0/9");
	expect(t, "[1]2001:db8:1:2::3", DDT_ANSWER_DELEGATION, "[1]2001:db8:1::/48");
	/* The record's mask-len does not pick the answer: the XEID's address does. */
	expect(t, "[1]10.1.2.0/24", DDT_ANSWER_DELEGATION, "[1]10.1.2.0/24");
	expect(t, "[1]10.1.0.0/22", DDT_ANSWER_DELEGATION, "[1]10.1.0.0/16");
	ddt_tree_free(t);
}
END_TEST

START_TEST(holes_exact)
{
	struct ddt_tree *t = two_iid_tree();

	/* [1]10/8 holds 10.1/16 and 10.128/9: around 10.64.0.1 the largest
	 * prefix with neither is 10.64/10 (10.0/9 holds 10.1/16). */
	expect(t, "[1]10.64.0.1", DDT_ANSWER_HOLE, "[1]10.64.0.0/10");
	expect(t, "[1]10.2.0.1", DDT_ANSWER_HOLE, "[1]10.2.0.0/15");
	expect(t, "[1]10.0.0.1", DDT_ANSWER_HOLE, "[1]10.0.0.0/16");
	expect(t, "[1]10.1.3.1", DDT_ANSWER_DELEGATION, "[1]10.1.0.0/16");
	/* [2]10/8 holds 10.0/9 only: the other half. */
	expect(t, "[2]10.200.0.1", DDT_ANSWER_HOLE, "[2]10.128.0.0/9");
	/* IPv6: [1]2001:db8::/32 holds 2001:db8:1::/48. */
	expect(t, "[1]2001:db8:8000::1", DDT_ANSWER_HOLE, "[1]2001:db8:8000::/33");
	expect(t, "[1]2001:db8::1", DDT_ANSWER_HOLE, "[1]2001:db8::/48");
	ddt_tree_free(t);
}
END_TEST

START_TEST(hole_is_the_whole_authority)
{
	struct ddt_tree *t = ddt_tree_new();

	/* Nothing delegated in [5]192.0.2.0/24, delegations elsewhere: the
	 * hole stops at the authority, however far the free space goes. */
	add_auth(t, "[5]192.0.2.0/24");
	add_auth(t, "[5]10.0.0.0/8");
	add_deleg(t, "[5]10.1.0.0/16", DDT_DELEG_NODE, "192.0.2.1");
	expect(t, "[5]192.0.2.77", DDT_ANSWER_HOLE, "[5]192.0.2.0/24");
	ddt_tree_free(t);
}
END_TEST

START_TEST(not_authoritative_exact)
{
	struct ddt_tree *t = two_iid_tree();

	/* RFC 8111, section 6: "the original requested EID". */
	expect(t, "[1]11.0.0.1", DDT_ANSWER_NOT_AUTHORITATIVE, "[1]11.0.0.1/32");
	expect(t, "[1]192.0.2.0/24", DDT_ANSWER_NOT_AUTHORITATIVE, "[1]192.0.2.0/24");
	/* An Instance-ID with no authority at all. */
	expect(t, "[7]10.1.2.3", DDT_ANSWER_NOT_AUTHORITATIVE, "[7]10.1.2.3/32");
	expect(t, "[2]2001:db8::1", DDT_ANSWER_NOT_AUTHORITATIVE, "[2]2001:db8::1/128");
	expect(t, "[1]2001:db9::1", DDT_ANSWER_NOT_AUTHORITATIVE, "[1]2001:db9::1/128");
	/* A request prefix that covers an authority: its address is outside. */
	expect(t, "[1]0.0.0.0/0", DDT_ANSWER_NOT_AUTHORITATIVE, "[1]0.0.0.0/0");
	ddt_tree_free(t);
}
END_TEST

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static struct lisp_prefix random_v4(uint32_t iid, uint8_t plen)
{
	struct lisp_prefix p = { .iid = iid, .plen = plen };
	uint32_t a = rnd() & 0x0f0f00ffu;	/* a small space: prefixes nest */

	p.addr.afi = LISP_AFI_IPV4;
	memcpy(p.addr.v6, &a, 4);
	lisp_prefix_mask(&p);
	return p;
}

static bool holds_delegation(const struct ddt_tree *t, const struct lisp_prefix *p)
{
	for (size_t i = 0; i < ddt_tree_delegation_count(t); i++)
		if (lisp_prefix_covers(p, &ddt_tree_delegation_at(t, i)->eid))
			return true;
	return false;
}

static const struct lisp_prefix *auth_of(const struct ddt_tree *t, const struct lisp_prefix *x)
{
	for (size_t i = 0; i < ddt_tree_auth_count(t); i++)
		if (lisp_prefix_covers(ddt_tree_auth_at(t, i), x))
			return ddt_tree_auth_at(t, i);
	return NULL;
}

/* Answers against their definitions (RFC 8111, 7.1.1 and 7.1.2) on
 * random tables: the longest delegation; a hole inside the authority that
 * holds no delegation and whose parent does (or leaves the authority); the
 * requested XEID itself outside every authority. */
START_TEST(random_tables_against_definitions)
{
	for (int round = 0; round < 40; round++) {
		struct ddt_tree *t = ddt_tree_new();

		for (int i = 0; i < 6; i++) {
			struct lisp_prefix a = random_v4(rnd() % 2, (uint8_t)(4 + rnd() % 12));

			(void)ddt_tree_add_auth(t, &a);	/* overlaps refused, fine */
		}
		for (int i = 0; i < 40; i++) {
			struct ddt_delegation d = D("[0]10.0.0.0/8", DDT_DELEG_NODE, "192.0.2.1");

			d.eid = random_v4(rnd() % 2, (uint8_t)(6 + rnd() % 20));
			(void)ddt_tree_add_delegation(t, &d);
		}
		for (int q = 0; q < 300; q++) {
			struct lisp_prefix x = random_v4(rnd() % 3, 32), parent;
			const struct ddt_delegation *best = NULL;
			const struct lisp_prefix *auth = auth_of(t, &x);
			struct ddt_answer a;

			ck_assert_int_eq(ddt_tree_lookup(t, &x, &a), 0);
			for (size_t i = 0; i < ddt_tree_delegation_count(t); i++) {
				const struct ddt_delegation *d = ddt_tree_delegation_at(t, i);

				if (lisp_prefix_covers(&d->eid, &x) &&
				    (!best || d->eid.plen > best->eid.plen))
					best = d;
			}
			ck_assert(lisp_prefix_covers(&a.prefix, &x));
			parent = a.prefix;
			if (parent.plen)
				parent.plen--;
			lisp_prefix_mask(&parent);
			if (best) {
				ck_assert_int_eq(a.kind, DDT_ANSWER_DELEGATION);
				ck_assert(lisp_prefix_equal(&a.prefix, &best->eid));
			} else if (auth) {
				ck_assert_int_eq(a.kind, DDT_ANSWER_HOLE);
				ck_assert(lisp_prefix_covers(auth, &a.prefix));
				ck_assert(!holds_delegation(t, &a.prefix));
				ck_assert(a.prefix.plen == auth->plen || holds_delegation(t, &parent));
			} else {
				ck_assert_int_eq(a.kind, DDT_ANSWER_NOT_AUTHORITATIVE);
				ck_assert(lisp_prefix_equal(&a.prefix, &x));
			}
		}
		ddt_tree_free(t);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ddt_tree");
	TCase *tc = tcase_create("ddt_tree");

	tcase_add_test(tc, build_refusals);
	tcase_add_test(tc, delegations_longest_match);
	tcase_add_test(tc, holes_exact);
	tcase_add_test(tc, hole_is_the_whole_authority);
	tcase_add_test(tc, not_authoritative_exact);
	tcase_add_test(tc, random_tables_against_definitions);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
