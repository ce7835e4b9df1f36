"""Written reports found by their words (issue 14): the report's own full-text index (its title
and text as drafted or edited), the incident filters applied to the report's incident, the date
range to when it was sent (or drafted); a hit names the incident it opens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.report import cases
from watchdesk.i18n import using
from watchdesk.models.incident import Grade, ReportKind
from watchdesk.models.officer import Actor, ActorKind, Officer
from watchdesk.models.roster import Role
from watchdesk.report.written_pdf import font_problem
from watchdesk.store.desk import Store
from watchdesk.store.search import around

needs_font = pytest.mark.skipif(font_problem() is not None, reason="no CJK TrueType font")


def _as(store: Store, name: str) -> None:
    o = store.officers.resolve(name)
    store.act_as(Actor(name=o.name, officer_id=o.id, kind=ActorKind.officer))


@pytest.fixture
def desk(store, clock):
    for name, roles in (
        ("孙丽娜", [Role.chief]),
        ("赵磊", [Role.chief]),
        ("王建国", [Role.leader]),
    ):
        store.officers.add(Officer(name=name, roles=roles))
    inc, moments = cases.major_road(store, clock)
    clock.set(moments["written"])
    _as(store, "孙丽娜")
    return store, clock, inc


def _hits(store, q, **kw):
    return [(h.kind, h.id) for h in store.search.search(q, **kw)]


def test_found_by_words_only_its_text_has(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    edited = store.written.edit(
        rep.id,
        title=rep.title,
        body=rep.body + "\n市交通运输局已派出专家组赶赴现场。",
        version=rep.version,
    )
    with using("zh"):
        hits = store.search.search("专家组")
    assert [(h.kind, h.id) for h in hits] == [("report", rep.id)]
    hit = hits[0]
    assert hit.incident_id == inc and hit.grade == Grade.II and hit.status == "draft"
    assert hit.title == edited.title and hit.snippet.startswith("书面报告 · ")
    assert "专家组" in hit.snippet
    # The title's words too, beside the incident that holds them.
    assert ("report", rep.id) in _hits(store, "客车侧翻") or ("report", rep.id) in _hits(
        store, "道路交通事故"
    )
    assert _hits(store, "专家组", include_reports=False) == []


@needs_font
def test_a_signed_report_shows_its_serial(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    for who, step in (("孙丽娜", "drafted"), ("赵磊", "checked"), ("王建国", "signed")):
        _as(store, who)
        store.written.sign(rep.id, step)
    with using("en"):
        hit = next(h for h in store.search.search("道路交通事故") if h.kind == "report")
    assert hit.snippet.startswith("〔2026〕第1期 Written report · ") and hit.status == "signed"


def test_filters_apply_to_the_reports_incident_and_date(desk):
    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    clock.advance(minutes=30)
    rep = store.written.send(rep.id, via="fax", without_chain=True)
    found = ("report", rep.id)
    q = "道路交通事故"
    assert found in _hits(store, q, grade=Grade.II)
    assert found not in _hits(store, q, grade=Grade.IV)
    assert found in _hits(store, q, category="accident")
    assert found not in _hits(store, q, category="natural")
    assert found in _hits(store, q, status="open")
    assert found not in _hits(store, q, status="closed")
    sent = rep.sent_at
    assert sent is not None
    assert found in _hits(store, q, since=sent - timedelta(minutes=1), until=sent + timedelta(1))
    assert found not in _hits(store, q, since=sent + timedelta(minutes=1))
    assert found not in _hits(store, q, until=sent)
    hit = next(h for h in store.search.search(q) if h.kind == "report")
    assert hit.at == sent and hit.status == "sent"


def test_mixed_hits_newest_first(desk):
    store, clock, inc = desk
    clock.advance(minutes=10)
    rep = store.written.create(inc, ReportKind.written)
    hits = store.search.search("G107")
    kinds = [h.kind for h in hits]
    assert "report" in kinds and "incident" in kinds
    assert [h.at for h in hits] == sorted((h.at for h in hits), reverse=True)
    assert hits[0].kind == "report" and hits[0].id == rep.id


def test_nothing_searchable_nothing_found(desk):
    store, clock, inc = desk
    store.written.create(inc, ReportKind.written)
    assert store.search.search("，。") == []
    assert all(h.kind == "incident" for h in store.search.search(""))


def test_around_shows_where_the_word_is():
    text = "一" * 50 + "专家组赶赴现场" + "二" * 100
    got = around(text, "专家组")
    assert got.startswith("…") and "专家组" in got and len(got) <= 81
    assert around("短文本", "没有") == "短文本"


async def test_a_report_hit_opens_its_incident(desk, db_path):
    """The console's search (/): the report is listed as a written report with its state, and
    Enter on it opens the incident it belongs to."""
    from watchdesk.app import make_app
    from watchdesk.config import Settings

    store, clock, inc = desk
    rep = store.written.create(inc, ReportKind.written)
    store.written.edit(
        rep.id, title=rep.title, body=rep.body + "\n已派出专家组。", version=rep.version
    )
    app = make_app(db_path, settings=Settings(), clock=clock, poll=False)
    with using("zh"):
        await _open_from_search(app, clock, inc, rep.id)


async def _open_from_search(app, clock, inc: int, rid: int) -> None:
    from textual.widgets import DataTable

    from tests.helpers import settle
    from watchdesk.screens.incident import IncidentScreen
    from watchdesk.screens.search import SearchScreen

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, lambda: app.loads >= 1, what="the dashboard", workers=True)
        app.push_screen(SearchScreen("专家组"))
        await settle(
            pilot,
            lambda: isinstance(app.screen, SearchScreen) and app.screen.hits,
            what="the hits",
            workers=True,
        )
        screen = app.screen
        assert [(h.kind, h.id) for h in screen.hits] == [("report", rid)]
        row = [str(c) for c in screen.query_one(DataTable).get_row_at(0)]
        assert row[1] == "书面报告" and row[-1] == "草稿"
        screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentScreen), what="the incident")
        assert app.screen.incident_id == inc
