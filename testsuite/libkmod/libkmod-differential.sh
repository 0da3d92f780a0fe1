#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmod's libkmod.so.2 answers what kmod's does: one client program
# (kmod-client.c), built against each library, asks both the same
# questions over the Debian tree (every module of modules.dep by lookup,
# a sample by name and by file, every 20th alias of modules.alias made
# concrete, every 100th symbol, and names that only a generated modprobe.d
# knows), with that configuration and with none; the outputs must be
# identical byte for byte.
# usage: libkmod-differential.sh CLIENT_KMOD CLIENT_PMOD PMOD_LIBKMOD_DIR
set -u
CLIENT_KMOD=$1 CLIENT_PMOD=$2 PMOD_LIBDIR=$3
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
DIR=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
[ -f "$DIR/modules.dep.bin" ] || { echo "no modules.dep.bin in $DIR: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A configuration that reaches every answer printed: options by name, by
# an index alias and by a configured alias, joined over several lines;
# install and remove commands by exact name and by pattern (an exact
# line after a pattern that also matches: kmod keeps the one a
# command-only name was found through); configured aliases, plain and
# wildcard, that shadow the indexes.
mkdir -p "$WORK/modprobe.d"
cat > "$WORK/modprobe.d/test.conf" <<'CONF'
options loop max_loop=8
options loop max_part=4
options dummy numdummies=2
options fs-ext4 from_alias=1
options pmod-alias via_config_alias=1
alias pmod-alias dummy
alias pmodwild* loop
alias loop-control-again loop
install pmodx* /bin/echo wild
install pmodx_one /bin/echo exact
install snd* /bin/echo sound $CMDLINE_OPTS
remove loop /bin/echo rm-loop
remove pmod_remove_only /bin/true
install dm-crypt /bin/true; /sbin/modprobe --ignore-install dm-crypt
softdep loop pre: dummy post: nbd
blacklist floppy
CONF

R=$WORK/requests
{
	awk -F: '{ n = split($1, p, "/"); print "lookup " p[n] }' "$DIR/modules.dep" |
		sed 's/\.ko\(\.[a-z]*\)\?$//'
	awk -F: 'NR % 10 == 1 { n = split($1, p, "/"); print "name " p[n] }' "$DIR/modules.dep"
	awk -F: 'NR % 25 == 3 { print "path " $1 }' "$DIR/modules.dep"
	awk 'NR % 20 == 0 { a = $2; gsub(/\*/, "", a); gsub(/\?/, "0", a); print "lookup " a }' \
		"$DIR/modules.alias"
	awk 'NR % 20 == 7 { print "lookup " $2 }' "$DIR/modules.alias"
	awk 'NR % 100 == 0 { print "lookup " $2 }' "$DIR/modules.symbols"
	for r in pmod-alias pmodwild123 loop-control-again pmodx_one pmodx_two pmod_remove_only \
		 pmod-remove-only fs-ext4 snd-hda-intel snd_hda_codec dm-crypt floppy \
		 no_such_module symbol:no_such_symbol "symbol:*" ext4 crc32c; do
		echo "lookup $r"
	done
	echo "name snd-hda-intel.ko.xz"
	echo "name pmodx_one"
	echo "path /nonexistent/none.ko"
} > "$R"
echo "$(wc -l < "$R") requests"

cd "$DIR" || exit 1
for config in "$WORK/modprobe.d" -; do
	tag=$( [ "$config" = - ] && echo none || echo generated )
	for which in kmod pmod; do
		client=$CLIENT_KMOD
		[ $which = pmod ] && client=$CLIENT_PMOD
		start=$SECONDS
		# meson points LD_LIBRARY_PATH at the build's libraries: the
		# kmod client must find kmod's, the pmod client finds pmod's
		# through its run path.
		env -u LD_LIBRARY_PATH "$client" "$DIR" "$config" "$R" > "$WORK/$which-$tag.out" 2> "$WORK/$which-$tag.err"
		rc=$?
		echo "$which, configuration $tag: exit $rc, $(wc -l < "$WORK/$which-$tag.out") lines, $((SECONDS - start)) s"
		[ $rc = 0 ] || { fail "$which client exited $rc"; head -5 "$WORK/$which-$tag.err"; }
	done
	# Each build ran against its own library, never the other.
	lib_pmod=$(sed -n 's/^library: //p' "$WORK/pmod-$tag.err")
	lib_kmod=$(sed -n 's/^library: //p' "$WORK/kmod-$tag.err")
	case "$(readlink -f "$lib_pmod")" in
	"$(readlink -f "$PMOD_LIBDIR")"/*) ;;
	*) fail "the pmod client loaded '$lib_pmod', not pmod's libkmod from $PMOD_LIBDIR" ;;
	esac
	case "$(readlink -f "$lib_kmod")" in
	"$(readlink -f "$PMOD_LIBDIR")"/*|"") fail "the kmod client loaded '$lib_kmod'" ;;
	esac
	if cmp -s "$WORK/kmod-$tag.out" "$WORK/pmod-$tag.out"; then
		echo "configuration $tag: identical"
	else
		fail "configuration $tag: pmod's libkmod answers differently (first differences, - kmod, + pmod):"
		diff -u "$WORK/kmod-$tag.out" "$WORK/pmod-$tag.out" | sed -n '3,60p'
	fi
done
# The outputs say something: lookups found modules with dependencies,
# options and commands (a client that printed nothing would compare equal).
O=$WORK/kmod-generated.out
for want in "    options max_loop=8 max_part=4" "    install /bin/echo exact" \
	    "    remove /bin/echo rm-loop" "    options numdummies=2 via_config_alias=1" \
	    "    options from_alias=1" "lookup pmodwild123: ok 1" "context released 1"; do
	grep -qxF -- "$want" "$O" || fail "the outputs lack '$want'"
done
[ "$(grep -c '^    deps [1-9]' "$O")" -gt 100 ] || fail "hardly any dependencies were listed"
[ $failures = 0 ] || { echo "$failures failures"; exit 1; }
echo "all identical"
