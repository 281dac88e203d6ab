/* SPDX-License-Identifier: BSD-3-Clause */
#include "channel.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "counters.h"
#include "dp.h"
#include "dp_channel_server.h"
#include "miss.h"
#include "tables.h"

#define DP_CHAN_BUDGET 4096	/* records applied per tick: the tick stays short */
#define DP_CHAN_MISS_BUDGET 256	/* miss events taken from each worker per tick */
#define DP_CHAN_STALE_BUDGET 256	/* of those, re-resolve requests per tick */

/* Counter snapshots to the control plane: when the next one is due, and
 * for which session (a new session gets one at once). */
struct chan_snap {
	uint64_t next_tsc;
	uint32_t generation;
	uint64_t sent, dropped;
};

struct dp_chan {
	struct dp_app *app;
	struct dp_channel_server *srv;
	uint64_t applied, rejected, removed, rloc_changes;
	uint64_t miss_sent, miss_no_cp, miss_dropped;
	uint64_t shadowed;	/* map-cache entries of a prefix we own */
	struct chan_snap snap;	/* counter snapshots (dp_chan_counters_tick) */
};

static void key_ip(const struct dp_msg_key *k, struct dp_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->af = k->afi == DP_MSG_AFI_IPV4 ? 4 : 6;
	memcpy(ip->a, k->addr, ip->af == 4 ? 4 : 16);
}

static bool db_has(const struct dp_chan *c, const struct dp_msg_key *k)
{
	struct dp_msg_key d = *k;

	d.table = DP_MSG_TABLE_DATABASE;
	return dp_channel_server_has(c->srv, &d);
}

static int chan_upsert(void *arg, const struct dp_msg_map *m, bool exists)
{
	struct dp_chan *c = arg;
	struct dp_rloc_spec rl[DP_RLOCS_MAX];
	struct dp_mapping_spec s = {
		.iid = m->key.iid,
		.plen = m->key.plen,
		.action = m->action,
		.ttl_s = m->ttl_s,
		.encap_set = m->encap != DP_MSG_ENCAP_DEFAULT,
		/* The message numbers LISP, VXLAN, GPE from 1; the tables from 0. */
		.encap = (uint8_t)(m->encap ? m->encap - 1 : 0),
		.rlocs = rl,
	};
	int rc;

	(void)exists;
	key_ip(&m->key, &s.eid);
	if (m->key.table == DP_MSG_TABLE_DATABASE) {
		/* Our own EIDs: delivered on their EID port, never encapsulated
		 * (to ourselves), whatever the map-cache says of the prefix. */
		s = (struct dp_mapping_spec){ .iid = m->key.iid, .plen = m->key.plen,
					      .eid = s.eid, .local = true, .ttl_s = m->ttl_s };
		rc = dp_tables_mapping_upsert(c->app->tables, &s);
		if (rc < 0)
			c->rejected++;
		else
			c->applied++;
		return rc;
	}
	if (m->key.table != DP_MSG_TABLE_MAPCACHE || db_has(c, &m->key)) {
		c->shadowed++;	/* the database entry of the same prefix wins */
		return 0;
	}
	for (unsigned int i = 0; i < m->rloc_count && s.rloc_count < DP_RLOCS_MAX; i++) {
		const struct dp_msg_locator *l = &m->rlocs[i];
		struct dp_rloc_spec *r = &rl[s.rloc_count++];

		memset(r, 0, sizeof(*r));
		r->addr.af = l->afi == DP_MSG_AFI_IPV4 ? 4 : 6;
		memcpy(r->addr.a, l->addr, r->addr.af == 4 ? 4 : 16);
		r->priority = l->priority;
		r->weight = l->weight;
		r->up = l->flags & DP_MSG_LOC_F_UP;
	}
	rc = dp_tables_mapping_upsert(c->app->tables, &s);
	if (rc < 0)
		c->rejected++;
	else
		c->applied++;
	return rc;
}

/*
 * A restarted control plane replays only what it still holds: its static
 * entries and database, not the map-cache it had resolved.  Deleting the
 * rest at once would drop the traffic of every existing flow until the
 * misses are resolved again, so the channel library keeps the map-cache
 * entries a resync did not confirm for channel.stale-grace-ms, hands them
 * to the new control plane as misses (it resolves and re-pushes them), and
 * removes (chan_remove, DP_CHANNEL_RM_STALE) only those still unconfirmed
 * at the deadline.  A map-cache key shadowed by our database was never
 * installed: it goes at once, and nobody is asked for it.
 */
static bool chan_stale_keep(void *arg, const struct dp_msg_key *k)
{
	return !db_has(arg, k);
}

static void chan_remove(void *arg, const struct dp_msg_key *k, enum dp_channel_remove_reason why)
{
	struct dp_chan *c = arg;
	struct dp_ip eid;

	(void)why;
	if (k->table == DP_MSG_TABLE_MAPCACHE && db_has(c, k))
		return;		/* never installed: the database entry is */
	key_ip(k, &eid);
	if (dp_tables_mapping_delete(c->app->tables, k->iid, &eid, k->plen) == 0)
		c->removed++;
}

static void chan_rloc(void *arg, const struct dp_msg_rloc *m)
{
	struct dp_chan *c = arg;
	struct dp_ip eid, addr = { .af = m->afi == DP_MSG_AFI_IPV4 ? 4 : 6 };

	if (m->key.table != DP_MSG_TABLE_MAPCACHE)
		return;
	key_ip(&m->key, &eid);
	memcpy(addr.a, m->addr, addr.af == 4 ? 4 : 16);
	if (dp_tables_rloc_status(c->app->tables, m->key.iid, &eid, m->key.plen, m->index, &addr,
				  m->up) == 0)
		c->rloc_changes++;
}

/* A session that ended says why (peer closed, a protocol violation: which)
 * and what becomes of its entries: a data plane whose control plane is
 * gone forwards by them for channel.session-grace-ms, then drops them. */
static void chan_session(void *arg, enum dp_channel_session_event ev, uint32_t gen)
{
	static const char *const names[] = { "attached", "detached", "resync begins",
					     "resync done" };
	struct dp_chan *c = arg;
	const char *why;

	if (ev == DP_CHANNEL_SESSION_DETACHED && c->srv &&
	    dp_channel_server_end_reason(c->srv, &why) != DP_CHANNEL_END_SHUTDOWN) {
		DP_LOG(WARNING, "control plane session ended (generation %u): %s", gen, why);
		return;
	}
	DP_LOG(INFO, "control plane %s (generation %u)", names[ev], gen);
}

static const struct dp_channel_ops chan_ops = {
	.upsert = chan_upsert,
	.remove = chan_remove,
	.rloc_status = chan_rloc,
	.session = chan_session,
	.stale_keep = chan_stale_keep,
};

/* channel.socket-user (docs/dataplane.md, "Privileges"): the socket is
 * made 0600 and given to the account lispgw-cp runs as once it has dropped
 * root, the only one that may attach.  Not root: the socket stays ours. */
static int chan_socket_owner(const char *path, const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		DP_LOG(ERR, "channel.socket-user: no account '%s' (scripts/install.sh creates "
		       "lispgw)", user);
		return errno ? -errno : -ENOENT;
	}
	if (chown(path, pw->pw_uid, pw->pw_gid) < 0) {
		int e = errno;

		DP_LOG(ERR, "channel.socket-user: chown %s to %s: %s (root without CAP_CHOWN?)",
		       path, user, strerror(e));
		return -e;
	}
	return 0;
}

struct dp_chan *dp_chan_open(struct dp_app *app, const char *path)
{
	struct dp_channel_server_params p;
	struct dp_chan *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return NULL;
	c->app = app;
	dp_channel_server_params_default(&p);
	p.socket_path = path;
	p.stale_grace_ms = app->cfg->stale_grace_ms;
	p.session_grace_ms = app->cfg->session_grace_ms;
	p.stale_grace_tables = DP_MSG_TABLE_BIT(DP_MSG_TABLE_MAPCACHE);
	p.stale_ask_budget = DP_CHAN_STALE_BUDGET;
	c->srv = dp_channel_server_new(&p, &chan_ops, c);
	if (!c->srv) {
		int e = errno;

		free(c);
		errno = e;
		return NULL;
	}
	rc = chan_socket_owner(path, app->cfg->socket_user);
	if (rc < 0) {
		dp_channel_server_free(c->srv);
		free(c);
		errno = -rc;
		return NULL;
	}
	return c;
}

void dp_chan_close(struct dp_chan *c)
{
	if (!c)
		return;
	dp_channel_server_free(c->srv);
	free(c);
}

/*
 * The workers' misses (miss.h) to the control plane, one DP_MSG_MISS each;
 * the workers already rate-limited them per EID.  Without a control plane
 * they are drained all the same and counted (miss_no_cp): a miss is only
 * worth resolving now, and a control plane that attaches replays its
 * map-cache anyway.  A full DP->CP ring drops (miss_dropped; the channel
 * library counts it in the ring's drops the control plane reads).
 */
static void chan_misses_send(struct dp_chan *c)
{
	struct dp_app *app = c->app;
	struct dp_miss_ev ev[32];
	bool attached = dp_channel_server_attached(c->srv);

	for (unsigned int i = 0; i < app->n_workers; i++) {
		struct dp_miss *mq = app->workers[i] ? app->workers[i]->miss : NULL;
		unsigned int budget = DP_CHAN_MISS_BUDGET, n;

		while (mq && budget && (n = dp_miss_dequeue(mq, ev, RTE_MIN(budget, 32u))) > 0) {
			budget -= n;
			for (unsigned int j = 0; j < n; j++) {
				struct dp_msg_miss m;
				int rc;

				if (!attached) {
					c->miss_no_cp++;
					continue;
				}
				memset(&m, 0, sizeof(m));
				m.eid.iid = ev[j].iid;
				m.eid.afi = ev[j].af == 4 ? DP_MSG_AFI_IPV4 : DP_MSG_AFI_IPV6;
				m.eid.plen = ev[j].af == 4 ? 32 : 128;
				m.eid.table = DP_MSG_TABLE_MAPCACHE;
				memcpy(m.eid.addr, ev[j].dst, ev[j].af == 4 ? 4 : 16);
				m.src_afi = ev[j].src_af == 4 ? DP_MSG_AFI_IPV4 : DP_MSG_AFI_IPV6;
				memcpy(m.src, ev[j].src, ev[j].src_af == 4 ? 4 : 16);
				m.packets = ev[j].packets;
				rc = dp_channel_server_miss(c->srv, &m);
				if (rc == 0)
					c->miss_sent++;
				else if (rc == -ENOTCONN)
					c->miss_no_cp++;
				else
					c->miss_dropped++;
			}
		}
	}
}

void dp_chan_poll(struct dp_chan *c)
{
	dp_channel_server_poll(c->srv, DP_CHAN_BUDGET);
	chan_misses_send(c);
}

void dp_chan_json(const struct dp_chan *c, char *buf, size_t len)
{
	const struct dp_channel_server_counters *sc = dp_channel_server_counters_get(c->srv);

	snprintf(buf, len,
		 ",\"channel\":{\"attached\":%s,\"generation\":%u,\"applied\":%llu,"
		 "\"rejected\":%llu,\"removed\":%llu,\"rloc_changes\":%llu,"
		 "\"miss_sent\":%llu,\"miss_no_cp\":%llu,\"miss_dropped\":%llu,"
		 "\"stale_kept\":%llu,\"stale_refreshed\":%llu,\"stale_expired\":%llu,"
		 "\"stale_waiting\":%zu,\"ended_peer_closed\":%llu,\"ended_socket_error\":%llu,"
		 "\"ended_protocol\":%llu,\"session_stale\":%llu}",
		 dp_channel_server_attached(c->srv) ? "true" : "false",
		 dp_channel_server_generation(c->srv), (unsigned long long)c->applied,
		 (unsigned long long)c->rejected, (unsigned long long)c->removed,
		 (unsigned long long)c->rloc_changes, (unsigned long long)c->miss_sent,
		 (unsigned long long)c->miss_no_cp, (unsigned long long)c->miss_dropped,
		 (unsigned long long)sc->stale_kept, (unsigned long long)sc->stale_refreshed,
		 (unsigned long long)sc->stale_expired, dp_channel_server_stale_waiting(c->srv),
		 (unsigned long long)sc->ended_peer_closed,
		 (unsigned long long)sc->ended_socket_error,
		 (unsigned long long)sc->ended_protocol, (unsigned long long)sc->session_stale);
}

/* ---- observability: counter snapshots and telemetry (telemetry.c) ----------------- */

#define DP_CHAN_SNAPSHOT_MS 1000	/* counter snapshots to the control plane */

/*
 * Every DP_CHAN_SNAPSHOT_MS while a control plane is attached, and at once
 * for a new session: the per-lcore counters summed, each with its name
 * (docs/dataplane-channel.md, "Counter snapshots").  The snapshot goes
 * whole or not at all; a full ring drops it and the next one replaces it.
 */
void dp_chan_counters_tick(struct dp_chan *c)
{
	const struct dp_counters *blocks[DP_CTR_BLOCKS_MAX];
	struct dp_msg_counter v[DP_CTR_COUNT];
	struct dp_app *app = c->app;
	struct dp_counters sum;
	struct timespec ts;
	uint64_t now = rte_rdtsc();
	unsigned int n = 0;
	uint32_t gen;

	if (!dp_channel_server_attached(c->srv))
		return;
	gen = dp_channel_server_generation(c->srv);
	if (gen == c->snap.generation && (int64_t)(now - c->snap.next_tsc) < 0)
		return;
	c->snap.generation = gen;
	c->snap.next_tsc = now + rte_get_tsc_hz() / 1000 * DP_CHAN_SNAPSHOT_MS;
	n = dp_app_ctr_blocks(app, blocks);
	dp_counters_sum(blocks, n, &sum);
	memset(v, 0, sizeof(v));
	for (int i = 0; i < DP_CTR_COUNT; i++) {
		snprintf(v[i].name, sizeof(v[i].name), "%s", dp_ctr_name((enum dp_ctr)i));
		v[i].value = sum.c[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (dp_channel_server_counters(c->srv, v, DP_CTR_COUNT,
				       (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) == 0)
		c->snap.sent++;
	else
		c->snap.dropped++;
}

void dp_chan_stats_get(const struct dp_chan *c, struct dp_chan_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->attached = dp_channel_server_attached(c->srv);
	st->generation = dp_channel_server_generation(c->srv);
	st->resyncing = dp_channel_server_resyncing(c->srv);
	st->entries = dp_channel_server_entries(c->srv);
	st->applied = c->applied;
	st->rejected = c->rejected;
	st->removed = c->removed;
	st->rloc_changes = c->rloc_changes;
	st->miss_sent = c->miss_sent;
	st->miss_no_cp = c->miss_no_cp;
	st->miss_dropped = c->miss_dropped;
	st->snapshots_sent = c->snap.sent;
	st->snapshots_dropped = c->snap.dropped;
	st->srv = *dp_channel_server_counters_get(c->srv);
}
