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
ready() { domain_ok pv "echo: ready" && domain_ok uart "echo: ready"; }
wait_until $((60 * SLOW)) ready || fail "the echo workloads did not start"

# shows FILE PATTERN: a client's output FILE has a line PATTERN (so far).
shows() { grep -q "$2" "$1" 2>/dev/null; }

# client DOM LINE...: each line once the guest has echoed the one before
# (it polls every tick), and the input kept open until the guest's "bye"
# came back: a client detaches when its input ends, and the output that
# comes later is not its any more.  No fixed wait decides.
client() {
	local dom=$1 l want
	shift
	{
		for l in "$@"; do
			printf '%s\n' "$l"
			want="^echo: $l"
			[ "$l" = quit ] && want="^echo: bye"
			wait_until $((30 * SLOW)) shows "$tmp/$dom.con" "$want"
		done
	} | timeout $((120 * SLOW)) "$ATOLL" console --socket "$sock" "$dom" \
		>"$tmp/$dom.con" 2>"$tmp/$dom.err"
}

# 1. Attach to pv, detach with Ctrl-] after one line (and after the second
# client below was tried): the domain runs on.  The client must leave at
# Ctrl-], not when its input ends: the input stays open until it has left
# (det.early says it did) or for 30 s x SLOW.
{
	printf 'first line\n'
	wait_until $((60 * SLOW)) test -e "$tmp/second.done"
	printf '\035'
	wait_until $((30 * SLOW)) test -e "$tmp/det.end" &&
		touch "$tmp/det.early"
} | {
	timeout $((120 * SLOW)) "$ATOLL" console --socket "$sock" pv \
		>"$tmp/det.con" 2>"$tmp/det.err"
	echo "$?" >"$tmp/det.end"
} &
det=$!
# Attached once the guest's echo of its line comes back (no fixed wait: a
# loaded machine takes its time).
wait_until $((30 * SLOW)) shows "$tmp/det.con" "^echo: first line"
# 2. Meanwhile a second client is refused with one line.
timeout $((10 * SLOW)) "$ATOLL" console --socket "$sock" pv </dev/null \
	>/dev/null 2>"$tmp/second.err"
rc=$?
touch "$tmp/second.done"
[ $rc = 1 ] || fail "second client: exit status $rc, want 1"
grep -q "attached already" "$tmp/second.err" ||
	fail "second client: $(cat "$tmp/second.err")"
wait $det
read -r rc <"$tmp/det.end"
[ "$rc" = 0 ] || fail "detach: exit status $rc"
[ -e "$tmp/det.early" ] ||
	fail "Ctrl-] did not detach: the client left only when its input ended"
grep -q "^echo: first line" "$tmp/det.con" ||
	fail "pv: no echo before detaching: $(cat "$tmp/det.con")"
kill -0 "$atoll_pid" || fail "atoll stopped when the client detached"

# 3. Unknown domain: exit status 2, one line.
timeout $((10 * SLOW)) "$ATOLL" console --socket "$sock" nosuch </dev/null \
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
	wait_until $((60 * SLOW)) shows "$tmp/pv.con" "^echo: last pv line"
	printf 'quit\n'
	wait_until $((30 * SLOW)) shows "$tmp/pv.con" "^echo: bye"
} | timeout $((180 * SLOW)) "$ATOLL" console --socket "$sock" pv \
	>"$tmp/pv.con" 2>"$tmp/pv.err"
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
