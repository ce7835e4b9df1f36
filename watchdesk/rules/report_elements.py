"""What a report must contain, per kind (信息报告要素): the elements of reporting-rules.md §3 and
written-report.md §1, which of them each kind of report requires, and how an element still
unknown is marked in a draft (【待核实：事发单位】: "report what is known first", S17, S24).

Pure data with its sources, like `categories`. The drafting itself is `watchdesk.report.written`.
"""

from __future__ import annotations

from dataclasses import dataclass

from watchdesk.models.incident import ReportKind

S1_12 = "S1 Art.12, reporting-rules.md §3.1 [C1]"
S29 = "S29 湖南实施办法, reporting-rules.md §3.2 [C2]"
S33 = "reporting-rules.md §3.3 (S24 S25 S26 S28) [C2]"
WR = "written-report.md §1 [C2]"
S10 = "S10 先报概况，后补全面, reporting-rules.md §2.2 [I]; written-report.md §1 [C2]"


@dataclass(frozen=True)
class Element:
    key: str
    zh: str  # as the report names it (and its 【待核实：…】 mark)
    en: str
    source: str
    accidents_only: bool = False  # required only for 事故灾难 (S1 applies to accidents)

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.lower().startswith("zh") else self.en


# In the order a phone report speaks them (§3.2: unit; category, time, place; casualties), then
# what a written report adds (§3.1, §3.3), then what a verification answer needs (§2.6).
ELEMENTS: tuple[Element, ...] = (
    Element("reporting_unit", "报告单位", "Reporting unit", "S26, reporting-rules.md §3.3 [C2]"),
    Element("unit", "事发单位", "Unit where it occurred", f"{S1_12}; {S29}", accidents_only=True),
    Element("type", "事件类型", "Type of event", f"{S29}; {S33}"),
    Element("occurred_at", "事发时间", "Time of occurrence", f"{S1_12}; {S29}"),
    Element("place", "事发地点", "Place", f"{S1_12}; {S29}"),
    Element("casualties", "伤亡情况", "Casualties", f"{S1_12}; {S29}"),
    Element("course", "简要经过", "Brief course of events", S1_12),
    Element("direct_loss", "直接经济损失", "Direct economic loss", S1_12, accidents_only=True),
    Element("measures", "已采取措施", "Measures taken", f"{S1_12}; {S33}"),
    Element("source", "信息来源", "Source of the information", S33),
    Element(
        "verification_request", "核报要求", "Verification request", f"reporting-rules.md §2.6; {WR}"
    ),
    Element("verification_result", "核实情况", "Verified facts", WR),
)

BY_KEY = {e.key: e for e in ELEMENTS}

# Which elements each kind requires. A follow-up reports only what changed (S25), and carries the
# statutory facts the first report could not give yet (S10); a verification answer answers the
# request with verified facts; a final report gives the final figures and the handling.
REQUIRED: dict[ReportKind, tuple[str, ...]] = {
    # §3.2 (S29): unit name, address, nature; category, time, place; casualties. The desk that
    # speaks names itself first.
    ReportKind.phone: ("reporting_unit", "unit", "type", "occurred_at", "place", "casualties"),
    # §3.1 (S1 Art.12) and §3.3: the full written report.
    ReportKind.written: (
        "unit",
        "type",
        "occurred_at",
        "place",
        "casualties",
        "course",
        "direct_loss",
        "measures",
        "source",
    ),
    ReportKind.followup: ("unit", "occurred_at", "casualties", "direct_loss"),
    ReportKind.verification: ("verification_request", "verification_result", "casualties"),
    ReportKind.final: (
        "unit",
        "type",
        "occurred_at",
        "place",
        "casualties",
        "course",
        "direct_loss",
        "measures",
    ),
}

# The report's own name, in Chinese whatever the console's language (a report goes to an office).
KIND_ZH: dict[ReportKind, str] = {
    ReportKind.phone: "电话报告",
    ReportKind.written: "书面报告",
    ReportKind.followup: "续报",
    ReportKind.verification: "核报",
    ReportKind.final: "终报",
}


def required(kind: ReportKind, category: str) -> tuple[Element, ...]:
    """The elements a report of `kind` about an incident of `category` must give."""
    accident = category == "accident"
    return tuple(
        BY_KEY[k] for k in REQUIRED[ReportKind(kind)] if accident or not BY_KEY[k].accidents_only
    )


def mark(element: Element | str) -> str:
    """How a draft shows an element still unknown: 【待核实：事发单位】."""
    e = BY_KEY[element] if isinstance(element, str) else element
    return f"【待核实：{e.zh}】"
