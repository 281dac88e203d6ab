/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Resolver with a co-located Map-Server: proxy replies, forwarding to
 * the ETR's registered RLOC (never to the Map-Register's source or to this
 * process), both kinds of negative reply and their prefixes (inside a site:
 * never covering a registered more-specific), Instance-ID isolation, rate
 * limiting, a Map-Request we did not encode; and a Map-Resolver alone,
 * forwarding to the Map-Servers it is configured with.
 */
#include <errno.h>

#include "check_util.h"
#include "clock_util.h"
#include "golden_msgs.h"
#include "lisp_auth.h"
#include "map_resolver.h"
#include "pubsub.h"

#include "map_resolver_fixture.h"

START_TEST(proxy_reply)
{
	struct lisp_map_reply *r;

	do_register("[1]10.1.2.0/24", "192.0.2.1", true);
	r = ask("[1]10.1.2.3/32");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 1);
	ck_assert(!r->records[0].authoritative);
	ck_assert_str_eq(record_eid(&r->records[0]), "[1]10.1.2.0/24");
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_proxy, 1);
}
END_TEST

/* The ECM that was sent: the request as built, one hop further. */
static void assert_forwarded(const struct sent *out, const uint8_t *ecm, size_t len,
			     const char *dst)
{
	struct lisp_ecm in, fwd;
	struct lisp_addr want;

	lisp_addr_parse(dst, &want, NULL);
	ck_assert(lisp_addr_equal(&out->dst, &want));
	ck_assert_uint_eq(out->port, LISP_CONTROL_PORT);
	ck_assert_int_eq(lisp_ecm_decode(ecm, len, &in, NULL), 0);
	ck_assert_int_eq(lisp_ecm_decode(out->msg, out->len, &fwd, NULL), 0);
	ck_assert_uint_eq(fwd.ttl, in.ttl - 1);
	ck_assert_uint_eq(fwd.inner_sport, in.inner_sport);
	ck_assert(lisp_addr_equal(&fwd.inner_src, &in.inner_src));
	ck_assert_bytes_eq(fwd.payload, fwd.payload_len, in.payload, in.payload_len);
}

START_TEST(forward_to_etr)
{
	uint8_t buf[512];
	struct lisp_addr src;
	size_t n;

	/* Registered through a relay (NAT, another process): the request goes
	 * to the RLOC the ETR registered, not to where the register came from. */
	do_register_from("[1]10.1.2.0/24", "192.0.2.1", "203.0.113.7", false, 0, 1);
	n = build_ecm("[1]10.1.2.3/32", buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 1);
	assert_forwarded(&sent[0], buf, n, "192.0.2.1");
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_forwarded, 1);
	/* An RLOC with attributes (JSON LCAF): forwarded to the RLOC inside. */
	reg_attrs = "{\"gpu\": \"H100\"}";
	do_register_from("[1]10.1.3.0/24", "192.0.2.3", "203.0.113.7", false, 0, 2);
	reg_attrs = NULL;
	n = build_ecm("[1]10.1.3.3/32", buf, sizeof(buf));
	map_resolver_input(mr, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 1);
	assert_forwarded(&sent[0], buf, n, "192.0.2.3");
	ck_assert_uint_eq(map_resolver_counters(mr)->forward_no_rloc, 0);
}
END_TEST

START_TEST(negative_replies)
{
	struct lisp_map_reply *r;

	/* Not an EID: least-specific prefix around it holding no EID space. */
	r = ask("[1]192.168.1.1/32");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->records[0].loc_count, 0);
	ck_assert_uint_eq(r->records[0].action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(r->records[0].ttl, 15);
	ck_assert_str_eq(record_eid(&r->records[0]), "[1]128.0.0.0/1");
	r = ask("[1]10.2.0.1/32");
	ck_assert_str_eq(record_eid(&r->records[0]), "[1]10.2.0.0/15");
	r = ask("[0]11.0.0.1/32");
	ck_assert_str_eq(record_eid(&r->records[0]), "[0]11.0.0.0/8");
	/* A configured EID nobody registered: ask again soon. */
	r = ask("[1]10.1.9.9/32");
	ck_assert_uint_eq(r->records[0].action, LISP_ACT_SEND_MAP_REQUEST);
	ck_assert_uint_eq(r->records[0].ttl, 1);
	ck_assert_str_eq(record_eid(&r->records[0]), "[1]10.1.0.0/16");
}
END_TEST

START_TEST(instance_ids_never_mix)
{
	struct lisp_map_reply *r;

	do_register("[1]10.1.2.0/24", "192.0.2.1", true);
	r = ask("[2]10.1.2.3/32");
	ck_assert_uint_eq(r->records[0].loc_count, 0);
	ck_assert_uint_eq(r->records[0].action, LISP_ACT_SEND_MAP_REQUEST);
	ck_assert_str_eq(record_eid(&r->records[0]), "[2]10.1.0.0/16");
}
END_TEST

START_TEST(independently_built_ecm)
{
	struct lisp_map_reply r;
	struct lisp_addr src;

	/* golden_ecm_v4 (gen_golden.py): Map-Request for [0]10.1.2.0/24 from
	 * ITR-RLOC 192.0.2.1, inner source port 49152, with the D bit: the
	 * Map-Reply, then an MS-ACK Map-Referral to the sender (test_ms_ddt.c). */
	do_register("[0]10.1.2.0/24", "198.51.100.1", true);
	lisp_addr_parse("10.0.0.1", &src, NULL);
	map_resolver_input(mr, golden_ecm_v4, sizeof(golden_ecm_v4), &src, 4342);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(sent[1].msg[0] >> 4, LISP_MAP_REFERRAL);
	ck_assert_uint_eq(sent[0].port, 49152);
	ck_assert_int_eq(lisp_map_reply_decode(sent[0].msg, sent[0].len, &arena, &r, NULL), 0);
	ck_assert_uint_eq(r.nonce, 0x0102030405060708ull);
	ck_assert_uint_eq(r.records[0].loc_count, 1);
}
END_TEST

START_TEST(malformed_counted)
{
	uint8_t buf[sizeof(golden_ecm_v4)];
	struct lisp_addr src;

	lisp_addr_parse("10.0.0.1", &src, NULL);
	memcpy(buf, golden_ecm_v4, sizeof(buf));
	map_resolver_input(mr, buf, sizeof(buf) - 3, &src, 4342);
	map_resolver_input(mr, golden_map_request, sizeof(golden_map_request), &src, 4342);
	ck_assert_uint_eq(map_resolver_counters(mr)->request_decode_errors, 2);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

START_TEST(rate_limited)
{
	uint8_t buf[512];
	struct lisp_addr src, other;
	size_t n;

	teardown();
	setup_with_rate(5);
	n = build_ecm("[1]192.168.1.1/32", buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	lisp_addr_parse("192.0.2.100", &other, NULL);
	for (int i = 0; i < 20; i++)
		map_resolver_input(mr, buf, n, &src, 4342);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_rate_limited, 15);
	ck_assert_uint_eq(nsent, 5);
	/* Another source has its own budget. */
	map_resolver_input(mr, buf, n, &other, 4342);
	ck_assert_uint_eq(nsent, 6);
}
END_TEST

/* Record Count in a forwarded ECM (4-byte header, IPv4, UDP: RFC 9301, 5.8). */
static unsigned int forwarded_records(const struct sent *out)
{
	ck_assert_uint_gt(out->len, 4 + 20 + 8 + 4);
	return out->msg[4 + 20 + 8 + 3];
}

/* Issue 13: a 4-record ECM was forwarded whole once per forwarded record.
 * Now one ECM a next hop with its records, at most next_hops of them. */
START_TEST(records_forwarded_once_per_next_hop)
{
	static const char *const eids[] = { "[1]10.1.2.1/32", "[1]10.1.2.2/32",
					    "[1]10.1.3.3/32", "[1]10.1.9.9/32" };
	struct lisp_addr src;
	uint8_t buf[512];
	size_t n;

	lisp_addr_parse("192.0.2.99", &src, NULL);
	do_register("[1]10.1.2.0/24", "192.0.2.1", false);
	do_register_xtr("[1]10.1.3.0/24", "192.0.2.3", false, 0, 2);
	n = build_ecm_records(eids, 4, 0, buf, sizeof(buf));
	map_resolver_input(mr, buf, n, &src, 4342);
	/* The unregistered EID answered here; the first hop gets its two. */
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(sent[0].msg[0] >> 4, LISP_MAP_REPLY);
	ck_assert_uint_eq(sent[0].msg[3], 1);
	ck_assert_uint_eq(sent[1].dst.v4[3], 1);	/* 192.0.2.1 */
	ck_assert_uint_eq(forwarded_records(&sent[1]), 2);
	ck_assert_uint_lt(sent[1].len, n);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_forwarded, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->forward_records_dropped, 1);
	teardown();	/* two next hops: one ECM each, at most 2x the bytes in */
	next_hops = 2;
	setup_with_rate(0);
	do_register("[1]10.1.2.0/24", "192.0.2.1", false);
	do_register_xtr("[1]10.1.3.0/24", "192.0.2.3", false, 0, 2);
	map_resolver_input(mr, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_uint_eq(forwarded_records(&sent[1]) + forwarded_records(&sent[2]), 3);
	ck_assert_uint_le(sent[1].len + sent[2].len, 2 * n);
	ck_assert_uint_eq(map_resolver_counters(mr)->forward_records_dropped, 0);
}
END_TEST

/* 100 requests from 100 (spoofed) sources get the global bucket's 10. */
START_TEST(global_limit_holds_for_spoofed_sources)
{
	uint8_t buf[512];
	size_t n;

	teardown();
	global_rate = 10;
	setup_with_rate(5);
	n = build_ecm("[1]192.168.1.1/32", buf, sizeof(buf));
	for (unsigned int i = 0; i < 100; i++)
		map_resolver_input(mr, buf, n, &(struct lisp_addr){ .afi = LISP_AFI_IPV4,
				   .v4 = { 198, 18, 0, (uint8_t)i } }, 4342);
	ck_assert_uint_eq(nsent, 10);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_global_limited, 90);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_rate_limited, 0);
	/* A second later: as many again, no more. */
	t_clock_advance_us(1000000);
	evloop_now_update(loop);
	for (unsigned int i = 0; i < 100; i++)
		map_resolver_input(mr, buf, n, &(struct lisp_addr){ .afi = LISP_AFI_IPV4,
				   .v4 = { 198, 19, 0, (uint8_t)i } }, 4342);
	ck_assert_uint_eq(nsent, 20);
}
END_TEST

START_TEST(subscription_notified_on_change)
{
	struct lisp_map_register n;
	struct lisp_addr src;
	uint8_t buf[512];
	size_t len;

	/* xTR 0x42 registers (so it has a security association), then its
	 * ITR subscribes to the EID another xTR registers. */
	do_register_xtr("[1]10.1.7.0/24", "192.0.2.7", true, 0x42, 1);
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", true, 0x11, 1);
	len = build_ecm_sub("[1]10.1.2.3/32", 0x42, buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, len, &src, 4342);
	ck_assert_uint_eq(pubsub_count(ps), 1);
	/* The Map-Reply, then the confirming Map-Notify to ITR-RLOC:4342. */
	ck_assert_uint_eq(nsent, 2);
	ck_assert_uint_eq(sent[1].port, LISP_CONTROL_PORT);
	ck_assert_int_eq(lisp_map_register_decode(sent[1].msg, sent[1].len, &arena, &n, NULL), 0);
	ck_assert_uint_eq(n.type, LISP_MAP_NOTIFY);
	ck_assert_uint_eq(n.nonce, 0xabcdef + 1);
	ck_assert_int_eq(lisp_auth_verify(sent[1].msg, sent[1].len, key, strlen(key), NULL), 0);
	/* The EID moves to another RLOC: the subscriber hears at once. */
	nsent = 0;
	do_register_xtr("[1]10.1.2.0/24", "203.0.113.1", true, 0x12, 1);
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 2);
	ck_assert_uint_eq(n.record_count, 1);
	/* An xTR with no registration cannot subscribe. */
	len = build_ecm_sub("[1]10.1.2.3/32", 0x99, buf, sizeof(buf));
	map_resolver_input(mr, buf, len, &src, 4342);
	ck_assert_uint_eq(pubsub_counters(ps)->subscribe_refused, 1);
}
END_TEST

/* The sites as setup_with_rate() makes them, keyed k, without one name. */
static struct site_table *sites_keyed(const char *k, const char *without)
{
	static const char *const names[] = { "one", "two", "zero", "six-one", "six-zero" };
	static const char *const prefixes[] = { "[1]10.1.0.0/16", "[2]10.1.0.0/16",
						"[0]10.0.0.0/8", "[1]2001:db8::/32",
						"[0]2001:db8::/32" };
	struct site_table *t = site_table_new();

	for (size_t i = 0; i < 5; i++) {
		struct site_eid eid = { .accept_more_specifics = true };
		struct site st = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = &eid,
				   .eid_count = 1 };

		if (without && !strcmp(names[i], without))
			continue;
		snprintf(st.name, sizeof(st.name), "%s", names[i]);
		memcpy(st.key, k, strlen(k));
		st.key_len = strlen(k);
		lisp_prefix_parse(prefixes[i], &eid.prefix, NULL);
		ck_assert_int_eq(site_table_add(t, &st), 0);
	}
	return t;
}

/* What a reload does: the Map-Server takes the new sites, the old ones are
 * freed, and the Map-Resolver is made anew with them. */
static void swap_sites(struct site_table *next)
{
	struct mr_params rp;

	map_server_set_sites(ms, next);
	site_table_free(sites);
	sites = next;
	map_resolver_free(mr);
	map_resolver_params_default(&rp);
	mr = map_resolver_new(loop, &rp, ms, sites, capture, NULL);
	ck_assert_ptr_nonnull(mr);
	map_resolver_set_pubsub(mr, ps);
}

/* A reload swaps the sites and frees the old ones: a subscription keeps
 * working with the new site (its key signs the notify; before, the freed
 * site's), and when its site is gone the notify is not sent, counted. */
START_TEST(subscription_survives_reload)
{
	struct lisp_addr src;
	uint8_t buf[512];
	size_t len;

	do_register_xtr("[1]10.1.7.0/24", "192.0.2.7", true, 0x42, 1);
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", true, 0x11, 1);
	len = build_ecm_sub("[1]10.1.2.3/32", 0x42, buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, len, &src, 4342);
	ck_assert_uint_eq(pubsub_count(ps), 1);
	swap_sites(sites_keyed("other-key", NULL));
	/* The registration expires: the subscriber hears, signed anew. */
	nsent = 0;
	t_clock_advance_us(181ull * 1000000);
	t_settle(loop, NULL);
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 2);
	ck_assert_uint_ge(nsent, 1);
	ck_assert_int_eq(lisp_auth_verify(sent[nsent - 1].msg, sent[nsent - 1].len, "other-key",
					  9, NULL), 0);
	/* The first key back, the EID registered again: heard.  Then its site
	 * goes in a reload, and the mapping with it: nobody to sign for. */
	swap_sites(sites_keyed(key, NULL));
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", true, 0x11, 2);
	ck_assert_uint_eq(pubsub_count(ps), 1);
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 3);
	swap_sites(sites_keyed(key, "one"));
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 3);
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_no_site, 1);
}
END_TEST

/* A subscriber of a /24 hears of a /32 registered inside it (an agent
 * that moved to another xTR), with the /32's own record. */
START_TEST(more_specific_reaches_covering_subscriber)
{
	struct lisp_map_register n;
	struct lisp_prefix p;
	struct lisp_addr src;
	uint8_t buf[512];
	size_t len;

	do_register_xtr("[1]10.1.7.0/24", "192.0.2.7", true, 0x42, 1);
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", true, 0x11, 1);
	len = build_ecm_sub("[1]10.1.2.3/32", 0x42, buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, len, &src, 4342);
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 1);
	nsent = 0;
	keep_sent = true;
	do_register_xtr("[1]10.1.2.20/32", "203.0.113.3", true, 0x13, 1);
	keep_sent = false;
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 2);
	ck_assert_uint_ge(nsent, 1);
	ck_assert_int_eq(lisp_map_register_decode(sent[nsent - 1].msg, sent[nsent - 1].len, &arena,
						  &n, NULL), 0);
	ck_assert_uint_eq(n.type, LISP_MAP_NOTIFY);
	ck_assert_uint_eq(n.record_count, 1);
	ck_assert_int_eq(lisp_waddr_to_prefix(&n.records[0].eid, n.records[0].mask_len, &p, NULL),
			 0);
	ck_assert_uint_eq(p.plen, 32);
	/* Another /24's subscriber-less change notifies nobody. */
	do_register_xtr("[1]10.1.9.0/24", "203.0.113.9", true, 0x14, 1);
	ck_assert_uint_eq(pubsub_counters(ps)->notifications_sent, 2);
}
END_TEST

/* An ITR proxy-replied the /24 (no subscription) gets an SMR for a /32
 * registered inside it, and for a change of the /24 itself; a change
 * elsewhere SMRs nobody. */
START_TEST(proxy_replied_itrs_get_smrs)
{
	struct lisp_map_request req;
	struct lisp_prefix p, want;
	struct lisp_addr src, itr;
	uint8_t buf[512];
	size_t len;

	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", true, 0x11, 1);
	len = build_ecm("[1]10.1.2.3/32", buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, len, &src, 4342);
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_proxy, 1);
	nsent = 0;
	keep_sent = true;
	do_register_xtr("[1]10.1.2.20/32", "203.0.113.3", true, 0x13, 1);
	keep_sent = false;
	ck_assert_uint_eq(map_resolver_counters(mr)->smr_sent, 1);
	ck_assert_uint_ge(nsent, 1);
	lisp_addr_parse("192.0.2.99", &itr, NULL);
	ck_assert(lisp_addr_equal(&sent[nsent - 1].dst, &itr));
	ck_assert_uint_eq(sent[nsent - 1].port, LISP_CONTROL_PORT);
	lisp_arena_reset(&arena);
	ck_assert_int_eq(lisp_map_request_decode(sent[nsent - 1].msg, sent[nsent - 1].len, &arena,
						 &req, NULL), 0);
	ck_assert(req.smr);
	ck_assert_uint_eq(req.record_count, 1);
	ck_assert_int_eq(lisp_waddr_to_prefix(&req.records[0].eid, req.records[0].mask_len, &p,
					      NULL), 0);
	lisp_prefix_parse("[1]10.1.2.20/32", &want, NULL);
	ck_assert(lisp_prefix_equal(&p, &want));
	/* The /24's own RLOC changes: SMR again; another prefix: nobody. */
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.2", true, 0x11, 2);
	ck_assert_uint_eq(map_resolver_counters(mr)->smr_sent, 2);
	do_register_xtr("[1]10.1.9.0/24", "192.0.2.9", true, 0x19, 1);
	ck_assert_uint_eq(map_resolver_counters(mr)->smr_sent, 2);
}
END_TEST

/* RFC 9301, 8.1: inside a site, the negative prefix is the least-specific
 * one around the EID that covers no registration, never the whole site. */
START_TEST(negative_in_site_spares_registered)
{
	static const struct {
		const char *reg[2], *ask, *want;
	} cases[] = {
		{ { "[1]10.1.1.0/24", "[1]10.1.2.0/24" }, "[1]10.1.77.1/32", "[1]10.1.64.0/18" },
		{ { "[0]10.200.1.0/24", "[0]10.200.2.0/24" }, "[0]10.200.77.1/32",
		  "[0]10.200.64.0/18" },
		{ { "[0]10.200.1.0/24", NULL }, "[0]10.5.0.1/32", "[0]10.0.0.0/9" },
		{ { "[1]2001:db8:1::/48", NULL }, "[1]2001:db8:ff::1/128", "[1]2001:db8:80::/41" },
		{ { "[0]2001:db8:1::/48", "[0]2001:db8:2::/48" }, "[0]2001:db8:3:8000::1/128",
		  "[0]2001:db8:3::/48" },
		/* Nothing registered near: clamped to the site's own prefix. */
		{ { "[1]2001:db8:1::/48", NULL }, "[2]10.1.7.7/32", "[2]10.1.0.0/16" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lisp_map_reply *r;

		for (size_t j = 0; j < 2 && cases[i].reg[j]; j++)
			do_register_xtr(cases[i].reg[j], "192.0.2.1", true, 0, i * 2 + j + 1);
		r = ask(cases[i].ask);
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(r->records[0].loc_count == 0, "case %zu", i);
		ck_assert_uint_eq(r->records[0].action, LISP_ACT_SEND_MAP_REQUEST);
		ck_assert_uint_eq(r->records[0].ttl, 1);
		ck_assert_str_eq(record_eid(&r->records[0]), cases[i].want);
	}
	/* The registered /24s stay answered, and outside the negative. */
	ck_assert_uint_eq(ask("[1]10.1.2.3/32")->records[0].loc_count, 1);
}
END_TEST

START_TEST(forward_hop_limit)
{
	uint8_t buf[512];
	struct lisp_addr src;
	size_t n;

	do_register("[1]10.1.2.0/24", "192.0.2.1", false);
	ecm_ttl = 1;
	n = build_ecm("[1]10.1.2.3/32", buf, sizeof(buf));
	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(map_resolver_counters(mr)->forward_hop_limit, 1);
}
END_TEST

static unsigned int local_inputs;
static uint8_t local_ttl;

static bool self_xtr(void *arg, const struct reg_who *who)
{
	(void)arg;
	return who->has_xtr_id && who->xtr_id[0] == 0x77;
}

static bool self_addr(void *arg, const struct lisp_addr *a)
{
	struct lisp_addr mine;

	(void)arg;
	lisp_addr_parse("192.0.2.250", &mine, NULL);
	return lisp_addr_equal(a, &mine);
}

static bool etr_serves(void *arg, const struct lisp_prefix *eid)
{
	struct lisp_prefix db;

	(void)arg;
	lisp_prefix_parse("[1]10.1.200.0/24", &db, NULL);
	return lisp_prefix_covers(&db, eid);
}

static void etr_input_capture(void *arg, const uint8_t *ecm, size_t len)
{
	struct lisp_ecm e;

	(void)arg;
	ck_assert_int_eq(lisp_ecm_decode(ecm, len, &e, NULL), 0);
	local_ttl = e.ttl;
	local_inputs++;
}

static void ask_quiet(const char *eid)
{
	uint8_t buf[512];
	struct lisp_addr src;
	size_t n = build_ecm(eid, buf, sizeof(buf));

	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, n, &src, 4342);
}

/* Map-Server, Map-Resolver and ETR in one process: a request for the ETR's
 * EID reaches it once, directly, and nothing goes out to ourselves. */
START_TEST(co_located_etr_called_directly)
{
	const struct mr_local local = { .is_self = self_xtr, .is_self_addr = self_addr,
					.etr_serves = etr_serves,
					.etr_input = etr_input_capture };

	map_resolver_set_local(mr, &local);
	local_inputs = 0;
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", false, 0x77, 1);
	ask_quiet("[1]10.1.2.3/32");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(local_inputs, 1);
	ck_assert_uint_eq(local_ttl, 63);
	/* Registered by another xTR whose RLOC is one of our addresses. */
	do_register_xtr("[1]10.1.3.0/24", "192.0.2.250", false, 0x12, 1);
	ask_quiet("[1]10.1.3.3/32");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(map_resolver_counters(mr)->forward_to_self, 1);
	/* Not registered at all, but in the ETR's database. */
	ask_quiet("[1]10.1.200.9/32");
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(local_inputs, 2);
	ck_assert_uint_eq(map_resolver_counters(mr)->requests_local_etr, 2);
}
END_TEST

/* A Map-Resolver without a Map-Server: the ECM goes to the Map-Server of
 * the longest configured prefix of the EID's Instance-ID; negative replies
 * only outside every configured prefix. */
START_TEST(standalone_forwards_to_map_servers)
{
	struct site_table *none = site_table_new();
	struct map_resolver *alone;
	struct lisp_prefix p;
	struct lisp_addr a, b, src;
	struct lisp_map_reply r;
	uint8_t buf[512];
	size_t n;

	alone = map_resolver_new(loop, &(struct mr_params){ .negative_ttl_min = 15 }, NULL, none,
				 capture, NULL);
	ck_assert_ptr_nonnull(alone);
	lisp_addr_parse("198.51.100.1", &a, NULL);
	lisp_addr_parse("198.51.100.2", &b, NULL);
	lisp_prefix_parse("[1]10.1.0.0/16", &p, NULL);
	ck_assert_int_eq(map_resolver_add_delegation(alone, &p, &a, 4342), 0);
	lisp_prefix_parse("[1]10.1.5.0/24", &p, NULL);
	ck_assert_int_eq(map_resolver_add_delegation(alone, &p, &b, 4342), 0);
	lisp_addr_parse("192.0.2.99", &src, NULL);

	n = build_ecm("[1]10.1.5.1/32", buf, sizeof(buf));
	map_resolver_input(alone, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 1);
	assert_forwarded(&sent[0], buf, n, "198.51.100.2");
	n = build_ecm("[1]10.1.6.1/32", buf, sizeof(buf));
	map_resolver_input(alone, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 2);
	assert_forwarded(&sent[1], buf, n, "198.51.100.1");
	ck_assert_uint_eq(map_resolver_counters(alone)->requests_forwarded_ms, 2);

	/* Outside: natively forward, for a prefix clear of the delegations. */
	n = build_ecm("[1]10.3.0.1/32", buf, sizeof(buf));
	map_resolver_input(alone, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_int_eq(lisp_map_reply_decode(sent[2].msg, sent[2].len, &arena, &r, NULL), 0);
	ck_assert_uint_eq(r.records[0].action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_str_eq(record_eid(&r.records[0]), "[1]10.2.0.0/15");
	/* Another Instance-ID is not delegated at all. */
	n = build_ecm("[2]10.1.5.1/32", buf, sizeof(buf));
	map_resolver_input(alone, buf, n, &src, 4342);
	ck_assert_uint_eq(nsent, 4);
	ck_assert_int_eq(lisp_map_reply_decode(sent[3].msg, sent[3].len, &arena, &r, NULL), 0);
	ck_assert_str_eq(record_eid(&r.records[0]), "[2]0.0.0.0/0");
	map_resolver_free(alone);
	site_table_free(none);
}
END_TEST

static void subscribe(const char *eid, uint8_t xtr)
{
	struct lisp_addr src;
	uint8_t buf[512];
	size_t len = build_ecm_sub(eid, xtr, buf, sizeof(buf));

	lisp_addr_parse("192.0.2.99", &src, NULL);
	map_resolver_input(mr, buf, len, &src, 4342);
	nsent = 0;
}

/* Subscriptions are capped per xTR and in all: a new one beyond is
 * refused and counted, a renewal is not; one not renewed within its
 * lifetime is forgotten when room is needed (docs/security.md). */
START_TEST(subscriptions_capped_and_expire)
{
	const struct pubsub_counters *c = pubsub_counters(ps);

	pubsub_set_limits(ps, &(struct pubsub_limits){ .max_subscriptions = 3, .max_per_xtr = 2,
						       .lifetime_ms = 1000 });
	do_register_xtr("[1]10.1.7.0/24", "192.0.2.7", true, 0x42, 1);
	do_register_xtr("[1]10.1.8.0/24", "192.0.2.8", true, 0x43, 1);
	subscribe("[1]10.1.3.1/32", 0x42);
	subscribe("[1]10.1.3.2/32", 0x42);
	subscribe("[1]10.1.3.3/32", 0x42);	/* a third for xTR 0x42 */
	ck_assert_uint_eq(c->subscribe_limited, 1);
	subscribe("[1]10.1.3.1/32", 0x42);	/* a renewal */
	subscribe("[1]10.1.4.1/32", 0x43);
	subscribe("[1]10.1.4.2/32", 0x43);	/* a fourth in all */
	ck_assert_uint_eq(c->subscribe_limited, 2);
	ck_assert_uint_eq(pubsub_count(ps), 3);
	t_run_for(loop, 1500, NULL);
	subscribe("[1]10.1.4.2/32", 0x43);	/* the old ones make room */
	ck_assert_uint_eq(c->subscribe_limited, 2);
	ck_assert_uint_eq(c->subscriptions_dropped, 3);
	ck_assert_uint_eq(pubsub_count(ps), 1);
}
END_TEST

/* The ITRs kept for SMR are whoever an ITR-RLOC names (spoofable): at
 * most smr_requesters in all; beyond, a reply goes untracked and counted,
 * and those kept still get their SMR. */
START_TEST(smr_requesters_capped)
{
	struct mr_params rp;
	struct lisp_addr src;
	char itr[32];
	uint8_t buf[512];

	map_resolver_free(mr);
	map_resolver_params_default(&rp);
	rp.rate = 0;
	rp.smr_requesters = 8;
	mr = map_resolver_new(loop, &rp, ms, sites, capture, NULL);
	map_resolver_set_pubsub(mr, ps);
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.1", true, 0x11, 1);
	lisp_addr_parse("192.0.2.99", &src, NULL);
	for (int i = 1; i <= 20; i++) {
		size_t len;

		snprintf(itr, sizeof(itr), "198.18.0.%d", i);
		ecm_itr = itr;
		len = build_ecm("[1]10.1.2.3/32", buf, sizeof(buf));
		map_resolver_input(mr, buf, len, &src, 4342);
		nsent = 0;
	}
	ck_assert_uint_eq(map_resolver_counters(mr)->replies_proxy, 20);
	ck_assert_uint_eq(map_resolver_counters(mr)->smr_untracked, 12);
	do_register_xtr("[1]10.1.2.0/24", "192.0.2.2", true, 0x11, 2);
	ck_assert_uint_eq(map_resolver_counters(mr)->smr_sent, 8);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("map_resolver");
	TCase *tc = tcase_create("resolve");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, proxy_reply);
	tcase_add_test(tc, forward_to_etr);
	tcase_add_test(tc, negative_replies);
	tcase_add_test(tc, instance_ids_never_mix);
	tcase_add_test(tc, independently_built_ecm);
	tcase_add_test(tc, malformed_counted);
	tcase_add_test(tc, rate_limited);
	tcase_add_test(tc, records_forwarded_once_per_next_hop);
	tcase_add_test(tc, global_limit_holds_for_spoofed_sources);
	tcase_add_test(tc, subscription_notified_on_change);
	tcase_add_test(tc, subscription_survives_reload);
	tcase_add_test(tc, subscriptions_capped_and_expire);
	tcase_add_test(tc, smr_requesters_capped);
	tcase_add_test(tc, more_specific_reaches_covering_subscriber);
	tcase_add_test(tc, proxy_replied_itrs_get_smrs);
	tcase_add_test(tc, negative_in_site_spares_registered);
	tcase_add_test(tc, forward_hop_limit);
	tcase_add_test(tc, co_located_etr_called_directly);
	tcase_add_test(tc, standalone_forwards_to_map_servers);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
