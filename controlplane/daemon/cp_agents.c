/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agents as the daemon runs them (docs/agents.md): an agent's records go
 * into the ETR database (registered at once), to the data plane and to the
 * CATS metrics agent; at start, after a reload and after a CATS change the
 * whole store is installed again.  The REST API (api/rest_agents.c) calls
 * these once a body and the store have accepted a change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "cp.h"
#include "dp_push.h"
#include "etr_metrics.h"
#include "lcaf.h"
#include "log.h"

/* An ETR record decodes into at most a few KiB; the site's RLOC set, here. */
#define SITE_ARENA_BYTES	(256 * 1024)
/* ---- the ETR side ---------------------------------------------------------------- */

static uint8_t site_arena_buf[SITE_ARENA_BYTES];

/* The site prefix (shorter than the host EID) covering eid, decoded. */
static int site_lookup(struct cp *cp, const struct lisp_prefix *eid, struct lisp_arena *arena,
		       struct lisp_record *rec, struct lisp_prefix *match)
{
	struct lisp_prefix up = *eid;

	if (!cp->etr || eid->plen == 0)
		return -ENOENT;
	up.plen--;
	lisp_prefix_mask(&up);
	return etr_db_lookup(cp->etr, &up, arena, rec, match);
}

bool cp_agent_site_covers(void *arg, const struct lisp_prefix *eid)
{
	struct lisp_arena arena;
	struct lisp_record rec;
	struct lisp_prefix match;

	lisp_arena_init(&arena, site_arena_buf, sizeof(site_arena_buf));
	return site_lookup(arg, eid, &arena, &rec, &match) == 0;
}

static uint32_t default_ttl(const struct cp *cp)
{
	return cp->cfg->etr.record_ttl_min ? cp->cfg->etr.record_ttl_min
					   : CP_CONFIG_DEF_RECORD_TTL_MIN;
}

/* The agent's records join those the CATS metrics agent keeps current
 * (cats.metrics): its RLOCs' load and latency follow the file as the
 * configured database's do, over the agent's own attributes. */
static void agent_metrics_set(struct cp *cp, const struct agent_records *r)
{
	for (size_t k = 0; cp->etr_metrics && k < r->count; k++) {
		const struct lisp_record *rec = &r->rec[k];
		struct etr_metrics_rloc rl[LISP_LOCATORS_MAX];
		char *txt[LISP_LOCATORS_MAX] = { 0 };
		struct etr_metrics_mapping mm = { .ttl_min = rec->ttl, .rlocs = rl };
		size_t n = 0;

		if (lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &mm.eid, NULL) < 0)
			continue;
		for (size_t j = 0; j < rec->loc_count && n < LISP_LOCATORS_MAX; j++) {
			const struct lisp_locator *l = &rec->locs[j];
			const struct lisp_addr *a = lisp_waddr_rloc(&l->addr);

			if (!a)
				continue;
			rl[n] = (struct etr_metrics_rloc){ *a, l->priority, l->weight, NULL };
			if (l->addr.afi == LISP_AFI_LCAF && l->addr.lcaf.type == LCAF_TYPE_JSON)
				rl[n].attrs = txt[n] = strndup(l->addr.lcaf.json.text,
							       l->addr.lcaf.json.len);
			n++;
		}
		mm.rloc_count = n;
		if (etr_metrics_set(cp->etr_metrics, &mm) < 0)
			log_warn("agents: the metrics agent cannot follow a record: out of memory");
		for (size_t j = 0; j < n; j++)
			free(txt[j]);
	}
}

/* Puts the agent's records in the ETR database (each registered at once;
 * a record that replaces one is a new registration, not a withdrawal). */
int cp_agent_install(struct cp *cp, const struct agent *a, struct lisp_err *err)
{
	struct lisp_arena arena;
	struct lisp_record site;
	struct lisp_prefix match;
	struct agent_records r;
	int rc;

	memset(&site, 0, sizeof(site));
	lisp_arena_init(&arena, site_arena_buf, sizeof(site_arena_buf));
	if (!a->rloc_count && site_lookup(cp, &a->eid, &arena, &site, &match) < 0)
		return lisp_err_set(err, ERANGE, "rlocs: required: no site prefix of the ETR "
				    "database covers the agent's EID");
	rc = agent_records_build(a, site.locs, site.loc_count, default_ttl(cp), &r, err);
	if (rc < 0)
		return rc;
	for (size_t k = 0; rc == 0 && k < r.count; k++)
		rc = etr_db_set(cp->etr, &r.rec[k], err);
	if (rc == 0 && cp->dp)
		dp_push_db_set(cp->dp, &r.rec[0]);
	if (rc == 0)
		agent_metrics_set(cp, &r);
	agent_records_free(&r);
	return rc;
}

void cp_agent_uninstall(struct cp *cp, const struct agent *a, bool with_dn)
{
	if (etr_db_del(cp->etr, &a->eid) == 0 && cp->dp)
		dp_push_db_del(cp->dp, &a->eid);
	if (cp->etr_metrics)
		etr_metrics_del(cp->etr_metrics, &a->eid);
	if (with_dn && a->has_dn) {
		etr_db_del(cp->etr, &a->dn);
		if (cp->etr_metrics)
			etr_metrics_del(cp->etr_metrics, &a->dn);
	}
}

void cp_agents_install_all(struct cp *cp)
{
	struct lisp_err err = { .msg = "" };
	char t[LISP_ADDR_STR_MAX + 16];

	if (!cp->agents || !cp->etr)
		return;
	for (size_t i = 0; i < agent_store_count(cp->agents); i++) {
		const struct agent *a = agent_store_at(cp->agents, i);

		if (!a->active)
			continue;
		lisp_prefix_format(&a->eid, t, sizeof(t));
		if (cp_agent_install(cp, a, &err) < 0)
			log_error("agents: %s (%s) not registered: %s", a->id, t, err.msg);
	}
}
