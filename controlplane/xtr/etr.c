/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "etr_priv.h"
#include "lisp_auth.h"

#define ETR_ARENA_BYTES		LISP_DECODE_ARENA_BYTES	/* any datagram decodes */

void etr_params_default(struct etr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->register_interval_ms = 60 * 1000;
	p->notify_timeout_ms = 1000;
	p->want_notify = true;
	p->proxy_reply = true;
	p->smr_rate = 100;
	p->smr_requesters = 64;
	p->path_mtu = 1500;
	p->reply_rate = 1000;
	p->reply_burst = 2000;
	p->probe_reply_ratio = 1;
}

struct etr *etr_new(struct evloop *loop, const struct etr_params *params,
		    const struct etr_map_server *servers, size_t server_count, lisp_send_fn send,
		    void *send_arg)
{
	struct etr *etr = calloc(1, sizeof(*etr));
	struct timespec ts;

	if (!etr)
		return NULL;
	etr->loop = loop;
	etr->params = *params;
	etr->send = send;
	etr->send_arg = send_arg;
	etr->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	/* Timers idle before anything can fail: etr_free cancels them. */
	evtimer_init(&etr->periodic, NULL, NULL);
	evtimer_init(&etr->soon, NULL, NULL);
	etr->db = mapdb_new();
	etr->servers = calloc(server_count ? server_count : 1, sizeof(*etr->servers));
	etr->arena_buf = malloc(ETR_ARENA_BYTES);
	etr->out = malloc(ETR_MSG_MAX);
	if (!etr->db || !etr->servers || !etr->arena_buf || !etr->out) {
		etr_free(etr);
		return NULL;
	}
	if (params->accepted_count) {
		etr->accepted = malloc(params->accepted_count * sizeof(*etr->accepted));
		if (!etr->accepted) {
			etr_free(etr);
			return NULL;
		}
		memcpy(etr->accepted, params->accepted,
		       params->accepted_count * sizeof(*etr->accepted));
		etr->accepted_count = params->accepted_count;
	}
	etr->params.accepted = NULL;	/* the caller's: etr->accepted is ours */
	etr->server_count = server_count;
	for (size_t i = 0; i < server_count; i++) {
		struct lisp_prefix *eids = NULL;

		if (servers[i].eid_count) {
			eids = malloc(servers[i].eid_count * sizeof(*eids));
			if (!eids) {
				etr_free(etr);
				return NULL;
			}
			memcpy(eids, servers[i].eids, servers[i].eid_count * sizeof(*eids));
		}
		etr->servers[i].conf = servers[i];
		etr->servers[i].conf.eids = eids;
	}
	if (etr_register_init(etr) < 0) {
		etr_free(etr);
		return NULL;
	}
	lisp_arena_init(&etr->arena, etr->arena_buf, ETR_ARENA_BYTES);
	etr->smr_tokens = (uint64_t)params->smr_rate * 1000;
	etr->smr_refill_ms = evloop_now_ms(loop);
	token_bucket_init(&etr->replies, params->reply_rate, params->reply_burst,
			  evloop_now_ms(loop));
	/* Strictly increasing across restarts: wall-clock milliseconds in the
	 * high bits, a counter in the low 20. */
	clock_gettime(CLOCK_REALTIME, &ts);
	etr->nonce_counter = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) << 20;
	return etr;
}

void etr_entry_free(struct etr_entry *e)
{
	free(e->reqs);
	free(e);
}

static int free_entry(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	etr_entry_free(value);
	return 0;
}

void etr_free(struct etr *etr)
{
	if (!etr)
		return;
	etr_register_fini(etr);
	if (etr->db) {
		mapdb_walk(etr->db, NULL, free_entry, NULL);
		mapdb_free(etr->db);
	}
	for (size_t i = 0; etr->servers && i < etr->server_count; i++)
		free((void *)etr->servers[i].conf.eids);
	free(etr->servers);
	free(etr->accepted);
	free(etr->arena_buf);
	free(etr->out);
	free(etr);
}

const struct etr_counters *etr_counters(const struct etr *etr)
{
	return &etr->c;
}

struct mapdb *etr_db(const struct etr *etr)
{
	return etr->db;
}

size_t etr_db_count(const struct etr *etr)
{
	return mapdb_count(etr->db);
}

static int encode_entry(const struct lisp_record *rec, struct etr_entry **out,
			struct lisp_err *err)
{
	uint8_t buf[ETR_RECORD_MAX];
	struct lisp_record copy = *rec;
	struct wire_wr w;
	int rc;

	copy.authoritative = true;	/* an ETR speaks for its own EIDs */
	wire_wr_init(&w, buf, sizeof(buf));
	rc = lisp_record_encode(&w, &copy, err);
	if (rc == -ENOSPC)	/* too big, not full: the caller's input is wrong */
		return lisp_err_set(err, EMSGSIZE, "the record encodes to over %d bytes, more "
				    "than an ETR database entry holds: fewer rlocs or shorter "
				    "attributes", ETR_RECORD_MAX);
	if (rc < 0)
		return rc;
	*out = malloc(sizeof(**out) + wire_wr_len(&w));
	if (!*out)
		return lisp_err_set(err, ENOMEM, "out of memory");
	memset(*out, 0, sizeof(**out));
	(*out)->len = wire_wr_len(&w);
	memcpy((*out)->record, buf, (*out)->len);
	return 0;
}

/* ---- Solicit-Map-Request (RFC 9301, 6.1) ------------------------------------ */

/* The TTL an ITR got with this mapping: the record's first four bytes. */
static uint32_t entry_ttl_min(const struct etr_entry *e)
{
	return (uint32_t)e->record[0] << 24 | (uint32_t)e->record[1] << 16 |
	       (uint32_t)e->record[2] << 8 | e->record[3];
}

/* Remembers (or refreshes) an ITR that asked about e. */
static void requester_note(struct etr *etr, struct etr_entry *e, const struct lisp_addr *itr,
			   uint16_t port)
{
	if (etr->params.smr_rate &&
	    requesters_note(&e->reqs, etr->params.smr_requesters, itr, port,
			    evloop_now_ms(etr->loop)) == 1)
		etr->c.smr_requesters_evicted++;
}

/* One token per SMR, smr_rate a second, as many in a burst: a change of a
 * popular EID must not turn the ETR into a packet cannon. */
static bool smr_token_take(struct etr *etr, uint64_t now)
{
	uint64_t cap = (uint64_t)etr->params.smr_rate * 1000;

	etr->smr_tokens += (now - etr->smr_refill_ms) * etr->params.smr_rate;
	etr->smr_refill_ms = now;
	if (etr->smr_tokens > cap)
		etr->smr_tokens = cap;
	if (etr->smr_tokens < 1000)
		return false;
	etr->smr_tokens -= 1000;
	return true;
}

/*
 * Tells the ITRs that asked about eid that its mapping changed or went: a
 * Map-Request with the S bit, the changed prefix as source EID and
 * EID-record, and our RLOC from the mapping (rloc_from's first) as
 * ITR-RLOC, to each ITR on 4342.  ITRs not heard from within ttl_min (what
 * they were allowed to cache) are forgotten instead.
 */
void etr_smr_send(struct etr *etr, struct requesters *rs, const struct lisp_prefix *eid,
		  const struct etr_entry *rloc_from, uint32_t ttl_min)
{
	uint64_t now = evloop_now_ms(etr->loop), max_age = (uint64_t)ttl_min * 60000;
	struct lisp_waddr rloc = { .afi = LISP_AFI_NONE };
	struct lisp_record mapping;
	struct wire_rd rd;
	ssize_t n;

	if (!rs || !requesters_expire(rs, now, max_age) || !etr->params.smr_rate)
		return;
	lisp_arena_reset(&etr->arena);
	wire_rd_init(&rd, rloc_from->record, rloc_from->len);
	if (lisp_record_decode(&rd, &etr->arena, &mapping, NULL) == 0)
		for (unsigned int i = 0; i < mapping.loc_count; i++) {
			const struct lisp_addr *a = lisp_waddr_rloc(&mapping.locs[i].addr);

			if (a) {
				lisp_waddr_from_addr(&rloc, a);
				break;
			}
		}
	n = smr_encode(eid, &rloc, ++etr->nonce_counter, etr->out, ETR_MSG_MAX);
	if (n < 0)
		return;
	for (unsigned int i = 0; i < rs->count; i++) {
		struct lisp_addr dst;

		if (!smr_token_take(etr, now)) {
			etr->c.smr_rate_limited++;
			continue;
		}
		requester_addr(&rs->r[i], &dst);
		etr->send(etr->send_arg, &dst, LISP_CONTROL_PORT, etr->out, (size_t)n);
		etr->c.smr_sent++;
	}
}

size_t etr_smr_requesters(const struct etr *etr, const struct lisp_prefix *eid)
{
	const struct etr_entry *e = mapdb_exact(etr->db, eid);
	uint64_t now = evloop_now_ms(etr->loop), max_age;
	size_t n = 0;

	if (!e || !e->reqs)
		return 0;
	max_age = (uint64_t)entry_ttl_min(e) * 60000;
	for (unsigned int i = 0; i < e->reqs->count; i++)
		n += now - e->reqs->r[i].seen_ms <= max_age;
	return n;
}

/* ---- the database ------------------------------------------------------------------ */

/* Would the Map-Servers' sites take eid, as far as we know (RFC 9301 §8.2:
 * a Map-Server accepts only the EID-Prefixes configured for the site)? */
static bool etr_db_accepted(const struct etr *etr, const struct lisp_prefix *eid)
{
	if (!etr->accepted_count)
		return true;
	for (size_t i = 0; i < etr->accepted_count; i++)
		if (lisp_prefix_covers(&etr->accepted[i], eid))
			return true;
	return false;
}

/* Takes eid's entry off the list of withdrawals still to send: it is back. */
static struct etr_entry *gone_take(struct etr *etr, const struct lisp_prefix *eid)
{
	for (struct etr_entry **pp = &etr->gone; *pp; pp = &(*pp)->next_gone)
		if (lisp_prefix_equal(&(*pp)->eid, eid)) {
			struct etr_entry *g = *pp;

			*pp = g->next_gone;
			return g;
		}
	return NULL;
}

/* What the ITRs that asked about old were allowed to cache. */
static uint32_t smr_ttl_of(const struct etr_entry *old)
{
	return old->smr_ttl ? old->smr_ttl : entry_ttl_min(old);
}

int etr_db_set(struct etr *etr, const struct lisp_record *rec, struct lisp_err *err)
{
	struct etr_entry *e, *old = NULL;
	struct lisp_prefix eid;
	int rc;

	rc = lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &eid, err);
	if (rc < 0)
		return rc;
	if (rec->ttl == 0)
		return lisp_err_set(err, EINVAL, "a database mapping needs a TTL above 0");
	if (!etr_db_accepted(etr, &eid)) {
		char t[LISP_ADDR_STR_MAX];

		lisp_prefix_format(&eid, t, sizeof(t));
		return lisp_err_set(err, EACCES, "eid: %s is not an EID the Map-Servers' sites "
				    "accept (etr.accepted-eids); they would refuse its "
				    "registration", t);
	}
	rc = encode_entry(rec, &e, err);
	if (rc < 0)
		return rc;
	e->eid = eid;
	rc = mapdb_insert(etr->db, &eid, e, (void **)&old);
	if (rc < 0) {
		free(e);
		return lisp_err_set(err, -rc, "cannot store the mapping");
	}
	if (!old)
		old = gone_take(etr, &eid);	/* deleted and back before the send */
	if (old) {
		/* Who asked about the EID still caches it. */
		e->reqs = old->reqs;
		old->reqs = NULL;
	}
	if (old && old->len == e->len && memcmp(old->record, e->record, e->len) == 0) {
		e->changed = old->changed;
		e->smr_ttl = old->smr_ttl;
		e->solo = old->solo;
		e->state = old->state;
		e->solo_misses = old->solo_misses;
		e->acked_mask = old->acked_mask;
		e->acks_at_first = old->acks_at_first;
		e->last_miss_ms = old->last_miss_ms;
		etr_register_repoint(etr, old, e);
		etr_entry_free(old);
		return 0;	/* unchanged: nothing to tell */
	}
	if (old)
		etr_register_repoint(etr, old, NULL);
	etr_register_entry_new(etr, e);
	if (!etr->started) {
		/* Registered whole by etr_start; whoever asked already is told. */
		if (old)
			etr_smr_send(etr, e->reqs, &eid, e, entry_ttl_min(old));
	} else {
		/* Registered first (coalesced with other changes), then the ITRs
		 * are solicited: the mapping system knows the new mapping by the
		 * time they ask it. */
		if (old)
			e->smr_ttl = smr_ttl_of(old);
		etr_register_soon(etr);
	}
	if (old)
		etr_entry_free(old);
	return 0;
}

int etr_db_del(struct etr *etr, const struct lisp_prefix *eid)
{
	struct etr_entry *e = mapdb_remove(etr->db, eid);

	if (!e)
		return -ENOENT;
	etr_register_repoint(etr, e, NULL);
	if (!etr->started) {
		etr_smr_send(etr, e->reqs, eid, e, entry_ttl_min(e));
		etr_entry_free(e);
		return 0;
	}
	/* Withdrawn with the next coalesced send, its askers solicited after. */
	e->smr_ttl = smr_ttl_of(e);
	e->next_gone = etr->gone;
	etr->gone = e;
	etr_register_soon(etr);
	return 0;
}

int etr_db_lookup(const struct etr *etr, const struct lisp_prefix *eid, struct lisp_arena *arena,
		  struct lisp_record *out, struct lisp_prefix *match)
{
	const struct etr_entry *e = mapdb_longest(etr->db, eid, match);
	struct wire_rd rd;

	if (!e)
		return -ENOENT;
	wire_rd_init(&rd, e->record, e->len);
	return lisp_record_decode(&rd, arena, out, NULL);
}

/* ---- input ---------------------------------------------------------------- */

static struct etr_ms *ms_by_addr(struct etr *etr, const struct lisp_addr *src)
{
	for (size_t i = 0; i < etr->server_count; i++)
		if (lisp_addr_equal(&etr->servers[i].conf.addr, src))
			return &etr->servers[i];
	return NULL;
}

static void notify_input(struct etr *etr, const uint8_t *msg, size_t len,
			 const struct lisp_addr *src, uint16_t src_port)
{
	struct etr_ms *ms = ms_by_addr(etr, src);
	struct lisp_map_register n;
	struct lisp_err err;
	uint8_t ack[ETR_MSG_MAX];
	ssize_t alen;

	lisp_arena_reset(&etr->arena);
	if (!ms || lisp_map_register_decode(msg, len, &etr->arena, &n, &err) < 0 ||
	    lisp_auth_verify(msg, len, ms->conf.key, ms->conf.key_len, &err) < 0) {
		etr->c.notify_errors++;
		log_ratelimited(&etr->rl, LOG_LEVEL_WARN, "etr: Map-Notify refused: %s",
				ms ? err.msg : "not from a configured Map-Server");
		return;
	}
	etr->c.notifies_received++;
	if (etr_register_acked(ms, n.nonce))
		return;	/* the acknowledgement of one of our Map-Registers */
	/* Unsolicited (a change of a shared EID): acknowledge it. */
	n.type = LISP_MAP_NOTIFY_ACK;
	n.auth_len = 0;
	alen = lisp_map_register_encode(&n, ack, sizeof(ack), &err);
	if (alen < 0 || lisp_auth_sign(ack, (size_t)alen, ms->conf.key, ms->conf.key_len, &err) < 0)
		return;
	etr->send(etr->send_arg, src, src_port, ack, (size_t)alen);
	etr->c.notify_acks_sent++;
}

/* Answers a Map-Request for our EIDs (authoritatively), to its first
 * ITR-RLOC at reply_port. */
static void request_answer(struct etr *etr, const uint8_t *payload, size_t len,
			   uint16_t reply_port, struct etr_sec *sec)
{
	struct lisp_map_reply hdr = { 0 };
	struct lisp_map_request req;
	const struct lisp_addr *itr = NULL;
	struct lisp_err err;
	const struct etr_entry *put[255];
	uint8_t *first_end = NULL;
	struct wire_wr w;
	uint8_t count = 0;

	lisp_arena_reset(&etr->arena);
	if (lisp_map_request_decode(payload, len, &etr->arena, &req, &err) < 0) {
		etr->c.request_decode_errors++;
		log_ratelimited(&etr->rl, LOG_LEVEL_WARN, "etr: bad Map-Request: %s", err.msg);
		return;
	}
	for (unsigned int i = 0; i < req.itr_rloc_count && !itr; i++)
		if (req.itr_rlocs[i].afi == LISP_AFI_IPV4 || req.itr_rlocs[i].afi == LISP_AFI_IPV6)
			itr = &req.itr_rlocs[i].plain;
	if (!itr) {
		etr->c.request_decode_errors++;
		return;
	}
	wire_wr_init(&w, etr->out, ETR_MSG_MAX);
	w.p += 12;
	for (unsigned int i = 0; i < req.record_count; i++) {
		struct etr_entry *e;
		struct lisp_prefix eid;

		if (lisp_waddr_to_prefix(&req.records[i].eid, req.records[i].mask_len, &eid, NULL) < 0)
			continue;
		e = mapdb_longest(etr->db, &eid, NULL);
		/* Each entry once: 8-byte records must not fetch one 4 KB
		 * mapping again and again. */
		for (unsigned int j = 0; e && j < count; j++)
			if (put[j] == e) {
				etr->c.reply_records_repeated++;
				e = NULL;
			}
		if (!e)
			continue;
		/* RFC 9301, 5.2: one record a request; the first is answered
		 * whole, the others get no more room than the request took. */
		if (first_end && (size_t)(w.p - first_end) + e->len > len) {
			etr->c.reply_records_over_size++;
			continue;
		}
		if (wire_put_bytes(&w, e->record, e->len) < 0)
			continue;
		if (!first_end)
			first_end = w.p;
		put[count] = e;
		/* It will cache our answer: tell it when the answer changes. */
		requester_note(etr, e, itr, reply_port);
		count++;
	}
	if (!count) {
		etr->c.requests_not_ours++;
		return;
	}
	if (!token_bucket_take(&etr->replies, evloop_now_ms(etr->loop))) {
		etr->c.replies_rate_limited++;
		return;
	}
	hdr.probe = req.probe;
	hdr.nonce = req.nonce;
	hdr.record_count = count;
	/* RFC 9301, 7.1: a probe's reply SHOULD carry the mapping; what the
	 * prober needs is the nonce, so not when that makes it larger than
	 * probe_reply_ratio times the probe. */
	if (req.probe && wire_wr_len(&w) > (size_t)etr->params.probe_reply_ratio * len) {
		etr->c.probe_replies_trimmed++;
		hdr.record_count = 0;
		w.p = etr->out + 12;
	}
	lisp_map_reply_header_encode(&hdr, etr->out, 12, NULL);
	etr->send(etr->send_arg, itr, reply_port, etr->out,
		  sec ? etr_lispsec_seal(etr, sec, etr->out, wire_wr_len(&w), ETR_MSG_MAX)
		      : wire_wr_len(&w));
	if (req.probe)
		etr->c.probes_answered++;
	else
		etr->c.requests_answered++;
}

void etr_input(struct etr *etr, const uint8_t *msg, size_t len, const struct lisp_addr *src,
	       uint16_t src_port)
{
	struct lisp_ecm ecm;
	struct etr_sec sec;

	if (len < 1)
		return;
	switch (msg[0] >> 4) {
	case LISP_MAP_NOTIFY:
		notify_input(etr, msg, len, src, src_port);
		break;
	case LISP_MAP_REQUEST:
		request_answer(etr, msg, len, src_port, NULL);
		break;
	case LISP_ECM:
		if (lisp_ecm_decode(msg, len, &ecm, NULL) < 0 ||
		    ecm.payload[0] >> 4 != LISP_MAP_REQUEST) {
			etr->c.request_decode_errors++;
			return;
		}
		if (etr_lispsec_begin(etr, &ecm, src, &sec) < 0)
			return;
		request_answer(etr, ecm.payload, ecm.payload_len, ecm.inner_sport, &sec);
		break;
	default:
		break;
	}
}
