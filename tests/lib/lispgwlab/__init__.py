# SPDX-License-Identifier: BSD-3-Clause
"""lispgwlab: the one test lab (docs/testing.md) that every integration,
REST, data-plane and bench script and the demo use.

    check     Checks: counts and names failures, one exit code
    netns     network namespaces, veths, bridges; sh(), unavailable(), mac_of()
    daemons   lispgw-cp / lispgw-dp processes with logs, waits, stop;
              lispgw-dp's counters lines and DPDK telemetry socket
    privs     the account lispgw-cp drops root for, and its folders
    loopback  lispgw-cp daemons on 127.B.0.x with python ITR/ETR sockets
    xtr       the namespace xTR lab (MS/MR, xTRs, hosts, move, ping, TCP)
    attack    the attack lab: victim and attacker namespaces, spoofed packets
              crafted with scapy, memory and link-byte oracles (tests/attack)
    rest      one REST client (Api, http or https) and the OpenAPI-checked
              REST lab
    tls       test CAs and server certificates made with openssl (REST over
              TLS, docs/security.md)
    openapi   docs/openapi.yaml as a validator
    wire      LISP control-message builders and parsers
    tshark    captures that wait for "Capturing on", field extraction
    pcap      pcap files written and read without scapy
    dpnet     one lispgw-dp between a host and a reflecting remote xTR
              (several workers, capture: dp-multiworker, dp-pdump)
    ecdsa     crypto-EIDs, hash-EIDs and ECDSA records derived independently
              with python3-cryptography (docs/ecdsa.md)
    lispsec   LISP-SEC (RFC 9303) ECM and Map-Reply data made and checked
              independently with python3-cryptography (docs/security.md)

Scripts import it with sys.path.insert(0, <repo>/tests/lib)."""
import os

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
