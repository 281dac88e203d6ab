// SPDX-License-Identifier: BSD-3-Clause
/*
 * The neighbour table (tables.h): EID-side hosts (DP_HOST_EID, learned by
 * neigh.c, read by decapsulation and local delivery) and the inner MACs of
 * VXLAN far ends (DP_HOST_PEER, overlay.c, read by encapsulation).  One
 * lock-free rte_hash that workers read while the main lcore writes.
 *
 * Hosts age (dp_tables_hosts_age()): agents move, and a table that never
 * forgets fills up.  A deleted key's slot may still be compared by a
 * worker's lookup in flight, so the hash's own RCU defer queue (DPDK's
 * rte_hash_rcu_qsbr_add(), RTE_HASH_QSBR_MODE_DQ, on the tables' QSBR)
 * frees it only after every worker has reported quiescence; the MAC is
 * the key's data word, so nothing else needs freeing.
 */
#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_hash.h>
#include <rte_malloc.h>

#include "tables.h"
#include "tables_priv.h"

/* Writer only, by the hash's key position (stable for the key's life). */
struct dp_host_life {
	uint64_t seen_ms;	/* learned or last refreshed (ARP/ND from it) */
	uint64_t probe_ms;	/* last probe; 0: none since seen */
};

int dp_tables_hosts_init(struct dp_tables *t)
{
	struct rte_hash_rcu_config rc = {
		.v = t->qsbr,
		/* Non-blocking: the main lcore may itself be a reader. */
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	int32_t max = rte_hash_max_key_id(t->hosts);

	if (max < 0 || rte_hash_rcu_qsbr_add(t->hosts, &rc) != 0)
		return -ENOMEM;
	t->host_life = rte_zmalloc_socket("dp_host_life", ((size_t)max + 1) * sizeof(*t->host_life),
					  0, t->p.socket_id);
	return t->host_life ? 0 : -ENOMEM;
}

static void host_key(struct dp_host_key *k, uint8_t kind, uint32_t iid, const struct dp_ip *ip)
{
	memset(k, 0, sizeof(*k));
	k->iid = iid;
	k->af = ip->af;
	k->kind = kind;
	memcpy(k->a, ip->a, ip->af == 4 ? 4 : 16);
}

static int neigh_set(struct dp_tables *t, uint8_t kind, uint32_t iid, const struct dp_ip *ip,
		     const uint8_t mac[6])
{
	struct dp_host_key k;
	uint64_t v = 0;
	int32_t pos;

	if (ip->af != 4 && ip->af != 6)
		return -EINVAL;
	host_key(&k, kind, iid, ip);
	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	/* An existing key's data is replaced by one atomic store. */
	if (rte_hash_add_key_data(t->hosts, &k, (void *)(uintptr_t)v) < 0)
		return -ENOSPC;
	pos = rte_hash_lookup(t->hosts, &k);
	if (pos >= 0 && pos <= rte_hash_max_key_id(t->hosts))
		t->host_life[pos] = (struct dp_host_life){ .seen_ms = t->host_now_ms };
	return 0;
}

int dp_tables_host_set(struct dp_tables *t, uint32_t iid, const struct dp_ip *ip,
		       const uint8_t mac[6])
{
	return neigh_set(t, DP_HOST_EID, iid, ip, mac);
}

int dp_tables_peer_set(struct dp_tables *t, uint32_t iid, const struct dp_ip *ip,
		       const uint8_t mac[6])
{
	return neigh_set(t, DP_HOST_PEER, iid, ip, mac);
}

bool dp_tables_host_known(const struct dp_tables *t, uint32_t iid, const struct dp_ip *ip)
{
	struct dp_host_key k;

	host_key(&k, DP_HOST_EID, iid, ip);
	return rte_hash_lookup(t->hosts, &k) >= 0;
}

void dp_tables_hosts_clock(struct dp_tables *t, uint64_t now_ms)
{
	t->host_now_ms = now_ms;
}

unsigned int dp_tables_hosts_age(struct dp_tables *t, unsigned int budget,
				 void (*probe)(void *ctx, uint32_t iid, const struct dp_ip *ip),
				 void *ctx)
{
	const uint64_t timeout = (uint64_t)t->p.host_timeout_s * 1000;
	const uint64_t now = t->host_now_ms;
	unsigned int aged = 0;

	if (!timeout)
		return 0;
	/* A new sweep at most every 1/32 of the timeout: an empty or sparse
	 * table costs a scan of its every slot, and one a millisecond took a
	 * sixth of the main lcore (the worker's sibling, on a small machine). */
	if (t->host_next == 0 && now - t->host_sweep_ms < timeout / 32)
		return 0;
	while (budget--) {
		const void *key;
		void *data;
		int32_t pos = rte_hash_iterate(t->hosts, &key, &data, &t->host_next);
		const struct dp_host_key *k = key;
		struct dp_host_life *l;
		struct dp_ip ip;

		if (pos < 0) {
			t->host_next = 0;	/* a new sweep, in its time */
			t->host_sweep_ms = now;
			break;
		}
		if (k->kind != DP_HOST_EID)
			continue;
		l = &t->host_life[pos];
		if (now - l->seen_ms >= timeout) {
			/* The key's copy: rte_hash_del_key() may let go of it. */
			struct dp_host_key dk = *k;

			if (rte_hash_del_key(t->hosts, &dk) >= 0)
				aged++;
			continue;
		}
		if (!probe || now - l->seen_ms < timeout / 4 * 3 ||
		    (l->probe_ms && now - l->probe_ms < timeout / 8))
			continue;
		l->probe_ms = now;
		ip.af = k->af;
		memset(ip.a, 0, sizeof(ip.a));
		memcpy(ip.a, k->a, k->af == 4 ? 4 : 16);
		probe(ctx, k->iid, &ip);
	}
	return aged;
}
