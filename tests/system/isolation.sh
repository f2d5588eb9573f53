#!/bin/bash
# Isolation and scrubbing: a writer domain fills its RAM with a secret, a
# scanner domain in the same atoll then reads every page it has and must
# see only zeros (tests/mem/isolation.c).
#  1. No swap, a pool too small for both: the scanner waits for frames and
#     gets the writer's after it powered off (frames change owner at
#     domain end).
#  2. Churn: writer, memhog and scanner overcommit a pool twice over with
#     swapping, so frames move between live domains through swap-out and
#     swap-in while the scanner reads and memhog verifies its own data.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
iso=$(need_elf mem-isolation)
hog=$(need_elf mem-memhog)

domain() { # NAME MAXMEM KERNEL CMDLINE
	printf '\n[domain %s]\nmemory = %s\nmaxmem = %s\nkernel = %s\n' \
		"$1" "$2" "$2" "$3"
	printf 'cmdline = %s\n' "$4"
}

# check_run CASE: atoll ended with 0, the writer wrote, the scanner passed.
check_run() {
	local rc
	atoll_wait
	rc=$?
	[ $rc = 124 ] && fail "$1: atoll run did not finish in ${SYS_T}s"
	domain_ok scanner "isolation: FAIL" &&
		fail "$1: $(grep -m1 'isolation: FAIL' "$tmp/out")"
	[ $rc = 0 ] || fail "$1: atoll run exited with status $rc"
	domain_ok writer "isolation: writer filled" ||
		fail "$1: the writer did not fill its RAM"
	domain_ok scanner "isolation: ok" || fail "$1: the scanner did not pass"
	echo "$1: $(grep -h 'writer filled\|scanner read' "$tmp/out" |
		tr -d '\r' | tr '\n' ';')"
}

{
	printf '[host]\nmachine_memory = 20M\n'
	domain writer 16M "$iso" "role=writer"
	domain scanner 16M "$iso" "role=scanner low=1 wait_ms=1000"
} >"$tmp/reuse.ini"
atoll_start "$tmp/reuse.ini"
check_run "reuse after exit"

{
	printf '[host]\nmachine_memory = 40M\nswap_file = %s\n' "$tmp/swap"
	printf 'swap_size = 128M\n'
	domain writer 32M "$iso" "role=writer"
	domain hog 32M "$hog" "memhog mib=16 phases=4 seed=7"
	domain scanner 32M "$iso" "role=scanner low=1 wait_ms=300"
} >"$tmp/churn.ini"
atoll_start "$tmp/churn.ini"
check_run "churn with swapping"
domain_ok hog "memhog: ok" || fail "churn: memhog did not pass"
echo "isolation: ok"
