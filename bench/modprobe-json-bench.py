#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time modprobe's text output against its --json output over a whole tree.

Usage: modprobe-json-bench.py PMOD_MODPROBE ABI ROOT RUNS
Called by modprobe-json-bench.sh, which finds the tree; see bench/README.md.

Two commands, each run as text and as --json by the same binary under
--root=ROOT, stdout to /dev/null:
 * `modprobe -a -D NAME...` with every module of modules.dep (the plan of
   every module, with its gates under --json);
 * `modprobe -c` (the configuration and the alias and symbol indexes).
The runs are modinfo-json-bench.py's: alternating text and json, CPU time
from wait4; the headline is the ratio of the summed CPU times (see report).
"""
import importlib.util
import json
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("mjb", os.path.join(here, "modinfo-json-bench.py"))
mjb = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mjb)


def module_names(moddir):
    """Every module of modules.dep, by the name modprobe takes."""
    names = []
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            base = os.path.basename(line.split(":", 1)[0])
            names.append(base.split(".", 1)[0].replace("-", "_"))
    return names


def check_pair(label, text_argv, json_argv, member, expect=None):
    """Both run; the JSON parses and its member has the expected length."""
    _, _, text = mjb.checked(label, text_argv, capture=True)
    _, _, doc = mjb.checked(label + " --json", json_argv, capture=True)
    try:
        found = json.loads(doc)
        for key in member:
            found = found[key]
    except (ValueError, KeyError) as e:
        sys.exit(f"modprobe-json-bench: {label} --json is not the document it should be: {e}")
    if expect is not None and len(found) != expect:
        sys.exit(f"modprobe-json-bench: {label} --json holds {len(found)} entries, not {expect}")
    print(f"output check ({label}): the document parses, {len(found)} entries in "
          f"{'.'.join(member)}; text {len(text)} bytes, json {len(doc)} bytes")


def time_pair(text_argv, json_argv, runs):
    mjb.checked("text", text_argv)
    mjb.checked("json", json_argv)
    t, j = [], []
    for _ in range(runs):
        t.append(mjb.checked("text", text_argv)[:2])
        j.append(mjb.checked("json", json_argv)[:2])
    return t, j


def report(title, t, j):
    """Prints the figures; returns the headline ratio. -c's text run takes
    a few ms, near the kernel's CPU accounting tick, so one run's CPU time
    can read 0: the headline is the ratio of the CPU times summed over all
    runs, and wall time is given pair by pair beside it."""
    import statistics
    cpu = lambda r: r[1][0]
    wall = lambda r: r[0]
    ms = mjb.ms
    ratio = sum(map(cpu, j)) / max(1, sum(map(cpu, t)))
    print(f"{title}: cpu text median {ms(statistics.median(map(cpu, t))):.1f} ms, json median "
          f"{ms(statistics.median(map(cpu, j))):.1f} ms, ratio of totals {ratio:.3f} "
          f"(target <= {mjb.TARGET})")
    print(f"  wall: text median {ms(statistics.median(map(wall, t))):.1f} ms, json median "
          f"{ms(statistics.median(map(wall, j))):.1f} ms, median of per-pair ratios "
          f"{statistics.median(wall(b) / wall(a) for a, b in zip(t, j)):.3f}")
    return ratio


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: modprobe-json-bench.py PMOD_MODPROBE ABI ROOT RUNS")
    pmod, abi, root, runs = sys.argv[1:]
    runs = int(runs)
    if runs < 1:
        sys.exit("modprobe-json-bench: RUNS must be at least 1")

    pver = subprocess.run([pmod, "-V"], capture_output=True, text=True).stdout
    pver = (pver.splitlines() or ["pmod"])[0]
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"machine: {os.cpu_count()} cores, running kernel {os.uname().release}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"tree: {abi} under {root}")
    print(f"modprobe: {pmod} ({pver}); {runs} timed runs each")

    base = [pmod, "--root=" + root, "-S", abi]
    names = module_names(os.path.join(root, "lib/modules", abi))
    cases = [
        (f"modprobe -a -D ({len(names)} modules)", ["-a", "-D"] + names,
         ("requests",), len(names)),
        ("modprobe -c", ["-c"], ("indexes", "aliases"), None),
    ]
    worst = 0.0
    for label, args, member, expect in cases:
        text_argv, json_argv = base + args, base + ["--json"] + args
        check_pair(label, text_argv, json_argv, member, expect)
        t, j = time_pair(text_argv, json_argv, runs)
        worst = max(worst, report(f"{label} vs --json", t, j))

    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if worst > mjb.TARGET:
        print(f"modprobe-json-bench: --json costs {worst:.3f} times the text output "
              f"(more than {mjb.TARGET})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
