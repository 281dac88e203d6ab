/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * etr.database[].ecdsa-key and crypto-eid-prefix (config_ecdsa.c): the key
 * loads with the configuration, the records the ETR will send are made
 * from it and verify, and a key that is unreadable, readable by others or
 * not the EID's is refused with the entry's path.  Signed Map-Requests:
 * map-resolver.signed-requests and its budget, itr.ecdsa-key and
 * itr.crypto-eid-prefix, loaded, printed, loaded again, and refused.
 */
#include <arpa/inet.h>
#include <sys/stat.h>

#include <unistd.h>

#include "cfg_file.h"
#include "check_util.h"
#include "config.h"
#include "config_load.h"
#include "ecdsa_eid.h"

static char dir[256], key_path[512];
static EVP_PKEY *key;
static char eid_text[96];	/* the key's crypto-EID in [1000]fd00::/8 */

static void setup(void)
{
	struct ecdsa_prefix p;
	uint8_t eid[16];
	char a[64];

	t_tmpdir(dir, sizeof(dir), "cfg-ecdsa");
	snprintf(key_path, sizeof(key_path), "%s/agent.pem", dir);
	ck_assert_int_eq(ecdsa_key_generate(&key, NULL), 0);
	ck_assert_int_eq(ecdsa_key_save_pem(key, key_path, NULL), 0);
	ck_assert_int_eq(ecdsa_prefix_parse("fd00::/8", 1000, &p, NULL), 0);
	ck_assert_int_eq(ecdsa_crypto_eid(&p, key, eid, NULL), 0);
	inet_ntop(AF_INET6, eid, a, sizeof(a));
	snprintf(eid_text, sizeof(eid_text), "[1000]%s/128", a);
}

static void teardown(void)
{
	unlink(key_path);
	rmdir(dir);
	EVP_PKEY_free(key);
}

/* An ETR whose one database entry is eid with the given extra lines. */
static void write_etr(char *path, size_t len, const char *eid, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "roles: [etr]\n"
		 "listen: {addresses: [127.0.0.1]}\n"
		 "etr:\n"
		 "  map-servers: [{address: 127.0.0.2, key: \"k\"}]\n"
		 "  database:\n"
		 "    - eid-prefix: \"%s\"\n"
		 "%s"
		 "      rlocs: [{address: 127.0.0.1}]\n",
		 eid, extra);
	tmp_write(text, path, len);
}

/* The errors of loading; the first message in first. */
static size_t load_errors(const char *path, char *first, size_t len)
{
	struct cfg_errors errs;
	struct cp_config *cfg = NULL;
	size_t n;

	cfg_errors_init(&errs);
	ck_assert_int_ne(cp_config_load(path, &cfg, &errs), 0);
	n = errs.count;
	ck_assert_uint_gt(n, 0);
	cfg_error_format(&errs, 0, first, len);
	cfg_errors_free(&errs);
	cp_config_free(cfg);
	return n;
}

START_TEST(key_loaded_records_made_and_verify)
{
	char path[512], extra[700], *t1, text[ECDSA_EID_TEXT_MAX];
	struct ecdsa_sig_record sig;
	struct cp_config_mapping *m;
	struct ecdsa_prefix p;
	struct cp_config *cfg;
	EVP_PKEY *pub = NULL;
	char name[ECDSA_HASH_EID_MAX];
	int n;

	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n", key_path);
	write_etr(path, sizeof(path), eid_text, extra);
	cfg = load_ok(path);
	m = &cfg->etr.database[0];
	ck_assert_str_eq(m->ecdsa_key, key_path);
	/* The default prefix, in the entry's Instance-ID. */
	ck_assert_uint_eq(m->crypto_prefix.iid, 1000);
	ck_assert_uint_eq(m->crypto_prefix.plen, 8);
	/* The signature record verifies "[1000]EID" under the key. */
	ck_assert_int_eq(ecdsa_sig_json_decode(m->ecdsa_sig_json, strlen(m->ecdsa_sig_json), &sig,
					       NULL, NULL), 0);
	ck_assert(sig.has_signature_eid);
	n = ecdsa_signed_register(&sig.signature_eid, text, sizeof(text));
	ck_assert_int_eq(ecdsa_verify(key, text, (size_t)n, sig.sig, NULL, NULL), 0);
	ck_assert_int_eq(memcmp(sig.signature_eid.addr, m->eid.addr.v6, 16), 0);
	/* The public-key record is the key; the hash-EID is the EID's. */
	ck_assert_int_eq(ecdsa_pubkey_json_decode(m->ecdsa_pub_json, strlen(m->ecdsa_pub_json),
						  &pub, NULL, NULL), 0);
	ck_assert(ecdsa_pubkey_equal(pub, key));
	EVP_PKEY_free(pub);
	ck_assert_int_eq(ecdsa_prefix_parse("fd00::/8", 1000, &p, NULL), 0);
	ecdsa_hash_eid(&p, m->eid.addr.v6, name, sizeof(name));
	ck_assert_uint_eq(m->hash_eid.addr.afi, LISP_AFI_DN);
	ck_assert_uint_eq(m->hash_eid.iid, 1000);
	ck_assert_int_eq(strncmp(m->hash_eid.addr.dn, name, m->hash_eid.addr.dn_len), 0);
	/* Printed and loaded again: the same configuration. */
	t1 = print_to_string(cfg);
	ck_assert_ptr_nonnull(strstr(t1, "ecdsa-key: "));
	ck_assert_ptr_nonnull(strstr(t1, "crypto-eid-prefix: \"[1000]fd00::/8\""));
	unlink(path);
	tmp_write(t1, path, sizeof(path));
	{
		struct cp_config *again = load_ok(path);

		ck_assert(cp_config_equal(cfg, again));
		cp_config_free(again);
	}
	free(t1);
	unlink(path);
	cp_config_free(cfg);
}
END_TEST

START_TEST(key_readable_by_others_refused)
{
	char path[512], extra[700], err[1024];

	ck_assert_int_eq(chmod(key_path, 0640), 0);
	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n", key_path);
	write_etr(path, sizeof(path), eid_text, extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "etr.database[0].ecdsa-key"), "%s", err);
}
END_TEST

START_TEST(missing_key_refused)
{
	char path[512], extra[700], err[1024];

	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s/none.pem\"\n", dir);
	write_etr(path, sizeof(path), eid_text, extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "etr.database[0].ecdsa-key"), "%s", err);
}
END_TEST

START_TEST(eid_of_another_key_refused)
{
	char path[512], extra[700], err[1024];

	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n", key_path);
	/* Another EID in the prefix, and the right EID in another prefix. */
	write_etr(path, sizeof(path), "[1000]fd00::1/128", extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "etr.database[0].eid-prefix: is not the crypto-EID") &&
			      strstr(err, "eid_hash_mismatch"), "%s", err);
	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n"
		 "      crypto-eid-prefix: \"fd00::/16\"\n", key_path);
	write_etr(path, sizeof(path), eid_text, extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "is not the crypto-EID"), "%s", err);
}
END_TEST

START_TEST(shapes_refused)
{
	char path[512], extra[700], err[1024];

	write_etr(path, sizeof(path), eid_text, "      crypto-eid-prefix: \"fd00::/8\"\n");
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "crypto-eid-prefix: read only with ecdsa-key"), "%s", err);
	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n", key_path);
	write_etr(path, sizeof(path), "[1000]fd00::/64", extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "must be one IPv6 address (/128)"), "%s", err);
	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n"
		 "      crypto-eid-prefix: \"[7]fd00::/8\"\n", key_path);
	write_etr(path, sizeof(path), eid_text, extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "Instance-ID 7 is not the eid-prefix's (1000)"), "%s", err);
	snprintf(extra, sizeof(extra), "      ecdsa-key: \"%s\"\n"
		 "      crypto-eid-prefix: \"fd00::/12\"\n", key_path);
	write_etr(path, sizeof(path), eid_text, extra);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "multiple of 8"), "%s", err);
}
END_TEST

/* The hash-EID goes wherever the crypto-EID goes. */
START_TEST(hash_eid_must_follow_the_crypto_eid)
{
	char path[512], text[2048], err[1024], dn[128];
	struct cp_config *cfg;
	struct cp_config_mapping *m;
	const char *fmt =
		"roles: [etr]\n"
		"listen: {addresses: [127.0.0.1]}\n"
		"etr:\n"
		"  map-servers: [{address: 127.0.0.2, key: \"k\", eid-prefixes: [%s]}]\n"
		"%s"
		"  database:\n"
		"    - eid-prefix: \"%s\"\n"
		"      ecdsa-key: \"%s\"\n"
		"      rlocs: [{address: 127.0.0.1}]\n";
	char list[256];

	/* Shards: the Map-Server takes the EID but not the hash-EID. */
	snprintf(text, sizeof(text), fmt, "\"[1000]fd00::/8\"", "", eid_text, key_path);
	tmp_write(text, path, sizeof(path));
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "etr.database[0].ecdsa-key: etr.map-servers[0] takes this "
			     "crypto-EID but not its hash-EID [1000]dn:hash-"), "%s", err);
	/* Listing the name makes it whole; the name from a plain load. */
	snprintf(text, sizeof(text),
		 "roles: [etr]\nlisten: {addresses: [127.0.0.1]}\netr:\n"
		 "  map-servers: [{address: 127.0.0.2, key: \"k\"}]\n  database:\n"
		 "    - eid-prefix: \"%s\"\n      ecdsa-key: \"%s\"\n"
		 "      rlocs: [{address: 127.0.0.1}]\n", eid_text, key_path);
	tmp_write(text, path, sizeof(path));
	cfg = load_ok(path);
	unlink(path);
	m = &cfg->etr.database[0];
	snprintf(dn, sizeof(dn), "[1000]dn:%.*s", (int)m->hash_eid.addr.dn_len,
		 m->hash_eid.addr.dn);
	cp_config_free(cfg);
	snprintf(list, sizeof(list), "\"[1000]fd00::/8\", \"%s\"", dn);
	snprintf(text, sizeof(text), fmt, list, "", eid_text, key_path);
	tmp_write(text, path, sizeof(path));
	cp_config_free(load_ok(path));
	unlink(path);
	/* accepted-eids: the same. */
	snprintf(text, sizeof(text), fmt, "\"[1000]fd00::/8\", \"[1000]dn:x\"",
		 "  accepted-eids: [\"[1000]fd00::/8\"]\n", eid_text, key_path);
	tmp_write(text, path, sizeof(path));
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "dn:hash-") && strstr(err, "outside etr.accepted-eids"), "%s",
		      err);
}
END_TEST

/* A Map-Server + Map-Resolver + ITR with these map-resolver and itr lines. */
static void write_signed(char *path, size_t len, const char *mr, const char *itr)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "roles: [map-server, map-resolver, itr]\n"
		 "listen: {addresses: [127.0.0.1]}\n"
		 "map-server:\n"
		 "  sites:\n"
		 "    - {name: a, key: \"k\", auth: ecdsa, eid-prefixes: [\"[1000]10.0.0.0/8\"],\n"
		 "       crypto-eid-prefixes: [\"[1000]fd00::/8\"]}\n"
		 "map-resolver:\n%s"
		 "itr:\n"
		 "  map-resolvers: [{address: 127.0.0.1}]\n%s",
		 mr, itr);
	tmp_write(text, path, len);
}

START_TEST(signed_requests_loaded_printed_again)
{
	char path[512], itr[700], *t1;
	struct cp_config *cfg, *again;

	snprintf(itr, sizeof(itr), "  ecdsa-key: \"%s\"\n  crypto-eid-prefix: \"fd00::/16\"\n",
		 key_path);
	write_signed(path, sizeof(path),
		     "  signed-requests: required\n"
		     "  signed-verify-rate-limit: {per-second: 500}\n"
		     "  signed-verify-per-signer: 20\n", itr);
	cfg = load_ok(path);
	unlink(path);
	ck_assert_uint_eq(cfg->mr.signed_requests, CP_SIGNED_REQUIRED);
	ck_assert_uint_eq(cfg->mr.signed_verify_rate, 500);
	ck_assert_uint_eq(cfg->mr.signed_verify_burst, 1000);
	ck_assert_uint_eq(cfg->mr.signed_verify_per_signer, 20);
	ck_assert_str_eq(cfg->itr.ecdsa_key, key_path);
	ck_assert_uint_eq(cfg->itr.ecdsa_prefix.plen, 16);
	ck_assert_uint_eq(cfg->itr.ecdsa_prefix.addr.afi, LISP_AFI_IPV6);
	t1 = print_to_string(cfg);
	ck_assert_ptr_nonnull(strstr(t1, "  signed-requests: required\n"));
	ck_assert_ptr_nonnull(strstr(t1, "  crypto-eid-prefix: \"fd00::/16\"\n"));
	tmp_write(t1, path, sizeof(path));
	again = load_ok(path);
	unlink(path);
	ck_assert(cp_config_equal(cfg, again));
	/* Defaults: off, and the ITR unsigned. */
	write_signed(path, sizeof(path), "  negative-ttl: 15m\n", "");
	cp_config_free(again);
	again = load_ok(path);
	unlink(path);
	ck_assert_uint_eq(again->mr.signed_requests, CP_SIGNED_OFF);
	ck_assert_ptr_null(again->itr.ecdsa_key);
	ck_assert(!cp_config_equal(cfg, again));
	cp_config_free(again);
	cp_config_free(cfg);
	free(t1);
}
END_TEST

START_TEST(signed_requests_refused)
{
	char path[512], itr[700], err[1024];

	write_signed(path, sizeof(path), "  signed-verify-per-signer: 5\n", "");
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "map-resolver.signed-requests: is off"), "%s", err);
	write_signed(path, sizeof(path), "  signed-requests: maybe\n", "");
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "signed-requests"), "%s", err);
	write_signed(path, sizeof(path), "  negative-ttl: 15m\n", "  crypto-eid-prefix: \"fd00::/8\"\n");
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "itr.crypto-eid-prefix: read only with ecdsa-key"), "%s", err);
	snprintf(itr, sizeof(itr), "  ecdsa-key: \"%s\"\n  crypto-eid-prefix: \"[5]fd00::/8\"\n",
		 key_path);
	write_signed(path, sizeof(path), "  negative-ttl: 15m\n", itr);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "itr.crypto-eid-prefix: '[5]fd00::/8' must be"), "%s", err);
	ck_assert_int_eq(chmod(key_path, 0644), 0);
	snprintf(itr, sizeof(itr), "  ecdsa-key: \"%s\"\n", key_path);
	write_signed(path, sizeof(path), "  negative-ttl: 15m\n", itr);
	load_errors(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(strstr(err, "itr.ecdsa-key"), "%s", err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("config_ecdsa");
	TCase *tc = tcase_create("etr-database");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, key_loaded_records_made_and_verify);
	tcase_add_test(tc, key_readable_by_others_refused);
	tcase_add_test(tc, missing_key_refused);
	tcase_add_test(tc, eid_of_another_key_refused);
	tcase_add_test(tc, shapes_refused);
	tcase_add_test(tc, hash_eid_must_follow_the_crypto_eid);
	tcase_add_test(tc, signed_requests_loaded_printed_again);
	tcase_add_test(tc, signed_requests_refused);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
