#!/bin/bash
# atoll-os networking (docs/guest-os.md, docs/pv-io.md): two domains of one
# `atoll run` (`net = yes`) stream raw frames (netstream: no loss, every
# byte checked) and ping-pong (latency line); a receiver expecting another
# payload seed must fail; a domain behind the NAT uplink echoes UDP
# datagrams sent from the host through `hostfwd`; a host port already in
# use and a hostfwd without nat are start-up errors (exit 2, one line).
# Usage:
#   tests/system/guest-net.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)

# pair NAME CMDLINE_A CMDLINE_B: domains a and b on one switch.
pair() {
	cat >"$tmp/$1.cfg" <<EOF
[host]
machine_memory = 80M

[domain a]
memory = 32M
maxmem = 32M
kernel = $os
cmdline = balloon=0 ip=10.0.2.16 $2
net = yes

[domain b]
memory = 32M
maxmem = 32M
kernel = $os
cmdline = balloon=0 $3
net = yes
EOF
	atoll_start "$tmp/$1.cfg"
	atoll_wait
	rc=$?
	cp "$tmp/out" "$tmp/$1.out"
}

num='[0-9]+'
# The sanitizer build interprets some 40x slower: stream less.
mb=4 frames=2770
[ "$SAN" = 1 ] && mb=1 frames=692
a_mac=02:a7:0d:00:01:00

# (a) netstream b -> a: both verdicts ok, nothing lost.
pair stream "workload=netstream role=recv seed=7" \
	"workload=netstream role=send peer=$a_mac mb=$mb seed=7"
[ $rc = 0 ] || fail "netstream: atoll exit status $rc"
domain_ok a "netstream: verdict ok" || fail "netstream: receiver verdict"
domain_ok b "netstream: verdict ok" || fail "netstream: sender verdict"
line=$(tr -d '\r' <"$tmp/out" | grep -E "^a\| netstream: role=recv frames=$frames bytes=$((frames * 1514)) us=$num MBps=$num\.[0-9] pps=$num lost=0$") ||
	fail "netstream: no clean role=recv line"
echo "${line#a| }"

# (a) pingpong: b pings a (found by ARP), a pongs.
pair ping "workload=pingpong role=pong" \
	"workload=pingpong role=ping peer=10.0.2.16 count=500"
[ $rc = 0 ] || fail "pingpong: atoll exit status $rc"
domain_ok a "pingpong: verdict ok" || fail "pingpong: pong verdict"
line=$(tr -d '\r' <"$tmp/out" | grep -E "^b\| pingpong: count=500 rtt_us_min=$num rtt_us_median=$num rtt_us_p99=$num$") ||
	fail "pingpong: no latency line"
echo "${line#b| }"
domain_ok b "pingpong: verdict ok" || fail "pingpong: ping verdict"

# (c) a receiver expecting seed 8 must see every payload as wrong.
pair badseed "workload=netstream role=recv seed=8" \
	"workload=netstream role=send peer=$a_mac mb=1 seed=7"
[ $rc != 0 ] || fail "wrong seed: atoll exit status 0"
domain_ok a "netstream: verdict FAIL loss or corruption: 0 of 692 " ||
	fail "wrong seed: the receiver did not fail"

# (b) NAT: udpecho behind hostfwd, datagrams from the host.
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET,
socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/nat.cfg" <<EOF
[host]
machine_memory = 48M
nat = yes
hostfwd = udp:127.0.0.1:$port-10.0.2.15:7

[domain e]
memory = 32M
maxmem = 32M
kernel = $os
cmdline = balloon=0 workload=udpecho port=7 count=1000 idle=300
net = yes
EOF
atoll_start "$tmp/nat.cfg"
# The datagrams once the guest listens: retransmission covers a lost one,
# not the guest's boot.
listens() { tr -d '\r' <"$tmp/out" | grep -q "^udpecho: listening"; }
wait_until $((60 * SLOW)) listens || fail "nat: udpecho did not listen"
timeout $((60 * SLOW)) python3 - "$port" <<'EOF' >"$tmp/udp.out" 2>&1
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.3)
msgs = [b"atoll-nat-%d-" % i + bytes(range(200)) for i in range(4)]
seen = set()
for msg in msgs:
    # Retransmit until this one's echo is back: the guest may still be
    # booting, and late echoes of earlier copies may arrive first.
    for attempt in range(150):
        if msg in seen:
            break
        s.sendto(msg, ("127.0.0.1", int(sys.argv[1])))
        try:
            data, _ = s.recvfrom(4096)
        except socket.timeout:
            continue
        if data in msgs:
            seen.add(data)
print("echoed", len(seen))
EOF
grep -q "^echoed 4$" "$tmp/udp.out" || fail "nat: $(cat "$tmp/udp.out")"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "nat: atoll exit status $rc"
tr -d '\r' <"$tmp/out" | grep -q "^udpecho: verdict ok" ||
	fail "nat: no udpecho verdict ok"

# A host port in use: one line, exit 2, no domain started.
python3 - "$ATOLL" "$tmp/nat.cfg" "$port" >"$tmp/busy.out" 2>&1 <<'EOF'
import socket, subprocess, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[3])))
r = subprocess.run(["timeout", "10", sys.argv[1], "run", sys.argv[2]],
                   capture_output=True, text=True)
print(r.returncode)
print(r.stderr + r.stdout, end="")
EOF
[ "$(head -n 1 "$tmp/busy.out")" = 2 ] || fail "port in use: $(cat "$tmp/busy.out")"
[ "$(wc -l <"$tmp/busy.out")" = 2 ] && grep -q "cannot listen on host port $port" "$tmp/busy.out" ||
	fail "port in use: want one line, got: $(tail -n +2 "$tmp/busy.out")"

# hostfwd without nat = yes: file:line:key, exit 2.
sed 's/^nat = yes$/nat = no/' "$tmp/nat.cfg" >"$tmp/nonat.cfg"
"$ATOLL" run "$tmp/nonat.cfg" >"$tmp/nonat.out" 2>&1
rc=$?
[ $rc = 2 ] && grep -q "nonat.cfg:4: hostfwd: needs nat = yes" "$tmp/nonat.out" ||
	fail "hostfwd without nat: status $rc: $(cat "$tmp/nonat.out")"
echo "guest-net: ok"
