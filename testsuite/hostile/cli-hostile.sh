#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# modinfo on hostile files: every one gives exit status 1, nothing on
# stdout and exactly one line on stderr naming the file and the problem,
# within 10 seconds (a FIFO must not hang). The files are made here from
# the smallest real module of the test tree (no committed binaries).
#
# Usage: cli-hostile.sh MODINFO
# Needs PMOD_TEST_ROOT and PMOD_TEST_ABI (testsuite/prepare-trees.sh);
# without them the test is skipped (exit 77).
set -u

modinfo=${1:?usage: cli-hostile.sh MODINFO}
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "cli-hostile: PMOD_TEST_ROOT and PMOD_TEST_ABI are not set" \
		"(see testsuite/prepare-trees.sh); skipping"
	exit 77
fi
moddir=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
if [ ! -d "$moddir" ]; then
	echo "cli-hostile: $moddir does not exist" >&2
	exit 1
fi
case $modinfo in /*) ;; *) modinfo=$PWD/$modinfo ;; esac

magic='~Module signature appended~'
src=''
# The smallest signed module (ELF64 little-endian, like every Debian amd64
# module).
while read -r _ path; do
	if [ "$(tail -c 28 "$path" | head -c 27)" = "$magic" ] &&
	   [ "$(head -c 6 "$path" | od -An -v -t x1 | tr -d ' \n')" = 7f454c460201 ]; then
		src=$path
		break
	fi
done < <(find "$moddir" -name '*.ko' -type f -printf '%s %p\n' | sort -n | head -50)
if [ -z "$src" ]; then
	echo "cli-hostile: no signed ELF64 module under $moddir" >&2
	exit 1
fi
echo "# module: $src"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmod-cli-hostile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

# ------------------------------------------------------------------ helpers

# Little-endian unsigned integer of N bytes at OFFSET of FILE.
le() {
	local -a b
	local v=0 i
	read -ra b < <(od -An -v -t u1 -j "$2" -N "$3" "$1")
	for (( i = $3 - 1; i >= 0; i-- )); do
		v=$(( (v << 8) | b[i] ))
	done
	echo "$v"
}

# Write the bytes given in hex (e.g. 41 ff) at OFFSET of FILE.
poke() {
	local f=$1 off=$2 fmt=''
	shift 2
	for x in "$@"; do fmt+="\\x$x"; done
	# shellcheck disable=SC2059
	printf "$fmt" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# Offset of section NAME's header in FILE (an ELF64 LSB module).
section_header() {
	local f=$1 want=$2 shoff shnum shstrndx stroff i name
	shoff=$(le "$f" 40 8)
	shnum=$(le "$f" 60 2)
	shstrndx=$(le "$f" 62 2)
	stroff=$(le "$f" $(( shoff + shstrndx * 64 + 24 )) 8)
	for (( i = 1; i < shnum; i++ )); do
		name=$(tail -c +$(( stroff + $(le "$f" $(( shoff + i * 64 )) 4) + 1 )) "$f" |
		       head -c 64 | tr '\0' '\n' | head -n 1)
		if [ "$name" = "$want" ]; then
			echo $(( shoff + i * 64 ))
			return 0
		fi
	done
	return 1
}

passed=0
failed=0
ok() { echo "ok - $1"; passed=$(( passed + 1 )); }
bad() { echo "FAIL - $1: $2"; failed=$(( failed + 1 )); }

# Run modinfo ARGS... with a time limit; leaves $tmp/out, $tmp/err and $rc.
run() {
	timeout 10 "$modinfo" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# check_stderr NAME SHOWN_PATH REGEX: stderr is exactly one line naming the
# file and matching REGEX (the description, not just a bare errno text).
check_stderr() {
	local name=$1 shown=$2 regex=$3 line
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || [ -n "$(tail -c 1 "$tmp/err" | tr -d '\n')" ]; then
		bad "$name" "stderr is not exactly one line: $(head -c 600 "$tmp/err" | tr '\n' '|')"
		return 1
	fi
	line=$(cat "$tmp/err")
	case $line in
	*"$shown"*) ;;
	*) bad "$name" "stderr does not name $shown: $line"; return 1 ;;
	esac
	if ! grep -Eq -- "$regex" <<<"${line#*"$shown"}"; then
		bad "$name" "stderr does not say /$regex/: $line"
		return 1
	fi
	return 0
}

# hostile NAME FILE REGEX [SHOWN]: `modinfo FILE` fails as it should.
# SHOWN is the path the message must contain (default: FILE).
hostile() {
	local name=$1 file=$2 regex=$3 shown=${4:-$2}
	run "$file"
	if [ "$rc" -eq 124 ]; then
		bad "$name" "timed out (hang)"
		return
	fi
	if [ "$rc" -ne 1 ]; then
		bad "$name" "exit status $rc, expected 1 (stderr: $(head -c 600 "$tmp/err" | tr '\n' '|'))"
		return
	fi
	if [ -s "$tmp/out" ]; then
		bad "$name" "stdout is not empty: $(head -c 200 "$tmp/out" | tr '\n' '|')"
		return
	fi
	check_stderr "$name" "$shown" "$regex" && ok "$name"
}

# ------------------------------------------------------------------ the files

cp "$src" "$tmp/good.ko"
good=$tmp/good.ko
size=$(stat -c %s "$good")
shoff=$(le "$good" 40 8)
shnum=$(le "$good" 60 2)
shend=$(( shoff + shnum * 64 ))

# The good module, alone.
run "$good"
if [ "$rc" -eq 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] &&
   grep -q '^vermagic:' "$tmp/out" && grep -q '^sig_id:' "$tmp/out"; then
	ok "good module"
else
	bad "good module" "exit $rc, stderr: $(head -c 600 "$tmp/err" | tr '\n' '|')"
fi
cp "$tmp/out" "$tmp/good.out"

# Truncated copies: in the ELF identification, the ELF header, the middle,
# and the section header table.
for len in 1 15 16 63 64 $(( size / 2 )) $(( shoff + 1 )) $(( shend - 1 )); do
	f=$tmp/trunc-$len.ko
	head -c "$len" "$good" >"$f"
	if [ "$len" -lt 16 ]; then
		want='not an ELF file'
	elif [ "$len" -lt 64 ]; then
		want='truncated ELF header'
	else
		want='section header table .* extends past the end of the file'
	fi
	hostile "truncated to $len of $size bytes" "$f" "$want"
done

printf 'this is not a kernel module\n' >"$tmp/x.ko"
hostile "non-ELF file" "$tmp/x.ko" 'not an ELF file'

: >"$tmp/empty.ko"
hostile "empty file" "$tmp/empty.ko" 'not an ELF file'

# ELF magic, then a hole the size of the module: sparse, no header fields.
head -c 4 "$good" >"$tmp/zeros.ko"
truncate -s "$size" "$tmp/zeros.ko"
hostile "ELF magic then zeros" "$tmp/zeros.ko" 'unknown ELF class 0'

mkdir "$tmp/d.ko"
hostile "directory d.ko" "$tmp/d.ko" 'is a directory'

mkdir "$tmp/somedir"
hostile "directory ./somedir/" ./somedir/ 'is a directory' 'somedir/'

mkfifo "$tmp/f.ko"
hostile "FIFO f.ko" "$tmp/f.ko" 'not a regular file'

hostile "missing file" "$tmp/missing.ko" 'No such file|not found' 'missing.ko'

# .modinfo whose last string has no NUL.
cp "$good" "$tmp/modinfo-unterminated.ko"
if sh=$(section_header "$good" .modinfo); then
	off=$(le "$good" $(( sh + 24 )) 8)
	len=$(le "$good" $(( sh + 32 )) 8)
	poke "$tmp/modinfo-unterminated.ko" $(( off + len - 1 )) 41
	hostile ".modinfo without its terminator" "$tmp/modinfo-unterminated.ko" \
		'unterminated string at the end of \.modinfo'
else
	bad ".modinfo without its terminator" "no .modinfo in $src"
fi

# .modinfo reaching past the end of the file.
cp "$good" "$tmp/modinfo-past-end.ko"
poke "$tmp/modinfo-past-end.ko" $(( sh + 32 )) ff ff ff ff ff ff ff 00
hostile ".modinfo past the end" "$tmp/modinfo-past-end.ko" '\.modinfo.*extends past the end'

# Section header table offset beyond the file.
cp "$good" "$tmp/shoff.ko"
poke "$tmp/shoff.ko" 40 00 00 00 00 00 00 01 00
hostile "e_shoff beyond the file" "$tmp/shoff.ko" 'extends past the end of the file'

# Signature trailer: sig_len (big-endian, just before the magic) larger
# than the file.
cp "$good" "$tmp/sig-long.ko"
poke "$tmp/sig-long.ko" $(( size - 28 - 4 )) 7f ff ff ff
hostile "signature longer than the file" "$tmp/sig-long.ko" 'signature claims [0-9]+ bytes'

cp "$good" "$tmp/sig-garbage.ko"
sig_len=$(( $(od -An -v -t u1 -j $(( size - 28 - 4 )) -N 4 "$good" |
	awk '{ print ($1 * 16777216) + ($2 * 65536) + ($3 * 256) + $4 }') ))
head -c "$sig_len" /dev/zero | tr '\0' '\132' |
	dd of="$tmp/sig-garbage.ko" bs=1 seek=$(( size - 40 - sig_len )) conv=notrunc status=none
hostile "garbage instead of PKCS#7" "$tmp/sig-garbage.ko" 'not a valid PKCS#7'

# Compressed streams cut short or damaged.
if command -v zstd >/dev/null; then
	zstd -q -c "$good" >"$tmp/full.zst"
	zlen=$(stat -c %s "$tmp/full.zst")
	head -c $(( zlen / 2 )) "$tmp/full.zst" >"$tmp/half.ko.zst"
	hostile ".ko.zst cut in half" "$tmp/half.ko.zst" 'zstd stream ends early'
	head -c $(( zlen - 1 )) "$tmp/full.zst" >"$tmp/short.ko.zst"
	hostile ".ko.zst missing its last byte" "$tmp/short.ko.zst" 'zstd'
	printf 'not a module\n' | zstd -q -c >"$tmp/text.ko.zst"
	hostile ".ko.zst of a text file" "$tmp/text.ko.zst" 'not an ELF file'
else
	echo "# zstd(1) not found: .ko.zst cases skipped"
fi
if command -v xz >/dev/null; then
	xz -q -c "$good" >"$tmp/full.xz"
	xlen=$(stat -c %s "$tmp/full.xz")
	head -c $(( xlen / 2 )) "$tmp/full.xz" >"$tmp/half.ko.xz"
	hostile ".ko.xz cut in half" "$tmp/half.ko.xz" 'xz stream ends early'
	cp "$tmp/full.xz" "$tmp/flip.ko.xz"
	poke "$tmp/flip.ko.xz" $(( xlen / 2 )) \
		"$(printf '%02x' $(( $(od -An -t u1 -j $(( xlen / 2 )) -N 1 "$tmp/full.xz") ^ 0x10 )))"
	hostile ".ko.xz with a flipped bit" "$tmp/flip.ko.xz" 'xz'
else
	echo "# xz(1) not found: .ko.xz cases skipped"
fi
if command -v gzip >/dev/null; then
	gzip -n -c "$good" >"$tmp/full.gz"
	glen=$(stat -c %s "$tmp/full.gz")
	head -c $(( glen - 4 )) "$tmp/full.gz" >"$tmp/short.ko.gz"
	hostile ".ko.gz missing its length" "$tmp/short.ko.gz" 'gzip stream ends early'
fi

# Good and bad in one invocation: the good module's output, one error line.
for order in good-bad bad-good; do
	if [ "$order" = good-bad ]; then
		run "$good" "$tmp/modinfo-unterminated.ko"
	else
		run "$tmp/modinfo-unterminated.ko" "$good"
	fi
	name="modinfo $order in one invocation"
	if [ "$rc" -ne 1 ]; then
		bad "$name" "exit status $rc, expected 1"
	elif ! cmp -s "$tmp/out" "$tmp/good.out"; then
		bad "$name" "stdout differs from the good module's output alone"
	elif check_stderr "$name" "$tmp/modinfo-unterminated.ko" 'unterminated string'; then
		ok "$name"
	fi
done

# Several bad files: one line each, in order.
run "$tmp/x.ko" "$tmp/d.ko" "$tmp/f.ko"
if [ "$rc" -eq 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 3 ] &&
   sed -n 1p "$tmp/err" | grep -q "x.ko: not an ELF file" &&
   sed -n 2p "$tmp/err" | grep -q "d.ko: is a directory" &&
   sed -n 3p "$tmp/err" | grep -q "f.ko: not a regular file"; then
	ok "three bad files, three lines"
else
	bad "three bad files, three lines" "exit $rc, stderr: $(head -c 600 "$tmp/err" | tr '\n' '|')"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
