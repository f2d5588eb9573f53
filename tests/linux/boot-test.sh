#!/bin/bash
# Boot the Linux guest kernel (make linux-guest) with the test initramfs
# (tests/linux/init.c as /init) on QEMU, the oracle, and on atoll; both must
# print the /init marker and power off with status 0.
# Prints `linux-boot: atoll X.XX s, qemu Y.YY s` (wall clock from launch to
# the marker) and exits 0 on pass, 1 with a one-line reason on failure.
# A missing atoll binary is a failure, never a skip.
#
# usage: tests/linux/boot-test.sh [ATOLL]     (default build/atoll)
# env:   QEMU_TIMEOUT (60 s), ATOLL_TIMEOUT (120 s), SLOW (1)
set -uo pipefail

TEST=linux-boot
. "$(dirname "$0")/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-60}
ATOLL_TIMEOUT=${ATOLL_TIMEOUT:-120}
MEM=256M
APPEND="console=ttyS0 earlycon=sbi"
MARKER="atoll-init: reached init"

# verdict NAME LIMIT: the reason NAME's boot failed, or nothing if it passed.
verdict() {
	local name=$1 limit=$2 log=$OUT/boot-$1.log
	if [ -z "$BOOT_SECS" ]; then
		if [ "$RUN_RC" = 124 ] || [ "$RUN_RC" = 137 ]; then
			echo "$name: no '$MARKER' within $limit s (log: $log)"
		else
			echo "$name: exited $RUN_RC before '$MARKER' (log: $log)"
		fi
	elif [ "$RUN_RC" != 0 ]; then
		echo "$name: reached init but exited $RUN_RC, not 0 (power-off failed? log: $log)"
	fi
}

show_secs() {
	if [ -n "$1" ]; then echo "$1 s"; else echo "failed"; fi
}

main() {
	local qemu_secs atoll_secs qemu_err atoll_err BOOT_SECS

	build_guest
	run boot-qemu "$QEMU_TIMEOUT" "$QEMU" -machine virt -nographic -m "$MEM" \
		-kernel "$IMAGE" -initrd "$OUT/initramfs.cpio" -append "$APPEND"
	BOOT_SECS=$(secs_to boot-qemu "$MARKER")
	qemu_secs=$BOOT_SECS
	qemu_err=$(verdict qemu "$QEMU_TIMEOUT")

	if [ ! -x "$ATOLL" ]; then
		atoll_secs=""
		atoll_err="atoll binary $ATOLL missing or not executable (run make)"
	else
		run boot-atoll "$ATOLL_TIMEOUT" "$ATOLL" boot -m "$MEM" \
			--initrd "$OUT/initramfs.cpio" --append "$APPEND" "$IMAGE"
		BOOT_SECS=$(secs_to boot-atoll "$MARKER")
		atoll_secs=$BOOT_SECS
		atoll_err=$(verdict atoll "$ATOLL_TIMEOUT")
	fi

	printf 'linux-boot: atoll %s, qemu %s\n' "$(show_secs "$atoll_secs")" \
		"$(show_secs "$qemu_secs")"
	[ -z "$qemu_err" ] || fail "$qemu_err"
	[ -z "$atoll_err" ] || fail "$atoll_err"
	echo "linux-boot: PASS"
}

main
