/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ECDSA crypto-EIDs and signatures (common/ecdsa_eid.h) against vectors
 * python3-cryptography computed (golden_ecdsa.h, tests/unit/ecdsa_vectors.py),
 * and every refusal by its named reason.  `test_ecdsa_eid --emit` prints
 * what our code derives and signs with a fresh key, for python to check
 * (unit-ecdsa_eid-py).
 */
#include <arpa/inet.h>
#include <errno.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "check_util.h"
#include "ecdsa_eid.h"
#include "golden_ecdsa.h"

static EVP_PKEY *golden_key(void)
{
	char path[256];
	enum ecdsa_reason why;
	EVP_PKEY *key = NULL;

	t_tmp_write(path, sizeof(path), "ecdsa", GOLDEN_ECDSA_PRIV_PEM);
	ck_assert_int_eq(ecdsa_key_load_pem(path, &key, &why, NULL), 0);
	unlink(path);
	return key;
}

static struct ecdsa_prefix golden_prefix(void)
{
	struct ecdsa_prefix p;

	ck_assert_int_eq(ecdsa_prefix_parse(GOLDEN_ECDSA_PREFIX, GOLDEN_ECDSA_IID, &p, NULL), 0);
	return p;
}

static struct ecdsa_eid eid6(uint32_t iid, const char *text)
{
	struct ecdsa_eid e = { .iid = iid, .af = AF_INET6 };

	ck_assert_int_eq(inet_pton(AF_INET6, text, e.addr), 1);
	return e;
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n;
}

START_TEST(python_key_derives_python_eid)
{
	struct ecdsa_prefix p = golden_prefix();
	uint8_t der[ECDSA_SPKI_DER_LEN], want[ECDSA_SPKI_DER_LEN], eid[16];
	char text[INET6_ADDRSTRLEN], hash[ECDSA_HASH_EID_MAX];
	EVP_PKEY *key = golden_key();

	ck_assert_int_eq(ecdsa_pubkey_der(key, der, NULL), 0);
	ck_assert_uint_eq(unhex(GOLDEN_ECDSA_SPKI_HEX, want), sizeof(want));
	ck_assert_bytes_eq(der, sizeof(der), want, sizeof(want));
	ck_assert_int_eq(ecdsa_crypto_eid(&p, key, eid, NULL), 0);
	inet_ntop(AF_INET6, eid, text, sizeof(text));
	ck_assert_str_eq(text, GOLDEN_ECDSA_CRYPTO_EID);
	ck_assert_int_eq(ecdsa_hash_eid(&p, eid, hash, sizeof(hash)),
			 (int)strlen(GOLDEN_ECDSA_HASH_EID));
	ck_assert_str_eq(hash, GOLDEN_ECDSA_HASH_EID);
	ck_assert_int_eq(ecdsa_crypto_eid_check(&p, key, eid, NULL, NULL), 0);

	/* The same key as SEC1 "EC PRIVATE KEY", as EVE writes it. */
	{
		char path[256];
		EVP_PKEY *sec1 = NULL;

		t_tmp_write(path, sizeof(path), "ecdsa", GOLDEN_ECDSA_PRIV_PEM_SEC1);
		ck_assert_int_eq(ecdsa_key_load_pem(path, &sec1, NULL, NULL), 0);
		unlink(path);
		ck_assert(ecdsa_pubkey_equal(key, sec1));
		EVP_PKEY_free(sec1);
	}
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(python_records_decode_and_verify)
{
	struct ecdsa_eid self = eid6(GOLDEN_ECDSA_IID, GOLDEN_ECDSA_CRYPTO_EID);
	struct ecdsa_eid target = eid6(GOLDEN_ECDSA_IID, GOLDEN_ECDSA_TARGET_EID);
	EVP_PKEY *key = golden_key(), *pub = NULL;
	struct ecdsa_sig_record rec;
	enum ecdsa_reason why;
	char s[ECDSA_SIGNED_MAX];
	int n;

	ck_assert_int_eq(ecdsa_pubkey_json_decode(GOLDEN_ECDSA_PUBKEY_JSON,
						  strlen(GOLDEN_ECDSA_PUBKEY_JSON), &pub, &why,
						  NULL), 0);
	ck_assert(ecdsa_pubkey_equal(key, pub));

	n = ecdsa_signed_register(&self, s, sizeof(s));
	ck_assert_int_eq(n, (int)strlen(GOLDEN_ECDSA_SIGNED_REGISTER));
	ck_assert_str_eq(s, GOLDEN_ECDSA_SIGNED_REGISTER);
	ck_assert_int_eq(ecdsa_sig_json_decode(GOLDEN_ECDSA_SIG_JSON_REGISTER,
					       strlen(GOLDEN_ECDSA_SIG_JSON_REGISTER), &rec, &why,
					       NULL), 0);
	ck_assert(rec.has_signature_eid && !rec.has_source_eid);
	ck_assert_mem_eq(rec.signature_eid.addr, self.addr, 16);
	ck_assert_int_eq(ecdsa_verify(pub, s, (size_t)n, rec.sig, &why, NULL), 0);

	n = ecdsa_signed_request(GOLDEN_ECDSA_NONCE, &self, &target, s, sizeof(s));
	ck_assert_str_eq(s, GOLDEN_ECDSA_SIGNED_REQUEST);
	ck_assert_int_eq(ecdsa_sig_json_decode(GOLDEN_ECDSA_SIG_JSON_REQUEST,
					       strlen(GOLDEN_ECDSA_SIG_JSON_REQUEST), &rec, &why,
					       NULL), 0);
	ck_assert(rec.has_signature_eid && rec.has_source_eid);
	ck_assert_int_eq(ecdsa_verify(pub, s, (size_t)n, rec.sig, &why, NULL), 0);
	/* The register signature does not sign the request string. */
	ck_assert_int_eq(ecdsa_sig_json_decode(GOLDEN_ECDSA_SIG_JSON_REGISTER,
					       strlen(GOLDEN_ECDSA_SIG_JSON_REGISTER), &rec, &why,
					       NULL), 0);
	ck_assert_int_eq(ecdsa_verify(pub, s, (size_t)n, rec.sig, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_MISMATCH);
	EVP_PKEY_free(pub);
	EVP_PKEY_free(key);
}
END_TEST

/* Wrong key, a key for another EID, another IID or prefix, a changed
 * string or signature: refused, each by its reason. */
START_TEST(wrong_key_and_other_eid_refused)
{
	struct ecdsa_prefix p = golden_prefix(), q;
	struct ecdsa_eid self = eid6(GOLDEN_ECDSA_IID, GOLDEN_ECDSA_CRYPTO_EID);
	EVP_PKEY *key = golden_key(), *other = NULL;
	uint8_t sig[ECDSA_SIG_LEN], eid[16];
	struct lisp_err err;
	enum ecdsa_reason why;
	char s[ECDSA_SIGNED_MAX];
	int n = ecdsa_signed_register(&self, s, sizeof(s));

	ck_assert_int_eq(ecdsa_key_generate(&other, NULL), 0);
	ck_assert_int_eq(ecdsa_sign(key, s, (size_t)n, sig, NULL), 0);
	ck_assert_int_eq(ecdsa_verify(key, s, (size_t)n, sig, &why, NULL), 0);
	ck_assert_int_eq(ecdsa_verify(other, s, (size_t)n, sig, &why, &err), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_MISMATCH);
	ck_assert_ptr_nonnull(strstr(err.msg, "signature_mismatch"));
	s[n - 1] ^= 1;
	ck_assert_int_eq(ecdsa_verify(key, s, (size_t)n, sig, &why, NULL), -EACCES);
	s[n - 1] ^= 1;
	sig[40] ^= 0x10;
	ck_assert_int_eq(ecdsa_verify(key, s, (size_t)n, sig, &why, NULL), -EACCES);

	/* Another key's EID; our key with another EID; outside the prefix. */
	ck_assert_int_eq(ecdsa_crypto_eid_check(&p, other, self.addr, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_EID_HASH_MISMATCH);
	memcpy(eid, self.addr, 16);
	eid[15] ^= 1;
	ck_assert_int_eq(ecdsa_crypto_eid_check(&p, key, eid, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_EID_HASH_MISMATCH);
	eid[0] = 0xfc;
	ck_assert_int_eq(ecdsa_crypto_eid_check(&p, key, eid, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_EID_NOT_IN_PREFIX);
	/* The same key in another IID is another EID. */
	ck_assert_int_eq(ecdsa_prefix_parse(GOLDEN_ECDSA_PREFIX, GOLDEN_ECDSA_IID + 1, &q, NULL), 0);
	ck_assert_int_eq(ecdsa_crypto_eid_check(&q, key, self.addr, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_EID_HASH_MISMATCH);
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(signature_range_and_length)
{
	EVP_PKEY *key = golden_key();
	struct ecdsa_sig_record rec = { 0 };
	enum ecdsa_reason why;
	char json[ECDSA_SIG_JSON_MAX + 64];
	uint8_t sig[ECDSA_SIG_LEN];

	memset(sig, 0, sizeof(sig));
	sig[31] = 1;	/* s == 0 */
	ck_assert_int_eq(ecdsa_verify(key, "x", 1, sig, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_RANGE);
	memset(sig, 0xff, sizeof(sig));	/* r, s >= n */
	ck_assert_int_eq(ecdsa_verify(key, "x", 1, sig, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_RANGE);

	/* 63 and 65 bytes, and a DER signature (70-72 bytes): not r || s. */
	static const char *const bad[] = {
		"{\"signature\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
		"{\"signature\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",
		"{\"signature\":\"MEQCIBERERERERERERERERERERERERERERERERERERERERERAiAiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIg==\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(ecdsa_sig_json_decode(bad[i], strlen(bad[i]), &rec, &why, NULL),
				 -EINVAL);
		ck_assert_msg(why == ECDSA_R_SIG_LENGTH, "case %zu: %s", i, ecdsa_reason_name(why));
	}
	/* Round trip of what we write. */
	rec.has_signature_eid = true;
	rec.signature_eid = eid6(7, "fd00::1");
	memset(rec.sig, 0x5a, sizeof(rec.sig));
	ck_assert_int_gt(ecdsa_sig_json_encode(&rec, json, sizeof(json), NULL), 0);
	struct ecdsa_sig_record back;

	ck_assert_int_eq(ecdsa_sig_json_decode(json, strlen(json), &back, &why, NULL), 0);
	ck_assert(back.has_signature_eid && !back.has_source_eid);
	ck_assert_mem_eq(back.sig, rec.sig, ECDSA_SIG_LEN);
	ck_assert_int_eq(back.signature_eid.iid, 7);
	EVP_PKEY_free(key);
}
END_TEST

/* Each malformed signature record and the reason it is refused for. */
START_TEST(signature_json_refusals)
{
#define SIG "\"signature\":\"g2gcdjx9tEx5Gr08TYpdQ5dCN1/miUPneuU32QXdxtgCEaqv" \
	    "/0jeBZJjbW1tormJ1w80wqBISC4UiOBdMCk3Yg==\""
	static const struct {
		const char *json;
		enum ecdsa_reason why;
	} cases[] = {
		{ "{" SIG, ECDSA_R_JSON_SYNTAX },
		{ "[" SIG "]", ECDSA_R_JSON_SYNTAX },
		{ "[1]", ECDSA_R_JSON_NOT_OBJECT },
		{ "\"x\"", ECDSA_R_JSON_SYNTAX },	/* not even an array */
		{ "{}", ECDSA_R_JSON_MISSING_MEMBER },
		{ "{" SIG ",\"extra\":\"1\"}", ECDSA_R_JSON_UNKNOWN_MEMBER },
		{ "{" SIG "," SIG "}", ECDSA_R_JSON_SYNTAX },	/* duplicate member */
		{ "{\"signature\":64}", ECDSA_R_JSON_NOT_STRING },
		{ "{\"signature\":{\"a\":\"b\"}}", ECDSA_R_JSON_NOT_STRING },
		{ "{\"signature\":\"AAAA AAAA\"}", ECDSA_R_BASE64 },
		{ "{\"signature\":\"AAA\"}", ECDSA_R_BASE64 },
		{ "{\"signature\":\"AB==\"}", ECDSA_R_BASE64 },	/* unused bits set */
		{ "{\"signature\":\"A===\"}", ECDSA_R_BASE64 },
		{ "{\"signature\":\"AA=A\"}", ECDSA_R_BASE64 },
		{ "{\"signature\":\"\"}", ECDSA_R_BASE64 },
		{ "{" SIG ",\"signature-eid\":\"fd00::1\"}", ECDSA_R_EID_SYNTAX },
		{ "{" SIG ",\"signature-eid\":\"[01]fd00::1\"}", ECDSA_R_EID_SYNTAX },
		{ "{" SIG ",\"signature-eid\":\"[1]FD00::1\"}", ECDSA_R_EID_SYNTAX },
		{ "{" SIG ",\"signature-eid\":\"[1]fd00:0::1\"}", ECDSA_R_EID_SYNTAX },
		{ "{" SIG ",\"signature-eid\":\"[4294967296]fd00::1\"}", ECDSA_R_EID_SYNTAX },
		{ "{" SIG ",\"source-eid\":\"[1]fd00::1 \"}", ECDSA_R_EID_SYNTAX },
		{ "{" SIG ",\"source-eid\":\"[1]10.0.0.256\"}", ECDSA_R_EID_SYNTAX },
	};
	struct ecdsa_sig_record rec;
	enum ecdsa_reason why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = ECDSA_R_OK;
		ck_assert_msg(ecdsa_sig_json_decode(cases[i].json, strlen(cases[i].json), &rec, &why,
						    NULL) < 0, "case %zu accepted", i);
		ck_assert_msg(why == cases[i].why, "case %zu: %s, want %s", i,
			      ecdsa_reason_name(why), ecdsa_reason_name(cases[i].why));
	}
	/* An IPv4 source EID is an EID too. */
	static const char v4[] = "{" "\"source-eid\":\"[0]10.1.2.3\"," "\"signature\":\"g2gcdjx9tEx5"
		"Gr08TYpdQ5dCN1/miUPneuU32QXdxtgCEaqv/0jeBZJjbW1tormJ1w80wqBISC4UiOBdMCk3Yg==\"}";
	ck_assert_int_eq(ecdsa_sig_json_decode(v4, strlen(v4), &rec, &why, NULL), 0);
	ck_assert_int_eq(rec.source_eid.af, AF_INET);
}
#undef SIG
END_TEST

/* Past the size limits: refused before parsing, whatever the content. */
START_TEST(json_past_limits)
{
	char big[2048], val[ECDSA_JSON_VALUE_MAX + 2];
	struct ecdsa_sig_record rec;
	enum ecdsa_reason why;
	EVP_PKEY *pub = NULL;

	memset(big, ' ', sizeof(big));
	memcpy(big, "{}", 2);
	ck_assert_int_eq(ecdsa_sig_json_decode(big, ECDSA_SIG_JSON_MAX + 1, &rec, &why, NULL),
			 -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_JSON_TOO_LONG);
	ck_assert_int_eq(ecdsa_pubkey_json_decode(big, ECDSA_PUBKEY_JSON_MAX + 1, &pub, &why, NULL),
			 -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_JSON_TOO_LONG);
	/* One member longer than any record needs, inside the record limit. */
	memset(val, 'A', sizeof(val) - 1);
	val[sizeof(val) - 1] = '\0';
	snprintf(big, sizeof(big), "{\"signature\":\"%s\"}", val);
	ck_assert_int_le(strlen(big), ECDSA_SIG_JSON_MAX);
	ck_assert_int_eq(ecdsa_sig_json_decode(big, strlen(big), &rec, &why, NULL), -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_JSON_VALUE_TOO_LONG);
	/* Deep nesting within the limit: one parse, then refused. */
	memset(big, '[', 200);
	memset(big + 200, ']', 200);
	ck_assert_int_eq(ecdsa_sig_json_decode(big, 400, &rec, &why, NULL), -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_JSON_NOT_OBJECT);
	/* A NUL inside. */
	ck_assert_int_eq(ecdsa_sig_json_decode("{\"signature\":\"\\u0000\"}", 23, &rec, &why, NULL),
			 -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_JSON_SYNTAX);
}
END_TEST

static int pubkey_record(const uint8_t *der, size_t n, char *json, size_t len)
{
	char b[600], pem[400], text[800];
	int k, o;

	k = ecdsa_base64_encode(der, n, b, sizeof(b));
	o = snprintf(pem, sizeof(pem), "-----BEGIN PUBLIC KEY-----\n");
	for (int i = 0; i < k; i += 64)
		o += snprintf(pem + o, sizeof(pem) - (size_t)o, "%.64s\n", b + i);
	o += snprintf(pem + o, sizeof(pem) - (size_t)o, "-----END PUBLIC KEY-----\n");
	ecdsa_base64_encode((const uint8_t *)pem, (size_t)o, text, sizeof(text));
	return snprintf(json, len, "{\"public-key\":\"%s\"}", text);
}

/* Truncated and non-canonical DER, compressed points, trailing bytes,
 * another curve, a PEM that is not the canonical one. */
START_TEST(pubkey_der_refusals)
{
	uint8_t der[ECDSA_SPKI_DER_LEN + 8], ber[ECDSA_SPKI_DER_LEN + 1];
	char json[ECDSA_PUBKEY_JSON_MAX + 64];
	enum ecdsa_reason why;
	EVP_PKEY *pub = NULL, *key = golden_key();
	int n;

	ck_assert_uint_eq(unhex(GOLDEN_ECDSA_SPKI_HEX, der), ECDSA_SPKI_DER_LEN);
	n = pubkey_record(der, ECDSA_SPKI_DER_LEN, json, sizeof(json));
	ck_assert_int_eq(ecdsa_pubkey_json_decode(json, (size_t)n, &pub, &why, NULL), 0);
	ck_assert(ecdsa_pubkey_equal(pub, key));
	EVP_PKEY_free(pub);

	/* Truncated, at every length. */
	for (size_t len = 1; len < ECDSA_SPKI_DER_LEN; len++) {
		ck_assert_int_eq(ecdsa_pubkey_from_der(der, len, &pub, &why, NULL), -EINVAL);
		ck_assert_msg(why == ECDSA_R_DER_MALFORMED, "len %zu: %s", len,
			      ecdsa_reason_name(why));
	}
	n = pubkey_record(der, 60, json, sizeof(json));
	ck_assert_int_eq(ecdsa_pubkey_json_decode(json, (size_t)n, &pub, &why, NULL), -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_DER_MALFORMED);
	/* Trailing bytes. */
	der[ECDSA_SPKI_DER_LEN] = 0;
	ck_assert_int_eq(ecdsa_pubkey_from_der(der, ECDSA_SPKI_DER_LEN + 1, &pub, &why, NULL),
			 -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_DER_MALFORMED);
	/* BER long-form length of the outer SEQUENCE (0x30 0x81 0x59). */
	ber[0] = 0x30;
	ber[1] = 0x81;
	memcpy(ber + 2, der + 1, ECDSA_SPKI_DER_LEN - 1);
	ck_assert_int_eq(ecdsa_pubkey_from_der(ber, sizeof(ber), &pub, &why, NULL), -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_DER_NONCANONICAL);	/* OpenSSL itself takes BER */
	n = pubkey_record(ber, sizeof(ber), json, sizeof(json));
	ck_assert_int_eq(ecdsa_pubkey_json_decode(json, (size_t)n, &pub, &why, NULL), -EINVAL);
	ck_assert_int_eq(why, ECDSA_R_DER_NONCANONICAL);
	/* The same point compressed: a valid key, not the canonical form. */
	{
		static const uint8_t head[] = { 0x30, 0x39, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
						0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
						0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x22, 0x00 };
		uint8_t c[sizeof(head) + 33];

		memcpy(c, head, sizeof(head));
		c[sizeof(head)] = 0x02 | (der[ECDSA_SPKI_DER_LEN - 1] & 1);
		memcpy(c + sizeof(head) + 1, der + 27, 32);
		ck_assert_int_eq(ecdsa_pubkey_from_der(c, sizeof(c), &pub, &why, NULL), -EINVAL);
		ck_assert_int_eq(why, ECDSA_R_DER_NONCANONICAL);
	}
	/* A P-384 key. */
	{
		EVP_PKEY *k384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		unsigned char *p = NULL;
		int len = i2d_PUBKEY(k384, &p);

		ck_assert_int_eq(ecdsa_pubkey_from_der(p, (size_t)len, &pub, &why, NULL), -EINVAL);
		ck_assert_int_eq(why, ECDSA_R_KEY_NOT_P256);
		OPENSSL_free(p);
		EVP_PKEY_free(k384);
	}
	/* PEM forms: CRLF lines, a short line in the middle, another label. */
	{
		static const char *const pems[] = {
			"LS0tLS1CRUdJTiBQVUJMSUMgS0VZLS0tLS0NCk1Ga3c=",
			"LS0tLS1CRUdJTiBFQyBQVUJMSUMgS0VZLS0tLS0K",
		};
		for (size_t i = 0; i < 2; i++) {
			snprintf(json, sizeof(json), "{\"public-key\":\"%s\"}", pems[i]);
			ck_assert_int_eq(ecdsa_pubkey_json_decode(json, strlen(json), &pub, &why,
								  NULL), -EINVAL);
			ck_assert_msg(why == ECDSA_R_PEM, "pem %zu: %s", i, ecdsa_reason_name(why));
		}
	}
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(prefix_and_hash_eid)
{
	static const char *const bad[] = { "fd00::/7", "fd00::/4", "fd00::/12", "fd00::/72",
					   "fd00::/0", "fd00::1/8",
					   "10.0.0.0/8", "fd00::", "fd00::/", "fd00::/8x" };
	struct ecdsa_prefix p;
	uint8_t eid[16];
	char h[ECDSA_HASH_EID_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ecdsa_prefix_parse(bad[i], 0, &p, NULL) == -EINVAL, "%s", bad[i]);
	/* /64: 16 digits, four groups; /24: 26 digits, a leading 2-digit group. */
	ck_assert_int_eq(ecdsa_prefix_parse("2001:db8:1:2::/64", 0, &p, NULL), 0);
	inet_pton(AF_INET6, "2001:db8:1:2:a:bc:def:1234", eid);
	ecdsa_hash_eid(&p, eid, h, sizeof(h));
	ck_assert_str_eq(h, "hash-000a:00bc:0def:1234");
	ck_assert_int_eq(ecdsa_prefix_parse("fd00:ab00::/24", 0, &p, NULL), 0);
	inet_pton(AF_INET6, "fd00:ab45:6789:abcd:ef01:2345:6789:abcd", eid);
	ecdsa_hash_eid(&p, eid, h, sizeof(h));
	ck_assert_str_eq(h, "hash-45:6789:abcd:ef01:2345:6789:abcd");
}
END_TEST

START_TEST(key_file_is_private)
{
	char dir[256], path[300];
	EVP_PKEY *key = NULL, *back = NULL;
	enum ecdsa_reason why;
	struct stat st;

	t_tmpdir(dir, sizeof(dir), "ecdsa");
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	ck_assert_int_eq(ecdsa_key_generate(&key, NULL), 0);
	umask(0);	/* the mode must not depend on the caller's umask */
	ck_assert_int_eq(ecdsa_key_save_pem(key, path, NULL), 0);
	umask(022);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(ecdsa_key_save_pem(key, path, NULL), -EEXIST);
	ck_assert_int_eq(ecdsa_key_load_pem(path, &back, &why, NULL), 0);
	ck_assert(ecdsa_pubkey_equal(key, back));
	EVP_PKEY_free(back);
	chmod(path, 0640);
	ck_assert_int_eq(ecdsa_key_load_pem(path, &back, &why, NULL), -EPERM);
	ck_assert_int_eq(why, ECDSA_R_KEY_FILE);
	unlink(path);
	/* A passphrase-protected key is refused at once, never prompted for. */
	{
		FILE *f;
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);

		ck_assert_int_ge(fd, 0);
		f = fdopen(fd, "w");
		ck_assert(PEM_write_PrivateKey(f, key, EVP_aes_128_cbc(), (unsigned char *)"pw", 2,
					       NULL, NULL) == 1);
		fclose(f);
		ck_assert_int_eq(ecdsa_key_load_pem(path, &back, &why, NULL), -EINVAL);
		ck_assert_int_eq(why, ECDSA_R_KEY_NOT_P256);
		unlink(path);
	}
	/* A symbolic link is not followed. */
	ck_assert_int_eq(symlink("/dev/null", path), 0);
	ck_assert_int_lt(ecdsa_key_load_pem(path, &back, &why, NULL), 0);
	ck_assert_int_eq(ecdsa_key_save_pem(key, path, NULL), -EEXIST);
	unlink(path);
	rmdir(dir);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(base64_strict)
{
	static const uint8_t in[] = { 0xfb, 0xff, 0x00, 0x10, 0x83 };
	uint8_t out[8];
	char t[16];

	for (size_t n = 1; n <= sizeof(in); n++) {
		int k = ecdsa_base64_encode(in, n, t, sizeof(t));

		ck_assert_int_eq(ecdsa_base64_decode(t, (size_t)k, out, sizeof(out)), (int)n);
		ck_assert_mem_eq(out, in, n);
	}
	ck_assert_str_eq(t, "+/8AEIM=");
	ck_assert_int_eq(ecdsa_base64_decode("+/8AEIM=", 8, out, 3), -EINVAL);
	ck_assert_int_eq(ecdsa_base64_decode("-_8AEIM=", 8, out, sizeof(out)), -EINVAL);
	ck_assert_int_eq(ecdsa_base64_encode(in, 5, t, 8), -ENOSPC);
}
END_TEST

/* For unit-ecdsa_eid-py: a fresh key's records, signed by our code. */
static int emit(void)
{
	struct ecdsa_prefix p;
	struct ecdsa_sig_record rec = { .has_signature_eid = true };
	struct ecdsa_eid self, target;
	char json[ECDSA_PUBKEY_JSON_MAX], s[ECDSA_SIGNED_MAX], h[ECDSA_HASH_EID_MAX];
	char text[INET6_ADDRSTRLEN];
	EVP_PKEY *key = NULL;
	int n;

	if (ecdsa_key_generate(&key, NULL) < 0 || ecdsa_prefix_parse("fd00::/8", 77, &p, NULL) < 0)
		return 1;
	self = (struct ecdsa_eid){ .iid = 77, .af = AF_INET6 };
	target = (struct ecdsa_eid){ .iid = 77, .af = AF_INET6 };
	inet_pton(AF_INET6, "fd00::2", target.addr);
	if (ecdsa_crypto_eid(&p, key, self.addr, NULL) < 0 ||
	    ecdsa_pubkey_json_encode(key, json, sizeof(json), NULL) < 0)
		return 1;
	ecdsa_hash_eid(&p, self.addr, h, sizeof(h));
	inet_ntop(AF_INET6, self.addr, text, sizeof(text));
	printf("iid 77\nprefix fd00::/8\npubkey_json %s\ncrypto_eid %s\nhash_eid %s\n", json, text,
	       h);
	rec.signature_eid = self;
	n = ecdsa_signed_register(&self, s, sizeof(s));
	if (ecdsa_sign(key, s, (size_t)n, rec.sig, NULL) < 0 ||
	    ecdsa_sig_json_encode(&rec, json, sizeof(json), NULL) < 0)
		return 1;
	printf("signed_register %s\nsig_json_register %s\n", s, json);
	rec.has_source_eid = true;
	rec.source_eid = self;
	n = ecdsa_signed_request(0x00ab00cd00ef0012ull, &self, &target, s, sizeof(s));
	if (ecdsa_sign(key, s, (size_t)n, rec.sig, NULL) < 0 ||
	    ecdsa_sig_json_encode(&rec, json, sizeof(json), NULL) < 0)
		return 1;
	printf("nonce 00ab00cd00ef0012\ntarget [77]fd00::2\nsigned_request %s\nsig_json_request %s\n",
	       s, json);
	EVP_PKEY_free(key);
	return 0;
}

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	if (argc == 2 && strcmp(argv[1], "--emit") == 0)
		return emit();	/* before the suite, which it would leak */
	s = suite_create("ecdsa_eid");
	tc = tcase_create("ecdsa");
	tcase_add_test(tc, python_key_derives_python_eid);
	tcase_add_test(tc, python_records_decode_and_verify);
	tcase_add_test(tc, wrong_key_and_other_eid_refused);
	tcase_add_test(tc, signature_range_and_length);
	tcase_add_test(tc, signature_json_refusals);
	tcase_add_test(tc, json_past_limits);
	tcase_add_test(tc, pubkey_der_refusals);
	tcase_add_test(tc, prefix_and_hash_eid);
	tcase_add_test(tc, key_file_is_private);
	tcase_add_test(tc, base64_strict);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
