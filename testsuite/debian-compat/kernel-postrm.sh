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
# once when missing), runs with its paths moved into the copy. Once as the
# tree is, once with a module given a weak dependency and a temporary file
# left behind, with pmod's kernel hook (contrib/debian-hooks/) run first.
# usage: kernel-postrm.sh PMOD_DEPMOD HOOK
DEPMOD=$1 HOOK=$2
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

# The package's purge step, its paths moved under a copy (done per copy).
sed -n '/^if \[ "\$1" = purge \]; then$/,/^fi$/p' "$CONTROL/postrm" > "$WORK/purge.sh"
grep -q 'rmdir /lib/modules/\$version' "$WORK/purge.sh" ||
	{ echo "the postrm has no purge step of the expected form:"; cat "$CONTROL/postrm"; exit 99; }

# replay NAME [HOOK]: a copy of the package's files only (the cached tree
# also holds kmod's indexes) at WORK/NAME, depmod, then dpkg's removal and
# purge; HOOK, when given, runs as /etc/kernel/postrm.d would run it.
replay() {
	local name=$1 hook=${2:-} t=$WORK/$1 f
	mkdir -p "$t/lib/modules/$ABI"
	cp -al "$SRC/kernel" "$t/lib/modules/$ABI/"
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[ ! -e "$SRC/$f" ] || cp -l "$SRC/$f" "$t/lib/modules/$ABI/"
	done
	[ -z "${BEFORE_DEPMOD:-}" ] || "$BEFORE_DEPMOD" "$t/lib/modules/$ABI"
	"$DEPMOD" -b "$t" "$ABI" 2> "$WORK/$name.depmod.err"
	check_eq "$name: depmod on the tree" "$?" 0
	check_eq "$name: depmod wrote its indexes" \
		"$([ -s "$t/lib/modules/$ABI/modules.dep.bin" ] && echo yes)" yes
	[ -z "${AFTER_DEPMOD:-}" ] || "$AFTER_DEPMOD" "$t/lib/modules/$ABI"
	# dpkg --remove: the package's files, then its directories left empty.
	sed -n "s|^[0-9a-f]*  \(lib/modules/$ABI/.*\)|$t/\1|p" "$CONTROL/md5sums" |
		xargs -d '\n' rm -f
	find "$t/lib/modules/$ABI" -mindepth 1 -depth -type d -empty -delete
	# dpkg --purge: the postrm, its hooks first.
	if [ -n "$hook" ]; then
		sed "s|/lib/modules/|$t/lib/modules/|g" "$hook" > "$WORK/$name.hook"
		DEB_MAINT_PARAMS=purge sh "$WORK/$name.hook" "$ABI" "/boot/vmlinuz-$ABI"
		check_eq "$name: the hook" "$?" 0
	fi
	sed "s|/lib/modules/|$t/lib/modules/|g" "$WORK/purge.sh" > "$WORK/$name.purge.sh"
	version=$ABI sh -e "$WORK/$name.purge.sh" purge
	check_eq "$name: the postrm's purge step" "$?" 0
	check_eq "$name: after the purge, /lib/modules/$ABI is gone" \
		"$(find "$t/lib/modules" -mindepth 1 2>/dev/null)" ""
}

# The Debian 6.1 tree as it is: no module has a weak dependency, and
# depmod writes nothing the postrm does not remove, with no hook.
replay plain

# A module with a weak dependency, and a temporary file an interrupted
# depmod left: the postrm alone would leave both; the hook of
# contrib/debian-hooks removes them.
weaken() {	# MODULE_DIR: the first module with a softdep gets a weakdep
	local m p
	m=$(awk '$1 == "softdep" { print $2; exit }' "$SRC/modules.softdep")
	p=$(awk -F: -v want="${m//-/_}" '{ n = $1; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n)
		gsub(/-/, "_", n); if (n == want) { print $1; exit } }' "$SRC/modules.dep")
	[ -n "$p" ] && [ "${p%.ko}" != "$p" ] || { echo "no uncompressed module with a softdep"; exit 99; }
	perl -0777 -pe 's/\0softdep=([^\0]*)/my $v = $1; $v =~ s{\b(pre|post):}{" " x (length($1) + 1)}ge; "\0weakdep=$v"/ge' \
		"$1/$p" > "$1/$p.new" && mv "$1/$p.new" "$1/$p"
}
leftovers() {	# MODULE_DIR
	grep -q '^weakdep ' "$1/modules.weakdep" 2>/dev/null
	check_eq "weakdep: depmod wrote modules.weakdep" "$?" 0
	: > "$1/.modules.dep.Ab12Cd"
}
check_eq "the postrm alone does not remove modules.weakdep" "$(grep -c weakdep "$WORK/purge.sh")" 0
BEFORE_DEPMOD=weaken AFTER_DEPMOD=leftovers replay weakdep "$HOOK"
finish
