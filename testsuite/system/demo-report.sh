# Sourced by run.sh --demo after the enforce boot: what the boot showed,
# told for a person. Reads $RK_WORK/enforce.report through field/records.
# (Pipelines here stop reading early, with head and grep -q: no pipefail.)
set +o pipefail
r=$RK_WORK/enforce.report
if [ ! -s "$r" ]; then
	echo "The system did not finish booting; its console:"
	tr -d '\r' < "$SYS_CACHE/console-enforce.log" | tail -n 80
	exit 1
fi
failed_units=$(field enforce failed)
cat <<TEXT

== Debian 12 booted with pmod in kmod's place
The machine booted Debian's kernel $RK_ABI from a disk holding a Debian 12
system (systemd, udev) on which apt replaced kmod and libkmod2 with pmod's
packages; the initramfs was made by update-initramfs with pmod's tools.
  state after boot:  $(field enforce state), failed units: ${failed_units:-none}
  modprobe:          $(field enforce modprobe)
  udevd's libkmod:   $(field enforce libkmod) (pmod's libkmod.so.2)
  kmod static-nodes: $(field enforce static-nodes-unit) ($(field enforce static-nodes-count) device nodes)
  trust store:       $(tr '\n' ' ' < "$RK_WORK/pmod.keys")(put there by the kernel package's hook)
  policy:            SigningPolicy = enforce

== What udev loaded through pmod, and what let each module in
TEXT
records enforce | awk '$1 == "load" && / demand=yes / && / result=ok$/ {
	m = ""; sig = ""; signer = ""; rule = ""
	for (i = 2; i <= NF; i++) {
		if ($i ~ /^module=/) m = substr($i, 8)
		else if ($i ~ /^signature=/) sig = substr($i, 11)
		else if ($i ~ /^hash=/) h = substr($i, 6)
	}
	if (match($0, /signer="[^"]*"/)) signer = substr($0, RSTART + 8, RLENGTH - 9)
	if (match($0, /rule="[^"]*"/)) rule = substr($0, RSTART + 6, RLENGTH - 7)
	else if (match($0, /rule=[^ ]*/)) rule = substr($0, RSTART + 5, RLENGTH - 5)
	printf "  %-24s signature %s (%s, %s); %s\n", m, sig, signer, h, rule
}' | sort -u
cat <<TEXT

== Refused: $T, whose file was stripped of its signature for this demo
TEXT
records enforce | grep '^refuse-load ' | grep " module=$T " | head -n1 | sed 's/^/  record: /'
echo "  loaded: $(grep -qw "$T" <<<"$(field enforce modules)" && echo yes || echo "no (the system booted without it)")"
cat <<TEXT

== By hand, on the running system
TEXT
sed -n 's/^action: /  /p' "$r"
cat <<TEXT

(The whole console: $SYS_CACHE/console-enforce.log)
TEXT
