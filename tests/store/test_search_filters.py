"""Search with words and a filter (issue 19): the same hits whichever way the search goes
(the full-text walk, a filter's set, a filter's incidents read), and the filters read through
indexes, never by scanning the incidents."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.helpers import facts
from watchdesk.models.area import AreaInput
from watchdesk.store import search as search_module
from watchdesk.store.db import to_db
from watchdesk.store.search import _stored_checks, fts_levels
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
    for col in ("grade", "category", "status"):
        if f.get(col) is not None:
            where.append(f"i.{col} = ?")
            args.append(f[col])
    if f.get("since") is not None:
        where.append("i.received_at >= ?")
        args.append(to_db(f["since"]))
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

# Each way a search can go, forced by the thresholds: walk only; a filter's set after a
# two-match first batch; a filter's incidents read after it.
WAYS = {
    "walk": {"WALK_FIRST": 2, "WALK_BATCH": 4, "SET_MAX": -1, "READ_MAX": -1},
    "set": {
        "WALK_FIRST": 2,
        "WALK_BATCH": 4,
        "SET_MAX": 10**6,
        "READ_MAX": -1,
        "SET_PER_MATCH": 10**6,
    },
    "read": {
        "WALK_FIRST": 2,
        "WALK_BATCH": 4,
        "SET_MAX": 10**6,
        "READ_MAX": 10**6,
        "SET_PER_MATCH": 10**6,
    },
    "as shipped": {},
}


@pytest.mark.parametrize("way", list(WAYS))
def test_every_way_finds_the_same_hits(store, clock, desk, monkeypatch, way):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(search_module, name, value)
    since = clock() - timedelta(days=20)
    for f in FILTERS + [{"since": since}, {"since": since, "category": "natural"}]:
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
    if query:  # each match is checked in the narrow index, not in the incident's wide row
        assert any("incidents_filters" in p for p in plan), plan


def test_stored_checks_only_for_what_the_stored_text_answers_exactly():
    assert _stored_checks(match_query("石桥村")) == [("c1", " 石桥 桥村 ")]
    assert _stored_checks(match_query("亡")) == [("c0", " 亡 ")]
    assert _stored_checks(match_query("G107 城关")) == [("c0", " g107"), ("c1", " 城关 ")]
    # Accented letters: the tokenizer folds them, the stored text does not.
    assert _stored_checks(match_query("café")) is None


def test_fts_levels_reads_the_structure(store, clock):
    for k in range(5):
        store.incidents.add(facts(clock, description=f"第{k}号仓库起火"))
    levels = fts_levels(store.db, "incidents_fts")
    assert sum(len(level) for level in levels) == 5  # automerge off: a segment a save
    assert all(size >= 1 for level in levels for size in level)
