# shellcheck shell=bash disable=SC2154 # variables of bench/run.sh
# Memory section of bench/run.sh (sourced: uses its ATOLL, atoll_ok,
# qemu_ok, OUT, REPS, fail, record, calc and timeouts).
#
#  - first touch of fresh guest pages, seen by the guest: memhog's first
#    phase (a quarter of 64 MiB, one store per page, 10 MHz time CSR) on
#    atoll (default boot, populate on demand through the P2M) and on QEMU
#    (OpenSBI, the host kernel's page fault behind QEMU's RAM); a second
#    touch of the same pages is the control (loop cost without the
#    fault).  QEMU has no P2M: this is the one memory cost both sides have.
#  - atoll's own costs below the guest: bench/mem_bench.c (populate ns per
#    frame, swap-out and swap-in MB/s, shootdown ns with 1, 2, 4 harts).
MEM_BENCH=$BUILD/bench/mem_bench
MEM_HOG=$BUILD/guest/mem-memhog.elf
MEM_ARGS="memhog mib=64 phases=1"

# mem_field LOG NAME KEY: KEY's value on the "BENCH name=NAME" or
# "MEMBENCH name=NAME" line of LOG.
mem_field() {
	tr -d '\r' <"$1" | grep -E "^(MEM)?BENCH name=$2 " | head -1 |
		tr ' ' '\n' | sed -n "s/^$3=//p"
}

mem_first_touch() { # SIDE LOG: one memhog run; 0 if it reported
	local rc
	if [ "$1" = atoll ]; then
		timeout -k 5 "$ATOLL_TIMEOUT" "$ATOLL" boot -m 128M \
			--append "$MEM_ARGS" "$MEM_HOG" </dev/null >"$2" \
			2>"$2.err"
	else
		timeout -k 5 "$QEMU_TIMEOUT" "$QEMU_BIN" -machine virt \
			-nographic -m 128M -kernel "$MEM_HOG" \
			-append "$MEM_ARGS" </dev/null >"$2" 2>"$2.err"
	fi
	rc=$?
	if [ $rc != 0 ] || [ "$(mem_field "$2" firsttouch check)" != ok ]; then
		fail "memhog first touch on $1: exit $rc (see $2)"
		return 1
	fi
}

declare -A MT
echo "bench: mem: memhog first touch, $REPS pairs, atoll and QEMU alternating"
for ((r = 1; r <= REPS; r++)); do
	fa='' fq=''
	for side in atoll qemu; do
		[ $side = atoll ] && [ "$atoll_ok" != 1 ] && continue
		[ $side = qemu ] && [ "$qemu_ok" != 1 ] && continue
		log=$OUT/memhog.$side.$r.log
		mem_first_touch $side "$log" || continue
		p=$(mem_field "$log" firsttouch pages)
		f=$(calc 1 "$(mem_field "$log" firsttouch ticks) * 100 / $p")
		[ $side = atoll ] && fa=$f || fq=$f
		MT[$side:first]+=" $f"
		MT[$side:again]+=" $(calc 1 "$(mem_field "$log" firsttouch \
			retouch_ticks) * 100 / $p")"
	done
	[ -n "$fa" ] && [ -n "$fq" ] && MT[ratio]+=" $(calc 3 "$fa / $fq")"
done
# Guest-timed (the guest's time CSR): a page fault's cost is the host
# kernel's, which has no per-thread CPU figure of its own here.
# shellcheck disable=SC2086 # lists of numbers
{
	record mem first_touch_atoll_ns ns wall -- ${MT[atoll:first]:-}
	record mem first_touch_qemu_ns ns wall -- ${MT[qemu:first]:-}
	record mem first_touch_atoll_per_qemu x wall -- ${MT[ratio]:-}
	record mem second_touch_atoll_ns ns wall -- ${MT[atoll:again]:-}
	record mem second_touch_qemu_ns ns wall -- ${MT[qemu:again]:-}
}

mlog=$OUT/mem_bench.log
if [ "${BENCH_NO_BUILD:-0}" != 1 ] && ! make --no-print-directory BUILD="$BUILD" \
	"$MEM_BENCH" >"$OUT/make-mem-bench.log" 2>&1; then
	fail "mem_bench: build failed (see $OUT/make-mem-bench.log)"
elif ! timeout -k 5 300 "$MEM_BENCH" -d "$OUT" >"$mlog" 2>&1; then
	fail "mem_bench failed (see $mlog)"
fi
mb() { # NAME KEY [HARTS]
	local v
	if [ -n "${3:-}" ]; then
		v=$(grep "^MEMBENCH name=$1 harts=$3 " "$mlog" 2>/dev/null |
			tr ' ' '\n' | sed -n "s/^$2=//p")
	else
		v=$(mem_field "$mlog" "$1" "$2" 2>/dev/null)
	fi
	echo "${v:--}"
}

# mem_bench runs once: its figures are atoll's own costs below the guest
# (n=1, no spread).
record mem populate_ns_per_frame ns once -- "$(mb populate ns_per_frame)"
record mem populate_touch_ns_per_frame ns once \
	-- "$(mb populate with_touch_ns_per_frame)"
record mem swap_out_mb_s MB/s once -- "$(mb swapout mb_s)"
record mem swap_in_mb_s MB/s once -- "$(mb swapin mb_s)"
for n in 1 2 4; do
	record mem shootdown_${n}_harts_ns ns once -- "$(mb shootdown ns $n)"
done
echo "  ($(nproc) host cpus: with more running harts than cpus a shootdown" \
	"waits for the scheduler)"
