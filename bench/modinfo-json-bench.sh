#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time modinfo's text output against its --json output over every module of
# a Debian kernel, with the same binary.
#
# Usage: bench/modinfo-json-bench.sh PMOD_MODINFO [RUNS]
#   PMOD_MODINFO  pmod's modinfo binary (e.g. build/tools/modinfo/modinfo)
#   RUNS          timed runs per output (default 15)
# Environment:
#   PMOD_TEST_CACHE  where testsuite/fetch-debian-kernel.sh keeps the tree
#
# Exit status 1 when --json costs more than 1.5 times the text output.
# See bench/README.md for what is measured.
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
''|*[!0-9]*) echo "modinfo-json-bench: RUNS must be a positive number" >&2; exit 2 ;;
esac
[ -x "$pmod" ] && [ -f "$pmod" ] || { echo "modinfo-json-bench: $pmod is not an executable file" >&2; exit 2; }
case $pmod in /*) ;; *) pmod=$PWD/$pmod ;; esac

out=$("$top/testsuite/fetch-debian-kernel.sh")
abi=$(sed -n 1p <<<"$out")
root=$(sed -n 2p <<<"$out")
[ -n "$abi" ] && [ -d "$root/lib/modules/$abi" ] || {
	echo "modinfo-json-bench: fetch-debian-kernel.sh gave no usable tree" >&2; exit 1; }

exec /usr/bin/python3 "$here/modinfo-json-bench.py" "$pmod" "$abi" "$root" "$runs"
