/* SPDX-License-Identifier: BSD-3-Clause */
#include "ddt_mr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addrset.h"
#include "lcaf.h"
#include "siphash.h"
#include "log.h"

#define DDT_MSG_MAX	9000
/* The ITR's Map-Request, one record, kept per pending request. */
#define DDT_REQ_MAX	1500
/* Nodes asked in earlier referral steps, for loop detection. */
#define DDT_VISITED_MAX	32

struct ddt_pending {
	struct ddt_mr *d;
	struct ddt_pending *hnext;	/* its nonce's bucket */
	uint64_t nonce;
	struct lisp_prefix eid;		/* the XEID requested */
	struct lisp_ipaddr itr;
	uint16_t itr_port;
	/* The ECM's inner header, kept for every re-encapsulation. */
	uint8_t ip_version, ip_ttl;
	struct lisp_ipaddr inner_src, inner_dst;
	uint16_t inner_sport, inner_dport;
	uint8_t req[DDT_REQ_MAX];
	size_t req_len;
	/* The referral step being followed. */
	bool have_prefix;		/* false at the roots */
	bool from_cache;		/* the step came from a cache entry */
	bool restarted;			/* NOT-AUTHORITATIVE sent us to the roots once */
	struct lisp_prefix step_prefix;
	uint8_t set_count;
	struct ddt_ref set[DDT_REFS_MAX];
	uint32_t refused;		/* members that answered and cannot help */
	uint8_t next_member, asked_idx;
	uint32_t sends;			/* in this step */
	uint32_t depth;			/* referrals followed */
	uint8_t visited_count;
	struct lisp_ipaddr visited[DDT_VISITED_MAX];
	struct evtimer timer;
};

/* docs/config.md promises it (map-resolver.ddt.max-pending). */
_Static_assert(sizeof(struct ddt_pending) < 4096, "a pending request under 4 KB");

struct ddt_mr {
	struct evloop *loop;
	struct ddt_mr_params p;
	lisp_send_fn send;
	void *send_arg;
	struct ddt_cache *cache;
	struct addrset *unresponsive;	/* members held (unresponsive_hold_ms) */
	/* Pending requests by nonce: a Map-Referral finds its request, and a
	 * repeated request its twin, without a walk of the table.  The hash
	 * is keyed: ITRs choose nonces, they cannot choose one bucket. */
	struct ddt_pending **buckets;
	size_t bucket_mask;
	struct siphash_key hkey;
	size_t pending;
	struct ddt_mr_counters c;
	struct lisp_arena arena;
	uint8_t *arena_buf;
	uint8_t out[DDT_MSG_MAX];
	struct log_ratelimit log_rl;
};

void ddt_mr_params_default(struct ddt_mr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->port = LISP_CONTROL_PORT;
	p->cache_max = 10000;
	p->pending_max = 4096;
	p->request_timeout_ms = 2000;
	p->unresponsive_hold_ms = 30000;
	p->retries = 2;
	p->max_depth = 8;
	p->negative_ttl_min_min = 1;
	p->negative_ttl_max_min = 1440;
}

struct ddt_mr *ddt_mr_new(struct evloop *loop, const struct ddt_mr_params *p, lisp_send_fn send,
			  void *send_arg)
{
	struct ddt_mr *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->loop = loop;
	d->p = *p;
	if (d->p.max_depth > DDT_DEPTH_MAX)
		d->p.max_depth = DDT_DEPTH_MAX;
	if (d->p.root_count > DDT_ROOTS_MAX)
		d->p.root_count = DDT_ROOTS_MAX;
	d->send = send;
	d->send_arg = send_arg;
	d->log_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	d->cache = ddt_cache_new(p->cache_max);
	d->unresponsive = addrset_new(1024);
	d->bucket_mask = 63;
	while (d->bucket_mask + 1 < d->p.pending_max)
		d->bucket_mask = d->bucket_mask << 1 | 1;
	d->buckets = calloc(d->bucket_mask + 1, sizeof(*d->buckets));
	/* Any datagram decodes (touched only as far as one fills it). */
	d->arena_buf = malloc(LISP_DECODE_ARENA_BYTES);
	if (!d->cache || !d->buckets || !d->arena_buf || !d->unresponsive ||
	    siphash_key_new(&d->hkey) < 0) {
		ddt_mr_free(d);
		return NULL;
	}
	lisp_arena_init(&d->arena, d->arena_buf, LISP_DECODE_ARENA_BYTES);
	return d;
}

static struct ddt_pending **bucket_of(const struct ddt_mr *d, uint64_t nonce)
{
	return &d->buckets[siphash_u64(&d->hkey, nonce) & d->bucket_mask];
}

static void pending_free(struct ddt_pending *p)
{
	struct ddt_mr *d = p->d;
	struct ddt_pending **pp = bucket_of(d, p->nonce);

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	evtimer_cancel(d->loop, &p->timer);
	d->pending--;
	free(p);
}

void ddt_mr_free(struct ddt_mr *d)
{
	if (!d)
		return;
	for (size_t i = 0; d->buckets && i <= d->bucket_mask; i++)
		while (d->buckets[i])
			pending_free(d->buckets[i]);
	ddt_cache_free(d->cache);
	addrset_free(d->unresponsive);
	free(d->buckets);
	free(d->arena_buf);
	free(d);
}

const struct ddt_mr_counters *ddt_mr_counters(const struct ddt_mr *d)
{
	return &d->c;
}

const struct ddt_cache *ddt_mr_cache(const struct ddt_mr *d)
{
	return d->cache;
}

const struct ddt_mr_params *ddt_mr_params(const struct ddt_mr *d)
{
	return &d->p;
}

size_t ddt_mr_pending_count(const struct ddt_mr *d)
{
	return d->pending;
}

static uint32_t neg_ttl_bound(const struct ddt_mr *d, uint32_t ttl)
{
	if (ttl < d->p.negative_ttl_min_min)
		return d->p.negative_ttl_min_min;
	return ttl > d->p.negative_ttl_max_min ? d->p.negative_ttl_max_min : ttl;
}

/* A negative Map-Reply (RFC 9301, section 5.4: no locators, the action)
 * to the ITR, with the nonce of its Map-Request. */
static void reply_negative(struct ddt_mr *d, uint64_t nonce, const struct lisp_ipaddr *itr,
			   uint16_t port, const struct lisp_prefix *prefix, uint8_t action,
			   uint32_t ttl_min)
{
	struct lisp_record rec = { .ttl = ttl_min, .mask_len = prefix->plen, .action = action };
	struct lisp_map_reply m = { .nonce = nonce, .record_count = 1, .records = &rec };
	struct lisp_waddr inner;
	struct lisp_addr dst;
	ssize_t n;

	lisp_waddr_from_prefix(&rec.eid, &inner, prefix);
	n = lisp_map_reply_encode(&m, d->out, sizeof(d->out), NULL);
	if (n <= 0)
		return;
	lisp_ipaddr_to_addr(itr, &dst);
	d->send(d->send_arg, &dst, port, d->out, (size_t)n);
	d->c.replies_negative++;
}

/* The request ends without an answer from the mapping system: the ITR is
 * told to ask again after the shortest negative TTL. */
static void pending_fail(struct ddt_pending *p)
{
	struct ddt_mr *d = p->d;

	d->c.requests_failed++;
	reply_negative(d, p->nonce, &p->itr, p->itr_port, &p->eid, LISP_ACT_SEND_MAP_REQUEST,
		       d->p.negative_ttl_min_min);
	pending_free(p);
}

/* Did member i let a DDT Map-Request time out recently? */
static bool member_held(const struct ddt_mr *d, const struct ddt_pending *p, unsigned int i)
{
	struct lisp_addr a;

	lisp_ipaddr_to_addr(&p->set[i].addr, &a);
	return d->p.unresponsive_hold_ms && addrset_has(d->unresponsive, &a, evloop_now_ms(d->loop));
}

/* The member to ask next: the next one by priority, cycling, that has not
 * refused the request and is not held; held ones only when nobody else is
 * left.  -1: none. */
static int member_next(struct ddt_pending *p)
{
	int fallback = -1;

	for (unsigned int k = 0; k < p->set_count; k++) {
		uint8_t i = (uint8_t)((p->next_member + k) % p->set_count);

		if (p->refused & (1u << i))
			continue;
		if (!member_held(p->d, p, i))
			return i;
		if (fallback < 0)
			fallback = i;
		p->d->c.members_held++;
	}
	return fallback;
}

/* The DDT Map-Request (RFC 8111, section 5: an ECM with the D bit,
 * carrying the ITR's Map-Request) to the next member of the referral set
 * (member_next).  -ENOENT when none is left. */
static int pending_send(struct ddt_pending *p)
{
	struct ddt_mr *d = p->d;
	struct lisp_ecm e = { .ddt = true, .ip_version = p->ip_version, .ttl = p->ip_ttl,
			      .inner_sport = p->inner_sport, .inner_dport = p->inner_dport,
			      .payload = p->req, .payload_len = p->req_len };
	struct lisp_addr dst;
	ssize_t n;

	for (int next = member_next(p); next >= 0; next = -1) {
		uint8_t i = (uint8_t)next;

		lisp_ipaddr_to_addr(&p->inner_src, &e.inner_src);
		lisp_ipaddr_to_addr(&p->inner_dst, &e.inner_dst);
		n = lisp_ecm_encode(&e, d->out, sizeof(d->out), NULL);
		if (n <= 0)
			return -EINVAL;
		p->asked_idx = i;
		p->next_member = (uint8_t)((i + 1) % p->set_count);
		p->sends++;
		lisp_ipaddr_to_addr(&p->set[i].addr, &dst);
		d->send(d->send_arg, &dst, d->p.port, d->out, (size_t)n);
		d->c.ddt_requests_sent++;
		evtimer_arm(d->loop, &p->timer, d->p.request_timeout_ms);
		return 0;
	}
	return -ENOENT;
}

/* The member asked cannot help (an error, a refusal): the next one, or
 * the request fails. */
static void pending_next_member(struct ddt_pending *p)
{
	evtimer_cancel(p->d->loop, &p->timer);
	p->refused |= 1u << p->asked_idx;
	if (pending_send(p) < 0)
		pending_fail(p);
}

static void on_timeout(struct evtimer *t, void *arg)
{
	struct ddt_pending *p = arg;
	struct ddt_mr *d = p->d;

	(void)t;
	d->c.timeouts++;
	if (d->p.unresponsive_hold_ms) {
		struct lisp_addr a;
		uint64_t now = evloop_now_ms(d->loop);

		lisp_ipaddr_to_addr(&p->set[p->asked_idx].addr, &a);
		addrset_note(d->unresponsive, &a, now, now + d->p.unresponsive_hold_ms);
	}
	/* RFC 8111, 7.3.2: no answer in time, the request goes to the next
	 * member of the set, up to the retry limit. */
	if (p->sends > d->p.retries || pending_send(p) < 0) {
		pending_fail(p);
		return;
	}
	d->c.retransmits++;
}

/* Members with an address we can send to, best priority first, at most
 * DDT_REFS_MAX (RFC 9301, 5.4: priority 255 is not to be used). */
static uint8_t set_from_locators(struct ddt_mr *d, const struct lisp_locator *locs,
				 unsigned int n, struct ddt_ref *out)
{
	struct ddt_ref all[LISP_LOCATORS_MAX];
	unsigned int count = 0;

	for (unsigned int i = 0; i < n && count < LISP_LOCATORS_MAX; i++) {
		const struct lisp_waddr *w = &locs[i].addr;
		unsigned int at = count;
		struct ddt_ref r;

		if ((w->afi != LISP_AFI_IPV4 && w->afi != LISP_AFI_IPV6) || locs[i].priority == 255)
			continue;
		lisp_ipaddr_from_addr(&r.addr, &w->plain);
		r.priority = locs[i].priority;
		r.weight = locs[i].weight;
		/* Stable: equal priorities keep the order they came in. */
		while (at > 0 && all[at - 1].priority > r.priority) {
			all[at] = all[at - 1];
			at--;
		}
		all[at] = r;
		count++;
	}
	if (count > DDT_REFS_MAX) {
		d->c.referral_set_truncated++;
		count = DDT_REFS_MAX;
	}
	memcpy(out, all, count * sizeof(all[0]));
	return (uint8_t)count;
}

static void step_start(struct ddt_pending *p, const struct ddt_ref *set, uint8_t n)
{
	memcpy(p->set, set, n * sizeof(set[0]));
	p->set_count = n;
	p->refused = 0;
	p->next_member = 0;
	p->sends = 0;
}

static void step_roots(struct ddt_pending *p)
{
	struct ddt_mr *d = p->d;
	struct lisp_locator locs[DDT_ROOTS_MAX];
	struct ddt_ref set[DDT_REFS_MAX];

	memset(locs, 0, sizeof(locs));
	for (size_t i = 0; i < d->p.root_count; i++) {
		locs[i].priority = d->p.roots[i].priority;
		locs[i].addr.afi = d->p.roots[i].addr.afi;
		locs[i].addr.plain = d->p.roots[i].addr;
	}
	p->have_prefix = false;
	p->from_cache = false;
	step_start(p, set, set_from_locators(d, locs, (unsigned int)d->p.root_count, set));
}

static bool visited(const struct ddt_pending *p, const struct lisp_ipaddr *a)
{
	for (unsigned int i = 0; i < p->visited_count; i++)
		if (lisp_ipaddr_equal(&p->visited[i], a))
			return true;
	return false;
}

/* NODE-REFERRAL / MS-REFERRAL (RFC 8111, 7.3.2): cached unless Incomplete,
 * then the request goes to the new set.  Loops (7.3.4): the referral must
 * be more specific than the one being followed and name no node asked in
 * an earlier step; and no more than max_depth referrals. */
static void follow_referral(struct ddt_pending *p, const struct lisp_referral_record *rec,
			    const struct lisp_prefix *rp)
{
	struct ddt_mr *d = p->d;
	struct ddt_ref set[DDT_REFS_MAX], fresh[DDT_REFS_MAX];
	uint8_t n, nfresh = 0;

	if (p->depth >= d->p.max_depth) {
		d->c.depth_exceeded++;
		pending_fail(p);
		return;
	}
	if (p->have_prefix &&
	    (rp->plen <= p->step_prefix.plen || !lisp_prefix_covers(&p->step_prefix, rp))) {
		d->c.referral_loops++;
		log_ratelimited(&d->log_rl, LOG_LEVEL_WARN, "ddt: referral loop: a referral not "
				"more specific than the one it follows");
		pending_fail(p);
		return;
	}
	n = set_from_locators(d, rec->refs, rec->ref_count, set);
	if (n == 0) {
		d->c.referral_set_unusable++;
		pending_next_member(p);
		return;
	}
	/* This step's members join the visited list before the next step. */
	for (unsigned int i = 0; i < p->set_count && p->visited_count < DDT_VISITED_MAX; i++)
		if (!visited(p, &p->set[i].addr))
			p->visited[p->visited_count++] = p->set[i].addr;
	for (unsigned int i = 0; i < n; i++)
		if (!visited(p, &set[i].addr))
			fresh[nfresh++] = set[i];
	if (nfresh == 0) {
		d->c.referral_loops++;
		log_ratelimited(&d->log_rl, LOG_LEVEL_WARN, "ddt: referral loop: every node of "
				"the referral set was asked before");
		pending_fail(p);
		return;
	}
	if (!rec->incomplete && rec->ttl) {
		struct ddt_cache_entry e = { .prefix = *rp, .action = rec->action,
					     .ttl_min = rec->ttl, .ref_count = n };
		uint64_t now = evloop_now_ms(d->loop);

		e.added_ms = now;
		e.expires_ms = now + (uint64_t)rec->ttl * 60000;
		memcpy(e.refs, set, n * sizeof(set[0]));
		if (ddt_cache_put(d->cache, &e, now) == -ENOSPC)
			d->c.cache_full++;
	}
	p->depth++;
	p->have_prefix = true;
	p->from_cache = false;
	p->step_prefix = *rp;
	step_start(p, fresh, nfresh);
	if (pending_send(p) < 0)
		pending_fail(p);
}

/* A negative answer from the mapping system: cached (unless Incomplete),
 * then the negative Map-Reply with the referral's prefix and TTL. */
static void answer_negative(struct ddt_pending *p, const struct lisp_referral_record *rec,
			    const struct lisp_prefix *rp, uint8_t action)
{
	struct ddt_mr *d = p->d;
	uint32_t ttl = neg_ttl_bound(d, rec->ttl);

	if (!rec->incomplete) {
		struct ddt_cache_entry e = { .prefix = *rp, .action = rec->action,
					     .negative = true, .ttl_min = ttl };
		uint64_t now = evloop_now_ms(d->loop);

		e.added_ms = now;
		e.expires_ms = now + (uint64_t)ttl * 60000;
		if (ddt_cache_put(d->cache, &e, now) == -ENOSPC)
			d->c.cache_full++;
	}
	reply_negative(d, p->nonce, &p->itr, p->itr_port, rp, action, ttl);
	pending_free(p);
}

static void referral_act(struct ddt_pending *p, const struct lisp_referral_record *rec,
			 const struct lisp_prefix *rp)
{
	struct ddt_mr *d = p->d;

	evtimer_cancel(d->loop, &p->timer);
	/* A node speaks for the space it was referred for: a negative answer
	 * for more than that (a hole over the whole Instance-ID from a
	 * Map-Server of one /16) is not cached or passed on. */
	if ((rec->action == LISP_REF_MS_NOT_REGISTERED ||
	     rec->action == LISP_REF_DELEGATION_HOLE) &&
	    p->have_prefix && !lisp_prefix_covers(&p->step_prefix, rp)) {
		d->c.referral_outside++;
		pending_next_member(p);
		return;
	}
	switch (rec->action) {
	case LISP_REF_NODE_REFERRAL:
		d->c.node_referrals++;
		follow_referral(p, rec, rp);
		return;
	case LISP_REF_MS_REFERRAL:
		d->c.ms_referrals++;
		follow_referral(p, rec, rp);
		return;
	case LISP_REF_MS_ACK:
		/* The Map-Server forwarded the request; the ETR (or the
		 * Map-Server, proxy) answers the ITR itself. */
		d->c.ms_acks++;
		d->c.requests_done++;
		pending_free(p);
		return;
	case LISP_REF_MS_NOT_REGISTERED:
		/* Another Map-Server of the set may hold the registration
		 * (an ETR registers to several). */
		d->c.ms_not_registered++;
		p->refused |= 1u << p->asked_idx;
		if (pending_send(p) == 0)
			return;
		answer_negative(p, rec, rp, LISP_ACT_SEND_MAP_REQUEST);
		return;
	case LISP_REF_DELEGATION_HOLE:
		/* Authoritative, and no delegation covers the EID: not an
		 * EID (RFC 9301, 8.1's natively-forward). */
		d->c.delegation_holes++;
		answer_negative(p, rec, rp, LISP_ACT_NATIVE_FORWARD);
		return;
	default:	/* NOT-AUTHORITATIVE */
		d->c.not_authoritative++;
		/* A stale cache entry sent us there: forget it and start
		 * again from the roots, once. */
		if (p->from_cache && !p->restarted) {
			ddt_cache_remove(d->cache, &p->step_prefix);
			p->restarted = true;
			step_roots(p);
			if (pending_send(p) < 0)
				pending_fail(p);
			return;
		}
		pending_next_member(p);
		return;
	}
}

/* The record of m that answers p: the first whose prefix covers the
 * requested XEID. */
static const struct lisp_referral_record *record_for(const struct lisp_map_referral *m,
						     const struct ddt_pending *p,
						     struct lisp_prefix *rp)
{
	for (unsigned int i = 0; i < m->record_count; i++) {
		const struct lisp_referral_record *r = &m->records[i];

		if (lisp_waddr_to_prefix(&r->eid, r->mask_len, rp, NULL) == 0 &&
		    lisp_prefix_covers(rp, &p->eid))
			return r;
	}
	return NULL;
}

bool ddt_mr_input(struct ddt_mr *d, const uint8_t *msg, size_t len, const struct lisp_addr *src,
		  uint16_t src_port)
{
	const struct lisp_referral_record *rec;
	struct ddt_pending *p = NULL;
	struct lisp_map_referral m;
	struct lisp_ipaddr from;
	struct lisp_prefix rp;
	struct lisp_err err;
	bool nonce_seen = false;

	(void)src_port;
	d->c.referrals_received++;
	lisp_arena_reset(&d->arena);
	if (lisp_map_referral_decode(msg, len, &d->arena, &m, &err) < 0) {
		d->c.referral_decode_errors++;
		log_ratelimited(&d->log_rl, LOG_LEVEL_WARN, "ddt: bad Map-Referral: %s", err.msg);
		return true;
	}
	lisp_ipaddr_from_addr(&from, src);
	for (struct ddt_pending *q = *bucket_of(d, m.nonce); q && !p; q = q->hnext) {
		if (q->nonce != m.nonce)
			continue;
		nonce_seen = true;
		if (lisp_ipaddr_equal(&q->set[q->asked_idx].addr, &from))
			p = q;
	}
	if (!p) {
		if (nonce_seen) {
			d->c.referral_wrong_sender++;
			return true;
		}
		d->c.referral_unknown_nonce++;
		return false;
	}
	addrset_forget(d->unresponsive, src);	/* it answers again */
	rec = record_for(&m, p, &rp);
	if (!rec) {
		d->c.referral_bad_records++;
		pending_next_member(p);
		return true;
	}
	if (lisp_referral_record_check(rec, &err) < 0) {
		d->c.referral_invalid++;
		log_ratelimited(&d->log_rl, LOG_LEVEL_WARN, "ddt: Map-Referral refused: %s",
				err.msg);
		pending_next_member(p);
		return true;
	}
	referral_act(p, rec, &rp);
	return true;
}

static struct ddt_pending *pending_find(const struct ddt_mr *d, uint64_t nonce,
					const struct lisp_ipaddr *itr,
					const struct lisp_prefix *eid)
{
	for (struct ddt_pending *q = *bucket_of(d, nonce); q; q = q->hnext)
		if (q->nonce == nonce && lisp_ipaddr_equal(&q->itr, itr) &&
		    lisp_prefix_equal(&q->eid, eid))
			return q;
	return NULL;
}

void ddt_mr_resolve(struct ddt_mr *d, const struct lisp_ecm *ecm,
		    const struct lisp_map_request *req, uint8_t rec,
		    const struct lisp_prefix *eid, const struct lisp_addr *itr, uint16_t itr_port)
{
	uint64_t now = evloop_now_ms(d->loop);
	struct lisp_map_request one = *req;
	struct ddt_cache_entry *e;
	struct lisp_ipaddr itr_ip;
	struct ddt_pending *p;
	struct ddt_pending **b;
	ssize_t n;

	d->c.requests++;
	/* Each re-encapsulation is one hop further (RFC 9301, 5.8: the inner
	 * TTL), as the Map-Resolver's forwards are. */
	if (ecm->ttl <= 1) {
		d->c.requests_ttl_spent++;
		return;
	}
	lisp_ipaddr_from_addr(&itr_ip, itr);
	e = ddt_cache_lookup(d->cache, eid, now);
	if (e && e->negative) {
		uint64_t left = (e->expires_ms - now + 59999) / 60000;

		d->c.cache_negative_hits++;
		e->hits++;
		reply_negative(d, req->nonce, &itr_ip, itr_port, &e->prefix,
			       e->action == LISP_REF_DELEGATION_HOLE ? LISP_ACT_NATIVE_FORWARD
								      : LISP_ACT_SEND_MAP_REQUEST,
			       (uint32_t)left);
		return;
	}
	if (pending_find(d, req->nonce, &itr_ip, eid)) {
		d->c.requests_duplicate++;
		return;
	}
	if (d->pending >= d->p.pending_max) {
		d->c.requests_pending_full++;
		log_ratelimited(&d->log_rl, LOG_LEVEL_WARN, "ddt: %zu requests pending, the "
				"limit: request dropped", d->pending);
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	/* Only the record being resolved goes on (RFC 9301, 5.2: one record
	 * a request). */
	one.record_count = 1;
	one.records = &req->records[rec];
	n = lisp_map_request_encode(&one, p->req, sizeof(p->req), NULL);
	if (n <= 0) {
		d->c.requests_unencodable++;
		free(p);
		return;
	}
	p->req_len = (size_t)n;
	p->d = d;
	p->nonce = req->nonce;
	p->eid = *eid;
	p->itr = itr_ip;
	p->itr_port = itr_port;
	p->ip_version = ecm->ip_version;
	p->ip_ttl = (uint8_t)(ecm->ttl - 1);
	lisp_ipaddr_from_addr(&p->inner_src, &ecm->inner_src);
	lisp_ipaddr_from_addr(&p->inner_dst, &ecm->inner_dst);
	p->inner_sport = ecm->inner_sport;
	p->inner_dport = ecm->inner_dport;
	evtimer_init(&p->timer, on_timeout, p);
	b = bucket_of(d, p->nonce);
	p->hnext = *b;
	*b = p;
	d->pending++;
	if (e) {	/* RFC 8111, 7.3.1: the longest match of the cache */
		d->c.cache_hits++;
		e->hits++;
		p->have_prefix = true;
		p->from_cache = true;
		p->step_prefix = e->prefix;
		step_start(p, e->refs, e->ref_count);
	} else {
		step_roots(p);
	}
	if (pending_send(p) < 0)
		pending_fail(p);
}
