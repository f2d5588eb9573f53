#!/bin/bash
# Unknown or malformed options of `atoll boot` are refused before anything
# is loaded or started.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"
expect_usage_error "unknown flag" boot --frob "$TMP/kernel"
expect_stderr_mentions "unknown flag" --frob
expect_usage_error "unknown short flag" boot -x "$TMP/kernel"
expect_usage_error "flag missing its value" boot "$TMP/kernel" --append
expect_stderr_mentions "flag missing its value" --append
expect_usage_error "value given to a switch" boot --stats=yes "$TMP/kernel"
expect_usage_error "two kernels" boot "$TMP/kernel" "$TMP/kernel"
exit 0
