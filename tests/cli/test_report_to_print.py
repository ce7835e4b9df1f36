"""`watchdesk report to` (报 / 送 / 抄送 of a report not yet signed) and `report show --print`
(its PDF through a real CUPS queue started by the test, as the handover sheet is printed)."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_report_cli import desk, draft, needs_font, run  # noqa: F401 (fixture)
from tests.handover.test_printing import cups  # noqa: F401 (fixture)


def test_report_to_sets_the_lists_and_the_paper_prints_them(capsys, desk):  # noqa: F811
    rid = draft(capsys, desk)
    code, out, err = run(
        capsys,
        desk,
        "report",
        "to",
        str(rid),
        "--report-to",
        "市应急管理局、市人民政府总值班室",
        "--copy-to",
        "县委办公室",
        "--json",
        "--as",
        "孙丽娜",
    )
    assert code == 0, err
    got = json.loads(out)
    assert got["report_to"] == ["市应急管理局", "市人民政府总值班室"]
    assert got["send_to"] == [] and got["copy_to"] == ["县委办公室"] and got["version"] == 2
    code, out, err = run(capsys, desk, "report", "show", str(rid), "--lang", "zh")
    text = json.loads(out)["text"]
    assert (
        "报：市应急管理局，市人民政府总值班室" in text
        or "报：市应急管理局、市人民政府总值班室" in text
    )
    assert "抄送：县委办公室" in text


def test_report_to_refuses_a_name_too_long_and_writes_nothing(capsys, desk):  # noqa: F811
    rid = draft(capsys, desk)
    code, out, err = run(
        capsys, desk, "report", "to", str(rid), "--send-to", "长" * 61, "--lang", "zh"
    )
    assert code == 2 and "60" in err and "Traceback" not in err
    code, out, err = run(capsys, desk, "report", "show", str(rid))
    assert json.loads(out)["send_to"] == [] and json.loads(out)["version"] == 1


@needs_font
def test_report_show_print_sends_the_pdf_to_cups(capsys, desk, cups, tmp_path, monkeypatch):  # noqa: F811
    cfg = tmp_path / "printer.toml"
    cfg.write_text('printer = "desk"\n', encoding="utf-8")
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    rid = draft(capsys, desk)
    out_file = tmp_path / "r.pdf"
    code, out, err = run(capsys, desk, "report", "show", str(rid), "--print", "-o", str(out_file))
    assert code == 0, err
    assert cups.got.wait(30), "the printer received nothing"
    assert cups.jobs[-1].startswith(b"%PDF") and cups.jobs[-1] == out_file.read_bytes()


def test_print_of_another_format_is_bad_input(capsys, desk):  # noqa: F811
    rid = draft(capsys, desk)
    code, out, err = run(capsys, desk, "report", "show", str(rid), "--print", "--format", "docx")
    assert code == 2 and "--print" in err


pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def test_incident_show_lists_the_timeline_with_the_written_reports(capsys, desk):  # noqa: F811
    rid = draft(capsys, desk)
    code, out, err = run(capsys, desk, "incident", "show", "1")
    assert code == 0, err
    got = json.loads(out)
    drafted = [x for x in got["timeline"] if x["kind"] == "written.drafted"]
    assert len(drafted) == 1 and drafted[0]["data"]["written_id"] == rid
    assert [r["id"] for r in got["written_reports"]] == [rid]
