/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_push.h"
#include "dp_push_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dp_channel.h"
#include "log.h"
#include "mapcache.h"
#include "mapdb.h"

void dp_push_params_default(struct dp_push_params *p)
{
	memset(p, 0, sizeof(*p));
	p->reconnect_min_ms = 100;
	p->reconnect_max_ms = 5000;
	p->retry_ms = 20;
	p->backlog_max = 64u << 20;
	p->miss_rate = 1000;
	p->miss_burst = 2000;
	p->replay_batch = 4096;
}

/* ---- output: the ring, then the backlog --------------------------------------------- */

static void pump(struct dp_push *dp);

static size_t rec_len(size_t payload)
{
	return sizeof(struct dp_channel_rec) + payload;
}

static void backlog_clear(struct dp_push *dp)
{
	dp->bl_off = dp->bl_len = 0;
}

/* One timer serves the fallback retry, the next replay batch and the rest
 * of an input budget: it only ever moves earlier. */
void dpp_retry_arm(struct dp_push *dp, uint64_t ms)
{
	if (evtimer_pending(&dp->retry) &&
	    evtimer_expiry_ms(&dp->retry) <= evloop_now_ms(dp->loop) + ms)
		return;
	evtimer_arm(dp->loop, &dp->retry, ms);
}

/* The ring is full: wait for the data plane's doorbell (it rings when it
 * freed room and sees our flag), with a timer in case it does not. */
static void wait_for_room(struct dp_push *dp)
{
	if (dp_channel_ring_producer_sleep(&dp->map.tx, DP_MSG_PAYLOAD_MAX))
		dpp_retry_arm(dp, dp->p.retry_ms);
	else
		dpp_retry_arm(dp, 0);	/* room already: next turn */
}

static int backlog_add(struct dp_push *dp, uint16_t type, const void *p, size_t len)
{
	struct dp_channel_rec h = { .type = type, .len = (uint16_t)len };
	size_t need = rec_len(len);

	if (dp->bl_len - dp->bl_off + need > dp->p.backlog_max) {
		/* The data plane has not drained for a long while: holding an
		 * ever longer queue helps nobody.  Forget it and resync once it
		 * drains; the resync's sweep removes what the lost deletes
		 * would have. */
		if (!dp->need_resync)
			log_warn("data plane: backlog over %zu bytes, will resync",
				 dp->p.backlog_max);
		dp->c.backlog_overflows++;
		backlog_clear(dp);
		dp->need_resync = true;
		dp->rs.active = false;
		return -ENOBUFS;
	}
	if (dp->bl_off && dp->bl_len + need > dp->bl_cap) {
		memmove(dp->bl, dp->bl + dp->bl_off, dp->bl_len - dp->bl_off);
		dp->bl_len -= dp->bl_off;
		dp->bl_off = 0;
	}
	if (dp->bl_len + need > dp->bl_cap) {
		size_t cap = dp->bl_cap ? dp->bl_cap : 65536;
		uint8_t *nb;

		while (cap < dp->bl_len + need)
			cap *= 2;
		nb = realloc(dp->bl, cap);
		if (!nb) {
			dp->c.backlog_overflows++;
			backlog_clear(dp);
			dp->need_resync = true;
			dp->rs.active = false;
			return -ENOMEM;
		}
		dp->bl = nb;
		dp->bl_cap = cap;
	}
	memcpy(dp->bl + dp->bl_len, &h, sizeof(h));
	memcpy(dp->bl + dp->bl_len + sizeof(h), p, len);
	dp->bl_len += need;
	dp->c.backlogged++;
	return 0;
}

/* True when the backlog is empty afterwards. */
static bool backlog_flush(struct dp_push *dp)
{
	while (dp->bl_off < dp->bl_len) {
		const uint8_t *payload = dp->bl + dp->bl_off + sizeof(struct dp_channel_rec);
		struct dp_channel_rec h;

		memcpy(&h, dp->bl + dp->bl_off, sizeof(h));

		if (dp_channel_ring_enqueue(&dp->map.tx, h.type, payload, h.len) < 0)
			return false;
		dp->bl_off += rec_len(h.len);
	}
	backlog_clear(dp);
	return true;
}

/* A live message: straight into the ring when nothing waits before it. */
int dpp_out(struct dp_push *dp, uint16_t type, const void *p, size_t len)
{
	int rc;

	if (dp->state != DPP_ATTACHED)
		return -ENOTCONN;
	if (dp->need_resync)
		return -EALREADY;	/* the coming resync sends the current state */
	if (dp->bl_off == dp->bl_len) {
		rc = dp_channel_ring_enqueue(&dp->map.tx, type, p, len);
		if (rc != -ENOBUFS)
			return rc;
	}
	rc = backlog_add(dp, type, p, len);
	wait_for_room(dp);
	return rc;
}

/* ---- resync -------------------------------------------------------------------------- */

static int key_collect(struct replay *rs, const struct dp_msg_key *k)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 1024;
		struct dp_msg_key *v = realloc(rs->keys, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rs->keys = v;
		rs->cap = cap;
	}
	rs->keys[rs->n++] = *k;
	return 0;
}

static int collect_db(const struct lisp_prefix *p, void *value, void *arg)
{
	const struct db_entry *e = value;

	(void)p;
	return key_collect(arg, &e->m.key);
}

static int collect_mc(struct mapcache_entry *e, void *arg)
{
	struct dp_msg_key k;

	if (!dpp_key_from_prefix(&e->eid, DP_MSG_TABLE_MAPCACHE, &k))
		return 0;	/* not forwardable (a DN, a MAC): never pushed */
	return key_collect(arg, &k);
}

static void resync_start(struct dp_push *dp, uint32_t tables)
{
	struct replay *rs = &dp->rs;
	int rc = 0;

	rs->n = rs->next = 0;
	rs->sent = 0;
	rs->tables = tables;
	rs->begin_sent = false;
	if (tables & DP_MSG_TABLE_BIT(DP_MSG_TABLE_DATABASE))
		rc = mapdb_walk(dp->db, NULL, collect_db, rs);
	if (rc == 0 && dp->mc && (tables & DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE)))
		rc = mapcache_walk(dp->mc, NULL, collect_mc, rs);
	if (rc < 0) {
		/* No memory for the key list: try again shortly. */
		dp->need_resync = true;
		dpp_retry_arm(dp, dp->p.retry_ms);
		return;
	}
	rs->active = true;
	dp->c.resyncs_started++;
	log_info("data plane: generation %u, replaying %zu entries", dp->generation, rs->n);
}

/* The current message for key k: -1 when the entry is gone, else as
 * map_from_entry. */
static int replay_lookup(struct dp_push *dp, const struct dp_msg_key *k, struct dp_msg_map *m)
{
	struct lisp_prefix p;

	dpp_prefix_from_key(k, &p);
	if (k->table == DP_MSG_TABLE_DATABASE) {
		const struct db_entry *e = mapdb_exact(dp->db, &p);

		if (!e)
			return -1;
		memcpy(m, &e->m, e->len);
		return 0;	/* its cut was counted when it was set */
	} else {
		const struct mapcache_entry *e = dp->mc ? mapcache_exact(dp->mc, &p) : NULL;

		int cut = e ? dpp_map_from_entry(e, m) : -1;

		if (cut >= 0)
			dpp_petrs_put(m, dp->p.petrs, dp->p.petr_count);
		return cut;
	}
}

/* One batch of the replay.  False when the ring is full. */
static bool replay_step(struct dp_push *dp)
{
	struct replay *rs = &dp->rs;
	struct dp_msg_resync r = { .generation = dp->generation, .tables = rs->tables };
	struct dp_msg_map m;

	if (!rs->begin_sent) {
		if (dp_channel_ring_enqueue(&dp->map.tx, DP_MSG_RESYNC_BEGIN, &r, sizeof(r)) < 0)
			return false;
		rs->begin_sent = true;
	}
	for (unsigned int budget = dp->p.replay_batch; rs->next < rs->n && budget; budget--) {
		int cut = replay_lookup(dp, &rs->keys[rs->next], &m);

		if (cut < 0) {
			rs->next++;
			continue;
		}
		if (dp_channel_ring_enqueue(&dp->map.tx, DP_MSG_MAP_UPSERT, &m,
					    dp_msg_map_len(&m)) < 0)
			return false;
		rs->next++;
		rs->sent++;
		dp->c.replayed++;
		dp->c.rlocs_truncated += (unsigned int)cut;
	}
	if (rs->next < rs->n) {
		/* Yield to the loop: the rest next turn. */
		dpp_retry_arm(dp, 0);
		return true;
	}
	r.count = rs->sent;
	if (dp_channel_ring_enqueue(&dp->map.tx, DP_MSG_RESYNC_END, &r, sizeof(r)) < 0)
		return false;
	rs->active = false;
	dp->c.resyncs_sent++;
	log_info("data plane: generation %u, %llu entries replayed", dp->generation,
		 (unsigned long long)rs->sent);
	return true;
}

static void pump(struct dp_push *dp)
{
	if (dp->state != DPP_ATTACHED || !dpp_rx_drain(dp))
		return;
	if (!backlog_flush(dp)) {
		wait_for_room(dp);
		return;
	}
	if (dp->need_resync && !dp->rs.active) {
		dp->need_resync = false;
		resync_start(dp, DP_MSG_TABLES_ALL);
	}
	if (dp->rs.active && !replay_step(dp))
		wait_for_room(dp);
}

/* ---- the session ------------------------------------------------------------------ */

static void on_sock(int fd, unsigned int events, void *arg);
static void on_evfd(int fd, unsigned int events, void *arg);

static void reconnect_later(struct dp_push *dp)
{
	evtimer_arm(dp->loop, &dp->reconnect, dp->backoff_ms);
	dp->backoff_ms = dp->backoff_ms * 2 < dp->p.reconnect_max_ms ? dp->backoff_ms * 2
								    : dp->p.reconnect_max_ms;
}

static void session_close(struct dp_push *dp)
{
	if (dp->sock >= 0) {
		evloop_fd_del(dp->loop, dp->sock);
		close(dp->sock);
	}
	if (dp->evfd >= 0) {
		evloop_fd_del(dp->loop, dp->evfd);
		close(dp->evfd);
	}
	dp->sock = dp->evfd = -1;
	dp_channel_region_release(&dp->map);
	evtimer_cancel(dp->loop, &dp->retry);
	backlog_clear(dp);
	dp->need_resync = false;
	dp->rs.active = false;
	dp->generation = 0;
	/* The snapshot was this session's data plane's: a restarted one
	 * counts from zero, and its numbers come with its first snapshot. */
	dp->have_latest = false;
	dp->building.have = dp->building.total = 0;
	dp->state = DPP_IDLE;
}

void dpp_disconnect(struct dp_push *dp, const char *why)
{
	if (dp->state == DPP_ATTACHED) {
		dp->c.disconnects++;
		log_warn("data plane: generation %u lost (%s); reconnecting", dp->generation, why);
	}
	session_close(dp);
	reconnect_later(dp);
}

static void on_reconnect(struct evtimer *t, void *arg)
{
	struct dp_push *dp = arg;
	int fd;

	(void)t;
	fd = dp_channel_connect(dp->path);
	if (fd < 0) {
		/* Not there yet (or not any more): normal while it starts. */
		dp->c.connect_failures++;
		reconnect_later(dp);
		return;
	}
	if (evloop_fd_add(dp->loop, fd, EV_READ, on_sock, dp) < 0) {
		close(fd);
		dp->c.connect_failures++;
		reconnect_later(dp);
		return;
	}
	dp->sock = fd;
	dp->state = DPP_HELLO;
}

static void hello_handle(struct dp_push *dp)
{
	struct dp_channel_hello h;
	int memfd, evfd, rc;

	rc = dp_channel_hello_recv(dp->sock, &h, &memfd, &evfd);
	if (rc == -EAGAIN)
		return;
	if (rc == 0 && h.status == -EBUSY) {
		dp->c.refused_busy++;
		log_warn("data plane: another control plane is attached (generation %u)",
			 h.generation);
		session_close(dp);
		reconnect_later(dp);
		return;
	}
	if (rc == 0 && h.status == 0) {
		rc = dp_channel_region_attach(memfd, &dp->map);	/* takes memfd */
		if (rc == 0 && dp->map.generation != h.generation)
			rc = -EPROTO;
	} else if (rc == 0) {
		rc = -EPROTO;
	}
	if (rc < 0 || evloop_fd_add(dp->loop, evfd, EV_READ, on_evfd, dp) < 0) {
		if (evfd >= 0)
			close(evfd);
		dp->c.connect_failures++;
		log_warn("data plane: bad hello on %s: %s", dp->path, strerror(rc < 0 ? -rc : EIO));
		session_close(dp);
		reconnect_later(dp);
		return;
	}
	dp->evfd = evfd;
	dp->generation = h.generation;
	dp->state = DPP_ATTACHED;
	dp->backoff_ms = dp->p.reconnect_min_ms;
	dp->c.connects++;
	log_info("data plane: attached on %s, generation %u (pid %u)", dp->path, h.generation,
		 h.dp_pid);
	resync_start(dp, DP_MSG_TABLES_ALL);
	pump(dp);
}

static void on_sock(int fd, unsigned int events, void *arg)
{
	struct dp_push *dp = arg;
	char b[64];
	ssize_t r;

	(void)events;
	if (dp->state == DPP_HELLO) {
		hello_handle(dp);
		return;
	}
	/* The data plane says nothing after its hello: readable means gone. */
	r = recv(fd, b, sizeof(b), MSG_DONTWAIT);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
		dpp_disconnect(dp, r == 0 ? "socket closed" : strerror(errno));
}

static void on_evfd(int fd, unsigned int events, void *arg)
{
	struct dp_push *dp = arg;

	(void)events;
	dp_channel_eventfd_drain(fd);
	pump(dp);
}

static void on_retry(struct evtimer *t, void *arg)
{
	(void)t;
	pump(arg);
}

/* ---- the map-cache's changes ---------------------------------------------------------- */

static void on_mapcache(void *arg, const struct mapcache_event *ev)
{
	struct dp_push *dp = arg;
	const struct mapcache_entry *e = ev->entry;
	struct dp_msg_map m;
	int cut;

	if (dp->state != DPP_ATTACHED)
		return;		/* the next attach replays the whole cache */
	cut = dpp_map_from_entry(e, &m);
	if (cut >= 0)
		dpp_petrs_put(&m, dp->p.petrs, dp->p.petr_count);
	if (cut < 0) {
		dp->c.eids_skipped += ev->type == MAPCACHE_EV_ADD;
		return;
	}
	switch (ev->type) {
	case MAPCACHE_EV_ADD:
	case MAPCACHE_EV_UPDATE:
		if (dpp_out(dp, DP_MSG_MAP_UPSERT, &m, dp_msg_map_len(&m)) == 0) {
			dp->c.upserts++;
			dp->c.rlocs_truncated += (unsigned int)cut;
		}
		return;
	case MAPCACHE_EV_REMOVE: {
		struct dp_msg_del d = { .key = m.key };

		if (dpp_out(dp, DP_MSG_MAP_DELETE, &d, sizeof(d)) == 0)
			dp->c.deletes++;
		return;
	}
	case MAPCACHE_EV_RLOC: {
		const struct mapcache_rloc *r = &e->rlocs[ev->rloc];
		struct dp_msg_rloc rl = { .key = m.key, .up = r->up, .rtt_us = r->rtt_us };
		uint8_t afi, addr[16];

		if (!dpp_addr_put(&r->addr, &afi, addr))
			return;
		/* Its index among what went to the data plane (non-IP RLOCs
		 * and a truncated tail are not there). */
		for (unsigned int i = 0; i < m.rloc_count; i++) {
			if (m.rlocs[i].afi != afi || memcmp(m.rlocs[i].addr, addr, 16))
				continue;
			rl.index = (uint8_t)i;
			rl.afi = afi;
			memcpy(rl.addr, addr, 16);
			if (dpp_out(dp, DP_MSG_RLOC_STATUS, &rl, sizeof(rl)) == 0)
				dp->c.rloc_updates++;
			return;
		}
		return;
	}
	}
}

/* ---- the ETR database ------------------------------------------------------------------ */

/* Stores m (cut: RLOCs it left out) for its key; sends it when it is new
 * or changed. */
static int db_put(struct dp_push *dp, const struct dp_msg_map *m, int cut)
{
	struct lisp_prefix p;
	struct db_entry *e;
	size_t len = dp_msg_map_len(m);

	dpp_prefix_from_key(&m->key, &p);
	e = mapdb_exact(dp->db, &p);
	if (e && e->len == len && !memcmp(&e->m, m, len)) {
		e->mark = dp->db_mark;
		return 0;
	}
	if (!e) {
		e = calloc(1, sizeof(*e));
		if (!e)
			return -ENOMEM;
		if (mapdb_insert(dp->db, &p, e, NULL) < 0) {
			free(e);
			return -ENOMEM;
		}
	}
	e->mark = dp->db_mark;
	e->len = (uint32_t)len;
	memcpy(&e->m, m, len);
	dp->c.rlocs_truncated += (unsigned int)cut;
	if (dpp_out(dp, DP_MSG_MAP_UPSERT, m, len) == 0)
		dp->c.upserts++;
	return 0;
}

static void db_remove(struct dp_push *dp, const struct lisp_prefix *p)
{
	struct db_entry *e = mapdb_remove(dp->db, p);
	struct dp_msg_del d;

	if (!e)
		return;
	d.key = e->m.key;
	if (dpp_out(dp, DP_MSG_MAP_DELETE, &d, sizeof(d)) == 0)
		dp->c.deletes++;
	free(e);
}

struct db_sweep {
	uint32_t mark;
	struct lisp_prefix *v;
	size_t n, cap;
};

static int db_collect_old(const struct lisp_prefix *p, void *value, void *arg)
{
	struct db_sweep *s = arg;
	const struct db_entry *e = value;

	if (e->mark == s->mark)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct lisp_prefix *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *p;
	return 0;
}

void dp_push_db_load(struct dp_push *dp, const struct cp_config_mapping *maps, size_t n)
{
	struct db_sweep s = { 0 };
	struct dp_msg_map m;

	dp->db_mark++;
	for (size_t i = 0; i < n; i++) {
		int cut = dpp_map_from_config(&maps[i], &m);

		if (cut < 0) {
			dp->c.eids_skipped++;
			continue;
		}
		if (db_put(dp, &m, cut) < 0)
			log_error("data plane: out of memory for the database");
	}
	/* What the new database no longer has: deleted (collected first, the
	 * trie must not change under its walk). */
	s.mark = dp->db_mark;
	mapdb_walk(dp->db, NULL, db_collect_old, &s);
	for (size_t i = 0; i < s.n; i++)
		db_remove(dp, &s.v[i]);
	free(s.v);
}

int dp_push_db_set(struct dp_push *dp, const struct lisp_record *rec)
{
	struct dp_msg_map m;
	int cut = dpp_map_from_record(rec, &m);

	if (cut < 0) {
		dp->c.eids_skipped++;
		return -EINVAL;
	}
	return db_put(dp, &m, cut);
}

int dp_push_db_del(struct dp_push *dp, const struct lisp_prefix *eid)
{
	struct dp_msg_key k;
	struct lisp_prefix p;

	if (!dpp_key_from_prefix(eid, DP_MSG_TABLE_DATABASE, &k))
		return -ENOENT;
	dpp_prefix_from_key(&k, &p);
	if (!mapdb_exact(dp->db, &p))
		return -ENOENT;
	db_remove(dp, &p);
	return 0;
}

size_t dp_push_db_count(const struct dp_push *dp)
{
	return mapdb_count(dp->db);
}

/* ---- life cycle and accessors ------------------------------------------------------------ */

struct dp_push *dp_push_new(struct evloop *loop, const struct dp_push_params *p,
			    struct itr *itr)
{
	struct dp_push *dp;

	if (!p->socket_path || !*p->socket_path) {
		errno = EINVAL;
		return NULL;
	}
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return NULL;
	dp->loop = loop;
	dp->p = *p;
	if (!dp->p.reconnect_min_ms)
		dp->p.reconnect_min_ms = 1;
	if (dp->p.reconnect_max_ms < dp->p.reconnect_min_ms)
		dp->p.reconnect_max_ms = dp->p.reconnect_min_ms;
	if (!dp->p.replay_batch)
		dp->p.replay_batch = 1;
	dp->path = strdup(p->socket_path);
	dp->p.petrs = NULL;
	dp->p.petr_count = 0;
	if (p->petr_count) {
		struct cp_config_rloc *v = calloc(p->petr_count, sizeof(*v));

		if (!v) {
			free(dp->path);
			free(dp);
			return NULL;
		}
		for (size_t i = 0; i < p->petr_count; i++)
			v[i] = (struct cp_config_rloc){ .addr = p->petrs[i].addr,
							.priority = p->petrs[i].priority,
							.weight = p->petrs[i].weight };
		dp->p.petrs = v;
		dp->p.petr_count = p->petr_count;
	}
	dp->db = mapdb_new();
	dp->sock = dp->evfd = -1;
	dp->map.fd = -1;
	dp->itr = itr;
	dp->mc = itr ? itr_cache(itr) : NULL;
	dp->backoff_ms = dp->p.reconnect_min_ms;
	dp->miss_tokens = dp->p.miss_burst;
	dp->miss_last_ms = evloop_now_ms(loop);
	evtimer_init(&dp->reconnect, on_reconnect, dp);
	evtimer_init(&dp->retry, on_retry, dp);
	if (!dp->path || !dp->db || (dp->mc && mapcache_observe(dp->mc, on_mapcache, dp) < 0)) {
		mapdb_free(dp->db);
		free((void *)dp->p.petrs);
		free(dp->path);
		free(dp);
		errno = ENOMEM;
		return NULL;
	}
	dp->p.socket_path = dp->path;
	evtimer_arm(loop, &dp->reconnect, 0);
	return dp;
}

static int db_free_cb(const struct lisp_prefix *p, void *value, void *arg)
{
	(void)p;
	(void)arg;
	free(value);
	return 0;
}

void dp_push_free(struct dp_push *dp)
{
	if (!dp)
		return;
	if (dp->mc)
		mapcache_unobserve(dp->mc, on_mapcache, dp);
	session_close(dp);
	evtimer_cancel(dp->loop, &dp->reconnect);
	mapdb_walk(dp->db, NULL, db_free_cb, NULL);
	mapdb_free(dp->db);
	free(dp->rs.keys);
	free(dp->bl);
	free(dp->building.v);
	free(dp->latest.v);
	free((void *)dp->p.petrs);
	free(dp->path);
	free(dp);
}

int dp_push_flush(struct dp_push *dp, uint32_t tables)
{
	struct dp_msg_flush f = { .tables = tables & DP_MSG_TABLES_ALL };
	int rc;

	if (!f.tables)
		return -EINVAL;
	rc = dpp_out(dp, DP_MSG_FLUSH, &f, sizeof(f));
	if (rc == 0)
		dp->c.flushes++;
	return rc;
}

bool dp_push_attached(const struct dp_push *dp)
{
	return dp->state == DPP_ATTACHED;
}

uint32_t dp_push_generation(const struct dp_push *dp)
{
	return dp->generation;
}

bool dp_push_synced(const struct dp_push *dp)
{
	return dp->state == DPP_ATTACHED && !dp->rs.active && !dp->need_resync &&
	       dp->bl_off == dp->bl_len;
}

uint64_t dp_push_dp_drops(const struct dp_push *dp)
{
	return dp->state == DPP_ATTACHED ? dp_channel_ring_drops(&dp->map.rx) : 0;
}

size_t dp_push_backlog_bytes(const struct dp_push *dp)
{
	return dp->bl_len - dp->bl_off;
}

const struct dp_push_counters *dp_push_counters(const struct dp_push *dp)
{
	return &dp->c;
}

const struct dp_push_snapshot *dp_push_dp_counters(const struct dp_push *dp)
{
	return dp->have_latest ? &dp->latest.s : NULL;
}

const struct dp_push_resync_result *dp_push_last_resync(const struct dp_push *dp)
{
	return &dp->last_resync;
}
