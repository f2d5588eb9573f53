#!/bin/bash
# `atoll mem-set` sets a target that holds until a user changes it
# (docs/policy.md "Targets users set").  Two memhogs contend for 64 MiB
# and keep asking for more; "web" is set to 16 (a bare number: MiB).  For
# 10 s its target must stay 16 MiB, marked as set by the user, while the
# manager keeps working on "other"; web then holds no more than it.  A
# target that cannot be honoured next to web's is refused with the reason
# (exit 1, one line, nothing changed); `mem-set web auto` hands web back
# to the manager; a bad size is bad usage (exit 2, one line).
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-60}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64
swap_file = $tmp/swap
swap_size = 128
control_socket = $sock
balloon_timeout = ${SLOW}s

[domain web]
memory = 32
maxmem = 48
kernel = $os
cmdline = workload=memhog mib=28 phases=1000 wait_ms=100 seed=1

[domain other]
memory = 24
maxmem = 64
kernel = $os
cmdline = workload=memhog mib=40 phases=1000 wait_ms=100 seed=2
INI
atoll_start "$tmp/cfg.ini"
web_busy() { [ "$(mstat web populated)" -ge $((20 * 256)) ] 2>/dev/null; }
wait_until $((20 * SLOW)) web_busy || fail "web never held 20 MiB"

ctl() { timeout $((10 * SLOW)) "$ATOLL" "$@" --socket "$sock" </dev/null; }
ctl mem-set web 16 >"$tmp/set.out" 2>"$tmp/set.err" ||
	fail "mem-set web 16: $(cat "$tmp/set.err")"

# Ten seconds under the manager: the target stays where the user put it.
end=$((SECONDS + 10))
n=0
while [ $SECONDS -lt $end ]; do
	j=$(stats_json) || fail "stats failed"
	t=$(jq -r '.domains[] | select(.name == "web") | .mem.target' <<<"$j")
	by=$(jq -r '.domains[] | select(.name == "web") | .mem.target_set_by' <<<"$j")
	[ "$t" = 4096 ] || fail "after $n samples web's target moved to $((t / 256)) MiB"
	[ "$by" = user ] || fail "web's target_set_by is '$by', not user"
	n=$((n + 1))
	sleep 0.5
done
runs=$(hstat policy_runs)
[ "$runs" -gt 50 ] || fail "the manager ran only $runs times"
at_target() { [ "$(mstat web populated)" -le $((16 * 256 + 256)) ]; }
wait_until $((20 * SLOW)) at_target ||
	fail "web still holds $(($(mstat web populated) / 256)) MiB above its 16 MiB target"
ctl list >"$tmp/list.out" || fail "list failed"
grep -Eq '^ +1 web +running +1 +[0-9.]+ +16\.0 +48\.0 .* user$' "$tmp/list.out" ||
	fail "list: $(cat "$tmp/list.out")"

# Cannot be honoured next to web's 16 MiB: refused, the reason given.
before=$(mstat other target)
ctl mem-set other 56 >/dev/null 2>"$tmp/no.err"
rc=$?
[ $rc = 1 ] || fail "mem-set other 56: exit status $rc, want 1"
[ "$(wc -l <"$tmp/no.err")" = 1 ] && grep -q "cannot be honoured" "$tmp/no.err" ||
	fail "mem-set other 56: stderr '$(cat "$tmp/no.err")'"
[ "$(mstat other target_set_by)" = manager ] || fail "refused mem-set changed other"

# Bad sizes: bad usage, nothing sent.
for bad in 16X 1.5G -4 "" 4097B; do
	ctl mem-set web "$bad" >/dev/null 2>"$tmp/bad.err"
	rc=$?
	[ $rc = 2 ] || fail "mem-set web '$bad': exit status $rc, want 2"
	[ "$(wc -l <"$tmp/bad.err")" = 1 ] ||
		fail "mem-set web '$bad': stderr '$(cat "$tmp/bad.err")'"
done
[ "$(mstat web target)" = 4096 ] || fail "a bad mem-set changed web's target"

ctl mem-set web auto 2>"$tmp/auto.err" || fail "mem-set web auto: $(cat "$tmp/auto.err")"
[ "$(mstat web target_set_by)" = manager ] || fail "web not back to the manager"
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"
echo "mem-set-hold: ok (web's target held 16 MiB for 10 s, $n samples, $runs manager passes; other ${before} frames)"
