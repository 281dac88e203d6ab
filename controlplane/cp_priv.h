/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by cp.c and cp_itr.c. */
#ifndef LISPGW_CP_PRIV_H
#define LISPGW_CP_PRIV_H

#include "config.h"
#include "itr.h"

struct cp;

/* Room on the stack while building the roles (the check keeps within it). */
#define CP_SITE_EIDS_MAX	64	/* EID-prefixes of one site */
#define CP_SERVERS_MAX		16	/* etr.map-servers, itr.map-resolvers */

struct itr *cp_itr_from_config(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);

/* CATS (cp_cats.c): ranking policies to the Map-Resolver and the ITR, the
 * ETR's metric agent; again after every (re)build of those roles. */
int cp_cats_apply(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);
void cp_cats_stop(struct cp *cp);

#endif
