#!/bin/bash
# The echo device (atoll/abi/echo.h) and the ring benchmarks: atoll-os's
# ringbench workload exchanges messages with atoll's echo back-end,
# unbatched and 32 per push, with and without hold-off, and must pass its
# own verdict (every response in order with the right id); bad arguments
# must fail it.  The host ring microbenchmark's correctness mode runs both
# ring implementations (atoll's ring.h, Xen's <xen/io/ring.h>) across the
# 32-bit index wrap and checks every payload.  Usage:
#   tests/system/io-echo.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
ring=$BUILD/bench/ringbench_host

# ringbench ARGS WANT_RC: one run of the workload, its exit status and
# verdict; the result line must have every field.
ringbench() {
	local log=$tmp/rb.log rc
	timeout -k 5 "$SYS_T" "$ATOLL" boot -m 64M \
		--append "workload=ringbench $1" "$os" </dev/null >"$log" 2>&1
	rc=$?
	cp "$log" "$tmp/out" # for fail's context
	if [ "$2" = 0 ]; then
		[ $rc = 0 ] || fail "ringbench $1: exit status $rc"
		tr -d '\r' <"$log" | grep -q "^ringbench: verdict ok$" ||
			fail "ringbench $1: no 'verdict ok'"
		tr -d '\r' <"$log" | grep -Eq "^ringbench: batch=[0-9]+ holdoff=[01] msgs=[0-9]+ us=[0-9]+ msgs_per_s=[0-9]+ notifies_per_msg=[0-9]+\.[0-9]{3} upcalls_per_msg=[0-9]+\.[0-9]{3}$" ||
			fail "ringbench $1: malformed result line"
		grep -q "msgs=${3:-} " "$log" ||
			fail "ringbench $1: not every message answered"
	else
		[ $rc != 0 ] || fail "ringbench $1: exit status 0, want failure"
		tr -d '\r' <"$log" | grep -q "^ringbench: verdict FAIL" ||
			fail "ringbench $1: no 'verdict FAIL'"
	fi
}

[ -x "$ring" ] || fail "$ring not built (make $ring)"
timeout -k 5 "$SYS_T" "$ring" -c -n 20000 >"$tmp/out" 2>&1
rc=$?
[ $rc = 0 ] || fail "ringbench_host -c: exit status $rc"
[ "$(grep -c '^RINGBENCH impl=.* check=ok$' "$tmp/out")" = 6 ] ||
	fail "ringbench_host -c: not 6 good runs"
grep -q "^ringbench: correctness ok$" "$tmp/out" ||
	fail "ringbench_host -c: no 'correctness ok'"

ringbench "count=20000 batch=1 holdoff=1" 0 20000
ringbench "count=20000 batch=32 holdoff=1" 0 20000
ringbench "count=5000 batch=1 holdoff=0" 0 5000
ringbench "count=5000 batch=32 holdoff=0" 0 5000
ringbench "count=10 batch=33" 1
echo "io-echo: ok"
