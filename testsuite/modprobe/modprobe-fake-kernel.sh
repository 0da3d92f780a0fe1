#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# modprobe under the fake kernel (testsuite/fake-kernel) with the real
# Debian tree: what reached the kernel (calls.log) and in which order, with
# which parameters; nothing at all for -n and -D; never O_TRUNC; -r freeing
# every dependency nothing uses any more; install/remove commands; softdeps;
# the blacklist; --first-time; -a; kernel errors explained. Where kmod 30 is
# deterministic the same command runs through both tools on two identical
# fake kernels and the results are compared.
# usage: modprobe-fake-kernel.sh PMOD_MODPROBE SHIM MAKE_FAKE_KERNEL
PMP=$1 SHIM=$2 MAKE_FAKE=$3
KMP=/usr/sbin/modprobe
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
[ -x "$KMP" ] || { echo "no kmod modprobe: skipped"; exit 77; }
. "$(dirname "$0")/../kernel-cli/lib.sh"

ROOT=$PMOD_TEST_ROOT ABI=$PMOD_TEST_ABI
MODS=$ROOT/lib/modules/$ABI
[ -f "$MODS/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }

CONF=$WORK/modprobe.d
mkdir -p "$CONF"
cat > "$CONF/test.conf" <<EOF
options 8021q gvrp=1
options llc from_conf=1
alias my-vlan 8021q
alias my-dummy dummy
softdep loop pre: dummy post: my-vlan
install bonding echo "install \$MODPROBE_MODULE [\$CMDLINE_OPTS]" >> $WORK/commands.log
remove bonding echo "remove \$MODPROBE_MODULE [\$CMDLINE_OPTS]" >> $WORK/commands.log
options bonding max_bonds=2
blacklist dummy
EOF
CMDLINE='8021q.from_cmdline=7 llc.x="a b" quiet'

# both NAME [VAR=VALUE...] -- ARGS... : the same modprobe command through
# pmod and kmod on two identical fresh fake kernels ($WORK/NAME-p and
# $WORK/NAME-k, prepared by the caller or empty); outputs in
# $WORK/NAME.{pmod,kmod}.{out,err,rc}.
both() {
	local name=$1
	shift
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	for t in p k; do
		[ -d "$WORK/$name-$t" ] || fake_new "$name-$t" --cmdline "$CMDLINE" < /dev/null > /dev/null
	done
	run "$WORK/$name.pmod" "$WORK/$name-p" "${envs[@]}" -- "$PMP" -C "$CONF" -d "$ROOT" -S "$ABI" "$@"
	run "$WORK/$name.kmod" "$WORK/$name-k" "${envs[@]}" -- "$KMP" -C "$CONF" -d "$ROOT" -S "$ABI" "$@"
	touch "$WORK/$name-p/calls.log" "$WORK/$name-k/calls.log"
}

# same NAME: stdout, exit status and calls.log identical for both tools.
same() {
	check_same "$1: stdout" "$WORK/$1.kmod.out" "$WORK/$1.pmod.out"
	check_same "$1: exit status" "$WORK/$1.kmod.rc" "$WORK/$1.pmod.rc"
	check_same "$1: calls" "$WORK/$1-k/calls.log" "$WORK/$1-p/calls.log"
}
same_stderr() {
	strip_libkmod "$WORK/$1.kmod.err"
	check_same "$1: stderr" "$WORK/$1.kmod.err.cmp" "$WORK/$1.pmod.err"
}
# pm NAME DIR ARGS... : pmod alone on DIR.
pm() {
	local name=$1 dir=$2
	shift 2
	run "$WORK/$name" "$dir" -- "$PMP" -C "$CONF" -d "$ROOT" -S "$ABI" "$@"
	touch "$dir/calls.log"
}
loaded() { awk '{ print $1 }' "$1/proc/modules" | sort | tr '\n' ' '; }
copy_state() { rm -rf "$WORK/$2"; cp -a "$WORK/$1" "$WORK/$2"; rm -f "$WORK/$2/calls.log"; }

# 1. Insert: dependencies first, parameters from modprobe.d, then the
#    kernel command line, then the command line, in kmod's order.
both insert -- -v 8021q cli=1 'q="x y"'
same insert
check_eq "insert: call order" "$(awk '{ print $1 " " $2 }' "$WORK/insert-p/calls.log" | tr '\n' ';')" \
	"finit_module llc;finit_module mrp;finit_module stp;finit_module garp;finit_module 8021q;"
check_contains "insert: merged parameters" "$WORK/insert-p/calls.log" \
	'finit_module 8021q flags=0x0 params="gvrp=1 from_cmdline=7 cli=1 q="x y""'
check_contains "insert: quoted cmdline value" "$WORK/insert-p/calls.log" \
	'finit_module llc flags=0x0 params="from_conf=1 x="a b" "'

# 2. Nothing reaches the kernel with -n or -D (pmod prints what it would do).
both dry -- -n -v 8021q
same dry
check_no_calls "-n" "$WORK/dry-p"
both showdeps -- -D 8021q
same showdeps
check_no_calls "-D" "$WORK/showdeps-p"
copy_state insert-p loaded-n
pm dry-loaded "$WORK/loaded-n" -n -v 8021q
check_no_calls "-n on loaded modules" "$WORK/loaded-n"
check_eq "-n skips what is loaded" "$(cat "$WORK/dry-loaded.out")" ""
pm dry-remove "$WORK/loaded-n" -r -n -v 8021q
check_no_calls "-r -n" "$WORK/loaded-n"
check_eq "-r -n shows the whole clean-up" "$(tr '\n' ' ' < "$WORK/dry-remove.out")" \
	"rmmod 8021q rmmod garp rmmod stp rmmod mrp rmmod llc "

# 3. -r frees every dependency nothing uses any more (kmod leaves stp and
#    llc loaded), never with O_TRUNC, also with -f.
for f in "" "-f"; do
	copy_state insert-p rm$f
	pm remove$f "$WORK/rm$f" -r $f 8021q
	check_rc "-r $f 8021q" "$WORK/remove$f" 0
	check_eq "-r $f 8021q: nothing left" "$(loaded "$WORK/rm$f")" ""
	check_absent "-r $f: no forced unload" "$WORK/rm$f/calls.log" "O_TRUNC"
	check_eq "-r $f: holders first" "$(awk '{ print $2 }' "$WORK/rm$f/calls.log" | tr '\n' ' ')" \
		"8021q garp stp mrp llc "
done
check_contains "-r -f: notice" "$WORK/remove-f.err" "forced unload is not available"
copy_state insert-k rm-kmod
run "$WORK/remove-kmod" "$WORK/rm-kmod" -- "$KMP" -C "$CONF" -d "$ROOT" -S "$ABI" -r 8021q
check_eq "kmod leaves stp and llc (the behaviour pmod fixes)" "$(loaded "$WORK/rm-kmod")" "llc stp "

# 4. A dependency someone else still uses stays.
copy_state insert-p shared
pm shared-bridge "$WORK/shared" bridge
pm shared-rm "$WORK/shared" -r 8021q
check_eq "-r keeps a dependency still in use" "$(loaded "$WORK/shared")" "bridge llc stp "

# 5. In use, not loaded, built in: kmod's messages and exit status.
copy_state insert-p busy-p; copy_state insert-k busy-k
both busy -- -r llc
same busy
# kmod's words, then who holds the module and its refcount.
strip_libkmod "$WORK/busy.kmod.err"
check_eq "busy: kmod's message" "$(cat "$WORK/busy.kmod.err.cmp")" "modprobe: FATAL: Module llc is in use."
# (holders come in readdir order)
case $(cat "$WORK/busy.pmod.err") in
"modprobe: FATAL: Module llc is in use by: stp garp (refcount 2)." | \
"modprobe: FATAL: Module llc is in use by: garp stp (refcount 2).") pass ;;
*) fail "busy: holders and refcount: $(cat "$WORK/busy.pmod.err")" ;;
esac
both notloaded -- -r --first-time 8021q
same notloaded; same_stderr notloaded
both notloaded-quiet -- -r 8021q
same notloaded-quiet
both builtin -- -r unix
same builtin; same_stderr builtin

# 6. --first-time on an insert; -a with several names; softdep order.
copy_state insert-p again-p; copy_state insert-k again-k
both again -- --first-time 8021q
same again; same_stderr again
both again-quiet -- 8021q
same again-quiet
both all -- -a -v loop 8021q
same all
check_eq "softdep: pre, module, post" "$(awk '{ print $2 }' "$WORK/all-p/calls.log" | tr '\n' ' ')" \
	"dummy loop llc mrp stp garp 8021q "

# 7. Blacklist: through an alias the module is skipped quietly, by name
#    it loads, and -b applies it to names too.
both bl-alias -- my-dummy
same bl-alias; same_stderr bl-alias
check_no_calls "blacklisted through an alias" "$WORK/bl-alias-p"
both bl-name -- dummy
same bl-name
both bl-b -- -b dummy
same bl-b
check_no_calls "-b blacklists by name" "$WORK/bl-b-p"

# 8. Install and remove commands: run through the shell with
#    MODPROBE_MODULE and $CMDLINE_OPTS (kmod and pmod write the same lines).
rm -f "$WORK/commands.log"
both install -- -v bonding mode=4
same install
both remove -- -v -r bonding
same remove
check_eq "install/remove commands" "$(cat "$WORK/commands.log")" \
"install bonding [max_bonds=2 mode=4]
install bonding [max_bonds=2 mode=4]
remove bonding []
remove bonding []"
rm -f "$WORK/commands.log"
both ignore-install -- -i bonding
same ignore-install
check_eq "-i ignores the install command" "$(cat "$WORK/commands.log" 2>/dev/null)" ""

# 9. Kernel errors: the failure is explained, processing stops, exit 1.
for e in ENOEXEC EKEYREJECTED EPERM EINVAL; do
	fake_new err$e --cmdline "" < /dev/null > /dev/null
	run "$WORK/err$e" "$WORK/err$e" PMOD_FAKE_KERNEL_ERRORS=stp:$e -- \
		"$PMP" -C "$CONF" -d "$ROOT" -S "$ABI" 8021q
	check_rc "$e on a dependency" "$WORK/err$e" 1
	check_contains "$e explained" "$WORK/err$e.err" "modprobe: ERROR: could not insert '8021q': "
	check_eq "$e: nothing after the failure" "$(awk '{ print $2 }' "$WORK/err$e/calls.log" | tr '\n' ' ')" \
		"llc mrp stp "
done
copy_state insert-p rmerr
run "$WORK/rmerr" "$WORK/rmerr" PMOD_FAKE_KERNEL_ERRORS=8021q:EBUSY -- \
	"$PMP" -C "$CONF" -d "$ROOT" -S "$ABI" -r 8021q
check_rc "remove refused by the kernel" "$WORK/rmerr" 1
check_contains "remove error explained" "$WORK/rmerr.err" "could not remove '8021q': "
copy_state insert-p wait
run "$WORK/wait" "$WORK/wait" PMOD_FAKE_KERNEL_ERRORS=8021q:EAGAIN -- \
	"$PMP" -C "$CONF" -d "$ROOT" -S "$ABI" -r -w 30 8021q
check_rc "-w gives up" "$WORK/wait" 1
check_eq "-w retried" "$([ "$(grep -c 'delete_module 8021q' "$WORK/wait/calls.log")" -gt 1 ] && echo yes)" yes

# 10. --remove-holders removes the users first; MODPROBE_OPTIONS is read.
copy_state insert-p holders
pm holders "$WORK/holders" -r --remove-holders llc
check_eq "--remove-holders" "$(loaded "$WORK/holders")" ""
check_absent "--remove-holders: no forced unload" "$WORK/holders/calls.log" "O_TRUNC"
fake_new env --cmdline "" < /dev/null > /dev/null
run "$WORK/env" "$WORK/env" MODPROBE_OPTIONS="-n -v" -- "$PMP" -C "$CONF" -d "$ROOT" -S "$ABI" loop
check_no_calls "MODPROBE_OPTIONS=-n" "$WORK/env"
check_contains "MODPROBE_OPTIONS=-v" "$WORK/env.out" "insmod $MODS/kernel/drivers/block/loop.ko"

finish
