# Helpers for the memory policy tests (tests/system/policy-*.sh), on top
# of sys.bash: the control socket $sock, and reads of `atoll stats --json`.
#
#   mstat DOM FIELD   a field of the domain's "mem" object (frames, counts)
#   hstat FIELD       a field of the "host" object
#   memhog_say DOM LINE      a line to DOM's memhog (step=1): next | end
#   memhog_phase DOM N       DOM's memhog printed its phase N
#   memhog_step DOM N        memhog_say DOM next, then wait (generously)
#                            for its phase N
sock=$tmp/ctl.sock

stats_json() {
	timeout $((5 * SLOW)) "$ATOLL" stats --json --socket "$sock" 2>/dev/null
}

mstat() {
	stats_json | jq -r --arg d "$1" --arg f "$2" \
		'.domains[] | select(.name == $d) | .mem[$f]' 2>/dev/null
}

hstat() {
	stats_json | jq -r --arg f "$1" '.host[$f]' 2>/dev/null
}

memhog_say() {
	{
		printf '%s\n' "$2"
		sleep 0.5
	} | timeout $((15 * SLOW)) "$ATOLL" console --socket "$sock" "$1" \
		>/dev/null 2>&1
}

memhog_phase() {
	tr -d '\r' 2>/dev/null <"$tmp/out" | grep -q "^$1| *memhog: phase $2:"
}

memhog_step() {
	memhog_say "$1" next
	wait_until $((60 * SLOW)) memhog_phase "$1" "$2"
}

# Under the sanitizers (SLOW > 1) the guests run several times slower and
# the suite runs two tests at once, so a scenario's timing (who reaches
# what before whom) is not what it checks: the domains run to the end, the
# guests' verdicts and the absence of sanitizer reports are checked, and
# the scenario's figures are left to the full-speed run.  Call right after
# atoll_start with the test's name and its domains.
policy_san_only() {
	local name=$1 d rc
	shift
	[ "$SLOW" = 1 ] && return 0
	atoll_wait
	rc=$?
	[ $rc = 0 ] || fail "atoll run exited with status $rc"
	for d in "$@"; do
		domain_ok "$d" "memhog: ok" || fail "$d did not print 'memhog: ok'"
	done
	grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
	echo "$name: ok (sanitizer build: verdicts only, timing not checked)"
	exit 0
}

