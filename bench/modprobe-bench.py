#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Instructions executed by `modprobe --show-depends`, kmod 30 against pmod.

Usage: modprobe-bench.py KMOD PMOD ABI ROOT [options]

Each request runs as its own process under valgrind's callgrind
(--trace-children=no), start-up and dynamic loading included:

    modprobe -C EMPTY_DIR -d ROOT -S ABI --show-depends REQUEST

The request set is read from the tree and is the same on every run: real
alias patterns of many buses with their wildcards made concrete (a
modalias a device could send), aliases the kernel itself asks for
(request_module: fs-, net-pf-, crypto-, char-major-...), and the modules
with the deepest dependency chains in modules.dep. A candidate is kept only
if kmod resolves it (exit 0), so every request does real work. Both tools'
stdout must be identical for every request; a difference is an error.

The figure is Ir (instructions executed) summed per tool; the ratio is
pmod/kmod per category and in total. Exit status: 0 when the total ratio
is at most --target (default 0.18, kmod 34's figure), 1 when it is above
(unless --report-only), 2 on a usage error or a tool failure, 3 when the
outputs differ.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import time

# The buses whose aliases are sampled: every one the Debian tree has at
# least a handful of. "acpi*" and "dmi*" are written that way in modules.alias.
BUSES = ["pci", "usb", "of", "i2c", "hid", "pcmcia", "acpi*", "spi", "hdaudio", "cpu",
         "dmi*", "platform", "mdio", "ieee1394", "sdio", "pnp", "wmi", "serio", "vmbus",
         "virtio", "sdw", "ssb", "auxiliary", "bcma", "mhi", "scsi", "xen", "input"]
# Aliases the kernel asks modprobe for by name (request_module()).
KERNEL_REQUESTS = ["fs-", "net-pf-", "crypto-", "char-major-", "block-major-", "devname:",
                   "nf-logger-", "netdev-"]

# Concrete values for the fields of a modalias, so that a pattern such as
# pci:v00008086d*sv*sd*bc*sc*i* becomes what a device would send. Fields
# not listed (and buses not listed) get the empty string, which every '*'
# matches too.
FIELD_WIDTH = {
    "pci": {"v": 8, "d": 8, "sv": 8, "sd": 8, "bc": 2, "sc": 2, "i": 2},
    "usb": {"v": 4, "p": 4, "d": 4, "dc": 2, "dsc": 2, "dp": 2, "ic": 2, "isc": 2,
            "ip": 2, "in": 2},
    "hid": {"b": 4, "g": 4, "v": 8, "p": 8},
}


def concrete(pattern):
    """A string the fnmatch pattern matches, shaped like a real modalias."""
    bus = pattern.split(":", 1)[0]
    widths = FIELD_WIDTH.get(bus, {})
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            field = re.search(r"([a-z]+)$", "".join(out))
            width = widths.get(field.group(1), 0) if field else 0
            out.append("0" * width)
        elif c == "?":
            out.append("0")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(c)
            else:
                body = pattern[i + 1:end]
                if body[0] in "!^":
                    # Any character the class excludes; 'Z' rarely is.
                    out.append("Z" if "Z" not in body else "z")
                else:
                    out.append(body[0])
                i = end
        else:
            out.append(c)
        i += 1
    return "".join(out)


def read_aliases(moddir):
    patterns = []
    with open(os.path.join(moddir, "modules.alias"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "alias":
                patterns.append(parts[1])
    return patterns


def deepest(moddir, count):
    """The modules whose dependency chain (longest path in modules.dep) is
    deepest, deepest first, ties by name."""
    deps = {}
    with open(os.path.join(moddir, "modules.dep"), encoding="utf-8") as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path] = rest.split()
    depth = {}

    def walk(path, seen):
        if path in depth:
            return depth[path]
        if path in seen:        # a loop: depmod refuses these, but be safe
            return 0
        seen.add(path)
        d = 1 + max((walk(p, seen) for p in deps.get(path, []) if p in deps), default=0)
        seen.discard(path)
        depth[path] = d
        return d

    sys.setrecursionlimit(10000)
    for p in deps:
        walk(p, set())

    def name(path):
        base = os.path.basename(path)
        return re.sub(r"\.ko(\.(zst|xz|gz))?$", "", base)

    ranked = sorted(deps, key=lambda p: (-depth[p], name(p)))
    return [(name(p), depth[p]) for p in ranked[:count]]


def base_args(tool, cfgdir, root, abi):
    return [tool, "-C", cfgdir, "-d", root, "-S", abi, "--show-depends"]


def resolves(kmod, cfgdir, root, abi, request):
    r = subprocess.run(base_args(kmod, cfgdir, root, abi) + ["--", request],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return r.returncode == 0 and r.stdout.strip() != b""


def pick(candidates, count, ok):
    """`count` candidates spread evenly over the list (deterministic), each
    replaced by the next one that `ok` accepts when it does not."""
    chosen = []
    if not candidates:
        return chosen
    n = len(candidates)
    taken = set()
    for k in range(count):
        start = k * n // count
        for j in range(start, n):
            if j in taken:
                continue
            if ok(candidates[j]):
                taken.add(j)
                chosen.append(candidates[j])
                break
            taken.add(j)
    return chosen


def request_set(kmod, cfgdir, root, abi, per_bus, per_kernel, ndeep):
    moddir = os.path.join(root, "lib", "modules", abi)
    patterns = read_aliases(moddir)
    cache = {}

    def ok(req):
        if req not in cache:
            cache[req] = resolves(kmod, cfgdir, root, abi, req)
        return cache[req]

    requests = []   # (category, request)
    for bus in BUSES:
        cands = []
        seen = set()
        for p in patterns:
            if p.split(":", 1)[0] == bus:
                c = concrete(p)
                if c not in seen:
                    seen.add(c)
                    cands.append(c)
        for c in pick(cands, per_bus, ok):
            requests.append(("alias " + bus.rstrip("*"), c))
    for prefix in KERNEL_REQUESTS:
        cands = sorted({p for p in patterns if p.startswith(prefix) and not re.search(r"[*?\[]", p)})
        for c in pick(cands, per_kernel, ok):
            requests.append(("kernel request", c))
    for name, depth in deepest(moddir, ndeep):
        if ok(name):
            requests.append(("deepest chain", name))
    return requests


def callgrind(tool, cfgdir, root, abi, request, out, keep):
    """(exit status, stdout, stderr, Ir) of one run; the profile is left at
    `out` when `keep`."""
    cmd = ["valgrind", "--tool=callgrind", "--trace-children=no", "-q",
           "--callgrind-out-file=" + out] + base_args(tool, cfgdir, root, abi) + ["--", request]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ir = None
    try:
        with open(out, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    ir = int(line.split()[1])
                    break
        if not keep:
            os.unlink(out)
    except OSError:
        pass
    return r.returncode, r.stdout, r.stderr, ir


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kmod")
    ap.add_argument("pmod")
    ap.add_argument("abi")
    ap.add_argument("root")
    ap.add_argument("--per-bus", type=int, default=4, help="aliases per bus (default 4)")
    ap.add_argument("--per-kernel-prefix", type=int, default=2,
                    help="kernel-requested aliases per prefix (default 2)")
    ap.add_argument("--deepest", type=int, default=20,
                    help="modules with the deepest chains (default 20)")
    ap.add_argument("--target", type=float, default=0.18,
                    help="highest acceptable total ratio pmod/kmod (default 0.18)")
    ap.add_argument("--report-only", action="store_true",
                    help="exit 0 whatever the ratio (outputs must still agree)")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="valgrind processes at once (the counts do not depend on it)")
    ap.add_argument("--list", action="store_true", help="print the request set and stop")
    ap.add_argument("--keep-profiles", metavar="DIR",
                    help="keep every callgrind profile here (callgrind.{kmod,pmod}.NNN, "
                         "for callgrind_annotate)")
    a = ap.parse_args()
    if a.keep_profiles:
        os.makedirs(a.keep_profiles, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="modprobe-bench.") as work:
        cfgdir = os.path.join(work, "empty.d")
        os.mkdir(cfgdir)
        requests = request_set(a.kmod, cfgdir, a.root, a.abi, a.per_bus, a.per_kernel_prefix,
                               a.deepest)
        if a.list:
            for cat, req in requests:
                print("%-16s %s" % (cat, req))
            return 0
        print("date: %s" % time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
        print("tree: %s under %s" % (a.abi, a.root))
        print("kmod: %s; pmod: %s" % (a.kmod, a.pmod))
        print("requests: %d (%s)" % (len(requests), ", ".join(
            "%s %d" % (c, n) for c, n in count_by(requests))))
        print("command: valgrind --tool=callgrind --trace-children=no TOOL -C %s -d ROOT "
              "-S ABI --show-depends REQUEST" % "EMPTY_DIR")
        sys.stdout.flush()

        def one(item):
            n, (cat, req) = item
            res = {}
            for tag, tool in (("kmod", a.kmod), ("pmod", a.pmod)):
                keep = a.keep_profiles is not None
                out = os.path.join(a.keep_profiles if keep else work,
                                   "callgrind.%s.%03d" % (tag, n))
                res[tag] = callgrind(tool, cfgdir, a.root, a.abi, req, out, keep)
            return cat, req, res

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            results = list(pool.map(one, enumerate(requests)))

    errors = 0
    sums = {}
    order = []
    for cat, req, res in results:
        krc, kout, kerr, kir = res["kmod"]
        prc, pout, perr, pir = res["pmod"]
        if kir is None or pir is None:
            print("ERROR %s: no callgrind count (kmod exit %d, pmod exit %d): %s%s" % (
                req, krc, prc, kerr.decode(errors="replace")[-300:],
                perr.decode(errors="replace")[-300:]))
            errors += 1
            continue
        if krc != prc or kout != pout:
            print("ERROR %s: outputs differ (kmod exit %d, pmod exit %d)" % (req, krc, prc))
            for line in diff(kout, pout)[:10]:
                print("    " + line)
            errors += 1
        if cat not in sums:
            sums[cat] = [0, 0, 0]
            order.append(cat)
        sums[cat][0] += kir
        sums[cat][1] += pir
        sums[cat][2] += 1

    print()
    print("%-16s %5s %15s %15s %8s" % ("category", "runs", "kmod 30 Ir", "pmod Ir", "ratio"))
    tk = tp = tn = 0
    for cat in order:
        k, p, n = sums[cat]
        tk, tp, tn = tk + k, tp + p, tn + n
        print("%-16s %5d %15s %15s %8.3f" % (cat, n, "{:,}".format(k), "{:,}".format(p),
                                             p / k))
    if tk == 0:
        print("no request was measured")
        return 2
    ratio = tp / tk
    print("%-16s %5d %15s %15s %8.3f" % ("total", tn, "{:,}".format(tk), "{:,}".format(tp),
                                         ratio))
    print("per request: kmod %s Ir, pmod %s Ir (mean)" % (
        "{:,}".format(tk // tn), "{:,}".format(tp // tn)))
    print("modprobe --show-depends: pmod/kmod = %.3f (target <= %.2f): %s" % (
        ratio, a.target, "met" if ratio <= a.target else "NOT met"))
    if errors:
        print("%d request(s) with errors: the figures above are not a result" % errors)
        return 3
    if ratio > a.target and not a.report_only:
        return 1
    return 0


def count_by(requests):
    """(label, count): all bus aliases under one label, with the bus count."""
    counts = {}
    buses = set()
    for cat, _ in requests:
        if cat.startswith("alias "):
            buses.add(cat)
            cat = "aliases"
        counts[cat] = counts.get(cat, 0) + 1
    return sorted(("%s of %d buses" % (c, len(buses)) if c == "aliases" else c, n)
                  for c, n in counts.items())


def diff(a, b):
    al = a.decode(errors="replace").splitlines()
    bl = b.decode(errors="replace").splitlines()
    out = []
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<none>"
        y = bl[i] if i < len(bl) else "<none>"
        if x != y:
            out.append("kmod: " + x)
            out.append("pmod: " + y)
    return out


if __name__ == "__main__":
    sys.exit(main())
