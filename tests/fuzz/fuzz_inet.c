/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * inet_udp_decode(): the IPv4/IPv6 + UDP header of an ECM's inner datagram
 * and of packets lispgw-ctl reads from captures.  The payload it returns
 * must lie inside the input, and re-encoding what it decoded must decode to
 * the same fields and payload, with a valid IPv4 header checksum.
 */
#include "fuzz_common.h"
#include "inet_hdr.h"

static uint8_t enc[FUZZ_ENC_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_err err = { "" };
	struct inet_udp h1, h2;
	volatile uint32_t sum;
	ssize_t n;

	if (size > FUZZ_INPUT_MAX)
		return 0;
	if (inet_udp_decode(data, size, &h1, &err) < 0)
		return 0;
	FUZZ_ASSERT(h1.payload >= data && h1.payload_len <= size &&
			    (size_t)(h1.payload - data) <= size - h1.payload_len,
		    "payload of %zu bytes outside the %zu-byte input", h1.payload_len, size);
	/* Read every payload byte so that ASan sees a span that is off. */
	sum = inet_csum_add(0, h1.payload, h1.payload_len);
	(void)sum;

	n = inet_udp_encode(&h1, h1.payload, h1.payload_len, enc, sizeof(enc), &err);
	FUZZ_ASSERT(n > 0, "decoded datagram does not encode: %s", err.msg);
	FUZZ_ASSERT(inet_udp_decode(enc, (size_t)n, &h2, &err) == 0,
		    "re-encoded datagram does not decode: %s", err.msg);
	FUZZ_ASSERT(h2.ip_version == h1.ip_version && h2.ttl == h1.ttl && h2.tos == h1.tos &&
			    lisp_addr_equal(&h2.src, &h1.src) &&
			    lisp_addr_equal(&h2.dst, &h1.dst) && h2.sport == h1.sport &&
			    h2.dport == h1.dport && h2.payload_len == h1.payload_len,
		    "re-encoded IPv%u/UDP header decodes to other fields", h1.ip_version);
	FUZZ_ASSERT(memcmp(h2.payload, h1.payload, h1.payload_len) == 0 &&
			    h2.payload + h2.payload_len == enc + n,
		    "re-encoded payload differs or does not end the datagram");
	if (h1.ip_version == 4)
		FUZZ_ASSERT(inet_csum_fold(inet_csum_add(0, enc, IPV4_HDR_LEN)) == 0,
			    "IPv4 header checksum does not verify");
	return 0;
}
