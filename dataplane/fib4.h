/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv4 table of one VRF: DIR-24-8 (the layout of rte_lpm), without a
 * rule table of its own.
 *
 * DPDK 22.11's rte_lpm_add searches the rules of a depth linearly (loading
 * 1M /24s took 142 s), and rte_fib keeps an rte_rib of two 128-byte mempool
 * nodes per route, zeroes a tbl8 group the moment it is freed and has no
 * RCU hook.  Here every entry carries the depth of the prefix that wrote it
 * (as in rte_lpm), so an add touches only its own range; the rule store is
 * the caller's (tables.c's prefix hash), which gives a delete the covering
 * prefix that takes over.  A tbl8 group that a delete folds back into its
 * tbl24 entry is handed to the caller, to be released after an RCU grace
 * period: until then readers that still hold the old tbl24 entry read it
 * unchanged.
 *
 * Entry (32 bits): value (next hop, or tbl8 group with DP_FIB4_EXT) in bits
 * 0-23, depth of the prefix in bits 24-29 (0: none), DP_FIB4_EXT bit 31.
 * Next hop 0 is "no prefix".
 *
 * Readers never lock: dp_fib4_lookup().  Everything else is for the one
 * writer (tables.c, main lcore).
 */
#ifndef LISPGW_DP_FIB4_H
#define LISPGW_DP_FIB4_H

#include <stdint.h>

#include <rte_branch_prediction.h>

#define DP_FIB4_VAL_MASK	0x00ffffffu
#define DP_FIB4_DEPTH_SHIFT	24
#define DP_FIB4_EXT		0x80000000u
#define DP_FIB4_GROUP_NONE	UINT32_MAX

struct dp_fib4 {
	uint32_t *tbl24;		/* 1 << 24 entries */
	uint32_t *tbl8;			/* n_groups groups of 256 */
	/* Writer only. */
	uint32_t n_groups;
	uint32_t n_free;
	uint32_t *free_groups;		/* stack */
	uint32_t n_depth[33];		/* prefixes per depth (1..32) */
};

/* Workers: the next hop of dst (host order), 0 when no prefix covers it. */
static inline uint32_t dp_fib4_lookup(const struct dp_fib4 *f, uint32_t dst)
{
	/* Acquire: a group published by this load is filled in. */
	uint32_t e = __atomic_load_n(&f->tbl24[dst >> 8], __ATOMIC_ACQUIRE);

	if (unlikely(e & DP_FIB4_EXT))
		e = __atomic_load_n(&f->tbl8[(e & DP_FIB4_VAL_MASK) << 8 | (dst & 0xff)],
				    __ATOMIC_RELAXED);
	return e & DP_FIB4_VAL_MASK;
}

/* The tbl24 line of dst, for a lookup a little later. */
static inline const void *dp_fib4_line(const struct dp_fib4 *f, uint32_t dst)
{
	return &f->tbl24[dst >> 8];
}

/* NULL with rte_errno set. */
struct dp_fib4 *dp_fib4_create(int socket_id, uint32_t n_groups);
void dp_fib4_free(struct dp_fib4 *f);

/* ip in host order, host bits clear, depth 1..32, nh 1..2^24-1.  Returns 0
 * or -ENOSPC (no free tbl8 group). */
int dp_fib4_add(struct dp_fib4 *f, uint32_t ip, uint8_t depth, uint32_t nh);

/*
 * Removes ip/depth; the addresses it covered go to the covering prefix
 * (repl_nh, repl_depth < depth; 0, 0: none).  Returns the tbl8 group the
 * delete released (to hand to dp_fib4_group_free() after a grace period)
 * or DP_FIB4_GROUP_NONE.
 */
uint32_t dp_fib4_delete(struct dp_fib4 *f, uint32_t ip, uint8_t depth, uint32_t repl_nh,
			uint8_t repl_depth);
void dp_fib4_group_free(struct dp_fib4 *f, uint32_t group);

#endif
