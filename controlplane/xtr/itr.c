/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ITR core: resolution through the Map-Resolvers (RFC 9301, 5.2-5.4 and
 * 8.1), Map-Replies, refresh and Solicit-Map-Requests (RFC 9301, 6.1).
 * Pub/sub lives in itr_pubsub.c, RLOC probing in itr_probe.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "ecdsa_request.h"
#include "itr_priv.h"

/* Backoff doubles per try up to this shift (1 s becomes at most 64 s). */
#define ITR_BACKOFF_SHIFT_MAX	6

void itr_params_default(struct itr_params *p)
{
	memset(p, 0, sizeof(*p));
	p->control_port = LISP_CONTROL_PORT;
	p->request_timeout_ms = 1000;
	p->request_tries = 3;
	p->pending_max = 10000;
	mapcache_params_default(&p->cache);
	p->cache_negative = true;
	p->smr = true;
	p->smr_interval_ms = 1000;
	p->smr_rate = 100;
	p->smr_burst = 200;
	p->probe_interval_ms = 60000;
	p->probe_timeout_ms = 1000;
	p->probe_tries = 3;
	p->probes_max = 10000;
}

uint64_t itr_nonce_new(void)
{
	uint64_t n = 0;

	while (n == 0)
		if (getrandom(&n, sizeof(n), 0) != sizeof(n))
			n = 0;
	return n;
}

static void itr_refresh(void *arg, struct mapcache_entry *e);
static void itr_cache_event(void *arg, const struct mapcache_event *ev);
static void pending_fire(struct evtimer *t, void *arg);

static bool addr_is_ip(const struct lisp_addr *a)
{
	return a->afi == LISP_AFI_IPV4 || a->afi == LISP_AFI_IPV6;
}

struct itr *itr_new(struct evloop *loop, const struct itr_params *params,
		    const struct itr_map_resolver *map_resolvers, size_t map_resolver_count,
		    lisp_send_fn send, void *send_arg)
{
	struct itr *itr;

	if (!params->rloc_count || params->rloc_count > ITR_RLOCS_MAX || !map_resolver_count ||
	    params->ms_key_count > ITR_KEYS_MAX) {
		errno = EINVAL;
		return NULL;
	}
	for (size_t i = 0; i < params->rloc_count; i++)
		if (!addr_is_ip(&params->rlocs[i])) {
			errno = EINVAL;
			return NULL;
		}
	itr = calloc(1, sizeof(*itr));
	if (!itr)
		return NULL;
	itr_probe_init(itr);	/* its timer must be idle before any itr_free */
	itr->loop = loop;
	itr->params = *params;
	if (!itr->params.request_tries)
		itr->params.request_tries = 1;
	if (!itr->params.probe_tries)
		itr->params.probe_tries = 1;
	itr->send = send;
	itr->send_arg = send_arg;
	itr->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	itr->mrs = calloc(map_resolver_count, sizeof(*itr->mrs));
	itr->cache = mapcache_new(loop, &params->cache, itr_refresh, itr);
	itr->pending_by_eid = mapdb_new();
	itr->arena_buf = malloc(ITR_ARENA_BYTES);
	itr->req = malloc(ITR_MSG_MAX);
	itr->out = malloc(ITR_MSG_MAX);
	if (!itr->mrs || !itr->cache || !itr->pending_by_eid || !itr->arena_buf || !itr->req ||
	    !itr->out || itr_subs_init(itr) < 0 ||
	    mapcache_observe(itr->cache, itr_cache_event, itr) < 0) {
		itr_free(itr);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(itr->mrs, map_resolvers, map_resolver_count * sizeof(*itr->mrs));
	itr->mr_count = map_resolver_count;
	token_bucket_init(&itr->smr_bucket, params->smr_rate, params->smr_burst,
			  evloop_now_ms(loop));
	lisp_arena_init(&itr->arena, itr->arena_buf, ITR_ARENA_BYTES);
	itr_probe_start(itr);
	return itr;
}

int itr_reconfigure(struct itr *itr, const struct itr_params *params,
		    const struct itr_map_resolver *map_resolvers, size_t map_resolver_count)
{
	struct itr_map_resolver *mrs;
	struct itr_params *cur = &itr->params;

	if (!map_resolver_count || params->ms_key_count > ITR_KEYS_MAX)
		return -EINVAL;
	mrs = calloc(map_resolver_count, sizeof(*mrs));
	if (!mrs)
		return -ENOMEM;
	memcpy(mrs, map_resolvers, map_resolver_count * sizeof(*mrs));
	free(itr->mrs);
	itr->mrs = mrs;
	itr->mr_count = map_resolver_count;
	if (itr->mr_current >= map_resolver_count)
		itr->mr_current = 0;
	for (size_t i = 0; i < ITR_NONCE_BUCKETS; i++)
		for (struct itr_pending *p = itr->pending[i]; p; p = p->next)
			if (p->mr >= map_resolver_count)
				p->mr = 0;
	cur->request_timeout_ms = params->request_timeout_ms;
	cur->request_tries = params->request_tries ? params->request_tries : 1;
	cur->cache.max_entries = params->cache.max_entries;
	cur->cache.refresh_ms = params->cache.refresh_ms;
	mapcache_set_limits(itr->cache, params->cache.max_entries, params->cache.refresh_ms);
	cur->cache_negative = params->cache_negative;
	cur->smr = params->smr;
	if (cur->smr_rate != params->smr_rate || cur->smr_burst != params->smr_burst) {
		cur->smr_rate = params->smr_rate;
		cur->smr_burst = params->smr_burst;
		token_bucket_init(&itr->smr_bucket, cur->smr_rate, cur->smr_burst,
				  evloop_now_ms(itr->loop));
	}
	memcpy(cur->ms_keys, params->ms_keys, sizeof(cur->ms_keys));
	cur->ms_key_count = params->ms_key_count;
	/* LISP-SEC: resolutions in flight keep the OTK they were sent with. */
	cur->lisp_sec = params->lisp_sec;
	cur->lisp_sec_aes = params->lisp_sec_aes;
	memcpy(cur->lisp_sec_key, params->lisp_sec_key, sizeof(cur->lisp_sec_key));
	/* Probing: a new round timer from now, with the new interval. */
	evtimer_cancel(itr->loop, &itr->probe_round);
	cur->probe = params->probe;
	cur->probe_interval_ms = params->probe_interval_ms;
	cur->probe_timeout_ms = params->probe_timeout_ms;
	cur->probe_tries = params->probe_tries ? params->probe_tries : 1;
	itr_probe_start(itr);
	return 0;
}

void itr_free(struct itr *itr)
{
	if (!itr)
		return;
	for (size_t i = 0; i < ITR_NONCE_BUCKETS; i++)
		for (struct itr_pending *p = itr->pending[i], *n; p; p = n) {
			n = p->next;
			evtimer_cancel(itr->loop, &p->timer);
			free(p);
		}
	itr_probes_free(itr);
	itr_subs_free(itr);
	/* The cache goes after the subscriptions: its entries are freed
	 * without events. */
	mapcache_free(itr->cache);
	mapdb_free(itr->pending_by_eid);
	itr_set_ecdsa_key(itr, NULL, NULL);
	free(itr->mrs);
	free(itr->arena_buf);
	free(itr->req);
	free(itr->out);
	free(itr->cats);
	free(itr);
}

static void itr_rank(void *arg, const struct lisp_record *rec, uint8_t *prio, uint8_t *weight)
{
	struct itr *itr = arg;
	struct lisp_prefix eid;
	uint32_t iid = 0;

	if (lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &eid, NULL) == 0)
		iid = eid.iid;
	cats_rank(cats_policy_find(itr->cats, iid), rec->locs, rec->loc_count, prio, weight);
}

int itr_set_cats(struct itr *itr, const struct cats_policies *p)
{
	free(itr->cats);
	itr->cats = NULL;
	mapcache_set_ranker(itr->cache, NULL, NULL);
	if (!p || !p->count)
		return 0;
	itr->cats = malloc(sizeof(*itr->cats));
	if (!itr->cats)
		return -ENOMEM;
	*itr->cats = *p;
	return mapcache_set_ranker(itr->cache, itr_rank, itr);
}

struct mapcache *itr_cache(const struct itr *itr)
{
	return itr->cache;
}

const struct itr_counters *itr_counters(const struct itr *itr)
{
	return &itr->c;
}

size_t itr_pending_count(const struct itr *itr)
{
	return itr->pending_count;
}

size_t itr_current_map_resolver(const struct itr *itr)
{
	return itr->mr_current;
}

/* ---- Map-Request ---------------------------------------------------------------- */

ssize_t itr_request_encode(struct itr *itr, const struct lisp_prefix *eid, uint64_t nonce,
			   const struct itr_request_opts *o)
{
	struct lisp_waddr rlocs[ITR_RLOCS_MAX], eid_inner, src_inner;
	struct lisp_request_record rec = { .notify = o->subscribe, .mask_len = eid->plen };
	struct lisp_map_request req = {
		.probe = o->probe,
		.smr_invoked = o->smr_invoked,
		.xtr_id_present = o->subscribe,
		.nonce = nonce,
		.itr_rloc_count = (uint8_t)itr->params.rloc_count,
		.itr_rlocs = rlocs,
		.record_count = 1,
		.records = &rec,
	};
	struct ecdsa_request_buf sig;
	struct lisp_err err;
	ssize_t n;

	for (size_t i = 0; i < itr->params.rloc_count; i++)
		lisp_waddr_from_addr(&rlocs[i], &itr->params.rlocs[i]);
	lisp_waddr_from_prefix(&rec.eid, &eid_inner, eid);
	if (o->src_eid) {
		/* The source EID lives in the same Instance-ID as the EID. */
		struct lisp_prefix src = { .iid = eid->iid, .addr = *o->src_eid };

		lisp_waddr_from_prefix(&req.source_eid, &src_inner, &src);
	}
	if (o->subscribe) {
		/* RFC 9437, 5: the I bit with our xTR-ID and site-ID, the N
		 * bit on the record. */
		memcpy(req.xtr_id, itr->params.xtr_id, LISP_XTR_ID_LEN);
		req.site_id = itr->params.site_id;
	}
	if (itr->ecdsa_key && addr_is_ip(&eid->addr) && itr_request_sign(itr, &req, eid, &sig) < 0)
		return -EINVAL;
	n = lisp_map_request_encode(&req, itr->req, ITR_MSG_MAX, &err);
	if (n < 0) {
		itr->c.request_errors++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot build Map-Request: %s",
				err.msg);
	}
	return n;
}

/*
 * The ECM's inner header (RFC 9301, 5.8): from our RLOC to the EID being
 * resolved, so that a Map-Resolver routing on it reaches the right place.
 * An EID that is not an IP address (MAC, DN) cannot be a destination: the
 * Map-Resolver's address stands in.  With no RLOC of the EID's family the
 * source is the unspecified address; Map-Resolvers answer the ITR-RLOCs,
 * never the inner source.
 */
static void ecm_inner_set(const struct itr *itr, const struct lisp_prefix *eid,
			  const struct lisp_addr *mr, struct lisp_ecm *ecm)
{
	const struct lisp_addr *dst = addr_is_ip(&eid->addr) ? &eid->addr : mr;

	ecm->ip_version = dst->afi == LISP_AFI_IPV4 ? 4 : 6;
	ecm->inner_dst = *dst;
	memset(&ecm->inner_src, 0, sizeof(ecm->inner_src));
	ecm->inner_src.afi = dst->afi;
	for (size_t i = 0; i < itr->params.rloc_count; i++)
		if (itr->params.rlocs[i].afi == dst->afi) {
			ecm->inner_src = itr->params.rlocs[i];
			break;
		}
}

static int request_send(struct itr *itr, struct itr_pending *p)
{
	const struct itr_map_resolver *mr = &itr->mrs[p->mr];
	struct itr_request_opts o = {
		.smr_invoked = p->smr_invoked,
		.subscribe = itr->params.subscribe,
		.src_eid = p->has_src ? &p->src_eid : NULL,
	};
	struct lisp_ecm ecm = { .ttl = 64, .inner_sport = itr->params.control_port,
				.inner_dport = LISP_CONTROL_PORT };
	uint8_t sec_ad[128];	/* LISP-SEC: 40 bytes */
	struct lisp_err err;
	ssize_t n;

	n = itr_request_encode(itr, &p->eid, p->nonce, &o);
	if (n < 0)
		return (int)n;
	ecm_inner_set(itr, &p->eid, &mr->addr, &ecm);
	if (itr_lispsec_ecm(itr, p, &ecm, sec_ad, sizeof(sec_ad)) < 0)
		return -EINVAL;
	ecm.payload = itr->req;
	ecm.payload_len = (size_t)n;
	n = lisp_ecm_encode(&ecm, itr->out, ITR_MSG_MAX, &err);
	if (n < 0) {
		itr->c.request_errors++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot build ECM: %s", err.msg);
		return (int)n;
	}
	itr->send(itr->send_arg, &mr->addr, mr->port, itr->out, (size_t)n);
	itr->c.requests_sent++;
	if (p->smr_invoked)
		itr->c.smr_requests_sent++;
	if (itr->params.subscribe)
		itr_sub_note(itr, &p->eid, p->nonce);
	p->tries++;
	evtimer_arm(itr->loop, &p->timer,
		    itr->params.request_timeout_ms
			    << (p->tries - 1 < ITR_BACKOFF_SHIFT_MAX ? p->tries - 1
								      : ITR_BACKOFF_SHIFT_MAX));
	return 0;
}

/* ---- pending resolutions -------------------------------------------------------------- */

static struct itr_pending *pending_find(const struct itr *itr, uint64_t nonce)
{
	struct itr_pending *p = itr->pending[nonce % ITR_NONCE_BUCKETS];

	while (p && p->nonce != nonce)
		p = p->next;
	return p;
}

/* Ends a resolution.  A subscription noted for an EID we never got an
 * answer for is forgotten with it. */
static void pending_end(struct itr *itr, struct itr_pending *p, bool failed)
{
	struct itr_pending **pp = &itr->pending[p->nonce % ITR_NONCE_BUCKETS];

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	mapdb_remove(itr->pending_by_eid, &p->eid);
	evtimer_cancel(itr->loop, &p->timer);
	itr->pending_count--;
	if (failed && !mapcache_exact(itr->cache, &p->eid))
		itr_sub_drop(itr, &p->eid);
	itr_lispsec_forget(p);
	free(p);
}

static int pending_start(struct itr *itr, const struct lisp_prefix *eid,
			 const struct lisp_addr *src_eid, bool smr_invoked, uint64_t delay_ms)
{
	struct itr_pending *p;
	size_t b;
	int rc;

	if (mapdb_exact(itr->pending_by_eid, eid))
		return -EALREADY;
	if (itr->pending_count >= itr->params.pending_max) {
		itr->c.resolves_refused++;
		return -ENOSPC;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->itr = itr;
	p->eid = *eid;
	if (src_eid) {
		p->has_src = true;
		p->src_eid = *src_eid;
	}
	p->smr_invoked = smr_invoked;
	/* RFC 9437, 5: a subscription's requests continue its nonce series,
	 * which the Map-Server's replay check relies on; the rest are random
	 * (RFC 9301, 5.2). */
	if (!itr->params.subscribe || !itr_sub_next_nonce(itr, eid, &p->nonce) ||
	    pending_find(itr, p->nonce))
		do
			p->nonce = itr_nonce_new();
		while (pending_find(itr, p->nonce));
	rc = mapdb_insert(itr->pending_by_eid, eid, p, NULL);
	if (rc < 0) {
		free(p);
		return rc;
	}
	b = p->nonce % ITR_NONCE_BUCKETS;
	p->next = itr->pending[b];
	itr->pending[b] = p;
	itr->pending_count++;
	evtimer_init(&p->timer, pending_fire, p);
	p->mr = itr->mr_current;
	p->mrs_tried = 1;
	if (delay_ms) {
		p->deferred = true;
		evtimer_arm(itr->loop, &p->timer, delay_ms);
		return 0;
	}
	rc = request_send(itr, p);
	if (rc < 0)
		pending_end(itr, p, true);
	return rc;
}

/* No answer in time: again with backoff (RFC 9301, 5.3), then the next
 * Map-Resolver, then give up.  No negative entry is made up: the next miss
 * asks again. */
static void pending_fire(struct evtimer *t, void *arg)
{
	struct itr_pending *p = arg;
	struct itr *itr = p->itr;
	char txt[LISP_ADDR_STR_MAX];

	(void)t;
	if (p->deferred) {
		p->deferred = false;
	} else if (p->tries < itr->params.request_tries) {
		itr->c.request_retransmits++;
	} else if (p->mrs_tried < itr->mr_count) {
		itr->c.request_failovers++;
		p->mr = (p->mr + 1) % itr->mr_count;
		p->mrs_tried++;
		p->tries = 0;
		/* Later resolutions start with the Map-Resolver that may
		 * still answer. */
		itr->mr_current = p->mr;
	} else {
		itr->c.resolves_gave_up++;
		lisp_prefix_format(&p->eid, txt, sizeof(txt));
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN,
				"itr: no Map-Resolver answered for %s, giving up", txt);
		pending_end(itr, p, true);
		return;
	}
	if (request_send(itr, p) < 0)
		pending_end(itr, p, true);
}

int itr_resolve_from(struct itr *itr, const struct lisp_prefix *eid,
		     const struct lisp_addr *src_eid)
{
	struct lisp_prefix key = *eid;
	int rc;

	if (key.addr.afi != LISP_AFI_IPV4 && key.addr.afi != LISP_AFI_IPV6 &&
	    key.addr.afi != LISP_AFI_MAC && key.addr.afi != LISP_AFI_DN)
		return -EINVAL;
	if (src_eid && src_eid->afi == LISP_AFI_NONE)
		src_eid = NULL;
	lisp_prefix_mask(&key);
	itr->c.resolves++;
	rc = pending_start(itr, &key, src_eid, false, 0);
	if (rc == -EALREADY)
		itr->c.resolves_coalesced++;
	return rc;
}

int itr_resolve(struct itr *itr, const struct lisp_prefix *eid)
{
	return itr_resolve_from(itr, eid, NULL);
}

/* The map-cache asks: this entry expires soon, resolve it again. */
static void itr_refresh(void *arg, struct mapcache_entry *e)
{
	struct itr *itr = arg;

	itr->c.refreshes++;
	e->request_last_ms = evloop_now_ms(itr->loop);
	pending_start(itr, &e->eid, NULL, false, 0);
}

static void itr_cache_event(void *arg, const struct mapcache_event *ev)
{
	struct itr *itr = arg;

	/* A subscription lives as long as what it keeps up to date. */
	if (ev->type == MAPCACHE_EV_REMOVE)
		itr_sub_drop(itr, &ev->entry->eid);
}

/* ---- Map-Reply -------------------------------------------------------------------- */

/* Installs one record of the answer to p; true when it was for p's very
 * prefix (installed, or withdrawn with TTL 0, or kept out by a static
 * entry). */
static bool reply_install(struct itr *itr, struct itr_pending *p, const struct lisp_record *rec,
			  uint64_t sub_last)
{
	struct mapcache_entry *e;
	struct lisp_prefix eid;
	struct lisp_err err;
	char txt[LISP_ADDR_STR_MAX];
	bool exact;
	int rc;

	if (lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &eid, &err) < 0) {
		itr->c.reply_records_refused++;
		return false;
	}
	lisp_prefix_mask(&eid);
	/* Only what we asked about: a record that neither covers nor sits
	 * under the requested EID would let whoever answers one request
	 * poison unrelated entries. */
	if (!lisp_prefix_covers(&eid, &p->eid) && !lisp_prefix_covers(&p->eid, &eid)) {
		itr->c.reply_records_refused++;
		lisp_prefix_format(&eid, txt, sizeof(txt));
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN,
				"itr: Map-Reply record for %s does not match the request", txt);
		return false;
	}
	if (!rec->loc_count && rec->ttl && !itr->params.cache_negative) {
		itr->c.negative_skipped++;
		return false;
	}
	exact = lisp_prefix_equal(&eid, &p->eid);
	rc = mapcache_update(itr->cache, rec, MAPCACHE_SRC_MAP_REPLY, &e, &err);
	if (rc == -EEXIST)
		return exact;	/* a static entry holds it: counted by the cache */
	if (rc < 0) {
		lisp_prefix_format(&eid, txt, sizeof(txt));
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot cache %s: %s", txt, err.msg);
		return false;
	}
	if (!e)
		return exact;	/* TTL 0: withdrawn */
	if (rec->loc_count)
		itr->c.records_installed++;
	else
		itr->c.negative_installed++;
	if (itr->params.subscribe)
		itr_sub_note(itr, &eid, sub_last);
	return exact;
}

static void reply_input(struct itr *itr, const uint8_t *msg, size_t len)
{
	struct lisp_map_reply r;
	struct itr_pending *p;
	struct lisp_err err;
	bool installed_exact;
	uint64_t sub_last;

	itr->c.replies_received++;
	lisp_arena_reset(&itr->arena);
	if (lisp_map_reply_decode(msg, len, &itr->arena, &r, &err) < 0) {
		itr->c.reply_decode_errors++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: bad Map-Reply: %s", err.msg);
		return;
	}
	if (r.probe) {
		itr_probe_reply(itr, &r);
		return;
	}
	p = pending_find(itr, r.nonce);
	if (!p || p->deferred) {
		/* RFC 9301, 5.4: the nonce is what makes a reply ours; an
		 * unsolicited one is never installed. */
		itr->c.replies_unsolicited++;
		log_ratelimited(&itr->rl, LOG_LEVEL_INFO,
				"itr: Map-Reply with an unknown nonce dropped");
		return;
	}
	/* LISP-SEC: refused and counted there; the resolution goes on. */
	if (!itr_lispsec_reply_ok(itr, p, msg, len, &r))
		return;
	itr->c.replies_accepted++;
	/* The subscription's nonce series may already have moved on (a
	 * Map-Notify can overtake the reply); the installed prefix inherits
	 * where it stands. */
	sub_last = itr->params.subscribe ? itr_sub_last(itr, &p->eid, p->nonce) : 0;
	installed_exact = false;
	for (unsigned int i = 0; i < r.record_count; i++)
		installed_exact |= reply_install(itr, p, &r.records[i], sub_last);
	/* We asked about a prefix we cache (a refresh, an SMR) and the answer
	 * is for another prefix: the EID was withdrawn (a negative reply for
	 * the space around it) or de-aggregated.  The old entry would shadow
	 * the answer: it goes. */
	if (!installed_exact && mapcache_exact(itr->cache, &p->eid) &&
	    !mapcache_entry_is_static(mapcache_exact(itr->cache, &p->eid))) {
		itr->c.entries_superseded++;
		mapcache_delete(itr->cache, &p->eid);
	}
	if (itr->params.subscribe && !mapcache_exact(itr->cache, &p->eid))
		itr_sub_drop(itr, &p->eid);
	pending_end(itr, p, false);
}

/* ---- Solicit-Map-Request (RFC 9301, 6.1) ------------------------------------------------ */

/* A Map-Request an SMR asks for (now, or after delay_ms), under the global
 * SMR limit; 0 when one is pending. */
static int smr_request(struct itr *itr, const struct lisp_prefix *eid, uint64_t delay_ms)
{
	if (!token_bucket_take(&itr->smr_bucket, evloop_now_ms(itr->loop))) {
		itr->c.smr_global_limited++;
		return -EBUSY;
	}
	return pending_start(itr, eid, NULL, true, delay_ms);
}

/*
 * One cached entry an SMR names: ask the mapping system again (not the SMR's
 * sender: an SMR is unauthenticated, so it may only make us ask, never tell
 * us an answer), with the s bit.  RFC 9301, 6.1: at most one such request
 * per entry and interval, until it is answered; one that comes too early is
 * deferred to the end of the interval rather than lost, because the
 * mapping did change.
 */
static void smr_entry(struct itr *itr, struct mapcache_entry *e)
{
	uint64_t now = evloop_now_ms(itr->loop);
	uint64_t next = e->request_last_ms + itr->params.smr_interval_ms;

	if (mapcache_entry_is_static(e)) {
		itr->c.smr_ignored++;
		return;
	}
	if (mapdb_exact(itr->pending_by_eid, &e->eid)) {
		itr->c.smr_rate_limited++;
		return;
	}
	if (e->request_last_ms && now < next) {
		itr->c.smr_rate_limited++;
		if (smr_request(itr, &e->eid, next - now) == 0)
			e->request_last_ms = next;
		return;
	}
	if (smr_request(itr, &e->eid, 0) == 0)
		e->request_last_ms = now;
}

struct smr_walk {
	struct itr *itr;
	unsigned int hits;
};

static int smr_walk_cb(struct mapcache_entry *e, void *arg)
{
	struct smr_walk *w = arg;

	smr_entry(w->itr, e);
	w->hits++;
	return 0;
}

static void smr_input(struct itr *itr, const uint8_t *msg, size_t len)
{
	struct smr_walk w = { .itr = itr };
	struct lisp_map_request req;
	struct lisp_err err;

	itr->c.smr_received++;
	lisp_arena_reset(&itr->arena);
	if (lisp_map_request_decode(msg, len, &itr->arena, &req, &err) < 0) {
		itr->c.smr_decode_errors++;
		log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: bad SMR: %s", err.msg);
		return;
	}
	if (!itr->params.smr) {
		itr->c.smr_ignored++;
		return;
	}
	for (unsigned int i = 0; i < req.record_count; i++) {
		struct mapcache_entry *e;
		struct lisp_prefix eid;

		if (lisp_waddr_to_prefix(&req.records[i].eid, req.records[i].mask_len, &eid,
					 NULL) < 0)
			continue;
		lisp_prefix_mask(&eid);
		/* The entry holding the EID, or the more specific ones we
		 * keep under the changed prefix. */
		e = mapcache_lookup(itr->cache, &eid);
		if (e && e->eid.plen < eid.plen && !mapcache_entry_is_static(e) &&
		    !mapdb_exact(itr->pending_by_eid, &eid)) {
			/* A more-specific was registered under what we cache
			 * (an agent that moved): ask for it, not for the
			 * covering prefix, whose answer has not changed. */
			smr_request(itr, &eid, 0);
			w.hits++;
		} else if (e) {
			smr_walk_cb(e, &w);
		} else {
			mapcache_walk(itr->cache, &eid, smr_walk_cb, &w);
		}
	}
	if (!w.hits)
		itr->c.smr_ignored++;
}

/* ---- input ------------------------------------------------------------------------ */

bool itr_input(struct itr *itr, const uint8_t *msg, size_t len, const struct lisp_addr *src,
	       uint16_t src_port)
{
	if (len < 1)
		return false;
	switch (msg[0] >> 4) {
	case LISP_MAP_REPLY:
		reply_input(itr, msg, len);
		return true;
	case LISP_MAP_REQUEST:
		/* Only SMRs (S, the low bit of the first byte) are ours; the
		 * ETR answers the rest. */
		if (!(msg[0] & 0x01))
			return false;
		smr_input(itr, msg, len);
		return true;
	case LISP_MAP_NOTIFY:
		return itr_notify_input(itr, msg, len, src, src_port);
	default:
		return false;
	}
}

/* ---- static entries ----------------------------------------------------------------------- */

int itr_add_static(struct itr *itr, const struct lisp_record *rec, enum mapcache_source src,
		   struct lisp_err *err)
{
	if (src != MAPCACHE_SRC_STATIC && src != MAPCACHE_SRC_API)
		return lisp_err_set(err, EINVAL, "a static entry comes from config or the API");
	return mapcache_update(itr->cache, rec, src, NULL, err);
}

int itr_del_static(struct itr *itr, const struct lisp_prefix *eid)
{
	struct lisp_prefix key = *eid;
	struct mapcache_entry *e;

	lisp_prefix_mask(&key);
	e = mapcache_exact(itr->cache, &key);
	if (!e || !mapcache_entry_is_static(e))
		return -ENOENT;
	return mapcache_delete(itr->cache, &key);
}
