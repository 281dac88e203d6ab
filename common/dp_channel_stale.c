/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one place the data plane forgets stale state
 * (docs/dataplane-channel.md, "Stale entries: one mechanism"): the key
 * tracker that knows every key installed and the resync that last
 * confirmed it, the sweep at RESYNC_END and FLUSH, and the grace period
 * of the stale keys the caller's policy keeps.  Main lcore only, inside
 * dp_channel_server_poll().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dp_channel_server_priv.h"

uint64_t dp_channel_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- the key tracker ------------------------------------------------------------ */

uint32_t dp_channel_key_hash(const struct dp_msg_key *k)
{
	uint64_t a, b, c, h;

	memcpy(&a, (const uint8_t *)k, 8);
	memcpy(&b, (const uint8_t *)k + 8, 8);
	memcpy(&c, (const uint8_t *)k + 16, 8);
	/* Two rounds of a 64-bit multiply-xorshift mixer (splitmix64's
	 * finaliser): cheap, and every key bit reaches the low bits we index
	 * with. */
	h = a * 0x9e3779b97f4a7c15ull ^ b;
	h = (h ^ (h >> 31)) * 0xbf58476d1ce4e5b9ull ^ c;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)(h ^ (h >> 32));
}

static bool key_eq(const struct dp_msg_key *a, const struct dp_msg_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

struct trk_slot *dp_channel_trk_find(const struct trk *t, const struct dp_msg_key *k, uint32_t h)
{
	size_t mask = t->cap - 1;

	if (!t->cap)
		return NULL;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		struct trk_slot *s = &t->v[i];

		if (!s->mark)
			return NULL;
		if (s->hash == h && key_eq(&s->key, k))
			return s;
	}
}

void dp_channel_trk_place(struct trk *t, const struct dp_msg_key *k, uint32_t h, uint32_t mark)
{
	size_t mask = t->cap - 1, i = h & mask;

	while (t->v[i].mark)
		i = (i + 1) & mask;
	t->v[i].key = *k;
	t->v[i].hash = h;
	t->v[i].mark = mark;
	t->count++;
}

/* Room for one more key without exceeding 3/4: 0 or -ENOMEM. */
int dp_channel_trk_reserve(struct trk *t)
{
	struct trk_slot *old = t->v;
	size_t old_cap = t->cap, cap;

	if ((t->count + 1) * 4 <= t->cap * 3)
		return 0;
	cap = t->cap ? t->cap * 2 : TRK_CAP_MIN;
	t->v = calloc(cap, sizeof(*t->v));
	if (!t->v) {
		t->v = old;
		return -ENOMEM;
	}
	t->cap = cap;
	t->count = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].mark)
			dp_channel_trk_place(t, &old[i].key, old[i].hash, old[i].mark);
	free(old);
	return 0;
}

/* Empties slot i, shifting back the entries of its cluster that may move
 * (those whose home is not between i and their slot). */
void dp_channel_trk_del_at(struct trk *t, size_t i)
{
	size_t mask = t->cap - 1, j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!t->v[j].mark)
			break;
		home = t->v[j].hash & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->v[i] = t->v[j];
			i = j;
		}
	}
	t->v[i].mark = 0;
	t->count--;
}

/* ---- stale keys and their grace period -------------------------------------------- */

static uint64_t clock_now(const struct dp_channel_server *s)
{
	return s->p.clock_ns ? s->p.clock_ns() : dp_channel_now_ns();
}

static void grace_compact(struct dp_channel_server *s);

/* Puts a key in its grace period, grace_ms from now, waiting while its slot
 * holds mark (TRK_GRACE: the slot is marked so); false when the list
 * cannot grow. */
static bool grace_add(struct dp_channel_server *s, struct trk_slot *slot, uint32_t grace_ms,
		      uint32_t mark)
{
	if (s->n_grace == s->cap_grace) {
		size_t cap = s->cap_grace ? s->cap_grace * 2 : 256;
		struct grace_ent *n = realloc(s->grace, cap * sizeof(*n));

		if (!n)
			return false;
		s->grace = n;
		s->cap_grace = cap;
	}
	s->grace[s->n_grace++] = (struct grace_ent){
		.key = slot->key,
		.deadline_ns = clock_now(s) + (uint64_t)grace_ms * 1000000u,
		.mark = mark,
	};
	if (mark == TRK_GRACE) {
		slot->mark = TRK_GRACE;
		s->grace_waiting++;
	}
	return true;
}

/* Keeps a stale key for its grace period; false (remove it now) when the
 * policy says so or the list cannot grow. */
static bool grace_keep(struct dp_channel_server *s, struct trk_slot *slot)
{
	if (!s->p.stale_grace_ms || !(s->p.stale_grace_tables & DP_MSG_TABLE_BIT(slot->key.table)))
		return false;
	if (s->ops.stale_keep && !s->ops.stale_keep(s->arg, &slot->key))
		return false;
	if (!grace_add(s, slot, s->p.stale_grace_ms, TRK_GRACE))
		return false;
	s->c.stale_kept++;
	return true;
}

/* A key the list has no room for keeps its mark: the next resync sweeps
 * it as before. */
size_t dp_channel_stale_session_end(struct dp_channel_server *s)
{
	size_t n = 0;

	grace_compact(s);
	for (size_t i = 0; i < s->trk.cap; i++) {
		struct trk_slot *slot = &s->trk.v[i];

		if (slot->mark && slot->mark != TRK_GRACE &&
		    grace_add(s, slot, s->p.session_grace_ms, slot->mark))
			n++;
	}
	/* 0 marks an empty slot, TRK_GRACE a key in its grace period */
	s->epoch = s->epoch + 1 < TRK_GRACE ? s->epoch + 1 : 1;
	s->c.session_stale += n;
	return n;
}

/* A tracked key leaves (delete, flush, expiry) or is confirmed (upsert):
 * either way it no longer waits.  Its grace_ent goes at the next
 * dp_channel_stale_poll(). */
void dp_channel_stale_end(struct dp_channel_server *s, struct trk_slot *slot)
{
	if (slot->mark == TRK_GRACE)
		s->grace_waiting--;
}

/* Drops the grace_ents whose key no longer waits (confirmed, deleted,
 * flushed, swept by a resync), so that a key that goes stale again gets one
 * entry. */
static void grace_compact(struct dp_channel_server *s)
{
	size_t i = 0;

	while (i < s->n_grace) {
		const struct dp_msg_key *k = &s->grace[i].key;
		struct trk_slot *slot = dp_channel_trk_find(&s->trk, k, dp_channel_key_hash(k));

		if (slot && slot->mark == s->grace[i].mark)
			i++;
		else
			s->grace[i] = s->grace[--s->n_grace];
	}
}

/*
 * Removes the tracked keys of tables whose mark is not keep (0: all of
 * them, those in their grace period included), telling the caller; with
 * DP_CHANNEL_RM_STALE a key of a grace table is kept for its grace period
 * instead (grace_keep) and keys already in theirs are left to it.  Returns
 * how many keys it found (removed or kept), and in *kept how many of those
 * tables were confirmed.  The walk starts after an empty slot, so that no
 * cluster wraps past its start and a backward shift only ever moves a key
 * into the slot being looked at, never behind it.
 */
size_t dp_channel_stale_sweep(struct dp_channel_server *s, uint32_t tables, uint32_t keep,
		    enum dp_channel_remove_reason why, size_t *kept)
{
	struct trk *t = &s->trk;
	size_t mask = t->cap - 1, start = 0, removed = 0, steps = 0, i;

	*kept = 0;
	if (!t->count)
		return 0;
	if (why == DP_CHANNEL_RM_STALE)
		grace_compact(s);
	while (t->v[start].mark)
		start++;
	i = (start + 1) & mask;
	while (steps < t->cap) {
		struct trk_slot *slot = &t->v[i];

		if (slot->mark && (tables & DP_MSG_TABLE_BIT(slot->key.table))) {
			if (keep && slot->mark == keep) {
				(*kept)++;
			} else if (why == DP_CHANNEL_RM_STALE && slot->mark == TRK_GRACE) {
				/* already stale: its deadline stands */
			} else if (why == DP_CHANNEL_RM_STALE && grace_keep(s, slot)) {
				removed++;
			} else {
				struct dp_msg_key k = slot->key;

				dp_channel_stale_end(s, slot);
				dp_channel_trk_del_at(t, i);
				s->ops.remove(s->arg, &k, why);
				removed++;
				continue;	/* slot i may hold a shifted key now */
			}
		}
		i = (i + 1) & mask;
		steps++;
	}
	return removed;
}

/*
 * The keys in their grace period: each is asked of the attached control
 * plane once as a miss (not during its replay, which may still bring it),
 * at most stale_ask_budget a call; one still unconfirmed at its deadline is
 * removed.  O(kept keys) a call, and only while some are kept.
 */
void dp_channel_stale_poll(struct dp_channel_server *s)
{
	uint64_t now = clock_now(s);
	bool ask = s->attached && !s->resyncing;
	unsigned int asked = 0;
	size_t i = 0;

	while (i < s->n_grace) {
		struct grace_ent *e = &s->grace[i];
		struct trk_slot *slot = dp_channel_trk_find(&s->trk, &e->key, dp_channel_key_hash(&e->key));

		if (slot && slot->mark == e->mark && now >= e->deadline_ns) {
			struct dp_msg_key k = e->key;

			dp_channel_stale_end(s, slot);
			dp_channel_trk_del_at(&s->trk, (size_t)(slot - s->trk.v));
			s->c.stale_expired++;
			s->ops.remove(s->arg, &k, DP_CHANNEL_RM_STALE);
		} else if (slot && slot->mark == e->mark) {
			if (ask && e->asked_gen != s->generation && asked < s->p.stale_ask_budget) {
				struct dp_msg_miss m = { .eid = e->key };

				if (dp_channel_server_miss(s, &m) == 0)
					e->asked_gen = s->generation;
				asked++;
			}
			i++;
			continue;
		}
		s->grace[i] = s->grace[--s->n_grace];
	}
}
