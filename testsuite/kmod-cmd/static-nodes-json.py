#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kmod static-nodes --json against the text formats of the same run.

The modules.devname of the Debian tree (PMOD_TEST_ROOT), with two lines
added that must be left out (a bad type, a device outside /dev), is given
to `kmod static-nodes` in every format and with --json. Each text format
is rebuilt from the document alone and must equal the tool's output byte
for byte; every left-out line is in "problems" with its line number and
the reason stderr gave; the exit status is the text output's. A missing
modules.devname is an empty "nodes" list, success, and --output writes
the document to the file.

usage: static-nodes-json.py PMOD_KMOD   (exit 77 without PMOD_TEST_ROOT)
"""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(what, ok):
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def run(kmod, root, *args):
    p = subprocess.run([kmod, "static-nodes", "--root=" + root, *args],
                       capture_output=True, text=True, timeout=30)
    return p.returncode, p.stdout, p.stderr


def human(n):
    kind = "character" if n["type"] == "c" else "block"
    return (f"Module: {n['module']}\n\tDevice node: {n['path']}\n\t\tType: {kind} device\n"
            f"\t\tMajor: {n['major']}\n\t\tMinor: {n['minor']}\n")


def tmpfiles(n):
    lead = f"d {n['directory']} 0755 - - -\n" if "directory" in n else ""
    return lead + f"{n['type']}! {n['path']} 0600 - - - {n['major']}:{n['minor']}\n"


def devname(n):
    return f"{n['module']} {n['device']} {n['type']}{n['major']}:{n['minor']}\n"


def main():
    kmod = sys.argv[1]
    tree = os.environ.get("PMOD_TEST_ROOT")
    abi = os.environ.get("PMOD_TEST_ABI")
    if not tree or not abi:
        print("PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped")
        return 77
    release = os.uname().release
    with open(os.path.join(tree, "lib/modules", abi, "modules.devname")) as f:
        debian = f.read()
    with tempfile.TemporaryDirectory() as work:
        root = os.path.join(work, "root")
        moddir = os.path.join(root, "lib/modules", release)
        os.makedirs(moddir)
        text = debian + "bad x9:1\nevil ../etc/passwd c1:2\n"
        with open(os.path.join(moddir, "modules.devname"), "w") as f:
            f.write(text)

        rc, out, err = run(kmod, root, "--json")
        doc = json.loads(out)
        check("envelope", list(doc)[:2] == ["schema_version", "command"]
              and doc["schema_version"] == 1 and doc["command"] == "kmod static-nodes")
        check("file", doc["file"] == os.path.join(moddir, "modules.devname"))
        nodes = doc["nodes"]
        usable = [l for l in debian.splitlines() if l and not l.startswith("#")]
        check(f"{len(usable)} nodes (got {len(nodes)})", len(nodes) == len(usable))
        check("a node in a subdirectory is among them",
              any("directory" in n for n in nodes))
        for fmt, rebuild in (("human", human), ("tmpfiles", tmpfiles), ("devname", devname)):
            trc, tout, terr = run(kmod, root, "--format=" + fmt)
            check(f"{fmt}: rebuilt from the JSON", "".join(map(rebuild, nodes)) == tout)
            check(f"{fmt}: exit status {trc} = --json's {rc}", trc == rc)
            check(f"{fmt}: the same messages", terr == err)
        check("exit status 1 for the bad lines", rc == 1)
        problems = doc.get("problems", [])
        nlines = len(text.splitlines())
        check("problems: the two bad lines",
              [p["line"] for p in problems] == [nlines - 1, nlines])
        for p in problems:
            check(f"problem of line {p['line']} said on stderr",
                  f"line {p['line']}: {p['problem']}" in err)

        out_file = os.path.join(work, "new/dir/static-nodes.json")
        orc, oout, _ = run(kmod, root, "--json", "--output=" + out_file)
        with open(out_file) as f:
            check("--output: the same document", json.load(f) == doc and oout == "" and orc == rc)

        os.remove(os.path.join(moddir, "modules.devname"))
        mrc, mout, merr = run(kmod, root, "--json")
        check("missing file: success, no nodes, the warning",
              mrc == 0 and json.loads(mout)["nodes"] == [] and "not found" in merr)
    print(f"{'FAIL' if failures else 'ok'}: static-nodes --json, {len(nodes)} nodes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
