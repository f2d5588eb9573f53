#!/bin/bash
# `atoll mem-set --wait` and `atoll sla --wait` (docs/control-api.md):
# progress until the domain holds its target.  "a" (atoll-os, its balloon
# following the target) is sent up to 120M, down to 24M and, with sla, up
# to 64M: each wait exits 0 with a final line naming the target, and the
# holdings are really there.  "b" (balloon=0, no swap file) cannot go
# below what its memhog touched: a --wait=2 towards 4M exits 1 with one
# line saying so, after a plain progress line a second, and the target
# stays set.  --wait=abc is bad usage (exit 2, one line, nothing changed).
# Usage: tests/system/mem-wait.sh ATOLL     (exit status 0 = pass)
# shellcheck source=tests/system/lib/sys.bash
SYS_T=${SYS_T:-30}
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
os=$(need_elf atoll-os)
W=$((10 * SLOW))

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 256M
control_socket = $sock

[domain a]
memory = 64M
maxmem = 128M
kernel = $os
cmdline = workload=idle ticks=$((100000 * SLOW))

[domain b]
memory = 24M
kernel = $os
cmdline = balloon=0 workload=memhog mib=16 phases=1000 wait_ms=8000
INI
atoll_start "$tmp/cfg.ini"
b_full() { [ "$(mstat b populated)" -ge $((16 * 256)) ] 2>/dev/null; }
wait_until $((30 * SLOW)) b_full || fail "b never held 16 MiB"

# wait_ok WANT_MIB VERB ARGS...: exit 0, "DOM: target N MiB reached" last.
wait_ok() {
	local want=$1
	shift
	timeout $((W + 10)) "$ATOLL" "$@" </dev/null >"$tmp/w.out" \
		2>"$tmp/w.err"
	local rc=$?
	[ $rc = 0 ] || fail "$*: exit status $rc: $(cat "$tmp/w.err")"
	tail -n 1 "$tmp/w.out" | grep -q "^a: target $want.0 MiB reached in" ||
		fail "$*: last line '$(tail -n 1 "$tmp/w.out")'"
	echo "$*: $(tail -n 1 "$tmp/w.out")"
}
mib() { echo $(($(mstat "$1" "$2") / 256)); }

wait_ok 120 mem-set --socket "$sock" --wait=$W a 120M
[ "$(mstat a ballooned)" -le $((9 * 256)) ] ||
	fail "a reached 120M with $(mib a ballooned) MiB still ballooned"
wait_ok 24 mem-set --socket "$sock" --wait a 24M
[ "$(mstat a populated)" -le $((25 * 256)) ] ||
	fail "a reached 24M holding $(mib a populated) MiB"
grep -q "balloon [1-9][0-9.]*, swap" "$tmp/w.out" ||
	fail "mem-set a 24M: balloon's share not shown: $(tail -n 1 "$tmp/w.out")"
wait_ok 64 sla --socket "$sock" --wait=$W a target=64M

# Unreachable: b has no balloon and there is no swap file.
timeout 10 "$ATOLL" mem-set --socket "$sock" --wait=2 b 4M </dev/null \
	>"$tmp/b.out" 2>"$tmp/b.err"
rc=$?
[ $rc = 1 ] || fail "mem-set --wait=2 b 4M: exit status $rc, want 1"
[ "$(wc -l <"$tmp/b.err")" = 1 ] &&
	grep -q "did not reach its target 4.0 MiB within 2 s" "$tmp/b.err" ||
	fail "mem-set --wait=2 b 4M: stderr '$(cat "$tmp/b.err")'"
[ "$(grep -c "^b: held [0-9]*%: " "$tmp/b.out")" -ge 2 ] ||
	fail "mem-set --wait=2 b 4M: not a progress line a second:" \
		"$(cat "$tmp/b.out")"
tail -n 1 "$tmp/b.out" | grep -q "^b: target 4.0 MiB NOT reached" ||
	fail "mem-set --wait=2 b 4M: last line '$(tail -n 1 "$tmp/b.out")'"
[ "$(mstat b target)" = 1024 ] || fail "b's target did not stay at 4M"
echo "mem-set --wait=2 b 4M: $(cat "$tmp/b.err")"

# Bad usage: one line, exit 2, the target unchanged.
for v in mem-set sla; do
	if [ $v = mem-set ]; then set -- a 32M; else set -- a target=32M; fi
	timeout 10 "$ATOLL" $v --socket "$sock" --wait=abc "$@" </dev/null \
		>/dev/null 2>"$tmp/bad.err"
	rc=$?
	[ $rc = 2 ] || fail "$v --wait=abc: exit status $rc, want 2"
	[ "$(wc -l <"$tmp/bad.err")" = 1 ] &&
		grep -q -- "--wait=abc" "$tmp/bad.err" ||
		fail "$v --wait=abc: stderr '$(cat "$tmp/bad.err")'"
done
[ "$(mstat a target)" = $((64 * 256)) ] ||
	fail "a's target changed after a bad --wait"
atoll_stop
echo "mem-wait: ok"
