#!/bin/bash
# depmod on generated trees, against Debian's kmod 30 depmod: what a real
# distribution tree lacks (dependency loops, duplicates across search
# directories, no modules.order, soft/weak dependencies, devname nodes,
# 32-bit and big-endian modules, files that are not modules).
#
# Usage: depmod_trees.sh MAKE_DEPMOD_TREE PMOD_DEPMOD [INDEX_CHECKER]
#
# Each scenario's tree is generated afresh at the same path for every run
# (kmod, pmod -b, pmod --root), so absolute paths in the outputs agree.
# INDEX_CHECKER (testsuite/differential/index-checker.c) compares the .bin
# indexes through libkmod; without it the script builds one if it can.
set -u
gen=$1 pmod=$2 checker=${3:-}
kmod=/usr/sbin/depmod
here=$(cd "$(dirname "$0")" && pwd)

if ! [ -x "$kmod" ] || ! "$kmod" --version 2>/dev/null | grep -q '^kmod version'; then
	echo "kmod's depmod is not installed"
	exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
R=$work/root
export LC_ALL=C

# shellcheck disable=SC2046 # pkg-config's words are meant to split
if [ -z "$checker" ] && [ -f "$here/index-checker.c" ] &&
   cc -O2 -o "$work/index-checker" "$here/index-checker.c" \
	$(pkg-config --cflags --libs libkmod 2>/dev/null) 2>/dev/null; then
	checker=$work/index-checker
fi

pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
# check NAME FUNCTION ARGS...: the function prints its evidence on failure.
check() {
	local name=$1
	shift
	if "$@" > "$work/check.log" 2>&1; then
		ok "$name"
	else
		bad "$name"
		sed 's/^/    /' "$work/check.log" | head -40
	fi
}

# run LABEL COMMAND...: a fresh tree at $R, the command run on it, the
# tree then kept as $work/LABEL. Output in LABEL.{out,err,rc}; stderr with
# $R written as ROOT.
run() {
	local label=$1
	shift
	rm -rf "$R" "${work:?}/$label"
	"$gen" "$scen" "$R" || { bad "$scen: generating the tree"; return 1; }
	(cd "$R" && find . | sort) > "$work/$label.before"
	"$@" > "$work/$label.out" 2> "$work/$label.err.raw"
	echo $? > "$work/$label.rc"
	sed "s#$R#ROOT#g" "$work/$label.err.raw" > "$work/$label.err"
	(cd "$R" && find . | sort) > "$work/$label.after"
	mv "$R" "$work/$label"
}
moddir() { echo "$work/$1/lib/modules/9.9.9"; }

same_file() {	# A B [filter]: byte-identical, after the filter if given
	local a=$1 b=$2 filter=${3:-cat}
	[ -e "$a" ] || { echo "missing: ${a#"$work"/}"; return 1; }
	[ -e "$b" ] || { echo "missing: ${b#"$work"/}"; return 1; }
	$filter < "$a" > "$work/same.a"
	$filter < "$b" > "$work/same.b"
	if ! cmp -s "$work/same.a" "$work/same.b"; then
		echo "--- ${a#"$work"/}"
		echo "+++ ${b#"$work"/}"
		diff "$work/same.a" "$work/same.b" | head -30
		return 1
	fi
}
sorted() { sort; }

exit_status() {	# expected status for both
	local k p
	k=$(cat "$work/kmod.rc") p=$(cat "$work/$1.rc")
	echo "kmod exit $k, $1 exit $p, expected $2"
	[ "$k" = "$2" ] && [ "$p" = "$2" ]
}
empty_stdout() {
	local f rc=0
	for f in "$@"; do
		[ -s "$work/$f.out" ] && { echo "$f wrote to stdout:"; head -5 "$work/$f.out"; rc=1; }
	done
	return $rc
}
# The files each run added to the module directory: kmod's set plus
# modules.weakdep (kmod 30 predates it) when a module has a weak
# dependency (an empty one is not written), all mode 0644.
files_written() {
	local l=$1 rc=0 weak=
	comm -13 "$work/kmod.before" "$work/kmod.after" > "$work/kmod.new"
	comm -13 "$work/$l.before" "$work/$l.after" > "$work/$l.new"
	grep -q '^weakdep ' "$(moddir "$l")/modules.weakdep" 2>/dev/null &&
		weak=./lib/modules/9.9.9/modules.weakdep
	if ! diff <({ [ -z "$weak" ] || echo "$weak"; cat "$work/kmod.new"; } | sort) \
		  "$work/$l.new" > "$work/files.diff"; then
		echo "files written: < kmod (+modules.weakdep)  > $l"
		cat "$work/files.diff"
		rc=1
	fi
	local modes
	modes=$(cd "$work/$l" && sed 's#^\./##' "$work/$l.new" | xargs -r stat -c '%a %n' | grep -v '^644 ')
	[ -z "$modes" ] || { echo "not 0644: $modes"; rc=1; }
	return $rc
}
nothing_written() {
	local l rc=0
	for l in "$@"; do
		if ! cmp -s "$work/$l.before" "$work/$l.after"; then
			echo "$l changed the tree:"
			diff "$work/$l.before" "$work/$l.after"
			rc=1
		fi
	done
	return $rc
}
index_check() {	# DIR_A DIR_B
	"$checker" "$1" "$2" | grep -v '^index-checker: .*requests' | head -20
	return "${PIPESTATUS[0]}"
}
weakdep_file() {	# LABEL EXPECTED-LINES... (none: no file at all)
	local l=$1
	shift
	if [ $# -eq 0 ]; then
		[ ! -e "$(moddir "$l")/modules.weakdep" ] ||
			{ echo "a modules.weakdep with no weak dependency was written"; return 1; }
		return 0
	fi
	same_file <(printf '%s\n' "# Weak dependencies extracted from modules themselves." "$@") \
		"$(moddir "$l")/modules.weakdep"
}
# Under --root, a module outside the module directory (an external one) is
# written with its path as seen inside the root (/ext1/x.ko), where -b
# writes the host path (ROOT/ext1/x.ko); everything else is the same.
root_form_same() {	# pmod --root gives the same files and messages as pmod -b
	local f rc=0
	while read -r f; do
		case $f in
		*.bin)
			# The binary dep index holds those paths too.
			grep -q '^/' "$(moddir pmod-root)/modules.dep" ||
				same_file "$(moddir pmod)/$f" "$(moddir pmod-root)/$f" || rc=1 ;;
		*)
			same_file "$(moddir pmod)/$f" \
				<(sed "s#\(^\| \)/#\1$R/#g" "$(moddir pmod-root)/$f") || rc=1 ;;
		esac
	done < <(sed -n 's#^\./lib/modules/9\.9\.9/##p' "$work/pmod.new")
	same_file "$work/pmod.err" "$work/pmod-root.err" || rc=1
	[ "$(cat "$work/pmod-root.rc")" = "$(cat "$work/pmod.rc")" ] || { echo "exit status differs"; rc=1; }
	return $rc
}

# Compare the text outputs with kmod's (or REF's). mode exact: byte for
# byte (modules.symbols, in hash order in kmod, sorted first); mode
# sorted: as sorted lines.
texts() {
	local mode=$1 ref=${2:-kmod} f filter rc=0
	for f in modules.dep modules.alias modules.softdep modules.devname modules.symbols; do
		filter="cat"
		[ "$mode" = sorted ] || [ $f = modules.symbols ] && filter=sorted
		same_file "$(moddir "$ref")/$f" "$(moddir pmod)/$f" $filter || {
			echo "  (in $f)"
			rc=1
		}
	done
	return $rc
}
bins() {
	if [ -z "$checker" ]; then
		echo "SKIP $scen: .bin indexes (no index-checker)"
		return
	fi
	check "$scen: .bin indexes answer as kmod's (index-checker)" index_check "$@"
}
common() {	# the checks every scenario that writes output gets
	check "$scen: exit status" exit_status pmod 0
	check "$scen: stdout" empty_stdout kmod pmod pmod-root
	check "$scen: files written, modes" files_written pmod
	check "$scen: pmod --root ROOT same as -b ROOT" root_form_same
}
run_all() {	# CONFIG-FOR-KMOD-AND-PMOD-B CONFIG-FOR-ROOT (words)
	# shellcheck disable=SC2086
	run kmod "$kmod" -b "$R" $1 9.9.9
	# shellcheck disable=SC2086
	run pmod "$pmod" -b "$R" $1 9.9.9
	# shellcheck disable=SC2086
	run pmod-root "$pmod" --root "$R" $2 9.9.9
	comm -13 "$work/pmod.before" "$work/pmod.after" > "$work/pmod.new"
}

# ------------------------------------------------------------------ chain
scen=chain
run_all "" ""
common
check "chain: text outputs byte-identical" texts exact
check "chain: stderr identical" same_file "$work/kmod.err" "$work/pmod.err"
check "chain: modules.weakdep (pmod only)" weakdep_file pmod \
	"weakdep mod_a mod-d" "weakdep mod_a mod_e" "weakdep mod_f snd-e"
bins "$(moddir kmod)" "$(moddir pmod)"

# ------------------------------------------------------------------ loops
scen=loops
run_all "" ""
run kmod-n "$kmod" -n -b "$R" 9.9.9
run pmod-n "$pmod" -n -b "$R" 9.9.9
loops_status() {
	exit_status pmod 1 && exit_status pmod-root 1 &&
		[ "$(cat "$work/kmod-n.rc")" = 1 ] && [ "$(cat "$work/pmod-n.rc")" = 1 ]
}
check "loops: exit status 1 (also with -n, and --root)" loops_status
check "loops: nothing on stdout (also with -n)" empty_stdout kmod pmod pmod-root kmod-n pmod-n
check "loops: no output file written" nothing_written kmod pmod pmod-root kmod-n pmod-n
# A cycle line as a set member: the names without the repeated last one,
# rotated to start at the smallest.
canon_cycles() {
	awk '/Cycle detected: / {
		sub(/.*Cycle detected: /, ""); n = split($0, m, / -> /); n--
		best = 1
		for (i = 2; i <= n; i++) if (m[i] < m[best]) best = i
		s = ""
		for (i = 0; i < n; i++) s = s (i ? " " : "") m[(best - 1 + i) % n + 1]
		print s
	} /modules in dependency cycles/ { print "COUNT " $0 }' "$1" | sort
}
loops_expected() {
	printf '%s\n' "COUNT depmod: ERROR: Found 9 modules in dependency cycles!" \
		"mod_loop_a mod_loop_b mod_loop_c" "mod_loop_d mod_loop_e" \
		"mod_loop_h mod_loop_i mod_loop_j" "mod_loop_h mod_loop_i mod_loop_j mod_loop_k" | sort
}
cycles_kmod() {
	echo "kmod 30 says:"
	cat "$work/kmod.err"
	diff <(loops_expected) <(canon_cycles "$work/kmod.err")
}
check "loops: kmod reports the 4 true cycles and 9 modules" cycles_kmod
cycles_same() {
	local l=$1
	if cmp -s "$work/kmod.err" "$work/$l.err"; then
		return 0
	fi
	echo "$l's lines differ from kmod's (< kmod  > $l):"
	diff "$work/kmod.err" "$work/$l.err"
	if diff <(canon_cycles "$work/kmod.err") <(canon_cycles "$work/$l.err") > /dev/null; then
		echo "note: only in order or starting points: the same cycles and count"
		return 0
	fi
	echo "as sets of cycles (< kmod  > $l):"
	diff <(canon_cycles "$work/kmod.err") <(canon_cycles "$work/$l.err")
	return 1
}
check "loops: cycle messages (pmod -b)" cycles_same pmod
check "loops: cycle messages (pmod --root)" cycles_same pmod-root
check "loops: cycle messages (pmod -n)" cycles_same pmod-n

# ------------------------------------------------------------------- dups
scen=dups
run_all "-C $R/etc/depmod.d" "-C /rootcfg/depmod.d"
common
check "dups: text outputs as sorted lines (externals are unlisted: kmod puts them in hash order)" \
	texts sorted
check "dups: stderr identical" same_file "$work/kmod.err" "$work/pmod.err"
check "dups: modules.weakdep (pmod only)" weakdep_file pmod
# The copy the rules choose for each name (what kmod 30 picks):
dups_expected() {
	printf '%s\n' \
		"updates/dup_all.ko" "extra/dup_ke.ko" "ROOT/ext2/dup_kx.ko" \
		"ROOT/ext1/dup_x12.ko" "kernel/drivers/ovr/dup_ovr.ko" "extra/dup-ovr2.ko" \
		"updates/dup-ovr3.ko" "updates/dup_ovr4.ko" "updates/sub/deep/dup_sub.ko" \
		"extra/dup_pfx.ko" "kernel/dup_excl.ko" "ROOT/ext1/sub/only_ext.ko" \
		"kernel/drivers/user_x.ko" | sort
}
dups_choice() {	# LABEL
	local got
	# Paths inside --root start with '/': the same files as ROOT/...
	got=$(sed "s#$R#ROOT#g; s#^/#ROOT/#; s#:.*##" "$(moddir "$1")/modules.dep" | sort)
	diff <(dups_expected) <(echo "$got") && return 0
	echo "(< expected  > $1)"
	return 1
}
check "dups: kmod's choices (updates > extra > external (ext1 > ext2) > built-in; override; exclude)" \
	dups_choice kmod
check "dups: pmod picks the same copies" dups_choice pmod
check "dups: pmod --root (-C /rootcfg/depmod.d, externals under the root) picks the same" \
	dups_choice pmod-root
dups_pmod_order() {	# listed in modules.order order, then the rest by path
	local listed got
	got=$(sed 's#:.*##' "$(moddir pmod)/modules.dep")
	listed=$(grep -Fxf <(echo "$got") "$(moddir pmod)/modules.order")
	diff <(echo "$listed"; echo "$got" | grep -vxFf <(echo "$listed") | sort) <(echo "$got")
}
check "dups: pmod's order: modules.order, then unlisted by path" dups_pmod_order
bins "$(moddir kmod)" "$(moddir pmod)"

# ------------------------------------------------------------- nomodorder
scen=nomodorder
run_all "" ""
common
check "nomodorder: text outputs as sorted lines (kmod's order is its hash order)" texts sorted
check "nomodorder: stderr identical (the missing modules.order warning)" \
	same_file "$work/kmod.err" "$work/pmod.err"
nomodorder_pmod_order() {
	local got
	got=$(sed 's#:.*##' "$(moddir pmod)/modules.dep")
	diff <(echo "$got" | sort) <(echo "$got")
}
check "nomodorder: pmod's order is by path" nomodorder_pmod_order
bins "$(moddir kmod)" "$(moddir pmod)"

# ----------------------------------------------------------------- endian
scen=endian
run_all "" ""
common
check "endian: text outputs byte-identical" texts exact
check "endian: stderr identical" same_file "$work/kmod.err" "$work/pmod.err"
endian_deps() {
	same_file <(printf '%s\n' \
		"kernel/e/core_le64.ko:" \
		"kernel/e/mid_be32.ko: kernel/e/core_le64.ko" \
		"kernel/e/top_be64.ko: kernel/e/mid_be32.ko kernel/e/core_le64.ko" \
		"kernel/e/leaf_le32.ko: kernel/e/top_be64.ko kernel/e/mid_be32.ko kernel/e/core_le64.ko" \
		"kernel/e/ppc_be64.ko: kernel/e/core_le64.ko" \
		"kernel/e/side_be32.ko: kernel/e/mid_be32.ko kernel/e/core_le64.ko") \
		"$(moddir pmod)/modules.dep"
}
check "endian: dependencies resolve across le64/be32/be64/le32 (and .sym)" endian_deps
bins "$(moddir kmod)" "$(moddir pmod)"

# ----------------------------------------------------------------- broken
scen=broken
run_all "" ""
common
# kmod keeps the files it cannot read in modules.dep (with no
# dependencies); pmod leaves them out: compare with kmod on the tree
# without them.
# shellcheck disable=SC2016 # expanded by the inner shell
run kmod-clean bash -c 'rm "$1"/lib/modules/9.9.9/kernel/bad/*.ko && exec "$2" -b "$1" 9.9.9' \
	- "$R" "$kmod"
check "broken: the rest indexed as kmod indexes the tree without the bad files" \
	texts exact kmod-clean
broken_warnings() {
	local f n rc=0
	for f in truncated notelf; do
		n=$(grep -c "^depmod: WARNING: .*ROOT/lib/modules/9.9.9/kernel/bad/$f.ko" "$work/pmod.err")
		[ "$n" = 1 ] || { echo "$n WARNING lines for $f.ko"; rc=1; }
	done
	grep -q 'kernel/ok' "$work/pmod.err" && { echo "a valid module is complained about"; rc=1; }
	grep -v -e 'kernel/bad/' "$work/kmod.err" > "$work/kmod.err.rest"	# kmod: ERROR: failed to load symbols
	grep -v -e 'kernel/bad/' "$work/pmod.err" > "$work/pmod.err.rest"
	same_file "$work/kmod.err.rest" "$work/pmod.err.rest" || rc=1
	[ $rc = 0 ] || { echo "pmod:"; cat "$work/pmod.err"; echo "kmod:"; cat "$work/kmod.err"; }
	return $rc
}
check "broken: one WARNING naming each bad file, other messages as kmod's" broken_warnings
bins "$(moddir kmod-clean)" "$(moddir pmod)"

echo "$pass passed, $fail failed"
[ $fail = 0 ]
