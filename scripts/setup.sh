#!/bin/sh
# Install the Debian 12 packages atoll needs, only those that are missing.
# Runs as root (apt-get) or through sudo when available.
set -e
PKGS="make gcc libc6-dev pkg-config libfdt-dev libinih-dev libcjson-dev
libslirp-dev gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
binutils-riscv64-unknown-elf qemu-system-misc opensbi libxen-dev
device-tree-compiler linux-source-6.1 gcc-riscv64-linux-gnu
binutils-riscv64-linux-gnu bc flex bison libssl-dev libelf-dev cpio xz-utils
python3 jq git clang-format clang libclang-rt-14-dev chromium chromium-driver
u-boot-qemu e2fsprogs libc6-dev-riscv64-cross liburing-dev libxxhash-dev
libmicrohttpd-dev libjs-chart.js libncurses-dev tmux"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "setup: done"
