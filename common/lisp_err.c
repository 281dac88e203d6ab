/* SPDX-License-Identifier: BSD-3-Clause */
#include "lisp_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int lisp_err_set(struct lisp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->line = 0;
		err->path[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int lisp_err_at(struct lisp_err *err, int code, const char *path, const char *fmt, ...)
{
	char text[LISP_ERR_MSG_MAX];
	va_list ap;

	if (!err)
		return -code;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	err->line = 0;
	snprintf(err->path, sizeof(err->path), "%s", path);
	/* Cut at the end when too long: the start names the member. */
	if (snprintf(err->msg, sizeof(err->msg), "%s%s%s", path, *path ? ": " : "", text) >=
	    (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0';
	return -code;
}

int lisp_err_prefix(struct lisp_err *err, int rc, const char *fmt, ...)
{
	char ctx[LISP_ERR_MSG_MAX], old[LISP_ERR_MSG_MAX];
	size_t nctx, nold, room;
	va_list ap;

	if (!err)
		return rc;
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(ctx, sizeof(ctx), fmt, ap);
	va_end(ap);
	nctx = strlen(ctx);
	nold = strlen(old);
	/* When the chain outgrows the buffer, drop the middle of the nested
	 * context: the innermost reason is what the operator needs. */
	room = sizeof(err->msg) - 1;
	if (nctx + 2 + nold <= room) {
		memcpy(err->msg, ctx, nctx);
		memcpy(err->msg + nctx, ": ", 2);
		memcpy(err->msg + nctx + 2, old, nold + 1);
	} else {
		size_t keep_ctx = nctx < room / 3 ? nctx : room / 3;
		size_t keep_old = room - keep_ctx - 5;

		memcpy(err->msg, ctx, keep_ctx);
		memcpy(err->msg + keep_ctx, ": ...", 5);
		memcpy(err->msg + keep_ctx + 5, old + (nold > keep_old ? nold - keep_old : 0),
		       nold > keep_old ? keep_old : nold);
		err->msg[keep_ctx + 5 + (nold > keep_old ? keep_old : nold)] = '\0';
	}
	return rc;
}
