/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl subcommands.  Each takes its own argv (argv[0] is the command
 * name) and returns the process exit status: CTL_EXIT_OK, CTL_EXIT_FAIL
 * when the work could not be done, CTL_EXIT_USAGE for a bad command line.
 */
#ifndef LISPGW_CTL_H
#define LISPGW_CTL_H

#include <stdbool.h>
#include <stdio.h>

#define CTL_PROG	"lispgw-ctl"

#define CTL_EXIT_OK	0
#define CTL_EXIT_FAIL	1
#define CTL_EXIT_USAGE	2

struct ctl_cmd {
	const char *name;
	const char *args;	/* synopsis after the command name */
	const char *summary;	/* one line for `lispgw-ctl --help` */
	int (*run)(int argc, char **argv);
	void (*help)(FILE *out);	/* `lispgw-ctl CMD --help` */
};

extern const struct ctl_cmd ctl_cmd_decode;
extern const struct ctl_cmd ctl_cmd_show;
extern const struct ctl_cmd ctl_cmd_register;
extern const struct ctl_cmd ctl_cmd_unregister;
extern const struct ctl_cmd ctl_cmd_lig;
extern const struct ctl_cmd ctl_cmd_agent;
extern const struct ctl_cmd ctl_cmd_keygen;
extern const struct ctl_cmd ctl_cmd_trace;

/* `show trace`: lispgw-dp's packet trace (cmd_trace.c). */
int ctl_trace_show(bool json);

#endif
