"""Drafting a written report and rendering its paper, for a long-running incident on a busy desk.

    python bench/written_report.py [--db bench/out/desk-10y.db] [--repeat 15] [--load quiet,busy]

Issue 14's targets: for an incident with 50 figure versions and 200 timeline entries, on the
ten-year desk, the draft appears in under 100 ms and its PDF in under 500 ms. The desk is one of
`desks.py` (`python bench/desks.py --years 10` makes it); the benchmark works on a copy
(`bench/out/written-<desk>.db`, deleted afterwards unless `--keep`; a kept copy is reused while
its desk has not been made again), in which it adds that incident through the Store as a desk
would: opened with its phone and written reports, then 49 new figure versions and 190 duty-log
entries (calls, instructions, measures, notes) over 12 hours, and a follow-up report every so
often (200 timeline entries with the reports).

Each subject has a baseline measured in the same run, subjects and baselines alternating:

- draft (`report.written.draft`, a 首报 and the next 续报: the desk read through its repositories,
  composed, the Jinja2 template rendered): against plain SELECTs of the same rows (the incident,
  its figure versions, reports and duty-log entries) without models; `store.incidents.get` of
  the incident is given too, the smallest read the console makes;
- create (`store.written.create`: the draft, kept, with its full-text row, one transaction):
  what the console does when the officer asks for a draft; against the same baseline;
- PDF (`written_pdf.render_pdf` of the signed 首报's paper: GB/T 9704 layout, fonts embedded):
  against a minimal reportlab document of the same paragraphs in one style with the same font
  (`SimpleDocTemplate`, no header, foot or page numbers);
- .docx (`written_docx.render_docx`): against a python-docx document of the same paragraphs.

`--load quiet,busy` measures with nothing of ours running, then with one core kept busy
(`while True: pass` in another process), as the other benchmarks do. The machine is shared:
read the ratios, not the milliseconds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from desks import OUT, desk_clock  # noqa: E402

from watchdesk.models.dutylog import LogEntry, LogKind  # noqa: E402
from watchdesk.models.incident import IncidentFacts, ReportKind  # noqa: E402
from watchdesk.store.desk import Store  # noqa: E402

FIGURES = 50  # figure versions, the first one included
ENTRIES = 200  # timeline entries: duty-log entries and reports
TITLE = "基准：S312省道长青隧道危化品运输车辆追尾起火事故"
TARGETS = {"draft": 0.100, "create": 0.100, "pdf": 0.500}

LOG_TEXT = [
    (
        LogKind.call_in,
        "县消防救援大队指挥中心",
        "现场报告：隧道内火势已得到控制，正在排烟，第{n}轮侦检未发现新的泄漏点",
    ),
    (
        LogKind.instruction,
        "县长李志强",
        "要求全力搜救被困人员，做好隧道两端交通管制，第{n}次调度会议定下一步工作",
    ),
    (LogKind.action, "", "已落实：县交通运输局在隧道两端设置管制点{n}处，绕行车辆由G107国道分流"),
    (LogKind.call_in, "县人民医院", "已收治伤员，其中重伤{n}人，正组织专家会诊，血源充足"),
    (LogKind.doc_in, "市应急管理局", "来文要求第{n}次续报现场处置进展和伤亡人员核实情况"),
    (LogKind.note, "", "联系县生态环境局，隧道出口下游河道第{n}个监测点水质暂未见异常"),
]


def med(xs: list[float]) -> float:
    return statistics.median(xs)


# -- the desk and the incident ------------------------------------------------------------------
def _copy(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal"):
        s = Path(f"{src}{suffix}")
        d = Path(f"{dst}{suffix}")
        if s.exists():
            shutil.copyfile(s, d)
        else:
            d.unlink(missing_ok=True)
    Path(f"{dst}-shm").unlink(missing_ok=True)


def build_incident(store: Store) -> int:
    """The incident, its figures and timeline, written through the Store at the desk's times."""
    now = store.now()
    start = now - timedelta(hours=12)
    t0 = store.clock

    def at(minutes: float) -> datetime:
        return start + timedelta(minutes=minutes)

    inc = store.incidents.add(
        IncidentFacts(
            received_at=at(5),
            occurred_at=at(0),
            place="S312省道长青隧道K48+300处",
            source="县公安局指挥中心",
            category="accident",
            subtype="hazchem",
            title=TITLE,
            description="一辆装载30吨液氯的槽罐车与前方货车追尾后起火，隧道内多辆车被困。",
            dead=1,
            injured=4,
            trapped=6,
            measures="公安、消防、医疗和交通运输部门已赶赴现场处置",
            trend="伤亡人数可能上升",
            caller_unit="县公安局指挥中心",
            caller_name="刘强",
            caller_title="值班长",
            caller_phone="0731-84521110",
            recorder="孙丽娜",
        )
    ).id
    reports = [
        (ReportKind.phone, 20),
        (ReportKind.written, 55),
        *[(ReportKind.followup, 60 + 70 * k) for k in range(1, 9)],
    ]
    minutes = 700  # the timeline runs from 10 minutes after intake to 12 hours later
    log_n = ENTRIES - len(reports)
    fig_n = FIGURES - 1
    events: list[tuple[float, str, int]] = [(m, "report", i) for i, (_, m) in enumerate(reports)]
    events += [(10 + minutes * (i + 0.5) / log_n, "log", i) for i in range(log_n)]
    events += [(12 + minutes * (i + 0.3) / fig_n, "figures", i) for i in range(fig_n)]
    events.sort()
    dead, injured = 1, 4
    for m, what, i in events:
        store.clock = lambda m=m: at(m) + timedelta(seconds=30)  # type: ignore[misc]
        if what == "report":
            store.incidents.record_report(
                inc, reports[i][0], at=at(m), to_whom="市应急管理局总值班室", by_whom="孙丽娜"
            )
        elif what == "log":
            log_kind, who, text = LOG_TEXT[i % len(LOG_TEXT)]
            store.dutylog.add(
                LogEntry(
                    at=at(m),
                    kind=log_kind,
                    incident_id=inc,
                    counterpart=who,
                    content=text.format(n=i + 1),
                    handling="已登记并转报带班领导" if log_kind == LogKind.call_in else "",
                )
            )
        else:
            injured += 1
            if i % 7 == 6:
                dead += 1
            store.figures.update(
                inc,
                {"dead": dead, "injured": injured, "trapped": max(0, 6 - i // 5)},
                source="县卫生健康局" if i % 2 else "现场指挥部",
                at=at(m),
                note=f"第{i + 1}次核实",
            )
    store.clock = t0
    return inc


def prepare(desk: Path, keep: bool) -> tuple[Path, dict, int]:
    side = desk.with_suffix(".json")
    if not desk.exists() or not side.exists():
        raise SystemExit(f"{desk} or its sidecar is missing: python bench/desks.py --years 10")
    meta = json.loads(side.read_text())
    copy = desk.parent / f"written-{desk.stem}.db"
    copy_side = copy.with_suffix(".json")
    if copy.exists() and copy_side.exists():
        have = json.loads(copy_side.read_text())
        if have.get("made_at") == meta.get("made_at"):
            return copy, meta, have["incident_id"]
    copy_side.unlink(missing_ok=True)
    t0 = time.perf_counter()
    _copy(desk, copy)
    copied = time.perf_counter() - t0
    store = Store.open(copy, clock=desk_clock(meta), actor="bench")
    t0 = time.perf_counter()
    inc = build_incident(store)
    store.close()
    built = time.perf_counter() - t0
    info = {"made_at": meta.get("made_at"), "incident_id": inc}
    if keep:
        copy_side.write_text(json.dumps(info) + "\n")
    print(f"copied {desk.name} in {copied:.0f} s, incident {inc} built in {built:.1f} s")
    return copy, meta, inc


# -- the baselines --------------------------------------------------------------------------------
def plain_reads(store: Store, inc: int) -> int:
    """The rows draft() reads, fetched as plain tuples."""
    q = store.db.execute
    n = len(q("SELECT * FROM incidents WHERE id = ?", [inc]).fetchall())
    n += len(q("SELECT * FROM figures WHERE incident_id = ? ORDER BY id", [inc]).fetchall())
    n += len(q("SELECT * FROM reports WHERE incident_id = ? ORDER BY id", [inc]).fetchall())
    n += len(q("SELECT * FROM log_entries WHERE incident_id = ? ORDER BY at", [inc]).fetchall())
    return n


def minimal_pdf(paragraphs: list[str], font: str) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = ParagraphStyle("p", fontName=font, fontSize=16, leading=29, wordWrap="CJK")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(
        [Paragraph(escape(p), style) for p in paragraphs]
    )
    return buf.getvalue()


def minimal_docx(paragraphs: list[str]) -> bytes:
    from docx import Document

    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- measuring ------------------------------------------------------------------------------------
def measure(path: Path, meta: dict, inc: int, repeat: int, busy: bool) -> dict[str, Any]:
    from watchdesk.report.pdf import cjk_font
    from watchdesk.report.written import draft
    from watchdesk.report.written_docx import render_docx
    from watchdesk.report.written_paper import paper
    from watchdesk.report.written_pdf import render_pdf

    store = Store.open(path, clock=desk_clock(meta), actor="bench")
    font, _ = cjk_font()
    now = store.now()
    first = draft(store, inc, ReportKind.written, now=now)  # templates loaded and checked once
    follow = draft(store, inc, ReportKind.followup, now=now)
    pp = paper(
        first,
        tz=store.tz,
        serial=(now.year, 1),
        signer="王建国",
        send_to=["县委办公室", "县政府办公室"],
        copy_to="县公安局、县卫生健康局、县交通运输局、县消防救援大队",
        note="联系人：孙丽娜，电话：0731-84521100",
    )
    pdf = render_pdf(pp)
    minimal_pdf(pp.paragraphs, font)
    info = {
        "incident_id": inc,
        "figure_versions": len(store.figures.history(inc)),
        "log_entries": len(store.dutylog.list(incident_id=inc, limit=1_000_000)),
        "reports": len(store.incidents.reports(inc)),
        "written_chars": len(first.body),
        "followup_chars": len(follow.body),
        "paragraphs": len(pp.paragraphs),
        "pdf_pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page "),
        "pdf_bytes": len(pdf),
    }
    steps = {
        "draft": lambda: draft(store, inc, ReportKind.written, now=now),
        "draft_followup": lambda: draft(store, inc, ReportKind.followup, now=now),
        "create": lambda: store.written.create(inc, ReportKind.followup),
        "reads_base": lambda: plain_reads(store, inc),
        "get_base": lambda: store.incidents.get(inc),
        "pdf": lambda: render_pdf(pp),
        "pdf_base": lambda: minimal_pdf(pp.paragraphs, font),
        "docx": lambda: render_docx(pp),
        "docx_base": lambda: minimal_docx(pp.paragraphs),
    }
    t: dict[str, list[float]] = {k: [] for k in steps}
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        time.sleep(0.2 if busy else 0)
        for _ in range(repeat):
            for key, fn in steps.items():
                t0 = time.perf_counter()
                fn()
                t[key].append(time.perf_counter() - t0)
    finally:
        if spinner is not None:
            spinner.kill()
            spinner.wait()
        store.close()
    m = {k: med(v) for k, v in t.items()}
    out: dict[str, Any] = {**info, **{f"{k}_ms": round(v * 1000, 2) for k, v in m.items()}}
    out["draft_p95_ms"] = round(sorted(t["draft"])[int(0.95 * (repeat - 1))] * 1000, 2)
    out["draft_ratio"] = m["draft"] / m["reads_base"]
    out["draft_followup_ratio"] = m["draft_followup"] / m["reads_base"]
    out["create_ratio"] = m["create"] / m["reads_base"]
    out["draft_per_get"] = m["draft"] / m["get_base"]
    out["pdf_ratio"] = m["pdf"] / m["pdf_base"]
    out["docx_ratio"] = m["docx"] / m["docx_base"]
    out["targets"] = {k: ("met" if m[k] < v else "MISSED") for k, v in TARGETS.items()}
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", type=Path, default=OUT / "desk-10y.db", help="a desk of desks.py")
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--load", default="quiet,busy", help="quiet, busy or both (comma-separated)")
    p.add_argument("--keep", action="store_true", help="keep the desk's copy for the next run")
    a = p.parse_args(argv)
    copy, meta, inc = prepare(a.db, a.keep)
    result: dict[str, Any] = {
        "desk": a.db.name,
        "repeat": a.repeat,
        "cpus": os.cpu_count(),
        "loadavg_before": os.getloadavg(),
    }
    try:
        for load in a.load.split(","):
            result[load] = measure(copy, meta, inc, a.repeat, busy=load == "busy")
    finally:
        if not a.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
    result["loadavg_after"] = os.getloadavg()
    print(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
