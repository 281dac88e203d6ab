// SPDX-License-Identifier: BSD-3-Clause
/*
 * The neighbour table (tables.h): EID-side hosts (DP_HOST_EID, learned by
 * neigh.c, read by decapsulation and local delivery) and the inner MACs of
 * VXLAN far ends (DP_HOST_PEER, overlay.c, read by encapsulation).  One
 * lock-free rte_hash that workers read while the main lcore writes.
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>

#include "tables.h"

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

	if (ip->af != 4 && ip->af != 6)
		return -EINVAL;
	host_key(&k, kind, iid, ip);
	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	/* An existing key's data is replaced by one atomic store. */
	return rte_hash_add_key_data(t->hosts, &k, (void *)(uintptr_t)v) < 0 ? -ENOSPC : 0;
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
