#!/bin/bash
# depmod-safety.sh PMOD_DEPMOD
#
# depmod is safe to interrupt. On a throwaway hard-linked
# copy of the real tree PMOD_TEST_ROOT/lib/modules/PMOD_TEST_ABI (never
# written to; the test skips with 77 without those variables):
#
#   sigkill-sweep   depmod is killed with SIGKILL at many points of a run
#                   (timed points across the whole run, timed points packed
#                   in the publishing phase, as soon as each output starts
#                   being written (its temporary appears, or it changes in
#                   place), and (with strace) on entry to each rename);
#                   afterwards every output must be byte-identical to the
#                   complete old file or the complete new one, and a normal
#                   run must then give the complete new set.
#   disk-full-*     write() fails (RLIMIT_FSIZE with SIGXFSZ ignored, and a
#                   full tmpfs): exit status 1, the file and the error named,
#                   no temporary file left, the old set untouched.
#   unwritable-*    the output directory is immutable (chattr +i), read-only
#                   (bind mount) or cannot be made (ENOTDIR): the same.
#   rename-fails    an output name is taken by a directory: exit 1, no
#                   temporary left, every output old or new.
#   concurrent      two depmods on the same tree at once, several rounds.
#   kmod-reads-new  kmod's modprobe resolves a module and a symbol with the
#                   set left by the sweep.
#
# Prints ok/FAIL per case and "N passed, M failed"; exit 1 on failure.
set -u
export LC_ALL=C

if [ $# -ne 1 ]; then
	echo "usage: $0 PMOD_DEPMOD" >&2
	exit 2
fi
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "SKIP: PMOD_TEST_ROOT and PMOD_TEST_ABI are not set"
	exit 77
fi
ABI=$PMOD_TEST_ABI
SRC=$PMOD_TEST_ROOT/lib/modules/$ABI
DEPMOD=$(realpath "$1") || exit 2
if [ ! -d "$SRC" ]; then
	echo "SKIP: no module tree at $SRC"
	exit 77
fi
# (/usr/bin/python3 first: a pyenv shim costs a quarter second per start)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: python3 is needed for the kill helper"; exit 77; }

# Write order of depmod_write.c (only used to name things; the checks do
# not depend on it).
OUTPUTS=(modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
	 modules.weakdep modules.symbols modules.symbols.bin modules.builtin.bin
	 modules.builtin.alias.bin modules.devname)

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
fail() { echo "FAIL - $*"; failed=$((failed + 1)); }
skip() { echo "skip - $*"; }

# ------------------------------------------------------------- cleanup
T=$(mktemp -d "${TMPDIR:-/tmp}/pmod-depmod-safety.XXXXXX") || exit 1
MOUNTS=()
IMMUTABLE=()
cleanup() {
	local i
	for i in "${IMMUTABLE[@]}"; do chattr -i "$i" 2>/dev/null; done
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do umount "${MOUNTS[i]}" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------- helpers
# make_tree ROOT: ROOT/lib/modules/ABI, hard links to the real tree without
# depmod's outputs. Files linked to the real tree are never written in
# place: the new state replaces them with new files.
make_tree() {
	mkdir -p "$1/lib/modules" || return 1
	cp -al "$SRC" "$1/lib/modules/" 2>/dev/null || {
		rm -rf "${1:?}/lib/modules/$ABI"
		cp -a "$SRC" "$1/lib/modules/" || return 1
	}
	(cd "$1/lib/modules/$ABI" && rm -f modules.*.bin "${OUTPUTS[@]}")
}

# module_path MD NAME [DEP]: the path (relative to MD) of module NAME, from
# the old modules.dep (or DEP).
module_path() {
	local want=${2//-/_}
	awk -F: -v want="$want" '{
		n = $1; sub(/.*\//, "", n); sub(/\.ko.*$/, "", n); gsub(/-/, "_", n)
		if (n == want) { print $1; exit }
	}' "${3:-$OLD/modules.dep}"
}

# weaken MD P: the module file P (relative to MD) with its softdep turned
# into a weakdep (its pre:/post: markers blanked, at the same length, since
# weakdep takes names only), uncompressed.
weaken() {
	local md=$1 p=$2
	case $p in
	*.ko) cat "$md/$p" ;;
	*.ko.xz) xz -dc "$md/$p" ;;
	*.ko.zst) zstd -qdc "$md/$p" ;;
	*.ko.gz) gzip -dc "$md/$p" ;;
	esac | perl -0777 -pe 's/\0softdep=([^\0]*)/my $v = $1; $v =~ s{\b(pre|post):}{" " x (length($1) + 1)}ge; "\0weakdep=$v"/ge' >"$md/.tmp.ko" &&
		rm -f "$md/$p" && mv "$md/.tmp.ko" "$md/${p%.ko*}.ko"
}

# weaken_second MD: the old state has a weak dependency too (depmod writes
# no modules.weakdep without one): the second module with a softdep in the
# real tree's index gets a weakdep instead.
weaken_second() {
	local m p
	m=$(awk '$1 == "softdep" { if (++n == 2) { print $2; exit } }' "$SRC/modules.softdep")
	p=$(module_path "$1" "$m" "$SRC/modules.dep")
	[ -n "$p" ] && weaken "$1" "$p"
}

# to_new_state MD: change the tree so that every output changes: drop a
# module with a devname, drop one that exports symbols, turn a module's
# softdep into a weakdep (its pre:/post: markers blanked, at the same
# length, since weakdep takes names only), drop a line of modules.builtin and the records
# of a builtin module with aliases from modules.builtin.modinfo.
to_new_state() {
	local md=$1 m p b
	m=$(awk '!/^#/ { print $1; exit }' "$OLD/modules.devname")
	p=$(module_path "$md" "$m")
	[ -n "$p" ] && rm -f "$md/$p"
	m=$(awk '{ n = $NF } END { print n }' "$OLD/modules.symbols")
	p=$(module_path "$md" "$m")
	[ -n "$p" ] && rm -f "$md/$p"
	m=$(awk '$1 == "softdep" { print $2; exit }' "$OLD/modules.softdep")
	p=$(module_path "$md" "$m")
	[ -z "$p" ] || weaken "$md" "$p"
	sed 1d "$md/modules.builtin" >"$md/.tmp" && mv "$md/.tmp" "$md/modules.builtin"
	b=$(tr '\0' '\n' <"$md/modules.builtin.modinfo" | awk -F. '/\.alias=/ { print $1; exit }')
	if [ -n "$b" ]; then
		sed -z "/^${b}\\./d" "$md/modules.builtin.modinfo" >"$md/.tmp" &&
			mv "$md/.tmp" "$md/modules.builtin.modinfo"
	fi
}

# state_of DIR: one letter per output: o = the old file, n = the new file,
# M = missing, X = anything else (torn, empty, foreign).
state_of() {
	local s="" f
	for f in "${OUTPUTS[@]}"; do
		if [ ! -f "$1/$f" ]; then s+=M
		elif cmp -s "$1/$f" "$OLD/$f"; then s+=o
		elif cmp -s "$1/$f" "$NEW/$f"; then s+=n
		else s+=X; fi
	done
	echo "$s"
}
ALL_OLD=$(printf 'o%.0s' "${OUTPUTS[@]}")
ALL_NEW=$(printf 'n%.0s' "${OUTPUTS[@]}")

# describe STATE: the files that are not o/n, for messages.
describe() {
	local i out=""
	for i in "${!OUTPUTS[@]}"; do
		case ${1:i:1} in o|n) ;; *) out+=" ${OUTPUTS[i]}=${1:i:1}" ;; esac
	done
	echo "${out# }"
}

# message FILE: depmod's own error line (sanitizer reports may come first).
message() { grep -m1 '^depmod: ' "$1" || head -1 "$1"; }

count_tmps() { find "$1" -maxdepth 1 -name '.modules.*' | wc -l; }
inodes_of() { (cd "$1" && stat -c '%n %i' "${OUTPUTS[@]}" 2>&1); }

# restore_old MD: the old set back, temporaries gone.
restore_old() {
	find "$1" -maxdepth 1 -name '.modules.*' -delete
	(cd "$1" && rm -rf "${OUTPUTS[@]}")
	cp -p "$OLD"/modules.* "$1/"
}

# check_failure NAME RC ERRFILE DIR WANT_ERRNO_TEXT [INODES_BEFORE]
# A failure depmod survives: exit 1, a message naming a file or directory
# and the error, no temporary, the old set untouched.
check_failure() {
	local name=$1 rc=$2 err=$3 dir=$4 want=$5 before=${6:-} why="" st n
	[ "$rc" = 1 ] || why+=" exit status $rc (want 1);"
	grep -q "$want" "$err" || why+=" stderr lacks '$want';"
	grep -Eq "(/modules\.[a-z.]+|$dir)" "$err" || why+=" stderr names no file;"
	n=$(count_tmps "$dir")
	[ "$n" = 0 ] || why+=" $n temporary file(s) left: $(cd "$dir" && ls -d .modules.* | tr '\n' ' ');"
	st=$(state_of "$dir")
	[ "$st" = "$ALL_OLD" ] || why+=" old set changed ($st; o = old, n = new);"
	if [ -n "$before" ] && [ "$(inodes_of "$dir")" != "$before" ]; then
		why+=" outputs were replaced (inodes changed);"
	fi
	if [ -z "$why" ]; then
		ok "$name: $(message "$err")"
	else
		fail "$name:$why"
		sed 's/^/#   stderr: /' "$err"
	fi
}

# ------------------------------------------------------------- kill helper
cat >"$T/killer.py" <<'EOF'
# killer.py MODE ARG OUTDIR CMD...: run CMD, SIGKILL it, print what happened.
#   time US       kill US microseconds after the start
#   chg NAME      kill as soon as the temporary .NAME.XXXXXX appears or NAME
#                 itself changes (inode, size or mtime: an in-place writer)
#   ren NAME      kill as soon as NAME is replaced (inode changes)
#   calibrate -   no kill: print the times (us) at which the output directory
#                 first changed (a temporary or an output), the first output
#                 was replaced, the run ended
#   calibrate plain  no kill, no watching: print the run time (us) and status
# Prints "killed", or "exited RC" when CMD ended first.
import os, signal, subprocess, sys, time

mode, arg, outdir, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
names = ["modules.dep", "modules.dep.bin", "modules.alias", "modules.alias.bin",
         "modules.softdep", "modules.weakdep", "modules.symbols", "modules.symbols.bin",
         "modules.builtin.bin", "modules.builtin.alias.bin", "modules.devname"]


def ino(name):
    try:
        return os.stat(os.path.join(outdir, name)).st_ino
    except OSError:
        return None


def sig(name):
    try:
        st = os.stat(os.path.join(outdir, name))
        return (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def is_tmp(entry, name):
    prefix = "." + name + "."
    rest = entry[len(prefix):]
    return entry.startswith(prefix) and len(rest) == 6 and rest.isalnum()


inos = {n: ino(n) for n in names}
sigs = {n: sig(n) for n in names}
t0 = time.monotonic()
p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)


def finish():
    if p.poll() is None:
        os.kill(p.pid, signal.SIGKILL)
    rc = p.wait()
    print("killed" if rc == -signal.SIGKILL else "exited %d" % rc)


if mode == "time":
    deadline = t0 + int(arg) / 1e6
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        if left > 0.002:
            time.sleep(left - 0.001)
    finish()
elif mode in ("chg", "ren"):
    while p.poll() is None:
        if mode == "chg":
            hit = any(is_tmp(e, arg) for e in os.listdir(outdir)) or sig(arg) != sigs[arg]
        else:
            hit = ino(arg) != inos[arg]
        if hit:
            break
    finish()
elif arg == "plain":
    p.wait()
    print(int((time.monotonic() - t0) * 1e6), p.returncode)
else:
    t_tmp = t_ren = None
    while p.poll() is None:
        now = time.monotonic() - t0
        if t_tmp is None and (any(e.startswith(".modules.") for e in os.listdir(outdir)) or
                              any(sig(n) != sigs[n] for n in names)):
            t_tmp = now
        if t_ren is None and any(ino(n) != inos[n] for n in names):
            t_ren = now
    t_exit = time.monotonic() - t0
    us = lambda t: -1 if t is None else int(t * 1e6)
    print(us(t_tmp), us(t_ren), us(t_exit), p.returncode)
EOF

# ------------------------------------------------------------- setup
A=$T/a			# the tree the tests run on
B=$T/b			# an identical copy, to compute the expected new set
OLD=$T/old
NEW=$T/new
MA=$A/lib/modules/$ABI
MB=$B/lib/modules/$ABI
mkdir -p "$OLD" "$NEW"
t_setup=$SECONDS

make_tree "$A" || { echo "FAIL - setup: cannot copy $SRC"; exit 1; }
weaken_second "$MA"
if ! "$DEPMOD" -b "$A" "$ABI" 2>"$T/setup.err"; then
	echo "FAIL - setup: depmod on the copy failed"; cat "$T/setup.err"; exit 1
fi
for f in "${OUTPUTS[@]}"; do
	[ -f "$MA/$f" ] || { echo "FAIL - setup: depmod wrote no $f"; exit 1; }
done
cp -p "$MA"/modules.* "$OLD/" && rm -f "$OLD"/modules.builtin "$OLD"/modules.builtin.modinfo \
	"$OLD"/modules.order
ls "$MA"/modules.* | sed 's,.*/,,' | grep -vxF -e modules.builtin -e modules.builtin.modinfo \
	-e modules.order "${OUTPUTS[@]/#/-e}" | sed 's/^/# note: unexpected output /'

make_tree "$B" || { echo "FAIL - setup: cannot copy $SRC"; exit 1; }
weaken_second "$MB"
to_new_state "$MA"
to_new_state "$MB"
if ! "$DEPMOD" -b "$B" "$ABI" 2>"$T/setup.err"; then
	echo "FAIL - setup: depmod on the new state failed"; cat "$T/setup.err"; exit 1
fi
for f in "${OUTPUTS[@]}"; do cp -p "$MB/$f" "$NEW/"; done
same=""
for f in "${OUTPUTS[@]}"; do cmp -s "$OLD/$f" "$NEW/$f" && same+=" $f"; done
if [ -z "$same" ]; then
	ok "setup: old and new state differ in all ${#OUTPUTS[@]} outputs ($((SECONDS - t_setup))s)"
else
	fail "setup: the new state does not change:$same"
fi
rm -rf "$B"

# ------------------------------------------------------------- SIGKILL sweep
# The run time, from plain runs; where publishing starts, from runs watched
# by the polling helper (which slows depmod down), scaled to the plain time.
cal=() plain=()
for i in 1 2 3; do
	restore_old "$MA"
	read -r t_tmp t_ren t_exit rc < <("$PY" "$T/killer.py" calibrate - "$MA" \
		"$DEPMOD" -b "$A" "$ABI" 2>/dev/null)
	if [ "${rc:-x}" != 0 ]; then
		fail "sigkill-sweep: a calibration run exited ${rc:-?}"
		echo "$passed passed, $failed failed"
		exit 1
	fi
	cal+=("$t_exit $t_tmp $t_ren")
	restore_old "$MA"
	read -r t_exit rc < <("$PY" "$T/killer.py" calibrate plain "$MA" "$DEPMOD" -b "$A" "$ABI" 2>/dev/null)
	plain+=("$t_exit")
done
read -r POLL_US TMP_US REN_US < <(printf '%s\n' "${cal[@]}" | sort -n | sed -n 2p)
RUN_US=$(printf '%s\n' "${plain[@]}" | sort -n | sed -n 2p)
echo "# a run takes ${RUN_US}us (${POLL_US}us when watched: first write at ${TMP_US}us, first rename at ${REN_US}us)"
[ "${TMP_US:--1}" -gt 0 ] && [ "$POLL_US" -gt 0 ] && TMP_US=$((TMP_US * RUN_US / POLL_US))

points=()
n_uni=40 n_win=16
# A process killed with SIGKILL runs no sanitizer check, so under the
# sanitizers the sweep proves nothing the plain build's does not; a
# sanitizer build (PMOD_SANITIZER_BUILD=1) keeps a few timed points and
# spends its time on the cases where depmod runs its error paths to the end.
sanitized=${PMOD_SANITIZER_BUILD:-0}
if [ "$sanitized" = 1 ]; then n_uni=4 n_win=2
elif [ "${RUN_US:-0}" -gt 450000 ]; then n_uni=20 n_win=8; fi	# slow machines
for ((i = 0; i < n_uni; i++)); do points+=("time $((RUN_US * 12 * i / (10 * (n_uni - 1))))"); done
if [ "${TMP_US:--1}" -gt 0 ]; then
	# from a little before the first write to a little after the end
	w0=$((TMP_US - (RUN_US - TMP_US))) w1=$((RUN_US * 21 / 20))
	for ((i = 0; i < n_win; i++)); do points+=("time $((w0 + (w1 - w0) * i / (n_win - 1)))"); done
else
	n_win=0
fi
[ "$sanitized" = 1 ] || for f in "${OUTPUTS[@]}"; do points+=("chg $f"); done
# The renames take microseconds: polling cannot land a kill between two of
# them. strace can: SIGKILL on entry to the K-th rename. (Not with
# --seccomp-bpf, where strace 6.1 does not inject; a traced run costs ~1 s.)
STRACE=$(command -v strace)
if [ "$sanitized" = 1 ]; then
	n_ev="no event points (sanitizer build: the plain build runs them)"
elif [ -n "$STRACE" ]; then
	for ((k = 1; k <= ${#OUTPUTS[@]}; k++)); do points+=("strace rename $k"); done
	n_ev="11 when a file starts being written, 11 by strace at the K-th rename"
else
	echo "# note: no strace; polling for renames instead (rarely lands between two)"
	for f in "${OUTPUTS[@]}"; do points+=("ren $f"); done
	n_ev="22 at events"
fi

t_sweep=$SECONDS
n_old=0 n_mixed=0 n_new=0 n_exited=0 n_tmpkills=0 n_tmps=0 sweep_bad=0
for pt in "${points[@]}"; do
	restore_old "$MA"
	case $pt in
	strace*)
		read -r _ sc k <<<"$pt"
		# (in $(...) with stderr closed: no "Killed" from bash)
		rc=$( { "$STRACE" -f -qq -o /dev/null -e trace="$sc" \
			-e inject="$sc:signal=KILL:when=$k" \
			"$DEPMOD" -b "$A" "$ABI" >/dev/null 2>"$T/kill.err"; echo $?; } 2>/dev/null)
		if [ "$rc" = 137 ]; then res=killed; else res="exited $rc"; fi
		if [ "$rc" = 0 ]; then echo "# note: $pt did not fire (fewer calls than outputs?)"; fi
		;;
	*) res=$("$PY" "$T/killer.py" $pt "$MA" "$DEPMOD" -b "$A" "$ABI" 2>"$T/kill.err") ;;
	esac
	st=$(state_of "$MA")
	nt=$(count_tmps "$MA")
	echo "# kill at $pt: $res, outputs $st, $nt temporaries"
	bad=""
	case $res in
	killed) ;;
	"exited 0") n_exited=$((n_exited + 1)); [ "$st" = "$ALL_NEW" ] || bad+=" exited 0 without the new set;" ;;
	*) bad+=" depmod $res;" ;;
	esac
	case $st in
	*[MX]*) bad+=" outputs neither old nor new: $(describe "$st");" ;;
	"$ALL_OLD") n_old=$((n_old + 1)) ;;
	"$ALL_NEW") n_new=$((n_new + 1)) ;;
	*) n_mixed=$((n_mixed + 1)) ;;
	esac
	if [ "$nt" -gt 0 ]; then n_tmpkills=$((n_tmpkills + 1)); n_tmps=$((n_tmps + nt)); fi
	# After a kill, a normal run gives the complete new set, leaves no new
	# temporary, and does not trip over the old ones.
	if [ "$res" != killed ]; then
		:
	elif ! "$DEPMOD" -b "$A" "$ABI" 2>"$T/rerun.err"; then
		bad+=" the following run failed: $(message "$T/rerun.err");"
	else
		st2=$(state_of "$MA")
		[ "$st2" = "$ALL_NEW" ] || bad+=" the following run left $st2 ($(describe "$st2"));"
		nt2=$(count_tmps "$MA")
		[ "$nt2" = "$nt" ] || bad+=" the following run changed the temporaries: $nt -> $nt2;"
	fi
	if [ -n "$bad" ]; then
		sweep_bad=$((sweep_bad + 1))
		echo "#   FAILED at $pt:$bad"
		sed 's/^/#   stderr: /' "$T/kill.err"
	fi
done
summary="${#points[@]} kills ($n_uni over the run, $n_win in the publishing window, $n_ev) in $((SECONDS - t_sweep))s: $n_old left the old set, $n_mixed a mix of old and new files, $n_new the new set ($n_exited had finished); $n_tmpkills left temporaries ($n_tmps files)"
if [ "$sweep_bad" -gt 0 ]; then
	fail "sigkill-sweep: $sweep_bad bad points; $summary"
elif [ "$sanitized" != 1 ] && [ $((n_tmpkills + n_mixed)) -eq 0 ]; then
	fail "sigkill-sweep: no kill landed in the publishing phase; $summary"
else
	ok "sigkill-sweep: $summary"
fi

# kmod reads what pmod left (the new set, from the last normal run).
if [ -x /usr/sbin/modprobe ] && [ "$(state_of "$MA")" = "$ALL_NEW" ]; then
	mod=$(awk -F: '$2 != "" { print $1; exit }' "$NEW/modules.dep")
	modname=${mod##*/}; modname=${modname%%.ko*}
	sym=$(awk '$1 == "alias" { print $2; exit }' "$NEW/modules.symbols")
	o1=$(/usr/sbin/modprobe -d "$A" -S "$ABI" --show-depends "$modname" 2>&1)
	o2=$(/usr/sbin/modprobe -d "$A" -S "$ABI" --show-depends "$sym" 2>&1)
	if grep -q "insmod $MA/$mod" <<<"$o1" && grep -q '^insmod ' <<<"$o2"; then
		ok "kmod-reads-new: modprobe --show-depends resolves $modname and $sym"
	else
		fail "kmod-reads-new: modprobe --show-depends $modname / $sym:"
		printf '%s\n%s\n' "$o1" "$o2" | sed 's/^/#   /'
	fi
else
	skip "kmod-reads-new: no /usr/sbin/modprobe, or the tree is not at the new set"
fi

# ------------------------------------------------------------- disk full
# RLIMIT_FSIZE with SIGXFSZ ignored: write() fails with EFBIG. One limit
# stops the first file, one lets every file but the largest through.
size_of() { stat -c %s "$1"; }
first_kb=$(($(size_of "$NEW/${OUTPUTS[0]}") / 2048))
max=0
for f in "${OUTPUTS[@]}"; do s=$(size_of "$NEW/$f"); [ "$s" -gt "$max" ] && max=$s; done
for kb in "$first_kb" $((max / 1024 - 1)); do
	restore_old "$MA"
	before=$(inodes_of "$MA")
	(trap '' XFSZ; ulimit -f "$kb"; exec "$DEPMOD" -b "$A" "$ABI") >/dev/null 2>"$T/err"
	check_failure "disk-full-fsize-${kb}k" $? "$T/err" "$MA" "File too large" "$before"
	# the file named must be one that does not fit
	f=$(grep -Eo 'modules\.[a-z.]+: File too large' "$T/err" | head -1)
	f=${f%%:*}
	if [ -n "$f" ] && [ -f "$NEW/$f" ] && [ "$(size_of "$NEW/$f")" -le $((kb * 1024)) ]; then
		fail "disk-full-fsize-${kb}k: blames $f, which fits in ${kb}k"
	fi
done

# A real full filesystem: a tmpfs holding the old set with 600k to spare,
# written through -o.
FS=$T/tmpfs
mkdir -p "$FS"
need=$(du -sk "$OLD" | cut -f1)
if mount -t tmpfs -o "size=$((need + 600))k" pmod-depmod-safety "$FS" 2>"$T/err"; then
	MOUNTS+=("$FS")
	MF=$FS/lib/modules/$ABI
	mkdir -p "$MF" && cp -p "$OLD"/modules.* "$MF/"
	before=$(inodes_of "$MF")
	"$DEPMOD" -b "$A" -o "$FS" "$ABI" >/dev/null 2>"$T/err"
	check_failure "disk-full-tmpfs" $? "$T/err" "$MF" "No space left on device" "$before"
	umount "$FS" && unset 'MOUNTS[-1]'
else
	skip "disk-full-tmpfs: cannot mount a tmpfs ($(head -1 "$T/err"))"
fi

# ------------------------------------------------------------- unwritable
restore_old "$MA"
before=$(inodes_of "$MA")
if chattr +i "$MA" 2>"$T/err"; then
	IMMUTABLE+=("$MA")
	"$DEPMOD" -b "$A" "$ABI" >/dev/null 2>"$T/err"
	rc=$?
	chattr -i "$MA" && unset 'IMMUTABLE[-1]'
	check_failure "unwritable-immutable" $rc "$T/err" "$MA" "Operation not permitted" "$before"
else
	skip "unwritable-immutable: chattr +i not supported here ($(head -1 "$T/err"))"
fi

restore_old "$MA"
before=$(inodes_of "$MA")
if mount --bind "$MA" "$MA" 2>"$T/err"; then
	MOUNTS+=("$MA")
	if mount -o remount,bind,ro "$MA" 2>"$T/err"; then
		"$DEPMOD" -b "$A" "$ABI" >/dev/null 2>"$T/err"
		rc=$?
		umount "$MA" && unset 'MOUNTS[-1]'
		check_failure "unwritable-readonly-mount" $rc "$T/err" "$MA" "Read-only file system" "$before"
	else
		umount "$MA" && unset 'MOUNTS[-1]'
		skip "unwritable-readonly-mount: cannot remount read-only ($(head -1 "$T/err"))"
	fi
else
	skip "unwritable-readonly-mount: cannot bind-mount ($(head -1 "$T/err"))"
fi

# -o through a regular file: the output directory cannot be made.
: >"$T/afile"
"$DEPMOD" -b "$A" -o "$T/afile" "$ABI" >/dev/null 2>"$T/err"
rc=$?
why=""
[ "$rc" = 1 ] || why+=" exit status $rc (want 1);"
grep -q "$T/afile.*Not a directory" "$T/err" || why+=" stderr lacks the path and ENOTDIR;"
[ "$(find "$T" -maxdepth 1 -name '.modules.*' | wc -l)" = 0 ] || why+=" temporaries left in $T;"
[ "$(size_of "$T/afile")" = 0 ] || why+=" $T/afile was written;"
[ "$(state_of "$MA")" = "$ALL_OLD" ] || why+=" the tree's own set changed;"
if [ -z "$why" ]; then ok "unwritable-enotdir: $(message "$T/err")"; else fail "unwritable-enotdir:$why"; sed 's/^/#   stderr: /' "$T/err"; fi

# ------------------------------------------------------------- rename fails
# An output name taken by a non-empty directory: rename() fails with
# EISDIR after the files before it were renamed.
victim=modules.symbols
restore_old "$MA"
rm -f "${MA:?}/$victim" && mkdir "$MA/$victim" && : >"$MA/$victim/x"
"$DEPMOD" -b "$A" "$ABI" >/dev/null 2>"$T/err"
rc=$?
st=$(state_of "$MA")
why=""
[ "$rc" = 1 ] || why+=" exit status $rc (want 1);"
grep -q "$victim.*Is a directory" "$T/err" || why+=" stderr does not name $victim and EISDIR;"
n=$(count_tmps "$MA")
[ "$n" = 0 ] || why+=" $n temporary file(s) left;"
[ -f "$MA/$victim/x" ] || why+=" the directory in the way was changed;"
for i in "${!OUTPUTS[@]}"; do
	[ "${OUTPUTS[i]}" = "$victim" ] && continue
	case ${st:i:1} in o|n) ;; *) why+=" ${OUTPUTS[i]} is neither old nor new;" ;; esac
done
if [ -z "$why" ]; then
	ok "rename-fails: $(message "$T/err") (outputs left: $st)"
else
	fail "rename-fails:$why"; sed 's/^/#   stderr: /' "$T/err"
fi
rm -rf "${MA:?}/$victim"

# ------------------------------------------------------------- concurrency
# Two depmods on the same tree, the second started 0..~RUN later.
why=""
rounds=6
for ((r = 0; r < rounds; r++)); do
	restore_old "$MA"
	delay_us=$((RUN_US * r / (rounds - 1) / 2))
	"$DEPMOD" -b "$A" "$ABI" >/dev/null 2>"$T/c1.err" &
	p1=$!
	[ "$delay_us" -gt 0 ] && sleep "$(printf '%d.%06d' $((delay_us / 1000000)) $((delay_us % 1000000)))"
	"$DEPMOD" -b "$A" "$ABI" >/dev/null 2>"$T/c2.err" &
	p2=$!
	wait "$p1"; r1=$?
	wait "$p2"; r2=$?
	st=$(state_of "$MA")
	n=$(count_tmps "$MA")
	echo "# round $r (second started ${delay_us}us later): exit $r1/$r2, outputs $st, $n temporaries"
	[ "$r1" = 0 ] && [ "$r2" = 0 ] || { why+=" round $r: exit $r1/$r2;"; cat "$T/c1.err" "$T/c2.err" | sed 's/^/#   stderr: /'; }
	[ "$st" = "$ALL_NEW" ] || why+=" round $r: outputs $st ($(describe "$st"));"
	[ "$n" = 0 ] || why+=" round $r: $n temporaries left;"
done
if [ -z "$why" ]; then
	ok "concurrent: $rounds rounds of two depmods on one tree, each left the complete new set"
else
	fail "concurrent:$why"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
