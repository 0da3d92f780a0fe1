#!/usr/bin/python3
"""Differential test: pmod's modinfo against kmod's modinfo (the reference).

Usage: modinfo_vs_kmod.py --pmod PATH [--abi ABI] [--root ROOT] [--kmod PATH]

ROOT holds lib/modules/ABI/ (see testsuite/prepare-trees.sh); ROOT-zst,
ROOT-xz and ROOT-gz are the same tree with compressed modules. Without
--abi/--root the environment variables PMOD_TEST_ABI and PMOD_TEST_ROOT are
used; if neither gives them the test is skipped (exit 77).

Each case runs both tools once, over many arguments, and compares stdout byte
for byte plus the exit status (stderr is not compared).

--sanitizer-build (the AddressSanitizer build's run): every module is still
read in full under the sanitizers, once per tree and format (the "full
output" and "name" cases), but the field selections ask every tenth module
only: they print parts of what the full output prints, and over the whole
tree they were most of that build's run. One line per case:
"ok   CASE" or "FAIL CASE: ...", then "N passed, M failed"; exit 1 on failure.
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
TIMEOUT = 300  # seconds, per process
SANITIZER_RE = re.compile(rb"^.*(ERROR: [A-Za-z]+Sanitizer|runtime error: |"
                          rb"SUMMARY: [A-Za-z]+Sanitizer)", re.M)


def die(msg, code=2):
    print(f"modinfo_vs_kmod: {msg}", file=sys.stderr)
    sys.exit(code)


def find_kmod():
    """kmod's modinfo, never pmod's: the candidate must say it is kmod."""
    for cand in ("/usr/sbin/modinfo", "/sbin/modinfo", shutil.which("modinfo"),
                 "/usr/bin/modinfo"):
        if not cand or not os.access(cand, os.X_OK):
            continue
        out = subprocess.run([cand, "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
        if out.startswith(b"kmod version"):
            return cand
    return None


def norm(name):
    """Module name as kmod normalises a file name: cut at the first '.',
    '-' -> '_'."""
    return os.path.basename(name).split(".", 1)[0].replace("-", "_")


def every_nth(items, want):
    if not items:
        return []
    step = max(1, len(items) // want)
    return items[::step][:want]


def run(argv):
    """Run one process; returns (stdout bytes, exit status, stderr bytes).
    A timeout becomes exit status 'timeout'."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        return p.stdout, p.returncode, p.stderr
    except subprocess.TimeoutExpired as e:
        return e.stdout or b"", "timeout", e.stderr or b""


def split_lines(data, sep):
    parts = data.split(sep)
    if parts and parts[-1] == b"":
        parts.pop()
    return parts


def count_diff_lines(a, b):
    """Lines removed + lines added, by GNU diff (falls back to a positional
    count)."""
    if shutil.which("diff"):
        with tempfile.NamedTemporaryFile() as fa, tempfile.NamedTemporaryFile() as fb:
            fa.write(b"".join(line + b"\n" for line in a))
            fb.write(b"".join(line + b"\n" for line in b))
            fa.flush()
            fb.flush()
            p = subprocess.run(["diff", "-a", fa.name, fb.name],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            return sum(1 for line in p.stdout.split(b"\n")
                       if line.startswith(b"<") or line.startswith(b">"))
    n = max(len(a), len(b))
    return sum(1 for i in range(n)
               if (a[i] if i < len(a) else None) != (b[i] if i < len(b) else None))


def short(line, limit=200):
    if line is None:
        return "<end of output>"
    s = repr(line)[2:-1]
    return s if len(s) <= limit else s[:limit] + "..."


class Case:
    """ref_argv runs the reference, pmod_args are given to pmod. transform,
    if set, rewrites the reference's stdout before the comparison. sep is the
    line separator used to report differences (NUL for -0)."""

    def __init__(self, name, ref_argv, pmod_args, transform=None, sep=b"\n"):
        self.name = name
        self.ref_argv = ref_argv
        self.pmod_args = pmod_args
        self.transform = transform
        self.sep = sep


def check(case, pmod):
    ref_out, ref_rc, _ = run(case.ref_argv)
    if case.transform:
        ref_out = case.transform(ref_out)
    out, rc, err = run([pmod] + case.pmod_args)
    problems = []
    if out != ref_out:
        a = split_lines(ref_out, case.sep)
        b = split_lines(out, case.sep)
        first = next((i for i in range(max(len(a), len(b)))
                      if (a[i] if i < len(a) else None) != (b[i] if i < len(b) else None)),
                     None)
        if first is None:  # differ only in a trailing separator
            first = max(len(a), len(b)) - 1
        la = a[first] if first < len(a) else None
        lb = b[first] if first < len(b) else None
        problems.append(
            f"line {first + 1} differs\n      kmod: {short(la)}\n      pmod: {short(lb)}\n"
            f"      {count_diff_lines(a, b)} differing lines "
            f"(kmod {len(a)} lines, pmod {len(b)} lines)")
    if rc != ref_rc:
        problems.append(f"exit status kmod={ref_rc} pmod={rc}")
    # A sanitizer report fails the case even when stdout and the exit status
    # match (UBSan's halt_on_error exits 1, like a "not found").
    m = SANITIZER_RE.search(err)
    if m:
        report = err[m.start():].decode(errors="replace").splitlines()[:8]
        problems.append("sanitizer report in pmod stderr:\n      " + "\n      ".join(report))
    elif problems and err:
        tail = err.decode(errors="replace").strip().splitlines()[-5:]
        problems.append("pmod stderr (tail):\n      " + "\n      ".join(tail))
    if isinstance(rc, int) and rc < 0 and not any("exit status" in p for p in problems):
        problems.append(f"pmod killed by signal {-rc}")
    if problems:
        return f"FAIL {case.name}: " + "\n    ".join(problems)
    return f"ok   {case.name}"


def list_modules(moddir, ext):
    out = []
    for dirpath, dirnames, filenames in os.walk(moddir):
        dirnames.sort()
        for f in filenames:
            if f.endswith(ext):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def read_lines(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def build_cases(kmod, abi, root, sanitizer_build=False):
    moddir = os.path.join(root, "lib", "modules", abi)
    kos = list_modules(moddir, ".ko")
    if not kos:
        die(f"no .ko files under {moddir}")
    field_kos = every_nth(kos, len(kos) // 10) if sanitizer_build else kos
    names = sorted({norm(p) for p in kos})
    base = ["-b", root, "-k", abi]
    cases = []

    def both(name, args, **kw):
        cases.append(Case(name, [kmod] + args, args, **kw))

    # a. path mode, full output
    both("path: full output", kos)

    # b. path mode, field selections
    for opts in (["-F", "license"], ["-F", "alias"], ["-F", "parm"], ["-F", "parmtype"],
                 ["-F", "signer"], ["-F", "sig_key"], ["-F", "sig_hashalgo"],
                 ["-F", "sig_id"], ["-F", "signature"], ["-F", "vermagic"],
                 ["-F", "depends"], ["-F", "softdep"], ["-F", "name"],
                 ["-F", "filename"], ["-F", "Alias"], ["-F", "no_such_field"],
                 ["-a"], ["-d"], ["-l"], ["-p"], ["-n"]):
        both("path: " + " ".join(opts), opts + field_kos)
    both("path: -0", ["-0"] + field_kos, sep=b"\0")
    both("path: -0 -F alias", ["-0", "-F", "alias"] + field_kos, sep=b"\0")

    # c. name mode
    both("name: every module", base + names)
    dashed = every_nth([n for n in names if "_" in n], 300)
    both("name: '_' as '-' (sample)", base + [n.replace("_", "-") for n in dashed])
    both("name: -F signer", base + ["-F", "signer"] + names)
    # pmod's --root moves the module directory the way kmod's -b does.
    cases.append(Case("name: pmod --root ROOT vs kmod -b ROOT",
                      [kmod] + base + names, ["--root", root, "-k", abi] + names))

    # d. aliases, symbols, built-in modules, --modname
    alias_file = os.path.join(moddir, "modules.alias")
    aliases = []
    for line in read_lines(alias_file) if os.path.exists(alias_file) else []:
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == "alias":
            aliases.append(parts[1])
    sample = every_nth(aliases, 300)
    if sample:
        both("alias: patterns as given (sample)", base + sample)
        # The same aliases made concrete, as the kernel would request them.
        concrete = [re.sub(r"[*?]", "", a) for a in sample if "[" not in a]
        both("alias: concrete modaliases (sample)", base + concrete)
    sym_file = os.path.join(moddir, "modules.symbols")
    symbols = []
    for line in read_lines(sym_file) if os.path.exists(sym_file) else []:
        parts = line.split()
        if len(parts) == 3 and parts[1].startswith("symbol:"):
            symbols.append(parts[1])
    if symbols:
        both("alias: symbol: (sample)", base + every_nth(symbols, 100))
    builtin_file = os.path.join(moddir, "modules.builtin")
    builtins = sorted({norm(p) for p in read_lines(builtin_file)}) \
        if os.path.exists(builtin_file) else []
    if builtins:
        both("builtin: every built-in module", base + builtins)
        both("builtin: -F license", base + ["-F", "license"] + builtins)
        both("builtin: -p", base + ["-p"] + builtins)
        both("builtin: -0", base + ["-0"] + builtins, sep=b"\0")
    modname_args = every_nth(names, 100) + every_nth(builtins, 20) + \
        [n.replace("_", "-") for n in every_nth(dashed, 10)]
    both("modname: -m sample", base + ["-m"] + modname_args)
    both("modname: -m with aliases (not found)",
         base + ["-m"] + every_nth(names, 5) + sample[:5] + every_nth(symbols, 3))

    # e. compressed trees
    for fmt in ("zst", "xz"):
        croot = f"{root}-{fmt}"
        cmoddir = os.path.join(croot, "lib", "modules", abi)
        ckos = list_modules(cmoddir, ".ko." + fmt)
        if len(ckos) != len(kos):
            die(f"{cmoddir}: {len(ckos)} .ko.{fmt} files, expected {len(kos)} "
                "(run testsuite/prepare-trees.sh)")
        both(f"{fmt}: path full output", ckos)
        both(f"{fmt}: path -F signer", ["-F", "signer"] + ckos)
        both(f"{fmt}: name mode", ["-b", croot, "-k", abi] + names)

    # f. gzip: kmod 30 cannot read .ko.gz, so the reference is its output for
    # the uncompressed tree with the filename lines rewritten.
    groot = f"{root}-gz"
    gmoddir = os.path.join(groot, "lib", "modules", abi)
    gkos = list_modules(gmoddir, ".ko.gz")
    if len(gkos) != len(kos):
        die(f"{gmoddir}: {len(gkos)} .ko.gz files, expected {len(kos)} "
            "(run testsuite/prepare-trees.sh)")
    plain_of_gz = [root + p[len(groot):-len(".gz")] for p in gkos]
    old_prefix = root.encode() + b"/"
    new_prefix = groot.encode() + b"/"

    def gz_filenames(out, field_re=re.compile(rb"^(filename:\s*|)(.*\.ko)$")):
        res = []
        for line in out.split(b"\n"):
            m = field_re.match(line)
            if m and m.group(2).startswith(old_prefix):
                line = m.group(1) + new_prefix + m.group(2)[len(old_prefix):] + b".gz"
            res.append(line)
        return b"\n".join(res)

    def gz_full(out):
        return gz_filenames(out)

    cases.append(Case("gz: path full output", [kmod] + plain_of_gz, gkos,
                      transform=gz_full))
    cases.append(Case("gz: path -F signer", [kmod, "-F", "signer"] + plain_of_gz,
                      ["-F", "signer"] + gkos))
    cases.append(Case("gz: path -n", [kmod, "-n"] + plain_of_gz, ["-n"] + gkos,
                      transform=gz_full))

    # g. errors
    both("error: unknown name", base + ["pmod_no_such_module"])
    both("error: unknown name among known ones",
         base + [names[0], "pmod_no_such_module", names[-1]])
    both("error: missing path", base + [os.path.join(moddir, "pmod-no-such.ko")])
    both("error: -m unknown name", base + ["-m", "pmod_no_such_module"])
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pmod", required=True, help="pmod's modinfo executable")
    ap.add_argument("--abi", default=os.environ.get("PMOD_TEST_ABI"))
    ap.add_argument("--root", default=os.environ.get("PMOD_TEST_ROOT"))
    ap.add_argument("--kmod", default=None, help="reference modinfo (default: kmod's, from PATH)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-k", "--filter", default=None, help="only cases whose name contains this")
    ap.add_argument("--sanitizer-build", action="store_true",
                    help="field selections over a tenth of the modules")
    args = ap.parse_args()

    if not args.abi or not args.root:
        print("modinfo_vs_kmod: SKIP: no test tree; pass --abi/--root or set "
              "PMOD_TEST_ABI and PMOD_TEST_ROOT (see testsuite/prepare-trees.sh)")
        sys.exit(SKIP)
    root = os.path.abspath(args.root)
    if not os.path.isdir(os.path.join(root, "lib", "modules", args.abi)):
        die(f"{root}/lib/modules/{args.abi} does not exist")
    pmod = os.path.abspath(args.pmod)
    if not os.access(pmod, os.X_OK):
        die(f"{pmod} is not executable")
    kmod = args.kmod or find_kmod()
    if not kmod:
        die("kmod's modinfo not found (install kmod)")
    ver = subprocess.run([kmod, "-V"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if not ver.stdout.startswith(b"kmod version"):
        die(f"{kmod} does not look like kmod's modinfo")

    cases = build_cases(kmod, args.abi, root, args.sanitizer_build)
    if args.filter:
        cases = [c for c in cases if args.filter in c.name]
    print(f"# reference: {kmod} ({ver.stdout.splitlines()[0].decode()}); "
          f"pmod: {pmod}; {len(cases)} cases", flush=True)

    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        for line in ex.map(lambda c: check(c, pmod), cases):
            print(line, flush=True)
            if not line.startswith("ok"):
                failed += 1
    print(f"{len(cases) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
