"""The SQL the README and docs/data.md show for analysts runs on the demo desk, read-only, as a
reader would run it with sqlite3, and gives the rows it says it does."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import TZ
from watchdesk.demo import build_demo
from watchdesk.models.incident import ReportKind
from watchdesk.store.desk import Store

ROOT = Path(__file__).resolve().parents[2]
_SQL = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)


def statements(source: str) -> list[str]:
    out = []
    for block in _SQL.findall((ROOT / source).read_text(encoding="utf-8")):
        buf = ""
        for line in block.splitlines(keepends=True):
            buf += line
            if sqlite3.complete_statement(buf):
                out.append(buf.strip())
                buf = ""
        assert not buf.strip(), f"{source}: an unfinished statement: {buf!r}"
    return out


@pytest.fixture(scope="module")
def demo_desk(tmp_path_factory) -> Path:
    """The demo desk, with one report made late (the overdue written report of the flood)."""
    path = build_demo(tmp_path_factory.mktemp("sql") / "demo.db", now=NOW)
    s = Store.open(path, clock=lambda: NOW, tz=TZ, actor="tests")
    try:
        [flood] = [i for i in s.incidents.list() if i.title == "青山铺镇河段群众被困"]
        s.incidents.record_report(flood.id, ReportKind.written, at=NOW, by_whom="周文博")
    finally:
        s.close()
    return path


def run(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_pages_show_sql():
    assert len(statements("README.md")) == 3
    assert len(statements("docs/data.md")) == 4


@pytest.mark.parametrize("source", ["README.md", "docs/data.md"])
def test_every_query_runs_and_answers(source, demo_desk):
    for sql in statements(source):
        assert run(demo_desk, sql), f"{source}: no rows from {sql}"


def test_the_answers_are_the_demo_desks(demo_desk):
    by_month_grade, late, by_area = (run(demo_desk, q) for q in statements("README.md"))
    # Every counted incident is in one month and grade, in Chinese.
    assert sum(n for _, _, n in by_month_grade) == 14
    assert {g for _, g, _ in by_month_grade} <= {"特别重大", "重大", "较大", "一般"}
    assert {m for m, _, _ in by_month_grade} == {"2026-11", "2026-12"}
    # The written report made now was due 60 minutes after the flood occurred (62 min ago).
    [(incident_id, kind, due, at, minutes)] = late
    assert (kind, at) == ("书面报告", "2026-12-01 09:00:00")
    assert minutes == pytest.approx(2.0, abs=0.1)
    assert due == (NOW - timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")
    areas = {a: n for a, n, _, _ in by_area}
    assert areas["青山铺镇"] >= 2 and areas["县工业园区"] == 2 and areas[None] == 3
