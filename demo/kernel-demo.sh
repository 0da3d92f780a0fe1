#!/bin/bash
# pmod on a real kernel. Builds pmod, fetches Debian's newest
# 6.1 amd64 kernel package, boots that kernel in qemu with pmod's tools in a
# small initramfs, and shows them at work on real, signed Debian modules:
# modinfo --verify checking their signatures against the trust store,
# modprobe loading 8021q with its dependencies, lsmod, a forced unload of a
# held module refused (with a notice; the module stays), and modprobe -r
# unloading everything it loaded.
#
# Run as root on a fresh Debian 12 machine: bash demo/kernel-demo.sh
# Installs what it needs with apt-get; the kernel package and the extracted
# vmlinux are cached in /var/cache/pmod-test (outside the repository).
# The boot pieces are shared with the real-kernel test suite
# (testsuite/real-kernel/lib.sh, run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

RK_WORK=$(mktemp -d /tmp/pmod-kernel-demo.XXXXXX)
trap 'rm -rf "$RK_WORK"' EXIT
. testsuite/real-kernel/lib.sh

echo "== installing build dependencies and qemu (only what is missing)"
rk_need_packages gcc libc6-dev meson ninja-build pkg-config \
	libssl-dev libzstd-dev liblzma-dev zlib1g-dev libjson-c-dev ca-certificates
rk_base_packages

echo "== building pmod (build-demo)"
[ -d build-demo ] || meson setup build-demo -Dtests=false >/dev/null
meson compile -C build-demo >/dev/null

echo "== fetching the newest Debian 6.1 amd64 kernel package"
rk_fetch_kernel
rk_vmlinux
echo "kernel $RK_ABI, uncompressed for a faster boot: $RK_VMLINUX"

echo "== building the initramfs: busybox, pmod's tools, 8021q and its dependencies, tun"
rk_new_stage
rk_stage_tools "$PWD/build-demo"
# modules.dep for the guest's module tree comes from pmod's own depmod.
rk_stage_modules "$PWD/build-demo/tools/depmod/depmod" 8021q garp mrp stp llc tun
# The distribution's trust store: the certificate this kernel was built
# to trust (Debian's module signing key), taken from the kernel image.
rk_kernel_certs
mkdir -p "$RK_STAGE/usr/lib/pmod/keys"
cp "$RK_KERNEL_CERTS"/kernel-*.der "$RK_STAGE/usr/lib/pmod/keys/"
rk_initramfs "$RK_DIR/guest/demo.sh" "$RK_WORK/initrd.cpio"
echo "$(du -h "$RK_WORK/initrd.cpio" | cut -f1) initramfs"

echo "== booting the kernel in qemu (software emulation: about 10 s)"
rc=0
rk_boot "$RK_WORK/initrd.cpio" "$RK_WORK/console.log" 120 || rc=$?
tr -d '\r' <"$RK_WORK/console.log" >"$RK_WORK/console.txt"
if [ "$rc" != 0 ] || ! grep -q '^RK-DONE' "$RK_WORK/console.txt"; then
	echo "kernel-demo: the VM did not finish (qemu status $rc); its console:" >&2
	cat "$RK_WORK/console.txt" >&2
	exit 1
fi
echo "== transcript from inside the VM"
sed -n '/^RK-BEGIN/,/^RK-DONE/p' "$RK_WORK/console.txt" | sed '1d;$d'
