/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The subscriber side of LISP pub/sub (RFC 9437).  Our Map-Requests carry
 * the N bit and our xTR-ID; the Map-Server then sends a Map-Notify, signed
 * with the key of the site our ETR registers with, on every change of the
 * mapping.  We keep, per subscribed prefix, the last nonce of its series:
 * the Map-Server numbers its notifications from our request's nonce, one
 * up each time (RFC 9437, 5), and a notification that is not ahead of the
 * series is a replay (RFC 9437, 7): never applied.
 *
 * Which Map-Notifies are ours: those with our xTR-ID (or none) carrying a
 * record that covers or sits under a subscribed prefix.  The rest (the
 * acknowledgements of the co-located ETR's Map-Registers) are left to the
 * ETR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "itr_priv.h"
#include "lisp_auth.h"

/* Nonces of one series lie within this distance of each other; a random
 * nonce of another series is almost surely farther away. */
#define SERIES_SPAN	(1ull << 32)

struct itr_sub {
	struct lisp_prefix eid;
	uint64_t last_nonce;
};

static bool series_same(uint64_t a, uint64_t b)
{
	return a - b < SERIES_SPAN || b - a < SERIES_SPAN;
}

/* n comes after last in their series. */
static bool nonce_ahead(uint64_t n, uint64_t last)
{
	return n != last && n - last < SERIES_SPAN;
}

int itr_subs_init(struct itr *itr)
{
	itr->subs = mapdb_new();
	return itr->subs ? 0 : -ENOMEM;
}

static int sub_free_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	free(value);
	return 0;
}

void itr_subs_free(struct itr *itr)
{
	if (!itr->subs)
		return;
	mapdb_walk(itr->subs, NULL, sub_free_cb, NULL);
	mapdb_free(itr->subs);
	itr->subs = NULL;
}

void itr_sub_note(struct itr *itr, const struct lisp_prefix *eid, uint64_t nonce)
{
	struct itr_sub *s = mapdb_exact(itr->subs, eid);

	if (s) {
		if (!series_same(nonce, s->last_nonce) || nonce_ahead(nonce, s->last_nonce))
			s->last_nonce = nonce;
		return;
	}
	/* Bounded by what can need one: cached entries and resolutions. */
	if (itr->sub_count >= itr->params.cache.max_entries + itr->params.pending_max &&
	    itr->params.cache.max_entries)
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->eid = *eid;
	s->last_nonce = nonce;
	if (mapdb_insert(itr->subs, eid, s, NULL) < 0) {
		free(s);
		return;
	}
	itr->sub_count++;
}

uint64_t itr_sub_last(const struct itr *itr, const struct lisp_prefix *eid, uint64_t nonce)
{
	const struct itr_sub *s = mapdb_exact(itr->subs, eid);

	if (s && series_same(s->last_nonce, nonce) && nonce_ahead(s->last_nonce, nonce))
		return s->last_nonce;
	return nonce;
}

bool itr_sub_next_nonce(const struct itr *itr, const struct lisp_prefix *eid, uint64_t *nonce)
{
	const struct itr_sub *s = mapdb_longest(itr->subs, eid, NULL);

	if (!s || s->last_nonce + 1 == 0)
		return false;
	*nonce = s->last_nonce + 1;
	return true;
}

void itr_sub_drop(struct itr *itr, const struct lisp_prefix *eid)
{
	struct itr_sub *s = mapdb_remove(itr->subs, eid);

	if (s) {
		free(s);
		itr->sub_count--;
	}
}

/* ---- Map-Notify ------------------------------------------------------------------ */

/* The subscriptions a notified record concerns: the one covering it and
 * those under it. */
struct sub_match {
	struct itr_sub *v[8];
	unsigned int n;
};

static int sub_under_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	struct sub_match *m = arg;

	(void)p;
	if (m->n == sizeof(m->v) / sizeof(m->v[0]))
		return 1;
	m->v[m->n++] = value;
	return 0;
}

static void sub_related(struct itr *itr, const struct lisp_prefix *eid, struct sub_match *m)
{
	struct itr_sub *s = mapdb_longest(itr->subs, eid, NULL);

	m->n = 0;
	if (s)
		m->v[m->n++] = s;
	if (!s || !lisp_prefix_equal(&s->eid, eid))
		mapdb_walk(itr->subs, eid, sub_under_cb, m);
}

/* Index of the key the notify verifies with, -EACCES. */
static int notify_key(const struct itr *itr, const uint8_t *msg, size_t len)
{
	for (size_t i = 0; i < itr->params.ms_key_count; i++)
		if (lisp_auth_verify(msg, len, itr->params.ms_keys[i].key,
				     itr->params.ms_keys[i].key_len, NULL) == 0)
			return (int)i;
	return -EACCES;
}

static void notify_ack(struct itr *itr, struct lisp_map_register *n, const struct itr_key *key,
		       const struct lisp_addr *dst, uint16_t dst_port)
{
	struct lisp_err err;
	ssize_t len;

	/* RFC 9301, 5.7: the ack carries the notify's nonce and records,
	 * signed with the same key. */
	n->type = LISP_MAP_NOTIFY_ACK;
	n->auth_len = 0;
	len = lisp_map_register_encode(n, itr->out, ITR_MSG_MAX, &err);
	if (len < 0 || lisp_auth_sign(itr->out, (size_t)len, key->key, key->key_len, &err) < 0) {
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot build Map-Notify-Ack: %s",
				err.msg);
		return;
	}
	itr->send(itr->send_arg, dst, dst_port, itr->out, (size_t)len);
	itr->c.notify_acks_sent++;
}

/*
 * Where the notify stands in its subscription's series: 1 ahead (apply it;
 * the series moves on), 0 the last one again (a retransmission whose ack
 * was lost: acknowledge, do not apply), -1 stale or of no series we know
 * (a replay: drop silently, RFC 9437, 7).
 */
static int notify_fresh(struct itr *itr, const struct lisp_map_register *n)
{
	int best = -1;

	for (unsigned int i = 0; i < n->record_count; i++) {
		struct sub_match m;
		struct lisp_prefix eid;

		if (lisp_waddr_to_prefix(&n->records[i].eid, n->records[i].mask_len, &eid, NULL) < 0)
			continue;
		lisp_prefix_mask(&eid);
		sub_related(itr, &eid, &m);
		for (unsigned int j = 0; j < m.n; j++) {
			if (!series_same(n->nonce, m.v[j]->last_nonce))
				continue;
			if (nonce_ahead(n->nonce, m.v[j]->last_nonce)) {
				m.v[j]->last_nonce = n->nonce;
				best = 1;
			} else if (n->nonce == m.v[j]->last_nonce && best < 0) {
				best = 0;
			}
		}
	}
	return best;
}

static void notify_apply(struct itr *itr, const struct lisp_record *rec)
{
	struct mapcache_entry *e;
	struct lisp_prefix eid;
	struct sub_match m;
	struct lisp_err err;
	char txt[LISP_ADDR_STR_MAX];
	uint64_t last;

	if (lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &eid, NULL) < 0)
		return;
	lisp_prefix_mask(&eid);
	sub_related(itr, &eid, &m);
	if (!m.n)
		return;		/* a record we did not subscribe to */
	/* Read now: the update may evict an entry and drop its subscription. */
	last = m.v[0]->last_nonce;
	if (!rec->loc_count && rec->ttl && !itr->params.cache_negative) {
		itr->c.negative_skipped++;
		return;
	}
	if (mapcache_update(itr->cache, rec, MAPCACHE_SRC_PUBSUB, &e, &err) < 0) {
		lisp_prefix_format(&eid, txt, sizeof(txt));
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot cache notified %s: %s",
				txt, err.msg);
		return;
	}
	itr->c.notify_records_installed++;
	/* The notified prefix may be new to us (de-aggregation): it follows
	 * the same series. */
	if (e)
		itr_sub_note(itr, &eid, last);
}

bool itr_notify_input(struct itr *itr, const uint8_t *msg, size_t len,
		      const struct lisp_addr *src, uint16_t src_port)
{
	struct lisp_map_register n;
	struct lisp_err err;
	bool ours = false;
	int key, fresh;

	if (!itr->params.subscribe || !itr->sub_count)
		return false;
	lisp_arena_reset(&itr->arena);
	if (lisp_map_register_decode(msg, len, &itr->arena, &n, &err) < 0)
		return false;	/* cannot tell whose: the ETR counts it */
	if (n.xtr_id_present && memcmp(n.xtr_id, itr->params.xtr_id, LISP_XTR_ID_LEN) != 0)
		return false;
	for (unsigned int i = 0; i < n.record_count && !ours; i++) {
		struct lisp_prefix eid;
		struct sub_match m;

		if (lisp_waddr_to_prefix(&n.records[i].eid, n.records[i].mask_len, &eid, NULL) < 0)
			continue;
		lisp_prefix_mask(&eid);
		sub_related(itr, &eid, &m);
		ours = m.n > 0;
	}
	if (!ours)
		return false;
	itr->c.notifies_received++;
	key = notify_key(itr, msg, len);
	if (key < 0) {
		itr->c.notify_auth_failures++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN,
				"itr: Map-Notify that no Map-Server key authenticates dropped");
		return true;
	}
	fresh = notify_fresh(itr, &n);
	if (fresh < 0) {
		itr->c.notify_stale++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: replayed Map-Notify dropped");
		return true;
	}
	if (fresh > 0)
		for (unsigned int i = 0; i < n.record_count; i++)
			notify_apply(itr, &n.records[i]);
	else
		itr->c.notify_stale++;
	notify_ack(itr, &n, &itr->params.ms_keys[key], src, src_port);
	return true;
}
