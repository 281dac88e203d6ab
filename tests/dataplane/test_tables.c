/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/tables.c: VRFs by Instance-ID, longest match per VRF, the
 * publish / retire cycle through RCU, slot reuse only after a grace
 * period, the weight table, the pre-built outer headers.
 */
#include <errno.h>

#include <rte_rcu_qsbr.h>

#include "dp_ip_test.h"
#include "dp_test.h"
#include "encap.h"
#include "lisp_msg.h"
#include "tables.h"

#define TID	0	/* this thread is reader 0 and the writer */

static struct dp_tables *t;

static struct dp_ip ip(const char *s)
{
	return dp_test_ip(s);
}

static uint32_t h4(const char *s)
{
	struct dp_ip a = ip(s);

	return t_get32(a.a);
}

static void t_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void setup(void)
{
	struct dp_underlay u = {
		.v4 = { .valid = true, .port_id = 1, .mtu = 1500,
			.src_mac = { 2, 0, 0, 0, 0, 2 }, .dst_mac = { 2, 0, 0, 0, 0, 0xfe } },
		.v6 = { .valid = true, .port_id = 1, .mtu = 1500,
			.src_mac = { 2, 0, 0, 0, 0, 2 }, .dst_mac = { 2, 0, 0, 0, 0, 0xfe } },
	};
	struct dp_vrf_attach att = { .port_id = 0, .mtu = 1500, .peer_static = true,
				     .src_mac = { 2, 0, 0, 0, 0, 1 },
				     .dst_mac = { 2, 0, 0, 0, 0, 0xaa } };

	inet_pton(AF_INET, "192.0.2.1", u.v4.src);
	inet_pton(AF_INET6, "2001:db8::1", u.v6.src);
	t = dp_tables_create(&(struct dp_tables_params){
		.socket_id = SOCKET_ID_ANY, .max_vrfs = 8, .max_mappings = 64, .ipv4_tbl8s = 64,
		.ipv6_tbl8s = 256, .max_readers = 1, .writer_tid = TID });
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(dp_tables_reader_register(t, TID), 0);
	dp_tables_underlay_set(t, &u);
	ck_assert_int_eq(dp_tables_vrf_add(t, 100, DP_ENCAP_LISP, &att), 0);
	att.vlan = 20;
	ck_assert_int_eq(dp_tables_vrf_add(t, 200, DP_ENCAP_VXLAN, &att), 0);
	ck_assert_int_eq(dp_tables_vrf_add(t, 300, DP_ENCAP_GPE, NULL), 0);
}

static void teardown(void)
{
	dp_tables_reader_unregister(t, TID);
	dp_tables_free(t);
	t = NULL;
}

/* One RLOC, priority 1, weight 100, up. */
static int put(uint32_t iid, const char *eid, uint8_t plen, const char *rloc)
{
	struct dp_rloc_spec r = { .addr = ip(rloc), .priority = 1, .weight = 100, .up = true };
	struct dp_mapping_spec s = { .iid = iid, .eid = ip(eid), .plen = plen,
				     .action = LISP_ACT_NO_ACTION, .rloc_count = 1, .rlocs = &r };

	return dp_tables_mapping_upsert(t, &s);
}

static const struct dp_mapping *get4(uint32_t iid, const char *dst)
{
	const struct dp_vrf *v = dp_tables_vrf(t, iid);

	ck_assert_ptr_nonnull(v);
	return dp_tables_lookup4(t, v, h4(dst));
}

static const struct dp_mapping *get6(uint32_t iid, const char *dst)
{
	const struct dp_vrf *v = dp_tables_vrf(t, iid);
	struct dp_ip a = ip(dst);

	ck_assert_ptr_nonnull(v);
	return dp_tables_lookup6(t, v, a.a);
}

static bool rloc_is(const struct dp_mapping *m, unsigned int i, const char *addr)
{
	struct dp_ip a = ip(addr);

	return m && i < m->n_rlocs && dp_ip_equal(&m->rlocs[i].addr, &a);
}

START_TEST(vrfs)
{
	ck_assert_ptr_nonnull(dp_tables_vrf(t, 100));
	ck_assert_ptr_null(dp_tables_vrf(t, 101));
	ck_assert_int_eq(dp_tables_vrf_add(t, 100, DP_ENCAP_LISP, NULL), -EEXIST);
	ck_assert_int_eq(dp_tables_vrf_add(t, 1u << 24, DP_ENCAP_LISP, NULL), -EINVAL);
	ck_assert_uint_eq(dp_tables_vrf(t, 200)->l2_len, 18);
	ck_assert_uint_eq(dp_tables_vrf(t, 100)->l2_len, 14);
	ck_assert_uint_eq(dp_tables_vrf(t, 300)->eid_port, DP_PORT_NONE);
}
END_TEST

/* vrf_direct holds the first VRF of each bucket of IID low bits: a second
 * IID in the same bucket, and an unknown one, still find their own (or
 * none) through iid_hash. */
START_TEST(vrf_direct_collisions)
{
	uint32_t same = 100 + DP_VRF_DIRECT, unknown = 100 + 2 * DP_VRF_DIRECT;

	ck_assert_int_eq(dp_tables_vrf_add(t, same, DP_ENCAP_VXLAN, NULL), 0);
	ck_assert_uint_eq(dp_tables_vrf(t, 100)->iid, 100);
	ck_assert_uint_eq(dp_tables_vrf(t, same)->iid, same);
	ck_assert_uint_eq(dp_tables_vrf(t, same)->encap, DP_ENCAP_VXLAN);
	ck_assert_ptr_null(dp_tables_vrf(t, unknown));
	ck_assert_ptr_eq(t->vrf_direct[100], dp_tables_vrf(t, 100));
}
END_TEST

START_TEST(longest_match_and_iid_isolation)
{
	const struct dp_mapping *m;

	ck_assert_int_eq(put(100, "10.2.0.0", 16, "192.0.2.2"), 0);
	ck_assert_int_eq(put(100, "10.2.3.0", 24, "192.0.2.3"), 0);
	/* The same prefix in another instance never mixes. */
	ck_assert_int_eq(put(200, "10.2.0.0", 16, "192.0.2.9"), 0);
	ck_assert(rloc_is(get4(100, "10.2.9.9"), 0, "192.0.2.2"));
	ck_assert(rloc_is(get4(100, "10.2.3.4"), 0, "192.0.2.3"));
	ck_assert(rloc_is(get4(200, "10.2.3.4"), 0, "192.0.2.9"));
	ck_assert_ptr_null(get4(100, "10.3.0.1"));
	ck_assert_ptr_null(get4(300, "10.2.3.4"));
	m = get4(100, "10.2.3.4");
	ck_assert_uint_eq(m->iid, 100);
	ck_assert_uint_eq(m->plen, 24);
	ck_assert_uint_eq(m->encap, DP_ENCAP_LISP);
	ck_assert_uint_eq(get4(200, "10.2.3.4")->encap, DP_ENCAP_VXLAN);
	/* The more specific goes, the covering prefix answers again. */
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &(struct dp_ip){ 0 }, 24), -EINVAL);
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &(struct dp_ip){ .af = 4,
			 .a = { 10, 2, 3, 0 } }, 24), 0);
	ck_assert(rloc_is(get4(100, "10.2.3.4"), 0, "192.0.2.2"));
	ck_assert_uint_eq(t->n_mappings, 2);
}
END_TEST

START_TEST(host_bits_and_default_route)
{
	struct dp_ip e = ip("10.2.0.0");

	/* Host bits past the length are cleared: one prefix, one entry. */
	ck_assert_int_eq(put(100, "10.2.77.1", 16, "192.0.2.2"), 0);
	ck_assert_ptr_nonnull(dp_tables_mapping_get(t, 100, &e, 16));
	ck_assert_int_eq(put(100, "10.2.0.0", 16, "192.0.2.3"), 0);
	ck_assert_uint_eq(t->n_mappings, 1);
	ck_assert(rloc_is(get4(100, "10.2.0.1"), 0, "192.0.2.3"));
	/* /0: what no other prefix covers (rte_lpm has no depth 0). */
	ck_assert_ptr_null(get4(100, "172.16.0.1"));
	ck_assert_int_eq(put(100, "0.0.0.0", 0, "192.0.2.7"), 0);
	ck_assert(rloc_is(get4(100, "172.16.0.1"), 0, "192.0.2.7"));
	ck_assert(rloc_is(get4(100, "10.2.0.1"), 0, "192.0.2.3"));
	ck_assert_int_eq(put(100, "::", 0, "2001:db8::7"), 0);
	ck_assert(rloc_is(get6(100, "2001:db8:9::1"), 0, "2001:db8::7"));
	e = ip("0.0.0.0");
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &e, 0), 0);
	ck_assert_ptr_null(get4(100, "172.16.0.1"));
	ck_assert_int_eq(put(100, "10.0.0.0", 33, "192.0.2.7"), -EINVAL);
	ck_assert_int_eq(put(100, "2001:db8::", 129, "192.0.2.7"), -EINVAL);
}
END_TEST

START_TEST(ipv6)
{
	struct dp_ip e;

	ck_assert_int_eq(put(100, "2001:db8:2::", 48, "2001:db8::2"), 0);
	ck_assert_int_eq(put(100, "2001:db8:2:1::", 64, "192.0.2.2"), 0);
	ck_assert(rloc_is(get6(100, "2001:db8:2::5"), 0, "2001:db8::2"));
	ck_assert(rloc_is(get6(100, "2001:db8:2:1::5"), 0, "192.0.2.2"));
	ck_assert_ptr_null(get6(100, "2001:db8:3::5"));
	ck_assert_ptr_null(get6(200, "2001:db8:2::5"));
	e = ip("2001:db8:2:1::");
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &e, 64), 0);
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &e, 64), -ENOENT);
	ck_assert(rloc_is(get6(100, "2001:db8:2:1::5"), 0, "2001:db8::2"));
	/* An add after a delete waits one grace period first (lpm6 tbl8
	 * groups are reused at once otherwise). */
	ck_assert_uint_eq(t->n_sync, 0);
	ck_assert_int_eq(put(100, "2001:db8:2:2::", 64, "192.0.2.3"), 0);
	ck_assert_uint_eq(t->n_sync, 1);
	ck_assert(rloc_is(get6(100, "2001:db8:2:2::1"), 0, "192.0.2.3"));
}
END_TEST

START_TEST(replace_retires_through_rcu)
{
	const struct dp_mapping *old, *cur;

	ck_assert_int_eq(put(100, "10.2.0.0", 16, "192.0.2.2"), 0);
	old = get4(100, "10.2.0.1");
	ck_assert_int_eq(put(100, "10.2.0.0", 16, "192.0.2.3"), 0);
	cur = get4(100, "10.2.0.1");
	ck_assert_ptr_ne(old, cur);
	ck_assert_uint_eq(old->slot, cur->slot);	/* same slot, new entry */
	ck_assert(rloc_is(cur, 0, "192.0.2.3"));
	/* The reader (this thread) has not passed a quiescent state: the
	 * old entry must still be there, unchanged. */
	dp_tables_reclaim(t);
	ck_assert_uint_eq(t->n_reclaimed, 0);
	ck_assert(rloc_is(old, 0, "192.0.2.2"));
	rte_rcu_qsbr_quiescent(t->qsbr, TID);
	dp_tables_reclaim(t);
	ck_assert_uint_eq(t->n_reclaimed, 1);
	ck_assert_uint_eq(t->n_deferred, 1);
}
END_TEST

START_TEST(slots_reused_after_grace_period)
{
	char eid[32];
	struct dp_ip e;

	for (int i = 0; i < 64; i++) {
		snprintf(eid, sizeof(eid), "10.%d.0.0", i);
		ck_assert_int_eq(put(100, eid, 16, "192.0.2.2"), 0);
	}
	ck_assert_int_eq(put(100, "11.0.0.0", 16, "192.0.2.2"), -ENOSPC);
	e = ip("10.5.0.0");
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &e, 16), 0);
	ck_assert_ptr_null(get4(100, "10.5.0.1"));
	/* Its slot waits for the grace period: a reader may hold it. */
	ck_assert_int_eq(put(100, "11.0.0.0", 16, "192.0.2.2"), -ENOSPC);
	rte_rcu_qsbr_quiescent(t->qsbr, TID);
	ck_assert_int_eq(put(100, "11.0.0.0", 16, "192.0.2.3"), 0);
	ck_assert(rloc_is(get4(100, "11.0.0.1"), 0, "192.0.2.3"));
	ck_assert(rloc_is(get4(100, "10.63.0.1"), 0, "192.0.2.2"));
	ck_assert_uint_eq(t->n_mappings, 64);
}
END_TEST

START_TEST(flush)
{
	ck_assert_int_eq(put(100, "10.2.0.0", 16, "192.0.2.2"), 0);
	ck_assert_int_eq(put(100, "2001:db8:2::", 48, "192.0.2.2"), 0);
	ck_assert_int_eq(put(200, "10.2.0.0", 16, "192.0.2.2"), 0);
	ck_assert_int_eq(dp_tables_flush(t, 100), 2);
	ck_assert_ptr_null(get4(100, "10.2.0.1"));
	ck_assert_ptr_null(get6(100, "2001:db8:2::1"));
	ck_assert_ptr_nonnull(get4(200, "10.2.0.1"));
	ck_assert_int_eq(dp_tables_flush(t, DP_IID_NONE), 1);
	ck_assert_uint_eq(t->n_mappings, 0);
	rte_rcu_qsbr_quiescent(t->qsbr, TID);
	dp_tables_reclaim(t);
	ck_assert_uint_eq(t->n_reclaimed, 3);
}
END_TEST

START_TEST(spec_errors)
{
	struct dp_rloc_spec r[DP_RLOCS_MAX + 1];
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.0.0.0"), .plen = 8,
				     .rloc_count = DP_RLOCS_MAX + 1, .rlocs = r };

	memset(r, 0, sizeof(r));
	for (int i = 0; i <= DP_RLOCS_MAX; i++)
		r[i].addr = ip("192.0.2.2");
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), -E2BIG);
	s.rloc_count = 1;
	s.iid = 101;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), -ENOENT);
	s.iid = 100;
	r[0].addr.af = 5;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), -EINVAL);
	ck_assert_uint_eq(t->n_mappings, 0);
}
END_TEST

/* How many of the DP_SEL_SLOTS go to each RLOC. */
static void sel_count(const struct dp_mapping *m, unsigned int *n)
{
	memset(n, 0, sizeof(*n) * DP_RLOCS_MAX);
	for (unsigned int i = 0; i < DP_SEL_SLOTS; i++)
		n[m->sel[i]]++;
}

START_TEST(weights_and_priorities)
{
	struct dp_rloc_spec r[4] = {
		{ .addr = ip("192.0.2.2"), .priority = 1, .weight = 70, .up = true },
		{ .addr = ip("192.0.2.3"), .priority = 1, .weight = 30, .up = true },
		{ .addr = ip("2001:db8::3"), .priority = 2, .weight = 100, .up = true },
		{ .addr = ip("192.0.2.4"), .priority = 0, .weight = 100, .up = false },
	};
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.2.0.0"), .plen = 16,
				     .rloc_count = 4, .rlocs = r };
	const struct dp_mapping *m;
	unsigned int n[DP_RLOCS_MAX];

	/* Best priority among up RLOCs (the down priority-0 one does not
	 * count), split 70/30 over 64 slots: 45 + 19. */
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	m = get4(100, "10.2.0.1");
	ck_assert_uint_eq(m->n_usable, 2);
	sel_count(m, n);
	ck_assert_uint_eq(n[0], 45);
	ck_assert_uint_eq(n[1], 19);
	ck_assert_uint_eq(n[2] + n[3], 0);
	/* The priority-1 pair down: the backup takes everything. */
	r[0].up = r[1].up = false;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	m = get4(100, "10.2.0.1");
	ck_assert_uint_eq(m->n_usable, 1);
	sel_count(m, n);
	ck_assert_uint_eq(n[2], DP_SEL_SLOTS);
	ck_assert(m->rlocs[2].is_ip6);
	/* Priority 255: never for unicast.  Nothing left: n_usable 0. */
	r[2].priority = 255;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	ck_assert_uint_eq(get4(100, "10.2.0.1")->n_usable, 0);
	/* All weights 0: an equal split; a 0 among non-zero: no traffic. */
	r[0] = (struct dp_rloc_spec){ .addr = ip("192.0.2.2"), .priority = 1, .up = true };
	r[1] = (struct dp_rloc_spec){ .addr = ip("192.0.2.3"), .priority = 1, .up = true };
	s.rloc_count = 2;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	sel_count(get4(100, "10.2.0.1"), n);
	ck_assert_uint_eq(n[0], 32);
	ck_assert_uint_eq(n[1], 32);
	r[1].weight = 10;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	sel_count(get4(100, "10.2.0.1"), n);
	ck_assert_uint_eq(n[0], 0);
	ck_assert_uint_eq(n[1], 64);
}
END_TEST

START_TEST(negative_entries)
{
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.9.0.0"), .plen = 16,
				     .action = LISP_ACT_SEND_MAP_REQUEST, .ttl_s = 900 };
	const struct dp_mapping *m;

	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	m = get4(100, "10.9.1.1");
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(m->action, LISP_ACT_SEND_MAP_REQUEST);
	ck_assert_uint_eq(m->ttl_s, 900);
	ck_assert_uint_eq(m->n_usable, 0);
}
END_TEST

START_TEST(rloc_status)
{
	struct dp_rloc_spec r[2] = {
		{ .addr = ip("192.0.2.2"), .priority = 1, .weight = 50, .up = true },
		{ .addr = ip("192.0.2.3"), .priority = 1, .weight = 50, .up = true },
	};
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.2.0.0"), .plen = 16,
				     .rloc_count = 2, .rlocs = r };
	struct dp_ip e = ip("10.2.0.0"), a = ip("192.0.2.3"), b = ip("192.0.2.9");
	const struct dp_mapping *m;

	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	ck_assert_uint_eq(get4(100, "10.2.0.1")->n_usable, 2);
	ck_assert_int_eq(dp_tables_rloc_status(t, 100, &e, 16, 1, &a, false), 0);
	m = get4(100, "10.2.0.1");
	ck_assert_uint_eq(m->n_usable, 1);
	for (unsigned int i = 0; i < DP_SEL_SLOTS; i++)
		ck_assert_uint_eq(m->sel[i], 0);
	ck_assert(!m->rlocs[1].up);
	ck_assert_int_eq(dp_tables_rloc_status(t, 100, &e, 16, 1, &a, true), 0);
	ck_assert_uint_eq(get4(100, "10.2.0.1")->n_usable, 2);
	/* The index must name the address. */
	ck_assert_int_eq(dp_tables_rloc_status(t, 100, &e, 16, 1, &b, false), -EINVAL);
	ck_assert_int_eq(dp_tables_rloc_status(t, 100, &e, 16, 2, &a, false), -EINVAL);
	ck_assert_int_eq(dp_tables_rloc_status(t, 100, &e, 8, 1, &a, false), -ENOENT);
	ck_assert_uint_eq(t->n_mappings, 1);
}
END_TEST

START_TEST(encap_per_mapping)
{
	struct dp_rloc_spec r = { .addr = ip("192.0.2.2"), .priority = 1, .weight = 1, .up = true };
	struct dp_mapping_spec s = { .iid = 100, .eid = ip("10.2.0.0"), .plen = 16,
				     .encap_set = true, .encap = DP_ENCAP_VXLAN, .rloc_count = 1,
				     .rlocs = &r };
	const struct dp_mapping *m;

	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), 0);
	m = get4(100, "10.2.0.1");
	ck_assert_uint_eq(m->encap, DP_ENCAP_VXLAN);
	ck_assert_uint_eq(t_get16(m->rlocs[0].hdr + 36), 4789);
	ck_assert_uint_eq(m->rlocs[0].hdr[48], 100);		/* VNI = IID */
	s.encap = 7;
	ck_assert_int_eq(dp_tables_mapping_upsert(t, &s), -EINVAL);
}
END_TEST

/* The rewrite, byte for byte, against the RFC layouts. */
START_TEST(rewrite_golden)
{
	static const uint8_t lisp4[] = {
		2, 0, 0, 0, 0, 0xfe, 2, 0, 0, 0, 0, 2, 0x08, 0x00,		/* Ethernet */
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 0, 17, 0, 0,			/* IPv4, DF */
		192, 0, 2, 1, 192, 0, 2, 2,
		0, 0, 0x10, 0xf5, 0, 0, 0, 0,					/* UDP 4341 */
		0x88, 0, 0, 0, 0, 0, 100, 0,				/* N|I, IID 100 */
	};
	static const uint8_t vxlan6_tail[] = {
		0, 0, 0x12, 0xb5, 0, 0, 0, 0,					/* UDP 4789 */
		0x08, 0, 0, 0, 0, 0, 200, 0,					/* I, VNI 200 */
	};
	/* I|P, next protocol IPv4, VNI 300 */
	static const uint8_t gpe4_tun[] = { 0x0c, 0, 0, 1, 0, 1, 0x2c, 0 };
	const struct dp_mapping *m;

	ck_assert_int_eq(put(100, "10.2.0.0", 16, "192.0.2.2"), 0);
	m = get4(100, "10.2.0.1");
	ck_assert_uint_eq(m->rlocs[0].hdr_len, 50);
	ck_assert_bytes_eq(m->rlocs[0].hdr, 50, lisp4, sizeof(lisp4));
	ck_assert_uint_eq(m->rlocs[0].port_id, 1);
	ck_assert_uint_eq(m->rlocs[0].mtu, 1500);

	ck_assert_int_eq(put(200, "10.2.0.0", 16, "2001:db8::2"), 0);
	m = get4(200, "10.2.0.1");
	ck_assert_uint_eq(m->rlocs[0].hdr_len, 70);
	ck_assert_uint_eq(t_get16(m->rlocs[0].hdr + 12), 0x86dd);
	ck_assert_uint_eq(m->rlocs[0].hdr[14], 0x60);
	ck_assert_uint_eq(m->rlocs[0].hdr[20], 17);
	ck_assert_bytes_eq(m->rlocs[0].hdr + 54, 16, vxlan6_tail, sizeof(vxlan6_tail));

	ck_assert_int_eq(put(300, "10.2.0.0", 16, "192.0.2.2"), 0);
	m = get4(300, "10.2.0.1");
	ck_assert_bytes_eq(m->rlocs[0].hdr + 42, 8, gpe4_tun, sizeof(gpe4_tun));
}
END_TEST

/* The IPv4 table (fib4.c) against a brute-force longest match: random
 * adds and deletes of nested prefixes of every depth around tbl24's /24
 * boundary, each followed by lookups of addresses inside and beside them. */
START_TEST(ipv4_longest_match_random)
{
	static const uint8_t depths[] = { 8, 12, 16, 20, 23, 24, 25, 26, 28, 30, 31, 32 };
	struct { uint32_t a; uint8_t plen; bool on; } pf[48] = { 0 };
	const struct dp_vrf *v = dp_tables_vrf(t, 100);
	uint64_t rnd = 7;

	for (unsigned int i = 0; i < RTE_DIM(pf); i++) {
		uint32_t a;

		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		/* 10.1.0.0/22 and a little around: heavy nesting. */
		a = 0x0a010000u | (uint32_t)(rnd >> 40) % 0x500u;
		pf[i].plen = depths[(rnd >> 20) % RTE_DIM(depths)];
		pf[i].a = a & (uint32_t)(0xffffffffull << (32 - pf[i].plen));
	}
	for (unsigned int step = 0; step < 600; step++) {
		unsigned int i;
		struct dp_ip e = { .af = 4 };

		rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
		i = (unsigned int)(rnd >> 33) % RTE_DIM(pf);
		t_put32(e.a, pf[i].a);
		if (pf[i].on) {
			ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &e, pf[i].plen), 0);
			pf[i].on = false;
		} else {
			struct dp_rloc_spec r = { .addr = ip("192.0.2.2"), .priority = 1,
						  .weight = 100, .up = true };
			struct dp_mapping_spec sp = { .iid = 100, .eid = e, .plen = pf[i].plen,
						      .action = LISP_ACT_NO_ACTION,
						      .rloc_count = 1, .rlocs = &r };
			int rc = dp_tables_mapping_upsert(t, &sp);

			ck_assert_int_eq(rc, 0);
			pf[i].on = true;
		}
		/* The same prefix drawn twice is one mapping. */
		for (unsigned int j = 0; j < RTE_DIM(pf); j++)
			if (pf[j].a == pf[i].a && pf[j].plen == pf[i].plen)
				pf[j].on = pf[i].on;
		/* Freed tbl8 groups come back after the grace period. */
		rte_rcu_qsbr_quiescent(t->qsbr, TID);
		dp_tables_reclaim(t);
		for (unsigned int q = 0; q < 64; q++) {
			uint32_t dst, best = 0;
			int bl = -1;
			const struct dp_mapping *m;

			rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
			dst = 0x0a00fe00u + (uint32_t)(rnd >> 40) % 0x800u;
			for (unsigned int j = 0; j < RTE_DIM(pf); j++) {
				uint32_t mask = (uint32_t)(0xffffffffull << (32 - pf[j].plen));

				if (pf[j].on && (dst & mask) == pf[j].a && pf[j].plen > bl) {
					bl = pf[j].plen;
					best = pf[j].a;
				}
			}
			m = dp_tables_lookup4(t, v, dst);
			if (bl < 0) {
				ck_assert_msg(m == NULL, "step %u dst %08x: found /%u", step, dst,
					      m ? m->plen : 0);
			} else {
				ck_assert_msg(m != NULL, "step %u dst %08x: missed /%d", step, dst, bl);
				ck_assert_uint_eq(m->plen, bl);
				ck_assert_uint_eq(t_get32(m->eid), best);
			}
		}
	}
}
END_TEST

/* A tbl8 group that a delete frees is reused only after the grace period:
 * a reader may still be walking it. */
START_TEST(ipv4_tbl8_group_after_grace_period)
{
	struct dp_fib4 *f;
	struct dp_ip e = ip("10.9.9.9");
	uint32_t before;

	ck_assert_int_eq(put(100, "10.9.9.0", 24, "192.0.2.2"), 0);
	ck_assert_int_eq(put(100, "10.9.9.9", 32, "192.0.2.3"), 0);
	f = dp_tables_vrf(t, 100)->fib4;
	before = f->n_free;
	ck_assert(rloc_is(get4(100, "10.9.9.9"), 0, "192.0.2.3"));
	ck_assert_int_eq(dp_tables_mapping_delete(t, 100, &e, 32), 0);
	ck_assert(rloc_is(get4(100, "10.9.9.9"), 0, "192.0.2.2"));
	dp_tables_reclaim(t);
	ck_assert_uint_eq(f->n_free, before);
	rte_rcu_qsbr_quiescent(t->qsbr, TID);
	dp_tables_reclaim(t);
	ck_assert_uint_eq(f->n_free, before + 1);
}
END_TEST

START_TEST(mapping_size)
{
	/* docs/dataplane.md quotes these. */
	ck_assert_uint_eq(sizeof(struct dp_rloc), 128);
	ck_assert_uint_eq(dp_mapping_size(0), 128);
	ck_assert_uint_eq(dp_mapping_size(1), 256);
}
END_TEST

int main(int argc, char **argv)
{
	Suite *s = suite_create("dp_tables");
	TCase *tc = tcase_create("tables");

	(void)argc;
	dp_test_eal_init(argv[0]);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, vrfs);
	tcase_add_test(tc, vrf_direct_collisions);
	tcase_add_test(tc, longest_match_and_iid_isolation);
	tcase_add_test(tc, host_bits_and_default_route);
	tcase_add_test(tc, ipv6);
	tcase_add_test(tc, replace_retires_through_rcu);
	tcase_add_test(tc, slots_reused_after_grace_period);
	tcase_add_test(tc, flush);
	tcase_add_test(tc, spec_errors);
	tcase_add_test(tc, weights_and_priorities);
	tcase_add_test(tc, negative_entries);
	tcase_add_test(tc, rloc_status);
	tcase_add_test(tc, encap_per_mapping);
	tcase_add_test(tc, rewrite_golden);
	tcase_add_test(tc, mapping_size);
	tcase_add_test(tc, ipv4_longest_match_random);
	tcase_add_test(tc, ipv4_tbl8_group_after_grace_period);
	suite_add_tcase(s, tc);
	return dp_test_run(s);
}
