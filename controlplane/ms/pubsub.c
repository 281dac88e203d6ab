/* SPDX-License-Identifier: BSD-3-Clause */
#include "pubsub.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

#define PUBSUB_ARENA_BYTES (64 * 1024)

struct subscriber {
	struct subscriber *next;
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
	struct site *site;
	struct lisp_addr rloc;
	uint64_t nonce;		/* RFC 9437: each notification increments it */
};

struct pubsub {
	struct map_server *ms;
	struct mapdb *subs;	/* subscribed prefix -> subscriber chain */
	size_t count;
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
	return ps;
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

/* Sends the current mapping of eid (or its absence) to one subscriber. */
static void notify_one(struct pubsub *ps, struct subscriber *s, const struct lisp_prefix *eid,
		       struct reg_eid *entry)
{
	struct lisp_map_register n = { .xtr_id_present = true, .record_count = 1 };
	struct lisp_record rec = { 0 };
	struct lisp_waddr inner;

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
	if (map_server_notify(ps->ms, s->site, &s->rloc, LISP_CONTROL_PORT, &n, true) == 0)
		ps->c.notifications_sent++;
}

int pubsub_subscribe(struct pubsub *ps, const struct lisp_prefix *eid,
		     const struct lisp_map_request *req, const struct lisp_addr *itr_rloc)
{
	struct reg_eid *entry = registry_lookup(map_server_registry(ps->ms), eid);
	const struct lisp_prefix *key = entry ? &entry->eid : eid;
	struct subscriber *head = mapdb_exact(ps->subs, key), *s;
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
		ps->c.subscriptions++;
	}
	/* A re-subscription refreshes where to send and the nonce base. */
	s->site = site;
	s->rloc = *itr_rloc;
	s->nonce = req->nonce;
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
