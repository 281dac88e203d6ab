/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dataplane/dp_privs.c: the drop reaches every thread, including one that
 * blocks every signal at the moment it is looked at, as a thread being
 * born does (glibc's pthread_create starts it so until it takes its
 * creator's mask): a telemetry client connecting during start-up made
 * one, and lispgw-dp stopped with "blocks signal".  No EAL needed.
 */
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rte_log.h>

#include "check_util.h"
#include "dp_privs.h"

int dp_logtype = RTE_LOGTYPE_USER1;	/* lispgw-dp's main.c registers its own */

static int stop_fd[2];
static int ready_fd[2];

static void wait_stop(void)
{
	char c;

	(void)!write(ready_fd[1], "r", 1);
	(void)!read(stop_fd[0], &c, 1);	/* until the test closes it */
}

static void *quiet(void *arg)
{
	(void)arg;
	wait_stop();
	return NULL;
}

static void *being_born(void *arg)
{
	const struct timespec born = { .tv_nsec = 200 * 1000000 };
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	(void)!write(ready_fd[1], "r", 1);
	nanosleep(&born, NULL);
	pthread_sigmask(SIG_UNBLOCK, &all, NULL);
	wait_stop();
	return NULL;
}

/* The threads of this process whose NoNewPrivs is not 1. */
static int without_nnp(int *threads)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	int bad = 0;

	ck_assert_ptr_nonnull(d);
	*threads = 0;
	while ((de = readdir(d))) {
		char path[320], line[256];
		int nnp = -1;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			sscanf(line, "NoNewPrivs: %d", &nnp);
		fclose(f);
		(*threads)++;
		bad += nnp != 1;
	}
	closedir(d);
	return bad;
}

START_TEST(drop_reaches_a_thread_being_born)
{
	pthread_t a, b;
	int threads;
	char c;

	ck_assert_int_eq(pipe(stop_fd), 0);
	ck_assert_int_eq(pipe(ready_fd), 0);
	ck_assert_int_eq(pthread_create(&a, NULL, quiet, NULL), 0);
	ck_assert_int_eq(read(ready_fd[0], &c, 1), 1);
	ck_assert_int_eq(pthread_create(&b, NULL, being_born, NULL), 0);
	ck_assert_int_eq(read(ready_fd[0], &c, 1), 1);	/* b blocks every signal now */
	ck_assert_int_eq(without_nnp(&threads), 3);
	ck_assert_int_eq(dp_privs_drop(), 0);
	ck_assert_int_eq(without_nnp(&threads), 0);
	ck_assert_int_eq(threads, 3);
	close(stop_fd[1]);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dp_privs");
	TCase *tc = tcase_create("privs");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, drop_reaches_a_thread_being_born);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
