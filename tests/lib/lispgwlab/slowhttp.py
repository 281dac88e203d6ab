# SPDX-License-Identifier: BSD-3-Clause
"""Slow HTTP clients, the slowloris kind (docs/security.md "REST under slow
clients"): TCP connections to a REST API that send their request a byte at
a time, so that the server holds a connection for each while they last.

    'head'  a request head that never ends: one more header byte a step;
    'body'  a whole head announcing a 60,000-byte body (no token: the
            server reads it to answer 401), then one body byte a step.

A Herd keeps n of them open: each step it sends every connection one more
byte, and one that the server closed (the end of the stream, or a reset) is
counted and opened again at once, as an attacker would."""
import errno
import socket

HEAD = b"GET /metrics HTTP/1.1\r\nHost: lispgw\r\n"
BODY_HEAD = (b"POST /api/v1/mappings HTTP/1.1\r\nHost: lispgw\r\n"
             b"Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n")


def connect(addr, port, src=None, timeout=2.0):
    """A TCP connection to addr:port, from src when given (a loopback test
    picks its client address); raises OSError when refused."""
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        if src:
            s.bind((src, 0))
        s.connect((addr, port))
    except OSError:
        s.close()
        raise
    return s


def closed_by_peer(s):
    """True when the server ended the stream or reset the connection."""
    s.setblocking(False)
    try:
        return s.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        s.settimeout(2.0)


class Slow:
    """One slow client: its socket and what it sends next."""

    def __init__(self, sock, kind):
        self.sock, self.kind, self.sent = sock, kind, 0
        if kind == "body":
            sock.sendall(BODY_HEAD)
        else:
            sock.sendall(HEAD[:1])
            self.sent = 1

    def step(self):
        """One more byte; False when the server closed the connection."""
        if closed_by_peer(self.sock):
            return False
        if self.kind == "head":
            byte = HEAD[self.sent:self.sent + 1] if self.sent < len(HEAD) else b"X"
        else:
            byte = b" "
        try:
            self.sock.send(byte)
        except OSError as e:
            if e.errno in (errno.EPIPE, errno.ECONNRESET):
                return False
            raise
        self.sent += 1
        return True

    def close(self):
        self.sock.close()


class Herd:
    """n slow clients of the given kinds (alternating) to addr:port.  opener,
    when given, opens each socket (attack: inside a namespace); else
    connect(addr, port, src)."""

    def __init__(self, addr, port, n, kinds=("head",), src=None, opener=None):
        self.addr, self.port, self.src = addr, port, src
        self.opener = opener or (lambda: connect(addr, port, src))
        self.kinds = kinds
        self.closed = 0         # connections the server closed
        self.failed = 0         # connections that could not be opened again
        self.clients = [self.open(i) for i in range(n)]

    def open(self, i):
        try:
            return Slow(self.opener(), self.kinds[i % len(self.kinds)])
        except OSError:
            self.failed += 1
            return None

    def step(self):
        """One byte on each; reopens those closed.  Returns how many the
        server closed since the last step."""
        closed = 0
        for i, c in enumerate(self.clients):
            if c is not None and c.step():
                continue
            if c is not None:
                c.close()
                closed += 1
            self.clients[i] = self.open(i)
        self.closed += closed
        return closed

    def open_count(self):
        return sum(c is not None for c in self.clients)

    def close(self):
        for c in self.clients:
            if c is not None:
                c.close()
        self.clients = []
