/* SPDX-License-Identifier: BSD-3-Clause */
#include "lisp_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t lisp_addr_wire_len(const struct lisp_addr *a)
{
	switch (a->afi) {
	case LISP_AFI_IPV4:
		return 4;
	case LISP_AFI_IPV6:
		return 16;
	case LISP_AFI_MAC:
		return 6;
	case LISP_AFI_DN:
		return (size_t)a->dn_len + 1;
	default:
		return 0;
	}
}

unsigned int lisp_addr_max_plen(uint16_t afi)
{
	switch (afi) {
	case LISP_AFI_IPV4:
		return 32;
	case LISP_AFI_IPV6:
		return 128;
	case LISP_AFI_MAC:
		return 48;
	default:
		return 0;
	}
}

const char *lisp_afi_name(uint16_t afi)
{
	switch (afi) {
	case LISP_AFI_NONE:
		return "none";
	case LISP_AFI_IPV4:
		return "ipv4";
	case LISP_AFI_IPV6:
		return "ipv6";
	case LISP_AFI_MAC:
		return "mac";
	case LISP_AFI_DN:
		return "dn";
	case LISP_AFI_LCAF:
		return "lcaf";
	default:
		return "unknown";
	}
}

void lisp_addr_set_v4(struct lisp_addr *a, const void *v4)
{
	memset(a, 0, sizeof(*a));
	a->afi = LISP_AFI_IPV4;
	memcpy(a->v4, v4, 4);
}

void lisp_addr_set_v6(struct lisp_addr *a, const void *v6)
{
	memset(a, 0, sizeof(*a));
	a->afi = LISP_AFI_IPV6;
	memcpy(a->v6, v6, 16);
}

/* RFC 9735 names are ASCII strings; we also refuse control characters so
 * that a name is always safe to print in logs and tables. */
int lisp_addr_set_dn(struct lisp_addr *a, const char *name, struct lisp_err *err)
{
	size_t n = strlen(name);

	if (n == 0)
		return lisp_err_set(err, EINVAL, "distinguished name is empty");
	if (n > LISP_DN_MAX)
		return lisp_err_set(err, EINVAL,
				    "distinguished name is %zu bytes, longer than %d", n,
				    LISP_DN_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c > 0x7e)
			return lisp_err_set(err, EINVAL,
					    "distinguished name byte %zu (0x%02x) is not printable ASCII",
					    i, c);
	}
	memset(a, 0, sizeof(*a));
	a->afi = LISP_AFI_DN;
	a->dn_len = (uint8_t)n;
	memcpy(a->dn, name, n);
	return 0;
}

bool lisp_addr_equal(const struct lisp_addr *a, const struct lisp_addr *b)
{
	return lisp_addr_cmp(a, b) == 0;
}

int lisp_addr_cmp(const struct lisp_addr *a, const struct lisp_addr *b)
{
	size_t n;

	if (a->afi != b->afi)
		return a->afi < b->afi ? -1 : 1;
	if (a->afi == LISP_AFI_DN) {
		if (a->dn_len != b->dn_len)
			return a->dn_len < b->dn_len ? -1 : 1;
		return memcmp(a->dn, b->dn, a->dn_len);
	}
	n = lisp_addr_wire_len(a);
	return n ? memcmp(a->v6, b->v6, n) : 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int lisp_addr_parse(const char *s, struct lisp_addr *out, struct lisp_err *err)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(s, "none") == 0)
		return 0;
	if (strncmp(s, "dn:", 3) == 0)
		return lisp_addr_set_dn(out, s + 3, err);
	if (strncmp(s, "mac:", 4) == 0) {
		if (parse_mac(s + 4, out->mac) < 0)
			return lisp_err_set(err, EINVAL, "'%s' is not a MAC address", s);
		out->afi = LISP_AFI_MAC;
		return 0;
	}
	if (inet_pton(AF_INET, s, out->v4) == 1) {
		out->afi = LISP_AFI_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->v6) == 1) {
		out->afi = LISP_AFI_IPV6;
		return 0;
	}
	return lisp_err_set(err, EINVAL,
			    "'%s' is not an address (IPv4, IPv6, mac:..., dn:...)", s);
}

int lisp_addr_format(const struct lisp_addr *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	int n;

	switch (a->afi) {
	case LISP_AFI_NONE:
		n = snprintf(buf, len, "none");
		break;
	case LISP_AFI_IPV4:
		inet_ntop(AF_INET, a->v4, tmp, sizeof(tmp));
		n = snprintf(buf, len, "%s", tmp);
		break;
	case LISP_AFI_IPV6:
		inet_ntop(AF_INET6, a->v6, tmp, sizeof(tmp));
		n = snprintf(buf, len, "%s", tmp);
		break;
	case LISP_AFI_MAC:
		n = snprintf(buf, len, "mac:%02x:%02x:%02x:%02x:%02x:%02x", a->mac[0],
			     a->mac[1], a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
		break;
	case LISP_AFI_DN:
		n = snprintf(buf, len, "dn:%.*s", (int)a->dn_len, a->dn);
		break;
	default:
		n = snprintf(buf, len, "afi-%u", a->afi);
		break;
	}
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

static bool bits_zero_after(const uint8_t *bytes, unsigned int nbytes, unsigned int plen)
{
	for (unsigned int bit = plen; bit < nbytes * 8; bit++)
		if (bytes[bit / 8] & (0x80u >> (bit % 8)))
			return false;
	return true;
}

int lisp_prefix_parse(const char *s, struct lisp_prefix *out, struct lisp_err *err)
{
	char addr[LISP_ADDR_STR_MAX + 1];
	const char *p = s, *slash;
	unsigned long v;
	char *end;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	if (*p == '[') {
		errno = 0;
		v = strtoul(p + 1, &end, 10);
		if (end == p + 1 || *end != ']' || errno || v > UINT32_MAX)
			return lisp_err_set(err, EINVAL,
					    "'%s': instance-id must be a decimal number in [brackets]", s);
		out->iid = (uint32_t)v;
		p = end + 1;
	}
	/* A DN may itself contain '/', so only non-DN forms take a length. */
	slash = strncmp(p, "dn:", 3) == 0 ? NULL : strrchr(p, '/');
	n = slash ? (size_t)(slash - p) : strlen(p);
	if (n > LISP_ADDR_STR_MAX)
		return lisp_err_set(err, EINVAL, "'%s': address is too long", s);
	memcpy(addr, p, n);
	addr[n] = '\0';
	rc = lisp_addr_parse(addr, &out->addr, err);
	if (rc < 0)
		return rc;
	out->plen = (uint8_t)lisp_addr_max_plen(out->addr.afi);
	if (slash) {
		errno = 0;
		v = strtoul(slash + 1, &end, 10);
		if (end == slash + 1 || *end || errno ||
		    v > lisp_addr_max_plen(out->addr.afi))
			return lisp_err_set(err, EINVAL,
					    "'%s': prefix length must be 0..%u for %s", s,
					    lisp_addr_max_plen(out->addr.afi),
					    lisp_afi_name(out->addr.afi));
		out->plen = (uint8_t)v;
	}
	if (out->addr.afi != LISP_AFI_DN &&
	    !bits_zero_after(out->addr.v6, (unsigned int)lisp_addr_wire_len(&out->addr),
			     out->plen))
		return lisp_err_set(err, EINVAL, "'%s': bits set past the /%u prefix length",
				    s, out->plen);
	return 0;
}

int lisp_prefix_format(const struct lisp_prefix *p, char *buf, size_t len)
{
	char addr[LISP_ADDR_STR_MAX];
	int n;

	if (lisp_addr_format(&p->addr, addr, sizeof(addr)) < 0)
		return -ENOSPC;
	if (p->addr.afi == LISP_AFI_DN || p->addr.afi == LISP_AFI_NONE)
		n = snprintf(buf, len, "[%u]%s", p->iid, addr);
	else
		n = snprintf(buf, len, "[%u]%s/%u", p->iid, addr, p->plen);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return n;
}

void lisp_prefix_mask(struct lisp_prefix *p)
{
	unsigned int nbytes = (unsigned int)lisp_addr_wire_len(&p->addr);

	if (p->addr.afi == LISP_AFI_DN)
		return;
	for (unsigned int bit = p->plen; bit < nbytes * 8; bit++)
		p->addr.v6[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
}

bool lisp_prefix_equal(const struct lisp_prefix *a, const struct lisp_prefix *b)
{
	return a->iid == b->iid && a->plen == b->plen && lisp_addr_equal(&a->addr, &b->addr);
}

bool lisp_prefix_covers(const struct lisp_prefix *outer, const struct lisp_prefix *inner)
{
	unsigned int full, rem;

	if (outer->iid != inner->iid || outer->addr.afi != inner->addr.afi)
		return false;
	if (outer->addr.afi == LISP_AFI_DN)
		return lisp_addr_equal(&outer->addr, &inner->addr);
	if (outer->plen > inner->plen)
		return false;
	full = outer->plen / 8;
	rem = outer->plen % 8;
	if (memcmp(outer->addr.v6, inner->addr.v6, full) != 0)
		return false;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff00u >> rem);

		return (outer->addr.v6[full] & mask) == (inner->addr.v6[full] & mask);
	}
	return true;
}

void lisp_ipaddr_from_addr(struct lisp_ipaddr *ip, const struct lisp_addr *a)
{
	memset(ip, 0, sizeof(*ip));
	if (a->afi != LISP_AFI_IPV4 && a->afi != LISP_AFI_IPV6)
		return;
	ip->afi = a->afi;
	memcpy(ip->bytes, a->v6, lisp_addr_wire_len(a));
}

void lisp_ipaddr_to_addr(const struct lisp_ipaddr *ip, struct lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->afi = ip->afi;
	memcpy(a->v6, ip->bytes, ip->afi == LISP_AFI_IPV4 ? 4 : ip->afi == LISP_AFI_IPV6 ? 16 : 0);
}

bool lisp_ipaddr_equal(const struct lisp_ipaddr *a, const struct lisp_ipaddr *b)
{
	return a->afi == b->afi && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}
