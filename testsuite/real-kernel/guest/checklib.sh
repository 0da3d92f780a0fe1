# Shared by the guest check scripts (checks.sh, sigenforce.sh): each check
# prints its commands with their output and exit status, then exactly one
# line "RK-RESULT PASS NAME" or "RK-RESULT FAIL NAME: why" for the host.
# Sourced by busybox sh from /checklib.sh.
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

begin() { cur=$1; errs=""; echo; echo "=== $1: $2 [uptime $(cut -d" " -f1 /proc/uptime)]"; }
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
