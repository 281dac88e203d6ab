/* SPDX-License-Identifier: BSD-3-Clause */
/* CATS from the configuration (docs/cats.md): the ranking policies of the
 * Map-Resolver and the ITR, and the ETR's service-metric agent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "cats.h"
#include "cp.h"
#include "cp_priv.h"
#include "etr_metrics.h"
#include "map_resolver.h"

void cp_cats_stop(struct cp *cp)
{
	etr_metrics_free(cp->etr_metrics);
	cp->etr_metrics = NULL;
}

static struct etr_metrics *metrics_from_config(struct cp *cp, const struct cp_config *cfg)
{
	size_t n = cfg->etr.mapping_count, total = 0, at = 0;
	struct etr_metrics_params p = { .file = cfg->cats.metrics_file,
					.interval_ms = cfg->cats.metrics_interval_ms,
					.threshold_pct = cfg->cats.metrics_threshold_pct };
	struct etr_metrics_mapping *db;
	struct etr_metrics_rloc *rlocs;
	struct etr_metrics *m = NULL;

	for (size_t i = 0; i < n; i++)
		total += cfg->etr.database[i].rloc_count;
	db = calloc(n ? n : 1, sizeof(*db));
	rlocs = calloc(total ? total : 1, sizeof(*rlocs));
	if (db && rlocs) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++) {
			const struct cp_config_mapping *mp = &cfg->etr.database[i];

			/* An ecdsa-key entry's signature record would be lost in
			 * the rewrite (cp_agents.c, agent_metrics_set). */
			if (mp->ecdsa_key)
				continue;
			db[k++] = (struct etr_metrics_mapping){ mp->eid, mp->ttl_min, mp->rloc_count,
								&rlocs[at] };
			for (size_t j = 0; j < mp->rloc_count; j++)
				rlocs[at++] = (struct etr_metrics_rloc){
					mp->rlocs[j].addr, mp->rlocs[j].priority,
					mp->rlocs[j].weight, mp->rlocs[j].attributes };
		}
		m = etr_metrics_new(cp->loop, cp->etr, &p, db, k);
	}
	free(db);
	free(rlocs);
	return m;
}

int cp_cats_apply(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err)
{
	struct cats_policies pol;
	int rc;

	memset(&pol, 0, sizeof(pol));
	for (size_t i = 0; i < cfg->cats.policy_count; i++) {
		const struct cp_config_cats_policy *c = &cfg->cats.policies[i];

		rc = cats_policies_add(&pol, c->any_iid, c->iid, c->rank, err);
		if (rc < 0)
			return rc;
	}
	if (cp->mr)
		map_resolver_set_cats(cp->mr, &pol);
	if (cp->itr && itr_set_cats(cp->itr, &pol) < 0)
		return lisp_err_set(err, ENOMEM, "out of memory");
	cp_cats_stop(cp);
	if (cp->etr && cfg->cats.metrics_file) {
		cp->etr_metrics = metrics_from_config(cp, cfg);
		if (!cp->etr_metrics)
			return lisp_err_set(err, ENOMEM, "out of memory");
		etr_metrics_start(cp->etr_metrics);
		/* The agents registered through the API follow the file too
		 * (their records are unchanged: nothing is registered again). */
		cp_agents_install_all(cp);
	}
	return 0;
}
