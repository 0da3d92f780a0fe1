#!/bin/bash
# pmod in kmod's place on a real Debian 12 system. Builds pmod's Debian
# packages, makes a Debian 12 system (systemd, udev) with mmdebstrap,
# installs the packages there with apt (kmod and libkmod2 go), installs
# Debian's kernel package (its hooks run pmod's depmod, update-initramfs
# with pmod's tools and pmod's trust-store hook), boots it under qemu with
# SigningPolicy = enforce and one module udev will want stripped of its
# signature, and tells what happened: the boot, what udev loaded through
# pmod and what let each module in, the refused module, a forced unload
# that does not happen, modprobe -r.
#
# Run as root on a fresh Debian 12 machine: bash demo/system-demo.sh
# About 4 minutes the first time on 2 CPUs (the Debian system and the
# kernel package are downloaded and cached in /var/cache/pmod-test), about
# 2 minutes after. The machinery is the system test's
# (testsuite/system/run.sh), which also boots kmod's system and the other
# policies.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

echo "== installing what building and booting need (only what is missing)"
need=()
for p in build-essential debhelper fakeroot meson ninja-build pkg-config libssl-dev \
	 libzstd-dev liblzma-dev zlib1g-dev libjson-c-dev mmdebstrap qemu-system-x86 e2fsprogs zstd cpio git; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
	apt-get update -q > /dev/null
	apt-get install -y -q --no-install-recommends "${need[@]}" > /dev/null
fi

work=$(mktemp -d /tmp/pmod-system-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "== building pmod's Debian packages (dpkg-buildpackage)"
mkdir "$work/src" "$work/debs"
if git rev-parse --git-dir > /dev/null 2>&1; then
	git archive HEAD | tar -x -C "$work/src"
else
	cp -a . "$work/src"
fi
(cd "$work/src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b > "$work/build.log" 2>&1) ||
	{ tail -n 40 "$work/build.log"; echo "building the packages failed" >&2; exit 1; }
find "$work" -maxdepth 1 -name '*.deb' ! -name '*-dbgsym_*' -exec mv {} "$work/debs/" \;
ls "$work/debs" | sed 's/^/  /'

echo "== making the Debian 12 system and booting it (testsuite/system/run.sh --demo)"
exec bash testsuite/system/run.sh --demo "$work/debs"
