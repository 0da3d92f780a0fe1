#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An empty base directory is the root, as kmod reads it: dracut runs
# `modprobe -d "$dracutsysrootdir" -S "$kernel" --dry-run NAME` with an
# empty sysroot for the running system, and modinfo -b "" is the same.
# (depmod -b "" is the working directory in kmod, and stays so.) Run from
# a scratch working directory, so that a base taken against it finds
# nothing. The Debian tree is reached with --root; where a mount namespace
# can be made, kmod's and pmod's modprobe are also run without --root on
# the tree mounted at /lib/modules, and must agree. Needs
# PMOD_TEST_ROOT/PMOD_TEST_ABI (exit 77 without).
# usage: empty-basedir.sh PMOD_MODPROBE PMOD_MODINFO PMOD_DEPMOD
MODPROBE=$1 MODINFO=$2 DEPMOD=$3
KMOD=/usr/sbin/modprobe
. "$(dirname "$0")/../kernel-cli/lib.sh"
[ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ] ||
	{ echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77; }
ROOT=$PMOD_TEST_ROOT ABI=$PMOD_TEST_ABI
mkdir "$WORK/cwd"
cd "$WORK/cwd" || exit 99

dracutsysrootdir=
"$MODPROBE" --root="$ROOT" -d "$dracutsysrootdir" -S "$ABI" --dry-run ext4 > "$WORK/dracut.out" 2>&1
check_eq "dracut's modprobe call with an empty sysroot" "$?" 0
"$MODPROBE" --root="$ROOT" -d "" -S "$ABI" -D ext4 > "$WORK/d-empty.out" 2>&1
check_eq "modprobe -d '' -D" "$?" 0
"$MODPROBE" --root="$ROOT" -S "$ABI" -D ext4 > "$WORK/d-none.out" 2>&1
check_same "modprobe -d '' is modprobe without -d" "$WORK/d-none.out" "$WORK/d-empty.out"
check_contains "modprobe -d '': the tree's ext4" "$WORK/d-empty.out" "/lib/modules/$ABI/kernel/fs/ext4/ext4.ko"

"$MODINFO" --root="$ROOT" -b "" -k "$ABI" -n ext4 > "$WORK/mi.out" 2>&1
check_eq "modinfo -b ''" "$?" 0
check_eq "modinfo -b '': the tree's ext4" "$(cat "$WORK/mi.out")" \
	"$ROOT/lib/modules/$ABI/kernel/fs/ext4/ext4.ko"

# depmod -b "" is the working directory, as kmod has it: nothing there.
"$DEPMOD" -n -b "" "$ABI" > /dev/null 2> "$WORK/dm.err"
check_eq "depmod -b '' is the working directory" "$?" 1
check_contains "depmod -b '': the directory named" "$WORK/dm.err" "$WORK/cwd/"

# Without --root, against kmod: the tree mounted on /lib/modules.
if "$KMOD" --version 2>/dev/null | grep -q '^kmod version' && unshare -m true 2>/dev/null; then
	for prog in "$KMOD" "$MODPROBE"; do
		unshare -m sh -c 'mount --bind "$0" /lib/modules && exec "$@"' "$ROOT/lib/modules" \
			"$prog" -d "" -S "$ABI" -D ext4 > "$WORK/ns-$(basename "$(dirname "$prog")").out" 2>&1
		echo $? >> "$WORK/ns-$(basename "$(dirname "$prog")").out"
	done
	check_same "modprobe -d '' -D as kmod's" "$WORK/ns-sbin.out" "$WORK/ns-modprobe.out"
fi
finish
