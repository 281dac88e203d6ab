/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA crypto-EIDs and signatures (draft-ietf-lisp-ecdsa-auth; the
 * revision followed, what each format is and where the draft leaves a
 * choice open are in docs/ecdsa.md).  Building blocks only: key pairs
 * (OpenSSL 3, NIST P-256), the crypto-EID derived from a public key and a
 * crypto-EID prefix, its hash-EID Distinguished Name, the public-key JSON
 * record the hash-EID mapping carries, the signature JSON record carried
 * in Map-Registers and Map-Requests, the strings that are signed, and
 * signing and verifying them.  Nothing here touches the network; the
 * Map-Server and the ETR wire it in later.
 *
 * Every decoder is strict and names why it refused an input
 * (enum ecdsa_reason, one counter name each) besides returning -errno and
 * filling struct lisp_err.
 */
#ifndef LISPGW_ECDSA_EID_H
#define LISPGW_ECDSA_EID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "lisp_err.h"

/* SubjectPublicKeyInfo DER of a P-256 key with its uncompressed point: the
 * bytes hashed into a crypto-EID. */
#define ECDSA_SPKI_DER_LEN	91
/* Raw signature r || s, 32 bytes each (docs/ecdsa.md: why not DER). */
#define ECDSA_SIG_LEN		64

/* Limits on what a sender may make us parse. */
#define ECDSA_PUBKEY_JSON_MAX	512	/* {"public-key": base64(PEM)} is ~270 */
#define ECDSA_SIG_JSON_MAX	512	/* three members, the longest ~90 */
#define ECDSA_JSON_VALUE_MAX	400	/* any one string member */

/* Crypto-EID prefixes keep at least 64 bits of hash (a shorter hash lets
 * an attacker grind a key pair onto somebody else's EID); a prefix length
 * is a multiple of 8: the hash takes the prefix's bytes (docs/ecdsa.md). */
#define ECDSA_PREFIX_LEN_MIN	8
#define ECDSA_PREFIX_LEN_MAX	64

/* "hash-" + 30 hex digits + 7 colons, NUL: the longest hash-EID (/8). */
#define ECDSA_HASH_EID_MAX	48
/* "[4294967295]" + an IPv6 address, NUL. */
#define ECDSA_EID_TEXT_MAX	64
/* Map-Request signed string: 16 hex digits and two EIDs. */
#define ECDSA_SIGNED_MAX	(16 + 2 * ECDSA_EID_TEXT_MAX)

/* Why an input was refused; the second column is its counter name. */
#define ECDSA_REASONS(X)                                                        \
	X(OK, "ok")                                                             \
	X(JSON_TOO_LONG, "json_too_long")                                       \
	X(JSON_SYNTAX, "json_syntax")                                           \
	X(JSON_NOT_OBJECT, "json_not_object")                                   \
	X(JSON_UNKNOWN_MEMBER, "json_unknown_member")                           \
	X(JSON_MISSING_MEMBER, "json_missing_member")                           \
	X(JSON_NOT_STRING, "json_not_string")                                   \
	X(JSON_VALUE_TOO_LONG, "json_value_too_long")                           \
	X(BASE64, "base64_malformed")                                           \
	X(PEM, "pem_malformed")                                                 \
	X(DER_MALFORMED, "der_malformed")                                       \
	X(DER_NONCANONICAL, "der_noncanonical")                                 \
	X(KEY_NOT_P256, "key_not_p256")                                         \
	X(SIG_LENGTH, "signature_length")                                       \
	X(SIG_RANGE, "signature_out_of_range")                                  \
	X(SIG_MISMATCH, "signature_mismatch")                                   \
	X(EID_SYNTAX, "eid_malformed")                                          \
	X(EID_NOT_IN_PREFIX, "eid_not_in_crypto_prefix")                        \
	X(EID_HASH_MISMATCH, "eid_hash_mismatch")                               \
	X(PREFIX_INVALID, "crypto_prefix_invalid")                              \
	X(KEY_FILE, "key_file")

enum ecdsa_reason {
#define ECDSA_REASON_ENUM(name, str) ECDSA_R_##name,
	ECDSA_REASONS(ECDSA_REASON_ENUM)
#undef ECDSA_REASON_ENUM
	ECDSA_R_COUNT
};

/* The counter name of a reason ("signature_mismatch"). */
const char *ecdsa_reason_name(enum ecdsa_reason r);

/* A crypto-EID prefix in an Instance-ID: an IPv6 prefix whose host bits
 * are zero. */
struct ecdsa_prefix {
	uint32_t iid;
	uint8_t addr[16];
	uint8_t len;
};

/* An EID as the JSON records write it: "[IID]ADDRESS". */
struct ecdsa_eid {
	uint32_t iid;
	int af;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* 4 bytes used for AF_INET */
};

/* What a signature record holds.  Map-Registers carry signature and
 * optionally signature-eid; Map-Requests also source-eid. */
struct ecdsa_sig_record {
	bool has_signature_eid;
	bool has_source_eid;
	struct ecdsa_eid signature_eid;
	struct ecdsa_eid source_eid;
	uint8_t sig[ECDSA_SIG_LEN];
};

/* ---- keys ---- */

/* A fresh P-256 key pair.  0 or -ENOMEM/-EIO. */
int ecdsa_key_generate(EVP_PKEY **out, struct lisp_err *err);

/* Writes the private key (PKCS#8 PEM) to path, created 0600 and never
 * over an existing file (-EEXIST). */
int ecdsa_key_save_pem(EVP_PKEY *key, const char *path, struct lisp_err *err);

/* Reads a P-256 private key.  Refuses (-EPERM, KEY_FILE) a file that its
 * group or others may read or write, -EINVAL for one that is no P-256
 * key. */
int ecdsa_key_load_pem(const char *path, EVP_PKEY **out, enum ecdsa_reason *why,
		       struct lisp_err *err);

/* The public key's SubjectPublicKeyInfo DER (uncompressed point). */
int ecdsa_pubkey_der(EVP_PKEY *key, uint8_t der[ECDSA_SPKI_DER_LEN], struct lisp_err *err);

/* A public key from DER: exactly one canonical P-256 SPKI with an
 * uncompressed point (DER_MALFORMED, DER_NONCANONICAL, KEY_NOT_P256). */
int ecdsa_pubkey_from_der(const uint8_t *der, size_t len, EVP_PKEY **out,
			  enum ecdsa_reason *why, struct lisp_err *err);

/* True when both hold the same public key. */
bool ecdsa_pubkey_equal(EVP_PKEY *a, EVP_PKEY *b);

/* ---- crypto-EIDs ---- */

/* "fd00::/8" in an IID: refuses host bits, another family, a length out of
 * [ECDSA_PREFIX_LEN_MIN, ECDSA_PREFIX_LEN_MAX] or not a multiple of 8. */
int ecdsa_prefix_parse(const char *text, uint32_t iid, struct ecdsa_prefix *out,
		       struct lisp_err *err);

/* The crypto-EID of a public key: the prefix, then the leading
 * (128 - len) bits of SHA-256(IID || the prefix's len/8 bytes || SPKI DER). */
int ecdsa_crypto_eid(const struct ecdsa_prefix *p, EVP_PKEY *pub, uint8_t eid[16],
		     struct lisp_err *err);

/* 0 when eid is the crypto-EID of pub in p; -EACCES with
 * EID_NOT_IN_PREFIX or EID_HASH_MISMATCH otherwise. */
int ecdsa_crypto_eid_check(const struct ecdsa_prefix *p, EVP_PKEY *pub, const uint8_t eid[16],
			   enum ecdsa_reason *why, struct lisp_err *err);

/* The hash-EID Distinguished Name of a crypto-EID: "hash-" and the hash
 * bits of the EID in lower-case hex, grouped by four digits from the
 * right ("hash-6b:1c2d:...").  Needs buf of ECDSA_HASH_EID_MAX. */
int ecdsa_hash_eid(const struct ecdsa_prefix *p, const uint8_t eid[16], char *buf, size_t len);

/* ---- EID text ---- */

/* "[IID]ADDRESS" with the address in RFC 5952 form.  Returns the length. */
int ecdsa_eid_format(const struct ecdsa_eid *e, char *buf, size_t len);

/* Parses "[IID]ADDRESS"; only the form ecdsa_eid_format writes is
 * accepted (EID_SYNTAX), so one EID has one text. */
int ecdsa_eid_parse(const char *s, size_t n, struct ecdsa_eid *out, enum ecdsa_reason *why,
		    struct lisp_err *err);

/* ---- signed strings (docs/ecdsa.md) ---- */

/* Map-Register: "[IID]CRYPTO-EID".  Returns the length. */
int ecdsa_signed_register(const struct ecdsa_eid *eid, char *buf, size_t len);

/* Map-Request: the nonce in lower-case hex without leading zeros, then
 * "[IID]SOURCE-EID" and "[IID]TARGET-EID".  Returns the length. */
int ecdsa_signed_request(uint64_t nonce, const struct ecdsa_eid *source,
			 const struct ecdsa_eid *target, char *buf, size_t len);

/* ---- signatures ---- */

/* ECDSA P-256 with SHA-256 over msg; sig = r || s. */
int ecdsa_sign(EVP_PKEY *key, const void *msg, size_t len, uint8_t sig[ECDSA_SIG_LEN],
	       struct lisp_err *err);

/* 0 when sig signs msg under pub; -EACCES with SIG_RANGE (r or s zero or
 * not below the group order) or SIG_MISMATCH. */
int ecdsa_verify(EVP_PKEY *pub, const void *msg, size_t len, const uint8_t sig[ECDSA_SIG_LEN],
		 enum ecdsa_reason *why, struct lisp_err *err);

/* ---- JSON records ---- */

/* {"public-key":"BASE64(PEM)"}.  Returns the length or -ENOSPC. */
int ecdsa_pubkey_json_encode(EVP_PKEY *pub, char *buf, size_t len, struct lisp_err *err);

/* The record above, at most ECDSA_PUBKEY_JSON_MAX bytes, exactly one
 * member; the PEM must be the canonical one of its key. */
int ecdsa_pubkey_json_decode(const char *json, size_t n, EVP_PKEY **out,
			     enum ecdsa_reason *why, struct lisp_err *err);

/* {"signature-eid":...,"source-eid":...,"signature":"BASE64(r||s)"} with
 * the members rec says it has.  Returns the length or -ENOSPC. */
int ecdsa_sig_json_encode(const struct ecdsa_sig_record *rec, char *buf, size_t len,
			  struct lisp_err *err);

/* At most ECDSA_SIG_JSON_MAX bytes; "signature" required, "signature-eid"
 * and "source-eid" optional, nothing else, no member twice. */
int ecdsa_sig_json_decode(const char *json, size_t n, struct ecdsa_sig_record *out,
			  enum ecdsa_reason *why, struct lisp_err *err);

/* ---- base64 (RFC 4648 section 4, padded) ---- */

/* Returns the encoded length (NUL-terminated) or -ENOSPC. */
int ecdsa_base64_encode(const uint8_t *in, size_t n, char *out, size_t len);

/* Strict: the alphabet, padding, no whitespace, zero unused bits, so one
 * byte string has one text.  Returns the decoded length or -EINVAL. */
int ecdsa_base64_decode(const char *in, size_t n, uint8_t *out, size_t len);

#endif
