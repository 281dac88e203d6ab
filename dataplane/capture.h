/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture on a running lispgw-dp with dpdk-dumpcap: the primary's
 * side of DPDK's pdump protocol, ours instead of lib/pdump's server, so
 * that a capture is detached safely (docs/dataplane.md, "Capture").
 */
#ifndef LISPGW_DP_CAPTURE_H
#define LISPGW_DP_CAPTURE_H

struct dp_app;

/* Answers dpdk-dumpcap from now on (the EAL's multi-process thread).
 * Call once the ports are started and the workers set up, before they
 * run.  Returns 0, or -ENOTSUP when the EAL has no multi-process channel
 * (--in-memory, --no-shconf: logged, lispgw-dp runs without capture). */
int dp_capture_start(struct dp_app *app);

/* Detaches every capture and stops answering; call once the workers have
 * stopped, before the ports do. */
void dp_capture_stop(void);

#endif
