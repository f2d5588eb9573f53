#!/bin/bash
# The PV block device (docs/pv-io.md): the guest io-pv-blk connects a disk
# (a raw image made here) and writes a pattern with multi-segment requests,
# flushes, reads it back, discards a range and sends hostile requests (each
# answered with an error); then it breaks the ring protocol: one
# "disconnected" log line, the domain carries on and exits 0.  Afterwards
# the image file itself must hold the pattern (as seen on the host), and a
# second domain (atoll run, `disk =` key) reads it back.  A write
# acknowledged by a flush survives kill -9 of atoll.  A missing image
# is a configuration error (exit 2, file:line:key).
# Usage:
#   io-block.sh ATOLL   (exit status 0 = pass)
set -u
atoll=${1:?usage: io-block.sh ATOLL}
elf=$(dirname "$atoll")/guest/io-pv-blk.elf
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

[ -f "$elf" ] || { fail "$elf not built (tests/io/io.mk)"; exit 1; }
img=$tmp/disk.img
truncate -s 1M "$img"

timeout $((60 * SLOW)) "$atoll" boot --disk "$img" "$elf" </dev/null \
	>"$tmp/write.out" 2>&1 || fail "write: exit status $?"
grep -q "^pv-blk: 27 checks, 0 failed" "$tmp/write.out" ||
	fail "write: no clean summary"
grep -q "^pvblk: still running" "$tmp/write.out" ||
	fail "write: the domain did not carry on"
n=$(grep -c '^atoll: pvdev: domain [0-9]* block 0: req_prod .*: disconnected$' \
	"$tmp/write.out")
[ "$n" = 1 ] || fail "write: $n disconnect lines, want 1"

# Sector S of the pattern is 32 lines "blksect SSSSSSS"; 356 sectors.
dd if="$img" bs=512 count=356 status=none | uniq -c |
	awk '$1 != 32 || $3 != sprintf("%07d", NR - 1) { bad = 1 }
	     END { exit bad || NR != 356 }' ||
	fail "image: pattern missing"
[ "$(dd if="$img" bs=512 skip=400 count=16 status=none | tr -d '\0' |
	wc -c)" = 0 ] || fail "image: discarded sectors are not zeros"
[ "$(stat -c %s "$img")" = 1048576 ] || fail "image: size changed"

# kill -9 of atoll right after the guest saw its flush acknowledged: the
# image still holds what was written.
truncate -s 0 "$tmp/k.img"
truncate -s 1M "$tmp/k.img"
# (atoll itself in the background, not under timeout: the kill must hit
# it; the loop bounds the wait, and the kill always follows.)
"$atoll" boot --disk "$tmp/k.img" --append mode=hang "$elf" \
	</dev/null >"$tmp/kill.out" 2>&1 &
pid=$!
flushed() { grep -q "^pvblk: flushed" "$tmp/kill.out"; }
wait_until $((60 * SLOW)) flushed # checked below, after the kill
{
	kill -9 $pid
	wait $pid
} 2>/dev/null
pid=
grep -q "^pvblk: flushed" "$tmp/kill.out" || fail "kill: no flush seen"
dd if="$tmp/k.img" bs=512 count=356 status=none | uniq -c |
	awk '$1 != 32 || $3 != sprintf("%07d", NR - 1) { bad = 1 }
	     END { exit bad || NR != 356 }' ||
	fail "kill -9: the flushed pattern is not in the image"

cat >"$tmp/read.ini" <<EOF2
[host]
machine_memory = 32M

[domain reader]
memory = 16M
maxmem = 16M
kernel = $elf
cmdline = mode=read
disk = $img
EOF2
timeout $((60 * SLOW)) "$atoll" run "$tmp/read.ini" </dev/null \
	>"$tmp/read.out" 2>&1 ||
	fail "read: exit status $?"
grep -q "pv-blk: 9 checks, 0 failed" "$tmp/read.out" ||
	fail "read: the second domain did not read the pattern back"

sed "s|^disk = .*|disk = $tmp/missing.img|" "$tmp/read.ini" >"$tmp/bad.ini"
timeout $((20 * SLOW)) "$atoll" run "$tmp/bad.ini" </dev/null \
	>"$tmp/bad.out" 2>&1
rc=$?
[ $rc = 2 ] || fail "missing image: exit status $rc, want 2"
grep -q "bad.ini:9: disk: cannot open" "$tmp/bad.out" ||
	fail "missing image: no file:line:key error"

if [ $fails != 0 ]; then
	tail -n 5 "$tmp"/*.out
	exit 1
fi
echo "io-block: ok"
