# shellcheck shell=bash disable=SC2154 # variables of bench/run.sh
# Memory section of bench/run.sh (sourced: uses its ATOLL, atoll_ok, OUT,
# REPS, fail, median, calc and timeouts).
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
		timeout -k 5 "$QEMU_TIMEOUT" qemu-system-riscv64 -machine virt \
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
echo "bench: mem: memhog first touch, $REPS runs each, alternating"
for ((r = 1; r <= REPS; r++)); do
	for side in atoll qemu; do
		[ $side = atoll ] && [ "$atoll_ok" != 1 ] && continue
		log=$OUT/memhog.$side.$r.log
		mem_first_touch $side "$log" || continue
		p=$(mem_field "$log" firsttouch pages)
		MT[$side:first]+=" $(calc 1 "$(mem_field "$log" firsttouch \
			ticks) * 100 / $p")"
		MT[$side:again]+=" $(calc 1 "$(mem_field "$log" firsttouch \
			retouch_ticks) * 100 / $p")"
	done
done
# shellcheck disable=SC2086 # lists of numbers
for k in atoll:first atoll:again qemu:first qemu:again; do
	MT[$k]=$(median ${MT[$k]:-})
	MT[$k]=${MT[$k]:--}
done

mlog=$OUT/mem_bench.log
if [ "${BENCH_NO_BUILD:-0}" != 1 ] && ! make --no-print-directory \
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

printf 'memory (median of %s runs for memhog; mem_bench once)\n' "$REPS"
printf '  %-44s %10s %10s %10s\n' "first touch of a fresh guest page" \
	"atoll" "QEMU" "atoll/QEMU"
printf '  %-44s %10s %10s %10s\n' \
	"  ns per page, first touch (16 MiB)" "${MT[atoll:first]}" \
	"${MT[qemu:first]}" "$(ratio "${MT[atoll:first]}" "${MT[qemu:first]}")" \
	"  ns per page, second touch (control)" "${MT[atoll:again]}" \
	"${MT[qemu:again]}" "$(ratio "${MT[atoll:again]}" "${MT[qemu:again]}")"
printf '  %-44s %10s\n' "atoll below the guest (bench/mem_bench.c)" "" \
	"  populate, P2M + frame (ns per frame)" "$(mb populate ns_per_frame)" \
	"  populate + first host write (ns per frame)" \
	"$(mb populate with_touch_ns_per_frame)" \
	"  swap-out, page cache (MB/s)" "$(mb swapout mb_s)" \
	"  swap-in, from disk (MB/s)" "$(mb swapin mb_s)"
for n in 1 2 4; do
	printf '  %-44s %10s\n' "  shootdown, $n running hart(s) (ns)" \
		"$(mb shootdown ns $n)"
done
echo "  ($(nproc) host cpus: with more running harts than cpus a shootdown" \
	"waits for the scheduler)"
