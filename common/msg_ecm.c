/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulated Control Message (RFC 9301, section 5.8; E and M bits from
 * RFC 8111):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |Type=8 |S|D|E|M|            Reserved                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                       IPv4 or IPv6 Header                     |
 *    |                  (uses RLOC or EID addresses)                 |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |    Source Port = xxxx         |       Dest Port = 4342        |
 *    |           UDP Length          |        UDP Checksum           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                       LISP Control Message                    |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * With S set, LISP-SEC's Authentication Data sits between the first word
 * and the inner IP header (RFC 9303, section 6.1; msg_lispsec.c): its
 * lengths are checked here to find the inner header, the rest by
 * lisp_sec_ecm_ad_decode().
 *
 * The inner checksums are written correctly but not enforced on receipt:
 * the inner packet is never routed, and deployed ITRs differ in whether they
 * fill them in.  Lengths are enforced.
 */
#include <errno.h>
#include <string.h>

#include "inet_hdr.h"
#include "lisp_msg.h"
#include "lisp_sec.h"
#include "msg_priv.h"

#define ECM_S	(1u << 27)
#define ECM_D	(1u << 26)
#define ECM_E	(1u << 25)
#define ECM_M	(1u << 24)

int lisp_ecm_decode(const uint8_t *buf, size_t len, struct lisp_ecm *out, struct lisp_err *err)
{
	struct inet_udp inner;
	struct wire_rd r;
	uint32_t w0;
	int rc;

	memset(out, 0, sizeof(*out));
	wire_rd_init(&r, buf, len);
	if (wire_get_u32(&r, &w0) < 0)
		return lisp_err_set(err, EBADMSG, "ECM header needs 4 bytes, got %zu", len);
	if (w0 >> 28 != LISP_ECM)
		return lisp_err_set(err, EPROTO, "type %u is not an ECM", w0 >> 28);
	out->sec = w0 & ECM_S;
	out->ddt = w0 & ECM_D;
	out->to_etr = w0 & ECM_E;
	out->to_ms = w0 & ECM_M;
	if (out->sec) {
		ssize_t n = lisp_sec_ecm_ad_len(r.p, wire_rd_left(&r), err);

		if (n < 0)
			return lisp_err_prefix(err, (int)n, "ECM");
		out->sec_ad = r.p;
		out->sec_ad_len = (size_t)n;
		r.p += n;
	}
	rc = inet_udp_decode(r.p, wire_rd_left(&r), &inner, err);
	if (rc < 0)
		return lisp_err_prefix(err, rc, "ECM inner header");
	/* Anything past the inner datagram is not ours to ignore. */
	if (inner.payload + inner.payload_len != r.end)
		return lisp_err_set(err, EBADMSG, "ECM has %zu bytes after the inner datagram",
				    (size_t)(r.end - (inner.payload + inner.payload_len)));
	out->ip_version = inner.ip_version;
	out->ttl = inner.ttl;
	out->inner_src = inner.src;
	out->inner_dst = inner.dst;
	out->inner_sport = inner.sport;
	out->inner_dport = inner.dport;
	out->payload = inner.payload;
	out->payload_len = inner.payload_len;
	if (out->payload_len < 4)
		return lisp_err_set(err, EBADMSG, "ECM inner message of %zu bytes", out->payload_len);
	if (out->payload[0] >> 4 == LISP_ECM)
		return lisp_err_set(err, EBADMSG, "ECM inside an ECM");
	return 0;
}

ssize_t lisp_ecm_encode(const struct lisp_ecm *m, uint8_t *buf, size_t cap,
			struct lisp_err *err)
{
	struct inet_udp inner = {
		.ip_version = m->ip_version,
		.ttl = m->ttl,
		.src = m->inner_src,
		.dst = m->inner_dst,
		.sport = m->inner_sport,
		.dport = m->inner_dport,
	};
	struct wire_wr w;
	ssize_t n;

	/* S says the AD is there (RFC 9303, section 6.1): one without the
	 * other is a message no receiver can parse. */
	if (m->sec != (m->sec_ad_len > 0))
		return lisp_err_set(err, EINVAL, "ECM S bit %s LISP-SEC data",
				    m->sec ? "set without" : "clear with");
	wire_wr_init(&w, buf, cap);
	ENC(wire_put_u32(&w, (uint32_t)LISP_ECM << 28 | (m->sec ? ECM_S : 0) |
				     (m->ddt ? ECM_D : 0) | (m->to_etr ? ECM_E : 0) |
				     (m->to_ms ? ECM_M : 0)));
	ENC(wire_put_bytes(&w, m->sec_ad, m->sec_ad_len));
	n = inet_udp_encode(&inner, m->payload, m->payload_len, w.p, wire_wr_left(&w), err);
	if (n < 0)
		return lisp_err_prefix(err, (int)n, "ECM inner header");
	return (ssize_t)wire_wr_len(&w) + n;
}
