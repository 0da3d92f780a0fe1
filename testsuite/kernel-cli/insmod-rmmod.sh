#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# insmod and rmmod under the fake kernel with real Debian modules: what
# reached the kernel (calls.log) and in which form, the messages and exit
# status against kmod 30 where kmod is deterministic, and pmod's
# explanation for each kernel errno.
#
# Message convention checked here: for an errno from the kernel pmod prints
# kmod's line unchanged, then ": " and the explanation, on the same line.
# usage: insmod-rmmod.sh PMOD_INSMOD PMOD_RMMOD SHIM MAKE_FAKE_KERNEL
PINS=$1 PRM=$2 SHIM=$3 MAKE_FAKE=$4
KINS=/usr/sbin/insmod KRM=/usr/sbin/rmmod
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
[ -x "$KINS" ] && [ -x "$KRM" ] || { echo "no kmod: skipped"; exit 77; }
. "$(dirname "$0")/lib.sh"

MODS=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
ZST=${PMOD_TEST_ROOT%/root}/root-zst/lib/modules/$PMOD_TEST_ABI
LLC=$MODS/kernel/net/llc/llc.ko
STP=$MODS/kernel/net/802/stp.ko
LOOP=$MODS/kernel/drivers/block/loop.ko
for f in "$LLC" "$STP" "$LOOP"; do [ -f "$f" ] || { echo "missing $f: skipped"; exit 77; }; done

empty() { fake_new "$1" "${@:2}" < /dev/null; }

# both NAME ARGS... : the same insmod/rmmod command line through pmod and
# kmod on two identical fresh fake kernels; results in $WORK/NAME.{pmod,kmod}.*
# and the kernels in $WORK/NAME-p, $WORK/NAME-k. The kernel state is
# prepared by the caller through PREP (a function run on each DIR).
both() {
	local name=$1 tool=$2
	shift 2
	local pbin kbin
	case $tool in
	insmod) pbin=$PINS kbin=$KINS ;;
	rmmod) pbin=$PRM kbin=$KRM ;;
	esac
	fake_new "$name-p" "${FAKE_OPTS[@]}" < "$WORK/rec" > /dev/null
	fake_new "$name-k" "${FAKE_OPTS[@]}" < "$WORK/rec" > /dev/null
	$PREP "$WORK/$name-p"; $PREP "$WORK/$name-k"
	run "$WORK/$name.pmod" "$WORK/$name-p" "${ENVS[@]}" -- "$pbin" "$@"
	run "$WORK/$name.kmod" "$WORK/$name-k" "${ENVS[@]}" -- "$kbin" "$@"
	strip_libkmod "$WORK/$name.kmod.err"
	strip_signature_warning "$WORK/$name.pmod.err"
	touch "$WORK/$name-p/calls.log" "$WORK/$name-k/calls.log"
}
# Debian's modules are 'untrusted' here (no trust store holds the Debian
# build key), so under SigningPolicy warn pmod says so on every load; kmod
# has no such line. testsuite/verify/ tests the line itself.
strip_signature_warning() {
	sed -i '/^insmod: WARNING: .*: signature [a-z-]*; loading anyway: SigningPolicy is warn (.*)$/d' "$1"
}
noprep() { :; }
PREP=noprep ENVS=() FAKE_OPTS=()

# Same messages, status and kernel calls as kmod.
same_as_kmod() {
	check_same "$1: stderr" "$WORK/$1.kmod.err.cmp" "$WORK/$1.pmod.err"
	check_same "$1: exit status" "$WORK/$1.kmod.rc" "$WORK/$1.pmod.rc"
	check_same "$1: kernel calls" "$WORK/$1-k/calls.log" "$WORK/$1-p/calls.log"
}

# kmod's words kept, then who holds the module: EXPECTED is pmod's whole
# message, which must start with kmod's.
held() {	# NAME EXPECTED
	local k p
	k=$(cat "$WORK/$1.kmod.err.cmp")
	p=$(cat "$WORK/$1.pmod.err")
	case $p in
	"$k"*) pass ;;
	*) fail "$1: pmod's message does not start with kmod's"; echo "  kmod: $k"; echo "  pmod: $p" ;;
	esac
	check_eq "$1: message" "$p" "$2"
	check_same "$1: exit status" "$WORK/$1.kmod.rc" "$WORK/$1.pmod.rc"
	check_same "$1: kernel calls" "$WORK/$1-k/calls.log" "$WORK/$1-p/calls.log"
}

# kmod's line, then ": " and an explanation that contains TEXT.
explained() {	# NAME TEXT
	local k p
	strip_signature_warning "$WORK/$1.pmod.err"
	k=$(cat "$WORK/$1.kmod.err.cmp")
	p=$(cat "$WORK/$1.pmod.err")
	case $p in
	"$k: "*) pass ;;
	*) fail "$1: pmod's message does not start with kmod's line"; echo "  kmod: $k"; echo "  pmod: $p" ;;
	esac
	check_contains "$1: explanation" "$WORK/$1.pmod.err" "$2"
	check_same "$1: exit status" "$WORK/$1.kmod.rc" "$WORK/$1.pmod.rc"
	check_same "$1: kernel calls" "$WORK/$1-k/calls.log" "$WORK/$1-p/calls.log"
}

: > "$WORK/rec"

# ---------------------------------------------------------------- insmod: pre-checks
both ins-nofile insmod /nonexistent/x.ko; same_as_kmod ins-nofile; check_no_calls ins-nofile "$WORK/ins-nofile-p"
both ins-stdin insmod -; same_as_kmod ins-stdin; check_no_calls ins-stdin "$WORK/ins-stdin-p"
both ins-noarg insmod; same_as_kmod ins-noarg

# ---------------------------------------------------------------- insmod: what is sent
both ins-ok insmod "$LLC"; same_as_kmod ins-ok
check_eq "ins-ok: call" "$(cat "$WORK/ins-ok-p/calls.log")" 'finit_module llc flags=0x0 params=""'
check_contains "ins-ok: live" "$WORK/ins-ok-p/sys/module/llc/initstate" live
# Not the file's descriptor: a sealed copy of the bytes that were read.
empty sealed > /dev/null
run "$WORK/sealed" "$WORK/sealed" PMOD_FAKE_KERNEL_LOG_RECEIVED=1 -- "$PINS" "$LLC"
check_eq "ins-ok: a sealed copy" "$(cat "$WORK/sealed/calls.log")" \
	"finit_module llc flags=0x0 params=\"\"
received llc sha256=$(sha256sum < "$LLC" | cut -d' ' -f1) fd=memfd seals=write,shrink,grow,seal"

both ins-params insmod "$LOOP" max_loop=4 max_part=2; same_as_kmod ins-params
check_eq "ins-params: call" "$(cat "$WORK/ins-params-p/calls.log")" \
	'finit_module loop flags=0x0 params="max_loop=4 max_part=2"'

# A value with a space is quoted (as newer kmod does; kmod 30 predates this,
# so no comparison); an already quoted one is left alone.
empty q > /dev/null
run "$WORK/q" "$WORK/q" -- "$PINS" "$LOOP" 'max_loop=a b' 'max_part="c d"' plain
check_eq "params quoted" "$(cat "$WORK/q/calls.log")" \
	'finit_module loop flags=0x0 params="max_loop="a b" max_part="c d" plain"'

both ins-force insmod -f "$LLC"; same_as_kmod ins-force
check_eq "ins-force: flags" "$(cat "$WORK/ins-force-p/calls.log")" 'finit_module llc flags=0x3 params=""'
empty fv > /dev/null
run "$WORK/fv" "$WORK/fv" -- "$PINS" --force-vermagic "$LLC"
check_eq "--force-vermagic" "$(cat "$WORK/fv/calls.log")" 'finit_module llc flags=0x2 params=""'
empty fm > /dev/null
run "$WORK/fm" "$WORK/fm" -- "$PINS" --force-modversion "$LLC"
check_eq "--force-modversion" "$(cat "$WORK/fm/calls.log")" 'finit_module llc flags=0x1 params=""'

# --root moves an absolute FILE.
empty rt > /dev/null
run "$WORK/rt" "$WORK/rt" -- "$PINS" --root "$PMOD_TEST_ROOT" "/lib/modules/$PMOD_TEST_ABI/kernel/net/llc/llc.ko"
check_rc "--root" "$WORK/rt" 0
check_eq "--root: call" "$(cat "$WORK/rt/calls.log")" 'finit_module llc flags=0x0 params=""'

# ---------------------------------------------------------------- insmod: compressed
if [ -f "$ZST/kernel/net/llc/llc.ko.zst" ]; then
	LEN=$(stat -c %s "$LLC")
	LLC_SUM=$(sha256sum < "$LLC" | cut -d' ' -f1)
	SEALED="received llc sha256=$LLC_SUM fd=memfd seals=write,shrink,grow,seal"
	# Decompressed here and sent as a sealed memory file: kmod 30 sends
	# the same bytes with init_module, so only the call differs.
	both ins-zst insmod "$ZST/kernel/net/llc/llc.ko.zst"
	check_same "ins-zst: stderr" "$WORK/ins-zst.kmod.err.cmp" "$WORK/ins-zst.pmod.err"
	check_same "ins-zst: exit status" "$WORK/ins-zst.kmod.rc" "$WORK/ins-zst.pmod.rc"
	check_eq "ins-zst: kmod's call" "$(cat "$WORK/ins-zst-k/calls.log")" "init_module llc len=$LEN params=\"\""
	check_eq "ins-zst: call" "$(cat "$WORK/ins-zst-p/calls.log")" 'finit_module llc flags=0x0 params=""'
	# The kernel names zstd: the file still does not go as it is; the
	# kernel gets the bytes pmod decompressed and verified.
	fake_new zk --compression zstd < /dev/null > /dev/null
	run "$WORK/zk" "$WORK/zk" PMOD_FAKE_KERNEL_LOG_RECEIVED=1 -- "$PINS" "$ZST/kernel/net/llc/llc.ko.zst" x=1
	check_rc "zst, kernel decompresses zstd" "$WORK/zk" 0
	check_eq "zst, kernel decompresses zstd: call" "$(cat "$WORK/zk/calls.log")" \
		"finit_module llc flags=0x0 params=\"x=1\"
$SEALED"
	# Forced: finit_module's flags on the sealed copy, nothing stripped.
	fake_new zf < /dev/null > /dev/null
	run "$WORK/zf" "$WORK/zf" PMOD_FAKE_KERNEL_LOG_RECEIVED=1 -- "$PINS" -f "$ZST/kernel/net/llc/llc.ko.zst"
	check_eq "zst forced: call" "$(cat "$WORK/zf/calls.log")" "finit_module llc flags=0x3 params=\"\"
$SEALED"
	# A kernel without memory files: init_module with the verified bytes,
	# and a forced load strips a private copy of them.
	fake_new zn < /dev/null > /dev/null
	run "$WORK/zn" "$WORK/zn" PMOD_FAKE_KERNEL_NO_MEMFD=1 PMOD_FAKE_KERNEL_LOG_RECEIVED=1 -- \
		"$PINS" "$ZST/kernel/net/llc/llc.ko.zst"
	check_eq "zst, no memfd: call" "$(cat "$WORK/zn/calls.log")" "init_module llc len=$LEN params=\"\"
received llc sha256=$LLC_SUM memory"
	fake_new znf < /dev/null > /dev/null
	run "$WORK/znf" "$WORK/znf" PMOD_FAKE_KERNEL_NO_MEMFD=1 -- "$PINS" -f "$ZST/kernel/net/llc/llc.ko.zst"
	check_eq "zst forced, no memfd: call" "$(cat "$WORK/znf/calls.log")" "init_module llc len=$LEN params=\"\""
	# A broken compressed file: a clear error, nothing sent.
	fake_new zb < /dev/null > /dev/null
	head -c 2000 "$ZST/kernel/net/llc/llc.ko.zst" > "$WORK/broken.ko.zst"
	run "$WORK/zb" "$WORK/zb" -- "$PINS" "$WORK/broken.ko.zst"
	check_rc "broken zst" "$WORK/zb" 1
	check_contains "broken zst: message" "$WORK/zb.err" "insmod: ERROR: could not insert module $WORK/broken.ko.zst: "
	check_no_calls "broken zst" "$WORK/zb"
else
	echo "no zstd tree: compressed checks skipped"
fi

# ---------------------------------------------------------------- insmod: kernel errors explained
fake_new eexist-p < /dev/null > /dev/null; fake_new eexist-k < /dev/null > /dev/null
run "$WORK/x" "$WORK/eexist-p" -- "$PINS" "$LLC"; run "$WORK/x" "$WORK/eexist-k" -- "$PINS" "$LLC"
run "$WORK/eexist.pmod" "$WORK/eexist-p" -- "$PINS" "$LLC"
run "$WORK/eexist.kmod" "$WORK/eexist-k" -- "$KINS" "$LLC"
strip_libkmod "$WORK/eexist.kmod.err"
explained eexist "the module is already loaded"

# stp needs llc: not loaded, the kernel reports an unknown symbol.
both enoent-sym insmod "$STP"
explained enoent-sym "a symbol it needs is missing: a module it depends on is not loaded"
check_contains "enoent-sym: depmod hint" "$WORK/enoent-sym.pmod.err" "run depmod"

ENVS=(PMOD_FAKE_KERNEL_ERRORS=loop:ENOENT)
both enoent-param insmod "$LOOP" max_loop=2 bogus_param=1
explained enoent-param "unknown parameter 'bogus_param' (the module takes: "
check_contains "enoent-param: lists max_loop" "$WORK/enoent-param.pmod.err" "max_loop"
ENVS=(PMOD_FAKE_KERNEL_ERRORS=loop:EINVAL)
both einval-param insmod "$LOOP" bogus-param=1
explained einval-param "unknown parameter 'bogus-param'"
both einval-value insmod "$LOOP" max_loop=lots
explained einval-value "a parameter value was rejected (the module takes: "
check_contains "einval-value: types" "$WORK/einval-value.pmod.err" "max_part (int)"

ENVS=(PMOD_FAKE_KERNEL_ERRORS=llc:ENOEXEC)
both enoexec insmod "$LLC"
if [ "$(uname -r)" != "$PMOD_TEST_ABI" ]; then
	explained enoexec "the module was built for kernel $PMOD_TEST_ABI but the running kernel is $(uname -r)"
else
	explained enoexec "the module matches this kernel release but not its configuration"
fi

ENVS=(PMOD_FAKE_KERNEL_ERRORS=llc:EKEYREJECTED)
both ekey insmod "$LLC"
explained ekey "the kernel rejected the module's signature: no trusted key matches its signer 'Build time autogenerated kernel key'"
# The same module without its signature.
python3 - "$LLC" "$WORK/llc-unsigned.ko" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
marker = b"~Module signature appended~\n"
assert d.endswith(marker)
siglen = int.from_bytes(d[-len(marker) - 4:-len(marker)], "big")
open(sys.argv[2], "wb").write(d[:-len(marker) - 12 - siglen])
PY
both ekey-unsigned insmod "$WORK/llc-unsigned.ko"
explained ekey-unsigned "the kernel accepts only signed modules and this module is unsigned"

ENVS=(PMOD_FAKE_KERNEL_ERRORS=llc:EPERM)
both eperm insmod "$LLC"
explained eperm "permission denied: loading a module needs SeLoadDriverPrivilege (CAP_SYS_MODULE)"
# Locked: pmod refuses before the kernel is asked (kmod asks and gets EPERM).
FAKE_OPTS=(--modules-disabled)
both eperm-locked insmod "$LLC"
check_eq "eperm-locked: message" "$(cat "$WORK/eperm-locked.pmod.err")" \
	"insmod: ERROR: could not insert module $LLC: module loading is locked until reboot (by someone other than pmod, since a time pmod does not know; /proc/sys/kernel/modules_disabled is 1)"
check_rc "eperm-locked" "$WORK/eperm-locked.pmod" 1
check_no_calls "eperm-locked: refused before the kernel" "$WORK/eperm-locked-p"
FAKE_OPTS=()

ENVS=(PMOD_FAKE_KERNEL_ERRORS=llc:ENODEV)
both enodev insmod "$LLC"
explained enodev "found no device"
ENVS=()

# ---------------------------------------------------------------- rmmod
cat > "$WORK/rec" <<'REC'
stp 16384 2 garp,bridge, Live 0x0000000000000000
garp 16384 0 - Live 0x0000000000000000
bridge 311296 0 - Live 0x0000000000000000
llc 16384 1 stp, Live 0x0000000000000000
busy 16384 2 - Live 0x0000000000000000
fixed 16384 - - Live 0x0000000000000000
REC

both rm-ok rmmod garp; same_as_kmod rm-ok
check_eq "rm-ok: call" "$(cat "$WORK/rm-ok-p/calls.log")" 'delete_module garp flags=O_NONBLOCK'
check_eq "rm-ok: holder dropped" "$(ls "$WORK/rm-ok-p/sys/module/stp/holders")" bridge
both rm-path rmmod "$WORK/rec"; same_as_kmod rm-path		# a path: its name "rec"
both rm-dash rmmod ga-rp; same_as_kmod rm-dash			# '-' is '_'... not garp
both rm-holders rmmod stp
held rm-holders "rmmod: ERROR: Module stp is in use by: $(ls -U "$WORK/rm-holders-p/sys/module/stp/holders" | tr '\n' ' ')(refcount 2)"
both rm-busy rmmod busy
held rm-busy "rmmod: ERROR: Module busy is in use (refcount 2: open files, devices or mounts hold it)"
both rm-absent rmmod nosuch; same_as_kmod rm-absent
both rm-nounload rmmod fixed; same_as_kmod rm-nounload
both rm-noarg rmmod; same_as_kmod rm-noarg
both rm-many rmmod garp nosuch bridge; same_as_kmod rm-many
check_eq "rm-many: calls" "$(cat "$WORK/rm-many-p/calls.log")" \
	"$(printf 'delete_module garp flags=O_NONBLOCK\ndelete_module bridge flags=O_NONBLOCK')"

# -f: a notice, then exactly the plain behaviour; never O_TRUNC.
both rm-force rmmod -f garp
check_eq "rm -f: notice" "$(cat "$WORK/rm-force.pmod.err")" \
	"rmmod: NOTICE: forced unload is not available on Peios; removing normally"
check_eq "rm -f: call" "$(cat "$WORK/rm-force-p/calls.log")" 'delete_module garp flags=O_NONBLOCK'
check_rc "rm -f" "$WORK/rm-force.pmod" 0
both rm-force-busy rmmod --force busy
check_eq "rm -f busy: message" "$(cat "$WORK/rm-force-busy.pmod.err")" \
	"$(printf 'rmmod: NOTICE: forced unload is not available on Peios; removing normally\nrmmod: ERROR: Module busy is in use (refcount 2: open files, devices or mounts hold it)')"
check_rc "rm -f busy" "$WORK/rm-force-busy.pmod" 1
check_no_calls "rm -f busy" "$WORK/rm-force-busy-p"
for d in "$WORK"/*-p; do check_absent "no O_TRUNC ever ($d)" "$d/calls.log" O_TRUNC; done

# Kernel errors on remove, explained.
ENVS=(PMOD_FAKE_KERNEL_ERRORS=garp:EAGAIN)
both rm-eagain rmmod garp
explained rm-eagain "the module is in use"
ENVS=(PMOD_FAKE_KERNEL_ERRORS=garp:EPERM)
both rm-eperm rmmod garp
explained rm-eperm "permission denied: unloading a module needs SeLoadDriverPrivilege (CAP_SYS_MODULE)"
FAKE_OPTS=(--modules-disabled)
both rm-locked rmmod garp
check_eq "rm-locked: message" "$(cat "$WORK/rm-locked.pmod.err")" \
	"rmmod: ERROR: could not remove module garp: module unloading is locked until reboot (by someone other than pmod, since a time pmod does not know; /proc/sys/kernel/modules_disabled is 1)"
check_rc "rm-locked" "$WORK/rm-locked.pmod" 1
check_no_calls "rm-locked: refused before the kernel" "$WORK/rm-locked-p"
FAKE_OPTS=() ENVS=()

# Built in (modules.builtin.bin of the release, under --root): pmod only,
# since kmod cannot be pointed at another tree; the words are kmod's.
mkdir -p "$WORK/broot/lib/modules"
ln -s "$MODS" "$WORK/broot/lib/modules/$(uname -r)"
fake_new bi --builtin-dir unix < /dev/null > /dev/null
run "$WORK/bi" "$WORK/bi" -- "$PRM" --root "$WORK/broot" unix
check_eq "builtin: message" "$(cat "$WORK/bi.err")" "rmmod: ERROR: Module unix is builtin."
check_rc "builtin" "$WORK/bi" 1
check_no_calls "builtin" "$WORK/bi"

finish
