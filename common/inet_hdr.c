/* SPDX-License-Identifier: BSD-3-Clause */
#include "inet_hdr.h"

#include <errno.h>
#include <string.h>

#include "wire.h"

#define IPPROTO_UDP_NUM	17

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t pseudo_sum(const struct inet_udp *h, size_t udp_len)
{
	uint32_t sum = 0;

	if (h->ip_version == 4) {
		sum = inet_csum_add(sum, h->src.v4, 4);
		sum = inet_csum_add(sum, h->dst.v4, 4);
		sum += IPPROTO_UDP_NUM + (uint32_t)udp_len;
	} else {
		sum = inet_csum_add(sum, h->src.v6, 16);
		sum = inet_csum_add(sum, h->dst.v6, 16);
		sum += (uint32_t)(udp_len >> 16) + (uint32_t)(udp_len & 0xffff) + IPPROTO_UDP_NUM;
	}
	return sum;
}

ssize_t inet_udp_encode(const struct inet_udp *h, const void *payload, size_t payload_len,
			uint8_t *buf, size_t cap, struct lisp_err *err)
{
	size_t ip_len = h->ip_version == 4 ? IPV4_HDR_LEN : IPV6_HDR_LEN;
	size_t udp_len = UDP_HDR_LEN + payload_len;
	uint16_t csum;
	struct wire_wr w;
	uint8_t *udp;

	if (h->ip_version != 4 && h->ip_version != 6)
		return lisp_err_set(err, EINVAL, "IP version %u", h->ip_version);
	if ((h->ip_version == 4 && (h->src.afi != LISP_AFI_IPV4 || h->dst.afi != LISP_AFI_IPV4)) ||
	    (h->ip_version == 6 && (h->src.afi != LISP_AFI_IPV6 || h->dst.afi != LISP_AFI_IPV6)))
		return lisp_err_set(err, EINVAL, "addresses do not match IPv%u", h->ip_version);
	if (udp_len > UINT16_MAX || (h->ip_version == 4 && ip_len + udp_len > UINT16_MAX))
		return lisp_err_set(err, E2BIG, "payload of %zu bytes does not fit one datagram",
				    payload_len);
	if (cap < ip_len + udp_len)
		return lisp_err_set(err, ENOSPC, "encode buffer too small");
	wire_wr_init(&w, buf, cap);
	if (h->ip_version == 4) {
		wire_put_u8(&w, 0x45);
		wire_put_u8(&w, h->tos);
		wire_put_u16(&w, (uint16_t)(ip_len + udp_len));
		wire_put_u32(&w, 0);		/* id 0, no fragmentation */
		wire_put_u8(&w, h->ttl);
		wire_put_u8(&w, IPPROTO_UDP_NUM);
		wire_put_u16(&w, 0);
		wire_put_bytes(&w, h->src.v4, 4);
		wire_put_bytes(&w, h->dst.v4, 4);
		wire_patch_u16(buf + 10, inet_csum_fold(inet_csum_add(0, buf, IPV4_HDR_LEN)));
	} else {
		wire_put_u32(&w, 6u << 28 | (uint32_t)h->tos << 20);
		wire_put_u16(&w, (uint16_t)udp_len);
		wire_put_u8(&w, IPPROTO_UDP_NUM);
		wire_put_u8(&w, h->ttl);
		wire_put_bytes(&w, h->src.v6, 16);
		wire_put_bytes(&w, h->dst.v6, 16);
	}
	udp = w.p;
	wire_put_u16(&w, h->sport);
	wire_put_u16(&w, h->dport);
	wire_put_u16(&w, (uint16_t)udp_len);
	wire_put_u16(&w, 0);
	wire_put_bytes(&w, payload, payload_len);
	csum = inet_csum_fold(inet_csum_add(pseudo_sum(h, udp_len), udp, udp_len));
	/* 0 means "no checksum" in UDP; a computed 0 is sent as all-ones. */
	wire_patch_u16(udp + 6, csum ? csum : 0xffff);
	return (ssize_t)wire_wr_len(&w);
}

int inet_udp_decode(const uint8_t *buf, size_t len, struct inet_udp *out, struct lisp_err *err)
{
	uint16_t total = 0, frag = 0, udp_len = 0;
	uint8_t vihl = 0, proto = 0;
	struct wire_rd r;
	uint32_t w0 = 0;
	size_t ihl;

	memset(out, 0, sizeof(*out));
	if (len < 1)
		return lisp_err_set(err, EBADMSG, "empty IP packet");
	out->ip_version = buf[0] >> 4;
	wire_rd_init(&r, buf, len);
	if (out->ip_version == 4) {
		if (len < IPV4_HDR_LEN)
			return lisp_err_set(err, EBADMSG, "IPv4 header needs 20 bytes, got %zu", len);
		wire_get_u8(&r, &vihl);
		wire_get_u8(&r, &out->tos);
		wire_get_u16(&r, &total);
		r.p += 2;
		wire_get_u16(&r, &frag);
		wire_get_u8(&r, &out->ttl);
		wire_get_u8(&r, &proto);
		r.p += 2;
		out->src.afi = out->dst.afi = LISP_AFI_IPV4;
		wire_get_bytes(&r, out->src.v4, 4);
		wire_get_bytes(&r, out->dst.v4, 4);
		ihl = (size_t)(vihl & 0x0f) * 4;
		if (ihl < IPV4_HDR_LEN || total < ihl || total > len)
			return lisp_err_set(err, EBADMSG,
					    "IPv4 header length %zu / total length %u do not fit %zu bytes",
					    ihl, total, len);
		if (frag & 0x3fff)
			return lisp_err_set(err, EBADMSG, "IPv4 fragment (offset/MF set)");
		r.p = buf + ihl;
		r.end = buf + total;
	} else if (out->ip_version == 6) {
		if (len < IPV6_HDR_LEN)
			return lisp_err_set(err, EBADMSG, "IPv6 header needs 40 bytes, got %zu", len);
		wire_get_u32(&r, &w0);
		out->tos = (uint8_t)(w0 >> 20);
		wire_get_u16(&r, &total);
		wire_get_u8(&r, &proto);
		wire_get_u8(&r, &out->ttl);
		out->src.afi = out->dst.afi = LISP_AFI_IPV6;
		wire_get_bytes(&r, out->src.v6, 16);
		wire_get_bytes(&r, out->dst.v6, 16);
		if (total > wire_rd_left(&r))
			return lisp_err_set(err, EBADMSG,
					    "IPv6 payload length %u exceeds remaining %zu bytes", total,
					    wire_rd_left(&r));
		r.end = r.p + total;
	} else {
		return lisp_err_set(err, EBADMSG, "IP version %u", out->ip_version);
	}
	if (proto != IPPROTO_UDP_NUM)
		return lisp_err_set(err, EPROTONOSUPPORT, "IP protocol %u is not UDP", proto);
	if (wire_get_u16(&r, &out->sport) < 0 || wire_get_u16(&r, &out->dport) < 0 ||
	    wire_get_u16(&r, &udp_len) < 0 || wire_get_u16(&r, &(uint16_t){0}) < 0)
		return lisp_err_set(err, EBADMSG, "UDP header truncated");
	if (udp_len < UDP_HDR_LEN || (size_t)(udp_len - UDP_HDR_LEN) > wire_rd_left(&r))
		return lisp_err_set(err, EBADMSG, "UDP length %u does not fit %zu bytes", udp_len,
				    wire_rd_left(&r) + UDP_HDR_LEN);
	out->payload = r.p;
	out->payload_len = udp_len - UDP_HDR_LEN;
	return 0;
}
