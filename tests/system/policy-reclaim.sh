#!/bin/bash
# Memory policy (docs/policy.md), reclaim from an idle domain: "idle"
# touches 40 MiB then frees 30 MiB of it and sleeps 2.5 s; "needy" (capped at
# 8 MiB by its limit) is then allowed 64 MiB with `atoll sla` and its
# memhog asks for more.  The manager must lower idle's target by shares
# with the idle tax, idle's balloon must give the frames back (no
# swapping: balloon first), needy must reach its 40 MiB working set, and
# idle's time-to-target must stay under TTT_MS (default 1000 for 30 MiB;
# the 1 GiB figure is bench/policy.sh's).  Both memhogs check their data.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-40}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
TTT_MS=${TTT_MS:-$((1000 * SLOW))}
os=$(need_elf atoll-os)

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
swap_file = $tmp/swap
swap_size = 128M
control_socket = $sock
balloon_timeout = ${SLOW}s

[domain idle]
memory = 48M
kernel = $os
cmdline = workload=memhog mib=40 phases=2 wait_ms=2500 seed=1

[domain needy]
memory = 8M
maxmem = 64M
limit = 8M
kernel = $os
cmdline = workload=memhog mib=40 phases=8 wait_ms=500 seed=2
INI
atoll_start "$tmp/cfg.ini"
policy_san_only policy-reclaim idle needy

# idle has shrunk to 10 MiB (phase 1 printed): 30 MiB of it is idle.
idle_shrunk() { tr -d "\r" <"$tmp/out" 2>/dev/null | grep -q "^idle| *memhog: phase 1"; }
wait_until $((15 * SLOW)) idle_shrunk || fail "idle never reached its phase 1"
held0=$(mstat idle populated)
echo "idle holds $((held0 / 256)) MiB before needy may grow"
"$ATOLL" sla --socket "$sock" needy limit=64M ||
	fail "atoll sla needy limit=64M failed"
t0=$(date +%s%N)
needy_big() { [ "$(mstat needy populated)" -ge $((38 * 256)) ]; }
wait_until $((4 * SLOW)) needy_big ||
	fail "needy holds $(($(mstat needy populated) / 256)) MiB, not 38"
echo "needy holds 38 MiB $((($(date +%s%N) - t0) / 1000000)) ms after the sla"
sleep 0.3 # the time-to-target of idle's last cut
echo "host: state $(hstat state), $(hstat transitions) transitions," \
	"$(hstat policy_runs) manager runs"
for f in target populated reclaimed_by_balloon reclaimed_by_swap \
	time_to_target_ms; do
	eval "idle_$f=$(mstat idle $f)"
done
echo "idle: target $((idle_target / 256)) MiB, holds" \
	"$((idle_populated / 256)) MiB, reclaimed by balloon" \
	"$((idle_reclaimed_by_balloon / 256)) MiB, by swap" \
	"$((idle_reclaimed_by_swap / 256)) MiB, time-to-target" \
	"${idle_time_to_target_ms} ms"
[ "$idle_reclaimed_by_balloon" -ge $((16 * 256)) ] ||
	fail "idle gave back only $idle_reclaimed_by_balloon frames by balloon"
[ "$idle_reclaimed_by_swap" -eq 0 ] ||
	fail "idle was swapped ($idle_reclaimed_by_swap frames): balloon first"
[ "$idle_time_to_target_ms" -le "$TTT_MS" ] ||
	fail "idle's time-to-target ${idle_time_to_target_ms} ms > $TTT_MS"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run exited with status $rc"
domain_ok idle "memhog: ok" || fail "idle did not print 'memhog: ok'"
domain_ok needy "memhog: ok" || fail "needy did not print 'memhog: ok'"
echo "policy-reclaim: ok"
