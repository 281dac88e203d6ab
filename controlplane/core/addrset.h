/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A bounded set of addresses, each kept until a deadline: the addresses a
 * role has reason to trust for a while (the Map-Server's: the sources of
 * authenticated Map-Registers, until their registrations would expire).
 * A fixed table of ADDRSET_ENTRY_BYTES per address holding only a keyed
 * hash (siphash.h); when the set an address hashes to is full, the entry
 * that expires first makes room (addrset_evictions).
 */
#ifndef LISPGW_ADDRSET_H
#define LISPGW_ADDRSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

#define ADDRSET_ENTRY_BYTES	16

struct addrset;

/* slots: how many addresses it holds at most.  NULL on no memory. */
struct addrset *addrset_new(size_t slots);
void addrset_free(struct addrset *s);

/* a is in the set until until_ms (a later deadline extends it). */
void addrset_note(struct addrset *s, const struct lisp_addr *a, uint64_t now_ms,
		  uint64_t until_ms);
bool addrset_has(const struct addrset *s, const struct lisp_addr *a, uint64_t now_ms);
/* a leaves the set now. */
void addrset_forget(struct addrset *s, const struct lisp_addr *a);
uint64_t addrset_evictions(const struct addrset *s);

#endif
