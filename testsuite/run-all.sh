#!/bin/bash
# The project's test command: bash testsuite/run-all.sh
#
# Works on a fresh Debian 12 machine as root: installs what it needs, fetches
# and prepares the kernel module trees (cached in /var/cache/pmod-test), then
#   1. build-ci:   meson build with --werror, whole test suite
#   2. real kernel: Debian's kernel booted under qemu, pmod's tools loading
#      and unloading real modules (testsuite/real-kernel/run.sh)
#   3. packages: dpkg-buildpackage, lintian, installed in place of kmod in
#      a Debian 12 chroot (testsuite/package/build-and-install.sh)
#   4. a Debian 12 system booted under qemu with those packages, and with
#      kmod, compared (testsuite/system/run.sh)
#   5. build-asan: AddressSanitizer + UndefinedBehaviorSanitizer, whole suite
#   6. build-fuzz: libFuzzer, the module parser ~30 s, the index reader ~15 s
#      and libkmod through its public interface ~15 s
# and prints "N passed, M failed" over the meson tests of steps 1 and 5, the
# real-kernel suite, the packages, the system (one each) and the fuzzers
# (one each).
# A skipped test in build-ci counts as a failure (it means missing test data).
# A failing step that is not a meson test (a build error, a fuzzer crash)
# stops the run and counts as one more failure. Exit status 0 only if all
# is well.
#
# Environment: PMOD_SKIP_APT=1 skips the package installation;
# PMOD_FUZZ_SECONDS (default 30) sets the fuzzing time;
# PMOD_TEST_CACHE is passed on to prepare-trees.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
t_start=$SECONDS

step=""
section() { step=$*; printf '\n========== %s ==========\n' "$*"; }
elapsed() { echo "(step took $(( SECONDS - $1 ))s, $(( SECONDS - t_start ))s so far)"; }

total_pass=0
total_fail=0
reported=0
summary() { reported=1; echo "$total_pass passed, $total_fail failed"; }
corpus=""
on_exit() {
	local rc=$?
	[ -z "$corpus" ] || rm -rf "$corpus"
	[ -z "${debs:-}" ] || rm -rf "$debs"
	if [ "$rc" -ne 0 ] && [ "$reported" = 0 ]; then
		echo "run-all: FAILED in step \"$step\" (exit status $rc)" >&2
		total_fail=$(( total_fail + 1 ))
		summary
	fi
}
trap on_exit EXIT

# ---------------------------------------------------------------------------
section "Installing build and test dependencies"
t=$SECONDS
packages=(
	gcc libc6-dev meson ninja-build pkg-config
	libcmocka-dev libssl-dev libzstd-dev liblzma-dev zlib1g-dev libjson-c-dev
	kmod libkmod-dev zstd xz-utils gzip python3
	udev pciutils dracut-core
	build-essential debhelper fakeroot lintian mmdebstrap e2fsprogs cpio git
	qemu-system-x86
	clang libclang-rt-14-dev openssl
	ca-certificates diffutils findutils util-linux
)
if [ "${PMOD_SKIP_APT:-0}" = 1 ]; then
	echo "PMOD_SKIP_APT=1: not installing packages"
else
	sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || { echo "run-all: must run as root (or have sudo) to install packages; set PMOD_SKIP_APT=1 to skip" >&2; exit 1; }
		sudo=(sudo)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
fi
elapsed "$t"

# ---------------------------------------------------------------------------
section "Preparing kernel module trees"
t=$SECONDS
trees=$(bash testsuite/prepare-trees.sh ${PMOD_TEST_CACHE:+"$PMOD_TEST_CACHE"})
PMOD_TEST_ABI=$(sed -n 1p <<<"$trees")
PMOD_TEST_ROOT=$(sed -n 2p <<<"$trees")
[ -n "$PMOD_TEST_ABI" ] && [ -d "$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI" ] || {
	echo "run-all: prepare-trees.sh gave no usable tree" >&2; exit 1; }
export PMOD_TEST_ABI PMOD_TEST_ROOT
echo "PMOD_TEST_ABI=$PMOD_TEST_ABI"
echo "PMOD_TEST_ROOT=$PMOD_TEST_ROOT"
elapsed "$t"

# run_suite BUILD_DIR SKIP_IS_FAILURE: run meson test, add its summary to the
# totals; on failure print the totals so far and exit.
run_suite() {
	local dir=$1 skip_fails=$2 log rc=0
	log="$dir/run-all-test.log"
	meson test -C "$dir" --print-errorlogs 2>&1 | tee "$log" || rc=$?
	local ok xfail fail upass skipped timeout
	field() { sed -n "s/^$1:[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$log" | tail -n1; }
	ok=$(field 'Ok'); xfail=$(field 'Expected Fail'); fail=$(field 'Fail')
	upass=$(field 'Unexpected Pass'); skipped=$(field 'Skipped'); timeout=$(field 'Timeout')
	if [ -z "$ok" ]; then
		echo "run-all: no test summary from meson test in $dir" >&2
		exit 1
	fi
	local pass=$(( ok + ${xfail:-0} ))
	local failed=$(( ${fail:-0} + ${timeout:-0} + ${upass:-0} ))
	if [ "$skip_fails" = 1 ] && [ "${skipped:-0}" -gt 0 ]; then
		echo "run-all: $skipped test(s) skipped in $dir; skips are failures here (missing test data?)" >&2
		grep -E '^ *[0-9]+/[0-9]+ .* SKIP ' "$log" >&2 || true
		failed=$(( failed + skipped ))
	fi
	total_pass=$(( total_pass + pass ))
	total_fail=$(( total_fail + failed ))
	echo "$dir: $pass passed, $failed failed, ${skipped:-0} skipped"
	if [ "$rc" -ne 0 ] || [ "$failed" -gt 0 ]; then
		echo "run-all: tests failed in $dir" >&2
		summary; exit 1
	fi
}

# ---------------------------------------------------------------------------
section "build-ci: configure (--werror), compile, test"
t=$SECONDS
rm -rf build-ci
# -Dlibkmod=true changes only what `meson install` does: libkmod-install
# then checks the installed library, header and pkg-config file, where
# build-asan (the default, off) checks that none is installed.
meson setup build-ci --werror -Dlibkmod=true
meson compile -C build-ci
run_suite build-ci 1
elapsed "$t"

# ---------------------------------------------------------------------------
section "real kernel: Debian's 6.1 kernel under qemu, pmod's tools from build-ci"
t=$SECONDS
# Booting the real kernel proves what the fake kernel can only imitate
# (testsuite/real-kernel/README.md). Its checks count as one test here.
if bash testsuite/real-kernel/run.sh build-ci; then
	total_pass=$(( total_pass + 1 ))
else
	echo "run-all: the real-kernel suite failed" >&2
	total_fail=$(( total_fail + 1 ))
	summary; exit 1
fi
elapsed "$t"

# ---------------------------------------------------------------------------
section "packages: dpkg-buildpackage, lintian, installed in place of kmod"
t=$SECONDS
debs=$(mktemp -d /tmp/pmod-debs.XXXXXX)
if PMOD_DEB_OUT=$debs bash testsuite/package/build-and-install.sh; then
	total_pass=$(( total_pass + 1 ))
else
	echo "run-all: the package test failed" >&2
	total_fail=$(( total_fail + 1 ))
	summary; exit 1
fi
elapsed "$t"

# ---------------------------------------------------------------------------
section "system: Debian 12 booted under qemu with pmod's packages, and with kmod"
t=$SECONDS
if bash testsuite/system/run.sh "$debs"; then
	total_pass=$(( total_pass + 1 ))
else
	echo "run-all: the system test failed" >&2
	total_fail=$(( total_fail + 1 ))
	summary; exit 1
fi
rm -rf "$debs"
elapsed "$t"

# ---------------------------------------------------------------------------
section "build-asan: AddressSanitizer + UndefinedBehaviorSanitizer"
t=$SECONDS
rm -rf build-asan
meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
meson compile -C build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
run_suite build-asan 0
elapsed "$t"

# ---------------------------------------------------------------------------
section "build-fuzz: libFuzzer on the module parser, the index reader and libkmod"
t=$SECONDS
rm -rf build-fuzz
CC=clang meson setup build-fuzz -Dfuzzing=true -Dtests=false
meson compile -C build-fuzz
moddir="$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI"
corpus=$(mktemp -d /tmp/pmod-fuzz-corpus.XXXXXX)
mkdir -p "$corpus/image" "$corpus/index" "$corpus/libkmod"
# Seeds: about 20 small real modules, picked deterministically, and the
# tree's smaller real indexes.
mapfile -t small < <(find "$moddir" -name '*.ko' -size -24k -printf '%s %p\n' | sort -n | cut -d' ' -f2-)
stride=$(( ${#small[@]} / 20 )); [ "$stride" -ge 1 ] || stride=1
for (( i = 0; i < ${#small[@]} && i < 20 * stride; i += stride )); do
	cp "${small[$i]}" "$corpus/image/"
done
cp "$moddir"/modules.builtin.bin "$moddir"/modules.builtin.alias.bin "$moddir"/modules.symbols.bin "$corpus/index/"
# libkmod's seeds: small module directories made from the tree's modules.
testsuite/fuzz/make-libkmod-seeds.sh build-fuzz/tools/depmod/depmod "$moddir" "$corpus/libkmod"
artifacts="$repo/build-fuzz/fuzz-artifacts"
mkdir -p "$artifacts"
# fuzz TARGET SECONDS CORPUS
fuzz() {
	local fuzzer=build-fuzz/testsuite/fuzz/$1 rc=0
	[ -x "$fuzzer" ] || { echo "run-all: $fuzzer was not built" >&2; exit 1; }
	echo "-- $1 for $2 s on $(ls "$3" | wc -l) seeds"
	"$fuzzer" -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/$1-" "$3" 2>&1 |
		{ grep -avE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)' || true; } || rc=$?
	# libFuzzer also saves its slowest input as slow-unit-*; that is no failure.
	if [ "$rc" -ne 0 ] || [ -n "$(find "$artifacts" -type f ! -name '*slow-unit-*' -print -quit)" ]; then
		echo "run-all: fuzzing $1 found a problem (exit $rc); reproducers in $artifacts:" >&2
		ls -l "$artifacts" >&2
		total_fail=$(( total_fail + 1 ))
		summary; exit 1
	fi
	total_pass=$(( total_pass + 1 ))
}
fuzz fuzz-module-image "${PMOD_FUZZ_SECONDS:-30}" "$corpus/image"
fuzz fuzz-index "$(( ${PMOD_FUZZ_SECONDS:-30} / 2 ))" "$corpus/index"
fuzz fuzz-libkmod "$(( ${PMOD_FUZZ_SECONDS:-30} / 2 ))" "$corpus/libkmod"
echo "fuzzing: no crash"
elapsed "$t"

# ---------------------------------------------------------------------------
section "Summary"
echo "total time: $(( SECONDS - t_start ))s"
summary
