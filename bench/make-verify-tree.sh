#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build (once, cached) the tree bench/verify-bench.sh verifies: every module
# of the Debian kernel with its Debian signature removed and signed again
# by a throwaway RSA-4096 key with the kernel's own sign-file (sha256), so
# that verification does the real work (the Debian key is not available,
# and with no matching certificate every module would be 'untrusted'
# without a single RSA operation).
#
# Usage: bench/make-verify-tree.sh ROOT ABI OUT
#   ROOT/lib/modules/ABI  the Debian tree (testsuite/fetch-debian-kernel.sh)
#   OUT                   cache directory, outside the repository
# Leaves OUT/unsigned/ (the modules as they were before Debian signed them),
# OUT/root/lib/modules/ABI/ (re-signed), OUT/root/etc/pmod/keys/bench.der,
# OUT/key.pem, OUT/list (the re-signed files, sorted) and OUT/stamp.
set -euo pipefail

root=$1 abi=$2 out=$3
src=$root/lib/modules/$abi
sign_file=${SIGN_FILE:-/usr/lib/linux-kbuild-6.1/scripts/sign-file}
[ -d "$src" ] || { echo "make-verify-tree: no $src" >&2; exit 2; }
[ -x "$sign_file" ] || { echo "make-verify-tree: $sign_file missing (apt-get install linux-kbuild-6.1)" >&2; exit 2; }
[ -f "$out/stamp" ] && exit 0

rm -rf "$out"
mkdir -p "$out/root/etc/pmod/keys"
openssl req -new -nodes -x509 -newkey rsa:4096 -sha256 -days 36500 \
	-subj "/CN=pmod verify bench throwaway key" \
	-outform DER -out "$out/root/etc/pmod/keys/bench.der" -keyout "$out/key.pem" 2>/dev/null

# Strip the appended signatures (PKCS#7 blob, 12-byte module_signature,
# 28-byte marker; see doc/signing-policy.md): the module before the PKCS#7
# blob is what Debian's sign-file signed.
/usr/bin/python3 - "$src" "$out/unsigned" <<'PY'
import os, struct, sys
src, dst = sys.argv[1], sys.argv[2]
magic = b"~Module signature appended~\n"
for d, _, files in os.walk(src):
    for f in files:
        if not f.endswith(".ko"):
            continue
        data = open(os.path.join(d, f), "rb").read()
        if data.endswith(magic):
            sig_len = struct.unpack(">I", data[-len(magic) - 4:-len(magic)])[0]
            data = data[:len(data) - len(magic) - 12 - sig_len]
        rel = os.path.relpath(os.path.join(d, f), src)
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        open(os.path.join(dst, rel), "wb").write(data)
PY

(cd "$out/unsigned" && find . -name '*.ko' | sort) > "$out/rel"
while read -r rel; do mkdir -p "$out/root/lib/modules/$abi/$(dirname "$rel")"; done < "$out/rel"
# One sign-file per module, on every CPU.
export sign_file out abi
xargs -a "$out/rel" -P "$(nproc)" -n 16 sh -c '
	for rel; do
		"$sign_file" sha256 "$out/key.pem" "$out/root/etc/pmod/keys/bench.der" \
			"$out/unsigned/$rel" "$out/root/lib/modules/$abi/$rel" || exit 255
	done' sh
sed "s|^\./|$out/root/lib/modules/$abi/|" "$out/rel" > "$out/list"
rm "$out/rel"
date -u +%FT%TZ > "$out/stamp"
