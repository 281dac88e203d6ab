/* SPDX-License-Identifier: BSD-3-Clause */
#include "map_server.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "log.h"
#include "mapdb.h"
#include "ms_priv.h"


void map_server_params_default(struct ms_params *p)
{
	/* RFC 9301, 8.2: ETRs register every 60 s; a registration lives for
	 * three missed refreshes.  Map-Notify: 1 s, a few tries. */
	p->registration_lifetime_ms = 180 * 1000;
	p->notify_interval_ms = 1000;
	p->notify_retries = 3;
	p->nonce_policy = MS_NONCE_UNIQUE;
	p->max_registrants = 100000;
	p->max_registrants_per_site = 50000;
	p->registrant_hold_ms = 86400ull * 1000;
	p->max_pending_notifies = 16384;
	p->ecdsa_key_cache_slots = 4096;
}

static void ms_changed(void *arg, const struct lisp_prefix *eid, struct reg_eid *entry)
{
	struct map_server *ms = arg;

	ms->c.registrations_changed++;
	for (unsigned int i = 0; i < ms->observer_count; i++)
		ms->observers[i].fn(ms->observers[i].arg, eid, entry);
}

static void ms_expired(void *arg, const struct lisp_prefix *eid, struct reg_eid *entry)
{
	struct map_server *ms = arg;

	ms->c.registrations_expired++;
	ms_changed(ms, eid, entry);
}


struct map_server *map_server_new(struct evloop *loop, struct site_table *sites,
				  const struct ms_params *params, lisp_send_fn send, void *send_arg)
{
	struct map_server *ms = calloc(1, sizeof(*ms));

	if (!ms)
		return NULL;
	ms->loop = loop;
	ms->sites = sites;
	ms->params = *params;
	ms->send = send;
	ms->send_arg = send_arg;
	ms->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	ms->arena_buf = malloc(MS_ARENA_BYTES + MS_NOTIFY_ARENA_BYTES);
	ms->out = malloc(MS_MSG_MAX);
	ms->registry = registry_new(loop, ms_expired, ms);
	/* Room for every registrant's source (registrants move: their old
	 * addresses expire first). */
	ms->verified = addrset_new(params->max_registrants ? params->max_registrants : 65536);
	ms->ecdsa = ms_ecdsa_new(params->ecdsa_key_cache_slots ? params->ecdsa_key_cache_slots
							       : 4096);
	if (!ms->arena_buf || !ms->out || !ms->registry || !ms->verified || !ms->ecdsa) {
		map_server_free(ms);
		return NULL;
	}
	lisp_arena_init(&ms->arena, ms->arena_buf, MS_ARENA_BYTES);
	lisp_arena_init(&ms->notify_arena, ms->arena_buf + MS_ARENA_BYTES, MS_NOTIFY_ARENA_BYTES);
	evtimer_init(&ms->sweep, peer_sweep_fire, ms);
	evtimer_arm(loop, &ms->sweep, PEER_SWEEP_MS);
	return ms;
}

void map_server_free(struct map_server *ms)
{
	if (!ms)
		return;
	evtimer_cancel(ms->loop, &ms->sweep);
	for (size_t i = 0; i < PEER_BUCKETS; i++)
		for (struct ms_peer *p = ms->peers[i], *n; p; p = n) {
			n = p->next;
			free(p);
		}
	for (size_t i = 0; i < PENDING_BUCKETS; i++)
		for (struct ms_pending *p = ms->pending[i], *n; p; p = n) {
			n = p->next;
			evtimer_cancel(ms->loop, &p->timer);
			free(p);
		}
	registry_free(ms->registry);
	addrset_free(ms->verified);
	ms_ecdsa_free(ms->ecdsa);
	free(ms->arena_buf);
	free(ms->out);
	free(ms);
}

int map_server_observe(struct map_server *ms, ms_change_fn fn, void *arg)
{
	if (ms->observer_count == MS_OBSERVERS_MAX)
		return -ENOSPC;
	ms->observers[ms->observer_count++] = (struct ms_observer){ fn, arg };
	return 0;
}

void map_server_unobserve(struct map_server *ms, ms_change_fn fn, void *arg)
{
	for (unsigned int i = 0; i < ms->observer_count; i++) {
		if (ms->observers[i].fn == fn && ms->observers[i].arg == arg) {
			ms->observers[i] = ms->observers[--ms->observer_count];
			return;
		}
	}
}

struct registry *map_server_registry(struct map_server *ms)
{
	return ms->registry;
}

struct evloop *map_server_loop(struct map_server *ms)
{
	return ms->loop;
}

const struct ms_counters *map_server_counters(const struct map_server *ms)
{
	return &ms->c;
}

uint64_t map_server_sites_generation(const struct map_server *ms)
{
	return ms->sites_gen;
}

bool map_server_source_verified(const struct map_server *ms, const struct lisp_addr *a)
{
	return addrset_has(ms->verified, a, evloop_now_ms(ms->loop));
}

size_t map_server_registrant_count(const struct map_server *ms)
{
	return ms->peer_count;
}

size_t map_server_pending_count(const struct map_server *ms)
{
	return ms->pending_count;
}

void map_server_set_limits(struct map_server *ms, const struct ms_params *limits)
{
	ms->params.max_registrants = limits->max_registrants;
	ms->params.max_registrants_per_site = limits->max_registrants_per_site;
	ms->params.registrant_hold_ms = limits->registrant_hold_ms;
	ms->params.max_pending_notifies = limits->max_pending_notifies;
}

static uint64_t random_nonce(void)
{
	uint64_t n = 0;

	while (getrandom(&n, sizeof(n), 0) != sizeof(n))
		;
	return n;
}

/* ---- Map-Notify ----------------------------------------------------------- */

static void pending_unlink(struct map_server *ms, struct ms_pending *p)
{
	struct ms_pending **pp = &ms->pending[p->nonce % PENDING_BUCKETS];

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = p->next;
		ms->pending_count--;
		ms->pending_subscribers -= p->subscriber;
	}
}

/* Room to keep one more Map-Notify for retransmission: subscribers (whom
 * nothing authenticates) within half the room, registrants within all. */
static bool pending_room(const struct map_server *ms, bool subscriber)
{
	if (subscriber)
		return ms->pending_subscribers < ms->params.max_pending_notifies / 2;
	return ms->pending_count < ms->params.max_pending_notifies;
}

static void pending_fire(struct evtimer *t, void *arg)
{
	struct ms_pending *p = arg;
	struct map_server *ms = p->ms;
	struct lisp_addr dst;

	(void)t;
	if (p->tries >= ms->params.notify_retries) {
		ms->c.notify_gave_up++;
		pending_unlink(ms, p);
		free(p);
		return;
	}
	p->tries++;
	ms->c.notify_retransmits++;
	lisp_ipaddr_to_addr(&p->dst, &dst);
	ms->send(ms->send_arg, &dst, p->dst_port, p->msg, p->len);
	evtimer_arm(ms->loop, &p->timer, ms->params.notify_interval_ms << (p->tries - 1));
}

/* Encodes, signs and sends a Map-Notify; keeps it for retransmission when
 * an acknowledgement is expected. */
static int notify_send(struct map_server *ms, struct site *site, const struct lisp_addr *dst,
		       uint16_t dst_port, struct lisp_map_register *n, bool want_ack,
		       bool subscriber)
{
	struct ms_pending *p;
	struct lisp_err err;
	ssize_t len;

	n->type = LISP_MAP_NOTIFY;
	n->alg_id = site->alg_id;
	n->key_id = 0;
	n->auth_len = 0;
	len = lisp_map_register_encode(n, ms->out, MS_MSG_MAX, &err);
	if (len < 0 || lisp_auth_sign(ms->out, (size_t)len, site->key, site->key_len, &err) < 0) {
		/* Per message (a subscription, a registration): rate-limited. */
		log_ratelimited(&ms->rl, LOG_LEVEL_WARN,
				"map-server: cannot build Map-Notify for site %s: %s", site->name,
				err.msg);
		return -EINVAL;
	}
	ms->send(ms->send_arg, dst, dst_port, ms->out, (size_t)len);
	ms->c.notifies_sent++;
	if (!want_ack)
		return 0;
	if (!pending_room(ms, subscriber)) {
		ms->c.notify_untracked++;
		return 0;
	}
	p = malloc(sizeof(*p) + (size_t)len);
	if (!p)
		return -ENOMEM;
	memset(p, 0, sizeof(*p));
	p->ms = ms;
	p->nonce = n->nonce;
	p->site = site;
	lisp_ipaddr_from_addr(&p->dst, dst);
	p->dst_port = dst_port;
	p->len = (size_t)len;
	p->subscriber = subscriber;
	memcpy(p->msg, ms->out, (size_t)len);
	evtimer_init(&p->timer, pending_fire, p);
	evtimer_arm(ms->loop, &p->timer, ms->params.notify_interval_ms);
	p->next = ms->pending[p->nonce % PENDING_BUCKETS];
	ms->pending[p->nonce % PENDING_BUCKETS] = p;
	ms->pending_count++;
	ms->pending_subscribers += subscriber;
	return 0;
}

int map_server_notify(struct map_server *ms, struct site *site, const struct lisp_addr *dst,
		      uint16_t dst_port, struct lisp_map_register *n, bool want_ack)
{
	return notify_send(ms, site, dst, dst_port, n, want_ack, false);
}

int map_server_notify_subscriber(struct map_server *ms, struct site *site,
				 const struct lisp_addr *dst, uint16_t dst_port,
				 struct lisp_map_register *n)
{
	return notify_send(ms, site, dst, dst_port, n, true, true);
}

struct site *map_server_xtr_site(struct map_server *ms, const uint8_t xtr_id[LISP_XTR_ID_LEN],
				 uint64_t site_id)
{
	struct ms_peer_id pid = { .has_xtr_id = true, .site_id = site_id };

	/* One bucket per site, not a walk of every registrant: each
	 * subscription (unauthenticated, floodable) asks this. */
	memcpy(pid.id, xtr_id, LISP_XTR_ID_LEN);
	for (size_t i = 0; i < site_table_count(ms->sites); i++) {
		struct site *s = site_table_at(ms->sites, i);

		for (struct ms_peer *p = ms->peers[peer_hash(s, &pid)]; p; p = p->next)
			if (p->site == s && peer_id_equal(&p->pid, &pid))
				return s;
	}
	return NULL;
}

/* Tells the other xTRs of a changed EID (RFC 9301, 8.2: ETRs that share an
 * EID learn about each other's RLOCs), each expecting an acknowledgement. */
static void notify_xtrs_of_change(struct map_server *ms, struct reg_eid *e,
				  const struct reg_who *except)
{
	struct lisp_map_register n = { 0 };
	struct lisp_record rec;
	struct lisp_addr dst;
	struct lisp_err err;

	for (struct reg_xtr *x = e->xtrs; x; x = x->next) {
		if (!x->want_notify || (except && reg_who_equal(&x->who, except)))
			continue;
		lisp_arena_reset(&ms->notify_arena);
		if (reg_eid_decode(e, &ms->notify_arena, &rec, &err) < 0)
			return;
		memset(&n, 0, sizeof(n));
		n.nonce = random_nonce();
		n.record_count = 1;
		n.records = &rec;
		if (x->who.has_xtr_id) {
			n.xtr_id_present = true;
			memcpy(n.xtr_id, x->who.xtr_id, LISP_XTR_ID_LEN);
			n.site_id = x->who.site_id;
		}
		lisp_ipaddr_to_addr(&x->who.src, &dst);
		notify_send(ms, x->site, &dst, x->who.src_port, &n, true, false);
	}
}

/* ---- Map-Register ----------------------------------------------------------- */

/* register_refuse() finds a reason's counter by its index. */
_Static_assert(offsetof(struct ms_counters, refused_ecdsa_not_host) -
		       offsetof(struct ms_counters, refused_decode_error) ==
		       MS_refused_ecdsa_not_host * sizeof(uint64_t),
	       "MS_REFUSALS counters are contiguous");

static const char *const refusal_names[] = {
#define MS_REFUSAL_NAME(name) &(#name)[sizeof("refused_") - 1],
	MS_REFUSALS(MS_REFUSAL_NAME)
#undef MS_REFUSAL_NAME
};

/* Counts a refused Map-Register under its reason and logs it (rate-limited:
 * an xTR retrying a refused record must not flood the log). */
void register_refuse(struct map_server *ms, enum ms_refusal why, struct site *site,
		const struct lisp_addr *src, const char *fmt, ...)
{
	uint64_t *counter = &ms->c.refused_decode_error + why;
	char from[LISP_ADDR_STR_MAX], detail[LISP_ADDR_STR_MAX + 96];
	va_list ap;

	(*counter)++;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	lisp_addr_format(src, from, sizeof(from));
	log_ratelimited(&ms->rl, LOG_LEVEL_WARN,
			"map-server: Map-Register from %s%s%s refused (%s): %s", from,
			site ? ", site " : "", site ? site->name : "", refusal_names[why], detail);
}

/* The site whose key authenticates the message, among those allowed to
 * register its first EID (*hmac_ok), or else the first of them with auth
 * ecdsa, whose records ms_ecdsa_check() must then all find signed.  NULL
 * and a counter when none. */
static struct site *register_site(struct map_server *ms, const uint8_t *msg, size_t len,
				  const struct lisp_map_register *m, const struct lisp_prefix *first,
				  const struct lisp_addr *src, bool *hmac_ok)
{
	struct site *cand[MS_SITES_PER_EID];
	size_t n = site_table_match(ms->sites, first, cand, MS_SITES_PER_EID);
	char eidtxt[LISP_ADDR_STR_MAX];

	*hmac_ok = false;
	if (n == 0)	/* a hash-EID is no listed name: its crypto prefix */
		n = ms_ecdsa_sites(ms->sites, first, cand, MS_SITES_PER_EID);
	lisp_prefix_format(first, eidtxt, sizeof(eidtxt));
	if (n == 0) {
		ms->c.register_no_site++;
		register_refuse(ms, first->addr.afi == LISP_AFI_DN ? MS_refused_dn_not_listed
								    : MS_refused_no_site,
				NULL, src, "no site lists %s (record 1)", eidtxt);
		return NULL;
	}
	/* RFC 9301 5.6: Key ID names the site's key; each site has one, Key ID
	 * 0 (older implementations read Key ID and Algorithm ID as one 16-bit
	 * "key id" 1 or 2: the same bytes, docs/wire.md). */
	for (size_t i = 0; m->key_id == 0 && i < n; i++) {
		if (cand[i]->alg_id != m->alg_id)
			continue;
		if (lisp_auth_verify(msg, len, cand[i]->key, cand[i]->key_len, NULL) == 0) {
			*hmac_ok = true;
			return cand[i];
		}
	}
	/* auth ecdsa: signatures stand in for the HMAC (checked later). */
	for (size_t i = 0; i < n; i++)
		if (cand[i]->auth == SITE_AUTH_ECDSA)
			return cand[i];
	if (m->key_id != 0) {
		for (size_t i = 0; i < n; i++)
			cand[i]->auth_failures++;
		ms->c.register_auth_failures++;
		register_refuse(ms, MS_refused_auth_failed, NULL, src,
				"Key ID %u names no key of a site for %s (each site's key is Key ID 0)",
				m->key_id, eidtxt);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		cand[i]->auth_failures++;
	ms->c.register_auth_failures++;
	register_refuse(ms, MS_refused_auth_failed, NULL, src,
			"no site allowed to register %s authenticates it", eidtxt);
	return NULL;
}

/* May site hold eid next to the sites already registered for it? */
static bool register_share_ok(const struct registry *r, const struct site *site,
			      const struct lisp_prefix *eid)
{
	struct reg_eid *e = registry_exact(r, eid);

	if (!e)
		return true;
	for (struct reg_xtr *x = e->xtrs; x; x = x->next)
		if (x->site != site && (!site->allow_shared || !x->site->allow_shared))
			return false;
	return true;
}

/* Every record of m, before any is applied: all acceptable, or the
 * message is refused whole and nothing changes (RFC 9301 §8.2; one
 * unacceptable record costs the sender that message, never more). */
static int register_validate(struct map_server *ms, const struct lisp_map_register *m,
			     const struct lisp_prefix *eids, struct site *site,
			     const struct lisp_addr *src)
{
	char eidtxt[LISP_ADDR_STR_MAX];
	struct lisp_err err;

	for (unsigned int i = 0; i < m->record_count; i++) {
		enum ms_refusal why;

		if (!site_allows(site, &eids[i]) && !ms_ecdsa_allows(site, &eids[i]))
			why = eids[i].addr.afi == LISP_AFI_DN ? MS_refused_dn_not_listed
							      : MS_refused_eid_not_in_site;
		else if (!register_share_ok(ms->registry, site, &eids[i]))
			why = MS_refused_shared_eid;
		else if (m->records[i].ttl && registry_record_check(&m->records[i], &err) < 0)
			why = MS_refused_record_too_big;
		else
			continue;
		site->eid_rejections++;
		ms->c.register_eid_rejected++;
		lisp_prefix_format(&eids[i], eidtxt, sizeof(eidtxt));
		register_refuse(ms, why, site, src, "%s (record %u of %u; none applied)", eidtxt,
				i + 1, m->record_count);
		return -EPERM;
	}
	return 0;
}

static int register_apply(struct map_server *ms, const struct lisp_map_register *m,
			  const struct lisp_prefix *eids, struct site *site,
			  const struct reg_who *who)
{
	struct lisp_err err;

	for (unsigned int i = 0; i < m->record_count; i++) {
		struct reg_eid *e = NULL;
		bool changed = false;

		if (m->records[i].ttl == 0) {
			/* TTL 0: this xTR withdraws its registration. */
			e = registry_exact(ms->registry, &eids[i]);
			for (struct reg_xtr *x = e ? e->xtrs : NULL; x; x = x->next)
				if (reg_who_equal(&x->who, who)) {
					changed = registry_remove_xtr(ms->registry, &e, x);
					break;
				}
		} else if (registry_update(ms->registry, &eids[i], &m->records[i], who, site,
					   m->proxy_reply, m->want_notify, evloop_now_ms(ms->loop),
					   ms->params.registration_lifetime_ms, &e, &changed,
					   &err) < 0) {
			/* Only memory can run out here: every record was checked.
			 * No Map-Notify: the xTR sends it all again. */
			ms->c.register_errors++;
			ms->c.refused_store_error++;
			log_ratelimited(&ms->rl, LOG_LEVEL_WARN,
					"map-server: cannot store registration: %s", err.msg);
			return -ENOMEM;
		}
		if (changed) {
			ms_changed(ms, &eids[i], e);
			if (e)
				notify_xtrs_of_change(ms, e, who);
		}
	}
	return 0;
}

static void register_input(struct map_server *ms, const uint8_t *msg, size_t len,
			   const struct lisp_addr *src, uint16_t src_port)
{
	struct lisp_prefix eids[LISP_RECORDS_MAX];
	struct lisp_map_register m;
	struct reg_who who = { 0 };
	struct ms_peer_id pid;
	struct ms_peer *peer;
	struct lisp_err err;
	struct site *site;
	bool full = false, hmac_ok;

	ms->c.registers_received++;
	lisp_arena_reset(&ms->arena);
	if (lisp_map_register_decode(msg, len, &ms->arena, &m, &err) < 0) {
		ms->c.register_decode_errors++;
		register_refuse(ms, MS_refused_decode_error, NULL, src, "%s", err.msg);
		return;
	}
	if (m.record_count == 0) {
		ms->c.register_decode_errors++;
		register_refuse(ms, MS_refused_no_records, NULL, src, "no EID-record");
		return;
	}
	for (unsigned int i = 0; i < m.record_count; i++)
		if (lisp_waddr_to_prefix(&m.records[i].eid, m.records[i].mask_len, &eids[i], &err) < 0) {
			ms->c.register_eid_rejected++;
			register_refuse(ms, MS_refused_eid_invalid, NULL, src, "record %u: %s", i + 1,
					err.msg);
			return;
		}
	site = register_site(ms, msg, len, &m, &eids[0], src, &hmac_ok);
	if (!site || register_validate(ms, &m, eids, site, src) < 0)
		return;
	if (site->auth != SITE_AUTH_HMAC && ms_ecdsa_check(ms, site, hmac_ok, &m, eids, src) < 0)
		return;
	who.has_xtr_id = m.xtr_id_present;
	memcpy(who.xtr_id, m.xtr_id, LISP_XTR_ID_LEN);
	who.site_id = m.site_id;
	lisp_ipaddr_from_addr(&who.src, src);
	who.src_port = src_port;
	peer = peer_id_of(&m, eids, &pid) == 0 ? peer_get(ms, site, &pid, &full) : NULL;
	if (full) {
		register_refuse(ms, MS_refused_registrants_full, site, src,
				"no room for a new registrant (%zu in all, %u of this site)",
				ms->peer_count, site->registrants);
		return;
	}
	if (!peer) {
		ms->c.register_errors++;
		ms->c.refused_store_error++;
		return;
	}
	if (!peer_nonce_fresh(ms, peer, m.nonce)) {
		site->replays++;
		ms->c.register_replays++;
		register_refuse(ms, MS_refused_replay, site, src, "nonce already used");
		return;
	}
	peer_nonce_accept(peer, m.nonce, evloop_now_ms(ms->loop));
	if (register_apply(ms, &m, eids, site, &who) < 0)
		return;
	site->registers_accepted++;
	ms->c.registers_accepted++;
	/* Only the key's holder makes a fresh Map-Register accepted: its
	 * source is a verified address while the registration lives. */
	addrset_note(ms->verified, src, evloop_now_ms(ms->loop),
		     evloop_now_ms(ms->loop) + ms->params.registration_lifetime_ms);
	ms->c.verified_sources_evicted = addrset_evictions(ms->verified);
	if (m.want_notify) {
		/* RFC 9301, 5.7: the acknowledgement echoes nonce and records. */
		struct lisp_map_register n = m;

		notify_send(ms, site, src, src_port, &n, false, false);
	}
}

static void notify_ack_input(struct map_server *ms, const uint8_t *msg, size_t len)
{
	struct lisp_map_register m;
	struct ms_pending *p;
	struct lisp_err err;

	lisp_arena_reset(&ms->arena);
	if (lisp_map_register_decode(msg, len, &ms->arena, &m, &err) < 0) {
		ms->c.notify_ack_errors++;
		return;
	}
	for (p = ms->pending[m.nonce % PENDING_BUCKETS]; p && p->nonce != m.nonce; p = p->next)
		;
	if (!p || lisp_auth_verify(msg, len, p->site->key, p->site->key_len, NULL) < 0) {
		ms->c.notify_ack_errors++;
		return;
	}
	ms->c.notify_acks_received++;
	evtimer_cancel(ms->loop, &p->timer);
	pending_unlink(ms, p);
	free(p);
}

void map_server_input(struct map_server *ms, const uint8_t *msg, size_t len,
		      const struct lisp_addr *src, uint16_t src_port)
{
	if (len < 1)
		return;
	switch (msg[0] >> 4) {
	case LISP_MAP_REGISTER:
		register_input(ms, msg, len, src, src_port);
		break;
	case LISP_MAP_NOTIFY_ACK:
		notify_ack_input(ms, msg, len);
		break;
	default:
		break;
	}
}

struct remap_ctx {
	struct map_server *ms;
	struct lisp_prefix *gone;	/* EIDs whose xTRs must go */
	size_t gone_count, gone_cap;
};

static int remap_entry(const struct lisp_prefix *eid, void *value, void *arg)
{
	struct remap_ctx *ctx = arg;
	struct reg_eid *e = value;

	for (struct reg_xtr *x = e->xtrs; x; x = x->next) {
		struct site *s = site_table_find(ctx->ms->sites, x->site->name);

		if (s && (site_allows(s, eid) || ms_ecdsa_allows(s, eid))) {
			x->site = s;
			continue;
		}
		x->site = NULL;	/* marked: removed below, outside the walk */
		if (ctx->gone_count == ctx->gone_cap) {
			size_t cap = ctx->gone_cap ? 2 * ctx->gone_cap : 64;
			struct lisp_prefix *g = realloc(ctx->gone, cap * sizeof(*g));

			if (!g)
				return -ENOMEM;
			ctx->gone = g;
			ctx->gone_cap = cap;
		}
		ctx->gone[ctx->gone_count++] = *eid;
	}
	return 0;
}

void map_server_set_nonce_policy(struct map_server *ms, enum ms_nonce_policy policy)
{
	ms->params.nonce_policy = policy;
}

void map_server_set_sites(struct map_server *ms, struct site_table *sites)
{
	struct remap_ctx ctx = { .ms = ms };

	ms->sites = sites;
	ms->sites_gen++;
	mapdb_walk(registry_db(ms->registry), NULL, remap_entry, &ctx);
	for (size_t i = 0; i < ctx.gone_count; i++) {
		struct reg_eid *e = registry_exact(ms->registry, &ctx.gone[i]);
		struct reg_xtr *x = e ? e->xtrs : NULL;

		while (e && x) {
			struct reg_xtr *next = x->next;

			if (!x->site && registry_remove_xtr(ms->registry, &e, x))
				ms_changed(ms, &ctx.gone[i], e);
			x = e ? next : NULL;
		}
	}
	free(ctx.gone);
	/* Replay state and pending notifies name sites: re-point or drop. */
	for (size_t i = 0; i < site_table_count(sites); i++)
		site_table_at(sites, i)->registrants = 0;
	for (size_t i = 0; i < PEER_BUCKETS; i++)
		for (struct ms_peer **pp = &ms->peers[i]; *pp;) {
			struct site *s = site_table_find(sites, (*pp)->site->name);

			if (s) {
				(*pp)->site = s;
				s->registrants++;	/* a new table counts from 0 */
				pp = &(*pp)->next;
			} else {
				struct ms_peer *dead = *pp;

				*pp = dead->next;
				ms->peer_count--;
				free(dead);
			}
		}
	for (size_t i = 0; i < PENDING_BUCKETS; i++)
		for (struct ms_pending *p = ms->pending[i], *n; p; p = n) {
			n = p->next;
			p->site = site_table_find(sites, p->site->name);
			if (!p->site) {
				evtimer_cancel(ms->loop, &p->timer);
				pending_unlink(ms, p);
				free(p);
			}
		}
}
