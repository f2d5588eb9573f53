#!/bin/bash
# Boot the Linux test guest (make linux-guest) on QEMU, the oracle, and on
# atoll; both must print the /init marker and power off with status 0.
# Prints `linux-boot: atoll X.XX s, qemu Y.YY s` (wall clock from launch to
# the marker) and exits 0 on pass, 1 with a one-line reason on failure.
# A missing atoll binary is a failure, never a skip.
#
# usage: tests/linux/boot-test.sh [ATOLL]     (default build/atoll)
# env:   QEMU_TIMEOUT (60 s), ATOLL_TIMEOUT (120 s)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ATOLL=${1:-$ROOT/build/atoll}
QEMU=qemu-system-riscv64
QEMU_TIMEOUT=${QEMU_TIMEOUT:-60}
ATOLL_TIMEOUT=${ATOLL_TIMEOUT:-120}
OUT=$ROOT/build/linux
IMAGE=$OUT/Image
MEM=256M
APPEND="console=ttyS0 earlycon=sbi"
MARKER="atoll-init: reached init"

fail() {
	printf 'linux-boot: FAIL: %s\n' "$*"
	exit 1
}

# Set US to microseconds since the epoch, from bash's own clock: no fork,
# so stamping a line costs next to nothing.
now_us() {
	local t=$EPOCHREALTIME
	US=$((${t%.*} * 1000000 + 10#${t#*.}))
}

# Copy stdin to stdout, each line prefixed with the seconds elapsed since
# T0 (microseconds) when it arrived; QEMU's CRs are dropped.
stamp() {
	local t0=$1 line us
	while IFS= read -r line || [ -n "$line" ]; do
		now_us
		us=$((US - t0))
		printf '+%d.%06d %s\n' $((us / 1000000)) $((us % 1000000)) \
			"${line//$'\r'/}"
	done
}

# boot NAME LIMIT CMD...: run CMD under a timeout, log its console to
# $OUT/boot-NAME.log, and set BOOT_RC (exit status) and BOOT_SECS (time
# to the marker, empty if it never came).
boot() {
	local name=$1 limit=$2 log=$OUT/boot-$1.log t0
	shift 2
	now_us
	t0=$US
	{
		timeout --kill-after=5 "$limit" "$@" </dev/null 2>&1
		# Own line even if the guest's last output had no newline.
		printf '\n@@exit %d\n' $?
	} | stamp "$t0" >"$log"
	BOOT_RC=$(sed -n 's/^+[0-9.]* @@exit //p' "$log")
	BOOT_SECS=$(grep -F -m1 -- "$MARKER" "$log" |
		sed 's/^+\([0-9]*\.[0-9][0-9]\).*/\1/')
}

# verdict NAME LIMIT: the reason NAME's boot failed, or nothing if it passed.
verdict() {
	local name=$1 limit=$2 log=$OUT/boot-$1.log
	if [ -z "$BOOT_SECS" ]; then
		if [ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ]; then
			echo "$name: no '$MARKER' within $limit s (log: $log)"
		else
			echo "$name: exited $BOOT_RC before '$MARKER' (log: $log)"
		fi
	elif [ "$BOOT_RC" != 0 ]; then
		echo "$name: reached init but exited $BOOT_RC, not 0 (power-off failed? log: $log)"
	fi
}

show_secs() {
	if [ -n "$1" ]; then echo "$1 s"; else echo "failed"; fi
}

main() {
	local qemu_secs atoll_secs qemu_err atoll_err

	command -v "$QEMU" >/dev/null || fail "$QEMU not found (run scripts/setup.sh)"
	make -C "$ROOT" --no-print-directory linux-guest ||
		fail "make linux-guest failed"
	[ -f "$IMAGE" ] || fail "make linux-guest produced no $IMAGE"

	boot qemu "$QEMU_TIMEOUT" "$QEMU" -machine virt -nographic -m "$MEM" \
		-kernel "$IMAGE" -append "$APPEND"
	qemu_secs=$BOOT_SECS
	qemu_err=$(verdict qemu "$QEMU_TIMEOUT")

	if [ ! -x "$ATOLL" ]; then
		atoll_secs=""
		atoll_err="atoll binary $ATOLL missing or not executable (run make)"
	else
		boot atoll "$ATOLL_TIMEOUT" "$ATOLL" boot -m "$MEM" \
			--append "$APPEND" "$IMAGE"
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
