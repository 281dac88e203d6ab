/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl: the operator's command line.  main() only dispatches; each
 * subcommand lives in its own cmd_*.c with its own options and usage, so
 * adding `show`, `lig` or `register` is one file and one table row.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static const struct ctl_cmd *const cmds[] = {
	&ctl_cmd_decode,
	&ctl_cmd_lig,
};

#define CMD_COUNT (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: %s COMMAND [ARGS...]\n       %s --help | --version\n\ncommands:\n",
		CTL_PROG, CTL_PROG);
	for (size_t i = 0; i < CMD_COUNT; i++)
		fprintf(out, "  %s %s\n      %s\n", cmds[i]->name, cmds[i]->args, cmds[i]->summary);
	fprintf(out, "\nRun '%s COMMAND --help' for a command's options.\n", CTL_PROG);
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
