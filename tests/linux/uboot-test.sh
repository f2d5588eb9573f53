#!/bin/bash
# Debian's U-Boot for QEMU (u-boot-qemu, S-mode) as a raw u-boot.bin: atoll
# loads it where QEMU does (0x80200000, where OpenSBI fw_jump jumps) and
# runs it under its own SBI; QEMU runs it under Debian's OpenSBI fw_jump.
# Both must get as far as U-Boot's boot scan (its "scanning bus" line) with
# the machine's RAM seen.
#
# usage: tests/linux/uboot-test.sh [ATOLL]
set -uo pipefail

TEST=linux-uboot
. "$(dirname "$0")/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
UBOOT=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
FW_JUMP=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin

SCAN="scanning bus for devices"

# scan NAME CMD...: CMD must show the banner, 256 MiB and the boot scan.
scan() {
	local name=$1
	shift
	start "$name" 60 "$@"
	wait_line "$name" "$SCAN" 60
	stop
	need "$name" "U-Boot 2023.01"
	need "$name" "DRAM:  256 MiB"
	need "$name" "$SCAN"
	echo "$TEST: $name: boot scan after $(secs_to "$name" "$SCAN") s"
}

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
[ -r "$UBOOT" ] && [ -r "$FW_JUMP" ] ||
	fail "$UBOOT or $FW_JUMP missing (run scripts/setup.sh)"
mkdir -p "$OUT"
scan uboot-atoll "$ATOLL" boot -m 256M "$UBOOT"
scan uboot-qemu "$QEMU" -machine virt -nographic -m 256M -bios "$FW_JUMP" \
	-kernel "$UBOOT"
echo "$TEST: PASS"
