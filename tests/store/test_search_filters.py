"""Search with words and a filter (issue 19): the same hits as the filters checked on every
match, whatever the batches and whether the months of a date range are searched as tokens; the
filter values kept in step in the full-text index (m21's `tag` column) through every change; a
person's words never reaching them; and the filters read through indexes, never by scanning
the incidents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.helpers import facts
from watchdesk.models.area import AreaInput
from watchdesk.store import search as search_module
from watchdesk.store.db import to_db
from watchdesk.store.migrations import M21_TAGS
from watchdesk.store.search import TAGS_SQL, fts_levels, periods, tag_token
from watchdesk.text.fulltext import match_query

PLACES = ["城关镇东街", "石桥村", "东坡街道建设路", "青山铺镇"]
WORDS = ["居民楼起火", "燃气泄漏", "山体滑坡", "食物中毒", "道路交通事故", "溺水"]
CATEGORIES = ["accident", "natural", "public_health", "social_security"]
SUBTYPES = {
    "accident": "fire",
    "natural": "geological",
    "public_health": "food_safety",
    "social_security": "mass_incident",
}
QUERIES = ["起火", "石桥村", "滑坡", "中毒", "城关", "交通", "溺", "g107", "泄漏 东街", "没有这句"]


@pytest.fixture
def desk(store, clock):
    """60 incidents over 60 days: places, words, categories, grades (by the dead) and statuses
    (some voided) in cycles of different lengths, so filters and words cross unevenly."""
    ids = []
    start = clock() - timedelta(days=60)
    for k in range(60):
        category = CATEGORIES[k % 4]
        inc = store.incidents.add(
            facts(
                clock,
                received_at=start + timedelta(days=k, hours=k % 5),
                place=PLACES[k % len(PLACES)],
                category=category,
                subtype=SUBTYPES[category],
                description=WORDS[k % len(WORDS)] + ("，G107国道" if k % 7 == 0 else ""),
                dead=(0, 1, 3, 10, 30)[k % 5],
            )
        )
        ids.append(inc.id)
    for k in range(0, 60, 9):
        store.incidents.void(ids[k], "重复录入")
    return ids


def reference(store, query: str, limit: int = 50, **f) -> list[int]:
    """What a search must find: every match, filtered on the incident's row, newest id first."""
    where, args = [], []
    for col in ("grade", "category", "status", "area_id"):
        if f.get(col) is not None:
            where.append(f"i.{col} = ?")
            args.append(f[col])
    if f.get("since") is not None:
        where.append("i.received_at >= ?")
        args.append(to_db(f["since"]))
    if f.get("until") is not None:
        where.append("i.received_at < ?")
        args.append(to_db(f["until"]))
    cond = "".join(f" AND {w}" for w in where)
    return [
        r[0]
        for r in store.db.execute(
            "SELECT i.id FROM incidents_fts f JOIN incidents i ON i.id = f.rowid"
            f" WHERE incidents_fts MATCH ?{cond} ORDER BY f.rowid DESC LIMIT ?",
            [match_query(query), *args, limit],
        )
    ]


FILTERS = [
    {"grade": "IV"},
    {"grade": "II"},
    {"category": "accident"},
    {"category": "public_health"},
    {"status": "voided"},
    {"status": "open"},
    {"grade": "III", "category": "natural"},
    {"status": "open", "category": "accident"},
]

# Small batches, so that a date range takes several; as shipped.
WAYS = {
    "small batches": {"WALK_FIRST": 2, "WALK_BATCH": 4},
    "as shipped": {},
}


@pytest.mark.parametrize("way", list(WAYS))
def test_every_way_finds_the_same_hits(store, clock, desk, monkeypatch, way):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(search_module, name, value)
    since = clock() - timedelta(days=20)
    ranges = [
        {"since": since},
        {"since": since, "category": "natural"},
        {"since": clock() - timedelta(days=45), "until": since},
        {"since": clock() - timedelta(days=45), "until": since, "status": "open"},
        {"until": since},
        {"until": since, "grade": "II"},
    ]
    for f in FILTERS + ranges:
        for q in QUERIES:
            for limit in (3, 50):
                want = reference(store, q, limit, **f)
                got = [
                    h.id
                    for h in store.search.search(
                        q, include_log=False, include_reports=False, limit=limit, **f
                    )
                ]
                assert got == want, (way, f, q, limit)


def tags(store, incident_id: int) -> set[str]:
    row = store.db.execute(
        "SELECT tag FROM incidents_fts WHERE rowid = ?", [incident_id]
    ).fetchone()
    return set(row[0].split())


def want_tags(store, incident_id: int) -> set[str]:
    inc = store.incidents.get(incident_id)
    out = {
        tag_token("category", inc.category),
        tag_token("grade", inc.grade.value),
        tag_token("status", inc.status.value),
        "m" + to_db(inc.received_at)[:7].replace("-", ""),
        "y" + to_db(inc.received_at)[:4],
    }
    return out | ({tag_token("area_id", inc.area_id)} if inc.area_id is not None else set())


def test_the_filter_tokens_follow_every_change_of_the_incident(store, clock):
    area = store.areas.add(AreaInput(name="石桥镇"))
    other = store.areas.add(AreaInput(name="青山铺镇"))
    inc = store.incidents.add(
        facts(clock, description="仓库起火", category="accident", subtype="fire", area_id=area.id)
    )
    assert tags(store, inc.id) == want_tags(store, inc.id)
    assert [h.id for h in store.search.search("起火", area_id=area.id)] == [inc.id]
    # An edit: the area, the category, the time received (a month earlier).
    edited = store.incidents.get(inc.id)
    new = facts(
        clock,
        description="仓库起火",
        category="natural",
        subtype="geological",
        area_id=other.id,
        received_at=clock() - timedelta(days=40),
    )
    store.incidents.update(inc.id, new, expected_version=edited.version)
    assert tags(store, inc.id) == want_tags(store, inc.id)
    assert store.search.search("起火", area_id=area.id) == []
    assert store.search.search("起火", category="accident") == []
    assert [h.id for h in store.search.search("起火", area_id=other.id)] == [inc.id]
    assert [h.id for h in store.search.search("起火", category="natural")] == [inc.id]
    # A change the incident's own save does not make (a re-grading, say): the trigger.
    store.db.execute("UPDATE incidents SET grade = 'I' WHERE id = ?", [inc.id])
    assert tags(store, inc.id) == want_tags(store, inc.id)
    assert [h.id for h in store.search.search("起火", grade="I")] == [inc.id]
    # Voided.
    store.incidents.void(inc.id, "重复录入")
    assert tags(store, inc.id) == want_tags(store, inc.id)
    assert [h.id for h in store.search.search("起火", status="voided")] == [inc.id]
    assert store.search.search("起火", status="open") == []


def test_a_persons_words_never_reach_the_filter_tokens(store, clock, desk):
    accident = tag_token("category", "accident")
    month = "m" + to_db(clock())[:7].replace("-", "")
    for q in (
        accident,
        accident[:3],
        month,
        "m20",
        "k",
        "g49",
        f"tag:{accident}",
        f'tag:"{accident}"',
        f"起火 OR tag:{accident}",
        f'"起火" OR {{tag}}:{accident}',
        "NEAR(起火 tag)",
        "起火 *",
        "^起火",
    ):
        hits = store.search.search(q, include_log=False, include_reports=False)
        assert all("起火" in (h.snippet or "") for h in hits), q
        if "起火" not in q:
            assert hits == [], q


def test_a_date_range_is_its_months_and_whole_years():
    assert periods("2024-11-03T00:00:00+00:00", "2025-01-31T23:00:00+00:00") == [
        "m202411",
        "m202412",
        "m202501",
    ]
    assert periods("2022-12-31T23:00:00+00:00", "2025-02-01T00:00:00+00:00") == [
        "m202212",
        "y2023",
        "y2024",
        "m202501",
        "m202502",
    ]
    assert periods("2023-01-01T00:00:00+00:00", "2023-12-31T00:00:00+00:00") == ["y2023"]
    # Every month from the first to the last, once: by its own token or its year's.
    for a in range(2019 * 12, 2022 * 12, 5):
        for b in range(a, 2025 * 12, 7):
            first = f"{a // 12:04d}-{a % 12 + 1:02d}-15T00:00:00+00:00"
            last = f"{b // 12:04d}-{b % 12 + 1:02d}-15T00:00:00+00:00"
            got = periods(first, last)
            months = [f"{k // 12:04d}{k % 12 + 1:02d}" for k in range(a, b + 1)]
            covered = [m for m in months if f"m{m}" in got or f"y{m[:4]}" in got]
            assert covered == months and len(got) == len(set(got)), (first, last)
            assert all(
                t[1:] in months
                if t[0] == "m"
                else all(t[1:] + f"{k:02d}" in months for k in range(1, 13))
                for t in got
            )


def test_the_tokens_are_written_as_m21_writes_them():
    assert TAGS_SQL == M21_TAGS


def test_the_area_filter_finds_the_areas_incidents(store, clock):
    area = store.areas.add(AreaInput(name="石桥镇"))
    other = store.areas.add(AreaInput(name="青山铺镇"))
    ids = []
    for k in range(12):
        inc = store.incidents.add(
            facts(clock, description=f"第{k}号仓库起火", area_id=(area, other)[k % 3 == 0].id)
        )
        ids.append((inc.id, k % 3 != 0))
    want = sorted((i for i, ours in ids if ours), reverse=True)
    assert [h.id for h in store.search.search("起火", area_id=area.id)] == want
    assert [h.id for h in store.search.search("", area_id=area.id)] == want


def plans(store, run) -> list[str]:
    """The query plan of every SELECT a search ran."""
    sqls: list[str] = []
    store.db.conn.set_trace_callback(sqls.append)
    try:
        run()
    finally:
        store.db.conn.set_trace_callback(None)
    out = []
    for sql in sqls:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            out += [r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql)]
    return out


@pytest.mark.parametrize(
    "f",
    [
        {"category": "public_health"},
        {"grade": "II"},
        {"status": "voided"},
        {"category": "accident"},
    ],
)
@pytest.mark.parametrize("query", ["", "起火", "石桥村"])
def test_filters_are_read_through_indexes_never_a_scan_of_the_incidents(
    store, clock, desk, monkeypatch, f, query
):
    # Small batches, so that a search with words takes every step of its way on this small desk.
    monkeypatch.setattr(search_module, "WALK_FIRST", 2)
    monkeypatch.setattr(search_module, "WALK_BATCH", 4)
    plan = plans(store, lambda: store.search.search(query, include_log=False, **f))
    assert plan
    scans = [p for p in plan if re.match(r"SCAN (i|incidents)\b", p)]
    assert scans == [], plan
    if query:  # the filter is searched in the full-text index, with the words
        assert not any("incidents_filters" in p for p in plan), plan


@pytest.mark.parametrize("query", ["", "起火", "石桥村"])
def test_a_date_range_is_read_through_indexes_never_a_scan_of_the_incidents(
    store, clock, desk, monkeypatch, query
):
    monkeypatch.setattr(search_module, "WALK_FIRST", 2)
    monkeypatch.setattr(search_module, "WALK_BATCH", 4)
    f = {"since": clock() - timedelta(days=45), "until": clock() - timedelta(days=20)}
    plan = plans(store, lambda: store.search.search(query, include_log=False, **f))
    assert [p for p in plan if re.match(r"SCAN (i|incidents)\b", p)] == [], plan


def test_fts_levels_reads_the_structure(store, clock):
    for k in range(5):
        store.incidents.add(facts(clock, description=f"第{k}号仓库起火"))
    levels = fts_levels(store.db, "incidents_fts")
    assert sum(len(level) for level in levels) == 5  # automerge off: a segment a save
    assert all(size >= 1 for level in levels for size in level)


def test_an_old_desk_is_told_what_takes_long_and_searches_by_filter_after(
    tmp_path, clock, monkeypatch, capsys
):
    """m21 on an old desk (the fixture of test_legacy_desk, ten migrations behind): said on
    stderr before it runs when the desk is large enough (here: any size), in the UI language,
    and the incidents it held are then found by their filters."""
    from tests.store.test_legacy_desk import _copy
    from watchdesk.i18n import set_language
    from watchdesk.store import migrations
    from watchdesk.store.desk import Store

    monkeypatch.setattr(migrations, "ANNOUNCE_AFTER", 0)
    set_language("zh")
    path = _copy(tmp_path)
    s = Store.open(path, clock=clock, actor="测试员")
    try:
        err = capsys.readouterr().err
        assert "正在升级值班台数据库" in err and "升级完成" in err, err
        n = s.db.execute("SELECT count(*) FROM incidents").fetchone()[0]
        assert n and s.db.execute("SELECT count(*) FROM incidents_fts").fetchone()[0] == n
        for inc in s.db.execute("SELECT id, category, status FROM incidents").fetchall():
            assert tags(s, inc[0]) == want_tags(s, inc[0])
            text = s.db.execute("SELECT title FROM incidents WHERE id = ?", [inc[0]]).fetchone()
            hits = s.search.search(text[0][:2], category=inc[1], status=inc[2], limit=1000)
            assert inc[0] in [h.id for h in hits]
    finally:
        s.close()
