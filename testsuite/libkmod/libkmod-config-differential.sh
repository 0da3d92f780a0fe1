#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmod's libkmod.so.2 answers what kmod's does for the configuration
# iterators, kmod_module_new_from_name_lookup, softdeps, the filters and
# the resource calls: client-config.c, built against each library, runs
# the same commands over a copy of the Debian tree's indexes with a
# generated modprobe.d that uses every directive; the outputs (index dumps
# included) must be identical byte for byte. Validation is driven by
# setting modification times, creating and deleting files, so each answer
# (OK, MUST_RELOAD, MUST_RECREATE) is reached. The weakdep calls, which
# kmod's library here lacks, are checked against the configuration.
# usage: libkmod-config-differential.sh CLIENT_KMOD CLIENT_PMOD PMOD_LIBKMOD_DIR
set -u
CLIENT_KMOD=$1 CLIENT_PMOD=$2 PMOD_LIBDIR=$3
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
SRC=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
[ -f "$SRC/modules.dep.bin" ] || { echo "no modules.dep.bin in $SRC: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

write_config() {
	mkdir -p "$WORK/modprobe.d"
	cat > "$WORK/modprobe.d/test.conf" <<'CONF'
alias pmod-alias dummy
alias pmodwild* loop
options loop max_loop=8
options	dummy	numdummies=2	x=1
install pmodx* /bin/echo wild
install dm-crypt /bin/true; /sbin/modprobe --ignore-install dm-crypt
remove loop /bin/echo rm-loop
blacklist floppy
blacklist pcspkr
softdep loop pre: dummy nbd post: pmod-alias snd-hda-intel
softdep pmodsoft* post: loop
softdep ext4 pre: crc32c
weakdep loop nbd pmod-alias
weakdep pmodweak* dummy
CONF
	cat > "$WORK/modprobe.d/zz-second.conf" <<'CONF'
blacklist snd-pcsp
softdep loop pre: floppy
options pmod-alias via_alias=1
CONF
	printf 'blacklist single_file\noptions single x=1\n' > "$WORK/single.conf"
}

# A fresh copy of the tree's indexes, every time set to one old moment so
# that a change made during the run always moves it.
fresh_tree() {
	rm -rf "$WORK/tree" "$WORK/modprobe.d" "$WORK/single.conf"
	mkdir -p "$WORK/tree"
	cp "$SRC"/modules.* "$WORK/tree/"
	write_config
	touch -d @1500000000 "$WORK/tree"/* "$WORK/tree" "$WORK/modprobe.d"/* \
		"$WORK/modprobe.d" "$WORK/single.conf"
}

T=$WORK/tree M=$WORK/modprobe.d
C=$WORK/commands
{
	echo config
	awk -F: 'NR % 15 == 1 { n = split($1, p, "/"); print "namelookup " p[n] }' "$SRC/modules.dep" |
		sed 's/\.ko\(\.[a-z]*\)\?$//'
	awk '{ n = split($1, p, "/"); print "namelookup " p[n] }' "$SRC/modules.builtin" |
		sed 's/\.ko$//'
	for n in snd-hda-intel snd_hda_intel.ko.xz pmod-alias crc32c crypto-crc32c no_such \
		 "pci:v00008086d*" "symbol:jbd2_journal_start"; do
		echo "namelookup $n"
	done
	for n in loop ext4 jbd2 nfsd cifs pmodsoft1 dummy no_such; do echo "softdeps $n"; done
	for r in floppy pcspkr snd-pcsp pmod-alias pmodwild9 loop ext4 crc32c crypto-crc32c \
		 "pci:v00008086d00000A0Csv*sd*bc04sc03i00*" fs-vfat "symbol:snd_pcm_new"; do
		echo "filter $r"
	done
	awk '{ n = split($1, p, "/"); print "filter " p[n] }' "$SRC/modules.builtin" |
		sed 's/\.ko$//' | head -40
	for i in 0 1 2 3 4 5; do echo "dump $i"; done
	cat <<CMDS
validate
mtime $M/test.conf 1600000000
validate
load
validate
load
dump 0
dump 1
dump 4
mtime $T/modules.alias.bin 1600000001
validate
unload
validate
load
validate
mtime $T/modules.builtin.bin 1600000002
validate
new
validate
load
create $M/new.conf
validate
new
validate
delete $T/modules.builtin.alias.bin
unload
load
validate
dump 3
delete $T/modules.symbols.bin
unload
load
validate
dump 2
create $T/modules.symbols.bin
load
dump 2
delete $M/new.conf
validate
CMDS
} > "$C"
echo "$(wc -l < "$C") commands"

run() {	# which config tag commands
	local client=$CLIENT_KMOD
	[ "$1" = pmod ] && client=$CLIENT_PMOD
	fresh_tree
	env -u LD_LIBRARY_PATH "$client" "$T" "$2" "$4" > "$WORK/$1-$3.out" 2> "$WORK/$1-$3.err"
	local rc=$?
	echo "$1, configuration $3: exit $rc, $(wc -l < "$WORK/$1-$3.out") lines"
	[ $rc = 0 ] || { fail "$1 client exited $rc"; head -5 "$WORK/$1-$3.err"; }
}
compare() {	# tag
	if cmp -s "$WORK/kmod-$1.out" "$WORK/pmod-$1.out"; then
		echo "configuration $1: identical"
	else
		fail "configuration $1: pmod's libkmod answers differently (- kmod, + pmod):"
		diff -u "$WORK/kmod-$1.out" "$WORK/pmod-$1.out" | sed -n '3,60p'
	fi
}

printf 'config\nvalidate\nmtime %s 1600000000\nvalidate\nnew\nvalidate\n' \
	"$WORK/single.conf" > "$WORK/single-commands"
printf 'config\nvalidate\nload\nvalidate\n' > "$WORK/none-commands"
for which in kmod pmod; do
	run $which "$M" directory "$C"
	run $which "$WORK/single.conf" file "$WORK/single-commands"
	run $which - none "$WORK/none-commands"
done
for tag in directory file none; do compare $tag; done

lib_pmod=$(sed -n 's/^library: //p' "$WORK/pmod-directory.err")
lib_kmod=$(sed -n 's/^library: //p' "$WORK/kmod-directory.err")
case "$(readlink -f "$lib_pmod")" in
"$(readlink -f "$PMOD_LIBDIR")"/*) ;;
*) fail "the pmod client loaded '$lib_pmod', not pmod's libkmod" ;;
esac
case "$(readlink -f "$lib_kmod")" in
"$(readlink -f "$PMOD_LIBDIR")"/*|"") fail "the kmod client loaded '$lib_kmod'" ;;
esac

# The outputs say something: each answer of validation was reached, the
# iterators, softdeps, filters and dumps gave what the configuration and
# the tree hold (a client that printed nothing would compare equal).
O=$WORK/kmod-directory.out
for want in "validate 0" "validate 1" "validate 2" "load 0" "load -2" "load -22" \
	    "dump 2: -38" "dump 5: -2" "softdep loop pre: dummy nbdpost: pmod-alias snd-hda-intel" \
	    "blacklist floppy (null)" "options dummy numdummies=2 x=1" \
	    "alias pmodwild* loop" "install pmodx* /bin/echo wild" "remove loop /bin/echo rm-loop" \
	    "softdep pmodsoft* post: loop" ; do
	grep -qxF -- "$want" "$O" || fail "the outputs lack '$want'"
done
grep -q '^  blacklist 0: loop=' "$O" || fail "no filter kept a module"
grep -q '^  pre: dummy=.* nbd=' "$O" || fail "softdeps were not resolved"
[ "$(grep -c '^alias pci:' "$O")" -gt 1000 ] || fail "the alias index was hardly dumped"
grep -q '^namelookup [a-z0-9_]*: 0 [a-z0-9_]* (null)$' "$O" || fail "no built-in module found by name"
grep -qx 'validate 2' "$WORK/kmod-file.out" || fail "a touched configuration file went unnoticed"

# Weak dependencies (kmod 33): pmod's client alone, against what the
# configuration says.
printf 'weakdeps-config\nweakdeps loop\nweakdeps pmodweak1\nweakdeps dummy\n' > "$WORK/weak-commands"
fresh_tree
env -u LD_LIBRARY_PATH "$CLIENT_PMOD" "$T" "$M" "$WORK/weak-commands" > "$WORK/weak.out" 2>/dev/null ||
	fail "pmod client failed on weakdeps"
cat > "$WORK/weak.want" <<WANT
weakdep: before first key=(null) value=(null)
weakdep loop nbd pmod-alias
weakdep pmodweak* dummy
weakdep: 2 entries, after last key=(null)
weakdep loop nbd pmod-alias
weakdep pmodweak* dummy
weakdep: 2 entries, after last key=(null)
weakdeps loop: 0
  weak: nbd=$T/$(grep -o '^[^:]*/nbd.ko[^:]*' "$SRC/modules.dep") dummy=$T/$(grep -o '^[^:]*/dummy.ko[^:]*' "$SRC/modules.dep")
weakdeps pmodweak1: 0
  weak: dummy=$T/$(grep -o '^[^:]*/dummy.ko[^:]*' "$SRC/modules.dep")
weakdeps dummy: 0
  weak:
WANT
sed -n '1,/^validate(NULL)/p' "$WORK/weak.out" | grep -v '^validate(NULL)' > "$WORK/weak.got"
if cmp -s "$WORK/weak.want" "$WORK/weak.got"; then
	echo "weakdeps: as configured"
else
	fail "weakdeps differ from the configuration (- wanted, + pmod):"
	diff -u "$WORK/weak.want" "$WORK/weak.got" | sed -n '3,30p'
fi
[ $failures = 0 ] || { echo "$failures failures"; exit 1; }
echo "all identical"
