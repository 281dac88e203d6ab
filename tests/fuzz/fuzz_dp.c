/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data-plane header decoders (LISP, VXLAN/GBP, VXLAN-GPE); the first
 * input byte picks one.  Each is strict (dp_hdr.h), so a header it accepts
 * has no bits it ignored: encoding the decoded value must give back exactly
 * the 8 input bytes.  The control-path _parse() wrappers must agree.
 */
#include "dp_hdr.h"
#include "fuzz_common.h"

static void check_ok(enum dp_hdr_err e, int rc, const uint8_t *in, const uint8_t *out)
{
	(void)dp_hdr_err_name(e);
	FUZZ_ASSERT((e == DP_HDR_OK) == (rc == 0), "decode says %s, parse says %d",
		    dp_hdr_err_name(e), rc);
	if (e == DP_HDR_OK)
		fuzz_assert_same(in, 8, out, 8, "data header");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lisp_err err = { "" };
	uint8_t out[8] = { 0 };
	const uint8_t *p;
	enum dp_hdr_err e;
	size_t n;
	int rc;

	if (size < 1)
		return 0;
	p = data + 1;
	n = size - 1;
	switch (data[0] % 3) {
	case 0: {
		struct lisp_data_hdr h, h2;

		e = lisp_data_hdr_decode(p, n, &h);
		rc = lisp_data_hdr_parse(p, n, &h2, &err);
		if (e == DP_HDR_OK)
			lisp_data_hdr_encode(&h, out);
		break;
	}
	case 1: {
		struct vxlan_hdr h, h2;

		e = vxlan_hdr_decode(p, n, &h);
		rc = vxlan_hdr_parse(p, n, &h2, &err);
		if (e == DP_HDR_OK)
			vxlan_hdr_encode(&h, out);
		break;
	}
	default: {
		struct vxlan_gpe_hdr h, h2;

		e = vxlan_gpe_hdr_decode(p, n, &h);
		rc = vxlan_gpe_hdr_parse(p, n, &h2, &err);
		if (e == DP_HDR_OK)
			vxlan_gpe_hdr_encode(&h, out);
		break;
	}
	}
	check_ok(e, rc, p, out);
	return 0;
}
