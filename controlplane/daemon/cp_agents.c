/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Agents as the daemon runs them (docs/agents.md): an agent's records go
 * into the ETR database (registered at once), to the data plane and to the
 * CATS metrics agent; at start, after a reload and after a CATS change the
 * whole store is installed again.  The REST API (api/rest_agents.c) calls
 * these once a body and the store have accepted a change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agents.h"
#include "cp.h"
#include "dp_push.h"
#include "ecdsa_eid.h"
#include "etr_metrics.h"
#include "lcaf.h"
#include "log.h"

/* An ETR record decodes into at most a few KiB; the site's RLOC set, here. */
#define SITE_ARENA_BYTES	(256 * 1024)
/* ---- the ETR side ---------------------------------------------------------------- */

static uint8_t site_arena_buf[SITE_ARENA_BYTES];

/* The site prefix (shorter than the host EID) covering eid, decoded. */
static int site_lookup(struct cp *cp, const struct lisp_prefix *eid, struct lisp_arena *arena,
		       struct lisp_record *rec, struct lisp_prefix *match)
{
	struct lisp_prefix up = *eid;

	if (!cp->etr || eid->plen == 0)
		return -ENOENT;
	up.plen--;
	lisp_prefix_mask(&up);
	return etr_db_lookup(cp->etr, &up, arena, rec, match);
}

bool cp_agent_site_covers(void *arg, const struct lisp_prefix *eid)
{
	struct lisp_arena arena;
	struct lisp_record rec;
	struct lisp_prefix match;

	lisp_arena_init(&arena, site_arena_buf, sizeof(site_arena_buf));
	return site_lookup(arg, eid, &arena, &rec, &match) == 0;
}

static uint32_t default_ttl(const struct cp *cp)
{
	return cp->cfg->etr.record_ttl_min ? cp->cfg->etr.record_ttl_min
					   : CP_CONFIG_DEF_RECORD_TTL_MIN;
}

/* The agent's records join those the CATS metrics agent keeps current
 * (cats.metrics): its RLOCs' load and latency follow the file as the
 * configured database's do, over the agent's own attributes. */
static void agent_metrics_set(struct cp *cp, const struct agent *agent,
			      const struct agent_records *r)
{
	for (size_t k = 0; cp->etr_metrics && k < r->count; k++) {
		const struct lisp_record *rec = &r->rec[k];
		struct etr_metrics_rloc rl[LISP_LOCATORS_MAX];
		char *txt[LISP_LOCATORS_MAX] = { 0 };
		struct etr_metrics_mapping mm = { .ttl_min = rec->ttl, .rlocs = rl };
		size_t n = 0;

		/* A crypto-EID's record is set with its signature record
		 * (agent_set_signed), which the metrics agent, rewriting the
		 * locators from these, would drop: the Map-Server would then
		 * refuse it (refused_ecdsa_unsigned).  Not followed. */
		if ((k == 0 && agent->crypto) ||
		    lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &mm.eid, NULL) < 0)
			continue;
		for (size_t j = 0; j < rec->loc_count && n < LISP_LOCATORS_MAX; j++) {
			const struct lisp_locator *l = &rec->locs[j];
			const struct lisp_addr *a = lisp_waddr_rloc(&l->addr);

			if (!a)
				continue;
			rl[n] = (struct etr_metrics_rloc){ *a, l->priority, l->weight, NULL };
			if (l->addr.afi == LISP_AFI_LCAF && l->addr.lcaf.type == LCAF_TYPE_JSON)
				rl[n].attrs = txt[n] = strndup(l->addr.lcaf.json.text,
							       l->addr.lcaf.json.len);
			n++;
		}
		mm.rloc_count = n;
		if (etr_metrics_set(cp->etr_metrics, &mm) < 0)
			log_warn("agents: the metrics agent cannot follow a record: out of memory");
		for (size_t j = 0; j < n; j++)
			free(txt[j]);
	}
}

/* ---- crypto-EIDs (docs/ecdsa.md, docs/agents.md) -------------------------------- */

static void ecdsa_prefix_of(const struct lisp_prefix *p, struct ecdsa_prefix *out)
{
	out->iid = p->iid;
	memcpy(out->addr, p->addr.v6, 16);
	out->len = p->plen;
}

static int key_path(struct cp *cp, const char *id, char *buf, size_t len)
{
	return agent_key_path(agent_store_state_file(cp->agents), id, buf, len);
}

/* The prefix of a crypto_eid agent: true is the first of
 * agents.crypto-eid-prefixes of its IID, else fd00::/8; a prefix named
 * must be one of those when the IID has any. */
static int crypto_prefix_pick(struct cp *cp, struct agent *a, struct lisp_err *err)
{
	const struct cp_config_agents *ag = &cp->cfg->agents;
	bool any = false;
	char t[LISP_ADDR_STR_MAX + 16];

	for (size_t i = 0; i < ag->crypto_prefix_count; i++) {
		const struct lisp_prefix *p = &ag->crypto_prefixes[i];

		if (p->iid != a->eid.iid)
			continue;
		if (a->crypto_prefix.addr.afi == LISP_AFI_NONE)
			a->crypto_prefix = *p;
		if (lisp_prefix_equal(p, &a->crypto_prefix))
			return 0;
		any = true;
	}
	if (any) {
		lisp_prefix_format(&a->crypto_prefix, t, sizeof(t));
		return lisp_err_set(err, ERANGE, "crypto_eid: %s is not among "
				    "agents.crypto-eid-prefixes of IID %u", t, a->eid.iid);
	}
	if (a->crypto_prefix.addr.afi == LISP_AFI_NONE &&
	    lisp_prefix_parse(AGENT_CRYPTO_PREFIX_DEF, &a->crypto_prefix, err) < 0)
		return -EINVAL;
	a->crypto_prefix.iid = a->eid.iid;
	return 0;
}

int cp_agent_crypto_create(struct cp *cp, struct agent *a, struct lisp_err *err)
{
	struct ecdsa_prefix p;
	char path[4096];
	EVP_PKEY *key = NULL;
	int rc;

	if (key_path(cp, a->id, path, sizeof(path)) < 0)
		return lisp_err_set(err, ENOENT, "crypto_eid: needs agents.state-file (the "
				    "agent's key is kept beside it)");
	if ((rc = crypto_prefix_pick(cp, a, err)) < 0)
		return rc;
	ecdsa_prefix_of(&a->crypto_prefix, &p);
	rc = ecdsa_key_generate(&key, err);
	/* 0600, never over an existing file: a key is never replaced. */
	if (rc == 0)
		rc = ecdsa_key_save_pem(key, path, err);
	if (rc == -EEXIST) {
		lisp_err_set(err, EEXIST, "crypto_eid: %s exists (another agent %s's key?)",
			     path, a->id);
	} else if (rc == 0 && ecdsa_crypto_eid(&p, key, a->eid.addr.v6, err) < 0) {
		unlink(path);
		rc = -EIO;
	}
	EVP_PKEY_free(key);
	if (rc < 0)
		return rc;
	a->eid.addr.afi = LISP_AFI_IPV6;
	a->eid.plen = 128;
	return 0;
}

void cp_agent_crypto_remove(struct cp *cp, const struct agent *a)
{
	char path[4096];

	if (a->crypto && key_path(cp, a->id, path, sizeof(path)) == 0 && unlink(path) < 0 &&
	    errno != ENOENT)
		log_warn("agents: cannot remove %s: %s", path, strerror(errno));
}

/* The hash-EID Distinguished Name of the agent's crypto-EID. */
int cp_agent_hash_eid(const struct agent *a, struct lisp_prefix *out)
{
	struct ecdsa_prefix p;
	char name[ECDSA_HASH_EID_MAX];

	ecdsa_prefix_of(&a->crypto_prefix, &p);
	if (ecdsa_hash_eid(&p, a->eid.addr.v6, name, sizeof(name)) < 0)
		return -EINVAL;
	*out = (struct lisp_prefix){ .iid = a->eid.iid };
	out->addr.afi = LISP_AFI_DN;
	out->addr.dn_len = (uint8_t)strlen(name);
	memcpy(out->addr.dn, name, out->addr.dn_len);
	return 0;
}

struct agent_signed {
	char sig[ECDSA_SIG_JSON_MAX + 1];	/* over "[IID]EID" */
	char pub[ECDSA_PUBKEY_JSON_MAX + 1];	/* for the hash-EID */
	struct lisp_prefix hash_eid;
};

/* What a configured etr.database[].ecdsa-key entry registers
 * (config_ecdsa.c), from the agent's key file, read at every install so
 * that a restart or a reload signs with the key on disk: the signature
 * record (draft-ietf-lisp-ecdsa-auth, "Signed Map-Register Encoding") and
 * the public-key record ("Hash-EID Mapping Entry"). */
static int agent_sign(struct cp *cp, const struct agent *a, struct agent_signed *out,
		      struct lisp_err *err)
{
	struct ecdsa_sig_record rec = { .has_signature_eid = true };
	enum ecdsa_reason why = ECDSA_R_OK;
	char path[4096], text[ECDSA_EID_TEXT_MAX];
	struct ecdsa_prefix p;
	EVP_PKEY *key = NULL;
	int n, rc;

	if (key_path(cp, a->id, path, sizeof(path)) < 0)
		return lisp_err_set(err, ENOENT, "crypto_eid: no agents.state-file for the key");
	if ((rc = ecdsa_key_load_pem(path, &key, &why, err)) < 0)
		return rc;
	ecdsa_prefix_of(&a->crypto_prefix, &p);
	if (ecdsa_crypto_eid_check(&p, key, a->eid.addr.v6, &why, err) < 0) {
		EVP_PKEY_free(key);
		return lisp_err_set(err, EACCES, "%s is not the key of the agent's EID (%s)", path,
				    ecdsa_reason_name(why));
	}
	rec.signature_eid = (struct ecdsa_eid){ .iid = a->eid.iid, .af = AF_INET6 };
	memcpy(rec.signature_eid.addr, a->eid.addr.v6, 16);
	n = ecdsa_signed_register(&rec.signature_eid, text, sizeof(text));
	rc = n < 0 || ecdsa_sign(key, text, (size_t)n, rec.sig, err) < 0 ||
	     ecdsa_sig_json_encode(&rec, out->sig, sizeof(out->sig), err) < 0 ||
	     ecdsa_pubkey_json_encode(key, out->pub, sizeof(out->pub), err) < 0 ||
	     cp_agent_hash_eid(a, &out->hash_eid) < 0 ? -EIO : 0;
	EVP_PKEY_free(key);
	return rc < 0 ? lisp_err_set(err, EIO, "cannot sign with %s", path) : 0;
}

/* The hash-EID's record with the public key and the crypto-EID's with the
 * signature record, as etr_load_database does for a configured key. */
static int agent_set_signed(struct cp *cp, const struct agent *a, const struct lisp_record *rec,
			    struct lisp_err *err)
{
	struct lisp_locator locs[LISP_LOCATORS_MAX + 1], pub;
	struct lisp_record signed_rec = *rec, hash = { .ttl = rec->ttl, .loc_count = 1 };
	struct lisp_waddr hash_inner;
	struct agent_signed s;
	int rc;

	if ((rc = agent_sign(cp, a, &s, err)) < 0)
		return rc;
	/* The key first: each record set at run time leaves in a Map-Register
	 * of its own, and the Map-Server verifies the crypto-EID's signature
	 * with the key its hash-EID registered (ms_ecdsa.c). */
	lisp_locator_json(&pub, s.pub);
	lisp_waddr_from_prefix(&hash.eid, &hash_inner, &s.hash_eid);
	hash.locs = &pub;
	if ((rc = etr_db_set(cp->etr, &hash, err)) < 0)
		return rc;
	memcpy(locs, rec->locs, rec->loc_count * sizeof(locs[0]));
	lisp_locator_json(&locs[rec->loc_count], s.sig);
	signed_rec.locs = locs;
	signed_rec.loc_count = (uint8_t)(rec->loc_count + 1);
	return etr_db_set(cp->etr, &signed_rec, err);
}

/* Puts the agent's records in the ETR database (each registered at once;
 * a record that replaces one is a new registration, not a withdrawal). */
int cp_agent_install(struct cp *cp, const struct agent *a, struct lisp_err *err)
{
	struct lisp_arena arena;
	struct lisp_record site;
	struct lisp_prefix match;
	struct agent_records r;
	int rc;

	memset(&site, 0, sizeof(site));
	lisp_arena_init(&arena, site_arena_buf, sizeof(site_arena_buf));
	if (!a->rloc_count && site_lookup(cp, &a->eid, &arena, &site, &match) < 0)
		return lisp_err_set(err, ERANGE, "rlocs: required: no site prefix of the ETR "
				    "database covers the agent's EID");
	rc = agent_records_build(a, site.locs, site.loc_count, default_ttl(cp), &r, err);
	if (rc < 0)
		return rc;
	/* The Map-Server takes any JSON RLOC-record naming these strings for
	 * the crypto-EID's signature or key record (ms_ecdsa.c), so that a
	 * second one would refuse the registration. */
	for (size_t i = 0; a->crypto && i < LISP_LOCATORS_MAX && r.texts[i]; i++)
		if (strstr(r.texts[i], "\"signature\"") || strstr(r.texts[i], "\"public-key\"")) {
			agent_records_free(&r);
			return lisp_err_set(err, EINVAL, "attributes: a crypto-EID agent's may not "
					    "hold the string \"signature\" or \"public-key\"");
		}
	for (size_t k = 0; rc == 0 && k < r.count; k++)
		rc = k == 0 && a->crypto ? agent_set_signed(cp, a, &r.rec[0], err)
					 : etr_db_set(cp->etr, &r.rec[k], err);
	if (rc == 0 && cp->dp)
		dp_push_db_set(cp->dp, &r.rec[0]);
	if (rc == 0)
		agent_metrics_set(cp, a, &r);
	agent_records_free(&r);
	return rc;
}

void cp_agent_uninstall(struct cp *cp, const struct agent *a, bool with_dn)
{
	struct lisp_prefix hash;

	if (a->crypto && cp_agent_hash_eid(a, &hash) == 0)
		etr_db_del(cp->etr, &hash);
	if (etr_db_del(cp->etr, &a->eid) == 0 && cp->dp)
		dp_push_db_del(cp->dp, &a->eid);
	if (cp->etr_metrics)
		etr_metrics_del(cp->etr_metrics, &a->eid);
	if (with_dn && a->has_dn) {
		etr_db_del(cp->etr, &a->dn);
		if (cp->etr_metrics)
			etr_metrics_del(cp->etr_metrics, &a->dn);
	}
}

void cp_agents_install_all(struct cp *cp)
{
	struct lisp_err err = { .msg = "" };
	char t[LISP_ADDR_STR_MAX + 16];

	if (!cp->agents || !cp->etr)
		return;
	for (size_t i = 0; i < agent_store_count(cp->agents); i++) {
		const struct agent *a = agent_store_at(cp->agents, i);

		if (!a->active)
			continue;
		lisp_prefix_format(&a->eid, t, sizeof(t));
		if (cp_agent_install(cp, a, &err) < 0)
			log_error("agents: %s (%s) not registered: %s", a->id, t, err.msg);
	}
}
