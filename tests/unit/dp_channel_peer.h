/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the protocol tests (test_dp_channel_session.c, _resync.c):
 * the reference data-plane side (common/dp_channel_server.c) over ops that
 * log what its tables would see, and a bare control plane that speaks
 * through the ring.
 */
#ifndef LISPGW_TEST_DP_CHANNEL_PEER_H
#define LISPGW_TEST_DP_CHANNEL_PEER_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "check_util.h"
#include "dp_channel.h"
#include "dp_channel_server.h"

#define LOG_MAX 4096

/* What the data plane's tables saw. */
struct dp_log {
	unsigned int upserts, replaced, removed[3], rloc, attached, detached, resync_end;
	struct dp_msg_key removed_keys[LOG_MAX];
	unsigned int nremoved_keys;
	struct dp_msg_key reject_key;	/* upserts of this key are refused */
	bool reject_set;
	struct dp_msg_key no_grace_key;	/* stale_keep says no for this key */
	bool no_grace_set;
	bool light;			/* count only (many keys) */
	struct dp_msg_key installed[LOG_MAX];
	uint8_t installed_rlocs[LOG_MAX];
	unsigned int ninstalled;
};

static struct dp_log lg;

static inline int log_find(const struct dp_msg_key *k)
{
	for (unsigned int i = 0; i < lg.ninstalled; i++)
		if (!memcmp(&lg.installed[i], k, sizeof(*k)))
			return (int)i;
	return -1;
}

static inline int op_upsert(void *arg, const struct dp_msg_map *m, bool exists)
{
	int i;

	(void)arg;
	if (lg.light) {
		lg.ninstalled += !exists;
		return 0;
	}
	i = log_find(&m->key);
	if (lg.reject_set && !memcmp(&lg.reject_key, &m->key, sizeof(m->key)))
		return -ENOSPC;
	ck_assert_int_eq(exists, i >= 0);
	lg.upserts++;
	if (exists) {
		lg.replaced++;
	} else {
		ck_assert_uint_lt(lg.ninstalled, LOG_MAX);
		i = (int)lg.ninstalled++;
		lg.installed[i] = m->key;
	}
	lg.installed_rlocs[i] = m->rloc_count;
	return 0;
}

static inline void op_remove(void *arg, const struct dp_msg_key *k,
			     enum dp_channel_remove_reason why)
{
	int i;

	(void)arg;
	lg.removed[why]++;
	if (lg.light) {
		lg.ninstalled--;
		return;
	}
	i = log_find(k);
	ck_assert_int_ge(i, 0);
	lg.installed[i] = lg.installed[--lg.ninstalled];
	lg.installed_rlocs[i] = lg.installed_rlocs[lg.ninstalled];
	if (lg.nremoved_keys < LOG_MAX)
		lg.removed_keys[lg.nremoved_keys++] = *k;
}

static inline void op_rloc(void *arg, const struct dp_msg_rloc *m)
{
	(void)arg;
	(void)m;
	lg.rloc++;
}

static inline void op_session(void *arg, enum dp_channel_session_event ev, uint32_t gen)
{
	(void)arg;
	(void)gen;
	if (ev == DP_CHANNEL_SESSION_ATTACHED)
		lg.attached++;
	else if (ev == DP_CHANNEL_SESSION_DETACHED)
		lg.detached++;
	else if (ev == DP_CHANNEL_SESSION_RESYNC_END)
		lg.resync_end++;
}

static inline bool op_stale_keep(void *arg, const struct dp_msg_key *k)
{
	(void)arg;
	return !(lg.no_grace_set && !memcmp(&lg.no_grace_key, k, sizeof(*k)));
}

static const struct dp_channel_ops ops = {
	.upsert = op_upsert, .remove = op_remove, .rloc_status = op_rloc, .session = op_session,
	.stale_keep = op_stale_keep,
};

/* The server's clock in the grace-period tests: moved by the test. */
static uint64_t fake_now_ns;

static inline uint64_t fake_clock(void)
{
	return fake_now_ns;
}

static char sock_path[108];
static char sock_dir[64];
/* params.session_grace_ms of the next server_make_grace(). */
static uint32_t peer_session_grace_ms = 30000;

/* A server whose stale keys of grace_tables wait grace_ms (0: none) on
 * fake_clock(). */
static inline struct dp_channel_server *server_make_grace(uint32_t dp_slots, uint32_t grace_ms,
							  uint32_t grace_tables)
{
	struct dp_channel_server_params p;
	struct dp_channel_server *s;

	memset(&lg, 0, sizeof(lg));
	t_tmpdir(sock_dir, sizeof(sock_dir), "dpch");
	snprintf(sock_path, sizeof(sock_path), "%s/dp.sock", sock_dir);
	dp_channel_server_params_default(&p);
	p.socket_path = sock_path;
	p.cp_ring_slots = 1024;
	p.dp_ring_slots = dp_slots;
	p.sock_check_us = 0;	/* every poll: tests are deterministic */
	p.stale_grace_ms = grace_ms;
	p.stale_grace_tables = grace_tables;
	p.session_grace_ms = peer_session_grace_ms;
	p.clock_ns = fake_clock;
	s = dp_channel_server_new(&p, &ops, NULL);
	ck_assert_ptr_nonnull(s);
	return s;
}

static inline struct dp_channel_server *server_make(uint32_t dp_slots)
{
	return server_make_grace(dp_slots, 0, 0);
}

static inline void server_free(struct dp_channel_server *s)
{
	dp_channel_server_free(s);
	ck_assert_int_eq(access(sock_path, F_OK), -1);
	rmdir(sock_dir);
}

/* A bare control plane: the socket and the mapped region. */
struct fake_cp {
	int sock, evfd;
	struct dp_channel_hello h;
	struct dp_channel_map m;
};

static inline int cp_attach(struct dp_channel_server *s, struct fake_cp *c)
{
	int memfd, rc;

	memset(c, 0, sizeof(*c));
	c->m.fd = -1;
	c->sock = dp_channel_connect(sock_path);
	ck_assert_int_ge(c->sock, 0);
	dp_channel_server_poll(s, 64);
	rc = dp_channel_hello_recv(c->sock, &c->h, &memfd, &c->evfd);
	ck_assert_int_eq(rc, 0);
	if (c->h.status)
		return c->h.status;
	ck_assert_int_eq(dp_channel_region_attach(memfd, &c->m), 0);
	ck_assert_uint_eq(c->m.generation, c->h.generation);
	return 0;
}

static inline void cp_close(struct fake_cp *c)
{
	close(c->sock);
	if (c->evfd > 0)
		close(c->evfd);
	dp_channel_region_release(&c->m);
}

static inline void cp_send(struct fake_cp *c, uint16_t type, const void *p, size_t len)
{
	ck_assert_int_eq(dp_channel_ring_enqueue(&c->m.tx, type, p, len), 0);
}

static inline void cp_resync(struct fake_cp *c, uint16_t type, uint32_t tables, uint64_t count)
{
	struct dp_msg_resync r = { .generation = c->h.generation, .tables = tables,
				   .count = count };

	cp_send(c, type, &r, sizeof(r));
}

static inline struct dp_msg_key key4(uint32_t iid, uint32_t host, uint8_t plen, uint8_t table)
{
	struct dp_msg_key k = { .iid = iid, .afi = DP_MSG_AFI_IPV4, .plen = plen, .table = table };
	uint32_t be = htonl(host);

	memcpy(k.addr, &be, 4);
	/* canonical: clear the host bits */
	for (unsigned int b = plen; b < 32; b++)
		k.addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	return k;
}

static inline void cp_upsert(struct fake_cp *c, struct dp_msg_key k, uint8_t nrloc)
{
	struct dp_msg_map m = { .key = k, .ttl_s = 60, .rloc_count = nrloc };

	for (unsigned int i = 0; i < nrloc; i++) {
		m.rlocs[i].afi = DP_MSG_AFI_IPV4;
		m.rlocs[i].addr[0] = 192;
		m.rlocs[i].addr[3] = (uint8_t)i;
		m.rlocs[i].priority = 1;
		m.rlocs[i].weight = 50;
		m.rlocs[i].flags = DP_MSG_LOC_F_UP;
	}
	cp_send(c, DP_MSG_MAP_UPSERT, &m, dp_msg_map_len(&m));
}

/* The next DP->CP record of type want (others skipped), or fails. */
static inline int cp_recv(struct fake_cp *c, uint16_t want, void *out, size_t cap)
{
	uint8_t p[DP_MSG_PAYLOAD_MAX];
	uint16_t type;
	int len;

	for (;;) {
		len = dp_channel_ring_dequeue(&c->m.rx, &type, p, sizeof(p));
		if (len == -EAGAIN)
			return -EAGAIN;
		ck_assert_int_ge(len, 0);
		if (type == want)
			break;
	}
	ck_assert_uint_le((size_t)len, cap);
	memcpy(out, p, (size_t)len);
	return len;
}

#endif
