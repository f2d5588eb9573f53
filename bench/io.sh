# shellcheck shell=bash disable=SC2154 # variables of bench/run.sh
# PV I/O section of bench/run.sh (sourced: uses its ATOLL, atoll_ok, OUT,
# REPS, BUILD, fail, median, calc, ratio and ATOLL_TIMEOUT).
#
#  (a) the host ring microbenchmark (bench/ringbench_host.c): atoll's
#      ring.h against Xen's <xen/io/ring.h> macros in one process, 64-byte
#      messages, 256 slots, unbatched and 32 per push;
#  (b) ringbench in atoll-os against atoll's echo device: batch 1 vs 32,
#      hold-off on vs off, notifications and upcalls per message;
#  (c) blkbench in atoll-os: the PV disk vs the emulated ATA PIO disk
#      (same image), exits per request; PV hold-off on vs off;
#  (d) netstream and pingpong between two atoll-os domains.
# QEMU has no Xen PV devices, so the PV peer of (c) and (d) is atoll's own
# emulated device in the same run, not QEMU.  A part whose workload is not
# in this atoll-os yet prints "not available" instead of failing.
IO_OS=$BUILD/guest/atoll-os.elf
IO_RING=$BUILD/bench/ringbench_host
IO_REPS=$((REPS < 5 ? 5 : REPS))

# io_field LOG PREFIX KEY: KEY's value on the first "PREFIX" line of LOG
# (domain prefixes "NAME| " removed).
io_field() {
	tr -d '\r' <"$1" | sed 's/^[a-z0-9_-]*| *//' | grep "^$2" | head -1 |
		tr ' ' '\n' | sed -n "s/^$3=//p"
}
# io_missing LOG NAME: the workload is not in this atoll-os (yet).
io_missing() {
	tr -d '\r' <"$1" | grep -q "unknown workload '$2'\|$2: verdict FAIL not built yet"
}
io_ok() { tr -d '\r' <"$1" | grep -q "$2: verdict ok"; }
io_val() { echo "${1:--}"; }

# io_boot LOG ARGS...: atoll-os on atoll (atoll boot), its exit status.
io_boot() {
	local log=$1
	shift
	timeout -k 5 "$ATOLL_TIMEOUT" "$ATOLL" boot -m 64M "$@" "$IO_OS" \
		</dev/null >"$log" 2>"$log.err"
}

# (a) host ring microbenchmark
io_ring() {
	local log=$OUT/ringbench_host.log b
	if [ "${BENCH_NO_BUILD:-0}" != 1 ] && ! make --no-print-directory \
		"$IO_RING" >"$OUT/make-ringbench.log" 2>&1; then
		fail "ringbench_host: build failed (see $OUT/make-ringbench.log)"
		return
	fi
	timeout -k 5 300 "$IO_RING" -n 1000000 -r "$IO_REPS" >"$log" 2>&1 ||
		fail "ringbench_host failed (see $log)"
	printf 'host ring microbenchmark: 64-byte messages, 256 slots (a 16 KiB+ ring),\n'
	printf '  2 threads spinning, median of %s runs (M messages/s)\n' "$IO_REPS"
	printf '  %-24s %10s %10s %10s %12s\n' "" "atoll" "Xen" "atoll/Xen" \
		"best-run"
	for b in 1 32; do
		printf '  %-24s %10s %10s %10s %12s\n' \
			"$([ $b = 1 ] && echo unbatched || echo "32 per push")" \
			"$(io_mmsg "$log" $b atoll_msgs_per_s)" \
			"$(io_mmsg "$log" $b xen_msgs_per_s)" \
			"$(io_val "$(io_field "$log" "RINGBENCH median batch=$b " ratio)")" \
			"$(io_val "$(io_field "$log" "RINGBENCH median batch=$b " best_ratio)")"
	done
	echo "  (Xen: <xen/io/ring.h> from libxen-dev, same loop, same barriers;"
	echo "   sched_yield calls while a peer lost its cpu: $(grep -o \
		'yields=[0-9]*' "$log" | cut -d= -f2 |
		awk '{ s += $1 } END { print s + 0 }')"
	echo "   in all runs, host load $(cut -d' ' -f1 /proc/loadavg))"
}
io_mmsg() { # LOG BATCH KEY: million messages/s
	local v
	v=$(io_field "$1" "RINGBENCH median batch=$2 " "$3")
	[ -n "$v" ] && calc 2 "$v / 1000000" || echo "-"
}

# (b) ringbench against the echo device
io_ringbench() {
	local b h log
	printf '\nringbench in atoll-os (echo device, 32-slot ring, %s messages)\n' \
		"$IO_MSGS"
	printf '  %-24s %12s %14s %14s\n' "" "msgs/s" "notifies/msg" \
		"upcalls/msg"
	for b in 1 32; do
		for h in 1 0; do
			log=$OUT/ringbench.b$b.h$h.log
			io_boot "$log" --append "workload=ringbench count=$IO_MSGS batch=$b holdoff=$h"
			if io_missing "$log" ringbench; then
				echo "  ringbench: not available in this atoll-os"
				return
			fi
			io_ok "$log" ringbench ||
				fail "ringbench batch=$b holdoff=$h (see $log)"
			RB[$b:$h]=$(io_field "$log" "ringbench: batch" notifies_per_msg)
			printf '  %-24s %12s %14s %14s\n' \
				"batch=$b holdoff=$h" \
				"$(io_val "$(io_field "$log" "ringbench: batch" msgs_per_s)")" \
				"$(io_val "${RB[$b:$h]}")" \
				"$(io_val "$(io_field "$log" "ringbench: batch" upcalls_per_msg)")"
		done
	done
}

# (c) blkbench: PV vs ATA PIO, PV hold-off on vs off
io_blk_run() { # NAME ARGS: one blkbench run on a fresh image
	local log=$OUT/blkbench.$1.log img=$OUT/blkbench.img
	rm -f "$img"
	truncate -s 64M "$img"
	io_boot "$log" --disk "$img" --append "workload=blkbench $2"
	rm -f "$img"
	io_missing "$log" blkbench && return 2
	io_ok "$log" blkbench || fail "blkbench $2 (see $log)"
	return 0
}
io_blk() {
	local k log
	printf '\nblkbench in atoll-os: sequential 4 KiB reads, one image, PV ring vs\n'
	printf '  emulated ATA PIO (one word per trapped access); the PV peer is\n'
	printf "  atoll's own emulated disk (QEMU has no Xen PV devices)\n"
	for k in pv ata pv0; do
		case $k in
		pv) io_blk_run $k "dev=pv op=read pattern=seq holdoff=1" ;;
		ata) io_blk_run $k "dev=ata op=read pattern=seq" ;;
		pv0) io_blk_run $k "dev=pv op=read pattern=seq holdoff=0" ;;
		esac
		if [ $? = 2 ]; then
			echo "  blkbench: not available in this atoll-os"
			return
		fi
		log=$OUT/blkbench.$k.log
		BK[$k:mbps]=$(io_val "$(io_field "$log" "blkbench: dev" MBps)")
		BK[$k:iops]=$(io_val "$(io_field "$log" "blkbench: dev" IOPS)")
		BK[$k:exits]=$(io_val "$(io_field "$log" "blkbench: dev" exits_per_req)")
		BK[$k:irqs]=$(io_val "$(io_field "$log" "blkbench: dev" irqs_per_req)")
	done
	printf '  %-24s %10s %10s %12s %12s\n' "" "MB/s" "IOPS" "exits/req" \
		"irqs/req"
	for k in pv ata pv0; do
		printf '  %-24s %10s %10s %12s %12s\n' \
			"$(case $k in pv) echo "PV (hold-off)" ;;
				ata) echo "ATA PIO" ;;
				pv0) echo "PV (no hold-off)" ;; esac)" \
			"${BK[$k:mbps]}" "${BK[$k:iops]}" "${BK[$k:exits]}" \
			"${BK[$k:irqs]}"
	done
	BK[ratio]=$(ratio "${BK[pv:mbps]}" "${BK[ata:mbps]}")
	echo "  PV/ATA throughput: ${BK[ratio]}x"
}

# (d) guest-to-guest network: two domains on atoll's virtual switch
io_net_run() { # NAME RECV_ARGS SEND_ARGS
	local ini=$OUT/net.$1.ini log=$OUT/net.$1.log
	cat >"$ini" <<EOF
[host]
machine_memory = 160M

[domain rx]
memory = 64M
kernel = $IO_OS
net = yes
mac = 02:a7:0d:00:00:01
cmdline = $2

[domain tx]
memory = 64M
kernel = $IO_OS
net = yes
mac = 02:a7:0d:00:00:02
cmdline = $3 peer=02:a7:0d:00:00:01
EOF
	timeout -k 5 "$ATOLL_TIMEOUT" "$ATOLL" run "$ini" </dev/null \
		>"$log" 2>"$log.err"
}
io_net() {
	local log=$OUT/net.stream.log
	printf '\nguest-to-guest network (two atoll-os domains, virtual switch)\n'
	io_net_run stream "workload=netstream role=recv" \
		"workload=netstream role=send mb=8"
	if io_missing "$log" netstream; then
		echo "  netstream: not available in this atoll-os"
	else
		io_ok "$log" netstream || fail "netstream (see $log)"
		printf '  %-24s %10s MB/s %10s frames/s, lost %s\n' \
			"netstream (1514 B)" \
			"$(io_val "$(io_field "$log" "netstream: role=recv" MBps)")" \
			"$(io_val "$(io_field "$log" "netstream: role=recv" pps)")" \
			"$(io_val "$(io_field "$log" "netstream: role=recv" lost)")"
	fi
	log=$OUT/net.pingpong.log
	io_net_run pingpong "workload=pingpong role=pong" \
		"workload=pingpong role=ping count=1000"
	if io_missing "$log" pingpong; then
		echo "  pingpong: not available in this atoll-os"
		return
	fi
	io_ok "$log" pingpong || fail "pingpong (see $log)"
	printf '  %-24s min %s us, median %s us, p99 %s us\n' \
		"pingpong round trip" \
		"$(io_val "$(io_field "$log" "pingpong: count" rtt_us_min)")" \
		"$(io_val "$(io_field "$log" "pingpong: count" rtt_us_median)")" \
		"$(io_val "$(io_field "$log" "pingpong: count" rtt_us_p99)")"
}

IO_MSGS=${IO_MSGS:-100000}
declare -A RB BK
echo "bench: io: PV I/O (host ring, ringbench, blkbench, net)"
io_ring
if [ "$atoll_ok" != 1 ]; then
	echo "  (atoll unavailable: no guest PV I/O numbers)"
elif [ ! -f "$IO_OS" ]; then
	fail "io: $IO_OS not built"
else
	io_ringbench
	io_blk
	io_net
fi

echo "  targets (atoll):"
target "PV/ATA block throughput >= 10x" "${BK[ratio]:--}" ">=" 10
target "PV notifies/req, hold-off <= 0.01" "${BK[pv:exits]:--}" "<=" 0.01
target "ringbench notifies/msg <= 0.01" "${RB[32:1]:--}" "<=" 0.01
