#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmod's libkmod.so.2 answers what kmod's does: one client program
# (kmod-client.c), built against each library, asks both the same
# questions and the outputs must be identical byte for byte.
#
# The questions, over the whole Debian tree, plain, zstd and xz (each
# tree's own indexes and files, so paths and dependencies are those of
# .ko, .ko.zst and .ko.xz files):
#  - every module of modules.dep by lookup, by name and by file, each
#    answer in full (path, dependencies both ways, options, install and
#    remove commands, soft dependencies);
#  - every alias of modules.alias twice: its pattern as written, and a
#    string the pattern matches (each * left out, each ? and [...] made
#    one character), answered by the names of the modules found;
#  - every symbol of modules.symbols (symbol:NAME), by the names found;
#  - every built-in module (modules.builtin and modules.builtin.modinfo)
#    by lookup and by name, and every alias that modules.builtin.modinfo
#    gives them;
#  - names only a generated modprobe.d knows, NULL and misuse.
# One client process per tree and configuration reads all its questions
# from a file: first with each index opened and read for every question
# (no kmod_load_resources), then with the indexes kept open, as udev keeps
# them. Everything is asked with the indexes kept open. Opened each time,
# a wildcard search costs kmod's library a walk of the whole file (some
# 20 s for the tree's aliases), so that way the plain tree gets every
# 20th alias and the compressed trees (whose alias and symbol indexes are
# the plain tree's) every 20th symbol and no alias. The plain tree is also
# asked with no configuration at all: every module and built-in module,
# every 100th alias and symbol.
# Then the same over generated trees (testsuite/fixtures/make-depmod-tree:
# "chain" has wildcard and bracket aliases, an unbalanced one, devname
# nodes, soft and weak dependencies from modinfo, a module missing from
# modules.order and built-in aliases; "dups" has modules in external
# directories, named by absolute paths in modules.dep; "endian" 32-bit
# and big-endian modules), indexed by pmod's depmod, everything asked.
#
# About 105 000 questions for the plain tree, 90 000 for each compressed
# one. A sanitizer build (--sanitizer-build, which meson passes when
# b_sanitize is set) asks every 10th question of each kind of the Debian
# trees instead, the same ones every run, to stay well within a minute;
# the plain build asks them all. The generated trees are asked everything
# in both.
#
# usage: libkmod-differential.sh CLIENT_KMOD CLIENT_PMOD PMOD_LIBKMOD_DIR
#                                DEPMOD MAKE_DEPMOD_TREE [--sanitizer-build]
set -u
CLIENT_KMOD=$1 CLIENT_PMOD=$2 PMOD_LIBDIR=$3 DEPMOD=$4 MAKE_TREE=$5
STEP=1
[ "${6:-}" = --sanitizer-build ] && STEP=10
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
DIR=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
[ -f "$DIR/modules.dep.bin" ] || { echo "no modules.dep.bin in $DIR: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
now_ms() { date +%s%3N; }

# A configuration that reaches every answer printed: options by name, by
# an index alias and by a configured alias, joined over several lines;
# install and remove commands by exact name and by pattern (an exact
# line after a pattern that also matches: kmod keeps the one a
# command-only name was found through); configured aliases, plain and
# wildcard, that shadow the indexes; a configured soft dependency.
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

# The questions about the tree in MODULE_DIR, each kind on its own: every
# STEP-th of the kind, times N where given.
# modules MODULE_DIR: by lookup of the name, by name, by the file
# modules.dep names (relative: the client runs in the module directory).
modules() {
	awk -F: -v S="$STEP" '/:/ && NR % S == 0 {
		n = split($1, p, "/"); m = p[n]; sub(/\.ko(\.[a-z]+)?$/, "", m)
		print "lookup " m; print "name " m; print "path " $1
	}' "$1/modules.dep"
}
# builtins MODULE_DIR: built-in modules, as modules.builtin lists them and
# as their modinfo does, by lookup and by name.
builtins() {
	{
		[ -f "$1/modules.builtin" ] &&
			awk '{ n = split($1, p, "/"); sub(/\.ko$/, "", p[n]); print p[n] }' "$1/modules.builtin"
		[ -f "$1/modules.builtin.modinfo" ] &&
			tr '\0' '\n' < "$1/modules.builtin.modinfo" | sed -n 's/^\([^.=]*\)\..*/\1/p'
	} | sort -u | awk -v S="$STEP" 'NR % S == 0 { print "lookup " $0; print "name " $0 }'
}
# aliases MODULE_DIR N: the aliases of modules.alias and those
# modules.builtin.modinfo gives, each as written and made concrete.
aliases() {
	{
		awk '$1 == "alias" && NF == 3 { print $2 }' "$1/modules.alias"
		[ -f "$1/modules.builtin.modinfo" ] &&
			tr '\0' '\n' < "$1/modules.builtin.modinfo" | sed -n 's/^[^.=]*\.alias=//p'
	} | awk -v S="$((STEP * $2))" '
	# A string the pattern matches: * left out, ? and [...] one character
	# (the first of the class); an unclosed [ stays itself.
	function concrete(p,   out, i, c, j) {
		out = ""
		for (i = 1; i <= length(p); i++) {
			c = substr(p, i, 1)
			if (c == "*")
				continue
			if (c == "?") {
				out = out "0"
				continue
			}
			if (c == "[" && (j = index(substr(p, i + 2), "]")) > 0) {
				out = out substr(p, i + 1, 1)
				i += j + 1
				continue
			}
			out = out c
		}
		return out
	}
	NR % S == 0 { print "match " $0; c = concrete($0); if (c != $0) print "match " c }'
}
# symbols MODULE_DIR N: the symbols of modules.symbols.
symbols() {
	awk -v S="$((STEP * $2))" '$1 == "alias" && NR % S == 0 { print "match " $2 }' "$1/modules.symbols"
}

# run TAG MODULE_DIR CONFIG REQUESTS: both clients, their outputs compared.
run() {
	local tag=$1 dir=$2 config=$3 req=$4 which client start rc lib_pmod lib_kmod
	for which in kmod pmod; do
		client=$CLIENT_KMOD
		[ $which = pmod ] && client=$CLIENT_PMOD
		start=$(now_ms)
		# meson points LD_LIBRARY_PATH at the build's libraries: the
		# kmod client must find kmod's, the pmod client finds pmod's
		# through its run path.
		(cd "$dir" && env -u LD_LIBRARY_PATH "$client" "$dir" "$config" "$req") \
			> "$WORK/$which-$tag.out" 2> "$WORK/$which-$tag.err"
		rc=$?
		echo "$tag, $which: exit $rc, $(wc -l < "$WORK/$which-$tag.out") lines, $(($(now_ms) - start)) ms"
		[ $rc = 0 ] || { fail "$tag: $which client exited $rc"; head -5 "$WORK/$which-$tag.err"; }
	done
	# Each build ran against its own library, never the other.
	lib_pmod=$(sed -n 's/^library: //p' "$WORK/pmod-$tag.err")
	lib_kmod=$(sed -n 's/^library: //p' "$WORK/kmod-$tag.err")
	case "$(readlink -f "$lib_pmod")" in
	"$(readlink -f "$PMOD_LIBDIR")"/*) ;;
	*) fail "$tag: the pmod client loaded '$lib_pmod', not pmod's libkmod from $PMOD_LIBDIR" ;;
	esac
	case "$(readlink -f "$lib_kmod")" in
	"$(readlink -f "$PMOD_LIBDIR")"/*|"") fail "$tag: the kmod client loaded '$lib_kmod'" ;;
	esac
	if cmp -s "$WORK/kmod-$tag.out" "$WORK/pmod-$tag.out"; then
		echo "$tag: identical"
	else
		fail "$tag: pmod's libkmod answers differently (first differences, - kmod, + pmod):"
		diff -u "$WORK/kmod-$tag.out" "$WORK/pmod-$tag.out" | sed -n '3,60p'
	fi
}

# ------------------------------------------------------------ Debian tree
# Names that only the generated configuration gives a meaning to.
{
	for r in pmod-alias pmodwild123 loop-control-again pmodx_one pmodx_two pmod_remove_only \
		 pmod-remove-only fs-ext4 snd-hda-intel snd_hda_codec dm-crypt floppy \
		 no_such_module symbol:no_such_symbol "symbol:*" ext4 crc32c; do
		echo "lookup $r"
	done
	for r in fs-ext4 fs-debugfs crypto-crc32c; do
		echo "match $r"
	done
	echo "name snd-hda-intel.ko.xz"
	echo "name pmodx_one"
	echo "path /nonexistent/none.ko"
} > "$WORK/fixed"
trees=plain
for c in zst xz; do
	if [ -f "$PMOD_TEST_ROOT-$c/lib/modules/$PMOD_TEST_ABI/modules.dep.bin" ]; then
		trees="$trees $c"
	else
		fail "no $c tree at $PMOD_TEST_ROOT-$c (testsuite/prepare-trees.sh makes it)"
	fi
done
for t in $trees; do
	T=$DIR
	[ "$t" = plain ] || T=$PMOD_TEST_ROOT-$t/lib/modules/$PMOD_TEST_ABI
	# Indexes opened for each question, then kept open (see the top).
	{
		cat "$WORK/fixed"
		modules "$T"
		builtins "$T"
		if [ "$t" = plain ]; then
			symbols "$T" 1
			aliases "$T" 20
		else
			symbols "$T" 20
		fi
		echo "load resources"
		cat "$WORK/fixed"
		modules "$T"
		builtins "$T"
		symbols "$T" 1
		aliases "$T" 1
	} > "$WORK/requests-$t"
	echo "$t tree: $(wc -l < "$WORK/requests-$t") requests," \
	     "$(grep -c '^match symbol:' "$WORK/requests-$t") of them symbols"
	run "$t" "$T" "$WORK/modprobe.d" "$WORK/requests-$t"
done
# No configuration at all: only the modules' own answers (options and
# commands none, soft dependencies from modules.softdep alone).
{
	cat "$WORK/fixed"
	modules "$DIR"
	builtins "$DIR"
	symbols "$DIR" 100
	aliases "$DIR" 100
} > "$WORK/requests-noconfig"
echo "plain tree, no configuration: $(wc -l < "$WORK/requests-noconfig") requests"
run plain-noconfig "$DIR" - "$WORK/requests-noconfig"

# The outputs say something (a client that printed nothing would compare
# equal): lookups found modules with dependencies, options, commands and
# soft dependencies; aliases, symbols and built-in aliases found modules.
O=$WORK/kmod-plain.out
for want in "    options max_loop=8 max_part=4" "    install /bin/echo exact" \
	    "    remove /bin/echo rm-loop" "    options numdummies=2 via_config_alias=1" \
	    "    options from_alias=1" "lookup pmodwild123: ok 1" "context released 1" \
	    "    softdep-pre 1 dummy" "match fs-ext4: ok ext4" "match fs-debugfs: ok debugfs"; do
	grep -qxF -- "$want" "$O" || fail "the outputs lack '$want'"
done
[ "$(grep -c '^    deps [1-9]' "$O")" -gt $((300 / STEP)) ] || fail "hardly any dependencies were listed"
[ "$(grep -c '^match symbol:.*: ok [a-z]' "$O")" -gt $((10000 / STEP)) ] || fail "hardly any symbol found a module"
[ "$(grep -c '^match [^s].*: ok [a-z]' "$O")" -gt $((30000 / STEP)) ] || fail "hardly any alias found a module"
grep -q '^    path .*\.ko\.zst$' "$WORK/kmod-zst.out" || fail "the zstd tree's paths are not .ko.zst"
grep -q '^    path .*\.ko\.xz$' "$WORK/kmod-xz.out" || fail "the xz tree's paths are not .ko.xz"

# ------------------------------------------------------- generated trees
# Small enough to be asked everything in every build.
STEP=1
for scen in chain dups endian; do
	R=$WORK/tree-$scen
	"$MAKE_TREE" "$scen" "$R" > /dev/null || { fail "$scen: generating the tree"; continue; }
	conf=()
	[ -d "$R/etc/depmod.d" ] && conf=(-C "$R/etc/depmod.d")
	"$DEPMOD" -b "$R" "${conf[@]}" 9.9.9 2> "$WORK/depmod-$scen.err" ||
		{ fail "$scen: depmod failed"; cat "$WORK/depmod-$scen.err"; continue; }
	T=$R/lib/modules/9.9.9
	{
		for pass in files kept-open; do
			[ $pass = files ] || echo "load resources"
			modules "$T"
			builtins "$T"
			symbols "$T" 1
			aliases "$T" 1
			echo "lookup no_such_module"
		done
	} > "$WORK/requests-$scen"
	echo "$scen tree: $(wc -l < "$WORK/requests-$scen") requests"
	run "$scen" "$T" - "$WORK/requests-$scen"
done
C=$WORK/kmod-chain.out
for want in "match mod-a-alias: ok mod_a" "match symbol:shared_sym: ok snd_e" \
	    "match pci:v00001234dsvsdbcsci: ok mod_a" "match ext3: ok ext4" \
	    "match usb:v1234pddc0dscdpiciscipin: ok mod_c" "lookup ext4: ok 1" \
	    "    softdep-pre 1 mod_c"; do
	grep -qxF -- "$want" "$C" || fail "the chain tree's outputs lack '$want'"
done
grep -q "^    path $WORK/tree-dups/ext1/sub/only_ext.ko$" "$WORK/kmod-dups.out" ||
	fail "the dups tree's outputs lack a module in an external directory"
grep -qxF "    deps 2" "$WORK/kmod-endian.out" || fail "the endian tree has no dependencies"
[ $failures = 0 ] || { echo "$failures failures"; exit 1; }
echo "all identical"
