/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LISP-SEC keys and modes (RFC 9303; docs/security.md "LISP-SEC"):
 *   itr.lisp-sec: off|optional|required, itr.lisp-sec-key
 *   map-resolver.lisp-sec-key
 *   map-server.sites[].lisp-sec: off|proxy|etr, sites[].lisp-sec-key
 *   etr.map-servers[].lisp-sec-key
 * A key is "none" (NULL-KEY-WRAP-128: the OTK travels in clear, which
 * RFC 9303 allows only where the path is otherwise protected) or 32 hex
 * digits, the 128-bit key of AES-KEY-WRAP-128 (RFC 3394).  A key no code
 * would read is refused, as every other key here is.
 */
#include <stdio.h>
#include <string.h>

#include "config_priv.h"
#include "lisp_sec.h"

const cyaml_strval_t cfg_itr_lisp_sec_names[] = {
	{ "off", CP_ITR_LISP_SEC_OFF },
	{ "optional", CP_ITR_LISP_SEC_OPTIONAL },
	{ "required", CP_ITR_LISP_SEC_REQUIRED },
};
const size_t cfg_itr_lisp_sec_names_count = CYAML_ARRAY_LEN(cfg_itr_lisp_sec_names);

const cyaml_strval_t cfg_site_lisp_sec_names[] = {
	{ "off", CP_SITE_LISP_SEC_OFF },
	{ "proxy", CP_SITE_LISP_SEC_PROXY },
	{ "etr", CP_SITE_LISP_SEC_ETR },
};
const size_t cfg_site_lisp_sec_names_count = CYAML_ARRAY_LEN(cfg_site_lisp_sec_names);

void cfg_chk_lisp_sec_key(struct cfg_chk *c, const char *key, const char *text,
			  struct cp_config_lisp_sec_key *out)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return;
	out->set = true;
	if (lisp_sec_key_parse(text, &out->aes, out->key) == 0)
		return;
	/* The text is a secret: its length is enough to say what is wrong. */
	cfg_chk_err(c, key, "must be none or 32 hex digits (a 128-bit AES key wrap key); "
		    "got %zu characters", strlen(text));
	memset(out, 0, sizeof(*out));
}

void cfg_chk_itr_lisp_sec(struct cfg_chk *c, const struct cfg_raw_itr *r,
			  struct cp_config_itr *itr)
{
	itr->lisp_sec = r->lisp_sec ? (enum cp_itr_lisp_sec)*r->lisp_sec : CP_ITR_LISP_SEC_OFF;
	cfg_chk_lisp_sec_key(c, "lisp-sec-key", r->lisp_sec_key, &itr->lisp_sec_key);
	if (itr->lisp_sec != CP_ITR_LISP_SEC_OFF && !r->lisp_sec_key)
		cfg_chk_err(c, "lisp-sec", "%s needs lisp-sec-key: the key the Map-Resolvers "
			    "unwrap the OTK with (32 hex digits, or none for no wrapping)",
			    cfg_strval_name(cfg_itr_lisp_sec_names, cfg_itr_lisp_sec_names_count,
					    itr->lisp_sec));
	if (itr->lisp_sec == CP_ITR_LISP_SEC_OFF && r->lisp_sec_key)
		cfg_chk_err(c, "lisp-sec-key", "read only with lisp-sec optional or required");
}

void cfg_chk_site_lisp_sec(struct cfg_chk *c, const struct cfg_raw_site *r,
			   struct cp_config_site *s)
{
	s->lisp_sec = r->lisp_sec ? (enum cp_site_lisp_sec)*r->lisp_sec : CP_SITE_LISP_SEC_OFF;
	cfg_chk_lisp_sec_key(c, "lisp-sec-key", r->lisp_sec_key, &s->lisp_sec_key);
	if (s->lisp_sec == CP_SITE_LISP_SEC_ETR && !r->lisp_sec_key)
		cfg_chk_err(c, "lisp-sec", "etr needs lisp-sec-key: the key the site's ETRs "
			    "unwrap the MS-OTK with (32 hex digits, or none)");
	if (s->lisp_sec != CP_SITE_LISP_SEC_ETR && r->lisp_sec_key)
		cfg_chk_err(c, "lisp-sec-key", "read only with lisp-sec: etr (the Map-Server "
			    "signs proxy replies itself)");
}

void cfg_chk_lisp_sec_roles(struct cfg_chk *c, const struct cp_config *cfg)
{
	bool signs = false;

	for (size_t i = 0; i < cfg->ms.site_count; i++)
		signs |= cfg->ms.sites[i].lisp_sec != CP_SITE_LISP_SEC_OFF;
	if (signs && !cfg->mr.lisp_sec_key.set)
		cfg_chk_err(c, "map-server.sites", "a site with lisp-sec needs "
			    "map-resolver.lisp-sec-key: the ITRs' OTK is unwrapped with it");
}

void cfg_print_lisp_sec_key(FILE *f, int ind, const char *key,
			    const struct cp_config_lisp_sec_key *k)
{
	if (!k->set)
		return;
	fprintf(f, "%*s%s: \"", ind, "", key);
	if (!k->aes)
		fputs("none", f);
	for (size_t i = 0; k->aes && i < CP_CONFIG_LISP_SEC_KEY_LEN; i++)
		fprintf(f, "%02x", k->key[i]);
	fputs("\"\n", f);
}

bool cp_config_lisp_sec_key_equal(const struct cp_config_lisp_sec_key *a,
				  const struct cp_config_lisp_sec_key *b)
{
	return a->set == b->set && a->aes == b->aes && memcmp(a->key, b->key, sizeof(a->key)) == 0;
}
