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

void cfg_chk_db_ecdsa(struct cfg_chk *c, const struct cfg_raw_mapping *r,
		      struct cp_config_mapping *m)
{
	enum ecdsa_reason why = ECDSA_R_OK;
	struct ecdsa_prefix p;
	struct lisp_err err;
	EVP_PKEY *key = NULL;

	if (!r->ecdsa_key) {
		if (r->crypto_eid_prefix)
			cfg_chk_err(c, "crypto-eid-prefix", "read only with ecdsa-key");
		return;
	}
	m->ecdsa_key = cfg_chk_strdup(c, r->ecdsa_key);
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

void cp_config_db_ecdsa_print(FILE *f, int ind, const struct cp_config_mapping *m)
{
	char buf[LISP_ADDR_STR_MAX];

	if (!m->ecdsa_key)
		return;
	/* The path as given, double-quoted YAML. */
	fprintf(f, "%*secdsa-key: \"", ind, "");
	for (const char *s = m->ecdsa_key; *s; s++)
		fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
	fputs("\"\n", f);
	if (lisp_prefix_format(&m->crypto_prefix, buf, sizeof(buf)) >= 0)
		fprintf(f, "%*scrypto-eid-prefix: \"%s\"\n", ind, "", buf);
}
