#!/bin/bash
# An unknown command is refused with one line and status 2.
. "$(dirname "$0")/lib/usage.bash"
expect_usage_error "unknown verb" frobnicate
expect_stderr_mentions "unknown verb" frobnicate
expect_usage_error "no verb"
expect_usage_error "option as verb" --frob
exit 0
