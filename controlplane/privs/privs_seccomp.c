/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-cp's seccomp allow-list (privs.h): what glibc, OpenSSL, GnuTLS
 * and libmicrohttpd call for the daemon's work, held against every
 * unit/integration/cp+rest/ctl/dataplane/attack suite and the demo with
 * privileges.seccomp: on (docs/security.md says how to find a missing one
 * with "log"; getdents came from LeakSanitizer that way).  What is
 * left out on purpose: execve/fork/clone (the daemon runs nothing and has
 * one thread), ptrace, kill of others, mount, setuid and friends,
 * bpf, module and key syscalls, and sockets other than UDP/TCP/UNIX (no
 * AF_PACKET, AF_NETLINK, raw sockets): a parser bug turned into code
 * execution gets a process that can only do what the daemon does.
 */
#include "privs.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

/* Allowed whatever their arguments. */
static const char *const allowed[] = {
	/* memory */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
	/* files: config and certificates on SIGHUP, agents state, metrics */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "open", "openat", "close",
	"fstat", "stat", "lstat", "newfstatat", "statx", "lseek", "fcntl", "access",
	"faccessat", "faccessat2", "rename", "renameat", "renameat2", "unlink", "unlinkat",
	"fsync", "fdatasync", "ftruncate", "getdents", "getdents64", "readlink", "readlinkat",
	"fchmod", "umask", "dup", "dup2", "dup3", "pipe2", "getcwd", "fstatfs", "statfs", "flock",
	"mkdir", "mkdirat",
	/* time */
	"clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday",
	"time", "timerfd_create", "timerfd_settime", "timerfd_gettime",
	/* the event loop */
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"epoll_pwait2", "poll", "ppoll", "select", "pselect6", "eventfd2", "signalfd4",
	/* signals (the SIGSYS report below among them) */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
	/* sockets already open, the REST listener's accepted ones, the
	 * data-plane channel (connect, SCM_RIGHTS) */
	"connect", "accept", "accept4", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg",
	"recvmmsg", "getsockname", "getpeername", "setsockopt", "getsockopt", "shutdown",
	/* the process itself */
	"exit", "exit_group", "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"getresuid", "getresgid", "getgroups", "getrandom", "uname", "sched_yield", "futex",
	"set_robust_list", "get_robust_list", "rseq", "prlimit64", "getrlimit",
	"sched_getaffinity", "sysinfo", "getrusage", "membarrier", "set_tid_address",
};

/* LeakSanitizer's exit check (sanitizer_stoptheworld_linux_libcdep.cpp):
 * a clone that ptraces every thread, made dumpable again for it. */
static const char *const sanitizer_only[] = {
	"clone", "ptrace", "wait4", "prctl", "getppid", "process_vm_readv", "kill", "tgkill",
};

static int rule(scmp_filter_ctx ctx, const char *name, unsigned int n, const struct scmp_arg_cmp *a)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)	/* not on this architecture */
		return 0;
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n, a);
}

/* name allowed when argument arg equals v. */
static int rule_eq(scmp_filter_ctx ctx, const char *name, unsigned int arg, scmp_datum_t v)
{
	struct scmp_arg_cmp a = { .arg = arg, .op = SCMP_CMP_EQ, .datum_a = v };

	return rule(ctx, name, 1, &a);
}

/* socket() and ioctl() with some arguments only. */
static int rules_narrow_io(scmp_filter_ctx ctx)
{
	static const int domains[] = { AF_UNIX, AF_INET, AF_INET6 };
	static const unsigned long ioctls[] = { FIONREAD, FIONBIO, TCGETS };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < sizeof(domains) / sizeof(domains[0]); i++)
		rc = rule_eq(ctx, "socket", 0, (scmp_datum_t)domains[i]);
	for (size_t i = 0; rc == 0 && i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
		rc = rule_eq(ctx, "ioctl", 1, (scmp_datum_t)ioctls[i]);
	return rc;
}

/* Calls allowed with some arguments only. */
static int rules_narrow(scmp_filter_ctx ctx)
{
	int rc = rules_narrow_io(ctx);

	/* Signals to itself (raise(), abort()), never to another process. */
	if (rc == 0)
		rc = rule_eq(ctx, "tgkill", 0, (scmp_datum_t)getpid());
	if (rc == 0)
		rc = rule_eq(ctx, "kill", 0, (scmp_datum_t)getpid());
	/* prctl: PR_SET_NAME alone; never PR_SET_SECCOMP or capabilities. */
	if (rc == 0)
		rc = rule_eq(ctx, "prctl", 0, PR_SET_NAME);
	return rc;
}

/* privileges.seccomp: on.  The trap runs here instead of a silent kill so
 * that the log names the call; async-signal-safe only (write, sigaction,
 * raise).  The call was never made: the kernel stops it before. */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[160];
	int n;

	(void)uc;
	n = snprintf(msg, sizeof(msg),
		     "lispgw-cp: seccomp: forbidden system call %d (arch 0x%x); stopping "
		     "(docs/security.md, \"Privilege separation\")\n",
		     si->si_syscall, si->si_arch);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg));
	signal(sig, SIG_DFL);
	raise(sig);
}

int privs_seccomp_apply(enum privs_seccomp mode, struct lisp_err *err)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx;
	int rc = 0;

	if (mode == PRIVS_SECCOMP_OFF)
		return 0;
	/* Also what lets an unprivileged process load a filter at all. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return lisp_err_set(err, errno, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	if (mode == PRIVS_SECCOMP_ON && sigaction(SIGSYS, &sa, NULL) < 0)
		return lisp_err_set(err, errno, "SIGSYS handler: %s", strerror(errno));
	ctx = seccomp_init(mode == PRIVS_SECCOMP_ON ? SCMP_ACT_TRAP : SCMP_ACT_LOG);
	if (!ctx)
		return lisp_err_set(err, ENOMEM, "seccomp_init failed");
	for (size_t i = 0; rc == 0 && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		rc = rule(ctx, allowed[i], 0, NULL);
	for (size_t i = 0; PRIVS_SANITIZER_BUILD && rc == 0 &&
			   i < sizeof(sanitizer_only) / sizeof(sanitizer_only[0]); i++)
		rc = rule(ctx, sanitizer_only[i], 0, NULL);
	if (rc == 0 && !PRIVS_SANITIZER_BUILD)
		rc = rules_narrow(ctx);
	else if (rc == 0)	/* socket and ioctl still narrow */
		rc = rules_narrow_io(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc < 0)
		return lisp_err_set(err, -rc, "seccomp filter: %s", strerror(-rc));
	return 0;
}
