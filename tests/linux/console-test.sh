#!/bin/bash
# Linux's hvc0 on virtio-console, through `atoll console`: a domain under
# `atoll run` with `virtio = console` and console=hvc0 (no serial console
# at all) boots to the init's prompt on hvc0; a client attached with
# `atoll console` starts a program that never ends by itself (a TCP echo
# server), stops it with Ctrl-C (the console is the init's controlling
# terminal, the program its foreground group), types a command and sees
# its output, then `poweroff`, and the domain ends by itself (atoll exits
# 0).
#
# usage: tests/linux/console-test.sh [ATOLL]
TEST=linux-console
. "$(dirname "$0")/lib/linux.bash"
build_guest
# shellcheck source=tests/system/lib/sys.bash
source "$ROOT/tests/system/lib/sys.bash" "${1:-$ROOT/build/atoll}"
sock=$tmp/ctl.sock
token=hvc-$$-$RANDOM

cat >"$tmp/con.ini" <<-INI
	[host]
	machine_memory = 192M
	control_socket = $sock

	[domain lin]
	maxmem = 128M
	kernel = $IMAGE
	cmdline = root=/dev/vda1 ro console=hvc0
	disk = [ '$OUT/rootfs.img,raw,vda,ro' ]
	virtio = console
INI
atoll_start "$tmp/con.ini"
ready() { grep -q "atoll-linux: ready" "$tmp/out"; }
wait_until $((120 * SLOW)) ready ||
	fail "no prompt on hvc0 (atoll-linux: ready)"

# The client: a server, Ctrl-C once it listens, one command, then poweroff
# once its output came back (the client's stdin stays open until then, and
# after poweroff until the domain has ended: no fixed wait decides).
# Without Ctrl-C reaching the server, the command would be the server's
# input and never come back.
shows() { grep -q "$1" "$tmp/con.out" 2>/dev/null; }
prompt() { [ "$(tail -c 7 "$tmp/con.out")" = "atoll# " ]; }
ended() { ! kill -0 "$atoll_pid" 2>/dev/null; }
{
	printf 'net tcp-echo 7\n'
	wait_until $((30 * SLOW)) shows "listening on tcp 7"
	printf '\003'
	wait_until $((30 * SLOW)) prompt # the prompt again, after ^C
	printf 'echo %s\n' "$token"
	wait_until $((30 * SLOW)) shows "^$token"
	printf 'poweroff\n'
	wait_until $((60 * SLOW)) ended # the client leaves with the domain
} | timeout $((180 * SLOW)) "$ATOLL" console --socket "$sock" lin \
	>"$tmp/con.out" 2>"$tmp/con.err"
tr -d '\r' <"$tmp/con.out" | grep -q "^$token\$" ||
	fail "the command's output did not come back: $(head -c 300 "$tmp/con.out")"
atoll_wait
rc=$?
[ $rc = 0 ] || fail "atoll run: exit status $rc after poweroff"
tr -d '\r' <"$tmp/con.out" | grep -q "poweroff" ||
	fail "poweroff was not echoed on hvc0"
echo "linux-console: hvc0 through atoll console: ok"
