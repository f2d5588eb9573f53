#!/bin/bash
# `atoll shutdown` (docs/control-api.md): the domain's power key is
# pressed and its guest powers off in its own time:
#  - atoll-os says so and powers off; `-w` returns once it has, and the
#    domain ended with status 0 (on_poweroff = destroy, the default);
#  - with on_poweroff = restart the domain starts again, with a new id;
#  - a guest that ignores the key (atoll-os powerkey=0): with
#    `--timeout 0` it keeps running and `--wait=1` gives up after 1 s
#    (exit 1, one line); a second request says the key is still held and,
#    with `--timeout 2 -w`, atoll destroys it after 2 s (one log line)
#    and the wait reports it destroyed;
#  - bad usage: an unknown domain, no domain, a bad --wait or --timeout
#    (exit 2, one line); a domain that has ended (exit 1).
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-90}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)

idle="workload=idle ticks=$((100000 * SLOW))"
cat >"$tmp/run.ini" <<INI
[host]
machine_memory = 64
control_socket = $sock

[domain plain]
memory = 8
kernel = $os
cmdline = $idle

[domain phoenix]
memory = 8
kernel = $os
cmdline = $idle
on_poweroff = restart

[domain deaf]
memory = 8
kernel = $os
cmdline = $idle powerkey=0
INI
atoll_start "$tmp/run.ini"
ctl() { timeout $((30 * SLOW)) "$ATOLL" "$@" --socket "$sock" </dev/null; }
# state NAME: its state in `atoll list`, or nothing.
state() { ctl list 2>/dev/null | awk -v n="$1" '$2 == n { print $3 }'; }
id() { ctl list 2>/dev/null | awk -v n="$1" '$2 == n { print $1 }'; }
sleeping() { domain_ok "$1" "idle: sleeping"; }
for d in plain phoenix deaf; do
	wait_until $((30 * SLOW)) sleeping $d || fail "$d did not boot"
done

# One line, exit status $1, for the rest of the command line.
usage_err() {
	local want=$1
	shift
	ctl "$@" >/dev/null 2>"$tmp/u.err"
	local rc=$?
	[ $rc = "$want" ] || fail "$*: exit status $rc, want $want"
	[ "$(wc -l <"$tmp/u.err")" = 1 ] || fail "$*: not one line: $(cat "$tmp/u.err")"
}
usage_err 2 shutdown nosuch
usage_err 2 shutdown
usage_err 2 shutdown --wait=x plain
usage_err 2 shutdown --timeout=-1 plain
usage_err 2 shutdown --timeout plain
usage_err 2 shutdown plain phoenix

# A guest with the driver powers off; -w returns when it has.
ctl shutdown -w plain >"$tmp/w.out" 2>"$tmp/w.err" ||
	fail "shutdown -w plain: $(cat "$tmp/w.err")"
grep -q "^plain: shut down$" "$tmp/w.out" || fail "shutdown -w printed '$(cat "$tmp/w.out")'"
domain_ok plain "atoll-os: power key: powering off" ||
	fail "plain did not say it powers off"
case "$(state plain)" in
"" | shutdown) ;;
*) fail "plain is $(state plain) after shutdown -w" ;;
esac
usage_err 1 shutdown plain

# on_poweroff = restart: it comes back under a new id.
id1=$(id phoenix)
ctl shutdown phoenix || fail "shutdown phoenix"
back() { grep -q "domain phoenix restarted (restart 1)" "$tmp/err" &&
	[ "$(state phoenix)" = running ]; }
wait_until $((30 * SLOW)) back || fail "phoenix did not restart: $(tail -3 "$tmp/err")"
id2=$(id phoenix)
[ "$id2" != "$id1" ] || fail "phoenix kept id $id1"

# A guest that ignores the key keeps running while there is no deadline.
usage_err 1 shutdown --timeout 0 --wait=1 deaf
grep -q "still running after 1 s" "$tmp/u.err" || fail "wait=1: $(cat "$tmp/u.err")"
[ "$(state deaf)" = running ] || fail "deaf is $(state deaf)"
# With one, atoll destroys it when the time is up.
ctl shutdown --timeout 2 -w deaf >"$tmp/d.out" 2>"$tmp/d.err" ||
	fail "shutdown --timeout 2 -w deaf: $(cat "$tmp/d.err")"
grep -q "^deaf: its guest has not read an earlier press" "$tmp/d.out" ||
	fail "no word about the held key: $(cat "$tmp/d.out")"
grep -q "^deaf: destroyed" "$tmp/d.out" || fail "deaf: $(cat "$tmp/d.out")"
grep -q "domain deaf did not power off within 2 s of its shutdown request: destroying it" \
	"$tmp/err" || fail "no log line for deaf's destroy: $(tail -3 "$tmp/err")"
[ -z "$(state deaf)" ] || fail "deaf still listed as $(state deaf)"

atoll_stop
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "shutdown: ok (-w returned once plain powered off; phoenix restarted as id $id2; deaf destroyed at its timeout)"
