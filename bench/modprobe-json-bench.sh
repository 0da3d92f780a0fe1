#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time modprobe's text output against its --json output over a whole
# Debian kernel, with the same binary: `-a -D` of every module, and `-c`.
#
# Usage: bench/modprobe-json-bench.sh PMOD_MODPROBE [RUNS]
#   PMOD_MODPROBE  pmod's modprobe binary (e.g. build/tools/modprobe/modprobe)
#   RUNS           timed runs per output (default 15)
# Environment:
#   PMOD_TEST_CACHE  where testsuite/fetch-debian-kernel.sh keeps the tree
#
# Exit status 1 when --json costs more than 1.5 times the text output.
# See bench/README.md for what is measured.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 PMOD_MODPROBE [RUNS]" >&2
	exit 2
fi
pmod=$1
runs=${2:-15}
case $runs in
''|*[!0-9]*) echo "modprobe-json-bench: RUNS must be a positive number" >&2; exit 2 ;;
esac
[ -x "$pmod" ] && [ -f "$pmod" ] || { echo "modprobe-json-bench: $pmod is not an executable file" >&2; exit 2; }
case $pmod in /*) ;; *) pmod=$PWD/$pmod ;; esac

out=$("$top/testsuite/fetch-debian-kernel.sh")
abi=$(sed -n 1p <<<"$out")
root=$(sed -n 2p <<<"$out")
[ -n "$abi" ] && [ -d "$root/lib/modules/$abi" ] || {
	echo "modprobe-json-bench: fetch-debian-kernel.sh gave no usable tree" >&2; exit 1; }

exec /usr/bin/python3 "$here/modprobe-json-bench.py" "$pmod" "$abi" "$root" "$runs"
