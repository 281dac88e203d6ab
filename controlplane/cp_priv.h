/* SPDX-License-Identifier: BSD-3-Clause */
/* Internals shared by cp.c and cp_itr.c. */
#ifndef LISPGW_CP_PRIV_H
#define LISPGW_CP_PRIV_H

#include "config.h"
#include "itr.h"

struct cp;

/* A configured RLOC as a locator (a JSON LCAF around it with attributes). */
void cp_locator_from_config(const struct cp_config_rloc *r, struct lisp_locator *loc,
			    struct lisp_waddr *inner);
struct itr *cp_itr_from_config(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);

/* CATS (cp_cats.c): ranking policies to the Map-Resolver and the ITR, the
 * ETR's metric agent; again after every (re)build of those roles. */
int cp_cats_apply(struct cp *cp, const struct cp_config *cfg, struct lisp_err *err);
void cp_cats_stop(struct cp *cp);

#endif
