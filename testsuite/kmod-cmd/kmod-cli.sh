#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kmod program: started under a tool's name (a symlink, as distributions
# install kmod's) it is that tool; `kmod list` prints what lsmod prints and
# what Debian's `kmod list` prints, on the same fake kernel; help, a missing
# or unknown command and bad options end as kmod's do. And the version line
# of kmod and of every tool passes the checks real scripts make, with their
# own expressions: the kernel's kmod selftest (awk's third field, more than
# 19) and dracut (cut's third field, vercmp against 3.7, with dracut's own
# vercmp when dracut is installed), while naming pmod and never passing for
# Debian's kmod ("kmod version" is how tests find the real one).
# usage: kmod-cli.sh PMOD_KMOD SHIM MAKE_FAKE_KERNEL TOOL_EXE...
#   (TOOL_EXE: the standalone depmod insmod lsmod modinfo modprobe rmmod)
PMOD=$(realpath "$1") SHIM=$2 MAKE_FAKE=$3
shift 3
KMOD=/bin/kmod
. "$(dirname "$0")/../kernel-cli/lib.sh"
HAVE_KMOD=0
"$KMOD" --version 2>/dev/null | grep -q '^kmod version' && HAVE_KMOD=1

mkdir "$WORK/bin"
# Every tool through a symlink named after it: the same help, the same
# version, the same answer to a bad option as the tool's own program.
for exe in "$@"; do
	name=$(basename "$exe")
	ln -s "$PMOD" "$WORK/bin/$name"
	for args in --help --version --no-such-option; do
		# Output, messages and exit status at once; argv[0] made the name.
		own=$("$exe" $args 2>&1; echo "exit $?")
		link=$("$WORK/bin/$name" $args 2>&1; echo "exit $?")
		check_eq "$name $args through kmod" "${link//$WORK\/bin\/$name/$name}" "${own//$exe/$name}"
		[ "$args" != --help ] || case $link in
			*"$name"*) pass ;;
			*) fail "$name --help through kmod is not $name's" ;;
		esac
	done
done
check_eq "six tools dispatched" "$(ls "$WORK/bin" | wc -l)" 6

# kmod under another name is kmod; a tool name is not a command.
ln -s "$PMOD" "$WORK/bin/kmod-renamed"
cli() {	# NAME PROGRAM ARGS...
	local name=$1 prog=$2; shift 2
	"$prog" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err"
	echo $? > "$WORK/$name.rc"
}
for c in "help:help" "h:--help" "V:--version" "none:" "bad:bogus" "tool:modprobe" \
	 "opt:-x" "list-extra:list extra" "sn-help:static-nodes --help" \
	 "sn-bad:static-nodes --bogus"; do
	tag=${c%%:*} args=${c#*:}
	cli "$tag.pmod" "$PMOD" $args
	cli "$tag.renamed" "$WORK/bin/kmod-renamed" $args
	check_same "kmod $args: as kmod-renamed" "$WORK/$tag.pmod.out" "$WORK/$tag.renamed.out"
	if [ $HAVE_KMOD = 1 ]; then
		cli "$tag.kmod" "$KMOD" $args
		check_same "kmod $args: exit status as kmod's" "$WORK/$tag.kmod.rc" "$WORK/$tag.pmod.rc"
	fi
done
check_rc "kmod help" "$WORK/help.pmod" 0
check_contains "kmod help lists static-nodes" "$WORK/help.pmod.out" "static-nodes"
check_rc "kmod (no command)" "$WORK/none.pmod" 1
check_contains "kmod (no command): said" "$WORK/none.pmod.err" "missing command"
check_rc "kmod modprobe (a tool, not a command)" "$WORK/tool.pmod" 1
check_contains "kmod bogus: said" "$WORK/bad.pmod.err" "invalid command 'bogus'"

# kmod list on a fake kernel: lsmod's output, and Debian kmod's.
D=$(fake_new typical <<'REC'
btusb 65536 0 - Live 0xffffffffc0a00000
btrtl 28672 1 btusb, Live 0xffffffffc09f0000
bluetooth 974848 33 btusb,btrtl, Live 0xffffffffc0800000
vboxdrv 696320 2 [permanent], Live 0xffffffffc0600000 (OE)
REC
)
run "$WORK/list.pmod" "$D" -- "$PMOD" list
run "$WORK/lsmod.pmod" "$D" -- "$WORK/bin/lsmod"
check_same "kmod list = lsmod" "$WORK/lsmod.pmod.out" "$WORK/list.pmod.out"
check_rc "kmod list" "$WORK/list.pmod" 0
check_contains "kmod list lists" "$WORK/list.pmod.out" "bluetooth"
if [ $HAVE_KMOD = 1 ]; then
	run "$WORK/list.kmod" "$D" -- "$KMOD" list
	check_same "kmod list = Debian's kmod list" "$WORK/list.kmod.out" "$WORK/list.pmod.out"
fi

# The version line, read as scripts read it.
selftest_ok() (	# PROGRAM: the kernel's tools/testing/selftests/kmod/kmod.sh check
	set +u	# as the selftest runs: the second line's field is read as a name
	KMOD_VERSION=$("$1" --version | awk '{print $3}')
	if [[ $KMOD_VERSION -le 19 ]]; then return 1; fi
	# A field that is no number makes [[ fail with an error, which that
	# script takes for "new enough": what it means is a number over 19.
	[[ ${KMOD_VERSION%%$'\n'*} =~ ^[0-9]+$ ]] && (( ${KMOD_VERSION%%$'\n'*} > 19 ))
) 2>/dev/null
# dracut_failures PROGRAM...: the programs dracut-init.sh's check finds
# older than 3.7, with dracut's own vercmp (sourced once).
dracut_failures() {
	local fns=/usr/lib/dracut/dracut-functions.sh
	if [ -f "$fns" ]; then
		bash -c '. "$1" >/dev/null 2>&1; shift
			for p; do vercmp "$("$p" --version | cut -d" " -f3)" lt 3.7 && echo "$p"; done
			true' _ "$fns" "$@"
	else	# the same comparison without dracut: the first number, then the second
		local p v
		for p; do
			v=$("$p" --version | head -n1 | cut -d' ' -f3)
			[[ $v =~ ^([0-9]+)(\.([0-9]+))?$ ]] &&
				(( BASH_REMATCH[1] > 3 || (BASH_REMATCH[1] == 3 && ${BASH_REMATCH[3]:-0} >= 7) )) ||
				echo "$p"
		done
	fi
}
# kmod and the tools' own programs (through kmod they print the same, as
# checked above).
for prog in "$PMOD" "$@"; do
	name=$(basename "$prog")
	if selftest_ok "$prog"; then pass; else fail "$name --version: the kmod selftest finds it older than kmod 20"; fi
	first=$("$prog" --version | head -n1)
	case $first in
	"kmod version"*) fail "$name --version passes for Debian's kmod: $first" ;;
	*pmod*) pass ;;
	*) fail "$name --version does not say pmod: $first" ;;
	esac
done
check_eq "dracut's version check" "$(dracut_failures "$PMOD" "$@")" ""
# The checks themselves can fail: kmod 19 and kmod 3.6 are refused.
printf '#!/bin/sh\necho "kmod version 19"; echo "+ZSTD +XZ -ZLIB"\n' > "$WORK/old19"
printf '#!/bin/sh\necho "kmod version 3.6"\n' > "$WORK/old36"
chmod +x "$WORK/old19" "$WORK/old36"
if selftest_ok "$WORK/old19"; then fail "the selftest check accepts kmod 19"; else pass; fi
check_eq "dracut's check refuses 3.6" "$(dracut_failures "$WORK/old36")" "$WORK/old36"
finish
