"""`watchdesk stats`: JSON with every figure, tables in the UI language, exit 2 for a bad period."""

from __future__ import annotations

import json

import pytest
from rich.cells import cell_len

from watchdesk.cli import main


def run(capsys, desk, *argv):
    try:
        code = main(["stats", *argv, "--db", str(desk.path)])
    except SystemExit as e:  # argparse's own errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def test_json_month(capsys, desk):
    code, out, err = run(capsys, desk, "--month", "2026-11", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["period"]["label"] == "2026-11"
    assert d["period"]["start"] == "2026-11-01T00:00:00+08:00"
    total = d["own"]["total"]
    assert (total["on_time"], total["late"], total["missed"]) == (5, 4, 3)
    assert total["on_time_rate"] == round(5 / 12, 4)
    assert d["subordinates"]["units"][0]["unit"] == "白沙乡值班室"
    assert d["subordinates"]["units"][0]["score"] == -4
    assert d["happened"]["totals"]["incidents"] == 7
    assert d["happened"]["previous"]["change"] == 6
    assert d["desk"]["rollcall"]["rate"] == 0.5
    assert d["desk"]["leader_checks"]["missed"] == 1


def test_json_same_for_period_and_from_to(capsys, desk):
    _, a, _ = run(capsys, desk, "--period", "2026-11", "--json")
    _, b, _ = run(capsys, desk, "--from", "2026-11-01", "--to", "2026-12-01", "--json")
    da, db = json.loads(a), json.loads(b)
    # A missed clock's lateness is "overdue until now": the two commands ran a moment apart.
    for d in (da, db):
        for item in d["own"]["items"]:
            if item["outcome"] == "missed":
                item.pop("late_seconds")
    assert da["own"] == db["own"] and da["happened"]["totals"] == db["happened"]["totals"]
    assert db["period"]["kind"] == "custom"


def test_points_and_limits(capsys, desk):
    code, out, err = run(
        capsys,
        desk,
        "--month",
        "2026-11",
        "--json",
        "--late-points",
        "-2",
        "--missed-points",
        "-5",
        "--limit",
        "II=2h",
        "--missed-after",
        "48h",
    )
    assert code == 0, err
    units = {u["unit"]: u for u in json.loads(out)["subordinates"]["units"]}
    assert (units["白沙乡值班室"]["late"], units["白沙乡值班室"]["score"]) == (1, -2)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--month", "2026-13"], ["--month", "2026-13"]),
        (["--month", "november"], ["--month", "november"]),
        (["--period", "2026-W60"], ["--period", "2026-W60"]),
        (["--from", "2026-11-01"], ["--to"]),
        (["--month", "2026-11", "--to", "2026-12-01"], ["--to"]),
        (["--from", "2026-11-05", "--to", "2026-11-01"], ["--to"]),
        (["--from", "yesterday-ish", "--to", "2026-11-01"], ["--from"]),
        (["--limit", "V=1h"], ["--limit", "V=1h"]),
        (["--limit", "II=soon"], ["--limit"]),
        (["--missed-after", "0m"], ["--missed-after"]),
        (["--month", "2026-11", "--period", "2026"], ["--period"]),
        (["--late-points", "many"], ["--late-points"]),
    ],
)
def test_bad_arguments_exit_2(capsys, desk, argv, words):
    code, out, err = run(capsys, desk, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_bad_month_in_chinese(capsys, desk):
    code, _, err = run(capsys, desk, "--month", "2026-13", "--lang", "zh")
    assert code == 2 and "无法识别的月份" in err


def _aligned(lines: list[str]) -> None:
    """Each table's rule line is as wide as its widest row, in terminal cells."""
    for i, line in enumerate(lines):
        if line and set(line) <= {"─", " "}:
            width = cell_len(line)
            head = lines[i - 1]
            assert cell_len(head) <= width
            body = []
            for row in lines[i + 1 :]:
                if not row:
                    break
                body.append(row)
            assert max(cell_len(r) for r in [head, *body]) == width


def test_tables_zh(capsys, desk):
    code, out, err = run(capsys, desk, "--month", "2026-11", "--lang", "zh")
    assert code == 0, err
    assert "一、本级报告及时性" in out and "书面报告" in out and "迟报、漏报明细" in out
    assert "白沙乡值班室" in out and "同比（2025-11）" in out and "环比（2026-10）" in out
    assert "值班：王建国、赵磊" in out
    assert "40分" in out  # B's phone report, 40 minutes late
    _aligned(out.splitlines())


def test_tables_en(capsys, desk):
    code, out, err = run(capsys, desk, "--month", "2026-11", "--lang", "en")
    assert code == 0, err
    assert "1. Our own reports" in out and "Written report" in out and "On-time rate" in out
    assert "11h" in out  # E's written report
    assert "报告" not in out.replace("白沙乡值班室", "")  # no Chinese label leaks, names aside
    _aligned(out.splitlines())


def test_empty_period(capsys, desk):
    code, out, err = run(capsys, desk, "--period", "2019", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["own"]["total"]["counted"] == 0 and d["own"]["total"]["on_time_rate"] is None
    assert d["happened"]["totals"]["incidents"] == 0
    code, out, err = run(capsys, desk, "--period", "2019-03-01", "--lang", "zh")
    assert code == 0 and "（无）" in out


def test_the_config_sets_how_subordinates_are_judged_and_options_override(
    capsys, desk, tmp_path, monkeypatch
):
    cfg = tmp_path / "stats.toml"
    cfg.write_text(
        'stats_limits = { III = "1h" }\nstats_late_points = -2\nstats_missed_after = "12h"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("WATCHDESK_CONFIG", str(cfg))
    _, out, err = run(capsys, desk, "--month", "2026-11", "--json")
    rules = json.loads(out)["subordinates"]["rules"]
    assert rules["limits_seconds"]["III"] == 3600 and rules["missed_after_seconds"] == 12 * 3600
    assert (rules["late_points"], rules["missed_points"]) == (-2.0, -3.0)
    _, out, err = run(capsys, desk, "--month", "2026-11", "--json", "--late-points", "-1")
    assert json.loads(out)["subordinates"]["rules"]["late_points"] == -1.0
    cfg.write_text('stats_limits = { V = "1h" }\n', encoding="utf-8")
    code, out, err = run(capsys, desk, "--month", "2026-11", "--json")
    assert code == 2 and "stats_limits" in err and "Traceback" not in err
