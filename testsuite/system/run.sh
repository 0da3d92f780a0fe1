#!/bin/bash
# A real Debian 12 system, booted under qemu with Debian's kernel, once with
# kmod and once with pmod's packages in its place, and what each boot did.
#
# Usage: testsuite/system/run.sh DEB_DIR     pmod's .deb files (dpkg-buildpackage)
#        testsuite/system/run.sh --kmod-only  the kmod system only (the harness)
#        testsuite/system/run.sh --demo DEB_DIR  pmod's system only, one boot,
#                                  told for a person (demo/system-demo.sh)
#
# Root on Debian 12. Installs what is missing (mmdebstrap, qemu, e2fsprogs).
# The base root file system comes from testsuite/debian-base.sh (systemd,
# udev, kmod, initramfs-tools; cached); Debian's kernel package is cached
# in $PMOD_TEST_CACHE/system (default /var/cache/pmod-test/system). Per
# run, in a temporary directory: each system is the base plus, for pmod,
# its packages installed with apt-get (kmod and libkmod2 go); then the
# kernel package is installed with dpkg, which runs its hooks (depmod,
# update-initramfs, and pmod's trust-store hook); the initramfs holds the
# root's drivers only (MODULES=list: Debian's default copies most of the
# tree and takes minutes to compress under emulation); the tree becomes an
# ext4 disk image; the machine boots Debian's kernel with that initramfs
# from that disk. A unit writes a report to the serial console once the
# boot has finished and udev has settled, then powers off. A case's
# policy goes into its disk image (debugfs) and its initramfs (an
# appended cpio archive), so both stages obey it.
#
# The boots (as many at once as there are CPUs, each limited by
# PMOD_SYS_TIMEOUT seconds, default 300):
#   kmod       the reference: what udev, PID 1 and the services load
#   enforce    pmod, SigningPolicy enforce (the kernel's keys imported by
#              the hook), virtio_rng stripped of its signature: the same
#              modules but that one, refused and recorded while the system
#              boots on; no failed unit, the static nodes, rmmod -f and
#              modprobe -r
#   allow-list pmod, AutoLoadPolicy allow-list: udev loads only the list
#   disabled   pmod, AutoLoadPolicy disabled: udev loads nothing, while
#              /etc/modules-load.d still loads (dummy, stripped of its
#              signature: under SigningPolicy warn it loads, unsigned)
#   lock       pmod, as enforce plus LockAfterBoot = 1: the same modules as
#              enforce, then pmod-lockdown.service locks module loading;
#              a later modprobe and a demand load (mounting a minix image
#              made here) are refused, recorded in the journal
# Every other boot must end with module loading not locked.
# In pmod's boots `kmod audit --json` is checked against what the boot did
# (audit-checks.sh).
# Prints one PASS/FAIL line per check; exit status 0 only if all passed.
# A failing boot's console is printed; PMOD_SYS_VERBOSE=1 prints all. The
# consoles are kept in $PMOD_TEST_CACHE/system/console-CASE.log.
set -euo pipefail

SYS_HERE=$(cd "$(dirname "$0")" && pwd)
debs="" demo=0
[ "${1:-}" != --demo ] || { demo=1; shift; }
[ $# = 1 ] || { echo "usage: $0 [--demo] DEB_DIR | --kmod-only" >&2; exit 2; }
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

rk_need_packages mmdebstrap qemu-system-x86 e2fsprogs zstd cpio util-linux
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
	install -m 0755 "$SYS_HERE/guest/pmod-report" "$SYS_HERE/guest/pmod-actions" \
		"$SYS_HERE/guest/pmod-lock-actions" "$dir/usr/local/sbin/"
	install -m 0644 "$SYS_HERE/guest/pmod-report.service" "$dir/etc/systemd/system/"
	in_tree "$dir" systemctl enable pmod-report.service > /dev/null 2>&1
	# The console is the report's: no login prompt in the middle of it.
	in_tree "$dir" systemctl mask serial-getty@ttyS0.service > /dev/null 2>&1
	if [ "$name" != kmod ]; then
		mkdir -p "$dir/tmp/debs"
		find "$debs" -maxdepth 1 -name '*.deb' ! -name '*-dbgsym_*' -exec cp {} "$dir/tmp/debs/" \;
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
	# The trust store after the kernel package's hooks ran.
	ls "$dir/usr/lib/pmod/keys" > "$RK_WORK/$name.keys" 2>/dev/null || true
	umount_tree "$dir"
	local t_img=$SECONDS
	cp "$dir/boot/initrd.img-$RK_ABI" "$RK_WORK/$name.initrd"
	in_tree "$dir" lsinitramfs "/boot/initrd.img-$RK_ABI" > "$RK_WORK/$name.initrd.list"
	mke2fs -q -F -t ext4 -L root -d "$dir" "$RK_WORK/$name.img" 3G 2>/dev/null
	# The tree is not needed any more: what is left after the kernel
	# package is purged (its postrm, then the hooks') is.
	mount_tree "$dir"
	in_tree "$dir" dpkg --purge "linux-image-$RK_ABI-unsigned" > "$RK_WORK/$name-purge.log" 2>&1 || true
	umount_tree "$dir"
	{ ls -A "$dir/lib/modules/$RK_ABI" 2>/dev/null | sed 's/^/module-dir: /'
	  ls "$dir/usr/lib/pmod/keys" 2>/dev/null | sed 's/^/key: /'; } > "$RK_WORK/$name.purged" || true
	rm -rf "$dir"
	rk_log "$name system made in $((SECONDS - t)) s (kernel package $((t_img - t_pkg)) s, disk image $((SECONDS - t_img)) s)"
}

[ "$demo" = 1 ] || make_system kmod
[ -z "$debs" ] || make_system pmod
echo "system: preparation $((SECONDS - t0)) s"

# ------------------------------------------------------------ boots
passed=0 failed=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
failc() { echo "FAIL $*"; failed=$((failed + 1)); case_failed=1; }
# A check runs without pipefail: `... | grep -q` would otherwise fail
# whenever grep stops reading before the writer has finished.
check() { local what=$1; shift; if (set +o pipefail; "$@"); then pass "$what"; else failc "$what"; fi; }

# prepare SYSTEM CASE: a copy of SYSTEM's disk and initramfs with the
# case's files (CASE_FILES: pairs of host file and path in the image; a
# path under /etc/pmod goes into the initramfs too), queued to boot.
CASE_FILES=()
QUEUED=()
prepare() {
	local system=$1 case=$2 img=$RK_WORK/boot-$2.img initrd=$RK_WORK/boot-$2.initrd i
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
		# initramfs gets the case's policy too. The kernel does not find
		# an archive that follows a compressed one reliably (it reports
		# "invalid magic" after zstd), so the first is decompressed.
		if [ -d "$extra/etc" ]; then
			case $(head -c 4 "$initrd" | od -An -tx1 | tr -d ' ') in
			28b52ffd) zstd -q -dc "$RK_WORK/$system.initrd" > "$initrd" ;;
			1f8b*) gzip -dc "$RK_WORK/$system.initrd" > "$initrd" ;;
			fd377a58) xz -dc "$RK_WORK/$system.initrd" > "$initrd" ;;
			30373037) ;;
			*) rk_die "$case: the initramfs is in a format this test does not unpack" ;;
			esac
			(cd "$extra" && find etc | cpio -o -H newc --quiet) >> "$initrd"
		fi
	fi
	CASE_FILES=()
	QUEUED+=("$case")
}
# run_case CASE: boots it; the report (the lines between the markers) in
# $RK_WORK/CASE.report.
run_case() {
	local case=$1 img=$RK_WORK/boot-$1.img initrd=$RK_WORK/boot-$1.initrd
	local log=$SYS_CACHE/console-$case.log t=$SECONDS accel=(-machine accel=tcg -cpu max)
	if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		accel=(-machine accel=kvm -cpu host)
	fi
	timeout --kill-after=5 "${PMOD_SYS_TIMEOUT:-300}" qemu-system-x86_64 "${accel[@]}" \
		-smp 1 -m 1536 -nographic -no-reboot -monitor none \
		-kernel "$RK_VMLINUX" -initrd "$initrd" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 loglevel=4 systemd.show_status=0 pmodtest.case=$case" \
		-drive "file=$img,if=virtio,format=raw" \
		-device virtio-rng-pci -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,romfile= \
		< /dev/null > "$log" 2>&1 || true
	rm -f "$img" "$initrd"
	tr -d '\r' < "$log" | sed -n '/==PMOD-REPORT-BEGIN==$/,/^==PMOD-REPORT-END==$/p' > "$RK_WORK/$case.report" || true
	echo "system: $case boot: $((SECONDS - t)) s"
}
# boot_queued: the queued cases, as many at once as there are CPUs (a
# machine under emulation uses one).
boot_queued() {
	local jobs=${PMOD_SYS_JOBS:-$(nproc)} case running=0 t=$SECONDS
	for case in "${QUEUED[@]}"; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n || true
			running=$((running - 1))
		fi
		run_case "$case" &
		running=$((running + 1))
	done
	wait
	echo "system: ${#QUEUED[@]} boots in $((SECONDS - t)) s"
	QUEUED=()
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

# ------------------------------------------------------------ the cases
# The module stripped of its signature for the enforce boot: the driver
# of the virtio-rng device every boot has, which udev loads after the
# switch to the real root (the initramfs holds only the root's drivers).
T=virtio_rng
rel=$(grep -E "/virtio[-_]rng\.ko:" "$RK_MODDIR/modules.dep" | cut -d: -f1)
[ -n "$rel" ] || rk_die "no virtio_rng in $RK_MODDIR/modules.dep"
modprefix=/usr/lib/modules/$RK_ABI
if [ -n "$debs" ]; then
	grep -q "/$rel\$" "$RK_WORK/pmod.initrd.list" && rk_die "$rel is in the initramfs: it cannot stand for a module udev loads later"
	cp "$RK_MODDIR/$rel" "$RK_WORK/stripped.ko"
	rk_strip_signature "$RK_WORK/stripped.ko"
fi
printf 'SigningPolicy = warn\nAutoLoadPolicy = disabled\n' > "$RK_WORK/policy-disabled.conf"
# dummy, which the disabled boot loads from modules-load.d, unsigned.
rel_dummy=$(grep -E "/dummy\.ko:" "$RK_MODDIR/modules.dep" | cut -d: -f1)
[ -n "$rel_dummy" ] || rk_die "no dummy in $RK_MODDIR/modules.dep"
if [ -n "$debs" ]; then
	cp "$RK_MODDIR/$rel_dummy" "$RK_WORK/dummy-stripped.ko"
	rk_strip_signature "$RK_WORK/dummy-stripped.ko"
fi
printf 'dummy\n' > "$RK_WORK/modules-load.conf"
printf 'SigningPolicy = enforce\nAutoLoadPolicy = allow-list\nAutoLoadAllowList = virtio_net, psmouse\n' > "$RK_WORK/policy-allow.conf"
printf 'SigningPolicy = enforce\nLockAfterBoot = 1\n' > "$RK_WORK/policy-lock.conf"
# A file system whose module no boot loads: mounting it is a demand load.
rm -f "$RK_WORK/minix.img"
truncate -s 64K "$RK_WORK/minix.img"
mkfs.minix "$RK_WORK/minix.img" > /dev/null

[ "$demo" = 1 ] || prepare kmod kmod
if [ -n "$debs" ]; then
	# enforce: one module unsigned
	CASE_FILES=("$RK_WORK/stripped.ko" "$modprefix/$rel")
	prepare pmod enforce
	if [ "$demo" = 0 ]; then
		# disabled: /etc/modules-load.d still loads
		CASE_FILES=("$RK_WORK/policy-disabled.conf" /etc/pmod/policy.conf
			    "$RK_WORK/modules-load.conf" /etc/modules-load.d/pmod-test.conf
			    "$RK_WORK/dummy-stripped.ko" "$modprefix/$rel_dummy")
		prepare pmod disabled
		CASE_FILES=("$RK_WORK/policy-allow.conf" /etc/pmod/policy.conf)
		prepare pmod allow-list
		# lock: enforce's settings and files, plus LockAfterBoot = 1
		CASE_FILES=("$RK_WORK/stripped.ko" "$modprefix/$rel"
			    "$RK_WORK/policy-lock.conf" /etc/pmod/policy.conf
			    "$RK_WORK/minix.img" /var/lib/pmod-test-minix.img)
		prepare pmod lock
	fi
fi
boot_queued

if [ "$demo" = 1 ]; then
	. "$SYS_HERE/demo-report.sh"
	exit 0
fi

check "kmod: the boot finished and reported" test -s "$RK_WORK/kmod.report"
K=$(field kmod modules)
check "kmod: udev and the services loaded modules ($(wc -w <<<"$K"))" test "$(wc -w <<<"$K")" -gt 20
check "kmod: udev loaded $T" grep -qw "$T" <<<"$K"
check "kmod: module loading is not locked" test "$(field kmod modules-disabled)" = 0
echo "system: kmod state '$(field kmod state)', failed units '$(field kmod failed)'"
show_console kmod

[ -n "$debs" ] || { echo "system: $passed passed, $failed failed (kmod only, $((SECONDS - t0)) s)"; [ "$failed" = 0 ]; exit; }

# ------------------------------------------------------------ pmod's system
check "pmod: the kernel package's hook put the kernel's key into the trust store ($(tr '\n' ' ' < "$RK_WORK/pmod.keys"))" \
	grep -qx "kernel-$RK_ABI-1.der" "$RK_WORK/pmod.keys"
check "pmod: update-initramfs put pmod's modprobe, libpmod, libkmod.so.2, the policy and the kernel's key into the initramfs" \
	eval 'grep -q "sbin/modprobe$" "$RK_WORK/pmod.initrd.list" && grep -q "libpmod.so.0" "$RK_WORK/pmod.initrd.list" &&
	      grep -q "libkmod.so.2" "$RK_WORK/pmod.initrd.list" && grep -q "etc/pmod/policy.conf$" "$RK_WORK/pmod.initrd.list" &&
	      grep -q "usr/lib/pmod/keys/kernel-$RK_ABI-1.der$" "$RK_WORK/pmod.initrd.list"'
check "pmod: after the kernel package's purge nothing of pmod's is left in /lib/modules/$RK_ABI or the trust store ($(tr '\n' ' ' < "$RK_WORK/pmod.purged"))" \
	test ! -s "$RK_WORK/pmod.purged"

E=$(field enforce modules)
check "enforce: the boot reached a running system" test "$(field enforce state)" = running
check "enforce: LockAfterBoot unset, module loading is not locked" test "$(field enforce modules-disabled)" = 0
check "enforce: no failed unit, kmod-static-nodes.service included (failed: '$(field enforce failed)')" \
	test -z "$(field enforce failed)"
check "enforce: kmod-static-nodes.service succeeded" test "$(field enforce static-nodes-unit)" = "success active"
check "enforce: every node of modules.devname exists ($(field enforce static-nodes-count))" \
	eval '[ -z "$(field enforce static-nodes-missing)" ] && [ "$(field enforce static-nodes-count)" -gt 0 ]'
check "enforce: modprobe is pmod's ($(field enforce modprobe))" grep -q pmod <<<"$(field enforce modprobe)"
check "enforce: systemd-udevd runs on pmod's libkmod.so.2 ($(field enforce libkmod))" \
	grep -q 'libkmod\.so\.2\.5\.0' <<<"$(field enforce libkmod)"
check "enforce: the same modules as kmod's boot but the unsigned $T (kmod only: '$(set_minus "$K" "$E")', pmod only: '$(set_minus "$E" "$K")')" \
	eval '[ "$(set_minus "$K" "$E")" = "$T" ] && [ -z "$(set_minus "$E" "$K")" ]'
check "enforce: $T refused before the kernel, recorded (signature unsigned, SigningPolicy enforce)" \
	eval 'records enforce | grep "^refuse-load " | grep " module=$T " | grep -q "signature=unsigned.*rule=\"SigningPolicy enforce: signature unsigned\""'
n_valid=$(records enforce | grep '^load ' | grep -c 'signature=valid' || true)
check "enforce: udev's loads recorded with a valid signature by the kernel's key ($n_valid records)" \
	eval '[ "$n_valid" -gt 10 ] && records enforce | grep "^load " | grep "demand=yes" | grep -q "signer=\"Build time autogenerated kernel key\""'
check "enforce: no load without a valid signature" \
	eval '! records enforce | grep "^load " | grep -v "signature=valid" | grep -q .'
act=$(sed -n 's/^action: //p' "$RK_WORK/enforce.report")
check "enforce: rmmod -f of a module in use: refused, still loaded" \
	eval 'grep -q "^rmmod-f [a-z0-9_]*: still loaded" <<<"$act" && grep -q "^rmmod-f [a-z0-9_]*: exit 1" <<<"$act"'
check "enforce: modprobe -r 8021q removes its dependencies too" \
	eval 'grep -q "^modprobe 8021q: exit 0: 8021q garp llc mrp stp" <<<"$act" && grep -qx "modprobe -r 8021q: exit 0: left: " <<<"$act"'
show_console enforce

# --- AutoLoadPolicy = disabled, /etc/modules-load.d still loads
D=$(field disabled modules)
check "disabled: the boot finished and reported" test "$(field disabled case)" = disabled
check "disabled: /etc/modules-load.d still loads (dummy)" grep -qw dummy <<<"$D"
check "disabled: module loading is not locked" test "$(field disabled modules-disabled)" = 0
udev_only=$(set_minus "$K" "$D")
check "disabled: what udev loaded in kmod's boot is not loaded ($(wc -w <<<"$udev_only") modules: $udev_only)" \
	eval 'grep -qw virtio_net <<<"$udev_only" && [ -z "$(set_minus "$D" "$K dummy")" ]'
check "disabled: no demand or automatic load went ahead" \
	eval '! records disabled | grep "^load " | grep -q "demand=yes"'
n_ref=$(records disabled | grep '^refuse-load ' | grep 'demand=yes' | grep -c 'AutoLoadPolicy' || true)
check "disabled: udev's refusals recorded ($n_ref records, naming the policy)" \
	eval '[ "$n_ref" -gt 5 ] && records disabled | grep "^refuse-load " | grep -q "parent=systemd-udevd"'
show_console disabled

# --- AutoLoadPolicy = allow-list
A=$(field allow-list modules)
allowed_extra=$(set_minus "$A" "$D")
check "allow-list: the boot finished and reported" test "$(field allow-list case)" = allow-list
check "allow-list: module loading is not locked" test "$(field allow-list modules-disabled)" = 0
check "allow-list: udev loaded the listed modules and their dependencies only (beyond the disabled boot: $allowed_extra)" \
	eval 'grep -qw virtio_net <<<"$allowed_extra" && grep -qw psmouse <<<"$allowed_extra" && [ -z "$(set_minus "$allowed_extra" "virtio_net net_failover failover psmouse")" ]'
check "allow-list: every automatic load that went ahead names its allow-list entry" \
	eval '! records allow-list | grep "^load " | grep "demand=yes" | grep -v "AutoLoadAllowList entry" | grep -q .'
check "allow-list: the rest refused and recorded" \
	eval 'records allow-list | grep "^refuse-load " | grep "demand=yes" | grep -q "allow-list"'
show_console allow-list

# --- kmod audit in the enforce and disabled boots
. "$SYS_HERE/audit-checks.sh"

# --- LockAfterBoot = 1
L=$(field lock modules)
lact=$(sed -n 's/^action: //p' "$RK_WORK/lock.report")
lrec=$(sed -n 's/^journal: //p' <<<"$lact")
SETTING="by LockAfterBoot = 1 in /etc/pmod/policy.conf"
check "lock: the boot reached a running system, no failed unit (state '$(field lock state)', failed: '$(field lock failed)')" \
	eval '[ "$(field lock state)" = running ] && [ -z "$(field lock failed)" ]'
check "lock: the same modules as the enforce boot up to the lock (enforce only: '$(set_minus "$E" "$L")', lock only: '$(set_minus "$L" "$E")')" \
	eval '[ -z "$(set_minus "$E" "$L")" ] && [ -z "$(set_minus "$L" "$E")" ]'
check "lock: modules_disabled reads 1 ($(field lock modules-disabled))" test "$(field lock modules-disabled)" = 1
check "lock: pmod-lockdown.service ran and succeeded ($(sed -n 's/^lockdown-unit: //p' <<<"$lact"))" \
	grep -qx "lockdown-unit: success active *" <<<"$lact"
check "lock: the unit said what it did" \
	eval 'grep "^lockdown-unit-said: " <<<"$lact" | grep -q "Locked module loading and unloading until reboot: /proc/sys/kernel/modules_disabled is now 1, since .*, $SETTING"'
check "lock: kmod lockdown --status says since when and by which setting" \
	eval 'grep -q "^status: Module loading and unloading are locked until reboot: since .*, $SETTING\.$" <<<"$lact"'
check "lock: a later modprobe is refused, exit 1, with the lockdown message" \
	eval 'grep "^modprobe 8021q: exit 1: " <<<"$lact" | grep -q "module loading is locked until reboot (since .*, $SETTING; /proc/sys/kernel/modules_disabled is 1)" && grep -qx "8021q loaded: 0" <<<"$lact"'
check "lock: a demand load (mount of a minix image) does not load its module ($(grep "^mount minix" <<<"$lact"))" \
	grep -qx "minix loaded: 0" <<<"$lact"
check "lock: the journal has the lock" \
	eval 'grep "^lockdown " <<<"$lrec" | grep "rule=\"LockAfterBoot = 1 in /etc/pmod/policy.conf\"" | grep -q "result=ok$"'
check "lock: the journal has the modprobe's refusal" \
	eval 'grep "^refuse-load request=8021q " <<<"$lrec" | grep -q "demand=no rule=lockdown"'
check "lock: the journal has the demand load's refusal" \
	eval 'grep "^refuse-load request=fs-minix " <<<"$lrec" | grep -q "demand=yes rule=lockdown"'
check "lock: journalctl selects the lock by its message id and PMOD_RESULT=ok ($(sed -n 's/^journal-lock-records: //p' <<<"$lact"))" \
	grep -qx "journal-lock-records: 1" <<<"$lact"
check "lock: journalctl selects both refusals by the refusal id and PMOD_RULE=lockdown ($(sed -n 's/^journal-lock-refusals: //p' <<<"$lact"))" \
	grep -qx "journal-lock-refusals: 8021q fs-minix *" <<<"$lact"
# PID 1 loads a few modules before journald listens: their records go to
# the kernel log, which journald reads from the start.
check "enforce: the records of PID 1's early loads reach the journal (autofs4)" \
	eval 'records enforce | grep "^load " | grep -q " module=autofs4 "'
show_console lock

echo "system: $passed passed, $failed failed ($((SECONDS - t0)) s)"
[ "$failed" = 0 ]
