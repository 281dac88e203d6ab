/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ETR's registration (RFC 9301, 8.2): the whole database once per
 * register interval, packed into as few Map-Registers as the path MTU lets
 * through unfragmented, and runtime changes (sets, TTL-0 withdrawals)
 * coalesced into one send shortly after they happen.  Every Map-Register
 * asks for a Map-Notify; its nonce is remembered (a bounded set per
 * Map-Server) until answered or a register interval old, so that a late
 * Map-Notify is never taken for an unsolicited one and acknowledged.
 * Nothing is sent before etr_start(), which registers on the first loop
 * turn rather than at the first interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "etr_priv.h"
#include "lisp_auth.h"

/* Runtime changes wait this long for the next one, so that a burst of API
 * calls leaves as one registration. */
#define ETR_COALESCE_MS_DEFAULT	20
#define ETR_RECORD_BUDGET_MIN	256

static void etr_periodic(struct evtimer *t, void *arg);
static void etr_soon(struct evtimer *t, void *arg);
static void etr_ms_retry(struct evtimer *t, void *arg);

/* Record bytes a Map-Register to ms may carry in one IP packet of
 * path_mtu: IP, UDP, the fixed header (RFC 9301, 5.6: 16 bytes to the
 * Authentication Data), the authentication data and xTR-ID plus site-ID. */
static size_t record_budget(const struct etr *etr, const struct etr_ms *ms)
{
	size_t over = (ms->conf.addr.afi == LISP_AFI_IPV6 ? 40 : 20) + 8 + LISP_AUTH_DATA_OFFSET +
		      lisp_auth_data_len(ms->conf.alg_id) +
		      (etr->params.xtr_id_present ? LISP_XTR_ID_LEN + 8 : 0);
	size_t mtu = etr->params.path_mtu ? etr->params.path_mtu : 1500;

	return mtu > over + ETR_RECORD_BUDGET_MIN ? mtu - over : ETR_RECORD_BUDGET_MIN;
}

int etr_register_init(struct etr *etr)
{
	evtimer_init(&etr->soon, etr_soon, etr);
	evtimer_init(&etr->periodic, etr_periodic, etr);
	etr->unsent = true;
	if (!etr->params.coalesce_ms)
		etr->params.coalesce_ms = ETR_COALESCE_MS_DEFAULT;
	for (size_t i = 0; i < etr->server_count; i++) {
		struct etr_ms *ms = &etr->servers[i];

		ms->etr = etr;
		evtimer_init(&ms->retry, etr_ms_retry, ms);
		ms->record_budget = record_budget(etr, ms);
	}
	for (size_t i = 0; i < etr->server_count; i++) {
		etr->servers[i].sent = calloc(ETR_SENT_MAX, sizeof(*etr->servers[i].sent));
		if (!etr->servers[i].sent)
			return -ENOMEM;
	}
	return 0;
}

void etr_register_fini(struct etr *etr)
{
	evtimer_cancel(etr->loop, &etr->periodic);
	evtimer_cancel(etr->loop, &etr->soon);
	for (size_t i = 0; etr->servers && i < etr->server_count; i++) {
		evtimer_cancel(etr->loop, &etr->servers[i].retry);
		free(etr->servers[i].sent);
	}
	while (etr->gone) {
		struct etr_entry *e = etr->gone;

		etr->gone = e->next_gone;
		etr_entry_free(e);
	}
}

bool etr_registered(const struct etr *etr)
{
	struct etr_db_states st;

	if (etr->unsent || evtimer_pending(&etr->soon))
		return false;
	for (size_t i = 0; i < etr->server_count; i++)
		if (etr->servers[i].awaited)
			return false;
	etr_db_states(etr, &st);
	return !st.pending && !st.refused;
}

/* ---- the nonces a Map-Server owes us a Map-Notify for --------------------------- */

static void sent_unawait(struct etr_ms *ms, struct etr_sent *s)
{
	if (!s->awaited)
		return;
	s->awaited = false;
	ms->awaited--;
	if (!s->solo)
		ms->awaited_batch--;
}

static void sent_remove(struct etr_ms *ms, unsigned int i)
{
	sent_unawait(ms, &ms->sent[i]);
	ms->sent[i] = ms->sent[--ms->sent_count];
}

static void sent_add(struct etr_ms *ms, uint64_t nonce, uint64_t now, struct etr_entry *solo,
		     bool awaited)
{
	if (ms->sent_count == ETR_SENT_MAX) {
		unsigned int oldest = 0;

		for (unsigned int i = 1; i < ms->sent_count; i++)
			if (ms->sent[i].sent_ms < ms->sent[oldest].sent_ms)
				oldest = i;
		sent_remove(ms, oldest);
	}
	ms->sent[ms->sent_count++] = (struct etr_sent){ nonce, now, solo, solo != NULL, awaited };
	if (awaited) {
		ms->awaited++;
		if (!solo)
			ms->awaited_batch++;
	}
}

/* A record's own Map-Register went unanswered (counted once per moment
 * however many Map-Servers missed it).  After ETR_SOLO_TRIES, while our
 * other Map-Registers are answered, the Map-Server is refusing the record
 * itself, not down or using another key. */
static void solo_miss(struct etr *etr, struct etr_entry *e, uint64_t now)
{
	char t[LISP_ADDR_STR_MAX];

	if (e->state == ETR_REG_REFUSED || e->last_miss_ms == now)
		return;
	e->last_miss_ms = now;
	if (e->solo_misses < UINT8_MAX)
		e->solo_misses++;
	if (e->solo_misses < ETR_SOLO_TRIES || etr->acks == e->acks_at_first)
		return;
	e->state = ETR_REG_REFUSED;
	etr->c.records_refused++;
	lisp_prefix_format(&e->eid, t, sizeof(t));
	log_ratelimited(&etr->rl, LOG_LEVEL_WARN,
			"etr: %s refused: %u Map-Registers of its own unanswered while the "
			"others were acknowledged; retried once per register interval", t,
			e->solo_misses);
}

/* Stops waiting for ms's messages older than min_age_ms; a solo one is a
 * miss for its record.  True when a batch was among them. */
static bool sent_expire(struct etr *etr, struct etr_ms *ms, uint64_t min_age_ms)
{
	uint64_t now = evloop_now_ms(etr->loop);
	bool batch = false;

	for (unsigned int i = 0; i < ms->sent_count; i++) {
		struct etr_sent *s = &ms->sent[i];

		if (!s->awaited || now - s->sent_ms < min_age_ms)
			continue;
		if (s->solo && s->entry)
			solo_miss(etr, s->entry, now);
		else
			batch = true;
		sent_unawait(ms, s);
	}
	return batch;
}

/* A whole registration supersedes what came before: earlier messages are
 * still recognised when answered, but no longer waited for; those a whole
 * interval old are forgotten. */
static void sent_supersede(struct etr *etr, struct etr_ms *ms)
{
	uint64_t now = evloop_now_ms(etr->loop);

	sent_expire(etr, ms, etr->params.notify_timeout_ms);
	for (unsigned int i = ms->sent_count; i-- > 0;) {
		sent_unawait(ms, &ms->sent[i]);
		if (now - ms->sent[i].sent_ms >= etr->params.register_interval_ms)
			sent_remove(ms, i);
	}
}

void etr_register_repoint(struct etr *etr, const struct etr_entry *old, struct etr_entry *new)
{
	for (size_t i = 0; i < etr->server_count; i++) {
		struct etr_ms *ms = &etr->servers[i];

		for (unsigned int j = 0; j < ms->sent_count; j++) {
			if (!ms->sent[j].solo || ms->sent[j].entry != old)
				continue;
			if (!new)	/* an answer now acknowledges nothing */
				sent_unawait(ms, &ms->sent[j]);
			ms->sent[j].entry = new;
		}
	}
}

void etr_register_entry_new(struct etr *etr, struct etr_entry *e)
{
	e->changed = true;
	e->state = ETR_REG_PENDING;
	e->solo = etr->started;
	e->solo_misses = 0;
	e->acked_mask = 0;
}

static int batch_accepted(const struct lisp_prefix *p, void *value, void *arg)
{
	struct etr_entry *e = value;

	(void)p;
	(void)arg;
	if (!e->solo && e->state == ETR_REG_PENDING)
		e->state = ETR_REG_REGISTERED;
	return 0;
}

/* Is eid registered to ms (etr_map_server.eids)? */
static bool ms_takes(const struct etr_ms *ms, const struct lisp_prefix *eid)
{
	if (!ms->conf.eid_count)
		return true;
	for (size_t i = 0; i < ms->conf.eid_count; i++)
		if (lisp_prefix_covers(&ms->conf.eids[i], eid))
			return true;
	return false;
}

static void solo_accepted(struct etr *etr, struct etr_ms *ms, struct etr_entry *e)
{
	uint32_t all = 0;

	/* The Map-Servers e goes to. */
	for (size_t i = 0; i < etr->server_count && i < 32; i++)
		if (ms_takes(&etr->servers[i], &e->eid))
			all |= UINT32_C(1) << i;

	e->acked_mask |= UINT32_C(1) << ((size_t)(ms - etr->servers) % 32);
	if ((e->acked_mask & all) != all)
		return;
	/* Every Map-Server took it: from now on it rides in the batches. */
	e->state = ETR_REG_REGISTERED;
	e->solo = false;
	e->solo_misses = 0;
}

bool etr_register_acked(struct etr_ms *ms, uint64_t nonce)
{
	struct etr *etr = ms->etr;

	for (unsigned int i = 0; i < ms->sent_count; i++) {
		struct etr_entry *solo = ms->sent[i].entry;
		bool was_solo = ms->sent[i].solo, batches_left = false;

		if (ms->sent[i].nonce != nonce)
			continue;
		sent_remove(ms, i);
		etr->acks++;
		if (was_solo) {
			if (solo)
				solo_accepted(etr, ms, solo);
		} else {
			for (size_t k = 0; k < etr->server_count; k++)
				batches_left |= etr->servers[k].awaited_batch != 0;
			if (!batches_left)
				mapdb_walk(etr->db, NULL, batch_accepted, NULL);
		}
		if (!ms->awaited) {
			evtimer_cancel(etr->loop, &ms->retry);
			ms->tries = 0;
		}
		return true;
	}
	return false;
}

/* ---- Map-Registers ------------------------------------------------------------ */

/* Sends one Map-Register with the given records (solo: the one record of
 * that entry's own message). */
static int register_send(struct etr *etr, struct etr_ms *ms, const struct lisp_record *recs,
			 uint8_t count, struct etr_entry *solo)
{
	struct lisp_map_register m = {
		.type = LISP_MAP_REGISTER,
		.proxy_reply = etr->params.proxy_reply,
		.want_notify = etr->params.want_notify,
		.xtr_id_present = etr->params.xtr_id_present,
		.site_id = etr->params.site_id,
		.alg_id = ms->conf.alg_id,
		.nonce = ++etr->nonce_counter,
		.record_count = count,
		.records = (struct lisp_record *)recs,
	};
	struct lisp_err err;
	ssize_t n;

	memcpy(m.xtr_id, etr->params.xtr_id, LISP_XTR_ID_LEN);
	n = lisp_map_register_encode(&m, etr->out, ETR_MSG_MAX, &err);
	if (n < 0 || lisp_auth_sign(etr->out, (size_t)n, ms->conf.key, ms->conf.key_len, &err) < 0) {
		log_warn("etr: cannot build Map-Register: %s", err.msg);
		return -EINVAL;
	}
	etr->send(etr->send_arg, &ms->conf.addr, ms->conf.port, etr->out, (size_t)n);
	etr->c.registers_sent++;
	etr->c.register_records_sent += count;
	if (!etr->params.want_notify)
		return 0;
	if (solo && !solo->solo_misses)
		solo->acks_at_first = etr->acks;
	/* A refused record's once-per-interval try is not waited for:
	 * its silence must not make us retransmit. */
	sent_add(ms, m.nonce, evloop_now_ms(etr->loop), solo,
		 !solo || solo->state != ETR_REG_REFUSED);
	return 0;
}

/* What a registration to one Map-Server sends. */
enum reg_what {
	REG_FULL,	/* every batched entry, every solo one */
	REG_CHANGED,	/* what changed since the last send */
	REG_RETRY,	/* batches (when one was lost), solo ones it did not answer */
};

/* Encoded records packed into Map-Registers of at most the Map-Server's
 * record budget each. */
struct pack_state {
	struct etr *etr;
	struct etr_ms *ms;
	enum reg_what what;
	bool batches;
	bool dn_pass;		/* solo_entry: Distinguished Names only, or none */
	struct lisp_record recs[LISP_RECORDS_MAX];
	size_t bytes;
	uint8_t count;
};

static void pack_flush(struct pack_state *ps)
{
	if (ps->count)
		register_send(ps->etr, ps->ms, ps->recs, ps->count, NULL);
	lisp_arena_reset(&ps->etr->arena);
	ps->bytes = 0;
	ps->count = 0;
}

static void pack_bytes(struct pack_state *ps, const uint8_t *record, size_t len)
{
	struct wire_rd rd;

	if (ps->count &&
	    (ps->bytes + len > ps->ms->record_budget || ps->count == LISP_RECORDS_MAX))
		pack_flush(ps);
	wire_rd_init(&rd, record, len);
	if (lisp_record_decode(&rd, &ps->etr->arena, &ps->recs[ps->count], NULL) < 0)
		return;	/* we encoded it: cannot happen */
	ps->bytes += len;
	ps->count++;
}

static int pack_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	struct pack_state *ps = arg;
	const struct etr_entry *e = value;

	if (!e->solo && ps->batches && (ps->what != REG_CHANGED || e->changed) &&
	    ms_takes(ps->ms, p))
		pack_bytes(ps, e->record, e->len);
	return 0;
}

static bool solo_awaited(const struct etr_ms *ms, const struct etr_entry *e)
{
	for (unsigned int i = 0; i < ms->sent_count; i++)
		if (ms->sent[i].awaited && ms->sent[i].solo && ms->sent[i].entry == e)
			return true;
	return false;
}

static int solo_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	struct pack_state *ps = arg;
	struct etr_entry *e = value;
	uint32_t bit = UINT32_C(1) << ((size_t)(ps->ms - ps->etr->servers) % 32);
	struct lisp_record rec;
	struct wire_rd rd;

	if (!e->solo || (p->addr.afi == LISP_AFI_DN) != ps->dn_pass || !ms_takes(ps->ms, p) ||
	    (ps->what == REG_CHANGED && !e->changed) ||
	    (ps->what == REG_RETRY && (e->state != ETR_REG_PENDING || (e->acked_mask & bit) ||
				       solo_awaited(ps->ms, e))))
		return 0;
	lisp_arena_reset(&ps->etr->arena);
	wire_rd_init(&rd, e->record, e->len);
	if (lisp_record_decode(&rd, &ps->etr->arena, &rec, NULL) == 0)
		register_send(ps->etr, ps->ms, &rec, 1, e);
	return 0;
}

/* TTL 0 withdraws this xTR's registration at once (RFC 9301, 8.2), rather
 * than letting it linger until it expires.  A crypto-EID's withdrawal
 * keeps its signature record (draft-ietf-lisp-ecdsa-auth: the signature
 * covers "[IID]EID" alone, so it proves this withdrawal too; a Map-Server
 * with auth ecdsa|both refuses an unsigned one, ms_ecdsa.c), and its
 * hash-EID's the public-key record, so that the pair proves itself even
 * where the key was never registered (set and removed at once). */
static void pack_withdrawal(struct pack_state *ps, const struct etr_entry *g)
{
	struct lisp_record rec = { .ttl = 0, .mask_len = g->eid.plen, .authoritative = true };
	struct lisp_record old;
	struct lisp_locator sig[1];
	uint8_t buf[ETR_RECORD_MAX], scratch[4096], *kept;
	struct lisp_waddr inner;
	struct lisp_arena arena;
	struct wire_wr w;
	struct wire_rd rd;

	lisp_waddr_from_prefix(&rec.eid, &inner, &g->eid);
	lisp_arena_init(&arena, scratch, sizeof(scratch));
	wire_rd_init(&rd, g->record, g->len);
	if (lisp_record_decode(&rd, &arena, &old, NULL) == 0)
		for (unsigned int i = 0; i < old.loc_count && !rec.loc_count; i++) {
			const struct lisp_waddr *a = &old.locs[i].addr;

			/* lisp_locator_json(): priority 255, never used to forward. */
			if (old.locs[i].priority == 255 && a->afi == LISP_AFI_LCAF &&
			    a->lcaf.type == LCAF_TYPE_JSON && a->lcaf.json.len > 12 &&
			    (memcmp(a->lcaf.json.text, "{\"signature", 11) == 0 ||
			     memcmp(a->lcaf.json.text, "{\"public-key\"", 13) == 0)) {
				sig[0] = old.locs[i];
				rec.locs = sig;
				rec.loc_count = 1;
			}
		}
	wire_wr_init(&w, buf, sizeof(buf));
	if (lisp_record_encode(&w, &rec, NULL) < 0)
		return;
	/* pack_bytes() decodes in place: the JSON text must outlive buf. */
	kept = lisp_arena_alloc(&ps->etr->arena, wire_wr_len(&w));
	if (kept) {
		memcpy(kept, buf, wire_wr_len(&w));
		pack_bytes(ps, kept, wire_wr_len(&w));
	}
}

/* One registration to ms: the withdrawals waiting, the batches, then each
 * solo record in a Map-Register of its own. */
static void register_ms(struct etr *etr, struct etr_ms *ms, enum reg_what what, bool batches)
{
	struct pack_state *ps = malloc(sizeof(*ps));

	if (!ps)
		return;
	ps->etr = etr;
	ps->ms = ms;
	ps->what = what;
	ps->batches = batches;
	ps->bytes = 0;
	ps->count = 0;
	lisp_arena_reset(&etr->arena);
	for (const struct etr_entry *g = etr->gone; g; g = g->next_gone)
		if (ms_takes(ms, &g->eid))
			pack_withdrawal(ps, g);
	mapdb_walk(etr->db, NULL, pack_entry, ps);
	pack_flush(ps);
	/* DNs first: a hash-EID's public key reaches the Map-Server before the
	 * crypto-EID whose signature it verifies (draft-ietf-lisp-ecdsa-auth,
	 * "Hash-EID Mapping Entry"; ms_ecdsa.c), when both are new. */
	ps->dn_pass = true;
	mapdb_walk(etr->db, NULL, solo_entry, ps);
	ps->dn_pass = false;
	mapdb_walk(etr->db, NULL, solo_entry, ps);
	free(ps);
	if (ms->awaited && !evtimer_pending(&ms->retry))
		evtimer_arm(etr->loop, &ms->retry, etr->params.notify_timeout_ms);
}

/* After a send: the ITRs that asked about a changed or withdrawn EID are
 * solicited now that the mapping system knows the new mapping. */
static int settle_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	struct etr_entry *e = value;
	struct etr *etr = arg;

	e->changed = false;
	if (e->smr_ttl) {
		etr_smr_send(etr, e->reqs, p, e, e->smr_ttl);
		e->smr_ttl = 0;
	}
	return 0;
}

/* Without Map-Notifies (want-map-notify: false, or no Map-Server) nothing
 * ever answers: what was sent counts as registered, and a refusal cannot
 * be seen. */
static int assume_registered(const struct lisp_prefix *p, void *value, void *arg)
{
	struct etr_entry *e = value;

	(void)p;
	(void)arg;
	e->state = ETR_REG_REGISTERED;
	e->solo = false;
	return 0;
}

static void register_run(struct etr *etr, bool full)
{
	for (size_t i = 0; i < etr->server_count; i++) {
		struct etr_ms *ms = &etr->servers[i];

		if (full) {
			sent_supersede(etr, ms);
			evtimer_cancel(etr->loop, &ms->retry);
			ms->tries = 0;
		}
		register_ms(etr, ms, full ? REG_FULL : REG_CHANGED, true);
	}
	evtimer_cancel(etr->loop, &etr->soon);
	if (full)
		etr->unsent = false;
	mapdb_walk(etr->db, NULL, settle_entry, etr);
	if (!etr->params.want_notify || !etr->server_count)
		mapdb_walk(etr->db, NULL, assume_registered, NULL);
	while (etr->gone) {
		struct etr_entry *g = etr->gone;

		etr->gone = g->next_gone;
		etr_smr_send(etr, g->reqs, &g->eid, g, g->smr_ttl);
		etr_entry_free(g);
	}
}

void etr_register_soon(struct etr *etr)
{
	if (etr->started && !evtimer_pending(&etr->soon))
		evtimer_arm(etr->loop, &etr->soon, etr->params.coalesce_ms);
}

static void etr_soon(struct evtimer *t, void *arg)
{
	(void)t;
	register_run(arg, false);
}

static void etr_periodic(struct evtimer *t, void *arg)
{
	struct etr *etr = arg;

	(void)t;
	register_run(etr, true);
	evtimer_arm(etr->loop, &etr->periodic, etr->params.register_interval_ms);
}

/* No Map-Notify in time: send again what went unanswered (the batches
 * whole when one of them did, the solo records each), backing off, until
 * the next periodic registration takes over. */
static void etr_ms_retry(struct evtimer *t, void *arg)
{
	struct etr_ms *ms = arg;
	struct etr *etr = ms->etr;
	uint64_t delay;
	bool batches;

	(void)t;
	if (!ms->awaited)
		return;
	ms->tries++;
	etr->c.register_retransmits++;
	/* Sent since the timer was armed: not late yet. */
	batches = sent_expire(etr, ms, etr->params.notify_timeout_ms / 2);
	register_ms(etr, ms, REG_RETRY, batches);
	delay = etr->params.notify_timeout_ms << (ms->tries < 6 ? ms->tries : 6);
	if (delay < etr->params.register_interval_ms)
		evtimer_arm(etr->loop, &ms->retry, delay);
	else
		evtimer_cancel(etr->loop, &ms->retry);
}

/* The first registration leaves on the loop's first turn: a timer due now
 * (datagrams queued before the loop runs would wait for the next timer). */
void etr_start(struct etr *etr)
{
	etr->started = true;
	evloop_now_update(etr->loop);
	evtimer_arm(etr->loop, &etr->periodic, 0);
}

/* ---- what the API shows ------------------------------------------------------------ */

const char *etr_reg_state_name(enum etr_reg_state s)
{
	switch (s) {
	case ETR_REG_REGISTERED:
		return "registered";
	case ETR_REG_REFUSED:
		return "refused";
	default:
		return "pending";
	}
}

int etr_db_state(const struct etr *etr, const struct lisp_prefix *eid)
{
	const struct etr_entry *e = mapdb_exact(etr->db, eid);

	return e ? e->state : -ENOENT;
}

static int count_state(const struct lisp_prefix *p, void *value, void *arg)
{
	const struct etr_entry *e = value;
	struct etr_db_states *st = arg;

	(void)p;
	if (e->state == ETR_REG_REGISTERED)
		st->registered++;
	else if (e->state == ETR_REG_REFUSED)
		st->refused++;
	else
		st->pending++;
	return 0;
}

void etr_db_states(const struct etr *etr, struct etr_db_states *out)
{
	memset(out, 0, sizeof(*out));
	mapdb_walk(etr->db, NULL, count_state, out);
}

struct walk_ctx {
	etr_db_walk_fn fn;
	void *arg;
};

static int walk_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	const struct etr_entry *e = value;
	struct walk_ctx *w = arg;
	uint32_t ttl = (uint32_t)e->record[0] << 24 | (uint32_t)e->record[1] << 16 |
		       (uint32_t)e->record[2] << 8 | e->record[3];

	return w->fn(p, e->state, ttl, w->arg);
}

int etr_db_walk(const struct etr *etr, etr_db_walk_fn fn, void *arg)
{
	struct walk_ctx w = { fn, arg };

	return mapdb_walk(etr->db, NULL, walk_entry, &w);
}
