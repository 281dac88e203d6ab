/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl lig --lisp-sec-key (docs/security.md, "LISP-SEC"): each
 * Map-Request carries a fresh ITR-OTK in its ECM (RFC 9303, 6.1), wrapped
 * with the key shared with the Map-Resolver, and each Map-Reply is checked
 * as a lispgw ITR with itr.lisp-sec: required checks it: the S bit, the EID
 * HMAC with the OTK, the PKT HMAC with the MS-OTK, HMAC-SHA-256-128 as
 * asked, every record within the EID-AD.  The verdict is printed with the
 * reply; a reply that fails makes lig fail.
 */
#include <errno.h>
#include <stdio.h>

#include <openssl/rand.h>

#include "lig_priv.h"
#include "lisp_sec.h"

int lig_sec_ecm(struct lig_sec *s, struct lisp_ecm *ecm, uint8_t *buf, size_t cap,
		struct lisp_err *err)
{
	struct lisp_sec_ecm_ad ad = {
		.ad_type = LISP_SEC_AD_TYPE,
		.requested_hmac_id = LISP_SEC_HMAC_SHA256_128,
		.otk_len = LISP_SEC_OTK_AD_LEN,
		.wrap_id = s->aes ? LISP_SEC_WRAP_AES_128 : LISP_SEC_WRAP_NULL_128,
		.eid_ad = { .kdf_id = LISP_SEC_KDF_HKDF_SHA256_128 },
	};
	ssize_t n;

	if (RAND_bytes(s->otk, sizeof(s->otk)) != 1)
		return lisp_err_set(err, EIO, "no random bytes for the ITR-OTK");
	if (lisp_sec_otk_wrap(ad.wrap_id, s->key, s->aes ? sizeof(s->key) : 0, s->otk,
			      ad.otk_preamble, ad.otk, err) < 0)
		return -EINVAL;
	n = lisp_sec_ecm_ad_encode(&ad, buf, cap, err);
	if (n < 0)
		return (int)n;
	ecm->sec = true;
	ecm->sec_ad = buf;
	ecm->sec_ad_len = (size_t)n;
	return 0;
}

/* The suffix of the ITR's lisp_sec_dropped_* counter for the same refusal. */
static const char *refusal_name(int rc)
{
	switch (rc) {
	case -ENOMSG:
		return "no_ad";
	case -ENOPROTOOPT:
		return "downgrade";
	case -EKEYREJECTED:
		return "eid_hmac";
	case -EACCES:
		return "pkt_hmac";
	case -EPERM:
		return "outside_prefix";
	default:
		return "malformed";
	}
}

const char *lig_sec_check(const struct lig_sec *s, const uint8_t *msg, size_t len,
			  struct lisp_err *err)
{
	static uint8_t arena_buf[64 * 1024];
	struct lisp_arena arena;
	int rc;

	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	rc = lisp_sec_map_reply_verify(msg, len, s->otk, LISP_SEC_HMAC_SHA256_128, &arena, NULL,
				       err);
	return rc == 0 ? NULL : refusal_name(rc);
}
