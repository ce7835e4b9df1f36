"""The generated desks the suite measures, made once and reused while they still fit.

    python bench/desks.py [--years 1 --years 10] [--force]

Each desk `bench/out/desk-{N}y.db` has a sidecar `desk-{N}y.json` with what `generate.py`
reported (counts, seconds, the instant the desk stands at) and a fingerprint: the schema a new
desk gets from the application's migrations, the generator's code (docstrings and comments left
out) and its parameters. A desk is
reused while its fingerprint matches and made again when it does not (the schema grew, the
generator changed), or when the file or its sidecar is missing.

A desk's open clocks, roster and "today" are placed relative to the instant it was made. Instead
of remaking it every few hours, the benchmarks run the application with a clock shifted by the
desk's age (`desk_clock`), so the desk always looks as if it had just been made.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

# What the suite's desks are made with (generate.py's defaults, spelled out: they are part of
# the fingerprint).
PARAMS = {
    "incidents_per_year": 30_000,
    "seed": 20261122,
    "open_incidents": 100,
    "units": 500,
    "log_per_year": 100_000,
    "figure_updates": 0.15,
}


def schema_fingerprint() -> str:
    """The schema a new desk gets today (tables, indexes, triggers, applied migrations)."""
    from watchdesk.store.desk import Store

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "schema.db"
        Store.open(path).close()
        con = sqlite3.connect(path)
        rows = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        migs = con.execute(
            "SELECT migration_set, name FROM _sqlite_migrations ORDER BY migration_set, name"
        ).fetchall()
        con.close()
    return hashlib.sha256(json.dumps([rows, migs]).encode()).hexdigest()[:16]


def generator_fingerprint() -> str:
    """The generator's code without its docstrings, comments and layout: editing the prose
    does not make the desks again."""
    tree = ast.parse((HERE / "generate.py").read_text())
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return hashlib.sha256(ast.dump(tree).encode()).hexdigest()[:16]


def fingerprint(years: float) -> dict:
    gen = generator_fingerprint()
    return {"schema": schema_fingerprint(), "generator": gen, "years": years, **PARAMS}


def paths(years: float, out: Path = OUT) -> tuple[Path, Path]:
    name = f"desk-{years:g}y"
    return out / f"{name}.db", out / f"{name}.json"


def load(years: float, out: Path = OUT) -> dict | None:
    """The sidecar of a desk that exists, else None."""
    db, side = paths(years, out)
    if not db.exists() or not side.exists():
        return None
    try:
        return json.loads(side.read_text())
    except ValueError:
        return None


def ensure(years: float, *, out: Path = OUT, force: bool = False, log=print) -> dict:
    """The desk's sidecar after making the desk if needed; "reused" says which happened."""
    db, side = paths(years, out)
    want = fingerprint(years)
    have = None if force else load(years, out)
    if have is not None and have.get("fingerprint") == want:
        have["reused"] = True
        return have
    why = (
        "forced"
        if force
        else "missing"
        if have is None
        else "fingerprint changed: "
        + ", ".join(k for k in want if have.get("fingerprint", {}).get(k) != want[k])
    )
    log(f"making {db.name} ({why}) …")
    from generate import generate

    side.unlink(missing_ok=True)
    t0 = time.perf_counter()
    result = generate(db, years=years, quiet=True, **PARAMS)
    result["wall_seconds"] = round(time.perf_counter() - t0, 1)
    result["fingerprint"] = want
    result["made_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    side.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    log(
        f"  {db.name}: {result['counts']['incidents']:,} incidents, "
        f"{result['counts'].get('log_entries', 0):,} duty-log entries, "
        f"{result['counts'].get('handovers', 0):,} handovers, "
        f"{result['counts'].get('written_reports', 0):,} written reports, "
        f"{result['counts']['audit']:,} audit entries, {result['bytes'] / 2**20:,.0f} MiB, "
        f"{result['seconds']:.0f} s"
    )
    result["reused"] = False
    return result


def desk_now(meta: dict) -> datetime:
    return datetime.fromisoformat(meta["now"])


def desk_offset(meta: dict) -> timedelta:
    """How long ago the desk was made (the instant it stands at)."""
    return datetime.now(UTC) - desk_now(meta)


def desk_clock(meta: dict) -> Callable[[], datetime]:
    """A clock running at real speed from the instant the desk stands at."""
    offset = desk_offset(meta)
    return lambda: datetime.now(UTC) - offset


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--years", type=float, action="append")
    p.add_argument("--force", action="store_true")
    a = p.parse_args(argv)
    for y in a.years or [1, 10]:
        meta = ensure(y, force=a.force)
        print(f"desk-{y:g}y: {'reused' if meta['reused'] else 'made'}, stands at {meta['now']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
