/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Context-aware selection (cats.c, docs/cats.md): ranking into priorities
 * and weights, filtering by constraints, the Map-Resolver's answers to
 * constrained Map-Requests for an anycast EID two sites register (merge,
 * withdrawal of one, no match, malformed constraints), and the map-cache
 * ranking hook the ITR uses.
 */
#include <errno.h>

#include <unistd.h>

#include "cats.h"
#include "check_util.h"
#include "cfg_file.h"
#include "clock_util.h"
#include "config.h"
#include "etr_metrics.h"
#include "lisp_auth.h"
#include "map_resolver.h"
#include "mapcache.h"

#define SENT_MAX 16

static const char *addr_str(const struct lisp_addr *a)
{
	static char buf[4][LISP_ADDR_STR_MAX];
	static unsigned int i;

	ck_assert_ptr_nonnull(a);
	i = (i + 1) % 4;
	lisp_addr_format(a, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* ---- locators with attributes ------------------------------------------------ */

struct loc_store {
	struct lisp_locator locs[8];
	struct lisp_waddr inner[8];
	size_t n;
};

static void loc_add(struct loc_store *s, const char *rloc, uint8_t prio, uint8_t weight,
		    const char *attrs)
{
	struct lisp_locator *l = &s->locs[s->n];
	struct lisp_addr a;

	ck_assert_int_eq(lisp_addr_parse(rloc, &a, NULL), 0);
	memset(l, 0, sizeof(*l));
	l->priority = prio;
	l->weight = weight;
	l->mpriority = 255;
	l->flags = LISP_LOC_F_REACH;
	lisp_waddr_from_addr(&s->inner[s->n], &a);
	if (!attrs) {
		l->addr = s->inner[s->n];
	} else {
		l->addr.afi = LISP_AFI_LCAF;
		l->addr.lcaf.type = LCAF_TYPE_JSON;
		l->addr.lcaf.json.text = attrs;
		l->addr.lcaf.json.len = (uint16_t)strlen(attrs);
		l->addr.lcaf.json.addr = &s->inner[s->n];
	}
	s->n++;
}

static struct attrq_policy policy(const char *text)
{
	struct attrq_policy p;

	ck_assert_int_eq(attrq_policy_parse(text, &p, NULL), 0);
	return p;
}

START_TEST(rank_priorities_and_weights)
{
	struct loc_store s = { .n = 0 };
	struct attrq_policy p = policy("latency_ms,load");
	uint8_t prio[8], weight[8];

	loc_add(&s, "192.0.2.1", 1, 100, "{\"latency_ms\":9,\"load\":0.1}");
	loc_add(&s, "192.0.2.2", 1, 100, "{\"latency_ms\":3,\"load\":0.5}");
	loc_add(&s, "192.0.2.3", 1, 100, "{\"latency_ms\":3,\"load\":0.5}");
	loc_add(&s, "192.0.2.4", 1, 100, "{\"latency_ms\":3,\"load\":0.2}");
	loc_add(&s, "192.0.2.5", 1, 100, NULL);			/* no attributes: last */
	loc_add(&s, "192.0.2.6", 255, 0, "{\"latency_ms\":1}");	/* unusable: kept */
	loc_add(&s, "192.0.2.7", 1, 100, "{\"latency_ms\":3,\"load\":0.5}");
	cats_rank(&p, s.locs, s.n, prio, weight);
	/* 3/0.2 first; then the three 3/0.5 share priority 2, weight 34/33/33;
	 * then 9/0.1; then the one without attributes. */
	ck_assert_uint_eq(prio[3], 1);
	ck_assert_uint_eq(weight[3], 100);
	ck_assert_uint_eq(prio[1], 2);
	ck_assert_uint_eq(prio[2], 2);
	ck_assert_uint_eq(prio[6], 2);
	ck_assert_uint_eq(weight[1] + weight[2] + weight[6], 100);
	ck_assert_uint_eq(weight[1], 34);	/* registration order breaks ties */
	ck_assert_uint_eq(weight[2], 33);
	ck_assert_uint_eq(prio[0], 3);
	ck_assert_uint_eq(weight[0], 100);
	ck_assert_uint_eq(prio[4], 4);
	ck_assert_uint_eq(prio[5], 255);
	ck_assert_uint_eq(weight[5], 0);
	/* Descending: most GPUs first. */
	p = policy("-gpus");
	s.n = 0;
	loc_add(&s, "192.0.2.1", 5, 50, "{\"gpus\":4}");
	loc_add(&s, "192.0.2.2", 5, 50, "{\"gpus\":8}");
	cats_rank(&p, s.locs, s.n, prio, weight);
	ck_assert_uint_eq(prio[1], 1);
	ck_assert_uint_eq(prio[0], 2);
	/* No policy: as registered. */
	cats_rank(NULL, s.locs, s.n, prio, weight);
	ck_assert_uint_eq(prio[0], 5);
	ck_assert_uint_eq(weight[1], 50);
}
END_TEST

#define Q_READY "{\"gpu\":\"H100\",\"state\":\"ready\"}"
#define Q_B200 "{\"gpu\":\"B200\"}"

START_TEST(select_filters_then_ranks)
{
	struct loc_store s = { .n = 0 };
	struct attrq_policy p = policy("load");
	struct lisp_locator out[8];
	struct attrq q;
	size_t n;

	loc_add(&s, "192.0.2.1", 1, 100, "{\"gpu\":\"A100\",\"load\":0.1,\"state\":\"ready\"}");
	loc_add(&s, "192.0.2.2", 1, 100, "{\"gpu\":\"H100\",\"load\":0.7,\"state\":\"ready\"}");
	loc_add(&s, "192.0.2.3", 1, 100, "{\"gpu\":\"H100\",\"load\":0.2,\"state\":\"ready\"}");
	loc_add(&s, "192.0.2.4", 1, 100, "{\"gpu\":\"H100\",\"load\":0.1,\"state\":\"draining\"}");
	loc_add(&s, "192.0.2.5", 255, 0, "{\"gpu\":\"H100\",\"load\":0.0,\"state\":\"ready\"}");
	loc_add(&s, "192.0.2.6", 1, 100, "not json");
	ck_assert_int_eq(attrq_parse_text(Q_READY, strlen(Q_READY), &q, NULL), 0);
	n = cats_select(&q, &p, s.locs, s.n, out);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(addr_str(lisp_waddr_rloc(&out[0].addr)), "192.0.2.2");
	ck_assert_uint_eq(out[0].priority, 2);	/* load 0.7 */
	ck_assert_uint_eq(out[1].priority, 1);	/* load 0.2 */
	ck_assert_uint_eq(out[1].weight, 100);
	attrq_free(&q);
	/* Nothing matches: none. */
	ck_assert_int_eq(attrq_parse_text(Q_B200, strlen(Q_B200), &q, NULL), 0);
	ck_assert_uint_eq(cats_select(&q, &p, s.locs, s.n, out), 0);
	attrq_free(&q);
	/* No query: everything, 255 included, ranked. */
	ck_assert_uint_eq(cats_select(NULL, &p, s.locs, s.n, out), 6);
	ck_assert_uint_eq(out[4].priority, 255);
}
END_TEST

START_TEST(policy_table_per_iid)
{
	struct cats_policies t = { .count = 0 };
	struct lisp_err err;

	ck_assert_int_eq(cats_policies_add(&t, false, 1000, "latency_ms,load", &err), 0);
	ck_assert_int_eq(cats_policies_add(&t, true, 0, "-gpus", &err), 0);
	ck_assert_int_eq(cats_policies_add(&t, false, 1000, "load", &err), -EEXIST);
	ck_assert_int_eq(cats_policies_add(&t, false, 7, "", &err) < 0, 1);
	ck_assert_str_eq(cats_policy_find(&t, 1000)->keys[0].key, "latency_ms");
	ck_assert(cats_policy_find(&t, 5)->keys[0].descending);
	t.count = 1;
	ck_assert_ptr_null(cats_policy_find(&t, 5));
	ck_assert_ptr_null(cats_policy_find(NULL, 1000));
}
END_TEST

/* ---- the Map-Resolver ------------------------------------------------------------ */

struct sent {
	uint8_t msg[4096];
	size_t len;
};

static struct sent sent[SENT_MAX];
static unsigned int nsent;
static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static struct map_resolver *mr;
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;
static const char key_a[] = "site-a-key", key_b[] = "site-b-key";

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	ck_assert_uint_lt(nsent, SENT_MAX);
	ck_assert_uint_le(len, sizeof(sent[0].msg));
	memcpy(sent[nsent].msg, msg, len);
	sent[nsent++].len = len;
}

static void add_site(const char *name, const char *key, bool shared)
{
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .allow_shared = shared,
			  .eids = &eid, .eid_count = 1 };

	snprintf(s.name, sizeof(s.name), "%s", name);
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.100.0.0/16", &eid.prefix, NULL), 0);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
}

static void setup(void)
{
	struct cats_policies pol = { .count = 0 };
	struct ms_params mp;
	struct mr_params rp;

	nsent = 0;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	loop = t_loop_new();
	sites = site_table_new();
	add_site("a", key_a, true);
	add_site("b", key_b, true);
	map_server_params_default(&mp);
	ms = map_server_new(loop, sites, &mp, capture, NULL);
	map_resolver_params_default(&rp);
	rp.rate = 0;
	mr = map_resolver_new(loop, &rp, ms, sites, capture, NULL);
	ck_assert_ptr_nonnull(mr);
	ck_assert_int_eq(cats_policies_add(&pol, false, 1000, "latency_ms,load", NULL), 0);
	map_resolver_set_cats(mr, &pol);
}

static void teardown(void)
{
	map_resolver_free(mr);
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
}

/* One ETR (xTR-ID xtr) registers the anycast EID with one RLOC (ttl 0:
 * withdraws it). */
static void etr_register(const char *key, uint8_t xtr, const char *rloc, const char *attrs,
			 bool proxy, uint32_t ttl, uint64_t nonce)
{
	struct loc_store s = { .n = 0 };
	struct lisp_record rec = { .ttl = ttl, .mask_len = 32 };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .proxy_reply = proxy,
				       .nonce = nonce, .alg_id = LISP_AUTH_HMAC_SHA256_128,
				       .record_count = 1, .records = &rec, .xtr_id_present = true };
	struct lisp_waddr inner;
	struct lisp_prefix p;
	struct lisp_addr src;
	uint8_t buf[1024];
	ssize_t n;

	memset(m.xtr_id, xtr, LISP_XTR_ID_LEN);
	loc_add(&s, rloc, 1, 100, attrs);
	rec.loc_count = 1;
	rec.locs = s.locs;
	lisp_prefix_parse("[1000]10.100.0.1/32", &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	n = lisp_map_register_encode(&m, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	lisp_auth_sign(buf, (size_t)n, key, strlen(key), NULL);
	lisp_addr_parse(rloc, &src, NULL);
	map_server_input(ms, buf, (size_t)n, &src, 4342);
	nsent = 0;
}

/* A constrained (or, constraints NULL, plain) request; the reply or NULL. */
static struct lisp_map_reply *ask_raw(const struct lisp_waddr *eid, uint8_t mask_len)
{
	static struct lisp_map_reply r;
	struct lisp_request_record rec = { .mask_len = mask_len, .eid = *eid };
	struct lisp_map_request req = { .nonce = 0x5eed, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct lisp_waddr itr;
	struct lisp_addr a;
	uint8_t mreq[2048], buf[2200];
	ssize_t n;

	lisp_addr_parse("192.0.2.99", &a, NULL);
	lisp_waddr_from_addr(&itr, &a);
	req.itr_rlocs = &itr;
	n = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	ck_assert_int_gt(n, 0);
	ecm.inner_src = a;
	lisp_addr_parse("10.100.0.1", &ecm.inner_dst, NULL);
	ecm.payload = mreq;
	ecm.payload_len = (size_t)n;
	n = lisp_ecm_encode(&ecm, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	nsent = 0;
	map_resolver_input(mr, buf, (size_t)n, &a, 4342);
	if (nsent == 0)
		return NULL;
	ck_assert_uint_eq(nsent, 1);
	ck_assert_int_eq(lisp_map_reply_decode(sent[0].msg, sent[0].len, &arena, &r, NULL), 0);
	return &r;
}

static struct lisp_map_reply *ask(const char *constraints)
{
	struct lcaf_constraints_buf b;
	struct lisp_waddr eid, inner;
	struct lisp_prefix p;

	lisp_prefix_parse("[1000]10.100.0.1/32", &p, NULL);
	if (constraints)
		ck_assert_int_eq(lcaf_constraints_wrap(&eid, &b, &p, constraints,
						       strlen(constraints), NULL), 0);
	else
		lisp_waddr_from_prefix(&eid, &inner, &p);
	return ask_raw(&eid, 32);
}

static const char *rloc_of(const struct lisp_locator *l)
{
	return addr_str(lisp_waddr_rloc(&l->addr));
}

#define SITE_A_ATTRS "{\"gpu\":\"H100\",\"latency_ms\":8,\"load\":0.2,\"state\":\"ready\"}"
#define SITE_B_ATTRS "{\"gpu\":\"H100\",\"latency_ms\":3,\"load\":0.6,\"state\":\"ready\"}"

START_TEST(anycast_constrained_replies)
{
	struct lisp_map_reply *r;

	etr_register(key_a, 0xa, "192.0.2.10", SITE_A_ATTRS, true, 1440, 1);
	etr_register(key_b, 0xb, "198.51.100.20", SITE_B_ATTRS, false, 1440, 1);

	/* Without constraints: as today, the merged set as registered. */
	r = ask(NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 2);
	ck_assert_uint_eq(r->records[0].locs[0].priority, 1);
	ck_assert_uint_eq(r->records[0].locs[1].priority, 1);

	/* Both match: ranked by latency, site B first. */
	r = ask("{\"gpu\":\"H100\",\"state\":\"ready\"}");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->record_count, 1);
	ck_assert_uint_eq(r->records[0].loc_count, 2);
	for (unsigned int i = 0; i < 2; i++) {
		const struct lisp_locator *l = &r->records[0].locs[i];

		ck_assert_uint_eq(l->priority,
				  strcmp(rloc_of(l), "198.51.100.20") == 0 ? 1 : 2);
		ck_assert_uint_eq(l->weight, 100);
	}
	/* Only site A has latency <= 8 and load < 0.5. */
	r = ask("{\"max_latency_ms\":10,\"load\":{\"<\":0.5}}");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 1);
	ck_assert_str_eq(rloc_of(&r->records[0].locs[0]), "192.0.2.10");
	ck_assert_uint_eq(r->records[0].locs[0].priority, 1);
	/* Nothing matches: negative, drop/policy-denied, 1 minute, the
	 * registered prefix. */
	r = ask("{\"gpu\":\"B200\"}");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 0);
	ck_assert_uint_eq(r->records[0].action, LISP_ACT_DROP_POLICY);
	ck_assert_uint_eq(r->records[0].ttl, CATS_NOMATCH_TTL_MIN);
	ck_assert_uint_eq(r->records[0].mask_len, 32);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_constrained, 2);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_constrained_nomatch, 1);

	/* Site B withdraws: site A stays, and is what a constraint that
	 * matched both now gets. */
	etr_register(key_b, 0xb, "198.51.100.20", SITE_B_ATTRS, false, 0, 2);
	r = ask("{\"gpu\":\"H100\"}");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 1);
	ck_assert_str_eq(rloc_of(&r->records[0].locs[0]), "192.0.2.10");
}
END_TEST

START_TEST(unregistered_and_malformed)
{
	struct lcaf_constraints_buf b;
	struct lisp_waddr eid;
	struct lisp_prefix p;
	struct lisp_map_reply *r;

	/* Not registered: as without constraints (send-map-request). */
	r = ask("{\"gpu\":\"H100\"}");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].action, LISP_ACT_SEND_MAP_REQUEST);
	etr_register(key_a, 0xa, "192.0.2.10", SITE_A_ATTRS, true, 1440, 1);
	/* Not JSON, not an object, an unknown operator: no answer, counted. */
	ck_assert_ptr_null(ask("{gpu"));
	ck_assert_ptr_null(ask("[1,2]"));
	ck_assert_ptr_null(ask("{\"load\":{\"~\":1}}"));
	ck_assert_uint_eq(map_resolver_counters(mr)->constraints_malformed, 3);
	/* Valid LCAF, wrong shape (the value an IPv4 address). */
	lisp_prefix_parse("[1000]10.100.0.1/32", &p, NULL);
	ck_assert_int_eq(lcaf_constraints_wrap(&eid, &b, &p, "{}", 2, NULL), 0);
	lisp_addr_parse("10.0.0.1", &b.value.plain, NULL);
	b.value.afi = LISP_AFI_IPV4;
	ck_assert_ptr_null(ask_raw(&eid, 32));
	ck_assert_uint_eq(map_resolver_counters(mr)->constraints_malformed, 4);
	/* "{}" constrains nothing: every usable locator, ranked. */
	r = ask("{}");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 1);
}
END_TEST

/* ---- the map-cache ranking hook (what the ITR installs) --------------------- */

static void rank_by_load(void *arg, const struct lisp_record *rec, uint8_t *prio,
			 uint8_t *weight)
{
	cats_rank(arg, rec->locs, rec->loc_count, prio, weight);
}

START_TEST(mapcache_ranks_what_it_learns)
{
	struct attrq_policy p = policy("load");
	struct loc_store s = { .n = 0 };
	struct lisp_record rec = { .ttl = 10, .mask_len = 32 };
	struct mapcache_params mp;
	struct mapcache *mc;
	struct mapcache_entry *e;
	struct lisp_waddr inner;
	struct lisp_prefix eid;
	struct evloop *l = t_loop_new();

	mapcache_params_default(&mp);
	mc = mapcache_new(l, &mp, NULL, NULL);
	ck_assert_int_eq(mapcache_set_ranker(mc, rank_by_load, &p), 0);
	loc_add(&s, "192.0.2.1", 1, 100, "{\"load\":0.9}");
	loc_add(&s, "192.0.2.2", 1, 100, "{\"load\":0.1}");
	lisp_prefix_parse("[1000]10.100.0.1/32", &eid, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &eid);
	rec.loc_count = 2;
	rec.locs = s.locs;
	ck_assert_int_eq(mapcache_update(mc, &rec, MAPCACHE_SRC_PUBSUB, &e, NULL), 0);
	ck_assert_uint_eq(e->rlocs[0].priority, 2);
	ck_assert_uint_eq(e->rlocs[1].priority, 1);
	/* The metrics flip: so does the ranking. */
	s.n = 0;
	loc_add(&s, "192.0.2.1", 1, 100, "{\"load\":0.05}");
	loc_add(&s, "192.0.2.2", 1, 100, "{\"load\":0.1}");
	ck_assert_int_eq(mapcache_update(mc, &rec, MAPCACHE_SRC_MAP_REPLY, &e, NULL), 0);
	ck_assert_uint_eq(e->rlocs[0].priority, 1);
	ck_assert_uint_eq(e->rlocs[1].priority, 2);
	/* Configuration is never re-ranked. */
	ck_assert_int_eq(mapcache_update(mc, &rec, MAPCACHE_SRC_STATIC, &e, NULL), 0);
	ck_assert_uint_eq(e->rlocs[0].priority, 1);
	ck_assert_uint_eq(e->rlocs[1].priority, 1);
	mapcache_free(mc);
	evloop_free(l);
}
END_TEST

/* ---- the ETR's service-metric agent ----------------------------------------------- */

static unsigned int registers;
static uint8_t last_register[2048];
static size_t last_register_len;

static void etr_capture(void *arg, const struct lisp_addr *dst, uint16_t port,
			const uint8_t *msg, size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	if (len && msg[0] >> 4 == LISP_MAP_REGISTER && len <= sizeof(last_register)) {
		registers++;
		memcpy(last_register, msg, len);
		last_register_len = len;
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* The registered attributes of the last Map-Register's first locator. */
static json_t *registered_attrs(void)
{
	struct lisp_map_register m;
	struct lisp_arena a;
	json_t *o;

	lisp_arena_init(&a, arena_buf, sizeof(arena_buf));
	ck_assert_int_eq(lisp_map_register_decode(last_register, last_register_len, &a, &m, NULL),
			 0);
	ck_assert_uint_eq(m.record_count, 1);
	ck_assert_uint_gt(m.records[0].ttl, 0);	/* never a withdrawal */
	ck_assert_uint_eq(m.records[0].loc_count, 1);
	o = cats_locator_attrs(&m.records[0].locs[0]);
	ck_assert_ptr_nonnull(o);
	return o;
}

/* An ETR registering to a captured Map-Server, for the metrics agent; a
 * fresh metrics-file path (no file yet). */
static struct etr *metrics_etr(struct evloop *l, char *path, size_t len)
{
	struct etr_map_server server = { .port = 4342, .alg_id = LISP_AUTH_HMAC_SHA256_128 };
	struct etr_params ep;
	struct etr *etr;

	close(t_tmpfile(path, len, "cats-metrics"));
	unlink(path);
	registers = 0;
	lisp_addr_parse("192.0.2.1", &server.addr, NULL);
	memcpy(server.key, "k", 1);
	server.key_len = 1;
	etr_params_default(&ep);
	ep.coalesce_ms = 1;
	etr = etr_new(l, &ep, &server, 1, etr_capture, NULL);
	ck_assert_ptr_nonnull(etr);
	etr_start(etr);
	evloop_run_once(l, 0);	/* the start's registration: an empty database */
	return etr;
}

/* Map-Registers sent so far, once the ETR has sent its coalesced changes. */
static unsigned int registers_now(struct evloop *l)
{
	t_run_for(l, 3, NULL);
	return registers;
}

START_TEST(metrics_agent_threshold)
{
	char path[256];
	struct etr_metrics_rloc rloc = { .priority = 1, .weight = 100,
					 .attrs = "{\"gpu\":\"H100\",\"load\":0.2}" };
	struct etr_metrics_mapping map = { .ttl_min = 10, .rloc_count = 1, .rlocs = &rloc };
	struct etr_metrics_params mp = { .file = path, .interval_ms = 100, .threshold_pct = 10 };
	struct evloop *l = t_loop_new();
	struct etr *etr = metrics_etr(l, path, sizeof(path));
	struct etr_metrics *m;
	json_t *o;

	lisp_addr_parse("192.0.2.10", &rloc.addr, NULL);
	lisp_prefix_parse("[1000]10.100.0.1/32", &map.eid, NULL);
	m = etr_metrics_new(l, etr, &mp, &map, 1);
	ck_assert_ptr_nonnull(m);

	/* No file, then not the format: nothing registered, counted. */
	ck_assert_int_eq(etr_metrics_poll(m), -EINVAL);
	write_file(path, "{\"rlocs\": [1]}");
	ck_assert_int_eq(etr_metrics_poll(m), -EINVAL);
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"lo");
	ck_assert_int_eq(etr_metrics_poll(m), -EINVAL);
	ck_assert_uint_eq(etr_metrics_counters(m)->read_errors, 3);
	ck_assert_uint_eq(registers_now(l), 0);
	/* Same as the database, another RLOC's metrics, a 5% move: nothing. */
	write_file(path, "{\"rlocs\": {\"192.0.2.99\": {\"load\": 0.9}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 0);
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.21}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 0);
	ck_assert_uint_eq(registers_now(l), 0);
	/* 0.2 -> 0.3 (50%): registered at once, the rest of the attributes kept. */
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.3}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 1);
	ck_assert_uint_eq(registers_now(l), 1);
	o = registered_attrs();
	ck_assert(json_real_value(json_object_get(o, "load")) == 0.3);
	ck_assert_str_eq(json_string_value(json_object_get(o, "gpu")), "H100");
	json_decref(o);
	/* Compared with what is registered (0.3), not the last file: 0.32 and
	 * then 0.325 never add up to a re-registration. */
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.32}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 0);
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.325}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 0);
	ck_assert_uint_eq(registers_now(l), 1);
	/* A string that changes, an attribute that appears: registered, the
	 * two changes of one moment in one Map-Register. */
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.3, \"gpu\": \"A100\"}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 1);
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.3, \"gpu\": \"A100\", "
			 "\"state\": \"ready\"}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 1);
	ck_assert_uint_eq(registers_now(l), 2);
	o = registered_attrs();
	ck_assert_str_eq(json_string_value(json_object_get(o, "state")), "ready");
	json_decref(o);
	/* A broken file again: nothing withdrawn, the mapping stays. */
	write_file(path, "not json");
	ck_assert_int_eq(etr_metrics_poll(m), -EINVAL);
	ck_assert_uint_eq(registers_now(l), 2);
	ck_assert_uint_eq(etr_db_count(etr), 1);
	/* The timer polls by itself. */
	write_file(path, "{\"rlocs\": {\"192.0.2.10\": {\"load\": 0.9}}}");
	etr_metrics_start(m);
	T_RUN_UNTIL(l, NULL, registers > 2, 1000);
	ck_assert_uint_eq(registers_now(l), 3);
	unlink(path);
	etr_metrics_free(m);
	etr_free(etr);
	evloop_free(l);
}
END_TEST

/* Mappings added at run time (agents registered through the API) follow
 * the file too, over their own attributes; a removed one stops. */
START_TEST(metrics_agent_runtime_mappings)
{
	char path[256];
	struct etr_metrics_rloc rloc = { .priority = 1, .weight = 100,
					 .attrs = "{\"agent\":\"svc-b\",\"load\":0.6}" };
	struct etr_metrics_mapping map = { .ttl_min = 10, .rloc_count = 1, .rlocs = &rloc };
	struct etr_metrics_params mp = { .file = path, .interval_ms = 100, .threshold_pct = 10 };
	struct evloop *l = t_loop_new();
	struct etr *etr = metrics_etr(l, path, sizeof(path));
	struct etr_metrics *m;
	json_t *o;

	m = etr_metrics_new(l, etr, &mp, NULL, 0);	/* no configured database */
	ck_assert_ptr_nonnull(m);
	lisp_addr_parse("192.0.2.22", &rloc.addr, NULL);
	lisp_prefix_parse("[1]10.0.100.1/32", &map.eid, NULL);
	ck_assert_int_eq(etr_metrics_set(m, &map), 0);
	write_file(path, "{\"rlocs\": {\"192.0.2.22\": {\"load\": 0.95}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 1);
	ck_assert_uint_eq(registers_now(l), 1);
	o = registered_attrs();
	ck_assert(json_real_value(json_object_get(o, "load")) == 0.95);
	ck_assert_str_eq(json_string_value(json_object_get(o, "agent")), "svc-b");
	json_decref(o);
	/* Set again (a PATCH): new base attributes, the metrics over them. */
	rloc.attrs = "{\"agent\":\"svc-b\",\"gpu\":\"H100\",\"load\":0.6}";
	ck_assert_int_eq(etr_metrics_set(m, &map), 0);
	ck_assert_int_eq(etr_metrics_poll(m), 1);
	registers_now(l);
	o = registered_attrs();
	ck_assert(json_real_value(json_object_get(o, "load")) == 0.95);
	ck_assert_str_eq(json_string_value(json_object_get(o, "gpu")), "H100");
	json_decref(o);
	/* Removed: no more registrations for it. */
	ck_assert_int_eq(etr_metrics_del(m, &map.eid), 0);
	ck_assert_int_eq(etr_metrics_del(m, &map.eid), -ENOENT);
	write_file(path, "{\"rlocs\": {\"192.0.2.22\": {\"load\": 0.1}}}");
	ck_assert_int_eq(etr_metrics_poll(m), 0);
	ck_assert_uint_eq(registers_now(l), 2);
	unlink(path);
	etr_metrics_free(m);
	etr_free(etr);
	evloop_free(l);
}
END_TEST

/* ---- the cats configuration section ------------------------------------------------ */

static int load_text(const char *text, struct cp_config **cfg, struct cfg_errors *errs)
{
	char path[256];
	int rc;

	t_tmp_write(path, sizeof(path), "cats-cfg", text);
	rc = cp_config_load(path, cfg, errs);
	unlink(path);
	return rc;
}

/* With an ETR: the metrics file is read by the etr role alone. */
#define CFG_HEAD                                                               \
	"roles: [map-resolver, map-server, etr]\nlisten: {addresses: [192.0.2.1]}\n"   \
	"map-server:\n  sites: [{name: s, key: k, eid-prefixes: [\"[1000]10.0.0.0/8\"]}]\n" \
	"etr: {map-servers: [{address: 192.0.2.1, key: k}],\n"                        \
	"      database: [{eid-prefix: \"[1000]10.1.0.0/16\", rlocs: [{address: 192.0.2.1}]}]}\n"

START_TEST(config_section_round_trip)
{
	static const char text[] = CFG_HEAD
		"cats:\n"
		"  policies:\n"
		"    - {instance-id: 1000, rank: \"latency_ms,load\"}\n"
		"    - {rank: \"-gpus\"}\n"
		"  metrics: {file: /run/m.json, interval: 500ms}\n";
	struct cfg_errors errs = { 0 };
	struct cp_config *a, *b;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(load_text(text, &a, &errs), 0);
	ck_assert(a->cats.present);
	ck_assert_uint_eq(a->cats.policy_count, 2);
	ck_assert(!a->cats.policies[0].any_iid);
	ck_assert_uint_eq(a->cats.policies[0].iid, 1000);
	ck_assert_str_eq(a->cats.policies[0].rank, "latency_ms,load");
	ck_assert(a->cats.policies[1].any_iid);
	ck_assert_str_eq(a->cats.metrics_file, "/run/m.json");
	ck_assert_uint_eq(a->cats.metrics_interval_ms, 500);
	ck_assert_uint_eq(a->cats.metrics_threshold_pct, 10);	/* the default */
	/* Print, load the print: the same configuration. */
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(cp_config_print(a, f), 0);
	fclose(f);
	ck_assert_int_eq(load_text(buf, &b, &errs), 0);
	ck_assert(cp_config_equal(a, b));
	b->cats.metrics_threshold_pct = 20;
	ck_assert(!cp_config_equal(a, b));
	free(buf);
	cp_config_free(a);
	cp_config_free(b);
	cfg_errors_free(&errs);
}
END_TEST

START_TEST(config_section_errors)
{
	static const char *const bad[] = {
		CFG_HEAD "cats:\n  policies: [{instance-id: 1, rank: \"\"}]\n",
		CFG_HEAD "cats:\n  policies: [{instance-id: 1, rank: a}, {instance-id: 1, rank: b}]\n",
		CFG_HEAD "cats:\n  policies: [{rank: a}, {rank: b}]\n",
		CFG_HEAD "cats:\n  policies: [{instance-id: 16777216, rank: a}]\n",
		CFG_HEAD "cats:\n  metrics: {interval: 1s}\n",
		CFG_HEAD "cats:\n  metrics: {file: x, interval: 10ms}\n",
		CFG_HEAD "cats:\n  unknown: 1\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors errs = { 0 };
		struct cp_config *c = NULL;

		ck_assert_msg(load_text(bad[i], &c, &errs) == -EINVAL, "case %zu accepted", i);
		ck_assert_msg(errs.count >= 1, "case %zu: no error", i);
		ck_assert_msg(strncmp(errs.v[0].path, "cats", 4) == 0, "case %zu: path %s", i,
			      errs.v[0].path);
		cfg_errors_free(&errs);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cats");
	TCase *tc = tcase_create("rank");
	TCase *mrc = tcase_create("map-resolver");

	tcase_add_test(tc, rank_priorities_and_weights);
	tcase_add_test(tc, select_filters_then_ranks);
	tcase_add_test(tc, policy_table_per_iid);
	tcase_add_test(tc, mapcache_ranks_what_it_learns);
	tcase_add_test(tc, config_section_round_trip);
	tcase_add_test(tc, metrics_agent_threshold);
	tcase_add_test(tc, metrics_agent_runtime_mappings);
	tcase_add_test(tc, config_section_errors);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(mrc, setup, teardown);
	tcase_add_test(mrc, anycast_constrained_replies);
	tcase_add_test(mrc, unregistered_and_malformed);
	suite_add_tcase(s, mrc);
	return run_suite(s);
}
