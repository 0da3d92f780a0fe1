#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Time modinfo's text output against its --json output over a whole tree.

Usage: modinfo-json-bench.py PMOD_MODINFO ABI ROOT RUNS
Called by modinfo-json-bench.sh, which finds the tree; see bench/README.md.

The same binary gets every module of the tree on one command line, stdout
to /dev/null, once as `modinfo FILES` and once as `modinfo --json FILES`.
Runs alternate (text, json, text, json, ...) so that drift in machine load
hits both alike. Each run's wall time is measured with a monotonic clock
around the child, and its CPU time (user + system) from wait4's resource
usage: on a machine shared with other work the CPU time is the steadier
figure. The headline ratio is the median of the per-pair CPU ratios.
"""
import json
import os
import statistics
import subprocess
import sys
import time

TARGET = 1.5


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
    """Run argv; return (wall ns, (cpu ns, user ns), stdout, status, stderr)."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    if capture:
        t0 = time.perf_counter_ns()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out,
                           stderr=subprocess.PIPE)
        return time.perf_counter_ns() - t0, (0, 0), p.stdout, p.returncode, p.stderr
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter_ns() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    cpu = (int((usage.ru_utime + usage.ru_stime) * 1e9), int(usage.ru_utime * 1e9))
    return wall, cpu, None, p.returncode, err


def checked(label, argv, capture=False):
    wall, cpu, out, rc, err = run_once(argv, capture)
    if rc != 0:
        first = err.decode(errors="replace").splitlines()[:3]
        sys.exit(f"modinfo-json-bench: {label} exited with status {rc}: " + " | ".join(first))
    return wall, cpu, out


def ms(ns):
    return ns / 1e6


def check_outputs(pmod, files):
    """The JSON parses and holds one record per module; sizes for the log."""
    _, _, text = checked("modinfo", [pmod] + files, capture=True)
    _, _, doc = checked("modinfo --json", [pmod, "--json"] + files, capture=True)
    try:
        modules = json.loads(doc)["modules"]
    except (ValueError, KeyError) as e:
        sys.exit(f"modinfo-json-bench: --json output is not the document it should be: {e}")
    if len(modules) != len(files):
        sys.exit(f"modinfo-json-bench: --json holds {len(modules)} records for "
                 f"{len(files)} modules")
    return len(text), len(doc)


def time_pair(pmod, files, runs):
    text_argv, json_argv = [pmod] + files, [pmod, "--json"] + files
    checked("modinfo", text_argv)
    checked("modinfo --json", json_argv)
    t, j = [], []
    for _ in range(runs):
        t.append(checked("modinfo", text_argv)[:2])
        j.append(checked("modinfo --json", json_argv)[:2])
    return t, j


def report(title, t, j):
    """Prints the figures; returns the headline (CPU) ratio. t and j hold
    (wall ns, (cpu ns, user ns)) per run."""
    def med(runs, pick):
        return statistics.median(pick(r) for r in runs)

    def pair_ratio(pick):
        return statistics.median(pick(b) / pick(a) for a, b in zip(t, j))

    wall, cpu, user = (lambda r: r[0]), (lambda r: r[1][0]), (lambda r: r[1][1])
    ratio = pair_ratio(cpu)
    print(f"{title}: cpu text median {ms(med(t, cpu)):.1f} ms, json median "
          f"{ms(med(j, cpu)):.1f} ms, ratio {ratio:.3f} (target <= {TARGET})")
    print(f"  wall: text median {ms(med(t, wall)):.1f} ms, json median {ms(med(j, wall)):.1f} ms, "
          f"median of per-pair ratios {pair_ratio(wall):.3f}")
    print(f"  user cpu alone: text median {ms(med(t, user)):.1f} ms, json median "
          f"{ms(med(j, user)):.1f} ms, median of per-pair ratios {pair_ratio(user):.3f}")
    return ratio


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: modinfo-json-bench.py PMOD_MODINFO ABI ROOT RUNS")
    pmod, abi, root, runs = sys.argv[1:]
    runs = int(runs)
    if runs < 1:
        sys.exit("modinfo-json-bench: RUNS must be at least 1")

    pver = subprocess.run([pmod, "-V"], capture_output=True, text=True).stdout
    pver = (pver.splitlines() or ["pmod"])[0]
    print(f"date: {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"machine: {os.cpu_count()} cores, running kernel {os.uname().release}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"tree: {abi} under {root}")
    print(f"modinfo: {pmod} ({pver}); {runs} timed runs each")

    worst = 0.0
    trees = [(root, ".ko")] + [(f"{root}-{fmt}", f".ko.{fmt}") for fmt in ("zst",)]
    for troot, suffix in trees:
        files = module_files(os.path.join(troot, "lib/modules", abi), suffix)
        if not files:
            continue
        tsize, jsize = check_outputs(pmod, files)
        print(f"output check ({suffix}): the document parses, {len(files)} records; "
              f"text {tsize} bytes, json {jsize} bytes")
        t, j = time_pair(pmod, files, runs)
        worst = max(worst, report(f"modinfo vs modinfo --json, {suffix} "
                                  f"({len(files)} modules)", t, j))

    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if worst > TARGET:
        print(f"modinfo-json-bench: --json costs {worst:.3f} times the text output "
              f"(more than {TARGET})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
