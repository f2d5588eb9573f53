#!/bin/bash
# deps-check: the folders of src/ form layers, and a file may include only
# headers of its own folder or of folders below it:
#
#   lib < cpu < mem < io < virtio < machine < vmm < control < cli
#
# (docs/architecture.md).  Also: include/atoll/ (the guest ABI, written like
# a specification) includes nothing of src/ or guest/; guest/ (atoll's own
# guest OS) includes nothing of src/, only include/atoll/, its own folder's
# headers and guest/kernel/'s (the workloads are programs on that kernel).
# A folder of src/ missing from the order fails too, so a new one must be
# placed in it.  Relative includes ("../x.h") are refused everywhere.
#
#   scripts/deps-check.sh [ROOT]   ROOT: the tree to check (default: .)
#
# Prints one line per violation and exits 1 if there is any, else prints
# "deps-check: ok (N includes in M files)" and exits 0.  One awk pass over
# every file (a loaded machine must not make it slow).
set -u
ORDER="lib cpu mem io virtio machine vmm control cli"
root=${1:-.}
cd "$root" || exit 2

# Every file to check and every header that exists (for unqualified
# includes), then the files themselves.
files=$(find src include guest -name '*.[chS]' 2>/dev/null | sort)
[ -n "$files" ] || { echo "deps-check: no sources under $root"; exit 2; }
dirs=$(find src -mindepth 1 -maxdepth 1 -type d | sort)

# shellcheck disable=SC2086
awk -v order="$ORDER" -v dirs="$dirs" -v files="$files" '
function violation(msg) { print "deps-check: " msg; bad++ }
function dirname(f) { sub(/\/[^\/]*$/, "", f); return f }
BEGIN {
	n = split(order, o, " ")
	for (i = 1; i <= n; i++)
		rank[o[i]] = i
	nd = split(dirs, d, "\n")
	for (i = 1; i <= nd; i++) {
		top = d[i]
		sub(/^src\//, "", top)
		if (!(top in rank))
			violation(d[i] "/ is not in the layer order (" order ")")
	}
	nf = split(files, f, "\n")
	for (i = 1; i <= nf; i++)
		exists[f[i]] = 1
}
FNR == 1 { nfiles++ }
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[^"]*"/, "", inc)
	sub(/".*$/, "", inc)
	nincl++
	file = FILENAME
	if (inc ~ /\.\./) {
		violation(file " includes \"" inc "\" (no relative paths)")
		next
	}
	if (file ~ /^include\//) {
		if (inc !~ /^atoll\//)
			violation(file " includes \"" inc "\" (the ABI headers include only include/atoll/)")
		next
	}
	if (file ~ /^guest\//) {
		if (inc ~ /^atoll\//)
			next
		if (inc ~ /\//)
			violation(file " includes \"" inc "\" (guest/ includes only include/atoll/ and its own headers)")
		else if (!((dirname(file) "/" inc) in exists) && !(("guest/kernel/" inc) in exists))
			violation(file " includes \"" inc "\" (not a guest/ header)")
		next
	}
	split(file, parts, "/")
	me = parts[2]
	if (!(me in rank))
		next # reported with its folder
	if (inc ~ /^atoll\//)
		next # the guest ABI (include/): allowed everywhere
	if (inc !~ /\//) {
		if (!((dirname(file) "/" inc) in exists))
			violation(file " includes \"" inc "\" (name its folder)")
		next
	}
	top = inc
	sub(/\/.*$/, "", top)
	if (!(top in rank))
		violation(file " includes \"" inc "\" (not a src/ folder)")
	else if (rank[top] > rank[me])
		violation(file " includes \"" inc "\": " me "/ is below " top "/ (" order ")")
}
END {
	if (bad) {
		print "deps-check: " bad " violation(s) of the layer order"
		exit 1
	}
	print "deps-check: ok (" nincl " includes in " nfiles " files)"
}' $files
