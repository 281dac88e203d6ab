/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP control messages (RFC 9301, RFC 9437 pub/sub, RFC 8111 LISP-DDT):
 * Map-Request, Map-Reply, Map-Register, Map-Notify, Map-Notify-Ack, the
 * Encapsulated Control Message and the Map-Referral.  Decoders take untrusted bytes, build the
 * message in an arena and return 0 / -errno with a reason; encoders write
 * into a caller buffer and return the length or -errno.
 *
 * Bit positions follow RFC 9301 and the dissectors deployed against it
 * (Wireshark, tcpdump); the ASCII layouts sit above each codec in msg_*.c.
 */
#ifndef LISPGW_LISP_MSG_H
#define LISPGW_LISP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "lcaf.h"
#include "lisp_err.h"

#define LISP_CONTROL_PORT	4342
#define LISP_DATA_PORT		4341

enum lisp_msg_type {
	LISP_MAP_REQUEST = 1,
	LISP_MAP_REPLY = 2,
	LISP_MAP_REGISTER = 3,
	LISP_MAP_NOTIFY = 4,
	LISP_MAP_NOTIFY_ACK = 5,
	LISP_MAP_REFERRAL = 6,	/* RFC 8111 */
	LISP_ECM = 8,
};

/* Map-Reply action (RFC 9301, section 5.4 "ACT"). */
enum lisp_action {
	LISP_ACT_NO_ACTION = 0,
	LISP_ACT_NATIVE_FORWARD = 1,
	LISP_ACT_SEND_MAP_REQUEST = 2,
	LISP_ACT_DROP = 3,
	LISP_ACT_DROP_POLICY = 4,
	LISP_ACT_DROP_AUTH = 5,
};

/* Authentication Algorithm IDs (RFC 9301, section 5.6; IANA "LISP Algorithm
 * ID Numbers").  Deployed xTRs send a 16-bit "Key ID" of 1 or 2, which is the
 * same bytes as Key ID 0 + Algorithm ID 1 or 2. */
enum lisp_auth_alg {
	LISP_AUTH_NONE = 0,
	LISP_AUTH_HMAC_SHA1_96 = 1,
	LISP_AUTH_HMAC_SHA256_128 = 2,
};

#define LISP_AUTH_DATA_MAX	32
#define LISP_XTR_ID_LEN		16

/* Most records / locators a message may carry: the 8-bit counts allow 255. */
#define LISP_RECORDS_MAX	255
#define LISP_LOCATORS_MAX	255

/* The largest UDP payload a control message can have: IPv6's 16-bit
 * Payload Length less the UDP header (no jumbograms, RFC 2675; IPv4 allows
 * 20 bytes less). */
#define LISP_DATAGRAM_MAX	(65535u - 8u)

/* An arena that holds whatever one datagram decodes to, so that decoding
 * never fails for want of room: the most arena per wire byte is an
 * AFI-list item of AFI 0 (RFC 8060 section 4.16.1), 2 bytes that decode to
 * one struct lisp_waddr (a record of 12 bytes takes one struct lisp_record,
 * a locator of 8 one struct lisp_locator: less per byte).  About 10 MiB,
 * touched only as far as a message fills it. */
#define LISP_DECODE_ARENA_BYTES                                                  \
	((size_t)LISP_DATAGRAM_MAX / 2 * sizeof(struct lisp_waddr) + 64 * 1024)

/* Locator flags (RFC 9301, section 5.4): L local, p probed, R reachable. */
#define LISP_LOC_F_LOCAL	0x0004
#define LISP_LOC_F_PROBED	0x0002
#define LISP_LOC_F_REACH	0x0001

struct lisp_locator {
	uint8_t priority;	/* 255: not to be used for unicast */
	uint8_t weight;
	uint8_t mpriority;
	uint8_t mweight;
	uint16_t flags;		/* 13 unused bits kept as received, then L p R */
	struct lisp_waddr addr;
};

struct lisp_record {
	uint32_t ttl;		/* minutes */
	uint8_t mask_len;
	uint8_t action;		/* enum lisp_action, 3 bits */
	bool authoritative;
	uint16_t map_version;	/* 12 bits */
	struct lisp_waddr eid;
	uint8_t loc_count;
	struct lisp_locator *locs;
};

/* A Map-Request's EID-record: prefix plus RFC 9437's N (notify) bit. */
struct lisp_request_record {
	bool notify;
	uint8_t mask_len;
	struct lisp_waddr eid;
};

struct lisp_map_request {
	bool authoritative;	/* A */
	bool map_data;		/* M: a Map-Reply record follows */
	bool probe;		/* P: RLOC-probe */
	bool smr;		/* S: Solicit-Map-Request */
	bool pitr;		/* p: sent by a PITR */
	bool smr_invoked;	/* s */
	bool rsvd_r;		/* R: reserved in RFC 9301, kept as received */
	bool xtr_id_present;	/* I: xTR-ID and site-ID at the end (RFC 9437) */
	bool local_xtr;		/* L */
	bool dont_map_reply;	/* D */
	uint64_t nonce;
	struct lisp_waddr source_eid;	/* AFI 0 when the ITR has none */
	uint8_t itr_rloc_count;		/* 1..32 (IRC + 1) */
	struct lisp_waddr *itr_rlocs;
	uint8_t record_count;
	struct lisp_request_record *records;
	struct lisp_record *map_reply;	/* when map_data */
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
};

struct lisp_map_reply {
	bool probe;		/* P */
	bool echo_nonce;	/* E: echo-nonce capable */
	bool sec;		/* S: LISP-SEC */
	uint64_t nonce;
	uint8_t record_count;
	struct lisp_record *records;
	/* S: where the LISP-SEC Authentication Data starts (after the
	 * records); lisp_sec_map_reply_ad_decode() reads it (lisp_sec.h). */
	size_t sec_ad_offset;
};

/* Map-Register, Map-Notify and Map-Notify-Ack share one layout. */
struct lisp_map_register {
	uint8_t type;		/* LISP_MAP_REGISTER, _NOTIFY or _NOTIFY_ACK */
	bool proxy_reply;	/* P (register) */
	bool sec;		/* S (register) */
	bool xtr_id_present;	/* I */
	bool rtr;		/* R */
	bool want_notify;	/* M (register) */
	uint64_t nonce;
	uint8_t key_id;
	uint8_t alg_id;		/* enum lisp_auth_alg */
	uint16_t auth_len;
	uint8_t auth[LISP_AUTH_DATA_MAX];
	size_t auth_offset;	/* where auth data sits in the message */
	uint8_t record_count;
	struct lisp_record *records;
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
};

/* Encapsulated Control Message: a LISP header, then IPv4/IPv6 + UDP, then
 * the inner control message (RFC 9301, section 5.8). */
struct lisp_ecm {
	bool sec;		/* S */
	bool ddt;		/* D: DDT-originated (RFC 8111) */
	bool to_etr;		/* E: forward to ETR (RFC 8111) */
	bool to_ms;		/* M: to Map-Server (RFC 8111) */
	uint8_t ip_version;	/* 4 or 6 */
	uint8_t ttl;		/* inner IPv4 TTL / IPv6 hop limit */
	struct lisp_addr inner_src, inner_dst;
	uint16_t inner_sport, inner_dport;
	const uint8_t *payload;	/* the inner LISP control message */
	size_t payload_len;
	/* S: the LISP-SEC Authentication Data between the ECM header and the
	 * inner IP header (RFC 9303, section 6.1), as bytes: decoded with
	 * lisp_sec_ecm_ad_decode(), written as given on encode. */
	const uint8_t *sec_ad;
	size_t sec_ad_len;
};

/* Map-Referral ACT values (RFC 8111, section 6: the action codes). */
enum lisp_referral_action {
	LISP_REF_NODE_REFERRAL = 0,	/* a child DDT node is authoritative */
	LISP_REF_MS_REFERRAL = 1,	/* Map-Servers for the EID, not the sender */
	LISP_REF_MS_ACK = 2,		/* a Map-Server with an ETR registered */
	LISP_REF_MS_NOT_REGISTERED = 3,	/* configured for the prefix, none registered */
	LISP_REF_DELEGATION_HOLE = 4,	/* authoritative, no delegation covers the EID */
	LISP_REF_NOT_AUTHORITATIVE = 5,	/* not authoritative for the EID */
};
#define LISP_REF_ACTION_MAX	LISP_REF_NOT_AUTHORITATIVE

/* SigCnt is 4 bits (RFC 8111, section 6, Map-Referral message format). */
#define LISP_REFERRAL_SIGS_MAX	15

/* One Sig section (RFC 8111, section 6), kept as received: this codec
 * carries signatures, it does not verify them. */
struct lisp_referral_sig {
	uint32_t orig_ttl;	/* Original Record TTL */
	uint32_t expiration;	/* Signature Expiration */
	uint32_t inception;	/* Signature Inception */
	uint16_t key_tag;
	uint8_t algorithm;	/* Sig-Algorithm */
	uint8_t rsvd1;		/* 8 reserved bits, shown, written as 0 */
	uint16_t rsvd2;		/* 16 reserved bits, idem */
	uint16_t sig_len;	/* Sig Length, bytes of signature */
	const uint8_t *sig;	/* into the decoded message, or caller memory */
};

/* A Map-Referral record: a Map-Reply record whose locators are the
 * referral set, with the I bit and SigCnt Sig sections after them. */
struct lisp_referral_record {
	uint32_t ttl;		/* minutes */
	uint8_t mask_len;
	uint8_t action;		/* enum lisp_referral_action, 3 bits */
	bool authoritative;	/* A */
	bool incomplete;	/* I: referral set incomplete, do not cache */
	uint16_t rsvd;		/* 11 reserved bits, shown, written as 0 */
	uint16_t map_version;	/* 12 bits */
	struct lisp_waddr eid;
	uint8_t ref_count;	/* Referral Count */
	struct lisp_locator *refs;	/* the referral set */
	uint8_t sig_count;	/* SigCnt, 4 bits */
	struct lisp_referral_sig *sigs;
};

struct lisp_map_referral {
	uint32_t rsvd;		/* 20 reserved header bits, shown, written as 0 */
	uint64_t nonce;		/* the DDT-originated Map-Request's */
	uint8_t record_count;
	struct lisp_referral_record *records;
};

struct lisp_ctrl_msg {
	uint8_t type;		/* enum lisp_msg_type */
	union {
		struct lisp_map_request request;
		struct lisp_map_reply reply;
		struct lisp_map_register reg;	/* also notify, notify-ack */
		struct lisp_ecm ecm;
		struct lisp_map_referral referral;
	};
};

const char *lisp_msg_type_name(uint8_t type);
const char *lisp_action_name(uint8_t act);
const char *lisp_auth_alg_name(uint8_t alg);

/* Decodes any control message; ECM payloads are left for a second call. */
int lisp_ctrl_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
		     struct lisp_ctrl_msg *out, struct lisp_err *err);

int lisp_map_request_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			    struct lisp_map_request *out, struct lisp_err *err);
int lisp_map_reply_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			  struct lisp_map_reply *out, struct lisp_err *err);
int lisp_map_register_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			     struct lisp_map_register *out, struct lisp_err *err);
int lisp_ecm_decode(const uint8_t *buf, size_t len, struct lisp_ecm *out,
		    struct lisp_err *err);
int lisp_map_referral_decode(const uint8_t *buf, size_t len, struct lisp_arena *a,
			     struct lisp_map_referral *out, struct lisp_err *err);

ssize_t lisp_map_request_encode(const struct lisp_map_request *m, uint8_t *buf, size_t cap,
				struct lisp_err *err);
ssize_t lisp_map_reply_encode(const struct lisp_map_reply *m, uint8_t *buf, size_t cap,
			      struct lisp_err *err);
/* Only the 12-byte header (flags, m->record_count, nonce): for callers that
 * append records they keep encoded (a Map-Server's merged registrations). */
ssize_t lisp_map_reply_header_encode(const struct lisp_map_reply *m, uint8_t *buf, size_t cap,
				     struct lisp_err *err);
/* Writes auth_len zero bytes where the authentication data goes; sign with
 * lisp_auth_sign() afterwards.  auth_len 0 with alg_id != NONE picks the
 * RFC length for the algorithm. */
ssize_t lisp_map_register_encode(const struct lisp_map_register *m, uint8_t *buf, size_t cap,
				 struct lisp_err *err);
/* Wraps payload in LISP ECM + inner IPv4/IPv6 + UDP (checksums computed). */
ssize_t lisp_ecm_encode(const struct lisp_ecm *m, uint8_t *buf, size_t cap,
			struct lisp_err *err);

/* The codec writes any record it can decode (so that a capture round-trips);
 * what RFC 8111 asks of a sender per action is this separate check. */
ssize_t lisp_map_referral_encode(const struct lisp_map_referral *m, uint8_t *buf, size_t cap,
				 struct lisp_err *err);

/* "node-referral", ... "not-authoritative"; "unassigned" past 5. */
const char *lisp_referral_action_name(uint8_t act);
/* The TTL (minutes) RFC 8111's table gives each action: 1440 for the
 * referrals and MS-ACK, 1 MS-NOT-REGISTERED, 15 DELEGATION-HOLE, 0
 * NOT-AUTHORITATIVE; 0 for an unassigned action. */
uint32_t lisp_referral_default_ttl(uint8_t act);
/* RFC 8111's per-action rules for the Incomplete bit, the referral set and
 * the TTL: 0, or -EPROTO with the rule broken in err.  A DDT node checks
 * before sending, a DDT Map-Resolver counts what fails on receipt. */
int lisp_referral_record_check(const struct lisp_referral_record *rec, struct lisp_err *err);

/* Records and locators, shared by replies, registers and notifies. */
int lisp_record_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_record *out,
		       struct lisp_err *err);
int lisp_record_encode(struct wire_wr *w, const struct lisp_record *rec, struct lisp_err *err);
/* An RLOC-record that carries a JSON record (json, kept by reference) and
 * no address, priority 255: never used for forwarding (the ECDSA records
 * of docs/ecdsa.md; ITRs skip it). */
void lisp_locator_json(struct lisp_locator *l, const char *json);

#endif
