/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mapping database against a brute-force model: random prefixes in
 * several Instance-IDs are inserted and removed, and after each step every
 * query (exact, longest match, uncovered prefix, walk) must agree with a
 * linear scan over the model.  Plus the cases the Map-Resolver relies on.
 */
#include <errno.h>

#include "check_util.h"
#include "mapdb.h"

#define MODEL_MAX 600

struct model {
	struct lisp_prefix p[MODEL_MAX];
	uintptr_t v[MODEL_MAX];
	size_t n;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Prefixes drawn from a small space so that they nest and collide. */
static void random_prefix(struct lisp_prefix *p, uint16_t afi)
{
	memset(p, 0, sizeof(*p));
	p->iid = rnd() % 3;
	p->addr.afi = afi;
	for (unsigned int i = 0; i < lisp_addr_wire_len(&p->addr); i++)
		p->addr.v6[i] = (uint8_t)(rnd() & 0x83);
	p->plen = (uint8_t)(rnd() % (lisp_addr_max_plen(afi) + 1));
	lisp_prefix_mask(p);
}

static int model_find(const struct model *m, const struct lisp_prefix *p)
{
	for (size_t i = 0; i < m->n; i++)
		if (lisp_prefix_equal(&m->p[i], p))
			return (int)i;
	return -1;
}

static int model_longest(const struct model *m, const struct lisp_prefix *q)
{
	int best = -1;

	for (size_t i = 0; i < m->n; i++)
		if (lisp_prefix_covers(&m->p[i], q) && (best < 0 || m->p[i].plen > m->p[best].plen))
			best = (int)i;
	return best;
}

static int count_cb(const struct lisp_prefix *p, void *v, void *arg)
{
	(void)p;
	(void)v;
	(*(size_t *)arg)++;
	return 0;
}

static void check_queries(struct mapdb *db, const struct model *m, uint16_t afi)
{
	for (int k = 0; k < 40; k++) {
		struct lisp_prefix q, match, un;
		int best;
		void *v;

		random_prefix(&q, afi);
		best = model_longest(m, &q);
		v = mapdb_longest(db, &q, &match);
		ck_assert_ptr_eq(v, best < 0 ? NULL : (void *)m->v[best]);
		if (best >= 0)
			ck_assert(lisp_prefix_equal(&match, &m->p[best]));
		ck_assert_ptr_eq(mapdb_exact(db, &q),
				 model_find(m, &q) < 0 ? NULL : (void *)m->v[model_find(m, &q)]);

		/* Uncovered: contains the address, holds no entry, and one bit
		 * shorter would hold one (least-specific). */
		q.plen = (uint8_t)lisp_addr_max_plen(afi);
		if (mapdb_uncovered(db, &q, &un)) {
			size_t under = 0;

			ck_assert_int_lt(model_longest(m, &q), 0);
			ck_assert(lisp_prefix_covers(&un, &q));
			for (size_t i = 0; i < m->n; i++)
				ck_assert(!lisp_prefix_covers(&un, &m->p[i]));
			if (un.plen > 0) {
				struct lisp_prefix wider = un;
				bool holds = false;

				wider.plen--;
				lisp_prefix_mask(&wider);
				for (size_t i = 0; i < m->n; i++)
					holds |= lisp_prefix_covers(&wider, &m->p[i]);
				ck_assert(holds);
			}
			mapdb_walk(db, &un, count_cb, &under);
			ck_assert_uint_eq(under, 0);
		} else {
			ck_assert_int_ge(model_longest(m, &q), 0);
		}

		/* Walk under a random prefix visits exactly the covered ones. */
		random_prefix(&q, afi);
		{
			size_t got = 0, want = 0;

			mapdb_walk(db, &q, count_cb, &got);
			for (size_t i = 0; i < m->n; i++)
				want += lisp_prefix_covers(&q, &m->p[i]);
			ck_assert_uint_eq(got, want);
		}
	}
}

static void differential(uint16_t afi)
{
	struct mapdb *db = mapdb_new();
	static struct model m;
	size_t all = 0;

	m.n = 0;
	for (int step = 0; step < 3000; step++) {
		struct lisp_prefix p;
		void *old;
		int at;

		random_prefix(&p, afi);
		at = model_find(&m, &p);
		if (rnd() % 3 == 0) {
			void *v = mapdb_remove(db, &p);

			ck_assert_ptr_eq(v, at < 0 ? NULL : (void *)m.v[at]);
			if (at >= 0) {
				m.p[at] = m.p[m.n - 1];
				m.v[at] = m.v[--m.n];
			}
		} else if (m.n < MODEL_MAX) {
			uintptr_t v = (uintptr_t)step + 1;

			ck_assert_int_eq(mapdb_insert(db, &p, (void *)v, &old), 0);
			ck_assert_ptr_eq(old, at < 0 ? NULL : (void *)m.v[at]);
			if (at < 0) {
				m.p[m.n] = p;
				m.v[m.n++] = v;
			} else {
				m.v[at] = v;
			}
		}
		ck_assert_uint_eq(mapdb_count(db), m.n);
		if (step % 100 == 0)
			check_queries(db, &m, afi);
	}
	mapdb_walk(db, NULL, count_cb, &all);
	ck_assert_uint_eq(all, m.n);
	/* Removing everything frees every node. */
	while (m.n) {
		ck_assert_ptr_nonnull(mapdb_remove(db, &m.p[--m.n]));
	}
	ck_assert_uint_eq(mapdb_count(db), 0);
	/* No glue node outlives the entries it joined. */
	ck_assert_uint_lt(mapdb_memory(db), 1024);
	mapdb_free(db);
}

START_TEST(differential_ipv4)
{
	differential(LISP_AFI_IPV4);
}
END_TEST

START_TEST(differential_ipv6)
{
	differential(LISP_AFI_IPV6);
}
END_TEST

/* Host entries are also found through a hash: it must agree with the trie
 * as entries come and go, and never hide a covering prefix. */
START_TEST(host_entries_and_their_hash)
{
	struct mapdb *db = mapdb_new();
	struct lisp_prefix p = { .iid = 4, .plen = 32, .addr.afi = LISP_AFI_IPV4 }, cover, m;

	lisp_prefix_parse("[4]10.0.0.0/8", &cover, NULL);
	ck_assert_int_eq(mapdb_insert(db, &cover, (void *)1, NULL), 0);
	for (uint32_t i = 0; i < 20000; i++) {
		p.addr.v4[0] = 10, p.addr.v4[1] = (uint8_t)(i >> 16), p.addr.v4[2] = (uint8_t)(i >> 8);
		p.addr.v4[3] = (uint8_t)i;
		ck_assert_int_eq(mapdb_insert(db, &p, (void *)(uintptr_t)(i + 2), NULL), 0);
	}
	for (uint32_t i = 0; i < 20000; i += 2) {
		p.addr.v4[1] = (uint8_t)(i >> 16), p.addr.v4[2] = (uint8_t)(i >> 8);
		p.addr.v4[3] = (uint8_t)i;
		ck_assert_ptr_eq(mapdb_remove(db, &p), (void *)(uintptr_t)(i + 2));
	}
	for (uint32_t i = 0; i < 20000; i++) {
		p.addr.v4[1] = (uint8_t)(i >> 16), p.addr.v4[2] = (uint8_t)(i >> 8);
		p.addr.v4[3] = (uint8_t)i;
		/* Removed hosts fall back to the covering /8. */
		ck_assert_ptr_eq(mapdb_longest(db, &p, &m), (void *)(uintptr_t)(i % 2 ? i + 2 : 1));
		ck_assert_uint_eq(m.plen, i % 2 ? 32 : 8);
	}
	mapdb_free(db);
}
END_TEST

static void put(struct mapdb *db, const char *text, uintptr_t v)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(text, &p, NULL), 0);
	ck_assert_int_eq(mapdb_insert(db, &p, (void *)v, NULL), 0);
}

static const char *uncovered(struct mapdb *db, const char *addr)
{
	static char buf[LISP_ADDR_STR_MAX];
	struct lisp_prefix p, out;

	ck_assert_int_eq(lisp_prefix_parse(addr, &p, NULL), 0);
	if (!mapdb_uncovered(db, &p, &out))
		return "covered";
	lisp_prefix_format(&out, buf, sizeof(buf));
	return buf;
}

START_TEST(negative_reply_prefixes)
{
	struct mapdb *db = mapdb_new();

	ck_assert_str_eq(uncovered(db, "[7]192.0.2.1"), "[7]0.0.0.0/0");
	put(db, "[7]10.0.0.0/8", 1);
	put(db, "[7]10.1.0.0/16", 2);
	put(db, "[8]192.0.2.0/24", 3);
	ck_assert_str_eq(uncovered(db, "[7]192.0.2.1"), "[7]128.0.0.0/1");
	ck_assert_str_eq(uncovered(db, "[7]11.0.0.1"), "[7]11.0.0.0/8");
	ck_assert_str_eq(uncovered(db, "[7]10.1.2.3"), "covered");
	/* Instance-IDs never mix: 192.0.2.1 is an EID in IID 8 only. */
	ck_assert_str_eq(uncovered(db, "[8]192.0.2.1"), "covered");
	ck_assert_str_eq(uncovered(db, "[8]192.0.3.1"), "[8]192.0.3.0/24");
	ck_assert_str_eq(uncovered(db, "[9]10.0.0.1"), "[9]0.0.0.0/0");
	mapdb_free(db);
}
END_TEST

START_TEST(distinguished_names)
{
	struct mapdb *db = mapdb_new();
	struct lisp_prefix p, m;
	size_t n = 0;

	put(db, "[1000]dn:agent-planner-7", 1);
	put(db, "[1001]dn:agent-planner-7", 2);
	ck_assert_int_eq(lisp_prefix_parse("[1000]dn:agent-planner-7", &p, NULL), 0);
	ck_assert_ptr_eq(mapdb_longest(db, &p, &m), (void *)1);
	ck_assert(lisp_prefix_equal(&p, &m));
	ck_assert_int_eq(lisp_prefix_parse("[1000]dn:agent-planner-8", &p, NULL), 0);
	ck_assert_ptr_null(mapdb_exact(db, &p));
	for (int i = 0; i < 2000; i++) {
		char name[64];

		snprintf(name, sizeof(name), "[5]dn:agent-%d", i);
		put(db, name, (uintptr_t)i + 10);
	}
	for (int i = 0; i < 2000; i += 2) {
		char name[64];

		snprintf(name, sizeof(name), "[5]dn:agent-%d", i);
		lisp_prefix_parse(name, &p, NULL);
		ck_assert_ptr_eq(mapdb_remove(db, &p), (void *)((uintptr_t)i + 10));
	}
	mapdb_walk(db, NULL, count_cb, &n);
	ck_assert_uint_eq(n, 1002);
	ck_assert_uint_eq(mapdb_count(db), 1002);
	lisp_prefix_parse("[5]dn:agent-1999", &p, NULL);
	ck_assert_ptr_eq(mapdb_exact(db, &p), (void *)2009);
	mapdb_free(db);
}
END_TEST

START_TEST(rejects_unindexable)
{
	struct mapdb *db = mapdb_new();
	struct lisp_prefix p = { 0 };

	ck_assert_int_eq(mapdb_insert(db, &p, (void *)1, NULL), -EINVAL);	/* AFI 0 */
	lisp_prefix_parse("10.0.0.0/8", &p, NULL);
	ck_assert_int_eq(mapdb_insert(db, &p, NULL, NULL), -EINVAL);
	ck_assert_uint_eq(mapdb_count(db), 0);
	mapdb_free(db);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mapdb");
	TCase *tc = tcase_create("mapdb");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, differential_ipv4);
	tcase_add_test(tc, differential_ipv6);
	tcase_add_test(tc, host_entries_and_their_hash);
	tcase_add_test(tc, negative_reply_prefixes);
	tcase_add_test(tc, distinguished_names);
	tcase_add_test(tc, rejects_unindexable);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
