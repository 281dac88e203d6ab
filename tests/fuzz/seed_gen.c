/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Writes the seed corpora of the fuzz targets into OUTDIR/<target>/: the
 * hand-laid RFC golden messages of the unit tests, the sample catalogue of
 * tests/lib (every message kind, built with our encoders), the addresses,
 * prefixes, inner datagrams and signed messages found inside those, and
 * hand-written text for the parsers.  Seeds are generated at build time and
 * never committed, so they follow the codec as it changes; inputs worth
 * keeping go to tests/fuzz/corpus-extra/ instead.
 *
 * Usage: seed_gen OUTDIR STAMP
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_hdr.h"
#include "inet_hdr.h"
#include "fuzz_common.h"
#include "lisp_auth.h"
#include "lisp_msg.h"
#ifdef LISPGW_HAVE_SAMPLES
#include "samples.h"
#endif

/* The unit tests own the golden bytes; not every array is used here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#include "golden_msgs.h"
#pragma GCC diagnostic pop
#include "golden_referral.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#include "golden_lispsec.h"
#pragma GCC diagnostic pop
#include "golden_ecdsa.h"

#define GOLDEN_KEY	"lispgw-secret"	/* gen_golden.py signs with it */
#define SEED_KEY	"fuzz-seed"

static const char *const targets[] = { "ctrl", "waddr", "dp", "text", "inet", "auth", "pcap",
				       "cats", "referral", "ddt_mr", "lispsec",
				       "ecdsa", "ecdsa_request", "frame" };
#define SEED_FRAME_MAX 4096

static const char *outdir;
static unsigned int seeds_written;

static void __attribute__((noreturn)) die(const char *what, const char *path)
{
	fprintf(stderr, "seed_gen: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* Creates OUTDIR/<target> or empties it, so that a renamed sample leaves no
 * stale seed behind. */
static void target_dir_reset(const char *target)
{
	char path[4096], file[4352];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		die("cannot create", path);
	d = opendir(path);
	if (!d)
		die("cannot open", path);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			if (unlink(file) < 0)
				die("cannot remove", file);
		}
	closedir(d);
}

/* Writes pre (a selector byte, a key) followed by buf as one seed. */
static void seed_write(const char *target, const char *name, const void *pre, size_t pre_len,
		       const void *buf, size_t len)
{
	char path[4096];
	size_t off;
	FILE *f;

	off = (size_t)snprintf(path, sizeof(path), "%s/%s/", outdir, target);
	for (const char *c = name; *c && off < sizeof(path) - 1; c++)
		path[off++] = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
					      (*c >= '0' && *c <= '9') || *c == '-' || *c == '.' ?
				      *c :
				      '_';
	path[off] = '\0';
	f = fopen(path, "wb");
	if (!f || (pre_len && fwrite(pre, 1, pre_len, f) != pre_len) ||
	    fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		die("cannot write", path);
	seeds_written++;
}

/* An address as the waddr target sees it, and as text: an EID (mask_len
 * >= 0) as its prefix, a locator as its plain RLOC. */
static void addr_seed(const char *msg, unsigned int *k, const struct lisp_waddr *w,
		      int mask_len)
{
	char name[256], text[LISP_ADDR_STR_MAX + 32];
	const struct lisp_addr *rloc;
	uint8_t buf[4096];
	struct lisp_prefix p;
	struct wire_wr wr;
	int n = -1;

	snprintf(name, sizeof(name), "%s-a%u", msg, ++*k);
	wire_wr_init(&wr, buf, sizeof(buf));
	if (lisp_waddr_encode(&wr, w, NULL) == 0)
		seed_write("waddr", name, NULL, 0, buf, wire_wr_len(&wr));
	if (mask_len >= 0 && lisp_waddr_to_prefix(w, (uint8_t)mask_len, &p, NULL) == 0) {
		lisp_prefix_mask(&p);
		n = lisp_prefix_format(&p, text, sizeof(text));
	} else if (mask_len < 0 && (rloc = lisp_waddr_rloc(w))) {
		n = lisp_addr_format(rloc, text, sizeof(text));
	}
	if (n > 0) {
		snprintf(name, sizeof(name), "%s-t%u", msg, *k);
		seed_write("text", name, NULL, 0, text, (size_t)n);
	}
}

static void records_seed(const char *msg, unsigned int *k, const struct lisp_record *recs,
			 unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		addr_seed(msg, k, &recs[i].eid, recs[i].mask_len);
		for (unsigned int j = 0; j < recs[i].loc_count; j++)
			addr_seed(msg, k, &recs[i].locs[j].addr, -1);
	}
}

/* [key length][key][message], signed with the key where the message names
 * an algorithm (re-signing a golden message with its own key changes
 * nothing), so that the target starts from messages that verify. */
static void auth_seed(const char *msg, const uint8_t *buf, size_t len, const char *key)
{
	uint8_t pre[1 + 32], *copy;
	size_t key_len = strlen(key);

	pre[0] = (uint8_t)key_len;
	memcpy(pre + 1, key, key_len);
	copy = malloc(len);
	if (!copy)
		die("out of memory for", msg);
	memcpy(copy, buf, len);
	(void)lisp_auth_sign(copy, len, key, key_len, NULL);
	seed_write("auth", msg, pre, 1 + key_len, copy, len);
	free(copy);
}

/* The parts of a control message that other targets take as input. */
static void ctrl_extract(const char *msg, const uint8_t *buf, size_t len, const char *key)
{
	static _Alignas(16) uint8_t abuf[FUZZ_ARENA_SIZE];
	const struct lisp_map_request *rq;
	struct lisp_ctrl_msg m;
	struct lisp_err err;
	struct lisp_arena a;
	unsigned int k = 0;
	char name[256];

	lisp_arena_init(&a, abuf, sizeof(abuf));
	if (lisp_ctrl_decode(buf, len, &a, &m, &err) < 0) {
		/* The unit tests report this; the seed is still written. */
		fprintf(stderr, "seed_gen: warning: %s does not decode: %s\n", msg, err.msg);
		return;
	}
	switch (m.type) {
	case LISP_MAP_REQUEST:
		rq = &m.request;
		addr_seed(msg, &k, &rq->source_eid, -1);
		for (unsigned int i = 0; i < rq->itr_rloc_count; i++)
			addr_seed(msg, &k, &rq->itr_rlocs[i], -1);
		for (unsigned int i = 0; i < rq->record_count; i++)
			addr_seed(msg, &k, &rq->records[i].eid, rq->records[i].mask_len);
		if (rq->map_reply)
			records_seed(msg, &k, rq->map_reply, 1);
		break;
	case LISP_MAP_REPLY:
		records_seed(msg, &k, m.reply.records, m.reply.record_count);
		break;
	case LISP_MAP_REFERRAL:
		seed_write("referral", msg, NULL, 0, buf, len);
		/* fuzz_ddt_mr.c's frame: from the node asked, the nonce of
		 * the request it resolves, then the message. */
		seed_write("ddt_mr", msg,
			   (const uint8_t[]){ 0x05, (uint8_t)(len >> 8), (uint8_t)len }, 3, buf,
			   len);
		for (unsigned int i = 0; i < m.referral.record_count; i++) {
			const struct lisp_referral_record *rec = &m.referral.records[i];

			addr_seed(msg, &k, &rec->eid, rec->mask_len);
			for (unsigned int j = 0; j < rec->ref_count; j++)
				addr_seed(msg, &k, &rec->refs[j].addr, -1);
		}
		break;
	case LISP_ECM:
		seed_write("inet", msg, NULL, 0, buf + 4, len - 4);
		snprintf(name, sizeof(name), "%s-inner", msg);
		/* Last: the inner decode reuses the arena. */
		ctrl_extract(name, m.ecm.payload, m.ecm.payload_len, key);
		break;
	default:
		records_seed(msg, &k, m.reg.records, m.reg.record_count);
		auth_seed(msg, buf, len, key);
		break;
	}
}

#define GOLDEN(target, arr) { target, #arr, arr, sizeof(arr) }

static const struct golden {
	const char *target, *name;
	const uint8_t *bytes;
	size_t len;
} goldens[] = {
	GOLDEN("ctrl", golden_map_request),
	GOLDEN("ctrl", golden_map_request_smr_probe_xtr),
	GOLDEN("ctrl", golden_map_reply),
	GOLDEN("ctrl", golden_negative_map_reply),
	GOLDEN("ctrl", golden_map_register_unsigned),
	GOLDEN("ctrl", golden_map_register_sha1),
	GOLDEN("ctrl", golden_map_register_sha256),
	GOLDEN("ctrl", golden_map_notify_sha1),
	GOLDEN("ctrl", golden_ecm_v4),
	GOLDEN("ctrl", golden_ecm_v6),
	GOLDEN("ctrl", golden_referral_node),
	GOLDEN("ctrl", golden_referral_ms),
	GOLDEN("ctrl", golden_referral_ms_ack_iid),
	GOLDEN("ctrl", golden_referral_ms_not_registered),
	GOLDEN("ctrl", golden_referral_hole_not_auth),
	GOLDEN("ctrl", golden_referral_sig),
	GOLDEN("waddr", golden_lcaf_afi_list),
	GOLDEN("waddr", golden_lcaf_geo),
	GOLDEN("waddr", golden_lcaf_nat),
	GOLDEN("waddr", golden_lcaf_iid_srcdst),
	GOLDEN("waddr", golden_lcaf_json_rloc),
	GOLDEN("waddr", golden_lcaf_json_noaddr),
	GOLDEN("waddr", golden_lcaf_kv),
	GOLDEN("waddr", golden_lcaf_iid_dn),
	GOLDEN("waddr", golden_lcaf_unknown),
};

/* Data headers from the examples in dp_hdr.h and the unit tests; the first
 * byte picks the decoder in fuzz_dp.c. */
static const uint8_t dp_seeds[][9] = {
	{ 0, 0xc8, 0xab, 0xcd, 0xef, 0x00, 0x03, 0xe8, 0x03 },	/* LISP N|L|I */
	{ 0, 0x50, 0x12, 0x34, 0x56, 0x80, 0x00, 0x00, 0x01 },	/* LISP V|L */
	{ 1, 0x08, 0x00, 0x00, 0x00, 0x00, 0x03, 0xe8, 0x00 },	/* VXLAN VNI 1000 */
	{ 1, 0x88, 0x48, 0x12, 0x34, 0x00, 0x00, 0x07, 0x00 },	/* VXLAN-GBP */
	{ 2, 0x0c, 0x00, 0x00, 0x02, 0x00, 0x00, 0x2a, 0x00 },	/* GPE IPv6 */
};

/* Every text form lisp_addr.h documents, and the edges around them. */
static const char *const text_seeds[] = {
	"[1000]240.1.1.1/32", "[7]2001:db8::/64", "[3]mac:00:11:22:33:44:55/48",
	"[1000]dn:agent-planner-7", "192.0.2.1", "2001:db8::1", "mac:00:11:22:33:44:55",
	"dn:planner-7", "none", "[0]none", "10.0.0.0/8", "0.0.0.0/0", "::/0",
	"[4294967295]::ffff:192.0.2.1/128", "dn:a/b/c", "[12]dn:x]y", "fe80::1/10",
	"[5]10.1.2.0/24",
};

/* An Ethernet frame at f (with a VLAN tag when vlan != 0) of IP/UDP from
 * src to dst (the family of dst) around payload; its length, 0 if it did
 * not fit in cap. */
static size_t udp_frame(uint8_t *f, size_t cap, uint16_t vlan, const char *src, const char *dst,
			uint16_t sport, uint16_t dport, const uint8_t *payload, size_t len)
{
	bool v6 = strchr(dst, ':') != NULL;
	struct inet_udp h = { .ip_version = v6 ? 6 : 4, .ttl = 64, .sport = sport,
			      .dport = dport };
	size_t off = 12;
	ssize_t n;

	if (cap < 18)
		return 0;
	memcpy(f, (const uint8_t[]){ 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xaa }, 12);
	if (vlan) {
		f[off++] = 0x81;
		f[off++] = 0;
		f[off++] = (uint8_t)(vlan >> 8);
		f[off++] = (uint8_t)vlan;
	}
	f[off++] = v6 ? 0x86 : 0x08;
	f[off++] = v6 ? 0xdd : 0x00;
	lisp_addr_parse(src, &h.src, NULL);
	lisp_addr_parse(dst, &h.dst, NULL);
	n = inet_udp_encode(&h, payload, len, f + off, cap - off, NULL);
	return n > 0 ? off + (size_t)n : 0;
}

/* A captured frame for fuzz_pcap: selector 0 (Ethernet) or 3 (raw IP),
 * then IPv4/IPv6 + UDP to port with the payload. */
static void pcap_seed(const char *name, uint16_t port, bool v6, bool ethernet,
		      const uint8_t *payload, size_t len)
{
	uint8_t frame[SEED_FRAME_MAX], sel = ethernet ? 0 : 3;
	size_t n = udp_frame(frame, sizeof(frame), 0, v6 ? "2001:db8::1" : "192.0.2.1",
			     v6 ? "2001:db8::2" : "192.0.2.2", 4342, port, payload, len);

	if (n)
		seed_write("pcap", name, &sel, 1, ethernet ? frame : frame + 14,
			   ethernet ? n : n - 14);
}

/* fuzz_frame.c: byte 0 (bit 0 encap, bit 1 the tables that learn hosts,
 * bits 2..7 a second segment's start / 32), then a frame.  Decap: each
 * tunnel to the fixture's Instance-IDs (LISP 100 and 500, VXLAN 200, GPE
 * 300), outer IPv4 and IPv6; encap: EID-side frames to its mappings,
 * positive and negative, tagged and not. */
static void frame_seeds(void)
{
	static const struct {
		const char *name;
		uint8_t sel;
		uint16_t vlan;		/* encap: the frame's tag */
		const char *outer;	/* decap: the outer destination; NULL: encap */
		uint16_t port;		/* decap: 4341, 4789, 4790 */
		uint8_t tun[8];
		bool inner_eth;
		const char *src, *dst;
	} seeds[] = {
		{ "decap-lisp-100", 0x00, 0, "192.0.2.1", 4341, { 0x88, 1, 2, 3, 0, 0, 100, 0 },
		  false, "10.2.0.5", "10.1.0.1" },
		{ "decap-lisp-100-2segs", 0x0c, 0, "192.0.2.1", 4341,
		  { 0x88, 1, 2, 3, 0, 0, 100, 0 }, false, "10.2.0.5", "10.1.0.1" },
		{ "decap-lisp6-100", 0x00, 0, "2001:db8::1", 4341, { 0x88, 1, 2, 3, 0, 0, 100, 0 },
		  false, "2001:db8:2::5", "2001:db8:1::1" },
		{ "decap-vxlan-200", 0x00, 0, "192.0.2.1", 4789, { 0x08, 0, 0, 0, 0, 0, 200, 0 },
		  true, "10.2.0.5", "10.1.0.1" },
		{ "decap-gpe-300", 0x00, 0, "192.0.2.1", 4790, { 0x0c, 0, 0, 2, 0, 1, 0x2c, 0 },
		  false, "2001:db8:2::5", "2001:db8:1::1" },
		{ "decap-lisp-500-known", 0x02, 0, "192.0.2.1", 4341,
		  { 0x88, 1, 2, 3, 0, 1, 0xf4, 0 }, false, "10.2.0.5", "10.5.0.7" },
		{ "decap-lisp-500-unknown", 0x02, 0, "192.0.2.1", 4341,
		  { 0x88, 1, 2, 3, 0, 1, 0xf4, 0 }, false, "10.2.0.5", "10.5.0.9" },
		{ "encap-10.2", 0x01, 0, NULL, 0, { 0 }, false, "10.1.0.1", "10.2.0.5" },
		{ "encap-10.2-hosts", 0x03, 0, NULL, 0, { 0 }, false, "10.1.0.1", "10.2.0.5" },
		{ "encap-vlan20-10.6", 0x01, 20, NULL, 0, { 0 }, false, "10.1.0.1", "10.6.0.5" },
		{ "encap-vlan30-v6", 0x01, 30, NULL, 0, { 0 }, false, "2001:db8:1::1",
		  "2001:db8:2::5" },
		{ "encap-v6-to-v4", 0x01, 0, NULL, 0, { 0 }, false, "2001:db8:1::1",
		  "2001:db8:4::5" },
		{ "encap-negative", 0x01, 0, NULL, 0, { 0 }, false, "10.1.0.1", "10.9.0.1" },
		{ "encap-local", 0x03, 0, NULL, 0, { 0 }, false, "10.1.0.1", "10.1.0.9" },
	};
	static const uint8_t data[24] = "fuzz frame seed payload";

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		uint8_t eid[256], mid[512], frame[1024];
		size_t n = udp_frame(eid, sizeof(eid), seeds[i].vlan, seeds[i].src, seeds[i].dst,
				     1024, 80, data, sizeof(data));

		size_t off = seeds[i].inner_eth ? 0 : 14;

		if (n == 0)
			continue;
		if (!seeds[i].outer) {
			seed_write("frame", seeds[i].name, &seeds[i].sel, 1, eid, n);
			continue;
		}
		/* The tunnel header, then the inner IP packet (VXLAN: its
		 * Ethernet frame). */
		memcpy(mid, seeds[i].tun, 8);
		memcpy(mid + 8, eid + off, n - off);
		n = udp_frame(frame, sizeof(frame), 0,
			      strchr(seeds[i].outer, ':') ? "2001:db8::2" : "192.0.2.2",
			      seeds[i].outer, 50000, seeds[i].port, mid, 8 + n - off);
		if (n)
			seed_write("frame", seeds[i].name, &seeds[i].sel, 1, frame, n);
	}
}

/* ECDSA JSON records (docs/ecdsa.md): selector byte 0 the signature
 * record, 1 the public-key record (fuzz_ecdsa.c). */
static void ecdsa_seeds(void)
{
	static const struct {
		const char *name, *json;
		uint8_t sel;
	} seeds[] = {
		{ "sig-register", GOLDEN_ECDSA_SIG_JSON_REGISTER, 0 },
		{ "sig-request", GOLDEN_ECDSA_SIG_JSON_REQUEST, 0 },
		{ "sig-eid", "[1000]" GOLDEN_ECDSA_CRYPTO_EID, 0 },
		{ "pubkey", GOLDEN_ECDSA_PUBKEY_JSON, 1 },
	};

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++)
		seed_write("ecdsa", seeds[i].name, &seeds[i].sel, 1, seeds[i].json,
			   strlen(seeds[i].json));
}

/* Signed Map-Requests (fuzz_ecdsa_request.c): python3-cryptography's
 * signed request of golden_ecdsa.h in its Source-EID field, and the same
 * request unsigned. */
static void ecdsa_request_seeds(void)
{
	struct lisp_request_record rec = { .mask_len = 128 };
	struct lisp_map_request m = { .nonce = GOLDEN_ECDSA_NONCE, .itr_rloc_count = 1,
				      .record_count = 1, .records = &rec };
	struct lisp_waddr itr, inner, none = { 0 };
	struct lisp_prefix target;
	struct lisp_addr a;
	uint8_t buf[1024];
	ssize_t n;

	lisp_prefix_parse("[1000]" GOLDEN_ECDSA_TARGET_EID "/128", &target, NULL);
	lisp_waddr_from_prefix(&rec.eid, &inner, &target);
	lisp_addr_parse("192.0.2.1", &a, NULL);
	lisp_waddr_from_addr(&itr, &a);
	m.itr_rlocs = &itr;
	n = lisp_map_request_encode(&m, buf, sizeof(buf), NULL);
	if (n > 0)
		seed_write("ecdsa_request", "unsigned", NULL, 0, buf, (size_t)n);
	m.source_eid.afi = LISP_AFI_LCAF;
	m.source_eid.lcaf.type = LCAF_TYPE_JSON;
	m.source_eid.lcaf.json.text = GOLDEN_ECDSA_SIG_JSON_REQUEST;
	m.source_eid.lcaf.json.len = (uint16_t)strlen(GOLDEN_ECDSA_SIG_JSON_REQUEST);
	m.source_eid.lcaf.json.addr = &none;
	n = lisp_map_request_encode(&m, buf, sizeof(buf), NULL);
	if (n > 0)
		seed_write("ecdsa_request", "signed-python", NULL, 0, buf, (size_t)n);
}

/* CATS constrained EIDs (docs/cats.md): mask-len byte, then the address. */
static void cats_seeds(void)
{
	static const char *const texts[] = {
		"{\"gpu\":\"H100\",\"max_latency_ms\":10,\"state\":\"ready\"}",
		"{\"gpu\":{\"in\":[\"H100\",\"A100\"]},\"load\":{\"<\":0.5},\"min_gpus\":4}",
		"{\"ok\":true,\"load\":{\">=\":0.1,\"!=\":0.3}}",
		"{\"load\":{\"~\":1}}", "[1,2]", "{gpu", "{}",
	};
	static const char *const eids[] = { "[1000]10.100.0.1/32", "2001:db8::1/128",
					    "[7]10.0.0.0/8" };
	char name[64];
	unsigned int k = 0;

	for (size_t e = 0; e < sizeof(eids) / sizeof(eids[0]); e++)
		for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
			struct lcaf_constraints_buf b;
			struct lisp_waddr w;
			struct lisp_prefix p;
			struct wire_wr wr;
			uint8_t buf[512];

			if (lisp_prefix_parse(eids[e], &p, NULL) < 0 ||
			    lcaf_constraints_wrap(&w, &b, &p, texts[t], strlen(texts[t]), NULL) < 0)
				continue;
			wire_wr_init(&wr, buf, sizeof(buf));
			if (lisp_waddr_encode(&wr, &w, NULL) < 0)
				continue;
			snprintf(name, sizeof(name), "constrained-%u", ++k);
			seed_write("cats", name, &p.plen, 1, buf, wire_wr_len(&wr));
		}
}

/* LISP-SEC: the selector byte of fuzz_lispsec.c, then the golden AD or
 * Map-Reply (golden_lispsec.h). */
static void lispsec_seeds(void)
{
	static const uint8_t ecm_sel = 0, mr_sel = 1, etr_sel = 3;

	seed_write("lispsec", "ecm-ad-itr", &ecm_sel, 1, golden_ecm_ad_itr,
		   sizeof(golden_ecm_ad_itr));
	seed_write("lispsec", "ecm-ad-ms", &ecm_sel, 1, golden_ecm_ad_ms, sizeof(golden_ecm_ad_ms));
	/* The Map-Server's ECM AD, as the ETR signs with it (selector 3). */
	seed_write("lispsec", "etr-seal-ms", &etr_sel, 1, golden_ecm_ad_ms,
		   sizeof(golden_ecm_ad_ms));
	seed_write("lispsec", "map-reply-sec", &mr_sel, 1, golden_map_reply_sec,
		   sizeof(golden_map_reply_sec));
	seed_write("lispsec", "map-reply-sec-sha1", &mr_sel, 1, golden_map_reply_sec_sha1,
		   sizeof(golden_map_reply_sec_sha1));
	seed_write("lispsec", "map-reply-sec-outside", &mr_sel, 1, golden_map_reply_sec_outside,
		   sizeof(golden_map_reply_sec_outside));
	/* A whole ECM with the S bit around golden_map_request (selector 2). */
	{
		struct lisp_ecm e = {
			.sec = true, .ip_version = 4, .ttl = 64, .inner_sport = 4342,
			.inner_dport = LISP_CONTROL_PORT, .payload = golden_map_request,
			.payload_len = sizeof(golden_map_request), .sec_ad = golden_ecm_ad_itr,
			.sec_ad_len = sizeof(golden_ecm_ad_itr),
		};
		uint8_t buf[512];
		ssize_t n;

		buf[0] = 2;
		lisp_addr_parse("192.0.2.1", &e.inner_src, NULL);
		lisp_addr_parse("10.1.2.0", &e.inner_dst, NULL);
		n = lisp_ecm_encode(&e, buf + 1, sizeof(buf) - 1, NULL);
		if (n < 0) {
			errno = EINVAL;
			die("cannot encode", "the LISP-SEC ECM seed");
		}
		seed_write("lispsec", "ecm-sec", NULL, 0, buf, (size_t)n + 1);
		/* The same as lispgw-ctl decode sees them (its JSON of the AD). */
		pcap_seed("lispsec-ecm", LISP_CONTROL_PORT, false, true, buf + 1, (size_t)n);
	}
	pcap_seed("lispsec-map-reply", LISP_CONTROL_PORT, true, false, golden_map_reply_sec,
		  sizeof(golden_map_reply_sec));
}

int main(int argc, char **argv)
{
	char name[256];
	FILE *stamp;

	if (argc != 3) {
		fprintf(stderr, "usage: seed_gen OUTDIR STAMP\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST)
		die("cannot create", outdir);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		target_dir_reset(targets[i]);

	for (size_t i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++) {
		const struct golden *g = &goldens[i];

		seed_write(g->target, g->name, NULL, 0, g->bytes, g->len);
		if (strcmp(g->target, "ctrl") == 0) {
			ctrl_extract(g->name, g->bytes, g->len, GOLDEN_KEY);
			pcap_seed(g->name, LISP_CONTROL_PORT, i % 2, i % 3 != 0, g->bytes, g->len);
		}
	}
	for (size_t i = 0; i < sizeof(dp_seeds) / sizeof(dp_seeds[0]); i++) {
		snprintf(name, sizeof(name), "hand-%zu", i + 1);
		seed_write("dp", name, NULL, 0, dp_seeds[i], sizeof(dp_seeds[i]));
	}
	cats_seeds();
	lispsec_seeds();
	ecdsa_seeds();
	ecdsa_request_seeds();
	frame_seeds();
	for (size_t i = 0; i < sizeof(text_seeds) / sizeof(text_seeds[0]); i++) {
		snprintf(name, sizeof(name), "hand-%zu", i + 1);
		seed_write("text", name, NULL, 0, text_seeds[i], strlen(text_seeds[i]));
	}

#ifdef LISPGW_HAVE_SAMPLES
	{
		static struct sample_msg samples[512];
		size_t n = samples_build(samples, sizeof(samples) / sizeof(samples[0]));

		for (size_t i = 0; i < n; i++) {
			const struct sample_msg *s = &samples[i];
			uint8_t sel;

			snprintf(name, sizeof(name), "sample-%s", s->name);
			pcap_seed(name,
				  s->kind == SAMPLE_CTRL ? LISP_CONTROL_PORT :
				  s->kind == SAMPLE_LISP_DATA ? LISP_DATA_PORT :
				  s->kind == SAMPLE_VXLAN ? VXLAN_PORT : VXLAN_GPE_PORT,
				  i % 2, true, s->bytes, s->len);
			switch (s->kind) {
			case SAMPLE_CTRL:
				seed_write("ctrl", name, NULL, 0, s->bytes, s->len);
				ctrl_extract(name, s->bytes, s->len, SEED_KEY);
				continue;
			case SAMPLE_LISP_DATA:
				/* The inner IP packet: inet_udp_decode()'s refusals. */
				if (s->len > LISP_DATA_HDR_LEN)
					seed_write("inet", name, NULL, 0, s->bytes + LISP_DATA_HDR_LEN,
						   s->len - LISP_DATA_HDR_LEN);
				sel = 0;
				break;
			case SAMPLE_VXLAN:
				sel = 1;
				break;
			default:
				sel = 2;
				break;
			}
			seed_write("dp", name, &sel, 1, s->bytes, s->len);
		}
	}
#endif

	stamp = fopen(argv[2], "w");
	if (!stamp || fprintf(stamp, "%u seeds\n", seeds_written) < 0 || fclose(stamp) != 0)
		die("cannot write", argv[2]);
	return 0;
}
