#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions (valgrind callgrind, Ir) that `modprobe --show-depends`
# executes, kmod 30 against pmod, over aliases of many buses, aliases the
# kernel requests by name and the modules with the deepest dependency
# chains of a Debian kernel; start-up included (target: at most 0.18 of
# kmod 30).
#
# Usage: bench/modprobe-bench.sh PMOD_MODPROBE [OPTIONS]
#   PMOD_MODPROBE  pmod's modprobe (e.g. build/tools/modprobe/modprobe)
#   OPTIONS        passed to bench/modprobe-bench.py: --report-only (exit 0
#                  whatever the ratio), --per-bus N, --deepest N,
#                  --per-kernel-prefix N, -j N, --list, --keep-profiles DIR,
#                  --target R
# Environment:
#   KMOD_MODPROBE    the reference (default /usr/sbin/modprobe, kmod 30)
#   PMOD_TEST_ROOT, PMOD_TEST_ABI   the tree; otherwise it comes from
#                    testsuite/fetch-debian-kernel.sh (PMOD_TEST_CACHE)
#
# Exit status: 0 ratio met, 1 ratio above the target, 2 usage or tool
# failure, 3 outputs differ. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

if [ $# -lt 1 ]; then
	echo "usage: $0 PMOD_MODPROBE [--report-only] [--per-bus N] [--deepest N] [-j N] ..." >&2
	exit 2
fi
pmod=$1
shift
if ! [ -x "$pmod" ] || ! [ -f "$pmod" ]; then
	echo "modprobe-bench: $pmod is not an executable file" >&2
	exit 2
fi
case $pmod in /*) ;; *) pmod=$PWD/$pmod ;; esac

kmod=${KMOD_MODPROBE:-/usr/sbin/modprobe}
[ -x "$kmod" ] || { echo "modprobe-bench: kmod's modprobe not found (set KMOD_MODPROBE)" >&2; exit 2; }
version=$("$kmod" --version 2>/dev/null | sed -n 's/^kmod version //p')
[ "$version" = 30 ] || echo "modprobe-bench: warning: the reference is kmod '$version', not kmod 30" >&2

if ! command -v valgrind >/dev/null; then
	echo "modprobe-bench: installing valgrind" >&2
	if [ "$(id -u)" -eq 0 ]; then
		apt-get install -y valgrind >&2
	else
		sudo apt-get install -y valgrind >&2
	fi
fi

if [ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ]; then
	abi=$PMOD_TEST_ABI root=$PMOD_TEST_ROOT
else
	out=$("$top/testsuite/fetch-debian-kernel.sh")
	abi=$(sed -n 1p <<<"$out")
	root=$(sed -n 2p <<<"$out")
fi
if [ -z "$abi" ] || ! [ -d "$root/lib/modules/$abi" ]; then
	echo "modprobe-bench: no usable tree (PMOD_TEST_ROOT/PMOD_TEST_ABI or fetch-debian-kernel.sh)" >&2
	exit 2
fi

# shellcheck disable=SC1091 # the machine's own description
echo "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), valgrind $(valgrind --version | sed 's/valgrind-//')"
echo "kmod: $("$kmod" --version | head -1); pmod: $("$pmod" --version 2>&1 | head -1)"
exec /usr/bin/python3 "$here/modprobe-bench.py" "$kmod" "$pmod" "$abi" "$root" "$@"
