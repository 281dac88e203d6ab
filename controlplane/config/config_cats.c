/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "cats" section (context-aware selection, docs/cats.md): ranking
 * policies per Instance-ID (Map-Resolver and ITR) and the ETR's
 * service-metric agent.  Kept apart from the other sections: its schema,
 * check, print, equality and free live here.
 *
 *   cats:
 *     policies:
 *       - instance-id: 1000        # absent: every IID without its own
 *         rank: latency_ms,load
 *     metrics:
 *       file: /run/lispgw/metrics.json
 *       interval: 5s
 *       threshold-percent: 10
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attrq.h"
#include "config_priv.h"

#define CATS_POLICIES_CFG_MAX	64
#define CATS_DEF_INTERVAL_MS	5000
#define CATS_DEF_THRESHOLD_PCT	10

static const cyaml_schema_field_t policy_fields[] = {
	CYAML_FIELD_UINT_PTR("instance-id", CYAML_FLAG_OPTIONAL, struct cfg_raw_cats_policy, iid),
	CYAML_FIELD_STRING_PTR("rank", CYAML_FLAG_POINTER, struct cfg_raw_cats_policy, rank, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t policy_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_cats_policy, policy_fields),
};

static const cyaml_schema_field_t metrics_fields[] = {
	CYAML_FIELD_STRING_PTR("file", CYAML_FLAG_POINTER, struct cfg_raw_cats_metrics, file, 1,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("interval", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct cfg_raw_cats_metrics, interval, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("threshold-percent", CYAML_FLAG_OPTIONAL,
			     struct cfg_raw_cats_metrics, threshold_pct),
	CYAML_FIELD_END
};

const cyaml_schema_field_t cfg_cats_fields[] = {
	CYAML_FIELD_SEQUENCE("policies", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct cfg_raw_cats, policies, &policy_entry, 0, CATS_POLICIES_CFG_MAX),
	CYAML_FIELD_MAPPING_PTR("metrics", CYAML_FLAG_OPTIONAL, struct cfg_raw_cats, metrics,
				metrics_fields),
	CYAML_FIELD_END
};

void cfg_chk_cats(struct cfg_chk *c, const struct cfg_raw_cats *r, struct cp_config_cats *cats)
{
	size_t mark;

	if (!r)
		return;
	mark = cfg_path_key(&c->path, "cats");
	cats->present = true;
	cats->policies = cfg_chk_calloc(c, r->policies_count ? r->policies_count : 1,
					sizeof(*cats->policies));
	for (unsigned int i = 0; cats->policies && i < r->policies_count; i++) {
		const struct cfg_raw_cats_policy *p = &r->policies[i];
		struct cp_config_cats_policy *o = &cats->policies[cats->policy_count++];
		size_t m1 = cfg_path_key(&c->path, "policies"), m2 = cfg_path_idx(&c->path, i);
		struct attrq_policy pol;
		struct lisp_err err;

		o->any_iid = !p->iid;
		o->iid = p->iid ? *p->iid : 0;
		if (p->iid && *p->iid > LISP_IID_MAX)
			cfg_chk_err(c, "instance-id", "must be at most %u", LISP_IID_MAX);
		if (attrq_policy_parse(p->rank, &pol, &err) < 0)
			cfg_chk_err(c, "rank", "%s", err.msg);
		o->rank = cfg_chk_strdup(c, p->rank);
		for (size_t j = 0; j + 1 < cats->policy_count; j++)
			if (cats->policies[j].any_iid == o->any_iid &&
			    (o->any_iid || cats->policies[j].iid == o->iid))
				cfg_chk_err(c, NULL, "a second policy for %s", o->any_iid
						  ? "every instance-id" : "this instance-id");
		cfg_path_pop(&c->path, m2);
		cfg_path_pop(&c->path, m1);
	}
	if (r->metrics) {
		size_t m = cfg_path_key(&c->path, "metrics");

		cats->metrics_file = cfg_chk_strdup(c, r->metrics->file);
		cats->metrics_interval_ms = cfg_chk_duration(c, "interval", r->metrics->interval,
							     CATS_DEF_INTERVAL_MS, 100,
							     3600 * 1000);
		cats->metrics_threshold_pct = cfg_chk_u32(c, "threshold-percent",
							  r->metrics->threshold_pct,
							  CATS_DEF_THRESHOLD_PCT, 0, 1000);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

void cfg_print_cats(const struct cp_config_cats *cats, FILE *f)
{
	char dur[32];

	if (!cats->present)
		return;
	fputs("cats:\n", f);
	if (cats->policy_count) {
		fputs("  policies:\n", f);
		for (size_t i = 0; i < cats->policy_count; i++) {
			const struct cp_config_cats_policy *p = &cats->policies[i];

			if (p->any_iid)
				fprintf(f, "    - rank: \"%s\"\n", p->rank);
			else
				fprintf(f, "    - instance-id: %u\n      rank: \"%s\"\n", p->iid,
					p->rank);
		}
	}
	if (cats->metrics_file) {
		cfg_duration_format(cats->metrics_interval_ms, dur, sizeof(dur));
		fprintf(f, "  metrics:\n    file: \"%s\"\n    interval: %s\n"
			   "    threshold-percent: %u\n",
			cats->metrics_file, dur, cats->metrics_threshold_pct);
	}
}

static bool s_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool cfg_cats_equal(const struct cp_config_cats *a, const struct cp_config_cats *b)
{
	if (a->present != b->present || a->policy_count != b->policy_count ||
	    !s_eq(a->metrics_file, b->metrics_file) ||
	    a->metrics_interval_ms != b->metrics_interval_ms ||
	    a->metrics_threshold_pct != b->metrics_threshold_pct)
		return false;
	for (size_t i = 0; i < a->policy_count; i++)
		if (a->policies[i].any_iid != b->policies[i].any_iid ||
		    a->policies[i].iid != b->policies[i].iid ||
		    !s_eq(a->policies[i].rank, b->policies[i].rank))
			return false;
	return true;
}

void cfg_cats_free(struct cp_config_cats *cats)
{
	for (size_t i = 0; cats->policies && i < cats->policy_count; i++)
		free(cats->policies[i].rank);
	free(cats->policies);
	free(cats->metrics_file);
}
