/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The channel's sessions against the reference data-plane side
 * (common/dp_channel_server.c): the message checks, attach, one control
 * plane at a time, a live socket never taken over, generations, and the
 * DP->CP direction (misses with the eventfd wake-up, chunked counter
 * snapshots, drops when full, counted on both sides).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>

#include "dp_channel_peer.h"

START_TEST(msg_checks)
{
	struct dp_msg_key k = key4(1, 0x0a000000, 24, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_map m = { .key = k, .rloc_count = 1 };
	char buf[64];

	ck_assert_int_eq(dp_msg_key_check(&k), 0);
	ck_assert_int_eq(dp_msg_key_format(&k, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[1]10.0.0.0/24");
	k.table = DP_MSG_TABLE_DATABASE;
	ck_assert_int_eq(dp_msg_key_format(&k, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "db:[1]10.0.0.0/24");
	k.addr[3] = 1;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);	/* host bits */
	k.addr[3] = 0;
	k.iid = 1u << 24;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);
	k.iid = 1;
	k.afi = 6;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);
	k.afi = DP_MSG_AFI_IPV6;
	k.plen = 129;
	ck_assert_int_eq(dp_msg_key_check(&k), -EINVAL);
	m.rlocs[0].afi = DP_MSG_AFI_IPV6;
	ck_assert_int_eq(dp_msg_map_check(&m, DP_MSG_MAP_HDR_LEN + 24), 0);
	ck_assert_int_eq(dp_msg_map_check(&m, DP_MSG_MAP_HDR_LEN), -EPROTO);
	m.rlocs[0].afi = 0;
	ck_assert_int_eq(dp_msg_map_check(&m, DP_MSG_MAP_HDR_LEN + 24), -EINVAL);
	m.rloc_count = DP_MSG_RLOCS_MAX + 1;
	ck_assert_int_eq(dp_msg_map_check(&m, sizeof(m)), -EPROTO);
	ck_assert_uint_eq(dp_msg_min_len(DP_MSG_MISS), sizeof(struct dp_msg_miss));
	ck_assert_uint_eq(dp_msg_min_len(99), 0);
	ck_assert_str_eq(dp_msg_type_name(DP_MSG_RESYNC_END), "resync-end");
}
END_TEST

START_TEST(proto_attach_and_busy)
{
	struct dp_channel_server *s = server_make(64);
	struct fake_cp a, b;

	ck_assert(!dp_channel_server_attached(s));
	ck_assert_int_eq(cp_attach(s, &a), 0);
	ck_assert(dp_channel_server_attached(s));
	ck_assert_uint_eq(a.h.generation, 1);
	ck_assert_uint_eq(dp_channel_server_generation(s), 1);
	ck_assert_int_ge(a.evfd, 0);
	ck_assert_uint_eq(lg.attached, 1);
	/* A second control plane while the first lives: refused, no fds. */
	ck_assert_int_eq(cp_attach(s, &b), -EBUSY);
	ck_assert_int_eq(b.evfd, -1);
	close(b.sock);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->sessions_refused, 1);
	/* The first one leaves; the next gets generation 2. */
	cp_close(&a);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	ck_assert_uint_eq(lg.detached, 1);
	ck_assert_int_eq(cp_attach(s, &b), 0);
	ck_assert_uint_eq(b.h.generation, 2);
	cp_close(&b);
	/* A live data plane's socket is not taken over by a second one. */
	{
		struct dp_channel_server_params p;

		dp_channel_server_params_default(&p);
		p.socket_path = sock_path;
		ck_assert_ptr_null(dp_channel_server_new(&p, &ops, NULL));
		ck_assert_int_eq(errno, EADDRINUSE);
	}
	server_free(s);
}
END_TEST

START_TEST(proto_dp_to_cp)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_counter ctr[40];
	struct dp_msg_counters mc;
	struct dp_msg_miss miss = { .eid = key4(3, 0x0a000009, 32, DP_MSG_TABLE_MAPCACHE),
				    .packets = 1 };
	struct pollfd pf;
	struct fake_cp c;
	unsigned int sent = 0, got = 0;

	ck_assert_int_eq(dp_channel_server_miss(s, &miss), -ENOTCONN);
	ck_assert_int_eq(cp_attach(s, &c), 0);
	/* The control plane sleeps; a miss wakes it through the eventfd. */
	ck_assert(dp_channel_ring_consumer_sleep(&c.m.rx));
	ck_assert_int_eq(dp_channel_server_miss(s, &miss), 0);
	dp_channel_server_poll(s, 64);
	pf = (struct pollfd){ .fd = c.evfd, .events = POLLIN };
	ck_assert_int_eq(poll(&pf, 1, 0), 1);
	dp_channel_eventfd_drain(c.evfd);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_MISS, &miss, sizeof(miss)), sizeof(miss));
	ck_assert_uint_eq(miss.eid.iid, 3);
	/* Not asleep: no wake-up. */
	ck_assert_int_eq(dp_channel_server_miss(s, &miss), 0);
	dp_channel_server_poll(s, 64);
	ck_assert_int_eq(poll(&pf, 1, 0), 0);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_MISS, &miss, sizeof(miss)), sizeof(miss));

	/* A counter snapshot of 40 comes in 3 chunks. */
	for (unsigned int i = 0; i < 40; i++) {
		memset(&ctr[i], 0, sizeof(ctr[i]));
		snprintf(ctr[i].name, sizeof(ctr[i].name), "counter_%u", i);
		ctr[i].value = i * 1000;
	}
	ck_assert_int_eq(dp_channel_server_counters(s, ctr, 40, 12345), 0);
	for (unsigned int chunk = 0; chunk < 3; chunk++) {
		int len = cp_recv(&c, DP_MSG_COUNTERS, &mc, sizeof(mc));

		ck_assert_int_eq(dp_msg_counters_check(&mc, (size_t)len), 0);
		ck_assert_uint_eq(mc.first, chunk * 16);
		ck_assert_uint_eq(mc.total, 40);
		ck_assert_uint_eq(mc.count, chunk < 2 ? 16 : 8);
		ck_assert_str_eq(mc.v[0].name, ctr[mc.first].name);
		ck_assert_uint_eq(mc.v[mc.count - 1].value, (mc.first + mc.count - 1) * 1000u);
	}

	/* Misses when the ring is full: dropped, counted on both sides. */
	while (dp_channel_server_miss(s, &miss) == 0)
		sent++;
	ck_assert_uint_eq(sent, 64);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->tx_dropped, 1);
	ck_assert_uint_eq(dp_channel_ring_drops(&c.m.rx), 1);
	/* A snapshot is all or none. */
	ck_assert_int_eq(dp_channel_server_counters(s, ctr, 40, 1), -ENOBUFS);
	while (cp_recv(&c, DP_MSG_MISS, &miss, sizeof(miss)) > 0)
		got++;
	ck_assert_uint_eq(got, sent);
	cp_close(&c);
	server_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_channel_session");
	TCase *proto = tcase_create("protocol");

	tcase_set_timeout(proto, 120);
	tcase_add_test(proto, msg_checks);
	tcase_add_test(proto, proto_attach_and_busy);
	tcase_add_test(proto, proto_dp_to_cp);
	suite_add_tcase(s, proto);
	return run_suite(s);
}
