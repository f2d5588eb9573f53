#!/bin/bash
# The CPU engine: --engine takes jit or interp (anything else is a usage
# error naming the flag); the default is the translator on x86-64 hosts
# and the interpreter elsewhere (docs/jit.md, "Default engine"); jit exists
# on x86-64 hosts only; --stats says which one ran.
. "$(dirname "$0")/lib/usage.bash"
touch "$TMP/kernel"
for e in bogus JIT "" tcg; do
	expect_usage_error "--engine '$e'" boot --engine "$e" "$TMP/kernel"
	expect_stderr_mentions "--engine '$e'" "--engine"
done
expect_usage_error "--engine without a value" boot --engine

hello=${BUILD:-build}/guest/hello.elf
[ -f "$hello" ] || { echo "$hello not built"; exit 1; }
# engine_of ARGS...: "jit" or "interp", from the run's --stats lines.
engine_of() {
	timeout 30 "$ATOLL" boot --bios none --stats "$@" "$hello" \
		</dev/null >"$TMP/out" 2>"$TMP/err" || {
		echo "boot $*: exit status $? ($(head -c 200 "$TMP/err"))"
		exit 1
	}
	grep -q 'engine=jit' "$TMP/err" && echo jit || echo interp
}
want=interp
[ "$(uname -m)" = x86_64 ] && want=jit
got=$(engine_of) || { echo "$got"; exit 1; }
[ "$got" = $want ] || { echo "default engine: $got, want $want"; exit 1; }
got=$(engine_of --engine interp) || { echo "$got"; exit 1; }
[ "$got" = interp ] || { echo "--engine interp ran $got"; exit 1; }
if [ "$(uname -m)" = x86_64 ]; then
	got=$(engine_of --engine jit) || { echo "$got"; exit 1; }
	[ "$got" = jit ] || { echo "--engine jit ran $got"; exit 1; }
else
	expect_usage_error "--engine jit on a host without it" \
		boot --engine jit "$TMP/kernel"
fi
exit 0
