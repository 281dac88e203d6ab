/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ETR against our Map-Server and Map-Resolver, joined by an in-process
 * "network" that delivers each message to the role owning its destination:
 * registration and its acknowledgement, answering forwarded Map-Requests and
 * RLOC-probes, re-registration on change, withdrawal, a wrong key with
 * backed-off retries, and acknowledging unsolicited Map-Notifies.
 * Start-up and runtime changes cost what the database needs: one
 * registration, batched up to the path MTU, no Map-Notify-Acks.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "etr.h"
#include "lisp_auth.h"
#include "map_resolver.h"

#define QUEUE_MAX 256

struct packet {
	struct lisp_addr src, dst;
	uint16_t dport;
	uint8_t msg[2048];
	size_t len;
};

struct node {
	const char *addr;
	struct lisp_addr a;
};

static struct packet queue[QUEUE_MAX];
static unsigned int qhead, qtail;
static struct packet replies[32];	/* what reached the ITR */
static unsigned int nreplies;
static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static struct map_resolver *mr;
static struct etr *etr;
static struct lisp_addr ms_addr, etr_addr, itr_addr;
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;
static const char key[] = "etr-site-key";
/* What the ETR sent the Map-Server, and the Map-Notifies held back. */
static unsigned int regs_sent, records_sent, last_reg_records;
static size_t reg_len_max, record_bytes;
static bool hold_notifies;
/* What start() gives the ETR and the Map-Server. */
static uint64_t reg_interval_ms, ms_lifetime_ms;
static const struct lisp_prefix *accepted;
static size_t accepted_count;
static bool no_notify;
static uint32_t reply_rate;	/* the next start()'s etr reply limit; 0: default */
static struct packet held[16];
static unsigned int nheld;
static struct packet regs[16];	/* the first Map-Registers since nregs = 0 */
static unsigned int nregs;

static void enqueue(const struct lisp_addr *src, const struct lisp_addr *dst, uint16_t port,
		    const uint8_t *msg, size_t len)
{
	struct packet *p = &queue[qtail++ % QUEUE_MAX];

	ck_assert_uint_lt(qtail - qhead, QUEUE_MAX);
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
	if (hold_notifies && len && msg[0] >> 4 == LISP_MAP_NOTIFY) {
		ck_assert_uint_lt(nheld, 16);
		held[nheld].src = ms_addr;
		held[nheld].dst = *dst;
		held[nheld].dport = port;
		memcpy(held[nheld].msg, msg, len);
		held[nheld++].len = len;
		return;
	}
	enqueue(&ms_addr, dst, port, msg, len);
}

static void from_etr(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	if (len >= 4 && msg[0] >> 4 == LISP_MAP_REGISTER) {
		regs_sent++;
		if (nregs < 16 && len <= sizeof(regs[0].msg)) {
			memcpy(regs[nregs].msg, msg, len);
			regs[nregs++].len = len;
		}
		records_sent += msg[3];	/* Record Count (RFC 9301, 5.6) */
		last_reg_records = msg[3];
		if (len > reg_len_max)
			reg_len_max = len;
		/* Past the header, HMAC-SHA-256 data, xTR-ID and site-ID. */
		record_bytes += len - 16 - 32 - 24;
	}
	enqueue(&etr_addr, dst, port, msg, len);
}

/* Delivers queued packets (and what they cause) until the network is
 * quiet; returns how many. */
static unsigned int pump(void)
{
	unsigned int first = qhead;

	while (qhead != qtail) {
		struct packet *p = &queue[qhead++ % QUEUE_MAX];

		if (lisp_addr_equal(&p->dst, &ms_addr)) {
			if (p->msg[0] >> 4 == LISP_ECM)
				map_resolver_input(mr, p->msg, p->len, &p->src, 4342);
			else
				map_server_input(ms, p->msg, p->len, &p->src, 4342);
		} else if (lisp_addr_equal(&p->dst, &etr_addr)) {
			etr_input(etr, p->msg, p->len, &p->src, 4342);
		} else if (lisp_addr_equal(&p->dst, &itr_addr)) {
			ck_assert_uint_lt(nreplies, 32);
			replies[nreplies++] = *p;
		}
	}
	return qhead - first;
}

/* Delivers what is queued (the caller just sent it), then runs ms_total
 * of test time (clock_util.h), pumping between turns. */
static void run_for(unsigned int ms_total)
{
	t_run_for(loop, ms_total, pump);
}

/* eid's mapping: one RLOC, inside a JSON LCAF of attrs (RFC 8060, 4.7)
 * unless attrs is NULL. */
static void set_mapping_attrs(const char *eid, const char *rloc, uint8_t priority,
			      const char *attrs)
{
	struct lisp_locator loc = { .priority = priority, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 1440, .loc_count = 1, .locs = &loc };
	struct lisp_waddr inner, in_json;
	struct lisp_prefix p;
	struct lisp_addr a;
	struct lisp_err err;

	lisp_prefix_parse(eid, &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_addr_parse(rloc, &a, NULL);
	lisp_waddr_from_addr(attrs ? &in_json : &loc.addr, &a);
	if (attrs) {
		loc.addr.afi = LISP_AFI_LCAF;
		loc.addr.lcaf.type = LCAF_TYPE_JSON;
		loc.addr.lcaf.json.text = attrs;
		loc.addr.lcaf.json.len = (uint16_t)strlen(attrs);
		loc.addr.lcaf.json.addr = &in_json;
	}
	ck_assert_msg(etr_db_set(etr, &rec, &err) == 0, "%s", err.msg);
}

static void set_mapping(const char *eid, const char *rloc, uint8_t priority)
{
	set_mapping_attrs(eid, rloc, priority, NULL);
}

static void start(const char *etr_key, bool proxy)
{
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .name = "site", .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = &eid,
			  .eid_count = 1 };
	struct etr_map_server server = { .port = 4342, .alg_id = LISP_AUTH_HMAC_SHA256_128 };
	struct ms_params mp;
	struct mr_params rp;
	struct etr_params ep;

	qhead = qtail = nreplies = 0;
	regs_sent = records_sent = nheld = 0;
	reg_len_max = record_bytes = 0;
	hold_notifies = false;
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	lisp_addr_parse("192.0.2.100", &ms_addr, NULL);
	lisp_addr_parse("192.0.2.1", &etr_addr, NULL);
	lisp_addr_parse("198.51.100.7", &itr_addr, NULL);
	loop = t_loop_new();
	sites = site_table_new();
	memcpy(s.key, key, strlen(key));
	s.key_len = strlen(key);
	lisp_prefix_parse("[5]10.5.0.0/16", &eid.prefix, NULL);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
	map_server_params_default(&mp);
	if (ms_lifetime_ms)
		mp.registration_lifetime_ms = ms_lifetime_ms;
	ms = map_server_new(loop, sites, &mp, from_ms, NULL);
	map_resolver_params_default(&rp);
	mr = map_resolver_new(loop, &rp, ms, sites, from_ms, NULL);
	etr_params_default(&ep);
	ep.notify_timeout_ms = 20;
	ep.register_interval_ms = reg_interval_ms ? reg_interval_ms : 5000;
	ep.coalesce_ms = 1;
	ep.accepted = accepted;
	ep.accepted_count = accepted_count;
	ep.want_notify = !no_notify;
	ep.proxy_reply = proxy;
	if (reply_rate)
		ep.reply_rate = ep.reply_burst = reply_rate;
	ep.xtr_id_present = true;
	memset(ep.xtr_id, 0x5a, sizeof(ep.xtr_id));
	server.addr = ms_addr;
	memcpy(server.key, etr_key, strlen(etr_key));
	server.key_len = strlen(etr_key);
	evloop_now_update(loop);
	etr = etr_new(loop, &ep, &server, 1, from_etr, NULL);
	ck_assert_ptr_nonnull(etr);
}

static void teardown(void)
{
	reg_interval_ms = ms_lifetime_ms = 0;
	no_notify = false;
	reply_rate = 0;
	accepted = NULL;
	accepted_count = 0;
	etr_free(etr);
	map_resolver_free(mr);
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
}

static struct reg_eid *ms_lookup(const char *eid)
{
	struct lisp_prefix p;

	lisp_prefix_parse(eid, &p, NULL);
	return registry_exact(map_server_registry(ms), &p);
}

/* An ECM'd Map-Request from the ITR, sent to the Map-Resolver. */
static void itr_asks(const char *eid, bool probe_direct_to_etr)
{
	struct lisp_request_record rec = { 0 };
	struct lisp_map_request req = { .nonce = 0x77, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec, .probe = probe_direct_to_etr };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 50000,
				.inner_dport = 4342 };
	struct lisp_waddr itr, inner;
	struct lisp_prefix p;
	uint8_t mreq[256], buf[512];
	ssize_t n;

	lisp_prefix_parse(eid, &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_waddr_from_addr(&itr, &itr_addr);
	req.itr_rlocs = &itr;
	n = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	if (probe_direct_to_etr) {
		enqueue(&itr_addr, &etr_addr, 4342, mreq, (size_t)n);
		return;
	}
	ecm.inner_src = itr_addr;
	lisp_addr_parse("10.5.1.1", &ecm.inner_dst, NULL);
	ecm.payload = mreq;
	ecm.payload_len = (size_t)n;
	n = lisp_ecm_encode(&ecm, buf, sizeof(buf), NULL);
	enqueue(&itr_addr, &ms_addr, 4342, buf, (size_t)n);
}

/* Issue 13: a 56-byte probe fetched a 3,172-byte reply for the address it
 * named.  A probe's reply carries the mapping only within probe_reply_ratio
 * times the probe; a plain Map-Request still gets all of it. */
START_TEST(probe_reply_no_larger_than_the_probe)
{
	char attrs[600];
	struct lisp_map_reply r;

	memset(attrs, 0, sizeof(attrs));
	strcpy(attrs, "{\"pad\": \"");
	memset(attrs + strlen(attrs), 'a', 500);
	strcat(attrs, "\"}");
	start(key, false);
	set_mapping_attrs("[5]10.5.1.0/24", "192.0.2.1", 1, attrs);
	etr_start(etr);
	run_for(20);
	itr_asks("[5]10.5.1.9/32", true);
	run_for(5);
	ck_assert_uint_eq(nreplies, 1);
	ck_assert_uint_le(replies[0].len, 64);
	ck_assert_int_eq(lisp_map_reply_decode(replies[0].msg, replies[0].len, &arena, &r, NULL), 0);
	ck_assert(r.probe && r.nonce == 0x77 && r.record_count == 0);
	ck_assert_uint_eq(etr_counters(etr)->probe_replies_trimmed, 1);
	itr_asks("[5]10.5.1.9/32", false);	/* through the Map-Server */
	run_for(5);
	ck_assert_uint_eq(nreplies, 2);
	ck_assert_uint_gt(replies[1].len, 500);
	teardown();
}
END_TEST

/* Issue 13: a Map-Request naming one mapping twice got it twice (8 bytes
 * a record fetching the whole entry again), and a third record fetched a
 * 500-byte mapping; now the first whole, the others within the request's
 * size (RFC 9301, 5.2: senders put one record in a Map-Request). */
START_TEST(each_entry_once_per_reply)
{
	struct lisp_request_record recs[3] = { 0 };
	struct lisp_map_request req = { .nonce = 0x78, .itr_rloc_count = 1, .record_count = 3,
					.records = recs };
	struct lisp_waddr itr, inner[3];
	struct lisp_map_reply r;
	uint8_t buf[256];
	ssize_t n;

	static const char *const eids[] = { "[5]10.5.1.9/32", "[5]10.5.1.8/32",
					    "[5]10.5.2.9/32" };
	char attrs[520] = "{\"pad\": \"";

	memset(attrs + strlen(attrs), 'a', 500);
	strcat(attrs, "\"}");
	start(key, false);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	set_mapping_attrs("[5]10.5.2.0/24", "192.0.2.1", 1, attrs);
	for (unsigned int i = 0; i < 3; i++) {
		struct lisp_prefix p;

		lisp_prefix_parse(eids[i], &p, NULL);
		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &p);
		recs[i].mask_len = 32;
	}
	lisp_waddr_from_addr(&itr, &itr_addr);
	req.itr_rlocs = &itr;
	n = lisp_map_request_encode(&req, buf, sizeof(buf), NULL);
	enqueue(&itr_addr, &etr_addr, 4342, buf, (size_t)n);
	pump();
	ck_assert_uint_eq(nreplies, 1);
	ck_assert_int_eq(lisp_map_reply_decode(replies[0].msg, replies[0].len, &arena, &r, NULL), 0);
	ck_assert_uint_eq(r.record_count, 1);
	ck_assert_uint_eq(etr_counters(etr)->reply_records_repeated, 1);
	ck_assert_uint_eq(etr_counters(etr)->reply_records_over_size, 1);
	teardown();
}
END_TEST

/* All requesters together get reply_rate replies a second, spoofed or not. */
START_TEST(replies_limited_globally)
{
	reply_rate = 5;
	start(key, false);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(20);
	for (unsigned int i = 0; i < 30; i++)
		itr_asks("[5]10.5.1.9/32", true);
	pump();
	ck_assert_uint_eq(nreplies, 5);
	ck_assert_uint_eq(etr_counters(etr)->replies_rate_limited, 25);
	run_for(1000);
	itr_asks("[5]10.5.1.9/32", true);
	run_for(5);
	ck_assert_uint_eq(nreplies, 6);
	teardown();
}
END_TEST

START_TEST(registers_and_is_acknowledged)
{
	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	set_mapping("[5]10.5.2.0/24", "192.0.2.1", 1);
	etr_start(etr);
	ck_assert(!etr_registered(etr));
	run_for(30);
	ck_assert(etr_registered(etr));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.1.0/24"));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.2.0/24"));
	ck_assert_uint_eq(ms_lookup("[5]10.5.1.0/24")->xtrs->who.has_xtr_id, 1);
	ck_assert_uint_eq(etr_counters(etr)->register_retransmits, 0);
	teardown();
}
END_TEST

START_TEST(answers_forwarded_requests_and_probes)
{
	struct lisp_map_reply r;

	start(key, false);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(20);
	itr_asks("[5]10.5.1.9/32", false);
	run_for(10);
	/* The MS forwarded; the ETR answered the ITR, authoritatively. */
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_forwarded, 1);
	ck_assert_uint_eq(nreplies, 1);
	ck_assert_uint_eq(replies[0].dport, 50000);
	ck_assert_int_eq(lisp_map_reply_decode(replies[0].msg, replies[0].len, &arena, &r, NULL), 0);
	ck_assert_uint_eq(r.nonce, 0x77);
	ck_assert(r.records[0].authoritative && !r.probe);
	/* An RLOC-probe straight to the ETR: P in the reply. */
	itr_asks("[5]10.5.1.9/32", true);
	run_for(5);
	ck_assert_uint_eq(nreplies, 2);
	ck_assert_int_eq(lisp_map_reply_decode(replies[1].msg, replies[1].len, &arena, &r, NULL), 0);
	ck_assert(r.probe);
	ck_assert_uint_eq(etr_counters(etr)->probes_answered, 1);
	/* Not our EID: no answer. */
	itr_asks("[6]10.5.1.9/32", true);
	run_for(5);
	ck_assert_uint_eq(nreplies, 2);
	ck_assert_uint_eq(etr_counters(etr)->requests_not_ours, 1);
	teardown();
}
END_TEST

START_TEST(change_and_withdrawal_reach_the_map_server)
{
	struct lisp_prefix p;
	struct lisp_record rec;

	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(20);
	set_mapping("[5]10.5.1.0/24", "203.0.113.5", 2);
	run_for(20);
	lisp_arena_reset(&arena);
	ck_assert_int_eq(reg_eid_decode(ms_lookup("[5]10.5.1.0/24"), &arena, &rec, NULL), 0);
	ck_assert_uint_eq(rec.loc_count, 1);
	ck_assert_uint_eq(rec.locs[0].priority, 2);
	lisp_prefix_parse("[5]10.5.1.0/24", &p, NULL);
	ck_assert_int_eq(etr_db_del(etr, &p), 0);
	ck_assert_int_eq(etr_db_del(etr, &p), -ENOENT);
	run_for(20);
	ck_assert_ptr_null(ms_lookup("[5]10.5.1.0/24"));
	teardown();
}
END_TEST

/* The first Map-Register since nregs = 0 that holds text, or -1. */
static int reg_with(const char *text)
{
	size_t n = strlen(text);

	for (unsigned int i = 0; i < nregs; i++)
		for (size_t j = 0; j + n <= regs[i].len; j++)
			if (memcmp(regs[i].msg + j, text, n) == 0)
				return (int)i;
	return -1;
}

/* An RLOC and a JSON record without an address (lisp_locator_json). */
static void set_with_json(const char *eid, const char *json)
{
	struct lisp_locator locs[2] = { { .priority = 1, .weight = 100,
					  .flags = LISP_LOC_F_REACH } };
	struct lisp_record rec = { .ttl = 1440, .loc_count = 2, .locs = locs };
	struct lisp_waddr inner;
	struct lisp_prefix p;
	struct lisp_addr a;
	struct lisp_err err;

	ck_assert_int_eq(lisp_prefix_parse(eid, &p, &err), 0);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	lisp_addr_parse("192.0.2.1", &a, NULL);
	lisp_waddr_from_addr(&locs[0].addr, &a);
	lisp_locator_json(&locs[1], json);
	ck_assert_msg(etr_db_set(etr, &rec, &err) == 0, "%s", err.msg);
}

/* A crypto-EID set at run time (docs/ecdsa.md): its hash-EID, the DN with
 * the key, leaves first, so that the Map-Server has the key when the
 * signature comes; their withdrawals keep the signature and key records. */
START_TEST(crypto_eid_key_first_and_signed_withdrawal)
{
	struct lisp_prefix p;

	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(20);
	nregs = 0;
	set_with_json("[5]fd00::1/128", "{\"signature\":\"c2lnbmVk\"}");
	set_with_json("[5]dn:hash-00:0000:0000:0001", "{\"public-key\":\"a2V5\"}");
	run_for(20);
	ck_assert_int_ge(reg_with("public-key"), 0);
	ck_assert_int_gt(reg_with("{\"signature"), reg_with("public-key"));
	lisp_prefix_parse("[5]fd00::1/128", &p, NULL);
	ck_assert_int_eq(etr_db_del(etr, &p), 0);
	nregs = 0;
	run_for(20);
	ck_assert_int_ge(reg_with("{\"signature\":\"c2lnbmVk\"}"), 0);
	lisp_prefix_parse("[5]dn:hash-00:0000:0000:0001", &p, NULL);
	ck_assert_int_eq(etr_db_del(etr, &p), 0);
	nregs = 0;
	run_for(20);
	ck_assert_int_ge(reg_with("{\"public-key\":\"a2V5\"}"), 0);
	teardown();
}
END_TEST

START_TEST(wrong_key_retries_with_backoff)
{
	start("not-the-key", true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(400);
	ck_assert(!etr_registered(etr));
	ck_assert_ptr_null(ms_lookup("[5]10.5.1.0/24"));
	/* 20, 40, 80, 160 ms...: a handful of retries, not hundreds. */
	ck_assert_uint_ge(etr_counters(etr)->register_retransmits, 3);
	ck_assert_uint_le(etr_counters(etr)->register_retransmits, 6);
	ck_assert_uint_ge(map_server_counters(ms)->register_auth_failures, 4);
	teardown();
}
END_TEST

/* Start-up: the database is built first, then registered once; no
 * Map-Notify of ours comes back looking unsolicited. */
START_TEST(startup_one_entry_one_register)
{
	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	ck_assert_uint_eq(regs_sent, 0);	/* nothing before the start */
	etr_start(etr);
	run_for(100);
	ck_assert(etr_registered(etr));
	ck_assert_uint_eq(regs_sent, 1);
	ck_assert_uint_eq(records_sent, 1);
	ck_assert_uint_eq(etr_counters(etr)->registers_sent, 1);
	ck_assert_uint_eq(etr_counters(etr)->register_records_sent, 1);
	ck_assert_uint_eq(etr_counters(etr)->notify_acks_sent, 0);
	ck_assert_uint_eq(map_server_counters(ms)->notify_ack_errors, 0);
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.1.0/24"));
	teardown();
}
END_TEST

/* 1,000 entries: packed up to a 1500-byte path, each record sent once. */
START_TEST(startup_thousand_entries_batched)
{
	char eid[64];
	unsigned int found = 0;

	start(key, true);
	for (unsigned int i = 0; i < 1000; i++) {
		snprintf(eid, sizeof(eid), "[5]10.5.%u.%u/32", i / 250, i % 250 + 1);
		set_mapping(eid, "192.0.2.1", 1);
	}
	etr_start(etr);
	run_for(200);
	ck_assert(etr_registered(etr));
	ck_assert_uint_eq(records_sent, 1000);
	/* As few as fit: 1,400 bytes of records each (1500 less IPv4, UDP,
	 * header, authentication data, xTR-ID and site-ID), a record at most
	 * short of full. */
	ck_assert_uint_le(reg_len_max + 20 + 8, 1500);
	ck_assert_uint_le(regs_sent, record_bytes / (1400 - record_bytes / 1000) + 1);
	ck_assert_uint_eq(etr_counters(etr)->register_retransmits, 0);
	ck_assert_uint_eq(etr_counters(etr)->notify_acks_sent, 0);
	ck_assert_uint_eq(map_server_counters(ms)->notify_ack_errors, 0);
	for (unsigned int i = 0; i < 1000; i++) {
		snprintf(eid, sizeof(eid), "[5]10.5.%u.%u/32", i / 250, i % 250 + 1);
		found += ms_lookup(eid) != NULL;
	}
	ck_assert_uint_eq(found, 1000);
	teardown();
}
END_TEST

/* Changes at run time in quick succession leave as one Map-Register. */
START_TEST(runtime_changes_coalesce)
{
	struct lisp_prefix p;

	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	set_mapping("[5]10.5.2.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(30);
	ck_assert_uint_eq(regs_sent, 1);
	set_mapping("[5]10.5.3.0/24", "192.0.2.1", 1);
	set_mapping("[5]10.5.4.0/24", "192.0.2.1", 1);
	set_mapping("[5]10.5.1.0/24", "203.0.113.5", 2);
	lisp_prefix_parse("[5]10.5.2.0/24", &p, NULL);
	ck_assert_int_eq(etr_db_del(etr, &p), 0);
	ck_assert(!etr_registered(etr));
	run_for(30);
	ck_assert(etr_registered(etr));
	/* The changes only, sent together: each new or changed record in a
	 * Map-Register of its own until accepted, the withdrawal batched. */
	ck_assert_uint_eq(regs_sent, 1 + 3 + 1);
	ck_assert_uint_eq(records_sent, 2 + 4);
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.3.0/24"));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.4.0/24"));
	ck_assert_ptr_null(ms_lookup("[5]10.5.2.0/24"));
	ck_assert_uint_eq(etr_counters(etr)->notify_acks_sent, 0);
	teardown();
}
END_TEST

/* A Map-Notify for a Map-Register we already retransmitted is still ours:
 * never acknowledged as an unsolicited one. */
START_TEST(late_notify_is_not_unsolicited)
{
	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	hold_notifies = true;
	run_for(30);	/* past the 20 ms notify timeout: sent again */
	ck_assert_uint_ge(etr_counters(etr)->register_retransmits, 1);
	ck_assert_uint_ge(nheld, 2);
	hold_notifies = false;
	for (unsigned int i = 0; i < nheld; i++)
		enqueue(&held[i].src, &held[i].dst, held[i].dport, held[i].msg, held[i].len);
	run_for(5);
	ck_assert_uint_eq(etr_counters(etr)->notifies_received, nheld);
	ck_assert_uint_eq(etr_counters(etr)->notify_acks_sent, 0);
	ck_assert_uint_eq(map_server_counters(ms)->notify_ack_errors, 0);
	ck_assert(etr_registered(etr));
	teardown();
}
END_TEST

static enum etr_reg_state state_of(const char *eid)
{
	struct lisp_prefix p;
	int st;

	lisp_prefix_parse(eid, &p, NULL);
	st = etr_db_state(etr, &p);
	ck_assert_int_ge(st, 0);
	return (enum etr_reg_state)st;
}

/* A record the Map-Server refuses (outside its site), added at run time,
 * never takes the valid ones down: it goes alone, is marked refused and
 * kept out of the batches, while the others stay registered through many
 * registration lifetimes. */
START_TEST(refused_record_never_takes_the_others_down)
{
	struct lisp_prefix p;

	reg_interval_ms = 60;
	ms_lifetime_ms = 200;
	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	set_mapping("[5]10.5.2.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(30);
	ck_assert(etr_registered(etr));
	ck_assert_int_eq(state_of("[5]10.5.1.0/24"), ETR_REG_REGISTERED);
	set_mapping("[5]10.5.3.0/24", "192.0.2.1", 1);	/* valid, at run time */
	set_mapping("[6]10.6.0.0/24", "192.0.2.1", 1);	/* no site has it */
	run_for(10);
	ck_assert_int_eq(state_of("[5]10.5.3.0/24"), ETR_REG_REGISTERED);
	ck_assert_int_eq(state_of("[6]10.6.0.0/24"), ETR_REG_PENDING);
	run_for(1000);	/* five registration lifetimes */
	ck_assert_int_eq(state_of("[6]10.6.0.0/24"), ETR_REG_REFUSED);
	ck_assert_uint_eq(etr_counters(etr)->records_refused, 1);
	ck_assert(!etr_registered(etr));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.1.0/24"));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.2.0/24"));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.3.0/24"));
	ck_assert_ptr_null(ms_lookup("[6]10.6.0.0/24"));
	ck_assert_uint_eq(map_server_counters(ms)->registrations_expired, 0);
	/* Every refusal was of its own message, none of a batch. */
	ck_assert_uint_eq(map_server_counters(ms)->refused_no_site,
			  map_server_counters(ms)->registers_received -
				  map_server_counters(ms)->registers_accepted);
	ck_assert_int_eq(state_of("[5]10.5.3.0/24"), ETR_REG_REGISTERED);
	/* Retried once per interval, not with every retransmission. */
	ck_assert_uint_le(map_server_counters(ms)->refused_no_site, 1000 / 60 + 8);
	/* Gone from the database: registered again as a whole. */
	lisp_prefix_parse("[6]10.6.0.0/24", &p, NULL);
	ck_assert_int_eq(etr_db_del(etr, &p), 0);
	run_for(80);
	ck_assert(etr_registered(etr));
	teardown();
}
END_TEST

/* A record added at run time goes alone until accepted, then rides in the
 * batches: one Map-Register an interval for the whole database again. */
START_TEST(runtime_record_joins_the_batches)
{
	unsigned int before;

	reg_interval_ms = 100;
	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(30);
	set_mapping("[5]10.5.2.0/24", "192.0.2.1", 1);
	run_for(5);
	ck_assert_uint_eq(last_reg_records, 1);	/* alone */
	ck_assert_int_eq(state_of("[5]10.5.2.0/24"), ETR_REG_REGISTERED);
	before = regs_sent;
	run_for(150);	/* a periodic registration has passed */
	ck_assert_uint_gt(regs_sent, before);
	ck_assert_uint_eq(last_reg_records, 2);	/* both in one Map-Register */
	ck_assert(etr_registered(etr));
	teardown();
}
END_TEST

/* Without Map-Notifies nothing answers: what is sent counts as registered,
 * a runtime record goes in the batches at once. */
START_TEST(without_notifies_sent_is_registered)
{
	no_notify = true;
	start(key, true);
	set_mapping("[5]10.5.1.0/24", "192.0.2.1", 1);
	etr_start(etr);
	run_for(10);
	ck_assert(etr_registered(etr));
	set_mapping("[5]10.5.2.0/24", "192.0.2.1", 1);
	run_for(10);
	ck_assert_int_eq(state_of("[5]10.5.2.0/24"), ETR_REG_REGISTERED);
	ck_assert(etr_registered(etr));
	ck_assert_ptr_nonnull(ms_lookup("[5]10.5.2.0/24"));
	teardown();
}
END_TEST

/* With what the sites accept configured, the ETR refuses an EID up front. */
START_TEST(accepted_eids_refuse_up_front)
{
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 10, .loc_count = 1, .locs = &loc };
	struct lisp_prefix site, p;
	struct lisp_waddr inner;
	struct lisp_addr a;
	struct lisp_err err;

	lisp_prefix_parse("[5]10.5.0.0/16", &site, NULL);
	accepted = &site;
	accepted_count = 1;
	start(key, true);
	lisp_addr_parse("192.0.2.1", &a, NULL);
	lisp_waddr_from_addr(&loc.addr, &a);
	lisp_prefix_parse("[6]10.6.0.0/24", &p, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	rec.mask_len = p.plen;
	ck_assert_int_eq(etr_db_set(etr, &rec, &err), -EACCES);
	ck_assert_ptr_nonnull(strstr(err.msg, "accepted-eids"));
	ck_assert_uint_eq(etr_db_count(etr), 0);
	set_mapping("[5]10.5.9.0/24", "192.0.2.1", 1);
	ck_assert_uint_eq(etr_db_count(etr), 1);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("etr");
	TCase *tc = tcase_create("etr");

	tcase_add_test(tc, registers_and_is_acknowledged);
	tcase_add_test(tc, answers_forwarded_requests_and_probes);
	tcase_add_test(tc, probe_reply_no_larger_than_the_probe);
	tcase_add_test(tc, replies_limited_globally);
	tcase_add_test(tc, each_entry_once_per_reply);
	tcase_add_test(tc, change_and_withdrawal_reach_the_map_server);
	tcase_add_test(tc, crypto_eid_key_first_and_signed_withdrawal);
	tcase_add_test(tc, wrong_key_retries_with_backoff);
	tcase_add_test(tc, startup_one_entry_one_register);
	tcase_add_test(tc, startup_thousand_entries_batched);
	tcase_add_test(tc, runtime_changes_coalesce);
	tcase_add_test(tc, late_notify_is_not_unsolicited);
	tcase_add_test(tc, refused_record_never_takes_the_others_down);
	tcase_add_test(tc, runtime_record_joins_the_batches);
	tcase_add_test(tc, accepted_eids_refuse_up_front);
	tcase_add_test(tc, without_notifies_sent_is_registered);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
