"""The Chinese forms a draft is written in: times, money, casualties, changes, report names."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.helpers import TZ
from watchdesk.models.incident import FigureVersion, ReportKind
from watchdesk.report.written import casualties, casualties_short, changes, kind_name, money, when
from watchdesk.rules.report_elements import REQUIRED, mark, required

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=TZ)


def fv(**kw) -> FigureVersion:
    return FigureVersion(id=1, incident_id=1, at=NOW, **kw)


def test_times_are_given_as_an_office_writes_them():
    assert when(datetime(2026, 11, 22, 14, 5, tzinfo=TZ), NOW, TZ) == "14时5分"
    assert when(datetime(2026, 11, 22, 8, 0, tzinfo=TZ), NOW, TZ) == "8时"
    assert when(datetime(2026, 11, 22, 1, 50, tzinfo=TZ), NOW, TZ, date=True, about=True) == (
        "11月22日1时50分许"
    )
    assert when(datetime(2026, 11, 21, 23, 40, tzinfo=TZ), NOW, TZ) == "11月21日23时40分"
    assert when(datetime(2025, 12, 31, 23, 40, tzinfo=TZ), NOW, TZ) == "2025年12月31日23时40分"
    # the desk's zone, whatever zone the instant came in
    assert when(datetime(2026, 11, 22, 6, 29, tzinfo=UTC), NOW, TZ) == "14时29分"


def test_money_in_yuan_wan_and_yi():
    assert money(8_000) == "8000元"
    assert money(32_000_000) == "3200万元"
    assert money(1_234_567) == "123.46万元"
    assert money(150_000_000) == "1.5亿元"


def test_casualties_in_the_order_the_rules_list_them():
    assert casualties(fv()) == ""
    assert casualties(fv(dead=11, injured=20, seriously_injured=6, trapped=3, missing=1)) == (
        "11人死亡、20人受伤（其中6人重伤）、3人被困、1人失联"
    )
    # more seriously injured than injured: counted apart, not "of whom"
    assert casualties(fv(injured=2, seriously_injured=5)) == "2人受伤、5人重伤"
    assert casualties_short(fv(dead=11, injured=20, seriously_injured=6, trapped=3)) == (
        "11人死亡20人受伤3人被困"
    )
    assert casualties_short(fv(seriously_injured=4)) == "4人重伤"


def test_changes_name_the_old_and_new_figure():
    assert changes(fv(dead=3, trapped=2), fv(dead=4)) == [
        "死亡人数由3人增至4人",
        "被困人数由2人减至0人",
    ]
    assert changes(fv(), fv(direct_loss=32_000_000)) == ["直接经济损失初步核算为3200万元"]
    assert changes(fv(direct_loss=1_000_000), fv(direct_loss=1_500_000)) == [
        "直接经济损失由100万元调整为150万元"
    ]
    assert changes(fv(dead=1), fv(dead=1)) == []


def test_report_names_reuse_the_chinese_numerals():
    assert kind_name(ReportKind.followup, 12) == "续报十二"
    assert kind_name(ReportKind.verification) == "核报"
    assert kind_name(ReportKind.final) == "终报"


def test_required_elements_per_kind():
    assert set(REQUIRED) == set(ReportKind)
    phone = [e.key for e in required(ReportKind.phone, "accident")]
    assert phone == ["reporting_unit", "unit", "type", "occurred_at", "place", "casualties"]
    # the statutory unit and loss (S1 Art.12) are asked of accidents only
    assert "unit" not in [e.key for e in required(ReportKind.written, "natural")]
    assert "direct_loss" not in [e.key for e in required(ReportKind.final, "natural")]
    assert mark("unit") == "【待核实：事发单位】"
