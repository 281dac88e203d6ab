/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture with dpdk-dumpcap (capture.h).  dpdk-dumpcap is a DPDK secondary
 * process: it creates a ring and a mempool in the shared memory and sends
 * the primary an "mp_pdump" request (enable: port, queues, direction, ring,
 * mempool, snap length, optional BPF filter; disable), then writes what it
 * dequeues from the ring to a pcapng file.
 *
 * DPDK 22.11's lib/pdump answers those requests itself, and its disable
 * removes the RX/TX callbacks and replies at once: a worker may still be
 * inside the callback, copying into the mempool and ring that dumpcap
 * frees as soon as it has the reply (a minimal primary crashed in 3 exits
 * of dumpcap out of 4).  rte_eth_remove_rx_callback()'s documentation
 * says the callback may still run after removal and names the RCU as the
 * way to know it no longer does.  So we own the "mp_pdump" action (same
 * request and reply, as lib/pdump/rte_pdump.c of 22.11 lays them out) and
 * on disable: remove the callbacks, wait one grace period of the tables'
 * rte_rcu_qsbr (workers report quiescence once per loop, after their RX
 * and TX, and are offline while they sleep), free the callbacks and the
 * filters, and only then reply.  rte_pdump_init() still creates the
 * statistics memzone that dumpcap reads when it stops; we fill it.
 *
 * Queue q of a port (RX and TX) belongs to worker q, so each callback
 * counts into that worker's counters with plain increments; the requests
 * run on the EAL's multi-process thread, which counts into its own block
 * (app->cap_ctr) and takes cap.lock, as does dp_capture_stop().
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_bpf.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>
#include <rte_pcapng.h>
#include <rte_pdump.h>
#include <rte_rcu_qsbr.h>
#include <rte_string_fns.h>

#include "capture.h"
#include "dp.h"

#define CAP_MP_ACTION	"mp_pdump"		/* lib/pdump's PDUMP_MP */
#define CAP_STATS_MZ	"rte_pdump_stats"	/* lib/pdump's statistics memzone */
#define CAP_QUEUES_MAX	RTE_MAX_LCORE		/* queues of a port: one a worker */

enum { CAP_OP_DISABLE = 1, CAP_OP_ENABLE = 2 };
enum { CAP_VER_COPY = 1, CAP_VER_PCAPNG = 2 };	/* plain copies / pcapng blocks */

/* What dpdk-dumpcap sends and expects (lib/pdump/rte_pdump.c, 22.11). */
struct cap_request {
	uint16_t ver;
	uint16_t op;
	uint32_t flags;			/* RTE_PDUMP_FLAG_RX / _TX */
	char device[RTE_DEV_NAME_MAX_LEN];
	uint16_t queue;			/* RTE_PDUMP_ALL_QUEUES: every queue */
	struct rte_ring *ring;
	struct rte_mempool *mp;
	const struct rte_bpf_prm *prm;
	uint32_t snaplen;
};

struct cap_response {
	uint16_t ver;
	uint16_t res_op;
	int32_t err_value;
};

/* The memzone rte_pdump_stats() reads in dumpcap (same file). */
struct cap_mz_stats {
	struct rte_pdump_stats rx[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
	struct rte_pdump_stats tx[RTE_MAX_ETHPORTS][RTE_MAX_QUEUES_PER_PORT];
};

/* One direction of one queue being captured; written under cap.lock
 * before the callback that reads it is published. */
struct cap_queue {
	const struct rte_eth_rxtx_callback *cb;	/* NULL: not captured */
	struct rte_ring *ring;
	struct rte_mempool *mp;
	struct rte_bpf *filter;
	struct dp_counters *ctr;		/* the queue's worker's */
	struct rte_pdump_stats *stats;		/* in the memzone, or NULL */
	uint32_t snaplen;
	uint16_t ver;
} __rte_cache_aligned;

static struct {
	pthread_mutex_t lock;
	struct dp_app *app;			/* NULL: not answering */
	struct cap_mz_stats *mz;
	struct cap_queue *q;			/* [port index][worker][dir] */
} cap = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct cap_queue *cap_q(unsigned int port_idx, unsigned int queue, bool tx)
{
	return &cap.q[(port_idx * cap.app->n_workers + queue) * 2 + tx];
}

static void cap_copy(struct cap_queue *q, uint16_t port_id, uint16_t queue,
		     struct rte_mbuf **pkts, uint16_t n, enum rte_pcapng_direction dir)
{
	struct rte_mbuf *dup[DP_BURST];
	uint64_t pass[DP_BURST];
	uint64_t ts = rte_get_tsc_cycles();
	unsigned int d = 0, filtered = 0, nombuf = 0, enq;

	if (q->filter)
		rte_bpf_exec_burst(q->filter, (void **)pkts, pass, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *p;

		/* A socket filter's convention: 0 means not matched. */
		if (q->filter && pass[i] == 0) {
			filtered++;
			continue;
		}
		if (q->ver == CAP_VER_PCAPNG)
			p = rte_pcapng_copy(port_id, queue, pkts[i], q->mp, q->snaplen, ts, dir);
		else
			p = rte_pktmbuf_copy(pkts[i], q->mp, 0, q->snaplen);
		if (unlikely(!p))
			nombuf++;
		else
			dup[d++] = p;
	}
	enq = d ? rte_ring_enqueue_burst(q->ring, (void **)dup, d, NULL) : 0;
	if (unlikely(enq < d))
		rte_pktmbuf_free_bulk(&dup[enq], d - enq);
	dp_ctr_add(q->ctr, DP_CTR_CAPTURE_COPIED, enq);
	dp_ctr_add(q->ctr, DP_CTR_CAPTURE_FILTERED, filtered);
	dp_ctr_add(q->ctr, DP_CTR_DROP_CAPTURE_NOMBUF, nombuf);
	dp_ctr_add(q->ctr, DP_CTR_DROP_CAPTURE_RING_FULL, d - enq);
	if (q->stats) {
		__atomic_fetch_add(&q->stats->accepted, d, __ATOMIC_RELAXED);
		__atomic_fetch_add(&q->stats->filtered, filtered, __ATOMIC_RELAXED);
		__atomic_fetch_add(&q->stats->nombuf, nombuf, __ATOMIC_RELAXED);
		__atomic_fetch_add(&q->stats->ringfull, d - enq, __ATOMIC_RELAXED);
	}
}

/* Bursts larger than ours (another caller's) in slices of DP_BURST. */
static void cap_copy_all(struct cap_queue *q, uint16_t port_id, uint16_t queue,
			 struct rte_mbuf **pkts, uint16_t n, enum rte_pcapng_direction dir)
{
	for (uint16_t i = 0; i < n; i += DP_BURST)
		cap_copy(q, port_id, queue, pkts + i, RTE_MIN(n - i, DP_BURST), dir);
}

static uint16_t cap_rx(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		       uint16_t max, void *arg)
{
	(void)max;
	cap_copy_all(arg, port_id, queue, pkts, n, RTE_PCAPNG_DIRECTION_IN);
	return n;
}

static uint16_t cap_tx(uint16_t port_id, uint16_t queue, struct rte_mbuf **pkts, uint16_t n,
		       void *arg)
{
	cap_copy_all(arg, port_id, queue, pkts, n, RTE_PCAPNG_DIRECTION_OUT);
	return n;
}

/* The queues [*first, *end) of direction tx that req names on port p. */
static int cap_range(const struct dp_port *p, uint16_t queue, bool tx, uint16_t *first,
		     uint16_t *end)
{
	uint16_t nq = tx ? p->nb_txq : p->nb_rxq;

	if (queue == RTE_PDUMP_ALL_QUEUES) {
		*first = 0;
		*end = nq;
		return 0;
	}
	if (queue >= nq)
		return -EINVAL;
	*first = queue;
	*end = (uint16_t)(queue + 1);
	return 0;
}

static unsigned int cap_unlink(const struct dp_port *p, unsigned int pi, bool tx, uint16_t first,
			       uint16_t end, struct cap_queue **gone);
static void cap_retire(struct cap_queue **gone, unsigned int n, bool workers_run);

/* Attaches the queues of one direction, all or none. */
static int cap_attach(const struct cap_request *req, const struct dp_port *p,
		      unsigned int pi, bool tx)
{
	struct cap_queue *gone[CAP_QUEUES_MAX];
	uint16_t first, end, qid;
	int rc = cap_range(p, req->queue, tx, &first, &end);

	if (rc < 0)
		return rc;
	for (qid = first; qid < end; qid++)
		if (cap_q(pi, qid, tx)->cb)
			return -EEXIST;
	for (qid = first; qid < end && rc == 0; qid++) {
		struct cap_queue *q = cap_q(pi, qid, tx);

		q->ring = req->ring;
		q->mp = req->mp;
		q->ver = req->ver;
		q->snaplen = req->snaplen;
		q->ctr = &cap.app->workers[qid]->ctr;
		q->stats = cap.mz ? (tx ? &cap.mz->tx[p->port_id][qid] :
				     &cap.mz->rx[p->port_id][qid]) : NULL;
		q->filter = req->prm ? rte_bpf_load(req->prm) : NULL;
		if (req->prm && !q->filter) {
			rc = -EINVAL;
			break;
		}
		/* The add publishes q (a release store in ethdev). */
		q->cb = tx ? rte_eth_add_tx_callback(p->port_id, qid, cap_tx, q) :
			     rte_eth_add_first_rx_callback(p->port_id, qid, cap_rx, q);
		if (!q->cb) {
			rc = -rte_errno ? -rte_errno : -EINVAL;
			rte_bpf_destroy(q->filter);
			memset(q, 0, sizeof(*q));
			break;
		}
		dp_ctr_inc(&cap.app->cap_ctr, DP_CTR_CAPTURE_ATTACHED);
	}
	if (rc < 0)
		cap_retire(gone, cap_unlink(p, pi, tx, first, qid, gone), true);
	return rc;
}

/* Removes the callbacks of [first, end) into gone[]; freed by the caller
 * after a grace period.  Returns how many. */
static unsigned int cap_unlink(const struct dp_port *p, unsigned int pi, bool tx, uint16_t first,
			       uint16_t end, struct cap_queue **gone)
{
	unsigned int n = 0;

	for (uint16_t qid = first; qid < end; qid++) {
		struct cap_queue *q = cap_q(pi, qid, tx);
		int rc;

		if (!q->cb)
			continue;
		rc = tx ? rte_eth_remove_tx_callback(p->port_id, qid, q->cb) :
			  rte_eth_remove_rx_callback(p->port_id, qid, q->cb);
		if (rc == 0)
			gone[n++] = q;
	}
	return n;
}

/* After the removal: once every worker has passed a quiescent state, none
 * is inside a callback that read q, and the ring and mempool may go. */
static void cap_retire(struct cap_queue **gone, unsigned int n, bool workers_run)
{
	if (!n)
		return;
	if (workers_run)
		rte_rcu_qsbr_synchronize(cap.app->tables->qsbr, RTE_QSBR_THRID_INVALID);
	for (unsigned int i = 0; i < n; i++) {
		struct cap_queue *q = gone[i];

		rte_free((void *)(uintptr_t)q->cb);
		rte_bpf_destroy(q->filter);
		memset(q, 0, sizeof(*q));
		dp_ctr_inc(&cap.app->cap_ctr, DP_CTR_CAPTURE_DETACHED);
	}
}

static int cap_detach(uint32_t flags, uint16_t queue, const struct dp_port *p, unsigned int pi)
{
	struct cap_queue *gone[2 * CAP_QUEUES_MAX];
	unsigned int n = 0;

	for (int tx = 0; tx < 2; tx++) {
		uint16_t first, end;

		if (!(flags & (tx ? RTE_PDUMP_FLAG_TX : RTE_PDUMP_FLAG_RX)))
			continue;
		if (cap_range(p, queue, tx, &first, &end) < 0)
			return -EINVAL;
		n += cap_unlink(p, pi, tx, first, end, gone + n);
	}
	cap_retire(gone, n, true);
	return n ? 0 : -EINVAL;
}

static int cap_request_do(const struct cap_request *req)
{
	const struct dp_port *p;
	unsigned int pi;
	uint16_t pid;
	int rc = 0;

	if (req->ver != CAP_VER_COPY && req->ver != CAP_VER_PCAPNG)
		return -EINVAL;
	if (!(req->flags & RTE_PDUMP_FLAG_RXTX) || (req->flags & ~RTE_PDUMP_FLAG_RXTX))
		return -EINVAL;
	if (memchr(req->device, '\0', sizeof(req->device)) == NULL ||
	    rte_eth_dev_get_port_by_name(req->device, &pid) < 0 || !cap.app->by_id[pid])
		return -EINVAL;
	p = cap.app->by_id[pid];
	pi = (unsigned int)(p - cap.app->ports);
	if (req->op == CAP_OP_DISABLE)
		return cap_detach(req->flags, req->queue, p, pi);
	if (req->op != CAP_OP_ENABLE || !req->ring || !req->mp)
		return -EINVAL;
	if (req->prm && req->prm->prog_arg.type != RTE_BPF_ARG_PTR_MBUF)
		return -EINVAL;
	if (req->flags & RTE_PDUMP_FLAG_RX)
		rc = cap_attach(req, p, pi, false);
	if (rc == 0 && (req->flags & RTE_PDUMP_FLAG_TX)) {
		rc = cap_attach(req, p, pi, true);
		/* All or nothing: the RX side this request attached goes too. */
		if (rc < 0 && (req->flags & RTE_PDUMP_FLAG_RX))
			cap_detach(RTE_PDUMP_FLAG_RX, req->queue, p, pi);
	}
	return rc;
}

/* The EAL's multi-process thread, one request at a time. */
static int cap_server(const struct rte_mp_msg *msg, const void *peer)
{
	/* Copies, not casts: param[] sits at a 4-byte boundary only, and the
	 * request holds pointers (UBSan caught the misaligned reads). */
	struct rte_mp_msg reply;
	struct cap_response resp = { 0 };
	struct cap_request req;
	int rc = -EINVAL;

	memset(&reply, 0, sizeof(reply));
	pthread_mutex_lock(&cap.lock);
	if (msg->len_param == (int)sizeof(req)) {
		memcpy(&req, msg->param, sizeof(req));
		resp.ver = req.ver;
		resp.res_op = req.op;
		rc = cap.app ? cap_request_do(&req) : -ENODEV;
	}
	if (rc < 0 && cap.app)
		dp_ctr_inc(&cap.app->cap_ctr, DP_CTR_CAPTURE_REFUSED);
	pthread_mutex_unlock(&cap.lock);
	if (rc < 0)
		DP_LOG(WARNING, "capture request refused: %s", strerror(-rc));
	resp.err_value = rc;
	memcpy(reply.param, &resp, sizeof(resp));
	rte_strscpy(reply.name, CAP_MP_ACTION, sizeof(reply.name));
	reply.len_param = sizeof(resp);
	return rte_mp_reply(&reply, peer);
}

int dp_capture_start(struct dp_app *app)
{
	const struct rte_memzone *mz;

	cap.q = rte_zmalloc("dp_capture", app->n_ports * app->n_workers * 2 * sizeof(*cap.q),
			    RTE_CACHE_LINE_SIZE);
	if (!cap.q)
		return -ENOMEM;
	/* The statistics memzone (and lib/pdump's action, replaced at once:
	 * a request in between would be answered by lib/pdump, whose only
	 * fault is its disable). */
	if (rte_pdump_init() < 0)
		goto fail;
	rte_mp_action_unregister(CAP_MP_ACTION);
	if (rte_mp_action_register(CAP_MP_ACTION, cap_server) < 0)
		goto fail;
	mz = rte_memzone_lookup(CAP_STATS_MZ);
	pthread_mutex_lock(&cap.lock);
	cap.mz = mz && mz->len >= sizeof(*cap.mz) ? mz->addr : NULL;
	cap.app = app;
	pthread_mutex_unlock(&cap.lock);
	return 0;
fail:
	if (rte_errno == ENOTSUP)
		DP_LOG(INFO, "capture: no multi-process channel (--in-memory or --no-shconf): "
		       "dpdk-dumpcap cannot attach");
	else
		DP_LOG(ERR, "capture: %s", rte_strerror(rte_errno));
	rte_free(cap.q);
	cap.q = NULL;
	return -ENOTSUP;
}

void dp_capture_stop(void)
{
	struct cap_queue *gone[2 * CAP_QUEUES_MAX];
	struct dp_app *app = cap.app;

	if (!app)
		return;
	rte_mp_action_unregister(CAP_MP_ACTION);
	pthread_mutex_lock(&cap.lock);
	/* The workers have stopped: no grace period to wait. */
	for (unsigned int pi = 0; pi < app->n_ports; pi++) {
		const struct dp_port *p = &app->ports[pi];
		unsigned int n = cap_unlink(p, pi, false, 0, p->nb_rxq, gone);

		n += cap_unlink(p, pi, true, 0, p->nb_txq, gone + n);
		cap_retire(gone, n, false);
	}
	cap.app = NULL;
	cap.mz = NULL;
	rte_free(cap.q);
	cap.q = NULL;
	pthread_mutex_unlock(&cap.lock);
	rte_pdump_uninit();
}
