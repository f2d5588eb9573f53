#!/bin/bash
# Build the atoll Linux guest's user space: atoll's own small static
# programs (guest/linux/, no busybox), the test initramfs archives and an
# ext4 root disk made without root privileges (mke2fs -d).  Needs the
# kernel from scripts/build-linux.sh in OUTDIR (the disk carries it in
# /boot for U-Boot's extlinux boot, and its gen_init_cpio packs the
# archives).  Results are cached outside the tree, keyed by a hash of every
# input, and copied to OUTDIR (default build/linux):
#
#   rootfs.img      root disk: an MBR with one bootable ext4 partition
#                   from 1 MiB (root=/dev/vda1; U-Boot 2023.01's distro
#                   boot finds no file system on a whole-disk ext4),
#                   holding /sbin/init,
#                   /bin/{clock,blk,net,memhog,balloon,rng},
#                   /boot/Image and /boot/extlinux/extlinux.conf
#   initramfs.cpio  /init = tests/linux/init.c (the boot test)
#   clock.cpio      /init = the clock program (the clock test)
#
# usage: scripts/build-rootfs.sh [OUTDIR]
# env:   ATOLL_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/atoll)
#        ROOTFS_MIB   size of rootfs.img (default 64; sparse)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=${1:-$ROOT/build/linux}
CACHE=${ATOLL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atoll}
ROOTFS_MIB=${ROOTFS_MIB:-64}
PART_START=$((1 << 20))
CC=riscv64-linux-gnu-gcc
SRC=$ROOT/guest/linux
CFLAGS=(-static -O2 -march=rv64gc -mabi=lp64d -D_GNU_SOURCE -Wall -Wextra
	-Werror -s)
# program: its sources (a main file plus shared ones)
PROGRAMS=(
	"init:init.c shell.c dhcp.c netif.c powerkey.c"
	"clock:clock.c"
	"blk:blk.c"
	"net:net.c"
	"memhog:memhog.c"
	"balloon:balloon.c"
	"rng:rng.c"
)
# What extlinux.conf boots: the same command line a direct boot uses.
BOOT_APPEND="root=/dev/vda1 rw console=ttyS0 earlycon=sbi"

msg() { printf 'build-rootfs: %s\n' "$*"; }
fail() { printf 'build-rootfs: error: %s\n' "$*" >&2; exit 1; }

check_tools() {
	local t
	for t in $CC mke2fs python3 sha256sum flock; do
		command -v "$t" >/dev/null ||
			fail "$t not found (run scripts/setup.sh)"
	done
	[ -f "$OUTDIR/Image" ] && [ -x "$OUTDIR/gen_init_cpio" ] ||
		fail "no kernel in $OUTDIR (run scripts/build-linux.sh first)"
	[ -r /usr/riscv64-linux-gnu/lib/libc.a ] ||
		fail "no static riscv64 libc (apt install libc6-dev-riscv64-cross)"
}

input_hash() {
	{
		cat "$SRC"/*.c "$SRC"/*.h "$ROOT/tests/linux/init.c" "$0"
		sha256sum "$OUTDIR/Image" "$OUTDIR/gen_init_cpio"
		$CC --version | head -n1
		mke2fs -V 2>&1 | head -n1
		echo "$ROOTFS_MIB"
	} | sha256sum | cut -c1-16
}

build_programs() {
	local dir=$1 p name srcs
	msg "programs: ${PROGRAMS[*]%%:*}"
	mkdir -p "$dir/bin"
	for p in "${PROGRAMS[@]}"; do
		name=${p%%:*}
		srcs=(${p#*:})
		(cd "$SRC" && $CC "${CFLAGS[@]}" -o "$dir/bin/$name" "${srcs[@]}") ||
			fail "cannot build $name"
	done
	${CC} -static -nostdlib -ffreestanding -fno-stack-protector \
		-fno-pie -no-pie -O2 -march=rv64gc -mabi=lp64d -s \
		-Wall -Wextra -Werror -o "$dir/testinit" "$ROOT/tests/linux/init.c"
}

# cpio NAME INIT: an initramfs whose /init is INIT.
make_cpio() {
	local dir=$1 name=$2 init=$3
	touch -d @0 "$init" # gen_init_cpio records the file's mtime
	cat >"$dir/$name.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $init 0755 0 0
EOF
	"$OUTDIR/gen_init_cpio" "$dir/$name.list" >"$dir/$name.cpio"
}

make_rootfs() {
	local dir=$1 tree=$1/tree
	msg "root disk: MBR + ext4 partition of $ROOTFS_MIB MiB, mke2fs -d"
	rm -rf "$tree"
	mkdir -p "$tree"/{bin,sbin,dev,proc,sys,tmp,etc,root,boot/extlinux}
	cp "$dir"/bin/* "$tree/bin/"
	mv "$tree/bin/init" "$tree/sbin/init"
	cp "$OUTDIR/Image" "$tree/boot/Image"
	cat >"$tree/boot/extlinux/extlinux.conf" <<EOF
# U-Boot distro boot (sysboot) reads this; so would any extlinux loader.
default atoll
timeout 1
label atoll
	menu label atoll Linux guest
	linux /boot/Image
	append $BOOT_APPEND
EOF
	echo "atoll-linux" >"$tree/etc/hostname"
	chmod 1777 "$tree/tmp"
	find "$tree" -exec touch -h -d @0 {} +
	rm -f "$dir/rootfs.img"
	# The file system at 1 MiB; fixed UUID, hash seed and time: the same
	# inputs give the same disk.
	E2FSPROGS_FAKE_TIME=1 mke2fs -q -F -t ext4 -L atoll-root \
		-U 5a7011a0-0000-4000-8000-000000000001 \
		-E offset=$PART_START,hash_seed=5a7011a0-0000-4000-8000-000000000002,root_owner=0:0 \
		-d "$tree" "$dir/rootfs.img" "${ROOTFS_MIB}M" ||
		fail "mke2fs failed"
	write_mbr "$dir/rootfs.img" $((PART_START / 512)) $((ROOTFS_MIB * 2048))
}

# write_mbr IMG START COUNT: an MBR naming one bootable Linux partition of
# COUNT sectors from sector START (the disk signature is fixed too).
write_mbr() {
	python3 - "$@" <<'PY'
import struct, sys
path, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
mbr = bytearray(512)
struct.pack_into("<I", mbr, 440, 0x5A7011A0)
# status 0x80 (bootable), CHS unused, type 0x83 (Linux), LBA start/count
mbr[446:462] = bytes([0x80, 0, 0, 0, 0x83, 0xFF, 0xFF, 0xFF]) + \
    struct.pack("<II", start, count)
mbr[510:512] = b"\x55\xaa"
with open(path, "r+b") as f:
    f.write(mbr)
PY
}

main() {
	local hash entry t0=$SECONDS f
	check_tools
	hash=$(input_hash)
	mkdir -p "$CACHE"
	entry=$CACHE/rootfs-$hash
	exec 9>"$CACHE/rootfs.lock"
	flock 9
	if [ ! -f "$entry/rootfs.img" ]; then
		msg "no cached user space for these inputs: building"
		rm -rf "$entry.tmp"
		mkdir -p "$entry.tmp"
		build_programs "$entry.tmp"
		msg "initramfs archives: initramfs.cpio, clock.cpio"
		make_cpio "$entry.tmp" initramfs "$entry.tmp/testinit"
		make_cpio "$entry.tmp" clock "$entry.tmp/bin/clock"
		make_rootfs "$entry.tmp"
		rm -rf "$entry.tmp/tree" "$entry"
		mv "$entry.tmp" "$entry"
		msg "built in $((SECONDS - t0)) s"
	fi
	mkdir -p "$OUTDIR"
	for f in rootfs.img initramfs.cpio clock.cpio; do
		cmp -s "$entry/$f" "$OUTDIR/$f" 2>/dev/null || {
			cp --sparse=always "$entry/$f" "$OUTDIR/$f.tmp"
			mv "$OUTDIR/$f.tmp" "$OUTDIR/$f"
		}
	done
	msg "$entry -> $OUTDIR/{rootfs.img,initramfs.cpio,clock.cpio}"
}

main
