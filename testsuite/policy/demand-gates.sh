#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two promises of the one gated load path, under the fake kernel with the
# real Debian tree:
#  - a dry run (-n) refuses what the real run refuses, with the same words
#    and exit status, and neither asks the kernel anything: forced and
#    untrusted loads under SigningPolicy = enforce, AutoLoadPolicy disabled
#    and allow-list, the blacklist on demand loads, lockdown (loads and
#    unloads);
#  - a demand load cannot bring in a blacklisted or (under allow-list) a
#    not-allowed module through a softdep or an alias: skipped or refused,
#    recorded; an explicit request still loads softdeps as kmod does.
# usage: demand-gates.sh MODPROBE SHIM MAKE_FAKE_KERNEL
PMP=$1 SHIM=$2 MAKE_FAKE=$3
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=$PMOD_TEST_ABI
[ -f "$PMOD_TEST_ROOT/lib/modules/$ABI/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }

TROOT=$WORK/root
mkdir -p "$TROOT/etc/modprobe.d" "$TROOT/etc/pmod"
ln -s "$PMOD_TEST_ROOT/lib" "$TROOT/lib"
# loop, dummy and ifb have no dependencies of their own.
cat > "$TROOT/etc/modprobe.d/test.conf" <<'CONF'
blacklist dummy
softdep loop pre: dummy ifb
alias twomods ifb
alias twomods dummy
CONF
policy() { printf '%s\n' "$@" > "$TROOT/etc/pmod/policy.conf"; }
loads() { cat "$WORK/$1/calls.log" 2>/dev/null | awk '$1 ~ /init_module$/ { print $2 }' | tr '\n' ' '; }
# mp NAME [--proc LINE] [fake options] -- ARGS: modprobe on a fresh fake kernel.
mp() {
	local name=$1 proc=
	shift
	if [ "$1" = --proc ]; then proc=$2; shift 2; fi
	local opts=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	printf '%s' "$proc" | fake_new "$name" --cmdline "" "${opts[@]}" > /dev/null
	run "$WORK/$name" "$WORK/$name" -- "$PMP" --root "$TROOT" -S "$ABI" "$@"
}

# same NAME RC [fake options] -- ARGS: the request with and without -n.
same() {
	local name=$1 rc=$2
	shift 2
	local opts=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	mp "$name" "${opts[@]}" -- "$@"
	mp "$name-n" "${opts[@]}" -- -n "$@"
	check_rc "$name: real run" "$WORK/$name" "$rc"
	check_rc "$name: dry run" "$WORK/$name-n" "$rc"
	check_same "$name: the dry run says what the real run says" "$WORK/$name.err" "$WORK/$name-n.err"
	check_no_calls "$name: real run" "$WORK/$name"
	check_no_calls "$name: dry run" "$WORK/$name-n"
}

# ---------------------------------------------------------------- dry run = real run
policy "SigningPolicy = enforce"
same enforce-forced 1 -- -f loop
check_contains "enforce, forced: why" "$WORK/enforce-forced-n.err" "forced loads are refused"
same enforce-vermagic 1 -- --force-vermagic loop
# Debian's modules are signed by a key no trust store here holds.
same enforce-untrusted 1 -- loop
check_contains "enforce, untrusted: why" "$WORK/enforce-untrusted-n.err" "signature untrusted; refused"
policy "AutoLoadPolicy = disabled"
same autoload-disabled 1 -- --demand ifb
check_contains "disabled: why" "$WORK/autoload-disabled-n.err" "AutoLoadPolicy=disabled"
policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = ifb"
same allow-list 1 -- --demand tun
check_contains "allow-list: why" "$WORK/allow-list-n.err" "no AutoLoadAllowList entry matches"
policy "# defaults"
same demand-blacklist 0 -- --demand dummy
same locked 1 --modules-disabled -- ifb
check_contains "locked: why" "$WORK/locked-n.err" "module loading is locked until reboot"
same locked-rm 1 --proc "ifb 16384 0 - Live 0x0000000000000000
" --modules-disabled -- -r ifb
check_contains "locked unload: why" "$WORK/locked-rm-n.err" "module unloading is locked until reboot"

# ---------------------------------------------------------------- softdeps and aliases
policy "AutoLoadPolicy = enabled"
mp soft-demand -- --demand loop
check_rc "softdep, demand" "$WORK/soft-demand" 0
check_eq "softdep, demand: the blacklisted softdep never reaches the kernel" "$(loads soft-demand)" "ifb loop "
check_contains "softdep, demand: the skip is recorded" "$WORK/soft-demand/syslog.log" \
	"refuse-load request=loop module=dummy"
check_contains "softdep, demand: by the blacklist" "$WORK/soft-demand/syslog.log" "rule=blacklist"
mp soft-explicit -- loop
check_eq "softdep, explicit: loads it (kmod's rule)" "$(loads soft-explicit)" "dummy ifb loop "
mp soft-kthread-n -- --demand -n loop
check_no_calls "softdep, demand, dry run" "$WORK/soft-kthread-n"

policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = loop"
mp soft-allow -- --demand loop
check_rc "softdep, allow-list" "$WORK/soft-allow" 0
check_eq "softdep, allow-list: only what the list allows" "$(loads soft-allow)" "loop "
check_contains "softdep, allow-list: the not-allowed softdep recorded" "$WORK/soft-allow/syslog.log" \
	'refuse-load request=loop module=ifb'
check_contains "softdep, allow-list: its rule" "$WORK/soft-allow/syslog.log" \
	'rule="AutoLoadPolicy=allow-list (no AutoLoadAllowList entry matches)"'
check_contains "softdep, allow-list: the load names the rule that let it" "$WORK/soft-allow/syslog.log" \
	'demand=yes rule="AutoLoadPolicy=allow-list (AutoLoadAllowList entry loop)"'

policy "AutoLoadPolicy = enabled"
mp alias-demand -- --demand twomods
check_rc "alias to two modules, demand" "$WORK/alias-demand" 0
check_eq "alias, demand: the blacklisted one never reaches the kernel" "$(loads alias-demand)" "ifb "
check_contains "alias, demand: refusal recorded" "$WORK/alias-demand/syslog.log" \
	"refuse-load request=twomods module=dummy"
policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = ifb"
mp alias-allow -- --demand twomods
check_eq "alias, allow-list: only the allowed one" "$(loads alias-allow)" "ifb "
finish
