/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Data-plane encapsulations to JSON: the LISP data header (RFC 9300), VXLAN
 * (RFC 7348) with its Group Policy extension, VXLAN-GPE, and a summary of
 * the inner packet.  The header fields come from common/dp_hdr.h, the same
 * strict decoders the data plane uses, so a header the tool shows as an
 * error is one the gateway would drop for the same named reason.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "decode_priv.h"
#include "dp_hdr.h"
#include "inet_hdr.h"
#include "wire.h"

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define IPPROTO_TCP_NUM	6
#define IPPROTO_UDP_NUM	17

/* Flags the RFCs leave reserved are shown as the raw byte next to the
 * named ones, so nothing on the wire is hidden by the naming. */
static json_t *flags_raw_json(uint8_t b)
{
	return ctl_u64_hex_json(b, 2);
}

/*
 * Inner IPv4/IPv6 header: version, addresses, protocol, and ports for UDP
 * and TCP.  Only the fixed header is read; IPv6 extension headers are
 * reported as the next-header value, not walked.
 */
static int inner_ip_json(json_t *inner, const uint8_t *p, size_t len, struct lisp_err *err)
{
	struct lisp_addr src, dst;
	uint8_t version = len ? p[0] >> 4 : 0, proto, ttl;
	bool has_ports = true;
	size_t hdr_len;
	json_t *ip;

	if (!len)
		return lisp_err_set(err, EBADMSG, "inner packet is empty");
	if (version == 4) {
		if (len < IPV4_HDR_LEN)
			return lisp_err_set(err, EBADMSG, "inner IPv4 header needs 20 bytes, got %zu",
					    len);
		hdr_len = (size_t)(p[0] & 0x0f) * 4;
		if (hdr_len < IPV4_HDR_LEN || hdr_len > len)
			return lisp_err_set(err, EBADMSG,
					    "inner IPv4 header length %zu does not fit %zu bytes",
					    hdr_len, len);
		ttl = p[8];
		proto = p[9];
		lisp_addr_set_v4(&src, p + 12);
		lisp_addr_set_v4(&dst, p + 16);
		/* Ports exist only in the first fragment. */
		if ((p[6] << 8 | p[7]) & 0x1fff)
			has_ports = false;
	} else if (version == 6) {
		if (len < IPV6_HDR_LEN)
			return lisp_err_set(err, EBADMSG, "inner IPv6 header needs 40 bytes, got %zu",
					    len);
		hdr_len = IPV6_HDR_LEN;
		proto = p[6];
		ttl = p[7];
		lisp_addr_set_v6(&src, p + 8);
		lisp_addr_set_v6(&dst, p + 24);
	} else {
		json_object_set_new(inner, "ip", json_pack("{s:i}", "version", version));
		return 0;
	}
	ip = json_pack("{s:i, s:o, s:o, s:i, s:i}", "version", version, "src",
		       ctl_addr_text_json(&src), "dst", ctl_addr_text_json(&dst), "protocol",
		       proto, "ttl", ttl);
	if (ip && has_ports && (proto == IPPROTO_UDP_NUM || proto == IPPROTO_TCP_NUM) &&
	    len >= hdr_len + 4) {
		json_object_set_new(ip, "sport", json_integer(p[hdr_len] << 8 | p[hdr_len + 1]));
		json_object_set_new(ip, "dport",
				    json_integer(p[hdr_len + 2] << 8 | p[hdr_len + 3]));
	}
	json_object_set_new(inner, "ip", ip);
	return 0;
}

static int inner_eth_json(json_t *inner, const uint8_t *p, size_t len, struct lisp_err *err)
{
	struct ctl_eth eth;

	if (ctl_eth_parse(p, len, &eth) < 0)
		return lisp_err_set(err, EBADMSG, "inner Ethernet header truncated (%zu bytes)", len);
	json_object_set_new(inner, "ethernet", ctl_eth_json(&eth));
	if (eth.ethertype == ETHERTYPE_IPV4 || eth.ethertype == ETHERTYPE_IPV6)
		return inner_ip_json(inner, p + eth.hdr_len, len - eth.hdr_len, err);
	return 0;
}

static int lisp_data_json(json_t *top, const uint8_t *p, size_t len, struct lisp_err *err)
{
	struct lisp_data_hdr h;
	json_t *o, *inner;
	int rc;

	rc = lisp_data_hdr_parse(p, len, &h, err);
	if (rc < 0) {
		json_object_set_new(top, "lisp_data",
				    json_pack("{s:o}", "raw", ctl_hex_json(p, len < 8 ? len : 8)));
		return lisp_err_prefix(err, rc, "LISP data header");
	}
	o = json_pack("{s:o, s:{s:b, s:b, s:b, s:b, s:b}}", "flags_raw", flags_raw_json(h.flags),
		      "flags", "nonce_present", h.flags & LISP_DF_N, "lsb_enabled",
		      h.flags & LISP_DF_L, "echo_nonce_request", h.flags & LISP_DF_E,
		      "map_version_present", h.flags & LISP_DF_V, "instance_id_present",
		      h.flags & LISP_DF_I);
	if (!o)
		return -ENOMEM;
	/* RFC 9300, 5.3: each field means something only under its flag. */
	if (h.flags & LISP_DF_N)
		json_object_set_new(o, "nonce", ctl_u64_hex_json(h.nonce, 6));
	if (h.flags & LISP_DF_V) {
		json_object_set_new(o, "src_map_version", json_integer(h.src_map_version));
		json_object_set_new(o, "dst_map_version", json_integer(h.dst_map_version));
	}
	if (h.flags & LISP_DF_I)
		json_object_set_new(o, "iid", json_integer(h.iid));
	if (h.flags & LISP_DF_L)
		json_object_set_new(o, "lsb", json_integer(h.lsb));
	json_object_set_new(top, "lisp_data", o);
	inner = json_object();
	json_object_set_new(top, "inner", inner);
	return inner_ip_json(inner, p + LISP_DATA_HDR_LEN, len - LISP_DATA_HDR_LEN, err);
}

static int vxlan_json(json_t *top, const uint8_t *p, size_t len, struct lisp_err *err)
{
	struct vxlan_hdr h;
	json_t *o, *inner;
	int rc;

	rc = vxlan_hdr_parse(p, len, &h, err);
	if (rc < 0) {
		json_object_set_new(top, "vxlan",
				    json_pack("{s:o}", "raw", ctl_hex_json(p, len < 8 ? len : 8)));
		return lisp_err_prefix(err, rc, "VXLAN header");
	}
	o = json_pack("{s:o, s:{s:b, s:b}, s:i}", "flags_raw", flags_raw_json(h.flags), "flags",
		      "gbp_extension", h.flags & VXLAN_F_G, "vni_valid", h.flags & VXLAN_F_I,
		      "vni", (int)h.vni);
	if (o && (h.flags & VXLAN_F_G))
		json_object_set_new(o, "gbp",
				    json_pack("{s:b, s:b, s:i}", "dont_learn",
					      h.gbp_flags & VXLAN_GBP_D, "policy_applied",
					      h.gbp_flags & VXLAN_GBP_A, "group_id", h.group_id));
	json_object_set_new(top, "vxlan", o);
	inner = json_object();
	json_object_set_new(top, "inner", inner);
	return inner_eth_json(inner, p + VXLAN_HDR_LEN, len - VXLAN_HDR_LEN, err);
}

static const char *gpe_np_name(uint8_t np)
{
	switch (np) {
	case VXLAN_GPE_NP_IPV4:
		return "ipv4";
	case VXLAN_GPE_NP_IPV6:
		return "ipv6";
	case VXLAN_GPE_NP_ETHERNET:
		return "ethernet";
	case VXLAN_GPE_NP_NSH:
		return "nsh";
	case VXLAN_GPE_NP_MPLS:
		return "mpls";
	default:
		return "unknown";
	}
}

static int gpe_json(json_t *top, const uint8_t *p, size_t len, struct lisp_err *err)
{
	struct vxlan_gpe_hdr h;
	const uint8_t *in = p + VXLAN_HDR_LEN;
	size_t in_len;
	json_t *o, *inner;
	int rc;

	rc = vxlan_gpe_hdr_parse(p, len, &h, err);
	if (rc < 0) {
		json_object_set_new(top, "vxlan_gpe",
				    json_pack("{s:o}", "raw", ctl_hex_json(p, len < 8 ? len : 8)));
		return lisp_err_prefix(err, rc, "VXLAN-GPE header");
	}
	in_len = len - VXLAN_HDR_LEN;
	o = json_pack("{s:o, s:{s:i, s:b, s:b, s:b, s:b}, s:i, s:s, s:i}", "flags_raw",
		      flags_raw_json(h.flags), "flags", "version", (h.flags & VXLAN_GPE_F_VER) >> 4,
		      "instance", h.flags & VXLAN_GPE_F_I, "next_protocol", h.flags & VXLAN_GPE_F_P,
		      "bum", h.flags & VXLAN_GPE_F_B, "oam", h.flags & VXLAN_GPE_F_O,
		      "next_protocol", h.next_proto, "next_protocol_name",
		      gpe_np_name(h.next_proto), "vni", (int)h.vni);
	json_object_set_new(top, "vxlan_gpe", o);
	inner = json_object();
	json_object_set_new(top, "inner", inner);
	switch (h.next_proto) {
	case VXLAN_GPE_NP_IPV4:
	case VXLAN_GPE_NP_IPV6:
		rc = inner_ip_json(inner, in, in_len, err);
		if (!rc && in_len && (in[0] >> 4) != (h.next_proto == VXLAN_GPE_NP_IPV4 ? 4 : 6))
			rc = lisp_err_set(err, EBADMSG,
					  "VXLAN-GPE next protocol %s but inner IP version %u",
					  gpe_np_name(h.next_proto), in[0] >> 4);
		return rc;
	case VXLAN_GPE_NP_ETHERNET:
		return inner_eth_json(inner, in, in_len, err);
	default:
		/* NSH and MPLS: not ours to parse; say how much there is. */
		json_object_set_new(inner, "length", json_integer((json_int_t)in_len));
		return 0;
	}
}

int ctl_dp_json(json_t *top, enum ctl_proto proto, const uint8_t *p, size_t len,
		struct lisp_err *err)
{
	switch (proto) {
	case CTL_P_DATA:
		return lisp_data_json(top, p, len, err);
	case CTL_P_VXLAN:
		return vxlan_json(top, p, len, err);
	case CTL_P_GPE:
		return gpe_json(top, p, len, err);
	default:
		return lisp_err_set(err, EINVAL, "not a data-plane protocol");
	}
}
