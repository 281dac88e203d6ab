/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP-SEC as the answering roles write it (RFC 9303, sections 6.7 and
 * 6.8): the Map-Server's EID-AD over the prefixes it vouches for, and the
 * Map-Reply Authentication Data a Map-Server (proxy reply) or an ETR
 * appends to a Map-Reply and signs with the MS-OTK.  Layouts: docs/wire.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lisp_msg.h"
#include "lisp_sec.h"
#include "wire.h"

static int hex_nibble(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int lisp_sec_key_parse(const char *text, bool *aes, uint8_t key[LISP_SEC_OTK_LEN])
{
	memset(key, 0, LISP_SEC_OTK_LEN);
	*aes = false;
	if (strcmp(text, "none") == 0)
		return 0;
	if (strlen(text) != 2 * LISP_SEC_OTK_LEN)
		return -EINVAL;
	for (size_t i = 0; i < LISP_SEC_OTK_LEN; i++) {
		int hi = hex_nibble(text[2 * i]), lo = hex_nibble(text[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			memset(key, 0, LISP_SEC_OTK_LEN);
			return -EINVAL;
		}
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	*aes = true;
	return 0;
}

/* PKT-AD Length and PKT HMAC ID before the PKT HMAC (RFC 9303, 6.2). */
#define PKT_AD_HDR_LEN	4
/* The S bit of a Map-Reply's first byte (docs/wire.md "Bit positions"). */
#define MAP_REPLY_S_BYTE0	0x02

ssize_t lisp_sec_eid_ad_build(const struct lisp_prefix *eids, size_t n, uint16_t kdf_id,
			      uint16_t hmac_id, const uint8_t itr_otk[LISP_SEC_OTK_LEN],
			      uint8_t *buf, size_t cap, struct lisp_err *err)
{
	struct lisp_sec_eid_ad ad = { .has_records = true, .kdf_id = kdf_id,
				      .record_count = (uint8_t)n, .hmac_id = hmac_id,
				      .hmac_len = (uint8_t)lisp_sec_hmac_len(hmac_id) };
	struct lisp_sec_eid_rec *recs;
	struct lisp_waddr *inner;
	ssize_t len;
	int rc;

	if (n == 0 || n > 255)
		return lisp_err_set(err, EINVAL, "an EID-AD holds 1 to 255 prefixes, not %zu", n);
	recs = calloc(n, sizeof(*recs));
	inner = calloc(n, sizeof(*inner));
	if (!recs || !inner) {
		len = lisp_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		recs[i].mask_len = eids[i].plen;
		lisp_waddr_from_prefix(&recs[i].eid, &inner[i], &eids[i]);
	}
	ad.records = recs;
	len = lisp_sec_eid_ad_encode(&ad, buf, cap, err);
	if (len < 0)
		goto out;
	rc = lisp_sec_eid_ad_sign(buf, (size_t)len, itr_otk, err);
	if (rc < 0)
		len = rc;
out:
	free(recs);
	free(inner);
	return len;
}

ssize_t lisp_sec_map_reply_seal(uint8_t *msg, size_t len, size_t cap, const uint8_t *eid_ad,
				size_t eid_ad_len, uint16_t pkt_hmac_id,
				const uint8_t ms_otk[LISP_SEC_OTK_LEN], struct lisp_err *err)
{
	static const uint8_t zeros[LISP_SEC_HMAC_MAX];
	size_t hlen = lisp_sec_hmac_len(pkt_hmac_id);
	struct wire_wr w;
	int rc;

	if (!hlen)
		return lisp_err_set(err, EINVAL, "PKT HMAC ID %u is not usable", pkt_hmac_id);
	if (len < 12 || len > cap || msg[0] >> 4 != LISP_MAP_REPLY)
		return lisp_err_set(err, EINVAL, "not a Map-Reply");
	wire_wr_init(&w, msg + len, cap - len);
	if (wire_put_u32(&w, (uint32_t)LISP_SEC_AD_TYPE << 24) < 0 ||
	    wire_put_bytes(&w, eid_ad, eid_ad_len) < 0 ||
	    wire_put_u16(&w, (uint16_t)(PKT_AD_HDR_LEN + hlen)) < 0 ||
	    wire_put_u16(&w, pkt_hmac_id) < 0 || wire_put_bytes(&w, zeros, hlen) < 0)
		return lisp_err_set(err, ENOSPC, "no room for the LISP-SEC data");
	msg[0] |= MAP_REPLY_S_BYTE0;
	rc = lisp_sec_pkt_ad_sign(msg, len + wire_wr_len(&w), len, ms_otk, err);
	if (rc < 0) {
		msg[0] &= (uint8_t)~MAP_REPLY_S_BYTE0;
		return rc;
	}
	return (ssize_t)(len + wire_wr_len(&w));
}
