#!/bin/bash
# Linux guests side by side (the `linux` section of make bench; alone:
# make bench-linux): the same kernel, root image and flags on atoll and on
# QEMU (TCG, virtio-mmio devices on both), in paired, interleaved runs
# (atoll, QEMU, atoll, QEMU ...; bench/lib/stats.py, docs/benchmarks.md).
# In each run atoll's own tools inside Linux measure virtio-blk with
# O_DIRECT on two scratch disks: vdb one request at a time (qd 1), vdc
# with QD processes (requests in flight, "under load"), sequential 1 MiB
# and random 4 KiB, read and write; then TCP guest -> host through the
# user-mode NAT to a sink on the host's loopback (steady state: timed by
# the sink after the first NET_WARM_MIB MiB; the guest's own figure, warm-up
# included, is recorded as _cold); boot is launch to the
# init's first command.  atoll's --stats give the notifications (the
# driver's kicks) and interrupts per request of each disk.  Each figure is
# recorded per pair as atoll/QEMU and as each side's value.
#
# usage: bench/linux.sh [-n MIN] [-N MAX] [-o JSON] [ATOLL]
#   -n/-N  pairs at least (3) / at most (5): more after MIN until the
#          sequential qd ratios' spreads decide their target (>= 1.0)
#   -o     result file to add to (made if missing; default
#          build/bench/linux.json)
# env: BLK_MIB (64), RAND_N (2000), QD (8), NET_MIB (24), NET_WARM_MIB
#      (8: TCP is timed at the host's sink after these);
#      PEER=path/to/atoll compares two atoll builds instead (the second
#      in QEMU's place: before/after a change, same method).
set -uo pipefail

TEST=linux-bench
. "$(dirname "$0")/../tests/linux/lib/linux.bash"
LIB=$ROOT/bench/lib
MINP=3
MAXP=5
RESULT=
while getopts "n:N:o:" opt; do
	case $opt in
	n) MINP=$OPTARG ;;
	N) MAXP=$OPTARG ;;
	o) RESULT=$OPTARG ;;
	*) sed -n '17,25s/^# \{0,1\}//p' "$0"; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
ATOLL=${1:-$ROOT/build/atoll}
BLK_MIB=${BLK_MIB:-64}
RAND_N=${RAND_N:-2000}
QD=${QD:-8}
NET_MIB=${NET_MIB:-24}
NET_WARM_MIB=${NET_WARM_MIB:-8}
PEER=${PEER:-}
PEER_NAME=qemu
[ -n "$PEER" ] && PEER_NAME=peer
if ! [[ "$MINP" =~ ^[1-9][0-9]*$ && "$MAXP" =~ ^[1-9][0-9]*$ ]] ||
	[ "$MAXP" -lt "$MINP" ]; then
	echo "linux-bench: -n and -N take positive integers, -N >= -n" >&2
	exit 2
fi
if ! [[ "$NET_MIB" =~ ^[0-9]+$ && "$NET_WARM_MIB" =~ ^[0-9]+$ ]] ||
	[ "$NET_WARM_MIB" -ge "$NET_MIB" ]; then
	echo "linux-bench: NET_WARM_MIB must be a number below NET_MIB" >&2
	exit 2
fi
st() { python3 "$LIB/stats.py" "$@"; }
RESULT=${RESULT:-$ROOT/build/bench/linux.json}
if [ ! -f "$RESULT" ]; then
	mkdir -p "$(dirname "$RESULT")"
	st init "$RESULT" "workloads=linux" "min_pairs=$MINP" \
		"max_pairs=$MAXP" "atoll=$(git -C "$ROOT" describe --always \
			--dirty 2>/dev/null || echo unknown)" || exit 1
	OWN_RESULT=1
fi

# sink PORT RATE: a TCP sink on the host: accepts one connection, reads
# it to the end, and writes to RATE the steady-state MB/s: the bytes after
# the first NET_WARM_MIB MiB over the time from the read that passed them
# to the end of the stream, on the host's clock (the same for atoll and
# QEMU; the guest's own figure includes the warm-up: its first bytes pay
# for translating the network stack and TCP's slow start).  Returns once
# it listens (a guest that boots fast connects at once).
sink() {
	local ready=$OUT/sink.ready i
	rm -f "$ready" "$2"
	python3 - "$1" "$ready" "$NET_WARM_MIB" "$2" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(1)
open(sys.argv[2], "w").close()
s.settimeout(600)
c, _ = s.accept()
warm, got, t0, at = int(sys.argv[3]) << 20, 0, None, 0
while True:
    b = c.recv(1 << 20)
    if not b:
        break
    got += len(b)
    if t0 is None and got >= warm:
        t0, at = time.monotonic(), got
end = time.monotonic()
c.close()
if t0 is not None and got > at and end > t0:
    with open(sys.argv[4], "w") as f:
        f.write("%.2f\n" % ((got - at) / 1e6 / (end - t0)))
PY
	SINK_PID=$!
	for i in $(seq 300); do
		[ -e "$ready" ] && return
		sleep 0.1
	done
	fail "the TCP sink did not start"
}

# The guest's commands: qd 1 on vdb, qd QD on vdc, then the network.
RUN="atoll.run="
for d in "vdb 1" "vdc $QD"; do
	set -- $d
	RUN+="blk,seqwrite,/dev/$1,$BLK_MIB,$2+blk,seqread,/dev/$1,$BLK_MIB,$2+"
	RUN+="blk,randwrite,/dev/$1,$BLK_MIB,$RAND_N,$2+"
	RUN+="blk,randread,/dev/$1,$BLK_MIB,$RAND_N,$2+"
done

# one NAME EMULATOR-ARGS...: boot, run the benchmarks, power off; 0 if
# every command ran.
one() {
	local name=$1 port
	shift
	port=$(free_port)
	sink "$port" "$OUT/$name.tcp"
	run "$name" 900 "$@" -m 512M -kernel "$IMAGE" \
		-append "$ROOT_APPEND ${RUN}net,tcp-send,10.0.2.2,$port,$NET_MIB+poweroff" \
		-drive "file=$(scratch_disk "$name-root"),format=raw,if=none,id=d0" \
		-device virtio-blk-device,drive=d0 \
		-drive "file=$(scratch_disk "$name-b" $((BLK_MIB + 1))),format=raw,if=none,id=d1" \
		-device virtio-blk-device,drive=d1 \
		-drive "file=$(scratch_disk "$name-c" $((BLK_MIB + 1))),format=raw,if=none,id=d2" \
		-device virtio-blk-device,drive=d2 \
		-netdev user,id=n0 -device virtio-net-device,netdev=n0
	kill "$SINK_PID" 2>/dev/null
	wait "$SINK_PID" 2>/dev/null
	rm -f "$OUT/$name"-{root,b,c}.img
	grep -qF "net: tcp-send" "$OUT/$name.log" &&
		! grep -q "run: status [1-9]" "$OUT/$name.log"
}

# val LOG OP QD: the figure of `blk: OP` at queue depth QD (MB/s for seq,
# IOPS for rand), or of net/boot (QD empty).
val() {
	case $2 in
	seq*) sed -n "s|.*blk: $2 .*: \([0-9.]*\) MB/s qd $3\$|\1|p" "$1" ;;
	rand*) sed -n "s|.*blk: $2 .*: \([0-9]*\) IOPS, .* qd $3\$|\1|p" "$1" ;;
	net) cat "${1%.log}.tcp" 2>/dev/null ;;
	netcold) sed -n 's|.*net: tcp-send .*: \([0-9.]*\) MB/s.*|\1|p' "$1" ;;
	boot) sed -n 's|^+\([0-9.]*\) atoll-linux: run: blk.*|\1|p' "$1" ;;
	esac | head -n1
}

# per_req LOG DISK KEY: KEY per request on atoll's DISK-th virtio-blk
# (0: root, 1: vdb, 2: vdc; the board gives slots from the top down).
per_req() {
	grep -o 'stats virtio-blk@[0-9a-f]* requests=.*' "$1" | sort -r |
		sed -n "$(($2 + 1))p" | awk -v k="$3" '{
			for (i = 1; i <= NF; i++) { split($i, f, "="); v[f[1]] = f[2] }
			if (v["requests"] > 0) printf "%.4f", v[k] / v["requests"] }'
}

FIGS="boot net netcold"
for q in 1 "$QD"; do
	for op in seqwrite seqread randwrite randread; do
		FIGS+=" $op:$q"
	done
done
declare -A A P R
add() { A[$1]+=" $2"; P[$1]+=" $3"; R[$1]+=" $(awk -v a="$2" -v p="$3" \
	'BEGIN { if (a > 0 && p > 0) printf "%.4f", a / p }')"; }
NOTE_Q1= IRQ_Q1= NOTE_QD= IRQ_QD=

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
build_guest
echo "linux: $MINP to $MAXP pairs (atoll, $PEER_NAME), $BLK_MIB MiB per" \
	"sequential pass, $RAND_N random requests, qd 1 and $QD, $NET_MIB MiB" \
	"TCP (timed after $NET_WARM_MIB); load $(cut -d' ' -f1-3 /proc/loadavg)"
pairs=0
while [ $pairs -lt "$MAXP" ]; do
	one bench-atoll "$ATOLL" boot --stats || fail "atoll run $((pairs + 1))" \
		"failed (log: $OUT/bench-atoll.log)"
	if [ -n "$PEER" ]; then
		one bench-peer "$PEER" boot || fail "peer run failed"
		plog=$OUT/bench-peer.log
	else
		one bench-qemu "$QEMU" -machine virt -nographic ||
			fail "QEMU run failed (log: $OUT/bench-qemu.log)"
		plog=$OUT/bench-qemu.log
	fi
	alog=$OUT/bench-atoll.log
	for f in $FIGS; do
		add "$f" "$(val "$alog" "${f%%:*}" "${f#*:}")" \
			"$(val "$plog" "${f%%:*}" "${f#*:}")"
	done
	NOTE_Q1+=" $(per_req "$alog" 1 notifies)"
	IRQ_Q1+=" $(per_req "$alog" 1 interrupts)"
	NOTE_QD+=" $(per_req "$alog" 2 notifies)"
	IRQ_QD+=" $(per_req "$alog" 2 interrupts)"
	pairs=$((pairs + 1))
	[ $pairs -lt "$MINP" ] && continue
	# shellcheck disable=SC2086 # lists of numbers
	st enough --target ">=" 1.0 ${R[seqwrite:$QD]} >/dev/null &&
		st enough --target ">=" 1.0 ${R[seqread:$QD]} >/dev/null && break
done

# shellcheck disable=SC2086 # lists of numbers
for f in $FIGS; do
	op=${f%%:*} q=${f#*:} unit=MB/s tgt=()
	case $op in
	boot) name=boot_to_init unit=s ;;
	net) name=net_tcp_guest_to_host tgt=(--target ">=" 1.0) ;;
	netcold) name=net_tcp_guest_to_host_cold ;;
	seq*) name=blk_${op}_1m_qd$q tgt=(--target ">=" 1.0) ;;
	rand*) name=blk_${op}_4k_qd$q unit=IOPS ;;
	esac
	[ -n "$PEER" ] && tgt=()
	st record "$RESULT" linux "${name}_atoll_per_$PEER_NAME" x wall \
		"${tgt[@]}" -- ${R[$f]}
	st record "$RESULT" linux "${name}_atoll" "$unit" wall -- ${A[$f]}
	st record "$RESULT" linux "${name}_$PEER_NAME" "$unit" wall -- ${P[$f]}
done
st record "$RESULT" linux blk_notifies_per_req_qd1 x count -- $NOTE_Q1
st record "$RESULT" linux blk_interrupts_per_req_qd1 x count -- $IRQ_Q1
st record "$RESULT" linux "blk_notifies_per_req_qd$QD" x count \
	--target "<=" 0.05 -- $NOTE_QD
st record "$RESULT" linux "blk_interrupts_per_req_qd$QD" x count -- $IRQ_QD
[ -n "${OWN_RESULT:-}" ] && st finish "$RESULT" ok
echo "linux: results in $RESULT; logs of the last pair in $OUT/bench-*.log"
