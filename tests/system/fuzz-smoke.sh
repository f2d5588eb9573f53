#!/bin/bash
# A short libFuzzer run of every fuzz target (tests/fuzz/fuzz_*.c, built
# into build-fuzz/ by `make fuzz-build`): a few thousand hostile inputs
# each, from an empty corpus, capped at a few seconds; long inputs from
# the start (-len_control=0), since the targets are operation sequences.  Passes if none
# crashes or breaks an invariant; a failing input is kept in
# build-fuzz/crashes/NAME/ (replay: build-fuzz/fuzz_NAME FILE).  Long
# runs: `make fuzz` (docs/fuzzing.md).
# Usage: tests/system/fuzz-smoke.sh [ATOLL] (unused).
set -u
cd "$(dirname "$0")/../.." || exit 2
FUZZ_OUT=${FUZZ_OUT:-build-fuzz}
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Inputs per target: about FUZZ_SMOKE_SECONDS on an idle machine.
declare -A runs=([consback]=20000 [grant]=3000 [evtchn]=3000 [memop]=2000
	[blkback]=3000 [netback]=1500 [control]=20000 [http]=50000
	[virtq]=3000 [virtio_blk]=1500 [virtio_rng]=3000 [virtio_net]=1500
	[virtio_console]=3000 [virtio_balloon]=1500)
names="consback grant evtchn memop blkback netback control http virtq
	virtio_blk virtio_rng virtio_net virtio_console virtio_balloon"
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
	if "$bin" -runs="${runs[$n]}" -max_total_time="$FUZZ_SMOKE_SECONDS" \
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
