/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC (RFC 9303): the wire fields and the cryptography, nothing more.
 * Who sends what (the ITR, the Map-Resolver, the Map-Server, the ETR) is a
 * later step; this module gives them a codec and the HMAC/KDF computations.
 *
 * The flow (RFC 9303, section 3):
 *   ITR   picks a random 128-bit ITR-OTK and sends it in the Authentication
 *         Data of the Map-Request's ECM (the ECM's S bit set).
 *   MS    derives MS-OTK = KDF(ITR-OTK), writes an EID-AD (the EID-prefixes
 *         the ETR is authoritative for, HMAC'd with the ITR-OTK) into the
 *         ECM it forwards to the ETR, with the MS-OTK in its OTK field.
 *   ETR   copies the EID-AD into the Map-Reply's Authentication Data and
 *         HMACs the whole Map-Reply with the MS-OTK (the PKT-AD).
 *   ITR   checks the EID HMAC with its ITR-OTK, derives the MS-OTK, checks
 *         the PKT HMAC, and that each record is within an EID-AD prefix.
 *
 * Layouts (RFC 9303, sections 6.1 and 6.2; the diagrams sit in
 * msg_lispsec.c) and what each decoder checks are in docs/wire.md.
 *
 * Errors (negative errno, with err filled):
 *   -EBADMSG          truncated, a length that disagrees with the bytes, a
 *                     count that does not fit, trailing bytes
 *   -EPROTONOSUPPORT  an AD Type, HMAC ID, KDF ID or OTK Wrapping ID that
 *                     RFC 9303's registries do not assign (or NONE where a
 *                     value is required)
 *   -ENOMSG           S bit set but the Authentication Data (or its EID-AD)
 *                     is absent: a stripped EID-AD
 *   -EKEYREJECTED     the EID HMAC does not verify (wrong ITR-OTK, altered
 *                     EID-AD); also an AES key unwrap that fails its check
 *   -EACCES           the PKT HMAC does not verify (wrong MS-OTK, altered
 *                     Map-Reply)
 *   -EPERM            a Map-Reply record outside every EID-AD prefix
 *   -ENOPROTOOPT      an HMAC other than the one the ITR asked for
 *   -ENOSPC           encode buffer too small
 */
#ifndef LISPGW_LISP_SEC_H
#define LISPGW_LISP_SEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "lcaf.h"
#include "lisp_err.h"

/* "LISP ECM Authentication Data Types" / "LISP Map-Reply Authentication
 * Data Types" (RFC 9303, section 10): 1 is LISP-SEC, the only one. */
#define LISP_SEC_AD_TYPE	1

/* "LISP-SEC Preferred Authentication Data HMAC IDs" (RFC 9303, 10). */
enum lisp_sec_hmac_id {
	LISP_SEC_HMAC_NONE = 0,
	LISP_SEC_HMAC_SHA1_96 = 1,	/* HMAC-SHA-1 truncated to 96 bits */
	LISP_SEC_HMAC_SHA256_128 = 2,	/* HMAC-SHA-256 truncated to 128 */
};

/* "LISP-SEC Authentication Data Key Derivation Function IDs" (10). */
enum lisp_sec_kdf_id {
	LISP_SEC_KDF_NONE = 0,
	LISP_SEC_KDF_HKDF_SHA1_128 = 1,		/* RFC 5869 HKDF, 128-bit output */
	LISP_SEC_KDF_HKDF_SHA256_128 = 2,
};

/* "LISP-SEC Authentication Data Key Wrap IDs" (10). */
enum lisp_sec_wrap_id {
	LISP_SEC_WRAP_RESERVED = 0,
	LISP_SEC_WRAP_NULL_128 = 1,	/* OTK in clear, Preamble 0 */
	LISP_SEC_WRAP_AES_128 = 2,	/* RFC 3394 AES Key Wrap, 128-bit KEK */
};

#define LISP_SEC_OTK_LEN		16	/* the 128-bit One-Time Key */
#define LISP_SEC_OTK_PREAMBLE_LEN	8
/* OTK Length counts the Preamble and the key (RFC 9303, section 6.1): 24
 * for every wrapping the registry has (AES Key Wrap of 128 bits is 192). */
#define LISP_SEC_OTK_AD_LEN	(LISP_SEC_OTK_PREAMBLE_LEN + LISP_SEC_OTK_LEN)
#define LISP_SEC_HMAC_MAX	16
/* An EID-AD that carries only EID-AD Length and KDF ID: what the ITR sends
 * (RFC 9303, section 6.1, "EID-AD Length"). */
#define LISP_SEC_EID_AD_KDF_ONLY_LEN	4

/* One EID-AD record: the prefix the ETR is authoritative for. */
struct lisp_sec_eid_rec {
	uint8_t rsvd;		/* kept as received, written as given */
	uint8_t mask_len;
	struct lisp_waddr eid;
};

/* EID Authentication Data (RFC 9303, sections 6.1 and 6.2). */
struct lisp_sec_eid_ad {
	bool has_records;	/* false: the 4-byte form, KDF ID only */
	uint16_t kdf_id;	/* enum lisp_sec_kdf_id */
	uint8_t record_count;
	uint8_t rsvd;
	uint16_t hmac_id;	/* EID HMAC ID, enum lisp_sec_hmac_id */
	struct lisp_sec_eid_rec *records;
	uint8_t hmac_len;	/* from hmac_id: 12 or 16 */
	uint8_t hmac[LISP_SEC_HMAC_MAX];
	uint16_t len;		/* EID-AD Length: the whole EID-AD, on decode */
};

/* The Authentication Data after an ECM header whose S bit is set. */
struct lisp_sec_ecm_ad {
	uint8_t ad_type;	/* LISP_SEC_AD_TYPE */
	bool key_version;	/* V: which OTK wrapping key (rollover) */
	uint8_t rsvd;		/* 7 bits, kept */
	uint16_t requested_hmac_id;
	uint16_t otk_len;	/* LISP_SEC_OTK_AD_LEN */
	uint16_t wrap_id;	/* enum lisp_sec_wrap_id */
	uint8_t otk_preamble[LISP_SEC_OTK_PREAMBLE_LEN];
	uint8_t otk[LISP_SEC_OTK_LEN];	/* as on the wire: wrapped or clear */
	struct lisp_sec_eid_ad eid_ad;
};

/* The Authentication Data after a Map-Reply's records (S bit set). */
struct lisp_sec_map_reply_ad {
	uint8_t ad_type;	/* LISP_SEC_AD_TYPE */
	uint32_t rsvd;		/* 24 bits, kept */
	struct lisp_sec_eid_ad eid_ad;
	size_t eid_ad_offset;	/* in the Map-Reply, on decode */
	uint16_t pkt_ad_len;	/* PKT-AD Length: the whole PKT-AD, on decode */
	uint16_t pkt_hmac_id;	/* enum lisp_sec_hmac_id */
	uint8_t pkt_hmac_len;
	uint8_t pkt_hmac[LISP_SEC_HMAC_MAX];
	size_t pkt_hmac_offset;	/* in the Map-Reply, on decode */
};

const char *lisp_sec_hmac_name(uint16_t id);	/* "hmac-sha-256-128"; "unassigned" */
const char *lisp_sec_kdf_name(uint16_t id);	/* "hkdf-sha256-128" ... */
const char *lisp_sec_wrap_name(uint16_t id);	/* "null-key-wrap-128" ... */
/* Bytes of HMAC on the wire for an HMAC ID: 12, 16; 0 when unassigned. */
size_t lisp_sec_hmac_len(uint16_t id);

/*
 * Codec.  Decoders read untrusted bytes, put records in the arena and
 * never read past len.  Encoders return the bytes written or -errno.
 */

/* The ECM Authentication Data at buf (right after the ECM's 4-byte
 * header): returns its length (where the inner IP header starts). */
ssize_t lisp_sec_ecm_ad_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			       struct lisp_sec_ecm_ad *out, struct lisp_err *err);
/* Its length only, without the arena (what lisp_ecm_decode needs to find
 * the inner header); the same bounds checks on the lengths. */
ssize_t lisp_sec_ecm_ad_len(const uint8_t *buf, size_t len, struct lisp_err *err);
ssize_t lisp_sec_ecm_ad_encode(const struct lisp_sec_ecm_ad *ad, uint8_t *buf, size_t cap,
			       struct lisp_err *err);

/* The Map-Reply Authentication Data: msg is the whole Map-Reply, ad_offset
 * where its records end (lisp_map_reply.sec_ad_offset).  The AD must run to
 * the end of msg. */
int lisp_sec_map_reply_ad_decode(const uint8_t *msg, size_t len, size_t ad_offset,
				 struct lisp_arena *a, struct lisp_sec_map_reply_ad *out,
				 struct lisp_err *err);
/* Writes the AD with the PKT HMAC as given (zeros before signing). */
ssize_t lisp_sec_map_reply_ad_encode(const struct lisp_sec_map_reply_ad *ad, uint8_t *buf,
				     size_t cap, struct lisp_err *err);

/* One EID-AD alone (as a Map-Server builds it, as an ETR copies it). */
ssize_t lisp_sec_eid_ad_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			       struct lisp_sec_eid_ad *out, struct lisp_err *err);
ssize_t lisp_sec_eid_ad_encode(const struct lisp_sec_eid_ad *ad, uint8_t *buf, size_t cap,
			       struct lisp_err *err);

/*
 * Cryptography (OpenSSL 3 EVP).  Keys are the 16-byte OTKs.
 */

/* MS-OTK = HKDF(IKM = ITR-OTK, salt = none, info = LISP_SEC_MS_OTK_INFO),
 * 128 bits, with the hash of kdf_id (RFC 9303, section 6.7.1; RFC 5869). */
#define LISP_SEC_MS_OTK_INFO	"MS-OTK"
int lisp_sec_ms_otk_derive(uint16_t kdf_id, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			   uint8_t ms_otk[LISP_SEC_OTK_LEN], struct lisp_err *err);

/* Truncated HMAC of hmac_id over buf, the [zero_off, zero_off + zero_len)
 * bytes taken as zeros (the HMAC field itself). */
int lisp_sec_hmac_compute(uint16_t hmac_id, const uint8_t *key, size_t key_len,
			  const uint8_t *buf, size_t len, size_t zero_off, size_t zero_len,
			  uint8_t out[LISP_SEC_HMAC_MAX], struct lisp_err *err);

/* OTK wrapping (RFC 9303, section 6.5): NULL-KEY-WRAP-128 copies the OTK
 * and zeroes the Preamble; AES-KEY-WRAP-128 is RFC 3394 with the 16-byte
 * kek, its 24-byte output split into Preamble (first 8) and OTK field.
 * Unwrap refuses a non-zero Preamble under NULL wrap (-EBADMSG) and a
 * failed RFC 3394 integrity check (-EKEYREJECTED). */
int lisp_sec_otk_wrap(uint16_t wrap_id, const uint8_t *kek, size_t kek_len,
		      const uint8_t otk[LISP_SEC_OTK_LEN],
		      uint8_t preamble[LISP_SEC_OTK_PREAMBLE_LEN],
		      uint8_t wrapped[LISP_SEC_OTK_LEN], struct lisp_err *err);
int lisp_sec_otk_unwrap(uint16_t wrap_id, const uint8_t *kek, size_t kek_len,
			const uint8_t preamble[LISP_SEC_OTK_PREAMBLE_LEN],
			const uint8_t wrapped[LISP_SEC_OTK_LEN], uint8_t otk[LISP_SEC_OTK_LEN],
			struct lisp_err *err);

/* Map-Server: writes the EID HMAC (keyed with the ITR-OTK) into an encoded
 * EID-AD of len bytes, in place.  The EID-AD must have records. */
int lisp_sec_eid_ad_sign(uint8_t *eid_ad, size_t len, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			 struct lisp_err *err);
/* 0, -EKEYREJECTED, or a decode error. */
int lisp_sec_eid_ad_verify(const uint8_t *eid_ad, size_t len,
			   const uint8_t itr_otk[LISP_SEC_OTK_LEN], struct lisp_err *err);

/* ETR: writes the PKT HMAC (keyed with the MS-OTK) of a whole encoded
 * Map-Reply whose AD starts at ad_offset, in place. */
int lisp_sec_pkt_ad_sign(uint8_t *msg, size_t len, size_t ad_offset,
			 const uint8_t ms_otk[LISP_SEC_OTK_LEN], struct lisp_err *err);

/* An OTK wrapping key as configurations and lispgw-ctl write it: "none"
 * (NULL-KEY-WRAP-128, *aes false) or 32 hex digits (AES-KEY-WRAP-128).
 * 0 or -EINVAL. */
int lisp_sec_key_parse(const char *text, bool *aes, uint8_t key[LISP_SEC_OTK_LEN]);

/* Map-Server (lisp_sec_reply.c): an EID-AD of n prefixes (1..255) with
 * kdf_id and its EID HMAC keyed with the ITR-OTK; its length. */
struct lisp_prefix;
ssize_t lisp_sec_eid_ad_build(const struct lisp_prefix *eids, size_t n, uint16_t kdf_id,
			      uint16_t hmac_id, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			      uint8_t *buf, size_t cap, struct lisp_err *err);
/* Map-Server (proxy reply) or ETR: appends the Map-Reply AD (AD Type, the
 * EID-AD bytes as given, PKT-AD) to the Map-Reply of len bytes in msg
 * (cap bytes of room), sets its S bit and signs the PKT HMAC with the
 * MS-OTK.  Returns the new length. */
ssize_t lisp_sec_map_reply_seal(uint8_t *msg, size_t len, size_t cap, const uint8_t *eid_ad,
				size_t eid_ad_len, uint16_t pkt_hmac_id,
				const uint8_t ms_otk[LISP_SEC_OTK_LEN], struct lisp_err *err);

/*
 * ITR: everything RFC 9303 (section 6.9) asks of a Map-Reply answering a
 * LISP-SEC Map-Request: S bit and AD present, EID-AD with records, EID
 * HMAC with itr_otk, MS-OTK derived with the EID-AD's KDF ID, PKT HMAC with
 * it, each record's prefix within an EID-AD prefix (same Instance-ID).
 * requested_hmac_id 0 accepts either assigned HMAC; otherwise both HMAC IDs
 * must equal it (a downgrade is refused).  The decoded AD goes to out when
 * out is not NULL.  Returns 0 or one of the distinct errors above.
 */
int lisp_sec_map_reply_verify(const uint8_t *msg, size_t len,
			      const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			      uint16_t requested_hmac_id, struct lisp_arena *a,
			      struct lisp_sec_map_reply_ad *out, struct lisp_err *err);

#endif
