#!/bin/bash
# modinfo --verify (doc/signing-policy.md): verdict lines and exit status on
# generated modules signed with throwaway keys, each verdict cross-checked
# against OpenSSL's own command line on the same bytes; and, when
# PMOD_TEST_ROOT/PMOD_TEST_ABI name a Debian tree, every real module is
# 'untrusted' with an empty store (never 'malformed'), naming the signer and
# key modinfo shows.
#
# Usage: verify-cli.sh MAKE_SIGNED_MODULES MODINFO
set -u
make_signed=$(realpath "$1") modinfo=$(realpath "$2")
command -v openssl >/dev/null || { echo "skip: openssl is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C

pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

"$make_signed" "$work/m" || { echo "FAIL make-signed-modules"; exit 1; }
root=$work/m/root

# 1. One line per module, the verdict as expected, exit 0 only for valid
# with a hash at least as strong as sha256 (what enforce accepts); a weak
# hash (third word of expected) is named and marked weak-hash.
while read -r name want weak; do
	out=$("$modinfo" --root "$root" --verify "$work/m/$name.ko" 2>"$work/err")
	rc=$?
	got=$(sed -n "s|^$work/m/$name.ko: \([a-z-]*\).*|\1|p" <<<"$out")
	if [ "$got" != "$want" ] || [ "$(wc -l <<<"$out")" -ne 1 ] || [ -s "$work/err" ]; then
		bad "$name: want $want, got '$out' $(cat "$work/err")"
	elif [ -n "$weak" ] && [[ $out != *" hash=$weak weak-hash "* ]]; then
		bad "$name: want hash=$weak weak-hash, got '$out'"
	elif [ -z "$weak" ] && [[ $out == *weak-hash* ]]; then
		bad "$name: a strong hash marked weak: '$out'"
	elif [ "$want" = valid ] && [ -z "$weak" ] && [ $rc -ne 0 ]; then
		bad "$name: valid but exit status $rc"
	elif { [ "$want" != valid ] || [ -n "$weak" ]; } && [ $rc -ne 1 ]; then
		bad "$name: $want ${weak:+(weak hash $weak) }but exit status $rc"
	else
		ok "$name: $out (exit $rc)"
	fi
done <"$work/m/expected"

# 2. The line's fields.
line() { "$modinfo" --root "$root" --verify "$work/m/$1.ko"; }
serial_admin=0a0b0c
re='^[^ ]*: valid signer="pmod admin key" key=0a0b0c hash=sha256 cert="[^"]*/etc/pmod/keys/admin.pem"$'
[[ $(line rsa-sha256) =~ $re ]] && ok "valid line format" || bad "valid line: $(line rsa-sha256)"
re='hash=sha1 weak-hash cert='
[[ $(line rsa-sha1) == *"$re"* ]] && ok "sha1 is reported as weak" || bad "sha1 line: $(line rsa-sha1)"
skid=$(openssl x509 -in "$work/m/certs/dist.pem" -noout -ext subjectKeyIdentifier |
	sed -n '2s/[ :]//gp' | tr 'A-F' 'a-f')
re="^[^ ]*: valid signer=\"pmod distribution key\" key=$skid hash=sha256 cert=\"[^\"]*/usr/lib/pmod/keys/dist.der\"$"
[[ $(line ec-sha256-skid) =~ $re ]] && ok "SKID signer: key is the subjectKeyIdentifier ($skid)" ||
	bad "SKID line: $(line ec-sha256-skid) (want key=$skid)"
re='^[^ ]*: untrusted signer="pmod stranger key" key=1234 hash=sha256$'
[[ $(line stranger) =~ $re ]] && ok "untrusted line format" || bad "untrusted line: $(line stranger)"
re='^[^ ]*: bad-signature signer="pmod admin key" key=0a0b0c hash=sha256 cert="[^"]*admin.pem" reason="[^"]+"$'
[[ $(line tampered-body) =~ $re ]] && ok "bad-signature line format" || bad "bad-signature line: $(line tampered-body)"
re='^[^ ]*: malformed reason="[^"]+"$'
[[ $(line malformed) =~ $re ]] && ok "malformed line format" || bad "malformed line: $(line malformed)"
[[ $(line unsigned) =~ ^[^\ ]*:\ unsigned$ ]] && ok "unsigned line format" || bad "unsigned line: $(line unsigned)"

# 3. Several modules: order kept, exit 0 only when all are valid.
valid=()
while read -r name want weak; do
	[ "$want" = valid ] && [ -z "$weak" ] && valid+=("$work/m/$name.ko")
done <"$work/m/expected"
"$modinfo" --root "$root" --verify "${valid[@]}" >"$work/out"; rc=$?
[ $rc -eq 0 ] && [ "$(cut -d: -f1 "$work/out")" = "$(printf '%s\n' "${valid[@]}")" ] &&
	ok "${#valid[@]} valid modules: exit 0, argument order" || bad "all valid: rc=$rc $(cat "$work/out")"
"$modinfo" --root "$root" --verify "${valid[@]}" "$work/m/unsigned.ko" >/dev/null
[ $? -eq 1 ] && ok "one unsigned among valid ones: exit 1" || bad "one unsigned: exit status not 1"
"$modinfo" --root "$root" --verify "${valid[@]}" "$work/m/rsa-sha1.ko" >/dev/null
[ $? -eq 1 ] && ok "one valid sha1 among valid sha256+ ones: exit 1" ||
	bad "one weak among valid: exit status not 1"
"$modinfo" --root "$root" --verify "${valid[0]}" "$work/nonexistent.ko" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 1 ] && grep -q ': valid' "$work/out" && grep -q 'nonexistent' "$work/err" &&
	ok "a missing module: error on stderr, the others still judged, exit 1" ||
	bad "missing module: rc=$rc out=$(cat "$work/out") err=$(cat "$work/err")"
"$modinfo" --verify -F signer "${valid[0]}" >/dev/null 2>&1
[ $? -eq 1 ] && ok "--verify with -F is refused" || bad "--verify -F accepted"
# A relative path is printed absolute, as modinfo prints filename.
out=$(cd "$work/m" && "$modinfo" --root "$root" --verify rsa-sha256.ko)
[[ $out == "$work/m/rsa-sha256.ko: valid "* ]] && ok "relative path made absolute" || bad "relative: $out"
# Without --root the store is the system's: the throwaway key is unknown.
out=$("$modinfo" --verify "$work/m/rsa-sha256.ko")
[[ $out == *": untrusted "* ]] && ok "system store does not trust the throwaway key" || bad "no root: $out"

# 4. Hostile store files: warned about by name, the rest still trusted.
printf 'junk' >"$root/etc/pmod/keys/junk.pem"
mkfifo "$root/etc/pmod/keys/fifo"
out=$(timeout 10 "$modinfo" --root "$root" --verify "$work/m/rsa-sha256.ko" 2>"$work/err")
if [[ $out == *": valid "* ]] && grep -q 'junk.pem' "$work/err" && grep -q 'keys/fifo' "$work/err"; then
	ok "hostile store files named: $(tr '\n' '|' <"$work/err")"
else
	bad "hostile store: out=$out err=$(cat "$work/err")"
fi
rm -f "$root/etc/pmod/keys/junk.pem" "$root/etc/pmod/keys/fifo"

# 5. OpenSSL's verdict on the same bytes. valid: cms -verify succeeds with
# the store's certificates; bad-signature: it fails with them; untrusted:
# it fails with the store's, succeeds with the signer's own certificate.
cat "$root/etc/pmod/keys/admin.pem" "$work/m/certs/dist.pem" >"$work/store.pem"
ossl() {	# ossl NAME CERTFILE
	openssl cms -verify -binary -inform DER -in "$work/m/$1.p7s" -content "$work/m/$1.content" \
		-certfile "$2" -nointern -noverify -out /dev/null 2>/dev/null
}
while read -r name want weak; do
	case $want in
	valid)
		ossl "$name" "$work/store.pem" && ok "openssl agrees: $name valid" ||
			bad "openssl rejects $name, pmod says valid" ;;
	bad-signature)
		! ossl "$name" "$work/store.pem" && ok "openssl agrees: $name does not verify" ||
			bad "openssl accepts $name, pmod says bad-signature" ;;
	untrusted)
		if ! ossl "$name" "$work/store.pem" && ossl "$name" "$work/m/certs/$name.pem"; then
			ok "openssl agrees: $name verifies only with a certificate not in the store"
		else
			bad "openssl disagrees on untrusted $name"
		fi ;;
	esac
done <"$work/m/expected"

# 6. Real Debian modules (RSA-4096, sha256) with an empty store.
if [ -n "${PMOD_TEST_ROOT:-}" ] && [ -n "${PMOD_TEST_ABI:-}" ] &&
   [ -d "$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI" ]; then
	dir=$PMOD_TEST_ROOT/lib/modules/$PMOD_TEST_ABI
	find "$dir" -name '*.ko' | sort >"$work/all"
	mkdir -p "$work/empty"
	xargs -a "$work/all" "$modinfo" --root "$work/empty" --verify >"$work/verdicts" 2>"$work/err"
	n=$(wc -l <"$work/all")
	u=$(grep -c ': untrusted signer=' "$work/verdicts")
	if [ "$n" -gt 0 ] && [ "$u" -eq "$n" ] && [ ! -s "$work/err" ]; then
		ok "Debian tree, empty store: all $n modules untrusted"
	else
		bad "Debian tree: $u of $n untrusted; others: $(grep -v ': untrusted' "$work/verdicts" | head -3) $(head -3 "$work/err")"
	fi
	# signer and key as modinfo shows them, on a sample across the tree.
	mism=0 checked=0
	while read -r f; do
		signer=$("$modinfo" -F signer "$f")
		key=$("$modinfo" -F sig_key "$f" | tr -d ':\n\t' | tr 'A-F' 'a-f')
		line=$(grep -F "$f: " "$work/verdicts")
		[ "$line" = "$f: untrusted signer=\"$signer\" key=$key hash=sha256" ] || {
			mism=$((mism + 1)); echo "  $line vs signer=$signer key=$key"; }
		checked=$((checked + 1))
	done < <(awk 'NR % 100 == 1' "$work/all")
	[ $mism -eq 0 ] && ok "Debian tree: signer and key match modinfo on $checked modules" ||
		bad "Debian tree: $mism of $checked differ from modinfo"
else
	echo "skip: Debian tree (PMOD_TEST_ROOT/PMOD_TEST_ABI unset)"
fi

echo "verify-cli: $pass passed, $fail failed"
[ $fail -eq 0 ]
