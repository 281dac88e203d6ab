/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_hdr.h"

#include <errno.h>

static const char *const dp_hdr_err_names[DP_HDR_ERR_COUNT] = {
	[DP_HDR_OK] = "ok",
#define DP_HDR_NAME(name, text) [DP_HDR_ERR_##name] = text,
	DP_HDR_ERRORS(DP_HDR_NAME)
#undef DP_HDR_NAME
};

const char *dp_hdr_err_name(enum dp_hdr_err e)
{
	return (unsigned int)e < DP_HDR_ERR_COUNT ? dp_hdr_err_names[e] : "unknown";
}

static int report(enum dp_hdr_err e, size_t len, struct lisp_err *err)
{
	if (e == DP_HDR_OK)
		return 0;
	if (e == DP_HDR_ERR_TRUNCATED)
		return lisp_err_set(err, EBADMSG, "header needs 8 bytes, got %zu", len);
	return lisp_err_set(err, EBADMSG, "%s", dp_hdr_err_name(e));
}

int lisp_data_hdr_parse(const uint8_t *p, size_t len, struct lisp_data_hdr *h,
			struct lisp_err *err)
{
	return report(lisp_data_hdr_decode(p, len, h), len, err);
}

int vxlan_hdr_parse(const uint8_t *p, size_t len, struct vxlan_hdr *h, struct lisp_err *err)
{
	return report(vxlan_hdr_decode(p, len, h), len, err);
}

int vxlan_gpe_hdr_parse(const uint8_t *p, size_t len, struct vxlan_gpe_hdr *h,
			struct lisp_err *err)
{
	return report(vxlan_gpe_hdr_decode(p, len, h), len, err);
}
