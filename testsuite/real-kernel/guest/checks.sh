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
npass=0
nfail=0

# run CMD...: show the command, run it under a timeout (a hung tool must not
# hang the VM), keep its combined output in $out and its status in $rc.
run() {
	echo "\$ $*"
	out=$(timeout 30 "$@" 2>&1)
	rc=$?
	[ -z "$out" ] || printf '%s\n' "$out"
	echo "[exit $rc]"
}

begin() { cur=$1; errs=""; echo; echo "=== $1: $2"; }
# want DESCRIPTION COMMAND...: record DESCRIPTION as a failure unless COMMAND succeeds.
want() {
	d=$1; shift
	"$@" || errs="$errs; $d"
}
end() {
	if [ -z "$errs" ]; then
		echo "RK-RESULT PASS $cur"; npass=$((npass + 1))
	else
		echo "RK-RESULT FAIL $cur:${errs#;}"; nfail=$((nfail + 1))
	fi
}

loaded() { grep -q "^$1 " /proc/modules; }
gone() { ! loaded "$1"; }
said() { printf '%s\n' "$out" | grep -qi -- "$1"; }
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

echo "RK-BEGIN tools=$T"
echo "modules: $(cd "$M" && find kernel extra -type f | sort | tr '\n' ' ')"

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
begin demand-load "the kernel's own request_module (fs-vfat) runs the tool's modprobe"
# The kernel runs its helper as "modprobe -q -- fs-vfat" from a kernel
# thread and waits for it, so vfat is loaded by the time mount returns
# (mount itself then fails: /dev/null is no block device).
echo "$T/modprobe" >/proc/sys/kernel/modprobe
mkdir -p /mnt
run mount -t vfat /dev/null /mnt
echo /sbin/no-demand-loads-here >/proc/sys/kernel/modprobe
want "vfat not loaded" loaded vfat
want "fat not loaded" loaded fat
end
cleanup vfat fat

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
echo "RK-DONE pass=$npass fail=$nfail"
