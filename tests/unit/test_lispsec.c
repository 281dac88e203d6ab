/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC (RFC 9303) codec and crypto against golden_lispsec.h, whose
 * bytes and HKDF / HMAC / AES Key Wrap values come from
 * gen_lispsec_vectors.py (python3-cryptography), not from our code.
 */
#include <errno.h>

#include "check_util.h"
#include "golden_lispsec.h"
#include "lisp_msg.h"
#include "lisp_sec.h"

static uint8_t arena_buf[1 << 18];
static struct lisp_arena arena;

static void setup(void)
{
	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
}

/* Map-Reply golden offsets: 12 header + 16 record + 12 locator = 40. */
#define MR_EID_AD_OFF	(GOLDEN_MAP_REPLY_SEC_AD_OFF + 4)
#define MR_PKT_AD_OFF	(MR_EID_AD_OFF + 32)

static int mr_verify(const uint8_t *msg, size_t len, const uint8_t *otk, uint16_t req,
		     struct lisp_err *err)
{
	uint8_t *copy = exact_copy(msg, len);
	int rc;

	lisp_arena_reset(&arena);
	rc = lisp_sec_map_reply_verify(copy, len, otk, req, &arena, NULL, err);
	free(copy);
	return rc;
}

START_TEST(hkdf_matches_python)
{
	uint8_t out[16];
	struct lisp_err err;

	ck_assert_int_eq(lisp_sec_ms_otk_derive(2, vec_itr_otk, out, &err), 0);
	ck_assert_bytes_eq(out, 16, vec_ms_otk_sha256, 16);
	ck_assert_int_eq(lisp_sec_ms_otk_derive(1, vec_itr_otk, out, &err), 0);
	ck_assert_bytes_eq(out, 16, vec_ms_otk_sha1, 16);
	ck_assert_int_eq(lisp_sec_ms_otk_derive(0, vec_itr_otk, out, &err), -EPROTONOSUPPORT);
	ck_assert_int_eq(lisp_sec_ms_otk_derive(3, vec_itr_otk, out, &err), -EPROTONOSUPPORT);
}
END_TEST

START_TEST(otk_wrap_matches_python)
{
	uint8_t pre[8], wr[16], otk[16], bad_kek[16];
	struct lisp_err err;

	ck_assert_int_eq(lisp_sec_otk_wrap(2, vec_kek, 16, vec_ms_otk_sha256, pre, wr, &err), 0);
	ck_assert_bytes_eq(pre, 8, vec_aes_wrapped_ms_otk, 8);
	ck_assert_bytes_eq(wr, 16, vec_aes_wrapped_ms_otk + 8, 16);
	ck_assert_int_eq(lisp_sec_otk_unwrap(2, vec_kek, 16, pre, wr, otk, &err), 0);
	ck_assert_bytes_eq(otk, 16, vec_ms_otk_sha256, 16);
	/* Another key fails RFC 3394's integrity check. */
	memcpy(bad_kek, vec_kek, 16);
	bad_kek[0] ^= 1;
	ck_assert_int_eq(lisp_sec_otk_unwrap(2, bad_kek, 16, pre, wr, otk, &err), -EKEYREJECTED);
	ck_assert_int_eq(lisp_sec_otk_unwrap(2, vec_kek, 8, pre, wr, otk, &err), -EINVAL);
	/* NULL-KEY-WRAP-128: clear key, Preamble 0 both ways. */
	ck_assert_int_eq(lisp_sec_otk_wrap(1, NULL, 0, vec_itr_otk, pre, wr, &err), 0);
	ck_assert_bytes_eq(wr, 16, vec_itr_otk, 16);
	ck_assert_int_eq(lisp_sec_otk_unwrap(1, NULL, 0, pre, wr, otk, &err), 0);
	ck_assert_bytes_eq(otk, 16, vec_itr_otk, 16);
	pre[7] = 1;
	ck_assert_int_eq(lisp_sec_otk_unwrap(1, NULL, 0, pre, wr, otk, &err), -EBADMSG);
	ck_assert_int_eq(lisp_sec_otk_wrap(0, NULL, 0, vec_itr_otk, pre, wr, &err),
			 -EPROTONOSUPPORT);
	ck_assert_int_eq(lisp_sec_otk_wrap(3, NULL, 0, vec_itr_otk, pre, wr, &err),
			 -EPROTONOSUPPORT);
}
END_TEST

START_TEST(ecm_ad_itr_golden)
{
	struct lisp_sec_ecm_ad ad, enc = {
		.ad_type = 1, .requested_hmac_id = 2, .wrap_id = 1,
		.eid_ad = { .kdf_id = 2 },
	};
	uint8_t buf[128];
	struct lisp_err err;
	ssize_t n;

	n = lisp_sec_ecm_ad_decode(golden_ecm_ad_itr, sizeof(golden_ecm_ad_itr), &arena, &ad, &err);
	ck_assert_msg(n == (ssize_t)sizeof(golden_ecm_ad_itr), "%zd: %s", n, err.msg);
	ck_assert_int_eq(ad.ad_type, 1);
	ck_assert(!ad.key_version);
	ck_assert_int_eq(ad.requested_hmac_id, LISP_SEC_HMAC_SHA256_128);
	ck_assert_int_eq(ad.otk_len, 24);
	ck_assert_int_eq(ad.wrap_id, LISP_SEC_WRAP_NULL_128);
	ck_assert_bytes_eq(ad.otk, 16, vec_itr_otk, 16);
	ck_assert(!ad.eid_ad.has_records);
	ck_assert_int_eq(ad.eid_ad.len, 4);
	ck_assert_int_eq(ad.eid_ad.kdf_id, LISP_SEC_KDF_HKDF_SHA256_128);
	ck_assert_int_eq(lisp_sec_ecm_ad_len(golden_ecm_ad_itr, sizeof(golden_ecm_ad_itr), &err),
			 sizeof(golden_ecm_ad_itr));
	memcpy(enc.otk, vec_itr_otk, 16);
	n = lisp_sec_ecm_ad_encode(&enc, buf, sizeof(buf), &err);
	ck_assert_bytes_eq(buf, (size_t)n, golden_ecm_ad_itr, sizeof(golden_ecm_ad_itr));
}
END_TEST

START_TEST(ecm_ad_ms_golden)
{
	const size_t len = sizeof(golden_ecm_ad_ms);
	struct lisp_sec_ecm_ad ad;
	struct lisp_prefix p;
	uint8_t buf[256], otk[16];
	struct lisp_err err;
	ssize_t n;

	n = lisp_sec_ecm_ad_decode(golden_ecm_ad_ms, len, &arena, &ad, &err);
	ck_assert_msg(n == (ssize_t)len, "%zd: %s", n, err.msg);
	ck_assert(ad.key_version);
	ck_assert_int_eq(ad.wrap_id, LISP_SEC_WRAP_AES_128);
	ck_assert(ad.eid_ad.has_records);
	ck_assert_int_eq(ad.eid_ad.record_count, 2);
	ck_assert_int_eq(ad.eid_ad.hmac_id, LISP_SEC_HMAC_SHA256_128);
	ck_assert_int_eq(ad.eid_ad.hmac_len, 16);
	ck_assert_int_eq(lisp_waddr_to_prefix(&ad.eid_ad.records[1].eid,
					      ad.eid_ad.records[1].mask_len, &p, NULL), 0);
	ck_assert_int_eq(p.plen, 32);
	/* The ETR unwraps the MS-OTK; the EID-AD verifies with the ITR-OTK. */
	ck_assert_int_eq(lisp_sec_otk_unwrap(ad.wrap_id, vec_kek, 16, ad.otk_preamble, ad.otk, otk,
					     &err), 0);
	ck_assert_bytes_eq(otk, 16, vec_ms_otk_sha256, 16);
	ck_assert_int_eq(lisp_sec_eid_ad_verify(golden_ecm_ad_ms + GOLDEN_ECM_AD_MS_EID_AD_OFF,
						 ad.eid_ad.len, vec_itr_otk, &err), 0);
	ck_assert_int_eq(lisp_sec_eid_ad_verify(golden_ecm_ad_ms + GOLDEN_ECM_AD_MS_EID_AD_OFF,
						 ad.eid_ad.len, vec_ms_otk_sha256, &err),
			 -EKEYREJECTED);
	/* Decode what we encode; signing our encoding gives Python's HMAC. */
	memset(ad.eid_ad.hmac, 0, sizeof(ad.eid_ad.hmac));
	n = lisp_sec_ecm_ad_encode(&ad, buf, sizeof(buf), &err);
	ck_assert_int_eq(n, (ssize_t)len);
	ck_assert_int_eq(lisp_sec_eid_ad_sign(buf + GOLDEN_ECM_AD_MS_EID_AD_OFF,
					      len - GOLDEN_ECM_AD_MS_EID_AD_OFF, vec_itr_otk, &err),
			 0);
	ck_assert_bytes_eq(buf, len, golden_ecm_ad_ms, len);
}
END_TEST

START_TEST(map_reply_golden_verifies)
{
	const uint8_t *g = golden_map_reply_sec;
	const size_t len = sizeof(golden_map_reply_sec);
	struct lisp_sec_map_reply_ad ad;
	struct lisp_map_reply rep;
	struct lisp_err err;

	ck_assert_int_eq(lisp_map_reply_decode(g, len, &arena, &rep, &err), 0);
	ck_assert(rep.sec);
	ck_assert_uint_eq(rep.sec_ad_offset, GOLDEN_MAP_REPLY_SEC_AD_OFF);
	ck_assert_int_eq(lisp_sec_map_reply_ad_decode(g, len, rep.sec_ad_offset, &arena, &ad, &err),
			 0);
	ck_assert_uint_eq(ad.eid_ad_offset, MR_EID_AD_OFF);
	ck_assert_int_eq(ad.eid_ad.len, 32);
	ck_assert_int_eq(ad.eid_ad.kdf_id, LISP_SEC_KDF_HKDF_SHA256_128);
	ck_assert_int_eq(ad.pkt_ad_len, 20);
	ck_assert_int_eq(ad.pkt_hmac_id, LISP_SEC_HMAC_SHA256_128);
	ck_assert_uint_eq(ad.pkt_hmac_offset, MR_PKT_AD_OFF + 4);
	ck_assert_msg(mr_verify(g, len, vec_itr_otk, 2, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(mr_verify(g, len, vec_itr_otk, 0, &err), 0);
	ck_assert_msg(mr_verify(golden_map_reply_sec_sha1, sizeof(golden_map_reply_sec_sha1),
				vec_itr_otk, 1, &err) == 0, "%s", err.msg);
}
END_TEST

/* The ETR's side: encode the reply and its AD, sign both HMACs, get the
 * bytes Python signed. */
START_TEST(map_reply_signed_like_python)
{
	struct lisp_map_reply rep;
	struct lisp_sec_map_reply_ad ad;
	uint8_t buf[256];
	struct lisp_err err;
	ssize_t n, m;

	ck_assert_int_eq(lisp_map_reply_decode(golden_map_reply_sec, sizeof(golden_map_reply_sec),
					       &arena, &rep, &err), 0);
	ck_assert_int_eq(lisp_sec_map_reply_ad_decode(golden_map_reply_sec,
						      sizeof(golden_map_reply_sec),
						      rep.sec_ad_offset, &arena, &ad, &err), 0);
	memset(ad.eid_ad.hmac, 0, sizeof(ad.eid_ad.hmac));
	memset(ad.pkt_hmac, 0, sizeof(ad.pkt_hmac));
	n = lisp_map_reply_encode(&rep, buf, sizeof(buf), &err);
	ck_assert_int_eq(n, GOLDEN_MAP_REPLY_SEC_AD_OFF);
	m = lisp_sec_map_reply_ad_encode(&ad, buf + n, sizeof(buf) - (size_t)n, &err);
	ck_assert_int_eq(n + m, (ssize_t)sizeof(golden_map_reply_sec));
	ck_assert_int_eq(lisp_sec_eid_ad_sign(buf + MR_EID_AD_OFF, 32, vec_itr_otk, &err), 0);
	ck_assert_int_eq(lisp_sec_pkt_ad_sign(buf, (size_t)(n + m), (size_t)n, vec_ms_otk_sha256,
					      &err), 0);
	ck_assert_bytes_eq(buf, (size_t)(n + m), golden_map_reply_sec, sizeof(golden_map_reply_sec));
}
END_TEST

START_TEST(map_reply_attacks_refused)
{
	const size_t len = sizeof(golden_map_reply_sec);
	uint8_t b[sizeof(golden_map_reply_sec)], wrong_otk[16];
	struct lisp_err err;

	memcpy(wrong_otk, vec_itr_otk, 16);
	wrong_otk[15] ^= 0x80;
	/* Wrong ITR-OTK: the EID HMAC fails first. */
	ck_assert_int_eq(mr_verify(golden_map_reply_sec, len, wrong_otk, 2, &err), -EKEYREJECTED);
	/* A spoofed RLOC (right nonce, wrong RLOC): the PKT HMAC fails. */
	memcpy(b, golden_map_reply_sec, len);
	b[39] ^= 1;
	ck_assert_int_eq(mr_verify(b, len, vec_itr_otk, 2, &err), -EACCES);
	ck_assert_ptr_nonnull(strstr(err.msg, "PKT HMAC"));
	/* A widened EID-AD prefix (/16 -> /8): the EID HMAC fails. */
	memcpy(b, golden_map_reply_sec, len);
	b[MR_EID_AD_OFF + 9] = 8;
	ck_assert_int_eq(mr_verify(b, len, vec_itr_otk, 2, &err), -EKEYREJECTED);
	/* The AD stripped, S kept or cleared: refused as stripped. */
	ck_assert_int_eq(mr_verify(golden_map_reply_sec, GOLDEN_MAP_REPLY_SEC_AD_OFF, vec_itr_otk,
				   2, &err), -ENOMSG);
	memcpy(b, golden_map_reply_sec, len);
	b[0] &= (uint8_t)~0x02;
	ck_assert_int_eq(mr_verify(b, GOLDEN_MAP_REPLY_SEC_AD_OFF, vec_itr_otk, 2, &err), -ENOMSG);
	/* An EID-AD cut to its KDF-only form (lengths kept coherent). */
	{
		uint8_t s[128];
		size_t n = 0;

		memcpy(s, golden_map_reply_sec, MR_EID_AD_OFF);
		n = MR_EID_AD_OFF;
		memcpy(s + n, "\x00\x04\x00\x02", 4);
		n += 4;
		memcpy(s + n, golden_map_reply_sec + MR_PKT_AD_OFF, 20);
		n += 20;
		ck_assert_int_eq(mr_verify(s, n, vec_itr_otk, 2, &err), -ENOMSG);
	}
	/* A downgrade: SHA-1 HMACs where SHA-256 was asked for. */
	ck_assert_int_eq(mr_verify(golden_map_reply_sec_sha1, sizeof(golden_map_reply_sec_sha1),
				   vec_itr_otk, 2, &err), -ENOPROTOOPT);
	/* Both HMACs valid but the record is outside the EID-AD. */
	ck_assert_int_eq(mr_verify(golden_map_reply_sec_outside,
				   sizeof(golden_map_reply_sec_outside), vec_itr_otk, 2, &err),
			 -EPERM);
}
END_TEST

static const struct {
	const uint8_t *bytes;
	size_t len;
} ecm_goldens[] = {
	{ golden_ecm_ad_itr, sizeof(golden_ecm_ad_itr) },
	{ golden_ecm_ad_ms, sizeof(golden_ecm_ad_ms) },
}, mr_goldens[] = {
	{ golden_map_reply_sec, sizeof(golden_map_reply_sec) },
	{ golden_map_reply_sec_sha1, sizeof(golden_map_reply_sec_sha1) },
	{ golden_map_reply_sec_outside, sizeof(golden_map_reply_sec_outside) },
};

START_TEST(every_truncation_refused)
{
	struct lisp_sec_map_reply_ad mad;
	struct lisp_sec_ecm_ad ad;
	struct lisp_map_reply rep;
	struct lisp_err err;

	for (size_t i = 0; i < sizeof(ecm_goldens) / sizeof(ecm_goldens[0]); i++)
		for (size_t n = 0; n < ecm_goldens[i].len; n++) {
			uint8_t *c = exact_copy(ecm_goldens[i].bytes, n);

			lisp_arena_reset(&arena);
			ck_assert_msg(lisp_sec_ecm_ad_decode(c, n, &arena, &ad, &err) < 0,
				      "ECM golden %zu cut to %zu accepted", i, n);
			ck_assert_msg(lisp_sec_ecm_ad_len(c, n, &err) < 0,
				      "ECM golden %zu cut to %zu: length accepted", i, n);
			free(c);
		}
	for (size_t i = 0; i < sizeof(mr_goldens) / sizeof(mr_goldens[0]); i++)
		for (size_t n = GOLDEN_MAP_REPLY_SEC_AD_OFF; n < mr_goldens[i].len; n++) {
			uint8_t *c = exact_copy(mr_goldens[i].bytes, n);

			lisp_arena_reset(&arena);
			ck_assert_int_eq(lisp_map_reply_decode(c, n, &arena, &rep, &err), 0);
			ck_assert_msg(lisp_sec_map_reply_ad_decode(c, n, rep.sec_ad_offset, &arena,
								   &mad, &err) < 0,
				      "Map-Reply golden %zu cut to %zu accepted", i, n);
			ck_assert_msg(mr_verify(c, n, vec_itr_otk, 0, &err) < 0,
				      "Map-Reply golden %zu cut to %zu verified", i, n);
			free(c);
		}
}
END_TEST

static int ecm_mutated(size_t off, uint8_t val, struct lisp_err *err)
{
	uint8_t b[sizeof(golden_ecm_ad_ms)];
	struct lisp_sec_ecm_ad ad;

	memcpy(b, golden_ecm_ad_ms, sizeof(b));
	b[off] = val;
	lisp_arena_reset(&arena);
	return (int)lisp_sec_ecm_ad_decode(b, sizeof(b), &arena, &ad, err);
}

static int mr_mutated(size_t off, uint8_t val, size_t extra, struct lisp_err *err)
{
	uint8_t b[sizeof(golden_map_reply_sec) + 4] = { 0 };
	struct lisp_sec_map_reply_ad ad;

	memcpy(b, golden_map_reply_sec, sizeof(golden_map_reply_sec));
	b[off] = val;
	lisp_arena_reset(&arena);
	return lisp_sec_map_reply_ad_decode(b, sizeof(golden_map_reply_sec) + extra,
					    GOLDEN_MAP_REPLY_SEC_AD_OFF, &arena, &ad, err);
}

START_TEST(bad_fields_refused)
{
	struct lisp_err err;

	ck_assert_int_eq(ecm_mutated(0, 2, &err), -EPROTONOSUPPORT);	/* AD Type */
	ck_assert_int_eq(ecm_mutated(3, 0, &err), -EPROTONOSUPPORT);	/* Requested HMAC NONE */
	ck_assert_int_eq(ecm_mutated(3, 3, &err), -EPROTONOSUPPORT);	/* unassigned */
	ck_assert_int_eq(ecm_mutated(5, 16, &err), -EBADMSG);		/* OTK Length */
	ck_assert_int_eq(ecm_mutated(7, 0, &err), -EPROTONOSUPPORT);	/* Wrapping ID */
	ck_assert_int_eq(ecm_mutated(7, 9, &err), -EPROTONOSUPPORT);
	ck_assert_int_eq(ecm_mutated(33, 5, &err), -EBADMSG);		/* EID-AD Length */
	ck_assert_int_eq(ecm_mutated(33, 200, &err), -EBADMSG);
	ck_assert_int_eq(ecm_mutated(35, 3, &err), -EPROTONOSUPPORT);	/* KDF ID */
	ck_assert_int_eq(ecm_mutated(35, 0, &err), -EPROTONOSUPPORT);	/* KDF NONE + records */
	ck_assert_int_eq(ecm_mutated(36, 0, &err), -EBADMSG);		/* Record Count 0 */
	ck_assert_int_eq(ecm_mutated(36, 3, &err), -EBADMSG);		/* one too many */
	ck_assert_int_eq(ecm_mutated(36, 255, &err), -EBADMSG);
	ck_assert_int_eq(ecm_mutated(36, 1, &err), -EBADMSG);		/* bytes after records */
	ck_assert_int_eq(ecm_mutated(39, 7, &err), -EPROTONOSUPPORT);	/* EID HMAC ID */
	ck_assert_int_eq(ecm_mutated(39, 1, &err), -EBADMSG);		/* 12-byte HMAC: 4 over */
	ck_assert_int_eq(ecm_mutated(41, 33, &err), -EBADMSG);		/* IPv4 mask-len 33 */
	ck_assert_int_eq(mr_mutated(GOLDEN_MAP_REPLY_SEC_AD_OFF, 0, 0, &err), -EPROTONOSUPPORT);
	ck_assert_int_eq(mr_mutated(MR_PKT_AD_OFF + 1, 16, 0, &err), -EBADMSG);	/* PKT-AD Len */
	ck_assert_int_eq(mr_mutated(MR_PKT_AD_OFF + 3, 5, 0, &err), -EPROTONOSUPPORT);
	ck_assert_int_eq(mr_mutated(MR_PKT_AD_OFF + 3, 1, 0, &err), -EBADMSG);
	ck_assert_int_eq(mr_mutated(0, 0x22, 1, &err), -EBADMSG);		/* trailing byte */
	ck_assert_ptr_nonnull(strstr(err.msg, "Map-Reply LISP-SEC AD"));
}
END_TEST

START_TEST(ecm_carries_the_ad)
{
	static const uint8_t inner[] = { 0x10, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct lisp_ecm e = {
		.sec = true, .ip_version = 4, .ttl = 64, .inner_sport = 4342,
		.inner_dport = 4342, .payload = inner, .payload_len = sizeof(inner),
		.sec_ad = golden_ecm_ad_itr, .sec_ad_len = sizeof(golden_ecm_ad_itr),
	}, d;
	uint8_t buf[256];
	struct lisp_err err;
	ssize_t n;

	lisp_addr_parse("192.0.2.1", &e.inner_src, NULL);
	lisp_addr_parse("10.1.2.3", &e.inner_dst, NULL);
	n = lisp_ecm_encode(&e, buf, sizeof(buf), &err);
	ck_assert_msg(n == 4 + 36 + 20 + 8 + (ssize_t)sizeof(inner), "%zd %s", n, err.msg);
	ck_assert_int_eq(buf[0], 0x88);
	ck_assert_bytes_eq(buf + 4, 36, golden_ecm_ad_itr, 36);
	ck_assert_int_eq(lisp_ecm_decode(buf, (size_t)n, &d, &err), 0);
	ck_assert(d.sec);
	ck_assert_uint_eq(d.sec_ad_len, 36);
	ck_assert_bytes_eq(d.payload, d.payload_len, inner, sizeof(inner));
	/* A garbled AD: the inner header is never reached. */
	buf[4] = 9;
	ck_assert_int_eq(lisp_ecm_decode(buf, (size_t)n, &d, &err), -EPROTONOSUPPORT);
	/* Without the S bit the AD would be read as an IP header. */
	buf[4] = 1;
	buf[0] = 0x80;
	ck_assert_int_lt(lisp_ecm_decode(buf, (size_t)n, &d, &err), 0);
	/* S and the AD go together. */
	e.sec_ad_len = 0;
	ck_assert_int_eq(lisp_ecm_encode(&e, buf, sizeof(buf), &err), -EINVAL);
	e.sec = false;
	e.sec_ad_len = 36;
	ck_assert_int_eq(lisp_ecm_encode(&e, buf, sizeof(buf), &err), -EINVAL);
}
END_TEST

START_TEST(encoders_refuse_what_cannot_be_sent)
{
	struct lisp_sec_ecm_ad ad = { .ad_type = 1, .requested_hmac_id = 2, .wrap_id = 1 };
	struct lisp_sec_map_reply_ad mad = { .ad_type = 1, .pkt_hmac_id = 0 };
	uint8_t buf[64];
	struct lisp_err err;

	ad.eid_ad.has_records = true;
	ad.eid_ad.hmac_id = 0;
	ck_assert_int_eq(lisp_sec_ecm_ad_encode(&ad, buf, sizeof(buf), &err), -EINVAL);
	ad.eid_ad.has_records = false;
	ck_assert_int_eq(lisp_sec_ecm_ad_encode(&ad, buf, 20, &err), -ENOSPC);
	ck_assert_int_eq(lisp_sec_map_reply_ad_encode(&mad, buf, sizeof(buf), &err), -EINVAL);
	ck_assert_str_eq(lisp_sec_hmac_name(2), "hmac-sha-256-128");
	ck_assert_str_eq(lisp_sec_kdf_name(1), "hkdf-sha1-128");
	ck_assert_str_eq(lisp_sec_wrap_name(2), "aes-key-wrap-128");
	ck_assert_str_eq(lisp_sec_wrap_name(7), "unassigned");
}
END_TEST

static Suite *lispsec_suite(void)
{
	Suite *s = suite_create("lispsec");
	TCase *tc = tcase_create("rfc9303");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, hkdf_matches_python);
	tcase_add_test(tc, otk_wrap_matches_python);
	tcase_add_test(tc, ecm_ad_itr_golden);
	tcase_add_test(tc, ecm_ad_ms_golden);
	tcase_add_test(tc, map_reply_golden_verifies);
	tcase_add_test(tc, map_reply_signed_like_python);
	tcase_add_test(tc, map_reply_attacks_refused);
	tcase_add_test(tc, every_truncation_refused);
	tcase_add_test(tc, bad_fields_refused);
	tcase_add_test(tc, ecm_carries_the_ad);
	tcase_add_test(tc, encoders_refuse_what_cannot_be_sent);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(lispsec_suite());
}
