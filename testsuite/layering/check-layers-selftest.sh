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

# Include paths: a base layer whose flags also name top's folder must be
# caught; top's header must stay reachable from top.
src=$work/src
mkdir -p "$src/base" "$src/top"
echo 'int low(void);' > "$src/base/low.h"
echo 'int high(void);' > "$src/top/high.h"
cat > "$work/clean/compile_commands.json" <<JSON
[
 {"directory": "$work", "command": "$cc -I$src/base -I$src/top -c base.c",
  "file": "base.c", "output": "libpmod-base.a.p/base_low.c.o"},
 {"directory": "$work", "command": "$cc -I$src/base -I$src/top -c top.c",
  "file": "top.c", "output": "libpmod-top.a.p/top_high.c.o"}
]
JSON
out=$(python3 "$checker" "$nm" "$work/clean" base top --includes "$work/clean" "$src") && st=0 || st=$?
if [ "$st" = 1 ] && grep -q 'upward include: top/high.h is reachable from layer base' <<<"$out" &&
   ! grep -q 'cannot be included from layer top' <<<"$out"; then
	echo "ok: upward include"
else
	echo "FAIL: upward include not caught (status $st):"; echo "$out"; fail=1
fi

[ "$fail" = 0 ] && echo "check-layers self-test: 4 checks passed"
exit "$fail"
