#!/bin/bash
# The control verbs against a live `atoll run` with two domains (memhog
# working sets): list, p2m, stats (table and JSON), pause/unpause (a paused
# domain retires no instructions), mem-set, an unknown domain, a second
# atoll on the same socket refused, destroy; atoll exits when the last
# domain is destroyed and removes its socket.
. "$(dirname "$0")/lib/usage.bash"
HOG="${BUILD:-$(dirname "$ATOLL")}/guest/mem-memhog.elf"
if [ ! -f "$HOG" ]; then
	echo "guest program missing: $HOG (make guest-programs)"
	exit 1
fi
SOCK="$TMP/atoll.sock"
cat >"$TMP/two.ini" <<EOC
[host]
machine_memory = 16M
control_socket = $SOCK

[domain alpha]
vcpus = 1
memory = 8M
maxmem = 12M
kernel = $HOG
cmdline = mib=4 phases=1000 seed=1 hold_ms=600000

[domain beta]
vcpus = 2
memory = 8M
maxmem = 12M
kernel = $HOG
cmdline = mib=2 phases=1000 seed=2 hold_ms=600000
EOC

fail() {
	echo "$*"
	echo "--- atoll run stderr:"
	head -n 5 "$TMP/run.err"
	exit 1
}

timeout -k 5 $((${T_CLI:-60} - 10)) "$ATOLL" run "$TMP/two.ini" </dev/null >"$TMP/run.out" \
	2>"$TMP/run.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do
	[ -S "$SOCK" ] && break
	sleep 0.1
done
[ -S "$SOCK" ] || fail "atoll run did not create $SOCK"

# ctl NAME ARGS...: atoll ARGS --socket SOCK must succeed; output in $out.
ctl() {
	local what=$1 rc
	shift
	out=$(timeout 10 "$ATOLL" "$@" --socket "$SOCK" 2>"$TMP/ctl.err")
	rc=$?
	[ $rc = 0 ] || fail "$what: exit status $rc: $(cat "$TMP/ctl.err")"
}
# ctl_fails NAME STATUS ARGS...: the verb fails with that status.
ctl_fails() {
	local what=$1 want=$2 rc
	shift 2
	timeout 10 "$ATOLL" "$@" --socket "$SOCK" >/dev/null 2>"$TMP/ctl.err"
	rc=$?
	[ $rc = "$want" ] || fail "$what: exit status $rc, expected $want"
	[ "$(wc -l <"$TMP/ctl.err")" = 1 ] ||
		fail "$what: expected one line on stderr: $(cat "$TMP/ctl.err")"
}
# instret DOMAIN: its instructions retired so far.
instret() {
	ctl "stats $1" stats --json "$1"
	grep -o '"instret":[0-9]*' <<<"$out" | cut -d: -f2
}

ctl list list
grep -Eq '^ +1 alpha +running +1 ' <<<"$out" || fail "list: $out"
grep -Eq '^ +2 beta +running +2 ' <<<"$out" || fail "list: $out"
ctl "list --json" list --json
grep -q '"name":"beta","state":"running","vcpus":2' <<<"$out" ||
	fail "list --json: $out"

ctl p2m p2m alpha
grep -q 'alpha' <<<"$out" || fail "p2m: no header: $out"
grep -Eq '^  0x8[0-9a-f]+-0x8[0-9a-f]+ -> mfn 0x[0-9a-f]+-0x[0-9a-f]+ present' \
	<<<"$out" || fail "p2m: no present range: $out"

ctl stats stats
grep -q '^host: 16 MiB of machine memory' <<<"$out" || fail "stats: $out"
ctl "stats --json" stats --json
grep -q '"host":{"frame_size":4096,"frames":4096' <<<"$out" ||
	fail "stats --json: $out"
grep -q '"populate_faults":[1-9]' <<<"$out" || fail "stats --json: $out"

ctl pause pause alpha
ctl list list
grep -Eq '^ +1 alpha +paused ' <<<"$out" || fail "pause: $out"
i1=$(instret alpha)
sleep 0.5
i2=$(instret alpha)
[ "$i1" = "$i2" ] || fail "paused alpha still runs: instret $i1 -> $i2"
ctl_fails "pause a paused domain" 1 pause alpha
ctl unpause unpause 1
ctl_fails "unpause a running domain" 1 unpause alpha
for _ in $(seq 50); do
	i3=$(instret alpha)
	[ "$i3" -gt "$i2" ] && break
	sleep 0.1
done
[ "$i3" -gt "$i2" ] || fail "unpaused alpha does not run: $i2 -> $i3"

ctl mem-set mem-set alpha 6M
ctl "list after mem-set" list
grep -Eq '^ +1 alpha +running +1 +[0-9.]+ +6\.0 +12\.0 .* user$' <<<"$out" ||
	fail "mem-set: target not 6 MiB set by the user: $out"
ctl "mem-set bare MiB" mem-set alpha 7
ctl "list after mem-set 7" list
grep -Eq '^ +1 alpha +running +1 +[0-9.]+ +7\.0 ' <<<"$out" ||
	fail "mem-set alpha 7: target not 7 MiB: $out"
ctl "p2m --json" p2m --json alpha
jq -e '.schema >= 1 and (.ranges | length) > 0 and
	(.ranges[0] | has("gfn") and has("count") and has("state")) and
	.counts.present > 0' <<<"$out" >/dev/null ||
	fail "p2m --json: not structured: ${out:0:300}"
ctl_fails "mem-set above maxmem" 1 mem-set alpha 1G

expect_usage_error "unknown domain" p2m nosuch --socket "$SOCK"
expect_stderr_mentions "unknown domain" nosuch
expect_usage_error "unknown domain id" pause 9 --socket "$SOCK"

# A second atoll on the same socket is refused and leaves the first alone.
expect_usage_error "second atoll" run "$TMP/two.ini"
expect_stderr_mentions "second atoll" "$SOCK"
ctl "list after the second atoll" list

ctl destroy destroy beta
ctl "list after destroy" list
grep -q beta <<<"$out" && fail "destroyed beta still listed: $out"
ctl "destroy the last" destroy alpha
for _ in $(seq 100); do
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "atoll still runs with no domain left"
wait "$pid"
rc=$?
[ $rc = 0 ] || fail "atoll run: exit status $rc after the last destroy"
grep -Eq 'Sanitizer|runtime error' "$TMP/run.err" && fail "sanitizer report"
[ -e "$SOCK" ] && fail "atoll left its socket behind"
exit 0
