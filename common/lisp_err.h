/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error reasons for the codecs: every decoder and encoder returns 0 (or a
 * length) / negative errno and, when given a struct lisp_err, fills it with
 * a sentence an operator can act on ("record 2: locator count 7 exceeds
 * remaining 12 bytes").  Nested decoders prefix their context.
 */
#ifndef LISPGW_LISP_ERR_H
#define LISPGW_LISP_ERR_H

#include <stddef.h>

#define LISP_ERR_MSG_MAX 200

struct lisp_err {
	char msg[LISP_ERR_MSG_MAX];
};

/* Sets err->msg (when err is non-NULL) and returns -code (code > 0). */
int lisp_err_set(struct lisp_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepends "context: " to an error already set by a nested decoder. */
int lisp_err_prefix(struct lisp_err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
