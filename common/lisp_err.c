/* SPDX-License-Identifier: BSD-3-Clause */
#include "lisp_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int lisp_err_set(struct lisp_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int lisp_err_prefix(struct lisp_err *err, int rc, const char *fmt, ...)
{
	char old[LISP_ERR_MSG_MAX];
	size_t n;
	va_list ap;
	int len;

	if (!err)
		return rc;
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	len = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = len < 0 ? 0 : (size_t)len;
	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		/* Keep as much of the nested reason as fits. */
		strncpy(err->msg + n, old, sizeof(err->msg) - n - 1);
		err->msg[sizeof(err->msg) - 1] = '\0';
	}
	return rc;
}
