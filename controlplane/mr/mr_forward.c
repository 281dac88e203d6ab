/* SPDX-License-Identifier: BSD-3-Clause */
#include "mr_forward.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"
#include "wire.h"

struct mr_delegations {
	struct mapdb *db;
};

struct mr_delegations *mr_delegations_new(void)
{
	struct mr_delegations *d = calloc(1, sizeof(*d));

	if (d && !(d->db = mapdb_new())) {
		free(d);
		return NULL;
	}
	return d;
}

static int deleg_free(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	free(value);
	return 0;
}

void mr_delegations_free(struct mr_delegations *d)
{
	if (!d)
		return;
	mapdb_walk(d->db, NULL, deleg_free, NULL);
	mapdb_free(d->db);
	free(d);
}

int mr_delegations_add(struct mr_delegations *d, const struct lisp_prefix *eid,
		       const struct mr_ms *ms)
{
	struct mr_deleg *old = mapdb_exact(d->db, eid), *grown;
	size_t n = old ? old->count : 0;
	int rc;

	grown = malloc(sizeof(*grown) + (n + 1) * sizeof(grown->ms[0]));
	if (!grown)
		return -ENOMEM;
	if (old)
		memcpy(grown, old, sizeof(*old) + n * sizeof(old->ms[0]));
	else
		memset(grown, 0, sizeof(*grown));
	grown->eid = *eid;
	grown->ms[n] = *ms;
	grown->ms[n].h.up = true;
	grown->count = n + 1;
	rc = mapdb_insert(d->db, eid, grown, NULL);
	if (rc < 0) {
		free(grown);
		return rc;
	}
	free(old);
	return 0;
}

size_t mr_delegations_count(const struct mr_delegations *d)
{
	return d ? mapdb_count(d->db) : 0;
}

struct mr_ms *mr_delegations_pick(struct mr_delegations *d, const struct lisp_prefix *eid)
{
	struct mr_deleg *e = d ? mapdb_longest(d->db, eid, NULL) : NULL;
	struct mr_ms *ms = NULL;

	if (!e)
		return NULL;
	for (size_t i = 0; i < e->count && !ms; i++)
		if (e->ms[i].h.up)
			ms = &e->ms[i];
	if (!ms) {
		e->all_down++;
		ms = &e->ms[0];
	}
	e->forwarded++;
	ms->h.forwarded++;
	return ms;
}

struct mapdb *mr_delegations_db(const struct mr_delegations *d)
{
	return d->db;
}

struct walk_ctx {
	int (*fn)(struct mr_deleg *dl, void *arg);
	void *arg;
};

static int walk_one(const struct lisp_prefix *p, void *value, void *arg)
{
	struct walk_ctx *w = arg;

	(void)p;
	return w->fn(value, w->arg);
}

int mr_delegations_walk(struct mr_delegations *d, int (*fn)(struct mr_deleg *dl, void *arg),
			void *arg)
{
	struct walk_ctx w = { fn, arg };

	return d ? mapdb_walk(d->db, NULL, walk_one, &w) : 0;
}

static int carry_one(struct mr_deleg *dl, void *arg)
{
	struct mr_delegations *from = arg;
	struct mr_deleg *old = mapdb_exact(from->db, &dl->eid);

	if (!old)
		return 0;
	dl->forwarded = old->forwarded;
	dl->all_down = old->all_down;
	for (size_t i = 0; i < dl->count; i++)
		for (size_t j = 0; j < old->count; j++)
			if (dl->ms[i].port == old->ms[j].port &&
			    lisp_addr_equal(&dl->ms[i].addr, &old->ms[j].addr)) {
				dl->ms[i].h = old->ms[j].h;
				break;
			}
	return 0;
}

void mr_delegations_carry(struct mr_delegations *to, struct mr_delegations *from)
{
	if (to && from)
		mr_delegations_walk(to, carry_one, from);
}

ssize_t mr_ecm_next_hop(const struct lisp_ecm *in, uint8_t *out, size_t cap)
{
	struct lisp_ecm next = *in;

	if (in->ttl <= 1)
		return 0;
	next.ttl--;
	return lisp_ecm_encode(&next, out, cap, NULL);
}

void mr_hops_reset(struct mr_hops *h, unsigned int max)
{
	h->count = 0;
	h->max = max < 1 ? 1 : max > MR_HOPS_MAX ? MR_HOPS_MAX : max;
}

int mr_hops_add(struct mr_hops *h, enum mr_hop_kind kind, const struct lisp_addr *addr,
		uint16_t port, uint8_t rec)
{
	struct mr_hop *hop = NULL;

	for (unsigned int i = 0; i < h->count && !hop; i++)
		if (h->hop[i].kind == kind &&
		    (kind == MR_HOP_LOCAL ||
		     (h->hop[i].port == port && lisp_addr_equal(&h->hop[i].addr, addr))))
			hop = &h->hop[i];
	if (!hop) {
		if (h->count >= h->max)
			return -ENOSPC;
		hop = &h->hop[h->count++];
		memset(hop, 0, offsetof(struct mr_hop, recs));
		hop->kind = kind;
		if (addr)
			hop->addr = *addr;
		hop->port = port;
	}
	hop->recs[hop->count++] = rec;
	return 0;
}

ssize_t mr_hop_ecm(const struct mr_hop *hop, const struct lisp_ecm *ecm,
		   const struct lisp_map_request *req, struct lisp_arena *arena, uint8_t *out,
		   size_t cap)
{
	struct lisp_map_request sub = *req;
	struct lisp_ecm next = *ecm;
	uint8_t *payload;
	ssize_t n;

	if (hop->count == req->record_count)	/* all of it: the bytes as received */
		return mr_ecm_next_hop(ecm, out, cap);
	sub.record_count = hop->count;
	sub.records = lisp_arena_alloc(arena, hop->count * sizeof(*sub.records));
	payload = lisp_arena_alloc(arena, ecm->payload_len);
	if (!sub.records || !payload)
		return -ENOMEM;
	for (unsigned int i = 0; i < hop->count; i++)
		sub.records[i] = req->records[hop->recs[i]];
	/* Fewer records than received: never longer than the original. */
	n = lisp_map_request_encode(&sub, payload, ecm->payload_len, NULL);
	if (n < 0)
		return n;
	next.payload = payload;
	next.payload_len = (size_t)n;
	return mr_ecm_next_hop(&next, out, cap);
}

/* Lower is better: reachable before unreachable, then by priority. */
static unsigned int loc_rank(const struct lisp_locator *l)
{
	return (l->flags & LISP_LOC_F_REACH ? 0u : 256u) + l->priority;
}

bool mr_etr_rloc(const struct reg_eid *e, struct lisp_arena *a,
		 bool (*skip)(void *arg, const struct reg_xtr *x), void *skip_arg,
		 struct lisp_addr *out, bool *skipped)
{
	*skipped = false;
	for (const struct reg_xtr *x = e->xtrs; x; x = x->next) {
		const struct lisp_addr *best_addr = NULL;
		const struct lisp_locator *best = NULL;
		struct lisp_record rec;
		struct wire_rd rd;

		if (skip && skip(skip_arg, x)) {
			*skipped = true;
			continue;
		}
		wire_rd_init(&rd, x->record, x->record_len);
		if (lisp_record_decode(&rd, a, &rec, NULL) < 0)
			continue;
		for (unsigned int i = 0; i < rec.loc_count; i++) {
			const struct lisp_locator *l = &rec.locs[i];
			/* An RLOC with attributes is a JSON LCAF around it. */
			const struct lisp_addr *ip = lisp_waddr_rloc(&l->addr);

			if (l->priority == 255 || !ip ||
			    (ip->afi != LISP_AFI_IPV4 && ip->afi != LISP_AFI_IPV6))
				continue;
			if (!best || loc_rank(l) < loc_rank(best)) {
				best = l;
				best_addr = ip;
			}
		}
		if (best) {
			*out = *best_addr;
			return true;
		}
	}
	return false;
}
