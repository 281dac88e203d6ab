/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA-signed registrations at the Map-Server (draft-ietf-lisp-ecdsa-auth;
 * formats and where each came from: docs/ecdsa.md; threat and settings:
 * docs/security.md, "Registrations that cannot be spoofed").
 *
 * A site with auth ecdsa|both names crypto-EID prefixes.  An EID-record of
 * a crypto-EID (a /128 in one) must carry exactly one signature record (an
 * RLOC-record whose address is a JSON LCAF, draft "Signed Map-Register
 * Encoding") over "[IID]EID", verified under the public key that hashes to
 * the EID.  That key is published under the EID's hash-EID (draft
 * "Hash-EID Mapping Entry": a Distinguished Name EID whose RLOC-record
 * carries {"public-key": ...}); it comes from a hash-EID record of the
 * same Map-Register, else from the cache of keys already verified, else
 * from the hash-EID registration this Map-Server holds.  A hash-EID
 * record is accepted only with a key that hashes to its crypto-EID, so no
 * one can publish a false key either.  Any failure refuses the whole
 * Map-Register before anything is stored, with a refused_ecdsa_* counter.
 *
 * Keys are kept parsed, by (IID, crypto prefix, crypto-EID): decoding a
 * public-key record costs more than verifying a signature (docs/ecdsa.md,
 * "Costs"), and a key that hashes to an EID is the only key for it, so a
 * re-registration verifies its signature and nothing else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/evp.h>

#include "ecdsa_eid.h"
#include "ms_priv.h"
#include "siphash.h"

/* Verified keys kept (ms_params.ecdsa_key_cache_slots, 4096 by default),
 * direct-mapped by a keyed hash: bounded memory (about 2.3 MB), and a
 * sender with valid keys who evicts another's only costs that one a
 * decode at its next registration. */

struct key_slot {
	bool used;
	uint32_t iid;
	uint8_t plen;
	uint8_t eid[16];
	uint16_t json_len;
	char json[ECDSA_PUBKEY_JSON_MAX];	/* the record it came from */
	EVP_PKEY *key;
};

struct ms_ecdsa {
	struct siphash_key hk;
	struct key_slot *slots;		/* nslots, allocated on first use */
	size_t nslots;
};

enum record_kind {
	KIND_NONE,		/* outside the site's crypto prefixes */
	KIND_CRYPTO_EID,	/* an IPv6 prefix inside one */
	KIND_HASH_EID,		/* the hash-EID name of a crypto-EID in one */
};

struct ms_ecdsa *ms_ecdsa_new(size_t cache_slots)
{
	struct ms_ecdsa *e = calloc(1, sizeof(*e));

	if (e && siphash_key_new(&e->hk) < 0) {
		free(e);
		return NULL;
	}
	if (e)
		e->nslots = cache_slots ? cache_slots : 1;
	return e;
}

void ms_ecdsa_free(struct ms_ecdsa *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->slots && i < e->nslots; i++)
		EVP_PKEY_free(e->slots[i].key);
	free(e->slots);
	free(e);
}

static void prefix_to_ecdsa(const struct lisp_prefix *in, struct ecdsa_prefix *out)
{
	memset(out, 0, sizeof(*out));
	out->iid = in->iid;
	out->len = in->plen;
	memcpy(out->addr, in->addr.v6, 16);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The crypto-EID a hash-EID names in prefix p: the name must be exactly
 * the one ecdsa_hash_eid() writes for it (one EID, one name). */
static bool hash_eid_parse(const struct ecdsa_prefix *p, const char *dn, size_t n,
			   uint8_t eid[16])
{
	unsigned int digits = (128u - p->len) / 4, nib = p->len / 4, got = 0;
	char canon[ECDSA_HASH_EID_MAX];

	if (n < 5 || n >= sizeof(canon) || memcmp(dn, "hash-", 5) != 0)
		return false;
	memcpy(eid, p->addr, 16);
	for (size_t i = 5; i < n; i++) {
		int v = hex_value(dn[i]);

		if (dn[i] == ':')
			continue;
		if (v < 0 || got == digits)
			return false;
		eid[(nib + got) / 2] |= (uint8_t)(((nib + got) % 2) ? v : v << 4);
		got++;
	}
	return got == digits && ecdsa_hash_eid(p, eid, canon, sizeof(canon)) == (int)n &&
	       memcmp(canon, dn, n) == 0;
}

/* Which of the site's crypto prefixes eid belongs to, and its crypto-EID. */
static enum record_kind record_kind(const struct site *s, const struct lisp_prefix *eid,
				    struct ecdsa_prefix *p, uint8_t crypto_eid[16])
{
	for (size_t i = 0; i < s->crypto_prefix_count; i++) {
		const struct lisp_prefix *cp = &s->crypto_prefixes[i];

		if (cp->iid != eid->iid)
			continue;
		prefix_to_ecdsa(cp, p);
		if (eid->addr.afi == LISP_AFI_IPV6 && lisp_prefix_covers(cp, eid)) {
			memcpy(crypto_eid, eid->addr.v6, 16);
			return KIND_CRYPTO_EID;
		}
		if (eid->addr.afi == LISP_AFI_DN &&
		    hash_eid_parse(p, eid->addr.dn, eid->addr.dn_len, crypto_eid))
			return KIND_HASH_EID;
	}
	return KIND_NONE;
}

bool ms_ecdsa_allows(const struct site *s, const struct lisp_prefix *eid)
{
	struct ecdsa_prefix p;
	uint8_t ceid[16];

	return s->auth != SITE_AUTH_HMAC && eid->addr.afi == LISP_AFI_DN &&
	       record_kind(s, eid, &p, ceid) == KIND_HASH_EID;
}

size_t ms_ecdsa_sites(struct site_table *t, const struct lisp_prefix *eid, struct site **out,
		      size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < site_table_count(t) && n < max; i++)
		if (ms_ecdsa_allows(site_table_at(t, i), eid))
			out[n++] = site_table_at(t, i);
	return n;
}

/* The JSON LCAF RLOC-records of rec holding member ("signature",
 * "public-key"); the first in *text.  Other JSON (RLOC attributes) never
 * names these members. */
static unsigned int json_locators(const struct lisp_record *rec, const char *member,
				  const char **text, size_t *len)
{
	size_t mlen = strlen(member);
	unsigned int count = 0;

	for (unsigned int i = 0; i < rec->loc_count; i++) {
		const struct lisp_waddr *a = &rec->locs[i].addr;
		const char *t = a->lcaf.json.text;
		size_t n = a->lcaf.json.len;
		bool found = false;

		if (a->afi != LISP_AFI_LCAF || a->lcaf.type != LCAF_TYPE_JSON)
			continue;
		for (size_t j = 0; !found && j + mlen + 2 <= n; j++)
			found = t[j] == '"' && memcmp(t + j + 1, member, mlen) == 0 &&
				t[j + 1 + mlen] == '"';
		if (found && count++ == 0) {
			*text = t;
			*len = n;
		}
	}
	return count;
}

static struct key_slot *key_slot(struct ms_ecdsa *e, const struct ecdsa_prefix *p,
				 const uint8_t eid[16])
{
	uint64_t hi, lo, h;

	if (!e->slots) {
		e->slots = calloc(e->nslots, sizeof(*e->slots));
		if (!e->slots)
			return NULL;
	}
	memcpy(&hi, eid, 8);
	memcpy(&lo, eid + 8, 8);
	h = siphash_u64(&e->hk, hi ^ siphash_u64(&e->hk, lo ^ ((uint64_t)p->iid << 8 | p->len)));
	return &e->slots[h % e->nslots];
}

static bool slot_is(const struct key_slot *k, const struct ecdsa_prefix *p, const uint8_t eid[16])
{
	return k->used && k->iid == p->iid && k->plen == p->len && memcmp(k->eid, eid, 16) == 0;
}

/* The verified key of a crypto-EID's public-key record: the cached one
 * when the record is the same bytes (canonical encoding: one key, one
 * record), else decoded, checked to hash to the EID, and cached. */
static EVP_PKEY *key_from_record(struct map_server *ms, const struct ecdsa_prefix *p,
				 const uint8_t eid[16], const char *json, size_t len,
				 enum ms_refusal *why, enum ecdsa_reason *er)
{
	struct key_slot *k = key_slot(ms->ecdsa, p, eid);
	struct lisp_err err;
	EVP_PKEY *key = NULL;

	if (k && slot_is(k, p, eid) && k->json_len == len && memcmp(k->json, json, len) == 0) {
		ms->c.ecdsa_key_cache_hits++;
		return k->key;
	}
	ms->c.ecdsa_key_cache_misses++;
	if (ecdsa_pubkey_json_decode(json, len, &key, er, &err) < 0) {
		*why = MS_refused_ecdsa_key_malformed;
		return NULL;
	}
	if (ecdsa_crypto_eid_check(p, key, eid, er, &err) < 0) {
		EVP_PKEY_free(key);
		*why = MS_refused_ecdsa_key_mismatch;
		return NULL;
	}
	if (!k) {	/* no memory for the cache: used once */
		*why = MS_refused_store_error;
		EVP_PKEY_free(key);
		return NULL;
	}
	if (k->used)
		ms->c.ecdsa_key_cache_evictions++;
	EVP_PKEY_free(k->key);
	k->used = true;
	k->iid = p->iid;
	k->plen = p->len;
	memcpy(k->eid, eid, 16);
	memcpy(k->json, json, len);	/* len <= ECDSA_PUBKEY_JSON_MAX: decoded */
	k->json_len = (uint16_t)len;
	k->key = key;
	return key;
}

static EVP_PKEY *key_held(struct map_server *ms, const struct ecdsa_prefix *p,
			  const uint8_t eid[16], enum ms_refusal *why, enum ecdsa_reason *er);

/* The key of a crypto-EID being registered: from a hash-EID record of the
 * same message, else the cache, else the hash-EID registration held here
 * (draft "Hash-EID Mapping Entry": the Map-Server looks the key up). */
static EVP_PKEY *key_for_eid(struct map_server *ms, const struct site *site,
			     const struct lisp_map_register *m, const struct lisp_prefix *eids,
			     const struct ecdsa_prefix *p, const uint8_t eid[16],
			     enum ms_refusal *why, enum ecdsa_reason *er)
{
	struct ecdsa_prefix q;
	const char *json;
	uint8_t other[16];
	size_t len;

	/* A withdrawal's hash-EID record may carry the key too (the ETR's
	 * withdrawal of a crypto-EID and its hash-EID proves itself when the
	 * key was never registered here): the key is checked against the EID
	 * either way. */
	for (unsigned int i = 0; i < m->record_count; i++)
		if (record_kind(site, &eids[i], &q, other) == KIND_HASH_EID &&
		    q.len == p->len && memcmp(other, eid, 16) == 0 &&
		    json_locators(&m->records[i], "public-key", &json, &len) == 1)
			return key_from_record(ms, p, eid, json, len, why, er);
	return key_held(ms, p, eid, why, er);
}

/* The key of a crypto-EID from the cache, else from the hash-EID
 * registration held here (draft "Hash-EID Mapping Entry": the Map-Server
 * looks the key up). */
static EVP_PKEY *key_held(struct map_server *ms, const struct ecdsa_prefix *p,
			  const uint8_t eid[16], enum ms_refusal *why, enum ecdsa_reason *er)
{
	char name[ECDSA_HASH_EID_MAX];
	struct lisp_prefix dn = { .iid = p->iid };
	struct lisp_record rec;
	struct lisp_err err;
	struct key_slot *k;
	const char *json;
	size_t len;
	struct reg_eid *e;

	k = key_slot(ms->ecdsa, p, eid);
	if (k && slot_is(k, p, eid)) {
		ms->c.ecdsa_key_cache_hits++;
		return k->key;
	}
	if (ecdsa_hash_eid(p, eid, name, sizeof(name)) < 0)
		goto none;
	dn.addr.afi = LISP_AFI_DN;
	dn.addr.dn_len = (uint8_t)strlen(name);
	memcpy(dn.addr.dn, name, dn.addr.dn_len);
	e = registry_exact(ms->registry, &dn);
	lisp_arena_reset(&ms->notify_arena);
	if (e && reg_eid_decode(e, &ms->notify_arena, &rec, &err) == 0 &&
	    json_locators(&rec, "public-key", &json, &len) == 1)
		return key_from_record(ms, p, eid, json, len, why, er);
none:
	*why = MS_refused_ecdsa_no_key;
	return NULL;
}

/* A crypto-EID's record: one signature record over "[IID]EID" (draft
 * "Signed Map-Register Encoding"), by the EID's own key. */
static int check_signed(struct map_server *ms, const struct site *site,
			const struct lisp_map_register *m, const struct lisp_prefix *eids,
			unsigned int i, const struct ecdsa_prefix *p, const uint8_t eid[16],
			enum ms_refusal *why, enum ecdsa_reason *er)
{
	struct ecdsa_eid signer = { .iid = p->iid, .af = AF_INET6 };
	struct ecdsa_sig_record sig;
	char signed_text[ECDSA_EID_TEXT_MAX];
	struct lisp_err err;
	const char *json = NULL;
	unsigned int count;
	EVP_PKEY *key;
	size_t len = 0;
	int n;

	/* One EID per crypto-EID: a shorter prefix would hold other keys'
	 * EIDs under this signature. */
	if (eids[i].plen != 128) {
		*why = MS_refused_ecdsa_not_host;
		return -EACCES;
	}
	count = json_locators(&m->records[i], "signature", &json, &len);
	if (count != 1) {
		/* None where one is required: a downgrade. */
		*why = count ? MS_refused_ecdsa_sig_malformed : MS_refused_ecdsa_unsigned;
		return -EACCES;
	}
	if (ecdsa_sig_json_decode(json, len, &sig, er, &err) < 0) {
		*why = MS_refused_ecdsa_sig_malformed;
		return -EACCES;
	}
	memcpy(signer.addr, eid, 16);
	/* signature-eid names the signer; here that can only be the EID
	 * itself: which other signer might speak for it is nowhere
	 * configured. */
	if (sig.has_signature_eid &&
	    (sig.signature_eid.af != AF_INET6 || sig.signature_eid.iid != signer.iid ||
	     memcmp(sig.signature_eid.addr, signer.addr, 16) != 0)) {
		*why = MS_refused_ecdsa_signer_mismatch;
		return -EACCES;
	}
	key = key_for_eid(ms, site, m, eids, p, eid, why, er);
	if (!key)
		return -EACCES;
	n = ecdsa_signed_register(&signer, signed_text, sizeof(signed_text));
	if (n < 0 || ecdsa_verify(key, signed_text, (size_t)n, sig.sig, er, &err) < 0) {
		*why = MS_refused_ecdsa_signature;
		return -EACCES;
	}
	ms->c.ecdsa_signatures_verified++;
	return 0;
}

int ms_ecdsa_check(struct map_server *ms, struct site *site, bool hmac_ok,
		   const struct lisp_map_register *m, const struct lisp_prefix *eids,
		   const struct lisp_addr *src)
{
	char eidtxt[LISP_ADDR_STR_MAX];

	for (unsigned int i = 0; i < m->record_count; i++) {
		enum ecdsa_reason er = ECDSA_R_OK;
		enum ms_refusal why = MS_refused_auth_failed;
		struct ecdsa_prefix p;
		uint8_t eid[16];
		const char *json;
		size_t len;
		int rc = 0;

		switch (record_kind(site, &eids[i], &p, eid)) {
		case KIND_NONE:
			/* auth ecdsa without the HMAC covers crypto-EIDs only. */
			rc = hmac_ok ? 0 : -EACCES;
			break;
		case KIND_CRYPTO_EID:
			rc = check_signed(ms, site, m, eids, i, &p, eid, &why, &er);
			break;
		case KIND_HASH_EID:
			if (json_locators(&m->records[i], "public-key", &json, &len) != 1) {
				/* A withdrawal (TTL 0) needs no key, only the HMAC. */
				why = m->records[i].ttl || !hmac_ok ? MS_refused_ecdsa_no_key
								    : why;
				rc = m->records[i].ttl || !hmac_ok ? -EACCES : 0;
			} else if (!key_from_record(ms, &p, eid, json, len, &why, &er)) {
				rc = -EACCES;
			}
			break;
		}
		if (rc == 0)
			continue;
		site->ecdsa_refusals += why != MS_refused_auth_failed;
		site->auth_failures += why == MS_refused_auth_failed;
		ms->c.register_auth_failures++;
		lisp_prefix_format(&eids[i], eidtxt, sizeof(eidtxt));
		register_refuse(ms, why, site, src, "%s (record %u of %u; %s; none applied)",
				eidtxt, i + 1, m->record_count,
				why == MS_refused_auth_failed ? "no HMAC and not a crypto-EID"
				: er != ECDSA_R_OK ? ecdsa_reason_name(er) : "-");
		return -EACCES;
	}
	return 0;
}

int map_server_ecdsa_key(struct map_server *ms, const struct ecdsa_eid *signer, EVP_PKEY **out)
{
	struct lisp_prefix host = { .iid = signer->iid, .plen = 128 };
	enum ms_refusal why = MS_refused_ecdsa_no_key;
	enum ecdsa_reason er = ECDSA_R_OK;
	struct ecdsa_prefix p;

	if (signer->af != AF_INET6)
		return -ENOENT;
	host.addr.afi = LISP_AFI_IPV6;
	memcpy(host.addr.v6, signer->addr, 16);
	/* The crypto prefix that holds the signer: its hash-EID is named
	 * from it.  Prefixes of one site never nest (config check). */
	for (size_t i = 0; i < site_table_count(ms->sites); i++) {
		const struct site *s = site_table_at(ms->sites, i);

		for (size_t j = 0; j < s->crypto_prefix_count; j++) {
			if (!lisp_prefix_covers(&s->crypto_prefixes[j], &host))
				continue;
			prefix_to_ecdsa(&s->crypto_prefixes[j], &p);
			*out = key_held(ms, &p, signer->addr, &why, &er);
			if (*out)
				return 0;
			return why == MS_refused_ecdsa_no_key ? -ENOENT : -EACCES;
		}
	}
	return -ENOENT;
}
