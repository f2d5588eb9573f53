#!/bin/bash
# QEMU-style device options of `atoll boot` (-drive, -netdev, -device):
# bad input gives one line naming the flag or file, exit 2, nothing started.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"
truncate -s 1M "$TMP/disk.img"
K=(-kernel "$TMP/kernel")

expect_usage_error "missing image" boot "${K[@]}" \
	-drive file="$TMP/nope.img",format=raw,if=virtio
expect_stderr_mentions "missing image" "$TMP/nope.img"
chmod 000 "$TMP/disk.img"
if [ "$(id -u)" != 0 ]; then
	expect_usage_error "unreadable image" boot "${K[@]}" \
		-drive file="$TMP/disk.img",format=raw,if=virtio
	expect_stderr_mentions "unreadable image" "$TMP/disk.img"
fi
chmod 600 "$TMP/disk.img"
expect_usage_error "qcow2 format" boot "${K[@]}" \
	-drive file="$TMP/disk.img",format=qcow2,if=virtio
expect_stderr_mentions "qcow2 format" "format=qcow2"
expect_usage_error "ide interface" boot "${K[@]}" \
	-drive file="$TMP/disk.img",format=raw,if=ide
expect_usage_error "unknown drive key" boot "${K[@]}" \
	-drive file="$TMP/disk.img",format=raw,if=virtio,frob=1
expect_stderr_mentions "unknown drive key" frob
expect_usage_error "unknown device" boot "${K[@]}" -device virtio-gpu-device
expect_stderr_mentions "unknown device" virtio-gpu-device
expect_usage_error "device without its netdev" boot "${K[@]}" \
	-device virtio-net-device,netdev=n0
expect_stderr_mentions "device without its netdev" n0
expect_usage_error "netdev nobody uses" boot "${K[@]}" -netdev user,id=n0
expect_usage_error "tap netdev" boot "${K[@]}" -netdev tap,id=n0
expect_usage_error "bad hostfwd" boot "${K[@]}" \
	-netdev user,id=n0,hostfwd=tcp::x-:22 -device virtio-net-device,netdev=n0
expect_stderr_mentions "bad hostfwd" hostfwd
expect_usage_error "drive id nobody uses" boot "${K[@]}" \
	-drive file="$TMP/disk.img",format=raw,if=none,id=d0
expect_usage_error "two kernels" boot "${K[@]}" -kernel "$TMP/kernel"
expect_usage_error "other machine" boot "${K[@]}" -machine sifive_u
# The blk thread's busy-poll bound from the environment (docs/virtio.md).
for v in abc -1 100001 ""; do
	ATOLL_VIRTIO_POLL_US=$v expect_usage_error "poll bound '$v'" boot \
		"${K[@]}" -drive file="$TMP/disk.img",format=raw,if=virtio
	expect_stderr_mentions "poll bound '$v'" ATOLL_VIRTIO_POLL_US
done

# A hostfwd port another program holds: named, nothing started.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("0.0.0.0", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$TMP/port" &
holder=$!
trap 'kill $holder 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TMP/port")
expect_usage_error "hostfwd port in use" boot "${K[@]}" \
	-netdev user,id=n0,hostfwd=tcp::"$port"-:22 \
	-device virtio-net-device,netdev=n0
expect_stderr_mentions "hostfwd port in use" "$port"
exit 0
