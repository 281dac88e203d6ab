/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's end of the data-plane channel (controlplane/dp_push/dp_push.c)
 * against the reference data-plane end (common/dp_channel_server.c), both
 * in this process and stepped in turn (the event loop, then the server's
 * poll), over a real UNIX socket and memfd:
 *  - attach and the first replay: every map-cache entry and database entry
 *    arrives with its IID, prefix, RLOCs, priorities, weights, up/down,
 *    TTL, action and flags, under the data plane's generation;
 *  - live changes: insert, update, RLOC down/up, withdraw, delete, static
 *    entries; the database replaced (only what changed is sent);
 *  - a control plane that dies mid-replay removes nothing; the next one
 *    replays everything under a new generation and the stale entry alone
 *    goes; a data plane that restarts gets a full replay after back-off;
 *  - a full ring: the backlog keeps order and loses nothing; an
 *    overflowing backlog turns into a resync that converges;
 *  - misses become Map-Requests through itr_resolve (coalesced,
 *    rate-limited); counter snapshots are kept; a node without ITR or
 *    database sends an empty resync; a second control plane is refused.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "check_util.h"
#include "clock_util.h"
#include "dp_channel.h"
#include "dp_channel_server.h"
#include "dp_push.h"
#include "itr.h"
#include "log.h"
#include "mapcache.h"

/* ---- the data plane's table, as the reference server hands it over -------------- */

#define TABLE_MAX 2048

struct dp_entry {
	struct dp_msg_map m;
	unsigned int upserts;
};

static struct dp_entry table[TABLE_MAX];
static unsigned int ntable;
static bool light;		/* count only: tables too big for table[] */
static unsigned int n_upserts, n_removed[3], n_rloc;
static struct dp_msg_rloc last_rloc;
static struct dp_msg_key last_removed;
static struct dp_channel_server *srv;
static char sock_dir[64], sock_path[108];

static struct dp_entry *table_find(const struct dp_msg_key *k)
{
	for (unsigned int i = 0; i < ntable; i++)
		if (!memcmp(&table[i].m.key, k, sizeof(*k)))
			return &table[i];
	return NULL;
}

static int dp_upsert(void *arg, const struct dp_msg_map *m, bool exists)
{
	struct dp_entry *e;

	(void)arg;
	if (light) {
		ntable += !exists;
		n_upserts++;
		return 0;
	}
	e = table_find(&m->key);
	ck_assert_int_eq(exists, e != NULL);
	if (!e) {
		ck_assert_uint_lt(ntable, TABLE_MAX);
		e = &table[ntable++];
		e->upserts = 0;
	}
	memcpy(&e->m, m, dp_msg_map_len(m));
	e->upserts++;
	n_upserts++;
	return 0;
}

static void dp_remove(void *arg, const struct dp_msg_key *k, enum dp_channel_remove_reason why)
{
	struct dp_entry *e;

	(void)arg;
	if (light) {
		ntable--;
		n_removed[why]++;
		return;
	}
	e = table_find(k);
	ck_assert_ptr_nonnull(e);
	*e = table[--ntable];
	n_removed[why]++;
	last_removed = *k;
}

static void dp_rloc_status(void *arg, const struct dp_msg_rloc *m)
{
	struct dp_entry *e = table_find(&m->key);

	(void)arg;
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_lt(m->index, e->m.rloc_count);
	ck_assert_mem_eq(e->m.rlocs[m->index].addr, m->addr, 16);
	e->m.rlocs[m->index].flags = (uint8_t)((e->m.rlocs[m->index].flags & ~DP_MSG_LOC_F_UP) |
					       (m->up ? DP_MSG_LOC_F_UP : 0));
	last_rloc = *m;
	n_rloc++;
}

static const struct dp_channel_ops dp_ops = { .upsert = dp_upsert, .remove = dp_remove,
					       .rloc_status = dp_rloc_status };

static void server_start(uint32_t cp_slots)
{
	struct dp_channel_server_params p;

	dp_channel_server_params_default(&p);
	p.socket_path = sock_path;
	p.cp_ring_slots = cp_slots;
	p.dp_ring_slots = 256;
	p.sock_check_us = 0;
	srv = dp_channel_server_new(&p, &dp_ops, NULL);
	ck_assert_ptr_nonnull(srv);
}

/* ---- the control plane: an event loop, an ITR, the pusher ------------------------------ */

static struct evloop *loop;
static struct itr *itr;
static struct mapcache *mc;
static struct dp_push *push;
static unsigned int requests_sent;

static void itr_send(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	if (len && msg[0] >> 4 == LISP_ECM)
		requests_sent++;
}

static void itr_start(void)
{
	struct itr_params p;
	struct itr_map_resolver mr = { .port = 4342 };

	itr_params_default(&p);
	ck_assert_int_eq(lisp_addr_parse("192.0.2.50", &p.rlocs[0], NULL), 0);
	p.rloc_count = 1;
	p.probe = false;
	p.request_timeout_ms = 10000;
	ck_assert_int_eq(lisp_addr_parse("192.0.2.100", &mr.addr, NULL), 0);
	itr = itr_new(loop, &p, &mr, 1, itr_send, NULL);
	ck_assert_ptr_nonnull(itr);
	mc = itr_cache(itr);
}

static struct dp_push *push_start_with(struct dp_push_params *p)
{
	struct dp_push *d;

	p->socket_path = sock_path;
	d = dp_push_new(loop, p, itr);
	ck_assert_ptr_nonnull(d);
	return d;
}

static struct dp_push *push_start(void)
{
	struct dp_push_params p;

	dp_push_params_default(&p);
	p.reconnect_min_ms = 5;
	p.reconnect_max_ms = 40;
	p.retry_ms = 5;
	return push_start_with(&p);
}

static void setup(void)
{
	log_init(LOG_LEVEL_WARN, "test-dp-push");
	ntable = n_upserts = n_rloc = requests_sent = 0;
	light = false;
	memset(n_removed, 0, sizeof(n_removed));
	snprintf(sock_dir, sizeof(sock_dir), "/tmp/lispgw-dppush-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sock_dir));
	snprintf(sock_path, sizeof(sock_path), "%s/dp.sock", sock_dir);
	loop = t_loop_new();
	itr_start();
	server_start(1024);
}

static void teardown(void)
{
	dp_push_free(push);
	push = NULL;
	itr_free(itr);
	dp_channel_server_free(srv);
	ck_assert_uint_eq(evloop_timer_count(loop), 0);
	evloop_free(loop);
	rmdir(sock_dir);
}

/* The data plane's turn, between the loop's: both ends live in this
 * thread, so what one writes to the socket or rings the other reads at
 * once, and test time (clock_util.h) can jump to the next timer. */
static unsigned int server_pump(void)
{
	return srv ? dp_channel_server_poll(srv, 256) : 0;
}

/* One turn of each side, at the present instant. */
static void step(void)
{
	ck_assert_int_ge(evloop_run_once(loop, 0), 0);
	server_pump();
}

/* Until cond holds (fails after ms of test time). */
#define RUN_UNTIL(cond, ms) T_RUN_UNTIL(loop, server_pump, cond, ms)

static void run_for(unsigned int ms)
{
	t_run_for(loop, ms, server_pump);
}

/* In sync: the resync of this generation done and reported back. */
static bool synced(struct dp_push *d)
{
	return dp_push_synced(d) && dp_push_last_resync(d)->generation == dp_push_generation(d) &&
	       srv && !dp_channel_server_resyncing(srv);
}

/* ---- records ------------------------------------------------------------------------- */

struct rec_buf {
	struct lisp_record rec;
	struct lisp_waddr eid_inner;
	struct lisp_locator locs[40];
};

/* rlocs: "addr/priority/weight" each; reach: all R bits set. */
static struct lisp_record *make_rec(struct rec_buf *b, const char *eid, uint32_t ttl,
				    uint8_t action, const char *const *rlocs, unsigned int n)
{
	struct lisp_prefix p;

	memset(b, 0, sizeof(*b));
	ck_assert_int_eq(lisp_prefix_parse(eid, &p, NULL), 0);
	lisp_waddr_from_prefix(&b->rec.eid, &b->eid_inner, &p);
	b->rec.mask_len = p.plen;
	b->rec.ttl = ttl;
	b->rec.action = action;
	b->rec.loc_count = (uint8_t)n;
	b->rec.locs = b->locs;
	for (unsigned int i = 0; i < n; i++) {
		char a[64];
		unsigned int prio, weight;
		struct lisp_addr addr;

		ck_assert_int_eq(sscanf(rlocs[i], "%63[^/]/%u/%u", a, &prio, &weight), 3);
		ck_assert_int_eq(lisp_addr_parse(a, &addr, NULL), 0);
		b->locs[i].priority = (uint8_t)prio;
		b->locs[i].weight = (uint8_t)weight;
		b->locs[i].mpriority = 255;
		b->locs[i].flags = LISP_LOC_F_REACH;
		lisp_waddr_from_addr(&b->locs[i].addr, &addr);
	}
	return &b->rec;
}

static struct mapcache_entry *cache_put(const char *eid, uint32_t ttl, uint8_t action,
					const char *const *rlocs, unsigned int n)
{
	struct rec_buf b;
	struct mapcache_entry *e = NULL;
	struct lisp_err err;

	ck_assert_msg(mapcache_update(mc, make_rec(&b, eid, ttl, action, rlocs, n),
				      MAPCACHE_SRC_MAP_REPLY, &e, &err) == 0, "%s", err.msg);
	return e;
}

static struct dp_msg_key key_of(const char *s, uint8_t table_id)
{
	struct lisp_prefix p;
	struct dp_msg_key k = { .table = table_id };

	ck_assert_int_eq(lisp_prefix_parse(s, &p, NULL), 0);
	k.iid = p.iid;
	k.plen = p.plen;
	if (p.addr.afi == LISP_AFI_IPV4) {
		k.afi = DP_MSG_AFI_IPV4;
		memcpy(k.addr, p.addr.v4, 4);
	} else {
		k.afi = DP_MSG_AFI_IPV6;
		memcpy(k.addr, p.addr.v6, 16);
	}
	return k;
}

static const struct dp_entry *dp_get(const char *eid, uint8_t table_id)
{
	struct dp_msg_key k = key_of(eid, table_id);

	return table_find(&k);
}

static void check_rloc(const struct dp_msg_locator *r, const char *addr, uint8_t prio,
		       uint8_t weight, uint8_t flags)
{
	struct lisp_addr a;
	uint8_t want[16] = { 0 };

	ck_assert_int_eq(lisp_addr_parse(addr, &a, NULL), 0);
	if (a.afi == LISP_AFI_IPV4) {
		ck_assert_uint_eq(r->afi, DP_MSG_AFI_IPV4);
		memcpy(want, a.v4, 4);
	} else {
		ck_assert_uint_eq(r->afi, DP_MSG_AFI_IPV6);
		memcpy(want, a.v6, 16);
	}
	ck_assert_mem_eq(r->addr, want, 16);
	ck_assert_uint_eq(r->priority, prio);
	ck_assert_uint_eq(r->weight, weight);
	ck_assert_uint_eq(r->flags, flags);
}

/* The database of a config: mappings with their RLOCs. */
static struct cp_config_rloc cfg_rlocs[8];
static struct cp_config_mapping cfg_maps[4];

static void cfg_map(unsigned int i, const char *eid, uint32_t ttl, const char *rloc,
		    uint8_t prio, uint8_t weight)
{
	memset(&cfg_maps[i], 0, sizeof(cfg_maps[i]));
	memset(&cfg_rlocs[i], 0, sizeof(cfg_rlocs[i]));
	ck_assert_int_eq(lisp_prefix_parse(eid, &cfg_maps[i].eid, NULL), 0);
	ck_assert_int_eq(lisp_addr_parse(rloc, &cfg_rlocs[i].addr, NULL), 0);
	cfg_rlocs[i].priority = prio;
	cfg_rlocs[i].weight = weight;
	cfg_maps[i].ttl_min = ttl;
	cfg_maps[i].rloc_count = 1;
	cfg_maps[i].rlocs = &cfg_rlocs[i];
}

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(attach_and_replay)
{
	static const char *const r1[] = { "192.0.2.1/1/70", "2001:db8::2/1/30", "192.0.2.3/5/100" };
	static const char *const r2[] = { "198.51.100.9/2/100" };
	const struct dp_entry *e;

	setup();
	cache_put("[1]10.1.0.0/16", 10, LISP_ACT_NO_ACTION, r1, 3);
	cache_put("[2]10.1.0.0/16", 60, LISP_ACT_NO_ACTION, r2, 1);	/* same prefix, IID 2 */
	cache_put("[1]2001:db8:aa::/48", 15, LISP_ACT_DROP, NULL, 0);	/* negative */
	cfg_map(0, "[1]10.9.0.0/24", 1440, "203.0.113.1", 1, 100);
	push = push_start();
	dp_push_db_load(push, cfg_maps, 1);
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(dp_push_generation(push), 1);
	ck_assert_uint_eq(dp_channel_server_generation(srv), 1);
	ck_assert_uint_eq(ntable, 4);
	ck_assert_uint_eq(dp_push_last_resync(push)->entries, 4);
	ck_assert_uint_eq(dp_push_last_resync(push)->stale, 0);
	ck_assert_uint_eq(dp_push_counters(push)->replayed, 4);

	e = dp_get("[1]10.1.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.key.iid, 1);
	ck_assert_uint_eq(e->m.ttl_s, 600);
	ck_assert_uint_eq(e->m.action, LISP_ACT_NO_ACTION);
	ck_assert_uint_eq(e->m.flags, 0);
	ck_assert_uint_eq(e->m.rloc_count, 3);
	check_rloc(&e->m.rlocs[0], "192.0.2.1", 1, 70, DP_MSG_LOC_F_UP);
	check_rloc(&e->m.rlocs[1], "2001:db8::2", 1, 30, DP_MSG_LOC_F_UP);
	check_rloc(&e->m.rlocs[2], "192.0.2.3", 5, 100, DP_MSG_LOC_F_UP);
	e = dp_get("[2]10.1.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.rloc_count, 1);
	check_rloc(&e->m.rlocs[0], "198.51.100.9", 2, 100, DP_MSG_LOC_F_UP);
	e = dp_get("[1]2001:db8:aa::/48", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.rloc_count, 0);
	ck_assert_uint_eq(e->m.action, LISP_ACT_DROP);
	ck_assert_uint_eq(e->m.flags, DP_MSG_MAP_F_NEGATIVE);
	ck_assert_uint_eq(e->m.ttl_s, 900);
	e = dp_get("[1]10.9.0.0/24", DP_MSG_TABLE_DATABASE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.flags, DP_MSG_MAP_F_AUTHORITATIVE);
	ck_assert_uint_eq(e->m.ttl_s, 1440 * 60);
	check_rloc(&e->m.rlocs[0], "203.0.113.1", 1, 100, DP_MSG_LOC_F_UP | DP_MSG_LOC_F_LOCAL);
	ck_assert_ptr_null(dp_get("[1]10.9.0.0/24", DP_MSG_TABLE_MAPCACHE));
	teardown();
}
END_TEST

/* itr.petrs: a negative native-forward entry reaches the data plane with
 * the Proxy-ETRs as its locators (replayed and live); other negative
 * entries stay without. */
START_TEST(native_forward_carries_the_petrs)
{
	struct cp_config_rloc petr[2] = { { .priority = 1, .weight = 60 },
					  { .priority = 1, .weight = 40 } };
	struct dp_push_params p;
	const struct dp_entry *e;

	setup();
	ck_assert_int_eq(lisp_addr_parse("198.51.100.1", &petr[0].addr, NULL), 0);
	ck_assert_int_eq(lisp_addr_parse("2001:db8:ff::1", &petr[1].addr, NULL), 0);
	cache_put("[1]10.8.0.0/16", 10, LISP_ACT_NATIVE_FORWARD, NULL, 0);
	cache_put("[1]10.7.0.0/16", 10, LISP_ACT_DROP, NULL, 0);
	dp_push_params_default(&p);
	p.reconnect_min_ms = 5;
	p.petrs = petr;
	p.petr_count = 2;
	push = push_start_with(&p);
	memset(petr, 0, sizeof(petr));	/* copied */
	RUN_UNTIL(synced(push), 2000);
	e = dp_get("[1]10.8.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.action, LISP_ACT_NATIVE_FORWARD);
	ck_assert_uint_eq(e->m.rloc_count, 2);
	check_rloc(&e->m.rlocs[0], "198.51.100.1", 1, 60, DP_MSG_LOC_F_UP);
	check_rloc(&e->m.rlocs[1], "2001:db8:ff::1", 1, 40, DP_MSG_LOC_F_UP);
	e = dp_get("[1]10.7.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->m.rloc_count, 0);
	cache_put("[1]10.6.0.0/16", 10, LISP_ACT_NATIVE_FORWARD, NULL, 0);
	RUN_UNTIL(dp_get("[1]10.6.0.0/16", DP_MSG_TABLE_MAPCACHE) != NULL, 2000);
	e = dp_get("[1]10.6.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, 2);
	check_rloc(&e->m.rlocs[0], "198.51.100.1", 1, 60, DP_MSG_LOC_F_UP);
	teardown();
}
END_TEST

START_TEST(live_changes)
{
	static const char *const a[] = { "192.0.2.1/1/50", "192.0.2.2/1/50" };
	static const char *const b[] = { "192.0.2.7/3/10" };
	struct mapcache_entry *me;
	const struct dp_entry *e;
	struct lisp_prefix p;
	struct lisp_err err;
	struct rec_buf rb;

	setup();
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 0);

	/* Insert. */
	me = cache_put("[7]10.2.0.0/16", 5, 0, a, 2);
	RUN_UNTIL(dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE), 1000);
	e = dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, 2);
	ck_assert_uint_eq(e->m.ttl_s, 300);
	/* RLOC 1 down (probing), then up again with its RTT. */
	mapcache_rloc_unanswered(mc, me, 1, 1);
	RUN_UNTIL(n_rloc == 1, 1000);
	ck_assert_uint_eq(last_rloc.index, 1);
	ck_assert_uint_eq(last_rloc.up, 0);
	ck_assert_uint_eq(dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE)->m.rlocs[1].flags, 0);
	mapcache_rloc_reachable(mc, me, 1, 1234, evloop_now_ms(loop));
	RUN_UNTIL(n_rloc == 2, 1000);
	ck_assert_uint_eq(last_rloc.up, 1);
	ck_assert_uint_eq(last_rloc.rtt_us, 1234);
	/* Update: a new RLOC set replaces the old one as a whole. */
	cache_put("[7]10.2.0.0/16", 5, 0, b, 1);
	RUN_UNTIL(dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE)->upserts == 2, 1000);
	e = dp_get("[7]10.2.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, 1);
	check_rloc(&e->m.rlocs[0], "192.0.2.7", 3, 10, DP_MSG_LOC_F_UP);
	/* Withdraw (TTL 0) deletes. */
	ck_assert_int_eq(mapcache_update(mc, make_rec(&rb, "[7]10.2.0.0/16", 0, 0, b, 1),
					 MAPCACHE_SRC_MAP_REPLY, NULL, &err), 0);
	RUN_UNTIL(n_removed[DP_CHANNEL_RM_DELETE] == 1, 1000);
	ck_assert_uint_eq(ntable, 0);
	/* A static entry carries its flag; deleting it deletes it. */
	ck_assert_int_eq(itr_add_static(itr, make_rec(&rb, "[7]10.3.0.0/16", 60, 0, a, 2),
					MAPCACHE_SRC_STATIC, &err), 0);
	RUN_UNTIL(dp_get("[7]10.3.0.0/16", DP_MSG_TABLE_MAPCACHE), 1000);
	e = dp_get("[7]10.3.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.flags, DP_MSG_MAP_F_STATIC);
	ck_assert_int_eq(lisp_prefix_parse("[7]10.3.0.0/16", &p, NULL), 0);
	ck_assert_int_eq(itr_del_static(itr, &p), 0);
	RUN_UNTIL(n_removed[DP_CHANNEL_RM_DELETE] == 2, 1000);
	/* Expiry deletes too. */
	cache_put("[7]10.4.0.0/16", 1, 0, a, 2);
	RUN_UNTIL(ntable == 1, 1000);
	mapcache_flush(mc, false);
	RUN_UNTIL(ntable == 0, 1000);
	/* A DN EID is never pushed, and counted. */
	ck_assert_int_eq(mapcache_update(mc, make_rec(&rb, "[7]dn:agent-1", 5, 0, a, 1),
					 MAPCACHE_SRC_MAP_REPLY, NULL, &err), 0);
	run_for(20);
	ck_assert_uint_eq(ntable, 0);
	ck_assert_uint_ge(dp_push_counters(push)->eids_skipped, 1);
	teardown();
}
END_TEST

START_TEST(more_rlocs_than_the_dp_takes)
{
	static char names[40][32];
	const char *v[40];
	const struct dp_entry *e;

	setup();
	/* 40 RLOCs, priorities 40 down to 1: the 32 best reach the DP. */
	for (unsigned int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "192.0.2.%u/%u/1", i + 1, 40 - i);
		v[i] = names[i];
	}
	cache_put("[1]10.7.0.0/16", 5, 0, v, 40);
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	e = dp_get("[1]10.7.0.0/16", DP_MSG_TABLE_MAPCACHE);
	ck_assert_uint_eq(e->m.rloc_count, DP_MSG_RLOCS_MAX);
	ck_assert_uint_eq(e->m.rlocs[0].priority, 1);
	ck_assert_uint_eq(e->m.rlocs[DP_MSG_RLOCS_MAX - 1].priority, 32);
	ck_assert_uint_eq(dp_push_counters(push)->rlocs_truncated, 8);
	teardown();
}
END_TEST

START_TEST(cp_crash_mid_replay_then_restart)
{
	static const char *const r[] = { "192.0.2.1/1/100" };
	struct dp_push_params p;
	char eid[64];

	setup();
	for (unsigned int i = 0; i < 10; i++) {
		snprintf(eid, sizeof(eid), "[1]10.0.%u.0/24", i);
		cache_put(eid, 60, 0, r, 1);
	}
	/* Generation 1: all ten. */
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 10);
	/* The control plane dies (no resync-end ever comes from it). */
	dp_push_free(push);
	push = NULL;
	dp_channel_server_poll(srv, 256);
	ck_assert(!dp_channel_server_attached(srv));
	ck_assert_uint_eq(ntable, 10);	/* forwarding keeps every mapping */

	/* Its successor replays one entry a turn, and dies after a few:
	 * its partial replay is applied, nothing is removed. */
	{
		struct lisp_prefix gone;

		ck_assert_int_eq(lisp_prefix_parse("[1]10.0.3.0/24", &gone, NULL), 0);
		ck_assert_int_eq(mapcache_delete(mc, &gone), 0);	/* while nobody listened */
	}
	cache_put("[1]10.0.3.0/25", 60, 0, r, 1);	/* and a new one */
	dp_push_params_default(&p);
	p.reconnect_min_ms = 5;
	p.replay_batch = 1;
	push = push_start_with(&p);
	RUN_UNTIL(dp_push_attached(push), 1000);
	step();
	step();
	dp_push_free(push);
	push = NULL;
	dp_channel_server_poll(srv, 256);
	ck_assert(!dp_channel_server_attached(srv));
	ck_assert_uint_eq(dp_channel_server_counters_get(srv)->resyncs_abandoned, 1);
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_STALE], 0);
	ck_assert_uint_ge(ntable, 10);

	/* The third one replays it all under generation 3: the deleted entry
	 * alone is stale; the new one is there. */
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(dp_push_generation(push), 3);
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_STALE], 1);
	{
		struct dp_msg_key gone = key_of("[1]10.0.3.0/24", DP_MSG_TABLE_MAPCACHE);

		ck_assert_mem_eq(&last_removed, &gone, sizeof(gone));
	}
	ck_assert_ptr_nonnull(dp_get("[1]10.0.3.0/25", DP_MSG_TABLE_MAPCACHE));
	ck_assert_uint_eq(ntable, 10);
	ck_assert_uint_eq(dp_push_last_resync(push)->entries, 10);
	ck_assert_uint_eq(dp_push_last_resync(push)->stale, 1);
	teardown();
}
END_TEST

START_TEST(dp_restart_and_second_cp)
{
	static const char *const r[] = { "192.0.2.1/1/100" };
	struct dp_push *other;

	setup();
	cache_put("[1]10.0.0.0/24", 60, 0, r, 1);
	cache_put("[1]10.0.1.0/24", 60, 0, r, 1);
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	/* A second control plane on the same data plane: refused, retried. */
	other = push_start();
	RUN_UNTIL(dp_push_counters(other)->refused_busy >= 2, 2000);
	ck_assert(!dp_push_attached(other));
	dp_push_free(other);
	/* The data plane restarts (a new process: an empty table, generations
	 * from 1 again): the control plane notices, reconnects with back-off
	 * and replays everything. */
	dp_channel_server_free(srv);
	srv = NULL;
	ntable = 0;
	RUN_UNTIL(!dp_push_attached(push), 1000);
	ck_assert_uint_eq(dp_push_counters(push)->disconnects, 1);
	run_for(30);	/* a few failed attempts: nobody listens */
	ck_assert_uint_gt(dp_push_counters(push)->connect_failures, 0);
	server_start(1024);
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(dp_push_counters(push)->connects, 2);
	ck_assert_uint_eq(ntable, 2);
	ck_assert_uint_eq(dp_push_generation(push), 1);
	teardown();
}
END_TEST

START_TEST(full_ring_backlog_keeps_order)
{
	static const char *const r1[] = { "192.0.2.1/1/100" };
	static const char *const r2[] = { "192.0.2.1/1/100", "192.0.2.2/2/100" };
	char eid[64];

	setup();
	dp_channel_server_free(srv);
	server_start(64);	/* 64 slots: a handful of messages */
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	/* 300 inserts, 300 updates, 100 deletes while the data plane does not
	 * poll: the ring fills, the rest waits in order. */
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		cache_put(eid, 60, 0, r1, 1);
	}
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		cache_put(eid, 60, 0, r2, 2);
	}
	for (unsigned int i = 0; i < 100; i++) {
		struct lisp_prefix p;

		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		ck_assert_int_eq(lisp_prefix_parse(eid, &p, NULL), 0);
		ck_assert_int_eq(mapcache_delete(mc, &p), 0);
	}
	ck_assert_uint_gt(dp_push_backlog_bytes(push), 0);
	ck_assert_uint_gt(dp_push_counters(push)->backlogged, 600);
	RUN_UNTIL(dp_push_backlog_bytes(push) == 0 && n_removed[DP_CHANNEL_RM_DELETE] == 100, 5000);
	run_for(10);
	ck_assert_uint_eq(ntable, 200);
	for (unsigned int i = 100; i < 300; i++) {
		const struct dp_entry *e;

		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		e = dp_get(eid, DP_MSG_TABLE_MAPCACHE);
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(e->m.rloc_count, 2);
		ck_assert_uint_eq(e->upserts, 2);
	}
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_DELETE], 100);
	ck_assert_uint_eq(dp_push_counters(push)->backlog_overflows, 0);
	teardown();
}
END_TEST

START_TEST(backlog_overflow_resyncs)
{
	static const char *const r1[] = { "192.0.2.1/1/100" };
	static const char *const r2[] = { "192.0.2.9/1/100" };
	struct dp_push_params p;
	char eid[64];

	setup();
	dp_channel_server_free(srv);
	server_start(64);
	dp_push_params_default(&p);
	p.retry_ms = 5;
	p.backlog_max = 4096;
	push = push_start_with(&p);
	RUN_UNTIL(synced(push), 2000);
	for (unsigned int i = 0; i < 300; i++) {
		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		cache_put(eid, 60, 0, r1, 1);
	}
	for (unsigned int i = 0; i < 50; i++) {
		struct lisp_prefix pf;

		snprintf(eid, sizeof(eid), "[3]10.%u.%u.0/24", i / 256, i % 256);
		ck_assert_int_eq(lisp_prefix_parse(eid, &pf, NULL), 0);
		ck_assert_int_eq(mapcache_delete(mc, &pf), 0);
	}
	cache_put("[3]10.1.0.0/24", 60, 0, r2, 1);	/* i = 256, changed */
	ck_assert_uint_ge(dp_push_counters(push)->backlog_overflows, 1);
	/* The resync converges to exactly the map-cache. */
	RUN_UNTIL(synced(push) && dp_push_counters(push)->resyncs_done >= 2, 5000);
	ck_assert_uint_eq(ntable, 250);
	ck_assert_uint_eq(ntable, mapcache_count(mc));
	ck_assert_ptr_null(dp_get("[3]10.0.0.0/24", DP_MSG_TABLE_MAPCACHE));
	check_rloc(&dp_get("[3]10.1.0.0/24", DP_MSG_TABLE_MAPCACHE)->m.rlocs[0], "192.0.2.9", 1,
		   100,
		   DP_MSG_LOC_F_UP);
	teardown();
}
END_TEST

START_TEST(database_reload)
{
	setup();
	cfg_map(0, "[1]10.9.0.0/24", 60, "203.0.113.1", 1, 100);
	cfg_map(1, "[1]10.9.1.0/24", 60, "203.0.113.1", 1, 100);
	cfg_map(2, "[2]2001:db8:9::/48", 60, "2001:db8::1", 1, 100);
	push = push_start();
	dp_push_db_load(push, cfg_maps, 3);
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 3);
	n_upserts = 0;
	/* Reload: #0 unchanged, #1 gone, #2 changed weight, #3 new. */
	cfg_map(1, "[2]2001:db8:9::/48", 60, "2001:db8::1", 1, 50);
	cfg_map(2, "[1]10.9.2.0/24", 60, "203.0.113.1", 1, 100);
	dp_push_db_load(push, cfg_maps, 3);
	RUN_UNTIL(n_upserts == 2 && n_removed[DP_CHANNEL_RM_DELETE] == 1, 1000);
	run_for(10);
	ck_assert_uint_eq(n_upserts, 2);
	ck_assert_uint_eq(ntable, 3);
	ck_assert_uint_eq(dp_get("[1]10.9.0.0/24", DP_MSG_TABLE_DATABASE)->upserts, 1);
	ck_assert_uint_eq(dp_get("[2]2001:db8:9::/48", DP_MSG_TABLE_DATABASE)->m.rlocs[0].weight,
			  50);
	ck_assert_ptr_null(dp_get("[1]10.9.1.0/24", DP_MSG_TABLE_DATABASE));
	/* Set/del of one entry (what the REST API does). */
	{
		static const char *const r[] = { "203.0.113.2/1/100" };
		struct rec_buf b;
		struct lisp_prefix p;

		ck_assert_int_eq(dp_push_db_set(push, make_rec(&b, "[4]10.4.0.0/16", 60, 0, r, 1)),
				 0);
		RUN_UNTIL(dp_get("[4]10.4.0.0/16", DP_MSG_TABLE_DATABASE), 1000);
		ck_assert_int_eq(lisp_prefix_parse("[4]10.4.0.0/16", &p, NULL), 0);
		ck_assert_int_eq(dp_push_db_del(push, &p), 0);
		ck_assert_int_eq(dp_push_db_del(push, &p), -ENOENT);
		RUN_UNTIL(!dp_get("[4]10.4.0.0/16", DP_MSG_TABLE_DATABASE), 1000);
	}
	ck_assert_uint_eq(dp_push_db_count(push), 3);
	teardown();
}
END_TEST

START_TEST(misses_resolve)
{
	struct dp_msg_miss m = { .eid = key_of("[5]10.5.0.9/32", DP_MSG_TABLE_MAPCACHE),
				 .src_afi = DP_MSG_AFI_IPV4, .src = { 10, 6, 0, 1 }, .packets = 3 };
	struct dp_push_params p;

	setup();
	dp_push_params_default(&p);
	p.miss_rate = 1;
	p.miss_burst = 3;
	push = push_start_with(&p);
	RUN_UNTIL(synced(push), 2000);
	/* One miss: a Map-Request leaves through the ITR. */
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(requests_sent == 1, 1000);
	ck_assert_uint_eq(dp_push_counters(push)->misses_resolved, 1);
	ck_assert_uint_eq(itr_pending_count(itr), 1);
	/* The same EID again while pending: coalesced by the ITR. */
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_coalesced == 1, 1000);
	/* Another EID resolves; then the bucket (burst 3) is empty. */
	m.eid = key_of("[5]10.5.0.10/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	m.eid = key_of("[5]10.5.0.11/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses == 4, 1000);
	ck_assert_uint_eq(requests_sent, 2);
	ck_assert_uint_eq(dp_push_counters(push)->misses_rate_limited, 1);
	/* Nonsense from the data plane is counted, not resolved. */
	m.eid.table = DP_MSG_TABLE_DATABASE;
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_invalid == 1, 1000);
	/* An EID the map-cache covers (the miss crossed the upsert): no
	 * Map-Request, counted before the rate limit; a negative entry whose
	 * action is send-map-request does ask. */
	{
		static const char *const r[] = { "203.0.113.7/1/100" };
		struct rec_buf b;
		struct lisp_err err;

		ck_assert_int_eq(itr_add_static(itr, make_rec(&b, "[5]10.7.0.0/16", 60, 0, r, 1),
						MAPCACHE_SRC_STATIC, &err), 0);
		ck_assert_int_eq(itr_add_static(itr, make_rec(&b, "[5]10.8.0.0/16", 60,
							      LISP_ACT_SEND_MAP_REQUEST, NULL, 0),
						MAPCACHE_SRC_STATIC, &err), 0);
	}
	m.eid = key_of("[5]10.7.0.1/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_cached == 1, 1000);
	m.eid = key_of("[5]10.8.0.1/32", DP_MSG_TABLE_MAPCACHE);
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(push)->misses_rate_limited == 2, 1000);
	ck_assert_uint_eq(dp_push_counters(push)->misses_cached, 1);
	ck_assert_uint_eq(requests_sent, 2);
	teardown();
}
END_TEST

START_TEST(counter_snapshots)
{
	struct dp_msg_counter v[40];
	const struct dp_push_snapshot *s;

	setup();
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_ptr_null(dp_push_dp_counters(push));
	for (unsigned int i = 0; i < 40; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		snprintf(v[i].name, sizeof(v[i].name), "drop_reason_%u", i);
		v[i].value = 7 * i;
		v[i].iid = i % 3;
		v[i].flags = i % 2 ? DP_MSG_COUNTER_F_IID : 0;
	}
	ck_assert_int_eq(dp_channel_server_counters(srv, v, 40, 111), 0);
	RUN_UNTIL(dp_push_dp_counters(push), 1000);
	s = dp_push_dp_counters(push);
	ck_assert_uint_eq(s->count, 40);
	ck_assert_uint_eq(s->time_ns, 111);
	ck_assert_str_eq(s->v[39].name, "drop_reason_39");
	ck_assert_uint_eq(s->v[39].value, 273);
	ck_assert_uint_eq(s->v[39].flags, DP_MSG_COUNTER_F_IID);
	/* A newer one replaces it. */
	v[0].value = 99;
	ck_assert_int_eq(dp_channel_server_counters(srv, v, 1, 222), 0);
	RUN_UNTIL(dp_push_dp_counters(push)->time_ns == 222, 1000);
	s = dp_push_dp_counters(push);
	ck_assert_uint_eq(s->count, 1);
	ck_assert_uint_eq(s->v[0].value, 99);
	ck_assert_uint_eq(dp_push_counters(push)->counter_snapshots, 2);
	teardown();
}
END_TEST

START_TEST(map_server_only_sends_nothing)
{
	static const char *const r[] = { "192.0.2.1/1/100" };
	struct dp_push_params p;
	struct dp_push *ms_only;
	struct dp_msg_miss m = { .eid = key_of("[5]10.5.0.9/32", DP_MSG_TABLE_MAPCACHE) };

	setup();
	cache_put("[1]10.0.0.0/24", 60, 0, r, 1);
	push = push_start();
	RUN_UNTIL(synced(push), 2000);
	ck_assert_uint_eq(ntable, 1);
	dp_push_free(push);
	push = NULL;
	/* A node with neither ITR nor ETR: an empty resync, which leaves
	 * the data plane with exactly that. */
	dp_push_params_default(&p);
	p.socket_path = sock_path;
	p.reconnect_min_ms = 5;
	ms_only = dp_push_new(loop, &p, NULL);
	ck_assert_ptr_nonnull(ms_only);
	RUN_UNTIL(synced(ms_only), 2000);
	ck_assert_uint_eq(dp_push_counters(ms_only)->replayed, 0);
	ck_assert_uint_eq(dp_push_last_resync(ms_only)->entries, 0);
	ck_assert_uint_eq(ntable, 0);
	ck_assert_uint_eq(n_removed[DP_CHANNEL_RM_STALE], 1);
	/* Misses have no ITR to go to. */
	ck_assert_int_eq(dp_channel_server_miss(srv, &m), 0);
	RUN_UNTIL(dp_push_counters(ms_only)->misses_invalid == 1, 1000);
	ck_assert_uint_eq(requests_sent, 0);
	dp_push_free(ms_only);
	teardown();
}
END_TEST

/* A big replay is paced by the ring (100k one-RLOC mappings take 200k
 * slots, the ring 64k): everything arrives, the loop never blocks long. */
START_TEST(replay_100k)
{
	static const char *const r[] = { "192.0.2.1/1/100", "2001:db8::1/1/100" };
	const unsigned int n = 100000;
	uint64_t t0, t1;
	char eid[64];

	setup();
	light = true;
	dp_channel_server_free(srv);
	server_start(DP_CHANNEL_CP_SLOTS_DEF);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(eid, sizeof(eid), "[%u]10.%u.%u.%u/32", 1 + i % 4, (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		cache_put(eid, 60, 0, r, 1 + i % 2);
	}
	t0 = t_wall_ms();
	push = push_start();
	RUN_UNTIL(synced(push), 60000);
	t1 = t_wall_ms();
	ck_assert_uint_eq(ntable, n);
	ck_assert_uint_eq(dp_channel_server_entries(srv), n);
	ck_assert_uint_eq(dp_push_last_resync(push)->entries, n);
	fprintf(stderr, "dp_push: replay of %u mappings to the reference data plane, one thread "
		"for both: %llu ms (%.0f mappings/s)\n", n, (unsigned long long)(t1 - t0),
		(double)n * 1000 / (double)(t1 - t0 ? t1 - t0 : 1));
	teardown();
}
END_TEST

START_TEST(bad_params)
{
	struct dp_push_params p;

	setup();
	dp_push_params_default(&p);
	ck_assert_ptr_null(dp_push_new(loop, &p, itr));
	ck_assert_int_eq(errno, EINVAL);
	/* Nothing listens on a path: it keeps trying, quietly. */
	p.socket_path = "/nonexistent/dp.sock";
	p.reconnect_min_ms = 1;
	p.reconnect_max_ms = 4;
	push = dp_push_new(loop, &p, itr);
	ck_assert_ptr_nonnull(push);
	run_for(30);
	ck_assert_uint_ge(dp_push_counters(push)->connect_failures, 5);
	ck_assert(!dp_push_attached(push));
	ck_assert_int_eq(dp_push_flush(push, DP_MSG_TABLES_ALL), -ENOTCONN);
	teardown();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_push");
	TCase *tc = tcase_create("dp_push");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, attach_and_replay);
	tcase_add_test(tc, live_changes);
	tcase_add_test(tc, native_forward_carries_the_petrs);
	tcase_add_test(tc, more_rlocs_than_the_dp_takes);
	tcase_add_test(tc, cp_crash_mid_replay_then_restart);
	tcase_add_test(tc, dp_restart_and_second_cp);
	tcase_add_test(tc, full_ring_backlog_keeps_order);
	tcase_add_test(tc, backlog_overflow_resyncs);
	tcase_add_test(tc, database_reload);
	tcase_add_test(tc, misses_resolve);
	tcase_add_test(tc, counter_snapshots);
	tcase_add_test(tc, map_server_only_sends_nothing);
	tcase_add_test(tc, replay_100k);
	tcase_add_test(tc, bad_params);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
