/* SPDX-License-Identifier: BSD-3-Clause */
#include "json_keys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int json_check_keys(struct lisp_err *e, json_t *obj, const char *prefix,
		    const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const char *const *k;
		char path[96];

		for (k = known; *k; k++)
			if (strcmp(*k, key) == 0)
				break;
		if (*k)
			continue;
		/* The key is the client's: cut, so the path stays readable. */
		snprintf(path, sizeof(path), "%s%s%.60s", prefix, *prefix ? "." : "", key);
		return lisp_err_at(e, EINVAL, path, "unknown field");
	}
	return 0;
}
