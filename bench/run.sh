#!/bin/bash
# `make bench`: every figure from paired, interleaved runs (A B A B ...),
# the CPU workloads on atoll's interpreter, atoll's translator (--engine
# jit, x86-64 hosts) and QEMU TCG;
# as a median with its spread, against its target, with the host load;
# a human table on stdout (also build/bench/result.txt) and the same
# figures in build/bench/result.json (bench/compare compares two).
# Method and figures: docs/benchmarks.md.
#
# usage: bench/run.sh [-n MIN] [-N MAX] [-t ATOLL_TIMEOUT_S] [-o JSON]
#                     [WORKLOAD...]
#   workloads: intloop mixed cmark tlbmiss mem io policy share density linux
#   (default: all)
#   -n MIN  pairs at least (default 5); -N MAX  pairs at most (default 9):
#           pairs go on after MIN until the figure's spread decides its
#           target (or, without one, is within 2-5 % of the median)
# env:   ATOLL (default $BUILD/atoll), BUILD (default build),
#        BENCH_NO_BUILD=1 to skip make, ATOLL_ARGS extra `atoll boot` flags,
#        BENCH_OUT logs and results (default $BUILD/bench), QEMU_BIN.
#
# The CPU workloads are measured in CPU time, which a shared host's load
# disturbs far less than wall time: atoll's vCPU thread time (`--stats`
# cpu_ns) and QEMU's process time (user + system, all its threads) less
# its start-up (a 3-million-instruction run, one per pair).  Guest-timed
# (mtime, wall) figures are kept next to them.  Exit status: 0 if every
# part ran with correct results, 1 otherwise; an interrupted run or one
# without QEMU or atoll still writes its partial JSON naming what is
# missing.
set -u

BUILD=${BUILD:-build}
ATOLL=${ATOLL:-$BUILD/atoll}
GUEST=$BUILD/guest
OUT=${BENCH_OUT:-$BUILD/bench}
LIB=$(cd "$(dirname "$0")" && pwd)/lib
MINP=5
MAXP=9
ATOLL_TIMEOUT=240
QEMU_TIMEOUT=60
RESULT=
QEMU_BIN=${QEMU_BIN:-qemu-system-riscv64}
QEMU=("$QEMU_BIN" -machine virt -bios none -nographic -m 256M)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

while getopts "n:N:t:o:h" opt; do
	case $opt in
	n) MINP=$OPTARG ;;
	N) MAXP=$OPTARG ;;
	t) ATOLL_TIMEOUT=$OPTARG ;;
	o) RESULT=$OPTARG ;;
	*) sed -n '2,24s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if ! [[ "$MINP" =~ ^[1-9][0-9]*$ && "$MAXP" =~ ^[1-9][0-9]*$ &&
	"$ATOLL_TIMEOUT" =~ ^[1-9][0-9]*$ ]] || [ "$MAXP" -lt "$MINP" ]; then
	echo "bench: -n, -N and -t take positive integers, -N >= -n" >&2
	exit 2
fi
export REPS=$MINP # the sections' minimum number of pairs
WORKLOADS=${*:-intloop mixed cmark tlbmiss mem io policy share density linux}
for w in $WORKLOADS; do
	case $w in
	intloop | mixed | cmark | tlbmiss | mem | io | policy | share | density | linux) ;;
	*) echo "bench: unknown workload '$w'" >&2; exit 2 ;;
	esac
done
has() { [[ " $WORKLOADS " == *" $1 "* ]]; }

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.log.err "$OUT"/*.cpu # no stale run is read
RESULT=${RESULT:-$OUT/result.json}
TXT=${RESULT%.json}.txt
exec 3>&1 > >(tee "$TXT") 2>&1

st() { "$PY" "$LIB/stats.py" "$@"; }
failures=0
fail() {
	echo "bench: FAIL: $*"
	failures=$((failures + 1))
}
# record SECTION NAME UNIT MEASURE [--target OP T] -- VALUES...
record() { st record "$RESULT" "$@"; }
calc() { awk "BEGIN { printf \"%.$1f\", $2 }"; }

# The sections still to run; an interrupted run names them as missing.
TODO=$WORKLOADS
T_PART=$SECONDS
done_part() {
	TODO=$(echo " $TODO " | sed "s/ $1 / /; s/^ *//; s/ *$//")
	# What each section costs, to keep the whole run near 30 minutes.
	echo "bench: $1 took $((SECONDS - T_PART)) s, load" \
		"$(cut -d' ' -f1 /proc/loadavg)"
	T_PART=$SECONDS
}
finish() {
	local status=$1 p
	for p in $TODO; do
		st missing "$RESULT" "$p" "${2:-not run}"
	done
	st finish "$RESULT" "$status"
}
on_signal() {
	trap - INT TERM
	# Straight to the original stdout too: the tee may be gone already.
	echo "bench: interrupted; partial results in $RESULT" | tee -a "$TXT" >&3
	finish interrupted "interrupted before it finished"
	exit 130
}

T0=$SECONDS
st init "$RESULT" "workloads=$WORKLOADS" "min_pairs=$MINP" \
	"max_pairs=$MAXP" "atoll=$(git describe --always --dirty 2>/dev/null ||
		echo unknown)" "cpus=$(nproc)" || exit 1
trap on_signal INT TERM

# Build the guest programs (required) and atoll (optional: its absence is
# reported, and QEMU still runs).
atoll_ok=1
atoll_why=""
qemu_ok=1
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	elfs=("$GUEST/bench-intloop-short.elf")
	for w in intloop mixed cmark; do has $w && elfs+=("$GUEST/bench-$w.elf"); done
	has tlbmiss && elfs+=("$GUEST/bench-tlbwalk.elf" "$GUEST/bench-tlbhit.elf")
	has mem && elfs+=("$GUEST/mem-memhog.elf")
	{ has io || has policy || has share || has density; } && elfs+=("$GUEST/atoll-os.elf")
	if ! make --no-print-directory BUILD="$BUILD" "${elfs[@]}" >"$OUT/make-guest.log" 2>&1; then
		tail -20 "$OUT/make-guest.log"
		echo "bench: FAIL: cannot build the workloads"
		finish failed "the workloads did not build"
		exit 1
	fi
	if ! make --no-print-directory BUILD="$BUILD" "$ATOLL" >"$OUT/make-atoll.log" 2>&1; then
		atoll_ok=0
		atoll_why="build failed (see $OUT/make-atoll.log)"
	fi
fi
if [ $atoll_ok = 1 ] && [ ! -x "$ATOLL" ]; then
	atoll_ok=0
	atoll_why="$ATOLL not found"
fi
command -v "$QEMU_BIN" >/dev/null || qemu_ok=0

# What the numbers were taken on.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), ${cpu:-unknown cpu}," \
	"$(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ $qemu_ok = 1 ]; then
	echo "bench: $("$QEMU_BIN" --version | head -1)"
else
	fail "$QEMU_BIN not installed: no QEMU figures"
	st missing "$RESULT" qemu "$QEMU_BIN not installed"
fi
if [ $atoll_ok = 1 ]; then
	echo "bench: atoll $ATOLL ($(git describe --always --dirty \
		2>/dev/null || echo "no git"))"
else
	fail "atoll: $atoll_why; running QEMU only"
	st missing "$RESULT" atoll "$atoll_why"
fi
echo "bench: $MINP to $MAXP pairs per figure; median [spread: IQR, or" \
	"min..max under 4 values], host load when recorded in the JSON"

# field LOG NAME KEY: value of KEY on the BENCH line NAME of LOG.
field() {
	tr -d '\r' <"$1" | grep "^BENCH name=$2 " | head -1 |
		tr ' ' '\n' | sed -n "s/^$3=//p"
}
# CPU seconds of a run (stats.py run), or of atoll's first vCPU.
run_cpu() { sed -n 's/^cpu=\([0-9.]*\) .*/\1/p' "$1.cpu" 2>/dev/null; }
hart_cpu() { # LOG: seconds
	local ns
	ns=$(grep -o 'hart=0 cpu_ns=[0-9]*' "$1.err" 2>/dev/null | head -1 |
		cut -d= -f3)
	[ -n "$ns" ] && calc 6 "$ns / 1e9"
}

# run_guest SIDE ELF LOG: one run; returns its exit status.
run_guest() {
	local side=$1 elf=$2 log=$3
	case $side in
	atoll | jit)
		# shellcheck disable=SC2086 # ATOLL_ARGS is a list of flags
		st run "$log.cpu" -- timeout -k 5 "$ATOLL_TIMEOUT" "$ATOLL" \
			boot --stats ${ATOLL_ARGS:-} --engine "$([ $side = jit ] &&
				echo jit || echo interp)" --bios none "$elf" \
			</dev/null >"$log" 2>"$log.err" ;;
	qemu)
		st run "$log.cpu" -- timeout -k 5 "$QEMU_TIMEOUT" "${QEMU[@]}" \
			-kernel "$elf" </dev/null >"$log" 2>"$log.err" ;;
	icount)
		timeout -k 5 $((QEMU_TIMEOUT * 3)) "${QEMU[@]}" -icount shift=0 \
			-kernel "$elf" </dev/null >"$log" 2>"$log.err" ;;
	esac
}

# ok_run SIDE W NAME LOG RC: validate one run; 0 if usable.
ok_run() {
	local side=$1 w=$2 n=$3 log=$4 rc=$5
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail "$w on $side: timed out"
		return 1
	fi
	if [ -z "$(field "$log" "$n" ticks)" ]; then
		fail "$w on $side: no result line for $n (exit $rc, see $log)"
		return 1
	fi
	if [ "$(field "$log" "$n" check)" != ok ]; then
		fail "$w on $side: WRONG RESULT: $(grep "^BENCH name=$n " "$log")"
		return 1
	fi
	if [ "$rc" != 0 ]; then
		fail "$w on $side: exit status $rc (see $log)"
		return 1
	fi
}

# QEMU's start-up CPU time: a 3-million-instruction run, once per pair.
qemu_null() { # LOG: seconds, or nothing
	run_guest qemu "$GUEST/bench-intloop-short.elf" "$1" &&
		[ "$(field "$1" intloop check)" = ok ] && run_cpu "$1"
}

# ---- CPU: intloop, mixed and cmark (MIPS), tlbmiss (ns per miss) ------
# The translator exists on x86-64 hosts only.
JIT=0
[ "$(uname -m)" = x86_64 ] && JIT=1
declare -A V # "side:figure" -> list of per-pair values

cpu_mips() { # W: pairs of atoll / QEMU; MIPS in CPU and guest time
	local w=$1 elf=$GUEST/bench-$1.elf r log rc insns qi a q qn
	local skip_a=$((1 - atoll_ok)) skip_q=$((1 - qemu_ok)) j
	local skip_j=$((1 - atoll_ok + 1 - JIT))
	echo "bench: $w: $MINP..$MAXP pairs, atoll, its jit and QEMU alternating"
	# QEMU -icount counts the instructions only when atoll cannot (it is
	# several times slower than QEMU's normal mode).
	if [ $qemu_ok = 1 ] && [ $atoll_ok = 0 ]; then
		log=$OUT/$w.icount.log
		run_guest icount "$elf" "$log"
		ok_run qemu-icount "$w" "$w" "$log" $? &&
			qi=$(field "$log" "$w" instret)
	fi
	for ((r = 1; r <= MAXP; r++)); do
		a='' q=''
		if [ $skip_a = 0 ]; then
			log=$OUT/$w.atoll.$r.log
			run_guest atoll "$elf" "$log"
			rc=$?
			if ok_run atoll "$w" "$w" "$log" $rc; then
				insns=$(field "$log" "$w" instret)
				a=$(hart_cpu "$log")
				V[wall_a:$w]+=" $(calc 1 "$insns * 10 / $(field "$log" "$w" ticks)")"
			else
				skip_a=1 # wrong or hung: more runs only take time
			fi
		fi
		j=''
		if [ $skip_j = 0 ]; then
			log=$OUT/$w.jit.$r.log
			run_guest jit "$elf" "$log"
			if ok_run jit "$w" "$w" "$log" $?; then
				j=$(hart_cpu "$log")
			else
				skip_j=1
			fi
		fi
		insns=${insns:-${qi:-}}
		if [ $skip_q = 0 ]; then
			log=$OUT/$w.qemu.$r.log
			run_guest qemu "$elf" "$log"
			rc=$?
			qn=$(qemu_null "$OUT/null.qemu.$w.$r.log")
			if ok_run qemu "$w" "$w" "$log" $rc && [ -n "$qn" ]; then
				q=$(calc 6 "$(run_cpu "$log") - $qn")
				[ -n "$insns" ] && V[wall_q:$w]+=" $(calc 1 \
					"$insns * 10 / $(field "$log" "$w" ticks)")"
			else
				skip_q=1
			fi
		fi
		[ -n "$a" ] && [ -n "${insns:-}" ] &&
			V[a:$w]+=" $(calc 1 "$insns / $a / 1e6")"
		[ -n "$q" ] && [ -n "${insns:-}" ] &&
			awk "BEGIN { exit !($q > 0) }" &&
			V[q:$w]+=" $(calc 1 "$insns / $q / 1e6")"
		[ -n "$a" ] && [ -n "$q" ] && awk "BEGIN { exit !($q > 0) }" &&
			V[r:$w]+=" $(calc 4 "$q / $a")" # atoll speed / QEMU's
		[ -n "$j" ] && [ -n "${insns:-}" ] &&
			V[j:$w]+=" $(calc 1 "$insns / $j / 1e6")"
		[ -n "$j" ] && [ -n "$q" ] && awk "BEGIN { exit !($q > 0) }" &&
			V[jr:$w]+=" $(calc 4 "$q / $j")"
		[ $r -lt "$MINP" ] && continue
		[ $skip_a = 1 ] && [ $skip_q = 1 ] && break
		# shellcheck disable=SC2086 # lists of numbers
		case $w in
		intloop) st enough --target ">=" 1000 ${V[a:$w]:-0} && break ;;
		mixed) st enough --target ">=" 0.25 ${V[r:$w]:-0} && break ;;
		cmark) st enough ${V[jr:$w]:-${V[r:$w]:-0}} && break ;;
		esac
	done
	# shellcheck disable=SC2086 # lists of numbers
	{
		if [ $w = intloop ]; then
			record cpu intloop_atoll_mips MIPS cpu \
				--target ">=" 1000 -- ${V[a:$w]:-}
		else
			record cpu ${w}_atoll_mips MIPS cpu -- ${V[a:$w]:-}
		fi
		record cpu ${w}_qemu_mips MIPS cpu -- ${V[q:$w]:-}
		if [ "$JIT" = 1 ]; then
			record cpu ${w}_jit_mips MIPS cpu -- ${V[j:$w]:-}
			record cpu ${w}_jit_per_qemu x cpu --target ">=" 1.3 \
				-- ${V[jr:$w]:-}
		fi
		if [ $w = mixed ]; then
			record cpu mixed_atoll_per_qemu x cpu \
				--target ">=" 0.25 -- ${V[r:$w]:-}
		else
			record cpu ${w}_atoll_per_qemu x cpu -- ${V[r:$w]:-}
		fi
		record cpu ${w}_atoll_mips_guest_timed MIPS wall -- ${V[wall_a:$w]:-}
		record cpu ${w}_qemu_mips_guest_timed MIPS wall -- ${V[wall_q:$w]:-}
	}
}

cpu_tlb() { # ns per Sv39 miss: the miss loop alone minus the control alone
	local r log rc side k acc wc hc wt ht skip_a=$((1 - atoll_ok))
	local skip_q=$((1 - qemu_ok))
	echo "bench: tlbmiss: $MINP..$MAXP pairs; each side runs the miss loop" \
		"and the one-page control"
	for ((r = 1; r <= MAXP; r++)); do
		for side in atoll jit qemu; do
			[ $side = jit ] && { [ $JIT = 0 ] || [ $skip_a = 1 ]; } &&
				continue
			[ $side = atoll ] && [ $skip_a = 1 ] && continue
			[ $side = qemu ] && [ $skip_q = 1 ] && continue
			wc='' hc=''
			for k in walk hit; do
				log=$OUT/tlb$k.$side.$r.log
				run_guest $side "$GUEST/bench-tlb$k.elf" "$log"
				rc=$?
				local n=tlbmiss
				[ $k = hit ] && n=tlbhit
				if ! ok_run $side tlbmiss $n "$log" $rc; then
					[ $side != qemu ] && skip_a=1
					[ $side = qemu ] && skip_q=1
					continue 2
				fi
				acc=$(field "$log" $n accesses)
				if [ $side != qemu ]; then
					eval "${k:0:1}c=\$(hart_cpu \"\$log\")"
				else
					eval "${k:0:1}c=\$(run_cpu \"\$log\")"
				fi
				eval "${k:0:1}t=\$(field \"\$log\" \$n ticks)"
			done
			[ -n "$wc" ] && [ -n "$hc" ] &&
				V[$side:tlb]+=" $(calc 2 "($wc - $hc) * 1e9 / $acc")" &&
				eval "${side}_ns=\$(calc 4 \"(\$wc - \$hc) * 1e9 / \$acc\")"
			V[wall_$side:tlb]+=" $(calc 2 "($wt - $ht) * 100 / $acc")"
		done
		# The pair's ratio: both sides at the same moment's load.
		[ -n "${atoll_ns:-}" ] && [ -n "${qemu_ns:-}" ] &&
			awk "BEGIN { exit !($atoll_ns > 0) }" &&
			V[r:tlb]+=" $(calc 3 "$qemu_ns / $atoll_ns")"
		atoll_ns='' qemu_ns=''
		[ $r -lt "$MINP" ] && continue
		# shellcheck disable=SC2086 # lists of numbers
		st enough --target "<=" 40 ${V[atoll:tlb]:-99} && break
	done
	# shellcheck disable=SC2086 # lists of numbers
	{
		record cpu tlb_miss_atoll_ns ns cpu --target "<=" 40 \
			-- ${V[atoll:tlb]:-}
		record cpu tlb_miss_qemu_ns ns cpu -- ${V[qemu:tlb]:-}
		[ "$JIT" = 1 ] && record cpu tlb_miss_jit_ns ns cpu \
			-- ${V[jit:tlb]:-}
		record cpu tlb_miss_qemu_per_atoll x cpu -- ${V[r:tlb]:-}
		record cpu tlb_miss_atoll_ns_guest_timed ns wall \
			-- ${V[wall_atoll:tlb]:-}
		record cpu tlb_miss_qemu_ns_guest_timed ns wall \
			-- ${V[wall_qemu:tlb]:-}
	}
	walks=$(grep -ho 'page_walks=[0-9]*' "$OUT"/tlbwalk.atoll.1.log.err \
		2>/dev/null | cut -d= -f2)
	# (acc is unset when no run of the section gave a result)
	[ -n "$walks" ] && [ -n "${acc:-}" ] &&
		echo "  atoll --stats: $walks page walks in a miss run of" \
			"$acc accesses"
}

for w in intloop mixed cmark tlbmiss; do
	has $w || continue
	if [ $w = tlbmiss ]; then
		cpu_tlb
	else
		cpu_mips $w
	fi
	done_part $w
	echo
done

if has mem; then
	# shellcheck source=bench/mem.sh
	source "$(dirname "$0")/mem.sh"
	done_part mem
	echo
fi

if has io; then
	# shellcheck source=bench/io.sh
	source "$(dirname "$0")/io.sh"
	done_part io
	echo
fi

if has policy; then
	if [ $atoll_ok = 1 ]; then
		BUILD=$BUILD ATOLL=$ATOLL RESULT=$RESULT "$(dirname "$0")/policy.sh" \
			-n "$MINP" -N "$MAXP" || fail "policy (see above)"
	else
		st missing "$RESULT" policy "atoll unavailable"
	fi
	done_part policy
	echo
fi

if has share; then # content-based page sharing (bench/share.sh)
	if [ $atoll_ok = 1 ]; then
		BUILD=$BUILD ATOLL=$ATOLL RESULT=$RESULT "$(dirname "$0")/share.sh" \
			-n 3 -N "$MAXP" || fail "share (see above)"
	else
		st missing "$RESULT" share "atoll unavailable"
	fi
	done_part share
	echo
fi

if has density; then # domains that fit, sharing on vs off (bench/density.sh)
	if [ $atoll_ok = 1 ]; then
		BUILD=$BUILD ATOLL=$ATOLL RESULT=$RESULT \
			"$(dirname "$0")/density.sh" || fail "density (see above)"
	else
		st missing "$RESULT" density "atoll unavailable"
	fi
	done_part density
	echo
fi

if has linux; then # Linux on virtio, atoll vs QEMU (bench/linux.sh)
	if [ $atoll_ok = 1 ]; then
		# Fewer pairs: one pair is two Linux boots with the whole suite.
		"$(dirname "$0")/linux.sh" -n $((MINP < 3 ? MINP : 3)) \
			-N $((MAXP < 5 ? MAXP : 5)) -o "$RESULT" "$ATOLL" ||
			fail "linux (see above)"
	else
		st missing "$RESULT" linux "atoll unavailable"
	fi
	done_part linux
	echo
fi

trap - INT TERM
echo "targets (median [spread]: verdict; met only when the whole spread meets it):"
st table "$RESULT" | grep "target " || echo "  (no targets measured)"
echo "host load at the end: $(cut -d' ' -f1-3 /proc/loadavg);" \
	"$((SECONDS - T0)) s in all"
echo
if [ $failures -gt 0 ] || [ $atoll_ok = 0 ] || [ $qemu_ok = 0 ]; then
	finish partial
	echo "bench: $failures failure(s); logs in $OUT/, results in $RESULT (partial)"
	exit 1
fi
finish ok
echo "bench: all runs completed with correct results; logs in $OUT/," \
	"results in $RESULT"
