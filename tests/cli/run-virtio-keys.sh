#!/bin/bash
# atoll run: the xl.cfg-like virtio keys (disk = [...], vif = [...],
# virtio = ...); a bad spec gives exit status 2 and one line naming the
# file, the line and the key; nothing starts.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"
truncate -s 1M "$TMP/d.img"

check() {
	local line=$1 key=$2
	printf '%b' "$3" >"$TMP/c.ini"
	expect_usage_error "$key on line $line: $3" run "$TMP/c.ini"
	expect_stderr_mentions "$key" "$TMP/c.ini:$line: $key:"
}

D="[host]\nmachine_memory = 64M\n[domain a]\nkernel = $TMP/kernel\nmemory = 8M\n"
check 6 disk "$D""disk = [ '$TMP/missing.img,raw,vda,rw' ]\n"
check 6 disk "$D""disk = [ '$TMP/d.img,qcow2,vda,rw' ]\n"
check 6 disk "$D""disk = [ '$TMP/d.img,raw,vda,rx' ]\n"
check 6 disk "$D""disk = [ 'format=raw,vdev=vda' ]\n"
check 6 disk "$D""disk = [ '$TMP/d.img,raw,vda,rw', frob ]\n"
check 6 disk "$D""disk = [ 'target=$TMP/d.img,speed=9' ]\n"
check 6 vif "$D""vif = [ 'mac=01:00:00:00:00:01' ]\n"
check 6 vif "$D""vif = [ 'model=e1000' ]\n"
check 6 vif "$D""vif = 'mac=02:00:00:00:00:01'\n"
check 6 virtio "$D""virtio = rng, gpu\n"
check 6 virtio "$D""virtio = rng, rng, rng, rng, rng, rng, rng, rng, rng\n"
exit 0
