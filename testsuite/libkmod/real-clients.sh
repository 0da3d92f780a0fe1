#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real programs linked against libkmod.so.2 (Debian 12's systemd, udev,
# pciutils and dracut), run once with kmod's library and once with pmod's
# substituted through LD_LIBRARY_PATH, under the fake kernel
# (testsuite/fake-kernel): the same results with both, and pmod's gates
# where kmod's library has none.
#  - systemd-modules-load FILE: the same kernel calls (names, parameters,
#    flags, order), messages and exit status; it is an explicit caller, so
#    AutoLoadPolicy=disabled does not stop it; under SigningPolicy=enforce
#    an untrusted module never reaches the kernel.
#  - udevadm test-builtin 'kmod load ...': the same with AutoLoadPolicy
#    enabled (names and a modalias); udevadm is a udev executable, so with
#    AutoLoadPolicy=disabled pmod's library refuses every load; the
#    blacklist applies to both.
#  - lspci -k ("Kernel modules:", a modalias lookup per device): the same
#    output for devices described in a made-up sysfs, for this machine's
#    own devices, and the same error without a module tree.
#  - dracut-install -m: the same files installed (dependencies, softdeps,
#    firmware named in modinfo) and the same messages.
# Every run records, through the dynamic loader's own trace (LD_DEBUG),
# which libkmod.so.2 it initialised: a run that silently used the other
# library would prove nothing.
#
# systemd-modules-load, udevadm and lspci take the module directory from
# uname -r, which is not the test tree's version: the script re-runs itself
# in a private mount namespace (unshare -m, so root) and mounts the tree
# there, with empty modprobe.d directories and its own configuration; the
# system's mounts are never touched.
# usage: real-clients.sh SHIM MAKE_FAKE_KERNEL LIBKMOD_DIR LIBPMOD_DIR
set -u
SHIM=$1 MAKE_FAKE=$2 LIBKMOD_DIR=$3 LIBPMOD_DIR=$4
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
MODS=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
MODULES_LOAD=/lib/systemd/systemd-modules-load
DRACUT_INSTALL=/usr/lib/dracut/dracut-install
for tool in "$MODULES_LOAD:systemd" /usr/bin/udevadm:udev /usr/bin/lspci:pciutils \
	    "$DRACUT_INSTALL:dracut-core"; do
	[ -x "${tool%%:*}" ] || { echo "${tool%%:*} missing (package ${tool##*:}): skipped"; exit 77; }
done
for m in net/8021q/8021q fs/fat/vfat drivers/block/loop drivers/net/dummy \
	 drivers/block/floppy drivers/net/ethernet/intel/e100 fs/nls/nls_cp437; do
	[ -f "$MODS/kernel/$m.ko" ] || { echo "no $m.ko in $MODS: skipped"; exit 77; }
done

if [ "${PMOD_REAL_CLIENTS_NAMESPACE:-}" != 1 ]; then
	if [ "$(id -u)" != 0 ] || ! unshare -m --propagation private true 2> /dev/null; then
		echo "cannot make a mount namespace (needs root): skipped"; exit 77
	fi
	[ -d /lib/modules ] && [ -d /etc/modprobe.d ] || {
		echo "no /lib/modules or /etc/modprobe.d to mount over: skipped"; exit 77; }
	exec env PMOD_REAL_CLIENTS_NAMESPACE=1 unshare -m --propagation private -- \
		bash "$0" "$@"
fi

# ---------------------------------------------------------------- namespace
# Only inside this process's own mount namespace. Nothing is mounted under
# the scratch directory, which is deleted at exit.
mount -t tmpfs pmod-test /lib/modules || exit 99
mkdir "/lib/modules/$(uname -r)" && mount --bind "$MODS" "/lib/modules/$(uname -r)" || exit 99
for d in /etc/modprobe.d /run/modprobe.d /lib/modprobe.d /usr/lib/modprobe.d \
	 /usr/local/lib/modprobe.d; do
	[ -d "$d" ] && { mount -t tmpfs pmod-test "$d" || exit 99; }
done
cat > /etc/modprobe.d/test.conf <<'CONF'
options loop max_loop=4
softdep vfat pre: nls_cp437
install dummy /bin/echo installing-dummy $CMDLINE_OPTS
blacklist floppy
blacklist e1000e
CONF

. "$(dirname "$0")/../kernel-cli/lib.sh"
# kmod's library and systemd's own allocations are not ours to report.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0:detect_leaks=0"

SYSTEM_LIBKMOD=$(env -u LD_LIBRARY_PATH ldd /usr/bin/lspci | awk '/libkmod\.so\.2/ { print $3 }')
SYSTEM_LIBKMOD=$(realpath "$SYSTEM_LIBKMOD")
PMOD_LIBKMOD=$(realpath "$LIBKMOD_DIR/libkmod.so.2")

# client WHICH OUT DIR [VAR=VALUE...] -- CMD ARGS...: a real program with
# kmod's library or pmod's, under the fake kernel DIR with an enabled
# privilege token; OUT.lib is the libkmod.so.2 it initialised.
client() {
	local which=$1 out=$2 dir=$3 libpath=
	shift 3
	[ "$which" = pmod ] && libpath=LD_LIBRARY_PATH=$LIBKMOD_DIR:$LIBPMOD_DIR
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	mkdir -p "$out.ld"
	run "$out" "$dir" -u LD_LIBRARY_PATH $libpath LD_DEBUG=libs LD_DEBUG_OUTPUT="$out.ld/trace" \
		PMOD_FAKE_TOKEN=enabled SYSTEMD_LOG_LEVEL=info "${envs[@]}" -- "$@"
	sed -n 's/.*calling init: \(.*libkmod\.so\.2\)$/\1/p' "$out.ld"/trace.* |
		xargs -r realpath > "$out.lib"
	grep -v '^kacs_' "$dir/calls.log" > "$out.calls" 2> /dev/null || true
	local want=$SYSTEM_LIBKMOD
	[ "$which" = pmod ] && want=$PMOD_LIBKMOD
	check_eq "$(basename "$out"): runs with $which's libkmod.so.2" "$(cat "$out.lib")" "$want"
}

# fake DIR [REGISTRY-LINE...]: an empty fake kernel, its registry holding
# the lines given (AutoLoadPolicy enabled unless said otherwise).
fake() {
	local dir=$1
	shift
	fake_new "$dir" < /dev/null > /dev/null
	printf '%s\n' "${@:-AutoLoadPolicy REG_SZ enabled}" > "$WORK/$dir/registry"
}

# both NAME [VAR=VALUE...] -- CMD...: the program with each library, each
# on a fresh fake kernel; then output, status and kernel calls compared.
both() {
	local name=$1
	shift
	for which in kmod pmod; do
		fake "$name-$which"
		client "$which" "$WORK/$name.$which" "$WORK/$name-$which" "$@"
	done
	check_same "$name: output as kmod's" "$WORK/$name.kmod.out" "$WORK/$name.pmod.out"
	check_same "$name: messages as kmod's" "$WORK/$name.kmod.err" "$WORK/$name.pmod.err"
	check_same "$name: exit status as kmod's" "$WORK/$name.kmod.rc" "$WORK/$name.pmod.rc"
	check_same "$name: kernel calls as kmod's" "$WORK/$name.kmod.calls" "$WORK/$name.pmod.calls"
}

# ---------------------------------------------------------------- systemd-modules-load
# Under the sanitizer build the AddressSanitizer runtime is preloaded with
# the fake kernel; systemd-modules-load then dies of SIGSEGV before it
# loads anything, with kmod's library as much as with pmod's, so it is run
# by the plain build only.
if ldd "$SHIM" 2> /dev/null | grep -q libasan; then
	echo "skip: systemd-modules-load under the AddressSanitizer runtime (the plain build runs it)"
else
# A dependency chain, options, a softdep, an install command, the
# blacklist (applied by systemd), a module that does not exist, comments.
cat > "$WORK/modules.conf" <<'CONF'
# modules for the test
8021q
loop
vfat
dummy
; an old-style comment
floppy
no_such_module
CONF
both modules-load -- "$MODULES_LOAD" "$WORK/modules.conf"
for want in "finit_module 8021q flags=0x0" "finit_module loop flags=0x0 params=\"max_loop=4 \"" \
	    "finit_module nls_cp437" "finit_module vfat"; do
	check_contains "modules-load: kmod's kernel calls" "$WORK/modules-load.kmod.calls" "$want"
done
check_absent "modules-load: a blacklisted module is not loaded" "$WORK/modules-load.kmod.calls" floppy
check_contains "modules-load: the install command ran" "$WORK/modules-load.kmod.out" "installing-dummy"
check_contains "modules-load: the blacklist is reported" "$WORK/modules-load.kmod.err" \
	"Module 'floppy' is deny-listed"
check_contains "modules-load: a missing module is reported" "$WORK/modules-load.kmod.err" \
	"Failed to find module 'no_such_module'"

# systemd-modules-load is an explicit caller: AutoLoadPolicy does not apply.
fake modules-load-noauto "AutoLoadPolicy REG_SZ disabled"
client pmod "$WORK/modules-load-noauto" "$WORK/modules-load-noauto" -- "$MODULES_LOAD" "$WORK/modules.conf"
check_same "modules-load under AutoLoadPolicy=disabled: loads as with kmod's" \
	"$WORK/modules-load.kmod.calls" "$WORK/modules-load-noauto.calls"

# SigningPolicy=enforce: the Debian tree's modules are signed by a key the
# (empty) trust store does not hold.
fake modules-load-enforce "SigningPolicy REG_SZ enforce"
client pmod "$WORK/modules-load-enforce" "$WORK/modules-load-enforce" -- "$MODULES_LOAD" "$WORK/modules.conf"
check_absent "enforce: nothing reached the kernel" "$WORK/modules-load-enforce.calls" "init_module"
check_contains "enforce: systemd reports the refusal" "$WORK/modules-load-enforce.err" \
	"Failed to insert module '8021q': Key was rejected by service"
check_contains "enforce: the refusal is recorded" "$WORK/modules-load-enforce/syslog.log" \
	"refuse-load request=8021q"
check_eq "enforce: the run fails" "$(cat "$WORK/modules-load-enforce.rc")" 1
fi

# ---------------------------------------------------------------- udevadm
# Any device will do for test-builtin: the modules are named (loop twice:
# loaded the second time; unix is built in).
DEVICE=/sys/devices/virtual/mem/null
[ -e "$DEVICE" ] || DEVICE=$(find /sys/devices -maxdepth 3 -name uevent -printf '%h\n' -quit)
VIRTIO_NET=pci:v00001AF4d00001041sv00001AF4sd00001100bc02sc00i00
E1000E=pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00
UDEV_LOAD="kmod load 8021q $VIRTIO_NET $E1000E loop loop unix"
# udev reports each load at debug level only.
both udevadm SYSTEMD_LOG_LEVEL=debug -- /usr/bin/udevadm test-builtin "$UDEV_LOAD" "$DEVICE"
for want in "finit_module 8021q" "finit_module virtio_pci flags" "finit_module loop flags=0x0 params=\"max_loop=4 \""; do
	check_contains "udevadm: kmod's kernel calls" "$WORK/udevadm.kmod.calls" "$want"
done
check_absent "udevadm: the blacklist applies (kmod)" "$WORK/udevadm.kmod.calls" e1000e
check_absent "udevadm: the blacklist applies (pmod)" "$WORK/udevadm.pmod.calls" e1000e
check_contains "udevadm: and says so" "$WORK/udevadm.pmod.err" "Module 'e1000e' is deny-listed"
check_contains "udevadm: a loaded module is seen" "$WORK/udevadm.pmod.err" "Module 'loop' is already loaded"
check_contains "udevadm: a built-in module is seen" "$WORK/udevadm.pmod.err" "Module 'unix' is built in"

# AutoLoadPolicy=disabled: udevadm is udev, its loads are automatic.
for which in kmod pmod; do
	fake "udevadm-noauto-$which" "AutoLoadPolicy REG_SZ disabled"
	client "$which" "$WORK/udevadm-noauto.$which" "$WORK/udevadm-noauto-$which" \
		SYSTEMD_LOG_LEVEL=debug -- \
		/usr/bin/udevadm test-builtin "$UDEV_LOAD" "$DEVICE"
done
check_contains "kmod's library knows no AutoLoadPolicy" "$WORK/udevadm-noauto.kmod.calls" "finit_module 8021q"
check_absent "AutoLoadPolicy=disabled: nothing reached the kernel" \
	"$WORK/udevadm-noauto.pmod.calls" "init_module"
check_contains "  udev reports the refusal" "$WORK/udevadm-noauto.pmod.err" \
	"Failed to insert module '8021q': Operation not permitted"
check_contains "  recorded as a demand load" "$WORK/udevadm-noauto-pmod/syslog.log" \
	"autoload-policy=disabled policy-source=registry demand=yes"

# ---------------------------------------------------------------- lspci -k
# A made-up sysfs (libpci's sysfs.path): devices whose modalias matches one
# module, two (radeon and amdgpu, amdgpu twice), one by class only, a
# blacklisted one (lspci lists it anyway) and none.
SYSFS=$WORK/sysfs
python3 - "$SYSFS" <<'PY'
import os, struct, sys
devices = [  # slot, vendor, device, class, subsystem vendor, subsystem
    ("03.0", 0x1af4, 0x1041, 0x020000, 0x1af4, 0x1100),
    ("07.0", 0xdead, 0xbeef, 0xff0000, 0x0000, 0x0000),
    ("14.0", 0x8086, 0xa12f, 0x0c0330, 0x8086, 0x7270),
    ("19.0", 0x8086, 0x10d3, 0x020000, 0x8086, 0xa01f),
    ("1b.0", 0x8086, 0x2668, 0x040300, 0x0000, 0x0000),
    ("1f.2", 0x8086, 0x2922, 0x010601, 0x8086, 0x0000),
    ("02.0", 0x1002, 0x6798, 0x030000, 0x1002, 0x0b00),
]
for slot, ven, dev, cls, sven, sdev in devices:
    d = os.path.join(sys.argv[1], "devices", "0000:00:" + slot)
    os.makedirs(d)
    config = bytearray(256)
    struct.pack_into("<HH", config, 0, ven, dev)
    config[9:12] = bytes([cls & 0xff, (cls >> 8) & 0xff, cls >> 16])
    struct.pack_into("<HH", config, 0x2c, sven, sdev)
    open(os.path.join(d, "config"), "wb").write(config)
    for name, value in (("vendor", ven), ("device", dev),
                        ("subsystem_vendor", sven), ("subsystem_device", sdev)):
        open(os.path.join(d, name), "w").write("0x%04x\n" % value)
    open(os.path.join(d, "class"), "w").write("0x%06x\n" % cls)
    open(os.path.join(d, "modalias"), "w").write(
        "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n"
        % (ven, dev, sven, sdev, cls >> 16, (cls >> 8) & 0xff, cls & 0xff))
PY
both lspci -- /usr/bin/lspci -k -A linux-sysfs -O sysfs.path="$SYSFS"
for want in "Kernel modules: virtio_pci" "Kernel modules: radeon, amdgpu" \
	    "Kernel modules: e1000e" "Kernel modules: ahci" "Kernel modules: xhci_pci"; do
	check_contains "lspci: kmod's output" "$WORK/lspci.kmod.out" "$want"
done
check_no_calls "lspci loads nothing" "$WORK/lspci-pmod"

# This machine's own devices, whatever they are.
both lspci-host -- /usr/bin/lspci -k
grep -q "Kernel modules:" "$WORK/lspci-host.kmod.out" ||
	echo "note: lspci -k shows no 'Kernel modules' line for this machine's devices"

# No module tree for the running kernel: kmod_load_resources fails, and
# lspci says so with the error number it got.
umount "/lib/modules/$(uname -r)" || exit 99
both lspci-notree -- /usr/bin/lspci -k -A linux-sysfs -O sysfs.path="$SYSFS"
check_contains "lspci without a tree: kmod's message" "$WORK/lspci-notree.kmod.err" \
	"Unable to load libkmod resources"
mount --bind "$MODS" "/lib/modules/$(uname -r)" || exit 99

# ---------------------------------------------------------------- dracut-install
# Modules with dependencies (8021q: four; vfat: fat, and the softdep
# nls_cp437 from the configuration), firmware named in modinfo (e100), a
# subtree (=fs/nls): the same files installed.
mkdir -p "$WORK/firmware/e100"
for fw in d101m_ucode.bin d102e_ucode.bin; do echo "$fw" > "$WORK/firmware/e100/$fw"; done
for which in kmod pmod; do
	fake "dracut-$which"
	mkdir -p "$WORK/dest-$which"
	client "$which" "$WORK/dracut.$which" "$WORK/dracut-$which" -- "$DRACUT_INSTALL" \
		-D "$WORK/dest-$which" --kerneldir "$MODS" --firmwaredirs "$WORK/firmware" \
		-m 8021q vfat e100 =fs/nls
	(cd "$WORK/dest-$which" && find . | sort) > "$WORK/dracut.$which.files"
	check_no_calls "dracut-install loads nothing ($which)" "$WORK/dracut-$which"
done
check_same "dracut-install: the files installed" "$WORK/dracut.kmod.files" "$WORK/dracut.pmod.files"
check_same "dracut-install: messages" "$WORK/dracut.kmod.err" "$WORK/dracut.pmod.err"
check_same "dracut-install: exit status" "$WORK/dracut.kmod.rc" "$WORK/dracut.pmod.rc"
for want in 8021q/8021q.ko 802/garp.ko 802/mrp.ko 802/stp.ko llc/llc.ko fat/vfat.ko \
	    fat/fat.ko nls/nls_cp437.ko nls/nls_utf8.ko intel/e100.ko net/mii.ko \
	    e100/d101m_ucode.bin e100/d102e_ucode.bin; do
	check_contains "dracut-install with kmod's installed $want" "$WORK/dracut.kmod.files" "$want"
done
# A module that does not exist: the same failure.
for which in kmod pmod; do
	fake "dracut-missing-$which"
	mkdir -p "$WORK/missing-$which"
	client "$which" "$WORK/dracut-missing.$which" "$WORK/dracut-missing-$which" -- \
		"$DRACUT_INSTALL" -D "$WORK/missing-$which" --kerneldir "$MODS" -m no_such_module
done
check_same "dracut-install, missing module: messages" \
	"$WORK/dracut-missing.kmod.err" "$WORK/dracut-missing.pmod.err"
check_same "dracut-install, missing module: exit status" \
	"$WORK/dracut-missing.kmod.rc" "$WORK/dracut-missing.pmod.rc"
finish
