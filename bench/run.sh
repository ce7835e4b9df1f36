#!/usr/bin/env bash
# Every benchmark of the suite in one command (bench/suite.py: --help lists the options). Each
# part writes its JSON into bench/out/runs/<UTC time>/; bench/RESULTS.md is rendered from that
# JSON only (bench/results.py). A desk that is missing or no longer fits this tree is never made
# again silently: the run stops and says why, unless --make (make it) or --as-is (measure it as
# it is) is given.
#   bench/run.sh                                  # everything, 1y and 10y desks, quiet and busy
#   bench/run.sh --only idle,keys --loads quiet   # some parts only
#   bench/run.sh --desk-dir /tmp/benchdesk --as-is --dry-run   # print the commands only
#   PYTHON=... bench/run.sh                       # the interpreter (default: python)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
mkdir -p bench/out
exec "$PY" bench/suite.py --command "bench/run.sh${*:+ $*}" "$@"
