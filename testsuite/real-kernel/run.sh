#!/bin/bash
# pmod on a real kernel: boot Debian's 6.1 kernel under qemu with pmod's
# tools in the initramfs and check, against what the kernel itself reports
# (/proc/modules, /sys/module), that they load, list and unload real modules.
#
# Usage: testsuite/real-kernel/run.sh BUILD_DIR
#   BUILD_DIR  a compiled pmod meson build directory (tools/modprobe/modprobe,
#              tools/insmod/insmod, ... and libpmod/libpmod.so.*)
#   or the word "kmod": the same checks with Debian's kmod 30, to validate
#              the harness (kmod is expected to fail the pmod-specific checks:
#              forced unload, modprobe -r leaving stp and llc).
#
# Root on Debian 12. Installs what is missing (qemu-system-x86,
# busybox-static, cpio, zstd, xz-utils, linux-headers-ABI-amd64, openssl,
# udev), fetches the kernel package; all cached in /var/cache/pmod-test (PMOD_TEST_CACHE).
# With PMOD_SKIP_APT=1 a missing package is an error instead.
# Prints one PASS/FAIL line per check and a summary; exit status 0 only if
# every check passed. Two boots (the main one; one with
# module.sig_enforce=1), each limited by PMOD_RK_TIMEOUT seconds (default
# 120, 240 for kmod; a hang is a failure). A boot's whole guest console (every command
# with its output) is printed when one of its checks failed, or always with
# PMOD_RK_VERBOSE=1, and kept in
# /var/cache/pmod-test/ABI/real-kernel-console-{main,sig-enforce}.log.
set -euo pipefail

[ $# = 1 ] || { echo "usage: $0 BUILD_DIR|kmod" >&2; exit 2; }
tools=$1
if [ "$tools" != kmod ]; then
	[ -d "$tools" ] || { echo "real-kernel: no build directory $tools" >&2; exit 2; }
	tools=$(cd "$tools" && pwd)
fi

RK_WORK=$(mktemp -d /tmp/pmod-real-kernel.XXXXXX)
trap 'rm -rf "$RK_WORK"' EXIT
# shellcheck source=testsuite/real-kernel/lib.sh
. "$(dirname "$0")/lib.sh"

t0=$SECONDS
rk_base_packages
if [ "$tools" = kmod ]; then
	rk_need_packages kmod
	depmod=/sbin/depmod
else
	depmod=$tools/tools/depmod/depmod
fi
rk_fetch_kernel
rk_vmlinux
rk_test_modules
rk_sign_test_modules
rk_kernel_certs
sigmods=(signed:pmodtest_sha256 signed:pmodtest_sha512 signed:pmodtest_skid
	signed:pmodtest_unsigned signed:pmodtest_untrusted signed:pmodtest_tampered)

# Boot A, the main one. The guest's module tree: the 8021q chain, modules
# for the softdep and install checks, a zstd pair (vcan needs can-dev) and
# an xz module, vfat (with fat), msdos, minix and bfs for the demand loads,
# the four test modules, the six signing cases, a weak-hash signature and
# a two-faced gzip module; and for systemd-udevd the drivers of the virtio
# devices below with their dependencies (virtio_balloon with Debian's
# signature cut off), the host's udevd and the certificates built into the
# kernel.
rk_new_stage
rk_stage_tools "$tools"
rk_stage_modules "$depmod" 8021q garp mrp stp llc dummy crc8 crc7 ifb vfat fat msdos minix bfs \
	vcan:zst can-dev:zst nlmon:xz \
	oot:pmodtest_base oot:pmodtest_user oot:pmodtest_fail oot:pmodtest_dev "${sigmods[@]}" \
	signed:pmodtest_sha1 signed:pmodtest_twoface \
	virtio virtio_ring virtio_pci virtio_pci_legacy_dev virtio_pci_modern_dev \
	virtio_net net_failover failover virtio_rng virtio_balloon
rk_strip_signature "$RK_STAGE/lib/modules/$RK_ABI/$(rk_module_path virtio_balloon)"
mkdir -p "$RK_STAGE/pmodtest"
cp "$RK_SIGNED/trusted.der" "$RK_KERNEL_CERTS"/kernel-*.der "$RK_STAGE/pmodtest/"
rk_stage_udevd "$tools"
rk_initramfs "$RK_DIR/guest/checks.sh" "$RK_WORK/initrd-a.cpio" "$RK_DIR/guest/pmodtest.conf"

# Boot B, module.sig_enforce=1: the signing cases, Debian's dummy as it
# ships and crc7 with one byte flipped; the certificates built into the
# kernel for pmod's distribution store.
rk_new_stage
rk_stage_tools "$tools"
rk_stage_modules "$depmod" dummy crc7 "${sigmods[@]}"
rk_flip_byte "$RK_STAGE/lib/modules/$RK_ABI/$(rk_module_path crc7)" "CRC7 calculations"
mkdir -p "$RK_STAGE/pmodtest"
cp "$RK_SIGNED/trusted.der" "$RK_KERNEL_CERTS"/kernel-*.der "$RK_STAGE/pmodtest/"
rk_initramfs "$RK_DIR/guest/sigenforce.sh" "$RK_WORK/initrd-b.cpio"
t_prep=$SECONDS

echo "real-kernel: kernel $RK_ABI, tools: $tools"
# kmod leaves none of pmod's records, and each missing one is waited for.
limit=${PMOD_RK_TIMEOUT:-$([ "$tools" = kmod ] && echo 240 || echo 120)}
total_pass=0 total_fail=0 show=()
# boot LABEL INITRD KERNEL_ARGS [QEMU_ARG...]: boot once, print the guest's
# PASS/FAIL lines and the harness's own failures, add them to the totals.
boot() {
	local label=$1 initrd=$2 args=$3 log=$RK_WORK/console-$1.log rc=0 pass fail p problems=() t
	shift 3
	t=$SECONDS
	rk_boot "$initrd" "$log" "$limit" "$args" "$@" || rc=$?
	tr -d '\r' <"$log" >"$log.txt"
	cp "$log.txt" "$RK_CACHE/$RK_ABI/real-kernel-console-$label.log"
	sed -n 's/^RK-RESULT \(PASS\|FAIL\) /\1 /p' "$log.txt"
	pass=$(grep -c '^RK-RESULT PASS ' "$log.txt" || true)
	fail=$(grep -c '^RK-RESULT FAIL ' "$log.txt" || true)
	[ "$rc" = 0 ] || problems+=("qemu exited with status $rc$([ "$rc" = 124 ] && echo " (timeout after $limit s)")")
	grep -q '^RK-DONE ' "$log.txt" || problems+=("the guest did not finish its checks")
	grep -q '^RK-POWEROFF' "$log.txt" || problems+=("the guest did not reach power-off")
	if grep -qE 'Kernel panic|BUG:|Oops' "$log.txt"; then problems+=("kernel panic or oops on the console"); fi
	[ "$pass" -gt 0 ] || problems+=("no check ran")
	for p in "${problems[@]}"; do echo "FAIL harness ($label boot): $p"; done
	fail=$(( fail + ${#problems[@]} ))
	echo "real-kernel: $label boot: $pass passed, $fail failed ($(( SECONDS - t )) s)"
	total_pass=$(( total_pass + pass )) total_fail=$(( total_fail + fail ))
	if [ "$fail" -gt 0 ] || [ "${PMOD_RK_VERBOSE:-0}" = 1 ]; then show+=("$label"); fi
}
t_boot=$SECONDS
# The main boot's virtio PCI devices, whose drivers are modules of this
# kernel that nothing loads until systemd-udevd does (the network device
# has a user-mode back end cut off from the host: restrict=on).
boot main "$RK_WORK/initrd-a.cpio" "" \
	-netdev user,id=net0,restrict=on -device virtio-net-pci,netdev=net0 \
	-device virtio-rng-pci -device virtio-balloon-pci
boot sig-enforce "$RK_WORK/initrd-b.cpio" "module.sig_enforce=1"
t_end=$SECONDS

for label in "${show[@]}"; do
	echo
	echo "---------- guest console ($label boot) ----------"
	cat "$RK_WORK/console-$label.log.txt"
	echo "---------- end of guest console ($label boot) ----------"
done
echo "real-kernel: $total_pass passed, $total_fail failed" \
	"(total $(( t_end - t0 )) s: preparation $(( t_prep - t0 )) s, two boots and checks $(( t_end - t_boot )) s)"
[ "$total_fail" = 0 ]
