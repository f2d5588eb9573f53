#!/bin/bash
# `atoll run --http PORT`: /stats.json is the control socket's stats reply;
# the page, loaded in headless Chromium, ran its script and drew a legend
# entry and an SVG path per domain; a malformed request gets 400; a request
# without the run's token (or with a wrong one) gets 403; the server
# listens on 127.0.0.1 only unless told (--http ADDR:PORT); a port in use
# stops a second atoll with exit status 2 and one line naming --http.
# The idle domain outlives the test on a loaded machine: atoll ends on
# the SIGTERM it is sent (status 143).
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
cmdline = workload=memhog mib=16 phases=30 wait_ms=100

[domain calm]
memory = 16M
maxmem = 16M
kernel = $os
cmdline = workload=idle ticks=$((6000 * SLOW))
INI
"$ATOLL" run --http "$port" "$tmp/web.ini" </dev/null >"$tmp/out" \
	2>"$tmp/err" &
atoll_pid=$!
for _ in $(seq 100); do
	grep -q "live chart on" "$tmp/err" && break
	sleep 0.1
done
page=$(grep -o "http://127.0.0.1:$port/?token=[0-9a-f]*" "$tmp/err")
[ ${#page} = $((${#port} + 57)) ] ||
	fail "no 'live chart' line with a 32-digit token: $(cat "$tmp/err")"
token=${page##*=}
# Bound to loopback only: not reachable on another local address.
ss -Hltn "sport = :$port" | grep -q "127.0.0.1:$port" ||
	fail "--http $port does not listen on 127.0.0.1: $(ss -Hltn)"
ss -Hltn "sport = :$port" | grep -qv "127.0.0.1:$port" &&
	fail "--http $port listens beyond 127.0.0.1: $(ss -Hltn)"

url=http://127.0.0.1:$port
python3 - "$url" "$token" <<'PY' || fail "stats.json, token or a bad request: see above"
import json, socket, sys, urllib.request, urllib.error
url, token = sys.argv[1], sys.argv[2]
def code(path):
    try:
        return urllib.request.urlopen(url + path, timeout=5).status
    except urllib.error.HTTPError as e:
        return e.code
r = json.load(urllib.request.urlopen(url + "/stats.json?token=" + token,
                                     timeout=5))
assert r["ok"] and {d["name"] for d in r["domains"]} == {"hog", "calm"}, r
wrong = ("0" if token[0] != "0" else "1") + token[1:]
for path in ["/", "/stats.json", "/stats.json?token=", "/?token=" + wrong,
             "/stats.json?token=" + token[:-1], "/?tok=" + token,
             "/?token=" + token + "0"]:
    assert code(path) == 403, "no 403 for " + path
assert code("/?x=1&token=" + token) == 200, "token after another field"
host, port = url[7:].split(":")
s = socket.create_connection((host, int(port)), timeout=5)
s.sendall(b"NONSENSE\r\n\r\n")
assert s.recv(100).startswith(b"HTTP/1.1 400"), "no 400 for a bad request"
assert code("/nothing?token=" + token) == 404, "no 404"
PY
grep -q "malformed request" "$tmp/err" || fail "bad request not logged"

# Second atoll on the same port: refused before anything starts.
sed "s|$tmp/ctl.sock|$tmp/ctl2.sock|" "$tmp/web.ini" >"$tmp/web2.ini"
timeout 10 "$ATOLL" run --http "$port" "$tmp/web2.ini" </dev/null \
	>"$tmp/out2" 2>"$tmp/err2"
rc=$?
[ $rc = 2 ] || fail "port in use: exit status $rc, want 2"
[ "$(wc -l <"$tmp/err2")" = 1 ] && grep -q -- "--http $port" "$tmp/err2" ||
	fail "port in use: $(cat "$tmp/err2")"
[ -e "$tmp/ctl2.sock" ] && fail "port in use: a control socket was left"
[ -s "$tmp/out2" ] && fail "port in use: a domain started"

# The page in headless Chromium: 1.5 s of its life, then the DOM.
timeout 40 "$chrome" --headless --no-sandbox --disable-gpu \
	--disable-dev-shm-usage --user-data-dir="$tmp/chrome" \
	--virtual-time-budget=1500 --dump-dom "$page" >"$tmp/dom" \
	2>"$tmp/chrome.err" || fail "chromium: exit status $?"
for d in hog calm; do
	grep -q "<li data-domain=\"$d\"" "$tmp/dom" ||
		fail "no legend entry for $d: $(head -c 400 "$tmp/dom")"
	grep -q "<path class=\"held\" data-domain=\"$d\" [^>]*d=\"M" \
		"$tmp/dom" || fail "no plotted path for $d"
done
n=$(grep -o "sample [0-9]*" "$tmp/dom" | grep -o "[0-9]*")
[ "${n:-0}" -ge 2 ] || fail "the page polled ${n:-0} times, want 2 or more"
atoll_stop
rc=$?
[ $rc = 143 ] || fail "atoll run: exit status $rc after SIGTERM, want 143"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "http-page: ok (a legend entry and a path per domain, $n samples)"
