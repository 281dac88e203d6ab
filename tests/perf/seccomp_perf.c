/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What lispgw-cp's seccomp filter costs per system call
 * (scripts/bench/privs.sh, docs/BENCHMARKS.md "Privilege separation"):
 * in ROUNDS rounds, two children, one without the filter and one under
 * privs_seccomp_apply(PRIVS_SECCOMP_ON), each time COUNT calls of the
 * daemon's busiest kinds: getpid (the cheapest call: the filter's cost
 * shows alone), epoll_wait with no wait (once per event-loop turn), and
 * a 64-byte UDP sendto+recvfrom pair over loopback (a Map-Request in, a
 * Map-Reply out).  CPU time of the child (CLOCK_PROCESS_CPUTIME_ID), so
 * that other processes on the machine weigh less than on wall time.
 *   seccomp_perf [COUNT] [ROUNDS]      (1000000 5)
 */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "privs.h"

enum { K_GETPID, K_EPOLL, K_UDP, K_N };
static const char *const names[K_N] = { "getpid", "epoll_wait(0)", "udp sendto+recvfrom" };

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Bound before the filter, as the daemon's sockets are (no bind after). */
struct fds {
	struct sockaddr_in a;
	int ep, s;
};

static void fds_open(struct fds *f)
{
	socklen_t alen = sizeof(f->a);

	f->a = (struct sockaddr_in){ .sin_family = AF_INET,
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	f->ep = epoll_create1(0);
	f->s = socket(AF_INET, SOCK_DGRAM, 0);
	if (f->ep < 0 || f->s < 0 || bind(f->s, (struct sockaddr *)&f->a, sizeof(f->a)) < 0 ||
	    getsockname(f->s, (struct sockaddr *)&f->a, &alen) < 0)
		exit(2);
}

/* ns per operation of kind k, count times. */
static double measure(const struct fds *f, int k, long count)
{
	struct sockaddr_in a = f->a;
	struct epoll_event ev;
	char buf[64] = { 0 };
	int ep = f->ep, s = f->s;
	double t0;

	t0 = cpu_now();
	for (long i = 0; i < count; i++) {
		if (k == K_GETPID)
			syscall(SYS_getpid);
		else if (k == K_EPOLL)
			epoll_wait(ep, &ev, 1, 0);
		else if (sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&a, sizeof(a)) < 0 ||
			 recvfrom(s, buf, sizeof(buf), 0, NULL, NULL) < 0)
			exit(3);
	}
	return (cpu_now() - t0) * 1e9 / count;
}

/* A child's ns per operation of kind k, filtered or not, through a pipe. */
static double child(int k, long count, int filtered)
{
	int fd[2], st;
	double ns = -1;
	pid_t pid;

	if (pipe(fd) < 0)
		exit(1);
	pid = fork();
	if (pid == 0) {
		struct lisp_err err;
		struct fds f;

		fds_open(&f);
		if (filtered && privs_seccomp_apply(PRIVS_SECCOMP_ON, &err) < 0)
			_exit(1);
		ns = measure(&f, k, count);
		_exit(write(fd[1], &ns, sizeof(ns)) == sizeof(ns) ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	close(fd[0]);
	waitpid(pid, &st, 0);
	return ns;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long count = argc > 1 ? atol(argv[1]) : 1000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	double off[K_N][64], on[K_N][64];

	if (count <= 0 || rounds <= 0 || rounds > 64)
		return 2;
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < K_N; k++) {
			off[k][r] = child(k, k == K_UDP ? count / 10 : count, 0);
			on[k][r] = child(k, k == K_UDP ? count / 10 : count, 1);
		}
	printf("%-22s %12s %12s %10s %8s\n", "call (median ns)", "no filter", "filter on",
	       "extra ns", "on/off");
	for (int k = 0; k < K_N; k++) {
		qsort(off[k], rounds, sizeof(double), cmp);
		qsort(on[k], rounds, sizeof(double), cmp);
		double a = off[k][rounds / 2], b = on[k][rounds / 2];

		printf("%-22s %12.1f %12.1f %10.1f %8.3f\n", names[k], a, b, b - a, b / a);
	}
	return 0;
}
