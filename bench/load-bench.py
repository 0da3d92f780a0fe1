#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Instructions one `insmod PATH` executes, kmod 30 against pmod, under the fake kernel.

Usage: load-bench.py KMOD_INSMOD PMOD_INSMOD SHIM MAKE_FAKE ABI ROOT [options]

Each load runs as its own process under valgrind's callgrind
(--trace-children=no), start-up and dynamic loading included, with the
fake kernel's LD_PRELOAD shim standing in for the kernel:

    kmod: insmod ROOT/lib/modules/ABI/REL
    pmod: insmod --root BENCH_ROOT /lib/modules/ABI/REL

BENCH_ROOT holds etc/pmod/policy.conf (SigningPolicy = warn), a trust
store (etc/pmod/keys/: empty, or the kernel's certificate) and
lib/modules/ABI, a symbolic link to the tree's. The fake kernel's own
work (reading the descriptor or buffer it is given, decompressing, writing
its /sys and /proc state) is not counted: --toggle-collect on
fake_finit_module and init_module, the shim's two load entry points, stops
collection from their entry to their return. What is left is what the
tool itself executes in user space; what the real kernel would do with
the call (including copying pages into a memory file) is not in any Ir.

The module set is read from ROOT's modules.dep and the uncompressed
sizes, and is the same on every run: the smallest, the median, the 90th
percentile and the largest modules (--per-class each), plus the modules
with the most dependencies. A module's dependencies are made loaded in the
fake kernel before it is loaded, so that every load succeeds. The same
modules are measured in ROOT-zst and ROOT-xz when those trees exist
(testsuite/prepare-trees.sh).

Exit status: 0 when every run succeeded, 2 on a usage error or a tool
failure (a load that exits non-zero or is not seen by the fake kernel).
There is no target: the figures are a cost report, not a test.
"""
import argparse
import concurrent.futures
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TREES = [("plain", "", ".ko"), ("zst", "-zst", ".ko.zst"), ("xz", "-xz", ".ko.xz")]
CLASSES = ["smallest", "median", "p90", "largest", "with deps"]
# The shim's two load entry points: collection is off from entry to return.
# --toggle-collect also switches collection off at start, so
# --collect-atstart=yes must come after it.
TOGGLES = ["--toggle-collect=fake_finit_module", "--toggle-collect=init_module",
           "--collect-atstart=yes"]
# pmod functions whose inclusive cost is reported.
PMOD_PARTS = ["sealed_image_create", "verifier_check", "trust_store_get",
              "OPENSSL_init_crypto", "module_file_bytes"]


def fail(msg):
    print("load-bench: " + msg, file=sys.stderr)
    sys.exit(2)


def read_dep(moddir):
    deps = {}
    with open(os.path.join(moddir, "modules.dep"), encoding="utf-8") as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path.strip()] = rest.split()
    return deps


def stem(rel):
    return re.sub(r"\.ko(\.(zst|xz|gz))?$", "", rel)


def choose(root, abi, per_class):
    """[(class, rel path without extension, size, [direct dependency names])]."""
    moddir = os.path.join(root, "lib", "modules", abi)
    deps = read_dep(moddir)
    sized = []
    for rel in deps:
        if rel.endswith(".ko"):
            sized.append((os.path.getsize(os.path.join(moddir, rel)), rel))
    if len(sized) < 5 * per_class:
        fail("%s: too few plain .ko modules in modules.dep" % moddir)
    sized.sort()
    n = len(sized)
    picks = []
    taken = set()

    def take(cls, items):
        for size, rel in items:
            taken.add(rel)
            picks.append((cls, stem(rel), size, deps[rel]))

    take("smallest", sized[:per_class])
    mid = n // 2 - per_class // 2
    take("median", sized[mid:mid + per_class])
    p90 = n * 9 // 10 - per_class // 2
    take("p90", sized[p90:p90 + per_class])
    take("largest", sized[n - per_class:])
    size_of = {rel: size for size, rel in sized}
    ranked = sorted((rel for rel in deps if rel.endswith(".ko") and rel not in taken),
                    key=lambda r: (-len(deps[r]), r))
    take("with deps", [(size_of[r], r) for r in ranked[:per_class]])
    return picks


def depends_field(kmod_modinfo, path):
    r = subprocess.run([kmod_modinfo, "-F", "depends", path], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=False)
    text = r.stdout.decode().strip()
    return [d for d in text.split(",") if d] if r.returncode == 0 else []


def fake_kernel(make_fake, work, tag, loaded):
    """A fresh fake kernel directory in which exactly `loaded` are live."""
    d = tempfile.mkdtemp(prefix="fk-%s." % tag, dir=work)
    rec = os.path.join(d, "recorded")
    with open(rec, "w", encoding="utf-8") as f:
        for name in loaded:
            f.write("%s 16384 0 - Live 0x0000000000000000\n" % name)
    kdir = os.path.join(d, "k")
    subprocess.run([sys.executable, make_fake, rec, kdir], check=True,
                   stdout=subprocess.DEVNULL)
    return d, kdir


def bench_root(work, tag, tree_root, abi, cert):
    r = os.path.join(work, "root-" + tag)
    os.makedirs(os.path.join(r, "etc", "pmod", "keys"))
    os.makedirs(os.path.join(r, "lib", "modules"))
    os.symlink(os.path.join(tree_root, "lib", "modules", abi),
               os.path.join(r, "lib", "modules", abi))
    with open(os.path.join(r, "etc", "pmod", "policy.conf"), "w", encoding="utf-8") as f:
        f.write("# load-bench\nSigningPolicy = warn\n")
    if cert:
        shutil.copy(cert, os.path.join(r, "etc", "pmod", "keys", os.path.basename(cert)))
    return r


def total_ir(out):
    with open(out, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return None


def inclusive(out, names):
    """Inclusive Ir of each function in `names` (0 when never called)."""
    r = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", out],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    found = {n: 0 for n in names}
    pat = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+\S*:(\w+)\s+\[")
    for line in r.stdout.decode(errors="replace").splitlines():
        m = pat.match(line)
        if m and m.group(2) in found and found[m.group(2)] == 0:
            found[m.group(2)] = int(m.group(1).replace(",", ""))
    return found


def one_run(a, work, label, cmd, loaded, parts, keep):
    """Ir and the inclusive parts of one load; exits 2 on a failed load."""
    d, kdir = fake_kernel(a.make_fake, work, label.replace("/", "_"), loaded)
    out = os.path.join(d, "callgrind.out")
    env = dict(os.environ, PMOD_FAKE_KERNEL=kdir, LD_PRELOAD=a.shim)
    r = subprocess.run(["valgrind", "--tool=callgrind", "--trace-children=no", "-q",
                        "--callgrind-out-file=" + out] + TOGGLES + cmd,
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    calls = ""
    try:
        with open(os.path.join(kdir, "calls.log"), encoding="utf-8") as f:
            calls = f.read()
    except OSError:
        pass
    loads = [l for l in calls.splitlines() if l.startswith(("finit_module ", "init_module "))]
    ir = total_ir(out) if os.path.exists(out) else None
    if r.returncode != 0 or ir is None or len(loads) != 1 or " ? " in loads[0]:
        return label, None, "exit %d, calls.log %r: %s" % (
            r.returncode, calls.strip()[-200:], r.stderr.decode(errors="replace")[-400:])
    got = inclusive(out, parts) if parts else {}
    got["call"] = loads[0].split()[0]
    if keep:
        shutil.copy(out, os.path.join(keep, "callgrind." + label.replace("/", "_")))
    shutil.rmtree(d)
    return label, (ir, got), None


def strace_counts(a, work, cmd, loaded):
    """{syscall: calls} for one run under strace -c -f, and the total."""
    d, kdir = fake_kernel(a.make_fake, work, "strace", loaded)
    out = os.path.join(d, "strace.txt")
    env = dict(os.environ, PMOD_FAKE_KERNEL=kdir, LD_PRELOAD=a.shim)
    r = subprocess.run(["strace", "-c", "-f", "-o", out] + cmd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    counts = {}
    total = None
    with open(out, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
                # % time, seconds, usecs/call, calls, [errors], syscall
                counts[parts[-1]] = int(parts[3])
            elif parts and parts[-1] == "total":
                total = int(parts[3])
    shutil.rmtree(d)
    return r.returncode, counts, total


def memfd_copy_time(size, repeat):
    """Median wall time (seconds) of what sealed_image_create asks of the
    kernel for `size` bytes: memfd_create, one write of the whole image,
    the four seals, close. Outside valgrind: callgrind sees only the
    system call instructions, not the kernel's copy into the memory file."""
    data = os.urandom(size)
    seals = 0x0001 | 0x0002 | 0x0004 | 0x0008      # SEAL, SHRINK, GROW, WRITE
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fd = os.memfd_create("pmod-module", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        done = 0
        view = memoryview(data)
        while done < size:
            done += os.write(fd, view[done:])
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
        os.close(fd)
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    return times[len(times) // 2] / 1e9


def sha256_time(size, repeat):
    """Median wall time (seconds) of a sha256 over `size` bytes, natively
    (hashlib is OpenSSL's libcrypto, with the CPU's SHA extensions when it
    has them; under valgrind libcrypto cannot use them, so the digest's Ir
    overstate it)."""
    data = os.urandom(size)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        hashlib.sha256(data).digest()
        times.append(time.perf_counter_ns() - t0)
    times.sort()
    return times[len(times) // 2] / 1e9


def fmt(n):
    return "{:,}".format(n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("kmod", "pmod", "shim", "make_fake", "abi", "root"):
        ap.add_argument(name)
    ap.add_argument("--per-class", type=int, default=4, help="modules per class (default 4)")
    ap.add_argument("--cert", help="the kernel's signing certificate (DER or PEM): adds "
                    "the pmod runs with it in the trust store (verdict valid)")
    ap.add_argument("--kmod-modinfo", default="/usr/sbin/modinfo",
                    help="reads depends= of the modules (default /usr/sbin/modinfo)")
    ap.add_argument("--trees", default="plain,zst,xz",
                    help="which of plain,zst,xz (default all three that exist)")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="valgrind processes at once (the counts do not depend on it)")
    ap.add_argument("--list", action="store_true", help="print the module set and stop")
    ap.add_argument("--keep-profiles", metavar="DIR", help="keep every callgrind profile here")
    ap.add_argument("--no-strace", action="store_true", help="skip the syscall counts")
    a = ap.parse_args()
    a.make_fake = os.path.abspath(a.make_fake)
    if a.keep_profiles:
        os.makedirs(a.keep_profiles, exist_ok=True)

    picks = choose(a.root, a.abi, a.per_class)
    plain_dir = os.path.join(a.root, "lib", "modules", a.abi)
    mods = []
    for cls, rel, size, _ in picks:
        mods.append((cls, rel, size, depends_field(a.kmod_modinfo,
                                                   os.path.join(plain_dir, rel + ".ko"))))
    if a.list:
        for cls, rel, size, deps in mods:
            print("%-10s %10d %s%s" % (cls, size, rel, (" depends=" + ",".join(deps)) if deps
                                       else ""))
        return 0

    wanted = a.trees.split(",")
    trees = []
    for tag, suffix, ext in TREES:
        troot = a.root + suffix
        if tag in wanted and os.path.isdir(os.path.join(troot, "lib", "modules", a.abi)):
            trees.append((tag, troot, ext))
    if not trees:
        fail("no tree to measure")

    print("date: %s" % time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
    print("tree: %s under %s (%s)" % (a.abi, a.root, ", ".join(t for t, _, _ in trees)))
    print("kmod: %s; pmod: %s" % (a.kmod, a.pmod))
    print("modules: %d (%s), sizes of the uncompressed .ko" % (
        len(mods), ", ".join("%s %d" % (c, sum(1 for m in mods if m[0] == c)) for c in CLASSES)))
    for cls, rel, size, deps in mods:
        print("  %-10s %10s  %s%s" % (cls, fmt(size), os.path.basename(rel),
                                      "  (depends " + ",".join(deps) + ")" if deps else ""))
    print("command: PMOD_FAKE_KERNEL=FRESH LD_PRELOAD=SHIM valgrind --tool=callgrind "
          "--trace-children=no %s TOOL [--root BENCH_ROOT] PATH" % " ".join(TOGGLES))
    sys.stdout.flush()

    configs = [("kmod", None)]
    with tempfile.TemporaryDirectory(prefix="load-bench.") as work:
        roots = {}
        for tag, troot, _ in trees:
            roots[(tag, "untrusted")] = bench_root(work, tag + "-untrusted", troot, a.abi, None)
            if a.cert:
                roots[(tag, "trusted")] = bench_root(work, tag + "-trusted", troot, a.abi, a.cert)
        configs.append(("untrusted", None))
        if a.cert:
            configs.append(("trusted", None))

        jobs = []
        for tag, troot, ext in trees:
            for i, (cls, rel, size, deps) in enumerate(mods):
                for cfg, _ in configs:
                    label = "%s/%02d/%s" % (tag, i, cfg)
                    if cfg == "kmod":
                        cmd = [a.kmod, os.path.join(troot, "lib", "modules", a.abi, rel + ext)]
                        parts = []
                    else:
                        cmd = [a.pmod, "--root", roots[(tag, cfg)],
                               "/lib/modules/%s/%s%s" % (a.abi, rel, ext)]
                        parts = PMOD_PARTS
                    jobs.append((label, cmd, deps, parts))
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            done = list(pool.map(lambda j: one_run(a, work, j[0], j[1], j[2], j[3],
                                                   a.keep_profiles), jobs))
        res = {}
        errors = 0
        for label, value, why in done:
            if value is None:
                print("ERROR %s: %s" % (label, why))
                errors += 1
            res[label] = value
        if errors:
            print("%d load(s) failed: the figures are not a result" % errors)
            return 2

        strace = []
        if not a.no_strace and shutil.which("strace"):
            for tag, troot, ext in trees:
                i = max(range(len(mods)), key=lambda k: (mods[k][0] == "largest", mods[k][2]))
                cls, rel, size, deps = mods[i]
                row = [tag, os.path.basename(rel)]
                for cfg, _ in configs:
                    if cfg == "kmod":
                        cmd = [a.kmod, os.path.join(troot, "lib", "modules", a.abi, rel + ext)]
                    else:
                        cmd = [a.pmod, "--root", roots[(tag, cfg)],
                               "/lib/modules/%s/%s%s" % (a.abi, rel, ext)]
                    rc, counts, total = strace_counts(a, work, cmd, deps)
                    row.append((rc, counts, total))
                strace.append(row)

    copies = []
    for cls in CLASSES:
        sizes = [m[2] for m in mods if m[0] == cls]
        if sizes:
            size = max(sizes)
            copies.append((cls, size, memfd_copy_time(size, 15), sha256_time(size, 15)))
    report(a, trees, mods, configs, res, strace, copies)
    return 0


def report(a, trees, mods, configs, res, strace, copies):
    trusted = any(c == "trusted" for c, _ in configs)
    print()
    print("Per module (Ir; ratio = pmod/kmod; memfd = sealed_image_create, verify = "
          "verifier_check, both inclusive):")
    hdr = "%-5s %-10s %-22s %11s %13s %12s %6s" % ("tree", "class", "module", "size",
                                                  "kmod Ir", "pmod untr.", "ratio")
    if trusted:
        hdr += " %12s %6s" % ("pmod trusted", "ratio")
    hdr += " %8s %11s" % ("memfd", "verify untr")
    if trusted:
        hdr += " %12s" % "verify trust"
    hdr += " %5s" % "call"
    print(hdr)
    sums = {}
    for tag, _, _ in trees:
        for i, (cls, rel, size, _) in enumerate(mods):
            k = res["%s/%02d/kmod" % (tag, i)]
            u = res["%s/%02d/untrusted" % (tag, i)]
            t = res.get("%s/%02d/trusted" % (tag, i))
            line = "%-5s %-10s %-22s %11s %13s %12s %6.3f" % (
                tag, cls, os.path.basename(rel)[:22], fmt(size), fmt(k[0]), fmt(u[0]),
                u[0] / k[0])
            if trusted:
                line += " %12s %6.3f" % (fmt(t[0]), t[0] / k[0])
            line += " %8s %11s" % (fmt(u[1]["sealed_image_create"]), fmt(u[1]["verifier_check"]))
            if trusted:
                line += " %12s" % fmt(t[1]["verifier_check"])
            line += " %5s/%s" % (k[1]["call"].split("_")[0], u[1]["call"].split("_")[0])
            print(line)
            for key in ((tag, cls), (tag, "all")):
                s = sums.setdefault(key, {"n": 0, "k": 0, "u": 0, "t": 0, "memfd": 0,
                                          "vu": 0, "vt": 0, "store": 0, "conf": 0, "bytes": 0})
                s["n"] += 1
                s["k"] += k[0]
                s["u"] += u[0]
                s["memfd"] += u[1]["sealed_image_create"]
                s["vu"] += u[1]["verifier_check"]
                s["bytes"] += u[1]["module_file_bytes"]
                if t:
                    s["t"] += t[0]
                    s["vt"] += t[1]["verifier_check"]
                    s["store"] += t[1]["trust_store_get"]
                    s["conf"] += t[1]["OPENSSL_init_crypto"]

    print()
    print("Per tree and class (mean Ir per load; ratio of the sums):")
    hdr = "%-5s %-10s %2s %13s %13s %6s" % ("tree", "class", "n", "kmod 30", "pmod untr.",
                                           "ratio")
    if trusted:
        hdr += " %13s %6s" % ("pmod trusted", "ratio")
    hdr += " %9s %12s" % ("memfd", "verify untr.")
    if trusted:
        hdr += " %12s %11s %11s" % ("verify trust", "of it store", "of it conf")
    print(hdr)
    for tag, _, _ in trees:
        for cls in CLASSES + ["all"]:
            s = sums.get((tag, cls))
            if not s:
                continue
            n = s["n"]
            line = "%-5s %-10s %2d %13s %13s %6.3f" % (tag, cls, n, fmt(s["k"] // n),
                                                      fmt(s["u"] // n), s["u"] / s["k"])
            if trusted:
                line += " %13s %6.3f" % (fmt(s["t"] // n), s["t"] / s["k"])
            line += " %9s %12s" % (fmt(s["memfd"] // n), fmt(s["vu"] // n))
            if trusted:
                line += " %12s %11s %11s" % (fmt(s["vt"] // n), fmt(s["store"] // n),
                                             fmt(s["conf"] // n))
            print(line)
    print()
    print("pmod without verification (untrusted run minus verifier_check) / kmod:")
    for tag, _, _ in trees:
        s = sums[(tag, "all")]
        print("  %-5s %.3f" % (tag, (s["u"] - s["vu"]) / s["k"]))

    if strace:
        print()
        print("Syscalls of one load of the largest module (strace -c -f):")
        names = [c for c, _ in configs]
        for row in strace:
            tag, mod = row[0], row[1]
            cells = row[2:]
            print("  %-5s %-18s %s" % (tag, mod, "  ".join(
                "%s %s calls (exit %d)" % (n, c[2], c[0]) for n, c in zip(names, cells))))
            keys = sorted(set().union(*(c[1].keys() for c in cells)))
            diffs = []
            for key in keys:
                vals = [c[1].get(key, 0) for c in cells]
                if vals[0] != vals[1]:
                    diffs.append("%s %s" % (key, "/".join(str(v) for v in vals)))
            print("        differing (%s): %s" % ("/".join(names), ", ".join(diffs)))

    print()
    print("Outside valgrind, wall time on this machine, median of 15, for the largest module")
    print("of each class: the kernel's side of the memfd copy (memfd_create, write, seals,")
    print("close; not in any Ir) and a native sha256 of that many bytes (the digest of a valid")
    print("verdict; callgrind's libcrypto cannot use the CPU's SHA extensions):")
    for cls, size, secs, sha in copies:
        print("  %-10s %11s bytes  memfd %9.1f us (%.2f GB/s)  sha256 %9.1f us (%.2f GB/s)" % (
            cls, fmt(size), secs * 1e6, size / secs / 1e9, sha * 1e6, size / sha / 1e9))


if __name__ == "__main__":
    sys.exit(main())
