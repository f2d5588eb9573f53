#!/bin/bash
# The emulated ATA PIO disk (docs/pv-io.md): the guest io-ata drives the
# controller by hand on a raw image made here: IDENTIFY's size, 300
# sectors written, flushed and read back, out-of-range, non-LBA and
# unknown commands refused with ERR+ABRT, a half-written sector abandoned.
# Afterwards the image itself must hold the pattern and sector 500 must
# still be zeros; one device exit per word moved (about 257 a sector).
# The device-tree node exists only when the domain has a disk.
# Usage:
#   io-ata.sh ATOLL   (exit status 0 = pass)
set -u
atoll=${1:?usage: io-ata.sh ATOLL}
elf=$(dirname "$atoll")/guest/io-ata.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

[ -f "$elf" ] || { fail "$elf not built (tests/io/io.mk)"; exit 1; }
img=$tmp/disk.img
truncate -s 1536K "$img" # 3072 sectors

timeout $((60 * SLOW)) "$atoll" boot --disk "$img" --append sectors=3072 \
	--dtb-out "$tmp/disk.dtb" "$elf" </dev/null >"$tmp/ata.out" 2>&1 ||
	fail "guest: exit status $?"
grep -q "^pv-ata: 21 checks, 0 failed" "$tmp/ata.out" ||
	fail "guest: no clean summary"

# Sector S of the pattern is 32 lines "atasect SSSSSSS"; 300 sectors.
dd if="$img" bs=512 count=300 status=none | uniq -c |
	awk '$1 != 32 || $2 != "atasect" || $3 != sprintf("%07d", NR - 1) {
		bad = 1 }
	     END { exit bad || NR != 300 }' ||
	fail "image: pattern missing"
[ "$(dd if="$img" bs=512 skip=500 count=1 status=none | tr -d '\0' |
	wc -c)" = 0 ] || fail "image: the abandoned sector reached the disk"
[ "$(stat -c %s "$img")" = 1572864 ] || fail "image: size changed"

# One exit per 16-bit word, plus a status poll per sector.
n=$(sed -n 's/^ata: \([0-9]*\) exits for 300 sectors written$/\1/p' \
	"$tmp/ata.out")
[ -n "$n" ] && [ "$n" -ge $((300 * 256)) ] && [ "$n" -le $((300 * 260)) ] ||
	fail "exits for 300 sectors: '$n', want about 257 a sector"

# The node: with a disk, compatible atoll,ata-pio at 0x10020000; without
# one, no node.
compat=$(fdtget "$tmp/disk.dtb" /soc/ata@10020000 compatible 2>&1)
[ "$compat" = "atoll,ata-pio" ] || fail "fdt: compatible is '$compat'"
reg=$(fdtget -tx "$tmp/disk.dtb" /soc/ata@10020000 reg 2>&1)
[ "$reg" = "0 10020000 0 1000" ] || fail "fdt: reg is '$reg'"
timeout $((20 * SLOW)) "$atoll" boot --dtb-out "$tmp/nodisk.dtb" "$elf" </dev/null \
	>"$tmp/nodisk.out" 2>&1
[ -s "$tmp/nodisk.dtb" ] || fail "no device tree written without a disk"
fdtget "$tmp/nodisk.dtb" /soc/ata@10020000 compatible >/dev/null 2>&1 &&
	fail "fdt: ata node present without a disk"

if [ $fails != 0 ]; then
	tail -n 8 "$tmp"/*.out
	exit 1
fi
echo "io-ata: ok ($n exits for 300 sectors)"
