"""The frozen handover keeps its content, not its paper (issue 17), and carries the audit chain's
head (issue 18): freezing stores the JSON and text with their hashes and no PDF; each PDF is
rendered from the frozen content when it is needed, and recorded; without an embeddable Chinese
font the console, `check` and every print say so."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.handover.test_sheet import night_roster
from tests.helpers import TZ, FakeClock, Notices, facts, settle
from watchdesk.cli import main
from watchdesk.i18n import set_language
from watchdesk.models.audit import ChainHead
from watchdesk.report import pdf as paper
from watchdesk.store.desk import Store

FONT = next((p for p, _ in paper.CANDIDATES if Path(p).is_file()), None)
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK TrueType font installed")


def _sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@pytest.fixture
def no_font(tmp_path, monkeypatch) -> str:
    """No embeddable Chinese font: the system's candidates gone, `pdf_font` pointing nowhere
    (a path of this test's own, so no earlier look-up is reused)."""
    monkeypatch.setattr(paper, "CANDIDATES", [])
    return str(tmp_path / "fonts" / "nowhere.ttf")


def _freeze(s: Store, night_id: int, next_id: int) -> None:
    s.roster.sign_in(next_id, s.roster.officer_by_name("赵磊").id)
    s.handover.sign(night_id, "outgoing", "孙丽娜")
    s.handover.sign(night_id, "incoming", "赵磊", lang="zh", width=72)


@pytest.fixture
def frozen(tmp_path):
    clock = FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ))
    s = Store.open(tmp_path / "d.db", clock=clock, tz=TZ, actor="孙丽娜")
    night_id, next_id = night_roster(s)
    s.incidents.add(facts(clock, dead=3, description="化工厂爆炸，3人死亡"))
    clock.set(datetime(2026, 11, 23, 7, 50, tzinfo=TZ))
    _freeze(s, night_id, next_id)
    yield s, night_id
    s.close()


def test_freezing_stores_no_pdf_and_keeps_the_chain_head_in_its_content(frozen):
    s, night_id = frozen
    row = s.db.execute(
        "SELECT id, sheet_json, text, sheet_sha256, text_sha256, pdf_sha256 FROM handovers"
        " WHERE shift_id = ?",
        [night_id],
    ).fetchone()
    hid, sheet_json, text, sheet_sha, text_sha, pdf_sha = row
    assert s.db.execute("SELECT count(*) FROM handover_pdfs").fetchone()[0] == 0
    assert pdf_sha is None and _sha(sheet_json) == sheet_sha and _sha(text) == text_sha
    # The chain head is the newest audit entry before the freeze's own update: the entry after
    # it is that update (the handovers row, frozen), and `check --anchor` reads it from the JSON.
    head = ChainHead.model_validate(json.loads(sheet_json)["chain_head"])
    entry = s.db.execute("SELECT hash FROM audit WHERE id = ?", [head.seq]).fetchone()
    assert entry is not None and head.matches(head.seq, entry[0]) and len(head.hash) == 64
    after = s.db.execute(
        "SELECT table_name, row_id, after FROM audit WHERE id = ?", [head.seq + 1]
    ).fetchone()
    assert after[:2] == ("handovers", hid) and json.loads(after[2])["status"] == "frozen"
    assert s.handover.frozen(night_id).sheet.chain_head == head
    # The sheet shows it in the short form an officer reads back (text and Markdown).
    assert f"审计链锚点：{head.short}" in text
    assert head.short in s.handover.frozen(night_id).markdown
    assert s.check().ok


@needs_font
def test_each_rendering_is_recorded_with_its_hash(frozen):
    s, night_id = frozen
    first = s.handover.render_pdf(night_id, font_path=FONT, purpose="print")
    second = s.handover.render_pdf(night_id, font_path=FONT, purpose="save")
    assert first.frozen and first.recorded and first.embedded and first.warning is None
    assert first.pdf.startswith(b"%PDF") and first.pdf == second.pdf
    got = s.handover.renderings(night_id)
    assert [(r.purpose, r.by_whom, r.font, r.embedded) for r in got] == [
        ("print", "孙丽娜", FONT, True),
        ("save", "孙丽娜", FONT, True),
    ]
    assert [r.pdf_sha256 for r in got] == [_sha(first.pdf), _sha(second.pdf)]
    assert s.db.execute("SELECT count(*) FROM handover_pdfs").fetchone()[0] == 0
    # Renderings are audited (the chain covers them) and never changed.
    assert s.check().ok
    with pytest.raises(sqlite3.DatabaseError, match="never changed"):
        s.db.execute("UPDATE handover_renderings SET font = 'x'")


@needs_font
def test_a_font_installed_later_fixes_the_paper_not_the_record(frozen, no_font, tmp_path):
    s, night_id = frozen
    before = s.db.execute(
        "SELECT sheet_json, text, sheet_sha256, text_sha256 FROM handovers WHERE shift_id = ?",
        [night_id],
    ).fetchone()
    set_language("en")
    boxes = s.handover.render_pdf(night_id, font_path=no_font)
    assert not boxes.embedded and boxes.font == "STSong-Light"
    assert boxes.warning and "fonts-wqy-zenhei" in boxes.warning
    # The font is installed (here: pdf_font set to one): the same frozen content, new paper.
    fixed = s.handover.render_pdf(night_id, font_path=FONT)
    assert fixed.embedded and fixed.warning is None and fixed.sha256 != boxes.sha256
    assert [(r.font, r.embedded) for r in s.handover.renderings(night_id)] == [
        ("STSong-Light", False),
        (FONT, True),
    ]
    after = s.db.execute(
        "SELECT sheet_json, text, sheet_sha256, text_sha256 FROM handovers WHERE shift_id = ?",
        [night_id],
    ).fetchone()
    assert after == before
    assert s.check().ok
    if shutil.which("pdffonts") and shutil.which("pdftotext"):
        for name, got in (("boxes", boxes), ("fixed", fixed)):
            (tmp_path / f"{name}.pdf").write_bytes(got.pdf)
        fonts = subprocess.run(
            ["pdffonts", str(tmp_path / "fixed.pdf")], capture_output=True, text=True, check=True
        ).stdout
        assert "yes" in fonts.splitlines()[2].split()[-5:]  # embedded
        fonts = subprocess.run(
            ["pdffonts", str(tmp_path / "boxes.pdf")], capture_output=True, text=True, check=True
        ).stdout
        assert "STSong-Light" in fonts
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "fixed.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        head = s.handover.frozen(night_id).sheet.chain_head
        assert head is not None and "孙丽娜" in text and head.short in text.replace(" ", "")


def test_a_draft_is_rendered_as_a_draft_and_not_recorded(tmp_path):
    clock = FakeClock(datetime(2026, 11, 23, 7, 50, tzinfo=TZ))
    s = Store.open(tmp_path / "d.db", clock=clock, tz=TZ, actor="孙丽娜")
    try:
        night_id, _ = night_roster(s)
        got = s.handover.render_pdf(night_id, font_path=FONT)
        assert got.pdf.startswith(b"%PDF") and not got.frozen and not got.recorded
        assert s.db.execute("SELECT count(*) FROM handover_renderings").fetchone()[0] == 0
        assert s.handover.compile(night_id).chain_head is None
    finally:
        s.close()


def test_a_sheet_frozen_with_its_pdf_keeps_it_and_check_verifies_it(frozen, tmp_path):
    """A desk frozen before m18 kept the PDF (`handover_pdfs`, `pdf_sha256`): nothing is deleted
    and `check` still compares it, in the UI language."""
    s, night_id = frozen
    hid = s.handover.record(night_id).id
    old_pdf = b"%PDF-1.4 legacy sheet"
    with s.write():
        s.auditor.update("handovers", hid, {"pdf_sha256": _sha(old_pdf)})
        s.db.execute("INSERT INTO handover_pdfs (handover_id, pdf) VALUES (?, ?)", [hid, old_pdf])
    assert s.check().ok
    raw = sqlite3.connect(tmp_path / "d.db")
    raw.execute("DROP TRIGGER handover_pdfs_no_update")
    raw.execute("UPDATE handover_pdfs SET pdf = x'255044462d'")
    raw.commit()
    raw.close()
    set_language("zh")
    assert f"交接班记录 #{hid}（班次 #{night_id}）冻结时保存的 PDF 缺失或与其哈希不符" in (
        s.check().problems
    )
    set_language("en")
    assert any("PDF stored when it was frozen" in p for p in s.check().problems)


def test_edited_content_is_caught_in_the_ui_language(frozen, tmp_path):
    s, night_id = frozen
    raw = sqlite3.connect(tmp_path / "d.db")
    raw.execute("UPDATE handovers SET sheet_json = replace(sheet_json, '孙丽娜', '王建国')")
    raw.commit()
    raw.close()
    set_language("zh")
    problems = s.check().problems
    assert any("内容与冻结时的哈希不符" in p for p in problems), problems
    set_language("en")


# -- the command line ------------------------------------------------------------------------------
@pytest.fixture
def desk_file(tmp_path, monkeypatch, no_font):
    path = tmp_path / "desk.db"
    clock = FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ))
    s = Store.open(path, clock=clock, tz=TZ, actor="孙丽娜")
    night_id, next_id = night_roster(s)
    clock.set(datetime(2026, 11, 23, 7, 50, tzinfo=TZ))
    _freeze(s, night_id, next_id)
    s.close()
    cfg = tmp_path / "watchdesk.toml"
    cfg.write_text(
        f'pdf_font = "{no_font}"\nexport_dir = "{tmp_path / "exports"}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    return path, night_id


def test_check_warns_without_a_font_but_does_not_fail(desk_file, capsys):
    path, _ = desk_file
    assert main(["check", "--db", str(path), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert (
        "警告：没有可嵌入的中文 TrueType 字体" in out and "apt-get install fonts-wqy-zenhei" in out
    )
    assert main(["check", "--db", str(path), "--lang", "en", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["ok"] and len([w for w in got["warnings"] if "fonts-wqy-zenhei" in w]) == 1


def test_every_pdf_from_the_command_line_warns_and_is_recorded(
    desk_file, tmp_path, monkeypatch, capsys
):
    path, night_id = desk_file
    out = tmp_path / "h.pdf"
    code = main(
        ["handover", "--db", str(path), "--shift", str(night_id), "--format", "pdf"]
        + ["--output", str(out), "--lang", "en"]
    )
    err = capsys.readouterr().err
    assert code == 0 and "warning: No embeddable Chinese TrueType font" in err
    assert out.read_bytes().startswith(b"%PDF")
    # A print (no CUPS here): warned too, and the file kept.
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    code = main(
        ["handover", "--db", str(path), "--shift", str(night_id), "--format", "pdf", "--print"]
        + ["--lang", "zh"]
    )
    err = capsys.readouterr().err
    assert code == 1 and "警告：没有可嵌入的中文 TrueType 字体" in err
    s = Store.open(path, tz=TZ)
    try:
        got = s.handover.renderings(night_id)
        assert [(r.purpose, r.embedded, r.by_whom) for r in got] == [
            ("file", False, "tests"),
            ("print", False, "tests"),
        ]
        assert got[0].pdf_sha256 == _sha(out.read_bytes())
    finally:
        s.close()


# -- the console -----------------------------------------------------------------------------------
async def test_the_console_warns_at_start_up_and_on_every_save(tmp_path, no_font):
    from watchdesk.app import make_app
    from watchdesk.config import Settings
    from watchdesk.screens.handover import HandoverScreen

    clock = FakeClock(datetime(2026, 11, 22, 21, 0, tzinfo=TZ))
    db = tmp_path / "desk.db"
    s = Store.open(db, clock=clock, tz=TZ, actor="孙丽娜")
    night_id, next_id = night_roster(s)
    clock.set(datetime(2026, 11, 23, 7, 50, tzinfo=TZ))
    _freeze(s, night_id, next_id)
    set_language("zh")
    app = make_app(
        db,
        settings=Settings(export_dir=str(tmp_path / "exports"), pdf_font=no_font, language="zh"),
        clock=clock,
        poll=False,
        actor="孙丽娜",
    )
    notices = Notices(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, lambda: app.screen.query("#font-missing"), delay=0.05)
            bar = str(app.screen.query_one("#font-missing").render())
            assert "fonts-wqy-zenhei" in bar and "方框" in bar
            app.push_screen(HandoverScreen(night_id))
            await settle(
                pilot,
                lambda: isinstance(app.screen, HandoverScreen) and app.screen.text,
                delay=0.05,
            )
            assert app.screen.query("#font-missing")  # where the paper is made, too
            before = len(notices.errors)
            await pilot.press("s")
            pdf = tmp_path / "exports" / f"handover-shift{night_id}.pdf"
            await settle(pilot, lambda: pdf.exists() and len(notices.errors) > before, delay=0.05)
            assert "警告：没有可嵌入的中文" in notices.errors[-1]
            (r,) = s.handover.renderings(night_id)
            assert (r.purpose, r.embedded, r.pdf_sha256) == ("save", False, _sha(pdf.read_bytes()))
    finally:
        set_language("en")
        s.close()
