/* SPDX-License-Identifier: BSD-3-Clause */
/* dp_push: what the data plane sends back — misses (resolved through the
 * ITR, rate-limited), events and counter snapshots. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_push_priv.h"
#include "itr.h"
#include "log.h"
#include "mapcache.h"

/* ---- input from the data plane ------------------------------------------------------ */

static bool miss_allow(struct dp_push *dp)
{
	uint64_t now = evloop_now_ms(dp->loop);

	if (!dp->p.miss_rate)
		return true;
	/* A token bucket for the whole data plane: a flood of misses must
	 * not become a flood of Map-Requests. */
	dp->miss_tokens += (double)(now - dp->miss_last_ms) * dp->p.miss_rate / 1000.0;
	if (dp->miss_tokens > dp->p.miss_burst)
		dp->miss_tokens = dp->p.miss_burst;
	dp->miss_last_ms = now;
	if (dp->miss_tokens < 1.0)
		return false;
	dp->miss_tokens -= 1.0;
	return true;
}

/*
 * A miss for an EID the map-cache already covers, with locators or with a
 * negative action other than send-map-request: the data plane's copy is
 * on its way (the miss crossed the upsert in the rings) or was refused
 * (MAP_REJECTED, logged).  Asking the Map-Resolver again would only repeat
 * the answer we have.  A negative send-map-request entry asks for exactly
 * that on every miss (the ACT field, RFC 9301 section 5.4), which
 * the data plane limits to one an interval per EID and miss_allow() in
 * all.
 */
static bool miss_known(const struct dp_push *dp, const struct lisp_prefix *eid)
{
	const struct mapcache_entry *e = dp->mc ? mapcache_lookup(dp->mc, eid) : NULL;

	return e && (e->loc_count || e->action != LISP_ACT_SEND_MAP_REQUEST);
}

static void on_miss(struct dp_push *dp, const struct dp_msg_miss *m, size_t len)
{
	struct lisp_prefix eid;
	struct lisp_addr src;
	int rc;

	dp->c.misses++;
	if (len != sizeof(*m) || dp_msg_key_check(&m->eid) < 0 ||
	    m->eid.table != DP_MSG_TABLE_MAPCACHE || !dp->itr) {
		dp->c.misses_invalid++;
		return;
	}
	dpp_prefix_from_key(&m->eid, &eid);
	if (miss_known(dp, &eid)) {
		dp->c.misses_cached++;
		return;
	}
	if (!miss_allow(dp)) {
		dp->c.misses_rate_limited++;
		return;
	}
	memset(&src, 0, sizeof(src));
	if (m->src_afi == DP_MSG_AFI_IPV4)
		lisp_addr_set_v4(&src, m->src);
	else if (m->src_afi == DP_MSG_AFI_IPV6)
		lisp_addr_set_v6(&src, m->src);
	rc = itr_resolve_from(dp->itr, &eid, src.afi ? &src : NULL);
	if (rc == 0)
		dp->c.misses_resolved++;
	else if (rc == -EALREADY)
		dp->c.misses_coalesced++;
	else if (rc == -ENOSPC)
		dp->c.misses_refused++;
	else
		dp->c.misses_invalid++;
}

static void on_event(struct dp_push *dp, const struct dp_msg_event *e, size_t len)
{
	char k[80];

	dp->c.events++;
	if (len != sizeof(*e))
		return;
	switch (e->code) {
	case DP_MSG_EV_RESYNC_DONE:
		if (e->arg != dp->generation)
			return;
		dp->c.resyncs_done++;
		dp->last_resync = (struct dp_push_resync_result){ e->arg, e->v[0], e->v[1],
								  e->v[2] };
		log_info("data plane: generation %u in sync: %llu entries, %llu stale removed, "
			 "%llu refused", e->arg, (unsigned long long)e->v[0],
			 (unsigned long long)e->v[1], (unsigned long long)e->v[2]);
		return;
	case DP_MSG_EV_MAP_REJECTED:
		dp->c.maps_rejected++;
		if (dp_msg_key_format(&e->key, k, sizeof(k)) < 0)
			snprintf(k, sizeof(k), "(bad key)");
		log_warn("data plane refused the mapping of %s: %s", k,
			 strerror(e->v[0] < 4096 ? (int)e->v[0] : EINVAL));
		return;
	case DP_MSG_EV_LINK:
		log_info("data plane: port %u link %s", e->arg, e->v[0] ? "up" : "down");
		return;
	case DP_MSG_EV_TABLE_FULL:
		log_warn("data plane: table %u of IID %u is full (%llu entries)", e->key.table,
			 e->key.iid, (unsigned long long)e->v[0]);
		return;
	default:
		return;
	}
}

static int snap_reserve(struct snap_buf *b, size_t n)
{
	struct dp_msg_counter *v;

	if (n <= b->cap)
		return 0;
	v = realloc(b->v, n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	b->v = v;
	b->cap = n;
	return 0;
}

static void on_counters(struct dp_push *dp, const struct dp_msg_counters *m, size_t len)
{
	struct snap_buf *b = &dp->building, tmp;

	if (dp_msg_counters_check(m, len) < 0) {
		dp->c.counter_errors++;
		return;
	}
	if (m->first == 0) {
		if (snap_reserve(b, m->total) < 0) {
			dp->c.counter_errors++;
			return;
		}
		b->s.id = m->snapshot;
		b->s.time_ns = m->time_ns;
		b->total = m->total;
		b->have = 0;
	} else if (m->snapshot != b->s.id || m->first != b->have || m->total != b->total) {
		/* A chunk of a snapshot whose start we missed (dropped when the
		 * ring was full): wait for the next one. */
		dp->c.counter_errors++;
		return;
	}
	memcpy(b->v + b->have, m->v, m->count * sizeof(*m->v));
	b->have += m->count;
	if (b->have < b->total)
		return;
	b->s.received_ms = evloop_now_ms(dp->loop);
	b->s.count = b->total;
	b->s.v = b->v;
	tmp = dp->latest;
	dp->latest = *b;
	*b = tmp;
	b->s.id = 0;
	b->have = b->total = 0;
	dp->have_latest = true;
	dp->c.counter_snapshots++;
}


/* Drains DP->CP; false when the session broke. */
bool dpp_rx_drain(struct dp_push *dp)
{
	for (unsigned int n = 0; n < RX_BUDGET; n++) {
		uint16_t type;
		int len = dp_channel_ring_dequeue(&dp->map.rx, &type, dp->rxbuf.b,
						  sizeof(dp->rxbuf.b));

		if (len == -EAGAIN) {
			/* Empty: tell the data plane we sleep; records that
			 * arrived meanwhile are read now, not after a wake-up
			 * that would never come. */
			if (dp_channel_ring_consumer_sleep(&dp->map.rx))
				return true;
			continue;
		}
		if (len < 0) {
			dp->c.protocol_errors++;
			dpp_disconnect(dp, "garbage in the ring");
			return false;
		}
		switch (type) {
		case DP_MSG_MISS:
			on_miss(dp, (const void *)dp->rxbuf.b, (size_t)len);
			break;
		case DP_MSG_EVENT:
			on_event(dp, (const void *)dp->rxbuf.b, (size_t)len);
			break;
		case DP_MSG_COUNTERS:
			on_counters(dp, (const void *)dp->rxbuf.b, (size_t)len);
			break;
		default:
			dp->c.protocol_errors++;
			break;
		}
	}
	/* Budget spent: the rest next turn. */
	dpp_retry_arm(dp, 0);
	return true;
}

/* Everything that can move: input, the backlog, a pending resync, the
 * replay.  Runs on the eventfd, the retry timer and after attaching. */
