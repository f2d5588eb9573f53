#!/bin/bash
# The control socket never waits on a slow party, and belongs to one atoll:
#  - 50 silent connections (connected, never a byte) do not delay `list`:
#    its round trips answer within 100 ms (x SLOW, x the oversubscription
#    of a shared machine; the median of five, so
#    that one unlucky scheduling on a loaded machine is not a verdict —
#    served one at a time, each would wait seconds), and `atoll list`
#    itself succeeds meanwhile;
#  - a second atoll on the same socket exits 2 with one line, changing
#    nothing (the first keeps its socket file and answers; no swap file);
#  - the socket of a killed atoll (kill -9) is found stale and replaced;
#  - with no configuration, `atoll run` and `atoll boot` listen on the
#    default socket in a private (0700) directory, and `atoll list` finds
#    them there with no option.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
lib=$(dirname "$0")/lib
sock=$tmp/ctl.sock
# 100 ms on an idle machine; x SLOW under the sanitizers, x the machine's
# oversubscription (ctl_time.py --load) when other work shares the cores.
load=$(python3 "$lib/ctl_time.py" --load)
bound=$((100 * SLOW * load))

ini() { # SOCKET-LINE SWAP-FILE
	cat <<-INI
		[host]
		machine_memory = 32M
		$1
		swap_file = $2
		swap_size = 8M

		[domain calm]
		memory = 8M
		kernel = $os
		cmdline = workload=idle ticks=$((100000 * SLOW))
	INI
}
ini "control_socket = $sock" "$tmp/swap1" >"$tmp/a.ini"
atoll_start "$tmp/a.ini"
# Up: the socket answers and lists the domain (atoll run listens before
# it has created its domains: a loaded machine showed an empty list).
atoll_up calm

# 50 silent clients, held open while we ask.
mkfifo "$tmp/ready"
python3 - "$sock" >"$tmp/ready" <<'PY' &
import socket, sys, time
held = []
for _ in range(50):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
print("ready", flush=True)
time.sleep(60)
PY
silent=$!
trap 'kill "$silent" 2>/dev/null; sys_cleanup' EXIT
read -r -t $((20 * SLOW)) line <"$tmp/ready"
[ "$line" = ready ] || fail "the 50 silent clients could not connect"
python3 "$lib/ctl_time.py" "$sock" 5 '{"cmd":"list"}' >"$tmp/times" ||
	fail "list with 50 silent clients: $(cat "$tmp/times")"
median=$(awk '{ print $2 }' "$tmp/times" | sort -n | sed -n 3p)
echo "list with 50 silent clients connected: $(awk '{ printf "%s ", $2 }' \
	"$tmp/times")ms, median $median (bound $bound ms)"
awk -v m="$median" -v b=$bound 'BEGIN { exit !(m <= b) }' ||
	fail "list took $median ms (median) with 50 silent clients" \
		"(bound $bound)"
timeout $((5 * SLOW)) "$ATOLL" list --socket "$sock" >"$tmp/list" ||
	fail "atoll list failed with 50 silent clients connected"
grep -q calm "$tmp/list" || fail "atoll list: $(cat "$tmp/list")"
kill "$silent" 2>/dev/null
wait "$silent" 2>/dev/null

# A second atoll on the same socket: refused, nothing changed.
ino=$(stat -c %i "$sock")
ini "control_socket = $sock" "$tmp/swap2" >"$tmp/b.ini"
timeout $((10 * SLOW)) "$ATOLL" run "$tmp/b.ini" </dev/null >"$tmp/out2" \
	2>"$tmp/err2"
rc=$?
[ $rc = 2 ] || fail "second atoll on $sock: exit status $rc, want 2"
[ "$(wc -l <"$tmp/err2")" = 1 ] && grep -q "$sock" "$tmp/err2" ||
	fail "second atoll: not one line naming the socket: $(cat "$tmp/err2")"
echo "second atoll refused: $(cat "$tmp/err2")"
[ -s "$tmp/out2" ] && fail "second atoll started a domain"
[ -e "$tmp/swap2" ] && fail "second atoll created its swap file"
[ "$(stat -c %i "$sock")" = "$ino" ] ||
	fail "second atoll replaced the first one's socket file"
atoll_lists calm || fail "the first atoll stopped answering after the second one"

grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
# kill -9: the socket file stays, stale; the next atoll replaces it.
kill -KILL "$atoll_pid"
wait "$atoll_pid" 2>/dev/null
atoll_pid=
[ -S "$sock" ] || fail "no stale socket left by kill -9 (test premise)"
atoll_start "$tmp/a.ini"
atoll_up calm # fails unless the new atoll replaced the stale socket
echo "stale socket of a killed atoll replaced"
atoll_stop >/dev/null
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
[ -e "$sock" ] && fail "socket left after atoll ended"

# No configuration: the default socket, in a private directory.
export XDG_RUNTIME_DIR=$tmp/run
unset ATOLL_SOCKET
mkdir -m 700 "$XDG_RUNTIME_DIR" "$XDG_RUNTIME_DIR/atoll"
# Beside the default socket: one a killed atoll left (nobody listens) and
# one something still listens on.  A starting atoll removes the first only.
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
	"$XDG_RUNTIME_DIR/atoll/atoll-4242.sock" || fail "no stale socket made"
python3 -c 'import socket,sys,time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
time.sleep(600)' "$XDG_RUNTIME_DIR/atoll/atoll-4243.sock" &
live_pid=$!
live_up() { [ -S "$XDG_RUNTIME_DIR/atoll/atoll-4243.sock" ]; }
wait_until $((10 * SLOW)) live_up || fail "no live socket made"
ini "" "$tmp/swap3" >"$tmp/c.ini"
atoll_start "$tmp/c.ini"
dflt() { # NAME: the default socket answers and lists NAME running
	timeout $((10 * SLOW)) "$ATOLL" list >"$tmp/list" 2>&1 &&
		grep -Eq "^ *[0-9]+ +$1 +running" "$tmp/list"
}
wait_until $((60 * SLOW)) dflt calm ||
	fail "atoll list found no atoll run on the default socket:" \
		"$(cat "$tmp/list")"
[ -e "$XDG_RUNTIME_DIR/atoll/atoll-4242.sock" ] &&
	fail "a killed atoll's socket beside the default one was left"
[ -S "$XDG_RUNTIME_DIR/atoll/atoll-4243.sock" ] ||
	fail "a live socket beside the default one was removed"
kill "$live_pid"
wait "$live_pid" 2>/dev/null
grep -q calm "$tmp/list" || fail "atoll list: $(cat "$tmp/list")"
[ "$(stat -c %a "$XDG_RUNTIME_DIR/atoll")" = 700 ] ||
	fail "default directory mode $(stat -c %a "$XDG_RUNTIME_DIR/atoll")"
[ "$(stat -c %a "$XDG_RUNTIME_DIR/atoll/atoll.sock")" = 600 ] ||
	fail "default socket mode not 600"
atoll_stop >/dev/null
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
"$ATOLL" boot --append "workload=idle ticks=$((100000 * SLOW))" "$os" \
	</dev/null >"$tmp/out" 2>"$tmp/err" &
atoll_pid=$!
wait_until $((60 * SLOW)) dflt boot ||
	fail "atoll list found no atoll boot on the default socket:" \
		"$(cat "$tmp/list")"
grep -q boot "$tmp/list" || fail "atoll list (boot): $(cat "$tmp/list")"
atoll_stop >/dev/null
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
[ -e "$XDG_RUNTIME_DIR/atoll/atoll.sock" ] && fail "default socket left"
echo "atoll run and atoll boot listen on the default socket"
echo "control-clients: ok"
