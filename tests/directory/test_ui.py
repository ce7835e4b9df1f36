"""Pilot tests: a roll-call round driven from the keyboard, the caller picker, the directory form
and the warnings board. They wait on work (`pilot.pause()` until a condition), never on time."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from tests.directory.fixtures import seed
from tests.helpers import settle
from watchdesk.app import make_app
from watchdesk.config import Settings
from watchdesk.i18n.labels import level_label
from watchdesk.models.directory import PickedCaller
from watchdesk.models.rollcall import Outcome, RoundStatus
from watchdesk.models.warning import WarningInput
from watchdesk.rules.warning import Level
from watchdesk.screens.directory import DirectoryScreen
from watchdesk.screens.directory_forms import UnitFormScreen
from watchdesk.screens.directory_picker import UnitPickerScreen
from watchdesk.screens.rollcall import NewRoundScreen, RollCallScreen
from watchdesk.screens.rollcall_run import RollCallRunScreen, RoundSummaryScreen
from watchdesk.screens.warning import WarningsScreen
from watchdesk.screens.warning_forms import ChangeWarningScreen, IssueWarningScreen
from watchdesk.widgets.warnings_strip import WarningsStrip


def app_for(db_path, clock):
    return make_app(db_path, settings=Settings(), clock=clock, poll=False)


async def test_rollcall_round_from_the_keyboard(db_path, clock, store):
    seed(store)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        app.push_screen(RollCallScreen())
        await settle(
            pilot,
            lambda: isinstance(app.screen, RollCallScreen) and app.screen.loads,
            what="the rounds list",
            workers=True,
        )
        await pilot.press("s")
        await settle(
            pilot,
            lambda: isinstance(app.screen, NewRoundScreen),
            what="the new-round form",
            workers=True,
        )
        # The set: open the list, go down to 乡镇街道值班室 (5th), pick it; then start.
        await pilot.press("enter", "down", "down", "down", "down", "enter")
        await pilot.pause()
        assert str(app.screen.query_one("#round-set").value) == "townships"
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: isinstance(app.screen, RollCallRunScreen) and app.screen.report is not None,
            what="the runner",
            workers=True,
        )
        run = app.screen
        assert run.current.unit_name == "城关镇值班室"
        assert "0731-84511001" in str(run.query_one("#run-phone").render())

        # 1: answered and on post, after 7 seconds; who answered, Enter.
        clock.advance(seconds=7)
        await pilot.press("1")
        assert run.query_one("#run-who").has_focus
        assert run.query_one("#run-secs").value == "7"
        await pilot.press(*"李明", "enter")
        await settle(
            pilot, lambda: run.report.summary.checked == 1, what="the first outcome", workers=True
        )
        assert run.current.unit_name == "东坡街道值班室"
        # 3: busy, recorded at once.
        await pilot.press("3")
        await settle(pilot, lambda: run.report.summary.checked == 2, what="busy", workers=True)
        # p: pause; back on the list, the round is paused.
        await pilot.press("p")
        await settle(
            pilot,
            lambda: isinstance(app.screen, RollCallScreen),
            what="the list again",
            workers=True,
        )
        rid = run.round_id
        assert store.rollcall.get(rid).status == RoundStatus.paused

        # o: resume it where it stood (青山铺镇, the third).
        await settle(
            pilot,
            lambda: app.screen.rounds and app.screen.rounds[0][0].status == RoundStatus.paused,
            what="the list reload",
            workers=True,
        )
        await pilot.press("o")
        await settle(
            pilot,
            lambda: isinstance(app.screen, RollCallRunScreen) and app.screen.report is not None,
            what="the runner again",
            workers=True,
        )
        run = app.screen
        assert run.report.round.status == RoundStatus.running
        assert run.current.unit_name == "青山铺镇值班室"
        await pilot.press("5", *"王五", "enter")
        await settle(
            pilot, lambda: run.report.summary.checked == 3, what="leader absent", workers=True
        )
        # Call the busy line back: up to it, Enter stands there, 1 on post.
        await pilot.press("up", "enter")
        await settle(
            pilot, lambda: run.report.round.position == 2, what="moving back", workers=True
        )
        await pilot.press("1", *"赵六", "enter")
        await settle(
            pilot,
            lambda: run.report.entries[1].outcome == Outcome.on_post,
            what="call back",
            workers=True,
        )
        # f: finish; the summary shows the rate; Enter closes it and the runner.
        await pilot.press("f")
        await settle(
            pilot,
            lambda: isinstance(app.screen, RoundSummaryScreen),
            what="the summary",
            workers=True,
        )
        assert "66.7%" in str(app.screen.query_one("#summary-text").render())
        await pilot.press("enter")
        await settle(
            pilot,
            lambda: isinstance(app.screen, RollCallScreen),
            what="back to the list",
            workers=True,
        )

    rep = store.rollcall.report(rid)
    assert rep.round.status == RoundStatus.finished
    assert [(e.outcome, e.answered_by, e.answer_seconds) for e in rep.entries] == [
        (Outcome.on_post, "李明", 7),
        (Outcome.on_post, "赵六", 0),
        (Outcome.leader_absent, "王五", 0),
    ]
    assert rep.summary.rate == pytest.approx(2 / 3)
    assert store.check().ok


@pytest.mark.parametrize(
    "query, keys, expected",
    [
        ("gaj", [], PickedCaller(unit="县公安局指挥中心", phone="0731-84521110")),
        (
            "",
            list("lq"),
            PickedCaller(unit="县公安局指挥中心", name="刘强", title="值班长", phone="13807310001"),
        ),
        (
            "",
            list("cq") + ["down"],
            PickedCaller(unit="重庆市应急管理局", name="曾凡", title="值班员", phone="13908310003"),
        ),
    ],
)
async def test_unit_picker_returns_the_caller(db_path, clock, store, query, keys, expected):
    seed(store)
    app = app_for(db_path, clock)
    got = []
    async with app.run_test(size=(140, 45)) as pilot:
        picker = UnitPickerScreen(query)
        app.push_screen(picker, got.append)
        await settle(pilot, lambda: picker.searches >= 1, what="the first search", workers=True)
        n = picker.searches
        for k in keys:
            await pilot.press(k)
        if keys:
            await settle(
                pilot,
                lambda: (
                    picker.searches > n
                    and picker.query_one("#picker-query").value
                    == query + "".join(k for k in keys if len(k) == 1)
                ),
                what="the search as typed",
                workers=True,
            )
            await settle(
                pilot, lambda: picker.searches >= n + sum(len(k) == 1 for k in keys), workers=True
            )
        await pilot.press("enter")
        await settle(pilot, lambda: got, what="the pick", workers=True)
    assert got[0].model_dump(exclude={"unit_id", "contact_id"}) == expected.model_dump(
        exclude={"unit_id", "contact_id"}
    )


async def test_unit_picker_escape_gives_none(db_path, clock, store):
    seed(store)
    app = app_for(db_path, clock)
    got = []
    async with app.run_test(size=(140, 45)) as pilot:
        app.push_screen(UnitPickerScreen("zzzz"), got.append)
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot, lambda: got, what="dismissal", workers=True)
    assert got == [None]


async def test_directory_form_refuses_a_phone_with_letters_and_keeps_the_input(
    db_path, clock, store
):
    seed(store)
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = DirectoryScreen()
        app.push_screen(screen)
        await settle(pilot, lambda: screen.searches >= 1, what="the directory", workers=True)
        await pilot.press(*"cq")
        await settle(
            pilot,
            lambda: (
                [h.unit_name for h in screen.query_one("#dir-hits").hits][:1]
                == ["重庆市应急管理局"]
            ),
            what="pinyin search as you type",
            workers=True,
        )
        await pilot.press("enter", "a")  # to the list, then add a unit
        await settle(
            pilot, lambda: isinstance(app.screen, UnitFormScreen), what="the form", workers=True
        )
        form = app.screen
        await pilot.press(*"县气象局")
        form.query_one("#f-level").value = 1
        form.query_one("#f-duty_phone").focus()
        await pilot.press(*"0731-8452412l")
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: (
                "duty" in str(form.query_one("#unit-error").render()).lower()
                or "值班电话" in str(form.query_one("#unit-error").render())
            ),
            what="the refusal",
            workers=True,
        )
        assert app.screen is form
        assert form.query_one("#f-name").value == "县气象局"
        assert store.directory.find("县气象局") is None
        await pilot.press("backspace", "1")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen is screen, what="the save", workers=True)
        await settle(pilot, lambda: store.directory.find("县气象局") is not None, workers=True)
    assert store.directory.find("县气象局").duty_phone == "0731-84524121"


async def test_warnings_board_issue_change_lift_and_strip(db_path, clock, store):
    app = app_for(db_path, clock)
    async with app.run_test(size=(140, 45)) as pilot:
        board = WarningsScreen()
        app.push_screen(board)
        await settle(pilot, lambda: board.loads >= 1, what="the board", workers=True)
        await pilot.press("i")
        await settle(
            pilot,
            lambda: isinstance(app.screen, IssueWarningScreen),
            what="the issue form",
            workers=True,
        )
        form = app.screen
        form.query_one("#w-kind").value = "hail"
        await pilot.pause()
        by_label = {level_label(x): x.value for x in Level}  # the list the officer opens
        options = form.query_one("#w-level").query_one(OptionList).options
        offered = [by_label.get(str(o.prompt)) for o in options]
        assert [str(v) for v in offered if str(v) in ("I", "II", "III", "IV")] == ["I", "II"]
        form.query_one("#w-area").focus()
        await pilot.press(*"青山铺镇")
        form.query_one("#w-issuer").focus()
        await pilot.press(*"县气象台", "ctrl+s")
        await settle(
            pilot,
            lambda: app.screen is board and board.items,
            what="the issued warning",
            workers=True,
        )
        w = board.items[0]
        assert (w.kind, w.level, w.area) == ("hail", Level.II, "青山铺镇")
        await pilot.press("c")
        await settle(
            pilot,
            lambda: isinstance(app.screen, ChangeWarningScreen),
            what="change form",
            workers=True,
        )
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: board.items and board.items[0].level == Level.I,
            what="change",
            workers=True,
        )
        await pilot.press("x")
        await settle(pilot, lambda: app.screen is not board, what="the lift form", workers=True)
        await pilot.press("enter")
        await settle(
            pilot,
            lambda: board.items and board.items[0].status.value == "lifted",
            what="the lift",
            workers=True,
        )
        assert [e.action for e in store.warnings.history(w.id)] == ["issue", "change", "lift"]
        # A lifted warning cannot be changed: the board says so and opens no form.
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is board

        store.warnings.issue(
            WarningInput(
                kind="rainstorm", level=Level.II, area="全县", issuer="县气象台", issued_at=clock()
            )
        )
        strip = WarningsStrip()
        await board.mount(strip)
        strip.reload()
        await settle(pilot, lambda: strip.loads >= 1, what="the strip", workers=True)
        assert "Rainstorm orange warning" in strip.last_text.plain
        assert "Hail" not in strip.last_text.plain
