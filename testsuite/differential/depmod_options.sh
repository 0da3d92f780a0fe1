#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# depmod's options against kmod 30's on a generated tree: -n, -A, -e with -F
# (System.map) and -E (Module.symvers), -v, FILE arguments, and pmod's -m and
# -o (which kmod 30 lacks) against their meaning.
# Usage: depmod_options.sh MAKE_DEPMOD_TREE PMOD_DEPMOD
set -u
make_tree=$(realpath "$1") pmod=$(realpath "$2") kmod=/usr/sbin/depmod
"$kmod" --version 2>/dev/null | grep -q '^kmod version' || { echo "kmod's depmod is not installed"; exit 77; }
work=$(mktemp -d /tmp/depmod-options.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
V=9.9.9

check() {	# NAME COMMAND...
	local name=$1
	shift
	if "$@" > "$work/why" 2>&1; then
		echo "ok   $name"; pass=$((pass + 1))
	else
		echo "FAIL $name"; sed 's/^/    /' "$work/why" | head -20; fail=$((fail + 1))
	fi
}

# A fresh chain tree at a fixed path, so that paths in messages agree.
tree() {
	rm -rf "$work/t"
	"$make_tree" chain "$work/t" >/dev/null || exit 1
}

# run TOOL LABEL ARGS...: run in a fresh tree, keep stdout/stderr/status and
# the module directory's files.
run() {
	local tool=$1 label=$2
	shift 2
	tree
	(cd "$work" && "$tool" "$@" > "$work/$label.out" 2> "$work/$label.err")
	echo $? > "$work/$label.rc"
	rm -rf "$work/$label.dir"
	cp -a "$work/t/lib/modules/$V" "$work/$label.dir"
}

same_run() {	# the two runs agree on status, stdout and stderr
	local rc=0
	cmp -s "$work/kmod.rc" "$work/pmod.rc" || { echo "exit: kmod $(cat "$work/kmod.rc"), pmod $(cat "$work/pmod.rc")"; rc=1; }
	diff "$work/kmod.out" "$work/pmod.out" >&2 || rc=1
	diff <(sed 's/^depmod: //' "$work/kmod.err") <(sed 's/^depmod: //' "$work/pmod.err") >&2 || rc=1
	return $rc
}

# -n: the text indexes on stdout, nothing written. kmod 30 predates
# modules.weakdep and writes modules.symbols in hash order.
run "$kmod" kmod -n -b "$work/t" $V
run "$pmod" pmod -n -b "$work/t" $V
check "-n: same text on stdout (weakdep section aside, symbols sorted)" diff \
	<(sort "$work/kmod.out") <(grep -v -e '^weakdep ' -e '^# Weak dependencies' "$work/pmod.out" | sort)
check "-n: dep and alias sections in the same order" diff \
	<(grep -e '^alias [^s]' -e '\.ko:' "$work/kmod.out") <(grep -e '^alias [^s]' -e '\.ko:' "$work/pmod.out")
check "-n: no file written" bash -c "! ls '$work/pmod.dir' | grep -q -e '^modules.dep' -e '\.bin\$'"

# -v: every new dependency edge, in module order.
run "$kmod" kmod -v -b "$work/t" $V
run "$pmod" pmod -v -b "$work/t" $V
check "-v: the same edges" same_run

# -e with -F System.map: printk is the kernel's, an_unknown is nobody's.
printf 'ffffffff81000000 R __ksymtab_printk\nffffffff81000010 T printk\n' > "$work/System.map"
run "$kmod" kmod -e -F "$work/System.map" -b "$work/t" $V
run "$pmod" pmod -e -F "$work/System.map" -b "$work/t" $V
check "-e -F: the same warnings and outputs" same_run
check "-e -F: modules.dep identical" cmp "$work/kmod.dir/modules.dep" "$work/pmod.dir/modules.dep"
printf 'ffffffff81000000 R __ksymtab_other\n' > "$work/System.map"
run "$kmod" kmod -e -F "$work/System.map" -b "$work/t" $V
run "$pmod" pmod -e -F "$work/System.map" -b "$work/t" $V
check "-e -F: unknown symbols reported alike" same_run
check "-e -F: an unknown symbol is reported at all" grep -q 'needs unknown symbol printk' "$work/pmod.err"

# -e with -E Module.symvers: CRCs that disagree with the modules'.
printf '0x12345678\tprintk\tvmlinux\tEXPORT_SYMBOL\n0x1\tother\tdrivers/x\tEXPORT_SYMBOL\n' > "$work/Module.symvers"
run "$kmod" kmod -e -E "$work/Module.symvers" -b "$work/t" $V
run "$pmod" pmod -e -E "$work/Module.symvers" -b "$work/t" $V
check "-e -E: the same warnings" same_run

# -P: a prefix character stripped from every symbol name, exports and
# imports alike ('m' turns mod_b_fn into od_b_fn).
run "$kmod" kmod -P m -b "$work/t" $V
run "$pmod" pmod -P m -b "$work/t" $V
check "-P: the same status and messages" same_run
check "-P: modules.dep identical" cmp "$work/kmod.dir/modules.dep" "$work/pmod.dir/modules.dep"
check "-P: the same symbols (sorted)" diff <(sort "$work/kmod.dir/modules.symbols") \
	<(sort "$work/pmod.dir/modules.symbols")
run "$kmod" kmod -P mm -b "$work/t" $V
run "$pmod" pmod -P mm -b "$work/t" $V
check "-P: more than one character refused alike" same_run

# -w: duplicate index entries (mod_d carries one alias twice).
run "$kmod" kmod -w -b "$work/t" $V
run "$pmod" pmod -w -b "$work/t" $V
check "-w: the same status and messages" same_run
check "-w: a duplicate is reported at all" grep -q 'duplicate module alias' "$work/pmod.err"

# -e alone: a warning, then a normal run.
run "$kmod" kmod -e -b "$work/t" $V
run "$pmod" pmod -e -b "$work/t" $V
check "-e without -E/-F: the same warning" same_run

# FILE arguments: only these modules, every output still written.
run "$kmod" kmod -b "$work/t" $V "$work/t/lib/modules/$V/kernel/lib/mod_c.ko" \
	"$work/t/lib/modules/$V/kernel/drivers/core/mod_b.ko"
run "$pmod" pmod -b "$work/t" $V "$work/t/lib/modules/$V/kernel/lib/mod_c.ko" \
	"$work/t/lib/modules/$V/kernel/drivers/core/mod_b.ko"
check "FILE arguments: same status and messages" same_run
for f in modules.dep modules.alias modules.softdep modules.devname; do
	check "FILE arguments: $f identical" cmp "$work/kmod.dir/$f" "$work/pmod.dir/$f"
done
run "$kmod" kmod -b "$work/t" $V relative/mod.ko
run "$pmod" pmod -b "$work/t" $V relative/mod.ko
check "FILE arguments: a relative path is refused alike" same_run

# -A: nothing to do when modules.dep is newer than every module.
tree
"$pmod" -b "$work/t" $V 2>/dev/null
touch -d '1 hour ago' "$work/t/lib/modules/$V/modules.dep"
find "$work/t/lib/modules/$V" -name '*.ko' -exec touch -d '2 hours ago' {} +
before=$(stat -c %Y "$work/t/lib/modules/$V/modules.dep")
"$pmod" -A -b "$work/t" $V 2>/dev/null
check "-A: up to date, nothing rewritten" test "$(stat -c %Y "$work/t/lib/modules/$V/modules.dep")" = "$before"
touch "$work/t/lib/modules/$V/kernel/lib/mod_c.ko"
"$pmod" -A -b "$work/t" $V 2>/dev/null
check "-A: a newer module, indexes rewritten" test "$(stat -c %Y "$work/t/lib/modules/$V/modules.dep")" != "$before"

# pmod's -m (kmod 34) and -o (kmod 31): the same indexes, elsewhere.
tree
"$pmod" -b "$work/t" $V 2>/dev/null && cp -a "$work/t/lib/modules/$V" "$work/ref"
mkdir -p "$work/t/usr/lib" && mv "$work/t/lib/modules" "$work/t/usr/lib/modules"
"$pmod" -b "$work/t" -m /usr/lib/modules $V 2>/dev/null
check "-m: the module directory moved, the same modules.dep" \
	cmp "$work/ref/modules.dep" "$work/t/usr/lib/modules/$V/modules.dep"
"$pmod" -b "$work/t" -m usr/lib/modules -o "$work/out" $V 2>/dev/null
check "-o: outputs under OUTDIR/MODDIR/VERSION, the same modules.alias.bin" \
	cmp "$work/ref/modules.alias.bin" "$work/out/usr/lib/modules/$V/modules.alias.bin"
check "-o: nothing new in the input directory" \
	bash -c "[ ! -e '$work/t/usr/lib/modules/$V/modules.weakdep' ] || cmp -s '$work/ref/modules.weakdep' '$work/t/usr/lib/modules/$V/modules.weakdep'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
