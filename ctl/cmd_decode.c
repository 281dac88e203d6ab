/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl decode [--all] FILE`: a capture as JSON Lines, one object per
 * LISP control, LISP data, VXLAN or VXLAN-GPE packet (see decode.h).
 * Malformed packets are reported in their line and do not stop the run:
 * an operator debugging a peer wants every packet, not the first error.
 */
#include <getopt.h>
#include <stdio.h>

#include "ctl.h"
#include "decode.h"

static void decode_help(FILE *out)
{
	fprintf(out,
		"usage: %s decode [--all] FILE\n\n"
		"Print each LISP (UDP 4341/4342), VXLAN (4789) and VXLAN-GPE (4790) packet\n"
		"of a pcap or pcapng file as one JSON object per line.  Link types:\n"
		"Ethernet (802.1Q/QinQ), Linux cooked (SLL, SLL2), raw IP, BSD loopback.\n\n"
		"  -a, --all   also print {\"frame\":N,\"skipped\":\"%s\"} for other packets\n"
		"  -h, --help  show this help\n\n"
		"Exit status: 0 when the file was read (malformed packets carry an\n"
		"\"error\" member), 1 when it could not be read, 2 for a usage error.\n",
		CTL_PROG, CTL_SKIPPED_TEXT);
}

static int decode_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct decode_opts opts = { .all = false };
	char errbuf[512];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			opts.all = true;
			break;
		case 'h':
			decode_help(stdout);
			return CTL_EXIT_OK;
		default:
			fprintf(stderr, "%s decode: unknown option '%s'\n", CTL_PROG,
				argv[optind - 1]);
			goto usage;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "%s decode: %s\n", CTL_PROG,
			argc - optind < 1 ? "missing FILE" : "exactly one FILE expected");
		goto usage;
	}
	if (decode_pcap_file(argv[optind], &opts, stdout, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "%s decode: %s\n", CTL_PROG, errbuf);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
usage:
	fprintf(stderr, "usage: %s decode [--all] FILE\n", CTL_PROG);
	return CTL_EXIT_USAGE;
}

const struct ctl_cmd ctl_cmd_decode = {
	.name = "decode",
	.args = "[--all] FILE",
	.summary = "print the LISP/VXLAN packets of a pcap/pcapng file as JSON Lines",
	.run = decode_run,
	.help = decode_help,
};
