/* SPDX-License-Identifier: BSD-3-Clause */
#include "dp_privs.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

/* Credentials are per thread on Linux: capset, PR_CAPBSET_DROP and
 * PR_SET_NO_NEW_PRIVS change only the calling thread, and EAL's threads
 * (workers, interrupts, multi-process, telemetry) exist already.  As
 * glibc's setxid broadcast does for uids: every other thread gets a
 * signal whose handler makes the same calls, and says so. */
#define DP_PRIVS_THREADS_MAX 512
#define DP_PRIVS_WAIT_MS 5000

static int privs_sig;
static int privs_caps;                     /* also drop capabilities (we held some) */
static pid_t privs_tid[DP_PRIVS_THREADS_MAX];
static atomic_int privs_acked[DP_PRIVS_THREADS_MAX];
static atomic_int privs_err;               /* first failure in a handler, -errno */
static atomic_int privs_err_tid;           /* and the thread it failed in */
static atomic_int privs_n;                 /* privs_tid[] entries published */

/* Only system calls (prctl, capget, capset) and errno: safe in a
 * signal handler. */
static int privs_apply(void)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return privs_caps ? caps_limit(DP_PRIVS_KEEP) : 0;
}

static void privs_on_signal(int sig)
{
	int saved = errno, rc, expected = 0;
	pid_t self = (pid_t)syscall(SYS_gettid);
	int n = atomic_load(&privs_n);

	(void)sig;
	rc = privs_apply();
	if (rc < 0 && atomic_compare_exchange_strong(&privs_err, &expected, rc))
		atomic_store(&privs_err_tid, (int)self);
	for (int i = 0; i < n; i++)
		if (privs_tid[i] == self)
			atomic_store(&privs_acked[i], 1);
	errno = saved;
}

/* Fields of /proc/self/task/TID/status that say what a thread holds. */
struct privs_status {
	char comm[32];
	uint64_t eff, prm, bnd, blk;
	int nnp;
};

static int privs_status_read(pid_t tid, struct privs_status *st)
{
	char path[64], line[256];
	FILE *f;

	memset(st, 0, sizeof(*st));
	st->nnp = -1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Name: %31s", st->comm) == 1)
			continue;
		if (sscanf(line, "CapEff: %" SCNx64, &st->eff) == 1 ||
		    sscanf(line, "CapPrm: %" SCNx64, &st->prm) == 1 ||
		    sscanf(line, "CapBnd: %" SCNx64, &st->bnd) == 1 ||
		    sscanf(line, "SigBlk: %" SCNx64, &st->blk) == 1)
			continue;
		sscanf(line, "NoNewPrivs: %d", &st->nnp);
	}
	fclose(f);
	return 0;
}

static int privs_seen(pid_t tid, int n)
{
	for (int i = 0; i < n; i++)
		if (privs_tid[i] == tid)
			return 1;
	return 0;
}

/* fn on each thread of /proc/self/task (one that exits meanwhile is
 * skipped) with its status; stops at fn's first error.  The sum of fn's
 * results, or -errno. */
static int privs_each_thread(int (*fn)(pid_t tid, const struct privs_status *st, void *arg),
			     void *arg)
{
	struct privs_status st;
	struct dirent *de;
	int sum = 0, rc = 0;
	DIR *d = opendir("/proc/self/task");

	if (!d)
		return -errno;
	while (rc >= 0 && (de = readdir(d)) != NULL) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid <= 0 || privs_status_read(tid, &st) < 0)
			continue;
		rc = fn(tid, &st, arg);
		sum += rc > 0 ? rc : 0;
	}
	closedir(d);
	return rc < 0 ? rc : sum;
}

/* A thread not yet signalled gets the signal: 1, else 0, or -errno. */
static int privs_signal_one(pid_t tid, const struct privs_status *st, void *arg)
{
	int n = atomic_load(&privs_n);

	if (tid == *(pid_t *)arg || privs_seen(tid, n))
		return 0;
	/* One that blocks the signal gets it all the same: a thread being
	 * born blocks every signal until it takes its creator's mask (glibc's
	 * pthread_create), and then runs the handler; one that keeps it
	 * blocked is named when the wait ends (privs_wait()). */
	(void)st;
	if (n == DP_PRIVS_THREADS_MAX)
		return -E2BIG;
	privs_tid[n] = tid;
	atomic_store(&privs_acked[n], 0);
	atomic_store(&privs_n, n + 1);
	if (syscall(SYS_tgkill, getpid(), tid, privs_sig) < 0) {
		if (errno != ESRCH)
			return -errno;
		atomic_store(&privs_acked[n], 1); /* exited meanwhile: nothing to drop */
		return 0;
	}
	return 1;
}

/* One pass over /proc/self/task: every thread not yet signalled gets the
 * signal.  The number signalled, or -errno. */
static int privs_signal_new(pid_t self)
{
	return privs_each_thread(privs_signal_one, &self);
}

/* Waits for every signalled thread's acknowledgement, a bounded time. */
static int privs_wait(void)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	struct privs_status st;

	for (int t = 0; t < DP_PRIVS_WAIT_MS; t++) {
		int n = atomic_load(&privs_n), i;

		for (i = 0; i < n && atomic_load(&privs_acked[i]); i++)
			;
		if (i == n)
			return 0;
		nanosleep(&ms, NULL);
	}
	for (int i = 0; i < atomic_load(&privs_n); i++) {
		if (atomic_load(&privs_acked[i]) || privs_status_read(privs_tid[i], &st) < 0)
			continue; /* done, or exited */
		if (st.blk & BIT(privs_sig - 1)) {
			/* It would never run the handler. */
			DP_LOG(ERR, "privileges: thread %d (%s) blocks signal %d", (int)privs_tid[i],
			       st.comm, privs_sig);
			return -EDEADLK;
		}
		DP_LOG(ERR, "privileges: thread %d (%s) did not drop in %d ms", (int)privs_tid[i],
		       st.comm, DP_PRIVS_WAIT_MS);
		return -ETIMEDOUT;
	}
	return 0;
}

static int privs_broadcast(void)
{
	struct sigaction sa = { .sa_handler = privs_on_signal, .sa_flags = SA_RESTART }, old;
	pid_t self = (pid_t)syscall(SYS_gettid);
	int rc, rounds = 0;

	privs_sig = SIGRTMIN + 5;
	sigfillset(&sa.sa_mask);
	if (sigaction(privs_sig, &sa, &old) < 0)
		return -errno;
	if (old.sa_handler != SIG_DFL) {
		DP_LOG(ERR, "privileges: signal %d already in use", privs_sig);
		sigaction(privs_sig, &old, NULL);
		return -EBUSY;
	}
	/* Threads made meanwhile by a thread not yet dropped: another pass. */
	do {
		rc = privs_signal_new(self);
		if (rc > 0) {
			int w = privs_wait();

			if (w < 0)
				rc = w;
		}
	} while (rc > 0 && ++rounds < 16);
	if (rc == 0 && (rc = atomic_load(&privs_err)) < 0) {
		struct privs_status st;

		privs_status_read(atomic_load(&privs_err_tid), &st);
		DP_LOG(ERR, "privileges: in thread %d (%s): %s", atomic_load(&privs_err_tid),
		       st.comm, strerror(-rc));
	}
	/* A late signal must not kill the process: ignore it from now on. */
	sa.sa_handler = SIG_IGN;
	sigaction(privs_sig, &sa, NULL);
	return rc > 0 ? -EAGAIN : rc;
}

/* The proof, from the kernel's view of a thread: nothing beyond keep and
 * NoNewPrivs.  1 (a thread), or -EPERM. */
static int privs_check_one(pid_t tid, const struct privs_status *st, void *arg)
{
	(void)arg;
	if (st->nnp == 1 && !((st->eff | st->prm) & ~DP_PRIVS_KEEP) &&
	    !(privs_caps && (st->bnd & ~DP_PRIVS_KEEP)))
		return 1;
	DP_LOG(ERR,
	       "privileges: thread %d (%s) holds CapEff 0x%" PRIx64 " CapPrm 0x%" PRIx64
	       " CapBnd 0x%" PRIx64 " NoNewPrivs %d",
	       (int)tid, st->comm, st->eff, st->prm, st->bnd, st->nnp);
	return -EPERM;
}

/* Every thread checked: how many, or -errno. */
static int privs_verify(void)
{
	return privs_each_thread(privs_check_one, NULL);
}

int dp_privs_drop(void)
{
	long long held = caps_held();
	int rc, threads;

	/* lispgw-dp runs nothing: no setuid binary can give anything back. */
	privs_caps = held > 0;
	rc = privs_apply();
	if (rc < 0) {
		DP_LOG(ERR, "privileges: %s", strerror(-rc));
		return rc;
	}
	rc = privs_broadcast();
	if (rc < 0) {
		DP_LOG(ERR, "privileges: dropping in every thread: %s", strerror(-rc));
		return rc;
	}
	threads = privs_verify();
	if (threads < 0) {
		DP_LOG(ERR, "privileges: a thread kept what was dropped: %s", strerror(-threads));
		return threads;
	}
	DP_LOG(INFO,
	       "privileges: capabilities 0x%llx kept of 0x%llx, no new privileges, in %d threads",
	       (unsigned long long)(held > 0 ? caps_held() : 0), (unsigned long long)(held > 0 ? held : 0),
	       threads);
	return 0;
}
