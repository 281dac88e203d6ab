/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GET /api/v1/ddt/delegations: the DDT node's authority and delegations
 * (docs/ddt.md, docs/rest.md), as running (a SIGHUP swaps them whole), with
 * the TTLs it answers with and the Map-Referrals sent per delegation.
 */
#include <microhttpd.h>

#include "rest_priv.h"

static json_t *delegation_json(const struct ddt_delegation *d)
{
	json_t *refs = json_array();

	for (unsigned int i = 0; refs && i < d->ref_count; i++)
		json_array_append_new(refs, json_pack("{s:o, s:i, s:i}", "address",
						      rest_json_addr(&d->refs[i].addr), "priority",
						      (int)d->refs[i].priority, "weight",
						      (int)d->refs[i].weight));
	return json_pack("{s:o, s:s, s:s, s:o, s:I}", "eid_prefix", rest_json_prefix(&d->eid),
			 "type", ddt_delegation_type_name(d->type), "action",
			 lisp_referral_action_name(d->type == DDT_DELEG_MAP_SERVER
							   ? LISP_REF_MS_REFERRAL
							   : LISP_REF_NODE_REFERRAL),
			 "referrals", refs, "referrals_sent", (json_int_t)d->referrals_sent);
}

void rest_get_ddt_delegations(struct rest_req *rq, struct rest_resp *rs)
{
	static const char *const params[] = { NULL };
	const struct ddt_node_params *p;
	const struct ddt_tree *t;
	json_t *auths, *delegs;

	if (rest_query_check(rq, rs, params) < 0)
		return;
	if (!rq->cp->ddt) {
		rest_resp_no_role(rs, "ddt-node");
		return;
	}
	t = ddt_node_tree(rq->cp->ddt);
	p = ddt_node_params(rq->cp->ddt);
	auths = json_array();
	delegs = json_array();
	for (size_t i = 0; auths && i < ddt_tree_auth_count(t); i++)
		json_array_append_new(auths, rest_json_prefix(ddt_tree_auth_at(t, i)));
	for (size_t i = 0; delegs && i < ddt_tree_delegation_count(t); i++)
		json_array_append_new(delegs, delegation_json(ddt_tree_delegation_at(t, i)));
	rest_resp_json(rs, MHD_HTTP_OK,
		       json_pack("{s:o, s:{s:I, s:I, s:I}, s:I, s:o}", "authoritative_prefixes",
				 auths, "ttl_minutes", "referral", (json_int_t)p->referral_ttl_min,
				 "delegation_hole", (json_int_t)p->hole_ttl_min,
				 "not_authoritative", (json_int_t)0, "count",
				 (json_int_t)json_array_size(delegs), "delegations", delegs));
}
