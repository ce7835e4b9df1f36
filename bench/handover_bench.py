"""Rendering a busy shift's handover sheet: compile it from the records, then text and PDF.

    python bench/handover_bench.py --db COPY_OF_DESK [--db ...] [--repeat 5]

The shift is the last one that ended before the instant the desk stands at: on a generated desk
(30,000 incidents and 100,000 duty-log entries a year) about 80 incidents, 270 duty-log entries
and 100+ running clocks, the same density on a one-year and a ten-year desk. `compile()` writes
a draft handover record the first time it sees a shift, so give it a copy of the desk.

Each step has a baseline measured in the same run (subjects and baselines alternate):

- compile (`store.handover.compile`): against plain SELECTs of the same rows (the shift's
  incidents and clocks, its duty-log entries, every running clock) without models;
- text (`render_text`, 80 cells, CJK-aware wrapping): against `textwrap.fill` of the same lines
  (40 characters, about 80 cells of Chinese), i.e. rendering the same number of lines of plain
  text;
- Markdown (`render_markdown`): against the same plain-text baseline;
- PDF (`render_pdf`, A4, the embedded CJK font, styled paragraphs, page footers): against a
  minimal reportlab document of the same lines: one Paragraph per line in one style with the
  same font (`SimpleDocTemplate`, no footer).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from watchdesk.store.db import to_db
from watchdesk.store.desk import Store

LANG = "zh"


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def last_complete_shift(store: Store, now: datetime) -> int:
    row = store.db.execute(
        "SELECT id FROM shifts WHERE ends_at <= ? ORDER BY ends_at DESC LIMIT 1", [to_db(now)]
    ).fetchone()
    if row is None:
        raise SystemExit("the desk has no complete shift")
    return row[0]


def _plain_compile(store: Store, start: str, end: str) -> int:
    """The rows compile() reads, fetched as plain tuples."""
    n = 0
    ids = [
        r[0]
        for r in store.db.execute(
            "SELECT id FROM incidents WHERE received_at >= ? AND received_at < ?"
            " UNION SELECT incident_id FROM deadlines WHERE due_at >= ? AND due_at < ? ORDER BY 1",
            [start, end, start, end],
        )
    ]
    marks = ",".join("?" * len(ids))
    n += len(store.db.execute(f"SELECT * FROM incidents WHERE id IN ({marks})", ids).fetchall())
    n += len(
        store.db.execute(f"SELECT * FROM deadlines WHERE incident_id IN ({marks})", ids).fetchall()
    )
    n += len(
        store.db.execute(
            "SELECT * FROM log_entries WHERE at >= ? AND at < ? ORDER BY at", [start, end]
        ).fetchall()
    )
    n += len(
        store.db.execute(
            "SELECT d.*, i.title FROM deadlines d JOIN incidents i ON i.id = d.incident_id"
            " WHERE d.status = 'running' ORDER BY d.due_at"
        ).fetchall()
    )
    return n


def _lines(sheet, tz) -> list[str]:
    from watchdesk.i18n import using
    from watchdesk.report.handover import header_lines, sections, signature_lines

    with using(LANG):
        out = list(header_lines(sheet, tz))
        for title, lines in sections(sheet, tz):
            out.append(title)
            out.extend(lines)
        out.extend(signature_lines(sheet, tz))
    return out


def _plain_text(lines: list[str]) -> str:
    return "\n".join(textwrap.fill(line, 40) for line in lines) + "\n"


def _minimal_pdf(lines: list[str], font: str) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = ParagraphStyle("p", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, invariant=1)
    doc.build([Paragraph(escape(line.strip()), style) for line in lines])
    return buf.getvalue()


def bench_handover(
    subjects: dict[str, tuple[Path, Callable[[], datetime]]], repeat: int = 5
) -> dict:
    from watchdesk.report.handover import render_markdown, render_text
    from watchdesk.report.pdf import cjk_font, render_pdf

    font, font_warning = cjk_font()
    stores, shifts, info = {}, {}, {}
    for name, (path, clock) in subjects.items():
        store = Store.open(path, clock=clock, actor="bench")
        now = store.now()
        sid = last_complete_shift(store, now)
        sheet = store.handover.compile(sid, now)  # warm, and writes the draft record once
        lines = _lines(sheet, store.tz)
        pdf = render_pdf(sheet, tz=store.tz, lang=LANG)
        _minimal_pdf(lines, font)
        text = render_text(sheet, tz=store.tz, width=80, lang=LANG)
        stores[name], shifts[name] = store, sid
        info[name] = {
            "shift_id": sid,
            "incidents": len(sheet.incidents),
            "log": len(sheet.log),
            "running": len(sheet.running),
            "clocks": sum(len(i.clocks) for i in sheet.incidents),
            "lines": len(lines),
            "text_lines": text.count("\n"),
            "pdf_bytes": len(pdf),
            "pdf_pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page "),
        }
    steps = ("compile", "compile_base", "text", "markdown", "text_base", "pdf", "pdf_base")
    t = {name: {k: [] for k in steps} for name in stores}
    for _ in range(repeat):
        for name, store in stores.items():
            now, sid, tz = store.now(), shifts[name], store.tz
            shift = store.roster.shift(sid)
            start, end = to_db(shift.starts_at), to_db(shift.ends_at)

            def timed(key, fn):
                t0 = time.perf_counter()
                r = fn()
                t[name][key].append(time.perf_counter() - t0)
                return r

            sheet = timed("compile", lambda: store.handover.compile(sid, now))
            timed("compile_base", lambda: _plain_compile(store, start, end))
            lines = _lines(sheet, tz)
            timed("text", lambda: render_text(sheet, tz=tz, width=80, lang=LANG))
            timed("markdown", lambda: render_markdown(sheet, tz=tz, lang=LANG))
            timed("text_base", lambda: _plain_text(lines))
            timed("pdf", lambda: render_pdf(sheet, tz=tz, lang=LANG))
            timed("pdf_base", lambda: _minimal_pdf(lines, font))
    for store in stores.values():
        store.close()
    out = {"repeat": repeat, "font": font, "font_warning": font_warning, "subjects": {}}
    for name, d in t.items():
        m = {k: med(v) for k, v in d.items()}
        total = m["compile"] + m["text"] + m["pdf"]
        base = m["compile_base"] + m["text_base"] + m["pdf_base"]
        out["subjects"][name] = {
            **info[name],
            **{f"{k}_median": v for k, v in m.items()},
            "compile_ratio": m["compile"] / m["compile_base"],
            "text_ratio": m["text"] / m["text_base"],
            "markdown_ratio": m["markdown"] / m["text_base"],
            "pdf_ratio": m["pdf"] / m["pdf_base"],
            "total_median": total,
            "total_base": base,
            "total_ratio": total / base,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    from desks import desk_clock

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument(
        "--db",
        action="append",
        type=Path,
        required=True,
        help="a copy of a desk (compile writes a draft handover record)",
    )
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args(argv)
    subjects = {}
    for db in a.db:
        side = db.with_suffix(".json")
        clock = desk_clock(json.loads(side.read_text())) if side.exists() else None
        subjects[db.stem] = (db, clock or (lambda: datetime.now().astimezone()))
    print(json.dumps(bench_handover(subjects, a.repeat), indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
