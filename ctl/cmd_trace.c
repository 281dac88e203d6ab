/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl trace add N [eid|rloc] | clear | show` and `show trace`:
 * lispgw-dp's packet trace (docs/dataplane.md, "Packet trace"), through
 * its DPDK telemetry socket (SOCK_SEQPACKET: a hello, then one JSON answer
 * per command), not lispgw-cp's REST API: the trace lives in the data
 * plane, which may run without a control plane.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "ctl.h"

#define TRACE_SOCK_DEFAULT	"/var/run/dpdk/rte/dpdk_telemetry.v2"
#define TRACE_SOCK_ENV		"LISPGW_DP_TELEMETRY"
#define TRACE_ANSWER_MAX	(64 * 1024)

/* One command's answer: the value under the command's name (NULL: the
 * data plane refused it, or no answer).  *fd is connected on first use. */
static json_t *tel_call(int *fd, const char *path, const char *cmd)
{
	char *buf = malloc(TRACE_ANSWER_MAX);
	json_t *root, *val = NULL;
	char name[64];
	ssize_t n;

	if (!buf)
		return NULL;
	if (*fd < 0) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		*fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (*fd < 0 || strlen(path) >= sizeof(sun.sun_path)) {
			fprintf(stderr, "%s trace: %s: %s\n", CTL_PROG, path, strerror(errno));
			goto out;
		}
		memcpy(sun.sun_path, path, strlen(path) + 1);
		if (connect(*fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		    recv(*fd, buf, TRACE_ANSWER_MAX, 0) <= 0) {	/* the hello */
			fprintf(stderr, "%s trace: %s: %s\n", CTL_PROG, path, strerror(errno));
			goto out;
		}
	}
	if (send(*fd, cmd, strlen(cmd), 0) < 0 ||
	    (n = recv(*fd, buf, TRACE_ANSWER_MAX - 1, 0)) <= 0) {
		fprintf(stderr, "%s trace: %s: %s\n", CTL_PROG, cmd, strerror(errno));
		goto out;
	}
	buf[n] = '\0';
	root = json_loads(buf, 0, NULL);
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(cmd, ","), cmd);
	val = json_incref(json_object_get(root, name));
	json_decref(root);
	if (json_is_null(val)) {
		json_decref(val);
		val = NULL;
	}
	if (!val)
		fprintf(stderr, "%s trace: lispgw-dp refused '%s'\n", CTL_PROG, cmd);
out:
	free(buf);
	return val;
}

static void trace_print(json_t *recs)
{
	const char *key;
	json_t *r;

	json_object_foreach(recs, key, r) {
		printf("#%s worker %lld seq %lld %s in-port %lld", key,
		       (long long)json_integer_value(json_object_get(r, "worker")),
		       (long long)json_integer_value(json_object_get(r, "seq")),
		       json_string_value(json_object_get(r, "path")),
		       (long long)json_integer_value(json_object_get(r, "in_port")));
		if (json_object_get(r, "out_port"))
			printf(" out-port %lld",
			       (long long)json_integer_value(json_object_get(r, "out_port")));
		if (json_object_get(r, "iid"))
			printf(" iid %lld", (long long)json_integer_value(json_object_get(r, "iid")));
		printf(" len %lld\n  stages:  %s\n  verdict: %s\n  frame:   %s\n",
		       (long long)json_integer_value(json_object_get(r, "len")),
		       json_string_value(json_object_get(r, "stages")),
		       json_string_value(json_object_get(r, "verdict")),
		       json_string_value(json_object_get(r, "hdr")));
	}
}

/* Every page of /lispgw/trace, printed (or as one JSON array). */
static int trace_show(int *fd, const char *path, bool json)
{
	json_t *all = json_array();
	long long cursor = 0, total = 0;

	for (;;) {
		char cmd[64];
		json_t *page, *next;

		snprintf(cmd, sizeof(cmd), "/lispgw/trace,%lld", cursor);
		page = tel_call(fd, path, cmd);
		if (!page) {
			json_decref(all);
			return CTL_EXIT_FAIL;
		}
		total = json_integer_value(json_object_get(page, "traced"));
		if (json)
			json_array_append(all, json_object_get(page, "records"));
		else
			trace_print(json_object_get(page, "records"));
		next = json_object_get(page, "next");
		cursor = json_integer_value(next);
		json_decref(page);
		if (!next)
			break;
	}
	if (json)
		json_dumpf(all, stdout, JSON_INDENT(2));
	else
		printf("%lld packets traced\n", total);
	json_decref(all);
	return CTL_EXIT_OK;
}

int ctl_trace_show(bool json)
{
	const char *path = getenv(TRACE_SOCK_ENV) ? getenv(TRACE_SOCK_ENV) : TRACE_SOCK_DEFAULT;
	int fd = -1, rc = trace_show(&fd, path, json);

	if (fd >= 0)
		close(fd);
	return rc;
}

static void trace_help(FILE *out)
{
	fprintf(out,
		"usage: %s trace [--telemetry PATH] add N [eid|rloc] | clear | show [--json]\n\n"
		"lispgw-dp's packet trace, through its DPDK telemetry socket:\n"
		"  add N [eid|rloc]  record the next N packets (1..64) each worker receives\n"
		"                    (eid: only from EID-side ports, rloc: only tunnel side)\n"
		"  clear             stop tracing and forget the records\n"
		"  show              each traced packet: ports, Instance-ID, the stages it\n"
		"                    went through, the counter it went under (the drop\n"
		"                    reason), its first 48 bytes as received\n\n"
		"  --telemetry PATH  the socket (default: $%s, else %s;\n"
		"                    /var/run/dpdk/PREFIX/dpdk_telemetry.v2 for --file-prefix\n"
		"                    PREFIX)\n"
		"  --json            show: the records as JSON\n"
		"  -h, --help        show this help\n\n"
		"`%s show trace` is `trace show` on the default socket.\n"
		"Exit status: 0 done, 1 lispgw-dp unreachable or refused, 2 usage.\n",
		CTL_PROG, TRACE_SOCK_ENV, TRACE_SOCK_DEFAULT, CTL_PROG);
}

static int trace_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "telemetry", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = getenv(TRACE_SOCK_ENV) ? getenv(TRACE_SOCK_ENV) : TRACE_SOCK_DEFAULT;
	const char *args[3] = { NULL, NULL, NULL };
	int nargs = 0, fd = -1, rc = CTL_EXIT_FAIL, c;
	bool json = false;
	char cmd[64];
	json_t *v;

	opterr = 0;
	optind = 1;
	while (optind < argc) {
		c = getopt_long(argc, argv, "+h", longopts, NULL);
		if (c == -1) {
			if (nargs == 3)
				goto usage;
			args[nargs++] = argv[optind++];
			continue;
		}
		if (c == 't') {
			path = optarg;
		} else if (c == 'j') {
			json = true;
		} else if (c == 'h') {
			trace_help(stdout);
			return CTL_EXIT_OK;
		} else {
			goto usage;
		}
	}
	if (nargs == 1 && strcmp(args[0], "show") == 0) {
		rc = trace_show(&fd, path, json);
	} else if (nargs == 1 && strcmp(args[0], "clear") == 0) {
		v = tel_call(&fd, path, "/lispgw/trace_clear");
		rc = v ? CTL_EXIT_OK : CTL_EXIT_FAIL;
		json_decref(v);
	} else if ((nargs == 2 || nargs == 3) && strcmp(args[0], "add") == 0 &&
		   strspn(args[1], "0123456789") == strlen(args[1]) && *args[1] &&
		   (nargs == 2 || strcmp(args[2], "eid") == 0 || strcmp(args[2], "rloc") == 0)) {
		snprintf(cmd, sizeof(cmd), "/lispgw/trace_add,%s%s%s", args[1],
			 nargs == 3 ? "," : "", nargs == 3 ? args[2] : "");
		v = tel_call(&fd, path, cmd);
		if (v)
			printf("tracing the next %lld packets of each worker (%s)\n",
			       (long long)json_integer_value(json_object_get(v, "tracing")),
			       json_string_value(json_object_get(v, "filter")));
		rc = v ? CTL_EXIT_OK : CTL_EXIT_FAIL;
		json_decref(v);
	} else {
		goto usage;
	}
	if (fd >= 0)
		close(fd);
	return rc;
usage:
	trace_help(stderr);
	return CTL_EXIT_USAGE;
}

const struct ctl_cmd ctl_cmd_trace = {
	.name = "trace",
	.args = "[--telemetry PATH] add N [eid|rloc] | clear | show",
	.summary = "lispgw-dp's packet trace: the stages and verdict of the next N packets",
	.run = trace_run,
	.help = trace_help,
};
