/* SPDX-License-Identifier: BSD-3-Clause */
#include "addrset.h"

#include <stdlib.h>

#include "siphash.h"

/* An address hashes to a set of PROBE consecutive slots. */
#define PROBE 8

struct addrset_entry {
	uint64_t key;		/* siphash of the address; 0: free */
	uint64_t until_ms;
};

_Static_assert(sizeof(struct addrset_entry) == ADDRSET_ENTRY_BYTES, "documented entry size");

struct addrset {
	size_t slots;
	struct siphash_key key;
	uint64_t evictions;
	struct addrset_entry *e;
};

struct addrset *addrset_new(size_t slots)
{
	struct addrset *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->slots = slots < PROBE ? PROBE : slots;
	s->e = calloc(s->slots, sizeof(*s->e));
	if (!s->e || siphash_key_new(&s->key) < 0) {
		addrset_free(s);
		return NULL;
	}
	return s;
}

void addrset_free(struct addrset *s)
{
	if (s)
		free(s->e);
	free(s);
}

uint64_t addrset_evictions(const struct addrset *s)
{
	return s->evictions;
}

static size_t set_base(const struct addrset *s, uint64_t key)
{
	return (size_t)((key >> 32) % (s->slots - PROBE + 1));
}

void addrset_note(struct addrset *s, const struct lisp_addr *a, uint64_t now_ms,
		  uint64_t until_ms)
{
	uint64_t key = siphash_addr(&s->key, a);
	size_t base = set_base(s, key);
	struct addrset_entry *soonest = &s->e[base];

	for (size_t i = base; i < base + PROBE; i++) {
		struct addrset_entry *e = &s->e[i];

		if (e->key == key) {
			if (until_ms > e->until_ms)
				e->until_ms = until_ms;
			return;
		}
		if (soonest->key && (!e->key || e->until_ms < soonest->until_ms))
			soonest = e;
	}
	if (soonest->key && soonest->until_ms > now_ms)
		s->evictions++;	/* a live one: the set was full */
	soonest->key = key;
	soonest->until_ms = until_ms;
}

void addrset_forget(struct addrset *s, const struct lisp_addr *a)
{
	uint64_t key = siphash_addr(&s->key, a);
	size_t base = set_base(s, key);

	for (size_t i = base; i < base + PROBE; i++)
		if (s->e[i].key == key)
			s->e[i] = (struct addrset_entry){ 0 };
}

bool addrset_has(const struct addrset *s, const struct lisp_addr *a, uint64_t now_ms)
{
	uint64_t key = siphash_addr(&s->key, a);
	size_t base = set_base(s, key);

	for (size_t i = base; i < base + PROBE; i++)
		if (s->e[i].key == key)
			return s->e[i].until_ms > now_ms;
	return false;
}
