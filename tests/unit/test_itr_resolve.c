/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR against our Map-Server, Map-Resolver, pub/sub and ETR, joined by
 * an in-process "network" that delivers each message to the role owning
 * its destination:
 *
 *   192.0.2.100   Map-Server + Map-Resolver (+ pub/sub)
 *   192.0.2.200   a Map-Resolver that never answers (and .201)
 *   192.0.2.1     ETR "A", EIDs [5]10.5.x.0/24 -> RLOC 192.0.2.1
 *   198.51.100.7  the xTR under test: the ITR, and ETR "B" for pub/sub
 *
 * Resolution (proxy, ETR-answered, negative), retransmission, fail-over and
 * giving up, unsolicited and off-topic replies, coalescing, expiry,
 * refresh, SMR end to end (the ETR side included), pub/sub end to end,
 * RLOC probing, Instance-IDs, the cache bound and static entries.
 */
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

static void enqueue(const struct lisp_addr *src, const struct lisp_addr *dst, uint16_t port,
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

static void from_ms(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	enqueue(&ms_addr, dst, port, msg, len);
}

static void from_etr(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	enqueue(&etr_addr, dst, port, msg, len);
}

static void from_xtr(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
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
static void xtr_input(struct packet *p)
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
static bool to_etr(const struct lisp_addr *dst)
{
	return lisp_addr_equal(dst, &etr_addr) ||
	       (dst->afi == LISP_AFI_IPV4 && dst->v4[0] == 203 && dst->v4[1] == 0 &&
		dst->v4[2] == 113 && dst->v4[3] >= 1 && dst->v4[3] <= 9);
}

/* Delivers queued packets (and what they cause) until the network is
 * quiet; returns how many. */
static unsigned int pump(void)
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
static void run_for(unsigned int ms_total)
{
	t_run_for(loop, ms_total, pump);
}

static struct lisp_prefix pfx(const char *s)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	return p;
}

static struct lisp_addr addr(const char *s)
{
	struct lisp_addr a;

	ck_assert_int_eq(lisp_addr_parse(s, &a, NULL), 0);
	return a;
}

static void set_mapping_ttl(struct etr *e, const char *eid, const char *rloc, uint32_t ttl)
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

static void set_mapping(struct etr *e, const char *eid, const char *rloc)
{
	set_mapping_ttl(e, eid, rloc, 1440);
}

static struct etr *etr_make(bool proxy, uint8_t xtr_id, lisp_send_fn send)
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
	e = etr_new(loop, &ep, &server, 1, send, NULL);
	ck_assert_ptr_nonnull(e);
	return e;
}

/* The mapping system and ETR A with [5]10.5.1.0/24 registered. */
static void world(bool proxy)
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
	eids[0].prefix = pfx("[5]10.5.0.0/16");
	eids[1].prefix = pfx("[6]10.5.0.0/16");
	ck_assert_int_eq(site_table_add(sites, &s), 0);
	map_server_params_default(&mp);
	mp.notify_interval_ms = 50;
	ms = map_server_new(loop, sites, &mp, from_ms, NULL);
	map_resolver_params_default(&rp);
	rp.rate = 0;
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

static void itr_params_test(struct itr_params *p)
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

static void itr_start_with(const struct itr_params *p, const struct lisp_addr *mrs, size_t n)
{
	struct itr_map_resolver r[4];

	for (size_t i = 0; i < n; i++) {
		r[i].addr = mrs[i];
		r[i].port = 4342;
	}
	itr = itr_new(loop, p, r, n, from_xtr, NULL);
	ck_assert_ptr_nonnull(itr);
}

static void itr_start(void)
{
	struct itr_params p;

	itr_params_test(&p);
	itr_start_with(&p, &ms_addr, 1);
}

static void teardown(void)
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

static void resolve(const char *eid, int expect)
{
	struct lisp_prefix p = pfx(eid);

	ck_assert_int_eq(itr_resolve(itr, &p), expect);
}

static struct mapcache_entry *cached(const char *eid)
{
	struct lisp_prefix p = pfx(eid);

	return mapcache_lookup(itr_cache(itr), &p);
}

/* A cached entry that must be there (a clean failure, not a crash). */
static struct mapcache_entry *must(const char *eid)
{
	struct mapcache_entry *e = cached(eid);

	ck_assert_msg(e != NULL, "no map-cache entry for %s", eid);
	return e;
}

/* The Map-Request inside the i-th message the xTR sent (an ECM, or a
 * direct Map-Request). */
static void sent_request(unsigned int i, struct lisp_ecm *ecm, struct lisp_map_request *req)
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

/* ---- resolution ------------------------------------------------------------------ */

START_TEST(resolves_through_proxy_reply)
{
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	struct lisp_prefix want = pfx("[5]10.5.1.9/32");

	world(true);
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	/* The ECM: inner header from our RLOC to the EID, from the port we
	 * receive on to 4342; inside, our RLOC as ITR-RLOC, no source EID, a
	 * random nonce, the EID with its Instance-ID. */
	ck_assert_uint_eq(nitr_sent, 1);
	ck_assert(lisp_addr_equal(&itr_sent[0].dst, &ms_addr));
	sent_request(0, &ecm, &req);
	ck_assert(lisp_addr_equal(&ecm.inner_src, &xtr_addr));
	ck_assert(ecm.inner_dst.afi == LISP_AFI_IPV4 && ecm.inner_dst.v4[3] == 9);
	ck_assert_uint_eq(ecm.inner_sport, 4342);
	ck_assert_uint_eq(ecm.inner_dport, 4342);
	ck_assert_uint_eq(req.itr_rloc_count, 1);
	ck_assert(lisp_addr_equal(&req.itr_rlocs[0].plain, &xtr_addr));
	ck_assert_uint_eq(req.source_eid.afi, LISP_AFI_NONE);
	ck_assert_uint_ne(req.nonce, 0);
	ck_assert(!req.xtr_id_present && !req.smr && !req.smr_invoked && !req.probe);
	ck_assert_uint_eq(req.record_count, 1);
	{
		struct lisp_prefix got;

		ck_assert_int_eq(lisp_waddr_to_prefix(&req.records[0].eid, req.records[0].mask_len,
						      &got, NULL), 0);
		ck_assert(lisp_prefix_equal(&got, &want));
	}
	run_for(5);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->eid.iid, 5);
	ck_assert_uint_eq(e->eid.plen, 24);
	ck_assert_uint_eq(e->ttl_min, 1440);
	ck_assert_uint_eq(e->expires_ms - e->updated_ms, 1440ull * 60000);
	ck_assert_int_eq(e->source, MAPCACHE_SRC_MAP_REPLY);
	ck_assert_uint_eq(e->rloc_count, 1);
	ck_assert(lisp_addr_equal(&e->rlocs[0].addr, &etr_addr));
	ck_assert_uint_eq(e->rlocs[0].priority, 1);
	ck_assert_uint_eq(e->rlocs[0].weight, 100);
	ck_assert(e->rlocs[0].up);
	ck_assert_uint_eq(itr_pending_count(itr), 0);
	ck_assert_uint_eq(ITR_C(replies_accepted), 1);
	ck_assert_uint_eq(ITR_C(records_installed), 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_proxy, 1);
	teardown();
}
END_TEST

START_TEST(non_proxy_the_etr_answers)
{
	struct mapcache_entry *e;
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");

	world(false);
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_forwarded, 1);
	ck_assert_uint_eq(etr_counters(etr)->requests_answered, 1);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert(e->authoritative);
	ck_assert(lisp_addr_equal(&e->rlocs[0].addr, &etr_addr));
	/* The ETR remembers who asked, for SMR. */
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), 1);
	teardown();
}
END_TEST

START_TEST(negative_replies)
{
	struct lisp_prefix want = pfx("[5]10.7.0.1/32");
	struct mapcache_entry *e;
	struct itr_params p;

	world(true);
	itr_start();
	/* Not an EID at all: natively forward, 15 minutes. */
	resolve("[5]10.7.0.1/32", 0);
	/* Inside the site, not registered: ask again, 1 minute. */
	resolve("[5]10.5.77.1/32", 0);
	run_for(5);
	e = cached("[5]10.7.0.1/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->loc_count, 0);
	ck_assert_uint_eq(e->action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(e->ttl_min, 15);
	ck_assert(lisp_prefix_covers(&e->eid, &want));
	e = cached("[5]10.5.77.1/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->action, LISP_ACT_SEND_MAP_REQUEST);
	ck_assert_uint_eq(e->ttl_min, 1);
	ck_assert_uint_eq(ITR_C(negative_installed), 2);
	itr_free(itr);
	/* Told not to keep negative entries. */
	itr_params_test(&p);
	p.cache_negative = false;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.7.0.1/32", 0);
	run_for(5);
	ck_assert_ptr_null(cached("[5]10.7.0.1/32"));
	ck_assert_uint_eq(ITR_C(negative_skipped), 1);
	teardown();
}
END_TEST

START_TEST(retransmits_and_fails_over)
{
	struct lisp_addr mrs[2];
	struct itr_params p;

	world(true);
	mrs[0] = silent_addr[0];
	mrs[1] = ms_addr;
	itr_params_test(&p);
	itr_start_with(&p, mrs, 2);
	resolve("[5]10.5.1.9/32", 0);
	/* 20 ms, then 40 more: two tries to the silent one, then the next. */
	run_for(30);
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	run_for(50);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_uint_eq(ITR_C(request_retransmits), 1);
	ck_assert_uint_eq(ITR_C(request_failovers), 1);
	ck_assert_uint_eq(ITR_C(requests_sent), 3);
	/* Later resolutions go to the one that answered. */
	ck_assert_uint_eq(itr_current_map_resolver(itr), 1);
	resolve("[5]10.5.2.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_uint_eq(ITR_C(requests_sent), 4);
	teardown();
}
END_TEST

/* A configuration reload (itr_reconfigure): the new Map-Resolver list takes
 * the next resolution, and one in flight at a Map-Resolver that is gone
 * retries at the new list's first; negative entries follow the flag. */
START_TEST(reconfigure_takes_new_map_resolvers)
{
	struct itr_map_resolver to_ms;
	struct itr_params p;

	world(true);
	to_ms = (struct itr_map_resolver){ ms_addr, LISP_CONTROL_PORT };
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 2);
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(silent_rx[0], 1);
	p.cache_negative = false;
	ck_assert_int_eq(itr_reconfigure(itr, &p, &to_ms, 0), -EINVAL);
	ck_assert_int_eq(itr_reconfigure(itr, &p, &to_ms, 1), 0);
	ck_assert_uint_eq(itr_current_map_resolver(itr), 0);
	/* The pending one retransmits to the Map-Server now (its own index,
	 * 0, is the new list's only entry) and is answered. */
	run_for(60);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(silent_rx[0], 1);
	ck_assert_uint_eq(silent_rx[1], 0);
	resolve("[5]10.7.0.1/32", 0);
	run_for(5);
	ck_assert_ptr_null(cached("[5]10.7.0.1/32"));	/* negative, not kept now */
	ck_assert_uint_eq(ITR_C(negative_skipped), 1);
	ck_assert_uint_eq(silent_rx[0], 1);
	teardown();
}
END_TEST

START_TEST(gives_up_after_every_map_resolver)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 2);
	resolve("[5]10.5.1.9/32", 0);
	run_for(100);
	ck_assert_uint_eq(ITR_C(resolves_gave_up), 0);
	run_for(60);
	/* 2 tries each (20 + 40 ms), then nothing: no negative entry is made
	 * up, the next miss asks again. */
	ck_assert_uint_eq(silent_rx[0], 2);
	ck_assert_uint_eq(silent_rx[1], 2);
	ck_assert_uint_eq(ITR_C(resolves_gave_up), 1);
	ck_assert_uint_eq(itr_pending_count(itr), 0);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 0);
	resolve("[5]10.5.1.9/32", 0);
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	teardown();
}
END_TEST

START_TEST(dual_stack_and_non_ip_eids)
{
	struct lisp_addr src = addr("10.5.3.3"), v6 = addr("2001:db8::7");
	struct lisp_prefix eid6 = pfx("[5]2001:db8:5::1/128"), got;
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.rlocs[1] = v6;
	p.rloc_count = 2;
	itr_start_with(&p, silent_addr, 1);
	/* An IPv6 EID: the inner header is IPv6, from our IPv6 RLOC; both
	 * RLOCs are ITR-RLOCs; the source EID is the host that missed, in
	 * the EID's Instance-ID. */
	ck_assert_int_eq(itr_resolve_from(itr, &eid6, &v6), 0);
	sent_request(0, &ecm, &req);
	ck_assert_uint_eq(ecm.ip_version, 6);
	ck_assert(lisp_addr_equal(&ecm.inner_src, &v6));
	ck_assert(lisp_addr_equal(&ecm.inner_dst, &eid6.addr));
	ck_assert_uint_eq(req.itr_rloc_count, 2);
	ck_assert(lisp_addr_equal(&req.itr_rlocs[1].plain, &v6));
	ck_assert_int_eq(lisp_waddr_to_prefix(&req.source_eid, 128, &got, NULL), 0);
	ck_assert_uint_eq(got.iid, 5);
	/* A MAC EID cannot be a destination: the Map-Resolver stands in. */
	ck_assert_int_eq(itr_resolve_from(itr, &(struct lisp_prefix){ 0 }, &src), -EINVAL);
	{
		struct lisp_prefix mac = pfx("[5]mac:00:11:22:33:44:55/48");

		ck_assert_int_eq(itr_resolve(itr, &mac), 0);
	}
	sent_request(1, &ecm, &req);
	ck_assert_uint_eq(ecm.ip_version, 4);
	ck_assert(lisp_addr_equal(&ecm.inner_src, &xtr_addr));
	ck_assert(lisp_addr_equal(&ecm.inner_dst, &silent_addr[0]));
	teardown();
}
END_TEST

/* A Map-Reply for eid with one RLOC, nonce given. */
static void forge_reply(uint64_t nonce, const char *eid1, const char *eid2)
{
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_record recs[2] = { { .ttl = 60, .loc_count = 1, .locs = &loc },
				       { .ttl = 60, .loc_count = 1, .locs = &loc } };
	struct lisp_map_reply r = { .nonce = nonce, .record_count = eid2 ? 2 : 1, .records = recs };
	struct lisp_waddr in1, in2;
	struct lisp_prefix p1 = pfx(eid1), p2 = pfx(eid2 ? eid2 : eid1);
	struct lisp_addr evil = addr("203.0.113.66");
	uint8_t buf[512];
	ssize_t n;

	lisp_waddr_from_addr(&loc.addr, &evil);
	lisp_waddr_from_prefix(&recs[0].eid, &in1, &p1);
	recs[0].mask_len = p1.plen;
	lisp_waddr_from_prefix(&recs[1].eid, &in2, &p2);
	recs[1].mask_len = p2.plen;
	n = lisp_map_reply_encode(&r, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	enqueue(&silent_addr[0], &xtr_addr, 4342, buf, (size_t)n);
}

START_TEST(unsolicited_replies_are_never_installed)
{
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 1);
	forge_reply(0x1234, "[5]10.5.1.0/24", NULL);
	run_for(2);
	ck_assert_uint_eq(ITR_C(replies_unsolicited), 1);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 0);
	/* With the pending nonce, only the record that answers the question is
	 * taken: another EID in the same reply would poison the cache. */
	resolve("[5]10.5.1.9/32", 0);
	sent_request(0, &ecm, &req);
	forge_reply(req.nonce, "[5]10.5.1.0/24", "[5]10.9.0.0/16");
	run_for(2);
	ck_assert_uint_eq(ITR_C(replies_accepted), 1);
	ck_assert_uint_eq(ITR_C(reply_records_refused), 1);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(cached("[5]10.9.1.1/32"));
	/* The same reply again: the request is answered, the nonce spent. */
	forge_reply(req.nonce, "[5]10.5.1.0/24", NULL);
	run_for(2);
	ck_assert_uint_eq(ITR_C(replies_unsolicited), 2);
	teardown();
}
END_TEST

START_TEST(duplicate_misses_coalesce)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	itr_start_with(&p, silent_addr, 1);
	resolve("[5]10.5.1.9/32", 0);
	resolve("[5]10.5.1.9/32", -EALREADY);
	resolve("[5]10.5.1.9/32", -EALREADY);
	resolve("[6]10.5.1.9/32", 0);	/* another Instance-ID: another EID */
	ck_assert_uint_eq(ITR_C(requests_sent), 2);
	ck_assert_uint_eq(ITR_C(resolves_coalesced), 2);
	ck_assert_uint_eq(itr_pending_count(itr), 2);
	/* Unkeyable EIDs are refused. */
	{
		struct lisp_prefix none = { 0 };

		ck_assert_int_eq(itr_resolve(itr, &none), -EINVAL);
	}
	teardown();
}
END_TEST

/* ---- lifetime ------------------------------------------------------------------------ */

static unsigned int nremoved, nrloc_events;
static enum mapcache_remove_reason last_reason;

static void watch(void *arg, const struct mapcache_event *ev)
{
	(void)arg;
	if (ev->type == MAPCACHE_EV_REMOVE) {
		nremoved++;
		last_reason = ev->reason;
	} else if (ev->type == MAPCACHE_EV_RLOC) {
		nrloc_events++;
	}
}

START_TEST(expiry_removes_and_tells)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.cache.ttl_max_ms = 150;
	p.cache.refresh_ms = 0;
	itr_start_with(&p, &ms_addr, 1);
	nremoved = 0;
	ck_assert_int_eq(mapcache_observe(itr_cache(itr), watch, NULL), 0);
	resolve("[5]10.5.1.9/32", 0);
	run_for(40);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	run_for(130);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(nremoved, 1);
	ck_assert_int_eq(last_reason, MAPCACHE_RM_EXPIRED);
	ck_assert_uint_eq(ITR_C(requests_sent), 1);
	teardown();
}
END_TEST

START_TEST(refreshes_before_expiry)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.cache.ttl_max_ms = 150;
	p.cache.refresh_ms = 70;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.5.1.9/32", 0);
	run_for(330);
	/* Refreshed at 80, 160, 240...: never expired. */
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	ck_assert_uint_ge(ITR_C(refreshes), 3);
	ck_assert_uint_eq(ITR_C(requests_sent), 1 + ITR_C(refreshes));
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->expired, 0);
	ck_assert_uint_ge(mapcache_counters(itr_cache(itr))->refreshed, 3);
	teardown();
}
END_TEST

/* ---- SMR ----------------------------------------------------------------------------- */

START_TEST(smr_end_to_end)
{
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	unsigned int mark;

	world(false);	/* the ETR answers itself, so it knows who asked */
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	/* The ETR's mapping moves: it registers, and solicits the ITR, which
	 * asks the mapping system again (s bit) and caches the new RLOC. */
	mark = nitr_sent;
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.5");
	run_for(5);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 1);
	ck_assert_uint_eq(ITR_C(smr_received), 1);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 1);
	sent_request(mark, &ecm, &req);
	ck_assert(req.smr_invoked && !req.smr);
	ck_assert(lisp_addr_equal(&itr_sent[mark].dst, &ms_addr));
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->rlocs[0].addr.v4[0], 203);
	ck_assert_uint_eq(e->version, 2);
	/* Moves again at once: the ITR waits out its interval (200 ms here),
	 * then asks. */
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.6");
	run_for(5);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 2);
	ck_assert_uint_eq(ITR_C(smr_rate_limited), 1);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 1);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 5);
	run_for(250);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 2);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 6);
	/* Withdrawn: the ITR hears of that too; the mapping system then has
	 * only a negative answer. */
	ck_assert_int_eq(etr_db_del(etr, &db), 0);
	run_for(250);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 3);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->loc_count, 0);
	/* The /24 entry would shadow the negative answer around it: gone. */
	ck_assert_uint_eq(ITR_C(entries_superseded), 1);
	ck_assert_ptr_null(mapcache_exact(itr_cache(itr), &db));
	teardown();
}
END_TEST

/* A Map-Request with the S bit for eid, straight to the xTR. */
static void forge_smr(const char *eid)
{
	struct lisp_request_record rec = { 0 };
	struct lisp_map_request req = { .smr = true, .nonce = 9, .itr_rloc_count = 1,
					.record_count = 1, .records = &rec };
	struct lisp_waddr itr_rloc, inner;
	struct lisp_prefix p = pfx(eid);
	uint8_t buf[256];
	ssize_t n;

	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&itr_rloc, &etr_addr);
	req.itr_rlocs = &itr_rloc;
	n = lisp_map_request_encode(&req, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	enqueue(&etr_addr, &xtr_addr, 4342, buf, (size_t)n);
}

START_TEST(smr_for_what_we_do_not_cache)
{
	struct lisp_record rec = { .ttl = 10, .mask_len = 16 };
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_waddr inner;
	struct lisp_prefix sp = pfx("[5]10.8.0.0/16");
	struct lisp_addr sa = addr("192.0.2.8");

	world(true);
	itr_start();
	forge_smr("[5]10.5.1.0/24");
	run_for(2);
	ck_assert_uint_eq(ITR_C(smr_received), 1);
	ck_assert_uint_eq(ITR_C(smr_ignored), 1);
	ck_assert_uint_eq(ITR_C(requests_sent), 0);
	/* Nor for static entries: configuration is not the mapping system's. */
	lisp_waddr_from_prefix(&rec.eid, &inner, &sp);
	lisp_waddr_from_addr(&loc.addr, &sa);
	rec.loc_count = 1;
	rec.locs = &loc;
	ck_assert_int_eq(itr_add_static(itr, &rec, MAPCACHE_SRC_STATIC, NULL), 0);
	forge_smr("[5]10.8.0.0/16");
	run_for(2);
	ck_assert_uint_eq(ITR_C(smr_ignored), 2);
	ck_assert_uint_eq(ITR_C(requests_sent), 0);
	/* An SMR for a covering prefix reaches the entries under it. */
	resolve("[5]10.5.1.9/32", 0);
	run_for(2);
	forge_smr("[5]10.5.0.0/16");
	run_for(2);
	ck_assert_uint_eq(ITR_C(smr_requests_sent), 1);
	teardown();
}
END_TEST

/* A Map-Request from itr_rloc straight to ETR A (as an ITR would probe). */
static void ask_etr_from(const char *itr_rloc)
{
	struct lisp_request_record rec = { 0 };
	struct lisp_map_request req = { .probe = true, .nonce = 5, .itr_rloc_count = 1,
					.record_count = 1, .records = &rec };
	struct lisp_waddr w, inner;
	struct lisp_prefix p = pfx("[5]10.5.1.1/32");
	struct lisp_addr a = addr(itr_rloc);
	uint8_t buf[256];
	ssize_t n;

	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&w, &a);
	req.itr_rlocs = &w;
	n = lisp_map_request_encode(&req, buf, sizeof(buf), NULL);
	enqueue(&a, &etr_addr, 4342, buf, (size_t)n);
}

START_TEST(etr_smr_is_bounded_and_rate_limited)
{
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");
	char a[32];

	world(true);
	itr_start();
	/* 70 ITRs ask: the ETR remembers the last 64. */
	for (unsigned int i = 0; i < 70; i++) {
		snprintf(a, sizeof(a), "198.18.0.%u", i + 1);
		ask_etr_from(a);
		run_for(0);
	}
	ck_assert_uint_eq(etr_counters(etr)->probes_answered, 70);
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), ETR_SMR_REQUESTERS);
	/* The same ITR again is one requester, not two. */
	ask_etr_from("198.18.0.70");
	run_for(0);
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), ETR_SMR_REQUESTERS);
	/* 100 SMRs a second, 100 at once: 64 go. */
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.5");
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 64);
	ck_assert_uint_eq(etr_counters(etr)->smr_rate_limited, 0);
	/* At once again: 36 tokens left. */
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.6");
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 100);
	ck_assert_uint_eq(etr_counters(etr)->smr_rate_limited, 28);
	run_for(0);
	teardown();
}
END_TEST

START_TEST(etr_smr_only_on_change)
{
	struct lisp_prefix db = pfx("[5]10.5.1.0/24");

	world(true);
	itr_start();
	ask_etr_from("198.18.0.1");
	run_for(0);
	ck_assert_uint_eq(etr_smr_requesters(etr, &db), 1);
	/* The same mapping set again is no change: nobody is solicited. */
	set_mapping_ttl(etr, "[5]10.5.1.0/24", "192.0.2.1", 1440);
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 0);	/* unchanged: nothing */
	set_mapping_ttl(etr, "[5]10.5.1.0/24", "203.0.113.7", 1440);
	run_for(2);
	ck_assert_uint_eq(etr_counters(etr)->smr_sent, 1);
	run_for(0);
	teardown();
}
END_TEST

/* ---- pub/sub ------------------------------------------------------------------------- */

/* The xTR under test registers an EID of its own (so it has a security
 * association with the Map-Server) and its ITR subscribes. */
static void pubsub_world(void)
{
	struct itr_params p;

	world(true);
	etr_b = etr_make(true, 0xbb, from_xtr);
	set_mapping(etr_b, "[5]10.5.9.0/24", "198.51.100.7");
	etr_start(etr_b);
	run_for(5);
	ck_assert(etr_registered(etr_b));
	itr_params_test(&p);
	p.subscribe = true;
	memset(p.xtr_id, 0xbb, sizeof(p.xtr_id));
	memcpy(p.ms_keys[0].key, key, strlen(key));
	p.ms_keys[0].key_len = strlen(key);
	p.ms_key_count = 1;
	itr_start_with(&p, &ms_addr, 1);
}

/* A Map-Notify for eid -> rloc signed with k. */
static void forge_notify(uint64_t nonce, const char *eid, const char *rloc, const char *k)
{
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 60, .loc_count = 1, .locs = &loc };
	struct lisp_map_register n = { .type = LISP_MAP_NOTIFY, .xtr_id_present = true,
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .nonce = nonce,
				       .record_count = 1, .records = &rec };
	struct lisp_waddr inner;
	struct lisp_prefix p = pfx(eid);
	struct lisp_addr a = addr(rloc);
	uint8_t buf[512];
	ssize_t len;

	memset(n.xtr_id, 0xbb, sizeof(n.xtr_id));
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&loc.addr, &a);
	len = lisp_map_register_encode(&n, buf, sizeof(buf), NULL);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)len, k, strlen(k), NULL), 0);
	enqueue(&ms_addr, &xtr_addr, 4342, buf, (size_t)len);
}

START_TEST(pubsub_end_to_end)
{
	struct lisp_map_request req;
	struct lisp_map_register n;
	struct lisp_ecm ecm;
	struct mapcache_entry *e;
	uint64_t mr_requests, acks;
	struct packet confirm;

	pubsub_world();
	resolve("[5]10.5.1.9/32", 0);
	/* The request subscribes: I bit with our xTR-ID, N bit on the record. */
	sent_request(nitr_sent - 1, &ecm, &req);
	ck_assert(req.xtr_id_present && req.records[0].notify);
	ck_assert_uint_eq(req.xtr_id[0], 0xbb);
	run_for(5);
	ck_assert_uint_eq(pubsub_count(ps), 1);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	/* The Map-Server confirmed with a Map-Notify, which we acknowledged. */
	ck_assert_uint_eq(ITR_C(notifies_received), 1);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), 1);
	ck_assert_uint_eq(map_server_counters(ms)->notify_acks_received, 1);
	ck_assert_uint_ge(nnotifies, 1);
	confirm = notifies[nnotifies - 1];
	/* The EID moves: the cache follows without a Map-Request. */
	mr_requests = map_resolver_counters(mr)->requests_received;
	set_mapping(etr, "[5]10.5.1.0/24", "203.0.113.5");
	run_for(5);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->rlocs[0].addr.v4[0], 203);
	ck_assert_int_eq(e->source, MAPCACHE_SRC_PUBSUB);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_received, mr_requests);
	ck_assert_uint_eq(ITR_C(requests_sent), 1);
	ck_assert_uint_eq(ITR_C(notify_records_installed), 2);
	ck_assert_uint_eq(map_server_counters(ms)->notify_acks_received, 2);
	ck_assert_uint_eq(map_server_counters(ms)->notify_retransmits, 0);
	/* A notify signed with another key is dropped, unacknowledged. */
	acks = ITR_C(notify_acks_sent);
	lisp_arena_reset(&arena);
	ck_assert_int_eq(lisp_map_register_decode(notifies[nnotifies - 1].msg,
						  notifies[nnotifies - 1].len, &arena, &n, NULL), 0);
	forge_notify(n.nonce + 1, "[5]10.5.1.0/24", "203.0.113.66", "not-the-key");
	run_for(2);
	ck_assert_uint_eq(ITR_C(notify_auth_failures), 1);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 5);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), acks);
	/* The right key, but a replay of the first notify: stale. */
	enqueue(&ms_addr, &xtr_addr, 4342, confirm.msg, confirm.len);
	run_for(2);
	ck_assert_uint_eq(ITR_C(notify_stale), 1);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[0], 203);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), acks);
	/* The right key and the next nonce: applied. */
	forge_notify(n.nonce + 1, "[5]10.5.1.0/24", "203.0.113.77", key);
	run_for(2);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 77);
	ck_assert_uint_eq(ITR_C(notify_acks_sent), acks + 1);
	/* Notifies for what we did not subscribe to are the ETR's. */
	ck_assert_uint_eq(ITR_C(notifies_received), 5);
	ck_assert_uint_ge(etr_counters(etr_b)->notifies_received, 1);
	teardown();
}
END_TEST

/* ---- probing --------------------------------------------------------------------------- */

START_TEST(probing_marks_rlocs_down_and_up)
{
	struct itr_params p;
	struct mapcache_entry *e;
	struct lisp_map_request req;
	struct lisp_ecm ecm;
	unsigned int i;

	world(true);
	/* 300 us each way: the RTT is read on the loop's clock, so it is
	 * exactly the two link delays however busy the machine is. */
	link_delay_us = 300;
	itr_params_test(&p);
	p.probe = true;
	itr_start_with(&p, &ms_addr, 1);
	nrloc_events = 0;
	ck_assert_int_eq(mapcache_observe(itr_cache(itr), watch, NULL), 0);
	resolve("[5]10.5.1.9/32", 0);
	run_for(60);
	e = cached("[5]10.5.1.9/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_ge(ITR_C(probes_sent), 1);
	ck_assert_uint_ge(ITR_C(probe_replies), 1);
	ck_assert_uint_ge(etr_counters(etr)->probes_answered, 1);
	ck_assert(e->rlocs[0].up);
	ck_assert_uint_eq(e->rlocs[0].rtt_us, 600);
	/* The probe: P bit, straight to the RLOC on 4342. */
	for (i = 0; i < nitr_sent && itr_sent[i].msg[0] >> 4 != LISP_MAP_REQUEST; i++)
		;
	ck_assert_uint_lt(i, nitr_sent);
	ck_assert(lisp_addr_equal(&itr_sent[i].dst, &etr_addr));
	ck_assert_uint_eq(itr_sent[i].dport, 4342);
	sent_request(i, &ecm, &req);
	ck_assert(req.probe);
	/* The ETR goes quiet: two unanswered probes and the RLOC is down. */
	etr_down = true;
	run_for(150);
	ck_assert(!e->rlocs[0].up);
	ck_assert_uint_ge(ITR_C(probe_timeouts), 2);
	ck_assert_uint_eq(nrloc_events, 1);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->rlocs_down, 1);
	/* Back: up again at the next answered probe, with its RTT. */
	etr_down = false;
	e->rlocs[0].rtt_us = 0;
	run_for(100);
	ck_assert(e->rlocs[0].up);
	ck_assert_uint_eq(e->rlocs[0].rtt_us, 600);
	ck_assert_uint_eq(nrloc_events, 2);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->rlocs_up, 1);
	ck_assert_uint_eq(ITR_C(probes_unsolicited), 0);
	teardown();
}
END_TEST

/* ---- keys, bounds, static entries ---------------------------------------------------------- */

START_TEST(instance_ids_are_separate)
{
	world(true);
	set_mapping(etr, "[6]10.5.1.0/24", "192.0.2.66");
	run_for(5);
	itr_start();
	resolve("[5]10.5.1.9/32", 0);
	resolve("[6]10.5.1.9/32", 0);
	run_for(5);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 2);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 1);
	ck_assert_uint_eq(must("[6]10.5.1.9/32")->rlocs[0].addr.v4[3], 66);
	ck_assert_ptr_null(cached("[7]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(cache_bound_evicts)
{
	struct itr_params p;

	world(true);
	set_mapping_ttl(etr, "[5]10.5.2.0/24", "192.0.2.1", 30);
	set_mapping_ttl(etr, "[5]10.5.3.0/24", "192.0.2.1", 10);
	set_mapping_ttl(etr, "[5]10.5.4.0/24", "192.0.2.1", 60);
	run_for(5);
	itr_params_test(&p);
	p.cache.max_entries = 2;
	itr_start_with(&p, &ms_addr, 1);
	resolve("[5]10.5.2.1/32", 0);
	resolve("[5]10.5.3.1/32", 0);
	run_for(5);
	resolve("[5]10.5.4.1/32", 0);
	run_for(5);
	ck_assert_uint_eq(mapcache_count(itr_cache(itr)), 2);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->evicted, 1);
	ck_assert_ptr_null(cached("[5]10.5.3.1/32"));	/* closest to expiry */
	ck_assert_ptr_nonnull(cached("[5]10.5.2.1/32"));
	ck_assert_ptr_nonnull(cached("[5]10.5.4.1/32"));
	teardown();
}
END_TEST

START_TEST(static_entries_stay)
{
	struct lisp_locator loc = { .priority = 1, .weight = 1, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1, .loc_count = 1, .locs = &loc };
	struct lisp_waddr inner;
	struct lisp_prefix sp = pfx("[5]10.5.1.0/24");
	struct lisp_addr sa = addr("192.0.2.50");
	struct mapcache_entry *e;
	struct itr_params p;
	struct lisp_err err;

	world(true);
	itr_params_test(&p);
	p.cache.ttl_max_ms = 150;
	itr_start_with(&p, &ms_addr, 1);
	lisp_waddr_from_prefix(&rec.eid, &inner, &sp);
	rec.mask_len = sp.plen;
	lisp_waddr_from_addr(&loc.addr, &sa);
	ck_assert_int_eq(itr_add_static(itr, &rec, MAPCACHE_SRC_MAP_REPLY, &err), -EINVAL);
	ck_assert_int_eq(itr_add_static(itr, &rec, MAPCACHE_SRC_STATIC, &err), 0);
	/* Only static entries are deleted as such. */
	resolve("[5]10.7.0.1/32", 0);
	run_for(5);
	e = cached("[5]10.7.0.1/32");
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(itr_del_static(itr, &e->eid), -ENOENT);
	/* The mapping system answers for the same prefix: configuration wins,
	 * and outlives every TTL. */
	resolve("[5]10.5.1.9/32", 0);
	run_for(200);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->rlocs[0].addr.v4[3], 50);
	ck_assert_uint_eq(must("[5]10.5.1.9/32")->expires_ms, MAPCACHE_NEVER);
	ck_assert_uint_eq(mapcache_counters(itr_cache(itr))->static_kept, 1);
	ck_assert_ptr_null(cached("[5]10.7.0.1/32"));	/* expired meanwhile */
	ck_assert_int_eq(itr_del_static(itr, &sp), 0);
	ck_assert_int_eq(itr_del_static(itr, &sp), -ENOENT);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(refuses_unusable_params)
{
	struct itr_params p;
	struct itr_map_resolver r = { .port = 4342 };

	world(true);
	itr_params_test(&p);
	r.addr = ms_addr;
	ck_assert_ptr_null(itr_new(loop, &p, &r, 0, from_xtr, NULL));
	p.rloc_count = 0;
	ck_assert_ptr_null(itr_new(loop, &p, &r, 1, from_xtr, NULL));
	ck_assert_int_eq(errno, EINVAL);
	itr_start();
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("itr");
	TCase *tc = tcase_create("itr");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, resolves_through_proxy_reply);
	tcase_add_test(tc, non_proxy_the_etr_answers);
	tcase_add_test(tc, negative_replies);
	tcase_add_test(tc, dual_stack_and_non_ip_eids);
	tcase_add_test(tc, retransmits_and_fails_over);
	tcase_add_test(tc, gives_up_after_every_map_resolver);
	tcase_add_test(tc, reconfigure_takes_new_map_resolvers);
	tcase_add_test(tc, unsolicited_replies_are_never_installed);
	tcase_add_test(tc, duplicate_misses_coalesce);
	tcase_add_test(tc, expiry_removes_and_tells);
	tcase_add_test(tc, refreshes_before_expiry);
	tcase_add_test(tc, smr_end_to_end);
	tcase_add_test(tc, smr_for_what_we_do_not_cache);
	tcase_add_test(tc, etr_smr_is_bounded_and_rate_limited);
	tcase_add_test(tc, etr_smr_only_on_change);
	tcase_add_test(tc, pubsub_end_to_end);
	tcase_add_test(tc, probing_marks_rlocs_down_and_up);
	tcase_add_test(tc, instance_ids_are_separate);
	tcase_add_test(tc, cache_bound_evicts);
	tcase_add_test(tc, static_entries_stay);
	tcase_add_test(tc, refuses_unusable_params);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
