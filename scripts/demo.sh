#!/bin/bash
# The default job of `make demo`: three domains of atoll's own guest OS and
# a Linux domain on a host with less machine memory than their maxmem added
# up (examples/demo.ini): two grow and shrink their working sets in phases,
# one streams block I/O and UDP to the host through atoll's NAT (counted
# here), Linux writes and verifies its virtio disk and runs a memory hog.
# While they run, `atoll top -b` shows the live view every few seconds (the
# live page is on http://127.0.0.1:PORT/ when
# DEMO_HTTP=PORT is set); at the end atoll prints its summary table and
# memory chart, and this script the UDP verdict: what the host received of
# what the guest sent.  The guests' consoles go to build/demo.log.  Every
# stage prints a line when it starts; nothing waits silently.
# usage: scripts/demo.sh ATOLL     (make demo-linux: the Linux guest demo)
set -euo pipefail
ATOLL=${1:-build/atoll}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
CONFIG=examples/demo.ini
SOCK=build/demo.sock # as in $CONFIG
LOG=build/demo.log
EVERY=${DEMO_EVERY:-3} # seconds between live views
T0=$SECONDS

step() { printf '\n\033[1m== [%3d s] %s\033[0m\n' $((SECONDS - T0)) "$*"; }

[ -x "$ATOLL" ] && [ -f build/guest/atoll-os.elf ] &&
	[ -f build/linux/Image ] && [ -f build/linux/rootfs.img ] || {
	echo "demo: build first: make all guest-programs linux-guest" >&2
	exit 2
}
# The block domains' disks: sparse 64 MiB images, made once.
[ -f build/demo-disk.img ] || truncate -s 64M build/demo-disk.img
[ -f build/demo-linux-disk.img ] || truncate -s 64M build/demo-linux-disk.img

# The host end of the io domain's UDP stream (10.0.2.2:5599 in the guest):
# bound before atoll starts (it says so in build/demo-udp.ready), a large
# receive buffer (UDP has no flow control: what is not read in time is
# lost), counting distinct datagrams until atoll has ended (SIGTERM).
step "the host's UDP listener on 127.0.0.1:5599"
rm -f build/demo-udp.ready build/demo-udp.txt
python3 - >build/demo-udp.txt 2>&1 <<'PY' &
import signal, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
s.bind(("127.0.0.1", 5599))
open("build/demo-udp.ready", "w").close()
n, seen = 0, set()
def done(*_):
    print("%.1f MiB in %d datagrams" % (n / 2**20, len(seen)))
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    d = s.recv(2048)
    n += len(d)
    if len(d) >= 8:
        seen.add(struct.unpack("<Q", d[:8])[0])
PY
sink=$!
for _ in $(seq 100); do
	[ -f build/demo-udp.ready ] && break
	sleep 0.05
done
[ -f build/demo-udp.ready ] || {
	echo "demo: the UDP listener did not start: $(cat build/demo-udp.txt)" >&2
	exit 1
}

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
kill -TERM "$sink" 2>/dev/null || true
wait "$sink" 2>/dev/null || true
step "the guests' verdicts ($LOG)"
grep -E "^[a-z]+\| ([a-z]+: (ok|verdict)|atoll-os: (all ok|FAIL))" "$LOG" ||
	true
grep -E "^[a-z]+\| (blkbench: dev|udpstream: bytes)" "$LOG" || true
grep -E "^linux\| (atoll-linux: eth0|blk: verified|memhog: (pass|FAIL))" \
	"$LOG" || true
sent=$(grep -o "udpstream: bytes=[0-9]*" "$LOG" | head -n 1 | cut -d= -f2)
got=$(cat build/demo-udp.txt)
step "UDP: what the host received of the io domain's stream"
if [ -n "$sent" ] && [ "$sent" -gt 0 ]; then
	got_b=$(awk '{ printf "%d", $1 * 1048576 }' <<<"$got")
	echo "the guest sent $(awk -v b="$sent" 'BEGIN { printf "%.1f", b / 1048576 }') MiB;" \
		"the host received $got ($(awk -v g="$got_b" -v s="$sent" \
			'BEGIN { printf "%.0f", 100 * g / s }') %)"
else
	echo "the guest sent nothing (see $LOG); the host received $got"
fi
printf '\nMore: make demo-linux (Linux on atoll, atoll vs QEMU), make test.\n'
exit $rc
