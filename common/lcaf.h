/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire addresses: an AFI followed by its address, where the address may be an
 * LISP Canonical Address Format tree (RFC 8060).  Records, locators, ITR-RLOCs
 * and source EIDs are all wire addresses.  Decoding builds the tree in an
 * arena; encoding writes it back byte for byte (lengths are recomputed).
 *
 * LCAF header (RFC 8060, section 3):
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           AFI = 16387         |     Rsvd1     |     Flags     |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |    Type       |     Rsvd2     |            Length             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Length counts the bytes after the Length field.
 */
#ifndef LISPGW_LCAF_H
#define LISPGW_LCAF_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "lisp_addr.h"
#include "lisp_err.h"
#include "wire.h"

#define LCAF_TYPE_AFI_LIST	1
#define LCAF_TYPE_IID		2
#define LCAF_TYPE_ASN		3
#define LCAF_TYPE_GEO		5
#define LCAF_TYPE_NAT		7
#define LCAF_TYPE_SRCDST	12
#define LCAF_TYPE_JSON		14
#define LCAF_TYPE_KV		15

/* Nesting deeper than this is refused (a hostile message could otherwise
 * recurse the decoder off its stack). */
#define LCAF_DEPTH_MAX		8

/* Geo altitude value meaning "no altitude" (RFC 8060, section 4.3). */
#define LCAF_GEO_NO_ALT		0x7fffffff

struct lisp_waddr;

struct lcaf_geo {
	bool north;
	uint16_t lat_deg;	/* 15 bits */
	uint8_t lat_min, lat_sec;
	bool east;
	uint16_t lon_deg;
	uint8_t lon_min, lon_sec;
	int32_t alt;
	struct lisp_waddr *addr;
};

struct lcaf_nat {
	uint16_t ms_port, etr_port;
	struct lisp_waddr *global_etr, *ms, *private_etr;
	uint16_t rtr_count;
	struct lisp_waddr *rtrs;	/* array of rtr_count */
};

struct lisp_lcaf {
	uint8_t type;
	uint8_t rsvd1;
	uint8_t flags;
	uint8_t rsvd2;		/* IID: mask-len; JSON: B-bit in bit 0 */
	union {
		struct {
			uint32_t iid;
			struct lisp_waddr *addr;
		} iid;
		struct {
			uint16_t count;
			struct lisp_waddr *items;	/* array of count */
		} list;
		struct {
			uint32_t asn;
			struct lisp_waddr *addr;
		} asn;
		struct lcaf_geo geo;
		struct lcaf_nat nat;
		struct {
			uint16_t rsvd;
			uint8_t src_ml, dst_ml;
			struct lisp_waddr *src, *dst;
		} srcdst;
		struct {
			uint16_t len;
			const char *text;	/* not NUL-terminated on decode */
			struct lisp_waddr *addr;	/* AFI 0 when absent */
		} json;
		struct {
			struct lisp_waddr *key, *value;
		} kv;
		struct {
			uint16_t len;
			const uint8_t *bytes;	/* unknown type: body kept as is */
		} opaque;
	};
};

struct lisp_waddr {
	uint16_t afi;			/* LISP_AFI_* */
	struct lisp_addr plain;		/* afi != LISP_AFI_LCAF */
	struct lisp_lcaf lcaf;		/* afi == LISP_AFI_LCAF */
};

/*
 * Reads AFI + address at the cursor.  Unknown AFIs are an error: their length
 * is unknowable, so nothing after them can be parsed.  Unknown LCAF types are
 * kept opaque (their length is known).
 */
int lisp_waddr_decode(struct wire_rd *r, struct lisp_arena *a, struct lisp_waddr *out,
		      struct lisp_err *err);
int lisp_waddr_encode(struct wire_wr *w, const struct lisp_waddr *in, struct lisp_err *err);

void lisp_waddr_from_addr(struct lisp_waddr *w, const struct lisp_addr *a);

/* Wire form of an EID prefix: IID LCAF around the plain address when the
 * IID is not 0 (RFC 8060, section 4.1), the plain address otherwise.
 * inner is caller storage for the wrapped address. */
void lisp_waddr_from_prefix(struct lisp_waddr *w, struct lisp_waddr *inner,
			    const struct lisp_prefix *p);

/* The reverse for a record: plain or IID-wrapped plain address plus the
 * record's mask-len.  -ENOTSUP for any other shape (Source/Dest, lists). */
int lisp_waddr_to_prefix(const struct lisp_waddr *w, uint8_t mask_len, struct lisp_prefix *out,
			 struct lisp_err *err);

/* The plain RLOC inside a locator address: itself, or the address carried by
 * a JSON/Geo/IID LCAF, or the first IPv4/IPv6 item of an AFI-List. */
const struct lisp_addr *lisp_waddr_rloc(const struct lisp_waddr *w);

/* The JSON text attached to a locator or EID (JSON LCAF anywhere inside an
 * AFI-List or directly), NULL if none. */
const struct lisp_lcaf *lisp_waddr_json(const struct lisp_waddr *w);

const char *lcaf_type_name(uint8_t type);

/*
 * Context constraints on a Map-Request's EID-record (CATS, docs/cats.md):
 * the EID is a Key/Value LCAF (RFC 8060, section 4.11) whose key is the
 * EID address and whose value carries the constraints, a JSON object as
 * text; an Instance-ID LCAF wraps it when the IID is not 0:
 *
 *   IID LCAF (type 2, IID)            when IID != 0
 *    `- Key/Value LCAF (type 15)
 *        |- key:   AFI 1/2/6/17 EID address (the prefix; mask-len in the record)
 *        `- value: AFI 17 (Distinguished Name) "{"gpu":"H100",...}"
 *                  or a JSON LCAF (type 14) with AFI 0 after the text
 *
 * The DN form is what we send when the text fits (1..255 printable ASCII
 * bytes, JSON_ENSURE_ASCII output does): every dissector that knows RFC
 * 8060 decodes it in full, which tshark 4.0 does not do for JSON LCAFs.
 * Longer text goes in a JSON LCAF; both are accepted.
 */
#define LCAF_CONSTRAINTS_MAX	4096	/* longest constraints text accepted */

/* Storage for the address tree lcaf_constraints_wrap() builds. */
struct lcaf_constraints_buf {
	struct lisp_waddr kv, key, value;
};

/*
 * The prefix an EID-record asks for and, when it carries constraints,
 * their text (not NUL-terminated; lives as long as the decoded message).
 * Returns 1 with constraints, 0 for a plain (IID-)prefix (*text NULL),
 * -ENOTSUP for an EID that is neither, -EBADMSG for a Key/Value EID whose
 * key or value does not have the shape above.
 */
int lcaf_constraints_decode(const struct lisp_waddr *eid, uint8_t mask_len,
			    struct lisp_prefix *prefix, const char **text, size_t *len,
			    struct lisp_err *err);
/* Builds the EID address of a constrained request for p into *out (and b).
 * -EINVAL for empty text or text longer than LCAF_CONSTRAINTS_MAX. */
int lcaf_constraints_wrap(struct lisp_waddr *out, struct lcaf_constraints_buf *b,
			  const struct lisp_prefix *p, const char *text, size_t len,
			  struct lisp_err *err);

#endif
