#!/bin/bash
# Density benchmark (docs/sharing.md, "Density"); run alone or as the
# "density" workload of bench/run.sh.  The figure: the largest number of
# identical atoll-os domains (one image, 16 MiB each, workload `share`:
# 256 pages of a pattern every domain holds, 256 zero pages, and UNIQUE
# (256) pages of a pattern of its own, which sharing cannot save) that
# all hold their data at once and verify it to completion, on a fixed
# machine memory of 16 MiB, with sharing on (share_rate 50000) and off.
# The unique pages keep the figure bounded by memory, not by the 16
# domains one atoll runs: without them 16 domains used 487 of the 4096
# frames with sharing on.
#
# One try of N domains passes when every domain filled its pages (all N
# hold them at the same time: a domain only quits when told), then, told
# `quit`, checked every page and said "share: ok", and atoll exited 0.
# A try fails when that does not happen; it is given up when nothing moves
# for STALL seconds (no domain filled more, no new high of the gfns mapped
# or of the frames saved: the domains that did not fit wait for frames
# forever).
# The search: N = 1, 2, 3, 4, then doubling, then bisection (a failed try
# is tried once more: a try should fail only by stalling, which a loaded
# host does not cause).  It stops at MAX (default 16: the most domains
# one atoll runs), so a figure of MAX means "at least"; the machine frames
# the largest passing try used are printed, which says how far below the
# memory it stayed.
# usage: bench/density.sh [-n MIN] [-N MAX]; env BUILD, ATOLL, RESULT as
# bench/share.sh; STALL (default 30 s), UNIQUE (default 256); GUEST=linux:
# identical Linux domains instead (64 MiB each, the one read-only root
# image, memhog HOG_MIB (2) MiB verified, then asleep) in POOL (32M).
set -u
BUILD=${BUILD:-build}
ATOLL=${ATOLL:-$BUILD/atoll}
OS=$BUILD/guest/atoll-os.elf
REPS=1 # section_start reads -n into it (one search per mode)
MAXP=16
STALL=${STALL:-30}
UNIQUE=${UNIQUE:-256}
GUEST=${GUEST:-atoll-os}
if [ "$GUEST" = linux ]; then
	POOL=${POOL:-32M}
	HOG_MIB=${HOG_MIB:-2}
	LINUX_DIR=$BUILD/linux
	FILLED='atoll-linux: run: sleep'
	WHAT="Linux domains (64 MiB, memhog $HOG_MIB MiB verified, one read-only root image)"
else
	POOL=16M
	FILLED='share: filled'
	WHAT="atoll-os domains (16 MiB, share workload, $UNIQUE unique pages each)"
fi
# shellcheck source=bench/lib/section.bash
. "$(dirname "$0")/lib/section.bash"
section_start density "$@"
export ATOLL_SOCKET=$tmp/sock
NMAX=$MAXP
status=0

# try SHARING N: 0 when N domains fit and verify.
try() {
	local sharing=$1 n=$2 cfg=$tmp/d.ini out=$tmp/d.out filled last='' \
		moved i rate=0 pop saved best_pop=0 best_saved=0 now
	[ "$sharing" = on ] && rate=50000
	{
		printf '[host]\nmachine_memory = %s\ncontrol_socket = %s\n' \
			"$POOL" "$ATOLL_SOCKET"
		printf 'share_rate = %d\n' $rate
		for ((i = 1; i <= n; i++)); do
			if [ "$GUEST" = linux ]; then
				printf '\n[domain d%d]\nmemory = 64M\nkernel = %s\n' \
					"$i" "$LINUX_DIR/Image"
				printf 'cmdline = root=/dev/vda1 ro console=ttyS0 atoll.run=memhog,%d,1+sleep,600+poweroff\n' \
					"$HOG_MIB"
				printf "disk = [ '%s,raw,vda,ro' ]\n" \
					"$LINUX_DIR/rootfs.img"
				continue
			fi
			printf '\n[domain d%d]\nmemory = 16M\nkernel = %s\n' \
				"$i" "$OS"
			printf 'cmdline = workload=share pages=256 unique=%d id=%d balloon=0 ticks=360000\n' \
				"$UNIQUE" "$i"
		done
	} >"$cfg"
	rm -f "$ATOLL_SOCKET"
	"$ATOLL" run "$cfg" </dev/null >"$out" 2>&1 &
	pid=$!
	moved=$SECONDS
	while kill -0 $pid 2>/dev/null; do
		filled=$(grep -c "$FILLED" "$out")
		[ "$filled" = "$n" ] && break
		# Progress is a new high of the gfns mapped or of the frames
		# saved (the guests keep rewriting a few pages, which the
		# scanner merges again: merges alone are no progress).
		read -r pop saved <<<"$(q "sum(m['populated'] for m in d.values()), h['saved']" | tr -d '(),')"
		now=$filled:${pop:-0}:${saved:-0}
		if [ "${pop:-0}" -gt "$best_pop" ] ||
			[ "${saved:-0}" -gt "$best_saved" ] || [ "${now%%:*}" != "${last%%:*}" ]; then
			last=$now
			moved=$SECONDS
			[ "${pop:-0}" -gt "$best_pop" ] && best_pop=$pop
			[ "${saved:-0}" -gt "$best_saved" ] && best_saved=$saved
		elif [ $((SECONDS - moved)) -ge "$STALL" ]; then
			break
		fi
		sleep 0.5
	done
	if [ "$GUEST" = linux ]; then
		# Each memhog verified its pass before the sleep began.
		[ "$(grep -c "$FILLED" "$out")" = "$n" ] &&
			used[$n]=$(q "'%d frames in use of %d, %d gfns mapped' % (hs['frames'] - hs['free'], hs['frames'], sum(m['populated'] for m in d.values()))")
		kill -TERM $pid 2>/dev/null
		wait $pid 2>/dev/null
		pid=
		[ "$(grep -c 'memhog: pass 1: .* verified' "$out")" = "$n" ] &&
			! grep -q 'memhog: FAIL\|run: status [1-9]' "$out"
		return
	fi
	if [ "$(grep -c 'share: filled' "$out")" = "$n" ]; then
		used[$n]=$(q "'%d frames in use of %d, %d gfns mapped' % (hs['frames'] - hs['free'], hs['frames'], sum(m['populated'] for m in d.values()))")
		for ((i = 1; i <= n; i++)); do
			{ printf 'quit\n'; sleep 0.3; } |
				timeout 15 "$ATOLL" console d$i >/dev/null 2>&1
		done
	fi
	# Told to quit, they end; otherwise (a stall) they are stopped.
	moved=$SECONDS
	while kill -0 $pid 2>/dev/null &&
		[ "$(grep -c 'share: ok' "$out")" != "$n" ] &&
		[ $((SECONDS - moved)) -lt "$STALL" ]; do
		sleep 0.2
	done
	if [ "$(grep -c 'share: ok' "$out")" = "$n" ]; then
		wait $pid
		i=$?
	else
		kill -TERM $pid 2>/dev/null
		wait $pid 2>/dev/null
		i=1
	fi
	pid=
	grep -q 'share: FAIL' "$out" && {
		echo "density: a domain saw wrong data:" >&2
		grep 'share: FAIL' "$out" | head -3 >&2
		i=1
	}
	return $i
}

# fits SHARING N: try once more on a failure.
fits() { try "$1" "$2" || try "$1" "$2"; }

# search SHARING: the largest N <= NMAX that fits, and how it was found.
# (Run in a command substitution: it prints the frames the largest passing
# try used on its last line.)
search() {
	local s=$1 ok=0 bad=$((NMAX + 1)) n=1 mid log=''
	while [ $n -le $NMAX ]; do
		if fits "$s" $n; then
			ok=$n log+=" $n:ok"
		else
			bad=$n log+=" $n:no"
			break
		fi
		if [ $n -lt 4 ]; then n=$((n + 1)); else n=$((n * 2)); fi
		[ $n -gt $NMAX ] && [ $ok -lt $NMAX ] && n=$NMAX
	done
	while [ $((bad - ok)) -gt 1 ]; do
		mid=$(((ok + bad) / 2))
		if fits "$s" $mid; then
			ok=$mid log+=" $mid:ok"
		else
			bad=$mid log+=" $mid:no"
		fi
	done
	echo "$ok$log"
	echo "${used[$ok]:-}"
}

declare -A used

echo "density: identical $WHAT in $POOL of machine memory, sharing off and" \
	"on, up to $NMAX"
if [ "$GUEST" = linux ]; then
	make -C "$(dirname "$0")/.." --no-print-directory linux-guest \
		>"$tmp/make.log" 2>&1 || {
		tail -5 "$tmp/make.log" >&2
		echo "density: the Linux guest did not build" >&2
		exit 1
	}
	SECTION=density_linux
else
	SECTION=density
fi
for s in off on; do
	t0=$SECONDS
	r=$(search $s)
	u=$(sed -n 2p <<<"$r")
	r=$(sed -n 1p <<<"$r")
	best=${r%% *}
	echo "density: sharing $s: $best domains (tries:${r#"$best"};" \
		"$((SECONDS - t0)) s, load $(cut -d' ' -f1 /proc/loadavg))"
	[ -n "$u" ] && echo "density: sharing $s, $best domains filled: $u"
	if [ "$best" = 0 ]; then
		echo "density: not even one domain fits with sharing $s" >&2
		status=1
	fi
	note="largest N of the search (N = 1, 2, 3, 4, 8, ... up to $NMAX, then bisection):${r#"$best"}; $u"
	[ "$best" = "$NMAX" ] && note="at least (the search's bound): $note"
	record "$SECTION" "domains_sharing_$s" domains count \
		--note "$note" -- "$best"
	eval "best_$s=$best"
done
# shellcheck disable=SC2154 # set by the eval above
[ "$best_off" -gt 0 ] && echo "density: sharing fits" \
	"$(awk -v a="$best_on" -v b="$best_off" 'BEGIN { printf "%.1f", a / b }')x" \
	"as many domains"
[ -n "${own_result:-}" ] && st finish "$RESULT" \
	"$([ $status = 0 ] && echo ok || echo partial)"
exit $status
