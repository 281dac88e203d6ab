/* SPDX-License-Identifier: BSD-3-Clause */
#include "cp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "agents.h"
#include "cp_priv.h"
#include "log.h"
#include "mapdb.h"

/* The configuration check refuses what does not fit these (config.h). */
_Static_assert(CP_CONFIG_LISTEN_MAX == CP_SOCKS_MAX, "listen.addresses");
_Static_assert(CP_CONFIG_ITR_RLOCS_MAX == ITR_RLOCS_MAX, "ITR-RLOCs");
_Static_assert(CP_CONFIG_DB_RECORD_MAX == ETR_RECORD_MAX, "ETR database record");
_Static_assert(CP_CONFIG_CACHE_RECORD_MAX == MAPCACHE_RECORD_MAX, "map-cache record");
_Static_assert(CP_CONFIG_SITE_EIDS_MAX == CP_SITE_EIDS_MAX, "site EID-prefixes");
_Static_assert(CP_CONFIG_CRYPTO_PREFIXES_MAX == SITE_CRYPTO_PREFIXES_MAX, "crypto prefixes");
_Static_assert((int)CP_SITE_AUTH_ECDSA == (int)SITE_AUTH_ECDSA &&
		       (int)CP_SITE_AUTH_BOTH == (int)SITE_AUTH_BOTH,
	       "site auth modes");
_Static_assert(CP_CONFIG_SERVERS_MAX == CP_SERVERS_MAX, "Map-Servers");
/* The ITR checks pub/sub notifies with every etr.map-servers key. */
_Static_assert(CP_CONFIG_SERVERS_MAX <= ITR_KEYS_MAX, "pub/sub keys");

/* ---- roles from the configuration --------------------------------------- */

struct site_table *cp_sites_from_config(const struct cp_config *cfg, struct lisp_err *err)
{
	struct site_table *t = site_table_new();

	if (!t) {
		lisp_err_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < cfg->ms.site_count; i++) {
		const struct cp_config_site *c = &cfg->ms.sites[i];
		struct site_eid eids[CP_SITE_EIDS_MAX];
		struct site s = { .alg_id = c->key_id, .allow_shared = c->allow_shared };
		size_t n = c->eid_count < CP_SITE_EIDS_MAX ? c->eid_count : CP_SITE_EIDS_MAX;
		int rc;

		snprintf(s.name, sizeof(s.name), "%s", c->name);
		/* enum cp_site_auth and enum site_auth agree (config.h). */
		s.auth = (uint8_t)c->auth;
		s.crypto_prefix_count = c->crypto_prefix_count < SITE_CRYPTO_PREFIXES_MAX
						? c->crypto_prefix_count
						: SITE_CRYPTO_PREFIXES_MAX;
		if (s.crypto_prefix_count)	/* none: the list may be NULL */
			memcpy(s.crypto_prefixes, c->crypto_prefixes,
			       s.crypto_prefix_count * sizeof(*s.crypto_prefixes));
		s.lisp_sec = (uint8_t)c->lisp_sec;	/* the enums agree (config.h) */
		s.lisp_sec_aes = c->lisp_sec_key.aes;
		memcpy(s.lisp_sec_key, c->lisp_sec_key.key, sizeof(s.lisp_sec_key));
		s.key_len = strlen(c->key) < SITE_KEY_MAX ? strlen(c->key) : SITE_KEY_MAX;
		memcpy(s.key, c->key, s.key_len);
		for (size_t j = 0; j < n; j++)
			eids[j] = (struct site_eid){ c->eids[j], c->accept_more_specifics };
		s.eids = eids;
		s.eid_count = n;
		rc = site_table_add(t, &s);
		if (rc < 0) {
			lisp_err_set(err, -rc, "site %s: %s", c->name,
				     rc == -EEXIST ? "its EID prefixes overlap another site's"
						   : "cannot be added");
			site_table_free(t);
			return NULL;
		}
	}
	return t;
}

/* The hash-EID mapping of a crypto-EID: its public key for the Map-Server
 * (draft-ietf-lisp-ecdsa-auth, "Hash-EID Mapping Entry"). */
static int etr_db_set_hash_eid(struct etr *etr, const struct cp_config_mapping *m,
			       struct lisp_err *err)
{
	struct lisp_record rec = { .ttl = m->ttl_min, .loc_count = 1 };
	struct lisp_waddr inner;
	struct lisp_locator loc;

	lisp_locator_json(&loc, m->ecdsa_pub_json);
	lisp_waddr_from_prefix(&rec.eid, &inner, &m->hash_eid);
	rec.locs = &loc;
	return etr_db_set(etr, &rec, err);
}

static int etr_load_database(struct etr *etr, const struct cp_config *cfg, struct lisp_err *err)
{
	for (size_t i = 0; i < cfg->etr.mapping_count; i++) {
		const struct cp_config_mapping *m = &cfg->etr.database[i];
		struct lisp_locator locs[LISP_LOCATORS_MAX + 1];
		struct lisp_waddr inners[LISP_LOCATORS_MAX], eid_inner;
		struct lisp_record rec = { .ttl = m->ttl_min, .mask_len = m->eid.plen };
		size_t n = m->rloc_count < LISP_LOCATORS_MAX ? m->rloc_count : LISP_LOCATORS_MAX;
		int rc;

		for (size_t j = 0; j < n; j++)
			cp_config_rloc_locator(&m->rlocs[j], &locs[j], &inners[j]);
		if (m->ecdsa_sig_json)	/* etr.database[].ecdsa-key */
			lisp_locator_json(&locs[n++], m->ecdsa_sig_json);
		lisp_waddr_from_prefix(&rec.eid, &eid_inner, &m->eid);
		rec.loc_count = (uint8_t)n;
		rec.locs = locs;
		rc = etr_db_set(etr, &rec, err);
		if (rc == 0 && m->ecdsa_pub_json)
			rc = etr_db_set_hash_eid(etr, m, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

struct etr *cp_etr_from_config(struct cp *cp, const struct cp_config *cfg,
				   struct lisp_err *err)
{
	struct etr_map_server servers[CP_SERVERS_MAX];
	size_t n = cfg->etr.map_server_count < CP_SERVERS_MAX ? cfg->etr.map_server_count
							      : CP_SERVERS_MAX;
	struct etr_params p;
	struct etr *etr;

	etr_params_default(&p);
	p.register_interval_ms = cfg->etr.register_interval_ms;
	p.want_notify = cfg->etr.want_map_notify;
	p.proxy_reply = cfg->etr.proxy_reply;
	p.reply_rate = cfg->etr.reply_rate;
	p.reply_burst = cfg->etr.reply_burst;
	p.probe_reply_ratio = cfg->etr.probe_reply_ratio;
	p.smr_requesters = cfg->etr.smr_requesters;
	p.xtr_id_present = true;
	memcpy(p.xtr_id, cfg->xtr_id, LISP_XTR_ID_LEN);
	p.site_id = cfg->site_id;
	p.accepted = cfg->etr.accepted_eids;
	p.accepted_count = cfg->etr.accepted_eid_count;
	for (size_t i = 0; i < n; i++) {
		const struct cp_config_server *s = &cfg->etr.map_servers[i];

		memset(&servers[i], 0, sizeof(servers[i]));
		servers[i].addr = s->addr;
		servers[i].port = s->port;
		servers[i].alg_id = s->key_id;
		servers[i].key_len = strlen(s->key) < ETR_KEY_MAX ? strlen(s->key) : ETR_KEY_MAX;
		memcpy(servers[i].key, s->key, servers[i].key_len);
		servers[i].eids = s->eids;
		servers[i].eid_count = s->eid_count;
		servers[i].lisp_sec = s->lisp_sec_key.set;
		servers[i].lisp_sec_aes = s->lisp_sec_key.aes;
		memcpy(servers[i].lisp_sec_key, s->lisp_sec_key.key, sizeof(s->lisp_sec_key.key));
	}
	etr = etr_new(cp->loop, &p, servers, n, cp_send, cp);
	if (!etr) {
		lisp_err_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (etr_load_database(etr, cfg, err) < 0) {
		etr_free(etr);
		return NULL;
	}
	return etr;
}

/* What the Map-Resolver (and Map-Server) hands to this process's ETR. */
static bool local_etr_serves(void *arg, const struct lisp_prefix *eid)
{
	struct cp *cp = arg;

	return cp->etr && mapdb_longest(etr_db(cp->etr), eid, NULL);
}

/* Our ETR registers with this process's xTR-ID and site-ID. */
static bool local_is_self(void *arg, const struct reg_who *who)
{
	struct cp *cp = arg;

	return cp->etr && who->has_xtr_id && who->site_id == cp->cfg->site_id &&
	       memcmp(who->xtr_id, cp->cfg->xtr_id, LISP_XTR_ID_LEN) == 0;
}

static bool local_is_self_addr(void *arg, const struct lisp_addr *addr)
{
	struct cp *cp = arg;

	for (size_t i = 0; i < cp->cfg->listen_count; i++)
		if (lisp_addr_equal(&cp->cfg->listen[i], addr))
			return true;
	return false;
}

static void local_etr_input(void *arg, const uint8_t *ecm, size_t len)
{
	struct cp *cp = arg;
	struct lisp_addr self = { .afi = LISP_AFI_NONE };

	if (cp->etr)
		etr_input(cp->etr, ecm, len, &self, LISP_CONTROL_PORT);
}

/* map-resolver.health-interval / health-misses (mr_health.h): the probes'
 * ITR-RLOCs are the first specific listen address of each family. */
static int cp_mr_health_from_config(struct map_resolver *mr, const struct cp_config *cfg)
{
	struct mr_health_params p = { .interval_ms = cfg->mr.health_interval_ms,
				      .misses = cfg->mr.health_misses };

	struct lisp_addr any4, any6;

	lisp_addr_parse("0.0.0.0", &any4, NULL);
	lisp_addr_parse("::", &any6, NULL);
	for (size_t i = 0; i < cfg->listen_count; i++) {
		const struct lisp_addr *a = &cfg->listen[i];
		bool v6 = a->afi == LISP_AFI_IPV6;
		struct lisp_addr *self = v6 ? &p.self6 : &p.self4;

		if (self->afi == LISP_AFI_NONE || lisp_addr_equal(self, v6 ? &any6 : &any4))
			*self = *a;
	}
	return map_resolver_set_health(mr, &p);
}

/* The Map-Resolver role, or a Map-Server's answers to ECMs sent to it
 * (RFC 9301, 8.2): the same logic, from cfg's map-resolver section. */
struct map_resolver *cp_mr_from_config(struct cp *cp, const struct cp_config *cfg)
{
	const struct mr_local local = {
		.arg = cp,
		.etr_serves = local_etr_serves,
		.is_self = local_is_self,
		.is_self_addr = local_is_self_addr,
		.etr_input = local_etr_input,
	};
	struct map_resolver *mr;
	struct mr_params p;

	map_resolver_params_default(&p);
	p.negative_ttl_min = cfg->mr.negative_ttl_min;
	p.unregistered_ttl_min = cfg->mr.negative_ttl_unregistered_min;
	p.rate = cfg->mr.rate_limit;
	p.burst = cfg->mr.rate_burst;
	p.rate_sources = cfg->mr.rate_sources;
	p.smr_requesters = cfg->mr.smr_requesters;
	p.global_rate = cfg->mr.global_rate;
	p.global_burst = cfg->mr.global_burst;
	p.verified_rate = cfg->mr.verified_rate;
	p.verified_burst = cfg->mr.verified_burst;
	p.trusted_itrs = cfg->mr.trusted_itrs;
	p.trusted_itr_count = cfg->mr.trusted_itr_count;
	p.next_hops_max = cfg->mr.forward_next_hops;
	p.ecdsa.mode = cfg->mr.signed_requests;	/* enum cp_signed_requests = mr_signed_mode */
	p.ecdsa.verify_rate = cfg->mr.signed_verify_rate;
	p.ecdsa.verify_burst = cfg->mr.signed_verify_burst;
	p.ecdsa.signer_rate = cfg->mr.signed_verify_per_signer;
	p.lisp_sec = cfg->mr.lisp_sec_key.set;
	p.lisp_sec_aes = cfg->mr.lisp_sec_key.aes;
	memcpy(p.lisp_sec_key, cfg->mr.lisp_sec_key.key, sizeof(p.lisp_sec_key));
	mr = map_resolver_new(cp->loop, &p, cp->ms, cp->sites, cp_send, cp);
	if (!mr)
		return NULL;
	map_resolver_set_local(mr, &local);
	for (size_t i = 0; i < cfg->mr.forward_count; i++) {
		const struct cp_config_forward *f = &cfg->mr.forwards[i];

		for (size_t j = 0; j < f->eid_count; j++)
			if (map_resolver_add_delegation(mr, &f->eids[j], &f->addr, f->port) < 0) {
				map_resolver_free(mr);
				return NULL;
			}
	}
	map_resolver_set_ddt_peers(mr, cfg->ms.ddt_peers, cfg->ms.ddt_peer_count);
	if (cp_mr_health_from_config(mr, cfg) < 0) {
		map_resolver_free(mr);
		return NULL;
	}
	return mr;
}

/* The agents store, on an ETR: loaded once (its state file outlives
 * reloads; pools and the file change with a restart). */
static int agents_start(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err)
{
	struct agent_store_params p = {
		.pools = cfg->agents.pools,
		.pool_count = cfg->agents.pool_count,
		.spaces = cfg->agents.spaces,
		.space_count = cfg->agents.space_count,
		.max = cfg->agents.max,
		.state_file = cfg->agents.state_file,
	};

	if (!cp->etr)
		return 0;
	cp->agents = agent_store_new(&p, err);
	if (!cp->agents)
		return lisp_err_prefix(err, -EINVAL, "agents");
	cp_agents_install_all(cp);
	return 0;
}

/* ---- I/O ----------------------------------------------------------------- */

void cp_send(void *arg, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
	     size_t len)
{
	struct cp *cp = arg;

	for (size_t i = 0; i < cp->sock_count; i++)
		if (udp_io_afi(cp->socks[i]) == dst->afi) {
			if (udp_io_send(cp->socks[i], dst, port, msg, len) == 0 && len)
				cp->c.tx[msg[0] >> 4]++;
			return;
		}
	cp->c.tx_no_socket++;
}

/* Every datagram on 4342 goes to the role that handles its type. */
static void cp_rx(void *arg, const struct udp_pkt *pkt)
{
	struct cp *cp = arg;
	uint8_t type;

	if (pkt->len == 0) {
		cp->c.rx_unroutable++;
		return;
	}
	type = pkt->data[0] >> 4;
	cp->c.rx[type]++;
	switch (type) {
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY_ACK:
		if (cp->ms) {
			map_server_input(cp->ms, pkt->data, pkt->len, &pkt->src, pkt->src_port);
			return;
		}
		break;
	case LISP_ECM:
		/* A DDT node takes the DDT-originated ones (cp_ddt_node.c). */
		if (cp->ddt && ddt_node_input(cp->ddt, pkt->data, pkt->len, &pkt->src,
					      pkt->src_port))
			return;
		/* A Map-Resolver takes ECMs from ITRs; an ETR without one gets
		 * the Map-Requests its Map-Server forwards. */
		if (cp->mr) {
			map_resolver_input(cp->mr, pkt->data, pkt->len, &pkt->src, pkt->src_port);
			return;
		}
		if (cp->etr) {
			etr_input(cp->etr, pkt->data, pkt->len, &pkt->src, pkt->src_port);
			return;
		}
		break;
	case LISP_MAP_REFERRAL:
		/* RFC 8111: answers to our DDT Map-Requests, then to the
		 * Map-Resolver's health probes (mr_health.h). */
		if (cp->ddt_mr &&
		    ddt_mr_input(cp->ddt_mr, pkt->data, pkt->len, &pkt->src, pkt->src_port))
			return;
		if (cp->mr && map_resolver_referral_input(cp->mr, pkt->data, pkt->len, &pkt->src,
							  pkt->src_port))
			return;
		break;
	case LISP_MAP_REPLY:
		if (cp->itr && itr_input(cp->itr, pkt->data, pkt->len, &pkt->src, pkt->src_port))
			return;
		break;
	case LISP_MAP_REQUEST:
	case LISP_MAP_NOTIFY:
		/* The ITR claims SMRs and its subscriptions' notifies; the
		 * rest (probes, registration acknowledgements) is the ETR's. */
		if (cp->itr && itr_input(cp->itr, pkt->data, pkt->len, &pkt->src, pkt->src_port))
			return;
		if (cp->etr) {
			etr_input(cp->etr, pkt->data, pkt->len, &pkt->src, pkt->src_port);
			return;
		}
		break;
	default:
		break;
	}
	cp->c.rx_unroutable++;
}

static int open_sockets(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err)
{
	for (size_t i = 0; i < cfg->listen_count && cp->sock_count < CP_SOCKS_MAX; i++) {
		struct udp_io *io = udp_io_open(cp->loop, &cfg->listen[i], cfg->listen_port, cp_rx,
						cp, err);
		char a[LISP_ADDR_STR_MAX];

		lisp_addr_format(&cfg->listen[i], a, sizeof(a));
		if (!io)
			return lisp_err_prefix(err, -EADDRNOTAVAIL, "listen %s port %u", a,
					       cfg->listen_port);
		cp->socks[cp->sock_count++] = io;
		log_info("listening on %s port %u", a, udp_io_local_port(io));
	}
	return 0;
}

/* ---- life cycle ----------------------------------------------------------- */

static void cp_roles_free(struct cp *cp)
{
	cp_cats_stop(cp);	/* CATS: its metric agent feeds the ETR */
	dp_push_free(cp->dp);	/* first: it observes the ITR's map-cache */
	cp->dp = NULL;
	itr_free(cp->itr);
	cp->itr = NULL;
	cp->itr_ops = NULL;
	etr_free(cp->etr);
	ddt_node_free(cp->ddt);
	cp->ddt = NULL;
	cp_ddt_stop(cp);
	map_resolver_free(cp->mr);
	pubsub_free(cp->pubsub);
	map_server_free(cp->ms);
	site_table_free(cp->sites);
	cp->etr = NULL;
	cp->mr = NULL;
	cp->pubsub = NULL;
	cp->ms = NULL;
	cp->sites = NULL;
}

void cp_ms_limits_apply(struct cp *cp, const struct cp_config *cfg)
{
	struct ms_params p;

	p.max_registrants = cfg->ms.max_registrants;
	p.max_registrants_per_site = cfg->ms.max_registrants_per_site;
	p.registrant_hold_ms = cfg->ms.registrant_hold_ms;
	p.max_pending_notifies = cfg->ms.max_pending_notifies;
	if (cp->ms)
		map_server_set_limits(cp->ms, &p);
	if (cp->pubsub)
		pubsub_set_limits(cp->pubsub, &(struct pubsub_limits){
			.max_subscriptions = cfg->ms.pubsub_max_subscriptions,
			.max_per_xtr = cfg->ms.pubsub_max_per_xtr,
			.lifetime_ms = cfg->ms.pubsub_lifetime_ms,
		});
}

static int cp_roles_build(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err)
{
	if (cfg->roles & (CP_ROLE_MAP_SERVER | CP_ROLE_MAP_RESOLVER)) {
		cp->sites = cp_sites_from_config(cfg, err);
		if (!cp->sites)
			return -EINVAL;
	}
	if (cfg->roles & CP_ROLE_MAP_SERVER) {
		struct ms_params p;

		map_server_params_default(&p);
		p.registration_lifetime_ms = cfg->ms.registration_timeout_ms;
		p.nonce_policy = cfg->ms.nonce_policy == CP_NONCE_INCREASING ? MS_NONCE_INCREASING
									     : MS_NONCE_UNIQUE;
		cp->ms = map_server_new(cp->loop, cp->sites, &p, cp_send, cp);
		if (!cp->ms)
			return lisp_err_set(err, ENOMEM, "out of memory");
		if (cfg->ms.pubsub && !(cp->pubsub = pubsub_new(cp->ms)))
			return lisp_err_set(err, ENOMEM, "out of memory");
		cp_ms_limits_apply(cp, cfg);
	}
	if (cfg->roles & (CP_ROLE_MAP_SERVER | CP_ROLE_MAP_RESOLVER)) {
		cp->mr = cp_mr_from_config(cp, cfg);
		if (!cp->mr)
			return lisp_err_set(err, ENOMEM, "out of memory");
		map_resolver_set_pubsub(cp->mr, cp->pubsub);
		if (cp_ddt_apply(cp, cfg, NULL) < 0)
			return lisp_err_set(err, ENOMEM, "out of memory");
	}
	if (cfg->roles & CP_ROLE_ETR) {
		cp->etr = cp_etr_from_config(cp, cfg, err);
		if (!cp->etr)
			return -EINVAL;
	}
	if (cfg->roles & (CP_ROLE_ITR | CP_ROLE_PITR)) {
		cp->itr = cp_itr_from_config(cp, cfg, err);
		if (!cp->itr)
			return -EINVAL;
	}
	if (cp_ddt_node_start(cp, cfg, err) < 0)
		return -EINVAL;
	if (cfg->dataplane.socket) {
		struct dp_push_params p;

		dp_push_params_default(&p);
		p.socket_path = cfg->dataplane.socket;
		if (cfg->roles & (CP_ROLE_ITR | CP_ROLE_PITR)) {
			p.petrs = cfg->itr.petrs;
			p.petr_count = cfg->itr.petr_count;
		}
		cp->dp = dp_push_new(cp->loop, &p, cp->itr);
		if (!cp->dp)
			return lisp_err_set(err, ENOMEM, "out of memory");
		if (cfg->roles & CP_ROLE_ETR)
			dp_push_db_load(cp->dp, cfg->etr.database, cfg->etr.mapping_count);
	}
	return 0;
}

int cp_start(struct cp *cp, struct evloop *loop, const char *config_path,
	     struct cp_config *cfg, struct lisp_err *err)
{
	int rc;

	memset(cp, 0, sizeof(*cp));
	cp->loop = loop;
	cp->config_path = strdup(config_path);
	cp->cfg = cfg;
	cp->started_ms = evloop_now_update(loop);
	if (!cfg->xtr_id_set) {
		/* One identity per run: RFC 9301 lets an xTR pick it. */
		while (getrandom(cfg->xtr_id, sizeof(cfg->xtr_id), 0) != sizeof(cfg->xtr_id))
			;
	}
	rc = open_sockets(cp, cfg, err);
	if (rc == 0)
		rc = cp_roles_build(cp, cfg, err);
	if (rc == 0)
		rc = agents_start(cp, cfg, err);
	if (rc == 0)
		rc = cp_cats_apply(cp, cfg, err);	/* CATS */
	if (rc < 0) {
		cp_stop(cp);
		return rc;
	}
	if (cp->etr)
		etr_start(cp->etr);
	if ((cfg->roles & CP_ROLE_PETR) && !(cfg->roles & ~CP_ROLE_PETR))
		log_warn("role petr: lispgw-cp has no Proxy-ETR function yet (decapsulation is "
			 "lispgw-dp's); with no other role it only opens the control sockets");
	return 0;
}

void cp_stop(struct cp *cp)
{
	cp_roles_free(cp);
	agent_store_free(cp->agents);
	cp->agents = NULL;
	for (size_t i = 0; i < cp->sock_count; i++)
		udp_io_close(cp->socks[i]);
	cp->sock_count = 0;
	cp_config_free(cp->cfg);
	cp->cfg = NULL;
	free(cp->config_path);
	cp->config_path = NULL;
}
