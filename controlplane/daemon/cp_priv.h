/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by cp.c and cp_itr.c. */
#ifndef LISPGW_CP_PRIV_H
#define LISPGW_CP_PRIV_H

#include "config.h"
#include "ddt_node.h"
#include "itr.h"

struct cp;

/* Room on the stack while building the roles (the check keeps within it). */
#define CP_SITE_EIDS_MAX	64	/* EID-prefixes of one site */
#define CP_SERVERS_MAX		16	/* etr.map-servers, itr.map-resolvers */

struct itr *cp_itr_from_config(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);
/* The ITR's parameters and Map-Resolvers (CP_SERVERS_MAX room) of cfg;
 * returns the Map-Resolver count.  Start and reload share it. */
/* itr.ecdsa-key: loads the key and hands it to the ITR (none: unsigned). */
int cp_itr_ecdsa_set(struct itr *itr, const struct cp_config *cfg, struct lisp_err *err);
size_t cp_itr_params_from_config(const struct cp_config *cfg, struct itr_params *params,
				 struct itr_map_resolver *mrs);
int cp_itr_static_set(struct itr *itr, const struct cp_config_mapping *m, struct lisp_err *err);

/* The other roles from a configuration (cp.c); the reload (cp_reload.c)
 * builds the new ones aside with them. */
struct site_table *cp_sites_from_config(const struct cp_config *cfg, struct lisp_err *err);
struct etr *cp_etr_from_config(struct cp *cp, const struct cp_config *cfg,
			       struct lisp_err *err);
struct map_resolver *cp_mr_from_config(struct cp *cp, const struct cp_config *cfg);
/* The Map-Server's and pub/sub's caps and expiries, at start and on reload. */
void cp_ms_limits_apply(struct cp *cp, const struct cp_config *cfg);

/* The DDT node (cp_ddt_node.c): its table and parameters from cfg; NULL with
 * err filled.  The reload builds the new table aside with the same. */
struct ddt_tree *cp_ddt_node_tree_from_config(const struct cp_config *cfg, struct lisp_err *err);
void cp_ddt_node_params_from_config(const struct cp_config *cfg, struct ddt_node_params *p);
int cp_ddt_node_start(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);
/* Which other roles share the ECMs with it (after every role (re)build). */
void cp_ddt_node_local_apply(struct cp *cp);
/* map-resolver.ddt (cp_ddt.c): the DDT Map-Resolver after cp->mr is
 * (re)built; old is the running configuration on a reload, else NULL. */
int cp_ddt_apply(struct cp *cp, const struct cp_config *cfg, const struct cp_config *old);
void cp_ddt_stop(struct cp *cp);

/* CATS (cp_cats.c): ranking policies to the Map-Resolver and the ITR, the
 * ETR's metric agent; again after every (re)build of those roles. */
int cp_cats_apply(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);
void cp_cats_stop(struct cp *cp);

#endif
