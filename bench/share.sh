#!/bin/bash
# Page sharing benchmark (docs/sharing.md); run alone or as the "share"
# workload of bench/run.sh.  Figures:
#  - saved_pct: four identical idle atoll-os domains (32 MiB each, one
#    image) with share_rate = 5000 (KSM's 100 pages per 20 ms): frames
#    saved / frames the domains hold once the scan has settled (the
#    saving moved by less than one point of the frames held for 10 s);
#    target >= 67 % (ESX's best published figure);
#  - settle_s: start of atoll to the last move of the saving by a point;
#  - scanner_cpu_pct: the scanner thread's CPU time (cpu_ns) over the
#    wall time of that run, % of one core; target <= 5;
#  - cow_break_us and write_slowdown_pct: two domains (workload share,
#    2 x 1024 pages each) write every page once, shared (after the scan)
#    vs never shared (sharing = no), in interleaved pairs; the guest times
#    its own writes: (shared - private) / pages, target <= 2 us; and
#    shared / private - 1.  On a busy host this difference of two wall
#    times is mostly noise, so:
#  - cow_break_atoll_us: the same shared runs, each break timed by atoll
#    on the writer's vCPU thread (stats mem.cow_break_ns, share_time.c):
#    the median break of each run; the runs' quartiles and the parts
#    (lock wait, copy, shootdown) are printed.
#  - linux_saved_pct, linux_settle_s, linux_scanner_cpu_pct: the same
#    for LINUX_N (4) identical idle Linux domains (64 MiB each, one
#    kernel, the one read-only root image on virtio-blk, a virtio
#    balloon with free page reporting, the init asleep after boot:
#    tests/linux/), share_rate 5000, settled as above; also the
#    copy-on-write breaks per second idle Linux makes (it builds the
#    Linux guest with make linux-guest).
# usage: bench/share.sh [-n MIN] [-N MAX]; env BUILD, ATOLL, RESULT as
# bench/policy.sh; PARTS (default "idle linux write": which of the three
# to run), LINUX_N.
set -u
BUILD=${BUILD:-build}
ATOLL=${ATOLL:-$BUILD/atoll}
OS=$BUILD/guest/atoll-os.elf
REPS=3
MAXP=7
# shellcheck source=bench/lib/section.bash
. "$(dirname "$0")/lib/section.bash"
section_start share "$@"
export ATOLL_SOCKET=$tmp/sock
status=0
PARTS=${PARTS:-idle linux write}
part() { [[ " $PARTS " == *" $1 "* ]]; }

now() { date +%s.%N; }

# settle_watch LIMIT: poll the saving (% of the frames held) every second
# until it has moved by less than one point for 10 s (and is not 0), or
# LIMIT seconds passed, or atoll ended; settled_at is when it last moved
# by a point or more (now's clock).  1 if it did not settle.  (Guests
# keep writing a few pages, which the scanner merges again: the saving
# never stops moving by a frame or two.)
settle_watch() {
	local end=$((SECONDS + $1)) ref='' v t
	settled_at=$(now)
	while [ $SECONDS -lt "$end" ] && kill -0 "$pid" 2>/dev/null; do
		sleep 1
		v=$(q "'%.2f' % (100.0 * h['saved'] / max(1, sum(m['populated'] for m in d.values())))") || continue
		[ -n "$v" ] || continue
		t=$(now)
		if [ -z "$ref" ] || awk -v a="$v" -v b="$ref" \
			'BEGIN { d = a - b; exit !(d > 1 || d < -1) }'; then
			ref=$v settled_at=$t
		fi
		awk -v a="$t" -v b="$settled_at" -v v="$v" \
			'BEGIN { exit !(a - b >= 10 && v > 0) }' && return 0
	done
	return 1
}

# One idle run: "saved_pct settle_s cpu_pct".
idle_run() {
	local t0 cfg=$tmp/idle.ini
	{
		printf '[host]\nmachine_memory = 256M\ncontrol_socket = %s\n' \
			"$ATOLL_SOCKET"
		printf 'share_rate = 5000\n'
		for i in 1 2 3 4; do
			printf '\n[domain idle%d]\nmemory = 32M\nkernel = %s\n' \
				"$i" "$OS"
			printf 'cmdline = workload=idle ticks=30000\n'
		done
	} >"$cfg"
	rm -f "$ATOLL_SOCKET"
	t0=$(now)
	"$ATOLL" run "$cfg" </dev/null >"$tmp/idle.out" 2>&1 &
	pid=$!
	settle_watch 120 || echo "share: the idle run did not settle" >&2
	r=$(q "'%.1f %.3f' % (100.0 * h['saved'] / sum(m['populated'] for m in d.values()), h['cpu_ns'] / 1e9)")
	kill -TERM $pid 2>/dev/null
	wait $pid 2>/dev/null
	pid=
	[ -n "$r" ] || return 1
	read -r pct cpu <<<"$r"
	awk -v p="$pct" -v c="$cpu" -v t0="$t0" -v tl="$settled_at" -v e="$(now)" \
		'BEGIN { printf "%s %.2f %.2f\n", p, tl - t0, 100 * c / (e - t0) }'
}

# One write run, shared (1) or not (0): the guests' write time, us.
write_run() {
	local cfg=$tmp/w.ini sharing=yes us
	[ "$1" = 0 ] && sharing=no
	{
		printf '[host]\nmachine_memory = 256M\ncontrol_socket = %s\n' \
			"$ATOLL_SOCKET"
		printf 'share_rate = 50000\n'
		for i in 1 2; do
			printf '\n[domain w%d]\nmemory = 32M\nkernel = %s\n' "$i" "$OS"
			printf 'sharing = %s\n' "$sharing"
			printf 'cmdline = workload=share pages=1024 id=%d ticks=12000\n' "$i"
		done
	} >"$cfg"
	rm -f "$ATOLL_SOCKET"
	"$ATOLL" run "$cfg" </dev/null >"$tmp/w.out" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		[ "$(grep -c 'share: filled' "$tmp/w.out")" = 2 ] && break
		sleep 0.1
	done
	# Shared: wait until both hold all 2048 pages shared.
	if [ "$1" = 1 ]; then
		for _ in $(seq 600); do
			[ "$(q "int(d['w1']['shared'] >= 2048 and d['w2']['shared'] >= 2048)")" = 1 ] && break
			sleep 0.2
		done
	fi
	for i in 1 2; do
		{ printf 'write\n'; sleep 0.5; } |
			timeout 15 "$ATOLL" console w$i >/dev/null 2>&1
		for _ in $(seq 300); do
			grep -q "^w$i| share: wrote" "$tmp/w.out" && break
			sleep 0.1
		done
	done
	# The breaks as atoll timed them (shared runs): "p50 mean p25 p75
	# parts".
	[ "$1" = 1 ] && q "'%.3f %.3f %.3f %.3f wait %.2f copy %.2f (p90 %.2f) shootdown %.2f n %d' % tuple([t[k] / 1e3 for k in ('p50', 'mean', 'p25', 'p75', 'wait_p50', 'copy_p50', 'copy_p90', 'shootdown_p50')] + [t['n']]) if (t := d['w1']['cow_break_ns']) else ''" \
		>"$tmp/w.atoll"
	for i in 1 2; do
		{ printf 'quit\n'; sleep 0.5; } |
			timeout 15 "$ATOLL" console w$i >/dev/null 2>&1
	done
	wait $pid 2>/dev/null
	pid=
	# w1 writes first: every page it writes is a copy (w2 then takes
	# the frames back as their last sharer).
	us=$(sed -n 's/^w1| share: wrote \([0-9]*\) pages in \([0-9]*\) us.*/\2/p' \
		"$tmp/w.out")
	[ -n "$us" ] && echo "$us"
}

if part idle; then
	echo "share: 4 identical idle atoll-os domains at 5000 pages/s, $REPS runs"
	sp='' ss='' sc=''
	for ((r = 1; r <= REPS; r++)); do
		if read -r p s c < <(idle_run) && [ -n "$c" ]; then
			sp+=" $p" ss+=" $s" sc+=" $c"
		else
			echo "share: idle run $r failed" >&2
			status=1
		fi
	done
	# shellcheck disable=SC2086 # lists of numbers
	{
		record share saved_pct % saved --target ">=" 67 -- $sp
		record share settle_s s wall -- $ss
		record share scanner_cpu_pct % cpu --target "<=" 5 -- $sc
	}
fi

# One Linux run: "saved_pct settle_s cpu_pct breaks_per_s".
linux_run() {
	local cfg=$tmp/lin.ini t0 end b0 r pct cpu b1
	{
		printf '[host]\nmachine_memory = %dM\ncontrol_socket = %s\n' \
			$((LINUX_N * 64 + 64)) "$ATOLL_SOCKET"
		printf 'share_rate = 5000\n'
		for ((i = 1; i <= LINUX_N; i++)); do
			printf '\n[domain lin%d]\nmemory = 64M\nkernel = %s\n' \
				"$i" "$LINUX_DIR/Image"
			printf 'cmdline = root=/dev/vda1 ro console=ttyS0 %s\n' \
				"atoll.run=sleep,600+poweroff"
			printf "disk = [ '%s,raw,vda,ro' ]\nvirtio = balloon\n" \
				"$LINUX_DIR/rootfs.img"
		done
	} >"$cfg"
	rm -f "$ATOLL_SOCKET"
	t0=$(now)
	"$ATOLL" run "$cfg" </dev/null >"$tmp/lin.out" 2>&1 &
	pid=$!
	end=$((SECONDS + 300))
	# Every domain booted to its init (it sleeps from then on).
	while [ $SECONDS -lt $end ] && kill -0 $pid 2>/dev/null &&
		[ "$(grep -c 'atoll-linux: run: sleep' "$tmp/lin.out")" != "$LINUX_N" ]; do
		sleep 0.5
	done
	if [ "$(grep -c 'atoll-linux: run: sleep' "$tmp/lin.out")" != "$LINUX_N" ]; then
		echo "share: not every Linux domain booted:" >&2
		tail -5 "$tmp/lin.out" >&2
		kill -TERM $pid 2>/dev/null
		wait $pid 2>/dev/null
		pid=
		return 1
	fi
	settle_watch 240 || echo "share: the Linux run did not settle" >&2
	# Breaks per second over 5 s of the settled guests.
	b0=$(q "h['cow_breaks']")
	sleep 5
	r=$(q "'%.2f %.3f %d' % (100.0 * h['saved'] / sum(m['populated'] for m in d.values()), h['cpu_ns'] / 1e9, h['cow_breaks'])")
	kill -TERM $pid 2>/dev/null
	wait $pid 2>/dev/null
	pid=
	[ -n "$r" ] && [ -n "$b0" ] || return 1
	read -r pct cpu b1 <<<"$r"
	awk -v p="$pct" -v c="$cpu" -v t0="$t0" -v tl="$settled_at" \
		-v e="$(now)" -v b="$((b1 - b0))" \
		'BEGIN { printf "%s %.2f %.2f %.1f\n", p, tl - t0, 100 * c / (e - t0), b / 5 }'
}

if part linux; then
	LINUX_N=${LINUX_N:-4}
	LINUX_DIR=$BUILD/linux
	echo "share: $LINUX_N identical idle Linux domains at 5000 pages/s," \
		"$REPS runs"
	if make -C "$(dirname "$0")/.." --no-print-directory linux-guest \
		>"$tmp/make.log" 2>&1 &&
		[ -f "$LINUX_DIR/Image" ] && [ -f "$LINUX_DIR/rootfs.img" ]; then
		lp='' ls='' lc='' lb=''
		for ((r = 1; r <= REPS; r++)); do
			if read -r p s c b < <(linux_run) && [ -n "$b" ]; then
				lp+=" $p" ls+=" $s" lc+=" $c" lb+=" $b"
				echo "share: Linux run $r: saved $p %, settled" \
					"at $s s, scanner $c % of a core, $b" \
					"breaks/s, load $(cut -d' ' -f1 /proc/loadavg)"
			else
				echo "share: Linux run $r failed" >&2
				status=1
			fi
		done
		# shellcheck disable=SC2086 # lists of numbers
		{
			record share linux_saved_pct % saved --target ">=" 67 -- $lp
			record share linux_settle_s s wall -- $ls
			record share linux_scanner_cpu_pct % cpu --target "<=" 5 -- $lc
			record share linux_cow_breaks_per_s /s wall -- $lb
		}
	else
		tail -5 "$tmp/make.log" >&2
		echo "share: the Linux guest did not build: Linux part skipped" >&2
		status=1
	fi
fi

if part write; then
	echo "share: 2 domains write 2048 pages each, shared vs private," \
		"$REPS..$MAXP pairs"
	cb='' sl='' ca='' cm=''
	for ((r = 1; r <= MAXP; r++)); do
		if a=$(write_run 1) && read -r am amean at_rest <"$tmp/w.atoll" &&
			b=$(write_run 0) && [ -n "$a" ] && [ -n "$b" ] && [ -n "$am" ]; then
			cb+=" $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", (a - b) / 2048 }')"
			sl+=" $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", 100 * (a / b - 1) }')"
			ca+=" $am" cm+=" $amean"
			echo "share: pair $r: guest-timed $a vs $b us; atoll-timed" \
				"break median $am us, mean $amean (p25, p75, medians" \
				"of parts: $at_rest), load $(cut -d' ' -f1 /proc/loadavg)"
		else
			echo "share: write pair $r failed" >&2
			status=1
		fi
		# shellcheck disable=SC2086 # a list of numbers
		[ $r -ge "$REPS" ] && st enough --target "<=" 2 ${ca:-99} && break
	done
	# shellcheck disable=SC2086 # lists of numbers
	{
		record share cow_break_us us wall --target "<=" 2 -- $cb
		record share cow_break_atoll_us us wall --target "<=" 2 \
			--note "per run: the median of the writer's breaks, timed by atoll on its vCPU thread" -- $ca
		record share cow_break_atoll_mean_us us wall \
			--note "per run: the mean of the same breaks (what writing many pages costs per page)" -- $cm
		record share write_slowdown_pct % wall -- $sl
	}
fi
[ -n "${own_result:-}" ] && st finish "$RESULT" \
	"$([ $status = 0 ] && echo ok || echo partial)"
exit $status
