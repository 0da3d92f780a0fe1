#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pmod-trust and the kernel packaging hooks: the certificates built into a
# kernel image reach the trust store, and only those.
#  - Debian's own kernel image (when PMOD_TEST_ROOT/PMOD_TEST_ABI are
#    set): its one built-in certificate, the build key that signed every
#    module of the package; before the import `modinfo --verify` calls
#    those modules untrusted, after it valid, after remove-kernel untrusted
#    again.
#  - Generated images (make-kernel-images.py): the list is found in an ELF
#    kernel and in bzImages compressed with gzip, xz and zstd; 32-bit
#    lengths; an inserted extra certificate is left out; a certificate
#    without a recorded length (a self-test's) is never taken; two
#    candidate lists are refused; broken images are refused with a message
#    naming the problem, and nothing is written.
#  - The store's files: kernel-RELEASE-N.der, mode 0644, replaced as a set
#    (a shorter list removes the rest), other releases' and the
#    administrator's files untouched; release names that are not file
#    names are refused.
#  - The hooks, run as the kernel packaging runs them.
#  - And under SigningPolicy = warn, insmod (under the fake kernel) loads a
#    Debian module without a word once the kernel's key is imported, where
#    before it warned that the signer is untrusted.
# usage: kernel-trust.sh PMOD_TRUST MODINFO MAKE_KERNEL_IMAGES HOOKS_DIR INSMOD SHIM MAKE_FAKE_KERNEL
set -u
TRUST=$1 MODINFO=$2 GEN=$3 HOOKS=$4 INSMOD=$5 SHIM=$6 MAKE_FAKE=$7
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
passed=0 failed=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
STORE=usr/lib/pmod/keys

python3 "$GEN" "$WORK/img" || { echo "make-kernel-images.py failed"; exit 1; }
I=$WORK/img

# ------------------------------------------------- generated images
for img in two.elf two-gzip.bz two-xz.bz two-zstd.bz; do
	out=$("$TRUST" kernel-certs "$I/$img" 2>&1)
	check "$img: the list [A, B] is found" \
		test "$out" = "$(printf '1: %s bytes: pmod test kernel key A\n2: %s bytes: pmod test kernel key B' \
			"$(stat -c %s "$I/a.der")" "$(stat -c %s "$I/b.der")")"
done
out=$("$TRUST" kernel-certs "$I/one32.elf" 2>&1)
check "one32.elf: 32-bit lengths, the list [A]" test "$out" = "1: $(stat -c %s "$I/a.der") bytes: pmod test kernel key A"
out=$("$TRUST" kernel-certs "$I/extra.elf" 2>&1)
check "extra.elf: the inserted certificate after the recorded list is left out" \
	test "$out" = "1: $(stat -c %s "$I/a.der") bytes: pmod test kernel key A"

# expect_refusal IMAGE MESSAGE-PART: exit 1, the image and the problem
# named, nothing in the store.
expect_refusal() {
	local img=$1 want=$2 root=$WORK/refuse-$1 out rc
	mkdir -p "$root"
	out=$("$TRUST" --root "$root" import-kernel 9.9.9-test "$I/$img" 2>&1); rc=$?
	if [ $rc = 1 ] && grep -qF "$I/$img: " <<<"$out" && grep -qF "$want" <<<"$out" &&
	   [ -z "$(find "$root" -type f)" ]; then
		ok "$img: refused ($want), nothing written"
	else
		fail "$img: exit $rc, '$out', files: $(find "$root" -type f | tr '\n' ' ')"
	fi
}
expect_refusal twolists.elf "more than one sequence of certificates"
expect_refusal lz4.bz "compressed with lz4, which pmod cannot decompress"
expect_refusal outside.bz "outside the file"
expect_refusal old.bz "boot protocol 2.06 is older than 2.08"
expect_refusal truncated.bz "xz stream ends early"
expect_refusal garbage.bin "neither an x86 boot image (bzImage) nor an ELF kernel"
out=$("$TRUST" --root "$WORK/missing" import-kernel 9.9.9-test "$I/no-such" 2>&1); rc=$?
check "a missing image: exit 1, named" eval '[ $rc = 1 ] && grep -qF "$I/no-such" <<<"$out"'

# No list (a kernel without module signing; or only a self-test's
# certificate): nothing to trust, nothing wrong.
for img in none.elf decoy.elf; do
	root=$WORK/nolist-$img
	out=$("$TRUST" --root "$root" import-kernel 9.9.9-test "$I/$img" 2>&1); rc=$?
	check "$img: no built-in list: exit 0, 'nothing imported', no file" \
		eval '[ $rc = 0 ] && grep -q "nothing imported for 9.9.9-test" <<<"$out" && [ -z "$(find "$root" -type f 2>/dev/null)" ]'
done

# ------------------------------------------------- the store's files
R=$WORK/root
mkdir -p "$R/etc/pmod/keys" "$R/$STORE"
cp "$I/decoy.der" "$R/etc/pmod/keys/admin.der"
cp "$I/decoy.der" "$R/$STORE/kernel-1.2.3-1.der.bak"
cp "$I/decoy.der" "$R/$STORE/kernel-1.2.3-extra-1.der"
(umask 077; "$TRUST" --root "$R" import-kernel 1.2.3 "$I/two-xz.bz" > "$WORK/import.out" 2>&1); rc=$?
check "import: exit 0, says 2 certificates" eval '[ $rc = 0 ] && grep -q "kernel 1.2.3: 2 certificates" "$WORK/import.out"'
check "import: kernel-1.2.3-1.der is A, -2.der is B, byte for byte" \
	eval 'cmp -s "$R/$STORE/kernel-1.2.3-1.der" "$I/a.der" && cmp -s "$R/$STORE/kernel-1.2.3-2.der" "$I/b.der"'
check "import: mode 0644 whatever the umask" \
	test "$(stat -c %a "$R/$STORE/kernel-1.2.3-1.der" "$R/$STORE/kernel-1.2.3-2.der" | sort -u)" = 644
check "import: no temporary left" test -z "$(find "$R/$STORE" -name '.*')"
"$TRUST" --root "$R" import-kernel 7.0 "$I/one32.elf" > /dev/null 2>&1
"$TRUST" --root "$R" import-kernel 1.2.3 "$I/one32.elf" > /dev/null 2>&1; rc=$?
check "re-import with a shorter list: only kernel-1.2.3-1.der (A) stays" \
	eval '[ $rc = 0 ] && cmp -s "$R/$STORE/kernel-1.2.3-1.der" "$I/a.der" && [ ! -e "$R/$STORE/kernel-1.2.3-2.der" ]'
"$TRUST" --root "$R" import-kernel 1.2.3 "$I/two.elf" > /dev/null 2>&1
out=$("$TRUST" --root "$R" remove-kernel 1.2.3 2>&1); rc=$?
check "remove-kernel: exit 0, 2 removed" eval '[ $rc = 0 ] && grep -q "2 certificates removed" <<<"$out"'
check "remove-kernel: the release's files gone; other releases', look-alikes and the administrator's stay" \
	eval '[ -z "$(ls "$R/$STORE" | grep -x "kernel-1\.2\.3-[0-9]*\.der")" ] && [ -e "$R/$STORE/kernel-7.0-1.der" ] && [ -e "$R/$STORE/kernel-1.2.3-1.der.bak" ] && [ -e "$R/$STORE/kernel-1.2.3-extra-1.der" ] && [ -e "$R/etc/pmod/keys/admin.der" ]'
out=$("$TRUST" --root "$WORK/empty" remove-kernel 1.2.3 2>&1); rc=$?
check "remove-kernel with no store: exit 0, 0 removed" eval '[ $rc = 0 ] && grep -q "0 certificates removed" <<<"$out"'
for bad in ../evil .hidden a/b "" "$(printf 'x%.0s' {1..200})" 'a b' $'a\nb'; do
	root=$WORK/bad
	rm -rf "$root"
	out=$("$TRUST" --root "$root" import-kernel "$bad" "$I/two.elf" 2>&1); rc=$?
	out2=$("$TRUST" --root "$root" remove-kernel "$bad" 2>&1); rc2=$?
	check "release '$(printf %q "$bad" | cut -c1-20)': refused by import and remove, nothing written" \
		eval '[ $rc = 1 ] && [ $rc2 = 1 ] && grep -q "is not a kernel release name" <<<"$out" && [ ! -e "$root" ]'
done

# ------------------------------------------------- the hooks
FAKEBIN=$WORK/bin
mkdir -p "$FAKEBIN" "$WORK/hookroot"
printf '#!/bin/sh\nexec "%s" --root "%s" "$@"\n' "$TRUST" "$WORK/hookroot" > "$FAKEBIN/pmod-trust"
chmod +x "$FAKEBIN/pmod-trust"
PATH=$FAKEBIN:/usr/bin:/bin sh "$HOOKS/kernel-postinst-pmod-trust" 5.5.5 "$I/two-gzip.bz" > /dev/null 2>&1; rc=$?
check "postinst.d hook (RELEASE IMAGE): the kernel's certificates are in the store" \
	eval '[ $rc = 0 ] && cmp -s "$WORK/hookroot/$STORE/kernel-5.5.5-2.der" "$I/b.der"'
PATH=$FAKEBIN:/usr/bin:/bin sh "$HOOKS/kernel-postinst-pmod-trust" 5.5.6 "$I/lz4.bz" > /dev/null 2>&1; rc=$?
check "postinst.d hook: an image pmod cannot read fails the hook" test $rc = 1
PATH=$FAKEBIN:/usr/bin:/bin sh "$HOOKS/kernel-postrm-pmod-trust" 5.5.5 > /dev/null 2>&1; rc=$?
check "postrm.d hook: the release's certificates are gone" \
	eval '[ $rc = 0 ] && [ -z "$(ls "$WORK/hookroot/$STORE")" ]'
PATH=/nonexistent /bin/sh "$HOOKS/kernel-postrm-pmod-trust" 5.5.5 > /dev/null 2>&1; rc=$?
check "hooks: pmod-trust gone (removed, not purged): exit 0" test $rc = 0

# ------------------------------------------------- Debian's kernel
if [ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ] &&
   [ -f "$PMOD_TEST_ROOT/boot/vmlinuz-$PMOD_TEST_ABI" ]; then
	IMG=$PMOD_TEST_ROOT/boot/vmlinuz-$PMOD_TEST_ABI
	MD=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
	mapfile -t mods < <(find "$MD/kernel/drivers/net" -name '*.ko' | sort | head -n 5)
	D=$WORK/debian
	mkdir -p "$D"
	verdicts() { "$MODINFO" --root "$D" --verify "${mods[@]}" 2>&1 | awk '{ print $2 }' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' '; }
	before=$(verdicts)
	out=$("$TRUST" kernel-certs "$IMG" 2>&1)
	check "Debian's vmlinuz: one built-in certificate, the build key" \
		eval 'grep -qx "1: [0-9]* bytes: Build time autogenerated kernel key" <<<"$out" && [ "$(wc -l <<<"$out")" = 1 ]'
	"$TRUST" --root "$D" import-kernel "$PMOD_TEST_ABI" "$IMG" > /dev/null 2>&1
	check "Debian's key: an X.509 certificate OpenSSL reads" \
		openssl x509 -inform DER -in "$D/$STORE/kernel-$PMOD_TEST_ABI-1.der" -noout
	after=$(verdicts)
	"$TRUST" --root "$D" remove-kernel "$PMOD_TEST_ABI" > /dev/null 2>&1
	removed=$(verdicts)
	check "Debian's modules: untrusted before the import, valid after, untrusted after removal ($before/$after/$removed)" \
		test "$before|$after|$removed" = "untrusted=5 |valid=5 |untrusted=5 "
	# warn: quiet for the kernel's own modules once its key is trusted.
	# (A sanitizer build's shim needs the sanitizer runtime first.)
	preload=$SHIM
	asan=$(ldd "$SHIM" 2>/dev/null | awk '/libasan/ { print $3 }')
	[ -z "$asan" ] || preload="$asan $SHIM"
	mkdir -p "$D/etc/pmod"
	printf 'SigningPolicy = warn\n' > "$D/etc/pmod/policy.conf"
	ln -s "$PMOD_TEST_ROOT/lib" "$D/lib"
	# A module that needs no other (the fake kernel resolves no symbols).
	rel=/lib/modules/$PMOD_TEST_ABI/$(awk -F: '$2 == "" && $1 ~ /\/dummy\.ko$/ { print $1 }' "$MD/modules.dep")
	warn_load() {	# NAME: insmod the module on a fresh fake kernel
		: > "$WORK/$1.proc"
		python3 "$MAKE_FAKE" "$WORK/$1.proc" "$WORK/$1" > /dev/null || return 1
		PMOD_FAKE_KERNEL="$WORK/$1" LD_PRELOAD="$preload" ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0" \
			"$INSMOD" --root "$D" "$rel" > "$WORK/$1.out" 2> "$WORK/$1.err"
		echo $? > "$WORK/$1.rc"
	}
	warn_load warn-untrusted
	"$TRUST" --root "$D" import-kernel "$PMOD_TEST_ABI" "$IMG" > /dev/null 2>&1
	warn_load warn-trusted
	check "warn, before the import: loads, and warns that the signer is untrusted" \
		eval '[ "$(cat "$WORK/warn-untrusted.rc")" = 0 ] && grep -q "untrusted" "$WORK/warn-untrusted.err" && grep -q "^finit_module" "$WORK/warn-untrusted/calls.log"'
	check "warn, after the import: loads without a word ($(head -c 200 "$WORK/warn-trusted.err"))" \
		eval '[ "$(cat "$WORK/warn-trusted.rc")" = 0 ] && [ ! -s "$WORK/warn-trusted.err" ] && grep -q "^finit_module" "$WORK/warn-trusted/calls.log"' 
else
	echo "skip Debian's kernel: PMOD_TEST_ROOT/PMOD_TEST_ABI not set"
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
