#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time kmod's modinfo against pmod's over every module of a Debian kernel.
#
# Usage: bench/modinfo-bench.sh PMOD_MODINFO [RUNS]
#   PMOD_MODINFO  pmod's modinfo binary (e.g. build/tools/modinfo/modinfo)
#   RUNS          timed runs per tool and tree (default 15)
# Environment:
#   KMOD_MODINFO     the reference (default /usr/bin/modinfo, else the
#                    modinfo on PATH or /sbin/modinfo)
#   PMOD_TEST_CACHE  where testsuite/fetch-debian-kernel.sh keeps the tree
#
# The tree comes from testsuite/fetch-debian-kernel.sh. If
# testsuite/prepare-trees.sh has made ROOT-zst, ROOT-xz and ROOT-gz, those
# are timed too. See bench/README.md for what is measured.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 PMOD_MODINFO [RUNS]" >&2
	exit 2
fi
pmod=$1
runs=${2:-15}
case $runs in
''|*[!0-9]*) echo "modinfo-bench: RUNS must be a positive number" >&2; exit 2 ;;
esac
[ -x "$pmod" ] && [ -f "$pmod" ] || { echo "modinfo-bench: $pmod is not an executable file" >&2; exit 2; }
case $pmod in /*) ;; *) pmod=$PWD/$pmod ;; esac

kmod=${KMOD_MODINFO:-}
if [ -z "$kmod" ]; then
	if [ -x /usr/bin/modinfo ]; then
		kmod=/usr/bin/modinfo
	else
		kmod=$(PATH=$PATH:/usr/sbin:/sbin command -v modinfo || true)
	fi
fi
[ -n "$kmod" ] && [ -x "$kmod" ] || { echo "modinfo-bench: kmod's modinfo not found (set KMOD_MODINFO)" >&2; exit 2; }

out=$("$top/testsuite/fetch-debian-kernel.sh")
abi=$(sed -n 1p <<<"$out")
root=$(sed -n 2p <<<"$out")
[ -n "$abi" ] && [ -d "$root/lib/modules/$abi" ] || {
	echo "modinfo-bench: fetch-debian-kernel.sh gave no usable tree" >&2; exit 1; }

exec /usr/bin/python3 "$here/modinfo-bench.py" "$kmod" "$pmod" "$abi" "$root" "$runs"
