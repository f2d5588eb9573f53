#!/bin/bash
# The control plane answers while the host is busiest: four memhog domains
# overcommit 96 MiB of machine memory (examples/four-domains.ini, running
# on) and swap hard; meanwhile `p2m`, `stats` and `list` round trips, as a
# client times them, answer within 100 ms (x SLOW, x the machine's
# oversubscription when other work shares it): the median of ten of
# each (one unlucky scheduling on a loaded machine is not a verdict), with
# every figure printed.  Meanwhile another client pauses and unpauses each
# domain (all must succeed and end running).  Swapping must be under way
# around the measurement, or the test proves nothing and fails.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
hog=$(need_elf mem-memhog)
lib=$(dirname "$0")/lib
sock=$tmp/ctl.sock
# 100 ms on an idle machine; x SLOW under the sanitizers, x the machine's
# oversubscription (ctl_time.py --load) when other work shares the cores:
# the larger of before and after the measurement, since the load average
# lags and this test's own swapping domains (and whatever started beside
# it) add to it.
load=$(python3 "$lib/ctl_time.py" --load)

{
	cat <<-INI
		[host]
		machine_memory = 96M
		swap_file = $tmp/swap
		swap_size = 256M
		control_socket = $sock
	INI
	for i in 1 2 3 4; do
		cat <<-INI

			[domain hog$i]
			memory = 64M
			maxmem = 64M
			reservation = 8M
			kernel = $hog
			cmdline = memhog mib=$((16 + 8 * i)) phases=1000 seed=$i
		INI
	done
} >"$tmp/cfg.ini"
atoll_start "$tmp/cfg.ini"

swap_outs() { # the four domains' swap-outs so far
	timeout $((5 * SLOW)) "$ATOLL" stats --json --socket "$sock" \
		2>/dev/null | jq '[.domains[].mem.swap_outs] | add // 0'
}
end=$((SECONDS + 60 * SLOW))
until [ "$(swap_outs)" -gt 1000 ] 2>/dev/null; do
	[ $SECONDS -ge $end ] && fail "no swapping after $((60 * SLOW)) s"
	kill -0 "$atoll_pid" 2>/dev/null || fail "atoll ended early"
	sleep 0.2
done
before=$(swap_outs)
# Meanwhile another client pauses and unpauses every domain, over and
# over: a pause waits for vCPUs that may be waiting for frames, and must
# not hold up anybody else while it does.
(
	for _ in 1 2 3; do
		for i in 1 2 3 4; do
			"$ATOLL" pause --socket "$sock" hog$i &&
				"$ATOLL" unpause --socket "$sock" hog$i ||
				echo "pause/unpause hog$i failed"
		done
	done >"$tmp/pauses" 2>&1
) &
pauser=$!
python3 "$lib/ctl_time.py" "$sock" 10 '{"cmd":"list"}' '{"cmd":"stats"}' \
	'{"cmd":"p2m","domain":"hog4"}' >"$tmp/times" ||
	fail "a request failed while swapping: $(tail -n 1 "$tmp/times")"
wait "$pauser"
grep -q failed "$tmp/pauses" && fail "$(cat "$tmp/pauses")"
for i in 1 2 3 4; do
	timeout 10 "$ATOLL" list --socket "$sock" | grep -q "hog$i .*running" ||
		fail "hog$i is not running after pause/unpause:" \
			"$("$ATOLL" list --socket "$sock")"
done
after=$(swap_outs)
[ "$after" -gt "$before" ] ||
	fail "no swap-out during the measurement ($before -> $after)"
echo "swap-outs during the measurement: $((after - before))"
load_after=$(python3 "$lib/ctl_time.py" --load)
[ "$load_after" -gt "$load" ] && load=$load_after
bound=$((100 * SLOW * load))
for cmd in list stats p2m; do
	ms=$(awk -v c=$cmd '$1 == c { print $2 }' "$tmp/times" | sort -n)
	median=$(echo "$ms" | sed -n 5p)
	echo "$cmd while swapping: $(echo "$ms" | tr '\n' ' ')ms," \
		"median $median (bound $bound ms)"
	awk -v m="$median" -v b=$bound 'BEGIN { exit !(m <= b) }' ||
		fail "$cmd took $median ms (median) while four domains swap" \
			"(bound $bound)"
done
atoll_stop >/dev/null
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "control-swap: ok"
