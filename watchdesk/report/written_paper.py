"""The report on paper (issue 14): a `Paper` built from a draft and whatever sign-off data there is.

The layout (GB/T 9704-2012 《党政机关公文格式》 and the 简报 form offices use for 值班信息, as
/work/shared/domain/written-report.md describes it) is shared by the three renderings:
`written_pdf` (reportlab), `written_docx` (python-docx) and `written_text` (plain text, and
printing through CUPS). The paper is always Chinese, whatever language the console speaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, tzinfo

from watchdesk.errors import InputError
from watchdesk.models.report import Draft, Paper

HEADING = "值班信息"
_SERIAL = re.compile(r"^\s*[\[(（【〔［]\s*(\d{4})\s*[\])）】〕］]\s*")
_SPLIT = re.compile(r"[、,，;；\n]+")


def serial_text(year: int, number: int) -> str:
    """〔2026〕第37期: the year in full between 六角括号 (never 【】 or ()), the number as it is."""
    if year < 1000 or number < 1:
        raise InputError("serial", "err.report.serial", year=year, number=number)
    return f"〔{year}〕第{number}期"


def _serial(value: str | tuple[int, int] | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return serial_text(*value)
    text = value.strip()
    if not text:
        return None
    return _SERIAL.sub(lambda m: f"〔{m.group(1)}〕", text, count=1)


def _names(names: str | Iterable[str] | None) -> list[str]:
    """A distribution list: names in order, each once; a text is split at 、，；and new lines."""
    if names is None:
        return []
    items = _SPLIT.split(names) if isinstance(names, str) else list(names)
    out: list[str] = []
    for n in items:
        n = n.strip().rstrip("。")
        if n and n not in out:
            out.append(n)
    return out


def names(text: str) -> list[str]:
    """A distribution list typed as one text (split at 、，；and new lines)."""
    return _names(text)


def paragraphs(body: str) -> list[str]:
    """The body's paragraphs: one a line, without the indent a template or an editor put there."""
    return [p.strip(" \t\u3000") for p in body.splitlines() if p.strip(" \t\u3000")]


def paper(
    draft: Draft,
    *,
    tz: tzinfo | None = None,
    desk_name: str | None = None,
    heading: str | None = None,
    serial: str | tuple[int, int] | None = None,
    signer: str | None = None,
    report_to: str | Iterable[str] | None = None,
    send_to: str | Iterable[str] | None = None,
    copy_to: str | Iterable[str] | None = None,
    issued: date | None = None,
    note: str | None = None,
) -> Paper:
    """The paper for `draft`. Every sign-off datum may be absent:

    - `serial`: 〔2026〕第37期 (or (2026, 37)); absent on an unsigned draft, which prints 【草稿】;
    - `signer`: the 签发人; `report_to`/`send_to`/`copy_to`: 报/送/抄送 (a list, or one text
      split at 、，；); 报 defaults to the desk's `report_to` as the draft knew it;
    - `desk_name`: the issuing unit, by default the draft's reporting unit; `heading`: the red
      header's title (值班信息 by default, or the desk's own such as 要情快报);
    - `issued`: the date on the header and the 印发 line, by default the day the draft was drawn
      (in `tz`, else in the draft's own time zone); `note`: the 附注 (联系人、电话).
    """
    desk = draft.context.get("desk", {}) if isinstance(draft.context, dict) else {}
    if desk_name is None:
        desk_name = str(desk.get("name", ""))
    if report_to is None:
        report_to = str(desk.get("report_to", ""))
    drawn = draft.drawn_at.astimezone(tz) if tz is not None else draft.drawn_at
    note_text = (note or "").strip().strip("()（）").strip()
    return Paper(
        desk_name=desk_name.strip(),
        heading=(heading or "").strip() or HEADING,
        serial=_serial(serial),
        signer=(signer or "").strip() or None,
        title=draft.title.strip(),
        paragraphs=paragraphs(draft.body),
        note=note_text,
        report_to=_names(report_to),
        send_to=_names(send_to),
        copy_to=_names(copy_to),
        issued=issued or drawn.date(),
        kind=draft.kind,
        seq=draft.seq,
    )


def foot_line(label: str, names: list[str]) -> str:
    """报：A，B。 — names apart by commas, a full stop after the last (GB/T 9704-2012 §7.3.2)."""
    return f"{label}：{'，'.join(names)}。"


def spaced(heading: str) -> str:
    """值班信息 → 值 班 信 息 (a short heading is spread out, as offices print it)."""
    return " ".join(heading) if len(heading) <= 4 and " " not in heading else heading
