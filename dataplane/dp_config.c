/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-dp's config file.  The YAML machinery (libyaml node tree with a
 * line per key path, every schema error, the cyaml backtrace -> key path,
 * the cfg_chk_* helpers that report and go on) is common/config's
 * (cfg_file.h), shared with lispgw-cp: one family of files, one way of
 * reporting.  This file holds the data plane's schema and its checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cfg_file.h"
#include "dp_config.h"
#include "lisp_msg.h"

#define CONFIG_FILE_MAX	(16u << 20)	/* static map-caches can be long */
#define OPT	CYAML_FLAG_OPTIONAL
#define SEQ	(CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)
#define STRICT	(CYAML_FLAG_OPTIONAL | CYAML_FLAG_STRICT)

/* --- the raw document ------------------------------------------------------ */

struct raw_vlan {
	uint32_t *vlan;
	uint32_t *iid;
	char *peer_mac;
};

struct raw_exception {
	char *interface;
	uint32_t *rate;
	uint32_t *burst;
};

struct raw_port {
	char *name;
	char *device;
	int *role;
	char *mac;
	uint32_t *mtu;
	int *xdp_program;
	int *neighbours;
	uint32_t *iid;
	char *peer_mac;
	struct raw_vlan *vlans;
	unsigned int vlans_count;
	char **addresses;
	unsigned int addresses_count;
	char **gateways;
	unsigned int gateways_count;
	char *next_hop_mac;
	struct raw_exception *exception;
};

struct raw_instance {
	uint32_t *iid;
	int *encap;
	int *inner_mac;
};

struct raw_rloc {
	char *address;
	uint32_t *priority;
	uint32_t *weight;
	bool *up;
};

struct raw_mapping {
	char *eid_prefix;
	int *action;
	struct raw_rloc *rlocs;
	unsigned int rlocs_count;
};

struct raw_tables {
	uint32_t *max_mappings;
	uint32_t *max_instances;
	uint32_t *ipv4_tbl8s;
	uint32_t *ipv6_tbl8s;
	uint32_t *host_timeout_s;
};

struct raw_workers {
	bool *idle_backoff;
	uint32_t *tx_drain_us;
};

struct raw_itr {
	int *mode;
	int *too_big;
	uint32_t *icmp_rate;
	bool *lsb;
	uint32_t *flow_table;
	uint32_t *flow_idle_ms;
};

struct raw_channel {
	uint32_t *stale_grace_ms;
	uint32_t *session_grace_ms;
	char *socket_user;
};

struct raw {
	int *log_level;
	struct raw_port *ports;
	unsigned int ports_count;
	struct raw_instance *instances;
	unsigned int instances_count;
	struct raw_mapping *statics;
	unsigned int statics_count;
	struct raw_tables *tables;
	struct raw_workers *workers;
	struct raw_itr *itr;
	struct raw_channel *channel;
};

/* --- schema ------------------------------------------------------------------ */

static const cyaml_strval_t role_names[] = {
	{ "eid", DP_CONFIG_ROLE_EID },
	{ "rloc", DP_CONFIG_ROLE_RLOC },
};

static const cyaml_strval_t xdp_program_names[] = {
	{ "none", DP_CONFIG_XDP_NONE },
	{ "lispgw", DP_CONFIG_XDP_LISPGW },
};

static const cyaml_strval_t neighbours_names[] = {
	{ "dataplane", DP_CONFIG_NEIGH_DATAPLANE },
	{ "kernel", DP_CONFIG_NEIGH_KERNEL },
};

static const cyaml_strval_t encap_names[] = {
	{ "lisp", DP_CONFIG_ENCAP_LISP },
	{ "vxlan", DP_CONFIG_ENCAP_VXLAN },
	{ "vxlan-gpe", DP_CONFIG_ENCAP_GPE },
};

/* The same names as lispgw-cp's (a schema table must be a constant, so
 * not config_schema.c's own arrays). */
static const cyaml_strval_t log_level_names[] = {
	{ "error", LOG_ERR },
	{ "warning", LOG_WARNING },
	{ "warn", LOG_WARNING },
	{ "info", LOG_INFO },
	{ "debug", LOG_DEBUG },
};

static const cyaml_strval_t action_names[] = {
	{ "encapsulate", LISP_ACT_NO_ACTION },
	{ "native-forward", LISP_ACT_NATIVE_FORWARD },
	{ "send-map-request", LISP_ACT_SEND_MAP_REQUEST },
	{ "drop", LISP_ACT_DROP },
};

static const cyaml_strval_t itr_mode_names[] = {
	{ "xtr", DP_CONFIG_ITR_XTR },
	{ "pitr", DP_CONFIG_ITR_PITR },
};

static const cyaml_strval_t too_big_names[] = {
	{ "icmp", DP_CONFIG_TOO_BIG_ICMP },
	{ "drop", DP_CONFIG_TOO_BIG_DROP },
};

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t vlan_fields[] = {
	CYAML_FIELD_UINT_PTR("vlan", CYAML_FLAG_POINTER, struct raw_vlan, vlan),
	CYAML_FIELD_UINT_PTR("instance-id", CYAML_FLAG_POINTER, struct raw_vlan, iid),
	CYAML_FIELD_STRING_PTR("peer-mac", OPT, struct raw_vlan, peer_mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t vlan_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_vlan, vlan_fields),
};

static const cyaml_schema_field_t exception_fields[] = {
	CYAML_FIELD_STRING_PTR("interface", CYAML_FLAG_POINTER, struct raw_exception, interface,
			       1, 15),
	CYAML_FIELD_UINT_PTR("rate", OPT, struct raw_exception, rate),
	CYAML_FIELD_UINT_PTR("burst", OPT, struct raw_exception, burst),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t port_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct raw_port, name, 1, 63),
	CYAML_FIELD_STRING_PTR("device", CYAML_FLAG_POINTER, struct raw_port, device, 1, 255),
	CYAML_FIELD_ENUM_PTR("role", CYAML_FLAG_POINTER | CYAML_FLAG_STRICT, struct raw_port, role,
			     role_names, CYAML_ARRAY_LEN(role_names)),
	CYAML_FIELD_STRING_PTR("mac", OPT, struct raw_port, mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("mtu", OPT, struct raw_port, mtu),
	CYAML_FIELD_ENUM_PTR("xdp-program", STRICT, struct raw_port, xdp_program,
			     xdp_program_names, CYAML_ARRAY_LEN(xdp_program_names)),
	CYAML_FIELD_ENUM_PTR("neighbours", STRICT, struct raw_port, neighbours, neighbours_names,
			     CYAML_ARRAY_LEN(neighbours_names)),
	CYAML_FIELD_UINT_PTR("instance-id", OPT, struct raw_port, iid),
	CYAML_FIELD_STRING_PTR("peer-mac", OPT, struct raw_port, peer_mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("vlans", SEQ, struct raw_port, vlans, &vlan_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("addresses", SEQ, struct raw_port, addresses, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("gateways", SEQ, struct raw_port, gateways, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("exception", OPT, struct raw_port, exception, exception_fields),
	CYAML_FIELD_STRING_PTR("next-hop-mac", OPT, struct raw_port, next_hop_mac, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t port_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_port, port_fields),
};

static const cyaml_strval_t inner_mac_names[] = {
	{ "keep", 0 },
	{ "resolve", 1 },
};

static const cyaml_schema_field_t instance_fields[] = {
	CYAML_FIELD_UINT_PTR("instance-id", CYAML_FLAG_POINTER, struct raw_instance, iid),
	CYAML_FIELD_ENUM_PTR("encapsulation", CYAML_FLAG_POINTER | CYAML_FLAG_STRICT,
			     struct raw_instance, encap, encap_names,
			     CYAML_ARRAY_LEN(encap_names)),
	CYAML_FIELD_ENUM_PTR("inner-mac", STRICT, struct raw_instance, inner_mac,
			     inner_mac_names, CYAML_ARRAY_LEN(inner_mac_names)),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t instance_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_instance, instance_fields),
};

static const cyaml_schema_field_t rloc_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct raw_rloc, address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("priority", OPT, struct raw_rloc, priority),
	CYAML_FIELD_UINT_PTR("weight", OPT, struct raw_rloc, weight),
	CYAML_FIELD_BOOL_PTR("up", STRICT, struct raw_rloc, up),
	/* The control plane's RLOC attributes: accepted, not used here. */
	CYAML_FIELD_IGNORE("attributes", OPT),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t rloc_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_rloc, rloc_fields),
};

static const cyaml_schema_field_t mapping_fields[] = {
	CYAML_FIELD_STRING_PTR("eid-prefix", CYAML_FLAG_POINTER, struct raw_mapping, eid_prefix,
			       0, CYAML_UNLIMITED),
	CYAML_FIELD_ENUM_PTR("action", STRICT, struct raw_mapping, action, action_names,
			     CYAML_ARRAY_LEN(action_names)),
	CYAML_FIELD_SEQUENCE("rlocs", SEQ, struct raw_mapping, rlocs, &rloc_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t mapping_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_mapping, mapping_fields),
};

static const cyaml_schema_field_t tables_fields[] = {
	CYAML_FIELD_UINT_PTR("max-mappings", OPT, struct raw_tables, max_mappings),
	CYAML_FIELD_UINT_PTR("max-instances", OPT, struct raw_tables, max_instances),
	CYAML_FIELD_UINT_PTR("ipv4-tbl8-groups", OPT, struct raw_tables, ipv4_tbl8s),
	CYAML_FIELD_UINT_PTR("ipv6-tbl8-groups", OPT, struct raw_tables, ipv6_tbl8s),
	CYAML_FIELD_UINT_PTR("host-timeout-s", OPT, struct raw_tables, host_timeout_s),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t workers_fields[] = {
	CYAML_FIELD_BOOL_PTR("idle-backoff", STRICT, struct raw_workers, idle_backoff),
	CYAML_FIELD_UINT_PTR("tx-drain-us", OPT, struct raw_workers, tx_drain_us),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t itr_fields[] = {
	CYAML_FIELD_ENUM_PTR("mode", STRICT, struct raw_itr, mode, itr_mode_names,
			     CYAML_ARRAY_LEN(itr_mode_names)),
	CYAML_FIELD_ENUM_PTR("too-big", STRICT, struct raw_itr, too_big, too_big_names,
			     CYAML_ARRAY_LEN(too_big_names)),
	CYAML_FIELD_UINT_PTR("icmp-rate", OPT, struct raw_itr, icmp_rate),
	CYAML_FIELD_BOOL_PTR("locator-status-bits", STRICT, struct raw_itr, lsb),
	CYAML_FIELD_UINT_PTR("flow-table", OPT, struct raw_itr, flow_table),
	CYAML_FIELD_UINT_PTR("flow-idle-ms", OPT, struct raw_itr, flow_idle_ms),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t channel_fields[] = {
	CYAML_FIELD_UINT_PTR("stale-grace-ms", OPT, struct raw_channel, stale_grace_ms),
	CYAML_FIELD_UINT_PTR("session-grace-ms", OPT, struct raw_channel, session_grace_ms),
	CYAML_FIELD_STRING_PTR("socket-user", CYAML_FLAG_POINTER | OPT, struct raw_channel,
			       socket_user, 0, 64),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_ENUM_PTR("log-level", STRICT, struct raw, log_level, log_level_names,
			     CYAML_ARRAY_LEN(log_level_names)),
	CYAML_FIELD_SEQUENCE("ports", CYAML_FLAG_POINTER, struct raw, ports, &port_entry, 1,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("instances", CYAML_FLAG_POINTER, struct raw, instances,
			     &instance_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("static-map-cache", SEQ, struct raw, statics, &mapping_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("tables", OPT, struct raw, tables, tables_fields),
	CYAML_FIELD_MAPPING_PTR("workers", OPT, struct raw, workers, workers_fields),
	CYAML_FIELD_MAPPING_PTR("itr", OPT, struct raw, itr, itr_fields),
	CYAML_FIELD_MAPPING_PTR("channel", OPT, struct raw, channel, channel_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t raw_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw, top_fields),
};

/* --- helpers -------------------------------------------------------------------- */

int dp_mac_parse(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
			 &tail) != 6 || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static void chk_mac(struct cfg_chk *c, const char *key, const char *s, uint8_t mac[6])
{
	if (dp_mac_parse(s, mac) < 0)
		cfg_chk_err(c, key, "must be a MAC address like 02:00:00:00:00:01, got '%s'", s);
	else if (mac[0] & 1)
		cfg_chk_err(c, key, "'%s' is a multicast MAC address", s);
}

const struct dp_config_instance *dp_config_instance(const struct dp_config *cfg, uint32_t iid)
{
	for (size_t i = 0; i < cfg->instance_count; i++)
		if (cfg->instances[i].iid == iid)
			return &cfg->instances[i];
	return NULL;
}

/* --- checks ------------------------------------------------------------------------ */

static void chk_instances(struct cfg_chk *c, const struct raw *r, struct dp_config *cfg)
{
	size_t mark = cfg_path_key(&c->path, "instances");

	cfg->instances = cfg_chk_calloc(c, r->instances_count, sizeof(*cfg->instances));
	cfg->instance_count = cfg->instances ? r->instances_count : 0;
	for (size_t i = 0; i < cfg->instance_count; i++) {
		size_t m = cfg_path_idx(&c->path, i);
		struct dp_config_instance *in = &cfg->instances[i];

		in->iid = *r->instances[i].iid;
		in->encap = (uint8_t)*r->instances[i].encap;
		in->inner_mac_resolve = r->instances[i].inner_mac && *r->instances[i].inner_mac == 1;
		if (in->inner_mac_resolve && in->encap != DP_CONFIG_ENCAP_VXLAN)
			cfg_chk_err(c, "inner-mac", "resolve is for vxlan instances (the others "
				    "carry no inner Ethernet header)");
		if (in->iid > LISP_IID_MAX)
			cfg_chk_err(c, "instance-id", "%u does not fit 24 bits (at most %u)",
				    in->iid, LISP_IID_MAX);
		for (size_t j = 0; j < i; j++) {
			if (cfg->instances[j].iid == in->iid) {
				cfg_chk_err(c, "instance-id", "%u is listed twice (also entry %zu)",
					    in->iid, j);
				break;
			}
		}
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

/* An Instance-ID bound on an EID-side port: configured, and bound once
 * (decapsulated packets of it need one place to go). */
static void chk_binding(struct cfg_chk *c, const char *key, const struct dp_config *cfg,
			uint32_t iid, uint32_t *bound, size_t *n_bound)
{
	if (!dp_config_instance(cfg, iid)) {
		cfg_chk_err(c, key, "instance-id %u is not in instances", iid);
		return;
	}
	for (size_t i = 0; i < *n_bound; i++) {
		if (bound[i] == iid) {
			cfg_chk_err(c, key, "instance-id %u is bound to another port or VLAN "
				    "already (one EID-side attachment per instance)", iid);
			return;
		}
	}
	bound[(*n_bound)++] = iid;
}

static void chk_port_eid(struct cfg_chk *c, const struct raw_port *rp, struct dp_config_port *p,
			 const struct dp_config *cfg, uint32_t *bound, size_t *n_bound)
{
	if (rp->addresses_count)
		cfg_chk_err(c, "addresses", "only rloc ports have addresses");
	if (rp->next_hop_mac || rp->gateways_count)
		cfg_chk_err(c, rp->next_hop_mac ? "next-hop-mac" : "gateways",
			    "only rloc ports have a next hop");
	if (!rp->iid && !rp->vlans_count)
		cfg_chk_err(c, NULL, "an eid port needs instance-id (untagged) or vlans");
	/* Without peer-mac, hosts are resolved (ARP/ND) and learned. */
	if (rp->peer_mac) {
		p->peer_mac_set = true;
		chk_mac(c, "peer-mac", rp->peer_mac, p->peer_mac);
	}
	if (rp->iid) {
		p->iid_set = true;
		p->iid = *rp->iid;
		chk_binding(c, "instance-id", cfg, p->iid, bound, n_bound);
	}
	p->vlans = cfg_chk_calloc(c, rp->vlans_count, sizeof(*p->vlans));
	p->vlan_count = p->vlans ? rp->vlans_count : 0;
	if (p->vlan_count) {
		size_t mark = cfg_path_key(&c->path, "vlans");

		for (size_t i = 0; i < p->vlan_count; i++) {
			size_t m = cfg_path_idx(&c->path, i);
			const struct raw_vlan *rv = &rp->vlans[i];
			struct dp_config_vlan *v = &p->vlans[i];

			if (*rv->vlan < 1 || *rv->vlan > 4094)
				cfg_chk_err(c, "vlan", "must be 1..4094, got %u", *rv->vlan);
			v->vlan = (uint16_t)(*rv->vlan & 0xfff);
			v->iid = *rv->iid;
			chk_binding(c, "instance-id", cfg, v->iid, bound, n_bound);
			memcpy(v->peer_mac, p->peer_mac, 6);
			v->peer_mac_set = p->peer_mac_set;
			if (rv->peer_mac) {
				v->peer_mac_set = true;
				chk_mac(c, "peer-mac", rv->peer_mac, v->peer_mac);
			}
			for (size_t j = 0; j < i; j++) {
				if (p->vlans[j].vlan == v->vlan) {
					cfg_chk_err(c, "vlan", "%u is listed twice", v->vlan);
					break;
				}
			}
			cfg_path_pop(&c->path, m);
		}
		cfg_path_pop(&c->path, mark);
	}
}

/* "ADDR" or "ADDR/LEN": LEN is the on-link subnet (default: the host
 * alone, every RLOC through a gateway). */
static void chk_local_addr(struct cfg_chk *c, const char *s, struct lisp_addr *a, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long v;
	unsigned int max;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	cfg_chk_addr(c, NULL, buf, a);
	max = a->afi == LISP_AFI_IPV6 ? 128 : 32;
	*plen = (uint8_t)max;
	if (!slash)
		return;
	v = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || v > max)
		cfg_chk_err(c, NULL, "'%s': prefix length must be 0..%u", s, max);
	else
		*plen = (uint8_t)v;
}

static void chk_gateways(struct cfg_chk *c, const struct raw_port *rp, struct dp_config_port *p)
{
	size_t mark = cfg_path_key(&c->path, "gateways");

	for (size_t i = 0; i < rp->gateways_count; i++) {
		size_t m = cfg_path_idx(&c->path, i);
		struct lisp_addr a;
		bool v6;

		cfg_chk_addr(c, NULL, rp->gateways[i], &a);
		v6 = a.afi == LISP_AFI_IPV6;
		if (v6 ? p->gw6_set : p->gw4_set)
			cfg_chk_err(c, NULL, "one gateway per address family");
		if (v6) {
			p->gw6 = a;
			p->gw6_set = true;
		} else {
			p->gw4 = a;
			p->gw4_set = true;
		}
		cfg_path_pop(&c->path, m);
	}
	cfg_path_pop(&c->path, mark);
}

static void chk_port_rloc(struct cfg_chk *c, const struct raw_port *rp, struct dp_config_port *p,
			  unsigned int *n4, unsigned int *n6)
{
	if (rp->iid || rp->vlans_count)
		cfg_chk_err(c, rp->iid ? "instance-id" : "vlans",
			    "only eid ports are bound to instances");
	if (rp->peer_mac)
		cfg_chk_err(c, "peer-mac", "an rloc port has next-hop-mac or gateways instead");
	if (!rp->addresses_count)
		cfg_chk_err(c, NULL, "an rloc port needs addresses (our RLOCs)");
	/* Without next-hop-mac, next hops are resolved (ARP/ND). */
	if (rp->next_hop_mac) {
		p->next_hop_mac_set = true;
		chk_mac(c, "next-hop-mac", rp->next_hop_mac, p->next_hop_mac);
	}
	chk_gateways(c, rp, p);
	p->addrs = cfg_chk_calloc(c, rp->addresses_count, sizeof(*p->addrs));
	p->addr_plen = cfg_chk_calloc(c, rp->addresses_count, 1);
	p->addr_count = p->addrs && p->addr_plen ? rp->addresses_count : 0;
	if (p->addr_count) {
		size_t mark = cfg_path_key(&c->path, "addresses");

		for (size_t i = 0; i < p->addr_count; i++) {
			size_t m = cfg_path_idx(&c->path, i);

			chk_local_addr(c, rp->addresses[i], &p->addrs[i], &p->addr_plen[i]);
			if (p->addrs[i].afi == LISP_AFI_IPV4 && ++*n4 > DP_CONFIG_LOCAL_RLOCS_MAX)
				cfg_chk_err(c, NULL, "more than %u IPv4 RLOCs",
					    DP_CONFIG_LOCAL_RLOCS_MAX);
			if (p->addrs[i].afi == LISP_AFI_IPV6 && ++*n6 > DP_CONFIG_LOCAL_RLOCS_MAX)
				cfg_chk_err(c, NULL, "more than %u IPv6 RLOCs",
					    DP_CONFIG_LOCAL_RLOCS_MAX);
			cfg_path_pop(&c->path, m);
		}
		cfg_path_pop(&c->path, mark);
	}
}

/* exception (docs/dataplane.md, "Exception path"): the kernel interface
 * that gets what is for our RLOCs but not tunnel data.  The kernel then
 * owns the RLOC's ARP and ND too, so next hops come from its table. */
static void chk_port_exception(struct cfg_chk *c, const struct raw_port *rp,
			       struct dp_config_port *p)
{
	const struct raw_exception *e = rp->exception;
	size_t mark;

	if (!e)
		return;
	if (p->role != DP_CONFIG_ROLE_RLOC) {
		cfg_chk_err(c, "exception", "an exception interface is for rloc ports only");
		return;
	}
	if (rp->xdp_program && *rp->xdp_program == DP_CONFIG_XDP_LISPGW)
		cfg_chk_err(c, "exception", "with xdp-program lispgw the kernel shares the "
			    "interface already: no exception interface");
	if (rp->neighbours && *rp->neighbours == DP_CONFIG_NEIGH_DATAPLANE)
		cfg_chk_err(c, "neighbours", "with an exception interface, ARP and ND go to the "
			    "kernel: use neighbours: kernel (the default)");
	mark = cfg_path_key(&c->path, "exception");
	p->exc_ifname = cfg_chk_strdup(c, e->interface);
	p->exc_rate = cfg_chk_u32(c, "rate", e->rate, DP_CONFIG_DEF_EXC_RATE, 1, 10000000);
	p->exc_burst = cfg_chk_u32(c, "burst", e->burst,
				   p->exc_rate / 10 > DP_CONFIG_DEF_EXC_BURST_MIN ?
				   p->exc_rate / 10 : DP_CONFIG_DEF_EXC_BURST_MIN, 1, 10000000);
	cfg_path_pop(&c->path, mark);
}

/* xdp-program and neighbours (docs/dataplane-afxdp.md).  With our XDP
 * program ARP and ND go to the kernel, so lispgw-dp cannot resolve from
 * that port itself: an rloc port takes the kernel's neighbour table by
 * default, and an eid port needs peer-mac (host learning and resolution
 * through the kernel are not built). */
static void chk_port_xdp(struct cfg_chk *c, const struct raw_port *rp, struct dp_config_port *p)
{
	bool xdp = rp->xdp_program && *rp->xdp_program == DP_CONFIG_XDP_LISPGW;

	p->xdp_program = xdp ? DP_CONFIG_XDP_LISPGW : DP_CONFIG_XDP_NONE;
	if (rp->neighbours)
		p->neighbours = (uint8_t)*rp->neighbours;
	else
		p->neighbours = (xdp || p->exc_ifname) && p->role == DP_CONFIG_ROLE_RLOC ?
				DP_CONFIG_NEIGH_KERNEL : DP_CONFIG_NEIGH_DATAPLANE;
	if (p->role == DP_CONFIG_ROLE_EID && p->neighbours == DP_CONFIG_NEIGH_KERNEL)
		cfg_chk_err(c, "neighbours", "kernel neighbours are for rloc ports only");
	if (p->role == DP_CONFIG_ROLE_RLOC && xdp && p->neighbours == DP_CONFIG_NEIGH_DATAPLANE &&
	    !p->next_hop_mac_set)
		cfg_chk_err(c, "neighbours", "with xdp-program lispgw, ARP and ND go to the "
			    "kernel: use neighbours: kernel or a next-hop-mac");
	if (p->role == DP_CONFIG_ROLE_EID && xdp) {
		bool all = p->iid_set ? p->peer_mac_set : true;

		for (size_t i = 0; i < p->vlan_count; i++)
			all = all && p->vlans[i].peer_mac_set;
		if (!all)
			cfg_chk_err(c, "xdp-program", "an eid port with xdp-program lispgw needs "
				    "peer-mac (its ARP and ND go to the kernel)");
	}
}

static void chk_ports(struct cfg_chk *c, const struct raw *r, struct dp_config *cfg)
{
	size_t mark = cfg_path_key(&c->path, "ports"), n_bound = 0;
	unsigned int n4 = 0, n6 = 0;
	size_t n_bind = 1;
	uint32_t *bound;

	cfg->ports = cfg_chk_calloc(c, r->ports_count, sizeof(*cfg->ports));
	cfg->port_count = cfg->ports ? r->ports_count : 0;
	for (size_t i = 0; i < r->ports_count; i++)
		n_bind += r->ports[i].vlans_count + 1;
	bound = cfg_chk_calloc(c, n_bind, sizeof(*bound));
	for (size_t i = 0; bound && i < cfg->port_count; i++) {
		size_t m = cfg_path_idx(&c->path, i);
		const struct raw_port *rp = &r->ports[i];
		struct dp_config_port *p = &cfg->ports[i];

		p->name = cfg_chk_strdup(c, rp->name);
		p->device = cfg_chk_strdup(c, rp->device);
		p->role = (uint8_t)*rp->role;
		p->mtu = (uint16_t)cfg_chk_u32(c, "mtu", rp->mtu, DP_CONFIG_DEF_MTU, 576, 9000);
		if (rp->mac) {
			p->mac_set = true;
			chk_mac(c, "mac", rp->mac, p->mac);
		}
		for (size_t j = 0; j < i; j++) {
			if (p->name && cfg->ports[j].name &&
			    strcmp(cfg->ports[j].name, p->name) == 0)
				cfg_chk_err(c, "name", "'%s' is used twice", p->name);
			if (p->device && cfg->ports[j].device &&
			    strcmp(cfg->ports[j].device, p->device) == 0)
				cfg_chk_err(c, "device", "'%s' is used twice", p->device);
		}
		if (p->role == DP_CONFIG_ROLE_EID)
			chk_port_eid(c, rp, p, cfg, bound, &n_bound);
		else
			chk_port_rloc(c, rp, p, &n4, &n6);
		chk_port_exception(c, rp, p);
		chk_port_xdp(c, rp, p);
		cfg_path_pop(&c->path, m);
	}
	free(bound);
	cfg_path_pop(&c->path, mark);
}

static bool have_rloc_family(const struct dp_config *cfg, uint16_t afi)
{
	for (size_t i = 0; i < cfg->port_count; i++)
		for (size_t j = 0; cfg->ports[i].role == DP_CONFIG_ROLE_RLOC &&
				   j < cfg->ports[i].addr_count; j++)
			if (cfg->ports[i].addrs[j].afi == afi)
				return true;
	return false;
}

static void chk_rlocs(struct cfg_chk *c, const struct raw_mapping *rm, struct dp_config_mapping *m,
		      const struct dp_config *cfg)
{
	size_t mark = cfg_path_key(&c->path, "rlocs");

	if (rm->rlocs_count > DP_CONFIG_RLOCS_MAX)
		cfg_chk_err(c, NULL, "at most %u RLOCs per mapping", DP_CONFIG_RLOCS_MAX);
	m->rlocs = cfg_chk_calloc(c, rm->rlocs_count, sizeof(*m->rlocs));
	m->rloc_count = m->rlocs ? rm->rlocs_count : 0;
	for (size_t i = 0; i < m->rloc_count; i++) {
		size_t pm = cfg_path_idx(&c->path, i);
		const struct raw_rloc *rr = &rm->rlocs[i];
		struct dp_config_rloc *rl = &m->rlocs[i];

		cfg_chk_addr(c, "address", rr->address, &rl->addr);
		rl->priority = (uint8_t)cfg_chk_u32(c, "priority", rr->priority,
						    DP_CONFIG_DEF_RLOC_PRIORITY, 0, 255);
		rl->weight = (uint8_t)cfg_chk_u32(c, "weight", rr->weight,
						  DP_CONFIG_DEF_RLOC_WEIGHT, 0, 255);
		rl->up = cfg_chk_bool(rr->up, true);
		if (rl->addr.afi && !have_rloc_family(cfg, rl->addr.afi))
			cfg_chk_err(c, "address",
				    "no rloc port has an %s address to reach '%s' from",
				    rl->addr.afi == LISP_AFI_IPV4 ? "IPv4" : "IPv6", rr->address);
		for (size_t j = 0; j < i; j++) {
			if (rl->addr.afi && lisp_addr_equal(&rl->addr, &m->rlocs[j].addr)) {
				cfg_chk_err(c, "address", "'%s' is listed twice (also entry %zu)",
					    rr->address, j);
				break;
			}
		}
		cfg_path_pop(&c->path, pm);
	}
	cfg_path_pop(&c->path, mark);
}

static void chk_statics(struct cfg_chk *c, const struct raw *r, struct dp_config *cfg)
{
	size_t mark = cfg_path_key(&c->path, "static-map-cache");

	cfg->statics = cfg_chk_calloc(c, r->statics_count, sizeof(*cfg->statics));
	cfg->static_count = cfg->statics ? r->statics_count : 0;
	for (size_t i = 0; i < cfg->static_count; i++) {
		size_t pm = cfg_path_idx(&c->path, i);
		const struct raw_mapping *rm = &r->statics[i];
		struct dp_config_mapping *m = &cfg->statics[i];

		cfg_chk_prefix(c, "eid-prefix", rm->eid_prefix, &m->eid);
		if (m->eid.addr.afi && m->eid.addr.afi != LISP_AFI_IPV4 &&
		    m->eid.addr.afi != LISP_AFI_IPV6)
			cfg_chk_err(c, "eid-prefix", "'%s': the data plane forwards IPv4 and "
				    "IPv6 EIDs only", rm->eid_prefix);
		else if (m->eid.addr.afi && !dp_config_instance(cfg, m->eid.iid))
			cfg_chk_err(c, "eid-prefix", "'%s': instance-id %u is not in instances",
				    rm->eid_prefix, m->eid.iid);
		m->action = rm->action ? (uint8_t)*rm->action : LISP_ACT_NO_ACTION;
		chk_rlocs(c, rm, m, cfg);
		if (m->action == LISP_ACT_NO_ACTION && !rm->rlocs_count)
			cfg_chk_err(c, "rlocs", "an encapsulate entry needs rlocs (or set action: "
				    "native-forward, send-map-request or drop)");
		else if (m->action != LISP_ACT_NO_ACTION &&
			 m->action != LISP_ACT_NATIVE_FORWARD && rm->rlocs_count)
			/* native-forward's RLOCs are its Proxy-ETRs. */
			cfg_chk_err(c, "rlocs", "a %s entry takes no rlocs",
				    lisp_action_name(m->action));
		cfg_path_pop(&c->path, pm);
	}
	if (cfg->statics)
		cfg_chk_prefix_dups(c, "eid-prefix", &cfg->statics[0].eid, sizeof(cfg->statics[0]),
				    &r->statics[0].eid_prefix, sizeof(r->statics[0]),
				    cfg->static_count);
	if (cfg->static_count > cfg->max_mappings)
		cfg_chk_err(c, NULL, "%zu entries do not fit tables.max-mappings (%u)",
			    cfg->static_count, cfg->max_mappings);
	cfg_path_pop(&c->path, mark);
}

static void chk_tables(struct cfg_chk *c, const struct raw *r, struct dp_config *cfg)
{
	const struct raw_tables *t = r->tables;
	size_t mark = cfg_path_key(&c->path, "tables");
	struct raw_tables none = { 0 };

	if (!t)
		t = &none;
	cfg->max_mappings = cfg_chk_u32(c, "max-mappings", t->max_mappings,
					DP_CONFIG_DEF_MAX_MAPPINGS, 16, DP_CONFIG_MAX_MAPPINGS);
	cfg->max_instances = cfg_chk_u32(c, "max-instances", t->max_instances,
					 DP_CONFIG_DEF_MAX_INSTANCES, 1, 65535);
	cfg->ipv4_tbl8s = cfg_chk_u32(c, "ipv4-tbl8-groups", t->ipv4_tbl8s,
				      DP_CONFIG_DEF_IPV4_TBL8S, 16, 1u << 24);
	cfg->ipv6_tbl8s = cfg_chk_u32(c, "ipv6-tbl8-groups", t->ipv6_tbl8s,
				      DP_CONFIG_DEF_IPV6_TBL8S, 16, 1u << 21);
	cfg->host_timeout_s = cfg_chk_u32(c, "host-timeout-s", t->host_timeout_s,
					  DP_CONFIG_DEF_HOST_TIMEOUT_S, 0,
					  DP_CONFIG_MAX_HOST_TIMEOUT_S);
	if (cfg->instance_count > cfg->max_instances)
		cfg_chk_err(c, "max-instances", "%zu instances do not fit %u",
			    cfg->instance_count, cfg->max_instances);
	cfg_path_pop(&c->path, mark);
}

static void chk_channel(struct cfg_chk *c, const struct raw *r, struct dp_config *cfg)
{
	const struct raw_channel *ch = r->channel;
	size_t mark = cfg_path_key(&c->path, "channel");
	struct raw_channel none = { 0 };

	if (!ch)
		ch = &none;
	cfg->stale_grace_ms = cfg_chk_u32(c, "stale-grace-ms", ch->stale_grace_ms,
					  DP_CONFIG_DEF_STALE_GRACE_MS, 0, DP_CONFIG_GRACE_MAX_MS);
	cfg->session_grace_ms = cfg_chk_u32(c, "session-grace-ms", ch->session_grace_ms,
					    DP_CONFIG_DEF_SESSION_GRACE_MS, 0,
					    DP_CONFIG_GRACE_MAX_MS);
	cfg->socket_user = cfg_chk_account(c, "socket-user", ch->socket_user,
					   DP_CONFIG_DEF_SOCKET_USER);
	cfg_path_pop(&c->path, mark);
}

static int check(const struct raw *r, const struct cfg_doc *doc, struct dp_config *cfg,
		 struct cfg_errors *errs)
{
	struct cfg_chk c = { .doc = doc, .errs = errs };
	size_t mark;

	cfg->log_level = r->log_level ? *r->log_level : LOG_INFO;
	chk_instances(&c, r, cfg);
	chk_tables(&c, r, cfg);
	chk_ports(&c, r, cfg);
	chk_statics(&c, r, cfg);
	mark = cfg_path_key(&c.path, "workers");
	cfg->idle_backoff = true;
	cfg->tx_drain_us = DP_CONFIG_DEF_TX_DRAIN_US;
	if (r->workers) {
		cfg->idle_backoff = cfg_chk_bool(r->workers->idle_backoff, true);
		cfg->tx_drain_us = cfg_chk_u32(&c, "tx-drain-us", r->workers->tx_drain_us,
					       DP_CONFIG_DEF_TX_DRAIN_US, 1, 100000);
	}
	cfg_path_pop(&c.path, mark);
	mark = cfg_path_key(&c.path, "itr");
	cfg->itr_mode = DP_CONFIG_ITR_XTR;
	cfg->too_big = DP_CONFIG_TOO_BIG_ICMP;
	cfg->icmp_rate = DP_CONFIG_DEF_ICMP_RATE;
	cfg->flow_idle_ms = DP_CONFIG_DEF_FLOW_IDLE_MS;
	if (r->itr) {
		cfg->itr_mode = r->itr->mode ? (uint8_t)*r->itr->mode : DP_CONFIG_ITR_XTR;
		cfg->too_big = r->itr->too_big ? (uint8_t)*r->itr->too_big :
						 DP_CONFIG_TOO_BIG_ICMP;
		cfg->icmp_rate = cfg_chk_u32(&c, "icmp-rate", r->itr->icmp_rate,
					     DP_CONFIG_DEF_ICMP_RATE, 0, 1000000);
		cfg->lsb = cfg_chk_bool(r->itr->lsb, false);
		cfg->flow_table = cfg_chk_u32(&c, "flow-table", r->itr->flow_table, 0, 0,
					      1u << 24);
		cfg->flow_idle_ms = cfg_chk_u32(&c, "flow-idle-ms", r->itr->flow_idle_ms,
						DP_CONFIG_DEF_FLOW_IDLE_MS, 1, 3600000);
	}
	cfg_path_pop(&c.path, mark);
	chk_channel(&c, r, cfg);
	if (c.nomem)
		return -ENOMEM;
	return c.errors ? -EINVAL : 0;
}

static int dp_config_check(const void *raw, const struct cfg_doc *doc, void *arg,
			   struct cfg_errors *errs)
{
	return check(raw, doc, arg, errs);
}

int dp_config_load(const char *path, struct dp_config **out, struct cfg_errors *errs)
{
	struct dp_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	rc = cfg ? cfg_yaml_load(path, CONFIG_FILE_MAX, &raw_schema, dp_config_check, cfg, errs)
		 : -ENOMEM;
	if (rc == 0)
		*out = cfg;
	else
		dp_config_free(cfg);
	return rc;
}

void dp_config_free(struct dp_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; cfg->ports && i < cfg->port_count; i++) {
		free(cfg->ports[i].name);
		free(cfg->ports[i].device);
		free(cfg->ports[i].vlans);
		free(cfg->ports[i].addrs);
		free(cfg->ports[i].addr_plen);
		free(cfg->ports[i].exc_ifname);
	}
	free(cfg->ports);
	free(cfg->instances);
	for (size_t i = 0; cfg->statics && i < cfg->static_count; i++)
		free(cfg->statics[i].rlocs);
	free(cfg->statics);
	free(cfg->socket_user);
	free(cfg);
}
