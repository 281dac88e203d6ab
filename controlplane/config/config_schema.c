/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The libcyaml schema of the config file: the single description of which
 * keys exist, their types and which are required.  libcyaml loads with it,
 * and config_doc.c walks the libyaml node tree against the same tables to
 * report every schema error with its line (libcyaml stops at the first).
 *
 * Values whose text needs our parsers (addresses, prefixes, durations) are
 * strings here; config_check.c turns them into struct cp_config.  Numbers
 * are 32-bit so that an out-of-range value reaches the checks, which name
 * the allowed range, instead of failing as a bare "invalid value".
 */
#include <stddef.h>
#include <syslog.h>

#include "config_priv.h"
#include "lisp_msg.h"

#define OPT	CYAML_FLAG_OPTIONAL
/* Sequences are arrays the loader allocates. */
#define SEQ	(CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)
/* Enums take only their names, not numbers.  (For booleans the flag does
 * nothing in libcyaml 1.3, which reads "maybe" as true: config_doc.c lets
 * only true and false through.) */
#define STRICT	(CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT)

const cyaml_strval_t cfg_role_names[] = {
	{ "map-server", CP_ROLE_MAP_SERVER },
	{ "map-resolver", CP_ROLE_MAP_RESOLVER },
	{ "itr", CP_ROLE_ITR },
	{ "etr", CP_ROLE_ETR },
	{ "xtr", CP_ROLE_XTR },
	{ "pitr", CP_ROLE_PITR },
	{ "petr", CP_ROLE_PETR },
	{ "ddt-node", CP_ROLE_DDT_NODE },
};
const size_t cfg_role_names_count = CYAML_ARRAY_LEN(cfg_role_names);

/* The levels log.h has; syslog numbers keep this module free of it.  The
 * first name of a value is the one printed. */
const cyaml_strval_t cfg_log_level_names[] = {
	{ "error", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "warn", LOG_WARNING },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};
const size_t cfg_log_level_names_count = CYAML_ARRAY_LEN(cfg_log_level_names);

/* Static map-cache actions (RFC 9301 5.4 ACT); "encapsulate" is a positive
 * entry with RLOCs. */
const cyaml_strval_t cfg_action_names[] = {
	{ "encapsulate", LISP_ACT_NO_ACTION },
	{ "native-forward", LISP_ACT_NATIVE_FORWARD },
	{ "send-map-request", LISP_ACT_SEND_MAP_REQUEST },
	{ "drop", LISP_ACT_DROP },
};
const size_t cfg_action_names_count = CYAML_ARRAY_LEN(cfg_action_names);

/* map-server.nonce-policy (map_server.h, enum ms_nonce_policy). */
const cyaml_strval_t cfg_nonce_policy_names[] = {
	{ "unique", CP_NONCE_UNIQUE },
	{ "increasing", CP_NONCE_INCREASING },
};
const size_t cfg_nonce_policy_names_count = CYAML_ARRAY_LEN(cfg_nonce_policy_names);

/* map-resolver.signed-requests (mr_ecdsa.h). */
const cyaml_strval_t cfg_signed_request_names[] = {
	{ "off", CP_SIGNED_OFF },
	{ "optional", CP_SIGNED_OPTIONAL },
	{ "required", CP_SIGNED_REQUIRED },
};
const size_t cfg_signed_request_names_count = CYAML_ARRAY_LEN(cfg_signed_request_names);

/* map-server.sites[].auth (site.h, enum site_auth). */
const cyaml_strval_t cfg_site_auth_names[] = {
	{ "hmac", CP_SITE_AUTH_HMAC },
	{ "ecdsa", CP_SITE_AUTH_ECDSA },
	{ "both", CP_SITE_AUTH_BOTH },
};
const size_t cfg_site_auth_names_count = CYAML_ARRAY_LEN(cfg_site_auth_names);

const char *cfg_strval_name(const cyaml_strval_t *v, size_t n, int64_t val)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].val == val)
			return v[i].str;
	return NULL;
}

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_value_t uint_entry = {
	CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, uint32_t),
};

/* etr.map-servers[] */
static const cyaml_schema_field_t map_server_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct cfg_raw_server, address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("port", OPT, struct cfg_raw_server, port),
	CYAML_FIELD_UINT_PTR("key-id", OPT, struct cfg_raw_server, key_id),
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct cfg_raw_server, key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("eid-prefixes", SEQ, struct cfg_raw_server, eid_prefixes,
			     &string_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("lisp-sec-key", OPT, struct cfg_raw_server, lisp_sec_key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t map_server_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_server, map_server_fields),
};

/* itr.map-resolvers[]: the same struct, no key. */
static const cyaml_schema_field_t map_resolver_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct cfg_raw_server, address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("port", OPT, struct cfg_raw_server, port),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t map_resolver_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_server, map_resolver_fields),
};

static const cyaml_schema_field_t forward_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER | OPT, struct cfg_raw_forward,
			       address, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("addresses", SEQ, struct cfg_raw_forward, addresses, &string_entry,
			     1, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("port", OPT, struct cfg_raw_forward, port),
	CYAML_FIELD_SEQUENCE("eid-prefixes", CYAML_FLAG_POINTER, struct cfg_raw_forward,
			     eid_prefixes, &string_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t forward_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_forward, forward_fields),
};

static const cyaml_schema_field_t rloc_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct cfg_raw_rloc, address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("priority", OPT, struct cfg_raw_rloc, priority),
	CYAML_FIELD_UINT_PTR("weight", OPT, struct cfg_raw_rloc, weight),
	/* Free-form JSON: no schema can type it, config_doc.c reads it. */
	CYAML_FIELD_IGNORE("attributes", OPT),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t rloc_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_rloc, rloc_fields),
};

/* etr.database[] */
static const cyaml_schema_field_t db_mapping_fields[] = {
	CYAML_FIELD_STRING_PTR("eid-prefix", CYAML_FLAG_POINTER, struct cfg_raw_mapping,
			       eid_prefix, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ttl", OPT, struct cfg_raw_mapping, ttl, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ecdsa-key", OPT, struct cfg_raw_mapping, ecdsa_key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("crypto-eid-prefix", OPT, struct cfg_raw_mapping,
			       crypto_eid_prefix, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("rlocs", CYAML_FLAG_POINTER, struct cfg_raw_mapping, rlocs,
			     &rloc_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t db_mapping_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_mapping, db_mapping_fields),
};

/* itr.static-map-cache[]: negative entries have an action and no RLOCs;
 * no TTL, static entries never expire. */
static const cyaml_schema_field_t static_mapping_fields[] = {
	CYAML_FIELD_STRING_PTR("eid-prefix", CYAML_FLAG_POINTER, struct cfg_raw_mapping,
			       eid_prefix, 0, CYAML_UNLIMITED),
	CYAML_FIELD_ENUM_PTR("action", STRICT, struct cfg_raw_mapping, action, cfg_action_names,
			     CYAML_ARRAY_LEN(cfg_action_names)),
	CYAML_FIELD_SEQUENCE("rlocs", SEQ, struct cfg_raw_mapping, rlocs, &rloc_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t static_mapping_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_mapping, static_mapping_fields),
};

static const cyaml_schema_field_t site_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct cfg_raw_site, name, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("key-id", OPT, struct cfg_raw_site, key_id),
	CYAML_FIELD_STRING_PTR("key", CYAML_FLAG_POINTER, struct cfg_raw_site, key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_BOOL_PTR("accept-more-specifics", STRICT, struct cfg_raw_site,
			     accept_more_specifics),
	CYAML_FIELD_BOOL_PTR("allow-shared-eids", STRICT, struct cfg_raw_site,
			     allow_shared_eids),
	CYAML_FIELD_SEQUENCE("eid-prefixes", CYAML_FLAG_POINTER, struct cfg_raw_site,
			     eid_prefixes, &string_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_ENUM_PTR("auth", STRICT, struct cfg_raw_site, auth, cfg_site_auth_names,
			     CYAML_ARRAY_LEN(cfg_site_auth_names)),
	CYAML_FIELD_SEQUENCE("crypto-eid-prefixes", SEQ, struct cfg_raw_site,
			     crypto_eid_prefixes, &string_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_ENUM_PTR("lisp-sec", STRICT, struct cfg_raw_site, lisp_sec,
			     cfg_site_lisp_sec_names, 3),
	CYAML_FIELD_STRING_PTR("lisp-sec-key", OPT, struct cfg_raw_site, lisp_sec_key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t site_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_site, site_fields),
};

static const cyaml_schema_field_t ms_fields[] = {
	CYAML_FIELD_STRING_PTR("registration-timeout", OPT, struct cfg_raw_map_server,
			       registration_timeout, 0, CYAML_UNLIMITED),
	CYAML_FIELD_BOOL_PTR("pubsub", STRICT, struct cfg_raw_map_server, pubsub),
	CYAML_FIELD_ENUM_PTR("nonce-policy", STRICT, struct cfg_raw_map_server, nonce_policy,
			     cfg_nonce_policy_names, CYAML_ARRAY_LEN(cfg_nonce_policy_names)),
	CYAML_FIELD_UINT_PTR("max-registrants", OPT, struct cfg_raw_map_server, max_registrants),
	CYAML_FIELD_UINT_PTR("max-registrants-per-site", OPT, struct cfg_raw_map_server,
			     max_registrants_per_site),
	CYAML_FIELD_STRING_PTR("registrant-hold", OPT, struct cfg_raw_map_server,
			       registrant_hold, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("max-pending-notifies", OPT, struct cfg_raw_map_server,
			     max_pending_notifies),
	CYAML_FIELD_UINT_PTR("pubsub-max-subscriptions", OPT, struct cfg_raw_map_server,
			     pubsub_max_subscriptions),
	CYAML_FIELD_UINT_PTR("pubsub-max-per-xtr", OPT, struct cfg_raw_map_server,
			     pubsub_max_per_xtr),
	CYAML_FIELD_STRING_PTR("pubsub-lifetime", OPT, struct cfg_raw_map_server,
			       pubsub_lifetime, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("ddt-peers", SEQ, struct cfg_raw_map_server, ddt_peers,
			     &string_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("sites", SEQ, struct cfg_raw_map_server, sites, &site_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t rate_fields[] = {
	CYAML_FIELD_UINT_PTR("requests-per-second", OPT, struct cfg_raw_rate,
			     requests_per_second),
	CYAML_FIELD_UINT_PTR("burst", OPT, struct cfg_raw_rate, burst),
	CYAML_FIELD_UINT_PTR("sources", OPT, struct cfg_raw_rate, sources),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t bucket_fields[] = {
	CYAML_FIELD_UINT_PTR("per-second", OPT, struct cfg_raw_bucket, per_second),
	CYAML_FIELD_UINT_PTR("burst", OPT, struct cfg_raw_bucket, burst),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t ddt_root_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct cfg_raw_ddt_root, address,
			       0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("priority", OPT, struct cfg_raw_ddt_root, priority),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t ddt_root_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct cfg_raw_ddt_root, ddt_root_fields),
};

static const cyaml_schema_field_t mr_ddt_fields[] = {
	CYAML_FIELD_SEQUENCE("roots", SEQ, struct cfg_raw_mr_ddt, roots, &ddt_root_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("referral-cache-size", OPT, struct cfg_raw_mr_ddt,
			     referral_cache_size),
	CYAML_FIELD_UINT_PTR("max-pending", OPT, struct cfg_raw_mr_ddt, max_pending),
	CYAML_FIELD_STRING_PTR("request-timeout", OPT, struct cfg_raw_mr_ddt, request_timeout, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("retries", OPT, struct cfg_raw_mr_ddt, retries),
	CYAML_FIELD_UINT_PTR("max-depth", OPT, struct cfg_raw_mr_ddt, max_depth),
	CYAML_FIELD_STRING_PTR("unresponsive-hold", OPT, struct cfg_raw_mr_ddt, unresponsive_hold,
			       0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("negative-ttl-min", OPT, struct cfg_raw_mr_ddt, negative_ttl_min, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("negative-ttl-max", OPT, struct cfg_raw_mr_ddt, negative_ttl_max, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t mr_fields[] = {
	CYAML_FIELD_STRING_PTR("negative-ttl", OPT, struct cfg_raw_map_resolver, negative_ttl, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("negative-ttl-unregistered", OPT, struct cfg_raw_map_resolver,
			       negative_ttl_unregistered, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("rate-limit", OPT, struct cfg_raw_map_resolver, rate_limit,
				rate_fields),
	CYAML_FIELD_UINT_PTR("smr-requesters", OPT, struct cfg_raw_map_resolver, smr_requesters),
	CYAML_FIELD_MAPPING_PTR("global-rate-limit", OPT, struct cfg_raw_map_resolver,
				global_rate_limit, bucket_fields),
	CYAML_FIELD_MAPPING_PTR("verified-rate-limit", OPT, struct cfg_raw_map_resolver,
				verified_rate_limit, bucket_fields),
	CYAML_FIELD_SEQUENCE("trusted-itrs", SEQ, struct cfg_raw_map_resolver, trusted_itrs,
			     &string_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("forward-next-hops", OPT, struct cfg_raw_map_resolver,
			     forward_next_hops),
	CYAML_FIELD_STRING_PTR("health-interval", OPT, struct cfg_raw_map_resolver,
			       health_interval, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("health-misses", OPT, struct cfg_raw_map_resolver, health_misses),
	CYAML_FIELD_SEQUENCE("map-servers", SEQ, struct cfg_raw_map_resolver, map_servers,
			     &forward_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("ddt", OPT, struct cfg_raw_map_resolver, ddt, mr_ddt_fields),
	CYAML_FIELD_ENUM_PTR("signed-requests", STRICT, struct cfg_raw_map_resolver,
			     signed_requests, cfg_signed_request_names,
			     CYAML_ARRAY_LEN(cfg_signed_request_names)),
	CYAML_FIELD_MAPPING_PTR("signed-verify-rate-limit", OPT, struct cfg_raw_map_resolver,
				signed_verify_rate_limit, bucket_fields),
	CYAML_FIELD_UINT_PTR("signed-verify-per-signer", OPT, struct cfg_raw_map_resolver,
			     signed_verify_per_signer),
	CYAML_FIELD_STRING_PTR("lisp-sec-key", OPT, struct cfg_raw_map_resolver, lisp_sec_key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t etr_fields[] = {
	CYAML_FIELD_SEQUENCE("map-servers", SEQ, struct cfg_raw_etr, map_servers,
			     &map_server_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("register-interval", OPT, struct cfg_raw_etr, register_interval,
			       0, CYAML_UNLIMITED),
	CYAML_FIELD_BOOL_PTR("want-map-notify", STRICT, struct cfg_raw_etr, want_map_notify),
	CYAML_FIELD_BOOL_PTR("proxy-reply", STRICT, struct cfg_raw_etr, proxy_reply),
	CYAML_FIELD_STRING_PTR("record-ttl", OPT, struct cfg_raw_etr, record_ttl, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("reply-rate-limit", OPT, struct cfg_raw_etr, reply_rate_limit,
				bucket_fields),
	CYAML_FIELD_UINT_PTR("probe-reply-ratio", OPT, struct cfg_raw_etr, probe_reply_ratio),
	CYAML_FIELD_UINT_PTR("smr-requesters", OPT, struct cfg_raw_etr, smr_requesters),
	CYAML_FIELD_SEQUENCE("database", SEQ, struct cfg_raw_etr, database, &db_mapping_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("accepted-eids", SEQ, struct cfg_raw_etr, accepted_eids,
			     &string_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t request_fields[] = {
	CYAML_FIELD_STRING_PTR("timeout", OPT, struct cfg_raw_request, timeout, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("tries", OPT, struct cfg_raw_request, tries),
	CYAML_FIELD_UINT_PTR("max-pending", OPT, struct cfg_raw_request, max_pending),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t cache_fields[] = {
	CYAML_FIELD_UINT_PTR("max-entries", OPT, struct cfg_raw_cache, max_entries),
	CYAML_FIELD_STRING_PTR("refresh-before", OPT, struct cfg_raw_cache, refresh_before, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_BOOL_PTR("negative-entries", STRICT, struct cfg_raw_cache,
			     negative_entries),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t probe_fields[] = {
	CYAML_FIELD_BOOL_PTR("enabled", STRICT, struct cfg_raw_probe, enabled),
	CYAML_FIELD_STRING_PTR("interval", OPT, struct cfg_raw_probe, interval, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("timeout", OPT, struct cfg_raw_probe, timeout, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("tries", OPT, struct cfg_raw_probe, tries),
	CYAML_FIELD_UINT_PTR("max-pending", OPT, struct cfg_raw_probe, max_pending),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t itr_fields[] = {
	CYAML_FIELD_SEQUENCE("map-resolvers", SEQ, struct cfg_raw_itr, map_resolvers,
			     &map_resolver_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("map-request", OPT, struct cfg_raw_itr, map_request,
				request_fields),
	CYAML_FIELD_MAPPING_PTR("map-cache", OPT, struct cfg_raw_itr, map_cache, cache_fields),
	CYAML_FIELD_BOOL_PTR("smr", STRICT, struct cfg_raw_itr, smr),
	CYAML_FIELD_MAPPING_PTR("smr-rate-limit", OPT, struct cfg_raw_itr, smr_rate_limit,
				bucket_fields),
	CYAML_FIELD_BOOL_PTR("subscribe", STRICT, struct cfg_raw_itr, subscribe),
	CYAML_FIELD_MAPPING_PTR("rloc-probing", OPT, struct cfg_raw_itr, rloc_probing,
				probe_fields),
	CYAML_FIELD_SEQUENCE("petrs", SEQ, struct cfg_raw_itr, petrs, &rloc_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("static-map-cache", SEQ, struct cfg_raw_itr, static_map_cache,
			     &static_mapping_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ecdsa-key", OPT, struct cfg_raw_itr, ecdsa_key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("crypto-eid-prefix", OPT, struct cfg_raw_itr, crypto_eid_prefix, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_ENUM_PTR("lisp-sec", STRICT, struct cfg_raw_itr, lisp_sec,
			     cfg_itr_lisp_sec_names, 3),
	CYAML_FIELD_STRING_PTR("lisp-sec-key", OPT, struct cfg_raw_itr, lisp_sec_key, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t pitr_fields[] = {
	CYAML_FIELD_SEQUENCE("eid-prefixes", SEQ, struct cfg_raw_pitr, eid_prefixes,
			     &string_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t petr_fields[] = {
	CYAML_FIELD_SEQUENCE("instance-ids", SEQ, struct cfg_raw_petr, instance_ids,
			     &uint_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t rest_fields[] = {
	CYAML_FIELD_BOOL_PTR("enabled", STRICT, struct cfg_raw_rest, enabled),
	CYAML_FIELD_STRING_PTR("address", OPT, struct cfg_raw_rest, address, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("port", OPT, struct cfg_raw_rest, port),
	CYAML_FIELD_STRING_PTR("token", OPT, struct cfg_raw_rest, token, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("max-connections", OPT, struct cfg_raw_rest, max_connections),
	CYAML_FIELD_UINT_PTR("max-connections-per-address", OPT, struct cfg_raw_rest,
			     max_connections_per_address),
	CYAML_FIELD_STRING_PTR("header-deadline", OPT, struct cfg_raw_rest, header_deadline, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("body-deadline", OPT, struct cfg_raw_rest, body_deadline, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("idle-timeout", OPT, struct cfg_raw_rest, idle_timeout, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("full-wait", OPT, struct cfg_raw_rest, full_wait, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("tls-certificate", OPT, struct cfg_raw_rest, tls_certificate, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("tls-key", OPT, struct cfg_raw_rest, tls_key, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t dataplane_fields[] = {
	CYAML_FIELD_STRING_PTR("socket", CYAML_FLAG_POINTER, struct cfg_raw_dataplane, socket, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t listen_fields[] = {
	CYAML_FIELD_SEQUENCE("addresses", CYAML_FLAG_POINTER, struct cfg_raw_listen, addresses,
			     &string_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("port", OPT, struct cfg_raw_listen, port),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_FLAGS("roles", CYAML_FLAG_STRICT, struct cfg_raw, roles, cfg_role_names,
			  CYAML_ARRAY_LEN(cfg_role_names)),
	CYAML_FIELD_ENUM_PTR("log-level", STRICT, struct cfg_raw, log_level, cfg_log_level_names,
			     CYAML_ARRAY_LEN(cfg_log_level_names)),
	CYAML_FIELD_STRING_PTR("xtr-id", OPT, struct cfg_raw, xtr_id, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("site-id", OPT, struct cfg_raw, site_id),
	CYAML_FIELD_MAPPING_PTR("listen", CYAML_FLAG_POINTER, struct cfg_raw, listen,
				listen_fields),
	CYAML_FIELD_MAPPING_PTR("rest", OPT, struct cfg_raw, rest, rest_fields),
	CYAML_FIELD_MAPPING_PTR("dataplane", OPT, struct cfg_raw, dataplane, dataplane_fields),
	CYAML_FIELD_MAPPING_PTR("map-server", OPT, struct cfg_raw, map_server, ms_fields),
	CYAML_FIELD_MAPPING_PTR("map-resolver", OPT, struct cfg_raw, map_resolver, mr_fields),
	CYAML_FIELD_MAPPING_PTR("etr", OPT, struct cfg_raw, etr, etr_fields),
	CYAML_FIELD_MAPPING_PTR("itr", OPT, struct cfg_raw, itr, itr_fields),
	CYAML_FIELD_MAPPING_PTR("pitr", OPT, struct cfg_raw, pitr, pitr_fields),
	CYAML_FIELD_MAPPING_PTR("petr", OPT, struct cfg_raw, petr, petr_fields),
	CYAML_FIELD_MAPPING_PTR("cats", OPT, struct cfg_raw, cats, cfg_cats_fields),
	CYAML_FIELD_MAPPING_PTR("agents", OPT, struct cfg_raw, agents, cfg_agents_fields),
	CYAML_FIELD_MAPPING_PTR("ddt-node", OPT, struct cfg_raw, ddt_node, cfg_ddt_fields),
	CYAML_FIELD_MAPPING_PTR("privileges", OPT, struct cfg_raw, privs, cfg_privs_fields),
	CYAML_FIELD_END
};

const cyaml_schema_value_t cfg_raw_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct cfg_raw, top_fields),
};
