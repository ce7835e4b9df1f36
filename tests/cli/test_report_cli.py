"""`watchdesk report draft|sign|back|send|list|show` (issue 14): JSON out, files 0600, and every
bad input (a signer without the role, a wrong PIN, an unsigned report where sign-off is required,
an unknown report) one line, exit 2, nothing written."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import TZ
from watchdesk.cli import main
from watchdesk.models.incident import DeadlineStatus, IncidentFacts, ReportKind
from watchdesk.models.officer import Officer
from watchdesk.models.roster import Role
from watchdesk.report.written_pdf import font_problem
from watchdesk.store.desk import Store

needs_font = pytest.mark.skipif(font_problem() is not None, reason="no CJK TrueType font")


@pytest.fixture
def desk(tmp_path, monkeypatch):
    monkeypatch.setenv("WATCHDESK_CONFIG", str(tmp_path / "none.toml"))
    path = tmp_path / "desk.db"
    assert main(["init", "--db", str(path)]) == 0
    s = Store.open(path, tz=TZ, actor="fixture")
    try:
        for name, roles, pin in (
            ("孙丽娜", [Role.chief, Role.officer], "2468"),
            ("赵磊", [Role.chief, Role.officer], "1357"),
            ("王建国", [Role.leader], "8642"),
        ):
            o = s.officers.add(Officer(name=name, roles=roles))
            assert o.id is not None
            s.officers.set_pin(o.id, pin)
        now = datetime.now(UTC)
        s.incidents.add(
            IncidentFacts(
                received_at=now - timedelta(minutes=5),
                occurred_at=now - timedelta(minutes=8),
                place="城关镇东街",
                category="accident",
                subtype="fire",
                description="居民楼起火",
                dead=10,
            )
        )
    finally:
        s.close()
    return path


def run(capsys, desk, *argv):
    try:
        code = main([*argv, "--db", str(desk)])
    except SystemExit as e:  # argparse's own errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def rows(desk) -> tuple[int, int, int]:
    s = Store.open(desk, tz=TZ)
    try:
        return tuple(
            s.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("written_reports", "report_steps", "audit")
        )
    finally:
        s.close()


def draft(capsys, desk) -> int:
    code, out, err = run(
        capsys, desk, "report", "draft", "1", "--kind", "书面", "--json", "--as", "孙丽娜"
    )
    assert code == 0, err
    return int(json.loads(out)["id"])


def test_draft_prints_the_text_and_lists_what_is_missing(capsys, desk):
    code, out, err = run(
        capsys, desk, "report", "draft", "1", "--kind", "written", "--as", "孙丽娜"
    )
    assert code == 0, err
    assert "【草稿】" in out and "城关镇东街" in out
    assert "#1" in err


@needs_font
def test_the_whole_chain_then_send_closes_the_clock(capsys, desk, tmp_path):
    rid = draft(capsys, desk)
    for step, who in (("drafted", "孙丽娜"), ("审核", "赵磊"), ("签发", "王建国")):
        code, out, err = run(capsys, desk, "report", "sign", str(rid), "--step", step, "--as", who)
        assert code == 0, err
    signed = json.loads(out)
    assert signed["status"] == "signed" and signed["serial"].endswith("第1期")
    code, out, err = run(
        capsys,
        desk,
        "report",
        "send",
        str(rid),
        "--via",
        "fax",
        "--note",
        "传真市局",
        "--as",
        "孙丽娜",
    )
    assert code == 0, err
    sent = json.loads(out)
    assert sent["status"] == "sent" and sent["report_id"] and not sent["sent_without_chain"]
    s = Store.open(desk, tz=TZ)
    try:
        written = [d for d in s.incidents.deadlines(1) if d.kind == ReportKind.written]
        assert written and written[0].status == DeadlineStatus.done
        event = next(r for r in s.incidents.reports(1) if r.id == sent["report_id"])
        assert event.late_seconds is not None and event.late_seconds <= 0
    finally:
        s.close()
    # the frozen copy, reprinted, in a private file
    for fmt in ("pdf", "docx", "txt"):
        out_file = tmp_path / f"r.{fmt}"
        code, _, err = run(
            capsys, desk, "report", "show", str(rid), "--format", fmt, "-o", str(out_file)
        )
        assert code == 0, err
        assert stat.S_IMODE(out_file.stat().st_mode) == 0o600
    assert "第1期" in (tmp_path / "r.txt").read_text(encoding="utf-8")
    code, out, _ = run(capsys, desk, "report", "list", "--incident", "1", "--json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == [rid]
    code, out, _ = run(capsys, desk, "report", "show", str(rid))
    assert code == 0 and "第1期" in json.loads(out)["text"]


def test_back_with_a_reason(capsys, desk):
    rid = draft(capsys, desk)
    assert run(capsys, desk, "report", "sign", str(rid), "--step", "拟稿", "--as", "孙丽娜")[0] == 0
    code, out, err = run(
        capsys, desk, "report", "back", str(rid), "--reason", "数字不符", "--as", "赵磊"
    )
    assert code == 0, err
    assert json.loads(out)["round"] == 2


@pytest.mark.parametrize(
    "argv, where",
    [
        (["report", "sign", "{rid}", "--step", "签发", "--as", "赵磊"], "--step"),  # out of order
        (["report", "sign", "{rid}", "--step", "盖章", "--as", "赵磊"], "--step"),
        (
            ["report", "sign", "{rid}", "--step", "drafted", "--pin", "0000", "--as", "孙丽娜"],
            "--pin",
        ),
        (["report", "send", "{rid}", "--via", "fax", "--as", "孙丽娜"], "REPORT"),
        (["report", "send", "{rid}", "--via", "pigeon", "--as", "孙丽娜"], "--via"),
        (["report", "back", "{rid}", "--reason", " ", "--as", "赵磊"], "--reason"),
        (["report", "show", "999"], "999"),
        (["report", "sign", "999", "--step", "drafted", "--as", "孙丽娜"], "999"),
        (["report", "draft", "1", "--kind", "memo", "--as", "孙丽娜"], "--kind"),
        (["report", "draft", "1", "--kind", "written", "--format", "pdf", "--as", "孙丽娜"], "-o"),
    ],
)
def test_bad_input_is_exit_2_and_writes_nothing(capsys, desk, argv, where):
    rid = draft(capsys, desk)
    before = rows(desk)
    code, out, err = run(capsys, desk, *[a.format(rid=rid) for a in argv])
    assert code == 2, (out, err)
    assert err.startswith("watchdesk: ") and where in err and len(err.strip().splitlines()) == 1
    after = rows(desk)
    if "--pin" in argv:  # a wrong PIN is counted (pin_attempts), nothing of the report
        assert after[:2] == before[:2]
    else:
        assert after == before


def test_a_signer_without_the_role_is_refused(capsys, desk):
    rid = draft(capsys, desk)
    run(capsys, desk, "report", "sign", str(rid), "--step", "drafted", "--as", "孙丽娜")
    run(capsys, desk, "report", "sign", str(rid), "--step", "checked", "--as", "赵磊")
    before = rows(desk)
    code, _, err = run(capsys, desk, "report", "sign", str(rid), "--step", "signed", "--as", "赵磊")
    assert code == 2 and "赵磊" in err
    assert rows(desk) == before


def test_desk_requiring_pins(capsys, desk, tmp_path, monkeypatch):
    cfg = tmp_path / "pins.toml"
    cfg.write_text("report_pin = true\n", encoding="utf-8")
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    rid = draft(capsys, desk)
    code, _, err = run(
        capsys,
        desk,
        "report",
        "sign",
        str(rid),
        "--step",
        "drafted",
        "--as",
        "孙丽娜",
        "--pin",
        "9999",
    )
    assert code == 2 and "--pin" in err
    code, _, err = run(
        capsys,
        desk,
        "report",
        "sign",
        str(rid),
        "--step",
        "drafted",
        "--as",
        "孙丽娜",
        "--pin",
        "2468",
    )
    assert code == 0, err


def test_sending_without_the_chain_is_marked(capsys, desk):
    rid = draft(capsys, desk)
    code, out, err = run(
        capsys,
        desk,
        "report",
        "send",
        str(rid),
        "--via",
        "政务网",
        "--without-chain",
        "--as",
        "孙丽娜",
    )
    assert code == 0, err
    assert json.loads(out)["sent_without_chain"] is True
