/* SPDX-License-Identifier: BSD-3-Clause */
#include "pubsub.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

#define PUBSUB_ARENA_BYTES (64 * 1024)
#define XTR_BUCKETS	4096

struct subscriber {
	struct subscriber *next;
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
	/* Its site, valid while sites_gen is the Map-Server's: a reload frees
	 * the old sites (map_server_sites_generation). */
	struct site *site;
	uint64_t sites_gen;
	struct lisp_ipaddr rloc;	/* compact: one per subscription */
	uint64_t nonce;		/* RFC 9437: each notification increments it */
	uint64_t renewed_ms;	/* its last (re)subscription */
};

/* How many subscriptions one xTR holds. */
struct xtr_subs {
	struct xtr_subs *next;
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
	uint32_t count;
};

struct pubsub {
	struct map_server *ms;
	struct mapdb *subs;	/* subscribed prefix -> subscriber chain */
	size_t count;
	struct pubsub_limits limits;
	struct xtr_subs *xtrs[XTR_BUCKETS];
	uint64_t last_sweep_ms;
	struct pubsub_counters c;
	struct lisp_arena arena;
	uint8_t arena_buf[PUBSUB_ARENA_BYTES];
};

static void pubsub_changed(void *arg, const struct lisp_prefix *eid, struct reg_eid *entry);

struct pubsub *pubsub_new(struct map_server *ms)
{
	struct pubsub *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	ps->ms = ms;
	ps->subs = mapdb_new();
	if (!ps->subs || map_server_observe(ms, pubsub_changed, ps) < 0) {
		mapdb_free(ps->subs);
		free(ps);
		return NULL;
	}
	lisp_arena_init(&ps->arena, ps->arena_buf, sizeof(ps->arena_buf));
	ps->limits = (struct pubsub_limits){ .max_subscriptions = 200000, .max_per_xtr = 100000,
					     .lifetime_ms = 25 * 3600 * 1000ull };
	return ps;
}

void pubsub_set_limits(struct pubsub *ps, const struct pubsub_limits *limits)
{
	ps->limits = *limits;
}

static struct xtr_subs *xtr_subs_get(struct pubsub *ps, const uint8_t *xtr_id, uint64_t site_id,
				     bool create)
{
	uint64_t h = site_id;
	struct xtr_subs **head, *x;

	for (size_t i = 0; i < LISP_XTR_ID_LEN; i++)
		h = (h ^ xtr_id[i]) * 1099511628211ull;
	head = &ps->xtrs[h % XTR_BUCKETS];
	for (x = *head; x; x = x->next)
		if (x->site_id == site_id && !memcmp(x->xtr_id, xtr_id, LISP_XTR_ID_LEN))
			return x;
	if (!create || !(x = calloc(1, sizeof(*x))))
		return NULL;
	memcpy(x->xtr_id, xtr_id, LISP_XTR_ID_LEN);
	x->site_id = site_id;
	x->next = *head;
	*head = x;
	return x;
}

static int free_chain(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	for (struct subscriber *s = value, *n; s; s = n) {
		n = s->next;
		free(s);
	}
	return 0;
}

void pubsub_free(struct pubsub *ps)
{
	if (!ps)
		return;
	mapdb_walk(ps->subs, NULL, free_chain, NULL);
	mapdb_free(ps->subs);
	for (size_t i = 0; i < XTR_BUCKETS; i++)
		for (struct xtr_subs *x = ps->xtrs[i], *n; x; x = n) {
			n = x->next;
			free(x);
		}
	free(ps);
}

size_t pubsub_count(const struct pubsub *ps)
{
	return ps->count;
}

const struct pubsub_counters *pubsub_counters(const struct pubsub *ps)
{
	return &ps->c;
}

/* A chain whose head went away: fixed after the walk. */
struct sweep_ctx {
	struct pubsub *ps;
	uint64_t now;
	struct lisp_prefix *prefix;
	struct subscriber **head;
	size_t n, cap;
};

static int sweep_chain(const struct lisp_prefix *p, void *value, void *arg)
{
	struct sweep_ctx *ctx = arg;
	struct subscriber *head = value, **sp = &head;

	while (*sp) {
		struct subscriber *s = *sp;

		if (ctx->now - s->renewed_ms <= ctx->ps->limits.lifetime_ms) {
			sp = &s->next;
			continue;
		}
		*sp = s->next;
		xtr_subs_get(ctx->ps, s->xtr_id, s->site_id, false)->count--;
		ctx->ps->count--;
		ctx->ps->c.subscriptions_dropped++;
		free(s);
	}
	if (head == value)
		return 0;
	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 64;
		struct lisp_prefix *np = realloc(ctx->prefix, cap * sizeof(*np));
		struct subscriber **nh = np ? realloc(ctx->head, cap * sizeof(*nh)) : NULL;

		if (np)
			ctx->prefix = np;
		if (!nh)
			return -ENOMEM;
		ctx->head = nh;
		ctx->cap = cap;
	}
	ctx->prefix[ctx->n] = *p;
	ctx->head[ctx->n++] = head;
	return 0;
}

/* Forgets the subscriptions not renewed within their lifetime. */
static void pubsub_sweep(struct pubsub *ps, uint64_t now)
{
	struct sweep_ctx ctx = { .ps = ps, .now = now };

	ps->last_sweep_ms = now;
	mapdb_walk(ps->subs, NULL, sweep_chain, &ctx);
	for (size_t i = 0; i < ctx.n; i++) {
		if (ctx.head[i])
			mapdb_insert(ps->subs, &ctx.prefix[i], ctx.head[i], NULL);
		else
			mapdb_remove(ps->subs, &ctx.prefix[i]);
	}
	free(ctx.prefix);
	free(ctx.head);
}

static bool subscribe_room(struct pubsub *ps, const struct xtr_subs *x, uint64_t now)
{
	bool full = ps->count >= ps->limits.max_subscriptions ||
		    x->count >= ps->limits.max_per_xtr;

	if (full && now - ps->last_sweep_ms >= 1000) {
		pubsub_sweep(ps, now);
		full = ps->count >= ps->limits.max_subscriptions ||
		       x->count >= ps->limits.max_per_xtr;
	}
	return !full;
}

/* Sends the current mapping of eid (or its absence) to one subscriber. */
static void notify_one(struct pubsub *ps, struct subscriber *s, const struct lisp_prefix *eid,
		       struct reg_eid *entry)
{
	struct lisp_map_register n = { .xtr_id_present = true, .record_count = 1 };
	struct lisp_record rec = { 0 };
	struct lisp_waddr inner;
	struct lisp_addr dst;

	lisp_arena_reset(&ps->arena);
	if (!entry || reg_eid_decode(entry, &ps->arena, &rec, NULL) < 0) {
		/* Gone: tell the subscriber to ask again rather than keep a
		 * mapping nobody registers any more. */
		memset(&rec, 0, sizeof(rec));
		lisp_waddr_from_prefix(&rec.eid, &inner, eid);
		rec.mask_len = eid->plen;
		rec.ttl = 1;
		rec.action = LISP_ACT_SEND_MAP_REQUEST;
	}
	n.records = &rec;
	n.nonce = ++s->nonce;
	memcpy(n.xtr_id, s->xtr_id, LISP_XTR_ID_LEN);
	n.site_id = s->site_id;
	lisp_ipaddr_to_addr(&s->rloc, &dst);
	if (s->sites_gen != map_server_sites_generation(ps->ms)) {
		s->site = map_server_xtr_site(ps->ms, s->xtr_id, s->site_id);
		s->sites_gen = map_server_sites_generation(ps->ms);
	}
	if (!s->site) {		/* its site went in a reload */
		ps->c.notifications_no_site++;
		return;
	}
	if (map_server_notify_subscriber(ps->ms, s->site, &dst, LISP_CONTROL_PORT, &n) == 0)
		ps->c.notifications_sent++;
}

int pubsub_subscribe(struct pubsub *ps, const struct lisp_prefix *eid,
		     const struct lisp_map_request *req, const struct lisp_addr *itr_rloc)
{
	struct reg_eid *entry = registry_lookup(map_server_registry(ps->ms), eid);
	const struct lisp_prefix *key = entry ? &entry->eid : eid;
	struct subscriber *head = mapdb_exact(ps->subs, key), *s;
	uint64_t now = evloop_now_ms(map_server_loop(ps->ms));
	struct xtr_subs *per_xtr;
	struct site *site;

	if (!req->xtr_id_present ||
	    !(site = map_server_xtr_site(ps->ms, req->xtr_id, req->site_id))) {
		ps->c.subscribe_refused++;
		return -EPERM;
	}
	for (s = head; s; s = s->next)
		if (!memcmp(s->xtr_id, req->xtr_id, LISP_XTR_ID_LEN) && s->site_id == req->site_id)
			break;
	if (!s) {
		per_xtr = xtr_subs_get(ps, req->xtr_id, req->site_id, true);
		if (!per_xtr)
			return -ENOMEM;
		if (!subscribe_room(ps, per_xtr, now)) {
			ps->c.subscribe_limited++;
			return -ENOSPC;
		}
		/* The sweep may have emptied this prefix's chain. */
		head = mapdb_exact(ps->subs, key);
		s = calloc(1, sizeof(*s));
		if (!s)
			return -ENOMEM;
		memcpy(s->xtr_id, req->xtr_id, LISP_XTR_ID_LEN);
		s->site_id = req->site_id;
		s->next = head;
		if (mapdb_insert(ps->subs, key, s, NULL) < 0) {
			free(s);
			return -ENOMEM;
		}
		ps->count++;
		per_xtr->count++;
		ps->c.subscriptions++;
	}
	/* A re-subscription refreshes where to send and the nonce base. */
	s->site = site;
	s->sites_gen = map_server_sites_generation(ps->ms);
	lisp_ipaddr_from_addr(&s->rloc, itr_rloc);
	s->nonce = req->nonce;
	s->renewed_ms = now;
	notify_one(ps, s, key, entry);
	return 0;
}

struct change_ctx {
	struct pubsub *ps;
	const struct lisp_prefix *eid;
	struct reg_eid *entry;
};

static int notify_chain(const struct lisp_prefix *p, void *value, void *arg)
{
	struct change_ctx *ctx = arg;

	(void)p;
	for (struct subscriber *s = value; s; s = s->next)
		notify_one(ctx->ps, s, ctx->eid, ctx->entry);
	return 0;
}

/*
 * Every subscription at or under the changed prefix hears about it, and so
 * does every subscription to a prefix that covers it: a subscriber of
 * 10.0.1.0/24 must learn that 10.0.1.20/32 is now registered elsewhere (an
 * agent that moved), or it keeps sending that host's traffic to the /24's
 * RLOCs.  It receives the more-specific record and caches it beside the
 * covering one (RFC 9437 section 5: the subscription covers the prefix's
 * more-specifics).
 */
static void pubsub_changed(void *arg, const struct lisp_prefix *eid, struct reg_eid *entry)
{
	struct pubsub *ps = arg;
	struct change_ctx ctx = { ps, eid, entry };

	mapdb_walk(ps->subs, eid, notify_chain, &ctx);
	for (int plen = (int)eid->plen - 1; plen >= 0; plen--) {
		struct lisp_prefix up = *eid;
		struct subscriber *head;

		up.plen = (uint8_t)plen;
		lisp_prefix_mask(&up);
		head = mapdb_exact(ps->subs, &up);
		if (head)
			notify_chain(&up, head, &ctx);
	}
}
