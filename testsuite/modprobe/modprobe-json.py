#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modprobe --show-depends --json and -c --json against the text output of
the same command, on the Debian tree (PMOD_TEST_ROOT) under a root with a
configuration that has install and remove commands, softdeps, a weakdep,
options, aliases and a blacklist.

 * Every module of the tree in one `-a -D` call: the steps of the document,
   written the way the text is, are the text line for line; each request's
   last step is the module asked for; each insert step carries its file's
   signature verdict; the exit status is the text's.
 * Refusals: the policy's (AutoLoadPolicy for a demand load, the
   forced-load rule and signatures under enforce) and the blacklist appear
   as refusals with a rule and a reason, and the exit status stays the
   text's.
 * -c: each line of the text output has its entry, in order.

usage: modprobe-json.py MODPROBE   (exit 77 without PMOD_TEST_ROOT)
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
    return ok


CONFIG = """\
install dummy /bin/true $CMDLINE_OPTS
remove dummy /bin/false
softdep loop pre: dummy post: crc16
options loop max_loop=4
options dummy numdummies=2
blacklist pcspkr
alias my-alias loop
alias bl-alias pcspkr
weakdep ext4 crc16
"""


class Runner:
    def __init__(self, modprobe, root, abi):
        self.base = [modprobe, "--root=" + root, "-S", abi]
        self.root = root

    def run(self, *args):
        p = subprocess.run(self.base + list(args), capture_output=True, text=True, timeout=600)
        return p.returncode, p.stdout, p.stderr

    def pair(self, *args, verify=False):
        """The text run and the --json run (--verify: with verdicts) of
        the same command."""
        text = self.run(*args)
        rc, out, err = self.run("--json", *(["--verify"] if verify else []), *args)
        try:
            doc = json.loads(out)
        except ValueError as e:
            check(f"{args}: --json output parses ({e})", False)
            doc = {}
        check(f"{args}: exit status {rc} = the text's {text[0]}", rc == text[0])
        return text, doc


def step_line(s):
    if s["kind"] == "insmod":
        return f"insmod {s['path']} {s['options']}"
    if s["kind"] == "install":
        return f"install {s['command']} {s['options']}"
    return f"builtin {s['module']}"


def gates_of(doc, name=None):
    return [g for r in doc.get("requests", []) for g in r["gates"]
            if name is None or g["gate"] == name]


def whole_tree(run, moddir):
    names = []
    with open(os.path.join(moddir, "modules.dep")) as f:
        for line in f:
            base = os.path.basename(line.split(":", 1)[0])
            names.append(base.split(".", 1)[0].replace("-", "_"))
    (rc, text, _), doc = run.pair("-a", "-D", *names)
    reqs = doc["requests"]
    check(f"one request per module ({len(reqs)} of {len(names)})", len(reqs) == len(names))
    lines = [step_line(s) for r in reqs for s in r["steps"]]
    check(f"steps = text lines ({len(lines)} and {len(text.splitlines())})",
          lines == text.splitlines())
    for r in reqs:
        steps = r["steps"]
        if not steps:
            check(f"{r['request']}: a plan (result {r['result']})", r["result"] == "skipped")
            continue
        target = [i for i, s in enumerate(steps) if s["role"] == "target"]
        # Only its post softdeps (and what they need) come after it.
        check(f"{r['request']}: one target, after its dependencies",
              len(target) == 1 and steps[target[0]]["module"] == r["request"]
              and all(s["role"] != "dependency" or s["of"] != r["request"]
                      for s in steps[target[0]:]))
        for s in steps:
            if s["role"] != "target" and not check(f"{r['request']}: {s['module']} says whose",
                                                   bool(s.get("of"))):
                break
            if not check(f"{r['request']}: {s['module']}: no verdict unless asked",
                         all(g["gate"] != "signature" for g in s["gates"])):
                break
    return len(names)


def configured(run):
    (rc, text, _), doc = run.pair("-D", "loop", verify=True)
    steps = doc["requests"][0]["steps"]
    for s in steps:
        sig = [g for g in s["gates"] if g["gate"] == "signature"]
        check(f"--verify: {s['module']}: its file's verdict, told, not applied",
              s["kind"] != "insmod" or (len(sig) == 1 and not sig[0]["applied"]
                                         and sig[0]["signature"]["verdict"] == "untrusted"
                                         and sig[0]["decision"] == "warn"))
    check("loop: text lines", [step_line(s) for s in steps] == text.splitlines())
    roles = [(s["module"], s["role"], s.get("of"), s["kind"]) for s in steps]
    check(f"loop: softdeps and install command ({roles})",
          ("dummy", "softdep-pre", "loop", "install") in roles
          and ("crc16", "softdep-post", "loop", "insmod") in roles
          and roles[-2][:2] == ("loop", "target"))
    check("loop: its options", steps[-2]["options"].startswith("max_loop=4"))
    check("lockdown and privilege told, not applied, in a listing",
          [(g["gate"], g["applied"]) for g in doc["requests"][0]["gates"]]
          == [("lockdown", False), ("privilege", False)])

    (rc, text, _), doc = run.pair("-D", "bl-alias")
    r = doc["requests"][0]
    bl = [g for g in r["gates"] if g["gate"] == "blacklist"]
    check("a blacklisted alias: refused by the blacklist, skipped, no steps",
          text == "" and r["steps"] == [] and r["result"] == "skipped" and len(bl) == 1
          and bl[0]["decision"] == "refuse" and bl[0]["module"] == "pcspkr" and bl[0]["reason"])

    (rc, text, err), doc = run.pair("-D", "no-such-module")
    r = doc["requests"][0]
    check("an unknown module: exit 1, the request with its error",
          rc == 1 and r["result"] == "failed" and "not found" in r["errors"][0]["message"])


def policy(run, root):
    conf = os.path.join(root, "etc/pmod/policy.conf")

    with open(conf, "w") as f:
        f.write("SigningPolicy = enforce\nAutoLoadPolicy = allow-list\nAutoLoadAllowList = loop\n")
    (rc, text, _), doc = run.pair("-D", "loop", verify=True)
    sig = [g for s in doc["requests"][0]["steps"] for g in s["gates"] if g["gate"] == "signature"]
    check("enforce: every file's untrusted signature is a refusal, with its rule and reason",
          sig and all(g["decision"] == "refuse" and g["rule"] == "SigningPolicy enforce: signature untrusted"
                      and g["signature"]["verdict"] == "untrusted" and g["reason"] for g in sig))
    check("enforce: a listing still lists (exit 0)", rc == 0)

    (rc, text, _), doc = run.pair("-D", "-f", "loop")
    forced = gates_of(doc, "forced-load")
    check("enforce: a forced load refused, exit 1",
          rc == 1 and len(forced) == 1 and forced[0]["decision"] == "refuse" and forced[0]["reason"])

    (rc, text, _), doc = run.pair("-D", "--demand", "ext4")
    auto = gates_of(doc, "autoload-policy")
    check("allow-list: a demand load of a module not on it is refused, exit 1",
          rc == 1 and auto and auto[-1]["decision"] == "refuse"
          and auto[-1]["module"] == "ext4" and "allow-list" in auto[-1]["rule"])
    (rc, text, _), doc = run.pair("-D", "--demand", "my-alias")
    steps = doc["requests"][0]["steps"]
    ok = [g for s in steps for g in s["gates"] if g["gate"] == "autoload-policy"]
    skipped = [g for g in gates_of(doc, "autoload-policy") if g["decision"] == "refuse"]
    check("allow-list: loop let in by its entry, its softdeps judged on their own",
          rc == 0 and any("AutoLoadAllowList entry loop" in g["rule"] for g in ok)
          and {g["module"] for g in skipped} >= {"dummy", "crc16"})

    with open(conf, "w") as f:
        f.write("AutoLoadPolicy = disabled\n")
    (rc, text, _), doc = run.pair("-D", "--demand", "loop")
    auto = gates_of(doc, "autoload-policy")
    check("disabled: refused before lookup, exit 1",
          rc == 1 and auto[0]["decision"] == "refuse" and auto[0]["rule"] == "AutoLoadPolicy=disabled"
          and "module" not in auto[0] and doc["requests"][0]["steps"] == [])
    os.remove(conf)


def show_config(run):
    (rc, text, _), doc = run.pair("-c")
    lines = []
    for b in doc["blacklist"]:
        lines.append(f"blacklist {b}")
    for kind in ("install", "remove"):
        lines += [f"{kind} {e['module']} {e['command']}" for e in doc[kind]]
    lines += [f"alias {e['alias']} {e['module']}" for e in doc["aliases"]]
    lines += [f"options {e['module']} {e['options']}" for e in doc["options"]]
    for e in doc["softdeps"]:
        pre = "pre: " + " ".join(e["pre"]) if e["pre"] else ""
        post = "post: " + " ".join(e["post"]) if e["post"] else ""
        # kmod's quirk: no separator between the two lists.
        lines.append(f"softdep {e['module']} {pre}{post}")
    lines += [f"weakdep {e['module']} {' '.join(e['modules'])}" for e in doc["weakdeps"]]
    lines += ["", "# End of configuration files. Dumping indexes now:", ""]
    for part in ("aliases", "symbols"):
        lines += [f"alias {e['alias']} {e['module']}" for e in doc["indexes"][part]]
    check(f"-c: every line rebuilt ({len(lines)} lines)", lines == text.splitlines())
    check("-c: the configuration's directives are there",
          {"module": "dummy", "command": "/bin/true $CMDLINE_OPTS"} in doc["install"]
          and {"module": "loop", "pre": ["dummy"], "post": ["crc16"]} in doc["softdeps"]
          and {"module": "ext4", "modules": ["crc16"]} in doc["weakdeps"]
          and len(doc["indexes"]["aliases"]) > 1000 and len(doc["indexes"]["symbols"]) > 1000)


def main():
    modprobe = sys.argv[1]
    tree = os.environ.get("PMOD_TEST_ROOT")
    abi = os.environ.get("PMOD_TEST_ABI")
    if not tree or not abi:
        print("PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped")
        return 77
    with tempfile.TemporaryDirectory() as work:
        root = os.path.join(work, "root")
        os.makedirs(os.path.join(root, "etc/modprobe.d"))
        os.makedirs(os.path.join(root, "etc/pmod"))
        os.symlink(os.path.join(tree, "lib"), os.path.join(root, "lib"))
        with open(os.path.join(root, "etc/modprobe.d/test.conf"), "w") as f:
            f.write(CONFIG)
        run = Runner(modprobe, root, abi)
        n = whole_tree(run, os.path.join(tree, "lib/modules", abi))
        configured(run)
        policy(run, root)
        show_config(run)
        (rc, _, err) = run.run("--json", "-n", "loop")
        check("--json without -D or -c: a usage error", rc == 1 and "--json" in err)
        (rc, _, err) = run.run("--verify", "-D", "loop")
        check("--verify without --json: a usage error", rc == 1 and "--verify" in err)
    print(f"{'FAIL' if failures else 'ok'}: modprobe --json, {n} modules planned")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
