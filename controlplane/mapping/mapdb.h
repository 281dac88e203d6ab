/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mapping database: EID prefixes per Instance-ID and address family in
 * path-compressed binary (patricia) tries, plus an exact-match index for
 * Distinguished-Name EIDs.  It answers what a Map-Server and Map-Resolver
 * ask: exact lookup, longest match for an address, the prefixes that cover
 * or sit under a prefix, and the least-specific prefix around an address
 * that holds no entry (the prefix of a Negative Map-Reply, RFC 9301 8.1).
 *
 * Values are opaque pointers owned by the caller.  Single-threaded: the
 * control plane's event loop owns it (the data plane has its own tables).
 */
#ifndef LISPGW_MAPDB_H
#define LISPGW_MAPDB_H

#include <stdbool.h>
#include <stddef.h>

#include "lisp_addr.h"

struct mapdb;

struct mapdb *mapdb_new(void);
void mapdb_free(struct mapdb *db);

/* Inserts or replaces; *old (if non-NULL) receives the replaced value or
 * NULL.  The prefix must be masked (lisp_prefix_parse guarantees it).
 * -EINVAL for an AFI the database does not index (NONE, LCAF). */
int mapdb_insert(struct mapdb *db, const struct lisp_prefix *p, void *value, void **old);
/* Removes and returns the value, NULL if absent. */
void *mapdb_remove(struct mapdb *db, const struct lisp_prefix *p);
void *mapdb_exact(const struct mapdb *db, const struct lisp_prefix *p);

/* Longest prefix that contains p (p may itself be a host or a prefix);
 * *match receives that prefix.  DNs match exactly. */
void *mapdb_longest(const struct mapdb *db, const struct lisp_prefix *p,
		    struct lisp_prefix *match);

/* The least-specific prefix that contains p->addr and contains no entry of
 * the database, for a p that no entry covers.  Returns false when an entry
 * covers p (then there is no such prefix). */
bool mapdb_uncovered(const struct mapdb *db, const struct lisp_prefix *p,
		     struct lisp_prefix *out);

/* Visits every entry under (covered by) p, in address order; with p == NULL
 * every entry of the database.  Stops early when fn returns non-zero and
 * returns that value. */
typedef int (*mapdb_walk_fn)(const struct lisp_prefix *p, void *value, void *arg);
int mapdb_walk(const struct mapdb *db, const struct lisp_prefix *under, mapdb_walk_fn fn,
	       void *arg);

size_t mapdb_count(const struct mapdb *db);
/* Bytes the database itself holds (nodes, tables), not the values. */
size_t mapdb_memory(const struct mapdb *db);

#endif
