"""The report as plain text, for pasting into another system (政务网 forms, e-mail), and the report
printed through CUPS (`watchdesk.report.printing`, as the handover sheet is).

The text keeps the paper's order: the header (title, 期号 and 签发人, the issuing unit and the
date), the report's title, the body (paragraphs indented two characters with ideographic spaces,
as Chinese text is pasted), the 附注, and the foot (报/送/抄送, the 印发 line).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from watchdesk.i18n import t
from watchdesk.models.report import Paper
from watchdesk.report.printing import PrintError, print_file
from watchdesk.report.written_paper import foot_line

INDENT = "\u3000\u3000"  # two ideographic spaces: a paragraph's first-line indent
GAP = "\u3000\u3000"  # between the two ends of a header line


def render_text(paper: Paper) -> str:
    lines = [paper.heading]
    number = paper.serial_text
    if paper.signer:
        number += f"{GAP}签发人：{paper.signer}"
    lines.append(number)
    lines.append(
        f"{paper.desk_name} 编{GAP}{paper.date_text}" if paper.desk_name else paper.date_text
    )
    lines += ["", paper.title, ""]
    lines += [INDENT + p for p in paper.paragraphs]
    if paper.note:
        lines += ["", f"{INDENT}（{paper.note}）"]
    lines.append("")
    lines += [foot_line(label, names) for label, names in paper.distribution]
    lines.append(f"{paper.desk_name}{GAP}{paper.date_text}印发".lstrip("\u3000"))
    return "\n".join(lines) + "\n"


class PaperPrintError(PrintError):
    """Printing failed; the file is kept at `path` so the officer can print it another way."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path


def print_paper(
    paper: Paper,
    printer: str | None = None,
    *,
    fmt: str = "pdf",
    font_path: str | None = None,
    fonts: Mapping[str, str] | None = None,
    folder: str | Path | None = None,
) -> tuple[str, Path]:
    """Render the report (`fmt`: pdf or txt) to a private file and queue it on `printer` (the CUPS
    default when None). Returns (the job id, the file). A font problem raises
    `written_pdf.PaperFontError` before anything is queued; a printing problem raises
    `PaperPrintError`, naming the file, which is kept."""
    if fmt == "pdf":
        from watchdesk.report.written_pdf import render_pdf

        data = render_pdf(paper, font_path=font_path, fonts=fonts)
    elif fmt == "txt":
        data = render_text(paper).encode("utf-8")
    else:
        raise ValueError(f"cannot print the report as {fmt!r} (pdf or txt)")
    where = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="watchdesk-"))
    name = f"report-{paper.kind.value}{paper.seq or ''}-{paper.issued:%Y%m%d}.{fmt}"
    path = where / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    try:
        job = print_file(path, printer, title=paper.title[:60] or "watchdesk")
    except PrintError as e:
        raise PaperPrintError(t("paper.print.failed", problem=e, path=path), path) from None
    return job, path
