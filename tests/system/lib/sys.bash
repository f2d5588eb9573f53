# Helpers for the system tests (tests/system/*.sh): one `atoll run CONFIG`
# in the background, in a temp dir, bounded and always killed.
#
#   source "$(dirname "$0")/lib/sys.bash" "$1"
#
# Gives: $ATOLL, $BUILD, $GUEST, $tmp (removed at exit), $SYS_T (seconds a
# run may take), fail MSG, need_elf NAME, atoll_start CONFIG, atoll_up
# NAME..., atoll_wait (exit status; samples VmRSS/VmHWM into
# $peak_rss_kib/$peak_hwm_kib), atoll_stop, domain_ok NAME TEXT; and from
# wait.bash, SLOW and wait_until SECS CMD... .
set -u
ATOLL=${1:?usage: $0 ATOLL}
BUILD=${BUILD:-build}
GUEST=$BUILD/guest
# shellcheck source=tests/system/lib/wait.bash
source "$(dirname "${BASH_SOURCE[0]}")/wait.bash"
SYS_T=${SYS_T:-60}
[ "$SAN" = 1 ] && SYS_T=$((SYS_T * 4))
tmp=$(mktemp -d "${TMPDIR:-/tmp}/atoll-sys.XXXXXX")
atoll_pid=
peak_rss_kib=0
peak_hwm_kib=0

sys_cleanup() {
	if [ -n "$atoll_pid" ]; then
		kill -KILL "$atoll_pid" 2>/dev/null
		wait "$atoll_pid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap sys_cleanup EXIT
trap 'exit 130' INT TERM

# fail MSG: the verdict, with atoll's last output for context.
fail() {
	echo "FAIL: $*"
	# SYS_KEEP=DIR keeps the whole run (config, output, log) for a post-mortem.
	[ -n "${SYS_KEEP:-}" ] && mkdir -p "$SYS_KEEP" && cp -r "$tmp" "$SYS_KEEP/"
	for f in "$tmp/out" "$tmp/err"; do
		[ -s "$f" ] || continue
		echo "--- tail of $(basename "$f")"
		tail -n 8 "$f"
	done
	exit 1
}

need_elf() {
	[ -f "$GUEST/$1.elf" ] || fail "$GUEST/$1.elf not built (make $GUEST/$1.elf)"
	echo "$GUEST/$1.elf"
}

# `atoll run` must exist (it lands with issue 3's host).
[ -x "$ATOLL" ] || fail "no atoll binary at $ATOLL"
"$ATOLL" run 2>&1 | grep -q "unknown command" &&
	fail "this atoll has no 'run' verb"

atoll_start() {
	"$ATOLL" run "$1" </dev/null >"$tmp/out" 2>"$tmp/err" &
	atoll_pid=$!
}

# The larger of $1 and the status field $2 (kB) of the running atoll.
sample() {
	local v
	v=$(awk -v k="$2:" '$1 == k { print $2 }' \
		"/proc/$atoll_pid/status" 2>/dev/null)
	[ -n "$v" ] && [ "$v" -gt "$1" ] && echo "$v" || echo "$1"
}

# atoll_lists NAME...: the control socket $sock answers, and its list has
# every NAME running.
atoll_lists() {
	local list n
	list=$(timeout $((10 * SLOW)) "$ATOLL" list --socket "$sock" \
		2>/dev/null) || return 1
	for n in "$@"; do
		awk -v n="$n" '$2 == n && $3 == "running" { f = 1 }
			END { exit !f }' <<<"$list" || return 1
	done
}

# atoll_up NAME...: wait until atoll_lists NAME... (fail after 60 s x
# SLOW).  An answer on the socket alone says nothing of the domains:
# `atoll run` listens before it creates them (src/cli/run.c), so a client
# that came too soon saw an empty list, or its own domain got another id.
atoll_up() {
	wait_until $((60 * SLOW)) atoll_lists "$@" ||
		fail "atoll did not come up with $* running on $sock:" \
			"$(timeout $((10 * SLOW)) "$ATOLL" list --socket "$sock" 2>&1)"
}

# Wait for atoll (at most $SYS_T s), sampling its memory; prints nothing,
# returns its exit status (124 on timeout, after killing it).
atoll_wait() {
	local end=$((SECONDS + SYS_T)) rc
	while kill -0 "$atoll_pid" 2>/dev/null; do
		peak_rss_kib=$(sample "$peak_rss_kib" VmRSS)
		peak_hwm_kib=$(sample "$peak_hwm_kib" VmHWM)
		if [ $SECONDS -ge $end ]; then
			kill -KILL "$atoll_pid" 2>/dev/null
			wait "$atoll_pid" 2>/dev/null
			atoll_pid=
			return 124
		fi
		sleep 0.05
	done
	wait "$atoll_pid"
	rc=$?
	atoll_pid=
	return $rc
}

# Ask atoll to stop (SIGTERM), then wait for it.
atoll_stop() {
	[ -n "$atoll_pid" ] || return 0
	kill -TERM "$atoll_pid" 2>/dev/null
	atoll_wait
}

# domain_ok NAME TEXT: the domain's console (lines prefixed "NAME| ") shows
# TEXT.
domain_ok() {
	tr -d '\r' <"$tmp/out" | grep -q "^$1| *$2"
}
