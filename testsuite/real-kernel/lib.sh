# Shared pieces for booting the Debian 6.1 kernel under qemu with pmod's
# tools in an initramfs. Sourced (bash, set -euo pipefail) by
# testsuite/real-kernel/run.sh and demo/kernel-demo.sh; the facts behind
# its choices are in doc/kernel-boundary.md.
#
# Everything slow is cached under $RK_CACHE (default /var/cache/pmod-test,
# outside the repository): the unpacked kernel package (by
# fetch-debian-kernel.sh), the uncompressed vmlinux, the built test modules.
# Per-run files (staging tree, initramfs, console log) go to $RK_WORK, a
# temporary directory the caller removes.

RK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RK_REPO=$(cd "$RK_DIR/../.." && pwd)
RK_CACHE=${PMOD_TEST_CACHE:-/var/cache/pmod-test}
# The tools the guest gets, by their kmod names.
RK_TOOLS=(modprobe insmod rmmod lsmod depmod modinfo)

rk_log() { echo "real-kernel: $*" >&2; }
rk_die() { echo "real-kernel: error: $*" >&2; exit 1; }

# rk_need_packages PKG...: install only the packages that are missing, so a
# warm run costs no apt time at all.
rk_need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
	done
	[ "${#missing[@]}" -gt 0 ] || return 0
	# run-all.sh's switch for machines where apt must not be touched.
	[ "${PMOD_SKIP_APT:-0}" != 1 ] || rk_die "missing packages (${missing[*]}) and PMOD_SKIP_APT=1"
	[ "$(id -u)" = 0 ] || rk_die "missing packages (${missing[*]}); run as root to install them"
	rk_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Wait for another apt run (CI steps, other users) instead of failing.
	local apt=(apt-get -o DPkg::Lock::Timeout=300)
	# A stale or empty package list would fail the install: refresh once.
	if ! "${apt[@]}" install -y -q --no-install-recommends "${missing[@]}" >"$RK_WORK/apt.log" 2>&1; then
		"${apt[@]}" update -q >>"$RK_WORK/apt.log" 2>&1
		"${apt[@]}" install -y -q --no-install-recommends "${missing[@]}" >>"$RK_WORK/apt.log" 2>&1 ||
			{ cat "$RK_WORK/apt.log" >&2; rk_die "apt-get install failed"; }
	fi
}

# The packages every boot needs (qemu, the guest's shell, cpio, the
# decompressors for vmlinux and for the compressed test modules).
rk_base_packages() {
	rk_need_packages qemu-system-x86 busybox-static cpio zstd xz-utils
}

# rk_fetch_kernel: sets RK_ABI and RK_ROOT (holds lib/modules/$RK_ABI and boot/).
rk_fetch_kernel() {
	local out
	out=$(bash "$RK_REPO/testsuite/fetch-debian-kernel.sh" "$RK_CACHE")
	RK_ABI=$(sed -n 1p <<<"$out")
	RK_ROOT=$(sed -n 2p <<<"$out")
	[ -n "$RK_ABI" ] && [ -d "$RK_ROOT/lib/modules/$RK_ABI" ] ||
		rk_die "fetch-debian-kernel.sh gave no usable kernel tree"
	RK_MODDIR=$RK_ROOT/lib/modules/$RK_ABI
}

# rk_lock: one preparation at a time per cache (a CI run and a demo, say).
rk_lock() {
	[ -n "${rk_lock_fd:-}" ] || exec {rk_lock_fd}>"$RK_CACHE/.real-kernel.lock"
	flock "$rk_lock_fd"
}
rk_unlock() { flock -u "$rk_lock_fd"; }

# rk_vmlinux: sets RK_VMLINUX to the uncompressed ELF kernel, extracted once
# from the bzImage. Under TCG the kernel's own xz decompression costs about
# 5 s per boot; qemu boots the ELF directly through its PVH entry point.
rk_vmlinux() {
	RK_VMLINUX=$RK_CACHE/$RK_ABI/vmlinux
	rk_lock
	rk_extract_vmlinux
	rk_unlock
}
rk_extract_vmlinux() {
	[ -s "$RK_VMLINUX" ] && return 0
	local bz=$RK_ROOT/boot/vmlinuz-$RK_ABI off tmp
	[ -f "$bz" ] || rk_die "no $bz"
	tmp=$RK_VMLINUX.tmp.$$
	# The magic FD 37 7A 58 5A 00 starts the xz stream; try each candidate
	# offset until one decompresses to an ELF image.
	for off in $(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$bz" | cut -d: -f1); do
		# xz stops after the stream, so tail may die of SIGPIPE: judge by
		# the result, not by the pipeline's status.
		tail -c +"$((off + 1))" "$bz" | xz -dc --single-stream >"$tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
			mv "$tmp" "$RK_VMLINUX"
			return 0
		fi
	done
	rm -f "$tmp"
	rk_die "could not find the xz-compressed vmlinux inside $bz"
}

# rk_test_modules: builds testsuite/real-kernel/modules against the kernel's
# headers (installed here when missing) and sets RK_TESTMODS to the directory
# holding the .ko files. Cached by a hash of the sources and the ABI, outside
# the repository, so the tree never gets build artefacts.
rk_test_modules() {
	rk_need_packages "linux-headers-$RK_ABI" make gcc openssl
	local src=$RK_DIR/modules key dir
	key=$(cat "$src"/Kbuild "$src"/*.c | sha256sum | cut -c1-16)
	dir=$RK_CACHE/$RK_ABI/testmods-$key
	RK_TESTMODS=$dir
	rk_lock
	rk_build_test_modules "$src" "$dir"
	rk_unlock
}
rk_build_test_modules() {
	local src=$1 dir=$2
	[ -f "$dir/.built" ] && return 0
	rm -rf "$dir" "$dir.tmp"
	mkdir -p "$dir.tmp"
	cp "$src"/Kbuild "$src"/*.c "$dir.tmp/"
	# The signing cases are one source under several module names.
	for n in $(sed -n 's/^pmodtest-sig-cases := //p' "$src/Kbuild"); do
		cp "$src/pmodtest_sig.c" "$dir.tmp/$n.c"
	done
	make -s -C "/lib/modules/$RK_ABI/build" M="$dir.tmp" modules >"$dir.tmp/build.log" 2>&1 ||
		{ cat "$dir.tmp/build.log" >&2; rk_die "building the test modules failed"; }
	# Built aside and renamed: an interrupted build is never taken for a
	# finished one.
	mv "$dir.tmp" "$dir"
	touch "$dir/.built"
}

# rk_flip_byte FILE TEXT: tamper with FILE after signing: change the case
# of the first byte of TEXT (its first occurrence), in place.
rk_flip_byte() {
	local f=$1 text=$2 off byte
	off=$(LC_ALL=C grep -obUaF -m1 -- "$text" "$f" | head -n1 | cut -d: -f1)
	[ -n "$off" ] || rk_die "'$text' not found in $f"
	byte=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
	# shellcheck disable=SC2059 # the format is the escaped byte
	printf "\\$(printf %03o $((byte ^ 32)))" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}

# rk_strip_signature FILE: cut the signature appended to FILE (the
# signature, its 12-byte descriptor ending in the signature's length, big
# endian, and the marker), in place: the module as if never signed.
rk_strip_signature() {
	local f=$1 size siglen marker='~Module signature appended~'
	size=$(stat -c %s "$f")
	[ "$(tail -c 28 "$f" | head -c 27)" = "$marker" ] || rk_die "$f carries no appended signature"
	siglen=$(tail -c 32 "$f" | head -c 4 | od -An -tu1 | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }')
	[ "$siglen" -gt 0 ] && [ $((size - 40 - siglen)) -gt 0 ] || rk_die "$f: bad signature length $siglen"
	truncate -s $((size - 40 - siglen)) "$f"
}

# rk_sign_test_modules: throwaway keys made for this run and the signing
# cases of the test modules, in RK_SIGNED (under RK_WORK, removed with it):
# trusted.der (the certificate the guest's trust store gets),
# pmodtest_sha256.ko, pmodtest_sha512.ko (signed by the trusted key),
# pmodtest_sha1.ko (the same key, a weak hash),
# pmodtest_skid.ko (the same key, named by subjectKeyIdentifier:
# sign-file -k), pmodtest_unsigned.ko, pmodtest_untrusted.ko (signed by a
# second key the store never gets) and pmodtest_tampered.ko (signed by the
# trusted key, then one byte of its description flipped), and
# pmodtest_twoface.ko.gz (below).
rk_sign_test_modules() {
	local sign=/usr/lib/linux-kbuild-${RK_ABI%%.0-*}/scripts/sign-file d k
	[ -x "$sign" ] || rk_die "no $sign (linux-kbuild, pulled in by linux-headers-$RK_ABI)"
	RK_SIGNED=$RK_WORK/signed
	d=$RK_SIGNED
	mkdir -p "$d"
	for k in trusted stranger; do
		openssl req -new -nodes -utf8 -x509 -newkey rsa:2048 -days 3650 -outform DER \
			-out "$d/$k.der" -keyout "$d/$k.pem" -subj "/CN=pmod-test-$k-$$" 2>"$d/openssl.log" ||
			{ cat "$d/openssl.log" >&2; rk_die "openssl could not make a throwaway key"; }
	done
	"$sign" sha256 "$d/trusted.pem" "$d/trusted.der" "$RK_TESTMODS/pmodtest_sha256.ko" "$d/pmodtest_sha256.ko" &&
	"$sign" sha512 "$d/trusted.pem" "$d/trusted.der" "$RK_TESTMODS/pmodtest_sha512.ko" "$d/pmodtest_sha512.ko" &&
	"$sign" sha1 "$d/trusted.pem" "$d/trusted.der" "$RK_TESTMODS/pmodtest_sha1.ko" "$d/pmodtest_sha1.ko" &&
	"$sign" -k sha256 "$d/trusted.pem" "$d/trusted.der" "$RK_TESTMODS/pmodtest_skid.ko" "$d/pmodtest_skid.ko" &&
	"$sign" sha256 "$d/stranger.pem" "$d/stranger.der" "$RK_TESTMODS/pmodtest_untrusted.ko" "$d/pmodtest_untrusted.ko" &&
	"$sign" sha256 "$d/trusted.pem" "$d/trusted.der" "$RK_TESTMODS/pmodtest_tampered.ko" "$d/pmodtest_tampered.ko" ||
		rk_die "sign-file failed"
	cp "$RK_TESTMODS/pmodtest_unsigned.ko" "$d/"
	rk_flip_byte "$d/pmodtest_tampered.ko" "pmod test: signing case"
	rk_two_faced_gzip "$d/pmodtest_unsigned.ko" "$d/pmodtest_sha256.ko" "$d/pmodtest_twoface.ko.gz"
}

# rk_two_faced_gzip HIDDEN REAL OUT: a gzip file whose optional extra field
# (FEXTRA) carries HIDDEN, stripped of debug information and deflated, and
# whose one real member is REAL. A reader that honours the header (zlib)
# sees REAL; a reader that skips only the fixed header (as Linux's module
# decompressor does) starts inside the extra field. Whatever the tools
# verify must be what the kernel receives.
rk_two_faced_gzip() {
	local hidden=$RK_WORK/two-faced-hidden.ko
	strip --strip-debug -o "$hidden" "$1" || rk_die "strip failed on $1"
	python3 - "$hidden" "$2" "$3" <<'PY' || rk_die "could not write the two-faced gzip $3"
import struct, sys, zlib

def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()

hidden = open(sys.argv[1], "rb").read()
real = open(sys.argv[2], "rb").read()
sub = deflate(hidden)
extra = b"PM" + struct.pack("<H", len(sub)) + sub
if len(extra) > 0xFFFF:
    sys.exit("the hidden module does not fit a gzip extra field")
header = b"\x1f\x8b\x08\x04" + b"\0\0\0\0" + b"\x00\x03" + struct.pack("<H", len(extra)) + extra
trailer = struct.pack("<II", zlib.crc32(real) & 0xFFFFFFFF, len(real) & 0xFFFFFFFF)
open(sys.argv[3], "wb").write(header + deflate(real) + trailer)
PY
}

# rk_kernel_certs: sets RK_KERNEL_CERTS to a directory of the X.509
# certificates built into the kernel image (its built-in trusted keyring:
# Debian's build-time module signing key), DER, one per file. Found by
# scanning vmlinux for DER SEQUENCEs (30 82 LEN 30 82) that openssl parses
# as a certificate; cached next to vmlinux.
rk_kernel_certs() {
	RK_KERNEL_CERTS=$RK_CACHE/$RK_ABI/kernel-certs
	rk_lock
	if [ ! -f "$RK_KERNEL_CERTS/.done" ]; then
		local tmp=$RK_KERNEL_CERTS.tmp off len n=0
		rm -rf "$tmp" "$RK_KERNEL_CERTS"
		mkdir -p "$tmp"
		# grep matches within lines: once split at newlines, once at NULs,
		# so that a length byte of 0x0a or 0x00 is found by one of them.
		for off in $( { LC_ALL=C grep -obUaP '\x30\x82..\x30\x82' "$RK_VMLINUX"
				LC_ALL=C grep -zobUaP '(?s)\x30\x82..\x30\x82' "$RK_VMLINUX"; } |
				cut -d: -f1 | sort -un); do
			len=$(od -An -tu1 -j $((off + 2)) -N2 "$RK_VMLINUX" | awk '{ print $1 * 256 + $2 + 4 }')
			dd if="$RK_VMLINUX" of="$tmp/c" bs=1M iflag=skip_bytes,count_bytes skip="$off" count="$len" status=none
			if openssl x509 -inform DER -in "$tmp/c" -noout 2>/dev/null; then
				n=$((n + 1))
				mv "$tmp/c" "$tmp/kernel-$n.der"
			fi
		done
		rm -f "$tmp/c"
		[ "$n" -gt 0 ] || { rk_unlock; rk_die "no certificate found in $RK_VMLINUX"; }
		touch "$tmp/.done"
		mv "$tmp" "$RK_KERNEL_CERTS"
	fi
	rk_unlock
}

# rk_module_path NAME: the path of a Debian module, relative to the module
# directory, from the shipped modules.order (file names may use - where the
# module name has _).
rk_module_path() {
	local n=$1 alt=${1//_/-} p
	p=$(grep -m1 -E "/($n|$alt)\.ko\$" "$RK_MODDIR/modules.order") || rk_die "module $n not in modules.order"
	echo "$p"
}

# rk_copy_elf FILE DEST_IN_STAGE: copy an executable or library into the
# staging tree, with every shared library ldd lists put in
# /lib/x86_64-linux-gnu (the loader's default directory, whatever RUNPATH
# the build left) and the program interpreter at its own path.
rk_copy_elf() {
	local f=$1 dest=$2 lib
	mkdir -p "$RK_STAGE/$(dirname "$dest")"
	cp -L "$f" "$RK_STAGE/$dest"
	ldd "$f" 2>/dev/null | while read -r a b c _; do
		if [ "$b" = "=>" ] && [ -n "$c" ] && [ -f "$c" ]; then lib=$c
		elif [ "${a#/}" != "$a" ] && [ -f "$a" ]; then lib=$a
		else continue; fi
		if [ "${lib#*ld-linux}" != "$lib" ]; then
			mkdir -p "$RK_STAGE/$(dirname "$lib")"
			cp -L "$lib" "$RK_STAGE/$lib"
		else
			cp -L "$lib" "$RK_STAGE/lib/x86_64-linux-gnu/"
		fi
	done
}

# rk_stage_tools TOOLS: the tools the guest calls as /pmod/bin/NAME.
# TOOLS is a pmod meson build directory (tools/NAME/NAME, libpmod.so and
# the libraries libpmod dlopens lazily, found by soname) or the word "kmod"
# (Debian's /bin/kmod under each name, to validate the harness itself).
rk_stage_tools() {
	local tools=$1 t so path
	mkdir -p "$RK_STAGE/pmod/bin" "$RK_STAGE/lib/x86_64-linux-gnu"
	if [ "$tools" = kmod ]; then
		rk_copy_elf /bin/kmod /pmod/bin/kmod
		for t in "${RK_TOOLS[@]}"; do ln -s kmod "$RK_STAGE/pmod/bin/$t"; done
		return 0
	fi
	for t in "${RK_TOOLS[@]}"; do
		[ -x "$tools/tools/$t/$t" ] || rk_die "$tools/tools/$t/$t is missing (build pmod first)"
		rk_copy_elf "$tools/tools/$t/$t" "/pmod/bin/$t"
	done
	# libpmod opens these by soname only when a module needs them.
	for so in libcrypto.so.3 libzstd.so.1 liblzma.so.5 libz.so.1; do
		# awk reads to the end: an early exit would kill ldconfig with
		# SIGPIPE and, under pipefail, the whole run.
		path=$(ldconfig -p | awk -v s="$so" '$1 == s && /x86-64/ && !p { p = $NF } END { print p }')
		[ -n "$path" ] || rk_die "$so not found on the host (ldconfig -p)"
		rk_copy_elf "$path" "/lib/x86_64-linux-gnu/$so"
	done
}

# rk_stage_udevd TOOLS: the host's own systemd-udevd, unchanged, with the
# one rule that loads drivers (80-drivers.rules: the kmod builtin for every
# device that has a MODALIAS) and the guest's udevd checks as
# /udevd-checks.sh. On Debian 12 systemd-udevd is a link to udevadm, so
# udevadm is copied under both names with the libraries ldd lists. Its
# libkmod.so.2 is the one of the tools under test: pmod's (TOOLS/libkmod,
# which needs libpmod.so.0, staged with the tools) replaces Debian's, so
# the guest holds no other; with "kmod" it stays Debian's. The guest
# compares the library udevd maps with /pmodtest/libkmod.sha256.
rk_stage_udevd() {
	local tools=$1 lib=$RK_STAGE/lib/x86_64-linux-gnu/libkmod.so.2
	rk_need_packages udev
	[ -e /lib/systemd/systemd-udevd ] || rk_die "no /lib/systemd/systemd-udevd on the host"
	rk_copy_elf "$(readlink -f /lib/systemd/systemd-udevd)" /bin/udevadm
	mkdir -p "$RK_STAGE/lib/systemd" "$RK_STAGE/etc/udev/rules.d" "$RK_STAGE/run" "$RK_STAGE/pmodtest"
	ln -sf /bin/udevadm "$RK_STAGE/lib/systemd/systemd-udevd"
	cp /lib/udev/rules.d/80-drivers.rules "$RK_STAGE/etc/udev/rules.d/"
	if [ "$tools" != kmod ]; then
		[ -f "$tools/libkmod/libkmod.so.2" ] || rk_die "$tools/libkmod/libkmod.so.2 is missing (build pmod first)"
		rm -f "$lib"
		rk_copy_elf "$tools/libkmod/libkmod.so.2" /lib/x86_64-linux-gnu/libkmod.so.2
	fi
	[ -f "$lib" ] || rk_die "udevadm does not use libkmod.so.2 (ldd $(readlink -f /lib/systemd/systemd-udevd))"
	sha256sum <"$lib" | cut -d' ' -f1 >"$RK_STAGE/pmodtest/libkmod.sha256"
	cp "$RK_DIR/guest/udevd.sh" "$RK_STAGE/udevd-checks.sh"
}

# rk_stage_modules DEPMOD SPEC...: the guest's module tree,
# /lib/modules/$RK_ABI. Each SPEC is a Debian module name, optionally
# NAME:zst or NAME:xz to store it compressed as the kernel build would
# (the kernel has no in-kernel decompression, so the tools must do it), or
# oot:NAME for a test module (put in extra/), or signed:NAME for a signing
# case made by rk_sign_test_modules (also in extra/). Dependencies must be listed
# too. modules.dep and the other indexes are then written by DEPMOD (the
# depmod under test, run on the host).
rk_stage_modules() {
	local depmod=$1 spec name comp rel dst md=$RK_STAGE/lib/modules/$RK_ABI
	shift
	mkdir -p "$md"
	cp "$RK_MODDIR"/modules.builtin "$RK_MODDIR"/modules.builtin.modinfo "$md/"
	: >"$md/modules.order"
	for spec in "$@"; do
		name=${spec%%:*}; comp=${spec#*:}; [ "$comp" != "$spec" ] || comp=""
		if [ "$name" = oot ] || [ "$name" = signed ]; then
			mkdir -p "$md/extra"
			if [ "$name" = oot ]; then cp "$RK_TESTMODS/$comp.ko" "$md/extra/"
			elif [ -f "$RK_SIGNED/$comp.ko" ]; then cp "$RK_SIGNED/$comp.ko" "$md/extra/"
			else cp "$RK_SIGNED/$comp".ko.* "$md/extra/"; fi
			continue
		fi
		rel=$(rk_module_path "$name")
		dst=$md/$rel
		mkdir -p "$(dirname "$dst")"
		echo "$rel" >>"$md/modules.order"
		case $comp in
		"") cp "$RK_MODDIR/$rel" "$dst" ;;
		zst) zstd -q -T0 "$RK_MODDIR/$rel" -o "$dst.zst" ;;
		xz) xz --check=crc32 --lzma2=dict=1MiB -c "$RK_MODDIR/$rel" >"$dst.xz" ;;
		*) rk_die "bad module spec $spec" ;;
		esac
	done
	# modules.order keeps the .ko names even for compressed files, as a
	# kernel build writes it (and as prepare-trees.sh copies it).
	"$depmod" -b "$RK_STAGE" "$RK_ABI" || rk_die "depmod failed on the guest tree"
}

# rk_initramfs TOOLS GUEST_SCRIPT OUT [MODPROBE_CONF]: finish the staging
# tree (busybox, /init, the guest script, modprobe.d) and write an
# uncompressed newc cpio to OUT. Call rk_stage_tools and rk_stage_modules
# first (RK_STAGE set by rk_new_stage).
rk_new_stage() {
	RK_STAGE=$RK_WORK/stage
	rm -rf "$RK_STAGE"
	mkdir -p "$RK_STAGE"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc/modprobe.d,lib/x86_64-linux-gnu}
}
rk_initramfs() {
	local script=$1 out=$2 conf=${3:-} a
	cp /bin/busybox "$RK_STAGE/bin/busybox"
	# Applet links, except the module tools: the guest must never run
	# busybox's own modprobe/insmod/... by accident.
	for a in $("$RK_STAGE/bin/busybox" --list-full); do
		case ${a##*/} in busybox|modprobe|insmod|rmmod|lsmod|depmod|modinfo) continue ;; esac
		[ -e "$RK_STAGE/$a" ] || ln -s /bin/busybox "$RK_STAGE/$a"
	done
	cp "$RK_DIR/guest/init" "$RK_STAGE/init"
	cp "$script" "$RK_STAGE/guest.sh"
	cp "$RK_DIR/guest/checklib.sh" "$RK_STAGE/checklib.sh"
	chmod 755 "$RK_STAGE/init"
	[ -z "$conf" ] || cp "$conf" "$RK_STAGE/etc/modprobe.d/"
	(cd "$RK_STAGE" && find . | cpio -o -H newc --quiet) >"$out"
}

# rk_boot INITRD LOG TIMEOUT_S [KERNEL_ARGS [QEMU_ARG...]]: boot the kernel
# with INITRD, the serial console going to LOG (and nowhere else),
# KERNEL_ARGS appended to the command line, QEMU_ARGs (devices) added to
# qemu's. Returns qemu's status (124 on timeout). /dev/kvm here may be a PVM backend that cannot run a stock
# kernel, so KVM is used only when kvm_intel or kvm_amd is loaded.
rk_boot() {
	local initrd=$1 log=$2 limit=$3 args=${4:-} accel=(-machine accel=tcg -cpu max)
	shift 3; [ $# = 0 ] || shift
	if [ -w /dev/kvm ] && { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
		accel=(-machine accel=kvm -cpu host)
	fi
	timeout --kill-after=5 "$limit" qemu-system-x86_64 "${accel[@]}" -smp 1 -m 512 \
		-nographic -no-reboot -nodefaults -serial stdio -display none \
		-kernel "$RK_VMLINUX" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3${args:+ $args}" "$@" \
		</dev/null >"$log" 2>&1
}
