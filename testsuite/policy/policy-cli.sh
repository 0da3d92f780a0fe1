#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Peios policy through the tools, under the fake kernel with the real
# Debian tree: SeLoadDriverPrivilege (absent / disabled / enabled token,
# CAP_SYS_MODULE where there is no token or a seccomp filter hides it), lockdown, AutoLoadPolicy for
# demand loads (--demand, a kernel-thread parent, explicit requests) with
# the blacklist, forced loads under SigningPolicy=enforce (policy.conf and
# the registry, ERANGE included), forced unload compiled out, and the
# syslog records.
# usage: policy-cli.sh MODPROBE INSMOD RMMOD LSMOD SHIM MAKE_FAKE_KERNEL SECCOMP_EPERM
PMP=$1 PINS=$2 PRM=$3 PLS=$4 SHIM=$5 MAKE_FAKE=$6 SECCOMP=$7
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=$PMOD_TEST_ABI
[ -f "$PMOD_TEST_ROOT/lib/modules/$ABI/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }

# A test root: the Debian modules, our modprobe.d and policy.conf.
TROOT=$WORK/root
mkdir -p "$TROOT/etc/modprobe.d" "$TROOT/etc/pmod"
ln -s "$PMOD_TEST_ROOT/lib" "$TROOT/lib"
printf 'blacklist dummy\ninstall nlmon /bin/true\n' > "$TROOT/etc/modprobe.d/test.conf"
policy() { printf '%s\n' "$@" > "$TROOT/etc/pmod/policy.conf"; }
LLC=/lib/modules/$ABI/kernel/net/llc/llc.ko

fresh() { fake_new "$1" --cmdline "" < /dev/null > /dev/null; }
# t NAME [VAR=VALUE...] -- TOOL ARGS... : on a fresh fake kernel $WORK/NAME
# unless it exists; output in $WORK/NAME.{out,err,rc}.
t() {
	local name=$1
	shift
	[ -d "$WORK/$name" ] || fresh "$name"
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run "$WORK/$name" "$WORK/$name" "${envs[@]}" -- "$@"
	touch "$WORK/$name/calls.log" "$WORK/$name/syslog.log"
}
mp() { local n=$1; shift; t "$n" "${ENVS[@]}" -- "$PMP" --root "$TROOT" -S "$ABI" "$@"; }
loads() { awk '$1 == "finit_module" { print $2 }' "$WORK/$1/calls.log" | tr '\n' ' '; }
ENVS=()
policy "# defaults"

# ---------------------------------------------------------------- privilege
ENVS=(PMOD_FAKE_TOKEN=absent)
mp priv-absent no-such-module
check_rc "absent: refused" "$WORK/priv-absent" 1
check_contains "absent: names the privilege" "$WORK/priv-absent.err" \
	"modprobe: ERROR: could not insert 'no-such-module': permission denied: loading a module needs SeLoadDriverPrivilege"
check_absent "absent: refused before resolving" "$WORK/priv-absent.err" "not found"
check_no_calls "absent" "$WORK/priv-absent"
check_contains "absent: record" "$WORK/priv-absent/syslog.log" "modprobe authpriv.warning refuse-load request=no-such-module"
check_contains "absent: record rule" "$WORK/priv-absent/syslog.log" "rule=privilege"
t priv-absent-ins PMOD_FAKE_TOKEN=absent -- "$PINS" --root "$TROOT" /nonexistent.ko
check_contains "insmod absent: before the file" "$WORK/priv-absent-ins.err" "SeLoadDriverPrivilege"
check_rc "insmod absent" "$WORK/priv-absent-ins" 1
t priv-absent-rm PMOD_FAKE_TOKEN=absent -- "$PRM" nosuch
check_contains "rmmod absent" "$WORK/priv-absent-rm.err" \
	"rmmod: ERROR: could not remove module nosuch: permission denied: unloading a module needs SeLoadDriverPrivilege"
# Read-only work needs nothing.
for args in "-n -v 8021q" "-D 8021q" "-R 8021q" "-c"; do
	n=ro-$(echo "$args" | tr -dc 'a-zA-Z0-9')
	mp "$n" $args
	check_rc "absent, $args: allowed" "$WORK/$n" 0
	check_no_calls "absent, $args" "$WORK/$n"
done
t ro-lsmod PMOD_FAKE_TOKEN=absent -- "$PLS"
check_rc "absent: lsmod" "$WORK/ro-lsmod" 0

# Present but disabled: enabled around each kernel call, restored after,
# also when the kernel fails.
ENVS=(PMOD_FAKE_TOKEN=disabled)
mp priv-disabled 8021q
check_rc "disabled: loads" "$WORK/priv-disabled" 0
check_eq "disabled: enable, call, restore" "$(awk '{ print $1 " " $2 " " $3 }' "$WORK/priv-disabled/calls.log" | sed 's/ flags=.*//' | tr '\n' ';')" \
"$(for m in llc mrp stp garp 8021q; do printf 'kacs_adjust_privs luid=10 enable;finit_module %s;kacs_adjust_privs luid=10 disable;' $m; done)"
ENVS=(PMOD_FAKE_TOKEN=disabled PMOD_FAKE_KERNEL_ERRORS=stp:EINVAL)
mp priv-disabled-fail 8021q
check_rc "disabled, kernel fails" "$WORK/priv-disabled-fail" 1
check_eq "disabled, kernel fails: restored" "$(tail -2 "$WORK/priv-disabled-fail/calls.log" | sed 's/ flags=.*//' | tr '\n' ';')" \
	"finit_module stp;kacs_adjust_privs luid=10 disable;"
t priv-disabled-rm PMOD_FAKE_TOKEN=disabled -- "$PRM" llc
cp -a "$WORK/priv-disabled" "$WORK/priv-disabled-rm2"; rm -f "$WORK/priv-disabled-rm2/calls.log"
t priv-disabled-rm2 PMOD_FAKE_TOKEN=disabled -- "$PRM" 8021q
check_eq "disabled: rmmod" "$(sed 's/ flags=.*//' "$WORK/priv-disabled-rm2/calls.log" | tr '\n' ';')" \
	"kacs_adjust_privs luid=10 enable;delete_module 8021q;kacs_adjust_privs luid=10 disable;"
t priv-noadjust PMOD_FAKE_TOKEN=disabled-noadjust -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
check_rc "disabled, may not adjust" "$WORK/priv-noadjust" 1
check_contains "disabled, may not adjust: says so" "$WORK/priv-noadjust.err" "held but disabled"
check_no_calls "disabled, may not adjust" "$WORK/priv-noadjust"
ENVS=(PMOD_FAKE_TOKEN=enabled)
mp priv-enabled 8021q
check_rc "enabled: loads" "$WORK/priv-enabled" 0
check_absent "enabled: no adjust" "$WORK/priv-enabled/calls.log" "kacs_adjust_privs"
check_eq "enabled: loads all" "$(loads priv-enabled)" "llc mrp stp garp 8021q "
ENVS=()

# No token (ENOSYS): CAP_SYS_MODULE decides.
mp cap-have 8021q
check_rc "CAP_SYS_MODULE: loads" "$WORK/cap-have" 0
if setpriv --inh-caps=-sys_module --bounding-set=-sys_module true 2>/dev/null; then
	t cap-dropped -- setpriv --inh-caps=-sys_module --bounding-set=-sys_module -- \
		"$PMP" --root "$TROOT" -S "$ABI" 8021q
	check_rc "no CAP_SYS_MODULE: refused" "$WORK/cap-dropped" 1
	check_contains "no CAP_SYS_MODULE: says so" "$WORK/cap-dropped.err" \
		"needs SeLoadDriverPrivilege (CAP_SYS_MODULE)"
	check_no_calls "no CAP_SYS_MODULE" "$WORK/cap-dropped"
	t cap-dropped-n -- setpriv --inh-caps=-sys_module --bounding-set=-sys_module -- \
		"$PMP" --root "$TROOT" -S "$ABI" -n 8021q
	check_rc "no CAP_SYS_MODULE, -n" "$WORK/cap-dropped-n" 0
else
	echo "setpriv cannot drop CAP_SYS_MODULE here: that half not run"
fi

# A seccomp filter that answers EPERM to the token syscall, as systemd's
# SystemCallFilter= does for systemd-udevd: no Peios token to read, so
# CAP_SYS_MODULE decides (refusing would stop every driver udev loads).
t seccomp-eperm -- "$SECCOMP" "$PMP" --root "$TROOT" -S "$ABI" 8021q
check_rc "token syscall EPERM (seccomp), CAP_SYS_MODULE: loads" "$WORK/seccomp-eperm" 0
check_contains "token syscall EPERM (seccomp): the record names CAP_SYS_MODULE" \
	"$WORK/seccomp-eperm/syslog.log" "authority=CAP_SYS_MODULE"
if setpriv --inh-caps=-sys_module --bounding-set=-sys_module true 2>/dev/null; then
	t seccomp-eperm-nocap -- setpriv --inh-caps=-sys_module --bounding-set=-sys_module -- \
		"$SECCOMP" "$PMP" --root "$TROOT" -S "$ABI" 8021q
	check_rc "token syscall EPERM (seccomp), no CAP_SYS_MODULE: refused" "$WORK/seccomp-eperm-nocap" 1
	check_no_calls "token syscall EPERM (seccomp), no CAP_SYS_MODULE" "$WORK/seccomp-eperm-nocap"
fi

# ---------------------------------------------------------------- lockdown
fake_new locked --modules-disabled < /dev/null > /dev/null
mp locked 8021q
check_rc "locked: load refused" "$WORK/locked" 1
check_contains "locked: says so" "$WORK/locked.err" "module loading is locked until reboot"
check_no_calls "locked: load" "$WORK/locked"
cp -a "$WORK/priv-enabled" "$WORK/locked-rm"; rm -f "$WORK/locked-rm/calls.log"; echo 1 > "$WORK/locked-rm/proc/sys/kernel/modules_disabled"
mp locked-rm -r 8021q
check_rc "locked: unload refused" "$WORK/locked-rm" 1
check_contains "locked: unload says so" "$WORK/locked-rm.err" "module unloading is locked until reboot"
check_no_calls "locked: unload" "$WORK/locked-rm"
# Locked beats a missing privilege.
fake_new locked-absent --modules-disabled < /dev/null > /dev/null
t locked-absent PMOD_FAKE_TOKEN=absent -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
check_contains "locked and no privilege: lockdown reported" "$WORK/locked-absent.err" "locked until reboot"
# LockAfterBoot = 1: the kernel's EPERM is the lock; the knob alone
# refuses nothing (boot-time loads run before the kernel locks).
policy "LockAfterBoot = 1"
ENVS=(PMOD_FAKE_KERNEL_ERRORS=llc:EPERM)
mp lab-eperm 8021q
check_contains "LockAfterBoot: EPERM is the lock" "$WORK/lab-eperm.err" \
	"module loading is locked until reboot (the Peios post-boot lock: LockAfterBoot = 1)"
ENVS=()
mp lab-open loop
check_rc "LockAfterBoot before the lock: loads" "$WORK/lab-open" 0
policy "# defaults"

# ---------------------------------------------------------------- AutoLoadPolicy
KTHREAD='2 (kworker/u4:1) I 2 0 0 0 -1 69238880 0 0 0 0 0 0'
# A command name may hold a newline: the fields after it still count.
KTHREAD_NL=$'2 (kworker\n/u4:1) I 2 0 0 0 -1 69238880 0 0 0 0 0 0'
HOSTILE_NOT_KTHREAD='99 (a) I 2 0 0 0 -1 69238880 (b) S 5 0 0 0 -1 4194560 0 0'
# demand MODE NAME ARGS... with MODE explicit|flag|kthread|notkthread
demand() {
	local mode=$1 name=$2
	shift 2
	fresh "$name"
	case $mode in
	explicit) mp "$name" "$@" ;;
	flag) mp "$name" --demand "$@" ;;
	kthread|kthread-nl|notkthread)
		mkdir -p "$WORK/$name/proc/parent"
		case $mode in
		kthread) echo "$KTHREAD" ;;
		kthread-nl) printf '%s\n' "$KTHREAD_NL" ;;
		*) echo "$HOSTILE_NOT_KTHREAD" ;;
		esac \
			> "$WORK/$name/proc/parent/stat"
		# The kernel's exact shape; the test root comes through the
		# environment, as the kernel passes no other argument.
		t "$name" "${ENVS[@]}" MODPROBE_OPTIONS="--root $TROOT -S $ABI" -- "$PMP" -q -- "$@" ;;
	esac
}
# expect NAME RC LOADED
expect() {
	check_rc "$1" "$WORK/$1" "$2"
	check_eq "$1: loaded" "$(loads "$1")" "$3"
}
for mode in explicit flag kthread; do
	policy "AutoLoadPolicy = enabled"
	demand $mode en-$mode-alias rtnl-link-dummy
	expect en-$mode-alias 0 ""		# dummy is blacklisted: never through an alias
	demand $mode en-$mode-loop loop
	expect en-$mode-loop 0 "loop "
	demand $mode en-$mode-dummy dummy
	if [ $mode = explicit ]; then expect en-$mode-dummy 0 "dummy "
	else expect en-$mode-dummy 0 ""; fi	# the blacklist applies by name to demand loads

	policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = loop, block-major-*"
	demand $mode al-$mode-name loop
	expect al-$mode-name 0 "loop "
	demand $mode al-$mode-pattern block-major-7-0
	expect al-$mode-pattern 0 "loop "
	demand $mode al-$mode-none 8021q
	if [ $mode = explicit ]; then expect al-$mode-none 0 "llc mrp stp garp 8021q "
	else
		expect al-$mode-none 1 ""
		check_no_calls "allow-list, no match ($mode)" "$WORK/al-$mode-none"
		check_contains "allow-list, no match ($mode): record" "$WORK/al-$mode-none/syslog.log" \
			'refuse-load request=8021q module=8021q'
		check_contains "allow-list, no match ($mode): rule" "$WORK/al-$mode-none/syslog.log" \
			'rule="AutoLoadPolicy=allow-list (no AutoLoadAllowList entry matches)"'
	fi
	policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = rtnl-link-*"
	demand $mode al-$mode-bl rtnl-link-dummy
	expect al-$mode-bl 0 ""			# allowed, but blacklisted

	policy "AutoLoadPolicy = disabled"
	demand $mode dis-$mode loop
	if [ $mode = explicit ]; then expect dis-$mode 0 "loop "
	else
		expect dis-$mode 1 ""
		check_no_calls "disabled ($mode)" "$WORK/dis-$mode"
		check_contains "disabled ($mode): record" "$WORK/dis-$mode/syslog.log" \
			'refuse-load request=loop module=- path=- signature=not-checked signing-policy=warn autoload-policy=disabled'
	fi
done
check_contains "kthread record: demand=yes" "$WORK/dis-kthread/syslog.log" "demand=yes"
check_contains "kthread record: parent" "$WORK/dis-kthread/syslog.log" "parent=kworker/u4:1 parent-kthread=yes"
# "-q -- NAME" whose parent is not a kernel thread (a command name made
# to look like more fields) is an explicit request.
policy "AutoLoadPolicy = disabled"
demand notkthread dis-hostile loop
expect dis-hostile 0 "loop "
demand kthread-nl dis-kthread-nl loop
expect dis-kthread-nl 1 ""
check_contains "kthread, newline in its name: record" "$WORK/dis-kthread-nl/syslog.log" 'parent="kworker\x0a/u4:1" parent-kthread=yes'
# --demand takes one name and no other mode.
mp demand-two --demand loop dummy
check_rc "--demand with two names" "$WORK/demand-two" 1
mp demand-r -r --demand loop
check_rc "--demand with -r" "$WORK/demand-r" 1
policy "# defaults"

# ---------------------------------------------------------------- forced loads under enforce
policy "SigningPolicy = enforce"
for f in -f --force-vermagic --force-modversion; do
	mp enf$f $f loop
	check_rc "enforce refuses $f" "$WORK/enf$f" 1
	check_contains "enforce $f: why" "$WORK/enf$f.err" "forced loads are refused: the signing policy is enforce"
	check_no_calls "enforce $f" "$WORK/enf$f"
	t enf-ins$f -- "$PINS" --root "$TROOT" $f "$LLC"
	check_rc "insmod: enforce refuses $f" "$WORK/enf-ins$f" 1
	check_no_calls "insmod enforce $f" "$WORK/enf-ins$f"
done
check_contains "enforce: record" "$WORK/enf-f/syslog.log" 'rule="SigningPolicy=enforce: forced load"'
# Not forced: this rule does not apply (signature verification may still
# refuse a module whose signer is not in the trust store).
mp enf-plain loop
check_absent "enforce, not forced: not the forced-load rule" "$WORK/enf-plain.err" "forced loads are refused"
policy "SigningPolicy = warn"
mp warn-f -f loop
check_contains "warn: forced load goes on" "$WORK/warn-f/calls.log" "finit_module loop flags=0x3"

# The same knob from the registry (no policy.conf consulted), with a list
# long enough to need ERANGE's second try.
policy "SigningPolicy = warn"
fresh reg
LONG=$(for i in $(seq 1 60); do printf 'module-number-%02d ' "$i"; done)
cat > "$WORK/reg/registry" <<REG
SigningPolicy REG_SZ enforce
AutoLoadPolicy REG_SZ allow-list
AutoLoadAllowList REG_MULTI_SZ ${LONG}loop
REG
mp reg -f loop
check_rc "registry: enforce" "$WORK/reg" 1
check_contains "registry: enforce why" "$WORK/reg.err" "forced loads are refused"
check_contains "registry: ERANGE asked" "$WORK/reg/peios.log" "reg_query_value AutoLoadAllowList buffer=256 -> ERANGE"
fresh reg2; grep -v SigningPolicy "$WORK/reg/registry" > "$WORK/reg2/registry"
mp reg2 --demand loop
check_eq "registry: the last entry of a long list counts" "$(loads reg2)" "loop "
check_contains "registry: record names the source" "$WORK/reg2/syslog.log" "policy-source=registry"
fresh reg3; printf 'SigningPolicy RAW 1 656e666f726365\nLockAfterBoot REG_SZ 1\n' > "$WORK/reg3/registry"
mp reg3 -f loop
check_rc "registry: unterminated string fails closed (enforce)" "$WORK/reg3" 1
check_contains "registry: unterminated string warned" "$WORK/reg3.err" \
	"SigningPolicy: the string is not terminated; using the strictest setting, SigningPolicy = enforce"
check_contains "registry: wrong type warned" "$WORK/reg3.err" "LockAfterBoot: has REG_SZ (type 1), expected REG_DWORD"
policy "# defaults"

# ---------------------------------------------------------------- forced unload compiled out
cp -a "$WORK/priv-enabled" "$WORK/funload"; rm -f "$WORK/funload/calls.log"
t funload -- "$PRM" -f 8021q
cp -a "$WORK/priv-enabled" "$WORK/funload2"; rm -f "$WORK/funload2/calls.log"
mp funload2 -r -f 8021q
for d in funload funload2; do
	check_contains "standard build: $d removes" "$WORK/$d/calls.log" "delete_module"
	check_absent "standard build: $d never O_TRUNC" "$WORK/$d/calls.log" "O_TRUNC"
done

# ---------------------------------------------------------------- records
S=$WORK/priv-enabled/syslog.log
# Debian's modules are signed by a key no trust store here holds: every
# load record says untrusted, with the signer and key the signature names.
check_contains "record: load" "$S" \
	"modprobe authpriv.notice load request=8021q module=llc path=$TROOT/lib/modules/$ABI/kernel/net/llc/llc.ko signature=untrusted signer=\"Build time autogenerated kernel key\" key="
check_contains "record: load, policy and caller" "$S" \
	" hash=sha256 signing-policy=warn autoload-policy=enabled policy-source=policy.conf demand=no uid=$(id -u) pid="
check_eq "record: every load (dependencies too) carries the verdict" \
	"$(grep ' load ' "$S" | grep -c ' signature=untrusted signer=')" 5
check_absent "record: no load is not-checked" "$S" "signature=not-checked"
check_contains "record: result" "$S" "authority=SeLoadDriverPrivilege result=ok"
check_eq "record: one per load" "$(grep -c ' load ' "$S")" 5
check_contains "record: unload" "$WORK/priv-disabled-rm2/syslog.log" "rmmod authpriv.notice unload request=8021q module=8021q path=- "
check_contains "record: failed load" "$WORK/priv-disabled-fail/syslog.log" "module=stp"
check_contains "record: failed load result" "$WORK/priv-disabled-fail/syslog.log" "result=EINVAL"
check_contains "record: blacklisted" "$WORK/en-flag-dummy/syslog.log" "refuse-load request=dummy module=dummy"
check_contains "record: blacklisted rule" "$WORK/en-flag-dummy/syslog.log" "rule=blacklist"
check_contains "record: unload checks no signature" "$WORK/priv-disabled-rm2/syslog.log" "module=8021q path=- signature=not-checked "
# Demand loads that go ahead name the AutoLoadPolicy rule that let them.
check_contains "record: demand load, enabled" "$WORK/en-flag-loop/syslog.log" \
	"signature=untrusted"
check_contains "record: demand load, enabled rule" "$WORK/en-flag-loop/syslog.log" \
	"autoload-policy=enabled policy-source=policy.conf demand=yes rule=\"AutoLoadPolicy=enabled\" uid="
check_contains "record: demand load, allow-list rule" "$WORK/al-kthread-pattern/syslog.log" \
	'demand=yes rule="AutoLoadPolicy=allow-list (AutoLoadAllowList entry loop)" uid='
check_absent "record: explicit load names no AutoLoadPolicy rule" "$WORK/al-explicit-none/syslog.log" "rule="
# An install command loads nothing itself: recorded, no signature checked.
mp inst nlmon
check_rc "install command" "$WORK/inst" 0
check_no_calls "install command" "$WORK/inst"
check_contains "record: install command" "$WORK/inst/syslog.log" \
	"install-command request=nlmon module=nlmon path=- signature=not-checked "
# -n judges signatures but asks the kernel nothing and records no load.
mp dry -n 8021q
check_absent "record: dry run leaves no load record" "$WORK/dry/syslog.log" " load "

finish
