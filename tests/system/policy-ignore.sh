#!/bin/bash
# Memory policy without swap (docs/policy.md).
#  1. A domain that ignores its balloon is named: "rogue" (atoll-os,
#     balloon=0) holds 46 MiB of a 64 MiB pool; "good" has 16 MiB reserved
#     and fills 12 MiB of it.  The pool runs short, the manager lowers
#     rogue's target, rogue gives nothing back and there is no swap to take
#     it: within its grace period (3 balloon timeouts) atoll logs one line
#     naming rogue, `atoll stats` (text and --json) and `atoll top` show it,
#     good is never named, keeps its reservation and verifies its data.
#  2. A limit is a hard cap: "capped" (bare-metal memhog of 24 MiB, limit
#     16 MiB) waits at 16 MiB (one line says so; it gets no more) instead
#     of faulting, and finishes once `atoll sla` raises its limit.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-60}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)
hog=$(need_elf mem-memhog)
grace=$((3 * SLOW)) # seconds: 3 balloon timeouts of SLOW s

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
control_socket = $sock
balloon_timeout = ${SLOW}s

[domain rogue]
memory = 52M
kernel = $os
cmdline = balloon=0 workload=memhog mib=46 phases=1 wait_ms=$((20000 * SLOW)) seed=1

[domain good]
memory = 16M
reservation = 16M
kernel = $os
cmdline = workload=memhog mib=12 phases=3 wait_ms=$((5000 * SLOW)) seed=2
INI
atoll_start "$tmp/cfg.ini"
named() { grep -q "domain rogue: ignores its balloon" "$tmp/err"; }
over() { [ "$(mstat rogue over_target_ms)" -gt 0 ] 2>/dev/null; }
wait_until $((30 * SLOW)) over || fail "rogue never held more than its target"
t0=$SECONDS
echo "rogue above target: holds $(($(mstat rogue populated) / 256)) MiB," \
	"target $(($(mstat rogue target) / 256)) MiB"
wait_until $((grace + 3 * SLOW)) named ||
	fail "rogue not named within $((grace + 3 * SLOW)) s of going above target"
echo "named after $((SECONDS - t0)) s: $(grep "ignores its balloon" "$tmp/err")"
n=$(grep -c "ignores its balloon" "$tmp/err")
[ "$n" = 1 ] || fail "$n lines name a domain, expected one"
secs=$(grep -o "for [0-9.]* s" "$tmp/err" | tr -dc '0-9.')
awk -v s="$secs" -v g="$grace" 'BEGIN { exit !(s >= g && s < g + 2) }' ||
	fail "named after $secs s above target, grace $grace s"
[ "$(mstat rogue ignoring_balloon)" = true ] ||
	fail "stats --json: rogue's ignoring_balloon is not true"
[ "$(mstat good ignoring_balloon)" = false ] ||
	fail "stats --json: good's ignoring_balloon is not false"
timeout $((5 * SLOW)) "$ATOLL" stats --socket "$sock" >"$tmp/stats.txt" ||
	fail "atoll stats failed"
grep -q "^rogue ignores its balloon" "$tmp/stats.txt" ||
	fail "atoll stats does not name rogue"
grep -q "^good ignores" "$tmp/stats.txt" && fail "atoll stats names good"
timeout $((10 * SLOW)) "$ATOLL" top --socket "$sock" -b -n 1 >"$tmp/top" ||
	fail "atoll top failed"
grep -q "rogue .*ignores its balloon" "$tmp/top" || fail "atoll top does not show it"
echo "top: $(grep "rogue" "$tmp/top" | head -n 1)"
# good keeps its reservation: it holds its working set, its target never
# fell below 16 MiB (good runs ~15 s: still there).
good_full() { [ "$(mstat good populated)" -ge $((12 * 256)) ] 2>/dev/null; }
wait_until $((20 * SLOW)) good_full ||
	fail "good holds $(mstat good populated) frames, not 12 MiB"
gt=$(mstat good target)
[ -n "$gt" ] || fail "no statistics from atoll for good"
[ "$gt" -ge $((16 * 256)) ] ||
	fail "good's target fell to $gt frames, below its reservation"
echo "good: holds 12 MiB or more, target $((gt / 256)) MiB"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run exited with status $rc"
domain_ok good "memhog: ok" || fail "good did not print 'memhog: ok'"
domain_ok rogue "memhog: ok" || fail "rogue did not print 'memhog: ok'"

# 2. The limit as a hard cap.
cat >"$tmp/cap.ini" <<INI
[host]
machine_memory = 64M
control_socket = $sock

[domain capped]
memory = 16M
maxmem = 32M
limit = 16M
kernel = $hog
cmdline = memhog mib=24 phases=3 seed=3
INI
atoll_start "$tmp/cap.ini"
at_limit() { grep -q "domain capped: .*at its limit" "$tmp/err"; }
wait_until $((20 * SLOW)) at_limit || fail "capped never said it waits at its limit"
h1=$(mstat capped populated)
sleep 0.5
h2=$(mstat capped populated)
[ "$h1" -le $((16 * 256)) ] && [ "$h2" = "$h1" ] ||
	fail "capped grew past its limit ($h1 then $h2 frames, limit 4096)"
kill -0 "$atoll_pid" || fail "atoll ended while capped waited"
tr -d '\r' <"$tmp/out" | grep -q "trap\|CORRUPT" && fail "capped faulted"
echo "capped waits at $((h2 / 256)) MiB: $(grep "at its limit" "$tmp/err")"
"$ATOLL" sla --socket "$sock" capped limit=32M || fail "atoll sla failed"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "capped: exit status $rc after its limit was raised"
tr -d '\r' <"$tmp/out" | grep -q "^memhog: ok" || fail "capped's memhog failed"
echo "policy-ignore: ok"
