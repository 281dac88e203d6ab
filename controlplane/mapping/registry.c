/* SPDX-License-Identifier: BSD-3-Clause */
#include "registry.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mapdb.h"

/* Scratch space for decoding the records of one entry while merging. */
#define MERGE_ARENA_BYTES	(256 * 1024)
#define RECORD_BYTES_MAX	8192

struct registry {
	struct mapdb *db;
	struct evloop *loop;
	registry_change_fn on_expire;
	void *arg;
	uint8_t *arena_buf;
	struct lisp_locator *merge_locs;	/* LISP_LOCATORS_MAX, merge scratch */
	uint8_t merge_buf[RECORD_BYTES_MAX];	/* the merged record being encoded */
};

static void xtr_expired(struct evtimer *t, void *arg);

struct registry *registry_new(struct evloop *loop, registry_change_fn on_expire, void *arg)
{
	struct registry *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->db = mapdb_new();
	r->arena_buf = malloc(MERGE_ARENA_BYTES);
	r->merge_locs = calloc(LISP_LOCATORS_MAX, sizeof(*r->merge_locs));
	if (!r->db || !r->arena_buf || !r->merge_locs) {
		mapdb_free(r->db);
		free(r->arena_buf);
		free(r->merge_locs);
		free(r);
		return NULL;
	}
	r->loop = loop;
	r->on_expire = on_expire;
	r->arg = arg;
	return r;
}

static void xtr_free(struct registry *r, struct reg_xtr *x)
{
	evtimer_cancel(r->loop, &x->expiry);
	free(x->record);
	free(x);
}

static void entry_free(struct registry *r, struct reg_eid *e)
{
	for (struct reg_xtr *x = e->xtrs, *next; x; x = next) {
		next = x->next;
		xtr_free(r, x);
	}
	free(e->merged);
	free(e);
}

static int free_entry_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	entry_free(arg, value);
	return 0;
}

void registry_free(struct registry *r)
{
	if (!r)
		return;
	mapdb_walk(r->db, NULL, free_entry_cb, r);
	mapdb_free(r->db);
	free(r->arena_buf);
	free(r->merge_locs);
	free(r);
}

bool reg_who_equal(const struct reg_who *a, const struct reg_who *b)
{
	if (a->has_xtr_id != b->has_xtr_id)
		return false;
	if (a->has_xtr_id)
		return memcmp(a->xtr_id, b->xtr_id, LISP_XTR_ID_LEN) == 0 && a->site_id == b->site_id;
	return lisp_ipaddr_equal(&a->src, &b->src) && a->src_port == b->src_port;
}

static bool locator_seen(const struct lisp_locator *locs, size_t n, const struct lisp_locator *l)
{
	const struct lisp_addr *a = lisp_waddr_rloc(&l->addr);

	for (size_t i = 0; i < n; i++) {
		const struct lisp_addr *b = lisp_waddr_rloc(&locs[i].addr);

		if (a && b && lisp_addr_equal(a, b))
			return true;
	}
	return false;
}

/*
 * Rebuilds the merged record: the union of every xTR's locators (the first
 * registration of an RLOC wins), the smallest TTL, the highest map-version.
 * Returns whether the encoded result differs from the previous one.
 */
static int entry_merge(struct registry *r, struct reg_eid *e, bool *changed,
		       struct lisp_err *err)
{
	struct lisp_locator *locs = r->merge_locs;
	struct lisp_record merged = { 0 }, rec;
	struct lisp_waddr inner;
	struct lisp_arena a;
	struct wire_rd rd;
	struct wire_wr w;
	uint8_t *buf;
	size_t n = 0;
	int rc;

	lisp_arena_init(&a, r->arena_buf, MERGE_ARENA_BYTES);
	merged.ttl = UINT32_MAX;
	e->proxy_reply = false;
	for (struct reg_xtr *x = e->xtrs; x; x = x->next) {
		wire_rd_init(&rd, x->record, x->record_len);
		rc = lisp_record_decode(&rd, &a, &rec, err);
		if (rc < 0)
			return rc;
		if (rec.ttl < merged.ttl)
			merged.ttl = rec.ttl;
		if (rec.map_version > merged.map_version)
			merged.map_version = rec.map_version;
		for (unsigned int i = 0; i < rec.loc_count && n < LISP_LOCATORS_MAX; i++)
			if (!locator_seen(locs, n, &rec.locs[i]))
				locs[n++] = rec.locs[i];
		e->proxy_reply |= x->proxy_reply;
	}
	lisp_waddr_from_prefix(&merged.eid, &inner, &e->eid);
	merged.mask_len = e->eid.plen;
	merged.action = LISP_ACT_NO_ACTION;
	/* RFC 9301, 5.4: a Map-Server replying for a site is not authoritative. */
	merged.authoritative = false;
	merged.loc_count = (uint8_t)n;
	merged.locs = locs;
	wire_wr_init(&w, r->merge_buf, RECORD_BYTES_MAX);
	rc = lisp_record_encode(&w, &merged, err);
	if (rc < 0)
		return rc;
	*changed = !e->merged || e->merged_len != wire_wr_len(&w) ||
		   memcmp(e->merged, r->merge_buf, e->merged_len) != 0;
	if (!*changed)
		return 0;
	buf = malloc(wire_wr_len(&w));
	if (!buf)
		return lisp_err_set(err, ENOMEM, "out of memory");
	memcpy(buf, r->merge_buf, wire_wr_len(&w));
	free(e->merged);
	e->merged = buf;
	e->merged_len = wire_wr_len(&w);
	e->merged_loc_count = (uint8_t)n;
	e->merged_ttl = merged.ttl;
	e->version++;
	return 0;
}

static int record_copy(const struct lisp_record *rec, uint8_t **out, size_t *len,
		       struct lisp_err *err)
{
	uint8_t buf[RECORD_BYTES_MAX];
	struct wire_wr w;
	int rc;

	wire_wr_init(&w, buf, sizeof(buf));
	rc = lisp_record_encode(&w, rec, err);
	if (rc < 0)
		return rc;
	*out = malloc(wire_wr_len(&w));
	if (!*out)
		return lisp_err_set(err, ENOMEM, "out of memory");
	memcpy(*out, buf, wire_wr_len(&w));
	*len = wire_wr_len(&w);
	return 0;
}

int registry_record_check(const struct lisp_record *rec, struct lisp_err *err)
{
	uint8_t buf[RECORD_BYTES_MAX];
	struct wire_wr w;

	wire_wr_init(&w, buf, sizeof(buf));
	return lisp_record_encode(&w, rec, err);
}

int registry_update(struct registry *r, const struct lisp_prefix *eid,
		    const struct lisp_record *rec, const struct reg_who *who, struct site *site,
		    bool proxy_reply, bool want_notify, uint64_t now_ms, uint64_t lifetime_ms,
		    struct reg_eid **entry, bool *changed, struct lisp_err *err)
{
	struct reg_eid *e = mapdb_exact(r->db, eid);
	struct reg_xtr *x = NULL;
	uint8_t *bytes;
	size_t len;
	bool created = false;
	int rc;

	*changed = false;
	rc = record_copy(rec, &bytes, &len, err);
	if (rc < 0)
		return rc;
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e) {
			free(bytes);
			return lisp_err_set(err, ENOMEM, "out of memory");
		}
		e->eid = *eid;
		rc = mapdb_insert(r->db, eid, e, NULL);
		if (rc < 0) {
			free(e);
			free(bytes);
			return lisp_err_set(err, -rc, "cannot index EID");
		}
		created = true;
	}
	for (x = e->xtrs; x && !reg_who_equal(&x->who, who); x = x->next)
		;
	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x) {
			free(bytes);
			if (created) {
				mapdb_remove(r->db, eid);
				free(e);
			}
			return lisp_err_set(err, ENOMEM, "out of memory");
		}
		x->who = *who;
		x->entry = e;
		x->registry = r;
		x->registered_ms = now_ms;
		evtimer_init(&x->expiry, xtr_expired, x);
		x->next = e->xtrs;
		e->xtrs = x;
	}
	free(x->record);
	x->record = bytes;
	x->record_len = len;
	x->loc_count = rec->loc_count;
	x->site = site;
	x->proxy_reply = proxy_reply;
	x->want_notify = want_notify;
	x->refreshed_ms = now_ms;
	x->expires_ms = now_ms + lifetime_ms;
	evtimer_arm(r->loop, &x->expiry, lifetime_ms);
	rc = entry_merge(r, e, changed, err);
	if (rc < 0)
		return rc;
	*entry = e;
	return 0;
}

bool registry_remove_xtr(struct registry *r, struct reg_eid **entry, struct reg_xtr *x)
{
	struct reg_eid *e = *entry;
	struct reg_xtr **pp;
	bool changed = true;

	for (pp = &e->xtrs; *pp && *pp != x; pp = &(*pp)->next)
		;
	if (!*pp)
		return false;
	*pp = x->next;
	xtr_free(r, x);
	if (!e->xtrs) {
		mapdb_remove(r->db, &e->eid);
		entry_free(r, e);
		*entry = NULL;
		return true;
	}
	/* A failed re-merge keeps the previous merged record: better a stale
	 * RLOC for one TTL than a mapping that vanishes. */
	if (entry_merge(r, e, &changed, NULL) < 0)
		return false;
	return changed;
}

static void xtr_expired(struct evtimer *t, void *arg)
{
	struct reg_xtr *x = arg;
	struct registry *r = x->registry;
	struct reg_eid *e = x->entry;
	struct lisp_prefix eid = e->eid;

	(void)t;
	if (registry_remove_xtr(r, &e, x) && r->on_expire)
		r->on_expire(r->arg, &eid, e);
}

struct reg_eid *registry_lookup(const struct registry *r, const struct lisp_prefix *eid)
{
	return mapdb_longest(r->db, eid, NULL);
}

struct reg_eid *registry_exact(const struct registry *r, const struct lisp_prefix *eid)
{
	return mapdb_exact(r->db, eid);
}

size_t registry_count(const struct registry *r)
{
	return mapdb_count(r->db);
}

struct mapdb *registry_db(const struct registry *r)
{
	return r->db;
}

int reg_eid_decode(const struct reg_eid *e, struct lisp_arena *a, struct lisp_record *out,
		   struct lisp_err *err)
{
	struct wire_rd rd;

	wire_rd_init(&rd, e->merged, e->merged_len);
	return lisp_record_decode(&rd, a, out, err);
}
