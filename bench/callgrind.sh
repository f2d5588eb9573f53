#!/bin/bash
# Host instructions per guest instruction on the tight loop, measured with
# callgrind: repeatable and immune to the noise of a shared machine.
#
# usage: bench/callgrind.sh ATOLL SHORT.elf LONG.elf  (env ATOLL_ARGS: extra
# `atoll boot` flags, e.g. "--engine jit")
# SHORT and LONG are the same intloop with different iteration counts.
# Each runs once under callgrind; the difference in host instructions (Ir)
# divided by the difference in guest instructions is the interpreter's
# cost per guest instruction with atoll's start-up and exit cancelled out.
set -u

if [ $# -ne 3 ]; then
	sed -n '2,9s/^# \{0,1\}//p' "$0"
	exit 2
fi
ATOLL=$1
OUT=$(dirname "$ATOLL")/bench
mkdir -p "$OUT"
command -v valgrind >/dev/null || { echo "callgrind: valgrind missing"; exit 1; }
[ -x "$ATOLL" ] || { echo "callgrind: FAIL: $ATOLL not found"; exit 1; }

# measure ELF TAG: prints "<host Ir> <guest kernel insns>".
measure() {
	local elf=$1 tag=$2 cg=$OUT/callgrind.$2.out log=$OUT/callgrind.$2.log
	local ir insns
	rm -f "$cg"
	timeout -k 5 600 valgrind --tool=callgrind --smc-check=all \
		--callgrind-out-file="$cg" \
		"$ATOLL" boot ${ATOLL_ARGS:-} --bios none "$elf" </dev/null >"$log" \
		2>"$log.err"
	local rc=$?
	ir=$(sed -n 's/^summary: *//p' "$cg" 2>/dev/null | awk '{print $1}')
	insns=$(tr -d '\r' <"$log" | grep '^BENCH name=intloop ' |
		grep ' check=ok' | tr ' ' '\n' | sed -n 's/^insns=//p')
	if [ "$rc" != 0 ] || [ -z "$ir" ] || [ -z "$insns" ]; then
		echo "callgrind: FAIL: $tag run (exit $rc), see $log{,.err}" >&2
		return 1
	fi
	echo "$ir $insns"
}

read -r ir1 n1 < <(measure "$2" short) || exit 1
read -r ir2 n2 < <(measure "$3" long) || exit 1
[ -n "${ir1:-}" ] && [ -n "${ir2:-}" ] || exit 1
awk -v ir1="$ir1" -v n1="$n1" -v ir2="$ir2" -v n2="$n2" 'BEGIN {
	per = (ir2 - ir1) / (n2 - n1)
	printf "callgrind: intloop %d and %d guest instructions: %d and %d host Ir\n",
		n1, n2, ir1, ir2
	printf "callgrind: %.2f host instructions per guest instruction" \
		" (tight loop, start-up excluded)\n", per
	printf "callgrind: start-up and exit: %.1f M host instructions\n",
		(ir1 - per * n1) / 1e6
}'
