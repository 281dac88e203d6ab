/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-cp: the LISP control-plane daemon.
 *   lispgw-cp -c FILE.yaml       run in the foreground, logging to stderr
 *   lispgw-cp -n -c FILE.yaml    check the configuration and exit
 *   lispgw-cp -d ...             debug logging
 * SIGHUP reloads the configuration atomically; SIGTERM/SIGINT stop.
 * Started as root, it binds every socket, then becomes privileges.user
 * under a seccomp filter (privs.h, docs/security.md).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_file.h"
#include "cp.h"
#include "log.h"
#include "privs.h"
#include "rest.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: lispgw-cp [-d] [-n] -c FILE.yaml\n"
		   "  -c FILE  configuration (docs/config.md)\n"
		   "  -n       check the configuration, print every error, and exit\n"
		   "  -d       debug logging (overrides log-level)\n"
		   "  -h       this help\n");
}

/* The daemon and its API: the API reads the daemon, never the reverse. */
struct lispgw_cp {
	struct cp cp;
	struct rest *rest;	/* NULL when REST is off */
};

static void on_hup(int signo, void *arg)
{
	struct lispgw_cp *d = arg;

	(void)signo;
	if (cp_reload(&d->cp) == 0 && d->rest)
		rest_reload(d->rest, &d->cp.cfg->rest);
}

static void on_term(int signo, void *arg)
{
	struct cp *cp = arg;

	log_info("signal %d: stopping", signo);
	evloop_stop(cp->loop);
}

/* After every bind: the account, then the filter (whose list holds no
 * setuid).  A failure stops the start: never a daemon left as root. */
static int privileges_drop(const struct cp_config_privs *p, const struct privs_ids *ids,
			   struct lisp_err *err)
{
	static const enum privs_seccomp mode[] = {
		[CP_SECCOMP_OFF] = PRIVS_SECCOMP_OFF,
		[CP_SECCOMP_ON] = PRIVS_SECCOMP_ON,
		[CP_SECCOMP_LOG] = PRIVS_SECCOMP_LOG,
	};

	if (privs_drop(ids, err) < 0 || privs_seccomp_apply(mode[p->seccomp], err) < 0)
		return -1;
	if (!ids->drop)
		log_info("privileges: not started as root, running as uid %u", (unsigned)getuid());
	else if (ids->uid == 0)
		log_warn("privileges.user %s is root: lispgw-cp keeps root and its capabilities",
			 p->user);
	else
		log_info("privileges: running as %s (uid %u, gid %u), no capabilities",
			 p->user, (unsigned)ids->uid, (unsigned)ids->gid);
	log_info("privileges.seccomp: %s", cp_config_seccomp_name(p->seccomp));
	return 0;
}

static enum log_level level_of(int syslog_level)
{
	if (syslog_level <= 3)
		return LOG_LEVEL_ERROR;
	if (syslog_level == 4)
		return LOG_LEVEL_WARN;
	return syslog_level >= 7 ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO;
}

int main(int argc, char **argv)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	const char *path = NULL;
	bool check = false, debug = false;
	struct lisp_err err;
	struct evloop *loop;
	struct lispgw_cp d = { .rest = NULL };
	struct privs_ids ids;
	int opt, rc;

	while ((opt = getopt(argc, argv, "c:ndh")) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	cfg_errors_init(&errs);
	if (cp_config_load(path, &cfg, &errs) < 0) {
		cfg_errors_print(&errs, stderr);
		fprintf(stderr, "%s: %zu error%s\n", path, errs.count, errs.count == 1 ? "" : "s");
		cfg_errors_free(&errs);
		return 1;
	}
	cfg_errors_free(&errs);
	if (check && rest_config_check(&cfg->rest, &err) < 0) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		cp_config_free(cfg);
		return 1;
	}
	if (check) {
		printf("%s: configuration OK\n", path);
		cp_config_free(cfg);
		return 0;
	}
	log_init(debug ? LOG_LEVEL_DEBUG : level_of(cfg->log_level), "lispgw-cp");
	/* Before any bind: a missing account must not leave a root daemon. */
	if (privs_lookup(cfg->privs.user, cfg->privs.group, &ids, &err) < 0) {
		log_error("cannot start: %s", err.msg);
		cp_config_free(cfg);
		return 1;
	}
	loop = evloop_new();
	if (!loop) {
		log_error("cannot create the event loop: %s", strerror(errno));
		cp_config_free(cfg);
		return 1;
	}
	if (cp_start(&d.cp, loop, path, cfg, &err) < 0) {
		log_error("cannot start: %s", err.msg);
		evloop_free(loop);
		return 1;
	}
	if (cfg->rest.enabled && !(d.rest = rest_start(&d.cp, &cfg->rest, &err))) {
		log_error("cannot start: %s", err.msg);
		cp_stop(&d.cp);
		evloop_free(loop);
		return 1;
	}
	if (d.rest) {	/* a reload's certificate is loaded before it applies */
		d.cp.reload_check = rest_reload_check;
		d.cp.reload_check_arg = d.rest;
	}
	if (privileges_drop(&d.cp.cfg->privs, &ids, &err) < 0) {
		log_error("cannot start: privileges: %s", err.msg);
		rest_stop(d.rest);
		cp_stop(&d.cp);
		evloop_free(loop);
		return 1;
	}
	evloop_signal_add(loop, SIGHUP, on_hup, &d);
	evloop_signal_add(loop, SIGTERM, on_term, &d.cp);
	evloop_signal_add(loop, SIGINT, on_term, &d.cp);
	signal(SIGPIPE, SIG_IGN);
	log_info("lispgw-cp started (%s)", path);
	rc = evloop_run(loop);
	rest_stop(d.rest);	/* never from inside a handler: here, after the loop */
	cp_stop(&d.cp);
	evloop_free(loop);
	return rc < 0 ? 1 : 0;
}
