#!/bin/bash
# A kernel, firmware or initrd that cannot be read is named in the error.
. "$(dirname "$0")/lib/usage.bash"
expect_usage_error "missing kernel" boot "$TMP/no-such-kernel"
expect_stderr_mentions "missing kernel" "$TMP/no-such-kernel"
expect_usage_error "no kernel argument" boot -m 64M
expect_usage_error "kernel is a directory" boot "$TMP"
: >"$TMP/empty"
expect_usage_error "empty kernel" boot "$TMP/empty"
printf 'x' >"$TMP/kernel"
expect_usage_error "missing firmware" boot --bios "$TMP/no-such-fw" "$TMP/kernel"
expect_stderr_mentions "missing firmware" "$TMP/no-such-fw"
expect_usage_error "missing initrd" boot --initrd "$TMP/no-such-rd" "$TMP/kernel"
expect_stderr_mentions "missing initrd" "$TMP/no-such-rd"
exit 0
