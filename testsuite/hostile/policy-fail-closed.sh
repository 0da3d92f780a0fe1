#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every doubt about the module policy fails closed, through the real tools
# under the fake kernel (no module tree needed: each check is decided
# before a module is looked up):
#  - a SigningPolicy or AutoLoadPolicy value in policy.conf or the registry
#    that is present but not understood (unknown, misspelt, quoted,
#    truncated, stray characters, control bytes, overlong, a NUL, the wrong
#    registry type, unterminated) means enforce / disabled, with a warning
#    naming the value and its source, and a later good line does not undo
#    it; a policy.conf that cannot be read means every knob strictest;
#  - registry errors: ENOSYS and EPERM (seccomp) read policy.conf, a
#    missing value is the default, any other error is the strictest;
#  - the warning reaches syslog on a quiet demand load;
#  - the kernel's demand-load shape (-q -- NAME) whose parent cannot be
#    read is a demand load;
#  - nothing reaches syslog unescaped: a newline in a module path or a
#    policy value cannot forge a second entry.
# usage: policy-fail-closed.sh MODPROBE SHIM MAKE_FAKE_KERNEL
PMP=$1 SHIM=$2 MAKE_FAKE=$3
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=6.1.0-test
TROOT=$WORK/root
mkdir -p "$TROOT/etc/pmod" "$TROOT/etc/modprobe.d" "$TROOT/lib/modules/$ABI"
CONF=$TROOT/etc/pmod/policy.conf
policy() { rm -rf "$CONF"; printf '%s\n' "$@" > "$CONF"; }

# go NAME [VAR=VALUE...] -- ARGS: modprobe on a fresh fake kernel $WORK/NAME
# (a registry file written there first survives: REG=1 keeps the dir).
go() {
	local name=$1
	shift
	[ -d "$WORK/$name" ] || fake_new "$name" --cmdline "" < /dev/null > /dev/null
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	run "$WORK/$name" "$WORK/$name" "${envs[@]}" -- "$PMP" --root "$TROOT" -S "$ABI" "$@"
	touch "$WORK/$name/syslog.log" "$WORK/$name/calls.log"
}
registry() {	# NAME LINES...: a fresh fake kernel whose registry holds LINES
	local name=$1
	shift
	fake_new "$name" --cmdline "" < /dev/null > /dev/null
	printf '%s\n' "$@" > "$WORK/$name/registry"
}
# The effective SigningPolicy: a forced load is refused up front under
# enforce only.
check_enforce() {	# DESC NAME
	check_contains "$1: enforce" "$WORK/$2.err" "forced loads are refused: the signing policy is enforce"
	check_rc "$1" "$WORK/$2" 1
}
check_not_enforce() {
	check_absent "$1: not enforce" "$WORK/$2.err" "forced loads are refused"
}
# The effective AutoLoadPolicy: a demand load refused before any lookup.
check_disabled() {	# DESC NAME
	check_rc "$1" "$WORK/$2" 1
	check_contains "$1: refused by disabled" "$WORK/$2.err" "refused by AutoLoadPolicy=disabled"
	check_contains "$1: recorded" "$WORK/$2/syslog.log" "autoload-policy=disabled"
	check_no_calls "$1" "$WORK/$2"
}
check_one_line_each() {	# DESC SYSLOG: every entry starts with a tool's name
	local bad
	bad=$(grep -cvE '^modprobe [a-z]+\.[a-z]+ ' "$2")
	check_eq "$1: no forged syslog entry" "$bad" 0
}

# ---------------------------------------------------------------- policy.conf
F="$CONF line"
i=0
for v in enforcing '"warn"' "'warn'" 'warn x' 'wa' 'warn;' $'warn\001' $'\033[1mwarn' $'w\xffarn' \
	"$(printf 'w%.0s' $(seq 1 5000))" ''; do
	i=$((i + 1))
	policy "AutoLoadPolicy = disabled" "SigningPolicy = $v"
	go sig-file-$i -- -f loop
	check_enforce "policy.conf SigningPolicy '$v'" sig-file-$i
	if [ -n "$v" ]; then
		check_contains "policy.conf SigningPolicy #$i: warning" "$WORK/sig-file-$i.err" \
			"$F 2: unknown SigningPolicy value "
	else
		check_contains "policy.conf SigningPolicy empty: warning" "$WORK/sig-file-$i.err" \
			"$F 2: SigningPolicy has no value"
	fi
	check_contains "policy.conf SigningPolicy #$i: strictest named" "$WORK/sig-file-$i.err" \
		"; using the strictest setting, SigningPolicy = enforce"
done
check_contains "policy.conf: the value is named, escaped" "$WORK/sig-file-2.err" 'value "\"warn\"" (expected'
check_contains "policy.conf: control bytes escaped" "$WORK/sig-file-7.err" 'value "warn\x01" (expected'
check_contains "policy.conf: non-UTF-8 escaped" "$WORK/sig-file-9.err" 'value "w\xffarn" (expected'
check_contains "policy.conf: an overlong value is cut" "$WORK/sig-file-10.err" 'wwwww..." (expected'
# A NUL byte in the value.
printf 'SigningPolicy = war\0n\n' > "$CONF"
go sig-file-nul -- -f loop
check_enforce "policy.conf SigningPolicy with a NUL" sig-file-nul
check_contains "policy.conf NUL: warning" "$WORK/sig-file-nul.err" "$F 1: SigningPolicy holds a NUL byte"
# Good, then bad: the bad one wins, not the default.
policy "SigningPolicy = warn" "SigningPolicy = warm"
go sig-good-bad -- -f loop
check_enforce "policy.conf: good line then bad line" sig-good-bad
policy "SigningPolicy = warm" "SigningPolicy = warn"
go sig-bad-good -- -f loop
check_enforce "policy.conf: bad line then good line" sig-bad-good
# The control: a good value is obeyed.
policy "SigningPolicy = warn"
go sig-good -- -f loop
check_not_enforce "policy.conf: warn" sig-good

i=0
for v in disable Enable '"enabled"' 'enabled x' allow_list 'allow-lis' ''; do
	i=$((i + 1))
	policy "AutoLoadPolicy = enabled" "AutoLoadPolicy = $v"
	go al-file-$i -- --demand loop
	check_disabled "policy.conf AutoLoadPolicy '$v'" al-file-$i
	check_contains "policy.conf AutoLoadPolicy #$i: strictest named" "$WORK/al-file-$i.err" \
		"$F 2: "
	check_contains "policy.conf AutoLoadPolicy #$i: strictest named" "$WORK/al-file-$i.err" \
		"; using the strictest setting, AutoLoadPolicy = disabled"
done
# A damaged name: which knob it was is unknown, so all are strictest.
policy "AutoLoadPolicy = enabled" "SigningPolicy = warn" "AutoLoadPolcy = enabled"
go al-misspelt-name -- --demand loop
check_disabled "policy.conf: misspelt name" al-misspelt-name
check_contains "policy.conf: misspelt name warned" "$WORK/al-misspelt-name.err" \
	"$F 3: unknown setting AutoLoadPolcy"
printf 'SigningPolicy = warn\nAutoLoadPol' > "$CONF"
go al-truncated -- -f loop
check_enforce "policy.conf: truncated last line" al-truncated
# A file that is there but cannot be read: a directory, a FIFO.
rm -rf "$CONF"; mkdir "$CONF"
go unreadable-dir -- --demand loop
check_disabled "policy.conf is a directory" unreadable-dir
check_contains "policy.conf is a directory: warned" "$WORK/unreadable-dir.err" \
	"policy.conf: not a regular file; using the strictest setting of every knob"
go unreadable-dir-f -- -f loop
check_enforce "policy.conf is a directory" unreadable-dir-f
rm -rf "$CONF"; mkfifo "$CONF"
go unreadable-fifo -- --demand loop
check_disabled "policy.conf is a FIFO" unreadable-fifo
rm -f "$CONF"
# Missing: the defaults (enabled, the floor), no warning.
go missing -- --demand loop
check_absent "policy.conf missing: not refused by policy" "$WORK/missing.err" "refused by"
check_absent "policy.conf missing: no warning" "$WORK/missing.err" "WARNING"

# ---------------------------------------------------------------- registry
policy "SigningPolicy = warn" "AutoLoadPolicy = enabled"
R='Machine\System\Modules'
registry reg-sz-bad "SigningPolicy REG_SZ enforce x" "AutoLoadPolicy REG_SZ disabled"
go reg-sz-bad -- -f loop
check_enforce "registry: unknown SigningPolicy" reg-sz-bad
check_contains "registry: unknown SigningPolicy warned" "$WORK/reg-sz-bad.err" \
	"registry value $R\\SigningPolicy: unknown SigningPolicy value \"enforce x\""
registry reg-type "SigningPolicy REG_DWORD 0" "AutoLoadPolicy REG_MULTI_SZ enabled"
go reg-type -- -f loop
check_enforce "registry: SigningPolicy of the wrong type" reg-type
check_contains "registry: wrong type warned" "$WORK/reg-type.err" \
	"registry value $R\\SigningPolicy: has REG_DWORD (type 4), expected REG_SZ; using the strictest setting, SigningPolicy = enforce"
go reg-type -- --demand loop
check_disabled "registry: AutoLoadPolicy of the wrong type" reg-type
# "warn" without its terminator; "enabled" with a second string after
# the NUL; a newline and a forged record in the value; an unknown type.
registry reg-raw "SigningPolicy RAW 1 7761726e" "AutoLoadPolicy RAW 1 656e61626c656400656e61626c656400"
go reg-raw -- -f loop
check_enforce "registry: unterminated SigningPolicy" reg-raw
check_contains "registry: unterminated warned" "$WORK/reg-raw.err" "SigningPolicy: the string is not terminated"
go reg-raw -- --demand loop
check_disabled "registry: AutoLoadPolicy with text after its NUL" reg-raw
registry reg-nl "AutoLoadPolicy RAW 1 656e61626c65640a46414b45205245434f524400" "SigningPolicy RAW 99 7761726e00"
go reg-nl -- --demand loop
check_disabled "registry: AutoLoadPolicy with a newline" reg-nl
check_contains "registry: newline escaped in the warning" "$WORK/reg-nl.err" 'value "enabled\x0aFAKE RECORD"'
check_contains "registry: unknown type" "$WORK/reg-nl.err" "SigningPolicy: has an unexpected type (type 99)"
check_one_line_each "registry: newline in a value" "$WORK/reg-nl/syslog.log"
check_contains "registry: the warning is recorded, escaped" "$WORK/reg-nl/syslog.log" \
	'policy-warning message="registry value Machine\\System\\Modules\\AutoLoadPolicy: unknown AutoLoadPolicy value \"enabled\\x0aFAKE RECORD\"'
# Overlong: far more than any word, shown cut.
registry reg-long "SigningPolicy REG_SZ $(printf 'e%.0s' $(seq 1 3000))" "AutoLoadPolicy REG_SZ disabled"
go reg-long -- -f loop
check_enforce "registry: overlong SigningPolicy" reg-long
check_contains "registry: overlong value cut" "$WORK/reg-long.err" 'eeeee..." (expected'
# LockAfterBoot out of range: 1 (its strictest).
registry reg-lab "LockAfterBoot REG_DWORD 7" "AutoLoadPolicy REG_SZ disabled"
go reg-lab -- --demand loop
check_contains "registry: LockAfterBoot 7" "$WORK/reg-lab.err" \
	"LockAfterBoot: LockAfterBoot value 7 is not 0 or 1; using the strictest setting, LockAfterBoot = 1"
# Errors. "No registry" (ENOSYS, EPERM from seccomp): policy.conf decides.
policy "SigningPolicy = enforce" "AutoLoadPolicy = disabled"
for e in ENOSYS EPERM; do
	registry reg-open-$e "SigningPolicy REG_SZ warn" "AutoLoadPolicy REG_SZ enabled"
	go reg-open-$e PMOD_FAKE_REGISTRY_ERROR=$e -- --demand loop
	check_disabled "registry $e: policy.conf read" reg-open-$e
	check_contains "registry $e: the source is the file" "$WORK/reg-open-$e/syslog.log" "policy-source=policy.conf"
	check_absent "registry $e: no warning" "$WORK/reg-open-$e.err" "WARNING"
done
# Any other error: the strictest, whatever policy.conf says.
policy "SigningPolicy = warn" "AutoLoadPolicy = enabled"
for e in EIO EACCES ENOMEM EINVAL; do
	registry reg-open-$e "SigningPolicy REG_SZ warn" "AutoLoadPolicy REG_SZ enabled"
	go reg-open-$e PMOD_FAKE_REGISTRY_ERROR=$e -- --demand loop
	check_disabled "registry $e: strictest" reg-open-$e
	check_contains "registry $e: warned" "$WORK/reg-open-$e.err" \
		"registry key $R: cannot open it ("
	check_contains "registry $e: the source is the registry" "$WORK/reg-open-$e/syslog.log" "policy-source=registry"
	check_contains "registry $e: signing strictest too" "$WORK/reg-open-$e/syslog.log" "signing-policy=enforce"
done
registry reg-q "SigningPolicy REG_SZ warn" "AutoLoadPolicy REG_SZ enabled"
for q in SigningPolicy:EIO AutoLoadPolicy:ENOMEM AutoLoadPolicy:ERANGE AutoLoadPolicy:EACCES; do
	n=reg-q-${q/:/-}
	registry "$n" "SigningPolicy REG_SZ warn" "AutoLoadPolicy REG_SZ enabled"
	go "$n" PMOD_FAKE_REGISTRY_QUERY_ERROR=$q -- -f --demand loop
	case $q in
	SigningPolicy:*) check_enforce "registry query $q" "$n" ;;
	*) check_disabled "registry query $q" "$n" ;;
	esac
	check_contains "registry query $q: warned" "$WORK/$n.err" "registry value $R\\${q%%:*}: "
done
check_contains "registry: a value that keeps growing" "$WORK/reg-q-AutoLoadPolicy-ERANGE.err" \
	"kept changing size while being read; using the strictest setting, AutoLoadPolicy = disabled"
# A missing value is the default, not a doubt.
registry reg-missing "AutoLoadPolicy REG_SZ enabled"
go reg-missing PMOD_FAKE_REGISTRY_QUERY_ERROR=SigningPolicy:ENOENT -- -f loop
check_not_enforce "registry: missing SigningPolicy is the floor" reg-missing
check_absent "registry: missing value, no warning" "$WORK/reg-missing.err" "WARNING"

# ---------------------------------------------------------------- quiet demand loads
# The kernel's own call: "modprobe -q -- NAME" from a kernel thread, the
# test root through the environment. Messages are off; the warning must
# still reach syslog, and the load is refused.
KTHREAD='2 (kworker/u4:1) I 2 0 0 0 -1 69238880 0 0 0 0 0 0'
kernel_call() {	# NAME STAT-LINE-or-special [VAR=VALUE...]
	local name=$1 stat=$2
	shift 2
	fake_new "$name" --cmdline "" < /dev/null > /dev/null
	mkdir -p "$WORK/$name/proc/parent"
	case $stat in
	@dir) mkdir "$WORK/$name/proc/parent/stat" ;;
	@nul) printf '2 (k\0) I 2 0 0 0 -1 69238880 0 0\n' > "$WORK/$name/proc/parent/stat" ;;
	*) printf '%s' "$stat" > "$WORK/$name/proc/parent/stat" ;;
	esac
	run "$WORK/$name" "$WORK/$name" "$@" MODPROBE_OPTIONS="--root $TROOT -S $ABI" -- "$PMP" -q -- loop
	touch "$WORK/$name/syslog.log" "$WORK/$name/calls.log"
}
policy "AutoLoadPolicy = enabled" "AutoLoadPolicy = enabled x"
kernel_call quiet "$KTHREAD"
check_rc "quiet demand load, bad AutoLoadPolicy: refused" "$WORK/quiet" 1
check_eq "quiet demand load: nothing on stderr" "$(cat "$WORK/quiet.err")" ""
check_contains "quiet demand load: the warning reaches syslog" "$WORK/quiet/syslog.log" \
	"modprobe authpriv.warning policy-warning message=\"$CONF line 2: unknown AutoLoadPolicy value \\\"enabled x\\\""
check_contains "quiet demand load: the refusal is recorded" "$WORK/quiet/syslog.log" \
	"refuse-load request=loop module=- path=- signature=not-checked signing-policy="
check_contains "quiet demand load: the refusal names the policy" "$WORK/quiet/syslog.log" \
	"autoload-policy=disabled policy-source=policy.conf demand=yes"
check_no_calls "quiet demand load" "$WORK/quiet"

# The demand shape whose parent cannot be read is a demand load.
policy "AutoLoadPolicy = disabled"
for p in garbled empty @dir @nul; do
	case $p in
	garbled) line='this is not a stat line' ;;
	empty) line='' ;;
	*) line=$p ;;
	esac
	kernel_call parent-$p "$line"
	check_rc "unreadable parent ($p): a demand load, refused" "$WORK/parent-$p" 1
	check_contains "unreadable parent ($p): recorded as demand" "$WORK/parent-$p/syslog.log" \
		"rule=\"AutoLoadPolicy=disabled\""
	check_contains "unreadable parent ($p): demand=yes" "$WORK/parent-$p/syslog.log" "demand=yes"
	check_no_calls "unreadable parent ($p)" "$WORK/parent-$p"
done
# The control: a readable parent that is not a kernel thread makes the
# same call an administrator's explicit request (not refused by policy).
kernel_call parent-user '4242 (bash) S 1 4242 4242 0 -1 4194560 0 0 0 0'
check_absent "readable user parent: explicit" "$WORK/parent-user/syslog.log" "AutoLoadPolicy=disabled"

# ---------------------------------------------------------------- syslog is escaped
# modprobe -s with a hostile name.
policy "# defaults"
# A name holding a newline, and bytes that are not UTF-8 (a lone byte, an
# encoded CSI), reach syslog as one entry, escaped.
go mp-syslog -- -s $'loop\nFAKE RECORD\xff\xc2\x9b2J'
check_contains "modprobe -s: escaped" "$WORK/mp-syslog/syslog.log" 'loop\x0aFAKE RECORD\xff\xc2\x9b2J'
check_one_line_each "modprobe -s" "$WORK/mp-syslog/syslog.log"

# ---------------------------------------------------------------- modules_disabled
# Unreadable is warned about (not silently "unlocked"); the kernel keeps
# its own lock, so the tools go on.
fake_new md-garbled --cmdline "" < /dev/null > /dev/null
echo "yes" > "$WORK/md-garbled/proc/sys/kernel/modules_disabled"
go md-garbled -- loop
check_contains "modules_disabled garbled: warned" "$WORK/md-garbled.err" \
	"cannot tell whether module loading is locked (/proc/sys/kernel/modules_disabled: Invalid argument)"
fake_new md-missing --cmdline "" < /dev/null > /dev/null
rm -f "$WORK/md-missing/proc/sys/kernel/modules_disabled"
go md-missing -- loop
check_absent "modules_disabled missing: silent" "$WORK/md-missing.err" "modules_disabled"

finish
