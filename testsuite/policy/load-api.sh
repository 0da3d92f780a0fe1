#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A program calling only pmod.h cannot load around the gates: under
# SigningPolicy = enforce and AutoLoadPolicy = disabled, and then under
# lockdown, every request of load-api.c is refused and nothing reaches
# the (fake) kernel; the lower-level calls are not exported at all.
# usage: load-api.sh LOAD_API LIBPMOD_SO SHIM MAKE_FAKE_KERNEL
LOAD_API=$1 LIBPMOD=$2 SHIM=$3 MAKE_FAKE=$4
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=$PMOD_TEST_ABI
[ -f "$PMOD_TEST_ROOT/lib/modules/$ABI/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }
TROOT=$WORK/root
mkdir -p "$TROOT/etc/pmod"
ln -s "$PMOD_TEST_ROOT/lib" "$TROOT/lib"
# Given as insmod takes it: an absolute path is taken under the root.
LOOP=/lib/modules/$ABI/kernel/drivers/block/loop.ko
[ -f "$TROOT$LOOP" ] || { echo "no loop.ko: skipped"; exit 77; }

# Debian's modules are signed by a key no trust store here holds.
printf 'SigningPolicy = enforce\nAutoLoadPolicy = disabled\n' > "$TROOT/etc/pmod/policy.conf"
fake_new policy < /dev/null > /dev/null
run "$WORK/policy" "$WORK/policy" -- "$LOAD_API" "$TROOT" "$ABI" "$LOOP"
check_rc "policy: ran" "$WORK/policy" 0
O=$WORK/policy.out
check_contains "enforce: the file's untrusted signature refuses it" "$O" "file rc=EKEYREJECTED outcome=7"
check_contains "enforce: so does a dry run" "$O" "file-dry rc=EKEYREJECTED outcome=7"
check_contains "enforce: forcing is refused" "$O" "forced rc=EPERM outcome=1"
check_contains "enforce: forcing in a dry run too" "$O" "forced-dry rc=EPERM outcome=1"
check_contains "enforce: by name" "$O" "name rc=EKEYREJECTED outcome=4"
check_contains "AutoLoadPolicy=disabled: an automatic load" "$O" "automatic rc=EPERM outcome=1"
check_contains "unknown flag refused" "$O" "unknown-flag rc=EINVAL outcome=1"
check_contains "an automatic load of a file refused" "$O" "file-automatic rc=EINVAL outcome=1"
check_eq "policy: no load reached the kernel" "$(cat "$WORK/policy/calls.log" 2>/dev/null | grep -c 'init_module')" 0
check_contains "policy: refusals recorded" "$WORK/policy/syslog.log" "refuse-load request=loop module=loop"
check_contains "policy: automatic load recorded as demand" "$WORK/policy/syslog.log" "autoload-policy=disabled policy-source=policy.conf demand=yes rule=\"AutoLoadPolicy=disabled\""

# Lockdown: nothing at all, the unload included.
printf '# defaults\n' > "$TROOT/etc/pmod/policy.conf"
printf 'loop 32768 0 - Live 0x0000000000000000\n' | fake_new locked --modules-disabled > /dev/null
run "$WORK/locked" "$WORK/locked" -- "$LOAD_API" "$TROOT" "$ABI" "$LOOP"
O=$WORK/locked.out
for what in file file-dry forced forced-dry name automatic unload; do
	check_contains "lockdown: $what refused" "$O" "$what rc=EPERM outcome=1"
done
check_no_calls "lockdown" "$WORK/locked"
check_contains "lockdown: recorded" "$WORK/locked/syslog.log" "rule=lockdown"

# Only the request-level calls reach the kernel from outside.
syms=$(nm -D --defined-only "$LIBPMOD" | awk '{ sub(/@.*/, "", $3); print $3 }')
for s in pmod_gate pmod_check_lockdown pmod_check_privilege pmod_check_forced_load \
	 pmod_demand_load_check pmod_signing_gate pmod_kernel_insert pmod_kernel_insert_ex \
	 pmod_kernel_remove pmod_kernel_remove_ex pmod_probe pmod_remove pmod_ctx_set_request; do
	if printf '%s\n' "$syms" | grep -qx "$s"; then fail "$s is exported"; else pass; fi
done
for s in pmod_load pmod_unload; do
	if printf '%s\n' "$syms" | grep -qx "$s"; then pass; else fail "$s is not exported"; fi
done
# What the library exports is exactly what pmod.h declares: no internal
# helper leaks out, nothing declared is missing.
header=$(dirname "$0")/../../libpmod/include/pmod.h
declared=$(grep -oE '\bpmod_[a-z0-9_]+\(' "$header" | tr -d '(' | sort -u)
exported=$(printf '%s\n' "$syms" | grep '^pmod_' | sort -u)
check_eq "exported symbols are the ones pmod.h declares" "$declared" "$exported"
finish
