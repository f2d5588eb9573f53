#!/bin/bash
# `atoll top -b` against a running `atoll run`: the asked number of frames,
# a row per domain with its state, rates from the second frame on (MIPS
# of a CPU-bound domain above zero), a memory bar per domain, the per-device
# I/O counters in `stats --json`; bad flags and a missing socket are usage
# errors (exit status 2, one line).  Usage:
#   tests/system/top-batch.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
sock=$tmp/ctl.sock

# Bad usage first: nothing runs yet.
usage() {
	timeout 10 "$ATOLL" top "$@" </dev/null >/dev/null 2>"$tmp/usage.err"
	local rc=$?
	[ $rc = 2 ] || fail "top $*: exit status $rc, want 2"
	[ "$(wc -l <"$tmp/usage.err")" = 1 ] ||
		fail "top $*: not one line: $(cat "$tmp/usage.err")"
}
usage -d 0 --socket "$sock"
usage -n x --socket "$sock"
usage --frob
usage -b -n 1 --socket "$tmp/none.sock"

cat >"$tmp/top.ini" <<INI
[host]
machine_memory = 64M
control_socket = $sock

# Both run until the test stops atoll: a domain that has exited has no
# devices left to count, and the translator finishes a short run early.
[domain spin]
memory = 16M
maxmem = 16M
kernel = $os
cmdline = workload=cpu rounds=100000

[domain rest]
memory = 16M
maxmem = 16M
kernel = $os
cmdline = workload=idle ticks=100000
INI
atoll_start "$tmp/top.ini"
# Every frame must have both rows: wait for the domains, not for the
# socket (atoll run listens before it creates them).
atoll_up spin rest
timeout $((20 * SLOW)) "$ATOLL" top --socket "$sock" -b -n 3 -d 0.5 \
	>"$tmp/top" 2>"$tmp/top.err" ||
	fail "top: exit status $?: $(cat "$tmp/top.err")"
# Each domain's console counters grow once its guest has printed through
# the PV console, which a loaded host may delay: poll for them.
cat >"$tmp/io_check.py" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for d in r["domains"]:
    devs = {x["type"]: x for x in d["io"]}
    c = devs.get("console")
    assert c and c["requests"] > 0 and c["bytes"] > 0, (d["name"], d["io"])
PY
io_counted() {
	timeout $((10 * SLOW)) "$ATOLL" stats --socket "$sock" --json \
		>"$tmp/stats.json" &&
		python3 "$tmp/io_check.py" "$tmp/stats.json" 2>/dev/null
}
wait_until $((30 * SLOW)) io_counted # checked below, with the reason
atoll_stop
rc=$?
[ $rc = 143 ] || fail "atoll run: exit status $rc after SIGTERM, want 143"

[ "$(grep -c '^atoll top ' "$tmp/top")" = 3 ] ||
	fail "top: $(grep -c '^atoll top ' "$tmp/top") frames, want 3"
for d in spin rest; do
	[ "$(grep -c "^ *[0-9]\+ $d " "$tmp/top")" = 3 ] ||
		fail "top: no row for $d in every frame"
	[ "$(grep -c "^$d .*|" "$tmp/top")" = 3 ] || fail "top: no bar for $d"
done
# The last frame: spin retires instructions (MIPS > 0), both running.
last=$(awk '/^atoll top /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' \
	"$tmp/top")
mips=$(echo "$last" | awk '$2 == "spin" { print $4 }')
[ -n "$mips" ] && awk -v m="$mips" 'BEGIN { exit !(m > 0) }' ||
	fail "top: spin's MIPS is '$mips' in the last frame"
echo "$last" | grep -q "^ *2 rest *running" || fail "top: rest is not running"
grep -q '"io":\[{"index":0.*"type":"console"' "$tmp/stats.json" ||
	grep -q '"io":\[' "$tmp/stats.json" ||
	fail "stats --json has no per-domain io array"
python3 "$tmp/io_check.py" "$tmp/stats.json" ||
	fail "stats io counters: see above"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "top-batch: ok (3 frames, spin at $mips MIPS)"
