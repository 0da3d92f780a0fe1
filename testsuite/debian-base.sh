#!/bin/bash
# Prints the path of a Debian 12 root file system, as a tarball, for the
# tests that install pmod's packages into a system (testsuite/package/)
# and boot one (testsuite/system/): what a small server has that loads
# modules (systemd as PID 1, udev, kmod, initramfs-tools, pciutils) and
# what pmod's packages depend on, so that installing them needs no
# download. Made with mmdebstrap from the machine's apt sources, cached in
# $PMOD_TEST_CACHE/debian-base (default /var/cache/pmod-test), rebuilt when
# the package list changes or after a week (security updates). Root only.
# Usage: debian-base.sh    (messages on stderr, the path on stdout)
set -euo pipefail
include=systemd-sysv,udev,kmod,initramfs-tools,pciutils,iproute2,zstd,libssl3,libzstd1,liblzma5,zlib1g
cache=${PMOD_TEST_CACHE:-/var/cache/pmod-test}/debian-base
key=$(printf "%s\n" "$include" bookworm whole | sha256sum | cut -c1-16)
tarball=$cache/bookworm-$key.tar
mkdir -p "$cache"
exec {lock}>"$cache/.lock"
flock "$lock"
if [ ! -s "$tarball" ] || [ -n "$(find "$tarball" -mtime +7)" ]; then
	command -v mmdebstrap > /dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap >&2
	echo "debian-base: building $tarball (mmdebstrap)" >&2
	rm -f "$cache"/bookworm-*.tar
	start=$SECONDS
	# Kept whole, documentation included: the package test compares
	# what dpkg says kmod installed with what is there.
	mmdebstrap --quiet --variant=apt --include="$include" --format=tar \
		bookworm "$tarball.part" >&2
	mv "$tarball.part" "$tarball"
	echo "debian-base: built in $((SECONDS - start)) s" >&2
fi
echo "$tarball"
