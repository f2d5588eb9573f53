#!/bin/bash
# The statistics helper of `make bench` (bench/lib/stats.py): medians,
# interquartile ranges, met / within noise / missed verdicts, the
# enough-pairs rule, result files (partial ones too) and their comparison.
cd "$(dirname "$0")/../.." || exit 1
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" bench/lib/test_stats.py 2>&1
