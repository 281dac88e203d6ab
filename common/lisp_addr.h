/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain addresses and Instance-ID prefixes: the value types that the mapping
 * database, the map-cache, the config and the API share.  A prefix always
 * carries its Instance-ID; the text form is "[iid]address/len":
 *   [1000]240.1.1.1/32   [7]2001:db8::/64   [3]mac:00:11:22:33:44:55/48
 *   [1000]dn:agent-planner-7
 */
#ifndef LISPGW_LISP_ADDR_H
#define LISPGW_LISP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_err.h"

/* Address Family Numbers (IANA) used by LISP. */
#define LISP_AFI_NONE	0
#define LISP_AFI_IPV4	1
#define LISP_AFI_IPV6	2
#define LISP_AFI_MAC	6	/* 48-bit MAC */
#define LISP_AFI_DN	17	/* Distinguished Name, RFC 9735 */
#define LISP_AFI_LCAF	16387	/* RFC 8060 */

/* Longest Distinguished Name we accept, in bytes without the NUL. */
#define LISP_DN_MAX	255

/* Large enough for any formatted prefix, DN included. */
#define LISP_ADDR_STR_MAX	(LISP_DN_MAX + 32)

#define LISP_IID_MAX	0xffffffu	/* data-plane Instance-IDs are 24 bits */

struct lisp_addr {
	uint16_t afi;		/* LISP_AFI_NONE/IPV4/IPV6/MAC/DN */
	uint8_t dn_len;		/* AFI DN: length of dn without the NUL */
	union {
		uint8_t v4[4];
		uint8_t v6[16];
		uint8_t mac[6];
		char dn[LISP_DN_MAX + 1];
	};
};

struct lisp_prefix {
	uint32_t iid;
	uint8_t plen;
	struct lisp_addr addr;
};

/* An IPv4 or IPv6 address in 18 bytes, for tables that hold one per entry
 * (a struct lisp_addr keeps room for a 255-byte name). */
struct lisp_ipaddr {
	uint16_t afi;		/* LISP_AFI_IPV4, LISP_AFI_IPV6, or NONE */
	uint8_t bytes[16];
};

/* AFIs other than IPv4/IPv6 become LISP_AFI_NONE. */
void lisp_ipaddr_from_addr(struct lisp_ipaddr *ip, const struct lisp_addr *a);
void lisp_ipaddr_to_addr(const struct lisp_ipaddr *ip, struct lisp_addr *a);
bool lisp_ipaddr_equal(const struct lisp_ipaddr *a, const struct lisp_ipaddr *b);

/* Bytes the address occupies on the wire after its AFI (DN: with NUL). */
size_t lisp_addr_wire_len(const struct lisp_addr *a);

/* Maximum prefix length for the AFI: 32, 128, 48; 0 for NONE and DN. */
unsigned int lisp_addr_max_plen(uint16_t afi);

const char *lisp_afi_name(uint16_t afi);

void lisp_addr_set_v4(struct lisp_addr *a, const void *v4);
void lisp_addr_set_v6(struct lisp_addr *a, const void *v6);
int lisp_addr_set_dn(struct lisp_addr *a, const char *name, struct lisp_err *err);

bool lisp_addr_equal(const struct lisp_addr *a, const struct lisp_addr *b);
int lisp_addr_cmp(const struct lisp_addr *a, const struct lisp_addr *b);

/*
 * Text forms: "192.0.2.1", "2001:db8::1", "mac:00:11:22:33:44:55",
 * "dn:planner-7", "none".  A bare string that is neither IPv4 nor IPv6 is an
 * error, never silently a DN.
 */
int lisp_addr_parse(const char *s, struct lisp_addr *out, struct lisp_err *err);
int lisp_addr_format(const struct lisp_addr *a, char *buf, size_t len);

/* "[iid]addr/plen"; "[iid]" may be left out on input (IID 0); "/plen" may be
 * left out (host prefix).  Host bits past plen must be zero. */
int lisp_prefix_parse(const char *s, struct lisp_prefix *out, struct lisp_err *err);
int lisp_prefix_format(const struct lisp_prefix *p, char *buf, size_t len);

/* Clears the bits past plen (config convenience, and after arithmetic). */
void lisp_prefix_mask(struct lisp_prefix *p);
bool lisp_prefix_equal(const struct lisp_prefix *a, const struct lisp_prefix *b);
/* True when outer covers inner: same IID and AFI, shorter or equal length,
 * same leading bits.  DNs cover only themselves. */
bool lisp_prefix_covers(const struct lisp_prefix *outer, const struct lisp_prefix *inner);

#endif
