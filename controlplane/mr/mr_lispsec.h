/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Resolver's and Map-Server's part of LISP-SEC (RFC 9303,
 * sections 6.4-6.8; docs/security.md "LISP-SEC"), for map_resolver.c.
 * A request whose ECM has the S bit carries the ITR-OTK, wrapped with
 * map-resolver.lisp-sec-key.  Per request:
 *  - begin: the OTK is unwrapped (a wrap other than the configured one, a
 *    failed unwrap or an AD that does not decode: the request is dropped
 *    and counted); no key configured: answered as without the S bit;
 *  - a proxy reply or a negative reply is signed here: the EID-AD names
 *    the registered (or negative) prefixes of its records, HMAC'd with the
 *    ITR-OTK, and the PKT-AD is keyed with MS-OTK = HKDF(ITR-OTK);
 *  - a site with lisp-sec proxy is proxy-replied to LISP-SEC requests even
 *    when its registration did not ask for it (its ETRs cannot sign);
 *  - a request that goes on to an ETR of a site with lisp-sec etr carries
 *    a new AD: the EID-AD of that hop's registrations and the MS-OTK
 *    wrapped with the site's lisp-sec-key; to a site with lisp-sec off,
 *    or a local ETR database no site vouches for, without the AD; to a
 *    delegated Map-Server, the AD as received (it shares our key).
 * A record of a site with lisp-sec off leaves the whole reply unsigned
 * (lisp_sec_unprotected): the ITR decides (itr.lisp-sec).
 */
#ifndef LISPGW_MR_LISPSEC_H
#define LISPGW_MR_LISPSEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lisp_msg.h"
#include "registry.h"
#include "site.h"

#define MR_LISPSEC_COUNTERS(X)                                              \
	X(lisp_sec_requests)      /* ECMs with the S bit */                 \
	X(lisp_sec_no_key)        /* ... no map-resolver.lisp-sec-key: unsigned */ \
	X(lisp_sec_ad_errors)     /* refused: an AD that does not decode */ \
	X(lisp_sec_otk_refused)   /* refused: another wrap, a failed unwrap */ \
	X(lisp_sec_replies_signed)                                          \
	X(lisp_sec_forwards_signed)                                         \
	X(lisp_sec_unprotected)   /* answered or forwarded unsigned (site off) */ \
	X(lisp_sec_sign_errors)

struct mr_counters;
struct mr_hop;
struct mr_sec;

/* The site a registration was made under (its first registrant's). */
static inline const struct site *mr_sec_site(const struct reg_eid *e)
{
	return e->xtrs ? e->xtrs->site : NULL;
}

struct mr_sec *mr_sec_new(bool enabled, bool aes, const uint8_t key[16]);
void mr_sec_free(struct mr_sec *s);

/* A request from ecm: 0 (protected or not), -EACCES when it is dropped. */
int mr_sec_begin(struct mr_sec *s, const struct lisp_ecm *ecm, struct mr_counters *c);
bool mr_sec_active(const struct mr_sec *s);
/* Whether a LISP-SEC request for site's EIDs is proxy-replied. */
bool mr_sec_proxies(const struct mr_sec *s, const struct site *site);
/* The reply vouches for eid: a registration of site (NULL: the mapping
 * system's own answer, a negative reply). */
void mr_sec_reply_note(struct mr_sec *s, const struct lisp_prefix *eid, const struct site *site);
/* Record rec of the request goes on for eid's registration of site
 * (NULL: nothing vouches for it). */
void mr_sec_forward_note(struct mr_sec *s, uint8_t rec, const struct lisp_prefix *eid,
			 const struct site *site);
/* The reply of len bytes in msg (cap of room), signed when it should be:
 * its length. */
size_t mr_sec_seal(struct mr_sec *s, uint8_t *msg, size_t len, size_t cap,
		   struct mr_counters *c);
/* mr_hop_ecm() (mr_forward.h) with the LISP-SEC data that hop gets. */
struct lisp_arena;
struct lisp_map_request;
ssize_t mr_sec_hop_ecm(struct mr_sec *s, const struct mr_hop *hop, const struct lisp_ecm *ecm,
		       const struct lisp_map_request *req, struct lisp_arena *arena,
		       uint8_t *out, size_t cap, struct mr_counters *c);

#endif
