/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl keygen`: an ECDSA P-256 key pair for a crypto-EID
 * (draft-ietf-lisp-ecdsa-auth; docs/ecdsa.md).  Writes the private key
 * (0600, never over an existing file) and prints the crypto-EID, its
 * hash-EID and the public-key record to register under the hash-EID.
 * Local only: no daemon, no root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ctl.h"
#include "ecdsa_eid.h"

#define KEYGEN_OUT_DEFAULT	"ecdsa-key.pem"
#define KEYGEN_PREFIX_DEFAULT	"fd00::/8"

static void keygen_help(FILE *out)
{
	fprintf(out,
		"usage: %s keygen [--out FILE] [--key FILE] [--crypto-eid-prefix P] [--iid N]\n"
		"                 [--json]\n\n"
		"  Creates an ECDSA P-256 key pair, writes the private key to FILE (mode\n"
		"  0600; default %s; an existing file is never replaced) and prints\n"
		"  the crypto-EID of the public key in prefix P (default %s, length a\n"
		"  multiple of 8 in [%d, %d]) and Instance-ID N (default 0), its hash-EID\n"
		"  and the public-key record the hash-EID mapping carries.\n"
		"  --key FILE  derive from an existing private key (0600) instead\n"
		"  --json      print one JSON object\n",
		CTL_PROG, KEYGEN_OUT_DEFAULT, KEYGEN_PREFIX_DEFAULT, ECDSA_PREFIX_LEN_MIN,
		ECDSA_PREFIX_LEN_MAX);
}

enum { OPT_OUT = 256, OPT_KEY, OPT_PREFIX, OPT_IID, OPT_JSON };

static const struct option longopts[] = {
	{ "out", required_argument, NULL, OPT_OUT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "crypto-eid-prefix", required_argument, NULL, OPT_PREFIX },
	{ "iid", required_argument, NULL, OPT_IID },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct keygen_opts {
	const char *out, *key, *prefix;
	uint32_t iid;
	bool json;
};

static int parse_iid(const char *s, uint32_t *iid)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > UINT32_MAX)
		return -EINVAL;
	*iid = (uint32_t)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct keygen_opts *o)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_OUT:
			o->out = optarg;
			break;
		case OPT_KEY:
			o->key = optarg;
			break;
		case OPT_PREFIX:
			o->prefix = optarg;
			break;
		case OPT_IID:
			if (parse_iid(optarg, &o->iid) < 0) {
				fprintf(stderr, "%s keygen: --iid '%s': want 0..4294967295\n",
					CTL_PROG, optarg);
				return CTL_EXIT_USAGE;
			}
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'h':
			keygen_help(stdout);
			return CTL_EXIT_OK;
		default:
			keygen_help(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc || (o->key && o->out)) {
		fprintf(stderr, "%s keygen: %s\n", CTL_PROG,
			optind != argc ? "no arguments besides the options"
				       : "--key and --out exclude each other");
		return CTL_EXIT_USAGE;
	}
	return -1;
}

static int keygen_run(int argc, char **argv)
{
	struct keygen_opts o = { .out = NULL, .prefix = KEYGEN_PREFIX_DEFAULT };
	char eid_text[ECDSA_EID_TEXT_MAX], hash[ECDSA_HASH_EID_MAX];
	char record[ECDSA_PUBKEY_JSON_MAX];
	struct lisp_err err = { "" };
	struct ecdsa_prefix prefix;
	struct ecdsa_eid eid = { .af = AF_INET6 };
	const char *path;
	EVP_PKEY *key = NULL;
	int rc;

	rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (ecdsa_prefix_parse(o.prefix, o.iid, &prefix, &err) < 0) {
		fprintf(stderr, "%s keygen: %s\n", CTL_PROG, err.msg);
		return CTL_EXIT_USAGE;
	}
	path = o.key ? o.key : o.out ? o.out : KEYGEN_OUT_DEFAULT;
	if (o.key)
		rc = ecdsa_key_load_pem(o.key, &key, NULL, &err);
	else if ((rc = ecdsa_key_generate(&key, &err)) == 0)
		rc = ecdsa_key_save_pem(key, path, &err);
	eid.iid = o.iid;
	if (rc == 0)
		rc = ecdsa_crypto_eid(&prefix, key, eid.addr, &err);
	if (rc == 0)
		rc = ecdsa_pubkey_json_encode(key, record, sizeof(record), &err);
	EVP_PKEY_free(key);
	if (rc < 0) {
		fprintf(stderr, "%s keygen: %s\n", CTL_PROG, err.msg);
		return CTL_EXIT_FAIL;
	}
	ecdsa_eid_format(&eid, eid_text, sizeof(eid_text));
	ecdsa_hash_eid(&prefix, eid.addr, hash, sizeof(hash));
	if (o.json) {
		json_t *j = json_pack("{s:s,s:I,s:s,s:s,s:s,s:o}", "private-key", path, "iid",
				      (json_int_t)o.iid, "crypto-eid-prefix", o.prefix,
				      "crypto-eid", eid_text, "hash-eid", hash, "public-key-record",
				      json_loads(record, 0, NULL));
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

		if (!text) {
			fprintf(stderr, "%s keygen: cannot write JSON\n", CTL_PROG);
			json_decref(j);
			return CTL_EXIT_FAIL;
		}
		printf("%s\n", text);
		free(text);
		json_decref(j);
	} else {
		printf("private-key        %s%s\n"
		       "crypto-eid-prefix  [%" PRIu32 "]%s\n"
		       "crypto-eid         %s/128\n"
		       "hash-eid           [%" PRIu32 "]'%s'\n"
		       "public-key-record  %s\n",
		       path, o.key ? "" : " (new, mode 0600)", o.iid, o.prefix, eid_text, o.iid,
		       hash, record);
	}
	return CTL_EXIT_OK;
}

const struct ctl_cmd ctl_cmd_keygen = {
	.name = "keygen",
	.args = "[--out FILE] [--crypto-eid-prefix P] [--iid N]",
	.summary = "make an ECDSA key pair and print its crypto-EID and hash-EID",
	.run = keygen_run,
	.help = keygen_help,
};
