# The second boot, with module.sig_enforce=1 on the kernel command line
# (busybox sh, run by /init): for each module, pmod's signature verdict
# must agree with the kernel's own answer.
# Usage: sh sigenforce.sh TOOLDIR
#
# The trust stores: /usr/lib/pmod/keys/ holds the certificates built into
# this kernel (its built-in trusted keyring: Debian's module signing key,
# taken from vmlinux on the host), /etc/pmod/keys/ the test's throwaway
# key, which the kernel does not hold. "Agrees" means, for every module:
#   pmod: valid, by a certificate in /usr/lib/pmod/keys/  <=>  the kernel loads it;
#   pmod: valid by the throwaway key, unsigned, untrusted or bad-signature
#         => the kernel refuses it with EKEYREJECTED ("Key was rejected by
#         service"), the module is not in /proc/modules.
# pmod is run with SigningPolicy = warn, so that it asks the kernel
# whatever its verdict. The kernel's answer is read three ways: whether
# the module is in /proc/modules, the errno in pmod's load record
# (result=...), and busybox's insmod (a bare finit_module, no pmod) for
# the refused ones.
T=${1:?tool directory}
M=/lib/modules/$(uname -r)
X=$M/extra
. /checklib.sh
ok() { [ "$rc" = 0 ]; }
# record PATH: pmod's load record for PATH, waiting up to 3 s for syslogd.
record() {
	i=0
	while :; do
		rec=$(grep -F "load " /tmp/messages 2>/dev/null | grep -F "path=$1 " | tail -n1)
		[ -z "$rec" ] && [ $i -lt 30 ] || break
		usleep 100000; i=$((i + 1))
	done
	echo "record: $rec"
}
in_record() { printf '%s\n' "$rec" | grep -qF -- "$1"; }

syslogd -O /tmp/messages
mkdir -p /etc/pmod/keys /usr/lib/pmod/keys
cp /pmodtest/trusted.der /etc/pmod/keys/pmod-test.der
cp /pmodtest/kernel-*.der /usr/lib/pmod/keys/
printf 'SigningPolicy = warn\n' >/etc/pmod/policy.conf

echo "RK-BEGIN tools=$T"
echo "modules: $(cd "$M" && find kernel extra -type f | sort | tr '\n' ' ')"
echo "kernel command line: $(cat /proc/cmdline)"

begin sig-enforce-on "the kernel enforces module signatures (module.sig_enforce=1)"
e=$(cat /sys/module/module/parameters/sig_enforce 2>/dev/null)
echo "/sys/module/module/parameters/sig_enforce: $e"
want "sig_enforce is '$e', want Y" [ "$e" = Y ]
end

# agree NAME PATH WANT_VERDICT: pmod's verdict on PATH is WANT_VERDICT and
# the kernel's answer to loading it agrees (see the top of this file).
agree() {
	n=$1 p=$2 v=$3
	begin "sig-agree-$n" "module $n: pmod's verdict '$v' and the kernel's answer agree"
	run "$T/modinfo" --verify "$p"
	got=$(printf '%s\n' "$out" | sed -n "s|^$p: \([a-z-]*\).*|\1|p")
	want "verdict '$got', want '$v'" [ "$got" = "$v" ]
	kernel_key=no
	if [ "$got" = valid ] && said 'cert="/usr/lib/pmod/keys/'; then kernel_key=yes; fi
	echo "pmod: $got; by a certificate the kernel holds: $kernel_key"
	run "$T/insmod" "$p"
	ins_rc=$rc
	record "$p"
	if [ "$kernel_key" = yes ]; then
		want "pmod valid (kernel's key) but insmod exit $ins_rc" [ "$ins_rc" = 0 ]
		want "pmod valid (kernel's key) but the kernel did not load it" loaded "$n"
		want "record result is not ok" in_record " result=ok"
		# And under SigningPolicy = enforce, modprobe loads it too.
		busybox rmmod "$n"
		printf 'SigningPolicy = enforce\n' >/etc/pmod/policy.conf
		run "$T/modprobe" "$n"
		printf 'SigningPolicy = warn\n' >/etc/pmod/policy.conf
		want "SigningPolicy = enforce: modprobe exit $rc" ok
		want "SigningPolicy = enforce: modprobe did not load it" loaded "$n"
		busybox rmmod "$n"
	else
		want "pmod $got (no kernel key) but insmod exit 0" [ "$ins_rc" != 0 ]
		want "pmod $got (no kernel key) but the kernel loaded it" gone "$n"
		want "record result is not EKEYREJECTED" in_record " result=EKEYREJECTED"
		want "pmod's message does not name the signature as the cause" said "sign"
		# The kernel's own answer, without pmod in the way.
		run busybox insmod "$p"
		want "busybox insmod: not 'Key was rejected by service'" said "Key was rejected by service"
		want "busybox insmod loaded it" gone "$n"
	fi
	end
}

agree pmodtest_sha256 "$X/pmodtest_sha256.ko" valid
agree pmodtest_sha512 "$X/pmodtest_sha512.ko" valid
agree pmodtest_skid "$X/pmodtest_skid.ko" valid
agree pmodtest_unsigned "$X/pmodtest_unsigned.ko" unsigned
agree pmodtest_untrusted "$X/pmodtest_untrusted.ko" untrusted
agree pmodtest_tampered "$X/pmodtest_tampered.ko" bad-signature
agree dummy "$(find "$M/kernel" -name dummy.ko)" valid
agree crc7 "$(find "$M/kernel" -name crc7.ko)" bad-signature

begin sig-agree-kernel-log "the kernel's log gives its reasons for the refusals"
dmesg | grep -E 'Loading of|pmodtest_|crc7|dummy'
want "no 'Loading of unsigned module is rejected'" sh -c "dmesg | grep -q 'Loading of unsigned module is rejected'"
want "no 'Loading of module with unavailable key is rejected'" \
	sh -c "dmesg | grep -q 'Loading of module with unavailable key is rejected'"
bad=$(dmesg | grep -E 'BUG:|Oops|WARNING:|Call Trace|general protection')
want "kernel log has: $(echo "$bad" | head -n1)" [ -z "$bad" ]
end

echo
echo "RK-DONE pass=$npass fail=$nfail [uptime $(cut -d" " -f1 /proc/uptime)]"
