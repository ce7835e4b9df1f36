"""Dispatch and feedback timeliness per unit (issue 16) wherever the statistics are shown: the
rows built once by `report/stats_rows.py` for `watchdesk stats`, the statistics screen and the
monthly duty report (PDF, .docx, .xlsx).

The November desk of `conftest.py`, plus three units dispatched at 11-23 06:00 to an urban
incident (the national pack: acknowledged within 5 min, on scene within 15, fed back within an
hour): police acknowledged 06:03 and on scene 06:15 exactly (on time); fire on scene 06:22 (7 min
late, its acknowledgement implied); health nothing, chased once. "Now" is 12-10: every clock has
passed, so the feedback of all three is missed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import timedelta

import pytest

from tests.helpers import TZ, FakeClock, facts, settle
from tests.stats.conftest import NOW, build, local
from watchdesk.i18n import set_language, using
from watchdesk.models.directory import Unit
from watchdesk.models.dispatch import TaskInput
from watchdesk.report import monthly, stats_rows
from watchdesk.store.desk import Store
from watchdesk.text.period import parse_month

UNITS = ("县公安局指挥中心", "县消防救援大队", "县卫生健康局")


def dispatched(s: Store, clock: FakeClock) -> None:
    t0 = local(11, 23, 6)
    clock.set(t0)
    ids = [s.directory.add_unit(Unit(name=n, level=1)).id for n in UNITS]
    inc = s.incidents.add(facts(clock))
    tasks = s.dispatch.add(
        TaskInput(
            incident_id=inc.id,
            unit_ids=ids,
            instruction="立即赶赴现场",
            issued_at=t0,
            urban=True,
        )
    )
    police, fire, health = ({x.unit_name: x for x in tasks}[n] for n in UNITS)
    clock.set(t0 + timedelta(minutes=3))
    s.dispatch.record(police.id, "ack", at=clock())
    clock.set(t0 + timedelta(minutes=15))
    s.dispatch.record(police.id, "arrive", at=clock())
    clock.set(t0 + timedelta(minutes=22))
    s.dispatch.record(fire.id, "arrive", at=clock())
    clock.set(t0 + timedelta(minutes=30))
    s.dispatch.chase(health.id, "电话催促")
    clock.set(NOW)


@pytest.fixture
def tasks_desk(tmp_path):
    clock = FakeClock(NOW)
    path = tmp_path / "desk.db"
    s = Store.open(path, clock=clock, actor="测试员", tz=TZ)
    build(s, clock)
    dispatched(s, clock)
    yield path, s, clock
    s.close()


def _report(s: Store, lang: str = "zh") -> monthly.Monthly:
    st = s.stats.compute(parse_month("2026-11", TZ))
    return monthly.build(st, TZ, desk_name="城关区总值班室", lang=lang)


def test_the_monthly_report_gains_a_dispatch_table_and_sentence(tasks_desk):
    _, s, _ = tasks_desk
    doc = _report(s)
    section = doc.sections[-1]
    assert section.title == "六、联动单位派单及反馈"
    (table,) = section.tables
    assert table.key == "dispatch" and table.title == "表14 联动单位派单及反馈及时性"
    assert [c.title for c in table.columns][:5] == ["单位", "任务", "接收按时", "接收迟", "接收漏"]
    rows = {r[0]: r[1:] for r in table.rows}
    # tasks, ack on/late/missed, arrive on/late/missed, feedback on/late/missed, worst, chases
    assert rows["县公安局指挥中心"] == [1, 1, 0, 0, 1, 0, 0, 0, 0, 1, None, 0]
    assert rows["县消防救援大队"] == [1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7 * 60, 0]
    assert rows["县卫生健康局"] == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, None, 1]
    assert [r[0] for r in table.rows][0] == "县卫生健康局"  # most missed first
    assert "接收按时2件、迟0件、漏1件，到场按时1件、迟1件、漏1件" in "".join(doc.summary)
    assert "督办1次" in "".join(doc.summary)
    # the earlier tables keep their numbers
    assert [t.title.split()[0] for t in doc.tables()][-2:] == ["表13", "表14"]
    en = _report(s, "en")
    assert en.sections[-1].title == "6. Units dispatched and passed instructions"
    assert "Ack. on time" in [c.title for c in en.sections[-1].tables[0].columns]
    assert "acknowledged 2 on time, 0 late, 1 missed" in "".join(en.summary)


def test_no_tasks_an_empty_table_and_no_sentence(tmp_path):
    clock = FakeClock(NOW)
    s = Store.open(tmp_path / "desk.db", clock=clock, actor="测试员", tz=TZ)
    try:
        build(s, clock)
        clock.set(NOW)
        doc = _report(s)
    finally:
        s.close()
    assert doc.sections[-1].tables[0].rows == []
    assert not any("联动处置" in p for p in doc.summary)


def test_one_builder_terminal_and_paper(tasks_desk):
    _, s, _ = tasks_desk
    st = s.stats.compute(parse_month("2026-11", TZ))
    with using("zh"):
        term = stats_rows.dispatch(st)
        paper = stats_rows.dispatch(st, paper=True)
        assert term.headers == ["单位", "任务", "接收", "到场", "反馈", "最长超时", "督办"]
        assert term.texts()[1] == ["县消防救援大队", "1", "1/0/0", "0/1/0", "0/0/1", "7分", "0"]
        assert term.right == {1, 2, 3, 4, 5, 6}
        assert len(paper.columns) == 13 and paper.right == set(range(1, 13))
        # the same rows for the own-timeliness table: the paper adds the clocks counted
        tot = st.own.total  # November's 5 / 4 / 3, and the urban incident's two missed
        own_t, own_p = stats_rows.own_kinds(st), stats_rows.own_kinds(st, paper=True)
        assert own_t.rows[-1][:5] == ["合计", 5, 4, 5, 0] == ["合计", *own_p.rows[-1][2:6]]
        assert own_p.rows[-1][1] == tot.counted == 14


def test_cli_text_shows_the_dispatch_table(capsys, tasks_desk):
    from watchdesk.cli import main

    path, s, _ = tasks_desk
    s.close()
    code = main(["stats", "--month", "2026-11", "--lang", "en", "--db", str(path)])
    out = capsys.readouterr().out
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("县消防救援大队"))
    assert line.split()[1:] == ["1", "1/0/0", "0/1/0", "0/0/1", "7m", "0"]


def test_workbook_has_the_dispatch_sheet_with_numbers(tasks_desk):
    from openpyxl import load_workbook

    from watchdesk.files.stats_xlsx import workbook

    _, s, _ = tasks_desk
    doc = _report(s)
    wb = load_workbook(
        io.BytesIO(
            workbook(doc.tables(), title=doc.title, header=[doc.heading], summary=doc.summary)
        )
    )
    ws = wb["表14 联动单位派单及反馈及时性"]
    assert ws.freeze_panes == "A2"
    fire = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "县消防救援大队")
    assert fire[:11] == ("县消防救援大队", 1, 1, 0, 0, 0, 1, 0, 0, 0, 1)
    assert fire[11] == timedelta(minutes=7) and fire[12] == 0


@pytest.mark.slow
def test_pdf_shows_the_dispatch_table_inside_the_text_block(tasks_desk, tmp_path):
    from watchdesk.report.monthly_pdf import render_pdf

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    _, s, _ = tasks_desk
    pdf = tmp_path / "m.pdf"
    pdf.write_bytes(render_pdf(_report(s)))
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    for words in ("六、联动单位派单及反馈", "表14联动单位派单及反馈及时性", "县消防救援大队"):
        assert words in flat, words
    bbox = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox))
    mm = 72 / 25.4
    assert right <= (28 + 156) * mm + 1


async def test_the_screen_shows_each_units_steps(tasks_desk):
    from tests.ui.test_stats_screen import open_stats, shown
    from watchdesk.app import make_app
    from watchdesk.config import Settings

    path, s, clock = tasks_desk
    s.close()
    set_language("en")
    app = make_app(path, settings=Settings(), clock=clock, poll=False)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("left_square_bracket")  # November
        await settle(pilot, lambda: screen.stats.period.label == "2026-11" and not screen.loading)
        text = shown(screen, "#stats-dispatch")
        fire = next(x for x in text.splitlines() if "县消防救援大队" in x)
        assert fire.split()[1:] == ["1", "1/0/0", "0/1/0", "0/0/1", "7m", "0"]
        assert "each step: on time/late/missed" in text


@pytest.mark.slow
def test_dispatch_sheet_and_docx_read_back_by_libreoffice(tasks_desk, tmp_path):
    import csv

    from tests.stats.test_monthly_files import _soffice, _tool
    from watchdesk.files.stats_xlsx import workbook
    from watchdesk.report.monthly_docx import render_docx

    _, s, _ = tasks_desk
    doc = _report(s)
    xlsx = tmp_path / "m.xlsx"
    xlsx.write_bytes(
        workbook(doc.tables(), title=doc.title, header=[doc.heading], summary=doc.summary)
    )
    out = _soffice(
        xlsx,
        tmp_path,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
    )
    with open(out / "m-表14 联动单位派单及反馈及时性.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["单位", "任务", "接收按时"]
    fire = next(r for r in rows if r[0] == "县消防救援大队")
    assert fire[:11] == ["县消防救援大队", "1", "1", "0", "0", "0", "1", "0", "0", "0", "1"]
    assert fire[12] == "0"
    docx = tmp_path / "m.docx"
    docx.write_bytes(render_docx(doc))
    pdf = _soffice(docx, tmp_path / "docx", "pdf") / "m.pdf"
    text = subprocess.run(
        [_tool("pdftotext", "poppler-utils"), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for words in (
        "六、联动单位派单及反馈",
        "表14联动单位派单及反馈及时性",
        "县卫生健康局",
        "督办1次",
    ):
        assert words in flat, words
