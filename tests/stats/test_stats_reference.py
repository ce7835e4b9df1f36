"""Our own timeliness, counted the quick way (`store/stats.py`: the on-time majority counted in
SQL, only the rest read), against a straightforward reference on randomized small desks: every
clock due in the period read row by row and judged by the rules in the module's docstring.

Desks: a few incidents received over three weeks of November 2026 (desk-local), 一般 (written
within 2 h, follow-up every 24 h) or 重大 (phone 30 min, written 1 h, follow-up every 12 h);
reports made at random, at the due instant exactly, half a second or a second either side of
it, or late;
some struck through, some incidents ended by a final report, voided or marked duplicates.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import TZ, FakeClock
from tests.stats.conftest import _facts
from watchdesk.errors import StoreError
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.rules.deadlines import lateness
from watchdesk.store.correction import correct
from watchdesk.store.db import from_db_not_null
from watchdesk.store.desk import Store
from watchdesk.text.period import custom_period

START = datetime(2026, 11, 1, 0, 0, tzinfo=TZ)
NOW = START + timedelta(days=20)
KINDS = [ReportKind.phone, ReportKind.written, ReportKind.followup, ReportKind.final]

# An incident: (received minutes after START, grade II?, its reports, what becomes of it)
report_st = st.tuples(
    st.sampled_from(KINDS),
    st.one_of(  # minutes after receipt: at or around the limits (30 min, 1 h, 2 h, 12 h, 24 h)
        st.sampled_from([30, 60, 120, 720, 1440, 2880]).flatmap(
            lambda m: st.sampled_from([m * 60 - 1, m * 60, m * 60 + 0.5, m * 60 + 1])
        ),
        st.integers(60, 4 * 24 * 3600),
    ),
    st.booleans(),  # struck through afterwards
)
incident_st = st.tuples(
    st.integers(0, 19 * 24 * 60),
    st.booleans(),
    st.lists(report_st, max_size=5),
    st.sampled_from(["open", "open", "open", "voided", "duplicate"]),
)


def reference(store: Store, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Every clock due in [start, end) of an incident that counts, judged one by one."""
    db = store.db
    nowhere = {r[0] for r in db.execute("SELECT id FROM incidents WHERE status = 'voided'")}
    nowhere |= {r[0] for r in db.execute("SELECT incident_id FROM duplicates")}
    struck = {
        r[0] for r in db.execute("SELECT record_id FROM corrections WHERE record_kind = 'report'")
    }
    finals: dict[int, datetime] = {}
    for inc, at, rid in db.execute("SELECT incident_id, at, id FROM reports WHERE kind = 'final'"):
        if rid not in struck:
            t = from_db_not_null(at)
            finals[inc] = min(t, finals.get(inc, t))
    tally: dict[str, dict[str, int]] = {}
    items = []
    rows = db.execute(
        "SELECT d.id, d.incident_id, d.kind, d.due_at, d.status, d.done_at, r.late_seconds"
        " FROM deadlines d LEFT JOIN reports r ON r.id = d.report_id ORDER BY d.due_at, d.id"
    ).fetchall()
    for did, inc, kind, due_s, status, done_s, late in rows:
        due = from_db_not_null(due_s)
        if not start <= due < end or inc in nowhere:
            continue
        if status == "done":
            if late is None:
                late = lateness(due, from_db_not_null(done_s))
            outcome = "on_time" if late <= 0 else "late"
        elif status == "running":
            outcome = "pending" if due >= now else "missed"
            late = lateness(due, now)
        elif inc in finals and finals[inc] > due:
            outcome, late = "missed", lateness(due, finals[inc])
        else:
            continue
        of_kind = tally.setdefault(kind, dict.fromkeys(("on_time", "late", "missed", "pending"), 0))
        of_kind[outcome] += 1
        if outcome in ("late", "missed"):
            items.append((did, inc, outcome, late))
    return {"tally": {k: v for k, v in tally.items() if any(v.values())}, "items": items}


def quick(store: Store, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    own = store.stats.own(custom_period(start, end, TZ), now)
    tally = {
        k.kind.value if k.kind else "": {
            "on_time": k.on_time,
            "late": k.late,
            "missed": k.missed,
            "pending": k.pending,
        }
        for k in own.by_kind
    }
    items = [(i.deadline_id, i.incident_id, i.outcome.value, i.late_seconds) for i in own.items]
    return {"tally": {k: v for k, v in tally.items() if any(v.values())}, "items": items}


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    incidents=st.lists(incident_st, min_size=1, max_size=6),
    window=st.one_of(
        st.just((0, 25 * 24)), st.tuples(st.integers(0, 20 * 24), st.integers(1, 25 * 24))
    ),
)
def test_quick_count_matches_the_reference(tmp_path_factory, incidents, window):
    clock = FakeClock(NOW)
    path = tmp_path_factory.mktemp("ref") / "desk.db"
    store = Store.open(path, clock=clock, actor="测试员", tz=TZ)
    try:
        ids: list[int] = []
        for received_min, major, reports, fate in incidents:
            received = START + timedelta(minutes=received_min)
            grade = Grade.II if major else Grade.IV
            inc_id = store.incidents.add(_facts(received, grade=grade, occurred_at=received)).id
            for kind, offset, strike in sorted(reports, key=lambda r: r[1]):
                at = received + timedelta(seconds=offset)
                if at > NOW:
                    continue
                try:
                    rid = store.incidents.record_report(inc_id, kind, at=at).id
                except StoreError:  # e.g. a report after the final one: not made
                    continue
                if strike:
                    try:
                        correct(store, f"report:{rid}", "记错")
                    except StoreError:
                        pass
            if fate == "voided":
                try:
                    store.incidents.void(inc_id, "误报")
                except StoreError:
                    pass
            elif fate == "duplicate" and ids:
                try:
                    store.incidents.mark_duplicate(inc_id, ids[0], "同一事件")
                except StoreError:  # of a voided one: refused
                    pass
            ids.append(inc_id)
        a, b = window
        start = START + timedelta(hours=a)
        end = start + timedelta(hours=b)
        for now in (NOW, START + timedelta(days=3)):
            assert quick(store, start, end, now) == reference(store, start, end, now)
    finally:
        store.close()
