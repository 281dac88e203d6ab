/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 DIR-24-8 table's writer side (fib4.h).  One writer; readers
 * see every entry change as one aligned 32-bit store, and a new tbl8
 * group only once it is filled (release store of its tbl24 entry).
 */
#include <errno.h>
#include <stdbool.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "fib4.h"

#define TBL24_ENTRIES	(1u << 24)
#define GROUP_ENTRIES	256u

static inline uint32_t entry(uint32_t val, uint8_t depth)
{
	return val | (uint32_t)depth << DP_FIB4_DEPTH_SHIFT;
}

static inline uint8_t entry_depth(uint32_t e)
{
	return (uint8_t)((e >> DP_FIB4_DEPTH_SHIFT) & 0x3f);
}

static inline void entry_store(uint32_t *p, uint32_t e)
{
	__atomic_store_n(p, e, __ATOMIC_RELAXED);
}

struct dp_fib4 *dp_fib4_create(int socket_id, uint32_t n_groups)
{
	struct dp_fib4 *f;

	if (n_groups == 0 || n_groups > DP_FIB4_VAL_MASK) {
		rte_errno = EINVAL;
		return NULL;
	}
	f = rte_zmalloc_socket("dp_fib4", sizeof(*f), RTE_CACHE_LINE_SIZE, socket_id);
	if (!f)
		goto nomem;
	/* Zero: no prefix, depth 0, everywhere. */
	f->tbl24 = rte_zmalloc_socket("dp_fib4_tbl24", TBL24_ENTRIES * sizeof(uint32_t),
				      RTE_CACHE_LINE_SIZE, socket_id);
	f->tbl8 = rte_malloc_socket("dp_fib4_tbl8",
				    (size_t)n_groups * GROUP_ENTRIES * sizeof(uint32_t),
				    RTE_CACHE_LINE_SIZE, socket_id);
	f->free_groups = rte_malloc_socket("dp_fib4_free", n_groups * sizeof(uint32_t), 0,
					   socket_id);
	if (!f->tbl24 || !f->tbl8 || !f->free_groups)
		goto nomem;
	f->n_groups = n_groups;
	for (uint32_t i = 0; i < n_groups; i++)
		f->free_groups[i] = n_groups - 1 - i;
	f->n_free = n_groups;
	return f;
nomem:
	dp_fib4_free(f);
	rte_errno = ENOMEM;
	return NULL;
}

void dp_fib4_free(struct dp_fib4 *f)
{
	if (!f)
		return;
	rte_free(f->tbl24);
	rte_free(f->tbl8);
	rte_free(f->free_groups);
	rte_free(f);
}

void dp_fib4_group_free(struct dp_fib4 *f, uint32_t group)
{
	f->free_groups[f->n_free++] = group;
}

/* Entries of [from, from + n) that hold depth <= depth (add) or exactly
 * depth (delete) get e. */
static void range_set(uint32_t *p, uint32_t n, uint8_t depth, bool exact, uint32_t e)
{
	for (uint32_t k = 0; k < n; k++) {
		uint8_t d = entry_depth(p[k]);

		if (exact ? d == depth : d <= depth)
			entry_store(&p[k], e);
	}
}

/* A prefix of depth <= 24 over tbl24 entries [i, i + n): groups under it
 * are updated entry by entry, their more specific entries kept. */
static void tbl24_set(struct dp_fib4 *f, uint32_t i, uint32_t n, uint8_t depth, bool exact,
		      uint32_t e)
{
	for (uint32_t end = i + n; i < end; i++) {
		uint32_t cur = f->tbl24[i];

		if (cur & DP_FIB4_EXT)
			range_set(&f->tbl8[(cur & DP_FIB4_VAL_MASK) * GROUP_ENTRIES], GROUP_ENTRIES,
				  depth, exact, e);
		else if (exact ? entry_depth(cur) == depth : entry_depth(cur) <= depth)
			entry_store(&f->tbl24[i], e);
	}
}

int dp_fib4_add(struct dp_fib4 *f, uint32_t ip, uint8_t depth, uint32_t nh)
{
	uint32_t e = entry(nh, depth), i = ip >> 8, cur, g;
	uint32_t *grp;

	if (depth <= 24) {
		tbl24_set(f, i, 1u << (24 - depth), depth, false, e);
		f->n_depth[depth]++;
		return 0;
	}
	cur = f->tbl24[i];
	if (cur & DP_FIB4_EXT) {
		grp = &f->tbl8[(cur & DP_FIB4_VAL_MASK) * GROUP_ENTRIES];
	} else {
		if (!f->n_free)
			return -ENOSPC;
		g = f->free_groups[--f->n_free];
		grp = &f->tbl8[g * GROUP_ENTRIES];
		/* Readers cannot see the group yet: plain stores. */
		for (uint32_t k = 0; k < GROUP_ENTRIES; k++)
			grp[k] = cur;
		range_set(grp + (ip & 0xff), 1u << (32 - depth), depth, false, e);
		__atomic_store_n(&f->tbl24[i], DP_FIB4_EXT | g, __ATOMIC_RELEASE);
		f->n_depth[depth]++;
		return 0;
	}
	range_set(grp + (ip & 0xff), 1u << (32 - depth), depth, false, e);
	f->n_depth[depth]++;
	return 0;
}

uint32_t dp_fib4_delete(struct dp_fib4 *f, uint32_t ip, uint8_t depth, uint32_t repl_nh,
			uint8_t repl_depth)
{
	uint32_t r = repl_depth ? entry(repl_nh, repl_depth) : 0, i = ip >> 8, cur, g;
	uint32_t *grp;

	if (f->n_depth[depth])
		f->n_depth[depth]--;
	if (depth <= 24) {
		tbl24_set(f, i, 1u << (24 - depth), depth, true, r);
		return DP_FIB4_GROUP_NONE;
	}
	cur = f->tbl24[i];
	if (!(cur & DP_FIB4_EXT))
		return DP_FIB4_GROUP_NONE;	/* never added */
	g = cur & DP_FIB4_VAL_MASK;
	grp = &f->tbl8[g * GROUP_ENTRIES];
	range_set(grp + (ip & 0xff), 1u << (32 - depth), depth, true, r);
	/* No prefix longer than /24 left in the group: all its entries are
	 * the /24's own (or none), the tbl24 entry takes them back. */
	for (uint32_t k = 0; k < GROUP_ENTRIES; k++)
		if (entry_depth(grp[k]) > 24)
			return DP_FIB4_GROUP_NONE;
	__atomic_store_n(&f->tbl24[i], grp[0], __ATOMIC_RELEASE);
	return g;
}
