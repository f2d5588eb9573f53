# Waiting for a condition, the one way every system and Linux test waits
# (tests/README.md, "SLOW"):
#
#   source "$(dirname "$0")/lib/wait.bash"   (sys.bash and linux.bash do)
#
# Gives: SLOW (1, or 4 under SAN=1: multiply every wall-clock bound a test
# chooses by it) and wait_until SECS CMD... .  A test never sleeps a fixed
# time for something to happen: it waits for the thing itself, with a
# bound that is a ceiling for a broken run (a loaded machine, a sanitizer
# build), not an estimate for a good one.
SAN=${SAN:-0}
SLOW=1
[ "$SAN" = 1 ] && SLOW=4

# wait_until SECS CMD...: run CMD every 0.1 s until it succeeds (status
# 0), or fail (status 1) once SECS seconds have passed.  When the test's
# `atoll run` ($atoll_pid, if set) has ended, CMD gets one last try (what
# it waits for may be the last thing atoll wrote) instead of the rest of
# the bound.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		if [ -n "${atoll_pid:-}" ] && ! kill -0 "$atoll_pid" 2>/dev/null; then
			"$@"
			return
		fi
		[ $SECONDS -ge $end ] && return 1
		sleep 0.1
	done
}
