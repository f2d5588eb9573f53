#!/bin/bash
# `atoll run --http PORT` (libmicrohttpd): /stats.json is the control
# socket's stats reply; /history.json holds the run from its start; a
# request without the run's token (or with a wrong one) gets 403, with it
# a control request (POST /control) works; a malformed request is refused
# (closed unanswered, or a 4xx/5xx); 50 silent connections do not delay a
# request; the server listens on 127.0.0.1 only unless told (--http
# ADDR:PORT); a port in use stops a second atoll with exit status 2 and
# one line naming --http.  The page, opened late in headless Chromium
# (driven through chromedriver: tests/system/lib/page.py), shows each
# domain's history from the run's start, and its "set target" control
# changes the domain's target.
# Both domains outlive the test however slow the machine (calm sleeps
# 1,000 s or more, hog runs 1,000 phases, its most, and then holds until
# atoll ends): the page's control must find calm alive whenever Chromium
# gets to click.  (hog had phases=100000, which memhog refuses for
# phases=4: it ended after half a second.)  atoll ends on the SIGTERM it
# is sent (status 143).
# Skipped (exit 77) only when Chromium is not installed.  Usage:
#   tests/system/http-page.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
chrome=$(command -v chromium || command -v chromium-browser) || {
	echo "SKIP: chromium is not installed (scripts/setup.sh installs it)"
	exit 77
}
# A free port: ask the kernel, then hand it to atoll.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$tmp/web.ini" <<INI
[host]
machine_memory = 64M
control_socket = $tmp/ctl.sock

[domain hog]
memory = 24M
maxmem = 32M
kernel = $os
cmdline = workload=memhog mib=16 phases=1000 wait_ms=100 hold=1

[domain calm]
memory = 16M
maxmem = 16M
kernel = $os
cmdline = workload=idle ticks=$((100000 * SLOW))
INI
sock=$tmp/ctl.sock
"$ATOLL" run --http "$port" "$tmp/web.ini" </dev/null >"$tmp/out" \
	2>"$tmp/err" &
atoll_pid=$!
# The page's line comes before the domains exist (src/cli/run.c): wait
# for them, then for a history of two samples at least (checked below).
atoll_up hog calm
url=http://127.0.0.1:$port
page=$(grep -o "http://127.0.0.1:$port/?token=[0-9a-f]*" "$tmp/err")
[ ${#page} = $((${#port} + 57)) ] ||
	fail "no 'live chart' line with a 32-digit token: $(cat "$tmp/err")"
token=${page##*=}
samples() { # N: the history has N samples or more
	[ "$(curl -s "$url/history.json?token=$token" | jq '.t_ms | length')" \
		-ge "$1" ] 2>/dev/null
}
wait_until $((20 * SLOW)) samples 2 || fail "fewer than 2 samples in history"
# Bound to loopback only: not reachable on another local address.
ss -Hltn "sport = :$port" | grep -q "127.0.0.1:$port" ||
	fail "--http $port does not listen on 127.0.0.1: $(ss -Hltn)"
ss -Hltn "sport = :$port" | grep -qv "127.0.0.1:$port" &&
	fail "--http $port listens beyond 127.0.0.1: $(ss -Hltn)"

python3 - "$url" "$token" "$SLOW" <<'PY' || fail "stats.json, history, token or a bad request: see above"
import json, socket, sys, time, urllib.request, urllib.error
url, token, slow = sys.argv[1], sys.argv[2], int(sys.argv[3])
def code(path, data=None):
    try:
        return urllib.request.urlopen(url + path, data=data, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code
r = json.load(urllib.request.urlopen(url + "/stats.json?token=" + token,
                                     timeout=5))
assert r["ok"] and {d["name"] for d in r["domains"]} == {"hog", "calm"}, r
h = json.load(urllib.request.urlopen(url + "/history.json?token=" + token,
                                     timeout=5))
assert h["t_ms"][0] < 1000 and len(h["t_ms"]) >= 2, h["t_ms"]
assert {d["name"] for d in h["domains"]} == {"hog", "calm"}, h["domains"]
later = json.load(urllib.request.urlopen(
    url + "/history.json?since=%d&token=%s" % (h["t_ms"][-1], token), timeout=5))
assert all(t > h["t_ms"][-1] for t in later["t_ms"]), "since= not honoured"
wrong = ("0" if token[0] != "0" else "1") + token[1:]
for path in ["/", "/stats.json", "/stats.json?token=", "/?token=" + wrong,
             "/stats.json?token=" + token[:-1], "/?tok=" + token,
             "/?token=" + token + "0", "/history.json", "/chart.js"]:
    assert code(path) == 403, "no 403 for " + path
req = b'{"cmd":"mem-set","domain":"calm","bytes":8388608}'
assert code("/control?token=" + wrong, req) == 403, "control without token"
assert code("/?x=1&token=" + token) == 200, "token after another field"
assert code("/chart.js?token=" + token) == 200, "no chart.js (libjs-chart.js)"
host, port = url[7:].split(":")
s = socket.create_connection((host, int(port)), timeout=5)
s.sendall(b"NONSENSE\r\n\r\n")
got = s.recv(100)
assert got == b"" or got.startswith(b"HTTP/1.1 4"), got
s = socket.create_connection((host, int(port)), timeout=5)
s.sendall(b"GET / HTTP/9.9\r\nHost: x\r\n\r\n")
assert s.recv(100).startswith(b"HTTP/1.1 505"), "no 505"
assert code("/nothing?token=" + token) == 404, "no 404"
assert code("/../etc/passwd?token=" + token) == 404, "no 404 for ../"
# Fifty silent clients cost the others nothing.
silent = [socket.create_connection((host, int(port)), timeout=5)
          for _ in range(50)]
t = []
for _ in range(5):
    t0 = time.time()
    assert code("/stats.json?token=" + token) == 200
    t.append((time.time() - t0) * 1000)
t.sort()
print("stats.json beside 50 silent clients: median %.1f ms" % t[2])
assert t[2] < 500 * slow, t
PY
grep -q -- "--http: .*505" "$tmp/err" || fail "bad request not logged"

# Second atoll on the same port: refused before anything starts.
sed "s|$tmp/ctl.sock|$tmp/ctl2.sock|" "$tmp/web.ini" >"$tmp/web2.ini"
timeout $((10 * SLOW)) "$ATOLL" run --http "$port" "$tmp/web2.ini" </dev/null \
	>"$tmp/out2" 2>"$tmp/err2"
rc=$?
[ $rc = 2 ] || fail "port in use: exit status $rc, want 2"
[ "$(wc -l <"$tmp/err2")" = 1 ] && grep -q -- "--http $port" "$tmp/err2" ||
	fail "port in use: $(cat "$tmp/err2")"
[ -e "$tmp/ctl2.sock" ] && fail "port in use: a control socket was left"
[ -s "$tmp/out2" ] && fail "port in use: a domain started"

# The page opened late (a few samples into the run) in headless Chromium:
# every domain's panel starts at the run's start, and "set target" works.
wait_until $((20 * SLOW)) samples 6 || fail "fewer than 6 samples in history"
SLOW=$SLOW timeout $((120 * SLOW)) python3 "$(dirname "$0")/lib/page.py" \
	"$page" calm 12 >"$tmp/page" 2>&1 || fail "page: $(tail -n 3 "$tmp/page")"
cat "$tmp/page"
for d in hog calm; do
	line=$(grep "^panel $d " "$tmp/page") || fail "no panel for $d"
	first=$(grep -o 'first_ms=[0-9]*' <<<"$line" | cut -d= -f2)
	points=$(grep -o 'points=[0-9]*' <<<"$line" | cut -d= -f2)
	[ "$first" -lt 1000 ] || fail "$d's history starts at $first ms, not at the run's start"
	[ "$points" -ge 6 ] || fail "$d: $points points, want 6 or more"
done
grep -q "^result mem-set calm: done" "$tmp/page" ||
	fail "the control did not answer done: $(grep '^result' "$tmp/page")"
got=$(timeout $((10 * SLOW)) "$ATOLL" stats --json calm --socket "$sock" |
	jq -r '.domains[0].mem | "\(.target) \(.target_set_by)"')
[ "$got" = "3072 user" ] || fail "calm's target after the page's control: $got"
n=$points
atoll_stop
rc=$?
[ $rc = 143 ] || fail "atoll run: exit status $rc after SIGTERM, want 143"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "http-page: ok (history from the run's start in a late page, $n points; its control set calm to 12 MiB)"
