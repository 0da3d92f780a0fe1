#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Instructions a libkmod client spends through kmod's libkmod.so.2 and pmod's.

Usage: libkmod-bench.py CLIENT_KMOD CLIENT_PMOD SHIM MAKE_FAKE KMOD_MODPROBE ABI ROOT [options]

CLIENT_KMOD and CLIENT_PMOD are bench/libkmod-bench-client.c compiled
against each library. Every run is one process under valgrind's callgrind
(--trace-children=no), start-up and dynamic loading included.

(a) Lookups: kmod_new(ROOT/lib/modules/ABI, {EMPTY_DIR}), then for each
    request kmod_module_new_from_lookup and, for every module found,
    kmod_module_get_dependencies, names and paths printed. The request set
    is bench/modprobe-bench.py's (aliases of 28 buses made concrete,
    kernel-requested aliases, the deepest dependency chains; kept only if
    kmod's modprobe resolves them). Measured three ways: one process per
    request; one process for all requests; one process for all after
    kmod_load_resources (what systemd-udevd does: one context for the
    daemon's life, indexes opened once). Both clients' stdout must be
    identical. Target: pmod/kmod at most --target (0.5).

(b) Probe-insert: the client named systemd-udevd, kmod_new +
    kmod_load_resources, lookup of a module's name, initstate, and
    kmod_module_probe_insert_module(KMOD_PROBE_APPLY_BLACKLIST), for the
    --probe modules with the most dependencies in modules.dep, each in a
    fresh fake kernel (testsuite/fake-kernel, LD_PRELOAD shim) where
    nothing is loaded, so the whole chain is inserted. The fake kernel's
    own work is not counted (--toggle-collect on its two load entry
    points, as bench/load-bench.py, and on its stand-ins for Peios's
    registry and token system calls, fake_peios_syscall and ioctl).
    Registry: SigningPolicy warn, AutoLoadPolicy enabled. pmod runs twice, each in its own mount
    namespace with an overlay on /etc: an empty /etc/pmod/keys (verdict
    untrusted: the signature is parsed, no key names it) and the kernel's
    certificate there (verdict valid: digest and RSA check of every module).
    The kernel calls (calls.log) and the client's output must be the same
    for kmod and pmod. Target: pmod minus its verification (verifier_check,
    inclusive) at most kmod.

Exit status: 0 targets met, 1 a target missed, 2 usage or a failed run,
3 the libraries answered differently.
"""
import argparse
import concurrent.futures
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The fake kernel's own work is not counted: its two module-load entry
# points, and its stand-ins for Peios's registry and token calls (on Peios
# these are system calls: kernel work, no user-space instructions; only
# pmod makes them). Its file redirection (open, stat) is counted for both
# libraries, and so is its syslog, which costs about what glibc's does.
TOGGLES = ["--toggle-collect=fake_finit_module", "--toggle-collect=init_module",
           "--toggle-collect=fake_peios_syscall", "--toggle-collect=ioctl",
           "--collect-atstart=yes"]
PMOD_PARTS = ["verifier_check", "trust_store_get", "OPENSSL_init_crypto",
              "sealed_image_create"]


def fail(msg):
    print("libkmod-bench: " + msg, file=sys.stderr)
    sys.exit(2)


def fmt(n):
    return "{:,}".format(n)


def modprobe_bench():
    """bench/modprobe-bench.py as a module: its request set is reused."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "modprobe-bench.py")
    spec = importlib.util.spec_from_file_location("modprobe_bench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def total_ir(out):
    with open(out, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    return None


def annotate(out, inclusive):
    r = subprocess.run(["callgrind_annotate", "--inclusive=" + ("yes" if inclusive else "no"),
                        "--threshold=100", out], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, check=False)
    pat = re.compile(r"^\s*([\d,]+)\s+\([^)]*\)\s+(\S*):(\S+)(?:\s+\[(.*)\])?")
    rows = []
    for line in r.stdout.decode(errors="replace").splitlines():
        m = pat.match(line)
        if m:
            rows.append((int(m.group(1).replace(",", "")), m.group(3),
                         os.path.basename(m.group(4) or "")))
    return rows


def parts_of(out, names):
    found = {n: 0 for n in names}
    for ir, fn, _ in annotate(out, True):
        if fn in found and found[fn] == 0:
            found[fn] = ir
    return found


def valgrind(cmd, out, env=None, wrap=None):
    full = ["valgrind", "--tool=callgrind", "--trace-children=no", "-q",
            "--callgrind-out-file=" + out]
    if env is not None:
        full += TOGGLES
    full += cmd
    if wrap:
        full = wrap + full
    r = subprocess.run(full, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    ir = total_ir(out) if os.path.exists(out) else None
    return r.returncode, r.stdout, r.stderr, ir


# ---------------------------------------------------------------- (a) lookups

def lookups(a, work, requests):
    cfg = os.path.join(work, "empty.d")
    moddir = os.path.join(a.root, "lib", "modules", a.abi)
    clients = (("kmod", a.client_kmod), ("pmod", a.client_pmod))
    jobs = []
    for n, (cat, req) in enumerate(requests):
        for tag, client in clients:
            jobs.append(("req", n, tag, [client, moddir, cfg, "lookup", req]))
    everything = [r for _, r in requests]
    for mode in ("lookup", "lookup-loaded"):
        for tag, client in clients:
            jobs.append((mode, 0, tag, [client, moddir, cfg, mode] + everything))

    def run(job):
        kind, n, tag, cmd = job
        out = os.path.join(work, "cg.%s.%s.%03d" % (kind, tag, n))
        return job, valgrind(cmd, out), out

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        done = list(pool.map(run, jobs))
    res = {}
    for (kind, n, tag, _), r, out in done:
        res[(kind, n, tag)] = (r, out)

    errors = 0
    for key in sorted({(k, n) for k, n, _ in res}):
        (krc, kout, kerr, kir), _ = res[key + ("kmod",)]
        (prc, pout, perr, pir), _ = res[key + ("pmod",)]
        what = requests[key[1]][1] if key[0] == "req" else "all requests (%s)" % key[0]
        if kir is None or pir is None or krc != 0 or prc != 0:
            print("ERROR %s: kmod exit %d, pmod exit %d: %s %s" % (
                what, krc, prc, kerr.decode(errors="replace")[-300:],
                perr.decode(errors="replace")[-300:]))
            errors += 1
        elif kout != pout:
            print("ERROR %s: the libraries answered differently" % what)
            for line in modprobe_bench().diff(kout, pout)[:10]:
                print("    " + line)
            errors += 1
    if errors:
        print("%d run(s) with errors: the figures below are not a result" % errors)

    print()
    print("(a) lookup + dependencies, one process per request (kmod_new, lookup, "
          "get_dependencies):")
    print("%-16s %5s %15s %15s %8s" % ("category", "runs", "kmod Ir", "pmod Ir", "ratio"))
    sums, order = {}, []
    for n, (cat, _) in enumerate(requests):
        k = res[("req", n, "kmod")][0][3] or 0
        p = res[("req", n, "pmod")][0][3] or 0
        if cat.startswith("alias "):
            cat = "bus aliases"
        if cat not in sums:
            sums[cat] = [0, 0, 0]
            order.append(cat)
        sums[cat][0] += k
        sums[cat][1] += p
        sums[cat][2] += 1
    tk = tp = tn = 0
    for cat in order:
        k, p, n = sums[cat]
        tk, tp, tn = tk + k, tp + p, tn + n
        print("%-16s %5d %15s %15s %8.3f" % (cat, n, fmt(k), fmt(p), p / k))
    print("%-16s %5d %15s %15s %8.3f" % ("total", tn, fmt(tk), fmt(tp), tp / tk))
    print("per request: kmod %s Ir, pmod %s Ir (mean)" % (fmt(tk // tn), fmt(tp // tn)))
    ratios = {"per request": tp / tk}

    for mode, label in (("lookup", "one process, all %d requests" % len(requests)),
                        ("lookup-loaded", "one process, kmod_load_resources, all %d "
                         "requests (udev)" % len(requests))):
        k = res[(mode, 0, "kmod")][0][3]
        p = res[(mode, 0, "pmod")][0][3]
        print("%-56s kmod %13s  pmod %13s  ratio %.3f" % (label + ":", fmt(k), fmt(p), p / k))
        ratios["one process" if mode == "lookup" else "one process with resources (udev)"] = \
            p / k

    # Where the instructions of the udev-like run go: the functions with
    # the most self cost, and the inclusive cost of the library calls.
    for tag in ("kmod", "pmod"):
        out = res[("lookup-loaded", 0, tag)][1]
        rows = annotate(out, False)
        total = res[("lookup-loaded", 0, tag)][0][3]
        print()
        print("  %s, one process with resources: top %d functions by self Ir (of %s):" % (
            tag, a.top, fmt(total)))
        for ir, fn, obj in rows[:a.top]:
            print("    %13s %5.1f%%  %s (%s)" % (fmt(ir), 100.0 * ir / total, fn, obj))
        incl = {fn: ir for ir, fn, _ in reversed(annotate(out, True))}
        calls = ["main", "kmod_new", "kmod_load_resources", "kmod_module_new_from_lookup",
                 "kmod_module_get_dependencies", "kmod_module_get_path", "kmod_unref",
                 "_dl_start", "_dl_init", "exit"]
        print("  %s inclusive: %s" % (tag, ", ".join(
            "%s %s" % (c, fmt(incl[c])) for c in calls if c in incl)))
        if a.keep_profiles:
            shutil.copy(out, os.path.join(a.keep_profiles, "callgrind.lookup-loaded." + tag))
    return ratios, errors


# ---------------------------------------------------------------- (b) probe-insert

def probe_set(root, abi, count):
    """`count` modules (plain .ko) by their number of dependencies in
    modules.dep (which lists the whole chain): the most, then halving."""
    moddir = os.path.join(root, "lib", "modules", abi)
    deps = {}
    with open(os.path.join(moddir, "modules.dep"), encoding="utf-8") as f:
        for line in f:
            path, _, rest = line.partition(":")
            deps[path.strip()] = rest.split()

    def name(p):
        return re.sub(r"\.ko$", "", os.path.basename(p)).replace("-", "_")

    ranked = sorted((p for p in deps if p.endswith(".ko")),
                    key=lambda p: (-len(deps[p]), name(p)))
    # The longest chain, then the first with at most half as many
    # dependencies, and so on: chains of several lengths, not four copies
    # of the same one.
    chosen = []
    for p in ranked:
        if len(chosen) == count:
            break
        if not chosen or len(deps[p]) + 1 <= (len(deps[chosen[-1]]) + 1) // 2:
            chosen.append(p)
    picked = []
    for p in chosen:
        size = sum(os.path.getsize(os.path.join(moddir, q)) for q in [p] + deps[p])
        picked.append((name(p), len(deps[p]) + 1, size))
    return picked


def fresh_kernel(a, work, tag):
    d = tempfile.mkdtemp(prefix="fk-%s." % tag, dir=work)
    rec = os.path.join(d, "recorded")
    open(rec, "w", encoding="utf-8").close()
    kdir = os.path.join(d, "k")
    subprocess.run([sys.executable, a.make_fake, rec, kdir], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(kdir, "registry"), "w", encoding="utf-8") as f:
        f.write("SigningPolicy REG_SZ warn\nAutoLoadPolicy REG_SZ enabled\n")
    return d, kdir


def etc_overlay(d, cert):
    """A command prefix: a private mount namespace whose /etc is the host's
    with pmod/keys/ (empty, or holding `cert`) laid over it; the host's
    /etc is not written."""
    upper, wdir = os.path.join(d, "upper"), os.path.join(d, "ovl-work")
    os.makedirs(os.path.join(upper, "pmod", "keys"))
    os.makedirs(wdir)
    if cert:
        shutil.copy(cert, os.path.join(upper, "pmod", "keys", os.path.basename(cert)))
    script = ('mount -t overlay overlay -o lowerdir=/etc,upperdir="$1",workdir="$2" /etc'
              ' && shift 2 && exec "$@"')
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh", upper, wdir]


def probe_run(a, work, label, client, name, cert_mode):
    d, kdir = fresh_kernel(a, work, label)
    moddir = os.path.join(a.root, "lib", "modules", a.abi)
    cfg = os.path.join(work, "empty.d")
    env = dict(os.environ, PMOD_FAKE_KERNEL=kdir, LD_PRELOAD=a.shim, PMOD_FAKE_TOKEN="enabled")
    env.pop("LD_LIBRARY_PATH", None)
    wrap = None
    if cert_mode is not None:
        wrap = etc_overlay(d, a.cert if cert_mode == "valid" else None)
    out = os.path.join(d, "callgrind.out")
    rc, stdout, stderr, ir = valgrind([client, moddir, cfg, "probe", name], out, env, wrap)
    try:
        with open(os.path.join(kdir, "calls.log"), encoding="utf-8") as f:
            calls = [l for l in f.read().splitlines() if not l.startswith("kacs_")]
    except OSError:
        calls = []
    loads = [l.split()[1] for l in calls if l.startswith(("finit_module ", "init_module "))]
    got = parts_of(out, PMOD_PARTS) if cert_mode is not None and ir is not None else {}
    if a.keep_profiles and ir is not None:
        shutil.copy(out, os.path.join(a.keep_profiles, "callgrind.probe." + label))
    syslog = ""
    try:
        with open(os.path.join(kdir, "syslog.log"), encoding="utf-8") as f:
            syslog = f.read()
    except OSError:
        pass
    shutil.rmtree(d)
    return label, dict(rc=rc, out=stdout, err=stderr, ir=ir, loads=loads, parts=got,
                       syslog=syslog)


def probes(a, work):
    mods = probe_set(a.root, a.abi, a.probe)
    configs = [("kmod", a.client_kmod, None), ("untrusted", a.client_pmod, "untrusted")]
    if a.cert:
        configs.append(("valid", a.client_pmod, "valid"))
    jobs = [(m, cfg, client, mode) for m in mods for cfg, client, mode in configs]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        done = dict(pool.map(lambda j: probe_run(a, work, "%s.%s" % (j[0][0], j[1]), j[2],
                                                 j[0][0], j[3]), jobs))
    errors = 0
    for name, _, _ in mods:
        k = done["%s.kmod" % name]
        for cfg, _, _ in configs:
            r = done["%s.%s" % (name, cfg)]
            if r["rc"] != 0 or r["ir"] is None or not r["loads"]:
                print("ERROR %s %s: exit %d, loads %r: %s" % (
                    name, cfg, r["rc"], r["loads"], r["err"].decode(errors="replace")[-400:]))
                errors += 1
            elif r["out"] != k["out"] or r["loads"] != k["loads"]:
                print("ERROR %s %s: differs from kmod: output %r / %r, loads %r / %r" % (
                    name, cfg, k["out"], r["out"], k["loads"], r["loads"]))
                errors += 1
        if a.cert:
            v = done["%s.valid" % name]
            if "untrusted" in v["syslog"] or "unsigned" in v["syslog"]:
                print("ERROR %s valid: a signature was not valid: %s" % (name, v["syslog"][-300:]))
                errors += 1

    print()
    print("(b) udev-style probe-insert (lookup, initstate, probe_insert_module with "
          "KMOD_PROBE_APPLY_BLACKLIST), fake kernel excluded:")
    hdr = "%-26s %4s %11s %12s %12s %6s" % ("module", "mods", "bytes", "kmod Ir",
                                            "pmod untr.", "ratio")
    if a.cert:
        hdr += " %12s %6s %12s %12s %6s" % ("pmod valid", "ratio", "verify", "valid-verify",
                                              "ratio")
    print(hdr)
    ok = True
    per_module = []
    for name, n, size in mods:
        k = done["%s.kmod" % name]["ir"]
        u = done["%s.untrusted" % name]
        line = "%-26s %4d %11s %12s %12s %6.3f" % (name[:26], n, fmt(size), fmt(k),
                                                  fmt(u["ir"]), u["ir"] / k)
        if a.cert:
            v = done["%s.valid" % name]
            ver = v["parts"]["verifier_check"]
            line += " %12s %6.3f %12s %12s %6.3f" % (fmt(v["ir"]), v["ir"] / k, fmt(ver),
                                                      fmt(v["ir"] - ver), (v["ir"] - ver) / k)
            ok = ok and v["ir"] - ver <= k
            per_module.append((name, n, size, v, u))
        else:
            ok = ok and u["ir"] - u["parts"]["verifier_check"] <= k
        print(line)

    if a.cert:
        print()
        print("Verification per context and per module (valid runs; inclusive Ir):")
        print("%-26s %12s %12s %12s %12s %14s %10s" % (
            "module", "verify", "of it store", "of it init", "per module", "per module",
            "Ir/byte"))
        # "per module" for a valid verdict: what is left once the trust store
        # and libcrypto's set-up (paid once per context) are taken out,
        # divided by the modules verified: digest of the bytes and an RSA
        # check. For an untrusted one: the PKCS#7 decode without the set-up.
        print("%-26s %12s %12s %12s %12s %14s %10s" % (
            "", "(all)", "(once)", "(once)", "(the rest/N)", "untr. (v-init)/N", ""))
        for name, n, size, v, u in per_module:
            ver = v["parts"]["verifier_check"]
            store = v["parts"]["trust_store_get"]
            init = v["parts"]["OPENSSL_init_crypto"]
            rest = ver - store - init
            print("%-26s %12s %12s %12s %12s %14s %10.1f" % (
                name[:26], fmt(ver), fmt(store), fmt(init), fmt(rest // n),
                fmt((u["parts"]["verifier_check"] - u["parts"]["OPENSSL_init_crypto"]) // n),
                rest / size))
    print()
    print("probe-insert: pmod minus verification <= kmod: %s" % ("met" if ok else "NOT met"))
    return ok, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("client_kmod", "client_pmod", "shim", "make_fake", "kmod_modprobe", "abi",
                 "root"):
        ap.add_argument(name)
    ap.add_argument("--cert", help="the kernel's signing certificate (DER)")
    ap.add_argument("--per-bus", type=int, default=4)
    ap.add_argument("--per-kernel-prefix", type=int, default=2)
    ap.add_argument("--deepest", type=int, default=20)
    ap.add_argument("--probe", type=int, default=4,
                    help="modules probe-inserted: the longest chain, then chains of at "
                    "most half as many modules each (4)")
    ap.add_argument("--target", type=float, default=0.5)
    ap.add_argument("--top", type=int, default=15, help="functions shown per library (15)")
    ap.add_argument("--only", choices=["lookup", "probe"])
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--keep-profiles", metavar="DIR")
    a = ap.parse_args()
    a.make_fake = os.path.abspath(a.make_fake)
    if a.keep_profiles:
        os.makedirs(a.keep_profiles, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="libkmod-bench.") as work:
        os.mkdir(os.path.join(work, "empty.d"))
        requests = []
        if a.only != "probe":
            requests = modprobe_bench().request_set(
                a.kmod_modprobe, os.path.join(work, "empty.d"), a.root, a.abi, a.per_bus,
                a.per_kernel_prefix, a.deepest)
        if a.list:
            for cat, req in requests:
                print("%-16s %s" % (cat, req))
            for name, n, size in probe_set(a.root, a.abi, a.probe):
                print("%-16s %s (%d modules, %d bytes)" % ("probe", name, n, size))
            return 0
        print("date: %s" % time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()))
        print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
        print("tree: %s under %s" % (a.abi, a.root))
        status, errors = 0, 0
        if a.only != "probe":
            cats = modprobe_bench().count_by(requests)
            print("requests: %d (%s)" % (len(requests), ", ".join("%s %d" % c for c in cats)))
            print("command (a): valgrind --tool=callgrind --trace-children=no CLIENT "
                  "ROOT/lib/modules/ABI EMPTY_DIR lookup|lookup-loaded REQUEST...")
            sys.stdout.flush()
            ratios, e = lookups(a, work, requests)
            errors += e
            print()
            for label, r in ratios.items():
                print("lookup + dependencies, %s: pmod/kmod = %.3f (target <= %.2f): %s" % (
                    label, r, a.target, "met" if r <= a.target else "NOT met"))
                if r > a.target:
                    status = 1
        if a.only != "lookup":
            print()
            print("command (b): PMOD_FAKE_KERNEL=FRESH LD_PRELOAD=SHIM PMOD_FAKE_TOKEN=enabled "
                  "[unshare -m, overlay /etc/pmod/keys] valgrind --tool=callgrind "
                  "--trace-children=no %s CLIENT ROOT/lib/modules/ABI EMPTY_DIR probe NAME"
                  % " ".join(TOGGLES))
            sys.stdout.flush()
            ok, e = probes(a, work)
            errors += e
            if not ok:
                status = 1
        print("load average at end: %.2f %.2f %.2f" % os.getloadavg())
    if errors:
        print("%d error(s): the figures are not a result" % errors)
        return 3
    return status


if __name__ == "__main__":
    sys.exit(main())
