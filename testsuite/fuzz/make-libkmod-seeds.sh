#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Seeds for fuzz-libkmod, made at run time: a few small module trees, each
# a module with its dependency and one more module taken from a real tree,
# indexed by pmod's depmod, with a modprobe.d file naming them; each seed
# is the five parts fuzz-libkmod.c reads (modules.dep.bin,
# modules.alias.bin, modules.dep, modprobe.d file, module file), each a
# 32-bit little-endian length and its bytes.
# Without a real tree (MODDIR missing) one seed holds only a configuration.
# usage: make-libkmod-seeds.sh DEPMOD MODDIR OUTDIR
set -euo pipefail
DEPMOD=$1 MODDIR=$2 OUT=$3
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

le32() {
	local n=$1
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) \
		$((n >> 16 & 255)) $((n >> 24 & 255)))"
}
part() {
	if [ -f "$1" ]; then le32 "$(stat -c %s "$1")"; cat "$1"; else le32 0; fi
}
# seed OUTFILE DIR CONF MODULE
seed() {
	{ part "$2/modules.dep.bin"; part "$2/modules.alias.bin"; part "$2/modules.dep"
	  part "$3"; part "$4"; } > "$1"
}

conf() {
	cat <<CONF
# names the seed's modules in every kind of line
alias fuzz-alias $1
alias fuzz-wild* $2
options $1 opt=1 other="a b"
options m flag
install $2 /bin/true \\
	--continued
remove $1 /bin/true
softdep $1 pre: $2 post: m
weakdep $2 $1
blacklist $2
CONF
}

made=0
if [ -f "$MODDIR/modules.dep" ]; then
	# Small modules with exactly one small dependency, every nth line so
	# the choice is the same on every run.
	mapfile -t pairs < <(find "$MODDIR" -name '*.ko' -size -24k -printf '%P\n' |
		awk -F': ' 'FILENAME == "-" { small[$0] = 1; next }
			NF == 2 && split($2, d, " ") == 1 && ($1 in small) && (d[1] in small) {
				print $1 " " d[1] }' - "$MODDIR/modules.dep")
	stride=$(( ${#pairs[@]} / 6 )); [ "$stride" -ge 1 ] || stride=1
	for (( i = 0; i < ${#pairs[@]} && made < 6; i += stride )); do
		read -r mod dep <<<"${pairs[$i]}"
		root=$WORK/root$i
		dir=$root/lib/modules/0.0.0-seed
		mkdir -p "$dir/kernel" "$root/modprobe.d"
		cp "$MODDIR/$mod" "$MODDIR/$dep" "$dir/kernel/"
		"$DEPMOD" -b "$root" 0.0.0-seed 2>/dev/null || continue
		a=$(basename "$mod" .ko) b=$(basename "$dep" .ko)
		conf "$a" "$b" > "$root/modprobe.d/fuzz.conf"
		seed "$OUT/tree-$i" "$dir" "$root/modprobe.d/fuzz.conf" "$dir/kernel/$(basename "$mod")"
		made=$((made + 1))
	done
fi
conf loop dummy > "$WORK/fuzz.conf"
seed "$OUT/config-only" "$WORK/none" "$WORK/fuzz.conf" /nonexistent
echo "make-libkmod-seeds: $((made + 1)) seeds in $OUT"
