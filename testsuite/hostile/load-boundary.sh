#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel receives exactly the bytes pmod verified, through insmod and
# modprobe under the fake kernel, with modules signed at run time and
# SigningPolicy = enforce:
#  A. the module file is rewritten with an unsigned module at the moment
#     of the load call: the kernel still gets the signed module's bytes,
#     in a sealed memory file (or with init_module where there is none);
#  B. a "two-faced" .ko.gz: the gzip FEXTRA field holds an unsigned module
#     that Linux's own module decompressor would inflate (it does not skip
#     FEXTRA), the real deflate member a validly signed one; the fake
#     kernel claims in-kernel gzip. The kernel never gets the file, the
#     COMPRESSED_FILE flag or the unsigned module: only what pmod
#     verified. Concatenated members (which Linux reads one of) likewise;
#     modinfo --verify says what a load would judge;
#  C. a kernel error while the file is rewritten or truncated at the call:
#     the explanation is about the module that was sent, and no crash.
# The fake kernel logs what it received (PMOD_FAKE_KERNEL_LOG_RECEIVED:
# the image's sha256, and for finit_module the descriptor's kind and
# seals). The generated modules are not ones the fake kernel can name, so
# it answers ENOEXEC: what counts is what it was given.
# usage: load-boundary.sh MAKE_SIGNED_MODULES INSMOD MODPROBE MODINFO DEPMOD SHIM MAKE_FAKE
set -u
make_signed=$(realpath "$1") PINS=$(realpath "$2") PMP=$(realpath "$3")
PMI=$(realpath "$4") DEPMOD=$(realpath "$5") SHIM=$(realpath "$6") MAKE_FAKE=$7
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../kernel-cli/lib.sh"
export LC_ALL=C
command -v python3 > /dev/null || { echo "no python3: skipped"; exit 77; }

"$make_signed" "$WORK/m" || { echo "FAIL make-signed-modules"; exit 1; }
root=$WORK/m/root
rel=9.9.9-boundary
ext=$root/lib/modules/$rel/extra
mkdir -p "$ext" "$root/etc/pmod"
printf '# test\nSigningPolicy = enforce\n' > "$root/etc/pmod/policy.conf"
SIGNED=$WORK/m/rsa-sha256.ko
# Another module, unsigned: the same body with another vermagic.
ROGUE=$WORK/rogue.ko
python3 - "$WORK/m/unsigned.ko" "$ROGUE" <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
old, new = b'vermagic=9.9.9 SMP ', b'vermagic=6.6.6 EVL '
assert data.count(old) == 1
open(sys.argv[2], 'wb').write(data.replace(old, new))
EOF
sum() { sha256sum < "$1" | cut -d' ' -f1; }
SIGNED_SUM=$(sum "$SIGNED") ROGUE_SUM=$(sum "$ROGUE")
SEALS="fd=memfd seals=write,shrink,grow,seal"

# load NAME [VAR=VALUE...] -- TOOL ARGS... on a fresh fake kernel.
load() {
	local name=$1
	shift
	local envs=()
	while [ "$1" != "--" ]; do envs+=("$1"); shift; done
	shift
	fake_new "k-$name" "${FAKE_OPTS[@]}" < /dev/null > /dev/null
	run "$WORK/$name" "$WORK/k-$name" PMOD_FAKE_KERNEL_LOG_RECEIVED=1 "${envs[@]}" -- "$@"
	touch "$WORK/k-$name/calls.log"
}
received() { grep '^received ' "$WORK/k-$1/calls.log" | cut -d' ' -f3- | tr '\n' ';'; }
no_crash() {	# NAME: an exit status, not a signal
	local rc
	rc=$(cat "$WORK/$1.rc")
	if [ "$rc" -lt 128 ]; then pass; else fail "$1: killed by a signal (status $rc)"; fi
}
FAKE_OPTS=()

# ---------------------------------------------------------------- A
# The path's file is rewritten in place (same inode) when the kernel is
# called: a kernel reading the file's descriptor would load the rogue.
cp "$SIGNED" "$ext/boundary.ko"
"$DEPMOD" -b "$root" "$rel" 2> /dev/null || { echo "FAIL depmod"; exit 1; }
for how in insmod modprobe insmod-nomemfd; do
	cp "$SIGNED" "$ext/boundary.ko"
	envs=(PMOD_FAKE_KERNEL_SWAP_PATH="$ext/boundary.ko" PMOD_FAKE_KERNEL_SWAP_WITH="$ROGUE"
	      PMOD_FAKE_KERNEL_SWAP_MODE=atcall)
	case $how in
	insmod) load "a-$how" "${envs[@]}" -- "$PINS" --root "$root" "/lib/modules/$rel/extra/boundary.ko" ;;
	modprobe) load "a-$how" "${envs[@]}" -- "$PMP" --root "$root" -S "$rel" boundary ;;
	insmod-nomemfd) load "a-$how" "${envs[@]}" PMOD_FAKE_KERNEL_NO_MEMFD=1 -- \
		"$PINS" --root "$root" "/lib/modules/$rel/extra/boundary.ko" ;;
	esac
	check_contains "A $how: the file was rewritten at the call" "$WORK/k-a-$how/calls.log" \
		"swap atcall $ext/boundary.ko"
	if [ "$how" = insmod-nomemfd ]; then
		check_eq "A $how: the kernel got the signed bytes" "$(received "a-$how")" \
			"sha256=$SIGNED_SUM memory;"
	else
		check_eq "A $how: the kernel got the signed bytes, sealed" "$(received "a-$how")" \
			"sha256=$SIGNED_SUM $SEALS;"
	fi
	check_absent "A $how: never the rogue" "$WORK/k-a-$how/calls.log" "$ROGUE_SUM"
	no_crash "a-$how"
done

# ---------------------------------------------------------------- B
# two_faced OUT: FEXTRA = [empty fixed-Huffman block][final stored block
# holding the rogue] padded; then the signed module's deflate data, CRC and
# size. A reader that skips FEXTRA (zlib, gzip(1), pmod) gets the signed
# module; Linux's module decompressor starts inflating at byte 10 and gets
# the rogue. concat OUT FIRST SECOND: two gzip members.
python3 - "$SIGNED" "$ROGUE" "$WORK" <<'EOF'
import gzip, struct, sys, zlib
signed, rogue, work = (open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read(),
                       sys.argv[3])
# Byte 10 (XLEN low) 0x02: BFINAL 0, fixed Huffman, end of block. Byte 11
# (XLEN high) 0xE4: bit 2 starts the final stored block (BFINAL 1, type
# 00), bits 5-7 are padding that only make XLEN large enough.
xlen = 0xE402
stored = struct.pack('<HH', len(rogue), len(rogue) ^ 0xFFFF) + rogue
assert len(stored) <= xlen
extra = stored + b'\0' * (xlen - len(stored))
c = zlib.compressobj(9, zlib.DEFLATED, -15)
body = c.compress(signed) + c.flush()
two = (b'\x1f\x8b\x08\x04' + b'\0\0\0\0' + b'\x00\x03' + struct.pack('<H', xlen) + extra +
       body + struct.pack('<II', zlib.crc32(signed), len(signed)))
assert two[10] == 0x02 and two[11] == 0xE4
assert gzip.decompress(two) == signed
# What Linux's decompressor makes of it.
d = zlib.decompressobj(-15)
assert d.decompress(two[10:]) == rogue and d.eof
open(work + '/two-faced.ko.gz', 'wb').write(two)
open(work + '/rogue-first.ko.gz', 'wb').write(gzip.compress(rogue) + gzip.compress(signed))
open(work + '/signed-first.ko.gz', 'wb').write(gzip.compress(signed) + gzip.compress(rogue))
open(work + '/rogue-first.plain', 'wb').write(rogue + signed)
open(work + '/signed-first.plain', 'wb').write(signed + rogue)
EOF
[ -s "$WORK/two-faced.ko.gz" ] || { echo "FAIL cannot build the two-faced gzip"; exit 1; }

FAKE_OPTS=(--compression gzip)
cp "$WORK/two-faced.ko.gz" "$ext/twofaced.ko.gz"
rm -f "$ext/boundary.ko"
"$DEPMOD" -b "$root" "$rel" 2> /dev/null || { echo "FAIL depmod"; exit 1; }
load b-insmod -- "$PINS" --root "$root" "/lib/modules/$rel/extra/twofaced.ko.gz"
load b-modprobe -- "$PMP" --root "$root" -S "$rel" twofaced
for how in insmod modprobe; do
	check_eq "B two-faced, $how: the kernel got the verified (signed) module" \
		"$(received "b-$how")" "sha256=$SIGNED_SUM $SEALS;"
	check_absent "B two-faced, $how: never the rogue" "$WORK/k-b-$how/calls.log" "$ROGUE_SUM"
	check_absent "B two-faced, $how: never COMPRESSED_FILE" "$WORK/k-b-$how/calls.log" "flags=0x4"
	check_absent "B two-faced, $how: not refused" "$WORK/b-$how.err" "refused"
	no_crash "b-$how"
done
# modinfo --verify judges what a load judges: the signed member.
run "$WORK/b-verify" "$WORK/k-b-insmod" -- "$PMI" --root "$root" --verify "$ext/twofaced.ko.gz"
check_eq "B two-faced: modinfo --verify" "$(cat "$WORK/b-verify.out")" \
	"$ext/twofaced.ko.gz: valid signer=\"pmod admin key\" key=0a0b0c hash=sha256 cert=\"$root/etc/pmod/keys/admin.pem\""

# Concatenated members: pmod reads both (as gzip(1) does); the result is
# no longer the signed module, so enforce refuses it, modinfo --verify
# says the same, and under warn the kernel gets the whole verified result
# (Linux's decompressor would have read the first member only).
for order in rogue-first signed-first; do
	cp "$WORK/$order.ko.gz" "$ext/concat.ko.gz"
	load "b-$order" -- "$PINS" --root "$root" "/lib/modules/$rel/extra/concat.ko.gz"
	check_rc "B $order: refused under enforce" "$WORK/b-$order" 1
	check_contains "B $order: refused by the signing gate" "$WORK/b-$order.err" \
		"refused: SigningPolicy is enforce"
	check_no_calls "B $order" "$WORK/k-b-$order"
	run "$WORK/b-$order-verify" "$WORK/k-b-$order" -- "$PMI" --root "$root" --verify "$ext/concat.ko.gz"
	verdict=$(sed -n 's/^[^:]*: \([a-z-]*\).*/\1/p' "$WORK/b-$order-verify.out")
	case $verdict in
	unsigned|bad-signature|malformed) pass ;;
	*) fail "B $order: modinfo --verify says '$verdict'" ;;
	esac
	check_contains "B $order: the gate's verdict is modinfo's" "$WORK/b-$order.err" "signature $verdict"
	printf '# test\nSigningPolicy = warn\n' > "$root/etc/pmod/policy.conf"
	load "b-$order-warn" -- "$PINS" --root "$root" "/lib/modules/$rel/extra/concat.ko.gz"
	check_eq "B $order, warn: the kernel got what pmod verified" "$(received "b-$order-warn")" \
		"sha256=$(sum "$WORK/$order.plain") $SEALS;"
	check_absent "B $order, warn: never COMPRESSED_FILE" "$WORK/k-b-$order-warn/calls.log" "flags=0x4"
	printf '# test\nSigningPolicy = enforce\n' > "$root/etc/pmod/policy.conf"
done
FAKE_OPTS=()

# ---------------------------------------------------------------- C
# The kernel refuses (ENOEXEC) while the file is replaced by the rogue
# (another vermagic) or cut to nothing: the explanation names the
# vermagic of the module that was sent.
for with in rogue empty; do
	cp "$SIGNED" "$ext/explain.ko"
	[ $with = rogue ] && by=$ROGUE || by=/dev/null
	load "c-$with" PMOD_FAKE_KERNEL_SWAP_PATH="$ext/explain.ko" PMOD_FAKE_KERNEL_SWAP_WITH="$by" \
		PMOD_FAKE_KERNEL_SWAP_MODE=atcall -- "$PINS" --root "$root" "/lib/modules/$rel/extra/explain.ko"
	no_crash "c-$with"
	check_rc "C $with: fails" "$WORK/c-$with" 1
	check_contains "C $with: the file was replaced at the call" "$WORK/k-c-$with/calls.log" \
		"swap atcall $ext/explain.ko"
	check_contains "C $with: explained from the module sent" "$WORK/c-$with.err" \
		"the module was built for kernel 9.9.9 but the running kernel is $(uname -r) (vermagic '9.9.9 SMP ')"
	check_absent "C $with: not from the replacement" "$WORK/c-$with.err" "6.6.6"
done
# The same through modprobe, with a kernel error injected for every module.
cp "$SIGNED" "$ext/explain.ko"
"$DEPMOD" -b "$root" "$rel" 2> /dev/null || { echo "FAIL depmod"; exit 1; }
load c-modprobe PMOD_FAKE_KERNEL_SWAP_PATH="$ext/explain.ko" PMOD_FAKE_KERNEL_SWAP_WITH=/dev/null \
	PMOD_FAKE_KERNEL_SWAP_MODE=atcall PMOD_FAKE_KERNEL_ERRORS='*:EKEYREJECTED' -- \
	"$PMP" --root "$root" -S "$rel" explain
no_crash c-modprobe
check_contains "C modprobe: the signature explained from the module sent" "$WORK/c-modprobe.err" \
	"the kernel rejected the module's signature: its signer 'pmod admin key' is in pmod's trust store"

finish
