#!/bin/bash
# A write Linux has flushed (O_DIRECT writes + fsync on a virtio disk, i.e.
# virtio-blk FLUSH) is in the image file even when atoll dies by SIGKILL
# right after: the host reads the pattern back from the file itself.
#
# usage: tests/linux/durable-test.sh [ATOLL]
set -uo pipefail

TEST=linux-durable
. "$(dirname "$0")/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
MIB=8
SEED=42
DONE="blk: wrote $MIB MiB seed $SEED to /dev/vdb, flushed"

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
build_guest
data=$(scratch_disk durable-data 16)
start durable-atoll 300 "$ATOLL" boot -m 256M -kernel "$IMAGE" \
	-append "$ROOT_APPEND atoll.run=blk,write,/dev/vdb,$MIB,$SEED" \
	-drive "file=$(scratch_disk durable-root),format=raw,if=none,id=d0" \
	-device virtio-blk-device,drive=d0 \
	-drive "file=$data,format=raw,if=none,id=d1" \
	-device virtio-blk-device,drive=d1
wait_line durable-atoll "$DONE" 240 ||
	{ stop; fail "no '$DONE' (log: $OUT/durable-atoll.log)"; }
pid=$(pgrep -P "$RUN_PID" -x atoll) || { stop; fail "atoll process not found"; }
kill -9 "$pid"
finish 2>/dev/null # no "Killed" notice from bash
[ "$RUN_RC" = 137 ] || fail "atoll exited $RUN_RC, not by SIGKILL (137)"
# The guest's pattern (guest/linux/util.h: splitmix64 of seed + offset).
python3 - "$data" "$MIB" "$SEED" <<'PY' || fail "the flushed data is not in $data"
import struct, sys
path, mib, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
M = (1 << 64) - 1
with open(path, "rb") as f:
    data = f.read(mib << 20)
words = struct.unpack("<%dQ" % (len(data) // 8), data)
for i, w in enumerate(words):
    z = (seed + i * 8 * 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    if w != z ^ (z >> 31):
        print("linux-durable: byte %d differs" % (i * 8))
        sys.exit(1)
print("linux-durable: %d MiB verified in the image after kill -9" % mib)
PY
rm -f "$OUT/durable-root.img" "$data"
echo "$TEST: PASS"
