#!/bin/bash
# The swap file belongs to one atoll and never outlives it (docs/memory.md).
#  1. atoll A swaps hard (a memhog of 24 MiB in a 12 MiB pool, verifying
#     every page it owns in each phase).  While A's pages are in the swap,
#     a second atoll B names the same swap_file: B exits 2 with one line
#     naming the file, starts nothing, and A's memhog finishes with all
#     its data intact.
#  2. While A runs, the path names an empty lock file and the guest pages
#     are in an unnamed file: nothing else in the folder.  After kill -9 of
#     an atoll that swapped, no file holding its pages is left: only the
#     empty lock file, which the next atoll takes over.
# A's 12 phases swap every page of 24 MiB each: 1-2 s a phase on a quiet
# machine, 7-16 s at a load of 30, so the run's bound is 4 minutes.
SYS_T=${SYS_T:-240}
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
hog=$(need_elf mem-memhog)
mkdir "$tmp/swapdir"
swap=$tmp/swapdir/guest.swap

cfg() { # NAME PHASES
	printf '[host]\nmachine_memory = 12M\nswap_file = %s\nswap_size = 64M\n' \
		"$swap"
	printf '\n[domain %s]\nmemory = 32M\nmaxmem = 32M\nkernel = %s\n' \
		"$1" "$hog"
	printf 'cmdline = memhog mib=24 phases=%s seed=7\n' "$2"
}

# Bytes of disk used by the files atoll $1 has open in the swap folder
# (the unnamed data file; on an atoll before this test, the named one).
data_bytes() {
	local fd sum=0
	for fd in /proc/"$1"/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		"$tmp/swapdir/"*)
			sum=$((sum + $(stat -L -c %b "$fd" 2>/dev/null || echo 0) * 512))
			;;
		esac
	done
	echo $sum
}

# One domain: its console is not prefixed.
hog_ok() { tr -d '\r' <"$tmp/out" | grep -q "^memhog: ok"; }

wait_swapping() { # wait until atoll $atoll_pid has pages in its swap
	local end=$((SECONDS + 20 * SLOW))
	while [ "$(data_bytes "$atoll_pid")" -lt $((1024 * 1024)) ]; do
		kill -0 "$atoll_pid" 2>/dev/null || fail "atoll A ended early"
		[ $SECONDS -ge $end ] && fail "atoll A never swapped 1 MiB"
		sleep 0.05
	done
}

# 1. A second atoll on the same swap file.
cfg first 12 >"$tmp/a.ini"
cfg second 2 >"$tmp/b.ini"
atoll_start "$tmp/a.ini"
wait_swapping
echo "A swaps: $(($(data_bytes "$atoll_pid") / 1024)) KiB of pages on disk"
before=$(stat -c '%i %s %Y' "$swap")
timeout -s KILL $((10 * SLOW)) "$ATOLL" run "$tmp/b.ini" </dev/null \
	>"$tmp/b.out" 2>"$tmp/b.err"
rc=$?
if [ $rc != 2 ]; then
	atoll_wait
	hog_ok || echo "A's memhog failed: $(tr -d '\r' <"$tmp/out" | grep -a -i -m 2 "corrupt\|bad\|fail\|expected")"
	fail "the second atoll: exit status $rc, expected 2" \
		"($(head -n 3 "$tmp/b.err"))"
fi
[ "$(wc -l <"$tmp/b.err")" = 1 ] ||
	fail "the second atoll printed $(wc -l <"$tmp/b.err") lines"
grep -q "$swap" "$tmp/b.err" || fail "the second atoll's line does not name $swap"
[ -s "$tmp/b.out" ] && fail "the second atoll started a domain"
[ "$(stat -c '%i %s %Y' "$swap")" = "$before" ] ||
	fail "the second atoll changed $swap"
echo "second atoll: $(cat "$tmp/b.err")"
ls -A "$tmp/swapdir" >"$tmp/ls"
[ "$(cat "$tmp/ls")" = guest.swap ] ||
	fail "the folder holds more than the lock file: $(tr '\n' ' ' <"$tmp/ls")"
[ "$(stat -c %s "$swap")" = 0 ] || fail "the lock file $swap holds data"
atoll_wait
rc=$?
hog_ok || fail "A's memhog did not verify its pages (status $rc)"
[ $rc = 0 ] || fail "atoll A exited with status $rc"
[ -e "$swap" ] && fail "$swap is left after a clean exit"

# 2. kill -9 while swapping: no guest page stays on disk.
atoll_start "$tmp/a.ini"
wait_swapping
kill -KILL "$atoll_pid"
wait "$atoll_pid" 2>/dev/null
atoll_pid=
left=$(find "$tmp/swapdir" -type f -size +0 | wc -l)
[ "$left" = 0 ] || fail "kill -9 left $left file(s) with data in the folder"
[ "$(ls -A "$tmp/swapdir")" = guest.swap ] ||
	fail "kill -9 left $(ls -A "$tmp/swapdir" | tr '\n' ' ')"
echo "after kill -9: only the empty lock file ($(stat -c %s "$swap") bytes)"
# The next atoll takes the stale lock file over.
cfg again 2 >"$tmp/c.ini"
atoll_start "$tmp/c.ini"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "the next atoll on the stale lock file: status $rc"
hog_ok || fail "the next atoll's memhog failed"
[ -e "$swap" ] && fail "$swap is left after a clean exit"
echo "swap-owner: ok"
