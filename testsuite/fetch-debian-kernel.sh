#!/bin/bash
# Fetch and unpack the newest Debian 6.1 amd64 kernel image package, for tests
# and demos. The kernel is found at run time, never hard-coded: the newest ABI
# whose linux-headers and linux-kbuild-6.1 share its upstream version (so
# later suites can build out-of-tree modules against it).
#
# Usage: fetch-debian-kernel.sh [CACHE_DIR]
# Prints two lines: the ABI (e.g. 6.1.0-56-amd64) and the root directory that
# holds lib/modules/<ABI>/ (usable as `modinfo -b ROOT -k ABI`).
# Everything is cached under CACHE_DIR (default /var/cache/pmod-test), outside
# the repository; a second run costs nothing.
set -euo pipefail

cache=${1:-${PMOD_TEST_CACHE:-/var/cache/pmod-test}}
mkdir -p "$cache"

have_lists() { [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v -e lock -e partial)" ]; }
have_lists || apt-get update -qq >&2

pick_abi() {
	local abi upstream kbuild
	kbuild=$(apt-cache show linux-kbuild-6.1 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
	for abi in $(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
		     sed -n 's/^linux-image-\(6\.1\.0-[0-9]*\)-amd64-unsigned .*/\1/p' | sort -V -r); do
		upstream=$(apt-cache show "linux-headers-$abi-amd64" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
		if [ -n "$upstream" ] && [ "${upstream%-*}" = "${kbuild%-*}" ]; then
			echo "$abi-amd64"; return 0
		fi
	done
	# No headers match: fall back to the newest image alone.
	apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
		sed -n 's/^linux-image-\(6\.1\.0-[0-9]*-amd64\)-unsigned .*/\1/p' | sort -V | tail -n1
}

abi=$(pick_abi)
[ -n "$abi" ] || { echo "fetch-debian-kernel: no linux-image-6.1.0-*-amd64-unsigned package found" >&2; exit 1; }
root="$cache/$abi/root"
if [ ! -f "$cache/$abi/.unpacked" ]; then
	rm -rf "$cache/$abi"
	mkdir -p "$cache/$abi/deb"
	(cd "$cache/$abi/deb" && apt-get download -q "linux-image-$abi-unsigned" >&2)
	dpkg -x "$cache/$abi"/deb/*.deb "$root"
	# Its maintainer scripts and file list (the postrm test replays the purge).
	dpkg-deb -e "$cache/$abi"/deb/*.deb "$cache/$abi/control"
	# The package ships /lib/modules; keep one layout whatever usr-merge does.
	[ -d "$root/lib/modules/$abi" ] || { mkdir -p "$root/lib"; mv "$root/usr/lib/modules" "$root/lib/modules"; }
	rm -rf "$cache/$abi/deb"
	touch "$cache/$abi/.unpacked"
fi
echo "$abi"
echo "$root"
