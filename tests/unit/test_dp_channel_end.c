/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * How a channel session ends (common/dp_channel_server.c): the reason is
 * counted and told (peer closed, a protocol violation: which), and what the
 * session installed keeps forwarding for params.session_grace_ms, then goes
 * unless a new control plane confirms it, on the test's clock.  Before,
 * nothing was removed and nothing said why: the keys of a killed control
 * plane stayed for ever.
 */
#include <errno.h>
#include <sys/socket.h>

#include "dp_channel_ring_util.h"
#include "dp_channel_peer.h"

#define MS 1000000ull

static const char *end_text(const struct dp_channel_server *s, enum dp_channel_end_reason want)
{
	const char *text = NULL;

	ck_assert_int_eq(dp_channel_server_end_reason(s, &text), want);
	ck_assert_ptr_nonnull(text);
	return text;
}

/* A session at 1 s on the test clock that installs keys[0..n). */
static void session_with(struct dp_channel_server *s, struct fake_cp *c,
			 const struct dp_msg_key *keys, size_t n)
{
	fake_now_ns = 1000 * MS;
	ck_assert_int_eq(cp_attach(s, c), 0);
	for (size_t i = 0; i < n; i++)
		cp_upsert(c, keys[i], 1);
	dp_channel_server_poll(s, 64);
}

/* A control plane goes away: its keys, of both tables, stay through the
 * grace period and are removed at its deadline, not before. */
START_TEST(peer_closed_keys_removed_after_grace)
{
	struct dp_channel_server *s = server_make(64);
	const struct dp_msg_key keys[] = { key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE),
					   key4(1, 0x0b000000, 16, DP_MSG_TABLE_DATABASE) };
	const struct dp_channel_server_counters *sc = dp_channel_server_counters_get(s);
	struct fake_cp c;

	session_with(s, &c, keys, 2);
	ck_assert_int_eq(dp_channel_server_end_reason(s, NULL), DP_CHANNEL_END_NONE);
	cp_close(&c);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	ck_assert_str_eq(end_text(s, DP_CHANNEL_END_PEER_CLOSED),
			 "peer closed the socket; 2 entries removed in 30000 ms unless confirmed");
	ck_assert_uint_eq(sc->ended_peer_closed, 1);
	ck_assert_uint_eq(sc->session_stale, 2);
	ck_assert_uint_eq(lg.detached, 1);

	fake_now_ns += 30000 * MS - 1;
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_eq(dp_channel_server_entries(s), 2);
	fake_now_ns += 1;
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 2);
	ck_assert_uint_eq(sc->stale_expired, 2);
	ck_assert_uint_eq(dp_channel_server_entries(s), 0);
	server_free(s);
}
END_TEST

/* A new control plane within the grace period confirms what it pushes,
 * with or without a resync; the rest goes at the deadline. */
START_TEST(new_session_confirms_within_grace)
{
	struct dp_channel_server *s = server_make(64);
	const struct dp_msg_key keys[] = { key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE),
					   key4(1, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE) };
	const struct dp_msg_key A = keys[0], B = keys[1];
	struct fake_cp c;

	session_with(s, &c, keys, 2);
	cp_close(&c);
	dp_channel_server_poll(s, 64);

	fake_now_ns += 5000 * MS;
	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_upsert(&c, A, 2);
	dp_channel_server_poll(s, 64);
	fake_now_ns += 25000 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &B, sizeof(B));
	ck_assert(dp_channel_server_has(s, &A));
	ck_assert(!dp_channel_server_has(s, &B));
	cp_close(&c);
	server_free(s);
}
END_TEST

/* Something that is not lispgw-cp: bytes on the socket, where the control
 * plane never writes, end the session as a protocol violation. */
START_TEST(bytes_on_socket_end_the_session)
{
	struct dp_channel_server *s = server_make(64);
	const struct dp_msg_key A = key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	const struct dp_channel_server_counters *sc = dp_channel_server_counters_get(s);
	struct fake_cp c;

	session_with(s, &c, &A, 1);
	ck_assert_int_eq(send(c.sock, "GET / HTTP/1.0\r\n", 16, MSG_NOSIGNAL), 16);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	ck_assert_ptr_nonnull(strstr(end_text(s, DP_CHANNEL_END_PROTOCOL),
				     "protocol violation: 16 bytes on the socket"));
	ck_assert_uint_eq(sc->ended_protocol, 1);
	ck_assert_uint_eq(sc->sessions_broken, 1);
	ck_assert(dp_channel_server_has(s, &A));
	fake_now_ns += 30000 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_has(s, &A));
	cp_close(&c);
	server_free(s);
}
END_TEST

/* A RESYNC for another generation says which in the reason. */
START_TEST(wrong_generation_named)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_resync r = { .generation = 77, .tables = DP_MSG_TABLES_ALL };
	struct fake_cp c;

	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_send(&c, DP_MSG_RESYNC_BEGIN, &r, sizeof(r));
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	ck_assert_ptr_nonnull(strstr(end_text(s, DP_CHANNEL_END_PROTOCOL),
				     "RESYNC_BEGIN for generation 77, tables 0x3, in session 1"));
	cp_close(&c);
	server_free(s);
}
END_TEST

/* session_grace_ms 0: what the session left goes at the next poll. */
START_TEST(zero_grace_removes_at_once)
{
	const struct dp_msg_key A = key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_channel_server *s;
	struct fake_cp c;

	peer_session_grace_ms = 0;
	s = server_make(64);
	peer_session_grace_ms = 30000;
	session_with(s, &c, &A, 1);
	cp_close(&c);
	dp_channel_server_poll(s, 64);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_has(s, &A));
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	server_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_channel_end");
	TCase *tc = tcase_create("end");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, peer_closed_keys_removed_after_grace);
	tcase_add_test(tc, new_session_confirms_within_grace);
	tcase_add_test(tc, bytes_on_socket_end_the_session);
	tcase_add_test(tc, wrong_generation_named);
	tcase_add_test(tc, zero_grace_removes_at_once);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
