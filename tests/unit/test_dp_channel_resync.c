/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forgetting stale state (common/dp_channel_server.c, the only place it
 * happens): a control plane that "crashes" before RESYNC_END removes
 * nothing; the next one's replay reports exactly the keys it did not
 * re-send as stale; a wrong generation breaks the session; partial
 * resyncs, rejections, RLOC status, delete and flush; the key tracker
 * against a reference model; and the grace period (stale keys of a grace
 * table kept, asked for as misses, confirmed or removed at their deadline,
 * on the test's clock).
 */
#include <errno.h>
#include <sys/socket.h>

#include "dp_channel_ring_util.h"
#include "dp_channel_peer.h"

START_TEST(proto_crash_and_replay)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_key A = key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key B = key4(1, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE);
	/* C: A's address in IID 2; E: A's prefix in the database. */
	struct dp_msg_key C = key4(2, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key D = key4(1, 0x0b000000, 8, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key E = key4(1, 0x0a000001, 32, DP_MSG_TABLE_DATABASE);
	struct dp_msg_event ev;
	struct fake_cp c;

	/* Generation 1: A, B, C, confirmed. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, B, 2);
	cp_upsert(&c, C, 3);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 3);
	ck_assert_uint_eq(dp_channel_server_poll(s, 64), 5);
	ck_assert_uint_eq(lg.ninstalled, 3);
	ck_assert_uint_eq(lg.resync_end, 1);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev.code, DP_MSG_EV_RESYNC_DONE);
	ck_assert_uint_eq(ev.arg, 1);
	ck_assert_uint_eq(ev.v[0], 3);
	ck_assert_uint_eq(ev.v[1], 0);
	cp_close(&c);
	dp_channel_server_poll(s, 64);

	/* Generation 2 "crashes": it re-sends A, changes C, adds D, and dies
	 * before RESYNC_END, with its messages still in the ring. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	ck_assert_uint_eq(c.h.generation, 2);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, C, 4);
	cp_upsert(&c, D, 1);
	cp_close(&c);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_attached(s));
	/* What it published was applied; nothing was removed: B is still
	 * there, forwarding never lost it. */
	ck_assert_uint_eq(lg.ninstalled, 4);
	ck_assert_int_ge(log_find(&B), 0);
	ck_assert_uint_eq(lg.installed_rlocs[log_find(&C)], 4);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->resyncs_abandoned, 1);

	/* Generation 3 replays A, C, D, E: B alone is stale. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	ck_assert_uint_eq(c.h.generation, 3);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, C, 4);
	cp_upsert(&c, D, 1);
	cp_upsert(&c, E, 1);
	/* Before the end, still nothing removed. */
	dp_channel_server_poll(s, 64);
	ck_assert(dp_channel_server_resyncing(s));
	ck_assert_uint_eq(lg.ninstalled, 5);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 4);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_resyncing(s));
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &B, sizeof(B));
	ck_assert_uint_eq(lg.ninstalled, 4);
	ck_assert_uint_eq(dp_channel_server_entries(s), 4);
	ck_assert(!dp_channel_server_has(s, &B));
	ck_assert(dp_channel_server_has(s, &E));
	ck_assert_int_eq(cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev.code, DP_MSG_EV_RESYNC_DONE);
	ck_assert_uint_eq(ev.arg, 3);
	ck_assert_uint_eq(ev.v[0], 4);
	ck_assert_uint_eq(ev.v[1], 1);

	/* A wrong generation in a resync breaks the session. */
	{
		struct dp_msg_resync r = { .generation = 99, .tables = DP_MSG_TABLES_ALL };
		char b;

		cp_send(&c, DP_MSG_RESYNC_BEGIN, &r, sizeof(r));
		dp_channel_server_poll(s, 64);
		ck_assert(!dp_channel_server_attached(s));
		ck_assert_uint_eq(dp_channel_server_counters_get(s)->sessions_broken, 1);
		ck_assert_int_eq(recv(c.sock, &b, 1, 0), 0);	/* closed on us */
		ck_assert_uint_eq(lg.ninstalled, 4);		/* and nothing lost */
	}
	cp_close(&c);
	server_free(s);
}
END_TEST

START_TEST(proto_partial_resync_reject_flush)
{
	struct dp_channel_server *s = server_make(64);
	struct dp_msg_key m1 = key4(5, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key m2 = key4(5, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key d1 = key4(5, 0x0a000000, 24, DP_MSG_TABLE_DATABASE);
	struct dp_msg_key d2 = key4(5, 0x0a000100, 24, DP_MSG_TABLE_DATABASE);
	struct dp_msg_key bad = key4(5, 0x0c000000, 8, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_del del = { .key = m2 };
	struct dp_msg_flush fl = { .tables = DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE) };
	struct dp_msg_rloc rl = { .key = m1, .afi = DP_MSG_AFI_IPV4, .up = 0 };
	struct dp_msg_event ev;
	struct fake_cp c;

	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, m1, 1);
	cp_upsert(&c, m2, 1);
	cp_upsert(&c, d1, 1);
	cp_upsert(&c, d2, 1);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 4);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.ninstalled, 4);

	/* A database-only resync (an ETR reload) that drops d2: the map-cache
	 * is not touched although none of it was re-sent. */
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLE_BIT(DP_MSG_TABLE_DATABASE), 0);
	cp_upsert(&c, d1, 2);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLE_BIT(DP_MSG_TABLE_DATABASE), 1);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &d2, sizeof(d2));
	ck_assert_int_ge(log_find(&m1), 0);
	ck_assert_int_ge(log_find(&m2), 0);

	/* A refused upsert: not installed, reported with its key and errno,
	 * and never reported stale later. */
	lg.reject_key = bad;
	lg.reject_set = true;
	cp_upsert(&c, bad, 1);
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_has(s, &bad));
	while (cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)) > 0 && ev.code != DP_MSG_EV_MAP_REJECTED)
		;
	ck_assert_uint_eq(ev.code, DP_MSG_EV_MAP_REJECTED);
	ck_assert_mem_eq(&ev.key, &bad, sizeof(bad));
	ck_assert_uint_eq(ev.v[0], ENOSPC);
	/* A refused replacement keeps the old mapping. */
	lg.reject_key = m1;
	cp_upsert(&c, m1, 7);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.installed_rlocs[log_find(&m1)], 1);
	ck_assert(dp_channel_server_has(s, &m1));
	lg.reject_set = false;

	/* Invalid messages are counted and skipped, the session lives. */
	{
		struct dp_msg_key nc = m1;
		struct dp_msg_map m = { .key = nc };

		m.key.addr[3] = 1;
		m.key.plen = 24;	/* host bits set: not canonical */
		cp_send(&c, DP_MSG_MAP_UPSERT, &m, DP_MSG_MAP_HDR_LEN);
		m.key = m1;
		m.rloc_count = 2;	/* length says 0 RLOCs */
		cp_send(&c, DP_MSG_MAP_UPSERT, &m, DP_MSG_MAP_HDR_LEN);
		cp_send(&c, 77, &m, 10);
		dp_channel_server_poll(s, 64);
		ck_assert(dp_channel_server_attached(s));
		ck_assert_uint_eq(dp_channel_server_counters_get(s)->msgs_invalid, 3);
	}

	/* RLOC status of a known and an unknown key; delete, unknown delete. */
	cp_send(&c, DP_MSG_RLOC_STATUS, &rl, sizeof(rl));
	rl.key = bad;
	cp_send(&c, DP_MSG_RLOC_STATUS, &rl, sizeof(rl));
	cp_send(&c, DP_MSG_MAP_DELETE, &del, sizeof(del));
	cp_send(&c, DP_MSG_MAP_DELETE, &del, sizeof(del));
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.rloc, 1);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->rloc_unknown, 1);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_DELETE], 1);
	ck_assert_uint_eq(dp_channel_server_counters_get(s)->deletes_unknown, 1);

	/* Flush of the map-cache leaves the database. */
	cp_send(&c, DP_MSG_FLUSH, &fl, sizeof(fl));
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_FLUSH], 1);
	ck_assert_uint_eq(lg.ninstalled, 1);
	ck_assert_int_ge(log_find(&d1), 0);
	cp_close(&c);
	server_free(s);
}
END_TEST

/* The tracker against a model: many keys, deletes, resyncs that keep a
 * random subset; the sweep must remove exactly the others. */
START_TEST(proto_tracker_model)
{
	enum { N = 20000 };
	struct dp_channel_server *s = server_make(64);
	static bool present[N], confirmed[N];
	struct fake_cp c;
	uint32_t x = 12345;
	unsigned int expect_stale = 0, n_present = 0;

	lg.light = true;
	ck_assert_int_eq(cp_attach(s, &c), 0);
	for (unsigned int round = 0; round < 4; round++) {
		cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
		dp_channel_server_poll(s, 64);
		memset(confirmed, 0, sizeof(confirmed));
		for (unsigned int i = 0; i < N; i++) {
			struct dp_msg_key k = key4(i % 7, 0x0a000000 + i, 32,
					       i % 3 ? DP_MSG_TABLE_MAPCACHE
						     : DP_MSG_TABLE_DATABASE);

			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			if (x % 3 == 0) {
				cp_upsert(&c, k, 1);
				present[i] = confirmed[i] = true;
			} else if (x % 3 == 1 && present[i]) {
				struct dp_msg_del d = { .key = k };

				cp_send(&c, DP_MSG_MAP_DELETE, &d, sizeof(d));
				present[i] = false;
			}
			if (dp_channel_ring_free_slots(&c.m.tx) < 64)
				dp_channel_server_poll(s, 1024);
		}
		cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 0);
		dp_channel_server_poll(s, 100000);
		expect_stale = n_present = 0;
		for (unsigned int i = 0; i < N; i++) {
			struct dp_msg_key k = key4(i % 7, 0x0a000000 + i, 32,
					       i % 3 ? DP_MSG_TABLE_MAPCACHE
						     : DP_MSG_TABLE_DATABASE);

			if (present[i] && !confirmed[i]) {
				expect_stale++;
				present[i] = false;
			}
			n_present += present[i];
			CHECK(dp_channel_server_has(s, &k) == present[i]);
		}
		ck_assert_uint_eq(dp_channel_server_entries(s), n_present);
		ck_assert_uint_eq(lg.ninstalled, n_present);
	}
	ck_assert_uint_gt(lg.removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_gt(lg.removed[DP_CHANNEL_RM_DELETE], 0);
	cp_close(&c);
	server_free(s);
}
END_TEST

/* The misses waiting in the DP->CP ring: how many, and whether k is one. */
static unsigned int misses_take(struct fake_cp *c, const struct dp_msg_key *k, bool *seen)
{
	struct dp_msg_miss m;
	unsigned int n = 0;

	if (seen)
		*seen = false;
	while (cp_recv(c, DP_MSG_MISS, &m, sizeof(m)) == sizeof(m)) {
		n++;
		if (seen && k && !memcmp(&m.eid, k, sizeof(*k)))
			*seen = true;
	}
	return n;
}

#define MS 1000000ull

/* The grace period: the map-cache keys a resync did not confirm keep
 * forwarding, are asked of the control plane as misses once, stay when it
 * pushes them again, and go at their deadline; the database's stale keys
 * go at once. */
START_TEST(stale_grace_kept_asked_refreshed_expired)
{
	struct dp_channel_server *s =
		server_make_grace(64, 1000, DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE));
	struct dp_msg_key A = key4(1, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key B = key4(1, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key C = key4(1, 0x0a000003, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key D = key4(1, 0x0b000000, 16, DP_MSG_TABLE_DATABASE);
	const struct dp_channel_server_counters *sc = dp_channel_server_counters_get(s);
	struct dp_msg_event ev;
	struct fake_cp c;
	bool seen;

	fake_now_ns = 5000 * MS;
	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, B, 1);
	cp_upsert(&c, C, 1);
	cp_upsert(&c, D, 1);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 4);
	dp_channel_server_poll(s, 64);
	cp_close(&c);
	dp_channel_server_poll(s, 64);

	/* The next control plane has A alone. */
	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	dp_channel_server_poll(s, 64);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 1);
	dp_channel_server_poll(s, 64);
	ck_assert_int_eq(cp_recv(&c, DP_MSG_EVENT, &ev, sizeof(ev)), sizeof(ev));
	ck_assert_uint_eq(ev.code, DP_MSG_EV_RESYNC_DONE);
	ck_assert_uint_eq(ev.v[0], 1);
	ck_assert_uint_eq(ev.v[1], 3);		/* B, C kept; D gone */
	ck_assert_uint_eq(sc->stale_removed, 3);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &D, sizeof(D));
	ck_assert_uint_eq(lg.ninstalled, 3);
	ck_assert(dp_channel_server_has(s, &B) && dp_channel_server_has(s, &C));
	ck_assert_uint_eq(dp_channel_server_entries(s), 3);
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 2);
	ck_assert_uint_eq(sc->stale_kept, 2);
	/* Asked for once each, as misses of the map-cache. */
	ck_assert_uint_eq(misses_take(&c, &C, &seen), 2);
	ck_assert(seen);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(misses_take(&c, NULL, NULL), 0);

	/* B comes back: it stays, as the replacement of the installed key. */
	cp_upsert(&c, B, 2);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(sc->stale_refreshed, 1);
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 1);
	ck_assert_uint_eq(lg.installed_rlocs[log_find(&B)], 2);

	/* C goes at its deadline, not before. */
	fake_now_ns += 999 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert(dp_channel_server_has(s, &C));
	fake_now_ns += 1 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_has(s, &C));
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 2);
	ck_assert_mem_eq(&lg.removed_keys[1], &C, sizeof(C));
	ck_assert_uint_eq(sc->stale_expired, 1);
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 0);
	ck_assert_uint_eq(dp_channel_server_entries(s), 2);
	ck_assert_uint_eq(lg.ninstalled, 2);
	/* B is an ordinary key again: the next resync that leaves it out
	 * keeps it for a new grace period. */
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 1);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(sc->stale_kept, 3);
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 1);
	cp_close(&c);
	server_free(s);
}
END_TEST

/* What ends a grace period besides its deadline, and what does not. */
START_TEST(stale_grace_delete_flush_sessions)
{
	struct dp_channel_server *s =
		server_make_grace(64, 1000, DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE));
	struct dp_msg_key A = key4(2, 0x0a000001, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key B = key4(2, 0x0a000002, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key C = key4(2, 0x0a000003, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_key E = key4(2, 0x0a000004, 32, DP_MSG_TABLE_MAPCACHE);
	struct dp_msg_del del = { .key = B };
	struct dp_msg_flush fl = { .tables = DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE) };
	const struct dp_channel_server_counters *sc = dp_channel_server_counters_get(s);
	struct fake_cp c;

	fake_now_ns = 1000 * MS;
	lg.no_grace_key = E;		/* the caller's policy: E never forwarded */
	lg.no_grace_set = true;
	ck_assert_int_eq(cp_attach(s, &c), 0);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_upsert(&c, B, 1);
	cp_upsert(&c, C, 1);
	cp_upsert(&c, E, 1);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 4);
	dp_channel_server_poll(s, 64);
	/* An empty resync: E goes at once (stale_keep said no), the others
	 * wait and are asked for. */
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 0);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);
	ck_assert_mem_eq(&lg.removed_keys[0], &E, sizeof(E));
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 3);
	ck_assert_uint_eq(misses_take(&c, NULL, NULL), 3);

	/* A control plane that dies before answering: the next one is asked
	 * again, at once. */
	cp_close(&c);
	dp_channel_server_poll(s, 64);
	ck_assert_int_eq(cp_attach(s, &c), 0);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(misses_take(&c, NULL, NULL), 3);
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 3);

	/* Its resync confirms A; B and C, already stale, keep their deadline
	 * (not a new one, and not counted stale twice). */
	fake_now_ns += 600 * MS;
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_upsert(&c, A, 1);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 1);
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(sc->stale_kept, 3);
	ck_assert_uint_eq(sc->stale_refreshed, 1);
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 2);
	/* A delete of a waiting key removes it now. */
	cp_send(&c, DP_MSG_MAP_DELETE, &del, sizeof(del));
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_DELETE], 1);
	ck_assert(!dp_channel_server_has(s, &B));
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 1);
	/* So does a flush of its table. */
	cp_send(&c, DP_MSG_FLUSH, &fl, sizeof(fl));
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_FLUSH], 2);	/* A and C */
	ck_assert_uint_eq(dp_channel_server_stale_waiting(s), 0);
	ck_assert_uint_eq(dp_channel_server_entries(s), 0);
	ck_assert_uint_eq(lg.ninstalled, 0);
	fake_now_ns += 1000 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert_uint_eq(sc->stale_expired, 0);
	ck_assert_uint_eq(lg.removed[DP_CHANNEL_RM_STALE], 1);

	/* A key confirmed and found stale again in one drain gets one
	 * deadline, the new one. */
	cp_upsert(&c, A, 1);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 0);
	dp_channel_server_poll(s, 64);			/* A stale at t */
	fake_now_ns += 600 * MS;
	cp_upsert(&c, A, 1);
	cp_resync(&c, DP_MSG_RESYNC_BEGIN, DP_MSG_TABLES_ALL, 0);
	cp_resync(&c, DP_MSG_RESYNC_END, DP_MSG_TABLES_ALL, 0);
	dp_channel_server_poll(s, 64);			/* again at t + 600 ms */
	fake_now_ns += 400 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert(dp_channel_server_has(s, &A));	/* t + 1000: not its deadline */
	fake_now_ns += 600 * MS;
	dp_channel_server_poll(s, 64);
	ck_assert(!dp_channel_server_has(s, &A));
	ck_assert_uint_eq(sc->stale_expired, 1);
	cp_close(&c);
	server_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_channel_resync");
	TCase *proto = tcase_create("protocol");

	tcase_set_timeout(proto, 120);
	tcase_add_test(proto, proto_crash_and_replay);
	tcase_add_test(proto, proto_partial_resync_reject_flush);
	tcase_add_test(proto, proto_tracker_model);
	tcase_add_test(proto, stale_grace_kept_asked_refreshed_expired);
	tcase_add_test(proto, stale_grace_delete_flush_sessions);
	suite_add_tcase(s, proto);
	return run_suite(s);
}
