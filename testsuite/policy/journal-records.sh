#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Where a record goes and what the journal gets, with pmod's modprobe and
# insmod under the fake kernel and the real Debian tree. The fake kernel
# keeps the three places inside its directory (DIR/run/systemd/journal/
# socket, DIR/dev/log, DIR/dev/kmsg; libsystemd's datagrams to the
# journal's socket go to DIR's), and fake-journal.py stands in for
# journald, parsing its native protocol strictly:
#  - journald running: a load and a refusal reach it with their
#    MESSAGE_ID and PMOD_* fields, MESSAGE is the text line syslog would
#    get, and nothing goes to syslog;
#  - a module path holding a newline and "=" stays one PMOD_PATH value:
#    no field is forged;
#  - the journal's socket with nobody behind it: syslog, not silence;
#  - no journal: syslog when /dev/log exists, else the kernel's log with
#    an authpriv "<PRI>" prefix.
# usage: journal-records.sh MODPROBE INSMOD SHIM MAKE_FAKE_KERNEL FAKE_JOURNAL
PMP=$1 PINS=$2 SHIM=$3 MAKE_FAKE=$4 FAKE_JOURNAL=$5
if [ -z "${PMOD_TEST_ROOT:-}" ] || [ -z "${PMOD_TEST_ABI:-}" ]; then
	echo "PMOD_TEST_ROOT/PMOD_TEST_ABI not set: skipped"; exit 77
fi
. "$(dirname "$0")/../kernel-cli/lib.sh"
ABI=$PMOD_TEST_ABI
[ -f "$PMOD_TEST_ROOT/lib/modules/$ABI/modules.dep.bin" ] || { echo "no modules.dep.bin: skipped"; exit 77; }
python3 -c 'import socket' 2>/dev/null || { echo "no python3: skipped"; exit 77; }

LOAD_ID=6c7ec6f2bcba41f3bd825c7768f79439
REFUSE_ID=d2aea6815f034a149c34e29e73cbe940

TROOT=$WORK/root
mkdir -p "$TROOT/etc/pmod"
ln -s "$PMOD_TEST_ROOT/lib" "$TROOT/lib"
policy() { printf '%s\n' "$@" > "$TROOT/etc/pmod/policy.conf"; }

# fresh NAME: an empty fake kernel (nothing loaded).
fresh() { : | fake_new "$1" --cmdline "" > /dev/null; mkdir -p "$WORK/$1/run/systemd/journal" "$WORK/$1/dev"; }

# journal NAME -- CMD ARGS: CMD with fake-journal.py behind DIR's socket;
# its entries in NAME.journal.
journal() {
	local name=$1 dir=$WORK/$1 pid i
	shift 2
	python3 "$FAKE_JOURNAL" "$dir/run/systemd/journal/socket" "$WORK/$name.journal" \
		2> "$WORK/$name.receiver" &
	pid=$!
	for i in $(seq 100); do [ -S "$dir/run/systemd/journal/socket" ] && break; sleep 0.05; done
	run "$WORK/$name" "$dir" -- "$@"
	wait "$pid" || { fail "$name: fake-journal: $(cat "$WORK/$name.receiver")"; touch "$WORK/$name.journal"; }
}

# field NAME KEY: the values of KEY in NAME's entries, one a line.
field() { sed -n "s/^$2=//p" "$WORK/$1.journal"; }
# text NAME: the syslog line's message without the process's own ids.
unpid() { sed -E 's/ pid=[0-9]+ ppid=[0-9]+//'; }

# ---------------------------------------------------------------- load
policy "# defaults"
fresh load
journal load -- "$PMP" --root "$TROOT" -S "$ABI" dummy
check_rc "load: exit status" "$WORK/load" 0
check_eq "load: one entry" "$(grep -c '^--$' "$WORK/load.journal")" 1
check_eq "load: MESSAGE_ID" "$(field load MESSAGE_ID)" "$LOAD_ID"
check_eq "load: PMOD_ACTION" "$(field load PMOD_ACTION)" load
check_eq "load: PMOD_MODULE" "$(field load PMOD_MODULE)" dummy
check_eq "load: PMOD_PATH" "$(field load PMOD_PATH)" "$TROOT/lib/modules/$ABI/kernel/drivers/net/dummy.ko"
# Debian's key is in no trust store here; SigningPolicy warn lets it in.
check_eq "load: PMOD_SIGNATURE" "$(field load PMOD_SIGNATURE)" untrusted
check_eq "load: PMOD_SIGNING_POLICY" "$(field load PMOD_SIGNING_POLICY)" warn
check_eq "load: PMOD_DEMAND" "$(field load PMOD_DEMAND)" no
check_eq "load: PMOD_RESULT" "$(field load PMOD_RESULT)" ok
check_eq "load: no PMOD_RULE" "$(field load PMOD_RULE)" ""
check_eq "load: PRIORITY notice" "$(field load PRIORITY)" 5
check_eq "load: SYSLOG_FACILITY authpriv" "$(field load SYSLOG_FACILITY)" 10
check_eq "load: SYSLOG_IDENTIFIER" "$(field load SYSLOG_IDENTIFIER)" modprobe
check_eq "load: PMOD_PID is the tool's" "$(field load PMOD_PID)" \
	"$(field load MESSAGE | sed -E 's/.* pid=([0-9]+) .*/\1/')"
check_eq "load: nothing to syslog" "$(cat "$WORK/load/syslog.log" 2>/dev/null)" ""

# The same load without a journal: syslog gets the line the journal's
# MESSAGE holds.
fresh load-syslog
touch "$WORK/load-syslog/dev/log" "$WORK/load-syslog/dev/kmsg"
run "$WORK/load-syslog" "$WORK/load-syslog" -- "$PMP" --root "$TROOT" -S "$ABI" dummy
check_eq "syslog: one line" "$(wc -l < "$WORK/load-syslog/syslog.log")" 1
check_eq "syslog: the journal's MESSAGE, word for word" \
	"$(sed 's/^modprobe authpriv.notice //' "$WORK/load-syslog/syslog.log" | unpid)" \
	"$(field load MESSAGE | unpid)"
check_eq "syslog: not the kernel's log when /dev/log exists" "$(cat "$WORK/load-syslog/dev/kmsg")" ""

# ---------------------------------------------------------------- refusal
policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = ifb"
fresh refuse
journal refuse -- "$PMP" --root "$TROOT" -S "$ABI" --demand tun
check_rc "refusal: exit status" "$WORK/refuse" 1
check_eq "refusal: MESSAGE_ID" "$(field refuse MESSAGE_ID)" "$REFUSE_ID"
check_eq "refusal: PMOD_ACTION" "$(field refuse PMOD_ACTION)" refuse-load
check_eq "refusal: PMOD_REQUEST" "$(field refuse PMOD_REQUEST)" tun
check_eq "refusal: PMOD_MODULE" "$(field refuse PMOD_MODULE)" tun
check_eq "refusal: PMOD_DEMAND" "$(field refuse PMOD_DEMAND)" yes
check_eq "refusal: PMOD_AUTOLOAD_POLICY" "$(field refuse PMOD_AUTOLOAD_POLICY)" allow-list
check_eq "refusal: PMOD_RESULT" "$(field refuse PMOD_RESULT)" EPERM
check_eq "refusal: PRIORITY warning" "$(field refuse PRIORITY)" 4
rule=$(field refuse MESSAGE | sed -nE 's/.* rule=("[^"]*"|[^ ]*).*/\1/p' | tr -d '"')
check_eq "refusal: PMOD_RULE is the text's rule" "$(field refuse PMOD_RULE)" "$rule"
[ -n "$rule" ] && pass || fail "refusal: the text names no rule"
check_no_calls "refusal" "$WORK/refuse"
policy "# defaults"

# ---------------------------------------------------------------- hostile path
# A module file whose name holds a newline and "=": the journal gets it as
# one value (sent with its length), the text line escaped.
evil="$WORK/evil
PMOD_MODULE=forged
PMOD_RESULT=ok=.ko"
cp "$TROOT/lib/modules/$ABI/kernel/drivers/net/dummy.ko" "$evil"
fresh hostile
journal hostile -- "$PINS" "$evil"
check_rc "hostile: exit status" "$WORK/hostile" 0
check_eq "hostile: one PMOD_MODULE" "$(field hostile PMOD_MODULE | wc -l)" 1
check_eq "hostile: one PMOD_RESULT" "$(field hostile PMOD_RESULT)" ok
check_eq "hostile: nothing named forged" "$(grep -c '^[A-Z_]*=forged' "$WORK/hostile.journal")" 0
check_eq "hostile: PMOD_PATH is the whole path" "$(field hostile PMOD_PATH)" \
	"$WORK/evil\\nPMOD_MODULE=forged\\nPMOD_RESULT=ok=.ko"
check_eq "hostile: MESSAGE is one line" "$(field hostile MESSAGE | grep -c '\\n')" 0

# ---------------------------------------------------------------- no journald
# The socket is there, nobody reads it: the record goes to syslog.
fresh refused
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' \
	"$WORK/refused/run/systemd/journal/socket"
touch "$WORK/refused/dev/log"
run "$WORK/refused" "$WORK/refused" -- "$PMP" --root "$TROOT" -S "$ABI" dummy
check_contains "dead journal: syslog" "$WORK/refused/syslog.log" "modprobe authpriv.notice load request=dummy module=dummy"

# Neither the journal nor syslog (early boot): the kernel's log, with
# authpriv.notice's "<85>" and the writer's name.
fresh kmsg
touch "$WORK/kmsg/dev/kmsg"
run "$WORK/kmsg" "$WORK/kmsg" -- "$PMP" --root "$TROOT" -S "$ABI" dummy
check_eq "kernel log: one line" "$(wc -l < "$WORK/kmsg/dev/kmsg")" 1
check_contains "kernel log: prefix and record" "$WORK/kmsg/dev/kmsg" "<85>modprobe["
check_contains "kernel log: the record" "$WORK/kmsg/dev/kmsg" "]: load request=dummy module=dummy "
check_eq "kernel log: not syslog" "$(cat "$WORK/kmsg/syslog.log" 2>/dev/null)" ""

finish
