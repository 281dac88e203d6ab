/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The oracle's expectations, one entry per sample of tests/lib/samples.c.
 * Every value restates what samples.c passed to the encoder; the comments
 * note where Wireshark 4.0.17 reads the wire differently from RFC 9301 and
 * what we assert instead.
 */
#include "oracle_expect.h"

/* SAMPLE_NONCE(n) in samples.c: "lispgw" then the sample's byte. */
#define NONCE(n)	" lisp.nonce=0x6c697370677700" n

#define KEY		"lispgw-sample-key"
#define SHA1		" lisp.keyid=0x0001 lisp.authlen=20 !hmac=sha1:" KEY
#define SHA256		" lisp.keyid=0x0002 lisp.authlen=32 !hmac=sha256:" KEY

/*
 * Wireshark reads Map-Request flags with the RFC 6830 layout: A M P S p s,
 * then 9 "reserved" bits that hold RFC 9301's R, I, L and D.  res is that
 * field shifted right by 5, so the I bit alone reads 0x000080.
 */
#define MREQ_FLAGS(a, m, p, s, pitr, smri, res)                            \
	" lisp.mreq.flags.auth=" a " lisp.mreq.flags.mrp=" m                \
	" lisp.mreq.flags.probe=" p " lisp.mreq.flags.smr=" s               \
	" lisp.mreq.flags.pitr=" pitr " lisp.mreq.flags.smri=" smri        \
	" lisp.mreq.res=" res
#define MREQ(a, m, p, s, pitr, smri, res)	"lisp.type=1" MREQ_FLAGS(a, m, p, s, pitr, smri, res)
#define MREQ_PLAIN	MREQ("0", "0", "0", "0", "0", "0", "0x000000")
#define MREQ_FLAGS_NONE	MREQ_FLAGS("0", "0", "0", "0", "0", "0", "0x000000")

/* mreq_base(): source EID 10.1.1.1, one ITR-RLOC 198.51.100.1. */
#define MREQ_SRC_V4	" lisp.mreq.srceid.afi=1 lisp.mreq.srceid.ipv4=10.1.1.1"
#define MREQ_ITR_V4                                                         \
	" lisp.irc=0 lisp.mreq.itr_rloc.afi=1"                               \
	" lisp.mreq.itr_rloc_ipv4=198.51.100.1 lisp.mreq.itr_rloc_ipv6="
/* mreq_default(): the one record 10.2.0.0/16, no Map-Reply record. */
#define MREQ_REC_DEFAULT                                                    \
	" lisp.records=1 lisp.mreq.record.res=0x00"                          \
	" lisp.mreq.record.prefix.length=16 lisp.mreq.record.prefix.afi=1"   \
	" lisp.mreq.record.prefix.ipv4=10.2.0.0 lisp.mrep.record="
#define MREQ_DEFAULT	MREQ_SRC_V4 MREQ_ITR_V4 MREQ_REC_DEFAULT

#define MREP(p, e)                                                          \
	"lisp.type=2 lisp.mrep.flags.probe=" p " lisp.mrep.flags.enlr=" e   \
	" lisp.mrep.flags.sec=0 lisp.mrep.res=0x000000"

/* mrep_negative(): 10.9.0.0/16, TTL 15, no locators. */
#define MREP_NEG(nonce, act)                                                \
	MREP("0", "0") NONCE(nonce)                                          \
	" lisp.records=1 lisp.mapping.ttl=15 lisp.mapping.loccnt=0"          \
	" lisp.mapping.eid.masklen=16 lisp.mapping.act=" act                 \
	" lisp.mapping.auth=1 lisp.mapping.eid.afi=1"                        \
	" lisp.mapping.eid.ipv4=10.9.0.0 lisp.loc="

/* Map-Register's 16 flag bits; the Key ID + Algorithm ID pair is one
 * 16-bit "Key ID" to Wireshark (see SHA1, SHA256). */
#define MREG(p, i, m)                                                       \
	"lisp.type=3 lisp.mreg.flags.pmr=" p " lisp.mreg.flags.sec=0"       \
	" lisp.mreg.flags.xtrid=" i " lisp.mreg.flags.rtr=0"                 \
	" lisp.mreg.flags.wmn=" m " lisp.mreg.res=0x000000"

#define MNOT(i)                                                             \
	"lisp.type=4 lisp.mnot.flags.xtrid=" i " lisp.mnot.flags.rtr=0"     \
	" lisp.mnot.res=0x000000"

/* One locator as loc() builds it: unicast only (M priority 255). */
#define LOC1(prio, weight, local, probe, reach, afi, rloc)                   \
	" lisp.loc.priority=" prio " lisp.loc.weight=" weight                \
	" lisp.loc.multicast_priority=255 lisp.loc.multicast_weight=0"       \
	" lisp.loc.flags.local=" local " lisp.loc.flags.probe=" probe        \
	" lisp.loc.flags.reach=" reach " lisp.loc.afi=" afi                  \
	" lisp.loc.locator=" rloc

/* A record with one locator. */
#define REC1(ttl, mlen, ver, eid_afi, eid_field, eid)                        \
	" lisp.mapping.ttl=" ttl " lisp.mapping.loccnt=1"                    \
	" lisp.mapping.eid.masklen=" mlen " lisp.mapping.act=0"              \
	" lisp.mapping.auth=1 lisp.mapping.ver=" ver                         \
	" lisp.mapping.eid.afi=" eid_afi " " eid_field "=" eid

/* mreg_lcaf_rloc(): 10.4.0.0/24 with one locator whose address is an LCAF
 * (Wireshark shows no lisp.loc.locator string for those). */
#define MREG_LCAF(nonce, type, len)                                          \
	MREG("0", "0", "1") NONCE(nonce) SHA256 " lisp.records=1"            \
	REC1("1440", "24", "0", "1", "lisp.mapping.eid.ipv4", "10.4.0.0")   \
	" lisp.loc.priority=1 lisp.loc.weight=100 lisp.loc.flags.local=1"    \
	" lisp.loc.flags.reach=1 lisp.loc.afi=16387 lisp.loc.locator="       \
	" lisp.lcaf.type=" type " lisp.lcaf.length=" len                     \
	" lisp.lcaf.res1=0x00 lisp.lcaf.flags=0x00 lisp.lcaf.res2=0x00"

/* Map-Referral header (RFC 8111, section 6): 20 reserved bits, count. */
#define MREF(nonce, count)                                                   \
	"lisp.type=6 lisp.mref.res=0x000000" NONCE(nonce) " lisp.records=" count

/* A Map-Referral record: Wireshark names the referral count "loccnt" and
 * dissects the referral set as locators; SigCnt is 0 in every sample (it
 * shows Sig sections as undissected data). */
#define MREF_REC(ttl, refs, mlen, act, auth, inc, ver, eid_afi, eid_field, eid) \
	" lisp.mapping.ttl=" ttl " lisp.mapping.loccnt=" refs                \
	" lisp.mapping.eid.masklen=" mlen " lisp.mapping.act=" act           \
	" lisp.mapping.auth=" auth " lisp.referral.incomplete=" inc          \
	" lisp.referral.sigcnt=0 lisp.mapping.ver=" ver                      \
	" lisp.mapping.eid.afi=" eid_afi " " eid_field "=" eid

/* "lispgw sample payload" inside every data-plane sample. */
#define PAYLOAD		" data.data=6c69737067772073616d706c65207061796c6f6164"
#define INNER4                                                               \
	" ip.src=10.1.1.1 ip.dst=10.2.2.2 ip.ttl=64 udp.srcport=40000"       \
	" udp.dstport=9" PAYLOAD
#define INNER6                                                               \
	" ipv6.src=2001:db8:1::1 ipv6.dst=2001:db8:2::2 ipv6.hlim=64"        \
	" udp.srcport=40000 udp.dstport=9" PAYLOAD
#define INNER_ETH                                                            \
	" eth.src=02:00:00:00:00:01 eth.dst=02:00:00:00:00:02 eth.type=0x0800" INNER4

#define LDATA(flags, n, l, e, v, i)                                          \
	"lisp-data.flags=" flags " lisp-data.flags.nonce=" n                 \
	" lisp-data.flags.lsb=" l " lisp-data.flags.enr=" e                  \
	" lisp-data.flags.mv=" v " lisp-data.flags.iid=" i                   \
	" lisp-data.flags.res=0x00"

#define VXLAN(flags, g, d, a, gbp, vni)                                      \
	"vxlan.flags=" flags " vxlan.flag_g=" g " vxlan.flag_i=1"           \
	" vxlan.flag_d=" d " vxlan.flag_a=" a " vxlan.gbp=" gbp              \
	" vxlan.vni=" vni " vxlan.reserved8=0"

#define GPE(np, vni)                                                         \
	"vxlan.flags=0x0c vxlan.ver=0 vxlan.i_bit=1 vxlan.p_bit=1"           \
	" vxlan.o_bit=0 vxlan.reserved_16=0 vxlan.next_proto=" np            \
	" vxlan.vni=" vni " vxlan.reserved8=0"

const struct oracle_expect oracle_expect[] = {
	/* ---- Map-Request ---- */
	{ "map-request-v4", "lisp", MREQ_PLAIN NONCE("01") MREQ_DEFAULT },
	{ "map-request-authoritative", "lisp",
	  MREQ("1", "0", "0", "0", "0", "0", "0x000000") NONCE("02") MREQ_DEFAULT },
	{ "map-request-smr", "lisp",
	  MREQ("0", "0", "0", "1", "0", "0", "0x000000") NONCE("03") MREQ_SRC_V4 MREQ_ITR_V4
	  " lisp.records=1 lisp.mreq.record.res=0x00 lisp.mreq.record.prefix.length=32"
	  " lisp.mreq.record.prefix.afi=1 lisp.mreq.record.prefix.ipv4=10.2.2.2" },
	{ "map-request-rloc-probe", "lisp",
	  MREQ("0", "0", "1", "0", "0", "0", "0x000000") NONCE("04")
	  " lisp.mreq.srceid.afi=0 lisp.mreq.srceid.ipv4=" MREQ_ITR_V4 MREQ_REC_DEFAULT },
	{ "map-request-smr-invoked", "lisp",
	  MREQ("0", "0", "0", "0", "0", "1", "0x000000") NONCE("05") MREQ_DEFAULT },
	{ "map-request-pitr", "lisp",
	  MREQ("0", "0", "0", "0", "1", "0", "0x000000") NONCE("06") MREQ_DEFAULT },
	{ "map-request-map-data", "lisp",
	  MREQ("0", "1", "0", "0", "0", "0", "0x000000") NONCE("07") MREQ_SRC_V4 MREQ_ITR_V4
	  " lisp.records=1 lisp.mreq.record.prefix.length=16 lisp.mreq.record.prefix.ipv4=10.2.0.0"
	  " lisp.mrep.record=1"
	  REC1("1440", "24", "0", "1", "lisp.mapping.eid.ipv4", "10.1.1.0")
	  LOC1("1", "100", "1", "0", "1", "1", "198.51.100.1") },
	/* Wireshark knows no Map-Request I bit: it shows it among the reserved
	 * bits and the xTR-ID + site-ID as 24 undissected bytes at the end. */
	{ "map-request-xtr-id", "lisp:data",
	  MREQ("0", "0", "0", "0", "0", "0", "0x000080") NONCE("08") MREQ_DEFAULT
	  " data.len=24 data.data=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf5173000000000001" },
	/* The N bit is the top bit of the record's reserved byte. */
	{ "map-request-notify-record", "lisp",
	  MREQ_PLAIN NONCE("09") MREQ_SRC_V4 MREQ_ITR_V4
	  " lisp.records=1 lisp.mreq.record.res=0x80 lisp.mreq.record.prefix.length=16"
	  " lisp.mreq.record.prefix.afi=1 lisp.mreq.record.prefix.ipv4=10.2.0.0" },
	{ "map-request-3rec", "lisp",
	  MREQ_PLAIN NONCE("0a") MREQ_SRC_V4 MREQ_ITR_V4
	  " lisp.records=3 lisp.mreq.record.res=0x00,0x00,0x80"
	  " lisp.mreq.record.prefix.length=24,48,32 lisp.mreq.record.prefix.afi=1,2,1"
	  " lisp.mreq.record.prefix.ipv4=10.3.0.0,10.3.3.3"
	  " lisp.mreq.record.prefix.ipv6=2001:db8:3::" },
	{ "map-request-itr-v4v6", "lisp",
	  MREQ_PLAIN NONCE("0b")
	  " lisp.mreq.srceid.afi=2 lisp.mreq.srceid_ipv6=2001:db8:1::1"
	  " lisp.irc=2 lisp.mreq.itr_rloc.afi=1,2,1"
	  " lisp.mreq.itr_rloc_ipv4=198.51.100.1,198.51.100.2"
	  " lisp.mreq.itr_rloc_ipv6=2001:db8:ffff::1"
	  " lisp.records=1 lisp.mreq.record.prefix.length=64 lisp.mreq.record.prefix.afi=2"
	  " lisp.mreq.record.prefix.ipv6=2001:db8:2::" },
	/* Source EID first, then the two record EIDs, all IID LCAFs. */
	{ "map-request-iid", "lisp",
	  MREQ_PLAIN NONCE("0c") " lisp.mreq.srceid.afi=16387" MREQ_ITR_V4
	  " lisp.records=2 lisp.mreq.record.prefix.length=16,48"
	  " lisp.mreq.record.prefix.afi=16387,16387 lisp.lcaf.type=2,2,2"
	  " lisp.lcaf.res2=0x00,0x00,0x00 lisp.lcaf.length=10,10,22"
	  " lisp.lcaf.header=00000200000a,00000200000a,000002000016"
	  " lisp.lcaf.iid=1000,1000,7 lisp.lcaf.iid.afi=1,1,2"
	  " lisp.lcaf.iid.ipv4=10.1.1.1,10.2.0.0 lisp.lcaf.iid.ipv6=2001:db8:7::" },
	{ "map-request-dn", "lisp",
	  MREQ_PLAIN NONCE("0d") MREQ_SRC_V4 MREQ_ITR_V4
	  " lisp.records=1 lisp.mreq.record.prefix.length=0 lisp.mreq.record.prefix.afi=17"
	  " lisp.mreq.record.prefix.dn=agent-planner-7" },

	/* ---- Map-Reply ---- */
	{ "map-reply-2rec", "lisp",
	  MREP("0", "0") NONCE("20")
	  " lisp.records=2 lisp.mapping.ttl=1440,60 lisp.mapping.loccnt=3,1"
	  " lisp.mapping.eid.masklen=16,24 lisp.mapping.act=0,0 lisp.mapping.auth=1,0"
	  " lisp.mapping.ver=5,0 lisp.mapping.eid.afi=1,1"
	  " lisp.mapping.eid.ipv4=10.1.0.0,10.3.0.0"
	  " lisp.loc.priority=1,1,2,5 lisp.loc.weight=50,50,100,10"
	  " lisp.loc.multicast_priority=255,255,255,255 lisp.loc.multicast_weight=0,0,0,0"
	  " lisp.loc.flags=0x0005,0x0001,0x0000,0x0001 lisp.loc.flags.local=1,0,0,0"
	  " lisp.loc.flags.probe=0,0,0,0 lisp.loc.flags.reach=1,1,0,1 lisp.loc.afi=1,1,1,1"
	  " lisp.loc.locator=198.51.100.1,198.51.100.2,203.0.113.9,198.51.100.3" },
	{ "map-reply-negative-no-action", "lisp", MREP_NEG("21", "0") },
	{ "map-reply-negative-native-forward", "lisp", MREP_NEG("22", "1") },
	{ "map-reply-negative-send-map-request", "lisp", MREP_NEG("23", "2") },
	{ "map-reply-negative-drop", "lisp", MREP_NEG("24", "3") },
	{ "map-reply-negative-drop-policy", "lisp", MREP_NEG("25", "4") },
	{ "map-reply-negative-drop-auth", "lisp", MREP_NEG("26", "5") },
	{ "map-reply-probe-echo", "lisp",
	  MREP("1", "1") NONCE("27") " lisp.records=1"
	  REC1("1440", "32", "0", "1", "lisp.mapping.eid.ipv4", "10.1.1.1")
	  " lisp.loc.flags=0x0007" LOC1("1", "100", "1", "1", "1", "1", "198.51.100.1") },
	{ "map-reply-v6", "lisp",
	  MREP("0", "0") NONCE("28")
	  " lisp.records=1 lisp.mapping.ttl=720 lisp.mapping.loccnt=2"
	  " lisp.mapping.eid.masklen=48 lisp.mapping.act=0 lisp.mapping.auth=0"
	  " lisp.mapping.ver=4095 lisp.mapping.eid.afi=2 lisp.mapping.eid.ipv6=2001:db8:1::"
	  " lisp.loc.priority=1,1 lisp.loc.weight=70,30 lisp.loc.flags.local=0,0"
	  " lisp.loc.flags.reach=1,1 lisp.loc.afi=2,1"
	  " lisp.loc.locator=2001:db8:ffff::1,198.51.100.7" },
	{ "map-reply-iid", "lisp",
	  MREP("0", "0") NONCE("29")
	  " lisp.records=2 lisp.mapping.ttl=1440,1440 lisp.mapping.eid.masklen=16,48"
	  " lisp.mapping.eid.afi=16387,16387 lisp.lcaf.type=2,2 lisp.lcaf.length=10,22"
	  " lisp.lcaf.iid=5000,5000 lisp.lcaf.iid.afi=1,2 lisp.lcaf.iid.ipv4=10.1.0.0"
	  " lisp.lcaf.iid.ipv6=2001:db8:5:: lisp.loc.locator=198.51.100.5,198.51.100.5" },

	/* ---- Map-Register ---- */
	{ "map-register-sha1", "lisp",
	  MREG("0", "0", "1") NONCE("40") SHA1 " lisp.records=1"
	  REC1("1440", "16", "0", "1", "lisp.mapping.eid.ipv4", "10.1.0.0")
	  LOC1("1", "100", "1", "0", "1", "1", "198.51.100.1") " lisp.xtrid= lisp.siteid=" },
	{ "map-register-sha256-v4v6", "lisp",
	  MREG("0", "0", "0") NONCE("41") SHA256
	  " lisp.records=2 lisp.mapping.ttl=1440,1440 lisp.mapping.loccnt=2,2"
	  " lisp.mapping.eid.masklen=16,48 lisp.mapping.eid.afi=1,2"
	  " lisp.mapping.eid.ipv4=10.1.0.0 lisp.mapping.eid.ipv6=2001:db8:1::"
	  " lisp.loc.priority=1,2,1,2 lisp.loc.afi=1,2,1,2"
	  " lisp.loc.locator=198.51.100.1,2001:db8:ffff::1,198.51.100.1,2001:db8:ffff::1" },
	{ "map-register-pmi-xtr-id", "lisp",
	  MREG("1", "1", "1") NONCE("42") SHA256
	  " lisp.records=2 lisp.mapping.eid.masklen=24,56 lisp.mapping.ver=17,17"
	  " lisp.mapping.eid.afi=1,2 lisp.mapping.eid.ipv4=10.2.2.0"
	  " lisp.mapping.eid.ipv6=2001:db8:2:200:: lisp.loc.weight=60,40,60,40"
	  " lisp.loc.locator=2001:db8:ffff::2,198.51.100.2,2001:db8:ffff::2,198.51.100.2"
	  " lisp.xtrid=101112131415161718191a1b1c1d1e1f lisp.siteid=5173000000000002" },
	{ "map-register-iid-v6-3rec", "lisp",
	  MREG("0", "0", "1") NONCE("43") SHA1
	  " lisp.records=3 lisp.mapping.eid.masklen=16,48,16"
	  " lisp.mapping.eid.afi=16387,16387,16387 lisp.lcaf.type=2,2,2"
	  " lisp.lcaf.length=10,22,10 lisp.lcaf.iid=1000,1000,2000 lisp.lcaf.iid.afi=1,2,1"
	  " lisp.lcaf.iid.ipv4=10.1.0.0,10.1.0.0 lisp.lcaf.iid.ipv6=2001:db8:a::"
	  " lisp.loc.afi=2,2,2"
	  " lisp.loc.locator=2001:db8:ffff::3,2001:db8:ffff::3,2001:db8:ffff::3" },
	/* Wireshark cannot read a JSON LCAF body: we check its header and
	 * length (2 + 26 bytes of JSON + AFI 1 + 4) and allow the warning. */
	{ "map-register-rloc-json", "lisp",
	  MREG_LCAF("44", "14", "34") " lisp.lcaf.header=00000e000022 lisp.undecoded=1"
	  " !allow=undecoded" },
	{ "map-register-rloc-afi-list", "lisp",
	  MREG_LCAF("45", "1", "24") " lisp.lcaf.afi_list.afi=1,2"
	  " lisp.lcaf.afi_list.ipv4=198.51.100.11 lisp.lcaf.afi_list.ipv6=2001:db8:ffff::11" },
	{ "map-register-rloc-geo", "lisp",
	  MREG_LCAF("46", "5", "18")
	  " lisp.lcaf.geo.lat.hemisphere=1 lisp.lcaf.geo.lat.deg=37 lisp.lcaf.geo.lat.min=24"
	  " lisp.lcaf.geo.lat.sec=41 lisp.lcaf.geo.lon.hemisphere=0 lisp.lcaf.geo.lon.deg=122"
	  " lisp.lcaf.geo.lon.min=4 lisp.lcaf.geo.lon.sec=56 lisp.lcaf.geo.afi=1"
	  " lisp.lcaf.geo.ipv4=198.51.100.12" },
	{ "map-register-rloc-nat", "lisp",
	  MREG_LCAF("47", "7", "34")
	  " lisp.lcaf.natt.msport=4342 lisp.lcaf.natt.etrport=61000"
	  " lisp.lcaf.natt.rloc.afi=1,1,1,1,1"
	  " lisp.lcaf.natt.rloc.ipv4=203.0.113.20,198.51.100.100,10.0.0.5,203.0.113.30,203.0.113.31" },
	{ "map-register-rloc-kv", "lisp",
	  MREG_LCAF("48", "15", "16")
	  " lisp.lcaf.kv_key.afi=17 lisp.lcaf.kv_key.dn=rack-12"
	  " lisp.lcaf.kv_value.afi=1 lisp.lcaf.kv_value.ipv4=198.51.100.13" },
	{ "map-register-srcdst-eid", "lisp",
	  MREG("0", "0", "1") NONCE("49") SHA1
	  " lisp.records=1 lisp.mapping.eid.masklen=24 lisp.mapping.eid.afi=16387"
	  " lisp.lcaf.type=12 lisp.lcaf.length=16 lisp.lcaf.srcdst.res=0x0000"
	  " lisp.lcaf.srcdst.src.masklen=16 lisp.lcaf.srcdst.dst.masklen=24"
	  " lisp.lcaf.srcdst.src.afi=1 lisp.lcaf.srcdst.src.ipv4=10.5.0.0"
	  " lisp.lcaf.srcdst.dst.afi=1 lisp.lcaf.srcdst.dst.ipv4=10.6.6.0"
	  LOC1("1", "100", "1", "0", "1", "1", "198.51.100.14") },

	/* ---- Map-Notify, Map-Notify-Ack ---- */
	{ "map-notify", "lisp",
	  MNOT("0") NONCE("40") SHA1 " lisp.records=1"
	  REC1("1440", "16", "0", "1", "lisp.mapping.eid.ipv4", "10.1.0.0")
	  LOC1("1", "100", "1", "0", "1", "1", "198.51.100.1") " lisp.xtrid=" },
	{ "map-notify-xtr-id", "lisp",
	  MNOT("1") NONCE("42") SHA256 " lisp.records=1"
	  REC1("1440", "24", "18", "16387", "lisp.lcaf.iid", "1000")
	  " lisp.lcaf.iid.ipv4=10.2.2.0"
	  LOC1("1", "100", "1", "0", "1", "2", "2001:db8:ffff::2")
	  " lisp.xtrid=101112131415161718191a1b1c1d1e1f lisp.siteid=5173000000000002" },
	/* Wireshark 4.0 has no type 5 (RFC 9301, 5.7): the whole message is
	 * data, so we check its first 16 bytes and the HMAC ourselves. */
	{ "map-notify-ack", "lisp:data",
	  "lisp.type=5 lisp.nonce= data.len=64"
	  " data.data^=500000016c6973706777004000010014"
	  " !hmac=sha1:" KEY },

	/* ---- Encapsulated Control Message ---- */
	{ "ecm-v4-map-request", "lisp:ip:udp:lisp",
	  "lisp.type=8,1 lisp.ecm.flags.sec=0 lisp.ecm.flags.ddt=0 lisp.ecm.res=0x00000000"
	  " ip.src=10.1.1.1 ip.dst=10.2.2.2 ip.ttl=32 udp.srcport=61001 udp.dstport=4342"
	  MREQ_FLAGS_NONE NONCE("60") MREQ_DEFAULT },
	/* RFC 8111's M bit (to Map-Server) is a reserved bit to Wireshark. */
	{ "ecm-v6-map-request", "lisp:ipv6:udp:lisp",
	  "lisp.type=8,1 lisp.ecm.flags.sec=0 lisp.ecm.flags.ddt=0 lisp.ecm.res=0x01000000"
	  " ipv6.src=2001:db8:1::1 ipv6.dst=2001:db8:2::2 ipv6.hlim=32 udp.srcport=61001"
	  " udp.dstport=4342" MREQ_FLAGS_NONE NONCE("61")
	  " lisp.mreq.srceid.afi=2 lisp.mreq.srceid_ipv6=2001:db8:1::1" MREQ_ITR_V4
	  " lisp.records=1 lisp.mreq.record.prefix.length=128 lisp.mreq.record.prefix.afi=2"
	  " lisp.mreq.record.prefix.ipv6=2001:db8:2::2" },

	/* ---- LISP data (24-bit fields print in decimal) ---- */
	{ "lisp-data-nonce", "lisp-data:ip:udp:data",
	  LDATA("0x80", "1", "0", "0", "0", "0") " lisp-data.nonce=11259375"
	  " lisp-data.lsb= lisp-data.iid=" INNER4 },
	{ "lisp-data-lsb", "lisp-data:ip:udp:data",
	  LDATA("0xc0", "1", "1", "0", "0", "0") " lisp-data.nonce=1193046"
	  " lisp-data.lsb=0x00000003 lisp-data.iid=" INNER4 },
	{ "lisp-data-iid", "lisp-data:ip:udp:data",
	  LDATA("0xc8", "1", "1", "0", "0", "1") " lisp-data.nonce=6636321"
	  " lisp-data.iid=1000 lisp-data.lsb8=0x05 lisp-data.lsb=" INNER4 },
	{ "lisp-data-map-version-v6", "lisp-data:ipv6:udp:data",
	  LDATA("0x18", "0", "0", "0", "1", "1") " lisp-data.srcmapver=291"
	  " lisp-data.dstmapver=1110 lisp-data.iid=11259375 lisp-data.nonce=" INNER6 },
	{ "lisp-data-echo-nonce-v6", "lisp-data:ipv6:udp:data",
	  LDATA("0xa0", "1", "0", "1", "0", "0") " lisp-data.nonce=921102" INNER6 },

	/* ---- VXLAN, VXLAN-GPE ---- */
	{ "vxlan", "vxlan:eth:ethertype:ip:udp:data",
	  VXLAN("0x0800", "0", "0", "0", "0", "4096") INNER_ETH },
	{ "vxlan-gbp", "vxlan:eth:ethertype:ip:udp:data",
	  VXLAN("0x8848", "1", "1", "1", "4660", "5000") INNER_ETH },
	/* Wireshark's GPE dissector adds its fields but not its name to
	 * frame.protocols. */
	{ "vxlan-gpe-ipv4", "ip:udp:data", GPE("1", "100") INNER4 },
	{ "vxlan-gpe-ipv6", "ipv6:udp:data", GPE("2", "200") INNER6 },
	{ "vxlan-gpe-ethernet", "eth:ethertype:ip:udp:data", GPE("3", "300") INNER_ETH },
	/* ---- LISP-DDT (RFC 8111): the D bit, a Map-Referral per action ---- */
	{ "ecm-ddt-map-request", "lisp:ip:udp:lisp",
	  "lisp.type=8,1 lisp.ecm.flags.sec=0 lisp.ecm.flags.ddt=1 lisp.ecm.res=0x00000000"
	  " ip.src=10.1.1.1 ip.dst=10.2.2.2 ip.ttl=32 udp.srcport=61001 udp.dstport=4342"
	  MREQ_FLAGS_NONE NONCE("62") MREQ_DEFAULT },
	{ "map-referral-node-referral", "lisp",
	  MREF("80", "1")
	  MREF_REC("1440", "2", "8", "0", "1", "0", "0", "1", "lisp.mapping.eid.ipv4", "10.0.0.0")
	  " lisp.loc.priority=1,1 lisp.loc.weight=50,50"
	  " lisp.loc.multicast_priority=255,255 lisp.loc.multicast_weight=0,0"
	  " lisp.loc.flags.local=0,0 lisp.loc.flags.probe=0,0 lisp.loc.flags.reach=1,1"
	  " lisp.loc.afi=1,2 lisp.loc.locator=198.51.100.31,2001:db8:ffff::31" },
	{ "map-referral-ms-referral", "lisp",
	  MREF("81", "1")
	  MREF_REC("1440", "3", "40", "1", "1", "0", "0", "2", "lisp.mapping.eid.ipv6",
		   "2001:db8:100::")
	  " lisp.loc.priority=1,1,2 lisp.loc.weight=50,50,100"
	  " lisp.loc.flags.reach=1,1,0 lisp.loc.afi=1,1,2"
	  " lisp.loc.locator=198.51.100.41,198.51.100.42,2001:db8:ffff::43" },
	{ "map-referral-ms-ack-iid", "lisp",
	  MREF("82", "1")
	  MREF_REC("1440", "1", "16", "2", "1", "1", "7", "16387", "lisp.lcaf.iid", "1000")
	  " lisp.lcaf.iid.ipv4=10.1.0.0"
	  LOC1("1", "100", "0", "0", "1", "1", "198.51.100.51") },
	{ "map-referral-ms-not-registered", "lisp",
	  MREF("83", "1")
	  MREF_REC("1", "1", "48", "3", "1", "1", "0", "16387", "lisp.lcaf.iid", "2")
	  " lisp.lcaf.iid.ipv6=2001:db8:2::"
	  LOC1("1", "100", "0", "0", "1", "2", "2001:db8:ffff::61") },
	{ "map-referral-delegation-hole", "lisp",
	  MREF("84", "1")
	  MREF_REC("15", "0", "10", "4", "1", "0", "0", "1", "lisp.mapping.eid.ipv4", "10.64.0.0")
	  " lisp.loc=" },
	/* Two records: each field lists both, in order. */
	{ "map-referral-not-authoritative", "lisp",
	  MREF("85", "2")
	  " lisp.mapping.ttl=0,0 lisp.mapping.loccnt=0,0 lisp.mapping.eid.masklen=32,128"
	  " lisp.mapping.act=5,5 lisp.mapping.auth=0,0 lisp.referral.incomplete=1,1"
	  " lisp.referral.sigcnt=0,0 lisp.mapping.eid.afi=1,2"
	  " lisp.mapping.eid.ipv4=203.0.113.7 lisp.mapping.eid.ipv6=2001:db8:dead::1"
	  " lisp.loc=" },
};

const size_t oracle_expect_count = sizeof(oracle_expect) / sizeof(oracle_expect[0]);
