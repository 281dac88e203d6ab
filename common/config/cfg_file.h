/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The YAML configuration machinery both daemons share (lispgw-cp's and
 * lispgw-dp's files are one family, reported one way): a file is read once,
 * parsed with libyaml into a node tree that gives every key path its line
 * and reports every schema error (cfg_doc.c), loaded with libcyaml against
 * the daemon's schema, then checked by the daemon's own code with the
 * cfg_chk_* helpers (cfg_chk.c), which report and go on.  Every error is
 * "FILE:LINE: key.path: message", all of them at once (cfg_load.c).
 *
 * Each daemon keeps its schema and checks in its own folder; this library
 * knows neither, and needs neither DPDK nor the control plane.
 */
#ifndef LISPGW_CFG_FILE_H
#define LISPGW_CFG_FILE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cyaml/cyaml.h>
#include <yaml.h>

#include "lisp_addr.h"
#include "lisp_err.h"

/* --- errors (cfg_load.c) ----------------------------------------------------- */

/* Each error is a struct lisp_err (lisp_err.h): its line (1-based; 0 when
 * the file could not be read), its key path ("etr.map-servers[0].key-id";
 * "" for the document) and a message. */
#define CFG_PATH_MAX	LISP_ERR_PATH_MAX

/* Every error of one load, in line order.  Zero-initialise or call
 * cfg_errors_init(); a load empties it first. */
struct cfg_errors {
	char *file;
	size_t count;
	size_t cap;
	struct lisp_err *v;
};

void cfg_errors_init(struct cfg_errors *errs);
void cfg_errors_free(struct cfg_errors *errs);
/* "FILE:LINE: path: message" (LINE and path left out when unknown). */
int cfg_error_format(const struct cfg_errors *errs, size_t i, char *buf, size_t len);
/* One formatted error per line; returns the count printed or -errno. */
int cfg_errors_print(const struct cfg_errors *errs, FILE *f);

int cfg_err_add(struct cfg_errors *errs, unsigned int line, const char *path, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));
int cfg_err_vadd(struct cfg_errors *errs, unsigned int line, const char *path, const char *fmt,
		 va_list ap) __attribute__((format(printf, 4, 0)));

/* Key paths: "etr", "etr.map-servers[0]", "etr.map-servers[0].key-id".
 * cfg_path_key/idx append and return the length to restore with
 * cfg_path_pop.  A path too long for the buffer is cut, never overrun. */
struct cfg_path {
	char s[CFG_PATH_MAX];
	size_t len;
};

size_t cfg_path_key(struct cfg_path *p, const char *key);
size_t cfg_path_idx(struct cfg_path *p, size_t idx);
void cfg_path_pop(struct cfg_path *p, size_t mark);

/* Turns libcyaml's load backtrace (as its log callback received it) into
 * our key path: "in mapping field 'key-id'", "in sequence entry '1'" (cyaml
 * counts from 1).  Returns 0, or -ENOENT when there is no backtrace. */
int cfg_cyaml_backtrace_path(const char *log, char *path, size_t len);

/* --- the node tree (cfg_doc.c) ----------------------------------------------- */

struct cfg_doc_entry;

struct cfg_doc {
	yaml_document_t doc;
	bool loaded;
	struct cfg_doc_entry *v;	/* sorted by path once walked */
	size_t count;
	size_t cap;
};

/* Limits every document passes before libyaml builds its tree
 * (cfg_limits.c): one more level than the deepest value a schema accepts
 * (an RLOC's attributes, 24 levels below etr.database[].rlocs[]), and
 * about twice the values of the largest file lispgw-dp reads (16 MiB of
 * static-map-cache entries).  Anchors and aliases are refused.  Fixed, not
 * keys: they guard the parsing of the file that would set them. */
#define CFG_DEPTH_MAX	32u
#define CFG_VALUES_MAX	(4u << 20)

/* Checks buf against those limits, stopping at the first event beyond
 * one: 0, or -EINVAL with the error (its line and key path) added to errs.
 * A syntax error is left to cfg_doc_parse. */
int cfg_doc_limits(const char *buf, size_t len, struct cfg_errors *errs);
/* Parses buf into d; a syntax error is added to errs and gives -EINVAL. */
int cfg_doc_parse(struct cfg_doc *d, const char *buf, size_t len, struct cfg_errors *errs);
/* Walks the tree against schema: indexes every key path and reports every
 * schema error; returns their count, or -ENOMEM. */
int cfg_doc_walk(struct cfg_doc *d, const cyaml_schema_value_t *schema,
		 struct cfg_errors *errs);
/* Line of path, or of its nearest ancestor present in the document. */
unsigned int cfg_doc_line(const struct cfg_doc *d, const char *path);
/* The value at path, NULL when absent. */
yaml_node_t *cfg_doc_node(const struct cfg_doc *d, const char *path);
void cfg_doc_free(struct cfg_doc *d);

/* true, True, TRUE, false, False, FALSE: YAML 1.2's booleans, the only
 * ones we take (libcyaml alone would read "maybe" as true). */
bool cfg_yaml_bool(const char *s, bool *val);

/* --- loading a file against a schema (cfg_load.c) ---------------------------- */

/* Fills the caller's configuration from the raw libcyaml data; 0 or -errno,
 * every error added to errs. */
typedef int (*cfg_yaml_check_fn)(const void *raw, const struct cfg_doc *doc, void *arg,
				 struct cfg_errors *errs);

/* Reads path (at most max_bytes), parses it with line numbers, checks it
 * against schema reporting every error, loads it with libcyaml and runs
 * check(raw, doc, arg); errors end up in errs (initialised by the caller),
 * sorted by line.  The file's bytes are zeroed after use (keys). */
int cfg_yaml_load(const char *path, size_t max_bytes, const cyaml_schema_value_t *schema,
		  cfg_yaml_check_fn check, void *arg, struct cfg_errors *errs);

/* --- checks (cfg_chk.c) ------------------------------------------------------- */

/* One check pass.  The helpers read a raw value at path.key (key NULL: at
 * path itself, for list entries), apply the default when it is absent,
 * report what is wrong with the line of that key, and always return a
 * usable value so that checking goes on and finds the next error. */
struct cfg_chk {
	const struct cfg_doc *doc;
	struct cfg_errors *errs;
	struct cfg_path path;
	unsigned int roles_line;	/* where a missing section is reported */
	size_t errors;
	bool nomem;
};

void cfg_chk_err(struct cfg_chk *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
unsigned int cfg_chk_line(const struct cfg_chk *c, const char *key);
void *cfg_chk_calloc(struct cfg_chk *c, size_t n, size_t size);
char *cfg_chk_strdup(struct cfg_chk *c, const char *s);
/* key (an account or group name, privileges.user, channel.socket-user):
 * NULL gives strdup(def); a name that is not [a-z_][a-z0-9_-]*, at most
 * CFG_ACCOUNT_NAME_MAX characters (useradd(8)), is an error and NULL. */
#define CFG_ACCOUNT_NAME_MAX 32
char *cfg_chk_account(struct cfg_chk *c, const char *key, const char *v, const char *def);
bool cfg_chk_bool(const bool *v, bool def);
uint32_t cfg_chk_u32(struct cfg_chk *c, const char *key, const uint32_t *v, uint32_t def,
		     uint32_t min, uint32_t max);
uint16_t cfg_chk_port(struct cfg_chk *c, const char *key, const uint32_t *v, uint16_t def);
uint32_t cfg_chk_duration(struct cfg_chk *c, const char *key, const char *s, uint32_t def_ms,
			  uint32_t min_ms, uint32_t max_ms);
uint32_t cfg_chk_ttl(struct cfg_chk *c, const char *key, const char *s, uint32_t def_min);
/* IPv4 or IPv6 only: these are sockets and RLOCs. */
void cfg_chk_addr(struct cfg_chk *c, const char *key, const char *s, struct lisp_addr *out);
void cfg_chk_prefix(struct cfg_chk *c, const char *key, const char *s, struct lisp_prefix *out);
/* A list of EID-prefixes, none twice. */
void cfg_chk_prefixes(struct cfg_chk *c, const char *key, char *const *v, unsigned int n,
		      struct lisp_prefix **out, size_t *count);
int cfg_prefix_cmp(const struct lisp_prefix *a, const struct lisp_prefix *b);
/* In a list at c's path, each entry whose prefix an earlier entry has:
 * "LIST[i].field: 'TEXT' is listed twice (also entry j)", j the first.
 * Entry i's prefix is at p0 + i * stride, its text (a char *) at
 * t0 + i * tstride.  O(n log n): lispgw-dp's static-map-cache can hold
 * 250,000 entries (compared pairwise they took 7 minutes). */
void cfg_chk_prefix_dups(struct cfg_chk *c, const char *field, const void *p0, size_t stride,
			 const void *t0, size_t tstride, size_t n);

/* "90", "90s", "500ms", "15m", "2h", "1d" -> milliseconds (at most 30
 * days).  Returns 0 or -EINVAL. */
int cfg_duration_parse(const char *s, uint64_t *ms);
/* The shortest exact text for ms: 900000 -> "15m", 1500 -> "1500ms". */
void cfg_duration_format(uint64_t ms, char *buf, size_t len);

#define CFG_DURATION_MAX_MS	(30ull * 24 * 3600 * 1000)

#endif
