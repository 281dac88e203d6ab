/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The check helpers both daemons' schemas use: each reads one raw value,
 * applies its default when absent, reports what is wrong with the line of
 * its key and returns a usable value, so that one run lists every mistake.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_file.h"

/* --- helpers ---------------------------------------------------------------- */

unsigned int cfg_chk_line(const struct cfg_chk *c, const char *key)
{
	struct cfg_path p = c->path;

	if (key)
		cfg_path_key(&p, key);
	return cfg_doc_line(c->doc, p.s);
}

void cfg_chk_err(struct cfg_chk *c, const char *key, const char *fmt, ...)
{
	struct cfg_path p = c->path;
	va_list ap;

	if (key)
		cfg_path_key(&p, key);
	va_start(ap, fmt);
	if (cfg_err_vadd(c->errs, cfg_doc_line(c->doc, p.s), p.s, fmt, ap) < 0)
		c->nomem = true;
	va_end(ap);
	c->errors++;
}

void *cfg_chk_calloc(struct cfg_chk *c, size_t n, size_t size)
{
	void *p;

	if (!n)
		return NULL;
	p = calloc(n, size);
	if (!p)
		c->nomem = true;
	return p;
}

/* The portable account name of useradd(8) and POSIX.  Anything else (a
 * space, a colon, an uppercase letter, a number alone) is a typo or an
 * attempt, never an account. */
static bool account_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CFG_ACCOUNT_NAME_MAX || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

char *cfg_chk_account(struct cfg_chk *c, const char *key, const char *v, const char *def)
{
	if (!v)
		return cfg_chk_strdup(c, def);
	if (!account_name_ok(v)) {
		cfg_chk_err(c, key, "'%s' is not an account name ([a-z_][a-z0-9_-]*, at most %d "
				    "characters)", v, CFG_ACCOUNT_NAME_MAX);
		return NULL;
	}
	return cfg_chk_strdup(c, v);
}

char *cfg_chk_strdup(struct cfg_chk *c, const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		c->nomem = true;
	return d;
}

bool cfg_chk_bool(const bool *v, bool def)
{
	return v ? *v : def;
}

uint32_t cfg_chk_u32(struct cfg_chk *c, const char *key, const uint32_t *v, uint32_t def,
		     uint32_t min, uint32_t max)
{
	if (!v)
		return def;
	if (*v < min || *v > max) {
		cfg_chk_err(c, key, "must be %u..%u, got %u", min, max, *v);
		return def;
	}
	return *v;
}

uint16_t cfg_chk_port(struct cfg_chk *c, const char *key, const uint32_t *v, uint16_t def)
{
	return (uint16_t)cfg_chk_u32(c, key, v, def, 1, 65535);
}

int cfg_duration_parse(const char *s, uint64_t *ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = { { "", 1000 }, { "ms", 1 },	     { "s", 1000 },
		      { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 } };
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	/* Saturates, so that a long number is out of range, not garbage. */
	for (; *p >= '0' && *p <= '9'; p++)
		v = v > CFG_DURATION_MAX_MS ? v : v * 10 + (uint64_t)(*p - '0');
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(p, units[i].unit) == 0) {
			if (v > CFG_DURATION_MAX_MS / units[i].ms)
				return -ERANGE;
			*ms = v * units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

void cfg_duration_format(uint64_t ms, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = { { "d", 86400000 }, { "h", 3600000 }, { "m", 60000 }, { "s", 1000 } };

	for (size_t i = 0; ms && i < sizeof(units) / sizeof(units[0]); i++) {
		if (ms % units[i].ms == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(ms / units[i].ms),
				 units[i].unit);
			return;
		}
	}
	snprintf(buf, len, "%llums", (unsigned long long)ms);
}

uint32_t cfg_chk_duration(struct cfg_chk *c, const char *key, const char *s, uint32_t def_ms,
			  uint32_t min_ms, uint32_t max_ms)
{
	char lo[24], hi[24];
	uint64_t ms = 0;
	int rc;

	if (!s)
		return def_ms;
	cfg_duration_format(min_ms, lo, sizeof(lo));
	cfg_duration_format(max_ms, hi, sizeof(hi));
	rc = cfg_duration_parse(s, &ms);
	if (rc == -EINVAL) {
		cfg_chk_err(c, key, "must be a duration like 90s, 500ms, 15m, 2h or 1d, got '%s'",
			    s);
		return def_ms;
	}
	if (rc < 0 || ms < min_ms || ms > max_ms) {
		cfg_chk_err(c, key, "must be %s..%s, got %s", lo, hi, s);
		return def_ms;
	}
	return (uint32_t)ms;
}

/* Record TTLs travel in minutes (RFC 9301 5.4): 1 minute up to 30 days. */
uint32_t cfg_chk_ttl(struct cfg_chk *c, const char *key, const char *s, uint32_t def_min)
{
	uint32_t ms = cfg_chk_duration(c, key, s, def_min * 60000u, 60000u,
				       (uint32_t)(30u * 86400000u));

	if (ms % 60000u) {
		cfg_chk_err(c, key, "must be whole minutes (TTLs are carried in minutes), got %s",
			    s);
		return def_min;
	}
	return ms / 60000u;
}

void cfg_chk_addr(struct cfg_chk *c, const char *key, const char *s, struct lisp_addr *out)
{
	struct lisp_err err;

	memset(out, 0, sizeof(*out));
	if (lisp_addr_parse(s, out, &err) < 0 ||
	    (out->afi != LISP_AFI_IPV4 && out->afi != LISP_AFI_IPV6)) {
		cfg_chk_err(c, key, "must be an IPv4 or IPv6 address, got '%s'", s);
		memset(out, 0, sizeof(*out));
	}
}

void cfg_chk_prefix(struct cfg_chk *c, const char *key, const char *s, struct lisp_prefix *out)
{
	struct lisp_err err;

	if (lisp_prefix_parse(s, out, &err) < 0) {
		cfg_chk_err(c, key, "not an EID-prefix ([iid]address/length): %s", err.msg);
		memset(out, 0, sizeof(*out));
	} else if (out->addr.afi == LISP_AFI_NONE) {
		cfg_chk_err(c, key, "'%s': an EID-prefix needs an address", s);
	} else if (out->iid > LISP_IID_MAX) {
		cfg_chk_err(c, key, "'%s': instance-id %u does not fit 24 bits (at most %u)", s,
			    out->iid, LISP_IID_MAX);
	}
}

int cfg_prefix_cmp(const struct lisp_prefix *a, const struct lisp_prefix *b)
{
	if (a->iid != b->iid)
		return a->iid < b->iid ? -1 : 1;
	if (a->addr.afi != b->addr.afi)
		return a->addr.afi < b->addr.afi ? -1 : 1;
	if (a->plen != b->plen)
		return a->plen < b->plen ? -1 : 1;
	return lisp_addr_cmp(&a->addr, &b->addr);
}

struct prefix_at {
	const struct lisp_prefix *p;
	size_t idx;
};

static int prefix_at_cmp(const void *a, const void *b)
{
	const struct prefix_at *x = a, *y = b;
	int r = cfg_prefix_cmp(x->p, y->p);

	return r ? r : x->idx < y->idx ? -1 : x->idx > y->idx;
}

void cfg_chk_prefix_dups(struct cfg_chk *c, const char *field, const void *p0, size_t stride,
			 const void *t0, size_t tstride, size_t n)
{
	struct prefix_at *v;
	size_t first = 0;

	if (n < 2 || !(v = cfg_chk_calloc(c, n, sizeof(*v))))
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct prefix_at){ (const void *)((const char *)p0 + i * stride), i };
	qsort(v, n, sizeof(*v), prefix_at_cmp);
	for (size_t i = 1; i < n; i++) {
		const char *text = *(char *const *)((const char *)t0 + v[i].idx * tstride);
		size_t mark;

		if (cfg_prefix_cmp(v[i].p, v[first].p) != 0) {
			first = i;
			continue;
		}
		if (!v[i].p->addr.afi)
			continue;
		mark = cfg_path_idx(&c->path, v[i].idx);
		cfg_chk_err(c, field, "'%s' is listed twice (also entry %zu)", text,
			    v[first].idx);
		cfg_path_pop(&c->path, mark);
	}
	free(v);
}

void cfg_chk_prefixes(struct cfg_chk *c, const char *key, char *const *v, unsigned int n,
		      struct lisp_prefix **out, size_t *count)
{
	size_t mark = key ? cfg_path_key(&c->path, key) : c->path.len;
	struct lisp_prefix *p = cfg_chk_calloc(c, n, sizeof(*p));

	for (unsigned int i = 0; p && i < n; i++) {
		size_t m = cfg_path_idx(&c->path, i);

		cfg_chk_prefix(c, NULL, v[i], &p[i]);
		/* Lists are short: a quadratic scan reports the first copy. */
		for (unsigned int j = 0; j < i; j++) {
			if (p[j].addr.afi && cfg_prefix_cmp(&p[i], &p[j]) == 0) {
				cfg_chk_err(c, NULL, "'%s' is listed twice (also entry %u)", v[i],
					    j);
				break;
			}
		}
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
	*out = p;
	*count = p ? n : 0;
}
