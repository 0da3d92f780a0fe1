#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# depmod for a kernel release that has no module directory: exit 1 with
# kmod's error naming the directory, and nothing written or created, not
# even the directory (a directory depmod made would be one no package
# owns). In every mode: a full run, -n, -A, -o, and with module files
# named. Compared with Debian's depmod when it is installed. An existing
# but empty directory still gets its indexes (but no empty
# modules.weakdep).
# usage: depmod-missing-dir.sh PMOD_DEPMOD
DEPMOD=$1
KMOD=/usr/sbin/depmod
. "$(dirname "$0")/../kernel-cli/lib.sh"
HAVE_KMOD=0
"$KMOD" --version 2>/dev/null | grep -q '^kmod version' && HAVE_KMOD=1

B=$WORK/base
mkdir "$B"
: > "$WORK/a.ko"
i=0
for args in "" "-a" "-n" "-A" "-o $WORK/out" "9.9.9 $WORK/a.ko"; do
	i=$((i + 1))
	case $args in 9.9.9*) set -- -b "$B" $args ;; *) set -- -b "$B" $args 9.9.9 ;; esac
	"$DEPMOD" "$@" > "$WORK/$i.pmod.out" 2> "$WORK/$i.pmod.err"
	echo $? > "$WORK/$i.pmod.rc"
	check_rc "depmod $args (no module directory)" "$WORK/$i.pmod" 1
	check_eq "depmod $args: nothing created" "$(find "$B" "$WORK/out" 2>/dev/null)" "$B"
	case $args in *.ko) continue ;; esac	# kmod fails on the file first
	check_eq "depmod $args: the error" "$(head -n1 "$WORK/$i.pmod.err")" \
		"depmod: ERROR: could not open directory $B/lib/modules/9.9.9: No such file or directory"
	check_eq "depmod $args: nothing on stdout" "$(wc -c < "$WORK/$i.pmod.out")" 0
	case $args in -o*) continue ;; esac	# kmod 30 has no -o
	if [ $HAVE_KMOD = 1 ]; then
		"$KMOD" "$@" > "$WORK/$i.kmod.out" 2> "$WORK/$i.kmod.err"
		echo $? > "$WORK/$i.kmod.rc"
		check_same "depmod $args: exit status as kmod's" "$WORK/$i.kmod.rc" "$WORK/$i.pmod.rc"
		check_eq "depmod $args: kmod's first message" "$(head -n1 "$WORK/$i.pmod.err")" \
			"$(head -n1 "$WORK/$i.kmod.err")"
	fi
done

# The directory exists (empty): indexes written, exit 0, no empty weakdep.
mkdir -p "$B/lib/modules/9.9.9"
"$DEPMOD" -b "$B" 9.9.9 > "$WORK/ok.out" 2> "$WORK/ok.err"
echo $? > "$WORK/ok.rc"
check_rc "depmod on an empty module directory" "$WORK/ok" 0
check_eq "empty module directory: indexes" \
	"$(cd "$B/lib/modules/9.9.9" && ls | tr '\n' ' ')" \
	"modules.alias modules.alias.bin modules.builtin.alias.bin modules.builtin.bin modules.dep modules.dep.bin modules.devname modules.softdep modules.symbols modules.symbols.bin "
# An older modules.weakdep (an earlier depmod's) goes when nothing has weak
# dependencies any more.
echo "# Weak dependencies extracted from modules themselves." > "$B/lib/modules/9.9.9/modules.weakdep"
"$DEPMOD" -b "$B" 9.9.9 2> "$WORK/again.err"
check_eq "an older empty modules.weakdep is removed" \
	"$([ -e "$B/lib/modules/9.9.9/modules.weakdep" ] && echo present)" ""
# -n still shows the (empty) weakdep index, as kmod 34 does.
"$DEPMOD" -n -b "$B" 9.9.9 > "$WORK/n.out" 2>/dev/null
check_contains "-n prints the weakdep header" "$WORK/n.out" "# Weak dependencies extracted from modules themselves."
finish
