#!/bin/bash
# atoll-os's PV front-ends (docs/guest-os.md): blkbench through blkfront on
# a fresh raw image (every measurement line, verdict and exit status);
# data written by one domain read back by the next (phase=write, then
# phase=verify with the same seed passes and with another seed fails);
# console output after the switch to the PV console reaches atoll's
# stdout through the ring (no CR: the UART path adds one).  Usage:
#   tests/system/guest-blk.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
img=$tmp/disk.img
T=$((SYS_T < 20 ? SYS_T : 20))
line='^blkbench: dev=pv op=(read|write) pattern=(seq|rand) bs=[0-9]+ qd=[0-9]+'
line+=' requests=[0-9]+ bytes=[0-9]+ us=[0-9]+ MBps=[0-9]+\.[0-9] IOPS=[0-9]+'
line+=' exits_per_req=[0-9]+\.[0-9]{3} irqs_per_req=[0-9]+\.[0-9]{3}$'

# blk NAME ARGS: boot with the disk; exit status in $rc, output in $tmp/NAME.
blk() {
	timeout -k 5 "$T" "$ATOLL" boot -m 64M --disk "$img" \
		--append "workload=blkbench balloon=0 $2" "$os" \
		</dev/null >"$tmp/$1" 2>&1
	rc=$?
	tr -d '\r' <"$tmp/$1" >"$tmp/$1.txt"
	cp "$tmp/$1.txt" "$tmp/out" # fail() shows its tail
}

# ok NAME N: exit 0, verdict ok, N well-formed measurement lines.
ok() {
	[ "$rc" = 0 ] || fail "$1: exit status $rc: $(grep -m1 'FAIL\|panic' "$tmp/$1.txt")"
	grep -q '^blkbench: verdict ok$' "$tmp/$1.txt" || fail "$1: no 'verdict ok'"
	n=$(grep -Ec "$line" "$tmp/$1.txt")
	[ "$n" = "$2" ] || fail "$1: $n measurement lines, want $2"
	! grep -q 'FAIL\|panic' "$tmp/$1.txt" || fail "$1: $(grep -m1 'FAIL\|panic' "$tmp/$1.txt")"
}

truncate -s 16M "$img" || fail "cannot create $img"
blk bench "mb=4 op=both"
ok bench 2
blk rand "mb=4 op=read pattern=rand bs=32768 qd=8 holdoff=0"
ok rand 1
grep -q 'exits_per_req=1\.000' "$tmp/rand.txt" ||
	fail "holdoff=0: not one notification per request"

blk write "phase=write seed=41 mb=2"
ok write 1
blk verify "phase=verify seed=41 mb=2"
ok verify 1
blk wrong "phase=verify seed=42 mb=2"
[ "$rc" != 0 ] || fail "verify with the wrong seed: exit status 0"
grep -q '^blkbench: verdict FAIL sector 0 ' "$tmp/wrong.txt" ||
	fail "verify with the wrong seed: no FAIL verdict"

# The PV console: the line printed after the switch arrives without the
# UART's CR; with console=sbi there is no switch.
grep -q $'^console: on the PV console$' "$tmp/bench" ||
	fail "no 'console: on the PV console' line from the ring"
grep -q $'^atoll-os: all ok, powering off$' "$tmp/bench" ||
	fail "the last line did not come through the PV console"
blk sbi "mb=1 op=read console=sbi"
ok sbi 1
! grep -q 'on the PV console' "$tmp/sbi.txt" || fail "console=sbi switched"
echo "guest-blk: ok ($(grep -m1 'op=read' "$tmp/bench.txt" | grep -o 'MBps=[0-9.]*'))"
