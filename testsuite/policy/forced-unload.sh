#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Forced unload exists only in forced_unload builds, as a standard Peios
# kernel has none (doc/kernel-boundary.md): the standard rmmod never sends
# O_TRUNC, with or without -f; rmmod built with forced_unload=true sends it
# with -f only.
# usage: forced-unload.sh RMMOD_FORCED RMMOD SHIM MAKE_FAKE_KERNEL
FORCED=$1 STANDARD=$2 SHIM=$3 MAKE_FAKE=$4
. "$(dirname "$0")/../kernel-cli/lib.sh"
rec() { printf 'a 16384 0 - Live 0x0000000000000000\n'; }

rec | fake_new std-f > /dev/null
run "$WORK/std-f" "$WORK/std-f" -- "$STANDARD" -f a
check_eq "standard -f: sent" "$(cat "$WORK/std-f/calls.log")" "delete_module a flags=O_NONBLOCK"
check_contains "standard -f: notice" "$WORK/std-f.err" "forced unload is not available"
rec | fake_new dev-f > /dev/null
run "$WORK/dev-f" "$WORK/dev-f" -- "$FORCED" -f a
check_eq "forced_unload build -f: sent" "$(cat "$WORK/dev-f/calls.log")" "delete_module a flags=O_NONBLOCK|O_TRUNC"
check_absent "forced_unload build -f: no notice" "$WORK/dev-f.err" "not available"
check_contains "forced_unload build -f: recorded" "$WORK/dev-f/syslog.log" "forced-unload request=a module=a"
rec | fake_new dev > /dev/null
run "$WORK/dev" "$WORK/dev" -- "$FORCED" a
check_eq "forced_unload build without -f: not forced" "$(cat "$WORK/dev/calls.log")" "delete_module a flags=O_NONBLOCK"
finish
