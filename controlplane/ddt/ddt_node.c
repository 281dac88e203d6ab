/* SPDX-License-Identifier: BSD-3-Clause */
#include "ddt_node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lcaf.h"
#include "lisp_msg.h"
#include "log.h"
#include "ratelimit.h"
#include "token_bucket.h"

#define DDT_ARENA_BYTES	LISP_DECODE_ARENA_BYTES	/* any datagram decodes */
/* One record of DDT_REFERRALS_MAX IPv6 referrals, with room to spare. */
#define DDT_MSG_MAX	1500

struct ddt_node {
	struct evloop *loop;
	struct ddt_node_params params;
	struct ddt_tree *tree;
	struct ddt_node_local local;
	lisp_send_fn send;
	void *send_arg;
	struct ratelimit *rl;		/* per source (outer address) */
	struct token_bucket global;	/* Map-Referrals, all sources */
	struct ddt_node_counters c;
	struct log_ratelimit log_rl;
	struct lisp_arena arena;
	uint8_t *arena_buf;
	uint8_t out[DDT_MSG_MAX];
};

void ddt_node_params_default(struct ddt_node_params *p)
{
	p->referral_ttl_min = lisp_referral_default_ttl(LISP_REF_NODE_REFERRAL);
	p->hole_ttl_min = lisp_referral_default_ttl(LISP_REF_DELEGATION_HOLE);
	p->rate = 100;
	p->burst = 200;
	p->rate_sources = 65536;
	p->global_rate = 10000;
	p->global_burst = 20000;
}

struct ddt_node *ddt_node_new(struct evloop *loop, const struct ddt_node_params *p,
			      struct ddt_tree *tree, lisp_send_fn send, void *send_arg)
{
	struct ddt_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->loop = loop;
	n->params = *p;
	n->send = send;
	n->send_arg = send_arg;
	n->log_rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
	n->rl = ratelimit_new(p->rate, p->burst, p->rate_sources);
	n->arena_buf = malloc(DDT_ARENA_BYTES);
	if (!n->rl || !n->arena_buf) {
		ratelimit_free(n->rl);
		free(n->arena_buf);
		free(n);
		return NULL;
	}
	lisp_arena_init(&n->arena, n->arena_buf, DDT_ARENA_BYTES);
	token_bucket_init(&n->global, p->global_rate, p->global_burst, evloop_now_ms(loop));
	n->tree = tree;
	return n;
}

void ddt_node_free(struct ddt_node *n)
{
	if (!n)
		return;
	ddt_tree_free(n->tree);
	ratelimit_free(n->rl);
	free(n->arena_buf);
	free(n);
}

void ddt_node_set_local(struct ddt_node *n, const struct ddt_node_local *local)
{
	n->local = *local;
}

void ddt_node_reconfigure(struct ddt_node *n, const struct ddt_node_params *p,
			  struct ddt_tree *tree)
{
	struct ddt_node_params next = *p;

	if (p->rate != n->params.rate || p->burst != n->params.burst ||
	    p->rate_sources != n->params.rate_sources) {
		struct ratelimit *rl = ratelimit_new(p->rate, p->burst, p->rate_sources);

		if (rl) {
			ratelimit_free(n->rl);
			n->rl = rl;
		} else {
			log_error("ddt-node: out of memory: the per-source limit keeps its "
				  "settings");
			next.rate = n->params.rate;
			next.burst = n->params.burst;
			next.rate_sources = n->params.rate_sources;
		}
	}
	if (p->global_rate != n->params.global_rate || p->global_burst != n->params.global_burst)
		token_bucket_init(&n->global, p->global_rate, p->global_burst,
				  evloop_now_ms(n->loop));
	n->params = next;
	ddt_tree_free(n->tree);
	n->tree = tree;
}

/* The record of answer a: RFC 8111, section 6's table sets the Incomplete
 * bit, the referral set and the TTL per action. */
static void record_build(const struct ddt_node *n, const struct ddt_answer *a,
			 struct lisp_referral_record *rec, struct lisp_locator *locs,
			 struct lisp_waddr *eid_inner)
{
	memset(rec, 0, sizeof(*rec));
	rec->mask_len = a->prefix.plen;
	lisp_waddr_from_prefix(&rec->eid, eid_inner, &a->prefix);
	switch (a->kind) {
	case DDT_ANSWER_DELEGATION: {
		const struct ddt_delegation *d = a->delegation;

		rec->action = d->type == DDT_DELEG_MAP_SERVER ? LISP_REF_MS_REFERRAL
							      : LISP_REF_NODE_REFERRAL;
		rec->ttl = n->params.referral_ttl_min;
		rec->authoritative = true;
		for (unsigned int i = 0; i < d->ref_count; i++) {
			memset(&locs[i], 0, sizeof(locs[i]));
			locs[i].priority = d->refs[i].priority;
			locs[i].weight = d->refs[i].weight;
			locs[i].mpriority = 255;	/* no multicast use */
			locs[i].flags = LISP_LOC_F_REACH;
			lisp_waddr_from_addr(&locs[i].addr, &d->refs[i].addr);
		}
		rec->ref_count = d->ref_count;
		rec->refs = locs;
		break;
	}
	case DDT_ANSWER_HOLE:
		rec->action = LISP_REF_DELEGATION_HOLE;
		rec->ttl = n->params.hole_ttl_min;
		rec->authoritative = true;
		break;
	case DDT_ANSWER_NOT_AUTHORITATIVE:
		/* RFC 8111, section 6: Incomplete set, TTL 0; the A bit says
		 * the sender is authoritative, which it is not. */
		rec->action = LISP_REF_NOT_AUTHORITATIVE;
		rec->incomplete = true;
		rec->ttl = 0;
		break;
	}
}

static void count_action(struct ddt_node *n, uint8_t action)
{
	switch (action) {
	case LISP_REF_NODE_REFERRAL:
		n->c.node_referrals++;
		break;
	case LISP_REF_MS_REFERRAL:
		n->c.ms_referrals++;
		break;
	case LISP_REF_DELEGATION_HOLE:
		n->c.delegation_holes++;
		break;
	default:
		n->c.not_authoritative++;
		break;
	}
}

static void answer(struct ddt_node *n, const struct lisp_map_request *req,
		   const struct ddt_answer *a, const struct lisp_addr *src, uint16_t src_port)
{
	struct lisp_locator locs[DDT_REFERRALS_MAX];
	struct lisp_referral_record rec;
	struct lisp_map_referral m = { .nonce = req->nonce, .record_count = 1, .records = &rec };
	struct lisp_waddr inner;
	struct lisp_err err;
	ssize_t len;

	record_build(n, a, &rec, locs, &inner);
	if (a->kind == DDT_ANSWER_NOT_AUTHORITATIVE) {
		/* RFC 8111, section 6: "the original requested EID", as sent. */
		rec.eid = req->records[0].eid;
		rec.mask_len = req->records[0].mask_len;
	}
	if (lisp_referral_record_check(&rec, &err) < 0) {
		n->c.referral_check_failed++;
		log_ratelimited(&n->log_rl, LOG_LEVEL_ERROR, "ddt-node: not sent: %s", err.msg);
		return;
	}
	len = lisp_map_referral_encode(&m, n->out, sizeof(n->out), &err);
	if (len < 0) {
		n->c.referral_encode_errors++;
		log_ratelimited(&n->log_rl, LOG_LEVEL_ERROR, "ddt-node: not sent: %s", err.msg);
		return;
	}
	n->send(n->send_arg, src, src_port, n->out, (size_t)len);
	n->c.referrals_sent++;
	count_action(n, rec.action);
	if (a->delegation)
		a->delegation->referrals_sent++;
}

bool ddt_node_input(struct ddt_node *n, const uint8_t *msg, size_t len,
		    const struct lisp_addr *src, uint16_t src_port)
{
	struct lisp_map_request req;
	struct lisp_prefix xeid;
	struct ddt_answer a;
	struct lisp_err err;
	struct lisp_ecm ecm;
	bool allowed;

	if (lisp_ecm_decode(msg, len, &ecm, &err) < 0) {
		if (n->local.others_take_ecms)
			return false;	/* theirs to count */
		n->c.request_decode_errors++;
		log_ratelimited(&n->log_rl, LOG_LEVEL_WARN, "ddt-node: bad ECM: %s", err.msg);
		return true;
	}
	if (!ecm.ddt) {
		if (n->local.others_take_ecms)
			return false;
		/* RFC 8111, section 5.2: only the D bit asks for a Map-Referral. */
		n->c.requests_not_ddt++;
		log_ratelimited(&n->log_rl, LOG_LEVEL_WARN,
				"ddt-node: ECM without the D bit dropped: a DDT node answers "
				"DDT-originated Map-Requests only");
		return true;
	}
	n->c.requests_received++;
	if (ecm.payload_len == 0 || ecm.payload[0] >> 4 != LISP_MAP_REQUEST) {
		n->c.request_decode_errors++;
		log_ratelimited(&n->log_rl, LOG_LEVEL_WARN,
				"ddt-node: DDT ECM carries a %s, not a Map-Request",
				ecm.payload_len ? lisp_msg_type_name(ecm.payload[0] >> 4)
						: "nothing");
		return true;
	}
	allowed = ratelimit_allow(n->rl, src, evloop_now_ms(n->loop));
	n->c.rate_limit_sources_evicted = ratelimit_evictions(n->rl);
	if (!allowed) {
		n->c.requests_rate_limited++;
		return true;
	}
	lisp_arena_reset(&n->arena);
	if (lisp_map_request_decode(ecm.payload, ecm.payload_len, &n->arena, &req, &err) < 0) {
		n->c.request_decode_errors++;
		log_ratelimited(&n->log_rl, LOG_LEVEL_WARN, "ddt-node: bad Map-Request: %s",
				err.msg);
		return true;
	}
	if (req.record_count == 0 ||
	    lisp_waddr_to_prefix(&req.records[0].eid, req.records[0].mask_len, &xeid, &err) < 0 ||
	    ddt_tree_lookup(n->tree, &xeid, &a) < 0) {
		n->c.requests_unanswerable++;
		return true;
	}
	/* RFC 9301, 5.2: one record a request; more would multiply the answer. */
	n->c.request_records_ignored += req.record_count - 1u;
	if (a.kind != DDT_ANSWER_DELEGATION && n->local.ms_serves &&
	    n->local.ms_serves(n->local.arg, &xeid)) {
		n->c.requests_to_map_server++;
		return false;
	}
	if (!token_bucket_take(&n->global, evloop_now_ms(n->loop))) {
		n->c.referrals_global_limited++;
		return true;
	}
	/* Back to the DDT client's own address and port (RFC 8111, 7.3). */
	answer(n, &req, &a, src, src_port);
	return true;
}

const struct ddt_node_counters *ddt_node_counters(const struct ddt_node *n)
{
	return &n->c;
}

const struct ddt_tree *ddt_node_tree(const struct ddt_node *n)
{
	return n->tree;
}

const struct ddt_node_params *ddt_node_params(const struct ddt_node *n)
{
	return &n->params;
}
