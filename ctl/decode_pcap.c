/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capture files to JSON Lines: libpcap reads pcap and pcapng alike; this
 * file peels the link layer, parses the outer IP/UDP with the same
 * inet_udp_decode() the control plane uses, picks the protocol by UDP port
 * and hands the payload to decode_json.c (control) or decode_dp.c (data).
 *
 * Port choice: the destination port decides first, because the source
 * port of data-plane traffic is a flow hash that may be any number (RFC
 * 9300, 5.3; RFC 7348, 5) while the destination is always the service.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "decode_priv.h"
#include "inet_hdr.h"
#include "lisp_msg.h"
#include "dp_hdr.h"
#include "wire.h"

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_IPV6	0x86dd
#define IPPROTO_UDP_NUM	17

/* LINKTYPE_RAW as stored in files; libpcap maps it to DLT_RAW, but a fuzz
 * target or a caller reading the header itself may pass the file value. */
#define LINKTYPE_RAW_FILE	101

#define SLL_HDR_LEN	16
#define SLL2_HDR_LEN	20
#define NULL_HDR_LEN	4

/* Where the IP packet starts in a frame, and what the link layer said. */
struct link_info {
	const uint8_t *ip;
	size_t ip_len;
	json_t *json;
};

json_t *ctl_mac_json(const uint8_t mac[6])
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return json_string(buf);
}

static bool is_vlan_tpid(uint16_t type)
{
	return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

/* Peels 802.1Q/802.1ad tags at the cursor; type holds the TPID on entry
 * and the real ethertype on return. */
static int vlans_peel(struct wire_rd *r, uint16_t *type, uint16_t *vlans, unsigned int *count)
{
	uint16_t tci;

	*count = 0;
	while (is_vlan_tpid(*type)) {
		if (*count == CTL_VLAN_MAX)
			return -1;
		if (wire_get_u16(r, &tci) < 0 || wire_get_u16(r, type) < 0)
			return -1;
		vlans[(*count)++] = tci & 0x0fff;
	}
	return 0;
}

int ctl_eth_parse(const uint8_t *p, size_t len, struct ctl_eth *eth)
{
	struct wire_rd r;

	memset(eth, 0, sizeof(*eth));
	wire_rd_init(&r, p, len);
	if (wire_get_bytes(&r, eth->dst, 6) < 0 || wire_get_bytes(&r, eth->src, 6) < 0 ||
	    wire_get_u16(&r, &eth->ethertype) < 0)
		return -1;
	if (vlans_peel(&r, &eth->ethertype, eth->vlans, &eth->vlan_count) < 0)
		return -1;
	eth->hdr_len = wire_rd_off(&r);
	return 0;
}

static json_t *vlans_json(const uint16_t *vlans, unsigned int count)
{
	json_t *arr = json_array();

	for (unsigned int i = 0; i < count; i++)
		json_array_append_new(arr, json_integer(vlans[i]));
	return arr;
}

json_t *ctl_eth_json(const struct ctl_eth *eth)
{
	return json_pack("{s:o, s:o, s:i, s:o}", "dst", ctl_mac_json(eth->dst), "src",
			 ctl_mac_json(eth->src), "ethertype", eth->ethertype, "vlans",
			 vlans_json(eth->vlans, eth->vlan_count));
}

bool decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_EN10MB:
	case DLT_RAW:
	case LINKTYPE_RAW_FILE:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

static const char *linktype_name(int linktype)
{
	const char *name = linktype == LINKTYPE_RAW_FILE ? "RAW"
							 : pcap_datalink_val_to_name(linktype);

	return name ? name : "unknown";
}

/* BSD loopback: the address family in the byte order of the machine that
 * captured (DLT_NULL) or in network order (DLT_LOOP).  AF_INET6 differs
 * between systems (Linux 10, Windows 23, BSDs 24, FreeBSD 28, Darwin 30),
 * so any of them is taken as IPv6 and the IP version nibble has the last say. */
static bool null_af_is_ip(const uint8_t *p, int linktype)
{
	uint32_t be = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	uint32_t le = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	uint32_t af = linktype == DLT_LOOP || be <= 0xffff ? be : le;

	return af == 2 || af == 10 || af == 23 || af == 24 || af == 28 || af == 30;
}

/* 0 with li filled when the frame holds an IPv4/IPv6 packet, -1 otherwise. */
static int link_parse(int linktype, const uint8_t *f, size_t len, struct link_info *li)
{
	uint16_t vlans[CTL_VLAN_MAX], type = 0;
	unsigned int vlan_count = 0;
	struct ctl_eth eth;
	struct wire_rd r;
	size_t off;

	li->json = NULL;
	switch (linktype) {
	case DLT_EN10MB:
		if (ctl_eth_parse(f, len, &eth) < 0)
			return -1;
		li->json = ctl_eth_json(&eth);
		type = eth.ethertype;
		off = eth.hdr_len;
		break;
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
		/* SLL: protocol at 14 of 16 bytes; SLL2: at 0 of 20 bytes.
		 * libpcap re-inserts stripped VLAN tags after either. */
		off = linktype == DLT_LINUX_SLL ? SLL_HDR_LEN : SLL2_HDR_LEN;
		if (len < off)
			return -1;
		type = linktype == DLT_LINUX_SLL ? (uint16_t)(f[14] << 8 | f[15])
						 : (uint16_t)(f[0] << 8 | f[1]);
		wire_rd_init(&r, f, len);
		r.p += off;
		if (vlans_peel(&r, &type, vlans, &vlan_count) < 0)
			return -1;
		off = wire_rd_off(&r);
		li->json = json_pack("{s:i, s:o}", "ethertype", type, "vlans",
				     vlans_json(vlans, vlan_count));
		break;
	case DLT_NULL:
	case DLT_LOOP:
		if (len < NULL_HDR_LEN || !null_af_is_ip(f, linktype))
			return -1;
		off = NULL_HDR_LEN;
		li->json = json_object();
		break;
	case DLT_RAW:
	case LINKTYPE_RAW_FILE:
	case DLT_IPV4:
	case DLT_IPV6:
		off = 0;
		li->json = json_object();
		break;
	default:
		return -1;
	}
	if (linktype == DLT_EN10MB || linktype == DLT_LINUX_SLL || linktype == DLT_LINUX_SLL2) {
		if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6)
			goto not_ip;
	}
	if (off >= len)
		goto not_ip;
	li->ip = f + off;
	li->ip_len = len - off;
	if (li->json)
		json_object_set_new(li->json, "type", json_string(linktype_name(linktype)));
	return 0;
not_ip:
	json_decref(li->json);
	li->json = NULL;
	return -1;
}

static enum ctl_proto port_proto(uint16_t port)
{
	switch (port) {
	case LISP_CONTROL_PORT:
		return CTL_P_CONTROL;
	case LISP_DATA_PORT:
		return CTL_P_DATA;
	case VXLAN_PORT:
		return CTL_P_VXLAN;
	case VXLAN_GPE_PORT:
		return CTL_P_GPE;
	default:
		return CTL_P_NONE;
	}
}

static enum ctl_proto udp_proto(const struct inet_udp *u)
{
	enum ctl_proto p = port_proto(u->dport);

	return p != CTL_P_NONE ? p : port_proto(u->sport);
}

static const char *proto_name(enum ctl_proto p)
{
	static const char *const names[] = {
		[CTL_P_NONE] = "none",	       [CTL_P_CONTROL] = "lisp-control",
		[CTL_P_DATA] = "lisp-data",    [CTL_P_VXLAN] = "vxlan",
		[CTL_P_GPE] = "vxlan-gpe",
	};

	return names[p];
}

/*
 * When inet_udp_decode() refuses a packet (truncated capture, bad length,
 * fragment) we still want to know whether it was meant for us: read just
 * the addresses and ports, bounds-checked, from an unfragmented UDP packet.
 */
static int udp_peek(const uint8_t *p, size_t len, struct inet_udp *u)
{
	size_t ihl;

	memset(u, 0, sizeof(*u));
	if (len >= IPV4_HDR_LEN && p[0] >> 4 == 4) {
		ihl = (size_t)(p[0] & 0x0f) * 4;
		if (p[9] != IPPROTO_UDP_NUM || ((p[6] << 8 | p[7]) & 0x1fff) || ihl < IPV4_HDR_LEN)
			return -1;
		u->ip_version = 4;
		u->ttl = p[8];
		lisp_addr_set_v4(&u->src, p + 12);
		lisp_addr_set_v4(&u->dst, p + 16);
	} else if (len >= IPV6_HDR_LEN && p[0] >> 4 == 6) {
		ihl = IPV6_HDR_LEN;
		if (p[6] != IPPROTO_UDP_NUM)
			return -1;
		u->ip_version = 6;
		u->ttl = p[7];
		lisp_addr_set_v6(&u->src, p + 8);
		lisp_addr_set_v6(&u->dst, p + 24);
	} else {
		return -1;
	}
	if (len < ihl + 4)
		return -1;
	u->sport = (uint16_t)(p[ihl] << 8 | p[ihl + 1]);
	u->dport = (uint16_t)(p[ihl + 2] << 8 | p[ihl + 3]);
	return 0;
}

static json_t *outer_json(const struct inet_udp *u, bool have_payload)
{
	json_t *o = json_pack("{s:i, s:o, s:o, s:i, s:i, s:i}", "ip_version", u->ip_version,
			      "src", ctl_addr_text_json(&u->src), "dst",
			      ctl_addr_text_json(&u->dst), "ttl", u->ttl, "sport", u->sport,
			      "dport", u->dport);

	if (o && have_payload)
		json_object_set_new(o, "udp_payload_len", json_integer((json_int_t)u->payload_len));
	return o;
}

static json_t *skipped_json(unsigned long frame_no)
{
	return json_pack("{s:I, s:s}", "frame", (json_int_t)frame_no, "skipped",
			 CTL_SKIPPED_TEXT);
}

bool decode_json_is_skipped(const json_t *obj)
{
	return json_object_get(obj, "skipped") != NULL;
}

json_t *decode_frame_json(int linktype, const uint8_t *frame, size_t len, unsigned long frame_no)
{
	struct lisp_err err = { .msg = "" };
	struct link_info li;
	struct inet_udp u;
	enum ctl_proto proto;
	json_t *top, *msg;
	int rc;

	if (link_parse(linktype, frame, len, &li) < 0)
		return skipped_json(frame_no);
	rc = inet_udp_decode(li.ip, li.ip_len, &u, &err);
	if (rc < 0) {
		/* Not UDP, or UDP to other ports: not ours, whatever is wrong. */
		if (udp_peek(li.ip, li.ip_len, &u) < 0 || udp_proto(&u) == CTL_P_NONE) {
			json_decref(li.json);
			return skipped_json(frame_no);
		}
		lisp_err_prefix(&err, rc, "outer IP/UDP");
	} else if (udp_proto(&u) == CTL_P_NONE) {
		json_decref(li.json);
		return skipped_json(frame_no);
	}
	proto = udp_proto(&u);
	top = json_pack("{s:I, s:o, s:o, s:s}", "frame", (json_int_t)frame_no, "link",
			li.json ? li.json : json_object(), "outer", outer_json(&u, rc == 0),
			"protocol", proto_name(proto));
	if (!top)
		return NULL;
	if (rc == 0 && proto == CTL_P_CONTROL) {
		msg = ctl_ctrl_msg_json(u.payload, u.payload_len, &err);
		json_object_set_new(top, "message", msg);
	} else if (rc == 0) {
		ctl_dp_json(top, proto, u.payload, u.payload_len, &err);
	}
	if (err.msg[0])
		json_object_set_new(top, "error", json_string(err.msg));
	return top;
}

/* pcap's open errors usually start with the path already. */
static void open_error(char *errbuf, size_t errlen, const char *path, const char *why)
{
	size_t n = strlen(path);

	if (strncmp(why, path, n) == 0 && why[n] == ':')
		snprintf(errbuf, errlen, "cannot read %s", why);
	else
		snprintf(errbuf, errlen, "cannot read %s: %s", path, why);
}

int decode_pcap_file(const char *path, const struct decode_opts *opts, FILE *out,
		     char *errbuf, size_t errlen)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *hdr;
	const u_char *data;
	unsigned long n = 0;
	int linktype, rc, ret = 0;
	pcap_t *p;
	json_t *o;

	p = pcap_open_offline(path, pcap_err);
	if (!p) {
		open_error(errbuf, errlen, path, pcap_err);
		return -EIO;
	}
	linktype = pcap_datalink(p);
	if (!decode_linktype_supported(linktype)) {
		snprintf(errbuf, errlen, "%s: link type %s (%d) is not supported", path,
			 linktype_name(linktype), linktype);
		pcap_close(p);
		return -EPROTONOSUPPORT;
	}
	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		o = decode_frame_json(linktype, data, hdr->caplen, ++n);
		if (!o) {
			snprintf(errbuf, errlen, "%s: frame %lu: out of memory", path, n);
			ret = -ENOMEM;
			break;
		}
		if (opts->all || !decode_json_is_skipped(o)) {
			json_dumpf(o, out, JSON_COMPACT | JSON_REAL_PRECISION(10));
			fputc('\n', out);
		}
		json_decref(o);
	}
	if (ret == 0 && rc == PCAP_ERROR) {
		snprintf(errbuf, errlen, "%s: after frame %lu: %s", path, n, pcap_geterr(p));
		ret = -EIO;
	}
	pcap_close(p);
	if (ret == 0 && (fflush(out) != 0 || ferror(out))) {
		ret = -(errno ? errno : EIO);
		snprintf(errbuf, errlen, "writing output: %s", strerror(-ret));
	}
	return ret;
}
