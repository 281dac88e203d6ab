/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR's part of LISP-SEC (RFC 9303, sections 6.1 and 6.9;
 * docs/security.md "LISP-SEC"): each Map-Request of a resolution leaves in
 * an ECM with the S bit and an ITR-OTK, wrapped with the key shared with
 * the Map-Resolvers; the answer is installed only when its EID HMAC
 * verifies with that OTK, its PKT HMAC with the MS-OTK derived from it,
 * and every record lies within the EID-AD's prefixes.  A forged answer is
 * dropped and counted and the resolution goes on: a spoofed Map-Reply
 * that carries the right nonce must not end it either.
 *
 * One ITR-OTK per resolution, kept over its retransmissions: they carry
 * the same nonce, and the answer to the first may arrive after the
 * second left.
 *
 * itr.lisp-sec optional accepts a Map-Reply without the S bit (a mapping
 * system that does not speak LISP-SEC); a reply with the S bit is checked
 * whatever the mode, and one whose S bit promises an AD that was cut off
 * is dropped in both.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "itr_priv.h"
#include "lisp_sec.h"

/* What we ask for: the stronger HMAC, the matching KDF (RFC 9303, 10). */
#define ITR_SEC_HMAC	LISP_SEC_HMAC_SHA256_128
#define ITR_SEC_KDF	LISP_SEC_KDF_HKDF_SHA256_128

int itr_lispsec_ecm(struct itr *itr, struct itr_pending *p, struct lisp_ecm *ecm,
		    uint8_t *buf, size_t cap)
{
	struct lisp_sec_ecm_ad ad = {
		.ad_type = LISP_SEC_AD_TYPE,
		.requested_hmac_id = ITR_SEC_HMAC,
		.otk_len = LISP_SEC_OTK_AD_LEN,
		.wrap_id = itr->params.lisp_sec_aes ? LISP_SEC_WRAP_AES_128 : LISP_SEC_WRAP_NULL_128,
		.eid_ad = { .kdf_id = ITR_SEC_KDF },
	};
	struct lisp_err err;
	ssize_t n;

	if (itr->params.lisp_sec == ITR_LISP_SEC_OFF)
		return 0;
	if (!p->sec) {
		if (RAND_bytes(p->sec_otk, sizeof(p->sec_otk)) != 1)
			return -EIO;
		p->sec = true;
	}
	if (lisp_sec_otk_wrap(ad.wrap_id, itr->params.lisp_sec_key,
			      itr->params.lisp_sec_aes ? ITR_LISP_SEC_KEY_LEN : 0, p->sec_otk,
			      ad.otk_preamble, ad.otk, &err) < 0)
		goto fail;
	n = lisp_sec_ecm_ad_encode(&ad, buf, cap, &err);
	OPENSSL_cleanse(ad.otk, sizeof(ad.otk));
	if (n < 0)
		goto fail;
	ecm->sec = true;
	ecm->sec_ad = buf;
	ecm->sec_ad_len = (size_t)n;
	itr->c.lisp_sec_requests++;
	return 0;
fail:
	itr->c.request_errors++;
	log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: cannot build LISP-SEC data: %s", err.msg);
	return -EINVAL;
}

/* The counter of each refusal lisp_sec_map_reply_verify() names. */
static uint64_t *refusal_counter(struct itr *itr, int rc)
{
	switch (rc) {
	case -ENOMSG:
		return &itr->c.lisp_sec_dropped_no_ad;
	case -ENOPROTOOPT:
		return &itr->c.lisp_sec_dropped_downgrade;
	case -EKEYREJECTED:
		return &itr->c.lisp_sec_dropped_eid_hmac;
	case -EACCES:
		return &itr->c.lisp_sec_dropped_pkt_hmac;
	case -EPERM:
		return &itr->c.lisp_sec_dropped_outside_prefix;
	default:
		return &itr->c.lisp_sec_dropped_malformed;
	}
}

bool itr_lispsec_reply_ok(struct itr *itr, struct itr_pending *p, const uint8_t *msg,
			  size_t len, struct lisp_map_reply *r)
{
	struct lisp_err err;
	int rc;

	/* Asked without an OTK (LISP-SEC off, or turned on by a reload
	 * since): there is nothing to check it with. */
	if (!p->sec)
		return true;
	if (!r->sec && itr->params.lisp_sec == ITR_LISP_SEC_OPTIONAL) {
		itr->c.lisp_sec_unsigned_accepted++;
		return true;
	}
	lisp_arena_reset(&itr->arena);
	rc = lisp_sec_map_reply_verify(msg, len, p->sec_otk, ITR_SEC_HMAC, &itr->arena, NULL,
				       &err);
	lisp_arena_reset(&itr->arena);
	if (rc == 0) {
		itr->c.lisp_sec_replies_verified++;
		/* Decoded before: it decodes again. */
		return lisp_map_reply_decode(msg, len, &itr->arena, r, NULL) == 0;
	}
	(*refusal_counter(itr, rc))++;
	log_ratelimited(&itr->rl, LOG_LEVEL_WARN, "itr: LISP-SEC: Map-Reply dropped: %s",
			err.msg);
	return false;
}

void itr_lispsec_forget(struct itr_pending *p)
{
	OPENSSL_cleanse(p->sec_otk, sizeof(p->sec_otk));
}
