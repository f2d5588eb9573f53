#!/bin/bash
# `atoll top` on a terminal (ncurses), driven in tmux: the screen shows a
# row per domain; CPU% is host CPU time (a spinning domain near 100 %, an
# idle one near 0, as xentop); c, n, m sort by CPU, name, memory (the key
# line says which, the rows follow); q quits and restores the terminal.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)
command -v tmux >/dev/null || fail "tmux is not installed (scripts/setup.sh)"
ATOLL=$(realpath "$ATOLL")

cat >"$tmp/top.ini" <<INI
[host]
machine_memory = 64
control_socket = $sock

[domain spin]
memory = 8
kernel = $os
cmdline = workload=cpu rounds=100000

[domain big]
memory = 32
kernel = $os
cmdline = workload=memhog mib=24 phases=1000 wait_ms=2000

[domain aaa]
memory = 8
kernel = $os
cmdline = workload=idle ticks=$((100000 * SLOW))
INI
atoll_start "$tmp/top.ini"
atoll_up spin big aaa
big_grew() { [ "$(mstat big populated)" -ge $((20 * 256)) ] 2>/dev/null; }
wait_until $((20 * SLOW)) big_grew || fail "big never held 20 MiB"

T="tmux -L atoll-top-$$"
trap '$T kill-server 2>/dev/null; sys_cleanup' EXIT
$T new-session -d -x 120 -y 30 "$ATOLL top --socket $sock -d 0.5; echo TOP-EXIT \$?; sleep 60" ||
	fail "tmux did not start"
screen() { $T capture-pane -p >"$tmp/screen"; }
shows() { screen && grep -q -- "$1" "$tmp/screen"; }
# rows: the domain names in screen order.
rows() { screen && awk '$1 ~ /^[0-9]+$/ && NF >= 12 { printf "%s ", $2 }' "$tmp/screen"; }
# cpu NAME: its CPU% on the screen.
cpu() { screen && awk -v n="$1" '$2 == n && $1 ~ /^[0-9]+$/ { print $5 }' "$tmp/screen"; }

wait_until $((10 * SLOW)) shows "sorted by id" || fail "no top screen: $(cat "$tmp/screen")"
rated() { [ "$(cpu spin)" != "-" ] && [ -n "$(cpu spin)" ]; }
wait_until $((10 * SLOW)) rated || fail "no CPU% for spin: $(cat "$tmp/screen")"
[ "$(rows)" = "spin big aaa " ] || fail "id order: '$(rows)'"

$T send-keys c
bycpu() { shows "sorted by CPU" && [ "$(rows | cut -d' ' -f1)" = spin ]; }
wait_until $((10 * SLOW)) bycpu || fail "c: $(cat "$tmp/screen")"
# xentop's CPU%: spin burns what host CPU it gets (on a loaded machine
# far less than 100, and less still in a frame where other work took the
# cores), the idle domain next to nothing: wait for a frame that shows it.
spin_above() {
	s=$(cpu spin) a=$(cpu aaa)
	[ "$s" -ge $((4 * a + 4)) ] 2>/dev/null && [ "$a" -le 10 ]
}
wait_until $((20 * SLOW)) spin_above ||
	fail "spin's CPU% $s is not well above idle aaa's $a: $(cat "$tmp/screen")"

$T send-keys n
byname() { shows "sorted by name" && [ "$(rows)" = "aaa big spin " ]; }
wait_until $((10 * SLOW)) byname || fail "n: $(cat "$tmp/screen")"
$T send-keys n
rname() { shows "sorted by name (reversed)" && [ "$(rows)" = "spin big aaa " ]; }
wait_until $((10 * SLOW)) rname || fail "n again: $(cat "$tmp/screen")"
$T send-keys m
bymem() { shows "sorted by memory" && [ "$(rows | cut -d' ' -f1)" = big ]; }
wait_until $((10 * SLOW)) bymem || fail "m: $(cat "$tmp/screen")"

$T send-keys q
quit() { shows "TOP-EXIT 0"; }
wait_until $((10 * SLOW)) quit || fail "q did not quit: $(cat "$tmp/screen")"
grep -q "sorted by" "$tmp/screen" && fail "the screen was not restored after q"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "top-screen: ok (spin ${s}% CPU, idle aaa ${a}%; c, n, n, m sorted; q quit)"
