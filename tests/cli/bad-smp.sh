#!/bin/bash
# --smp takes 1 to 8 harts.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"
for n in 0 9 99 -1 abc "" 1x 4294967297; do
	expect_usage_error "--smp '$n'" boot --smp "$n" "$TMP/kernel"
	expect_stderr_mentions "--smp '$n'" "--smp"
done
exit 0
