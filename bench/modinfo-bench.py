#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time kmod's and pmod's modinfo over a whole module tree.

Usage: modinfo-bench.py KMOD_MODINFO PMOD_MODINFO ABI ROOT RUNS
Called by modinfo-bench.sh, which finds the tree; see bench/README.md.

Each tool gets every module of the tree on one command line, stdout to
/dev/null. Runs alternate (kmod, pmod, kmod, pmod, ...) so that drift in
machine load hits both alike, and each run's wall time is measured with a
monotonic clock around the child process.
"""
import os
import statistics
import subprocess
import sys
import time


def module_files(moddir, suffix):
    """Every file under moddir whose name ends in suffix, sorted, once."""
    found = []
    for dirpath, _dirs, files in os.walk(moddir):
        for name in files:
            if name.endswith(suffix):
                found.append(os.path.join(dirpath, name))
    found.sort()
    return found


def run_once(argv, capture=False):
    """Run argv; return (wall ns, exit status, stdout bytes or None)."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    t0 = time.perf_counter_ns()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
    t1 = time.perf_counter_ns()
    return t1 - t0, p.returncode, p.stdout, p.stderr


def checked(label, argv, capture=False):
    ns, rc, out, err = run_once(argv, capture)
    if rc != 0:
        first = err.decode(errors="replace").splitlines()[:3]
        sys.exit(f"modinfo-bench: {label} exited with status {rc}: " + " | ".join(first))
    return ns, out


def ms(ns):
    return ns / 1e6


def same_output(kmod, pmod, files):
    """Both tools' full output for files, byte for byte (like cmp)."""
    _, kout = checked("kmod modinfo", [kmod] + files, capture=True)
    _, pout = checked("pmod modinfo", [pmod] + files, capture=True)
    if kout == pout:
        return True, len(kout)
    n = min(len(kout), len(pout))
    at = next((i for i in range(n) if kout[i] != pout[i]), n)
    line = kout[:at].count(b"\n") + 1
    print(f"  outputs differ: first difference at byte {at + 1}, line {line} "
          f"(kmod {len(kout)} bytes, pmod {len(pout)} bytes)")
    return False, 0


def time_pair(kmod, pmod, files, runs):
    """Warm both, then alternate. Returns (kmod ns list, pmod ns list)."""
    checked("kmod modinfo", [kmod] + files)
    checked("pmod modinfo", [pmod] + files)
    k, p = [], []
    for _ in range(runs):
        k.append(checked("kmod modinfo", [kmod] + files)[0])
        p.append(checked("pmod modinfo", [pmod] + files)[0])
    return k, p


def time_alone(pmod, files, runs):
    checked("pmod modinfo", [pmod] + files)
    return [checked("pmod modinfo", [pmod] + files)[0] for _ in range(runs)]


def report_pair(title, kver, k, p, target):
    ratios = [pi / ki for ki, pi in zip(k, p)]
    km, pm = statistics.median(k), statistics.median(p)
    tail = f" (target <= {target})" if target is not None else ""
    print(f"{title}: {kver} median {ms(km):.1f} ms, pmod median {ms(pm):.1f} ms, "
          f"ratio {statistics.median(ratios):.3f}{tail}")
    print(f"  min: kmod {ms(min(k)):.1f} ms, pmod {ms(min(p)):.1f} ms; "
          f"median of per-pair ratios {statistics.median(ratios):.3f}, "
          f"ratio of medians {pm / km:.3f}")


def main():
    if len(sys.argv) != 6:
        sys.exit("usage: modinfo-bench.py KMOD_MODINFO PMOD_MODINFO ABI ROOT RUNS")
    kmod, pmod, abi, root, runs = sys.argv[1:]
    runs = int(runs)
    if runs < 1:
        sys.exit("modinfo-bench: RUNS must be at least 1")

    kv = subprocess.run([kmod, "-V"], capture_output=True, text=True).stdout
    kver = (kv.splitlines() or ["kmod"])[0].replace(" version ", " ")
    kfeatures = kv.split()
    # Which compressed trees kmod can read, from its feature line.
    kmod_reads = {"zst": "+ZSTD" in kfeatures, "xz": "+XZ" in kfeatures,
                  "gz": "+ZLIB" in kfeatures}
    pver = subprocess.run([pmod, "-V"], capture_output=True, text=True).stdout
    pver = (pver.splitlines() or ["pmod"])[0]
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    try:
        with open("/etc/debian_version") as f:
            distro = f"Debian {f.read().strip()}, "
    except OSError:
        distro = ""
    print(f"machine: {os.cpu_count()} cores, {distro}running kernel {os.uname().release}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"tree: {abi} under {root}")
    print(f"kmod: {kmod} ({kver}); pmod: {pmod} ({pver}); {runs} timed runs each")

    failed = False

    files = module_files(os.path.join(root, "lib/modules", abi), ".ko")
    if not files:
        sys.exit(f"modinfo-bench: no .ko files under {root}/lib/modules/{abi}")
    ok, size = same_output(kmod, pmod, files)
    if not ok:
        sys.exit("modinfo-bench: kmod and pmod print different output for the plain "
                 "tree; not reporting timings")
    print(f"output check: identical ({size} bytes)")
    k, p = time_pair(kmod, pmod, files, runs)
    report_pair(f"modinfo whole tree ({len(files)} modules)", kver, k, p, 0.5)

    # Compressed copies made by testsuite/prepare-trees.sh, if present.
    for fmt in ("zst", "xz", "gz"):
        croot = f"{root}-{fmt}"
        cdir = os.path.join(croot, "lib/modules", abi)
        if not os.path.isdir(cdir):
            continue
        cfiles = module_files(cdir, f".ko.{fmt}")
        if not cfiles:
            continue
        title = f"modinfo whole tree .ko.{fmt} ({len(cfiles)} modules)"
        if kmod_reads[fmt]:
            ok, _ = same_output(kmod, pmod, cfiles)
            if not ok:
                print(f"{title}: outputs differ; not reporting")
                failed = True
                continue
            k, p = time_pair(kmod, pmod, cfiles, runs)
            report_pair(title, kver, k, p, None)
        else:
            p = time_alone(pmod, cfiles, runs)
            print(f"{title}: pmod median {ms(statistics.median(p)):.1f} ms, "
                  f"min {ms(min(p)):.1f} ms ({kver} cannot read .ko.{fmt})")

    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
