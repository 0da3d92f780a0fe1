#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The tools against hostile kernel state and files: every answer is a clear
# message and exit 1, never a crash, a hang or a kernel call made on
# garbage. (The library-level cases are in test-kernel-boundary.c.)
# usage: hostile.sh PMOD_INSMOD PMOD_RMMOD PMOD_LSMOD SHIM MAKE_FAKE_KERNEL
PINS=$1 PRM=$2 PLS=$3 SHIM=$4 MAKE_FAKE=$5
. "$(dirname "$0")/lib.sh"

D=$(fake_new h < /dev/null)

# Random bytes as /proc/modules.
head -c 65536 /dev/urandom > "$D/proc/modules"
run "$WORK/r1" "$D" -- "$PLS"
check_rc "random /proc/modules" "$WORK/r1" 1
check_contains "random /proc/modules: names the file" "$WORK/r1.err" "lsmod: ERROR: could not get list of modules: /proc/modules line "

# A 60-character name, a line without size, a line of 8 MiB.
printf '%s 1 0 - Live 0\n' "$(printf 'n%.0s' $(seq 60))" > "$D/proc/modules"
run "$WORK/r2" "$D" -- "$PLS"
check_rc "long name" "$WORK/r2" 1
check_contains "long name: says why" "$WORK/r2.err" "module name longer than 55 characters"
printf 'a 1 0 - Live 0\nb\n' > "$D/proc/modules"
run "$WORK/r3" "$D" -- "$PLS"
check_eq "no size: message" "$(cat "$WORK/r3.err")" \
	"lsmod: ERROR: could not get list of modules: /proc/modules line 2: b has no valid size"
python3 -c "import sys; sys.stdout.write('big 1 0 ' + 'x,' * (4 << 20) + ' Live 0\nsmall 2 0 - Live 0\n')" > "$D/proc/modules"
run "$WORK/r4" "$D" -- "$PLS"
check_rc "8 MiB line" "$WORK/r4" 0
check_eq "8 MiB line: both modules" "$(cut -c1-5 "$WORK/r4.out" | tr '\n' ' ')" "Modul big   small "
rm "$D/proc/modules"
run "$WORK/r5" "$D" -- "$PLS"
check_eq "no /proc/modules" "$(cat "$WORK/r5.err")" \
	"lsmod: ERROR: could not get list of modules: cannot read /proc/modules: No such file or directory"
check_rc "no /proc/modules" "$WORK/r5" 1
: > "$D/proc/modules"

# sysfs: a FIFO as initstate (no hang), garbage refcnt, holders as a file.
mkdir -p "$D/sys/module/fifo" "$D/sys/module/junk"
mkfifo "$D/sys/module/fifo/initstate"
run "$WORK/s1" "$D" -- "$PRM" fifo
check_eq "FIFO initstate" "$(cat "$WORK/s1.err")" "rmmod: ERROR: Module fifo is not currently loaded"
printf 'live\n' > "$D/sys/module/junk/initstate"
printf '\377\377 not a number' > "$D/sys/module/junk/refcnt"
printf 'x' > "$D/sys/module/junk/holders"
run "$WORK/s2" "$D" -- "$PRM" junk
check_rc "garbage refcnt" "$WORK/s2" 0	# refcnt unreadable is not "in use": the kernel decides
check_eq "garbage refcnt: sent" "$(cat "$D/calls.log")" "delete_module junk flags=O_NONBLOCK"
: > "$D/calls.log"

# Names: too long, with '/', "..": a clear "not loaded", nothing sent.
run "$WORK/n1" "$D" -- "$PRM" "$(printf 'x%.0s' $(seq 5000))"
check_rc "5000-char name" "$WORK/n1" 1
# (kmod 30 smashes its stack here; kmod stops at a name it cannot make.)
check_contains "5000-char name: message" "$WORK/n1.err" ": File name too long"
check_contains "5000-char name: message" "$WORK/n1.err" "rmmod: ERROR: could not use module xxxx"
run "$WORK/n2" "$D" -- "$PRM" ../../../etc/passwd-not-there
check_rc "path-like name" "$WORK/n2" 1
check_no_calls "bad names" "$D"

# Files that are not modules.
printf 'garbage' > "$WORK/garbage.ko"
run "$WORK/f1" "$D" -- "$PINS" "$WORK/garbage.ko"
check_eq "garbage module" "$(cat "$WORK/f1.err")" \
	"insmod: ERROR: could not insert module $WORK/garbage.ko: Invalid module format: not a valid module file: not an ELF file"
printf '\x28\xb5\x2f\xfd\x00\x00garbage' > "$WORK/garbage.ko.zst"
: > "$D/calls.log"
run "$WORK/f2" "$D" -- "$PINS" "$WORK/garbage.ko.zst"
check_rc "garbage zstd" "$WORK/f2" 1
check_contains "garbage zstd: message" "$WORK/f2.err" "insmod: ERROR: could not insert module $WORK/garbage.ko.zst: "
check_no_calls "garbage zstd" "$D"
run "$WORK/f3" "$D" -- "$PINS" "$WORK"
check_eq "directory" "$(cat "$WORK/f3.err")" \
	"insmod: ERROR: could not insert module $WORK: the module file is not a regular file"
check_no_calls "directory" "$D"

for f in "$WORK"/*.rc; do
	rc=$(cat "$f")
	[ "$rc" -lt 2 ] && pass || fail "$f: exit status $rc (crash or hang)"
done
finish
