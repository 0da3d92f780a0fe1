#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Loads and unloads through pmod's libkmod.so.2 against kmod's, under the
# fake kernel (testsuite/fake-kernel): one client (client-load.c) built
# against each library.
#  - The same requests (probe-insert of a module with a dependency, pre and
#    post softdeps, an install command run by the shell and by run_install,
#    options; loaded, FAIL_ON_LOADED, a blacklisted module; insert; remove)
#    give the same results, the same print_action/run_install lines and the
#    same kernel calls in the same order (pmod hands the kernel a sealed
#    memory file, kmod the file: calls.log names neither).
#  - Then pmod's gates, which kmod's library does not have: under
#    SigningPolicy=enforce an untrusted module never reaches the kernel and
#    the call returns -EKEYREJECTED; under AutoLoadPolicy=disabled a client
#    that calls itself systemd-udevd is refused (-EPERM) and the same client
#    under its own name loads; KMOD_REMOVE_FORCE never sends O_TRUNC.
# The policy comes from the fake kernel's registry (the shim answers the
# Peios registry calls from DIR/registry): nothing a caller's environment
# or files could use to move the policy of a real system.
# usage: libkmod-load.sh CLIENT_KMOD CLIENT_PMOD SHIM MAKE_FAKE_KERNEL
set -u
CLIENT_KMOD=$1 CLIENT_PMOD=$2 SHIM=$3 MAKE_FAKE=$4
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
MODS=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
for m in net/802/stp net/llc/llc drivers/block/loop drivers/net/dummy drivers/block/floppy; do
	[ -f "$MODS/kernel/$m.ko" ] || { echo "no $m.ko in $MODS: skipped"; exit 77; }
done
. "$(dirname "$0")/../kernel-cli/lib.sh"

mkdir -p "$WORK/conf"
cat > "$WORK/conf/test.conf" <<'CONF'
softdep stp pre: loop post: dummy
install dummy /bin/echo installing-dummy $CMDLINE_OPTS
options loop max_loop=4
options dummy numdummies=3
blacklist floppy
CONF

# client WHICH OUT DIR [VAR=VALUE...] -- STEPS...: the client (kmod's or
# pmod's) under the fake kernel DIR, with an enabled privilege token so
# that no real capability is needed.
client() {
	local which=$1 out=$2 dir=$3 bin=$CLIENT_KMOD
	shift 3
	[ "$which" = pmod ] && bin=$CLIENT_PMOD
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	# meson points LD_LIBRARY_PATH at the build's libraries: the kmod
	# client must find kmod's (the pmod one has its run path).
	run "$out" "$dir" -u LD_LIBRARY_PATH PMOD_FAKE_TOKEN=enabled "${envs[@]}" -- \
		"$bin" "$MODS" "$WORK/conf" "$@"
	# The kernel calls, without pmod's privilege raise/restore around them.
	grep -v '^kacs_' "$dir/calls.log" > "$out.calls" 2> /dev/null || true
}

# ---------------------------------------------------------------- same as kmod
STEPS=(
	probe:stp:0 probe:stp:0x20 probe:stp:0 probe:floppy:0x20000 probe:floppy:0
	probe-run:dummy:0 probe:dummy:0x4 insert:loop:0 insert:llc:0:x=1
	remove:stp:0 remove:llc:0 probe:loop:0x10 remove:loop:0x800
	probe:no_such_module:0
)
for which in kmod pmod; do
	fake_new "same-$which" < /dev/null > /dev/null
	client "$which" "$WORK/same.$which" "$WORK/same-$which" -- "${STEPS[@]}"
done
check_eq "kmod client ran" "$(cat "$WORK/same.kmod.rc")" 0
check_eq "pmod client ran" "$(cat "$WORK/same.pmod.rc")" 0
check_same "results and callbacks as kmod's" "$WORK/same.kmod.out" "$WORK/same.pmod.out"
check_same "kernel calls as kmod's" "$WORK/same.kmod.calls" "$WORK/same.pmod.calls"
# A module that is not loaded: kmod asks the kernel, pmod's unload checks
# first; the caller gets -ENOENT from both.
for which in kmod pmod; do
	fake_new "gone-$which" < /dev/null > /dev/null
	client "$which" "$WORK/gone.$which" "$WORK/gone-$which" -- remove:stp:0 remove:stp:0x800
done
check_same "removing what is not loaded" "$WORK/gone.kmod.out" "$WORK/gone.pmod.out"
check_contains "  is -ENOENT" "$WORK/gone.pmod.out" "  = -ENOENT"
# The comparison says something: the plan ran in full.
for want in "  action insmod loop [max_loop=4 ]" "  action insmod llc []" \
	    "  action install dummy [numdummies=3 ]" "installing-dummy numdummies=3" \
	    "  run_install dummy [/bin/echo installing-dummy numdummies=3 ] data" \
	    "  = 131072" "  = -EEXIST"; do
	check_contains "kmod's output" "$WORK/same.kmod.out" "$want"
done
for want in "finit_module loop flags=0x0 params=\"max_loop=4 \"" "delete_module stp flags=O_NONBLOCK"; do
	check_contains "kmod's kernel calls" "$WORK/same.kmod.calls" "$want"
done

# ---------------------------------------------------------------- SigningPolicy=enforce
fake_new enforce < /dev/null > /dev/null
echo "SigningPolicy REG_SZ enforce" > "$WORK/enforce/registry"
client pmod "$WORK/enforce" "$WORK/enforce" -- probe:loop:0 insert:loop:0 probe:stp:0
check_eq "enforce: results" "$(grep '  = ' "$WORK/enforce.out" | tr '\n' ' ')" \
	"  = -EKEYREJECTED   = -EKEYREJECTED   = -EKEYREJECTED "
check_absent "enforce: nothing reached the kernel" "$WORK/enforce.calls" "init_module"
# Forced loads are refused as a whole under enforce (EPERM), before any file.
client pmod "$WORK/forced" "$WORK/enforce" -- insert:loop:1 probe:loop:2
check_eq "enforce: forced loads" "$(grep '  = ' "$WORK/forced.out" | tr '\n' ' ')" \
	"  = -EPERM   = -EPERM "

# ---------------------------------------------------------------- automatic loads
fake_new auto < /dev/null > /dev/null
echo "AutoLoadPolicy REG_SZ disabled" > "$WORK/auto/registry"
client pmod "$WORK/auto-udev" "$WORK/auto" -- comm:systemd-udevd probe:loop:0 insert:dummy:0
check_eq "udevd under AutoLoadPolicy=disabled" \
	"$(grep '  = ' "$WORK/auto-udev.out" | tr '\n' ' ')" "  = -EPERM   = -EPERM "
check_absent "udevd: nothing reached the kernel" "$WORK/auto-udev.calls" "init_module"
client pmod "$WORK/auto-worker" "$WORK/auto" -- "comm:(udev-worker)" probe:loop:0
check_contains "a udev worker is refused too" "$WORK/auto-worker.out" "  = -EPERM"
client pmod "$WORK/auto-plain" "$WORK/auto" -- probe:loop:0
check_contains "the same client under its own name loads" "$WORK/auto-plain.out" "  = 0"
check_contains "  and the kernel got it" "$WORK/auto-plain.calls" "finit_module loop"
check_contains "the refusal is recorded as a demand load" "$WORK/auto/syslog.log" \
	"refuse-load"

# ---------------------------------------------------------------- KMOD_REMOVE_FORCE
for which in kmod pmod; do
	fake_new "force-$which" < /dev/null > /dev/null
	client "$which" "$WORK/force.$which" "$WORK/force-$which" -- \
		probe:loop:0 remove:loop:0x200 remove:loop:0x600
done
# kmod's library does send it: the check below would see it.
check_contains "kmod sends O_TRUNC" "$WORK/force.kmod.calls" "O_TRUNC"
check_absent "pmod never sends O_TRUNC" "$WORK/force.pmod.calls" "O_TRUNC"
check_eq "forced removes refused" "$(grep '  = ' "$WORK/force.pmod.out" | tail -2 | tr '\n' ' ')" \
	"  = -EOPNOTSUPP   = -EOPNOTSUPP "
finish
