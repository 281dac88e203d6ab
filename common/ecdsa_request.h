/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests (draft-ietf-lisp-ecdsa-auth, "Signed Map-Request
 * Encoding"; what was read and where it came from: docs/ecdsa.md).
 *
 * The signature travels in the Map-Request's Source-EID field: instead of
 * the source EID, a JSON LCAF (RFC 8060 type 14, AFI 0 after the text)
 * holding the signature record
 *   {"signature-eid":"[IID]SIGNER","source-eid":"[IID]SOURCE",
 *    "signature":"BASE64(r||s)"}
 * over the text NONCE || "[IID]SOURCE" || "[IID]TARGET" (ecdsa_eid.h,
 * ecdsa_signed_request).  The signer's public key is published under the
 * hash-EID of signature-eid (a crypto-EID); the verifier finds it there.
 *
 * Decoding is strict: a JSON LCAF in the Source-EID field is a signature
 * record or a malformed request, never an unsigned one.
 */
#ifndef LISPGW_ECDSA_REQUEST_H
#define LISPGW_ECDSA_REQUEST_H

#include <stdint.h>

#include <openssl/evp.h>

#include "ecdsa_eid.h"
#include "lisp_msg.h"

/* What a signed Map-Request says, as the verifier needs it. */
struct ecdsa_request {
	struct ecdsa_eid signer;	/* signature-eid: a crypto-EID (IPv6) */
	struct ecdsa_eid source;	/* source-eid */
	struct ecdsa_eid target;	/* the one EID-record's address */
	uint64_t nonce;
	uint8_t sig[ECDSA_SIG_LEN];
};

/* Room a signed Source-EID field needs: the JSON text and the LCAF it
 * sits in.  The caller keeps it alive until the request is encoded. */
struct ecdsa_request_buf {
	char json[ECDSA_SIG_JSON_MAX];
	struct lisp_waddr none;		/* AFI 0 after the text */
};

/*
 * Signs m (nonce and its one EID-record already set) as signer, with
 * source as the source EID, and sets m->source_eid to the JSON LCAF kept
 * in buf.  -EINVAL when m has not exactly one record or the record is not
 * an IPv4/IPv6 EID.
 */
int ecdsa_request_sign(EVP_PKEY *key, const struct ecdsa_eid *signer,
		       const struct ecdsa_eid *source, struct lisp_map_request *m,
		       struct ecdsa_request_buf *buf, struct lisp_err *err);

/*
 * 0: m is unsigned (its Source-EID field is no JSON LCAF).  1: signed, out
 * filled.  -EBADMSG: a JSON LCAF that is not a well-formed signed request
 * (*why names the signature record's fault when it is one, else
 * ECDSA_R_OK and err says what): not exactly one EID-record, a target that
 * is not an IPv4/IPv6 EID, LCAF flags or a binary (B) JSON, an address
 * after the text, no signature-eid or source-eid, a signature-eid that is
 * not IPv6.
 */
int ecdsa_request_decode(const struct lisp_map_request *m, struct ecdsa_request *out,
			 enum ecdsa_reason *why, struct lisp_err *err);

/* 0 when req's signature verifies under pub; -EACCES with SIG_RANGE or
 * SIG_MISMATCH.  Whether pub is the signer's key is the caller's check
 * (ecdsa_crypto_eid_check). */
int ecdsa_request_verify(const struct ecdsa_request *req, EVP_PKEY *pub,
			 enum ecdsa_reason *why, struct lisp_err *err);

/* The signed text of req (NUL-terminated); its length or -ENOSPC. */
int ecdsa_request_text(const struct ecdsa_request *req, char *buf, size_t len);

#endif
