/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Privilege separation for lispgw-cp (docs/security.md, "Privilege
 * separation"): once every socket is bound, the daemon becomes an
 * unprivileged account with no capabilities and no way back
 * (PR_SET_NO_NEW_PRIVS), under a seccomp allow-list.  The order is the
 * caller's: privs_lookup before binding (a missing account is a start
 * error, not a daemon left running as root), privs_drop after, then
 * privs_seccomp_apply.  Nothing here reads the configuration: the unit
 * suite (unit-privs) applies the very filter the daemon runs under.
 */
#ifndef LISPGW_PRIVS_H
#define LISPGW_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

#include "lisp_err.h"

/* A build with AddressSanitizer (scripts/test.sh's build-asan): its
 * LeakSanitizer check at exit stops the process's threads from a clone
 * that ptraces them, so the filter allows those calls there (and only
 * there: privs_seccomp.c); unit-privs expects it. */
#if defined(__SANITIZE_ADDRESS__)
#define PRIVS_SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
#define PRIVS_SANITIZER_BUILD 1
#endif
#endif
#ifndef PRIVS_SANITIZER_BUILD
#define PRIVS_SANITIZER_BUILD 0
#endif

enum privs_seccomp {
	PRIVS_SECCOMP_OFF,
	PRIVS_SECCOMP_ON,	/* a forbidden system call: message, then SIGSYS */
	PRIVS_SECCOMP_LOG,	/* allowed, and logged by the kernel (audit) */
};

struct privs_ids {
	bool drop;		/* false: not root, nothing to drop */
	uid_t uid;
	gid_t gid;
};

/*
 * The account to become: user's uid, and group's gid (group NULL: the
 * user's login group).  Not root (geteuid() != 0): ids->drop = false and
 * 0, since there is nothing to give up.  -ENOENT with err naming the
 * account that does not exist.
 */
int privs_lookup(const char *user, const char *group, struct privs_ids *ids,
		 struct lisp_err *err);

/*
 * Becomes ids: the capability bounding and ambient sets emptied, the
 * supplementary groups replaced by ids->gid, real/effective/saved gid and
 * uid set, then checked (no capability left, setuid(0) refused).  uid 0
 * (privileges.user: root) keeps root and its capabilities.  0 or -errno.
 */
int privs_drop(const struct privs_ids *ids, struct lisp_err *err);

/*
 * PR_SET_NO_NEW_PRIVS, then the allow-list of every system call lispgw-cp
 * makes in every role once started (privs_seccomp.c); anything else gets
 * mode's action.  PRIVS_SECCOMP_OFF: nothing at all.  0 or -errno.
 */
int privs_seccomp_apply(enum privs_seccomp mode, struct lisp_err *err);

#endif
