# The main boot's systemd-udevd checks, sourced by checks.sh (busybox sh)
# near its end, with its helpers (run, begin/want/end, loaded/gone,
# records, policy, TR).
#
# The host's own systemd-udevd, unchanged (udevadm under that name, as
# Debian 12 ships it), whose libkmod.so.2 is the library under test, loads
# the drivers of the VM's virtio PCI devices (network, entropy, balloon)
# as a booting system does: coldplug (`udevadm trigger`), the rule
# 80-drivers.rules, the kmod builtin for each MODALIAS, in a worker
# process named "(udev-worker)". Nothing in udevd knows about pmod: its
# loads are automatic because the library decides so, and AutoLoadPolicy
# applies. Each setting gets a fresh udevd (the library reads the policy
# when udevd makes its context), from the strictest to the most lenient,
# so each one starts from what the one before let in:
#   disabled    nothing loads; every device's request (virtio_pci) is
#               refused and recorded;
#   allow-list  AutoLoadAllowList = virtio_pci: it and its modules.dep
#               dependencies load; the drivers of the virtio devices it
#               brings up (virtio_net, virtio_rng, virtio_balloon) are
#               refused and recorded;
#   enabled     virtio_net and virtio_rng load and bind to their devices.
# All under SigningPolicy = enforce with the kernel's own certificates in
# /usr/lib/pmod/keys/: Debian's modules are valid; virtio_balloon, whose
# signature was cut off, is refused as unsigned (this kernel does not
# enforce signatures: it would load it, only tainting itself).

UDEV_PCI="virtio_pci virtio_pci_legacy_dev virtio_pci_modern_dev virtio virtio_ring"
UDEV_DEVICES="virtio_net net_failover failover virtio_rng"
mkdir -p /usr/lib/pmod/keys
cp /pmodtest/kernel-*.der /usr/lib/pmod/keys/
nudevd=0

# udevd_start: systemd-udevd in the background ($udevd its pid, its own
# messages in $udevd_log), with a fresh database; false unless it answers.
udevd_start() {
	rm -rf /run/udev
	messages0=$(grep -c '' /tmp/messages 2>/dev/null)
	nudevd=$((nudevd + 1))
	udevd_log=/tmp/udevd-$nudevd.log
	/lib/systemd/systemd-udevd >"$udevd_log" 2>&1 &
	udevd=$!
	i=0
	while [ ! -S /run/udev/control ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
	run udevadm control --ping
	echo "systemd-udevd: pid $udevd, comm $(cat /proc/$udevd/comm 2>/dev/null), exe $(readlink /proc/$udevd/exe)"
	[ "$rc" = 0 ]
}

# udevd_stop: ask udevd to exit (it ends its workers), wait at most 10 s,
# then make sure; show its messages and every record of this run.
udevd_stop() {
	run udevadm control --exit
	i=0
	while [ $i -lt 100 ]; do
		st=$(cut -d' ' -f3 /proc/$udevd/stat 2>/dev/null)
		[ -n "$st" ] && [ "$st" != Z ] || break
		usleep 100000; i=$((i + 1))
	done
	kill -9 "$udevd" 2>/dev/null
	wait "$udevd" 2>/dev/null
	echo "systemd-udevd's messages:"
	cat "$udevd_log"
	echo "the records of this run:"
	tail -n +$((${messages0:-0} + 1)) /tmp/messages 2>/dev/null
}

# udevd_coldplug: what a booting system does once udevd runs, an "add"
# event for each device, then waiting for udevd's queue to drain. Only the
# PCI and virtio buses: no other device has a driver in this module tree,
# and the few hundred other events would cost seconds under emulation.
# The syscall trace's length before it is kept: udev_loads shows the load
# calls made since.
udevd_coldplug() {
	trace0=$(grep -c '' $TR/trace)
	run udevadm trigger --action=add --subsystem-match=pci --subsystem-match=virtio
	run udevadm settle --timeout=25
}
udev_loads() { tail -n +$((trace0 + 1)) $TR/trace | grep -E 'sys_(f?init_module)\('; }
# by_workers: there were load calls and the kernel saw udevd's workers
# make every one of them.
by_workers() {
	l=$(udev_loads)
	printf '%s\n' "$l"
	[ -n "$l" ] && ! printf '%s\n' "$l" | grep -vqF '(udev-worker)-'
}
# absent NAME...: those of the NAMEs that /proc/modules does not list;
# present NAME...: those it lists (one awk each, not one grep per module).
absent() {
	awk 'BEGIN { for (i = 1; i < ARGC; i++) w[ARGV[i]] = 1; ARGC = 1 }
		{ delete w[$1] } END { for (m in w) printf "%s ", m }' "$@" </proc/modules
}
present() {
	awk 'BEGIN { for (i = 1; i < ARGC; i++) w[ARGV[i]] = 1; ARGC = 1 }
		$1 in w { printf "%s ", $1 }' "$@" </proc/modules
}
# bound DRIVER: the kernel bound DRIVER to a virtio device.
bound() { ls -d /sys/bus/virtio/drivers/"$1"/virtio* >/dev/null 2>&1; }

begin udevd-libkmod "the real systemd-udevd runs on the libkmod.so.2 under test (pmod's maps libpmod.so.0)"
policy "AutoLoadPolicy = disabled" "SigningPolicy = enforce"
want "systemd-udevd did not start" udevd_start
maps=$(awk '$6 ~ /\/lib(k|p)mod\.so/ { print $6 }' /proc/$udevd/maps | sort -u)
printf 'mapped: %s\n' $maps
kmodlib=$(printf '%s\n' "$maps" | grep '/libkmod\.so')
want "comm is '$(cat /proc/$udevd/comm)', want systemd-udevd" [ "$(cat /proc/$udevd/comm)" = systemd-udevd ]
want "exe is '$(readlink /proc/$udevd/exe)', want /bin/udevadm" [ "$(readlink /proc/$udevd/exe)" = /bin/udevadm ]
want "no libkmod.so.2 mapped" [ -n "$kmodlib" ]
want "the libkmod.so.2 mapped ($kmodlib) is not the one staged for the tools under test" \
	[ "$(sha256sum <"$kmodlib" | cut -d' ' -f1)" = "$(cat /pmodtest/libkmod.sha256)" ]
want "libpmod.so.0 not mapped: not pmod's libkmod.so.2" eval 'printf "%s\n" "$maps" | grep -q "/libpmod\.so"'
end

begin udevd-autoload-disabled "AutoLoadPolicy = disabled: udevd's coldplug loads no driver, each device's request is refused and recorded"
udevd_coldplug
l=$(udev_loads)
[ -z "$l" ] || printf '%s\n' "$l"
want "load calls traced: $(printf '%s' "$l" | grep -c '')" [ -z "$l" ]
m=$(present $UDEV_PCI $UDEV_DEVICES virtio_balloon)
want "loaded: $m" [ -z "$m" ]
want "want 3 refusals (one per virtio PCI device) of virtio_pci by AutoLoadPolicy=disabled, from udevd's workers" \
	records 3 "refuse-load request=virtio_pci " "autoload-policy=disabled" "demand=yes" \
	'rule="AutoLoadPolicy=disabled"' "parent=systemd-udevd"
udevd_stop
end

begin udevd-autoload-allow-list "AutoLoadPolicy = allow-list, AutoLoadAllowList = virtio_pci: udevd loads virtio_pci and its dependencies, not the drivers of the devices it brings up"
policy "AutoLoadPolicy = allow-list" "AutoLoadAllowList = virtio_pci" "SigningPolicy = enforce"
want "systemd-udevd did not start" udevd_start
udevd_coldplug
# virtio_pci's probe adds the virtio devices; their events come from the
# kernel while the first ones are handled: wait for their refusals, then
# for the queue again.
for m in virtio_net virtio_rng virtio_balloon; do
	want "no refusal of $m by the allow-list, from udevd's workers" \
		records 1 "refuse-load request=$m " "autoload-policy=allow-list" "demand=yes" \
		"no AutoLoadAllowList entry matches" "parent=systemd-udevd"
done
run udevadm settle --timeout=25
m=$(absent $UDEV_PCI)
want "not loaded: $m" [ -z "$m" ]
m=$(present $UDEV_DEVICES virtio_balloon)
want "loaded: $m" [ -z "$m" ]
want "no load call traced, or one not made by a udev worker" by_workers
want "no load record of virtio_pci naming the allow-list entry, signed by the kernel's key" \
	records 1 "load request=virtio_pci module=virtio_pci " "demand=yes" \
	"AutoLoadAllowList entry virtio_pci" "signature=valid" "certificate=/usr/lib/pmod/keys/kernel-" \
	"parent=systemd-udevd" "result=ok"
for m in virtio_ring virtio_pci_modern_dev; do
	want "no load record of $m as virtio_pci's dependency" \
		records 1 "load request=virtio_pci module=$m " "signature=valid" "result=ok"
done
udevd_stop
end

begin udevd-autoload-enabled "AutoLoadPolicy = enabled: udevd loads virtio_net and virtio_rng (with their dependencies), which bind to their devices"
policy "AutoLoadPolicy = enabled" "SigningPolicy = enforce"
want "systemd-udevd did not start" udevd_start
udevd_coldplug
m=$(absent $UDEV_PCI $UDEV_DEVICES)
want "not loaded: $m" [ -z "$m" ]
want "virtio_net not bound to a device" bound virtio_net
want "virtio_rng not bound to a device" bound virtio_rng
want "no load call traced, or one not made by a udev worker" by_workers
for m in virtio_net virtio_rng; do
	want "no load record of $m from udevd's workers" \
		records 1 "load request=$m module=$m " "demand=yes" 'rule="AutoLoadPolicy=enabled"' \
		"signature=valid" "parent=systemd-udevd" "result=ok"
done
want "no load record of net_failover as virtio_net's dependency" \
	records 1 "load request=virtio_net module=net_failover " "result=ok"
end

begin udevd-signing-enforce "SigningPolicy = enforce: virtio_balloon (its signature cut off) is refused for udevd before the kernel is asked"
want "virtio_balloon loaded" gone virtio_balloon
want "no refusal record of virtio_balloon naming its signature" \
	records 1 "refuse-load request=virtio_balloon module=virtio_balloon " "signature=unsigned" \
	"demand=yes" "parent=systemd-udevd" "result=EKEYREJECTED"
udevd_stop
end
rm -rf /etc/pmod /usr/lib/pmod
