/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The REST API's connection table: admission, eviction of the oldest
 * incomplete connection when full, header and body deadlines
 * (rest_conns.h says how; docs/security.md, "REST under slow clients").
 */
#include "rest_conns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const phase_name[REST_CONN_PHASES] = {
	[REST_CONN_HEAD] = "request head",
	[REST_CONN_BODY] = "request body",
	[REST_CONN_SERVING] = "response",
	[REST_CONN_CLOSING] = "close",
};

void rest_conns_init(struct rest_conns *t, const struct rest_conn_limits *lim,
		     struct rest_counters *c)
{
	memset(t, 0, sizeof(*t));
	t->lim = *lim;
	t->c = c;
	t->rl = (struct log_ratelimit)LOG_RATELIMIT_INIT(10, 1000);
}

void rest_conns_set_limits(struct rest_conns *t, const struct rest_conn_limits *lim)
{
	t->lim = *lim;
}

static void list_append(struct rest_conn_list *l, struct rest_conn *rc)
{
	rc->next = NULL;
	rc->prev = l->last;
	if (l->last)
		l->last->next = rc;
	else
		l->first = rc;
	l->last = rc;
}

static void list_unlink(struct rest_conn_list *l, struct rest_conn *rc)
{
	if (rc->prev)
		rc->prev->next = rc->next;
	else
		l->first = rc->next;
	if (rc->next)
		rc->next->prev = rc->prev;
	else
		l->last = rc->prev;
	rc->prev = rc->next = NULL;
}

void rest_conns_clear(struct rest_conns *t)
{
	for (int p = 0; p < REST_CONN_PHASES; p++) {
		while (t->phase[p].first) {
			struct rest_conn *rc = t->phase[p].first;

			list_unlink(&t->phase[p], rc);
			free(rc);
		}
	}
	t->open = 0;
}

static void move_to(struct rest_conns *t, struct rest_conn *rc, enum rest_conn_phase phase,
		    uint64_t now_ms)
{
	list_unlink(&t->phase[rc->phase], rc);
	rc->phase = phase;
	rc->since_ms = now_ms;
	list_append(&t->phase[phase], rc);
}

/* The client's address, port excluded: one client, many connections. */
static bool same_client(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return true;
}

static const char *client_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)
								     ss)->sin6_addr
						  : (const void *)&((const struct sockaddr_in *)
								     ss)->sin_addr;

	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

/* Shut down here: libmicrohttpd closes it at its next run, its slot is
 * free from now. */
static void conn_close(struct rest_conns *t, struct rest_conn *rc, uint64_t now_ms,
		       const char *why)
{
	char a[INET6_ADDRSTRLEN];

	log_ratelimited(&t->rl, LOG_LEVEL_WARN, "rest: closed a connection from %s %s (%s "
			"for %llu ms)", client_text(&rc->peer, a, sizeof(a)), why,
			phase_name[rc->phase], (unsigned long long)(now_ms - rc->since_ms));
	shutdown(rc->fd, SHUT_RDWR);
	move_to(t, rc, REST_CONN_CLOSING, now_ms);
	t->open--;
}

/* The oldest connection still waiting for its request's head, else for
 * its body; from peer only when peer is given.  NULL when all are served. */
static struct rest_conn *oldest_incomplete(struct rest_conns *t,
					   const struct sockaddr_storage *peer)
{
	static const enum rest_conn_phase order[] = { REST_CONN_HEAD, REST_CONN_BODY };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		for (struct rest_conn *rc = t->phase[order[i]].first; rc; rc = rc->next)
			if (!peer || same_client(&rc->peer, peer))
				return rc;
	return NULL;
}

static uint32_t client_count(const struct rest_conns *t, const struct sockaddr_storage *peer)
{
	uint32_t n = 0;

	for (int p = REST_CONN_HEAD; p <= REST_CONN_SERVING; p++)
		for (const struct rest_conn *rc = t->phase[p].first; rc; rc = rc->next)
			n += same_client(&rc->peer, peer);
	return n;
}

static bool room_for(const struct rest_conns *t, const struct sockaddr_storage *peer)
{
	return t->open < t->lim.max && client_count(t, peer) < t->lim.max_per_addr;
}

/* Room for one more from peer: 0, or -EBUSY (nothing incomplete to close).
 * Loops, so that limits lowered by a reload are met at the next admission. */
static int make_room(struct rest_conns *t, const struct sockaddr_storage *peer,
		     uint64_t now_ms)
{
	struct rest_conn *victim;

	while (client_count(t, peer) >= t->lim.max_per_addr) {
		victim = oldest_incomplete(t, peer);
		if (!victim)
			return -EBUSY;
		t->c->evicted_address_full++;
		conn_close(t, victim, now_ms, "to make room for the same client's new one");
	}
	while (t->open >= t->lim.max) {
		victim = oldest_incomplete(t, NULL);
		if (!victim)
			return -EBUSY;
		t->c->evicted_full++;
		conn_close(t, victim, now_ms, "to make room for a new one");
	}
	return 0;
}

struct rest_conn *rest_conns_admit(struct rest_conns *t, int fd, const struct sockaddr *peer,
				   socklen_t peer_len, uint64_t now_ms, bool head_complete)
{
	struct sockaddr_storage ss = { 0 };
	struct rest_conn *rc;
	char a[INET6_ADDRSTRLEN];

	memcpy(&ss, peer, peer_len < sizeof(ss) ? peer_len : sizeof(ss));
	if (!head_complete && !room_for(t, &ss)) {
		errno = EAGAIN;
		return NULL;
	}
	if (make_room(t, &ss, now_ms) < 0) {
		t->c->refused_full++;
		log_ratelimited(&t->rl, LOG_LEVEL_WARN, "rest: refused a connection from %s: "
				"%u connections open (%u from it), every one being answered",
				client_text(&ss, a, sizeof(a)), t->open, client_count(t, &ss));
		errno = EBUSY;
		return NULL;
	}
	rc = calloc(1, sizeof(*rc));
	if (!rc) {
		errno = ENOMEM;
		return NULL;
	}
	rc->fd = fd;
	rc->peer = ss;
	rc->phase = REST_CONN_HEAD;
	rc->since_ms = now_ms;
	list_append(&t->phase[REST_CONN_HEAD], rc);
	t->open++;
	t->c->connections_accepted++;
	return rc;
}

void rest_conn_enter(struct rest_conns *t, struct rest_conn *rc, enum rest_conn_phase phase,
		     uint64_t now_ms)
{
	if (rc->phase == REST_CONN_CLOSING || phase == REST_CONN_CLOSING)
		return;
	move_to(t, rc, phase, now_ms);
}

void rest_conn_forget(struct rest_conns *t, struct rest_conn *rc)
{
	if (rc->phase != REST_CONN_CLOSING)
		t->open--;
	list_unlink(&t->phase[rc->phase], rc);
	free(rc);
}

void rest_conns_expire(struct rest_conns *t, uint64_t now_ms)
{
	struct rest_conn *rc;
	char why[64];

	while ((rc = t->phase[REST_CONN_HEAD].first) &&
	       now_ms - rc->since_ms >= t->lim.header_ms) {
		t->c->closed_header_deadline++;
		snprintf(why, sizeof(why), "past the header deadline, %u ms", t->lim.header_ms);
		conn_close(t, rc, now_ms, why);
	}
	while ((rc = t->phase[REST_CONN_BODY].first) && now_ms - rc->since_ms >= t->lim.body_ms) {
		t->c->closed_body_deadline++;
		snprintf(why, sizeof(why), "past the body deadline, %u ms", t->lim.body_ms);
		conn_close(t, rc, now_ms, why);
	}
}

uint64_t rest_conns_next_deadline(const struct rest_conns *t)
{
	const struct rest_conn *h = t->phase[REST_CONN_HEAD].first;
	const struct rest_conn *b = t->phase[REST_CONN_BODY].first;
	uint64_t at = UINT64_MAX;

	if (h)
		at = h->since_ms + t->lim.header_ms;
	if (b && b->since_ms + t->lim.body_ms < at)
		at = b->since_ms + t->lim.body_ms;
	return at;
}
