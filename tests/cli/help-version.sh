#!/bin/bash
# help and version print on stdout and succeed.
ATOLL=${1:-}
[ -x "$ATOLL" ] || { echo "usage: $0 PATH-TO-ATOLL"; exit 1; }
for args in "help" "--help" "boot --help"; do
	out=$(timeout 10 "$ATOLL" $args </dev/null 2>&1) ||
		{ echo "'atoll $args' failed"; exit 1; }
	grep -q "atoll boot" <<<"$out" || { echo "'atoll $args' shows no usage"; exit 1; }
done
out=$(timeout 10 "$ATOLL" version </dev/null 2>&1) || { echo "'atoll version' failed"; exit 1; }
grep -q '^atoll [0-9]' <<<"$out" || { echo "'atoll version' printed '$out'"; exit 1; }
exit 0
