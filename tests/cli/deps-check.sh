#!/bin/bash
# The layer order of src/ (scripts/deps-check.sh, docs/architecture.md)
# holds on this tree, and the check does fail: on a copy of the tree with
# one upward include injected at a time (a lower folder including a higher
# one, the ABI including src/, the guest including src/, a folder outside
# the order) it exits 1 naming the file.
cd "$(dirname "$0")/../.." || exit 1
check=scripts/deps-check.sh
out=$("$check" .) || { echo "the tree breaks the layer order:"; echo "$out"; exit 1; }
grep -q '^deps-check: ok' <<<"$out" || { echo "no verdict: $out"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

mkdir "$tmp/t" && cp -r src include guest "$tmp/t/" || exit 1

# inject FILE LINE WHAT [NAMED]: in the copy, add LINE at the top of FILE
# (created if missing); the check must fail and name NAMED (default FILE).
# FILE is restored (or removed) afterwards.
inject() {
	local file=$1 line=$2 what=$3 named=${4:-$1} rc t=$tmp/t/$1
	mkdir -p "$(dirname "$t")"
	if [ -f "$t" ]; then cp "$t" "$tmp/saved"; else rm -f "$tmp/saved"; fi
	{ echo "$line"; cat "$tmp/saved" 2>/dev/null; } >"$t"
	out=$("$PWD/$check" "$tmp/t")
	rc=$?
	if [ -f "$tmp/saved" ]; then mv "$tmp/saved" "$t"; else
		rm -f "$t"; rmdir "$(dirname "$t")" 2>/dev/null; fi
	[ $rc = 1 ] || { echo "$what: exit status $rc, not 1: $out"; exit 1; }
	grep -q "^deps-check: $named" <<<"$out" ||
		{ echo "$what: $named not named: $out"; exit 1; }
	echo "caught $what: $(head -n 1 <<<"$out")"
}
inject src/mem/pool.c '#include "vmm/domain.h"' "mem including vmm"
inject src/lib/log.c '#include "cpu/hart.h"' "lib including cpu"
inject src/io/grant.c '#include "machine/machine.h"' "io including machine"
inject src/vmm/domain.c '#include "cli/cli.h"' "vmm including cli"
inject src/cpu/exec.c '#include "../mem/p2m.h"' "a relative include"
inject include/atoll/abi/ring.h '#include "io/ring.h"' "the ABI including src"
inject guest/kernel/page.c '#include "mem/p2m.h"' "the guest including src"
inject src/newdir/x.c '#include "lib/log.h"' "a folder outside the order" \
	src/newdir/
exit 0
