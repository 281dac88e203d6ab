/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Map-Server role (RFC 9301, sections 5.6, 5.7 and 8.2): it verifies and
 * authorizes Map-Registers, keeps the registrations (registry.c), answers
 * with Map-Notify when asked, notifies the registering ETRs of every change
 * with retransmission until Map-Notify-Ack, and tells its observers (pub/sub,
 * the data-plane channel, the API) about every change.
 */
#ifndef LISPGW_MAP_SERVER_H
#define LISPGW_MAP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "lisp_addr.h"
#include "registry.h"
#include "site.h"
#include "udp_io.h"

/* How the Map-Server decides that a Map-Register is not a replay, per
 * authenticated registrant (the site, and the xTR-ID and site-ID, or
 * without an xTR-ID the EID-prefix set; never the UDP source).  RFC 9301
 * has ETRs increment the nonce (lispgw's ETR does); some deployed ETRs send
 * random nonces.  "unique" (default) refuses a nonce the same registrant
 * used within its last MS_NONCE_WINDOW registrations: a capture older than
 * that is accepted again and can roll the mapping back until the ETR's
 * next refresh.  "increasing" refuses any nonce not larger than the last
 * accepted one: no capture is ever accepted again, but an ETR that sends
 * random nonces is refused (map-server.nonce-policy, docs/security.md). */
enum ms_nonce_policy {
	MS_NONCE_UNIQUE,
	MS_NONCE_INCREASING,
};

#define MS_NONCE_WINDOW	256

struct ms_params {
	uint64_t registration_lifetime_ms;	/* expiry without refresh */
	uint64_t notify_interval_ms;		/* Map-Notify retransmission */
	unsigned int notify_retries;
	enum ms_nonce_policy nonce_policy;
	/* State per authenticated registrant (docs/security.md, "Bounded
	 * state per sender"): at most max_registrants in all and
	 * max_registrants_per_site per site; when full a new registrant is
	 * refused (refused_registrants_full), never a known one pushed out,
	 * because dropping replay state re-opens its captures.  A registrant
	 * whose last accepted Map-Register is older than the registration
	 * lifetime plus registrant_hold_ms has no live registration left and
	 * is forgotten (registrants_expired); 0 keeps it until restart. */
	uint32_t max_registrants;
	uint32_t max_registrants_per_site;
	uint64_t registrant_hold_ms;
	/* Map-Notifies kept for retransmission until acknowledged; beyond,
	 * a Map-Notify is sent once and not kept (notify_untracked).  Those
	 * to pub/sub subscribers (whom nothing authenticates) may hold half:
	 * a flood of subscriptions never takes the registrants' room. */
	uint32_t max_pending_notifies;
	/* Verified ECDSA public keys kept (ms_ecdsa.c), about 560 bytes
	 * each, allocated on the first signed registration.  Not in the
	 * configuration: the default holds 4096; tests make it small. */
	uint32_t ecdsa_key_cache_slots;
};

/* What one registrant's replay state costs (struct ms_peer). */
#define MS_REGISTRANT_BYTES	2144

/*
 * Why a Map-Register was refused, one counter each (refused_<reason>),
 * besides the summary counters below.  A Map-Register is applied whole or
 * not at all (RFC 9301 §8.2 has the Map-Server accept only the
 * EID-Prefixes configured for the site): every record is checked before
 * any is applied, and the first one that fails names the reason.
 */
#define MS_REFUSALS(X)                                                   \
	X(refused_decode_error)    /* not a Map-Register we can parse */ \
	X(refused_no_records)                                            \
	X(refused_eid_invalid)     /* an EID that is no prefix */        \
	X(refused_no_site)         /* the first EID: no site has it */   \
	X(refused_auth_failed)     /* no candidate site's key */         \
	X(refused_eid_not_in_site) /* a prefix its site does not list */ \
	X(refused_dn_not_listed)   /* a Distinguished Name, not listed */\
	X(refused_shared_eid)      /* another site holds it, no sharing */\
	X(refused_record_too_big)  /* more than a registration holds */  \
	X(refused_replay)                                                \
	X(refused_registrants_full) /* new registrant, no room (above) */\
	X(refused_store_error)     /* out of memory while applying */  \
	/* auth ecdsa|both (ms_ecdsa.c, docs/security.md): */             \
	X(refused_ecdsa_unsigned)  /* a crypto-EID with no signature */  \
	X(refused_ecdsa_sig_malformed) /* signature record refused */    \
	X(refused_ecdsa_signer_mismatch) /* signed by another EID */     \
	X(refused_ecdsa_no_key)    /* no hash-EID public key found */    \
	X(refused_ecdsa_key_malformed) /* public-key record refused */   \
	X(refused_ecdsa_key_mismatch) /* key does not hash to the EID */ \
	X(refused_ecdsa_signature) /* does not verify under the key */   \
	X(refused_ecdsa_not_host)  /* a crypto prefix, not one /128 */

enum ms_refusal {
#define MS_REFUSAL_ENUM(name) MS_##name,
	MS_REFUSALS(MS_REFUSAL_ENUM)
#undef MS_REFUSAL_ENUM
};

/* Counters: one named counter for every outcome. */
#define MS_COUNTERS(X)                                                   \
	X(registers_received)                                            \
	X(registers_accepted)                                            \
	X(register_decode_errors)                                        \
	X(register_no_site)                                              \
	X(register_auth_failures)                                        \
	X(register_eid_rejected)                                         \
	X(register_replays)                                              \
	X(register_errors)                                               \
	X(registrations_changed)                                         \
	X(registrations_expired)                                         \
	X(notifies_sent)                                                 \
	X(notify_retransmits)                                            \
	X(notify_gave_up)                                                \
	X(notify_acks_received)                                          \
	X(notify_ack_errors)                                             \
	X(notify_untracked)        /* sent once: no room to retransmit */\
	X(registrants_expired)     /* replay state of a silent registrant */\
	X(verified_sources_evicted) /* verified table full (below) */   \
	X(ecdsa_signatures_verified)                                     \
	X(ecdsa_key_cache_hits)    /* a verified key reused */           \
	X(ecdsa_key_cache_misses)  /* a key record decoded and checked */\
	X(ecdsa_key_cache_evictions)                                     \
	MS_REFUSALS(X)

struct ms_counters {
#define MS_COUNTER_FIELD(name) uint64_t name;
	MS_COUNTERS(MS_COUNTER_FIELD)
#undef MS_COUNTER_FIELD
};

/* Told about every change of a mapping (entry NULL: no longer registered). */
typedef void (*ms_change_fn)(void *arg, const struct lisp_prefix *eid, struct reg_eid *entry);

struct map_server;

struct map_server *map_server_new(struct evloop *loop, struct site_table *sites,
				  const struct ms_params *params, lisp_send_fn send,
				  void *send_arg);
void map_server_free(struct map_server *ms);

/* Observers of changes (at most a few: pub/sub, data-plane channel). */
int map_server_observe(struct map_server *ms, ms_change_fn fn, void *arg);
/* One that goes away before the Map-Server (a Map-Resolver rebuilt by a
 * configuration reload). */
void map_server_unobserve(struct map_server *ms, ms_change_fn fn, void *arg);

/* Moves the Map-Server to a new site table (a configuration reload): each
 * registration follows its site by name, and those whose site is gone or no
 * longer allows their EID are removed (observers told).  The caller frees
 * the old table afterwards. */
/* A reload's map-server.nonce-policy, for the next Map-Registers. */
void map_server_set_nonce_policy(struct map_server *ms, enum ms_nonce_policy policy);
void map_server_set_sites(struct map_server *ms, struct site_table *sites);

/* A Map-Register or Map-Notify-Ack from src:port. */
void map_server_input(struct map_server *ms, const uint8_t *msg, size_t len,
		      const struct lisp_addr *src, uint16_t src_port);

/* The site an xTR registered with (by xTR-ID and site-ID), NULL if it never
 * did: the security association pub/sub notifications are signed with. */
struct site *map_server_xtr_site(struct map_server *ms, const uint8_t xtr_id[LISP_XTR_ID_LEN],
				 uint64_t site_id);

/* Signs and sends a Map-Notify (records, nonce and xTR-ID from n) with
 * site's key; with want_ack it is retransmitted until acknowledged. */
int map_server_notify(struct map_server *ms, struct site *site, const struct lisp_addr *dst,
		      uint16_t dst_port, struct lisp_map_register *n, bool want_ack);
/* The same for a pub/sub subscriber: kept for retransmission only while
 * the subscribers' half of max_pending_notifies has room. */
int map_server_notify_subscriber(struct map_server *ms, struct site *site,
				 const struct lisp_addr *dst, uint16_t dst_port,
				 struct lisp_map_register *n);

struct registry *map_server_registry(struct map_server *ms);
struct evloop *map_server_loop(struct map_server *ms);
const struct ms_counters *map_server_counters(const struct map_server *ms);
/* Registrants with replay state, and Map-Notifies awaiting an ack. */
size_t map_server_registrant_count(const struct map_server *ms);

/* Is a the source of a Map-Register accepted within the registration
 * lifetime?  Such an address belongs to a holder of a site's key (a replay
 * is refused before it is accepted, whatever its source), so a
 * Map-Resolver gives requests from it a budget that spoofed floods do not
 * share (map-resolver.verified-rate-limit). At most max_registrants
 * addresses are kept; past that, the one that expires first makes room. */
bool map_server_source_verified(const struct map_server *ms, const struct lisp_addr *a);

/* The verified public key of the crypto-EID signer, for signed
 * Map-Requests (controlplane/mr/mr_ecdsa.c): the crypto prefix of a site
 * that holds it names its hash-EID, whose key comes from the cache of
 * verified keys or from the hash-EID registration held here, checked to
 * hash to signer.  0 and *out (the cache's: not to be freed, valid until
 * the next call); -ENOENT: no crypto prefix holds signer or no key is
 * registered; -EACCES: the registered key does not hash to signer. */
struct ecdsa_eid;
struct evp_pkey_st;
int map_server_ecdsa_key(struct map_server *ms, const struct ecdsa_eid *signer,
			 struct evp_pkey_st **out);

/* Changes whenever map_server_set_sites() swaps the site table, whose old
 * sites are then freed: whoever keeps a struct site * looks it up again. */
uint64_t map_server_sites_generation(const struct map_server *ms);
size_t map_server_pending_count(const struct map_server *ms);
/* A reload's limits (the params' fields above), applied at once: a lower
 * cap pushes nobody out, it refuses newcomers until below it. */
void map_server_set_limits(struct map_server *ms, const struct ms_params *limits);
void map_server_params_default(struct ms_params *p);

#endif
