#!/bin/bash
# Linux I/O side by side: the same kernel, root image and flags on atoll
# and on QEMU (TCG, virtio-mmio devices on both).  Inside Linux, atoll's own
# tools measure virtio-blk (O_DIRECT sequential 1 MiB and random 4 KiB,
# read and write, on a second disk) and virtio-net (TCP guest -> host
# through the user-mode NAT to a sink on the host's loopback); boot time is
# launch to the init's `ready` line.
#
# usage: bench/linux.sh [ATOLL]      (make bench-linux)
# env:   BLK_MIB (64), RAND_N (2000), NET_MIB (32)
# Prints one line per figure: `linux-bench: NAME atoll A qemu Q UNIT (A/Q)`.
set -uo pipefail

TEST=linux-bench
. "$(dirname "$0")/../tests/linux/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
BLK_MIB=${BLK_MIB:-64}
RAND_N=${RAND_N:-2000}
NET_MIB=${NET_MIB:-32}

# A TCP sink on the host: accepts one connection, reads it to the end.
sink() {
	python3 - "$1" <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
s.settimeout(600)
c, _ = s.accept()
while c.recv(1 << 20):
    pass
c.close()
PY
	SINK_PID=$!
}

# one NAME EMULATOR-ARGS...: boot, run the benchmarks, power off.
one() {
	local name=$1 port run
	shift
	port=$(free_port)
	sink "$port"
	run="atoll.run=blk,seqwrite,/dev/vdb,$BLK_MIB+blk,seqread,/dev/vdb,$BLK_MIB"
	run+="+blk,randwrite,/dev/vdb,$BLK_MIB,$RAND_N+blk,randread,/dev/vdb,$BLK_MIB,$RAND_N"
	run+="+net,tcp-send,10.0.2.2,$port,$NET_MIB+poweroff"
	run "$name" 900 "$@" -m 512M -kernel "$IMAGE" \
		-append "$ROOT_APPEND $run" \
		-drive "file=$(scratch_disk "$name-root"),format=raw,if=none,id=d0" \
		-device virtio-blk-device,drive=d0 \
		-drive "file=$(scratch_disk "$name-data" $((BLK_MIB + 1))),format=raw,if=none,id=d1" \
		-device virtio-blk-device,drive=d1 \
		-netdev user,id=n0 -device virtio-net-device,netdev=n0
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	rm -f "$OUT/$name-root.img" "$OUT/$name-data.img"
	need "$name" "net: tcp-send"
}

# figure NAME REGEX UNIT: the number REGEX captures in each log, side by side.
figure() {
	local a q
	a=$(sed -n "s|.*$2.*|\\1|p" "$OUT/bench-atoll.log" | head -n1)
	q=$(sed -n "s|.*$2.*|\\1|p" "$OUT/bench-qemu.log" | head -n1)
	awk -v n="$1" -v a="$a" -v q="$q" -v u="$3" 'BEGIN {
		printf "linux-bench: %-18s atoll %8s qemu %8s %-6s (%.2fx)\n",
			n, a, q, u, (q > 0 ? a / q : 0) }'
}

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
build_guest
one bench-atoll "$ATOLL" boot
one bench-qemu "$QEMU" -machine virt -nographic
figure "boot to init" '+\([0-9.]*\) atoll-linux: run: blk' s
figure "blk seqwrite 1M" 'seqwrite .*: \([0-9.]*\) MB/s' MB/s
figure "blk seqread 1M" 'seqread .*: \([0-9.]*\) MB/s' MB/s
figure "blk randwrite 4K" 'randwrite .*: \([0-9]*\) IOPS' IOPS
figure "blk randread 4K" 'randread .*: \([0-9]*\) IOPS' IOPS
figure "net tcp guest->host" 'tcp-send .*: \([0-9.]*\) MB/s' MB/s
