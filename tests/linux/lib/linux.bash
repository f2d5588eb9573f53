# Shared helpers of the Linux guest tests (tests/linux/*-test.sh): build
# the guest, run an emulator with its console logged and time-stamped, wait
# for lines in that log.  Source after setting TEST (the script's name, the
# prefix of every verdict line).
#
# Each run NAME writes $OUT/NAME.log, one line per console line, prefixed
# with the seconds since launch: `+1.234567 text`, and a last line
# `@@exit STATUS`.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# The build directory make uses (tests/run.sh exports BUILD: build-san/
# under SAN=1, where `make linux-guest` puts the guest too).
case ${BUILD:-build} in
/*) OUT=$BUILD/linux ;;
*) OUT=$ROOT/${BUILD:-build}/linux ;;
esac
QEMU=qemu-system-riscv64
IMAGE=$OUT/Image
# Time bounds stretch under the sanitizer build (SAN=1) by SLOW; waits are
# wait_until's (tests/system/lib/wait.bash).
# shellcheck source=tests/system/lib/wait.bash
source "$ROOT/tests/system/lib/wait.bash"

fail() {
	printf '%s: FAIL: %s\n' "$TEST" "$*"
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

# Build the kernel and the user space (cached: well under a second when
# nothing changed), or fail naming the step.
build_guest() {
	command -v "$QEMU" >/dev/null || fail "$QEMU not found (run scripts/setup.sh)"
	mkdir -p "$OUT"
	make -C "$ROOT" --no-print-directory BUILD="${OUT%/linux}" linux-guest >"$OUT/make.log" 2>&1 ||
		{ tail -n 20 "$OUT/make.log"; fail "make linux-guest failed"; }
	[ -f "$IMAGE" ] || fail "make linux-guest produced no $IMAGE"
}

# run NAME LIMIT CMD...: run CMD (stdin from /dev/null) under a timeout of
# LIMIT * SLOW seconds with its console in $OUT/NAME.log; sets RUN_RC.
run() {
	local name=$1 limit=$(($2 * SLOW)) log=$OUT/$1.log
	shift 2
	now_us
	{
		timeout --kill-after=5 "$limit" "$@" </dev/null 2>&1
		# Own line even if the guest's last output had no newline.
		printf '\n@@exit %d\n' $?
	} | stamp "$US" >"$log"
	RUN_RC=$(sed -n 's/^+[0-9.]* @@exit //p' "$log")
}

# start NAME LIMIT CMD...: like run, in the background; RUN_PID is the
# emulator's timeout process.  Pair with wait_line and finish (or stop).
# The stamper writes NAME.log.end once it has stamped the last line.
start() {
	local name=$1 limit=$(($2 * SLOW)) log=$OUT/$1.log
	shift 2
	now_us
	: >"$log"
	rm -f "$log.end"
	RUN_LOG=$log
	timeout --kill-after=5 "$limit" "$@" </dev/null \
		> >(stamp "$US" >"$log"; : >"$log.end") 2>&1 &
	RUN_PID=$!
}

# stamped: the background run's log is whole (the stamper has written what
# the emulator printed to its end; the emulator has ended).  A bounded
# wait: the stamper runs on after the emulator, longer on a loaded host.
stamped() {
	wait_until $((30 * SLOW)) test -e "$RUN_LOG.end"
}

# wait_line NAME TEXT LIMIT: wait until NAME's log has a line containing
# TEXT (fixed string), at most LIMIT * SLOW seconds; 0 if it came.
wait_line() {
	local log=$OUT/$1.log deadline=$((SECONDS + $3 * SLOW))
	while ! grep -qF -- "$2" "$log" 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || return 1
		# A panicked kernel prints nothing more: no need to wait.
		! grep -qF "end Kernel panic" "$log" || return 1
		kill -0 "$RUN_PID" 2>/dev/null || {
			stamped
			grep -qF -- "$2" "$log"
			return
		}
		sleep 0.1
	done
}

# finish: wait for the background run to end (it powers off) and for its
# whole log; sets RUN_RC.
finish() {
	# Braces: bash's own "Killed" notice would land in the test output.
	{ wait "$RUN_PID"; } 2>/dev/null
	RUN_RC=$?
	stamped
}

# secs_to NAME TEXT: seconds from launch to the first line with TEXT.
secs_to() {
	grep -F -m1 -- "$2" "$OUT/$1.log" | sed 's/^+\([0-9]*\.[0-9][0-9]\).*/\1/'
}

# need NAME TEXT: fail unless NAME's log has TEXT.
need() {
	grep -qF -- "$2" "$OUT/$1.log" ||
		fail "$1: no '$2' (exit ${RUN_RC:-?}; log: $OUT/$1.log)"
}

# Free TCP port on the host's loopback.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# stop: end the background run now (timeout passes SIGTERM on), reap it
# and wait for its whole log.
stop() {
	kill "$RUN_PID" 2>/dev/null
	{ wait "$RUN_PID"; } 2>/dev/null
	RUN_RC=$?
	stamped
}

# scratch_disk NAME [MIB]: a private copy of rootfs.img (no MIB) or an empty
# sparse disk of MIB MiB, as $OUT/NAME.img; prints its path.
scratch_disk() {
	local img=$OUT/$1.img
	rm -f "$img"
	if [ -z "${2:-}" ]; then
		cp --sparse=always "$OUT/rootfs.img" "$img"
	else
		truncate -s "${2}M" "$img"
	fi
	echo "$img"
}

# The kernel command line of a root-disk boot; `atoll.run=` commands go
# after it.
ROOT_APPEND="root=/dev/vda1 rw console=ttyS0"
