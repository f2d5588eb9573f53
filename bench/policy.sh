#!/bin/bash
# Memory policy benchmark (docs/policy.md); run alone or as the "policy"
# workload of bench/run.sh.  Figures:
#  - time-to-target: an idle atoll-os domain (1280 MiB, booted with
#    128 MiB, then `atoll mem-set` to all of it: its balloon populates
#    every frame again) gets a target 1 GiB below what it holds (`atoll
#    sla DOM target=...`) and gives the 1 GiB back by balloon; atoll's own
#    time_to_target_ms (target lowered -> holdings at target) and the wall
#    time seen by polling (issue 6's target: <= 250 ms);
#  - ballooned-down slowdown: memhog (48 MiB, 8 phases) in a domain booted
#    with 64 MiB vs one with 256 MiB of RAM ballooned down to 64 MiB
#    before the workload starts (target <= 1.4 %);
#  - overcommit 2x: four memhogs with phased working sets (24 MiB peak,
#    6 phases) in four 64 MiB domains on a 128 MiB pool vs a 512 MiB pool
#    (no overcommit): each domain's run time (target <= 5 % slower).
# usage: bench/policy.sh [-n REPS]; env BUILD, ATOLL as bench/run.sh;
# POLICY_ONLY=ttt for the first figure only.
set -u
BUILD=${BUILD:-build}
ATOLL=${ATOLL:-$BUILD/atoll}
OS=$BUILD/guest/atoll-os.elf
REPS=3
[ "${1:-}" = -n ] && REPS=${2:?-n REPS}
[[ "$REPS" =~ ^[1-9][0-9]?$ ]] || {
	echo "policy: bad -n" >&2
	exit 2
}
for f in "$ATOLL" "$OS"; do
	[ -e "$f" ] || {
		echo "policy: $f not built" >&2
		exit 1
	}
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/atoll-policy.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
sock=$tmp/ctl.sock
status=0

median() {
	printf '%s\n' "$@" | sort -n | awk 'NF {a[++n]=$1} END {
		if (n) print (n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2) }'
}
mstat() {
	timeout 5 "$ATOLL" stats --json --socket "$sock" 2>/dev/null |
		jq -r --arg d "$1" --arg f "$2" \
			'.domains[] | select(.name == $d) | .mem[$f]'
}
# until_ok SECS CMD...: poll every 10 ms.
until_ok() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.01
	done
}
started() { grep -q "balloon: started" "$tmp/ttt.out"; }
full() { [ "$(mstat idle ballooned)" = 0 ]; }
down() { [ "$(mstat idle populated)" -le $((mib * 256)) ]; }

# Time-to-target of 1 GiB: sets ttt and wall (ms).
ttt_run() {
	local held t0
	cat >"$tmp/ttt.ini" <<-INI
		[host]
		machine_memory = 1536M
		control_socket = $sock

		[domain idle]
		memory = 128M
		maxmem = 1280M
		kernel = $OS
		cmdline = workload=idle ticks=6000
	INI
	"$ATOLL" run "$tmp/ttt.ini" </dev/null >"$tmp/ttt.out" 2>&1 &
	pid=$!
	until_ok 30 started || return 1
	"$ATOLL" mem-set --socket "$sock" idle 1280M || return 1
	# The balloon deflates: every gfn it held comes back populated.
	until_ok 60 full || return 1
	held=$(mstat idle populated)
	mib=$((held / 256 - 1024))
	[ $mib -ge 16 ] || return 1
	t0=$(date +%s%N)
	"$ATOLL" sla --socket "$sock" idle target=${mib}M || return 1
	until_ok 30 down || return 1
	wall=$((($(date +%s%N) - t0) / 1000000))
	ttt=$(mstat idle time_to_target_ms)
	kill -TERM "$pid"
	wait "$pid"
	pid=
}

# memhog run time (ms) in one domain of 64 MiB; $1 = maxmem.
slow_run() {
	cat >"$tmp/slow.ini" <<-INI
		[host]
		machine_memory = 512M

		[domain hog]
		memory = 64M
		maxmem = $1
		kernel = $OS
		cmdline = workload=memhog mib=48 phases=8 seed=3
	INI
	timeout 120 "$ATOLL" run "$tmp/slow.ini" </dev/null >"$tmp/slow.out" \
		2>&1 || return 1
	tr -d '\r' <"$tmp/slow.out" | grep -q "memhog: ok" || return 1
	tr -d '\r' <"$tmp/slow.out" |
		sed -n 's/.*memhog: [0-9]* phases in \([0-9]*\) ms.*/\1/p'
}

# Four phased memhogs on a pool of $1: "DOMAIN MS" per line.
over_run() {
	{
		printf '[host]\nmachine_memory = %s\n' "$1"
		printf 'swap_file = %s\nswap_size = 512M\n' "$tmp/swap"
		for i in 1 2 3 4; do
			printf '\n[domain hog%d]\nmemory = 64M\n' $i
			printf 'kernel = %s\n' "$OS"
			printf 'cmdline = workload=memhog mib=24 phases=6 '
			printf 'wait_ms=%d seed=%d\n' $((100 * i)) $i
		done
	} >"$tmp/over.ini"
	timeout 300 "$ATOLL" run "$tmp/over.ini" </dev/null >"$tmp/over.out" \
		2>&1 || return 1
	[ "$(tr -d '\r' <"$tmp/over.out" | grep -c "memhog: ok")" = 4 ] ||
		return 1
	tr -d '\r' <"$tmp/over.out" | sed -n \
		's/^\(hog[0-9]\)| *memhog: [0-9]* phases in \([0-9]*\) ms.*/\1 \2/p'
}

pct() { # BASE NEW: (NEW - BASE) * 100 / BASE
	awk -v b="$1" -v l="$2" \
		'BEGIN { if (b > 0) printf "%.2f", (l - b) * 100 / b }'
}

echo "policy: time-to-target of 1 GiB by balloon, $REPS runs"
tt=() ww=()
for ((r = 1; r <= REPS; r++)); do
	if ttt_run; then
		tt+=("$ttt")
		ww+=("$wall")
	else
		echo "policy: time-to-target run $r failed" >&2
		status=1
	fi
done
echo "  time_to_target_ms: ${tt[*]:-} (median $(median "${tt[@]:-}"));" \
	"wall ms: ${ww[*]:-} (median $(median "${ww[@]:-}")); target <= 250"
[ "${POLICY_ONLY:-}" = ttt ] && exit $status

echo "policy: memhog 48 MiB in 64 MiB, booted vs ballooned from 256 MiB"
b=() l=()
for ((r = 1; r <= REPS; r++)); do
	x=$(slow_run 64M) && b+=("$x") || status=1
	x=$(slow_run 256M) && l+=("$x") || status=1
done
echo "  booted: ${b[*]:-} ms; ballooned: ${l[*]:-} ms; median slowdown" \
	"$(pct "$(median "${b[@]:-}")" "$(median "${l[@]:-}")") %" \
	"(target <= 1.4 %)"

echo "policy: 4 phased memhogs (24 MiB peaks) in 4 x 64 MiB," \
	"pool 512M vs 128M (2x)"
declare -A O U
for ((r = 1; r <= REPS; r++)); do
	for pool in 512M 128M; do
		if ! x=$(over_run $pool); then
			status=1
			continue
		fi
		while read -r d ms; do
			if [ $pool = 512M ]; then
				O[$d]+=" $ms"
			else
				U[$d]+=" $ms"
			fi
		done <<<"$x"
	done
done
worst=-1000
for d in hog1 hog2 hog3 hog4; do
	# shellcheck disable=SC2086 # lists of numbers
	sl=$(pct "$(median ${O[$d]:-})" "$(median ${U[$d]:-})")
	echo "  $d: no overcommit${O[$d]:-} ms; 2x${U[$d]:-} ms;" \
		"median slowdown ${sl:-?} %"
	worst=$(awk -v a="$worst" -v b="${sl:-0}" \
		'BEGIN { print (b > a ? b : a) }')
done
echo "  worst domain's median slowdown: $worst % (target <= 5 %)"
exit $status
