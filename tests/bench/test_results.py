"""The benchmark suite's report (bench/results.py, bench/suite.py) with made-up figures: scaling
verdicts from ratios against the same run's baseline, RESULTS.md only from this run's JSON, and a
stale desk never made again without being asked."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _bench(name: str):
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


results = _bench("results")
verdict = results.verdict


# -- verdicts ----------------------------------------------------------------------------------
def test_a_busier_run_on_the_large_desk_is_not_growth():
    # 10 ms on one year, 25 ms on ten, but the baseline of that run took 2.5x as long too
    v = verdict("flat", 10 / 4, 25 / 10, 10.0)
    assert v["verdict"] == "flat" and not v["flag"]
    assert v["growth"] == pytest.approx(1.0)


def test_flat_figure_that_grows_is_flagged_by_how_much():
    assert verdict("flat", 1.0, 4.0, 10.0)["verdict"] == "**grows with history**"
    v = verdict("flat", 1.0, 6.0, 10.0)
    assert v["verdict"] == "**grows with the data**" and v["flag"]


def test_may_grow_with_the_data_never_faster():
    assert verdict("data", 1.0, 1.2, 10.0)["verdict"] == "flat"
    assert verdict("data", 1.0, 5.0, 10.0)["verdict"] == "grows slower than the data"
    assert verdict("data", 1.0, 10.0, 10.0)["verdict"] == "grows with the data"
    v = verdict("data", 0.8, 14.24, 10.0)  # the category search of 2026-11-22: 17.8x
    assert v["verdict"] == "**grows faster than the data**" and v["flag"]


def test_more_work_on_the_large_desk_is_divided_out():
    # the last shift: 215 incidents on one desk, 344 on the other, against a fixed baseline
    assert verdict("flat", 1.0, 1.6, 10.0)["flag"]
    v = verdict("flat", 1.0, 1.6, 10.0, work=(215, 344))
    assert v["verdict"] == "flat" and v["growth"] == pytest.approx(1.0)
    # search hits: more time for more hits is the same time per hit
    assert not verdict("flat", 2.0, 4.0, 10.0, tail=True, work=(40, 80))["flag"]


def test_a_tail_has_more_room():
    assert verdict("flat", 1.0, 1.8, 10.0, tail=True)["verdict"] == "flat"
    assert verdict("flat", 1.0, 1.8, 10.0)["flag"]


@pytest.mark.parametrize("small,large", [(None, 1.0), (0.0, 1.0), (1.0, float("nan"))])
def test_no_ratio_no_verdict(small, large):
    v = verdict("flat", small, large, 10.0)
    assert v == {"growth": None, "verdict": "no ratio", "flag": False}


# -- RESULTS.md from a run's folder -------------------------------------------------------------
def _run(folder: Path) -> Path:
    counts = {"incidents": 300, "log_entries": 1000, "handovers": 3}
    record = {
        "started": "2026-12-03T20:00:00+00:00",
        "command": "bench/run.sh --only idle,keys,saves",
        "git": "`abc1234`",
        "machine": {
            "nproc": 2, "cpu": "x", "memory": "1 GiB", "kernel": "6", "python": "3.11",
            "executable": "/usr/bin/python3", "sqlite": "3.40", "textual": "8", "sqlite-utils":
            "4", "pydantic": "2", "reportlab": "5", "load_start": [2.0, 1.5, 1.0],
            "load_end": [3.0, 2.0, 1.0],
        },
        "desks": {
            "1y": {"path": "/d/desk-1y.db", "counts": counts, "bytes": 2**20},
            "10y": {
                "path": "/d/desk-10y.db",
                "counts": {k: v * 10 for k, v in counts.items()},
                "problem": "no sidecar desk-10y.json: its fingerprint is unknown",
            },
        },
        "parts": [
            {"id": "idle-10y", "part": "idle", "desk": "10y", "load": "quiet",
             "json": "idle-10y.json", "command": "python bench/idle.py --db /d/desk-10y.db",
             "load_start": [2.1, 1.5, 1.0], "load_end": [2.4, 1.6, 1.0], "seconds": 40, "rc": 0},
            {"id": "keys-10y", "part": "keys", "desk": "10y", "load": "quiet",
             "json": "keys-10y.json", "command": "python bench/keys.py --db /d/desk-10y.db",
             "load_start": [2.4, 1.6, 1.0], "load_end": [2.4, 1.6, 1.0], "seconds": 3, "rc": 1,
             "error": "SystemExit: no complete screen"},
        ],
    }  # fmt: skip
    folder.mkdir()
    (folder / "run.json").write_text(json.dumps(record))
    (folder / "idle-10y.json").write_text(
        json.dumps(
            {
                "seconds": 20,
                "busy": False,
                "subjects": {
                    "bare Textual app, one cell a second": {
                        "bytes_per_s": 2872, "writes_per_s": 1.2, "rows_per_s": 1.0,
                        "cpu_pct": 1.75,
                    },
                    "watchdesk": {
                        "bytes_per_s": 948, "writes_per_s": 1.2, "rows_per_s": 14.3,
                        "cpu_pct": 2.8,
                    },
                },
            }
        )
    )  # fmt: skip
    # a JSON left by an earlier run, not part of this one: never shown
    (folder / "saves-10y.json").write_text(json.dumps({"stale": True}))
    return folder


def test_results_come_only_from_this_run(tmp_path):
    text = results.render(_run(tmp_path / "2026-12-03T2000Z"))
    assert "bench/run.sh --only idle,keys,saves" in text
    assert "`python bench/idle.py --db /d/desk-10y.db`" in text
    assert "2.1 / 1.5 / 1.0 → 2.4 / 1.6 / 1.0" in text  # the load of the part
    # idle: figures with their baseline and ratio, and the targets
    assert "| 10y | quiet | watchdesk | 948 | 0.33 |" in text
    assert "| Idle ≤ 2 KiB/s (quiet, 10y) | 948 B/s | met |" in text
    assert "| Idle ≤ 1 % of a core (quiet, 10y) | 2.80 % | **not met** |" in text
    # a part that failed, and parts that did not run (a stale saves JSON lies in the folder)
    assert "not measured in this run (the part failed, exit 1: see `None`)" in text
    saves = text.split("## Saves", 1)[1].split("\n## ", 1)[0]
    assert "Not measured in this run." in saves
    assert "Not run this time: core, startup, saves, search, stats, backup, check." in text
    for part in ("Start-up", "Search with a filter", "Statistics", "Backup", "Core figures"):
        section = text.split(f"## {part}", 1)[1].split("\n## ", 1)[0]
        assert NOT_MEASURED_TEXT in section, part
    # the desk measured as it is says so; its paperwork is counted
    assert "**measured as it is** (no sidecar" in text
    assert "| Bench desk holds the paperwork (10y) | some missing | **not met** |" in text


NOT_MEASURED_TEXT = "Not measured in this run."


# -- the suite: desks and commands --------------------------------------------------------------
@pytest.fixture
def suite(monkeypatch):
    mod = _bench("suite")
    monkeypatch.setattr(mod.desks, "fingerprint", lambda years: {"schema": "new", "years": years})
    return mod


def _desk(folder: Path, years: float, schema: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"desk-{years:g}y.db").write_bytes(b"")
    side = {"now": "2026-12-03T10:00:00+00:00", "counts": {"incidents": 1, **{p: 1 for p in
            _bench("results").PAPERWORK_COLUMNS}}, "fingerprint": {"schema": schema,
            "years": years}}  # fmt: skip
    (folder / f"desk-{years:g}y.json").write_text(json.dumps(side))


def test_a_stale_desk_stops_the_run_unless_asked(suite, tmp_path, monkeypatch):
    _desk(tmp_path, 1, "new")
    _desk(tmp_path, 10, "old")
    made = []
    monkeypatch.setattr(suite.desks, "ensure", lambda y, **kw: made.append(y))
    a = suite.parser().parse_args(["--desk-dir", str(tmp_path)])
    a.desks, a.desk_dir = [1.0, 10.0], tmp_path
    with pytest.raises(SystemExit) as e:
        suite.prepare_desks(a)
    assert "desk-10y.db: fingerprint does not match (schema changed)" in str(e.value)
    assert "--make" in str(e.value) and made == []
    a.as_is = True
    states = suite.prepare_desks(a)
    assert states["10y"]["as_is"] and "problem" not in states["1y"] and made == []
    a.as_is, a.make = False, True
    suite.prepare_desks(a)
    assert made == [10.0]


def test_the_plan_runs_each_part_per_desk_and_load(suite, tmp_path):
    _desk(tmp_path, 1, "new")
    _desk(tmp_path, 10, "new")
    a = suite.parser().parse_args(["--desk-dir", str(tmp_path), "--only", "idle,keys,search"])
    a.desks, a.desk_dir = [1.0, 10.0], tmp_path
    steps = suite.plan(a, suite.prepare_desks(a), tmp_path / "run")
    ids = [s["id"] for s in steps]
    assert ids == [
        "keys-1y", "keys-10y", "keys-1y-busy", "keys-10y-busy",
        "idle-1y", "idle-10y", "idle-1y-busy", "idle-10y-busy", "search",
    ]  # fmt: skip
    busy = next(s for s in steps if s["id"] == "idle-10y-busy")["argv"]
    assert "--busy" in busy and str(tmp_path / "desk-10y.db") in busy
    assert busy[busy.index("--json") + 1] == str(tmp_path / "run" / "idle-10y-busy.json")
    search = steps[-1]["argv"]
    assert search.count("--db") == 2 and "--busy" not in search
    with pytest.raises(SystemExit):
        suite.parser().parse_args(["--only", "idle,nonsense"])


def test_a_part_whose_json_changed_shape_is_said_not_guessed(tmp_path):
    folder = _run(tmp_path / "run")
    record = json.loads((folder / "run.json").read_text())
    record["parts"].append(
        {"id": "stats", "part": "stats", "desk": None, "load": "quiet", "json": "stats.json",
         "command": "python bench/stats.py", "seconds": 1, "rc": 0}
    )  # fmt: skip
    (folder / "run.json").write_text(json.dumps(record))
    (folder / "stats.json").write_text(json.dumps({"loads": {"quiet": {"1y": {"periods": {}}}}}))
    text = results.render(folder)
    stats = text.split("## Statistics", 1)[1].split("\n## ", 1)[0]
    assert "Measured, but its JSON is not understood by `bench/results.py` (KeyError" in stats
    assert "## Idle cost" in text  # the other parts are still rendered
