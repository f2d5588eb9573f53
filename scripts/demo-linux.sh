#!/bin/bash
# `make demo-linux`: build the Linux guest (cached after the first time),
# boot it on atoll with two vCPUs using atoll's own SBI, then run the mixed
# CPU workload on atoll and on QEMU and compare.
# usage: scripts/demo-linux.sh ATOLL
set -euo pipefail
ATOLL=${1:-build/atoll}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/3  Linux guest kernel and user space (built once from Debian's linux-source-6.1, then cached)"
make --no-print-directory linux-guest

step "2/3  Linux on atoll: 2 vCPUs, 256 MiB, no firmware (atoll implements SBI)"
t0=$EPOCHREALTIME
timeout 120 "$ATOLL" boot -m 256M --smp 2 --append "console=ttyS0" \
	--initrd build/linux/initramfs.cpio build/linux/Image </dev/null
t1=$EPOCHREALTIME
printf 'atoll: guest powered off after %.2f s\n' "$(echo "$t1 - $t0" | bc)"

step "3/3  The same bare-metal CPU workload (mixed) on atoll and on QEMU TCG"
# Both print `BENCH ... ticks=T instret=N`: T counts the 10 MHz mtime.  atoll's
# instret is exact, so its count is used for both (same deterministic binary).
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }
a=$(timeout 120 "$ATOLL" boot --bios none build/guest/bench-mixed.elf </dev/null | grep '^BENCH')
q=$(timeout 120 qemu-system-riscv64 -machine virt -bios none -nographic \
	-m 256M -kernel build/guest/bench-mixed.elf </dev/null | tr -d '\r' | grep '^BENCH')
for r in "$a" "$q"; do
	echo "$r" | grep -q "check=ok" || { echo "demo: workload failed: $r" >&2; exit 1; }
done
n=$(echo "$a" | field instret)
ta=$(echo "$a" | field ticks)
tq=$(echo "$q" | field ticks)
awk -v n="$n" -v ta="$ta" -v tq="$tq" 'BEGIN {
	a = n / (ta / 1e7) / 1e6; q = n / (tq / 1e7) / 1e6
	printf "atoll %.0f MIPS, QEMU %.0f MIPS: atoll/QEMU = %.2f\n", a, q, a / q }'
printf '\nMore: make test (all tests), make bench (atoll vs QEMU side by side).\n'
