#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SeLoadDriverPrivilege does not leak out of the kernel calls, under the
# fake kernel with a token that holds it disabled (PMOD_FAKE_TOKEN=disabled):
#  1. the token descriptor is close-on-exec: an install command run by
#     modprobe (after the token was opened and used) inherits no
#     "kacs-token" descriptor;
#  2. an install command never runs with the privilege enabled: in
#     calls.log, every enable before the command's marker is disabled;
#  3. SIGINT or SIGTERM during a slow load (PMOD_FAKE_KERNEL_DELAY) cannot
#     end the tool with the privilege enabled: calls.log shows enable,
#     the load, disable, and only then the tool dies of the signal.
# usage: privilege-scope.sh MODPROBE INSMOD SHIM MAKE_FAKE_KERNEL
PMP=$(realpath "$1") PINS=$(realpath "$2") SHIM=$(realpath "$3") MAKE_FAKE=$4
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=$PMOD_TEST_ABI
[ -f "$PMOD_TEST_ROOT/lib/modules/$ABI/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }
export LC_ALL=C

TROOT=$WORK/root
mkdir -p "$TROOT/etc/modprobe.d" "$TROOT/etc/pmod"
ln -s "$PMOD_TEST_ROOT/lib" "$TROOT/lib"
printf '# defaults\n' >"$TROOT/etc/pmod/policy.conf"
LLC=/lib/modules/$ABI/kernel/net/llc/llc.ko

# 1 and 2. 8021q's dependencies (llc mrp stp garp) are loaded through the
# privilege scope first, then 8021q's install command runs: it lists the
# descriptors its shell inherited and leaves a marker in calls.log.
dir=$(fake_new install --cmdline "" </dev/null)
cat >"$TROOT/etc/modprobe.d/test.conf" <<EOF
install 8021q ls -l /proc/\$\$/fd/ >$WORK/fds 2>&1; echo install-command-runs >>$dir/calls.log
EOF
run "$WORK/install" "$dir" PMOD_FAKE_TOKEN=disabled -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
check_rc "install command: modprobe succeeds" "$WORK/install" 0
check_contains "install command: ran" "$dir/calls.log" "install-command-runs"
check_contains "install command: the token was used before it ran" "$dir/calls.log" \
	"kacs_adjust_privs luid=10 enable"
if [ -s "$WORK/fds" ] && ! grep -q 'kacs-token' "$WORK/fds"; then
	pass
else
	fail "install command inherited the token descriptor (or listed nothing):"
	sed 's/^/  | /' "$WORK/fds" 2>/dev/null
fi
# Enabled minus disabled, up to the marker: 0.
open_scopes=$(awk '/^install-command-runs/ { print n + 0; exit }
	/^kacs_adjust_privs luid=10 enable/ { n++ } /^kacs_adjust_privs luid=10 disable/ { n-- }' \
	"$dir/calls.log")
check_eq "install command: runs with the privilege not enabled" "$open_scopes" 0
rm -f "$TROOT/etc/modprobe.d/test.conf"

# 3. A signal while the kernel call is in progress. Job control gives the
# background tool default signal dispositions (a non-interactive shell
# would start it with SIGINT ignored).
# signalled NAME SIGNAL STATUS -- CMD ARGS...
signalled() {
	local name=$1 sig=$2 want=$3 pid rc i ign
	shift 4
	local d
	d=$(fake_new "$name" --cmdline "" </dev/null)
	set -m
	env PMOD_FAKE_TOKEN=disabled PMOD_FAKE_KERNEL_DELAY=2 PMOD_FAKE_KERNEL="$d" \
		LD_PRELOAD="$(preload_list)" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	pid=$!
	set +m
	# Wait for the load to be inside the kernel call.
	for i in $(seq 100); do
		grep -q '^finit_module ' "$d/calls.log" 2>/dev/null && break
		sleep 0.1
	done
	ign=$(awk '/^SigIgn:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	if [ "$sig" = INT ] && [ -n "$ign" ] && (( 0x$ign & 2 )); then
		echo "skip: SIGINT is ignored by this test's environment"
		kill -TERM "$pid"; wait "$pid"
		return
	fi
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	check_eq "SIG$sig during the load: the tool dies of it, after the call" "$rc" "$want"
	check_eq "SIG$sig during the load: enable, load, disable, nothing after" \
		"$(sed 's/ flags=.*//; s/ len=.*//' "$d/calls.log" | tr '\n' ';')" \
		"kacs_adjust_privs luid=10 enable;finit_module llc;kacs_adjust_privs luid=10 disable;"
}
signalled sigint-insmod INT 130 -- "$PINS" --root "$TROOT" "$LLC"
signalled sigterm-insmod TERM 143 -- "$PINS" --root "$TROOT" "$LLC"
signalled sigterm-modprobe TERM 143 -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
signalled sigint-modprobe INT 130 -- "$PMP" --root "$TROOT" -S "$ABI" 8021q
signalled sighup-modprobe HUP 129 -- "$PMP" --root "$TROOT" -S "$ABI" 8021q

finish
