/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture of the ITR suites (test_itr_resolve.c, test_itr_updates.c,
 * test_itr_cache.c): the ITR against our Map-Server, Map-Resolver, pub/sub
 * and ETR, joined by an in-process "network" that delivers each message to
 * the role owning its destination:
 *
 *   192.0.2.100   Map-Server + Map-Resolver (+ pub/sub)
 *   192.0.2.200   a Map-Resolver that never answers (and .201)
 *   192.0.2.1     ETR "A", EIDs [5]10.5.x.0/24 -> RLOC 192.0.2.1
 *   198.51.100.7  the xTR under test: the ITR, and ETR "B" for pub/sub
 *
 * Each suite is its own executable, so the state below is each one's own.
 */
#ifndef LISPGW_TEST_ITR_FIXTURE_H
#define LISPGW_TEST_ITR_FIXTURE_H

#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "etr.h"
#include "itr.h"
#include "lisp_auth.h"
#include "map_resolver.h"
#include "pubsub.h"

#define QUEUE_MAX 512
#define SENT_MAX 64

struct packet {
	struct lisp_addr src, dst;
	uint16_t dport;
	uint8_t msg[2048];
	size_t len;
};

static struct packet queue[QUEUE_MAX];
static unsigned int qhead, qtail;
static struct packet itr_sent[SENT_MAX];	/* what the xTR sent, in order */
static unsigned int nitr_sent;
static struct packet notifies[8];		/* Map-Notifies that reached the xTR */
static unsigned int nnotifies;
static unsigned int silent_rx[2];
static bool etr_down;
/* Test time each packet spends on the wire (clock_util.h); 0: none. */
static uint64_t link_delay_us;

static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static struct map_resolver *mr;
static struct pubsub *ps;
static struct etr *etr;		/* A */
static struct etr *etr_b;	/* co-located with the ITR, pub/sub only */
static struct itr *itr;
static struct lisp_addr ms_addr, etr_addr, xtr_addr, silent_addr[2];
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;
static const char key[] = "itr-site-key";
/* LISP-SEC (test_lispsec_roles.c): the site's mode and the keys world()
 * gives the site, the Map-Resolver and ETR A; all off by default. */
static uint8_t world_site_sec;			/* enum site_lisp_sec */
static bool world_mr_sec, world_etr_sec;
static uint8_t world_mr_key[16], world_site_key[16], world_etr_key[16];

static inline void enqueue(const struct lisp_addr *src, const struct lisp_addr *dst, uint16_t port,
		    const uint8_t *msg, size_t len)
{
	struct packet *p = &queue[qtail++ % QUEUE_MAX];

	ck_assert_uint_lt(qtail - qhead, QUEUE_MAX);
	ck_assert_uint_le(len, sizeof(p->msg));
	p->src = *src;
	p->dst = *dst;
	p->dport = port;
	memcpy(p->msg, msg, len);
	p->len = len;
}

static inline void from_ms(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	enqueue(&ms_addr, dst, port, msg, len);
}

static inline void from_etr(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	enqueue(&etr_addr, dst, port, msg, len);
}

static inline void from_xtr(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	struct packet *p = &itr_sent[nitr_sent++ % SENT_MAX];

	(void)arg;
	p->dst = *dst;
	p->dport = port;
	memcpy(p->msg, msg, len);
	p->len = len;
	enqueue(&xtr_addr, dst, port, msg, len);
}

/* The xTR's dispatch: what the ITR does not claim goes to its ETR. */
static inline void xtr_input(struct packet *p)
{
	if (p->msg[0] >> 4 == LISP_MAP_NOTIFY && nnotifies < 8)
		notifies[nnotifies++] = *p;
	if (p->msg[0] >> 4 == LISP_ECM) {
		if (etr_b)
			etr_input(etr_b, p->msg, p->len, &p->src, 4342);
		return;
	}
	if ((!itr || !itr_input(itr, p->msg, p->len, &p->src, 4342)) && etr_b)
		etr_input(etr_b, p->msg, p->len, &p->src, 4342);
}

/* The ETR answers at its configured address and at the RLOCs its moved
 * mappings name (203.0.113.1-9), since the Map-Server forwards requests to
 * registered RLOCs, not to where the Map-Register came from. */
static inline bool to_etr(const struct lisp_addr *dst)
{
	return lisp_addr_equal(dst, &etr_addr) ||
	       (dst->afi == LISP_AFI_IPV4 && dst->v4[0] == 203 && dst->v4[1] == 0 &&
		dst->v4[2] == 113 && dst->v4[3] >= 1 && dst->v4[3] <= 9);
}

/* Delivers queued packets (and what they cause) until the network is
 * quiet; returns how many. */
static inline unsigned int pump(void)
{
	unsigned int first = qhead;

	while (qhead != qtail) {
		struct packet *p = &queue[qhead++ % QUEUE_MAX];

		t_clock_advance_us(link_delay_us);
		if (lisp_addr_equal(&p->dst, &ms_addr)) {
			if (p->msg[0] >> 4 == LISP_ECM)
				map_resolver_input(mr, p->msg, p->len, &p->src, 4342);
			else
				map_server_input(ms, p->msg, p->len, &p->src, 4342);
		} else if (to_etr(&p->dst)) {
			if (!etr_down)
				etr_input(etr, p->msg, p->len, &p->src, 4342);
		} else if (lisp_addr_equal(&p->dst, &xtr_addr)) {
			xtr_input(p);
		} else if (lisp_addr_equal(&p->dst, &silent_addr[0])) {
			silent_rx[0]++;
		} else if (lisp_addr_equal(&p->dst, &silent_addr[1])) {
			silent_rx[1]++;
		}
	}
	return qhead - first;
}

/* ms_total of test time (clock_util.h), the network pumped between
 * turns. */
static inline void run_for(unsigned int ms_total)
{
	t_run_for(loop, ms_total, pump);
}

static inline struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

static inline struct lisp_addr addr(const char *s)
{
	struct lisp_addr a;

	ck_assert_int_eq(lisp_addr_parse(s, &a, NULL), 0);
	return a;
}

static inline void set_mapping_ttl(struct etr *e, const char *eid, const char *rloc, uint32_t ttl)
{
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = ttl, .loc_count = 1, .locs = &loc };
	struct lisp_waddr inner;
	struct lisp_prefix p = pfx(eid);
	struct lisp_addr a = addr(rloc);
	struct lisp_err err;

	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&loc.addr, &a);
	ck_assert_msg(etr_db_set(e, &rec, &err) == 0, "%s", err.msg);
}

static inline void set_mapping(struct etr *e, const char *eid, const char *rloc)
{
	set_mapping_ttl(e, eid, rloc, 1440);
}

static inline struct etr *etr_make(bool proxy, uint8_t xtr_id, lisp_send_fn send)
{
	struct etr_map_server server = { .port = 4342, .alg_id = LISP_AUTH_HMAC_SHA256_128 };
	struct etr_params ep;
	struct etr *e;

	etr_params_default(&ep);
	ep.notify_timeout_ms = 20;
	ep.register_interval_ms = 60000;
	ep.coalesce_ms = 1;
	ep.proxy_reply = proxy;
	ep.xtr_id_present = true;
	memset(ep.xtr_id, xtr_id, sizeof(ep.xtr_id));
	server.addr = ms_addr;
	memcpy(server.key, key, strlen(key));
	server.key_len = strlen(key);
	server.lisp_sec = world_etr_sec;
	server.lisp_sec_aes = true;
	memcpy(server.lisp_sec_key, world_etr_key, 16);
	e = etr_new(loop, &ep, &server, 1, send, NULL);
	ck_assert_ptr_nonnull(e);
	return e;
}

/* The mapping system and ETR A with [5]10.5.1.0/24 registered. */
static inline void world(bool proxy)
{
	struct site_eid eids[2] = { { .accept_more_specifics = true },
				    { .accept_more_specifics = true } };
	struct site s = { .name = "site", .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = eids,
			  .eid_count = 2 };
	struct ms_params mp;
	struct mr_params rp;

	qhead = qtail = nitr_sent = nnotifies = 0;
	silent_rx[0] = silent_rx[1] = 0;
	etr_down = false;
	link_delay_us = 0;
	etr_b = NULL;
	itr = NULL;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	ms_addr = addr("192.0.2.100");
	etr_addr = addr("192.0.2.1");
	xtr_addr = addr("198.51.100.7");
	silent_addr[0] = addr("192.0.2.200");
	silent_addr[1] = addr("192.0.2.201");
	loop = t_loop_new();
	ck_assert_ptr_nonnull(loop);
	evloop_now_update(loop);
	sites = site_table_new();
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	s.lisp_sec = world_site_sec;
	s.lisp_sec_aes = true;
	memcpy(s.lisp_sec_key, world_site_key, 16);
	eids[0].prefix = pfx("[5]10.5.0.0/16");
	eids[1].prefix = pfx("[6]10.5.0.0/16");
	ck_assert_int_eq(site_table_add(sites, &s), 0);
	map_server_params_default(&mp);
	mp.notify_interval_ms = 50;
	ms = map_server_new(loop, sites, &mp, from_ms, NULL);
	map_resolver_params_default(&rp);
	rp.rate = 0;
	rp.lisp_sec = world_mr_sec;
	rp.lisp_sec_aes = true;
	memcpy(rp.lisp_sec_key, world_mr_key, 16);
	mr = map_resolver_new(loop, &rp, ms, sites, from_ms, NULL);
	ps = pubsub_new(ms);
	ck_assert_ptr_nonnull(ps);
	map_resolver_set_pubsub(mr, ps);
	etr = etr_make(proxy, 0xaa, from_etr);
	set_mapping(etr, "[5]10.5.1.0/24", "192.0.2.1");
	etr_start(etr);
	run_for(10);
	ck_assert(etr_registered(etr));
}

static inline void itr_params_test(struct itr_params *p)
{
	itr_params_default(p);
	p->rlocs[0] = xtr_addr;
	p->rloc_count = 1;
	p->request_timeout_ms = 20;
	p->request_tries = 2;
	p->smr_interval_ms = 200;
	p->probe_interval_ms = 40;
	p->probe_timeout_ms = 15;
	p->probe_tries = 2;
}

static inline void itr_start_with(const struct itr_params *p, const struct lisp_addr *mrs, size_t n)
{
	struct itr_map_resolver r[4];

	for (size_t i = 0; i < n; i++) {
		r[i].addr = mrs[i];
		r[i].port = 4342;
	}
	itr = itr_new(loop, p, r, n, from_xtr, NULL);
	ck_assert_ptr_nonnull(itr);
}

static inline void itr_start(void)
{
	struct itr_params p;

	itr_params_test(&p);
	itr_start_with(&p, &ms_addr, 1);
}

static inline void teardown(void)
{
	itr_free(itr);
	etr_free(etr_b);
	etr_free(etr);
	pubsub_free(ps);
	map_resolver_free(mr);
	map_server_free(ms);
	site_table_free(sites);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
	evloop_free(loop);
}

static inline void resolve(const char *eid, int expect)
{
	struct lisp_prefix p = pfx(eid);

	ck_assert_int_eq(itr_resolve(itr, &p), expect);
}

static inline struct mapcache_entry *cached(const char *eid)
{
	struct lisp_prefix p = pfx(eid);

	return mapcache_lookup(itr_cache(itr), &p);
}

/* A cached entry that must be there (a clean failure, not a crash). */
static inline struct mapcache_entry *must(const char *eid)
{
	struct mapcache_entry *e = cached(eid);

	ck_assert_msg(e != NULL, "no map-cache entry for %s", eid);
	return e;
}

/* The Map-Request inside the i-th message the xTR sent (an ECM, or a
 * direct Map-Request). */
static inline void sent_request(unsigned int i, struct lisp_ecm *ecm, struct lisp_map_request *req)
{
	const struct packet *p = &itr_sent[i];

	lisp_arena_reset(&arena);
	if (p->msg[0] >> 4 == LISP_ECM) {
		ck_assert_int_eq(lisp_ecm_decode(p->msg, p->len, ecm, NULL), 0);
		ck_assert_int_eq(lisp_map_request_decode(ecm->payload, ecm->payload_len, &arena,
							 req, NULL), 0);
	} else {
		memset(ecm, 0, sizeof(*ecm));
		ck_assert_int_eq(lisp_map_request_decode(p->msg, p->len, &arena, req, NULL), 0);
	}
}

#define ITR_C(name) (itr_counters(itr)->name)

/* Counts the map-cache's removals and RLOC changes (mapcache_observe). */
static unsigned int nremoved, nrloc_events;
static enum mapcache_remove_reason last_reason;

static inline void watch(void *arg, const struct mapcache_event *ev)
{
	(void)arg;
	if (ev->type == MAPCACHE_EV_REMOVE) {
		nremoved++;
		last_reason = ev->reason;
	} else if (ev->type == MAPCACHE_EV_RLOC) {
		nrloc_events++;
	}
}

#endif
