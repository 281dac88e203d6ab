/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The lispgw-cp daemon context: one event loop, the 4342 sockets, and the
 * roles the configuration asks for, wired so that each received control
 * message reaches the role it is for and every role sends through the same
 * sockets.  main.c owns one of these; the REST API reads it.
 */
#ifndef LISPGW_CP_H
#define LISPGW_CP_H

#include <stdint.h>

#include "config.h"
#include "ddt_node.h"
#include "ddt_mr.h"
#include "dp_push.h"
#include "etr.h"
#include "itr.h"
#include "evloop.h"
#include "map_resolver.h"
#include "map_server.h"
#include "pubsub.h"
#include "site.h"
#include "udp_io.h"

#define CP_SOCKS_MAX 16

/* Control messages in and out, by type (index = LISP message type). */
struct cp_msg_counters {
	uint64_t rx[16];
	uint64_t tx[16];
	uint64_t rx_unroutable;		/* no role here takes that type */
	uint64_t tx_no_socket;		/* no socket of the destination's family */
	uint64_t reloads;
	uint64_t reload_failures;
	uint64_t reload_keys_not_applied;	/* changed keys a reload kept (cp_reload.c) */
};

/*
 * The ITR role's map-cache as the REST API and /metrics see it.  The daemon
 * builds cp->itr (the struct itr); the API, when it starts, sets
 * cp->itr_ops (rest_itr_ops, api/rest.h, adapts itr.h/mapcache.h); without
 * them the API answers 404 naming the missing role.  Called on the loop's thread only.
 */
struct cp_cache_entry {
	struct lisp_prefix eid;
	const struct lisp_record *rec;	/* TTL, action, locators (JSON LCAF attributes) */
	bool is_static;
	const char *source;		/* "map-reply", "pubsub", "static", "api"; or NULL */
	uint64_t created_ms;		/* evloop clock; 0 unknown */
	uint64_t expires_ms;		/* evloop clock; 0 never */
	const bool *loc_up;		/* per locator of rec; NULL: not known */
	const uint32_t *loc_rtt_us;	/* per locator; 0 never measured; NULL: none */
};

typedef int (*cp_cache_walk_fn)(const struct cp_cache_entry *e, void *arg);

struct cp_itr_ops {
	size_t (*cache_count)(void *itr);
	/* Visits every entry; stops early and returns fn's non-zero value. */
	int (*cache_walk)(void *itr, cp_cache_walk_fn fn, void *arg);
	/* A static entry: rec is copied; 0 or -errno with err filled. */
	int (*static_set)(void *itr, const struct lisp_record *rec, struct lisp_err *err);
	/* 0, or -ENOENT when eid is not a static entry. */
	int (*static_del)(void *itr, const struct lisp_prefix *eid);
	bool (*static_exists)(void *itr, const struct lisp_prefix *eid);
};

struct agent;
struct agent_store;

struct cp {
	struct evloop *loop;
	char *config_path;
	struct cp_config *cfg;
	struct udp_io *socks[CP_SOCKS_MAX];
	size_t sock_count;
	struct site_table *sites;
	struct map_server *ms;
	struct map_resolver *mr;
	struct ddt_mr *ddt_mr;			/* map-resolver.ddt; NULL without roots */
	struct pubsub *pubsub;
	struct etr *etr;
	const struct cp_itr_ops *itr_ops;	/* NULL without the ITR role */
	struct itr *itr;
	struct dp_push *dp;			/* NULL without a dataplane section */
	struct ddt_node *ddt;			/* LISP-DDT node (cp_ddt_node.c); or NULL */
	struct etr_metrics *etr_metrics;	/* CATS metric agent (cp_cats.c) */
	struct agent_store *agents;		/* agents (cp_agents.c); NULL without ETR */
	struct cp_msg_counters c;
	uint64_t started_ms;
	/* A layer above (the REST API's certificate) checks a reload's new
	 * configuration before anything is applied; < 0 refuses the reload
	 * (counted in c.reload_failures).  NULL: none. */
	int (*reload_check)(void *arg, const struct cp_config *next, struct lisp_err *err);
	void *reload_check_arg;
};

/* Builds every role of cfg (which the context then owns) and opens the
 * sockets.  Errors are reported in err; nothing is left half started. */
int cp_start(struct cp *cp, struct evloop *loop, const char *config_path,
	     struct cp_config *cfg, struct lisp_err *err);
void cp_stop(struct cp *cp);

/* Parses the configuration file aside; when it is valid, swaps it in and
 * updates the roles (registrations survive); when not, logs every error
 * and keeps running on the old one.  A changed key that needs a restart
 * is logged by name, counted (c.reload_keys_not_applied) and kept at its
 * running value (docs/config.md, "What a reload applies").  A change of
 * roles refuses the whole reload.  0 or -EINVAL. */
int cp_reload(struct cp *cp);

/* Agents (cp_agents.c): an agent's records into the ETR database (each
 * registered at once), the data plane and the metrics agent; 0 or -errno
 * with err filled (-ERANGE: no RLOC of its own and no site prefix covers
 * it).  Uninstall withdraws them (and its DN's record with with_dn). */
int cp_agent_install(struct cp *cp, const struct agent *a, struct lisp_err *err);
void cp_agent_uninstall(struct cp *cp, const struct agent *a, bool with_dn);
/* A crypto-EID agent (agent.crypto): makes its P-256 key beside the state
 * file (0600, never over a file: -EEXIST) and derives a->eid from it;
 * _remove deletes the key file. */
int cp_agent_crypto_create(struct cp *cp, struct agent *a, struct lisp_err *err);
void cp_agent_crypto_remove(struct cp *cp, const struct agent *a);
/* The hash-EID Distinguished Name of a crypto agent's EID. */
int cp_agent_hash_eid(const struct agent *a, struct lisp_prefix *out);
/* Registers every active agent through the ETR (start-up, and after a
 * reload rebuilt the ETR).  Failures are logged per agent. */
void cp_agents_install_all(struct cp *cp);
/* Whether a site prefix of the ETR database (shorter than eid) covers eid;
 * arg is the struct cp (agent_store_add's callback). */
bool cp_agent_site_covers(void *arg, const struct lisp_prefix *eid);

/* Sends a control message from the socket of the destination's family. */
void cp_send(void *cp, const struct lisp_addr *dst, uint16_t port, const uint8_t *msg,
	     size_t len);

#endif
