/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A keyed hash of an address (SipHash-2-4, Aumasson and Bernstein), for
 * tables keyed by a remote party's address: with the key drawn at random
 * per table, a sender cannot choose addresses that collide or that crowd
 * one part of the table.
 */
#ifndef LISPGW_SIPHASH_H
#define LISPGW_SIPHASH_H

#include <stdint.h>

#include "lisp_addr.h"

struct siphash_key {
	uint64_t k0, k1;
};

/* A fresh random key: 0, or -errno. */
int siphash_key_new(struct siphash_key *k);

/* The hash of an IPv4 or IPv6 address and its AFI; never 0, so that 0 can
 * mark a free slot. */
uint64_t siphash_addr(const struct siphash_key *k, const struct lisp_addr *a);

/* The hash of a 64-bit value (a nonce a remote party chose). */
uint64_t siphash_u64(const struct siphash_key *k, uint64_t v);

#endif
