/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_privs.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>

#include "caps.h"
#include "dp.h"

#define BIT(c) (UINT64_C(1) << (c))

/* What the drivers may still need after start: af_packet and AF_XDP
 * sockets and their interfaces (NET_RAW, NET_ADMIN: the kernel neighbour
 * path writes entries over netlink too), BPF maps of AF_XDP (BPF,
 * SYS_ADMIN before 5.8, PERFMON), DMA memory and hugepages growing at run
 * time (IPC_LOCK, SYS_RESOURCE, SYS_RAWIO, SYS_ADMIN for page maps),
 * device and sysfs files (DAC_OVERRIDE, DAC_READ_SEARCH), thread
 * priorities (SYS_NICE).  The rest was for start-up only, or never:
 * CHOWN (the channel socket), FOWNER, KILL, SETUID/SETGID/SETPCAP,
 * SYS_MODULE, SYS_PTRACE, SYS_BOOT, MKNOD, NET_BIND_SERVICE, SYS_CHROOT,
 * audit, MAC, time, syslog... */
#define DP_PRIVS_KEEP                                                                     \
	(BIT(CAP_NET_ADMIN) | BIT(CAP_NET_RAW) | BIT(CAP_BPF) | BIT(CAP_PERFMON) |         \
	 BIT(CAP_SYS_ADMIN) | BIT(CAP_IPC_LOCK) | BIT(CAP_SYS_RESOURCE) | BIT(CAP_SYS_RAWIO) | \
	 BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_SYS_NICE))

int dp_privs_drop(void)
{
	long long held = caps_held();
	int rc;

	/* lispgw-dp runs nothing: no setuid binary can give anything back. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		rc = -errno;
		DP_LOG(ERR, "privileges: PR_SET_NO_NEW_PRIVS: %s", strerror(-rc));
		return rc;
	}
	if (held <= 0)
		return 0;
	rc = caps_limit(DP_PRIVS_KEEP);
	if (rc < 0) {
		DP_LOG(ERR, "privileges: dropping capabilities: %s", strerror(-rc));
		return rc;
	}
	DP_LOG(INFO, "privileges: capabilities 0x%llx kept of 0x%llx, no new privileges",
	       (unsigned long long)caps_held(), (unsigned long long)held);
	return 0;
}
