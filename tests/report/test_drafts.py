"""Golden drafts: each kind of report drawn from fixture incidents (tests/report/cases.py) and
compared, character for character, with the reviewed text in tests/report/golden/.

After a deliberate change of wording: `WATCHDESK_UPDATE_GOLDEN=1 python -m pytest tests/report`,
then read every changed file as the duty officer would before keeping it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.report import cases
from watchdesk.errors import InputError
from watchdesk.i18n import set_language
from watchdesk.models.incident import IncidentStatus, ReportKind
from watchdesk.report.written import draft

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WATCHDESK_UPDATE_GOLDEN") == "1"

# golden file, case, kind, moment, the required elements the draft must list as missing
DRAFTS = [
    ("major_road_phone", cases.major_road, ReportKind.phone, "phone", ["unit"]),
    (
        "major_road_written",
        cases.major_road,
        ReportKind.written,
        "written",
        ["unit", "direct_loss"],
    ),
    (
        "fire_followup1",
        cases.fire_followups,
        ReportKind.followup,
        "followup1",
        ["unit", "direct_loss"],
    ),
    (
        "fire_followup2",
        cases.fire_followups,
        ReportKind.followup,
        "followup2",
        ["unit", "direct_loss"],
    ),
    ("flood_verification", cases.flood_verification, ReportKind.verification, "verification", []),
    ("chem_final", cases.chem_final, ReportKind.final, "final", ["unit"]),
    (
        "gas_unknown_phone",
        cases.gas_unknown,
        ReportKind.phone,
        "phone",
        ["reporting_unit", "unit", "occurred_at"],
    ),
    (
        "gas_unknown_written",
        cases.gas_unknown,
        ReportKind.written,
        "written",
        ["unit", "occurred_at", "direct_loss", "measures", "source"],
    ),
]


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with WATCHDESK_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"


@pytest.mark.parametrize(
    ("name", "case", "kind", "moment", "missing"), DRAFTS, ids=[d[0] for d in DRAFTS]
)
def test_golden(store, clock, name, case, kind, moment, missing):
    inc, moments = case(store, clock)
    d = draft(store, inc, kind, now=moments[moment])
    _golden(name, d.text)
    assert d.kind == kind
    assert d.missing == missing
    # every element listed as missing is marked in the text, and nothing else is
    for label in d.missing_labels:
        assert f"【待核实：{label}】" in d.text
    assert d.text.count("【待核实：") >= len(d.missing)
    assert all(f"【待核实：{e.label}】" not in d.text for e in d.elements if not e.missing)
    json.dumps(d.context, ensure_ascii=False)  # plain data, kept for a re-draw's comparison


def test_followups_are_numbered_from_the_reports_made(store, clock):
    inc, moments = cases.fire_followups(store, clock)
    first = draft(store, inc, ReportKind.followup, now=moments["followup1"])
    second = draft(store, inc, ReportKind.followup, now=moments["followup2"])
    assert (first.seq, second.seq) == (1, 2)
    assert first.title.endswith("（续报一）") and second.title.endswith("（续报二）")
    assert first.context["previous"]["label"] == "书面报告"
    assert second.context["previous"]["label"] == "续报一"
    # re-drawing 续报一 after it was sent compares with what came before it, as the first time
    again = draft(store, inc, ReportKind.followup, now=moments["followup2"], seq=1)
    assert again.context["previous"]["label"] == "书面报告"
    assert again.context["changes"] == first.context["changes"]


def test_only_what_the_desk_held_at_now_counts(store, clock):
    inc, moments = cases.major_road(store, clock)
    card = draft(store, inc, ReportKind.phone, now=moments["phone"])
    assert card.context["timeline"] == []  # the instruction at 14:32 came later
    written = draft(store, inc, ReportKind.written, now=moments["written"])
    assert [e["kind"] for e in written.context["timeline"]] == ["instruction", "action", "call_in"]


def test_final_redrawn_after_it_closed_the_incident_is_the_same(store, clock):
    inc, moments = cases.chem_final(store, clock)
    before = draft(store, inc, ReportKind.final, now=moments["final"])
    cases.report(store, clock, cases.at(22, 10, 10), inc, ReportKind.final)
    assert store.incidents.get(inc).status == IncidentStatus.closed
    after = draft(store, inc, ReportKind.final, now=cases.at(22, 10, 20))
    assert after.text == before.text


def test_verification_answers_the_request_asked(store, clock):
    inc, moments = cases.flood_verification(store, clock)
    d = draft(store, inc, ReportKind.verification, now=moments["verification"])
    v = d.context["verification"]
    assert (d.seq, v["by"], v["at"], v["due"]) == (1, cases.CITY, "8时20分", "9时20分")
    assert v["compared"]["label"] == "书面报告"
    assert v["changes"] == ["被困人数由12人减至0人", "失联人数由1人增至2人"]
    with pytest.raises(InputError, match="no verification request #2"):
        draft(store, inc, ReportKind.verification, now=moments["verification"], seq=2)


def test_a_verification_answer_without_a_request_marks_it(store, clock):
    inc, moments = cases.major_road(store, clock)
    d = draft(store, inc, ReportKind.verification, now=moments["written"])
    assert d.missing == ["verification_request", "verification_result"]
    assert "【待核实：核报要求】" in d.body and "【待核实：核实情况】" in d.body


def test_the_report_is_chinese_whatever_the_console_speaks(store, clock):
    inc, moments = cases.major_road(store, clock)
    set_language("en")
    en = draft(store, inc, ReportKind.written, now=moments["written"])
    set_language("zh")
    zh = draft(store, inc, ReportKind.written, now=moments["written"])
    assert en.text == zh.text


def test_draft_reads_the_desk_in_a_handful_of_queries(store, clock):
    inc, moments = cases.chem_final(store, clock)
    draft(store, inc, ReportKind.final, now=moments["final"])  # templates loaded and checked
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        draft(store, inc, ReportKind.final, now=moments["final"])
    finally:
        store.db.conn.set_trace_callback(None)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) <= 10
