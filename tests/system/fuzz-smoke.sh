#!/bin/bash
# A short libFuzzer run of every fuzz target (each tests/fuzz/fuzz_*.c,
# found by glob, built into build-fuzz/ by `make fuzz-build`): a few
# thousand hostile inputs each, from an empty corpus, capped at a few
# seconds; long inputs from the start (-len_control=0), since the targets
# are operation sequences.  Passes if none crashes or breaks an invariant; a failing input is kept in
# build-fuzz/crashes/NAME/ (replay: build-fuzz/fuzz_NAME FILE).  Long
# runs: `make fuzz` (docs/fuzzing.md).
# Usage: tests/system/fuzz-smoke.sh [ATOLL] (unused).
set -u
cd "$(dirname "$0")/../.." || exit 2
FUZZ_OUT=${FUZZ_OUT:-build-fuzz}
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every target there is (tests/fuzz/fuzz_NAME.c), each for at most
# FUZZ_SMOKE_RUNS inputs or FUZZ_SMOKE_SECONDS, whichever comes first.
FUZZ_SMOKE_RUNS=${FUZZ_SMOKE_RUNS:-3000}
names=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done | sed 's/^fuzz_//')
[ -n "$names" ] || { echo "FAIL: no tests/fuzz/fuzz_*.c"; exit 1; }
fail=0
for n in $names; do
	bin=$FUZZ_OUT/fuzz_$n
	if [ ! -x "$bin" ]; then
		echo "FAIL: $bin missing (make fuzz-build; needs clang and" \
			"libclang-rt-14-dev)"
		fail=1
		continue
	fi
	mkdir -p "$tmp/$n" "$FUZZ_OUT/crashes/$n"
	if "$bin" -runs="$FUZZ_SMOKE_RUNS" -max_total_time="$FUZZ_SMOKE_SECONDS" \
		-len_control=0 -max_len=1024 -print_final_stats=1 \
		-artifact_prefix="$FUZZ_OUT/crashes/$n/" \
		"$tmp/$n" >"$tmp/$n.log" 2>&1; then
		echo "ok $n: $(sed -n 's/^stat::number_of_executed_units: *//p' \
			"$tmp/$n.log") inputs"
	else
		echo "FAIL: fuzz_$n crashed"
		grep -E 'invariant broken|ERROR:|SUMMARY|^    #[0-9] |Test unit' \
			"$tmp/$n.log" | head -n 12
		fail=1
	fi
done
exit $fail
