#!/bin/bash
# The PV network device and atoll's switch (docs/pv-io.md): two domains of
# one `atoll run` (`net = yes` each; one with an explicit `mac`) run the
# guest io-pv-net: each connects, learns its MAC from the connect,
# broadcasts until the peer has seen it, then exchanges unicast frames
# checked byte for byte.  Domain a is hostile first (bad transmit requests
# answered with errors, then a tx req_prod far beyond the ring: one
# "disconnected" log line); it reconnects and both carry on.  atoll boot
# --net connects with the default MAC; without it connecting is -ENODEV.
# Bad `mac`/`net` values and a MAC given twice are configuration errors
# (exit 2, file:line:key).
# Usage:
#   io-net.sh ATOLL   (exit status 0 = pass)
set -u
atoll=${1:?usage: io-net.sh ATOLL}
elf=$(dirname "$atoll")/guest/io-pv-net.elf
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "$0")/lib/wait.bash"

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

[ -f "$elf" ] || { fail "$elf not built (tests/io/io.mk)"; exit 1; }

cat >"$tmp/pair.ini" <<EOF2
[host]
machine_memory = 48M

[domain a]
memory = 16M
maxmem = 16M
kernel = $elf
cmdline = hostile=1
net = yes

[domain b]
memory = 16M
maxmem = 16M
kernel = $elf
net = yes
mac = 02:00:00:00:00:0b
EOF2
timeout $((60 * SLOW)) "$atoll" run "$tmp/pair.ini" </dev/null >"$tmp/pair.out" 2>&1 ||
	fail "pair: exit status $?"
grep -q "a| pv-net: 27 checks, 0 failed" "$tmp/pair.out" ||
	fail "pair: domain a has no clean summary"
grep -q "b| pv-net: 14 checks, 0 failed" "$tmp/pair.out" ||
	fail "pair: domain b has no clean summary"
grep -q "a| pvnet: mac 02:a7:0d:00:01:00$" "$tmp/pair.out" ||
	fail "pair: domain a did not get the default MAC"
grep -q "b| pvnet: mac 02:00:00:00:00:0b$" "$tmp/pair.out" ||
	fail "pair: domain b did not get its mac = address"
grep -q "a| pvnet: peer 02:00:00:00:00:0b got 240 " "$tmp/pair.out" ||
	fail "pair: domain a did not receive b's frames"
grep -q "b| pvnet: peer 02:a7:0d:00:01:00 got 240 " "$tmp/pair.out" ||
	fail "pair: domain b did not receive a's frames"
grep -q "a| pvnet: still running" "$tmp/pair.out" ||
	fail "pair: domain a did not carry on"
n=$(grep -c '^atoll: pvdev: domain 1 net 0: tx req_prod .*: disconnected$' \
	"$tmp/pair.out")
[ "$n" = 1 ] || fail "pair: $n disconnect lines, want 1"
n=$(grep -c 'disconnected' "$tmp/pair.out")
[ "$n" = 1 ] || fail "pair: $n lines say disconnected, want 1"

timeout $((20 * SLOW)) "$atoll" boot --net --append mode=connect "$elf" </dev/null \
	>"$tmp/boot.out" 2>&1 || fail "boot --net: exit status $?"
grep -q "^pvnet: mac 02:a7:0d:00:01:00$" "$tmp/boot.out" ||
	fail "boot --net: no default MAC"
grep -q "^pv-net: 6 checks, 0 failed" "$tmp/boot.out" ||
	fail "boot --net: no clean summary"
timeout $((20 * SLOW)) "$atoll" boot --append mode=nonet "$elf" </dev/null \
	>"$tmp/nonet.out" 2>&1 || fail "no net: exit status $?"
grep -q "^pv-net: 4 checks, 0 failed" "$tmp/nonet.out" ||
	fail "no net: connecting did not fail with -ENODEV"

# Configuration errors: exit 2 and one line naming file:line:key.
bad_config() { # NAME SED-SCRIPT EXPECTED-TEXT
	sed "$2" "$tmp/pair.ini" >"$tmp/$1.ini"
	timeout $((20 * SLOW)) "$atoll" run "$tmp/$1.ini" </dev/null >"$tmp/$1.out" 2>&1
	local rc=$?
	[ $rc = 2 ] || fail "$1: exit status $rc, want 2"
	grep -q "$1.ini:$3" "$tmp/$1.out" || fail "$1: no '$3' error"
}
bad_config dupmac 's/^mac = .*/mac = 02:a7:0d:00:01:00/' \
	"16: mac: 02:a7:0d:00:01:00 is the address of domain a"
bad_config mcast 's/^mac = .*/mac = 03:00:00:00:00:0b/' \
	"16: mac: 03:00:00:00:00:0b is a multicast"
bad_config badmac 's/^mac = .*/mac = 02:00:00:00:0b/' \
	"16: mac: '02:00:00:00:0b' is not an address"
bad_config badnet '0,/^net = yes/s//net = maybe/' "9: net: 'maybe'"
bad_config nonet '15s/.*/net = no/' "16: mac: needs net = yes"

if [ $fails != 0 ]; then
	tail -n 8 "$tmp"/*.out
	exit 1
fi
echo "io-net: ok"
