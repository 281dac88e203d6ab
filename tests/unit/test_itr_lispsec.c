/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR's LISP-SEC (itr_lispsec.c, RFC 9303 6.1 and 6.9), against a
 * Map-Resolver played by the test (itr_fixture.h: 192.0.2.200 never
 * answers; the test reads the ECM the ITR sent there, unwraps its OTK with
 * the shared key and answers as a Map-Server would, or as an attacker
 * would): the ECM carries the OTK; a good reply is installed; a tampered
 * EID-AD, a wrong OTK, a stripped AD, a downgrade, a record outside the
 * EID-AD, an unsigned reply under required are each dropped, counted, and
 * leave the map-cache empty and the resolution pending; optional accepts
 * an unsigned reply but never a bad signed one.
 */
#include <openssl/rand.h>

#include "itr_fixture.h"
#include "lisp_sec.h"

static const uint8_t wrap_key[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
				      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };

/* What the test Map-Server learnt from the ITR's ECM. */
static uint64_t asked_nonce;
static uint8_t asked_otk[16];
static uint16_t asked_hmac;

static void sec_start(uint8_t mode, bool aes)
{
	struct itr_params p;

	world(true);
	itr_params_test(&p);
	p.request_timeout_ms = 1000;	/* no retransmission during a test */
	p.lisp_sec = mode;
	p.lisp_sec_aes = aes;
	memcpy(p.lisp_sec_key, wrap_key, sizeof(wrap_key));
	itr_start_with(&p, &silent_addr[0], 1);
}

/* Resolves eid and reads the OTK out of the ECM as a Map-Resolver does. */
static void ask(const char *eid, bool aes)
{
	struct lisp_map_request req;
	struct lisp_sec_ecm_ad ad;
	struct lisp_ecm ecm;
	struct lisp_err err;

	resolve(eid, 0);
	run_for(1);
	sent_request(nitr_sent - 1, &ecm, &req);
	ck_assert(ecm.sec);
	ck_assert_int_eq(lisp_sec_ecm_ad_decode(ecm.sec_ad, ecm.sec_ad_len, &arena, &ad, &err),
			 (ssize_t)ecm.sec_ad_len);
	ck_assert_uint_eq(ad.wrap_id, aes ? LISP_SEC_WRAP_AES_128 : LISP_SEC_WRAP_NULL_128);
	ck_assert_uint_eq(ad.requested_hmac_id, LISP_SEC_HMAC_SHA256_128);
	ck_assert(!ad.eid_ad.has_records);
	ck_assert_uint_eq(ad.eid_ad.kdf_id, LISP_SEC_KDF_HKDF_SHA256_128);
	ck_assert_msg(lisp_sec_otk_unwrap(ad.wrap_id, wrap_key, aes ? 16 : 0, ad.otk_preamble,
					  ad.otk, asked_otk, &err) == 0, "%s", err.msg);
	asked_nonce = req.nonce;
	asked_hmac = ad.requested_hmac_id;
	ck_assert_uint_eq(ITR_C(lisp_sec_requests), 1);
}

enum forge {
	GOOD,
	NO_SEC,		/* an unsigned reply */
	STRIPPED,	/* S bit set, the AD cut to its KDF-only EID-AD */
	WRONG_OTK,	/* signed by someone who guessed an OTK */
	TAMPER_EID_AD,	/* the EID-AD's prefix widened after signing */
	TAMPER_RLOC,	/* a spoofed RLOC under the genuine AD */
	DOWNGRADE,	/* HMAC-SHA-1-96 where SHA-256 was asked */
	OUTSIDE,	/* a record outside the EID-AD prefix */
};

/* A Map-Reply to the pending request: [5]10.5.1.0/24 -> rloc, signed
 * (or not) as f says, delivered to the ITR. */
static void answer(enum forge f, const char *rloc)
{
	struct lisp_locator loc = { .priority = 1, .weight = 100, .flags = LISP_LOC_F_REACH };
	struct lisp_record rec = { .ttl = 60, .loc_count = 1, .locs = &loc,
				   .authoritative = true };
	struct lisp_map_reply hdr = { .nonce = asked_nonce, .record_count = 1 };
	struct lisp_prefix ad_pfx = pfx("[5]10.5.1.0/24");
	struct lisp_prefix rec_pfx = pfx(f == OUTSIDE ? "[5]10.6.1.0/24" : "[5]10.5.1.0/24");
	struct lisp_addr a = addr(rloc);
	uint8_t msg[1024], eid_ad[256], otk[16], ms_otk[16];
	uint16_t hmac = f == DOWNGRADE ? LISP_SEC_HMAC_SHA1_96 : asked_hmac;
	struct lisp_waddr inner;
	struct lisp_err err;
	struct wire_wr w;
	size_t records_end;
	ssize_t n, m;

	lisp_waddr_from_prefix(&rec.eid, &inner, &rec_pfx);
	rec.mask_len = rec_pfx.plen;
	lisp_waddr_from_addr(&loc.addr, &a);
	wire_wr_init(&w, msg, sizeof(msg));
	w.p += 12;
	ck_assert_int_eq(lisp_record_encode(&w, &rec, NULL), 0);
	ck_assert_int_eq(lisp_map_reply_header_encode(&hdr, msg, 12, NULL), 12);
	n = (ssize_t)wire_wr_len(&w);
	records_end = (size_t)n;
	memcpy(otk, asked_otk, 16);
	if (f == WRONG_OTK)
		ck_assert_int_eq(RAND_bytes(otk, 16), 1);
	if (f != NO_SEC) {
		m = lisp_sec_eid_ad_build(&ad_pfx, 1, LISP_SEC_KDF_HKDF_SHA256_128, hmac, otk,
					  eid_ad, sizeof(eid_ad), &err);
		ck_assert_msg(m > 0, "%s", err.msg);
		if (f == TAMPER_EID_AD)
			eid_ad[9]--;	/* the mask-len of the only record: /23 */
		ck_assert_int_eq(lisp_sec_ms_otk_derive(LISP_SEC_KDF_HKDF_SHA256_128, otk, ms_otk,
							&err), 0);
		n = lisp_sec_map_reply_seal(msg, (size_t)n, sizeof(msg), eid_ad, (size_t)m, hmac,
					    ms_otk, &err);
		ck_assert_msg(n > 0, "%s", err.msg);
		if (f == STRIPPED) {	/* the EID-AD cut to Length 4 and KDF ID */
			size_t pkt = 4 + lisp_sec_hmac_len(hmac);

			memmove(msg + records_end + 8, msg + records_end + 4 + (size_t)m, pkt);
			msg[records_end + 4] = 0;
			msg[records_end + 5] = 4;
			n = (ssize_t)(records_end + 8 + pkt);
		}
	}
	if (f == TAMPER_RLOC)	/* after signing: the RLOC ends the records */
		msg[records_end - 1]++;
	itr_input(itr, msg, (size_t)n, &silent_addr[0], 4342);
}

static void refused(enum forge f, uint64_t (*counter)(void))
{
	sec_start(ITR_LISP_SEC_REQUIRED, true);
	ask("[5]10.5.1.9/32", true);
	answer(f, "192.0.2.1");
	ck_assert_uint_eq(counter(), 1);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	ck_assert_uint_eq(ITR_C(replies_accepted), 0);
	/* The forgery did not end the resolution: the real answer is still
	 * taken. */
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	answer(GOOD, "192.0.2.1");
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	ck_assert(lisp_addr_equal(&must("[5]10.5.1.9/32")->rlocs[0].addr, &etr_addr));
	teardown();
}

static uint64_t c_no_ad(void) { return ITR_C(lisp_sec_dropped_no_ad); }
static uint64_t c_eid(void) { return ITR_C(lisp_sec_dropped_eid_hmac); }
static uint64_t c_pkt(void) { return ITR_C(lisp_sec_dropped_pkt_hmac); }
static uint64_t c_down(void) { return ITR_C(lisp_sec_dropped_downgrade); }
static uint64_t c_out(void) { return ITR_C(lisp_sec_dropped_outside_prefix); }

START_TEST(good_reply_is_installed)
{
	sec_start(ITR_LISP_SEC_REQUIRED, true);
	ask("[5]10.5.1.9/32", true);
	answer(GOOD, "192.0.2.1");
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	ck_assert(lisp_addr_equal(&must("[5]10.5.1.9/32")->rlocs[0].addr, &etr_addr));
	ck_assert_uint_eq(itr_pending_count(itr), 0);
	teardown();
}
END_TEST

START_TEST(null_key_wrap)
{
	sec_start(ITR_LISP_SEC_REQUIRED, false);
	ask("[5]10.5.1.9/32", false);
	answer(GOOD, "192.0.2.1");
	ck_assert_uint_eq(ITR_C(lisp_sec_replies_verified), 1);
	teardown();
}
END_TEST

START_TEST(unsigned_refused_when_required)
{
	refused(NO_SEC, c_no_ad);
}
END_TEST

START_TEST(stripped_ad_refused)
{
	refused(STRIPPED, c_no_ad);
}
END_TEST

START_TEST(wrong_otk_refused)
{
	refused(WRONG_OTK, c_eid);
}
END_TEST

START_TEST(tampered_eid_ad_refused)
{
	refused(TAMPER_EID_AD, c_eid);
}
END_TEST

START_TEST(spoofed_rloc_refused)
{
	refused(TAMPER_RLOC, c_pkt);
}
END_TEST

START_TEST(downgrade_refused)
{
	refused(DOWNGRADE, c_down);
}
END_TEST

START_TEST(outside_prefix_refused)
{
	refused(OUTSIDE, c_out);
}
END_TEST

START_TEST(optional_accepts_unsigned_only)
{
	sec_start(ITR_LISP_SEC_OPTIONAL, true);
	ask("[5]10.5.1.9/32", true);
	/* Signed and wrong: refused under optional too. */
	answer(TAMPER_RLOC, "192.0.2.1");
	ck_assert_uint_eq(ITR_C(lisp_sec_dropped_pkt_hmac), 1);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	answer(STRIPPED, "192.0.2.1");
	ck_assert_uint_eq(ITR_C(lisp_sec_dropped_no_ad), 1);
	ck_assert_ptr_null(cached("[5]10.5.1.9/32"));
	answer(NO_SEC, "192.0.2.1");
	ck_assert_uint_eq(ITR_C(lisp_sec_unsigned_accepted), 1);
	ck_assert_ptr_nonnull(cached("[5]10.5.1.9/32"));
	teardown();
}
END_TEST

START_TEST(off_sends_no_otk)
{
	struct lisp_map_request req;
	struct lisp_ecm ecm;

	sec_start(ITR_LISP_SEC_OFF, true);
	resolve("[5]10.5.1.9/32", 0);
	run_for(1);
	sent_request(0, &ecm, &req);
	ck_assert(!ecm.sec);
	ck_assert_uint_eq(ITR_C(lisp_sec_requests), 0);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("itr_lispsec");
	TCase *tc = tcase_create("itr_lispsec");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, good_reply_is_installed);
	tcase_add_test(tc, null_key_wrap);
	tcase_add_test(tc, unsigned_refused_when_required);
	tcase_add_test(tc, stripped_ad_refused);
	tcase_add_test(tc, wrong_otk_refused);
	tcase_add_test(tc, tampered_eid_ad_refused);
	tcase_add_test(tc, spoofed_rloc_refused);
	tcase_add_test(tc, downgrade_refused);
	tcase_add_test(tc, outside_prefix_refused);
	tcase_add_test(tc, optional_accepts_unsigned_only);
	tcase_add_test(tc, off_sends_no_otk);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
