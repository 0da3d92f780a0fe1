#!/bin/bash
# The Debian packages replace kmod and libkmod2 on a Debian 12 system.
#
# Builds the packages from a clean copy of the committed tree
# (dpkg-buildpackage -us -uc -b), runs lintian on them (an error fails),
# then, in a Debian 12 chroot made by mmdebstrap with systemd, udev, kmod,
# pciutils and initramfs-tools (testsuite/debian-base.sh), installs them with `apt-get install ./*.deb`
# and checks that:
#   - kmod and libkmod2 are gone; systemd, udev, libsystemd-shared and
#     pciutils stay, and apt-get check is clean;
#   - every file of kmod and libkmod2 that something uses is there again,
#     now pmod's (the tools at kmod's paths, libkmod.so.2, which udevadm
#     resolves to pmod's library, the modprobe.d defaults);
#   - the tools work on the Debian kernel tree: depmod, modprobe
#     --show-depends, modinfo;
#   - update-initramfs builds an initramfs holding pmod's tools, libpmod,
#     the libraries libpmod opens lazily, pmod's policy and trust store,
#     the modprobe.d defaults and a module listed for it with its
#     dependencies;
#   - going back to kmod and purging the pmod packages leaves none of
#     their files behind.
#
# Needs root, the machine's apt sources and the Debian kernel tree of
# testsuite/prepare-trees.sh. Caches kmod's own packages in
# /var/cache/pmod-test/package (outside the repository).
#
# Usage: build-and-install.sh [REPOSITORY]   (default: this checkout)
# PMOD_TEST_DEBS=DIR installs the packages found in DIR instead of building;
# PMOD_DEB_OUT=DIR leaves the packages built in DIR.
set -euo pipefail

repo=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
abi=${PMOD_TEST_ABI:-6.1.0-57-amd64}
tree=${PMOD_TEST_ROOT:-/var/cache/pmod-test/$abi/root}
cache=/var/cache/pmod-test/package
packages="pmod libpmod0 libpmod-dev libkmod2-pmod libkmod-pmod-dev"

start=$SECONDS
step_start=$SECONDS
step() {
	echo "[$((SECONDS - step_start)) s] done"
	step_start=$SECONDS
	echo "== $*"
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap, chroot)"
[ -d "$tree/lib/modules/$abi" ] || fail "no kernel tree at $tree/lib/modules/$abi (run testsuite/prepare-trees.sh)"
need=
for tool in dpkg-buildpackage dh meson lintian mmdebstrap; do
	command -v "$tool" >/dev/null || need=yes
done
if [ -n "$need" ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		build-essential debhelper fakeroot meson ninja-build pkg-config \
		libssl-dev libzstd-dev liblzma-dev zlib1g-dev libjson-c-dev lintian mmdebstrap >/dev/null
fi

work=$(mktemp -d /var/tmp/pmod-package.XXXXXX)
root=$work/root
cleanup() {
	for m in dev/pts dev proc sys; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
	rm -rf "$work"
}
trap cleanup EXIT

in_root() { chroot "$root" env LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

# --- Build ------------------------------------------------------------
if [ -n "${PMOD_TEST_DEBS:-}" ]; then
	# Packages built earlier (by this script or by hand): only the
	# installation is checked.
	echo "== using the packages in $PMOD_TEST_DEBS (no build, no lintian)"
	cp "$PMOD_TEST_DEBS"/*.deb "$work/"
else
	echo "== building the packages from a clean copy of $(git -C "$repo" rev-parse --short HEAD)"
	mkdir -p "$work/src"
	git -C "$repo" archive HEAD | tar -x -C "$work/src"
	(cd "$work/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1) ||
		{ tail -40 "$work/build.log"; fail "dpkg-buildpackage failed"; }
	step "lintian"
	lintian --fail-on error \
		"$work"/pmod_*.changes >"$work/lintian.log" 2>&1 || { cat "$work/lintian.log"; fail "lintian reports errors"; }
	grep -E '^[EW]:' "$work/lintian.log" || echo "lintian: no error, no warning"
fi

# PMOD_DEB_OUT=DIR: the packages are also left in DIR (the system test
# boots them).
if [ -n "${PMOD_DEB_OUT:-}" ]; then
	mkdir -p "$PMOD_DEB_OUT"
	cp "$work"/*.deb "$PMOD_DEB_OUT/"
fi
debs=()
for p in $packages; do
	debs+=("$(ls "$work"/"${p}"_*.deb)")
done

# --- The Debian 12 system --------------------------------------------
step "Debian 12 chroot (systemd, udev, kmod, initramfs-tools)"
mkdir -p "$cache"
tarball=$(bash "$repo/testsuite/debian-base.sh")
# kmod's own packages, to go back to them before the purge (no download
# once cached).
if ! ls "$cache"/kmod_*.deb "$cache"/libkmod2_*.deb >/dev/null 2>&1; then
	(cd "$cache" && apt-get download kmod libkmod2 >/dev/null)
fi
mkdir "$root"
tar -x -C "$root" -f "$tarball"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t sysfs sysfs "$root/sys"

kmod_version=$(in_root dpkg-query -W -f '${Version}' kmod)
# What kmod and libkmod2 installed, before they go.
cat "$root/var/lib/dpkg/info/kmod.list" "$root"/var/lib/dpkg/info/libkmod2:*.list |
	while read -r path; do
		[ -d "$root$path" ] && continue
		echo "$path"
	done | sort -u >"$work/kmod-files"
etc_modules_before=$(cat "$root/etc/modules")

step "apt-get install ./*.deb (kmod $kmod_version installed)"
cp "${debs[@]}" "$root/tmp/"
in_root sh -c 'cd /tmp && apt-get install -y ./*.deb' >"$work/install.log" 2>&1 ||
	{ cat "$work/install.log"; fail "apt-get install of the packages failed"; }

status() { in_root dpkg-query -W -f '${db:Status-Abbrev}' "$1" 2>/dev/null | cut -c1-2; }
for p in kmod libkmod2; do
	s=$(status "$p" || true)
	[ "$s" != ii ] || fail "$p is still installed"
done
for p in systemd udev libsystemd-shared pciutils initramfs-tools $packages; do
	[ "$(status "$p")" = ii ] || fail "$p is not installed (status '$(status "$p")')"
done
in_root apt-get check >/dev/null || fail "apt-get check reports broken dependencies"
echo "kmod and libkmod2 removed; systemd, udev, libsystemd-shared, pciutils, initramfs-tools installed; apt-get check clean"

step "kmod's files"
# The files of kmod's that nothing uses, each with the reason it may go.
not_needed() {
	case $1 in
	/usr/share/doc/*) return 0 ;;                # the packages' own notes
	/usr/share/man/fr/*) return 0 ;;             # a translation of modules(5)
	/usr/share/initramfs-tools/hooks/kmod) return 0 ;; # hooks/pmod does its work
	/etc/init.d/kmod) return 0 ;;                # kept as kmod's removed conffile, not executable; init.d/pmod replaces it
	/usr/lib/x86_64-linux-gnu/libkmod.so.2.*) return 0 ;; # libkmod.so.2 names pmod's file now
	esac
	return 1
}
missing=0
while read -r path; do
	if not_needed "$path"; then
		continue
	fi
	if [ ! -e "$root$path" ] && [ ! -L "$root$path" ]; then
		echo "missing: $path"
		missing=$((missing + 1))
		continue
	fi
	owner=$(in_root dpkg-query -S "$path" 2>/dev/null | cut -d: -f1 | tr -d ' ' || true)
	case " $packages " in
	*" ${owner%%:*} "*) ;;
	*)
		echo "not pmod's: $path (owner: ${owner:-none})"
		missing=$((missing + 1))
		;;
	esac
done <"$work/kmod-files"
[ "$missing" = 0 ] || fail "$missing of kmod's files are not provided by pmod"
echo "$(wc -l <"$work/kmod-files") files of kmod and libkmod2: each is pmod's or unused"
[ "$(cat "$root/etc/modules")" = "$etc_modules_before" ] || fail "/etc/modules changed"

libkmod=$(in_root ldd /bin/udevadm | sed -n 's/^[[:space:]]*libkmod\.so\.2 => \([^ ]*\) .*/\1/p')
[ -n "$libkmod" ] || fail "udevadm does not resolve libkmod.so.2"
owner=$(in_root dpkg-query -S "$(in_root readlink -f "$libkmod")" | cut -d: -f1)
[ "$owner" = libkmod2-pmod ] || fail "udevadm's libkmod.so.2 is $libkmod, of $owner"
grep -q 'libpmod\.so\.0 => ' <<<"$(in_root ldd "$libkmod")" || fail "$libkmod does not use libpmod"
echo "udevadm's libkmod.so.2: $libkmod -> $(in_root readlink -f "$libkmod") (libkmod2-pmod, on libpmod)"
grep -q '^softdep ohci-hcd pre: ehci-hcd' "$root/lib/modprobe.d/aliases.conf" || fail "modprobe.d defaults missing"

step "the tools on the Debian $abi tree"
mkdir -p "$root/lib/modules" "$root/boot"
cp -a "$tree/lib/modules/$abi" "$root/lib/modules/"
cp -a "$tree/boot/." "$root/boot/"
grep -q pmod <<<"$(in_root modprobe --version)" || fail "modprobe --version does not say pmod"
in_root depmod -a "$abi" || fail "depmod failed"
in_root modprobe -S "$abi" --show-depends 8021q >"$work/show-depends"
grep -q '/garp\.ko' "$work/show-depends" && grep -q '/8021q\.ko' "$work/show-depends" ||
	{ cat "$work/show-depends"; fail "modprobe --show-depends 8021q"; }
[ "$(in_root modinfo -k "$abi" -F name 8021q)" = 8021q ] || fail "modinfo -F name 8021q"
grep -q "^vermagic: *$abi " <<<"$(in_root modinfo -k "$abi" 8021q)" || fail "modinfo 8021q: no vermagic"
# The sound defaults reach modprobe's configuration.
grep -q '^options snd_pcsp index=-2' <<<"$(in_root modprobe -c)" || fail "modprobe -c lacks the sound card defaults"
echo "depmod, modprobe --show-depends, modprobe -c, modinfo: ok"

step "update-initramfs -c -k $abi"
mkdir -p "$root/etc/pmod/keys"
printf 'SigningPolicy = warn\n' >"$root/etc/pmod/policy.conf"
# The hook copies the trust store whatever it holds.
printf 'a certificate of the administrator\n' >"$root/etc/pmod/keys/test.pem"
# A module list and no compressor program to wait for: the check is what
# the hooks put in, not the size.
cat >"$root/etc/initramfs-tools/conf.d/pmod-test" <<'CONF'
MODULES=list
COMPRESS=gzip
CONF
echo 8021q >>"$root/etc/initramfs-tools/modules"
in_root update-initramfs -c -k "$abi" >"$work/initramfs.log" 2>&1 ||
	{ cat "$work/initramfs.log"; fail "update-initramfs failed"; }
in_root lsinitramfs "/boot/initrd.img-$abi" >"$work/initramfs-files"
for f in usr/sbin/modprobe usr/sbin/rmmod usr/sbin/insmod usr/sbin/lsmod \
	usr/sbin/modinfo usr/sbin/depmod \
	usr/lib/x86_64-linux-gnu/libpmod.so.0 usr/lib/x86_64-linux-gnu/libkmod.so.2 \
	usr/lib/x86_64-linux-gnu/libcrypto.so.3 usr/lib/x86_64-linux-gnu/libzstd.so.1 \
	usr/lib/x86_64-linux-gnu/liblzma.so.5 usr/lib/x86_64-linux-gnu/libz.so.1 \
	etc/pmod/policy.conf etc/pmod/keys/test.pem usr/lib/modprobe.d/aliases.conf \
	"usr/lib/modules/$abi/kernel/net/8021q/8021q.ko" \
	"usr/lib/modules/$abi/kernel/net/802/garp.ko"; do
	grep -qx "$f" "$work/initramfs-files" || fail "initramfs lacks $f"
done
# The initramfs's modprobe is pmod's (kmod's is a link to kmod).
size_in_image=$(in_root lsinitramfs -l "/boot/initrd.img-$abi" | awk '$NF == "usr/sbin/modprobe" { print $5 }')
[ "$size_in_image" = "$(stat -L -c %s "$root/sbin/modprobe")" ] || fail "the initramfs's modprobe is not pmod's"
echo "initramfs: pmod's tools, libpmod, libkmod.so.2, libcrypto, libzstd, liblzma, libz, policy, keys, modprobe.d, 8021q with dependencies"

step "back to kmod, then purge the pmod packages"
for p in $packages; do
	in_root dpkg-query -L "$p"
done | sort -u >"$work/pmod-paths"
cp "$cache"/kmod_*.deb "$cache"/libkmod2_*.deb "$root/tmp/"
in_root sh -c 'cd /tmp && apt-get install -y ./kmod_*.deb ./libkmod2_*.deb' >"$work/back.log" 2>&1 ||
	{ cat "$work/back.log"; fail "going back to kmod failed"; }
# dpkg, not apt: a package without conffiles is forgotten once removed,
# and apt then no longer knows it.
# shellcheck disable=SC2086
in_root dpkg --purge $packages >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "purge failed"; }
for p in $packages; do
	s=$(status "$p" || true)
	[ -z "$s" ] || [ "$s" = un ] || [ "$s" = pn ] || fail "$p left in state '$s' after purge"
done
left=0
while read -r path; do
	[ -d "$root$path" ] && continue
	[ -e "$root$path" ] || [ -L "$root$path" ] || continue
	if ! in_root dpkg-query -S "$path" >/dev/null 2>&1; then
		echo "left behind: $path"
		left=$((left + 1))
	fi
done <"$work/pmod-paths"
[ "$left" = 0 ] || fail "$left files of the pmod packages left after the purge"
in_root apt-get check >/dev/null || fail "apt-get check after going back to kmod"
echo "no file of the pmod packages left; kmod back, apt-get check clean"

step "total"
echo "PASS: packages build, pass lintian, replace kmod and libkmod2, and purge clean ($((SECONDS - start)) s)"
