#!/usr/bin/env python3
"""A stand-in for Docker Swarm's embedded DNS server (127.0.0.11), for tests on loopback.

Answers A queries for the names in a JSON file ({"tasks.lb_web": ["127.0.0.2", ...]}),
re-read on every query so that a test can scale a service by rewriting the file. AAAA
queries for a known name get an empty answer (as Swarm's DNS gives on IPv4-only overlay
networks); unknown names get NXDOMAIN. Answers carry a TTL of 1 second.

    swarm_dns_standin.py --records FILE --port-file FILE [--address 127.0.0.11] [--port 0]
                         [--parent-pid PID]

It binds UDP on the address and port (0: any free port), then writes the port to
--port-file (atomically), so the caller never races for a port. It exits when the process
--parent-pid names (default: its parent at start) is no longer its parent, so a test that
dies leaves nothing behind. Standard library only.
"""

import argparse
import json
import os
import select
import signal
import socket
import struct
import sys

TYPE_A, TYPE_AAAA, CLASS_IN = 1, 28, 1
RCODE_NOERROR, RCODE_FORMERR, RCODE_NXDOMAIN, RCODE_NOTIMP = 0, 1, 3, 4
TTL = 1


def read_name(packet, offset):
    """The dotted name at offset (no compression: queries do not use it), and the offset after it."""
    labels = []
    while True:
        if offset >= len(packet):
            raise ValueError("name runs past the packet")
        length = packet[offset]
        offset += 1
        if length == 0:
            return ".".join(labels), offset
        if length & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(packet[offset:offset + length].decode("ascii", "replace"))
        offset += length


def load_records(path):
    """Name (lowercase, no final dot) → list of IPv4 addresses; empty when the file is unreadable."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return {}
    return {name.lower().rstrip("."): list(addresses) for name, addresses in data.items()}


def answer(query, records_path):
    """The response to one query packet, or None when it is not worth answering."""
    if len(query) < 12:
        return None
    ident, flags, qdcount = struct.unpack("!HHH", query[:6])
    if flags & 0x8000:  # a response, not a query
        return None
    opcode = (flags >> 11) & 0xF
    recursion_desired = flags & 0x0100
    try:
        if qdcount != 1:
            raise ValueError("expected one question")
        name, end = read_name(query, 12)
        qtype, qclass = struct.unpack("!HH", query[end:end + 4])
        question = query[12:end + 4]
    except (ValueError, struct.error):
        return struct.pack("!HHHHHH", ident, 0x8000 | recursion_desired | RCODE_FORMERR, 0, 0, 0, 0)
    records = load_records(records_path)
    addresses = records.get(name.lower().rstrip("."))
    answers = b""
    count = 0
    if opcode != 0:
        rcode = RCODE_NOTIMP
    elif addresses is None:
        rcode = RCODE_NXDOMAIN
    else:
        rcode = RCODE_NOERROR
        if qtype == TYPE_A and qclass == CLASS_IN:
            for address in addresses:
                # 0xC00C: a pointer to the question's name, right after the 12-byte header.
                answers += struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, TTL, 4) + socket.inet_aton(address)
                count += 1
    # QR, AA, RA, and RD echoed.
    response_flags = 0x8000 | 0x0400 | 0x0080 | recursion_desired | rcode
    log(f"query {name} type {qtype}: rcode {rcode}, {count} answers")
    return struct.pack("!HHHHHH", ident, response_flags, 1, count, 0, 0) + question + answers


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default="127.0.0.11")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--records", required=True, help="JSON file: name -> [IPv4 addresses]")
    parser.add_argument("--port-file", required=True, help="where to write the bound port")
    parser.add_argument("--parent-pid", type=int, default=None,
                        help="exit once this process is no longer the parent (default: the parent at start)")
    args = parser.parse_args()

    parent = args.parent_pid if args.parent_pid is not None else os.getppid()
    # A test runner may start children with SIGTERM ignored or blocked; stopping must work.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.address, args.port))
    port = sock.getsockname()[1]
    temporary = args.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(f"{port}\n")
    os.replace(temporary, args.port_file)
    log(f"listening on {args.address}:{port}")

    while os.getppid() == parent:
        readable, _, _ = select.select([sock], [], [], 0.5)
        if not readable:
            continue
        query, sender = sock.recvfrom(4096)
        response = answer(query, args.records)
        if response is not None:
            sock.sendto(response, sender)
    log(f"parent {parent} gone (parent now {os.getppid()}); exiting")


if __name__ == "__main__":
    main()
