/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The config file as a libyaml node tree, for what libcyaml cannot give:
 * line numbers for every key path, every schema error rather than the
 * first, and the nodes of the free-form RLOC attributes.  The walk follows
 * the cyaml schema tables themselves, so there is one schema; it is
 * stricter than libcyaml where libcyaml is lax (booleans, numbers in hex or
 * octal), so that a document it accepts loads the same way in libcyaml.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_file.h"

/* Deeper than any valid config; bounds recursion on hostile input (an
 * alias can even make the tree a cycle). */
#define DOC_DEPTH_MAX	24

struct cfg_doc_entry {
	char *path;
	unsigned int line;
	yaml_node_t *node;
};

struct walk {
	struct cfg_doc *d;
	struct cfg_errors *errs;
	struct cfg_path path;
	size_t errors;
	int nomem;
};

static unsigned int node_line(const yaml_node_t *n)
{
	return (unsigned int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* The two mistakes everyone makes once get a hint: an unquoted
 * "[1]10.0.0.0/8" (a YAML list followed by text) and a tab indent. */
static const char *syntax_hint(const char *buf, size_t len, const yaml_mark_t *m)
{
	const char *line = buf, *end, *b;

	for (size_t n = 0; n < m->line && line; n++) {
		line = memchr(line, '\n', len - (size_t)(line - buf));
		line = line ? line + 1 : NULL;
	}
	if (!line)
		return "";
	end = memchr(line, '\n', len - (size_t)(line - buf));
	if (!end)
		end = buf + len;
	if (m->column < (size_t)(end - line) && line[m->column] == '\t')
		return " (indent with spaces: YAML does not allow tabs)";
	for (b = line; (b = memchr(b, '[', (size_t)(end - b))); b++) {
		size_t digits = strspn(b + 1, "0123456789");

		if (digits && b + 1 + digits < end && b[1 + digits] == ']' &&
		    b + 2 + digits < end && b[2 + digits] != ',' && b[2 + digits] != ' ')
			return " (quote EID-prefixes that start with an instance-id: "
			       "\"[1]10.0.0.0/8\")";
	}
	return "";
}

static int syntax_error(const yaml_parser_t *p, const char *buf, size_t len,
			struct cfg_errors *errs)
{
	const char *hint = syntax_hint(buf, len, &p->problem_mark);
	int rc;

	if (p->error == YAML_MEMORY_ERROR)
		return -ENOMEM;
	if (p->context)
		rc = cfg_err_add(errs, (unsigned int)p->problem_mark.line + 1, "",
				 "YAML syntax: %s, %s at line %zu%s", p->problem, p->context,
				 p->context_mark.line + 1, hint);
	else
		rc = cfg_err_add(errs, (unsigned int)p->problem_mark.line + 1, "",
				 "YAML syntax: %s%s", p->problem ? p->problem : "unreadable", hint);
	return rc < 0 ? rc : -EINVAL;
}

int cfg_doc_parse(struct cfg_doc *d, const char *buf, size_t len,
		  struct cfg_errors *errs)
{
	yaml_document_t extra;
	yaml_parser_t p;
	yaml_node_t *root;
	int rc;

	memset(d, 0, sizeof(*d));
	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&p, &d->doc)) {
		rc = syntax_error(&p, buf, len, errs);
		goto out;
	}
	d->loaded = true;
	if (!yaml_document_get_root_node(&d->doc)) {
		rc = cfg_err_add(errs, 1, "", "the file holds no YAML document");
		rc = rc < 0 ? rc : -EINVAL;
		goto out;
	}
	/* libcyaml reads only the first document: a second one would be
	 * silently ignored, so refuse it. */
	if (!yaml_parser_load(&p, &extra)) {
		rc = syntax_error(&p, buf, len, errs);
		goto out;
	}
	rc = 0;
	root = yaml_document_get_root_node(&extra);
	if (root) {
		rc = cfg_err_add(errs, node_line(root), "",
				 "only one YAML document per file ('---' starts a second)");
		rc = rc < 0 ? rc : -EINVAL;
	}
	yaml_document_delete(&extra);
out:
	yaml_parser_delete(&p);
	return rc;
}

void cfg_doc_free(struct cfg_doc *d)
{
	for (size_t i = 0; i < d->count; i++)
		free(d->v[i].path);
	free(d->v);
	if (d->loaded)
		yaml_document_delete(&d->doc);
	memset(d, 0, sizeof(*d));
}

static void doc_index(struct walk *w, unsigned int line, yaml_node_t *node)
{
	struct cfg_doc *d = w->d;
	struct cfg_doc_entry *v;
	char *path;

	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;

		v = realloc(d->v, cap * sizeof(*v));
		if (!v) {
			w->nomem = 1;
			return;
		}
		d->v = v;
		d->cap = cap;
	}
	path = strdup(w->path.s);
	if (!path) {
		w->nomem = 1;
		return;
	}
	d->v[d->count++] = (struct cfg_doc_entry){ .path = path, .line = line, .node = node };
}

static void bad(struct walk *w, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct walk *w, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (cfg_err_vadd(w->errs, line, w->path.s, fmt, ap) < 0)
		w->nomem = 1;
	va_end(ap);
	w->errors++;
}

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return n->data.scalar.length ? "a scalar" : "empty";
	}
}

/* Edit distance, for "did you mean" on unknown keys; keys are short. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64], diag, up;

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = a[i - 1] == b[j - 1] ? diag : 1 + (diag < up ? diag : up);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[lb];
}

static void bad_key(struct walk *w, unsigned int line, const char *key,
		    const cyaml_schema_field_t *fields)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (const cyaml_schema_field_t *f = fields; f->key; f++) {
		size_t dd = distance(key, f->key);

		if (dd < best_d) {
			best_d = dd;
			best = f->key;
		}
	}
	if (best)
		bad(w, line, "unknown key (did you mean '%s'?)", best);
	else
		bad(w, line, "unknown key");
}

bool cfg_yaml_bool(const char *s, bool *val)
{
	static const char *const names[] = { "true", "True", "TRUE", "false", "False", "FALSE" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			if (val)
				*val = i < 3;
			return true;
		}
	}
	return false;
}

/* Decimal only: libcyaml would also take "0x10", read "010" as 8 and "08"
 * as 0. */
static void check_number(struct walk *w, const cyaml_schema_value_t *sv, const yaml_node_t *n)
{
	const char *s = scalar(n), *p = s;
	unsigned long long max, v;
	char *end;

	if (sv->type == CYAML_INT && *p == '-')
		p++;
	if (!*p || strspn(p, "0123456789") != strlen(p)) {
		bad(w, node_line(n), "must be a whole number, got '%s'", s);
		return;
	}
	if (p[0] == '0' && p[1]) {
		bad(w, node_line(n), "must be written without leading zeros, got '%s'", s);
		return;
	}
	max = sv->data_size >= 8 ? ULLONG_MAX : (1ull << (8 * sv->data_size)) - 1;
	if (sv->type == CYAML_INT)
		max >>= 1;
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno || v > max)
		bad(w, node_line(n), "must be at most %llu, got %s", max, s);
}

static void check_enum(struct walk *w, const cyaml_schema_value_t *sv, const yaml_node_t *n,
		       const char *what)
{
	char list[200] = "";
	size_t len = 0;

	if (n->type != YAML_SCALAR_NODE) {
		bad(w, node_line(n), "must be %s, got %s", what, node_kind(n));
		return;
	}
	for (uint32_t i = 0; i < sv->enumeration.count; i++)
		if (strcmp(scalar(n), sv->enumeration.strings[i].str) == 0)
			return;
	for (uint32_t i = 0; i < sv->enumeration.count && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					sv->enumeration.strings[i].str);
	bad(w, node_line(n), "unknown value '%s' (one of: %s)", scalar(n), list);
}

static void walk_value(struct walk *w, const cyaml_schema_value_t *sv, yaml_node_t *n,
		       unsigned int line, unsigned int depth);

static void walk_mapping(struct walk *w, const cyaml_schema_value_t *sv, yaml_node_t *n,
			 unsigned int line, unsigned int depth)
{
	const cyaml_schema_field_t *fields = sv->mapping.fields;
	uint64_t seen = 0;
	size_t mark;

	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(&w->d->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&w->d->doc, pr->value);
		const cyaml_schema_field_t *f;
		unsigned int i;
		uint64_t bit;

		if (!k || !v)
			continue;
		if (k->type != YAML_SCALAR_NODE) {
			bad(w, node_line(k), "keys must be plain words, got %s", node_kind(k));
			continue;
		}
		mark = cfg_path_key(&w->path, scalar(k));
		doc_index(w, node_line(k), v);
		for (f = fields, i = 0; f->key && strcmp(f->key, scalar(k)) != 0; f++, i++)
			;
		/* Schemas have a dozen keys at most; past 64 duplicates would
		 * go unnoticed here, and libcyaml would still refuse them. */
		bit = i < 64 ? 1ull << i : 0;
		if (!f->key)
			bad_key(w, node_line(k), scalar(k), fields);
		else if (seen & bit)
			bad(w, node_line(k), "duplicate key");
		else {
			seen |= bit;
			walk_value(w, &f->value, v, node_line(k), depth + 1);
		}
		cfg_path_pop(&w->path, mark);
	}
	for (unsigned int i = 0; fields[i].key; i++) {
		if ((fields[i].value.flags & CYAML_FLAG_OPTIONAL) || i >= 64 ||
		    (seen & (1ull << i)))
			continue;
		mark = cfg_path_key(&w->path, fields[i].key);
		bad(w, line, "required key is missing");
		cfg_path_pop(&w->path, mark);
	}
}

static void walk_sequence(struct walk *w, const cyaml_schema_value_t *sv, yaml_node_t *n,
			  unsigned int depth)
{
	size_t count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	size_t mark, i = 0;

	if (count < sv->sequence.min)
		bad(w, node_line(n), "needs at least %u entr%s", sv->sequence.min,
		    sv->sequence.min == 1 ? "y" : "ies");
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     it < n->data.sequence.items.top; it++, i++) {
		yaml_node_t *e = yaml_document_get_node(&w->d->doc, *it);

		if (!e)
			continue;
		mark = cfg_path_idx(&w->path, i);
		doc_index(w, node_line(e), e);
		walk_value(w, sv->sequence.entry, e, node_line(e), depth + 1);
		cfg_path_pop(&w->path, mark);
	}
}

/* line: where the key (or list entry) of this value is; the value itself
 * may start on the next line. */
static void walk_value(struct walk *w, const cyaml_schema_value_t *sv, yaml_node_t *n,
		       unsigned int line, unsigned int depth)
{
	if (depth > DOC_DEPTH_MAX) {
		bad(w, node_line(n), "nested too deeply");
		return;
	}
	switch (sv->type) {
	case CYAML_MAPPING:
		if (n->type != YAML_MAPPING_NODE)
			bad(w, line, "must be a mapping (key: value), got %s", node_kind(n));
		else
			walk_mapping(w, sv, n, line, depth);
		return;
	case CYAML_SEQUENCE:
		if (n->type != YAML_SEQUENCE_NODE)
			bad(w, line, "must be a list, got %s", node_kind(n));
		else
			walk_sequence(w, sv, n, depth);
		return;
	case CYAML_FLAGS:
		if (n->type != YAML_SEQUENCE_NODE) {
			bad(w, line, "must be a list, got %s", node_kind(n));
			return;
		}
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(&w->d->doc, *it);
			size_t mark = cfg_path_idx(&w->path,
						   (size_t)(it - n->data.sequence.items.start));

			if (e)
				check_enum(w, sv, e, "a name");
			cfg_path_pop(&w->path, mark);
		}
		return;
	case CYAML_IGNORE:
		return;
	default:
		break;
	}
	if (n->type != YAML_SCALAR_NODE) {
		bad(w, line, "must be a single value, got %s", node_kind(n));
		return;
	}
	switch (sv->type) {
	case CYAML_INT:
	case CYAML_UINT:
		check_number(w, sv, n);
		break;
	case CYAML_BOOL:
		if (!cfg_yaml_bool(scalar(n), NULL))
			bad(w, node_line(n), "must be true or false, got '%s'", scalar(n));
		break;
	case CYAML_ENUM:
		check_enum(w, sv, n, "a name");
		break;
	case CYAML_STRING:
		if (strlen(scalar(n)) != n->data.scalar.length)
			bad(w, node_line(n), "must not contain NUL characters");
		else if (n->data.scalar.length < sv->string.min)
			bad(w, node_line(n), "must be at least %u characters", sv->string.min);
		else if (n->data.scalar.length > sv->string.max)
			bad(w, node_line(n), "must be at most %u characters", sv->string.max);
		break;
	default:
		break;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cfg_doc_entry *)a)->path,
		      ((const struct cfg_doc_entry *)b)->path);
}

int cfg_doc_walk(struct cfg_doc *d, const cyaml_schema_value_t *schema,
		 struct cfg_errors *errs)
{
	struct walk w = { .d = d, .errs = errs };
	yaml_node_t *root = yaml_document_get_root_node(&d->doc);

	if (!root)
		return 0;
	doc_index(&w, node_line(root), root);
	walk_value(&w, schema, root, node_line(root), 0);
	qsort(d->v, d->count, sizeof(d->v[0]), entry_cmp);
	if (w.nomem)
		return -ENOMEM;
	return w.errors > INT_MAX ? INT_MAX : (int)w.errors;
}

static const struct cfg_doc_entry *doc_find(const struct cfg_doc *d, const char *path)
{
	struct cfg_doc_entry key = { .path = (char *)path };

	if (!d->count)
		return NULL;
	return bsearch(&key, d->v, d->count, sizeof(d->v[0]), entry_cmp);
}

unsigned int cfg_doc_line(const struct cfg_doc *d, const char *path)
{
	const struct cfg_doc_entry *e;
	char buf[CFG_PATH_MAX];
	char *cut;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		e = doc_find(d, buf);
		if (e)
			return e->line;
		if (!buf[0])
			return 1;
		cut = strrchr(buf, '.');
		if (!cut || (strrchr(buf, '[') && strrchr(buf, '[') > cut))
			cut = strrchr(buf, '[');
		if (!cut)
			cut = buf;
		*cut = '\0';
	}
}

yaml_node_t *cfg_doc_node(const struct cfg_doc *d, const char *path)
{
	const struct cfg_doc_entry *e = doc_find(d, path);

	return e ? e->node : NULL;
}
