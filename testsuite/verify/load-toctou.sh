#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bytes judged are the bytes loaded: the module file is opened once,
# the signing gate reads that descriptor and the kernel gets a sealed copy
# of the bytes decoded from it (finit_module on a memory file). The
# fake kernel's swap hook replaces the path right after its first open
# (PMOD_FAKE_KERNEL_SWAP_*): a tool that opened the path again for the
# kernel would load the replacement (stp) instead of the file it judged
# (llc). A file written in place after it was opened is refused.
# usage: load-toctou.sh INSMOD MODPROBE DEPMOD SHIM MAKE_FAKE_KERNEL
PINS=$1 PMP=$2 DEPMOD=$3 SHIM=$4 MAKE_FAKE=$5
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
export LC_ALL=C
ABI=$PMOD_TEST_ABI
MODS=$PMOD_TEST_ROOT/lib/modules/$ABI
ZST=${PMOD_TEST_ROOT%/root}/root-zst/lib/modules/$ABI
for f in "$MODS/kernel/net/llc/llc.ko" "$MODS/kernel/net/802/stp.ko"; do
	[ -f "$f" ] || { echo "missing $f: skipped"; exit 77; }
done

# A fresh pair for every case: the rename consumes the replacement.
# pair NAME EXT SRCDIR -> $WORK/NAME/{llc,stp}EXT
pair() {
	mkdir -p "$WORK/$1"
	cp "$3/kernel/net/llc/llc.ko$2" "$WORK/$1/llc.ko$2"
	cp "$3/kernel/net/802/stp.ko$2" "$WORK/$1/stp.ko$2"
}
# swap NAME MODE FILE WITH [fake options] -- TOOL ARGS...
swap() {
	local name=$1 mode=$2 file=$3 with=$4
	shift 4
	local fopts=()
	while [ "$1" != "--" ]; do fopts+=("$1"); shift; done
	shift
	fake_new "k-$name" "${fopts[@]}" < /dev/null > /dev/null
	run "$WORK/$name" "$WORK/k-$name" PMOD_FAKE_KERNEL_SWAP_PATH="$file" \
		PMOD_FAKE_KERNEL_SWAP_WITH="$with" PMOD_FAKE_KERNEL_SWAP_MODE="$mode" -- "$@"
	touch "$WORK/k-$name/calls.log" "$WORK/k-$name/syslog.log"
}
calls() { grep -v '^kacs_' "$WORK/k-$1/calls.log" | sed 's/ params=.*//' | tr '\n' ';'; }

# insmod, uncompressed: the bytes that were judged.
pair plain "" "$MODS"
swap plain rename "$WORK/plain/llc.ko" "$WORK/plain/stp.ko" -- "$PINS" "$WORK/plain/llc.ko"
check_eq "insmod: the judged file is loaded" "$(calls plain)" \
	"swap rename $WORK/plain/llc.ko;finit_module llc flags=0x0;"
check_rc "insmod: loads" "$WORK/plain" 0
check_contains "insmod: the record names the judged file" "$WORK/k-plain/syslog.log" \
	"load request=$WORK/plain/llc.ko module=llc path=$WORK/plain/llc.ko signature=untrusted"

# Compressed: decompressed here, and the kernel gets those bytes, also
# when it could decompress the format itself.
if [ -f "$ZST/kernel/net/llc/llc.ko.zst" ]; then
	pair zst .zst "$ZST"
	swap zst rename "$WORK/zst/llc.ko.zst" "$WORK/zst/stp.ko.zst" -- "$PINS" "$WORK/zst/llc.ko.zst"
	check_eq "insmod .zst (userspace): the judged bytes are loaded" \
		"$(calls zst)" "swap rename $WORK/zst/llc.ko.zst;finit_module llc flags=0x0;"
	check_contains "insmod .zst: verdict recorded" "$WORK/k-zst/syslog.log" "module=llc path=$WORK/zst/llc.ko.zst signature=untrusted"
	pair zstk .zst "$ZST"
	swap zstk rename "$WORK/zstk/llc.ko.zst" "$WORK/zstk/stp.ko.zst" --compression zstd -- \
		"$PINS" "$WORK/zstk/llc.ko.zst"
	check_eq "insmod .zst (kernel could decompress): the judged bytes are loaded" "$(calls zstk)" \
		"swap rename $WORK/zstk/llc.ko.zst;finit_module llc flags=0x0;"
else
	echo "no root-zst: compressed cases not run"
fi

# modprobe, through modules.dep: the same for each step of the plan.
root=$WORK/mp-root
mkdir -p "$root/lib/modules/$ABI/kernel"
cp "$MODS/kernel/net/llc/llc.ko" "$MODS/kernel/net/802/stp.ko" "$root/lib/modules/$ABI/kernel/"
"$DEPMOD" -b "$root" "$ABI" || { echo "FAIL depmod"; exit 1; }
cp "$MODS/kernel/net/802/stp.ko" "$WORK/stp-replacement.ko"
swap mp rename "$root/lib/modules/$ABI/kernel/llc.ko" "$WORK/stp-replacement.ko" -- \
	"$PMP" --root "$root" -S "$ABI" llc
check_eq "modprobe: the judged file is loaded" "$(calls mp)" \
	"swap rename $root/lib/modules/$ABI/kernel/llc.ko;finit_module llc flags=0x0;"

# Written in place while it was read: what was judged may be half of one
# file and half of another. Refused before the kernel.
pair inplace "" "$MODS"
swap inplace inplace "$WORK/inplace/llc.ko" "$WORK/inplace/stp.ko" -- "$PINS" "$WORK/inplace/llc.ko"
check_eq "insmod, written in place: no load" "$(calls inplace)" "swap inplace $WORK/inplace/llc.ko;"
check_rc "insmod, written in place: fails" "$WORK/inplace" 1
check_contains "insmod, written in place: says so" "$WORK/inplace.err" \
	"changed while it was being checked"

finish
