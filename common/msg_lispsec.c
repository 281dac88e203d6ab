/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC Authentication Data codec (RFC 9303, sections 6.1 and 6.2).
 *
 * ECM with the S bit set (section 6.1): the AD sits between the ECM header
 * and the inner IP header.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Type=8 |S|D|E|M|            Reserved                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   ECM AD Type |V|  Reserved   |        Requested HMAC ID      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |              OTK Length       |       OTK Wrapping ID         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                     One-Time-Key Preamble ...                 |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   ... One-Time-Key Preamble                   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                      One-Time Key (128 bits)                  ~
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           EID-AD Length       |           KDF ID              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    | Record Count  |    Reserved   |         EID HMAC ID           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   Reserved    | EID mask-len  |           EID-Prefix-AFI      | Rec
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                          EID-Prefix ...                       ~ Rec
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                            EID HMAC                           ~
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   IPv4 or IPv6 Header ...                     |
 *
 * Map-Reply with the S bit set (section 6.2): after the records,
 *
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |   MR AD Type  |                 Reserved                      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           EID-AD (as above, from EID-AD Length to EID HMAC)   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         PKT-AD Length         |         PKT HMAC ID           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                            PKT HMAC                           ~
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * EID-AD Length and PKT-AD Length count their whole block, their own
 * 4-byte word included: the ITR's EID-AD, which only carries the KDF ID, is
 * "4 bytes" (section 6.1).  The HMAC length follows from its ID (12 or 16
 * bytes, the truncations the IDs name); a length that disagrees is refused.
 */
#include <errno.h>
#include <string.h>

#include "lisp_sec.h"
#include "msg_priv.h"
#include "wire.h"

#define ECM_AD_FIXED_LEN	8	/* type/V/HMAC ID + OTK Length/Wrapping ID */
#define ECM_AD_V		0x80
#define EID_AD_HDR_LEN		8	/* Length/KDF + Count/Rsvd/HMAC ID */
#define EID_REC_MIN_LEN		6	/* Reserved, mask-len, AFI 0 */
#define PKT_AD_HDR_LEN		4

const char *lisp_sec_hmac_name(uint16_t id)
{
	switch (id) {
	case LISP_SEC_HMAC_NONE:
		return "none";
	case LISP_SEC_HMAC_SHA1_96:
		return "hmac-sha-1-96";
	case LISP_SEC_HMAC_SHA256_128:
		return "hmac-sha-256-128";
	default:
		return "unassigned";
	}
}

const char *lisp_sec_kdf_name(uint16_t id)
{
	switch (id) {
	case LISP_SEC_KDF_NONE:
		return "none";
	case LISP_SEC_KDF_HKDF_SHA1_128:
		return "hkdf-sha1-128";
	case LISP_SEC_KDF_HKDF_SHA256_128:
		return "hkdf-sha256-128";
	default:
		return "unassigned";
	}
}

const char *lisp_sec_wrap_name(uint16_t id)
{
	switch (id) {
	case LISP_SEC_WRAP_NULL_128:
		return "null-key-wrap-128";
	case LISP_SEC_WRAP_AES_128:
		return "aes-key-wrap-128";
	case LISP_SEC_WRAP_RESERVED:
		return "reserved";
	default:
		return "unassigned";
	}
}

size_t lisp_sec_hmac_len(uint16_t id)
{
	switch (id) {
	case LISP_SEC_HMAC_SHA1_96:
		return 12;
	case LISP_SEC_HMAC_SHA256_128:
		return 16;
	default:
		return 0;
	}
}

static int kdf_known(uint16_t id)
{
	return id == LISP_SEC_KDF_HKDF_SHA1_128 || id == LISP_SEC_KDF_HKDF_SHA256_128;
}

static int wrap_known(uint16_t id)
{
	return id == LISP_SEC_WRAP_NULL_128 || id == LISP_SEC_WRAP_AES_128;
}

/* The EID-AD's first word and the bytes it claims, without decoding the
 * records: what finding the end of an ECM's AD needs. */
static int eid_ad_head(struct wire_rd *r, uint16_t *len, uint16_t *kdf, struct lisp_err *err)
{
	size_t left = wire_rd_left(r);

	if (wire_get_u16(r, len) < 0 || wire_get_u16(r, kdf) < 0)
		return lisp_err_set(err, EBADMSG, "EID-AD needs 4 bytes, %zu left", left);
	if (*len < LISP_SEC_EID_AD_KDF_ONLY_LEN || *len > left)
		return lisp_err_set(err, EBADMSG, "EID-AD Length %u with %zu bytes left", *len,
				    left);
	/* A Map-Server writes none, or an ID that it can derive with. */
	if (*kdf != LISP_SEC_KDF_NONE && !kdf_known(*kdf))
		return lisp_err_set(err, EPROTONOSUPPORT, "EID-AD KDF ID %u is unassigned", *kdf);
	return 0;
}

static int eid_ad_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_sec_eid_ad *out,
			 struct lisp_err *err)
{
	struct wire_rd recs;
	size_t body;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = eid_ad_head(r, &out->len, &out->kdf_id, err);
	if (rc < 0)
		return rc;
	if (out->len == LISP_SEC_EID_AD_KDF_ONLY_LEN)
		return 0;
	if (out->len < EID_AD_HDR_LEN)
		return lisp_err_set(err, EBADMSG, "EID-AD Length %u: records need 8 bytes",
				    out->len);
	out->has_records = true;
	wire_get_u8(r, &out->record_count);
	wire_get_u8(r, &out->rsvd);
	wire_get_u16(r, &out->hmac_id);
	if (!kdf_known(out->kdf_id))
		return lisp_err_set(err, EPROTONOSUPPORT,
				    "EID-AD with records needs a KDF, KDF ID is %u (%s)",
				    out->kdf_id, lisp_sec_kdf_name(out->kdf_id));
	out->hmac_len = (uint8_t)lisp_sec_hmac_len(out->hmac_id);
	if (!out->hmac_len)
		return lisp_err_set(err, EPROTONOSUPPORT, "EID HMAC ID %u (%s) is not usable",
				    out->hmac_id, lisp_sec_hmac_name(out->hmac_id));
	body = out->len - EID_AD_HDR_LEN;
	if (body < out->hmac_len)
		return lisp_err_set(err, EBADMSG, "EID-AD Length %u leaves no room for a %u-byte %s",
				    out->len, out->hmac_len, lisp_sec_hmac_name(out->hmac_id));
	body -= out->hmac_len;
	if (out->record_count == 0)
		return lisp_err_set(err, EBADMSG, "EID-AD has a HMAC but no record");
	/* Bound the work before allocating: each record is 6 bytes at least. */
	if ((size_t)out->record_count * EID_REC_MIN_LEN > body)
		return lisp_err_set(err, EBADMSG, "EID-AD Record Count %u exceeds %zu bytes",
				    out->record_count, body);
	out->records = lisp_arena_alloc(a, out->record_count * sizeof(*out->records));
	if (!out->records)
		return lisp_err_set(err, ENOMEM, "decode arena exhausted");
	wire_rd_sub(r, body, &recs);
	for (unsigned int i = 0; i < out->record_count; i++) {
		struct lisp_sec_eid_rec *rec = &out->records[i];

		if (wire_get_u8(&recs, &rec->rsvd) < 0 || wire_get_u8(&recs, &rec->mask_len) < 0)
			return lisp_err_set(err, EBADMSG, "EID-AD record %u truncated", i);
		rc = lisp_waddr_decode(&recs, a, &rec->eid, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "EID-AD record %u", i);
		rc = lisp_eid_mask_len_check(&rec->eid, rec->mask_len, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "EID-AD record %u", i);
	}
	if (wire_rd_left(&recs))
		return lisp_err_set(err, EBADMSG, "EID-AD has %zu bytes after its %u records",
				    wire_rd_left(&recs), out->record_count);
	wire_get_bytes(r, out->hmac, out->hmac_len);
	return 0;
}

static int eid_ad_encode(struct wire_wr *w, const struct lisp_sec_eid_ad *ad,
			 struct lisp_err *err)
{
	uint8_t *start = w->p;
	size_t hmac_len, n;
	int rc;

	ENC(wire_put_u16(w, 0));	/* EID-AD Length, patched below */
	ENC(wire_put_u16(w, ad->kdf_id));
	if (ad->has_records) {
		hmac_len = lisp_sec_hmac_len(ad->hmac_id);
		if (!hmac_len)
			return lisp_err_set(err, EINVAL, "EID HMAC ID %u is not usable",
					    ad->hmac_id);
		ENC(wire_put_u8(w, ad->record_count));
		ENC(wire_put_u8(w, ad->rsvd));
		ENC(wire_put_u16(w, ad->hmac_id));
		for (unsigned int i = 0; i < ad->record_count; i++) {
			ENC(wire_put_u8(w, ad->records[i].rsvd));
			ENC(wire_put_u8(w, ad->records[i].mask_len));
			rc = lisp_waddr_encode(w, &ad->records[i].eid, err);
			if (rc < 0)
				return lisp_err_prefix(err, rc, "EID-AD record %u", i);
		}
		ENC(wire_put_bytes(w, ad->hmac, hmac_len));
	}
	n = (size_t)(w->p - start);
	if (n > UINT16_MAX)
		return lisp_err_set(err, EMSGSIZE, "EID-AD of %zu bytes", n);
	wire_patch_u16(start, (uint16_t)n);
	return 0;
}

ssize_t lisp_sec_eid_ad_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			       struct lisp_sec_eid_ad *out, struct lisp_err *err)
{
	struct wire_rd r;
	int rc;

	wire_rd_init(&r, buf, len);
	rc = eid_ad_decode(&r, a, out, err);
	return rc < 0 ? rc : (ssize_t)wire_rd_off(&r);
}

ssize_t lisp_sec_eid_ad_encode(const struct lisp_sec_eid_ad *ad, uint8_t *buf, size_t cap,
			       struct lisp_err *err)
{
	struct wire_wr w;
	int rc;

	wire_wr_init(&w, buf, cap);
	rc = eid_ad_encode(&w, ad, err);
	return rc < 0 ? rc : (ssize_t)wire_wr_len(&w);
}

/* The two fixed words of the ECM AD and the OTK, checked. */
static int ecm_ad_fixed(struct wire_rd *r, struct lisp_sec_ecm_ad *out, struct lisp_err *err)
{
	uint8_t flags = 0;

	if (wire_rd_left(r) < ECM_AD_FIXED_LEN)
		return lisp_err_set(err, EBADMSG, "ECM LISP-SEC AD needs 8 bytes, %zu left",
				    wire_rd_left(r));
	wire_get_u8(r, &out->ad_type);
	wire_get_u8(r, &flags);
	wire_get_u16(r, &out->requested_hmac_id);
	wire_get_u16(r, &out->otk_len);
	wire_get_u16(r, &out->wrap_id);
	out->key_version = flags & ECM_AD_V;
	out->rsvd = flags & (uint8_t)~ECM_AD_V;
	if (out->ad_type != LISP_SEC_AD_TYPE)
		return lisp_err_set(err, EPROTONOSUPPORT, "ECM AD Type %u is not LISP-SEC (1)",
				    out->ad_type);
	if (!lisp_sec_hmac_len(out->requested_hmac_id))
		return lisp_err_set(err, EPROTONOSUPPORT, "Requested HMAC ID %u (%s) is not usable",
				    out->requested_hmac_id,
				    lisp_sec_hmac_name(out->requested_hmac_id));
	if (!wrap_known(out->wrap_id))
		return lisp_err_set(err, EPROTONOSUPPORT, "OTK Wrapping ID %u (%s) is not usable",
				    out->wrap_id, lisp_sec_wrap_name(out->wrap_id));
	if (out->otk_len != LISP_SEC_OTK_AD_LEN)
		return lisp_err_set(err, EBADMSG, "OTK Length %u, %s carries %d", out->otk_len,
				    lisp_sec_wrap_name(out->wrap_id), LISP_SEC_OTK_AD_LEN);
	if (wire_get_bytes(r, out->otk_preamble, LISP_SEC_OTK_PREAMBLE_LEN) < 0 ||
	    wire_get_bytes(r, out->otk, LISP_SEC_OTK_LEN) < 0)
		return lisp_err_set(err, EBADMSG, "OTK truncated");
	return 0;
}

ssize_t lisp_sec_ecm_ad_len(const uint8_t *buf, size_t len, struct lisp_err *err)
{
	/* Zeroed: -O3 inlines the getters and cannot see that every field
	 * the checks read was read off the wire first. */
	struct lisp_sec_ecm_ad ad = { 0 };
	struct wire_rd r;
	uint16_t eid_len = 0, kdf = 0;
	int rc;

	wire_rd_init(&r, buf, len);
	rc = ecm_ad_fixed(&r, &ad, err);
	if (rc < 0)
		return rc;
	rc = eid_ad_head(&r, &eid_len, &kdf, err);
	if (rc < 0)
		return rc;
	return (ssize_t)(ECM_AD_FIXED_LEN + LISP_SEC_OTK_AD_LEN + eid_len);
}

ssize_t lisp_sec_ecm_ad_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			       struct lisp_sec_ecm_ad *out, struct lisp_err *err)
{
	struct wire_rd r;
	int rc;

	memset(out, 0, sizeof(*out));
	wire_rd_init(&r, buf, len);
	rc = ecm_ad_fixed(&r, out, err);
	if (rc < 0)
		return rc;
	rc = eid_ad_decode(&r, a, &out->eid_ad, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "ECM LISP-SEC AD");
	return (ssize_t)wire_rd_off(&r);
}

ssize_t lisp_sec_ecm_ad_encode(const struct lisp_sec_ecm_ad *ad, uint8_t *buf, size_t cap,
			       struct lisp_err *err)
{
	struct wire_wr w;
	int rc;

	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u8(&w, ad->ad_type));
	ENC(wire_put_u8(&w, (uint8_t)((ad->key_version ? ECM_AD_V : 0) | (ad->rsvd & 0x7f))));
	ENC(wire_put_u16(&w, ad->requested_hmac_id));
	/* OTK Length is the Preamble and the key: the one size there is. */
	ENC(wire_put_u16(&w, LISP_SEC_OTK_AD_LEN));
	ENC(wire_put_u16(&w, ad->wrap_id));
	ENC(wire_put_bytes(&w, ad->otk_preamble, LISP_SEC_OTK_PREAMBLE_LEN));
	ENC(wire_put_bytes(&w, ad->otk, LISP_SEC_OTK_LEN));
	rc = eid_ad_encode(&w, &ad->eid_ad, err);
	if (rc < 0)
		return rc;
	return (ssize_t)wire_wr_len(&w);
}

int lisp_sec_map_reply_ad_decode(const uint8_t *msg, size_t len, size_t ad_offset,
				 struct lisp_arena *a, struct lisp_sec_map_reply_ad *out,
				 struct lisp_err *err)
{
	struct wire_rd r;
	uint32_t w0;
	size_t hlen;
	int rc;

	memset(out, 0, sizeof(*out));
	if (ad_offset > len)
		return lisp_err_set(err, EINVAL, "AD offset %zu past a %zu-byte Map-Reply",
				    ad_offset, len);
	wire_rd_init(&r, msg, len);
	r.p += ad_offset;
	if (wire_rd_left(&r) == 0)
		return lisp_err_set(err, ENOMSG, "Map-Reply S bit set, no LISP-SEC AD");
	if (wire_get_u32(&r, &w0) < 0)
		return lisp_err_set(err, EBADMSG, "Map-Reply AD needs 4 bytes, %zu left",
				    wire_rd_left(&r));
	out->ad_type = (uint8_t)(w0 >> 24);
	out->rsvd = w0 & 0xffffff;
	if (out->ad_type != LISP_SEC_AD_TYPE)
		return lisp_err_set(err, EPROTONOSUPPORT, "MR AD Type %u is not LISP-SEC (1)",
				    out->ad_type);
	out->eid_ad_offset = wire_rd_off(&r);
	rc = eid_ad_decode(&r, a, &out->eid_ad, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "Map-Reply LISP-SEC AD");
	if (wire_get_u16(&r, &out->pkt_ad_len) < 0 || wire_get_u16(&r, &out->pkt_hmac_id) < 0)
		return lisp_err_set(err, EBADMSG, "PKT-AD needs 4 bytes, %zu left",
				    wire_rd_left(&r));
	hlen = lisp_sec_hmac_len(out->pkt_hmac_id);
	if (!hlen)
		return lisp_err_set(err, EPROTONOSUPPORT, "PKT HMAC ID %u (%s) is not usable",
				    out->pkt_hmac_id, lisp_sec_hmac_name(out->pkt_hmac_id));
	out->pkt_hmac_len = (uint8_t)hlen;
	if (out->pkt_ad_len != PKT_AD_HDR_LEN + hlen)
		return lisp_err_set(err, EBADMSG, "PKT-AD Length %u, %s needs %zu",
				    out->pkt_ad_len, lisp_sec_hmac_name(out->pkt_hmac_id),
				    PKT_AD_HDR_LEN + hlen);
	out->pkt_hmac_offset = wire_rd_off(&r);
	if (wire_get_bytes(&r, out->pkt_hmac, hlen) < 0)
		return lisp_err_set(err, EBADMSG, "PKT HMAC truncated: %zu of %zu bytes",
				    wire_rd_left(&r), hlen);
	return lisp_msg_end_check(&r, "Map-Reply LISP-SEC AD", err);
}

ssize_t lisp_sec_map_reply_ad_encode(const struct lisp_sec_map_reply_ad *ad, uint8_t *buf,
				     size_t cap, struct lisp_err *err)
{
	struct wire_wr w;
	size_t hlen = lisp_sec_hmac_len(ad->pkt_hmac_id);
	int rc;

	if (!hlen)
		return lisp_err_set(err, EINVAL, "PKT HMAC ID %u is not usable", ad->pkt_hmac_id);
	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u32(&w, (uint32_t)ad->ad_type << 24 | (ad->rsvd & 0xffffff)));
	rc = eid_ad_encode(&w, &ad->eid_ad, err);
	if (rc < 0)
		return rc;
	ENC(wire_put_u16(&w, (uint16_t)(PKT_AD_HDR_LEN + hlen)));
	ENC(wire_put_u16(&w, ad->pkt_hmac_id));
	ENC(wire_put_bytes(&w, ad->pkt_hmac, hlen));
	return (ssize_t)wire_wr_len(&w);
}
