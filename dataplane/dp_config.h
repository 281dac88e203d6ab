/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-dp configuration: one YAML file of the same family as lispgw-cp's
 * (docs/dataplane.md, "Configuration"), loaded with libcyaml through the
 * shared schema walker (common/config/cfg_file.h), so that every error
 * comes back as "FILE:LINE: key.path: message" and all of them at once.  Nothing here
 * needs EAL: `lispgw-dp -- -c FILE -n` checks a file without DPDK.
 *
 *   ports:             DPDK ports by device name, role eid or rloc
 *   instances:         Instance-IDs and their encapsulation
 *   static-map-cache:  [iid]prefix -> RLOCs (priority, weight, up)
 *   tables:            sizes
 *   workers:           idle back-off, TX drain period
 *   itr:               xTR or PITR, packets too big, Locator-Status-Bits
 */
#ifndef LISPGW_DP_CONFIG_H
#define LISPGW_DP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lisp_addr.h"

#define DP_CONFIG_ROLE_EID	0
#define DP_CONFIG_ROLE_RLOC	1

#define DP_CONFIG_ENCAP_LISP	0	/* = enum dp_encap */
#define DP_CONFIG_ENCAP_VXLAN	1
#define DP_CONFIG_ENCAP_GPE	2

#define DP_CONFIG_ITR_XTR	0	/* sources must be our EIDs (database) */
#define DP_CONFIG_ITR_PITR	1	/* any source: a Proxy-ITR */

#define DP_CONFIG_XDP_NONE	0	/* whatever program the device has, if any */
#define DP_CONFIG_XDP_LISPGW	1	/* net_af_xdp with xdp_prog=lispgw_xdp.o */

#define DP_CONFIG_NEIGH_DATAPLANE	0	/* lispgw-dp's own ARP / ND */
#define DP_CONFIG_NEIGH_KERNEL		1	/* the kernel's neighbour table (netlink) */

#define DP_CONFIG_TOO_BIG_ICMP	0	/* fragment DF-clear IPv4, else ICMP back */
#define DP_CONFIG_TOO_BIG_DROP	1

#define DP_CONFIG_DEF_MTU		1500
#define DP_CONFIG_DEF_ICMP_RATE		100	/* a second, per worker */
#define DP_CONFIG_DEF_FLOW_IDLE_MS	30000
/* The channel (docs/dataplane-channel.md): how long a map-cache entry a
 * resync did not confirm, and anything a session that ended left, keep
 * forwarding while a control plane may confirm them. */
#define DP_CONFIG_DEF_STALE_GRACE_MS	30000
#define DP_CONFIG_DEF_SESSION_GRACE_MS	30000
#define DP_CONFIG_GRACE_MAX_MS		3600000
#define DP_CONFIG_DEF_SOCKET_USER	"lispgw"	/* lispgw-cp's privileges.user */
#define DP_CONFIG_DEF_MAX_MAPPINGS	65536
#define DP_CONFIG_DEF_MAX_INSTANCES	256
#define DP_CONFIG_DEF_IPV4_TBL8S	1024
#define DP_CONFIG_DEF_IPV6_TBL8S	4096
/* EID-side hosts silent this long are forgotten (0: never); a day at most. */
#define DP_CONFIG_DEF_HOST_TIMEOUT_S	300
#define DP_CONFIG_MAX_HOST_TIMEOUT_S	86400
#define DP_CONFIG_DEF_TX_DRAIN_US	100
#define DP_CONFIG_DEF_EXC_RATE		10000	/* exception path, packets a second */
#define DP_CONFIG_DEF_EXC_BURST_MIN	32	/* burst: rate / 10, at least this */
#define DP_CONFIG_DEF_RLOC_PRIORITY	1
#define DP_CONFIG_DEF_RLOC_WEIGHT	100
#define DP_CONFIG_MAX_MAPPINGS		((1u << 21) - 1)	/* rte_lpm6 next hop */
#define DP_CONFIG_LOCAL_RLOCS_MAX	8			/* per family */
#define DP_CONFIG_RLOCS_MAX		32			/* per mapping */

struct dp_config_vlan {
	uint16_t vlan;
	uint32_t iid;
	bool peer_mac_set;
	uint8_t peer_mac[6];		/* the port's peer-mac unless given */
};

struct dp_config_port {
	char *name;
	char *device;			/* DPDK device name ("net_pcap0", PCI) or port id */
	uint8_t role;			/* DP_CONFIG_ROLE_* */
	bool mac_set;
	uint8_t mac[6];			/* source MAC override */
	uint16_t mtu;
	uint8_t xdp_program;		/* DP_CONFIG_XDP_* (docs/dataplane-afxdp.md) */
	uint8_t neighbours;		/* DP_CONFIG_NEIGH_* (role rloc) */
	/* role eid */
	bool iid_set;
	uint32_t iid;			/* untagged frames */
	bool peer_mac_set;		/* false: hosts resolved and learned */
	uint8_t peer_mac[6];		/* where decapsulated packets go */
	size_t vlan_count;
	struct dp_config_vlan *vlans;
	/* role rloc */
	size_t addr_count;
	struct lisp_addr *addrs;	/* our RLOCs on this port */
	uint8_t *addr_plen;		/* their on-link subnets */
	bool gw4_set, gw6_set;
	struct lisp_addr gw4, gw6;	/* next hop to RLOCs off-link */
	bool next_hop_mac_set;		/* false: next hops resolved */
	uint8_t next_hop_mac[6];
	/* exception: to the kernel through a TAP interface (punt.h) */
	char *exc_ifname;		/* NULL: none, such packets are dropped */
	uint32_t exc_rate;		/* packets a second, all workers together */
	uint32_t exc_burst;
};

struct dp_config_instance {
	uint32_t iid;
	uint8_t encap;			/* DP_CONFIG_ENCAP_* */
	bool inner_mac_resolve;		/* vxlan: the far ends are L2 VTEPs */
};

struct dp_config_rloc {
	struct lisp_addr addr;
	uint8_t priority;
	uint8_t weight;
	bool up;
};

struct dp_config_mapping {
	struct lisp_prefix eid;
	uint8_t action;			/* enum lisp_action */
	size_t rloc_count;
	struct dp_config_rloc *rlocs;
};

struct dp_config {
	int log_level;			/* syslog levels, as lispgw-cp */
	size_t port_count;
	struct dp_config_port *ports;
	size_t instance_count;
	struct dp_config_instance *instances;
	size_t static_count;
	struct dp_config_mapping *statics;
	uint32_t max_mappings;
	uint32_t max_instances;
	uint32_t ipv4_tbl8s;
	uint32_t ipv6_tbl8s;
	uint32_t host_timeout_s;	/* EID-side host ageing; 0: never */
	bool idle_backoff;
	uint32_t tx_drain_us;
	/* itr: */
	uint8_t itr_mode;		/* DP_CONFIG_ITR_* */
	uint8_t too_big;		/* DP_CONFIG_TOO_BIG_*: packets over the RLOC MTU */
	uint32_t icmp_rate;		/* ICMP errors a second per worker; 0: none */
	bool lsb;			/* L bit + Locator-Status-Bits in LISP headers */
	uint32_t flow_table;		/* flows per worker kept on their RLOC; 0: off */
	uint32_t flow_idle_ms;		/* a flow idle this long is forgotten */
	/* channel: */
	uint32_t stale_grace_ms;
	uint32_t session_grace_ms;
	char *socket_user;		/* owner of the channel socket (lispgw-cp's account) */
};

struct cfg_errors;

/* As cp_config_load(): 0 and *out, or -errno with every error in errs
 * (print them with cfg_errors_print()). */
int dp_config_load(const char *path, struct dp_config **out, struct cfg_errors *errs);
void dp_config_free(struct dp_config *cfg);

const struct dp_config_instance *dp_config_instance(const struct dp_config *cfg, uint32_t iid);

/* "02:00:00:00:00:01" -> 6 bytes; 0 or -EINVAL. */
int dp_mac_parse(const char *s, uint8_t mac[6]);

#endif
