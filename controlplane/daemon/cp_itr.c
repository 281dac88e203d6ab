/* SPDX-License-Identifier: BSD-3-Clause */
/* The ITR role from the configuration (cp.c builds it with the others). */
#include <errno.h>
#include <string.h>

#include "cp.h"
#include "ecdsa_eid.h"
#include "cp_priv.h"

size_t cp_itr_params_from_config(const struct cp_config *cfg, struct itr_params *params,
				 struct itr_map_resolver *mrs)
{
	size_t nmr = cfg->itr.map_resolver_count < CP_SERVERS_MAX ? cfg->itr.map_resolver_count
								  : CP_SERVERS_MAX;
	struct itr_params p;

	itr_params_default(&p);
	/* Our listen addresses are our RLOCs: Map-Replies come back to them. */
	for (size_t i = 0; i < cfg->listen_count && p.rloc_count < ITR_RLOCS_MAX; i++)
		p.rlocs[p.rloc_count++] = cfg->listen[i];
	p.control_port = cfg->listen_port;
	p.request_timeout_ms = cfg->itr.request_timeout_ms;
	p.request_tries = cfg->itr.request_tries;
	p.pending_max = cfg->itr.request_max_pending;
	p.cache.max_entries = cfg->itr.cache_max_entries;
	p.cache.refresh_ms = cfg->itr.cache_refresh_ms;
	p.cache_negative = cfg->itr.cache_negative;
	p.smr = cfg->itr.smr;
	p.smr_rate = cfg->itr.smr_rate;
	p.smr_burst = cfg->itr.smr_burst;
	p.subscribe = cfg->itr.subscribe;
	memcpy(p.xtr_id, cfg->xtr_id, LISP_XTR_ID_LEN);
	p.site_id = cfg->site_id;
	/* Pub/sub notifications are signed with our Map-Servers' keys. */
	for (size_t i = 0; i < cfg->etr.map_server_count && p.ms_key_count < ITR_KEYS_MAX; i++) {
		const char *key = cfg->etr.map_servers[i].key;
		struct itr_key *k = &p.ms_keys[p.ms_key_count++];

		k->key_len = strlen(key) < ITR_KEY_MAX ? strlen(key) : ITR_KEY_MAX;
		memcpy(k->key, key, k->key_len);
	}
	/* enum cp_itr_lisp_sec and enum itr_lisp_sec agree (config.h). */
	p.lisp_sec = (uint8_t)cfg->itr.lisp_sec;
	p.lisp_sec_aes = cfg->itr.lisp_sec_key.aes;
	memcpy(p.lisp_sec_key, cfg->itr.lisp_sec_key.key, sizeof(p.lisp_sec_key));
	p.probe = cfg->itr.probe;
	p.probe_interval_ms = cfg->itr.probe_interval_ms;
	p.probe_timeout_ms = cfg->itr.probe_timeout_ms;
	p.probe_tries = cfg->itr.probe_tries;
	p.probes_max = cfg->itr.probe_max_pending;
	for (size_t i = 0; i < nmr; i++)
		mrs[i] = (struct itr_map_resolver){ cfg->itr.map_resolvers[i].addr,
						    cfg->itr.map_resolvers[i].port };
	*params = p;
	return nmr;
}

/* A static entry of the configuration into the ITR's map-cache. */
int cp_itr_static_set(struct itr *itr, const struct cp_config_mapping *m, struct lisp_err *err)
{
	struct lisp_locator locs[LISP_LOCATORS_MAX];
	struct lisp_waddr inners[LISP_LOCATORS_MAX], eid_inner;
	struct lisp_record rec = { .ttl = m->ttl_min, .mask_len = m->eid.plen,
				   .action = m->action };
	size_t n = m->rloc_count < LISP_LOCATORS_MAX ? m->rloc_count : LISP_LOCATORS_MAX;

	for (size_t j = 0; j < n; j++)
		cp_config_rloc_locator(&m->rlocs[j], &locs[j], &inners[j]);
	lisp_waddr_from_prefix(&rec.eid, &eid_inner, &m->eid);
	rec.loc_count = (uint8_t)n;
	rec.locs = locs;
	return itr_add_static(itr, &rec, MAPCACHE_SRC_STATIC, err);
}

int cp_itr_ecdsa_set(struct itr *itr, const struct cp_config *cfg, struct lisp_err *err)
{
	enum ecdsa_reason why;
	EVP_PKEY *key = NULL;

	/* Read again at start and every reload, as -n checked it. */
	if (cfg->itr.ecdsa_key &&
	    ecdsa_key_load_pem(cfg->itr.ecdsa_key, &key, &why, err) < 0)
		return -EINVAL;
	itr_set_ecdsa_key(itr, key, &cfg->itr.ecdsa_prefix);
	return 0;
}

struct itr *cp_itr_from_config(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err)
{
	struct itr_map_resolver mrs[CP_SERVERS_MAX];
	struct itr_params p;
	size_t nmr = cp_itr_params_from_config(cfg, &p, mrs);
	struct itr *itr;

	itr = itr_new(cp->loop, &p, mrs, nmr, cp_send, cp);
	if (!itr) {
		lisp_err_set(err, errno ? errno : ENOMEM, "cannot create the ITR: %s",
			     errno == EINVAL ? "invalid parameters" : "out of memory");
		return NULL;
	}
	if (cp_itr_ecdsa_set(itr, cfg, err) < 0) {
		itr_free(itr);
		return NULL;
	}
	for (size_t i = 0; i < cfg->itr.static_count; i++) {
		if (cp_itr_static_set(itr, &cfg->itr.statics[i], err) < 0) {
			itr_free(itr);
			return NULL;
		}
	}
	return itr;
}
