/* SPDX-License-Identifier: BSD-3-Clause */
#include "ddt_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

struct ddt_cache {
	struct mapdb *db;
	size_t cap;
};

struct ddt_cache *ddt_cache_new(size_t cap)
{
	struct ddt_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->cap = cap;
	c->db = mapdb_new();
	if (!c->db) {
		free(c);
		return NULL;
	}
	return c;
}

static int entry_free(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	free(value);
	return 0;
}

void ddt_cache_free(struct ddt_cache *c)
{
	if (!c)
		return;
	mapdb_walk(c->db, NULL, entry_free, NULL);
	mapdb_free(c->db);
	free(c);
}

struct expire_walk {
	uint64_t now_ms;
	size_t n;
	struct lisp_prefix dead[64];
};

static int collect_expired(const struct lisp_prefix *p, void *value, void *arg)
{
	struct expire_walk *w = arg;
	const struct ddt_cache_entry *e = value;

	if (e->expires_ms > w->now_ms)
		return 0;
	w->dead[w->n++] = *p;
	return w->n == sizeof(w->dead) / sizeof(w->dead[0]);
}

size_t ddt_cache_expire(struct ddt_cache *c, uint64_t now_ms)
{
	struct expire_walk *w = malloc(sizeof(*w));
	size_t removed = 0;
	int more;

	if (!w)
		return 0;
	/* In batches: the trie is not changed under its own walk. */
	do {
		w->now_ms = now_ms;
		w->n = 0;
		more = mapdb_walk(c->db, NULL, collect_expired, w);
		for (size_t i = 0; i < w->n; i++)
			free(mapdb_remove(c->db, &w->dead[i]));
		removed += w->n;
	} while (more);
	free(w);
	return removed;
}

int ddt_cache_put(struct ddt_cache *c, const struct ddt_cache_entry *e, uint64_t now_ms)
{
	struct ddt_cache_entry *copy;
	struct lisp_prefix p = e->prefix;
	void *old = NULL;
	int rc;

	lisp_prefix_mask(&p);
	if (!mapdb_exact(c->db, &p) && mapdb_count(c->db) >= c->cap &&
	    (ddt_cache_expire(c, now_ms) == 0 || mapdb_count(c->db) >= c->cap))
		return -ENOSPC;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	*copy = *e;
	copy->prefix = p;
	rc = mapdb_insert(c->db, &p, copy, &old);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	free(old);
	return 0;
}

struct ddt_cache_entry *ddt_cache_lookup(struct ddt_cache *c, const struct lisp_prefix *eid,
					 uint64_t now_ms)
{
	/* Each pass removes one expired entry: at most one pass per prefix
	 * length between eid and the root, then a live one or none. */
	for (unsigned int pass = 0; pass <= 129; pass++) {
		struct lisp_prefix match;
		struct ddt_cache_entry *e = mapdb_longest(c->db, eid, &match);

		if (!e || e->expires_ms > now_ms)
			return e;
		free(mapdb_remove(c->db, &match));
	}
	return NULL;
}

int ddt_cache_remove(struct ddt_cache *c, const struct lisp_prefix *prefix)
{
	struct lisp_prefix p = *prefix;
	void *v;

	lisp_prefix_mask(&p);
	v = mapdb_remove(c->db, &p);
	if (!v)
		return -ENOENT;
	free(v);
	return 0;
}

size_t ddt_cache_count(const struct ddt_cache *c)
{
	return mapdb_count(c->db);
}

size_t ddt_cache_cap(const struct ddt_cache *c)
{
	return c->cap;
}

struct walk_adapter {
	ddt_cache_walk_fn fn;
	void *arg;
};

static int walk_one(const struct lisp_prefix *p, void *value, void *arg)
{
	struct walk_adapter *w = arg;

	(void)p;
	return w->fn(value, w->arg);
}

int ddt_cache_walk(const struct ddt_cache *c, ddt_cache_walk_fn fn, void *arg)
{
	struct walk_adapter w = { fn, arg };

	return mapdb_walk(c->db, NULL, walk_one, &w);
}
