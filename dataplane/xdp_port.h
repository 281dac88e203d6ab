/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports with our XDP program (docs/dataplane-afxdp.md): a net_af_xdp vdev
 * given xdp_prog=lispgw_xdp.o loads dataplane/xdp/lispgw_xdp.c onto its
 * interface when its first RX queue is set up, and puts its AF_XDP sockets
 * into the program's xsks_map.  After the port starts, lispgw-dp finds the
 * program the kernel runs on that interface (bpf_xdp_query_id -> program
 * info -> map ids -> maps by name), checks that it is ours, fills its maps
 * (the mode by port role, our RLOC addresses) and from then on reads its
 * per-CPU counters: on the main lcore for the counters line, in the
 * telemetry thread for /lispgw/xdp.  Workers never see any of it.
 *
 * Without libbpf at build time, a port that asks for the program is
 * refused at start-up.
 */
#ifndef LISPGW_DP_XDP_PORT_H
#define LISPGW_DP_XDP_PORT_H

#include <stddef.h>
#include <stdint.h>

struct dp_app;
struct dp_port;
struct dp_config_port;

/* The program's counters (lispgw_xdp.h XDP_STAT_*), summed over CPUs. */
struct dp_xdp_stats {
	uint64_t fastpath;	/* handed to the AF_XDP socket */
	uint64_t kernel;	/* left to the kernel */
	uint64_t malformed;	/* too short to parse: left to the kernel */
};

/* Before the port's queues are set up: refuses an interface that already
 * runs an XDP program (net_af_xdp would fail to attach ours), saying which
 * and how to remove it.  0 or -errno (logged). */
int dp_xdp_port_precheck(const struct dp_port *p, const struct dp_config_port *cp);

/* After the port started: finds our program on p->ifindex, fills its maps
 * from cp, sets p->xdp.  0 or -errno (logged, with what to do). */
int dp_xdp_port_attach(struct dp_port *p, const struct dp_config_port *cp);

/* Closes the map descriptors (the PMD detaches the program at close). */
void dp_xdp_port_detach(struct dp_port *p);

/* 0 or -errno. */
int dp_xdp_port_stats(const struct dp_port *p, struct dp_xdp_stats *st);

/* ,"xdp":{"PORT":{...},...} for the counters line (nothing without such a
 * port); returns the length written. */
size_t dp_xdp_json(const struct dp_app *app, char *buf, size_t len);

/* /lispgw/xdp: registered after rte_eal_init(), answers for app once
 * attached; detach before the ports close. */
int dp_xdp_telemetry_register(void);
void dp_xdp_telemetry_attach(struct dp_app *app);
void dp_xdp_telemetry_detach(void);

#endif
