#!/bin/bash
# Memory policy (docs/policy.md), an uncooperative domain: "rogue" runs
# atoll-os with its balloon driver off (balloon=0) and holds 36 MiB;
# "good" (16 MiB reserved, capped at 16 MiB by its limit until `atoll
# sla` lifts it) then grows to a 32 MiB working set.  The manager must
# lower rogue's target and, since rogue never reports, have the reclaimer
# swap it down at once (no balloon), while good gets all it asks for
# (none of it swapped) and both
# memhogs' data stay intact.  Both memhogs move from phase to phase when
# the test tells them (step=1), after what it checks has happened.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-40}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
swap_file = $tmp/swap
swap_size = 128M
control_socket = $sock
balloon_timeout = ${SLOW}s

[domain rogue]
memory = 40M
kernel = $os
cmdline = balloon=0 workload=memhog mib=36 phases=1 step=1 seed=1

[domain good]
memory = 16M
maxmem = 48M
reservation = 16M
limit = 16M
kernel = $os
cmdline = workload=memhog mib=32 phases=15 step=1 seed=2
INI
atoll_start "$tmp/cfg.ini"

both() { memhog_phase rogue 0 && memhog_phase good 0; }
wait_until $((60 * SLOW)) both || fail "the memhogs never reached phase 0"
echo "rogue holds $(($(mstat rogue populated) / 256)) MiB," \
	"good $(($(mstat good populated) / 256)) MiB"
"$ATOLL" sla --socket "$sock" good limit=48M ||
	fail "atoll sla good limit=48M failed"
min_good=999999
min_good_target=999999
good_big() {
	local g t
	g=$(mstat good populated)
	t=$(mstat good target)
	[ -n "$g" ] && [ "$g" -lt "$min_good" ] && min_good=$g
	[ -n "$t" ] && [ "$t" -lt "$min_good_target" ] && min_good_target=$t
	[ "${g:-0}" -ge $((32 * 256)) ]
}
# good grows in its even phases; one whose allocations gave up waiting
# (the guest's page_alloc_wait) ends short, so it is moved on until it
# holds 32 MiB (its 15 phases bound the tries).
ph=0
until good_big; do
	ph=$((ph + 1))
	[ $ph -lt 15 ] && memhog_step good $ph ||
		fail "good holds $(($(mstat good populated) / 256)) MiB," \
			"not 32, after $ph phases"
done
for d in rogue good; do
	echo "$d: target $(($(mstat $d target) / 256)) MiB, holds" \
		"$(($(mstat $d populated) / 256)) MiB, reclaimed by balloon" \
		"$(mstat $d reclaimed_by_balloon), by swap" \
		"$(mstat $d reclaimed_by_swap) frames"
done
echo "good held at least $((min_good / 256)) MiB meanwhile"
# good's SLA: atoll never sets its target below its 16 MiB reservation.
[ "$min_good_target" -ge $((16 * 256)) ] ||
	fail "good's target fell to $((min_good_target / 256)) MiB," \
		"below its reservation"
good_swapped=$(mstat good reclaimed_by_swap)
rogue_swapped=$(mstat rogue reclaimed_by_swap)
rogue_ballooned=$(mstat rogue reclaimed_by_balloon)
[ -n "$good_swapped" ] && [ -n "$rogue_swapped" ] &&
	[ -n "$rogue_ballooned" ] || fail "no statistics from atoll"
[ "$rogue_ballooned" -eq 0 ] ||
	fail "rogue has no balloon yet gave $rogue_ballooned frames back"
# At full speed good is never swapped and rogue is.  Under the sanitizers
# the guests run so slowly that good's faults can outrun its requests for
# more (a fault above target swaps a few of its own pages, above its
# reservation: docs/policy.md) and the pool may not run short before good
# is done, so only the SLA is checked there.
if [ "$SLOW" = 1 ]; then
	[ "$good_swapped" -eq 0 ] ||
		fail "good (16 MiB reserved, asking for more) was swapped"
	[ "$rogue_swapped" -ge $((4 * 256)) ] || fail "rogue was not swapped"
fi
memhog_say rogue end
memhog_say good end
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run exited with status $rc"
domain_ok rogue "memhog: ok" || fail "rogue did not print 'memhog: ok'"
domain_ok good "memhog: ok" || fail "good did not print 'memhog: ok'"
echo "policy-noballoon: ok"
