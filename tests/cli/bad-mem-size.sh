#!/bin/bash
# -m takes sizes like 128M, 1G, 512K or a bare number of MiB, from 1M to
# 64G; anything else is one line and exit status 2.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"
for size in 0 12Q 65G 64.5G 1T 99999999999999999999999 M -5 "" 1000B 4097K 65537 512MB2; do
	expect_usage_error "-m '$size'" boot -m "$size" "$TMP/kernel"
	expect_stderr_mentions "-m '$size'" "-m"
done
expect_usage_error "-m without a value" boot -m
exit 0
