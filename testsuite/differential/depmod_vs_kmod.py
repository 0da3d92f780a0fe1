#!/usr/bin/python3
"""Differential test: pmod's depmod against kmod's depmod (the reference).

Usage: depmod_vs_kmod.py --pmod PATH --checker PATH [--abi ABI] [--root ROOT]
                         [--kmod PATH] [--keep] [--sanitizer-build]

ROOT holds lib/modules/ABI/ (see testsuite/prepare-trees.sh); ROOT-zst and
ROOT-xz are the same tree with compressed modules. Without --abi/--root the
environment variables PMOD_TEST_ABI and PMOD_TEST_ROOT are used; if neither
gives them the test is skipped (exit 77). --checker is index-checker (built
from index-checker.c against libkmod).

The trees are never written to. For each tree a staged copy is made under
/tmp (directories created, module files hard-linked, the depmod inputs
modules.order, modules.builtin and modules.builtin.modinfo copied, the
prepared indexes left out), one for each depmod:
  kmod:  depmod -b KSTAGE ABI            (kmod 30 has no -o: writes in place)
  pmod:  depmod -b PSTAGE -o POUT ABI    (in place, like kmod, if --pmod is
                                          a kmod older than 31)
Then, per tree:
  * exit status, stdout and stderr are the same;
  * modules.dep, modules.alias, modules.softdep, modules.devname are
    byte-identical; modules.symbols has the same header and the same lines
    once sorted (kmod writes hash order), and pmod's is sorted;
  * pmod's modules.weakdep (which kmod 30 predates) holds the header and the
    "weakdep" lines kmod's modinfo finds in the modules, and is not written
    when there are none (as in Debian 6.1);
  * the same set of output files (and no leftovers), with the same modes;
  * pmod did not write into its input directory;
  * the checker finds every .bin index answering through libkmod exactly
    like kmod's (libkmod opens the modules to list dependencies, so pmod's
    outputs are hard-linked into another staged copy for it).
On the plain tree pmod's depmod runs three more times, with -j 1, with -j 2
and on a copy whose directory entries were created in reverse-sorted order
(on a tmpfs when there is room: on ext4 the listing order is a hash of the
name, whatever the creation order); every output file must be
byte-identical to the first run. Cases that need pmod-only behaviour say
"skip" when --pmod is itself kmod (detected with --version).

--sanitizer-build (the AddressSanitizer build's run): the plain and the
xz tree, and of the reruns only -j 2. Those runs still take every code path
(both readers, the decompressor, the threaded scan) under the sanitizers;
the zstd tree, -j 1 and the reverse-ordered copy check output equality
only, which the plain build's run already proves, and would double the
sanitizer build's time. The indexes are not read back through libkmod
either: that runs kmod's library and the checker, no pmod code, and took
two thirds of the sanitizer build's run.

One line per case: "ok   CASE", "skip CASE: why" or "FAIL CASE: ...", then
"N passed, M failed"; exit 1 on failure.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
TIMEOUT = 600  # seconds, per process
INPUTS = ("modules.order", "modules.builtin", "modules.builtin.modinfo")
TEXT_SAME = ("modules.dep", "modules.alias", "modules.softdep", "modules.devname")
SYMBOLS_HEADER = b"# Aliases for symbols, used by symbol_request()."
WEAKDEP_HEADER = b"# Weak dependencies extracted from modules themselves."
SANITIZER_RE = re.compile(rb"^.*(ERROR: [A-Za-z]+Sanitizer|runtime error: |"
                          rb"SUMMARY: [A-Za-z]+Sanitizer)", re.M)


def die(msg, code=2):
    print(f"depmod_vs_kmod: {msg}", file=sys.stderr)
    sys.exit(code)


def kmod_version(path):
    """kmod's version number if PATH is a kmod tool, else None."""
    try:
        out = subprocess.run([path, "--version"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.match(rb"kmod version (\d+)", out)
    return int(m.group(1)) if m else None


def find_kmod(tool):
    """kmod's TOOL, never pmod's: the candidate must say it is kmod."""
    for cand in (f"/usr/sbin/{tool}", f"/sbin/{tool}", shutil.which(tool),
                 f"/usr/bin/{tool}"):
        if cand and os.access(cand, os.X_OK) and kmod_version(cand) is not None:
            return cand
    return None


def norm(name):
    """Module name as kmod normalises a file name: cut at the first '.',
    '-' -> '_'."""
    return os.path.basename(name).split(".", 1)[0].replace("-", "_")


def run(argv, cwd):
    """Run one process: (stdout, exit status or 'timeout', stderr, seconds)."""
    t0 = time.monotonic()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, cwd=cwd)
        return p.stdout, p.returncode, p.stderr, time.monotonic() - t0
    except subprocess.TimeoutExpired as e:
        return e.stdout or b"", "timeout", e.stderr or b"", time.monotonic() - t0


def short(line, limit=200):
    if line is None:
        return "<end of file>"
    s = repr(line)[2:-1]
    return s if len(s) <= limit else s[:limit] + "..."


def diff_report(a, b, what_a="kmod", what_b="pmod"):
    """Where two byte strings first differ, by line; None if equal."""
    if a == b:
        return None
    if not a or not b:
        return f"{what_a if not a else what_b} is empty, the other is:\n      " + \
            "\n      ".join(short(line) for line in (a or b).split(b"\n")[:5])
    la, lb = a.split(b"\n"), b.split(b"\n")
    first = next((i for i in range(max(len(la), len(lb)))
                  if (la[i] if i < len(la) else None) != (lb[i] if i < len(lb) else None)),
                 max(len(la), len(lb)) - 1)
    sa, sb = set(la), set(lb)
    na, nb = a.count(b"\n"), b.count(b"\n")
    return (f"line {first + 1} differs\n"
            f"      {what_a}: {short(la[first] if first < len(la) else None)}\n"
            f"      {what_b}: {short(lb[first] if first < len(lb) else None)}\n"
            f"      {what_a} {len(a)} bytes, {na} lines; {what_b} {len(b)} bytes, "
            f"{nb} lines; {len(sa - sb)} distinct lines only in {what_a}, "
            f"{len(sb - sa)} only in {what_b}")


def read(path):
    with open(path, "rb") as f:
        return f.read()


# ------------------------------------------------------------------ staging

def walk_tree(moddir):
    """(directories, files, top-level entries) of a module directory,
    relative and sorted."""
    dirs, files = [], []
    for dirpath, dirnames, filenames in os.walk(moddir):
        rel = os.path.relpath(dirpath, moddir)
        if rel == ".":
            continue
        dirs.append(rel)
        for f in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            files.append(os.path.join(rel, f))
    return sorted(dirs), sorted(files), sorted(os.listdir(moddir))


def stage(src_root, dst_root, abi, reverse=False, copy=False):
    """Copy SRC_ROOT's module directory to DST_ROOT without the indexes:
    subdirectories' files hard-linked (copied if COPY or linking fails),
    top-level files other than modules.* and the depmod inputs copied.
    REVERSE creates the entries of every directory in reverse-sorted order.
    Returns the new module directory."""
    src = os.path.join(src_root, "lib", "modules", abi)
    dst = os.path.join(dst_root, "lib", "modules", abi)
    os.makedirs(dst)
    dirs, files, top = walk_tree(src)
    dirs.sort(key=lambda d: d.count("/"))  # parents first; stable
    if reverse:
        dirs = sorted(dirs, key=lambda d: (d.count("/"), d), reverse=True)
        dirs.sort(key=lambda d: d.count("/"))
        files.reverse()
        top.reverse()
    for name in top:
        s, d = os.path.join(src, name), os.path.join(dst, name)
        if os.path.islink(s):
            os.symlink(os.readlink(s), d)
        elif os.path.isdir(s):
            continue
        elif name in INPUTS or not name.startswith("modules."):
            shutil.copyfile(s, d)
    for rel in dirs:
        os.mkdir(os.path.join(dst, rel))
    for rel in files:
        s, d = os.path.join(src, rel), os.path.join(dst, rel)
        if os.path.islink(s):
            os.symlink(os.readlink(s), d)
            continue
        if not copy:
            try:
                os.link(s, d)
                continue
            except OSError:
                pass
        shutil.copyfile(s, d)
    return dst


def snapshot(moddir):
    """Everything about a directory tree that a stray write would change."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(moddir):
        for f in dirnames + filenames:
            p = os.path.join(dirpath, f)
            st = os.lstat(p)
            snap[os.path.relpath(p, moddir)] = (st.st_mode, st.st_size, st.st_mtime_ns,
                                                st.st_ino)
    return snap


def order_differs(a, b):
    """(directories listed in a different order, directories compared)."""
    n = diff = 0
    for dirpath, dirnames, filenames in os.walk(a):
        rel = os.path.relpath(dirpath, a)
        la = os.listdir(dirpath)
        lb = os.listdir(os.path.join(b, rel))
        n += 1
        if la != lb and len(la) > 1:
            diff += 1
    return diff, n


def tmpfs_with_room(need):
    """A writable tmpfs mount point with NEED bytes free, or None."""
    try:
        with open("/proc/mounts") as f:
            mounts = [line.split()[:3] for line in f]
    except OSError:
        return None
    for cand in ("/dev/shm", "/tmp", "/run/shm"):
        if not any(m[1] == cand and m[2] == "tmpfs" for m in mounts if len(m) == 3):
            continue
        try:
            st = os.statvfs(cand)
        except OSError:
            continue
        if st.f_bavail * st.f_frsize > need and os.access(cand, os.W_OK):
            return cand
    return None


def tree_size(moddir):
    total = 0
    for dirpath, dirnames, filenames in os.walk(moddir):
        for f in filenames:
            total += os.lstat(os.path.join(dirpath, f)).st_size
    return total


# ------------------------------------------------------------------ outputs

def in_place_outputs(moddir):
    """Files a depmod wrote into a staged module directory: every top-level
    non-directory except the staged inputs."""
    return {n: os.path.join(moddir, n) for n in os.listdir(moddir)
            if n not in INPUTS and not os.path.isdir(os.path.join(moddir, n))}


def outdir_outputs(outroot, abi):
    """Files a depmod wrote under -o OUTROOT: all of them, relative to
    lib/modules/ABI (anything elsewhere keeps a '../' path and shows up as
    unexpected)."""
    moddir = os.path.join(outroot, "lib", "modules", abi)
    res = {}
    for dirpath, dirnames, filenames in os.walk(outroot):
        for f in filenames:
            p = os.path.join(dirpath, f)
            res[os.path.relpath(p, moddir)] = p
    return res


class Side:
    """One depmod run: its result and where its outputs are."""

    def __init__(self, label, result, files, moddir):
        self.label = label
        self.out, self.rc, self.err, self.secs = result
        self.files = files      # name -> path
        self.moddir = moddir


class Harness:
    def __init__(self, args):
        self.abi = args.abi
        self.root = os.path.abspath(args.root)
        self.pmod = os.path.abspath(args.pmod)
        self.checker = os.path.abspath(args.checker)
        self.sanitizer_build = args.sanitizer_build
        self.kmod = args.kmod or find_kmod("depmod")
        if not self.kmod:
            die("kmod's depmod not found (install kmod)")
        self.kmod_ver = kmod_version(self.kmod)
        if self.kmod_ver is None:
            die(f"{self.kmod} does not look like kmod's depmod")
        # pmod's depmod may really be kmod: the validation of this harness.
        self.pmod_kmod_ver = kmod_version(self.pmod)
        self.pmod_is_kmod = self.pmod_kmod_ver is not None
        self.pmod_outdir = not self.pmod_is_kmod or self.pmod_kmod_ver >= 31
        self.keep = args.keep
        self.passed = self.failed = self.skipped = 0
        self.tmp = None

    # -------------------------------------------------------------- report
    def report(self, name, problems=None, note=None):
        if problems:
            self.failed += 1
            print(f"FAIL {name}: " + "\n    ".join(problems), flush=True)
        else:
            self.passed += 1
            print(f"ok   {name}" + (f" ({note})" if note else ""), flush=True)

    def skip(self, name, why):
        self.skipped += 1
        print(f"skip {name}: skipped ({why})", flush=True)

    # -------------------------------------------------------------- running
    def run_kmod(self, tree_root, label):
        stage_root = os.path.join(self.tmp, f"kmod-{label}")
        moddir = stage(tree_root, stage_root, self.abi)
        res = run([self.kmod, "-b", stage_root, self.abi], cwd=self.tmp)
        return Side(f"kmod {label}", res, in_place_outputs(moddir), moddir)

    def run_pmod(self, tree_root, label, extra=(), reverse=False, stage_root=None):
        """Runs pmod's depmod on a staged copy of TREE_ROOT (or on
        STAGE_ROOT, already staged). Returns (Side, input moddir, input
        snapshot before the run)."""
        if stage_root is None:
            stage_root = os.path.join(self.tmp, f"pmod-in-{label}")
            stage(tree_root, stage_root, self.abi, reverse=reverse)
        in_moddir = os.path.join(stage_root, "lib", "modules", self.abi)
        before = snapshot(in_moddir)
        if self.pmod_outdir:
            outroot = os.path.join(self.tmp, f"pmod-out-{label}")
            res = run([self.pmod, *extra, "-b", stage_root, "-o", outroot, self.abi],
                      cwd=self.tmp)
            side = Side(f"pmod {label}", res, outdir_outputs(outroot, self.abi),
                        os.path.join(outroot, "lib", "modules", self.abi))
        else:
            res = run([self.pmod, *extra, "-b", stage_root, self.abi], cwd=self.tmp)
            side = Side(f"pmod {label}", res, in_place_outputs(in_moddir), in_moddir)
        return side, in_moddir, before

    # -------------------------------------------------------------- checks
    def check_run(self, name, k, p):
        problems = []
        if p.rc != k.rc:
            problems.append(f"exit status kmod={k.rc} pmod={p.rc}")
        if p.out != k.out:
            problems.append("stdout differs: " + diff_report(k.out, p.out))
        m = SANITIZER_RE.search(p.err)
        if m:
            report = p.err[m.start():].decode(errors="replace").splitlines()[:8]
            problems.append("sanitizer report in pmod stderr:\n      " +
                            "\n      ".join(report))
        elif p.err != k.err:
            problems.append("stderr differs: " + diff_report(k.err, p.err))
        self.report(name, problems, note=f"kmod {k.secs:.1f} s, pmod {p.secs:.1f} s")
        return not problems

    def check_file(self, name, fname, k, p, transform=None):
        if fname not in k.files:
            self.report(name, [f"kmod wrote no {fname}"])
            return
        if fname not in p.files:
            self.report(name, [f"pmod wrote no {fname}"])
            return
        a, b = read(k.files[fname]), read(p.files[fname])
        if transform:
            a, b = transform(a), transform(b)
        r = diff_report(a, b)
        self.report(name, [r] if r else None)

    @staticmethod
    def sort_symbols(data):
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        head = lines[:1] if lines and lines[0].startswith(b"#") else []
        return b"\n".join(head + sorted(lines[len(head):])) + b"\n"

    def check_symbols_sorted(self, name, p):
        if self.pmod_is_kmod:
            self.skip(name, "reference writes hash order")
            return
        if "modules.symbols" not in p.files:
            self.report(name, ["pmod wrote no modules.symbols"])
            return
        data = read(p.files["modules.symbols"])
        lines = data.split(b"\n")
        problems = []
        if not data.endswith(b"\n"):
            problems.append("no final newline")
        lines = lines[:-1] if lines[-1] == b"" else lines
        if not lines or lines[0] != SYMBOLS_HEADER:
            problems.append(f"first line is {short(lines[0] if lines else None)}")
        body = lines[1:]
        bad = next((i for i in range(1, len(body)) if body[i - 1] > body[i]), None)
        if bad is not None:
            problems.append(f"not sorted at line {bad + 2}: {short(body[bad - 1])} > "
                            f"{short(body[bad])}")
        self.report(name, problems)

    def check_weakdep(self, name, k, p, expected):
        if self.pmod_is_kmod and self.pmod_kmod_ver < 33:
            self.skip(name, f"reference is kmod {self.pmod_kmod_ver}, before weakdep")
            return
        if not any(expected.values()):
            # No weak dependency: no file, so that the kernel package's
            # purge (a fixed list of depmod's files) leaves nothing behind.
            self.report(name, ["pmod wrote a modules.weakdep with no weak dependency"]
                        if "modules.weakdep" in p.files else None,
                        note="no weakdep lines expected, no file")
            return
        if "modules.weakdep" not in p.files:
            self.report(name, ["pmod wrote no modules.weakdep"])
            return
        # The module order is the reference's modules.dep order.
        order = [norm(line.split(b":", 1)[0].decode())
                 for line in read(k.files["modules.dep"]).split(b"\n") if line]
        want = WEAKDEP_HEADER + b"\n" + b"".join(
            f"weakdep {n} {v}\n".encode() for n in order for v in expected.get(n, []))
        r = diff_report(want, read(p.files["modules.weakdep"]), "expected", "pmod")
        self.report(name, [r] if r else None,
                    note=f"{sum(map(len, expected.values()))} weakdep lines expected")

    def check_file_set(self, name, k, p):
        ks, ps = set(k.files), set(p.files)
        if "modules.weakdep" not in ks and self.kmod_ver < 33:
            ps.discard("modules.weakdep")
        problems = []
        if ks - ps:
            problems.append("only kmod wrote: " + " ".join(sorted(ks - ps)))
        if ps - ks:
            problems.append("only pmod wrote: " + " ".join(sorted(ps - ks)))
        for f in sorted(ks & ps):
            mk = os.lstat(k.files[f]).st_mode
            mp = os.lstat(p.files[f]).st_mode
            if mk != mp:
                problems.append(f"{f}: mode kmod {mk:o} pmod {mp:o}")
        bins = sorted(f for f in ks & ps if f.endswith(".bin"))
        same = sum(1 for f in bins if read(k.files[f]) == read(p.files[f]))
        self.report(name, problems, note=f"{len(ks & ps)} files, {len(bins)} .bin "
                    f"of which {same} byte-identical to kmod's")

    def check_untouched(self, name, moddir, before):
        after = snapshot(moddir)
        changed = sorted(n for n in set(before) | set(after)
                         if before.get(n) != after.get(n))
        if not self.pmod_outdir:
            # Written in place: only the inputs and the modules must stay.
            changed = [n for n in changed if "/" in n or n in INPUTS]
        self.report(name, [f"{len(changed)} entries added, removed or changed: " +
                           " ".join(changed[:10])] if changed else None)

    def check_indexes(self, name, tree, label, k, p):
        moddir, view = p.moddir, None
        if self.pmod_outdir:
            # libkmod opens the modules themselves to list dependencies, so
            # the checker needs pmod's outputs next to the tree's modules.
            view = os.path.join(self.tmp, f"view-{label}")
            moddir = stage(tree, view, self.abi)
            for f, path in p.files.items():
                if "/" not in f:
                    if os.path.lexists(os.path.join(moddir, f)):
                        os.unlink(os.path.join(moddir, f))
                    os.link(path, os.path.join(moddir, f))
        # The compressed trees' indexes differ from the plain tree's only
        # in the modules' paths: libkmod's stdio reader, slow, reads the
        # plain tree's; its mmap reader reads every tree's.
        argv = [self.checker, k.moddir, moddir] + (["--mm-only"] if label != "root" else [])
        out, rc, err, secs = run(argv, cwd=self.tmp)
        if view:
            shutil.rmtree(view)
        text = (out + err).decode(errors="replace").strip().splitlines()
        summary = next((line for line in reversed(text)
                        if re.match(r"index-checker: \d+ requests", line)), None)
        if rc == 0:
            n = re.search(r"(\d+) requests", summary or "")
            self.report(name, note=f"{n.group(1) if n else '?'} lookups, "
                        f"10 dumps, {secs:.1f} s")
        else:
            self.report(name, [f"index-checker exit status {rc}"] +
                        ["  " + line for line in text[:30]])

    def check_identical(self, name, base, other):
        problems = []
        if other.rc != 0:
            problems.append(f"exit status {other.rc}: " +
                            other.err.decode(errors="replace").strip()[-300:])
        bs, os_ = set(base.files), set(other.files)
        if bs != os_:
            problems.append(f"file sets differ: only first run {sorted(bs - os_)}, "
                            f"only this run {sorted(os_ - bs)}")
        differ = [f for f in sorted(bs & os_)
                  if read(base.files[f]) != read(other.files[f])]
        if differ:
            problems.append("differ from the first run: " + " ".join(differ))
        if other.out != base.out or other.err != base.err:
            problems.append("stdout or stderr differs from the first run")
        return problems

    # -------------------------------------------------------------- main
    def weakdep_expected(self):
        """module name -> [weakdep values], from kmod's modinfo."""
        modinfo = find_kmod("modinfo")
        if not modinfo:
            die("kmod's modinfo not found (install kmod)")
        moddir = os.path.join(self.root, "lib", "modules", self.abi)
        kos = sorted(os.path.join(d, f) for d, _, fs in os.walk(moddir)
                     for f in fs if f.endswith(".ko"))
        out, rc, err, _ = run([modinfo, "-F", "weakdep", *kos], cwd=self.tmp)
        if rc != 0:
            die(f"{modinfo} -F weakdep failed: {err.decode(errors='replace')[-300:]}")
        res = {}
        if not out.strip():
            return res
        # Some modules have weakdeps: find out which, from the full output.
        out, rc, err, _ = run([modinfo, *kos], cwd=self.tmp)
        cur = None
        for line in out.decode(errors="surrogateescape").split("\n"):
            key, _, val = line.partition(":")
            if key == "filename":
                cur = norm(val.strip())
            elif key == "weakdep" and cur:
                res.setdefault(cur, []).append(val.strip())
        return res

    def main(self):
        os.umask(0o022)
        self.tmp = tempfile.mkdtemp(prefix="pmod-depmod-diff.", dir="/tmp")
        rev_tmp = None
        try:
            print(f"# reference: {self.kmod} (kmod version {self.kmod_ver}); pmod: "
                  f"{self.pmod}" + (f" (kmod version {self.pmod_kmod_ver}: validating "
                                    "the harness)" if self.pmod_is_kmod else "") +
                  f"; tmp: {self.tmp}", flush=True)
            weakdeps = self.weakdep_expected()
            base = None
            trees = (("root", ""), ("zst", "-zst"), ("xz", "-xz"))
            if self.sanitizer_build:
                trees = tuple(t for t in trees if t[0] != "zst")
            for label, suffix in trees:
                tree = self.root + suffix
                if not os.path.isdir(os.path.join(tree, "lib", "modules", self.abi)):
                    die(f"{tree}/lib/modules/{self.abi} does not exist "
                        "(run testsuite/prepare-trees.sh)")
                k = self.run_kmod(tree, label)
                p, in_moddir, before = self.run_pmod(tree, label)
                if label == "root":
                    base = p
                self.check_run(f"{label}: exit status, stdout, stderr", k, p)
                for f in TEXT_SAME:
                    self.check_file(f"{label}: {f}", f, k, p)
                self.check_file(f"{label}: modules.symbols (sorted)", "modules.symbols",
                                k, p, transform=self.sort_symbols)
                self.check_symbols_sorted(f"{label}: modules.symbols written sorted", p)
                self.check_weakdep(f"{label}: modules.weakdep", k, p, weakdeps)
                self.check_file_set(f"{label}: output files and modes", k, p)
                self.check_untouched(f"{label}: input directory untouched", in_moddir,
                                     before)
                name = f"{label}: .bin indexes answer alike via libkmod"
                if self.sanitizer_build:
                    # Only kmod's library and the checker run here, no pmod
                    # code: the sanitizers would watch nothing of pmod's.
                    self.skip(name, "sanitizer build: the plain build checks it")
                else:
                    self.check_indexes(name, tree, label, k, p)
                if label != "root":
                    shutil.rmtree(os.path.join(self.tmp, f"kmod-{label}"))
                    shutil.rmtree(os.path.join(self.tmp, f"pmod-in-{label}"))

            # Output independent of the number of threads.
            for jobs in (("2",) if self.sanitizer_build else ("1", "2")):
                name = f"root: pmod -j {jobs} output identical"
                if self.pmod_is_kmod:
                    self.skip(name, "reference has no -j")
                    continue
                p, _, _ = self.run_pmod(
                    None, f"j{jobs}", extra=("-j", jobs),
                    stage_root=os.path.join(self.tmp, "pmod-in-root"))
                self.report(name, self.check_identical(name, base, p),
                            note=f"{p.secs:.1f} s")

            # ... and of directory order.
            name = "root: pmod on reverse-ordered directory entries identical"
            if self.sanitizer_build:
                self.skip(name, "sanitizer build: the plain build checks it")
                return self.finish()
            src_moddir = os.path.join(self.root, "lib", "modules", self.abi)
            size = tree_size(src_moddir)
            fast = tmpfs_with_room(size * 3 // 2 + (64 << 20))
            if fast:
                rev_tmp = tempfile.mkdtemp(prefix="pmod-depmod-rev.", dir=fast)
                rev_root = os.path.join(rev_tmp, "root")
            else:
                rev_root = os.path.join(self.tmp, "pmod-in-rev")
            t0 = time.monotonic()
            rev_moddir = stage(self.root, rev_root, self.abi, reverse=True,
                               copy=bool(fast))
            copy_secs = time.monotonic() - t0
            differ, ndirs = order_differs(src_moddir, rev_moddir)
            if differ == 0:
                self.skip(name, f"could not change the listing order on "
                          f"{os.path.dirname(rev_root)}")
            else:
                p, _, _ = self.run_pmod(None, "rev", stage_root=rev_root)
                self.report(name, self.check_identical(name, base, p),
                            note=f"{differ}/{ndirs} directories list differently; "
                            f"{'copied to ' + fast if fast else 'linked'} in "
                            f"{copy_secs:.1f} s; depmod {p.secs:.1f} s")
        finally:
            if rev_tmp:
                shutil.rmtree(rev_tmp, ignore_errors=True)
            if self.keep:
                print(f"# kept {self.tmp}")
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)
        return self.finish()

    def finish(self):
        suffix = f" ({self.skipped} skipped)" if self.skipped else ""
        print(f"{self.passed} passed, {self.failed} failed{suffix}")
        return 1 if self.failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pmod", required=True, help="pmod's depmod executable")
    ap.add_argument("--checker", required=True, help="index-checker executable")
    ap.add_argument("--abi", default=os.environ.get("PMOD_TEST_ABI"))
    ap.add_argument("--root", default=os.environ.get("PMOD_TEST_ROOT"))
    ap.add_argument("--kmod", default=None,
                    help="reference depmod (default: kmod's, from PATH)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--sanitizer-build", action="store_true",
                    help="fewer reruns: see the description above")
    args = ap.parse_args()

    if not args.abi or not args.root:
        print("depmod_vs_kmod: SKIP: no test tree; pass --abi/--root or set "
              "PMOD_TEST_ABI and PMOD_TEST_ROOT (see testsuite/prepare-trees.sh)")
        sys.exit(SKIP)
    if not os.path.isdir(os.path.join(args.root, "lib", "modules", args.abi)):
        die(f"{args.root}/lib/modules/{args.abi} does not exist")
    for what, path in (("--pmod", args.pmod), ("--checker", args.checker)):
        if not os.access(path, os.X_OK):
            die(f"{what} {path} is not executable")
    sys.exit(Harness(args).main())


if __name__ == "__main__":
    main()
