/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RLOC attributes: free-form JSON that no schema can type, so libcyaml
 * skips the key and this reads it from the libyaml node tree.  Written as
 * a YAML mapping (plain scalars typed as in YAML 1.2's core schema, JSON
 * itself being a YAML flow mapping) or as a string holding a JSON object;
 * kept as one canonical text so that configs compare with strcmp.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config_priv.h"

/* As deep as the node walk allows, and for the same reason. */
#define ATTR_DEPTH_MAX	24

static unsigned int node_line(const yaml_node_t *n)
{
	return (unsigned int)n->start_mark.line + 1;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool all_of(const char *s, const char *set)
{
	return *s && strspn(s, set) == strlen(s);
}

/* Plain scalars get YAML 1.2 core-schema types; quoted ones are strings. */
static json_t *scalar_to_json(const yaml_node_t *n)
{
	const char *s = scalar(n);
	char *end;
	bool b;

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(s, n->data.scalar.length);
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return json_null();
	if (cfg_yaml_bool(s, &b))
		return json_boolean(b);
	if (all_of(s[0] == '-' ? s + 1 : s, "0123456789")) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (!errno && !*end)
			return json_integer(v);
	}
	if (all_of(s, "0123456789.eE+-") && strpbrk(s, "0123456789")) {
		double v = strtod(s, &end);

		if (!*end && isfinite(v))
			return json_real(v);
	}
	return json_stringn(s, n->data.scalar.length);
}

static json_t *node_to_json(const struct cfg_doc *d, const yaml_node_t *n, unsigned int depth,
			    char *msg, size_t msg_len)
{
	json_t *j, *v;

	if (!n || depth > ATTR_DEPTH_MAX) {
		snprintf(msg, msg_len, "nested too deeply");
		return NULL;
	}
	if (n->type == YAML_SCALAR_NODE) {
		j = scalar_to_json(n);
		if (!j)
			snprintf(msg, msg_len, "line %u: not valid UTF-8", node_line(n));
		return j;
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		j = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     j && it < n->data.sequence.items.top; it++) {
			v = node_to_json(d, yaml_document_get_node((yaml_document_t *)&d->doc, *it),
					 depth + 1, msg, msg_len);
			if (!v || json_array_append_new(j, v) < 0) {
				json_decref(j);
				return NULL;
			}
		}
		return j;
	}
	j = json_object();
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     j && pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node((yaml_document_t *)&d->doc, pr->key);

		if (!k)
			goto fail;
		if (k->type != YAML_SCALAR_NODE || strlen(scalar(k)) != k->data.scalar.length) {
			snprintf(msg, msg_len, "line %u: keys must be strings", node_line(k));
			goto fail;
		}
		if (json_object_get(j, scalar(k))) {
			snprintf(msg, msg_len, "line %u: duplicate key '%s'", node_line(k),
				 scalar(k));
			goto fail;
		}
		v = node_to_json(d, yaml_document_get_node((yaml_document_t *)&d->doc, pr->value),
				 depth + 1, msg, msg_len);
		if (!v || json_object_set_new(j, scalar(k), v) < 0)
			goto fail;
	}
	return j;
fail:
	json_decref(j);
	return NULL;
}

int cfg_attr_from_node(const struct cfg_doc *d, yaml_node_t *node, char **json, char *msg,
		       size_t msg_len)
{
	json_error_t jerr;
	json_t *j = NULL;
	char *text;

	msg[0] = '\0';
	if (node->type == YAML_MAPPING_NODE) {
		j = node_to_json(d, node, 0, msg, msg_len);
	} else if (node->type == YAML_SCALAR_NODE) {
		j = json_loadb(scalar(node), node->data.scalar.length, JSON_REJECT_DUPLICATES,
			       &jerr);
		if (!j)
			snprintf(msg, msg_len, "not valid JSON: %s (column %d)", jerr.text,
				 jerr.column);
		else if (!json_is_object(j))
			snprintf(msg, msg_len, "must be a JSON object ({...})");
	} else {
		snprintf(msg, msg_len, "must be a mapping or a string holding a JSON object");
	}
	if (!j || msg[0]) {
		json_decref(j);
		if (!msg[0])
			snprintf(msg, msg_len, "out of memory");
		return -EINVAL;
	}
	/* Compact, sorted keys, 15 significant digits: one text per value, so
	 * that configs compare by strcmp and 0.42 stays "0.42". */
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (!text) {
		snprintf(msg, msg_len, "out of memory");
		return -ENOMEM;
	}
	if (strlen(text) > CP_CONFIG_ATTR_MAX) {
		snprintf(msg, msg_len, "%zu bytes as JSON, at most %d", strlen(text),
			 CP_CONFIG_ATTR_MAX);
		free(text);
		return -EINVAL;
	}
	*json = text;
	return 0;
}
