# The real-kernel checks, run by /init inside the VM (busybox sh).
# Usage: sh checks.sh TOOLDIR   (TOOLDIR holds modprobe, insmod, rmmod, lsmod)
#
# Every check prints its commands with their output and exit status, then
# exactly one line "RK-RESULT PASS NAME" or "RK-RESULT FAIL NAME: why",
# which the host collects. Assertions read the kernel's own state
# (/proc/modules, /sys/module), exit codes and messages.
# The tools are called by absolute path: busybox's shell would run its own
# modprobe/insmod applets ahead of $PATH.
T=${1:?tool directory}
M=/lib/modules/$(uname -r)
X=$M/extra
. /checklib.sh

silent() { [ -z "$out" ]; }
ok() { [ "$rc" = 0 ]; }
failed() { [ "$rc" != 0 ]; }
param() { cat "/sys/module/$1/parameters/$2" 2>/dev/null; }
refcnt() { cat "/sys/module/$1/refcnt" 2>/dev/null; }
# earlier A B: both loaded, A before B (/proc/modules lists the newest first)
earlier() {
	awk -v a="$1" -v b="$2" '$1 == a { pa = NR } $1 == b { pb = NR }
		END { exit !(pa && pb && pa > pb) }' /proc/modules
}
# Leave no module behind for the next check, whatever the tool under test
# did: busybox's own rmmod is a plain delete_module(O_NONBLOCK).
cleanup() {
	for m in "$@"; do loaded "$m" && busybox rmmod "$m" 2>/dev/null; done
	return 0
}

# The kernel's own record of load attempts: every init_module and
# finit_module call, traced at syscall entry (CONFIG_FTRACE_SYSCALLS), with
# the caller's name and pid. "The kernel was not asked" is checked here.
TR=/sys/kernel/tracing
mount -t tracefs tracefs $TR 2>/dev/null
for e in sys_enter_finit_module sys_enter_init_module; do
	echo 1 >$TR/events/syscalls/$e/enable || echo "cannot trace $e"
done
load_calls() { grep -cE 'sys_(f?init_module)\(' $TR/trace; }
# The pmod records (syslog, LOG_AUTHPRIV) go to /tmp/messages.
syslogd -O /tmp/messages
# records N TEXT...: the records so far that contain every TEXT, shown;
# false unless there are at least N of them (syslogd writes asynchronously: wait up
# to 3 s for them, by the clock: processes are slow under emulation).
# One awk reads the terms from its arguments (ARGC = 1 keeps it from
# taking them for files) and the records from stdin.
records_match() {
	recs=$(awk 'BEGIN { n = ARGC - 1; for (i = 1; i <= n; i++) t[i] = ARGV[i]; ARGC = 1 }
		{ for (i = 1; i <= n; i++) if (!index($0, t[i])) next; print }' "$@" 2>/dev/null </tmp/messages)
}
# centiseconds: the uptime in hundredths of a second, without a process.
centiseconds() { read -r cs _ </proc/uptime; echo "${cs%.*}${cs#*.}"; }
records() {
	nrec=$1; shift
	r0=$(centiseconds)
	while :; do
		records_match "$@"
		[ "$(printf '%s' "$recs" | grep -c '')" -lt "$nrec" ] && [ $(($(centiseconds) - r0)) -lt 300 ] || break
		usleep 100000
	done
	[ -z "$recs" ] || printf 'record: %s\n' "$recs"
	[ "$(printf '%s' "$recs" | grep -c '')" -ge "$nrec" ]
}
policy() { mkdir -p /etc/pmod; printf '%s\n' "# written by checks.sh" "$@" >/etc/pmod/policy.conf; echo "policy.conf: $*"; }

echo "RK-BEGIN tools=$T"
echo "modules: $(cd "$M" && find kernel extra -type f | sort | tr '\n' ' ')"

# ---------------------------------------------------------------- signing
# First in the boot: the kernel (without module.sig_enforce) would load an
# unsigned or untrusted out-of-tree module with one-time dmesg lines naming
# it ("loading out-of-tree module taints kernel", "module verification
# failed"), so a refused module must never be named in dmesg, and the
# syscall trace must show no load call while pmod refuses.
policy "SigningPolicy = enforce"
mkdir -p /etc/pmod/keys
cp /pmodtest/trusted.der /etc/pmod/keys/pmod-test.der

begin sign-verify "modinfo --verify: each signing case's verdict and exit status"
for case in sha256:valid sha512:valid skid:valid unsigned:unsigned untrusted:untrusted tampered:bad-signature; do
	n=${case%%:*}; v=${case#*:}
	run "$T/modinfo" --verify "$X/pmodtest_$n.ko"
	got=$(printf '%s\n' "$out" | sed -n "s|^$X/pmodtest_$n.ko: \([a-z-]*\).*|\1|p")
	want "$n: verdict '$got', want $v" [ "$got" = "$v" ]
	if [ "$v" = valid ]; then want "$n: exit $rc, want 0" ok
	else want "$n: exit $rc, want 1" [ "$rc" = 1 ]; fi
done
want "sha512: hash not named" sh -c "$T/modinfo --verify $X/pmodtest_sha512.ko | grep -q hash=sha512"
end

# refused NAME VERDICT TOOL...: TOOL must refuse NAME under enforce,
# naming the verdict, with exit 1 and no load call in the kernel's trace.
refused() {
	rn=$1 rv=$2; shift 2
	c0=$(load_calls)
	run "$@"
	c1=$(load_calls)
	want "$1: exit $rc, want 1" [ "$rc" = 1 ]
	want "$1: verdict '$rv' not named" said "signature $rv"
	want "$1: no 'refused' in the message" said "refused"
	want "$1: the kernel was asked ($((c1 - c0)) load calls traced)" [ "$c1" = "$c0" ]
	want "$rn loaded" gone "$rn"
}
for case in unsigned:unsigned untrusted:untrusted tampered:bad-signature; do
	n=${case%%:*}; v=${case#*:}
	begin "sign-refuse-$n" "SigningPolicy = enforce: a module whose signature is $v is refused before the kernel is asked"
	refused "pmodtest_$n" "$v" "$T/insmod" "$X/pmodtest_$n.ko"
	refused "pmodtest_$n" "$v" "$T/modprobe" "pmodtest_$n"
	want "want 2 refusal records (insmod, modprobe) naming pmodtest_$n and '$v'" \
		records 2 "refuse-load " "module=pmodtest_$n " "$v"
	bad=$(dmesg | grep "pmodtest_$n")
	[ -z "$bad" ] || printf '%s\n' "$bad"
	want "dmesg names pmodtest_$n: $(echo "$bad" | head -n1)" [ -z "$bad" ]
	end
done

for n in sha256 sha512 skid; do
	begin "sign-load-$n" "SigningPolicy = enforce: signed by the key in /etc/pmod/keys ($n), it loads"
	c0=$(load_calls)
	run "$T/insmod" "$X/pmodtest_$n.ko"
	want "insmod: exit $rc, want 0" ok
	want "insmod: pmodtest_$n not loaded" loaded "pmodtest_$n"
	want "insmod: no load call traced" [ "$(load_calls)" -gt "$c0" ]
	run "$T/rmmod" "pmodtest_$n"
	want "rmmod: exit $rc, want 0" ok
	run "$T/modprobe" "pmodtest_$n"
	want "modprobe: exit $rc, want 0" ok
	want "modprobe: pmodtest_$n not loaded" loaded "pmodtest_$n"
	run "$T/modprobe" -r "pmodtest_$n"
	want "modprobe -r: exit $rc, want 0" ok
	want "pmodtest_$n still loaded" gone "pmodtest_$n"
	end
	cleanup "pmodtest_$n"
done
# The positive control of the dmesg check above: the kernel names the
# first out-of-tree module it loads (taint O; E: not signed by a key the
# kernel holds).
begin sign-kernel-saw-valid "the kernel's log names the first accepted module, not a refused one"
dmesg | grep pmodtest_
want "no 'pmodtest_sha256: loading out-of-tree module' line in dmesg" \
	sh -c "dmesg | grep -q 'pmodtest_sha256: loading out-of-tree module taints kernel'"
want "no 'pmodtest_sha256: module verification failed' line in dmesg" \
	sh -c "dmesg | grep -q 'pmodtest_sha256: module verification failed'"
end

# pmodtest_twoface.ko.gz: pmodtest_unsigned hidden in the gzip header's
# extra field, pmodtest_sha256 as the one real member. Whatever pmod
# verified is what the kernel must get.
begin sign-two-faced-gzip "SigningPolicy = enforce: a two-faced .ko.gz loads as the member that was verified, never as the module in its header"
run "$T/modinfo" --verify "$X/pmodtest_twoface.ko.gz"
want "modinfo --verify: exit $rc, want 0 (the real member is validly signed)" ok
c0=$(load_calls)
run "$T/insmod" "$X/pmodtest_twoface.ko.gz"
want "insmod: exit $rc, want 0" ok
want "insmod: no load call traced" [ "$(load_calls)" -gt "$c0" ]
want "the verified member (pmodtest_sha256) is not what was loaded" loaded pmodtest_sha256
want "the module hidden in the gzip header was loaded" gone pmodtest_unsigned
end
cleanup pmodtest_sha256 pmodtest_unsigned

# pmodtest_sha1: signed by the trusted key, with a hash weaker than sha256.
begin sign-weak-hash "SigningPolicy = enforce: a sha1 signature by a trusted key is refused naming the hash; warn loads it and says so"
run "$T/modinfo" --verify "$X/pmodtest_sha1.ko"
want "modinfo --verify: exit $rc, want 1" [ "$rc" = 1 ]
want "modinfo --verify: the hash is not shown as weak" said "hash=sha1 weak-hash"
c0=$(load_calls)
run "$T/insmod" "$X/pmodtest_sha1.ko"
want "insmod: exit $rc, want 1" [ "$rc" = 1 ]
want "insmod: the weak hash is not named" said "weak hash sha1"
run "$T/modprobe" pmodtest_sha1
want "modprobe: exit $rc, want 1" [ "$rc" = 1 ]
want "modprobe: the weak hash is not named" said "weak hash sha1"
want "the kernel was asked ($(( $(load_calls) - c0 )) load calls traced)" [ "$(load_calls)" = "$c0" ]
want "pmodtest_sha1 loaded under enforce" gone pmodtest_sha1
policy "SigningPolicy = warn"
run "$T/modprobe" pmodtest_sha1
want "warn: modprobe exit $rc, want 0" ok
want "warn: no warning naming the weak hash" said "weak hash sha1"
want "warn: pmodtest_sha1 not loaded" loaded pmodtest_sha1
policy "SigningPolicy = enforce"
end
cleanup pmodtest_sha1
# Back to the defaults (no policy file, empty store) for the other checks.
rm -rf /etc/pmod

# ---------------------------------------------------------------- loading
begin modprobe-deps "a Debian module with a dependency chain"
run "$T/modprobe" 8021q
want "exit $rc, want 0" ok
for m in 8021q garp mrp stp llc; do want "$m not loaded" loaded $m; done
want "llc not held by stp" test -e /sys/module/llc/holders/stp
end

begin modprobe-deps-oot "the out-of-tree pair (pmodtest_user needs pmodtest_base's export)"
run "$T/modprobe" pmodtest_user port=8080
want "exit $rc, want 0" ok
want "pmodtest_base not loaded" loaded pmodtest_base
want "pmodtest_user not loaded" loaded pmodtest_user
want "pmodtest_base not held by pmodtest_user" test -e /sys/module/pmodtest_base/holders/pmodtest_user
end

begin modprobe-params "options from modprobe.d and the command line reach the module"
for kv in "count=42" "name=hello world" "verbose=Y" "levels=1,2,3" "port=8080"; do
	k=${kv%%=*}; v=${kv#*=}
	got=$(param pmodtest_user "$k")
	echo "/sys/module/pmodtest_user/parameters/$k: $got"
	want "$k is '$got', want '$v'" [ "$got" = "$v" ]
done
end

begin lsmod "every loaded module listed with its use count and users"
run "$T/lsmod"
want "exit $rc, want 0" ok
hdr=$(printf '%s\n' "$out" | head -n1 | tr -s ' ')
want "header is '$hdr'" [ "$hdr" = "Module Size Used by" ]
want "$(($(printf '%s\n' "$out" | wc -l) - 1)) module lines, /proc/modules has $(wc -l </proc/modules)" \
	[ "$(printf '%s\n' "$out" | wc -l)" = "$(($(wc -l </proc/modules) + 1))" ]
while read -r name _size ref users _rest; do
	line=$(printf '%s\n' "$out" | awk -v n="$name" '$1 == n')
	if [ -z "$line" ]; then errs="$errs; $name missing"; continue; fi
	# shellcheck disable=SC2086 # split the lsmod line into its fields
	set -- $line
	want "$name: used-by count '$3', want $ref" [ "$3" = "$ref" ]
	for u in $(echo "$users" | tr ',' ' '); do
		[ "$u" = - ] && continue
		want "$name: user $u missing from '$4'" sh -c "echo ',$4,' | grep -q ',$u,'"
	done
done </proc/modules
end

begin modprobe-already-loaded "modprobe of a loaded module: exit 0, silent"
run "$T/modprobe" pmodtest_user
want "exit $rc, want 0" ok
want "output not empty" silent
run "$T/modprobe" stp
want "stp: exit $rc, want 0" ok
want "stp: output not empty" silent
end

begin insmod-already-loaded "insmod of a loaded module fails: File exists"
run "$T/insmod" "$X/pmodtest_base.ko"
want "exit $rc, want non-zero" failed
want "no 'exists' in the message" said "exists"
want "pmodtest_base no longer loaded" loaded pmodtest_base
end

# ------------------------------------------------- unload refused: holders
begin rmmod-held-by-module "rmmod of a module another module uses"
run "$T/rmmod" pmodtest_base
plain_rc=$rc
want "exit $rc, want non-zero" failed
want "no 'in use' in the message" said "in use"
want "holder pmodtest_user not named" said "pmodtest_user"
want "force notice without -f" eval '! said force'
want "pmodtest_base was removed" loaded pmodtest_base
end

begin rmmod-force-held-by-module "rmmod -f: same refusal plus a notice, module stays"
run "$T/rmmod" -f pmodtest_base
want "exit $rc, want $plain_rc as without -f" [ "$rc" = "$plain_rc" ]
want "no notice about forced unload" said "forc"
want "pmodtest_base was removed" loaded pmodtest_base
want "pmodtest_user was removed" loaded pmodtest_user
end

begin modprobe-r-held-by-module "modprobe -r of a module another module uses"
run "$T/modprobe" -r pmodtest_base
plain_rc=$rc
want "exit $rc, want non-zero" failed
want "no 'in use' in the message" said "in use"
want "pmodtest_base was removed" loaded pmodtest_base
end

begin modprobe-r-force-held-by-module "modprobe -r -f: same refusal plus a notice, module stays"
run "$T/modprobe" -r -f pmodtest_base
want "exit $rc, want $plain_rc as without -f" [ "$rc" = "$plain_rc" ]
want "no notice about forced unload" said "forc"
want "pmodtest_base was removed" loaded pmodtest_base
end

# ------------------------------------------------------------- unloading
begin modprobe-r-deps "modprobe -r 8021q removes its now unused dependencies"
run "$T/modprobe" -r 8021q
want "exit $rc, want 0" ok
for m in 8021q garp mrp stp llc; do want "$m still loaded" gone $m; done
end
cleanup 8021q garp mrp stp llc

begin modprobe-r-oot "modprobe -r pmodtest_user removes pmodtest_base too"
run "$T/modprobe" -r pmodtest_user
want "exit $rc, want 0" ok
want "pmodtest_user still loaded" gone pmodtest_user
want "pmodtest_base still loaded" gone pmodtest_base
end
cleanup pmodtest_user pmodtest_base

begin modprobe-alias "modprobe by alias (MODULE_ALIAS pmodtest-alias)"
run "$T/modprobe" pmodtest-alias
want "exit $rc, want 0" ok
want "pmodtest_user not loaded" loaded pmodtest_user
want "pmodtest_base not loaded" loaded pmodtest_base
end
cleanup pmodtest_user pmodtest_base

# ------------------------------------------------------------------ insmod
begin insmod-missing-dep "insmod without the dependency loaded: Unknown symbol"
run "$T/insmod" "$X/pmodtest_user.ko"
want "exit $rc, want non-zero" failed
want "no 'unknown symbol' in the message" said "unknown symbol"
want "pmodtest_user loaded" gone pmodtest_user
end

begin insmod-rmmod "insmod by path with parameters (no modprobe.d), rmmod of two modules"
run "$T/insmod" "$X/pmodtest_base.ko"
want "insmod pmodtest_base: exit $rc, want 0" ok
run "$T/insmod" "$X/pmodtest_user.ko" count=5 "name=from insmod"
want "insmod pmodtest_user: exit $rc, want 0" ok
want "pmodtest_user not loaded" loaded pmodtest_user
want "count is '$(param pmodtest_user count)', want 5" [ "$(param pmodtest_user count)" = 5 ]
want "name is '$(param pmodtest_user name)', want 'from insmod'" [ "$(param pmodtest_user name)" = "from insmod" ]
run "$T/rmmod" pmodtest_user pmodtest_base
want "rmmod: exit $rc, want 0" ok
want "pmodtest_user still loaded" gone pmodtest_user
want "pmodtest_base still loaded" gone pmodtest_base
end
cleanup pmodtest_user pmodtest_base

# ----------------------------------------------------------------- failures
begin modprobe-unknown "modprobe of a module that does not exist"
run "$T/modprobe" pmodtest_nonexistent
want "exit $rc, want 1" [ "$rc" = 1 ]
want "no 'not found' in the message" said "not found"
end

begin init-fails-enodev "a module whose init returns -ENODEV"
# A clear message: it says the insert failed and names the cause (kmod
# prints strerror, "No such device"; pmod may explain it in words, but it
# must still be about a device, not a bare "failed").
run "$T/modprobe" pmodtest_fail
want "modprobe: exit $rc, want non-zero" failed
want "modprobe: no 'could not insert' in the message" said "could not insert"
want "modprobe: the message does not name the cause (device)" said "device"
want "pmodtest_fail left loaded after modprobe" gone pmodtest_fail
run "$T/insmod" "$X/pmodtest_fail.ko"
want "insmod: exit $rc, want non-zero" failed
want "insmod: no 'could not insert' in the message" said "could not insert"
want "insmod: the message does not name the cause (device)" said "device"
want "pmodtest_fail left loaded after insmod" gone pmodtest_fail
end
cleanup pmodtest_fail

# ------------------------------------------------------------ configuration
begin softdep "softdep dummy pre: crc8 post: crc7"
run "$T/modprobe" dummy
want "exit $rc, want 0" ok
for m in dummy crc8 crc7; do want "$m not loaded" loaded $m; done
# /proc/modules lists the newest module first.
want "crc8 not loaded before dummy" earlier crc8 dummy
want "crc7 not loaded after dummy" earlier dummy crc7
end
cleanup dummy crc7 crc8

begin install-command "install ifb runs its command instead of loading"
rm -f /tmp/install.out
run "$T/modprobe" ifb
want "exit $rc, want 0" ok
got=$(cat /tmp/install.out 2>/dev/null)
echo "/tmp/install.out: $got"
want "command wrote '$got', want MODPROBE_MODULE=ifb" [ "$got" = "MODPROBE_MODULE=ifb" ]
want "ifb loaded" gone ifb
end
cleanup ifb

# -------------------------------------------------------------- compressed
begin zstd "modprobe vcan: vcan.ko.zst and its dependency can-dev.ko.zst"
run "$T/modprobe" vcan
want "exit $rc, want 0" ok
want "vcan not loaded" loaded vcan
want "can_dev not loaded" loaded can_dev
run "$T/modprobe" -r vcan
want "modprobe -r: exit $rc, want 0" ok
want "vcan still loaded" gone vcan
want "can_dev still loaded" gone can_dev
end
cleanup vcan can_dev

begin xz "modprobe nlmon: nlmon.ko.xz"
run "$T/modprobe" nlmon
want "exit $rc, want 0" ok
want "nlmon not loaded" loaded nlmon
run "$T/rmmod" nlmon
want "rmmod: exit $rc, want 0" ok
want "nlmon still loaded" gone nlmon
end
cleanup nlmon

begin insmod-compressed "insmod by path of a .ko.zst and a .ko.xz"
run "$T/insmod" "$(find "$M" -name 'can-dev.ko.zst')"
want "zst: exit $rc, want 0" ok
want "can_dev not loaded" loaded can_dev
run "$T/insmod" "$(find "$M" -name 'nlmon.ko.xz')"
want "xz: exit $rc, want 0" ok
want "nlmon not loaded" loaded nlmon
end
cleanup can_dev nlmon

# ------------------------------------------------------------ demand load
# The kernel runs its helper as "modprobe -q -- fs-TYPE" from a kernel
# thread when a mount names a filesystem type it does not have, and waits
# for it (the mounts themselves fail: /dev/null is no block device).
# AutoLoadPolicy decides; each setting gets a filesystem not yet loaded.
# demand TYPE: point the kernel at the tool under test for one mount.
mkdir -p /mnt
demand() {
	echo "$T/modprobe" >/proc/sys/kernel/modprobe
	c0=$(load_calls)
	run mount -t "$1" /dev/null /mnt
	c1=$(load_calls)
	echo /sbin/no-demand-loads-here >/proc/sys/kernel/modprobe
	echo "load calls traced during the mount: $((c1 - c0))"
}

begin demand-load-enabled "AutoLoadPolicy = enabled: the kernel's request_module (fs-vfat) loads vfat"
policy "AutoLoadPolicy = enabled"
demand vfat
want "vfat not loaded" loaded vfat
want "fat not loaded" loaded fat
want "no load call traced during the mount" [ "$c1" -gt "$c0" ]
want "no load record for the demand load (request=fs-vfat, demand=yes, parent a kernel thread)" \
	records 1 "load request=fs-vfat module=vfat " "demand=yes" "parent-kthread=yes" "result=ok"
end
cleanup vfat fat

begin demand-load-allow-list "AutoLoadPolicy = allow-list: fs-msdos is on the list, it loads"
policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = fs-msdos, fat"
demand msdos
want "msdos not loaded" loaded msdos
want "no load call traced during the mount" [ "$c1" -gt "$c0" ]
want "no load record for request=fs-msdos" records 1 "load request=fs-msdos module=msdos " "demand=yes" "result=ok"
end
cleanup msdos fat

begin demand-load-allow-list-refused "AutoLoadPolicy = allow-list: fs-minix is not on the list, refused before the kernel is asked"
demand minix
want "minix loaded" gone minix
want "the kernel was asked ($((c1 - c0)) load calls traced)" [ "$c1" = "$c0" ]
want "no refusal record naming request=fs-minix and the allow-list rule" \
	records 1 "refuse-load request=fs-minix " "autoload-policy=allow-list" "demand=yes" "rule=\"AutoLoadPolicy=allow-list"
end
cleanup minix

begin demand-load-disabled "AutoLoadPolicy = disabled: fs-bfs refused; an explicit modprobe bfs still loads"
policy "AutoLoadPolicy = disabled"
demand bfs
want "bfs loaded by the demand load" gone bfs
want "the kernel was asked ($((c1 - c0)) load calls traced)" [ "$c1" = "$c0" ]
want "no refusal record naming request=fs-bfs and the rule" \
	records 1 "refuse-load request=fs-bfs " "autoload-policy=disabled" "demand=yes" "rule=" "AutoLoadPolicy=disabled"
run "$T/modprobe" bfs
want "explicit modprobe: exit $rc, want 0" ok
want "explicit modprobe: bfs not loaded" loaded bfs
end
cleanup bfs
rm -rf /etc/pmod

# --------------------------------------------- unload refused: open device
# Last: a tool that did send O_TRUNC would really remove the module under
# the open file (this kernel has MODULE_FORCE_UNLOAD=y).
begin rmmod-held-device "rmmod of a module held by an open device"
run "$T/insmod" "$X/pmodtest_dev.ko"
want "insmod: exit $rc, want 0" ok
want "/dev/pmodtest missing" test -c /dev/pmodtest
# A background process holds the device open, not this shell: if a tool
# did force the module out, every later close of that file would oops
# (its file_operations are gone), so only the holder may ever close it.
# shellcheck disable=SC2217 # sleep only keeps the file open
sleep 3600 </dev/pmodtest &
holder=$!
i=0
while [ "$(refcnt pmodtest_dev)" != 1 ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
echo "refcnt with /dev/pmodtest open: $(refcnt pmodtest_dev)"
want "refcnt is '$(refcnt pmodtest_dev)', want 1" [ "$(refcnt pmodtest_dev)" = 1 ]
run "$T/rmmod" pmodtest_dev
plain_rc=$rc
want "exit $rc, want non-zero" failed
want "no 'in use' in the message" said "in use"
want "pmodtest_dev was removed" loaded pmodtest_dev
end

begin modprobe-r-held-device "modprobe -r of a module held by an open device"
run "$T/modprobe" -r pmodtest_dev
mp_rc=$rc
want "exit $rc, want non-zero" failed
want "no 'in use' in the message" said "in use"
want "pmodtest_dev was removed" loaded pmodtest_dev
end

begin modprobe-r-force-held-device "modprobe -r -f: refused, notice, module stays"
run "$T/modprobe" -r -f pmodtest_dev
want "exit $rc, want $mp_rc as without -f" [ "$rc" = "$mp_rc" ]
want "no notice about forced unload" said "forc"
want "pmodtest_dev was removed (O_TRUNC sent?)" loaded pmodtest_dev
end

begin rmmod-force-held-device "rmmod -f: refused, notice, module stays"
run "$T/rmmod" -f pmodtest_dev
want "exit $rc, want $plain_rc as without -f" [ "$rc" = "$plain_rc" ]
want "no notice about forced unload" said "forc"
want "pmodtest_dev was removed (O_TRUNC sent?)" loaded pmodtest_dev
end

begin rmmod-after-close "once the device is closed, rmmod succeeds"
if loaded pmodtest_dev; then
	kill "$holder"
	wait "$holder"
	run "$T/rmmod" pmodtest_dev
	want "exit $rc, want 0" ok
	want "pmodtest_dev still loaded" gone pmodtest_dev
else
	# Forced out under the open file: closing it now would touch freed
	# module memory, so the holder lives on until power-off.
	errs="; pmodtest_dev already gone (forced out earlier)"
fi
end

# ------------------------------------------------------ systemd-udevd
# The real systemd-udevd loading the drivers of the VM's devices through
# the libkmod.so.2 under test, under each AutoLoadPolicy setting.
. /udevd-checks.sh

begin kernel-clean "no oops or warning in the kernel log, no forced-unload taint"
bad=$(dmesg | grep -E 'BUG:|Oops|WARNING:|Call Trace|general protection')
[ -z "$bad" ] || printf '%s\n' "$bad"
want "kernel log has: $(echo "$bad" | head -n1)" [ -z "$bad" ]
# The kernel taints itself with R (TAINT_FORCED_RMMOD, 1 << 3) whenever it
# honours an O_TRUNC unload of a module that is still referenced.
taint=$(cat /proc/sys/kernel/tainted)
echo "/proc/sys/kernel/tainted: $taint"
want "kernel tainted R (forced module unload happened)" [ $((taint & 8)) = 0 ]
end

echo
echo "RK-DONE pass=$npass fail=$nfail [uptime $(cut -d" " -f1 /proc/uptime)]"
