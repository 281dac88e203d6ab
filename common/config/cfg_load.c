/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Loading a YAML configuration file against a libcyaml schema, the way both
 * daemons do it: read the file once, parse it with libyaml (syntax errors,
 * a line per key path, every schema error, cfg_doc.c), load the same bytes
 * with libcyaml, then hand the raw data to the daemon's own checks.  Errors
 * are collected, never printed here, and sorted by line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg_file.h"

/* --- errors ------------------------------------------------------------- */

void cfg_errors_init(struct cfg_errors *errs)
{
	memset(errs, 0, sizeof(*errs));
}

void cfg_errors_free(struct cfg_errors *errs)
{
	free(errs->file);
	free(errs->v);
	memset(errs, 0, sizeof(*errs));
}

int cfg_err_vadd(struct cfg_errors *errs, unsigned int line, const char *path,
		 const char *fmt, va_list ap)
{
	struct lisp_err *e;

	if (!errs)
		return 0;
	if (errs->count == errs->cap) {
		size_t cap = errs->cap ? errs->cap * 2 : 16;

		e = realloc(errs->v, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		errs->v = e;
		errs->cap = cap;
	}
	e = &errs->v[errs->count++];
	e->line = line;
	snprintf(e->path, sizeof(e->path), "%s", path);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return 0;
}

int cfg_err_add(struct cfg_errors *errs, unsigned int line, const char *path,
		const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cfg_err_vadd(errs, line, path, fmt, ap);
	va_end(ap);
	return rc;
}

int cfg_error_format(const struct cfg_errors *errs, size_t i, char *buf, size_t len)
{
	const struct lisp_err *e;
	char line[16] = "";
	int n;

	if (i >= errs->count)
		return -EINVAL;
	e = &errs->v[i];
	if (e->line)
		snprintf(line, sizeof(line), ":%u", e->line);
	n = snprintf(buf, len, "%s%s: %s%s%s", errs->file ? errs->file : "-", line, e->path,
		     e->path[0] ? ": " : "", e->msg);
	return n < 0 ? -EINVAL : (size_t)n >= len ? -ENOSPC : n;
}

int cfg_errors_print(const struct cfg_errors *errs, FILE *f)
{
	char buf[CFG_PATH_MAX + LISP_ERR_MSG_MAX + 4096];

	for (size_t i = 0; i < errs->count; i++) {
		/* -ENOSPC still leaves a truncated, terminated line. */
		if (cfg_error_format(errs, i, buf, sizeof(buf)) == -EINVAL)
			return -EINVAL;
		if (fprintf(f, "%s\n", buf) < 0)
			return -EIO;
	}
	return (int)errs->count;
}

/* Line order, ties in the order found: the passes find errors in
 * different orders, and a reader goes down the file.  (Stable; the lists
 * are short.) */
static void errors_sort(struct cfg_errors *errs)
{
	for (size_t i = 1; i < errs->count; i++) {
		struct lisp_err e = errs->v[i];
		size_t j = i;

		for (; j > 0 && errs->v[j - 1].line > e.line; j--)
			errs->v[j] = errs->v[j - 1];
		errs->v[j] = e;
	}
}

/* --- key paths ------------------------------------------------------------ */

static size_t path_append(struct cfg_path *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static size_t path_append(struct cfg_path *p, const char *fmt, ...)
{
	size_t mark = p->len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->s + p->len, sizeof(p->s) - p->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->len += (size_t)n < sizeof(p->s) - p->len ? (size_t)n : sizeof(p->s) - 1 - p->len;
	return mark;
}

size_t cfg_path_key(struct cfg_path *p, const char *key)
{
	return path_append(p, "%s%s", p->len ? "." : "", key);
}

size_t cfg_path_idx(struct cfg_path *p, size_t idx)
{
	return path_append(p, "[%zu]", idx);
}

void cfg_path_pop(struct cfg_path *p, size_t mark)
{
	p->len = mark;
	p->s[mark] = '\0';
}

/* --- libcyaml's errors ------------------------------------------------------ */

struct cyaml_log {
	char buf[2048];
	size_t len;
};

static void cyaml_log_capture(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cyaml_log *l = ctx;
	size_t room;
	int n;

	if (level < CYAML_LOG_ERROR || l->len >= sizeof(l->buf) - 1)
		return;
	room = sizeof(l->buf) - l->len;
	n = vsnprintf(l->buf + l->len, room, fmt, args);
	if (n > 0)
		l->len += (size_t)n < room ? (size_t)n : room - 1;
}

int cfg_cyaml_backtrace_path(const char *log, char *path, size_t len)
{
	const char *frames[32], *p;
	struct cfg_path out = { .len = 0 };
	size_t n = 0;

	p = strstr(log, "Backtrace:");
	if (!p)
		return -ENOENT;
	/* Innermost frame first. */
	while ((p = strstr(p, "\n  in ")) && n < 32) {
		p += 6;
		frames[n++] = p;
	}
	out.s[0] = '\0';
	while (n--) {
		char name[CFG_PATH_MAX];
		const char *q = strchr(frames[n], '\'');
		const char *e = q ? strchr(q + 1, '\'') : NULL;
		const char *eol = strchr(frames[n], '\n');
		unsigned long idx;

		if (!q || !e || (eol && eol < q))
			continue;	/* "in mapping (line ...)": no name */
		snprintf(name, sizeof(name), "%.*s", (int)(e - q - 1), q + 1);
		idx = strtoul(name, NULL, 10);
		if (strncmp(frames[n], "mapping field", 13) == 0)
			cfg_path_key(&out, name);
		else if (strncmp(frames[n], "sequence entry", 14) == 0 && idx > 0)
			cfg_path_idx(&out, idx - 1);
	}
	snprintf(path, len, "%s", out.s);
	return 0;
}

/* libcyaml refused what the node walk accepted: report its first error,
 * with the line our index has for the path its backtrace names. */
static int cyaml_report(struct cfg_errors *errs, const struct cfg_doc *doc,
			const struct cyaml_log *l, cyaml_err_t err)
{
	char path[CFG_PATH_MAX] = "", msg[LISP_ERR_MSG_MAX];
	const char *m = l->buf;
	size_t n;

	if (err == CYAML_ERR_OOM)
		return -ENOMEM;
	if (strncmp(m, "Load: ", 6) == 0)
		m += 6;
	n = strcspn(m, "\n");
	if (!n)
		snprintf(msg, sizeof(msg), "%s", cyaml_strerror(err));
	else
		snprintf(msg, sizeof(msg), "%.*s", (int)n, m);
	cfg_cyaml_backtrace_path(l->buf, path, sizeof(path));
	return cfg_err_add(errs, cfg_doc_line(doc, path), path, "%s", msg) < 0 ? -ENOMEM : -EINVAL;
}

/* --- load ------------------------------------------------------------------ */

static int file_read(const char *path, size_t max, char **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	char *b;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		goto out;
	}
	if ((size_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b) {
		rc = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			free(b);
			goto out;
		}
		got += (size_t)r;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
out:
	close(fd);
	return rc;
}

int cfg_yaml_load(const char *path, size_t max_bytes, const cyaml_schema_value_t *schema,
		  cfg_yaml_check_fn check, void *arg, struct cfg_errors *errs)
{
	struct cyaml_log log = { .len = 0 };
	const cyaml_config_t cy = {
		.log_fn = cyaml_log_capture,
		.log_ctx = &log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_DEFAULT,
	};
	cyaml_data_t *raw = NULL;
	struct cfg_doc doc;
	cyaml_err_t cerr;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(&doc, 0, sizeof(doc));
	free(errs->file);
	errs->file = strdup(path);
	errs->count = 0;
	if (!errs->file)
		return -ENOMEM;

	rc = file_read(path, max_bytes, &buf, &len);
	if (rc < 0) {
		if (cfg_err_add(errs, 0, "", "cannot read: %s", strerror(-rc)) < 0)
			rc = -ENOMEM;
		goto out;
	}
	rc = cfg_doc_limits(buf, len, errs);
	if (rc == 0)
		rc = cfg_doc_parse(&doc, buf, len, errs);
	if (rc < 0)
		goto out;
	rc = cfg_doc_walk(&doc, schema, errs);
	if (rc != 0) {
		rc = rc < 0 ? rc : -EINVAL;
		goto out;
	}
	cerr = cyaml_load_data((const uint8_t *)buf, len, &cy, schema, &raw, NULL);
	if (cerr != CYAML_OK) {
		raw = NULL;
		rc = cyaml_report(errs, &doc, &log, cerr);
		goto out;
	}
	rc = check(raw, &doc, arg, errs);
out:
	if (raw)
		cyaml_free(&cy, schema, raw, 0);
	cfg_doc_free(&doc);
	if (buf) {
		/* It holds the keys. */
		explicit_bzero(buf, len);
		free(buf);
	}
	errors_sort(errs);
	return rc;
}
