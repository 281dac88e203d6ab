/* SPDX-License-Identifier: BSD-3-Clause */
#include "caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int caps_bounding_limit(uint64_t keep)
{
	/* The last capability the kernel knows ends the loop (EINVAL). */
	for (int cap = 0; cap < 64; cap++) {
		int in;

		if (keep & (UINT64_C(1) << cap))
			continue;
		/* Already out: nothing to do, and no CAP_SETPCAP needed, so a
		 * thread born of one that dropped may call this again. */
		in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0 && errno == EINVAL)
			break;
		if (in == 0)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			return -errno;
		}
	}
	/* Ambient capabilities survive execve and uid changes: none may. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return -errno;
	return 0;
}

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d) < 0 ? -errno : 0;
}

int caps_limit(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int rc = caps_bounding_limit(keep);

	if (rc == 0)
		rc = caps_get(d);
	if (rc < 0)
		return rc;
	for (int i = 0; i < 2; i++) {
		uint32_t k = (uint32_t)(keep >> (32 * i));

		d[i].effective &= k;
		d[i].permitted &= k;
		d[i].inheritable &= k;
	}
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

long long caps_held(void)
{
	struct __user_cap_data_struct d[2];

	if (caps_get(d) < 0)
		return -1;
	return (long long)(d[0].effective | d[0].permitted) |
	       (long long)(d[1].effective | d[1].permitted) << 32;
}
