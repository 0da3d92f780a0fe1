#!/bin/bash
# A real Debian 12 system, booted under qemu with Debian's kernel, once with
# kmod and once with pmod's packages in its place, and what each boot did.
#
# Usage: testsuite/system/run.sh DEB_DIR     pmod's .deb files (dpkg-buildpackage)
#        testsuite/system/run.sh --kmod-only  the kmod system only (the harness)
#
# Root on Debian 12. Installs what is missing (mmdebstrap, qemu, e2fsprogs),
# caches in $PMOD_TEST_CACHE/system (default /var/cache/pmod-test/system):
# the base root file system (mmdebstrap: systemd, udev, kmod,
# initramfs-tools) as a tarball and Debian's kernel package. Per run, in a
# temporary directory: each system is the base plus, for pmod, its
# packages installed with apt-get (kmod and libkmod2 go); then the kernel
# package is installed with dpkg, which runs its hooks (depmod,
# update-initramfs, and pmod's trust-store hook); the tree becomes an ext4
# disk image; the machine boots Debian's kernel with the initramfs that
# update-initramfs built, from that disk. A unit writes a report to the
# serial console once the boot has finished and powers off.
#
# The boots (each limited by PMOD_SYS_TIMEOUT seconds, default 240):
#   kmod       the reference: what udev, PID 1 and the services load
#   enforce    pmod, SigningPolicy enforce (the kernel's keys imported by
#              the hook): the same modules, no failed unit, the static
#              nodes, rmmod -f and modprobe -r
#   tampered   pmod, enforce, one module udev loads stripped of its
#              signature: refused and recorded, the system still boots
#   allow-list pmod, AutoLoadPolicy allow-list: udev loads only the list
#   disabled   pmod, AutoLoadPolicy disabled: udev loads nothing, while
#              /etc/modules-load.d still loads
# Prints one PASS/FAIL line per check; exit status 0 only if all passed.
# A failing boot's console is printed; PMOD_SYS_VERBOSE=1 prints all. The
# consoles are kept in $PMOD_TEST_CACHE/system/console-CASE.log.
set -euo pipefail

[ $# = 1 ] || { echo "usage: $0 DEB_DIR | --kmod-only" >&2; exit 2; }
SYS_HERE=$(cd "$(dirname "$0")" && pwd)
debs=""
if [ "$1" != --kmod-only ]; then
	debs=$(cd "$1" && pwd)
	ls "$debs"/*.deb > /dev/null 2>&1 || { echo "system: no .deb in $1" >&2; exit 2; }
fi

# PMOD_SYS_WORK=DIR (for working on this script): keep the systems built in
# DIR and reuse them on the next run instead of building them again.
RK_WORK=${PMOD_SYS_WORK:-$(mktemp -d /tmp/pmod-system.XXXXXX)}
mkdir -p "$RK_WORK"
MOUNTS=()
cleanup() {
	local m
	for m in "${MOUNTS[@]}"; do umount -l "$m" 2>/dev/null || true; done
	[ -n "${PMOD_SYS_WORK:-}" ] || rm -rf "$RK_WORK"
}
trap cleanup EXIT
# shellcheck source=testsuite/real-kernel/lib.sh
. "$SYS_HERE/../real-kernel/lib.sh"
rk_log() { echo "system: $*" >&2; }
rk_die() { echo "system: error: $*" >&2; exit 1; }
SYS_CACHE=$RK_CACHE/system
mkdir -p "$SYS_CACHE"
t0=$SECONDS

rk_need_packages mmdebstrap qemu-system-x86 e2fsprogs zstd cpio
rk_fetch_kernel
rk_vmlinux

# ------------------------------------------------------------ the base tree
SYS_BASE=$(bash "$SYS_HERE/../debian-base.sh")
rk_lock
SYS_KDEB=$SYS_CACHE/linux-image-$RK_ABI-unsigned.deb
if [ ! -s "$SYS_KDEB" ]; then
	(cd "$RK_WORK" && apt-get download -q "linux-image-$RK_ABI-unsigned" > /dev/null 2>&1) ||
		{ rk_unlock; rk_die "cannot download linux-image-$RK_ABI-unsigned"; }
	mv "$RK_WORK"/linux-image-"$RK_ABI"-unsigned_*.deb "$SYS_KDEB"
fi
rk_unlock

# in_tree DIR CMD...: CMD in the tree, with /proc, /sys and /dev as maintainer
# scripts expect them.
in_tree() {
	local dir=$1; shift
	chroot "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
		LANG=C.UTF-8 "$@"
}
mount_tree() {
	local dir=$1 m
	for m in proc sys dev; do
		mount --bind "/$m" "$dir/$m"
		MOUNTS=("$dir/$m" "${MOUNTS[@]}")
	done
}
umount_tree() {
	local dir=$1 m
	for m in dev sys proc; do umount -l "$dir/$m"; done
}

# make_system NAME: the tree, its initramfs and its disk image in $RK_WORK.
make_system() {
	local name=$1 dir=$RK_WORK/$1 t=$SECONDS
	if [ -n "${PMOD_SYS_WORK:-}" ] && [ -s "$RK_WORK/$name.img" ]; then
		rk_log "$name system reused from $RK_WORK"
		return 0
	fi
	rm -rf "$dir"
	mkdir "$dir"
	tar -C "$dir" -xf "$SYS_BASE"
	mount_tree "$dir"
	in_tree "$dir" passwd -d root > /dev/null
	echo "pmod-test-$name" > "$dir/etc/hostname"
	echo "/dev/vda / ext4 defaults 0 1" > "$dir/etc/fstab"
	# The root device's drivers are loaded explicitly by the initramfs, so
	# that a policy that stops automatic loads leaves the system bootable
	# (what an administrator who disables them must do too).
	printf '%s\n' virtio_pci virtio_blk ext4 >> "$dir/etc/initramfs-tools/modules"
	# Only those go into the initramfs (Debian's default, most, copies
	# most of the tree and takes minutes to compress under emulation);
	# initramfs-tools still finds them and their dependencies through the
	# installed modprobe, pmod's or kmod's.
	sed -i 's/^MODULES=.*/MODULES=list/' "$dir/etc/initramfs-tools/initramfs.conf"
	install -m 0755 "$SYS_HERE/guest/pmod-report" "$SYS_HERE/guest/pmod-actions" "$dir/usr/local/sbin/"
	install -m 0644 "$SYS_HERE/guest/pmod-report.service" "$dir/etc/systemd/system/"
	in_tree "$dir" systemctl enable pmod-report.service > /dev/null 2>&1
	# The console is the report's: no login prompt in the middle of it.
	in_tree "$dir" systemctl mask serial-getty@ttyS0.service > /dev/null 2>&1
	if [ "$name" != kmod ]; then
		mkdir -p "$dir/tmp/debs"
		cp "$debs"/*.deb "$dir/tmp/debs/"
		# The system's own policy: enforce; the kernel's keys come with
		# the kernel package (the hook), nothing else is trusted.
		mkdir -p "$dir/etc/pmod"
		printf 'SigningPolicy = enforce\n' > "$dir/etc/pmod/policy.conf"
		in_tree "$dir" sh -c 'apt-get install -y -q /tmp/debs/*.deb' > "$RK_WORK/$name-apt.log" 2>&1 ||
			{ cat "$RK_WORK/$name-apt.log" >&2; rk_die "$name: installing pmod's packages failed"; }
		rm -rf "$dir/tmp/debs"
	fi
	local t_pkg=$SECONDS
	cp "$SYS_KDEB" "$dir/tmp/kernel.deb"
	in_tree "$dir" dpkg -i /tmp/kernel.deb > "$RK_WORK/$name-kernel.log" 2>&1 ||
		{ cat "$RK_WORK/$name-kernel.log" >&2; rk_die "$name: installing the kernel package failed"; }
	rm -f "$dir/tmp/kernel.deb"
	umount_tree "$dir"
	local t_img=$SECONDS
	cp "$dir/boot/initrd.img-$RK_ABI" "$RK_WORK/$name.initrd"
	in_tree "$dir" lsinitramfs "/boot/initrd.img-$RK_ABI" > "$RK_WORK/$name.initrd.list"
	mke2fs -q -F -t ext4 -L root -d "$dir" "$RK_WORK/$name.img" 3G 2>/dev/null
	rm -rf "$dir"
	rk_log "$name system made in $((SECONDS - t)) s (kernel package $((t_img - t_pkg)) s, disk image $((SECONDS - t_img)) s)"
}

make_system kmod
[ -z "$debs" ] || make_system pmod
echo "system: preparation $((SECONDS - t0)) s"

# ------------------------------------------------------------ boots
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
failc() { echo "FAIL $*"; failed=$((failed + 1)); case_failed=1; }
check() { local what=$1; shift; if "$@"; then pass "$what"; else failc "$what"; fi; }

# boot SYSTEM CASE: boots a copy of SYSTEM's disk with the case's files
# (CASE_FILES: pairs of host file and path in the image, also added to the
# initramfs when the path is under /etc/pmod) and leaves the report in
# $RK_WORK/CASE.report (the lines between the markers).
CASE_FILES=()
boot() {
	local system=$1 case=$2 img=$RK_WORK/boot-$2.img initrd=$RK_WORK/boot-$2.initrd
	local log=$SYS_CACHE/console-$case.log t=$SECONDS i accel=(-machine accel=tcg -cpu max)
	cp --sparse=always "$RK_WORK/$system.img" "$img"
	cp "$RK_WORK/$system.initrd" "$initrd"
	if [ "${#CASE_FILES[@]}" -gt 0 ]; then
		local extra=$RK_WORK/$case.extra
		mkdir -p "$extra"
		for ((i = 0; i < ${#CASE_FILES[@]}; i += 2)); do
			local src=${CASE_FILES[i]} dst=${CASE_FILES[i + 1]}
			debugfs -w -R "rm $dst" "$img" > /dev/null 2>&1 || true
			debugfs -w -R "write $src $dst" "$img" > /dev/null 2>&1
			debugfs -R "stat $dst" "$img" 2>/dev/null | grep -q "Size: $(stat -c %s "$src")" ||
				rk_die "$case: cannot write $dst into the disk image"
			case "$dst" in /etc/pmod/*)
				mkdir -p "$extra/$(dirname "$dst")"
				cp "$src" "$extra/$dst" ;;
			esac
		done
		# A second cpio archive after the first overrides its files: the
		# initramfs gets the case's policy too.
		if [ -d "$extra/etc" ]; then
			(cd "$extra" && find etc | cpio -o -H newc --quiet) >> "$initrd"
		fi
	fi
	if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		accel=(-machine accel=kvm -cpu host)
	fi
	timeout --kill-after=5 "${PMOD_SYS_TIMEOUT:-240}" qemu-system-x86_64 "${accel[@]}" \
		-smp 1 -m 1536 -nographic -no-reboot -monitor none \
		-kernel "$RK_VMLINUX" -initrd "$initrd" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 loglevel=4 systemd.show_status=0 pmodtest.case=$case" \
		-drive "file=$img,if=virtio,format=raw" \
		-device virtio-rng-pci -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,romfile= \
		< /dev/null > "$log" 2>&1 || true
	rm -f "$img"
	tr -d '\r' < "$log" | sed -n '/==PMOD-REPORT-BEGIN==$/,/^==PMOD-REPORT-END==$/p' > "$RK_WORK/$case.report" || true
	echo "system: $case boot: $((SECONDS - t)) s"
	CASE_FILES=()
}
# field CASE KEY: the value of the report line "KEY: value".
field() { sed -n "s/^$2: \{0,1\}//p" "$RK_WORK/$1.report" | head -n1 | sed 's/ *$//'; }
records() { sed -n 's/^record: //p' "$RK_WORK/$1.report"; }
show_console() {
	if [ "${case_failed:-0}" = 1 ] || [ "${PMOD_SYS_VERBOSE:-0}" = 1 ]; then
		echo "---- console of the $1 boot ($SYS_CACHE/console-$1.log) ----"
		tr -d '\r' < "$SYS_CACHE/console-$1.log" | tail -n 150
		echo "----"
	fi
	case_failed=0
}
# set_minus A B: the words of A not in B.
set_minus() { comm -23 <(tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -u) <(tr ' ' '\n' <<<"$2" | sed '/^$/d' | sort -u) | tr '\n' ' ' | sed 's/ $//'; }

boot kmod kmod
check "kmod: the boot finished and reported" test -s "$RK_WORK/kmod.report"
K=$(field kmod modules)
check "kmod: udev and the services loaded modules ($(wc -w <<<"$K"))" test "$(wc -w <<<"$K")" -gt 20
echo "system: kmod state '$(field kmod state)', failed units '$(field kmod failed)'"
show_console kmod
