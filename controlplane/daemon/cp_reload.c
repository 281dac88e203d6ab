/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIGHUP: the configuration is parsed aside and applied part by part
 * (docs/config.md, "What a reload applies").  A changed key that only a
 * restart can apply is never dropped in silence: one warning names it and
 * says why, c.reload_keys_not_applied counts it, and its running value is
 * carried into the new configuration, so that cp->cfg (what the API and
 * the next reload compare against) always says what runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agents.h"
#include "cfg_file.h"
#include "cp.h"
#include "cp_priv.h"
#include "log.h"

#define SWAP(a, b)                      \
	do {                            \
		__typeof__(a) swap_ = (a); \
		(a) = (b);              \
		(b) = swap_;            \
	} while (0)

struct reload {
	struct cp *cp;
	struct cp_config *cur;		/* running */
	struct cp_config *next;		/* loaded; what is kept is copied in */
	bool xtr_id_changed;
	bool site_id_changed;
};

static void keep(struct reload *r, const char *key, const char *why)
{
	log_warn("reload: %s changed but is not applied (%s); restart lispgw-cp to apply it",
		 key, why);
	r->cp->c.reload_keys_not_applied++;
}

static bool addrs_eq(const struct lisp_addr *a, size_t na, const struct lisp_addr *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!lisp_addr_equal(&a[i], &b[i]))
			return false;
	return true;
}

/* The identity the new ETR is built with: the running one.  No xtr-id in
 * the file keeps the one drawn at start, which is not a change. */
static void carry_identity(struct reload *r)
{
	struct cp_config *cur = r->cur, *next = r->next;

	r->xtr_id_changed = next->xtr_id_set &&
			    memcmp(next->xtr_id, cur->xtr_id, sizeof(cur->xtr_id)) != 0;
	r->site_id_changed = next->site_id != cur->site_id;
	next->xtr_id_set = cur->xtr_id_set;
	memcpy(next->xtr_id, cur->xtr_id, sizeof(next->xtr_id));
	next->site_id = cur->site_id;
}

/* Sockets, the REST listener, the data-plane channel and the identity.
 * Called once the reload cannot fail any more: it swaps owned values. */
static void keep_process(struct reload *r)
{
	struct cp_config *cur = r->cur, *next = r->next;

	if (!addrs_eq(cur->listen, cur->listen_count, next->listen, next->listen_count)) {
		keep(r, "listen.addresses", "the control sockets are bound at start, and the "
		     "ITR's RLOCs are those addresses");
		SWAP(cur->listen, next->listen);
		SWAP(cur->listen_count, next->listen_count);
	}
	if (cur->listen_port != next->listen_port) {
		keep(r, "listen.port", "the control sockets are bound at start");
		next->listen_port = cur->listen_port;
	}
	if (r->xtr_id_changed)
		keep(r, "xtr-id", "registrations and subscriptions are keyed by it");
	if (r->site_id_changed)
		keep(r, "site-id", "registrations and subscriptions are keyed by it");
	if (next->rest.enabled != cur->rest.enabled)
		keep(r, "rest.enabled", "the REST listener is started at start");
	if (!lisp_addr_equal(&next->rest.addr, &cur->rest.addr))
		keep(r, "rest.address", "the REST listener is bound at start");
	if (next->rest.port != cur->rest.port)
		keep(r, "rest.port", "the REST listener is bound at start");
	/* A file without the token of a REST that stays up keeps its token. */
	if (cur->rest.enabled && !next->rest.token)
		SWAP(cur->rest.token, next->rest.token);
	/* libmicrohttpd is started with TLS or without (rest_reload_check
	 * reads the files of an https API again). */
	if (cur->rest.enabled && !cur->rest.tls_cert_file != !next->rest.tls_cert_file) {
		keep(r, "rest.tls-certificate", "http or https is chosen when the REST listener "
		     "starts");
		SWAP(cur->rest.tls_cert_file, next->rest.tls_cert_file);
		SWAP(cur->rest.tls_key_file, next->rest.tls_key_file);
	}
	next->rest.present = cur->rest.present;
	next->rest.enabled = cur->rest.enabled;
	next->rest.addr = cur->rest.addr;
	next->rest.port = cur->rest.port;
	/* Dropped once, at start: the process cannot become anyone else. */
	if (!cp_config_str_equal(next->privs.user, cur->privs.user) ||
	    !cp_config_str_equal(next->privs.group, cur->privs.group) ||
	    next->privs.seccomp != cur->privs.seccomp) {
		keep(r, "privileges", "the account and the seccomp filter are set once, after the "
		     "sockets are bound");
		SWAP(cur->privs, next->privs);
	}
	if (!cp_config_str_equal(next->dataplane.socket, cur->dataplane.socket)) {
		keep(r, "dataplane.socket", "the data-plane channel is opened at start");
		SWAP(cur->dataplane, next->dataplane);
	}
}

/* The Map-Server is built at start; its sites are swapped below. */
static void keep_map_server(struct reload *r)
{
	struct cp_config_map_server *cur = &r->cur->ms, *next = &r->next->ms;

	if (!r->cp->ms)
		return;
	if (next->registration_timeout_ms != cur->registration_timeout_ms) {
		keep(r, "map-server.registration-timeout",
		     "the registrations' timers are armed with it");
		next->registration_timeout_ms = cur->registration_timeout_ms;
	}
	if (next->pubsub != cur->pubsub) {
		keep(r, "map-server.pubsub", "the subscription table is created at start");
		next->pubsub = cur->pubsub;
	}
}

/* Pools, limit and state file belong to the agents store, loaded once. */
static void keep_agents(struct reload *r)
{
	struct cp_config_agents *cur = &r->cur->agents, *next = &r->next->agents;

	if (!r->cp->agents || cp_config_agents_equal(cur, next))
		return;
	if (!cp_config_str_equal(cur->state_file, next->state_file))
		keep(r, "agents.state-file", "the agents store is loaded from it at start");
	if (cur->max != next->max)
		keep(r, "agents.max-agents", "the agents store is sized at start");
	if (!cp_config_prefixes_equal(cur->pools, cur->pool_count, next->pools,
				      next->pool_count))
		keep(r, "agents.pools", "allocations are made from the pools of the start");
	if (!cp_config_prefixes_equal(cur->spaces, cur->space_count, next->spaces,
				      next->space_count))
		keep(r, "agents.eid-prefixes", "the agents store is built with them at start");
	if (!cp_config_prefixes_equal(cur->crypto_prefixes, cur->crypto_prefix_count,
				      next->crypto_prefixes, next->crypto_prefix_count))
		keep(r, "agents.crypto-eid-prefixes", "the agents section is read at start");
	SWAP(*cur, *next);
}

/* The ITR: subscriptions and the data plane's PETRs stay; the rest of the
 * section is applied to the running ITR (itr_reconfigure), and the static
 * entries are set and removed to match the file. */
static void keep_itr(struct reload *r)
{
	struct cp_config_itr *cur = &r->cur->itr, *next = &r->next->itr;

	if (!r->cp->itr)
		return;
	if (next->subscribe != cur->subscribe) {
		keep(r, "itr.subscribe", "the ITR's subscriptions are kept or made with every "
		     "resolution since start");
		next->subscribe = cur->subscribe;
	}
	if (!cp_config_rlocs_equal(cur->petrs, cur->petr_count, next->petrs, next->petr_count)) {
		keep(r, "itr.petrs", "they are handed to the data plane when its channel opens");
		SWAP(cur->petrs, next->petrs);
		SWAP(cur->petr_count, next->petr_count);
	}
}

static const struct cp_config_mapping *static_find(const struct cp_config_itr *itr,
						   const struct lisp_prefix *eid)
{
	for (size_t i = 0; i < itr->static_count; i++)
		if (lisp_prefix_equal(&itr->statics[i].eid, eid))
			return &itr->statics[i];
	return NULL;
}

static void itr_apply(struct reload *r)
{
	const struct cp_config_itr *cur = &r->cur->itr, *next = &r->next->itr;
	struct itr_map_resolver mrs[CP_SERVERS_MAX];
	struct itr *itr = r->cp->itr;
	struct itr_params p;
	struct lisp_err err;
	size_t nmr;
	int rc;

	if (!itr)
		return;
	nmr = cp_itr_params_from_config(r->next, &p, mrs);
	rc = itr_reconfigure(itr, &p, mrs, nmr);
	if (rc < 0)
		log_error("reload: itr: %s: the ITR keeps its settings", strerror(-rc));
	if (cp_itr_ecdsa_set(itr, r->next, &err) < 0)
		log_error("reload: itr.ecdsa-key: %s: the ITR keeps its key", err.msg);
	for (size_t i = 0; i < cur->static_count; i++)
		if (!static_find(next, &cur->statics[i].eid))
			itr_del_static(itr, &cur->statics[i].eid);
	for (size_t i = 0; i < next->static_count; i++) {
		const struct cp_config_mapping *m = &next->statics[i], *old = static_find(cur, &m->eid);

		if (old && cp_config_mappings_equal(old, 1, m, 1))
			continue;
		if (cp_itr_static_set(itr, m, &err) < 0)
			log_error("reload: itr.static-map-cache[%zu]: %s", i, err.msg);
	}
}

static void reload_refused(struct cp *cp, struct cp_config *next, const char *why)
{
	log_error("reload refused: %s", why);
	cp_config_free(next);
	cp->c.reload_failures++;
}

int cp_reload(struct cp *cp)
{
	struct cfg_errors errs;
	struct cp_config *next = NULL;
	struct site_table *sites = NULL;
	struct lisp_err err;
	struct etr *etr = NULL;
	struct map_resolver *mr;
	struct ddt_tree *ddt = NULL;
	struct reload r;

	cfg_errors_init(&errs);
	if (cp_config_load(cp->config_path, &next, &errs) < 0) {
		char line[512];

		for (size_t i = 0; i < errs.count; i++) {
			cfg_error_format(&errs, i, line, sizeof(line));
			log_error("reload refused: %s", line);
		}
		cfg_errors_free(&errs);
		cp->c.reload_failures++;
		return -EINVAL;
	}
	cfg_errors_free(&errs);
	if (next->roles != cp->cfg->roles) {
		reload_refused(cp, next, "roles change only with a restart (they decide which "
			       "roles run); nothing was applied");
		return -EINVAL;
	}
	r = (struct reload){ .cp = cp, .cur = cp->cfg, .next = next };
	carry_identity(&r);
	/* Build everything new aside first: a failure leaves all as it was. */
	if ((next->roles & (CP_ROLE_MAP_SERVER | CP_ROLE_MAP_RESOLVER)) &&
	    !(sites = cp_sites_from_config(next, &err)))
		goto fail;
	if ((next->roles & CP_ROLE_ETR) && !(etr = cp_etr_from_config(cp, next, &err)))
		goto fail;
	if (cp->ddt && !(ddt = cp_ddt_node_tree_from_config(next, &err)))
		goto fail;
	if (cp->reload_check && cp->reload_check(cp->reload_check_arg, next, &err) < 0)
		goto fail;

	keep_process(&r);
	keep_map_server(&r);
	keep_agents(&r);
	keep_itr(&r);
	log_set_level(next->log_level <= 3 ? LOG_LEVEL_ERROR :
		      next->log_level == 4 ? LOG_LEVEL_WARN :
		      next->log_level >= 7 ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	if (sites) {
		if (cp->ms)
			map_server_set_sites(cp->ms, sites);
		site_table_free(cp->sites);
		cp->sites = sites;
	}
	if (cp->ms)	/* the next Map-Registers are judged by the new policy */
		map_server_set_nonce_policy(cp->ms, next->ms.nonce_policy == CP_NONCE_INCREASING
							    ? MS_NONCE_INCREASING
							    : MS_NONCE_UNIQUE);
	cp_ms_limits_apply(cp, next);	/* caps and expiries: at once */
	if (cp->mr) {
		mr = cp_mr_from_config(cp, next);
		if (mr) {
			map_resolver_set_pubsub(mr, cp->pubsub);
			/* Health of the Map-Servers that stay is kept. */
			map_resolver_carry_health(mr, cp->mr);
			map_resolver_free(cp->mr);
			cp->mr = mr;
		}
		if (cp_ddt_apply(cp, next, cp->cfg) < 0)
			log_error("reload: map-resolver.ddt: out of memory");
	}
	if (etr) {
		etr_free(cp->etr);
		cp->etr = etr;
		cp_agents_install_all(cp);	/* the new database has the file's only */
		etr_start(etr);
		if (cp->dp)	/* only what changed goes to the data plane */
			dp_push_db_load(cp->dp, next->etr.database, next->etr.mapping_count);
	}
	itr_apply(&r);
	if (ddt) {	/* the delegations, swapped whole */
		struct ddt_node_params p;

		cp_ddt_node_params_from_config(next, &p);
		ddt_node_reconfigure(cp->ddt, &p, ddt);
		cp_ddt_node_local_apply(cp);
	}
	if (cp_cats_apply(cp, next, &err) < 0)	/* CATS */
		log_error("reload: cats: %s", err.msg);
	cp_config_free(cp->cfg);
	cp->cfg = next;
	cp->c.reloads++;
	log_info("configuration reloaded from %s", cp->config_path);
	return 0;
fail:
	log_error("reload refused: %s", err.msg);
	site_table_free(sites);
	etr_free(etr);
	ddt_tree_free(ddt);
	cp_config_free(next);
	cp->c.reload_failures++;
	return -EINVAL;
}
