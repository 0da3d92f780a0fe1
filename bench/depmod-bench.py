#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time kmod's and pmod's depmod on whole module trees, in alternation.

Usage: depmod-bench.py KMOD_DEPMOD PMOD_DEPMOD ABI ROOT RUNS
ROOT holds lib/modules/ABI; ROOT-zst and ROOT-xz (testsuite/prepare-trees.sh)
are timed too when present. Each tool works on its own hard-linked copy of
the tree (depmod writes its indexes into the tree), runs alternate (kmod,
pmod, kmod, ...) so that drift in machine load hits both alike, and each
run's wall time is measured with a monotonic clock around the process.
Before timing, the text outputs of both are compared (modules.symbols
sorted): a faster wrong answer is no result.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

OUTPUTS = ("modules.dep", "modules.alias", "modules.softdep", "modules.devname")


def copy_tree(src_root, abi, dst_root):
    src = os.path.join(src_root, "lib", "modules", abi)
    dst = os.path.join(dst_root, "lib", "modules", abi)
    os.makedirs(os.path.dirname(dst))
    subprocess.run(["cp", "-al", src, dst], check=True)
    for name in os.listdir(dst):
        if name.startswith("modules.") and name not in (
                "modules.order", "modules.builtin", "modules.builtin.modinfo"):
            os.unlink(os.path.join(dst, name))
    return dst


def run(argv):
    t0 = time.perf_counter_ns()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    t1 = time.perf_counter_ns()
    if p.returncode != 0:
        sys.exit(f"depmod-bench: {argv[0]} exited {p.returncode}: "
                 + p.stderr.decode(errors="replace")[:300])
    return (t1 - t0) / 1e6


def read(path, sort=False):
    with open(path, "rb") as f:
        data = f.read()
    return b"".join(sorted(data.splitlines(True))) if sort else data


def bench(label, kmod, pmod, abi, root, runs):
    tmp = tempfile.mkdtemp(prefix="depmod-bench.")
    try:
        kdir = copy_tree(root, abi, os.path.join(tmp, "k"))
        pdir = copy_tree(root, abi, os.path.join(tmp, "p"))
        kroot, proot = os.path.join(tmp, "k"), os.path.join(tmp, "p")
        run([kmod, "-b", kroot, abi])       # also warms the page cache
        run([pmod, "-b", proot, abi])
        for name in OUTPUTS:
            if read(os.path.join(kdir, name)) != read(os.path.join(pdir, name)):
                sys.exit(f"depmod-bench: {label}: {name} differs; no timing reported")
        if read(os.path.join(kdir, "modules.symbols"), True) != \
                read(os.path.join(pdir, "modules.symbols"), True):
            sys.exit(f"depmod-bench: {label}: modules.symbols differs; no timing reported")
        k, p = [], []
        for _ in range(runs):
            k.append(run([kmod, "-b", kroot, abi]))
            p.append(run([pmod, "-b", proot, abi]))
        ratios = [b / a for a, b in zip(k, p)]
        n = sum(1 for _, _, files in os.walk(kdir) for f in files if ".ko" in f)
        print(f"depmod {label} ({n} modules): kmod 30 median {statistics.median(k):.1f} ms, "
              f"pmod median {statistics.median(p):.1f} ms, "
              f"ratio {statistics.median(ratios):.3f}")
        print(f"  min: kmod {min(k):.1f} ms, pmod {min(p):.1f} ms; median of per-pair ratios "
              f"{statistics.median(ratios):.3f}, ratio of medians "
              f"{statistics.median(p) / statistics.median(k):.3f}; {runs} runs each")
    finally:
        shutil.rmtree(tmp)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    kmod, pmod, abi, root, runs = sys.argv[1:]
    runs = int(runs)
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}")
    print(f"machine: {os.cpu_count()} cores; load average at start: "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    bench("plain .ko", kmod, pmod, abi, root, runs)
    for suffix, label, n in (("-zst", ".ko.zst", runs), ("-xz", ".ko.xz", max(3, runs // 3))):
        if os.path.isdir(root + suffix):
            bench(label, kmod, pmod, abi, root + suffix, n)
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
