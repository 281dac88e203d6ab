/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: configuration by role, queue setup (one RX queue per worker where
 * the device has them, one TX queue per worker always), offload detection.
 */
#ifndef LISPGW_DP_PORT_H
#define LISPGW_DP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "dp_config.h"
#include "tables.h"

struct dp_app;
struct dp_exc;
struct dp_xdp_port;

enum dp_port_role {
	DP_PORT_ROLE_EID = DP_CONFIG_ROLE_EID,		/* hosts: encapsulate */
	DP_PORT_ROLE_RLOC = DP_CONFIG_ROLE_RLOC,	/* underlay: decapsulate */
};

#define DP_RXD_DEFAULT	1024
#define DP_TXD_DEFAULT	1024

/* Read-only once the workers run. */
struct dp_port {
	uint16_t port_id;
	uint8_t role;		/* enum dp_port_role */
	bool ip4_cksum_offload;
	bool udp_cksum_offload;
	uint16_t mtu;		/* largest IP packet on the link */
	uint16_t nb_rxq, nb_txq;
	uint8_t mac[6];
	const char *name;	/* from the config */
	/* EID side: frames without a tag, and by VLAN id (NULL: no VLANs). */
	const struct dp_vrf *untagged_vrf;
	const struct dp_vrf **vlan_vrf;	/* [4096] */
	/* A port the kernel shares (net_af_xdp, docs/dataplane-afxdp.md): */
	int ifindex;		/* the kernel's interface; 0: none known */
	bool neigh_kernel;	/* next hops from the kernel's neighbour table */
	struct dp_xdp_port *xdp;	/* our XDP program's maps; NULL: none */
	/* Role rloc with exception: the path to the kernel (punt.h), whose
	 * TAP is then the kernel's interface above (ifindex). */
	struct dp_exc *exc;
} __rte_cache_aligned;

/* Finds the DPDK ports of the config, fills app->ports, builds the
 * underlay and the VRFs' attachments.  Returns 0 or -errno (logged). */
int dp_ports_init(struct dp_app *app);
/* Configures queues for app->n_workers and starts the ports. */
int dp_ports_start(struct dp_app *app);
/* Stops and closes (net_pcap writes its files on close). */
void dp_ports_stop(struct dp_app *app);

#endif
