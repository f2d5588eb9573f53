#!/bin/bash
# Linux with its root on virtio-blk (rootfs.img, /dev/vda1) and a second,
# empty virtio disk, a virtio NIC on the user-mode NAT: the init gets its
# address by DHCP, a host process talks to a guest server through hostfwd,
# the guest writes, verifies and reads its disks.  The same image and the
# same flags on atoll and on QEMU.
#
# usage: tests/linux/disk-test.sh [ATOLL]
set -uo pipefail

TEST=linux-disk
. "$(dirname "$0")/lib/linux.bash"
ATOLL=${1:-$ROOT/build/atoll}
RUN="atoll.run=blk,write,/dev/vdb,8,7+blk,verify,/dev/vdb,8,7"
RUN+="+blk,seqread,/dev/vda,32+blk,randread,/dev/vda,32,500"
RUN+="+net,tcp-echo,7,1+poweroff"

# boot NAME EMULATOR-ARGS...: boot, talk to the guest's echo server, check.
boot() {
	local name=$1 port reply
	shift
	port=$(free_port)
	start "$name" 300 "$@" -m 256M -kernel "$IMAGE" \
		-append "$ROOT_APPEND $RUN" \
		-drive "file=$(scratch_disk "$name-root"),format=raw,if=none,id=d0" \
		-device virtio-blk-device,drive=d0 \
		-drive "file=$(scratch_disk "$name-data" 16),format=raw,if=none,id=d1" \
		-device virtio-blk-device,drive=d1 \
		-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:7" \
		-device virtio-net-device,netdev=n0
	wait_line "$name" "net: listening on tcp 7" 240 ||
		{ stop; fail "$name: the guest's server never listened (log: $OUT/$name.log)"; }
	reply=$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(b"hello from the host\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.decode().strip())
PY
	)
	[ "$reply" = "hello from the host" ] ||
		{ stop; fail "$name: hostfwd echo returned '$reply'"; }
	finish
	need "$name" "atoll-linux: eth0 10.0.2.15/24 router 10.0.2.2"
	need "$name" "blk: verified 8 MiB seed 7 on /dev/vdb"
	need "$name" "net: echoed 20 bytes"
	[ "$RUN_RC" = 0 ] || fail "$name: exited $RUN_RC, not 0 (log: $OUT/$name.log)"
	grep -E "blk: (seqread|randread)" "$OUT/$name.log" | sed "s/^+[0-9.]* /$TEST: $name: /"
	echo "$TEST: $name: DHCP address after $(secs_to "$name" "atoll-linux: eth0") s"
	rm -f "$OUT/$name-root.img" "$OUT/$name-data.img"
}

[ -x "$ATOLL" ] || fail "atoll binary $ATOLL missing (run make)"
build_guest
boot disk-atoll "$ATOLL" boot
boot disk-qemu "$QEMU" -machine virt -nographic
echo "$TEST: PASS"
