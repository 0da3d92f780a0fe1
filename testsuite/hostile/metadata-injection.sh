#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Module metadata is data, never configuration. Modules generated here
# (make-hostile-metadata) carry a newline, a carriage return, a blank, a
# trailing backslash, a '..' device path or a .modinfo without its last NUL
# in every field depmod copies into a text index: alias, softdep, weakdep,
# devname, the file name, an exported symbol. Each tries to add an
# `install NAME /bin/touch MARKER` line (and `options`) for itself or, in
# a softdep, for the module "good" that the softdep loads first.
#  1. The real depmod (--root) writes no line that is not its file's own
#     directive, keeps the well-formed module's values byte for byte, and
#     warns naming the module file and the field for each refused value.
#  2. The real modprobe for each hostile module, under the fake kernel
#     with SigningPolicy = enforce (refused: unsigned) and = warn (loaded):
#     no install command runs (MARKER absent), no injected option reaches
#     the kernel.
#  3. A hand-written modules.softdep holding `install` and `options` lines:
#     modprobe ignores those lines with a warning naming the file and the
#     line, keeps the softdep line, and modprobe.d keeps its full syntax.
# usage: metadata-injection.sh DEPMOD MODPROBE MAKE_HOSTILE_METADATA SHIM MAKE_FAKE_KERNEL
DEPMOD=$1 PMP=$2 MAKE_META=$3 SHIM=$4 MAKE_FAKE=$5
. "$(dirname "$0")/../kernel-cli/lib.sh"

TROOT=$WORK/root
MARKER=$WORK/pwned
MODS=$TROOT/lib/modules/9.9.9
mkdir -p "$TROOT/etc/pmod" "$TROOT/etc/modprobe.d"
"$MAKE_META" "$TROOT" "$MARKER" || { echo "cannot generate the modules"; exit 99; }
policy() { printf '%s\n' "$@" > "$TROOT/etc/pmod/policy.conf"; }
# The install lines that mention a relative file run in the current
# directory: run everything from the work directory so they land there.
cd "$WORK" || exit 99

# ------------------------------------------------------------ 1. depmod
"$DEPMOD" --root "$TROOT" 9.9.9 > "$WORK/depmod.out" 2> "$WORK/depmod.err"
check_eq "depmod: exit status" "$?" 0
for f in modules.dep modules.alias modules.softdep modules.weakdep modules.devname modules.symbols; do
	[ -f "$MODS/$f" ] || { fail "$f: not written"; continue; }
	if LC_ALL=C grep -q $'\r' "$MODS/$f"; then fail "$f: holds a carriage return"; else pass; fi
	if grep -qE '^(install|options|remove|blacklist)' "$MODS/$f"; then
		fail "$f: holds an injected line"; grep -nE '^(install|options)' "$MODS/$f" | sed 's/^/  | /'
	else pass; fi
done
# Every line of a file is its own directive (or the header comment).
bad_lines() { grep -vE "$2" "$MODS/$1" | grep -v '^#' || true; }
check_eq "modules.softdep: softdep lines only" "$(bad_lines modules.softdep '^softdep ')" ""
check_eq "modules.weakdep: weakdep lines only" "$(bad_lines modules.weakdep '^weakdep ')" ""
check_eq "modules.alias: alias lines of three fields only" \
	"$(bad_lines modules.alias '^alias [^ ]+ [^ ]+$')" ""
check_eq "modules.symbols: alias lines of three fields only" \
	"$(bad_lines modules.symbols '^alias symbol:[^ ]+ [^ ]+$')" ""
check_eq "modules.devname: NAME DEVNAME TYPE lines only" \
	"$(bad_lines modules.devname '^[^ ]+ [^ ]+ [cb][0-9]+:[0-9]+$')" ""
check_eq "modules.dep: PATH: lines only" "$(bad_lines modules.dep '^kernel/hostile/[a-z_]+\.ko:$')" ""
check_absent "modules.devname: no '..' device" "$MODS/modules.devname" "../etc/evil"
# The well-formed module comes through as kmod writes it.
check_contains "good softdep kept" "$MODS/modules.softdep" "softdep good pre: good-pre post: platform:good-post"
check_contains "good weakdep kept" "$MODS/modules.weakdep" "weakdep good good_weak"
check_contains "good alias kept" "$MODS/modules.alias" "alias good-alias good"
check_contains "good devname kept" "$MODS/modules.devname" "good good/node c10:250"
check_contains "good symbol kept" "$MODS/modules.symbols" "alias symbol:good_fn good"
# The refused values of the otherwise valid modules are the only loss.
check_contains "soft_nl still in modules.dep" "$MODS/modules.dep" "kernel/hostile/soft_nl.ko:"
check_contains "dev_nl's good alias kept" "$MODS/modules.alias" "alias char-major-10-251 dev_nl"
# Each refusal is named: the module file and the field.
warned() {	# FILE FIELD
	if grep -F -- "$1" "$WORK/depmod.err" | grep -qF -- "$2"; then pass; else
		fail "depmod: no warning naming $1 and $2"; sed 's/^/  | /' "$WORK/depmod.err" | head -20; fi
}
warned soft_nl.ko softdep
warned soft_cr.ko softdep
warned soft_syntax.ko softdep
warned weak_nl.ko weakdep
warned weak_cr.ko weakdep
warned alias_nl.ko alias
warned alias_cr.ko alias
warned alias_space.ko alias
warned dev_nl.ko alias
warned dev_dotdot.ko devname
warned sym_nl.ko symbol
warned unterminated.ko unterminated
warned 'kernel/hostile/name' 'file name'

# ------------------------------------------------------------ 2. modprobe
hostile="good soft_nl soft_cr soft_syntax weak_nl weak_cr alias_nl alias_cr alias_space dev_nl dev_dotdot sym_nl"
PROC=
mp() {	# NAME ARGS... (the fake kernel's /proc/modules is $PROC)
	local name=$1
	shift
	printf '%s' "$PROC" | fake_new "$name" --cmdline "" > /dev/null
	run "$WORK/$name" "$WORK/$name" -- "$PMP" --root "$TROOT" -S 9.9.9 "$@"
	touch "$WORK/$name/calls.log"
}
policy "SigningPolicy = enforce"
for m in $hostile; do
	mp "enforce-$m" "$m"
	check_rc "enforce, $m: refused (unsigned)" "$WORK/enforce-$m" 1
	check_no_calls "enforce, $m" "$WORK/enforce-$m"
	check_eq "enforce, $m: no install command ran" "$(ls "$MARKER" pwned-by-name 2>/dev/null)" ""
	rm -f "$MARKER" pwned-by-name
done
# Under warn the modules reach the kernel (the fake kernel cannot name a
# generated module and answers ENOEXEC: the exit status says nothing here);
# what matters is what was sent and that nothing ran on the way.
policy "SigningPolicy = warn"
for m in $hostile; do
	mp "warn-$m" "$m"
	check_eq "warn, $m: the module reached the kernel, without parameters" \
		"$(grep -c '^finit_module ? flags=0x0 params=""$' "$WORK/warn-$m/calls.log")" \
		"$(grep -c . "$WORK/warn-$m/calls.log")"
	check_contains "warn, $m: reached the kernel" "$WORK/warn-$m/calls.log" "finit_module"
	check_absent "warn, $m: no injected option" "$WORK/warn-$m/calls.log" "evil"
	check_eq "warn, $m: no install command ran" "$(ls "$MARKER" pwned-by-name 2>/dev/null)" ""
	rm -f "$MARKER" pwned-by-name
done

# ------------------------------------------------------------ 3. a hand-written modules.softdep
MARKER2=$WORK/pwned-by-hand
cat > "$MODS/modules.softdep" <<EOF
# Soft dependencies extracted from modules themselves.
softdep good pre: sym_nl
install good /bin/touch $MARKER2
options good evil=1
EOF
printf 'weakdep good good_weak\nremove good /bin/touch %s\n' "$MARKER2" > "$MODS/modules.weakdep"
printf 'install alias_nl /bin/touch %s/from-modprobe.d\n' "$WORK" > "$TROOT/etc/modprobe.d/test.conf"
mp hand-good -v good
check_contains "hand-written softdep: the softdep line still counts" "$WORK/hand-good.out" \
	"insmod $MODS/kernel/hostile/sym_nl.ko"
check_contains "hand-written softdep: then the module" "$WORK/hand-good.out" \
	"insmod $MODS/kernel/hostile/good.ko"
check_absent "hand-written softdep: no injected option" "$WORK/hand-good/calls.log" "evil"
check_eq "hand-written softdep: the install line did not run" "$(ls "$MARKER2" 2>/dev/null)" ""
rm -f "$MARKER2"
check_contains "hand-written softdep: install ignored, file and line named" "$WORK/hand-good.err" \
	"$MODS/modules.softdep line 3: ignoring 'install'"
check_contains "hand-written softdep: options ignored, file and line named" "$WORK/hand-good.err" \
	"$MODS/modules.softdep line 4: ignoring 'options'"
PROC="good 16384 0 - Live 0x0000000000000000
"
mp hand-good-rm -r good
PROC=
check_contains "hand-written weakdep: remove ignored, file and line named" "$WORK/hand-good-rm.err" \
	"$MODS/modules.weakdep line 2: ignoring 'remove'"
check_eq "hand-written weakdep: the remove line did not run" "$(ls "$MARKER2" 2>/dev/null)" ""
# modprobe.d keeps its full syntax.
mp conf-install alias_nl
check_eq "modprobe.d install: ran" "$(ls "$WORK/from-modprobe.d" 2>/dev/null)" "$WORK/from-modprobe.d"
finish
