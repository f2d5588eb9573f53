#!/bin/bash
# The picture of machine memory (docs/working-set.md): two memhogs
# run in a 64 MiB pool; one (no balloon driver) is swapped down to a lower
# target and an idle atoll-os is ballooned down; `atoll p2m --map FILE.svg` must draw every machine frame once (the
# cells' frame counts add up to the pool), frames of at least two owners
# and free ones, and each domain's guest-physical view whole, with
# swapped and ballooned pages in it.  `atoll run --map` writes the
# picture at the end of the run; a bad --map is one line, exit 2.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
# shellcheck source=tests/system/lib/policy.bash
source "$(dirname "$0")/lib/policy.bash"
hog=$(need_elf mem-memhog)
os=$(need_elf atoll-os)

cat >"$tmp/cfg.ini" <<INI
[host]
machine_memory = 64M
swap_file = $tmp/swap
swap_size = 128M
control_socket = $sock

[domain hogA]
memory = 24M
kernel = $hog
cmdline = memhog mib=16 phases=1000 seed=1

[domain hogB]
memory = 24M
kernel = $hog
cmdline = memhog mib=16 phases=1000 seed=2

[domain ball]
memory = 24M
kernel = $os
cmdline = workload=idle ticks=$((20000 * SLOW))
INI

# sum FILE GROUP STATE: frames of cells of STATE in the first <g> whose
# tag contains GROUP (machine, or data-domain="ID").
sum() {
	awk -v g="$2" -v s="$3" '
		/^<g / { on = index($0, g) > 0 && !done }
		/^<\/g>/ { if (on) done = 1; on = 0 }
		on && index($0, "data-state=\"" s "\"") {
			match($0, /data-n="[0-9]+"/)
			n += substr($0, RSTART + 8, RLENGTH - 9)
		}
		END { print n + 0 }' "$1"
}
owners() {
	awk '/^<g class="machine"/ { on = 1 } /^<\/g>/ { on = 0 }
		on && /data-state="private"/ {
			match($0, /data-owner="[0-9]+"/); o[substr($0, RSTART, RLENGTH)] = 1
		}
		END { print length(o) }' "$1"
}

atoll_start "$tmp/cfg.ini"
# hogA (no balloon driver) is swapped down to a lower target, ball (an
# atoll-os with its balloon) is ballooned down to one.
up() { [ "$(mstat hogA populated)" -ge 2048 ] 2>/dev/null; }
wait_until $((20 * SLOW)) up || fail "hogA never held 8 MiB"
for d in hogA:4M ball:8M; do
	"$ATOLL" mem-set --socket "$sock" "${d%:*}" "${d#*:}" >/dev/null 2>&1 ||
		fail "atoll mem-set ${d%:*} ${d#*:} failed"
done
ready() {
	[ "$(mstat hogA swapped)" -gt 0 ] 2>/dev/null &&
		[ "$(mstat ball ballooned)" -gt 0 ] 2>/dev/null
}
wait_until $((20 * SLOW)) ready ||
	fail "no swapping and ballooning (hogA swapped $(mstat hogA swapped), ball ballooned $(mstat ball ballooned))"
sh=hogA
frames=$(hstat frames)
"$ATOLL" p2m --socket "$sock" --map "$tmp/m.svg" ||
	fail "atoll p2m --map failed"
grep -q '^<svg ' "$tmp/m.svg" && tail -n 1 "$tmp/m.svg" | grep -q '^</svg>' ||
	fail "$tmp/m.svg is not an SVG document"
total=0
for s in free private shared busy; do
	n=$(sum "$tmp/m.svg" 'class="machine"' $s)
	echo "machine: $s $n frames"
	total=$((total + n))
	eval "m_$s=$n"
done
[ "$total" = "$frames" ] || fail "machine cells cover $total frames, the pool has $frames"
# shellcheck disable=SC2154 # set by eval above
[ "$m_free" -gt 0 ] && [ "$m_private" -gt 0 ] || fail "no free or no private frames drawn"
[ "$(owners "$tmp/m.svg")" -ge 2 ] || fail "frames of fewer than two owners drawn"
for d in hogA hogB ball; do
	id=$(stats_json | jq -r --arg d "$d" '.domains[] | select(.name == $d) | .id')
	nr=$(mstat $d maxmem)
	gt=0
	line="$d:"
	for s in private shared ballooned swapped unpopulated busy; do
		n=$(sum "$tmp/m.svg" "data-domain=\"$id\"" $s)
		gt=$((gt + n))
		line="$line $s $n"
		eval "g_$s=$n"
	done
	echo "$line"
	[ "$gt" = "$nr" ] || fail "$d's guest view covers $gt frames, its RAM has $nr"
	# shellcheck disable=SC2154
	case $d in
	"$sh") [ "$g_swapped" -gt 0 ] || fail "no swapped pages in $d's view" ;;
	ball) [ "$g_ballooned" -gt 0 ] || fail "no ballooned pages in ball's view" ;;
	esac
done
# One domain only: its view alone, the machine whole.
"$ATOLL" p2m --socket "$sock" --map "$tmp/a.svg" hogB || fail "p2m --map hogB failed"
[ "$(grep -c '^<g class="guest"' "$tmp/a.svg")" = 1 ] || fail "p2m --map hogB drew other domains"
# Bad input: one line, exit 2, nothing written.
"$ATOLL" p2m --socket "$sock" --map 2>"$tmp/e1"
[ $? = 2 ] && [ "$(wc -l <"$tmp/e1")" = 1 ] || fail "p2m --map without FILE: $(cat "$tmp/e1")"
"$ATOLL" p2m --socket "$sock" --map "$tmp/m2.svg" nosuch 2>"$tmp/e2"
[ $? = 2 ] && [ ! -e "$tmp/m2.svg" ] || fail "p2m --map of a missing domain: $(cat "$tmp/e2")"
"$ATOLL" p2m --socket "$sock" --map "$tmp/no/dir/m.svg" 2>"$tmp/e3"
[ $? = 1 ] && grep -q "no/dir/m.svg" "$tmp/e3" || fail "p2m --map into a missing folder: $(cat "$tmp/e3")"
atoll_stop
echo "p2m --map: ok ($(wc -c <"$tmp/m.svg") bytes, $(grep -c '<rect' "$tmp/m.svg") rects)"

# atoll run --map: written at the end; a folder that cannot take it is
# refused before anything starts.
cat >"$tmp/run.ini" <<INI
[host]
machine_memory = 32M
[domain one]
memory = 16M
kernel = $os
cmdline = workload=memhog mib=8 phases=2
INI
"$ATOLL" run --no-summary --map "$tmp/no/dir/r.svg" "$tmp/run.ini" >/dev/null 2>"$tmp/e4"
[ $? = 2 ] && [ "$(wc -l <"$tmp/e4")" = 1 ] || fail "run --map into a missing folder: $(cat "$tmp/e4")"
timeout $((60 * SLOW)) "$ATOLL" run --no-summary --map "$tmp/r.svg" "$tmp/run.ini" >/dev/null 2>"$tmp/err" ||
	fail "atoll run --map failed"
[ "$(sum "$tmp/r.svg" 'class="machine"' private)" -gt 0 ] ||
	fail "the end-of-run picture shows no domain's frames"
echo "memmap-svg: ok"
