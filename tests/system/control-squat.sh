#!/bin/bash
# Another local user can neither impersonate atoll nor drive it:
#  - a control socket squatted by another uid (nobody) is refused by the
#    client before any request goes out (the socket file's owner), and so
#    is one whose file was made ours but is answered by another uid
#    (SO_PEERCRED);
#  - atoll refuses a client of another uid even when its socket's mode was
#    loosened (SO_PEERCRED), logging it once;
#  - the default socket directory is refused (exit 2, one line, nothing
#    started) when it is another uid's, lets others in, or is a symlink.
# Needs root to act as another uid (setpriv); skipped otherwise.
# shellcheck source=tests/system/lib/sys.bash
source "$(dirname "$0")/lib/sys.bash" "$1"
os=$(need_elf atoll-os)
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
	echo "SKIP: needs root and setpriv to act as another uid"
	exit 77
fi
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
# The system Python: a per-user one (pyenv) may be out of nobody's reach.
py=/usr/bin/python3
nobody=$(id -u nobody)
chmod 755 "$tmp"
mkdir -m 1777 "$tmp/shared"
sq=$tmp/shared/atoll.sock

# The squatter: answers every request as atoll would and logs it.  Run
# directly, not through the function: $! must be the python process
# itself (setpriv execs it), or the kill below leaves it behind.
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$py" - "$sq" "$tmp/shared/got" <<'PY' &
import os, socket, sys
path, log = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o777)
s.listen(8)
open(log, "w").close()
while True:
    c, _ = s.accept()
    c.settimeout(2)
    try:
        data = c.recv(4096)
    except OSError:
        data = b""
    with open(log, "ab") as f:
        f.write(data)
    try:
        c.sendall(b'{"ok":true,"domains":[]}\n')
    except OSError:
        pass
    c.close()
PY
squatter=$!
trap 'kill "$squatter" 2>/dev/null; sys_cleanup' EXIT
listening() { [ -S "$sq" ] && [ -e "$tmp/shared/got" ]; }
wait_until $((20 * SLOW)) listening ||
	fail "the squatter did not listen (test premise)"

refused() { # WHAT EXPECT VERB ARGS...: exit 2, one line matching EXPECT
	local what=$1 expect=$2
	shift 2
	timeout $((10 * SLOW)) "$ATOLL" "$@" >"$tmp/o" 2>"$tmp/e"
	local rc=$?
	[ $rc = 2 ] || fail "$what: exit status $rc, want 2 ($(cat "$tmp/e"))"
	[ "$(wc -l <"$tmp/e")" = 1 ] && grep -q "$expect" "$tmp/e" ||
		fail "$what: not one line saying '$expect': $(cat "$tmp/e")"
	echo "  refused: $what: $(cat "$tmp/e")"
}
refused "socket of uid $nobody" "belongs to uid $nobody" \
	destroy --socket "$sq" calm
refused "socket of uid $nobody (list)" "belongs to uid $nobody" \
	list --socket "$sq"
[ -s "$tmp/shared/got" ] &&
	fail "a request reached the squatter: $(cat "$tmp/shared/got")"
# Our file, their process: only SO_PEERCRED tells.
chown root "$sq"
refused "socket answered by uid $nobody" "answered by uid $nobody" \
	destroy --socket "$sq" calm
[ -s "$tmp/shared/got" ] &&
	fail "a request reached the squatter: $(cat "$tmp/shared/got")"
kill "$squatter"
wait "$squatter" 2>/dev/null
echo "the client refused both squatted sockets; nothing reached them"

# atoll refuses a client of another uid, whatever the socket's mode.
mkdir -m 755 "$tmp/srv"
sock=$tmp/srv/ctl.sock
cat >"$tmp/a.ini" <<INI
[host]
machine_memory = 16M
control_socket = $sock

[domain calm]
memory = 8M
kernel = $os
cmdline = workload=idle ticks=$((100000 * SLOW))
INI
atoll_start "$tmp/a.ini"
atoll_up calm
[ "$(stat -c %a "$sock")" = 600 ] ||
	fail "socket mode $(stat -c %a "$sock"), want 600"
chmod 666 "$sock"
reply=$(as_nobody "$py" - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
try:
    s.sendall(b'{"cmd":"destroy","domain":"calm"}\n')
    print(s.recv(4096).decode() or "(closed)")
except OSError as e:
    print("(closed: %s)" % e)
PY
)
case $reply in
"(closed"*) ;;
*) fail "atoll answered uid $nobody: $reply" ;;
esac
atoll_lists calm || fail "after the foreign client, atoll does not answer" \
	"its own uid or calm is not running:" \
	"$(timeout $((10 * SLOW)) "$ATOLL" list --socket "$sock" 2>&1)"
grep -q "refused a client of uid $nobody" "$tmp/err" ||
	fail "the refusal was not logged: $(cat "$tmp/err")"
echo "atoll refused a client of uid $nobody: $reply"
atoll_stop >/dev/null
grep -Eq 'Sanitizer|runtime error' "$tmp/err" && fail "sanitizer report"

# The default directory must be ours alone.
sed '/control_socket/d' "$tmp/a.ini" >"$tmp/d.ini"
bad_dir() { # WHAT EXPECT
	timeout $((10 * SLOW)) env -u ATOLL_SOCKET XDG_RUNTIME_DIR="$tmp/xdg" \
		"$ATOLL" run "$tmp/d.ini" </dev/null >"$tmp/o" 2>"$tmp/e"
	local rc=$?
	[ $rc = 2 ] || fail "$1: exit status $rc, want 2 ($(cat "$tmp/e"))"
	[ "$(wc -l <"$tmp/e")" = 1 ] && grep -q "$2" "$tmp/e" ||
		fail "$1: not one line saying '$2': $(cat "$tmp/e")"
	[ -s "$tmp/o" ] && fail "$1: a domain started"
	echo "  refused: $1: $(cat "$tmp/e")"
}
mkdir -m 700 "$tmp/xdg" "$tmp/xdg/atoll"
chown nobody "$tmp/xdg/atoll"
bad_dir "a directory of uid $nobody" "owned by uid $nobody"
chown root "$tmp/xdg/atoll"
chmod 750 "$tmp/xdg/atoll"
bad_dir "a group-readable directory" "mode 0750"
rmdir "$tmp/xdg/atoll"
mkdir -m 700 "$tmp/elsewhere"
ln -s "$tmp/elsewhere" "$tmp/xdg/atoll"
bad_dir "a symlink" "not a directory"
[ -e "$tmp/elsewhere/atoll.sock" ] && fail "a socket went through the symlink"
echo "control-squat: ok"
