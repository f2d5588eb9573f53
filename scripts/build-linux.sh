#!/bin/bash
# Build the atoll Linux guest kernel: Debian's linux-source-6.1 configured as
# tinyconfig + tests/linux/atoll.config (virtio-mmio devices, ext4, IPv4).
# No initramfs is built in: a test hands one over with -initrd, a user boots
# the root disk scripts/build-rootfs.sh makes.  The result is cached outside
# the work tree, keyed by a hash of every input, so a rebuild happens only
# when an input changes; Image and the kernel's own gen_init_cpio are then
# copied to OUTDIR (default build/linux).
#
# usage: scripts/build-linux.sh [OUTDIR]
# env:   ATOLL_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/atoll)
#        LINUX_TARBALL  kernel source (default /usr/src/linux-source-6.1.tar.xz)
#        JOBS  parallel make jobs (default 2)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=${1:-$ROOT/build/linux}
CACHE=${ATOLL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/atoll}
TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${JOBS:-2}
CROSS=riscv64-linux-gnu-
FRAGMENT=$ROOT/tests/linux/atoll.config
# The object tree of this configuration generation: a tree per generation
# keeps trees checked out at older generations from rebuilding it whole.
OBJ_NAME=obj-virtio
# Fixed build identity: the same inputs give the same Image on every host.
KMAKE=(make ARCH=riscv "CROSS_COMPILE=$CROSS" -j"$JOBS"
	KBUILD_BUILD_USER=atoll KBUILD_BUILD_HOST=atoll KBUILD_BUILD_VERSION=1
	"KBUILD_BUILD_TIMESTAMP=Thu Jan  1 00:00:00 UTC 1970")

msg() { printf 'build-linux: %s\n' "$*"; }
fail() { printf 'build-linux: error: %s\n' "$*" >&2; exit 1; }

# Fail early, with the package to install, when a tool is missing.
check_tools() {
	local t
	[ -r "$TARBALL" ] ||
		fail "$TARBALL missing (apt install linux-source-6.1; see scripts/setup.sh)"
	for t in ${CROSS}gcc ${CROSS}ld make bc flex bison cpio xz tar sha256sum flock; do
		command -v "$t" >/dev/null ||
			fail "$t not found (run scripts/setup.sh)"
	done
}

# Hash of everything that determines the Image: a change to any of them
# yields a new cache entry rather than a stale kernel.
input_hash() {
	{
		cat "$FRAGMENT" "$0"
		stat -c '%n %s %Y' "$TARBALL"
		${CROSS}gcc --version | head -n1
	} | sha256sum | cut -c1-16
}

# Unpack the tarball once per tarball version into $CACHE/src.
unpack_source() {
	local key dir
	key=$(stat -c '%s-%Y' "$TARBALL")
	dir=$CACHE/src/linux-6.1-$key
	if [ ! -f "$dir/Makefile" ]; then
		msg "unpacking $(basename "$TARBALL") (once)"
		rm -rf "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -xJf "$TARBALL" -C "$dir.tmp" --strip-components=1
		mv "$dir.tmp" "$dir"
	fi
	SRC=$dir
}

# Configure OBJ as tinyconfig + fragment, then prove each fragment line
# survived Kconfig's dependency resolution.
configure_kernel() {
	local obj=$1 line sym want got bad=0 start=$SECONDS
	msg "configuring: tinyconfig + tests/linux/atoll.config"
	"${KMAKE[@]}" -C "$SRC" O="$obj" tinyconfig >/dev/null
	cat "$FRAGMENT" >>"$obj/.config"
	"${KMAKE[@]}" -C "$SRC" O="$obj" olddefconfig >/dev/null 2>&1
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			sym=${line%%=*}; want=$line ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}; want="" ;;
		*) continue ;;
		esac
		got=$(grep -E "^$sym=" "$obj/.config" || true)
		if [ "$got" != "$want" ]; then
			msg "config mismatch: want '${want:-$sym off}', got '${got:-off}'"
			bad=1
		fi
	done <"$FRAGMENT"
	[ $bad -eq 0 ] || fail "tests/linux/atoll.config does not apply cleanly"
	msg "configured in $((SECONDS - start)) s"
}

# Count kernel build steps on stdin and print a line every 100 of them:
# progress for a build of a few minutes without thousands of CC lines.
progress() {
	local line n=0 t0=$SECONDS
	while IFS= read -r line; do
		case $line in
		"  CC "* | "  AS "* | "  AR "* | "  LD "*)
			n=$((n + 1))
			if [ $((n % 100)) -eq 0 ]; then
				msg "$n objects, $((SECONDS - t0)) s"
			fi
			;;
		esac
	done
}

# Run the kernel build; the full log stays in LOG.
compile_kernel() {
	local obj=$1 log=$2 start=$SECONDS
	msg "compiling with -j$JOBS (log: $log)"
	if ! "${KMAKE[@]}" -C "$SRC" O="$obj" Image 2>&1 | tee "$log" |
		progress; then
		tail -n 30 "$log" >&2
		fail "kernel build failed, see $log"
	fi
	msg "compiled in $((SECONDS - start)) s"
}

main() {
	local hash entry obj tmp
	check_tools
	hash=$(input_hash)
	mkdir -p "$CACHE"
	CACHE=$(cd "$CACHE" && pwd) # kbuild's O= wants an absolute path
	entry=$CACHE/linux-$hash
	# Not linux-*.tmp: older versions of this script delete those while
	# holding another lock.
	tmp=$CACHE/building-$hash
	obj=$CACHE/$OBJ_NAME
	# One build at a time per object tree: concurrent make runs share it.
	exec 9>"$obj.lock"
	if ! flock -n 9; then
		msg "another build of this kernel is under way: waiting for it"
		flock 9
	fi
	if [ ! -f "$entry/Image" ]; then
		local t0=$SECONDS
		msg "no cached kernel for these inputs: building (minutes)"
		unpack_source
		mkdir -p "$obj"
		rm -rf "$tmp" # left by an interrupted or failed build
		mkdir -p "$tmp"
		configure_kernel "$obj"
		compile_kernel "$obj" "$tmp/build.log"
		cp "$obj/arch/riscv/boot/Image" "$tmp/Image"
		cp "$obj/.config" "$tmp/config"
		# Built for the kernel's default initramfs; the tests use it
		# for theirs, so the cpio format is the kernel's own.
		cp "$obj/usr/gen_init_cpio" "$tmp/gen_init_cpio"
		rm -rf "$entry"
		mv "$tmp" "$entry"
		msg "built in $((SECONDS - t0)) s"
	fi
	mkdir -p "$OUTDIR"
	for f in Image gen_init_cpio; do
		# Copy and rename: a test running from OUTDIR never sees half
		# a file.
		cmp -s "$entry/$f" "$OUTDIR/$f" 2>/dev/null || {
			cp "$entry/$f" "$OUTDIR/$f.tmp"
			mv "$OUTDIR/$f.tmp" "$OUTDIR/$f"
		}
	done
	msg "$entry/Image ($(stat -c %s "$entry/Image") bytes) -> $OUTDIR/Image"
}

main
