/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_channel_server.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "dp_channel_server_priv.h"

/* ---- the server ----------------------------------------------------------------- */

void dp_channel_server_params_default(struct dp_channel_server_params *p)
{
	memset(p, 0, sizeof(*p));
	p->socket_mode = 0600;
	p->cp_ring_slots = DP_CHANNEL_CP_SLOTS_DEF;
	p->dp_ring_slots = DP_CHANNEL_DP_SLOTS_DEF;
	p->sock_check_us = 10000;
	p->stale_ask_budget = 256;
	p->session_grace_ms = 30000;
}

/* A live data plane answers on path: then it is not ours to take over. */
static int path_take(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	/* Left behind by a data plane that died: ours now. */
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

struct dp_channel_server *dp_channel_server_new(const struct dp_channel_server_params *p,
						const struct dp_channel_ops *ops, void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct dp_channel_server *s;
	int rc;

	if (!p->socket_path || strlen(p->socket_path) >= sizeof(sa.sun_path) || !ops->upsert ||
	    !ops->remove) {
		errno = EINVAL;
		return NULL;
	}
	memcpy(sa.sun_path, p->socket_path, strlen(p->socket_path) + 1);
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->p = *p;
	s->ops = *ops;
	s->arg = arg;
	s->sfd = s->evfd = -1;
	s->map.fd = -1;
	s->epoch = 1;
	s->path = strdup(p->socket_path);
	s->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!s->path || s->lfd < 0) {
		rc = -errno;
		goto fail;
	}
	s->p.socket_path = s->path;
	rc = path_take(s->path, &sa);
	if (rc < 0)
		goto fail;
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(s->path, s->p.socket_mode ? s->p.socket_mode : 0600) < 0 ||
	    listen(s->lfd, 4) < 0) {
		rc = -errno;
		unlink(s->path);
		goto fail;
	}
	return s;
fail:
	if (s->lfd >= 0)
		close(s->lfd);
	free(s->path);
	free(s);
	errno = -rc;
	return NULL;
}

static void session_end(struct dp_channel_server *s, bool drain,
			enum dp_channel_end_reason why, const char *text);

void dp_channel_server_free(struct dp_channel_server *s)
{
	if (!s)
		return;
	if (s->attached)
		session_end(s, false, DP_CHANNEL_END_SHUTDOWN, "data plane shutting down");
	close(s->lfd);
	unlink(s->path);
	free(s->trk.v);
	free(s->grace);
	free(s->path);
	free(s);
}

static int tx(struct dp_channel_server *s, uint16_t type, const void *p, size_t len)
{
	int rc;

	if (!s->attached)
		return -ENOTCONN;
	rc = dp_channel_ring_enqueue(&s->map.tx, type, p, len);
	if (rc == -ENOBUFS) {
		s->c.tx_dropped++;
		dp_channel_ring_drop_note(&s->map.tx);
	} else if (rc == 0) {
		s->tx_pending = true;
	}
	return rc;
}

static void event_send(struct dp_channel_server *s, uint16_t code, uint32_t arg,
		       const struct dp_msg_key *key, uint64_t v0, uint64_t v1, uint64_t v2)
{
	struct dp_msg_event e = { .code = code, .arg = arg, .v = { v0, v1, v2 } };

	if (key)
		e.key = *key;
	if (tx(s, DP_MSG_EVENT, &e, sizeof(e)) == 0)
		s->c.tx_events++;
}

/* A protocol violation ends the session; text says which. */
static void __attribute__((format(printf, 2, 3)))
session_broken(struct dp_channel_server *s, const char *fmt, ...)
{
	char text[sizeof(s->end_text)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	s->c.sessions_broken++;
	session_end(s, false, DP_CHANNEL_END_PROTOCOL, text);
}

static void on_resync(struct dp_channel_server *s, uint16_t type, const struct dp_msg_resync *m,
		      size_t len)
{
	size_t kept, stale;

	if (len != sizeof(*m) || m->generation != s->generation || !m->tables ||
	    (m->tables & ~DP_MSG_TABLES_ALL)) {
		/* The control plane has a wrong idea of this session: make it
		 * start over rather than sweep on its word. */
		session_broken(s, "protocol violation: %s for generation %u, tables 0x%x, in "
			       "session %u", type == DP_MSG_RESYNC_BEGIN ? "RESYNC_BEGIN" :
			       "RESYNC_END", len == sizeof(*m) ? m->generation : 0,
			       len == sizeof(*m) ? m->tables : 0, s->generation);
		return;
	}
	if (type == DP_MSG_RESYNC_BEGIN) {
		if (s->resyncing)
			s->c.resyncs_abandoned++;
		s->c.resyncs_begun++;
		/* 0 marks an empty slot, TRK_GRACE a key in its grace period */
		s->epoch = s->epoch + 1 < TRK_GRACE ? s->epoch + 1 : 1;
		s->resyncing = true;
		s->resync_tables = m->tables;
		s->resync_rejected = 0;
		if (s->ops.session)
			s->ops.session(s->arg, DP_CHANNEL_SESSION_RESYNC_BEGIN, s->generation);
		return;
	}
	if (!s->resyncing || m->tables != s->resync_tables) {
		s->c.msgs_invalid++;
		return;
	}
	stale = dp_channel_stale_sweep(s, m->tables, s->epoch, DP_CHANNEL_RM_STALE, &kept);
	s->c.stale_removed += stale;
	s->c.resyncs_done++;
	s->resyncing = false;
	event_send(s, DP_MSG_EV_RESYNC_DONE, s->generation, NULL, kept, stale, s->resync_rejected);
	if (s->ops.session)
		s->ops.session(s->arg, DP_CHANNEL_SESSION_RESYNC_END, s->generation);
}

static void reject(struct dp_channel_server *s, const struct dp_msg_key *k, int err)
{
	s->c.upserts_rejected++;
	if (s->resyncing)
		s->resync_rejected++;
	event_send(s, DP_MSG_EV_MAP_REJECTED, s->generation, k, (uint64_t)err, 0, 0);
}

static void on_upsert(struct dp_channel_server *s, const struct dp_msg_map *m, size_t len)
{
	struct trk_slot *slot;
	uint32_t h;
	int rc;

	rc = dp_msg_map_check(m, len);
	if (rc < 0) {
		s->c.msgs_invalid++;
		if (len >= sizeof(m->key))
			reject(s, &m->key, -rc);
		return;
	}
	/* Room first: once the caller installed the key we must be able to
	 * track it, or a later resync could never remove it. */
	if (dp_channel_trk_reserve(&s->trk) < 0) {
		reject(s, &m->key, ENOMEM);
		return;
	}
	h = dp_channel_key_hash(&m->key);
	slot = dp_channel_trk_find(&s->trk, &m->key, h);
	rc = s->ops.upsert(s->arg, m, slot != NULL);
	if (slot && slot->mark == TRK_GRACE) {
		/* The control plane has it again: its grace period ends. */
		dp_channel_stale_end(s, slot);
		s->c.stale_refreshed++;
	}
	if (rc < 0) {
		/* A refused replacement keeps the old mapping, and it was
		 * mentioned: not stale. */
		if (slot)
			slot->mark = s->epoch;
		reject(s, &m->key, -rc);
		return;
	}
	s->c.upserts++;
	if (slot)
		slot->mark = s->epoch;
	else
		dp_channel_trk_place(&s->trk, &m->key, h, s->epoch);
}

static void on_delete(struct dp_channel_server *s, const struct dp_msg_del *m, size_t len)
{
	struct trk_slot *slot;

	if (len != sizeof(*m) || dp_msg_key_check(&m->key) < 0) {
		s->c.msgs_invalid++;
		return;
	}
	slot = dp_channel_trk_find(&s->trk, &m->key, dp_channel_key_hash(&m->key));
	if (!slot) {
		s->c.deletes_unknown++;
		return;
	}
	dp_channel_stale_end(s, slot);
	dp_channel_trk_del_at(&s->trk, (size_t)(slot - s->trk.v));
	s->c.deletes++;
	s->ops.remove(s->arg, &m->key, DP_CHANNEL_RM_DELETE);
}

static void dispatch(struct dp_channel_server *s, uint16_t type, size_t len)
{
	const void *p = s->buf.b;
	size_t kept;

	switch (type) {
	case DP_MSG_RESYNC_BEGIN:
	case DP_MSG_RESYNC_END:
		on_resync(s, type, p, len);
		return;
	case DP_MSG_MAP_UPSERT:
		on_upsert(s, p, len);
		return;
	case DP_MSG_MAP_DELETE:
		on_delete(s, p, len);
		return;
	case DP_MSG_RLOC_STATUS: {
		const struct dp_msg_rloc *m = p;

		if (dp_msg_rloc_check(m, len) < 0) {
			s->c.msgs_invalid++;
		} else if (!dp_channel_trk_find(&s->trk, &m->key, dp_channel_key_hash(&m->key))) {
			s->c.rloc_unknown++;
		} else {
			s->c.rloc_updates++;
			if (s->ops.rloc_status)
				s->ops.rloc_status(s->arg, m);
		}
		return;
	}
	case DP_MSG_FLUSH: {
		const struct dp_msg_flush *m = p;

		if (len != sizeof(*m) || !m->tables || (m->tables & ~DP_MSG_TABLES_ALL)) {
			s->c.msgs_invalid++;
			return;
		}
		s->c.flushes++;
		s->c.flushed += dp_channel_stale_sweep(s, m->tables, 0, DP_CHANNEL_RM_FLUSH, &kept);
		return;
	}
	default:
		/* A type this build does not know (the ABI check makes that a
		 * bug, not a version skew): counted and skipped. */
		s->c.msgs_invalid++;
		return;
	}
}

static unsigned int drain(struct dp_channel_server *s, unsigned int budget)
{
	unsigned int n = 0;

	while (n < budget && s->attached) {
		uint16_t type;
		int len = dp_channel_ring_dequeue(&s->map.rx, &type, s->buf.b, sizeof(s->buf.b));

		if (len == -EAGAIN)
			break;
		if (len < 0) {
			session_broken(s, "protocol violation: unreadable ring record (%s)",
				       strerror(-len));
			break;
		}
		n++;
		s->c.messages++;
		dispatch(s, type, (size_t)len);
	}
	return n;
}

static void session_end(struct dp_channel_server *s, bool do_drain,
			enum dp_channel_end_reason why, const char *text)
{
	uint32_t gen = s->generation;
	size_t stale;

	/* What a departed control plane managed to publish is complete and
	 * as current as anything we have: apply it.  A resync it left open
	 * removes nothing. */
	if (do_drain)
		drain(s, UINT32_MAX);
	if (!s->attached)
		return;		/* the drain found garbage and ended it */
	if (s->resyncing)
		s->c.resyncs_abandoned++;
	s->resyncing = false;
	s->attached = false;
	close(s->sfd);
	close(s->evfd);
	s->sfd = s->evfd = -1;
	dp_channel_region_release(&s->map);
	s->end_reason = why;
	if (why == DP_CHANNEL_END_PEER_CLOSED)
		s->c.ended_peer_closed++;
	else if (why == DP_CHANNEL_END_SOCKET_ERROR)
		s->c.ended_socket_error++;
	else if (why == DP_CHANNEL_END_PROTOCOL)
		s->c.ended_protocol++;
	/* What it left installed is as good as its control plane, which is
	 * gone: it forwards for the grace period, then goes unless a new
	 * control plane confirms it (docs/dataplane-channel.md). */
	stale = why == DP_CHANNEL_END_SHUTDOWN ? 0 : dp_channel_stale_session_end(s);
	snprintf(s->end_text, sizeof(s->end_text), "%s; %zu entries removed in %u ms unless "
		 "confirmed", text, stale, s->p.session_grace_ms);
	if (s->ops.session)
		s->ops.session(s->arg, DP_CHANNEL_SESSION_DETACHED, gen);
}

enum dp_channel_end_reason dp_channel_server_end_reason(const struct dp_channel_server *s,
							const char **text)
{
	if (text)
		*text = s->end_reason == DP_CHANNEL_END_NONE ? "" : s->end_text;
	return s->end_reason;
}

static void session_start(struct dp_channel_server *s, int fd)
{
	struct dp_channel_hello h = { .magic = DP_CHANNEL_MAGIC, .abi = DP_MSG_ABI_VERSION };
	uint32_t gen = s->generation + 1 ? s->generation + 1 : 1;

	if (dp_channel_region_create(s->p.cp_ring_slots, s->p.dp_ring_slots, gen, &s->map) < 0) {
		close(fd);
		return;
	}
	s->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	h.generation = gen;
	h.region_size = s->map.size;
	h.dp_pid = (uint32_t)getpid();
	if (s->evfd < 0 || dp_channel_hello_send(fd, &h, s->map.fd, s->evfd) < 0) {
		if (s->evfd >= 0)
			close(s->evfd);
		s->evfd = -1;
		dp_channel_region_release(&s->map);
		close(fd);
		return;
	}
	/* The control plane holds its own descriptor of the memfd now; our
	 * mapping keeps the memory alive. */
	close(s->map.fd);
	s->map.fd = -1;
	s->generation = gen;
	s->sfd = fd;
	s->attached = true;
	s->resyncing = false;
	s->tx_pending = false;
	s->end_reason = DP_CHANNEL_END_NONE;
	s->c.sessions++;
	if (s->ops.session)
		s->ops.session(s->arg, DP_CHANNEL_SESSION_ATTACHED, gen);
}

static void sock_check(struct dp_channel_server *s)
{
	struct pollfd pf[2] = { { .fd = s->lfd, .events = POLLIN },
				{ .fd = s->sfd, .events = POLLIN } };

	if (poll(pf, s->attached ? 2 : 1, 0) <= 0)
		return;
	/* The old session first: a control plane restarting right after a
	 * crash is accepted in the same check. */
	if (s->attached && pf[1].revents) {
		char b[64];
		ssize_t r = recv(s->sfd, b, sizeof(b), MSG_DONTWAIT);

		/* The control plane says nothing on the socket: anything but
		 * EAGAIN (end of stream, error, hang-up) means it is gone. */
		if (r > 0)
			session_broken(s, "protocol violation: %zd bytes on the socket, where the "
				       "control plane sends none", r);
		else if (r < 0 && errno != EAGAIN && errno != EINTR)
			session_end(s, true, DP_CHANNEL_END_SOCKET_ERROR, strerror(errno));
		else if (r == 0 || (pf[1].revents & (POLLHUP | POLLERR)))
			session_end(s, true, DP_CHANNEL_END_PEER_CLOSED, "peer closed the socket");
	}
	if (!(pf[0].revents & POLLIN))
		return;
	for (;;) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (s->attached) {
			struct dp_channel_hello h = { .magic = DP_CHANNEL_MAGIC,
						      .abi = DP_MSG_ABI_VERSION,
						      .status = -EBUSY,
						      .generation = s->generation };

			s->c.sessions_refused++;
			dp_channel_hello_send(fd, &h, -1, -1);
			close(fd);
			continue;
		}
		session_start(s, fd);
	}
}

unsigned int dp_channel_server_poll(struct dp_channel_server *s, unsigned int budget)
{
	unsigned int n;

	if (!s->p.sock_check_us) {
		sock_check(s);
	} else {
		uint64_t now = dp_channel_now_ns();

		if (now >= s->next_check_ns) {
			s->next_check_ns = now + (uint64_t)s->p.sock_check_us * 1000;
			sock_check(s);
		}
	}
	if (!s->attached) {
		if (s->n_grace)
			dp_channel_stale_poll(s);
		return 0;
	}
	n = drain(s, budget);
	if (s->n_grace)
		dp_channel_stale_poll(s);
	if (!s->attached)
		return n;
	/* Doorbells, once per call: the control plane sleeps in epoll. */
	if ((n && dp_channel_ring_consumer_wake_check(&s->map.rx)) ||
	    (s->tx_pending && dp_channel_ring_producer_wake_check(&s->map.tx))) {
		s->c.wakeups++;
		dp_channel_eventfd_signal(s->evfd);
	}
	s->tx_pending = false;
	return n;
}

int dp_channel_server_miss(struct dp_channel_server *s, const struct dp_msg_miss *m)
{
	int rc = tx(s, DP_MSG_MISS, m, sizeof(*m));

	if (rc == 0)
		s->c.tx_misses++;
	return rc;
}

int dp_channel_server_event(struct dp_channel_server *s, const struct dp_msg_event *e)
{
	int rc = tx(s, DP_MSG_EVENT, e, sizeof(*e));

	if (rc == 0)
		s->c.tx_events++;
	return rc;
}

int dp_channel_server_counters(struct dp_channel_server *s, const struct dp_msg_counter *v,
			       size_t n, uint64_t time_ns)
{
	size_t chunks = (n + DP_MSG_COUNTERS_CHUNK - 1) / DP_MSG_COUNTERS_CHUNK;
	struct dp_msg_counters m;

	if (!s->attached)
		return -ENOTCONN;
	if (n > UINT16_MAX)
		return -EINVAL;
	if (!chunks)
		chunks = 1;	/* an empty snapshot is still a snapshot */
	/* All or none: a half snapshot would only be thrown away. */
	if (dp_channel_ring_free_slots(&s->map.tx) <
	    chunks * dp_channel_ring_rec_slots(sizeof(m))) {
		s->c.tx_dropped++;
		dp_channel_ring_drop_note(&s->map.tx);
		return -ENOBUFS;
	}
	s->snapshot++;
	for (size_t i = 0; i < chunks; i++) {
		size_t first = i * DP_MSG_COUNTERS_CHUNK;
		size_t cnt = n - first < DP_MSG_COUNTERS_CHUNK ? n - first : DP_MSG_COUNTERS_CHUNK;

		memset(&m, 0, DP_MSG_COUNTERS_HDR_LEN);
		m.snapshot = s->snapshot;
		m.first = (uint16_t)first;
		m.count = (uint16_t)(n ? cnt : 0);
		m.total = (uint16_t)n;
		m.time_ns = time_ns;
		if (n)
			memcpy(m.v, v + first, cnt * sizeof(*v));
		if (tx(s, DP_MSG_COUNTERS, &m, dp_msg_counters_len(&m)) < 0)
			return -ENOBUFS;	/* cannot happen: room was checked */
		s->c.tx_counters++;
	}
	return 0;
}

bool dp_channel_server_attached(const struct dp_channel_server *s)
{
	return s->attached;
}

uint32_t dp_channel_server_generation(const struct dp_channel_server *s)
{
	return s->generation;
}

bool dp_channel_server_resyncing(const struct dp_channel_server *s)
{
	return s->resyncing;
}

size_t dp_channel_server_entries(const struct dp_channel_server *s)
{
	return s->trk.count;
}

bool dp_channel_server_has(const struct dp_channel_server *s, const struct dp_msg_key *k)
{
	return dp_channel_trk_find(&s->trk, k, dp_channel_key_hash(k)) != NULL;
}

size_t dp_channel_server_stale_waiting(const struct dp_channel_server *s)
{
	return s->grace_waiting;
}

const struct dp_channel_server_counters *
dp_channel_server_counters_get(const struct dp_channel_server *s)
{
	return &s->c;
}

int dp_channel_server_fd(const struct dp_channel_server *s)
{
	return s->lfd;
}
