#!/bin/bash
# virtio over the virtio-mmio transport (docs/virtio.md), driven through
# the real vCPU, MMIO and interrupt paths by a bare-metal driver
# (tests/io/virtio_guest.c) with QEMU's command-line spelling: blk in the
# highest slot (write, flush, indirect read, get-id, past the end), a
# descriptor loop that must break only that device with one log line
# until a reset, rng in the next slot.  The image then holds the pattern
# on the host; a read-only drive refuses writes and is not modified.
# Usage:
#   virtio-blk.sh ATOLL   (exit status 0 = pass)
set -u
atoll=${1:?usage: virtio-blk.sh ATOLL}
elf=$(dirname "$atoll")/guest/virtio-guest.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

[ -f "$elf" ] || { echo "FAIL: $elf not built (tests/io/io.mk)"; exit 1; }
img=$tmp/disk.img
truncate -s 1M "$img"

timeout $((120 * SLOW)) "$atoll" boot -machine virt -m 64M -nographic \
	-drive file="$img",format=raw,if=virtio \
	-device virtio-rng-device -kernel "$elf" \
	</dev/null >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] || fail "boot: exit status $rc"
grep -q "virtio-guest: all ok" "$tmp/out" || fail "the guest's checks failed"
n=$(grep -c "driver error" "$tmp/err")
[ "$n" = 1 ] || fail "$n driver-error lines, expected 1"
grep -q "virtio-blk@10008000: driver error: descriptor loop; device needs reset" \
	"$tmp/err" || fail "no 'descriptor loop' line naming the device"
# The pattern at sector 100 as the host sees it.
[ "$(dd if="$img" bs=512 skip=100 count=1 2>/dev/null | head -c 16)" = \
	"virtio-blk-sect" ] || fail "sector 100 does not hold the pattern"
[ "$(stat -c %s "$img")" = 1048576 ] || fail "the image changed size"

# Read-only: writes fail in the guest, the file is untouched.
sum=$(md5sum <"$img")
timeout $((120 * SLOW)) "$atoll" boot -drive file="$img",format=raw,if=virtio,readonly=on \
	-append ro -kernel "$elf" </dev/null >"$tmp/out2" 2>"$tmp/err2" ||
	fail "read-only boot: exit status $?"
grep -q "virtio-guest: all ok" "$tmp/out2" || fail "read-only checks failed"
[ "$(md5sum <"$img")" = "$sum" ] || fail "a read-only image was modified"

if [ $fails != 0 ]; then
	echo "--- out"; tail -n 20 "$tmp/out"; echo "--- err"; tail -n 5 "$tmp/err"
	exit 1
fi
echo "virtio-blk: ok"
