#!/bin/bash
# A run pays only for the libraries it uses: libpmod and
# the tools do not link libcrypto, libzstd, liblzma, zlib or libsystemd, and a run maps
# each of them only when it decodes a signature or decompresses a module of
# that format (libpmod/lazy_library.h).
#
# Usage: lazy-libraries.sh BUILD_DIR MAKE_FIXTURE_MODULES MAKE_DEPMOD_TREE
#
# What the dynamic loader maps is read from LD_DEBUG=files, which names
# every object loaded, at start-up or by dlopen. Uses PMOD_TEST_ROOT and
# PMOD_TEST_ABI too when they are set (real signed modules); without them
# the generated fixtures are enough.
set -u
build=$1 make_fixtures=$2 make_tree=$3
modinfo=$build/tools/modinfo/modinfo
depmod=$build/tools/depmod/depmod
lazy='libcrypto|libzstd|liblzma|libz|libsystemd'

for tool in readelf zstd xz gzip; do
	command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# 1. Nothing links them: DT_NEEDED of the library and of every tool built.
needed_of() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
objects=("$build/libpmod/libpmod.so.0")
for f in "$build"/tools/*/*; do
	[ -f "$f" ] && [ -x "$f" ] && head -c4 "$f" | grep -q ELF && objects+=("$f")
done
for f in "${objects[@]}"; do
	n=$(needed_of "$f") || { bad "readelf -d $f"; continue; }
	if grep -Eq "^($lazy)\." <<<"$n"; then
		bad "DT_NEEDED of ${f#"$build"/} names $(grep -E "^($lazy)\." <<<"$n" | tr '\n' ' ')"
	else
		ok "DT_NEEDED of ${f#"$build"/}: $(tr '\n' ' ' <<<"$n")"
	fi
done
# At least the library, modinfo and depmod, or the loop above proved nothing.
[ "${#objects[@]}" -ge 3 ] || bad "found only ${#objects[@]} objects to check under $build"

# The lazy libraries a command maps, one per line ("libzstd"...).
mapped() {
	LD_DEBUG=files LD_DEBUG_OUTPUT=$work/ld "$@" >"$work/out" 2>"$work/err"
	local rc=$?
	cat "$work"/ld.* | sed -n 's/.*file=\([^ ]*\) .*/\1/p' | sed -n -E "s/^($lazy)\..*/\1/p" |
		sort -u
	rm -f "$work"/ld.*
	return $rc
}
# expect "WHAT" "LIBS" COMMAND...: COMMAND succeeds and maps exactly LIBS.
expect() {
	local what=$1 want=$2 got
	shift 2
	if ! got=$(mapped "$@"); then
		bad "$what: exit status $?: $(head -c 300 "$work/err")"
		return
	fi
	got=$(tr '\n' ' ' <<<"$got")
	got=${got% }
	if [ "$got" = "$want" ]; then
		ok "$what maps: ${want:-none of them}"
	else
		bad "$what maps '${got}', expected '${want}'"
	fi
}

# Every "none" below is backed by a case of the same command that does map
# a library, so a loader that stopped reporting dlopen would fail there.
fx=$work/fx
mkdir -p "$fx"
"$make_fixtures" "$fx" || { bad "make-fixture-modules"; exit 1; }
zstd -q -c "$fx/le64.ko" >"$fx/le64.ko.zst"
xz -c "$fx/le64.ko" >"$fx/le64.ko.xz"
gzip -c "$fx/le64.ko" >"$fx/le64.ko.gz"
zstd -q -c "$fx/pkcs7-rsa-sha512.ko" >"$fx/pkcs7.ko.zst"

# 2. Reading .modinfo of plain modules, signed ones included.
expect "modinfo -F vermagic, plain module" "" "$modinfo" -F vermagic "$fx/le64.ko"
expect "modinfo -F vermagic, PKCS#7-signed module" "" \
	"$modinfo" -F vermagic "$fx/pkcs7-rsa-sha512.ko" "$fx/pkcs7-ecdsa-sha384.ko"
expect "modinfo (full), legacy-signed modules" "" "$modinfo" "$fx/le64-x509.ko" "$fx/be32-pgp.ko"
# 3. One decompressor each, and only that one.
expect "modinfo -F vermagic, .ko.zst" "libzstd" "$modinfo" -F vermagic "$fx/le64.ko.zst"
expect "modinfo -F vermagic, .ko.xz" "liblzma" "$modinfo" -F vermagic "$fx/le64.ko.xz"
expect "modinfo -F vermagic, .ko.gz" "libz" "$modinfo" -F vermagic "$fx/le64.ko.gz"
# 4. A signature decoded maps libcrypto.
expect "modinfo -F signer, PKCS#7-signed module" "libcrypto" \
	"$modinfo" -F signer "$fx/pkcs7-rsa-sha512.ko"
expect "modinfo (full), PKCS#7-signed module" "libcrypto" "$modinfo" "$fx/pkcs7-ecdsa-sha384.ko"
expect "modinfo -F signer, PKCS#7-signed .ko.zst" "libcrypto libzstd" \
	"$modinfo" -F signer "$fx/pkcs7.ko.zst"
if [ "$("$modinfo" -F signer "$fx/pkcs7-rsa-sha512.ko")" = "pmod fixture key" ]; then
	ok "the signer is decoded through the lazily loaded libcrypto"
else
	bad "modinfo -F signer printed '$("$modinfo" -F signer "$fx/pkcs7-rsa-sha512.ko")'"
fi

# A library that cannot be loaded is an error for that module, with its
# reason, never a crash: a directory first on the search path holds empty
# files under the four sonames.
mkdir -p "$work/broken"
for so in libcrypto.so.3 libzstd.so.1 liblzma.so.5 libz.so.1; do : >"$work/broken/$so"; done
broken() {
	local what=$1 want=$2 out rc
	shift 2
	out=$(LD_LIBRARY_PATH=$work/broken "$@" 2>&1 >/dev/null)
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF "$want" <<<"$out"; then
		ok "$what: $out"
	else
		bad "$what: exit status $rc, '$out', expected '$want'"
	fi
}
broken "no libzstd" "le64.ko.zst: zstd-compressed module, but libzstd.so.1 cannot be loaded: " \
	"$modinfo" -F vermagic "$fx/le64.ko.zst"
broken "no liblzma" "le64.ko.xz: xz-compressed module, but liblzma.so.5 cannot be loaded: " \
	"$modinfo" -F vermagic "$fx/le64.ko.xz"
broken "no zlib" "le64.ko.gz: gzip-compressed module, but libz.so.1 cannot be loaded: " \
	"$modinfo" -F vermagic "$fx/le64.ko.gz"
broken "no libcrypto" \
	"pkcs7-rsa-sha512.ko: PKCS#7 module signature, but libcrypto.so.3 cannot be loaded: " \
	"$modinfo" -F signer "$fx/pkcs7-rsa-sha512.ko"
if [ "$(LD_LIBRARY_PATH=$work/broken "$modinfo" -F vermagic "$fx/le64.ko")" = \
     "9.9.9 SMP preempt mod_unload " ]; then
	ok "no library needed, none missed"
else
	bad "modinfo -F vermagic on a plain module fails without the four libraries"
fi

# depmod on a plain tree never needs any of them (it skips signatures).
"$make_tree" chain "$work/tree" >/dev/null || bad "make-depmod-tree chain"
expect "depmod, plain generated tree" "" "$depmod" -b "$work/tree" 9.9.9
mkdir -p "$work/ztree/lib/modules/9.9.9/kernel"
cp "$fx/le64.ko.zst" "$work/ztree/lib/modules/9.9.9/kernel/"
expect "depmod, one .ko.zst" "libzstd" "$depmod" -b "$work/ztree" 9.9.9

# The real tree, when there is one: signed Debian modules.
if [ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ] &&
   [ -d "$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI" ]; then
	mapfile -t real < <(find "$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI" -name '*.ko' |
				    sort | head -200)
	expect "modinfo -F vermagic, ${#real[@]} Debian modules" "" \
		"$modinfo" -F vermagic "${real[@]}"
	expect "modinfo -F sig_key, ${#real[@]} Debian modules" "libcrypto" \
		"$modinfo" -F sig_key "${real[@]}"
else
	echo "skip real-tree checks (PMOD_TEST_ROOT/PMOD_TEST_ABI not set)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
