#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Instructions (valgrind callgrind, Ir) that one `insmod PATH` executes,
# kmod 30 against pmod, under the fake kernel, for a fixed set of Debian
# modules of every size in the .ko, .ko.zst and .ko.xz trees: what pmod's
# userspace signature check and its sealed memory-file copy cost. A cost
# report, not a test: there is no target.
#
# Usage: bench/load-bench.sh BUILD_DIR [OPTIONS]
#   BUILD_DIR   a meson build of pmod (tools/insmod/insmod and
#               testsuite/fake-kernel/libpmod-fake-kernel.so are used)
#   OPTIONS     passed to bench/load-bench.py: --per-class N, --trees
#               plain,zst,xz, -j N, --list, --keep-profiles DIR, --no-strace,
#               --cert FILE
# Environment:
#   KMOD_INSMOD     the reference (default /usr/sbin/insmod, kmod 30)
#   PMOD_TEST_ROOT, PMOD_TEST_ABI   the tree; otherwise it comes from
#                   testsuite/fetch-debian-kernel.sh (PMOD_TEST_CACHE)
#   KERNEL_CERT     the kernel's signing certificate; default: the one the
#                   real-kernel suite caches next to the tree
#                   (ROOT/../kernel-certs/kernel-1.der), when it exists
#
# Exit status: 0 every load measured, 2 usage, missing tool or tree, or a
# load that failed. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [--per-class N] [--trees plain,zst,xz] [-j N] ..." >&2
	exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "load-bench: $1 is not a directory" >&2; exit 2; }
shift
pmod=$build/tools/insmod/insmod
shim=$build/testsuite/fake-kernel/libpmod-fake-kernel.so
make_fake=$top/testsuite/fake-kernel/make-fake-kernel.py
for f in "$pmod" "$shim"; do
	[ -f "$f" ] || { echo "load-bench: $f is missing (build pmod first)" >&2; exit 2; }
done

kmod=${KMOD_INSMOD:-/usr/sbin/insmod}
[ -x "$kmod" ] || { echo "load-bench: kmod's insmod not found (set KMOD_INSMOD)" >&2; exit 2; }
version=$("$kmod" --version 2>/dev/null | sed -n 's/^kmod version //p')
[ "$version" = 30 ] || echo "load-bench: warning: the reference is kmod '$version', not kmod 30" >&2

if ! command -v valgrind >/dev/null; then
	echo "load-bench: installing valgrind" >&2
	if [ "$(id -u)" -eq 0 ]; then
		apt-get install -y valgrind >&2 || true
	else
		sudo apt-get install -y valgrind >&2 || true
	fi
fi
for t in valgrind callgrind_annotate; do
	command -v "$t" >/dev/null || { echo "load-bench: $t not found and could not be installed" >&2; exit 2; }
done

if [ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ]; then
	abi=$PMOD_TEST_ABI root=$PMOD_TEST_ROOT
else
	out=$("$top/testsuite/fetch-debian-kernel.sh") || { echo "load-bench: fetch-debian-kernel.sh failed" >&2; exit 2; }
	abi=$(sed -n 1p <<<"$out")
	root=$(sed -n 2p <<<"$out")
fi
if [ -z "$abi" ] || ! [ -f "$root/lib/modules/$abi/modules.dep" ]; then
	echo "load-bench: no usable tree (PMOD_TEST_ROOT/PMOD_TEST_ABI or fetch-debian-kernel.sh): '$root/lib/modules/$abi/modules.dep' is missing" >&2
	exit 2
fi
root=$(cd "$root" && pwd)

cert=${KERNEL_CERT:-$(dirname "$root")/kernel-certs/kernel-1.der}
certopt=()
if [ -f "$cert" ]; then
	certopt=(--cert "$cert")
else
	echo "load-bench: no kernel certificate ($cert): the trusted runs are left out" >&2
fi

# shellcheck disable=SC1091 # the machine's own description
echo "machine: $(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r), valgrind $(valgrind --version | sed 's/valgrind-//')"
echo "kmod: $("$kmod" --version | head -1); pmod: $("$pmod" --version 2>&1 | head -1) ($(git -C "$top" log -1 --format='%h %s' 2>/dev/null || echo 'no git'))"
[ -f "$cert" ] && echo "certificate: $cert ($(openssl x509 -inform der -in "$cert" -noout -subject 2>/dev/null || echo '?'))"
exec /usr/bin/python3 "$here/load-bench.py" "$kmod" "$pmod" "$shim" "$make_fake" "$abi" "$root" "${certopt[@]}" "$@"
