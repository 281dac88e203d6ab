/* SPDX-License-Identifier: BSD-3-Clause */
#include "mapcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

#define MAPCACHE_HEAP_NONE	SIZE_MAX
#define MS_PER_MIN		60000ull
/* RFC 9301, 5.4: TTL 0xffffffff lets the recipient decide; 8.1 makes one
 * day the default TTL, which is also our default cap. */
#define MAPCACHE_TTL_LOCAL	0xffffffffu
#define MAPCACHE_TTL_MAX_DEF	(1440 * MS_PER_MIN)

struct mapcache_observer {
	mapcache_observer_fn fn;
	void *arg;
};

struct mapcache {
	struct evloop *loop;
	struct mapcache_params params;
	mapcache_refresh_fn refresh;
	void *refresh_arg;
	mapcache_rank_fn rank;
	void *rank_arg;
	struct lisp_locator *rank_locs;		/* LISP_LOCATORS_MAX, ranking scratch */
	struct mapdb *db;
	/* Non-static entries by expiry: the top expires (or is evicted) next. */
	struct mapcache_entry **heap;
	size_t heap_len, heap_cap;
	struct evtimer expiry;
	struct mapcache_observer observers[MAPCACHE_OBSERVERS_MAX];
	unsigned int observer_count;
	struct mapcache_counters c;
	uint8_t *buf;			/* MAPCACHE_RECORD_MAX, for encoding */
};

void mapcache_set_limits(struct mapcache *mc, size_t max_entries, uint64_t refresh_ms)
{
	mc->params.max_entries = max_entries;
	mc->params.refresh_ms = refresh_ms;
}

void mapcache_params_default(struct mapcache_params *p)
{
	p->max_entries = 100000;
	p->ttl_max_ms = MAPCACHE_TTL_MAX_DEF;
	p->refresh_ms = 60000;
}

static void mapcache_expire(struct evtimer *t, void *arg);

struct mapcache *mapcache_new(struct evloop *loop, const struct mapcache_params *params,
			      mapcache_refresh_fn refresh, void *refresh_arg)
{
	struct mapcache *mc = calloc(1, sizeof(*mc));

	if (!mc)
		return NULL;
	evtimer_init(&mc->expiry, mapcache_expire, mc);	/* before any mapcache_free */
	mc->loop = loop;
	mc->params = *params;
	if (!mc->params.ttl_max_ms)
		mc->params.ttl_max_ms = MAPCACHE_TTL_MAX_DEF;
	mc->refresh = refresh;
	mc->refresh_arg = refresh_arg;
	mc->db = mapdb_new();
	mc->buf = malloc(MAPCACHE_RECORD_MAX);
	if (!mc->db || !mc->buf) {
		mapcache_free(mc);
		return NULL;
	}
	return mc;
}

static void entry_free(struct mapcache_entry *e)
{
	evtimer_cancel(e->mc->loop, &e->refresh);
	free(e->rlocs);
	free(e->record);
	free(e);
}

static int entry_free_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	entry_free(value);
	return 0;
}

void mapcache_free(struct mapcache *mc)
{
	if (!mc)
		return;
	evtimer_cancel(mc->loop, &mc->expiry);
	if (mc->db) {
		mapdb_walk(mc->db, NULL, entry_free_cb, NULL);
		mapdb_free(mc->db);
	}
	free(mc->heap);
	free(mc->buf);
	free(mc->rank_locs);
	free(mc);
}

int mapcache_set_ranker(struct mapcache *mc, mapcache_rank_fn fn, void *arg)
{
	if (fn && !mc->rank_locs) {
		mc->rank_locs = calloc(LISP_LOCATORS_MAX, sizeof(*mc->rank_locs));
		if (!mc->rank_locs)
			return -ENOMEM;
	}
	mc->rank = fn;
	mc->rank_arg = arg;
	return 0;
}

int mapcache_observe(struct mapcache *mc, mapcache_observer_fn fn, void *arg)
{
	if (mc->observer_count == MAPCACHE_OBSERVERS_MAX)
		return -ENOSPC;
	mc->observers[mc->observer_count++] = (struct mapcache_observer){ fn, arg };
	return 0;
}

int mapcache_unobserve(struct mapcache *mc, mapcache_observer_fn fn, void *arg)
{
	for (unsigned int i = 0; i < mc->observer_count; i++)
		if (mc->observers[i].fn == fn && mc->observers[i].arg == arg) {
			mc->observers[i] = mc->observers[--mc->observer_count];
			return 0;
		}
	return -ENOENT;
}

static void emit(struct mapcache *mc, enum mapcache_event_type type,
		 enum mapcache_remove_reason reason, const struct mapcache_entry *e,
		 unsigned int rloc)
{
	struct mapcache_event ev = { .type = type, .reason = reason, .entry = e, .rloc = rloc };

	for (unsigned int i = 0; i < mc->observer_count; i++)
		mc->observers[i].fn(mc->observers[i].arg, &ev);
}

size_t mapcache_count(const struct mapcache *mc)
{
	return mapdb_count(mc->db);
}

const struct mapcache_counters *mapcache_counters(const struct mapcache *mc)
{
	return &mc->c;
}

bool mapcache_entry_is_static(const struct mapcache_entry *e)
{
	return e->source == MAPCACHE_SRC_STATIC || e->source == MAPCACHE_SRC_API;
}

const char *mapcache_source_name(enum mapcache_source src)
{
	switch (src) {
	case MAPCACHE_SRC_MAP_REPLY:
		return "map-reply";
	case MAPCACHE_SRC_PUBSUB:
		return "pubsub";
	case MAPCACHE_SRC_STATIC:
		return "static";
	case MAPCACHE_SRC_API:
		return "api";
	}
	return "unknown";
}

/* ---- the expiry heap -------------------------------------------------------- */

static bool heap_less(const struct mapcache *mc, size_t a, size_t b)
{
	return mc->heap[a]->expires_ms < mc->heap[b]->expires_ms;
}

static void heap_swap(struct mapcache *mc, size_t a, size_t b)
{
	struct mapcache_entry *t = mc->heap[a];

	mc->heap[a] = mc->heap[b];
	mc->heap[b] = t;
	mc->heap[a]->heap_idx = a;
	mc->heap[b]->heap_idx = b;
}

static void heap_up(struct mapcache *mc, size_t i)
{
	while (i > 0 && heap_less(mc, i, (i - 1) / 2)) {
		heap_swap(mc, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void heap_down(struct mapcache *mc, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < mc->heap_len && heap_less(mc, l, m))
			m = l;
		if (r < mc->heap_len && heap_less(mc, r, m))
			m = r;
		if (m == i)
			return;
		heap_swap(mc, i, m);
		i = m;
	}
}

static void heap_rearm(struct mapcache *mc)
{
	if (mc->heap_len)
		evtimer_arm_at(mc->loop, &mc->expiry, mc->heap[0]->expires_ms);
	else
		evtimer_cancel(mc->loop, &mc->expiry);
}

static int heap_push(struct mapcache *mc, struct mapcache_entry *e)
{
	if (mc->heap_len == mc->heap_cap) {
		size_t cap = mc->heap_cap ? 2 * mc->heap_cap : 64;
		struct mapcache_entry **h = realloc(mc->heap, cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		mc->heap = h;
		mc->heap_cap = cap;
	}
	e->heap_idx = mc->heap_len;
	mc->heap[mc->heap_len++] = e;
	heap_up(mc, e->heap_idx);
	return 0;
}

static void heap_remove(struct mapcache *mc, struct mapcache_entry *e)
{
	size_t i = e->heap_idx;

	if (i == MAPCACHE_HEAP_NONE)
		return;
	e->heap_idx = MAPCACHE_HEAP_NONE;
	if (i != --mc->heap_len) {
		mc->heap[i] = mc->heap[mc->heap_len];
		mc->heap[i]->heap_idx = i;
		heap_up(mc, i);
		heap_down(mc, mc->heap[i]->heap_idx);
	}
}

/* ---- entries ------------------------------------------------------------------ */

static void entry_remove(struct mapcache *mc, struct mapcache_entry *e,
			 enum mapcache_remove_reason reason)
{
	mapdb_remove(mc->db, &e->eid);
	heap_remove(mc, e);
	emit(mc, MAPCACHE_EV_REMOVE, reason, e, 0);
	entry_free(e);
}

static void mapcache_expire(struct evtimer *t, void *arg)
{
	struct mapcache *mc = arg;
	uint64_t now = evloop_now_ms(mc->loop);

	(void)t;
	while (mc->heap_len && mc->heap[0]->expires_ms <= now) {
		mc->c.expired++;
		entry_remove(mc, mc->heap[0], MAPCACHE_RM_EXPIRED);
	}
	heap_rearm(mc);
}

static void entry_refresh_fire(struct evtimer *t, void *arg)
{
	struct mapcache_entry *e = arg;

	(void)t;
	if (e->mc->refresh)
		e->mc->refresh(e->mc->refresh_arg, e);
}

static bool source_is_static(enum mapcache_source src)
{
	return src == MAPCACHE_SRC_STATIC || src == MAPCACHE_SRC_API;
}

/* The decoded view of the record's unicast RLOCs.  Probe state carries over
 * from the previous view for addresses that stay, so a re-registration does
 * not forget what probing learnt; the R bit of the new record decides
 * whether an RLOC starts up (RFC 9301, 5.4: R clear means unreachable). */
static struct mapcache_rloc *rlocs_build(const struct lisp_record *rec,
					 const struct mapcache_entry *old, uint8_t *count)
{
	struct mapcache_rloc *v = NULL;
	uint8_t n = 0;

	*count = 0;
	if (rec->loc_count) {
		v = calloc(rec->loc_count, sizeof(*v));
		if (!v)
			return NULL;
	}
	for (unsigned int i = 0; i < rec->loc_count; i++) {
		const struct lisp_locator *loc = &rec->locs[i];
		const struct lisp_addr *a = lisp_waddr_rloc(&loc->addr);
		struct mapcache_rloc *r = &v[n];
		int prev;

		if (!a)
			continue;
		r->addr = *a;
		r->priority = loc->priority;
		r->weight = loc->weight;
		r->mpriority = loc->mpriority;
		r->mweight = loc->mweight;
		r->flags = loc->flags;
		r->loc_index = (uint8_t)i;
		r->has_attrs = lisp_waddr_json(&loc->addr) != NULL;
		r->up = loc->flags & LISP_LOC_F_REACH;
		prev = old ? mapcache_rloc_find(old, a) : -ENOENT;
		if (prev >= 0) {
			const struct mapcache_rloc *o = &old->rlocs[prev];

			r->rtt_us = o->rtt_us;
			r->probe_failures = o->probe_failures;
			r->probe_nonce = o->probe_nonce;
			r->last_reply_ms = o->last_reply_ms;
			if (r->up)
				r->up = o->up;
		}
		n++;
	}
	*count = n;
	if (!v)
		v = calloc(1, sizeof(*v));	/* non-NULL: NULL means out of memory */
	return v;
}

static uint64_t ttl_ms(const struct mapcache *mc, uint32_t ttl_min)
{
	if (ttl_min == MAPCACHE_TTL_LOCAL || ttl_min > mc->params.ttl_max_ms / MS_PER_MIN)
		return mc->params.ttl_max_ms;
	return ttl_min * MS_PER_MIN;
}

/* Restarts the entry's lifetime: heap position, expiry timer, refresh. */
static int entry_arm(struct mapcache *mc, struct mapcache_entry *e, uint64_t now)
{
	uint64_t life, lead;

	evtimer_cancel(mc->loop, &e->refresh);
	if (mapcache_entry_is_static(e)) {
		e->expires_ms = MAPCACHE_NEVER;
		heap_remove(mc, e);
		heap_rearm(mc);
		return 0;
	}
	life = ttl_ms(mc, e->ttl_min);
	e->expires_ms = now + life;
	if (e->heap_idx == MAPCACHE_HEAP_NONE) {
		if (heap_push(mc, e) < 0)
			return -ENOMEM;
	} else {
		heap_up(mc, e->heap_idx);
		heap_down(mc, e->heap_idx);
	}
	heap_rearm(mc);
	/* Refresh positive entries only: a negative one is asked for again at
	 * the next miss, and refreshing it would keep every miss alive for
	 * ever.  Never later than half-way, so short TTLs get refreshed too. */
	if (mc->refresh && mc->params.refresh_ms && e->loc_count) {
		lead = mc->params.refresh_ms < life / 2 ? mc->params.refresh_ms : life / 2;
		evtimer_arm_at(mc->loop, &e->refresh, e->expires_ms - lead);
	}
	return 0;
}

/* Makes room for one more entry: the one closest to expiry goes. */
static int make_room(struct mapcache *mc)
{
	if (!mc->params.max_entries || mapdb_count(mc->db) < mc->params.max_entries)
		return 0;
	if (!mc->heap_len) {
		mc->c.full_refused++;
		return -ENOSPC;
	}
	mc->c.evicted++;
	entry_remove(mc, mc->heap[0], MAPCACHE_RM_EVICTED);
	heap_rearm(mc);
	return 0;
}

int mapcache_update(struct mapcache *mc, const struct lisp_record *rec,
		    enum mapcache_source src, struct mapcache_entry **out, struct lisp_err *err)
{
	uint64_t now = evloop_now_ms(mc->loop);
	struct mapcache_entry *e;
	struct mapcache_rloc *rlocs;
	struct lisp_prefix eid;
	struct wire_wr w;
	uint8_t *record, rloc_count;
	size_t len;
	struct lisp_record ranked;
	bool fresh;
	int rc;

	if (out)
		*out = NULL;
	rc = lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &eid, err);
	if (rc < 0)
		return rc;
	/* The mask-len rules, not the sender, decide the key: host bits past
	 * it are not part of the prefix (and the trie needs them clear). */
	lisp_prefix_mask(&eid);
	e = mapdb_exact(mc->db, &eid);
	if (e && mapcache_entry_is_static(e) && !source_is_static(src)) {
		/* Configuration outranks the mapping system. */
		mc->c.static_kept++;
		if (out)
			*out = e;
		return lisp_err_set(err, EEXIST, "a static entry holds this EID");
	}
	if (rec->ttl == 0 && !source_is_static(src)) {
		/* RFC 9301, 5.4: TTL 0 removes the entry at once. */
		if (e) {
			mc->c.withdrawn++;
			entry_remove(mc, e, MAPCACHE_RM_WITHDRAWN);
			heap_rearm(mc);
		}
		return 0;
	}
	if (mc->rank && mc->rank_locs && !source_is_static(src) && rec->loc_count) {
		/* What the mapping system sent is ranked by the owner's policy
		 * (CATS, docs/cats.md) before it is kept; configuration keeps
		 * what it says. */
		uint8_t prio[LISP_LOCATORS_MAX], weight[LISP_LOCATORS_MAX];

		mc->rank(mc->rank_arg, rec, prio, weight);
		ranked = *rec;
		for (unsigned int i = 0; i < rec->loc_count; i++) {
			mc->rank_locs[i] = rec->locs[i];
			mc->rank_locs[i].priority = prio[i];
			mc->rank_locs[i].weight = weight[i];
		}
		ranked.locs = mc->rank_locs;
		rec = &ranked;
	}
	wire_wr_init(&w, mc->buf, MAPCACHE_RECORD_MAX);
	rc = lisp_record_encode(&w, rec, err);
	if (rc == -ENOSPC)	/* too big, not full: the caller's input is wrong */
		return lisp_err_set(err, EMSGSIZE, "the record encodes to over %d bytes, more "
				    "than a map-cache entry holds: fewer rlocs or shorter "
				    "attributes", MAPCACHE_RECORD_MAX);
	if (rc < 0)
		return rc;
	len = wire_wr_len(&w);
	if (e && e->record_len == len && !memcmp(e->record, mc->buf, len)) {
		/* The same mapping again (a refresh, or a notify confirming a
		 * reply): only its lifetime starts over. */
		mc->c.refreshed++;
		e->source = src;
		e->updated_ms = now;
		if (out)
			*out = e;
		return entry_arm(mc, e, now);
	}
	record = malloc(len);
	rlocs = rlocs_build(rec, e, &rloc_count);
	if (!record || !rlocs) {
		free(record);
		free(rlocs);
		return lisp_err_set(err, ENOMEM, "out of memory");
	}
	memcpy(record, mc->buf, len);
	fresh = !e;
	if (fresh) {
		rc = make_room(mc);
		e = rc < 0 ? NULL : calloc(1, sizeof(*e));
		if (!e || (rc = mapdb_insert(mc->db, &eid, e, NULL)) < 0) {
			free(e);
			free(record);
			free(rlocs);
			return rc < 0 ? lisp_err_set(err, -rc, "map-cache full of static entries")
				      : lisp_err_set(err, ENOMEM, "out of memory");
		}
		e->mc = mc;
		e->eid = eid;
		e->heap_idx = MAPCACHE_HEAP_NONE;
		e->created_ms = now;
		evtimer_init(&e->refresh, entry_refresh_fire, e);
	} else {
		free(e->record);
		free(e->rlocs);
	}
	e->source = src;
	e->action = rec->action;
	e->authoritative = rec->authoritative;
	e->map_version = rec->map_version;
	e->ttl_min = rec->ttl;
	e->updated_ms = now;
	e->version++;
	e->loc_count = rec->loc_count;
	e->rloc_count = rloc_count;
	e->rlocs = rlocs;
	e->record = record;
	e->record_len = len;
	rc = entry_arm(mc, e, now);
	if (rc < 0) {
		entry_remove(mc, e, MAPCACHE_RM_DELETED);
		return lisp_err_set(err, ENOMEM, "out of memory");
	}
	if (fresh) {
		mc->c.inserted++;
		emit(mc, MAPCACHE_EV_ADD, MAPCACHE_RM_NONE, e, 0);
	} else {
		mc->c.updated++;
		emit(mc, MAPCACHE_EV_UPDATE, MAPCACHE_RM_NONE, e, 0);
	}
	if (out)
		*out = e;
	return 0;
}

int mapcache_delete(struct mapcache *mc, const struct lisp_prefix *eid)
{
	struct mapcache_entry *e = mapdb_exact(mc->db, eid);

	if (!e)
		return -ENOENT;
	mc->c.deleted++;
	entry_remove(mc, e, MAPCACHE_RM_DELETED);
	heap_rearm(mc);
	return 0;
}

struct collect {
	struct mapcache_entry **v;
	size_t n;
	bool keep_static;
};

static int collect_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	struct collect *c = arg;

	(void)p;
	if (!c->keep_static || !mapcache_entry_is_static(value))
		c->v[c->n++] = value;
	return 0;
}

void mapcache_flush(struct mapcache *mc, bool keep_static)
{
	struct collect c = { .keep_static = keep_static };

	/* Collected first: removing while the trie is walked is not allowed. */
	c.v = malloc((mapdb_count(mc->db) + 1) * sizeof(*c.v));
	if (!c.v)
		return;
	mapdb_walk(mc->db, NULL, collect_cb, &c);
	for (size_t i = 0; i < c.n; i++) {
		mc->c.deleted++;
		entry_remove(mc, c.v[i], MAPCACHE_RM_FLUSHED);
	}
	free(c.v);
	heap_rearm(mc);
}

struct mapcache_entry *mapcache_lookup(const struct mapcache *mc, const struct lisp_prefix *eid)
{
	return mapdb_longest(mc->db, eid, NULL);
}

struct mapcache_entry *mapcache_exact(const struct mapcache *mc, const struct lisp_prefix *eid)
{
	return mapdb_exact(mc->db, eid);
}

struct walk_ctx {
	mapcache_walk_fn fn;
	void *arg;
};

static int walk_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	struct walk_ctx *w = arg;

	(void)p;
	return w->fn(value, w->arg);
}

int mapcache_walk(const struct mapcache *mc, const struct lisp_prefix *under,
		  mapcache_walk_fn fn, void *arg)
{
	struct walk_ctx w = { fn, arg };

	return mapdb_walk(mc->db, under, walk_cb, &w);
}

/* ---- RLOC state ----------------------------------------------------------------- */

int mapcache_rloc_find(const struct mapcache_entry *e, const struct lisp_addr *addr)
{
	for (unsigned int i = 0; i < e->rloc_count; i++)
		if (lisp_addr_equal(&e->rlocs[i].addr, addr))
			return (int)i;
	return -ENOENT;
}

void mapcache_rloc_reachable(struct mapcache *mc, struct mapcache_entry *e, unsigned int idx,
			     uint32_t rtt_us, uint64_t now_ms)
{
	struct mapcache_rloc *r = &e->rlocs[idx];
	bool was_up = r->up;

	r->rtt_us = rtt_us ? rtt_us : 1;	/* 0 reads "never measured" */
	r->probe_failures = 0;
	r->last_reply_ms = now_ms;
	r->up = true;
	if (!was_up) {
		mc->c.rlocs_up++;
		emit(mc, MAPCACHE_EV_RLOC, MAPCACHE_RM_NONE, e, idx);
	}
}

void mapcache_rloc_unanswered(struct mapcache *mc, struct mapcache_entry *e, unsigned int idx,
			      unsigned int limit)
{
	struct mapcache_rloc *r = &e->rlocs[idx];

	r->probe_failures++;
	if (r->up && r->probe_failures >= limit) {
		r->up = false;
		mc->c.rlocs_down++;
		emit(mc, MAPCACHE_EV_RLOC, MAPCACHE_RM_NONE, e, idx);
	}
}
