/* SPDX-License-Identifier: BSD-3-Clause */
#include "map_resolver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cats.h"
#include "log.h"
#include "mapdb.h"
#include "ms_ddt.h"
#include "pubsub.h"
#include "ratelimit.h"
#include "requesters.h"
#include "token_bucket.h"

#define MR_ARENA_BYTES	LISP_DECODE_ARENA_BYTES	/* any datagram decodes */
#define MR_MSG_MAX	9000

struct map_resolver {
	struct evloop *loop;
	struct mr_params params;
	struct map_server *ms;
	struct site_table *sites;
	struct pubsub *pubsub;
	struct cats_policies cats;
	lisp_send_fn send;
	void *send_arg;
	struct ratelimit *rl;
	/* Every reply and forward to an unauthenticated request, all sources
	 * together: spoofed sources each get a fresh per-source bucket, never
	 * more of this one. */
	struct token_bucket global;
	struct token_bucket verified;	/* requests from verified ITRs */
	bool cur_verified;		/* the request being answered */
	struct lisp_prefix *trusted_itrs;
	/* Where the request being answered goes on (mr_forward.h). */
	struct mr_hops hops;
	uint8_t cur_rec;
	/* Registrations proxy-replied in the request being answered: each
	 * goes in once, however many of its records name it. */
	const struct reg_eid *replied[255];
	unsigned int replied_count;
	struct mr_counters c;
	struct lisp_arena arena;
	uint8_t *arena_buf;
	uint8_t *out;
	uint8_t *fwd;			/* an ECM re-encapsulated for the next hop */
	struct mr_delegations *delegations;
	struct mr_sec *sec;		/* LISP-SEC of the request being answered */
	struct mr_health *health;	/* NULL: no probes */
	struct mr_ecdsa *ecdsa;		/* NULL: signed-requests off */
	struct mr_local local;
	struct log_ratelimit log_rl;
	/* The ITRs proxy-replied to, per registered prefix (requesters.h):
	 * when that mapping changes, or a more-specific is registered under
	 * it (an agent that moved), they get an SMR; subscribers also get a
	 * Map-Notify (pubsub.c).  The request being answered sets cur_itr. */
	struct mapdb *asked;
	const struct lisp_addr *cur_itr;
	uint16_t cur_port;
	uint64_t smr_nonce;
	size_t asked_total;		/* requesters in all the lists */
	/* map-resolver.ddt: records of the request being answered that go to
	 * the DDT Map-Resolver once it is answered. */
	mr_ddt_fn ddt_fn;
	void *ddt_arg;
	bool ddt_ok;		/* the request is an ITR's, not DDT-originated */
	unsigned int ddt_count;
	uint8_t ddt_recs[255];
	struct lisp_prefix *ddt_eids;
	/* A DDT-originated request (ECM D bit) to this Map-Server: what its
	 * Map-Referral says, record by record (ms_ddt.h). */
	bool cur_ddt;
	struct ms_ddt_referral *ddt;
	struct ms_ddt_peers ddt_peers;
};

/* As long as an ITR may cache a mapping (the registrations' usual 1440 min). */
#define MR_ASKED_MAX_AGE_MS	(1440ull * 60000)
#define MR_ASKED_MAX		64	/* ITRs remembered per prefix */
/* Prefixes with a list: bounded, so that a scan of a large database does
 * not grow the Map-Server without end; beyond, replies go untracked. */
#define MR_ASKED_PREFIXES_MAX	65536

void map_resolver_params_default(struct mr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->negative_ttl_min = 15;
	p->unregistered_ttl_min = 1;
	p->rate = 1000;
	p->burst = 2000;
	p->rate_sources = 65536;
	p->smr_requesters = 131072;
	p->global_rate = 10000;
	p->global_burst = 20000;
	p->verified_rate = 10000;
	p->verified_burst = 20000;
	p->next_hops_max = 1;
	p->ecdsa = (struct mr_ecdsa_params){ .mode = MR_SIGNED_OFF };
}

/* The ITR of the request being answered was proxy-replied the mapping of
 * prefix: it may cache it. */
static void asked_note(struct map_resolver *mr, const struct lisp_prefix *prefix)
{
	struct requesters *rs, *before;
	unsigned int had;

	if (!mr->cur_itr)
		return;
	/* Full: untracked, without even a lookup (the reply path's cost).
	 * The requesters are whoever an ITR-RLOC names, spoofable: in all
	 * at most smr_requesters of REQUESTER_BYTES (docs/security.md). */
	if (mapdb_count(mr->asked) >= MR_ASKED_PREFIXES_MAX ||
	    mr->asked_total >= mr->params.smr_requesters) {
		mr->c.smr_untracked++;
		return;
	}
	rs = before = mapdb_exact(mr->asked, prefix);
	had = rs ? rs->count : 0;
	if (requesters_note(&rs, MR_ASKED_MAX, mr->cur_itr, mr->cur_port,
			    evloop_now_ms(mr->loop)) < 0)
		return;
	mr->asked_total += rs->count - had;
	if (rs == before)
		return;
	/* (Re)allocated: the table points at the new list. */
	if (mapdb_insert(mr->asked, prefix, rs, NULL) < 0) {
		if (before)
			mapdb_remove(mr->asked, prefix);
		mr->asked_total -= rs->count;
		free(rs);
	}
}

/* SMRs for eid to the ITRs that were given prefix (eid itself or one that
 * covers it). */
static void smr_asked(struct map_resolver *mr, const struct lisp_prefix *prefix,
		      const struct lisp_prefix *eid)
{
	struct requesters *rs = mapdb_exact(mr->asked, prefix);
	struct lisp_waddr none = { .afi = LISP_AFI_NONE };
	uint64_t now = evloop_now_ms(mr->loop);
	unsigned int had = rs ? rs->count : 0;
	ssize_t n;

	if (!rs)
		return;
	requesters_expire(rs, now, MR_ASKED_MAX_AGE_MS);
	mr->asked_total -= had - rs->count;
	if (!rs->count)
		return;
	n = smr_encode(eid, &none, ++mr->smr_nonce, mr->out, MR_MSG_MAX);
	if (n < 0)
		return;
	for (unsigned int i = 0; i < rs->count; i++) {
		struct lisp_addr dst;

		requester_addr(&rs->r[i], &dst);
		mr->send(mr->send_arg, &dst, LISP_CONTROL_PORT, mr->out, (size_t)n);
		mr->c.smr_sent++;
	}
}

/* A registration changed (map_server_observe()): the ITRs that cache eid
 * or a prefix covering it ask again (RFC 9301, 6.1). */
static void mr_changed(void *arg, const struct lisp_prefix *eid, struct reg_eid *entry)
{
	struct map_resolver *mr = arg;

	for (int plen = eid->plen; plen >= 0; plen--) {
		struct lisp_prefix up = *eid;

		up.plen = (uint8_t)plen;
		lisp_prefix_mask(&up);
		smr_asked(mr, &up, eid);
	}
	if (!entry) {	/* gone: nobody will be given it again */
		struct requesters *rs = mapdb_remove(mr->asked, eid);

		mr->asked_total -= rs ? rs->count : 0;
		free(rs);
	}
}

struct map_resolver *map_resolver_new(struct evloop *loop, const struct mr_params *params,
				      struct map_server *ms, struct site_table *sites,
				      lisp_send_fn send, void *send_arg)
{
	struct map_resolver *mr = calloc(1, sizeof(*mr));

	if (!mr)
		return NULL;
	mr->loop = loop;
	mr->params = *params;
	mr->ms = ms;
	mr->sites = sites;
	mr->send = send;
	mr->send_arg = send_arg;
	mr->log_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	mr->rl = ratelimit_new(params->rate, params->burst, params->rate_sources);
	token_bucket_init(&mr->global, params->global_rate, params->global_burst,
			  evloop_now_ms(loop));
	token_bucket_init(&mr->verified, params->verified_rate, params->verified_burst,
			  evloop_now_ms(loop));
	if (params->trusted_itr_count) {
		mr->trusted_itrs = calloc(params->trusted_itr_count, sizeof(*mr->trusted_itrs));
		if (!mr->trusted_itrs) {
			map_resolver_free(mr);
			return NULL;
		}
		memcpy(mr->trusted_itrs, params->trusted_itrs,
		       params->trusted_itr_count * sizeof(*mr->trusted_itrs));
	}
	mr->params.trusted_itrs = mr->trusted_itrs;
	mr->arena_buf = malloc(MR_ARENA_BYTES);
	mr->out = malloc(MR_MSG_MAX);
	mr->fwd = malloc(MR_MSG_MAX);
	mr->delegations = mr_delegations_new();
	mr->ddt = malloc(sizeof(*mr->ddt));
	if (params->ecdsa.mode != MR_SIGNED_OFF)
		mr->ecdsa = mr_ecdsa_new(&params->ecdsa, evloop_now_ms(loop));
	mr->sec = mr_sec_new(params->lisp_sec, params->lisp_sec_aes, params->lisp_sec_key);
	if ((params->ecdsa.mode != MR_SIGNED_OFF && !mr->ecdsa) || !mr->rl || !mr->arena_buf ||
	    !mr->out || !mr->fwd || !mr->delegations || !mr->ddt || !mr->sec) {
		map_resolver_free(mr);
		return NULL;
	}
	lisp_arena_init(&mr->arena, mr->arena_buf, MR_ARENA_BYTES);
	mr->asked = mapdb_new();
	if (!mr->asked || (ms && map_server_observe(ms, mr_changed, mr) < 0)) {
		map_resolver_free(mr);
		return NULL;
	}
	return mr;
}

static int asked_free(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	free(value);
	return 0;
}

void map_resolver_free(struct map_resolver *mr)
{
	if (!mr)
		return;
	if (mr->ms)
		map_server_unobserve(mr->ms, mr_changed, mr);
	if (mr->asked) {
		mapdb_walk(mr->asked, NULL, asked_free, NULL);
		mapdb_free(mr->asked);
	}
	ratelimit_free(mr->rl);
	free(mr->trusted_itrs);
	mr_health_free(mr->health);
	mr_ecdsa_free(mr->ecdsa);
	mr_delegations_free(mr->delegations);
	free(mr->arena_buf);
	free(mr->out);
	free(mr->fwd);
	free(mr->ddt_eids);
	free(mr->ddt);
	mr_sec_free(mr->sec);
	free(mr);
}

void map_resolver_set_ddt(struct map_resolver *mr, mr_ddt_fn fn, void *arg)
{
	if (fn && !mr->ddt_eids && !(mr->ddt_eids = calloc(255, sizeof(*mr->ddt_eids))))
		fn = NULL;	/* out of memory: answered as without DDT */
	mr->ddt_fn = fn;
	mr->ddt_arg = arg;
}

void map_resolver_set_ddt_peers(struct map_resolver *mr, const struct lisp_addr *peers,
				size_t count)
{
	mr->ddt_peers.count = 0;
	for (size_t i = 0; i < count && i < MS_DDT_PEERS_MAX; i++)
		mr->ddt_peers.addr[mr->ddt_peers.count++] = peers[i];
}

void map_resolver_set_pubsub(struct map_resolver *mr, struct pubsub *ps)
{
	mr->pubsub = ps;
}

void map_resolver_set_cats(struct map_resolver *mr, const struct cats_policies *p)
{
	if (p)
		mr->cats = *p;
	else
		memset(&mr->cats, 0, sizeof(mr->cats));
}

int map_resolver_add_delegation(struct map_resolver *mr, const struct lisp_prefix *eid,
				const struct lisp_addr *ms, uint16_t port)
{
	struct mr_ms m = { .addr = *ms, .port = port };

	return mr_delegations_add(mr->delegations, eid, &m);
}

void map_resolver_set_local(struct map_resolver *mr, const struct mr_local *local)
{
	if (local)
		mr->local = *local;
	else
		memset(&mr->local, 0, sizeof(mr->local));
}

int map_resolver_set_health(struct map_resolver *mr, const struct mr_health_params *p)
{
	mr_health_free(mr->health);
	mr->health = NULL;
	if (!p->interval_ms || !mr_delegations_count(mr->delegations))
		return 0;
	mr->health = mr_health_new(mr->loop, mr->delegations, p, mr->send, mr->send_arg);
	return mr->health ? 0 : -ENOMEM;
}

bool map_resolver_referral_input(struct map_resolver *mr, const uint8_t *msg, size_t len,
				 const struct lisp_addr *src, uint16_t src_port)
{
	(void)src_port;
	return mr->health && mr_health_referral_input(mr->health, msg, len, src);
}

struct mr_delegations *map_resolver_delegations(struct map_resolver *mr)
{
	return mr->delegations;
}

const struct mr_health_params *map_resolver_health_params(const struct map_resolver *mr)
{
	return mr->health ? mr_health_params(mr->health) : NULL;
}

void map_resolver_carry_health(struct map_resolver *next, struct map_resolver *prev)
{
	mr_delegations_carry(next->delegations, prev->delegations);
	if (next->health)
		mr_health_reindex(next->health);	/* counts its own failure */
}

const struct mr_counters *map_resolver_counters(const struct map_resolver *mr)
{
	/* The health module counts on its own; its counters are shown with
	 * the Map-Resolver's (mr is never a const object: the cast is sound). */
	struct map_resolver *m = (struct map_resolver *)mr;
	const struct mr_health_counters *h = mr->health ? mr_health_counters(mr->health) : NULL;
	const struct mr_ecdsa_counters *ec = mr->ecdsa ? mr_ecdsa_counters(mr->ecdsa) : NULL;

#define MR_SYNC(name) m->c.name = h->name;
	if (h) {
		MR_HEALTH_COUNTERS(MR_SYNC)
	}
#undef MR_SYNC
#define MR_SYNC(name) m->c.name = ec->name;
	if (ec) {
		MR_ECDSA_COUNTERS(MR_SYNC)
	}
#undef MR_SYNC
	return &mr->c;
}

/* Where the answer goes: the first ITR-RLOC we can send to. */
static const struct lisp_addr *reply_rloc(const struct lisp_map_request *req)
{
	for (unsigned int i = 0; i < req->itr_rloc_count; i++) {
		const struct lisp_waddr *w = &req->itr_rlocs[i];

		if (w->afi == LISP_AFI_IPV4 || w->afi == LISP_AFI_IPV6)
			return &w->plain;
	}
	return NULL;
}

/* Appends a negative record for prefix with action and TTL (LISP-SEC: noted). */
static int put_negative(struct map_resolver *mr, struct wire_wr *w,
			const struct lisp_prefix *prefix, uint8_t action, uint32_t ttl_min,
			struct lisp_err *err)
{
	struct lisp_record rec = { .ttl = ttl_min, .mask_len = prefix->plen, .action = action,
				   .authoritative = false };
	struct lisp_waddr inner;

	mr_sec_reply_note(mr->sec, prefix, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, prefix);
	return lisp_record_encode(w, &rec, err);
}

/* The record being answered goes on to a next hop (sent once the whole
 * request is answered, mr_forward.h); past the request's next hops it is
 * dropped and counted. */
static void hop_note(struct map_resolver *mr, enum mr_hop_kind kind, const struct lisp_addr *dst,
		     uint16_t port)
{
	if (mr_hops_add(&mr->hops, kind, dst, port, mr->cur_rec) < 0)
		mr->c.forward_records_dropped++;
}

/* One more reply or forward: under the verified ITRs' limit for theirs,
 * under the global limit for everyone else's. */
static bool out_allowed(struct map_resolver *mr)
{
	if (mr->cur_verified) {
		if (token_bucket_take(&mr->verified, evloop_now_ms(mr->loop)))
			return true;
		mr->c.replies_verified_limited++;
		return false;
	}
	if (token_bucket_take(&mr->global, evloop_now_ms(mr->loop)))
		return true;
	mr->c.replies_global_limited++;
	return false;
}

static bool addr_trusted(const struct map_resolver *mr, const struct lisp_addr *a)
{
	struct lisp_prefix host = { .plen = a->afi == LISP_AFI_IPV4 ? 32 : 128, .addr = *a };

	if (a->afi != LISP_AFI_IPV4 && a->afi != LISP_AFI_IPV6)
		return false;
	for (size_t i = 0; i < mr->params.trusted_itr_count; i++)
		if (lisp_prefix_covers(&mr->trusted_itrs[i], &host))
			return true;
	return mr->ms && map_server_source_verified(mr->ms, a);
}

/* Verified: the source cannot be spoofed, and neither can the ITR-RLOC the
 * reply goes to (else a verified source could aim replies anywhere). */
static bool request_verified(const struct map_resolver *mr, const struct lisp_addr *src,
			     const struct lisp_addr *itr)
{
	return addr_trusted(mr, src) && (lisp_addr_equal(src, itr) || addr_trusted(mr, itr));
}

/* The request goes on: one ECM per next hop, with that hop's records;
 * this process's ETR is called, not sent to (it limits its own replies). */
static void hops_send(struct map_resolver *mr, const struct lisp_ecm *ecm,
		      const struct lisp_map_request *req)
{
	for (unsigned int i = 0; i < mr->hops.count; i++) {
		const struct mr_hop *hop = &mr->hops.hop[i];
		ssize_t n = mr_sec_hop_ecm(mr->sec, hop, ecm, req, &mr->arena, mr->fwd,
					   MR_MSG_MAX, &mr->c);

		if (n == 0) {
			mr->c.forward_hop_limit++;
			log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN, "map-resolver: Map-Request "
					"dropped, inner TTL spent (forwarding loop?)");
			continue;
		}
		if (n < 0) {	/* its records do not encode again within the request */
			mr->c.forward_records_dropped += hop->count;
			continue;
		}
		if (hop->kind == MR_HOP_LOCAL) {
			mr->c.requests_local_etr++;
			mr->local.etr_input(mr->local.arg, mr->fwd, (size_t)n);
			continue;
		}
		if (!out_allowed(mr))
			continue;
		mr->send(mr->send_arg, &hop->addr, hop->port, mr->fwd, (size_t)n);
		if (hop->kind == MR_HOP_ETR)
			mr->c.requests_forwarded++;
		else
			mr->c.requests_forwarded_ms++;
	}
}

static bool skip_self(void *arg, const struct reg_xtr *x)
{
	struct map_resolver *mr = arg;

	return mr->local.is_self && mr->local.is_self(mr->local.arg, &x->who);
}

/*
 * Registered, no proxy reply (RFC 9301, 8.2): the ECM goes on to an RLOC
 * the ETR registered, never to the Map-Register's UDP source, and never
 * back into this process over the network: our own ETR is called directly.
 */
static void forward_to_etr(struct map_resolver *mr, const struct reg_eid *e)
{
	struct lisp_addr rloc;
	bool self;

	mr_sec_forward_note(mr->sec, mr->cur_rec, &e->eid, mr_sec_site(e));
	if (mr_etr_rloc(e, &mr->arena, skip_self, mr, &rloc, &self)) {
		if (mr->local.is_self_addr && mr->local.is_self_addr(mr->local.arg, &rloc)) {
			mr->c.forward_to_self++;
			return;
		}
		hop_note(mr, MR_HOP_ETR, &rloc, LISP_CONTROL_PORT);
		return;
	}
	if (self && mr->local.etr_input) {
		hop_note(mr, MR_HOP_LOCAL, NULL, 0);
		return;
	}
	mr->c.forward_no_rloc++;
}

/*
 * The negative prefix for an unregistered EID inside a configured site
 * (RFC 9301, 8.1: "the least-specific prefix that both matches the
 * original query and does not match any EID-Prefix known to exist"): the
 * shortest prefix around the EID that holds no registration, but never
 * shorter than the site's own prefix, so that the reply says nothing about
 * EID space outside the site.  A registered more-specific elsewhere in the
 * site stays reachable: the ITR's negative entry does not cover it.
 */
static void negative_in_site(struct map_resolver *mr, const struct lisp_prefix *eid,
			     const struct lisp_prefix *site, struct lisp_prefix *out)
{
	if (!mr->ms) {
		*out = *site;
		return;
	}
	/* A registered host inside a requested prefix: only that prefix. */
	if (!mapdb_uncovered(registry_db(map_server_registry(mr->ms)), eid, out)) {
		*out = *eid;
		return;
	}
	if (out->plen < site->plen) {
		*out = *eid;
		out->plen = site->plen;
		lisp_prefix_mask(out);
	}
}

/* Outside every site and delegation: the least-specific prefix around the
 * EID that overlaps none of them (RFC 9301, 8.1), natively forwarded. */
static void negative_outside(struct map_resolver *mr, const struct lisp_prefix *eid,
			     struct lisp_prefix *out)
{
	struct lisp_prefix d;

	if (!mapdb_uncovered(site_table_db(mr->sites), eid, out))
		*out = *eid;	/* a DN: only itself */
	if (mapdb_uncovered(mr_delegations_db(mr->delegations), eid, &d) && d.plen > out->plen)
		*out = d;
}

static int answer_record(struct map_resolver *mr, const struct lisp_prefix *eid,
			 struct wire_wr *w, struct lisp_err *err);
static int answer_found(struct map_resolver *mr, const struct lisp_prefix *eid,
			struct reg_eid *e, struct wire_wr *w, struct lisp_err *err);

/* Notes the record's Map-Referral record; past 255 it is counted. */
static void ddt_note(struct map_resolver *mr, uint8_t action, const struct lisp_prefix *eid)
{
	if (ms_ddt_referral_add(mr->ddt, action, eid) < 0)
		mr->c.ddt_referral_errors++;
}

/*
 * A DDT-originated request's record (RFC 8111 section 7.2, ms_ddt.h):
 * registered, MS-ACK and the request handled as any other (a proxy reply
 * to the ITR, or on to the ETR); configured, not registered,
 * MS-NOT-REGISTERED for the least-specific prefix of the site that holds no
 * registration (as a negative Map-Reply would name, RFC 9301 8.1); neither,
 * NOT-AUTHORITATIVE for the EID itself (ms_ddt.h).  The negative cases send no Map-Reply: the
 * DDT Map-Resolver answers the ITR from the referral (RFC 8111 7.3.1).
 */
static int answer_ddt(struct map_resolver *mr, const struct lisp_prefix *eid,
		      struct reg_eid *e, struct wire_wr *w, struct lisp_err *err)
{
	struct lisp_prefix neg;
	int rc;

	if (e) {
		ddt_note(mr, LISP_REF_MS_ACK, &e->eid);
		mr->c.ddt_ms_ack++;
		mr->cur_ddt = false;	/* the usual answer, from here on */
		rc = answer_found(mr, eid, e, w, err);
		mr->cur_ddt = true;
		return rc;
	}
	if (site_table_covering(mr->sites, eid, &neg)) {
		struct lisp_prefix site = neg;

		negative_in_site(mr, eid, &site, &neg);
		ddt_note(mr, LISP_REF_MS_NOT_REGISTERED, &neg);
		mr->c.ddt_ms_not_registered++;
		return 0;
	}
	ddt_note(mr, LISP_REF_NOT_AUTHORITATIVE, eid);
	mr->c.ddt_not_authoritative++;
	return 0;
}

/*
 * Answers one EID-record of the request into w: returns 1 when a record was
 * written, 0 when the record goes on to a next hop (an ETR, a Map-Server,
 * or this process's ETR) instead, or names a registration already in the
 * reply.
 */
static int answer_record(struct map_resolver *mr, const struct lisp_prefix *eid,
			 struct wire_wr *w, struct lisp_err *err)
{
	struct reg_eid *e = mr->ms ? registry_lookup(map_server_registry(mr->ms), eid) : NULL;

	if (mr->cur_ddt)
		return answer_ddt(mr, eid, e, w, err);
	return answer_found(mr, eid, e, w, err);
}

/* answer_record() once eid's registration, e (NULL: none), is looked up. */
static int answer_found(struct map_resolver *mr, const struct lisp_prefix *eid,
			struct reg_eid *e, struct wire_wr *w, struct lisp_err *err)
{
	const struct mr_ms *next;
	struct lisp_prefix neg;

	if (e && (e->proxy_reply || mr_sec_proxies(mr->sec, mr_sec_site(e)))) {
		for (unsigned int i = 0; i < mr->replied_count; i++)
			if (mr->replied[i] == e) {
				mr->c.reply_records_repeated++;
				return 0;
			}
		mr->replied[mr->replied_count++] = e;
		if (wire_put_bytes(w, e->merged, e->merged_len) < 0)
			return lisp_err_set(err, ENOSPC, "Map-Reply too large");
		mr->c.replies_proxy++;
		mr_sec_reply_note(mr->sec, &e->eid, mr_sec_site(e));
		asked_note(mr, &e->eid);
		return 1;
	}
	if (e) {
		forward_to_etr(mr, e);
		return 0;
	}
	/* Not registered here but in this process's ETR database: it answers
	 * (a Map-Resolver beside the ETR must not send the request round the
	 * mapping system back to itself). */
	if (mr->local.etr_serves && mr->local.etr_serves(mr->local.arg, eid)) {
		hop_note(mr, MR_HOP_LOCAL, NULL, 0);
		return 0;
	}
	if (site_table_covering(mr->sites, eid, &neg)) {
		struct lisp_prefix site = neg;

		negative_in_site(mr, eid, &site, &neg);
		mr->c.replies_negative++;
		return put_negative(mr, w, &neg, LISP_ACT_SEND_MAP_REQUEST,
				    mr->params.unregistered_ttl_min, err) < 0 ? -ENOSPC : 1;
	}
	next = mr_delegations_pick(mr->delegations, eid);
	if (next) {
		hop_note(mr, MR_HOP_MS, &next->addr, next->port);
		return 0;
	}
	if (mr->ddt_fn && mr->ddt_ok) {	/* resolved through LISP-DDT (RFC 8111) */
		mr->ddt_eids[mr->ddt_count] = *eid;
		mr->ddt_recs[mr->ddt_count++] = mr->cur_rec;
		return 0;
	}
	mr->c.replies_negative++;
	negative_outside(mr, eid, &neg);
	return put_negative(mr, w, &neg, LISP_ACT_NATIVE_FORWARD, mr->params.negative_ttl_min,
			    err) < 0 ? -ENOSPC : 1;
}

/*
 * A constrained EID-record (docs/cats.md): the registered locators that
 * satisfy q, ranked by the IID's policy; a drop/policy-denied negative
 * record when none does.  Not registered: answered as without constraints.
 */
static int answer_constrained(struct map_resolver *mr, const struct lisp_prefix *eid,
			      const struct attrq *q, struct wire_wr *w, struct lisp_err *err)
{
	struct reg_eid *e = mr->ms ? registry_lookup(map_server_registry(mr->ms), eid) : NULL;
	struct lisp_locator *locs = NULL;
	struct lisp_record rec;
	size_t n = 0;

	mr->c.requests_constrained++;
	if (!e)
		return answer_record(mr, eid, w, err);
	if (mr->cur_ddt) {
		ddt_note(mr, LISP_REF_MS_ACK, &e->eid);
		mr->c.ddt_ms_ack++;
	}
	if (reg_eid_decode(e, &mr->arena, &rec, err) < 0)
		return -EINVAL;
	if (rec.loc_count) {
		locs = lisp_arena_alloc(&mr->arena, rec.loc_count * sizeof(*locs));
		if (!locs)
			return lisp_err_set(err, ENOMEM, "decode arena exhausted");
		n = cats_select(q, cats_policy_find(&mr->cats, e->eid.iid), rec.locs,
				rec.loc_count, locs);
	}
	if (n == 0) {
		mr->c.replies_constrained_nomatch++;
		return put_negative(mr, w, &e->eid, CATS_NOMATCH_ACTION, CATS_NOMATCH_TTL_MIN, err) < 0
			       ? -ENOSPC : 1;
	}
	rec.locs = locs;
	rec.loc_count = (uint8_t)n;
	mr_sec_reply_note(mr->sec, &e->eid, mr_sec_site(e));
	if (lisp_record_encode(w, &rec, err) < 0)
		return -ENOSPC;
	mr->c.replies_constrained++;
	return 1;
}

/* One EID-record: plain, or with constraints (counted when malformed). */
static int answer_request_record(struct map_resolver *mr, const struct lisp_request_record *r,
				 struct wire_wr *w, struct lisp_err *err)
{
	struct lisp_prefix eid;
	const char *text;
	struct attrq q;
	size_t len;
	int rc;

	rc = lcaf_constraints_decode(&r->eid, r->mask_len, &eid, &text, &len, err);
	if (rc == -EBADMSG) {
		mr->c.constraints_malformed++;
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN, "map-resolver: %s", err->msg);
		return 0;
	}
	if (rc < 0) {
		mr->c.requests_unanswerable++;
		return 0;
	}
	if (rc == 0)
		return answer_record(mr, &eid, w, err);
	memset(&q, 0, sizeof(q));
	if (attrq_parse_text(text, len, &q, err) < 0) {
		mr->c.constraints_malformed++;
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN, "map-resolver: constraints: %s",
				err->msg);
		return 0;
	}
	rc = answer_constrained(mr, &eid, &q, w, err);
	attrq_free(&q);
	return rc;
}

/* The Map-Referral of a DDT Map-Request, to its sender (RFC 8111 7.2: "returned
 * to the sender of the DDT Map-Request"), one more message under the
 * global limit. */
static void ddt_send(struct map_resolver *mr, const struct lisp_addr *src, uint16_t src_port,
		     size_t req_len)
{
	unsigned int dropped;
	struct lisp_err err;
	ssize_t n;

	if (!mr->ddt->count || !out_allowed(mr))
		return;
	n = ms_ddt_referral_encode(mr->ddt, &mr->ddt_peers, req_len, mr->fwd, MR_MSG_MAX,
				   &dropped, &err);
	mr->c.reply_records_over_size += n >= 0 ? dropped : 0;
	if (n < 0) {
		mr->c.ddt_referral_errors++;
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN,
				"map-server: cannot build Map-Referral: %s", err.msg);
		return;
	}
	mr->send(mr->send_arg, src, src_port, mr->fwd, (size_t)n);
	mr->c.ddt_referrals_sent++;
}

void map_resolver_input(struct map_resolver *mr, const uint8_t *msg, size_t len,
			const struct lisp_addr *src, uint16_t src_port)
{
	struct lisp_map_reply hdr = { 0 };
	struct lisp_map_request req;
	const struct lisp_addr *itr;
	struct lisp_err err;
	struct lisp_ecm ecm;
	struct wire_wr w;
	unsigned int answered = 0;
	bool allowed;
	uint8_t *first_end = NULL;
	int rc;

	mr->c.requests_received++;
	if (lisp_ecm_decode(msg, len, &ecm, &err) < 0) {
		mr->c.request_decode_errors++;
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN, "map-resolver: bad ECM: %s", err.msg);
		return;
	}
	if (ecm.payload[0] >> 4 != LISP_MAP_REQUEST) {
		mr->c.request_decode_errors++;
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN,
				"map-resolver: ECM carries a %s, not a Map-Request",
				lisp_msg_type_name(ecm.payload[0] >> 4));
		return;
	}
	allowed = ratelimit_allow(mr->rl, src, evloop_now_ms(mr->loop));
	mr->c.rate_limit_sources_evicted = ratelimit_evictions(mr->rl);
	if (!allowed) {
		mr->c.requests_rate_limited++;
		return;
	}
	lisp_arena_reset(&mr->arena);
	if (lisp_map_request_decode(ecm.payload, ecm.payload_len, &mr->arena, &req, &err) < 0) {
		mr->c.request_decode_errors++;
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN, "map-resolver: bad Map-Request: %s",
				err.msg);
		return;
	}
	itr = reply_rloc(&req);
	if (!itr) {
		mr->c.requests_unanswerable++;
		return;
	}
	rc = mr->ecdsa ? mr_ecdsa_check(mr->ecdsa, mr->ms, &req, evloop_now_ms(mr->loop), &err) : 0;
	if (rc < 0) {
		log_ratelimited(&mr->log_rl, LOG_LEVEL_WARN, "map-resolver: %s", err.msg);
		return;
	}
	if (mr_sec_begin(mr->sec, &ecm, &mr->c) < 0)
		return;
	mr->cur_verified = rc > 0 || request_verified(mr, src, itr);
	mr->c.requests_verified += mr->cur_verified;
	wire_wr_init(&w, mr->out, MR_MSG_MAX);
	w.p += 12;	/* the header goes in last, when the count is known */
	mr->cur_port = ecm.inner_sport;
	/* Only a Map-Server answers DDT Map-Requests; a Map-Resolver alone
	 * treats one as any other request. */
	mr->cur_ddt = ecm.ddt && mr->ms;
	if (mr->cur_ddt) {
		mr->c.ddt_requests++;
		ms_ddt_referral_init(mr->ddt, req.nonce);
	}
	mr_hops_reset(&mr->hops, mr->params.next_hops_max);
	mr->replied_count = 0;
	mr->ddt_count = 0;
	/* A DDT-originated request (D bit) is never resolved through DDT
	 * again: two DDT Map-Resolvers named as each other's roots do not
	 * pass one request back and forth. */
	mr->ddt_ok = !ecm.ddt;
	for (unsigned int i = 0; i < req.record_count; i++) {
		uint8_t *mark = w.p;

		/* A subscriber hears of changes by Map-Notify: no SMR list. */
		mr->cur_itr = req.records[i].notify && mr->pubsub ? NULL : itr;
		mr->cur_rec = (uint8_t)i;
		rc = answer_request_record(mr, &req.records[i], &w, &err);

		if (rc < 0)
			break;
		/* RFC 9301, 5.2: a sender puts one record in a Map-Request.  The
		 * first is answered whole; the others together get no more room
		 * than the request took, so extra records cannot multiply it. */
		if (rc > 0 && first_end && (size_t)(w.p - first_end) > len) {
			w.p = mark;
			mr->c.reply_records_over_size++;
			continue;
		}
		if (rc > 0 && !first_end)
			first_end = w.p;
		answered += (unsigned int)rc;
	}
	if (answered && out_allowed(mr)) {
		hdr.nonce = req.nonce;
		hdr.record_count = (uint8_t)answered;
		lisp_map_reply_header_encode(&hdr, mr->out, 12, NULL);
		mr->send(mr->send_arg, itr, ecm.inner_sport, mr->out,
			 mr_sec_seal(mr->sec, mr->out, wire_wr_len(&w), MR_MSG_MAX, &mr->c));
	}
	mr->cur_itr = NULL;
	if (mr->cur_ddt)
		ddt_send(mr, src, src_port, len);
	mr->cur_ddt = false;
	hops_send(mr, &ecm, &req);
	for (unsigned int i = 0; i < mr->ddt_count; i++)
		if (out_allowed(mr)) {
			mr->c.requests_ddt++;
			mr->ddt_fn(mr->ddt_arg, &ecm, &req, mr->ddt_recs[i], &mr->ddt_eids[i], itr,
				   ecm.inner_sport);
		}
	/* Subscriptions after the reply: the confirming Map-Notify follows it. */
	for (unsigned int i = 0; i < req.record_count && mr->pubsub; i++) {
		struct lisp_prefix eid;
		const char *text;
		size_t tlen;

		/* A constrained record subscribes to the whole mapping.  Its
		 * confirming Map-Notify is one more message out. */
		if (req.records[i].notify &&
		    lcaf_constraints_decode(&req.records[i].eid, req.records[i].mask_len, &eid,
					    &text, &tlen, NULL) >= 0 && out_allowed(mr))
			pubsub_subscribe(mr->pubsub, &eid, &req, itr);
	}
	mr->cur_verified = false;
}
