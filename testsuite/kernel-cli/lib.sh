# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the kernel-cli tests: run a tool (pmod's or kmod 30's) under the
# fake kernel (testsuite/fake-kernel) and compare what it printed, its exit
# status and what reached the kernel (calls.log).
#
# Usage in a test: . lib.sh; set SHIM and MAKE_FAKE; then
#   fake_new NAME [make-fake-kernel options] < recorded-proc-modules
#   run OUT DIR [ENV=VAL...] -- CMD ARGS...   -> OUT.out OUT.err OUT.rc
#   check_same DESC FILE1 FILE2 / check_eq DESC ACTUAL EXPECTED / ...
# and end with `finish`.

set -u
FAILED=0
CHECKS=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pmod-kernel-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# A sanitizer build of the shim needs the ASan runtime first in
# LD_PRELOAD.
preload_list() {
	local asan
	asan=$(ldd "$SHIM" 2>/dev/null | awk '/libasan/ { print $3 }')
	echo "${asan:+$asan }$SHIM"
}

# fake_new NAME [opts...] : DIR built from the recording on stdin.
fake_new() {
	local name=$1
	shift
	rm -rf "$WORK/$name"
	cat > "$WORK/$name.proc"
	"$MAKE_FAKE" "$WORK/$name.proc" "$WORK/$name" "$@" || { echo "cannot build fake $name"; exit 99; }
	echo "$WORK/$name"
}

# run OUT DIR [VAR=VALUE...] -- CMD ARGS...
run() {
	local out=$1 dir=$2
	shift 2
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	# kmod's own leaks are not ours to report; pmod's tools keep the
	# leak checker.
	local asan=${ASAN_OPTIONS:-}
	case $1 in
	/usr/sbin/*|/sbin/*|/bin/*|/usr/bin/*) asan="$asan${asan:+:}detect_leaks=0" ;;
	esac
	env "${envs[@]}" PMOD_FAKE_KERNEL="$dir" LD_PRELOAD="$(preload_list)" \
		ASAN_OPTIONS="$asan" timeout 20 "$@" > "$out.out" 2> "$out.err"
	echo $? > "$out.rc"
}

# kmod's library prints its own diagnostics ("libkmod: ..." lines, with
# kmod source paths) that pmod does not imitate; compare the rest.
strip_libkmod() {
	grep -v '^libkmod: ' "$1" | grep -v 'libkmod-module.c:' > "$1.cmp" || true
}

pass() { CHECKS=$((CHECKS + 1)); }
fail() { CHECKS=$((CHECKS + 1)); FAILED=1; echo "FAIL: $*"; }

check_eq() {	# DESC ACTUAL EXPECTED
	if [ "$2" = "$3" ]; then pass; else
		fail "$1"; echo "  expected: $3"; echo "  actual:   $2"; fi
}

check_same() {	# DESC FILE1 FILE2
	if cmp -s "$2" "$3"; then pass; else
		fail "$1"; diff -u "$2" "$3" | head -20; fi
}

check_contains() {	# DESC FILE TEXT
	if grep -qF -- "$3" "$2"; then pass; else
		fail "$1: '$3' not in $2"; sed 's/^/  | /' "$2" | head -10; fi
}

check_absent() {	# DESC FILE TEXT
	if [ -f "$2" ] && grep -qF -- "$3" "$2"; then
		fail "$1: '$3' found in $2"; else pass; fi
}

check_no_calls() {	# DESC DIR
	if [ -s "$2/calls.log" ]; then fail "$1: the kernel was called"; sed 's/^/  | /' "$2/calls.log"; else pass; fi
}

# A crash (signal, sanitizer) is never an acceptable answer to bad input.
check_rc() {	# DESC OUT EXPECTED
	check_eq "$1 (exit status)" "$(cat "$2.rc")" "$3"
}

finish() {
	echo "$CHECKS checks, $([ $FAILED = 0 ] && echo 'all passed' || echo 'FAILURES')"
	exit $FAILED
}
