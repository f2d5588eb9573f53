# The common start of a bench section that runs alone or from bench/run.sh
# (bench/policy.sh, bench/share.sh, bench/density.sh), sourced after the
# script has set REPS and MAXP to its defaults:
#   section_start NAME "$@"
# reads -n MIN / -N MAX into REPS and MAXP (usage error: exit 2), defines
# st (bench/lib/stats.py), q (a value from `atoll stats --json`) and
# record (into RESULT, default $BUILD/bench/NAME.json, created here if
# absent: own_result=1), checks that $ATOLL and $OS are built (exit 1),
# and makes $tmp, removed at exit together with the atoll whose pid is in
# $pid.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
st() { "$PY" "$(dirname "${BASH_SOURCE[0]}")/stats.py" "$@"; }
record() { st record "$RESULT" "$@"; }
# q EXPR: a value from the running atoll's `stats --json` (python: d = the
# domains' mem by name, hs = host, h = host.share); empty if it failed.
q() {
	timeout 10 "$ATOLL" stats --json 2>/dev/null | "$PY" -c "
import json, sys
r = json.load(sys.stdin)
d = {x['name']: x['mem'] for x in r['domains']}
hs = r['host']
h = hs['share']
print($1)" 2>/dev/null
}

section_cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}

section_start() {
	local name=$1 f
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		-n) REPS=${2:-} ;;
		-N) MAXP=${2:-} ;;
		*) echo "usage: bench/$name.sh [-n MIN] [-N MAX]" >&2; exit 2 ;;
		esac
		shift 2
	done
	if ! [[ "$REPS" =~ ^[1-9][0-9]?$ && "$MAXP" =~ ^[1-9][0-9]?$ ]] ||
		[ "$MAXP" -lt "$REPS" ]; then
		echo "$name: bad -n or -N" >&2
		exit 2
	fi
	RESULT=${RESULT:-$BUILD/bench/$name.json}
	if [ ! -f "$RESULT" ]; then
		mkdir -p "$(dirname "$RESULT")"
		st init "$RESULT" "workloads=$name" || exit 1
		own_result=1
	fi
	for f in "$ATOLL" "$OS"; do
		[ -e "$f" ] || {
			echo "$name: $f not built" >&2
			exit 1
		}
	done
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/atoll-$name.XXXXXX")
	pid=
	trap section_cleanup EXIT
}
