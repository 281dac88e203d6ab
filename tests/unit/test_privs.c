/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * controlplane/privs against the kernel (docs/security.md, "Privilege
 * separation"): a child applies the very filter lispgw-cp runs under
 * (privs_seccomp_apply) and then
 *   - makes the calls the daemon makes (UDP and UNIX sockets, files,
 *     timers, epoll, getrandom): it exits 0;
 *   - attempts one forbidden call (execve, ptrace, socket(AF_PACKET),
 *     socket(AF_NETLINK), kill of another process, setuid): it dies by
 *     SIGSYS and the call was never made;
 *   - in log mode, the same forbidden call is made and the child lives;
 *   - the trap's message names the call's number on stderr.
 * As root, a child drops to "nobody" (privs_drop): uid and gid changed,
 * no capability left, setuid(0) refused; and a missing account is -ENOENT
 * with a message naming it.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#include "caps.h"
#include "check_util.h"
#include "privs.h"

enum forbidden { F_NONE, F_EXECVE, F_PTRACE, F_PACKET, F_NETLINK, F_KILL_OTHER, F_SETUID };

/* What the daemon does after the drop; 0 when every call works. */
static int allowed_calls(void)
{
	char buf[64], path[] = "/tmp/lispgw-privs-XXXXXX";
	struct itimerspec its = { .it_value = { .tv_nsec = 1000000 } };
	struct epoll_event ev = { .events = EPOLLIN };
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int x = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int f = mkstemp(path);

	if (u < 0 || x < 0 || t < 0 || ep < 0 || f < 0)
		return 1;
	if (timerfd_settime(t, 0, &its, NULL) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, t, &ev) < 0 ||
	    epoll_wait(ep, &ev, 1, 1000) != 1)
		return 2;
	if (write(f, "x", 1) != 1 || lseek(f, 0, SEEK_SET) != 0 || read(f, buf, 1) != 1 ||
	    unlink(path) < 0)
		return 3;
	if (getrandom(buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return 4;
	close(u);
	close(x);
	close(t);
	close(ep);
	close(f);
	return 0;
}

/* Another process to signal: the parent, its pid taken before the filter
 * (getppid itself is not on the list). */
static pid_t other;

static long forbidden_call(enum forbidden what)
{
	char *const argv[] = { "/bin/true", NULL };

	switch (what) {
	case F_EXECVE:
		return execve("/bin/true", argv, NULL);
	case F_PTRACE:
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	case F_PACKET:
		return socket(AF_PACKET, SOCK_RAW, 0);
	case F_NETLINK:
		return socket(AF_NETLINK, SOCK_RAW, 0);
	case F_KILL_OTHER:
		return kill(other, 0);
	case F_SETUID:
		return setuid(0);
	default:
		return 0;
	}
}

/* The child's wait status: filter applied, allowed calls, then what. */
static int child_run(enum privs_seccomp mode, enum forbidden what)
{
	struct lisp_err err;
	int status;
	pid_t pid;

	other = getpid();
	pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (privs_seccomp_apply(mode, &err) < 0)
			_exit(100);
		if (allowed_calls() != 0)
			_exit(101);
		forbidden_call(what);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

START_TEST(test_allowed_calls)
{
	int st = child_run(PRIVS_SECCOMP_ON, F_NONE);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}
END_TEST

START_TEST(test_forbidden_killed)
{
	static const enum forbidden calls[] = { F_EXECVE, F_PTRACE, F_PACKET, F_NETLINK,
						F_KILL_OTHER, F_SETUID };

	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		int st;

		/* LeakSanitizer's exit check needs these (privs.h). */
		if (PRIVS_SANITIZER_BUILD && (calls[i] == F_PTRACE || calls[i] == F_KILL_OTHER))
			continue;
		st = child_run(PRIVS_SECCOMP_ON, calls[i]);

		ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
			      "forbidden call %d: status 0x%x, not SIGSYS", (int)calls[i], st);
	}
}
END_TEST

/* The trap names the call in the log (docs/security.md, "Debugging a
 * SIGSYS"): execve is 59 on x86-64. */
START_TEST(test_sigsys_message)
{
	char buf[512] = { 0 }, want[64];
	int fd[2], st;
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct lisp_err err;

		dup2(fd[1], STDERR_FILENO);
		if (privs_seccomp_apply(PRIVS_SECCOMP_ON, &err) < 0)
			_exit(100);
		forbidden_call(F_EXECVE);
		_exit(0);
	}
	close(fd[1]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
	ck_assert_int_gt(read(fd[0], buf, sizeof(buf) - 1), 0);
	close(fd[0]);
	snprintf(want, sizeof(want), "seccomp: forbidden system call %d ", (int)SYS_execve);
	ck_assert_msg(strstr(buf, want), "got: %s", buf);
}
END_TEST

/* Without the filter, and in log mode, the call is made (execve of
 * /bin/true exits 0 through it). */
START_TEST(test_off_and_log_allow)
{
	int st = child_run(PRIVS_SECCOMP_OFF, F_EXECVE);

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "off: status 0x%x", st);
	st = child_run(PRIVS_SECCOMP_LOG, F_EXECVE);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "log: status 0x%x", st);
	st = child_run(PRIVS_SECCOMP_LOG, F_PTRACE);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "log: status 0x%x", st);
}
END_TEST

START_TEST(test_lookup_missing)
{
	struct privs_ids ids;
	struct lisp_err err;

	if (geteuid() != 0) {
		ck_assert_int_eq(privs_lookup("lispgw-no-such-user", NULL, &ids, &err), 0);
		ck_assert(!ids.drop);	/* not root: nothing to drop */
		return;
	}
	ck_assert_int_eq(privs_lookup("lispgw-no-such-user", NULL, &ids, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "lispgw-no-such-user"));
	ck_assert_int_eq(privs_lookup("nobody", "lispgw-no-such-group", &ids, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "lispgw-no-such-group"));
}
END_TEST

START_TEST(test_drop_to_nobody)
{
	struct passwd *pw = getpwnam("nobody");
	int st;
	pid_t pid;

	if (geteuid() != 0 || !pw)
		return;	/* the integration test cp-privs covers the daemon */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct privs_ids ids;
		struct lisp_err err;

		if (privs_lookup("nobody", NULL, &ids, &err) < 0 || !ids.drop)
			_exit(1);
		if (caps_held() == 0)	/* root holds some before */
			_exit(2);
		if (privs_drop(&ids, &err) < 0)
			_exit(3);
		if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid || getgid() != pw->pw_gid)
			_exit(4);
		if (caps_held() != 0 || setuid(0) == 0 || errno != EPERM)
			_exit(5);
		if (privs_seccomp_apply(PRIVS_SECCOMP_ON, &err) < 0 || allowed_calls() != 0)
			_exit(6);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}
END_TEST

/* A thread born of one that dropped (a telemetry client thread, in
 * lispgw-dp) has no CAP_SETPCAP: the same caps_limit again must succeed
 * (it failed with EPERM when it dropped every capability anew). */
START_TEST(test_limit_again_without_setpcap)
{
	const uint64_t keep = UINT64_C(1) << CAP_NET_ADMIN;
	int st;
	pid_t pid;

	if (geteuid() != 0 || caps_held() <= 0)
		return;	/* dp-channel-owner covers lispgw-dp's threads */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (caps_limit(keep) < 0)
			_exit(1);
		if (prctl(PR_CAPBSET_READ, CAP_SETPCAP, 0, 0, 0) != 0 ||
		    prctl(PR_CAPBSET_READ, CAP_NET_ADMIN, 0, 0, 0) != 1)
			_exit(2);
		if (caps_limit(keep) < 0)
			_exit(3);
		if ((uint64_t)caps_held() & ~keep)
			_exit(4);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("privs");
	TCase *tc = tcase_create("privs");

	tcase_add_test(tc, test_allowed_calls);
	tcase_add_test(tc, test_forbidden_killed);
	tcase_add_test(tc, test_sigsys_message);
	tcase_add_test(tc, test_off_and_log_allow);
	tcase_add_test(tc, test_lookup_missing);
	tcase_add_test(tc, test_drop_to_nobody);
	tcase_add_test(tc, test_limit_again_without_setpcap);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
