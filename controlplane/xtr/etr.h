/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ETR role (RFC 9301, sections 5.6, 6.1, 8.3): it registers its database
 * of EID-to-RLOC mappings with every configured Map-Server on a timer, asks
 * for Map-Notify and retransmits until it comes, answers Map-Requests for its
 * EIDs (forwarded by a Map-Server, or direct) and RLOC-probes, and
 * acknowledges unsolicited Map-Notifies.
 *
 * Solicit-Map-Request (RFC 9301, 6.1): per database EID it remembers the
 * ITRs whose Map-Requests (and probes) it answered, the last
 * smr_requesters of them (smr_requesters_evicted), for as long as the record's TTL lets them
 * cache the answer; when the mapping changes or goes, each of them gets a
 * Map-Request with the S bit for the EID on 4342, so that it asks the
 * mapping system again.  SMRs are rate-limited (smr_rate a second, all ITRs
 * together) and counted.
 *
 * Map-Replies (RFC 9301, 5.4, 7.1): to the first ITR-RLOC of the request,
 * at most reply_rate a second all together (replies_rate_limited), each
 * database entry once however many records name it
 * (reply_records_repeated), the records after the first in no more room
 * than the request took (reply_records_over_size).  The
 * reply to an RLOC-probe carries the mapping only when that keeps it within
 * probe_reply_ratio times the probe (probe_replies_trimmed): the nonce is
 * what the prober needs, the mapping data is a SHOULD, and a 56-byte probe
 * must not fetch a 3 KB mapping with JSON attributes for whatever address
 * it names.
 *
 * Registration lives in etr_register.c: the database packed into as few
 * Map-Registers as the path MTU allows, runtime changes coalesced, the
 * nonces of unanswered Map-Registers kept (bounded) so that a late
 * Map-Notify is never taken for an unsolicited one.
 *
 * Nonces of its Map-Registers increase strictly, across restarts too (the
 * high bits are the wall clock), so a Map-Server may use the strict replay
 * check of RFC 9301.
 */
#ifndef LISPGW_ETR_H
#define LISPGW_ETR_H

#include <stdbool.h>
#include <stdint.h>

#include "evloop.h"
#include "lisp_msg.h"
#include "udp_io.h"

#define ETR_KEY_MAX 128
/* One database record, encoded (etr_db_set refuses a bigger one). */
#define ETR_RECORD_MAX 4096

struct etr_map_server {
	struct lisp_addr addr;
	uint16_t port;
	uint8_t alg_id;			/* enum lisp_auth_alg */
	uint8_t key[ETR_KEY_MAX];
	size_t key_len;
	/* The database entries registered here: those inside one of these
	 * (a sharded mapping system keeps each Instance-ID or EID range on
	 * its own Map-Servers); none: all.  Copied by etr_new. */
	const struct lisp_prefix *eids;
	size_t eid_count;
	/* etr.map-servers[].lisp-sec-key (etr_lispsec.c): this Map-Server
	 * hands us MS-OTKs wrapped with it (AES Key Wrap, else NULL wrap);
	 * false: we sign nothing for it. */
	bool lisp_sec;
	bool lisp_sec_aes;
	uint8_t lisp_sec_key[16];
};

struct etr_params {
	uint64_t register_interval_ms;	/* RFC 9301: 60 s */
	uint64_t notify_timeout_ms;	/* resend when the Map-Notify is late */
	bool want_notify;
	bool proxy_reply;
	bool xtr_id_present;
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
	uint32_t smr_rate;		/* SMRs a second (and burst); 0: none */
	uint32_t smr_requesters;	/* ITRs remembered per database entry */
	uint32_t path_mtu;		/* Map-Registers fit in one packet of it */
	uint32_t coalesce_ms;		/* runtime changes wait this for others */
	/* Map-Replies a second (and burst), probes' included, all requesters
	 * together; 0: unlimited.  Requests are not authenticated and name
	 * where the reply goes: this bounds what the ETR reflects. */
	uint32_t reply_rate;
	uint32_t reply_burst;
	/* An RLOC-probe's reply carries the mapping only when it is at most
	 * this many times the probe's size (0: never); else no record. */
	uint32_t probe_reply_ratio;
	/* What the Map-Servers' sites accept (copied); etr_db_set refuses
	 * anything else with -EACCES.  None: not known here. */
	const struct lisp_prefix *accepted;
	size_t accepted_count;
};

/*
 * Where a database record stands with the Map-Servers.  A record added or
 * changed after etr_start() is registered alone (a Map-Register of its
 * own) while pending; once every Map-Server acknowledged it, it is
 * registered and joins the batches.  One whose own Map-Registers went
 * unanswered ETR_SOLO_TRIES times while our other Map-Registers were
 * acknowledged is refused: kept out of the batches, retried alone once per
 * register interval.  Records of the start-up are pending until their
 * batches are acknowledged.
 */
enum etr_reg_state {
	ETR_REG_PENDING,
	ETR_REG_REGISTERED,
	ETR_REG_REFUSED,
};

#define ETR_SOLO_TRIES	3

#define ETR_COUNTERS(X)              \
	X(registers_sent)            \
	X(register_retransmits)      \
	X(register_records_sent)     \
	X(records_refused)           \
	X(notifies_received)         \
	X(notify_errors)             \
	X(notify_acks_sent)          \
	X(requests_answered)         \
	X(probes_answered)           \
	X(requests_not_ours)         \
	X(request_decode_errors)     \
	X(smr_sent)                  \
	X(smr_rate_limited)          \
	X(smr_requesters_evicted)    /* an entry's list was full */ \
	X(replies_rate_limited)      \
	X(probe_replies_trimmed)     \
	X(reply_records_repeated)    \
	X(reply_records_over_size)   \
	X(lisp_sec_requests)         /* ECMs with the S bit */ \
	X(lisp_sec_replies_signed)   \
	X(lisp_sec_unprotected)      /* answered unsigned: no key for it, or no EID-AD */ \
	X(lisp_sec_ad_errors)        /* refused: an AD that does not decode */ \
	X(lisp_sec_otk_refused)      /* refused: no configured key unwraps the MS-OTK */ \
	X(lisp_sec_sign_errors)

struct etr_counters {
#define ETR_COUNTER_FIELD(name) uint64_t name;
	ETR_COUNTERS(ETR_COUNTER_FIELD)
#undef ETR_COUNTER_FIELD
};

struct etr;

struct etr *etr_new(struct evloop *loop, const struct etr_params *params,
		    const struct etr_map_server *servers, size_t server_count, lisp_send_fn send,
		    void *send_arg);
void etr_free(struct etr *etr);
void etr_params_default(struct etr_params *p);

/* The database: set or replace the mapping of rec's EID (the record is
 * copied, locators and their LCAFs included); delete one.  Before
 * etr_start() nothing is sent (the start registers the whole database);
 * after it, changes are registered shortly (coalesced_ms, the changes of a
 * burst together in as few Map-Registers as fit), not at the next
 * interval.  A deleted EID is withdrawn with a record of TTL 0.  A record
 * that encodes to over ETR_RECORD_MAX bytes is -EMSGSIZE. */
int etr_db_set(struct etr *etr, const struct lisp_record *rec, struct lisp_err *err);
int etr_db_del(struct etr *etr, const struct lisp_prefix *eid);
size_t etr_db_count(const struct etr *etr);
/* The longest database mapping covering eid (a host or a prefix), decoded
 * into arena; *match receives its prefix.  -ENOENT when none covers it. */
int etr_db_lookup(const struct etr *etr, const struct lisp_prefix *eid, struct lisp_arena *arena,
		  struct lisp_record *out, struct lisp_prefix *match);

/* Starts the periodic registration; the first leaves on the loop's next
 * turn, the whole database in as few Map-Registers as path_mtu allows. */
void etr_start(struct etr *etr);

/* Map-Notify (from a Map-Server), Map-Request (direct: probes, SMR-invoked)
 * or ECM (a Map-Request forwarded by a Map-Server) from src:port. */
void etr_input(struct etr *etr, const uint8_t *msg, size_t len, const struct lisp_addr *src,
	       uint16_t src_port);

/* True when every Map-Server acknowledged the current database. */
bool etr_registered(const struct etr *etr);

const char *etr_reg_state_name(enum etr_reg_state s);
/* eid's state (an exact database prefix), or -ENOENT. */
int etr_db_state(const struct etr *etr, const struct lisp_prefix *eid);
struct etr_db_states {
	size_t registered, pending, refused;
};
void etr_db_states(const struct etr *etr, struct etr_db_states *out);
/* Every database entry with its state and TTL, in prefix order; fn's
 * nonzero return stops the walk and is returned. */
typedef int (*etr_db_walk_fn)(const struct lisp_prefix *eid, enum etr_reg_state state,
			      uint32_t ttl_min, void *arg);
int etr_db_walk(const struct etr *etr, etr_db_walk_fn fn, void *arg);
const struct etr_counters *etr_counters(const struct etr *etr);
/* ITRs an SMR for eid (a database prefix) would go to now. */
size_t etr_smr_requesters(const struct etr *etr, const struct lisp_prefix *eid);
struct mapdb *etr_db(const struct etr *etr);

#endif
