/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Between the tables' files (tables.c, tables_hosts.c): not for other
 * modules.
 */
#ifndef LISPGW_DP_TABLES_PRIV_H
#define LISPGW_DP_TABLES_PRIV_H

#include "tables.h"

/* After t->hosts and t->qsbr exist: the hash's RCU defer queue and the
 * ageing state.  0 or -ENOMEM; dp_tables_free() frees both. */
int dp_tables_hosts_init(struct dp_tables *t);

#endif
