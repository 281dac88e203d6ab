/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC cryptography (RFC 9303): the MS-OTK key derivation (HKDF, RFC
 * 5869), the EID HMAC and PKT HMAC, OTK wrapping (RFC 3394 AES Key Wrap),
 * and the ITR's verification of a Map-Reply.  OpenSSL 3 EVP throughout;
 * every comparison of a MAC is constant-time.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "lisp_msg.h"
#include "lisp_sec.h"
#include "msg_priv.h"
#include "wire.h"

/* Fetched once per process: a provider lookup per message is waste. */
static EVP_KDF *sec_hkdf;
static pthread_once_t sec_fetch_once = PTHREAD_ONCE_INIT;

static void sec_fetch(void)
{
	sec_hkdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
}

static const char *hmac_digest(uint16_t hmac_id)
{
	return hmac_id == LISP_SEC_HMAC_SHA1_96 ? "SHA1" : "SHA256";
}

int lisp_sec_hmac_compute(uint16_t hmac_id, const uint8_t *key, size_t key_len,
			  const uint8_t *buf, size_t len, size_t zero_off, size_t zero_len,
			  uint8_t out[LISP_SEC_HMAC_MAX], struct lisp_err *err)
{
	uint8_t full[EVP_MAX_MD_SIZE];
	size_t trunc = lisp_sec_hmac_len(hmac_id), full_len = 0;
	int rc;

	if (!trunc)
		return lisp_err_set(err, EPROTONOSUPPORT, "HMAC ID %u is not usable", hmac_id);
	if (zero_len > LISP_SEC_HMAC_MAX)
		return lisp_err_set(err, EINVAL, "HMAC field of %zu bytes, at most %u", zero_len,
				    LISP_SEC_HMAC_MAX);
	rc = lisp_hmac_zeroed(hmac_digest(hmac_id), key, key_len, buf, len, zero_off, zero_len,
			      full, &full_len, err);
	if (rc == 0 && full_len < trunc)
		rc = lisp_err_set(err, EIO, "HMAC computation failed");
	/* The IDs name truncated HMACs: the leading bytes (RFC 2104, 5). */
	if (rc == 0)
		memcpy(out, full, trunc);
	OPENSSL_cleanse(full, sizeof(full));
	return rc;
}

int lisp_sec_ms_otk_derive(uint16_t kdf_id, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			   uint8_t ms_otk[LISP_SEC_OTK_LEN], struct lisp_err *err)
{
	static const char info[] = LISP_SEC_MS_OTK_INFO;
	OSSL_PARAM params[4], *p = params;
	EVP_KDF_CTX *ctx;
	char digest[8];
	int ok;

	if (kdf_id != LISP_SEC_KDF_HKDF_SHA1_128 && kdf_id != LISP_SEC_KDF_HKDF_SHA256_128)
		return lisp_err_set(err, EPROTONOSUPPORT, "KDF ID %u (%s) is not usable", kdf_id,
				    lisp_sec_kdf_name(kdf_id));
	pthread_once(&sec_fetch_once, sec_fetch);
	if (!sec_hkdf)
		return lisp_err_set(err, ENOSYS, "OpenSSL has no HKDF implementation");
	snprintf(digest, sizeof(digest), "%s",
		 kdf_id == LISP_SEC_KDF_HKDF_SHA1_128 ? "SHA1" : "SHA256");
	/* No salt: RFC 5869 section 2.2 takes HashLen zero bytes. */
	*p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)itr_otk,
						 LISP_SEC_OTK_LEN);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info,
						 sizeof(info) - 1);
	*p = OSSL_PARAM_construct_end();
	ctx = EVP_KDF_CTX_new(sec_hkdf);
	if (!ctx)
		return lisp_err_set(err, ENOMEM, "KDF context allocation failed");
	ok = EVP_KDF_derive(ctx, ms_otk, LISP_SEC_OTK_LEN, params) > 0;
	EVP_KDF_CTX_free(ctx);
	if (!ok)
		return lisp_err_set(err, EIO, "HKDF derivation failed");
	return 0;
}

static int aes_wrap(bool wrap, const uint8_t *kek, const uint8_t *in, int in_len, uint8_t *out,
		    int *out_len)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int ok, n = 0, fin = 0;

	if (!ctx)
		return -ENOMEM;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	ok = EVP_CipherInit_ex(ctx, EVP_aes_128_wrap(), NULL, kek, NULL, wrap) &&
	     EVP_CipherUpdate(ctx, out, &n, in, in_len) > 0 &&
	     EVP_CipherFinal_ex(ctx, out + n, &fin) > 0;
	EVP_CIPHER_CTX_free(ctx);
	*out_len = n + fin;
	return ok ? 0 : -EKEYREJECTED;
}

int lisp_sec_otk_wrap(uint16_t wrap_id, const uint8_t *kek, size_t kek_len,
		      const uint8_t otk[LISP_SEC_OTK_LEN],
		      uint8_t preamble[LISP_SEC_OTK_PREAMBLE_LEN],
		      uint8_t wrapped[LISP_SEC_OTK_LEN], struct lisp_err *err)
{
	uint8_t out[LISP_SEC_OTK_AD_LEN + 16];
	int n = 0;

	switch (wrap_id) {
	case LISP_SEC_WRAP_NULL_128:
		memset(preamble, 0, LISP_SEC_OTK_PREAMBLE_LEN);
		memcpy(wrapped, otk, LISP_SEC_OTK_LEN);
		return 0;
	case LISP_SEC_WRAP_AES_128:
		if (kek_len != 16)
			return lisp_err_set(err, EINVAL, "AES-KEY-WRAP-128 needs a 16-byte key, not %zu",
					    kek_len);
		if (aes_wrap(true, kek, otk, LISP_SEC_OTK_LEN, out, &n) < 0 ||
		    n != LISP_SEC_OTK_AD_LEN)
			return lisp_err_set(err, EIO, "AES key wrap failed");
		memcpy(preamble, out, LISP_SEC_OTK_PREAMBLE_LEN);
		memcpy(wrapped, out + LISP_SEC_OTK_PREAMBLE_LEN, LISP_SEC_OTK_LEN);
		return 0;
	default:
		return lisp_err_set(err, EPROTONOSUPPORT, "OTK Wrapping ID %u (%s) is not usable",
				    wrap_id, lisp_sec_wrap_name(wrap_id));
	}
}

int lisp_sec_otk_unwrap(uint16_t wrap_id, const uint8_t *kek, size_t kek_len,
			const uint8_t preamble[LISP_SEC_OTK_PREAMBLE_LEN],
			const uint8_t wrapped[LISP_SEC_OTK_LEN], uint8_t otk[LISP_SEC_OTK_LEN],
			struct lisp_err *err)
{
	static const uint8_t zero[LISP_SEC_OTK_PREAMBLE_LEN];
	uint8_t in[LISP_SEC_OTK_AD_LEN], out[LISP_SEC_OTK_AD_LEN + 16];
	int n = 0;

	switch (wrap_id) {
	case LISP_SEC_WRAP_NULL_128:
		/* RFC 9303, section 6.1: the Preamble of a clear OTK is 0. */
		if (memcmp(preamble, zero, sizeof(zero)) != 0)
			return lisp_err_set(err, EBADMSG, "OTK Preamble not 0 under %s",
					    lisp_sec_wrap_name(wrap_id));
		memcpy(otk, wrapped, LISP_SEC_OTK_LEN);
		return 0;
	case LISP_SEC_WRAP_AES_128:
		if (kek_len != 16)
			return lisp_err_set(err, EINVAL, "AES-KEY-WRAP-128 needs a 16-byte key, not %zu",
					    kek_len);
		memcpy(in, preamble, LISP_SEC_OTK_PREAMBLE_LEN);
		memcpy(in + LISP_SEC_OTK_PREAMBLE_LEN, wrapped, LISP_SEC_OTK_LEN);
		if (aes_wrap(false, kek, in, sizeof(in), out, &n) < 0 || n != LISP_SEC_OTK_LEN)
			return lisp_err_set(err, EKEYREJECTED,
					    "AES key unwrap failed its integrity check (wrong key?)");
		memcpy(otk, out, LISP_SEC_OTK_LEN);
		OPENSSL_cleanse(out, sizeof(out));
		return 0;
	default:
		return lisp_err_set(err, EPROTONOSUPPORT, "OTK Wrapping ID %u (%s) is not usable",
				    wrap_id, lisp_sec_wrap_name(wrap_id));
	}
}

/* The HMAC ID and HMAC length of an encoded EID-AD with records, checked
 * against len: what signing and verifying need without an arena. */
static int eid_ad_hmac_field(const uint8_t *eid_ad, size_t len, uint16_t *hmac_id,
			     size_t *hmac_len, struct lisp_err *err)
{
	uint16_t claimed;

	if (len < 8)
		return lisp_err_set(err, EBADMSG, "EID-AD of %zu bytes has no HMAC", len);
	claimed = (uint16_t)(eid_ad[0] << 8 | eid_ad[1]);
	if (claimed != len)
		return lisp_err_set(err, EBADMSG, "EID-AD Length %u for %zu bytes", claimed, len);
	*hmac_id = (uint16_t)(eid_ad[6] << 8 | eid_ad[7]);
	*hmac_len = lisp_sec_hmac_len(*hmac_id);
	if (!*hmac_len)
		return lisp_err_set(err, EPROTONOSUPPORT, "EID HMAC ID %u is not usable", *hmac_id);
	if (len < 8 + *hmac_len)
		return lisp_err_set(err, EBADMSG, "EID-AD of %zu bytes is short of its HMAC", len);
	return 0;
}

int lisp_sec_eid_ad_sign(uint8_t *eid_ad, size_t len, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			 struct lisp_err *err)
{
	uint8_t mac[LISP_SEC_HMAC_MAX];
	uint16_t id = 0;
	size_t hl = 0;
	int rc;

	rc = eid_ad_hmac_field(eid_ad, len, &id, &hl, err);
	if (rc < 0)
		return rc;
	/* RFC 9303, section 6.1: the HMAC covers the whole EID-AD, its own
	 * field set to 0. */
	rc = lisp_sec_hmac_compute(id, itr_otk, LISP_SEC_OTK_LEN, eid_ad, len, len - hl, hl, mac,
				   err);
	if (rc < 0)
		return rc;
	memcpy(eid_ad + len - hl, mac, hl);
	return 0;
}

int lisp_sec_eid_ad_verify(const uint8_t *eid_ad, size_t len,
			   const uint8_t itr_otk[LISP_SEC_OTK_LEN], struct lisp_err *err)
{
	uint8_t mac[LISP_SEC_HMAC_MAX];
	uint16_t id = 0;
	size_t hl = 0;
	int rc;

	rc = eid_ad_hmac_field(eid_ad, len, &id, &hl, err);
	if (rc < 0)
		return rc;
	rc = lisp_sec_hmac_compute(id, itr_otk, LISP_SEC_OTK_LEN, eid_ad, len, len - hl, hl, mac,
				   err);
	if (rc < 0)
		return rc;
	if (CRYPTO_memcmp(mac, eid_ad + len - hl, hl) != 0)
		return lisp_err_set(err, EKEYREJECTED, "EID HMAC (%s) does not verify",
				    lisp_sec_hmac_name(id));
	return 0;
}

/* Where the PKT HMAC of an encoded Map-Reply is, from the AD's lengths. */
static int pkt_hmac_field(const uint8_t *msg, size_t len, size_t ad_offset, uint16_t *id,
			  size_t *off, size_t *hl, struct lisp_err *err)
{
	size_t eid_off = ad_offset + 4, pkt_off;
	uint16_t eid_len, pkt_len;

	if (ad_offset > len || len - ad_offset < 8)
		return lisp_err_set(err, EBADMSG, "Map-Reply has no room for a LISP-SEC AD");
	eid_len = (uint16_t)(msg[eid_off] << 8 | msg[eid_off + 1]);
	pkt_off = eid_off + eid_len;
	if (eid_len < LISP_SEC_EID_AD_KDF_ONLY_LEN || pkt_off > len || len - pkt_off < 4)
		return lisp_err_set(err, EBADMSG, "EID-AD Length %u leaves no PKT-AD", eid_len);
	pkt_len = (uint16_t)(msg[pkt_off] << 8 | msg[pkt_off + 1]);
	*id = (uint16_t)(msg[pkt_off + 2] << 8 | msg[pkt_off + 3]);
	*hl = lisp_sec_hmac_len(*id);
	if (!*hl)
		return lisp_err_set(err, EPROTONOSUPPORT, "PKT HMAC ID %u is not usable", *id);
	if (pkt_len != 4 + *hl || len - pkt_off != pkt_len)
		return lisp_err_set(err, EBADMSG, "PKT-AD Length %u with %zu bytes left", pkt_len,
				    len - pkt_off);
	*off = pkt_off + 4;
	return 0;
}

int lisp_sec_pkt_ad_sign(uint8_t *msg, size_t len, size_t ad_offset,
			 const uint8_t ms_otk[LISP_SEC_OTK_LEN], struct lisp_err *err)
{
	uint8_t mac[LISP_SEC_HMAC_MAX];
	size_t off = 0, hl = 0;
	uint16_t id = 0;
	int rc;

	rc = pkt_hmac_field(msg, len, ad_offset, &id, &off, &hl, err);
	if (rc < 0)
		return rc;
	/* RFC 9303, section 6.2: the PKT HMAC covers the whole Map-Reply, AD
	 * included, its own field set to 0. */
	rc = lisp_sec_hmac_compute(id, ms_otk, LISP_SEC_OTK_LEN, msg, len, off, hl, mac, err);
	if (rc < 0)
		return rc;
	memcpy(msg + off, mac, hl);
	return 0;
}

/* RFC 9303, section 6.9: each record's EID-prefix must equal or be more
 * specific than a prefix of the EID-AD, the Instance-ID included. */
static int records_within_eid_ad(const struct lisp_map_reply *rep,
				 const struct lisp_sec_eid_ad *ad, struct lisp_err *err)
{
	for (unsigned int i = 0; i < rep->record_count; i++) {
		struct lisp_prefix rp, ap;
		bool inside = false;

		if (lisp_waddr_to_prefix(&rep->records[i].eid, rep->records[i].mask_len, &rp,
					 NULL) < 0)
			return lisp_err_set(err, EPERM, "record %u: EID is no prefix", i);
		for (unsigned int j = 0; j < ad->record_count && !inside; j++)
			inside = lisp_waddr_to_prefix(&ad->records[j].eid, ad->records[j].mask_len,
						      &ap, NULL) == 0 &&
				 lisp_prefix_covers(&ap, &rp);
		if (!inside) {
			char text[80];

			lisp_prefix_format(&rp, text, sizeof(text));
			return lisp_err_set(err, EPERM, "record %u (%s) is outside the EID-AD", i,
					    text);
		}
	}
	return 0;
}

int lisp_sec_map_reply_verify(const uint8_t *msg, size_t len,
			      const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			      uint16_t requested_hmac_id, struct lisp_arena *a,
			      struct lisp_sec_map_reply_ad *out, struct lisp_err *err)
{
	uint8_t ms_otk[LISP_SEC_OTK_LEN], mac[LISP_SEC_HMAC_MAX];
	struct lisp_sec_map_reply_ad local, *ad = out ? out : &local;
	struct lisp_map_reply rep;
	const struct lisp_sec_eid_ad *eid;
	int rc;

	rc = lisp_map_reply_decode(msg, len, a, &rep, err);
	if (rc < 0)
		return rc;
	if (!rep.sec)
		return lisp_err_set(err, ENOMSG, "Map-Reply without the S bit");
	rc = lisp_sec_map_reply_ad_decode(msg, len, rep.sec_ad_offset, a, ad, err);
	if (rc < 0)
		return rc;
	eid = &ad->eid_ad;
	if (!eid->has_records)
		return lisp_err_set(err, ENOMSG, "Map-Reply EID-AD carries no EID-prefix");
	if (requested_hmac_id &&
	    (eid->hmac_id != requested_hmac_id || ad->pkt_hmac_id != requested_hmac_id))
		return lisp_err_set(err, ENOPROTOOPT, "asked for %s, got EID %s and PKT %s",
				    lisp_sec_hmac_name(requested_hmac_id),
				    lisp_sec_hmac_name(eid->hmac_id),
				    lisp_sec_hmac_name(ad->pkt_hmac_id));
	rc = lisp_sec_eid_ad_verify(msg + ad->eid_ad_offset, eid->len, itr_otk, err);
	if (rc < 0)
		return rc;
	rc = lisp_sec_ms_otk_derive(eid->kdf_id, itr_otk, ms_otk, err);
	if (rc < 0)
		return rc;
	rc = lisp_sec_hmac_compute(ad->pkt_hmac_id, ms_otk, sizeof(ms_otk), msg, len,
				   ad->pkt_hmac_offset, ad->pkt_hmac_len, mac, err);
	OPENSSL_cleanse(ms_otk, sizeof(ms_otk));
	if (rc < 0)
		return rc;
	if (CRYPTO_memcmp(mac, msg + ad->pkt_hmac_offset, ad->pkt_hmac_len) != 0)
		return lisp_err_set(err, EACCES, "PKT HMAC (%s) does not verify",
				    lisp_sec_hmac_name(ad->pkt_hmac_id));
	return records_within_eid_ad(&rep, eid, err);
}
