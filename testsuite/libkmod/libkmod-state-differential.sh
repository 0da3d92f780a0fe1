#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmod's libkmod.so.2 answers what kmod's does about the running kernel and
# about module files: one client (client-state.c), built against each
# library, asks both the same questions and the outputs must be identical
# byte for byte.
#  - The kernel: a fake kernel state (the LD_PRELOAD shim redirects
#    /proc/modules and /sys/module for both libraries) with live, coming
#    and going modules, holders, reference counts, a module without
#    coresize (size from /proc/modules), one without refcnt, a built-in
#    module with a sysfs directory, sections with addresses, and a module
#    whose sections cannot all be read (no list at all).
#  - Module files: every 7th module (49th under the sanitizers) of modules.dep of the plain, zstd and
#    xz trees, by file (modinfo with the signature fields, versions,
#    exported symbols, needed symbols), and built-in modules by name
#    (modules.builtin.modinfo).
# usage: libkmod-state-differential.sh CLIENT_KMOD CLIENT_PMOD PMOD_LIBKMOD_DIR SHIM MAKE_FAKE_KERNEL
set -u
CLIENT_KMOD=$1 CLIENT_PMOD=$2 PMOD_LIBDIR=$3 SHIM=$4 MAKE_FAKE=$5
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
DIR=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
[ -f "$DIR/modules.dep.bin" ] || { echo "no modules.dep.bin in $DIR: skipped"; exit 77; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# A sanitizer build's shim needs the sanitizer runtime loaded first.
PRELOAD=$SHIM
if ldd "$SHIM" 2>/dev/null | grep -q libasan; then
	PRELOAD="$(gcc -print-file-name=libasan.so) $SHIM"
fi

# --------------------------------------------------------------- the kernel
FK=$WORK/fake-kernel
cat > "$WORK/proc-modules" <<'MODULES'
nbd 65536 0 - Live 0xffffffffc0c40000
dm_crypt 65536 0 - Loading 0xffffffffc0c20000
xfs 1994752 0 - Unloading 0xffffffffc0d00000
ext4 1007616 2 - Live 0xffffffffc0b00000
crc16 16384 1 ext4, Live 0xffffffffc0a70000
mbcache 16384 1 ext4, Live 0xffffffffc0a60000
jbd2 196608 1 ext4, Live 0xffffffffc0a40000
libcrc32c 16384 2 xfs,nbd, Live 0xffffffffc0a20000
loop 40960 4 - Live 0xffffffffc0a00000
MODULES
python3 "$MAKE_FAKE" "$WORK/proc-modules" "$FK" --builtin-dir zpool > /dev/null ||
	{ echo "make-fake-kernel failed"; exit 1; }
# Sections with their load addresses; names starting with a dot are
# sections too (only . and .. are not).
mkdir -p "$FK/sys/module/loop/sections" "$FK/sys/module/ext4/sections" "$FK/sys/module/jbd2/sections"
i=0
for s in .text .data .bss .rodata __mcount_loc .gnu.linkonce.this_module .note.gnu.build-id \
	 __param .init.text .exit.text; do
	printf '0xffffffffc0a%05x\n' $((i * 4096)) > "$FK/sys/module/loop/sections/$s"
	i=$((i + 1))
done
printf '0xffffffffc0b00000\n' > "$FK/sys/module/ext4/sections/.text"
printf 'ffffffffc0b40000\n' > "$FK/sys/module/ext4/sections/.data"
# One section file that holds no address: kmod gives no list at all.
printf '0xffffffffc0a40000\n' > "$FK/sys/module/jbd2/sections/.text"
printf 'not an address\n' > "$FK/sys/module/jbd2/sections/.data"
# Size from /proc/modules when coresize is absent; no refcnt file.
rm -f "$FK/sys/module/crc16/coresize" "$FK/sys/module/mbcache/refcnt"
# Held by open files, not by modules.
echo 3 > "$FK/sys/module/nbd/refcnt"

R=$WORK/kernel-requests
{
	echo loaded
	for n in loop ext4 dm-crypt dm_crypt xfs zpool unix crc16 mbcache no_such_module; do
		echo "state $n"
	done
	echo misuse
} > "$R"

# ----------------------------------------------------------- module files
F=$WORK/file-requests
# Under the sanitizers (PMOD_SANITIZER_BUILD=1) every 49th module: kmod's
# client, sanitized too, spends a minute decompressing the xz tree there,
# and the plain build already compares every 7th.
stride=7
[ "${PMOD_SANITIZER_BUILD:-0}" = 1 ] && stride=49
{
	for tree in "$PMOD_TEST_ROOT" "$PMOD_TEST_ROOT-zst" "$PMOD_TEST_ROOT-xz"; do
		T=$tree/lib/modules/$PMOD_TEST_ABI
		[ -f "$T/modules.dep" ] || continue
		awk -F: -v T="$T" -v S="$stride" 'NR % S == 1 { print "file " T "/" $1 }' "$T/modules.dep"
	done
	awk 'NR % 10 == 5 { n = split($1, p, "/"); sub(/\.ko$/, "", p[n]); print "info " p[n] }' \
		"$DIR/modules.builtin"
	for n in loop ext4 jbd2 no_such_module zpool unix; do
		echo "info $n"
	done
	echo "file /nonexistent/none.ko"
} > "$F"
echo "$(wc -l < "$R") kernel requests, $(wc -l < "$F") file requests"

for part in kernel file; do
	for which in kmod pmod; do
		client=$CLIENT_KMOD
		[ $which = pmod ] && client=$CLIENT_PMOD
		requests=$R
		[ $part = file ] && requests=$F
		start=$SECONDS
		# meson points LD_LIBRARY_PATH at the build's libraries: the kmod
		# client must find kmod's, the pmod client finds pmod's through
		# its run path. Both see the same fake kernel.
		env -u LD_LIBRARY_PATH PMOD_FAKE_KERNEL="$FK" LD_PRELOAD="$PRELOAD" \
			"$client" "$DIR" "$requests" > "$WORK/$which-$part.out" 2> "$WORK/$which-$part.err"
		rc=$?
		echo "$which, $part: exit $rc, $(wc -l < "$WORK/$which-$part.out") lines, $((SECONDS - start)) s"
		[ $rc = 0 ] || { fail "$which client exited $rc"; head -5 "$WORK/$which-$part.err"; }
	done
	lib_pmod=$(sed -n 's/^library: //p' "$WORK/pmod-$part.err")
	lib_kmod=$(sed -n 's/^library: //p' "$WORK/kmod-$part.err")
	case "$(readlink -f "$lib_pmod")" in
	"$(readlink -f "$PMOD_LIBDIR")"/*) ;;
	*) fail "the pmod client loaded '$lib_pmod', not pmod's libkmod from $PMOD_LIBDIR" ;;
	esac
	case "$(readlink -f "$lib_kmod")" in
	"$(readlink -f "$PMOD_LIBDIR")"/*|"") fail "the kmod client loaded '$lib_kmod'" ;;
	esac
	if cmp -s "$WORK/kmod-$part.out" "$WORK/pmod-$part.out"; then
		echo "$part: identical"
	else
		fail "$part: pmod's libkmod answers differently (first differences, - kmod, + pmod):"
		diff -u "$WORK/kmod-$part.out" "$WORK/pmod-$part.out" | sed -n '3,60p'
	fi
done

# The outputs say something (a client that printed nothing would compare
# equal): each state, holders, both sizes, sections, the failed list,
# signatures, versions, exports, imports, built-in modinfo.
K=$WORK/kmod-kernel.out
for want in "  initstate 1 live" "  initstate 2 coming" "  initstate 3 going" \
	    "  initstate 0 builtin" "  initstate -2 (null)" "  refcnt 3" "  size 16384" \
	    "  size 40960" "    .text 0xffffffffc0a00000" "    .data 0xffffffffc0b40000" \
	    "  sections (none)" "  refcnt -2"; do
	grep -qxF -- "$want" "$K" || fail "the kernel outputs lack '$want'"
done
# Holders and sections come in directory order, whatever it is.
[ "$(grep -c '^  holders ext4$' "$K")" -ge 4 ] || fail "crc16, jbd2, mbcache are not held by ext4"
grep -Eq '^  holders (xfs nbd|nbd xfs)$' "$K" || fail "libcrc32c is not held by xfs and nbd"
grep -q '^  last section ' "$K" || fail "no section list walked backwards"
[ "$(grep -c '^ ' "$K")" -gt 60 ] || fail "hardly any kernel answers"
O=$WORK/kmod-file.out
for want in "    sig_id=PKCS#7" "    sig_hashalgo=sha256" "    file=mm/zpool" "    name=loop"; do
	grep -qxF -- "$want" "$O" || fail "the file outputs lack '$want'"
done
grep -q '^    signature=[0-9A-F:]*\\n\\t\\t' "$O" || fail "no signature spread over lines"
grep -q '^    sig_key=[0-9A-F][0-9A-F]:' "$O" || fail "no signing key id"
# (thresholds for the sampled run: about 1/7 of the tree's modules,
# 1/49 under the sanitizers, three trees)
[ "$(grep -c '^  symbols [1-9]' "$O")" -gt $((350 / stride)) ] || fail "hardly any module exports symbols"
[ "$(grep -c '^  versions [1-9]' "$O")" -gt $((3500 / stride)) ] || fail "hardly any module has versions"
grep -q '^    0x[0-9a-f]* U module_layout$' "$O" || fail "no module_layout after the symbols"
[ $failures = 0 ] || { echo "$failures failures"; exit 1; }
echo "all identical"
