#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The post-boot lock end to end, under the fake kernel with the real Debian
# tree:
#  - kmod lockdown turns it only when LockAfterBoot asks (1, or a value
#    that cannot be read), only for a caller with SeTcbPrivilege (enabled
#    around the write when present but disabled; CAP_SYS_MODULE without a
#    Peios token), writes 1 to modules_disabled and reads it back, notes
#    since when and by which setting under /run/pmod, leaves a record;
#    --status and --wanted need nothing and change nothing;
#  - after it every path refuses before any other work with one message
#    naming since when and the setting: modprobe (dry run and -r too),
#    insmod, rmmod, the kernel's demand load (its exact shape, from a
#    kernel thread; still recorded) and pmod's libkmod.so.2 (udev's loads);
#    exit status 1, nothing reaches the kernel.
# usage: lockdown.sh KMOD MODPROBE INSMOD RMMOD SHIM MAKE_FAKE_KERNEL [LIBKMOD_CLIENT]
KMOD=$1 PMP=$2 PINS=$3 PRM=$4 SHIM=$5 MAKE_FAKE=$6 CLIENT=${7:-}
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=$PMOD_TEST_ABI
MODS=$PMOD_TEST_ROOT/lib/modules/$ABI
[ -f "$MODS/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }

TROOT=$WORK/root
mkdir -p "$TROOT/etc/pmod"
ln -s "$PMOD_TEST_ROOT/lib" "$TROOT/lib"
policy() { printf '%s\n' "$@" > "$TROOT/etc/pmod/policy.conf"; }
NOTE=$TROOT/run/pmod/lockdown
# kl NAME [VAR=VALUE...] -- ARGS...: kmod lockdown on the fake kernel NAME
# (made unless it exists), with the test root.
kl() {
	local name=$1
	shift
	[ -d "$WORK/$name" ] || fake_new "$name" --cmdline "" < /dev/null > /dev/null
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run "$WORK/$name" "$WORK/$name" "${envs[@]}" -- "$KMOD" lockdown --root "$TROOT" "$@"
	touch "$WORK/$name/calls.log" "$WORK/$name/syslog.log"
}
disabled() { cat "$WORK/$1/proc/sys/kernel/modules_disabled"; }

# ---------------------------------------------------------------- not asked
policy "# defaults"
kl unset --
check_rc "unset: success" "$WORK/unset" 0
check_contains "unset: says nothing is locked" "$WORK/unset.out" "LockAfterBoot is not set: nothing is locked."
check_eq "unset: modules_disabled stays 0" "$(disabled unset)" 0
check_eq "unset: no note" "$(ls -A "$TROOT/run" 2>/dev/null)" ""
kl unset -- --wanted
check_rc "unset: --wanted says no (the unit is skipped)" "$WORK/unset" 1
policy "LockAfterBoot = 0"
kl zero --
check_eq "0: modules_disabled stays 0" "$(disabled zero)" 0

# ---------------------------------------------------------------- authority
policy "LockAfterBoot = 1"
kl wanted -- --wanted
check_rc "1: --wanted says yes" "$WORK/wanted" 0
kl no-tcb PMOD_FAKE_TOKEN=enabled --
check_rc "no SeTcbPrivilege: refused" "$WORK/no-tcb" 1
check_contains "no SeTcbPrivilege: says so" "$WORK/no-tcb.err" \
	"kmod: ERROR: could not lock module loading: permission denied: locking module loading needs SeTcbPrivilege"
check_eq "no SeTcbPrivilege: SeLoadDriverPrivilege is not enough, nothing written" "$(disabled no-tcb)" 0
check_contains "no SeTcbPrivilege: the failure is recorded" "$WORK/no-tcb/syslog.log" "lockdown "
check_contains "no SeTcbPrivilege: with its result" "$WORK/no-tcb/syslog.log" "result=EPERM"
if [ "$(id -u)" = 0 ]; then
	run "$WORK/no-cap" "$WORK/no-tcb" -- setpriv --inh-caps=-sys_module --bounding-set=-sys_module \
		"$KMOD" lockdown --root "$TROOT"
	check_rc "no token, no CAP_SYS_MODULE: refused" "$WORK/no-cap" 1
	check_contains "no token, no CAP_SYS_MODULE: says so" "$WORK/no-cap.err" \
		"locking module loading needs SeTcbPrivilege (CAP_SYS_MODULE)"
	check_eq "no token, no CAP_SYS_MODULE: nothing written" "$(disabled no-tcb)" 0
fi
check_eq "refused: no note" "$(ls -A "$TROOT/run" 2>/dev/null)" ""

# SeTcbPrivilege held but disabled: enabled just around the write.
kl locked PMOD_FAKE_TOKEN=absent PMOD_FAKE_TOKEN_TCB=disabled --
check_rc "locks" "$WORK/locked" 0
check_eq "modules_disabled is 1" "$(disabled locked)" 1
check_eq "SeTcbPrivilege enabled for the write and put back" "$(tr '\n' ';' < "$WORK/locked/calls.log")" \
	"kacs_adjust_privs luid=7 enable;kacs_adjust_privs luid=7 disable;"
check_contains "says what it did" "$WORK/locked.out" \
	"Locked module loading and unloading until reboot: /proc/sys/kernel/modules_disabled is now 1, since "
check_contains "names the setting" "$WORK/locked.out" "by LockAfterBoot = 1 in /etc/pmod/policy.conf."
check_contains "the note says when and why" "$NOTE" "source=policy.conf"
check_contains "the lock is recorded" "$WORK/locked/syslog.log" \
	'kmod authpriv.notice lockdown module=- path=- signature=not-checked'
check_contains "the record names the setting and the result" "$WORK/locked/syslog.log" \
	'rule="LockAfterBoot = 1 in /etc/pmod/policy.conf"'
SINCE=$(sed -n 's/.*, since \(.*\), by .*/\1/p' "$WORK/locked.out")
check_eq "the time is the note's" "$SINCE" "$(date -d "@$(sed -n 's/^since=//p' "$NOTE")" '+%Y-%m-%d %H:%M:%S %Z')"
kl locked -- --status
check_rc "--status: no privilege needed" "$WORK/locked" 0
check_contains "--status: locked, since, by" "$WORK/locked.out" \
	"Module loading and unloading are locked until reboot: since $SINCE, by LockAfterBoot = 1 in /etc/pmod/policy.conf."
kl locked -- --status --json
check_eq "--status --json" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); k=d["lock_after_boot"]
print(d["command"], d["locked"], d["state"], d["since_text"], d["setting"], k["asks_for_lock"], k["unreadable"], k["policy_source"], "outcome" in d)' < "$WORK/locked.out")" \
	"kmod lockdown True locked-by-pmod $SINCE LockAfterBoot = 1 in /etc/pmod/policy.conf True False policy.conf False"
kl locked --
check_rc "again: nothing to do" "$WORK/locked" 0
check_contains "again: says so" "$WORK/locked.out" "Nothing to do: Module loading and unloading are locked until reboot: since $SINCE"

# ---------------------------------------------------------------- every path refuses
LOCKED="is locked until reboot (since $SINCE, by LockAfterBoot = 1 in /etc/pmod/policy.conf; /proc/sys/kernel/modules_disabled is 1)"
LOOP=/lib/modules/$ABI/kernel/drivers/block/loop.ko
# path NAME [VAR=VALUE...] -- TOOL ARGS...: on a copy of the locked kernel
# with loop loaded.
path() {
	local name=$1
	shift
	cp -a "$WORK/locked" "$WORK/$name"
	rm -f "$WORK/$name/calls.log" "$WORK/$name/syslog.log"
	printf 'loop 32768 0 - Live 0x0000000000000000\n' > "$WORK/$name/proc/modules"
	mkdir -p "$WORK/$name/sys/module/loop/holders"
	echo live > "$WORK/$name/sys/module/loop/initstate"
	echo 0 > "$WORK/$name/sys/module/loop/refcnt"
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run "$WORK/$name" "$WORK/$name" PMOD_FAKE_TOKEN=enabled "${envs[@]}" -- "$@"
	touch "$WORK/$name/calls.log" "$WORK/$name/syslog.log"
}
refused() {	# NAME VERB MESSAGE-START
	check_rc "$1: refused" "$WORK/$1" 1
	check_contains "$1: since when, by which setting" "$WORK/$1.err" "$3module $2 $LOCKED"
	check_absent "$1: before any other work" "$WORK/$1.err" "not found"
	check_no_calls "$1" "$WORK/$1"
}
path modprobe -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
refused modprobe loading "modprobe: ERROR: could not insert '8021q': "
path modprobe-unknown -- "$PMP" --root "$TROOT" -S "$ABI" no-such-module
refused modprobe-unknown loading "modprobe: ERROR: could not insert 'no-such-module': "
path modprobe-n -- "$PMP" --root "$TROOT" -S "$ABI" -n 8021q
refused modprobe-n loading "modprobe: ERROR: could not insert '8021q': "
path modprobe-r -- "$PMP" --root "$TROOT" -S "$ABI" -r loop
refused modprobe-r unloading "modprobe: ERROR: could not remove 'loop': "
path insmod -- "$PINS" --root "$TROOT" "$LOOP"
refused insmod loading "insmod: ERROR: could not insert module $LOOP: "
path rmmod -- "$PRM" --root "$TROOT" loop
refused rmmod unloading "rmmod: ERROR: could not remove module loop: "
check_contains "refusals are recorded" "$WORK/rmmod/syslog.log" "refuse-unload request=loop"
check_contains "refusals name the lock" "$WORK/rmmod/syslog.log" "rule=lockdown"
# The kernel's demand load: its exact shape from a kernel thread, the root
# through the environment as the kernel passes no other argument.
mkdir -p "$WORK/locked/proc/parent"
echo '2 (kworker/u4:1) I 2 0 0 0 -1 69238880 0 0 0 0 0 0' > "$WORK/locked/proc/parent/stat"
path demand MODPROBE_OPTIONS="--root $TROOT -S $ABI" -- "$PMP" -q -- fs-vfat
check_rc "demand: refused" "$WORK/demand" 1
check_no_calls "demand" "$WORK/demand"
check_contains "demand: recorded as a demand load refused by the lock" "$WORK/demand/syslog.log" \
	"refuse-load request=fs-vfat module=- path=-"
check_contains "demand: demand=yes rule=lockdown" "$WORK/demand/syslog.log" "demand=yes rule=lockdown"
rm -rf "$WORK/locked/proc/parent"
if [ -n "$CLIENT" ]; then
	mkdir -p "$WORK/conf"
	path libkmod -- "$CLIENT" "$MODS" "$WORK/conf" comm:systemd-udevd \
		probe:dummy:0 remove:loop:0
	check_contains "libkmod: udev's load refused" "$WORK/libkmod.out" "probe dummy flags=0x0
  = -EPERM"
	check_contains "libkmod: an unload refused" "$WORK/libkmod.out" "remove loop flags=0x0
  = -EPERM"
	check_no_calls "libkmod" "$WORK/libkmod"
	check_contains "libkmod: recorded, by the lock" "$WORK/libkmod/syslog.log" "rule=lockdown"
fi

# ---------------------------------------------------------------- who turned it
cp -a "$NOTE" "$WORK/note"
rm -f "$NOTE"
kl locked -- --status
check_contains "without pmod's note: someone else" "$WORK/locked.out" \
	"Module loading and unloading are locked until reboot (/proc/sys/kernel/modules_disabled is 1), by someone other than pmod; since when is not known."
path other -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
check_contains "without pmod's note: refusals say someone else" "$WORK/other.err" \
	"module loading is locked until reboot (by someone other than pmod, since a time pmod does not know; /proc/sys/kernel/modules_disabled is 1)"
mkdir -p "$TROOT/run/pmod"
printf 'since=1\nsource=policy.conf\nvalue=1\nsetting=forged words\n' > "$NOTE"
kl locked -- --status
check_contains "a note that is not pmod's: warned, naming the file" "$WORK/locked.err" \
	"$NOTE: a line that is not since=, source= or value=, or one twice; the lock is reported as set by someone other than pmod"
check_contains "a note that is not pmod's: someone else" "$WORK/locked.out" "by someone other than pmod"
check_absent "a note that is not pmod's: its words are not used" "$WORK/locked.out" "forged"
rm -f "$NOTE"
kl open -- --status
check_contains "--status, not locked" "$WORK/open.out" "Module loading and unloading are not locked."
check_contains "--status, the knob" "$WORK/open.out" "LockAfterBoot = 1 (policy.conf): the lock is turned at the end of boot."
kl open -- --json
check_eq "--json: what was done" "$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["outcome"], d["locked"], d["state"], "since" in d)' < "$WORK/open.out")" \
	"locked True locked-by-pmod True"
rm -f "$NOTE"

# ---------------------------------------------------------------- fail closed
policy "LockAfterBoot = yes"
kl garbled --
check_rc "garbled: locks" "$WORK/garbled" 0
check_contains "garbled: warned" "$WORK/garbled.err" "LockAfterBoot value yes is not 0 or 1; using the strictest setting, LockAfterBoot = 1"
check_eq "garbled: modules_disabled is 1" "$(disabled garbled)" 1
check_contains "garbled: the setting says so" "$WORK/garbled.out" \
	"by LockAfterBoot in /etc/pmod/policy.conf, unreadable and so taken as 1."
rm -f "$NOTE"
# A switch that takes the write and does not hold: not called a lock.
policy "LockAfterBoot = 1"
fake_new sink --cmdline "" < /dev/null > /dev/null
ln -sf /dev/null "$WORK/sink/proc/sys/kernel/modules_disabled"
kl sink --
check_rc "does not read back 1: failure" "$WORK/sink" 1
check_contains "does not read back 1: says so" "$WORK/sink.err" \
	"wrote 1 to /proc/sys/kernel/modules_disabled, but it does not read back 1"
check_eq "does not read back 1: no note" "$(ls -A "$TROOT/run/pmod" 2>/dev/null)" ""
finish
