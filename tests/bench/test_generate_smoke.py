"""The benchmark desk generator at a tiny scale: its desk passes `check`, opens, searches, and
holds what the application itself would have written (replayed through the Store API, the audit
logs and the full-text tables of incidents and of the duty log match entry for entry). When the
Store's write path changes, the last test fails until bench/generate.py follows it."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from watchdesk.store.desk import Store

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
