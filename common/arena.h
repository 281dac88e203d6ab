/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bump allocator for decoded messages: the decoders build their trees
 * (records, locators, LCAF nodes) inside a caller-owned buffer, so decoding
 * allocates nothing from the heap and a whole message is dropped at once by
 * resetting the arena.  Exhaustion is an error the decoder reports.
 */
#ifndef LISPGW_ARENA_H
#define LISPGW_ARENA_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct lisp_arena {
	uint8_t *buf;
	size_t cap;
	size_t used;
};

static inline void lisp_arena_init(struct lisp_arena *a, void *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->used = 0;
}

static inline void lisp_arena_reset(struct lisp_arena *a)
{
	a->used = 0;
}

/* Zeroed, 8-byte aligned; NULL when the arena is exhausted. */
static inline void *lisp_arena_alloc(struct lisp_arena *a, size_t n)
{
	size_t start = (a->used + 7u) & ~(size_t)7u;
	void *p;

	if (start > a->cap || n > a->cap - start)
		return NULL;
	p = a->buf + start;
	a->used = start + n;
	memset(p, 0, n);
	return p;
}

#endif
