"""The desk's schema against the migrations' (for `watchdesk check`, a backup's verify, restore).

The audit chain covers rows, not the schema: a trigger planted behind the application (say
`AFTER INSERT ON deadlines … SET due_at = due_at + 2 h`) changes rows *before* their audit
after-image is read, so the log agrees with the tampered rows; a dropped guard trigger (the audit
log's append-only triggers) is not a row at all. So `check` also compares every table, index,
view and trigger in `sqlite_master` with the schema the migrations make: the expected one is
built by running the same migrations on an in-memory desk (once per process and per number of
migrations applied), and every object that is extra, missing or different is named.

SQL text is compared normalized (comments, case outside quoted text, identifier quoting and
blanks do not count): SQLite keeps a CREATE statement's text as it was typed, and an older
sqlite-utils may have quoted names differently. SQLite's own statistics tables
(`sqlite_stat1`…`sqlite_stat4`, written by ANALYZE / `PRAGMA optimize`) only steer the query
planner and are let by.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from watchdesk.errors import Msg

if TYPE_CHECKING:
    from watchdesk.store.db import DeskDb

# SQLite writes these itself (ANALYZE, PRAGMA optimize); they change no row.
HARMLESS = re.compile(r"^sqlite_stat\d$")
# Litestream (store/replica.py) adds these two tables to a desk it replicates; let by only
# exactly as it creates them (a trigger on them, or another definition, is still named).
ENGINE_TABLES = {
    "_litestream_seq": "CREATE TABLE _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)",
    "_litestream_lock": "CREATE TABLE _litestream_lock (id INTEGER)",
}
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SchemaObject:
    type: str  # table, index, view, trigger
    name: str
    tbl_name: str
    sql: str  # normalized; "" for SQLite's automatic indexes


def normalize_sql(sql: str | None) -> str:
    """A CREATE statement's text with what does not change its meaning taken out: comments,
    runs of blanks (and blanks beside punctuation), the quoting of plain names ([x], "x", `x`),
    and letter case outside single-quoted text (keywords and names are case-insensitive in
    SQLite). Single-quoted literals are kept as they are."""
    if not sql:
        return ""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":  # a string literal, '' inside it is a quote
            j = i + 1
            while j < n:
                if sql[j] == "'":
                    if j + 1 < n and sql[j + 1] == "'":
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i : j + 1])
            i = j + 1
        elif c in '"[`':
            close = {"[": "]", '"': '"', "`": "`"}[c]
            j = sql.find(close, i + 1)
            if j == -1:
                j = n
            name = sql[i + 1 : j]
            out.append(name.lower() if _PLAIN_NAME.match(name) else sql[i : j + 1].lower())
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j == -1 else j
            out.append(" ")
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j == -1 else j + 2
            out.append(" ")
        elif c.isspace():
            while i < n and sql[i].isspace():
                i += 1
            out.append(" ")
        else:
            out.append(c.lower())
            i += 1
    text = re.sub(r"  +", " ", "".join(out)).strip().rstrip(";").strip()
    # blanks beside punctuation do not count: "( a , b )" is "(a,b)"
    return re.sub(r" ?([(),;=]) ?", r"\1", text)


def read_schema(conn: sqlite3.Connection) -> dict[tuple[str, str], SchemaObject]:
    """The objects in `sqlite_master`, by (type, lower-case name)."""
    out: dict[tuple[str, str], SchemaObject] = {}
    for type_, name, tbl, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master"
    ):
        if HARMLESS.match(name):
            continue
        out[(type_, name.lower())] = SchemaObject(type_, name, tbl, normalize_sql(sql))
    return out


def applied_count(conn: sqlite3.Connection) -> int | None:
    """How many of the migrations, from the first, the database records as applied (records
    under their legacy names count); None when it records none (no `_sqlite_migrations`)."""
    from watchdesk.store.migrations import SET_NAME, migrations
    from watchdesk.store.stamp import LEGACY_NAMES

    try:
        records = conn.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall()
    except sqlite3.Error:
        return None
    done = {
        LEGACY_NAMES.get((s, n), n) for s, n in records if s == SET_NAME or (s, n) in LEGACY_NAMES
    }
    names = [m.name for m in migrations._migrations]
    k = 0
    while k < len(names) and names[k] in done:
        k += 1
    return k


@cache
def expected_schema(upto: int | None = None) -> dict[tuple[str, str], SchemaObject]:
    """The schema the first `upto` migrations make (all of them when None), built once per
    process on an in-memory desk by the migrations themselves."""
    from watchdesk.store.db import DeskDb, write_txn
    from watchdesk.store.migrations import migrations

    names = [m.name for m in migrations._migrations]
    mem = DeskDb(sqlite3.connect(":memory:"))
    try:
        with write_txn(mem):
            if upto is None or upto >= len(names):
                migrations.apply(mem.utils)
            elif upto > 0:
                migrations.apply(mem.utils, stop_before=names[upto])
        return read_schema(mem.conn)
    finally:
        mem.close()


def schema_problems(db: DeskDb) -> list[Msg]:
    """Every table, index, view and trigger that is not exactly as the migrations the desk
    records made it: planted (extra), dropped (missing) or altered (different SQL), each named.
    [] for a database that records no migrations (not a desk; `check` says so elsewhere)."""
    upto = applied_count(db.conn)
    if upto is None:
        return []
    want = expected_schema(upto)
    have = read_schema(db.conn)
    have = {  # the backup engine's own tables, exactly as it makes them, are not the desk's
        k: v
        for k, v in have.items()
        if not (k[0] == "table" and v.sql == normalize_sql(ENGINE_TABLES.get(v.name, "-")))
    }
    problems: list[Msg] = []
    order = {"table": 0, "view": 1, "index": 2, "trigger": 3}
    keys = sorted(set(want) | set(have), key=lambda k: (order.get(k[0], 9), k[1]))
    for key in keys:
        w, h = want.get(key), have.get(key)
        if w is None and h is not None:
            problems.append(
                Msg(f"tamper.schema.extra.{_kind(h.type)}", name=h.name, table=h.tbl_name)
            )
        elif h is None and w is not None:
            problems.append(
                Msg(f"tamper.schema.missing.{_kind(w.type)}", name=w.name, table=w.tbl_name)
            )
        elif w is not None and h is not None and (w.sql != h.sql or w.tbl_name != h.tbl_name):
            problems.append(
                Msg(f"tamper.schema.altered.{_kind(h.type)}", name=h.name, table=h.tbl_name)
            )
    return problems


def _kind(type_: str) -> str:
    return type_ if type_ in ("table", "index", "view", "trigger") else "table"
