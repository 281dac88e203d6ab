/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * etr.database[].ecdsa-key and crypto-eid-prefix (docs/ecdsa.md,
 * docs/security.md "Registrations that cannot be spoofed").  The key is
 * loaded with the configuration, at start, at -n and at every SIGHUP, and
 * refused there: unreadable, readable by group or others, not P-256, or
 * not the key whose hash the entry's EID is.  A Map-Register's signature
 * covers only "[IID]EID" (draft-ietf-lisp-ecdsa-auth, "Signed
 * Map-Register Encoding"), so the records the ETR sends are made here
 * once: the signature record for the crypto-EID and the public-key record
 * for its hash-EID (draft "Hash-EID Mapping Entry").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config_priv.h"
#include "ecdsa_eid.h"

/* lispgw-ctl keygen's default prefix (docs/ecdsa.md). */
#define DEFAULT_CRYPTO_PREFIX	"fd00::/8"

static void crypto_prefix(struct cfg_chk *c, const struct cfg_raw_mapping *r,
			  struct cp_config_mapping *m, struct ecdsa_prefix *p)
{
	const char *text = r->crypto_eid_prefix ? r->crypto_eid_prefix : DEFAULT_CRYPTO_PREFIX;
	struct lisp_err err;

	cfg_chk_prefix(c, "crypto-eid-prefix", text, &m->crypto_prefix);
	if (!m->crypto_prefix.addr.afi)
		return;		/* reported */
	/* Without an [IID] the prefix is in the entry's Instance-ID. */
	if (text[0] != '[')
		m->crypto_prefix.iid = m->eid.iid;
	if (m->crypto_prefix.iid != m->eid.iid)
		cfg_chk_err(c, "crypto-eid-prefix", "Instance-ID %u is not the eid-prefix's (%u)",
			    m->crypto_prefix.iid, m->eid.iid);
	else if (m->crypto_prefix.addr.afi != LISP_AFI_IPV6 ||
		 ecdsa_prefix_parse(text[0] == '[' ? strchr(text, ']') + 1 : text,
				    m->crypto_prefix.iid, p, &err) < 0)
		cfg_chk_err(c, "crypto-eid-prefix", "'%s' must be an IPv6 prefix whose length is "
			    "a multiple of 8 in 8..64", text);
	else
		return;
	m->crypto_prefix.addr.afi = 0;
}

/* The two JSON records and the hash-EID of a key that hashes to m->eid. */
static int make_records(const struct ecdsa_prefix *p, EVP_PKEY *key,
			struct cp_config_mapping *m, struct lisp_err *err)
{
	struct ecdsa_sig_record rec = { .has_signature_eid = true };
	char text[ECDSA_EID_TEXT_MAX], name[ECDSA_HASH_EID_MAX];
	char sig[ECDSA_SIG_JSON_MAX + 1], pub[ECDSA_PUBKEY_JSON_MAX + 1];
	int n;

	rec.signature_eid = (struct ecdsa_eid){ .iid = p->iid, .af = AF_INET6 };
	memcpy(rec.signature_eid.addr, m->eid.addr.v6, 16);
	n = ecdsa_signed_register(&rec.signature_eid, text, sizeof(text));
	if (n < 0 || ecdsa_sign(key, text, (size_t)n, rec.sig, err) < 0 ||
	    ecdsa_sig_json_encode(&rec, sig, sizeof(sig), err) < 0 ||
	    ecdsa_pubkey_json_encode(key, pub, sizeof(pub), err) < 0 ||
	    ecdsa_hash_eid(p, m->eid.addr.v6, name, sizeof(name)) < 0)
		return n < 0 ? -EINVAL : -EIO;
	m->hash_eid = (struct lisp_prefix){ .iid = p->iid };
	m->hash_eid.addr.afi = LISP_AFI_DN;
	m->hash_eid.addr.dn_len = (uint8_t)strlen(name);
	memcpy(m->hash_eid.addr.dn, name, m->hash_eid.addr.dn_len);
	m->ecdsa_sig_json = strdup(sig);
	m->ecdsa_pub_json = strdup(pub);
	return m->ecdsa_sig_json && m->ecdsa_pub_json ? 0 : -ENOMEM;
}

/* ecdsa-key, kept in *out, or none: then no crypto-eid-prefix either. */
static bool key_taken(struct cfg_chk *c, const char *key, const char *prefix, char **out)
{
	if (!key) {
		if (prefix)
			cfg_chk_err(c, "crypto-eid-prefix", "read only with ecdsa-key");
		return false;
	}
	*out = cfg_chk_strdup(c, key);
	return true;
}

void cfg_chk_db_ecdsa(struct cfg_chk *c, const struct cfg_raw_mapping *r,
		      struct cp_config_mapping *m)
{
	enum ecdsa_reason why = ECDSA_R_OK;
	struct ecdsa_prefix p;
	struct lisp_err err;
	EVP_PKEY *key = NULL;

	if (!key_taken(c, r->ecdsa_key, r->crypto_eid_prefix, &m->ecdsa_key))
		return;
	if (!m->eid.addr.afi)
		return;		/* reported */
	if (m->eid.addr.afi != LISP_AFI_IPV6 || m->eid.plen != 128) {
		cfg_chk_err(c, "ecdsa-key", "signs a crypto-EID: the eid-prefix must be one IPv6 "
			    "address (/128)");
		return;
	}
	crypto_prefix(c, r, m, &p);
	if (!m->crypto_prefix.addr.afi)
		return;
	if (ecdsa_key_load_pem(r->ecdsa_key, &key, &why, &err) < 0) {
		cfg_chk_err(c, "ecdsa-key", "%s", err.msg);
		return;
	}
	if (ecdsa_crypto_eid_check(&p, key, m->eid.addr.v6, &why, &err) < 0)
		cfg_chk_err(c, "eid-prefix", "is not the crypto-EID of %s in %s (%s): "
			    "lispgw-ctl keygen --key prints the key's", r->ecdsa_key,
			    r->crypto_eid_prefix ? r->crypto_eid_prefix : DEFAULT_CRYPTO_PREFIX,
			    ecdsa_reason_name(why));
	else if (make_records(&p, key, m, &err) < 0)
		cfg_chk_err(c, "ecdsa-key", "cannot sign with %s: %s", r->ecdsa_key, err.msg);
	EVP_PKEY_free(key);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The path, the prefix and the key (a changed key file is a change); not
 * the signature, which differs at every load (ECDSA's random k). */
bool cp_config_db_ecdsa_equal(const struct cp_config_mapping *a,
			      const struct cp_config_mapping *b)
{
	return str_eq(a->ecdsa_key, b->ecdsa_key) && str_eq(a->ecdsa_pub_json, b->ecdsa_pub_json) &&
	       (!a->ecdsa_key || lisp_prefix_equal(&a->crypto_prefix, &b->crypto_prefix));
}

/* The key's path as given, double-quoted YAML, and its prefix. */
static void put_key(FILE *f, int ind, const char *path, const struct lisp_prefix *prefix,
		    bool with_iid)
{
	char buf[LISP_ADDR_STR_MAX];

	fprintf(f, "%*secdsa-key: \"", ind, "");
	for (const char *s = path; *s; s++)
		fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	fputs("\"\n", f);
	/* itr.crypto-eid-prefix has no Instance-ID (each request's). */
	if (!with_iid && inet_ntop(AF_INET6, prefix->addr.v6, buf, sizeof(buf)))
		fprintf(f, "%*scrypto-eid-prefix: \"%s/%u\"\n", ind, "", buf, prefix->plen);
	else if (with_iid && lisp_prefix_format(prefix, buf, sizeof(buf)) >= 0)
		fprintf(f, "%*scrypto-eid-prefix: \"%s\"\n", ind, "", buf);
}

void cp_config_db_ecdsa_print(FILE *f, int ind, const struct cp_config_mapping *m)
{
	if (m->ecdsa_key)
		put_key(f, ind, m->ecdsa_key, &m->crypto_prefix, true);
}

/* --- signed Map-Requests (docs/ecdsa.md, "Signed Map-Requests") ----------- */

void cfg_chk_mr_signed(struct cfg_chk *c, const struct cfg_raw_map_resolver *r,
		       struct cp_config_map_resolver *mr)
{
	mr->signed_requests = r->signed_requests ? (uint8_t)*r->signed_requests : CP_SIGNED_OFF;
	/* A verification is about 0.2 ms of a core (docs/ecdsa.md, "Costs"):
	 * the default keeps a flood of forged signatures under half of one. */
	cfg_chk_bucket(c, "signed-verify-rate-limit", r->signed_verify_rate_limit,
		       CP_CONFIG_DEF_MR_VERIFY_RATE, &mr->signed_verify_rate,
		       &mr->signed_verify_burst);
	mr->signed_verify_per_signer =
		cfg_chk_u32(c, "signed-verify-per-signer", r->signed_verify_per_signer,
			    CP_CONFIG_DEF_MR_VERIFY_PER_SIGNER, 0, 1000000);
	if (mr->signed_requests == CP_SIGNED_OFF &&
	    (r->signed_verify_rate_limit || r->signed_verify_per_signer))
		cfg_chk_err(c, "signed-requests", "is off: signed-verify-rate-limit and "
			    "signed-verify-per-signer are read only with optional or required");
}

bool cp_config_mr_signed_equal(const struct cp_config_map_resolver *a,
			       const struct cp_config_map_resolver *b)
{
	return a->signed_requests == b->signed_requests &&
	       a->signed_verify_rate == b->signed_verify_rate &&
	       a->signed_verify_burst == b->signed_verify_burst &&
	       a->signed_verify_per_signer == b->signed_verify_per_signer;
}

void cp_config_mr_signed_print(FILE *f, const struct cp_config_map_resolver *mr)
{
	fprintf(f, "  signed-requests: %s\n",
		cfg_strval_name(cfg_signed_request_names, cfg_signed_request_names_count,
				mr->signed_requests));
	if (mr->signed_requests == CP_SIGNED_OFF)
		return;
	fprintf(f, "  signed-verify-rate-limit:\n    per-second: %u\n    burst: %u\n",
		mr->signed_verify_rate, mr->signed_verify_burst);
	fprintf(f, "  signed-verify-per-signer: %u\n", mr->signed_verify_per_signer);
}

void cfg_chk_itr_ecdsa(struct cfg_chk *c, const struct cfg_raw_itr *r, struct cp_config_itr *itr)
{
	const char *text = r->crypto_eid_prefix ? r->crypto_eid_prefix : DEFAULT_CRYPTO_PREFIX;
	enum ecdsa_reason why = ECDSA_R_OK;
	struct ecdsa_prefix p;
	struct lisp_err err;
	EVP_PKEY *key = NULL;

	if (!key_taken(c, r->ecdsa_key, r->crypto_eid_prefix, &itr->ecdsa_key))
		return;
	/* No [IID]: the signer is the key's crypto-EID in each request's. */
	if (ecdsa_prefix_parse(text, 0, &p, &err) < 0) {
		cfg_chk_err(c, "crypto-eid-prefix", "'%s' must be an IPv6 prefix without an "
			    "Instance-ID, its length a multiple of 8 in 8..64", text);
		return;
	}
	itr->ecdsa_prefix = (struct lisp_prefix){ .plen = p.len };
	itr->ecdsa_prefix.addr.afi = LISP_AFI_IPV6;
	memcpy(itr->ecdsa_prefix.addr.v6, p.addr, 16);
	if (ecdsa_key_load_pem(r->ecdsa_key, &key, &why, &err) < 0)
		cfg_chk_err(c, "ecdsa-key", "%s", err.msg);
	EVP_PKEY_free(key);
}

bool cp_config_itr_ecdsa_equal(const struct cp_config_itr *a, const struct cp_config_itr *b)
{
	return str_eq(a->ecdsa_key, b->ecdsa_key) &&
	       (!a->ecdsa_key || lisp_prefix_equal(&a->ecdsa_prefix, &b->ecdsa_prefix));
}

void cp_config_itr_ecdsa_print(FILE *f, const struct cp_config_itr *itr)
{
	if (itr->ecdsa_key)
		put_key(f, 2, itr->ecdsa_key, &itr->ecdsa_prefix, false);
}
