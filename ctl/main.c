/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl: the operator's command line.  main() only dispatches; each
 * subcommand lives in its own cmd_*.c with its own options and usage, so
 * adding `show`, `lig` or `register` is one file and one table row.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "http_client.h"

static const struct ctl_cmd *const cmds[] = {
	&ctl_cmd_decode,
	&ctl_cmd_lig,
	&ctl_cmd_show,
	&ctl_cmd_register,
	&ctl_cmd_unregister,
	&ctl_cmd_agent,
	&ctl_cmd_keygen,
	&ctl_cmd_trace,
};

#define CMD_COUNT (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s [--api URL] [--token TOKEN] [--cacert FILE] [--insecure]\n"
		"       COMMAND [ARGS...]\n"
		"       %s --help | --version\n\ncommands:\n",
		CTL_PROG, CTL_PROG);
	for (size_t i = 0; i < CMD_COUNT; i++)
		fprintf(out, "  %s %s\n      %s\n", cmds[i]->name, cmds[i]->args, cmds[i]->summary);
	fprintf(out, "\nREST commands talk to --api URL (default %s) with --token TOKEN\n"
		     "(default: $%s).  An https:// API's certificate is checked against\n"
		     "--cacert FILE (default: the system's CAs) and the URL's host name;\n"
		     "--insecure skips that check.  Run '%s COMMAND --help' for a command's\n"
		     "options.\n",
		CTL_API_DEFAULT, CTL_API_TOKEN_ENV, CTL_PROG);
}

/* --api URL, --token T, --cacert FILE (or --api=URL ...) and --insecure
 * before the command: consumed from argv, which then starts at the
 * command.  -1 when one lacks its value. */
static int global_opts(int *argc, char ***argv)
{
	static const struct {
		const char *name;
		const char **dst;
	} opts[] = { { "--api", &ctl_api.url }, { "--token", &ctl_api.token },
		     { "--cacert", &ctl_api.cacert } };

	while (*argc > 1 && strncmp((*argv)[1], "--", 2) == 0) {
		const char *a = (*argv)[1];
		size_t i, n = 0;

		if (strcmp(a, "--insecure") == 0) {
			ctl_api.insecure = true;
			(*argc)--;
			(*argv)++;
			continue;
		}
		for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
			n = strlen(opts[i].name);
			if (strncmp(a, opts[i].name, n) == 0 && (a[n] == '\0' || a[n] == '='))
				break;
		}
		if (i == sizeof(opts) / sizeof(opts[0]))
			return 0;
		if (a[n] == '=') {
			*opts[i].dst = a + n + 1;
		} else if (*argc > 2) {
			*opts[i].dst = (*argv)[2];
			(*argc)--;
			(*argv)++;
		} else {
			fprintf(stderr, "%s: %s needs a value\n", CTL_PROG, a);
			return -1;
		}
		(*argc)--;
		(*argv)++;
	}
	return 0;
}

static const struct ctl_cmd *cmd_find(const char *name)
{
	for (size_t i = 0; i < CMD_COUNT; i++)
		if (strcmp(name, cmds[i]->name) == 0)
			return cmds[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct ctl_cmd *cmd;

	if (global_opts(&argc, &argv) < 0)
		return CTL_EXIT_USAGE;
	if (argc < 2) {
		usage(stderr);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[1], "help") == 0 && argc == 3 && (cmd = cmd_find(argv[2])) != NULL) {
		cmd->help(stdout);
		return CTL_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return CTL_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", CTL_PROG, LISPGW_VERSION);
		return CTL_EXIT_OK;
	}
	cmd = cmd_find(argv[1]);
	if (cmd)
		return cmd->run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s'\n\n", CTL_PROG, argv[1]);
	usage(stderr);
	return CTL_EXIT_USAGE;
}
