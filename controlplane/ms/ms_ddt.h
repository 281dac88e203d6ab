/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Server's answers to DDT-originated Map-Requests (an ECM with the
 * D bit; RFC 8111 section 7.2, draft-ietf-lisp-8111bis-00 section 7.2):
 *  - the EID matches a registered prefix: the Map-Request is handled as
 *    usual (proxy Map-Reply to the ITR, or forwarded to an ETR) and a
 *    Map-Referral, action MS-ACK, for the registered prefix goes back to
 *    the sender of the DDT Map-Request;
 *  - the EID matches a configured site prefix with no registration: a
 *    negative Map-Referral, action MS-NOT-REGISTERED, and no Map-Reply;
 *  - the EID matches no configured prefix: this Map-Server is not its
 *    authority: action NOT-AUTHORITATIVE for the requested EID itself,
 *    TTL 0, the Incomplete bit set, no referral set, and no Map-Reply (as
 *    a DDT node answers outside its authority, section 6; lispers.net's
 *    Map-Server answers the same).
 * TTLs are RFC 8111 section 6's defaults (MS-ACK 1440 min,
 * MS-NOT-REGISTERED 1, NOT-AUTHORITATIVE 0).  The referral set of MS-ACK and
 * MS-NOT-REGISTERED lists the Map-Servers of the prefix (map-server.ddt-peers,
 * this one included) with the Incomplete bit clear; without that list the
 * set is empty and the Incomplete bit set (section 6, the note under the
 * action table: I is clear only when the Map-Server encodes the whole
 * Map-Server set).  The Map-Referral goes to the UDP source of the ECM:
 * the DDT Map-Resolver that sent it, never the ITR.
 */
#ifndef LISPGW_MS_DDT_H
#define LISPGW_MS_DDT_H

#include <stdint.h>
#include <sys/types.h>

#include "lisp_addr.h"
#include "lisp_err.h"
#include "lisp_msg.h"

#define MS_DDT_PEERS_MAX	16

/* The Map-Servers that serve the same sites as this one, itself included. */
struct ms_ddt_peers {
	unsigned int count;
	struct lisp_addr addr[MS_DDT_PEERS_MAX];
};

struct ms_ddt_record {
	uint8_t action;		/* MS-ACK, MS-NOT-REGISTERED or NOT-AUTHORITATIVE */
	struct lisp_prefix eid;
};

/* The Map-Referral being built for one DDT Map-Request: a record per
 * EID-record of the request, in the request's order. */
struct ms_ddt_referral {
	uint64_t nonce;		/* the Map-Request's */
	unsigned int count;
	struct ms_ddt_record rec[LISP_RECORDS_MAX];
	/* Room the encoder builds the records in (an IID LCAF EID holds its
	 * address in inner). */
	struct lisp_referral_record wire[LISP_RECORDS_MAX];
	struct lisp_waddr inner[LISP_RECORDS_MAX];
};

void ms_ddt_referral_init(struct ms_ddt_referral *r, uint64_t nonce);
/* -ENOSPC past LISP_RECORDS_MAX, -EINVAL for an action a Map-Server never
 * sends (the referrals, NOT-AUTHORITATIVE). */
int ms_ddt_referral_add(struct ms_ddt_referral *r, uint8_t action, const struct lisp_prefix *eid);
/* The Map-Referral (each record passes lisp_referral_record_check), or
 * -errno with err set.  budget (0: none) bounds the bytes of the records
 * after the first (a Map-Resolver passes the request's size: RFC 9301 5.2
 * has one record a request, and the others must not multiply it); the
 * records that do not fit are left out, *dropped of them. */
ssize_t ms_ddt_referral_encode(struct ms_ddt_referral *r, const struct ms_ddt_peers *peers,
			       size_t budget, uint8_t *buf, size_t cap, unsigned int *dropped,
			       struct lisp_err *err);

#endif
