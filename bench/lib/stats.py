#!/usr/bin/env python3
"""The one statistics helper of `make bench` (docs/benchmarks.md, "Method").

Every section of bench/run.sh measures in paired, interleaved runs and
hands the values here; this file owns the median and spread, the verdict
against a target, the "enough pairs yet?" rule, the JSON result file and
the comparison of two result files.  Standard library only.

  stats.py summary V...                      one line: n median q1 q3 min max
  stats.py verdict OP TARGET V...            met | within noise | missed
  stats.py enough [--target OP T] [--rel R] V...
                                             exit 0 when more pairs cannot
                                             change the verdict (or, without
                                             a target, the IQR is within
                                             R of the median)
  stats.py run OUT -- CMD...                 run CMD, write its CPU and wall
                                             seconds to OUT; CMD's status
  stats.py init FILE KEY=VALUE...            start a result file
  stats.py record FILE SECTION NAME UNIT MEASURE [--target OP T]
                  [--note TEXT] -- V...      add one figure (prints its row)
  stats.py missing FILE SECTION WHY          a part that did not run
  stats.py finish FILE STATUS                close it (ok, partial,
                                             interrupted, failed)
  stats.py compare A.json B.json             the change between two runs
  stats.py table FILE                        the figures as a table

OP is one of <= < >= >.  The spread is the interquartile range (linear
interpolation; with fewer than 4 values, min-max), and a target is "met"
only when the whole spread meets it, "missed" when none of it does, and
"within noise" otherwise.
"""
import json
import os
import subprocess
import sys
import time

OPS = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
}


def quantile(sorted_vals, q):
    """Quantile q (0..1) of sorted values, linear interpolation."""
    if not sorted_vals:
        raise ValueError("no values")
    pos = (len(sorted_vals) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def summary(values):
    """n, median, q1, q3, min, max, and the spread (lo, hi) used for
    verdicts: the IQR, or min-max with fewer than 4 values."""
    v = sorted(float(x) for x in values)
    s = {
        "n": len(v),
        "median": quantile(v, 0.5),
        "q1": quantile(v, 0.25),
        "q3": quantile(v, 0.75),
        "min": v[0],
        "max": v[-1],
    }
    if len(v) >= 4:
        s["lo"], s["hi"] = s["q1"], s["q3"]
        s["spread"] = "IQR"
    else:
        s["lo"], s["hi"] = s["min"], s["max"]
        s["spread"] = "min-max"
    return s


def verdict(values, op, target):
    """'met' if the whole spread meets `op target`, 'missed' if none of
    it does, else 'within noise'."""
    if op not in OPS:
        raise ValueError("unknown operator %r" % op)
    s = summary(values)
    ok_lo = OPS[op](s["lo"], target)
    ok_hi = OPS[op](s["hi"], target)
    if ok_lo and ok_hi:
        return "met"
    if not ok_lo and not ok_hi:
        return "missed"
    return "within noise"


def enough(values, op=None, target=None, rel=0.02, min_n=3):
    """Are there enough pairs?  With a target: once the spread lies wholly
    on one side of it (more pairs would only narrow it further).  Without
    one: once the spread is within rel of the median."""
    if len(values) < min_n:
        return False
    s = summary(values)
    if op is not None:
        return verdict(values, op, target) != "within noise"
    scale = abs(s["median"]) or 1.0
    return (s["hi"] - s["lo"]) <= rel * scale


def fmt(x):
    """A figure with about four significant digits."""
    if x is None:
        return "-"
    a = abs(x)
    if a >= 1000:
        return "%.0f" % x
    if a >= 100:
        return "%.1f" % x
    if a >= 10:
        return "%.2f" % x
    return "%.3f" % x


def row(fig):
    """One human line for a figure."""
    name = "%s/%s" % (fig["section"], fig["name"])
    if not fig.get("values"):
        return "  %-34s %12s   %s" % (name, "-", fig.get("why", "missing"))
    spread = "%s..%s" % (fmt(fig["lo"]), fmt(fig["hi"]))
    line = "  %-34s %10s %-8s [%s %s, n=%d]" % (
        name, fmt(fig["median"]), fig["unit"], fig["spread"], spread,
        fig["n"])
    if fig.get("target"):
        t = fig["target"]
        line += "  target %s %s: %s" % (t["op"], fmt(t["value"]),
                                        fig["verdict"])
    return line


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, doc):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


def cmd_run(out, argv):
    """Run argv; write 'cpu=<s> wall=<s>' (the child's user + system time,
    all its threads) to out; return its exit status."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    with open(out, "w") as f:
        f.write("cpu=%.6f wall=%.6f\n" % (ru.ru_utime + ru.ru_stime, wall))
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def parse_target(args):
    """Pop --target OP T and --note TEXT from args."""
    target, note = None, None
    while args and args[0].startswith("--"):
        if args[0] == "--target":
            if args[2:3] and args[1] in OPS:
                target = {"op": args[1], "value": float(args[2])}
            else:
                raise ValueError("--target takes OP VALUE")
            args = args[3:]
        elif args[0] == "--note":
            note = args[1]
            args = args[2:]
        elif args[0] == "--":
            args = args[1:]
            break
        else:
            raise ValueError("unknown option %s" % args[0])
    return target, note, args


def cmd_record(path, section, name, unit, measure, rest):
    target, note, vals = parse_target(rest)
    values = [float(v) for v in vals if v not in ("", "-")]
    doc = load(path)
    fig = {"section": section, "name": name, "unit": unit,
           "measure": measure, "values": values, "load": loadavg()}
    if note:
        fig["note"] = note
    if values:
        fig.update(summary(values))
        if target:
            fig["target"] = target
            fig["verdict"] = verdict(values, target["op"], target["value"])
    else:
        fig["why"] = "no values"
        if target:
            fig["target"] = target
            fig["verdict"] = "not measured"
        doc.setdefault("missing", []).append(
            {"section": section, "why": "%s: no values" % name})
    doc["figures"] = [f for f in doc.get("figures", [])
                      if (f["section"], f["name"]) != (section, name)]
    doc["figures"].append(fig)
    save(path, doc)
    print(row(fig))


def cmd_compare(a_path, b_path):
    """Each figure of B against A: medians, spreads, the change, and
    whether the spreads overlap (then the change is within noise)."""
    a, b = load(a_path), load(b_path)
    afig = {(f["section"], f["name"]): f for f in a.get("figures", [])}
    print("compare: A = %s (%s, load %s)" % (
        a_path, a.get("meta", {}).get("date", "?"), a.get("meta", {}).get(
            "load_start", "?")))
    print("         B = %s (%s, load %s)" % (
        b_path, b.get("meta", {}).get("date", "?"), b.get("meta", {}).get(
            "load_start", "?")))
    print("  %-40s %-22s %-22s %9s  %s" % ("figure", "A median [spread]",
                                           "B median [spread]", "change",
                                           "spreads"))
    seen = set()
    for fb in b.get("figures", []):
        key = (fb["section"], fb["name"])
        seen.add(key)
        fa = afig.get(key)
        print("  " + compare_line(key, fa, fb))
    for key, fa in afig.items():
        if key not in seen:
            print("  " + compare_line(key, fa, None))
    for doc, tag in ((a, "A"), (b, "B")):
        if doc.get("status") != "ok":
            print("compare: %s is %s; missing: %s" % (
                tag, doc.get("status", "?"), "; ".join(
                    "%s (%s)" % (m["section"], m["why"])
                    for m in doc.get("missing", [])) or "-"))
    return 0


def spread_text(f):
    if not f or not f.get("values"):
        return "-"
    return "%s [%s..%s]" % (fmt(f["median"]), fmt(f["lo"]), fmt(f["hi"]))


def compare_line(key, fa, fb):
    name = "%s/%s" % key
    change, overlap = "-", "-"
    if fa and fb and fa.get("values") and fb.get("values"):
        if fa["median"]:
            change = "%+.1f%%" % (
                (fb["median"] - fa["median"]) * 100.0 / abs(fa["median"]))
        overlap = ("agree (overlap)"
                   if fa["lo"] <= fb["hi"] and fb["lo"] <= fa["hi"]
                   else "differ")
    elif not fb:
        overlap = "only in A"
    elif not fa:
        overlap = "only in B"
    return "%-40s %-22s %-22s %9s  %s" % (name, spread_text(fa),
                                          spread_text(fb), change, overlap)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "summary":
            s = summary(args)
            print("n=%d median=%s q1=%s q3=%s min=%s max=%s" % (
                s["n"], fmt(s["median"]), fmt(s["q1"]), fmt(s["q3"]),
                fmt(s["min"]), fmt(s["max"])))
            return 0
        if cmd == "median":
            print(fmt(summary(args)["median"]) if args else "-")
            return 0
        if cmd == "verdict":
            print(verdict(args[2:], args[0], float(args[1])))
            return 0
        if cmd == "enough":
            op = target = None
            rel = 0.02
            while args and args[0].startswith("--"):
                if args[0] == "--target":
                    op, target, args = args[1], float(args[2]), args[3:]
                elif args[0] == "--rel":
                    rel, args = float(args[1]), args[2:]
                else:
                    raise ValueError("unknown option %s" % args[0])
            return 0 if enough([float(v) for v in args], op, target,
                               rel) else 1
        if cmd == "run":
            if len(args) < 3 or args[1] != "--":
                raise ValueError("usage: run OUT -- CMD...")
            return cmd_run(args[0], args[2:])
        if cmd == "init":
            meta = dict(kv.split("=", 1) for kv in args[1:])
            meta["load_start"] = loadavg()
            meta["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            save(args[0], {"format": "atoll-bench/1", "meta": meta,
                           "status": "running", "figures": [],
                           "missing": []})
            return 0
        if cmd == "record":
            cmd_record(args[0], args[1], args[2], args[3], args[4], args[5:])
            return 0
        if cmd == "missing":
            doc = load(args[0])
            doc.setdefault("missing", []).append(
                {"section": args[1], "why": " ".join(args[2:])})
            save(args[0], doc)
            return 0
        if cmd == "finish":
            doc = load(args[0])
            doc["status"] = args[1]
            doc["meta"]["load_end"] = loadavg()
            save(args[0], doc)
            return 0
        if cmd == "compare":
            return cmd_compare(args[0], args[1])
        if cmd == "table":
            for fig in load(args[0]).get("figures", []):
                print(row(fig))
            return 0
    except (ValueError, IndexError, KeyError, OSError) as e:
        print("stats: %s: %s" % (cmd, e), file=sys.stderr)
        return 2
    print("stats: unknown command %r" % cmd, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
