/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Server role driven through its input function on a real event
 * loop, with every outgoing message captured: authentication, authorization,
 * replays, merge of several xTRs and of anycast sites, Map-Notify with
 * retransmission and acknowledgement, expiry and withdrawal.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "golden_msgs.h"
#include "lisp_auth.h"
#include "map_server.h"

#define SENT_MAX 64

struct sent {
	struct lisp_addr dst;
	uint16_t port;
	uint8_t msg[2048];
	size_t len;
};

static struct sent sent[SENT_MAX];
static unsigned int nsent, nchanges, nremoved;
static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;
static const char key_a[] = "key-of-site-a", key_b[] = "key-of-site-b";

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

static void on_change(void *arg, const struct lisp_prefix *eid, struct reg_eid *e)
{
	(void)arg;
	(void)eid;
	nchanges++;
	nremoved += e == NULL;
}

static void add_site(const char *name, const char *key, uint8_t alg, const char *prefix,
		     bool more, bool shared)
{
	struct site_eid eid = { .accept_more_specifics = more };
	struct site s = { .alg_id = alg, .allow_shared = shared, .eids = &eid, .eid_count = 1 };

	snprintf(s.name, sizeof(s.name), "%s", name);
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	ck_assert_int_eq(lisp_prefix_parse(prefix, &eid.prefix, NULL), 0);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
}

static void setup(void)
{
	struct ms_params p;

	nsent = nchanges = nremoved = 0;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	loop = t_loop_new();
	sites = site_table_new();
	add_site("site-a", key_a, LISP_AUTH_HMAC_SHA256_128, "[1000]10.1.0.0/16", true, false);
	add_site("site-b", key_b, LISP_AUTH_HMAC_SHA1_96, "[2000]10.1.0.0/16", true, false);
	add_site("golden", "lispgw-secret", LISP_AUTH_HMAC_SHA1_96, "[1000]240.1.1.1/32", false,
		 false);
	add_site("svc-east", key_a, LISP_AUTH_HMAC_SHA256_128, "[7]10.99.0.1/32", false, true);
	add_site("svc-west", key_b, LISP_AUTH_HMAC_SHA256_128, "[7]10.99.0.1/32", false, true);
	map_server_params_default(&p);
	p.registration_lifetime_ms = 300;
	p.notify_interval_ms = 20;
	p.notify_retries = 2;
	ms = map_server_new(loop, sites, &p, capture, NULL);
	ck_assert_ptr_nonnull(ms);
	ck_assert_int_eq(map_server_observe(ms, on_change, NULL), 0);
}

static void teardown(void)
{
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
}

struct reg_spec {
	const char *eid;
	const char *rloc;
	const char *key;
	uint8_t alg;
	uint8_t xtr;		/* 0: no xTR-ID */
	uint64_t nonce;
	uint32_t ttl;
	bool want_notify;
};

static size_t build_register(const struct reg_spec *r, uint8_t *buf, size_t cap)
{
	struct lisp_locator loc = { .priority = 1, .weight = 50, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = r->ttl, .authoritative = true, .loc_count = 1,
				   .locs = &loc };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = r->want_notify,
				       .proxy_reply = true, .nonce = r->nonce, .alg_id = r->alg,
				       .record_count = 1, .records = &rec };
	struct lisp_waddr inner;
	struct lisp_prefix p;
	struct lisp_addr a;
	ssize_t n;

	ck_assert_int_eq(lisp_prefix_parse(r->eid, &p, NULL), 0);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	ck_assert_int_eq(lisp_addr_parse(r->rloc, &a, NULL), 0);
	lisp_waddr_from_addr(&loc.addr, &a);
	if (r->xtr) {
		m.xtr_id_present = true;
		memset(m.xtr_id, r->xtr, LISP_XTR_ID_LEN);
	}
	n = lisp_map_register_encode(&m, buf, cap, NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, r->key, strlen(r->key), NULL), 0);
	return (size_t)n;
}

static void send_register(const struct reg_spec *r, const char *src, uint16_t port)
{
	uint8_t buf[1024];
	size_t n = build_register(r, buf, sizeof(buf));
	struct lisp_addr a;

	lisp_addr_parse(src, &a, NULL);
	map_server_input(ms, buf, n, &a, port);
}

static struct reg_eid *lookup(const char *eid)
{
	struct lisp_prefix p;

	lisp_prefix_parse(eid, &p, NULL);
	return registry_exact(map_server_registry(ms), &p);
}

/* ms_total of test time (clock_util.h). */
static void run_for(unsigned int ms_total)
{
	t_run_for(loop, ms_total, NULL);
}

START_TEST(register_accepted_and_acknowledged)
{
	struct reg_spec r = { "[1000]10.1.2.0/24", "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA256_128,
			      1, 77, 1440, true };
	struct lisp_map_register n;
	struct reg_eid *e;

	send_register(&r, "192.0.2.1", 4342);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, 1);
	e = lookup("[1000]10.1.2.0/24");
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->merged_loc_count, 1);
	ck_assert(e->proxy_reply);
	ck_assert_uint_eq(nchanges, 1);
	/* The M-bit acknowledgement: Map-Notify, same nonce, signed. */
	ck_assert_uint_eq(nsent, 1);
	ck_assert_uint_eq(sent[0].port, 4342);
	ck_assert_int_eq(lisp_map_register_decode(sent[0].msg, sent[0].len, &arena, &n, NULL), 0);
	ck_assert_uint_eq(n.type, LISP_MAP_NOTIFY);
	ck_assert_uint_eq(n.nonce, 77);
	ck_assert(n.xtr_id_present);
	ck_assert_uint_eq(n.record_count, 1);
	ck_assert_int_eq(lisp_auth_verify(sent[0].msg, sent[0].len, key_a, strlen(key_a), NULL), 0);
	/* The same EID in another IID belongs to another site. */
	ck_assert_ptr_null(lookup("[2000]10.1.2.0/24"));
}
END_TEST

START_TEST(independently_built_register_accepted)
{
	struct lisp_addr src;

	lisp_addr_parse("2001:db8:1::1", &src, NULL);
	map_server_input(ms, golden_map_register_sha1, sizeof(golden_map_register_sha1), &src,
			 4342);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, 1);
	ck_assert_ptr_nonnull(lookup("[1000]240.1.1.1/32"));
}
END_TEST

START_TEST(wrong_key_outside_site_and_replay_rejected)
{
	struct reg_spec r = { "[1000]10.1.2.0/24", "192.0.2.1", key_b, LISP_AUTH_HMAC_SHA256_128,
			      1, 1, 1440, false };
	uint8_t buf[1024];
	struct lisp_addr src;
	size_t n;

	send_register(&r, "192.0.2.1", 4342);
	ck_assert_uint_eq(map_server_counters(ms)->register_auth_failures, 1);
	ck_assert_uint_eq(site_table_find(sites, "site-a")->auth_failures, 1);
	ck_assert_ptr_null(lookup("[1000]10.1.2.0/24"));

	/* The right key, but the EID is outside every site. */
	r.key = key_a;
	r.eid = "[1000]10.2.0.0/16";
	send_register(&r, "192.0.2.1", 4342);
	ck_assert_uint_eq(map_server_counters(ms)->register_no_site, 1);

	/* Accepted once, then the same bytes again: a replay, no refresh. */
	r.eid = "[1000]10.1.2.0/24";
	n = build_register(&r, buf, sizeof(buf));
	lisp_addr_parse("192.0.2.1", &src, NULL);
	map_server_input(ms, buf, n, &src, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, 1);
	run_for(150);
	map_server_input(ms, buf, n, &src, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->register_replays, 1);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, 1);
	/* Not refreshed: it expires at the original lifetime. */
	run_for(200);
	ck_assert_ptr_null(lookup("[1000]10.1.2.0/24"));
	ck_assert_uint_eq(map_server_counters(ms)->registrations_expired, 1);
	ck_assert_uint_eq(nremoved, 1);
}
END_TEST

START_TEST(site_wide_key_cannot_claim_other_iid)
{
	/* site-a's key, site-b's EID: authentication is checked against the
	 * site that owns the EID, so this fails. */
	struct reg_spec r = { "[2000]10.1.2.0/24", "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA1_96, 0,
			      1, 1440, false };

	send_register(&r, "192.0.2.1", 4342);
	ck_assert_uint_eq(map_server_counters(ms)->register_auth_failures, 1);
	ck_assert_ptr_null(lookup("[2000]10.1.2.0/24"));
}
END_TEST

START_TEST(two_xtrs_merge_and_notify_each_other)
{
	struct reg_spec a = { "[1000]10.1.2.0/24", "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA256_128,
			      0xaa, 1, 1440, true };
	struct reg_spec b = a;
	struct lisp_map_register n;
	struct reg_eid *e;
	uint8_t ack[1024];
	ssize_t len;

	send_register(&a, "192.0.2.1", 4342);
	b.xtr = 0xbb;
	b.rloc = "192.0.2.2";
	send_register(&b, "192.0.2.2", 4342);
	e = lookup("[1000]10.1.2.0/24");
	ck_assert_uint_eq(e->merged_loc_count, 2);
	ck_assert_uint_eq(nchanges, 2);
	/* a's ack, then the change notice to a, then b's ack. */
	ck_assert_uint_eq(nsent, 3);
	ck_assert_uint_eq(map_server_counters(ms)->notifies_sent, 3);
	ck_assert_int_eq(lisp_map_register_decode(sent[1].msg, sent[1].len, &arena, &n, NULL), 0);
	ck_assert_uint_eq(n.records[0].loc_count, 2);
	ck_assert_uint_ne(n.nonce, 1);
	{
		char dst[LISP_ADDR_STR_MAX];

		lisp_addr_format(&sent[1].dst, dst, sizeof(dst));
		ck_assert_str_eq(dst, "192.0.2.1");
	}
	/* Unacknowledged, it is retransmitted, then given up. */
	run_for(150);
	ck_assert_uint_eq(map_server_counters(ms)->notify_retransmits, 2);
	ck_assert_uint_eq(map_server_counters(ms)->notify_gave_up, 1);

	/* A refresh with the same RLOC is not a change. */
	a.nonce = 2;
	send_register(&a, "192.0.2.1", 4342);
	ck_assert_uint_eq(nchanges, 2);
	/* A moves to a new RLOC: change, b is told and acknowledges. */
	a.nonce = 3;
	a.rloc = "198.51.100.9";
	send_register(&a, "198.51.100.9", 4342);
	ck_assert_uint_eq(nchanges, 3);
	ck_assert_int_eq(lisp_map_register_decode(sent[nsent - 2].msg, sent[nsent - 2].len, &arena,
						  &n, NULL), 0);
	ck_assert_uint_eq(n.type, LISP_MAP_NOTIFY);
	n.type = LISP_MAP_NOTIFY_ACK;
	n.auth_len = 0;
	len = lisp_map_register_encode(&n, ack, sizeof(ack), NULL);
	ck_assert_int_eq(lisp_auth_sign(ack, (size_t)len, key_a, strlen(key_a), NULL), 0);
	map_server_input(ms, ack, (size_t)len, &sent[nsent - 2].dst, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->notify_acks_received, 1);
	/* A forged acknowledgement (wrong key) is refused. */
	lisp_auth_sign(ack, (size_t)len, key_b, strlen(key_b), NULL);
	map_server_input(ms, ack, (size_t)len, &sent[nsent - 2].dst, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->notify_ack_errors, 1);
}
END_TEST

START_TEST(anycast_sites_merge)
{
	struct reg_spec east = { "[7]10.99.0.1/32", "192.0.2.10", key_a,
				 LISP_AUTH_HMAC_SHA256_128, 1, 1, 1440, false };
	struct reg_spec west = { "[7]10.99.0.1/32", "203.0.113.10", key_b,
				 LISP_AUTH_HMAC_SHA256_128, 2, 1, 1440, false };

	send_register(&east, "192.0.2.10", 4342);
	send_register(&west, "203.0.113.10", 4342);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, 2);
	ck_assert_uint_eq(lookup("[7]10.99.0.1/32")->merged_loc_count, 2);
}
END_TEST

START_TEST(withdrawal_with_ttl_zero)
{
	struct reg_spec r = { "[1000]10.1.2.0/24", "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA256_128,
			      1, 10, 1440, false };

	send_register(&r, "192.0.2.1", 4342);
	ck_assert_ptr_nonnull(lookup("[1000]10.1.2.0/24"));
	r.ttl = 0;
	r.nonce = 11;
	send_register(&r, "192.0.2.1", 4342);
	ck_assert_ptr_null(lookup("[1000]10.1.2.0/24"));
	ck_assert_uint_eq(nremoved, 1);
}
END_TEST

START_TEST(garbage_counted)
{
	struct lisp_addr src;
	uint8_t junk[40] = { 0x30, 0, 0, 1 };

	lisp_addr_parse("192.0.2.1", &src, NULL);
	map_server_input(ms, junk, sizeof(junk), &src, 4342);
	map_server_input(ms, junk, 0, &src, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->register_decode_errors, 1);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 0);
}
END_TEST

/* A Map-Register of several records from xTR 0x11 with site-a's key. */
static void send_records_xtr(const char *const *eids, unsigned int n, uint64_t nonce,
			     bool with_xtr_id);

static void send_records(const char *const *eids, unsigned int n, uint64_t nonce)
{
	send_records_xtr(eids, n, nonce, true);
}

/* n records of eids in one Map-Register, with xTR-ID 0x11.. or none. */
static void send_records_xtr(const char *const *eids, unsigned int n, uint64_t nonce,
			     bool with_xtr_id)
{
	struct lisp_locator loc = { .priority = 1, .weight = 50, .flags = LISP_LOC_F_REACH };
	struct lisp_record recs[8];
	struct lisp_waddr inner[8];
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .want_notify = true,
				       .nonce = nonce, .alg_id = LISP_AUTH_HMAC_SHA256_128,
				       .record_count = (uint8_t)n, .records = recs,
				       .xtr_id_present = with_xtr_id };
	uint8_t buf[2048];
	struct lisp_addr a;
	ssize_t len;

	lisp_addr_parse("192.0.2.1", &a, NULL);
	lisp_waddr_from_addr(&loc.addr, &a);
	memset(m.xtr_id, 0x11, LISP_XTR_ID_LEN);
	for (unsigned int i = 0; i < n; i++) {
		struct lisp_prefix p;

		ck_assert_int_eq(lisp_prefix_parse(eids[i], &p, NULL), 0);
		recs[i] = (struct lisp_record){ .ttl = 10, .authoritative = true, .loc_count = 1,
						.locs = &loc, .mask_len = p.plen };
		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &p);
	}
	len = lisp_map_register_encode(&m, buf, sizeof(buf), NULL);
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)len, key_a, strlen(key_a), NULL), 0);
	map_server_input(ms, buf, (size_t)len, &a, 4342);
}

/* One record the site does not allow, anywhere in the message: the whole
 * message is refused and nothing of it applied (checked before applied),
 * counted under its reason; the same records without it are accepted. */
START_TEST(one_bad_record_refuses_the_message_whole)
{
	static const char *const bad_last[] = { "[1000]10.1.1.0/24", "[1000]10.1.2.0/24",
						"[1000]10.9.0.0/16" };
	static const char *const bad_mid[] = { "[1000]10.1.1.0/24", "[1000]dn:not-listed",
					       "[1000]10.1.2.0/24" };
	const struct ms_counters *c = map_server_counters(ms);

	send_records(bad_last, 3, 1);
	ck_assert_ptr_null(lookup("[1000]10.1.1.0/24"));
	ck_assert_ptr_null(lookup("[1000]10.1.2.0/24"));
	ck_assert_uint_eq(c->refused_eid_not_in_site, 1);
	ck_assert_uint_eq(site_table_find(sites, "site-a")->eid_rejections, 1);
	ck_assert_uint_eq(nsent, 0);	/* no Map-Notify for a refused message */
	ck_assert_uint_eq(nchanges, 0);
	send_records(bad_mid, 3, 2);
	ck_assert_ptr_null(lookup("[1000]10.1.1.0/24"));
	ck_assert_uint_eq(c->refused_dn_not_listed, 1);
	ck_assert_uint_eq(c->registers_accepted, 0);
	send_records(bad_last, 2, 3);
	ck_assert_ptr_nonnull(lookup("[1000]10.1.1.0/24"));
	ck_assert_ptr_nonnull(lookup("[1000]10.1.2.0/24"));
	ck_assert_uint_eq(c->registers_accepted, 1);
	ck_assert_uint_eq(nsent, 1);
}
END_TEST

/* Each refusal under its own reason. */
START_TEST(refusals_counted_by_reason)
{
	static const char *const dn_first[] = { "[1000]dn:nobody" };
	static const char *const ok[] = { "[1000]10.1.7.0/24" };
	struct reg_spec r = { "[1000]10.1.2.0/24", "192.0.2.1", key_b, LISP_AUTH_HMAC_SHA256_128,
			      1, 1, 1440, false };
	const struct ms_counters *c = map_server_counters(ms);
	uint8_t junk[40] = { 0x30, 0, 0, 1 };
	struct lisp_addr src;

	send_register(&r, "192.0.2.1", 4342);		/* site-a's EID, site-b's key */
	ck_assert_uint_eq(c->refused_auth_failed, 1);
	r.key = key_a;
	r.eid = "[1000]10.2.0.0/16";
	send_register(&r, "192.0.2.1", 4342);		/* in no site */
	ck_assert_uint_eq(c->refused_no_site, 1);
	send_records(dn_first, 1, 5);			/* a name no site lists */
	ck_assert_uint_eq(c->refused_dn_not_listed, 1);
	send_records(ok, 1, 6);
	send_records(ok, 1, 6);				/* the same nonce again */
	ck_assert_uint_eq(c->refused_replay, 1);
	lisp_addr_parse("192.0.2.1", &src, NULL);
	map_server_input(ms, junk, sizeof(junk), &src, 4342);
	ck_assert_uint_eq(c->refused_decode_error, 1);
	ck_assert_uint_eq(c->refused_eid_not_in_site + c->refused_shared_eid +
				  c->refused_record_too_big + c->refused_store_error,
			  0);
	ck_assert_uint_eq(c->registers_accepted, 1);
}
END_TEST

/* Replay state belongs to the authenticated registrant, never to the UDP
 * source: a captured Map-Register re-sent unchanged from three other
 * addresses and ports is refused each time (no Map-Notify, no refresh),
 * with an xTR-ID and without one; a fresh nonce from a new address (an ETR
 * whose address changed) is accepted. */
START_TEST(replay_from_other_sources_refused)
{
	static const char *const from[] = { "192.0.2.66", "198.51.100.7", "192.0.2.1" };
	static const uint16_t port[] = { 4342, 50001, 50002 };
	const struct ms_counters *c = map_server_counters(ms);
	uint8_t buf[1024];

	for (uint8_t xtr = 1; xtr != 3; xtr = xtr ? 0 : 3) {
		struct reg_spec r = { xtr ? "[1000]10.1.2.0/24" : "[1000]10.1.3.0/24",
				      "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA256_128, xtr, 10,
				      1440, true };
		uint64_t replays = c->register_replays, accepted = c->registers_accepted;
		struct lisp_addr src;
		size_t n = build_register(&r, buf, sizeof(buf));

		lisp_addr_parse("192.0.2.1", &src, NULL);
		map_server_input(ms, buf, n, &src, 4342);
		ck_assert_uint_eq(c->registers_accepted, accepted + 1);
		nsent = 0;
		for (size_t i = 0; i < 3; i++) {
			lisp_addr_parse(from[i], &src, NULL);
			map_server_input(ms, buf, n, &src, port[i]);
		}
		ck_assert_msg(c->register_replays == replays + 3, "xtr %u: %llu replays refused",
			      xtr, (unsigned long long)(c->register_replays - replays));
		ck_assert_uint_eq(c->registers_accepted, accepted + 1);
		ck_assert_uint_eq(nsent, 0);	/* no Map-Notify to a replayer */
		/* The genuine ETR, moved: a fresh nonce from a new address. */
		r.nonce = 11;
		send_register(&r, "203.0.113.9", 4342);
		ck_assert_uint_eq(c->registers_accepted, accepted + 2);
		ck_assert_uint_eq(nsent, 1);
		lisp_addr_format(&sent[0].dst, (char *)buf, sizeof(buf));
		ck_assert_str_eq((char *)buf, "203.0.113.9");
	}
}
END_TEST

/* Without an xTR-ID the registrant is the EID-prefix set, in any record
 * order; another set of the same site has replay state of its own. */
START_TEST(replay_identity_without_xtr_id_is_the_eid_set)
{
	static const char *const ab[] = { "[1000]10.1.1.0/24", "[1000]10.1.2.0/24" };
	static const char *const ba[] = { "[1000]10.1.2.0/24", "[1000]10.1.1.0/24" };
	static const char *const c_only[] = { "[1000]10.1.3.0/24" };
	const struct ms_counters *c = map_server_counters(ms);

	send_records_xtr(ab, 2, 5, false);
	send_records_xtr(ba, 2, 5, false);	/* the same set, the same nonce */
	ck_assert_uint_eq(c->register_replays, 1);
	send_records_xtr(c_only, 1, 5, false);	/* another registrant */
	ck_assert_uint_eq(c->register_replays, 1);
	ck_assert_uint_eq(c->registers_accepted, 2);
}
END_TEST

/* "increasing" (map-server.nonce-policy): a capture is never accepted
 * again, however many registrations came since; "unique" accepts one older
 * than its window. */
START_TEST(nonce_policy_increasing_refuses_old_captures)
{
	struct reg_spec r = { "[1000]10.1.2.0/24", "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA256_128,
			      1, 100, 1440, false };
	const struct ms_counters *c = map_server_counters(ms);
	uint8_t old[1024];
	struct lisp_addr src;
	size_t n = build_register(&r, old, sizeof(old));

	lisp_addr_parse("192.0.2.1", &src, NULL);
	map_server_input(ms, old, n, &src, 4342);
	for (unsigned int i = 1; i <= MS_NONCE_WINDOW; i++) {
		r.nonce = 100 + i;
		send_register(&r, "192.0.2.1", 4342);
	}
	ck_assert_uint_eq(c->registers_accepted, MS_NONCE_WINDOW + 1);
	map_server_set_nonce_policy(ms, MS_NONCE_INCREASING);
	map_server_input(ms, old, n, &src, 4342);
	ck_assert_uint_eq(c->register_replays, 1);
	r.nonce = 100;		/* not above the last one either */
	send_register(&r, "192.0.2.1", 4342);
	ck_assert_uint_eq(c->register_replays, 2);
	map_server_set_nonce_policy(ms, MS_NONCE_UNIQUE);
	map_server_input(ms, old, n, &src, 4342);	/* out of the window: taken */
	ck_assert_uint_eq(c->registers_accepted, MS_NONCE_WINDOW + 2);
}
END_TEST

/* Key ID names the site's key (RFC 9301 5.6): each site has one, Key ID 0;
 * a message signed with the right key but naming Key ID 7 is refused. */
START_TEST(key_id_must_name_the_sites_key)
{
	struct reg_spec r = { "[1000]10.1.2.0/24", "192.0.2.1", key_a, LISP_AUTH_HMAC_SHA256_128,
			      1, 1, 1440, false };
	const struct ms_counters *c = map_server_counters(ms);
	uint8_t buf[1024];
	struct lisp_addr src;
	size_t n = build_register(&r, buf, sizeof(buf));

	lisp_addr_parse("192.0.2.1", &src, NULL);
	buf[12] = 7;	/* Key ID, then re-signed: the HMAC is right */
	ck_assert_int_eq(lisp_auth_sign(buf, n, key_a, strlen(key_a), NULL), 0);
	map_server_input(ms, buf, n, &src, 4342);
	ck_assert_uint_eq(c->refused_auth_failed, 1);
	ck_assert_uint_eq(c->registers_accepted, 0);
	ck_assert_ptr_null(lookup("[1000]10.1.2.0/24"));
	buf[12] = 0;
	ck_assert_int_eq(lisp_auth_sign(buf, n, key_a, strlen(key_a), NULL), 0);
	map_server_input(ms, buf, n, &src, 4342);
	ck_assert_uint_eq(c->registers_accepted, 1);
}
END_TEST

/* ---- state per registrant (docs/security.md, "Bounded state per sender") */

static void set_limits(uint32_t total, uint32_t per_site, uint64_t hold_ms, uint32_t pending)
{
	struct ms_params p;

	map_server_params_default(&p);
	p.max_registrants = total;
	p.max_registrants_per_site = per_site;
	p.registrant_hold_ms = hold_ms;
	p.max_pending_notifies = pending;
	map_server_set_limits(ms, &p);
}

static void register_xtr(const char *eid, const char *key, uint8_t alg, uint8_t xtr,
			 uint64_t nonce)
{
	struct reg_spec r = { eid, "192.0.2.1", key, alg, xtr, nonce, 1440, false };

	send_register(&r, "192.0.2.1", 4342);
}

/* Full (2 per site, 3 in all): a new registrant is refused and counted; the
 * known ones keep their replay state (a replay is still refused) and
 * register on with fresh nonces. */
START_TEST(registrants_capped_known_ones_kept)
{
	const struct ms_counters *c = map_server_counters(ms);

	set_limits(3, 2, 86400000, 16384);
	register_xtr("[1000]10.1.1.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 1, 10);
	register_xtr("[1000]10.1.2.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 2, 10);
	register_xtr("[1000]10.1.3.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 3, 10);
	ck_assert_uint_eq(c->refused_registrants_full, 1);	/* site-a has 2 */
	ck_assert_ptr_null(lookup("[1000]10.1.3.0/24"));
	register_xtr("[2000]10.1.1.0/24", key_b, LISP_AUTH_HMAC_SHA1_96, 4, 10);
	register_xtr("[2000]10.1.2.0/24", key_b, LISP_AUTH_HMAC_SHA1_96, 5, 10);
	ck_assert_uint_eq(c->refused_registrants_full, 2);	/* 3 in all */
	ck_assert_uint_eq(map_server_registrant_count(ms), 3);
	register_xtr("[1000]10.1.1.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 1, 10);
	ck_assert_uint_eq(c->register_replays, 1);
	register_xtr("[1000]10.1.1.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 1, 11);
	ck_assert_uint_eq(c->registers_accepted, 4);
	ck_assert_uint_eq(c->refused_registrants_full, 2);
}
END_TEST

/* A registrant silent for the registration lifetime plus the hold is
 * forgotten (its registrations are gone by then); one that keeps
 * registering is not; the room it left takes a newcomer at once. */
START_TEST(silent_registrant_forgotten_after_hold)
{
	const struct ms_counters *c = map_server_counters(ms);

	set_limits(2, 2, 1000, 16384);
	register_xtr("[1000]10.1.1.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 1, 10);
	register_xtr("[1000]10.1.2.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 2, 10);
	for (uint64_t n = 11; n < 16; n++) {	/* xTR 2 refreshes, xTR 1 is silent */
		run_for(250);
		register_xtr("[1000]10.1.2.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 2, n);
	}
	ck_assert_ptr_null(lookup("[1000]10.1.1.0/24"));	/* registration expired */
	register_xtr("[1000]10.1.3.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 3, 10);
	ck_assert_uint_eq(c->refused_registrants_full, 1);	/* 1,250 ms < 300 + 1,000 */
	run_for(1000);	/* a full table looks again at most once a second */
	register_xtr("[1000]10.1.2.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 2, 16);
	register_xtr("[1000]10.1.3.0/24", key_a, LISP_AUTH_HMAC_SHA256_128, 3, 10);
	ck_assert_uint_eq(c->refused_registrants_full, 1);
	ck_assert_uint_eq(c->registrants_expired, 1);
	ck_assert_ptr_nonnull(lookup("[1000]10.1.3.0/24"));
	ck_assert_ptr_nonnull(lookup("[1000]10.1.2.0/24"));
	ck_assert_uint_eq(map_server_registrant_count(ms), 2);
	/* The periodic sweep forgets the silent ones without a newcomer. */
	run_for(70000);
	ck_assert_uint_eq(map_server_registrant_count(ms), 0);
	ck_assert_uint_eq(c->registrants_expired, 3);
}
END_TEST

/* Map-Notifies kept for retransmission: subscribers hold at most half the
 * room, so registrants' notifies are still kept when subscribers filled
 * theirs; beyond, a Map-Notify is sent once and counted. */
START_TEST(pending_notifies_capped_subscribers_half)
{
	struct lisp_map_register n = { .record_count = 0 };
	struct site *site = site_table_find(sites, "site-a");
	const struct ms_counters *c = map_server_counters(ms);
	struct lisp_addr dst;

	set_limits(100000, 50000, 86400000, 4);
	lisp_addr_parse("198.18.0.1", &dst, NULL);
	for (uint64_t i = 1; i <= 5; i++) {
		n.nonce = i;
		ck_assert_int_eq(map_server_notify_subscriber(ms, site, &dst, 4342, &n), 0);
	}
	ck_assert_uint_eq(map_server_pending_count(ms), 2);
	ck_assert_uint_eq(c->notify_untracked, 3);
	for (uint64_t i = 6; i <= 8; i++) {
		n.nonce = i;
		ck_assert_int_eq(map_server_notify(ms, site, &dst, 4342, &n, true), 0);
	}
	ck_assert_uint_eq(map_server_pending_count(ms), 4);
	ck_assert_uint_eq(c->notify_untracked, 4);
	ck_assert_uint_eq(nsent, 8);		/* every one sent once */
	run_for(1000);				/* retransmitted, then given up */
	ck_assert_uint_eq(map_server_pending_count(ms), 0);
	ck_assert_uint_eq(c->notify_gave_up, 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("map_server");
	TCase *tc = tcase_create("register");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, register_accepted_and_acknowledged);
	tcase_add_test(tc, independently_built_register_accepted);
	tcase_add_test(tc, wrong_key_outside_site_and_replay_rejected);
	tcase_add_test(tc, site_wide_key_cannot_claim_other_iid);
	tcase_add_test(tc, two_xtrs_merge_and_notify_each_other);
	tcase_add_test(tc, anycast_sites_merge);
	tcase_add_test(tc, withdrawal_with_ttl_zero);
	tcase_add_test(tc, garbage_counted);
	tcase_add_test(tc, one_bad_record_refuses_the_message_whole);
	tcase_add_test(tc, refusals_counted_by_reason);
	tcase_add_test(tc, replay_from_other_sources_refused);
	tcase_add_test(tc, replay_identity_without_xtr_id_is_the_eid_set);
	tcase_add_test(tc, nonce_policy_increasing_refuses_old_captures);
	tcase_add_test(tc, key_id_must_name_the_sites_key);
	tcase_add_test(tc, registrants_capped_known_ones_kept);
	tcase_add_test(tc, silent_registrant_forgotten_after_hold);
	tcase_add_test(tc, pending_notifies_capped_subscribers_half);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
