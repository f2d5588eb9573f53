#!/bin/bash
# A Linux user program reads the clock the way nearly all do -- glibc's
# clock_gettime and gettimeofday through the vDSO, i.e. `rdtime` in U-mode
# -- under atoll's own SBI (which must hand over scounteren as OpenSBI
# does) and on QEMU with OpenSBI.  The program (guest/linux/clock.c) is
# /init of clock.cpio and powers off when done.
#
# usage: tests/linux/clock-test.sh [ATOLL]
set -uo pipefail

TEST=linux-clock
. "$(dirname "$0")/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
APPEND="console=ttyS0 earlycon=sbi"

check() {
	local name=$1
	need "$name" "clock: PASS"
	[ "$RUN_RC" = 0 ] || fail "$name: exited $RUN_RC after the clock test (log: $OUT/$name.log)"
	grep -F "clock: monotonic" "$OUT/$name.log" | sed "s/^+[0-9.]* /$TEST: $name: /"
}

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
build_guest
run clock-atoll 120 "$ATOLL" boot -m 256M --initrd "$OUT/clock.cpio" \
	--append "$APPEND" "$IMAGE"
check clock-atoll
run clock-qemu 60 "$QEMU" -machine virt -nographic -m 256M -kernel "$IMAGE" \
	-initrd "$OUT/clock.cpio" -append "$APPEND"
check clock-qemu
echo "$TEST: PASS"
