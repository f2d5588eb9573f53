#!/bin/bash
# Event channels and grant copy from inside guests on atoll (see
# docs/pv-io.md): io-pv alone (loopback channel, upcalls through the PLIC,
# GNTTABOP_copy, hostile arguments), then io-pv-peer as two domains of one
# `atoll run` (a grant and a channel between them).  Usage:
#   io-pv.sh ATOLL   (exit status 0 = pass)
# The guest programs are looked up next to ATOLL (its build folder's guest/
# directory); tests/io/io.mk builds them.
set -u
atoll=${1:?usage: io-pv.sh ATOLL}
guest=$(dirname "$atoll")/guest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# run NAME CMD...: the command must exit 0, print no FAIL line and print
# "0 failed" once per expected summary (SUMMARIES).
run() {
	local name=$1 want=$2 status
	shift 2
	timeout $((120 * SLOW)) "$@" </dev/null >"$tmp/$name.out" 2>&1
	status=$?
	if [ $status -ne 0 ] || grep -q FAIL "$tmp/$name.out" ||
		[ "$(grep -c ' 0 failed' "$tmp/$name.out")" != "$want" ]; then
		fail "$name: exit status $status"
		grep FAIL "$tmp/$name.out" | head -10
		tail -3 "$tmp/$name.out"
	else
		grep ' 0 failed' "$tmp/$name.out" | tr -d '\r'
	fi
}

for p in io-pv io-pv-peer; do
	[ -f "$guest/$p.elf" ] || fail "$guest/$p.elf not built (tests/io/io.mk)"
done
[ $fails = 0 ] || exit 1

run alone 1 "$atoll" boot "$guest/io-pv.elf"

cat >"$tmp/two.ini" <<EOF2
[host]
machine_memory = 48M

[domain granter]
memory = 16M
maxmem = 16M
kernel = $guest/io-pv-peer.elf
cmdline = role=granter

[domain peer]
memory = 16M
maxmem = 16M
kernel = $guest/io-pv-peer.elf
cmdline = role=peer
EOF2
run two 2 "$atoll" run "$tmp/two.ini"
[ $fails = 0 ] && echo "io-pv: ok"
exit $((fails != 0))
