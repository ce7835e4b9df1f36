"""The report itself (issue 14): a draft drawn from what the desk holds."""

from __future__ import annotations

from datetime import datetime
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
