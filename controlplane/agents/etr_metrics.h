/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The CATS service-metric agent of an ETR (docs/cats.md): every interval
 * it reads a JSON file of current metrics per RLOC,
 *   {"rlocs": {"192.0.2.11": {"load": 0.42, "latency_ms": 3}, ...}}
 * merges each RLOC's object over the attributes the database gives that
 * RLOC, and hands a mapping to etr_db_set() (registered at once) only when
 * some value moved past the threshold: a number by more than threshold_pct
 * percent of its registered value (any move from 0), anything else when
 * it differs.  Small moves cause no Map-Register at all; an unreadable or
 * invalid file changes nothing (counted): the agent never withdraws.
 */
#ifndef LISPGW_ETR_METRICS_H
#define LISPGW_ETR_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "etr.h"
#include "evloop.h"

struct etr_metrics_rloc {
	struct lisp_addr addr;
	uint8_t priority, weight;
	const char *attrs;		/* JSON object text from the database; NULL: none */
};

struct etr_metrics_mapping {
	struct lisp_prefix eid;
	uint32_t ttl_min;
	size_t rloc_count;
	const struct etr_metrics_rloc *rlocs;
};

struct etr_metrics_params {
	const char *file;
	uint64_t interval_ms;
	uint32_t threshold_pct;
};

#define ETR_METRICS_COUNTERS(X) \
	X(polls)                \
	X(read_errors)          \
	X(updates)              \
	X(below_threshold)

struct etr_metrics_counters {
#define ETR_METRICS_FIELD(name) uint64_t name;
	ETR_METRICS_COUNTERS(ETR_METRICS_FIELD)
#undef ETR_METRICS_FIELD
};

struct etr_metrics;

/* Copies params and the database (the base attributes); polls from
 * etr_metrics_start() on. */
struct etr_metrics *etr_metrics_new(struct evloop *loop, struct etr *etr,
				    const struct etr_metrics_params *params,
				    const struct etr_metrics_mapping *db, size_t n);
/* A mapping the agent keeps current besides the configured database (an
 * agent registered through the API, docs/agents.md): added, or replaced
 * with new base attributes; copied.  0 or -ENOMEM. */
int etr_metrics_set(struct etr_metrics *m, const struct etr_metrics_mapping *e);
/* ... and forgotten (its EID withdrawn).  0 or -ENOENT. */
int etr_metrics_del(struct etr_metrics *m, const struct lisp_prefix *eid);
void etr_metrics_free(struct etr_metrics *m);
void etr_metrics_start(struct etr_metrics *m);
/* One poll now: the number of mappings handed to the ETR, or -errno when
 * the file could not be used. */
int etr_metrics_poll(struct etr_metrics *m);
const struct etr_metrics_counters *etr_metrics_counters(const struct etr_metrics *m);

#endif
