/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR role (itr.h, mapcache.h) behind the hooks the API reads through
 * (struct cp_itr_ops, cp.h): the daemon sets cp->itr_ops = &rest_itr_ops
 * and cp->itr to its struct itr.  Entries keep their EID-record encoded;
 * it is decoded here, one entry at a time, for the JSON.
 */
#include <errno.h>
#include <stdlib.h>

#include "itr.h"
#include "mapcache.h"
#include "rest.h"
#include "rest_priv.h"

struct itr_walk {
	cp_cache_walk_fn fn;
	void *arg;
	struct lisp_arena arena;
	uint8_t *arena_buf;
};

static size_t itr_cache_count(void *itr)
{
	return mapcache_count(itr_cache(itr));
}

static int itr_walk_one(struct mapcache_entry *me, void *arg)
{
	struct itr_walk *w = arg;
	bool up[LISP_LOCATORS_MAX];
	uint32_t rtt[LISP_LOCATORS_MAX];
	struct cp_cache_entry e = {
		.eid = me->eid,
		.is_static = mapcache_entry_is_static(me),
		.source = mapcache_source_name(me->source),
		.created_ms = me->created_ms,
		.expires_ms = me->expires_ms == MAPCACHE_NEVER ? 0 : me->expires_ms,
	};
	struct lisp_record rec = { .ttl = me->ttl_min, .action = me->action };
	struct wire_rd rd;

	lisp_arena_reset(&w->arena);
	wire_rd_init(&rd, me->record, me->record_len);
	if (!me->record || lisp_record_decode(&rd, &w->arena, &rec, NULL) < 0) {
		/* What the cache holds decoded once; show the entry without RLOCs
		 * rather than hide it. */
		rec = (struct lisp_record){ .ttl = me->ttl_min, .action = me->action };
	}
	e.rec = &rec;
	/* Locators that are not unicast RLOCs have no state: shown up. */
	for (size_t i = 0; i < rec.loc_count; i++) {
		up[i] = true;
		rtt[i] = 0;
	}
	for (size_t i = 0; i < me->rloc_count; i++) {
		const struct mapcache_rloc *r = &me->rlocs[i];

		if (r->loc_index < rec.loc_count) {
			up[r->loc_index] = r->up;
			rtt[r->loc_index] = r->rtt_us;
		}
	}
	e.loc_up = up;
	e.loc_rtt_us = rtt;
	return w->fn(&e, w->arg);
}

static int itr_cache_walk(void *itr, cp_cache_walk_fn fn, void *arg)
{
	struct itr_walk w = { .fn = fn, .arg = arg };
	int rc;

	w.arena_buf = malloc(REST_ARENA_BYTES);
	if (!w.arena_buf)
		return -ENOMEM;
	lisp_arena_init(&w.arena, w.arena_buf, REST_ARENA_BYTES);
	rc = mapcache_walk(itr_cache(itr), NULL, itr_walk_one, &w);
	free(w.arena_buf);
	return rc;
}

static int itr_static_set(void *itr, const struct lisp_record *rec, struct lisp_err *err)
{
	return itr_add_static(itr, rec, MAPCACHE_SRC_API, err);
}

static int itr_static_del(void *itr, const struct lisp_prefix *eid)
{
	return itr_del_static(itr, eid);
}

static bool itr_static_exists(void *itr, const struct lisp_prefix *eid)
{
	const struct mapcache_entry *e = mapcache_exact(itr_cache(itr), eid);

	return e && mapcache_entry_is_static(e);
}

const struct cp_itr_ops rest_itr_ops = {
	.cache_count = itr_cache_count,
	.cache_walk = itr_cache_walk,
	.static_set = itr_static_set,
	.static_del = itr_static_del,
	.static_exists = itr_static_exists,
};
