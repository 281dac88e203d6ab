/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The messages between lispgw-cp and lispgw-dp (docs/dataplane-channel.md).
 *
 * Both processes run on one host and map the same memory, so a message is a
 * fixed little C struct in host byte order, copied into a ring slot as is:
 * encoding is a store per field, decoding a length check and a copy.  The
 * ABI version in the region header (and the static assertions below) keep
 * two builds that disagree on a layout from ever talking.
 *
 * Every message is a ring record: an 8-byte header (type, payload length,
 * sequence number: struct dp_channel_rec in dp_channel.h) and one of these
 * payloads.  Variable parts (RLOCs, counters) come last, and only the used
 * elements travel: a mapping with one RLOC is 40 + 24 bytes.
 *
 *   CP -> DP                              DP -> CP
 *   RESYNC_BEGIN  struct dp_msg_resync    MISS      struct dp_msg_miss
 *   RESYNC_END    struct dp_msg_resync    EVENT     struct dp_msg_event
 *   MAP_UPSERT    struct dp_msg_map       COUNTERS  struct dp_msg_counters
 *   MAP_DELETE    struct dp_msg_del
 *   RLOC_STATUS   struct dp_msg_rloc
 *   FLUSH         struct dp_msg_flush
 *
 * A mapping's key is (table, Instance-ID, AFI, prefix length, address):
 * the ITR's map-cache and the ETR's database are two tables, so the same
 * prefix may be in both, and the Instance-ID is always part of the key.
 * Keys are canonical (reserved bytes and host bits zero) so that they
 * compare and hash as 24 plain bytes.
 */
#ifndef LISPGW_DP_MSG_H
#define LISPGW_DP_MSG_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bump on any change to a layout or a meaning below. */
#define DP_MSG_ABI_VERSION	1

enum dp_msg_type {
	/* control plane -> data plane */
	DP_MSG_RESYNC_BEGIN = 1,
	DP_MSG_RESYNC_END = 2,
	DP_MSG_MAP_UPSERT = 3,
	DP_MSG_MAP_DELETE = 4,
	DP_MSG_RLOC_STATUS = 5,
	DP_MSG_FLUSH = 6,
	/* data plane -> control plane */
	DP_MSG_MISS = 16,
	DP_MSG_EVENT = 17,
	DP_MSG_COUNTERS = 18,
};

/* The tables a key lives in; a resync or a flush names a mask of them. */
enum dp_msg_table {
	DP_MSG_TABLE_MAPCACHE = 0,	/* ITR map-cache: encapsulate to the RLOCs */
	DP_MSG_TABLE_DATABASE = 1,	/* ETR database: our EIDs, decapsulated to us */
	DP_MSG_TABLE_COUNT
};
#define DP_MSG_TABLE_BIT(t)		(1u << (t))
#define DP_MSG_TABLES_ALL		((1u << DP_MSG_TABLE_COUNT) - 1)

/* Address families: the LISP AFI numbers (lisp_addr.h). */
#define DP_MSG_AFI_IPV4	1
#define DP_MSG_AFI_IPV6	2

struct dp_msg_key {
	uint32_t iid;			/* 24-bit Instance-ID */
	uint8_t afi;			/* DP_MSG_AFI_IPV4 / DP_MSG_AFI_IPV6 */
	uint8_t plen;
	uint8_t table;			/* enum dp_msg_table */
	uint8_t rsvd;			/* zero */
	uint8_t addr[16];		/* IPv4 in addr[0..3]; host bits and the rest zero */
};

/* RLOC flags. */
#define DP_MSG_LOC_F_UP		0x01	/* reachable: the ITR may pick it */
#define DP_MSG_LOC_F_LOCAL	0x02	/* one of this xTR's own RLOCs */
#define DP_MSG_LOC_F_PROBED	0x04	/* state learned by RLOC-probing */

struct dp_msg_locator {
	uint8_t addr[16];
	uint8_t afi;			/* DP_MSG_AFI_IPV4 / DP_MSG_AFI_IPV6 */
	uint8_t priority;		/* lower is better; 255: not for unicast */
	uint8_t weight;			/* share among the best priority */
	uint8_t flags;			/* DP_MSG_LOC_F_* */
	uint32_t rtt_us;		/* last probe round trip; 0: never measured */
};

/* Mapping flags. */
#define DP_MSG_MAP_F_STATIC		0x01	/* configuration or API: never expires */
#define DP_MSG_MAP_F_AUTHORITATIVE	0x02
#define DP_MSG_MAP_F_NEGATIVE		0x04	/* no locators: `action` applies */

/* Encapsulation of a mapping; DEFAULT follows the Instance-ID's setting. */
enum dp_msg_encap {
	DP_MSG_ENCAP_DEFAULT = 0,
	DP_MSG_ENCAP_LISP = 1,		/* UDP 4341 */
	DP_MSG_ENCAP_VXLAN = 2,		/* UDP 4789 */
	DP_MSG_ENCAP_VXLAN_GPE = 3,	/* UDP 4790 */
};

/*
 * At most this many RLOCs per mapping reach the data plane (LISP allows
 * 255 locators; the CP keeps the first ones by priority and counts what it
 * left out).  It bounds the largest message, and so the ring's copy.
 */
#define DP_MSG_RLOCS_MAX	32

/* MAP_UPSERT: install or replace the mapping of key, as a whole. */
struct dp_msg_map {
	struct dp_msg_key key;
	uint32_t ttl_s;			/* record TTL; informational, see the doc */
	uint16_t map_version;		/* 12 bits */
	uint8_t action;			/* enum lisp_action, for negative entries;
					 * native-forward with locators: they are
					 * the Proxy-ETRs to encapsulate to */
	uint8_t flags;			/* DP_MSG_MAP_F_* */
	uint8_t encap;			/* enum dp_msg_encap */
	uint8_t rloc_count;
	uint16_t rsvd;
	uint32_t rsvd2;
	struct dp_msg_locator rlocs[DP_MSG_RLOCS_MAX];	/* rloc_count travel */
};
#define DP_MSG_MAP_HDR_LEN	offsetof(struct dp_msg_map, rlocs)

/* MAP_DELETE. */
struct dp_msg_del {
	struct dp_msg_key key;
};

/* RLOC_STATUS: one RLOC of a mapping went up or down (probing). */
struct dp_msg_rloc {
	struct dp_msg_key key;
	uint8_t addr[16];		/* the RLOC, to check the index against */
	uint8_t afi;
	uint8_t index;			/* in the mapping's rlocs[] */
	uint8_t up;
	uint8_t rsvd;
	uint32_t rtt_us;
};

/* FLUSH: remove every mapping of the tables. */
struct dp_msg_flush {
	uint32_t tables;		/* DP_MSG_TABLE_BIT mask */
	uint32_t rsvd;
};

/*
 * RESYNC_BEGIN / RESYNC_END.  generation is the one the data plane gave
 * this session in its hello; count (END only) is the number of upserts the
 * control plane replayed, for a consistency check.
 */
struct dp_msg_resync {
	uint32_t generation;
	uint32_t tables;		/* DP_MSG_TABLE_BIT mask */
	uint64_t count;
};

/* MISS: packets to an EID with no mapping (rate-limited by the DP). */
struct dp_msg_miss {
	struct dp_msg_key eid;		/* table MAPCACHE, a host prefix */
	uint8_t src[16];		/* the source EID of the first packet */
	uint8_t src_afi;		/* 0: none */
	uint8_t rsvd[3];
	uint32_t packets;		/* misses coalesced into this one */
};

enum dp_msg_event_code {
	DP_MSG_EV_RESYNC_DONE = 1,	/* arg: generation; v: entries, stale removed, refused */
	DP_MSG_EV_MAP_REJECTED = 2,		/* key; v[0]: errno */
	DP_MSG_EV_LINK = 3,			/* arg: port; v[0]: 1 up, 0 down */
	DP_MSG_EV_TABLE_FULL = 4,		/* key.table and key.iid; v[0]: capacity */
	DP_MSG_EV_INFO = 5,			/* free use: arg, v[] */
};

struct dp_msg_event {
	uint16_t code;			/* enum dp_msg_event_code */
	uint16_t rsvd;
	uint32_t arg;
	uint64_t v[3];
	struct dp_msg_key key;
};

/* One counter of a snapshot: summed over lcores, global or per IID. */
#define DP_MSG_COUNTER_NAME_MAX	32
#define DP_MSG_COUNTER_F_IID	0x1	/* iid is meaningful */

struct dp_msg_counter {
	char name[DP_MSG_COUNTER_NAME_MAX];	/* NUL-terminated, [a-z0-9_] */
	uint32_t iid;
	uint32_t flags;
	uint64_t value;
};

#define DP_MSG_COUNTERS_CHUNK	16

/* COUNTERS: one chunk of a snapshot; chunks of a snapshot share its id
 * and come in order; the CP keeps the last complete one. */
struct dp_msg_counters {
	uint32_t snapshot;
	uint16_t first;			/* index of v[0] in the snapshot */
	uint16_t count;
	uint16_t total;			/* counters in the snapshot */
	uint16_t rsvd;
	uint32_t rsvd2;
	uint64_t time_ns;		/* CLOCK_MONOTONIC of the DP when taken */
	struct dp_msg_counter v[DP_MSG_COUNTERS_CHUNK];
};
#define DP_MSG_COUNTERS_HDR_LEN	offsetof(struct dp_msg_counters, v)

/* The largest payload; a record (header included) fits 16 ring slots. */
#define DP_MSG_PAYLOAD_MAX	1016

_Static_assert(sizeof(struct dp_msg_key) == 24, "dp_msg_key layout");
_Static_assert(sizeof(struct dp_msg_locator) == 24, "dp_msg_locator layout");
_Static_assert(DP_MSG_MAP_HDR_LEN == 40, "dp_msg_map layout");
_Static_assert(sizeof(struct dp_msg_map) <= DP_MSG_PAYLOAD_MAX, "dp_msg_map too large");
_Static_assert(sizeof(struct dp_msg_rloc) == 48, "dp_msg_rloc layout");
_Static_assert(sizeof(struct dp_msg_resync) == 16, "dp_msg_resync layout");
_Static_assert(sizeof(struct dp_msg_miss) == 48, "dp_msg_miss layout");
_Static_assert(sizeof(struct dp_msg_event) == 56, "dp_msg_event layout");
_Static_assert(sizeof(struct dp_msg_counter) == 48, "dp_msg_counter layout");
_Static_assert(sizeof(struct dp_msg_counters) <= DP_MSG_PAYLOAD_MAX, "dp_msg_counters size");

/* Bytes of an upsert with m->rloc_count RLOCs. */
static inline size_t dp_msg_map_len(const struct dp_msg_map *m)
{
	return DP_MSG_MAP_HDR_LEN + (size_t)m->rloc_count * sizeof(struct dp_msg_locator);
}

static inline size_t dp_msg_counters_len(const struct dp_msg_counters *m)
{
	return DP_MSG_COUNTERS_HDR_LEN + (size_t)m->count * sizeof(struct dp_msg_counter);
}

/* Validation of what the other process wrote: 0 or -EINVAL (-EPROTO for a
 * payload whose length does not match its own counts). */
int dp_msg_key_check(const struct dp_msg_key *k);
int dp_msg_map_check(const struct dp_msg_map *m, size_t len);
int dp_msg_rloc_check(const struct dp_msg_rloc *m, size_t len);
int dp_msg_counters_check(const struct dp_msg_counters *m, size_t len);

/* Payload length a message type must have, or the least for the variable
 * ones (MAP_UPSERT, COUNTERS); 0 for an unknown type. */
size_t dp_msg_min_len(uint16_t type);
const char *dp_msg_type_name(uint16_t type);
/* "[iid]addr/plen" plus the table ("db:" prefix for the database). */
int dp_msg_key_format(const struct dp_msg_key *k, char *buf, size_t len);

#endif
