/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replay protection (docs/security.md, "Replayed Map-Registers"): the nonces
 * each authenticated registrant used, its cap, and the sweep that forgets
 * registrants silent for longer than the hold.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ms_priv.h"

/* ---- replay protection -------------------------------------------------- */

static int prefix_text_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The identity of a Map-Register that authenticated as site: its xTR-ID
 * and site-ID, or (no xTR-ID) a SHA-256 digest of its EID-prefix set in a
 * canonical order, so that the same set in another record order is the
 * same registrant.  0, or -ENOMEM. */
int peer_id_of(const struct lisp_map_register *m, const struct lisp_prefix *eids,
		      struct ms_peer_id *pid)
{
	static char text[LISP_RECORDS_MAX][LISP_ADDR_STR_MAX + 16];
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int rc = 0;

	memset(pid, 0, sizeof(*pid));
	pid->site_id = m->site_id;
	if (m->xtr_id_present) {
		pid->has_xtr_id = true;
		memcpy(pid->id, m->xtr_id, LISP_XTR_ID_LEN);
		return 0;
	}
	for (unsigned int i = 0; i < m->record_count; i++)
		lisp_prefix_format(&eids[i], text[i], sizeof(text[i]));
	qsort(text, m->record_count, sizeof(text[0]), prefix_text_cmp);
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		rc = -ENOMEM;
	for (unsigned int i = 0; rc == 0 && i < m->record_count; i++)
		if (EVP_DigestUpdate(ctx, text[i], strlen(text[i]) + 1) != 1)
			rc = -ENOMEM;
	if (rc == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		rc = -ENOMEM;
	EVP_MD_CTX_free(ctx);
	if (rc == 0)
		memcpy(pid->id, md, sizeof(pid->id));
	return rc;
}

bool peer_id_equal(const struct ms_peer_id *a, const struct ms_peer_id *b)
{
	return a->has_xtr_id == b->has_xtr_id && a->site_id == b->site_id &&
	       memcmp(a->id, b->id, sizeof(a->id)) == 0;
}

/* By the site's name, not its address: a reload rebuilds the sites and
 * re-points the replay state, which must stay where lookups find it. */
size_t peer_hash(const struct site *s, const struct ms_peer_id *pid)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (const char *c = s->name; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	for (size_t i = 0; i < sizeof(pid->id); i++)
		h = (h ^ pid->id[i]) * 1099511628211ull;
	return (size_t)((h ^ pid->site_id) % PEER_BUCKETS);
}

/* Has p had no accepted Map-Register for the registration lifetime plus
 * the hold?  Then none of its registrations lives (each expires a lifetime
 * after its last refresh, and only p refreshes them), and its replay state
 * guards nothing a capture could still refresh.  Under "unique" that is no
 * weaker than the window itself (a live registrant's capture is accepted
 * again after MS_NONCE_WINDOW newer registrations); under "increasing" its
 * captures are accepted again once it is forgotten, so the hold is how
 * long they stay refused after the ETR went away (docs/security.md). */
static bool peer_expired(const struct map_server *ms, const struct ms_peer *p, uint64_t now)
{
	uint64_t keep = ms->params.registration_lifetime_ms + ms->params.registrant_hold_ms;

	return ms->params.registrant_hold_ms && now - p->last_accept_ms > keep;
}

static void peer_forget(struct map_server *ms, struct ms_peer *p)
{
	((struct site *)p->site)->registrants--;
	ms->peer_count--;
	free(p);
}

static void peer_sweep(struct map_server *ms)
{
	uint64_t now = evloop_now_ms(ms->loop);

	ms->last_sweep_ms = now;
	for (size_t i = 0; i < PEER_BUCKETS; i++)
		for (struct ms_peer **pp = &ms->peers[i]; *pp;) {
			struct ms_peer *p = *pp;

			if (!peer_expired(ms, p, now)) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			ms->c.registrants_expired++;
			peer_forget(ms, p);
		}
}

void peer_sweep_fire(struct evtimer *t, void *arg)
{
	struct map_server *ms = arg;

	peer_sweep(ms);
	evtimer_arm(ms->loop, t, PEER_SWEEP_MS);
}

/* Room for a new registrant of site s: below both caps, after forgetting
 * the expired ones if that helps (at most once a second). */
static bool peer_room(struct map_server *ms, const struct site *s)
{
	bool full = ms->peer_count >= ms->params.max_registrants ||
		    s->registrants >= ms->params.max_registrants_per_site;

	if (full && evloop_now_ms(ms->loop) - ms->last_sweep_ms >= PEER_SWEEP_FULL_MS) {
		peer_sweep(ms);
		full = ms->peer_count >= ms->params.max_registrants ||
		       s->registrants >= ms->params.max_registrants_per_site;
	}
	return !full;
}

/* The registrant's replay state; a new one only while there is room
 * (*full set otherwise): a known registrant is never pushed out. */
struct ms_peer *peer_get(struct map_server *ms, struct site *s,
				const struct ms_peer_id *pid, bool *full)
{
	size_t h = peer_hash(s, pid);
	struct ms_peer *p;

	*full = false;
	for (p = ms->peers[h]; p; p = p->next)
		if (p->site == s && peer_id_equal(&p->pid, pid))
			return p;
	if (!peer_room(ms, s)) {
		*full = true;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->site = s;
	p->pid = *pid;
	p->next = ms->peers[h];
	ms->peers[h] = p;
	s->registrants++;
	ms->peer_count++;
	return p;
}

bool peer_nonce_fresh(const struct map_server *ms, const struct ms_peer *p, uint64_t nonce)
{
	if (p->recent_count == 0)
		return true;
	if (ms->params.nonce_policy == MS_NONCE_INCREASING)
		return nonce > p->last_nonce;
	for (unsigned int i = 0; i < p->recent_count; i++)
		if (p->recent[i] == nonce)
			return false;
	return true;
}

void peer_nonce_accept(struct ms_peer *p, uint64_t nonce, uint64_t now)
{
	p->last_accept_ms = now;
	p->last_nonce = nonce;
	p->recent[p->recent_head] = nonce;
	p->recent_head = (p->recent_head + 1) % MS_NONCE_WINDOW;
	if (p->recent_count < MS_NONCE_WINDOW)
		p->recent_count++;
}
