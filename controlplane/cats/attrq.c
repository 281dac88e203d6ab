/* SPDX-License-Identifier: BSD-3-Clause */
#include "attrq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum attrq_op op;
} op_names[] = {
	{ "=", ATTRQ_EQ }, { "!=", ATTRQ_NE }, { "<", ATTRQ_LT }, { "<=", ATTRQ_LE },
	{ ">", ATTRQ_GT }, { ">=", ATTRQ_GE }, { "in", ATTRQ_IN },
};

static bool scalar(const json_t *v)
{
	return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static int cond_add(struct attrq *q, const char *key, enum attrq_op op, json_t *value,
		    struct lisp_err *err)
{
	struct attrq_cond *c;

	if (q->count == ATTRQ_CONDS_MAX) {
		json_decref(value);
		return lisp_err_set(err, E2BIG, "more than %d conditions", ATTRQ_CONDS_MAX);
	}
	if (strlen(key) == 0 || strlen(key) >= ATTRQ_KEY_MAX) {
		json_decref(value);
		return lisp_err_set(err, EINVAL, "attribute name must be 1..%d characters",
				    ATTRQ_KEY_MAX - 1);
	}
	if (op == ATTRQ_IN) {
		size_t i;
		json_t *v;

		if (!json_is_array(value) || json_array_size(value) == 0) {
			json_decref(value);
			return lisp_err_set(err, EINVAL, "%s: \"in\" takes a non-empty array", key);
		}
		json_array_foreach(value, i, v)
			if (!scalar(v)) {
				json_decref(value);
				return lisp_err_set(err, EINVAL, "%s: \"in\" items must be scalars", key);
			}
	} else if (!scalar(value)) {
		json_decref(value);
		return lisp_err_set(err, EINVAL, "%s: value must be a string, number or boolean", key);
	}
	if ((op == ATTRQ_LT || op == ATTRQ_LE || op == ATTRQ_GT || op == ATTRQ_GE) &&
	    json_is_boolean(value)) {
		json_decref(value);
		return lisp_err_set(err, EINVAL, "%s: booleans are not ordered", key);
	}
	c = &q->conds[q->count++];
	snprintf(c->key, sizeof(c->key), "%s", key);
	c->op = op;
	c->value = value;
	return 0;
}

int attrq_parse(const json_t *obj, struct attrq *q, struct lisp_err *err)
{
	const char *key;
	json_t *v;
	int rc;

	memset(q, 0, sizeof(*q));
	if (!json_is_object(obj))
		return lisp_err_set(err, EINVAL, "constraints must be a JSON object");
	json_object_foreach((json_t *)obj, key, v) {
		if (strncmp(key, "max_", 4) == 0 && json_is_number(v))
			rc = cond_add(q, key + 4, ATTRQ_LE, json_incref(v), err);
		else if (strncmp(key, "min_", 4) == 0 && json_is_number(v))
			rc = cond_add(q, key + 4, ATTRQ_GE, json_incref(v), err);
		else if (json_is_object(v)) {
			const char *opname;
			json_t *arg;

			rc = json_object_size(v) ? 0 : lisp_err_set(err, EINVAL,
								     "%s: empty condition", key);
			json_object_foreach(v, opname, arg) {
				size_t i;

				for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
					if (strcmp(op_names[i].name, opname) == 0)
						break;
				if (i == sizeof(op_names) / sizeof(op_names[0])) {
					rc = lisp_err_set(err, EINVAL,
							  "%s: unknown operator \"%s\" (=, !=, <, <=, >, >=, in)",
							  key, opname);
					break;
				}
				rc = cond_add(q, key, op_names[i].op, json_incref(arg), err);
				if (rc < 0)
					break;
			}
		} else {
			rc = cond_add(q, key, ATTRQ_EQ, json_incref(v), err);
		}
		if (rc < 0) {
			attrq_free(q);
			return rc;
		}
	}
	return 0;
}

int attrq_parse_text(const char *text, size_t len, struct attrq *q, struct lisp_err *err)
{
	json_error_t jerr;
	json_t *obj = json_loadb(text, len, 0, &jerr);
	int rc;

	if (!obj)
		return lisp_err_set(err, EINVAL, "constraints are not JSON: %s", jerr.text);
	rc = attrq_parse(obj, q, err);
	json_decref(obj);
	return rc;
}

/* "8" -> 8, "0.42" -> 0.42, "true"/"false" -> booleans, else the string. */
static json_t *value_from_text(const char *s)
{
	char *end;
	double d;
	long long i;

	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
		return json_boolean(s[0] == 't');
	if (*s) {
		i = strtoll(s, &end, 10);
		if (*end == '\0')
			return json_integer(i);
		d = strtod(s, &end);
		if (*end == '\0')
			return json_real(d);
	}
	return json_string(s);
}

int attrq_add_text(struct attrq *q, const char *key, const char *value, struct lisp_err *err)
{
	static const struct {
		const char *prefix;
		enum attrq_op op;
	} prefixes[] = {
		{ "<=", ATTRQ_LE }, { ">=", ATTRQ_GE }, { "!=", ATTRQ_NE },
		{ "<", ATTRQ_LT },  { ">", ATTRQ_GT },	 { "=", ATTRQ_EQ },
	};

	if (strncmp(value, "in:", 3) == 0) {
		json_t *arr = json_array();
		char *copy = strdup(value + 3), *save = NULL;

		if (!arr || !copy) {
			json_decref(arr);
			free(copy);
			return lisp_err_set(err, ENOMEM, "out of memory");
		}
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			json_array_append_new(arr, value_from_text(t));
		free(copy);
		return cond_add(q, key, ATTRQ_IN, arr, err);
	}
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(value, prefixes[i].prefix, strlen(prefixes[i].prefix)) == 0)
			return cond_add(q, key, prefixes[i].op,
					value_from_text(value + strlen(prefixes[i].prefix)), err);
	return cond_add(q, key, ATTRQ_EQ, value_from_text(value), err);
}

void attrq_free(struct attrq *q)
{
	for (size_t i = 0; i < q->count; i++)
		json_decref(q->conds[i].value);
	q->count = 0;
}

/* Compares two scalars of the same kind: -2 when they cannot be compared. */
static int scalar_cmp(const json_t *a, const json_t *b)
{
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);

		return x < y ? -1 : x > y;
	}
	if (json_is_string(a) && json_is_string(b)) {
		int c = strcmp(json_string_value(a), json_string_value(b));

		return c < 0 ? -1 : c > 0;
	}
	if (json_is_boolean(a) && json_is_boolean(b))
		return json_is_true(a) == json_is_true(b) ? 0 : json_is_true(a) ? 1 : -1;
	return -2;
}

static bool cond_holds(const struct attrq_cond *c, const json_t *have)
{
	size_t i;
	json_t *v;
	int cmp;

	if (!have)
		return false;
	if (c->op == ATTRQ_IN) {
		json_array_foreach(c->value, i, v)
			if (scalar_cmp(have, v) == 0)
				return true;
		return false;
	}
	cmp = scalar_cmp(have, c->value);
	if (cmp == -2)
		return c->op == ATTRQ_NE;
	switch (c->op) {
	case ATTRQ_EQ:
		return cmp == 0;
	case ATTRQ_NE:
		return cmp != 0;
	case ATTRQ_LT:
		return cmp < 0;
	case ATTRQ_LE:
		return cmp <= 0;
	case ATTRQ_GT:
		return cmp > 0;
	case ATTRQ_GE:
		return cmp >= 0;
	default:
		return false;
	}
}

bool attrq_match(const struct attrq *q, const json_t *attrs)
{
	for (size_t i = 0; i < q->count; i++)
		if (!cond_holds(&q->conds[i], json_is_object(attrs) ?
							 json_object_get(attrs, q->conds[i].key) : NULL))
			return false;
	return true;
}

int attrq_policy_parse(const char *text, struct attrq_policy *p, struct lisp_err *err)
{
	char *copy = strdup(text), *save = NULL;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	if (!copy)
		return lisp_err_set(err, ENOMEM, "out of memory");
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
		bool desc = *t == '-';

		if (*t == '-' || *t == '+')
			t++;
		if (p->count == ATTRQ_SORT_MAX)
			rc = lisp_err_set(err, E2BIG, "more than %d ranking attributes", ATTRQ_SORT_MAX);
		else if (!*t || strlen(t) >= ATTRQ_KEY_MAX)
			rc = lisp_err_set(err, EINVAL, "ranking attribute must be 1..%d characters",
					  ATTRQ_KEY_MAX - 1);
		else {
			snprintf(p->keys[p->count].key, ATTRQ_KEY_MAX, "%s", t);
			p->keys[p->count++].descending = desc;
		}
	}
	free(copy);
	if (rc == 0 && p->count == 0)
		rc = lisp_err_set(err, EINVAL, "empty ranking policy");
	return rc;
}

int attrq_policy_cmp(const struct attrq_policy *p, const json_t *a, const json_t *b)
{
	for (size_t i = 0; i < p->count; i++) {
		const json_t *x = json_is_object(a) ? json_object_get(a, p->keys[i].key) : NULL;
		const json_t *y = json_is_object(b) ? json_object_get(b, p->keys[i].key) : NULL;
		int c;

		/* Missing ranks last, whatever the direction. */
		if (!x || !y) {
			if (x != y)
				return x ? -1 : 1;
			continue;
		}
		c = scalar_cmp(x, y);
		if (c == -2 || c == 0)
			continue;
		return p->keys[i].descending ? -c : c;
	}
	return 0;
}
