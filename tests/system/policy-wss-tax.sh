#!/bin/bash
# The idle tax on sampled working sets (docs/policy.md,
# docs/working-set.md): "silent" fills 36 MiB and then sleeps; it has no
# balloon driver (balloon=0), so it never reports anything.  "busy" (equal
# shares, 8 MiB reserved each) wakes later and keeps every page it can get
# hot.  With working-set sampling, silent's untouched memory is idle and
# taxed: busy ends up with several times silent's memory above the
# reservations (4x at equilibrium with the 75 % tax).  The same run with
# sampling off (wss_sample = 0) is the contrast: silent reports nothing, so
# nothing of it counts as idle and the two split about evenly.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-90}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)

# run_split SAMPLE: one run; prints busy/silent above-reservation x 100.
run_split() {
	cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
swap_file = $tmp/swap
swap_size = 128M
control_socket = $sock
wss_period = 200ms
wss_sample = $1

[domain silent]
memory = 40M
reservation = 8M
kernel = $os
cmdline = balloon=0 workload=memhog mib=36 phases=1 wait_ms=$((12000 * SLOW)) seed=1

[domain busy]
memory = 8M
maxmem = 64M
reservation = 8M
kernel = $os
cmdline = workload=memhog mib=56 active=100 delay_ms=$((5000 * SLOW)) hot_ms=$((3000 * SLOW)) seed=2
INI
	atoll_start "$tmp/cfg.ini"
	policy_san_only policy-wss-tax silent busy
	busy_steady() { tr -d '\r' <"$tmp/out" | grep -q "^busy| *memhog: steady"; }
	wait_until $((30 * SLOW)) busy_steady || fail "busy never reached its steady phase"
	# The reclaimer swaps silent down to its lowered target.
	settled() {
		local h t
		h=$(mstat silent populated)
		t=$(mstat silent target)
		[ -n "$h" ] && [ -n "$t" ] && [ "$h" -le $((t + 64)) ]
	}
	wait_until $((10 * SLOW)) settled || fail "silent stays above its target"
	sh=$(mstat silent populated)
	bh=$(mstat busy populated)
	sa=$(mstat silent wss_active)
	echo "wss_sample=$1: silent holds $((sh / 256)) MiB (sampled active" \
		"$((sa / 256)) MiB), busy $((bh / 256)) MiB" >&2
	# silent down to its reservation: as good as any ratio above 10
	[ "$sh" -gt 2048 ] && [ $(((bh - 2048) / (sh - 2048))) -lt 10 ] &&
		echo $(((bh - 2048) * 100 / (sh - 2048))) || echo 1000
	atoll_wait
	rc=$?
	[ $rc = 0 ] || fail "atoll run exited with status $rc"
	domain_ok silent "memhog: ok" || fail "silent did not print 'memhog: ok'"
	domain_ok busy "memhog: ok" || fail "busy did not print 'memhog: ok'"
}

on=$(run_split 100) || exit 1
off=$(run_split 0) || exit 1
echo "busy/silent above reservation: $((on / 100)).$((on % 100 / 10)) with" \
	"sampling, $((off / 100)).$((off % 100 / 10)) without"
[ "$on" -ge 250 ] || fail "silent idle memory was not taxed: ratio $on/100 with sampling"
[ "$off" -le 160 ] || fail "without sampling the ratio is $off/100, expected about 1"
echo "policy-wss-tax: ok"
