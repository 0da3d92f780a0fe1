#!/bin/bash
# The signing gate (doc/signing-policy.md) in insmod and modprobe under the fake
# kernel: with SigningPolicy = enforce only valid modules reach the kernel
# (refused ones make no call at all, and the message names the verdict,
# the module and the policy); a valid signature made with a hash weaker
# than sha256 (md5, sha1, sha224) is refused under enforce naming the hash,
# and under warn is loaded with a warning naming it; with warn every module
# is loaded and each problem is said; modprobe -n runs the gate too,
# --show-depends does not.
#
# Usage: gate-fake-kernel.sh MAKE_SIGNED_MODULES INSMOD MODPROBE DEPMOD SHIM MAKE_FAKE
set -u
make_signed=$(realpath "$1") insmod=$(realpath "$2") modprobe=$(realpath "$3")
depmod=$(realpath "$4") SHIM=$(realpath "$5") MAKE_FAKE=$6
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../kernel-cli/lib.sh"
export LC_ALL=C

"$make_signed" "$WORK/m" || { echo "FAIL make-signed-modules"; exit 1; }
root=$WORK/m/root
rel=9.9.9-gate
mkdir -p "$root/lib/modules/$rel/extra" "$root/etc/pmod"
while read -r name want weak; do
	cp "$WORK/m/$name.ko" "$root/lib/modules/$rel/extra/gate_${name//-/_}.ko"
done <"$WORK/m/expected"
"$depmod" -b "$root" "$rel" || { echo "FAIL depmod"; exit 1; }

policy() { printf '# test\nSigningPolicy = %s\n' "$1" >"$root/etc/pmod/policy.conf"; }

# Load calls in the fake kernel's log. The generated modules have no
# .gnu.linkonce.this_module, so the fake kernel answers ENOEXEC: what
# counts here is whether the kernel was asked at all.
calls_for() { cat "$2/calls.log" 2>/dev/null | grep -Ec '^f?init_module '; }
# record_has DIR ACTION TEXT: a record of that action holding TEXT.
record_has() {
	grep -E "^[a-z]+ authpriv\.[a-z]+ $2 " "$1/syslog.log" 2>/dev/null | grep -qF -- "$3"
}
# check_record DESC DIR MOD FILE WANT POLICY: the load (or, when enforce
# refuses, the refusal) names the verdict found in the file; a valid one
# names its signer, key and the trust-store certificate.
check_record() {
	local desc=$1 dir=$2 mod=$3 file=$4 want=$5 pol=$6 weak=${7:-} act=load
	{ [ "$want" != valid ] || [ -n "$weak" ]; } && [ "$pol" = enforce ] && act=refuse-load
	if ! record_has "$dir" "$act" " module=$mod path=$file signature=$want "; then
		fail "$desc: no '$act ... signature=$want' record"; sed 's/^/  | /' "$dir/syslog.log" 2>/dev/null | head -5
	elif [ -n "$weak" ] && ! record_has "$dir" "$act" " hash=$weak " ; then
		fail "$desc: weak-hash record does not name $weak"
	elif [ -n "$weak" ] && [ "$act" = refuse-load ] &&
	     ! record_has "$dir" "$act" "SigningPolicy enforce: weak hash $weak" ; then
		fail "$desc: weak-hash refusal does not give the rule"
	elif [ "$want" = valid ] && ! record_has "$dir" "$act" "signature=valid signer=" ; then
		fail "$desc: valid record without signer"
	elif [ "$want" = valid ] && ! record_has "$dir" "$act" " certificate=$root/" ; then
		fail "$desc: valid record without certificate"
	elif [ "$want" = untrusted ] && ! record_has "$dir" "$act" "signature=untrusted signer=" ; then
		fail "$desc: untrusted record without signer"
	elif record_has "$dir" "$act" "signature=not-checked"; then
		fail "$desc: a not-checked record for a verified load"
	else
		pass
	fi
}

for pol in enforce warn; do
	policy "$pol"
	while read -r name want weak; do
		# A bad signature made with a weak hash is judged as bad.
		[ "$want" = valid ] || weak=
		mod=gate_${name//-/_}
		file=$root/lib/modules/$rel/extra/$mod.ko
		# insmod
		dir=$(fake_new "ins-$pol-$name" </dev/null)
		run "$WORK/ins-$pol-$name" "$dir" -- "$insmod" --root "$root" "/lib/modules/$rel/extra/$mod.ko"
		rc=$(cat "$WORK/ins-$pol-$name.rc") n=$(calls_for "${name//-/_}" "$dir")
		err=$(cat "$WORK/ins-$pol-$name.err")
		if [ -n "$weak" ] && [ "$pol" = enforce ]; then
			if [ "$rc" = 1 ] && [ "$n" = 0 ] &&
			   [[ $err == *"module $mod: signature made with the weak hash $weak; refused: SigningPolicy is enforce ("* ]]; then
				pass
			else
				fail "insmod enforce $name (weak hash $weak): rc=$rc calls=$n err=$err"
			fi
		elif [ -n "$weak" ]; then
			if [ "$n" -ge 1 ] &&
			   [[ $err == *"$file: signature valid but made with the weak hash $weak; loading anyway: SigningPolicy is warn"* ]]; then
				pass
			else
				fail "insmod warn $name (weak hash $weak): rc=$rc calls=$n err=$err"
			fi
		elif [ "$want" = valid ]; then
			[ "$n" -ge 1 ] && [[ $err != *signature* ]] && pass ||
				{ fail "insmod $pol $name (valid): rc=$rc calls=$n err=$err"; }
		elif [ "$pol" = enforce ]; then
			if [ "$rc" = 1 ] && [ "$n" = 0 ] &&
			   [[ $err == *"module $mod: signature $want; refused: SigningPolicy is enforce ("* ]]; then
				pass
			else
				fail "insmod enforce $name ($want): rc=$rc calls=$n err=$err"
			fi
		else
			if [ "$n" -ge 1 ] &&
			   [[ $err == *"$file: signature $want; loading anyway: SigningPolicy is warn ("* ]]; then
				pass
			else
				fail "insmod warn $name ($want): rc=$rc calls=$n err=$err"
			fi
		fi
		check_record "insmod $pol $name: record" "$dir" "$mod" "$file" "$want" "$pol" "$weak"
		# modprobe, and modprobe -n: the same verdict, -n never calls
		dir=$(fake_new "mp-$pol-$name" </dev/null)
		run "$WORK/mp-$pol-$name" "$dir" -- "$modprobe" --root "$root" -S "$rel" "$mod"
		rc=$(cat "$WORK/mp-$pol-$name.rc") n=$(calls_for "${name//-/_}" "$dir")
		check_record "modprobe $pol $name: record" "$dir" "$mod" "$file" "$want" "$pol" "$weak"
		run "$WORK/mpn-$pol-$name" "$dir" -- "$modprobe" -n --root "$root" -S "$rel" "$mod"
		rcn=$(cat "$WORK/mpn-$pol-$name.rc") n2=$(calls_for "${name//-/_}" "$dir")
		if [ -n "$weak" ] && [ "$pol" = enforce ]; then
			if [ "$rc" = 1 ] && [ "$n" = 0 ] && [ "$rcn" = 1 ] && [ "$n2" = 0 ] &&
			   grep -q "module $mod: signature made with the weak hash $weak; refused: SigningPolicy is enforce (" "$WORK/mp-$pol-$name.err" &&
			   grep -q "module $mod: signature made with the weak hash $weak; refused: SigningPolicy is enforce (" "$WORK/mpn-$pol-$name.err"; then
				pass
			else
				fail "modprobe enforce $name (weak hash $weak): rc=$rc calls=$n -n: rc=$rcn calls=$n2 $(cat "$WORK/mp-$pol-$name.err")"
			fi
		elif [ -n "$weak" ]; then
			[ "$n" -ge 1 ] && [ "$rcn" = 0 ] && [ "$n2" = "$n" ] &&
			   grep -q "signature valid but made with the weak hash $weak; loading anyway" "$WORK/mp-$pol-$name.err" &&
			   pass || fail "modprobe warn $name (weak hash $weak): rc=$rc calls=$n -n: rc=$rcn calls=$n2 $(cat "$WORK/mp-$pol-$name.err")"
		elif [ "$want" = valid ] || [ "$pol" = warn ]; then
			[ "$n" -ge 1 ] && [ "$rcn" = 0 ] && [ "$n2" = "$n" ] && pass ||
				fail "modprobe $pol $name ($want): rc=$rc calls=$n -n: rc=$rcn calls=$n2"
		else
			if [ "$rc" = 1 ] && [ "$n" = 0 ] && [ "$rcn" = 1 ] && [ "$n2" = 0 ] &&
			   grep -q "module $mod: signature $want; refused: SigningPolicy is enforce (" "$WORK/mp-$pol-$name.err" &&
			   grep -q "module $mod: signature $want; refused: SigningPolicy is enforce (" "$WORK/mpn-$pol-$name.err"; then
				pass
			else
				fail "modprobe enforce $name ($want): rc=$rc calls=$n -n: rc=$rcn calls=$n2 $(cat "$WORK/mp-$pol-$name.err")"
			fi
		fi
	done <"$WORK/m/expected"
done

# A kernel that refuses a signature (EKEYREJECTED) is explained by pmod's
# own verdict on the same file: changed contents, an unknown signer, no
# signature, or a key only pmod's store holds.
policy warn
while read -r name text; do
	mod=gate_${name//-/_}
	dir=$(fake_new "ekey-$name" </dev/null)
	run "$WORK/ekey-$name" "$dir" PMOD_FAKE_KERNEL_ERRORS='*:EKEYREJECTED' -- \
		"$insmod" --root "$root" "/lib/modules/$rel/extra/$mod.ko"
	check_contains "EKEYREJECTED explained for $name" "$WORK/ekey-$name.err" "$text"
	check_rc "EKEYREJECTED for $name" "$WORK/ekey-$name" 1
done <<'CASES'
tampered-body the kernel rejected the module's signature: the module does not match it
stranger the kernel rejected the module's signature: no trusted key matches its signer
unsigned the kernel accepts only signed modules and this module is unsigned
rsa-sha256 is in pmod's trust store but the kernel does not hold that key or cannot check sha256
CASES

# --show-depends judges nothing: an unsigned module is listed under enforce.
policy enforce
dir=$(fake_new showdeps </dev/null)
run "$WORK/sd" "$dir" -- "$modprobe" --show-depends --root "$root" -S "$rel" gate_unsigned
[ "$(cat "$WORK/sd.rc")" = 0 ] && grep -q "^insmod .*gate_unsigned.ko" "$WORK/sd.out" &&
	[ ! -s "$WORK/sd.err" ] && pass || fail "--show-depends under enforce: $(cat "$WORK/sd.out" "$WORK/sd.err")"
# ... and does not even load libcrypto.
LD_DEBUG=files "$modprobe" --show-depends --root "$root" -S "$rel" gate_rsa_sha256 2>"$WORK/ld" >/dev/null
grep -q 'file=libcrypto' "$WORK/ld" && fail "--show-depends loaded libcrypto" || pass

finish
