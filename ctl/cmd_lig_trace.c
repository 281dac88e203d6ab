/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl lig --trace ROOT: walks the LISP-DDT hierarchy itself, as a
 * DDT Map-Resolver does (RFC 8111, section 7.3), and prints each hop.
 * From the root, each DDT-originated Map-Request (an ECM with the D bit)
 * goes to the best-priority member of the referral set the last
 * Map-Referral named; each Map-Referral prints as one hop (node, action,
 * XEID-prefix, TTL, referral set).  NODE-REFERRAL and MS-REFERRAL are
 * followed; MS-ACK waits for the ETR's (or proxy) Map-Reply and prints it;
 * MS-NOT-REGISTERED, DELEGATION-HOLE and NOT-AUTHORITATIVE end the walk
 * with that answer.  A member that does not answer in --timeout is
 * skipped for the next; a referral not more specific than the last, or
 * past 16 hops, ends the walk as a loop.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "ctl.h"
#include "lig_priv.h"

#define TRACE_HOPS_MAX	16
#define TRACE_SET_MAX	32

struct trace_set {
	unsigned int n;
	struct lisp_addr addr[TRACE_SET_MAX];
};

static void hop_print(unsigned int hop, const struct lisp_addr *node, double rtt,
		      const struct lisp_referral_record *rec, const struct lisp_prefix *p,
		      bool json)
{
	char a[LISP_ADDR_STR_MAX], e[LISP_ADDR_STR_MAX];
	json_t *set = json ? json_array() : NULL;

	lisp_addr_format(node, a, sizeof(a));
	lisp_prefix_format(p, e, sizeof(e));
	if (!json)
		printf("%2u  %-20s %-18s %-26s ttl %-5u %.3f ms%s\n", hop, a,
		       lisp_referral_action_name(rec->action), e, rec->ttl, rtt,
		       rec->incomplete ? " (incomplete)" : "");
	for (unsigned int i = 0; i < rec->ref_count; i++) {
		const struct lisp_addr *r = lisp_waddr_rloc(&rec->refs[i].addr);
		char ra[LISP_ADDR_STR_MAX];

		if (r)
			lisp_addr_format(r, ra, sizeof(ra));
		else
			snprintf(ra, sizeof(ra), "(no address)");
		if (json)
			json_array_append_new(set, json_pack("{s:s, s:i, s:i}", "address", ra,
							     "priority", rec->refs[i].priority,
							     "weight", rec->refs[i].weight));
		else
			printf("      -> %s priority %u weight %u\n", ra, rec->refs[i].priority,
			       rec->refs[i].weight);
	}
	if (json) {
		json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:i, s:b, s:f, s:o}", "hop", (int)hop,
				      "node", a, "action", lisp_referral_action_name(rec->action),
				      "prefix", e, "ttl", (int)rec->ttl, "incomplete",
				      rec->incomplete, "rtt_ms", rtt, "referral_set", set);
		char *s = json_dumps(o, JSON_COMPACT);

		puts(s);
		free(s);
		json_decref(o);
	}
}

/* Members of rec's set we can send to, best priority first. */
static void set_from(const struct lisp_referral_record *rec, struct trace_set *s)
{
	s->n = 0;
	for (unsigned int pr = 0; pr < 255; pr++)
		for (unsigned int i = 0; i < rec->ref_count && s->n < TRACE_SET_MAX; i++) {
			const struct lisp_addr *r = lisp_waddr_rloc(&rec->refs[i].addr);

			if (rec->refs[i].priority == pr && r &&
			    (r->afi == LISP_AFI_IPV4 || r->afi == LISP_AFI_IPV6))
				s->addr[s->n++] = *r;
		}
}

enum got { GOT_NONE, GOT_REFERRAL, GOT_REPLY };

/* Waits up to timeout for a Map-Referral from node (or any Map-Reply)
 * with nonce; the message decodes into arena. */
static enum got wait_for(int fd, const struct lisp_addr *node, uint64_t nonce,
			 unsigned int timeout_ms, struct lisp_arena *arena, struct lisp_ctrl_msg *m,
			 struct lisp_addr *from, double *rtt)
{
	static uint8_t buf[65536];
	double start = lig_now_ms(), deadline = start + timeout_ms;

	for (double now = start; now < deadline; now = lig_now_ms()) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		struct sockaddr_storage ss;
		socklen_t slen = sizeof(ss);
		uint16_t sport;
		ssize_t n;

		if (poll(&pfd, 1, (int)(deadline - now) + 1) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&ss, &slen);
		if (n <= 0)
			continue;
		lig_addr_of_sockaddr(&ss, from, &sport);
		lisp_arena_reset(arena);
		if (lisp_ctrl_decode(buf, (size_t)n, arena, m, NULL) < 0)
			continue;
		*rtt = lig_now_ms() - start;
		if (m->type == LISP_MAP_REFERRAL && m->referral.nonce == nonce &&
		    (!node || lisp_addr_equal(from, node)))
			return GOT_REFERRAL;
		if (m->type == LISP_MAP_REPLY && m->reply.nonce == nonce)
			return GOT_REPLY;
	}
	return GOT_NONE;
}

/* The record that answers for eid: the first whose prefix covers it. */
static const struct lisp_referral_record *record_for(const struct lisp_map_referral *m,
						     const struct lisp_prefix *eid,
						     struct lisp_prefix *p)
{
	for (unsigned int i = 0; i < m->record_count; i++)
		if (lisp_waddr_to_prefix(&m->records[i].eid, m->records[i].mask_len, p, NULL) == 0 &&
		    lisp_prefix_covers(p, eid))
			return &m->records[i];
	return NULL;
}

static int trace_end(const struct lig_opts *o, const char *what)
{
	if (o->json)
		printf("{\"error\":\"%s\"}\n", what);
	else
		printf("*** %s\n", what);
	return -1;
}

int lig_trace(int fd, const struct lig_opts *o, const struct lisp_addr *local, uint16_t port)
{
	static uint8_t arena_buf[LISP_DECODE_ARENA_BYTES / 8];
	struct lisp_arena arena;
	struct trace_set set = { .n = 1 };
	struct lisp_prefix last = { 0 };
	bool have_last = false;
	uint8_t out[9000];
	uint64_t nonce;
	ssize_t n;

	lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
	while (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		;
	n = lig_build_request(o, local, port, nonce, true, out, sizeof(out), NULL);
	if (n < 0)
		return trace_end(o, "the request does not encode");
	set.addr[0] = o->mr;
	if (!o->json) {
		char e[LISP_ADDR_STR_MAX];

		lisp_prefix_format(&o->eid, e, sizeof(e));
		printf("Trace of %s through LISP-DDT (hop, node, action, prefix, ttl, rtt):\n", e);
	}
	for (unsigned int hop = 1; hop <= TRACE_HOPS_MAX; hop++) {
		const struct lisp_referral_record *rec = NULL;
		struct lisp_ctrl_msg m;
		struct lisp_addr from;
		struct lisp_prefix p;
		enum got got = GOT_NONE;
		double rtt = 0;

		for (unsigned int i = 0; i < set.n && got != GOT_REFERRAL; i++) {
			struct sockaddr_storage dst;
			socklen_t dlen = lig_sockaddr_of(&set.addr[i], LISP_CONTROL_PORT, &dst);

			if (sendto(fd, out, (size_t)n, 0, (struct sockaddr *)&dst, dlen) < 0)
				continue;
			got = wait_for(fd, &set.addr[i], nonce, o->timeout_ms, &arena, &m, &from,
				       &rtt);
			if (got == GOT_REPLY) {	/* an ETR or a proxy answered */
				lig_print_reply(&m.reply, &from, rtt, o->json);
				return 0;
			}
			if (got == GOT_NONE && !o->json) {
				char a[LISP_ADDR_STR_MAX];

				lisp_addr_format(&set.addr[i], a, sizeof(a));
				printf("%2u  %-20s no Map-Referral in %u ms\n", hop, a, o->timeout_ms);
			}
		}
		if (got != GOT_REFERRAL)
			return trace_end(o, "no node of the referral set answered");
		rec = record_for(&m.referral, &o->eid, &p);
		if (!rec)
			return trace_end(o, "a Map-Referral with no record for the EID");
		hop_print(hop, &from, rtt, rec, &p, o->json);
		switch (rec->action) {
		case LISP_REF_NODE_REFERRAL:
		case LISP_REF_MS_REFERRAL:
			if (have_last && (p.plen <= last.plen || !lisp_prefix_covers(&last, &p)))
				return trace_end(o, "referral loop: not more specific than the last");
			last = p;
			have_last = true;
			set_from(rec, &set);
			if (!set.n)
				return trace_end(o, "a referral to nothing (empty referral set)");
			continue;
		case LISP_REF_MS_ACK:
			/* The Map-Server forwarded the request: the answer comes
			 * from the ETR (or the Map-Server, proxy). */
			got = wait_for(fd, NULL, nonce, o->timeout_ms, &arena, &m, &from, &rtt);
			if (got != GOT_REPLY)
				return trace_end(o, "MS-ACK, but no Map-Reply from the ETR");
			lig_print_reply(&m.reply, &from, rtt, o->json);
			return 0;
		default:
			if (!o->json)
				printf("Final answer: %s for %s\n",
				       lisp_referral_action_name(rec->action),
				       rec->action == LISP_REF_NOT_AUTHORITATIVE
					       ? "the EID (the node is not authoritative)"
					       : "the prefix above (negative)");
			return rec->action == LISP_REF_NOT_AUTHORITATIVE ? -1 : 0;
		}
	}
	return trace_end(o, "more than 16 referrals: loop or depth limit");
}
