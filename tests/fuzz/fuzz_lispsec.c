/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LISP-SEC decoders (RFC 9303, common/msg_lispsec.c) on arbitrary
 * bytes.  The first byte picks what the rest is:
 *   0  the Authentication Data after an ECM header: the length that
 *      lisp_ecm_decode() skips must be what the full decoder consumed;
 *      what decodes re-encodes, and encoding the re-decoding gives the
 *      same bytes;
 *   1  a whole Map-Reply: its AD decodes or is refused with a reason,
 *      round-trips like the above, and the ITR's verification (with a
 *      fixed ITR-OTK) returns without crashing;
 *   2  a whole ECM (lisp_ecm_decode() with the S bit);
 *   3  the ETR's path (etr_lispsec.c): an ECM AD whose EID-AD has records
 *      is copied into a Map-Reply by lisp_sec_map_reply_seal(), which must
 *      give a Map-Reply whose AD decodes, carries those EID-AD bytes
 *      unchanged and whose PKT HMAC verifies with the MS-OTK.
 */
#include <errno.h>

#include "fuzz_common.h"
#include "lisp_msg.h"
#include "lisp_sec.h"

static _Alignas(16) uint8_t arena_buf[2][FUZZ_ARENA_SIZE];
static uint8_t enc[2][FUZZ_ENC_MAX];
static const uint8_t otk[LISP_SEC_OTK_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static void ecm_ad(const uint8_t *data, size_t size)
{
	struct lisp_sec_ecm_ad a1, a2;
	struct lisp_arena ar;
	struct lisp_err err = { "" };
	ssize_t n, len, n1, n2;

	lisp_arena_init(&ar, arena_buf[0], sizeof(arena_buf[0]));
	n = lisp_sec_ecm_ad_decode(data, size, &ar, &a1, &err);
	len = lisp_sec_ecm_ad_len(data, size, NULL);
	if (n < 0) {
		FUZZ_ASSERT(err.msg[0], "refused without a reason");
		return;
	}
	FUZZ_ASSERT(len == n, "ECM skips %zd bytes of a %zd-byte AD", len, n);
	n1 = lisp_sec_ecm_ad_encode(&a1, enc[0], sizeof(enc[0]), &err);
	if (n1 == -EMSGSIZE)
		return;
	FUZZ_ASSERT(n1 >= 0, "ECM AD decoded but does not encode: %s", err.msg);
	lisp_arena_init(&ar, arena_buf[1], sizeof(arena_buf[1]));
	FUZZ_ASSERT(lisp_sec_ecm_ad_decode(enc[0], (size_t)n1, &ar, &a2, &err) == n1,
		    "re-encoded ECM AD does not decode: %s", err.msg);
	n2 = lisp_sec_ecm_ad_encode(&a2, enc[1], sizeof(enc[1]), &err);
	fuzz_assert_same(enc[0], (size_t)n1, enc[1], (size_t)n2, "ECM AD");
}

static void map_reply(const uint8_t *data, size_t size)
{
	struct lisp_sec_map_reply_ad a1, a2;
	struct lisp_map_reply rep;
	struct lisp_arena ar;
	struct lisp_err err = { "" };
	ssize_t n1, n2;

	lisp_arena_init(&ar, arena_buf[0], sizeof(arena_buf[0]));
	if (lisp_map_reply_decode(data, size, &ar, &rep, &err) < 0 || !rep.sec)
		return;
	if (lisp_sec_map_reply_ad_decode(data, size, rep.sec_ad_offset, &ar, &a1, &err) < 0) {
		FUZZ_ASSERT(err.msg[0], "refused without a reason");
		return;
	}
	n1 = lisp_sec_map_reply_ad_encode(&a1, enc[0], sizeof(enc[0]), &err);
	if (n1 == -EMSGSIZE)
		return;
	FUZZ_ASSERT(n1 >= 0, "Map-Reply AD decoded but does not encode: %s", err.msg);
	lisp_arena_init(&ar, arena_buf[1], sizeof(arena_buf[1]));
	FUZZ_ASSERT(lisp_sec_map_reply_ad_decode(enc[0], (size_t)n1, 0, &ar, &a2, &err) == 0,
		    "re-encoded Map-Reply AD does not decode: %s", err.msg);
	n2 = lisp_sec_map_reply_ad_encode(&a2, enc[1], sizeof(enc[1]), &err);
	fuzz_assert_same(enc[0], (size_t)n1, enc[1], (size_t)n2, "Map-Reply AD");
	lisp_arena_init(&ar, arena_buf[1], sizeof(arena_buf[1]));
	(void)lisp_sec_map_reply_verify(data, size, otk, 0, &ar, NULL, &err);
}

/* An answer with no record: the ETR's seal does not look at them. */
static const uint8_t reply_head[12] = { 0x20, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };

static void etr_seal(const uint8_t *data, size_t size)
{
	uint8_t msg[FUZZ_ENC_MAX], mac[LISP_SEC_HMAC_MAX];
	struct lisp_sec_map_reply_ad ad;
	struct lisp_sec_ecm_ad e;
	struct lisp_arena ar;
	struct lisp_err err = { "" };
	const uint8_t *eid_ad;
	ssize_t n;

	lisp_arena_init(&ar, arena_buf[0], sizeof(arena_buf[0]));
	n = lisp_sec_ecm_ad_decode(data, size, &ar, &e, &err);
	if (n < 0 || !e.eid_ad.has_records)
		return;
	eid_ad = data + n - e.eid_ad.len;	/* it ends the AD */
	memcpy(msg, reply_head, sizeof(reply_head));
	n = lisp_sec_map_reply_seal(msg, sizeof(reply_head), sizeof(msg), eid_ad, e.eid_ad.len,
				    e.requested_hmac_id, otk, &err);
	if (n == -ENOSPC)
		return;
	FUZZ_ASSERT(n > 0, "an ECM AD that decodes does not seal: %s", err.msg);
	lisp_arena_init(&ar, arena_buf[1], sizeof(arena_buf[1]));
	FUZZ_ASSERT(lisp_sec_map_reply_ad_decode(msg, (size_t)n, sizeof(reply_head), &ar, &ad,
						 &err) == 0, "sealed reply AD: %s", err.msg);
	fuzz_assert_same(msg + ad.eid_ad_offset, ad.eid_ad.len, eid_ad, e.eid_ad.len, "EID-AD");
	FUZZ_ASSERT(lisp_sec_hmac_compute(ad.pkt_hmac_id, otk, sizeof(otk), msg, (size_t)n,
					  ad.pkt_hmac_offset, ad.pkt_hmac_len, mac, &err) == 0 &&
		    memcmp(mac, msg + ad.pkt_hmac_offset, ad.pkt_hmac_len) == 0,
		    "PKT HMAC of a sealed reply does not verify");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_ecm e;
	struct lisp_err err = { "" };

	if (size < 1 || size > FUZZ_INPUT_MAX)
		return 0;
	switch (data[0] % 4) {
	case 0:
		ecm_ad(data + 1, size - 1);
		break;
	case 1:
		map_reply(data + 1, size - 1);
		break;
	case 3:
		etr_seal(data + 1, size - 1);
		break;
	default:
		if (lisp_ecm_decode(data + 1, size - 1, &e, &err) == 0 && e.sec)
			ecm_ad(e.sec_ad, e.sec_ad_len);
		break;
	}
	return 0;
}
