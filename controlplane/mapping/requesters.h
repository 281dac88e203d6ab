/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Who asked (RFC 9301, 6.1): the ITRs that were given a mapping and may
 * cache it for its TTL, kept compactly per mapping, so that when the
 * mapping changes each of them gets a Solicit-Map-Request and asks the
 * mapping system again.  The ETR keeps them per database EID (etr.c); a
 * Map-Server that proxy-replies keeps them per registered prefix
 * (map_resolver.c), because the ETR never sees those requests.
 */
#ifndef LISPGW_REQUESTERS_H
#define LISPGW_REQUESTERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lisp_addr.h"
#include "lisp_msg.h"

struct requester {
	uint16_t afi;
	uint16_t port;			/* its inner reply port, for diagnostics */
	uint8_t addr[16];
	uint64_t seen_ms;
};

struct requesters {
	unsigned int count, cap;
	struct requester r[];
};

/* Remembers (or refreshes) itr in *rs, growing it up to max entries; when
 * full, the one heard from longest ago makes room.  0, 1 when one made
 * room, or -ENOMEM (*rs unchanged). */
int requesters_note(struct requesters **rs, unsigned int max, const struct lisp_addr *itr,
		    uint16_t port, uint64_t now_ms);
void requester_addr(const struct requester *r, struct lisp_addr *a);
/* Forgets those not heard from within max_age_ms; returns how many stay. */
unsigned int requesters_expire(struct requesters *rs, uint64_t now_ms, uint64_t max_age_ms);

/* The SMR for eid: a Map-Request with the S bit, eid as source EID and as
 * its one EID-record, itr_rloc as ITR-RLOC (AFI 0 allowed).  The encoded
 * length, or -1. */
ssize_t smr_encode(const struct lisp_prefix *eid, const struct lisp_waddr *itr_rloc,
		   uint64_t nonce, uint8_t *out, size_t len);

#endif
