/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON records of draft-ietf-lisp-ecdsa-auth ("Hash-EID Mapping Entry":
 * the public key in the hash-EID's RLOC-record; "Signed Map-Register
 * Encoding" and "Signed Map-Request Encoding": the signature record) and
 * the strict base64 under them.  Every input is from the network: sizes
 * are checked before parsing, every refusal names its reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/pem.h>

#include "ecdsa_eid.h"

#define PEM_BEGIN	"-----BEGIN PUBLIC KEY-----\n"
#define PEM_END		"-----END PUBLIC KEY-----\n"
#define PEM_MAX		300	/* a P-256 SPKI PEM is 178 bytes */

static int refuse(enum ecdsa_reason *why, enum ecdsa_reason r, struct lisp_err *err,
		  const char *what)
{
	if (why)
		*why = r;
	return lisp_err_set(err, EINVAL, "%s (%s)", what, ecdsa_reason_name(r));
}

/* ---- base64 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int ecdsa_base64_encode(const uint8_t *in, size_t n, char *out, size_t len)
{
	size_t o = 0;

	if (len < (n + 2) / 3 * 4 + 1)
		return -ENOSPC;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = b64[v >> 18];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

static int b64_value(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int ecdsa_base64_decode(const char *in, size_t n, uint8_t *out, size_t len)
{
	size_t o = 0;

	if (n == 0 || n % 4 != 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 4) {
		int v[4], pad = 0;
		uint32_t w = 0;

		for (int k = 0; k < 4; k++) {
			/* '=' only in the last quantum's last one or two places. */
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad || (v[k] = b64_value(in[i + k])) < 0)
				return -EINVAL;
		}
		w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		/* Unused bits must be zero: otherwise two texts decode alike. */
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return -EINVAL;
		if (o + 3 - (size_t)pad > len)
			return -EINVAL;
		out[o++] = (uint8_t)(w >> 16);
		if (pad < 2)
			out[o++] = (uint8_t)(w >> 8);
		if (pad < 1)
			out[o++] = (uint8_t)w;
	}
	return (int)o;
}

/* ---- JSON object walking ---- */

/* Parses at most max bytes of one JSON object whose members are all
 * strings no longer than ECDSA_JSON_VALUE_MAX and named in allowed[]. */
static json_t *object_load(const char *json, size_t n, size_t max, const char *const *allowed,
			   enum ecdsa_reason *why, struct lisp_err *err, int *rc)
{
	json_error_t jerr;
	const char *name;
	json_t *root, *v;

	*rc = 0;
	if (n > max) {
		*rc = refuse(why, ECDSA_R_JSON_TOO_LONG, err, "JSON record too long");
		return NULL;
	}
	root = json_loadb(json, n, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		*rc = refuse(why, ECDSA_R_JSON_SYNTAX, err, "JSON record does not parse");
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		*rc = refuse(why, ECDSA_R_JSON_NOT_OBJECT, err, "JSON record is not an object");
		return NULL;
	}
	json_object_foreach(root, name, v) {
		size_t i;

		for (i = 0; allowed[i] && strcmp(allowed[i], name) != 0; i++)
			;
		if (!allowed[i]) {
			*rc = refuse(why, ECDSA_R_JSON_UNKNOWN_MEMBER, err,
				     "JSON record has an unknown member");
			break;
		}
		if (!json_is_string(v)) {
			*rc = refuse(why, ECDSA_R_JSON_NOT_STRING, err,
				     "JSON record member is not a string");
			break;
		}
		if (json_string_length(v) > ECDSA_JSON_VALUE_MAX) {
			*rc = refuse(why, ECDSA_R_JSON_VALUE_TOO_LONG, err,
				     "JSON record member too long");
			break;
		}
	}
	if (*rc < 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* ---- the public-key record ---- */

static int pubkey_pem(EVP_PKEY *pub, char *buf, size_t len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int rc = -EIO;

	if (bio && PEM_write_bio_PUBKEY(bio, pub) == 1) {
		n = BIO_get_mem_data(bio, &p);
		if (n > 0 && (size_t)n < len) {
			memcpy(buf, p, (size_t)n);
			buf[n] = '\0';
			rc = (int)n;
		} else {
			rc = -ENOSPC;
		}
	}
	BIO_free(bio);
	return rc;
}

int ecdsa_pubkey_json_encode(EVP_PKEY *pub, char *buf, size_t len, struct lisp_err *err)
{
	uint8_t der[ECDSA_SPKI_DER_LEN];
	char pem[PEM_MAX], text[(PEM_MAX + 2) / 3 * 4 + 1];
	int rc, n;

	/* Selects the uncompressed point form before the PEM is written. */
	rc = ecdsa_pubkey_der(pub, der, err);
	if (rc < 0)
		return rc;
	n = pubkey_pem(pub, pem, sizeof(pem));
	if (n < 0 || ecdsa_base64_encode((const uint8_t *)pem, (size_t)n, text, sizeof(text)) < 0)
		return lisp_err_set(err, EIO, "cannot write the public key PEM");
	/* The draft's "public-key" value is the PEM text, base64-encoded
	 * once more so that the JSON string holds no line breaks. */
	n = snprintf(buf, len, "{\"public-key\":\"%s\"}", text);
	if (n < 0 || (size_t)n >= len)
		return lisp_err_set(err, ENOSPC, "public-key record does not fit %zu bytes", len);
	return n;
}

/* PEM body lines back to DER: 64 characters a line, the last shorter. */
static int pem_body_der(const char *body, size_t n, uint8_t *der, size_t len)
{
	char joined[PEM_MAX];
	size_t j = 0, i = 0;

	while (i < n) {
		const char *nl = memchr(body + i, '\n', n - i);
		size_t line;

		if (!nl)
			return -EINVAL;
		line = (size_t)(nl - (body + i));
		if (line == 0 || line > 64 || j + line >= sizeof(joined))
			return -EINVAL;
		if (line < 64 && (size_t)(nl - body) + 1 != n)
			return -EINVAL;
		memcpy(joined + j, body + i, line);
		j += line;
		i += line + 1;
	}
	return ecdsa_base64_decode(joined, j, der, len);
}

int ecdsa_pubkey_json_decode(const char *json, size_t n, EVP_PKEY **out,
			     enum ecdsa_reason *why, struct lisp_err *err)
{
	static const char *const allowed[] = { "public-key", NULL };
	char pem[PEM_MAX + 1], again[PEM_MAX];
	uint8_t der[PEM_MAX];
	const char *text;
	json_t *root, *v;
	EVP_PKEY *key = NULL;
	int rc, plen, dlen;

	*out = NULL;
	root = object_load(json, n, ECDSA_PUBKEY_JSON_MAX, allowed, why, err, &rc);
	if (!root)
		return rc;
	v = json_object_get(root, "public-key");
	if (!v) {
		json_decref(root);
		return refuse(why, ECDSA_R_JSON_MISSING_MEMBER, err,
			      "public-key record without \"public-key\"");
	}
	text = json_string_value(v);
	plen = ecdsa_base64_decode(text, json_string_length(v), (uint8_t *)pem, PEM_MAX);
	json_decref(root);
	if (plen < 0)
		return refuse(why, ECDSA_R_BASE64, err, "\"public-key\" is not strict base64");
	pem[plen] = '\0';
	if ((size_t)plen < sizeof(PEM_BEGIN) + sizeof(PEM_END) ||
	    memcmp(pem, PEM_BEGIN, sizeof(PEM_BEGIN) - 1) != 0 ||
	    memcmp(pem + plen - (sizeof(PEM_END) - 1), PEM_END, sizeof(PEM_END) - 1) != 0)
		return refuse(why, ECDSA_R_PEM, err, "\"public-key\" is not a PUBLIC KEY PEM");
	dlen = pem_body_der(pem + sizeof(PEM_BEGIN) - 1,
			    (size_t)plen - (sizeof(PEM_BEGIN) - 1) - (sizeof(PEM_END) - 1), der,
			    sizeof(der));
	if (dlen < 0)
		return refuse(why, ECDSA_R_PEM, err, "PEM body is not 64-column base64");
	rc = ecdsa_pubkey_from_der(der, (size_t)dlen, &key, why, err);
	if (rc < 0)
		return rc;
	/* The body decoded to the canonical DER; the text around it must be
	 * the canonical PEM too (one key, one record). */
	if (pubkey_pem(key, again, sizeof(again)) != plen || memcmp(again, pem, (size_t)plen)) {
		EVP_PKEY_free(key);
		return refuse(why, ECDSA_R_PEM, err, "PEM is not in canonical form");
	}
	*out = key;
	if (why)
		*why = ECDSA_R_OK;
	return 0;
}

/* ---- the signature record ---- */

int ecdsa_sig_json_encode(const struct ecdsa_sig_record *rec, char *buf, size_t len,
			  struct lisp_err *err)
{
	char sig_eid[ECDSA_EID_TEXT_MAX] = "", src_eid[ECDSA_EID_TEXT_MAX] = "";
	char sig[(ECDSA_SIG_LEN + 2) / 3 * 4 + 1];
	int n;

	if ((rec->has_signature_eid &&
	     ecdsa_eid_format(&rec->signature_eid, sig_eid, sizeof(sig_eid)) < 0) ||
	    (rec->has_source_eid && ecdsa_eid_format(&rec->source_eid, src_eid, sizeof(src_eid)) < 0))
		return lisp_err_set(err, EINVAL, "signature record EID cannot be written");
	ecdsa_base64_encode(rec->sig, ECDSA_SIG_LEN, sig, sizeof(sig));
	n = snprintf(buf, len, "{%s%s%s%s%s%s\"signature\":\"%s\"}",
		     rec->has_signature_eid ? "\"signature-eid\":\"" : "", sig_eid,
		     rec->has_signature_eid ? "\"," : "",
		     rec->has_source_eid ? "\"source-eid\":\"" : "", src_eid,
		     rec->has_source_eid ? "\"," : "", sig);
	if (n < 0 || (size_t)n >= len)
		return lisp_err_set(err, ENOSPC, "signature record does not fit %zu bytes", len);
	return n;
}

static int member_eid(json_t *root, const char *name, bool *has, struct ecdsa_eid *eid,
		      enum ecdsa_reason *why, struct lisp_err *err)
{
	json_t *v = json_object_get(root, name);
	int rc;

	*has = v != NULL;
	if (!v)
		return 0;
	rc = ecdsa_eid_parse(json_string_value(v), json_string_length(v), eid, why, err);
	return rc < 0 ? lisp_err_prefix(err, rc, "\"%s\"", name) : 0;
}

int ecdsa_sig_json_decode(const char *json, size_t n, struct ecdsa_sig_record *out,
			  enum ecdsa_reason *why, struct lisp_err *err)
{
	static const char *const allowed[] = { "signature", "signature-eid", "source-eid", NULL };
	uint8_t sig[ECDSA_JSON_VALUE_MAX];	/* any length, to tell SIG_LENGTH */
	json_t *root, *v;
	int rc, slen;

	memset(out, 0, sizeof(*out));
	root = object_load(json, n, ECDSA_SIG_JSON_MAX, allowed, why, err, &rc);
	if (!root)
		return rc;
	rc = member_eid(root, "signature-eid", &out->has_signature_eid, &out->signature_eid, why,
			err);
	if (rc == 0)
		rc = member_eid(root, "source-eid", &out->has_source_eid, &out->source_eid, why,
				err);
	if (rc < 0) {
		json_decref(root);
		return rc;
	}
	v = json_object_get(root, "signature");
	if (!v) {
		json_decref(root);
		return refuse(why, ECDSA_R_JSON_MISSING_MEMBER, err,
			      "signature record without \"signature\"");
	}
	slen = ecdsa_base64_decode(json_string_value(v), json_string_length(v), sig, sizeof(sig));
	json_decref(root);
	if (slen < 0)
		return refuse(why, ECDSA_R_BASE64, err, "\"signature\" is not strict base64");
	if (slen != ECDSA_SIG_LEN)
		return refuse(why, ECDSA_R_SIG_LENGTH, err,
			      "\"signature\" is not 64 bytes of r || s");
	memcpy(out->sig, sig, ECDSA_SIG_LEN);
	if (why)
		*why = ECDSA_R_OK;
	return 0;
}
