/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict JSON objects for request bodies and state files (REST mappings,
 * agents): a member nobody reads is a mistake to report, never to ignore.
 */
#ifndef LISPGW_JSON_KEYS_H
#define LISPGW_JSON_KEYS_H

#include <jansson.h>

#include "lisp_err.h"

/* 0 when every member of obj is in known (NULL-terminated); otherwise
 * -EINVAL with the first other one in e: path "prefix.key" (prefix "" at
 * the top), "unknown field". */
int json_check_keys(struct lisp_err *e, json_t *obj, const char *prefix,
		    const char *const *known);

#endif
