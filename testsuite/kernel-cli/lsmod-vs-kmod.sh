#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# lsmod against kmod 30's lsmod on the same fake kernel: recorded
# /proc/modules files (holders, [permanent], Loading/Unloading, taints,
# zeroed addresses, no-unload '-' columns, a >4 KiB line, an empty file,
# sysfs gaps). stdout, stderr (minus kmod's libkmod-internal lines) and the
# exit status must be identical.
# usage: lsmod-vs-kmod.sh PMOD_LSMOD SHIM MAKE_FAKE_KERNEL
PMOD=$1 SHIM=$2 MAKE_FAKE=$3
KMOD=/usr/sbin/lsmod
[ -x "$KMOD" ] || { echo "no kmod lsmod: skipped"; exit 77; }
. "$(dirname "$0")/lib.sh"

compare() {	# NAME DIR [args...]
	local name=$1 dir=$2
	shift 2
	run "$WORK/$name.pmod" "$dir" -- "$PMOD" "$@"
	run "$WORK/$name.kmod" "$dir" -- "$KMOD" "$@"
	# Usage lines name argv[0]: make both say "lsmod".
	sed -i "s|$PMOD|lsmod|; s|$KMOD|lsmod|" "$WORK/$name.pmod.err" "$WORK/$name.kmod.err"
	strip_libkmod "$WORK/$name.kmod.err"
	check_same "$name: stdout" "$WORK/$name.kmod.out" "$WORK/$name.pmod.out"
	check_same "$name: stderr" "$WORK/$name.kmod.err.cmp" "$WORK/$name.pmod.err"
	check_same "$name: exit status" "$WORK/$name.kmod.rc" "$WORK/$name.pmod.rc"
	check_no_calls "$name" "$dir"
}

# A desktop-like system: holders lists, taints, [permanent], states.
D=$(fake_new typical <<'REC'
btusb 65536 0 - Live 0xffffffffc0a00000
btrtl 28672 1 btusb, Live 0xffffffffc09f0000
btintel 45056 1 btusb, Live 0xffffffffc09e0000 (E)
bluetooth 974848 33 btusb,btrtl,btintel,rfcomm,bnep, Live 0xffffffffc0800000
rfcomm 90112 4 - Live 0xffffffffc07e0000
bnep 32768 2 - Live 0xffffffffc07d0000
vboxdrv 696320 2 [permanent], Live 0xffffffffc0600000 (OE)
nvidia 56717312 1 - Live 0xffffffffc0000000 (POE)
new_one 16384 0 - Loading 0xffffffffc0010000 (OE+)
old_one 16384 0 - Unloading 0xffffffffc0020000 (OE-)
ecdh_generic 16384 2 bluetooth, Live 0x0000000000000000
rfkill 36864 9 bluetooth, Live 0x0000000000000000
a_module_name_that_is_exactly_fifty_five_characters_xx 8192 0 - Live 0x0000000000000000
tiny 0 0 - Live 0x0000000000000000
REC
)
compare typical "$D"

# Kernel without CONFIG_MODULE_UNLOAD: no refcnt files, no holders dirs.
D=$(fake_new nounload <<'REC'
ext4 1015808 - - Live 0x0000000000000000
mbcache 16384 - - Live 0x0000000000000000
jbd2 196608 - - Live 0x0000000000000000
REC
)
compare nounload "$D"

# One line far over 4 KiB (1000 holders), then more lines that must not be
# mistaken for pieces of it.
python3 - > "$WORK/long.rec" <<'PY'
holders = ",".join("holder_%04d" % i for i in range(1000)) + ","
print("hub 4096 1000 " + holders + " Live 0x0000000000000000")
for i in range(3):
    print("holder_%04d 8192 0 - Live 0x0000000000000000" % i)
print("after 12288 0 - Live 0x0000000000000000")
PY
D=$(fake_new long < "$WORK/long.rec")
compare long "$D"

# Nothing loaded.
D=$(fake_new empty < /dev/null)
compare empty "$D"

# sysfs gaps: no coresize (size from /proc/modules), no refcnt (printed as
# a negative errno), no /sys/module directory at all, refcnt not a number.
D=$(fake_new gaps <<'REC'
nocoresize 24576 3 - Live 0x0000000000000000
norefcnt 32768 0 - Live 0x0000000000000000
nosysfs 40960 0 - Live 0x0000000000000000
badrefcnt 49152 0 - Live 0x0000000000000000
REC
)
rm "$D/sys/module/nocoresize/coresize" "$D/sys/module/norefcnt/refcnt"
rm -r "$D/sys/module/nosysfs"
echo "many" > "$D/sys/module/badrefcnt/refcnt"
compare gaps "$D"

# The usage line for an argument, as kmod 30 prints it.
D=$(fake_new args < /dev/null)
compare args "$D" extra
compare args2 "$D" -x

finish
