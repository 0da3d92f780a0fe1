#!/bin/bash
# Installs this build tree into a scratch directory (meson install
# --destdir) and checks what lands there.
#
# With -Dlibkmod=true: libkmod.h in includedir (the file of libkmod/),
# libkmod.so.2.5.0 with soname libkmod.so.2, the libkmod.so.2 and
# libkmod.so links to it, no build-tree run path, libkmod.pc and the man
# page libpmod-libkmod(3); then a client is compiled with nothing but what
# `pkg-config --cflags --libs libkmod` answers from the scratch directory
# (the system's pkg-config directories excluded), needs kmod's symbol
# versions, and run against the installed libraries maps pmod's
# libkmod.so.2 and libpmod.so.0 from there, not the system's kmod library.
# With the option off (the default): libpmod is installed and nothing
# named libkmod (nor its man page) is, so a plain `meson install` cannot
# shadow the system's kmod library.
#
# usage: libkmod-install.sh MESON BUILD_ROOT LIBKMOD_H CLIENT_C
#                           PREFIX LIBDIR INCLUDEDIR true|false CC...
set -euo pipefail
# meson points the loader at the build tree for tests; nothing here may
# run on the build tree's libraries.
unset LD_LIBRARY_PATH
[ $# -ge 9 ] || { echo "usage: $0 MESON BUILD_ROOT LIBKMOD_H CLIENT_C PREFIX LIBDIR INCLUDEDIR true|false CC..." >&2; exit 2; }
MESON=$1 BUILD=$2 HEADER=$3 CLIENT_C=$4 PREFIX=$5 LIBDIR=$6 INCLUDEDIR=$7 INSTALL_LIBKMOD=$8
shift 8
CC=("$@")

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dest=$scratch/dest
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# meson gives libdir and includedir relative to the prefix unless they
# were set absolute.
case $LIBDIR in /*) libdir=$LIBDIR ;; *) libdir=$PREFIX/$LIBDIR ;; esac
case $INCLUDEDIR in /*) includedir=$INCLUDEDIR ;; *) includedir=$PREFIX/$INCLUDEDIR ;; esac

"$MESON" install -C "$BUILD" --no-rebuild --quiet --destdir "$dest" > "$scratch/install.log" 2>&1 || {
	cat "$scratch/install.log"; echo "FAIL: meson install --destdir"; exit 1; }
[ -e "$dest$libdir/libpmod.so.0" ] || fail "libpmod.so.0 not installed in $libdir"

if [ "$INSTALL_LIBKMOD" != true ]; then
	found=$(cd "$dest" && find . -name 'libkmod*' -o -name 'libpmod-libkmod*')
	[ -z "$found" ] || fail "installed with -Dlibkmod=false: $found"
	[ "$failures" -eq 0 ] || exit 1
	echo "libkmod option off: libpmod installed, nothing named libkmod"
	exit 0
fi

lib=$dest$libdir
# The header a client includes is pmod's own.
if [ -f "$dest$includedir/libkmod.h" ]; then
	cmp -s "$HEADER" "$dest$includedir/libkmod.h" || fail "installed libkmod.h differs from libkmod/libkmod.h"
else
	fail "no $includedir/libkmod.h"
fi

# The library under kmod's soname, with the two links a system has.
[ -f "$lib/libkmod.so.2.5.0" ] && [ ! -L "$lib/libkmod.so.2.5.0" ] || fail "no file $libdir/libkmod.so.2.5.0"
soname=$(readelf -d "$lib/libkmod.so.2.5.0" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p' || true)
[ "$soname" = libkmod.so.2 ] || fail "soname is '$soname', not libkmod.so.2"
for link in libkmod.so.2 libkmod.so; do
	[ -L "$lib/$link" ] && [ "$(readlink -f "$lib/$link")" = "$(readlink -f "$lib/libkmod.so.2.5.0")" ] ||
		fail "$libdir/$link is not a link to libkmod.so.2.5.0"
done
# Installed, it must find libpmod.so.0 through the system's search path,
# never in the build tree it came from.
if readelf -d "$lib/libkmod.so.2.5.0" | grep -E '\((RUNPATH|RPATH)\)' | grep -qF "$BUILD"; then
	fail "installed libkmod.so.2 keeps a run path into the build tree"
fi

[ -n "$(find "$dest" -path '*/man3/libpmod-libkmod.3')" ] || fail "no man3/libpmod-libkmod.3"

pcdir=$lib/pkgconfig
[ -f "$pcdir/libkmod.pc" ] || fail "no $libdir/pkgconfig/libkmod.pc"
[ "$failures" -eq 0 ] || exit 1

# PKG_CONFIG_LIBDIR (not _PATH) so that the system's libkmod.pc, kmod's,
# cannot answer in its place; the sysroot puts the scratch directory in
# front of every path the .pc file gives.
pc() { PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_SYSROOT_DIR=$dest pkg-config "$@"; }
version=$(pc --modversion libkmod) || { echo "FAIL: pkg-config does not find libkmod in $pcdir"; exit 1; }
[ "$version" = 34 ] || fail "libkmod.pc says version '$version', not kmod's 34"
pc --atleast-version=15 libkmod || fail "libkmod.pc does not satisfy 'libkmod >= 15' (systemd's check)"
read -r -a flags <<<"$(pc --cflags --libs libkmod)"
printf '%s\n' "${flags[@]}" | grep -qxF -- "-I$dest$includedir" || fail "cflags do not name the installed includedir: ${flags[*]}"
printf '%s\n' "${flags[@]}" | grep -qxF -- "-L$lib" || fail "libs do not name the installed libdir: ${flags[*]}"

# The header found must be the installed one, which the compiler's
# dependency output shows.
# Installed for real, libkmod.so's own need (libpmod.so.0) is found by the
# linker through ld.so.conf; in the scratch directory it has to be told.
"${CC[@]}" -o "$scratch/client" "$CLIENT_C" "${flags[@]}" -Wl,-rpath-link,"$lib" \
	-MD -MF "$scratch/client.d" || {
	echo "FAIL: the client does not build with pkg-config's flags"; exit 1; }
grep -qF "$dest$includedir/libkmod.h" "$scratch/client.d" ||
	fail "the client was compiled against another libkmod.h: $(tr -s ' \\\n' ' ' < "$scratch/client.d")"
grep -q 'Name: LIBKMOD_5' <<<"$(readelf -V "$scratch/client")" ||
	fail "the client does not require kmod's symbol version LIBKMOD_5"
grep -q '(NEEDED).*\[libkmod\.so\.2\]' <<<"$(readelf -d "$scratch/client")" ||
	fail "the client does not need libkmod.so.2"

mkdir "$scratch/modules"
LD_LIBRARY_PATH=$lib "$scratch/client" "$scratch/modules" > "$scratch/out" 2>&1 || {
	cat "$scratch/out"; echo "FAIL: the installed client does not run"; exit 1; }
cat "$scratch/out"
expect=$(printf 'mapped %s\nmapped %s\n' "$(readlink -f "$lib/libkmod.so.2.5.0")" "$(readlink -f "$lib/libpmod.so.0")")
got=$(grep '^mapped ' "$scratch/out")
[ "$got" = "$expect" ] || fail "the client did not run on the installed libraries alone; expected:
$expect"
grep -qxF "dirname $scratch/modules" "$scratch/out" || fail "kmod_get_dirname does not answer the directory given"

[ "$failures" -eq 0 ] || exit 1
echo "libkmod installed: header, libkmod.so.2 ($soname), links, libkmod.pc (version $version); client built by pkg-config runs on it"
