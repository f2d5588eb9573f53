#!/bin/bash
# Side-by-side CPU benchmark: every workload runs on atoll (interpreter),
# atoll's translator (--engine jit, x86-64 hosts) and QEMU TCG in the same
# session, alternating, REPS times each; the median of each side is
# reported with the targets of the performance issues.  mixed is the
# CoreMark-class workload (lists, matrices, a state machine, CRCs).
#
# usage: bench/run.sh [-n REPS] [-t ATOLL_TIMEOUT_S] [WORKLOAD...]
#   workloads: intloop mixed tlbmiss mem io policy (default: all)
#   mem: memory virtualization (bench/mem_bench.c on the host, and memhog's
#   first-touch cost of fresh guest pages on atoll and QEMU)
#   io: PV I/O (bench/io.sh: host ring vs Xen's ring.h, ringbench,
#   blkbench PV vs ATA PIO, guest-to-guest net)
# env:   ATOLL (default $BUILD/atoll), BUILD (default build),
#        BENCH_NO_BUILD=1 to skip make, ATOLL_ARGS extra `atoll boot` flags.
#
# atoll runs with --stats (per-hart counters on stderr, kept in the logs).
# Each guest prints `BENCH name=N ticks=T instret=I check=ok|bad ...`
# (ticks of the 10 MHz CLINT mtime around its kernel).  minstret counts
# instructions on atoll but not on QEMU without -icount, so the instruction
# count comes from atoll's run; one extra QEMU run with `-icount shift=0`
# counts them independently, as a cross-check and as the fallback when
# atoll is unavailable.  Exit status: 0 if every run completed with a good
# checksum on both sides, 1 otherwise (including a missing atoll).
set -u

BUILD=${BUILD:-build}
ATOLL=${ATOLL:-$BUILD/atoll}
GUEST=$BUILD/guest
OUT=$BUILD/bench
REPS=3
ATOLL_TIMEOUT=240
QEMU_TIMEOUT=60
QEMU=(qemu-system-riscv64 -machine virt -bios none -nographic -m 256M)

while getopts "n:t:h" opt; do
	case $opt in
	n) REPS=$OPTARG ;;
	t) ATOLL_TIMEOUT=$OPTARG ;;
	*) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[[ "$REPS" =~ ^[1-9][0-9]*$ && "$ATOLL_TIMEOUT" =~ ^[1-9][0-9]*$ ]] || {
	echo "bench: -n and -t take positive integers" >&2
	exit 2
}
WORKLOADS=${*:-intloop mixed tlbmiss mem io policy}
MEM=0
IO=0
cpu_workloads=
for w in $WORKLOADS; do
	case $w in
	intloop | mixed | tlbmiss) cpu_workloads+=" $w" ;;
	mem) MEM=1 ;;
	io) IO=1 ;;
	policy) POLICY=1 ;; # bench/policy.sh
	*) echo "bench: unknown workload '$w'" >&2; exit 2 ;;
	esac
done
# From here on WORKLOADS are the CPU workloads; the memory section is
# bench/mem.sh, run at the end.
WORKLOADS=$cpu_workloads

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.log.err # so no stale run is ever read
failures=0
fail() {
	echo "bench: FAIL: $*"
	failures=$((failures + 1))
}

# Build the guest programs (required) and atoll (optional: its absence is
# reported, and QEMU still runs).
atoll_ok=1
atoll_why=""
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	elfs=()
	for w in $WORKLOADS; do elfs+=("$GUEST/bench-$w.elf"); done
	[ $MEM = 1 ] && elfs+=("$GUEST/mem-memhog.elf")
	[ $IO = 1 ] || [ "${POLICY:-0}" = 1 ] && elfs+=("$GUEST/atoll-os.elf")
	if ! make --no-print-directory "${elfs[@]}" >"$OUT/make-guest.log" 2>&1; then
		tail -20 "$OUT/make-guest.log"
		echo "bench: FAIL: cannot build the workloads"
		exit 1
	fi
	if ! make --no-print-directory "$ATOLL" >"$OUT/make-atoll.log" 2>&1; then
		atoll_ok=0
		atoll_why="build failed (see $OUT/make-atoll.log)"
	fi
fi
if [ $atoll_ok = 1 ] && [ ! -x "$ATOLL" ]; then
	atoll_ok=0
	atoll_why="$ATOLL not found"
fi
command -v qemu-system-riscv64 >/dev/null || {
	echo "bench: FAIL: qemu-system-riscv64 not installed"
	exit 1
}

# run_guest SIDE ELF LOG: run one workload; prints the exit status.
run_guest() {
	local side=$1 elf=$2 log=$3 rc
	case $side in
	atoll | jit)
		# shellcheck disable=SC2086 # ATOLL_ARGS is a list of flags
		timeout -k 5 "$ATOLL_TIMEOUT" "$ATOLL" boot --stats \
			${ATOLL_ARGS:-} --engine "$([ $side = jit ] && echo jit ||
				echo interp)" \
			--bios none "$elf" </dev/null >"$log" 2>"$log.err"
		rc=$? ;;
	qemu)
		timeout -k 5 "$QEMU_TIMEOUT" "${QEMU[@]}" -kernel "$elf" \
			</dev/null >"$log" 2>"$log.err"
		rc=$? ;;
	icount)
		timeout -k 5 $((QEMU_TIMEOUT * 3)) "${QEMU[@]}" \
			-icount shift=0 -kernel "$elf" </dev/null >"$log" \
			2>"$log.err"
		rc=$? ;;
	esac
	echo "$rc"
}

# field LOG NAME KEY: value of KEY on the BENCH line NAME of LOG.
field() {
	tr -d '\r' <"$1" | grep "^BENCH name=$2 " | head -1 |
		tr ' ' '\n' | sed -n "s/^$3=//p"
}

# check_run SIDE W LOG RC: validate one run; 0 if usable.
check_run() {
	local side=$1 w=$2 log=$3 rc=$4 n
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$w on $side: timed out"
		return 1
	fi
	for n in $(names "$w"); do
		if [ -z "$(field "$log" "$n" ticks)" ]; then
			fail "$w on $side: no result line for $n (exit $rc," \
				"see $log)"
			return 1
		fi
		if [ "$(field "$log" "$n" check)" != ok ]; then
			fail "$w on $side: WRONG RESULT: $(grep "^BENCH name=$n " "$log")"
			return 1
		fi
	done
	if [ "$rc" != 0 ]; then
		fail "$w on $side: exit status $rc (see $log)"
		return 1
	fi
	return 0
}

has() { [[ " $WORKLOADS " == *" $1 "* ]]; }

names() {
	case $1 in
	tlbmiss) echo "tlbmiss tlbhit" ;;
	*) echo "$1" ;;
	esac
}

# median of the arguments (lower middle for an even count).
median() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR) print v[int((NR + 1) / 2)] }'
}

# What the numbers were taken on: absolute values vary with the host and
# its load; the atoll/QEMU ratios much less.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), ${cpu:-unknown cpu}," \
	"$(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: $(qemu-system-riscv64 --version | head -1)"
if [ $atoll_ok = 1 ]; then
	echo "bench: atoll $ATOLL ($(git describe --always --dirty \
		2>/dev/null || echo "no git"))"
else
	echo "bench: atoll unavailable: $atoll_why; running QEMU only"
fi

# The translator exists on x86-64 hosts only.
JIT=0
[ "$(uname -m)" = x86_64 ] && JIT=1

declare -A TICKS INSTRET ACCESSES
for w in $WORKLOADS; do
	elf=$GUEST/bench-$w.elf
	echo "bench: $w: $REPS runs each, alternating, + 1 QEMU -icount run"
	log=$OUT/$w.icount.log
	rc=$(run_guest icount "$elf" "$log")
	if check_run qemu-icount "$w" "$log" "$rc"; then
		for n in $(names "$w"); do
			INSTRET[icount:$n]=$(field "$log" "$n" instret)
		done
	fi
	skip_atoll=$((1 - atoll_ok))
	skip_jit=$((skip_atoll + 1 - JIT))
	for ((r = 1; r <= REPS; r++)); do
		for side in atoll jit qemu; do
			[ $side = atoll ] && [ $skip_atoll = 1 ] && continue
			[ $side = jit ] && [ $skip_jit -ge 1 ] && continue
			log=$OUT/$w.$side.$r.log
			rc=$(run_guest $side "$elf" "$log")
			if ! check_run $side "$w" "$log" "$rc"; then
				# Once wrong or hung, atoll is not run again on
				# this workload: the runs would only take time.
				[ $side = atoll ] && skip_atoll=1
				[ $side = jit ] && skip_jit=1
				continue
			fi
			for n in $(names "$w"); do
				TICKS[$side:$n]+=" $(field "$log" "$n" ticks)"
				[ $side = atoll ] && INSTRET[atoll:$n]=$(field \
					"$log" "$n" instret)
				ACCESSES[$n]=$(field "$log" "$n" accesses)
			done
		done
	done
done

# Derived numbers; "-" where a side has no result.
# shellcheck disable=SC2086 # TICKS holds a list of numbers
med() { median ${TICKS[$1]:-}; }
calc() { awk "BEGIN { printf \"%.$1f\", $2 }"; }
insns() {
	# atoll's count, else QEMU's -icount count.
	echo "${INSTRET[atoll:$1]:-${INSTRET[icount:$1]:-}}"
}
mips() {
	local t i
	t=$(med "$1:$2")
	i=$(insns "$2")
	[ -n "$t" ] && [ -n "$i" ] && calc 1 "$i * 10 / $t" || echo "-"
}
ns_per() {
	local t
	t=$(med "$1:$2")
	[ -n "$t" ] && [ -n "${ACCESSES[$2]:-}" ] &&
		calc 2 "$t * 100 / ${ACCESSES[$2]}" || echo "-"
}
ratio() {
	[ "$1" != - ] && [ "$2" != - ] && calc 2 "$1 / $2" || echo "-"
}
diff_ns() {
	[ "$1" != - ] && [ "$2" != - ] && calc 2 "$1 - $2" || echo "-"
}
target() {
	# target TEXT VALUE OP LIMIT
	local v=$2 verdict
	if [ "$v" = - ]; then
		verdict="n/a (no atoll result)"
	elif awk "BEGIN { exit !($v $3 $4) }"; then
		verdict="met"
	else
		verdict="NOT MET"
	fi
	printf '  %-34s %-12s %s\n' "$1" "$v" "$verdict"
}

echo
[ $atoll_ok = 0 ] && [ -n "$atoll_why" ] && fail "atoll: $atoll_why"
# The same binary must retire the same instructions on both: a mismatch
# points at atoll's minstret (or at the program reading time-dependent
# state).
for w in $WORKLOADS; do
	for n in $(names "$w"); do
		a=${INSTRET[atoll:$n]:-}
		q=${INSTRET[icount:$n]:-}
		[ -z "$a" ] || [ -z "$q" ] && continue
		awk "BEGIN { d = $a - $q; exit !(d < -16 || d > 16) }" &&
			echo "bench: note: $n retired $a instructions on" \
				"atoll, $q on QEMU -icount"
	done
done

declare -A R
printf 'median of %s runs; MIPS = guest instructions / mtime seconds\n' "$REPS"
{ has intloop || has mixed; } &&
	printf '%-10s %11s %11s %11s %11s %11s %14s\n' workload "atoll MIPS" \
		"jit MIPS" "QEMU MIPS" atoll/QEMU jit/QEMU "instructions"
for w in $WORKLOADS; do
	[ "$w" = tlbmiss ] && continue
	R[atoll:$w]=$(mips atoll "$w")
	R[jit:$w]=$(mips jit "$w")
	R[qemu:$w]=$(mips qemu "$w")
	R[ratio:$w]=$(ratio "${R[atoll:$w]}" "${R[qemu:$w]}")
	R[jratio:$w]=$(ratio "${R[jit:$w]}" "${R[qemu:$w]}")
	printf '%-10s %11s %11s %11s %11s %11s %14s\n' "$w" "${R[atoll:$w]}" \
		"${R[jit:$w]}" "${R[qemu:$w]}" "${R[ratio:$w]}" \
		"${R[jratio:$w]}" "$(insns "$w")"
done
if has tlbmiss; then
	for s in atoll jit qemu; do
		R[$s:walk]=$(ns_per $s tlbmiss)
		R[$s:hit]=$(ns_per $s tlbhit)
		R[$s:miss]=$(diff_ns "${R[$s:walk]}" "${R[$s:hit]}")
	done
	printf '\ntlbmiss (Sv39, 4 KiB pages, %s pages) %10s %10s %10s\n' \
		16384 "atoll ns" "jit ns" "QEMU ns"
	printf '  %-36s %10s %10s %10s\n' "per access, every access misses" \
		"${R[atoll:walk]}" "${R[jit:walk]}" "${R[qemu:walk]}" \
		"per access, one page (control)" "${R[atoll:hit]}" \
		"${R[jit:hit]}" "${R[qemu:hit]}" "TLB miss cost (difference)" \
		"${R[atoll:miss]}" "${R[jit:miss]}" "${R[qemu:miss]}"
	# atoll's own count shows that the walk run really misses.
	walks=$(grep -ho 'page_walks=[0-9]*' "$OUT"/tlbmiss.atoll.*.log.err \
		2>/dev/null | tail -1 | cut -d= -f2)
	[ -n "$walks" ] && echo "  atoll --stats: $walks page walks in a run" \
		"of 2 x ${ACCESSES[tlbmiss]:-?} accesses"
fi

if [ $MEM = 1 ]; then
	echo
	# shellcheck source=bench/mem.sh
	source "$(dirname "$0")/mem.sh"
fi

if [ $IO = 1 ]; then
	echo
	# shellcheck source=bench/io.sh
	source "$(dirname "$0")/io.sh"
fi

if [ "${POLICY:-0}" = 1 ]; then
	echo
	BUILD=$BUILD ATOLL=$ATOLL "$(dirname "$0")/policy.sh" -n "$REPS" ||
		failures=$((failures + 1))
fi

echo
echo "targets (atoll):"
has intloop &&
	target "intloop >= 1000 guest MIPS" "${R[atoll:intloop]}" ">=" 1000
has mixed &&
	target "mixed >= 0.25x QEMU" "${R[ratio:mixed]}" ">=" 0.25
has tlbmiss &&
	target "Sv39 TLB miss <= 40 ns" "${R[atoll:miss]}" "<=" 40
if [ $JIT = 1 ]; then
	echo "targets (atoll --engine jit):"
	for w in intloop mixed; do
		has $w && target "$w >= 1.3x QEMU" "${R[jratio:$w]}" ">=" 1.3
	done
	has tlbmiss && target "Sv39 TLB miss below QEMU's (ns)" \
		"${R[jit:miss]}" "<" "${R[qemu:miss]:-0}"
fi

echo
if [ $failures -gt 0 ]; then
	echo "bench: $failures failure(s); logs in $OUT/"
	exit 1
fi
echo "bench: all runs completed with correct results; logs in $OUT/"
