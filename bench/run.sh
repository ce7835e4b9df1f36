#!/usr/bin/env bash
# Make the 1- and 10-year desks if missing (or older than 12 hours: their clocks and "today" are
# relative to when they were made), then time the console's start-up on both against a bare
# Textual app, in one run.
#   bench/run.sh                   # PYTHON=... to pick the interpreter, RUNS=... (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python}
RUNS=${RUNS:-15}
OUT=bench/out
mkdir -p "$OUT"
for years in 1 10; do
    db="$OUT/desk-${years}y.db"
    if [[ ! -f "$db" || -n "$(find "$db" -mmin +720)" ]]; then
        "$PY" bench/generate.py --years "$years" --out "$db"
    fi
done
"$PY" bench/startup.py --db "$OUT/desk-1y.db" --db "$OUT/desk-10y.db" --runs "$RUNS" \
    --json "$OUT/startup.json"
