#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A stand-in for systemd-journald's native socket, for tests.

usage: fake-journal.py SOCKET OUT

Binds a datagram socket at SOCKET, then receives entries until none has
come for half a second after the first (or ten seconds pass without
any), and writes OUT: for each entry, one line "--", then one line per
field, "KEY=VALUE" with backslash, newline and every other control
byte of VALUE written as \\\\, \\n and \\xNN, so that a shell test can grep
whole lines and count fields. A datagram that is not journald's native
protocol makes the receiver exit 1 naming the problem: a sender that
gets the framing wrong must fail the test, not be guessed at.

The protocol: a sequence of fields, each either "KEY=VALUE\\n" (VALUE
without a newline) or "KEY\\n", a 64-bit little-endian length, the
VALUE's bytes, "\\n" (any VALUE).
"""
import os
import re
import socket
import struct
import sys

KEY = re.compile(rb"[A-Z_][A-Z0-9_]*\Z")


def parse(data):
    fields = []
    at = 0
    while at < len(data):
        end = data.find(b"\n", at)
        if end < 0:
            raise ValueError(f"field at byte {at} has no end")
        line = data[at:end]
        eq = line.find(b"=")
        if eq >= 0:
            key, value = line[:eq], line[eq + 1:]
            at = end + 1
        else:
            key = line
            if end + 9 > len(data):
                raise ValueError(f"binary field {key!r}: no length")
            (length,) = struct.unpack_from("<Q", data, end + 1)
            start = end + 9
            if start + length + 1 > len(data) or data[start + length:start + length + 1] != b"\n":
                raise ValueError(f"binary field {key!r}: length {length} does not fit")
            value = data[start:start + length]
            at = start + length + 1
        if not KEY.match(key):
            raise ValueError(f"bad field name {key!r}")
        fields.append((key.decode(), value))
    return fields


def shown(value):
    out = []
    for b in value:
        if b == 0x5C:
            out.append("\\\\")
        elif b == 0x0A:
            out.append("\\n")
        elif b < 0x20 or b == 0x7F:
            out.append(f"\\x{b:02x}")
        else:
            out.append(chr(b) if b < 0x80 else f"\\x{b:02x}")
    return "".join(out)


def main():
    path, out = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(10)
    lines = []
    try:
        while True:
            try:
                data = sock.recv(1 << 20)
            except socket.timeout:
                break
            lines.append("--")
            lines.extend(f"{k}={shown(v)}" for k, v in parse(data))
            sock.settimeout(0.5)
    except ValueError as e:
        print(f"fake-journal: {path}: {e}", file=sys.stderr)
        return 1
    finally:
        sock.close()
        os.unlink(path)
        with open(out + ".tmp", "w") as f:
            f.write("".join(line + "\n" for line in lines))
        os.rename(out + ".tmp", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
