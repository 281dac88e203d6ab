/* SPDX-License-Identifier: BSD-3-Clause */
#include "mr_health.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lcaf.h"
#include "lisp_msg.h"
#include "log.h"

/* A Map-Server's answer to a probe has one record; a larger one still
 * decodes or is counted as malformed, never read past. */
#define HEALTH_ARENA_BYTES	(64 * 1024)
#define HEALTH_MSG_MAX		512
#define HEALTH_PROBE_TTL	32

struct mr_health {
	/* Probes awaiting an answer by nonce (open addressing, rebuilt after
	 * each round): an answer costs one lookup, never a walk of every
	 * delegation, however many Map-Referrals a sender makes up. */
	struct mr_ms **index;
	size_t index_size;		/* a power of two, at least twice the probes */
	struct evloop *loop;
	struct mr_delegations *d;
	struct mr_health_params p;
	lisp_send_fn send;
	void *send_arg;
	struct evtimer timer;
	struct mr_health_counters c;
	struct log_ratelimit rl;
	struct lisp_arena arena;
	uint8_t *arena_buf;
	uint8_t mreq[HEALTH_MSG_MAX];
	uint8_t ecm[HEALTH_MSG_MAX];
};

static uint64_t health_nonce(void)
{
	uint64_t n = 0;

	while (getrandom(&n, sizeof(n), 0) != sizeof(n))
		;
	return n;
}

/* The probe: a DDT Map-Request for the delegation's prefix, in an ECM with
 * the D bit (RFC 8111 section 7.2 has the Map-Server answer it with a
 * Map-Referral to its sender). */
static ssize_t probe_build(struct mr_health *h, const struct mr_deleg *dl, const struct mr_ms *ms,
			   uint64_t nonce)
{
	const struct lisp_addr *self = ms->addr.afi == LISP_AFI_IPV6 ? &h->p.self6 : &h->p.self4;
	struct lisp_request_record rec = { .mask_len = dl->eid.plen };
	struct lisp_map_request req = { .nonce = nonce, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_ecm ecm = { .ddt = true, .ttl = HEALTH_PROBE_TTL,
				.inner_sport = LISP_CONTROL_PORT,
				.inner_dport = LISP_CONTROL_PORT };
	struct lisp_waddr itr, inner;
	ssize_t n;

	if (self->afi != ms->addr.afi)
		return -EAFNOSUPPORT;
	lisp_waddr_from_prefix(&rec.eid, &inner, &dl->eid);
	lisp_waddr_from_addr(&itr, self);
	req.itr_rlocs = &itr;
	req.source_eid.afi = LISP_AFI_NONE;
	n = lisp_map_request_encode(&req, h->mreq, sizeof(h->mreq), NULL);
	if (n < 0)
		return n;
	ecm.ip_version = self->afi == LISP_AFI_IPV6 ? 6 : 4;
	ecm.inner_src = *self;
	ecm.inner_dst = ms->addr;
	ecm.payload = h->mreq;
	ecm.payload_len = (size_t)n;
	return lisp_ecm_encode(&ecm, h->ecm, sizeof(h->ecm), NULL);
}

static void ms_name(const struct mr_deleg *dl, const struct mr_ms *ms, char *buf, size_t cap,
		    char *pfx, size_t pcap)
{
	lisp_addr_format(&ms->addr, buf, cap);
	lisp_prefix_format(&dl->eid, pfx, pcap);
}

static int round_one(struct mr_deleg *dl, void *arg)
{
	struct mr_health *h = arg;

	for (size_t i = 0; i < dl->count; i++) {
		struct mr_ms *ms = &dl->ms[i];
		ssize_t n;

		if (ms->h.probe_out && ++ms->h.misses >= h->p.misses && ms->h.up) {
			char a[LISP_ADDR_STR_MAX], pfx[LISP_ADDR_STR_MAX];

			ms->h.up = false;
			ms->h.went_down++;
			h->c.health_went_down++;
			ms_name(dl, ms, a, sizeof(a), pfx, sizeof(pfx));
			log_ratelimited(&h->rl, LOG_LEVEL_WARN,
					"map-resolver: Map-Server %s for %s is down (%u probes "
					"unanswered)", a, pfx, ms->h.misses);
		}
		ms->h.probe_nonce = health_nonce();
		n = probe_build(h, dl, ms, ms->h.probe_nonce);
		if (n <= 0) {
			h->c.health_probe_errors++;
			continue;
		}
		ms->h.probe_out = true;
		ms->h.probes_sent++;
		h->c.health_probes_sent++;
		h->send(h->send_arg, &ms->addr, ms->port, h->ecm, (size_t)n);
	}
	return 0;
}

static int index_rebuild(struct mr_health *h);

static int count_one(struct mr_deleg *dl, void *arg)
{
	*(size_t *)arg += dl->count;
	return 0;
}

static int index_one(struct mr_deleg *dl, void *arg)
{
	struct mr_health *h = arg;

	for (size_t i = 0; i < dl->count; i++) {
		size_t slot;

		if (!dl->ms[i].h.probe_out)
			continue;
		slot = dl->ms[i].h.probe_nonce & (h->index_size - 1);
		while (h->index[slot])
			slot = (slot + 1) & (h->index_size - 1);
		h->index[slot] = &dl->ms[i];
	}
	return 0;
}

/* The outstanding probes, indexed again (the delegations never move
 * while this health object lives: a reload builds a new one). */
int mr_health_reindex(struct mr_health *h)
{
	int rc = index_rebuild(h);

	if (rc < 0)
		h->c.health_probe_errors++;	/* answers go unmatched until the next round */
	return rc;
}

static int index_rebuild(struct mr_health *h)
{
	size_t n = 0, size = 16;

	mr_delegations_walk(h->d, count_one, &n);
	while (size < 2 * n)
		size *= 2;
	if (size != h->index_size) {
		struct mr_ms **grown = calloc(size, sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		free(h->index);
		h->index = grown;
		h->index_size = size;
	} else {
		memset(h->index, 0, size * sizeof(*h->index));
	}
	return mr_delegations_walk(h->d, index_one, h);
}

void mr_health_round(struct mr_health *h)
{
	mr_delegations_walk(h->d, round_one, h);
	if (index_rebuild(h) < 0)
		h->c.health_probe_errors++;	/* answers go unmatched until the next */
}

static void health_fire(struct evtimer *t, void *arg)
{
	struct mr_health *h = arg;

	mr_health_round(h);
	evtimer_arm(h->loop, t, h->p.interval_ms);
}

/* The Map-Server whose outstanding probe has nonce and was sent to src. */
static struct mr_ms *probe_find(const struct mr_health *h, uint64_t nonce,
				const struct lisp_addr *src)
{
	for (size_t slot = nonce & (h->index_size - 1), k = 0;
	     h->index_size && h->index[slot] && k < h->index_size;
	     slot = (slot + 1) & (h->index_size - 1), k++) {
		struct mr_ms *ms = h->index[slot];

		if (ms->h.probe_out && ms->h.probe_nonce == nonce && lisp_addr_equal(&ms->addr, src))
			return ms;
	}
	return NULL;
}

static void probe_answered(struct mr_health *h, struct mr_ms *ms)
{
	ms->h.probe_out = false;
	ms->h.misses = 0;
	ms->h.probes_answered++;
	ms->h.last_answer_ms = evloop_now_ms(h->loop);
	if (!ms->h.up) {
		char a[LISP_ADDR_STR_MAX];

		ms->h.up = true;
		ms->h.went_up++;
		h->c.health_went_up++;
		lisp_addr_format(&ms->addr, a, sizeof(a));
		log_ratelimited(&h->rl, LOG_LEVEL_INFO, "map-resolver: Map-Server %s is up", a);
	}
}

bool mr_health_referral_input(struct mr_health *h, const uint8_t *msg, size_t len,
			      const struct lisp_addr *src)
{
	struct lisp_map_referral ref;
	struct lisp_err err;
	struct mr_ms *ms;

	lisp_arena_reset(&h->arena);
	if (lisp_map_referral_decode(msg, len, &h->arena, &ref, &err) < 0) {
		h->c.health_answers_malformed++;
		log_ratelimited(&h->rl, LOG_LEVEL_WARN, "map-resolver: bad Map-Referral: %s",
				err.msg);
		return false;
	}
	ms = probe_find(h, ref.nonce, src);
	if (!ms) {
		h->c.health_answers_unmatched++;
		return false;
	}
	probe_answered(h, ms);
	h->c.health_answers++;
	return true;
}

struct mr_health *mr_health_new(struct evloop *loop, struct mr_delegations *d,
				const struct mr_health_params *p, lisp_send_fn send, void *arg)
{
	struct mr_health *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->arena_buf = malloc(HEALTH_ARENA_BYTES);
	if (!h->arena_buf) {
		free(h);
		return NULL;
	}
	lisp_arena_init(&h->arena, h->arena_buf, HEALTH_ARENA_BYTES);
	h->loop = loop;
	h->d = d;
	h->p = *p;
	if (h->p.misses < 1)
		h->p.misses = 1;
	h->send = send;
	h->send_arg = arg;
	h->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	evtimer_init(&h->timer, health_fire, h);
	if (index_rebuild(h) < 0) {
		mr_health_free(h);
		return NULL;
	}
	if (h->p.interval_ms)
		evtimer_arm(loop, &h->timer, h->p.interval_ms);
	return h;
}

void mr_health_free(struct mr_health *h)
{
	if (!h)
		return;
	evtimer_cancel(h->loop, &h->timer);
	free(h->index);
	free(h->arena_buf);
	free(h);
}

const struct mr_health_counters *mr_health_counters(const struct mr_health *h)
{
	return &h->c;
}

const struct mr_health_params *mr_health_params(const struct mr_health *h)
{
	return &h->p;
}
