/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /metrics: every counter of the daemon in the Prometheus text
 * exposition format 0.0.4.  Each family is written whole (# HELP, # TYPE,
 * then all its samples) as the format requires; a role's families appear
 * only when the role runs.  Counters are the roles' own X-macro lists, so a
 * counter added there is exported here without an edit.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "rest_priv.h"

#define METRICS_CTYPE "text/plain; version=0.0.4; charset=utf-8"

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values escape backslash, double quote and newline. */
static void label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*v, f);
	}
}

static void sample(FILE *f, const char *name, const char *label, const char *value,
		   uint64_t v)
{
	fputs(name, f);
	if (label) {
		fprintf(f, "{%s=\"", label);
		label_value(f, value);
		fputs("\"}", f);
	}
	fprintf(f, " %llu\n", (unsigned long long)v);
}

/* A family of one unlabelled sample. */
static void single(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	family(f, name, type, help);
	sample(f, name, NULL, NULL, v);
}

/* One counter family per field of a role's X-macro list; the help text is
 * the field name in words. */
static void counter(FILE *f, const char *prefix, const char *role, const char *field,
		    uint64_t v)
{
	char name[128], help[160];

	snprintf(name, sizeof(name), "lispgw_%s_%s_total", prefix, field);
	snprintf(help, sizeof(help), "%s: %s", role, field);
	for (char *p = help + strlen(role) + 2; *p; p++)
		if (*p == '_')
			*p = ' ';
	family(f, name, "counter", help);
	sample(f, name, NULL, NULL, v);
}

static void messages(FILE *f, const struct cp_msg_counters *c)
{
	static const char *const dir_name[2] = { "lispgw_messages_received_total",
						 "lispgw_messages_sent_total" };
	static const char *const dir_help[2] = {
		"LISP control messages received, by type",
		"LISP control messages sent, by type",
	};

	for (int d = 0; d < 2; d++) {
		const uint64_t *v = d == 0 ? c->rx : c->tx;
		uint64_t other = 0;

		family(f, dir_name[d], "counter", dir_help[d]);
		for (unsigned int t = 0; t < 16; t++) {
			const char *type = rest_msg_type_name(t);

			if (type)
				sample(f, dir_name[d], "type", type, v[t]);
			else
				other += v[t];
		}
		sample(f, dir_name[d], "type", "other", other);
	}
	single(f, "lispgw_messages_unroutable_total", "counter",
	       "Control messages of a type no role here takes", c->rx_unroutable);
	single(f, "lispgw_messages_no_socket_total", "counter",
	       "Control messages not sent: no socket of the destination's family",
	       c->tx_no_socket);
	single(f, "lispgw_config_reloads_total", "counter", "Configuration reloads applied",
	       c->reloads);
	single(f, "lispgw_config_reload_failures_total", "counter",
	       "Configuration reloads refused", c->reload_failures);
	single(f, "lispgw_config_reload_keys_not_applied_total", "counter",
	       "Changed keys a reload kept at their running value (they need a restart)",
	       c->reload_keys_not_applied);
}

#define UDP_METRICS(X)                                                                  \
	X(rx_packets, "Datagrams received")                                             \
	X(rx_bytes, "Bytes received")                                                   \
	X(rx_batches, "recvmmsg calls that returned datagrams")                          \
	X(rx_truncated, "Datagrams dropped: larger than the receive buffer")            \
	X(rx_budget_hits, "Loop turns that ended with datagrams still queued")           \
	X(rx_errors, "recvmmsg failures")                                               \
	X(tx_packets, "Datagrams sent")                                                 \
	X(tx_bytes, "Bytes sent")                                                       \
	X(tx_batches, "sendmmsg calls that sent something")                             \
	X(tx_queue_drops, "Datagrams dropped: send queue full")                         \
	X(tx_eagain, "Times the socket buffer pushed back")                             \
	X(tx_errors, "Datagrams the kernel refused")

static void sock_label(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 && ss.ss_family == AF_INET) {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, a, sizeof(a));
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(buf, len, "%s:%u", a, port);
		return;
	}
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, a, sizeof(a));
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	snprintf(buf, len, "[%s]:%u", a, port);
}

static void udp(FILE *f, const struct cp *cp)
{
	struct udp_io_stats st[CP_SOCKS_MAX];
	char label[CP_SOCKS_MAX][INET6_ADDRSTRLEN + 16];

	if (!cp->sock_count)
		return;
	for (size_t i = 0; i < cp->sock_count; i++) {
		udp_io_stats(cp->socks[i], &st[i]);
		sock_label(udp_io_fd(cp->socks[i]), label[i], sizeof(label[i]));
	}
#define UDP_FAMILY(field, help)                                                  \
	family(f, "lispgw_udp_" #field "_total", "counter", help " (LISP control sockets)"); \
	for (size_t i = 0; i < cp->sock_count; i++)                              \
		sample(f, "lispgw_udp_" #field "_total", "socket", label[i], st[i].field);
	UDP_METRICS(UDP_FAMILY)
#undef UDP_FAMILY
}

static void sites(FILE *f, struct site_table *t)
{
	static const char *const names[] = {
		"lispgw_site_registers_accepted_total", "lispgw_site_auth_failures_total",
		"lispgw_site_eid_rejections_total", "lispgw_site_replays_total",
		"lispgw_site_ecdsa_refusals_total",
	};
	static const char *const helps[] = {
		"Map-Registers accepted, by site",
		"Map-Registers that failed authentication, by site",
		"Map-Registers with an EID the site may not register, by site",
		"Map-Registers refused as replays, by site",
		"Map-Registers refused by ECDSA checks (refused_ecdsa_*), by site",
	};
	size_t n = site_table_count(t);

	single(f, "lispgw_sites", "gauge", "Configured Map-Server sites", n);
	for (int k = 0; k < 5 && n; k++) {
		family(f, names[k], "counter", helps[k]);
		for (size_t i = 0; i < n; i++) {
			const struct site *s = site_table_at(t, i);
			const uint64_t v[5] = { s->registers_accepted, s->auth_failures,
						s->eid_rejections, s->replays,
						s->ecdsa_refusals };

			sample(f, names[k], "site", s->name, v[k]);
		}
	}
}

static void roles(FILE *f, const struct cp *cp)
{
	if (cp->sites)
		sites(f, cp->sites);
	if (cp->ms) {
		const struct ms_counters *c = map_server_counters(cp->ms);

#define MS_METRIC(name) counter(f, "map_server", "Map-Server", #name, c->name);
		MS_COUNTERS(MS_METRIC)
#undef MS_METRIC
		single(f, "lispgw_registrations", "gauge", "Registered EID-prefixes",
		       registry_count(map_server_registry(cp->ms)));
		single(f, "lispgw_map_server_registrants", "gauge",
		       "Authenticated registrants with replay state",
		       map_server_registrant_count(cp->ms));
		single(f, "lispgw_map_server_notifies_pending", "gauge",
		       "Map-Notifies kept for retransmission", map_server_pending_count(cp->ms));
	}
	if (cp->mr) {
		const struct mr_counters *c = map_resolver_counters(cp->mr);

#define MR_METRIC(name) counter(f, "map_resolver", "Map-Resolver", #name, c->name);
		MR_COUNTERS(MR_METRIC)
#undef MR_METRIC
	}
	if (cp->ddt) {
		const struct ddt_node_counters *c = ddt_node_counters(cp->ddt);

#define DDT_METRIC(name) counter(f, "ddt_node", "DDT node", #name, c->name);
		DDT_NODE_COUNTERS(DDT_METRIC)
#undef DDT_METRIC
		single(f, "lispgw_ddt_node_delegations", "gauge", "Delegations of the DDT node",
		       ddt_tree_delegation_count(ddt_node_tree(cp->ddt)));
	}
	if (cp->ddt_mr) {	/* map-resolver.ddt (docs/ddt.md) */
		const struct ddt_mr_counters *c = ddt_mr_counters(cp->ddt_mr);

#define DDT_METRIC(name) counter(f, "ddt_mr", "DDT Map-Resolver", #name, c->name);
		DDT_MR_COUNTERS(DDT_METRIC)
#undef DDT_METRIC
		single(f, "lispgw_ddt_mr_referral_cache_entries", "gauge",
		       "Referral-cache entries", ddt_cache_count(ddt_mr_cache(cp->ddt_mr)));
		single(f, "lispgw_ddt_mr_pending_requests", "gauge",
		       "Requests being resolved through DDT", ddt_mr_pending_count(cp->ddt_mr));
	}
	if (cp->pubsub) {
		const struct pubsub_counters *c = pubsub_counters(cp->pubsub);

#define PS_METRIC(name) counter(f, "pubsub", "pub/sub", #name, c->name);
		PUBSUB_COUNTERS(PS_METRIC)
#undef PS_METRIC
		single(f, "lispgw_pubsub_active_subscriptions", "gauge",
		       "RFC 9437 subscriptions held", pubsub_count(cp->pubsub));
	}
	if (cp->etr) {
		const struct etr_counters *c = etr_counters(cp->etr);

#define ETR_METRIC(name) counter(f, "etr", "ETR", #name, c->name);
		ETR_COUNTERS(ETR_METRIC)
#undef ETR_METRIC
		single(f, "lispgw_etr_database_entries", "gauge", "EID-prefixes in the ETR database",
		       etr_db_count(cp->etr));
		single(f, "lispgw_etr_registered", "gauge",
		       "1 when every Map-Server acknowledged the current database",
		       etr_registered(cp->etr));
	}
	if (cp->itr) {
		const struct itr_counters *c = itr_counters(cp->itr);

#define ITR_METRIC(name) counter(f, "itr", "ITR", #name, c->name);
		ITR_COUNTERS(ITR_METRIC)
#undef ITR_METRIC
		single(f, "lispgw_itr_pending_resolutions", "gauge",
		       "Map-Requests in flight for misses", itr_pending_count(cp->itr));
	}
	if (cp->itr_ops && cp->itr)
		single(f, "lispgw_map_cache_entries", "gauge", "Entries in the ITR map-cache",
		       cp->itr_ops->cache_count(cp->itr));
}

/* One sample of a data-plane counter: label (may be NULL) and, for a
 * per-IID counter, iid. */
static void dp_sample(FILE *f, const char *name, const char *label, const char *value,
		      const struct dp_msg_counter *v)
{
	const char *sep = "";

	fputs(name, f);
	if (label || (v->flags & DP_MSG_COUNTER_F_IID))
		fputc('{', f);
	if (label) {
		fprintf(f, "%s=\"", label);
		label_value(f, value);
		fputc('"', f);
		sep = ",";
	}
	if (v->flags & DP_MSG_COUNTER_F_IID)
		fprintf(f, "%siid=\"%u\"", sep, v->iid);
	if (label || (v->flags & DP_MSG_COUNTER_F_IID))
		fputc('}', f);
	fprintf(f, " %llu\n", (unsigned long long)v->value);
}

/*
 * lispgw-dp's counters, from its latest snapshot of this session.  The
 * names travel with the values (the data plane may add counters without
 * an edit here): every drop_REASON is a sample of one family,
 * lispgw_dp_drops_total{reason="REASON"}, since drops add up; every other
 * counter is a family of its own, lispgw_dp_NAME_total (rx and tx do not
 * add up).  Per-IID counters carry an iid label.
 */
static void dp_counters(FILE *f, const struct dp_push_snapshot *s)
{
	static const char drop[] = "drop_";
	char name[DP_MSG_COUNTER_NAME_MAX + 32];
	bool any_drop = false;

	for (size_t i = 0; i < s->count; i++) {
		const struct dp_msg_counter *v = &s->v[i];
		bool first = true;

		if (strncmp(v->name, drop, sizeof(drop) - 1) == 0) {
			any_drop = true;
			continue;
		}
		/* A family is written whole: skip a name already written. */
		for (size_t j = 0; j < i && first; j++)
			first = strcmp(s->v[j].name, v->name) != 0;
		if (!first)
			continue;
		snprintf(name, sizeof(name), "lispgw_dp_%s_total", v->name);
		family(f, name, "counter", "lispgw-dp counter (docs/dataplane.md, Counters)");
		for (size_t j = i; j < s->count; j++)
			if (strcmp(s->v[j].name, v->name) == 0)
				dp_sample(f, name, NULL, NULL, &s->v[j]);
	}
	if (!any_drop)
		return;
	family(f, "lispgw_dp_drops_total", "counter", "Packets lispgw-dp dropped, by reason");
	for (size_t i = 0; i < s->count; i++)
		if (strncmp(s->v[i].name, drop, sizeof(drop) - 1) == 0)
			dp_sample(f, "lispgw_dp_drops_total", "reason",
				  s->v[i].name + sizeof(drop) - 1, &s->v[i]);
}

/* The data plane: the channel to it, and its counters. */
static void dataplane(FILE *f, const struct cp *cp)
{
	const struct dp_push_counters *c = dp_push_counters(cp->dp);
	const struct dp_push_snapshot *s = dp_push_dp_counters(cp->dp);

	single(f, "lispgw_dp_attached", "gauge", "1 while lispgw-dp's channel is attached",
	       dp_push_attached(cp->dp));
	single(f, "lispgw_dp_synced", "gauge",
	       "1 when lispgw-dp has every mapping (replay done, backlog empty)",
	       dp_push_synced(cp->dp));
	single(f, "lispgw_dp_generation", "gauge", "The channel session's generation (0: none)",
	       dp_push_generation(cp->dp));
	single(f, "lispgw_dp_backlog_bytes", "gauge", "Messages waiting for room in the ring",
	       dp_push_backlog_bytes(cp->dp));
	single(f, "lispgw_dp_ring_drops_total", "counter",
	       "Records lispgw-dp dropped this session: its ring to us was full",
	       dp_push_dp_drops(cp->dp));
#define DPP_METRIC(name) counter(f, "dp_channel", "data-plane channel", #name, c->name);
	DP_PUSH_COUNTERS(DPP_METRIC)
#undef DPP_METRIC
	if (s)
		dp_counters(f, s);
}

void rest_get_metrics(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct cp *cp = rq->cp;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	f = open_memstream(&text, &len);
	if (!f)
		return;
	family(f, "lispgw_build_info", "gauge", "lispgw-cp version (value always 1)");
	sample(f, "lispgw_build_info", "version", LISPGW_VERSION, 1);
	single(f, "lispgw_uptime_seconds", "gauge", "Seconds since lispgw-cp started",
	       rest_uptime_s(cp));
	messages(f, &cp->c);
	single(f, "lispgw_timers", "gauge", "Timers armed on the event loop",
	       evloop_timer_count(cp->loop));
	udp(f, cp);
	roles(f, cp);
	if (cp->dp)
		dataplane(f, cp);
	if (rq->counters) {
		const struct rest_counters *c = rq->counters;

#define REST_METRIC(name) counter(f, "rest", "REST API", #name, c->name);
		REST_COUNTERS(REST_METRIC)
#undef REST_METRIC
	}
	if (fclose(f) != 0) {
		free(text);
		return;
	}
	rs->status = MHD_HTTP_OK;
	rs->text = text;
	rs->text_len = len;
	rs->ctype = METRICS_CTYPE;
}
