#!/bin/bash
# The shared-info page, event-channel and grant-copy layouts against Xen's
# public headers (libxen-dev) as Xen lays them out for Arm64: both row
# tables of tests/io/abi_arm.h are compiled for aarch64 with clang and
# their numbers compared.  Usage: tests/system/io-abi.sh [ATOLL] (unused).
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# values FILE.c OUT: the .xword numbers of the compiled table, one a line.
values() {
	clang --target=aarch64-linux-gnu -ffreestanding -O1 -S -Iinclude \
		-Itests/io -o "$2.s" "$1" || exit 1
	awk '$1 == ".xword" && $2 ~ /^-?[0-9]+$/ { print $2 }' "$2.s" >"$2"
}

values tests/io/abi_arm_xen.c "$tmp/xen"
values tests/io/abi_arm_ours.c "$tmp/ours"
sed -n 's/^[[:space:]]*\.asciz[[:space:]]*"\(.*\)"$/\1/p' "$tmp/ours.s" \
	>"$tmp/names"
n=$(wc -l <"$tmp/xen")
if [ "$n" -lt 60 ] || [ "$n" != "$(wc -l <"$tmp/ours")" ]; then
	echo "FAIL: row counts differ or too few: Xen $n," \
		"atoll $(wc -l <"$tmp/ours")"
	exit 1
fi
fails=$(paste -d' ' "$tmp/xen" "$tmp/ours" "$tmp/names" |
	awk '$1 != $2 { print "FAIL: " $3 " = " $2 ", Xen has " $1; n++ }
	     END { exit n != 0 }')
status=$?
[ -n "$fails" ] && echo "$fails"
echo "io-abi: $n layout facts checked against Xen (aarch64)"
exit $status
