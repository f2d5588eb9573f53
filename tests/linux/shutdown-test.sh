#!/bin/bash
# `atoll shutdown` on a Linux domain: its init hears KEY_POWER from the
# gpio-keys device on atoll's power key while a memory hog runs, stops
# every process (the hog ends on SIGTERM), syncs, remounts the root
# read-only and powers off; `atoll shutdown -w` returns once it has, atoll
# exits 0, and the root file system on the host is clean (no journal
# recovery needed), as after an orderly power-off.
#
# usage: tests/linux/shutdown-test.sh [ATOLL]
TEST=linux-shutdown
. "$(dirname "$0")/lib/linux.bash"
build_guest
# shellcheck source=tests/system/lib/sys.bash
source "$ROOT/tests/system/lib/sys.bash" "${1:-$ROOT/build/atoll}"
command -v dumpe2fs >/dev/null || fail "dumpe2fs not found (run scripts/setup.sh)"
sock=$tmp/ctl.sock
cp --sparse=always "$OUT/rootfs.img" "$tmp/root.img"

cat >"$tmp/sd.ini" <<-INI
	[host]
	machine_memory = 192M
	control_socket = $sock

	[domain lin]
	maxmem = 128M
	kernel = $IMAGE
	cmdline = $ROOT_APPEND atoll.run=memhog,8,100000,1
	disk = [ '$tmp/root.img,raw,vda,rw' ]
INI
atoll_start "$tmp/sd.ini"
hog_runs() { grep -q "memhog: pass 1:" "$tmp/out"; }
wait_until $((120 * SLOW)) hog_runs || fail "the hog did not start"
grep -q "atoll-linux: no power key" "$tmp/out" && fail "init found no power key"

timeout $((180 * SLOW)) "$ATOLL" shutdown --socket "$sock" \
	--wait=$((120 * SLOW)) lin >"$tmp/sd.out" 2>"$tmp/sd.err" ||
	fail "shutdown -w: exit status $?: $(cat "$tmp/sd.err")"
grep -q "^lin: shut down" "$tmp/sd.out" || fail "shutdown -w printed '$(cat "$tmp/sd.out")'"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run: exit status $rc after the power key"
for l in "power key: stopping processes" "power key: powering off"; do
	grep -q "atoll-linux: $l" "$tmp/out" || fail "init did not say '$l'"
done
grep -q "atoll-linux: run: status 0" "$tmp/out" &&
	fail "the hog finished instead of being stopped"

# The root partition (at 1 MiB in the MBR image): clean, nothing to replay.
dd if="$tmp/root.img" of="$tmp/part.img" bs=1M skip=1 status=none conv=sparse ||
	fail "cannot read the root partition"
dumpe2fs -h "$tmp/part.img" >"$tmp/sb.txt" 2>/dev/null || fail "dumpe2fs failed"
grep -q "^Filesystem state: *clean" "$tmp/sb.txt" ||
	fail "root file system not clean: $(grep 'state' "$tmp/sb.txt")"
grep "^Filesystem features:" "$tmp/sb.txt" | grep -q needs_recovery &&
	fail "root file system needs journal recovery"
echo "linux-shutdown: power key -> orderly power-off: ok"
