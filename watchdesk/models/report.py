"""The report itself (issue 14): a draft drawn from what the desk holds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import field_validator

from watchdesk.models.base import BaseModel, _aware
from watchdesk.models.incident import ReportKind


class DraftElement(BaseModel):
    """One report element (reporting-rules.md §3) as the draft knows it: what the read-out card
    shows line by line, and what the officer fills in beside the text."""

    key: str  # watchdesk.rules.report_elements.ELEMENTS
    label: str  # in Chinese, as the report names it
    value: str = ""  # as the report gives it; "" while unknown
    required: bool = False  # this kind of report must give it
    missing: bool = False  # required and still unknown: marked 【待核实：…】 in the text


class Draft(BaseModel):
    """A report drafted from the desk's data. `context` is everything the template was given
    (plain JSON data), so a later re-draw can show what would change."""

    incident_id: int
    kind: ReportKind
    seq: int = 0  # follow-up number (续报一 = 1); for a verification answer, which request
    title: str
    body: str
    missing: list[str] = []  # keys of the required elements still unknown, in element order
    elements: list[DraftElement] = []
    context: dict[str, Any] = {}
    template: str = ""  # the template file it was drawn with
    drawn_at: datetime

    _aware_at = field_validator("drawn_at")(_aware)

    @property
    def text(self) -> str:
        """Title, a blank line, then the body: the plain text of the report."""
        return f"{self.title}\n\n{self.body}\n"

    @property
    def missing_labels(self) -> list[str]:
        by_key = {e.key: e.label for e in self.elements}
        return [by_key.get(k, k) for k in self.missing]


class Paper(BaseModel):
    """What goes on paper (GB/T 9704-2012 as /work/shared/domain/written-report.md describes it):
    the header block, the title, the body and the foot. Built from a draft and whatever sign-off
    data there is (`watchdesk.report.written_paper.paper`); rendered as PDF, .docx and plain text
    (`written_pdf`, `written_docx`, `written_text`). Always Chinese: it goes to an office."""

    desk_name: str = ""  # the issuing unit: 湘江县应急管理局总值班室 (…编, …印发)
    heading: str = "值班信息"  # the red header's title: 值班信息, or the desk's own (要情快报)
    serial: str | None = None  # 〔2026〕第37期; None on an unsigned draft, which prints 【草稿】
    signer: str | None = None  # 签发人
    title: str
    paragraphs: list[str] = []  # the body, one paragraph each, without their indent
    note: str = ""  # 附注, printed in parentheses: 联系人：孙丽娜，电话：0731-84521100
    report_to: list[str] = []  # 报
    send_to: list[str] = []  # 送
    copy_to: list[str] = []  # 抄送
    issued: date  # on the header's date line and the 印发 line
    kind: ReportKind
    seq: int = 0

    @property
    def is_draft(self) -> bool:
        return not self.serial

    @property
    def serial_text(self) -> str:
        """〔2026〕第37期, or 【草稿】 for a draft that nobody has signed."""
        return self.serial or "【草稿】"

    @property
    def date_text(self) -> str:
        """2026年11月22日 (Arabic numerals, as GB/T 9704-2012 writes dates)."""
        return f"{self.issued.year}年{self.issued.month}月{self.issued.day}日"

    @property
    def distribution(self) -> list[tuple[str, list[str]]]:
        """The foot's lists that have anyone on them: (报|送|抄送, names)."""
        lists = (("报", self.report_to), ("送", self.send_to), ("抄送", self.copy_to))
        return [(label, names) for label, names in lists if names]
