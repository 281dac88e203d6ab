/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixture of the channel-pusher suites (test_dp_push_sync.c,
 * test_dp_push_recovery.c, test_dp_push_reports.c): the control plane's end
 * of the data-plane channel (controlplane/dp_push/dp_push.c) against the
 * reference data-plane end (common/dp_channel_server.c), both in this
 * process and stepped in turn (the event loop, then the server's poll),
 * over a real UNIX socket and memfd; the data plane's table as the server
 * hands it over, and the records and configs the tests push.
 *
 * Each suite is its own executable, so the state below is each one's own.
 */
#ifndef LISPGW_TEST_DP_PUSH_FIXTURE_H
#define LISPGW_TEST_DP_PUSH_FIXTURE_H

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

static inline struct dp_entry *table_find(const struct dp_msg_key *k)
{
	for (unsigned int i = 0; i < ntable; i++)
		if (!memcmp(&table[i].m.key, k, sizeof(*k)))
			return &table[i];
	return NULL;
}

static inline int dp_upsert(void *arg, const struct dp_msg_map *m, bool exists)
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

static inline void dp_remove(void *arg, const struct dp_msg_key *k, enum dp_channel_remove_reason why)
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

static inline void dp_rloc_status(void *arg, const struct dp_msg_rloc *m)
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

static inline void server_start(uint32_t cp_slots)
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

static inline void itr_send(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
		     size_t len)
{
	(void)arg;
	(void)dst;
	(void)port;
	if (len && msg[0] >> 4 == LISP_ECM)
		requests_sent++;
}

static inline void itr_start(void)
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

static inline struct dp_push *push_start_with(struct dp_push_params *p)
{
	struct dp_push *d;

	p->socket_path = sock_path;
	d = dp_push_new(loop, p, itr);
	ck_assert_ptr_nonnull(d);
	return d;
}

static inline struct dp_push *push_start(void)
{
	struct dp_push_params p;

	dp_push_params_default(&p);
	p.reconnect_min_ms = 5;
	p.reconnect_max_ms = 40;
	p.retry_ms = 5;
	return push_start_with(&p);
}

static inline void setup(void)
{
	log_init(LOG_LEVEL_WARN, "test-dp-push");
	ntable = n_upserts = n_rloc = requests_sent = 0;
	light = false;
	memset(n_removed, 0, sizeof(n_removed));
	t_tmpdir(sock_dir, sizeof(sock_dir), "dppush");
	snprintf(sock_path, sizeof(sock_path), "%s/dp.sock", sock_dir);
	loop = t_loop_new();
	itr_start();
	server_start(1024);
}

static inline void teardown(void)
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
static inline unsigned int server_pump(void)
{
	return srv ? dp_channel_server_poll(srv, 256) : 0;
}

/* One turn of each side, at the present instant. */
static inline void step(void)
{
	ck_assert_int_ge(evloop_run_once(loop, 0), 0);
	server_pump();
}

/* Until cond holds (fails after ms of test time). */
#define RUN_UNTIL(cond, ms) T_RUN_UNTIL(loop, server_pump, cond, ms)

static inline void run_for(unsigned int ms)
{
	t_run_for(loop, ms, server_pump);
}

/* In sync: the resync of this generation done and reported back. */
static inline bool synced(struct dp_push *d)
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
static inline struct lisp_record *make_rec(struct rec_buf *b, const char *eid, uint32_t ttl,
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

static inline struct mapcache_entry *cache_put(const char *eid, uint32_t ttl, uint8_t action,
					const char *const *rlocs, unsigned int n)
{
	struct rec_buf b;
	struct mapcache_entry *e = NULL;
	struct lisp_err err;

	ck_assert_msg(mapcache_update(mc, make_rec(&b, eid, ttl, action, rlocs, n),
				      MAPCACHE_SRC_MAP_REPLY, &e, &err) == 0, "%s", err.msg);
	return e;
}

static inline struct dp_msg_key key_of(const char *s, uint8_t table_id)
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

static inline const struct dp_entry *dp_get(const char *eid, uint8_t table_id)
{
	struct dp_msg_key k = key_of(eid, table_id);

	return table_find(&k);
}

static inline void check_rloc(const struct dp_msg_locator *r, const char *addr, uint8_t prio,
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

static inline void cfg_map(unsigned int i, const char *eid, uint32_t ttl, const char *rloc,
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

#endif
