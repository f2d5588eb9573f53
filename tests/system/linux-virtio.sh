#!/bin/bash
# Linux's own virtio drivers on atoll, compared with QEMU on the same
# command line: the Linux guest kernel (make linux-guest) boots with an
# initramfs holding tests/io/virtio_linux.c as /init, which reads the MBR
# the host wrote on /dev/vda (virtio-blk), writes 64 KiB at 1 MiB with
# O_DIRECT, fsyncs, reads it back, and reads /dev/hwrng (virtio-rng).
# Both must print the same verdicts and leave byte-identical images.
# Then `atoll run` with the xl-style keys (disk = [...], virtio = rng,
# balloon), maxmem 256M and a target of 128M: Linux's virtio-balloon must
# give atoll about 128 MiB (the guest sees it gone, atoll counts it
# ballooned).
# Usage:
#   linux-virtio.sh ATOLL   (exit status 0 = pass)
set -u
atoll=${1:?usage: linux-virtio.sh ATOLL}
root=$(cd "$(dirname "$0")/../.." && pwd)
kernel=$(dirname "$atoll")/linux/Image
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

[ -f "$kernel" ] || { echo "FAIL: $kernel missing (make linux-guest)"; exit 1; }
# Until the guest kernel's fragment (tests/linux/atoll.config) carries the
# virtio drivers there is nothing to compare.
if ! grep -qa "virtio_blk" "$kernel"; then
	echo "linux-virtio: SKIP: $kernel has no virtio drivers"
	exit 0
fi
riscv64-linux-gnu-gcc -static -nostdlib -ffreestanding -fno-stack-protector \
	-fno-pie -no-pie -O2 -march=rv64gc -mabi=lp64d -s -Wall -Wextra \
	-Werror -o "$tmp/init" "$root/tests/io/virtio_linux.c" ||
	{ echo "FAIL: cannot build /init"; exit 1; }
# A newc archive: /dev, /dev/console (5,1), /init; no root needed.
python3 - "$tmp/init" "$tmp/initrd" <<'PY'
import sys
out = open(sys.argv[2], 'wb')
def ent(ino, name, mode, data=b'', rdev=(0, 0)):
    n = name.encode() + b'\0'
    f = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(n), 0)
    out.write(b'070701' + ''.join('%08x' % v for v in f).encode() + n)
    out.write(b'\0' * (-(110 + len(n)) % 4) + data + b'\0' * (-len(data) % 4))
ent(1, 'dev', 0o040755)
ent(2, 'dev/console', 0o020600, rdev=(5, 1))
ent(3, 'init', 0o100755, open(sys.argv[1], 'rb').read())
ent(4, 'TRAILER!!!', 0)
PY
# The image: an MBR (one Linux partition) and nothing else.
python3 -c '
import sys
img = bytearray(4 << 20)
img[446:462] = bytes([0, 0, 0, 0, 0x83, 0, 0, 0]) + (2048).to_bytes(4, "little") + (6144).to_bytes(4, "little")
img[510:512] = b"\x55\xaa"
open(sys.argv[1], "wb").write(img)' "$tmp/q.img"
cp "$tmp/q.img" "$tmp/a.img"

# run NAME IMG CMD: the same flags after CMD for both.
run() {
	local name=$1 img=$2
	shift 2
	timeout $((300 * SLOW)) "$@" -machine virt -m 256M -nographic -no-reboot \
		-kernel "$kernel" -initrd "$tmp/initrd" \
		-append "console=ttyS0 panic=-1" \
		-drive file="$img",format=raw,if=none,id=d0 \
		-device virtio-blk-device,drive=d0 -device virtio-rng-device \
		</dev/null >"$tmp/$name.log" 2>&1
	echo $?
}

rc=$(run atoll "$tmp/a.img" "$atoll" boot)
[ "$rc" = 0 ] || fail "atoll: exit status $rc"
grep -q "virtio-linux: all ok" "$tmp/atoll.log" || fail "atoll: checks failed"
grep "virtio-linux:" "$tmp/atoll.log" | tr -d '\r' >"$tmp/atoll.v"
if command -v qemu-system-riscv64 >/dev/null; then
	rc=$(run qemu "$tmp/q.img" qemu-system-riscv64)
	[ "$rc" = 0 ] || fail "qemu: exit status $rc"
	grep "virtio-linux:" "$tmp/qemu.log" | tr -d '\r' >"$tmp/qemu.v"
	cmp -s "$tmp/atoll.v" "$tmp/qemu.v" || fail "atoll and QEMU differ"
	cmp -s "$tmp/a.img" "$tmp/q.img" || fail "the images differ"
else
	fail "qemu-system-riscv64 not found (scripts/setup.sh)"
fi
# The balloon, driven by atoll's target (memory = 128M of 256M).
cp "$tmp/q.img" "$tmp/r.img"
cat >"$tmp/lin.ini" <<EOF2
[host]
machine_memory = 512M

[domain lin]
kernel = $kernel
initrd = $tmp/initrd
cmdline = console=ttyS0 panic=-1 -- hold
maxmem = 256M
memory = 128M
disk = [ '$tmp/r.img,raw,vda,rw' ]
virtio = rng, balloon
EOF2
timeout $((300 * SLOW)) "$atoll" run --stats "$tmp/lin.ini" </dev/null >"$tmp/run.log" 2>&1 ||
	fail "atoll run with the balloon: exit status $?"
grep -q "virtio-linux: balloon inflated ok" "$tmp/run.log" ||
	fail "the guest's balloon did not inflate"
# Linux waits for the device to answer each inflate request (at most 1 MiB
# of pfns) before it counts the pages, so atoll must have served at least
# 112 of them.  The ballooned total at exit is only reported: the memory
# manager may raise the target once the guest has reached it (the pool
# has room) and the guest deflates again before it powers off.
reqs=$(sed -n 's/.*stats virtio-balloon@[0-9a-f]* requests=\([0-9]*\).*/\1/p' \
	"$tmp/run.log" | head -n 1)
[ "${reqs:-0}" -ge 112 ] ||
	fail "atoll served ${reqs:-no} balloon requests, want at least 112"
# The disk's latency figures (docs/virtio.md "The vCPU's side"): the
# guest's reads and writes were timed from take to answer, and its ACKs
# from the raise.
lat=$(sed -n 's/.*stats virtio-blk@[0-9a-f]* .* io_us=\([0-9.]*\) ack_us=\([0-9.]*\).*/\1 \2/p' \
	"$tmp/run.log" | head -n 1)
awk -v l="$lat" 'BEGIN { split(l, v, " "); exit !(v[1] > 0 && v[2] > 0) }' ||
	fail "virtio-blk's io_us/ack_us missing or zero: '${lat}'"
balln=$(awk '$1 == "lin" && $2 == "exit" { print int($8) }' "$tmp/run.log")
if [ $fails != 0 ]; then
	grep -E "virtio-linux|BALLN|lin " "$tmp/run.log" | tail -n 6
	for n in atoll qemu; do
		echo "--- $n"
		grep -E "virtio|vda|panic|atoll:" "$tmp/$n.log" | tail -n 12
	done
	exit 1
fi
echo "linux-virtio: ok (Linux reads and writes /dev/vda and reads /dev/hwrng as on QEMU; atoll served $reqs balloon requests; $balln MiB ballooned at exit; disk io/ack medians $lat us)"
