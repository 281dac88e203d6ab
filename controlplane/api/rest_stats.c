/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/health and GET /api/v1/stats: liveness, and every counter of
 * the daemon in one document (the same numbers /metrics exports), the
 * data plane's included.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "rest_priv.h"

static json_t *roles_json(unsigned int roles)
{
	json_t *a = json_array();

	for (unsigned int bit = 1; a && bit && bit <= CP_ROLE_LAST; bit <<= 1)
		if ((roles & bit) && cp_role_name(bit))
			json_array_append_new(a, json_string(cp_role_name(bit)));
	return a;
}

void rest_get_health(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct cp *cp = rq->cp;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	rest_resp_json(rs, MHD_HTTP_OK,
		       json_pack("{s:s, s:s, s:I, s:o, s:o}", "status", "ok",
				 "version", LISPGW_VERSION,
				 "uptime_s", (json_int_t)rest_uptime_s(cp),
				 "started_at", rest_json_time(cp, cp->started_ms),
				 "roles", roles_json(cp->cfg->roles)));
}

/* One object per counter list, from the role's X-macro. */
#define COUNTER_SET(obj, c, name) json_object_set_new(obj, #name, json_integer((json_int_t)(c)->name));

static json_t *messages_json(const struct cp_msg_counters *c)
{
	json_t *rx = json_object(), *tx = json_object();
	uint64_t rx_other = 0, tx_other = 0;

	for (unsigned int t = 0; t < 16; t++) {
		const char *name = rest_msg_type_name(t);

		if (!name) {
			rx_other += c->rx[t];
			tx_other += c->tx[t];
			continue;
		}
		json_object_set_new(rx, name, json_integer((json_int_t)c->rx[t]));
		json_object_set_new(tx, name, json_integer((json_int_t)c->tx[t]));
	}
	json_object_set_new(rx, "other", json_integer((json_int_t)rx_other));
	json_object_set_new(tx, "other", json_integer((json_int_t)tx_other));
	return json_pack("{s:o, s:o, s:I, s:I}", "received", rx, "sent", tx,
			 "unroutable", (json_int_t)c->rx_unroutable,
			 "no_socket", (json_int_t)c->tx_no_socket);
}

/* Where a socket is bound, from the kernel (a reload may have changed the
 * configured addresses; the sockets stay until a restart). */
static void sock_name(int fd, char *addr, size_t len, unsigned int *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	snprintf(addr, len, "?");
	*port = 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &s4->sin_addr, addr, (socklen_t)len);
		*port = ntohs(s4->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, addr, (socklen_t)len);
		*port = ntohs(s6->sin6_port);
	}
}

#define UDP_STATS(X)                                                                   \
	X(rx_packets) X(rx_bytes) X(rx_batches) X(rx_truncated) X(rx_budget_hits)      \
	X(rx_errors) X(tx_packets) X(tx_bytes) X(tx_batches) X(tx_queue_drops)         \
	X(tx_eagain) X(tx_errors)

static json_t *udp_json(const struct cp *cp)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cp->sock_count; i++) {
		struct udp_io_stats st;
		char addr[INET6_ADDRSTRLEN];
		unsigned int port;
		json_t *o, *by_errno = json_object();

		udp_io_stats(cp->socks[i], &st);
		sock_name(udp_io_fd(cp->socks[i]), addr, sizeof(addr), &port);
		o = json_pack("{s:s, s:i}", "address", addr, "port", (int)port);
		if (!o)
			continue;
#define UDP_SET(name) COUNTER_SET(o, &st, name)
		UDP_STATS(UDP_SET)
#undef UDP_SET
		for (int e = 0; by_errno && e < UDP_IO_ERRNO_MAX; e++) {
			const char *en = e ? strerrorname_np(e) : NULL;

			if (!st.tx_errno[e])
				continue;
			json_object_set_new(by_errno, en ? en : "other",
					    json_integer((json_int_t)st.tx_errno[e]));
		}
		json_object_set_new(o, "tx_errors_by_errno", by_errno);
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * The data plane (with a `dataplane` section): the channel's state and
 * counters, and lispgw-dp's own counters from its latest snapshot of this
 * session (every second while attached; docs/dataplane-channel.md), global
 * ones under "counters", per-IID ones under "instances".
 */
static json_t *dataplane_json(const struct cp *cp)
{
	const struct dp_push_counters *c = dp_push_counters(cp->dp);
	const struct dp_push_snapshot *s = dp_push_dp_counters(cp->dp);
	json_t *o, *ch = json_object(), *ctr, *inst;
	char iid[16];

	o = json_pack("{s:b, s:b, s:I, s:I, s:I}", "attached", dp_push_attached(cp->dp),
		      "synced", dp_push_synced(cp->dp),
		      "generation", (json_int_t)dp_push_generation(cp->dp),
		      "backlog_bytes", (json_int_t)dp_push_backlog_bytes(cp->dp),
		      "ring_drops", (json_int_t)dp_push_dp_drops(cp->dp));
	if (!o || !ch) {
		json_decref(o);
		json_decref(ch);
		return NULL;
	}
#define DPP_SET(name) COUNTER_SET(ch, c, name)
	DP_PUSH_COUNTERS(DPP_SET)
#undef DPP_SET
	json_object_set_new(o, "channel", ch);
	if (!s)
		return o;
	ctr = json_object();
	inst = json_object();
	for (size_t i = 0; ctr && inst && i < s->count; i++) {
		const struct dp_msg_counter *v = &s->v[i];
		json_t *into = ctr;

		if (v->flags & DP_MSG_COUNTER_F_IID) {
			snprintf(iid, sizeof(iid), "%u", v->iid);
			into = json_object_get(inst, iid);
			if (!into) {
				into = json_object();
				json_object_set_new(inst, iid, into);
			}
		}
		json_object_set_new(into, v->name, json_integer((json_int_t)v->value));
	}
	json_object_set_new(o, "counters", ctr);
	json_object_set_new(o, "instances", inst);
	json_object_set_new(o, "counters_age_ms",
			    json_integer((json_int_t)(evloop_now_ms(cp->loop) - s->received_ms)));
	return o;
}

void rest_get_stats(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	struct cp *cp = rq->cp;
	json_t *o, *r;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	o = json_pack("{s:I, s:o, s:{s:I, s:I, s:I}, s:{s:I}, s:o}",
		      "uptime_s", (json_int_t)rest_uptime_s(cp),
		      "messages", messages_json(&cp->c),
		      "config", "reloads", (json_int_t)cp->c.reloads,
		      "reload_failures", (json_int_t)cp->c.reload_failures,
		      "reload_keys_not_applied", (json_int_t)cp->c.reload_keys_not_applied,
		      "evloop", "timers", (json_int_t)evloop_timer_count(cp->loop),
		      "udp", udp_json(cp));
	if (!o)
		return;
	if (cp->ms) {
		const struct ms_counters *c = map_server_counters(cp->ms);

		r = json_object();
#define MS_SET(name) COUNTER_SET(r, c, name)
		MS_COUNTERS(MS_SET)
#undef MS_SET
		json_object_set_new(r, "registrations",
				    json_integer((json_int_t)registry_count(
					    map_server_registry(cp->ms))));
		json_object_set_new(r, "sites",
				    json_integer((json_int_t)site_table_count(cp->sites)));
		json_object_set_new(r, "registrants", json_integer((json_int_t)
				    map_server_registrant_count(cp->ms)));
		json_object_set_new(r, "notifies_pending", json_integer((json_int_t)
				    map_server_pending_count(cp->ms)));
		json_object_set_new(o, "map_server", r);
	}
	if (cp->mr) {
		const struct mr_counters *c = map_resolver_counters(cp->mr);

		r = json_object();
#define MR_SET(name) COUNTER_SET(r, c, name)
		MR_COUNTERS(MR_SET)
#undef MR_SET
		json_object_set_new(o, "map_resolver", r);
	}
	if (cp->ddt) {
		const struct ddt_node_counters *c = ddt_node_counters(cp->ddt);

		r = json_object();
#define DDT_SET(name) COUNTER_SET(r, c, name)
		DDT_NODE_COUNTERS(DDT_SET)
#undef DDT_SET
		json_object_set_new(r, "delegations", json_integer((json_int_t)
				    ddt_tree_delegation_count(ddt_node_tree(cp->ddt))));
		json_object_set_new(o, "ddt_node", r);
	}
	if (cp->ddt_mr) {	/* map-resolver.ddt (docs/ddt.md) */
		const struct ddt_mr_counters *c = ddt_mr_counters(cp->ddt_mr);

		r = json_object();
#define DDT_MR_SET(name) COUNTER_SET(r, c, name)
		DDT_MR_COUNTERS(DDT_MR_SET)
#undef DDT_MR_SET
		json_object_set_new(r, "referral_cache_entries", json_integer((json_int_t)
				    ddt_cache_count(ddt_mr_cache(cp->ddt_mr))));
		json_object_set_new(r, "pending", json_integer((json_int_t)
				    ddt_mr_pending_count(cp->ddt_mr)));
		json_object_set_new(o, "ddt_mr", r);
	}
	if (cp->pubsub) {
		const struct pubsub_counters *c = pubsub_counters(cp->pubsub);

		r = json_object();
#define PS_SET(name) COUNTER_SET(r, c, name)
		PUBSUB_COUNTERS(PS_SET)
#undef PS_SET
		json_object_set_new(r, "active",
				    json_integer((json_int_t)pubsub_count(cp->pubsub)));
		json_object_set_new(o, "pubsub", r);
	}
	if (cp->etr) {
		const struct etr_counters *c = etr_counters(cp->etr);
		struct etr_db_states st;

		r = json_object();
#define ETR_SET(name) COUNTER_SET(r, c, name)
		ETR_COUNTERS(ETR_SET)
#undef ETR_SET
		json_object_set_new(r, "database_entries",
				    json_integer((json_int_t)etr_db_count(cp->etr)));
		json_object_set_new(r, "registered", json_boolean(etr_registered(cp->etr)));
		etr_db_states(cp->etr, &st);
		json_object_set_new(r, "db_registered", json_integer((json_int_t)st.registered));
		json_object_set_new(r, "db_pending", json_integer((json_int_t)st.pending));
		json_object_set_new(r, "db_refused", json_integer((json_int_t)st.refused));
		json_object_set_new(o, "etr", r);
	}
	if (cp->itr) {
		const struct itr_counters *c = itr_counters(cp->itr);

		r = json_object();
#define ITR_SET(name) COUNTER_SET(r, c, name)
		ITR_COUNTERS(ITR_SET)
#undef ITR_SET
		json_object_set_new(r, "pending", json_integer((json_int_t)itr_pending_count(cp->itr)));
		json_object_set_new(o, "itr", r);
	}
	if (cp->itr_ops && cp->itr)
		json_object_set_new(o, "map_cache",
				    json_pack("{s:I}", "entries",
					      (json_int_t)cp->itr_ops->cache_count(cp->itr)));
	if (cp->dp)
		json_object_set_new(o, "dataplane", dataplane_json(cp));
	if (rq->rest) {
		const struct rest_counters *c = rest_counters(rq->rest);

		r = json_object();
#define REST_SET(name) COUNTER_SET(r, c, name)
		REST_COUNTERS(REST_SET)
#undef REST_SET
		json_object_set_new(o, "rest", r);
	}
	rest_resp_json(rs, MHD_HTTP_OK, o);
}
