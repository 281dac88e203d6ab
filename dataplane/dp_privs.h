/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef LISPGW_DP_PRIVS_H
#define LISPGW_DP_PRIVS_H

/*
 * Once EAL, the ports, the exception TAPs, the channel socket (its owner
 * set) and the multi-process channel are up: PR_SET_NO_NEW_PRIVS and
 * every capability lispgw-dp no longer uses dropped from the bounding,
 * permitted and effective sets of EVERY thread (credentials are per
 * thread: the others get a signal whose handler drops the same), then
 * each thread's /proc status checked (docs/dataplane.md, "Privileges").
 * Kept: what DPDK's drivers may use while running (DP_PRIVS_KEEP).  Not
 * root and no capability: NoNewPrivs only.  0 or -errno (logged): a
 * thread that did not drop in time, or still holds more, stops start-up.
 */
int dp_privs_drop(void);

#endif
