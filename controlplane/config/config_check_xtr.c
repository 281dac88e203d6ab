/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checks of the xTR sections: etr (database, Map-Servers), itr
 * (Map-Resolvers, map-cache, probing, PETRs, static entries), pitr, petr.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"
#include "dp_msg.h"
#include "lisp_msg.h"
#include "wire.h"

/* Bounds that catch typos (a timeout in ms written as seconds) without
 * ruling out a deliberate choice. */
#define TRIES_MAX		10
#define CACHE_MAX_ENTRIES	100000000u

static void chk_attributes(struct cfg_chk *c, char **out)
{
	struct cfg_path p = c->path;
	char msg[LISP_ERR_MSG_MAX];
	yaml_node_t *n;
	int rc;

	cfg_path_key(&p, "attributes");
	n = cfg_doc_node(c->doc, p.s);
	if (!n)
		return;
	rc = cfg_attr_from_node(c->doc, n, out, msg, sizeof(msg));
	if (rc == -ENOMEM)
		c->nomem = true;
	else if (rc < 0)
		cfg_chk_err(c, "attributes", "%s", msg);
}

static void chk_rlocs(struct cfg_chk *c, const char *key, const struct cfg_raw_rloc *v,
		      unsigned int n, struct cp_config_rloc **out, size_t *count)
{
	size_t mark = cfg_path_key(&c->path, key);
	struct cp_config_rloc *r = cfg_chk_calloc(c, n, sizeof(*r));

	/* A record's Locator Count is 8 bits (RFC 9301, section 5.4). */
	if (n > LISP_LOCATORS_MAX)
		cfg_chk_err(c, NULL, "at most %d RLOCs (a record's Locator Count is 8 bits), got %u",
			    LISP_LOCATORS_MAX, n);
	for (unsigned int i = 0; r && i < n; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		cfg_chk_addr(c, "address", v[i].address, &r[i].addr);
		r[i].priority = (uint8_t)cfg_chk_u32(c, "priority", v[i].priority,
						     CP_CONFIG_DEF_RLOC_PRIORITY, 0, 255);
		r[i].weight = (uint8_t)cfg_chk_u32(c, "weight", v[i].weight,
						   CP_CONFIG_DEF_RLOC_WEIGHT, 0, 255);
		chk_attributes(c, &r[i].attributes);
		for (unsigned int j = 0; j < i; j++) {
			if (r[i].addr.afi && lisp_addr_equal(&r[i].addr, &r[j].addr)) {
				cfg_chk_err(c, "address", "'%s' is listed twice (also entry %u)",
					    v[i].address, j);
				break;
			}
		}
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
	*out = r;
	*count = r ? n : 0;
}

/* Map-Servers (with keys) or Map-Resolvers (without). */
static void chk_servers(struct cfg_chk *c, const char *key, const struct cfg_raw_server *v,
			unsigned int n, bool keyed, struct cp_config_server **out, size_t *count)
{
	size_t mark = cfg_path_key(&c->path, key);
	struct cp_config_server *s = cfg_chk_calloc(c, n, sizeof(*s));

	if (n > CP_CONFIG_SERVERS_MAX)
		cfg_chk_err(c, NULL, "at most %d entries, got %u", CP_CONFIG_SERVERS_MAX, n);
	for (unsigned int i = 0; s && i < n; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		cfg_chk_addr(c, "address", v[i].address, &s[i].addr);
		s[i].port = cfg_chk_port(c, "port", v[i].port, CP_CONFIG_DEF_PORT);
		if (keyed)
			cfg_chk_auth(c, v[i].key_id, v[i].key, &s[i].key_id, &s[i].key);
		if (keyed)	/* etr.map-servers: the MS-OTK's wrapping key */
			cfg_chk_lisp_sec_key(c, "lisp-sec-key", v[i].lisp_sec_key,
					     &s[i].lisp_sec_key);
		if (v[i].eid_prefixes_count)
			cfg_chk_prefixes(c, "eid-prefixes", v[i].eid_prefixes,
					 v[i].eid_prefixes_count, &s[i].eids, &s[i].eid_count);
		for (unsigned int j = 0; j < i; j++) {
			if (s[i].addr.afi && lisp_addr_equal(&s[i].addr, &s[j].addr) &&
			    s[i].port == s[j].port) {
				cfg_chk_err(c, "address",
					    "'%s' port %u is listed twice (also entry %u)",
					    v[i].address, s[i].port, j);
				break;
			}
		}
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
	*out = s;
	*count = s ? n : 0;
}

/* The entry's record encoded as the start path encodes it (locators from
 * cp_config_rloc_locator, RFC 9301 section 5.4 layout): over max bytes it
 * would pass the check and then stop the start, so it is refused here. */
static void chk_record_size(struct cfg_chk *c, const struct cp_config_mapping *m, size_t max,
			    const char *holder)
{
	struct lisp_record rec = { .ttl = m->ttl_min, .mask_len = m->eid.plen,
				   .action = m->action, .loc_count = (uint8_t)m->rloc_count };
	size_t room = 64 + m->rloc_count * (CP_CONFIG_ATTR_MAX + 64);
	struct lisp_waddr *inners = cfg_chk_calloc(c, m->rloc_count + 1, sizeof(*inners));
	struct lisp_locator *locs = cfg_chk_calloc(c, m->rloc_count + 1, sizeof(*locs));
	uint8_t *buf = cfg_chk_calloc(c, room, 1);
	struct lisp_waddr eid_inner;
	struct lisp_err err;
	struct wire_wr w;

	if (!inners || !locs || !buf || !m->eid.addr.afi || m->rloc_count > LISP_LOCATORS_MAX)
		goto out;	/* out of memory, or reported already */
	for (size_t i = 0; i < m->rloc_count; i++)
		cp_config_rloc_locator(&m->rlocs[i], &locs[i], &inners[i]);
	rec.locs = locs;
	lisp_waddr_from_prefix(&rec.eid, &eid_inner, &m->eid);
	wire_wr_init(&w, buf, room);
	if (lisp_record_encode(&w, &rec, &err) == 0 && wire_wr_len(&w) > max)
		cfg_chk_err(c, "rlocs",
			    "the entry's record encodes to %zu bytes, and %s holds at most %zu: "
			    "fewer rlocs or shorter attributes",
			    wire_wr_len(&w), holder, max);
out:
	free(inners);
	free(locs);
	free(buf);
}

/* Database or static entries; an EID-prefix may appear once. */
static void chk_mappings(struct cfg_chk *c, const char *key, const struct cfg_raw_mapping *v,
			 unsigned int n, uint32_t def_ttl_min, bool is_static,
			 struct cp_config_mapping **out, size_t *count)
{
	size_t mark = cfg_path_key(&c->path, key);
	struct cp_config_mapping *m = cfg_chk_calloc(c, n, sizeof(*m));

	for (unsigned int i = 0; m && i < n; i++) {
		size_t pm = cfg_path_idx(&c->path, i);

		cfg_chk_prefix(c, "eid-prefix", v[i].eid_prefix, &m[i].eid);
		m[i].ttl_min = is_static ? 0 : cfg_chk_ttl(c, "ttl", v[i].ttl, def_ttl_min);
		m[i].action = v[i].action ? (uint8_t)*v[i].action : LISP_ACT_NO_ACTION;
		chk_rlocs(c, "rlocs", v[i].rlocs, v[i].rlocs_count, &m[i].rlocs, &m[i].rloc_count);
		if (is_static && m[i].action == LISP_ACT_NO_ACTION && !v[i].rlocs_count)
			cfg_chk_err(c, "rlocs",
				    "an encapsulate entry needs rlocs (or set action: "
				    "native-forward, send-map-request or drop)");
		else if (is_static && m[i].action != LISP_ACT_NO_ACTION && v[i].rlocs_count)
			cfg_chk_err(c, "rlocs", "a %s entry takes no rlocs",
				    cfg_strval_name(cfg_action_names, cfg_action_names_count,
						    m[i].action));
		if (!is_static)
			cfg_chk_db_ecdsa(c, &v[i], &m[i]);
		chk_record_size(c, &m[i], is_static ? CP_CONFIG_CACHE_RECORD_MAX
						    : CP_CONFIG_DB_RECORD_MAX,
				is_static ? "a map-cache entry" : "an ETR database entry");
		cfg_path_pop(&c->path, pm);
	}
	if (m)
		cfg_chk_prefix_dups(c, "eid-prefix", &m[0].eid, sizeof(m[0]), &v[0].eid_prefix,
				    sizeof(v[0]), n);
	cfg_path_pop(&c->path, mark);
	*out = m;
	*count = m ? n : 0;
}

/* A database entry the Map-Servers would refuse is a configuration error,
 * not a registration that fails every interval. */
static void chk_accepted(struct cfg_chk *c, const struct cp_config_etr *etr)
{
	size_t mark;

	if (!etr->accepted_eid_count || !etr->accepted_eids)
		return;
	mark = cfg_path_key(&c->path, "database");
	for (size_t i = 0; etr->database && i < etr->mapping_count; i++) {
		bool ok = false;
		char t[LISP_ADDR_STR_MAX];
		size_t m;

		const struct cp_config_mapping *d = &etr->database[i];
		const struct lisp_prefix *eid = &d->eid;

		for (size_t j = 0; j < etr->accepted_eid_count && !ok; j++)
			ok = lisp_prefix_covers(&etr->accepted_eids[j], eid);
		/* With ecdsa-key the ETR registers the hash-EID too (a DN:
		 * accepted-eids must list it itself). */
		if (ok && d->ecdsa_pub_json) {
			eid = &d->hash_eid;
			ok = false;
			for (size_t j = 0; j < etr->accepted_eid_count && !ok; j++)
				ok = lisp_prefix_covers(&etr->accepted_eids[j], eid);
		}
		if (ok)
			continue;
		m = cfg_path_idx(&c->path, i);
		lisp_prefix_format(eid, t, sizeof(t));
		cfg_chk_err(c, "eid-prefix", "%s is outside etr.accepted-eids (what the "
			    "Map-Servers' sites accept)", t);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

/* With etr.map-servers[].eid-prefixes, an entry no Map-Server takes would
 * never be registered. */
static bool server_takes(const struct cp_config_server *ms, const struct lisp_prefix *eid)
{
	for (size_t k = 0; k < ms->eid_count; k++)
		if (lisp_prefix_covers(&ms->eids[k], eid))
			return true;
	return false;
}

/* A Map-Server that takes a crypto-EID needs its hash-EID's public key
 * (docs/ecdsa.md): that Map-Server must take the hash-EID too. */
static void chk_sharded_hash_eid(struct cfg_chk *c, const struct cp_config_etr *etr, size_t i)
{
	const struct cp_config_mapping *d = &etr->database[i];
	char t[LISP_ADDR_STR_MAX];

	if (!d->ecdsa_pub_json)
		return;
	for (size_t j = 0; j < etr->map_server_count; j++) {
		size_t m;

		if (!server_takes(&etr->map_servers[j], &d->eid) ||
		    server_takes(&etr->map_servers[j], &d->hash_eid))
			continue;
		m = cfg_path_idx(&c->path, i);
		lisp_prefix_format(&d->hash_eid, t, sizeof(t));
		cfg_chk_err(c, "ecdsa-key", "etr.map-servers[%zu] takes this crypto-EID but not "
			    "its hash-EID %s (the key it needs): list that in its eid-prefixes",
			    j, t);
		cfg_path_pop(&c->path, m);
	}
}

static void chk_sharded(struct cfg_chk *c, const struct cp_config_etr *etr)
{
	size_t mark;

	if (!etr->map_servers || !etr->map_server_count)
		return;		/* refused elsewhere */
	for (size_t j = 0; j < etr->map_server_count; j++)
		if (!etr->map_servers[j].eid_count)
			return;		/* one takes everything */
	mark = cfg_path_key(&c->path, "database");
	for (size_t i = 0; etr->database && i < etr->mapping_count; i++) {
		bool ok = false;
		char t[LISP_ADDR_STR_MAX];
		size_t m;

		for (size_t j = 0; j < etr->map_server_count && !ok; j++)
			for (size_t k = 0; k < etr->map_servers[j].eid_count && !ok; k++)
				ok = lisp_prefix_covers(&etr->map_servers[j].eids[k],
							&etr->database[i].eid);
		if (ok) {
			chk_sharded_hash_eid(c, etr, i);
			continue;
		}
		m = cfg_path_idx(&c->path, i);
		lisp_prefix_format(&etr->database[i].eid, t, sizeof(t));
		cfg_chk_err(c, "eid-prefix", "%s is in no etr.map-servers[].eid-prefixes: it "
			    "would never be registered", t);
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

void cfg_chk_etr(struct cfg_chk *c, const struct cfg_raw_etr *r, struct cp_config_etr *etr)
{
	size_t mark = cfg_path_key(&c->path, "etr");

	etr->register_interval_ms = CP_CONFIG_DEF_REGISTER_INTERVAL_MS;
	etr->want_map_notify = true;
	etr->record_ttl_min = CP_CONFIG_DEF_RECORD_TTL_MIN;
	etr->reply_rate = CP_CONFIG_DEF_ETR_REPLY_RATE;
	etr->reply_burst = 2 * CP_CONFIG_DEF_ETR_REPLY_RATE;
	etr->probe_reply_ratio = CP_CONFIG_DEF_ETR_PROBE_RATIO;
	etr->smr_requesters = CP_CONFIG_DEF_ETR_SMR_REQUESTERS;
	if (r) {
		etr->present = true;
		etr->register_interval_ms =
			cfg_chk_duration(c, "register-interval", r->register_interval,
					 CP_CONFIG_DEF_REGISTER_INTERVAL_MS, 1000, 3600000);
		etr->want_map_notify = cfg_chk_bool(r->want_map_notify, true);
		etr->proxy_reply = cfg_chk_bool(r->proxy_reply, false);
		etr->record_ttl_min = cfg_chk_ttl(c, "record-ttl", r->record_ttl,
						  CP_CONFIG_DEF_RECORD_TTL_MIN);
		cfg_chk_bucket(c, "reply-rate-limit", r->reply_rate_limit,
			       CP_CONFIG_DEF_ETR_REPLY_RATE, &etr->reply_rate, &etr->reply_burst);
		etr->probe_reply_ratio = cfg_chk_u32(c, "probe-reply-ratio", r->probe_reply_ratio,
						     CP_CONFIG_DEF_ETR_PROBE_RATIO, 0, 64);
		etr->smr_requesters = cfg_chk_u32(c, "smr-requesters", r->smr_requesters,
						  CP_CONFIG_DEF_ETR_SMR_REQUESTERS, 1, 4096);
		chk_servers(c, "map-servers", r->map_servers, r->map_servers_count, true,
			    &etr->map_servers, &etr->map_server_count);
		chk_mappings(c, "database", r->database, r->database_count, etr->record_ttl_min,
			     false, &etr->database, &etr->mapping_count);
		if (r->accepted_eids_count)
			cfg_chk_prefixes(c, "accepted-eids", r->accepted_eids,
					 r->accepted_eids_count, &etr->accepted_eids,
					 &etr->accepted_eid_count);
		chk_accepted(c, etr);
		chk_sharded(c, etr);
	}
	cfg_path_pop(&c->path, mark);
}

static void chk_probe(struct cfg_chk *c, const struct cfg_raw_probe *r, struct cp_config_itr *itr)
{
	size_t mark = cfg_path_key(&c->path, "rloc-probing");

	itr->probe = cfg_chk_bool(r->enabled, false);
	itr->probe_interval_ms = cfg_chk_duration(c, "interval", r->interval,
						  CP_CONFIG_DEF_PROBE_INTERVAL_MS, 1000, 86400000);
	itr->probe_timeout_ms = cfg_chk_duration(c, "timeout", r->timeout,
						 CP_CONFIG_DEF_PROBE_TIMEOUT_MS, 10, 60000);
	itr->probe_tries = cfg_chk_u32(c, "tries", r->tries, CP_CONFIG_DEF_PROBE_TRIES, 1,
				       TRIES_MAX);
	itr->probe_max_pending = cfg_chk_u32(c, "max-pending", r->max_pending,
					     CP_CONFIG_DEF_ITR_PROBES, 1, 1000000);
	cfg_path_pop(&c->path, mark);
}

/* PETRs are read by the data plane alone (dp_push_encode.c): it takes the
 * address, priority and weight of at most DP_MSG_RLOCS_MAX of them, so
 * more, or attributes, would be parsed and never used. */
static void chk_petrs(struct cfg_chk *c, const struct cp_config_itr *itr)
{
	size_t mark = cfg_path_key(&c->path, "petrs");

	if (itr->petr_count > DP_MSG_RLOCS_MAX)
		cfg_chk_err(c, NULL, "at most %d PETRs (what the data plane holds for a mapping), "
			    "got %zu", DP_MSG_RLOCS_MAX, itr->petr_count);
	for (size_t i = 0; i < itr->petr_count; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		if (itr->petrs[i].attributes)
			cfg_chk_err(c, "attributes",
				    "not used, so refused: the data plane takes a PETR's address, "
				    "priority and weight only; remove it");
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

void cfg_chk_itr(struct cfg_chk *c, const struct cfg_raw_itr *r, struct cp_config_itr *itr)
{
	size_t mark = cfg_path_key(&c->path, "itr"), m;

	itr->request_timeout_ms = CP_CONFIG_DEF_REQ_TIMEOUT_MS;
	itr->request_tries = CP_CONFIG_DEF_REQ_TRIES;
	itr->cache_max_entries = CP_CONFIG_DEF_CACHE_MAX;
	itr->cache_refresh_ms = CP_CONFIG_DEF_CACHE_REFRESH_MS;
	itr->cache_negative = true;
	itr->smr = true;
	itr->smr_rate = CP_CONFIG_DEF_ITR_SMR_RATE;
	itr->smr_burst = 2 * CP_CONFIG_DEF_ITR_SMR_RATE;
	itr->probe_interval_ms = CP_CONFIG_DEF_PROBE_INTERVAL_MS;
	itr->probe_timeout_ms = CP_CONFIG_DEF_PROBE_TIMEOUT_MS;
	itr->probe_tries = CP_CONFIG_DEF_PROBE_TRIES;
	itr->request_max_pending = CP_CONFIG_DEF_ITR_PENDING;
	itr->probe_max_pending = CP_CONFIG_DEF_ITR_PROBES;
	if (!r)
		goto out;
	itr->present = true;
	chk_servers(c, "map-resolvers", r->map_resolvers, r->map_resolvers_count, false,
		    &itr->map_resolvers, &itr->map_resolver_count);
	if (r->map_request) {
		m = cfg_path_key(&c->path, "map-request");
		itr->request_timeout_ms = cfg_chk_duration(c, "timeout", r->map_request->timeout,
							   CP_CONFIG_DEF_REQ_TIMEOUT_MS, 10, 60000);
		itr->request_tries = cfg_chk_u32(c, "tries", r->map_request->tries,
						 CP_CONFIG_DEF_REQ_TRIES, 1, TRIES_MAX);
		itr->request_max_pending =
			cfg_chk_u32(c, "max-pending", r->map_request->max_pending,
				    CP_CONFIG_DEF_ITR_PENDING, 1, 1000000);
		cfg_path_pop(&c->path, m);
	}
	if (r->map_cache) {
		m = cfg_path_key(&c->path, "map-cache");
		itr->cache_max_entries = cfg_chk_u32(c, "max-entries", r->map_cache->max_entries,
						     CP_CONFIG_DEF_CACHE_MAX, 1, CACHE_MAX_ENTRIES);
		itr->cache_refresh_ms =
			cfg_chk_duration(c, "refresh-before", r->map_cache->refresh_before,
					 CP_CONFIG_DEF_CACHE_REFRESH_MS, 0, 86400000);
		itr->cache_negative = cfg_chk_bool(r->map_cache->negative_entries, true);
		cfg_path_pop(&c->path, m);
	}
	itr->smr = cfg_chk_bool(r->smr, true);
	cfg_chk_bucket(c, "smr-rate-limit", r->smr_rate_limit, CP_CONFIG_DEF_ITR_SMR_RATE,
		       &itr->smr_rate, &itr->smr_burst);
	itr->subscribe = cfg_chk_bool(r->subscribe, false);
	if (r->rloc_probing)
		chk_probe(c, r->rloc_probing, itr);
	chk_rlocs(c, "petrs", r->petrs, r->petrs_count, &itr->petrs, &itr->petr_count);
	chk_petrs(c, itr);
	chk_mappings(c, "static-map-cache", r->static_map_cache, r->static_map_cache_count, 0,
		     true, &itr->statics, &itr->static_count);
	cfg_chk_itr_ecdsa(c, r, itr);
	cfg_chk_itr_lisp_sec(c, r, itr);
out:
	cfg_path_pop(&c->path, mark);
}

/* A key no code reads yet is refused, never accepted and ignored: the
 * operator would believe it in force (docs/config.md, "Refused keys"). */
static void chk_unused_key(struct cfg_chk *c, const char *key, const char *why)
{
	struct cfg_path p = c->path;

	cfg_path_key(&p, key);
	if (cfg_doc_node(c->doc, p.s))
		cfg_chk_err(c, key, "not used yet, so refused: %s; remove it", why);
}

void cfg_chk_pitr(struct cfg_chk *c, const struct cfg_raw_pitr *r, struct cp_config_pitr *pitr)
{
	size_t mark = cfg_path_key(&c->path, "pitr");

	if (r) {
		pitr->present = true;
		chk_unused_key(c, "eid-prefixes",
			       "the pitr role resolves and encapsulates like an itr but does not "
			       "announce or attract any EID space yet");
	}
	cfg_path_pop(&c->path, mark);
}

void cfg_chk_petr(struct cfg_chk *c, const struct cfg_raw_petr *r, struct cp_config_petr *petr)
{
	size_t mark = cfg_path_key(&c->path, "petr");

	if (r) {
		petr->present = true;
		chk_unused_key(c, "instance-ids",
			       "the petr role has no decapsulation of its own yet, so nothing "
			       "would filter by Instance-ID");
	}
	cfg_path_pop(&c->path, mark);
}
