#!/bin/bash
# atoll run: bad command lines and unreadable or empty config files give
# exit status 2 and one line.
. "$(dirname "$0")/lib/usage.bash"

expect_usage_error "no CONFIG" run
expect_usage_error "two CONFIGs" run a.ini b.ini
expect_usage_error "unknown flag" run --frob x.ini
expect_stderr_mentions "unknown flag" "--frob"
expect_usage_error "missing file" run "$TMP/none.ini"
expect_stderr_mentions "missing file" "$TMP/none.ini"
: >"$TMP/empty.ini"
expect_usage_error "empty file" run "$TMP/empty.ini"
expect_stderr_mentions "empty file" "machine_memory"
printf '[host]\nmachine_memory = 64M\n' >"$TMP/nodom.ini"
expect_usage_error "no domain" run "$TMP/nodom.ini"
expect_stderr_mentions "no domain" "[domain NAME]"
timeout 10 "$ATOLL" run --help >"$TMP/out" 2>&1 </dev/null ||
	{ echo "run --help: exit status $?"; exit 1; }
grep -q "usage: atoll run" "$TMP/out" || { echo "run --help: no usage"; exit 1; }
exit 0
