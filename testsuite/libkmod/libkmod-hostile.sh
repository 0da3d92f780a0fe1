#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmod's libkmod.so.2 on hostile files and arguments, against kmod's: one
# client (client-hostile.c) built against each library, every step in a
# child process of its own.
#  - Files: a small module tree (stp, llc, loop, dummy from the Debian tree,
#    indexed by pmod's depmod), then the same tree with modules.dep.bin or
#    modules.alias.bin truncated or with bytes flipped, a module file
#    truncated or with its .modinfo made unterminated or its section table
#    pointing past the end, and modprobe.d files with an overlong line, NUL
#    bytes, a continuation line cut at the end of the file and malformed
#    commands.
#  - Arguments: NULL and positions outside a list, in every call that takes
#    them (the client's --null mode).
# pmod's library must never crash (no signal, no sanitizer report), and
# wherever kmod's answer is an error code, pmod's must be the same code
# (the same "rc=" line); kmod_new must succeed or fail alike. Other
# differences are printed, not failed: on a corrupt index kmod may give a
# partial answer where pmod refuses the file (doc/libkmod.md).
# usage: libkmod-hostile.sh CLIENT_KMOD CLIENT_PMOD DEPMOD
set -u
CLIENT_KMOD=$1 CLIENT_PMOD=$2 DEPMOD=$3
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
MODS=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
for m in net/802/stp net/llc/llc drivers/block/loop drivers/net/dummy; do
	[ -f "$MODS/kernel/$m.ko" ] || { echo "no $m.ko in $MODS: skipped"; exit 77; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0 cases=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The clean tree and configuration every case starts from.
KVER=0.0.0-hostile
BASE=$WORK/base/lib/modules/$KVER
mkdir -p "$BASE/kernel" "$WORK/base-conf"
for m in net/802/stp net/llc/llc drivers/block/loop drivers/net/dummy; do
	cp "$MODS/kernel/$m.ko" "$BASE/kernel/"
done
"$DEPMOD" -b "$WORK/base" "$KVER" || { fail "depmod on the base tree"; exit 1; }
cat > "$WORK/base-conf/base.conf" <<'CONF'
options loop max_loop=4
alias hostile-alias dummy
softdep stp pre: loop post: dummy
blacklist dummy
CONF
NAMES=(stp llc loop dummy hostile-alias "pci:v00008086d*" symbol:stp_proto_register)

# flip FILE OFFSET: the byte at OFFSET inverted.
flip() {
	local byte
	byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$byte" ] || return 0
	printf "$(printf '\\x%02x' $(( byte ^ 0xff )))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# run_case NAME DIR CONF MODULE [--null]: both clients, then the checks.
run_case() {
	local t0=$SECONDS
	local name=$1 dir=$2 conf=$3 module=$4 mode=${5:-} which client rc seconds
	cases=$((cases + 1))
	for which in kmod pmod; do
		# kmod's library loops forever on some corrupt indexes: its
		# steps are given 2 s, pmod's 20 (a sanitizer build is slower).
		client=$CLIENT_KMOD seconds=2
		[ $which = pmod ] && client=$CLIENT_PMOD seconds=20
		export CLIENT_STEP_SECONDS=$seconds
		if [ "$mode" = --null ]; then
			env -u LD_LIBRARY_PATH "$client" --null "$dir" "$conf"
		else
			env -u LD_LIBRARY_PATH "$client" "$dir" "$conf" "$module" "${NAMES[@]}"
		fi > "$WORK/$which.out" 2> "$WORK/$which.err"
		rc=$?
		[ $rc = 0 ] || fail "$name: the $which client exited $rc"
	done
	[ $((SECONDS - t0)) -lt 10 ] || echo "-- $1: $((SECONDS - t0)) s"
	# pmod never crashes, and no sanitizer has anything to say.
	if grep -E ': (CRASH|EXIT|HANG)' "$WORK/pmod.out"; then
		fail "$name: pmod's library crashed"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$WORK/pmod.err"; then
		grep -E 'AddressSanitizer|LeakSanitizer|runtime error' "$WORK/pmod.err" | head -5
		fail "$name: a sanitizer report from pmod's library"
	fi
	# kmod's error codes, and kmod_new's answer, are pmod's.
	awk -v name="$name" '
		FNR == NR {
			if ($0 ~ /^[^ ].*: CRASH/) crashed[$1] = 1
			if (match($0, /rc=-[0-9]+/) || /^kmod_new:/ || /^p_.*: -[0-9]+$/) want[++n] = $0
			next
		}
		{ have[$0] = 1 }
		END {
			for (i = 1; i <= n; i++)
				if (!(want[i] in have)) {
					printf "FAIL: %s: kmod answers \"%s\", pmod does not\n", name, want[i]
					bad++
				}
			exit bad > 0
		}' "$WORK/kmod.out" "$WORK/pmod.out" || failures=$((failures + 1))
	if ! cmp -s "$WORK/kmod.out" "$WORK/pmod.out"; then
		echo "-- $name: other differences (- kmod, + pmod):"
		diff -u "$WORK/kmod.out" "$WORK/pmod.out" | sed -n '3,14p'
	fi
}

# fresh NAME: a copy of the base tree and configuration in $WORK/NAME.
fresh() {
	rm -rf "$WORK/case"
	mkdir -p "$WORK/case"
	cp -r "$BASE" "$WORK/case/dir"
	cp -r "$WORK/base-conf" "$WORK/case/conf"
	D=$WORK/case/dir C=$WORK/case/conf M=$WORK/case/dir/kernel/loop.ko
}

fresh; run_case "clean tree" "$D" "$C" "$M"
grep -q '^lookup files stp: rc=0 count=1' "$WORK/pmod.out" ||
	fail "the clean tree does not resolve stp (the cases below would prove nothing)"
fresh; run_case "NULL arguments" "$D" "$C" "$M" --null
[ "$(grep -c '^p_' "$WORK/pmod.out")" -ge 50 ] || fail "the NULL probes did not all run"

for index in modules.dep.bin modules.alias.bin; do
	size=$(stat -c %s "$BASE/$index")
	for cut in 0 3 11 $(( size / 2 )) $(( size - 1 )); do
		fresh; truncate -s "$cut" "$D/$index"
		run_case "$index truncated to $cut" "$D" "$C" "$M"
	done
	for off in 0 5 8 11 $(( size / 7 )) $(( size / 3 )) $(( size / 2 )) $(( size * 2 / 3 )) \
		   $(( size - 2 )); do
		fresh; flip "$D/$index" "$off"
		run_case "$index byte $off flipped" "$D" "$C" "$M"
	done
	fresh; rm -f "$D/$index"
	run_case "$index missing" "$D" "$C" "$M"
done

size=$(stat -c %s "$BASE/kernel/loop.ko")
for cut in 0 4 63 64 1000 $(( size / 2 )) $(( size - 1 )); do
	fresh; truncate -s "$cut" "$M"
	run_case "loop.ko truncated to $cut" "$D" "$C" "$M"
done
# The .modinfo section's bytes, from the section table (readelf is part of
# binutils, which the build needs anyway).
read -r mi_off mi_size < <(readelf -SW "$BASE/kernel/loop.ko" |
	sed 's/^ *\[ *[0-9]*\]//' | awk '$1 == ".modinfo" { print $4, $5 }')
if [ -n "${mi_off:-}" ]; then
	mi_off=$(( 16#$mi_off )) mi_size=$(( 16#$mi_size ))
	fresh; tr '\000' 'x' < <(dd if="$M" bs=1 skip="$mi_off" count="$mi_size" status=none) |
		dd of="$M" bs=1 seek="$mi_off" conv=notrunc status=none
	run_case "loop.ko .modinfo without a NUL" "$D" "$C" "$M"
	fresh; head -c "$mi_size" /dev/zero | dd of="$M" bs=1 seek="$mi_off" conv=notrunc status=none
	run_case "loop.ko .modinfo all NUL" "$D" "$C" "$M"
	fresh; tr '=' '\000' < <(dd if="$M" bs=1 skip="$mi_off" count="$mi_size" status=none) |
		dd of="$M" bs=1 seek="$mi_off" conv=notrunc status=none
	run_case "loop.ko .modinfo without =" "$D" "$C" "$M"
else
	fail "no .modinfo section found in loop.ko"
fi
# e_shoff (offset 0x28) far past the end of the file.
fresh; printf '\xff\xff\xff\x7f\x00\x00\x00\x00' | dd of="$M" bs=1 seek=40 conv=notrunc status=none
run_case "loop.ko section table past the end" "$D" "$C" "$M"
# e_shnum (offset 0x3c) huge.
fresh; printf '\xff\xff' | dd of="$M" bs=1 seek=60 conv=notrunc status=none
run_case "loop.ko 65535 sections" "$D" "$C" "$M"

# Hostile modprobe.d files, each alongside the base configuration.
fresh; { printf 'options loop '; head -c 300000 /dev/zero | tr '\000' 'a'; printf '\n'; } > "$C/long.conf"
run_case "modprobe.d: a 300 kB line" "$D" "$C" "$M"
fresh; head -c 300000 /dev/zero | tr '\000' 'a' > "$C/long-unterminated.conf"
run_case "modprobe.d: a 300 kB line without a newline" "$D" "$C" "$M"
fresh; printf 'options loop a=1\000b=2\nalias x\000y dummy\n\000\000\nblacklist \000\n' > "$C/nul.conf"
run_case "modprobe.d: NUL bytes" "$D" "$C" "$M"
fresh; printf 'options loop max_part=1 \\\n    more=2 \\' > "$C/cont.conf"
run_case "modprobe.d: a continuation line cut at the end" "$D" "$C" "$M"
fresh; { printf 'install loop /bin/true'; for i in $(seq 2000); do printf ' \\\n x%d' "$i"; done; printf '\n'; } > "$C/many.conf"
run_case "modprobe.d: 2000 continuation lines" "$D" "$C" "$M"
fresh; printf 'options\nalias\nalias only-one\nsoftdep\nsoftdep loop\nsoftdep loop pre:\nsoftdep loop post: pre:\ninstall\nremove loop\nblacklist\nbogus command\n\xff\xfe\xfd\n#\\\n' > "$C/malformed.conf"
run_case "modprobe.d: malformed commands" "$D" "$C" "$M"

echo "$cases cases"
[ $failures = 0 ] || { echo "$failures failures"; exit 1; }
echo "pmod's libkmod: no crash, kmod's error codes"
