/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-frame path of `lispgw-ctl decode` (ctl/decode_*.c): link layer,
 * IP/UDP, then every LISP/VXLAN decoder, then JSON.  The first input byte
 * picks the link type; the rest is one captured frame.  Whatever the frame,
 * the result must be a JSON object that serialises.
 */
#include <pcap/dlt.h>

#include "decode.h"
#include "fuzz_common.h"

static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj;
	char *text;

	if (size < 1)
		return 0;
	obj = decode_frame_json(linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))],
				data + 1, size - 1, 1);
	FUZZ_ASSERT(obj && json_is_object(obj), "no JSON object for a frame of %zu bytes",
		    size - 1);
	text = json_dumps(obj, JSON_COMPACT);
	FUZZ_ASSERT(text != NULL, "JSON does not serialise");
	free(text);
	json_decref(obj);
	return 0;
}
