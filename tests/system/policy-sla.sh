#!/bin/bash
# Memory policy (docs/policy.md), live SLA changes: `atoll sla` applies a
# good change at once, and refuses every bad one (shares 0 or too many,
# target outside reservation..limit, limit above maxmem, a reservation
# admission control cannot guarantee, malformed sizes, unknown keys, no
# such domain) with one line and exit status 2, changing nothing.  Bad
# policy keys in the configuration file are refused the same way
# (file:line: key, exit 2, nothing started).  The domains idle far longer
# than the checks take even on a loaded machine; atoll_stop ends them.
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-30}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)

host_ini() {
	cat <<-INI
		[host]
		machine_memory = 48M
		control_socket = $sock
	INI
}

# Configuration errors first: exit 2, one line naming file:line: key.
bad_config() { # LINE KEY "SECTION KEY = VALUE" (appended to a good file)
	{
		host_ini
		echo "$3"
		printf '\n[domain a]\nmemory = 8M\nkernel = %s\n' "$os"
	} >"$tmp/bad.ini"
	timeout 10 "$ATOLL" run "$tmp/bad.ini" </dev/null >/dev/null \
		2>"$tmp/bad.err"
	local rc=$?
	[ $rc = 2 ] || fail "config '$3': exit status $rc, not 2"
	[ "$(wc -l <"$tmp/bad.err")" = 1 ] ||
		fail "config '$3': not one line: $(cat "$tmp/bad.err")"
	grep -q "bad.ini:$1: $2" "$tmp/bad.err" ||
		fail "config '$3': '$(cat "$tmp/bad.err")' does not name" \
			"line $1 key $2"
}
bad_config 4 policy_high "policy_high = 3"
bad_config 4 policy_period "policy_period = 5ms"
bad_config 4 balloon_timeout "balloon_timeout = soon"
bad_config 4 policy_low "policy_low = 0"
{
	host_ini
	printf '\n[domain a]\nmemory = 8M\nshares = 0\nkernel = %s\n' "$os"
} >"$tmp/bad.ini"
timeout 10 "$ATOLL" run "$tmp/bad.ini" </dev/null >/dev/null 2>"$tmp/bad.err"
[ $? = 2 ] && grep -q "bad.ini:7: shares" "$tmp/bad.err" ||
	fail "shares = 0 in the config: $(cat "$tmp/bad.err")"
echo "bad policy configuration refused (file:line: key, exit 2)"

{
	host_ini
	cat <<-INI

		[domain a]
		memory = 16M
		maxmem = 32M
		reservation = 8M
		limit = 24M
		kernel = $os
		cmdline = workload=idle ticks=100000

		[domain b]
		memory = 16M
		maxmem = 48M
		reservation = 16M
		kernel = $os
		cmdline = workload=idle ticks=100000
	INI
} >"$tmp/cfg.ini"
atoll_start "$tmp/cfg.ini"
atoll_up a b # both: b's reservation is changed below

sla_of() { # the four values of domain a
	echo "$(mstat a reservation) $(mstat a limit) $(mstat a shares)" \
		"$(mstat a target)"
}
before=$(sla_of)
# bad ARGS...: refused with exit 2 and one line, nothing changed.
bad() {
	timeout 10 "$ATOLL" sla --socket "$sock" "$@" >/dev/null 2>"$tmp/sla.err"
	local rc=$?
	[ $rc = 2 ] || fail "atoll sla $*: exit status $rc, not 2"
	[ "$(wc -l <"$tmp/sla.err")" = 1 ] ||
		fail "atoll sla $*: not one line: $(cat "$tmp/sla.err")"
	echo "  refused: atoll sla $*: $(cat "$tmp/sla.err")"
	[ "$(sla_of)" = "$before" ] ||
		fail "atoll sla $* changed a: $before -> $(sla_of)"
}
bad a shares=0
bad a shares=1000001
bad a shares=lots
bad a target=4M          # below the reservation (8M)
bad a target=28M         # above the limit (24M)
bad a limit=64M          # above maxmem (32M)
bad a reservation=30M    # above the limit
bad a reservation=20M limit=32M target=20M shares=5 reservation=56M
bad a reservation=50M limit=32M
bad a limit=24M reservation=44M
bad a target=12345       # not a multiple of 4K
bad a target=1Z
bad a colour=blue
bad a
bad nosuch shares=5
# Admission control: b holds a 16M reservation, a 8M; 48M in all.
timeout 10 "$ATOLL" sla --socket "$sock" a reservation=24M limit=32M \
	target=24M >/dev/null ||
	fail "a reservation of 24M (40M of 48M reserved) was refused"
timeout 10 "$ATOLL" sla --socket "$sock" b reservation=48M \
	>/dev/null 2>"$tmp/sla.err"
[ $? = 2 ] && grep -q "cannot be guaranteed" "$tmp/sla.err" ||
	fail "b's reservation of 48M (72M of 48M) was not refused:" \
		"$(cat "$tmp/sla.err")"
echo "  refused: $(cat "$tmp/sla.err")"
timeout 10 "$ATOLL" sla --socket "$sock" a shares=500 target=28M \
	>/dev/null || fail "a good sla change was refused"
after=$(sla_of)
[ "$after" = "6144 8192 500 7168" ] ||
	fail "after the good changes a has $after, not 6144 8192 500 7168"
echo "good changes applied: a now reservation 24M, limit 32M, shares 500," \
	"target 28M"
atoll_stop
echo "policy-sla: ok"
