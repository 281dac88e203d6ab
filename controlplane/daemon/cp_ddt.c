/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map-resolver.ddt (docs/ddt.md): the DDT Map-Resolver beside the
 * Map-Resolver, built from the configuration at start and again on a
 * reload that changes its keys (its referral cache and pending requests
 * then start empty: ITRs retransmit).
 */
#include <errno.h>
#include <string.h>

#include "cp.h"
#include "cp_priv.h"

_Static_assert(CP_CONFIG_DDT_ROOTS_MAX == DDT_ROOTS_MAX, "map-resolver.ddt.roots");
_Static_assert(CP_CONFIG_DDT_DEPTH_MAX == DDT_DEPTH_MAX, "map-resolver.ddt.max-depth");

static void ddt_resolve(void *arg, const struct lisp_ecm *ecm, const struct lisp_map_request *req,
			uint8_t rec, const struct lisp_prefix *eid, const struct lisp_addr *itr,
			uint16_t itr_port)
{
	struct cp *cp = arg;

	if (cp->ddt_mr)
		ddt_mr_resolve(cp->ddt_mr, ecm, req, rec, eid, itr, itr_port);
}

int cp_ddt_apply(struct cp *cp, const struct cp_config *cfg, const struct cp_config *old)
{
	const struct cp_config_mr_ddt *c = &cfg->mr.ddt;
	struct ddt_mr_params p;

	if (!cp->mr || c->root_count == 0) {
		cp_ddt_stop(cp);
		return 0;
	}
	if (!cp->ddt_mr || !old || !cp_config_mr_ddt_equal(c, &old->mr.ddt)) {
		struct ddt_mr *d;

		ddt_mr_params_default(&p);
		p.root_count = c->root_count;
		for (size_t i = 0; i < c->root_count; i++) {
			p.roots[i].addr = c->roots[i].addr;
			p.roots[i].priority = c->roots[i].priority;
		}
		p.cache_max = c->referral_cache_size;
		p.pending_max = c->max_pending;
		p.request_timeout_ms = c->request_timeout_ms;
		p.retries = c->retries;
		p.max_depth = c->max_depth;
		p.unresponsive_hold_ms = c->unresponsive_hold_ms;
		p.negative_ttl_min_min = c->negative_ttl_min_min;
		p.negative_ttl_max_min = c->negative_ttl_max_min;
		d = ddt_mr_new(cp->loop, &p, cp_send, cp);
		if (!d)
			return -ENOMEM;
		ddt_mr_free(cp->ddt_mr);
		cp->ddt_mr = d;
	}
	map_resolver_set_ddt(cp->mr, ddt_resolve, cp);
	return 0;
}

void cp_ddt_stop(struct cp *cp)
{
	if (cp->mr)
		map_resolver_set_ddt(cp->mr, NULL, NULL);
	ddt_mr_free(cp->ddt_mr);
	cp->ddt_mr = NULL;
}
