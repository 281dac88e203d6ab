/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data-plane encapsulation headers, all 8 bytes after the outer UDP header:
 *
 * LISP (RFC 9300, section 5.3), UDP port 4341:
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |N|L|E|V|I|R|K|K|            Nonce/Map-Version                  |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                 Instance ID/Locator-Status-Bits               |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   With V: the nonce field is Source Map-Version (12) | Dest Map-Version (12).
 *   With I: the second word is Instance ID (24) | LSBs (8).
 *
 * VXLAN (RFC 7348), UDP port 4789, and its Group Policy extension (G bit):
 *    |G|R|R|R|I|R|R|R|R|D|R|R|A|R|R|R|        Group Policy ID        |
 *    |                VXLAN Network Identifier (VNI) |   Reserved    |
 *
 * VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe), UDP port 4790:
 *    |R|R|Ver|I|P|B|O|       Reserved                |Next Protocol  |
 *    |                VXLAN Network Identifier (VNI) |   Reserved    |
 *
 * The decoders are strict where the RFCs let a receiver ignore bits: an
 * unknown or contradictory flag is a named drop reason, as in the kernel's
 * vxlan_rcv(), because a header we do not fully understand is not one we
 * should forward into a VRF.
 */
#ifndef LISPGW_DP_HDR_H
#define LISPGW_DP_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"

#define LISP_DATA_HDR_LEN	8
#define VXLAN_HDR_LEN		8
#define VXLAN_PORT		4789
#define VXLAN_GPE_PORT		4790

#define LISP_DF_N	0x80	/* nonce present */
#define LISP_DF_L	0x40	/* locator-status-bits */
#define LISP_DF_E	0x20	/* echo-nonce request */
#define LISP_DF_V	0x10	/* map-version present */
#define LISP_DF_I	0x08	/* instance-id present */
#define LISP_DF_RSVD	0x04	/* R: reserved */
#define LISP_DF_KK	0x03	/* key id (RFC 8061) */

#define VXLAN_F_G	0x80
#define VXLAN_F_I	0x08
#define VXLAN_GBP_D	0x40	/* second flags byte: don't learn */
#define VXLAN_GBP_A	0x08	/* policy applied */

#define VXLAN_GPE_F_VER	0x30
#define VXLAN_GPE_F_I	0x08
#define VXLAN_GPE_F_P	0x04
#define VXLAN_GPE_F_B	0x02
#define VXLAN_GPE_F_O	0x01

#define VXLAN_GPE_NP_IPV4	1
#define VXLAN_GPE_NP_IPV6	2
#define VXLAN_GPE_NP_ETHERNET	3
#define VXLAN_GPE_NP_NSH	4
#define VXLAN_GPE_NP_MPLS	5

/* Drop reasons of the header decoders; the data plane counts each. */
#define DP_HDR_ERRORS(X)                                           \
	X(TRUNCATED, "header truncated")                           \
	X(LISP_RSVD_FLAG, "LISP R flag set")                       \
	X(LISP_KEY_ID, "LISP K bits set (no RFC 8061 keys)")       \
	X(LISP_N_AND_V, "LISP N and V both set")                   \
	X(LISP_E_WITHOUT_N, "LISP E set without N")                \
	X(VXLAN_NO_I, "VXLAN I flag clear")                        \
	X(VXLAN_RSVD_FLAG, "VXLAN reserved flag set")              \
	X(VXLAN_RSVD_FIELD, "VXLAN reserved field non-zero")       \
	X(GPE_VERSION, "VXLAN-GPE version not 0")                  \
	X(GPE_NO_P, "VXLAN-GPE P flag clear")                      \
	X(GPE_NEXT_PROTO, "VXLAN-GPE next protocol unsupported")

enum dp_hdr_err {
	DP_HDR_OK = 0,
#define DP_HDR_ENUM(name, text) DP_HDR_ERR_##name,
	DP_HDR_ERRORS(DP_HDR_ENUM)
#undef DP_HDR_ENUM
	DP_HDR_ERR_COUNT
};

const char *dp_hdr_err_name(enum dp_hdr_err e);

struct lisp_data_hdr {
	uint8_t flags;		/* LISP_DF_* */
	uint32_t nonce;		/* 24 bits, with N (or E) */
	uint16_t src_map_version, dst_map_version;	/* 12 bits each, with V */
	uint32_t iid;		/* 24 bits, with I */
	uint32_t lsb;		/* with L: 32 bits, or 8 bits when I is set */
};

struct vxlan_hdr {
	uint8_t flags;		/* VXLAN_F_* */
	uint8_t gbp_flags;	/* VXLAN_GBP_D / _A (with G) */
	uint16_t group_id;	/* with G */
	uint32_t vni;
};

struct vxlan_gpe_hdr {
	uint8_t flags;		/* VXLAN_GPE_F_* */
	uint8_t next_proto;
	uint32_t vni;
};

/* Hot-path encoders: write exactly 8 bytes. */
static inline void lisp_data_hdr_encode(const struct lisp_data_hdr *h, uint8_t *p)
{
	uint32_t w0, w1;

	w0 = (uint32_t)h->flags << 24;
	if (h->flags & LISP_DF_V)
		w0 |= (uint32_t)(h->src_map_version & 0xfff) << 12 | (h->dst_map_version & 0xfff);
	else
		w0 |= h->nonce & 0xffffff;
	if (h->flags & LISP_DF_I)
		w1 = (h->iid & 0xffffff) << 8 | (h->lsb & 0xff);
	else
		w1 = h->lsb;
	p[0] = (uint8_t)(w0 >> 24);
	p[1] = (uint8_t)(w0 >> 16);
	p[2] = (uint8_t)(w0 >> 8);
	p[3] = (uint8_t)w0;
	p[4] = (uint8_t)(w1 >> 24);
	p[5] = (uint8_t)(w1 >> 16);
	p[6] = (uint8_t)(w1 >> 8);
	p[7] = (uint8_t)w1;
}

static inline void vxlan_hdr_encode(const struct vxlan_hdr *h, uint8_t *p)
{
	p[0] = h->flags;
	p[1] = (h->flags & VXLAN_F_G) ? h->gbp_flags : 0;
	p[2] = (h->flags & VXLAN_F_G) ? (uint8_t)(h->group_id >> 8) : 0;
	p[3] = (h->flags & VXLAN_F_G) ? (uint8_t)h->group_id : 0;
	p[4] = (uint8_t)(h->vni >> 16);
	p[5] = (uint8_t)(h->vni >> 8);
	p[6] = (uint8_t)h->vni;
	p[7] = 0;
}

static inline void vxlan_gpe_hdr_encode(const struct vxlan_gpe_hdr *h, uint8_t *p)
{
	p[0] = h->flags;
	p[1] = 0;
	p[2] = 0;
	p[3] = h->next_proto;
	p[4] = (uint8_t)(h->vni >> 16);
	p[5] = (uint8_t)(h->vni >> 8);
	p[6] = (uint8_t)h->vni;
	p[7] = 0;
}

/*
 * Hot-path decoders: validate and fill; return DP_HDR_OK or a drop reason.
 * RFC 9300 lets a receiver ignore the R bit; we drop (see above).
 */
/* The flags byte of a LISP data header: DP_HDR_OK or why it is refused
 * (lisp_data_hdr_decode(), and lispgw-dp's check of the usual packet). */
static inline enum dp_hdr_err lisp_data_flags_check(uint8_t flags)
{
	if (flags & LISP_DF_RSVD)
		return DP_HDR_ERR_LISP_RSVD_FLAG;
	if (flags & LISP_DF_KK)
		return DP_HDR_ERR_LISP_KEY_ID;
	/* RFC 9300, 5.3: V and N are exclusive; E is meaningful only with N. */
	if ((flags & LISP_DF_N) && (flags & LISP_DF_V))
		return DP_HDR_ERR_LISP_N_AND_V;
	if ((flags & LISP_DF_E) && !(flags & LISP_DF_N))
		return DP_HDR_ERR_LISP_E_WITHOUT_N;
	return DP_HDR_OK;
}

static inline enum dp_hdr_err lisp_data_hdr_decode(const uint8_t *p, size_t len,
						   struct lisp_data_hdr *h)
{
	enum dp_hdr_err e;
	uint32_t w0, w1;

	if (len < LISP_DATA_HDR_LEN)
		return DP_HDR_ERR_TRUNCATED;
	w0 = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	w1 = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	h->flags = p[0];
	e = lisp_data_flags_check(h->flags);
	if (e != DP_HDR_OK)
		return e;
	h->nonce = 0;
	h->src_map_version = h->dst_map_version = 0;
	if (h->flags & LISP_DF_V) {
		h->src_map_version = (w0 >> 12) & 0xfff;
		h->dst_map_version = w0 & 0xfff;
	} else {
		h->nonce = w0 & 0xffffff;
	}
	if (h->flags & LISP_DF_I) {
		h->iid = w1 >> 8;
		h->lsb = w1 & 0xff;
	} else {
		h->iid = 0;
		h->lsb = w1;
	}
	return DP_HDR_OK;
}

static inline enum dp_hdr_err vxlan_hdr_decode(const uint8_t *p, size_t len, struct vxlan_hdr *h)
{
	if (len < VXLAN_HDR_LEN)
		return DP_HDR_ERR_TRUNCATED;
	h->flags = p[0];
	/* RFC 7348: I MUST be 1 for a valid VNI. */
	if (!(h->flags & VXLAN_F_I))
		return DP_HDR_ERR_VXLAN_NO_I;
	if (h->flags & ~(VXLAN_F_I | VXLAN_F_G))
		return DP_HDR_ERR_VXLAN_RSVD_FLAG;
	if (h->flags & VXLAN_F_G) {
		if (p[1] & ~(VXLAN_GBP_D | VXLAN_GBP_A))
			return DP_HDR_ERR_VXLAN_RSVD_FLAG;
		h->gbp_flags = p[1];
		h->group_id = (uint16_t)(p[2] << 8 | p[3]);
	} else {
		if (p[1] | p[2] | p[3])
			return DP_HDR_ERR_VXLAN_RSVD_FIELD;
		h->gbp_flags = 0;
		h->group_id = 0;
	}
	if (p[7])
		return DP_HDR_ERR_VXLAN_RSVD_FIELD;
	h->vni = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
	return DP_HDR_OK;
}

static inline enum dp_hdr_err vxlan_gpe_hdr_decode(const uint8_t *p, size_t len,
						   struct vxlan_gpe_hdr *h)
{
	if (len < VXLAN_HDR_LEN)
		return DP_HDR_ERR_TRUNCATED;
	h->flags = p[0];
	if (h->flags & VXLAN_GPE_F_VER)
		return DP_HDR_ERR_GPE_VERSION;
	if (!(h->flags & VXLAN_GPE_F_I))
		return DP_HDR_ERR_VXLAN_NO_I;
	if (!(h->flags & VXLAN_GPE_F_P))
		return DP_HDR_ERR_GPE_NO_P;
	if (h->flags & 0xc0)
		return DP_HDR_ERR_VXLAN_RSVD_FLAG;
	if (p[1] | p[2] | p[7])
		return DP_HDR_ERR_VXLAN_RSVD_FIELD;
	h->next_proto = p[3];
	if (h->next_proto < VXLAN_GPE_NP_IPV4 || h->next_proto > VXLAN_GPE_NP_MPLS)
		return DP_HDR_ERR_GPE_NEXT_PROTO;
	h->vni = (uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6];
	return DP_HDR_OK;
}

/* Control-path wrappers with a sentence for logs and tools. */
int lisp_data_hdr_parse(const uint8_t *p, size_t len, struct lisp_data_hdr *h,
			struct lisp_err *err);
int vxlan_hdr_parse(const uint8_t *p, size_t len, struct vxlan_hdr *h, struct lisp_err *err);
int vxlan_gpe_hdr_parse(const uint8_t *p, size_t len, struct vxlan_gpe_hdr *h,
			struct lisp_err *err);

#endif
