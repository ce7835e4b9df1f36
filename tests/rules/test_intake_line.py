"""Pure tests (issue 13): a time typed as HH:MM is the most recent such moment that is not in
the future, 昨HH:MM is yesterday's, in the form as on the line; duty officers' words for common
event types are aliases; the one-line reading names every word it did not understand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.helpers import TZ
from watchdesk.errors import InputError
from watchdesk.rules.categories import resolve
from watchdesk.rules.intake import facts_from_mapping, parse_line, read_line
from watchdesk.text.timefmt import parse_past_time, past_clock_time

NIGHT = datetime(2026, 11, 22, 2, 10, tzinfo=TZ)
DAY = datetime(2026, 11, 22, 14, 29, tzinfo=TZ)


@pytest.mark.parametrize(
    "now, text, expected",
    [
        (NIGHT, "23:00", datetime(2026, 11, 21, 23, 0, tzinfo=TZ)),  # not tonight
        (NIGHT, "02:10", NIGHT),  # now is not in the future
        (NIGHT, "02:11", datetime(2026, 11, 21, 2, 11, tzinfo=TZ)),
        (NIGHT, "01:55", datetime(2026, 11, 22, 1, 55, tzinfo=TZ)),
        (NIGHT, "昨23:00", datetime(2026, 11, 21, 23, 0, tzinfo=TZ)),
        (NIGHT, "昨天 01:00", datetime(2026, 11, 21, 1, 0, tzinfo=TZ)),
        (NIGHT, "前天23:00", datetime(2026, 11, 20, 23, 0, tzinfo=TZ)),
        (DAY, "14:05", datetime(2026, 11, 22, 14, 5, tzinfo=TZ)),
        (DAY, "14:05:30", datetime(2026, 11, 22, 14, 5, 30, tzinfo=TZ)),
        (DAY, "14：05", datetime(2026, 11, 22, 14, 5, tzinfo=TZ)),  # a full-width colon
        (DAY, "2026-11-22 16:00", datetime(2026, 11, 22, 16, 0, tzinfo=TZ)),  # a date: as typed
    ],
)
def test_parse_past_time(now, text, expected):
    assert parse_past_time(text, TZ, now=now) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "12:60", "昨25:00", "明天"])
def test_parse_past_time_refuses_what_is_not_a_time(text):
    with pytest.raises(ValueError, match="not a time"):
        parse_past_time(text, TZ, now=NIGHT)


def test_past_clock_time_counts_the_desk_day_from_a_utc_now():
    # 02:10 in Shanghai is 18:10 UTC the day before: the desk's day counts, not UTC's.
    utc_now = NIGHT.astimezone(UTC)
    assert past_clock_time(23, 0, TZ, now=utc_now) == datetime(2026, 11, 21, 23, 0, tzinfo=TZ)
    assert past_clock_time(1, 0, TZ, now=utc_now) == datetime(2026, 11, 22, 1, 0, tzinfo=TZ)


def test_the_form_reads_times_the_same_way():
    f = facts_from_mapping(
        {
            "place": "东街",
            "category": "火灾",
            "description": "民房起火",
            "occurred_at": "23:00",
            "received_at": "昨23:05",
        },
        now=NIGHT,
        tz=TZ,
    )
    assert f.occurred_at == datetime(2026, 11, 21, 23, 0, tzinfo=TZ)
    assert f.received_at == datetime(2026, 11, 21, 23, 5, tzinfo=TZ)


def test_the_line_reads_times_the_same_way():
    assert parse_line("火灾 @东街 23:00", now=NIGHT, tz=TZ)["occurred_at"] == datetime(
        2026, 11, 21, 23, 0, tzinfo=TZ
    )
    assert parse_line("火灾 @东街 昨01:00", now=NIGHT, tz=TZ)["occurred_at"] == datetime(
        2026, 11, 21, 1, 0, tzinfo=TZ
    )


@pytest.mark.parametrize(
    "word, category, subtype",
    [
        ("爆炸", "accident", "work_safety"),
        ("瓦斯爆炸", "accident", "work_safety"),
        ("坍塌", "accident", "construction"),
        ("房屋倒塌", "accident", "construction"),
        ("泄漏", "accident", "hazchem"),
        ("泄露", "accident", "hazchem"),
        ("漏气", "accident", "gas"),
        ("溺水", "accident", None),
        ("触电", "accident", None),
        ("火警", "accident", "fire"),
        ("追尾", "accident", "road_traffic"),
        ("电梯困人", "accident", "public_facility"),
        ("坠机", "accident", "aviation"),
        ("塌方", "natural", "geological"),
        ("山体滑坡", "natural", "geological"),
        ("溃坝", "natural", "flood_drought"),
        ("龙卷风", "natural", "meteorological"),
        ("猪瘟", "public_health", "animal_epidemic"),
        ("讨薪", "social_security", "mass_incident"),
        ("持刀", "social_security", "criminal_case"),
    ],
)
def test_duty_officers_words_are_aliases(word, category, subtype):
    c, s = resolve(word)
    assert (c.code, s.code if s else None) == (category, subtype)
    fields = parse_line(f"{word} @东街", now=DAY, tz=TZ)
    assert (fields["category"], fields["subtype"] or None) == (category, subtype)


def test_the_reading_names_every_word_not_understood():
    r = read_line("火灾 @东街 25:99 #特大 损99999999999亿", now=DAY, tz=TZ)
    assert [(p.token, p.code) for p in r.problems] == [
        ("25:99", "time"),
        ("#特大", "grade"),
        ("损99999999999亿", "loss"),
    ]
    assert r.fields["category"] == "accident" and not r.complete


def test_an_unknown_type_word_is_the_type_meant():
    r = read_line("怪事 @化工园区 亡11 有人被困", now=DAY, tz=TZ)
    assert [(p.token, p.code) for p in r.problems] == [("怪事", "unknown_type")]
    assert r.type_word == "怪事" and r.fields["dead"] == 11
    assert r.fields["description"] == "有人被困"  # the type word is not the description
    r = read_line("@东街 亡1", now=DAY, tz=TZ)
    assert [p.code for p in r.problems] == ["no_type"]
    with pytest.raises(InputError) as e:
        parse_line("怪事 @东街", now=DAY, tz=TZ)
    assert e.value.field == "category"


def test_a_complete_line_needs_a_type_and_a_place_and_writes_the_description():
    r = read_line("坍塌 @在建工地 困2", now=DAY, tz=TZ)
    assert r.complete and r.fields["description"] == "坍塌（在建工地）"
    r = read_line("坍塌 困2", now=DAY, tz=TZ)
    assert not r.problems and not r.complete  # the place is missing: the form asks for it
