from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from watchdesk.models.incident import Grade, ReportKind
from watchdesk.rules.deadlines import (
    ClockSpec,
    clocks_added_by_regrade,
    initial_clocks,
    lateness,
    next_followup,
    verification_due,
)
from watchdesk.rules.rulepack import load_pack, parse_pack, shipped_packs

SH = ZoneInfo("Asia/Shanghai")
UTC = UTC
P, W, F = ReportKind.phone, ReportKind.written, ReportKind.followup
# Occurred 2024-05-01 07:50 Beijing time, given in UTC; received 08:00 Beijing time.
OCCURRED = datetime(2024, 4, 30, 23, 50, tzinfo=UTC)
RECEIVED = datetime(2024, 5, 1, 8, 0, tzinfo=SH)


def local(day: int, hh: int, mm: int, month: int = 5) -> datetime:
    return datetime(2024, month, day, hh, mm, tzinfo=SH)


def summary(clocks: list[ClockSpec]) -> list[tuple]:
    return [(c.kind, c.seq, c.due_at, c.rule_id) for c in clocks]


def clocks(pack_id: str, grade: Grade, sensitive: bool = False, occurred=OCCURRED):
    return initial_clocks(
        load_pack(pack_id),
        grade=grade,
        sensitive=sensitive,
        occurred_at=occurred,
        received_at=RECEIVED,
        tz=SH,
    )


MAJOR_NAT = [
    (P, 0, local(1, 8, 20), "phone-major"),
    (W, 0, local(1, 8, 50), "written-major"),
    (F, 1, local(1, 20, 0), "followup-major"),
]
# S1 Art.9-10: each level reports within 2 hours of receipt (issue 13).
MINOR_NAT = [(W, 0, local(1, 10, 0), "written-initial"), (F, 1, local(2, 8, 0), "followup-minor")]
MAJOR_CITY = [
    (P, 0, local(1, 8, 5), "phone-major"),
    (W, 0, local(1, 8, 20), "written-major"),
    (F, 1, local(1, 20, 0), "followup-major"),
]
MAJOR_HENAN = [
    (P, 0, local(1, 8, 5), "phone-major"),
    (W, 0, local(1, 8, 25), "written-major"),
    (F, 1, local(1, 17, 0), "followup-relmajor-up"),
]


@pytest.mark.parametrize(
    "pack_id, grade, expected",
    [
        ("national", Grade.I, MAJOR_NAT),
        ("national", Grade.II, MAJOR_NAT),
        ("national", Grade.III, MINOR_NAT),
        ("national", Grade.IV, MINOR_NAT),
        ("city-15-30", Grade.I, MAJOR_CITY),
        ("city-15-30", Grade.II, MAJOR_CITY),
        (
            "city-15-30",
            Grade.III,
            [
                (P, 0, local(1, 8, 20), "phone-relmajor"),
                (W, 0, local(1, 8, 50), "written-relmajor"),
                (F, 1, local(2, 8, 0), "followup-minor"),
            ],
        ),
        ("city-15-30", Grade.IV, [(F, 1, local(2, 8, 0), "followup-minor")]),
        ("henan", Grade.I, MAJOR_HENAN),
        ("henan", Grade.II, MAJOR_HENAN),
        (
            "henan",
            Grade.III,
            [
                (W, 0, local(1, 8, 50), "written-relmajor"),
                (F, 1, local(1, 17, 0), "followup-relmajor-up"),
            ],
        ),
        (
            "henan",
            Grade.IV,
            [
                (W, 0, local(1, 13, 50), "written-ordinary"),
                (F, 1, local(2, 8, 0), "followup-ordinary"),
            ],
        ),
    ],
)
def test_initial_clocks_every_pack_and_grade(pack_id, grade, expected):
    got = clocks(pack_id, grade)
    assert summary(got) == expected
    for c in got:
        assert c.pack_id == pack_id and c.source
        assert c.due_at.utcoffset() == timedelta(0)  # returned in UTC


@pytest.mark.parametrize(
    "pack_id, expected",
    [
        ("national", MAJOR_NAT),
        ("city-15-30", MAJOR_CITY),
        # Henan: sensitive rule (35m) beats the ordinary 6h written rule; 17:00 beats 24h.
        ("henan", MAJOR_HENAN),
    ],
)
def test_sensitive_ordinary_incident_gets_major_clocks(pack_id, expected):
    assert summary(clocks(pack_id, Grade.IV, sensitive=True)) == expected


def test_strictest_of_several_rules_wins():
    got = {c.kind: c for c in clocks("henan", Grade.III, sensitive=True)}
    assert got[W].due_at == local(1, 8, 25) and got[W].rule_id == "written-major"


@pytest.mark.parametrize("pack_id", shipped_packs())
def test_anchor_falls_back_to_received(pack_id):
    got = {c.kind: c for c in clocks(pack_id, Grade.I, occurred=None)}
    within = {"national": 30, "city-15-30": 15, "henan": 15}[pack_id]
    assert got[P].due_at == RECEIVED + timedelta(minutes=within)


@pytest.mark.parametrize(
    "pack_id, grade, hours",
    [
        ("national", Grade.I, 12),
        ("national", Grade.III, 24),
        ("national", Grade.IV, 24),
        ("city-15-30", Grade.II, 12),
        ("city-15-30", Grade.IV, 24),
        ("henan", Grade.IV, 24),
    ],
)
def test_followup_every_n_from_previous_report(pack_id, grade, hours):
    after = datetime(2024, 5, 1, 22, 40, tzinfo=UTC)
    c = next_followup(load_pack(pack_id), grade=grade, sensitive=False, after=after, seq=3, tz=SH)
    assert c is not None and c.seq == 3 and c.kind is F
    assert c.due_at == after + timedelta(hours=hours)


@pytest.mark.parametrize(
    "after_utc, due_local",
    [
        (datetime(2024, 4, 30, 23, 59, 59, tzinfo=UTC), local(1, 8, 0)),  # 07:59:59 local
        (datetime(2024, 5, 1, 0, 0, tzinfo=UTC), local(1, 17, 0)),  # exactly 08:00: next one
        (datetime(2024, 5, 1, 8, 59, tzinfo=UTC), local(1, 17, 0)),  # 16:59 local
        (datetime(2024, 5, 1, 9, 0, tzinfo=UTC), local(2, 8, 0)),  # exactly 17:00
        (datetime(2024, 5, 1, 9, 30, tzinfo=UTC), local(2, 8, 0)),  # 17:30, across midnight
        (datetime(2024, 5, 1, 16, 30, tzinfo=UTC), local(2, 8, 0)),  # 00:30 local next day
        (datetime(2024, 12, 31, 10, 0, tzinfo=UTC), datetime(2025, 1, 1, 8, 0, tzinfo=SH)),
    ],
)
@pytest.mark.parametrize("grade", [Grade.I, Grade.II, Grade.III])
def test_followup_fixed_times_henan(after_utc, due_local, grade):
    c = next_followup(
        load_pack("henan"), grade=grade, sensitive=False, after=after_utc, seq=2, tz=SH
    )
    assert c is not None and c.rule_id == "followup-relmajor-up"
    assert c.due_at == due_local


def test_fixed_times_follow_the_desk_zone():
    after = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)  # 17:30 Shanghai, 05:30 New York
    c = next_followup(
        load_pack("henan"),
        grade=Grade.III,
        sensitive=False,
        after=after,
        seq=1,
        tz=ZoneInfo("America/New_York"),
    )
    ny_8am = datetime(2024, 5, 1, 8, 0, tzinfo=ZoneInfo("America/New_York"))
    assert c is not None and c.due_at == ny_8am


def test_next_followup_none_and_bad_seq(tmp_path):
    f = tmp_path / "nofollow.toml"
    f.write_text(PHONE_ONLY, encoding="utf-8")
    pack = load_pack(str(f))
    assert next_followup(pack, grade=Grade.I, sensitive=False, after=RECEIVED, seq=1, tz=SH) is None
    with pytest.raises(ValueError, match="seq"):
        next_followup(
            load_pack("national"), grade=Grade.I, sensitive=False, after=RECEIVED, seq=0, tz=SH
        )


PHONE_ONLY = """
[pack]
id = "x"
name_zh = "x"
name_en = "x"
source = "test"
verification_default = "1h30m"
[[rule]]
id = "p"
kind = "phone"
grades = ["I"]
within = "10m"
source = "test"
"""


def regrade(pack_id, old, new, existing):
    return clocks_added_by_regrade(
        load_pack(pack_id),
        old_grade=old,
        new_grade=new,
        sensitive=False,
        occurred_at=OCCURRED,
        received_at=RECEIVED,
        tz=SH,
        existing_kinds=existing,
    )


def test_regrade_iv_to_ii_adds_phone_and_written_from_original_anchors():
    got = regrade("national", Grade.IV, Grade.II, {F})
    assert summary(got) == MAJOR_NAT[:2]  # already overdue if regraded late: correct


def test_regrade_keeps_existing_kinds():
    assert [c.kind for c in regrade("henan", Grade.IV, Grade.II, {W, F})] == [P]
    assert [c.kind for c in regrade("national", Grade.IV, Grade.I, set())] == [P, W, F]


@pytest.mark.parametrize("old, new", [(Grade.II, Grade.II), (Grade.II, Grade.IV)])
def test_regrade_not_raised_adds_nothing(old, new):
    assert regrade("national", old, new, set()) == []


def test_naive_datetimes_rejected():
    pack = load_pack("national")
    naive = datetime(2024, 5, 1, 8, 0)
    with pytest.raises(ValueError, match="received_at"):
        initial_clocks(
            pack, grade=Grade.I, sensitive=False, occurred_at=None, received_at=naive, tz=SH
        )
    with pytest.raises(ValueError, match="occurred_at"):
        initial_clocks(
            pack, grade=Grade.I, sensitive=False, occurred_at=naive, received_at=RECEIVED, tz=SH
        )
    with pytest.raises(ValueError, match="after"):
        next_followup(pack, grade=Grade.I, sensitive=False, after=naive, seq=1, tz=SH)
    with pytest.raises(ValueError, match="requested_at"):
        verification_due(pack, naive, None)
    with pytest.raises(ValueError, match="due_at"):
        lateness(naive, RECEIVED)


@pytest.mark.parametrize("pack_id", shipped_packs())
def test_verification_due(pack_id):
    pack = load_pack(pack_id)
    assert verification_due(pack, RECEIVED, None) == RECEIVED + timedelta(minutes=60)
    given = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    assert verification_due(pack, RECEIVED, given) == given


def test_verification_default_from_custom_pack(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(PHONE_ONLY, encoding="utf-8")
    assert verification_due(load_pack(str(f)), RECEIVED, None) == RECEIVED + timedelta(minutes=90)


DUE = datetime(2024, 5, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "done, seconds",
    [
        (DUE - timedelta(minutes=5), -300),
        (DUE - timedelta(seconds=1), -1),
        (DUE - timedelta(milliseconds=500), 0),
        (DUE, 0),
        (DUE.astimezone(SH), 0),
        (DUE + timedelta(microseconds=1), 1),
        (DUE + timedelta(seconds=1), 1),
        (DUE + timedelta(hours=2), 7200),
    ],
)
def test_lateness(done, seconds):
    assert lateness(DUE, done) == seconds


def test_parse_pack_used_for_shipped_text_is_consistent():
    # parse_pack names its `where` argument in errors; shipped packs parse cleanly.
    for pid in shipped_packs():
        pack = load_pack(pid)
        assert pack.id == pid and pack.rules
        assert all(r.source.strip() for r in pack.rules)
        assert "[I]" in pack.verification_source
    assert shipped_packs()[0] == "national"
    assert {"national", "henan", "city-15-30"} <= set(shipped_packs())
    assert parse_pack(PHONE_ONLY, "mem").path == "mem"
