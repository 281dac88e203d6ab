/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Request (RFC 9301, section 5.2; I and N bits from RFC 9437):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Type=1 |A|M|P|S|p|s|R|I|  Rsvd   |L|D|   IRC   | Record Count  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                         Nonce . . .                           |
 *    |                         . . . Nonce                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         Source-EID-AFI        |   Source EID Address  ...     |
 *    |         ITR-RLOC-AFI 1        |    ITR-RLOC Address 1  ...    |
 *    |                              ...                              |
 *    |         ITR-RLOC-AFI n        |    ITR-RLOC Address n  ...    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  / |N|   Reserved  | EID mask-len  |        EID-Prefix-AFI         |
 *  Rec +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  \ |                       EID-Prefix  ...                         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                   Map-Reply Record  ...  (when M)             |
 *    |                   xTR-ID (128 bits)      (when I)             |
 *    |                   Site-ID (64 bits)      (when I)             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
#include <errno.h>
#include <string.h>

#include "lisp_msg.h"
#include "msg_priv.h"

#define MREQ_A		(1u << 27)
#define MREQ_M		(1u << 26)
#define MREQ_P		(1u << 25)
#define MREQ_S		(1u << 24)
#define MREQ_PITR	(1u << 23)
#define MREQ_SMRI	(1u << 22)
#define MREQ_R		(1u << 21)
#define MREQ_I		(1u << 20)
#define MREQ_L		(1u << 14)
#define MREQ_D		(1u << 13)
#define MREQ_IRC_SHIFT	8
#define MREQ_IRC_MASK	0x1fu
#define MREQ_REC_N	0x80u

int lisp_map_request_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			    struct lisp_map_request *out, struct lisp_err *err)
{
	struct wire_rd r;
	uint32_t w0;
	int rc;

	memset(out, 0, sizeof(*out));
	wire_rd_init(&r, buf, len);
	rc = lisp_msg_head_decode(&r, LISP_MAP_REQUEST, &w0, &out->nonce, err);
	if (rc < 0)
		return rc;
	out->authoritative = w0 & MREQ_A;
	out->map_data = w0 & MREQ_M;
	out->probe = w0 & MREQ_P;
	out->smr = w0 & MREQ_S;
	out->pitr = w0 & MREQ_PITR;
	out->smr_invoked = w0 & MREQ_SMRI;
	out->rsvd_r = w0 & MREQ_R;
	out->xtr_id_present = w0 & MREQ_I;
	out->local_xtr = w0 & MREQ_L;
	out->dont_map_reply = w0 & MREQ_D;
	out->itr_rloc_count = (uint8_t)(((w0 >> MREQ_IRC_SHIFT) & MREQ_IRC_MASK) + 1);
	out->record_count = (uint8_t)w0;

	rc = lisp_waddr_decode(&r, a, &out->source_eid, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "source EID");

	out->itr_rlocs = lisp_arena_alloc(a, out->itr_rloc_count * sizeof(*out->itr_rlocs));
	if (!out->itr_rlocs)
		return lisp_err_set(err, ENOMEM, "decode arena exhausted");
	for (unsigned int i = 0; i < out->itr_rloc_count; i++) {
		rc = lisp_waddr_decode(&r, a, &out->itr_rlocs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "ITR-RLOC %u of %u", i + 1,
					       out->itr_rloc_count);
	}

	/* RFC 9301: a Map-Request carries at least one EID-record. */
	if (out->record_count == 0)
		return lisp_err_set(err, EBADMSG, "Map-Request with record count 0");
	if ((size_t)out->record_count * 4 > wire_rd_left(&r))
		return lisp_err_set(err, EBADMSG, "record count %u exceeds remaining %zu bytes",
				    out->record_count, wire_rd_left(&r));
	out->records = lisp_arena_alloc(a, out->record_count * sizeof(*out->records));
	if (!out->records)
		return lisp_err_set(err, ENOMEM, "decode arena exhausted");
	for (unsigned int i = 0; i < out->record_count; i++) {
		struct lisp_request_record *rec = &out->records[i];
		uint8_t b;

		if (wire_get_u8(&r, &b) < 0 || wire_get_u8(&r, &rec->mask_len) < 0)
			return lisp_err_set(err, EBADMSG, "record %u header truncated", i + 1);
		rec->notify = b & MREQ_REC_N;
		rc = lisp_waddr_decode(&r, a, &rec->eid, err);
		if (!rc)
			rc = lisp_eid_mask_len_check(&rec->eid, rec->mask_len, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
	}

	if (out->map_data) {
		out->map_reply = lisp_arena_alloc(a, sizeof(*out->map_reply));
		if (!out->map_reply)
			return lisp_err_set(err, ENOMEM, "decode arena exhausted");
		rc = lisp_record_decode(&r, a, out->map_reply, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "Map-Reply record");
	}
	if (out->xtr_id_present) {
		if (wire_get_bytes(&r, out->xtr_id, LISP_XTR_ID_LEN) < 0 ||
		    wire_get_u64(&r, &out->site_id) < 0)
			return lisp_err_set(err, EBADMSG,
					    "I-bit set but xTR-ID/site-ID need 24 bytes, %zu left",
					    wire_rd_left(&r));
	}
	return lisp_msg_end_check(&r, "Map-Request", err);
}

ssize_t lisp_map_request_encode(const struct lisp_map_request *m, uint8_t *buf, size_t cap,
				struct lisp_err *err)
{
	struct wire_wr w;
	uint32_t w0;
	int rc;

	if (m->itr_rloc_count < 1 || m->itr_rloc_count > 32)
		return lisp_err_set(err, EINVAL, "ITR-RLOC count %u not in 1..32",
				    m->itr_rloc_count);
	if (m->record_count < 1)
		return lisp_err_set(err, EINVAL, "a Map-Request needs at least one record");
	if (m->map_data && !m->map_reply)
		return lisp_err_set(err, EINVAL, "M-bit set without a Map-Reply record");
	w0 = (uint32_t)LISP_MAP_REQUEST << 28 | (m->authoritative ? MREQ_A : 0) |
	     (m->map_data ? MREQ_M : 0) | (m->probe ? MREQ_P : 0) | (m->smr ? MREQ_S : 0) |
	     (m->pitr ? MREQ_PITR : 0) | (m->smr_invoked ? MREQ_SMRI : 0) |
	     (m->rsvd_r ? MREQ_R : 0) | (m->xtr_id_present ? MREQ_I : 0) |
	     (m->local_xtr ? MREQ_L : 0) | (m->dont_map_reply ? MREQ_D : 0) |
	     (uint32_t)(m->itr_rloc_count - 1) << MREQ_IRC_SHIFT | m->record_count;
	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u32(&w, w0));
	ENC(wire_put_u64(&w, m->nonce));
	rc = lisp_waddr_encode(&w, &m->source_eid, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "source EID");
	for (unsigned int i = 0; i < m->itr_rloc_count; i++) {
		rc = lisp_waddr_encode(&w, &m->itr_rlocs[i], err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "ITR-RLOC %u", i + 1);
	}
	for (unsigned int i = 0; i < m->record_count; i++) {
		const struct lisp_request_record *rec = &m->records[i];

		rc = lisp_eid_mask_len_check(&rec->eid, rec->mask_len, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
		ENC(wire_put_u8(&w, rec->notify ? MREQ_REC_N : 0));
		ENC(wire_put_u8(&w, rec->mask_len));
		rc = lisp_waddr_encode(&w, &rec->eid, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "record %u", i + 1);
	}
	if (m->map_data) {
		rc = lisp_record_encode(&w, m->map_reply, err);
		if (rc < 0)
			return lisp_err_prefix(err, rc, "Map-Reply record");
	}
	if (m->xtr_id_present) {
		ENC(wire_put_bytes(&w, m->xtr_id, LISP_XTR_ID_LEN));
		ENC(wire_put_u64(&w, m->site_id));
	}
	return (ssize_t)wire_wr_len(&w);
}
