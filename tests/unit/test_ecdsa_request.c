/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Signed Map-Requests (common/ecdsa_request.c, docs/ecdsa.md "Signed
 * Map-Requests"): the Source-EID field carries the signature record in a
 * JSON LCAF; sign, encode, decode and verify round trips; the bytes of the
 * field; every malformed field refused; a signature by another key, over
 * another nonce or target, refused.  `--emit` and `--verify` serve
 * ecdsa_request_vectors.py (unit-ecdsa_request-py), where
 * python3-cryptography checks our signatures and we check python's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>

#include "check_util.h"
#include "ecdsa_request.h"
#include "golden_ecdsa.h"

#define IID 1000

static EVP_PKEY *key, *other;
static struct ecdsa_eid self;	/* key's crypto-EID in [1000]fd00::/8 */

static void setup(void)
{
	struct ecdsa_prefix p;

	ck_assert_int_eq(ecdsa_key_generate(&key, NULL), 0);
	ck_assert_int_eq(ecdsa_key_generate(&other, NULL), 0);
	ck_assert_int_eq(ecdsa_prefix_parse("fd00::/8", IID, &p, NULL), 0);
	self = (struct ecdsa_eid){ .iid = IID, .af = AF_INET6 };
	ck_assert_int_eq(ecdsa_crypto_eid(&p, key, self.addr, NULL), 0);
}

static void teardown(void)
{
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

/* A Map-Request for target, ITR-RLOC 192.0.2.1; the storage is static. */
static struct lisp_map_request request(const char *target, uint64_t nonce)
{
	static struct lisp_request_record rec;
	static struct lisp_waddr itr, inner;
	static struct lisp_addr a;
	struct lisp_prefix p;

	ck_assert_int_eq(lisp_prefix_parse(target, &p, NULL), 0);
	rec = (struct lisp_request_record){ .mask_len = p.plen };
	lisp_waddr_from_prefix(&rec.eid, &inner, &p);
	ck_assert_int_eq(lisp_addr_parse("192.0.2.1", &a, NULL), 0);
	lisp_waddr_from_addr(&itr, &a);
	return (struct lisp_map_request){ .nonce = nonce, .itr_rloc_count = 1, .itr_rlocs = &itr,
					  .record_count = 1, .records = &rec };
}

static uint8_t wire[1024];
static uint8_t arena_buf[1 << 16];
static struct lisp_arena arena;

/* Encodes m, decodes it again into *out (arena storage). */
static size_t round_trip(const struct lisp_map_request *m, struct lisp_map_request *out)
{
	ssize_t n = lisp_map_request_encode(m, wire, sizeof(wire), NULL);

	ck_assert_int_gt(n, 0);
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	ck_assert_int_eq(lisp_map_request_decode(wire, (size_t)n, &arena, out, NULL), 0);
	return (size_t)n;
}

START_TEST(signed_round_trip_verifies)
{
	struct lisp_map_request m = request("[1000]10.20.1.5/32", 0x00c0ffee12345678ull), d;
	struct ecdsa_request_buf buf;
	struct ecdsa_request r;
	enum ecdsa_reason why;
	char text[ECDSA_SIGNED_MAX], eid[ECDSA_EID_TEXT_MAX];
	size_t n, jl;

	ck_assert_int_eq(ecdsa_request_sign(key, &self, &self, &m, &buf, NULL), 0);
	n = round_trip(&m, &d);
	/* The field (lispers.net encode_json): AFI 16387, type 14, LCAF
	 * length = JSON length + 4, the JSON, AFI 0; no IID LCAF. */
	jl = strlen(buf.json);
	ck_assert_uint_eq(wire[12] << 8 | wire[13], LISP_AFI_LCAF);
	ck_assert_uint_eq(wire[16], LCAF_TYPE_JSON);
	ck_assert_uint_eq(wire[18] << 8 | wire[19], jl + 4);
	ck_assert_uint_eq(wire[20] << 8 | wire[21], jl);
	ck_assert_mem_eq(wire + 22, buf.json, jl);
	ck_assert_uint_eq(wire[22 + jl] | wire[23 + jl], 0);
	ck_assert_uint_gt(n, 24 + jl);
	ck_assert_int_eq(ecdsa_request_decode(&d, &r, &why, NULL), 1);
	ck_assert_int_eq(ecdsa_request_verify(&r, key, &why, NULL), 0);
	ck_assert_uint_eq(r.nonce, 0x00c0ffee12345678ull);
	ck_assert_mem_eq(r.signer.addr, self.addr, 16);
	ck_assert_mem_eq(r.source.addr, self.addr, 16);
	/* The signed text: nonce in hex without leading zeros, source, target. */
	ecdsa_eid_format(&self, eid, sizeof(eid));
	ck_assert_int_gt(ecdsa_request_text(&r, text, sizeof(text)), 0);
	ck_assert_int_eq(strncmp(text, "c0ffee12345678[1000]", 20), 0);
	ck_assert_ptr_nonnull(strstr(text, eid));
	ck_assert_str_eq(text + strlen(text) - 15, "[1000]10.20.1.5");
}
END_TEST

/* python3-cryptography's signed request (golden_ecdsa.h, from
 * ecdsa_vectors.py gen) in a Source-EID field: decodes to python's nonce,
 * EIDs and signed text, and verifies under python's key. */
START_TEST(python_golden_request_verifies)
{
	struct lisp_map_request m = request("[1000]" GOLDEN_ECDSA_TARGET_EID "/128",
					    GOLDEN_ECDSA_NONCE), d;
	struct ecdsa_request r;
	enum ecdsa_reason why;
	EVP_PKEY *pub = NULL;
	char text[ECDSA_SIGNED_MAX];

	m.source_eid.afi = LISP_AFI_LCAF;
	m.source_eid.lcaf.type = LCAF_TYPE_JSON;
	m.source_eid.lcaf.json.text = GOLDEN_ECDSA_SIG_JSON_REQUEST;
	m.source_eid.lcaf.json.len = (uint16_t)strlen(GOLDEN_ECDSA_SIG_JSON_REQUEST);
	round_trip(&m, &d);
	ck_assert_int_eq(ecdsa_request_decode(&d, &r, &why, NULL), 1);
	ck_assert_int_gt(ecdsa_request_text(&r, text, sizeof(text)), 0);
	ck_assert_str_eq(text, GOLDEN_ECDSA_SIGNED_REQUEST);
	ck_assert_int_eq(ecdsa_pubkey_json_decode(GOLDEN_ECDSA_PUBKEY_JSON,
						  strlen(GOLDEN_ECDSA_PUBKEY_JSON), &pub, &why,
						  NULL), 0);
	ck_assert_int_eq(ecdsa_request_verify(&r, pub, &why, NULL), 0);
	ck_assert_int_eq(ecdsa_request_verify(&r, key, &why, NULL), -EACCES);
	EVP_PKEY_free(pub);
}
END_TEST

START_TEST(unsigned_is_unsigned)
{
	struct lisp_map_request m = request("[1000]10.20.1.5/32", 7), d;
	struct ecdsa_request r;
	enum ecdsa_reason why;

	round_trip(&m, &d);
	ck_assert_int_eq(ecdsa_request_decode(&d, &r, &why, NULL), 0);
}
END_TEST

/* A signature by another key, or over another nonce or target, fails. */
START_TEST(wrong_key_nonce_target_refused)
{
	struct lisp_map_request m = request("[1000]10.20.1.5/32", 99), d;
	struct ecdsa_request_buf buf;
	struct ecdsa_request r, t;
	enum ecdsa_reason why;

	ck_assert_int_eq(ecdsa_request_sign(key, &self, &self, &m, &buf, NULL), 0);
	round_trip(&m, &d);
	ck_assert_int_eq(ecdsa_request_decode(&d, &r, &why, NULL), 1);
	ck_assert_int_eq(ecdsa_request_verify(&r, other, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_MISMATCH);
	t = r;
	t.nonce++;
	ck_assert_int_eq(ecdsa_request_verify(&t, key, &why, NULL), -EACCES);
	t = r;
	t.target.addr[3] ^= 1;
	ck_assert_int_eq(ecdsa_request_verify(&t, key, &why, NULL), -EACCES);
	t = r;
	t.sig[10] ^= 0x80;
	ck_assert_int_eq(ecdsa_request_verify(&t, key, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_MISMATCH);
	/* r = 0: out of range, refused before any curve arithmetic. */
	t = r;
	memset(t.sig, 0, 32);
	ck_assert_int_eq(ecdsa_request_verify(&t, key, &why, NULL), -EACCES);
	ck_assert_int_eq(why, ECDSA_R_SIG_RANGE);
}
END_TEST

/* The request m with its Source-EID field replaced by JSON text. */
static int decode_with_json(const char *json, uint8_t rsvd2, const char *after, int records,
			    enum ecdsa_reason *why)
{
	struct lisp_map_request m = request("[1000]10.20.1.5/32", 5), d;
	struct lisp_request_record two[2];
	struct lisp_waddr addr = { 0 };
	struct ecdsa_request r;

	m.source_eid.afi = LISP_AFI_LCAF;
	m.source_eid.lcaf.type = LCAF_TYPE_JSON;
	m.source_eid.lcaf.rsvd2 = rsvd2;
	m.source_eid.lcaf.json.text = json;
	m.source_eid.lcaf.json.len = (uint16_t)strlen(json);
	if (after) {
		ck_assert_int_eq(lisp_addr_parse(after, &addr.plain, NULL), 0);
		addr.afi = addr.plain.afi;
		m.source_eid.lcaf.json.addr = &addr;
	}
	if (records == 2) {
		two[0] = two[1] = m.records[0];
		m.records = two;
		m.record_count = 2;
	}
	round_trip(&m, &d);
	return ecdsa_request_decode(&d, &r, why, NULL);
}

START_TEST(malformed_fields_refused)
{
	struct lisp_map_request m = request("[1000]10.20.1.5/32", 5);
	struct ecdsa_request_buf buf;
	enum ecdsa_reason why;
	char good[ECDSA_SIG_JSON_MAX], cut[ECDSA_SIG_JSON_MAX], eid[ECDSA_EID_TEXT_MAX];
	char der[ECDSA_SIG_JSON_MAX], no_src[ECDSA_SIG_JSON_MAX], v4[ECDSA_SIG_JSON_MAX];
	char *sig;

	ck_assert_int_eq(ecdsa_request_sign(key, &self, &self, &m, &buf, NULL), 0);
	snprintf(good, sizeof(good), "%s", buf.json);
	ck_assert_int_eq(decode_with_json(good, 0, NULL, 1, &why), 1);
	/* The B bit (binary JSON) or any reserved bit. */
	ck_assert_int_eq(decode_with_json(good, 1, NULL, 1, &why), -EBADMSG);
	/* An address after the text. */
	ck_assert_int_eq(decode_with_json(good, 0, "192.0.2.7", 1, &why), -EBADMSG);
	/* Two EID-records: the signed text names one target. */
	ck_assert_int_eq(decode_with_json(good, 0, NULL, 2, &why), -EBADMSG);
	/* The signature cut short by 4 base64 characters (63 bytes). */
	snprintf(cut, sizeof(cut), "%s", good);
	sig = strstr(cut, "\"signature\":\"") + 13;
	memmove(sig, sig + 4, strlen(sig + 4) + 1);
	ck_assert_int_eq(decode_with_json(cut, 0, NULL, 1, &why), -EBADMSG);
	ck_assert_int_eq(why, ECDSA_R_SIG_LENGTH);
	/* A DER signature (72 bytes) instead of r || s. */
	ecdsa_eid_format(&self, eid, sizeof(eid));
	snprintf(der, sizeof(der), "{\"signature-eid\":\"%s\",\"source-eid\":\"%s\",\"signature\":"
		 "\"%s\"}", eid, eid,
		 "MEYCIQCqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
		 "qgIhAKqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq");
	ck_assert_int_eq(decode_with_json(der, 0, NULL, 1, &why), -EBADMSG);
	ck_assert_int_eq(why, ECDSA_R_SIG_LENGTH);
	/* No source-eid; an IPv4 signature-eid; not JSON; unknown member. */
	snprintf(no_src, sizeof(no_src), "{\"signature-eid\":\"%s\",%s", eid,
		 strstr(good, "\"signature\":"));
	ck_assert_int_eq(decode_with_json(no_src, 0, NULL, 1, &why), -EBADMSG);
	ck_assert_int_eq(why, ECDSA_R_JSON_MISSING_MEMBER);
	snprintf(v4, sizeof(v4), "{\"signature-eid\":\"[1000]10.0.0.1\",\"source-eid\":\"%s\",%s",
		 eid, strstr(good, "\"signature\":"));
	ck_assert_int_eq(decode_with_json(v4, 0, NULL, 1, &why), -EBADMSG);
	ck_assert_int_eq(why, ECDSA_R_EID_SYNTAX);
	ck_assert_int_eq(decode_with_json("{\"signature\":", 0, NULL, 1, &why), -EBADMSG);
	ck_assert_int_eq(why, ECDSA_R_JSON_SYNTAX);
	ck_assert_int_eq(decode_with_json("{\"gpu\":\"H100\"}", 0, NULL, 1, &why), -EBADMSG);
	ck_assert_int_eq(why, ECDSA_R_JSON_UNKNOWN_MEMBER);
}
END_TEST

/* A target that is not an IP EID cannot be signed or decoded as signed. */
START_TEST(target_must_be_ip)
{
	struct lisp_map_request m = request("[1000]dn:agent-7", 5);
	struct ecdsa_request_buf buf;

	ck_assert_int_eq(ecdsa_request_sign(key, &self, &self, &m, &buf, NULL), -EINVAL);
	m = request("[1000]10.20.1.5/32", 5);
	m.record_count = 0;
	ck_assert_int_eq(ecdsa_request_sign(key, &self, &self, &m, &buf, NULL), -EINVAL);
}
END_TEST

static void hex_print(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

/* For unit-ecdsa_request-py: a fresh key signs a request for [1000]fd00::9;
 * prints the Map-Request in hex and the public-key record. */
static int emit(void)
{
	struct lisp_request_record rec = { .mask_len = 128 };
	struct lisp_map_request m = { .nonce = 0x0000beef00c0ffeeull, .itr_rloc_count = 1,
				      .record_count = 1, .records = &rec };
	struct lisp_prefix target;
	struct lisp_waddr itr, inner;
	struct lisp_addr a;
	struct ecdsa_request_buf buf;
	struct ecdsa_prefix p;
	char json[ECDSA_PUBKEY_JSON_MAX];
	ssize_t n;

	/* No ck_assert here: Check reports even passes to a runner. */
	if (ecdsa_key_generate(&key, NULL) < 0 || ecdsa_prefix_parse("fd00::/8", IID, &p, NULL) < 0 ||
	    lisp_prefix_parse("[1000]fd00::9/128", &target, NULL) < 0 ||
	    lisp_addr_parse("192.0.2.1", &a, NULL) < 0)
		return 1;
	self = (struct ecdsa_eid){ .iid = IID, .af = AF_INET6 };
	if (ecdsa_crypto_eid(&p, key, self.addr, NULL) < 0)
		return 1;
	lisp_waddr_from_prefix(&rec.eid, &inner, &target);
	lisp_waddr_from_addr(&itr, &a);
	m.itr_rlocs = &itr;
	if (ecdsa_request_sign(key, &self, &self, &m, &buf, NULL) < 0 ||
	    ecdsa_pubkey_json_encode(key, json, sizeof(json), NULL) < 0)
		return 1;
	n = lisp_map_request_encode(&m, wire, sizeof(wire), NULL);
	if (n < 0)
		return 1;
	hex_print(wire, (size_t)n);
	printf("%s\n", json);
	EVP_PKEY_free(key);
	return 0;
}

/* For unit-ecdsa_request-py: argv = HEX of a Map-Request, the signer's
 * public-key record.  Exit 0 when it decodes as signed, the key hashes to
 * signature-eid in fd00::/8 and the signature verifies; else prints why. */
static int verify(const char *hex, const char *pub_json)
{
	struct lisp_map_request d;
	struct ecdsa_request r;
	struct ecdsa_prefix p;
	enum ecdsa_reason why = ECDSA_R_OK;
	struct lisp_err err = { 0 };
	EVP_PKEY *pub = NULL;
	size_t n = strlen(hex) / 2;
	int rc;

	for (size_t i = 0; i < n && i < sizeof(wire); i++)
		sscanf(hex + 2 * i, "%2hhx", &wire[i]);
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	rc = lisp_map_request_decode(wire, n, &arena, &d, &err);
	if (!rc)
		rc = ecdsa_request_decode(&d, &r, &why, &err) == 1 ? 0 : -EBADMSG;
	if (!rc)
		rc = ecdsa_pubkey_json_decode(pub_json, strlen(pub_json), &pub, &why, &err);
	if (!rc)
		rc = ecdsa_prefix_parse("fd00::/8", r.signer.iid, &p, &err);
	if (!rc)
		rc = ecdsa_crypto_eid_check(&p, pub, r.signer.addr, &why, &err);
	if (!rc)
		rc = ecdsa_request_verify(&r, pub, &why, &err);
	EVP_PKEY_free(pub);
	if (rc < 0)
		printf("refused: %s (%s)\n", err.msg, ecdsa_reason_name(why));
	return rc < 0;
}

int main(int argc, char **argv)
{
	Suite *s;
	TCase *tc;

	/* The modes first: a suite made and not run is a leak under ASan. */
	if (argc == 2 && strcmp(argv[1], "--emit") == 0)
		return emit();
	if (argc == 4 && strcmp(argv[1], "--verify") == 0)
		return verify(argv[2], argv[3]);
	s = suite_create("ecdsa_request");
	tc = tcase_create("ecdsa_request");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, signed_round_trip_verifies);
	tcase_add_test(tc, python_golden_request_verifies);
	tcase_add_test(tc, unsigned_is_unsigned);
	tcase_add_test(tc, wrong_key_nonce_target_refused);
	tcase_add_test(tc, malformed_fields_refused);
	tcase_add_test(tc, target_must_be_ip);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
