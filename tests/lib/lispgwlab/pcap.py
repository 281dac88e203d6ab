# SPDX-License-Identifier: BSD-3-Clause
"""Classic pcap files without scapy: what net_pcap replays and what tests
write by hand, read back as raw frames (decoding is tshark's job)."""
import struct

MAGIC = 0xa1b2c3d4
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101          # raw IP, no link header


def write(path, frames, linktype=LINKTYPE_ETHERNET, stamp=lambda i: (0, 0)):
    """frames (bytes) to path; stamp(i) is frame i's (seconds, microseconds)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", MAGIC, 2, 4, 0, 0, 65535, linktype))
        for i, fr in enumerate(frames):
            sec, usec = stamp(i)
            f.write(struct.pack("<IIII", sec, usec, len(fr), len(fr)) + fr)


def read(path):
    """The raw frames of a pcap file, either byte order, micro or nano
    second stamps."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, out = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out
