/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Reply (RFC 9301, section 5.4):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Type=2 |P|E|S|          Reserved               | Record Count  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                         Nonce . . .                           |
 *    |                         . . . Nonce                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Records (msg_record.c)                     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * A negative Map-Reply is a record with locator count 0 and an action.
 */
#include <errno.h>
#include <string.h>

#include "lisp_msg.h"
#include "msg_priv.h"

#define MREP_P	(1u << 27)
#define MREP_E	(1u << 26)
#define MREP_S	(1u << 25)

int lisp_map_reply_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			  struct lisp_map_reply *out, struct lisp_err *err)
{
	struct wire_rd r;
	uint32_t w0;
	int rc;

	memset(out, 0, sizeof(*out));
	wire_rd_init(&r, buf, len);
	rc = lisp_msg_head_decode(&r, LISP_MAP_REPLY, &w0, &out->nonce, err);
	if (rc < 0)
		return rc;
	out->probe = w0 & MREP_P;
	out->echo_nonce = w0 & MREP_E;
	out->sec = w0 & MREP_S;
	out->record_count = (uint8_t)w0;
	rc = lisp_records_decode(&r, a, out->record_count, &out->records, err);
	if (rc < 0)
		return rc;
	/* LISP-SEC (RFC 9303, section 6.2) appends its Authentication Data
	 * after the records when S is set: lisp_sec_map_reply_ad_decode()
	 * reads it from here. */
	if (out->sec) {
		out->sec_ad_offset = wire_rd_off(&r);
		return 0;
	}
	return lisp_msg_end_check(&r, "Map-Reply", err);
}

ssize_t lisp_map_reply_header_encode(const struct lisp_map_reply *m, uint8_t *buf, size_t cap,
				     struct lisp_err *err)
{
	struct wire_wr w;

	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u32(&w, (uint32_t)LISP_MAP_REPLY << 28 | (m->probe ? MREP_P : 0) |
				     (m->echo_nonce ? MREP_E : 0) | (m->sec ? MREP_S : 0) |
				     m->record_count));
	ENC(wire_put_u64(&w, m->nonce));
	return (ssize_t)wire_wr_len(&w);
}

ssize_t lisp_map_reply_encode(const struct lisp_map_reply *m, uint8_t *buf, size_t cap,
			      struct lisp_err *err)
{
	struct wire_wr w;
	ssize_t n;
	int rc;

	n = lisp_map_reply_header_encode(m, buf, cap, err);
	if (n < 0)
		return n;
	wire_wr_init(&w, buf, cap);
	w.p += n;
	rc = lisp_records_encode(&w, m->record_count, m->records, err);
	if (rc < 0)
		return rc;
	return (ssize_t)wire_wr_len(&w);
}
