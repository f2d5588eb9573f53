#!/bin/bash
# The default job of `make demo`: three domains of atoll's own guest OS and
# a Linux domain on a host with less machine memory than their maxmem added
# up (examples/demo.ini): one grows its working set in phases, one idles, one
# streams block I/O and UDP to the host through atoll's NAT (counted here),
# Linux writes and verifies its virtio disk and runs a memory hog.  While they run, `atoll top -b` shows the live view
# every few seconds (the live web page is on http://127.0.0.1:PORT/ when
# DEMO_HTTP=PORT is set); at the end atoll prints its summary table and
# memory chart.  The guests' consoles go to build/demo.log.
# usage: scripts/demo.sh ATOLL     (make demo-linux: the Linux guest demo)
set -euo pipefail
ATOLL=${1:-build/atoll}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CONFIG=examples/demo.ini
SOCK=build/demo.sock # as in $CONFIG
LOG=build/demo.log
EVERY=${DEMO_EVERY:-3} # seconds between live views

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

[ -x "$ATOLL" ] && [ -f build/guest/atoll-os.elf ] &&
	[ -f build/linux/Image ] && [ -f build/linux/rootfs.img ] || {
	echo "demo: build first: make all guest-programs linux-guest" >&2
	exit 2
}
# The block domains' disks: sparse 64 MiB images, made once.
[ -f build/demo-disk.img ] || truncate -s 64M build/demo-disk.img
[ -f build/demo-linux-disk.img ] || truncate -s 64M build/demo-linux-disk.img

# The host end of the io domain's UDP stream (10.0.2.2:5599 in the guest).
python3 - >build/demo-udp.txt 2>&1 <<'EOF' &
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 5599))
s.settimeout(60)
n = 0
try:
    while True:
        n += len(s.recv(2048))
        s.settimeout(5)
except OSError:
    pass
print("the host received %.1f MiB of the io domain's UDP stream" % (n / 2**20))
EOF
sink=$!

step "atoll run $CONFIG: 4 domains, 320 MiB of maxmem on 160 MiB"
http=()
[ -n "${DEMO_HTTP:-}" ] && http=(--http "$DEMO_HTTP")
"$ATOLL" run "${http[@]}" "$CONFIG" </dev/null >"$LOG" &
pid=$!
trap 'kill "$pid" "$sink" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT INT TERM
for _ in $(seq 100); do
	[ -S "$SOCK" ] && break
	sleep 0.1
done

# Live views until atoll ends (it exits when its last domain has).
while kill -0 "$pid" 2>/dev/null; do
	sleep "$EVERY"
	kill -0 "$pid" 2>/dev/null || break
	step "atoll top (live view, every ${EVERY} s)"
	"$ATOLL" top -b -n 2 -d 1 --socket "$SOCK" 2>/dev/null |
		awk '/^atoll top /{n++} n == 2' || true
done
rc=0
wait "$pid" || rc=$?
trap - EXIT INT TERM
step "the guests' verdicts ($LOG)"
grep -E "^[a-z]+\| ([a-z]+: (ok|verdict)|atoll-os: (all ok|FAIL))" "$LOG" ||
	true
grep -E "^[a-z]+\| (blkbench: dev|udpstream: bytes)" "$LOG" || true
grep -E "^linux\| (atoll-linux: eth0|blk: verified|memhog: (pass|FAIL))" \
	"$LOG" || true
wait "$sink" 2>/dev/null || true
cat build/demo-udp.txt
printf '\nMore: make demo-linux (Linux on atoll, atoll vs QEMU), make test.\n'
exit $rc
