#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Time pmod's `modinfo --verify` over a whole kernel tree whose modules are
# really verified (RSA-4096, sha256; see make-verify-tree.sh), against the
# cost floor measured with the openssl command line: hashing every module
# (`openssl dgst -sha256`, one process over all files) plus one RSA-4096
# verification per module (`openssl speed` rate).
#
# Usage: bench/verify-bench.sh PMOD_MODINFO [RUNS]     (RUNS default 7)
# Environment: PMOD_TEST_CACHE (default /var/cache/pmod-test).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
[ $# -ge 1 ] || { echo "usage: $0 PMOD_MODINFO [RUNS]" >&2; exit 2; }
pmod=$(realpath "$1")
runs=${2:-7}
cache=${PMOD_TEST_CACHE:-/var/cache/pmod-test}

out=$("$top/testsuite/fetch-debian-kernel.sh")
abi=$(sed -n 1p <<<"$out")
root=$(sed -n 2p <<<"$out")
tree=$cache/verify-bench-$abi
"$here/make-verify-tree.sh" "$root" "$abi" "$tree"
mapfile -t files <"$tree/list"
n=${#files[@]}

# Correctness first: every module must come out valid.
"$pmod" --root "$tree/root" --verify "${files[@]}" >"$tree/verdicts"
valid=$(grep -c ': valid signer=' "$tree/verdicts")
[ "$valid" -eq "$n" ] || { echo "verify-bench: only $valid of $n valid; no timings" >&2; exit 1; }

# Warm the page cache for both sides.
cat "${files[@]}" >/dev/null
find "$tree/unsigned" -name '*.ko' -exec cat {} + >/dev/null

ms() { echo $(( ($2 - $1) / 1000000 )); }
times=()
for ((i = 0; i < runs; i++)); do
	t0=$(date +%s%N)
	"$pmod" --root "$tree/root" --verify "${files[@]}" >/dev/null
	t1=$(date +%s%N)
	times+=("$(ms "$t0" "$t1")")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(sed -n "$(( (runs + 1) / 2 ))p" <<<"$sorted")
min=$(head -1 <<<"$sorted")

# The floor: the signed bytes hashed by openssl in one process...
t0=$(date +%s%N)
(cd "$tree/unsigned" && find . -name '*.ko' -print0 | xargs -0 openssl dgst -sha256 >/dev/null)
t1=$(date +%s%N)
hash_ms=$(ms "$t0" "$t1")
# ... plus one RSA-4096 public-key operation per module.
rate=$(openssl speed -seconds 2 -mr rsa4096 2>/dev/null | awk -F: '/^\+F2:/ { print $5 }')
rsa_ms=$(awk -v n="$n" -v r="$rate" 'BEGIN { printf "%d", n / r * 1000 }')
cpus=$(nproc)

echo "tree:        $n modules, $(du -sh --apparent-size "$tree/unsigned" | cut -f1) signed bytes, RSA-4096 sha256 ($abi re-signed)"
echo "machine:     $cpus CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "pmod:        median ${median} ms, min ${min} ms over $runs runs  ($pmod --verify, all valid)"
echo "openssl:     dgst -sha256 over all modules ${hash_ms} ms (1 process) + $n RSA-4096 verifies ${rsa_ms} ms (openssl speed: ${rate%.*}/s)"
echo "floor:       $((hash_ms + rsa_ms)) ms on 1 CPU, $(( (hash_ms + rsa_ms) / cpus )) ms spread over $cpus CPUs"
