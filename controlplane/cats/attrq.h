/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queries over RLOC attributes (the JSON objects carried in JSON LCAFs,
 * e.g. {"gpu":"H100","gpus":8,"load":0.42,"latency_ms":3,"state":"ready"}):
 * the matching and ranking that context-aware resolution (CATS), agent
 * discovery and ITR-side selection share.
 *
 * A query is a JSON object; each member is one condition on one attribute:
 *   "gpu": "H100"                 equal (string, number or boolean)
 *   "gpu": {"in": ["H100","A100"]} one of
 *   "load": {"<": 0.5}            also "<=", ">", ">=", "!=", "=" (numbers
 *                                 compare as numbers, strings as strings)
 *   "max_latency_ms": 10          shorthand for "latency_ms": {"<=": 10}
 *   "min_gpus": 4                 shorthand for "gpus": {">=": 4}
 * An attribute the RLOC does not have fails every condition on it.  Several
 * conditions must all hold.
 *
 * A ranking policy is an ordered list of attributes, each ascending (lowest
 * first) or descending: "latency_ms,load" or "-gpus".  RLOCs missing an
 * attribute rank after those that have it.
 */
#ifndef LISPGW_ATTRQ_H
#define LISPGW_ATTRQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lisp_err.h"

#define ATTRQ_KEY_MAX	64
#define ATTRQ_CONDS_MAX	16
#define ATTRQ_SORT_MAX	4

enum attrq_op { ATTRQ_EQ, ATTRQ_NE, ATTRQ_LT, ATTRQ_LE, ATTRQ_GT, ATTRQ_GE, ATTRQ_IN };

struct attrq_cond {
	char key[ATTRQ_KEY_MAX];
	enum attrq_op op;
	json_t *value;		/* owned; an array for ATTRQ_IN */
};

struct attrq {
	struct attrq_cond conds[ATTRQ_CONDS_MAX];
	size_t count;
};

struct attrq_sort_key {
	char key[ATTRQ_KEY_MAX];
	bool descending;
};

struct attrq_policy {
	struct attrq_sort_key keys[ATTRQ_SORT_MAX];
	size_t count;
};

/* Parses a query object (see above); errors name the member at fault. */
int attrq_parse(const json_t *obj, struct attrq *q, struct lisp_err *err);
int attrq_parse_text(const char *text, size_t len, struct attrq *q, struct lisp_err *err);
/* One condition from text, as REST query parameters give it: key and value
 * "H100", or key "load" with value "<0.5", ">=4", "!=busy", "in:H100,A100".
 * Values that parse as numbers are numbers. */
int attrq_add_text(struct attrq *q, const char *key, const char *value, struct lisp_err *err);
void attrq_free(struct attrq *q);

/* True when attrs (a JSON object, NULL: none) satisfies every condition. */
bool attrq_match(const struct attrq *q, const json_t *attrs);

/* "latency_ms,load", "-gpus": ascending unless the key starts with '-'. */
int attrq_policy_parse(const char *text, struct attrq_policy *p, struct lisp_err *err);
/* <0 when a ranks before b under the policy, >0 after, 0 tied. */
int attrq_policy_cmp(const struct attrq_policy *p, const json_t *a, const json_t *b);

#endif
