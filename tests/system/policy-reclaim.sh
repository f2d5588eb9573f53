#!/bin/bash
# Memory policy (docs/policy.md), reclaim from an idle domain: "idle"
# touches 40 MiB then frees 30 MiB of it and holds the rest; "needy" (capped
# at 8 MiB by its limit) is then allowed 64 MiB with `atoll sla` and its
# memhog asks for more.  Both memhogs move from phase to phase when the
# test tells them (step=1), after what it checks has happened: nothing
# here depends on how fast a loaded host runs them.  The manager must lower idle's target by shares
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
cmdline = workload=memhog mib=40 phases=2 step=1 seed=1

[domain needy]
memory = 8M
maxmem = 64M
limit = 8M
kernel = $os
cmdline = workload=memhog mib=40 phases=15 step=1 seed=2
INI
atoll_start "$tmp/cfg.ini"

both() { memhog_phase idle 0 && memhog_phase needy 0; }
wait_until $((60 * SLOW)) both || fail "the memhogs never reached phase 0"
# idle shrinks to 10 MiB (phase 1): 30 MiB of it is idle.
memhog_step idle 1 || fail "idle never reached its phase 1"
held0=$(mstat idle populated)
echo "idle holds $((held0 / 256)) MiB before needy may grow"
"$ATOLL" sla --socket "$sock" needy limit=64M ||
	fail "atoll sla needy limit=64M failed"
t0=$(date +%s%N)
# needy grows in its even phases; a phase whose allocations gave up
# waiting (the guest's page_alloc_wait) ends short, so it is moved on
# until it holds 36 MiB (its 15 phases bound the tries).  The manager's
# split gives needy a target of 40 MiB, of which it has been seen to hold
# 37 once the pool's own frames are taken: 36 still needs 14 MiB or more
# of idle's 42 back on this 64 MiB host.
needy_big() { [ "$(mstat needy populated)" -ge $((36 * 256)) ]; }
# Under the sanitizers (SLOW > 1) needy may stop short (35 MiB seen:
# the manager's flow is not what that run checks): its verdicts are.
ph=0
until needy_big; do
	ph=$((ph + 1))
	[ $ph -lt 15 ] && memhog_step needy $ph && continue
	[ "$SLOW" = 1 ] &&
		fail "needy holds $(($(mstat needy populated) / 256)) MiB," \
			"not 36, after $ph phases"
	echo "needy stopped at $(($(mstat needy populated) / 256)) MiB" \
		"(sanitizer build: not checked)"
	break
done
needy_big && echo "needy holds 36 MiB $((($(date +%s%N) - t0) / 1000000))" \
	"ms after the sla (phase $ph)"
# idle's time-to-target is its last cut's once it holds no more than it.
idle_at_target() {
	local p t
	p=$(mstat idle populated)
	t=$(mstat idle target)
	[ -n "$p" ] && [ -n "$t" ] && [ "$p" -le "$t" ]
}
wait_until $((60 * SLOW)) idle_at_target ||
	fail "idle holds $(($(mstat idle populated) / 256)) MiB, above its" \
		"target of $(($(mstat idle target) / 256)) MiB"
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
# Under the sanitizers the guests are so slow that the manager's timeouts
# (balloon first, then swap) are not what is checked: the verdicts are.
if [ "$SLOW" = 1 ]; then
	[ "$idle_reclaimed_by_swap" -eq 0 ] ||
		fail "idle was swapped ($idle_reclaimed_by_swap frames): balloon first"
	[ "$idle_time_to_target_ms" -le "$TTT_MS" ] ||
		fail "idle's time-to-target ${idle_time_to_target_ms} ms > $TTT_MS"
fi
memhog_say idle end
memhog_say needy end
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run exited with status $rc"
domain_ok idle "memhog: ok" || fail "idle did not print 'memhog: ok'"
domain_ok needy "memhog: ok" || fail "needy did not print 'memhog: ok'"
echo "policy-reclaim: ok"
