"""Pilot tests of the one-line intake and the intake form's typing (issue 13): what was not
understood is shown, an unknown type word opens the picker with the word typed, a complete line
saves in one key from its confirmation, HH:MM is the most recent such moment, and an alias typed
in the type field is taken without the picker."""

from __future__ import annotations

from datetime import datetime

from tests.helpers import TZ, settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n import set_language
from watchdesk.screens.category_picker import CategoryPicker
from watchdesk.screens.intake import IncidentForm
from watchdesk.screens.quickline import QuickConfirm, QuickLine


def app_for(db_path, clock):
    return make_app(db_path, settings=Settings(), clock=clock, poll=False, actor="周文博")


async def open_line(app, pilot) -> QuickLine:
    await settle(pilot, lambda: app.loads >= 1)
    await pilot.press("colon")
    await settle(pilot, lambda: isinstance(app.screen, QuickLine), what="the line")
    return app.screen


async def type_line(pilot, line: str) -> None:
    await pilot.press(*line)


def count(store) -> int:
    return store.db.execute("SELECT count(*) FROM incidents").fetchone()[0]


def shown_error(screen) -> str:
    label = screen.query_one("#line-error")
    return str(label.render()) if label.has_class("-shown") and label.display else ""


async def test_a_complete_line_saves_in_one_key_from_its_confirmation(db_path, clock, store):
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_line(app, pilot)
        # 爆炸 is a duty officer's word for an explosion: an alias of a type now.
        await type_line(pilot, "爆炸 @化工园区 亡11")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm), what="the confirmation")
        summary = str(app.screen.query_one("#quick-summary").render())
        assert "化工园区" in summary and "11" in summary
        assert count(store) == 0  # nothing saved before the confirming key
        await pilot.press("enter")  # the one key
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
        await settle(pilot, lambda: not isinstance(app.screen, (QuickLine, QuickConfirm)))
        assert not isinstance(app.screen, IncidentForm)  # no form for a complete line
    [inc] = store.incidents.list()
    assert (inc.category, inc.subtype, inc.place, inc.dead) == (
        "accident",
        "work_safety",
        "化工园区",
        11,
    )
    assert inc.description == "爆炸（化工园区）"  # the line wrote it


async def test_a_bad_time_is_shown_and_nothing_goes_on(db_path, clock, store):
    set_language("zh")
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        line = await open_line(app, pilot)
        await type_line(pilot, "火灾 @东街 25:99")
        await pilot.press("enter")
        await settle(pilot, lambda: shown_error(line), what="the error")
        assert "25:99" in shown_error(line) and "时刻" in shown_error(line)
        assert app.screen is line  # still on the line, the line as typed
        assert line.query_one("#line").value == "火灾 @东街 25:99"
        # Fixed, Enter goes on (and the error goes away).
        await pilot.press(*["backspace"] * 5, *"13:30", "enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm))
        assert not shown_error(line)
    assert count(store) == 0


async def test_an_unknown_type_word_is_shown_and_opens_the_picker_with_it(db_path, clock, store):
    set_language("zh")
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        line = await open_line(app, pilot)
        await type_line(pilot, "怪事 @化工园区 亡11")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, CategoryPicker), what="the picker")
        picker = app.screen
        assert picker.query_one("#q").value == "怪事"  # the word already typed
        assert "怪事" in shown_error(line)  # and what was not understood, under the line
        # The officer picks the type: 爆炸 finds it, Enter; then Enter saves.
        await pilot.press("backspace", "backspace", *"爆炸")
        await settle(pilot, lambda: picker.choices, what="the choices")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm), what="the confirmation")
        await pilot.press("enter")
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
    [inc] = store.incidents.list()
    assert (inc.subtype, inc.dead, inc.place) == ("work_safety", 11, "化工园区")


async def test_a_line_without_a_place_opens_the_form_on_the_place(db_path, clock, store):
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_line(app, pilot)
        await type_line(pilot, "车祸 伤2 追尾")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm), what="the form")
        form = app.screen
        assert app.focused.id == "f-place"
        assert form.query_one("#f-injured").value == "2"
        await pilot.press(*"G107国道", "ctrl+s")
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
    [inc] = store.incidents.list()
    assert (inc.subtype, inc.place, inc.description) == ("road_traffic", "G107国道", "追尾")


async def test_hh_mm_at_night_is_the_most_recent_such_moment(db_path, clock, store):
    clock.set(datetime(2026, 11, 22, 2, 10, tzinfo=TZ))
    yesterday_23 = datetime(2026, 11, 21, 23, 0, tzinfo=TZ)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        # On the line.
        await open_line(app, pilot)
        await type_line(pilot, "火灾 @东街 23:00")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, QuickConfirm))
        await pilot.press("enter")
        await settle(pilot, lambda: count(store) == 1, what="the line's save", workers=True)
        await settle(pilot, lambda: app.screen is app.get_screen_main())
        # In the form: 23:00, and 昨23:00 for the received time.
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        form.query_one("#f-place").value = "西街"
        form.query_one("#f-category").value = "火灾"
        form.query_one("#f-description").value = "民房起火"
        form.query_one("#f-occurred_at").value = "23:00"
        form.query_one("#f-received_at").value = "昨23:05"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: count(store) == 2, what="the form's save", workers=True)
    by_place = {i.place: i for i in store.incidents.list()}
    assert by_place["东街"].occurred_at == yesterday_23
    assert by_place["西街"].occurred_at == yesterday_23
    assert by_place["西街"].received_at == datetime(2026, 11, 21, 23, 5, tzinfo=TZ)


async def test_an_alias_in_the_type_field_is_taken_with_one_enter(db_path, clock, store):
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot, lambda: app.loads >= 1)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        await pilot.press(*"城关镇东街", "tab", *"车祸", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, CategoryPicker)  # no picker, no second Enter
        assert app.focused.id == "f-description"
        assert form.query_one("#f-category").value == "Road traffic accident"
        await pilot.press(*"两车相撞", "ctrl+s")
        await settle(pilot, lambda: count(store) == 1, what="the save", workers=True)
        # Tab away from a typed alias settles it too.
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, IncidentForm))
        form = app.screen
        await pilot.press(*"东坡街道", "tab", *"坍塌", "tab")
        assert form.query_one("#f-category").value == "Construction accident"
    [inc] = store.incidents.list()
    assert (inc.category, inc.subtype, inc.description) == ("accident", "road_traffic", "两车相撞")
