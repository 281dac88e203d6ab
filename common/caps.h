/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capabilities both daemons give up (docs/security.md, "Privilege
 * separation"; docs/dataplane.md, "Privileges"), without libcap: prctl
 * and capget/capset, masks of 64 bits (bit N: capability N).
 */
#ifndef LISPGW_CAPS_H
#define LISPGW_CAPS_H

#include <stdint.h>

/* Every capability not in keep leaves the bounding set (nothing this
 * process runs can get it back) and the ambient set is emptied.  Needs
 * CAP_SETPCAP while something is left to drop, so call it while still
 * privileged; once nothing is, it succeeds without.  Only system calls:
 * safe in a signal handler.  0 or -errno. */
int caps_bounding_limit(uint64_t keep);

/* caps_bounding_limit(keep), then the permitted, effective and inheritable
 * sets reduced to keep.  0 or -errno. */
int caps_limit(uint64_t keep);

/* The capabilities held, effective or permitted, as one mask (0: none),
 * or -1 when capget fails. */
long long caps_held(void);

#endif
