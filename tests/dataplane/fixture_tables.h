/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tables under the encap/decap fixture (encap_fixture.h) and the
 * data-plane fuzz target (tests/fuzz/fuzz_frame.c): room for 8 VRFs and
 * 64 mappings, our RLOCs 192.0.2.1 and 2001:db8::1 out of port 1 (MTU
 * 1500) from rloc_mac to the next hop nh_mac, worker 0 registered as
 * their reader.  NULL when the EAL's memory ran out.
 */
#ifndef LISPGW_TEST_FIXTURE_TABLES_H
#define LISPGW_TEST_FIXTURE_TABLES_H

#include <arpa/inet.h>
#include <string.h>

#include "tables.h"

static inline struct dp_tables *fixture_tables_create(const uint8_t rloc_mac[6],
						      const uint8_t nh_mac[6],
						      uint32_t ipv6_tbl8s)
{
	struct dp_underlay u = { .n_local4 = 1, .n_local6 = 1 };
	struct dp_tables *t;

	u.v4 = (struct dp_underlay_if){ .valid = true, .port_id = 1, .mtu = 1500 };
	memcpy(u.v4.src_mac, rloc_mac, 6);
	memcpy(u.v4.dst_mac, nh_mac, 6);
	u.v6 = u.v4;
	inet_pton(AF_INET, "192.0.2.1", u.v4.src);
	inet_pton(AF_INET6, "2001:db8::1", u.v6.src);
	memcpy(&u.local4[0], u.v4.src, 4);
	memcpy(u.local6[0], u.v6.src, 16);
	t = dp_tables_create(&(struct dp_tables_params){
		.socket_id = SOCKET_ID_ANY, .max_vrfs = 8, .max_mappings = 64, .ipv4_tbl8s = 64,
		.ipv6_tbl8s = ipv6_tbl8s, .max_readers = 1, .writer_tid = 0 });
	if (!t)
		return NULL;
	if (dp_tables_reader_register(t, 0) < 0) {
		dp_tables_free(t);
		return NULL;
	}
	dp_tables_underlay_set(t, &u);
	return t;
}

#endif
