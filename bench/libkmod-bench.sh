#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions (valgrind callgrind, Ir) that a libkmod client spends
# through kmod's libkmod.so.2 and through pmod's (libkmod/ over libpmod),
# the same client source (bench/libkmod-bench-client.c) compiled against
# each:
#  (a) kmod_new + kmod_module_new_from_lookup + kmod_module_get_dependencies
#      (names and paths) over aliases of 28 buses, kernel-requested aliases
#      and the deepest dependency chains of a Debian kernel (target: pmod at
#      most 0.5 of kmod);
#  (b) a udev-style kmod_module_probe_insert_module of modules with many
#      dependencies under the fake kernel, pmod's signature verification
#      included (target: pmod no more than kmod plus that verification).
#
# Usage: bench/libkmod-bench.sh BUILD_DIR [OPTIONS]
#   BUILD_DIR   a meson build of pmod (libkmod/libkmod.so.2 and
#               testsuite/fake-kernel/libpmod-fake-kernel.so are used)
#   OPTIONS     passed to bench/libkmod-bench.py: --per-bus N, --deepest N,
#               --per-kernel-prefix N, --probe N, -j N, --list,
#               --keep-profiles DIR, --top N, --only lookup|probe, --target R
# Environment:
#   KMOD_MODPROBE   kmod's modprobe, which picks the requests it resolves
#                   (default /usr/sbin/modprobe)
#   PMOD_TEST_ROOT, PMOD_TEST_ABI   the tree; otherwise it comes from
#                   testsuite/fetch-debian-kernel.sh (PMOD_TEST_CACHE)
#   KERNEL_CERT     the kernel's signing certificate; default: the one the
#                   real-kernel suite caches next to the tree
#                   (ROOT/../kernel-certs/kernel-1.der), when it exists
#
# Runs as root: pmod's trust store is /etc/pmod/keys, so each pmod probe
# runs in its own mount namespace (unshare -m) with an overlay on /etc
# whose pmod/keys is empty or holds the certificate; the host's /etc is
# never written.
#
# Exit status: 0 targets met, 1 a target missed, 2 usage, missing tool or
# a run that failed, 3 the two libraries answered differently.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [--per-bus N] [--deepest N] [--probe N] [-j N] ..." >&2
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "libkmod-bench: $1 is not a directory" >&2; exit 2; }
shift
libdir=$build/libkmod
shim=$build/testsuite/fake-kernel/libpmod-fake-kernel.so
make_fake=$top/testsuite/fake-kernel/make-fake-kernel.py
for f in "$libdir/libkmod.so.2" "$shim"; do
	[ -f "$f" ] || { echo "libkmod-bench: $f is missing (build pmod first)" >&2; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "libkmod-bench: run as root (unshare -m for the trust store)" >&2; exit 2; }

kmod_modprobe=${KMOD_MODPROBE:-/usr/sbin/modprobe}
[ -x "$kmod_modprobe" ] || { echo "libkmod-bench: kmod's modprobe not found (set KMOD_MODPROBE)" >&2; exit 2; }
pkg-config --exists libkmod || { echo "libkmod-bench: kmod's libkmod-dev (pkg-config libkmod) is missing" >&2; exit 2; }

if ! command -v valgrind >/dev/null; then
	echo "libkmod-bench: installing valgrind" >&2
	apt-get install -y valgrind >&2 || true
fi
for t in valgrind callgrind_annotate unshare cc; do
	command -v "$t" >/dev/null || { echo "libkmod-bench: $t not found" >&2; exit 2; }
done

if [ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ]; then
	abi=$PMOD_TEST_ABI root=$PMOD_TEST_ROOT
else
	out=$("$top/testsuite/fetch-debian-kernel.sh") || { echo "libkmod-bench: fetch-debian-kernel.sh failed" >&2; exit 2; }
	abi=$(sed -n 1p <<<"$out")
	root=$(sed -n 2p <<<"$out")
fi
if [ -z "$abi" ] || ! [ -f "$root/lib/modules/$abi/modules.dep" ]; then
	echo "libkmod-bench: no usable tree: '$root/lib/modules/$abi/modules.dep' is missing" >&2
	exit 2
fi
root=$(cd "$root" && pwd)

cert=${KERNEL_CERT:-$(dirname "$root")/kernel-certs/kernel-1.der}
certopt=()
if [ -f "$cert" ]; then
	certopt=(--cert "$cert")
else
	echo "libkmod-bench: no kernel certificate ($cert): the valid-signature runs are left out" >&2
fi

# The one client, compiled twice (optimised as a distribution would): kmod's
# header and library from pkg-config; pmod's header and its build's
# libkmod.so.2, found through the run path.
bin=$(mktemp -d /tmp/libkmod-bench-bin.XXXXXX)
trap 'rm -rf "$bin"' EXIT
# shellcheck disable=SC2046 # pkg-config's words are separate arguments
cc -O2 -o "$bin/client-kmod" "$here/libkmod-bench-client.c" $(pkg-config --cflags --libs libkmod)
cc -O2 -I "$top/libkmod" -o "$bin/client-pmod" "$here/libkmod-bench-client.c" \
	-L "$libdir" -Wl,-rpath,"$libdir" -l:libkmod.so.2
# (ldd's output is taken whole first: grep -q stopping early would make
# ldd die of SIGPIPE and pipefail report a failure.)
ldd_kmod=$(ldd "$bin/client-kmod") ldd_pmod=$(ldd "$bin/client-pmod")
grep -q "libkmod.so.2 => /.*lib/.*-linux-gnu/libkmod.so.2" <<<"$ldd_kmod" ||
	{ echo "libkmod-bench: the kmod client does not run on the system's libkmod" >&2; exit 2; }
grep -q "libkmod.so.2 => $libdir/libkmod.so.2" <<<"$ldd_pmod" ||
	{ echo "libkmod-bench: the pmod client does not run on $libdir/libkmod.so.2" >&2; exit 2; }

# shellcheck disable=SC1091 # the machine's own description
echo "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), valgrind $(valgrind --version | sed 's/valgrind-//')"
echo "kmod: libkmod $(pkg-config --modversion libkmod) ($(readlink -f "$(sed -n 's/.*libkmod.so.2 => \([^ ]*\).*/\1/p' <<<"$ldd_kmod")")); pmod: $libdir/libkmod.so.2 ($(git -C "$top" log -1 --format='%h %s' 2>/dev/null || echo 'no git'))"
[ -f "$cert" ] && echo "certificate: $cert ($(openssl x509 -inform der -in "$cert" -noout -subject 2>/dev/null || echo '?'))"
/usr/bin/python3 "$here/libkmod-bench.py" "$bin/client-kmod" "$bin/client-pmod" "$shim" \
	"$make_fake" "$kmod_modprobe" "$abi" "$root" "${certopt[@]}" "$@"
