#!/bin/bash
# The layering check must be able to fail: build tiny two-layer libraries
# with an upward call and with a circle of calls between two files of one
# layer, and require check-layers.py to name each; a clean pair must pass.
# usage: check-layers-selftest.sh CHECKER NM CC AR
set -euo pipefail
checker=$1 nm=$2 cc=$3 ar=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0

# make_layer DIR LAYER FILE:SOURCE... : one archive libpmod-LAYER.a, members
# named the way meson names them (LAYER_FILE.c.o).
make_layer() {
	local dir=$1 layer=$2; shift 2
	mkdir -p "$dir/obj"
	local objs=()
	for spec in "$@"; do
		local file=${spec%%:*} src=${spec#*:}
		printf '%s\n' "$src" > "$dir/obj/$file"
		"$cc" -c -o "$dir/obj/${layer}_$file.o" "$dir/obj/$file"
		objs+=("$dir/obj/${layer}_$file.o")
	done
	"$ar" rcs "$dir/libpmod-$layer.a" "${objs[@]}"
}

expect() {	# expect WANT_STATUS PATTERN DIR: run the checker on base < top
	local want=$1 pattern=$2 dir=$3 out status=0
	out=$(python3 "$checker" "$nm" "$dir" base top) || status=$?
	if [ "$status" != "$want" ] || ! grep -q -- "$pattern" <<<"$out"; then
		echo "FAIL: wanted status $want and '$pattern', got $status:"; echo "$out"
		fail=1
	else
		echo "ok: $pattern"
	fi
}

# Clean: top calls down.
make_layer "$work/clean" base 'low.c:int low(void) { return 1; }'
make_layer "$work/clean" top 'high.c:int low(void); int high(void) { return low(); }'
expect 0 ' 0 problems' "$work/clean"

# Upward: base calls top.
make_layer "$work/up" base 'low.c:int high(void); int low(void) { return high(); }'
make_layer "$work/up" top 'high.c:int high(void) { return 2; }'
expect 1 'upward call: base/low.c uses high, defined in top/high.c' "$work/up"

# Circle: two files of one layer calling each other.
make_layer "$work/circle" base 'a.c:int b(void); int a(void) { return b(); }' \
	'b.c:int a(void); int b(void) { return a() + 1; }'
make_layer "$work/circle" top 'high.c:int high(void) { return 2; }'
expect 1 'circle of calls between files: base/a.c <-> base/b.c' "$work/circle"

[ "$fail" = 0 ] && echo "check-layers self-test: 3 passed, 0 failed"
exit "$fail"
