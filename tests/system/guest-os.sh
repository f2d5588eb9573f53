#!/bin/bash
# atoll-os (guest/, docs/guest-os.md): every workload that needs no PV
# device on atoll and on QEMU, each checked by its own verdict line and
# exit status; then the balloon driver following `atoll mem-set` down and
# up while memhog runs.  Usage:
#   tests/system/guest-os.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
QEMU=${QEMU:-qemu-system-riscv64}
os=$(need_elf atoll-os)
sock=$tmp/ctl.sock

# check WHERE NAME RC LOG WANT_RC: the run's exit status and verdict line.
check() {
	local where=$1 name=$2 rc=$3 log=$4 want=$5
	if [ "$want" = 0 ]; then
		[ "$rc" = 0 ] || fail "$name on $where: exit status $rc"
		tr -d '\r' <"$log" | grep -q "^$name: ok" ||
			fail "$name on $where: no '$name: ok' line"
		! tr -d '\r' <"$log" | grep -q "FAIL\|panic" ||
			fail "$name on $where: $(grep -m1 'FAIL\|panic' "$log")"
	else
		[ "$rc" != 0 ] || fail "$name on $where: exit status 0, want failure"
	fi
}

# boot_atoll NAME ARGS WANT_RC / boot_qemu NAME ARGS WANT_RC
boot_atoll() {
	timeout -k 5 "$SYS_T" "$ATOLL" boot -m 128M --append "workload=$2" \
		"$os" </dev/null >"$tmp/$1.atoll" 2>&1
	check atoll "$1" $? "$tmp/$1.atoll" "$3"
}
boot_qemu() {
	timeout -k 5 "$SYS_T" "$QEMU" -machine virt -nographic -m 128M \
		-kernel "$os" -append "workload=$2" </dev/null \
		>"$tmp/$1.qemu" 2>&1
	check qemu "$1" $? "$tmp/$1.qemu" "$3"
}

for w in "idle:idle ticks=20" "cpu:cpu" "memhog:memhog mib=8 phases=4"; do
	boot_atoll "${w%%:*}" "${w#*:}" 0
	command -v "$QEMU" >/dev/null && boot_qemu "${w%%:*}" "${w#*:}" 0
done
# An unknown workload is a failure on both (SRST "system failure" on atoll,
# the test device's FAIL code on QEMU).
boot_atoll bogus bogus 1
command -v "$QEMU" >/dev/null && boot_qemu bogus bogus 1
# A kernel page fault: a panic line naming the trap, and a failure.
boot_atoll fault fault 1
grep -q "^panic: unexpected trap in the kernel: scause=13" "$tmp/fault.atoll" ||
	fail "fault on atoll: no panic line for the load page fault"

# The balloon: 64M of 128M at start, then 40M, then 120M, memhog running.
cat >"$tmp/balloon.ini" <<INI
[host]
machine_memory = 256M
control_socket = $sock

[domain hog]
memory = 64M
maxmem = 128M
kernel = $os
cmdline = workload=memhog mib=24 phases=8 wait_ms=250 hold=1
INI

# ballooned: the domain's ballooned frames from `atoll stats --json`.
ballooned() {
	"$ATOLL" stats --socket "$sock" --json hog 2>/dev/null |
		grep -o '"ballooned":[0-9]*' | cut -d: -f2
}

# wait_ballooned OP N: until ballooned OP N (-ge/-le), at most 60 s x
# SLOW; the count in $b.  (Not in a command substitution: fail must end
# the test.)
is_ballooned() {
	b=$(ballooned)
	[ -n "$b" ] && [ "$b" "$1" "$2" ]
}
wait_ballooned() {
	wait_until $((60 * SLOW)) is_ballooned "$@" ||
		fail "balloon: ballooned frames ${b:-?}, want $1 $2"
}

# The memhog holds after its last phase (hold=1) until told: the domain
# is there for every step, however slowly the host runs it.  8 phases,
# not 40: the ones still left after `end` must fit in atoll_wait's bound
# (40 took over a minute at load 25).
atoll_start "$tmp/balloon.ini"
wait_ballooned -ge 16000
b0=$b
"$ATOLL" mem-set --socket "$sock" hog 40M >/dev/null || fail "mem-set 40M"
wait_ballooned -ge 22000
b1=$b
"$ATOLL" mem-set --socket "$sock" hog 120M >/dev/null || fail "mem-set 120M"
wait_ballooned -le 4000
b2=$b
{
	printf 'end\n'
	sleep 0.5
} | timeout $((15 * SLOW)) "$ATOLL" console --socket "$sock" hog >/dev/null 2>&1
atoll_wait
rc=$?
[ $rc = 0 ] || fail "balloon: atoll run exit status $rc"
grep -q "memhog: ok" "$tmp/out" || fail "balloon: no 'memhog: ok' line"
! grep -q "FAIL\|panic" "$tmp/out" || fail "balloon: $(grep -m1 'FAIL\|panic' "$tmp/out")"
echo "balloon: ballooned frames $b0 -> $b1 -> $b2"
echo "guest-os: ok"
