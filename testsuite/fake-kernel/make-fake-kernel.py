#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build a fake kernel directory (for PMOD_FAKE_KERNEL) from a recorded
/proc/modules file.

    make-fake-kernel.py PROC_MODULES DIR [--modules-disabled] [--compression FMT]
                        [--builtin-dir NAME ...] [--cmdline TEXT]

DIR/proc/modules is a byte copy of the recording. For every line
"NAME SIZE REFCNT HOLDERS STATE ..." DIR/sys/module/NAME/ gets:
  initstate  live / coming / going  (from Live / Loading / Unloading)
  coresize   SIZE
  taint      the letters of the "(...)" column, without its +/- marks
             (an empty line when the module is not tainted, as sysfs has it)
  refcnt     REFCNT   (absent when the column is '-': no CONFIG_MODULE_UNLOAD)
  holders/   one symlink ../../H per holder H in the HOLDERS column
             ('[permanent]' is not a module and is skipped; no holders/
             directory at all when REFCNT is '-')
Lines that cannot be understood are copied to proc/modules but get no
sysfs state, so hostile recordings can be replayed too.
"""
import argparse
import os
import sys

STATES = {"Live": "live", "Loading": "coming", "Unloading": "going"}


def safe_name(name):
    return name and "/" not in name and name not in (".", "..") and len(name) < 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("proc_modules")
    ap.add_argument("dir")
    ap.add_argument("--modules-disabled", action="store_true")
    ap.add_argument("--compression")
    ap.add_argument("--builtin-dir", action="append", default=[])
    ap.add_argument("--cmdline", default="")
    args = ap.parse_args()

    with open(args.proc_modules, "rb") as f:
        recorded = f.read()
    os.makedirs(os.path.join(args.dir, "proc", "sys", "kernel"), exist_ok=True)
    sysmod = os.path.join(args.dir, "sys", "module")
    os.makedirs(sysmod, exist_ok=True)
    with open(os.path.join(args.dir, "proc", "modules"), "wb") as f:
        f.write(recorded)
    with open(os.path.join(args.dir, "proc", "cmdline"), "w") as f:
        f.write(args.cmdline + "\n")
    with open(os.path.join(args.dir, "proc", "sys", "kernel", "modules_disabled"), "w") as f:
        f.write("1\n" if args.modules_disabled else "0\n")
    if args.compression:
        with open(os.path.join(sysmod, "compression"), "w") as f:
            f.write(args.compression + "\n")
    for name in args.builtin_dir:
        os.makedirs(os.path.join(sysmod, name, "parameters"), exist_ok=True)

    for raw in recorded.split(b"\n"):
        fields = raw.decode("utf-8", "replace").split()
        if len(fields) < 5 or not safe_name(fields[0]):
            continue
        name, size, refcnt, holders, state = fields[:5]
        d = os.path.join(sysmod, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "initstate"), "w") as f:
            f.write(STATES.get(state, state.lower()) + "\n")
        with open(os.path.join(d, "coresize"), "w") as f:
            f.write(size + "\n")
        taint = ""
        if len(fields) >= 7 and fields[6].startswith("(") and fields[6].endswith(")"):
            taint = fields[6][1:-1].replace("+", "").replace("-", "")
        with open(os.path.join(d, "taint"), "w") as f:
            f.write(taint + "\n")
        if refcnt == "-":
            continue
        with open(os.path.join(d, "refcnt"), "w") as f:
            f.write(refcnt + "\n")
        os.makedirs(os.path.join(d, "holders"), exist_ok=True)
        if holders != "-":
            for h in holders.split(","):
                if safe_name(h) and not h.startswith("["):
                    link = os.path.join(d, "holders", h)
                    if not os.path.lexists(link):
                        os.symlink("../../" + h, link)
    return 0


if __name__ == "__main__":
    sys.exit(main())
