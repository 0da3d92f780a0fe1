# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by run.sh after the boots: `kmod audit --json --refusals`, run in
# the enforce and disabled boots by pmod-report (the line "audit-json:"),
# against what those boots did.
#   - every module of /proc/modules is listed, and nothing else;
#   - the verdicts: valid for Debian's signed modules (the kernel's key is
#     in the trust store), unsigned for the disabled boot's dummy, whose
#     signature was stripped and which loaded under SigningPolicy warn,
#     with the kernel's taint E;
#   - from the journal: the loader and the policy of udev's loads
#     (parent systemd-udevd, demand), of modules-load.d's dummy
#     (systemd-modules-load, not demand, warn/disabled, unsigned) and the
#     enforce boot's refusal of the stripped virtio_rng.
# Uses run.sh's field, check and $RK_WORK; python3 reads the JSON.

# audit_check CASE DESC PYTHON-EXPR: the expression over `doc` (the audit
# document), `mods` (name -> module) and `loaded` (the report's modules).
audit_check() {
	local case=$1 desc=$2 expr=$3
	check "$case: audit: $desc" python3 - "$RK_WORK/$case.report" "$expr" <<'PY'
import json, sys
report, expr = sys.argv[1], sys.argv[2]
doc = None
loaded = []
for line in open(report, errors="replace"):
    line = line.rstrip("\n")
    if line.startswith("audit-json: "):
        doc = json.loads(line[len("audit-json: "):])
    elif line.startswith("modules: "):
        loaded = line[len("modules: "):].split()
if doc is None:
    print("  no audit-json line in the report")
    sys.exit(1)
mods = {m["name"]: m for m in doc["modules"]}
def by(m):
    return mods.get(m, {}).get("loaded_by", {})
ok = eval("(" + expr + ")")
if not ok:
    print("  journal: %s" % doc.get("journal"))
sys.exit(0 if ok else 1)
PY
}

for c in enforce disabled; do
	audit_check $c "a kmod audit document" 'doc["command"] == "kmod audit" and doc["schema_version"] == 1'
	audit_check $c "every module of /proc/modules listed, and only those" 'sorted(mods) == sorted(loaded) and len(loaded) > 0'
	audit_check $c "every module's file is named by modules.dep" 'all(m.get("file") for m in mods.values())'
done
audit_check enforce "every verdict valid (Debian's modules, the kernel's key imported)" \
	'all(m["signature"]["verdict"] == "valid" for m in mods.values())'
audit_check enforce "untainted modules" 'all(m["taint"] == "" for m in mods.values())'
audit_check disabled "dummy: verdict unsigned, taint E (unsigned)" \
	'mods["dummy"]["signature"]["verdict"] == "unsigned" and "E" in mods["dummy"]["taint"] and
	 [f["name"] for f in mods["dummy"]["taint_flags"]] == ["unsigned"]'
audit_check disabled "every other verdict valid" \
	'all(m["signature"]["verdict"] == "valid" for n, m in mods.items() if n != "dummy")'
check "disabled: dummy's load recorded as unsigned under SigningPolicy warn" \
	eval 'records disabled | grep "^load " | grep " module=dummy " | grep "signature=unsigned" | grep -q "signing-policy=warn"'

# From the journal (pmod's records with their fields).
audit_check enforce "journal read" 'doc["journal"]["read"] is True'
audit_check enforce "udev's loads: loaded by a udev worker (parent systemd-udevd, demand), enforce/enabled, valid" \
	'len([n for n in mods if by(n).get("parent") == "systemd-udevd"]) > 5 and
	 all(by(n).get("demand") is True and by(n).get("signing_policy") == "enforce" and
	     by(n).get("autoload_policy") == "enabled" and by(n).get("signature") == "valid" and
	     isinstance(by(n).get("pid"), int) and by(n).get("uid") == 0
	     for n in mods if by(n).get("parent") == "systemd-udevd")'
audit_check enforce "virtio_net loaded by udev" 'by("virtio_net").get("parent") == "systemd-udevd"'
audit_check enforce "the stripped virtio_rng refused since boot (signature unsigned, SigningPolicy enforce)" \
	'any(r.get("module") == "virtio_rng" and r.get("signature") == "unsigned" and
	     "SigningPolicy" in r.get("rule", "") for r in doc.get("refusals", []))'
audit_check disabled "dummy loaded by systemd-modules-load, not on demand, warn/disabled, unsigned" \
	'(by("dummy").get("command") or by("dummy").get("identifier", "")).startswith("systemd-modules") and by("dummy").get("demand") is False and
	 by("dummy").get("signing_policy") == "warn" and by("dummy").get("autoload_policy") == "disabled" and
	 by("dummy").get("signature") == "unsigned"'
audit_check disabled "udev's refusals since boot (AutoLoadPolicy disabled, parent systemd-udevd)" \
	'len([r for r in doc.get("refusals", []) if r.get("parent") == "systemd-udevd" and
	      r.get("autoload_policy") == "disabled"]) > 5'
# Loads made before journald ran reach the journal through the kernel log,
# as their text line only: the audit reads them back from it.
audit_check enforce "PID 1's early load (autofs4) from the kernel log: loaded by systemd, pid 1, not on demand, valid" \
	'by("autofs4").get("identifier") == "systemd" and by("autofs4").get("pid") == 1 and
	 "command" not in by("autofs4") and by("autofs4").get("demand") is False and
	 by("autofs4").get("signature") == "valid" and by("autofs4").get("signing_policy") == "enforce"'
audit_check enforce "the initramfs's udev load (virtio_blk) from the kernel log: a udev worker, parent systemd-udevd, on demand" \
	'by("virtio_blk").get("identifier") == "(udev-worker)" and "command" not in by("virtio_blk") and
	 by("virtio_blk").get("parent") == "systemd-udevd" and by("virtio_blk").get("demand") is True and
	 by("virtio_blk").get("signature") == "valid"'
audit_check enforce "every loaded module has its load record (journal or kernel log)" \
	'all(by(n) for n in mods)'
