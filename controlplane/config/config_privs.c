/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The "privileges" section (docs/security.md, "Privilege separation"):
 * who lispgw-cp becomes once its sockets are bound, and its seccomp
 * filter.  Its schema, check, print, equality and free live here.
 *
 *   privileges:
 *     user: lispgw        # the account lispgw-cp runs as after binding
 *     group: lispgw       # default: the user's login group (lispgw for
 *                         # the installed account); supplementary ones go
 *     seccomp: on         # on | off | log
 *
 * The names are checked here (a config check refuses a malformed one);
 * whether the account exists is the start's business (privs.c): a config
 * may be checked on a machine that is not the one it runs on.
 */
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

/* privileges.seccomp (enum cp_seccomp_mode). */
static const cyaml_strval_t seccomp_names[] = {
	{ "off", CP_SECCOMP_OFF },
	{ "on", CP_SECCOMP_ON },
	{ "log", CP_SECCOMP_LOG },
};

const cyaml_schema_field_t cfg_privs_fields[] = {
	CYAML_FIELD_STRING_PTR("user", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct cfg_raw_privs, user, 0, 64),
	CYAML_FIELD_STRING_PTR("group", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct cfg_raw_privs, group, 0, 64),
	CYAML_FIELD_ENUM_PTR("seccomp", CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT,
			     struct cfg_raw_privs, seccomp, seccomp_names,
			     CYAML_ARRAY_LEN(seccomp_names)),
	CYAML_FIELD_END
};

void cfg_chk_privs(struct cfg_chk *c, const struct cfg_raw_privs *r, struct cp_config_privs *p)
{
	struct cfg_raw_privs none = { 0 };
	size_t mark;

	if (!r)
		r = &none;
	mark = cfg_path_key(&c->path, "privileges");
	p->user = cfg_chk_account(c, "user", r->user, CP_CONFIG_DEF_PRIVS_USER);
	p->group = cfg_chk_account(c, "group", r->group, NULL);	/* NULL: the user's group */
	p->seccomp = r->seccomp ? (enum cp_seccomp_mode)*r->seccomp : CP_SECCOMP_ON;
	cfg_path_pop(&c->path, mark);
}

const char *cp_config_seccomp_name(enum cp_seccomp_mode m)
{
	return cfg_strval_name(seccomp_names, CYAML_ARRAY_LEN(seccomp_names), m);
}

void cfg_print_privs(const struct cp_config_privs *p, FILE *f)
{
	fputs("privileges:\n", f);
	if (p->user)
		fprintf(f, "  user: \"%s\"\n", p->user);
	if (p->group)
		fprintf(f, "  group: \"%s\"\n", p->group);
	fprintf(f, "  seccomp: %s\n", cp_config_seccomp_name(p->seccomp));
}

bool cfg_privs_equal(const struct cp_config_privs *a, const struct cp_config_privs *b)
{
	return a->seccomp == b->seccomp && cp_config_str_equal(a->user, b->user) &&
	       cp_config_str_equal(a->group, b->group);
}

void cfg_privs_free(struct cp_config_privs *p)
{
	free(p->user);
	free(p->group);
}
