/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals of the config module, in the order a load runs:
 *   config_doc.c     libyaml node tree: syntax errors, a key path -> line
 *                    index, every schema error (walked against the very
 *                    cyaml tables of config_schema.c)
 *   config_attr.c    RLOC attributes, from the node tree to JSON text
 *   config_schema.c  the raw document as libcyaml loads it (strings as
 *                    written, NULL for what is absent)
 *   config_check.c   raw -> struct cp_config: defaults, semantic checks
 *   config.c         orchestration, errors, cyaml backtrace capture
 *   config_print.c   YAML out, equality
 */
#ifndef LISPGW_CP_CONFIG_PRIV_H
#define LISPGW_CP_CONFIG_PRIV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "config.h"

/* --- the raw document (config_schema.c) ------------------------------- */

/* Optional scalars are pointers so that "absent" (NULL, default applies)
 * differs from "written as 0".  Durations stay strings ("90s", "15m"). */
struct cfg_raw_server {
	char *address;
	uint32_t *port;
	uint32_t *key_id;
	char *key;
};

struct cfg_raw_forward {
	char *address;
	uint32_t *port;
	char **eid_prefixes;
	unsigned int eid_prefixes_count;
};

/* "attributes" is not here: cyaml skips it, config_doc.c reads it. */
struct cfg_raw_rloc {
	char *address;
	uint32_t *priority;
	uint32_t *weight;
};

struct cfg_raw_mapping {
	char *eid_prefix;
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
};

struct cfg_raw_map_server {
	char *registration_timeout;
	bool *pubsub;
	struct cfg_raw_site *sites;
	unsigned int sites_count;
};

struct cfg_raw_rate {
	uint32_t *requests_per_second;
	uint32_t *burst;
};

struct cfg_raw_map_resolver {
	char *negative_ttl;
	char *negative_ttl_unregistered;
	struct cfg_raw_rate *rate_limit;
	struct cfg_raw_forward *map_servers;
	unsigned int map_servers_count;
};

struct cfg_raw_etr {
	struct cfg_raw_server *map_servers;
	unsigned int map_servers_count;
	char *register_interval;
	bool *want_map_notify;
	bool *proxy_reply;
	char *record_ttl;
	struct cfg_raw_mapping *database;
	unsigned int database_count;
	char **accepted_eids;
	unsigned int accepted_eids_count;
};

struct cfg_raw_request {
	char *timeout;
	uint32_t *tries;
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
};

struct cfg_raw_itr {
	struct cfg_raw_server *map_resolvers;
	unsigned int map_resolvers_count;
	struct cfg_raw_request *map_request;
	struct cfg_raw_cache *map_cache;
	bool *smr;
	bool *subscribe;
	struct cfg_raw_probe *rloc_probing;
	struct cfg_raw_rloc *petrs;
	unsigned int petrs_count;
	struct cfg_raw_mapping *static_map_cache;
	unsigned int static_map_cache_count;
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
};

extern const cyaml_schema_value_t cfg_raw_schema;

/* Names of the enums, shared by the schema, the checks and the printer. */
extern const cyaml_strval_t cfg_role_names[];
extern const size_t cfg_role_names_count;
extern const cyaml_strval_t cfg_log_level_names[];
extern const size_t cfg_log_level_names_count;
extern const cyaml_strval_t cfg_action_names[];
extern const size_t cfg_action_names_count;

const char *cfg_strval_name(const cyaml_strval_t *v, size_t n, int64_t val);

/* --- errors (config.c) -------------------------------------------------- */

int cfg_err_add(struct cp_config_errors *errs, unsigned int line, const char *path,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int cfg_err_vadd(struct cp_config_errors *errs, unsigned int line, const char *path,
		 const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/* Key paths: "etr", "etr.map-servers[0]", "etr.map-servers[0].key-id".
 * cfg_path_key/idx append and return the length to restore with
 * cfg_path_pop.  A path too long for the buffer is cut, never overrun. */
struct cfg_path {
	char s[CP_CONFIG_PATH_MAX];
	size_t len;
};

size_t cfg_path_key(struct cfg_path *p, const char *key);
size_t cfg_path_idx(struct cfg_path *p, size_t idx);
void cfg_path_pop(struct cfg_path *p, size_t mark);

/* Turns libcyaml's load backtrace (as its log callback received it) into
 * our key path: "in mapping field 'key-id'", "in sequence entry '1'" (cyaml
 * counts from 1).  Returns 0, or -ENOENT when there is no backtrace. */
int cfg_cyaml_backtrace_path(const char *log, char *path, size_t len);

/* --- the node tree (config_doc.c) --------------------------------------- */

struct cfg_doc_entry;

struct cfg_doc {
	yaml_document_t doc;
	bool loaded;
	struct cfg_doc_entry *v;	/* sorted by path once walked */
	size_t count;
	size_t cap;
};

/* Parses buf into d; a syntax error is added to errs and gives -EINVAL. */
int cfg_doc_parse(struct cfg_doc *d, const char *buf, size_t len,
		  struct cp_config_errors *errs);
/* Walks the tree against schema: indexes every key path and reports every
 * schema error; returns their count, or -ENOMEM. */
int cfg_doc_walk(struct cfg_doc *d, const cyaml_schema_value_t *schema,
		 struct cp_config_errors *errs);
/* Line of path, or of its nearest ancestor present in the document. */
unsigned int cfg_doc_line(const struct cfg_doc *d, const char *path);
/* The value at path, NULL when absent. */
yaml_node_t *cfg_doc_node(const struct cfg_doc *d, const char *path);
void cfg_doc_free(struct cfg_doc *d);

/* true, True, TRUE, false, False, FALSE: YAML 1.2's booleans, the only
 * ones we take (libcyaml alone would read "maybe" as true). */
bool cfg_yaml_bool(const char *s, bool *val);

/* RLOC "attributes" (config_attr.c): a YAML mapping, or a string holding a JSON object.
 * *json receives compact JSON with sorted keys (malloc'd).  Returns 0, or
 * -EINVAL with why in msg. */
int cfg_attr_from_node(const struct cfg_doc *d, yaml_node_t *node, char **json, char *msg,
		       size_t msg_len);

/* --- loading a YAML file against a schema (config.c) ---------------------- */

/* Fills the caller's configuration from the raw libcyaml data; 0 or -errno,
 * every error added to errs. */
typedef int (*cfg_yaml_check_fn)(const void *raw, const struct cfg_doc *doc, void *arg,
				 struct cp_config_errors *errs);

/* Reads path (at most max_bytes), parses it with line numbers, checks it
 * against schema reporting every error, loads it with libcyaml and runs
 * check(raw, doc, arg); errors end up in errs (initialised by the caller),
 * sorted by line.  The file's bytes are zeroed after use (keys). */
int cfg_yaml_load(const char *path, size_t max_bytes, const cyaml_schema_value_t *schema,
		  cfg_yaml_check_fn check, void *arg, struct cp_config_errors *errs);

/* --- checks (config_check.c, config_check_xtr.c) ------------------------- */

int cfg_check(const struct cfg_raw *raw, const struct cfg_doc *doc, struct cp_config *cfg,
	      struct cp_config_errors *errs);

/* One check pass.  The helpers read a raw value at path.key (key NULL: at
 * path itself, for list entries), apply the default when it is absent,
 * report what is wrong with the line of that key, and always return a
 * usable value so that checking goes on and finds the next error. */
struct cfg_chk {
	const struct cfg_doc *doc;
	struct cp_config_errors *errs;
	struct cfg_path path;
	unsigned int roles_line;
	size_t errors;
	bool nomem;
};

void cfg_chk_err(struct cfg_chk *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
unsigned int cfg_chk_line(const struct cfg_chk *c, const char *key);
void *cfg_chk_calloc(struct cfg_chk *c, size_t n, size_t size);
char *cfg_chk_strdup(struct cfg_chk *c, const char *s);
bool cfg_chk_bool(const bool *v, bool def);
uint32_t cfg_chk_u32(struct cfg_chk *c, const char *key, const uint32_t *v, uint32_t def,
		     uint32_t min, uint32_t max);
uint16_t cfg_chk_port(struct cfg_chk *c, const char *key, const uint32_t *v, uint16_t def);
uint32_t cfg_chk_duration(struct cfg_chk *c, const char *key, const char *s, uint32_t def_ms,
			  uint32_t min_ms, uint32_t max_ms);
uint32_t cfg_chk_ttl(struct cfg_chk *c, const char *key, const char *s, uint32_t def_min);
/* IPv4 or IPv6 only: these are sockets and RLOCs. */
void cfg_chk_addr(struct cfg_chk *c, const char *key, const char *s, struct lisp_addr *out);
void cfg_chk_prefix(struct cfg_chk *c, const char *key, const char *s, struct lisp_prefix *out);
/* A list of EID-prefixes, none twice. */
void cfg_chk_prefixes(struct cfg_chk *c, const char *key, char *const *v, unsigned int n,
		      struct lisp_prefix **out, size_t *count);
/* key-id (default 2) and a non-empty key. */
void cfg_chk_auth(struct cfg_chk *c, const uint32_t *key_id, const char *key, uint8_t *id_out,
		  char **key_out);
int cfg_prefix_cmp(const struct lisp_prefix *a, const struct lisp_prefix *b);

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

/* The agents section (config_agents.c). */
extern const cyaml_schema_field_t cfg_agents_fields[];
void cfg_chk_agents(struct cfg_chk *c, const struct cfg_raw_agents *r, unsigned int roles,
		    struct cp_config_agents *ag);
void cfg_print_agents(const struct cp_config_agents *ag, FILE *f);
bool cfg_agents_equal(const struct cp_config_agents *a, const struct cp_config_agents *b);
void cfg_agents_free(struct cp_config_agents *ag);

/* "90", "90s", "500ms", "15m", "2h", "1d" -> milliseconds (at most 30
 * days).  Returns 0 or -EINVAL. */
int cfg_duration_parse(const char *s, uint64_t *ms);
/* The shortest exact text for ms: 900000 -> "15m", 1500 -> "1500ms". */
void cfg_duration_format(uint64_t ms, char *buf, size_t len);

#define CFG_DURATION_MAX_MS	(30ull * 24 * 3600 * 1000)

#endif
