#!/bin/bash
# A FIFO (or any non-regular file) named as an input is refused at once:
# the kernel, initrd, firmware, disk and dtb output of `atoll boot`, the
# configuration file of `atoll run` and the kernel and disk it names.  Each
# run must exit with status 2 with one line on stderr naming the FIFO,
# without waiting for a writer (open() would wait for ever: a run that is
# still there after 60 s is that hang, however loaded the machine; the
# time taken is printed).
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
hog=$(need_elf mem-memhog)
fifo=$tmp/input.fifo
mkfifo "$fifo" || fail "mkfifo"
img=$tmp/disk.img
truncate -s 1M "$img"

# refused WHAT CMD...: CMD exits 2 without hanging, one line naming $fifo.
refused() {
	local what=$1 t0 ms rc n
	shift
	t0=$(date +%s%N)
	timeout -s KILL $((60 * SLOW)) "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $rc = 137 ] && fail "$what: atoll hung on the FIFO (killed after $ms ms)"
	[ $rc = 2 ] || fail "$what: exit status $rc, expected 2"
	n=$(wc -l <"$tmp/err")
	[ "$n" = 1 ] || fail "$what: $n lines on stderr, expected one"
	grep -q "$fifo" "$tmp/err" || fail "$what: the line does not name $fifo"
	echo "$what: exit 2 in $ms ms: $(cat "$tmp/err")"
}

refused "boot KERNEL" "$ATOLL" boot "$fifo"
refused "boot --initrd" "$ATOLL" boot --initrd "$fifo" "$hog"
refused "boot --bios" "$ATOLL" boot --bios "$fifo" "$hog"
refused "boot --disk" "$ATOLL" boot --disk "$fifo" "$hog"
refused "boot --dtb-out" "$ATOLL" boot --dtb-out "$fifo" "$hog"
refused "run CONFIG" "$ATOLL" run "$fifo"

domain() { # KERNEL [DISK]
	printf '[host]\nmachine_memory = 16M\n\n[domain a]\nmemory = 8M\n'
	printf 'kernel = %s\n' "$1"
	[ -n "${2:-}" ] && printf 'disk = %s\n' "$2"
}
domain "$fifo" >"$tmp/kernel.ini"
refused "run: kernel =" "$ATOLL" run "$tmp/kernel.ini"
domain "$hog" "$fifo" >"$tmp/disk.ini"
refused "run: disk =" "$ATOLL" run "$tmp/disk.ini"
# The same files as regular files are accepted (the refusal is the FIFO's).
domain "$hog" "$img" >"$tmp/ok.ini"
sed -i 's/^kernel = .*/&\ncmdline = memhog mib=1 phases=1 seed=1/' "$tmp/ok.ini"
atoll_start "$tmp/ok.ini"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "the same domain with a regular disk: exit status $rc"
echo "input-fifo: ok"
