#!/bin/bash
# atoll test runner: host unit tests, ISA tests on atoll, differential tests
# (atoll vs QEMU), CLI tests, system tests (several domains in one atoll)
# and the Linux boot test.  Prints one line per
# test, "PASS name" or "FAIL name: reason" (a few indented detail lines may
# follow a FAIL), in a fixed order whatever the parallelism, then exactly
# "N passed, N failed".  Exit status 0 only if nothing failed.
#
#   tests/run.sh [-j JOBS] [GROUP...]  GROUP: unit isa diff cli system linux
#
# `make test` builds everything first and passes the expected program lists
# (TEST_UNIT, TEST_ISA, TEST_DIFF); run by hand it globs the build folder.
# A group with nothing to run counts as a failure, as does every test that
# needs a missing binary.
#
# The isa and diff groups run once per engine in ENGINES (default: interp,
# plus jit on x86-64 hosts); the jit runs are named isa-jit/..., diff-jit/...
# The system group runs the same way (system/..., system-jit/...), atoll
# being a wrapper that adds --engine to boot and run; tests/system/
# exclude-ENGINE lists scripts left out under an engine, with the reason.
# The linux group runs under the default engine only.
#
# Environment: BUILD (build), ATOLL ($BUILD/atoll), SAN (1: longer
# timeouts), QEMU, JOBS (2), and per-test timeouts in seconds T_UNIT (60),
# T_ISA (60), T_DIFF (60), T_CLI (180), T_SYSTEM (300), T_LINUX (900); SAN=1
# multiplies the defaults by 4 (Linux by 2).
set -u
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$self")/.." || exit 2

export BUILD=${BUILD:-build}
export ATOLL=${ATOLL:-$BUILD/atoll}
export SAN=${SAN:-0}
scale=1
[ "$SAN" = 1 ] && scale=4
export T_UNIT=${T_UNIT:-$((60 * scale))}
export T_ISA=${T_ISA:-$((60 * scale))}
export T_DIFF=${T_DIFF:-$((60 * scale))}
export T_CLI=${T_CLI:-$((180 * scale))} # ctl-bad-input: 66-72 s at load 25
export T_SYSTEM=${T_SYSTEM:-$((300 * scale))}
export T_LINUX=${T_LINUX:-$((900 * (scale > 1 ? 2 : 1)))}
MAX_OUT=$((4 * 1024 * 1024)) # bytes of console kept from one guest
DETAIL=15                   # detail lines shown under a FAIL

# ---- one job (run by xargs in a child: "run.sh --job KIND NAME ARG RES") --

# result RES STATUS NAME [REASON]: the job's verdict; details on stdin.
result() {
	local res=$1 status=$2 name=$3 reason=${4:-}
	{
		if [ "$status" = PASS ]; then
			echo "PASS $name"
		else
			echo "FAIL $name: $reason"
			head -n $DETAIL | sed 's/^/    /'
		fi
	} >"$res.tmp"
	mv "$res.tmp" "$res"
}

# Run a guest ELF on atoll; console (CR stripped, capped) -> $2, status out.
run_guest() {
	local elf=$1 out=$2 rc
	{
		timeout -k 5 "$T_ISA" "$ATOLL" boot --bios none \
			${ATOLL_ENGINE:+--engine "$ATOLL_ENGINE"} "$elf" \
			</dev/null 2>"$out.err"
		echo $? >"$out.rc"
	} | head -c $MAX_OUT | tr -d '\r' >"$out"
	rc=$(cat "$out.rc" 2>/dev/null || echo 125)
	return "$rc"
}

# Reason text for a command's exit status.
status_reason() {
	case $1 in
	124 | 137) echo "timed out after ${2}s" ;;
	*) echo "exit status $1" ;;
	esac
}

job_unit() {
	local name=$1 bin=$2 res=$3 out="$3.out" rc
	if [ ! -x "$bin" ]; then
		result "$res" FAIL "$name" "not built ($bin)" </dev/null
		return
	fi
	timeout -k 5 "$T_UNIT" "$bin" </dev/null >"$out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		result "$res" PASS "$name" </dev/null
	else
		tail -n $DETAIL "$out" |
			result "$res" FAIL "$name" "$(status_reason $rc "$T_UNIT")"
	fi
}

# The .expect file of an ISA program, if it has one.
expect_file() {
	local base=${1#isa-}
	for f in "tests/isa/$1.expect" "tests/isa/$base.expect"; do
		[ -f "$f" ] && { echo "$f"; return; }
	done
}

job_isa() {
	local name=$1 elf=$2 res=$3 out="$3.out" rc exp
	if [ ! -x "$ATOLL" ]; then
		result "$res" FAIL "$name" "atoll binary missing ($ATOLL)" \
			</dev/null
		return
	fi
	if [ ! -f "$elf" ]; then
		result "$res" FAIL "$name" "not built ($elf)" </dev/null
		return
	fi
	run_guest "$elf" "$out"
	rc=$?
	if [ "$(stat -c %s "$out")" -ge $MAX_OUT ]; then
		tail -n 3 "$out" | result "$res" FAIL "$name" \
			"runaway console output (over $MAX_OUT bytes)"
		return
	fi
	if [ $rc != 0 ]; then
		{
			grep -m $DETAIL -e '^FAIL' "$out"
			grep -q '^FAIL' "$out" || tail -n 5 "$out"
			head -n 3 "$out.err"
		} | result "$res" FAIL "$name" "$(status_reason $rc "$T_ISA")"
		return
	fi
	exp=$(expect_file "$(basename "$elf" .elf)")
	if [ -n "$exp" ] && ! cmp -s "$exp" "$out"; then
		diff -u --label "$exp" --label output "$exp" "$out" |
			result "$res" FAIL "$name" "output differs from $exp"
		return
	fi
	result "$res" PASS "$name" </dev/null
}

job_diff() {
	local name=$1 elf=$2 res=$3 out="$3.out" rc
	DIFF_TIMEOUT=$T_DIFF tests/diff/run-diff.sh "$ATOLL" "$elf" \
		>"$out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		result "$res" PASS "$name" </dev/null
	else
		tail -n +2 "$out" | result "$res" FAIL "$name" "$(head -n 1 "$out")"
	fi
}

job_script() {
	local name=$1 script=$2 res=$3 limit=$4 out="$3.out" rc
	if [ ! -x "$ATOLL" ]; then
		result "$res" FAIL "$name" "atoll binary missing ($ATOLL)" \
			</dev/null
		return
	fi
	timeout -k 10 "$limit" bash "$script" "$ATOLL" </dev/null >"$out" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		result "$res" PASS "$name" </dev/null
	else
		# The script's own verdict first: atoll's output follows it.
		{
			grep -m 1 '^FAIL:' "$out"
			tail -n $DETAIL "$out"
		} | result "$res" FAIL "$name" "$(status_reason $rc "$limit")"
	fi
}

# engine_wrapper ENGINE: make $ATOLL's sibling atoll-ENGINE, which runs
# $ATOLL with `--engine ENGINE` after `boot` and `run` (a sibling: some
# scripts find the guest programs next to the binary they are given).
engine_wrapper() {
	local dir w
	dir=$(cd "$(dirname "$ATOLL")" && pwd) || return 1
	w=$dir/atoll-$1
	cat >"$w.$$" <<-EOF
		#!/bin/bash
		case \${1:-} in
		boot | run) c=\$1; shift; exec "$dir/$(basename "$ATOLL")" "\$c" --engine $1 "\$@" ;;
		*) exec "$dir/$(basename "$ATOLL")" "\$@" ;;
		esac
	EOF
	chmod +x "$w.$$" && mv "$w.$$" "$w"
}

if [ "${1:-}" = --job ]; then
	kind=$2 name=$3 arg=$4 res=$5
	case $kind in
	unit) job_unit "$name" "$arg" "$res" ;;
	isa) ATOLL_ENGINE=interp job_isa "$name" "$arg" "$res" ;;
	diff) ATOLL_ENGINE=interp job_diff "$name" "$arg" "$res" ;;
	# Translated at first sight: most of their code runs once.
	isa-jit) ATOLL_JIT_HOT=1 ATOLL_ENGINE=jit job_isa "$name" "$arg" "$res" ;;
	diff-jit) ATOLL_JIT_HOT=1 ATOLL_ENGINE=jit job_diff "$name" "$arg" "$res" ;;
	cli) job_script "$name" "$arg" "$res" "$T_CLI" ;;
	system | system-*)
		eng=${kind#system}
		eng=${eng#-}
		[ -x "$ATOLL" ] && ATOLL=$(dirname "$ATOLL")/atoll-${eng:-interp}
		job_script "$name" "$arg" "$res" "$T_SYSTEM"
		;;
	linux) job_script "$name" "$arg" "$res" "$T_LINUX" ;;
	esac
	exit 0
fi

# ---- the run ----------------------------------------------------------------

JOBS=${JOBS:-2}
while getopts "j:" opt; do
	case $opt in
	j) JOBS=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
groups=${*:-unit isa diff cli system linux}
for g in $groups; do
	case $g in
	unit | isa | diff | cli | system | linux) ;;
	*)
		echo "run.sh: unknown group '$g' (unit isa diff cli system" \
			"linux)" >&2
		exit 2
		;;
	esac
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/atoll-test.XXXXXX")
xpid=
cleanup() {
	[ -n "$xpid" ] && kill "$xpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Jobs in print order: kind, name, argument.  A "none" job is a group that
# found nothing to run.
order=()
add() { order+=("$1"$'\t'"$2"$'\t'"$3"); }

list_or_glob() { # $1 = list from make (may be empty), $2 = glob
	if [ -n "$1" ]; then
		printf '%s\n' $1
	else
		compgen -G "$2" | sort
	fi
}

want() { [[ " $groups " == *" $1 "* ]]; }

if want unit; then
	n=0
	if [ -n "${TEST_UNIT:-}" ]; then
		bins=$(printf '%s\n' $TEST_UNIT)
	else
		bins=$(for s in $(compgen -G "tests/unit/test_*.c" | sort); do
			echo "$BUILD/tests/unit/$(basename "$s" .c)"
		done)
	fi
	for b in $bins; do
		add unit "unit/$(basename "$b")" "$b"
		n=$((n + 1))
	done
	[ $n = 0 ] && add none unit "no unit tests (tests/unit/test_*.c)"
fi

isa_elfs=$(list_or_glob "${TEST_ISA:-}" "$BUILD/guest/isa-*.elf")
default_engines=interp
[ "$(uname -m)" = x86_64 ] && default_engines="interp jit"
ENGINES=${ENGINES:-$default_engines}

# engine_kind GROUP ENGINE: the job kind and name prefix (isa, isa-jit).
engine_kind() { [ "$2" = interp ] && echo "$1" || echo "$1-$2"; }

if want isa; then
	for eng in $ENGINES; do
		k=$(engine_kind isa "$eng")
		n=0
		for e in $isa_elfs; do
			add "$k" "$k/$(basename "$e" .elf)" "$e"
			n=$((n + 1))
		done
		[ $n = 0 ] && add none "$k" \
			"no ISA programs ($BUILD/guest/isa-*.elf)"
	done
fi

if want diff; then
	excluded=$(sed -e 's/#.*//' tests/diff/exclude 2>/dev/null |
		awk 'NF { print $1 }')
	for eng in $ENGINES; do
		k=$(engine_kind diff "$eng")
		n=0
		for e in $isa_elfs $(list_or_glob "${TEST_DIFF:-}" \
			"$BUILD/guest/diff-*.elf"); do
			base=$(basename "$e" .elf)
			grep -qx -- "$base" <<<"$excluded" && continue
			add "$k" "$k/$base" "$e"
			n=$((n + 1))
		done
		[ $n = 0 ] && add none "$k" "no differential programs"
	done
fi

if want cli; then
	n=0
	for s in $(compgen -G "tests/cli/*.sh" | sort); do
		add cli "cli/$(basename "$s" .sh)" "$s"
		n=$((n + 1))
	done
	[ $n = 0 ] && add none cli "no CLI tests (tests/cli/*.sh)"
fi

# System tests: several domains in one `atoll run`, each script given the
# atoll binary as $1 (exit 0 = pass); once per engine of ENGINES.
if want system; then
	for eng in $ENGINES; do
		k=$(engine_kind system "$eng")
		[ -x "$ATOLL" ] && engine_wrapper "$eng"
		excluded=$(sed -e 's/#.*//' "tests/system/exclude-$eng" \
			2>/dev/null | awk 'NF { print $1 }')
		n=0
		for s in $(compgen -G "tests/system/*.sh" | sort); do
			grep -qx -- "$(basename "$s" .sh)" <<<"$excluded" &&
				continue
			add "$k" "$k/$(basename "$s" .sh)" "$s"
			n=$((n + 1))
		done
		[ $n = 0 ] && add none "$k" \
			"no system tests (tests/system/*.sh)"
	done
fi

# Linux guest tests: each boots the kernel and user space of
# `make linux-guest` on atoll and on QEMU.
if want linux; then
	n=0
	for s in $(compgen -G "tests/linux/*-test.sh" | sort); do
		b=$(basename "$s" .sh)
		add linux "linux/${b%-test}" "$s"
		n=$((n + 1))
	done
	[ $n = 0 ] && add none linux "no Linux tests (tests/linux/*-test.sh)"
fi

# Groups with nothing to run have their verdict already.
for i in "${!order[@]}"; do
	IFS=$'\t' read -r kind name arg <<<"${order[$i]}"
	[ "$kind" = none ] && echo "FAIL $name: $arg" >"$tmp/$i.res"
done

# queue_jobs linux|other: NUL-separated "kind name arg result" records.
queue_jobs() {
	for i in "${!order[@]}"; do
		IFS=$'\t' read -r kind name arg <<<"${order[$i]}"
		[ "$kind" = none ] && continue
		[ "$1" = linux ] && [ "$kind" != linux ] && continue
		[ "$1" = other ] && [ "$kind" = linux ] && continue
		printf '%s\0%s\0%s\0%s\0' "$kind" "$name" "$arg" "$tmp/$i.res"
	done
}
# The slowest job (Linux) starts first so that it overlaps the rest.
{
	queue_jobs linux
	queue_jobs other
} >"$tmp/queue"

xargs -0 -r -n 4 -P "$JOBS" "$self" --job <"$tmp/queue" &
xpid=$!

# Print results in order as they arrive.
passed=0
failed=0
for i in "${!order[@]}"; do
	res="$tmp/$i.res"
	while [ ! -f "$res" ] && kill -0 "$xpid" 2>/dev/null; do
		sleep 0.2
	done
	if [ ! -f "$res" ]; then
		IFS=$'\t' read -r kind name arg <<<"${order[$i]}"
		echo "FAIL $name: the runner lost its result" >"$res"
	fi
	cat "$res"
	if head -n 1 "$res" | grep -q '^PASS '; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
wait "$xpid" 2>/dev/null
xpid=

echo "$passed passed, $failed failed"
[ $failed = 0 ]
