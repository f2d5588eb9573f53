#!/bin/bash
# atoll-os's front-ends against a hostile back-end (issue 4, "Bad input";
# docs/guest-os.md): workload=pvhostile plays atoll's side on private
# rings and feeds the balloon hostile targets.  Checked: exit status and
# verdict, every case's ok line, and each case's log line exactly once
# (between the previous case's line and its own).  No devices needed.
# Usage:
#   tests/system/guest-hostile.sh ATOLL     (exit status 0 = pass)
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
T=$((SYS_T < 15 ? SYS_T : 15))

timeout -k 5 "$T" "$ATOLL" boot -m 64M --append "workload=pvhostile" \
	"$os" </dev/null >"$tmp/boot" 2>&1
rc=$?
tr -d '\r' <"$tmp/boot" >"$tmp/out"
[ "$rc" = 0 ] || fail "exit status $rc: $(grep -m1 'FAIL\|panic' "$tmp/out")"
grep -q '^pvhostile: verdict ok$' "$tmp/out" || fail "no 'verdict ok'"
! grep -q 'FAIL\|panic' "$tmp/out" || fail "$(grep -m1 'FAIL\|panic' "$tmp/out")"

# check CASE REGEX: CASE passed, and REGEX matched exactly one of the log
# lines since the previous case's verdict line.
check() {
	local name=$1 want=$2 n
	# Through the environment: awk -v would eat the regexes' backslashes.
	n=$(C="^pvhostile: $name ok\$" W="$want" awk '
		$0 ~ ENVIRON["C"] { print k + 0; found = 1; exit }
		/^pvhostile: [a-z-]+ (ok|FAIL)/ { k = 0; next }
		$0 ~ ENVIRON["W"] { k++ }
		END { if (!found) print "none" }' "$tmp/out")
	[ "$n" != none ] || fail "$name: no '$name ok' line"
	[ "$n" = 1 ] || fail "$name: '$want' logged $n times, want once"
}
check blk-unknown-id '^blkfront: response with id 1000000007 not outstanding'
check blk-duplicate '^blkfront: response with id [0-9]+ not outstanding'
check blk-prod-ahead '^blkfront: atoll published 1004 responses with 4 outstanding'
check blk-bad-status '^blkfront: response status 7 out of range'
check net-rx-unknown-id '^netfront: dropped invalid rx response id \(300,'
check net-tx-unknown-id '^netfront: dropped invalid tx response id \(999,'
check net-rx-offset '^netfront: dropped invalid rx response offset\+length \(4000, 200\)'
check net-rx-length '^netfront: dropped invalid rx response length'
check net-rx-prod-ahead '^netfront: response index [0-9]+ out of range, device abandoned'
check balloon-above-maxmem '^balloon: target [0-9]+ frames > maxmem'
check balloon-below-spare '^pvhostile: balloon plan for target 0 with'
echo "guest-hostile: ok"
