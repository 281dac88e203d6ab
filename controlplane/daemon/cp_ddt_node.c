/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DDT node role (ddt-node, docs/ddt.md) built from the configuration:
 * its delegation table, parameters, and what the other roles of the
 * process take from it (a Map-Server's sites, the non-DDT ECMs).
 */
#include <errno.h>
#include <string.h>

#include "cp.h"
#include "cp_priv.h"
#include "log.h"

_Static_assert(CP_CONFIG_DDT_REFERRALS_MAX == DDT_REFERRALS_MAX, "DDT referral set");

struct ddt_tree *cp_ddt_node_tree_from_config(const struct cp_config *cfg, struct lisp_err *err)
{
	struct ddt_tree *t = ddt_tree_new();
	char buf[LISP_ADDR_STR_MAX + 16];
	int rc = 0;

	if (!t) {
		lisp_err_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; rc == 0 && i < cfg->ddt.auth_count; i++) {
		rc = ddt_tree_add_auth(t, &cfg->ddt.auths[i]);
		if (rc < 0) {
			lisp_prefix_format(&cfg->ddt.auths[i], buf, sizeof(buf));
			lisp_err_set(err, -rc, "ddt-node.authoritative-prefixes[%zu] %s: %s", i, buf,
				     strerror(-rc));
		}
	}
	for (size_t i = 0; rc == 0 && i < cfg->ddt.delegation_count; i++) {
		const struct cp_config_ddt_delegation *c = &cfg->ddt.delegations[i];
		struct ddt_delegation d = {
			.eid = c->eid,
			.type = c->type == CP_DDT_TO_MAP_SERVER ? DDT_DELEG_MAP_SERVER
								: DDT_DELEG_NODE,
			.ref_count = (uint8_t)c->referral_count,
		};

		for (size_t j = 0; j < c->referral_count && j < DDT_REFERRALS_MAX; j++)
			d.refs[j] = (struct ddt_referral){ c->referrals[j].addr,
							   c->referrals[j].priority,
							   c->referrals[j].weight };
		rc = ddt_tree_add_delegation(t, &d);
		if (rc < 0) {
			lisp_prefix_format(&c->eid, buf, sizeof(buf));
			lisp_err_set(err, -rc, "ddt-node.delegations[%zu] %s: %s", i, buf,
				     strerror(-rc));
		}
	}
	if (rc < 0) {
		ddt_tree_free(t);
		return NULL;
	}
	return t;
}

void cp_ddt_node_params_from_config(const struct cp_config *cfg, struct ddt_node_params *p)
{
	ddt_node_params_default(p);
	p->referral_ttl_min = cfg->ddt.referral_ttl_min;
	p->hole_ttl_min = cfg->ddt.hole_ttl_min;
	p->rate = cfg->ddt.rate_limit;
	p->burst = cfg->ddt.rate_burst;
	p->rate_sources = cfg->ddt.rate_sources;
	p->global_rate = cfg->ddt.global_rate;
	p->global_burst = cfg->ddt.global_burst;
}

/* A Map-Server here with a site for the XEID answers it (MS-ACK /
 * MS-NOT-REGISTERED, RFC 8111 section 7.2), not the node's table. */
static bool local_ms_serves(void *arg, const struct lisp_prefix *xeid)
{
	struct cp *cp = arg;

	return cp->ms && cp->sites && site_table_covering(cp->sites, xeid, NULL);
}

void cp_ddt_node_local_apply(struct cp *cp)
{
	struct ddt_node_local local = {
		.arg = cp,
		.ms_serves = local_ms_serves,
		.others_take_ecms = cp->mr || cp->etr,
	};

	if (cp->ddt)
		ddt_node_set_local(cp->ddt, &local);
}

int cp_ddt_node_start(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err)
{
	struct ddt_node_params p;
	struct ddt_tree *t;

	if (!(cfg->roles & CP_ROLE_DDT_NODE))
		return 0;
	t = cp_ddt_node_tree_from_config(cfg, err);
	if (!t)
		return -EINVAL;
	cp_ddt_node_params_from_config(cfg, &p);
	cp->ddt = ddt_node_new(cp->loop, &p, t, cp_send, cp);
	if (!cp->ddt) {
		ddt_tree_free(t);
		return lisp_err_set(err, ENOMEM, "out of memory");
	}
	cp_ddt_node_local_apply(cp);
	log_info("ddt-node: authoritative for %zu XEID-prefixes, %zu delegations",
		 ddt_tree_auth_count(t), ddt_tree_delegation_count(t));
	return 0;
}
