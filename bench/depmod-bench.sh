#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time kmod 30's depmod against pmod's on the Debian tree (plain, and the
# zstd and xz copies made by testsuite/prepare-trees.sh when present).
# Usage: bench/depmod-bench.sh PMOD_DEPMOD [RUNS]   (see bench/README.md)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pmod=$(realpath "${1:?usage: depmod-bench.sh PMOD_DEPMOD [RUNS]}")
runs=${2:-9}
kmod=${KMOD_DEPMOD:-/usr/sbin/depmod}
"$kmod" --version 2>/dev/null | grep -q '^kmod version' || { echo "depmod-bench: $kmod is not kmod's depmod" >&2; exit 2; }
{ read -r abi; read -r root; } < <("$here/../testsuite/prepare-trees.sh")
exec /usr/bin/python3 "$here/depmod-bench.py" "$kmod" "$pmod" "$abi" "$root" "$runs"
