/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a YAML document must stay within before libyaml builds its tree and
 * libcyaml loads it: both are only fast on shapes a configuration has.
 * libyaml's scanner walks its whole stack of open flow collections for
 * every token (a 100,000-level "[[[...]]]" took 39 s, and SIGHUP with it),
 * its loader compares every anchor with every other and every alias with
 * every anchor, and an alias stands for its whole anchored subtree wherever
 * it is expanded (nine anchors of ten aliases each are 10^9 values to
 * libcyaml and to the attribute walk).  One pass over libyaml's event
 * stream, which stops at the first event beyond a limit, refuses all of
 * these in time linear in what it read:
 *   - nesting deeper than CFG_DEPTH_MAX collections;
 *   - more than CFG_VALUES_MAX values (scalars and collections);
 *   - anchors and aliases (no configuration needs them).
 * The file's size is bounded before (cfg_yaml_load's max_bytes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_file.h"

/* An open collection: where its next child sits, for the error's path. */
struct scan_frame {
	bool is_map;
	bool want_key;		/* a mapping's next child is a key */
	size_t idx;		/* a sequence's next entry */
	char key[64];		/* a mapping's current key ("" for a non-scalar key) */
};

struct scan {
	struct scan_frame f[CFG_DEPTH_MAX + 1];
	unsigned int depth;
	size_t values;
};

/* The key path of the node that starts now: "etr.database[0].rlocs". */
static void scan_path(const struct scan *s, struct cfg_path *p)
{
	p->len = 0;
	p->s[0] = '\0';
	for (unsigned int i = 0; i < s->depth; i++) {
		const struct scan_frame *f = &s->f[i];

		if (!f->is_map)
			cfg_path_idx(p, f->idx);
		else if (!f->want_key)
			cfg_path_key(p, f->key[0] ? f->key : "?");
	}
}

/* A node starts in its parent: a mapping's key is remembered for the path. */
static void scan_node_begin(struct scan *s, const yaml_event_t *ev)
{
	struct scan_frame *f = s->depth ? &s->f[s->depth - 1] : NULL;

	if (!f || !f->is_map || !f->want_key)
		return;
	if (ev->type == YAML_SCALAR_EVENT)
		snprintf(f->key, sizeof(f->key), "%.*s", (int)ev->data.scalar.length,
			 (const char *)ev->data.scalar.value);
	else
		f->key[0] = '\0';
}

/* A node ended: its parent moves on to the next key, value or entry. */
static void scan_node_end(struct scan *s)
{
	struct scan_frame *f = s->depth ? &s->f[s->depth - 1] : NULL;

	if (!f)
		return;
	if (f->is_map)
		f->want_key = !f->want_key;
	else
		f->idx++;
}

static int scan_refuse(const struct scan *s, const yaml_event_t *ev, struct cfg_errors *errs,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int scan_refuse(const struct scan *s, const yaml_event_t *ev, struct cfg_errors *errs,
		       const char *fmt, ...)
{
	struct cfg_path p;
	va_list ap;
	int rc;

	scan_path(s, &p);
	va_start(ap, fmt);
	rc = cfg_err_vadd(errs, (unsigned int)ev->start_mark.line + 1, p.s, fmt, ap);
	va_end(ap);
	return rc < 0 ? rc : -EINVAL;
}

/* One event: 1 when the stream ended, 0 to go on, -EINVAL when refused. */
static int scan_event(struct scan *s, const yaml_event_t *ev, struct cfg_errors *errs)
{
	bool opens = ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT;
	const yaml_char_t *anchor = NULL;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		s->depth--;
		scan_node_end(s);
		return 0;
	case YAML_ALIAS_EVENT:
		scan_node_begin(s, ev);
		return scan_refuse(s, ev, errs, "YAML aliases (*%s) are not accepted: write the "
				   "value out", (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		break;
	default:
		return 0;	/* stream and document markers */
	}
	scan_node_begin(s, ev);
	if (anchor)
		return scan_refuse(s, ev, errs, "YAML anchors (&%s) are not accepted",
				   (const char *)anchor);
	if (++s->values > CFG_VALUES_MAX)
		return scan_refuse(s, ev, errs, "more than %u values in one file", CFG_VALUES_MAX);
	if (!opens) {
		scan_node_end(s);
		return 0;
	}
	if (s->depth == CFG_DEPTH_MAX)
		return scan_refuse(s, ev, errs, "nested deeper than %u levels", CFG_DEPTH_MAX);
	s->f[s->depth++] = (struct scan_frame){
		.is_map = ev->type == YAML_MAPPING_START_EVENT,
		.want_key = true,
	};
	return 0;
}

int cfg_doc_limits(const char *buf, size_t len, struct cfg_errors *errs)
{
	struct scan *s = calloc(1, sizeof(*s));
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0;

	if (!s || !yaml_parser_initialize(&p)) {
		free(s);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (rc == 0) {
		/* A syntax error is cfg_doc_parse's to report, with its hints:
		 * up to it, the document kept within every limit. */
		if (!yaml_parser_parse(&p, &ev)) {
			rc = p.error == YAML_MEMORY_ERROR ? -ENOMEM : 0;
			break;
		}
		rc = scan_event(s, &ev, errs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	free(s);
	return rc < 0 ? rc : 0;
}
