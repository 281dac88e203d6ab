/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA-signed registrations at the Map-Server (ms_ecdsa.c,
 * docs/ecdsa.md): a crypto-EID registers only with a signature by the key
 * it is the hash of, the key published under its hash-EID; every forgery
 * is refused whole with its own counter and nothing is stored.  One
 * registration is built from python3-cryptography's records
 * (golden_ecdsa.h), the others from keys made here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>

#include "check_util.h"
#include "clock_util.h"
#include "ecdsa_eid.h"
#include "golden_ecdsa.h"
#include "lisp_auth.h"
#include "map_server.h"

#define IID 1000
static const char site_key[] = "agents-secret";

static struct evloop *loop;
static struct site_table *sites;
static struct map_server *ms;
static unsigned int nsent;

/* A key pair, its crypto-EID in [1000]fd00::/8 and both JSON records. */
struct agent {
	EVP_PKEY *key;
	uint8_t eid[16];
	char eid_prefix[96];		/* "[1000]fd..:../128" */
	char hash_eid[96];		/* "[1000]dn:hash-..." */
	char pub_json[ECDSA_PUBKEY_JSON_MAX + 1];
	char sig_json[ECDSA_SIG_JSON_MAX + 1];	/* signs its own EID */
};

static struct agent alice, bob;

static void capture(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		    size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	(void)msg;
	(void)len;
	nsent++;
}

static void crypto_prefix(struct ecdsa_prefix *p)
{
	ck_assert_int_eq(ecdsa_prefix_parse("fd00::/8", IID, p, NULL), 0);
}

/* signer signs "[1000]EID of whom" into a signature record. */
static void sign_for(const struct agent *signer, const uint8_t eid[16], bool with_signer_eid,
		     char *out, size_t cap)
{
	struct ecdsa_sig_record rec = { .has_signature_eid = with_signer_eid };
	char text[ECDSA_EID_TEXT_MAX];
	int n;

	rec.signature_eid = (struct ecdsa_eid){ .iid = IID, .af = AF_INET6 };
	memcpy(rec.signature_eid.addr, eid, 16);
	n = ecdsa_signed_register(&rec.signature_eid, text, sizeof(text));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(ecdsa_sign(signer->key, text, (size_t)n, rec.sig, NULL), 0);
	ck_assert_int_gt(ecdsa_sig_json_encode(&rec, out, cap, NULL), 0);
}

static void agent_make(struct agent *a)
{
	struct ecdsa_prefix p;
	char addr[64], name[ECDSA_HASH_EID_MAX];

	crypto_prefix(&p);
	ck_assert_int_eq(ecdsa_key_generate(&a->key, NULL), 0);
	ck_assert_int_eq(ecdsa_crypto_eid(&p, a->key, a->eid, NULL), 0);
	inet_ntop(AF_INET6, a->eid, addr, sizeof(addr));
	snprintf(a->eid_prefix, sizeof(a->eid_prefix), "[%d]%s/128", IID, addr);
	ck_assert_int_gt(ecdsa_hash_eid(&p, a->eid, name, sizeof(name)), 0);
	snprintf(a->hash_eid, sizeof(a->hash_eid), "[%d]dn:%s", IID, name);
	ck_assert_int_gt(ecdsa_pubkey_json_encode(a->key, a->pub_json, sizeof(a->pub_json), NULL),
			 0);
	sign_for(a, a->eid, true, a->sig_json, sizeof(a->sig_json));
}

static void add_site(enum site_auth auth)
{
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .auth = (uint8_t)auth,
			  .eids = &eid, .eid_count = 1, .crypto_prefix_count = 1 };

	snprintf(s.name, sizeof(s.name), "agents");
	memcpy(s.key, site_key, strlen(site_key));
	s.key_len = strlen(site_key);
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.20.0.0/16", &eid.prefix, NULL), 0);
	ck_assert_int_eq(lisp_prefix_parse("[1000]fd00::/8", &s.crypto_prefixes[0], NULL), 0);
	ck_assert_int_eq(site_table_add(sites, &s), 0);
}

static void start(enum site_auth auth, uint32_t cache_slots)
{
	struct ms_params p;

	nsent = 0;
	loop = t_loop_new();
	sites = site_table_new();
	add_site(auth);
	map_server_params_default(&p);
	if (cache_slots)
		p.ecdsa_key_cache_slots = cache_slots;
	ms = map_server_new(loop, sites, &p, capture, NULL);
	ck_assert_ptr_nonnull(ms);
}

static void setup(void)
{
	agent_make(&alice);
	agent_make(&bob);
	start(SITE_AUTH_ECDSA, 0);
}

/* One cache slot: a second agent's key pushes the first one's out. */
static void setup_one_slot(void)
{
	agent_make(&alice);
	agent_make(&bob);
	start(SITE_AUTH_ECDSA, 1);
}

static void setup_both(void)
{
	agent_make(&alice);
	agent_make(&bob);
	start(SITE_AUTH_BOTH, 0);
}

static void teardown(void)
{
	map_server_free(ms);
	site_table_free(sites);
	evloop_free(loop);
	EVP_PKEY_free(alice.key);
	EVP_PKEY_free(bob.key);
}

/* One EID-record: an RLOC (priority 1) unless NULL, and a JSON LCAF
 * RLOC-record (priority 255, draft "Signed Map-Register Encoding") for
 * each JSON text given. */
struct rec_spec {
	const char *eid;
	const char *rloc;
	const char *json[2];
	uint32_t ttl;
};

struct reg {
	uint64_t nonce;
	const char *hmac_key;		/* NULL: site_key */
	unsigned int count;
	struct rec_spec recs[3];
};

static void send_reg(const struct reg *r)
{
	struct lisp_record recs[3] = { 0 };
	struct lisp_locator locs[3][3];
	struct lisp_waddr inner[3];
	struct lisp_map_register m = { .type = LISP_MAP_REGISTER, .nonce = r->nonce,
				       .alg_id = LISP_AUTH_HMAC_SHA256_128,
				       .record_count = (uint8_t)r->count, .records = recs,
				       .xtr_id_present = true };
	const char *key = r->hmac_key ? r->hmac_key : site_key;
	struct lisp_addr src;
	uint8_t buf[4096];
	ssize_t n;

	memset(locs, 0, sizeof(locs));
	memset(m.xtr_id, 7, sizeof(m.xtr_id));
	for (unsigned int i = 0; i < r->count; i++) {
		const struct rec_spec *s = &r->recs[i];
		struct lisp_prefix p;
		struct lisp_addr a;
		uint8_t k = 0;

		ck_assert_int_eq(lisp_prefix_parse(s->eid, &p, NULL), 0);
		recs[i].ttl = s->ttl ? s->ttl : 1440;
		if (s->ttl == UINT32_MAX)
			recs[i].ttl = 0;
		recs[i].authoritative = true;
		recs[i].mask_len = p.plen;
		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &p);
		if (s->rloc) {
			ck_assert_int_eq(lisp_addr_parse(s->rloc, &a, NULL), 0);
			locs[i][k] = (struct lisp_locator){ .priority = 1, .weight = 100,
							    .flags = LISP_LOC_F_REACH };
			lisp_waddr_from_addr(&locs[i][k++].addr, &a);
		}
		for (unsigned int j = 0; j < 2 && s->json[j]; j++) {
			struct lisp_locator *l = &locs[i][k++];

			l->priority = 255;
			l->addr.afi = LISP_AFI_LCAF;
			l->addr.lcaf.type = LCAF_TYPE_JSON;
			l->addr.lcaf.json.len = (uint16_t)strlen(s->json[j]);
			l->addr.lcaf.json.text = s->json[j];
		}
		recs[i].loc_count = k;
		recs[i].locs = locs[i];
	}
	n = lisp_map_register_encode(&m, buf, sizeof(buf), NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(lisp_auth_sign(buf, (size_t)n, key, strlen(key), NULL), 0);
	lisp_addr_parse("192.0.2.10", &src, NULL);
	map_server_input(ms, buf, (size_t)n, &src, 4342);
}

static struct reg_eid *lookup(const char *eid)
{
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(eid, &p, NULL), 0);
	return registry_exact(map_server_registry(ms), &p);
}

static const struct ms_counters *ctr(void)
{
	return map_server_counters(ms);
}

/* Alice's crypto-EID with her signature, and her hash-EID with her key. */
static struct reg alice_reg(uint64_t nonce, const char *rloc)
{
	return (struct reg){ .nonce = nonce, .count = 2, .recs = {
		{ alice.eid_prefix, rloc, { alice.sig_json, NULL }, 0 },
		{ alice.hash_eid, NULL, { alice.pub_json, NULL }, 0 } } };
}

/* Asserts that one refusal, of this counter, happened and nothing was
 * stored since *before registrations. */
#define ASSERT_REFUSED(field, before)                                             \
	do {                                                                      \
		ck_assert_uint_eq(ctr()->field, 1);                               \
		ck_assert_uint_eq(ctr()->registers_accepted, (before));           \
		ck_assert_uint_eq(registry_count(map_server_registry(ms)),        \
				  (before) ? 2u : 0u);                            \
	} while (0)

START_TEST(signed_registration_accepted)
{
	struct reg r = alice_reg(1, "192.0.2.10");

	r.hmac_key = "not-the-site-key";	/* auth ecdsa: no HMAC needed */
	send_reg(&r);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	ck_assert_ptr_nonnull(lookup(alice.eid_prefix));
	ck_assert_ptr_nonnull(lookup(alice.hash_eid));
	ck_assert_uint_eq(ctr()->ecdsa_signatures_verified, 1);
	ck_assert_uint_eq(ctr()->ecdsa_key_cache_misses, 1);
	/* The registered record keeps the signature for Map-Replies. */
	ck_assert_uint_eq(lookup(alice.eid_prefix)->merged_loc_count, 2);
}
END_TEST

START_TEST(reregistration_reuses_the_verified_key)
{
	struct reg r = alice_reg(1, "192.0.2.10");
	struct reg only = { .nonce = 3, .count = 1, .recs = {
		{ alice.eid_prefix, "192.0.2.11", { alice.sig_json, NULL }, 0 } } };

	send_reg(&r);
	ck_assert_uint_eq(ctr()->ecdsa_key_cache_misses, 1);
	r.nonce = 2;
	send_reg(&r);		/* the same record bytes: not decoded again */
	send_reg(&only);	/* the key from the cache, by crypto-EID */
	ck_assert_uint_eq(ctr()->registers_accepted, 3);
	ck_assert_uint_eq(ctr()->ecdsa_key_cache_misses, 1);
	ck_assert_uint_ge(ctr()->ecdsa_key_cache_hits, 3);
	ck_assert_uint_eq(ctr()->ecdsa_signatures_verified, 3);
}
END_TEST

START_TEST(key_registered_first_then_crypto_eid)
{
	struct reg key = { .nonce = 1, .count = 1, .recs = {
		{ alice.hash_eid, NULL, { alice.pub_json, NULL }, 0 } } };
	struct reg eid = { .nonce = 2, .count = 1, .recs = {
		{ alice.eid_prefix, "192.0.2.10", { alice.sig_json, NULL }, 0 } } };

	/* A hash-EID first in a message finds its site by crypto prefix. */
	send_reg(&key);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	send_reg(&eid);
	ck_assert_uint_eq(ctr()->registers_accepted, 2);
	ck_assert_ptr_nonnull(lookup(alice.eid_prefix));
}
END_TEST

START_TEST(python_signed_records_accepted)
{
	char eid[96], dn[96];
	struct reg r = { .nonce = 1, .count = 2 };

	/* Records made by python3-cryptography (tests/unit/ecdsa_vectors.py),
	 * framed in a Map-Register here. */
	snprintf(eid, sizeof(eid), "[%d]%s/128", GOLDEN_ECDSA_IID, GOLDEN_ECDSA_CRYPTO_EID);
	snprintf(dn, sizeof(dn), "[%d]dn:%s", GOLDEN_ECDSA_IID, GOLDEN_ECDSA_HASH_EID);
	r.recs[0] = (struct rec_spec){ eid, "192.0.2.10", { GOLDEN_ECDSA_SIG_JSON_REGISTER, NULL },
				       0 };
	r.recs[1] = (struct rec_spec){ dn, NULL, { GOLDEN_ECDSA_PUBKEY_JSON, NULL }, 0 };
	send_reg(&r);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	ck_assert_ptr_nonnull(lookup(eid));
}
END_TEST

START_TEST(wrong_signature_refused)
{
	struct ecdsa_sig_record rec;
	struct reg r = alice_reg(1, "192.0.2.10");
	char bad[ECDSA_SIG_JSON_MAX + 1];

	ck_assert_int_eq(ecdsa_sig_json_decode(alice.sig_json, strlen(alice.sig_json), &rec, NULL,
					       NULL), 0);
	rec.sig[40] ^= 1;	/* s changed by one bit */
	ck_assert_int_gt(ecdsa_sig_json_encode(&rec, bad, sizeof(bad), NULL), 0);
	r.recs[0].json[0] = bad;
	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_signature, 0);
}
END_TEST

START_TEST(another_keys_signature_refused)
{
	struct reg r = alice_reg(1, "192.0.2.66");
	char forged[ECDSA_SIG_JSON_MAX + 1];

	/* Bob signs Alice's EID: her key does not verify it. */
	sign_for(&bob, alice.eid, true, forged, sizeof(forged));
	r.recs[0].json[0] = forged;
	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_signature, 0);
}
END_TEST

START_TEST(key_for_another_eid_refused)
{
	struct reg r = alice_reg(1, "192.0.2.66");
	char forged[ECDSA_SIG_JSON_MAX + 1];

	/* Bob signs for Alice's EID and publishes his key under her
	 * hash-EID: his key does not hash to her EID. */
	sign_for(&bob, alice.eid, true, forged, sizeof(forged));
	r.recs[0].json[0] = forged;
	r.recs[1].json[0] = bob.pub_json;
	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_key_mismatch, 0);
	ck_assert_ptr_null(lookup(alice.hash_eid));
}
END_TEST

START_TEST(truncated_and_garbled_records_refused)
{
	struct reg r = alice_reg(1, "192.0.2.10");
	char cut[ECDSA_SIG_JSON_MAX + 1], badkey[ECDSA_PUBKEY_JSON_MAX + 1];

	snprintf(cut, sizeof(cut), "%.*s", (int)strlen(alice.sig_json) - 5, alice.sig_json);
	r.recs[0].json[0] = cut;
	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_sig_malformed, 0);
	/* Two signature records in one EID-record. */
	r = alice_reg(2, "192.0.2.10");
	r.recs[0].json[1] = alice.sig_json;
	send_reg(&r);
	ck_assert_uint_eq(ctr()->refused_ecdsa_sig_malformed, 2);
	/* A public-key record with one base64 character changed. */
	r = alice_reg(3, "192.0.2.10");
	snprintf(badkey, sizeof(badkey), "%s", alice.pub_json);
	badkey[40] = badkey[40] == 'A' ? 'B' : 'A';
	r.recs[1].json[0] = badkey;
	send_reg(&r);
	ck_assert_uint_eq(ctr()->refused_ecdsa_key_malformed, 1);
	ck_assert_uint_eq(ctr()->registers_accepted, 0);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 0);
}
END_TEST

START_TEST(signature_removed_refused_first_registration_kept)
{
	struct reg r = alice_reg(1, "192.0.2.10");
	struct reg downgrade = { .nonce = 2, .count = 1, .recs = {
		{ alice.eid_prefix, "192.0.2.66", { NULL, NULL }, 0 } } };
	struct lisp_addr want;
	struct lisp_record rec;
	uint8_t abuf[8192];
	struct lisp_arena a;

	send_reg(&r);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	/* The site's key, no signature: a downgrade. */
	send_reg(&downgrade);
	ASSERT_REFUSED(refused_ecdsa_unsigned, 1);
	/* Nor does a withdrawal pass unsigned. */
	downgrade.nonce = 3;
	downgrade.recs[0].ttl = UINT32_MAX;
	send_reg(&downgrade);
	ck_assert_uint_eq(ctr()->refused_ecdsa_unsigned, 2);
	lisp_arena_init(&a, abuf, sizeof(abuf));
	ck_assert_int_eq(reg_eid_decode(lookup(alice.eid_prefix), &a, &rec, NULL), 0);
	lisp_addr_parse("192.0.2.10", &want, NULL);
	ck_assert(lisp_addr_equal(&rec.locs[0].addr.plain, &want));
}
END_TEST

START_TEST(no_key_anywhere_refused)
{
	struct reg r = { .nonce = 1, .count = 1, .recs = {
		{ alice.eid_prefix, "192.0.2.10", { alice.sig_json, NULL }, 0 } } };

	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_no_key, 0);
}
END_TEST

/* A withdrawal pair where the key was never registered here (an agent
 * set and removed before its registration left, docs/ecdsa.md): the
 * TTL-0 hash-EID record's key verifies the TTL-0 crypto-EID's signature;
 * without it, no key anywhere. */
START_TEST(withdrawal_pair_carries_its_key)
{
	struct reg w = alice_reg(1, NULL);

	w.recs[0].ttl = w.recs[1].ttl = UINT32_MAX;
	w.recs[1].json[0] = NULL;
	send_reg(&w);
	ASSERT_REFUSED(refused_ecdsa_no_key, 0);
	w.nonce = 2;
	w.recs[1].json[0] = alice.pub_json;
	send_reg(&w);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	ck_assert_uint_eq(ctr()->ecdsa_signatures_verified, 1);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 0);
}
END_TEST

START_TEST(signer_other_than_the_eid_refused)
{
	struct reg r = alice_reg(1, "192.0.2.10");
	char other[ECDSA_SIG_JSON_MAX + 1];
	struct ecdsa_sig_record rec;

	ck_assert_int_eq(ecdsa_sig_json_decode(alice.sig_json, strlen(alice.sig_json), &rec, NULL,
					       NULL), 0);
	memcpy(rec.signature_eid.addr, bob.eid, 16);
	ck_assert_int_gt(ecdsa_sig_json_encode(&rec, other, sizeof(other), NULL), 0);
	r.recs[0].json[0] = other;
	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_signer_mismatch, 0);
}
END_TEST

START_TEST(crypto_prefix_not_one_eid_refused)
{
	struct reg r = alice_reg(1, "192.0.2.10");

	/* A /16 inside the crypto prefix would hold others' crypto-EIDs. */
	r.recs[0].eid = "[1000]fd00::/16";
	send_reg(&r);
	ASSERT_REFUSED(refused_ecdsa_not_host, 0);
}
END_TEST

START_TEST(ecdsa_without_hmac_covers_crypto_eids_only)
{
	struct reg plain = { .nonce = 1, .count = 1, .hmac_key = "not-the-site-key", .recs = {
		{ "[1000]10.20.1.0/24", "192.0.2.10", { NULL, NULL }, 0 } } };
	struct reg mixed = alice_reg(2, "192.0.2.10");

	send_reg(&plain);
	ck_assert_uint_eq(ctr()->refused_auth_failed, 1);
	/* A signed crypto-EID does not carry an unsigned record along. */
	mixed.hmac_key = "not-the-site-key";
	mixed.count = 3;
	mixed.recs[2] = plain.recs[0];
	send_reg(&mixed);
	ck_assert_uint_eq(ctr()->refused_auth_failed, 2);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 0);
	/* With the site's HMAC both are accepted. */
	mixed.hmac_key = NULL;
	mixed.nonce = 3;
	send_reg(&mixed);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 3);
}
END_TEST

START_TEST(both_needs_hmac_and_signature)
{
	struct reg r = alice_reg(1, "192.0.2.10");

	r.hmac_key = "not-the-site-key";
	send_reg(&r);
	ck_assert_uint_eq(ctr()->refused_auth_failed, 1);
	ck_assert_uint_eq(ctr()->ecdsa_signatures_verified, 0);
	r.recs[0].json[0] = NULL;
	r.hmac_key = NULL;
	r.nonce = 2;
	send_reg(&r);
	ck_assert_uint_eq(ctr()->refused_ecdsa_unsigned, 1);
	r = alice_reg(3, "192.0.2.10");
	send_reg(&r);
	ck_assert_uint_eq(ctr()->registers_accepted, 1);
	ck_assert_ptr_nonnull(lookup(alice.eid_prefix));
}
END_TEST

START_TEST(reload_keeps_or_drops_crypto_registrations)
{
	struct reg r = alice_reg(1, "192.0.2.10");
	struct site_table *old = sites;
	struct site_eid eid = { .accept_more_specifics = true };
	struct site s = { .alg_id = LISP_AUTH_HMAC_SHA256_128, .eids = &eid, .eid_count = 1 };

	send_reg(&r);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 2);
	/* A reload with the same site keeps both, the unlisted hash-EID too. */
	sites = site_table_new();
	add_site(SITE_AUTH_ECDSA);
	map_server_set_sites(ms, sites);
	site_table_free(old);
	old = sites;
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 2);
	/* The same site, auth hmac, no crypto-EID prefixes: neither the
	 * crypto-EID nor its hash-EID is the site's any more. */
	snprintf(s.name, sizeof(s.name), "agents");
	memcpy(s.key, site_key, strlen(site_key));
	s.key_len = strlen(site_key);
	ck_assert_int_eq(lisp_prefix_parse("[1000]10.20.0.0/16", &eid.prefix, NULL), 0);
	sites = site_table_new();
	ck_assert_int_eq(site_table_add(sites, &s), 0);
	map_server_set_sites(ms, sites);
	site_table_free(old);
	ck_assert_uint_eq(registry_count(map_server_registry(ms)), 0);
}
END_TEST

START_TEST(key_found_in_the_registry_after_eviction)
{
	struct reg a = alice_reg(1, "192.0.2.10");
	struct reg b = { .nonce = 2, .count = 2, .recs = {
		{ bob.eid_prefix, "192.0.2.20", { bob.sig_json, NULL }, 0 },
		{ bob.hash_eid, NULL, { bob.pub_json, NULL }, 0 } } };
	struct reg again = { .nonce = 3, .count = 1, .recs = {
		{ alice.eid_prefix, "192.0.2.11", { alice.sig_json, NULL }, 0 } } };
	struct lisp_prefix p;
	struct reg_eid *e;

	send_reg(&a);
	send_reg(&b);
	ck_assert_uint_eq(ctr()->ecdsa_key_cache_evictions, 1);
	/* Alice's key is no longer cached: it comes from her hash-EID
	 * registration, decoded and checked again. */
	send_reg(&again);
	ck_assert_uint_eq(ctr()->registers_accepted, 3);
	ck_assert_uint_eq(ctr()->ecdsa_key_cache_misses, 3);
	/* With that registration gone, no key is found. */
	ck_assert_int_eq(lisp_prefix_parse(alice.hash_eid, &p, NULL), 0);
	e = registry_exact(map_server_registry(ms), &p);
	ck_assert_ptr_nonnull(e);
	b.nonce = 4;
	send_reg(&b);		/* Bob's key evicts Alice's again */
	ck_assert_uint_eq(ctr()->ecdsa_key_cache_evictions, 3);
	ck_assert(registry_remove_xtr(map_server_registry(ms), &e, e->xtrs));
	again.nonce = 5;
	send_reg(&again);
	ck_assert_uint_eq(ctr()->refused_ecdsa_no_key, 1);
	ck_assert_uint_eq(ctr()->registers_accepted, 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ms_ecdsa");
	TCase *tc = tcase_create("ecdsa");
	TCase *both = tcase_create("both");
	TCase *small = tcase_create("one-slot");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, signed_registration_accepted);
	tcase_add_test(tc, reregistration_reuses_the_verified_key);
	tcase_add_test(tc, key_registered_first_then_crypto_eid);
	tcase_add_test(tc, python_signed_records_accepted);
	tcase_add_test(tc, wrong_signature_refused);
	tcase_add_test(tc, another_keys_signature_refused);
	tcase_add_test(tc, key_for_another_eid_refused);
	tcase_add_test(tc, truncated_and_garbled_records_refused);
	tcase_add_test(tc, signature_removed_refused_first_registration_kept);
	tcase_add_test(tc, no_key_anywhere_refused);
	tcase_add_test(tc, withdrawal_pair_carries_its_key);
	tcase_add_test(tc, signer_other_than_the_eid_refused);
	tcase_add_test(tc, crypto_prefix_not_one_eid_refused);
	tcase_add_test(tc, ecdsa_without_hmac_covers_crypto_eids_only);
	tcase_add_test(tc, reload_keeps_or_drops_crypto_registrations);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(both, setup_both, teardown);
	tcase_add_checked_fixture(small, setup_one_slot, teardown);
	tcase_add_test(small, key_found_in_the_registry_after_eviction);
	suite_add_tcase(s, small);
	tcase_add_test(both, both_needs_hmac_and_signature);
	suite_add_tcase(s, both);
	return run_suite(s);
}
