"""What the console's lifecycle keys record, recorded from the command line (issue 13): `incident
report` (p w f k e), `incident figures` (u), `incident verify-request` (v). What was stored is
read back through the store; every bad input exits 2 with one line naming the option or field,
and writes nothing."""

from __future__ import annotations

import io
import json
import sys
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import TZ
from watchdesk.cli import main
from watchdesk.models.incident import (
    DeadlineStatus,
    FigureStatus,
    Grade,
    IncidentFacts,
    IncidentStatus,
    ReportKind,
)
from watchdesk.store.desk import Store

TABLES = ("audit", "incidents", "reports", "figures", "deadlines", "log_entries")


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    return path


def open_store(path) -> Store:
    return Store.open(path, tz=TZ, actor="fixture")


def add_incident(path, **kw) -> int:
    """A major incident (10 dead): phone, written and follow-up clocks running; it happened 25
    minutes ago and was received 20 minutes ago."""
    now = datetime.now(UTC)
    facts = dict(
        received_at=now - timedelta(minutes=20),
        occurred_at=now - timedelta(minutes=25),
        place="城关镇东街",
        category="accident",
        subtype="fire",
        description="商铺起火",
        dead=10,
    )
    facts.update(kw)
    s = open_store(path)
    try:
        return s.incidents.add(IncidentFacts(**facts)).id
    finally:
        s.close()


@pytest.fixture
def inc(desk):
    return add_incident(desk)


def counts(path) -> dict[str, int]:
    s = open_store(path)
    try:
        return {t: s.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        s.close()


def run(capsys, *argv, stdin: bytes | None = None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def local(dt: datetime) -> str:
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


# -- incident report -----------------------------------------------------------------------------
def test_report_closes_its_clock_on_time(desk, inc, capsys):
    code, out, err = run(
        capsys,
        "incident", "report", inc, "--kind", "phone", "--to", "市应急管理局总值班室",
        "--by", "周文博", "--content", "已电话报告", "--json", "--db", desk,
    )  # fmt: skip
    assert code == 0, err
    printed = json.loads(out)
    s = open_store(desk)
    try:
        (rep,) = s.incidents.reports(inc)
        clock = next(d for d in s.incidents.deadlines(inc) if d.kind == ReportKind.phone)
        actor = s.db.execute("SELECT actor FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        s.close()
    assert (rep.kind, rep.to_whom, rep.by_whom, rep.content) == (
        ReportKind.phone,
        "市应急管理局总值班室",
        "周文博",
        "已电话报告",
    )
    assert clock.status == DeadlineStatus.done and clock.report_id == rep.id
    assert rep.late_seconds is not None and rep.late_seconds <= 0
    assert actor == "tests"  # the acting integration (WATCHDESK_ACTOR), not the login
    assert printed["report"]["id"] == rep.id
    assert printed["incident"]["id"] == inc and printed["incident"]["reports"][0]["id"] == rep.id


def test_report_defaults_to_whom_the_desk_reports_and_by_whoever_acts(desk, inc, capsys):
    s = open_store(desk)
    try:
        s.settings.update(report_to="市应急管理局总值班室")
    finally:
        s.close()
    code, _, err = run(capsys, "incident", "report", inc, "--kind", "书面", "--db", desk)
    assert code == 0, err
    s = open_store(desk)
    try:
        (rep,) = s.incidents.reports(inc)
    finally:
        s.close()
    assert (rep.kind, rep.to_whom, rep.by_whom) == (
        ReportKind.written,
        "市应急管理局总值班室",
        "tests",
    )


def test_followups_number_themselves_and_final_closes(desk, inc, capsys):
    for kind in ("followup", "续报", "final"):
        code, _, err = run(capsys, "incident", "report", inc, "--kind", kind, "--db", desk)
        assert code == 0, err
    s = open_store(desk)
    try:
        reports = s.incidents.reports(inc)
        incident = s.incidents.get(inc)
        running = [d for d in s.incidents.deadlines(inc) if d.status == DeadlineStatus.running]
    finally:
        s.close()
    assert [(r.kind, r.seq) for r in reports] == [
        (ReportKind.followup, 1),
        (ReportKind.followup, 2),
        (ReportKind.final, 0),
    ]
    assert incident.status == IncidentStatus.closed and running == []
    before = counts(desk)
    code, out, err = run(capsys, "incident", "report", inc, "--kind", "phone", "--db", desk)
    assert code == 2 and out == "" and f"incident #{inc} is closed" in err
    assert counts(desk) == before


def test_report_as_an_officer(desk, inc, capsys):
    assert main(["officer", "add", "孙丽娜", "--db", str(desk)]) == 0
    capsys.readouterr()
    code, _, err = run(
        capsys, "--as", "孙丽娜", "incident", "report", inc, "--kind", "phone", "--db", desk
    )
    assert code == 0, err
    s = open_store(desk)
    try:
        (rep,) = s.incidents.reports(inc)
        actor = s.db.execute("SELECT actor FROM audit ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        s.close()
    assert rep.by_whom == "孙丽娜" and actor == "孙丽娜"


def test_no_one_acting_writes_nothing(desk, inc, capsys, monkeypatch):
    assert main(["officer", "add", "孙丽娜", "--db", str(desk)]) == 0
    capsys.readouterr()
    monkeypatch.delenv("WATCHDESK_ACTOR")
    before = counts(desk)
    code, out, err = run(capsys, "incident", "report", inc, "--kind", "phone", "--db", desk)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1  # who is acting?
    assert counts(desk) == before


# -- incident verify-request, and its answer ---------------------------------------------------------
def test_verification_request_starts_a_clock_and_the_answer_closes_it(desk, inc, capsys):
    due = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    code, out, err = run(
        capsys,
        "incident", "verify-request", inc, "--from", "市应急管理局", "--content", "核实死亡人数",
        "--due", local(due), "--json", "--db", desk,
    )  # fmt: skip
    assert code == 0, err
    printed = json.loads(out)
    s = open_store(desk)
    try:
        (clock,) = [d for d in s.incidents.deadlines(inc) if d.kind == ReportKind.verification]
        (entry,) = s.dutylog.list(incident_id=inc)
    finally:
        s.close()
    assert clock.status == DeadlineStatus.running and clock.due_at == due and clock.seq == 1
    assert (entry.kind.value, entry.counterpart, entry.content, entry.by_whom) == (
        "verification_request",
        "市应急管理局",
        "核实死亡人数",
        "tests",
    )
    assert printed["deadline"]["id"] == clock.id and printed["log_entry"]["id"] == entry.id

    code, out, err = run(capsys, "incident", "report", inc, "--kind", "核报", "--db", desk)
    assert code == 0, err
    s = open_store(desk)
    try:
        (rep,) = s.incidents.reports(inc)
        clock = next(d for d in s.incidents.deadlines(inc) if d.id == clock.id)
    finally:
        s.close()
    assert rep.kind == ReportKind.verification and rep.deadline_id == clock.id
    assert clock.status == DeadlineStatus.done
    # Answered: a second answer has no request to answer.
    before = counts(desk)
    code, out, err = run(capsys, "incident", "report", inc, "--kind", "verification", "--db", desk)
    assert code == 2 and "--kind: does not apply" in err and counts(desk) == before


def test_verification_request_from_the_office_reports_go_to(desk, inc, capsys):
    s = open_store(desk)
    try:
        s.settings.update(report_to="市应急管理局总值班室")
    finally:
        s.close()
    assert run(capsys, "incident", "verify-request", inc, "--db", desk)[0] == 0
    s = open_store(desk)
    try:
        (entry,) = s.dutylog.list(incident_id=inc)
    finally:
        s.close()
    assert entry.counterpart == "市应急管理局总值班室" and entry.content == "要求核报"


# -- incident figures ----------------------------------------------------------------------------
def test_figures_are_a_new_version_and_regrade(desk, capsys, tmp_path):
    inc = add_incident(desk, dead=1)  # 一般: no phone or written clock
    f = tmp_path / "fig.json"
    f.write_text(
        json.dumps(
            {
                "dead": 12,
                "injured": "5",
                "direct_loss": "300万",
                "source": "县消防救援大队",
                "status": "核实",
                "note": "现场核实",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "incident", "figures", inc, "--json", f, "--db", desk)
    assert code == 0, err
    printed = json.loads(out)
    s = open_store(desk)
    try:
        first, new = s.figures.history(inc)
        incident = s.incidents.get(inc)
        kinds = {d.kind for d in s.incidents.deadlines(inc)}
        clock_ids = {d.id for d in s.incidents.deadlines(inc)}
    finally:
        s.close()
    assert first.dead == 1 and first.status == FigureStatus.initial  # never overwritten
    assert (new.dead, new.injured, new.direct_loss, new.trapped) == (12, 5, 3_000_000, 0)
    assert (new.source, new.status, new.note, new.by_whom) == (
        "县消防救援大队",
        FigureStatus.verified,
        "现场核实",
        "tests",
    )
    assert incident.grade == Grade.II and incident.dead == 12
    assert {ReportKind.phone, ReportKind.written} <= kinds  # the raised grade's clocks
    assert printed["figures"]["id"] == new.id
    assert printed["regrade"]["old_grade"] == "IV" and printed["regrade"]["new_grade"] == "II"
    assert printed["regrade"]["added"]  # the clocks the raised grade started, as stored
    assert {d["id"] for d in printed["regrade"]["added"]} <= clock_ids


def test_a_lower_grade_waits_for_accept_lower(desk, inc, capsys, monkeypatch):
    body = '{"dead": 0, "source": "医院"}'.encode()
    code, out, err = run(
        capsys, "incident", "figures", inc, "--json", "-", "--db", desk,
        stdin=body, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["regrade"]["needs_confirmation"] is True
    s = open_store(desk)
    try:
        assert s.incidents.get(inc).grade == Grade.II and s.incidents.get(inc).dead == 0
    finally:
        s.close()
    code, out, err = run(
        capsys, "incident", "figures", inc, "--json", "-", "--accept-lower", "--db", desk,
        stdin=body, monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    regrade = json.loads(out)["regrade"]
    assert regrade["needs_confirmation"] is False and regrade["new_grade"] == "IV"
    s = open_store(desk)
    try:
        assert s.incidents.get(inc).grade == Grade.IV
        assert len(s.figures.history(inc)) == 3
    finally:
        s.close()


def test_figures_from_stdin_with_a_byte_order_mark(desk, inc, capsys, monkeypatch):
    body = "\ufeff" + json.dumps({"trapped": 3, "source": "现场"}, ensure_ascii=False)
    code, _, err = run(
        capsys, "incident", "figures", inc, "--json", "-", "--db", desk,
        stdin=body.encode("utf-8"), monkeypatch=monkeypatch,
    )  # fmt: skip
    assert code == 0, err
    s = open_store(desk)
    try:
        assert s.figures.history(inc)[-1].trapped == 3
    finally:
        s.close()


# -- bad input: exit 2, one line naming what is wrong, nothing written ------------------------------
FUTURE, PAST = "2099-01-01 10:00", "2020-01-01 10:00"
BAD = [
    # incident report
    ("report-unknown-incident", ["report", "999", "--kind", "phone"], None, "no incident #999"),
    ("report-unknown-kind", ["report", "{id}", "--kind", "fax"], None, "--kind: no such report"),
    ("report-no-request", ["report", "{id}", "--kind", "verification"], None, "does not apply"),
    ("report-future", ["report", "{id}", "--kind", "phone", "--at", FUTURE], None, "--at: is in"),
    ("report-before", ["report", "{id}", "--kind", "phone", "--at", PAST], None, "--at: is before"),
    ("report-bad-at", ["report", "{id}", "--kind", "phone", "--at", "昨天晚上"], None, "--at:"),
    ("report-blank-to", ["report", "{id}", "--kind", "phone", "--to", "  "], None, "--to: must"),
    ("report-2-lines-to", ["report", "{id}", "--kind", "phone", "--to", "a\nb"], None, "--to:"),
    ("report-long-to", ["report", "{id}", "--kind", "phone", "--to", "局" * 101], None, "--to:"),
    ("report-blank-by", ["report", "{id}", "--kind", "phone", "--by", ""], None, "--by: must"),
    # incident figures
    ("figures-unknown-field", ["figures", "{id}"], {"deaths": 1, "source": "x"}, "deaths: is not"),
    ("figures-negative", ["figures", "{id}"], {"dead": -1, "source": "x"}, "dead: must not be neg"),
    ("figures-not-number", ["figures", "{id}"], {"injured": "三", "source": "x"}, "injured:"),
    ("figures-list", ["figures", "{id}"], {"trapped": [1], "source": "x"}, "trapped: must be"),
    ("figures-true", ["figures", "{id}"], {"dead": True, "source": "x"}, "dead: must be"),
    ("figures-huge", ["figures", "{id}"], {"missing": 10**7, "source": "x"}, "missing: at most"),
    ("figures-loss", ["figures", "{id}"], {"direct_loss": "-5万", "source": "x"}, "direct_loss:"),
    ("figures-no-source", ["figures", "{id}"], {"dead": 1}, "source:"),
    ("figures-status", ["figures", "{id}"], {"source": "x", "status": "initial"}, "status:"),
    ("figures-future", ["figures", "{id}"], {"source": "x", "at": FUTURE}, "at: is in the"),
    ("figures-before", ["figures", "{id}"], {"source": "x", "at": PAST}, "at: is before"),
    ("figures-array", ["figures", "{id}"], [1, 2], "--json: must be a JSON object"),
    ("figures-unknown-incident", ["figures", "999"], {"source": "x"}, "no incident #999"),
    # incident verify-request
    ("verify-unknown-incident", ["verify-request", "999", "--from", "市局"], None, "#999"),
    ("verify-no-one", ["verify-request", "{id}"], None, "--from: say who asked"),
    ("verify-blank-from", ["verify-request", "{id}", "--from", " "], None, "--from: must"),
    ("verify-future", ["verify-request", "{id}", "--from", "市局", "--at", FUTURE], None, "--at:"),
    ("verify-before", ["verify-request", "{id}", "--from", "市局", "--at", PAST], None, "--at:"),
    ("verify-due", ["verify-request", "{id}", "--from", "市局", "--due", PAST], None, "--due:"),
    # incident add: a grade that does not exist
    (
        "add-grade",
        ["add"],
        {"place": "p", "category": "火灾", "description": "d", "grade": "超大"},
        "grade: no such grade",
    ),
    (
        "add-grade-number",
        ["add"],
        {"place": "p", "category": "火灾", "description": "d", "grade": 5},
        "grade: no such grade",
    ),
]


@pytest.mark.parametrize(("argv", "body", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_exits_2_and_writes_nothing(desk, inc, capsys, monkeypatch, argv, body, message):
    args = ["incident", *(a.replace("{id}", str(inc)) for a in argv), "--db", str(desk)]
    stdin = None
    if body is not None:
        args += ["--json", "-"]
        stdin = json.dumps(body, ensure_ascii=False).encode("utf-8")
    before = counts(desk)
    code, out, err = run(capsys, *args, stdin=stdin, monkeypatch=monkeypatch)
    assert code == 2, err
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert "Traceback" not in err
    assert counts(desk) == before


def test_bad_input_in_chinese(desk, inc, capsys):
    code, _, err = run(
        capsys, "--lang", "zh", "incident", "report", inc, "--kind", "phone", "--at", FUTURE,
        "--db", desk,
    )  # fmt: skip
    assert code == 2 and "--at: 不能晚于当前时间" in err
    code, _, err = run(
        capsys, "--lang", "zh", "incident", "report", inc, "--kind", "核报", "--db", desk
    )
    assert code == 2 and "没有待答复的核报要求" in err
    code, _, err = run(
        capsys, "--lang", "zh", "incident", "report", 999, "--kind", "电话", "--db", desk
    )
    assert code == 2 and "没有事件 #999" in err
