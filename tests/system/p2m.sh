#!/bin/bash
# The illusion made visible: while two memhog domains overcommit a 64 MiB
# pool (80 MiB touched, swapping), `atoll p2m` shows one domain's
# contiguous guest RAM as several ranges over machine frames that are
# scattered: more than one present range, and machine frame ranges that
# do not rise with the guest frame numbers.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
hog=$(need_elf mem-memhog)
export ATOLL_SOCKET=$tmp/sock

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
swap_file = $tmp/swap
swap_size = 128M
control_socket = $ATOLL_SOCKET

[domain hogA]
memory = 48M
maxmem = 48M
kernel = $hog
cmdline = memhog mib=40 phases=1000 seed=1

[domain hogB]
memory = 48M
maxmem = 48M
kernel = $hog
cmdline = memhog mib=40 phases=1000 seed=2
INI

# scattered FILE: 0 if the P2M listing has more than one present range and
# one of them starts at a lower machine frame than the range before it.
scattered() {
	local h n=0 down=0 prev=0 v
	# shellcheck disable=SC2013 # one hex number per line
	for h in $(sed -n 's/.*-> *mfn *\(0x[0-9a-fA-F]*\).*present.*/\1/p' \
		"$1"); do
		v=$((h))
		[ $n -gt 0 ] && [ $v -lt $prev ] && down=$((down + 1))
		prev=$v
		n=$((n + 1))
	done
	[ $n -gt 1 ] && [ $down -gt 0 ]
}

atoll_start "$tmp/cfg.ini"
end=$((SECONDS + SYS_T / 2))
ok=0
while [ $SECONDS -lt $end ] && kill -0 "$atoll_pid" 2>/dev/null; do
	sleep 0.5
	timeout 10 "$ATOLL" p2m hogA >"$tmp/p2m" 2>"$tmp/p2m.err" || continue
	if scattered "$tmp/p2m"; then
		ok=1
		break
	fi
done
[ $ok = 1 ] || {
	[ -s "$tmp/p2m" ] && head -n 12 "$tmp/p2m"
	cat "$tmp/p2m.err" 2>/dev/null
	fail "no scattered P2M seen for hogA within $((SYS_T / 2))s"
}
ranges=$(grep -c -- '-> *mfn.*present' "$tmp/p2m")
echo "p2m: hogA's guest RAM in $ranges present ranges, for example:"
grep -- '-> *mfn.*present' "$tmp/p2m" | head -n 6
tail -n 1 "$tmp/p2m"
atoll_stop
domain_ok hogA "memhog: CORRUPT" && fail "hogA saw corruption"
domain_ok hogB "memhog: CORRUPT" && fail "hogB saw corruption"
echo "p2m: ok"
