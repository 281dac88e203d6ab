/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC at the Map-Resolver and Map-Server (mr_lispsec.h, RFC 9303
 * sections 6.4-6.8).  The Map-Resolver and the Map-Server live in one
 * process here, so the ITR-OTK is unwrapped once with
 * map-resolver.lisp-sec-key and used where the RFC has the Map-Server use
 * it; there is no MR-to-MS re-wrap except towards a delegated Map-Server,
 * which gets the AD as the ITR sent it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "lisp_sec.h"
#include "log.h"
#include "map_resolver.h"
#include "mr_forward.h"

#define SEC_ARENA_BYTES		16384
#define SEC_AD_MAX		4096	/* an ECM AD with up to 255 EID-AD records */

struct mr_sec {
	bool enabled, aes;
	uint8_t key[16];
	/* the request being answered */
	bool active;			/* an ITR-OTK we can sign with */
	uint8_t itr_otk[LISP_SEC_OTK_LEN];
	uint16_t hmac_id, kdf_id;
	struct lisp_prefix reply_eids[255];
	unsigned int reply_count;
	bool reply_unsigned;		/* a record of a site with lisp-sec off */
	/* per record of the request that goes on: its registration */
	struct lisp_prefix fwd_eid[255];
	const struct site *fwd_site[255];
	uint8_t ad[SEC_AD_MAX];		/* the AD of the hop being sent */
	struct lisp_arena arena;
	uint8_t arena_buf[SEC_ARENA_BYTES];
	struct log_ratelimit rl;
};

struct mr_sec *mr_sec_new(bool enabled, bool aes, const uint8_t key[16])
{
	struct mr_sec *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->enabled = enabled;
	s->aes = aes;
	memcpy(s->key, key, sizeof(s->key));
	lisp_arena_init(&s->arena, s->arena_buf, sizeof(s->arena_buf));
	return s;
}

void mr_sec_free(struct mr_sec *s)
{
	if (s)
		OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

int mr_sec_begin(struct mr_sec *s, const struct lisp_ecm *ecm, struct mr_counters *c)
{
	struct lisp_sec_ecm_ad ad;
	struct lisp_err err;
	uint16_t want = s->aes ? LISP_SEC_WRAP_AES_128 : LISP_SEC_WRAP_NULL_128;

	s->active = false;
	s->reply_count = 0;
	s->reply_unsigned = false;
	memset(s->fwd_site, 0, sizeof(s->fwd_site));
	if (!ecm->sec)
		return 0;
	c->lisp_sec_requests++;
	if (!s->enabled) {
		c->lisp_sec_no_key++;
		return 0;
	}
	lisp_arena_reset(&s->arena);
	if (lisp_sec_ecm_ad_decode(ecm->sec_ad, ecm->sec_ad_len, &s->arena, &ad, &err) < 0) {
		c->lisp_sec_ad_errors++;
		log_ratelimited(&s->rl, LOG_LEVEL_WARN, "map-resolver: LISP-SEC: %s", err.msg);
		return -EACCES;
	}
	/* The wrap the operator configured, never another: an OTK in clear
	 * where a key is shared is someone else's choice, not the ITR's. */
	if (ad.wrap_id != want ||
	    lisp_sec_otk_unwrap(ad.wrap_id, s->key, s->aes ? sizeof(s->key) : 0, ad.otk_preamble,
				ad.otk, s->itr_otk, &err) < 0) {
		c->lisp_sec_otk_refused++;
		log_ratelimited(&s->rl, LOG_LEVEL_WARN, "map-resolver: LISP-SEC: ITR-OTK %s",
				ad.wrap_id != want ? "wrapped otherwise than configured"
						   : "does not unwrap");
		return -EACCES;
	}
	s->hmac_id = ad.requested_hmac_id;
	/* The ITR's preferred KDF (its EID-AD's KDF ID), else ours. */
	s->kdf_id = ad.eid_ad.kdf_id ? ad.eid_ad.kdf_id : LISP_SEC_KDF_HKDF_SHA256_128;
	s->active = true;
	return 0;
}

bool mr_sec_active(const struct mr_sec *s)
{
	return s->active;
}

bool mr_sec_proxies(const struct mr_sec *s, const struct site *site)
{
	return s->active && site && site->lisp_sec == SITE_LISP_SEC_PROXY;
}

void mr_sec_reply_note(struct mr_sec *s, const struct lisp_prefix *eid, const struct site *site)
{
	if (!s->active)
		return;
	if (site && site->lisp_sec == SITE_LISP_SEC_OFF)
		s->reply_unsigned = true;
	if (s->reply_count < 255)
		s->reply_eids[s->reply_count++] = *eid;
}

void mr_sec_forward_note(struct mr_sec *s, uint8_t rec, const struct lisp_prefix *eid,
			 const struct site *site)
{
	if (!s->active)
		return;
	s->fwd_eid[rec] = *eid;
	s->fwd_site[rec] = site;
}

size_t mr_sec_seal(struct mr_sec *s, uint8_t *msg, size_t len, size_t cap,
		   struct mr_counters *c)
{
	uint8_t eid_ad[SEC_AD_MAX], ms_otk[LISP_SEC_OTK_LEN];
	struct lisp_err err;
	ssize_t n, m;

	if (!s->active || !s->reply_count)
		return len;
	if (s->reply_unsigned) {
		c->lisp_sec_unprotected++;
		return len;
	}
	m = lisp_sec_eid_ad_build(s->reply_eids, s->reply_count, s->kdf_id, s->hmac_id,
				  s->itr_otk, eid_ad, sizeof(eid_ad), &err);
	n = m < 0 ? m : lisp_sec_ms_otk_derive(s->kdf_id, s->itr_otk, ms_otk, &err);
	if (n == 0)
		n = lisp_sec_map_reply_seal(msg, len, cap, eid_ad, (size_t)m, s->hmac_id, ms_otk,
					    &err);
	OPENSSL_cleanse(ms_otk, sizeof(ms_otk));
	if (n < 0) {
		c->lisp_sec_sign_errors++;
		log_ratelimited(&s->rl, LOG_LEVEL_WARN, "map-resolver: LISP-SEC: cannot sign: %s",
				err.msg);
		return len;
	}
	c->lisp_sec_replies_signed++;
	return (size_t)n;
}

/* The AD for an ETR of site: its prefixes' EID-AD, the MS-OTK wrapped
 * with the site's key. */
static ssize_t hop_ad(struct mr_sec *s, const struct mr_hop *hop, const struct site *site,
		      struct lisp_err *err)
{
	struct lisp_sec_ecm_ad ad = {
		.ad_type = LISP_SEC_AD_TYPE,
		.requested_hmac_id = s->hmac_id,
		.otk_len = LISP_SEC_OTK_AD_LEN,
		.wrap_id = site->lisp_sec_aes ? LISP_SEC_WRAP_AES_128 : LISP_SEC_WRAP_NULL_128,
	};
	struct lisp_prefix eids[255];
	uint8_t ms_otk[LISP_SEC_OTK_LEN];
	ssize_t n, m;
	int rc;

	for (unsigned int i = 0; i < hop->count; i++)
		eids[i] = s->fwd_eid[hop->recs[i]];
	rc = lisp_sec_ms_otk_derive(s->kdf_id, s->itr_otk, ms_otk, err);
	if (rc == 0)
		rc = lisp_sec_otk_wrap(ad.wrap_id, site->lisp_sec_key,
				       site->lisp_sec_aes ? sizeof(site->lisp_sec_key) : 0, ms_otk,
				       ad.otk_preamble, ad.otk, err);
	OPENSSL_cleanse(ms_otk, sizeof(ms_otk));
	if (rc < 0)
		return rc;
	/* The ECM AD's fixed part, then the signed EID-AD (RFC 9303, 6.1):
	 * the codec writes the EID-AD from records, so encode it once with
	 * a placeholder and put the signed bytes in its place. */
	m = lisp_sec_eid_ad_build(eids, hop->count, s->kdf_id, s->hmac_id, s->itr_otk,
				  s->ad + 64, sizeof(s->ad) - 64, err);
	if (m < 0)
		return m;
	ad.eid_ad.kdf_id = s->kdf_id;	/* the 4-byte form: the fixed part's length */
	n = lisp_sec_ecm_ad_encode(&ad, s->ad, 64, err);
	OPENSSL_cleanse(ad.otk, sizeof(ad.otk));
	if (n < 0)
		return n;
	n -= LISP_SEC_EID_AD_KDF_ONLY_LEN;
	memmove(s->ad + n, s->ad + 64, (size_t)m);
	return n + m;
}

/* *out is ecm with the AD that hop gets. */
static void sec_hop(struct mr_sec *s, const struct mr_hop *hop, const struct lisp_ecm *ecm,
		    struct lisp_ecm *out, struct mr_counters *c)
{
	const struct site *site = NULL;
	struct lisp_err err;
	ssize_t n;

	*out = *ecm;
	/* A delegated Map-Server reads the ITR's AD itself. */
	if (hop->kind == MR_HOP_MS || !ecm->sec)
		return;
	out->sec = false;
	out->sec_ad = NULL;
	out->sec_ad_len = 0;
	if (!s->active)
		return;
	for (unsigned int i = 0; i < hop->count; i++) {
		const struct site *r = s->fwd_site[hop->recs[i]];

		/* One wrap key per ECM: every record's site must sign, and
		 * be the same site. */
		if (!r || r->lisp_sec != SITE_LISP_SEC_ETR || (site && r != site)) {
			c->lisp_sec_unprotected++;
			return;
		}
		site = r;
	}
	n = site ? hop_ad(s, hop, site, &err) : -EINVAL;
	if (n < 0) {
		c->lisp_sec_sign_errors++;
		log_ratelimited(&s->rl, LOG_LEVEL_WARN, "map-resolver: LISP-SEC: %s",
				site ? err.msg : "no record to vouch for");
		return;
	}
	out->sec = true;
	out->sec_ad = s->ad;
	out->sec_ad_len = (size_t)n;
	c->lisp_sec_forwards_signed++;
}

ssize_t mr_sec_hop_ecm(struct mr_sec *s, const struct mr_hop *hop, const struct lisp_ecm *ecm,
		       const struct lisp_map_request *req, struct lisp_arena *arena,
		       uint8_t *out, size_t cap, struct mr_counters *c)
{
	struct lisp_ecm next;

	sec_hop(s, hop, ecm, &next, c);
	return mr_hop_ecm(hop, &next, req, arena, out, cap);
}
