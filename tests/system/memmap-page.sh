#!/bin/bash
# The live page's map of machine memory (docs/working-set.md), in headless
# Chromium: while two memhogs run in a 64 MiB pool, one of them
# swapped down to a lower target, and an idle atoll-os is ballooned down, the page fetched /memmap.json more than
# once and drew, per view and state, cells it counts under the canvas:
# the machine view covers the pool's frames exactly, with free frames and
# private frames of two owners or more; the guest views cover each
# domain's RAM, with swapped and ballooned pages.  /memmap.json is the
# control socket's "memmap" reply and needs the run's token.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
hog=$(need_elf mem-memhog)
os=$(need_elf atoll-os)
chrome=$(command -v chromium || command -v chromium-browser) ||
	fail "chromium is not installed (scripts/setup.sh installs it)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
swap_file = $tmp/swap
swap_size = 128M
control_socket = $sock

[domain hogA]
memory = 24M
kernel = $hog
cmdline = memhog mib=16 phases=1000 seed=1 hold_ms=600000

[domain hogB]
memory = 24M
kernel = $hog
cmdline = memhog mib=16 phases=1000 seed=2 hold_ms=600000

[domain ball]
memory = 24M
kernel = $os
cmdline = workload=idle ticks=$((20000 * SLOW))
INI
"$ATOLL" run --http "$port" "$tmp/cfg.ini" </dev/null >"$tmp/out" 2>"$tmp/err" &
atoll_pid=$!
live() { grep -q "live chart on" "$tmp/err" 2>/dev/null; }
wait_until $((10 * SLOW)) live || fail "no live chart line"
page=$(grep -o "http://127.0.0.1:$port/?token=[0-9a-f]*" "$tmp/err")
# hogA (no balloon driver) is swapped down to a lower target, ball (an
# atoll-os with its balloon) is ballooned down to one.
up() { [ "$(mstat hogA populated)" -ge 2048 ] 2>/dev/null; }
wait_until $((20 * SLOW)) up || fail "hogA never held 8 MiB"
for d in hogA:4M ball:8M; do
	"$ATOLL" mem-set --socket "$sock" "${d%:*}" "${d#*:}" >/dev/null 2>&1 ||
		fail "atoll mem-set ${d%:*} ${d#*:} failed"
done
ready() {
	[ "$(mstat hogA swapped)" -gt 0 ] 2>/dev/null &&
		[ "$(mstat ball ballooned)" -gt 0 ] 2>/dev/null
}
wait_until $((20 * SLOW)) ready ||
	fail "no swapping and ballooning (hogA swapped $(mstat hogA swapped), ball ballooned $(mstat ball ballooned))"
sh=hogA
frames=$(hstat frames)
python3 - "${page%%\?*}" "${page##*=}" <<'PY' || fail "/memmap.json: see above"
import json, sys, urllib.request, urllib.error
url, token = sys.argv[1], sys.argv[2]
r = json.load(urllib.request.urlopen(url + "memmap.json?token=" + token, timeout=5))
m = r["map"]
assert r["ok"] and sum(x[2] for x in m["machine"]) == m["frames"], r
for d in m["domains"]:
    assert sum(x[1] for x in d["runs"]) == d["nr"], d["name"]
try:
    urllib.request.urlopen(url + "memmap.json", timeout=5)
    raise SystemExit("no 403 without the token")
except urllib.error.HTTPError as e:
    assert e.code == 403
print("memmap.json: %d machine runs for %d frames" % (len(m["machine"]), m["frames"]))
PY
timeout $((60 * SLOW)) "$chrome" --headless --no-sandbox --disable-gpu \
	--disable-dev-shm-usage --user-data-dir="$tmp/chrome" \
	--virtual-time-budget=3500 --dump-dom "$page" >"$tmp/dom" \
	2>"$tmp/chrome.err" || fail "chromium: exit status $?"
# row VIEW STATE: "frames cells" of the page's count table, or "0 0".
row() {
	local r
	r=$(grep -o "<tr data-view=\"$1\" data-state=\"$2\" data-frames=\"[0-9]*\" data-cells=\"[0-9]*\"" "$tmp/dom" |
		sed 's/.*data-frames="\([0-9]*\)" data-cells="\([0-9]*\)"/\1 \2/')
	echo "${r:-0 0}"
}
updates=$(grep -o "map update [0-9]*" "$tmp/dom" | grep -o "[0-9]*$")
[ "${updates:-0}" -ge 2 ] || fail "the map was drawn ${updates:-0} times, want 2 or more: $(head -c 300 "$tmp/dom")"
total=0
for s in free private shared busy; do
	read -r f c <<<"$(row machine $s)"
	echo "machine: $s $f frames in $c cells"
	total=$((total + f))
	case $s in free | private) [ "$c" -gt 0 ] || fail "no $s cells drawn" ;; esac
done
[ "$total" = "$frames" ] || fail "machine cells count $total frames, the pool has $frames"
read -r f c <<<"$(row "$sh" swapped)"
echo "$sh: swapped $f frames in $c cells"
[ "$c" -gt 0 ] || fail "no swapped cells in $sh's view"
read -r f c <<<"$(row ball ballooned)"
echo "ball: ballooned $f frames in $c cells"
[ "$c" -gt 0 ] || fail "no ballooned cells in ball's view"
for d in hogA hogB ball; do
	gt=0
	for s in private shared ballooned swapped unpopulated busy; do
		read -r f c <<<"$(row $d $s)"
		gt=$((gt + f))
	done
	[ "$gt" = "$(mstat $d maxmem)" ] || fail "$d's view counts $gt frames of $(mstat $d maxmem)"
done
grep -q '<canvas id="mapcanvas" width="[1-9]' "$tmp/dom" || fail "no canvas drawn"
atoll_stop
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "memmap-page: ok ($updates map updates)"
