/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lispgw-ctl lig: "LISP Internet Groper" — sends real Encapsulated
 * Map-Requests to a Map-Resolver and prints each Map-Reply with its
 * round-trip time, as the classic `lig` does.  The reply may come from the
 * Map-Resolver (proxy or negative) or from an ETR of the site.
 *
 *   lispgw-ctl lig EID [--iid N] [--mr ADDR] [--count N] [--timeout MS] [--json]
 *                      [--constraints JSON] [--trace ROOT]
 *
 * --constraints sends a CATS context-aware request (docs/cats.md): the EID
 * goes out as a Key/Value LCAF carrying the query; the Map-Server answers
 * with the matching locators only, ranked.  Locators print best first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ecdsa_request.h"
#include "lig_priv.h"
#include "lisp_msg.h"
#include "lisp_sec.h"

static void lig_help(FILE *out)
{
	fprintf(out,
		"usage: " CTL_PROG " lig EID [--iid N] [--mr ADDR] [--count N] [--timeout MS] [--json]\n"
		"  EID          an address or prefix: 10.1.2.3, [1]10.1.2.3, 2001:db8::1, dn:name\n"
		"  --iid N      Instance-ID (overrides [N] in EID; default 0)\n"
		"  --mr ADDR    Map-Resolver (default 127.0.0.1), UDP 4342\n"
		"  --count N    Map-Requests to send, one after the other (default 1)\n"
		"  --timeout MS wait per request (default 2000)\n"
		"  --json       one JSON object per reply\n"
		"  --constraints JSON  context constraints, e.g. '{\"gpu\":\"H100\",\"max_latency_ms\":10}'\n"
		"               (docs/cats.md): only matching locators come back, ranked\n"
		"  --ecdsa-key FILE  sign the Map-Request (draft-ietf-lisp-ecdsa-auth) as the\n"
		"               key's crypto-EID, which must be registered (docs/ecdsa.md)\n"
		"  --crypto-eid-prefix P  that crypto-EID's prefix (default fd00::/8)\n"
		"  --lisp-sec-key KEY  LISP-SEC (RFC 9303): an ITR-OTK in each request, wrapped\n"
		"               with KEY (32 hex digits, or none), the Map-Resolver's\n"
		"               lisp-sec-key; each reply verified as a required ITR does\n"
		"  --trace ROOT walk the LISP-DDT hierarchy from the DDT root ROOT (RFC 8111):\n"
		"               print each Map-Referral hop (node, action, prefix, TTL,\n"
		"               referral set), then the final answer (docs/ddt.md)\n");
}

double lig_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

socklen_t lig_sockaddr_of(const struct lisp_addr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->afi == LISP_AFI_IPV4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->v4, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, a->v6, 16);
	return sizeof(*s6);
}

void lig_addr_of_sockaddr(const struct sockaddr_storage *ss, struct lisp_addr *a,
			     uint16_t *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		lisp_addr_set_v4(a, &s4->sin_addr);
		*port = ntohs(s4->sin_port);
	} else {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		lisp_addr_set_v6(a, &s6->sin6_addr);
		*port = ntohs(s6->sin6_port);
	}
}

/* Our address towards the Map-Resolver (the ITR-RLOC of the request) is
 * what the kernel would pick: a connected probe socket tells.  The real
 * socket is bound to it explicitly, unconnected, so that a reply from an
 * ETR (not the Map-Resolver) reaches it too. */
static int lig_socket(const struct lisp_addr *mr, struct lisp_addr *local, uint16_t *port)
{
	struct sockaddr_storage ss, me;
	socklen_t len = lig_sockaddr_of(mr, LISP_CONTROL_PORT, &ss), mlen = sizeof(me);
	int probe = socket(ss.ss_family, SOCK_DGRAM, 0), fd;

	if (probe < 0)
		return -1;
	if (connect(probe, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(probe, (struct sockaddr *)&me, &mlen) < 0) {
		close(probe);
		return -1;
	}
	close(probe);
	lig_addr_of_sockaddr(&me, local, port);
	len = lig_sockaddr_of(local, 0, &me);
	fd = socket(me.ss_family, SOCK_DGRAM, 0);
	mlen = sizeof(me);
	if (fd < 0 || bind(fd, (struct sockaddr *)&me, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&me, &mlen) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	lig_addr_of_sockaddr(&me, local, port);
	return fd;
}

/* The signer is the key's crypto-EID in the EID's Instance-ID, and the
 * request's source EID (a Map-Resolver takes a signer for itself only). */
static int lig_sign(const struct lig_opts *o, struct lisp_map_request *req,
		    struct ecdsa_request_buf *buf, struct lisp_err *err)
{
	struct ecdsa_prefix p = { .iid = o->eid.iid, .len = o->crypto_prefix.plen };
	struct ecdsa_eid signer = { .iid = o->eid.iid, .af = AF_INET6 };

	memcpy(p.addr, o->crypto_prefix.addr.v6, 16);
	if (ecdsa_crypto_eid(&p, o->ecdsa_key, signer.addr, err) < 0)
		return -EINVAL;
	return ecdsa_request_sign(o->ecdsa_key, &signer, &signer, req, buf, err);
}

ssize_t lig_build_request(const struct lig_opts *o, const struct lisp_addr *local,
			  uint16_t port, uint64_t nonce, bool ddt, uint8_t *buf, size_t cap,
			  struct lisp_err *err)
{
	struct lisp_request_record rec = { .mask_len = o->eid.plen };
	struct lisp_map_request req = { .nonce = nonce, .itr_rloc_count = 1, .record_count = 1,
					.records = &rec };
	struct lisp_ecm ecm = { .ip_version = local->afi == LISP_AFI_IPV4 ? 4 : 6, .ttl = 64,
				.inner_sport = port, .inner_dport = LISP_CONTROL_PORT,
				.ddt = ddt };
	struct lcaf_constraints_buf cb;
	struct ecdsa_request_buf sig;
	struct lisp_waddr itr, inner;
	uint8_t mreq[8192], sec_ad[128];
	ssize_t n;

	if (o->constraints) {
		if (lcaf_constraints_wrap(&rec.eid, &cb, &o->eid, o->constraints,
					  strlen(o->constraints), err) < 0)
			return -EINVAL;
	} else {
		lisp_waddr_from_prefix(&rec.eid, &inner, &o->eid);
	}
	lisp_waddr_from_addr(&itr, local);
	req.itr_rlocs = &itr;
	if (o->ecdsa_key && lig_sign(o, &req, &sig, err) < 0)
		return -EINVAL;
	n = lisp_map_request_encode(&req, mreq, sizeof(mreq), err);
	if (n < 0)
		return n;
	ecm.inner_src = *local;
	/* The inner destination is the EID when it is an address of the
	 * outer family; otherwise (a DN, the other family) the MR itself. */
	ecm.inner_dst = o->eid.addr.afi == local->afi ? o->eid.addr : o->mr;
	ecm.payload = mreq;
	ecm.payload_len = (size_t)n;
	if (o->sec && lig_sec_ecm(o->sec, &ecm, sec_ad, sizeof(sec_ad), err) < 0)
		return -EINVAL;
	return lisp_ecm_encode(&ecm, buf, cap, err);
}

void lig_print_reply(const struct lisp_map_reply *r, const struct lisp_addr *from,
			double rtt, bool json)
{
	lig_print_reply_sec(r, from, rtt, json, NULL);
}

void lig_print_reply_sec(const struct lisp_map_reply *r, const struct lisp_addr *from,
			 double rtt, bool json, const char *sec)
{
	char a[LISP_ADDR_STR_MAX], e[LISP_ADDR_STR_MAX];
	json_t *out = NULL, *recs = NULL;

	lisp_addr_format(from, a, sizeof(a));
	if (json) {
		out = json_pack("{s:s, s:f, s:o}", "from", a, "rtt_ms", rtt, "records",
				recs = json_array());
		if (sec)
			json_object_set_new(out, "lisp_sec", json_string(sec));
	} else {
		printf("Received Map-Reply from %s with rtt %.3f ms\n", a, rtt);
		if (sec)
			printf("  LISP-SEC: %s\n", sec);
	}
	for (unsigned int i = 0; i < r->record_count; i++) {
		const struct lisp_record *rec = &r->records[i];
		struct lisp_prefix p;
		json_t *jr = NULL, *jl = NULL;

		if (lisp_waddr_to_prefix(&rec->eid, rec->mask_len, &p, NULL) < 0)
			snprintf(e, sizeof(e), "(not a prefix)");
		else
			lisp_prefix_format(&p, e, sizeof(e));
		if (json) {
			jr = json_pack("{s:s, s:i, s:s, s:b, s:o}", "eid", e, "ttl", (int)rec->ttl,
				       "action", lisp_action_name(rec->action), "authoritative",
				       rec->authoritative, "locators", jl = json_array());
			json_array_append_new(recs, jr);
		} else {
			printf("  Mapping entry for EID %s, record ttl %u%s, %s\n", e, rec->ttl,
			       rec->loc_count ? "" : " (negative)",
			       rec->loc_count ? (rec->authoritative ? "authoritative" : "not authoritative")
					      : lisp_action_name(rec->action));
			if (rec->loc_count)
				printf("    %-40s %-6s %-9s %s\n", "Locator", "State", "Pri/Wgt",
				       "Attributes");
		}
		unsigned int order[LISP_LOCATORS_MAX];

		/* Best first: priority, then the larger weight (stable). */
		for (unsigned int j = 0; j < rec->loc_count; j++) {
			unsigned int k = j;

			for (; k && (rec->locs[order[k - 1]].priority > rec->locs[j].priority ||
				     (rec->locs[order[k - 1]].priority == rec->locs[j].priority &&
				      rec->locs[order[k - 1]].weight < rec->locs[j].weight));
			     k--)
				order[k] = order[k - 1];
			order[k] = j;
		}
		for (unsigned int j = 0; j < rec->loc_count; j++) {
			const struct lisp_locator *l = &rec->locs[order[j]];
			const struct lisp_addr *rloc = lisp_waddr_rloc(&l->addr);
			const struct lisp_lcaf *js = lisp_waddr_json(&l->addr);
			char pw[16];

			if (rloc)
				lisp_addr_format(rloc, a, sizeof(a));
			else
				snprintf(a, sizeof(a), "(no address)");
			snprintf(pw, sizeof(pw), "%u/%u", l->priority, l->weight);
			if (json) {
				json_t *jo = json_pack("{s:s, s:i, s:i, s:b}", "rloc", a, "priority",
						       l->priority, "weight", l->weight, "up",
						       (l->flags & LISP_LOC_F_REACH) != 0);

				if (js)
					json_object_set_new(jo, "attributes",
							    json_loadb(js->json.text, js->json.len, 0,
								       NULL) ?: json_null());
				json_array_append_new(jl, jo);
			} else {
				printf("    %-40s %-6s %-9s %.*s\n", a,
				       (l->flags & LISP_LOC_F_REACH) ? "up" : "down", pw,
				       js ? (int)js->json.len : 0, js ? js->json.text : "");
			}
		}
	}
	if (json) {
		char *s = json_dumps(out, JSON_COMPACT);

		puts(s);
		free(s);
		json_decref(out);
	}
}

/* One Map-Request, one reply (or a timeout).  0 on a reply. */
static int lig_once(int fd, const struct lig_opts *o, const struct lisp_addr *local,
		    uint16_t port)
{
	static uint8_t arena_buf[64 * 1024];
	uint8_t buf[9000];
	struct sockaddr_storage dst, from;
	struct lisp_arena arena;
	struct lisp_map_reply r;
	struct lisp_err err;
	char eid[LISP_ADDR_STR_MAX], mr[LISP_ADDR_STR_MAX];
	uint64_t nonce = 0;
	const char *sec;
	double start, deadline;
	socklen_t dlen;
	ssize_t n;

	while (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		;
	n = lig_build_request(o, local, port, nonce, false, buf, sizeof(buf), &err);
	if (n < 0) {
		fprintf(stderr, CTL_PROG " lig: %s\n", err.msg);
		return -1;
	}
	lisp_prefix_format(&o->eid, eid, sizeof(eid));
	lisp_addr_format(&o->mr, mr, sizeof(mr));
	if (!o->json)
		printf("Send Map-Request to %s for %s ...\n", mr, eid);
	dlen = lig_sockaddr_of(&o->mr, LISP_CONTROL_PORT, &dst);
	start = lig_now_ms();
	if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&dst, dlen) < 0) {
		fprintf(stderr, CTL_PROG " lig: send to %s: %s\n", mr, strerror(errno));
		return -1;
	}
	deadline = start + o->timeout_ms;
	for (double now = start; now < deadline; now = lig_now_ms()) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		socklen_t flen = sizeof(from);
		struct lisp_addr src;
		uint16_t sport;

		if (poll(&pfd, 1, (int)(deadline - now) + 1) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (n <= 0)
			continue;
		lisp_arena_init(&arena, arena_buf, sizeof(arena_buf));
		if (lisp_map_reply_decode(buf, (size_t)n, &arena, &r, &err) < 0 || r.nonce != nonce)
			continue;	/* not ours: keep waiting */
		lig_addr_of_sockaddr(&from, &src, &sport);
		sec = o->sec ? lig_sec_check(o->sec, buf, (size_t)n, &err) : NULL;
		lig_print_reply_sec(&r, &src, lig_now_ms() - start, o->json,
				    o->sec ? (sec ? sec : "verified") : NULL);
		if (sec && !o->json)
			printf("  LISP-SEC refused: %s\n", err.msg);
		return sec ? -1 : 0;
	}
	if (o->json)
		printf("{\"eid\":\"%s\",\"error\":\"timeout\"}\n", eid);
	else
		printf("*** No Map-Reply received in %u ms\n", o->timeout_ms);
	return -1;
}

static int lig_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iid", required_argument, NULL, 'i' }, { "mr", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'c' }, { "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
		{ "constraints", required_argument, NULL, 'C' },
		{ "trace", required_argument, NULL, 'T' },
		{ "ecdsa-key", required_argument, NULL, 'K' },
		{ "crypto-eid-prefix", required_argument, NULL, 'P' },
		{ "lisp-sec-key", required_argument, NULL, 'S' },
		{ 0 },
	};
	struct lig_opts o = { .count = 1, .timeout_ms = 2000 };
	struct lisp_addr local, root = { 0 };
	static struct lig_sec sec;
	const char *key_file = NULL, *prefix_text = "fd00::/8";
	struct ecdsa_prefix cp;
	enum ecdsa_reason why;
	long iid = -1;
	unsigned int ok = 0;
	uint16_t port;
	struct lisp_err err;
	int opt, fd;

	lisp_addr_parse("127.0.0.1", &o.mr, NULL);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			iid = strtol(optarg, NULL, 10);
			if (iid < 0 || iid > 0xffffff) {
				fprintf(stderr, CTL_PROG " lig: --iid must be 0..16777215\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'm':
			if (lisp_addr_parse(optarg, &o.mr, &err) < 0 ||
			    (o.mr.afi != LISP_AFI_IPV4 && o.mr.afi != LISP_AFI_IPV6)) {
				fprintf(stderr, CTL_PROG " lig: --mr: not an IPv4/IPv6 address\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'c':
			o.count = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 't':
			o.timeout_ms = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'j':
			o.json = true;
			break;
		case 'C': {
			json_error_t jerr;
			json_t *q = json_loads(optarg, JSON_REJECT_DUPLICATES, &jerr);

			if (!json_is_object(q)) {
				fprintf(stderr, CTL_PROG " lig: --constraints: %s\n",
					q ? "must be a JSON object" : jerr.text);
				json_decref(q);
				return CTL_EXIT_USAGE;
			}
			free(o.constraints);
			o.constraints = json_dumps(q, JSON_COMPACT | JSON_ENSURE_ASCII);
			json_decref(q);
			if (!o.constraints || !*o.constraints ||
			    strlen(o.constraints) > LCAF_CONSTRAINTS_MAX) {
				fprintf(stderr, CTL_PROG " lig: --constraints: too long\n");
				return CTL_EXIT_USAGE;
			}
			break;
		}
		case 'T':
			if (lisp_addr_parse(optarg, &root, &err) < 0 ||
			    (root.afi != LISP_AFI_IPV4 && root.afi != LISP_AFI_IPV6)) {
				fprintf(stderr, CTL_PROG " lig: --trace: not an IPv4/IPv6 address\n");
				return CTL_EXIT_USAGE;
			}
			break;
		case 'K':
			key_file = optarg;
			break;
		case 'P':
			prefix_text = optarg;
			break;
		case 'S':
			if (lisp_sec_key_parse(optarg, &sec.aes, sec.key) < 0) {
				fprintf(stderr, CTL_PROG " lig: --lisp-sec-key: none or 32 hex digits\n");
				return CTL_EXIT_USAGE;
			}
			o.sec = &sec;
			break;
		case 'h':
			lig_help(stdout);
			return CTL_EXIT_OK;
		default:
			lig_help(stderr);
			return CTL_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !o.count) {
		lig_help(stderr);
		return CTL_EXIT_USAGE;
	}
	if (lisp_prefix_parse(argv[optind], &o.eid, &err) < 0) {
		fprintf(stderr, CTL_PROG " lig: %s\n", err.msg);
		return CTL_EXIT_USAGE;
	}
	if (iid >= 0)
		o.eid.iid = (uint32_t)iid;
	if (ecdsa_prefix_parse(prefix_text, 0, &cp, &err) < 0) {
		fprintf(stderr, CTL_PROG " lig: --crypto-eid-prefix: %s\n", err.msg);
		return CTL_EXIT_USAGE;
	}
	o.crypto_prefix = (struct lisp_prefix){ .plen = cp.len, .addr.afi = LISP_AFI_IPV6 };
	memcpy(o.crypto_prefix.addr.v6, cp.addr, 16);
	if (key_file && ecdsa_key_load_pem(key_file, &o.ecdsa_key, &why, &err) < 0) {
		fprintf(stderr, CTL_PROG " lig: --ecdsa-key: %s\n", err.msg);
		return CTL_EXIT_FAIL;
	}
	if (root.afi && o.sec) {
		fprintf(stderr, CTL_PROG " lig: --lisp-sec-key is not for --trace (DDT Map-Requests)\n");
		return CTL_EXIT_USAGE;
	}
	if (root.afi)	/* the requests go to the root, then where it refers */
		o.mr = root;
	fd = lig_socket(&o.mr, &local, &port);
	if (fd < 0) {
		fprintf(stderr, CTL_PROG " lig: cannot reach %s: %s\n", argv[optind], strerror(errno));
		return CTL_EXIT_FAIL;
	}
	for (unsigned int i = 0; i < o.count; i++)
		ok += (root.afi ? lig_trace(fd, &o, &local, port)
				: lig_once(fd, &o, &local, port)) == 0;
	close(fd);
	free(o.constraints);
	EVP_PKEY_free(o.ecdsa_key);
	return ok ? CTL_EXIT_OK : CTL_EXIT_FAIL;
}

const struct ctl_cmd ctl_cmd_lig = {
	.name = "lig",
	.args = "EID [--iid N] [--mr ADDR] [--count N] [--timeout MS] [--json] [--constraints JSON] "
		"[--ecdsa-key FILE [--crypto-eid-prefix P]] [--lisp-sec-key KEY] [--trace ROOT]",
	.summary = "send Map-Requests and print each Map-Reply with its round-trip time",
	.run = lig_run,
	.help = lig_help,
};
