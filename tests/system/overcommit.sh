#!/bin/bash
# Overcommit: four memhog domains whose maxmem adds up to 2.7x machine
# memory, each touching 24-48 MiB in phases (144 MiB in all against a
# 96 MiB pool), must all finish with "memhog: ok" while atoll's resident
# memory stays below machine_memory + its own overhead.
#
# The overhead (atoll's code, libraries, thread stacks, soft TLBs, decoded
# pages, P2Ms and frame table) is measured first with the same four
# domains touching 1 MiB each (long enough to be sampled) and must stay within OVERHEAD_MIB (default
# 20, see docs/benchmarks.md: it includes the pool's pages those domains
# touch, counted in 2 MiB huge pages); the bound checked is
# machine_memory + OVERHEAD_MIB.  Under SAN=1 the sanitizer's shadow memory
# makes resident memory meaningless: only completion is checked.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-180} # swapping 1.5x the pool takes ~1 min on 2 cpus
source "$(dirname "$0")/lib/sys.bash" "$1"
OVERHEAD_MIB=${OVERHEAD_MIB:-20}
POOL_MIB=96
hog=$(need_elf mem-memhog)

# config FILE PHASES MIB...: one memhog domain per MIB figure.
config() {
	local f=$1 phases=$2 i=0 m
	shift 2
	cat >"$f" <<-INI
		[host]
		machine_memory = ${POOL_MIB}M
		swap_file = $tmp/swap
		swap_size = 256M
	INI
	for m in "$@"; do
		i=$((i + 1))
		cat >>"$f" <<-INI

			[domain hog$i]
			vcpus = 1
			memory = 64M
			maxmem = 64M
			kernel = $hog
			cmdline = memhog mib=$m phases=$phases seed=$i
		INI
	done
}

# run_hogs PHASES MIB...: run them to completion; every domain must say ok.
run_hogs() {
	local rc i phases=$1
	shift
	config "$tmp/cfg.ini" "$phases" "$@"
	atoll_start "$tmp/cfg.ini"
	atoll_wait
	rc=$?
	[ $rc = 124 ] && fail "atoll run did not finish in ${SYS_T}s"
	[ $rc = 0 ] || fail "atoll run exited with status $rc"
	for i in $(seq $#); do
		domain_ok "hog$i" "memhog: ok" ||
			fail "domain hog$i did not print 'memhog: ok'"
	done
}

run_hogs 400 1 1 1 1
base_kib=$peak_hwm_kib
echo "overhead: 4 domains touching 1 MiB each: VmHWM $((base_kib / 1024)) MiB"

peak_rss_kib=0
peak_hwm_kib=0
run_hogs 4 24 32 40 48
echo "overcommit: 144 MiB touched, 256 MiB maxmem, ${POOL_MIB} MiB pool:" \
	"peak VmRSS $((peak_rss_kib / 1024)) MiB, VmHWM" \
	"$((peak_hwm_kib / 1024)) MiB"
grep -i "swap" "$tmp/err" | head -n 3

if [ "$SAN" = 1 ]; then
	echo "SAN=1: resident memory not checked"
	exit 0
fi
[ $((base_kib / 1024)) -le "$OVERHEAD_MIB" ] ||
	fail "atoll's own overhead $((base_kib / 1024)) MiB is above" \
		"OVERHEAD_MIB=$OVERHEAD_MIB"
limit=$(((POOL_MIB + OVERHEAD_MIB) * 1024))
[ "$peak_hwm_kib" -le $limit ] ||
	fail "peak resident memory $((peak_hwm_kib / 1024)) MiB is above" \
		"machine_memory + overhead = $((limit / 1024)) MiB"
echo "overcommit: ok"
