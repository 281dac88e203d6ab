/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Register (RFC 9301, section 5.6), Map-Notify and Map-Notify-Ack
 * (section 5.7) share one layout; only the first word differs:
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Type=3 |P|S|I|R|           Reserved          |M| Record Count  |
 *    |Type=4/5|I|R|              Reserved            | Record Count  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                         Nonce . . .                           |
 *    |                         . . . Nonce                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |    Key ID     | Algorithm ID  |  Authentication Data Length   |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    ~                     Authentication Data                       ~
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Records (msg_record.c)                     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |             xTR-ID (128 bits), Site-ID (64 bits)  (when I)    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Older implementations call the first 16 bits of the third word a 16-bit
 * "Key ID" whose values 1 and 2 name HMAC-SHA-1-96 and HMAC-SHA-256-128: on
 * the wire that is Key ID 0 with Algorithm ID 1 or 2, so both read alike.
 */
#include <errno.h>
#include <string.h>

#include "lisp_auth.h"
#include "lisp_msg.h"
#include "msg_priv.h"

#define MREG_P		(1u << 27)
#define MREG_S		(1u << 26)
#define MREG_I		(1u << 25)
#define MREG_R		(1u << 24)
#define MREG_M		(1u << 8)
#define MNOT_I		(1u << 27)
#define MNOT_R		(1u << 26)

static bool is_register_family(uint8_t type)
{
	return type == LISP_MAP_REGISTER || type == LISP_MAP_NOTIFY || type == LISP_MAP_NOTIFY_ACK;
}

int lisp_map_register_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			     struct lisp_map_register *out, struct lisp_err *err)
{
	const char *name;
	struct wire_rd r;
	uint32_t w0;
	int rc;

	memset(out, 0, sizeof(*out));
	wire_rd_init(&r, buf, len);
	if (wire_get_u32(&r, &w0) < 0 || wire_get_u64(&r, &out->nonce) < 0 ||
	    wire_get_u8(&r, &out->key_id) < 0 || wire_get_u8(&r, &out->alg_id) < 0 ||
	    wire_get_u16(&r, &out->auth_len) < 0)
		return lisp_err_set(err, EBADMSG, "header needs 16 bytes, got %zu", len);
	out->type = (uint8_t)(w0 >> 28);
	if (!is_register_family(out->type))
		return lisp_err_set(err, EPROTO, "type %u is not a Map-Register/Notify/Notify-Ack",
				    out->type);
	name = lisp_msg_type_name(out->type);
	if (out->type == LISP_MAP_REGISTER) {
		out->proxy_reply = w0 & MREG_P;
		out->sec = w0 & MREG_S;
		out->xtr_id_present = w0 & MREG_I;
		out->rtr = w0 & MREG_R;
		out->want_notify = w0 & MREG_M;
	} else {
		out->xtr_id_present = w0 & MNOT_I;
		out->rtr = w0 & MNOT_R;
		/* NAT-traversal RTR authentication would follow the xTR-ID;
		 * we do not speak NAT traversal and cannot skip it safely. */
		if (out->rtr)
			return lisp_err_set(err, ENOTSUP,
					    "%s with R-bit (RTR authentication) is not supported", name);
	}
	out->record_count = (uint8_t)w0;
	if (out->auth_len > LISP_AUTH_DATA_MAX)
		return lisp_err_set(err, EBADMSG,
				    "%s authentication data length %u exceeds %d", name,
				    out->auth_len, LISP_AUTH_DATA_MAX);
	out->auth_offset = wire_rd_off(&r);
	if (wire_get_bytes(&r, out->auth, out->auth_len) < 0)
		return lisp_err_set(err, EBADMSG,
				    "%s authentication data length %u exceeds remaining %zu bytes",
				    name, out->auth_len, wire_rd_left(&r));
	rc = lisp_records_decode(&r, a, out->record_count, &out->records, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "%s", name);
	if (out->xtr_id_present) {
		if (wire_get_bytes(&r, out->xtr_id, LISP_XTR_ID_LEN) < 0 ||
		    wire_get_u64(&r, &out->site_id) < 0)
			return lisp_err_set(err, EBADMSG,
					    "%s I-bit set but xTR-ID/site-ID need 24 bytes, %zu left",
					    name, wire_rd_left(&r));
	}
	return lisp_msg_end_check(&r, name, err);
}

ssize_t lisp_map_register_encode(const struct lisp_map_register *m, uint8_t *buf, size_t cap,
				 struct lisp_err *err)
{
	uint16_t auth_len = m->auth_len;
	struct wire_wr w;
	uint32_t w0;
	int rc;

	if (!is_register_family(m->type))
		return lisp_err_set(err, EINVAL, "type %u is not a Map-Register/Notify/Notify-Ack",
				    m->type);
	if (m->alg_id != LISP_AUTH_NONE && !lisp_auth_alg_known(m->alg_id))
		return lisp_err_set(err, EINVAL, "unknown authentication algorithm %u", m->alg_id);
	if (auth_len == 0)
		auth_len = (uint16_t)lisp_auth_data_len(m->alg_id);
	if (auth_len > LISP_AUTH_DATA_MAX)
		return lisp_err_set(err, EINVAL, "authentication data length %u exceeds %d",
				    auth_len, LISP_AUTH_DATA_MAX);
	w0 = (uint32_t)m->type << 28 | m->record_count;
	if (m->type == LISP_MAP_REGISTER)
		w0 |= (m->proxy_reply ? MREG_P : 0) | (m->sec ? MREG_S : 0) |
		      (m->xtr_id_present ? MREG_I : 0) | (m->rtr ? MREG_R : 0) |
		      (m->want_notify ? MREG_M : 0);
	else if (m->rtr)
		return lisp_err_set(err, ENOTSUP, "Map-Notify R-bit is not supported");
	else
		w0 |= m->xtr_id_present ? MNOT_I : 0;
	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u32(&w, w0));
	ENC(wire_put_u64(&w, m->nonce));
	ENC(wire_put_u8(&w, m->key_id));
	ENC(wire_put_u8(&w, m->alg_id));
	ENC(wire_put_u16(&w, auth_len));
	/* Zeroed here; lisp_auth_sign() fills it over the finished message. */
	if (wire_wr_left(&w) < auth_len)
		return lisp_err_set(err, ENOSPC, "encode buffer too small");
	memset(w.p, 0, auth_len);
	w.p += auth_len;
	rc = lisp_records_encode(&w, m->record_count, m->records, err);
	if (rc < 0)
		return rc;
	if (m->xtr_id_present) {
		ENC(wire_put_bytes(&w, m->xtr_id, LISP_XTR_ID_LEN));
		ENC(wire_put_u64(&w, m->site_id));
	}
	return (ssize_t)wire_wr_len(&w);
}
