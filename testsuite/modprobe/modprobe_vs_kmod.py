#!/usr/bin/python3
"""Differential test: pmod's modprobe against kmod 30's (the reference), on
the queries that touch no kernel state.

Usage: modprobe_vs_kmod.py --pmod PATH [--kmod PATH]

Reads PMOD_TEST_ROOT (holding lib/modules/ABI; ROOT-zst and ROOT-xz are the
same tree compressed) and PMOD_TEST_ABI; exits 77 (skipped) without them.

Cases, each comparing stdout byte for byte and the exit status (and stderr
where it says so):
  * --show-depends for every module name of the tree, and for every alias
    string of modules.alias, batched with -a (a batch whose outputs differ
    is rerun name by name to report the first differing name), with the
    default configuration and with a -C directory that uses every directive
    kmod 30 knows (alias with wildcards, options by name and by alias,
    install, remove, softdep pre/post through aliases, blacklist), on the
    plain, zstd and xz trees;
  * -c with that configuration; -R on names and aliases;
  * --show-modversions and --show-exports on module files;
  * the messages and exit codes of common failures.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
SANITIZER_RE = re.compile(rb"(ERROR: [A-Za-z]+Sanitizer|runtime error: )")

# Every directive kmod 30 parses (weakdep is kmod 33's: kmod 30 rejects it,
# so it is covered by the unit tests instead).
CONFIG = """\
# options, by name (dashes normalised, tabs made spaces) and by alias
options 8021q  gvrp=1\tmvrp=0
options my-vlan through_alias=1
options llc llc_opt=1
options snd-hda-intel index=1 model=auto
# aliases shadow real names and indexes; patterns use fnmatch
alias my-vlan 8021q
alias pat[0-9]-x* e1000e
alias fs-btrfs ext4
alias usbcore usb-storage
# install and remove commands (also resolvable by their exact name)
install garp /bin/true $CMDLINE_OPTS
install cmd-only-thing /bin/echo hello $CMDLINE_OPTS
remove 8021q /bin/true
# softdeps: through aliases, naming a dependency again, unresolvable targets
softdep ext4 pre: crc32c post: fs-vfat
softdep bridge pre: stp llc post: 8021q
softdep e1000e post: my-vlan
softdep snd_hda_intel pre: snd-hda-codec-realtek post: nosuchmodule
# blacklist: applies to alias lookups only
blacklist e1000e
blacklist snd-hda-codec-hdmi
"""

EXTRA_NAMES = [
    "my-vlan", "pat5-xyz", "fs-btrfs", "usbcore", "garp", "cmd-only-thing", "bridge",
    "e1000e", "snd-hda-intel", "snd_hda_intel", "symbol:stp_proto_register", "unix",
    "fs-ext4", "char-major-10-200", "crc32c", "nosuchmodule",
]


def die(msg, code=2):
    print(f"modprobe_vs_kmod: {msg}", file=sys.stderr)
    sys.exit(code)


def find_kmod():
    for cand in ("/usr/sbin/modprobe", "/sbin/modprobe"):
        if os.access(cand, os.X_OK):
            out = subprocess.run([cand, "--version"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL).stdout
            if out.startswith(b"kmod version"):
                return cand
    return None


def run(argv):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    return p.stdout, p.returncode, p.stderr


class Checker:
    def __init__(self, pmod, kmod):
        self.pmod, self.kmod = pmod, kmod
        self.passed = self.failed = 0

    def report(self, ok, name, why=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}: {why}")

    def compare(self, name, args, stderr=False):
        """Runs both tools with the same arguments; True when they agree."""
        kout, krc, kerr = run([self.kmod] + args)
        pout, prc, perr = run([self.pmod] + args)
        if SANITIZER_RE.search(perr):
            self.report(False, name, perr.decode(errors="replace")[:2000])
            return False
        why = []
        if kout != pout:
            kl, pl = kout.splitlines(), pout.splitlines()
            first = next((i for i in range(max(len(kl), len(pl)))
                          if i >= len(kl) or i >= len(pl) or kl[i] != pl[i]), None)
            why.append(f"stdout differs at line {first}: kmod "
                       f"{kl[first] if first is not None and first < len(kl) else None!r} "
                       f"pmod {pl[first] if first is not None and first < len(pl) else None!r}")
        if krc != prc:
            why.append(f"exit status kmod {krc} pmod {prc}")
        if stderr and kerr != perr:
            why.append(f"stderr kmod {kerr!r} pmod {perr!r}")
        return not why, "; ".join(why)

    def case(self, name, args, stderr=False):
        ok, why = self.compare(name, args, stderr)
        self.report(ok, name, why)

    def batched(self, name, base, names, batch=2000):
        """--show-depends -a over many names; a differing batch is narrowed
        down to its first differing name."""
        total = 0
        for i in range(0, len(names), batch):
            chunk = names[i:i + batch]
            ok, why = self.compare(name, base + ["-a"] + chunk)
            total += len(chunk)
            if ok:
                continue
            for n in chunk:
                ok1, why1 = self.compare(name, base + [n])
                if not ok1:
                    self.report(False, f"{name} [{n}]", why1)
                    return
            self.report(False, name, why)
            return
        self.report(True, f"{name} ({total} names, 0 mismatches)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pmod", required=True)
    ap.add_argument("--kmod")
    a = ap.parse_args()
    root, abi = os.environ.get("PMOD_TEST_ROOT"), os.environ.get("PMOD_TEST_ABI")
    if not root or not abi:
        print("PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped")
        return SKIP
    kmod = a.kmod or find_kmod()
    if kmod is None:
        print("kmod's modprobe not found: skipped")
        return SKIP
    moddir = os.path.join(root, "lib/modules", abi)
    if not os.path.isfile(os.path.join(moddir, "modules.dep.bin")):
        die(f"{moddir} has no modules.dep.bin (run testsuite/prepare-trees.sh)")

    with open(os.path.join(moddir, "modules.dep")) as f:
        names = [os.path.basename(l.split(":", 1)[0]).split(".", 1)[0] for l in f if ":" in l]
    with open(os.path.join(moddir, "modules.alias")) as f:
        aliases = sorted({l.split()[1] for l in f if l.startswith("alias ") and len(l.split()) >= 3})
    with open(os.path.join(moddir, "modules.symbols")) as f:
        symbols = [l.split()[1] for l in f if l.startswith("alias ")][::50]

    c = Checker(a.pmod, kmod)
    tmp = tempfile.mkdtemp(prefix="pmod-modprobe-")
    try:
        confdir = os.path.join(tmp, "modprobe.d")
        os.mkdir(confdir)
        with open(os.path.join(confdir, "every-directive.conf"), "w") as f:
            f.write(CONFIG)
        # An empty configuration directory, so the host's files do not count.
        empty = os.path.join(tmp, "empty.d")
        os.mkdir(empty)
        trees = [("plain", root)] + [(s, f"{root}-{s}") for s in ("zst", "xz")
                                     if os.path.isdir(f"{root}-{s}/lib/modules/{abi}")]
        for label, tree in trees:
            base = ["-d", tree, "-S", abi]
            c.batched(f"show-depends names {label}", base + ["-D", "-C", empty], names)
            c.batched(f"show-depends names {label} every-directive",
                      base + ["-D", "-C", confdir], names + EXTRA_NAMES)
        base = ["-d", root, "-S", abi]
        c.batched("show-depends aliases", base + ["-D", "-C", empty], aliases)
        c.batched("show-depends aliases every-directive", base + ["-D", "-C", confdir], aliases)
        c.batched("show-depends symbols", base + ["-D", "-C", confdir], symbols)
        c.case("show-depends default configuration 8021q", base + ["-D", "8021q"])
        c.case("show-depends with parameters", base + ["-D", "-C", confdir, "8021q", "a=1", "b"])
        c.case("show-depends by alias with parameters",
               base + ["-D", "-C", confdir, "my-vlan", "x=\"1 2\""])
        c.case("show-depends -i", base + ["-D", "-i", "-C", confdir, "ext4"])
        c.case("show-depends -i install", base + ["-D", "-i", "-C", confdir, "garp"])
        c.case("show-depends -b blacklisted name", base + ["-D", "-b", "-C", confdir, "e1000e"])
        c.case("show-config every-directive", base + ["-c", "-C", confdir])
        c.case("show-config default", base + ["-c"])
        c.case("show-config zst", ["-d", f"{root}-zst", "-S", abi, "-c", "-C", confdir])
        c.case("resolve names", base + ["-R", "-a", "-C", confdir] + names[::10] + EXTRA_NAMES)
        c.case("resolve aliases", base + ["-R", "-a", "-C", confdir] + aliases[::10])
        for mod in ("kernel/net/802/stp.ko", "kernel/net/8021q/8021q.ko",
                    "kernel/fs/ext4/ext4.ko", "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko"):
            path = os.path.join(moddir, mod)
            if os.path.exists(path):
                c.case(f"show-modversions {mod}", base + ["--show-modversions", path])
                c.case(f"show-exports {mod}", base + ["--show-exports", path])
                zpath = os.path.join(f"{root}-zst/lib/modules/{abi}", mod + ".zst")
                if os.path.exists(zpath):
                    c.case(f"show-exports {mod}.zst", base + ["--show-exports", zpath])
        # Failures: messages (stderr) and exit codes.
        c.case("not found", base + ["-C", empty, "-D", "nosuchmodule"], stderr=True)
        c.case("not found -a", base + ["-C", empty, "-D", "-a", "nosuch1", "8021q", "nosuch2"],
               stderr=True)
        c.case("not found -q", base + ["-C", empty, "-q", "-D", "nosuchmodule"], stderr=True)
        c.case("missing parameters", base + ["-C", empty], stderr=True)
        c.case("missing parameters -r", base + ["-C", empty, "-r"], stderr=True)
        c.case("bad wait value", base + ["-C", empty, "-r", "-w", "12x", "x"], stderr=True)
        c.case("remove builtin", base + ["-C", empty, "-r", "unix"], stderr=True)
        c.case("remove not found", base + ["-C", empty, "-r", "nosuchmodule"], stderr=True)
        c.case("resolve not found", base + ["-C", empty, "-R", "nosuchmodule"], stderr=True)
        c.case("unknown option", base + ["--no-such-option"])
        c.case("blacklisted alias is a quiet success", base + ["-C", confdir, "-D", "pat1-x"],
               stderr=True)
    finally:
        shutil.rmtree(tmp)
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
