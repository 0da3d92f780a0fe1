#!/usr/bin/python3
"""make-kernel-images.py OUTDIR: kernel images for pmod-trust's tests.

Three throwaway certificates (openssl req, RSA-2048): a.der and b.der make
the "built-in list", decoy.der stands where a kernel keeps certificates
for other purposes (self-test vectors), with no recorded length. Kernels
(ELF, the bytes around the certificates deterministic noise):
  two.elf        list [a, b], then 64-bit lengths (a's, then the list's)
  one32.elf      list [a], 32-bit lengths, list's first
  extra.elf      list [a] recorded, b inserted right behind it
  none.elf       no certificate at all
  decoy.elf      only the decoy
  twolists.elf   two sequences each followed by its length
and boot images (x86 bzImage, protocol 2.15) around two.elf: two-gzip.bz
(no appended size, as the kernel builds gzip), two-xz.bz and two-zstd.bz
(4-byte decoded size appended), and broken ones: lz4.bz (lz4 magic),
outside.bz (payload beyond the file), old.bz (protocol 2.06),
truncated.bz (xz stream cut), garbage.bin (not a kernel)."""
import gzip
import lzma
import os
import random
import struct
import subprocess
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(20261205)


def noise(n):
    # Never zero (the length search skips zeros) and never 0x30.
    return bytes(rng.choice(range(0x31, 0x100)) for _ in range(n))


def cert(name, cn):
    path = os.path.join(out, name)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", path + ".key", "-subj", "/CN=" + cn, "-days", "3650",
                    "-outform", "DER", "-out", path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return open(path, "rb").read()


A = cert("a.der", "pmod test kernel key A")
B = cert("b.der", "pmod test kernel key B")
D = cert("decoy.der", "pmod test self-test decoy")


class Kernel:
    """An ELF image built front to back, so that numbers can be aligned
    to their width in the file, as a kernel's are in memory."""

    def __init__(self):
        self.data = bytearray(b"\x7fELF\x02\x01\x01" + bytes(9) + noise(500))

    def add(self, data):
        self.data += data
        return self

    def listed(self, certs, width=8, list_first=False, trailer=b""):
        blob = b"".join(certs)
        self.data += blob + trailer
        self.data += bytes((width - len(self.data) % width) % width)
        nums = [len(blob), len(certs[0])] if list_first else [len(certs[0]), len(blob)]
        for n in nums:
            self.data += struct.pack("<Q" if width == 8 else "<I", n)
        return self

    def done(self):
        return bytes(self.data + noise(700))


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


two = Kernel().add(noise(3000) + D + noise(40) + noise(5)).listed([A, B]).add(noise(64)).done()
write("two.elf", two)
write("one32.elf", Kernel().add(noise(9)).listed([A], width=4, list_first=True).done())
write("extra.elf", Kernel().add(noise(3)).listed([A], trailer=B).done())
write("none.elf", Kernel().add(noise(5000)).done())
write("decoy.elf", Kernel().add(noise(100) + D + noise(100)).done())
write("twolists.elf", Kernel().add(noise(4)).listed([A]).add(noise(64)).listed([B]).done())


def bzimage(payload, version=0x020F, setup_sects=1, offset=None, length=None):
    start = (setup_sects + 1) * 512
    hdr = bytearray(start)
    hdr[0x1F1] = setup_sects
    hdr[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", hdr, 0x206, version)
    pm = bytearray(noise(256)) + payload + noise(32)
    struct.pack_into("<I", hdr, 0x248, 256 if offset is None else offset)
    struct.pack_into("<I", hdr, 0x24C, len(payload) if length is None else length)
    return bytes(hdr) + bytes(pm)


size = struct.pack("<I", len(two))
write("two-gzip.bz", bzimage(gzip.compress(two, mtime=0)))
xz = lzma.compress(two, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)
write("two-xz.bz", bzimage(xz + size))
zst = subprocess.run(["zstd", "-q", "-c", "-19"], input=two, stdout=subprocess.PIPE,
                     check=True).stdout
write("two-zstd.bz", bzimage(zst + size))
write("lz4.bz", bzimage(b"\x02\x21\x4c\x18" + noise(200)))
write("outside.bz", bzimage(xz + size, length=len(xz) + 10 ** 6))
write("old.bz", bzimage(xz + size, version=0x0206))
write("truncated.bz", bzimage(xz[: len(xz) // 2]))
write("garbage.bin", noise(4096))
