/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/delegations: where the Map-Resolver forwards Map-Requests
 * (map-resolver.map-servers): each delegated prefix, its Map-Servers in
 * fail-over order with their health (mr_health.h) and counters, and the
 * health parameters in force.
 */
#include <microhttpd.h>

#include "map_resolver.h"
#include "rest_priv.h"

static json_t *ms_json(const struct mr_ms *ms)
{
	const struct mr_ms_health *h = &ms->h;

	return json_pack("{s:o, s:i, s:s, s:i, s:I, s:{s:I, s:I, s:I, s:I, s:I}}",
			 "address", rest_json_addr(&ms->addr),
			 "port", (int)ms->port,
			 "state", h->up ? "up" : "down",
			 "misses", (int)h->misses,
			 "last_answer_ms", (json_int_t)h->last_answer_ms,
			 "counters",
			 "forwarded", (json_int_t)h->forwarded,
			 "probes_sent", (json_int_t)h->probes_sent,
			 "probes_answered", (json_int_t)h->probes_answered,
			 "went_down", (json_int_t)h->went_down,
			 "went_up", (json_int_t)h->went_up);
}

static int deleg_json(struct mr_deleg *dl, void *arg)
{
	json_t *list = arg, *servers = json_array();

	for (size_t i = 0; servers && i < dl->count; i++)
		json_array_append_new(servers, ms_json(&dl->ms[i]));
	json_array_append_new(list, json_pack("{s:o, s:o, s:{s:I, s:I}}",
					      "prefix", rest_json_prefix(&dl->eid),
					      "map_servers", servers,
					      "counters",
					      "forwarded", (json_int_t)dl->forwarded,
					      "all_down", (json_int_t)dl->all_down));
	return 0;
}

void rest_get_delegations(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	const struct mr_health_params *hp;
	struct cp *cp = rq->cp;
	json_t *a;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	if (!cp->mr) {
		rest_resp_no_role(rs, "map-resolver");
		return;
	}
	a = json_array();
	if (!a)
		return;
	mr_delegations_walk(map_resolver_delegations(cp->mr), deleg_json, a);
	hp = map_resolver_health_params(cp->mr);
	rest_resp_json(rs, MHD_HTTP_OK,
		       json_pack("{s:I, s:{s:I, s:I}, s:o}", "count",
				 (json_int_t)json_array_size(a), "health",
				 "interval_ms", (json_int_t)(hp ? hp->interval_ms : 0),
				 "misses", (json_int_t)(hp ? hp->misses : 0), "delegations", a));
}
