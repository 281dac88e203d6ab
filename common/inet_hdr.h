/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4/IPv6 + UDP headers for the control path: the inner header of an
 * Encapsulated Control Message, control packets read from captures, and test
 * packets written to pcap files.  (The data plane builds its outer headers
 * itself, once per mapping.)
 */
#ifndef LISPGW_INET_HDR_H
#define LISPGW_INET_HDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lisp_addr.h"
#include "lisp_err.h"

#define IPV4_HDR_LEN	20
#define IPV6_HDR_LEN	40
#define UDP_HDR_LEN	8

struct inet_udp {
	uint8_t ip_version;	/* 4 or 6 */
	uint8_t ttl;		/* TTL / hop limit */
	uint8_t tos;		/* TOS / traffic class */
	struct lisp_addr src, dst;
	uint16_t sport, dport;
	const uint8_t *payload;	/* decode: points into the parsed buffer */
	size_t payload_len;
};

/* Writes IP + UDP + payload with correct lengths and checksums. */
ssize_t inet_udp_encode(const struct inet_udp *h, const void *payload, size_t payload_len,
			uint8_t *buf, size_t cap, struct lisp_err *err);

/* Parses IP + UDP.  Lengths must agree with the buffer (trailing link-layer
 * padding past the IP total length is allowed).  Fragments, IPv6 extension
 * headers and non-UDP protocols are refused with a reason. */
int inet_udp_decode(const uint8_t *buf, size_t len, struct inet_udp *out, struct lisp_err *err);

/* Internet checksum (RFC 1071) helpers. */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);
uint16_t inet_csum_fold(uint32_t sum);

#endif
