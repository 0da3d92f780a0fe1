# The main-job demo, run by /init inside the VM (busybox sh): pmod's tools
# on Debian's real kernel. Usage: sh demo.sh TOOLDIR
# Prints a transcript between RK-BEGIN and RK-DONE that the host shows.
# The tools are called by absolute path (busybox's shell prefers its own
# modprobe/insmod applets) but shown by their plain names.
T=${1:?tool directory}

say() { echo; echo "## $*"; }
# show CMD...: print "# CMD" as an administrator would type it, run it
# (under a timeout: nothing may hang the VM) and print its exit status.
show() {
	echo "# $*" | sed "s|$T/||g"
	timeout 30 "$@" 2>&1
	echo "  (exit status $?)"
}

echo "RK-BEGIN tools=$T"
echo "Booted Debian's kernel $(uname -r) in qemu; pmod's tools are in $T."

say "pmod checks each module's signature in userspace before the kernel is asked. The trust store /usr/lib/pmod/keys holds the kernel's own build key (taken from this kernel), as a distribution ships it."
show "$T/modinfo" --verify 8021q tun

say "Load 8021q (VLAN support). modprobe reads modules.dep and first loads what it needs: llc, stp, garp, mrp."
show "$T/modprobe" -v 8021q

say "List the loaded modules, with who uses each one."
show "$T/lsmod"

say "tun provides /dev/net/tun. A process keeping it open holds a reference on the module."
show "$T/modprobe" -v tun
# shellcheck disable=SC2217 # sleep only keeps the file open
sleep 3600 </dev/net/tun &
holder=$!
usleep 300000
show "$T/lsmod"

say "Try to force tun out. This kernel would honour a forced unload (MODULE_FORCE_UNLOAD=y) and pull the module out from under the open file; pmod never asks for one (no O_TRUNC): it says so and refuses as a plain rmmod would."
show "$T/rmmod" -f tun
echo "# grep '^tun ' /proc/modules      (the kernel's own list: still loaded)"
grep '^tun ' /proc/modules

say "Close the device: now tun can go."
kill "$holder"
wait "$holder" 2>/dev/null
show "$T/rmmod" -v tun

say "Unload 8021q and the dependencies nothing else uses any more (kmod 30 would leave stp and llc behind)."
show "$T/modprobe" -r -v 8021q
show "$T/lsmod"

echo
echo "RK-DONE"
