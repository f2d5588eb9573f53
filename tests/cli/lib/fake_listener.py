# A Unix-socket listener that is not atoll, for tests/cli/ctl-*.sh:
#   python3 fake_listener.py PATH MODE
# MODE: garbage (answers a line of text), silent (accepts, never answers),
# stale (binds and exits, leaving a socket file nobody listens on),
# nodomain (answers like atoll that knows no such domain).
# It serves until killed, at most 30 s.
import socket
import sys

path, mode = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
if mode == "stale":
    sys.exit(0)
s.listen(8)
s.settimeout(30)
held = []
while True:
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    if mode == "silent":
        held.append(c)
        continue
    c.settimeout(5)
    try:
        c.recv(65536)
        if mode == "garbage":
            c.sendall(b"220 hello, this is not atoll\n")
        else:
            c.sendall(b'{"ok":false,"error":"no domain \'x\'",'
                      b'"code":"no_such_domain"}\n')
    except OSError:
        pass
    c.close()
