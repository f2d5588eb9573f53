#!/bin/bash
# Host instructions per unit of guest work, measured with callgrind:
# repeatable and immune to the noise of a shared machine.
#
# usage: bench/callgrind.sh ATOLL GUEST_DIR [WORKLOAD...]
# workloads: intloop (per guest instruction, the tight loop), mixed and
# cmark (per guest instruction, compiled C), tlbmiss (per Sv39 TLB miss:
# the load that misses, its page walk and refill).  Each has a SHORT and a
# LONG build (bench-W-short.elf, bench-W-long.elf) that differ only in
# their count; each runs once under callgrind, and the difference in host
# instructions (Ir) divided by the difference in counts cancels start-up.
# env ATOLL_ARGS: extra `atoll boot` flags, e.g. "--engine jit" (the
# default engine is the interpreter).
set -u

if [ $# -lt 2 ]; then
	sed -n '2,13s/^# \{0,1\}//p' "$0"
	exit 2
fi
ATOLL=$1
GUEST=$2
shift 2
OUT=$(dirname "$ATOLL")/bench
mkdir -p "$OUT"
command -v valgrind >/dev/null || { echo "callgrind: valgrind missing"; exit 1; }
[ -x "$ATOLL" ] || { echo "callgrind: FAIL: $ATOLL not found"; exit 1; }

# measure W TAG: prints "<host Ir> <count>" for bench-W-TAG.elf.
measure() {
	local w=$1 tag=$2 elf=$GUEST/bench-$1-$2.elf
	local cg=$OUT/callgrind.$1.$2.out log=$OUT/callgrind.$1.$2.log
	local ir n key=instret rc
	[ "$w" = intloop ] && key=insns
	[ "$w" = tlbmiss ] && key=accesses
	rm -f "$cg"
	# shellcheck disable=SC2086 # ATOLL_ARGS is a list of flags
	timeout -k 5 900 valgrind --tool=callgrind --smc-check=all \
		--callgrind-out-file="$cg" \
		"$ATOLL" boot ${ATOLL_ARGS:-} --bios none "$elf" </dev/null >"$log" \
		2>"$log.err"
	rc=$?
	ir=$(sed -n 's/^summary: *//p' "$cg" 2>/dev/null | awk '{print $1}')
	n=$(tr -d '\r' <"$log" | grep "^BENCH name=$w " | grep ' check=ok' |
		tr ' ' '\n' | sed -n "s/^$key=//p")
	if [ "$rc" != 0 ] || [ -z "$ir" ] || [ -z "$n" ]; then
		echo "callgrind: FAIL: $w $tag run (exit $rc), see $log{,.err}" >&2
		return 1
	fi
	echo "$ir $n"
}

status=0
for w in ${*:-intloop mixed tlbmiss}; do
	case $w in
	intloop | mixed | cmark) unit="guest instruction" ;;
	tlbmiss) unit="TLB miss (load + walk + refill)" ;;
	*) echo "callgrind: unknown workload '$w'" >&2; exit 2 ;;
	esac
	if ! read -r ir1 n1 < <(measure "$w" short) ||
		! read -r ir2 n2 < <(measure "$w" long) ||
		[ -z "${ir1:-}" ] || [ -z "${ir2:-}" ]; then
		status=1
		continue
	fi
	awk -v w="$w" -v u="$unit" -v ir1="$ir1" -v n1="$n1" -v ir2="$ir2" \
		-v n2="$n2" 'BEGIN {
		per = (ir2 - ir1) / (n2 - n1)
		printf "callgrind: %s: %.0f and %.0f counted: %.0f and %.0f host Ir\n",
			w, n1, n2, ir1, ir2
		printf "callgrind: %s: %.2f host instructions per %s\n", w, per, u
		printf "CALLGRIND name=%s per=%.3f\n", w, per
	}'
done
exit $status
