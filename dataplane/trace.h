/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet trace (docs/dataplane.md, "Packet trace"), after VPP's
 * `trace add`: the next N packets a worker receives (on any port, the EID
 * side or the RLOC side) are recorded with the stages of the pipeline they
 * went through, the counter they were counted under (the drop reason, the
 * punt, or encap/decap) and their first bytes as received.
 *
 * Off by default and free when off: the hooks are compiled into the
 * DP_FP_TRACE instances of encap and decap only (fastpath.h), which a
 * worker runs while its trace flag is set.
 *
 * Memory rule.  A worker's buffer is allocated by the first trace_add and
 * never freed; only its worker writes n and the records: it writes record
 * n, then publishes n + 1 (release), so a reader that loads n (acquire)
 * sees whole records below it.  dp_trace_clear() only raises `reset`: the
 * worker empties its buffer at its next traced burst, readers see none
 * meanwhile.  (So no grace period is needed, which the main lcore, no RCU
 * reader when it forwards alone, could not give.)
 */
#ifndef LISPGW_DP_TRACE_H
#define LISPGW_DP_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "counters.h"
#include "fastpath.h"
#include "worker.h"

#define DP_TRACE_RECS		64	/* records per worker */
#define DP_TRACE_HDR		48	/* bytes of the frame kept */

/* The stages, in pipeline order (a bit each in a record). */
#define DP_TRACE_STAGES(X)							\
	X(RX_EID, "rx-eid")		/* received on an EID-side port */	\
	X(ENCAP_PARSE, "encap-parse")	/* inner header checked, flow hashed */ \
	X(ENCAP_LOOKUP, "encap-lookup")	/* map-cache looked up, verdict */	\
	X(ENCAP_LOCAL, "local-deliver")	/* to one of our own EIDs */		\
	X(ENCAP_RLOC, "encap-rloc")	/* RLOC chosen */			\
	X(ENCAP_WRITE, "encap-write")	/* outer header written */		\
	X(RX_RLOC, "rx-rloc")		/* received on an RLOC-side port */	\
	X(DECAP_OUTER, "decap-outer")	/* outer IP, UDP, tunnel header */	\
	X(DECAP_VRF, "decap-vrf")	/* Instance-ID -> VRF */		\
	X(DECAP_INNER, "decap-inner")	/* inner header, MTU, TTL, ECN */	\
	X(DECAP_WRITE, "decap-write")	/* stripped, MAC header in front */	\
	X(DECAP_HOST, "decap-host")	/* host MAC looked up */

enum dp_trace_stage {
#define DP_TRACE_ENUM(name, text) DP_TS_##name,
	DP_TRACE_STAGES(DP_TRACE_ENUM)
#undef DP_TRACE_ENUM
	DP_TS_COUNT
};

/* Which packets trace_add takes. */
enum dp_trace_filter { DP_TRACE_ANY, DP_TRACE_EID, DP_TRACE_RLOC };

struct dp_trace_rec {
	uint64_t tsc;
	uint32_t iid;		/* DP_IID_NONE: not known */
	uint16_t stages;	/* 1 << enum dp_trace_stage */
	uint16_t verdict;	/* enum dp_ctr it was counted under */
	uint16_t in_port;
	uint16_t out_port;	/* UINT16_MAX: not sent */
	uint16_t len;		/* frame length on arrival */
	uint8_t hdr_len;
	uint8_t hdr[DP_TRACE_HDR];
};

struct dp_trace {
	uint32_t budget;	/* packets still to take (trace_add; the worker) */
	uint32_t filter;	/* enum dp_trace_filter */
	uint32_t n;		/* whole records (the worker's) */
	uint32_t reset;		/* clear asked: n is 0 at the next traced burst */
	struct dp_trace_rec rec[DP_TRACE_RECS];
} __rte_cache_aligned;

/* By worker index (w->tid); NULL until the first trace_add. */
extern struct dp_trace *dp_traces[RTE_MAX_LCORE];

/* The records of one chunk of a traced burst (the worker's stack). */
struct dp_trace_chunk {
	struct dp_trace *tr;
	uint16_t k;				/* records taken */
	struct dp_trace_rec *r[DP_BURST];	/* by position; NULL: not traced */
};

/* Worker, DP_FP_TRACE instances: the start of a chunk of n packets from
 * port in_port (decap: the RLOC side).  Takes the packets the budget and
 * the filter allow. */
static inline void dp_trace_chunk_begin(struct dp_worker *w, struct dp_trace_chunk *tc,
					struct rte_mbuf **pkts, uint16_t n, bool decap)
{
	struct dp_trace *tr = w->tid < RTE_MAX_LCORE ? dp_traces[w->tid] : NULL;
	uint32_t budget, take;
	uint64_t now;

	tc->tr = tr;
	tc->k = 0;
	memset(tc->r, 0, sizeof(tc->r[0]) * n);
	if (!tr)
		return;
	if (__atomic_load_n(&tr->reset, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&tr->n, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&tr->reset, 0, __ATOMIC_RELEASE);
	}
	if (tr->filter == (decap ? DP_TRACE_EID : DP_TRACE_RLOC))
		return;
	/* trace_add may raise the budget meanwhile: take with a CAS. */
	budget = __atomic_load_n(&tr->budget, __ATOMIC_ACQUIRE);
	do {
		if (budget == 0) {
			/* Done: back to the instance without the hooks. */
			__atomic_fetch_and(&w->fp, ~DP_FP_TRACE, __ATOMIC_RELAXED);
			return;
		}
		take = RTE_MIN((uint32_t)n, budget);
		if (take > DP_TRACE_RECS - tr->n)
			take = DP_TRACE_RECS - tr->n;
	} while (!__atomic_compare_exchange_n(&tr->budget, &budget, budget - take, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE));
	now = rte_rdtsc();
	for (uint16_t i = 0; i < take; i++) {
		struct dp_trace_rec *r = &tr->rec[tr->n + tc->k++];
		const struct rte_mbuf *m = pkts[i];

		r->tsc = now;
		r->iid = UINT32_MAX;
		r->stages = (uint16_t)(1u << (decap ? DP_TS_RX_RLOC : DP_TS_RX_EID));
		r->verdict = 0;
		r->in_port = m->port;
		r->out_port = UINT16_MAX;
		r->len = (uint16_t)rte_pktmbuf_pkt_len(m);
		r->hdr_len = (uint8_t)RTE_MIN(rte_pktmbuf_data_len(m), (uint32_t)DP_TRACE_HDR);
		memcpy(r->hdr, rte_pktmbuf_mtod(m, const uint8_t *), r->hdr_len);
		tc->r[i] = r;
	}
}

/* The chunk's records are whole: publish them. */
static inline void dp_trace_chunk_end(struct dp_trace_chunk *tc)
{
	if (tc->k)
		__atomic_store_n(&tc->tr->n, tc->tr->n + tc->k, __ATOMIC_RELEASE);
}

static inline void dp_trace_stage(struct dp_trace_rec *r, enum dp_trace_stage s)
{
	if (r)
		r->stages |= (uint16_t)(1u << s);
}

static inline void dp_trace_verdict(struct dp_trace_rec *r, enum dp_ctr why, uint32_t iid,
				    uint16_t out_port)
{
	if (r) {
		r->verdict = (uint16_t)why;
		r->iid = iid;
		r->out_port = out_port;
	}
}

/* Telemetry thread (the telemetry lock held). */
struct dp_app;
struct rte_tel_data;

/* A record copied out for /lispgw/trace. */
struct dp_trace_view {
	unsigned int worker;
	uint32_t seq;
	struct dp_trace_rec rec;
};

#define DP_TRACE_PAGE		24	/* records a /lispgw/trace answer shows */

/* "N[,eid|rloc]" (1 <= N <= DP_TRACE_RECS): 0 or -EINVAL. */
int dp_trace_parse_add(const char *params, uint32_t *n, enum dp_trace_filter *filter);
/* At most max records from index cursor (workers in order, then their
 * records), and the total. */
unsigned int dp_trace_copy(struct dp_app *app, uint32_t cursor, struct dp_trace_view *v,
			   unsigned int max, uint32_t *total);
/* The answer (lock released): traced, cursor, next, records. */
void dp_trace_format(const struct dp_trace_view *v, unsigned int n, uint32_t cursor,
		     uint32_t total, struct rte_tel_data *d);

/* Takes the next n packets of every worker (filter: DP_TRACE_*), on top
 * of what is recorded; n is capped by the room left.  0 or -ENOMEM. */
int dp_trace_add(struct dp_app *app, uint32_t n, enum dp_trace_filter filter);
/* Stops tracing and forgets the records (at each worker's next traced
 * burst; shown as none at once). */
void dp_trace_clear(struct dp_app *app);
/* The name of a stage ("decap-outer"). */
const char *dp_trace_stage_name(enum dp_trace_stage s);

#endif
