#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# After the Debian kernel package is removed and purged, nothing pmod's
# depmod wrote is left in /lib/modules/VERSION and the directory is gone.
# The package's postrm deletes a fixed list of depmod's files and then the
# directory; a file outside that list (an empty modules.weakdep, say) keeps
# the directory there for good. Replayed on a hard-linked copy of the
# Debian tree (PMOD_TEST_ROOT/PMOD_TEST_ABI, exit 77 without): depmod runs,
# dpkg's removal of the package's own files is done from its md5sums, then
# the purge part of the package's real postrm, taken from the package at
# run time (kept next to the tree by fetch-debian-kernel.sh, downloaded
# once when missing), runs with its paths moved into the copy.
# usage: kernel-postrm.sh PMOD_DEPMOD
DEPMOD=$1
. "$(dirname "$0")/../kernel-cli/lib.sh"
[ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ] ||
	{ echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77; }
ABI=$PMOD_TEST_ABI SRC=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
CONTROL=$(dirname "$PMOD_TEST_ROOT")/control

if [ ! -f "$CONTROL/postrm" ] || [ ! -f "$CONTROL/md5sums" ]; then
	mkdir "$WORK/deb"
	(cd "$WORK/deb" && apt-get download -q "linux-image-$ABI-unsigned" >/dev/null 2>&1) &&
		dpkg-deb -e "$WORK"/deb/*.deb "$WORK/control" ||
		{ echo "cannot get linux-image-$ABI-unsigned's postrm: skipped"; exit 77; }
	rm -rf "$WORK/deb"
	cp -r "$WORK/control" "$CONTROL" 2>/dev/null || CONTROL=$WORK/control
fi

# The package's purge step, its paths moved under the copy.
sed -n '/^if \[ "\$1" = purge \]; then$/,/^fi$/p' "$CONTROL/postrm" > "$WORK/purge.sh"
grep -q 'rmdir /lib/modules/\$version' "$WORK/purge.sh" ||
	{ echo "the postrm has no purge step of the expected form:"; cat "$CONTROL/postrm"; exit 99; }
T=$WORK/root
sed -i "s|/lib/modules/|$T/lib/modules/|g" "$WORK/purge.sh"

# The package's files only (the cached tree also holds kmod's indexes).
mkdir -p "$T/lib/modules/$ABI"
cp -al "$SRC/kernel" "$T/lib/modules/$ABI/"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ ! -e "$SRC/$f" ] || cp -l "$SRC/$f" "$T/lib/modules/$ABI/"
done

"$DEPMOD" -b "$T" "$ABI" 2> "$WORK/depmod.err"
check_eq "depmod on the tree" "$?" 0
check_eq "depmod wrote its indexes" "$([ -s "$T/lib/modules/$ABI/modules.dep.bin" ] && echo yes)" yes

# dpkg --remove: the package's files, then its directories that are empty.
sed -n "s|^[0-9a-f]*  \(lib/modules/$ABI/.*\)|$T/\1|p" "$CONTROL/md5sums" | xargs -d '\n' rm -f
find "$T/lib/modules/$ABI" -mindepth 1 -depth -type d -empty -delete
# dpkg --purge: the postrm.
version=$ABI sh -e "$WORK/purge.sh" purge
sh_rc=$?
check_eq "the postrm's purge step" "$sh_rc" 0
left=$(find "$T/lib/modules" -mindepth 1 2>/dev/null)
check_eq "after the purge, /lib/modules/$ABI is gone" "$left" ""
finish
