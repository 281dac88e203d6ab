/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ETR's part of LISP-SEC (RFC 9303, section 6.8; docs/security.md
 * "LISP-SEC"): an Encapsulated Map-Request from a Map-Server of a site
 * with lisp-sec etr carries the Map-Server's EID-AD and the MS-OTK wrapped
 * with the key we share with that Map-Server (etr.map-servers[].
 * lisp-sec-key).  We unwrap the MS-OTK, copy the EID-AD into our
 * Map-Reply unchanged (we cannot sign it: it is keyed with the ITR-OTK,
 * which never reaches us) and sign the whole Map-Reply with the MS-OTK.
 *
 * The key is the one of the Map-Server the ECM came from; an ECM handed
 * over inside this process (a Map-Server beside us) has no source, and
 * the keys of every Map-Server are tried (AES Key Wrap's integrity check
 * tells the right one).  No key configured, or an AD without an EID-AD
 * (a mapping system that passed the ITR's AD through): answered unsigned
 * and counted, as a non-LISP-SEC ETR would; the ITR decides.  An MS-OTK
 * that no key unwraps: dropped, counted.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "etr_priv.h"
#include "lisp_sec.h"

/* Whether server ms could have wrapped an MS-OTK with wrap_id. */
static bool wrap_fits(const struct etr_ms *ms, uint16_t wrap_id)
{
	return ms->conf.lisp_sec &&
	       wrap_id == (ms->conf.lisp_sec_aes ? LISP_SEC_WRAP_AES_128 : LISP_SEC_WRAP_NULL_128);
}

static int unwrap_with(const struct etr_ms *ms, const struct lisp_sec_ecm_ad *ad,
		       uint8_t otk[LISP_SEC_OTK_LEN])
{
	return lisp_sec_otk_unwrap(ad->wrap_id, ms->conf.lisp_sec_key,
				   ms->conf.lisp_sec_aes ? sizeof(ms->conf.lisp_sec_key) : 0,
				   ad->otk_preamble, ad->otk, otk, NULL);
}

int etr_lispsec_begin(struct etr *etr, const struct lisp_ecm *ecm, const struct lisp_addr *src,
		      struct etr_sec *sec)
{
	struct lisp_sec_ecm_ad ad;
	struct lisp_err err;
	bool any = false, done = false;

	memset(sec, 0, sizeof(*sec));
	if (!ecm->sec)
		return 0;
	etr->c.lisp_sec_requests++;
	for (size_t i = 0; i < etr->server_count; i++)
		any |= etr->servers[i].conf.lisp_sec;
	if (!any) {
		etr->c.lisp_sec_unprotected++;
		return 0;
	}
	lisp_arena_reset(&etr->arena);
	if (lisp_sec_ecm_ad_decode(ecm->sec_ad, ecm->sec_ad_len, &etr->arena, &ad, &err) < 0) {
		etr->c.lisp_sec_ad_errors++;
		log_ratelimited(&etr->rl, LOG_LEVEL_WARN, "etr: LISP-SEC: %s", err.msg);
		return -EACCES;
	}
	if (!ad.eid_ad.has_records) {
		etr->c.lisp_sec_unprotected++;
		return 0;
	}
	for (size_t i = 0; i < etr->server_count && !done; i++) {
		const struct etr_ms *ms = &etr->servers[i];

		/* From a configured Map-Server: its key alone. */
		if (src->afi != LISP_AFI_NONE && !lisp_addr_equal(&ms->conf.addr, src))
			continue;
		done = wrap_fits(ms, ad.wrap_id) && unwrap_with(ms, &ad, sec->ms_otk) == 0;
	}
	if (!done) {
		etr->c.lisp_sec_otk_refused++;
		log_ratelimited(&etr->rl, LOG_LEVEL_WARN,
				"etr: LISP-SEC: no Map-Server key unwraps the MS-OTK");
		return -EACCES;
	}
	sec->sign = true;
	sec->hmac_id = ad.requested_hmac_id;
	/* The EID-AD ends the ECM's AD (RFC 9303, 6.1). */
	sec->eid_ad = ecm->sec_ad + ecm->sec_ad_len - ad.eid_ad.len;
	sec->eid_ad_len = ad.eid_ad.len;
	return 0;
}

size_t etr_lispsec_seal(struct etr *etr, struct etr_sec *sec, uint8_t *msg, size_t len,
			size_t cap)
{
	struct lisp_err err;
	ssize_t n;

	if (!sec->sign)
		return len;
	n = lisp_sec_map_reply_seal(msg, len, cap, sec->eid_ad, sec->eid_ad_len, sec->hmac_id,
				    sec->ms_otk, &err);
	OPENSSL_cleanse(sec->ms_otk, sizeof(sec->ms_otk));
	sec->sign = false;
	if (n < 0) {
		etr->c.lisp_sec_sign_errors++;
		log_ratelimited(&etr->rl, LOG_LEVEL_WARN, "etr: LISP-SEC: cannot sign: %s",
				err.msg);
		return len;
	}
	etr->c.lisp_sec_replies_signed++;
	return (size_t)n;
}
