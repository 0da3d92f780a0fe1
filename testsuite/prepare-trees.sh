#!/bin/bash
# Build the compressed module trees the differential tests use.
#
# Usage: prepare-trees.sh [CACHE_DIR]
# Calls fetch-debian-kernel.sh (same CACHE_DIR), then builds next to its ROOT
# three more roots, each holding a full copy of lib/modules/ABI/ with every
# .ko compressed the way a kernel build would do it:
#   ROOT-zst  x.ko.zst  zstd -q -T0 (default level, content size in the frame)
#   ROOT-xz   x.ko.xz   xz --check=crc32 --lzma2=dict=1MiB
#   ROOT-gz   x.ko.gz   gzip -n -9
# modules.order, modules.builtin and modules.builtin.modinfo are copied.
# depmod is run on ROOT, ROOT-zst and ROOT-xz (Debian's kmod 30 has no zlib
# support and ignores .ko.gz, so ROOT-gz gets no index).
#
# Prints two lines, like fetch-debian-kernel.sh: the ABI and ROOT.
# Each tree is built in a temporary directory, renamed into place and only
# then stamped, so an interrupted run is simply redone. A second run costs
# nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${PMOD_TEST_CACHE:-/var/cache/pmod-test}}
mkdir -p "$cache"
jobs=$(nproc 2>/dev/null || echo 2)

# One run at a time per cache.
exec 9>"$cache/.prepare-trees.lock"
flock 9

log() { echo "prepare-trees: $*" >&2; }

# fetch-debian-kernel.sh asks apt-cache which kernel is the newest, which
# alone takes about a second. Its answer can only change when the apt lists
# change, so remember it and skip the call while the lists are unchanged and
# every tree is complete.
memo="$cache/.prepare-trees.last"
abi='' root=''
if [ -f "$memo" ] && [ -d /var/lib/apt/lists ] &&
   [ -z "$(find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -cnewer "$memo" -print -quit 2>/dev/null)" ]; then
	{ read -r abi; read -r root; } <"$memo" || true
	base=${root%/*}
	if [ -z "$abi" ] || [ -z "$root" ] || [ ! -f "$base/.unpacked" ] ||
	   [ ! -f "$base/.depmod-root" ] || [ ! -f "$base/.tree-zst" ] ||
	   [ ! -f "$base/.tree-xz" ] || [ ! -f "$base/.tree-gz" ]; then
		abi='' root=''
	fi
fi
if [ -z "$abi" ]; then
	out=$("$here/fetch-debian-kernel.sh" "$cache")
	abi=$(sed -n 1p <<<"$out")
	root=$(sed -n 2p <<<"$out")
fi
[ -n "$abi" ] && [ -d "$root/lib/modules/$abi" ] || {
	echo "prepare-trees: fetch-debian-kernel.sh gave no usable tree" >&2; exit 1; }
base=${root%/*}
src="$root/lib/modules/$abi"

DEPMOD=$(command -v depmod || echo /sbin/depmod)

# depmod writes its indexes atomically (temporary file + rename), so running
# it in place on ROOT and stamping afterwards is safe.
if [ ! -f "$base/.depmod-root" ]; then
	log "depmod on $root"
	"$DEPMOD" -b "$root" "$abi"
	touch "$base/.depmod-root"
fi

build_tree() {
	local fmt=$1 dest="$root-$1" tmp="$root-$1.tmp"
	[ -f "$base/.tree-$fmt" ] && [ -d "$dest/lib/modules/$abi" ] && return 0
	log "building $dest"
	local t0=$SECONDS
	rm -rf "$tmp" "$tmp.list" "$dest"
	mkdir -p "$tmp/lib/modules"
	# Hard links: the compressors write a new file and only unlink the
	# link, so the originals in ROOT are never touched. -f makes xz and
	# gzip accept inputs with several links.
	cp -al "$src" "$tmp/lib/modules/$abi"
	# Drop anything that is not a module or one of the three source lists
	# (e.g. depmod's output, which is regenerated below).
	find "$tmp/lib/modules/$abi" -maxdepth 1 -type f ! -name 'modules.order' \
		! -name 'modules.builtin' ! -name 'modules.builtin.modinfo' -delete
	# Give the lists their own inodes, so depmod never writes through a link.
	local f
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		if [ -f "$src/$f" ]; then
			rm -f "$tmp/lib/modules/$abi/$f"
			cp -p "$src/$f" "$tmp/lib/modules/$abi/$f"
		fi
	done
	# Largest files first, so the parallel workers finish together.
	local list="$tmp.list"
	find "$tmp/lib/modules/$abi" -type f -name '*.ko' -printf '%s %p\n' |
		sort -rn | cut -d' ' -f2- | tr '\n' '\0' >"$list"
	case $fmt in
	zst) xargs -0 -P "$jobs" -n 16 zstd -q -T0 --rm -f <"$list" ;;
	xz)  xargs -0 -P "$jobs" -n 16 xz --check=crc32 --lzma2=dict=1MiB -f <"$list" ;;
	gz)  xargs -0 -P "$jobs" -n 16 gzip -n -9 -f <"$list" ;;
	esac
	rm -f "$list"
	if [ -n "$(find "$tmp/lib/modules/$abi" -type f -name '*.ko' -print -quit)" ]; then
		echo "prepare-trees: uncompressed modules left in $tmp" >&2; exit 1
	fi
	if [ "$fmt" != gz ]; then
		"$DEPMOD" -b "$tmp" "$abi"
	fi
	mv "$tmp" "$dest"
	touch "$base/.tree-$fmt"
	log "built $dest in $((SECONDS - t0))s"
}

for fmt in zst xz gz; do
	build_tree "$fmt"
done

printf '%s\n%s\n' "$abi" "$root" >"$memo"
echo "$abi"
echo "$root"
