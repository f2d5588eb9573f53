#!/bin/bash
# Sampled working sets (docs/working-set.md): "hog" runs atoll-os's memhog
# with a known working set (32 MiB filled once, then 50 % of its pages read
# over and over, the rest never touched again); "quiet" sleeps.  With no
# help from either guest, atoll's estimate of hog's active memory three
# periods after the working set is steady must be within +-10 % of the
# pages memhog keeps hot, and quiet's must be a small part of what it holds.
# Both run until the test has read the estimates and tells them to stop
# (memhog step=1, echo quit): nothing depends on how fast a loaded host
# runs them.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-60}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 128M
control_socket = $sock
wss_period = 500ms
wss_sample = 1000

[domain hog]
memory = 48M
kernel = $os
cmdline = workload=memhog mib=32 active=50 step=1 hot_ms=600000 seed=3

[domain quiet]
memory = 16M
kernel = $os
cmdline = workload=echo src=pv ticks=60000
INI
atoll_start "$tmp/cfg.ini"

steady() { tr -d '\r' <"$tmp/out" 2>/dev/null | grep -q "^hog| *memhog: steady"; }
wait_until $((60 * SLOW)) steady || fail "memhog never reached its steady phase"
hot=$(tr -d '\r' <"$tmp/out" | sed -n 's/^hog| *memhog: steady: \([0-9]*\) of.*/\1/p')
p0=$(mstat hog wss_periods)
[ -n "$p0" ] || fail "no wss_periods in atoll stats --json"
# The period running when memhog said so, then three whole ones.
periods_done() { [ "$(mstat hog wss_periods)" -ge $((p0 + 4)) ]; }
wait_until $((20 * SLOW)) periods_done ||
	fail "the sampler did not finish 4 periods (at $(mstat hog wss_periods), from $p0)"
active=$(mstat hog wss_active)
last=$(mstat hog wss_last)
held=$(mstat hog populated)
qactive=$(mstat quiet wss_active)
qheld=$(mstat quiet populated)
tr -d '\r' <"$tmp/out" | grep -q "^hog| *memhog: [0-9]* passes" &&
	fail "memhog's hot phase ended before the estimate was read"
memhog_say hog stop
memhog_say quiet quit
echo "hog: $hot pages hot of $held held; sampled active $active" \
	"(last period $last); quiet: active $qactive of $qheld held"
err=$((active > hot ? active - hot : hot - active))
[ $((err * 10)) -le "$hot" ] ||
	fail "sampled active $active is not within 10 % of the $hot hot pages"
[ $((qactive * 4)) -le "$qheld" ] ||
	fail "quiet sleeps, yet $qactive of its $qheld frames count as active"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run exited with status $rc"
domain_ok hog "memhog: ok" || fail "hog did not print 'memhog: ok'"
domain_ok quiet "echo: bye" || fail "quiet did not print 'echo: bye'"
echo "wss-memhog: ok"
