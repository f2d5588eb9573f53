#!/bin/bash
# Four Linux domains whose maxmem adds up to twice machine memory (4 x
# 128 MiB on a 256 MiB pool), each on the shared read-only root image with
# a virtio-balloon (free page reporting, deflate on OOM), each running the
# verifying memory hog (guest/linux/memhog.c: fill, hold, check a seeded
# pattern) three times, 72 MiB a time, then powering off.  Together they
# want ~4 x 95 MiB at their peaks: the pool holds it only because the
# memory manager balloons, takes reported free pages back and, as the
# last resort, swaps.  Every hog must verify every pass, every domain
# must end by itself, and atoll's resident memory must stay below
# machine_memory + OVERHEAD_MIB (atoll's own memory for four Linux
# domains: code, libraries, thread stacks, soft TLBs, decoded pages,
# P2Ms, frame table, device queues; docs/virtio.md "Overcommitted Linux
# domains").  Under SAN=1 resident memory is not checked (shadow memory).
#
# usage: tests/linux/overcommit-test.sh [ATOLL]
TEST=linux-overcommit
. "$(dirname "$0")/lib/linux.bash"
build_guest
SYS_T=${SYS_T:-400} # four Linux boots and 864 MiB of hog passes on 2 cpus
# shellcheck source=tests/system/lib/sys.bash
source "$ROOT/tests/system/lib/sys.bash" "${1:-$ROOT/build/atoll}"
OVERHEAD_MIB=${OVERHEAD_MIB:-64}
POOL_MIB=256
DOMS=4
HOG_MIB=72
kernel=$IMAGE
rootfs=$OUT/rootfs.img

run="atoll.run=memhog,$HOG_MIB,1,1+memhog,$HOG_MIB,1,1+memhog,$HOG_MIB,1,1"
cat >"$tmp/cfg.ini" <<-INI
	[host]
	machine_memory = ${POOL_MIB}M
	swap_file = $tmp/swap
	swap_size = 512M
INI
for i in $(seq $DOMS); do
	cat >>"$tmp/cfg.ini" <<-INI

		[domain lin$i]
		maxmem = 128M
		memory = 128M
		kernel = $kernel
		cmdline = root=/dev/vda1 ro console=ttyS0 $run+poweroff
		disk = [ '$rootfs,raw,vda,ro' ]
		virtio = balloon
	INI
done

atoll_start "$tmp/cfg.ini"
atoll_wait
rc=$?
[ $rc = 124 ] && fail "atoll run did not finish in ${SYS_T}s"
[ $rc = 0 ] || fail "atoll run exited with status $rc"
for i in $(seq $DOMS); do
	n=$(tr -d '\r' <"$tmp/out" | grep -c "^lin$i| *memhog: pass 1: $HOG_MIB MiB verified")
	[ "$n" = 3 ] || fail "lin$i: $n of 3 hog runs verified"
	! tr -d '\r' <"$tmp/out" | grep -q "^lin$i| .*\(memhog: FAIL\|run: status [1-9]\|Out of memory\)" ||
		fail "lin$i: a hog failed or was killed"
done
# What the manager did (informational): its summary of each domain's
# peak, final, ballooned and swapped memory.
grep -E "^ *(DOMAIN|lin[0-9]) " "$tmp/err"
echo "linux-overcommit: $DOMS x 128 MiB maxmem on a ${POOL_MIB} MiB pool:" \
	"peak VmRSS $((peak_rss_kib / 1024)) MiB, VmHWM $((peak_hwm_kib / 1024)) MiB"
if [ "$SAN" = 1 ]; then
	echo "SAN=1: resident memory not checked"
	exit 0
fi
limit=$(((POOL_MIB + OVERHEAD_MIB) * 1024))
[ "$peak_hwm_kib" -le $limit ] ||
	fail "peak resident memory $((peak_hwm_kib / 1024)) MiB is above" \
		"machine_memory + overhead = $((limit / 1024)) MiB"
echo "linux-overcommit: ok"
