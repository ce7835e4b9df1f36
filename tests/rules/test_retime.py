"""Issue 13: a stricter situation re-times running clocks (`tighten`); a corrected occurrence or
receipt time re-counts the clocks counted from it (`retime_for_anchors`); the national pack's
S1 2-hour first report for 较大 and 一般."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchdesk.models.incident import Deadline, DeadlineStatus, Grade, ReportKind
from watchdesk.rules.deadlines import ClockSpec, initial_clocks, retime_for_anchors, tighten
from watchdesk.rules.rulepack import load_pack

SH = ZoneInfo("Asia/Shanghai")
P, W, F = ReportKind.phone, ReportKind.written, ReportKind.followup
OCCURRED = datetime(2024, 5, 1, 7, 50, tzinfo=SH)
RECEIVED = datetime(2024, 5, 1, 8, 0, tzinfo=SH)


def local(hh: int, mm: int, day: int = 1) -> datetime:
    return datetime(2024, 5, day, hh, mm, tzinfo=SH)


def started(pack_id: str, grade: Grade, sensitive: bool = False) -> list[Deadline]:
    """The clocks an incident of `grade` started with, as the store would hold them."""
    specs = initial_clocks(
        load_pack(pack_id),
        grade=grade,
        sensitive=sensitive,
        occurred_at=OCCURRED,
        received_at=RECEIVED,
        tz=SH,
    )
    return [as_deadline(i, c) for i, c in enumerate(specs, 1)]


def as_deadline(i: int, c: ClockSpec, status=DeadlineStatus.running) -> Deadline:
    return Deadline(
        id=i,
        incident_id=1,
        kind=c.kind,
        seq=c.seq,
        due_at=c.due_at,
        status=status,
        rule_id=c.rule_id,
        pack_id=c.pack_id,
        source=c.source,
    )


def raise_to(pack_id, clocks, grade, sensitive=False, reports=()):
    return tighten(
        load_pack(pack_id),
        grade=grade,
        sensitive=sensitive,
        occurred_at=OCCURRED,
        received_at=RECEIVED,
        tz=SH,
        clocks=clocks,
        reports=reports,
    )


def moved(t) -> dict:
    return {d.kind: (c.due_at, c.rule_id) for d, c in t.retimed}


def test_henan_relmajor_to_major_written_1h_becomes_35m():
    t = raise_to("henan", started("henan", Grade.III), Grade.II)
    assert moved(t)[W] == (local(8, 25), "written-major")  # occurred 07:50 + 35 min
    assert [(c.kind, c.due_at) for c in t.added] == [(P, local(8, 5))]  # 15 min phone
    assert F not in moved(t)  # 08:00/17:00 for 较大 and above already


def test_city_relmajor_to_major_30_60_becomes_15_30():
    t = raise_to("city-15-30", started("city-15-30", Grade.III), Grade.II)
    assert moved(t)[P] == (local(8, 5), "phone-major")
    assert moved(t)[W] == (local(8, 20), "written-major")
    assert moved(t)[F] == (local(20, 0), "followup-major")  # daily → every 12 h
    assert t.added == []


def test_national_relmajor_to_major_followup_daily_becomes_twice_a_day():
    t = raise_to("national", started("national", Grade.III), Grade.II)
    assert moved(t)[F] == (local(20, 0), "followup-major")  # received 08:00 + 12 h
    # the S1 2-hour written clock (10:00) becomes S9's 1 hour from the occurrence (08:50)
    assert moved(t)[W] == (local(8, 50), "written-major")
    assert [c.kind for c in t.added] == [P]


def test_henan_marked_sensitive_written_6h_becomes_35m():
    t = raise_to("henan", started("henan", Grade.IV), Grade.IV, sensitive=True)
    assert moved(t)[W] == (local(8, 25), "written-major")
    assert moved(t)[F] == (local(17, 0), "followup-relmajor-up")
    assert [c.kind for c in t.added] == [P]


def test_a_running_clock_never_moves_later():
    # Already due sooner than the new rule would make it: it keeps its time.
    clocks = started("henan", Grade.III)
    early = [c.model_copy(update={"due_at": local(8, 10)}) if c.kind == W else c for c in clocks]
    assert W not in moved(raise_to("henan", early, Grade.II))


def test_a_reported_clock_stays_and_is_not_started_again():
    clocks = started("henan", Grade.III)
    done = [
        c.model_copy(update={"status": DeadlineStatus.done, "done_at": local(8, 40)})
        if c.kind == W
        else c
        for c in clocks
    ]
    t = raise_to("henan", done, Grade.II, reports=[(W, 0, local(8, 40))])
    assert W not in moved(t) and W not in {c.kind for c in t.added}
    # a report made without a clock counts as reported too
    t = raise_to(
        "henan", [c for c in clocks if c.kind != W], Grade.II, reports=[(W, 0, local(8, 40))]
    )
    assert W not in {c.kind for c in t.added}


def test_followup_counted_from_the_last_one_made():
    # 续报一 made at 09:00; 续报二 running, due next day 09:00 (daily). Raised to 重大: 12 h.
    f2 = ClockSpec(F, 2, local(9, 0, day=2), "followup-minor", "national", "S10")
    clocks = [c for c in started("national", Grade.III) if c.kind != F] + [as_deadline(9, f2)]
    t = raise_to("national", clocks, Grade.II, reports=[(F, 1, local(9, 0))])
    (d, spec), *_ = [(d, c) for d, c in t.retimed if d.kind == F]
    assert d.id == 9 and spec.seq == 2 and spec.due_at == local(21, 0)


def test_not_stricter_changes_nothing():
    t = raise_to("national", started("national", Grade.II), Grade.II)
    assert t.added == [] and t.retimed == []


# -- the national first report for 较大 and 一般 (S1 Art.9-10) ------------------------------------
@pytest.mark.parametrize("grade", [Grade.III, Grade.IV])
def test_national_written_within_2h_of_receipt_for_lower_grades(grade):
    (w,) = [c for c in started("national", grade) if c.kind == W]
    assert w.due_at == RECEIVED + timedelta(hours=2)
    assert w.rule_id == "written-initial"
    assert "第493号" in w.source and "2小时" in w.source and "[C1]" in w.source
    assert P not in {c.kind for c in started("national", grade)}


@pytest.mark.parametrize("grade", [Grade.I, Grade.II])
def test_national_major_keeps_30_60(grade):
    got = {c.kind: c for c in started("national", grade)}
    assert got[P].due_at == OCCURRED + timedelta(minutes=30)
    assert got[W].due_at == OCCURRED + timedelta(hours=1) and got[W].rule_id == "written-major"


def test_sensitive_lower_grade_takes_the_stricter_written_rule():
    got = {c.kind: c for c in started("national", Grade.IV, sensitive=True)}
    assert got[W].rule_id == "written-major"  # 1 h from occurrence beats 2 h from receipt


# -- corrected occurrence / receipt times --------------------------------------------------------
def anchors(clocks, occurred, received=RECEIVED, pack_id="national", made=0):
    return {
        d.kind: c.due_at
        for d, c in retime_for_anchors(
            load_pack(pack_id),
            clocks=clocks,
            occurred_at=occurred,
            received_at=received,
            tz=SH,
            followups_made=made,
        )
    }


def test_occurrence_edit_recounts_clocks_counted_from_it():
    clocks = started("national", Grade.II)
    got = anchors(clocks, local(7, 20))
    assert got == {P: local(7, 50), W: local(8, 20)}  # follow-ups count from receipt
    # later as well as earlier: the clock follows the corrected fact
    assert anchors(clocks, local(7, 58)) == {P: local(8, 28), W: local(8, 58)}


def test_unknown_occurrence_falls_back_to_receipt():
    assert anchors(started("national", Grade.I), None) == {P: local(8, 30), W: local(9, 0)}


def test_receipt_edit_moves_the_s1_clock_and_followup_one():
    clocks = started("national", Grade.IV)
    got = anchors(clocks, OCCURRED, received=local(7, 55))
    assert got == {W: local(9, 55), F: local(7, 55, day=2)}
    # once a follow-up is made the next counts from it, not from the receipt
    assert F not in anchors(clocks, OCCURRED, received=local(7, 55), made=1)


def test_reported_and_foreign_clocks_are_not_recounted():
    clocks = started("national", Grade.II)
    done = [c.model_copy(update={"status": DeadlineStatus.done}) for c in clocks]
    assert anchors(done, local(7, 20)) == {}
    other = [c.model_copy(update={"pack_id": "henan"}) for c in clocks]
    assert anchors(other, local(7, 20)) == {}
    unchanged = anchors(clocks, OCCURRED)
    assert unchanged == {}


def test_datetimes_in_utc():
    (d, c), *_ = retime_for_anchors(
        load_pack("national"),
        clocks=started("national", Grade.II),
        occurred_at=local(7, 0),
        received_at=RECEIVED,
        tz=SH,
    )
    assert c.due_at.utcoffset() == timedelta(0) and c.due_at == datetime(
        2024, 4, 30, 23, 30, tzinfo=UTC
    )
