/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one error type of the project.  Every decoder and encoder returns 0
 * (or a length) / negative errno and, when given a struct lisp_err, fills
 * it with a sentence an operator can act on ("record 2: locator count 7
 * exceeds remaining 12 bytes"; nested decoders prefix their context).  A
 * request body, an agent or a configuration file also names what is at
 * fault: the member or key path ("rlocs[1].address",
 * "etr.map-servers[0].key-id") and, for a file, its line.
 */
#ifndef LISPGW_LISP_ERR_H
#define LISPGW_LISP_ERR_H

#include <stddef.h>

#define LISP_ERR_PATH_MAX	160
#define LISP_ERR_MSG_MAX	256

struct lisp_err {
	char msg[LISP_ERR_MSG_MAX];
	char path[LISP_ERR_PATH_MAX];	/* member or key at fault; "" the whole */
	unsigned int line;		/* in a file, 1-based; 0 unknown or none */
};

/* Sets err->msg (when err is non-NULL; no path, no line) and returns -code
 * (code > 0). */
int lisp_err_set(struct lisp_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The member at fault: err->path = path and err->msg = "path: text" (just
 * the text when path is ""); returns -code. */
int lisp_err_at(struct lisp_err *err, int code, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prepends "context: " to an error already set by a nested decoder. */
int lisp_err_prefix(struct lisp_err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
