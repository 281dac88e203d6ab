/* SPDX-License-Identifier: BSD-3-Clause */
#include "channel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp.h"
#include "dp_channel_server.h"
#include "tables.h"

#define DP_CHAN_BUDGET 4096	/* records applied per tick: the tick stays short */

struct dp_chan {
	struct dp_app *app;
	struct dp_channel_server *srv;
	uint64_t applied, rejected, removed, rloc_changes;
};

static void key_ip(const struct dp_msg_key *k, struct dp_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	ip->af = k->afi == DP_MSG_AFI_IPV4 ? 4 : 6;
	memcpy(ip->a, k->addr, ip->af == 4 ? 4 : 16);
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
	/* Our own EIDs: decapsulation delivers by Instance-ID, no entry needed. */
	if (m->key.table != DP_MSG_TABLE_MAPCACHE)
		return 0;
	key_ip(&m->key, &s.eid);
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

static void chan_remove(void *arg, const struct dp_msg_key *k, enum dp_channel_remove_reason why)
{
	struct dp_chan *c = arg;
	struct dp_ip eid;

	(void)why;
	if (k->table != DP_MSG_TABLE_MAPCACHE)
		return;
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

static void chan_session(void *arg, enum dp_channel_session_event ev, uint32_t gen)
{
	static const char *const names[] = { "attached", "detached", "resync begins",
					     "resync done" };

	(void)arg;
	DP_LOG(INFO, "control plane %s (generation %u)", names[ev], gen);
}

static const struct dp_channel_ops chan_ops = {
	.upsert = chan_upsert,
	.remove = chan_remove,
	.rloc_status = chan_rloc,
	.session = chan_session,
};

struct dp_chan *dp_chan_open(struct dp_app *app, const char *path)
{
	struct dp_channel_server_params p;
	struct dp_chan *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->app = app;
	dp_channel_server_params_default(&p);
	p.socket_path = path;
	c->srv = dp_channel_server_new(&p, &chan_ops, c);
	if (!c->srv) {
		int e = errno;

		free(c);
		errno = e;
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

void dp_chan_poll(struct dp_chan *c)
{
	dp_channel_server_poll(c->srv, DP_CHAN_BUDGET);
}

void dp_chan_json(const struct dp_chan *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 ",\"channel\":{\"attached\":%s,\"generation\":%u,\"applied\":%llu,"
		 "\"rejected\":%llu,\"removed\":%llu,\"rloc_changes\":%llu}",
		 dp_channel_server_attached(c->srv) ? "true" : "false",
		 dp_channel_server_generation(c->srv), (unsigned long long)c->applied,
		 (unsigned long long)c->rejected, (unsigned long long)c->removed,
		 (unsigned long long)c->rloc_changes);
}
