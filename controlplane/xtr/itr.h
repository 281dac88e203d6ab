/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITR role (RFC 9301, sections 5.2-5.4, 6 and 8; RFC 9437 for the
 * subscriber side of pub/sub): it resolves EIDs the data plane (or the
 * API's lig) misses, keeps the answers in its map-cache, and keeps that
 * cache true:
 *  - resolution: an Encapsulated Map-Request to the current Map-Resolver,
 *    retransmitted with exponential backoff, failing over to the next
 *    Map-Resolver, given up (and counted) after all of them; duplicate
 *    misses while one is pending are coalesced; only replies whose nonce
 *    matches a pending request are installed;
 *  - refresh: positive entries are resolved again before they expire;
 *  - SMR (RFC 9301, 6.1): a Solicit-Map-Request from an ETR for an EID we
 *    cache makes us ask the mapping system again, at most once a second
 *    per entry and one in flight per EID, and at most smr_rate a second
 *    all together (smr_global_limited counts what that drops);
 *  - pub/sub (RFC 9437): requests carry the N bit and our xTR-ID; the
 *    Map-Server's signed Map-Notifies update the cache directly and are
 *    acknowledged;
 *  - RLOC probing (RFC 9301, 6.3.2): Map-Requests with the P bit straight
 *    to each RLOC of each positive entry; answers mark the RLOC up with its
 *    round-trip time, probe_tries timeouts in a row mark it down.
 *
 * Routing received messages (the daemon, tests): Map-Replies, Map-Requests
 * with the S bit and Map-Notifies go to itr_input() first; it returns false
 * for what is not the ITR's (a Map-Notify acknowledging the co-located
 * ETR's registration), which then goes to the ETR.
 */
#ifndef LISPGW_ITR_H
#define LISPGW_ITR_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "lisp_msg.h"
#include "mapcache.h"
#include "udp_io.h"

#define ITR_RLOCS_MAX	8
#define ITR_KEYS_MAX	16	/* one per Map-Server of the co-located ETR */
#define ITR_KEY_MAX	128

struct itr_map_resolver {
	struct lisp_addr addr;
	uint16_t port;
};

/* A key a Map-Server signs our pub/sub Map-Notifies with: the key of the
 * site our ETR registers with (RFC 9437, section 7). */
struct itr_key {
	uint8_t key[ITR_KEY_MAX];
	size_t key_len;
};

/* itr.lisp-sec (RFC 9303; docs/security.md "LISP-SEC"). */
enum itr_lisp_sec {
	ITR_LISP_SEC_OFF,
	ITR_LISP_SEC_OPTIONAL,	/* a reply without the S bit is accepted */
	ITR_LISP_SEC_REQUIRED,	/* ... is dropped (lisp_sec_dropped_no_ad) */
};
#define ITR_LISP_SEC_KEY_LEN	16

struct itr_params {
	/* Our RLOCs, IPv4 and/or IPv6: the ITR-RLOCs of every Map-Request,
	 * where Map-Replies come back. */
	struct lisp_addr rlocs[ITR_RLOCS_MAX];
	size_t rloc_count;
	uint16_t control_port;		/* where we receive: the ECM's inner source port */
	uint64_t request_timeout_ms;	/* first retransmission; doubles per try */
	unsigned int request_tries;	/* per Map-Resolver */
	size_t pending_max;		/* resolutions in flight */
	struct mapcache_params cache;	/* max entries, TTL cap, refresh lead */
	bool cache_negative;		/* keep Negative Map-Replies */
	bool smr;			/* honour Solicit-Map-Requests */
	uint64_t smr_interval_ms;	/* per entry (RFC 9301, 6.1: 1 s) */
	/* SMR-driven Map-Requests a second (and burst), all EIDs together;
	 * 0: unlimited.  SMRs are unauthenticated: this bounds what a storm
	 * of them makes us send and keep pending. */
	uint32_t smr_rate;
	uint32_t smr_burst;
	bool subscribe;			/* RFC 9437 */
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
	struct itr_key ms_keys[ITR_KEYS_MAX];
	size_t ms_key_count;
	bool probe;
	uint64_t probe_interval_ms;
	uint64_t probe_timeout_ms;
	unsigned int probe_tries;	/* unanswered in a row before down */
	size_t probes_max;		/* in flight */
	uint8_t lisp_sec;		/* enum itr_lisp_sec */
	/* The OTK wrapping key shared with the Map-Resolvers: AES Key Wrap
	 * with lisp_sec_key, or NULL-KEY-WRAP-128 (the OTK in clear). */
	bool lisp_sec_aes;
	uint8_t lisp_sec_key[ITR_LISP_SEC_KEY_LEN];
};

#define ITR_COUNTERS(X)               \
	X(resolves)                   \
	X(resolves_coalesced)         \
	X(resolves_refused)           \
	X(requests_sent)              \
	X(requests_signed)            /* itr.ecdsa-key */ \
	X(request_retransmits)        \
	X(request_failovers)          \
	X(resolves_gave_up)           \
	X(request_errors)             \
	X(replies_received)           \
	X(replies_accepted)           \
	X(replies_unsolicited)        \
	X(reply_decode_errors)        \
	X(reply_records_refused)      \
	X(records_installed)          \
	X(negative_installed)         \
	X(negative_skipped)           \
	X(entries_superseded)         \
	X(refreshes)                  \
	X(smr_received)               \
	X(smr_ignored)                \
	X(smr_decode_errors)          \
	X(smr_rate_limited)           \
	X(smr_requests_sent)          \
	X(smr_global_limited)         \
	X(notifies_received)          \
	X(notify_auth_failures)       \
	X(notify_errors)              \
	X(notify_stale)               \
	X(notify_records_installed)   \
	X(notify_acks_sent)           \
	X(probes_sent)                \
	X(probe_replies)              \
	X(probe_timeouts)             \
	X(probes_unsolicited)         \
	X(probes_skipped)             \
	X(lisp_sec_requests)          /* ECMs that carried an ITR-OTK */ \
	X(lisp_sec_replies_verified)  \
	X(lisp_sec_unsigned_accepted) /* lisp-sec optional, no S bit */ \
	X(lisp_sec_dropped_no_ad)     /* no S bit under required, or AD stripped */ \
	X(lisp_sec_dropped_downgrade) /* an HMAC other than the one asked for */ \
	X(lisp_sec_dropped_eid_hmac)  \
	X(lisp_sec_dropped_pkt_hmac)  \
	X(lisp_sec_dropped_outside_prefix) \
	X(lisp_sec_dropped_malformed) /* AD that does not decode, unknown IDs */

struct itr_counters {
#define ITR_COUNTER_FIELD(name) uint64_t name;
	ITR_COUNTERS(ITR_COUNTER_FIELD)
#undef ITR_COUNTER_FIELD
};

struct itr;

/* -EINVAL (errno) without a usable local RLOC or Map-Resolver. */
struct itr *itr_new(struct evloop *loop, const struct itr_params *params,
		    const struct itr_map_resolver *map_resolvers, size_t map_resolver_count,
		    lisp_send_fn send, void *send_arg);
void itr_free(struct itr *itr);
void itr_params_default(struct itr_params *p);

/*
 * A miss: resolve eid (a host or a prefix, with its Instance-ID) through
 * the Map-Resolvers.  0 when a Map-Request left; -EALREADY when one is
 * already pending for eid (coalesced, not an error for the data plane);
 * -ENOSPC when pending_max resolutions are in flight; -EINVAL for an EID
 * the map-cache cannot key (AFI 0, LCAF).  src_eid (may be NULL: AFI 0)
 * is the Source EID of the Map-Request, the host whose packet missed.
 */
int itr_resolve(struct itr *itr, const struct lisp_prefix *eid);
int itr_resolve_from(struct itr *itr, const struct lisp_prefix *eid,
		     const struct lisp_addr *src_eid);

/* Map-Reply, Map-Request (SMR) or Map-Notify (pub/sub) from src:port.
 * Returns false when the message is not for the ITR (see above). */
bool itr_input(struct itr *itr, const uint8_t *msg, size_t len, const struct lisp_addr *src,
	       uint16_t src_port);

/* Static map-cache entries (configuration: MAPCACHE_SRC_STATIC; REST:
 * MAPCACHE_SRC_API): never expire, never evicted, never replaced by the
 * mapping system.  Deleting only removes static entries (-ENOENT else). */
int itr_add_static(struct itr *itr, const struct lisp_record *rec, enum mapcache_source src,
		   struct lisp_err *err);
int itr_del_static(struct itr *itr, const struct lisp_prefix *eid);

/* Ranking policies per Instance-ID (CATS, docs/cats.md; copied; NULL:
 * none): the RLOCs of every mapping learnt from now on get the priorities
 * and weights the IID's policy gives their attributes, which is what the
 * data plane is pushed.  0 or -ENOMEM. */
struct cats_policies;
int itr_set_cats(struct itr *itr, const struct cats_policies *p);

/* itr.ecdsa-key (docs/ecdsa.md, "Signed Map-Requests"): from now on every
 * Map-Request is signed with key (taken over; NULL: unsigned) as its
 * crypto-EID in prefix (an IPv6 prefix; the Instance-ID is each
 * request's).  Counted requests_signed. */
struct evp_pkey_st;
void itr_set_ecdsa_key(struct itr *itr, struct evp_pkey_st *key, const struct lisp_prefix *prefix);

/*
 * A configuration reload: the Map-Resolvers, the request timer and tries,
 * the cache's size and refresh lead, negative entries, SMR, RLOC probing
 * and the pub/sub keys of params take effect at once (a smaller
 * max_entries evicts nothing, it only stops insertions; a resolution in
 * flight goes on at the new list's first Map-Resolver if its own is gone).
 * The rest of params (RLOCs, port, subscribe, xTR-ID) is what itr_new set
 * and stays.  0, or -EINVAL without a Map-Resolver, or -ENOMEM (nothing
 * changed then).
 */
int itr_reconfigure(struct itr *itr, const struct itr_params *params,
		    const struct itr_map_resolver *map_resolvers, size_t map_resolver_count);

struct mapcache *itr_cache(const struct itr *itr);
const struct itr_counters *itr_counters(const struct itr *itr);
size_t itr_pending_count(const struct itr *itr);
/* Index of the Map-Resolver new resolutions go to. */
size_t itr_current_map_resolver(const struct itr *itr);

#endif
