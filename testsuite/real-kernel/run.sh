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
# busybox-static, cpio, zstd, xz-utils, linux-headers-ABI-amd64), fetches the
# kernel package; all cached in /var/cache/pmod-test (PMOD_TEST_CACHE).
# With PMOD_SKIP_APT=1 a missing package is an error instead.
# Prints one PASS/FAIL line per check and a summary; exit status 0 only if
# every check passed. One boot, limited by PMOD_RK_TIMEOUT seconds (default
# 120; a hang is a failure). The whole guest console (every command with its
# output) is printed on failure, or always with PMOD_RK_VERBOSE=1, and kept
# in /var/cache/pmod-test/ABI/real-kernel-console.log.
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
t_prep=$SECONDS

# The guest's module tree: the 8021q chain, modules for the softdep and
# install checks, a zstd pair (vcan needs can-dev) and an xz module, vfat
# (with fat) for the demand load, and the four test modules.
rk_new_stage
rk_stage_tools "$tools"
rk_stage_modules "$depmod" 8021q garp mrp stp llc dummy crc8 crc7 ifb vfat fat \
	vcan:zst can-dev:zst nlmon:xz \
	oot:pmodtest_base oot:pmodtest_user oot:pmodtest_fail oot:pmodtest_dev
rk_initramfs "$RK_DIR/guest/checks.sh" "$RK_WORK/initrd.cpio" "$RK_DIR/guest/pmodtest.conf"

log=$RK_WORK/console.log
boot_rc=0
t_boot=$SECONDS
rk_boot "$RK_WORK/initrd.cpio" "$log" "${PMOD_RK_TIMEOUT:-120}" || boot_rc=$?
t_end=$SECONDS
tr -d '\r' <"$log" >"$log.txt"
cp "$log.txt" "$RK_CACHE/$RK_ABI/real-kernel-console.log"

echo "real-kernel: kernel $RK_ABI, tools: $tools"
sed -n 's/^RK-RESULT \(PASS\|FAIL\) /\1 /p' "$log.txt"
pass=$(grep -c '^RK-RESULT PASS ' "$log.txt" || true)
fail=$(grep -c '^RK-RESULT FAIL ' "$log.txt" || true)
problems=()
[ "$boot_rc" = 0 ] || problems+=("qemu exited with status $boot_rc$([ "$boot_rc" = 124 ] && echo " (timeout after ${PMOD_RK_TIMEOUT:-120} s)")")
grep -q '^RK-DONE ' "$log.txt" || problems+=("the guest did not finish its checks")
grep -q '^RK-POWEROFF' "$log.txt" || problems+=("the guest did not reach power-off")
if grep -qE 'Kernel panic|BUG:|Oops' "$log.txt"; then problems+=("kernel panic or oops on the console"); fi
[ "$pass" -gt 0 ] || problems+=("no check ran")
for p in "${problems[@]}"; do echo "FAIL harness: $p"; done
fail=$(( fail + ${#problems[@]} ))

if [ "$fail" -gt 0 ] || [ "${PMOD_RK_VERBOSE:-0}" = 1 ]; then
	echo
	echo "---------- guest console ----------"
	cat "$log.txt"
	echo "---------- end of guest console ----------"
fi
echo "real-kernel: $pass passed, $fail failed" \
	"(total $(( t_end - t0 )) s: preparation $(( t_prep - t0 )) s, boot and checks $(( t_end - t_boot )) s)"
[ "$fail" = 0 ]
