/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RLOC probing (RFC 9301, 6.3.2): every probe_interval_ms, a Map-Request
 * with the P bit goes straight to each RLOC of each positive map-cache
 * entry (UDP 4342), with a fresh nonce.  The ETR's Map-Reply with the P bit
 * and that nonce shows the RLOC reachable and gives its round-trip time;
 * probe_tries unanswered probes in a row mark it down.  The map-cache
 * tells its observers (the data plane) when an RLOC goes down or up.
 *
 * One probe per RLOC and entry is in flight at a time: an RLOC whose
 * previous probe is still out is skipped in that round.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "itr_priv.h"

static struct itr_probe *probe_find(const struct itr *itr, uint64_t nonce)
{
	struct itr_probe *p = itr->probes[nonce % ITR_NONCE_BUCKETS];

	while (p && p->nonce != nonce)
		p = p->next;
	return p;
}

static void probe_unlink(struct itr *itr, struct itr_probe *p)
{
	struct itr_probe **pp = &itr->probes[p->nonce % ITR_NONCE_BUCKETS];

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp)
		*pp = p->next;
	evtimer_cancel(itr->loop, &p->timer);
	itr->probe_count--;
}

/* The RLOC a finished probe was about, if its entry still holds it and
 * still waits for this very probe. */
static struct mapcache_entry *probe_target(struct itr *itr, const struct itr_probe *p,
					   int *idx)
{
	struct mapcache_entry *e = mapcache_exact(itr->cache, &p->eid);

	*idx = e ? mapcache_rloc_find(e, &p->rloc) : -ENOENT;
	if (*idx < 0 || e->rlocs[*idx].probe_nonce != p->nonce)
		return NULL;
	e->rlocs[*idx].probe_nonce = 0;
	return e;
}

static void probe_timeout(struct evtimer *t, void *arg)
{
	struct itr_probe *p = arg;
	struct itr *itr = p->itr;
	struct mapcache_entry *e;
	int idx;

	(void)t;
	probe_unlink(itr, p);
	e = probe_target(itr, p, &idx);
	if (e) {
		itr->c.probe_timeouts++;
		mapcache_rloc_unanswered(itr->cache, e, (unsigned int)idx, itr->params.probe_tries);
	}
	free(p);
}

void itr_probe_reply(struct itr *itr, const struct lisp_map_reply *r)
{
	struct itr_probe *p = probe_find(itr, r->nonce);
	struct mapcache_entry *e;
	uint64_t rtt;
	int idx;

	if (!p) {
		itr->c.probes_unsolicited++;
		return;
	}
	/* The loop's clock, like the probe's timeout: a round trip never
	 * outlasts the timer that would have declared it lost. */
	rtt = evloop_clock_us(itr->loop) - p->sent_us;
	probe_unlink(itr, p);
	e = probe_target(itr, p, &idx);
	if (e) {
		itr->c.probe_replies++;
		mapcache_rloc_reachable(itr->cache, e, (unsigned int)idx,
					rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt,
					evloop_now_ms(itr->loop));
	}
	free(p);
}

static void probe_send(struct itr *itr, struct mapcache_entry *e, struct mapcache_rloc *r)
{
	struct itr_request_opts o = { .probe = true };
	struct itr_probe *p;
	ssize_t n;
	size_t b;

	if (itr->probe_count >= itr->params.probes_max) {
		itr->c.probes_skipped++;
		return;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	do
		p->nonce = itr_nonce_new();
	while (probe_find(itr, p->nonce));
	n = itr_request_encode(itr, &e->eid, p->nonce, &o);
	if (n < 0) {
		free(p);
		return;
	}
	p->itr = itr;
	p->eid = e->eid;
	p->rloc = r->addr;
	b = p->nonce % ITR_NONCE_BUCKETS;
	p->next = itr->probes[b];
	itr->probes[b] = p;
	itr->probe_count++;
	r->probe_nonce = p->nonce;
	evtimer_init(&p->timer, probe_timeout, p);
	evtimer_arm(itr->loop, &p->timer, itr->params.probe_timeout_ms);
	p->sent_us = evloop_clock_us(itr->loop);
	itr->send(itr->send_arg, &r->addr, LISP_CONTROL_PORT, itr->req, (size_t)n);
	itr->c.probes_sent++;
}

static int probe_entry(struct mapcache_entry *e, void *arg)
{
	struct itr *itr = arg;

	if (!e->loc_count)
		return 0;	/* negative: nothing to probe */
	for (unsigned int i = 0; i < e->rloc_count; i++)
		if (!e->rlocs[i].probe_nonce)
			probe_send(itr, e, &e->rlocs[i]);
	return 0;
}

static void probe_round(struct evtimer *t, void *arg)
{
	struct itr *itr = arg;

	(void)t;
	mapcache_walk(itr->cache, NULL, probe_entry, itr);
	evtimer_arm(itr->loop, &itr->probe_round, itr->params.probe_interval_ms);
}

void itr_probe_init(struct itr *itr)
{
	evtimer_init(&itr->probe_round, probe_round, itr);
}

void itr_probe_start(struct itr *itr)
{
	if (itr->params.probe && itr->params.probe_interval_ms)
		evtimer_arm(itr->loop, &itr->probe_round, itr->params.probe_interval_ms);
}

void itr_probes_free(struct itr *itr)
{
	evtimer_cancel(itr->loop, &itr->probe_round);
	for (size_t i = 0; i < ITR_NONCE_BUCKETS; i++)
		for (struct itr_probe *p = itr->probes[i], *n; p; p = n) {
			n = p->next;
			evtimer_cancel(itr->loop, &p->timer);
			free(p);
		}
}
