#!/usr/bin/python3
"""modinfo --json against modinfo's own text output, field by field.

Usage: modinfo_json.py --pmod MODINFO --make-signed MAKE_SIGNED_MODULES
                       [--abi ABI] [--root ROOT]

Every document is parsed with Python's json module (strict UTF-8), then
written back as the text output would show it (layout, parameter lines,
signature hex with its line breaks) and compared byte for byte with
modinfo's text output of the same arguments: a field, parameter or
signature line that the document lacks, adds, reorders or changes fails.

Generated modules (always): signed modules and their trust store from
make-signed-modules, the full listing, -F and --verify (each verdict and
its members against the --verify line; valid by a trusted key, untrusted,
bad-signature, malformed, unsigned); a module whose .modinfo holds bytes
that are not UTF-8, shown as \\xNN in a document that still parses;
-0 with --json refused.

The Debian tree (when --abi/--root or PMOD_TEST_ABI/PMOD_TEST_ROOT name
it): one call over every module and every built-in module, a tenth of its
.ko.zst copy, and -F of a few keys over a sample. One line per check, "ok   ..." or
"FAIL ...", then a count; exit 1 on failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

TIMEOUT = 300
failures = 0
passes = 0
SIG_KEYS = ("sig_id", "signer", "sig_key", "sig_hashalgo", "signature")


def ok(msg):
    global passes
    passes += 1
    print(f"ok   {msg}")


def fail(msg):
    global failures
    failures += 1
    print(f"FAIL {msg}")


def run(argv):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=TIMEOUT)
    return p.stdout, p.returncode, p.stderr


# ------------------------------------------------------------ text from JSON

def entry(key, value):
    """A "key:" line padded to 16 columns the way modinfo pads it."""
    k = key.encode()
    pad = 15 - len(k) if len(k) <= 15 else len(k) - 15
    return k + b":" + b" " * pad + value + b"\n"


def hex_lines(s):
    """modinfo's hex: 20 bytes a line, the next ones after two tabs."""
    pairs = s.split(":")
    lines = [":".join(pairs[i:i + 20]) for i in range(0, len(pairs), 20)]
    return ":\n\t\t".join(lines).encode()


def param_text(p, full):
    name = p["name"].encode()
    desc = p.get("description")
    typ = p.get("type")
    if desc is None:
        tail = typ.encode() if full else b" (" + typ.encode() + b")"
    elif typ is not None:
        tail = desc.encode() + b" (" + typ.encode() + b")"
    else:
        tail = desc.encode()
    return (b"parm:           " if full else b"") + name + b":" + tail + b"\n"


def sig_value(key, v):
    return hex_lines(v) if key in ("sig_key", "signature") else v.encode()


def render(doc, field=None):
    """The text output the document stands for."""
    out = []
    for m in doc["modules"]:
        if field == "filename":
            out.append(m["filename"].encode() + b"\n")
            continue
        if field == "parm":
            out += [param_text(p, False) for p in m["parameters"]]
            continue
        if field is not None:
            if field in SIG_KEYS:
                if field in m.get("signature", {}):
                    out.append(sig_value(field, m["signature"][field]) + b"\n")
            else:
                out += [f["value"].encode() + b"\n" for f in m["fields"]]
            continue
        if m["builtin"]:
            out.append(entry("name", m["name"].encode()))
        out.append(entry("filename", m["filename"].encode()))
        out += [entry(f["key"], f["value"].encode()) for f in m["fields"]
                if f["key"] not in ("parm", "parmtype")]
        for key in SIG_KEYS:
            if key in m.get("signature", {}):
                out.append(entry(key, sig_value(key, m["signature"][key])))
        out += [param_text(p, True) for p in m["parameters"]]
    return b"".join(out)


def verify_line(m):
    """The --verify line the record's verification stands for."""
    v = m["verification"]

    def quoted(s):
        r = ""
        for ch in s:
            if ch in '"\\':
                r += "\\" + ch
            elif ord(ch) < 0x20 or ord(ch) == 0x7f:
                r += f"\\x{ord(ch):02x}"
            else:
                r += ch
        return '"' + r + '"'
    line = f'{m["filename"]}: {v["verdict"]}'
    if "signer" in v:
        line += f' signer={quoted(v["signer"])} key={v["key"]} hash={v["hash"]}'
        if v["weak_hash"]:
            line += " weak-hash"
    if "certificate" in v:
        line += f' cert={quoted(v["certificate"])}'
    if "reason" in v:
        line += f' reason={quoted(v["reason"])}'
    return line.encode() + b"\n"


def first_difference(a, b):
    la, lb = a.split(b"\n"), b.split(b"\n")
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else None
        y = lb[i] if i < len(lb) else None
        if x != y:
            return f"line {i + 1}: text {x!r:.160} / from json {y!r:.160}"
    return "no line differs"


def parse(out, what):
    """The document, or None (a failure said)."""
    try:
        doc = json.loads(out)   # bytes: must be UTF-8
    except (ValueError, UnicodeDecodeError) as e:
        fail(f"{what}: the output does not parse: {e}")
        return None
    if doc.get("schema_version") != 1 or doc.get("command") != "modinfo" or \
            list(doc)[:2] != ["schema_version", "command"]:
        fail(f"{what}: the envelope is {list(doc)[:3]}")
        return None
    return doc


def compare(pmod, args, what, field=None):
    """Runs text and --json with args; the document must stand for the
    text, with the same exit status. Returns the document."""
    fargs = ["-F", field] if field else []
    text, trc, _ = run([pmod] + fargs + args)
    out, jrc, _ = run([pmod, "--json"] + fargs + args)
    doc = parse(out, what)
    if doc is None:
        return None
    try:
        back = render(doc, field)
    except (KeyError, TypeError, AttributeError) as e:
        fail(f"{what}: a record lacks or misshapes a member: {e!r}")
        return None
    if trc != jrc:
        fail(f"{what}: exit status text {trc}, --json {jrc}")
    elif back != text:
        fail(f"{what}: the document is not the text output: {first_difference(text, back)}")
    else:
        ok(f"{what}: {len(doc['modules'])} records, the text output field by field "
           f"({len(text)} bytes), exit {trc}")
    return doc


# ------------------------------------------------------------ generated modules

def escaped(b):
    """How the tools show a string that is not UTF-8: malformed bytes and
    control characters as \\xNN, the rest as it is."""
    out, i = "", 0
    while i < len(b):
        for n in (4, 3, 2, 1):
            try:
                ch = b[i:i + n].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                break
        else:
            out += f"\\x{b[i]:02x}"
            i += 1
            continue
        if ord(ch) < 0x20 or ord(ch) == 0x7f or 0x80 <= ord(ch) <= 0x9f:
            out += "".join(f"\\x{x:02x}" for x in b[i:i + n])
        else:
            out += ch
        i += n
    return out


def patched(src, dst, old, new):
    """A copy of module src with a .modinfo value replaced in place (same
    length, so the ELF layout holds)."""
    data = open(src, "rb").read()
    assert len(old) == len(new) and data.count(old) == 1, (src, old)
    open(dst, "wb").write(data.replace(old, new))


def generated(pmod, make_signed, work):
    m = os.path.join(work, "m")
    subprocess.run([make_signed, m], check=True, stdout=subprocess.DEVNULL)
    root = os.path.join(m, "root")
    expected = [line.split() for line in open(os.path.join(m, "expected"))]
    kos = [os.path.join(m, e[0] + ".ko") for e in expected]
    signed_ok = [k for k, e in zip(kos, expected) if e[1] != "malformed"]

    compare(pmod, signed_ok, "generated signed modules, full listing")
    for field in SIG_KEYS + ("license", "filename", "parm"):
        doc = compare(pmod, signed_ok, f"generated signed modules, -F {field}", field)
        if doc is None:
            continue
        extra = {k for mod in doc["modules"] for k in mod} - {
            "name", "filename", "builtin", "argument",
            {"filename": None, "parm": "parameters"}.get(field,
                                                        "signature" if field in SIG_KEYS
                                                        else "fields")}
        if extra:
            fail(f"-F {field}: records hold {sorted(extra)} too")

    # --verify: each record's verdict is the --verify line's, every verdict
    # is the one the generator meant, and the exit status is the same.
    text, trc, _ = run([pmod, "--root", root, "--verify"] + kos)
    out, jrc, _ = run([pmod, "--root", root, "--json", "--verify"] + kos)
    doc = parse(out, "--verify")
    if doc is not None:
        got = [mod.get("verification", {}).get("verdict") for mod in doc["modules"]]
        want = [e[1] for e in expected]
        back = b"".join(verify_line(mod) for mod in doc["modules"])
        if got != want:
            fail(f"--json --verify verdicts {got}, want {want}")
        elif back != text or trc != jrc or trc != 1:
            fail(f"--json --verify is not the --verify lines (exit {trc}/{jrc}): "
                 f"{first_difference(text, back)}")
        else:
            ok(f"--json --verify: {len(got)} verdicts ({', '.join(sorted(set(got)))}) "
               f"as the --verify lines, exit 1")
        weak = {e[0] for e in expected if len(e) > 2}
        bad = [mod["filename"] for mod, e in zip(doc["modules"], expected)
               if "weak_hash" in mod["verification"] and
               mod["verification"]["weak_hash"] != (e[0] in weak)]
        if bad:
            fail(f"weak_hash wrong for {bad}")
    valid = [k for k, e in zip(kos, expected) if e[1] == "valid" and len(e) == 2]
    out, rc, _ = run([pmod, "--root", root, "--json", "--verify"] + valid)
    doc = parse(out, "--verify valid")
    if doc is not None:
        v = [mod["verification"] for mod in doc["modules"]]
        if rc == 0 and all(x["verdict"] == "valid" and x["certificate"].startswith(root)
                           for x in v):
            ok(f"--json --verify, {len(v)} modules valid by a trusted key: exit 0, "
               f"certificate named")
        else:
            fail(f"valid modules: exit {rc}, {v}")
    # Without the throwaway store the same signer is untrusted.
    out, rc, _ = run([pmod, "--json", "--verify", valid[0]])
    doc = parse(out, "--verify untrusted")
    if doc is not None:
        v = doc["modules"][0]["verification"]
        if rc == 1 and v["verdict"] == "untrusted" and "certificate" not in v:
            ok("--json --verify without the store: untrusted, exit 1")
        else:
            fail(f"untrusted: exit {rc}, {v}")

    # Bytes that are not UTF-8, and control characters, in a .modinfo value.
    bad = b"a\xffb\x80\x01\xc3\xa9\t\xe2\x82"
    odd = os.path.join(work, "odd.ko")
    patched(os.path.join(m, "unsigned.ko"), odd, b"9.9.9 SMP ", bad)
    text, _, _ = run([pmod, "-F", "vermagic", odd])
    out, rc, _ = run([pmod, "--json", odd])
    doc = parse(out, "non-UTF-8 field")
    if doc is not None:
        fields = doc["modules"][0]["fields"]
        value = [f["value"] for f in fields if f["key"] == "vermagic"]
        want = escaped(bad)
        if text != bad + b"\n":
            fail(f"text output of the patched module: {text!r}")
        elif value == [want] and want == "a\\xffb\\x80\\x01\u00e9\\x09\\xe2\\x82" and rc == 0:
            ok(f"non-UTF-8 vermagic shown as {json.dumps(value[0])}, the document parses")
        else:
            fail(f"non-UTF-8 vermagic: {value}, want [{want!r}]")
    # A tab in a well-formed value is JSON's escape, and comes back as it was.
    tab = os.path.join(work, "tab.ko")
    patched(os.path.join(m, "unsigned.ko"), tab, b"9.9.9 SMP ", b"9.9\t9 SMP ")
    compare(pmod, [tab], "a tab in a UTF-8 value")

    text, rc, err = run([pmod, "--json", "-0", odd])
    if rc == 1 and text == b"" and b"-0" in err:
        ok(f"--json -0 refused: {err.decode().strip()}")
    else:
        fail(f"--json -0: exit {rc}, out {text[:80]!r}, err {err!r}")

    # A module that is not found: text error, exit 1, the others kept.
    out, rc, err = run([pmod, "--json", odd, os.path.join(work, "absent"), tab])
    doc = parse(out, "a module not found")
    if doc is not None:
        names = [mod["filename"] for mod in doc["modules"]]
        if rc == 1 and names == [odd, tab] and b"absent" in err:
            ok("a module not found: error on stderr, exit 1, the others in the document")
        else:
            fail(f"not found: exit {rc}, records {names}, err {err!r}")


# ------------------------------------------------------------ Debian tree

def module_files(moddir, suffix):
    found = []
    for dirpath, _dirs, files in os.walk(moddir):
        found += [os.path.join(dirpath, f) for f in files if f.endswith(suffix)]
    return sorted(found)


def debian(pmod, abi, root):
    moddir = os.path.join(root, "lib/modules", abi)
    files = module_files(moddir, ".ko")
    with open(os.path.join(moddir, "modules.builtin")) as f:
        builtins = [os.path.basename(line.strip()).split(".", 1)[0].replace("-", "_")
                    for line in f if line.strip()]
    base = ["--root", root, "-k", abi]
    doc = compare(pmod, base + files + builtins,
                  f"Debian {abi}: {len(files)} modules and {len(builtins)} built-in")
    if doc is not None:
        shown = [mod for mod in doc["modules"] if mod["builtin"]]
        named = all(mod.get("name") == next((f["value"] for f in mod["fields"]
                                             if f["key"] == "name"), mod.get("name"))
                    for mod in doc["modules"])
        if len(shown) >= len(builtins) * 9 // 10 and named and \
                [mod["argument"] for mod in doc["modules"][:len(files)]] == files:
            ok(f"{len(shown)} built-in records; name and argument members as expected")
        else:
            fail(f"built-in records {len(shown)} of {len(builtins)}, names consistent "
                 f"{named}")
    # The output does not depend on how a module was stored; a tenth of
    # the zstd copy shows the decompressed path reaches the same records.
    zfiles = module_files(os.path.join(f"{root}-zst", "lib/modules", abi), ".ko.zst")[::10]
    if zfiles:
        compare(pmod, zfiles, f"Debian {abi} .ko.zst, every 10th: {len(zfiles)} modules")
    sample = files[::20] + builtins[::10]
    for field in ("alias", "parm", "signature", "sig_key", "filename", "depends"):
        compare(pmod, base + sample, f"Debian sample of {len(sample)}, -F {field}", field)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pmod", required=True)
    ap.add_argument("--make-signed", required=True)
    ap.add_argument("--abi", default=os.environ.get("PMOD_TEST_ABI"))
    ap.add_argument("--root", default=os.environ.get("PMOD_TEST_ROOT"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as work:
        generated(os.path.abspath(a.pmod), os.path.abspath(a.make_signed), work)
    if a.abi and a.root and os.path.isdir(os.path.join(a.root, "lib/modules", a.abi)):
        debian(os.path.abspath(a.pmod), a.abi, a.root)
    else:
        print("note: no Debian tree (PMOD_TEST_ABI/PMOD_TEST_ROOT); generated modules only")
    print(f"{passes} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
