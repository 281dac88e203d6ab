/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands (telemetry.h).  Every handler follows one shape:
 * take the lock, copy the few numbers or the page of entries it shows into
 * its own memory, release, then build the answer.  Building allocates (an
 * rte_tel_data per nested object) and must not hold up the main lcore.
 *
 * DPDK 22.11's telemetry takes dicts inside dicts but not inside arrays, and
 * dict keys of [A-Za-z0-9_/] only, so lists are dicts keyed "0", "1", ...;
 * an answer is at most 16 KiB of JSON, so the map-cache is paged.
 */
#include "telemetry.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_telemetry.h>

#include "channel.h"
#include "counters.h"
#include "dp.h"
#include "lisp_msg.h"
#include "trace.h"

#define TEL_MAP_PAGE	64	/* entries per /lispgw/map_cache answer at most */
/* JSON bytes a page may take: DPDK's answer buffer is 16 KiB, less the
 * command name and the page's own numbers. */
#define TEL_MAP_BUDGET	14000
#define TEL_NAME_MAX	12

/* The lock and the process the commands read (NULL: not running). */
static struct {
	pthread_mutex_t lock;
	struct dp_app *app;
} tel = { .lock = PTHREAD_MUTEX_INITIALIZER };

bool dp_telemetry_trylock(void)
{
	return pthread_mutex_trylock(&tel.lock) == 0;
}

void dp_telemetry_unlock(void)
{
	pthread_mutex_unlock(&tel.lock);
}

void dp_telemetry_attach(struct dp_app *app)
{
	pthread_mutex_lock(&tel.lock);
	tel.app = app;
	pthread_mutex_unlock(&tel.lock);
}

void dp_telemetry_detach(void)
{
	pthread_mutex_lock(&tel.lock);
	tel.app = NULL;
	pthread_mutex_unlock(&tel.lock);
}

/* Takes the lock and returns the process, or NULL (lock not held). */
static struct dp_app *tel_enter(void)
{
	pthread_mutex_lock(&tel.lock);
	if (tel.app)
		return tel.app;
	pthread_mutex_unlock(&tel.lock);
	return NULL;
}

static void tel_index_name(char name[TEL_NAME_MAX], unsigned int i)
{
	snprintf(name, TEL_NAME_MAX, "%u", i);
}

/* Adds c under name, or frees it: a container not added is ours. */
static void tel_dict_add(struct rte_tel_data *d, const char *name, struct rte_tel_data *c)
{
	if (c && rte_tel_data_add_dict_container(d, name, c, 0) < 0)
		rte_tel_data_free(c);
}

static int tel_parse_u32(const char *s, char **end, uint32_t *out)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* ---- /lispgw/stats ----------------------------------------------------------- */

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dp_counters *blocks[DP_CTR_BLOCKS_MAX];
	struct dp_counters sum;
	struct dp_app *app;
	unsigned int n = 0, workers;
	uint32_t worker = UINT32_MAX, mappings;
	char *end;

	(void)cmd;
	if (params && *params &&
	    (tel_parse_u32(params, &end, &worker) < 0 || *end))
		return -EINVAL;
	app = tel_enter();
	if (!app)
		return -ENODEV;
	workers = app->n_workers;
	if (worker != UINT32_MAX && worker >= workers) {
		dp_telemetry_unlock();
		return -ENOENT;
	}
	/* The total has the main lcore's own counters too. */
	if (worker == UINT32_MAX)
		n = dp_app_ctr_blocks(app, blocks);
	for (unsigned int i = 0; i < workers && worker != UINT32_MAX; i++)
		if (app->workers[i] && worker == i)
			blocks[n++] = &app->workers[i]->ctr;
	dp_counters_sum(blocks, n, &sum);
	mappings = app->tables->n_mappings;
	dp_telemetry_unlock();

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "workers", workers);
	if (worker != UINT32_MAX)
		rte_tel_data_add_dict_u64(d, "worker", worker);
	rte_tel_data_add_dict_u64(d, "mappings", mappings);
	/* busy_cycles in seconds, and cycles per packet against a baseline */
	rte_tel_data_add_dict_u64(d, "tsc_hz", rte_get_tsc_hz());
	for (int i = 0; i < DP_CTR_COUNT; i++)
		rte_tel_data_add_dict_u64(d, dp_ctr_name((enum dp_ctr)i), sum.c[i]);
	return 0;
}

/* ---- /lispgw/trace_add, /lispgw/trace, /lispgw/trace_clear (trace.h) ------------ */

static int tel_trace_add(const char *cmd, const char *params, struct rte_tel_data *d)
{
	enum dp_trace_filter filter;
	struct dp_app *app;
	uint32_t n;
	int rc;

	(void)cmd;
	if (dp_trace_parse_add(params, &n, &filter) < 0)
		return -EINVAL;
	app = tel_enter();
	if (!app)
		return -ENODEV;
	rc = dp_trace_add(app, n, filter);
	dp_telemetry_unlock();
	if (rc < 0)
		return rc;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "tracing", n);
	rte_tel_data_add_dict_string(d, "filter", filter == DP_TRACE_EID ? "eid" :
						  filter == DP_TRACE_RLOC ? "rloc" : "any");
	return 0;
}

static int tel_trace(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_trace_view *v;
	struct dp_app *app;
	uint32_t cursor = 0, total;
	unsigned int n;
	char *end;

	(void)cmd;
	if (params && *params && (tel_parse_u32(params, &end, &cursor) < 0 || *end))
		return -EINVAL;
	v = malloc(sizeof(*v) * DP_TRACE_PAGE);
	if (!v)
		return -ENOMEM;
	app = tel_enter();
	if (!app) {
		free(v);
		return -ENODEV;
	}
	n = dp_trace_copy(app, cursor, v, DP_TRACE_PAGE, &total);
	dp_telemetry_unlock();
	dp_trace_format(v, n, cursor, total, d);
	free(v);
	return 0;
}

static int tel_trace_clear(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_app *app;

	(void)cmd;
	if (params && *params)
		return -EINVAL;
	app = tel_enter();
	if (!app)
		return -ENODEV;
	dp_trace_clear(app);
	dp_telemetry_unlock();
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "cleared", 1);
	return 0;
}

/* ---- /lispgw/map_cache --------------------------------------------------------- */

struct tel_rloc {
	struct dp_ip addr;
	uint8_t priority, weight, up, usable;
};

/* What a page shows of one entry, copied out under the lock. */
struct tel_entry {
	uint32_t iid, ttl_s;
	uint8_t af, plen, action, encap, n_rlocs, n_usable;
	uint8_t eid[16];
	struct tel_rloc rlocs[DP_RLOCS_MAX];
};

struct tel_page {
	bool any_iid;
	uint32_t iid;
	uint32_t cursor, next;		/* prefix_hash iterator positions */
	uint32_t mappings;		/* in the tables, all IIDs */
	uint32_t matched;		/* from cursor on */
	unsigned int n;
	struct tel_entry e[TEL_MAP_PAGE];
};

/* JSON bytes an entry takes, generously: the fixed members, and per RLOC
 * its dict with the longest IPv6 address. */
static size_t tel_entry_cost(const struct dp_mapping *m)
{
	return 180 + (size_t)m->n_rlocs * 120;
}

static void tel_entry_copy(struct tel_entry *o, const struct dp_mapping *m)
{
	o->iid = m->iid;
	o->ttl_s = m->ttl_s;
	o->af = m->af;
	o->plen = m->plen;
	/* Through Proxy-ETRs: the RLOCs shown are theirs. */
	o->action = m->via_petr ? LISP_ACT_NATIVE_FORWARD : m->action;
	o->encap = m->encap;
	o->n_rlocs = m->n_rlocs;
	o->n_usable = m->n_usable;
	memcpy(o->eid, m->eid, sizeof(o->eid));
	for (unsigned int i = 0; i < m->n_rlocs && i < DP_RLOCS_MAX; i++) {
		const struct dp_rloc *r = &m->rlocs[i];

		o->rlocs[i] = (struct tel_rloc){ .addr = r->addr, .priority = r->priority,
						 .weight = r->weight, .up = r->up,
						 .usable = r->usable };
	}
}

/*
 * Walks the writer's exact-prefix index (what is published now; slots[]
 * still holds deleted entries until their grace period ends) from the
 * cursor on.  Entries go on the page in index order until it is full;
 * everything after the first that did not fit is counted, not shown, and
 * page->next is where the next page starts.  Caller holds the lock.
 */
static void tel_page_fill(const struct dp_tables *t, struct tel_page *pg)
{
	uint32_t it = pg->cursor, here;
	size_t cost = 0;
	const void *key;
	void *data;
	int32_t pos;
	bool full = false;

	pg->mappings = t->n_mappings;
	for (;;) {
		const struct dp_mapping *m;

		here = it;
		pos = rte_hash_iterate(t->prefix_hash, &key, &data, &it);
		if (pos < 0)
			break;
		m = t->slots[(uint32_t)(uintptr_t)data];
		if (!m || (!pg->any_iid && m->iid != pg->iid))
			continue;
		pg->matched++;
		if (!full && (pg->n == TEL_MAP_PAGE || cost + tel_entry_cost(m) > TEL_MAP_BUDGET)) {
			full = true;
			pg->next = here;
		}
		if (full)
			continue;
		cost += tel_entry_cost(m);
		tel_entry_copy(&pg->e[pg->n++], m);
	}
}

static const char *tel_action_name(uint8_t action)
{
	/* The configuration's words (docs/dataplane.md). */
	return action == LISP_ACT_NO_ACTION ? "encapsulate" : lisp_action_name(action);
}

static struct rte_tel_data *tel_rloc_data(const struct tel_rloc *r)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	char a[INET6_ADDRSTRLEN] = "?";

	if (!d)
		return NULL;
	if (r->addr.af == 4 || r->addr.af == 6)
		inet_ntop(r->addr.af == 4 ? AF_INET : AF_INET6, r->addr.a, a, sizeof(a));
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "address", a);
	rte_tel_data_add_dict_int(d, "priority", r->priority);
	rte_tel_data_add_dict_int(d, "weight", r->weight);
	rte_tel_data_add_dict_int(d, "up", r->up);
	rte_tel_data_add_dict_int(d, "usable", r->usable);
	return d;
}

static struct rte_tel_data *tel_entry_data(const struct tel_entry *e)
{
	struct rte_tel_data *d = rte_tel_data_alloc(), *rl;
	char a[INET6_ADDRSTRLEN] = "?", eid[INET6_ADDRSTRLEN + 8], name[TEL_NAME_MAX];

	if (!d)
		return NULL;
	inet_ntop(e->af == 4 ? AF_INET : AF_INET6, e->eid, a, sizeof(a));
	snprintf(eid, sizeof(eid), "%s/%u", a, e->plen);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "iid", e->iid);
	rte_tel_data_add_dict_string(d, "eid", eid);
	rte_tel_data_add_dict_string(d, "action", tel_action_name(e->action));
	rte_tel_data_add_dict_string(d, "encap", dp_encap_name((enum dp_encap)e->encap));
	rte_tel_data_add_dict_u64(d, "ttl", e->ttl_s);
	rte_tel_data_add_dict_int(d, "usable_rlocs", e->n_usable);
	rl = rte_tel_data_alloc();
	if (!rl)
		return d;
	rte_tel_data_start_dict(rl);
	for (unsigned int i = 0; i < e->n_rlocs && i < DP_RLOCS_MAX; i++) {
		tel_index_name(name, i);
		tel_dict_add(rl, name, tel_rloc_data(&e->rlocs[i]));
	}
	tel_dict_add(d, "rlocs", rl);
	return d;
}

/* params: "" (every IID), "IID", "IID,CURSOR" or "any,CURSOR". */
static int tel_page_params(const char *params, struct tel_page *pg)
{
	const char *p = params ? params : "";
	char *end = (char *)p;

	pg->any_iid = true;
	if (strncmp(p, "any", 3) == 0) {
		end = (char *)p + 3;
	} else if (*p && *p != ',') {
		if (tel_parse_u32(p, &end, &pg->iid) < 0 || pg->iid > 0xffffff)
			return -EINVAL;
		pg->any_iid = false;
	}
	if (*end == ',') {
		if (tel_parse_u32(end + 1, &end, &pg->cursor) < 0)
			return -EINVAL;
	}
	return *end ? -EINVAL : 0;
}

static int tel_map_cache(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tel_page *pg = calloc(1, sizeof(*pg));
	struct rte_tel_data *entries;
	struct dp_app *app;
	char name[TEL_NAME_MAX];

	(void)cmd;
	if (!pg)
		return -ENOMEM;
	if (tel_page_params(params, pg) < 0) {
		free(pg);
		return -EINVAL;
	}
	app = tel_enter();
	if (!app) {
		free(pg);
		return -ENODEV;
	}
	tel_page_fill(app->tables, pg);
	dp_telemetry_unlock();

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "mappings", pg->mappings);
	if (!pg->any_iid)
		rte_tel_data_add_dict_u64(d, "iid", pg->iid);
	rte_tel_data_add_dict_u64(d, "matched", pg->matched);
	rte_tel_data_add_dict_u64(d, "shown", pg->n);
	rte_tel_data_add_dict_u64(d, "omitted", pg->matched - pg->n);
	if (pg->matched > pg->n)
		rte_tel_data_add_dict_u64(d, "next", pg->next);
	entries = rte_tel_data_alloc();
	if (entries) {
		rte_tel_data_start_dict(entries);
		for (unsigned int i = 0; i < pg->n; i++) {
			tel_index_name(name, i);
			tel_dict_add(entries, name, tel_entry_data(&pg->e[i]));
		}
		tel_dict_add(d, "entries", entries);
	}
	free(pg);
	return 0;
}

/* ---- /lispgw/channel ------------------------------------------------------------ */

static int tel_channel(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dp_chan_stats st;
	struct dp_app *app;
	bool configured;

	(void)cmd;
	(void)params;
	app = tel_enter();
	if (!app)
		return -ENODEV;
	configured = app->chan != NULL;
	if (configured)
		dp_chan_stats_get(app->chan, &st);
	dp_telemetry_unlock();

	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "configured", configured);
	if (!configured)
		return 0;
	rte_tel_data_add_dict_int(d, "attached", st.attached);
	rte_tel_data_add_dict_u64(d, "generation", st.generation);
	rte_tel_data_add_dict_int(d, "resyncing", st.resyncing);
	rte_tel_data_add_dict_u64(d, "entries", st.entries);
	rte_tel_data_add_dict_u64(d, "applied", st.applied);
	rte_tel_data_add_dict_u64(d, "rejected", st.rejected);
	rte_tel_data_add_dict_u64(d, "removed", st.removed);
	rte_tel_data_add_dict_u64(d, "rloc_changes", st.rloc_changes);
	rte_tel_data_add_dict_u64(d, "miss_sent", st.miss_sent);
	rte_tel_data_add_dict_u64(d, "miss_no_cp", st.miss_no_cp);
	rte_tel_data_add_dict_u64(d, "miss_dropped", st.miss_dropped);
	rte_tel_data_add_dict_u64(d, "snapshots_sent", st.snapshots_sent);
	rte_tel_data_add_dict_u64(d, "snapshots_dropped", st.snapshots_dropped);
#define TEL_SRV(name) rte_tel_data_add_dict_u64(d, "server_" #name, st.srv.name);
	DP_CHANNEL_SERVER_COUNTERS(TEL_SRV)
#undef TEL_SRV
	return 0;
}

/* ---- /lispgw/ports -------------------------------------------------------------- */

struct tel_port {
	char name[64];
	uint16_t port_id;
	uint8_t role;
	uint16_t mtu, nb_rxq, nb_txq;
	uint8_t mac[6];
};

static struct rte_tel_data *tel_port_data(const struct tel_port *p)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	char dev[RTE_ETH_NAME_MAX_LEN] = "?", mac[18];
	struct rte_eth_stats es;
	struct rte_eth_link link;

	if (!d)
		return NULL;
	rte_eth_dev_get_name_by_port(p->port_id, dev);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", p->mac[0], p->mac[1],
		 p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_string(d, "device", dev);
	rte_tel_data_add_dict_u64(d, "port_id", p->port_id);
	rte_tel_data_add_dict_string(d, "role", p->role == DP_PORT_ROLE_EID ? "eid" : "rloc");
	rte_tel_data_add_dict_string(d, "mac", mac);
	rte_tel_data_add_dict_u64(d, "mtu", p->mtu);
	rte_tel_data_add_dict_u64(d, "rx_queues", p->nb_rxq);
	rte_tel_data_add_dict_u64(d, "tx_queues", p->nb_txq);
	/* ethdev's own statistics and link: DPDK's ethdev commands read them from
	 * this thread too. */
	if (rte_eth_link_get_nowait(p->port_id, &link) == 0) {
		rte_tel_data_add_dict_int(d, "link_up", link.link_status);
		rte_tel_data_add_dict_u64(d, "link_speed_mbps", link.link_speed);
	}
	if (rte_eth_stats_get(p->port_id, &es) == 0) {
		rte_tel_data_add_dict_u64(d, "ipackets", es.ipackets);
		rte_tel_data_add_dict_u64(d, "opackets", es.opackets);
		rte_tel_data_add_dict_u64(d, "ibytes", es.ibytes);
		rte_tel_data_add_dict_u64(d, "obytes", es.obytes);
		rte_tel_data_add_dict_u64(d, "imissed", es.imissed);
		rte_tel_data_add_dict_u64(d, "ierrors", es.ierrors);
		rte_tel_data_add_dict_u64(d, "oerrors", es.oerrors);
		rte_tel_data_add_dict_u64(d, "rx_nombuf", es.rx_nombuf);
	}
	return d;
}

static int tel_ports(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct tel_port *ports;
	struct dp_app *app;
	unsigned int n;
	char name[TEL_NAME_MAX];

	(void)cmd;
	(void)params;
	ports = calloc(DP_PORTS_MAX, sizeof(*ports));
	if (!ports)
		return -ENOMEM;
	app = tel_enter();
	if (!app) {
		free(ports);
		return -ENODEV;
	}
	n = app->n_ports;
	for (unsigned int i = 0; i < n; i++) {
		const struct dp_port *p = &app->ports[i];

		snprintf(ports[i].name, sizeof(ports[i].name), "%s", p->name ? p->name : "");
		ports[i].port_id = p->port_id;
		ports[i].role = p->role;
		ports[i].mtu = p->mtu;
		ports[i].nb_rxq = p->nb_rxq;
		ports[i].nb_txq = p->nb_txq;
		memcpy(ports[i].mac, p->mac, 6);
	}
	dp_telemetry_unlock();

	/* The ports stay open until detach; ethdev calls need no lock. */
	rte_tel_data_start_dict(d);
	for (unsigned int i = 0; i < n; i++) {
		tel_index_name(name, i);
		tel_dict_add(d, name, tel_port_data(&ports[i]));
	}
	free(ports);
	return 0;
}

int dp_telemetry_register(void)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} cmds[] = {
		{ "/lispgw/stats", tel_stats,
		  "lispgw-dp counters summed over lcores. Parameters: int worker (optional)" },
		{ "/lispgw/map_cache", tel_map_cache,
		  "Forwarding entries, one page. Parameters: [IID|any][,CURSOR] (next page: "
		  "the answer's next)" },
		{ "/lispgw/channel", tel_channel,
		  "The control plane's channel: session and what it applied. No parameters" },
		{ "/lispgw/ports", tel_ports,
		  "Ports: role, MAC, MTU, queues, link and ethdev statistics. No parameters" },
		{ "/lispgw/trace_add", tel_trace_add,
		  "Trace the next N packets of each worker. Parameters: N[,eid|rloc] (N <= 64)" },
		{ "/lispgw/trace", tel_trace,
		  "Traced packets: stages, verdict, first bytes. Parameters: [CURSOR] (next "
		  "page: the answer's next)" },
		{ "/lispgw/trace_clear", tel_trace_clear,
		  "Stop tracing and forget the records. No parameters" },
	};
	int rc;

	/* Counter names are built on first use: here, before any handler can
	 * run in the telemetry thread. */
	(void)dp_ctr_name((enum dp_ctr)0);
	for (size_t i = 0; i < RTE_DIM(cmds); i++) {
		rc = rte_telemetry_register_cmd(cmds[i].cmd, cmds[i].fn, cmds[i].help);
		if (rc < 0)
			return rc;
	}
	return 0;
}
