/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the config module, in the order a load runs:
 *   (common/config: the libyaml node tree, errors, load, check helpers)
 *   config_attr.c    RLOC attributes, from the node tree to JSON text
 *   config_schema.c  the raw document as libcyaml loads it (strings as
 *                    written, NULL for what is absent)
 *   config_check.c   raw -> struct cp_config: defaults, semantic checks
 *   config.c         lispgw-cp's load, free, role names
 *   config_print.c   YAML out, equality
 */
#ifndef LISPGW_CP_CONFIG_PRIV_H
#define LISPGW_CP_CONFIG_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "cfg_file.h"
#include "config.h"

/* --- the raw document (config_schema.c) ------------------------------- */

/* Optional scalars are pointers so that "absent" (NULL, default applies)
 * differs from "written as 0".  Durations stay strings ("90s", "15m"). */
struct cfg_raw_server {
	char *address;
	uint32_t *port;
	uint32_t *key_id;
	char *key;
	char **eid_prefixes;		/* etr.map-servers only */
	unsigned int eid_prefixes_count;
	char *lisp_sec_key;		/* etr.map-servers only */
};

struct cfg_raw_forward {
	char *address;
	char **addresses;	/* several Map-Servers for the same prefixes */
	unsigned int addresses_count;
	uint32_t *port;
	char **eid_prefixes;
	unsigned int eid_prefixes_count;
};

/* "attributes" is not here: cyaml skips it, config_attr.c reads it from the node tree. */
struct cfg_raw_rloc {
	char *address;
	uint32_t *priority;
	uint32_t *weight;
};

struct cfg_raw_mapping {
	char *eid_prefix;
	char *ecdsa_key;
	char *crypto_eid_prefix;
	char *ttl;
	int *action;
	struct cfg_raw_rloc *rlocs;
	unsigned int rlocs_count;
};

struct cfg_raw_site {
	char *name;
	uint32_t *key_id;
	char *key;
	bool *accept_more_specifics;
	bool *allow_shared_eids;
	char **eid_prefixes;
	unsigned int eid_prefixes_count;
	int *auth;
	char **crypto_eid_prefixes;
	unsigned int crypto_eid_prefixes_count;
	int *lisp_sec;
	char *lisp_sec_key;
};

struct cfg_raw_map_server {
	char *registration_timeout;
	bool *pubsub;
	int *nonce_policy;
	uint32_t *max_registrants;
	uint32_t *max_registrants_per_site;
	char *registrant_hold;
	uint32_t *max_pending_notifies;
	uint32_t *pubsub_max_subscriptions;
	uint32_t *pubsub_max_per_xtr;
	char *pubsub_lifetime;
	char **ddt_peers;
	unsigned int ddt_peers_count;
	struct cfg_raw_site *sites;
	unsigned int sites_count;
};

struct cfg_raw_rate {
	uint32_t *requests_per_second;
	uint32_t *burst;
	uint32_t *sources;
};

/* A global token bucket: map-resolver.global-rate-limit,
 * etr.reply-rate-limit, itr.smr-rate-limit. */
struct cfg_raw_bucket {
	uint32_t *per_second;
	uint32_t *burst;
};

struct cfg_raw_ddt_root {
	char *address;
	uint32_t *priority;
};

struct cfg_raw_mr_ddt {
	struct cfg_raw_ddt_root *roots;
	unsigned int roots_count;
	uint32_t *referral_cache_size;
	uint32_t *max_pending;
	char *request_timeout;
	uint32_t *retries;
	uint32_t *max_depth;
	char *unresponsive_hold;
	char *negative_ttl_min;
	char *negative_ttl_max;
};

struct cfg_raw_map_resolver {
	char *negative_ttl;
	char *negative_ttl_unregistered;
	struct cfg_raw_rate *rate_limit;
	uint32_t *smr_requesters;
	struct cfg_raw_bucket *global_rate_limit;
	struct cfg_raw_bucket *verified_rate_limit;
	char **trusted_itrs;
	unsigned int trusted_itrs_count;
	uint32_t *forward_next_hops;
	char *health_interval;
	uint32_t *health_misses;
	struct cfg_raw_forward *map_servers;
	unsigned int map_servers_count;
	struct cfg_raw_mr_ddt *ddt;
	int *signed_requests;
	struct cfg_raw_bucket *signed_verify_rate_limit;
	uint32_t *signed_verify_per_signer;
	char *lisp_sec_key;
};

struct cfg_raw_etr {
	struct cfg_raw_server *map_servers;
	unsigned int map_servers_count;
	char *register_interval;
	bool *want_map_notify;
	bool *proxy_reply;
	char *record_ttl;
	struct cfg_raw_bucket *reply_rate_limit;
	uint32_t *probe_reply_ratio;
	uint32_t *smr_requesters;
	struct cfg_raw_mapping *database;
	unsigned int database_count;
	char **accepted_eids;
	unsigned int accepted_eids_count;
};

struct cfg_raw_request {
	char *timeout;
	uint32_t *tries;
	uint32_t *max_pending;
};

struct cfg_raw_cache {
	uint32_t *max_entries;
	char *refresh_before;
	bool *negative_entries;
};

struct cfg_raw_probe {
	bool *enabled;
	char *interval;
	char *timeout;
	uint32_t *tries;
	uint32_t *max_pending;
};

struct cfg_raw_itr {
	struct cfg_raw_server *map_resolvers;
	unsigned int map_resolvers_count;
	struct cfg_raw_request *map_request;
	struct cfg_raw_cache *map_cache;
	bool *smr;
	struct cfg_raw_bucket *smr_rate_limit;
	bool *subscribe;
	struct cfg_raw_probe *rloc_probing;
	struct cfg_raw_rloc *petrs;
	unsigned int petrs_count;
	struct cfg_raw_mapping *static_map_cache;
	unsigned int static_map_cache_count;
	char *ecdsa_key;
	char *crypto_eid_prefix;
	int *lisp_sec;
	char *lisp_sec_key;
};

struct cfg_raw_pitr {
	char **eid_prefixes;
	unsigned int eid_prefixes_count;
};

struct cfg_raw_petr {
	uint32_t *instance_ids;
	unsigned int instance_ids_count;
};

struct cfg_raw_rest {
	bool *enabled;
	char *address;
	uint32_t *port;
	char *token;
	uint32_t *max_connections;
	uint32_t *max_connections_per_address;
	char *header_deadline;
	char *body_deadline;
	char *idle_timeout;
	char *full_wait;
	char *tls_certificate;
	char *tls_key;
};

struct cfg_raw_dataplane {
	char *socket;
};

struct cfg_raw_listen {
	char **addresses;
	unsigned int addresses_count;
	uint32_t *port;
};

/* cats (config_cats.c) */
struct cfg_raw_cats_policy {
	uint32_t *iid;
	char *rank;
};

struct cfg_raw_cats_metrics {
	char *file;
	char *interval;
	uint32_t *threshold_pct;
};

struct cfg_raw_cats {
	struct cfg_raw_cats_policy *policies;
	unsigned int policies_count;
	struct cfg_raw_cats_metrics *metrics;
};

/* agents (config_agents.c) */
struct cfg_raw_agents {
	char *state_file;
	uint32_t *max;
	char **pools;
	unsigned int pools_count;
	char **spaces;
	unsigned int spaces_count;
	char **crypto_prefixes;
	unsigned int crypto_prefixes_count;
};

/* ddt-node (config_ddt.c) */
struct cfg_raw_ddt_referral {
	char *address;
	uint32_t *priority;
	uint32_t *weight;
};

struct cfg_raw_ddt_delegation {
	char *eid_prefix;
	int type;
	struct cfg_raw_ddt_referral *referrals;
	unsigned int referrals_count;
};

struct cfg_raw_ddt_node {
	char **auth_prefixes;
	unsigned int auth_prefixes_count;
	char *referral_ttl;
	char *hole_ttl;
	struct cfg_raw_rate *rate_limit;
	struct cfg_raw_bucket *global_rate_limit;
	struct cfg_raw_ddt_delegation *delegations;
	unsigned int delegations_count;
};

struct cfg_raw {
	unsigned int roles;
	int *log_level;
	char *xtr_id;
	uint64_t *site_id;
	struct cfg_raw_listen *listen;
	struct cfg_raw_rest *rest;
	struct cfg_raw_dataplane *dataplane;
	struct cfg_raw_map_server *map_server;
	struct cfg_raw_map_resolver *map_resolver;
	struct cfg_raw_etr *etr;
	struct cfg_raw_itr *itr;
	struct cfg_raw_pitr *pitr;
	struct cfg_raw_petr *petr;
	struct cfg_raw_cats *cats;
	struct cfg_raw_agents *agents;
	struct cfg_raw_ddt_node *ddt_node;
	struct cfg_raw_privs *privs;
};

extern const cyaml_schema_value_t cfg_raw_schema;

/* Names of the enums, shared by the schema, the checks and the printer. */
extern const cyaml_strval_t cfg_role_names[];
extern const size_t cfg_role_names_count;
extern const cyaml_strval_t cfg_log_level_names[];
extern const size_t cfg_log_level_names_count;
extern const cyaml_strval_t cfg_action_names[];
extern const size_t cfg_action_names_count;
extern const cyaml_strval_t cfg_nonce_policy_names[];
extern const size_t cfg_nonce_policy_names_count;
extern const cyaml_strval_t cfg_signed_request_names[];
extern const size_t cfg_signed_request_names_count;
extern const cyaml_strval_t cfg_site_auth_names[];
extern const size_t cfg_site_auth_names_count;

const char *cfg_strval_name(const cyaml_strval_t *v, size_t n, int64_t val);

/* RLOC "attributes" (config_attr.c): a YAML mapping, or a string holding a JSON object.
 * *json receives compact JSON with sorted keys (malloc'd).  Returns 0, or
 * -EINVAL with why in msg. */
int cfg_attr_from_node(const struct cfg_doc *d, yaml_node_t *node, char **json, char *msg,
		       size_t msg_len);

/* --- checks (config_check.c, config_check_xtr.c) ------------------------- */

int cfg_check(const struct cfg_raw *raw, const struct cfg_doc *doc, struct cp_config *cfg,
	      struct cfg_errors *errs);

/* A global token bucket under key: per-second (default def, 0 unlimited,
 * at most 10,000,000) and burst (default twice the rate). */
void cfg_chk_bucket(struct cfg_chk *c, const char *key, const struct cfg_raw_bucket *r,
		    uint32_t def, uint32_t *rate, uint32_t *burst);

/* key-id (default 2) and a non-empty key. */
void cfg_chk_auth(struct cfg_chk *c, const uint32_t *key_id, const char *key, uint8_t *id_out,
		  char **key_out);

void cfg_chk_etr(struct cfg_chk *c, const struct cfg_raw_etr *r, struct cp_config_etr *etr);
void cfg_chk_itr(struct cfg_chk *c, const struct cfg_raw_itr *r, struct cp_config_itr *itr);
void cfg_chk_pitr(struct cfg_chk *c, const struct cfg_raw_pitr *r, struct cp_config_pitr *pitr);
void cfg_chk_petr(struct cfg_chk *c, const struct cfg_raw_petr *r, struct cp_config_petr *petr);

/* The cats section (config_cats.c). */
extern const cyaml_schema_field_t cfg_cats_fields[];
void cfg_chk_cats(struct cfg_chk *c, const struct cfg_raw_cats *r, struct cp_config_cats *cats);
void cfg_print_cats(const struct cp_config_cats *cats, FILE *f);
bool cfg_cats_equal(const struct cp_config_cats *a, const struct cp_config_cats *b);
void cfg_cats_free(struct cp_config_cats *cats);

/* The privileges section (config_privs.c). */
struct cfg_raw_privs {
	char *user;
	char *group;
	int *seccomp;
};
extern const cyaml_schema_field_t cfg_privs_fields[];
void cfg_chk_privs(struct cfg_chk *c, const struct cfg_raw_privs *r, struct cp_config_privs *p);
void cfg_print_privs(const struct cp_config_privs *p, FILE *f);
bool cfg_privs_equal(const struct cp_config_privs *a, const struct cp_config_privs *b);
void cfg_privs_free(struct cp_config_privs *p);

/* The agents section (config_agents.c). */
extern const cyaml_schema_field_t cfg_agents_fields[];
void cfg_chk_agents(struct cfg_chk *c, const struct cfg_raw_agents *r, unsigned int roles,
		    struct cp_config_agents *ag);
void cfg_print_agents(const struct cp_config_agents *ag, FILE *f);
bool cfg_agents_equal(const struct cp_config_agents *a, const struct cp_config_agents *b);
void cfg_agents_free(struct cp_config_agents *ag);

/* The ddt-node section (config_ddt.c). */
extern const cyaml_schema_field_t cfg_ddt_fields[];
void cfg_chk_ddt(struct cfg_chk *c, const struct cfg_raw_ddt_node *r,
		 struct cp_config_ddt_node *ddt);
void cfg_print_ddt(const struct cp_config_ddt_node *ddt, FILE *f);
bool cfg_ddt_equal(const struct cp_config_ddt_node *a, const struct cp_config_ddt_node *b);
void cfg_ddt_free(struct cp_config_ddt_node *ddt);


/* config_ecdsa.c: etr.database[].ecdsa-key and crypto-eid-prefix. */
void cfg_chk_db_ecdsa(struct cfg_chk *c, const struct cfg_raw_mapping *r,
		      struct cp_config_mapping *m);
bool cp_config_db_ecdsa_equal(const struct cp_config_mapping *a,
			      const struct cp_config_mapping *b);
void cp_config_db_ecdsa_print(FILE *f, int ind, const struct cp_config_mapping *m);
/* map-resolver.signed-requests, signed-verify-rate-limit,
 * signed-verify-per-signer; itr.ecdsa-key and crypto-eid-prefix. */
void cfg_chk_mr_signed(struct cfg_chk *c, const struct cfg_raw_map_resolver *r,
		       struct cp_config_map_resolver *mr);
void cfg_chk_itr_ecdsa(struct cfg_chk *c, const struct cfg_raw_itr *r, struct cp_config_itr *itr);
bool cp_config_mr_signed_equal(const struct cp_config_map_resolver *a,
			       const struct cp_config_map_resolver *b);
void cp_config_mr_signed_print(FILE *f, const struct cp_config_map_resolver *mr);
bool cp_config_itr_ecdsa_equal(const struct cp_config_itr *a, const struct cp_config_itr *b);
void cp_config_itr_ecdsa_print(FILE *f, const struct cp_config_itr *itr);

/* config_lispsec.c: the LISP-SEC keys and modes (docs/security.md). */
extern const cyaml_strval_t cfg_itr_lisp_sec_names[];
extern const size_t cfg_itr_lisp_sec_names_count;
extern const cyaml_strval_t cfg_site_lisp_sec_names[];
extern const size_t cfg_site_lisp_sec_names_count;
void cfg_chk_lisp_sec_key(struct cfg_chk *c, const char *key, const char *text,
			  struct cp_config_lisp_sec_key *out);
void cfg_chk_itr_lisp_sec(struct cfg_chk *c, const struct cfg_raw_itr *r,
			  struct cp_config_itr *itr);
void cfg_chk_site_lisp_sec(struct cfg_chk *c, const struct cfg_raw_site *r,
			   struct cp_config_site *s);
/* Sites that sign need the Map-Resolver's key to read the ITR's OTK. */
void cfg_chk_lisp_sec_roles(struct cfg_chk *c, const struct cp_config *cfg);
void cfg_print_lisp_sec_key(FILE *f, int ind, const char *key,
			    const struct cp_config_lisp_sec_key *k);
bool cp_config_lisp_sec_key_equal(const struct cp_config_lisp_sec_key *a,
				  const struct cp_config_lisp_sec_key *b);

#endif
