"""The benchmark desk generator at a tiny scale: its desk passes `check`, opens, searches, and
holds what the application itself would have written (replayed through the Store API, the audit
logs and the full-text tables of incidents and of the duty log match entry for entry). When the
Store's write path changes, the last test fails until bench/generate.py follows it."""

from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from watchdesk.cli import main
from watchdesk.store.db import to_db
from watchdesk.store.desk import Store
from watchdesk.store.search import TAGS_SQL

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 22, 14, 29, tzinfo=TZ)
BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "desk.db"
    result = _bench("generate").generate(path, years=0.01, now=NOW, units=40, quiet=True)
    return path, result


def test_tiny_desk_checks_and_opens(desk):
    path, result = desk
    c = result["counts"]
    assert c["incidents"] == 300 and c["officers"] == 60 and c["units"] == 40
    assert 33 <= c["shifts"] <= 36 and c["assignments"] == 5 * c["shifts"]  # 3.65 days + 30
    assert c["deadlines"] >= c["incidents"] and c["reports"] >= c["incidents"] - 150
    assert c["audit"] > sum(v for k, v in c.items() if k != "audit")
    # a thousand duty-log entries (100,000 a year), some handled later; revised figure versions
    assert c["log_entries"] == 1000 and result["stats"]["log_handled_later"] > 0
    assert c["figures"] > c["incidents"] and result["stats"]["figure_versions"] > 0
    # the desk's routine: a roll-call round (the Wednesday one) and the shifts' leader checks
    assert c["rollcall_rounds"] >= 1 and c["rollcall_entries"] >= 10
    assert c["leader_checks"] >= 2 * (c["shifts"] - 30)
    # the paperwork: every past shift handed over (frozen) and signed in and out by its chief
    # and two officers, written reports signed and sent, struck records
    assert c["handovers"] >= 2 and c["duty_signins"] >= 6 * c["handovers"]
    assert c["written_reports"] >= 1 and c["report_steps"] >= 3 * c["written_reports"]
    assert c["corrections"] >= 1 and "warnings" in c
    store = Store.open(path, clock=lambda: NOW, tz=TZ)
    try:
        assert store.check().ok
        dash = store.dashboard(NOW)
        assert dash.current is not None and dash.upcoming is not None
        assert len(dash.current.assignments) == 5
        assert len(dash.clocks) >= 90
        assert any(c.due_at < NOW for c in dash.clocks), "some clocks are overdue"
        assert dash.today and all(
            i.received_at >= NOW.replace(hour=0, minute=0) for i in dash.today
        )
    finally:
        store.close()


def test_tiny_desk_searches_incidents_and_duty_log(desk):
    path, _ = desk
    store = Store.open(path, clock=lambda: NOW, tz=TZ)
    try:
        hits = store.search.search("值班室")
        assert {h.kind for h in hits} == {"incident", "log"}
    finally:
        store.close()


def test_tiny_desk_is_what_the_store_writes(desk, tmp_path):
    path, _ = desk
    fidelity = _bench("fidelity")
    fidelity.replay(path, tmp_path / "replayed.db").close()
    assert fidelity.compare(path, tmp_path / "replayed.db") == []


# m21: the generated full-text rows carry each incident's filter values as `tag` tokens, read from
# its final row (the bulk pass closes and voids incidents after adding them), as the store writes
# them: a filtered word search on a generated desk finds what filtering the word's hits finds.
NOW_DEC = datetime(2026, 12, 3, 10, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def month_desk(tmp_path_factory):
    """About 18 days across a month's end (--years 0.05: 1,500 incidents)."""
    path = tmp_path_factory.mktemp("bench") / "desk-months.db"
    _bench("generate").generate(path, years=0.05, now=NOW_DEC, units=40, quiet=True)
    return path


def test_generated_tags_are_what_tags_sql_computes(month_desk, capsys):
    con = sqlite3.connect(month_desk)
    try:
        rows = con.execute(
            f"SELECT i.id, f.tag, {TAGS_SQL.format(r='i')} FROM incidents i"
            " LEFT JOIN incidents_fts f ON f.rowid = i.id ORDER BY i.id"
        ).fetchall()
        n_fts = con.execute("SELECT count(*) FROM incidents_fts").fetchone()[0]
        statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM incidents")}
    finally:
        con.close()
    assert len(rows) == n_fts == 1500 and {"open", "closed", "voided"} <= statuses
    assert [(i, tag) for i, tag, _ in rows] == [(i, want) for i, _, want in rows]
    code = main(["check", "--db", str(month_desk), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0 and "integrity_check: ok" in out and "verified" in out


def test_filtered_word_search_on_generated_desk(month_desk):
    store = Store.open(month_desk, clock=lambda: NOW_DEC, tz=TZ)
    try:
        rows = {
            r[0]: r
            for r in store.db.execute(
                "SELECT id, category, grade, status, received_at FROM incidents"
            )
        }

        def found(word: str, **filters) -> list[int]:
            hits = store.search.search(
                word, include_log=False, include_reports=False, limit=10**6, **filters
            )
            assert {h.kind for h in hits} <= {"incident"}
            return [h.id for h in hits]

        nov, dec = datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ)
        cases: list[tuple[dict[str, Any], Callable[[tuple], bool]]] = [
            # (filter, the same filter over the incident's row)
            ({"category": "accident"}, lambda r: r[1] == "accident"),
            ({"grade": "III"}, lambda r: r[2] == "III"),
            ({"status": "open"}, lambda r: r[3] == "open"),
            ({"since": nov, "until": dec}, lambda r: to_db(nov) <= r[4] < to_db(dec)),
            ({"since": dec}, lambda r: r[4] >= to_db(dec)),
        ]
        narrowed = set()  # the cases that left out some of a word's hits
        for word in ("事故", "起火", "现场"):
            every = found(word)
            assert len(every) > 50, word
            for n, (filters, keep) in enumerate(cases):
                want = [i for i in every if keep(rows[i])]
                assert want, (word, filters)
                assert found(word, **filters) == want, (word, filters)
                if len(want) < len(every):
                    narrowed.add(n)
        assert narrowed == set(range(len(cases)))
    finally:
        store.close()
