#!/bin/bash
# `atoll console DOM` without a terminal: bytes piped in reach the guest
# (UART and PV console), its echo comes back; a second client is refused
# while one is attached; Ctrl-] detaches and the domain keeps running; an
# unknown domain is a usage error.  Usage:
#   tests/system/console-attach.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
sock=$tmp/ctl.sock

# Each echo ends on "quit" (step 4); its idle bound (60000 ticks, 10 min)
# only keeps a lost test from running for ever: the uart domain hears
# nothing until step 4, which a loaded machine reaches well after 15 s.
cat >"$tmp/con.ini" <<INI
[host]
machine_memory = 64M
control_socket = $sock

[domain uart]
memory = 16M
maxmem = 16M
kernel = $os
cmdline = workload=echo ticks=60000

[domain pv]
memory = 16M
maxmem = 16M
kernel = $os
cmdline = workload=echo src=pv ticks=60000
INI
atoll_start "$tmp/con.ini"
for _ in $(seq 100); do
	grep -q "pv| echo: ready" "$tmp/out" 2>/dev/null &&
		grep -q "uart| echo: ready" "$tmp/out" && break
	sleep 0.1
done
grep -q "pv| echo: ready" "$tmp/out" || fail "the echo workloads did not start"

# client DOM: feed lines slowly (the guest polls every tick), keep stdin
# open until the guest has answered.
client() {
	local dom=$1
	shift
	{
		for l in "$@"; do
			printf '%s\n' "$l"
			sleep 0.3
		done
		sleep 1
	} | timeout 15 "$ATOLL" console --socket "$sock" "$dom" \
		>"$tmp/$dom.con" 2>"$tmp/$dom.err"
}

# 1. Attach to pv, detach with Ctrl-] after one line (and after the second
# client below was tried): the domain runs on.
{
	printf 'first line\n'
	for _ in $(seq $((300 * SLOW))); do
		[ -e "$tmp/second.done" ] && break
		sleep 0.1
	done
	printf '\035'
	sleep 5 # the client must leave at once, not when its input ends
} | {
	timeout $((60 * SLOW)) "$ATOLL" console --socket "$sock" pv \
		>"$tmp/det.con" 2>"$tmp/det.err"
	echo "$? $SECONDS" >"$tmp/det.end"
} &
det=$!
# Attached once the guest's echo of its line comes back (no fixed wait: a
# loaded machine takes its time).
for _ in $(seq $((300 * SLOW))); do
	grep -q "^echo: first line" "$tmp/det.con" 2>/dev/null && break
	sleep 0.1
done
# 2. Meanwhile a second client is refused with one line.
timeout 10 "$ATOLL" console --socket "$sock" pv </dev/null >/dev/null \
	2>"$tmp/second.err"
rc=$?
touch "$tmp/second.done"
[ $rc = 1 ] || fail "second client: exit status $rc, want 1"
grep -q "attached already" "$tmp/second.err" ||
	fail "second client: $(cat "$tmp/second.err")"
t0=$SECONDS
wait $det
read -r rc t1 <"$tmp/det.end"
[ "$rc" = 0 ] || fail "detach: exit status $rc"
[ $((t1 - t0)) -lt 3 ] || fail "Ctrl-] did not detach at once"
grep -q "^echo: first line" "$tmp/det.con" ||
	fail "pv: no echo before detaching: $(cat "$tmp/det.con")"
kill -0 "$atoll_pid" || fail "atoll stopped when the client detached"

# 3. Unknown domain: exit status 2, one line.
timeout 10 "$ATOLL" console --socket "$sock" nosuch </dev/null \
	>/dev/null 2>"$tmp/nosuch.err"
rc=$?
[ $rc = 2 ] || fail "unknown domain: exit status $rc, want 2"
[ "$(wc -l <"$tmp/nosuch.err")" = 1 ] || fail "unknown domain: not one line"

# 4. Both consoles: lines in, echoes out, "quit" ends each guest.
client uart "hello uart" "second" quit
# More than the 4 KiB input ring: the PV domain never reads its UART, so
# flow control must follow the PV console (the UART keeps the newest).
bulk=()
for i in $(seq 80); do bulk+=("bulk $i $(printf '%080d' "$i")"); done
{
	printf '%s\n' "hello pv" "${bulk[@]}" "last pv line"
	sleep 2
	printf 'quit\n'
	sleep 1
} | timeout 20 "$ATOLL" console --socket "$sock" pv >"$tmp/pv.con" \
	2>"$tmp/pv.err"
grep -q "^echo: last pv line" "$tmp/pv.con" ||
	fail "pv: input stalled after the UART's ring filled"
[ "$(grep -c "^echo: bulk " "$tmp/pv.con")" = 80 ] ||
	fail "pv: $(grep -c "^echo: bulk " "$tmp/pv.con") of 80 bulk lines"
for d in uart pv; do
	grep -q "^echo: hello $d" "$tmp/$d.con" ||
		fail "$d: no echo: $(head -c 300 "$tmp/$d.con")"
	grep -q "^echo: bye" "$tmp/$d.con" || fail "$d: no bye"
done
grep -q "^echo: second" "$tmp/uart.con" || fail "uart: second line lost"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run: exit status $rc"
grep -q "pv| echo: first line" "$tmp/out" || fail "pv output not on stdout"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "console-attach: ok (uart and pv echo, second client refused," \
	"Ctrl-] detach)"
