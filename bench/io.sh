# shellcheck shell=bash disable=SC2154 # variables of bench/run.sh
# PV I/O section of bench/run.sh (sourced: uses its ATOLL, atoll_ok, OUT,
# REPS, MAXP, BUILD, fail, record, calc and ATOLL_TIMEOUT).
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
IO_REPS=$MAXP

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

# (a) host ring microbenchmark: IO_REPS runs of each implementation per
# mode, alternating which goes first; the k-th atoll and Xen runs form a
# pair, and each pair's ratio is one value of the figure.
io_ring() {
	local log=$OUT/ringbench_host.log b pairs
	if [ "${BENCH_NO_BUILD:-0}" != 1 ] && ! make --no-print-directory BUILD="$BUILD" \
		"$IO_RING" >"$OUT/make-ringbench.log" 2>&1; then
		fail "ringbench_host: build failed (see $OUT/make-ringbench.log)"
		return
	fi
	# Each run is bounded in time (-t), not only in messages: on a loaded
	# host the two spinning threads rarely run at once, and a fixed count
	# once took longer than the whole timeout.
	timeout -k 5 300 "$IO_RING" -n 2000000 -t 200 -r "$IO_REPS" >"$log" 2>&1 ||
		fail "ringbench_host failed (see $log)"
	echo "  host ring (ringbench_host): 64-byte messages, 256 slots, two" \
		"spinning threads; $IO_REPS pairs of runs of 200 ms (or 2,000,000 messages), wall time;"
	echo "  sched_yield calls while a peer lost its cpu: $(grep -o \
		'yields=[0-9]*' "$log" | cut -d= -f2 |
		awk '{ s += $1 } END { print s + 0 }')"
	for b in 1 32; do
		# "ratio atoll_mps" per pair, in run order.
		pairs=$(awk -v b=$b '$1 == "RINGBENCH" && $3 == "batch=" b {
			split($2, i, "="); split($6, m, "=")
			if (i[2] == "atoll") a[na++] = m[2]; else x[nx++] = m[2]
		} END { for (k = 0; k < na && k < nx; k++)
			if (x[k] > 0) printf "%.4f %.0f\n", a[k] / x[k], a[k] }' "$log")
		# shellcheck disable=SC2046 # lists of numbers
		{
			record io ring_${b}_atoll_per_xen x wall --target ">=" 1.0 \
				-- $(echo "$pairs" | cut -d' ' -f1)
			record io ring_${b}_atoll_msgs_per_s msgs/s wall \
				-- $(echo "$pairs" | cut -d' ' -f2)
		}
	done
}

# (b) ringbench against the echo device
io_ringbench() {
	local b h log
	echo "  ringbench in atoll-os (echo device, 32-slot ring, $IO_MSGS" \
		"messages), one run each"
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
			if [ $b = 32 ] && [ $h = 1 ]; then
				record io ringbench_b${b}_h${h}_notifies_per_msg \
					/msg count --target "<=" 0.01 -- \
					"$(io_field "$log" "ringbench: batch" notifies_per_msg)"
			else
				record io ringbench_b${b}_h${h}_notifies_per_msg \
					/msg count -- \
					"$(io_field "$log" "ringbench: batch" notifies_per_msg)"
			fi
			record io ringbench_b${b}_h${h}_msgs_per_s msgs/s wall -- \
				"$(io_field "$log" "ringbench: batch" msgs_per_s)"
		done
	done
}

# (c) blkbench: PV vs ATA PIO, PV hold-off on vs off
IO_BLK_MB=${IO_BLK_MB:-48}
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
	local r log ata
	echo "  blkbench in atoll-os: sequential 4 KiB reads of $IO_BLK_MB MiB," \
		"qd 32; PV ring vs emulated ATA PIO (one run; the PV peer is"
	echo "  atoll's own emulated disk: QEMU has no Xen PV devices); PV" \
		"with hold-off $REPS runs"
	io_blk_run ata "dev=ata op=read pattern=seq mb=8"
	if [ $? = 2 ]; then
		echo "  blkbench: not available in this atoll-os"
		return
	fi
	ata=$(io_field "$OUT/blkbench.ata.log" "blkbench: dev" MBps)
	io_blk_run pv0 "dev=pv op=read pattern=seq holdoff=0 mb=$IO_BLK_MB"
	for ((r = 1; r <= REPS; r++)); do
		io_blk_run pv.$r "dev=pv op=read pattern=seq holdoff=1 mb=$IO_BLK_MB"
		log=$OUT/blkbench.pv.$r.log
		BK[exits]+=" $(io_field "$log" "blkbench: dev" exits_per_req)"
		BK[irqs]+=" $(io_field "$log" "blkbench: dev" irqs_per_req)"
		BK[mbps]+=" $(io_field "$log" "blkbench: dev" MBps)"
		[ -n "$ata" ] && BK[ratio]+=" $(calc 2 \
			"$(io_field "$log" "blkbench: dev" MBps) / $ata")"
	done
	# shellcheck disable=SC2086 # lists of numbers
	{
		record io blk_pv_holdoff_exits_per_req /req count \
			--target "<=" 0.01 -- ${BK[exits]}
		record io blk_pv_holdoff_irqs_per_req /req count -- ${BK[irqs]}
		record io blk_pv_holdoff_mb_s MB/s wall -- ${BK[mbps]}
		record io blk_pv_per_ata x wall --target ">=" 10 -- ${BK[ratio]:-}
		record io blk_ata_mb_s MB/s wall -- "$ata"
		record io blk_pv_no_holdoff_exits_per_req /req count -- \
			"$(io_field "$OUT/blkbench.pv0.log" "blkbench: dev" exits_per_req)"
		record io blk_pv_no_holdoff_mb_s MB/s wall -- \
			"$(io_field "$OUT/blkbench.pv0.log" "blkbench: dev" MBps)"
	}
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
	echo "  guest-to-guest network (two atoll-os domains, virtual switch)," \
		"one run"
	io_net_run stream "workload=netstream role=recv" \
		"workload=netstream role=send mb=8"
	if io_missing "$log" netstream; then
		echo "  netstream: not available in this atoll-os"
	else
		io_ok "$log" netstream || fail "netstream (see $log)"
		record io netstream_mb_s MB/s wall -- \
			"$(io_field "$log" "netstream: role=recv" MBps)"
		record io netstream_lost frames count -- \
			"$(io_field "$log" "netstream: role=recv" lost)"
	fi
	log=$OUT/net.pingpong.log
	io_net_run pingpong "workload=pingpong role=pong" \
		"workload=pingpong role=ping count=1000"
	if io_missing "$log" pingpong; then
		echo "  pingpong: not available in this atoll-os"
		return
	fi
	io_ok "$log" pingpong || fail "pingpong (see $log)"
	record io pingpong_rtt_median_us us wall -- \
		"$(io_field "$log" "pingpong: count" rtt_us_median)"
	record io pingpong_rtt_p99_us us wall -- \
		"$(io_field "$log" "pingpong: count" rtt_us_p99)"
}

IO_MSGS=${IO_MSGS:-100000}
declare -A BK
echo "bench: io: PV I/O (host ring, ringbench, blkbench, net)"
io_ring
if [ "$atoll_ok" != 1 ]; then
	echo "  (atoll unavailable: no guest PV I/O numbers)"
	st missing "$RESULT" io "atoll unavailable: no guest PV I/O figures"
elif [ ! -f "$IO_OS" ]; then
	fail "io: $IO_OS not built"
	st missing "$RESULT" io "atoll-os not built: no guest PV I/O figures"
else
	io_ringbench
	io_blk
	io_net
fi

