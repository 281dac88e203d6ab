/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What test_map_resolver.c's tests share: a Map-Server and Map-Resolver on
 * the test clock whose sends are captured, sites, registrations, and ECM
 * Map-Requests built with the codec.  Include after the headers it names.
 */
#ifndef LISPGW_TEST_MAP_RESOLVER_FIXTURE_H
#define LISPGW_TEST_MAP_RESOLVER_FIXTURE_H

#define SENT_MAX 32

struct sent {
	struct lisp_addr dst;
	uint16_t port;
	uint8_t msg[2048];
	size_t len;
};

static struct sent sent[SENT_MAX];
static unsigned int nsent;
static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static struct map_resolver *mr;
static struct pubsub *ps;
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;
static const char key[] = "site-key";
static uint8_t ecm_ttl = 64;	/* inner TTL of the ECMs built */
static const char *ecm_itr = "192.0.2.99";	/* ITR-RLOC of the ECMs built */
static bool ecm_ddt;		/* the ECMs built carry the D bit (RFC 8111) */
static uint32_t global_rate;	/* the next setup_with_rate's global limit, */
static unsigned int next_hops = 1;	/* and next hops */

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	ck_assert_uint_lt(nsent, SENT_MAX);
	sent[nsent].dst = *dst;
	sent[nsent].port = port;
	memcpy(sent[nsent].msg, msg, len);
	sent[nsent++].len = len;
}

static void add_site(const char *name, const char *prefix)
{
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = &eid, .eid_count = 1 };

	snprintf(s.name, sizeof(s.name), "%s", name);
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	ck_assert_int_eq(lisp_prefix_parse(prefix, &eid.prefix, NULL), 0);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
}

static void setup_with_rate(uint32_t rate)
{
	struct ms_params mp;
	struct mr_params rp;

	nsent = 0;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	loop = t_loop_new();
	sites = site_table_new();
	add_site("one", "[1]10.1.0.0/16");
	add_site("two", "[2]10.1.0.0/16");
	add_site("zero", "[0]10.0.0.0/8");
	add_site("six-one", "[1]2001:db8::/32");
	add_site("six-zero", "[0]2001:db8::/32");
	map_server_params_default(&mp);
	ms = map_server_new(loop, sites, &mp, capture, NULL);
	map_resolver_params_default(&rp);
	rp.rate = rate;
	rp.burst = rate;
	rp.global_rate = global_rate;
	rp.global_burst = global_rate;
	rp.next_hops_max = next_hops;
	mr = map_resolver_new(loop, &rp, ms, sites, capture, NULL);
	ck_assert_ptr_nonnull(mr);
	ps = pubsub_new(ms);
	map_resolver_set_pubsub(mr, ps);
}

static void setup(void)
{
	ecm_ttl = 64;
	ecm_itr = "192.0.2.99";
	ecm_ddt = false;
	global_rate = 0;
	next_hops = 1;
	setup_with_rate(0);
}

static void teardown(void)
{
	pubsub_free(ps);
	map_resolver_free(mr);
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
}

/* do_register_xtr() forgets what was sent unless a test keeps it. */
static bool keep_sent;

/* Sent from src (the RLOC itself when NULL). */
/* JSON attributes for the next registrations' RLOC (NULL: a plain RLOC). */
static const char *reg_attrs;

static void do_register_from(const char *eid, const char *rloc, const char *src, bool proxy,
			     uint8_t xtr, uint64_t nonce)
{
	struct lisp_waddr rloc_in_json;
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1440, .loc_count = 1, .locs = &loc };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .proxy_reply = proxy,
				       .nonce = nonce, .alg_id = LISP_AUTH_HMAC_SHA256_128,
				       .record_count = 1, .records = &rec,
				       .xtr_id_present = xtr != 0 };
	struct lisp_waddr inner;
	struct lisp_prefix p;
	struct lisp_addr a, from;
	uint8_t buf[512];
	ssize_t n;

	memset(m.xtr_id, xtr, LISP_XTR_ID_LEN);
	lisp_prefix_parse(eid, &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_addr_parse(rloc, &a, NULL);
	lisp_waddr_from_addr(&loc.addr, &a);
	if (reg_attrs) {	/* the RLOC inside a JSON LCAF */
		lisp_waddr_from_addr(&rloc_in_json, &a);
		loc.addr.afi = LISP_AFI_LCAF;
		loc.addr.lcaf.type = LCAF_TYPE_JSON;
		loc.addr.lcaf.json.text = reg_attrs;
		loc.addr.lcaf.json.len = (uint16_t)strlen(reg_attrs);
		loc.addr.lcaf.json.addr = &rloc_in_json;
	}
	n = lisp_map_register_encode(&m, buf, sizeof(buf), NULL);
	lisp_auth_sign(buf, (size_t)n, key, strlen(key), NULL);
	lisp_addr_parse(src ? src : rloc, &from, NULL);
	map_server_input(ms, buf, (size_t)n, &from, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted > 0, 1);
	if (!keep_sent)
		nsent = 0;
}

static void do_register_xtr(const char *eid, const char *rloc, bool proxy, uint8_t xtr,
			    uint64_t nonce)
{
	do_register_from(eid, rloc, NULL, proxy, xtr, nonce);
}

static void do_register(const char *eid, const char *rloc, bool proxy)
{
	do_register_xtr(eid, rloc, proxy, 0, 1);
}

/* An ECM'd Map-Request of n EID-records from ITR-RLOC 192.0.2.99, inner
 * port 61000; with xtr != 0 a subscription (I bit, N bit) of that xTR-ID. */
static size_t build_ecm_records(const char *const *eids, unsigned int n, uint8_t xtr,
				uint8_t *buf, size_t cap)
{
	struct lisp_request_record recs[8] = { 0 };
	struct lisp_map_request req = { .nonce = 0xabcdef, .itr_rloc_count = 1,
					.record_count = (uint8_t)n, .records = recs,
					.xtr_id_present = xtr != 0 };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = ecm_ttl, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT, .ddt = ecm_ddt };
	struct lisp_waddr itr, inner[8];
	uint8_t mreq[512];
	ssize_t len;

	memset(req.xtr_id, xtr, LISP_XTR_ID_LEN);
	for (unsigned int i = 0; i < n; i++) {
		struct lisp_prefix p;

		recs[i].notify = xtr != 0;
		lisp_prefix_parse(eids[i], &p, NULL);
		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &p);
		recs[i].mask_len = p.plen;
	}
	lisp_addr_parse(ecm_itr, &ecm.inner_src, NULL);
	lisp_waddr_from_addr(&itr, &ecm.inner_src);
	req.itr_rlocs = &itr;
	len = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	ck_assert_int_gt(len, 0);
	lisp_addr_parse("10.1.2.3", &ecm.inner_dst, NULL);
	ecm.payload = mreq;
	ecm.payload_len = (size_t)len;
	len = lisp_ecm_encode(&ecm, buf, cap, NULL);
	ck_assert_int_gt(len, 0);
	return (size_t)len;
}

static size_t build_ecm_sub(const char *eid, uint8_t xtr, uint8_t *buf, size_t cap)
{
	return build_ecm_records(&eid, 1, xtr, buf, cap);
}

static size_t build_ecm(const char *eid, uint8_t *buf, size_t cap)
{
	return build_ecm_sub(eid, 0, buf, cap);
}

static struct lisp_map_reply *ask(const char *eid)
{
	static struct lisp_map_reply r;
	struct lisp_addr src;
	uint8_t buf[512];
	size_t n = build_ecm(eid, buf, sizeof(buf));
	struct lisp_err err;

	lisp_addr_parse("192.0.2.99", &src, NULL);
	nsent = 0;
	map_resolver_input(mr, buf, n, &src, 4342);
	if (nsent == 0 || sent[0].msg[0] >> 4 != LISP_MAP_REPLY)
		return NULL;
	ck_assert_uint_eq(sent[0].port, 61000);
	ck_assert_msg(lisp_map_reply_decode(sent[0].msg, sent[0].len, &arena, &r, &err) == 0, "%s",
		      err.msg);
	ck_assert_uint_eq(r.nonce, 0xabcdef);
	return &r;
}

static const char *record_eid(const struct lisp_record *rec)
{
	static char buf[LISP_ADDR_STR_MAX];
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &p, NULL), 0);
	lisp_prefix_format(&p, buf, sizeof(buf));
	return buf;
}

#endif
