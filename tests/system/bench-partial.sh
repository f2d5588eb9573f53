#!/bin/bash
# `make bench` on bad days: without QEMU, and interrupted.  Each still
# writes its JSON result saying which parts are missing, and exits
# non-zero; the figures it did measure are there with their spreads.
# Usage: tests/system/bench-partial.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
need_elf bench-tlbwalk >/dev/null
need_elf bench-tlbhit >/dev/null
need_elf bench-intloop-short >/dev/null
py=/usr/bin/python3
[ -x "$py" ] || py=python3
# jqs FILE EXPR: a value of the result file.
jqs() { "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# No QEMU: atoll's figures only, status partial, QEMU named as missing.
# (A run's bound, -t, follows SYS_T: under the sanitizers at a load of 35
# the miss run took more than bench's own 240 s.)
out=$tmp/noqemu
BENCH_OUT=$out BENCH_NO_BUILD=1 QEMU_BIN=$tmp/no-such-qemu BUILD=$BUILD \
	ATOLL=$ATOLL timeout -k 5 $((SYS_T * 8)) bench/run.sh -n 1 -N 1 \
	-t $((SYS_T * 4)) tlbmiss >"$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] || fail "no QEMU: exit status $rc, want 1"
[ -f "$out/result.json" ] || fail "no QEMU: no result file"
[ "$(jqs "$out/result.json" 'd["status"]')" = partial ] ||
	fail "no QEMU: status not partial"
jqs "$out/result.json" '[m["section"] for m in d["missing"]]' |
	grep -q "'qemu'" || fail "no QEMU: QEMU not named as missing"
n=$(jqs "$out/result.json" '[f["n"] for f in d["figures"] if f["name"] == "tlb_miss_atoll_ns"][0]')
[ "$n" = 1 ] || fail "no QEMU: atoll's TLB figure missing (n=$n)"
grep -q "tlb_miss_atoll_ns .*target <= 40" "$out/result.txt" ||
	fail "no QEMU: the table has no atoll figure"

# Interrupted after its first run: status interrupted, the section named.
out=$tmp/int
BENCH_OUT=$out BENCH_NO_BUILD=1 BUILD=$BUILD ATOLL=$ATOLL bench/run.sh \
	-n 9 -N 9 tlbmiss >"$tmp/out" 2>&1 &
pid=$!
end=$((SECONDS + SYS_T))
until [ -s "$out/tlbwalk.atoll.1.log" ] || [ $SECONDS -ge $end ]; do
	sleep 0.1
done
kill -TERM $pid
wait $pid
rc=$?
[ $rc = 130 ] || fail "interrupted: exit status $rc, want 130"
[ "$(jqs "$out/result.json" 'd["status"]')" = interrupted ] ||
	fail "interrupted: status not interrupted"
jqs "$out/result.json" '[m["section"] for m in d["missing"]]' |
	grep -q "'tlbmiss'" || fail "interrupted: tlbmiss not named as missing"
grep -q "interrupted; partial results" "$tmp/out" ||
	fail "interrupted: no message"
exit 0
