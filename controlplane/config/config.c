/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a config: read the file once, parse it with libyaml (syntax
 * errors, line index, every schema error), load the same bytes with
 * libcyaml, then check and convert.  Nothing is published until all of it
 * passed, so a reload with a bad file leaves the running config alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_priv.h"
#include "lcaf.h"
#include "lisp_msg.h"

/* A config is a few KiB; this only keeps a wrong path (a disk image, a
 * device) from being read into memory. */
#define CONFIG_FILE_MAX	(4u << 20)

static int cp_config_check(const void *raw, const struct cfg_doc *doc, void *arg,
			   struct cfg_errors *errs)
{
	return cfg_check(raw, doc, arg, errs);
}

int cp_config_load(const char *path, struct cp_config **out, struct cfg_errors *errs)
{
	struct cfg_errors local;
	struct cp_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	if (!errs) {
		cfg_errors_init(&local);
		errs = &local;
	}
	rc = cfg ? cfg_yaml_load(path, CONFIG_FILE_MAX, &cfg_raw_schema, cp_config_check, cfg,
				 errs)
		 : -ENOMEM;
	if (rc == 0)
		*out = cfg;
	else
		cp_config_free(cfg);
	if (errs == &local)
		cfg_errors_free(&local);
	return rc;
}

static void secret_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

static void rlocs_free(struct cp_config_rloc *r, size_t n)
{
	for (size_t i = 0; r && i < n; i++)
		free(r[i].attributes);
	free(r);
}

static void mappings_free(struct cp_config_mapping *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
	{
		rlocs_free(m[i].rlocs, m[i].rloc_count);
		free(m[i].ecdsa_key);
		free(m[i].ecdsa_sig_json);
		free(m[i].ecdsa_pub_json);
	}
	free(m);
}

static void servers_free(struct cp_config_server *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++) {
		secret_free(s[i].key);
		free(s[i].eids);
	}
	free(s);
}

void cp_config_free(struct cp_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->listen);
	secret_free(cfg->rest.token);
	free(cfg->rest.tls_cert_file);
	free(cfg->rest.tls_key_file);
	free(cfg->dataplane.socket);
	for (size_t i = 0; cfg->ms.sites && i < cfg->ms.site_count; i++) {
		free(cfg->ms.sites[i].name);
		secret_free(cfg->ms.sites[i].key);
		free(cfg->ms.sites[i].eids);
		free(cfg->ms.sites[i].crypto_prefixes);
	}
	free(cfg->ms.sites);
	for (size_t i = 0; cfg->mr.forwards && i < cfg->mr.forward_count; i++)
		free(cfg->mr.forwards[i].eids);
	free(cfg->mr.forwards);
	free(cfg->mr.ddt.roots);
	free(cfg->mr.trusted_itrs);
	servers_free(cfg->etr.map_servers, cfg->etr.map_server_count);
	mappings_free(cfg->etr.database, cfg->etr.mapping_count);
	free(cfg->etr.accepted_eids);
	servers_free(cfg->itr.map_resolvers, cfg->itr.map_resolver_count);
	rlocs_free(cfg->itr.petrs, cfg->itr.petr_count);
	mappings_free(cfg->itr.statics, cfg->itr.static_count);
	free(cfg->itr.ecdsa_key);
	cfg_cats_free(&cfg->cats);
	cfg_agents_free(&cfg->agents);
	cfg_ddt_free(&cfg->ddt);
	cfg_privs_free(&cfg->privs);
	free(cfg);
}

const char *cp_role_name(unsigned int role)
{
	if (role == CP_ROLE_XTR)
		return NULL;
	return cfg_strval_name(cfg_role_names, cfg_role_names_count, role);
}

void cp_config_rloc_locator(const struct cp_config_rloc *r, struct lisp_locator *loc,
			    struct lisp_waddr *inner)
{
	memset(loc, 0, sizeof(*loc));
	loc->priority = r->priority;
	loc->weight = r->weight;
	loc->mpriority = 255;
	loc->flags = LISP_LOC_F_LOCAL | LISP_LOC_F_REACH;
	if (!r->attributes) {
		lisp_waddr_from_addr(&loc->addr, &r->addr);
		return;
	}
	lisp_waddr_from_addr(inner, &r->addr);
	loc->addr.afi = LISP_AFI_LCAF;
	loc->addr.lcaf.type = LCAF_TYPE_JSON;
	loc->addr.lcaf.json.text = r->attributes;
	loc->addr.lcaf.json.len = (uint16_t)strlen(r->attributes);
	loc->addr.lcaf.json.addr = inner;
}
