#!/bin/bash
# Differential test: run one bare-metal ELF on atoll and on QEMU (the oracle)
# and compare console output (CR stripped) and exit status.  Prints nothing
# and exits 0 when both agree; otherwise prints the reason and a short diff
# and exits 1.  Exit 2: usage error or a missing program.
#
#   tests/diff/run-diff.sh [-t SECONDS] [-k] ATOLL ELF
#     -t  per-emulator timeout (default $DIFF_TIMEOUT or 60)
#     -k  keep the transcripts (their directory is printed)
# Environment: QEMU (default qemu-system-riscv64), DIFF_LINES (diff lines
# shown, default 20).
set -u

timeout_s=${DIFF_TIMEOUT:-60}
keep=0
while getopts "t:k" opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	k) keep=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 2 ]; then
	echo "usage: $0 [-t SECONDS] [-k] ATOLL ELF" >&2
	exit 2
fi
atoll=$1
elf=$2
qemu=${QEMU:-qemu-system-riscv64}
lines=${DIFF_LINES:-20}
max_out=$((4 * 1024 * 1024)) # a runaway guest must not fill the disk

[ -f "$elf" ] || { echo "missing ELF $elf"; exit 2; }
[ -x "$atoll" ] || { echo "missing atoll binary $atoll"; exit 2; }
command -v "$qemu" >/dev/null || { echo "missing $qemu"; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/atoll-diff.XXXXXX")
cleanup() { [ $keep = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

# run NAME CMD...: stdout (capped, CR stripped) -> $dir/NAME.out, status ->
# $dir/NAME.rc, stderr -> $dir/NAME.err.
run() {
	local name=$1
	shift
	{
		timeout -k 5 "$timeout_s" "$@" </dev/null 2>"$dir/$name.err"
		echo $? >"$dir/$name.rc"
	} | head -c $max_out | tr -d '\r' >"$dir/$name.out"
}

# ATOLL_ENGINE (jit, interp): the CPU engine atoll uses.
run atoll "$atoll" boot --bios none ${ATOLL_ENGINE:+--engine "$ATOLL_ENGINE"} \
	"$elf"
run qemu "$qemu" -machine virt -bios none -nographic -m 128M -kernel "$elf"
rc_a=$(cat "$dir/atoll.rc")
rc_q=$(cat "$dir/qemu.rc")

fail=""
[ "$rc_q" = 124 ] && fail="qemu timed out after ${timeout_s}s"
[ "$rc_a" = 124 ] && fail="atoll timed out after ${timeout_s}s"
if [ -z "$fail" ] && [ "$rc_a" != "$rc_q" ]; then
	fail="exit status: atoll $rc_a, qemu $rc_q"
fi
if ! cmp -s "$dir/atoll.out" "$dir/qemu.out"; then
	fail="${fail:+$fail; }console output differs"
fi
[ -z "$fail" ] && exit 0

echo "$fail"
diff -u --label qemu --label atoll "$dir/qemu.out" "$dir/atoll.out" |
	head -n "$lines"
if [ -s "$dir/atoll.err" ]; then
	echo "atoll stderr:"
	head -n 5 "$dir/atoll.err"
fi
[ $keep = 1 ] && echo "transcripts kept in $dir"
exit 1
