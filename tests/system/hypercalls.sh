#!/bin/bash
# The memory hypercalls from inside guests on atoll (mem-hcall,
# mem-balloon; see docs/hypercalls.md), then across two domains of one
# atoll: a guest naming the other domain gets -EPERM.  Usage:
#   tests/system/hypercalls.sh ATOLL     (exit status 0 = pass)
# The guest programs are looked up next to ATOLL (its build folder's
# guest/ directory).
set -u
atoll=${1:?usage: hypercalls.sh ATOLL}
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

# run NAME CMD...: the command must exit 0 and print no FAIL line.
run() {
	local name=$1 status
	shift
	timeout $((120 * SLOW)) "$@" >"$tmp/$name.out" 2>&1
	status=$?
	if [ $status -ne 0 ] || grep -q FAIL "$tmp/$name.out"; then
		fail "$name: exit status $status"
		grep FAIL "$tmp/$name.out" | head -10
		tail -3 "$tmp/$name.out"
	fi
}

for p in mem-hcall mem-balloon mem-memhog; do
	[ -f "$guest/$p.elf" ] || { echo "FAIL: $guest/$p.elf not built"; exit 1; }
done

run hcall "$atoll" boot -m 128M "$guest/mem-hcall.elf"
run balloon "$atoll" boot --smp 2 -m 128M "$guest/mem-balloon.elf"

# Two domains: the hypercall guest must see its peer and be refused it.
cat >"$tmp/two.ini" <<INI
[host]
machine_memory = 192M

[domain calls]
memory = 64M
maxmem = 64M
kernel = $guest/mem-hcall.elf
cmdline = peers=1

[domain peer]
memory = 16M
maxmem = 16M
kernel = $guest/mem-memhog.elf
cmdline = memhog mib=1 phases=1 seed=1 wait_ms=1000
INI
run two "$atoll" run "$tmp/two.ini"
grep -q "populate for another domain -> -EPERM ok" "$tmp/two.out" ||
	fail "two domains: no -EPERM check in the transcript"

[ $fails -eq 0 ] || exit 1
echo "hypercalls: ok"
