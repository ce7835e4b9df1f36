"""Pilot tests of the incident's area (issue 15): picked in the intake form with pinyin search
(F5), refused at its field when it names no area (the typed text kept), and inferred by the
one-line intake from an `@地点` that starts with an area's name."""

from __future__ import annotations

from tests.helpers import settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.models.area import AreaInput
from watchdesk.screens.area_picker import AreaPicker
from watchdesk.screens.intake import IncidentForm
from watchdesk.screens.quickline import QuickConfirm, QuickLine


def app_for(db_path, clock):
    return make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="周文博")


def with_areas(store) -> None:
    for name in ("城关镇", "青山铺镇", "白沙乡"):
        store.areas.add(AreaInput(name=name))


def count(store) -> int:
    return store.db.execute("SELECT count(*) FROM incidents").fetchone()[0]


async def open_form(app, pilot) -> IncidentForm:
    await settle(pilot, lambda: app.loads >= 1)
    await pilot.press("n")
    await settle(pilot, lambda: isinstance(app.screen, IncidentForm), what="the form")
    return app.screen


async def test_the_form_picks_an_area_by_pinyin_initials(db_path, clock, store):
    with_areas(store)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-place").value = "石桥村"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "民房起火"
        form.query_one("#f-area").focus()
        await pilot.press("q", "s", "p")
        await pilot.press("f5")
        await settle(pilot, lambda: isinstance(app.screen, AreaPicker), what="the picker")
        picker = app.screen
        await settle(pilot, lambda: picker.searches >= 1, workers=True)
        assert [a.name for a in picker.query_one("#area-hits").areas] == ["青山铺镇"]
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        assert form.query_one("#f-area").value == "青山铺镇"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
    [inc] = store.incidents.list()
    assert (inc.area, inc.place) == ("青山铺镇", "石桥村")


async def test_an_unknown_area_is_refused_at_its_field_and_kept(db_path, clock, store):
    with_areas(store)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-place").value = "城关镇东街"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "厨房起火"
        form.query_one("#f-area").value = "南山镇"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: form.query_one("#e-area").has_class("-shown"), workers=True)
        assert "南山镇" in str(form.query_one("#e-area").render())
        assert isinstance(app.screen, IncidentForm)
        assert form.query_one("#f-area").value == "南山镇"  # the typed text stays
        assert app.focused.id == "f-area"
        # Typed pinyin naming one area is taken as that area.
        form.query_one("#f-area").value = "baisha"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
    [inc] = store.incidents.list()
    assert inc.area == "白沙乡"


async def test_the_line_infers_the_area_from_the_place(db_path, clock, store):
    with_areas(store)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("colon")
        await settle(pilot, lambda: isinstance(app.screen, QuickLine), what="the line")
        line = app.screen
        await settle(pilot, lambda: line.area_names is not None, workers=True)
        await pilot.press(*"洪涝 @青山铺镇水库下游 困12")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm), what="the confirmation")
        summary = str(app.screen.query_one("#quick-summary").render())
        assert "Area" in summary and "青山铺镇" in summary
        await pilot.press("enter")
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
        # A place that starts with no area's name: no area, and no row for it.
        await settle(pilot, lambda: not isinstance(app.screen, (QuickLine, QuickConfirm)))
        await pilot.press("colon")
        await settle(pilot, lambda: isinstance(app.screen, QuickLine), what="the line")
        line = app.screen
        await settle(pilot, lambda: line.area_names is not None, workers=True)
        await pilot.press(*"火灾 @G107国道K1532处")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm), what="the confirmation")
        assert "Area" not in str(app.screen.query_one("#quick-summary").render())
        await pilot.press("enter")
        await settle(pilot, lambda: count(store) == 2, what="the save", workers=True)
    first, second = sorted(store.incidents.list(), key=lambda i: i.id)
    assert (first.place, first.area, first.trapped) == ("青山铺镇水库下游", "青山铺镇", 12)
    assert (second.area, second.area_id) == ("", None)
