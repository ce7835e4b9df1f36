#!/usr/bin/env bash
# The whole benchmark suite in one command: makes the one- and ten-year desks when they are
# missing or no longer fit the schema or the generator (bench/desks.py), measures every figure
# against a baseline taken in the same run, on both desks, and writes bench/RESULTS.md (and
# bench/out/results.json).
#   bench/run.sh                     # PYTHON=... picks the interpreter (default: python)
#   bench/run.sh --runs 5            # any option of bench/suite.py (--help lists them)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
mkdir -p bench/out
exec "$PY" bench/suite.py --command "bench/run.sh${*:+ $*}" "$@"
