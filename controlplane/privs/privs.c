/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Becoming the unprivileged account (privs.h).  No libcap: the kernel
 * clears the permitted and effective sets itself when every uid leaves 0
 * (capabilities(7), "Effect of user ID changes on capabilities") as long
 * as PR_SET_KEEPCAPS is off; what we do by hand is empty the bounding and
 * ambient sets first (common/caps.c), which needs CAP_SETPCAP, so while
 * still root.
 */
#include "privs.h"

#include "caps.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int privs_lookup(const char *user, const char *group, struct privs_ids *ids,
		 struct lisp_err *err)
{
	struct passwd *pw;
	struct group *gr;

	*ids = (struct privs_ids){ .drop = false };
	if (geteuid() != 0)
		return 0;
	errno = 0;
	pw = getpwnam(user);
	if (!pw)
		return lisp_err_set(err, errno ? errno : ENOENT,
				    "privileges.user: no account '%s' (create it: scripts/install.sh "
				    "does, or useradd --system %s)", user, user);
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	if (group) {
		errno = 0;
		gr = getgrnam(group);
		if (!gr)
			return lisp_err_set(err, errno ? errno : ENOENT,
					    "privileges.group: no group '%s'", group);
		ids->gid = gr->gr_gid;
	}
	ids->drop = true;
	return 0;
}

int privs_drop(const struct privs_ids *ids, struct lisp_err *err)
{
	uid_t r, e, s;
	int rc;

	if (!ids->drop)
		return 0;
	if (ids->uid == 0)	/* privileges.user: root: kept, said at start */
		return 0;
	rc = caps_bounding_limit(0);
	if (rc < 0)
		return lisp_err_set(err, -rc, "cannot empty the capability bounding and ambient "
				    "sets: %s", strerror(-rc));
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return lisp_err_set(err, errno, "PR_SET_KEEPCAPS: %s", strerror(errno));
	/* Groups first: once the uid is gone, so is the right to change them. */
	if (setgroups(1, &ids->gid) < 0 || setresgid(ids->gid, ids->gid, ids->gid) < 0)
		return lisp_err_set(err, errno, "cannot become group %u: %s", (unsigned)ids->gid,
				    strerror(errno));
	if (setresuid(ids->uid, ids->uid, ids->uid) < 0)
		return lisp_err_set(err, errno, "cannot become user %u: %s", (unsigned)ids->uid,
				    strerror(errno));
	/* Trust, but check: no uid 0 left, no capability, no way back. */
	if (getresuid(&r, &e, &s) < 0 || r != ids->uid || e != ids->uid || s != ids->uid)
		return lisp_err_set(err, EPERM, "the uid did not change");
	if (caps_held() != 0)
		return lisp_err_set(err, EPERM, "capabilities are left after the uid change");
	if (setuid(0) == 0)
		return lisp_err_set(err, EPERM, "setuid(0) still works after the drop");
	return 0;
}
