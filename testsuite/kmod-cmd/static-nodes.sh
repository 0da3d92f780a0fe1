#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# kmod static-nodes against Debian's kmod for the modules.devname of the
# Debian trees (PMOD_TEST_ROOT and its -gz/-xz/-zst siblings): every
# format, on stdout and through --output (into directories that do not
# exist yet), byte for byte, with the same exit status; a missing
# modules.devname gives kmod's warning, success and no output file. Then
# hostile files, which kmod would pass on: each bad line is refused with
# the file, the line and the reason, exit 1, and the good lines still
# printed.
#
# kmod reads only /lib/modules/$(uname -r), so it runs in a mount
# namespace where a scratch directory is mounted on /lib/modules (needs
# root; the kmod half is skipped otherwise). pmod's kmod is given the same
# files with --root. Needs PMOD_TEST_ROOT (exit 77 without).
# usage: static-nodes.sh PMOD_KMOD SHIM MAKE_FAKE_KERNEL
PMOD=$1
SHIM=${2:-} MAKE_FAKE=${3:-}
KMOD=/bin/kmod
. "$(dirname "$0")/../kernel-cli/lib.sh"
[ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ] ||
	{ echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77; }
REL=$(uname -r)
KMOD_OK=0
if "$KMOD" --version 2>/dev/null | grep -q '^kmod version' &&
   unshare -m true 2>/dev/null; then
	KMOD_OK=1
else
	echo "no kmod or no mount namespace: comparisons with kmod skipped"
fi

# Scratch root: R/lib/modules/RELEASE/modules.devname, for both programs.
R=$WORK/root
mkdir -p "$R/lib/modules/$REL"

# run_kmod OUT ARGS...: kmod with R/lib/modules mounted on /lib/modules.
run_kmod() {
	local out=$1; shift
	unshare -m sh -c 'mount --bind "$0/lib/modules" /lib/modules && exec "$@"' \
		"$R" "$KMOD" static-nodes "$@" > "$out.out" 2> "$out.err"
	echo $? > "$out.rc"
}
run_pmod() {
	local out=$1; shift
	"$PMOD" static-nodes --root="$R" "$@" > "$out.out" 2> "$out.err"
	echo $? > "$out.rc"
}

# compare NAME ARGS...: stdout, stderr and exit status. pmod names the file
# under its --root, kmod without it: stderr is compared without the root.
compare() {
	local name=$1; shift
	[ $KMOD_OK = 1 ] || return 0
	run_kmod "$WORK/$name.kmod" "$@"
	run_pmod "$WORK/$name.pmod" "$@"
	sed -i "s|$R/|/|g" "$WORK/$name.pmod.err"
	[ -n "${STDERR_ONLY:-}" ] ||
		check_same "$name: stdout" "$WORK/$name.kmod.out" "$WORK/$name.pmod.out"
	check_same "$name: stderr" "$WORK/$name.kmod.err" "$WORK/$name.pmod.err"
	check_same "$name: exit status" "$WORK/$name.kmod.rc" "$WORK/$name.pmod.rc"
}

trees=0
for t in "$PMOD_TEST_ROOT" "$PMOD_TEST_ROOT"-gz "$PMOD_TEST_ROOT"-xz "$PMOD_TEST_ROOT"-zst; do
	f=$t/lib/modules/$PMOD_TEST_ABI/modules.devname
	[ -f "$f" ] || continue
	# Trees that differ only in compression have the same file: one run
	# per distinct file.
	cmp -s "$f" "$R/lib/modules/$REL/modules.devname" && continue
	trees=$((trees + 1))
	cp "$f" "$R/lib/modules/$REL/modules.devname"
	tag=$(basename "$t")
	for fmt in human tmpfiles devname; do
		compare "$tag-$fmt" --format="$fmt"
		# --output into directories that do not exist yet.
		if [ $KMOD_OK = 1 ]; then
			run_kmod "$WORK/$tag-$fmt-o.kmod" -f "$fmt" -o "$WORK/k-$tag-$fmt/a/b/out.conf"
			run_pmod "$WORK/$tag-$fmt-o.pmod" -f "$fmt" -o "$WORK/p-$tag-$fmt/a/b/out.conf"
			check_same "$tag-$fmt --output: file" "$WORK/k-$tag-$fmt/a/b/out.conf" \
				"$WORK/p-$tag-$fmt/a/b/out.conf"
			check_same "$tag-$fmt --output: exit status" "$WORK/$tag-$fmt-o.kmod.rc" \
				"$WORK/$tag-$fmt-o.pmod.rc"
			check_eq "$tag-$fmt --output: directory mode" \
				"$(stat -c %a "$WORK/p-$tag-$fmt/a")" "$(stat -c %a "$WORK/k-$tag-$fmt/a")"
		fi
	done
	# The default format is human; -f and --format are the same option.
	run_pmod "$WORK/$tag-default.pmod"
	run_pmod "$WORK/$tag-human.pmod2" -f human
	check_same "$tag: default format is human" "$WORK/$tag-human.pmod2.out" \
		"$WORK/$tag-default.pmod.out"
done
[ $trees -gt 0 ] || { echo "no modules.devname in the Debian trees: skipped"; exit 77; }
# The tree's nodes really are there (the systemd unit relies on tmpfiles).
run_pmod "$WORK/tmpfiles" -f tmpfiles
check_contains "tmpfiles: a node in a subdirectory" "$WORK/tmpfiles.out" "d /dev/net 0755 - - -"
check_contains "tmpfiles: its node" "$WORK/tmpfiles.out" "c! /dev/net/tun 0600 - - - 10:200"

# No modules.devname: a warning, success, nothing written.
rm "$R/lib/modules/$REL/modules.devname"
compare missing
compare missing-output -f tmpfiles -o "$WORK/missing/x/static-nodes.conf"
run_pmod "$WORK/missing-o" -o "$WORK/missing/x/static-nodes.conf"
check_eq "missing: no output directory created" "$([ -e "$WORK/missing" ] && echo yes)" ""
check_contains "missing: the warning names the file" "$WORK/missing-o.err" \
	"Warning: $R/lib/modules/$REL/modules.devname not found - ignoring"
check_rc "missing" "$WORK/missing-o" 0

# Usage errors as kmod's: exit 1.
printf 'fuse fuse c10:229\n' > "$R/lib/modules/$REL/modules.devname"
# (The help text itself is pmod's own words.)
STDERR_ONLY=1 compare bad-format -f yaml
check_contains "bad format: the help follows" "$WORK/bad-format.pmod.out" "--format=FORMAT"
compare unknown-option --bogus

# An output that cannot be written: exit 1, a message naming it.
run_pmod "$WORK/unwritable" -o "$R/lib/modules/$REL/modules.devname/x"
check_rc "output under a file" "$WORK/unwritable" 1
check_contains "output under a file: named" "$WORK/unwritable.err" "$R/lib/modules/$REL/modules.devname/x"

# Hostile lines: refused one by one, the rest printed, exit 1. kmod
# prints the first two as nodes (/dev/../../etc/shadow and a wrapped
# major); pmod never does.
printf '%s\n' '# comment' 'fuse fuse c10:229' 'evil ../../etc/shadow c1:1' \
	'wrap big c4294967296:1' 'abs /etc/passwd c1:2' 'x y z1:2' 'garbage' \
	'trail tr c1:2x' 'extra ex c1:2 more' $'ctl a\x1bb c1:3' 'dot a/./b c1:4' '' '   ' \
	'tun net/tun c10:200' > "$R/lib/modules/$REL/modules.devname"
run_pmod "$WORK/hostile" -f tmpfiles
check_rc "hostile" "$WORK/hostile" 1
check_same "hostile: only the good lines" "$WORK/hostile.out" <(printf '%s\n' \
	'c! /dev/fuse 0600 - - - 10:229' 'd /dev/net 0755 - - -' 'c! /dev/net/tun 0600 - - - 10:200')
check_eq "hostile: one error per bad line" "$(grep -c '^Error: ' "$WORK/hostile.err")" 9
check_contains "hostile: file and line named" "$WORK/hostile.err" \
	"Error: $R/lib/modules/$REL/modules.devname line 3: the device path has a '.' or '..' component"
check_contains "hostile: control bytes escaped" "$WORK/hostile.err" 'ctl a\x1bb c1:3'
check_absent "hostile: no raw escape byte" "$WORK/hostile.err" $'\x1b'
for fmt in human devname; do
	run_pmod "$WORK/hostile-$fmt" -f "$fmt"
	check_absent "hostile $fmt: nothing of a refused line" "$WORK/hostile-$fmt.out" "shadow"
done
# A modules.devname that is a directory, and one over the size cap.
rm "$R/lib/modules/$REL/modules.devname"
mkdir "$R/lib/modules/$REL/modules.devname"
run_pmod "$WORK/isdir"
check_rc "modules.devname is a directory" "$WORK/isdir" 1
rmdir "$R/lib/modules/$REL/modules.devname"
head -c 2M /dev/zero | tr '\0' '#' > "$R/lib/modules/$REL/modules.devname"
run_pmod "$WORK/huge"
check_rc "modules.devname over the cap" "$WORK/huge" 1
check_contains "over the cap: said" "$WORK/huge.err" "larger than"
finish
