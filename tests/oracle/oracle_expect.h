/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What tshark must decode from each sample of tests/lib/samples.c, by sample
 * name, written from the values the sample was built with (never from our
 * decoder).  fields is a whitespace-separated list of:
 *
 *   name=v1,v2,...   the field's occurrences, in packet order, exactly
 *   name=            the field must not occur
 *   name^=hex        the field's first occurrence starts with these bytes
 *   !hmac=ALG:KEY    the UDP payload carries a valid RFC 9301 HMAC (sha1/sha256)
 *   !allow=undecoded a Wireshark "Not dissected yet" warning is expected
 *
 * Values are as tshark 4.0 prints them with -T json -e.  ip.*, ipv6.*, udp.*
 * and eth.* values describe the inner packet only: oracle_gen prepends the
 * outer header it built.  proto is frame.protocols after "eth:ethertype:
 * ip|ipv6:udp:".
 */
#ifndef LISPGW_ORACLE_EXPECT_H
#define LISPGW_ORACLE_EXPECT_H

#include <stddef.h>

struct oracle_expect {
	const char *sample;
	const char *proto;
	const char *fields;
};

extern const struct oracle_expect oracle_expect[];
extern const size_t oracle_expect_count;

#endif
