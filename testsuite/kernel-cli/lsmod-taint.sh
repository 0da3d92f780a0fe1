#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lsmod --taint and --json on a fake kernel with taints, states and
# holders: the columns and the JSON members carry, module by module, what
# /proc/modules and /sys/module say (the taint letters without the +/-
# state marks, each letter explained); /sys/module/NAME/taint answers for
# a line cut short; hostile taint columns are ignored, not shown; and the
# default output on the same fake kernel stays kmod's lsmod's, byte for
# byte.
# usage: lsmod-taint.sh PMOD_LSMOD SHIM MAKE_FAKE_KERNEL
PMOD=$1 SHIM=$2 MAKE_FAKE=$3
. "$(dirname "$0")/lib.sh"

D=$(fake_new taints <<'REC'
btusb 65536 0 - Live 0xffffffffc0a00000
btintel 45056 1 btusb, Live 0xffffffffc09e0000 (E)
bluetooth 974848 2 btusb,btintel, Live 0xffffffffc0800000
vboxdrv 696320 2 [permanent], Live 0xffffffffc0600000 (OE)
nvidia 56717312 1 - Live 0xffffffffc0000000 (POE)
new_one 16384 0 - Loading 0xffffffffc0010000 (OE+)
old_one 16384 0 - Unloading 0xffffffffc0020000 (-)
staged 8192 0 - Live 0x0000000000000000 (CN)
bad_taint 8192 0 - Live 0x0000000000000000 (o$)
REC
)
# The hostile column falls back to sysfs, which holds no letters either.
echo 'x y' > "$D/sys/module/bad_taint/taint"
# A whole line's own column is what counts (sysfs is for cut lines).
echo > "$D/sys/module/new_one/taint"

run "$WORK/t" "$D" -- "$PMOD" --taint
check_rc "--taint" "$WORK/t" 0
cat > "$WORK/t.want" <<'OUT'
Module                  Size  Taint    State      Used by
btusb                  65536  -        Live       0
btintel                45056  E        Live       1 btusb
bluetooth             974848  -        Live       2 btintel,btusb
vboxdrv               696320  OE       Live       2
nvidia              56717312  POE      Live       1
new_one                16384  OE       Loading    0
old_one                16384  -        Unloading  0
staged                  8192  CN       Live       0
bad_taint               8192  -        Live       0
OUT
# Holders are in readdir order, as kmod prints them: sort them for the
# comparison.
sed -i 's/btusb,btintel$/btintel,btusb/' "$WORK/t.out"
check_same "--taint: taint letters and state columns" "$WORK/t.want" "$WORK/t.out"

run "$WORK/j" "$D" -- "$PMOD" --json
check_rc "--json" "$WORK/j" 0
if python3 - "$WORK/j.out" "$D" <<'PY'
import json, os, sys
doc = json.load(open(sys.argv[1]))
d = sys.argv[2]
assert doc["schema_version"] == 1 and doc["command"] == "lsmod", doc
rec = [l.split() for l in open(os.path.join(d, "proc/modules"))]
names = [m["name"] for m in doc["modules"]]
assert names == [r[0] for r in rec], names
states = {"Live": "Live", "Loading": "Loading", "Unloading": "Unloading"}
meaning = {"P": "proprietary", "O": "out-of-tree", "E": "unsigned", "C": "staging", "N": "test"}
for m, r in zip(doc["modules"], rec):
    assert m["size"] == int(r[1]), m
    assert m["use_count"] == int(r[2]), m
    want_holders = sorted(h for h in r[3].split(",") if h and h != "-" and not h.startswith("["))
    assert sorted(m["holders"]) == want_holders, (m, want_holders)
    assert m["state"] == states[r[4]], m
    col = r[6][1:-1] if len(r) > 6 else ""
    letters = "".join(c for c in col if c not in "+-")
    if not letters.isalpha() or not letters.isupper():
        letters = ""
    assert m["taint"] == letters, (m, letters)
    assert [f["letter"] for f in m["taint_flags"]] == list(letters), m
    for f in m["taint_flags"]:
        assert f["name"] == meaning[f["letter"]] and len(f["description"]) > 20, f
print("json ok")
PY
then pass; else fail "--json: the members match /proc/modules field by field"; fi

# A line longer than lsmod reads at once: state and taint come from
# /sys/module/NAME/{initstate,taint}.
python3 - > "$WORK/long.rec" <<'PY'
holders = ",".join("holder_%04d" % i for i in range(400)) + ","
print("hub 4096 400 " + holders + " Live 0x0000000000000000 (O)")
PY
D2=$(fake_new long < "$WORK/long.rec")
run "$WORK/l" "$D2" -- "$PMOD" --json
check_eq "a cut line: taint from sysfs" "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["modules"][0]; print(m["taint"], m["state"])' "$WORK/l.out")" "O Live"
echo going > "$D2/sys/module/hub/initstate"
run "$WORK/l2" "$D2" -- "$PMOD" --taint
check_contains "a cut line: state from sysfs" "$WORK/l2.out" "O        Unloading  400"

# The default output is kmod's on the same fake kernel.
if [ -x /usr/sbin/lsmod ]; then
	for d in "$D" "$D2"; do
		run "$WORK/p" "$d" -- "$PMOD"
		run "$WORK/k" "$d" -- /usr/sbin/lsmod
		check_same "default output as kmod's ($(basename "$d"))" "$WORK/k.out" "$WORK/p.out"
	done
else
	echo "no kmod lsmod: default-output comparison skipped (lsmod-vs-kmod makes it too)"
fi
finish
