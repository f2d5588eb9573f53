#!/bin/bash
# deps-check: the folders of src/ form layers, and a file may include only
# headers of its own folder or of folders below it:
#
#   lib < cpu < mem < io < virtio < machine < vmm < control < cli
#
# (docs/architecture.md).  Also: include/atoll/ (the guest ABI, written like
# a specification) includes nothing of src/ or guest/; guest/ (atoll's own
# guest OS) includes nothing of src/, only include/atoll/, its own folder's
# headers and guest/kernel/'s (the workloads are programs on that kernel).  A folder of src/ missing from the order fails too, so a new
# one must be placed in it.
#
#   scripts/deps-check.sh [ROOT]   ROOT: the tree to check (default: .)
#
# Prints one line per violation and exits 1 if there is any, else prints
# "deps-check: ok (N includes in M files)" and exits 0.
set -u
ORDER=(lib cpu mem io virtio machine vmm control cli)
root=${1:-.}
cd "$root" || exit 2

declare -A rank
for i in "${!ORDER[@]}"; do rank[${ORDER[$i]}]=$i; done

bad=0
nfiles=0
nincl=0
violation() {
	echo "deps-check: $*"
	bad=$((bad + 1))
}

# includes FILE: the quoted #include targets of FILE, one per line.
includes() {
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"
}

for dir in src/*/; do
	d=$(basename "$dir")
	[ -n "${rank[$d]:-}" ] ||
		violation "src/$d/ is not in the layer order (${ORDER[*]})"
done

while IFS= read -r f; do
	nfiles=$((nfiles + 1))
	d=${f#src/}
	d=${d%%/*}
	r=${rank[$d]:-}
	[ -n "$r" ] || continue # reported above
	while IFS= read -r inc; do
		nincl=$((nincl + 1))
		case $inc in
		*..*) violation "$f includes \"$inc\" (no relative paths)" ;;
		atoll/*) ;; # the guest ABI (include/): allowed everywhere
		*/*)
			top=${inc%%/*}
			tr=${rank[$top]:-}
			if [ -z "$tr" ]; then
				violation "$f includes \"$inc\" (not a src/ folder)"
			elif [ "$tr" -gt "$r" ]; then
				violation "$f includes \"$inc\": $d/ is below $top/" \
					"(${ORDER[*]})"
			fi
			;;
		*) [ -f "$(dirname "$f")/$inc" ] ||
			violation "$f includes \"$inc\" (name its folder)" ;;
		esac
	done < <(includes "$f")
done < <(find src -name '*.[ch]' | sort)

# The guest ABI and the guest OS stand apart from the host's code.
while IFS= read -r f; do
	nfiles=$((nfiles + 1))
	while IFS= read -r inc; do
		nincl=$((nincl + 1))
		case $f:$inc in
		*..*) violation "$f includes \"$inc\" (no relative paths)" ;;
		include/*:atoll/*) ;;
		include/*) violation "$f includes \"$inc\" (the ABI headers" \
			"include only include/atoll/)" ;;
		guest/*:atoll/*) ;;
		guest/*:*/*) violation "$f includes \"$inc\" (guest/ includes" \
			"only include/atoll/ and its own headers)" ;;
		guest/*) [ -f "$(dirname "$f")/$inc" ] ||
			[ -f "guest/kernel/$inc" ] ||
			violation "$f includes \"$inc\" (not a guest/ header)" ;;
		esac
	done < <(includes "$f")
done < <(find include guest -name '*.[chS]' 2>/dev/null | sort)

if [ $bad != 0 ]; then
	echo "deps-check: $bad violation(s) of the layer order"
	exit 1
fi
echo "deps-check: ok ($nincl includes in $nfiles files)"
