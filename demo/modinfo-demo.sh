#!/bin/bash
# pmod without a kernel to load into: build pmod, fetch the newest Debian
# 6.1 amd64 kernel package, index its modules with pmod's depmod, and show
# pmod's modinfo on them: by path, by name, by alias, a built-in module, a
# compressed module, and one field over the whole tree. (demo/kernel-demo.sh
# goes further: it boots that kernel in qemu and loads modules with pmod.)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== installing build dependencies"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends gcc libc6-dev meson ninja-build pkg-config \
	libssl-dev libzstd-dev liblzma-dev zlib1g-dev libjson-c-dev zstd xz-utils ca-certificates >/dev/null

echo "== building pmod"
[ -d build-demo ] || meson setup build-demo -Dtests=false >/dev/null
meson compile -C build-demo >/dev/null
modinfo=$PWD/build-demo/tools/modinfo/modinfo
depmod=$PWD/build-demo/tools/depmod/depmod

echo "== fetching the newest Debian 6.1 amd64 kernel package"
{ read -r abi; read -r cached; } < <(testsuite/fetch-debian-kernel.sh)
# Work on a hard-linked copy: the cached tree is also the tests' reference.
root=$(mktemp -d /tmp/pmod-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/lib/modules"
cp -al "$cached/lib/modules/$abi" "$root/lib/modules/"
rm -f "$root/lib/modules/$abi"/modules.{dep,alias,symbols,softdep,weakdep,devname}* \
	"$root/lib/modules/$abi"/modules.builtin*.bin
moddir=$root/lib/modules/$abi
echo "kernel $abi: $(find "$moddir" -name '*.ko' | wc -l) modules in $moddir"
# Name and alias lookups need the indexes, which the package does not ship.
echo
echo "\$ depmod -b $root $abi"
time "$depmod" -b "$root" "$abi"
ls -l "$moddir"/modules.*

run() { echo; echo "\$ modinfo $*"; "$modinfo" "$@"; }
run "$moddir/kernel/net/8021q/8021q.ko"
run -b "$root" -k "$abi" -F depends e1000e
run -b "$root" -k "$abi" -F filename 'pci:v00008086d000010D3sv*sd*bc*sc*i*'
run -b "$root" -k "$abi" -p e1000e
first_builtin=$(head -n1 "$moddir/modules.builtin")
run -b "$root" -k "$abi" "$(basename "${first_builtin%.ko}")"
tmp=$root/tmp; mkdir "$tmp"
zstd -q "$moddir/kernel/net/8021q/8021q.ko" -o "$tmp/8021q.ko.zst"
run "$tmp/8021q.ko.zst" | grep -v "^	"
echo
echo "\$ modinfo -F license <every module> | sort | uniq -c"
find "$moddir" -name '*.ko' -print0 | xargs -0 "$modinfo" -F license | sort | uniq -c | sort -rn
