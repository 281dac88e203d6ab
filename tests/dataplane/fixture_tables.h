/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The tables under the encap/decap fixture (encap_fixture.h) and the
 * data-plane fuzz target (tests/fuzz/fuzz_frame.c): room for 8 VRFs and
 * 64 mappings, our RLOCs 192.0.2.1 and 2001:db8::1 out of port 1 (MTU
 * 1500) from rloc_mac to the next hop nh_mac, worker 0 registered as
 * their reader; then (fixture_tables_fill()) four Instance-IDs and their
 * mappings.  No Check: each returns what failed.
 */
#ifndef LISPGW_TEST_FIXTURE_TABLES_H
#define LISPGW_TEST_FIXTURE_TABLES_H

#include <arpa/inet.h>
#include <string.h>

#include "dp_ip_test.h"
#include "lisp_msg.h"
#include "tables.h"

/* NULL when the EAL's memory ran out. */
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

/* eid -> rloc (NULL: none) in iid, or a negative entry (action), or one
 * of our EIDs (local).  dp_tables_mapping_upsert()'s result. */
static inline int fixture_put(struct dp_tables *t, uint32_t iid, const char *eid, uint8_t plen,
			      const char *rloc, uint8_t action, bool up, bool local)
{
	struct dp_rloc_spec r = { .addr = dp_test_ip(rloc ? rloc : "0.0.0.0"), .priority = 1,
				  .weight = 100, .up = up };
	struct dp_mapping_spec s = { .iid = iid, .eid = dp_test_ip(eid), .plen = plen,
				     .action = action, .rloc_count = rloc ? 1 : 0,
				     .rlocs = rloc ? &r : NULL, .local = local };

	return dp_tables_mapping_upsert(t, &s);
}

/*
 * Instance-IDs 100 (LISP, untagged), 200 (VXLAN, VLAN 20), 300 (VXLAN-GPE,
 * VLAN 30), each to the peer peer_mac from eid_mac on port 0, and 400
 * (LISP, no EID port); in 100-300 10.2/16 -> 192.0.2.2, 10.6/16 ->
 * 2001:db8::6, 2001:db8:2::/48 -> 2001:db8::2, 2001:db8:4::/48 ->
 * 192.0.2.4 (the IPv4 ones not in 300 without ipv4_in_300: each IPv4
 * table takes 64 MB, fib4.c); in 100 10.7/16 drop, 10.8/16 native-forward,
 * 10.9/16 send-map-request, 10.10/16 -> 192.0.2.10 down.  0 or the first
 * failure's -errno.
 */
static inline int fixture_tables_fill(struct dp_tables *t, const uint8_t eid_mac[6],
				      const uint8_t peer_mac[6], bool ipv4_in_300)
{
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = true };
	int rc;

	memcpy(att.src_mac, eid_mac, 6);
	memcpy(att.dst_mac, peer_mac, 6);
	if ((rc = dp_tables_vrf_add(t, 100, DP_ENCAP_LISP, &att)) < 0)
		return rc;
	att.vlan = 20;
	if ((rc = dp_tables_vrf_add(t, 200, DP_ENCAP_VXLAN, &att)) < 0)
		return rc;
	att.vlan = 30;
	if ((rc = dp_tables_vrf_add(t, 300, DP_ENCAP_GPE, &att)) < 0 ||
	    (rc = dp_tables_vrf_add(t, 400, DP_ENCAP_LISP, NULL)) < 0)
		return rc;
	for (uint32_t iid = 100; iid <= 300; iid += 100) {
		bool v4 = iid != 300 || ipv4_in_300;

		if ((v4 && (rc = fixture_put(t, iid, "10.2.0.0", 16, "192.0.2.2",
					     LISP_ACT_NO_ACTION, true, false)) < 0) ||
		    (v4 && (rc = fixture_put(t, iid, "10.6.0.0", 16, "2001:db8::6",
					     LISP_ACT_NO_ACTION, true, false)) < 0) ||
		    (rc = fixture_put(t, iid, "2001:db8:2::", 48, "2001:db8::2",
				      LISP_ACT_NO_ACTION, true, false)) < 0 ||
		    (rc = fixture_put(t, iid, "2001:db8:4::", 48, "192.0.2.4",
				      LISP_ACT_NO_ACTION, true, false)) < 0)
			return rc;
	}
	if ((rc = fixture_put(t, 100, "10.7.0.0", 16, NULL, LISP_ACT_DROP, true, false)) < 0 ||
	    (rc = fixture_put(t, 100, "10.8.0.0", 16, NULL, LISP_ACT_NATIVE_FORWARD, true,
			      false)) < 0 ||
	    (rc = fixture_put(t, 100, "10.9.0.0", 16, NULL, LISP_ACT_SEND_MAP_REQUEST, true,
			      false)) < 0)
		return rc;
	return fixture_put(t, 100, "10.10.0.0", 16, "192.0.2.10", LISP_ACT_NO_ACTION, false,
			   false);
}

#endif
