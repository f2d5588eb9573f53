#!/usr/bin/env python3
"""Drive the live page in headless Chromium through chromedriver's W3C
WebDriver protocol (plain HTTP + JSON: no Selenium needed).

usage: page.py URL DOMAIN MIB

Opens URL, waits (at most 30 s x SLOW) until the page shows a panel per
domain with points, prints one line per domain panel:
  panel NAME points=N first_ms=T state=S
then types MIB into DOMAIN's target box, clicks "set target", waits for
the page's result line, and prints
  result TEXT
Exit status 0, or 1 with a line saying what did not happen."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

SLOW = int(os.environ.get("SLOW", "1"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Driver:
    def __init__(self):
        self.port = free_port()
        self.proc = subprocess.Popen(
            ["chromedriver", "--port=%d" % self.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = "http://127.0.0.1:%d" % self.port
        end = time.time() + 10 * SLOW
        while True:
            try:
                self.call("GET", "/status")
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.1)
        self.tmp = tempfile.mkdtemp()
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage",
                         "--user-data-dir=" + self.tmp]}}}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data,
                                     method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60 * SLOW) as r:
            return json.load(r)["value"]

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def script(self, js, *args):
        return self.s("POST", "/execute/sync", {"script": js, "args": list(args)})

    def find(self, css):
        v = self.s("POST", "/element", {"using": "css selector", "value": css})
        return list(v.values())[0]

    def close(self):
        try:
            self.s("DELETE", "")
        finally:
            self.proc.terminate()
            self.proc.wait()


def wait(what, fn, secs):
    end = time.time() + secs * SLOW
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    print("FAIL: " + what)
    sys.exit(1)


def main():
    url, dom, mib = sys.argv[1], sys.argv[2], sys.argv[3]
    d = Driver()
    try:
        d.s("POST", "/url", {"url": url})
        panels = wait("no domain panel with points", lambda: d.script(
            "return Array.from(document.querySelectorAll('section.dom'))"
            ".filter(s => +s.dataset.points >= 2).map(s => [s.dataset.domain,"
            " s.dataset.points, s.dataset.firstMs,"
            " s.querySelector('.state').textContent]);"), 30)
        for p in panels:
            print("panel %s points=%s first_ms=%s state=%s" % tuple(p))
        box = d.find("section[data-domain='%s'] input.mem-set-mib" % dom)
        d.s("POST", "/element/%s/value" % box, {"text": mib})
        btn = d.find("section[data-domain='%s'] button[data-cmd='mem-set']" % dom)
        d.s("POST", "/element/%s/click" % btn, {})
        res = wait("no result line after the click", lambda: d.script(
            "var r = document.querySelector(\"section[data-domain='%s'] "
            ".result\"); return /done|:/.test(r.textContent) && "
            "!/…$/.test(r.textContent) ? r.textContent : null;" % dom), 20)
        print("result " + res)
    finally:
        d.close()


main()
