# SPDX-License-Identifier: BSD-3-Clause
"""Our decode JSON and tshark's, side by side in tshark's vocabulary.

ours_fields() walks one `lispgw-ctl decode` object in wire order and emits
{tshark field name: [values]}; tshark lists every occurrence of a field in a
frame in the same depth-first order, so the two lists must be equal field by
field.  tshark_frames() runs tshark once over a capture and normalises its
strings (booleans, 0x-hex, decimal, IPv6 text) to the same Python values.
"""

import ipaddress
from collections import defaultdict

from lispgwlab import tshark as tshark_lab  # test_decode.py puts tests/lib on the path

# Fields whose values are byte strings (hex), never numbers.
BYTES_FIELDS = {"lisp.auth", "lisp.xtrid", "lisp.siteid"}


def norm(field, v):
    """One value, from either side, to a comparable Python value."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int) or v is None:
        return v
    if field in BYTES_FIELDS:
        return v.lower().removeprefix("0x")
    if field.endswith(".dn"):
        return v.removeprefix("dn:")
    try:
        return str(ipaddress.ip_address(v))
    except ValueError:
        pass
    try:
        return int(v, 0)
    except ValueError:
        return v


class Fields:
    def __init__(self):
        self.d = defaultdict(list)

    def add(self, field, value):
        self.d[field].append(norm(field, value))


def plain_addr(f, prefix, a, sep="."):
    """AFI + address under tshark's per-context names (prefix.afi, prefix.ipv4 ...);
    a few contexts spell the address field prefix_ipv4 (sep "_")."""
    f.add(prefix + ".afi", a["afi"])
    if a["afi"] == 1:
        f.add(prefix + sep + "ipv4", a["address"])
    elif a["afi"] == 2:
        f.add(prefix + sep + "ipv6", a["address"])
    elif a["afi"] == 17:
        f.add(prefix + ".dn", a["address"])
    elif a["afi"] == 16387:
        lcaf(f, a["lcaf"])


def lcaf(f, node):
    """RFC 8060 nodes as packet-lisp.c names them (JSON is 'not dissected')."""
    f.add("lisp.lcaf.type", node["type"])
    f.add("lisp.lcaf.flags", node["flags"])
    f.add("lisp.lcaf.res2", node["rsvd2"])
    t = node["type"]
    if t == 1:
        for item in node["items"]:
            if item["afi"] == 16387:
                lcaf(f, item["lcaf"])
            else:
                plain_addr(f, "lisp.lcaf.afi_list", item)
    elif t == 2:
        f.add("lisp.lcaf.iid", node["iid"])
        plain_addr(f, "lisp.lcaf.iid", node["address"])
    elif t == 3:
        f.add("lisp.lcaf.asn", node["asn"])
        plain_addr(f, "lisp.lcaf.asn", node["address"])
    elif t == 5:
        for key, name, pos in (("latitude", "lat", "N"), ("longitude", "lon", "E")):
            ang = node[key]
            f.add(f"lisp.lcaf.geo.{name}.hemisphere", int(ang["hemisphere"] == pos))
            f.add(f"lisp.lcaf.geo.{name}.deg", ang["degrees"])
            f.add(f"lisp.lcaf.geo.{name}.min", ang["minutes"])
            f.add(f"lisp.lcaf.geo.{name}.sec", ang["seconds"])
        plain_addr(f, "lisp.lcaf.geo", node["address"])
    elif t == 7:
        f.add("lisp.lcaf.natt.msport", node["ms_port"])
        f.add("lisp.lcaf.natt.etrport", node["etr_port"])
        for r in [node["global_etr_rloc"], node["ms_rloc"], node["private_etr_rloc"]] + \
                node["rtr_rlocs"]:
            plain_addr(f, "lisp.lcaf.natt.rloc", r)
    elif t == 12:
        f.add("lisp.lcaf.srcdst.src.masklen", node["source_mask_len"])
        f.add("lisp.lcaf.srcdst.dst.masklen", node["dest_mask_len"])
        plain_addr(f, "lisp.lcaf.srcdst.src", node["source"])
        plain_addr(f, "lisp.lcaf.srcdst.dst", node["dest"])
    elif t == 15:
        plain_addr(f, "lisp.lcaf.kv_key", node["key"])
        plain_addr(f, "lisp.lcaf.kv_value", node["value"])


def mapping(f, rec):
    record_fields(f, rec, rec["locator_count"], rec["locators"])


def record_fields(f, rec, count, locs):
    """The fields a Map-Reply record and a Map-Referral record share."""
    f.add("lisp.mapping.ttl", rec["ttl"])
    f.add("lisp.mapping.loccnt", count)
    f.add("lisp.mapping.eid.masklen", rec["mask_len"])
    f.add("lisp.mapping.act", rec["action_num"])
    f.add("lisp.mapping.auth", rec["authoritative"])
    f.add("lisp.mapping.ver", rec["map_version"])
    plain_addr(f, "lisp.mapping.eid", rec["eid"])
    locators(f, locs)


def locators(f, locs):
    """A record's locators, or a Map-Referral record's referral set."""
    for loc in locs:
        f.add("lisp.loc.priority", loc["priority"])
        f.add("lisp.loc.weight", loc["weight"])
        f.add("lisp.loc.multicast_priority", loc["m_priority"])
        f.add("lisp.loc.multicast_weight", loc["m_weight"])
        f.add("lisp.loc.flags.local", loc["flags"]["local"])
        f.add("lisp.loc.flags.probe", loc["flags"]["probed"])
        f.add("lisp.loc.flags.reach", loc["flags"]["reachable"])
        f.add("lisp.loc.afi", loc["address"]["afi"])
        if loc["address"]["afi"] == 16387:
            lcaf(f, loc["address"]["lcaf"])
        else:
            f.add("lisp.loc.locator", loc["address"].get("address"))


def referral(f, rec):
    """RFC 8111 record: tshark dissects it as a mapping record with I and SigCnt."""
    f.add("lisp.referral.incomplete", rec["incomplete"])
    f.add("lisp.referral.sigcnt", rec["sig_count"])
    record_fields(f, rec, rec["referral_count"], rec["referrals"])


def ip_hdr(f, version, src, dst):
    pre = "ip" if version == 4 else "ipv6"
    f.add(pre + ".src", src)
    f.add(pre + ".dst", dst)


def ports(f, proto, sport, dport):
    f.add(proto + ".srcport", sport)
    f.add(proto + ".dstport", dport)


def message(f, m):
    t = m["type_num"]
    f.add("lisp.type", t)
    if t == 8:
        f.add("lisp.ecm.flags.sec", m["flags"]["sec"])
        f.add("lisp.ecm.flags.ddt", m["flags"]["ddt"])
        ih = m["inner_header"]
        ip_hdr(f, ih["ip_version"], ih["src"], ih["dst"])
        ports(f, "udp", ih["sport"], ih["dport"])
        message(f, m["message"])
        return
    if t == 5:
        return  # tshark 4.0 shows Map-Notify-Ack (RFC 9301, 5.7) as "Unknown (5)"
    f.add("lisp.nonce", m["nonce"])
    f.add("lisp.records", m["record_count"])
    if t == 6:
        for rec in m["records"]:
            referral(f, rec)
        return
    fl = m["flags"]
    if t == 1:
        f.add("lisp.irc", m["irc"])
        for key, name in (("auth", "authoritative"), ("mrp", "map_data_present"),
                          ("probe", "probe"), ("smr", "smr"), ("pitr", "pitr"),
                          ("smri", "smr_invoked")):
            f.add("lisp.mreq.flags." + key, fl[name])
        src = m["source_eid"]
        plain_addr(f, "lisp.mreq.srceid", src, sep="_" if src["afi"] == 2 else ".")
        for r in m["itr_rlocs"]:
            plain_addr(f, "lisp.mreq.itr_rloc", r, sep="_")
        for r in m["records"]:
            f.add("lisp.mreq.record.prefix.length", r["mask_len"])
            plain_addr(f, "lisp.mreq.record.prefix", r["eid"])
        if "map_reply_record" in m:
            mapping(f, m["map_reply_record"])
        return
    if t == 2:
        f.add("lisp.mrep.flags.probe", fl["probe"])
        f.add("lisp.mrep.flags.enlr", fl["echo_nonce"])
        f.add("lisp.mrep.flags.sec", fl["sec"])
    elif t == 3:
        for key, name in (("pmr", "proxy_reply"), ("sec", "sec"), ("xtrid", "xtr_id_present"),
                          ("rtr", "rtr"), ("wmn", "want_notify")):
            f.add("lisp.mreg.flags." + key, fl[name])
    elif t == 4:
        f.add("lisp.mnot.flags.xtrid", fl["xtr_id_present"])
        f.add("lisp.mnot.flags.rtr", fl["rtr"])
    if t in (3, 4):
        # tshark reads Key ID + Algorithm ID as one 16-bit "Key ID".
        f.add("lisp.keyid", m["key_id"] << 8 | m["alg_id"])
        f.add("lisp.authlen", m["auth_len"])
        if m["auth_len"]:
            f.add("lisp.auth", m["auth_data"])
        if "xtr_id" in m:
            f.add("lisp.xtrid", m["xtr_id"])
            f.add("lisp.siteid", m["site_id"])
    for rec in m["records"]:
        mapping(f, rec)


def inner_packet(f, inner):
    if "ethernet" in inner:
        f.add("eth.src", inner["ethernet"]["src"])
        f.add("eth.dst", inner["ethernet"]["dst"])
    ip = inner.get("ip")
    if ip and ip["version"] in (4, 6):
        ip_hdr(f, ip["version"], ip["src"], ip["dst"])
        if "sport" in ip:
            ports(f, "udp" if ip["protocol"] == 17 else "tcp", ip["sport"], ip["dport"])


def ours_fields(obj):
    """{tshark field: [values]} for one decoded frame."""
    f = Fields()
    link = obj.get("link", {})
    if link.get("type") == "EN10MB":
        f.add("eth.src", link["src"])
        f.add("eth.dst", link["dst"])
    o = obj["outer"]
    ip_hdr(f, o["ip_version"], o["src"], o["dst"])
    ports(f, "udp", o["sport"], o["dport"])
    if "message" in obj:
        message(f, obj["message"])
    if "lisp_data" in obj:
        h = obj["lisp_data"]
        f.add("lisp-data.flags", h["flags_raw"])
        for key, name in (("nonce", "nonce_present"), ("lsb", "lsb_enabled"),
                          ("enr", "echo_nonce_request"), ("mv", "map_version_present"),
                          ("iid", "instance_id_present")):
            f.add("lisp-data.flags." + key, h["flags"][name])
        for key in ("nonce", "iid"):
            if key in h:
                f.add("lisp-data." + key, h[key])
        if "src_map_version" in h:
            f.add("lisp-data.srcmapver", h["src_map_version"])
            f.add("lisp-data.dstmapver", h["dst_map_version"])
        if "lsb" in h:
            f.add("lisp-data.lsb8" if h["flags"]["instance_id_present"] else "lisp-data.lsb",
                  h["lsb"])
    if "vxlan" in obj:
        h = obj["vxlan"]
        f.add("vxlan.flag_g", h["flags"]["gbp_extension"])
        f.add("vxlan.flag_i", h["flags"]["vni_valid"])
        f.add("vxlan.vni", h["vni"])
        gbp = h.get("gbp", {"dont_learn": False, "policy_applied": False, "group_id": 0})
        f.add("vxlan.flag_d", gbp["dont_learn"])
        f.add("vxlan.flag_a", gbp["policy_applied"])
        f.add("vxlan.gbp", gbp["group_id"])
    if "vxlan_gpe" in obj:
        h = obj["vxlan_gpe"]
        f.add("vxlan.ver", h["flags"]["version"])
        f.add("vxlan.i_bit", h["flags"]["instance"])
        f.add("vxlan.p_bit", h["flags"]["next_protocol"])
        f.add("vxlan.o_bit", h["flags"]["oam"])
        f.add("vxlan.next_proto", h["next_protocol"])
        f.add("vxlan.vni", h["vni"])
    if "inner" in obj:
        inner_packet(f, obj["inner"])
    return dict(f.d)


def tshark_frames(tshark, path, fields):
    """{frame number: {field: [normalised values]}} for the given fields."""
    out = {}
    for layers in tshark_lab.layers(path, ["frame.number"] + sorted(fields), tshark=tshark,
                                    checksums=False):
        num = int(layers.pop("frame.number")[0])
        out[num] = {k: [norm(k, v) for v in vals] for k, vals in layers.items()}
    return out
