/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `lispgw-ctl decode`: captured frames to JSON.  The per-frame entry point
 * takes nothing but bytes and a link type so that a libFuzzer target, the
 * CLI and later tools (a live `lispgw-ctl watch`) all drive the same code.
 *
 * Output contract, one object per frame (keys in this order):
 *   frame      1-based, as Wireshark numbers frames
 *   link       link-layer type name, MACs and VLAN tags where the frame has them
 *   outer      outer IP version, addresses, TTL, UDP ports and payload length
 *   protocol   "lisp-control" | "lisp-data" | "vxlan" | "vxlan-gpe"
 *   message    control messages (ECMs nest their inner message)
 *   lisp_data / vxlan / vxlan_gpe, inner   data-plane headers and inner packet
 *   error      present only when the packet is malformed: the codec's reason
 * Frames that carry none of the four protocols come back as
 *   {"frame":N,"skipped":"not LISP/VXLAN"}
 */
#ifndef LISPGW_CTL_DECODE_H
#define LISPGW_CTL_DECODE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_SKIPPED_TEXT	"not LISP/VXLAN"

/*
 * Decodes one captured frame.  linktype is the DLT_* value pcap_datalink()
 * returns.  Never fails on packet contents (malformed packets give an
 * "error" member); NULL only when memory runs out.  Caller owns the result.
 */
json_t *decode_frame_json(int linktype, const uint8_t *frame, size_t len, unsigned long frame_no);

/* True for the {"frame":N,"skipped":...} line of a non-LISP frame. */
bool decode_json_is_skipped(const json_t *obj);

/* True when decode_frame_json() understands frames of this link type. */
bool decode_linktype_supported(int linktype);

struct decode_opts {
	bool all;	/* also print a line for each skipped frame */
};

/*
 * Reads a pcap or pcapng file and writes one JSON line per frame to out.
 * Returns 0 when the whole file was read (malformed packets included);
 * -EIO when it cannot be opened or is cut short (the frames before the cut
 * are written), -EPROTONOSUPPORT for a link type we do not parse, -ENOMEM;
 * each with a sentence in errbuf.
 */
int decode_pcap_file(const char *path, const struct decode_opts *opts, FILE *out,
		     char *errbuf, size_t errlen);

#endif
