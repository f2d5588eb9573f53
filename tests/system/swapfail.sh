#!/bin/bash
# A swap file that cannot be written.
#  1. At start (its folder does not exist): `atoll run` exits with status 2
#     after one line naming the file, and starts nothing.
#  2. At run time (every write fails with EIO, injected by a preloaded
#     lib/failwrite.c): domain "first" touches more than its target, so
#     atoll must steal from it; the write fails, atoll says so once naming
#     the file, steals nothing (the target becomes soft), and both domains
#     keep running and verify all their data.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
hog=$(need_elf mem-memhog)

domain() { # NAME MIB WAIT_MS [MEMORY]
	printf '\n[domain %s]\nmemory = %s\nmaxmem = 32M\nkernel = %s\n' \
		"$1" "${4:-32M}" "$hog"
	printf 'cmdline = memhog mib=%s phases=6 seed=3 wait_ms=%s\n' "$2" "$3"
}

# 1. Unwritable path at start.
bad=$tmp/no/such/dir/swap
{
	printf '[host]\nmachine_memory = 48M\nswap_file = %s\n' "$bad"
	domain first 8 0
} >"$tmp/bad.ini"
atoll_start "$tmp/bad.ini"
atoll_wait
rc=$?
[ $rc = 2 ] || fail "unwritable swap file: exit status $rc, expected 2"
grep -q "$bad" "$tmp/err" || fail "the error does not name $bad"
[ "$(wc -l <"$tmp/err")" = 1 ] ||
	fail "expected one error line, got $(wc -l <"$tmp/err")"
[ -s "$tmp/out" ] && fail "a domain started despite the bad swap file"
echo "start: $(cat "$tmp/err")"

# 2. Writes fail at run time.
cc=${CC:-gcc}
$cc -shared -fPIC -o "$tmp/failwrite.so" "$(dirname "$0")/lib/failwrite.c" \
	-ldl || fail "cannot build the fault injector"
# The swap's data file has no name of its own (docs/memory.md): the
# folder's name is what the injector matches.
mkdir "$tmp/failing-swap"
{
	printf '[host]\nmachine_memory = 64M\nswap_file = %s\n' \
		"$tmp/failing-swap/swap"
	domain first 26 0 16M
	domain second 8 0
} >"$tmp/fail.ini"
LD_PRELOAD=$tmp/failwrite.so ATOLL_FAILWRITE=failing-swap/ \
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
	atoll_start "$tmp/fail.ini"
atoll_wait
rc=$?
[ $rc = 124 ] && fail "a domain hung waiting for frames (${SYS_T}s)"
[ $rc = 0 ] || fail "atoll run exited with status $rc"
domain_ok first "memhog: ok" || fail "domain first did not pass"
domain_ok second "memhog: ok" || fail "domain second did not pass"
n=$(grep -c "failing-swap" "$tmp/err")
[ "$n" = 1 ] ||
	fail "expected one host-side line about the swap file, got $n"
echo "run time: $(grep "failing-swap" "$tmp/err")"
echo "swapfail: ok"
