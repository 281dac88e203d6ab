#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The attack lab's sender, run inside the attacker namespace by
attack.Lab.send(): writes each frame of FILE (2-byte length, then the
Ethernet frame) to IFACE with an AF_PACKET socket, as fast as it can or at
RATE frames per second, and prints how many went out.

Usage: attack_send.py IFACE FILE RATE   (RATE 0: no pacing)"""
import socket
import struct
import sys
import time

BATCH = 64   # frames between two looks at the clock when pacing


def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    off = 0
    while off + 2 <= len(data):
        n = struct.unpack_from("!H", data, off)[0]
        yield data[off + 2:off + 2 + n]
        off += 2 + n


def main():
    iface, path, rate = sys.argv[1], sys.argv[2], float(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = 0
    start = time.monotonic()
    for frame in frames(path):
        while True:
            try:
                s.send(frame)
                break
            except BlockingIOError:
                time.sleep(0.0005)   # the veth's queue is full: wait, never drop here
        sent += 1
        if rate and sent % BATCH == 0:
            ahead = sent / rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)
    print(sent, "%.3f" % (time.monotonic() - start))


if __name__ == "__main__":
    main()
