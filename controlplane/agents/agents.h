/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agents (docs/agents.md): an AI agent, or the host it runs on, named by an
 * id, with a stable host EID in an Instance-ID (its VPN group), optionally a
 * Distinguished-Name EID (RFC 9735, AFI 17) for the same agent, and JSON
 * attributes per RLOC (RFC 8060 JSON LCAF).
 *
 * The store is what an xTR knows of its agents: the EIDs they hold, those it
 * allocated from its pools, their attributes and RLOCs.  An allocation is
 * kept for the agent's id for good (a removed agent that comes back gets the
 * same EID) unless released, and the whole store is written to a state file
 * after every change, so that a restarted lispgw-cp gives every agent the
 * same EID and registers the agents it had again.
 *
 * Placement: an agent with RLOCs of its own is co-located with its xTR (its
 * host EID moves with those RLOCs); an agent without is behind the xTRs of a
 * site prefix of the ETR database, and takes that prefix's RLOCs.
 *
 * Only jansson, attrq and common/ here: tests/unit/test_agents.c links it
 * alone.  The daemon's glue (ETR, REST) is rest_agents.c.
 */
#ifndef LISPGW_AGENTS_H
#define LISPGW_AGENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "lisp_msg.h"

#define AGENT_ID_MAX		64	/* [A-Za-z0-9._-], not starting with '.' */
#define AGENT_RLOCS_MAX		8
#define AGENT_ATTR_MAX		1024	/* compact JSON per RLOC, "agent" included */
#define AGENTS_DEF_MAX		1024
#define AGENTS_MAX		65536
#define AGENT_STATE_MAX		(16u * 1024 * 1024)
/* The attribute every registered RLOC of an agent carries: its id, so that
 * the Map-Server can tell agents from site prefixes and pair an agent's
 * address and DN records.  Agents may not set it themselves. */
#define AGENT_ATTR_ID		"agent"

struct agent_rloc {
	struct lisp_addr addr;		/* IPv4 or IPv6 */
	uint8_t priority;
	uint8_t weight;
	json_t *attrs;			/* over the agent's own; NULL: none */
};

struct agent {
	char id[AGENT_ID_MAX + 1];
	struct lisp_prefix eid;		/* host prefix with its IID; afi NONE: allocate */
	bool allocated;			/* from a pool */
	bool active;			/* registered; else only its allocation is kept */
	bool has_dn;
	struct lisp_prefix dn;		/* [iid]dn:NAME */
	uint32_t ttl_min;		/* 0: the ETR's record TTL */
	json_t *attrs;			/* an object (never NULL once parsed) */
	size_t rloc_count;		/* 0: behind the site's xTRs */
	struct agent_rloc rlocs[AGENT_RLOCS_MAX];
	/* A crypto-EID (docs/ecdsa.md): eid is derived from a P-256 key the
	 * daemon keeps beside the state file (agent_key_path) and registered
	 * signed, with its hash-EID. */
	bool crypto;
	struct lisp_prefix crypto_prefix;	/* [iid]IPv6 prefix the EID lies in */
};

void agent_init(struct agent *a);
void agent_clear(struct agent *a);
/* Deep copy (attributes included); 0 or -ENOMEM. */
int agent_copy(struct agent *dst, const struct agent *src);

/* ---- request bodies --------------------------------------------------------- */

/* A validation failure is a struct lisp_err (lisp_err.h): path is the
 * member at fault ("rlocs[1].address", "" for the body), msg a sentence
 * that starts with it. */
/*
 * POST /api/v1/agents:
 *   {"id": "planner-7", "iid": 7, "eid": "10.7.0.5", "dn": "planner-7",
 *    "ttl": 10, "attributes": {"gpu": "H100", "load": 0.42},
 *    "rlocs": [{"address": "192.0.2.1", "priority": 1, "weight": 100,
 *               "attributes": {"latency_ms": 3}}]}
 * eid may be left out (allocated from a pool of the IID), and may carry the
 * IID ("[7]10.7.0.5/32"); rlocs may be left out (behind the site's xTRs).
 */
int agent_parse_new(const char *body, size_t len, struct agent *a, struct lisp_err *e);
/* "crypto_eid": true (crypto_prefix left empty: the daemon's default for
 * the IID, the first of agents.crypto-eid-prefixes, else
 * AGENT_CRYPTO_PREFIX_DEF), a prefix ("fd00::/8", "[7]fd00::/8"), false or
 * null.  With one, "eid" is derived (a POST may not bring it; the state
 * file does, with the prefix). */
#define AGENT_CRYPTO_PREFIX_DEF	"fd00::/8"
int agent_parse_crypto(struct lisp_err *e, json_t *v, struct agent *a, bool state);
/*
 * PATCH /api/v1/agents/ID applied to a copy of cur: "attributes" is a JSON
 * merge patch (RFC 7396: null removes a member), "rlocs" replaces the RLOCs
 * (null: behind the site's xTRs), "dn" sets or (null) removes the DN, "ttl"
 * sets the TTL.  id, iid and eid cannot change.
 */
int agent_parse_patch(const char *body, size_t len, const struct agent *cur, struct agent *a,
		      struct lisp_err *e);

/* The attributes of RLOC i as registered: the agent's, then the RLOC's
 * own over them, then "agent": id.  New reference. */
json_t *agent_rloc_attrs(const struct agent *a, size_t i);
/* The agent as the API shows it. */
json_t *agent_json(const struct agent *a);
/* Attributes as the configuration's canonical text (compact, sorted keys,
 * 15 digits); malloc'd, NULL without memory. */
char *agent_attrs_text(const json_t *o);

/* ---- the store --------------------------------------------------------------- */

struct agent_store_params {
	const struct lisp_prefix *pools;	/* allocation, per IID */
	size_t pool_count;
	const struct lisp_prefix *spaces;	/* where brought EIDs may lie */
	size_t space_count;
	size_t max;				/* agents and kept allocations */
	const char *state_file;			/* NULL: nothing persists */
};

struct agent_store;

/* Loads the state file when it exists; a state file that cannot be read
 * is an error (rather than handing its EIDs to other agents). */
struct agent_store *agent_store_new(const struct agent_store_params *p, struct lisp_err *err);
void agent_store_free(struct agent_store *s);

struct agent *agent_store_find(struct agent_store *s, const char *id);
size_t agent_store_count(const struct agent_store *s);
struct agent *agent_store_at(struct agent_store *s, size_t i);
/* The agent holding eid (active or not), NULL if none. */
struct agent *agent_store_by_eid(struct agent_store *s, const struct lisp_prefix *eid);

/* Told whether an EID lies under a site prefix of the ETR database. */
typedef bool (*agent_covered_fn)(void *arg, const struct lisp_prefix *eid);

/*
 * Adds (activates) agent a, which the store takes over (a is left empty).
 * Without an EID, the one kept for its id, else the lowest free address of
 * a pool of its IID.  Errors, with a sentence in err:
 *   -EEXIST      an active agent has that id
 *   -EADDRINUSE  the EID or the DN is another agent's, or the id keeps
 *                another EID
 *   -ERANGE      the EID lies outside the pools and eid-prefixes of its IID
 *                (when it has any) and under no site prefix (covered)
 *   -ENOENT      no EID given and no pool for the IID
 *   -ENOSPC      the pool is full, or the store
 *   -EIO         the state file could not be written (nothing changed)
 */
int agent_store_add(struct agent_store *s, struct agent *a, agent_covered_fn covered,
		    void *arg, struct lisp_err *err);
/* Replaces the active agent of a->id (PATCH); a is taken over.  -ENOENT,
 * -EADDRINUSE (DN), -EIO. */
int agent_store_replace(struct agent_store *s, struct agent *a, struct lisp_err *err);
/* Deactivates id (its allocation is kept), or with release forgets it.
 * -ENOENT when there is nothing to remove; -EIO. */
int agent_store_remove(struct agent_store *s, const char *id, bool release,
		       struct lisp_err *err);
/* The state file (NULL: nothing persists). */
const char *agent_store_state_file(const struct agent_store *s);
/* Where a crypto-EID agent's private key lives: "agent-ID.key" in the
 * directory of the state file.  0, -ENOENT (no state file), -ENAMETOOLONG. */
int agent_key_path(const char *state_file, const char *id, char *buf, size_t len);
/* Writes the state file (done by every change above). */
int agent_store_save(struct agent_store *s, struct lisp_err *err);

/* ---- what the ETR registers ------------------------------------------------------ */

/* The address record and, with a DN, the DN record: the same locators. */
struct agent_records {
	struct lisp_record rec[2];
	size_t count;
	struct lisp_locator locs[LISP_LOCATORS_MAX];
	struct lisp_waddr inners[LISP_LOCATORS_MAX];
	char *texts[LISP_LOCATORS_MAX];
	struct lisp_waddr eid_inner[2];
};

/* Builds the records of a; site (site_n locators) are the site prefix's
 * RLOCs for an agent without its own.  0, -EINVAL (no RLOC), -ENOMEM. */
int agent_records_build(const struct agent *a, const struct lisp_locator *site, size_t site_n,
			uint32_t ttl_min, struct agent_records *r, struct lisp_err *err);
void agent_records_free(struct agent_records *r);

#endif
