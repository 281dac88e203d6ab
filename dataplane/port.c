/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports.  Each worker gets RX queue i of every port that has one (RSS
 * spreads flows over them) and TX queue i of every port (no locks on TX).
 * Offloads are used when the device has them: IPv4 header checksum and
 * UDP checksum on TX, fast mbuf free; nothing else is required, so
 * net_pcap, net_null, net_ring, af_packet and af_xdp all work.
 *
 * A net_af_xdp port may run our XDP program (xdp-program: lispgw): it is
 * checked before the queues are set up (no other program on the
 * interface), found and filled after the start (xdp_port.c), and such a
 * port shares its interface with the kernel, which keeps its address, ARP
 * and ND (docs/dataplane-afxdp.md).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "dp.h"
#include "port.h"
#include "xdp_port.h"

static int port_find(const char *device, uint16_t *pid)
{
	char *end;
	unsigned long v;

	if (rte_eth_dev_get_port_by_name(device, pid) == 0)
		return 0;
	v = strtoul(device, &end, 10);
	if (*device && !*end && v < RTE_MAX_ETHPORTS && rte_eth_dev_is_valid_port((uint16_t)v)) {
		*pid = (uint16_t)v;
		return 0;
	}
	return -ENODEV;
}

static void ports_list(void)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid) {
		if (rte_eth_dev_get_name_by_port(pid, name) == 0)
			DP_LOG(ERR, "  port %u: %s", pid, name);
	}
}

static int underlay_add(struct dp_underlay *u, const struct dp_port *p,
			const struct dp_config_port *cp)
{
	for (size_t i = 0; i < cp->addr_count; i++) {
		const struct lisp_addr *a = &cp->addrs[i];
		struct dp_underlay_if *ui = a->afi == LISP_AFI_IPV4 ? &u->v4 : &u->v6;

		if (a->afi == LISP_AFI_IPV4) {
			if (u->n_local4 == DP_LOCAL_RLOCS_MAX)
				return -ENOSPC;
			memcpy(&u->local4[u->n_local4++], a->v4, 4);
		} else {
			if (u->n_local6 == DP_LOCAL_RLOCS_MAX)
				return -ENOSPC;
			memcpy(u->local6[u->n_local6++], a->v6, 16);
		}
		/* The first RLOC port of a family carries that family's
		 * tunnels, from its first address of that family. */
		if (ui->valid)
			continue;
		ui->valid = true;
		ui->port_id = p->port_id;
		ui->mtu = p->mtu;
		ui->ip4_cksum_offload = p->ip4_cksum_offload;
		ui->udp_cksum_offload = p->udp_cksum_offload;
		memcpy(ui->src_mac, p->mac, 6);
		ui->mac_static = cp->next_hop_mac_set;
		memcpy(ui->dst_mac, cp->next_hop_mac, 6);
		memcpy(ui->src, a->afi == LISP_AFI_IPV4 ? a->v4 : a->v6,
		       a->afi == LISP_AFI_IPV4 ? 4 : 16);
		ui->plen = cp->addr_plen[i];
		if (a->afi == LISP_AFI_IPV4 && cp->gw4_set)
			dp_ip_from_lisp(&ui->gw, &cp->gw4);
		else if (a->afi == LISP_AFI_IPV6 && cp->gw6_set)
			dp_ip_from_lisp(&ui->gw, &cp->gw6);
	}
	return 0;
}

/* The EID-side attachment of iid: (port, vlan, peer MAC), if any. */
static void attach_find(const struct dp_app *app, uint32_t iid, struct dp_vrf_attach *att)
{
	memset(att, 0, sizeof(*att));
	att->port_id = DP_PORT_NONE;
	for (unsigned int i = 0; i < app->n_ports; i++) {
		const struct dp_config_port *cp = &app->cfg->ports[i];
		const struct dp_port *p = &app->ports[i];

		if (cp->role != DP_CONFIG_ROLE_EID)
			continue;
		if (cp->iid_set && cp->iid == iid) {
			att->port_id = p->port_id;
			att->peer_static = cp->peer_mac_set;
			memcpy(att->dst_mac, cp->peer_mac, 6);
		}
		for (size_t v = 0; v < cp->vlan_count; v++) {
			if (cp->vlans[v].iid == iid) {
				att->port_id = p->port_id;
				att->vlan = cp->vlans[v].vlan;
				att->peer_static = cp->vlans[v].peer_mac_set;
				memcpy(att->dst_mac, cp->vlans[v].peer_mac, 6);
			}
		}
		if (att->port_id != DP_PORT_NONE) {
			att->mtu = p->mtu;
			memcpy(att->src_mac, p->mac, 6);
			return;
		}
	}
}

int dp_ports_init(struct dp_app *app)
{
	const struct dp_config *cfg = app->cfg;
	struct dp_underlay u;
	int rc;

	memset(&u, 0, sizeof(u));
	if (cfg->port_count > DP_PORTS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < cfg->port_count; i++) {
		const struct dp_config_port *cp = &cfg->ports[i];
		struct dp_port *p = &app->ports[i];
		struct rte_eth_dev_info info;
		struct rte_ether_addr mac;

		memset(p, 0, sizeof(*p));
		if (port_find(cp->device, &p->port_id) < 0) {
			DP_LOG(ERR, "port %s: no DPDK device '%s'; the devices are:", cp->name,
			       cp->device);
			ports_list();
			return -ENODEV;
		}
		if (app->by_id[p->port_id]) {
			DP_LOG(ERR, "port %s: device '%s' is already port %s", cp->name, cp->device,
			       app->by_id[p->port_id]->name);
			return -EEXIST;
		}
		rc = rte_eth_dev_info_get(p->port_id, &info);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: no device info: %s", cp->name, rte_strerror(-rc));
			return rc;
		}
		p->name = cp->name;
		p->role = cp->role;
		p->mtu = cp->mtu;
		p->nb_rxq = (uint16_t)RTE_MIN(app->n_workers, (unsigned int)info.max_rx_queues);
		p->nb_txq = (uint16_t)app->n_workers;
		if (p->nb_txq > info.max_tx_queues) {
			DP_LOG(ERR, "port %s: %u workers need %u TX queues, '%s' has %u", cp->name,
			       app->n_workers, p->nb_txq, cp->device, info.max_tx_queues);
			return -ENOTSUP;
		}
		p->ifindex = (int)info.if_index;
		p->neigh_kernel = cp->role == DP_CONFIG_ROLE_RLOC && !cp->next_hop_mac_set &&
				  cp->neighbours == DP_CONFIG_NEIGH_KERNEL;
		if (cp->xdp_program == DP_CONFIG_XDP_LISPGW &&
		    (!info.driver_name || strcmp(info.driver_name, "net_af_xdp") != 0)) {
			DP_LOG(ERR, "port %s: xdp-program lispgw needs a net_af_xdp device; '%s' "
			       "is %s", cp->name, cp->device, info.driver_name);
			return -ENOTSUP;
		}
		/* With an exception interface, its TAP is the kernel's
		 * (dp_exc_create()). */
		if (p->neigh_kernel && p->ifindex <= 0 && !cp->exc_ifname) {
			DP_LOG(ERR, "port %s: neighbours: kernel needs a device with a kernel "
			       "interface (net_af_xdp); '%s' has none", cp->name, cp->device);
			return -ENOTSUP;
		}
		p->ip4_cksum_offload = !!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
		p->udp_cksum_offload = !!(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM);
		if (cp->mac_set) {
			memcpy(p->mac, cp->mac, 6);
		} else {
			rc = rte_eth_macaddr_get(p->port_id, &mac);
			if (rc < 0)
				return rc;
			memcpy(p->mac, mac.addr_bytes, 6);
		}
		app->by_id[p->port_id] = p;
		if (p->role == DP_PORT_ROLE_RLOC) {
			rc = underlay_add(&u, p, cp);
			if (rc < 0)
				return rc;
		}
	}
	app->n_ports = (unsigned int)cfg->port_count;
	dp_tables_underlay_set(app->tables, &u);

	for (size_t i = 0; i < cfg->instance_count; i++) {
		const struct dp_config_instance *in = &cfg->instances[i];
		struct dp_vrf_attach att;

		attach_find(app, in->iid, &att);
		rc = dp_tables_vrf_add(app->tables, in->iid, (enum dp_encap)in->encap, &att);
		if (rc < 0) {
			DP_LOG(ERR, "instance %u: %s", in->iid, strerror(-rc));
			return rc;
		}
	}
	for (unsigned int i = 0; i < app->n_ports; i++) {
		const struct dp_config_port *cp = &cfg->ports[i];
		struct dp_port *p = &app->ports[i];

		if (p->role != DP_PORT_ROLE_EID)
			continue;
		if (cp->iid_set)
			p->untagged_vrf = dp_tables_vrf(app->tables, cp->iid);
		if (cp->vlan_count) {
			p->vlan_vrf = rte_zmalloc("dp_vlan_vrf", 4096 * sizeof(*p->vlan_vrf), 0);
			if (!p->vlan_vrf)
				return -ENOMEM;
			for (size_t v = 0; v < cp->vlan_count; v++)
				p->vlan_vrf[cp->vlans[v].vlan] =
					dp_tables_vrf(app->tables, cp->vlans[v].iid);
		}
	}
	return 0;
}

static int port_start(struct dp_app *app, struct dp_port *p)
{
	const struct dp_config_port *cp = &app->cfg->ports[p - app->ports];
	bool xdp = cp->xdp_program == DP_CONFIG_XDP_LISPGW;
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nb_rxd = DP_RXD_DEFAULT, nb_txd = DP_TXD_DEFAULT;
	int socket = rte_eth_dev_socket_id(p->port_id);
	int rc;

	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc < 0)
		return rc;
	if (p->nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP |
						    RTE_ETH_RSS_TCP) & info.flow_type_rss_offloads;
	}
	if (p->ip4_cksum_offload)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
	if (p->udp_cksum_offload)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	/* One pool, no clones, refcount 1: the precondition of fast free. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	rc = rte_eth_dev_configure(p->port_id, p->nb_rxq, p->nb_txq, &conf);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: configure: %s", p->name, rte_strerror(-rc));
		return rc;
	}
	/* Devices without an MTU setting (net_pcap, net_null) keep theirs;
	 * our own checks use the configured one. */
	rte_eth_dev_set_mtu(p->port_id, p->mtu);
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	if (rc < 0)
		return rc;
	/* net_af_xdp attaches xdp_prog= at the first RX queue setup. */
	if (xdp) {
		rc = dp_xdp_port_precheck(p, cp);
		if (rc < 0)
			return rc;
	}
	for (uint16_t q = 0; q < p->nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd, (unsigned int)socket, NULL,
					    app->pool);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: RX queue %u: %s", p->name, q, rte_strerror(-rc));
			if (xdp)
				DP_LOG(ERR, "port %s: net_af_xdp could not load its xdp_prog= or open "
				       "its AF_XDP socket (its own messages above say which): is "
				       "the path a readable lispgw_xdp.o, are we root (CAP_NET_ADMIN "
				       "and CAP_BPF), is the interface up?", p->name);
			return rc;
		}
	}
	txconf = info.default_txconf;
	txconf.offloads = conf.txmode.offloads;
	for (uint16_t q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->port_id, q, nb_txd, (unsigned int)socket, &txconf);
		if (rc < 0) {
			DP_LOG(ERR, "port %s: TX queue %u: %s", p->name, q, rte_strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc < 0) {
		DP_LOG(ERR, "port %s: start: %s", p->name, rte_strerror(-rc));
		return rc;
	}
	if (xdp) {
		rc = dp_xdp_port_attach(p, cp);
		if (rc < 0)
			return rc;
	}
	/* Frames to the peer-facing MACs we put in headers, whatever the
	 * device's own address is; an interface we share with the kernel
	 * keeps its own MAC, and the kernel its filter, unless mac is set. */
	if (!xdp || cp->mac_set)
		rte_eth_promiscuous_enable(p->port_id);
	DP_LOG(INFO, "port %s: DPDK port %u (%s), %u RX / %u TX queues, offloads:%s%s", p->name,
	       p->port_id, p->role == DP_PORT_ROLE_EID ? "eid" : "rloc", p->nb_rxq, p->nb_txq,
	       p->ip4_cksum_offload ? " ipv4-cksum" : "", p->udp_cksum_offload ? " udp-cksum" : "");
	return 0;
}

int dp_ports_start(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_ports; i++) {
		int rc = port_start(app, &app->ports[i]);

		if (rc < 0)
			return rc;
	}
	return 0;
}

void dp_ports_stop(struct dp_app *app)
{
	for (unsigned int i = 0; i < app->n_ports; i++) {
		struct dp_port *p = &app->ports[i];

		dp_xdp_port_detach(p);
		rte_eth_dev_stop(p->port_id);
		rte_eth_dev_close(p->port_id);
		rte_free(p->vlan_vrf);
		p->vlan_vrf = NULL;
	}
}
