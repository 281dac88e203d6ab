/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the decode_*.c files: the link layer (decode_pcap.c),
 * control messages (decode_json.c) and data-plane headers (decode_dp.c).
 */
#ifndef LISPGW_CTL_DECODE_PRIV_H
#define LISPGW_CTL_DECODE_PRIV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lisp_addr.h"
#include "lisp_err.h"

/* Tags we peel before giving up: QinQ is two, a few carriers stack three. */
#define CTL_VLAN_MAX	4

enum ctl_proto {
	CTL_P_NONE,
	CTL_P_CONTROL,	/* UDP 4342 */
	CTL_P_DATA,	/* UDP 4341 */
	CTL_P_VXLAN,	/* UDP 4789 */
	CTL_P_GPE,	/* UDP 4790 */
};

struct ctl_eth {
	uint8_t dst[6], src[6];
	uint16_t ethertype;	/* the one after the last VLAN tag */
	uint16_t vlans[CTL_VLAN_MAX];	/* VIDs, outermost first */
	unsigned int vlan_count;
	size_t hdr_len;		/* bytes up to the payload */
};

/* Ethernet II with 802.1Q / 802.1ad / 0x9100 tags; -1 when too short or
 * tagged deeper than CTL_VLAN_MAX. */
int ctl_eth_parse(const uint8_t *p, size_t len, struct ctl_eth *eth);
json_t *ctl_eth_json(const struct ctl_eth *eth);

/*
 * A control message as JSON.  Always returns the object (type name and
 * number at least) unless memory runs out; on a malformed message err->msg
 * holds the codec's reason and the object holds what was read before it.
 */
json_t *ctl_ctrl_msg_json(const uint8_t *msg, size_t len, struct lisp_err *err);

/* Data-plane header plus inner packet into top ("lisp_data" / "vxlan" /
 * "vxlan_gpe" and "inner"); 0, or -errno with err set when malformed. */
int ctl_dp_json(json_t *top, enum ctl_proto proto, const uint8_t *p, size_t len,
		struct lisp_err *err);

/* Helpers shared by the three files. */
json_t *ctl_hex_json(const uint8_t *p, size_t n);	/* "0a1b..." */
json_t *ctl_u64_hex_json(uint64_t v, unsigned int digits);	/* "0x...." */
json_t *ctl_addr_text_json(const struct lisp_addr *a);
json_t *ctl_mac_json(const uint8_t mac[6]);

#endif
