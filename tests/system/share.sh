#!/bin/bash
# Content-based page sharing with atoll-os guests (docs/sharing.md): two
# domains fill the same pages (a third different ones); the scanner shares
# them (atoll stats: shared pages, frames saved; atoll p2m: shared ranges
# with their reference counts); then each domain writes data of its own
# to the same pages and reads back its own (copy on write), the third
# never sees the others' pages; `atoll share-rate` changes the rate, and a
# bad rate is refused with nothing changed.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
export ATOLL_SOCKET=$tmp/sock
pages=256

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
control_socket = $ATOLL_SOCKET
share_rate = 20000

[domain a]
memory = 8M
kernel = $os
cmdline = workload=share pages=$pages common=1 id=1 ticks=$((12000 * SLOW))

[domain b]
memory = 8M
kernel = $os
cmdline = workload=share pages=$pages common=1 id=2 ticks=$((12000 * SLOW))

[domain c]
memory = 8M
kernel = $os
cmdline = workload=share pages=$pages common=7 id=3 ticks=$((12000 * SLOW))
INI

# jnum EXPR: one number from `atoll stats --json` (python: r = the reply).
jnum() {
	timeout 10 "$ATOLL" stats --json 2>/dev/null | python3 -c "
import json, sys
r = json.load(sys.stdin)
d = {x['name']: x['mem'] for x in r['domains']}
h = r['host']['share']
print(int($1))" 2>/dev/null
}

# until SECONDS EXPR: wait for the python condition EXPR on the stats.
until_stats() {
	local end=$((SECONDS + $1 * SLOW))
	while [ $SECONDS -lt $end ]; do
		[ "$(jnum "$2")" = 1 ] && return 0
		kill -0 "$atoll_pid" 2>/dev/null || fail "atoll ended early"
		sleep 0.2
	done
	return 1
}

# say DOM LINE: one line to the guest's PV console.
say() {
	{
		printf '%s\n' "$2"
		sleep 0.5
	} | timeout $((15 * SLOW)) "$ATOLL" console "$1" >/dev/null 2>&1
}

atoll_start "$tmp/cfg.ini"
filled() { [ "$(grep -c 'share: filled' "$tmp/out")" = 3 ]; }
wait_until $((60 * SLOW)) filled || fail "the guests did not fill"

# a and b share their $pages common pages and their zero pages.
until_stats 60 "d['a']['shared'] >= 2 * $pages and d['b']['shared'] >= 2 * $pages and h['saved'] >= 2 * $pages" ||
	fail "not shared within 60 s: $(timeout 10 "$ATOLL" stats --json)"
saved=$(jnum "h['saved']")
echo "share: saved $saved frames ($(jnum "h['saved_bytes'] // 1024") KiB)," \
	"zero mappings $(jnum "h['zero_mappings']"), scanner $(jnum "h['cpu_ns'] // 1000000") ms CPU"
timeout 10 "$ATOLL" p2m a >"$tmp/p2m" || fail "atoll p2m a failed"
grep -Eq -- '-> *mfn .* shared \([0-9]+\) refs [2-9]' "$tmp/p2m" ||
	fail "atoll p2m shows no shared range with refs >= 2: $(head -n 8 "$tmp/p2m")"
grep -- 'shared' "$tmp/p2m" | head -n 3

# A bad rate is refused (exit 2, one line) and changes nothing.
rate0=$(jnum "h['rate']")
"$ATOLL" share-rate 2000000 >/dev/null 2>"$tmp/bad.err"
rc=$?
[ $rc = 2 ] || fail "share-rate 2000000 exited $rc, want 2"
[ "$(wc -l <"$tmp/bad.err")" = 1 ] || fail "share-rate error not one line: $(cat "$tmp/bad.err")"
reply=$(python3 - "$ATOLL_SOCKET" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"cmd":"share-rate","rate":-5}\n')
print(s.makefile().readline().strip())
PY
)
echo "$reply" | grep -q '"ok": *false' || fail "rate -5 not refused: $reply"
[ "$(jnum "h['rate']")" = "$rate0" ] || fail "a refused rate changed the rate"
"$ATOLL" share-rate 3000 || fail "share-rate 3000 failed"
[ "$(jnum "h['rate']")" = 3000 ] || fail "share-rate 3000 not applied"

# Each writes its own data over the shared pages; all read back their own.
for d in a b c; do say $d check; done
for d in a b; do say $d write; done
until_stats 60 "d['a']['cow_breaks'] >= 2 * $pages and d['b']['cow_breaks'] >= $pages" ||
	fail "no copy-on-write breaks seen: $(timeout 10 "$ATOLL" stats --json)"
for d in a b c; do say $d check; done
for d in a b c; do say $d quit; done
atoll_wait
rc=$?
grep -q "share: FAIL" "$tmp/out" && fail "$(grep "share: FAIL" "$tmp/out" | head -n 5)"
[ $rc = 0 ] || fail "atoll exited $rc"
[ "$(grep -c 'share: ok' "$tmp/out")" = 3 ] || fail "not every guest said ok"
[ "$(grep -c 'share: written: .* ok' "$tmp/out")" = 2 ] || fail "a write was not read back"

# Bad configuration: one line naming file and line, exit 2, nothing run.
for bad in "share_rate = 1000001" "share_rate = fast"; do
	sed "s/^share_rate = .*/$bad/" "$tmp/cfg.ini" >"$tmp/bad.ini"
	timeout $((20 * SLOW)) "$ATOLL" run "$tmp/bad.ini" >"$tmp/bad.out" 2>&1 </dev/null
	rc=$?
	[ $rc = 2 ] || fail "'$bad' exited $rc, want 2"
	[ "$(wc -l <"$tmp/bad.out")" = 1 ] || fail "'$bad': $(cat "$tmp/bad.out")"
	grep -q "bad.ini:[0-9]*: share_rate" "$tmp/bad.out" || fail "'$bad': $(cat "$tmp/bad.out")"
done
sed "s/^memory = 8M/memory = 8M\nsharing = maybe/" "$tmp/cfg.ini" >"$tmp/bad.ini"
timeout $((20 * SLOW)) "$ATOLL" run "$tmp/bad.ini" >"$tmp/bad.out" 2>&1 </dev/null
rc=$?
[ $rc = 2 ] && [ "$(wc -l <"$tmp/bad.out")" = 1 ] &&
	grep -q "sharing" "$tmp/bad.out" || fail "'sharing = maybe': exit $rc: $(cat "$tmp/bad.out")"
echo "share: ok"
