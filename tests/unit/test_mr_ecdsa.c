/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests at the Map-Resolver (controlplane/mr/mr_ecdsa.c,
 * map-resolver.signed-requests; docs/ecdsa.md, docs/security.md): a
 * request signed by a registered crypto-EID is answered and counts as
 * verified; every refusal has its counter and sends nothing: no key, a
 * signer that is not the source, a signature by another key, a replay
 * aimed elsewhere, unsigned under required, malformed, and the
 * verification budget (all signers, and per signer).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>

#include "check_util.h"
#include "clock_util.h"
#include "ecdsa_request.h"
#include "lisp_auth.h"
#include "map_resolver.h"

#define IID 1000
static const char site_key[] = "agents-secret";

static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static struct map_resolver *mr;
static unsigned int nsent, replies;

struct agent {
	EVP_PKEY *key;
	struct ecdsa_eid eid;		/* its crypto-EID in [1000]fd00::/8 */
};

static struct agent alice, bob, carol;	/* carol never registers */

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	nsent++;
	replies += len && msg[0] >> 4 == LISP_MAP_REPLY;
}

static void agent_make(struct agent *a)
{
	struct ecdsa_prefix p;

	ck_assert_int_eq(ecdsa_prefix_parse("fd00::/8", IID, &p, NULL), 0);
	ck_assert_int_eq(ecdsa_key_generate(&a->key, NULL), 0);
	a->eid = (struct ecdsa_eid){ .iid = IID, .af = AF_INET6 };
	ck_assert_int_eq(ecdsa_crypto_eid(&p, a->key, a->eid.addr, NULL), 0);
}

/* The agent's crypto-EID (signed) and hash-EID (its key), as an ETR
 * with ecdsa-key registers them (docs/ecdsa.md). */
static void agent_register(const struct agent *a)
{
	struct ecdsa_sig_record sig = { .has_signature_eid = true, .signature_eid = a->eid };
	struct ecdsa_prefix p;
	char sj[ECDSA_SIG_JSON_MAX], pj[ECDSA_PUBKEY_JSON_MAX], text[ECDSA_EID_TEXT_MAX];
	char name[ECDSA_HASH_EID_MAX];
	struct lisp_locator locs[3] = { { .priority = 1, .weight = 100,
					  .flags = LISP_LOC_F_REACH },
					{ .priority = 255 }, { .priority = 255 } };
	struct lisp_record recs[2] = { { .ttl = 1440, .mask_len = 128, .loc_count = 2,
					 .locs = locs },
				       { .ttl = 1440, .loc_count = 1, .locs = &locs[2] } };
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .nonce = 1, .proxy_reply = true,
				       .alg_id = LISP_AUTH_HMAC_SHA256_128, .record_count = 2,
				       .records = recs };
	struct lisp_prefix eid = { .iid = IID, .plen = 128 }, dn = { .iid = IID };
	struct lisp_waddr in0, in1;
	uint64_t before = map_server_counters(ms)->registers_accepted;
	struct lisp_addr src;
	uint8_t buf[2048];
	ssize_t n;
	int tl;

	ck_assert_int_eq(ecdsa_prefix_parse("fd00::/8", IID, &p, NULL), 0);
	tl = ecdsa_signed_register(&a->eid, text, sizeof(text));
	ck_assert_int_eq(ecdsa_sign(a->key, text, (size_t)tl, sig.sig, NULL), 0);
	ck_assert_int_gt(ecdsa_sig_json_encode(&sig, sj, sizeof(sj), NULL), 0);
	ck_assert_int_gt(ecdsa_pubkey_json_encode(a->key, pj, sizeof(pj), NULL), 0);
	ck_assert_int_gt(ecdsa_hash_eid(&p, a->eid.addr, name, sizeof(name)), 0);
	eid.addr.afi = LISP_AFI_IPV6;
	memcpy(eid.addr.v6, a->eid.addr, 16);
	dn.addr.afi = LISP_AFI_DN;
	dn.addr.dn_len = (uint8_t)strlen(name);
	memcpy(dn.addr.dn, name, dn.addr.dn_len);
	lisp_waddr_from_prefix(&recs[0].eid, &in0, &eid);
	lisp_waddr_from_prefix(&recs[1].eid, &in1, &dn);
	lisp_addr_parse("192.0.2.10", &src, NULL);
	lisp_waddr_from_addr(&locs[0].addr, &src);
	for (int i = 1; i < 3; i++) {
		locs[i].addr.afi = LISP_AFI_LCAF;
		locs[i].addr.lcaf.type = LCAF_TYPE_JSON;
		locs[i].addr.lcaf.json.text = i == 1 ? sj : pj;
		locs[i].addr.lcaf.json.len = (uint16_t)strlen(i == 1 ? sj : pj);
	}
	n = lisp_map_register_encode(&m, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, site_key, strlen(site_key), NULL), 0);
	map_server_input(ms, buf, (size_t)n, &src, 4342);
	ck_assert_uint_eq(map_server_counters(ms)->registers_accepted, before + 1);
	nsent = replies = 0;
}

static void start(uint8_t mode, uint32_t verify_rate, uint32_t per_signer)
{
	struct site_eid se = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .auth = SITE_AUTH_ECDSA,
			  .eids = &se, .eid_count = 1, .crypto_prefix_count = 1 };
	struct ms_params mp;
	struct mr_params rp;

	nsent = replies = 0;
	loop = t_loop_new();
	sites = site_table_new();
	snprintf(s.name, sizeof(s.name), "agents");
	memcpy(s.key, site_key, strlen(site_key));
	s.key_len = strlen(site_key);
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.20.0.0/16", &se.prefix, NULL), 0);
	ck_assert_int_eq(lisp_prefix_parse("[1000]fd00::/8", &s.crypto_prefixes[0], NULL), 0);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
	map_server_params_default(&mp);
	ms = map_server_new(loop, sites, &mp, capture, NULL);
	map_resolver_params_default(&rp);
	rp.ecdsa = (struct mr_ecdsa_params){ .mode = mode, .verify_rate = verify_rate,
					     .verify_burst = verify_rate,
					     .signer_rate = per_signer };
	mr = map_resolver_new(loop, &rp, ms, sites, capture, NULL);
	ck_assert_ptr_nonnull(mr);
	agent_make(&alice);
	agent_make(&bob);
	agent_make(&carol);
	agent_register(&alice);
}

static void setup(void)
{
	start(MR_SIGNED_OPTIONAL, 0, 0);
}

static void setup_required(void)
{
	start(MR_SIGNED_REQUIRED, 0, 0);
}

static void teardown(void)
{
	map_resolver_free(mr);
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
	EVP_PKEY_free(alice.key);
	EVP_PKEY_free(bob.key);
	EVP_PKEY_free(carol.key);
}

/* What a test changes in the next request. */
struct ask {
	const struct agent *key;	/* who signs; NULL: unsigned */
	const struct agent *signer;	/* who signature-eid names (key's when NULL) */
	const struct agent *source;	/* who source-eid names (signer's when NULL) */
	uint64_t nonce;
	const char *itr;		/* ITR-RLOC, 192.0.2.99 when NULL */
	bool garble;			/* a JSON LCAF that is no signature record */
};

/* Sends the request from 192.0.2.99 for [1000]10.20.9.9 (in the site,
 * unregistered: a negative reply); true when a Map-Reply went out. */
static bool ask(const struct ask *q)
{
	struct lisp_request_record rec = { .mask_len = 32 };
	struct lisp_map_request req = { .nonce = q->nonce ? q->nonce : 42, .itr_rloc_count = 1,
					.record_count = 1, .records = &rec };
	struct lisp_ecm ecm = { .ip_version = 4, .ttl = 64, .inner_sport = 61000,
				.inner_dport = LISP_CONTROL_PORT };
	struct ecdsa_request_buf buf;
	struct lisp_waddr itr, inner;
	struct lisp_prefix target;
	struct lisp_addr from;
	uint8_t mreq[1024], out[1200];
	unsigned int before = replies;
	ssize_t n;

	lisp_prefix_parse("[1000]10.20.9.9/32", &target, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &target);
	lisp_addr_parse(q->itr ? q->itr : "192.0.2.99", &ecm.inner_src, NULL);
	lisp_waddr_from_addr(&itr, &ecm.inner_src);
	req.itr_rlocs = &itr;
	if (q->key) {
		const struct agent *signer = q->signer ? q->signer : q->key;
		const struct agent *source = q->source ? q->source : signer;

		ck_assert_int_eq(ecdsa_request_sign(q->key->key, &signer->eid, &source->eid, &req,
						    &buf, NULL), 0);
	}
	if (q->garble) {
		req.source_eid.afi = LISP_AFI_LCAF;
		req.source_eid.lcaf.type = LCAF_TYPE_JSON;
		req.source_eid.lcaf.json.text = "{\"signature\":\"AAAA\"}";
		req.source_eid.lcaf.json.len = 20;
	}
	n = lisp_map_request_encode(&req, mreq, sizeof(mreq), NULL);
	ck_assert_int_gt(n, 0);
	lisp_addr_parse("10.20.9.9", &ecm.inner_dst, NULL);
	ecm.payload = mreq;
	ecm.payload_len = (size_t)n;
	n = lisp_ecm_encode(&ecm, out, sizeof(out), NULL);
	ck_assert_int_gt(n, 0);
	lisp_addr_parse("192.0.2.99", &from, NULL);
	map_resolver_input(mr, out, (size_t)n, &from, 4342);
	return replies > before;
}

static const struct mr_counters *ctr(void)
{
	return map_resolver_counters(mr);
}

START_TEST(signed_by_registered_key_answered_and_verified)
{
	ck_assert(ask(&(struct ask){ .key = &alice }));
	ck_assert_uint_eq(ctr()->requests_authenticated, 1);
	/* Verified by its signer, though 192.0.2.99 registered nothing. */
	ck_assert_uint_eq(ctr()->requests_verified, 1);
	/* Optional: the unsigned one is answered, not verified. */
	ck_assert(ask(&(struct ask){ .nonce = 43 }));
	ck_assert_uint_eq(ctr()->requests_verified, 1);
	ck_assert_uint_eq(ctr()->signed_refused_unsigned, 0);
}
END_TEST

START_TEST(no_key_refused)
{
	ck_assert(!ask(&(struct ask){ .key = &carol }));
	ck_assert_uint_eq(ctr()->signed_refused_no_key, 1);
	ck_assert_uint_eq(ctr()->requests_authenticated, 0);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

/* Bob signs but names Alice: another key than the one her EID hashes. */
START_TEST(another_key_refused)
{
	ck_assert(!ask(&(struct ask){ .key = &bob, .signer = &alice }));
	ck_assert_uint_eq(ctr()->signed_refused_signature, 1);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

/* Alice signs for carol's source EID: a signer speaks for itself only. */
START_TEST(signer_not_source_refused)
{
	ck_assert(!ask(&(struct ask){ .key = &alice, .source = &carol }));
	ck_assert_uint_eq(ctr()->signed_refused_key_mismatch, 1);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

/* A retransmission (same nonce, same ITR-RLOC) is answered; the same
 * signed request aimed at another ITR-RLOC is a replay. */
START_TEST(replay_refused_retransmission_answered)
{
	ck_assert(ask(&(struct ask){ .key = &alice, .nonce = 7 }));
	ck_assert(ask(&(struct ask){ .key = &alice, .nonce = 7 }));
	ck_assert_uint_eq(ctr()->requests_authenticated, 2);
	ck_assert(!ask(&(struct ask){ .key = &alice, .nonce = 7, .itr = "203.0.113.66" }));
	ck_assert_uint_eq(ctr()->signed_refused_replayed, 1);
	ck_assert(ask(&(struct ask){ .key = &alice, .nonce = 8, .itr = "203.0.113.66" }));
}
END_TEST

START_TEST(malformed_refused)
{
	ck_assert(!ask(&(struct ask){ .garble = true }));
	ck_assert_uint_eq(ctr()->signed_refused_malformed, 1);
	ck_assert_uint_eq(nsent, 0);
}
END_TEST

START_TEST(unsigned_refused_when_required)
{
	ck_assert(!ask(&(struct ask){ .nonce = 5 }));
	ck_assert_uint_eq(ctr()->signed_refused_unsigned, 1);
	ck_assert_uint_eq(nsent, 0);
	ck_assert(ask(&(struct ask){ .key = &alice }));
	ck_assert_uint_eq(ctr()->requests_authenticated, 1);
}
END_TEST

/* 3 verifications a second in all: the 4th and 5th wait for the next. */
START_TEST(verify_budget_all_signers)
{
	teardown();
	start(MR_SIGNED_OPTIONAL, 3, 0);
	for (uint64_t i = 1; i <= 5; i++)
		ask(&(struct ask){ .key = &alice, .nonce = 100 + i });
	ck_assert_uint_eq(ctr()->requests_authenticated, 3);
	ck_assert_uint_eq(ctr()->signed_verify_limited, 2);
	/* Forged signatures take from the same budget, before any key. */
	for (uint64_t i = 1; i <= 3; i++)
		ask(&(struct ask){ .key = &bob, .signer = &alice, .nonce = 200 + i });
	ck_assert_uint_eq(ctr()->signed_verify_limited, 5);
	ck_assert_uint_eq(ctr()->signed_refused_signature, 0);
	t_clock_advance_us(1000000);
	evloop_run_once(loop, 0);	/* the loop reads the clock */
	ck_assert(ask(&(struct ask){ .key = &alice, .nonce = 300 }));
}
END_TEST

/* 2 a second per signer (burst 4): a flood naming Alice spends hers, and
 * Bob, registered too, is still verified. */
START_TEST(verify_budget_per_signer)
{
	teardown();
	start(MR_SIGNED_OPTIONAL, 0, 2);
	agent_register(&bob);
	for (uint64_t i = 1; i <= 6; i++)
		ask(&(struct ask){ .key = &bob, .signer = &alice, .nonce = 400 + i });
	ck_assert_uint_eq(ctr()->signed_refused_signature, 4);
	ck_assert_uint_eq(ctr()->signed_verify_limited, 2);
	ck_assert(!ask(&(struct ask){ .key = &alice, .nonce = 500 }));
	ck_assert_uint_eq(ctr()->signed_verify_limited, 3);
	ck_assert(ask(&(struct ask){ .key = &bob, .nonce = 501 }));
	ck_assert_uint_eq(ctr()->requests_authenticated, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mr_ecdsa");
	TCase *tc = tcase_create("signed");
	TCase *req = tcase_create("required");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, signed_by_registered_key_answered_and_verified);
	tcase_add_test(tc, no_key_refused);
	tcase_add_test(tc, another_key_refused);
	tcase_add_test(tc, signer_not_source_refused);
	tcase_add_test(tc, replay_refused_retransmission_answered);
	tcase_add_test(tc, malformed_refused);
	tcase_add_test(tc, verify_budget_all_signers);
	tcase_add_test(tc, verify_budget_per_signer);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(req, setup_required, teardown);
	tcase_add_test(req, unsigned_refused_when_required);
	suite_add_tcase(s, req);
	return run_suite(s);
}
