/* SPDX-License-Identifier: BSD-3-Clause */
#include "site.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

/* The allowed prefixes of every site, in one mapping database whose values
 * are chains of (site, allowance): most EIDs belong to one site, and the
 * longest-match walk finds the candidates without scanning all sites. */
struct allowance {
	struct allowance *next;
	struct site *site;
	const struct site_eid *eid;
};

struct site_table {
	struct site **sites;
	size_t count;
	struct mapdb *allowed;
};

struct site_table *site_table_new(void)
{
	struct site_table *t = calloc(1, sizeof(*t));

	if (t && !(t->allowed = mapdb_new())) {
		free(t);
		return NULL;
	}
	return t;
}

static int free_chain(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	for (struct allowance *a = value, *next; a; a = next) {
		next = a->next;
		free(a);
	}
	return 0;
}

void site_table_free(struct site_table *t)
{
	if (!t)
		return;
	mapdb_walk(t->allowed, NULL, free_chain, NULL);
	mapdb_free(t->allowed);
	for (size_t i = 0; i < t->count; i++) {
		free(t->sites[i]->eids);
		free(t->sites[i]);
	}
	free(t->sites);
	free(t);
}

bool site_allows(const struct site *s, const struct lisp_prefix *eid)
{
	for (size_t i = 0; i < s->eid_count; i++) {
		const struct site_eid *e = &s->eids[i];

		if (lisp_prefix_equal(&e->prefix, eid))
			return true;
		if (e->accept_more_specifics && lisp_prefix_covers(&e->prefix, eid))
			return true;
	}
	return false;
}

int site_table_add(struct site_table *t, const struct site *in)
{
	struct site *s, **grown;
	int rc;

	if (site_table_find(t, in->name))
		return -EEXIST;
	/* Overlap with another site is allowed only when both share. */
	for (size_t i = 0; i < in->eid_count; i++) {
		struct allowance *a = mapdb_exact(t->allowed, &in->eids[i].prefix);

		for (; a; a = a->next)
			if (!in->allow_shared || !a->site->allow_shared)
				return -EEXIST;
	}
	for (size_t i = 0; i < in->crypto_prefix_count; i++)
		for (struct allowance *a = mapdb_exact(t->allowed, &in->crypto_prefixes[i]); a;
		     a = a->next)
			if (!in->allow_shared || !a->site->allow_shared)
				return -EEXIST;
	s = malloc(sizeof(*s));
	grown = realloc(t->sites, (t->count + 1) * sizeof(*t->sites));
	if (!s || !grown) {
		free(s);
		if (grown)
			t->sites = grown;
		return -ENOMEM;
	}
	t->sites = grown;
	*s = *in;
	/* Crypto-EID prefixes are allowed with their more-specifics: each
	 * crypto-EID is a /128 inside one (ms_ecdsa.c checks its key). */
	s->eid_count = in->eid_count + in->crypto_prefix_count;
	s->eids = calloc(s->eid_count ? s->eid_count : 1, sizeof(*s->eids));
	if (!s->eids) {
		free(s);
		return -ENOMEM;
	}
	if (in->eid_count)	/* none: the list may be NULL */
		memcpy(s->eids, in->eids, in->eid_count * sizeof(*s->eids));
	for (size_t i = 0; i < in->crypto_prefix_count; i++)
		s->eids[in->eid_count + i] = (struct site_eid){ in->crypto_prefixes[i], true };
	for (size_t i = 0; i < s->eid_count; i++) {
		struct allowance *a = calloc(1, sizeof(*a)), *head;

		if (!a)
			return -ENOMEM;
		a->site = s;
		a->eid = &s->eids[i];
		head = mapdb_exact(t->allowed, &s->eids[i].prefix);
		a->next = head;
		rc = mapdb_insert(t->allowed, &s->eids[i].prefix, a, NULL);
		if (rc < 0) {
			free(a);
			return rc;
		}
	}
	t->sites[t->count++] = s;
	return 0;
}

size_t site_table_count(const struct site_table *t)
{
	return t->count;
}

struct site *site_table_at(struct site_table *t, size_t i)
{
	return i < t->count ? t->sites[i] : NULL;
}

struct site *site_table_find(struct site_table *t, const char *name)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->sites[i]->name, name) == 0)
			return t->sites[i];
	return NULL;
}

size_t site_table_match(struct site_table *t, const struct lisp_prefix *eid,
			struct site **out, size_t max)
{
	struct lisp_prefix probe = *eid, match;
	size_t n = 0;

	/* Walk outward through every allowed prefix that covers the EID. */
	while (n < max) {
		struct allowance *a = mapdb_longest(t->allowed, &probe, &match);

		if (!a)
			break;
		for (; a && n < max; a = a->next) {
			bool dup = false;

			if (!lisp_prefix_equal(&a->eid->prefix, eid) && !a->eid->accept_more_specifics)
				continue;
			for (size_t i = 0; i < n; i++)
				dup |= out[i] == a->site;
			if (!dup)
				out[n++] = a->site;
		}
		if (match.plen == 0 || match.addr.afi == LISP_AFI_DN)
			break;
		probe = match;
		probe.plen--;
		lisp_prefix_mask(&probe);
	}
	return n;
}

struct mapdb *site_table_db(struct site_table *t)
{
	return t->allowed;
}

bool site_table_covering(struct site_table *t, const struct lisp_prefix *eid,
			 struct lisp_prefix *out)
{
	return mapdb_longest(t->allowed, eid, out) != NULL;
}
