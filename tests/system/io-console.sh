#!/bin/bash
# The PV console (docs/pv-io.md): the guest io-pv-cons connects a console
# with __HYPERVISOR_atoll_pvdev_op and writes 200 lines through its ring;
# they must all appear, in order, on atoll's output (with the "name| "
# prefix when two domains share it), then the guest breaks the ring
# protocol: one "disconnected" log line, the domain carries on, connects
# again and exits 0 with the console connected (teardown stops it).
# Usage:
#   io-console.sh ATOLL   (exit status 0 = pass)
# The guest program is looked up next to ATOLL (its build folder's guest/
# directory); tests/io/io.mk builds it.
set -u
atoll=${1:?usage: io-console.sh ATOLL}
elf=$(dirname "$atoll")/guest/io-pv-cons.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# check OUT PREFIX: OUT holds the guest's summary, ring lines 1..200 in
# order, "still running" and the line written through the console it
# leaves connected at exit, each after PREFIX.
check() {
	local out=$tmp/$1.out pre=$2
	grep -q "^${pre}pv-cons: 30 checks, 0 failed" "$out" ||
		fail "$1: no clean summary"
	grep "^${pre}pvcons: ring line " "$out" | awk '{ print $NF - 0, $(NF-2) }' |
		awk '$1 != 200 || $2 != NR { bad = 1 } END { exit bad || NR != 200 }' ||
		fail "$1: ring lines missing or out of order"
	grep -q "^${pre}pvcons: still running" "$out" ||
		fail "$1: the domain did not carry on"
	grep -q "^${pre}pvcons: connected at exit" "$out" ||
		fail "$1: no output after reconnecting"
}

# disconnects OUT N: OUT holds N log lines of a dropped console.
disconnects() {
	local n re='^atoll: pvdev: domain [0-9]* console 0: out_prod .*: disconnected$'
	n=$(grep -c "$re" "$tmp/$1.out")
	[ "$n" = "$2" ] || fail "$1: $n disconnect lines, want $2"
}

[ -f "$elf" ] || { fail "$elf not built (tests/io/io.mk)"; exit 1; }

timeout $((60 * SLOW)) "$atoll" boot "$elf" </dev/null >"$tmp/alone.out" 2>&1 ||
	fail "alone: exit status $?"
check alone ""
disconnects alone 1

cat >"$tmp/two.ini" <<EOF2
[host]
machine_memory = 48M

[domain left]
memory = 16M
maxmem = 16M
kernel = $elf

[domain right]
memory = 16M
maxmem = 16M
kernel = $elf
EOF2
timeout $((60 * SLOW)) "$atoll" run "$tmp/two.ini" </dev/null >"$tmp/two.out" 2>&1 ||
	fail "two: exit status $?"
check two "left| "
check two "right| "
disconnects two 2
if [ $fails != 0 ]; then
	tail -n 5 "$tmp/alone.out" "$tmp/two.out"
	exit 1
fi
echo "io-console: ok"
