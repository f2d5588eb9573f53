#!/bin/bash
# The shell of `make` recipes in a quiet build (the default; V=1 prints
# every command instead): one line per compiled, linked or archived
# target ("  CC  build/src/cpu/hart.o"), every other command runs silently
# as written.  Make calls it as SHELL .SHELLFLAGS "RECIPE LINE".
shift # .SHELLFLAGS: -c
cmd=$1
read -r -a w <<<"$cmd"
verb=
out=
case "${w[0]##*/}" in
gcc | cc | clang | gcc-* | clang-* | riscv64-*-gcc) verb=CC ;;
ar) verb=AR ;;
riscv64-*-objcopy) verb=OBJCOPY ;;
embed-web.py) verb=GEN out=${w[1]} ;;
esac
if [ -n "$verb" ]; then
	for ((i = 0; i < ${#w[@]} - 1; i++)); do
		[ "${w[i]}" = -o ] && out=${w[i + 1]}
	done
	[ "$verb" = AR ] && out=${w[2]}
	[ "$verb" = CC ] && [[ " $cmd " != *" -c "* ]] && verb=LD
	[ -n "$out" ] && printf '  %-7s %s\n' "$verb" "$out"
fi
exec /bin/bash -c "$cmd"
