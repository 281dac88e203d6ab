/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the Map-Server knows: for each registered EID prefix, the RLOC set
 * each registering xTR declared, and their merge (RFC 9301, section 8.2 and
 * the merge semantics of several ETRs of a site sharing an EID).  The merged
 * record is kept encoded, ready to be copied into Map-Replies and
 * Map-Notifies: building it costs a decode of each xTR's record, and happens
 * only when the mapping changes.
 */
#ifndef LISPGW_REGISTRY_H
#define LISPGW_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evloop.h"
#include "lisp_msg.h"
#include "site.h"

/* Who registered: the xTR-ID when the Map-Register carried one (I bit),
 * otherwise the source address and port it came from. */
struct reg_who {
	bool has_xtr_id;
	uint8_t xtr_id[LISP_XTR_ID_LEN];
	uint64_t site_id;
	struct lisp_ipaddr src;		/* compact: one per registration */
	uint16_t src_port;
};

/* Same registering xTR: same xTR-ID and site-ID, or same source. */
bool reg_who_equal(const struct reg_who *a, const struct reg_who *b);

struct reg_eid;

struct reg_xtr {
	struct reg_xtr *next;
	struct reg_eid *entry;
	struct registry *registry;
	struct evtimer expiry;		/* lifetime without refresh */
	struct reg_who who;
	struct site *site;
	uint64_t registered_ms;		/* first registration */
	uint64_t refreshed_ms;		/* last accepted refresh */
	uint64_t expires_ms;
	bool proxy_reply;
	bool want_notify;
	uint8_t *record;		/* this xTR's EID-record, encoded */
	size_t record_len;
	uint8_t loc_count;
};

struct reg_eid {
	struct lisp_prefix eid;
	struct reg_xtr *xtrs;
	uint8_t *merged;		/* merged EID-record, encoded */
	size_t merged_len;
	uint8_t merged_loc_count;
	uint32_t merged_ttl;		/* minutes */
	bool proxy_reply;		/* any xTR asked for proxy replies */
	uint64_t version;		/* bumped on every change of the merge */
	void *subscribers;		/* owned by pubsub.c */
};

struct registry;

/* Told about every entry whose merged mapping changed by expiry (entry NULL
 * when the EID is no longer registered at all). */
typedef void (*registry_change_fn)(void *arg, const struct lisp_prefix *eid,
				   struct reg_eid *entry);

struct registry *registry_new(struct evloop *loop, registry_change_fn on_expire, void *arg);
void registry_free(struct registry *r);

/*
 * Stores (or refreshes) the record of one xTR for one EID and recomputes the
 * merge.  *changed tells whether the merged RLOC set differs from before: a
 * pure refresh is not a change.  The record must already be authorized.
 */
/* 0 when registry_update() can store rec (it encodes within the
 * registry's record size); what a Map-Server checks before applying any
 * record of a message. */
int registry_record_check(const struct lisp_record *rec, struct lisp_err *err);
int registry_update(struct registry *r, const struct lisp_prefix *eid,
		    const struct lisp_record *rec, const struct reg_who *who, struct site *site,
		    bool proxy_reply, bool want_notify, uint64_t now_ms, uint64_t lifetime_ms,
		    struct reg_eid **entry, bool *changed, struct lisp_err *err);

/* Removes one xTR's registration (withdrawal, or expiry through the timer);
 * the entry is freed with its last xTR (then *entry is set NULL).  Returns
 * whether the merged mapping changed. */
bool registry_remove_xtr(struct registry *r, struct reg_eid **entry, struct reg_xtr *x);

/* Longest registered prefix covering eid; NULL if none. */
struct reg_eid *registry_lookup(const struct registry *r, const struct lisp_prefix *eid);
struct reg_eid *registry_exact(const struct registry *r, const struct lisp_prefix *eid);

size_t registry_count(const struct registry *r);
struct mapdb *registry_db(const struct registry *r);

/* Decodes an entry's merged record into a (for building replies). */
int reg_eid_decode(const struct reg_eid *e, struct lisp_arena *a, struct lisp_record *out,
		   struct lisp_err *err);

#endif
