/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR's map-cache (RFC 9301, sections 6 and 8; RFC 9300, section 6):
 * what the mapping system told us, per EID prefix.  The Instance-ID is
 * always part of the key, so the same prefix in two IIDs is two entries.
 *
 * An entry keeps its EID-record as received (encoded: priorities, weights,
 * flags and whole address trees, JSON LCAF attributes included, ready for
 * the REST API) and a compact decoded view of its unicast RLOCs with the
 * state the ITR learns about them (probe reachability, RTT).  Entries with
 * no locators are negative: they carry an action (RFC 9301, 5.4).
 *
 * Lifetime: the record TTL (minutes on the wire), capped by ttl_max_ms; a
 * refresh callback runs refresh_ms before expiry so the owner can
 * re-resolve; static entries (configuration, API) never expire and are
 * never evicted.  The cache is bounded: when full, the entry closest to
 * expiry makes room (one min-heap orders entries by expiry and drives both
 * the expiry timer and eviction).
 *
 * Observers hear about every insertion, change, RLOC state change and
 * removal (the data-plane channel pushes entries to the fast path from
 * there).  They must not insert or remove entries from the callback.
 *
 * Single-threaded: the control plane's event loop owns it.
 */
#ifndef LISPGW_MAPCACHE_H
#define LISPGW_MAPCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "lisp_msg.h"

#define MAPCACHE_NEVER		UINT64_MAX	/* expires_ms of static entries */
#define MAPCACHE_OBSERVERS_MAX	4
#define MAPCACHE_RECORD_MAX	9000	/* a record never outgrows its datagram */

enum mapcache_source {
	MAPCACHE_SRC_MAP_REPLY,
	MAPCACHE_SRC_PUBSUB,		/* Map-Notify of a subscription (RFC 9437) */
	MAPCACHE_SRC_STATIC,		/* configuration */
	MAPCACHE_SRC_API,		/* REST */
};

struct mapcache_params {
	size_t max_entries;		/* 0: unbounded */
	uint64_t ttl_max_ms;		/* cap on record TTLs */
	uint64_t refresh_ms;		/* refresh callback this long before expiry; 0: off */
};

#define MAPCACHE_COUNTERS(X)   \
	X(inserted)             \
	X(updated)              \
	X(refreshed)            \
	X(expired)              \
	X(evicted)              \
	X(deleted)              \
	X(withdrawn)            \
	X(static_kept)          \
	X(full_refused)         \
	X(rlocs_down)           \
	X(rlocs_up)

struct mapcache_counters {
#define MAPCACHE_COUNTER_FIELD(name) uint64_t name;
	MAPCACHE_COUNTERS(MAPCACHE_COUNTER_FIELD)
#undef MAPCACHE_COUNTER_FIELD
};

/* A unicast RLOC of an entry: a locator of the record whose address is (or
 * carries, inside a JSON/Geo/AFI-List LCAF) an IPv4 or IPv6 address. */
struct mapcache_rloc {
	struct lisp_addr addr;
	uint8_t priority;		/* 255: not for unicast */
	uint8_t weight;
	uint8_t mpriority;
	uint8_t mweight;
	uint16_t flags;			/* LISP_LOC_F_* as received */
	uint8_t loc_index;		/* its locator in the record */
	bool has_attrs;			/* a JSON LCAF rides with it */
	bool up;
	uint32_t rtt_us;		/* last RLOC-probe round trip; 0: never measured */
	uint32_t probe_failures;	/* consecutive unanswered probes */
	uint64_t probe_nonce;		/* the owner's outstanding probe; 0: none */
	uint64_t last_reply_ms;		/* last answered probe */
};

struct mapcache_entry {
	struct lisp_prefix eid;
	enum mapcache_source source;
	uint8_t action;			/* enum lisp_action */
	bool authoritative;
	uint16_t map_version;
	uint32_t ttl_min;		/* as received */
	uint64_t created_ms;
	uint64_t updated_ms;		/* last install, changed or not */
	uint64_t expires_ms;		/* MAPCACHE_NEVER for static entries */
	uint64_t version;		/* 1, then +1 on every change */
	uint64_t request_last_ms;	/* owner: last Map-Request about it */
	uint8_t loc_count;		/* locators in the record; 0: negative */
	uint8_t rloc_count;		/* of which unicast RLOCs */
	struct mapcache_rloc *rlocs;
	size_t record_len;
	uint8_t *record;		/* the EID-record, encoded */

	/* Private to mapcache.c. */
	struct mapcache *mc;
	size_t heap_idx;
	struct evtimer refresh;
};

enum mapcache_event_type {
	MAPCACHE_EV_ADD,
	MAPCACHE_EV_UPDATE,		/* the mapping changed */
	MAPCACHE_EV_RLOC,		/* an RLOC went up or down */
	MAPCACHE_EV_REMOVE,		/* the entry is freed after the callback */
};

enum mapcache_remove_reason {
	MAPCACHE_RM_NONE,
	MAPCACHE_RM_EXPIRED,
	MAPCACHE_RM_EVICTED,
	MAPCACHE_RM_DELETED,		/* by the owner or the API */
	MAPCACHE_RM_WITHDRAWN,		/* a record with TTL 0 (RFC 9301, 5.4) */
	MAPCACHE_RM_FLUSHED,
};

struct mapcache_event {
	enum mapcache_event_type type;
	enum mapcache_remove_reason reason;	/* REMOVE */
	const struct mapcache_entry *entry;
	unsigned int rloc;			/* RLOC: index in entry->rlocs */
};

typedef void (*mapcache_observer_fn)(void *arg, const struct mapcache_event *ev);
/* Asked to re-resolve an entry that will expire in refresh_ms. */
typedef void (*mapcache_refresh_fn)(void *arg, struct mapcache_entry *e);
/* Walk callback; non-zero stops the walk.  It may change RLOC state but
 * must not insert or remove entries. */
typedef int (*mapcache_walk_fn)(struct mapcache_entry *e, void *arg);

/* Priorities and weights for rec's locators (one each, by locator index):
 * the owner's ranking of what the mapping system sent (CATS). */
typedef void (*mapcache_rank_fn)(void *arg, const struct lisp_record *rec, uint8_t *prio,
				 uint8_t *weight);

struct mapcache;

struct mapcache *mapcache_new(struct evloop *loop, const struct mapcache_params *params,
			      mapcache_refresh_fn refresh, void *refresh_arg);
/* Frees every entry without telling the observers. */
void mapcache_free(struct mapcache *mc);
void mapcache_params_default(struct mapcache_params *p);
/* A reload's new size and refresh lead: they apply to the next insertion
 * and the next expiry scheduled (nothing is evicted at once). */
void mapcache_set_limits(struct mapcache *mc, size_t max_entries, uint64_t refresh_ms);

/* Ranks every record installed from now on from a Map-Reply or pub/sub:
 * the entry (its record and RLOC view, what the API shows and the data
 * plane gets) holds the ranked priorities and weights; attributes and
 * everything else stay as received.  NULL: as received.  0 or -ENOMEM. */
int mapcache_set_ranker(struct mapcache *mc, mapcache_rank_fn fn, void *arg);

int mapcache_observe(struct mapcache *mc, mapcache_observer_fn fn, void *arg);
int mapcache_unobserve(struct mapcache *mc, mapcache_observer_fn fn, void *arg);

/*
 * Installs rec (its EID prefix is the key) from src; *out (if non-NULL)
 * receives the entry, or NULL when none remains.
 *  - TTL 0 from the mapping system removes the entry (RFC 9301, 5.4);
 *  - the same record again only restarts the TTL (no event);
 *  - a static entry is not replaced by the mapping system: -EEXIST;
 *  - full with only static entries: -ENOSPC;
 *  - a record that encodes to over MAPCACHE_RECORD_MAX bytes: -EMSGSIZE;
 *  - an EID that is not an (IID-)prefix: -ENOTSUP.
 */
int mapcache_update(struct mapcache *mc, const struct lisp_record *rec,
		    enum mapcache_source src, struct mapcache_entry **out, struct lisp_err *err);
/* 0, or -ENOENT. */
int mapcache_delete(struct mapcache *mc, const struct lisp_prefix *eid);
/* Removes every entry (static ones too unless keep_static). */
void mapcache_flush(struct mapcache *mc, bool keep_static);

/* Longest entry covering eid (a host or a prefix); exact entry. */
struct mapcache_entry *mapcache_lookup(const struct mapcache *mc, const struct lisp_prefix *eid);
struct mapcache_entry *mapcache_exact(const struct mapcache *mc, const struct lisp_prefix *eid);
/* Entries under `under` (every entry when NULL) in address order. */
int mapcache_walk(const struct mapcache *mc, const struct lisp_prefix *under,
		  mapcache_walk_fn fn, void *arg);

/* RLOC state from probing: an answer (up, RTT in microseconds), or one
 * more unanswered probe (down after `limit` in a row).  Observers hear of
 * transitions only. */
void mapcache_rloc_reachable(struct mapcache *mc, struct mapcache_entry *e, unsigned int idx,
			     uint32_t rtt_us, uint64_t now_ms);
void mapcache_rloc_unanswered(struct mapcache *mc, struct mapcache_entry *e, unsigned int idx,
			      unsigned int limit);
/* Index of addr among e's RLOCs, -ENOENT. */
int mapcache_rloc_find(const struct mapcache_entry *e, const struct lisp_addr *addr);

bool mapcache_entry_is_static(const struct mapcache_entry *e);
const char *mapcache_source_name(enum mapcache_source src);

size_t mapcache_count(const struct mapcache *mc);
const struct mapcache_counters *mapcache_counters(const struct mapcache *mc);

#endif
