#!/bin/bash
# The standard boot chain, the way distro images boot on QEMU: firmware ->
# Debian's U-Boot (u-boot-qemu, S-mode, raw u-boot.bin) -> `virtio scan`
# and distro boot find /boot/extlinux/extlinux.conf on the root disk ->
# Linux with root=/dev/vda1 -> atoll's init prompt.  Three ways:
#   atoll, its own SBI: u-boot.bin loaded at 0x80200000 as QEMU does;
#   atoll, Debian's OpenSBI fw_jump as -bios (the full chain on atoll);
#   QEMU, Debian's OpenSBI fw_jump.
#
# usage: tests/linux/uboot-test.sh [ATOLL]
set -uo pipefail

TEST=linux-uboot
. "$(dirname "$0")/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
UBOOT=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
FW_JUMP=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
READY="atoll-linux: ready"

# chain NAME CMD...: CMD + the root disk must get from U-Boot to the prompt.
chain() {
	local name=$1
	shift
	start "$name" 300 "$@" -m 256M -kernel "$UBOOT" \
		-drive "file=$(scratch_disk "$name"),format=raw,if=none,id=d0" \
		-device virtio-blk-device,drive=d0
	wait_line "$name" "$READY" 240
	stop
	need "$name" "U-Boot 2023.01"
	need "$name" "Found /boot/extlinux/extlinux.conf"
	need "$name" "Kernel command line: root=/dev/vda1"
	need "$name" "EXT4-fs (vda1): mounted"
	need "$name" "$READY"
	echo "$TEST: $name: U-Boot at $(secs_to "$name" "U-Boot 2023.01") s," \
		"kernel at $(secs_to "$name" "Starting kernel") s," \
		"prompt at $(secs_to "$name" "$READY") s"
	rm -f "$OUT/$name.img"
}

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
[ -r "$UBOOT" ] && [ -r "$FW_JUMP" ] ||
	fail "$UBOOT or $FW_JUMP missing (run scripts/setup.sh)"
build_guest
chain uboot-atoll "$ATOLL" boot
chain uboot-atoll-opensbi "$ATOLL" boot -bios "$FW_JUMP"
chain uboot-qemu "$QEMU" -machine virt -nographic -bios "$FW_JUMP"
echo "$TEST: PASS"
