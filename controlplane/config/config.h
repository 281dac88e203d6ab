/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-cp configuration: one YAML file (docs/config.md) loaded with
 * libcyaml against a schema, validated completely, and handed to the daemon
 * as an immutable struct cp_config.  Reload builds a new one aside and
 * swaps it in only when cp_config_load() succeeded, so nothing here is ever
 * modified after load; compare two with cp_config_equal() to see what a
 * reload changed.
 *
 * A failed load reports every error it found (not just the first) as
 * "FILE:LINE: key.path: message", e.g.
 *   etr.yaml:14: etr.map-servers[0].key-id: must be 1 (HMAC-SHA-1-96) or
 *   2 (HMAC-SHA-256-128), got 3
 * Schema errors (unknown keys, wrong types, missing keys) are all reported
 * first; the semantic checks (addresses, prefixes, ranges, what a role
 * needs) run once the document matches the schema, and are all reported
 * too.
 *
 * Units: intervals are kept in milliseconds (_ms), TTLs in minutes (_min,
 * the unit they have on the wire, RFC 9301 section 5.4).
 */
#ifndef LISPGW_CP_CONFIG_H
#define LISPGW_CP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lisp_addr.h"

struct cfg_errors;	/* common/config/cfg_file.h */

/* Roles, combinable; "xtr" in the file is CP_ROLE_ITR | CP_ROLE_ETR. */
enum cp_role {
	CP_ROLE_MAP_SERVER = 1u << 0,
	CP_ROLE_MAP_RESOLVER = 1u << 1,
	CP_ROLE_ITR = 1u << 2,
	CP_ROLE_ETR = 1u << 3,
	CP_ROLE_PITR = 1u << 4,
	CP_ROLE_PETR = 1u << 5,
	CP_ROLE_DDT_NODE = 1u << 6,	/* LISP-DDT node (RFC 8111) */
};
#define CP_ROLE_XTR	(CP_ROLE_ITR | CP_ROLE_ETR)
#define CP_ROLE_LAST	CP_ROLE_DDT_NODE	/* the highest bit, for loops over roles */

/* Defaults (docs/config.md says why each is what it is). */
#define CP_CONFIG_DEF_PORT			4342	/* LISP control, RFC 9301 */
#define CP_CONFIG_DEF_LOG_LEVEL			6	/* LOG_INFO */
#define CP_CONFIG_DEF_PRIVS_USER		"lispgw"	/* privileges.user */
#define CP_CONFIG_DEF_REST_ADDR			"127.0.0.1"
#define CP_CONFIG_DEF_REST_PORT			8080
#define CP_CONFIG_DEF_REST_MAX_CONNS		64
#define CP_CONFIG_DEF_REST_MAX_PER_ADDR		32
#define CP_CONFIG_DEF_REST_HEADER_MS		5000	/* the whole request head */
#define CP_CONFIG_DEF_REST_BODY_MS		30000	/* 64 KiB at ~2 KB/s */
#define CP_CONFIG_DEF_REST_IDLE_MS		10000	/* no byte either way */
#define CP_CONFIG_DEF_REST_FULL_WAIT_MS		500	/* a newcomer's head, table full */
#define CP_CONFIG_REST_CONNS_MAX		1000	/* below the usual 1024 open files */
#define CP_CONFIG_DEF_REGISTRATION_TIMEOUT_MS	180000	/* 3 x register interval */
#define CP_CONFIG_DEF_NEG_TTL_MIN		15	/* not an EID, RFC 9301 8.4 */
#define CP_CONFIG_DEF_NEG_TTL_UNREG_MIN		1	/* configured, unregistered */
#define CP_CONFIG_DEF_MR_RATE			100	/* Map-Requests/s per source */
#define CP_CONFIG_DEF_MR_BURST			200
/* State per sender at the Map-Server (docs/security.md, "Bounded state
 * per sender"): room for 100,000 registered EIDs each its own registrant. */
#define CP_CONFIG_DEF_MAX_REGISTRANTS		100000
#define CP_CONFIG_DEF_MAX_REGISTRANTS_SITE	50000
#define CP_CONFIG_DEF_REGISTRANT_HOLD_MS	86400000	/* one day */
#define CP_CONFIG_DEF_MAX_PENDING_NOTIFIES	16384
#define CP_CONFIG_DEF_PUBSUB_MAX		200000
#define CP_CONFIG_DEF_PUBSUB_MAX_XTR		100000	/* an ITR's whole map-cache */
#define CP_CONFIG_DEF_PUBSUB_LIFETIME_MS	90000000	/* 25 h: over a day's TTL */
#define CP_CONFIG_STATE_MAX			4194304
#define CP_CONFIG_DEF_MR_SOURCES		65536	/* buckets of 24 bytes: 1.5 MiB */
#define CP_CONFIG_DEF_MR_SMR_REQUESTERS	131072	/* 32 bytes each: 4 MiB */
#define CP_CONFIG_MR_SOURCES_MAX		4194304	/* 96 MiB */
#define CP_CONFIG_DEF_MR_GLOBAL_RATE		10000	/* replies + forwards/s, all */
#define CP_CONFIG_DEF_MR_VERIFIED_RATE		10000	/* the same, verified ITRs */
#define CP_CONFIG_DEF_MR_NEXT_HOPS		1	/* RFC 9301: one record a request */
#define CP_CONFIG_DEF_MR_HEALTH_INTERVAL_MS	5000	/* Map-Server probes */
#define CP_CONFIG_DEF_MR_HEALTH_MISSES		3
#define CP_CONFIG_DDT_PEERS_MAX			16	/* map-server.ddt-peers */
#define CP_CONFIG_DEF_ETR_REPLY_RATE		1000	/* Map-Replies/s, all */
#define CP_CONFIG_DEF_ETR_PROBE_RATIO		1	/* probe reply <= probe */
#define CP_CONFIG_DEF_ITR_SMR_RATE		100	/* SMR-driven requests/s, all */
#define CP_CONFIG_DEF_REGISTER_INTERVAL_MS	60000	/* RFC 9301 8.1 */
#define CP_CONFIG_DEF_RECORD_TTL_MIN		1440	/* one day */
#define CP_CONFIG_DEF_REQ_TIMEOUT_MS		1000	/* doubles per try */
#define CP_CONFIG_DEF_REQ_TRIES			3
#define CP_CONFIG_DEF_CACHE_MAX			100000
#define CP_CONFIG_DEF_CACHE_REFRESH_MS		60000
#define CP_CONFIG_DEF_PROBE_INTERVAL_MS		60000
#define CP_CONFIG_DEF_PROBE_TIMEOUT_MS		1000
#define CP_CONFIG_DEF_PROBE_TRIES		3
#define CP_CONFIG_DEF_ITR_PENDING		10000	/* resolutions in flight */
#define CP_CONFIG_DEF_ITR_PROBES		10000	/* RLOC probes in flight */
#define CP_CONFIG_DEF_ETR_SMR_REQUESTERS	64	/* per database entry */
#define CP_CONFIG_DEF_RLOC_PRIORITY		1
#define CP_CONFIG_DEF_RLOC_WEIGHT		100

/* Longest authentication key (the Map-Server's site table holds 128). */
#define CP_CONFIG_KEY_MAX	128

/* Longest RLOC attributes text (compact JSON): it travels in an LCAF
 * inside Map-Registers and Map-Replies, which must fit one datagram. */
#define CP_CONFIG_ATTR_MAX	1024

/* What the daemon holds in fixed room (cp.c asserts each against its
 * owner): a longer list or a bigger record is refused by the check, so
 * that `lispgw-cp -n` accepts only what starts, and nothing is cut short. */
#define CP_CONFIG_LISTEN_MAX		16	/* listen.addresses: a socket each */
#define CP_CONFIG_ITR_RLOCS_MAX		8	/* ITR-RLOCs of one Map-Request */
#define CP_CONFIG_SERVERS_MAX		16	/* etr.map-servers, itr.map-resolvers */
#define CP_CONFIG_SITE_EIDS_MAX		64	/* map-server.sites[].eid-prefixes */
#define CP_CONFIG_DB_RECORD_MAX		4096	/* an ETR database record, encoded */
#define CP_CONFIG_CACHE_RECORD_MAX	9000	/* a map-cache record, encoded */

/* A LISP-SEC OTK wrapping key (RFC 9303, 6.5; config_lispsec.c): "none"
 * is NULL-KEY-WRAP-128 (the OTK in clear), 32 hex digits AES-KEY-WRAP-128. */
#define CP_CONFIG_LISP_SEC_KEY_LEN	16
struct cp_config_lisp_sec_key {
	bool set;			/* written in the config */
	bool aes;			/* false: none */
	uint8_t key[CP_CONFIG_LISP_SEC_KEY_LEN];
};

/* itr.lisp-sec (enum itr_lisp_sec agrees) and map-server.sites[].lisp-sec. */
enum cp_itr_lisp_sec { CP_ITR_LISP_SEC_OFF, CP_ITR_LISP_SEC_OPTIONAL, CP_ITR_LISP_SEC_REQUIRED };
enum cp_site_lisp_sec { CP_SITE_LISP_SEC_OFF, CP_SITE_LISP_SEC_PROXY, CP_SITE_LISP_SEC_ETR };

/* A Map-Server (etr.map-servers: key_id and key set) or a Map-Resolver
 * (itr.map-resolvers: key_id 0, key NULL). */
struct cp_config_server {
	struct lisp_addr addr;		/* IPv4 or IPv6 */
	uint16_t port;
	uint8_t key_id;			/* enum lisp_auth_alg */
	char *key;
	/* etr.map-servers[].eid-prefixes: the database entries registered
	 * there (a sharded mapping system); none: all of them. */
	size_t eid_count;
	struct lisp_prefix *eids;
	struct cp_config_lisp_sec_key lisp_sec_key;	/* etr.map-servers only */
};

/* map-resolver.map-servers: where a Map-Resolver without a co-located
 * Map-Server forwards Map-Requests, by the EID space each one serves. */
struct cp_config_forward {
	struct lisp_addr addr;
	uint16_t port;
	size_t eid_count;
	struct lisp_prefix *eids;
};

struct cp_config_rloc {
	struct lisp_addr addr;		/* IPv4 or IPv6 */
	uint8_t priority;		/* 255: not to be used for unicast */
	uint8_t weight;
	char *attributes;		/* compact JSON object, sorted keys; or NULL */
};

/* An ETR database entry or a static map-cache entry. */
struct cp_config_mapping {
	struct lisp_prefix eid;
	uint32_t ttl_min;		/* record TTL */
	uint8_t action;			/* enum lisp_action; static entries only */
	size_t rloc_count;
	struct cp_config_rloc *rlocs;
	/* etr.database[].ecdsa-key (config_ecdsa.c, docs/ecdsa.md): the
	 * ETR registers the crypto-EID with a signature and the hash-EID
	 * with the public key, both records made when the key is loaded. */
	char *ecdsa_key;		/* the private key file, or NULL */
	struct lisp_prefix crypto_prefix;	/* crypto-eid-prefix */
	struct lisp_prefix hash_eid;
	char *ecdsa_sig_json;		/* signature record over the EID */
	char *ecdsa_pub_json;		/* public-key record */
};

/* map-resolver.signed-requests (mr_ecdsa.h, enum mr_signed_mode). */
enum cp_signed_requests {
	CP_SIGNED_OFF,
	CP_SIGNED_OPTIONAL,
	CP_SIGNED_REQUIRED,
};
#define CP_CONFIG_DEF_MR_VERIFY_RATE		2000	/* ECDSA verifications/s, all */
#define CP_CONFIG_DEF_MR_VERIFY_PER_SIGNER	50	/* the same per signer */

/* map-server.sites[].auth (site.h, enum site_auth). */
enum cp_site_auth {
	CP_SITE_AUTH_HMAC,
	CP_SITE_AUTH_ECDSA,
	CP_SITE_AUTH_BOTH,
};
#define CP_CONFIG_CRYPTO_PREFIXES_MAX	8	/* SITE_CRYPTO_PREFIXES_MAX */

struct cp_config_site {
	char *name;
	uint8_t key_id;
	char *key;
	bool accept_more_specifics;
	bool allow_shared;		/* anycast service EIDs: other sites that
					 * allow sharing may register them too */
	size_t eid_count;
	struct lisp_prefix *eids;	/* Instance-ID is part of each prefix */
	enum cp_site_auth auth;
	size_t crypto_prefix_count;	/* crypto-eid-prefixes (docs/ecdsa.md) */
	struct lisp_prefix *crypto_prefixes;
	enum cp_site_lisp_sec lisp_sec;
	struct cp_config_lisp_sec_key lisp_sec_key;	/* MS<->ETR, lisp-sec etr */
};

/* How a Map-Register's nonce shows it is not a replay (map_server.h). */
enum cp_nonce_policy {
	CP_NONCE_UNIQUE,
	CP_NONCE_INCREASING,
};

struct cp_config_map_server {
	bool present;
	uint32_t registration_timeout_ms;
	bool pubsub;			/* accept RFC 9437 subscriptions */
	enum cp_nonce_policy nonce_policy;
	uint32_t max_registrants;
	uint32_t max_registrants_per_site;
	uint32_t registrant_hold_ms;		/* 0: kept until restart */
	uint32_t max_pending_notifies;
	uint32_t pubsub_max_subscriptions;
	uint32_t pubsub_max_per_xtr;
	uint32_t pubsub_lifetime_ms;
	/* The Map-Servers of these sites, this one included: the referral
	 * set of its MS-ACK / MS-NOT-REGISTERED Map-Referrals (ms_ddt.h). */
	size_t ddt_peer_count;
	struct lisp_addr ddt_peers[CP_CONFIG_DDT_PEERS_MAX];
	size_t site_count;
	struct cp_config_site *sites;
};

/* map-resolver.ddt: the DDT Map-Resolver (RFC 8111, docs/ddt.md). */
#define CP_CONFIG_DDT_ROOTS_MAX		8	/* DDT_ROOTS_MAX */
#define CP_CONFIG_DDT_DEPTH_MAX		16	/* DDT_DEPTH_MAX */
struct cp_config_ddt_root {
	struct lisp_addr addr;
	uint8_t priority;
};

struct cp_config_mr_ddt {
	size_t root_count;			/* 0: no DDT resolution */
	struct cp_config_ddt_root *roots;
	uint32_t referral_cache_size;		/* entries */
	uint32_t max_pending;			/* requests resolved at once */
	uint32_t request_timeout_ms;		/* per DDT Map-Request sent */
	uint32_t retries;			/* more sends per referral step */
	uint32_t max_depth;			/* referrals followed per request */
	uint32_t negative_ttl_min_min;		/* negative TTL bounds, minutes */
	uint32_t negative_ttl_max_min;
	uint32_t unresponsive_hold_ms;		/* a member that timed out, skipped */
};

struct cp_config_map_resolver {
	bool present;
	uint32_t negative_ttl_min;		/* EID not in any configured prefix */
	uint32_t negative_ttl_unregistered_min;	/* configured, not registered */
	uint32_t rate_limit;			/* Map-Requests/s per source; 0: off */
	uint32_t rate_burst;
	uint32_t rate_sources;			/* sources with a bucket (ratelimit.h) */
	uint32_t smr_requesters;		/* ITRs proxy-replied to, kept for SMR */
	uint32_t global_rate;			/* replies + forwards/s, all; 0: off */
	uint32_t global_burst;
	uint32_t verified_rate;			/* the same for verified ITRs */
	uint32_t verified_burst;
	size_t trusted_itr_count;		/* ITR prefixes vouched for */
	struct lisp_prefix *trusted_itrs;
	uint32_t forward_next_hops;		/* ECMs one request goes on as */
	uint32_t health_interval_ms;		/* Map-Server probes; 0: off */
	uint32_t health_misses;			/* unanswered in a row: down */
	/* One per Map-Server and its prefixes: an entry with "addresses"
	 * becomes one per address, in order (the order of fail-over). */
	size_t forward_count;
	struct cp_config_forward *forwards;
	struct cp_config_mr_ddt ddt;
	/* signed-requests (mr_ecdsa.h, docs/ecdsa.md): enum cp_signed_requests */
	uint8_t signed_requests;
	uint32_t signed_verify_rate;		/* ECDSA verifications/s, all; 0: off */
	uint32_t signed_verify_burst;
	uint32_t signed_verify_per_signer;	/* the same per signer; 0: off */
	struct cp_config_lisp_sec_key lisp_sec_key;	/* unwraps the ITRs' OTKs */
};

struct cp_config_etr {
	bool present;
	uint32_t register_interval_ms;
	bool want_map_notify;
	bool proxy_reply;
	uint32_t record_ttl_min;		/* default for database entries */
	uint32_t reply_rate;			/* Map-Replies/s, all; 0: off */
	uint32_t reply_burst;
	uint32_t smr_requesters;		/* ITRs kept per database entry */
	uint32_t probe_reply_ratio;		/* probe reply carries the mapping
						 * within this x the probe */
	size_t map_server_count;
	struct cp_config_server *map_servers;
	size_t mapping_count;
	struct cp_config_mapping *database;
	/* What the Map-Servers' sites accept (empty: not known here): the
	 * database and the REST API refuse any other EID up front. */
	size_t accepted_eid_count;
	struct lisp_prefix *accepted_eids;
};

struct cp_config_itr {
	bool present;
	uint32_t request_timeout_ms;		/* first retransmission; doubles */
	uint32_t request_tries;
	uint32_t request_max_pending;		/* resolutions in flight */
	uint32_t cache_max_entries;
	uint32_t cache_refresh_ms;		/* re-resolve this long before expiry; 0: off */
	bool cache_negative;			/* keep Negative Map-Replies */
	bool smr;				/* honour Solicit-Map-Requests */
	uint32_t smr_rate;			/* SMR-driven requests/s, all; 0: off */
	uint32_t smr_burst;
	bool subscribe;				/* RFC 9437 pub/sub */
	bool probe;				/* RLOC probing */
	uint32_t probe_interval_ms;
	uint32_t probe_timeout_ms;
	uint32_t probe_tries;
	uint32_t probe_max_pending;		/* probes in flight */
	enum cp_itr_lisp_sec lisp_sec;
	struct cp_config_lisp_sec_key lisp_sec_key;	/* shared with the Map-Resolvers */
	size_t map_resolver_count;
	struct cp_config_server *map_resolvers;
	size_t petr_count;
	struct cp_config_rloc *petrs;
	size_t static_count;
	struct cp_config_mapping *statics;
	/* ecdsa-key: signs Map-Requests as its crypto-EID in
	 * crypto-eid-prefix (an IPv6 prefix, each request's IID). */
	char *ecdsa_key;
	struct lisp_prefix ecdsa_prefix;
};

/* pitr and petr sections: their keys (pitr.eid-prefixes,
 * petr.instance-ids) are refused until the proxy roles use them
 * (docs/config.md, "Refused keys"); only the section's presence is kept. */
struct cp_config_pitr {
	bool present;
};

struct cp_config_petr {
	bool present;
};

struct cp_config_rest {
	bool present;
	bool enabled;
	struct lisp_addr addr;
	uint16_t port;
	char *token;
	/* Slow clients (docs/security.md, "REST under slow clients"). */
	uint32_t max_conns;		/* open at once */
	uint32_t max_conns_per_addr;	/* from one client address */
	uint32_t header_deadline_ms;	/* accept (or last response) to whole head */
	uint32_t body_deadline_ms;	/* head to whole body */
	uint32_t idle_timeout_ms;	/* whole seconds: libmicrohttpd counts seconds */
	uint32_t full_wait_ms;		/* a newcomer to a full table: its head within */
	/* https (docs/security.md, "REST over TLS"): PEM files, both or
	 * neither; read by the API at start, -n and every reload. */
	char *tls_cert_file;
	char *tls_key_file;
};

/* dataplane: the lispgw-dp channel (docs/dataplane-channel.md). */
struct cp_config_dataplane {
	bool present;
	char *socket;				/* the data plane's UNIX socket */
};

/* cats: context-aware selection (docs/cats.md). */
struct cp_config_cats_policy {
	bool any_iid;				/* no instance-id: every other IID */
	uint32_t iid;
	char *rank;				/* "latency_ms,load" (attrq.h) */
};

struct cp_config_cats {
	bool present;
	size_t policy_count;
	struct cp_config_cats_policy *policies;	/* Map-Resolver and ITR ranking */
	char *metrics_file;			/* ETR service metrics; NULL: none */
	uint32_t metrics_interval_ms;
	uint32_t metrics_threshold_pct;		/* re-register past this change */
};

/* ddt-node: a LISP-DDT node's authority and delegations (docs/ddt.md,
 * config_ddt.c). */
#define CP_CONFIG_DDT_REFERRALS_MAX	16	/* a delegation's referral set */
#define CP_CONFIG_DDT_AUTH_MAX		4096	/* authoritative-prefixes */
#define CP_CONFIG_DDT_DELEGATIONS_MAX	65536

enum cp_ddt_delegation_type {
	CP_DDT_TO_NODE = 0,			/* child DDT nodes: NODE-REFERRAL */
	CP_DDT_TO_MAP_SERVER,			/* Map-Servers: MS-REFERRAL */
};

struct cp_config_ddt_referral {
	struct lisp_addr addr;
	uint8_t priority;
	uint8_t weight;
};

struct cp_config_ddt_delegation {
	struct lisp_prefix eid;
	uint8_t type;				/* enum cp_ddt_delegation_type */
	size_t referral_count;
	struct cp_config_ddt_referral *referrals;
};

struct cp_config_ddt_node {
	bool present;
	uint32_t referral_ttl_min;		/* NODE-/MS-REFERRAL */
	uint32_t hole_ttl_min;			/* DELEGATION-HOLE */
	uint32_t rate_limit;			/* DDT requests/s per source; 0: off */
	uint32_t rate_burst;
	uint32_t rate_sources;
	uint32_t global_rate;			/* Map-Referrals/s, all; 0: off */
	uint32_t global_burst;
	size_t auth_count;
	struct lisp_prefix *auths;		/* authoritative-prefixes */
	size_t delegation_count;
	struct cp_config_ddt_delegation *delegations;
};

/* agents: EID pools and the state file (docs/agents.md). */
struct cp_config_agents {
	bool present;
	char *state_file;			/* NULL: allocations live in memory */
	uint32_t max;				/* agents and kept allocations */
	size_t pool_count;
	struct lisp_prefix *pools;		/* [iid]prefix to allocate from */
	size_t space_count;
	struct lisp_prefix *spaces;		/* where brought EIDs may lie */
	/* crypto-EID agents (docs/agents.md): the prefixes "crypto_eid" may
	 * name per IID, the first of an IID the one `true` means. */
	size_t crypto_prefix_count;
	struct lisp_prefix *crypto_prefixes;
};

/* privileges: who lispgw-cp runs as once bound, and its seccomp filter
 * (config_privs.c, docs/security.md "Privilege separation"). */
enum cp_seccomp_mode {
	CP_SECCOMP_OFF,
	CP_SECCOMP_ON,		/* a forbidden system call ends the process (SIGSYS) */
	CP_SECCOMP_LOG,		/* allowed, and logged by the kernel: for debugging */
};

struct cp_config_privs {
	char *user;				/* never NULL once loaded */
	char *group;				/* NULL: the user's login group */
	enum cp_seccomp_mode seccomp;
};

const char *cp_config_seccomp_name(enum cp_seccomp_mode m);

struct cp_config {
	unsigned int roles;			/* enum cp_role bits */
	int log_level;				/* LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG */
	bool xtr_id_set;			/* else one is drawn at start-up */
	uint8_t xtr_id[16];
	uint64_t site_id;
	uint16_t listen_port;
	size_t listen_count;
	struct lisp_addr *listen;
	struct cp_config_rest rest;
	struct cp_config_dataplane dataplane;
	struct cp_config_map_server ms;
	struct cp_config_map_resolver mr;
	struct cp_config_etr etr;
	struct cp_config_itr itr;
	struct cp_config_pitr pitr;
	struct cp_config_petr petr;
	struct cp_config_cats cats;		/* CATS (config_cats.c) */
	struct cp_config_agents agents;		/* agents (config_agents.c) */
	struct cp_config_ddt_node ddt;		/* ddt-node (config_ddt.c) */
	struct cp_config_privs privs;		/* privileges (config_privs.c) */
};

/*
 * Parses and validates path.  On success *out receives a new config (free
 * it with cp_config_free) and returns 0.  On failure *out is untouched,
 * errs (when non-NULL) holds every error, and the return is -EINVAL (bad
 * document), -ENOENT/-EACCES/... (unreadable file) or -ENOMEM.
 */
int cp_config_load(const char *path, struct cp_config **out, struct cfg_errors *errs);
void cp_config_free(struct cp_config *cfg);

/* Writes cfg as YAML with every default made explicit; loading the output
 * gives a config cp_config_equal() to cfg.  Returns 0 or -errno. */
int cp_config_print(const struct cp_config *cfg, FILE *f);
bool cp_config_equal(const struct cp_config *a, const struct cp_config *b);

/* A configured RLOC as a locator: with attributes, a JSON LCAF around the
 * address (RFC 8060, section 4.10.2), inner receiving the address.  The
 * start path and the record-size check both build records with it. */
struct lisp_locator;
struct lisp_waddr;
void cp_config_rloc_locator(const struct cp_config_rloc *r, struct lisp_locator *loc,
			    struct lisp_waddr *inner);

/* Parts of cp_config_equal, for a reload to see which keys changed.
 * Strings: both NULL or the same text; prefix lists: same order. */
bool cp_config_str_equal(const char *a, const char *b);
bool cp_config_prefixes_equal(const struct lisp_prefix *a, size_t na,
			      const struct lisp_prefix *b, size_t nb);
/* map-resolver.ddt alike (a reload that changes it restarts the DDT
 * Map-Resolver). */
bool cp_config_mr_ddt_equal(const struct cp_config_mr_ddt *a, const struct cp_config_mr_ddt *b);
bool cp_config_servers_equal(const struct cp_config_server *a, size_t na,
			     const struct cp_config_server *b, size_t nb);
bool cp_config_rlocs_equal(const struct cp_config_rloc *a, size_t na,
			   const struct cp_config_rloc *b, size_t nb);
bool cp_config_mappings_equal(const struct cp_config_mapping *a, size_t na,
			      const struct cp_config_mapping *b, size_t nb);
bool cp_config_agents_equal(const struct cp_config_agents *a, const struct cp_config_agents *b);
bool cp_config_ddt_equal(const struct cp_config_ddt_node *a, const struct cp_config_ddt_node *b);

/* "map-server", "itr", ...; NULL for anything but a single role bit. */
const char *cp_role_name(unsigned int role);

#endif
