/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Server sites (RFC 9301, section 8.2): who may register which EIDs,
 * with which key.  A site names its allowed EID prefixes per Instance-ID; a
 * registration for a prefix equal to an allowed one is accepted, and one
 * more specific than it only when the site allows more-specifics.  A site
 * that allows shared EIDs may register an EID another site also registers
 * (anycast service EIDs); the Map-Server then merges the RLOC sets.
 */
#ifndef LISPGW_SITE_H
#define LISPGW_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"

#define SITE_NAME_MAX	64
#define SITE_KEY_MAX	128
/* Crypto-EID prefixes per site (map-server.sites[].crypto-eid-prefixes). */
#define SITE_CRYPTO_PREFIXES_MAX	8

/* What authenticates a site's Map-Registers (map-server.sites[].auth):
 * the site's HMAC key alone (RFC 9301 section 5.6), ECDSA signatures
 * for its crypto-EIDs (draft-ietf-lisp-ecdsa-auth, ms_ecdsa.c) with the
 * HMAC optional, or both. */
enum site_auth {
	SITE_AUTH_HMAC,
	SITE_AUTH_ECDSA,
	SITE_AUTH_BOTH,
};

struct site_eid {
	struct lisp_prefix prefix;
	bool accept_more_specifics;
};

/* map-server.sites[].lisp-sec; enum cp_site_lisp_sec agrees. */
enum site_lisp_sec {
	SITE_LISP_SEC_OFF,	/* answered without LISP-SEC (counted) */
	SITE_LISP_SEC_PROXY,	/* the Map-Server answers LISP-SEC requests itself */
	SITE_LISP_SEC_ETR,	/* ... or has the ETR sign (proxy reply: itself) */
};

struct site {
	char name[SITE_NAME_MAX];
	uint8_t key[SITE_KEY_MAX];
	size_t key_len;
	uint8_t alg_id;			/* enum lisp_auth_alg */
	bool allow_shared;		/* anycast: other sites may hold the same EIDs */
	uint8_t auth;			/* enum site_auth */
	/* IPv6 prefixes (in their IIDs) whose host EIDs are crypto-EIDs
	 * (docs/ecdsa.md); with auth ecdsa|both a registration of one, or of
	 * its hash-EID, must prove the key (ms_ecdsa.c). */
	struct lisp_prefix crypto_prefixes[SITE_CRYPTO_PREFIXES_MAX];
	size_t crypto_prefix_count;
	struct site_eid *eids;
	size_t eid_count;
	/* map-server.sites[].lisp-sec (RFC 9303, mr_lispsec.h): who signs
	 * the answers to LISP-SEC requests for this site's EIDs; with etr,
	 * the key the MS-OTK is wrapped with for its ETRs. */
	uint8_t lisp_sec;		/* enum site_lisp_sec */
	bool lisp_sec_aes;		/* else NULL-KEY-WRAP-128 */
	uint8_t lisp_sec_key[16];
	/* counters, read by the REST API and /metrics */
	uint64_t registers_accepted;
	uint64_t auth_failures;
	uint64_t eid_rejections;
	uint64_t replays;
	uint64_t ecdsa_refusals;	/* refused_ecdsa_* (ms_ecdsa.c) */
	/* registrants with replay state at the Map-Server (map_server.c) */
	uint32_t registrants;
};

struct site_table;

struct site_table *site_table_new(void);
void site_table_free(struct site_table *t);

/* Copies the site in (its eids array too); -EEXIST when two sites claim the
 * same prefix and either of them does not allow sharing. */
int site_table_add(struct site_table *t, const struct site *s);

size_t site_table_count(const struct site_table *t);
struct site *site_table_at(struct site_table *t, size_t i);
struct site *site_table_find(struct site_table *t, const char *name);

/* Sites whose allowed prefixes authorize eid, at most max of them. */
size_t site_table_match(struct site_table *t, const struct lisp_prefix *eid,
			struct site **out, size_t max);

/* The database of every site's allowed prefixes (values are internal): the
 * configured EID space, for negative replies. */
struct mapdb *site_table_db(struct site_table *t);

/* The most specific allowed prefix of any site covering eid; false if the
 * EID is outside every site. */
bool site_table_covering(struct site_table *t, const struct lisp_prefix *eid,
			 struct lisp_prefix *out);

/* True when the site may register eid. */
bool site_allows(const struct site *s, const struct lisp_prefix *eid);

#endif
