#!/usr/bin/env python3
"""Time control-socket round trips, as a client sees them.

    ctl_time.py SOCKET N REQUEST...
    ctl_time.py --load

For each REQUEST (JSON text), N times: connect, send it with a newline,
read the reply to the end of the stream; print "CMD MS" per round trip
(milliseconds, connect to last byte).  Exit status 1 if a reply is not
{"ok": true, ...}.  Process start-up is not timed: this is atoll's answer.

--load prints how many times over the machine is subscribed (the 1-minute
load average per CPU, rounded up, at least 1): on a shared machine with
more runnable threads than cores, a thread gets only a share of one, so a
wall-clock bound meant for an idle machine is multiplied by this.
"""
import json
import math
import os
import socket
import sys
import time

if sys.argv[1] == "--load":
    print(max(1, math.ceil(os.getloadavg()[0] / (os.cpu_count() or 1))))
    sys.exit(0)

path, n, reqs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for req in reqs:
    cmd = json.loads(req)["cmd"]
    for _ in range(n):
        t0 = time.monotonic()
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(30)
            s.connect(path)
            s.sendall(req.encode() + b"\n")
            s.shutdown(socket.SHUT_WR)
            buf = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                buf += b
            s.close()
            r = json.loads(buf)
        except (OSError, ValueError) as e:
            # The verdict line names what broke (the caller shows the
            # last line), not a traceback on stderr.
            print("%s: %s after %.1f ms" %
                  (cmd, e, (time.monotonic() - t0) * 1000))
            sys.exit(1)
        ms = (time.monotonic() - t0) * 1000
        if r.get("ok") is not True:
            print("bad reply to %s: %s" % (req, buf[:200]))
            sys.exit(1)
        print("%s %.1f" % (cmd, ms))
        sys.stdout.flush()
