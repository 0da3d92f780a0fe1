#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# libkmod/ is a layer above libpmod that may use only pmod.h:
#  - its files include only each other ("...") and system headers or
#    pmod.h (<...>), never a header of libpmod's layers;
#  - the built libkmod.so.2 contains no libpmod code (no pmod_ symbol of
#    its own: it calls the shared libpmod, which exports only pmod.h) and
#    exports nothing but kmod_ functions.
# The include check is also run on a copy that includes an internal
# header, and must fail there.
# usage: check-libkmod.sh SRC/libkmod SRC/libpmod BUILT_LIBKMOD_SO NM
LIBKMOD=$1 LIBPMOD=$2 SO=$3 NM=$4
failures=0
fail() { echo "check-libkmod: $*"; failures=$((failures + 1)); }

# Every header of libpmod but the public one.
internal=$(cd "$LIBPMOD" && find . -name '*.h' ! -path './include/*' -printf '%f\n' | sort -u)

# Prints one line per forbidden include of the folder given.
bad_includes() {
	local dir=$1 f inc
	for f in "$dir"/*.c "$dir"/*.h; do
		while IFS= read -r inc; do
			case "$inc" in
			\"*\")
				inc=${inc#\"}; inc=${inc%\"}
				[ -f "$dir/$inc" ] || echo "$(basename "$f"): #include \"$inc\" is not a file of libkmod/"
				;;
			\<*\>)
				inc=${inc#<}; inc=${inc%>}
				if printf '%s\n' "$internal" | grep -qxF "$(basename "$inc")"; then
					echo "$(basename "$f"): #include <$inc> is a libpmod internal header"
				fi
				;;
			esac
		done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*\([<"][^>"]*[>"]\).*/\1/p' "$f")
	done
}

problems=$(bad_includes "$LIBKMOD")
[ -z "$problems" ] || fail "$problems"

# The check itself: a copy that reaches into libpmod must be caught.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$LIBKMOD"/*.[ch] "$tmp"/
sed -i '1a #include "resolve.h"' "$tmp/module.c"
sed -i '1a #include <context.h>' "$tmp/list.c"
caught=$(bad_includes "$tmp" | wc -l)
[ "$caught" -ge 2 ] || fail "self-test: an internal include went unnoticed"

defined=$("$NM" -D --defined-only "$SO" | awk '{ sub(/@.*/, "", $3); print $3 }' | grep -v '^$')
own_pmod=$(printf '%s\n' "$defined" | grep '^pmod_')
[ -z "$own_pmod" ] || fail "libkmod.so.2 contains libpmod code: $own_pmod"
others=$(printf '%s\n' "$defined" | grep -v '^kmod_' | grep -v '^LIBKMOD_')
[ -z "$others" ] || fail "libkmod.so.2 exports more than kmod_ functions: $others"
"$NM" -D --undefined-only "$SO" | grep -q ' pmod_' || fail "libkmod.so.2 does not call libpmod"

echo "check-libkmod: $(printf '%s\n' "$defined" | grep -c '^kmod_') kmod_ functions, $failures problems"
[ $failures = 0 ]
